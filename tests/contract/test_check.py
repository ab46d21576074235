"""`wfplan check`: each kind of contract break on a small folder, with the line the user reads."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from queries.contract.check import check_folder
from tests.folders import D, base_tables, write_folder
from tui.cli import main


def check_lines(folder: Path) -> list[str]:
    return [p.line() for p in check_folder(folder).problems]


def test_clean_folder_passes(small_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--data", str(small_folder)]) == 0
    out = capsys.readouterr().out
    assert out == f"{small_folder}: the data contract holds (5 tables, 27 rows)\n"


def test_missing_table_and_missing_folder(tmp_path: Path) -> None:
    tables = base_tables()
    del tables["regions"]
    folder = write_folder(tmp_path / "d", tables)
    assert check_lines(folder) == [
        "error: regions.parquet: required table is missing (no regions.parquet or regions/)"
    ]
    assert check_lines(tmp_path / "nowhere") == [f"error: {tmp_path / 'nowhere'}: data folder does not exist"]


def test_corrupt_and_non_parquet_files(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "d")
    data = (folder / "sites.parquet").read_bytes()
    (folder / "sites.parquet").write_bytes(data[: len(data) // 2])  # truncated
    (folder / "regions.parquet").write_text("region_id,name\nR1,x\n")  # a CSV in disguise
    lines = check_lines(folder)
    assert lines[0].startswith("error: sites.parquet: unreadable: not a Parquet file, or corrupt (")
    assert lines[1].startswith("error: regions.parquet: unreadable: not a Parquet file, or corrupt (")
    assert len(lines) == 2  # tables that depend on them are not checked against them


def test_missing_column_and_wrong_type(tmp_path: Path) -> None:
    tables = base_tables()
    tables["agents"] = tables["agents"].drop("fte")
    tables["sites"] = tables["sites"].with_columns(pl.col("seats").cast(pl.Utf8))
    folder = write_folder(tmp_path / "d", tables)
    assert check_lines(folder) == [
        "error: sites.parquet: seats: wrong type string, expected int",
        "error: agents.parquet: fte: required column is missing",
    ]


def test_accepted_type_widening(tmp_path: Path) -> None:
    """int32 seats, float32 money, int money, timestamp dates, unsigned ints: all fit."""
    tables = base_tables()
    tables["sites"] = tables["sites"].with_columns(
        pl.col("seats").cast(pl.Int32), pl.col("lease_annual").cast(pl.Float32),
        pl.col("opex_annual").cast(pl.Int64), pl.col("opened").cast(pl.Datetime("ms")),
        pl.col("sqft").cast(pl.UInt32),
    )
    folder = write_folder(tmp_path / "d", tables)
    assert check_lines(folder) == []


def test_value_rules_with_counts_and_examples(tmp_path: Path) -> None:
    tables = base_tables()
    tables["sites"] = tables["sites"].with_columns(
        lat=pl.Series([46.2, 95.0, float("nan")]),
        status=pl.Series(["open", "shut", "closing"]),
        lease_annual=pl.Series([-1.0, 60_000.0, float("inf")]),
    )
    tables["agents"] = tables["agents"].with_columns(
        fte=pl.Series([1.0, 1.5, 1.0, 0.5, 1.0, 0.0, 1.0, 1.0]),
        term_date=pl.Series([D(2023, 1, 1)] + [None] * 6 + [D(2026, 2, 28)]),
    )
    tables["kpi_daily"] = tables["kpi_daily"].with_columns(fcr_resolved=pl.Series([31, 30, 15]))
    folder = write_folder(tmp_path / "d", tables)
    assert check_lines(folder) == [
        "error: sites.parquet: lat: must be a finite number (no NaN or infinity) (1 row), e.g. TUL: nan",
        "error: sites.parquet: lat: must be between -90 and 90 (1 row), e.g. BOI: 95.0",
        "error: sites.parquet: status: must be one of open, closing, closed (1 row), e.g. BOI: shut",
        "error: sites.parquet: lease_annual: must be a finite number (no NaN or infinity) (1 row), e.g. TUL: inf",
        "error: sites.parquet: lease_annual: must be between 0 and 1,000,000,000 (1 row), e.g. KEN: -1.0",
        "error: agents.parquet: term_date: must be on or after hire_date (1 row), e.g. A1: 2023-01-01",
        "error: agents.parquet: fte: must be > 0 and <= 1 (2 rows), e.g. A2: 1.5, A6: 0.0",
        "error: kpi_daily.parquet: fcr_resolved: must be between 0 and fcr_eligible (1 row), e.g. A1 on 2026-03-30: 31",
    ]


def test_nulls_in_required_columns(tmp_path: Path) -> None:
    tables = base_tables()
    tables["agents"] = tables["agents"].with_columns(hourly_wage=pl.Series([None, 20.0, 22.0, 18.0, 19.0, 21.0, 20.0, 20.0]))
    tables["assignments"] = tables["assignments"].with_columns(
        site_id=pl.Series(["KEN", None, "KEN", "BOI", "BOI", "BOI", None, "TUL", "KEN"])
    )
    folder = write_folder(tmp_path / "d", tables)
    assert check_lines(folder) == [
        "error: agents.parquet: hourly_wage: must not be empty (NULL) (1 row), e.g. A1",
        "error: assignments.parquet: site_id: is required for onsite and hybrid assignments (1 row), e.g. A2 from 2024-01-01",
    ]


def test_uniqueness(tmp_path: Path) -> None:
    tables = base_tables()
    tables["sites"] = tables["sites"].with_columns(site_id=pl.Series(["KEN", "BOI", "BOI"]))
    tables["kpi_daily"] = tables["kpi_daily"].with_columns(date=pl.Series([D(2026, 3, 31)] * 3))
    tables["assignments"] = tables["assignments"].with_columns(site_id=pl.Series(["KEN", "KEN", "KEN", "KEN", "KEN", "KEN", None, "KEN", "KEN"]))
    folder = write_folder(tmp_path / "d", tables)
    assert check_lines(folder) == [
        "error: sites.parquet: site_id: must be unique (2 rows), e.g. BOI (2 times)",
        "error: kpi_daily.parquet: date, agent_id: must be unique (2 rows), e.g. 2026-03-31 / A1 (2 times)",
    ]


def test_dangling_references(tmp_path: Path) -> None:
    tables = base_tables()
    tables["assignments"] = tables["assignments"].with_columns(
        site_id=pl.Series(["KEN", "XXX", "KEN", "BOI", "BOI", "BOI", None, "TUL", "XXX"]),
        agent_id=pl.Series(["A1", "A2", "A3", "A4", "A5", "A6", "A6", "A7", "A99"]),
    )
    tables["agents"] = tables["agents"].with_columns(home_region=pl.Series(["R1", "R1", "R2", "R2", "R3", "R4", None, "R9"]))
    tables["kpi_daily"] = tables["kpi_daily"].with_columns(agent_id=pl.Series(["A1", "A1", "Z1"]))
    folder = write_folder(tmp_path / "d", tables)
    assert check_lines(folder) == [
        "error: agents.parquet: home_region: not found in regions.parquet (region_id) (1 row), e.g. R9",
        "error: assignments.parquet: agent_id: not found in agents.parquet (agent_id) (1 row), e.g. A99",
        "error: assignments.parquet: site_id: not found in sites.parquet (site_id) (2 rows), e.g. XXX",
        "error: kpi_daily.parquet: agent_id: not found in agents.parquet (agent_id) (1 row), e.g. Z1",
        "warning: kpi_daily.parquet: date: rows on days the agent has no assignment "
        "(counted, left out of mode comparisons) (1 row), e.g. Z1 on 2026-03-31",
    ]


def test_overlapping_assignments_including_a_hidden_one(tmp_path: Path) -> None:
    """A6's first assignment is open-ended; the overlap with a later one is found even
    when an assignment between them does not overlap its neighbour."""
    tables = base_tables()
    extra = pl.DataFrame({
        "agent_id": ["A5", "A5"], "start_date": [D(2025, 2, 1), D(2025, 3, 1)],
        "end_date": [D(2025, 2, 10), None], "work_mode": ["remote", "remote"],
        "site_id": [None, None], "onsite_days_per_week": [None, None],
    }, schema=tables["assignments"].schema)
    tables["assignments"] = pl.concat([tables["assignments"], extra])
    folder = write_folder(tmp_path / "d", tables)
    assert check_lines(folder) == [
        "error: assignments.parquet: start_date, end_date: an agent's assignments overlap (2 rows), "
        "e.g. A5 from 2025-02-01, A5 from 2025-03-01",
    ]


def test_kpi_rows_without_assignment_are_a_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tables = base_tables()
    tables["kpi_daily"] = tables["kpi_daily"].with_columns(date=pl.Series([D(2023, 3, 30), D(2026, 3, 31), D(2026, 3, 31)]))
    folder = write_folder(tmp_path / "d", tables)
    assert main(["check", "--data", str(folder)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "warning: kpi_daily.parquet: date: rows on days the agent has no assignment "
        "(counted, left out of mode comparisons) (1 row), e.g. A1 on 2023-03-30",
        f"{folder}: 0 errors, 1 warning",
    ]


def test_table_as_file_and_folder_is_an_error(tmp_path: Path) -> None:
    tables = base_tables()
    folder = write_folder(tmp_path / "d", tables)
    write_folder(folder, {"kpi_daily": {"month=2026-03/part-0.parquet": tables["kpi_daily"]}})
    assert check_lines(folder) == [
        "error: kpi_daily.parquet: table given both as kpi_daily.parquet and as folder kpi_daily/; keep one"
    ]


def test_partitioned_folder_reads_and_mixed_types_are_named(tmp_path: Path) -> None:
    tables = base_tables()
    kpi = tables.pop("kpi_daily")
    folder = write_folder(tmp_path / "d", tables)
    write_folder(folder, {"kpi_daily": {
        "month=2026-03/day=30/part-0.parquet": kpi.head(1),
        "month=2026-03/day=31/part-0.parquet": kpi.tail(2),
    }})
    assert check_lines(folder) == []
    assert check_folder(folder).rows["kpi_daily"] == 3
    kpi_bad = kpi.tail(2).with_columns(pl.col("contacts").cast(pl.Utf8))
    kpi_bad.write_parquet(folder / "kpi_daily/month=2026-03/day=31/part-0.parquet")
    assert check_lines(folder) == [
        "error: kpi_daily/: contacts: wrong type string, expected int, "
        "e.g. in 1 of 2 files, kpi_daily/month=2026-03/day=31/part-0.parquet"
    ]


def test_empty_table_and_empty_folder(tmp_path: Path) -> None:
    tables = base_tables()
    tables["sites"] = tables["sites"].clear()
    kpi = tables.pop("kpi_daily")
    folder = write_folder(tmp_path / "d", tables)
    (folder / "kpi_daily").mkdir()
    lines = check_lines(folder)
    assert lines[:1] == ["error: kpi_daily/: folder holds no .parquet files"]
    assert "error: sites.parquet: table has no rows (0 rows)" in lines
    del kpi


def test_json_output_has_the_same_problems(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tables = base_tables()
    tables["agents"] = tables["agents"].with_columns(fte=pl.Series([1.0, 1.5, 1.0, 0.5, 1.0, 1.0, 1.0, 1.0]))
    folder = write_folder(tmp_path / "d", tables)
    assert main(["check", "--data", str(folder), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False and report["errors"] == 1 and report["warnings"] == 0
    assert report["problems"] == [{
        "file": "agents.parquet", "rule": "must be > 0 and <= 1", "column": "fte",
        "rows": 1, "examples": ["A2: 1.5"], "severity": "error",
    }]


def test_partition_folders_named_after_a_contract_column_are_refused(tmp_path: Path) -> None:
    """kpi_daily/contacts=5/ would replace every row's contacts with 5."""
    tables = base_tables()
    kpi = tables.pop("kpi_daily")
    folder = write_folder(tmp_path / "d", tables)
    write_folder(folder, {"kpi_daily": {"contacts=5/part-0.parquet": kpi}})
    assert check_lines(folder) == [
        "error: kpi_daily/: contacts: partition folders are named after this contract column (contacts=...); "
        "rename the folders or drop the partitioning, e.g. kpi_daily/contacts=5"
    ]


