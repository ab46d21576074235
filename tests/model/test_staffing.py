"""Staffing: Erlang C and Erlang A against published values, and FTE per queue by hand.

The reference values are pyworkforce's published tests (spec/model.md, "Staffing"). Erlang A
is also checked against Mandelbaum and Zeltyn's closed forms for M/M/N+M, computed here
with scipy's incomplete gamma function, independently of the chain in `queries.model.erlang`.
"""

from __future__ import annotations

import datetime as dt
import math
import time
import warnings
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, special, stats

from queries.config import Parameters, StaffingParams
from queries.contract.check import open_folder
from queries.model.erlang import erlang_a, erlang_b, erlang_c, required_agents, required_agents_erlang_a
from queries.model.staffing import (
    QUEUE_SCHEMA,
    blended_aht_delta,
    interval_performance,
    interval_staffing,
    intraday_profile,
    queue_staffing,
    scheduled_agents,
    staffing_section,
    weekly_staffing,
)
from queries.plan.loading import load_forecast
from tests.folders import base_tables, write_folder

MONDAY = dt.datetime(2026, 3, 2)


def forecast(rows: list[tuple[str, dt.datetime, int, float, float]]) -> pl.DataFrame:
    """A forecast frame as `load_forecast` returns it: (queue, start, minutes, contacts, aht)."""
    return pl.DataFrame(
        rows, orient="row",
        schema={"queue": pl.String, "interval_start": pl.Datetime("us"), "interval_minutes": pl.Int64,
                "contacts": pl.Float64, "aht_seconds": pl.Float64},
    )


def staffed(rows: list[tuple[str, dt.datetime, int, int]]) -> pl.DataFrame:
    """Intervals as `interval_staffing` returns them, with required agents given by hand:
    (queue, start, minutes, agents); every interval has 10 contacts, SL 0.9, ASA 5 s and
    occupancy 0.5."""
    frame = pl.DataFrame(
        rows, orient="row",
        schema={"queue": pl.String, "interval_start": pl.Datetime("us"), "interval_minutes": pl.Int64,
                "required_agents": pl.Int64},
    )
    return frame.with_columns(
        contacts=pl.lit(10.0), aht_seconds=pl.lit(180.0), traffic=pl.col("required_agents") * 0.5,
        service_level=pl.lit(0.9), asa_seconds=pl.lit(5.0), occupancy=pl.lit(0.5),
    )


# -- Erlang C: the published reference ------------------------------------------------------


def test_reference_case_100_contacts_per_half_hour() -> None:
    traffic = 100 * 180 / (30 * 60)
    assert traffic == 10
    agents = required_agents(traffic, 180, 0.8, 20)
    result = erlang_c(agents, traffic, 180, 20)
    assert agents == 14
    assert round(result.service_level, 4) == 0.8884
    assert round(result.asa_seconds, 2) == 7.84
    assert round(result.occupancy, 3) == 0.714
    assert erlang_c(13, traffic, 180, 20).service_level < 0.8  # 14 is the smallest


def test_reference_case_through_the_staffing_layer() -> None:
    rows = interval_staffing(forecast([("sales", MONDAY, 30, 100.0, 180.0)]), StaffingParams()).row(0, named=True)
    assert rows["traffic"] == 10
    assert rows["required_agents"] == 14
    assert round(rows["service_level"], 4) == 0.8884
    assert round(rows["asa_seconds"], 2) == 7.84
    assert round(rows["occupancy"], 3) == 0.714


def test_shrinkage_30_percent_schedules_20() -> None:
    assert scheduled_agents(14, 0.3) == 20  # 14 / 0.7 is 20.000000000000004 in floats


def test_max_occupancy_70_percent_needs_15() -> None:
    assert required_agents(10, 180, 0.8, 20, max_occupancy=0.70) == 15


def test_1000_contacts_per_hour_at_85_percent_occupancy_needs_40() -> None:
    traffic = 1000 * 120 / 3600
    assert required_agents(traffic, 120, 0.8, 20) < 40  # the cap, not the SL, decides
    assert required_agents(traffic, 120, 0.8, 20, max_occupancy=0.85) == 40


def test_no_traffic_needs_one_agent_in_the_pure_math() -> None:
    assert required_agents(0.0, 180, 0.8, 20) == 1
    assert erlang_c(1, 0.0, 180, 20).service_level == 1


