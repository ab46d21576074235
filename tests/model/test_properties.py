"""Properties of the planning model (spec/model.md) on random small workforces and scenarios.

A `Workforce` here is built directly in memory with the columns and types of
queries/engines/sql/sites_active.sql and queries/engines/sql/workforce_on_date.sql. The expected figures come
from the spec's formulas, written out again below in plain Python (`spec_total`,
`spec_seat_demand`), not from the model's own functions.
"""

from __future__ import annotations

import datetime as dt
import math
from fractions import Fraction
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from queries.config import HiringParams, Parameters
from queries.model.costs import MODES, Workforce, cost_breakdown, headcount_by_mode, remote_share
from queries.model.headcount import by_site, headcount_section
from queries.model.kpi import KPIS, SPLITS, TENURE_BANDS, kpi_groups
from queries.model.reach import pool, pools, reach_multiplier, region_reach
from queries.model.scenario import Closure, RemoteTarget, Scenario, SiteChange
from queries.plan.session import PlanSession
from tests.kpi_rows import group_sums

AS_OF = dt.date(2026, 3, 31)
FAST = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])

SITES_SCHEMA = {  # queries/engines/sql/sites_active.sql
    "site_id": pl.Utf8, "name": pl.Utf8, "city": pl.Utf8, "state": pl.Utf8, "status": pl.Utf8,
    "seats": pl.Int64, "sqft": pl.Int64, "lease_annual": pl.Float64, "opex_annual": pl.Float64,
    "lease_end": pl.Date, "lease_break_fee": pl.Float64, "lat": pl.Float64, "lon": pl.Float64,
}
AGENTS_SCHEMA = {  # queries/engines/sql/workforce_on_date.sql
    "agent_id": pl.Utf8, "hire_date": pl.Date, "hourly_wage": pl.Float64, "fte": pl.Float64,
    "work_mode": pl.Utf8, "site_id": pl.Utf8, "onsite_days_per_week": pl.Float64,
}
SITE_IDS = ["BOI", "KEN", "TUL", "OKC"]
CLOSED_SITE = "OLD"  # an assignment may name a site whose status is `closed` (not in sites_active)

money = st.integers(0, 2_000_000).map(float)
dates = st.dates(dt.date(2025, 1, 1), dt.date(2030, 12, 31))


@st.composite
def site_rows(draw: st.DrawFn) -> list[dict[str, Any]]:
    ids = draw(st.lists(st.sampled_from(SITE_IDS), min_size=1, max_size=4, unique=True))
    return [{
        "site_id": site_id, "name": f"{site_id} center", "city": "City", "state": draw(st.sampled_from(["WA", "ID", "OK"])),
        "status": draw(st.sampled_from(["open", "closing"])), "seats": draw(st.integers(1, 60)),
        "sqft": draw(st.none() | st.integers(0, 50_000)), "lease_annual": draw(money), "opex_annual": draw(money),
        "lease_end": draw(st.none() | dates), "lease_break_fee": draw(st.none() | money),
        "lat": draw(st.floats(30, 48)), "lon": draw(st.floats(-122, -90)),
    } for site_id in sorted(ids)]


@st.composite
def agent_rows(draw: st.DrawFn, site_ids: list[str]) -> list[dict[str, Any]]:
    rows = []
    for i in range(draw(st.integers(0, 30))):
        mode = draw(st.sampled_from(["onsite", "onsite", "hybrid", "remote", None]))
        if mode in ("onsite", "hybrid"):
            site = draw(st.sampled_from([*site_ids, CLOSED_SITE]))
        elif mode == "remote":
            site = draw(st.none() | st.sampled_from(site_ids))
        else:
            site = None  # employed, no assignment on as-of
        rows.append({
            "agent_id": f"A{i:03d}", "hire_date": draw(st.dates(dt.date(2015, 1, 1), AS_OF)),
            "hourly_wage": draw(st.integers(1200, 4000)) / 100, "fte": draw(st.sampled_from([0.25, 0.5, 0.8, 1.0])),
            "work_mode": mode, "site_id": site,
            "onsite_days_per_week": draw(st.none() | st.integers(0, 10).map(lambda d: d / 2)) if mode == "hybrid" else None,
        })
    return rows


