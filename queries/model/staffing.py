"""Staffing per queue from the contact forecast: agents per interval, then FTE per queue.

spec/model.md, "Staffing". For each queue and interval:
- traffic A = contacts x aht_seconds x (1 + aht_delta) / (interval_minutes x 60) Erlangs,
  where aht_delta is the scenario's AHT change blended over the work modes;
- required agents N, service level, ASA and occupancy by Erlang C, or by Erlang A when
  `staffing.patience_seconds` is set (`queries.model.erlang`). An interval without contacts needs
  no agents: SL 1, ASA 0, occupancy n/a.

Per queue, over the forecast's weeks: 7-day weeks counted from its first date (over all
queues, so that the queues' FTE add up) up to its last, the last one counted whole, since
a forecast comes in whole weeks even when closed days have no rows:
- **required FTE** = required agent-hours (sum of N x interval hours) / (paid hours per FTE
  per week x weeks), with paid hours per week = `labor.paid_hours_per_fte` / 52 (40 for
  2080): the full-time people whose paid hours equal the hours agents must be on the
  phones, before shrinkage. Closed hours and days need no agents, so a queue open 50 hours
  a week with 10 agents at all times needs 12.5 FTE.
- **scheduled FTE** = required FTE / (1 - `staffing.shrinkage`), rounded up once, on the
  total: rounding every interval up first would pay for each fraction of an agent again.
- service level and ASA are averages of the intervals' weighted by contacts; occupancy is
  carried traffic over agents, both summed over the intervals weighted by their hours.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

import polars as pl

from queries.cancel import check_cancelled
from queries.config import Parameters, StaffingParams
from queries.model.erlang import (
    Performance,
    erlang_a,
    erlang_c,
    required_agents,
    required_agents_erlang_a,
)

# ceil() of a float ratio: 14 / (1 - 0.3) is 20.000000000000004, and a planner expects 20.
_EPS = 1e-9
_WEEKS_PER_YEAR = 52
_NO_TRAFFIC = Performance(
    agents=0, traffic=0.0, wait_probability=0.0, abandon_probability=0.0,
    service_level=1.0, asa_seconds=0.0, occupancy=0.0,
)

QUEUE_SCHEMA = {
    "queue": pl.String, "intervals": pl.Int64, "peak_required": pl.Int64,
    "required_fte": pl.Float64, "scheduled_fte": pl.Int64, "service_level": pl.Float64,
    "asa_seconds": pl.Float64, "occupancy": pl.Float64,
}
WEEK_SCHEMA = {"queue": pl.String, "week": pl.Date, "required_fte": pl.Float64, "scheduled_fte": pl.Int64}


def blended_aht_delta(aht_delta: Mapping[str, float], mode_shares: Mapping[str, float]) -> float:
    """One AHT change for every queue: the sum over modes of share x that mode's aht_delta.

    The forecast does not say which mode answers a queue, so each mode's change reaches
    every queue in proportion to the mode's share of the workforce (`mode_shares`, e.g.
    headcount by mode / headcount, summing to 1). A mode without a delta adds nothing.
    """
    return sum(share * aht_delta.get(mode, 0.0) for mode, share in mode_shares.items())


def scheduled_agents(required: float, shrinkage: float) -> int:
    """Agents to pay for so that `required` are available: required / (1 - shrinkage), rounded up."""
    return math.ceil(required / (1 - shrinkage) - _EPS)


def interval_performance(traffic: float, aht_seconds: float, staffing: StaffingParams) -> Performance:
    """One interval's required agents and the service they give (Erlang C, or A with patience)."""
    if traffic == 0:
        return _NO_TRAFFIC
    target, answer, cap = staffing.service_level, staffing.answer_seconds, staffing.max_occupancy
    patience = staffing.patience_seconds
    if patience is None:
        agents = required_agents(traffic, aht_seconds, target, answer, cap)
        return erlang_c(agents, traffic, aht_seconds, answer)
    agents = required_agents_erlang_a(traffic, aht_seconds, target, answer, patience, cap)
    return erlang_a(agents, traffic, aht_seconds, answer, patience)


def interval_staffing(
    forecast: pl.DataFrame, staffing: StaffingParams, aht_delta: float = 0.0,
) -> pl.DataFrame:
    """The forecast rows with traffic, required_agents, service_level, asa_seconds, occupancy.

    `aht_seconds` stays the forecast's; traffic and the Erlang figures use it x (1 + aht_delta).
    Occupancy is null where no agent is needed.
    """
    aht = pl.col("aht_seconds") * (1 + aht_delta)
    frame = forecast.with_columns(
        traffic=pl.col("contacts") * aht / (pl.col("interval_minutes") * 60),
        handle_seconds=aht,
    )
    results = []
    for traffic, handle in zip(frame["traffic"], frame["handle_seconds"], strict=True):
        check_cancelled()  # a big forecast takes a while: the app's q must not wait for it
        results.append(interval_performance(traffic, handle, staffing))
    return frame.drop("handle_seconds").with_columns(
        pl.Series("required_agents", [r.agents for r in results], dtype=pl.Int64),
        pl.Series("service_level", [r.service_level for r in results], dtype=pl.Float64),
        pl.Series("asa_seconds", [r.asa_seconds for r in results], dtype=pl.Float64),
        pl.Series("occupancy", [r.occupancy if r.agents else None for r in results], dtype=pl.Float64),
    )