def test_erlang_b_against_poisson() -> None:
    for agents, traffic in [(1, 0.5), (14, 10.0), (120, 100.0), (2100, 2000.0)]:
        expected = stats.poisson.pmf(agents, traffic) / stats.poisson.cdf(agents, traffic)
        assert erlang_b(agents, traffic) == pytest.approx(expected, rel=1e-9)


# -- Erlang A -------------------------------------------------------------------------------


def test_erlang_a_reference_patience_5_minutes() -> None:
    result = erlang_a(14, 10, 180, 20, patience_seconds=300)
    assert round(result.wait_probability, 4) == 0.1453
    assert round(result.abandon_probability, 4) == 0.0140


def closed_form(agents: int, traffic: float, aht: float, answer: float, patience: float) -> dict[str, float]:
    """Mandelbaum and Zeltyn's M/M/N+M formulas: with a = N patience / AHT, y = A patience /
    AHT and P the regularized lower incomplete gamma function,
    P(wait) = lambda J / (E + lambda J), E = 1 / ErlangB(N - 1, A), lambda J = y e^y y^-a Gamma(a) P(a, y);
    P(abandon | wait) = 1 - (a / y) P(a + 1, y) / P(a, y);
    SL = 1 - P(wait) + P(wait) (a / y) (P(a + 1, y) - P(a + 1, y e^(-T / patience))) / P(a, y);
    ASA = P(wait) (a / y) / P(a, y) x patience x integral_0^inf P(a + 1, y e^-u) du / (1 - P(abandon))."""
    a, y = agents * patience / aht, traffic * patience / aht
    p_a, p_a1 = special.gammainc(a, y), special.gammainc(a + 1, y)
    log_e = -math.log(stats.poisson.pmf(agents - 1, traffic) / stats.poisson.cdf(agents - 1, traffic))
    log_lambda_j = math.log(y) + y - a * math.log(y) + special.gammaln(a) + math.log(p_a)
    p_wait = 1 / (1 + math.exp(log_e - log_lambda_j))
    p_abandon = p_wait * (1 - (a / y) * p_a1 / p_a)
    late = special.gammainc(a + 1, y * math.exp(-answer / patience))
    tail, _ = integrate.quad(lambda u: special.gammainc(a + 1, y * math.exp(-u)), 0, math.log(y) + 60, limit=200)
    return {
        "wait_probability": p_wait,
        "abandon_probability": p_abandon,
        "service_level": 1 - p_wait + p_wait * (a / y) * (p_a1 - late) / p_a,
        "asa_seconds": p_wait * (a / y) / p_a * patience * tail / (1 - p_abandon),
    }


@pytest.mark.parametrize(
    ("agents", "traffic", "aht", "answer", "patience"),
    [
        (14, 10.0, 180, 20, 300),
        (12, 10.0, 180, 20, 300),
        (8, 10.0, 180, 20, 60),  # overloaded: N < A
        (230, 200.0, 240, 30, 120),
        (1950, 2000.0, 180, 20, 300),
        (3, 0.4, 600, 60, 30),
    ],
)
def test_erlang_a_matches_the_closed_forms(
    agents: int, traffic: float, aht: float, answer: float, patience: float,
) -> None:
    result = erlang_a(agents, traffic, aht, answer, patience)
    for name, expected in closed_form(agents, traffic, aht, answer, patience).items():
        assert getattr(result, name) == pytest.approx(expected, rel=1e-7, abs=1e-12), name


def test_erlang_a_becomes_erlang_c_as_patience_grows() -> None:
    impatient, patient = erlang_a(14, 10, 180, 20, 1e9), erlang_c(14, 10, 180, 20)
    assert impatient.wait_probability == pytest.approx(patient.wait_probability, abs=1e-6)
    assert impatient.service_level == pytest.approx(patient.service_level, abs=1e-6)
    assert impatient.asa_seconds == pytest.approx(patient.asa_seconds, abs=1e-4)
    assert impatient.abandon_probability < 1e-6