@st.composite
def workforces(draw: st.DrawFn) -> Workforce:
    sites = draw(site_rows())
    agents = draw(agent_rows([s["site_id"] for s in sites]))
    return Workforce(AS_OF, pl.DataFrame(sites, schema=SITES_SCHEMA), pl.DataFrame(agents, schema=AGENTS_SCHEMA))


@st.composite
def forecasts(draw: st.DrawFn) -> pl.DataFrame:
    """A few half-hour intervals of queues/sql/forecast_intervals.sql."""
    n = draw(st.integers(1, 4))
    start = dt.datetime(2026, 4, 1, 9)
    return pl.DataFrame({
        "queue": draw(st.lists(st.sampled_from(["sales", "care"]), min_size=n, max_size=n)),
        "interval_start": [start + dt.timedelta(minutes=30 * i) for i in range(n)],
        "interval_minutes": [30] * n,
        "contacts": draw(st.lists(st.integers(0, 300).map(float), min_size=n, max_size=n)),
        "aht_seconds": draw(st.lists(st.integers(60, 600).map(float), min_size=n, max_size=n)),
    }, schema={"queue": pl.Utf8, "interval_start": pl.Datetime("us"), "interval_minutes": pl.Int64,
               "contacts": pl.Float64, "aht_seconds": pl.Float64})


shares = st.sampled_from([0.0, 0.1, 0.25, 0.29, 0.5, 0.8, 1.0])


@st.composite
def scenarios(draw: st.DrawFn, site_ids: list[str]) -> Scenario:
    """Any mix of the spec's changes, on the given (open or closing) sites."""
    closed = draw(st.lists(st.sampled_from(site_ids), unique=True, max_size=len(site_ids)))
    closures = [Closure(site_id=s, close_date=draw(dates), retain_share=draw(st.none() | shares),
                        backfill_share=draw(st.none() | shares)) for s in closed]
    changed = draw(st.lists(st.sampled_from(site_ids), unique=True, max_size=2))
    site_changes = [SiteChange(site_id=s, lease_annual=draw(st.none() | money), opex_annual=draw(st.none() | money),
                               lease_break_fee=draw(st.none() | money)) for s in changed]
    target = draw(st.none() | st.builds(
        RemoteTarget, share=shares, sites=st.none() | st.lists(st.sampled_from(site_ids), unique=True, min_size=1)))
    parameters = draw(st.fixed_dictionaries({}, optional={
        "remote": st.fixed_dictionaries({}, optional={
            "stipend_monthly": st.integers(0, 200), "equipment_cost": st.integers(0, 3000),
            "wage_delta_hourly": st.integers(-3, 3),
        }),
        "plan": st.fixed_dictionaries({}, optional={"hybrid_onsite_days": st.integers(0, 5)}),
        "labor": st.fixed_dictionaries({}, optional={"paid_hours_per_fte": st.integers(1000, 2200)}),
    }))
    return Scenario.model_validate({
        "name": "random", "parameters": parameters, "closures": [c.model_dump() for c in closures],
        "remote_target": target.model_dump() if target else None,
        "site_changes": [c.model_dump() for c in site_changes],
    })


@st.composite
def workforce_and_scenario(draw: st.DrawFn) -> tuple[Workforce, Scenario]:
    workforce = draw(workforces())
    return workforce, draw(scenarios(workforce.sites["site_id"].to_list()))


@st.composite
def region_frames(draw: st.DrawFn) -> pl.DataFrame:
    n = draw(st.integers(1, 12))
    return pl.DataFrame({
        "region_id": [f"R{i:02d}" for i in range(n)],
        "name": [f"Region {i}" for i in range(n)],
        "state": draw(st.lists(st.sampled_from(["WA", "ID", "OK", "CO"]), min_size=n, max_size=n)),
        "lat": draw(st.lists(st.floats(30, 48), min_size=n, max_size=n)),
        "lon": draw(st.lists(st.floats(-122, -90), min_size=n, max_size=n)),
        "population": [1_000_000] * n,
        "labor_force": draw(st.lists(st.integers(0, 1_000_000), min_size=n, max_size=n)),
        "unemployment_rate": draw(st.lists(st.floats(0, 0.2), min_size=n, max_size=n)),
        "csr_employment": draw(st.lists(st.integers(0, 20_000), min_size=n, max_size=n)),
        "csr_median_hourly_wage": draw(st.lists(st.integers(1200, 3000).map(lambda c: c / 100), min_size=n, max_size=n)),
        "broadband_share": draw(st.lists(st.none() | st.floats(0, 1), min_size=n, max_size=n)),
        "utc_offset_hours": draw(st.lists(st.sampled_from([-8.0, -7.0, -6.0]), min_size=n, max_size=n)),
    }, schema_overrides={"population": pl.Int64, "labor_force": pl.Int64, "csr_employment": pl.Int64,
                         "broadband_share": pl.Float64})


