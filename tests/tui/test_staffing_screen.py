"""Staffing in the scenario and on screen: AHT deltas change the FTE, which cost labor."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import polars as pl
import pytest
from textual.widgets import Input

from queries.config import Parameters, load_settings
from queries.contract.check import open_folder
from queries.model.erlang import required_agents
from queries.model.period import resolve_period
from queries.model.scenario import AhtDelta, Scenario
from queries.plan.loading import data_range, load_plan_data
from queries.plan.session import PlanSession
from tests.folders import write_folder
from tests.screen import loaded, screen_words
from tui.app import WfplanApp

HALF_HOURS = 7 * 48  # one week of 30-minute intervals


@pytest.fixture
def staffed_folder(tmp_path: Path) -> Path:
    """The small folder plus a forecast: one queue, 100 contacts every half hour for a week,
    AHT 180 s: the published reference case (A = 10 Erlangs, 14 agents at 80/20)."""
    folder = write_folder(tmp_path / "data")
    start = dt.datetime(2026, 3, 23)
    pl.DataFrame({
        "queue": ["billing"] * HALF_HOURS,
        "interval_start": [start + dt.timedelta(minutes=30 * i) for i in range(HALF_HOURS)],
        "interval_minutes": [30] * HALF_HOURS,
        "contacts": [100.0] * HALF_HOURS,
        "aht_seconds": [180.0] * HALF_HOURS,
    }).write_parquet(folder / "forecast.parquet")
    return folder


def session_on(folder: Path) -> PlanSession:
    engine, result = open_folder(folder)
    assert result.ok
    available = data_range(engine)
    data = load_plan_data(engine, resolve_period(available), available)
    return PlanSession(data.workforce, Parameters(), regions=data.regions, forecast=data.forecast)


def test_baseline_staffing_is_the_reference_case(staffed_folder: Path) -> None:
    """14 agents x 0.5 h x 336 intervals = 2,352 agent-hours in one week / 40 h = 58.8
    FTE required; scheduled = ceil(58.8 / 0.7) = 84."""
    staffing = session_on(staffed_folder).baseline_evaluation.staffing
    queue = staffing.queues.row(0, named=True)
    assert (queue["peak_required"], queue["required_fte"], queue["scheduled_fte"]) == (14, pytest.approx(58.8), 84)


def test_an_aht_delta_costs_the_extra_fte(staffed_folder: Path) -> None:
    """Remote agents 70% slower; 1 of 7 agents is remote: blended delta 0.7 / 7 = 0.1, so
    AHT 198 s and A = 11 Erlangs. The extra scheduled FTE cost their labor at the
    FTE-weighted average wage 131 / 6.5 USD x 2,080 h."""
    session = session_on(staffed_folder)
    session.edit(Scenario(aht_delta=AhtDelta(remote=0.7)))
    evaluation = session.evaluate()
    assert evaluation.staffing.aht_delta == pytest.approx(0.1)
    n = required_agents(11.0, 198.0, 0.8, 20.0)
    scheduled = math.ceil(n * 0.5 * HALF_HOURS / 40 / 0.7 - 1e-9)
    assert evaluation.outcome.scheduled_fte == scheduled
    extra_labor = (scheduled - 84) * (131 / 6.5) * 2080
    assert evaluation.outcome.staffing_labor == pytest.approx(extra_labor)
    assert evaluation.outcome.annual_savings == pytest.approx(-extra_labor)


def test_no_forecast_means_no_staffing(small_folder: Path) -> None:
    evaluation = session_on(small_folder).evaluate()
    assert evaluation.staffing is None and evaluation.outcome.scheduled_fte is None
    assert evaluation.outcome.staffing_labor == 0


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_editing_the_service_level_raises_the_fte(staffed_folder: Path, size: tuple[int, int]) -> None:
    app = WfplanApp(settings=load_settings(), folder=staffed_folder)
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        await pilot.press("5")
        assert "Queues: 84 FTE scheduled" in screen_words(app)
        await pilot.press("t")
        app.screen.query_one("#field-service_level", Input).value = "0.95"
        await pilot.press("enter")
        await loaded(pilot)
        assert app.session.scenario.parameters.staffing.service_level == 0.95
        more = app.session.evaluate().outcome.scheduled_fte
        assert more > 84
        assert f"Queues: {more} FTE scheduled" in screen_words(app)


async def test_without_a_forecast_the_screen_says_so(small_folder: Path) -> None:
    app = WfplanApp(settings=load_settings(), folder=small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("5")
        assert "This data folder has no forecast" in screen_words(app)
