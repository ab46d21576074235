"""The Scenarios screen, save as and open, through Pilot, and its snapshots.

Numbers are the hand-computed ones of tests/model/test_compare.py on the small folder: baseline
$545,480; "Close KEN" (KEN closed on its lease end) $398,880, savings $146,600, one-time
$9,500, payback 0.8 months; "Half remote" (a 50% remote target) $549,680, savings -$4,200,
one-time $4,500, payback n/a.
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import polars as pl
import pytest
from textual.widgets import DataTable, Input

from queries.config import load_settings
from queries.model.scenario import Closure, RemoteTarget, Scenario, load_scenario
from queries.plan.scenario_file import DataStamp, save_scenario, with_meta
from tests.folders import base_tables, write_folder
from tests.screen import loaded, screen_words
from tui.app import WfplanApp
from tui.dialogs import ChooseDialog, ConfirmDialog, ErrorDialog, FormDialog, TextDialog
from tui.screens.scenarios import ScenariosScreen
from tui.screens.site_costs import SiteCostsScreen

SIZES = [(80, 24), (160, 48)]
CLOSE_KEN = Scenario(name="Close KEN", closures=[Closure(site_id="KEN", close_date=dt.date(2026, 12, 31))])
HALF_REMOTE = Scenario(name="Half remote", remote_target=RemoteTarget(share=0.5))


@pytest.fixture
def scenarios(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "scenarios"
    monkeypatch.setenv("WFPLAN_SCENARIOS_FOLDER", str(folder))
    return folder


def make_app(folder: Path, scenario_path: Path | None = None) -> WfplanApp:
    return WfplanApp(settings=load_settings(), folder=folder, scenario_path=scenario_path)


def table_rows(app: WfplanApp) -> dict[str, list[str]]:
    table = app.screen.query_one("#cmp-table", DataTable)
    return {row.value: [cell.plain for cell in table.get_row(row.value)][1:] for row in table.rows}


def notifications(app: WfplanApp) -> list[str]:
    return [n.message for n in app._notifications]


async def type_name(pilot, name: str) -> None:
    assert isinstance(pilot.app.screen, FormDialog)
    pilot.app.screen.query_one("#field-name", Input).value = name
    await pilot.press("enter")
    await pilot.pause()


# -- comparing -------------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_compare_the_active_scenario_with_a_saved_one(small_folder: Path, scenarios: Path,
                                                            size: tuple[int, int]) -> None:
    save_scenario(HALF_REMOTE, scenarios / "half-remote.toml")
    app = make_app(small_folder)
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        await pilot.press("down", "c", "enter")  # close KEN: the active scenario, unsaved
        await pilot.pause()
        await pilot.press("6")
        await loaded(pilot)
        assert app.current_mode == "scenarios" and isinstance(app.screen, ScenariosScreen)
        rows = table_rows(app)
        # Baseline, A (active, unsaved), B (the saved file), and at 160 wide the differences.
        assert rows["total_annual_cost"][:3] == ["$545,480", "$398,880", "$549,680"]
        assert rows["annual_savings"][:3] == ["$0", "$146,600", "-$4,200"]
        assert rows["one_time_cost"][:3] == ["$0", "$9,500", "$4,500"]
        assert rows["payback_months"][:3] == ["n/a", "0.8 months", "n/a"]
        assert [rows[f"headcount_by_mode.{m}"][:3] for m in ("onsite", "hybrid", "remote")] == [
            ["4", "2", "1"], ["2", "1", "2"], ["1", "4", "4"]]
        assert rows["remote_share"][:3] == ["14.3%", "57.1%", "57.1%"]
        assert rows["seats_freed"][:3] == ["0.0", "2.4", "3.0"]
        assert rows["reach_multiplier"][:3] == ["4.70x", "6.58x", "4.70x"]
        assert "scheduled_fte" not in rows  # no forecast, no staffing
        words = screen_words(app)
        assert "A Untitled ● active, unsaved edits" in words and "B Half remote half-remote.toml" in words
        assert "A: Untitled ●" in words and "B: Half remote" in words
        # At every size: A − baseline, B − baseline and B − A (549,680 - 398,880 = +150,800),
        # and the rows of what the totals are made of (80x24 scrolls to them).
        assert rows["total_annual_cost"][3:] == ["-$146,600", "+$4,200", "+$150,800"]
        assert rows["remote_share"][3:] == ["+42.9 pt", "+42.9 pt", "0.0 pt"]
        # B − A sites: 270,000 - 120,000 = +150,000
        assert rows["  sites (lease + opex)"] == ["$270,000", "$120,000", "$270,000", "-$150,000", "$0", "+$150,000"]
        assert rows["Remote hires"][:3] == ["—", "1", "0"]
        # Every number whole on the screen, at 80 columns too.
        assert "Total annual cost $545,480 $398,880 $549,680" in words
        assert "Reach multiplier 4.70x 6.58x 4.70x" in words

        await pilot.press("u")  # undo the closure: A follows the active scenario
        await loaded(pilot)
        assert table_rows(app)["total_annual_cost"][:3] == ["$545,480", "$545,480", "$549,680"]


async def test_at_80x24_every_row_and_column_is_reached_by_keys(small_folder: Path, scenarios: Path) -> None:
    """Issue 21: at 80x24 the table showed 11 rows and no differences, and no key reached the
    rest. Now the title says what is hidden, the arrows and PageDown scroll to it."""
    save_scenario(HALF_REMOTE, scenarios / "half-remote.toml")
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await close_ken_then_compare(pilot)
        words = screen_words(app)
        # 14 figures (4 of them the commute), the commute saved, 3 parts of the total, 6 changes
        assert "Baseline, A and B · 24 rows ↑↓ PgDn, more columns ←→" in words
        assert "Hiring costs" not in words and "B − A" not in words
        await pilot.press("pagedown", "pagedown")
        words = screen_words(app)
        assert "Hiring costs — $5,000 $0" in words  # the last row, whole: 1 hire x $5,000
        await pilot.press("right", "right", "right")
        words = screen_words(app)
        assert "B − baseline B − A" in words
        # The figure names stay while the columns scroll; B − A of the sites: 270,000 - 120,000.
        assert "$0 +$150,000" in next(line for line in words.splitlines() if line.startswith("sites (lease + opex)"))
        await pilot.press("home")  # back to the first columns
        assert "A: Untitled ● B: Half remote" in screen_words(app)


async def test_choose_a_and_b_from_the_saved_files(small_folder: Path, scenarios: Path) -> None:
    save_scenario(CLOSE_KEN, scenarios / "close-ken.toml")
    save_scenario(HALF_REMOTE, scenarios / "half-remote.toml")
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("6")
        await loaded(pilot)
        assert table_rows(app)["total_annual_cost"][:3] == ["$545,480", "$545,480", "$398,880"]  # B: the first file
        await pilot.press("a")
        assert isinstance(app.screen, ChooseDialog)
        assert [label for label, _ in app.screen.choices] == ["active: Untitled", "close-ken.toml", "half-remote.toml"]
        await pilot.press("down", "down", "enter")  # A: half-remote.toml
        await loaded(pilot)
        await pilot.press("b", "enter")  # B: the active scenario
        await loaded(pilot)
        assert table_rows(app)["total_annual_cost"][:3] == ["$545,480", "$549,680", "$545,480"]
        words = screen_words(app)
        assert "A Half remote half-remote.toml" in words and "B Untitled active scenario" in words
        await pilot.press("x")
        assert isinstance(app.screen, TextDialog)
        assert "── A: Half remote (half-remote.toml)" in app.screen.lines
        assert "  = $545,480 - $549,680 = -$4,200" in app.screen.lines


async def test_a_broken_file_opens_an_error_dialog_and_the_app_keeps_running(small_folder: Path, scenarios: Path) -> None:
    scenarios.mkdir()
    broken = scenarios / "broken.toml"
    broken.write_text("[remote_target]\nshare = 1.5\n")
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("6")
        await loaded(pilot)
        # Not chosen by the planner: no dialog, a note; B stays empty.
        assert table_rows(app)["total_annual_cost"][:3] == ["$545,480", "$545,480", "—"]
        assert "Cannot be used, so not compared: broken.toml" in screen_words(app)
        await pilot.press("b", "down", "enter")
        await loaded(pilot)
        assert isinstance(app.screen, ErrorDialog)
        assert app.screen.message == (f"{broken}: remote_target.share: must be <= 1 (got 1.5)\n\n"
                                      "Column B stays empty; b chooses another scenario.")
        await pilot.press("escape")
        assert isinstance(app.screen, ScenariosScreen)
        assert table_rows(app)["total_annual_cost"][:3] == ["$545,480", "$545,480", "—"]
        await pilot.press("1")
        assert isinstance(app.screen, SiteCostsScreen)


async def test_working_out_a_file_never_blocks_the_ui(small_folder: Path, scenarios: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """While a saved scenario is worked out (staffing can take a while) the table shows
    that it is loading, and keys still work."""
    from queries.plan.session import PlanSession

    save_scenario(HALF_REMOTE, scenarios / "half-remote.toml")
    release = threading.Event()
    evaluate = PlanSession.evaluate_scenario

    def slow(self, scenario):
        if scenario.name == "Half remote":
            release.wait(10)
        return evaluate(self, scenario)

    monkeypatch.setattr(PlanSession, "evaluate_scenario", slow)
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("6")
        await pilot.pause()
        assert app.screen.query_one("#cmp-table", DataTable).loading
        await pilot.press("1")
        assert app.current_mode == "sites"
        await pilot.press("6")
        release.set()
        await loaded(pilot)
        assert not app.screen.query_one("#cmp-table", DataTable).loading
        assert table_rows(app)["total_annual_cost"][:3] == ["$545,480", "$545,480", "$549,680"]


async def test_export_is_the_table_as_compared(small_folder: Path, scenarios: Path) -> None:
    save_scenario(HALF_REMOTE, scenarios / "half-remote.toml")
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("down", "c", "enter")
        await pilot.pause()
        await pilot.press("6")
        await loaded(pilot)
        table = app.screen.export_table()
        assert table.frame.columns == ["Figure", "Baseline", "A: Untitled ●", "B: Half remote",
                                       "A − baseline", "B − baseline", "B − A"]
        # B − A = 549,680 - 398,880 = 150,800
        assert table.frame.row(0) == ("Total annual cost", 545_480, 398_880, 549_680, -146_600, 4_200, 150_800)
        assert table.frame.row(3) == ("Payback", None, pytest.approx(9_500 / (146_600 / 12)), None, None, None, None)
        assert table.text.row(3) == ("Payback", "n/a", "0.8 months", "n/a", "n/a", "n/a", "n/a")


# -- save as and open -----------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_save_as_writes_a_new_file_and_asks_before_replacing_another(small_folder: Path, scenarios: Path,
                                                                           size: tuple[int, int]) -> None:
    save_scenario(HALF_REMOTE, scenarios / "half-remote.toml")
    before = (scenarios / "half-remote.toml").read_bytes()
    app = make_app(small_folder)
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        await pilot.press("down", "c", "enter")
        await pilot.pause()
        await pilot.press("w")
        assert app.screen.title_text == "Save scenario as"
        await type_name(pilot, "Close KEN")
        path = scenarios / "close-ken.toml"
        assert app.session.scenario_path == path and not app.session.dirty
        saved = load_scenario(path)
        assert saved.name == "Close KEN" and [c.site_id for c in saved.closures] == ["KEN"]
        assert saved.meta.rows == {"sites": 3, "agents": 8, "assignments": 9, "kpi_daily": 3, "regions": 4}
        assert (saved.meta.data_from, saved.meta.data_to) == (dt.date(2026, 3, 30), dt.date(2026, 3, 31))

        # Save as onto another scenario's file: asked, and "keep it" writes nothing.
        await pilot.press("w")
        await type_name(pilot, "Half remote")
        assert isinstance(app.screen, ConfirmDialog)
        assert app.screen.body.startswith(f"{scenarios / 'half-remote.toml'} already exists, holding the scenario "
                                          "'Half remote'. Replace it")
        await pilot.press("n")
        await pilot.pause()
        assert (scenarios / "half-remote.toml").read_bytes() == before
        assert app.session.scenario_path == path and app.session.scenario.name == "Close KEN"

        # ... and "replace" replaces it; the session now works on that file.
        await pilot.press("w")
        await type_name(pilot, "Half remote")
        await pilot.press("y")
        await pilot.pause()
        assert load_scenario(scenarios / "half-remote.toml").closures[0].site_id == "KEN"
        assert app.session.scenario_path == scenarios / "half-remote.toml"
        assert load_scenario(path).name == "Close KEN"  # the first file is still there

        # Save as under the scenario's own name is a plain save: nothing to ask.
        await pilot.press("w")
        await type_name(pilot, "Half remote")
        assert not isinstance(app.screen, ConfirmDialog)


async def test_the_first_ctrl_s_asks_before_replacing_a_file_too(small_folder: Path, scenarios: Path) -> None:
    save_scenario(HALF_REMOTE, scenarios / "half-remote.toml")
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("down", "c", "enter")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await type_name(pilot, "Half remote")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")
        assert load_scenario(scenarios / "half-remote.toml") == HALF_REMOTE


def changed_folder(tmp_path: Path) -> Path:
    """The small folder with a KPI row on 2026-04-01 more."""
    tables = base_tables()
    kpi = tables["kpi_daily"]
    tables["kpi_daily"] = pl.concat([kpi, kpi.head(1).with_columns(date=pl.lit(dt.date(2026, 4, 1)))])
    return write_folder(tmp_path / "changed", tables)


def saved_on_the_small_folder(path: Path) -> None:
    stamp = DataStamp("0123456789abcdef", {"sites": 3, "agents": 8, "assignments": 9, "kpi_daily": 3, "regions": 4},
                      dt.date(2026, 3, 30), dt.date(2026, 3, 31))
    save_scenario(with_meta(CLOSE_KEN, dt.date(2026, 3, 31), stamp), path)


WARNING = ("close-ken.toml was saved on other data: kpi_daily: 3 -> 4 rows; "
           "data from 2026-03-30..2026-03-31 -> 2026-03-30..2026-04-01")


@pytest.mark.parametrize("size", SIZES)
async def test_open_on_changed_data_says_what_changed(tmp_path: Path, scenarios: Path, size: tuple[int, int]) -> None:
    saved_on_the_small_folder(scenarios / "close-ken.toml")
    app = make_app(changed_folder(tmp_path))
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        await pilot.press("ctrl+o", "enter")
        await pilot.pause()
        assert app.session.scenario.name == "Close KEN"
        assert WARNING in notifications(app)
        assert "close-ken.toml was made on data as of 2026-03-31; this data is as of 2026-04-01" in notifications(app)
        await pilot.press("6")
        await loaded(pilot)
        await pilot.press("b", "down", "enter")  # the same file as B: marked, and the note says why
        await loaded(pilot)
        words = screen_words(app)
        assert "B Close KEN close-ken.toml saved on other data" in words
        assert "B: close-ken.toml was saved on other data: kpi_daily: 3 -> 4 rows;" in words


async def test_scenario_at_start_on_changed_data_says_what_changed(tmp_path: Path, scenarios: Path) -> None:
    path = scenarios / "close-ken.toml"
    saved_on_the_small_folder(path)
    app = make_app(changed_folder(tmp_path), scenario_path=path)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        assert app.session.scenario.name == "Close KEN"
        assert WARNING in notifications(app)


async def test_no_warning_on_the_data_it_was_saved_on(small_folder: Path, scenarios: Path) -> None:
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("down", "c", "enter")
        await pilot.pause()
        await pilot.press("w")
        await type_name(pilot, "Close KEN")
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.press("ctrl+o", "enter")
        await pilot.pause()
        assert app.session.scenario.name == "Close KEN"
        assert not [n for n in notifications(app) if "other data" in n]


async def test_palette_and_help_list_the_new_keys(small_folder: Path) -> None:
    from tui.commands import GLOBAL

    assert ("scenario: save as", "Save the scenario under a new name, in a new file (w)", "app.save_as") in GLOBAL
    assert any(name == "go: scenarios" for name, _, _ in GLOBAL)
    app = make_app(small_folder)
    async with app.run_test(size=(100, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("6")
        await loaded(pilot)
        await pilot.press("question_mark")
        lines = app.screen.lines
        assert lines[0] == "Scenarios (this screen)"
        words = [" ".join(line.split()) for line in lines]
        assert "a / b choose scenario A / B: the active one or a saved file" in words
        assert "w save as: a new name, a new file" in words
        assert "1 to 7 Site costs, Headcount, Hiring reach, KPIs, Staffing, Scenarios, Plan" in words


# -- snapshots --------------------------------------------------------------------------------


@pytest.fixture
def snap_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    # The folder's name shows in the info bar, so it is the same in every run.
    folder = write_folder(tmp_path_factory.mktemp("snap") / "exports")
    scenarios = tmp_path_factory.mktemp("snapscenarios")
    monkeypatch.setenv("WFPLAN_SCENARIOS_FOLDER", str(scenarios))
    save_scenario(HALF_REMOTE, scenarios / "half-remote.toml")
    return folder


async def close_ken_then_compare(pilot) -> None:
    await loaded(pilot)
    await pilot.press("down", "c", "enter")
    await pilot.pause()
    await pilot.press("6")
    await loaded(pilot)
    await title_says_what_scrolls(pilot)


async def title_says_what_scrolls(pilot, seconds: float = 10.0) -> None:
    """The table's title says what scrolls once the table is laid out, after a refresh
    (call_after_refresh): wait for that (a few frames; longer on a loaded machine) before
    the picture is taken. What scrolls is read from the laid-out table, as the screen does."""
    import time

    deadline = time.monotonic() + seconds
    while True:
        await pilot.pause(0.05)
        table = pilot.app.screen.query_one("#cmp-table", DataTable)
        rows = table.virtual_size.height > table.scrollable_content_region.height
        columns = table.virtual_size.width > table.scrollable_content_region.width
        title = str(table.border_title or "")
        if (("rows ↑↓" in title) == rows and ("columns ←→" in title) == columns) or time.monotonic() > deadline:
            return


class TestScenarios:
    @pytest.mark.parametrize("size", [(80, 24), (120, 30), (160, 48)])
    def test_active_against_a_saved_file(self, snap_compare, snap_folder: Path, size: tuple[int, int]) -> None:
        """Baseline, A = the active scenario with unsaved edits (KEN closed), B = "Half remote",
        the differences (A − baseline, B − baseline, B − A) and what the totals are made of at
        every size; the title says what scrolls into view at 80x24 and 120x30."""
        app = WfplanApp(settings=load_settings(), folder=snap_folder)
        assert snap_compare(app, terminal_size=size, run_before=close_ken_then_compare)

    def test_scrolled_to_the_last_row_and_b_minus_a(self, snap_compare, snap_folder: Path) -> None:
        """80x24, PageDown twice and → three times: the last rows and the B − A column."""
        app = WfplanApp(settings=load_settings(), folder=snap_folder)

        async def run_before(pilot) -> None:
            await close_ken_then_compare(pilot)
            await pilot.press("pagedown", "pagedown", "right", "right", "right")

        assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)

    def test_choose_dialog(self, snap_compare, snap_folder: Path) -> None:
        """b: the active scenario and the saved files to compare."""
        app = WfplanApp(settings=load_settings(), folder=snap_folder)

        async def run_before(pilot) -> None:
            await close_ken_then_compare(pilot)
            await pilot.press("b")

        assert snap_compare(app, run_before=run_before)


async def test_the_autosave_is_never_the_default_b(small_folder: Path, scenarios: Path) -> None:
    save_scenario(CLOSE_KEN, scenarios / "autosave.toml")  # sorts first; a rescue copy, not a plan
    save_scenario(HALF_REMOTE, scenarios / "half-remote.toml")
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("6")
        await loaded(pilot)
        assert app.screen.choices["b"] == scenarios / "half-remote.toml"


async def test_a_bug_in_the_comparison_says_so_and_stops_loading(small_folder: Path, scenarios: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Not "loading failed" (the data loaded): the comparison's own title, and the table
    stops showing that it is loading."""
    save_scenario(CLOSE_KEN, scenarios / "close-ken.toml")

    def broken(self, session, path):
        raise RuntimeError("a bug")

    monkeypatch.setattr(ScenariosScreen, "_evaluate_file", broken)
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("6")
        await loaded(pilot)
        assert isinstance(app.screen, ErrorDialog)
        assert app.screen.title_text == "The comparison could not be worked out"
        assert app.screen.message.startswith("a bug\n\nDetails: ")
        assert app.status != "loading failed"
        await pilot.press("escape")
        assert isinstance(app.screen, ScenariosScreen)
        assert app.screen.query_one("#cmp-table").loading is False
        assert len(app.screen_stack) == 1  # one dialog, not one per handler