# -- the spec's formulas, written out ----------------------------------------------------------


def spec_total(workforce: Workforce, params: Parameters) -> float:
    """Total annual cost: site annual costs + remote costs of remote and hybrid agents + labor."""
    r = params.remote
    per_remote = 12 * r.stipend_monthly + r.equipment_cost / r.equipment_life_years + r.it_security_annual
    per_hybrid = r.equipment_cost / r.equipment_life_years + r.it_security_annual
    sites = sum(s["lease_annual"] + s["opex_annual"] for s in workforce.sites.to_dicts())
    remote = sum(per_remote if a["work_mode"] == "remote" else per_hybrid if a["work_mode"] == "hybrid" else 0.0
                 for a in workforce.agents.to_dicts())
    labor = sum(a["hourly_wage"] * a["fte"] * params.labor.paid_hours_per_fte for a in workforce.agents.to_dicts())
    return sites + remote + labor


def spec_seat_demand(workforce: Workforce, params: Parameters) -> float:
    """Onsite FTE + hybrid FTE x onsite days / 5, at the open and closing sites."""
    active = set(workforce.sites["site_id"].to_list())
    demand = 0.0
    for a in workforce.agents.to_dicts():
        if a["site_id"] not in active:
            continue
        if a["work_mode"] == "onsite":
            demand += a["fte"]
        elif a["work_mode"] == "hybrid":
            days = params.plan.hybrid_onsite_days if a["onsite_days_per_week"] is None else a["onsite_days_per_week"]
            demand += a["fte"] * days / 5
    return demand


def approx(value: float) -> Any:
    return pytest.approx(value, rel=1e-9, abs=1e-6)


# -- scenarios --------------------------------------------------------------------------------


@FAST
@given(workforce_and_scenario())
def test_savings_are_baseline_total_minus_scenario_total(case: tuple[Workforce, Scenario]) -> None:
    """Annual savings = baseline total annual cost - scenario total annual cost, both by the spec's formula."""
    workforce, scenario = case
    session = PlanSession(workforce, Parameters())
    base, result = session.baseline_evaluation, session.evaluate_scenario(scenario)
    assert base.outcome.total_annual_cost == approx(spec_total(workforce, Parameters()))
    assert result.outcome.total_annual_cost == approx(spec_total(result.workforce, result.params))
    assert result.outcome.annual_savings == approx(base.outcome.total_annual_cost - result.outcome.total_annual_cost)
    savings, one_time = result.outcome.annual_savings, result.outcome.one_time_cost
    if savings > 0:
        assert result.outcome.payback_months == approx(one_time / (savings / 12))
    else:
        assert result.outcome.payback_months is None


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workforce_and_scenario(), forecasts(), st.fixed_dictionaries({}, optional={
    mode: st.integers(-30, 30).map(lambda p: p / 100) for mode in MODES}))
def test_savings_with_staffing_are_baseline_total_minus_scenario_total(
    case: tuple[Workforce, Scenario], forecast: pl.DataFrame, aht_delta: dict[str, float]
) -> None:
    """With a forecast and AHT deltas, the scenario also pays (or saves) the labor of the
    scheduled FTE beyond the baseline's need (README: "costed in the scenario's total");
    savings stay baseline total - scenario total."""
    workforce, scenario = case
    scenario = scenario.model_copy(update={"aht_delta": scenario.aht_delta.model_validate(aht_delta)})
    session = PlanSession(workforce, Parameters(), forecast=forecast)
    base, result = session.baseline_evaluation, session.evaluate_scenario(scenario)
    extra_fte = result.outcome.scheduled_fte - base.outcome.scheduled_fte
    assert result.outcome.total_annual_cost == approx(spec_total(result.workforce, result.params)
                                                      + result.outcome.staffing_labor)
    assert (result.outcome.staffing_labor == 0) == (extra_fte == 0 or float(result.workforce.agents["fte"].sum()) == 0)
    assert result.outcome.annual_savings == approx(base.outcome.total_annual_cost - result.outcome.total_annual_cost)