@pytest.mark.parametrize(
    ("traffic", "aht", "patience", "cap"),
    [(10.0, 180, 300, None), (10.0, 180, 300, 0.7), (0.3, 180, 60, None), (50.0, 180, 5, None),
     (1000.0, 400, 60, None), (1000.0, 400, 600, 0.85)],
)
def test_erlang_a_required_agents_is_the_smallest(
    traffic: float, aht: float, patience: float, cap: float | None,
) -> None:
    agents = required_agents_erlang_a(traffic, aht, 0.8, 20, patience, max_occupancy=cap)

    def acceptable(n: int) -> bool:
        return erlang_a(n, traffic, aht, 20, patience).service_level >= 0.8 and (cap is None or traffic / n <= cap)

    assert acceptable(agents)
    assert agents == 1 or not acceptable(agents - 1)


def test_erlang_a_reference_needs_fewer_agents_than_erlang_c() -> None:
    # Callers who hang up shorten the queue: 13 agents reach 80/20 where Erlang C needs 14.
    assert required_agents_erlang_a(10, 180, 0.8, 20, 300) == 13


def test_patience_switches_the_staffing_layer_to_erlang_a() -> None:
    params = StaffingParams(patience_seconds=300)
    row = interval_staffing(forecast([("sales", MONDAY, 30, 100.0, 180.0)]), params).row(0, named=True)
    expected = erlang_a(13, 10, 180, 20, 300)
    assert row["required_agents"] == 13
    assert row["service_level"] == expected.service_level
    assert row["occupancy"] == pytest.approx(10 * (1 - expected.abandon_probability) / 13)


# -- large traffic --------------------------------------------------------------------------


def test_2000_erlangs_is_fast_and_does_not_overflow() -> None:
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a numpy overflow would be a RuntimeWarning
        by_c = required_agents(2000, 180, 0.8, 20)
        by_a = required_agents_erlang_a(2000, 180, 0.8, 20, 300)
        results = [
            erlang_c(by_c, 2000, 180, 20), erlang_a(by_a, 2000, 180, 20, 300),
            erlang_a(1, 2000, 180, 20, 300), erlang_a(6000, 2000, 180, 20, 300),
        ]
    elapsed = time.perf_counter() - start
    assert 2000 < by_c < 2100
    assert erlang_c(by_c - 1, 2000, 180, 20).service_level < 0.8 <= results[0].service_level
    assert results[1].service_level >= 0.8
    for result in results:
        assert all(math.isfinite(v) for v in (result.service_level, result.asa_seconds, result.occupancy))
        assert 0 <= result.wait_probability <= 1 and 0 <= result.abandon_probability <= 1
    assert results[2].abandon_probability == pytest.approx(1 - 1 / 2000)  # one agent serves 1 in 2000
    assert results[3].service_level == 1
    assert erlang_b(10_000, 2000) == 0  # underflows to 0, not to NaN
    assert elapsed < 1.0


# -- intervals and totals -------------------------------------------------------------------


def test_interval_without_contacts_needs_nobody() -> None:
    intervals = interval_staffing(forecast([("sales", MONDAY, 30, 0.0, 180.0)]), StaffingParams())
    rows = intervals.row(0, named=True)
    assert (rows["required_agents"], rows["service_level"], rows["asa_seconds"]) == (0, 1.0, 0.0)
    assert rows["occupancy"] is None
    queue = queue_staffing(intervals, Parameters()).row(0, named=True)
    assert (queue["required_fte"], queue["scheduled_fte"], queue["peak_required"]) == (0.0, 0, 0)
    assert queue["service_level"] is None and queue["occupancy"] is None  # n/a, not 0


def test_aht_delta_makes_required_agents_grow() -> None:
    rows = forecast([("sales", MONDAY, 30, 100.0, 180.0)])
    base = interval_staffing(rows, StaffingParams()).row(0, named=True)
    slower = interval_staffing(rows, StaffingParams(), aht_delta=0.1).row(0, named=True)
    assert slower["traffic"] == pytest.approx(11)
    assert slower["aht_seconds"] == 180  # the forecast's AHT is kept as it was
    assert slower["required_agents"] > base["required_agents"]


def test_blended_aht_delta_weights_modes_by_share() -> None:
    shares = {"onsite": 0.5, "hybrid": 0.2, "remote": 0.3}
    assert blended_aht_delta({"remote": 0.03}, shares) == pytest.approx(0.009)
    assert blended_aht_delta({"remote": 0.03, "onsite": -0.02}, shares) == pytest.approx(-0.001)
    assert blended_aht_delta({}, shares) == 0


