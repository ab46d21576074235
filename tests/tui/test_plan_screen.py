"""The Plan screen (7): the plan over time of the active scenario, and the closure optimizer
run from it, through Textual's Pilot at 80x24 and wider. The numbers themselves are checked
by hand in tests/model/test_cashflow.py and tests/model/test_optimizer.py; here the screen must show them
and the optimizer's closures must become the scenario on one key, undoably."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.widgets import Input

from queries.config import load_settings
from queries.format import money
from queries.model.scenario import Closure
from tests.screen import loaded, screen_words
from tui.app import WfplanApp
from tui.screens.plan import ClosurePlanDialog


def app_on(folder: Path) -> WfplanApp:
    return WfplanApp(settings=load_settings(), folder=folder)


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_the_plan_of_a_closure(small_folder: Path, size: tuple[int, int]) -> None:
    app = app_on(small_folder)
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        await pilot.press("7")
        await loaded(pilot)
        assert "The scenario changes nothing over the horizon" in screen_words(app)
        app.edit_scenario(app.session.scenario.with_closure(Closure(site_id="KEN", close_date=dt.date(2026, 9, 30))))
        await loaded(pilot)
        plan = app.session.plan()
        words = screen_words(app)
        assert f"NPV {money(plan.npv)} (8%) one-time {money(49_500)}" in words
        assert f"break-even {plan.break_even_month:%b %Y}" in words
        # The table starts with the first month after as-of, baseline and scenario the same until KEN closes.
        first = plan.months[0]
        assert f"{first.month:%b %Y} {money(first.baseline_cost)} {money(first.baseline_cost)} —" in words
        await pilot.press("x")
        assert f"Plan: {first.month:%B %Y} (month 1 of 36)" in screen_words(app)


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_optimize_and_apply_then_undo(small_folder: Path, size: tuple[int, int]) -> None:
    """One closure a quarter: three sites, one a quarter (tests/model/test_optimizer.py); `a` applies
    them to the scenario, every screen sees them, `u` takes them back."""
    app = app_on(small_folder)
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        await pilot.press("7")
        await loaded(pilot)
        await pilot.press("o")
        app.screen.query_one("#field-max_closures_per_quarter", Input).value = "1"
        await pilot.press("enter")
        await loaded(pilot)
        assert isinstance(app.screen, ClosurePlanDialog)
        recommended = app.screen.plan
        words = screen_words(app)
        assert "Constraints: at most 1 closure(s) a quarter" in words
        assert [c.site_id for c in recommended.closures] == ["KEN", "BOI", "TUL"]
        assert f"KEN {recommended.closures[0].close_date.isoformat()}" in words
        await pilot.press("a")
        await loaded(pilot)
        assert [(c.site_id, c.close_date) for c in app.session.scenario.closures] == [
            (c.site_id, c.close_date) for c in recommended.closures]
        assert f"NPV {money(app.session.plan().npv)}" in screen_words(app)
        await pilot.press("1")
        await loaded(pilot)
        assert "KEN" in {c.site_id for c in app.session.evaluate().scenario.closures}
        await pilot.press("7", "u")
        await loaded(pilot)
        assert app.session.scenario.closures == []


async def test_constraints_that_cannot_be_met_say_why(small_folder: Path) -> None:
    app = app_on(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("7")
        await loaded(pilot)
        await pilot.press("o")
        app.screen.query_one("#field-target_share", Input).value = "1"
        app.screen.query_one("#field-keep_sites", Input).value = "BOI, TUL"
        await pilot.press("enter")
        await loaded(pilot)
        words = screen_words(app)
        assert "No closure plan meets the constraints: remote share target 100%" in words
        assert "reaches 57.1% remote," in words and "42.9 percentage points short" in words
        await pilot.press("a")  # nothing to apply
        await loaded(pilot)
        assert app.session.scenario.closures == []


async def test_an_unknown_site_to_keep_is_an_error_dialog(small_folder: Path) -> None:
    app = app_on(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("7")
        await loaded(pilot)
        await pilot.press("o")
        app.screen.query_one("#field-keep_sites", Input).value = "XYZ"
        await pilot.press("enter")
        await loaded(pilot)
        words = screen_words(app)
        assert "The closures could not be optimized" in words
        assert "optimize.keep_sites: unknown site 'XYZ'" in words


async def test_esc_cancels_a_running_optimization(small_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """While the solve runs the screen says so; esc drops it and no result dialog appears."""
    import threading

    release = threading.Event()
    app = app_on(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("7")
        await loaded(pilot)
        solve = app.session.closure_plan

        def slow(*args: object, **kwargs: object) -> object:
            release.wait(10)
            return solve(*args, **kwargs)

        monkeypatch.setattr(app.session, "closure_plan", slow)
        await pilot.press("o", "enter")
        await pilot.pause()
        assert "optimizing closures… (esc cancels)" in screen_words(app)
        await pilot.press("escape")
        release.set()
        await loaded(pilot)
        assert not isinstance(app.screen, ClosurePlanDialog)
        assert "optimizing closures" not in screen_words(app)
        assert app.session.scenario.closures == []


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_the_plan_shows_what_the_agents_save_in_commuting_each_month(small_folder: Path,
                                                                          size: tuple[int, int]) -> None:
    """KEN closed on 2026-09-30: from October the agents save 18,240 km / 12 = 1,520 km a month,
    x $0.43 = $653.60 (tests/model/test_cashflow.py works it out); `x` on that month says so. At 80
    columns the Commute saved column is reached with the arrows, whole."""
    app = app_on(small_folder)
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        await pilot.press("7")
        await loaded(pilot)
        app.edit_scenario(app.session.scenario.with_closure(Closure(site_id="KEN", close_date=dt.date(2026, 9, 30))))
        await loaded(pilot)
        table = app.screen.query_one("#plan-months")
        table.focus()
        await pilot.press(*["down"] * 6, *["right"] * 7)  # October 2026, the Commute saved column
        await pilot.pause()
        row = [cell.plain for cell in table.get_row("6")]
        assert row[0] == "Oct 2026" and row[7] == "$654"
        assert [cell.plain for cell in table.get_row("5")][7] == "$0"  # September: KEN still open
        assert "Commute saved" in screen_words(app) and "$654" in screen_words(app)
        await pilot.press("x")
        words = screen_words(app)
        assert "Commute $654 saved by the agents this month" in words
        assert "= 1,520 km, 30 h, 0.38" in words  # (at 80x24 a scrollbar may sit before "t CO2")
