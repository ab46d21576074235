"""Headcount by work mode: on the as-of date, month by month, and the path to a target.

Definitions follow spec/model.md ("Headcount"). The monthly frame comes from one query
(`headcount_monthly.sql`, long format by month, mode and site) run once per data folder;
everything here is pure polars on it or on the in-memory `Workforce`.

The transition plan is a projection, not a forecast: from the headcount on as-of, each
month `pace` onsite agents convert to remote, every mode loses agents at its observed
monthly attrition rate, and the leavers are replaced by hires in the observed hiring mix
(so the headcount stays level). The plan reports the first month the remote share reaches
the target.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import polars as pl

from queries.model.costs import MODES, Workforce, headcount_by_mode, remote_share

PLAN_HORIZON_MONTHS = 120
RATE_WINDOW_MONTHS = 12


TREND_MAX_MONTHS = 36


def trend_range(first_start: dt.date | None, as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The monthly trend's first month and last day: from the month of the earliest
    assignment start, but at most TREND_MAX_MONTHS months (the as-of month and the 35
    before it), through as-of. Without any assignment, the as-of month alone."""
    as_of_month = as_of.replace(day=1)
    total = as_of_month.year * 12 + as_of_month.month - 1 - (TREND_MAX_MONTHS - 1)
    earliest = dt.date(total // 12, total % 12 + 1, 1)
    if first_start is None:
        return as_of_month, as_of
    return min(max(first_start.replace(day=1), earliest), as_of_month), as_of


# -- on the as-of date ------------------------------------------------------------------


def by_site(workforce: Workforce) -> pl.DataFrame:
    """Headcount per site and mode on as-of; remote agents without a site under site_id null."""
    agents = workforce.agents.filter(pl.col("work_mode").is_not_null())
    counts = agents.group_by("site_id").agg(
        *[(pl.col("work_mode") == mode).sum().cast(pl.Int64).alias(mode) for mode in MODES]
    )
    return counts.sort("site_id", nulls_last=True)


def site_workforce(workforce: Workforce, site_id: str) -> Workforce:
    """The agents whose assignment on as-of is at `site_id` (remote agents reporting to it too)."""
    return Workforce(workforce.as_of, workforce.sites.filter(pl.col("site_id") == site_id),
                     workforce.agents.filter(pl.col("site_id") == site_id))


# -- month by month ---------------------------------------------------------------------


def monthly_trend(monthly: pl.DataFrame, site_id: str | None = None) -> pl.DataFrame:
    """One row per month: headcount per mode, remote share, hires and leavers per mode."""
    rows = monthly if site_id is None else monthly.filter(pl.col("site_id") == site_id)
    months = monthly.select("month").unique()
    per_mode = [
        pl.col(column).filter(pl.col("work_mode") == mode).sum().cast(pl.Int64).alias(f"{prefix}{mode}")
        for mode in MODES
        for column, prefix in (("headcount", ""), ("hires", "hires_"), ("leavers", "leavers_"))
    ]
    trend = rows.group_by("month").agg(
        *per_mode,
        hires=pl.col("hires").sum().cast(pl.Int64),
        leavers=pl.col("leavers").sum().cast(pl.Int64),
    )
    trend = months.join(trend, on="month", how="left").fill_null(0)
    assigned = pl.sum_horizontal(*MODES)
    return trend.with_columns(
        remote_share=pl.when(assigned > 0).then(pl.col("remote") / assigned).otherwise(None)
    ).sort("month")


@dataclass(frozen=True)
class ObservedRates:
    """Monthly attrition per mode and the hiring mix, over the last RATE_WINDOW_MONTHS."""

    attrition: dict[str, float]
    hiring_mix: dict[str, float]


def observed_rates(trend: pl.DataFrame) -> ObservedRates:
    window = trend.tail(RATE_WINDOW_MONTHS)
    attrition = {}
    for mode in MODES:
        stock = float(window[mode].sum())
        attrition[mode] = float(window[f"leavers_{mode}"].sum()) / stock if stock else 0.0
    hires = {mode: float(window[f"hires_{mode}"].sum()) for mode in MODES}
    total = sum(hires.values())
    mix = {mode: hires[mode] / total if total else 1 / len(MODES) for mode in MODES}
    return ObservedRates(attrition, mix)


def observed_conversions(trend: pl.DataFrame) -> float:
    """Agents who became remote per month over the last RATE_WINDOW_MONTHS, as the trend
    implies it: the change in remote headcount, less remote hires, plus remote leavers."""
    window = trend.tail(RATE_WINDOW_MONTHS + 1)
    months = window.height - 1
    if months < 1:
        return 0.0
    # Hires and leavers of the first month happened before the window's first count.
    moves = window.tail(months)
    change = float(window["remote"][-1] - window["remote"][0])
    return max(0.0, (change - float(moves["hires_remote"].sum()) + float(moves["leavers_remote"].sum())) / months)


# -- the path to a target ---------------------------------------------------------------


def agents_to_target(counts: dict[str, float], target: float) -> int:
    """Onsite agents that must become remote today for the remote share to reach `target`."""
    total = sum(counts.values())
    return max(0, math.ceil(target * total - counts["remote"] - 1e-9))


@dataclass(frozen=True)
class TransitionPlan:
    target: float
    pace: int
    gap_agents: int
    months: pl.DataFrame  # month, onsite, hybrid, remote, remote_share (projected)
    reached: dt.date | None  # first month whose share meets the target; None within the horizon
    note: str


def transition_plan(
    counts: dict[str, float], as_of: dt.date, target: float, pace: int, rates: ObservedRates,
    horizon: int = PLAN_HORIZON_MONTHS,
) -> TransitionPlan:
    gap = agents_to_target(counts, target)
    state = {mode: float(counts[mode]) for mode in MODES}
    month = _first_of_next_month(as_of)
    rows, reached = [], None
    if gap == 0:
        reached = as_of
    for _ in range(horizon if reached is None else 0):
        leavers = {mode: state[mode] * rates.attrition[mode] for mode in MODES}
        hires = sum(leavers.values())
        for mode in MODES:
            state[mode] += hires * rates.hiring_mix[mode] - leavers[mode]
        moved = min(float(pace), state["onsite"])
        state["onsite"] -= moved
        state["remote"] += moved
        share = state["remote"] / sum(state.values()) if sum(state.values()) else 0.0
        rows.append({"month": month, **state, "remote_share": share})
        if share >= target - 1e-9:
            reached = month
            break
        month = _first_of_next_month(month)
    frame = pl.DataFrame(rows, schema={"month": pl.Date, "onsite": pl.Float64, "hybrid": pl.Float64,
                                       "remote": pl.Float64, "remote_share": pl.Float64})
    note = _plan_note(gap, pace, reached, as_of, horizon)
    return TransitionPlan(target, pace, gap, frame, reached, note)


def _plan_note(gap: int, pace: int, reached: dt.date | None, as_of: dt.date, horizon: int) -> str:
    if gap == 0:
        return "The remote share already meets the target."
    conversions = f"{pace:,} conversion{'' if pace == 1 else 's'} a month"
    if reached is not None:
        return f"At {conversions} the target is reached in {reached:%B %Y}."
    if pace == 0:
        return "With no conversions the share moves only through the hiring mix, and does not reach the target."
    return f"At {conversions} the target is not reached within {horizon // 12} years."


def _first_of_next_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


# -- report -----------------------------------------------------------------------------


def headcount_section(workforce: Workforce, trend: pl.DataFrame) -> dict[str, Any]:
    """The report's `headcount` keys (spec/model.md, "Report output")."""
    modes = headcount_by_mode(workforce)
    return {
        "by_mode": modes,
        "total": {
            "headcount": sum(m["headcount"] for m in modes.values()),
            "fte": sum(m["fte"] for m in modes.values()),
        },
        "remote_share": remote_share(workforce),
        "by_site": by_site(workforce).to_dicts(),
        "monthly": trend.select("month", *MODES, "hires", "leavers").to_dicts(),
    }