@FAST
@given(workforces(), region_frames(), forecasts(), st.text(min_size=1, max_size=30), st.text(max_size=30))
def test_an_empty_scenario_changes_nothing(workforce: Workforce, regions: pl.DataFrame, forecast: pl.DataFrame,
                                           name: str, description: str) -> None:
    """A scenario with a name and description but no change: every result (costs, seats,
    headcount, reach multiplier, scheduled FTE) equals the baseline's."""
    session = PlanSession(workforce, Parameters(), regions=regions, forecast=forecast)
    empty = Scenario(name=name, description=description)
    assert empty.is_empty
    base, result = session.baseline_evaluation, session.evaluate_scenario(empty)
    assert result.outcome == base.outcome
    assert result.outcome.annual_savings == 0 and result.outcome.one_time_cost == 0
    assert result.outcome.seats_freed == 0 and result.outcome.payback_months is None
    assert result.workforce.agents.equals(workforce.agents) and result.workforce.sites.equals(workforce.sites)
    assert result.site_costs.equals(base.site_costs)


@FAST
@given(workforces())
def test_a_remote_target_already_met_changes_nothing(workforce: Workforce) -> None:
    """A remote-share target at or below today's share moves nobody and costs nothing."""
    share = remote_share(workforce)
    session = PlanSession(workforce, Parameters())
    result = session.evaluate_scenario(Scenario(remote_target=RemoteTarget(share=math.floor((share or 0) * 100) / 100)))
    assert result.workforce.agents.equals(workforce.agents)
    assert result.outcome.one_time_cost == 0 and result.outcome.annual_savings == 0
    assert result.changes.notes == ()


@FAST
@given(workforce_and_scenario())
def test_closing_every_site_leaves_no_site_cost(case: tuple[Workforce, Scenario]) -> None:
    """Every open and closing site closed (on top of any other change): no site cost, no seat demand."""
    workforce, scenario = case
    everything = scenario.model_copy(update={"closures": [
        scenario.closure(s) or Closure(site_id=s, close_date=AS_OF) for s in workforce.sites["site_id"]
    ]})
    session = PlanSession(workforce, Parameters())
    result = session.evaluate_scenario(everything)
    assert float(result.site_costs["annual_cost"].sum()) == 0
    assert cost_breakdown(result.workforce, result.params).sites == 0
    assert result.outcome.seat_demand == 0
    assert result.outcome.seats_freed == approx(session.baseline_evaluation.outcome.seat_demand)
    at_closed = result.workforce.agents.filter(
        pl.col("work_mode").is_in(["onsite", "hybrid"]) & pl.col("site_id").is_in(workforce.sites["site_id"].implode()))
    assert at_closed.is_empty()


@FAST
@given(workforce_and_scenario())
def test_seats_freed_is_baseline_minus_scenario_seat_demand(case: tuple[Workforce, Scenario]) -> None:
    """Seats freed = baseline seat demand - scenario seat demand, each by the spec's formula."""
    workforce, scenario = case
    session = PlanSession(workforce, Parameters())
    base, result = session.baseline_evaluation, session.evaluate_scenario(scenario)
    assert base.outcome.seat_demand == approx(spec_seat_demand(workforce, Parameters()))
    assert result.outcome.seat_demand == approx(spec_seat_demand(result.workforce, result.params))
    assert float(result.site_costs["seat_demand"].sum()) == approx(result.outcome.seat_demand)
    assert result.outcome.seats_freed == approx(base.outcome.seat_demand - result.outcome.seat_demand)


