"""The app through Textual's Pilot: screens, sorting, what-if edits, undo, errors.

Numbers are the hand-computed ones of tests/model/test_site_costs.py on the small folder.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from textual.widgets import DataTable, Input, Label

from queries.config import load_settings
from queries.engines.duckdb_engine import QueryError
from tests.folders import base_tables, write_folder
from tests.screen import loaded, screen_text, screen_words
from tui.app import WfplanApp
from tui.dialogs import ConfirmDialog, ErrorDialog, FilterDialog, FormDialog, TextDialog
from tui.screens.problems import ProblemsScreen
from tui.screens.site_costs import SiteCostsScreen

SIZES = [(80, 24), (160, 48)]


def make_app(folder: Path) -> WfplanApp:
    return WfplanApp(settings=load_settings(), folder=folder)


def site_order(app: WfplanApp) -> list[str]:
    table = app.screen.query_one("#sites", DataTable)
    return [row.value for row in table.rows]


@pytest.mark.parametrize("size", SIZES)
async def test_number_keys_switch_screens(small_folder: Path, size: tuple[int, int]) -> None:
    app = make_app(small_folder)
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        assert app.current_mode == "sites" and isinstance(app.screen, SiteCostsScreen)
        for key, mode in [("2", "headcount"), ("3", "reach"), ("4", "kpis"), ("1", "sites")]:
            await pilot.press(key)
            assert app.current_mode == mode


@pytest.mark.parametrize("size", SIZES)
async def test_sort_by_the_column_under_the_cursor(small_folder: Path, size: tuple[int, int]) -> None:
    app = make_app(small_folder)
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        assert site_order(app) == ["BOI", "KEN", "TUL", "__total__"]
        await pilot.press(*["right"] * 7)  # Annual cost
        await pilot.press("s")
        assert site_order(app) == ["TUL", "BOI", "KEN", "__total__"]  # 30k, 90k, 150k; total stays last
        await pilot.press("s")
        assert site_order(app) == ["KEN", "BOI", "TUL", "__total__"]


@pytest.mark.parametrize("size", SIZES)
async def test_closing_a_site_changes_the_savings_by_the_hand_computed_amount(small_folder: Path, size: tuple[int, int]) -> None:
    """Close KEN on its lease end (no break fee): 2 of 3 retained, 1 leaves, 1 hired.
    Savings 150,000 - 3,400 = 146,600; one-time 3 x 1,500 + 5,000 = 9,500."""
    app = make_app(small_folder)
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        await pilot.press("down", "c")
        assert isinstance(app.screen, FormDialog)
        assert app.screen.query_one("#field-close_date", Input).value == "2026-12-31"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SiteCostsScreen)
        out = app.session.evaluate().outcome
        assert out.annual_savings == pytest.approx(146_600)
        assert out.one_time_cost == pytest.approx(9_500)
        assert app.session.dirty
        screen = screen_text(app)
        assert "$146,600" in screen and "$9,500" in screen
        assert "closes 2026-12-31" in screen
        await pilot.press("u")
        assert app.session.scenario.closures == [] and not app.session.dirty
        assert "$146,600" not in screen_text(app)
        await pilot.press("ctrl+r")
        assert [c.site_id for c in app.session.scenario.closures] == ["KEN"]


async def test_negative_lease_is_rejected_in_the_field(small_folder: Path) -> None:
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("e")  # BOI
        field = app.screen.query_one("#field-lease_annual", Input)
        assert field.value == "60000"
        field.value = "-5"
        await pilot.pause()
        error = app.screen.query_one("#error-lease_annual", Label)
        assert error.display and str(error.render()) == "must be >= 0 (got '-5')"
        await pilot.press("enter")
        assert isinstance(app.screen, FormDialog)  # refused: the dialog stays
        assert app.session.scenario.site_changes == []
        field.value = "50000"
        await pilot.press("enter")
        await pilot.pause()
        assert app.session.evaluate().outcome.annual_savings == pytest.approx(10_000)


async def test_remote_cost_parameters_are_edited_in_place(small_folder: Path) -> None:
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("r")
        app.screen.query_one("#field-stipend_monthly", Input).value = "100"
        await pilot.press("enter")
        await pilot.pause()
        # One remote agent (A6): 12 x 50 more a year.
        assert app.session.evaluate().outcome.annual_savings == pytest.approx(-600)
        assert app.session.scenario.parameters.remote.stipend_monthly == 100
        assert app.session.scenario.parameters.remote.equipment_cost is None  # unchanged stays unset


async def test_explain_shows_the_formula_with_this_sites_numbers(small_folder: Path) -> None:
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("down", *["right"] * 9, "x")  # KEN, cost per seat used
        assert isinstance(app.screen, TextDialog)
        assert app.screen.lines[-1] == "= $150,000 / 2.40 = $62,500"
        await pilot.press("escape")
        assert isinstance(app.screen, SiteCostsScreen)


async def test_filter_by_state(small_folder: Path) -> None:
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        screen = app.screen
        screen.state_filter = "WA"
        screen.show()
        await pilot.pause()
        assert site_order(app) == ["KEN", "__total__"]
        assert "Total (1 shown)" in screen_text(app)


async def test_quit_asks_when_there_are_unsaved_edits(small_folder: Path) -> None:
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("down", "o")  # KEN is open: reopen does nothing
        await pilot.press("down", "c", "enter")
        await pilot.pause()
        await pilot.press("q")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        assert isinstance(app.screen, SiteCostsScreen)
        await pilot.press("q", "y")
        await pilot.pause()
    assert app.return_code == 0


async def test_a_failing_query_opens_an_error_dialog_and_the_app_keeps_running(
    small_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise QueryError("IO Error: No files found that match the pattern")

    monkeypatch.setattr("queries.plan.loading.load_plan_data", fail)
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        assert isinstance(app.screen, ErrorDialog)
        assert app.screen.message == "IO Error: No files found that match the pattern\n\nF5 loads the data again."
        await pilot.press("escape")
        await pilot.press("2")
        assert app.current_mode == "headcount"


async def test_a_broken_folder_opens_the_problems_screen(tmp_path: Path) -> None:
    tables = base_tables()
    tables["sites"] = tables["sites"].with_columns(seats=pl.Series([10, -8, 4]))
    folder = write_folder(tmp_path / "data", tables)
    app = make_app(folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        assert isinstance(app.screen, ProblemsScreen)
        screen = screen_text(app)
        # The line wraps at 80 columns since the rule gained its upper bound.
        assert "error: sites.parquet: seats: must be > 0 and <= 100,000 (1 row), e.g. BOI: -8" in " ".join(screen.split())


async def test_report_site_numbers_equal_the_screens(small_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The JSON report and the Site costs table show the same figures for the same folder."""
    import datetime as dt
    import json

    from queries.format import money, number, share
    from tui.cli import main

    assert main(["report", "--data", str(small_folder)]) == 0
    report = json.loads(capsys.readouterr().out)["site_costs"]
    app = make_app(small_folder)
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot)
        # The report's rows also carry each site's commute (commute_*), the screen's Commute column.
        assert app.session.baseline_evaluation.site_costs.to_dicts() == [
            {**{k: v for k, v in s.items() if not k.startswith("commute_")},
             "lease_end": None if s["lease_end"] is None else dt.date.fromisoformat(s["lease_end"])}
            for s in report["sites"]
        ]
        table = app.screen.query_one("#sites", DataTable)
        for site in report["sites"]:
            row = [cell.plain for cell in table.get_row(site["site_id"])]
            assert row[2:10] == [
                number(site["seats"], 0), number(site["seat_demand"], 1), share(site["utilization"], 0),
                money(site["lease_annual"]), money(site["opex_annual"]), money(site["annual_cost"]),
                money(site["cost_per_seat"]), money(site["cost_per_seat_used"]),
            ]
        total = [cell.plain for cell in table.get_row("__total__")]
        assert total[2:4] == [number(report["totals"]["seats"], 0), number(report["totals"]["seat_demand"], 1)]
        assert total[7] == money(report["totals"]["annual_cost"])


