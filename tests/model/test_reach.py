"""Hiring reach against numbers computed by hand.

Distances: one degree of a great circle is 6371.0088 x pi / 180 = 111.19508 km. For short
distances a planner's hand check is the flat-earth one: degrees apart = sqrt(dlat^2 +
(dlon x cos(mean lat))^2), times 111.19508 km.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from queries.config import HiringParams, Parameters
from queries.contract.check import open_folder
from queries.model.reach import Pool, haversine_km, pool, reach_multiplier, reach_section, region_reach
from queries.model.scenario import Closure, Scenario
from queries.plan.loading import load_workforce
from queries.plan.session import PlanSession

ONE_DEGREE_KM = 6371.0088 * math.pi / 180  # 111.19508 km

REGION_SCHEMA = {
    "region_id": pl.Utf8, "name": pl.Utf8, "state": pl.Utf8, "lat": pl.Float64, "lon": pl.Float64,
    "population": pl.Int64, "labor_force": pl.Int64, "unemployment_rate": pl.Float64,
    "csr_employment": pl.Int64, "csr_median_hourly_wage": pl.Float64,
    "broadband_share": pl.Float64, "utc_offset_hours": pl.Float64,
}
REGION_DEFAULTS: dict[str, Any] = {
    "name": "", "state": "WA", "lat": 0.0, "lon": 0.0, "population": 0, "labor_force": 0,
    "unemployment_rate": 0.0, "csr_employment": 0, "csr_median_hourly_wage": 20.0,
    "broadband_share": 0.9, "utc_offset_hours": -8.0,
}


def regions(*rows: dict[str, Any]) -> pl.DataFrame:
    """A regions table; each row gives region_id and whatever the test is about."""
    return pl.DataFrame([REGION_DEFAULTS | row for row in rows], schema=REGION_SCHEMA)


def sites(*points: tuple[str, float, float]) -> pl.DataFrame:
    """Sites as (site_id, lat, lon)."""
    return pl.DataFrame(points, schema={"site_id": pl.Utf8, "lat": pl.Float64, "lon": pl.Float64}, orient="row")


def reach_ids(frame: pl.DataFrame, column: str) -> list[str]:
    return frame.filter(column)["region_id"].to_list()


# -- distance -------------------------------------------------------------------------------


def test_haversine_known_distances() -> None:
    def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
        return pl.select(haversine_km(pl.lit(lat1), pl.lit(lon1), pl.lit(lat2), pl.lit(lon2))).item()

    assert km(0, 0, 1, 0) == pytest.approx(111.19508, abs=1e-5)  # 1 degree of latitude
    assert km(45, 10, 46, 10) == pytest.approx(ONE_DEGREE_KM)  # on any meridian
    assert km(0, 0, 0, 1) == pytest.approx(ONE_DEGREE_KM)  # 1 degree of longitude on the equator
    # 1 degree of longitude at 60 degrees north is about half as long (cos 60 = 0.5).
    assert km(60, 0, 60, 1) == pytest.approx(ONE_DEGREE_KM / 2, rel=1e-4)
    # Antipodes: half the circumference, pi x 6371.0088 = 20,015.114 km.
    assert km(0, 0, 0, 180) == pytest.approx(20_015.114, abs=1e-3)
    assert km(12.5, -7, 12.5, -7) == 0


# -- onsite reach ---------------------------------------------------------------------------


@pytest.mark.parametrize("degrees", [1.0, 2.3])
def test_region_on_the_radius_is_inside_and_just_beyond_is_outside(degrees: float) -> None:
    """Site at (0, 0), region `degrees` north: degrees x 111.19508 km apart (1 degree:
    111.195 km; 2.3 degrees: 255.749 km, where the float haversine comes out 3e-14 km above
    the hand product and must still count as on the radius)."""
    frame = regions({"region_id": "N", "lat": degrees})
    site = sites(("S", 0.0, 0.0))
    radius = degrees * ONE_DEGREE_KM
    on_radius = region_reach(frame, site, HiringParams(commute_radius_km=radius))
    assert on_radius["nearest_site_km"][0] == pytest.approx(radius)
    assert on_radius["in_onsite_reach"].to_list() == [True]
    one_metre_short = region_reach(frame, site, HiringParams(commute_radius_km=radius - 0.001))
    assert one_metre_short["in_onsite_reach"].to_list() == [False]


def test_region_near_two_sites_counts_once() -> None:
    """Region X on the equator at lon 0.15: 0.15 x 111.19508 = 16.679 km from A (lon 0),
    0.05 x 111.19508 = 5.560 km from B (lon 0.2). Both within 50 km; X counts once."""
    frame = regions({"region_id": "X", "lon": 0.15, "csr_employment": 400})
    reach = region_reach(frame, sites(("A", 0.0, 0.0), ("B", 0.0, 0.2)), HiringParams())
    assert reach.height == 1
    assert reach["nearest_site_id"].to_list() == ["B"]
    assert reach["nearest_site_km"][0] == pytest.approx(0.05 * ONE_DEGREE_KM)
    onsite = pool(reach.filter("in_onsite_reach"))
    assert (onsite.regions, onsite.experienced_pool) == (1, 400)


def test_closing_a_site_shrinks_onsite_reach_only() -> None:
    """X is 0.1 degree (11.1 km) east of A, Y 0.1 degree east of B (10 degrees north of A).
    Without B, Y's nearest site is A, about 10 degrees (1,112 km) away: out of onsite reach.
    Remote reach depends on the policy alone and keeps both regions."""
    frame = regions(
        {"region_id": "X", "lon": 0.1, "csr_employment": 100},
        {"region_id": "Y", "lat": 10.0, "lon": 0.1, "csr_employment": 200},
    )
    both = region_reach(frame, sites(("A", 0.0, 0.0), ("B", 10.0, 0.0)), HiringParams())
    only_a = region_reach(frame, sites(("A", 0.0, 0.0)), HiringParams())
    assert reach_ids(both, "in_onsite_reach") == ["X", "Y"]
    assert reach_ids(only_a, "in_onsite_reach") == ["X"]
    assert only_a["nearest_site_id"].to_list() == ["A", "A"]
    assert only_a["nearest_site_km"][1] == pytest.approx(10 * ONE_DEGREE_KM, rel=1e-3)
    assert reach_ids(only_a, "in_remote_reach") == ["X", "Y"]
    # Onsite experienced pool 300 -> 100, remote stays 300: the multiplier goes 1 -> 3.
    assert reach_section(both)["reach_multiplier"] == 1
    assert reach_section(only_a)["reach_multiplier"] == 3


def test_no_open_site_reaches_nobody() -> None:
    frame = regions({"region_id": "X", "csr_employment": 100})
    reach = region_reach(frame, sites(), HiringParams())
    assert reach.select("nearest_site_id", "nearest_site_km", "in_onsite_reach").row(0) == (None, None, False)
    section = reach_section(reach)
    assert section["onsite"] == {"regions": 0, "experienced_pool": 0, "available_pool": 0, "median_wage": None}
    assert section["reach_multiplier"] is None
    assert section["regions"] == [{"region_id": "X", "nearest_site_km": None,
                                   "in_onsite_reach": False, "in_remote_reach": True}]


# -- remote policy --------------------------------------------------------------------------

POLICY_REGIONS = regions(
    {"region_id": "WA1", "state": "WA", "broadband_share": 0.95, "utc_offset_hours": -8.0, "csr_median_hourly_wage": 18.0},
    {"region_id": "ID1", "state": "ID", "broadband_share": 0.90, "utc_offset_hours": -7.0, "csr_median_hourly_wage": 19.5},
    {"region_id": "OK1", "state": "OK", "broadband_share": 0.85, "utc_offset_hours": -6.0, "csr_median_hourly_wage": 21.0},
    {"region_id": "TX1", "state": "TX", "broadband_share": None, "utc_offset_hours": -6.0, "csr_median_hourly_wage": 17.0},
)


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        # Defaults: every list empty, minimum 0 (so TX1's NULL broadband passes), no wage cap.
        ({}, ["ID1", "OK1", "TX1", "WA1"]),
        ({"allowed_states": ["WA", "ID"]}, ["ID1", "WA1"]),
        # 0.90 >= 0.90 passes; 0.85 does not; NULL cannot show it meets a minimum above 0.
        ({"min_broadband_share": 0.9}, ["ID1", "WA1"]),
        ({"utc_offsets": [-6.0]}, ["OK1", "TX1"]),
        # 19.5 <= 19.5 passes; 21.0 does not.
        ({"max_median_wage": 19.5}, ["ID1", "TX1", "WA1"]),
        # All filters at once must all pass: only WA1 is in WA/ID, >= 0.9, at -8/-7 and <= 19.
        ({"allowed_states": ["WA", "ID", "TX"], "min_broadband_share": 0.9, "utc_offsets": [-8.0, -7.0],
          "max_median_wage": 19.0}, ["WA1"]),
    ],
)
def test_remote_policy_filters(policy: dict[str, Any], expected: list[str]) -> None:
    reach = region_reach(POLICY_REGIONS, sites(), HiringParams(**policy))
    assert reach_ids(reach, "in_remote_reach") == expected


# -- pools ----------------------------------------------------------------------------------


def test_pool_sums_and_a_median_wage_that_is_not_the_plain_median() -> None:
    """Wages 15, 20, 30 with 100, 100, 1,000 CSRs: the plain median wage is 20, but half of
    the 1,200 CSRs (600) is first reached at 30 (running sums 100, 200, 1,200).
    Available pool = 10,000 x 0.05 + 20,000 x 0.04 + 1,000 x 0.10 = 500 + 800 + 100 = 1,400."""
    frame = regions(
        {"region_id": "A", "csr_median_hourly_wage": 30.0, "csr_employment": 1000, "labor_force": 1_000, "unemployment_rate": 0.10},
        {"region_id": "B", "csr_median_hourly_wage": 15.0, "csr_employment": 100, "labor_force": 10_000, "unemployment_rate": 0.05},
        {"region_id": "C", "csr_median_hourly_wage": 20.0, "csr_employment": 100, "labor_force": 20_000, "unemployment_rate": 0.04},
    )
    result = pool(frame)
    assert (result.regions, result.experienced_pool, result.median_wage) == (3, 1200, 30.0)
    assert result.available_pool == pytest.approx(1_400)


@pytest.mark.parametrize(
    ("employment", "expected"),
    [
        # 500 of 1,000 at 15: exactly half is reached there, so 15, not the average of 15 and 20.
        ([500, 300, 200], 15.0),
        # Odd total 3: half is 1.5; running sums 1 (at 15) then 3 (at 20).
        ([1, 2, 0], 20.0),
        # A wage nobody is employed at never is the median: running sums 0, 0, 5 -> 25.
        ([0, 0, 5], 25.0),
    ],
)
def test_median_wage_rule(employment: list[int], expected: float) -> None:
    """`employment` is the CSRs at wages 15, 20, 25; rows are given highest wage first so
    that the rule's own sort by wage is what puts them in order."""
    rows = [{"region_id": f"R{wage:g}", "csr_median_hourly_wage": wage, "csr_employment": n}
            for wage, n in zip([15.0, 20.0, 25.0], employment, strict=True)]
    assert pool(regions(*reversed(rows))).median_wage == expected


