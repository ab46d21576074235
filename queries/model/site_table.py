"""The Site costs table's figures: each site under a scenario, the sites it closes, the totals.

The screen (tui/screens/site_costs.py) and its export show these rows as they are; it only
names, filters, sorts and formats them. The totals are the sites the scenario keeps open,
so a closed site's row keeps its baseline figures (what closing it saves) without counting
twice; seats, seat demand, annual cost and utilization are `site_totals`, as in the report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import polars as pl

from queries.model.commute import Commute, with_site_commute
from queries.model.costs import site_totals


def site_rows(
    scenario_costs: pl.DataFrame, baseline_costs: pl.DataFrame, closures: Mapping[str, dt.date],
    scenario_commute: Commute | None, baseline_commute: Commute | None,
) -> pl.DataFrame:
    """The scenario's site costs (`closes` null), then each site it closes with its baseline
    figures and `closes` = its close date; with every site's commute figures (`commute_*`):
    the scenario's for a site it keeps, the baseline's for one it closes."""
    rows = pl.concat([
        scenario_costs.with_columns(closes=pl.lit(None, dtype=pl.Date)),
        baseline_costs.filter(pl.col("site_id").is_in(list(closures))).with_columns(
            closes=pl.col("site_id").replace_strict(dict(closures), default=None, return_dtype=pl.Date)
        ),
    ])
    return with_site_commute(rows, scenario_commute, baseline_commute, list(closures))


def site_total(rows: pl.DataFrame) -> dict[str, Any]:
    """The totals of `rows` (from `site_rows`, maybe filtered) over the sites kept open:
    `open_sites` and `closed_sites` (left out), sums of seats, demand, lease, opex, annual
    cost, onsite and hybrid agents and commute cost (None when no site has one), utilization
    = demand / seats, cost per seat = annual cost / seats, per seat used = annual cost / demand
    (None when the divisor is 0)."""
    open_rows = rows.filter(pl.col("closes").is_null())
    totals = site_totals(open_rows)
    seats, demand, cost = totals["seats"], totals["seat_demand"], totals["annual_cost"]
    assert cost is not None  # a sum; only utilization is ever None
    commute = open_rows["commute_cost"]
    return {
        "open_sites": len(open_rows),
        "closed_sites": len(rows) - len(open_rows),
        "lease_annual": open_rows["lease_annual"].sum(),
        "opex_annual": open_rows["opex_annual"].sum(),
        "cost_per_seat": cost / seats if seats else None,
        "cost_per_seat_used": cost / demand if demand else None,
        "agents_onsite": int(open_rows["agents_onsite"].sum()),
        "agents_hybrid": int(open_rows["agents_hybrid"].sum()),
        "commute_cost": commute.sum() if commute.null_count() < len(open_rows) else None,
        **totals,
    }