def test_scheduled_fte_is_rounded_once_on_the_total() -> None:
    # One week: 20 hours needing 1 agent and 20 hours needing 3, i.e. 80 agent-hours = 2.0 FTE
    # of 40 paid hours a week, and 2.0 / 0.7 = 2.86 rounds up to 3. Rounding each hour first
    # would schedule ceil(1 / 0.7) = 2 and ceil(3 / 0.7) = 5 agents: 140 hours = 3.5 FTE.
    hours = [MONDAY + dt.timedelta(days=d, hours=8 + h) for d in range(5) for h in range(8)]
    intervals = staffed([("sales", start, 60, 1 if i % 2 else 3) for i, start in enumerate(hours)])
    queue = queue_staffing(intervals, Parameters()).row(0, named=True)
    assert queue["required_fte"] == pytest.approx(2.0)
    assert queue["scheduled_fte"] == 3
    per_interval = sum(scheduled_agents(n, 0.3) for n in intervals["required_agents"]) / 40
    assert per_interval == 3.5 > queue["scheduled_fte"]


def test_queue_totals_by_hand() -> None:
    # Two weeks from Monday 2026-03-02 (the Friday of the second week is the last date):
    # 'a' needs 4 agents for 30 min on day 1 and 6 agents for 60 min on day 11, so
    # 2 + 6 = 8 agent-hours over 2 weeks x 40 h = 0.1 FTE; 'b' has one 15-min interval.
    intervals = staffed([
        ("a", MONDAY + dt.timedelta(hours=9), 30, 4),
        ("a", MONDAY + dt.timedelta(days=11, hours=9), 60, 6),
        ("b", MONDAY + dt.timedelta(hours=10), 15, 2),
    ])
    rows = {r["queue"]: r for r in queue_staffing(intervals, Parameters()).to_dicts()}
    assert rows["a"] == {
        "queue": "a", "intervals": 2, "peak_required": 6, "required_fte": pytest.approx(0.1),
        "scheduled_fte": 1, "service_level": pytest.approx(0.9), "asa_seconds": pytest.approx(5.0),
        "occupancy": pytest.approx(0.5),
    }
    assert rows["b"]["required_fte"] == pytest.approx(0.5 / 80)


def test_weekly_fte_counts_weeks_from_the_first_forecast_day() -> None:
    thursday = MONDAY + dt.timedelta(days=3, hours=9)
    intervals = staffed([
        ("a", thursday, 60, 4),
        ("a", thursday + dt.timedelta(days=6), 60, 4),  # Wednesday: still the first week
        ("a", thursday + dt.timedelta(days=7), 60, 2),  # Thursday: the second week
    ])
    weeks = weekly_staffing(intervals, Parameters()).to_dicts()
    assert [w["week"] for w in weeks] == [dt.date(2026, 3, 5), dt.date(2026, 3, 12)]
    assert [w["required_fte"] for w in weeks] == [pytest.approx(8 / 40), pytest.approx(2 / 40)]
    assert [w["scheduled_fte"] for w in weeks] == [1, 1]


def test_intraday_profile_averages_over_days() -> None:
    intervals = staffed([
        ("a", MONDAY + dt.timedelta(hours=9), 30, 4),
        ("a", MONDAY + dt.timedelta(days=1, hours=9), 30, 6),
        ("a", MONDAY + dt.timedelta(hours=9, minutes=30), 30, 3),
    ])
    profile = intraday_profile(intervals).to_dicts()
    assert profile == [
        {"queue": "a", "time_of_day": dt.time(9, 0), "required_agents": 5.0},
        {"queue": "a", "time_of_day": dt.time(9, 30), "required_agents": 3.0},
    ]


def test_staffing_section_has_exactly_the_report_keys() -> None:
    section = staffing_section(forecast([("sales", MONDAY, 30, 100.0, 180.0)]), Parameters())
    assert list(section) == ["queues"]
    (queue,) = section["queues"]
    assert list(queue) == list(QUEUE_SCHEMA) == [
        "queue", "intervals", "peak_required", "required_fte", "scheduled_fte",
        "service_level", "asa_seconds", "occupancy",
    ]
    # 14 agents for half an hour in a one-week forecast: 7 / 40 FTE; / 0.7 = 0.25, so 1.
    assert queue["required_fte"] == pytest.approx(7 / 40)
    assert queue["scheduled_fte"] == 1
    assert staffing_section(forecast([]), Parameters()) == {"queues": []}


