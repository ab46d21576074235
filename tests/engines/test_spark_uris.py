"""Spark reads a data folder by its URI: file:// on the command line, and a remote folder's
code path (listing and footers through pyarrow's file system, files read by their URIs)
exercised on a local folder named as a RemoteFolder with file://. A scheme that cannot be
opened is one data error naming the URI, exit code 1, no Java or Python trace.

All of it runs on the one local Spark session of tests/engines/conftest.py.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from queries.config import EngineSettings
from queries.contract.check import check_folder
from queries.contract.location import RemoteFolder
from queries.engines.protocol import connect
from tests.contract.test_bad_input import build, cell, partitioned, run


def test_spark_checks_a_file_uri_as_duckdb_checks_the_folder(
    spark: EngineSettings, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    folder = build(tmp_path / "broken", cell("agents", "fte", 0.0))
    duckdb = run(capsys, "check", "--data", str(folder))
    assert duckdb[0] == 1
    assert run(capsys, "check", "--engine", "spark", "--data", f"file://{folder}") == duckdb


def test_spark_reads_a_remote_folder_by_its_uris(spark: EngineSettings, tmp_path: Path) -> None:
    """The same verdict and rows as the folder read locally, its files read by file:// URIs."""
    folder = build(tmp_path / "partitioned", partitioned())
    remote = RemoteFolder(f"file://{folder}")
    engine = connect(remote, spark)
    try:
        result = check_folder(remote, engine)
        local = check_folder(folder, connect(folder, spark))
        assert result.ok and local.ok
        assert result.rows == local.rows
        assert result.summary() == f"file://{folder}: " + local.summary().split(": ", 1)[1]
        assert engine.tables["kpi_daily"].uri(engine.tables["kpi_daily"].files[0]) == \
            f"file://{folder}/kpi_daily/month=2026-03/day=30/part-0.parquet"
        counts = engine.sql("SELECT count(*) AS n, count(DISTINCT agent_id) AS agents FROM kpi_daily")
        expected = pl.read_parquet(list((folder / "kpi_daily").rglob("*.parquet")))
        assert counts.row(0) == (expected.height, expected["agent_id"].n_unique())
    finally:
        engine.close()


def test_what_spark_cannot_read_is_refused_in_a_remote_folder_too(spark: EngineSettings, tmp_path: Path) -> None:
    """The footers are read through the file system: the refusal names the file as locally."""
    mixed = build(tmp_path / "mixed", partitioned(lambda f: f.with_columns(pl.col("contacts").cast(pl.Int32))))
    remote = RemoteFolder(f"file://{mixed}")
    result = check_folder(remote, connect(remote, spark))
    assert [p.line() for p in result.errors] == [
        "error: kpi_daily/: cannot read: contacts: files of one table differ in type "
        "(INT64 in kpi_daily/month=2026-03/day=30/part-0.parquet, INT32 in kpi_daily/month=2026-03/day=31/part-0.parquet): "
        "Spark reads them only when their types agree; write them with one type, or use the DuckDB engine"]


@pytest.mark.parametrize(("uri", "line"), [
    ("nosuch://host/exports",
     "error: nosuch://host/exports: cannot open the data folder: Unrecognized filesystem type in URI: "
     "nosuch://host/exports (a nosuch:// folder cannot be read; wfplan knows s3a, s3, abfss, abfs, gs, hdfs and file)"),
    # No namenode listens on port 1 (and without libhdfs pyarrow says so first): either way one line.
    ("hdfs://127.0.0.1:1/wfm/exports", "error: hdfs://127.0.0.1:1/wfm/exports: cannot open the data folder: "),
])
def test_an_unreachable_remote_folder_is_a_data_error_naming_the_uri(
    spark: EngineSettings, uri: str, line: str, capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "check", "--engine", "spark", "--data", uri)
    assert code == 1
    first, summary = out.splitlines()
    assert first.startswith(line) and (first == line or line.endswith(": "))
    assert summary == f"{uri}: 1 error, 0 warnings; wfplan cannot open this folder until the errors are fixed"
    assert "Exception" not in out + err and "at org." not in out + err
