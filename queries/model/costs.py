"""The planning model of spec/model.md: site costs, total cost and scenarios, as pure functions.

Everything here works on a `Workforce` held in memory (the open and closing sites and the
agents employed on the as-of date), so a what-if edit is a recomputation in polars, never a
new scan of the exports. Formulas follow the spec's wording; names are the planners'.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field, replace
from typing import Any, cast

import polars as pl

from queries.config import Parameters
from queries.model.commute import CommuteTotals
from queries.model.scenario import Scenario, ScenarioError

MODES = ("onsite", "hybrid", "remote")
# floor() and ceil() of shares times counts: 0.29 x 100 is 28.999999999999996 in floats,
# and a planner computing by hand expects 29.
_EPS = 1e-9


@dataclass(frozen=True)
class Workforce:
    """Open and closing sites, and the agents employed on as-of with their assignment."""

    as_of: dt.date
    sites: pl.DataFrame
    agents: pl.DataFrame


@dataclass(frozen=True)
class Changes:
    """What applying a scenario did, beyond the new workforce."""

    moved_to_remote: int = 0
    leavers: int = 0
    hires: int = 0
    break_fees: float = 0.0
    equipment: float = 0.0
    hiring: float = 0.0
    notes: tuple[str, ...] = ()

    @property
    def one_time_cost(self) -> float:
        return self.break_fees + self.equipment + self.hiring


# -- costs ----------------------------------------------------------------------------------


def remote_cost_per_agent(params: Parameters, mode: str) -> float:
    """Annual remote cost of one agent: stipend (remote only), equipment write-off, IT."""
    r = params.remote
    shared = r.equipment_cost / r.equipment_life_years + r.it_security_annual
    if mode == "remote":
        return 12 * r.stipend_monthly + shared
    return shared if mode == "hybrid" else 0.0


def seat_demand_expr(params: Parameters) -> pl.Expr:
    """Seats one agent needs: onsite FTE, or hybrid FTE x onsite days / 5."""
    days = pl.col("onsite_days_per_week").fill_null(params.plan.hybrid_onsite_days)
    return (
        pl.when(pl.col("work_mode") == "onsite").then(pl.col("fte"))
        .when(pl.col("work_mode") == "hybrid").then(pl.col("fte") * days / 5)
        .otherwise(0.0)
    )


def site_costs(workforce: Workforce, params: Parameters) -> pl.DataFrame:
    """One row per open or closing site with the columns of the report's `site_costs.sites`."""
    per_site = (
        workforce.agents.filter(pl.col("site_id").is_not_null())
        .group_by("site_id")
        .agg(
            seat_demand=seat_demand_expr(params).sum(),
            agents_onsite=(pl.col("work_mode") == "onsite").sum(),
            agents_hybrid=(pl.col("work_mode") == "hybrid").sum(),
        )
    )
    annual = pl.col("lease_annual") + pl.col("opex_annual")
    return (
        workforce.sites.join(per_site, on="site_id", how="left")
        .with_columns(
            pl.col("seat_demand").fill_null(0.0),
            pl.col("agents_onsite").fill_null(0).cast(pl.Int64),
            pl.col("agents_hybrid").fill_null(0).cast(pl.Int64),
            annual_cost=annual,
        )
        .with_columns(
            utilization=pl.col("seat_demand") / pl.col("seats"),
            cost_per_seat=pl.col("annual_cost") / pl.col("seats"),
            cost_per_seat_used=pl.when(pl.col("seat_demand") > 0)
            .then(pl.col("annual_cost") / pl.col("seat_demand"))
            .otherwise(None),
        )
        .select(
            "site_id", "name", "state", "status", "seats", "seat_demand", "utilization",
            "lease_annual", "opex_annual", "annual_cost", "cost_per_seat", "cost_per_seat_used",
            "lease_end", "agents_onsite", "agents_hybrid",
        )
        .sort("site_id")
    )


def site_totals(costs: pl.DataFrame) -> dict[str, float | None]:
    seats = int(costs["seats"].sum())
    demand = float(costs["seat_demand"].sum())
    return {
        "seats": seats,
        "seat_demand": demand,
        "annual_cost": float(costs["annual_cost"].sum()),
        "utilization": demand / seats if seats else None,
    }


