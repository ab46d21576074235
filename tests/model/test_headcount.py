"""Headcount on a date, the monthly trend, hires and leavers, and the transition plan.

The small folder (tests/folders.py) has an assignment change (A6 onsite BOI until
2025-06-30, remote from 2025-07-01), a termination on a month boundary (A8 leaves on
2026-02-28: employed on 1 February, gone on 1 March, a February leaver), a hire on a month
boundary (A7 on 2026-03-01) and open-ended assignments.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from queries.contract.check import open_folder
from queries.model.headcount import (
    ObservedRates,
    agents_to_target,
    by_site,
    headcount_section,
    monthly_trend,
    observed_rates,
    transition_plan,
    trend_range,
)
from queries.model.period import DataRange, Period
from queries.plan.loading import load_monthly, load_plan_data, load_workforce
from tests.folders import base_tables, write_folder

D = dt.date


@pytest.fixture
def engine(small_folder: Path):
    engine, result = open_folder(small_folder)
    assert result.ok
    return engine


def test_headcount_on_a_date(engine) -> None:
    # 2025-06-30: A6 still onsite at BOI; A8 onsite KEN; A7 not hired yet.
    workforce = load_workforce(engine, D(2025, 6, 30))
    section = headcount_section(workforce, monthly_trend(load_monthly(engine, D(2025, 6, 1), D(2025, 6, 30))))
    assert {m: v["headcount"] for m, v in section["by_mode"].items()} == {"onsite": 5, "hybrid": 2, "remote": 0}
    assert section["remote_share"] == 0
    # The next day A6 is remote: 1 of 7.
    workforce = load_workforce(engine, D(2025, 7, 1))
    section = headcount_section(workforce, monthly_trend(load_monthly(engine, D(2025, 7, 1), D(2025, 7, 31))))
    assert section["by_mode"]["remote"] == {"headcount": 1, "fte": 1.0}
    assert section["total"] == {"headcount": 7, "fte": 6.5}
    assert section["remote_share"] == pytest.approx(1 / 7)


def test_by_site_puts_remote_agents_without_a_site_under_null(engine) -> None:
    rows = by_site(load_workforce(engine, D(2026, 3, 31))).to_dicts()
    assert rows == [
        {"site_id": "BOI", "onsite": 1, "hybrid": 1, "remote": 0},
        {"site_id": "KEN", "onsite": 2, "hybrid": 1, "remote": 0},
        {"site_id": "TUL", "onsite": 1, "hybrid": 0, "remote": 0},
        {"site_id": None, "onsite": 0, "hybrid": 0, "remote": 1},
    ]


def test_monthly_trend_hires_and_leavers(engine) -> None:
    """1 Jan and 1 Feb: A1 A2 A5 A8 onsite, A3 A4 hybrid, A6 remote. 1 Mar: A8 has left
    (28 Feb), A7 is hired onsite that day. Hires: A7 in March. Leavers: A8 in February."""
    trend = monthly_trend(load_monthly(engine, D(2026, 1, 1), D(2026, 3, 31)))
    got = trend.select("month", "onsite", "hybrid", "remote", "hires", "leavers",
                       "hires_onsite", "leavers_onsite").rows()
    assert got == [
        (D(2026, 1, 1), 4, 2, 1, 0, 0, 0, 0),
        (D(2026, 2, 1), 4, 2, 1, 0, 1, 0, 1),
        (D(2026, 3, 1), 4, 2, 1, 1, 0, 1, 0),
    ]
    assert trend["remote_share"].to_list() == pytest.approx([1 / 7] * 3)


def test_monthly_trend_of_one_site(engine) -> None:
    trend = monthly_trend(load_monthly(engine, D(2026, 1, 1), D(2026, 3, 31)), site_id="KEN")
    # KEN: A1 A2 A8 onsite and A3 hybrid until A8 leaves in February.
    assert trend.select("onsite", "hybrid", "remote", "leavers").rows() == [(3, 1, 0, 0), (3, 1, 0, 1), (2, 1, 0, 0)]


def test_agents_to_target() -> None:
    # 7 agents, 1 remote: 50% needs ceil(3.5 - 1) = 3 more; 1/7 already meets 0.14.
    assert agents_to_target({"onsite": 4, "hybrid": 2, "remote": 1}, 0.5) == 3
    assert agents_to_target({"onsite": 4, "hybrid": 2, "remote": 1}, 0.14) == 0


def test_transition_plan_without_attrition_reaches_the_target_at_the_pace() -> None:
    """100 agents, 10 remote, target 50%: 40 conversions; at 10 a month, month 4."""
    rates = ObservedRates({"onsite": 0.0, "hybrid": 0.0, "remote": 0.0}, {"onsite": 1.0, "hybrid": 0.0, "remote": 0.0})
    plan = transition_plan({"onsite": 80, "hybrid": 10, "remote": 10}, D(2026, 9, 30), 0.5, 10, rates)
    assert plan.gap_agents == 40
    assert plan.reached == D(2027, 1, 1)  # Oct, Nov, Dec, Jan: 20, 30, 40, 50 remote
    assert plan.months["remote"].to_list() == [20, 30, 40, 50]
    assert plan.note == "At 10 conversions a month the target is reached in January 2027."


def test_transition_plan_with_attrition_and_an_onsite_hiring_mix_is_slower() -> None:
    """Each month 10% of every mode leaves and is replaced onsite. Month 1: leavers
    8 + 1 + 1 = 10, all replaced onsite: onsite 80 - 8 + 10 = 82, hybrid 10 - 1 = 9,
    remote 10 - 1 = 9; then 10 convert: onsite 72, remote 19."""
    rates = ObservedRates({"onsite": 0.1, "hybrid": 0.1, "remote": 0.1}, {"onsite": 1.0, "hybrid": 0.0, "remote": 0.0})
    plan = transition_plan({"onsite": 80, "hybrid": 10, "remote": 10}, D(2026, 9, 30), 0.5, 10, rates)
    first = plan.months.row(0, named=True)
    assert (first["onsite"], first["hybrid"], first["remote"]) == pytest.approx((72, 9, 19))
    assert plan.reached is not None and plan.reached > D(2027, 1, 1)


def test_transition_plan_says_when_it_never_gets_there() -> None:
    rates = ObservedRates({"onsite": 0.0, "hybrid": 0.0, "remote": 0.0}, {"onsite": 1.0, "hybrid": 0.0, "remote": 0.0})
    plan = transition_plan({"onsite": 80, "hybrid": 10, "remote": 10}, D(2026, 9, 30), 0.5, 0, rates)
    assert plan.reached is None
    assert plan.note == "With no conversions the share moves only through the hiring mix, and does not reach the target."
    plan = transition_plan({"onsite": 80, "hybrid": 10, "remote": 10}, D(2026, 9, 30), 0.95, 10, rates)
    assert plan.reached is None  # hybrid agents are never moved: at most 90%
    assert plan.note == "At 10 conversions a month the target is not reached within 10 years."


def test_observed_rates() -> None:
    trend = pl.DataFrame({
        "onsite": [100, 100], "hybrid": [20, 20], "remote": [50, 50],
        "leavers_onsite": [4, 2], "leavers_hybrid": [0, 0], "leavers_remote": [1, 0],
        "hires_onsite": [1, 1], "hires_hybrid": [0, 0], "hires_remote": [3, 3],
    })
    rates = observed_rates(trend)
    assert rates.attrition == {"onsite": 6 / 200, "hybrid": 0.0, "remote": 1 / 100}
    assert rates.hiring_mix == {"onsite": 0.25, "hybrid": 0.0, "remote": 0.75}


# -- the trend's range (spec/model.md, "Monthly trend") ---------------------------------


def test_the_trend_covers_the_hr_history_not_the_kpi_range(engine) -> None:
    """The KPI rows span 2026-03-30..31 only; assignments start on 2024-01-01. The trend runs
    from January 2024 through the as-of month, March 2026: 12 + 12 + 3 = 27 months.
    1 January 2024: A1-A6 are hired that day; A1, A2, A5, A6 onsite (4), A3, A4 hybrid (2);
    6 hires in January 2024."""
    period = Period(as_of=D(2026, 3, 31), start=D(2026, 1, 1), end=D(2026, 3, 31))
    data = load_plan_data(engine, period, DataRange(D(2026, 3, 30), D(2026, 3, 31)))
    trend = monthly_trend(data.monthly)
    assert trend.height == 27
    assert trend["month"][0] == D(2024, 1, 1) and trend["month"][-1] == D(2026, 3, 1)
    first = trend.row(0, named=True)
    assert (first["onsite"], first["hybrid"], first["remote"], first["hires"]) == (4, 2, 0, 6)


def test_the_trend_is_capped_at_36_months(tmp_path: Path) -> None:
    """A1's assignment (and hire) starts on 2020-01-01: the trend would run 75 months, so it
    starts 35 months before the as-of month (March 2026): April 2023, 36 months in all."""
    tables = base_tables()
    tables["agents"] = tables["agents"].with_columns(
        hire_date=pl.when(pl.col("agent_id") == "A1").then(D(2020, 1, 1)).otherwise(pl.col("hire_date")))
    tables["assignments"] = tables["assignments"].with_columns(
        start_date=pl.when(pl.col("agent_id") == "A1").then(D(2020, 1, 1)).otherwise(pl.col("start_date")))
    engine, result = open_folder(write_folder(tmp_path / "data", tables))
    assert result.ok, result.summary()
    period = Period(as_of=D(2026, 3, 31), start=D(2026, 1, 1), end=D(2026, 3, 31))
    trend = monthly_trend(load_plan_data(engine, period, None).monthly)
    assert trend.height == 36
    assert trend["month"][0] == D(2023, 4, 1) and trend["month"][-1] == D(2026, 3, 1)
    # April 2023: only A1 is employed, onsite.
    assert trend.row(0, named=True)["onsite"] == 1


def test_trend_range_by_hand() -> None:
    assert trend_range(D(2024, 1, 15), D(2026, 3, 31)) == (D(2024, 1, 1), D(2026, 3, 31))
    # 2026-12 minus 35 months = 2024-01.
    assert trend_range(D(2019, 5, 1), D(2026, 12, 2)) == (D(2024, 1, 1), D(2026, 12, 2))
    assert trend_range(None, D(2026, 3, 31)) == (D(2026, 3, 1), D(2026, 3, 31))
    assert trend_range(D(2027, 1, 1), D(2026, 3, 31)) == (D(2026, 3, 1), D(2026, 3, 31))
