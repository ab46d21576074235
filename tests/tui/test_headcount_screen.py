"""The Headcount screen through Pilot: editing the target and the pace, drilling into a site."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from queries.config import load_settings
from tests.screen import loaded, screen_text, screen_words
from tui.app import WfplanApp
from tui.screens.headcount import HeadcountScreen

SIZES = [(80, 24), (160, 48)]


def make_app(folder: Path) -> WfplanApp:
    return WfplanApp(settings=load_settings(), folder=folder)


@pytest.mark.parametrize("size", SIZES)
async def test_editing_the_target_changes_the_gap_and_the_site_costs(small_folder: Path, size: tuple[int, int]) -> None:
    """7 agents, 1 remote on 2026-03-31. Target 0.5: gap ceil(3.5 - 1) = 3 agents;
    target 0.8: ceil(5.6 - 1) = 5, and the Site costs scenario moves 5 onsite agents...
    but only 4 are onsite, so 4 move and the screen is told the target is out of reach."""
    app = make_app(small_folder)
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        await pilot.press("2")
        assert isinstance(app.screen, HeadcountScreen)
        assert "Gap 3 agents" in screen_words(app)
        await pilot.press("t")
        app.screen.query_one("#field-share", Input).value = "0.8"
        await pilot.press("enter")
        await pilot.pause()
        assert app.session.scenario.remote_target.share == 0.8
        assert "Gap 5 agents" in screen_words(app)
        assert app.session.evaluate().changes.moved_to_remote == 4
        assert app.session.evaluate().changes.notes == (
            "remote share target 80% not reached: no movable onsite agent left at an open or closing site (4 moved, 5 needed)",
        )
        await pilot.press("u")
        assert app.session.scenario.remote_target is None


async def test_editing_the_pace_is_kept_in_the_scenario(small_folder: Path) -> None:
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("2", "p")
        field = app.screen.query_one("#field-pace", Input)
        field.value = "-1"
        await pilot.pause()
        assert "must be >= 0 (got '-1')" in screen_text(app)
        field.value = "2"
        await pilot.press("enter")
        await pilot.pause()
        target = app.session.scenario.remote_target
        assert (target.share, target.conversions_per_month) == (0.5, 2)
        # No attrition in one month of data: 1 + 2 = 3 remote of 7 (43%) after a month,
        # 5 of 7 after two: reached in May 2026.
        assert "May 2026" in screen_text(app)


async def test_drill_into_a_site_and_back(small_folder: Path) -> None:
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("2", "v", "down", "enter")  # BOI, then KEN
        screen = app.screen
        assert screen.site == "KEN"
        assert "Scenario on 2026-03-31, KEN" in screen_text(app)
        assert "esc All sites" in screen_text(app)
        await pilot.press("escape")
        assert screen.site is None
        assert "esc All sites" not in screen_text(app)
