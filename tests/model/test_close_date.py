"""A close date on or before the as-of date is refused everywhere a scenario meets the data:
the app's edits, a scenario file opened in the app, `wfplan report`, and the session the
plan branch builds on. The small folder's as-of date is 2026-03-31 (tests/folders.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.widgets import Input

from queries.config import Parameters, load_settings
from queries.contract.check import open_folder
from queries.model.scenario import Closure, Scenario, ScenarioError, validate_against
from queries.plan.loading import load_workforce
from queries.plan.session import PlanSession
from tests.screen import loaded, screen_words
from tui.app import WfplanApp
from tui.cli import main
from tui.dialogs import ErrorDialog, FormDialog

D = dt.date
AS_OF = D(2026, 3, 31)
MESSAGE = ("closures: KEN closes on {day}, on or before the as-of date 2026-03-31; "
           "a closure is a plan, not a record: choose a close_date after 2026-03-31")


@pytest.mark.parametrize("day", [AS_OF, D(2026, 1, 15), D(2020, 1, 1)])  # on as-of, before it, before the data
def test_validate_against_refuses_a_close_date_on_or_before_as_of(day: dt.date) -> None:
    scenario = Scenario(closures=[Closure(site_id="KEN", close_date=day)])
    with pytest.raises(ScenarioError) as refused:
        validate_against(scenario, {"KEN"}, "close.toml", AS_OF)
    assert str(refused.value) == "close.toml: " + MESSAGE.format(day=day)
    # The day after as-of is a plan.
    validate_against(Scenario(closures=[Closure(site_id="KEN", close_date=AS_OF + dt.timedelta(days=1))]),
                     {"KEN"}, "close.toml", AS_OF)


def test_the_session_refuses_it_and_keeps_the_scenario(small_folder: Path) -> None:
    engine, result = open_folder(small_folder)
    assert result.ok
    session = PlanSession(load_workforce(engine, AS_OF), Parameters())
    with pytest.raises(ScenarioError, match="on or before the as-of date 2026-03-31"):
        session.edit(Scenario(closures=[Closure(site_id="KEN", close_date=D(2025, 12, 31))]))
    assert session.scenario.closures == [] and not session.can_undo
    with pytest.raises(ScenarioError, match="on or before the as-of date"):
        PlanSession(load_workforce(engine, AS_OF), Parameters(),
                    Scenario(closures=[Closure(site_id="KEN", close_date=AS_OF)]))


def test_report_refuses_it_naming_the_file_and_the_as_of_date(small_folder: Path, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "past.toml"
    path.write_text('[[closures]]\nsite_id = "KEN"\nclose_date = 2025-06-30\n')
    assert main(["report", "--data", str(small_folder), "--scenario", str(path)]) == 2
    assert capsys.readouterr().err == f"wfplan: scenario error: {path}: " + MESSAGE.format(day="2025-06-30") + "\n"


async def test_the_close_dialog_proposes_a_date_after_as_of_and_refuses_an_earlier_one(small_folder: Path) -> None:
    app = WfplanApp(settings=load_settings(), folder=small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        # BOI (first row) has no lease end: the default is the end of the month after as-of.
        await pilot.press("c")
        assert isinstance(app.screen, FormDialog)
        field = app.screen.query_one("#field-close_date", Input)
        assert field.value == "2026-04-30"
        field.value = "2026-03-31"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ErrorDialog)
        words = screen_words(app)
        assert "That edit cannot be applied" in words
        assert "BOI closes on 2026-03-31, on or before the" in words and "as-of date 2026-03-31;" in words
        assert app.session.scenario.closures == []
