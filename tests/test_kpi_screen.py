"""The KPI screen through Pilot: suppression, splits, tenure adjustment, period, scenario link."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from queries.config import load_settings
from queries.demo.generate import generate_demo
from queries.model.kpi import kpi_groups
from tests.screen import loaded, screen_words
from tui.app import WfplanApp
from tui.screens.kpis import KpiScreen


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small seeded demo: enough agents per mode for comparisons, fast to scan."""
    return generate_demo(tmp_path_factory.mktemp("kpi") / "exports", agents=120, days=120, seed=3).folder


def make_app(folder: Path) -> WfplanApp:
    return WfplanApp(settings=load_settings(), folder=folder)


async def on_kpis(pilot) -> None:
    await loaded(pilot)
    await pilot.press("4")
    await loaded(pilot)
    assert isinstance(pilot.app.screen, KpiScreen)


async def test_small_groups_are_suppressed(small_folder: Path) -> None:
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await on_kpis(pilot)
        words = screen_words(app)
        assert "onsite suppressed (< 5 agents)" in words
        assert "remote suppressed (< 5 agents)" in words
        assert "FCR remote and onsite suppressed (< 5 agents)" in words


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_splits_and_tenure_adjustment(demo: Path, size: tuple[int, int]) -> None:
    app = make_app(demo)
    async with app.run_test(size=size) as pilot:
        await on_kpis(pilot)
        period = app.period
        assert f"By work mode, {period.start} to {period.end}" in screen_words(app)
        for label in ("site", "tenure band", "month", "work mode"):
            await pilot.press("b")
            assert f"By {label}, " in screen_words(app)
        await pilot.press("a")
        assert "Differences within tenure bands" in screen_words(app)
        assert "tenure explains" in screen_words(app)
        await pilot.press("k")
        assert app.screen.primary == "csat"
        assert "CSAT by month" in screen_words(app)


async def test_changing_the_period_reloads_the_kpis(demo: Path) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await on_kpis(pilot)
        as_of = app.period.as_of
        await pilot.press("d")
        app.screen.query_one("#field-start", Input).value = "2020-01-01"
        app.screen.query_one("#field-end", Input).value = "2020-01-31"
        await pilot.press("enter")
        await loaded(pilot)
        assert (str(app.period.start), str(app.period.end), app.period.as_of) == ("2020-01-01", "2020-01-31", as_of)
        assert app.kpi_inputs.period == app.period
        assert "No KPI rows between 2020-01-01 and 2020-01-31" in screen_words(app)


async def test_a_backwards_period_is_refused(demo: Path) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await on_kpis(pilot)
        before = app.period
        await pilot.press("d")
        app.screen.query_one("#field-start", Input).value = "2026-09-30"
        app.screen.query_one("#field-end", Input).value = "2026-09-01"
        await pilot.press("enter")
        await pilot.pause()
        assert "the period starts (2026-09-30) after it ends (2026-09-01)" in screen_words(app)
        assert app.period == before


async def test_the_observed_aht_difference_goes_into_the_scenario(demo: Path) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await on_kpis(pilot)
        await pilot.press("m")
        groups = kpi_groups(app.kpi_inputs.agent_sums, app.kpi_inputs.attrition, [], 5)
        aht = {r["work_mode"]: r["aht_seconds"] for r in groups.iter_rows(named=True)}
        delta = app.session.scenario.aht_delta
        assert delta.remote == pytest.approx(aht["remote"] / aht["onsite"] - 1)
        assert delta.hybrid == pytest.approx(aht["hybrid"] / aht["onsite"] - 1)
        assert app.session.dirty
