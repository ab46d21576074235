"""The employee's side of remote work: the commute it saves the agents (spec/model.md, "Commute").

Pure polars over a `Workforce` and the `regions` table. An agent with an onsite or hybrid
assignment at an open or closing site commutes from the centroid of their home region:
km, hours, cost and CO2 a year. Agents without a home region, and agents whose home region
is too far for a daily commute, are counted apart and shown, never silently dropped. A
scenario's commute is the same computation over the scenario's workforce, so agents who
become remote, leave or are replaced by remote hires stop commuting.

Individual agents' rows (`commuters`) exist only to be summed here: no screen or report
lists them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import polars as pl

from queries.config import Parameters
from queries.model.reach import haversine_km

if TYPE_CHECKING:
    from queries.model.costs import Workforce

COUNTED, WITHOUT_HOME, TOO_FAR = "counted", "without_home", "too_far"
FIGURES = ("agents", "agents_without_home", "agents_too_far", "km", "hours", "cost", "co2_tonnes")


@dataclass(frozen=True)
class CommuteTotals:
    """A year of commuting, summed over the agents who commute (the report's `commute`)."""

    agents: int
    agents_without_home: int
    agents_too_far: int
    km: float
    hours: float
    cost: float
    co2_tonnes: float

    def as_report(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in FIGURES}


@dataclass(frozen=True)
class Commute:
    """The totals and the same figures per open or closing site (every site has a row)."""

    totals: CommuteTotals
    sites: pl.DataFrame  # site_id and FIGURES, sorted by site_id


def commuters(workforce: Workforce, regions: pl.DataFrame, params: Parameters) -> pl.DataFrame:
    """One row per agent with an onsite or hybrid assignment at an open or closing site:
    `site_id`, `work_mode`, `status` (counted, without_home, too_far), `straight_km` (home
    region centroid to site, great-circle), `one_way_km`, `commute_days`, and the year's
    `km`, `hours`, `cost`, `co2_kg` (0 unless counted)."""
    c = params.commute
    agents = workforce.agents
    if "home_region" not in agents.columns:  # a workforce built without home regions: none known
        agents = agents.with_columns(home_region=pl.lit(None, dtype=pl.Utf8))
    at_site = agents.filter(pl.col("work_mode").is_in(["onsite", "hybrid"]) & pl.col("site_id").is_not_null())
    sites = workforce.sites.select("site_id", site_lat="lat", site_lon="lon")
    homes = regions.select(home_region="region_id", home_lat="lat", home_lon="lon")
    straight = haversine_km(pl.col("home_lat"), pl.col("home_lon"), pl.col("site_lat"), pl.col("site_lon"))
    days_a_week = (
        pl.when(pl.col("work_mode") == "onsite").then(pl.lit(5.0))
        .otherwise(pl.col("onsite_days_per_week").fill_null(params.plan.hybrid_onsite_days))
    )
    counted = pl.col("status") == COUNTED
    return (
        # An agent at a site that is not open or closing (a `closed` one) has no site to
        # commute to in the plan; the inner join leaves them out, as seat demand does.
        at_site.select("agent_id", "site_id", "work_mode", "onsite_days_per_week", "home_region")
        .join(sites, on="site_id", how="inner")
        # A home region the regions table does not know (the contract check rejects it)
        # has no centroid: it counts as no home region.
        .join(homes, on="home_region", how="left")
        .with_columns(straight_km=straight)
        .with_columns(
            status=pl.when(pl.col("straight_km").is_null()).then(pl.lit(WITHOUT_HOME))
            .when(pl.col("straight_km") > c.max_km).then(pl.lit(TOO_FAR))
            .otherwise(pl.lit(COUNTED)),
            one_way_km=pl.max_horizontal(pl.col("straight_km") * c.road_factor, pl.lit(c.min_one_way_km)),
            commute_days=days_a_week * c.work_weeks,
        )
        .with_columns(km=pl.when(counted).then(2 * pl.col("one_way_km") * pl.col("commute_days")).otherwise(0.0))
        .with_columns(
            hours=pl.col("km") / c.speed_kmh,
            cost=pl.col("km") * c.cost_per_km,
            co2_kg=pl.col("km") * c.co2_kg_per_km,
        )
        .select("agent_id", "site_id", "work_mode", "home_region", "status", "straight_km", "one_way_km",
                "commute_days", "km", "hours", "cost", "co2_kg")
        .sort("agent_id")
    )


def _sums() -> list[pl.Expr]:
    return [
        (pl.col("status") == COUNTED).sum().cast(pl.Int64).alias("agents"),
        (pl.col("status") == WITHOUT_HOME).sum().cast(pl.Int64).alias("agents_without_home"),
        (pl.col("status") == TOO_FAR).sum().cast(pl.Int64).alias("agents_too_far"),
        pl.col("km").sum().cast(pl.Float64).alias("km"),
        pl.col("hours").sum().cast(pl.Float64).alias("hours"),
        pl.col("cost").sum().cast(pl.Float64).alias("cost"),
        (pl.col("co2_kg").sum().cast(pl.Float64) / 1000).alias("co2_tonnes"),
    ]


def commute(workforce: Workforce, regions: pl.DataFrame, params: Parameters) -> Commute:
    """The year's commute of `workforce` in total and per open or closing site."""
    rows = commuters(workforce, regions, params)
    totals = rows.select(_sums()).row(0, named=True)
    per_site = rows.group_by("site_id").agg(_sums())
    zeros = {name: 0 if name.startswith("agents") else 0.0 for name in FIGURES}
    sites = (
        workforce.sites.select("site_id")
        .join(per_site, on="site_id", how="left")
        .with_columns(pl.col(name).fill_null(value) for name, value in zeros.items())
        .sort("site_id")
    )
    return Commute(CommuteTotals(**totals), sites)


def commute_section(baseline: Commute) -> dict[str, Any]:
    """The report's `commute` key: the baseline's year of commuting, and per site what the
    agents there would stop commuting if the site closed."""
    return {**baseline.totals.as_report(), "sites": baseline.sites.to_dicts()}


def with_site_commute(rows: pl.DataFrame, scenario: Commute | None, baseline: Commute | None, closed: list[str]) -> pl.DataFrame:
    """The rows with each site's commute figures (`commute_km`, `commute_cost`, ...): the
    scenario's for a site it keeps, the baseline's for one it closes (what closing saves its
    agents). Null without regions to locate home regions."""
    columns = {name: f"commute_{name}" for name in FIGURES}
    if scenario is None or baseline is None:
        return rows.with_columns(pl.lit(None, dtype=pl.Float64).alias(column) for column in columns.values())
    per_site = pl.concat([scenario.sites, baseline.sites.filter(pl.col("site_id").is_in(closed))])
    return rows.join(per_site.rename(columns), on="site_id", how="left", maintain_order="left")

