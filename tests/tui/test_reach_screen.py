"""The Hiring reach screen through Pilot: the pools, a policy edit, a closure's effect."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Label

from queries.config import load_settings
from tests.screen import loaded, screen_words
from tui.app import WfplanApp
from tui.dialogs import FormDialog
from tui.widgets.region_map import MapPoint, draw_map, place

SIZES = [(80, 24), (160, 48)]


def make_app(folder: Path) -> WfplanApp:
    return WfplanApp(settings=load_settings(), folder=folder)


@pytest.mark.parametrize("size", SIZES)
async def test_pools_and_a_policy_edit(small_folder: Path, size: tuple[int, int]) -> None:
    """Onsite: R1, R2 near the open sites KEN, BOI = 2,600 + 6,500 = 9,100 CSRs (R3 is near
    TUL, which is closing and hires no one). Remote, all states: + R3's 8,700 + Denver's 25,000
    = 42,800; multiplier 42,800 / 9,100 = 4.70x. Policy "WA" only: remote = R1 = 2,600;
    multiplier 2,600 / 9,100 = 0.29x."""
    app = make_app(small_folder)
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        await pilot.press("3")
        words = screen_words(app)
        assert "Regions 2 4 4.7x" in words
        assert "Experienced CSRs 9,100 42,800" in words
        await pilot.press("p")
        app.screen.query_one("#field-allowed_states", Input).value = "WA"
        await pilot.press("enter")
        await pilot.pause()
        assert app.session.scenario.parameters.hiring.allowed_states == ["WA"]
        words = screen_words(app)
        assert "Experienced CSRs 9,100 2,600" in words and "0.3x" in words
        assert "states WA" in words


async def test_a_bad_policy_value_is_refused(small_folder: Path) -> None:
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("3", "p")
        app.screen.query_one("#field-utc_offsets", Input).value = "-8, pacific"
        await pilot.pause()
        assert "must be a number (got 'pacific')" in screen_words(app)
        await pilot.press("enter")
        assert app.session.scenario.parameters.hiring.utc_offsets is None


async def test_closing_a_site_shrinks_onsite_reach(small_folder: Path) -> None:
    """Closing KEN removes R1 (2,600) from onsite reach: 6,500; 42,800 / 6,500 = 6.6x."""
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("down", "c", "enter", "3")
        await pilot.pause()
        words = screen_words(app)
        assert "Experienced CSRs 6,500 42,800" in words and "6.6x" in words


def test_map_places_points_and_keeps_the_most_important() -> None:
    # The corners of the box land in the corners of the map.
    assert place(MapPoint(49.5, -125.0, "none"), 10, 5) == (0, 0)
    assert place(MapPoint(24.5, -66.5, "none"), 10, 5) == (9, 4)
    assert place(MapPoint(61.2, -149.9, "none"), 10, 5) is None  # Anchorage
    text = draw_map([MapPoint(49.5, -125.0, "remote"), MapPoint(49.5, -125.0, "site"),
                     MapPoint(24.5, -66.5, "none")], 3, 2, {})
    assert text.plain == "▲  \n  ·"


@pytest.mark.parametrize("size", SIZES)
async def test_state_codes_are_case_insensitive_and_unknown_ones_are_refused(small_folder: Path,
                                                                               size: tuple[int, int]) -> None:
    """Issue 21: "az" matched nothing (0 regions, 0.0x, no warning). Now "wa" is WA (R1:
    2,600 CSRs, multiplier 2,600 / 17,800 = 0.1x), and "az" is refused, naming the codes the
    regions have (the small folder's R1 WA, R2 ID, R3 OK, R4 CO)."""
    app = make_app(small_folder)
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        await pilot.press("3", "p")
        field = app.screen.query_one("#field-allowed_states", Input)
        field.value = "wa, az"
        await pilot.pause()
        error = app.screen.query_one("#error-allowed_states", Label)
        assert error.display and str(error.render()) == "no region has the state code AZ; the data has CO, ID, OK, WA"
        assert "no region has the state code AZ" in screen_words(app)
        await pilot.press("enter")
        assert isinstance(app.screen, FormDialog)  # refused: the dialog stays
        assert app.session.scenario.parameters.hiring.allowed_states is None
        field.value = "wa"
        await pilot.press("enter")
        await pilot.pause()
        assert app.session.scenario.parameters.hiring.allowed_states == ["WA"]
        words = screen_words(app)
        assert "Experienced CSRs 9,100 2,600" in words and "0.3x" in words and "states WA" in words


@pytest.mark.parametrize("size", SIZES)
async def test_a_configured_state_code_no_region_has_is_flagged(small_folder: Path, size: tuple[int, int],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """States from the config file: "wa" matches WA (R1: 2,600 CSRs), "AZ" matches nothing and
    the summary's title says so, instead of silently counting 0 (onsite: the 9,100 CSRs near
    BOI and KEN, the open sites that hire)."""
    monkeypatch.setenv("WFPLAN_HIRING__ALLOWED_STATES", '["wa", "AZ"]')
    app = make_app(small_folder)
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        await pilot.press("3")
        words = screen_words(app)
        assert "Onsite vs remote hiring pool (scenario) · ⚠ no region has state AZ" in words
        assert "Experienced CSRs 9,100 2,600" in words