async def test_markup_in_data_is_shown_as_text(tmp_path: Path) -> None:
    tables = base_tables()
    tables["sites"] = tables["sites"].with_columns(
        state=pl.Series(["WA", "ID[/]", "OK"]), name=pl.Series(["Kennewick", "[bold]Boise", "Tulsa"])
    )
    folder = write_folder(tmp_path / "data", tables)
    app = make_app(folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        assert "BOI [bold]Boise" in screen_words(app)
        await pilot.press("f")
        assert isinstance(app.screen, FilterDialog)
        await pilot.press("enter")  # open the state list (focused first), which holds "ID[/]"
        await pilot.pause()
        assert "ID[/]" in screen_words(app)


async def test_ctrl_q_asks_too(small_folder: Path) -> None:
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("down", "c", "enter")
        await pilot.pause()
        await pilot.press("ctrl+q")
        assert isinstance(app.screen, ConfirmDialog)


async def test_a_long_site_name_leaves_room_for_the_numbers(tmp_path: Path) -> None:
    tables = base_tables()
    tables["sites"] = tables["sites"].with_columns(name=pl.Series(["K" * 300, "Boise", "Tulsa"]))
    app = make_app(write_folder(tmp_path / "data", tables))
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        words = screen_words(app)
        assert "KEN " + "K" * 19 + "… open 10 2.4 24%" in words
