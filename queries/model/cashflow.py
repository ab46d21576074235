"""The plan over time (spec/model.md, "Plan over time"): the active scenario month by month.

The steady-state model says what a scenario is worth per year once in force; this module
lays it out over the horizon: each month's baseline and scenario cost, its one-time costs,
net and cumulative net savings, the NPV and the break-even month. A month's scenario cost
is the scenario's total annual cost / 12 with only the changes in force that month, so the
cost logic is the one of queries.model.costs, evaluated once per set of closures in force.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from queries.config import Parameters
from queries.model.commute import CommuteTotals
from queries.model.costs import Outcome, Workforce, apply_scenario, outcome
from queries.model.scenario import Closure, Scenario

# Cumulative savings that should be 0 come out as -1e-10 after a few hundred float additions.
_TOLERANCE = 1e-6

Evaluate = Callable[[Scenario], Outcome]


# -- months ---------------------------------------------------------------------------------


def month_index(as_of: dt.date, day: dt.date) -> int:
    """The plan month holding `day`: 1 is the month after the as-of month, 0 the as-of month."""
    return (day.year - as_of.year) * 12 + day.month - as_of.month


def month_start(as_of: dt.date, month: int) -> dt.date:
    """First day of plan month `month`."""
    months = as_of.year * 12 + as_of.month - 1 + month
    return dt.date(months // 12, months % 12 + 1, 1)


def month_end(as_of: dt.date, month: int) -> dt.date:
    """Last day of plan month `month` (a closure in month c closes on this day)."""
    first = month_start(as_of, month)
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def discount_factor(rate: float, month: int) -> float:
    """(1 + rate)^(-month/12): the value today of a dollar in plan month `month`."""
    return float((1 + rate) ** (-month / 12))


def closure_month(as_of: dt.date, closure: Closure) -> int:
    """The month whose costs the closure's one-time costs fall in; the site costs nothing after it.

    A close date later in the as-of month itself (month 0) is booked in month 1: the plan
    starts there, and nothing is paid before it.
    """
    return max(1, month_index(as_of, closure.close_date))


# -- the plan -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanMonth:
    month: dt.date  # first day
    baseline_cost: float
    scenario_cost: float
    one_time_cost: float
    net_savings: float
    cumulative_net_savings: float
    remote_share: float | None
    closures: tuple[str, ...] = ()  # sites whose close date falls in this month
    # The commute the agents save this month (baseline minus scenario, a year's / 12): km,
    # hours, USD, tonnes of CO2; None without regions to locate home regions.
    commute_saved: tuple[float, float, float, float] | None = None


@dataclass(frozen=True)
class MonthlyPlan:
    """The scenario month by month, its NPV and break-even month (report key `plan`)."""

    horizon_months: int
    discount_rate: float
    months: tuple[PlanMonth, ...]
    npv: float
    break_even: int | None  # plan month number, 1-based
    notes: tuple[str, ...] = ()

    @property
    def one_time_cost(self) -> float:
        return sum(m.one_time_cost for m in self.months)

    @property
    def net_savings(self) -> float:
        return sum(m.net_savings for m in self.months)

    @property
    def break_even_month(self) -> dt.date | None:
        return None if self.break_even is None else self.months[self.break_even - 1].month

    def as_report(self) -> dict[str, Any]:
        return {
            "horizon_months": self.horizon_months,
            "discount_rate": self.discount_rate,
            "npv": self.npv,
            "one_time_cost": self.one_time_cost,
            "net_savings": self.net_savings,
            "break_even_month": self.break_even_month,
            "months": [
                {
                    "month": m.month, "baseline_cost": m.baseline_cost, "scenario_cost": m.scenario_cost,
                    "one_time_cost": m.one_time_cost, "net_savings": m.net_savings,
                    "cumulative_net_savings": m.cumulative_net_savings, "remote_share": m.remote_share,
                    **commute_saved_report(m.commute_saved),
                }
                for m in self.months
            ],
            "notes": list(self.notes),
        }


COMMUTE_SAVED_KEYS = ("commute_km_saved", "commute_hours_saved", "commute_cost_saved", "commute_co2_tonnes_saved")


def commute_saved_report(saved: tuple[float, float, float, float] | None) -> dict[str, float | None]:
    """A month's `commute_*_saved` keys of the report (null without regions)."""
    return dict(zip(COMMUTE_SAVED_KEYS, saved if saved is not None else (None,) * 4, strict=True))


def monthly_commute_saved(baseline: CommuteTotals | None, scenario: CommuteTotals | None,
                          ) -> tuple[float, float, float, float] | None:
    """What the agents save in a month of the scenario: (baseline - scenario) / 12 per figure."""
    if baseline is None or scenario is None:
        return None
    return ((baseline.km - scenario.km) / 12, (baseline.hours - scenario.hours) / 12,
            (baseline.cost - scenario.cost) / 12, (baseline.co2_tonnes - scenario.co2_tonnes) / 12)


