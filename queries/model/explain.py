"""The `x` key: each site figure as the spec's formula with this site's numbers in it.

A planner checking a number by hand reads the formula, the inputs and the result in the
same units the screen shows.
"""

from __future__ import annotations

from typing import Any

from queries.config import Parameters
from queries.format import count, money, number, plain, share
from queries.model.commute import CommuteTotals
from queries.model.costs import average_wage, cost_breakdown, remote_cost_per_agent

SITE_FIGURES = (
    "seats", "seat_demand", "utilization", "lease_annual", "opex_annual", "annual_cost",
    "cost_per_seat", "cost_per_seat_used", "lease_end", "agents_onsite", "agents_hybrid", "commute_cost",
)


def explain_site_figure(site: dict[str, Any], figure: str, params: Parameters) -> list[str]:
    """Lines explaining `figure` of one row of `model.site_costs`."""
    if figure == "commute_cost":
        return explain_site_commute(site, params)
    s = site
    days = plain(params.plan.hybrid_onsite_days)
    lines: dict[str, list[str]] = {
        "seats": [f"Seats = {number(s['seats'], 0)}, from sites.seats."],
        "seat_demand": [
            "Seat demand = sum of onsite FTE + sum of hybrid FTE x onsite days per week / 5,",
            "over the assignments on the as-of date.",
            f"A hybrid assignment without onsite days counts {days} days (plan.hybrid_onsite_days).",
            f"{s['site_id']}: {s['agents_onsite']} onsite and {s['agents_hybrid']} hybrid agents "
            f"= {number(s['seat_demand'], 2)} seats.",
        ],
        "utilization": [
            "Utilization = seat demand / seats",
            f"= {number(s['seat_demand'], 2)} / {number(s['seats'], 0)} = {share(s['utilization'])}",
        ],
        "lease_annual": [f"Lease = {money(s['lease_annual'])} per year, from sites.lease_annual (or the scenario)."],
        "opex_annual": [
            f"Opex = {money(s['opex_annual'])} per year, from sites.opex_annual (or the scenario):",
            "utilities, security, facilities staff, site IT.",
        ],
        "annual_cost": [
            "Site annual cost = lease + opex",
            f"= {money(s['lease_annual'])} + {money(s['opex_annual'])} = {money(s['annual_cost'])}",
        ],
        "cost_per_seat": [
            "Cost per seat = site annual cost / seats",
            f"= {money(s['annual_cost'])} / {number(s['seats'], 0)} = {money(s['cost_per_seat'])}",
        ],
        "cost_per_seat_used": [
            "Cost per seat used = site annual cost / seat demand (n/a when no seat is used)",
            f"= {money(s['annual_cost'])} / {number(s['seat_demand'], 2)} = {money(s['cost_per_seat_used'])}",
        ],
        "lease_end": [
            f"Lease end = {s['lease_end'] or 'not set'}, from sites.lease_end.",
            "Closing before it costs the lease break fee once.",
        ],
        "agents_onsite": [f"Onsite agents = {s['agents_onsite']}: employed agents whose assignment on as-of is onsite here."],
        "agents_hybrid": [f"Hybrid agents = {s['agents_hybrid']}: employed agents whose assignment on as-of is hybrid here."],
    }
    return lines.get(figure, [f"{figure}: no explanation."])


def explain_site_commute(site: dict[str, Any], params: Parameters) -> list[str]:
    """The agents' commute to one site: the rule, the parameters and the site's sums.

    `site` holds the site's `commute_*` figures (queries.model.commute), None without regions.
    """
    c, s = params.commute, site
    if s.get("commute_km") is None:
        return ["Commute: no regions table to locate the agents' home regions."]
    return [
        "The commute of the site's onsite and hybrid agents, a year:",
        f"  one way = max(great-circle km from home region to site x {plain(c.road_factor)},",
        f"                {plain(c.min_one_way_km)} km)   (commute.road_factor, commute.min_one_way_km)",
        f"  days    = 5 x {plain(c.work_weeks)} weeks onsite; hybrid: onsite days a week x {plain(c.work_weeks)}",
        f"            (no onsite days given: {plain(params.plan.hybrid_onsite_days)}, plan.hybrid_onsite_days)",
        "  km      = 2 x one way x days",
        f"  hours   = km / {plain(c.speed_kmh)} km/h;  cost = km x {plain(c.cost_per_km)} USD;"
        f"  CO2 = km x {plain(c.co2_kg_per_km)} kg",
        "",
        f"{s['site_id']}: {s['commute_agents']} agents commute {number(s['commute_km'], 0)} km a year:"
        f" {number(s['commute_hours'], 0)} hours,",
        f"  {money(s['commute_cost'])} and {number(s['commute_co2_tonnes'], 1)} t CO2.",
        f"Counted apart: {s['commute_agents_without_home']} without a home region, {s['commute_agents_too_far']}"
        " whose home region lies",
        f"  more than {plain(c.max_km)} km away (commute.max_km: no daily commute).",
        "",
        "Closing the site saves its agents all of it: retained agents and",
        "remote hires work from home, leavers leave.",
    ]