@FAST
@given(workforces(), st.data())
def test_closing_one_site_follows_the_spec(workforce: Workforce, data: st.DataObject) -> None:
    """Close one site: n = its onsite and hybrid agents; retained = floor(retain x n) become
    remote; leavers = n - retained; hires = floor(backfill x leavers), remote; the one-time
    cost is the break fee (before lease_end; a changed fee if the scenario changes it) +
    equipment for retained and hires + hiring."""
    site = data.draw(st.sampled_from(workforce.sites.to_dicts()))
    retain, backfill = data.draw(shares), data.draw(shares)
    close_date = data.draw(dates)
    new_fee = data.draw(st.none() | money)  # a site change comes first (spec: "applied in this order")
    params = Parameters()
    session = PlanSession(workforce, params)
    result = session.evaluate_scenario(Scenario(
        closures=[Closure(site_id=site["site_id"], close_date=close_date, retain_share=retain, backfill_share=backfill)],
        site_changes=[SiteChange(site_id=site["site_id"], lease_break_fee=new_fee)] if new_fee is not None else [],
    ))
    if new_fee is not None:
        site["lease_break_fee"] = new_fee

    agents = workforce.agents.to_dicts()
    n = sum(1 for a in agents if a["site_id"] == site["site_id"] and a["work_mode"] in ("onsite", "hybrid"))
    retained = math.floor(Fraction(str(retain)) * n)  # exact, as by hand: 0.29 x 100 = 29
    leavers = n - retained
    hires = math.floor(Fraction(str(backfill)) * leavers)
    fee = (site["lease_break_fee"] or 0.0) if site["lease_end"] is not None and close_date < site["lease_end"] else 0.0
    assert (result.changes.moved_to_remote, result.changes.leavers, result.changes.hires) == (retained, leavers, hires)
    assert result.outcome.one_time_cost == approx(
        fee + params.remote.equipment_cost * (retained + hires) + params.hiring.cost_per_hire * hires)

    before, after = headcount_by_mode(workforce), headcount_by_mode(result.workforce)
    assert after["remote"]["headcount"] == before["remote"]["headcount"] + retained + hires
    assert sum(m["headcount"] for m in after.values()) == sum(m["headcount"] for m in before.values()) - leavers + hires
    assert site["site_id"] not in result.workforce.sites["site_id"].to_list()


@FAST
@given(workforces(), shares, st.data())
def test_a_remote_target_is_reached_or_said_to_be_out_of_reach(workforce: Workforce, target: float,
                                                                 data: st.DataObject) -> None:
    """Onsite agents become remote until remote share >= target, or no onsite agent is left
    at the chosen sites, and then a note says so. Nobody moves beyond the target, hybrid
    agents never move, and each move costs the equipment once."""
    sites = data.draw(st.none() | st.lists(st.sampled_from(workforce.sites["site_id"].to_list()), unique=True, min_size=1))
    params = Parameters()
    result = PlanSession(workforce, params).evaluate_scenario(Scenario(remote_target=RemoteTarget(share=target, sites=sites)))
    before, after = headcount_by_mode(workforce), headcount_by_mode(result.workforce)
    assigned = sum(m["headcount"] for m in before.values())
    needed = max(0, math.ceil(Fraction(str(target)) * assigned) - before["remote"]["headcount"])
    eligible = set(sites or workforce.sites["site_id"].to_list())
    movable = sum(1 for a in workforce.agents.to_dicts() if a["work_mode"] == "onsite" and a["site_id"] in eligible)
    moved = after["remote"]["headcount"] - before["remote"]["headcount"]
    assert moved == min(needed, movable)
    assert after["hybrid"] == before["hybrid"]
    assert result.outcome.one_time_cost == approx(moved * params.remote.equipment_cost)
    # Who moves: lowest-utilization sites first, agents in agent_id order within a site.
    was = {a["agent_id"]: a for a in workforce.agents.to_dicts()}
    moved_ids = {a["agent_id"] for a in result.workforce.agents.to_dicts()
                 if a["work_mode"] == "remote" and was[a["agent_id"]]["work_mode"] != "remote"}
    seats = dict(workforce.sites.select("site_id", "seats").iter_rows())
    utilization, taken, onsite = {}, {}, {}
    for site_id in eligible:
        one_site = Workforce(AS_OF, workforce.sites.filter(pl.col("site_id") == site_id), workforce.agents)
        utilization[site_id] = spec_seat_demand(one_site, params) / seats[site_id]
        onsite[site_id] = sorted(i for i, a in was.items() if a["work_mode"] == "onsite" and a["site_id"] == site_id)
        taken[site_id] = [i for i in onsite[site_id] if i in moved_ids]
        assert taken[site_id] == onsite[site_id][: len(taken[site_id])]
    assert sum(len(t) for t in taken.values()) == moved
    for a in eligible:
        for b in eligible:
            if a != b and taken[a] and len(taken[b]) < len(onsite[b]):
                assert utilization[a] <= utilization[b] + 1e-9, (a, b)
    if movable < needed:
        assert any("not reached" in note for note in result.changes.notes)
    else:
        assert result.changes.notes == ()
        assert assigned == 0 or Fraction(after["remote"]["headcount"], assigned) >= Fraction(str(target))


