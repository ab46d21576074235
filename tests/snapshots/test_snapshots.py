"""Snapshot tests: each state of each screen as the user sees it, at 80x24 and wider.

Update after an intended change with `make test PYTEST_ARGS=--snapshot-update` and review
the SVGs in the diff.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from queries.config import load_settings
from queries.engines.duckdb_engine import QueryError
from tests.folders import base_tables, write_folder
from tests.screen import loaded
from tui.app import WfplanApp

SIZES = [(80, 24), (160, 48)]


def app_on(folder: Path) -> WfplanApp:
    return WfplanApp(settings=load_settings(), folder=folder)


@pytest.fixture
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # The folder's name shows in the info bar, so it is the same in every run.
    return write_folder(tmp_path_factory.mktemp("snap") / "exports")


class TestSiteCosts:
    @pytest.mark.parametrize("size", SIZES)
    def test_baseline(self, snap_compare, folder: Path, size: tuple[int, int]) -> None:
        """The site table, the cost chart and an empty scenario panel."""
        assert snap_compare(app_on(folder), terminal_size=size, run_before=loaded)

    @pytest.mark.parametrize("size", SIZES)
    def test_kennewick_closed(self, snap_compare, folder: Path, size: tuple[int, int]) -> None:
        """KEN closed on its lease end: dimmed row, totals without it, savings in the panel."""
        assert snap_compare(app_on(folder), terminal_size=size, run_before=loaded, press=["down", "c", "enter"])

    def test_close_dialog(self, snap_compare, folder: Path) -> None:
        """The close dialog with its defaults: lease end, retain and backfill shares."""
        assert snap_compare(app_on(folder), run_before=loaded, press=["down", "c"])

    def test_rejected_negative_lease(self, snap_compare, folder: Path) -> None:
        """The cost dialog says what is wrong with a negative lease."""

        async def run_before(pilot) -> None:
            await loaded(pilot)
            await pilot.press("e")
            pilot.app.screen.query_one("#field-lease_annual").value = "-5"

        assert snap_compare(app_on(folder), run_before=run_before)

    def test_sorted_by_annual_cost_descending(self, snap_compare, folder: Path) -> None:
        """Sorted by the cursor's column, twice: descending, arrow in the header."""
        assert snap_compare(app_on(folder), run_before=loaded, press=[*["right"] * 7, "s", "s"])

    def test_explain(self, snap_compare, folder: Path) -> None:
        """x on KEN's utilization: the formula with KEN's numbers."""
        assert snap_compare(app_on(folder), run_before=loaded, press=["down", *["right"] * 4, "x"])

    def test_explain_totals(self, snap_compare, folder: Path) -> None:
        """X: total cost, savings, one-time cost and payback with their parts."""
        assert snap_compare(app_on(folder), terminal_size=(100, 40), run_before=loaded, press=["X"])

    def test_explain_commute(self, snap_compare, folder: Path) -> None:
        """x on KEN's Commute/yr: the commute rule with its parameters and KEN's sums."""
        assert snap_compare(app_on(folder), run_before=loaded, press=["down", *["right"] * 13, "x"])


class TestHeadcount:
    @pytest.mark.parametrize("size", SIZES)
    def test_overview(self, snap_compare, folder: Path, size: tuple[int, int]) -> None:
        """Mix on as-of, the target and plan, the monthly mix chart and the months."""
        assert snap_compare(app_on(folder), terminal_size=size, run_before=loaded, press=["2"])

    def test_sites_view(self, snap_compare, folder: Path) -> None:
        """v: headcount per site, remote agents without a site on their own row."""
        assert snap_compare(app_on(folder), run_before=loaded, press=["2", "v"])

    def test_drilled_into_a_site(self, snap_compare, folder: Path) -> None:
        """enter on KEN: its own mix and months; esc is offered to go back."""
        assert snap_compare(app_on(folder), run_before=loaded, press=["2", "v", "down", "enter"])


class TestReach:
    @pytest.mark.parametrize("size", SIZES)
    def test_overview(self, snap_compare, folder: Path, size: tuple[int, int]) -> None:
        """Pools onsite vs remote, the multiplier, the map and the regions."""
        assert snap_compare(app_on(folder), terminal_size=size, run_before=loaded, press=["3"])

    def test_policy_dialog(self, snap_compare, folder: Path) -> None:
        """p: the hiring policy with the configured values."""
        assert snap_compare(app_on(folder), run_before=loaded, press=["3", "p"])


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from queries.demo.generate import generate_demo

    return generate_demo(tmp_path_factory.mktemp("snapdemo") / "exports", agents=120, days=120, seed=3).folder


async def kpis_loaded(pilot) -> None:
    await loaded(pilot)
    await pilot.press("4")
    await loaded(pilot)


class TestKpis:
    @pytest.mark.parametrize("size", SIZES)
    def test_by_work_mode(self, snap_compare, demo: Path, size: tuple[int, int]) -> None:
        """Groups by mode with FCR first, differences with 95% CIs, the FCR trend."""
        assert snap_compare(app_on(demo), terminal_size=size, run_before=kpis_loaded)

    def test_tenure_adjusted(self, snap_compare, demo: Path) -> None:
        """a: differences within tenure bands and how much tenure explains."""
        assert snap_compare(app_on(demo), run_before=kpis_loaded, press=["a"])

    def test_split_by_tenure_band(self, snap_compare, demo: Path) -> None:
        """b b: groups by mode and tenure band, small cells suppressed."""
        assert snap_compare(app_on(demo), terminal_size=(100, 40), run_before=kpis_loaded, press=["b", "b"])

    def test_suppressed(self, snap_compare, folder: Path) -> None:
        """The small folder: every group below the privacy floor shows no values."""
        assert snap_compare(app_on(folder), run_before=kpis_loaded)