def explain_remote_costs(params: Parameters) -> list[str]:
    r = params.remote
    return [
        "Remote cost per remote agent = 12 x stipend + equipment / life + IT security",
        f"= 12 x {money(r.stipend_monthly)} + {money(r.equipment_cost)} / {plain(r.equipment_life_years)}"
        f" + {money(r.it_security_annual)} = {money(remote_cost_per_agent(params, 'remote'))} per year",
        f"Per hybrid agent (no stipend) = {money(remote_cost_per_agent(params, 'hybrid'))} per year",
    ]


def explain_outcome(baseline: Any, scenario: Any) -> list[str]:
    """Total annual cost, savings, one-time cost and payback with their parts.

    `baseline` and `scenario` are `session.Evaluation`s.
    """
    lines: list[str] = []
    for title, ev in (("Baseline", baseline), ("Scenario", scenario)):
        params, cost = ev.params, cost_breakdown(ev.workforce, ev.params)
        # With a forecast the total also holds the labor of FTE the scenario schedules beyond
        # the baseline's need (costs.outcome); the total printed is the one savings use.
        staffing = ev.outcome.scheduled_fte is not None and ev is scenario
        lines += [
            f"{title}: total annual cost = site costs + remote costs + labor" + (" + staffing" if staffing else ""),
            f"  site costs   {money(cost.sites):>14}  lease + opex of {ev.workforce.sites.height} open and closing sites",
            f"  remote costs {money(cost.remote):>14}  {cost.remote_agents:,} remote x "
            f"{money(remote_cost_per_agent(params, 'remote'))} + {cost.hybrid_agents:,} hybrid x "
            f"{money(remote_cost_per_agent(params, 'hybrid'))}",
            f"  labor        {money(cost.labor):>14}  wage x FTE x {plain(params.labor.paid_hours_per_fte)} h, summed",
        ]
        if staffing:
            extra = ev.outcome.scheduled_fte - baseline.outcome.scheduled_fte
            # The average wage with 4 decimals, so that the product checks by hand to the dollar or so.
            lines.append(
                f"  staffing     {money(ev.outcome.staffing_labor):>14}  {extra:+,} FTE vs baseline x "
                f"${average_wage(ev.workforce):,.4f}/h x {plain(params.labor.paid_hours_per_fte)} h"
            )
        lines += [f"  total        {money(ev.outcome.total_annual_cost):>14}", ""]
    out, changes = scenario.outcome, scenario.changes
    lines += [
        "Annual savings = baseline total - scenario total",
        f"  = {money(baseline.outcome.total_annual_cost)} - {money(out.total_annual_cost)} = {money(out.annual_savings)}",
        "",
        "One-time cost = lease break fees + equipment + hiring",
        f"  = {money(changes.break_fees)} + {money(changes.equipment)} + {money(changes.hiring)} = {money(out.one_time_cost)}",
        f"  ({changes.moved_to_remote} agents moved to remote, {changes.hires} hired remote, {changes.leavers} leave)",
        "",
        "Payback months = one-time cost / (annual savings / 12); n/a when savings <= 0",
        f"  = {number(out.payback_months, 1)}",
        "",
        *explain_remote_costs(scenario.params),
    ]
    return lines + explain_commute_saved(baseline.outcome.commute, out.commute)


def explain_commute_saved(baseline: CommuteTotals | None, scenario: CommuteTotals | None) -> list[str]:
    """The agents' side: baseline commute minus the scenario's, figure by figure."""
    if baseline is None or scenario is None:
        return []
    rows = [("km", baseline.km, scenario.km, 0), ("hours", baseline.hours, scenario.hours, 0),
            ("CO2 t", baseline.co2_tonnes, scenario.co2_tonnes, 1)]
    lines = [
        "",
        "Commute saved a year (the agents' side) = baseline - scenario",
        f"  cost   {money(baseline.cost):>14} - {money(scenario.cost):>14} = {money(baseline.cost - scenario.cost)}",
    ]
    lines += [f"  {label:<6} {number(b, d):>14} - {number(s, d):>14} = {number(b - s, d)}" for label, b, s, d in rows]
    lines += [
        f"  agents commuting: {count(baseline.agents)} in the baseline, {count(scenario.agents)} in the scenario",
        f"  counted apart: without a home region {count(baseline.agents_without_home)} and"
        f" {count(scenario.agents_without_home)},",
        f"  home region too far to commute daily {count(baseline.agents_too_far)} and {count(scenario.agents_too_far)}",
    ]
    return lines
