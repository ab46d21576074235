"""What the screens may read from the app, and the messages they post up to it.

Screens and widgets never import `tui.app` (an import contract in pyproject.toml): they see
the app through this protocol. State flows down: what the app has loaded is one frozen
`Loaded`, replaced whole whenever something in it changes, so a screen that reads
`self.wf.state` once sees one period with its own data, session and KPI sums. Changes flow
up as messages (`EditScenario`, `ChoosePeriod`, `WantKpis`, `ReloadData`) that a screen posts
and that bubble to the app, which alone owns the workers and the engine that carry them out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from textual.message import Message

if TYPE_CHECKING:  # annotations only: importing this module must not import the core
    from queries.config import Settings
    from queries.model.kpi import KpiInputs
    from queries.model.period import Period
    from queries.model.scenario import Scenario
    from queries.plan.loading import PlanData
    from queries.plan.scenario_file import DataStamp
    from queries.plan.session import PlanSession
    from tui.quick_start import FirstScreen


@dataclass(frozen=True, eq=False)  # compared by identity: its fields hold data frames
class Loaded:
    """What the app has loaded for the data folder; the app replaces it whole
    (`dataclasses.replace`) and bumps its `revision` (`kpi_revision` for `kpi_inputs`)."""

    period: Period | None = None
    data: PlanData | None = None
    session: PlanSession | None = None
    """None while the data folder is being checked and loaded. The session itself is the
    planner's work in progress (scenario, undo history), changed only by the app."""
    kpi_inputs: KpiInputs | None = None
    """The KPI sums of `period`; None until a `WantKpis` has loaded them."""
    data_stamp: DataStamp | None = None
    """What the loaded data looks like (rows, dates), for scenario files' [meta]."""


class PlanState(Protocol):
    """The app as a screen sees it."""

    settings: Settings
    folder: Path
    state: Loaded
    status: str
    """What the app is doing while there is no session (checking, loading), for the info bar."""
    preview: FirstScreen | None
    """On a start from the start cache, its first screen until the first load is done
    (tui/quick_start.py): what the first screen and the info bar show while `session` is None."""

    def scenarios_folder(self) -> Path:
        """Where scenario files are saved."""
        ...


# -- what a screen asks of the app: posted, bubbling from the screen to the app ---------------


class EditRefused(Exception):
    """An edit that does not apply to the scenario in force when the app gets to it (reopening a
    site that is not closed); the app shows its text as a notice and changes nothing."""


@dataclass
class EditScenario(Message):
    """Change the active scenario (undoable); every screen redraws from it.

    `edit` is the new scenario, or a function from the scenario in force to the new one, which
    the app applies when it handles the message. Use a function for an edit of part of the
    scenario: keys pressed in one burst are handled by the screen before the app has applied
    the edits of the earlier ones, so an edit computed from the screen's copy of the scenario
    would undo them; a function sees each of them.
    """

    edit: Scenario | Callable[[Scenario], Scenario]


@dataclass
class ChoosePeriod(Message):
    """Use another period; another as-of date reloads the data, keeping the scenario."""

    as_of: dt.date | None
    start: dt.date | None
    end: dt.date | None


class WantKpis(Message):
    """Load the KPI sums of the current period in a worker, unless loaded or loading."""


class ReloadData(Message):
    """Check and load the data folder again; the scenario, its edits and its history stay."""