class TestStaffing:
    @pytest.mark.parametrize("size", SIZES)
    def test_queues_weeks_and_day(self, snap_compare, demo: Path, size: tuple[int, int]) -> None:
        """Queues with SL, ASA and occupancy; weeks against employed FTE; the day's shape."""
        assert snap_compare(app_on(demo), terminal_size=size, run_before=loaded, press=["5"])

    def test_no_forecast(self, snap_compare, folder: Path) -> None:
        """The small folder has no forecast: the screen says what it needs."""
        assert snap_compare(app_on(folder), run_before=loaded, press=["5"])


class TestShell:
    def test_help(self, snap_compare, folder: Path) -> None:
        """? lists every key of the Site costs screen and the app."""
        assert snap_compare(app_on(folder), terminal_size=(100, 40), run_before=loaded, press=["question_mark"])

    def test_no_color(self, snap_compare, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """NO_COLOR set: monochrome, still readable (glyphs, not colors, tell modes apart)."""
        monkeypatch.setenv("NO_COLOR", "1")
        assert snap_compare(app_on(folder), run_before=loaded, press=["2"])

    def test_quit_confirmation(self, snap_compare, folder: Path) -> None:
        """q with unsaved edits asks first."""
        assert snap_compare(app_on(folder), run_before=loaded, press=["down", "c", "enter", "q"])

    def test_contract_problems(self, snap_compare, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """A broken folder: the check's lines, not a traceback."""
        tables = base_tables()
        tables["sites"] = tables["sites"].with_columns(seats=pl.Series([10, -8, 4]))
        tables["agents"] = tables["agents"].drop("fte")
        write_folder(tmp_path / "exports", tables)
        monkeypatch.chdir(tmp_path)  # the summary names the folder as given: the same every run
        assert snap_compare(app_on(Path("exports")), run_before=loaded)

    def test_query_error(self, snap_compare, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """A failing query opens an error dialog over the screen."""

        def fail(*args: object, **kwargs: object) -> None:
            raise QueryError("IO Error: Could not read file kpi_daily.parquet")

        monkeypatch.setattr("queries.plan.loading.load_plan_data", fail)
        assert snap_compare(app_on(folder), run_before=loaded)


class TestPlan:
    @pytest.mark.parametrize("size", SIZES)
    def test_kennewick_closed_on_its_lease_end(self, snap_compare, folder: Path, size: tuple[int, int]) -> None:
        """KEN closed on its lease end (Site costs `c`), then the Plan screen: NPV, one-time and
        break-even, the cost and cumulative savings charts with the break-even mark, the months."""

        async def run_before(pilot) -> None:
            await loaded(pilot)
            await pilot.press("down", "c", "enter")
            await loaded(pilot)
            await pilot.press("7")
            await loaded(pilot)

        assert snap_compare(app_on(folder), terminal_size=size, run_before=run_before)

    def test_closure_plan_dialog(self, snap_compare, folder: Path) -> None:
        """`o` with one closure a quarter: the recommended closures beside the scenario's own."""

        async def run_before(pilot) -> None:
            await loaded(pilot)
            await pilot.press("7")
            await loaded(pilot)
            await pilot.press("o")
            pilot.app.screen.query_one("#field-max_closures_per_quarter").value = "1"
            await pilot.press("enter")
            await loaded(pilot)

        assert snap_compare(app_on(folder), run_before=run_before)


class TestSmallTerminal:
    """Issue 21: what a planner over SSH at 80x24 sees of the new feedback and inputs."""

    def test_share_typed_without_percent_says_how_it_was_read(self, snap_compare, folder: Path) -> None:
        """t on Headcount, "60" typed: the field says "read as 60%"."""
        async def run_before(pilot) -> None:
            await loaded(pilot)
            await pilot.press("2", "t", "6", "0")

        assert snap_compare(app_on(folder), run_before=run_before)

    def test_unknown_state_code_names_the_codes_there_are(self, snap_compare, folder: Path) -> None:
        """p on Hiring reach, "az" typed as the states: refused, naming CO, ID, OK, WA."""
        async def run_before(pilot) -> None:
            await loaded(pilot)
            await pilot.press("3", "p", "tab", "a", "z")

        assert snap_compare(app_on(folder), run_before=run_before)

    def test_undo_says_what_it_undid(self, snap_compare, folder: Path) -> None:
        """KEN closed on Site costs, then u on KPIs: "Undid: close KEN"."""
        async def run_before(pilot) -> None:
            await loaded(pilot)
            await pilot.press("down", "c", "enter")
            await loaded(pilot)
            await pilot.press("4")
            await loaded(pilot)
            await pilot.press("u")
            await loaded(pilot)

        assert snap_compare(app_on(folder), run_before=run_before)

    def test_help_on_scenarios(self, snap_compare, folder: Path) -> None:
        """? on Scenarios at 80x24: its keys first, descriptions wrapped in their column."""
        assert snap_compare(app_on(folder), run_before=loaded, press=["6", "question_mark"])
