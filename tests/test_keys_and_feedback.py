"""Issue 21, by keyboard alone: the palette finds every action of every screen, `?` lists
wfplan's keys by screen, and undo and redo say what they did. Through Pilot at 80x24 and a
wider size, on the small folder of tests/folders.py (sites KEN, BOI, TUL)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.command import CommandPalette

from queries.config import load_settings
from tests.screen import loaded
from tui.app import WfplanApp
from tui.dialogs import FormDialog
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
