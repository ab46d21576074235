"""One base error type (issue #18): every error the core raises for a planner to read derives
from `queries.errors.WfplanError`, so a caller can catch them all in one place."""

from __future__ import annotations

from pathlib import Path

import pytest

from queries.config import ConfigError
from queries.demo.generate import DemoError
from queries.engines.protocol import EngineError, QueryCancelled
from queries.errors import WfplanError
from queries.model.optimizer import OptimizeError
from queries.model.period import PeriodError
from queries.model.scenario import ScenarioError
from queries.plan.scenario_file import SaveError
from queries.report.build import FigureOverflow
from queries.report.table_export import ExportError


@pytest.mark.parametrize("error", [
    ConfigError, DemoError, EngineError, QueryCancelled, OptimizeError, PeriodError,
    ScenarioError, SaveError, FigureOverflow, ExportError,
])
def test_every_user_facing_error_is_a_wfplan_error(error: type[Exception]) -> None:
    assert issubclass(error, WfplanError)


def test_a_bad_scenario_is_caught_as_a_wfplan_error(tmp_path: Path) -> None:
    from queries.model.scenario import load_scenario

    path = tmp_path / "s.toml"
    path.write_text("[remote_target]\nshare = 2\n")
    with pytest.raises(WfplanError, match=r"remote_target\.share"):
        load_scenario(path)


def test_errors_that_were_value_errors_still_are() -> None:
    # Callers that catch ValueError around a period or the optimizer keep working.
    assert issubclass(PeriodError, ValueError) and issubclass(OptimizeError, ValueError)