def test_median_wage_with_tied_wages() -> None:
    """Two regions at 18 (300 + 300) and one at 22 (500): half of 1,100 is 550; the running
    sum is 300 then 600 within the 18s, whichever of them comes first, so 18."""
    frame = regions(
        {"region_id": "A", "csr_median_hourly_wage": 22.0, "csr_employment": 500},
        {"region_id": "B", "csr_median_hourly_wage": 18.0, "csr_employment": 300},
        {"region_id": "C", "csr_median_hourly_wage": 18.0, "csr_employment": 300},
    )
    assert pool(frame).median_wage == 18.0


def test_pool_of_no_regions_or_no_csrs() -> None:
    assert pool(regions()) == Pool(regions=0, experienced_pool=0, available_pool=0.0, median_wage=None)
    assert pool(regions({"region_id": "A", "csr_employment": 0})).median_wage is None


def test_reach_multiplier() -> None:
    onsite = Pool(regions=3, experienced_pool=17_800, available_pool=38_900.0, median_wage=18.5)
    remote = Pool(regions=4, experienced_pool=42_800, available_pool=94_900.0, median_wage=21.0)
    assert reach_multiplier(onsite, remote) == pytest.approx(42_800 / 17_800)  # 2.4045
    nobody = Pool(regions=0, experienced_pool=0, available_pool=0.0, median_wage=None)
    assert reach_multiplier(nobody, remote) is None


