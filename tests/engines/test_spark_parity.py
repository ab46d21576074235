"""Spark gives DuckDB's numbers and verdicts: `wfplan report` and `wfplan check` on both engines.

Every report section (and every format) is compared on a small demo folder and on an edge
folder (a move in the middle of a month, a leaver in the period, a closing site, suppressed
groups, no forecast), each with a scenario that closes a site. Floats are equal to a relative
1e-9: the engines sum in different orders. The check's lines are compared exactly on a folder
that breaks many rules at once (NaN, infinity, large and tiny values in the examples,
uniqueness, references, overlaps, KPI rows without an assignment) and on a partitioned one.

All of it runs on the one local Spark session of tests/engines/conftest.py.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from queries.config import EngineSettings
from queries.engines.protocol import QueryCancelled, connect
from tests.contract.test_bad_input import INF, NAN, build, cell, forecast, partitioned, rows
from tests.folders import D, base_tables, moved_mid_month_tables, write_folder
from tui.cli import main

SCENARIO = 'name = "Close KEN"\n\n[[closures]]\nsite_id = "KEN"\nclose_date = 2026-12-31\n'


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def assert_same(duckdb: Any, spark: Any, path: str = "report") -> None:
    """Equal, floats to a relative 1e-9 (and None where the other is None)."""
    if isinstance(duckdb, dict):
        assert isinstance(spark, dict) and list(duckdb) == list(spark), path
        for key in duckdb:
            assert_same(duckdb[key], spark[key], f"{path}.{key}")
    elif isinstance(duckdb, list):
        assert isinstance(spark, list) and len(duckdb) == len(spark), path
        for i, (a, b) in enumerate(zip(duckdb, spark, strict=True)):
            assert_same(a, b, f"{path}[{i}]")
    elif isinstance(duckdb, float) or isinstance(spark, float):
        assert spark == pytest.approx(duckdb, rel=1e-9, abs=0), path
    else:
        assert duckdb == spark, path


def edge_folder(root: Path) -> Path:
    """tests/folders.py's folder (TUL closing, A8 left on 2026-02-28, groups under the
    privacy floor, no forecast) plus A2 moving from onsite KEN to remote on 2026-03-16,
    with KPI rows on both sides of the move: one agent-month split between two modes."""
    return write_folder(root / "edge", moved_mid_month_tables())


@pytest.mark.parametrize("which", ["demo", "edge"])
def test_every_report_section_is_the_same_on_spark(
    which: str, spark: EngineSettings, demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    folder = demo if which == "demo" else edge_folder(tmp_path)
    scenario = tmp_path / "close-ken.toml"
    scenario.write_text(SCENARIO)
    code, duckdb_out, _ = run(capsys, "report", "--data", str(folder), "--scenario", str(scenario))
    assert code == 0
    code, spark_out, err = run(capsys, "report", "--engine", "spark", "--data", str(folder), "--scenario", str(scenario))
    assert code == 0 and err == ""
    duckdb_report, spark_report = json.loads(duckdb_out), json.loads(spark_out)
    assert_same(duckdb_report, spark_report)
    # What the folders are for: the sections that depend on the engine have rows to compare.
    assert {"site_costs", "headcount", "kpi", "reach", "scenario"} <= spark_report.keys()
    assert ("staffing" in spark_report) == (which == "demo")
    assert spark_report["headcount"]["monthly"] and spark_report["kpi"]["comparisons"]
    if which == "edge":
        assert any(g["suppressed"] for g in spark_report["kpi"]["groups"])
        # md and csv are made from the same numbers; rounded for display, they match exactly.
        for fmt in ("md", "csv"):
            _, duckdb_text, _ = run(capsys, "report", "--format", fmt, "--data", str(folder))
            _, spark_text, _ = run(capsys, "report", "--format", fmt, "--engine", "spark", "--data", str(folder))
            assert spark_text == duckdb_text


def broken_folder(root: Path) -> Path:
    """A folder breaking a rule of every table (NaN, infinities, negatives, bad references,
    a duplicate KPI row, a 45-minute forecast interval): the check's examples and verdicts."""
    return build(
        root,
        cell("sites", "lease_annual", NAN), cell("sites", "opex_annual", -15_000_000.0), cell("sites", "seats", 0),
        cell("sites", "status", "shut", row=2), cell("sites", "lease_break_fee", -INF, row=0),
        cell("agents", "hourly_wage", INF), cell("agents", "fte", 12_345_678.5, row=2),
        cell("agents", "home_region", "R9", row=3), cell("agents", "agent_id", "A1", row=4),
        cell("regions", "unemployment_rate", -0.00012), cell("regions", "region_id", "R1", row=2),
        cell("assignments", "end_date", D(2025, 7, 1), row=5), cell("assignments", "onsite_days_per_week", 5.5, row=3),
        cell("kpi_daily", "date", D(2023, 3, 30), row=0), cell("kpi_daily", "fcr_resolved", 41),
        cell("kpi_daily", "agent_id", "Z1", row=2), cell("forecast", "interval_minutes", 45),
        rows("kpi_daily", lambda k: pl.concat([k, k.tail(1)])),
    )


