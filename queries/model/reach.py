"""Hiring reach (spec/model.md, "Hiring reach"): which regions a site or a remote policy can hire from.

Pure polars functions over the `regions` table and a frame of sites. The caller decides
which sites hire onsite: for a scenario that is `hiring_sites` of its workforce's sites
(status `open`, the ones it closes removed), so closing a site shrinks onsite reach while
remote reach, which depends only on the hiring policy, stays the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from queries.config import HiringParams

EARTH_RADIUS_KM = 6371.0088
# A region whose centroid lies exactly on the commute radius is inside. Two routes to the
# same distance (the haversine here, a planner's R x angle by hand) can differ in the last
# bits of a float, so "exactly" is taken to within a millimetre.
_ON_RADIUS_KM = 1e-6


def haversine_km(lat1: pl.Expr, lon1: pl.Expr, lat2: pl.Expr, lon2: pl.Expr) -> pl.Expr:
    """Great-circle distance in km between points given in degrees."""
    dlat = (lat2 - lat1).radians()
    dlon = (lon2 - lon1).radians()
    h = (dlat / 2).sin() ** 2 + lat1.radians().cos() * lat2.radians().cos() * (dlon / 2).sin() ** 2
    # Rounding can push h a hair above 1 for antipodal points, where arcsin is undefined.
    return 2 * EARTH_RADIUS_KM * h.clip(upper_bound=1.0).sqrt().arcsin()


def region_reach(regions: pl.DataFrame, sites: pl.DataFrame, hiring: HiringParams) -> pl.DataFrame:
    """One row per region: its columns plus `nearest_site_id`, `nearest_site_km` (null
    without sites), `available_pool`, `in_onsite_reach` and `in_remote_reach`.

    `sites` are the sites that count as open (needs `site_id`, `lat`, `lon`). A region is in
    onsite reach when its nearest site is within `commute_radius_km`, which is the same as
    "within the radius of at least one site" and counts a region near two sites once. Of
    two sites at the same distance the nearest is the lower `site_id`.
    """
    site_points = sites.select("site_id", site_lat="lat", site_lon="lon")
    distances = regions.select("region_id", "lat", "lon").join(site_points, how="cross").with_columns(
        km=haversine_km(pl.col("lat"), pl.col("lon"), pl.col("site_lat"), pl.col("site_lon"))
    )
    nearest = (
        distances.sort(["region_id", "km", "site_id"])
        .group_by("region_id", maintain_order=True)
        .agg(nearest_site_id=pl.col("site_id").first(), nearest_site_km=pl.col("km").first())
    )
    return (
        regions.join(nearest, on="region_id", how="left")
        .with_columns(
            available_pool=pl.col("labor_force") * pl.col("unemployment_rate"),
            in_onsite_reach=(pl.col("nearest_site_km") <= hiring.commute_radius_km + _ON_RADIUS_KM).fill_null(False),
            in_remote_reach=remote_policy(hiring),
        )
        .sort("region_id")
    )


def hiring_sites(sites: pl.DataFrame) -> pl.DataFrame:
    """The sites that hire onsite: status `open` (a `closing` site hires no one). `sites` are
    a workforce's sites, from which a scenario has already removed the sites it closes."""
    return sites.filter(pl.col("status") == "open")


def remote_policy(hiring: HiringParams) -> pl.Expr:
    """True for a region where remote agents may be hired: every policy filter passes."""
    minimum = hiring.min_broadband_share
    # A region without broadband figures cannot show it meets a minimum, only the absence of one.
    checks = [(pl.col("broadband_share") >= minimum).fill_null(minimum == 0)]
    if hiring.allowed_states:  # state codes in any case: "az" is Arizona too
        checks.append(pl.col("state").str.to_uppercase().is_in([s.upper() for s in hiring.allowed_states]))
    if hiring.utc_offsets:
        checks.append(pl.col("utc_offset_hours").is_in(hiring.utc_offsets))
    if hiring.max_median_wage is not None:
        checks.append(pl.col("csr_median_hourly_wage") <= hiring.max_median_wage)
    return pl.all_horizontal(checks)


def unknown_states(states: list[str], regions: pl.DataFrame) -> tuple[list[str], list[str]]:
    """The codes in `states` that no region has (any case), and the codes the regions have,
    both in capitals: a policy naming a state the data lacks would silently match nothing."""
    known = sorted({str(s).upper() for s in regions.get_column("state").drop_nulls().to_list()})
    return [s.upper() for s in states if s.upper() not in known], known


@dataclass(frozen=True)
class Pool:
    """The people a set of regions offers: experienced CSRs and the unemployed labor force."""

    regions: int
    experienced_pool: int
    available_pool: float
    median_wage: float | None

    def as_report(self) -> dict[str, Any]:
        return {
            "regions": self.regions,
            "experienced_pool": self.experienced_pool,
            "available_pool": self.available_pool,
            "median_wage": self.median_wage,
        }


def pool(rows: pl.DataFrame) -> Pool:
    """The pool of a set of regions (rows of `regions`, e.g. filtered `region_reach`).

    Median wage: regions sorted by `csr_median_hourly_wage` ascending, their `csr_employment`
    summed in that order; the answer is the wage of the first region where the running sum
    reaches half the total (running sum >= total / 2). It is always one region's wage, never
    an average of two: with 500, 300, 200 people at 15, 20, 25 USD the running sum hits 500
    of 1,000 at 15, so the median wage is 15. Regions with equal wages may be summed in any
    order, as any of them gives the same wage. None when the regions employ no CSRs at all
    (no rows, or every `csr_employment` 0): there is nobody to take a median of.
    """
    experienced = int(rows["csr_employment"].sum())
    available = float((rows["labor_force"] * rows["unemployment_rate"]).sum())
    median_wage = None
    if experienced > 0:
        by_wage = rows.sort("csr_median_hourly_wage").with_columns(running=pl.col("csr_employment").cum_sum())
        # Compare 2 x running with the total to stay in integers: half of an odd total is not.
        median_wage = float(by_wage.filter(2 * pl.col("running") >= experienced)["csr_median_hourly_wage"][0])
    return Pool(regions=rows.height, experienced_pool=experienced, available_pool=available, median_wage=median_wage)


def reach_multiplier(onsite: Pool, remote: Pool) -> float | None:
    """Remote experienced pool / onsite experienced pool; None when no site reaches any CSR."""
    if onsite.experienced_pool == 0:
        return None
    return remote.experienced_pool / onsite.experienced_pool


def pools(regions_reach: pl.DataFrame) -> tuple[Pool, Pool]:
    """The onsite and the remote pool from the output of `region_reach`."""
    return pool(regions_reach.filter("in_onsite_reach")), pool(regions_reach.filter("in_remote_reach"))


def reach_section(regions_reach: pl.DataFrame) -> dict[str, Any]:
    """The report's `reach` key from the output of `region_reach`."""
    onsite, remote = pools(regions_reach)
    return {
        "onsite": onsite.as_report(),
        "remote": remote.as_report(),
        "reach_multiplier": reach_multiplier(onsite, remote),
        "regions": regions_reach.select(
            "region_id", "nearest_site_km", "in_onsite_reach", "in_remote_reach"
        ).to_dicts(),
    }