@settings(max_examples=60, deadline=None)
@given(
    contacts=st.integers(0, 3000),
    more=st.integers(0, 500),
    aht=st.floats(30, 900),
    minutes=st.sampled_from([15, 30, 60]),
    patience=st.sampled_from([None, 60.0, 300.0]),
)
def test_required_agents_never_fall_as_contacts_grow(
    contacts: int, more: int, aht: float, minutes: int, patience: float | None,
) -> None:
    params = StaffingParams(patience_seconds=patience)

    def needed(n: int) -> int:
        return interval_performance(n * aht / (minutes * 60), aht, params).agents

    assert needed(contacts) <= needed(contacts + more)


# -- the SQL --------------------------------------------------------------------------------


def test_forecast_intervals_sql_on_a_data_folder(tmp_path: Path) -> None:
    tables = base_tables()
    tables["forecast"] = forecast([
        ("sales", dt.datetime(2026, 3, 1, 23, 30), 30, 50.0, 200.0),
        ("sales", dt.datetime(2026, 3, 2, 0, 0), 30, 100.0, 180.0),
        ("sales", dt.datetime(2026, 3, 3, 23, 30), 30, 100.0, 180.0),
        ("support", dt.datetime(2026, 3, 4, 0, 0), 60, 0.0, 300.0),
    ])
    engine, result = open_folder(write_folder(tmp_path / "data", tables))
    assert result.ok, result.summary()

    everything = load_forecast(engine)
    assert everything.columns == ["queue", "interval_start", "interval_minutes", "contacts", "aht_seconds"]
    assert everything.height == 4
    assert everything.schema["interval_start"] == pl.Datetime("us")
    assert everything.schema["interval_minutes"] == pl.Int64

    inclusive = load_forecast(engine, dt.date(2026, 3, 2), dt.date(2026, 3, 3))
    assert inclusive["interval_start"].to_list() == [dt.datetime(2026, 3, 2), dt.datetime(2026, 3, 3, 23, 30)]
    assert load_forecast(engine, start=dt.date(2026, 3, 4)).height == 1
    assert load_forecast(engine, end=dt.date(2026, 3, 1)).height == 1

    section = staffing_section(inclusive, Parameters())
    assert [q["queue"] for q in section["queues"]] == ["sales"]
    assert section["queues"][0]["peak_required"] == 14
    assert staffing_section(load_forecast(engine, dt.date(2027, 1, 1)), Parameters()) == {"queues": []}


# -- issue 16: no hang at any traffic the contract allows, and cancellable --------------------


@pytest.mark.parametrize("traffic", [4_999.5, 5_000.5, 123_456.7, 1_600_000.0])
def test_required_agents_is_the_smallest_at_any_traffic_and_fast(traffic: float) -> None:
    """Above 5,000 agents the search is bounded (square-root staffing start, then the secant
    and bisection of `_fewest`), with Erlang B as one Poisson tail per probe; the answer is
    still the smallest N meeting 80/20: N meets it, N - 1 does not."""
    start = time.perf_counter()
    agents = required_agents(traffic, 180, 0.8, 20)
    assert time.perf_counter() - start < 0.5
    assert erlang_c(agents, traffic, 180, 20).service_level >= 0.8 > erlang_c(agents - 1, traffic, 180, 20).service_level


def test_erlang_b_above_the_recursion_agrees_with_the_recursion() -> None:
    """5,001 agents at 5,000 Erlangs by the Poisson tail vs one more recursion step from 5,000."""
    by_recursion = 5000 * erlang_b(5000, 5000.0) / (5001 + 5000 * erlang_b(5000, 5000.0))
    assert erlang_b(5001, 5000.0) == pytest.approx(by_recursion, rel=1e-9)


def test_a_cancelled_staffing_run_stops() -> None:
    """The app's worker runs staffing inside cancel_when; once cancelled (q, F5), the next
    interval raises Cancelled instead of working through the rest of the forecast."""
    from queries.cancel import Cancelled, cancel_when

    rows = [("sales", MONDAY + dt.timedelta(minutes=30 * i), 30, 100.0, 180.0) for i in range(100)]
    seen = []

    def stop() -> bool:
        seen.append(1)
        return len(seen) > 10

    with cancel_when(stop), pytest.raises(Cancelled):
        interval_staffing(forecast(rows), StaffingParams())
    assert len(seen) == 11
    assert interval_staffing(forecast(rows), StaffingParams()).height == 100  # outside: never cancelled