def queue_staffing(intervals: pl.DataFrame, params: Parameters) -> pl.DataFrame:
    """One row per queue with the columns of the report's `staffing.queues` (QUEUE_SCHEMA)."""
    if intervals.is_empty():
        return pl.DataFrame(schema=QUEUE_SCHEMA)
    first = _first_day(intervals)
    weeks = int(intervals.select(_week_index(first).max()).item()) + 1
    queues = (
        intervals.with_columns(_agent_hours(), _carried_hours())
        .group_by("queue")
        .agg(
            intervals=pl.len().cast(pl.Int64),
            peak_required=pl.col("required_agents").max(),
            required_fte=pl.col("agent_hours").sum() / (_paid_hours_per_week(params) * weeks),
            service_level=_contact_weighted("service_level"),
            asa_seconds=_contact_weighted("asa_seconds"),
            occupancy=_ratio(pl.col("carried_hours").sum(), pl.col("agent_hours").sum()),
        )
        .sort("queue")
    )
    return _with_scheduled(queues, params).select(list(QUEUE_SCHEMA))


def weekly_staffing(intervals: pl.DataFrame, params: Parameters) -> pl.DataFrame:
    """Required and scheduled FTE per queue and week (WEEK_SCHEMA).

    `week` is the first day of each 7-day week counted from the forecast's first date, the
    weeks `queue_staffing` averages over; a week in which a queue has no rows is left out.
    """
    if intervals.is_empty():
        return pl.DataFrame(schema=WEEK_SCHEMA)
    first = _first_day(intervals)
    weeks = (
        intervals.with_columns(_agent_hours(), week=pl.lit(first) + pl.duration(days=7 * _week_index(first)))
        .group_by("queue", "week")
        .agg(pl.col("agent_hours").sum())
        .with_columns(required_fte=pl.col("agent_hours") / _paid_hours_per_week(params))
        .sort("queue", "week")
    )
    return _with_scheduled(weeks, params).select(list(WEEK_SCHEMA))


def intraday_profile(intervals: pl.DataFrame) -> pl.DataFrame:
    """Average required agents per queue and time of day, over the days with that interval."""
    return (
        intervals.group_by("queue", time_of_day=pl.col("interval_start").dt.time())
        .agg(required_agents=pl.col("required_agents").mean())
        .sort("queue", "time_of_day")
    )


def staffing_section(forecast: pl.DataFrame, params: Parameters, aht_delta: float = 0.0) -> dict[str, Any]:
    """The report's `staffing` key: {"queues": [one dict per queue, QUEUE_SCHEMA keys]}."""
    queues = queue_staffing(interval_staffing(forecast, params.staffing, aht_delta), params)
    return {"queues": queues.to_dicts()}


# -- helpers --------------------------------------------------------------------------------


def _first_day(intervals: pl.DataFrame) -> dt.date:
    first = intervals["interval_start"].dt.date().min()
    assert isinstance(first, dt.date)
    return first


def _week_index(first: dt.date) -> pl.Expr:
    """0 for an interval in the forecast's first 7 days, 1 in the next 7, and so on."""
    return (pl.col("interval_start").dt.date() - pl.lit(first)).dt.total_days() // 7


def _paid_hours_per_week(params: Parameters) -> float:
    return params.labor.paid_hours_per_fte / _WEEKS_PER_YEAR


def _agent_hours() -> pl.Expr:
    return (pl.col("required_agents") * pl.col("interval_minutes") / 60).alias("agent_hours")


def _carried_hours() -> pl.Expr:
    # occupancy x agents is the carried traffic; a null occupancy (no agents) carries nothing.
    return (
        pl.col("occupancy").fill_null(0.0) * pl.col("required_agents") * pl.col("interval_minutes") / 60
    ).alias("carried_hours")


def _contact_weighted(column: str) -> pl.Expr:
    return _ratio((pl.col(column) * pl.col("contacts")).sum(), pl.col("contacts").sum())


def _ratio(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    """numerator / denominator, null ("n/a") when the denominator is 0."""
    return pl.when(denominator > 0).then(numerator / denominator)


def _with_scheduled(frame: pl.DataFrame, params: Parameters) -> pl.DataFrame:
    """Adds scheduled_fte: the one rounding, done on each row's total required FTE."""
    shrinkage = params.staffing.shrinkage
    scheduled = [scheduled_agents(required, shrinkage) for required in frame["required_fte"]]
    return frame.with_columns(pl.Series("scheduled_fte", scheduled, dtype=pl.Int64))