# -- headcount ----------------------------------------------------------------------------------

NO_TREND = pl.DataFrame(schema={"month": pl.Date, "onsite": pl.Int64, "hybrid": pl.Int64, "remote": pl.Int64,
                                "hires": pl.Int64, "leavers": pl.Int64})


@FAST
@given(workforce_and_scenario())
def test_headcount_by_mode_sums_to_total_headcount(case: tuple[Workforce, Scenario]) -> None:
    """On the baseline and after any scenario: the modes add up to the headcount (agents with
    an assignment on as-of), and so do the sites; FTE likewise; remote share = remote / total."""
    workforce, scenario = case
    for wf in (workforce, PlanSession(workforce, Parameters()).evaluate_scenario(scenario).workforce):
        section = headcount_section(wf, NO_TREND)
        assigned = wf.agents.filter(pl.col("work_mode").is_not_null())
        total = section["total"]
        assert total["headcount"] == sum(m["headcount"] for m in section["by_mode"].values()) == assigned.height
        assert total["fte"] == approx(float(assigned["fte"].sum()))
        sites = by_site(wf)
        for mode in MODES:
            assert int(sites[mode].sum()) == section["by_mode"][mode]["headcount"]
        if total["headcount"]:
            assert section["remote_share"] == approx(section["by_mode"]["remote"]["headcount"] / total["headcount"])
        else:
            assert section["remote_share"] is None


# -- hiring reach -------------------------------------------------------------------------------


@FAST
@given(region_frames(), workforces(), st.floats(0, 2000), st.floats(0, 2000))
def test_reach_never_shrinks_when_the_radius_grows(regions: pl.DataFrame, workforce: Workforce, a: float, b: float) -> None:
    """A larger commute radius keeps every region a smaller one reaches, so the onsite pool
    never shrinks; the remote reach does not depend on the radius."""
    small, large = sorted((a, b))
    near = region_reach(regions, workforce.sites, HiringParams(commute_radius_km=small))
    far = region_reach(regions, workforce.sites, HiringParams(commute_radius_km=large))
    inside = set(near.filter("in_onsite_reach")["region_id"])
    assert inside <= set(far.filter("in_onsite_reach")["region_id"])
    (onsite_near, remote_near), (onsite_far, remote_far) = pools(near), pools(far)
    assert onsite_far.regions >= onsite_near.regions
    assert onsite_far.experienced_pool >= onsite_near.experienced_pool
    assert onsite_far.available_pool >= onsite_near.available_pool - 1e-6
    assert remote_far == remote_near
    if reach_multiplier(onsite_far, remote_far) is not None and reach_multiplier(onsite_near, remote_near) is not None:
        assert reach_multiplier(onsite_far, remote_far) <= reach_multiplier(onsite_near, remote_near) + 1e-12


@FAST
@given(region_frames(), workforce_and_scenario())
def test_a_scenario_never_reaches_more_onsite_regions_than_its_open_sites(
    regions: pl.DataFrame, case: tuple[Workforce, Scenario]
) -> None:
    """Closing sites can only shrink onsite reach; the scenario's reach multiplier is the one
    of its own open sites."""
    workforce, scenario = case
    session = PlanSession(workforce, Parameters(), regions=regions)
    base, result = session.baseline_evaluation, session.evaluate_scenario(scenario)
    assert set(result.reach.filter("in_onsite_reach")["region_id"]) <= set(base.reach.filter("in_onsite_reach")["region_id"])
    onsite, remote = pools(result.reach)
    assert result.outcome.reach_multiplier == reach_multiplier(onsite, remote)
    assert onsite == pool(regions.filter(pl.col("region_id").is_in(
        result.reach.filter("in_onsite_reach")["region_id"].implode())))


