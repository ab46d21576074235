"""The translation of wfplan's SQL (DuckDB's dialect) for Spark: each rewrite, as text.

These need sqlglot only, no Spark: what the rewrites print is checked here, what they
compute against DuckDB in test_spark_parity.py.
"""

from __future__ import annotations

import re
from importlib import resources

import pytest

from tests.engines.conftest import skip_or_fail

try:
    from queries.engines.spark_sql import TranspileError, to_spark
except ImportError as err:  # sqlglot missing
    skip_or_fail(f"{err.name} is not installed (pip install -e '.[test]')")


def flat(sql: str) -> str:
    return " ".join(sql.split())


def test_generate_series_in_from_becomes_a_table_valued_explode() -> None:
    """sqlglot alone prints EXPLODE(SEQUENCE(...), _u(m)), which Spark cannot parse."""
    out = to_spark("SELECT CAST(m AS DATE) AS d FROM generate_series(CAST($a AS TIMESTAMP), "
                   "CAST($b AS TIMESTAMP), INTERVAL 1 MONTH) AS t(m)")
    assert flat(out) == ("SELECT CAST(m AS DATE) AS d FROM EXPLODE(SEQUENCE(CAST(:a AS TIMESTAMP_NTZ), "
                         "CAST(:b AS TIMESTAMP_NTZ), INTERVAL '1' MONTH)) AS t(m)")


def test_date_minus_date_becomes_datediff_and_numbers_stay_subtraction() -> None:
    """stop_day is a date (a contract date column plus days), month_start a cast to DATE:
    their difference is days; contacts - fraud_incidents is a number and stays as it is."""
    out = to_spark(
        "WITH p AS (SELECT least(end_date, $end) + 1 AS stop_day, CAST(start_date AS DATE) AS month_start, "
        "contacts FROM assignments) "
        "SELECT stop_day - month_start AS days, contacts - 1 AS n, greatest(stop_day, month_start) - 1 AS before FROM p"
    )
    assert "DATEDIFF(stop_day, month_start) AS days" in out
    assert "contacts - 1 AS n" in out
    assert "GREATEST(stop_day, month_start) - 1 AS before" in out  # a date minus days is still a date


def test_not_materialized_is_dropped() -> None:
    out = to_spark("WITH r AS NOT MATERIALIZED (SELECT 1 AS x) SELECT x FROM r")
    assert flat(out) == "WITH r AS (SELECT 1 AS x) SELECT x FROM r"


def test_isfinite_becomes_isnan_or_infinite_negated() -> None:
    out = to_spark("SELECT count(*) FILTER (WHERE NOT isfinite(lat)) FROM sites")
    assert flat(out) == ("SELECT COUNT(*) FILTER(WHERE NOT (NOT (ISNAN(lat) OR ABS(lat) = CAST('Infinity' AS DOUBLE)))) "
                         "FROM sites")


def test_min_of_n_becomes_the_n_smallest_sorted_with_its_filter_inside() -> None:
    out = to_spark("SELECT min(site_id, 5) FILTER (WHERE seats <= 0), min(name, 2), min(city) FROM sites")
    assert flat(out) == ("SELECT SLICE(ARRAY_SORT(COLLECT_LIST(site_id) FILTER(WHERE seats <= 0)), 1, 5), "
                         "SLICE(ARRAY_SORT(COLLECT_LIST(name)), 1, 2), MIN(city) FROM sites")


def test_float_columns_cast_to_text_are_written_as_duckdb_writes_them() -> None:
    """Only float columns of the tables read: sites.lat is float, sites.seats int; `contacts` is
    an int in kpi_daily but a float in forecast."""
    sites = to_spark("SELECT CAST(lat AS VARCHAR), CAST(seats AS VARCHAR) FROM sites")
    assert "WHEN ISNAN(lat) THEN 'nan'" in sites and "CAST(seats AS STRING)" in sites
    assert "ISNAN(contacts)" not in to_spark("SELECT CAST(contacts AS VARCHAR) FROM kpi_daily")
    assert "ISNAN(contacts)" in to_spark("SELECT CAST(contacts AS VARCHAR) FROM forecast")


def test_assignments_joined_to_kpi_rows_are_broadcast() -> None:
    """The check's KPI-rows-without-assignment join, by alias and by bare name; a join through a
    CTE, or of other tables, keeps Spark's own choice."""
    check = to_spark("SELECT k.agent_id FROM kpi_daily AS k LEFT JOIN assignments AS a "
                     "ON a.agent_id = k.agent_id AND a.start_date <= k.date WHERE a.agent_id IS NULL")
    assert flat(check).startswith("SELECT /*+ BROADCAST(a) */ k.agent_id FROM kpi_daily AS k LEFT JOIN assignments AS a ")
    assert flat(to_spark("SELECT count(*) FROM assignments JOIN kpi_daily USING (agent_id)")) == (
        "SELECT /*+ BROADCAST(assignments) */ COUNT(*) FROM assignments JOIN kpi_daily USING (agent_id)")
    through_cte = to_spark("WITH r AS (SELECT * FROM kpi_daily) SELECT count(*) FROM r JOIN assignments AS s USING (agent_id)")
    assert "BROADCAST" not in through_cte
    assert "BROADCAST" not in to_spark("SELECT count(*) FROM agents AS g JOIN assignments AS s USING (agent_id)")


def test_parameters_stay_bound_markers() -> None:
    assert flat(to_spark("SELECT * FROM agents WHERE hire_date <= $as_of AND fte > ?")) == (
        "SELECT * FROM agents WHERE hire_date <= :as_of AND fte > ?")


@pytest.mark.parametrize("name", sorted(
    p.name.removesuffix(".sql") for p in resources.files("queries.engines").joinpath("sql").iterdir()
    if p.name.endswith(".sql")
))
def test_every_named_query_translates_without_duckdb_only_syntax(name: str) -> None:
    text = resources.files("queries.engines").joinpath("sql", f"{name}.sql").read_text()
    out = re.sub(r"/\*.*?\*/", "", to_spark(text), flags=re.S).upper()  # the comments keep their $start
    for duckdb_only in ("MATERIALIZED", "GENERATE_SERIES", "ISFINITE", "$", "_U("):
        assert duckdb_only not in out, duckdb_only


def test_assignments_joined_to_kpi_daily_are_broadcast() -> None:
    inner = "SELECT k.agent_id, s.work_mode FROM kpi_daily AS k JOIN assignments AS s ON s.agent_id = k.agent_id"
    assert flat(to_spark(inner)).startswith("SELECT /*+ BROADCAST(s) */ k.agent_id")
    # A left join from kpi_daily too (the check's KPI rows without an assignment): Spark may
    # broadcast the right side of a left outer join. Another table keeps Spark's own plan.
    left = inner.replace(" JOIN ", " LEFT JOIN ")
    other = inner.replace("FROM kpi_daily", "FROM agents")
    assert flat(to_spark(left)).startswith("SELECT /*+ BROADCAST(s) */ k.agent_id")
    assert "BROADCAST" not in to_spark(other)
    text = resources.files("queries.engines").joinpath("sql", "kpi_group_sums.sql").read_text()
    assert to_spark(text).count("/*+ BROADCAST(s) */") == 1


def test_sql_that_cannot_be_parsed_is_a_transpile_error() -> None:
    with pytest.raises(TranspileError, match="cannot parse wfplan SQL for Spark"):
        to_spark("SELECT FROM WHERE (")
