"""What the screens may read from the app, and the calls they may make up to it.

Screens and widgets never import `tui.app` (an import contract in pyproject.toml): they see
the app through this protocol. State flows down (the loaded data, the period, the planner's
session, read here); changes flow up (an edit, another period, a request for KPIs), and the
app alone owns the workers and the engine that carry them out.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # annotations only: importing this module must not import the core
    from queries.config import Settings
    from queries.model.kpi import KpiInputs
    from queries.model.period import Period
    from queries.model.scenario import Scenario
    from queries.plan.loading import PlanData
    from queries.plan.scenario_file import DataStamp
    from queries.plan.session import PlanSession
    from tui.quick_start import FirstScreen


class PlanState(Protocol):
    """The app as a screen sees it."""

    settings: Settings
    folder: Path
    period: Period | None
    data: PlanData | None
    session: PlanSession | None
    """None while the data folder is being checked and loaded."""
    kpi_inputs: KpiInputs | None
    """The KPI sums of `period`; None until `request_kpis` has loaded them."""
    data_stamp: DataStamp | None
    status: str
    """What the app is doing while there is no session (checking, loading), for the info bar."""
    preview: FirstScreen | None
    """On a start from the start cache, its first screen until the first load is done
    (tui/quick_start.py): what the first screen and the info bar show while `session` is None."""

    def scenarios_folder(self) -> Path:
        """Where scenario files are saved."""
        ...

    def edit_scenario(self, scenario: Scenario) -> None:
        """Make `scenario` the active one (undoable); every screen redraws from it."""
        ...

    def change_period(self, as_of: dt.date | None, start: dt.date | None, end: dt.date | None) -> None:
        """Use another period; another as-of date reloads the data, keeping the scenario."""
        ...

    def action_reload(self) -> None:
        """Check and load the data folder again; the scenario, its edits and its history stay."""
        ...

    def request_kpis(self) -> None:
        """Load the KPI sums of the current period in a worker, unless loaded or loading."""
        ...