@dataclass(frozen=True)
class CostBreakdown:
    """Total annual cost and its parts (spec/model.md, "Remote and labor costs")."""

    sites: float
    remote: float
    labor: float
    remote_agents: int
    hybrid_agents: int

    @property
    def total(self) -> float:
        return self.sites + self.remote + self.labor


def cost_breakdown(workforce: Workforce, params: Parameters) -> CostBreakdown:
    """Site costs + remote costs of remote and hybrid agents + labor of everyone employed."""
    agents = workforce.agents
    n_remote = int((agents["work_mode"] == "remote").sum())
    n_hybrid = int((agents["work_mode"] == "hybrid").sum())
    return CostBreakdown(
        sites=float((workforce.sites["lease_annual"] + workforce.sites["opex_annual"]).sum()),
        remote=n_remote * remote_cost_per_agent(params, "remote") + n_hybrid * remote_cost_per_agent(params, "hybrid"),
        labor=float((agents["hourly_wage"] * agents["fte"]).sum()) * params.labor.paid_hours_per_fte,
        remote_agents=n_remote,
        hybrid_agents=n_hybrid,
    )


def total_annual_cost(workforce: Workforce, params: Parameters) -> float:
    return cost_breakdown(workforce, params).total


def headcount_by_mode(workforce: Workforce) -> dict[str, dict[str, float]]:
    agents = workforce.agents
    return {
        mode: {
            "headcount": int((agents["work_mode"] == mode).sum()),
            "fte": float(agents.filter(pl.col("work_mode") == mode)["fte"].sum()),
        }
        for mode in MODES
    }


def remote_share(workforce: Workforce) -> float | None:
    modes = workforce.agents["work_mode"].drop_nulls()
    return float((modes == "remote").sum()) / modes.len() if modes.len() else None


# -- scenarios ------------------------------------------------------------------------------


def apply_scenario(base: Workforce, scenario: Scenario, params: Parameters) -> tuple[Workforce, Changes]:
    """The workforce after the scenario's changes, in the spec's order, and what they did.

    `params` are the scenario's effective parameters.
    """
    workforce, changes = _apply_site_changes(base, scenario), Changes()
    for closure in scenario.closures:
        workforce, changes = _close_site(workforce, changes, closure, params)
    if scenario.remote_target is not None:
        workforce, changes = _move_to_remote_share(workforce, changes, scenario.remote_target, params)
    return workforce, changes


def _apply_site_changes(base: Workforce, scenario: Scenario) -> Workforce:
    sites = base.sites
    for change in scenario.site_changes:
        updates = change.model_dump(exclude={"site_id"}, exclude_none=True)
        sites = sites.with_columns(
            pl.when(pl.col("site_id") == change.site_id).then(pl.lit(value, dtype=pl.Float64))
            .otherwise(pl.col(column)).alias(column)
            for column, value in updates.items()
        )
    return replace(base, sites=sites)


def _close_site(workforce: Workforce, changes: Changes, closure: Any, params: Parameters) -> tuple[Workforce, Changes]:
    """Close a site: keep retain_share of its onsite and hybrid agents as remote (in agent_id
    order), the rest leave, backfill_share of the leavers are hired remote like for like."""
    retain = closure.retain_share if closure.retain_share is not None else params.scenario.retain_share
    backfill = closure.backfill_share if closure.backfill_share is not None else params.scenario.backfill_share
    agents = workforce.agents
    at_site = (pl.col("site_id") == closure.site_id) & pl.col("work_mode").is_in(["onsite", "hybrid"])
    affected = agents.filter(at_site).sort("agent_id")
    n = affected.height
    retained = math.floor(retain * n + _EPS)
    leavers = affected.slice(retained)
    hires = math.floor(backfill * leavers.height + _EPS)

    delta = params.remote.wage_delta_hourly
    kept = affected.head(retained).with_columns(
        work_mode=pl.lit("remote"), site_id=pl.lit(None, dtype=pl.Utf8),
        hourly_wage=pl.col("hourly_wage") + delta,
    )
    new = _remote_hires(leavers, hires, closure.site_id, delta)
    agents = pl.concat([agents.filter(~at_site.fill_null(False)), kept, new], how="vertical_relaxed").sort("agent_id")

    site = workforce.sites.filter(pl.col("site_id") == closure.site_id)
    fee = 0.0
    if site.height:
        lease_end, break_fee = site["lease_end"][0], site["lease_break_fee"][0]
        if lease_end is not None and closure.close_date < lease_end:
            fee = float(break_fee or 0.0)
    sites = workforce.sites.filter(pl.col("site_id") != closure.site_id)
    return replace(workforce, sites=sites, agents=agents), replace(
        changes,
        moved_to_remote=changes.moved_to_remote + retained,
        leavers=changes.leavers + leavers.height,
        hires=changes.hires + hires,
        break_fees=changes.break_fees + fee,
        equipment=changes.equipment + params.remote.equipment_cost * (retained + hires),
        hiring=changes.hiring + params.hiring.cost_per_hire * hires,
    )