def npv(net_savings: Sequence[float], rate: float) -> float:
    """Sum of each month's net savings x (1 + rate)^(-m/12), months counted from 1."""
    return sum(net * discount_factor(rate, m) for m, net in enumerate(net_savings, start=1))


def break_even(cumulative: Sequence[float]) -> int | None:
    """The first month (1-based) from which cumulative net savings stay >= 0 to the end."""
    first: int | None = None
    for m, value in enumerate(cumulative, start=1):
        if value >= -_TOLERANCE:
            first = first or m
        else:
            first = None
    return first


def default_evaluate(base: Workforce, base_params: Parameters) -> Evaluate:
    """A scenario's steady-state outcome from the cost model alone (no staffing from a forecast)."""

    def evaluate(scenario: Scenario) -> Outcome:
        params = scenario.effective_parameters(base_params)
        workforce, changes = apply_scenario(base, scenario, params)
        return outcome(workforce, params, changes)

    return evaluate


def monthly_plan(
    base: Workforce, scenario: Scenario, base_params: Parameters, baseline_annual_cost: float,
    evaluate: Evaluate | None = None, baseline_commute: CommuteTotals | None = None,
) -> MonthlyPlan:
    """The scenario over `plan.horizon_months` of its effective parameters.

    `baseline_annual_cost` is the baseline's total annual cost; `evaluate` works a scenario
    out (the session passes its own, which also costs staffing from a forecast and works out
    the commute). Close dates are taken to be after as-of (the scenario's validation refuses
    the others). With `baseline_commute`, each month also says what the agents save in
    commuting that month: the commute of the workforce in force, against the baseline's.
    """
    params = scenario.effective_parameters(base_params)
    horizon, rate = params.plan.horizon_months, params.plan.discount_rate
    evaluate = evaluate or default_evaluate(base, base_params)
    as_of = base.as_of
    by_month = {c.site_id: closure_month(as_of, c) for c in scenario.closures}
    notes = tuple(
        f"{c.site_id} closes on {c.close_date.isoformat()}, after the plan's horizon "
        f"(through {month_end(as_of, horizon).isoformat()}): it changes nothing in it"
        for c in scenario.closures if by_month[c.site_id] > horizon
    )

    # One evaluation per set of closures in force: a closure is in force from the month after its own.
    stages: dict[tuple[str, ...], Outcome] = {}

    def stage(month: int) -> Outcome:
        in_force = tuple(sorted(site for site, closes in by_month.items() if closes < month))
        if in_force not in stages:
            stages[in_force] = evaluate(scenario.model_copy(
                update={"closures": [c for c in scenario.closures if c.site_id in in_force]}))
        return stages[in_force]

    one_time = [0.0] * (horizon + 1)
    for closure in scenario.closures:
        month = by_month[closure.site_id]
        if month <= horizon:
            one_time[month] += closure_one_time_cost(base, scenario, closure, params)
    if scenario.remote_target is not None:
        # The move's equipment is bought in month 1, for the agents moved in month 1's workforce.
        first = stage(1)
        without_move = evaluate(scenario.model_copy(update={
            "remote_target": None,
            "closures": [c for c in scenario.closures if by_month[c.site_id] < 1]}))
        one_time[1] += first.changes.one_time_cost - without_move.changes.one_time_cost

    baseline_monthly = baseline_annual_cost / 12
    months: list[PlanMonth] = []
    cumulative = 0.0
    for m in range(1, horizon + 1):
        result = stage(m)
        monthly = result.total_annual_cost / 12
        net = baseline_monthly - monthly - one_time[m]
        cumulative += net
        months.append(PlanMonth(
            month=month_start(as_of, m), baseline_cost=baseline_monthly, scenario_cost=monthly,
            one_time_cost=one_time[m], net_savings=net, cumulative_net_savings=cumulative,
            remote_share=result.remote_share,
            closures=tuple(sorted(site for site, closes in by_month.items() if closes == m)),
            commute_saved=monthly_commute_saved(baseline_commute, result.commute),
        ))
    return MonthlyPlan(
        horizon_months=horizon, discount_rate=rate, months=tuple(months),
        npv=npv([m.net_savings for m in months], rate),
        break_even=break_even([m.cumulative_net_savings for m in months]),
        notes=notes,
    )


def closure_one_time_cost(base: Workforce, scenario: Scenario, closure: Closure, params: Parameters) -> float:
    """Break fee, equipment and hiring of one closure (a closure touches its own site's agents only)."""
    alone = Scenario().model_copy(update={"site_changes": scenario.site_changes, "closures": [closure]})
    return apply_scenario(base, alone, params)[1].one_time_cost
