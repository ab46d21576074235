"""The one scan of kpi_daily (queries/contract/check.py `_KpiScan`): what it counts besides the
value rules, against folders whose answers are worked out by hand, and the lines the user reads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest

import queries.contract.check as check
from queries.contract.check import check_folder
from tests.folders import D, base_tables, write_folder


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, int]]:
    """What each scan of kpi_daily settled (`found`), in the order of the checks."""
    found: list[dict[str, int]] = []
    real = check._KpiScan.settle

    def settle(self: Any, counts: tuple[Any, ...]) -> None:
        real(self, counts)
        found.append(dict(self.found))

    monkeypatch.setattr(check._KpiScan, "settle", settle)
    return found


def lines(folder: Path) -> list[str]:
    return [p.line() for p in check_folder(folder).problems]


def kpi_rows(dates: list[Any], agents: list[str]) -> pl.DataFrame:
    first = base_tables()["kpi_daily"].head(1)
    return pl.concat([first.with_columns(date=pl.lit(d), agent_id=pl.lit(a)) for d, a in zip(dates, agents, strict=True)])


def test_a_clean_folder_is_settled_in_the_scan(tmp_path: Path, settled: list[dict[str, int]]) -> None:
    assert lines(write_folder(tmp_path / "d")) == []
    assert settled == [{"dangling agent_id": 0, "unassigned": 0, "dupes": 0}]


def test_assignments_with_gaps_and_adjacent_ones(tmp_path: Path, settled: list[dict[str, int]]) -> None:
    """A1 works 2025-01-01..01-31, then 02-01..02-28 (adjacent: one span), is away in March,
    back 04-01..04-30, away in May, and from 06-01 on. Rows in the spans are assigned (the
    third one only through the list of spans); the two in the gaps are not."""
    tables = base_tables()
    a1 = pl.DataFrame({
        "agent_id": ["A1"] * 4,
        "start_date": [D(2025, 1, 1), D(2025, 2, 1), D(2025, 4, 1), D(2025, 6, 1)],
        "end_date": [D(2025, 1, 31), D(2025, 2, 28), D(2025, 4, 30), None],
        "work_mode": ["onsite", "remote", "onsite", "onsite"], "site_id": ["KEN", None, "KEN", "KEN"],
        "onsite_days_per_week": [None] * 4,
    }, schema=tables["assignments"].schema)
    others = tables["assignments"].filter(pl.col("agent_id") != "A1")
    tables["assignments"] = pl.concat([a1, others])
    tables["kpi_daily"] = kpi_rows(
        [D(2025, 1, 31), D(2025, 2, 1), D(2025, 3, 15), D(2025, 4, 30), D(2025, 5, 1), D(2026, 3, 31)],
        ["A1"] * 6)
    assert lines(write_folder(tmp_path / "d", tables)) == [
        "warning: kpi_daily.parquet: date: rows on days the agent has no assignment "
        "(counted, left out of mode comparisons) (2 rows), e.g. A1 on 2025-03-15, A1 on 2025-05-01",
    ]
    assert settled == [{"dangling agent_id": 0, "unassigned": 2, "dupes": 0}]


def test_duplicates_and_an_agent_only_in_assignments(tmp_path: Path, settled: list[dict[str, int]]) -> None:
    """A1 twice on 2026-03-31 (one row beyond the bitmap's bits); A9 is assigned but not in
    agents: its rows are dangling, still numbered for the bitmap, and assigned."""
    tables = base_tables()
    extra = tables["assignments"].head(1).with_columns(agent_id=pl.lit("A9"))
    tables["assignments"] = pl.concat([tables["assignments"], extra])
    tables["kpi_daily"] = kpi_rows([D(2026, 3, 30), D(2026, 3, 31), D(2026, 3, 31), D(2026, 3, 31)],
                                   ["A1", "A1", "A1", "A9"])
    assert lines(write_folder(tmp_path / "d", tables)) == [
        "error: assignments.parquet: agent_id: not found in agents.parquet (agent_id) (1 row), e.g. A9",
        "error: kpi_daily.parquet: date, agent_id: must be unique (2 rows), e.g. 2026-03-31 / A1 (2 times)",
        "error: kpi_daily.parquet: agent_id: not found in agents.parquet (agent_id) (1 row), e.g. A9",
    ]
    assert settled == [{"dangling agent_id": 1, "unassigned": 0, "dupes": 1}]


def test_rows_the_bitmap_cannot_key_leave_uniqueness_to_its_own_query(
        tmp_path: Path, settled: list[dict[str, int]]) -> None:
    """Z1 is in neither agents nor assignments: no number, so the scan does not settle
    uniqueness, and the rule's own group-by finds Z1's duplicate."""
    tables = base_tables()
    tables["kpi_daily"] = kpi_rows([D(2026, 3, 31), D(2026, 3, 31)], ["Z1", "Z1"])
    assert lines(write_folder(tmp_path / "d", tables)) == [
        "error: kpi_daily.parquet: date, agent_id: must be unique (2 rows), e.g. 2026-03-31 / Z1 (2 times)",
        "error: kpi_daily.parquet: agent_id: not found in agents.parquet (agent_id) (2 rows), e.g. Z1",
        "warning: kpi_daily.parquet: date: rows on days the agent has no assignment "
        "(counted, left out of mode comparisons) (2 rows), e.g. Z1 on 2026-03-31, Z1 on 2026-03-31",
    ]
    assert settled == [{"dangling agent_id": 2, "unassigned": 2}]


def test_the_apps_check_runs_on_one_thread_and_gives_the_engines_back(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from queries.engines.duckdb_engine import Engine

    folder = write_folder(tmp_path / "d")
    engine = Engine(folder, threads=4)
    during: list[str] = []
    real = check._run_steps

    def run_steps(engine: Any, *args: Any) -> None:
        during.append(engine.sql("SELECT current_setting('threads')").row(0)[0])
        real(engine, *args)

    monkeypatch.setattr(check, "_run_steps", run_steps)
    assert check_folder(folder, engine, threads=1).problems == []
    assert check_folder(folder, engine).problems == []
    assert during == [1, 4]
    assert engine.sql("SELECT current_setting('threads')").row(0)[0] == 4