def check_remote_wages(scenario: Scenario, workforce: Workforce, params: Parameters, source: str) -> None:
    """Refuse a wage delta that would pay an agent who becomes remote 0 or less an hour.

    `remote.wage_delta_hourly` is added to the wage of each agent a closure or the remote
    target makes remote (and of remote hires, at the leavers' average wage, which is never
    below the lowest). Without this rule -1000 gave a negative total cost and a payback of
    0.0 months. Only a scenario that moves agents is checked.
    """
    delta = params.remote.wage_delta_hourly
    if delta >= 0 or not (scenario.closures or scenario.remote_target):
        return
    wages = workforce.agents.filter(pl.col("work_mode").is_in(["onsite", "hybrid"]))["hourly_wage"]
    if wages.len() == 0:
        return
    lowest = float(wages.cast(pl.Float64).min())  # type: ignore[arg-type]
    if lowest + delta <= 0:
        raise ScenarioError(
            f"{source}: remote.wage_delta_hourly: {delta:g} would pay agents who become remote $0 or less an "
            f"hour (the lowest onsite or hybrid wage is ${lowest:,.2f}); it must be above {-lowest:g}"
        )


def _remote_hires(leavers: pl.DataFrame, count: int, site_id: str, wage_delta: float) -> pl.DataFrame:
    """`count` remote hires at the leavers' average wage (plus the remote delta) and FTE."""
    if count == 0:
        return leavers.clear()
    columns = {
        "agent_id": [f"~hire-{site_id}-{i + 1:05d}" for i in range(count)],
        "hire_date": [None] * count,
        "hourly_wage": [cast(float, leavers["hourly_wage"].mean()) + wage_delta] * count,
        "fte": [cast(float, leavers["fte"].mean())] * count,
        "work_mode": ["remote"] * count,
        "site_id": [None] * count,
        "onsite_days_per_week": [None] * count,
        "home_region": [None] * count,  # not known before hiring; a remote hire commutes nowhere
    }
    return pl.DataFrame({name: columns.get(name, [None] * count) for name in leavers.schema}, schema=leavers.schema)


def _move_to_remote_share(workforce: Workforce, changes: Changes, target: Any, params: Parameters) -> tuple[Workforce, Changes]:
    """Onsite agents become remote, lowest-utilization sites first and agents in agent_id
    order, until the remote share reaches the target. Hybrid agents are not moved."""
    agents = workforce.agents
    assigned = agents.filter(pl.col("work_mode").is_not_null())
    remote_now = int((assigned["work_mode"] == "remote").sum())
    needed = max(0, math.ceil(target.share * assigned.height - remote_now - _EPS))
    if needed == 0:
        return workforce, changes

    costs = site_costs(workforce, params)
    if target.sites:
        costs = costs.filter(pl.col("site_id").is_in(target.sites))
    order = costs.sort(["utilization", "site_id"]).select("site_id").with_row_index("site_rank")
    candidates = (
        agents.filter(pl.col("work_mode") == "onsite")
        .join(order, on="site_id", how="inner")
        .sort(["site_rank", "agent_id"])
    )
    moved_ids = candidates["agent_id"].head(needed)
    notes = changes.notes
    if moved_ids.len() < needed:
        notes += (
            f"remote share target {target.share:.0%} not reached: no movable onsite agent left "
            f"at an open or closing site ({moved_ids.len()} moved, {needed} needed)",
        )
    delta = params.remote.wage_delta_hourly
    moving = pl.col("agent_id").is_in(moved_ids.implode())
    agents = agents.with_columns(
        work_mode=pl.when(moving).then(pl.lit("remote")).otherwise(pl.col("work_mode")),
        hourly_wage=pl.when(moving).then(pl.col("hourly_wage") + delta).otherwise(pl.col("hourly_wage")),
    )
    return replace(workforce, agents=agents), replace(
        changes,
        moved_to_remote=changes.moved_to_remote + moved_ids.len(),
        equipment=changes.equipment + params.remote.equipment_cost * moved_ids.len(),
        notes=notes,
    )


