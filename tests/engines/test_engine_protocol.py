"""The engine protocol (queries/engines/protocol.py): the loading code runs on any engine.

A fake engine that answers the named queries from frames it was handed drives the loading
code and the report's sections; it sees only query names and bound parameters, never SQL
text, which is what lets a second engine (Spark) run the same core.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from queries.config import EngineSettings, Parameters
from queries.contract.check import open_folder
from queries.engines.protocol import EngineError, Queries, connect
from queries.model.headcount import headcount_section, monthly_trend
from queries.model.period import Period
from queries.plan.loading import data_range, load_kpi_inputs, load_plan_data, row_counts
from queries.plan.session import PlanSession

AS_OF = dt.date(2026, 3, 31)


class FakeEngine:
    """Answers each named query from a frame recorded beforehand; records what it was asked."""

    def __init__(self, answers: dict[str, pl.DataFrame], tables: set[str]) -> None:
        self.answers = answers
        self.tables = tables
        self.asked: list[tuple[str, dict[str, Any]]] = []

    def query(self, name: str, params: Any = None) -> pl.DataFrame:
        self.asked.append((name, dict(params or {})))
        return self.answers[name]

    def has(self, table: str) -> bool:
        return table in self.tables


class Recorder:
    """Runs the real engine and keeps each named query's answer, for the fake to replay."""

    def __init__(self, real: Queries) -> None:
        self.real = real
        self.answers: dict[str, pl.DataFrame] = {}

    def query(self, name: str, params: Any = None) -> pl.DataFrame:
        self.answers[name] = self.real.query(name, params)
        return self.answers[name]

    def has(self, table: str) -> bool:
        return self.real.has(table)


def test_a_fake_engine_drives_the_loading_code_to_the_same_figures(small_folder: Path) -> None:
    engine, result = open_folder(small_folder)
    assert result.ok
    period = Period(as_of=AS_OF, start=dt.date(2026, 1, 1), end=AS_OF)
    recorder = Recorder(engine)
    real = load_plan_data(recorder, period, data_range(recorder))
    real_kpis = load_kpi_inputs(recorder, period)
    real_rows = row_counts(recorder)

    fake = FakeEngine(recorder.answers, set(engine.tables))
    available = data_range(fake)
    assert available is not None and available.last == AS_OF
    data = load_plan_data(fake, period, available)
    kpis = load_kpi_inputs(fake, period)
    # The fake was asked by name, with the period's dates bound as parameters.
    assert [name for name, _ in fake.asked] == ["kpi_date_range", "assignment_first_start", "sites_active", "workforce_on_date",
                                                "headcount_monthly", "regions", "kpi_group_sums", "attrition_inputs"]
    assert dict(fake.asked)["workforce_on_date"] == {"as_of": AS_OF}
    assert dict(fake.asked)["kpi_group_sums"] == {"start": dt.date(2026, 1, 1), "end": AS_OF}
    assert row_counts(fake) == real_rows

    # The planning model cannot tell the engines apart: 7 agents, 4 onsite, 2 hybrid, 1 remote
    # on 2026-03-31 and a baseline total of 545,480 (tests/model/test_site_costs.py works it out).
    session = PlanSession(data.workforce, Parameters(), regions=data.regions)
    assert session.baseline_evaluation.outcome.total_annual_cost == pytest.approx(545_480)
    section = headcount_section(data.workforce, monthly_trend(data.monthly))
    assert section == headcount_section(real.workforce, monthly_trend(real.monthly))
    assert section["total"]["headcount"] == 7
    assert kpis.groups.equals(real_kpis.groups) and kpis.groups.height > 0


def test_connect_names_the_engine_it_cannot_find(tmp_path: Path) -> None:
    settings = EngineSettings.model_construct(name="oracle")
    with pytest.raises(EngineError, match="engine 'oracle' is not known; known: duckdb"):
        connect(tmp_path, settings)


def test_the_duckdb_engine_wraps_its_errors_and_says_what_it_can_do(small_folder: Path) -> None:
    engine = connect(small_folder)
    assert engine.name == "duckdb"
    assert engine.capabilities.interrupt and engine.capabilities.progress
    with pytest.raises(EngineError, match="sites"):
        engine.query("sites_active")  # no views yet: DuckDB's error arrives wrapped, one line


def test_the_protocol_imports_no_backend() -> None:
    """A backend's driver is imported only when the engine is named."""
    code = "import sys, queries.engines.protocol, queries.plan.loading; print('duckdb' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
