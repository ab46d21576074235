"""Issue 21, by keyboard alone: the palette finds every action of every screen, `?` lists
wfplan's keys by screen, and undo and redo say what they did. Through Pilot at 80x24 and a
wider size, on the small folder of tests/folders.py (sites KEN, BOI, TUL)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.command import CommandPalette

from queries.config import load_settings
from tests.screen import loaded
from tui.app import WfplanApp
from tui.dialogs import FormDialog
from tui.screens.headcount import HeadcountScreen
from tui.screens.site_costs import SiteCostsScreen

SIZES = [(80, 24), (160, 48)]


def make_app(folder: Path) -> WfplanApp:
    return WfplanApp(settings=load_settings(), folder=folder)


def notifications(app: WfplanApp) -> list[str]:
    return [n.message for n in app._notifications]


# -- the palette ------------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_the_palette_finds_another_screens_action_and_goes_there(small_folder: Path,
                                                                      size: tuple[int, int]) -> None:
    """"site: close" typed on Scenarios found nothing; now it goes to Site costs and asks
    for the closure of the site under the cursor there."""
    app = make_app(small_folder)
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        await pilot.press("6")
        await loaded(pilot)
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"site: close", "enter")
        await loaded(pilot)
        assert app.current_mode == "sites"
        assert isinstance(app.screen, FormDialog) and app.screen.title_text.startswith("Close ")
        await pilot.press("escape")
        assert isinstance(app.screen, SiteCostsScreen)


async def test_the_palette_lists_every_screens_actions(small_folder: Path) -> None:
    from tui.commands import every_command
    from tui.screens.headcount import HeadcountScreen
    from tui.screens.kpis import KpiScreen
    from tui.screens.reach import ReachScreen
    from tui.screens.scenarios import ScenariosScreen
    from tui.screens.staffing import StaffingScreen

    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("6")
        await loaded(pilot)
        commands = every_command(app, app.screen)
        names = [name for name, _, _, _ in commands]
        # The current screen's as they are, another screen's with its name, switching there.
        assert "compare: choose A" in names
        assert ("site: close · Site costs", "Site costs: Close the site under the cursor in the scenario",
                "close_site", "sites") in commands
        for screen in (SiteCostsScreen, HeadcountScreen, ReachScreen, KpiScreen, StaffingScreen):
            for name, _, _ in screen.PALETTE:
                assert f"{name} · {screen.SCREEN_TITLE}" in names
        assert not [n for n in names if n.endswith(f"· {ScenariosScreen.SCREEN_TITLE}")]
        assert "scenario: save" in names and "export: csv" in names


def test_the_palettes_screens_are_the_apps_modes() -> None:
    from tui.commands import SCREENS

    assert [mode for mode, _, _ in SCREENS] == list(WfplanApp.MODES)


# -- help -------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_help_lists_wfplans_keys_by_screen_without_textuals_own(small_folder: Path,
                                                                     size: tuple[int, int]) -> None:
    """`?` mixed Textual's keys (super+c, ctrl+pageup) with wfplan's and missed `o` Reopen."""
    from tui.dialogs import TextDialog

    app = make_app(small_folder)
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, TextDialog)
        lines = app.screen.lines
        words = [" ".join(line.split()) for line in lines]
        assert lines[0] == "Site costs (this screen)"
        assert "c / o close the site under the cursor in the scenario / reopen it" in words
        assert not [line for line in lines if "super" in line or "pageup" in line or "ctrl+c" in line]
        titles = [line for line in lines if line and not line.startswith(" ")]
        assert titles == ["Site costs (this screen)", "Everywhere", "Headcount", "Hiring reach", "KPIs",
                          "Staffing", "Scenarios", "Plan", "Moving around"]
        # The descriptions start in one column (they were misaligned).
        assert len({len(re.match(r"  \S.*?\s{2,}", line).group(0)) for line in lines if line.startswith("  ")}) == 1
        await pilot.press("escape")
        await pilot.press("6", "question_mark")
        assert app.screen.lines[0] == "Scenarios (this screen)"


def test_every_bound_key_is_in_help() -> None:
    """A key bound on a screen (or the app) and missing from `?` is a key nobody finds."""
    from importlib import import_module

    from tui.commands import SCREENS
    from tui.keys import listed_keys

    app_keys = {key for b in WfplanApp.BINDINGS for key in b.key.split(",")} - {"ctrl+q"}  # ctrl+q: q's twin
    for _, module, name in SCREENS:
        screen = getattr(import_module(module), name)
        keys = {key for cls in screen.__mro__ if cls.__module__.startswith("tui.")
                for b in cls.__dict__.get("BINDINGS", []) for key in b.key.split(",")}
        assert not (keys | app_keys) - listed_keys(screen.SCREEN_TITLE), screen.SCREEN_TITLE


# -- undo and redo ----------------------------------------------------------------------------


def test_an_edit_is_described_as_a_planner_made_it() -> None:
    import datetime as dt

    from queries.model.scenario import Closure, RemoteTarget, Scenario
    from queries.plan.edit_summary import describe_edit

    base = Scenario()
    closed = base.with_closure(Closure(site_id="KEN", close_date=dt.date(2026, 12, 31)))
    assert describe_edit(base, closed) == "close KEN"
    assert describe_edit(closed, base) == "reopen KEN"
    half = Scenario(remote_target=RemoteTarget(share=0.5))
    assert describe_edit(base, half) == "remote target 50%"
    assert describe_edit(half, Scenario(remote_target=RemoteTarget(share=0.6))) == "remote target 50% → 60%"
    assert describe_edit(half, base) == "remove the remote target"
    wa = base.with_parameters("hiring", {"allowed_states": ["WA", "ID"]})
    assert describe_edit(base, wa) == "hiring.allowed_states = WA, ID"
    assert describe_edit(wa, base) == "hiring.allowed_states = the configured value"
    assert describe_edit(base, base) == "an edit"


@pytest.mark.parametrize("size", SIZES)
async def test_undo_and_redo_say_what_they_did_on_any_screen(small_folder: Path, size: tuple[int, int]) -> None:
    """`u` on KPIs silently reopened a site closed on Site costs; now it says so."""
    app = make_app(small_folder)
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        await pilot.press("down", "c", "enter")  # KEN, the second row sorted by site
        await loaded(pilot)
        assert [c.site_id for c in app.session.scenario.closures] == ["KEN"]
        await pilot.press("4", "u")
        await loaded(pilot)
        assert app.session.scenario.closures == []
        assert notifications(app)[-1] == "Undid: close KEN"
        await pilot.press("ctrl+r")
        await loaded(pilot)
        assert notifications(app)[-1] == "Redid: close KEN"
        await pilot.press("ctrl+r")
        assert notifications(app)[-1] == "Nothing to redo"


async def test_palette_commands_run(small_folder: Path) -> None:
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"go: headcount", "enter")
        await pilot.pause()
        assert app.current_mode == "headcount" and isinstance(app.screen, HeadcountScreen)