# -- comparing a scenario with the baseline --------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """The scenario results of spec/model.md, for the baseline or a scenario."""

    total_annual_cost: float
    annual_savings: float
    one_time_cost: float
    payback_months: float | None
    headcount_by_mode: dict[str, float]
    remote_share: float | None
    seat_demand: float
    seats_freed: float
    reach_multiplier: float | None = None
    scheduled_fte: int | None = None  # staffing need from the forecast; None without one
    staffing_labor: float = 0.0  # labor cost of FTE scheduled beyond the baseline's need
    changes: Changes = field(default_factory=Changes)
    commute: CommuteTotals | None = None  # the agents' commute a year; None without regions

    def as_report(self) -> dict[str, Any]:
        return {
            "total_annual_cost": self.total_annual_cost,
            "annual_savings": self.annual_savings,
            "one_time_cost": self.one_time_cost,
            "payback_months": self.payback_months,
            "headcount_by_mode": dict(self.headcount_by_mode),
            "remote_share": self.remote_share,
            "seats_freed": self.seats_freed,
            "reach_multiplier": self.reach_multiplier,
            "scheduled_fte": self.scheduled_fte,
            **self.commute_report(),
        }

    def commute_report(self) -> dict[str, float | None]:
        """The `commute_*` keys: the agents' commute a year (baseline minus scenario is what
        the scenario saves them)."""
        c = self.commute
        return {
            "commute_km": None if c is None else c.km,
            "commute_hours": None if c is None else c.hours,
            "commute_cost": None if c is None else c.cost,
            "commute_co2_tonnes": None if c is None else c.co2_tonnes,
        }


def payback_months(one_time: float, savings: float) -> float | None:
    return one_time / (savings / 12) if savings > 0 else None


def outcome(
    workforce: Workforce, params: Parameters, changes: Changes | None = None, baseline: Outcome | None = None,
    reach_multiplier: float | None = None, scheduled_fte: int | None = None,
    commute: CommuteTotals | None = None,
) -> Outcome:
    """Results for `workforce`; against `baseline` when it is a scenario's.

    With a forecast, a scenario that needs more (or fewer) scheduled FTE than the baseline
    pays (or saves) their labor at the workforce's FTE-weighted average wage.
    """
    changes = changes or Changes()
    extra_fte = (scheduled_fte - baseline.scheduled_fte) if baseline and scheduled_fte is not None \
        and baseline.scheduled_fte is not None else 0
    staffing_labor = extra_fte * average_wage(workforce) * params.labor.paid_hours_per_fte
    cost = total_annual_cost(workforce, params) + staffing_labor
    demand = float(site_costs(workforce, params)["seat_demand"].sum())
    savings = baseline.total_annual_cost - cost if baseline else 0.0
    return Outcome(
        total_annual_cost=cost,
        annual_savings=savings,
        one_time_cost=changes.one_time_cost,
        payback_months=payback_months(changes.one_time_cost, savings) if baseline else None,
        headcount_by_mode={m: v["headcount"] for m, v in headcount_by_mode(workforce).items()},
        remote_share=remote_share(workforce),
        seat_demand=demand,
        seats_freed=baseline.seat_demand - demand if baseline else 0.0,
        reach_multiplier=reach_multiplier,
        scheduled_fte=scheduled_fte,
        staffing_labor=staffing_labor,
        changes=changes,
        commute=commute,
    )


def average_wage(workforce: Workforce) -> float:
    """FTE-weighted average hourly wage of the workforce (0 without agents)."""
    agents = workforce.agents
    fte = float(agents["fte"].sum())
    return float((agents["hourly_wage"] * agents["fte"]).sum()) / fte if fte else 0.0


def delta(result: Outcome, base: Outcome) -> dict[str, Any]:
    """Scenario minus baseline, key by key, for the report's `scenario.delta`."""
    a, b = result.as_report(), base.as_report()

    def diff(x: Any, y: Any) -> Any:
        if isinstance(x, dict):
            return {k: diff(x[k], y.get(k)) for k in x}
        return x - y if isinstance(x, (int, float)) and isinstance(y, (int, float)) else None

    return {k: diff(a[k], b[k]) for k in a}