def test_the_checks_lines_are_the_same_on_spark(spark: EngineSettings, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    folder = broken_folder(tmp_path)
    code, duckdb_out, _ = run(capsys, "check", "--format", "json", "--data", str(folder))
    spark_code, spark_out, _ = run(capsys, "check", "--format", "json", "--engine", "spark", "--data", str(folder))
    assert (spark_code, json.loads(spark_out)) == (code, json.loads(duckdb_out))
    # The examples hold the values as DuckDB writes them, not as Java does (NaN, 1.5E7).
    text = spark_out
    for written in ("BOI: nan", "KEN: -inf", "A2: inf", "BOI: -15000000.0", "A3: 12345678.5", "R2: -0.00012"):
        assert written in text
    assert code == 1 and len(json.loads(duckdb_out)["problems"]) >= 14

    clean = build(tmp_path / "partitioned", partitioned())
    code, duckdb_out, _ = run(capsys, "check", "--data", str(clean))
    assert run(capsys, "check", "--engine", "spark", "--data", str(clean)) == (code, duckdb_out, "")


def test_what_spark_cannot_read_is_refused_naming_the_file_and_the_rule(
    spark: EngineSettings, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    """Both folders are valid (DuckDB reads them); Spark 4 cannot, and says why in one line."""
    nanos = build(tmp_path / "nanos", lambda t: t.__setitem__(
        "sites", t["sites"].with_columns(pl.col("opened").cast(pl.Datetime("ns")))))
    assert run(capsys, "check", "--data", str(nanos))[0] == 0
    code, out, _ = run(capsys, "check", "--engine", "spark", "--data", str(nanos))
    assert code == 1
    assert out.splitlines()[0] == (
        "error: sites.parquet: cannot read: sites.parquet: opened: TIMESTAMP(NANOS) cannot be read by Spark; "
        "write it as TIMESTAMP(MICROS) (pyarrow: coerce_timestamps='us'), or use the DuckDB engine")

    mixed = build(tmp_path / "mixed", partitioned(lambda f: f.with_columns(pl.col("contacts").cast(pl.Int32))))
    assert run(capsys, "check", "--data", str(mixed))[0] == 0
    code, out, _ = run(capsys, "check", "--engine", "spark", "--data", str(mixed))
    assert code == 1
    assert out.splitlines()[0] == (
        "error: kpi_daily/: cannot read: contacts: files of one table differ in type "
        "(INT64 in kpi_daily/month=2026-03/day=30/part-0.parquet, INT32 in kpi_daily/month=2026-03/day=31/part-0.parquet): "
        "Spark reads them only when their types agree; write them with one type, or use the DuckDB engine")


def test_a_spark_query_is_cancelled_from_another_thread(spark: EngineSettings, small_folder: Path) -> None:
    """A job's cancel interrupts its Spark jobs by tag: the query raises QueryCancelled within
    seconds instead of running its 10^10 rows, and the job runs the next query normally."""
    engine = connect(small_folder, spark)
    job = engine.job()
    endless = ("SELECT count(*) AS n FROM generate_series(1, 100000) AS a(x), "
               "generate_series(1, 100000) AS b(x) WHERE a.x <> b.x")
    timer = threading.Timer(2.0, job.cancel)
    timer.start()
    started = time.monotonic()
    with pytest.raises(QueryCancelled):
        job.sql(endless)
    assert time.monotonic() - started < 30
    assert job.sql("SELECT 1 + 1 AS two")["two"].to_list() == [2]
    engine.close()


def test_spark_floats_in_text_match_python_repr_as_duckdb_does(spark: EngineSettings, small_folder: Path) -> None:
    """The rewrite of CAST(float AS VARCHAR) against DuckDB's own text of the same doubles."""
    import duckdb

    values = [NAN, INF, -INF, 25.0, -1.0, 0.1, 1 / 3, 12_345_678.0, 12_345_678.5, -15_000_000.0, 1e15, 1e16, 1e20,
              0.00012345, 0.001, 1e-5, -1.5e-7, 2.5e-300, 1.7976931348623157e308, 0.0, -0.0]
    expected = [duckdb.connect().execute("SELECT CAST(CAST(? AS DOUBLE) AS VARCHAR)", [v]).fetchone()[0] for v in values]
    assert expected == [repr(v) for v in values]
    engine = connect(small_folder, spark)
    frame = engine.session.createDataFrame([(i, v) for i, v in enumerate(values)], "i INT, lat DOUBLE")
    frame.createOrReplaceTempView("sites")  # the contract's float column sites.lat, as the check reads it
    written = engine.sql("SELECT i, CAST(lat AS VARCHAR) AS text FROM sites ORDER BY i")["text"].to_list()
    assert written == expected
    engine.close()


def test_the_forecast_table_of_the_corpus_is_read_alike(spark: EngineSettings, tmp_path: Path) -> None:
    """Timestamps (microseconds, no zone) come back as the same datetimes on both engines."""
    folder = write_folder(tmp_path / "f", {**base_tables(), "forecast": forecast()})
    from queries.contract.check import open_folder
    from queries.plan.loading import load_forecast

    frames = []
    for settings in (EngineSettings(), spark):
        engine, result = open_folder(folder, settings)
        assert result.ok
        frames.append(load_forecast(engine, D(2026, 3, 31), D(2026, 3, 31)))
    assert frames[0].to_dicts() == frames[1].to_dicts() and frames[0].height == 2


def test_the_per_group_kpi_aggregates_are_the_same_on_spark(spark: EngineSettings, demo: Path) -> None:
    """`kpi_group_sums.sql` (GROUPING SETS, FILTER, exact DECIMAL sums of products) gives DuckDB's
    rows on Spark: the exact sums to the last digit."""
    from queries.contract.check import open_folder
    from queries.model.period import resolve_period
    from queries.plan.loading import data_range, load_kpi_inputs

    frames = []
    for settings in (EngineSettings(), spark):
        engine, _ = open_folder(demo, settings, use_cache=True)
        period = resolve_period(data_range(engine), None, None, None)
        order = ["split", "work_mode", "site_id", "tenure_band", "month"]
        frames.append(load_kpi_inputs(engine, period).groups.sort(order, nulls_last=True).to_dicts())
    assert len(frames[0]) > 40
    assert_same(frames[0], frames[1], "kpi_group_sums")


def test_the_kpi_query_scans_kpi_daily_once_and_broadcasts_the_assignments(
    spark: EngineSettings, demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Spark inlines CTEs: `kpi_group_sums.sql` must stay one join-then-group chain over a single
    scan of kpi_daily, with the assignments broadcast by spark_sql.py's hint even where Spark
    would not broadcast on its own (automatic broadcasts off here)."""

    from queries.contract.check import open_folder
    from queries.engines.spark_engine import sql_text
    from queries.engines.spark_sql import to_spark
    from queries.model.period import resolve_period
    from queries.plan.loading import data_range

    engine, _ = open_folder(demo, spark, use_cache=True)
    period = resolve_period(data_range(engine), None, None, None)
    conf = engine.session.conf
    threshold = conf.get("spark.sql.autoBroadcastJoinThreshold")
    conf.set("spark.sql.autoBroadcastJoinThreshold", "-1")
    try:
        capsys.readouterr()
        engine.session.sql(to_spark(sql_text("kpi_group_sums")),
                           args={"start": period.start, "end": period.end}).explain()
        plan = capsys.readouterr().out.splitlines()
    finally:
        conf.set("spark.sql.autoBroadcastJoinThreshold", threshold)
    scans = [(i, line) for i, line in enumerate(plan) if "FileScan parquet" in line]
    assert sum("handle_seconds" in line for _, line in scans) == 1, plan  # kpi_daily, once
    [(i, _)] = [(i, line) for i, line in scans if "start_date" in line]  # assignments
    # The nearest exchange above the assignments' scan is a broadcast, not a shuffle.
    exchange = next(line for line in reversed(plan[:i]) if "Exchange" in line)
    assert "BroadcastExchange" in exchange, plan