# -- on a data folder -----------------------------------------------------------------------


def test_reach_on_the_small_folder_and_a_closure(small_folder: Path) -> None:
    """TUL is `closing`: it hires no one, though R3 lies 0.51 km from it (spec/model.md,
    "Onsite reach"). Nearest hiring sites (KEN, BOI), flat-earth by hand for short distances:
    R1-KEN: dlat 0.0188, dlon 0.0372 x cos 46.22 = 0.0257 -> 0.0319 deg = 3.54 km
    R2-BOI: dlat 0.0050, dlon 0.0023 x cos 43.62 = 0.0017 -> 0.0053 deg = 0.59 km
    R3-BOI: haversine (36.15, -95.99) to (43.615, -116.2023) = 1,907 km (too far)
    R4-BOI: haversine (39.74, -104.99) to (43.615, -116.2023) = 1,025 km (too far)
    Onsite R1, R2: CSRs 2,600 + 6,500 = 9,100; available 150,000 x 0.05 + 380,000 x 0.03 =
    7,500 + 11,400 = 18,900; median wage: by wage 18.5 (6,500 running) >= 4,550 -> 18.5.
    Remote: all four (R3's NULL broadband passes at minimum 0): 42,800 CSRs; available
    18,900 + 20,000 + 1,600,000 x 0.035 = 94,900; running 8,700, 15,200, 17,800, 42,800 >=
    21,400 at 21.0. Multiplier 42,800 / 9,100 = 4.7033.
    Closing KEN: R1's nearest is BOI, about 370 km away; onsite R2 alone: 6,500 CSRs,
    available 11,400, median 18.5; multiplier 42,800 / 6,500 = 6.5846."""
    engine, result = open_folder(small_folder)
    assert result.ok
    session = PlanSession(load_workforce(engine, dt.date(2026, 3, 31)), Parameters(), regions=engine.query("regions"))
    baseline = session.baseline_evaluation
    reach = baseline.reach
    assert reach is not None
    assert reach["nearest_site_id"].to_list() == ["KEN", "BOI", "BOI", "BOI"]
    assert reach["nearest_site_km"].to_list() == pytest.approx([3.54, 0.586, 1907.26, 1024.91], rel=2e-3)
    assert reach["available_pool"].to_list() == pytest.approx([7_500, 11_400, 20_000, 56_000])

    section = reach_section(reach)
    assert list(section) == ["onsite", "remote", "reach_multiplier", "regions"]
    assert section["onsite"] == {"regions": 2, "experienced_pool": 9_100,
                                 "available_pool": pytest.approx(18_900), "median_wage": 18.5}
    assert section["remote"] == {"regions": 4, "experienced_pool": 42_800,
                                 "available_pool": pytest.approx(94_900), "median_wage": 21.0}
    assert section["reach_multiplier"] == pytest.approx(42_800 / 9_100)
    assert [r["in_onsite_reach"] for r in section["regions"]] == [True, True, False, False]
    assert set(section["regions"][0]) == {"region_id", "nearest_site_km", "in_onsite_reach", "in_remote_reach"}
    assert baseline.outcome.reach_multiplier == pytest.approx(42_800 / 9_100)

    session.edit(Scenario().with_closure(Closure(site_id="KEN", close_date=dt.date(2026, 9, 30))))
    closed = session.evaluate()
    assert closed.reach is not None
    after = reach_section(closed.reach)
    assert after["onsite"] == {"regions": 1, "experienced_pool": 6_500,
                               "available_pool": pytest.approx(11_400), "median_wage": 18.5}
    assert after["remote"] == section["remote"]
    assert after["reach_multiplier"] == pytest.approx(42_800 / 6_500)