# -- KPIs: the privacy floor --------------------------------------------------------------------

KPI_SUMS = ["contacts", "handle_seconds", "fcr_eligible", "fcr_resolved", "csat_responses", "csat_points",
            "qa_evaluations", "qa_points", "scheduled_minutes", "adherent_minutes", "fraud_incidents"]


@st.composite
def kpi_inputs(draw: st.DrawFn) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Per-agent KPI rows (made into group rows by tests/kpi_rows.py) and attrition_inputs rows
    for up to 30 agents in random groups."""
    rows = []
    for _ in range(draw(st.integers(1, 60))):
        contacts = draw(st.integers(0, 200))
        rows.append({
            "agent_id": f"A{draw(st.integers(0, 29)):02d}",
            "work_mode": draw(st.sampled_from(MODES)), "site_id": draw(st.sampled_from(["KEN", "BOI", "TUL", None])),
            "month": draw(st.sampled_from([dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)])),
            "tenure_band": draw(st.sampled_from(TENURE_BANDS)),
            "contacts": contacts, "handle_seconds": float(contacts * 300), "fcr_eligible": contacts,
            "fcr_resolved": contacts // 2, "csat_responses": contacts // 10, "csat_points": float(contacts // 10 * 4),
            "qa_evaluations": 1, "qa_points": 80.0, "scheduled_minutes": 480.0, "adherent_minutes": 450.0,
            "fraud_incidents": 0,
        })
    sums = pl.DataFrame(rows, schema={
        "agent_id": pl.Utf8, "work_mode": pl.Utf8, "site_id": pl.Utf8, "month": pl.Date, "tenure_band": pl.Utf8,
        **{c: (pl.Float64 if c.endswith(("seconds", "points", "minutes")) else pl.Int64) for c in KPI_SUMS},
    })
    keys = sums.select("work_mode", "site_id", "tenure_band", "month").unique()
    attrition = keys.with_columns(agent_days=pl.lit(90, dtype=pl.Int64),
                                  leavers=pl.Series(draw(st.lists(st.integers(0, 3), min_size=keys.height,
                                                                  max_size=keys.height)), dtype=pl.Int64))
    return sums, attrition


SPLIT_SETS = [[], ["site_id"], ["tenure_band"], ["month"], ["site_id", "tenure_band"], ["site_id", "month"],
              ["tenure_band", "month"], list(SPLITS)]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kpi_inputs(), st.sampled_from(SPLIT_SETS), st.integers(1, 8))
def test_suppression_never_shows_a_group_below_the_floor(inputs: tuple[pl.DataFrame, pl.DataFrame], by: list[str],
                                                         floor: int) -> None:
    """No shown group has fewer than `privacy.min_group_agents` distinct agents; a suppressed
    group shows no figure; no line of a split has exactly one suppressed cell beside shown
    ones (it would be its parent total minus the shown cells)."""
    sums, attrition = inputs
    groups = kpi_groups(group_sums(sums, [by]), attrition, by, floor)
    keys = ["work_mode", *by]
    true_agents = sums.group_by(keys).agg(true_agents=pl.col("agent_id").n_unique())
    checked = groups.join(true_agents, on=keys, how="left", nulls_equal=True)
    assert checked.height == true_agents.height  # one row per group, none lost
    shown = checked.filter(~pl.col("suppressed"))
    assert (shown["true_agents"] >= floor).all()
    assert (shown["agents"] == shown["true_agents"]).all()
    hidden = checked.filter(pl.col("suppressed"))
    for figure in ["agents", "contacts", *KPIS, "attrition_annualized"]:
        assert hidden[figure].null_count() == hidden.height
    for split in by:
        parent = [k for k in keys if k != split]
        lines = groups.group_by(parent).agg(hidden=pl.col("suppressed").sum(), shown=(~pl.col("suppressed")).sum())
        assert lines.filter((pl.col("hidden") == 1) & (pl.col("shown") > 0)).is_empty()