def test_timestamp_with_time_zone_dates_do_not_depend_on_the_machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """KPI dates written as UTC midnight: 2026-03-31 whatever TZ the planner is in."""
    import time

    tables = base_tables()
    tables["kpi_daily"] = tables["kpi_daily"].with_columns(
        pl.col("date").cast(pl.Datetime("us", "UTC"))
    )
    folder = write_folder(tmp_path / "data", tables)
    monkeypatch.setenv("TZ", "America/Chicago")
    time.tzset()
    try:
        assert main(["report", "--data", str(folder)]) == 0
        assert json.loads(capsys.readouterr().out)["as_of"] == "2026-03-31"
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_running_out_of_memory_is_not_called_an_unreadable_file(small_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """DuckDB's memory_limit reached while a table's rules run is no fault of the file: the
    problem says the table was not checked, why, and what to change, not "cannot read"."""
    from queries.engines.duckdb_engine import DuckDBJob
    from queries.engines.protocol import QueryError, connect

    real = DuckDBJob.sql

    def sql(self: DuckDBJob, text: str, params: object = None) -> object:
        if "FROM kpi_daily" in text and "count(*)" in text:
            raise QueryError("Out of Memory Error: could not allocate block of size 256.0 KiB (953.5 MiB/953.6 MiB used)")
        return real(self, text, params)  # type: ignore[arg-type]

    monkeypatch.setattr(DuckDBJob, "sql", sql)
    result = check_folder(small_folder, connect(small_folder))
    [problem] = [p for p in result.problems if p.file.startswith("kpi_daily")]
    assert problem.rule == ("not checked: the engine ran out of memory (953.5 MiB/953.6 MiB used); raise "
                            "memory_limit under [engine.duckdb] in the settings, or leave it unset")
    assert problem.severity == "error" and not result.ok