# -- properties -----------------------------------------------------------------------------

points = st.tuples(st.floats(-90, 90), st.floats(-180, 180))


@settings(max_examples=60, deadline=None)
@given(
    region_points=st.lists(points, min_size=1, max_size=8),
    site_points=st.lists(points, max_size=4),
    radius=st.floats(0, 5_000),
    growth=st.floats(0, 5_000),
)
def test_onsite_reach_never_shrinks_when_the_radius_grows(
    region_points: list[tuple[float, float]], site_points: list[tuple[float, float]], radius: float, growth: float
) -> None:
    frame = regions(*({"region_id": f"R{i}", "lat": lat, "lon": lon, "csr_employment": 10}
                      for i, (lat, lon) in enumerate(region_points)))
    open_sites = sites(*((f"S{i}", lat, lon) for i, (lat, lon) in enumerate(site_points)))
    near = region_reach(frame, open_sites, HiringParams(commute_radius_km=radius))
    far = region_reach(frame, open_sites, HiringParams(commute_radius_km=radius + growth))
    assert near.height == far.height == frame.height  # each region once, whatever the sites
    assert set(reach_ids(near, "in_onsite_reach")) <= set(reach_ids(far, "in_onsite_reach"))
    assert pool(near.filter("in_onsite_reach")).experienced_pool <= pool(far.filter("in_onsite_reach")).experienced_pool


def test_state_codes_match_in_any_case_and_unknown_ones_are_named() -> None:
    """Issue 21: "az" in the policy matched no region. Any case matches now, and
    `unknown_states` names the codes no region has, with the codes there are."""
    from queries.config import HiringParams
    from queries.model.reach import remote_policy, unknown_states

    regions = pl.DataFrame({"state": ["WA", "id", "OK"], "broadband_share": [0.9, 0.9, 0.9],
                            "utc_offset_hours": [-8.0, -7.0, -7.0], "csr_median_hourly_wage": [18.0, 17.0, 16.0]})
    passes = regions.select(remote_policy(HiringParams(allowed_states=["wa", "ID"]))).to_series().to_list()
    assert passes == [True, True, False]
    assert unknown_states(["az", "Wa"], regions) == (["AZ"], ["ID", "OK", "WA"])
