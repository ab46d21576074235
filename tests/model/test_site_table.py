"""The Site costs table's rows and totals (queries/model/site_table.py), by hand on the small folder.

tests/folders.py as of 2026-03-31: KEN 10 seats, 100,000 lease + 50,000 opex, demand 2.4
(A1, A2 onsite, A3 hybrid 2 days); BOI 8 seats, 60,000 + 30,000, demand 1 + 0.5 x 3/5 = 1.3
(A5 onsite, A4 hybrid 3 days at 0.5 FTE); TUL 4 seats, 20,000 + 10,000, demand 1 (A7 onsite).
Commute a year at 0.43 USD/km (tests/report/test_export.py): KEN 18,240 km (A1, A2; A3 lives too far),
BOI 5,472 km (A4; A5 too far), TUL 0 (A7 has no home region).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from queries.config import Parameters
from queries.contract.check import open_folder
from queries.model.scenario import Closure, Scenario
from queries.model.site_table import site_rows, site_total
from queries.plan.loading import load_workforce
from queries.plan.session import PlanSession

CLOSE = dt.date(2026, 9, 30)


@pytest.fixture
def closing_ken(small_folder: Path) -> PlanSession:
    engine, result = open_folder(small_folder)
    assert result.ok
    session = PlanSession(load_workforce(engine, dt.date(2026, 3, 31)), Parameters(), regions=engine.query("regions"))
    session.edit(Scenario(closures=[Closure(site_id="KEN", close_date=CLOSE)]))
    return session


def rows_of(session: PlanSession, with_commute: bool = True) -> pl.DataFrame:
    scenario, base = session.evaluate(), session.baseline_evaluation
    closures = {c.site_id: c.close_date for c in session.scenario.closures}
    return site_rows(scenario.site_costs, base.site_costs, closures,
                     scenario.commute if with_commute else None, base.commute if with_commute else None)


def test_a_closed_site_keeps_its_baseline_figures_and_its_close_date(closing_ken: PlanSession) -> None:
    rows = rows_of(closing_ken)
    got = [(r["site_id"], r["closes"], r["annual_cost"], r["commute_cost"]) for r in rows.iter_rows(named=True)]
    assert [g[:3] for g in got] == [("BOI", None, 90_000), ("TUL", None, 30_000), ("KEN", CLOSE, 150_000)]
    # KEN's commute is the baseline's: what closing it saves A1 and A2.
    assert [g[3] for g in got] == pytest.approx([5_472 * 0.43, 0.0, 18_240 * 0.43])


def test_the_total_counts_the_sites_kept_open(closing_ken: PlanSession) -> None:
    total = site_total(rows_of(closing_ken))
    assert (total["open_sites"], total["closed_sites"]) == (2, 1)
    assert (total["seats"], total["lease_annual"], total["opex_annual"], total["annual_cost"]) == (12, 80_000, 40_000, 120_000)
    assert total["seat_demand"] == pytest.approx(2.3)  # BOI 1.3 + TUL 1
    assert total["utilization"] == pytest.approx(2.3 / 12)
    assert total["cost_per_seat"] == pytest.approx(10_000)
    assert total["cost_per_seat_used"] == pytest.approx(120_000 / 2.3)
    assert (total["agents_onsite"], total["agents_hybrid"]) == (2, 1)  # A5, A7; A4
    assert total["commute_cost"] == pytest.approx(5_472 * 0.43)


def test_without_open_sites_or_commute_the_ratios_are_none(closing_ken: PlanSession) -> None:
    only_ken = rows_of(closing_ken).filter(site_id="KEN")  # a filter that shows the closed site alone
    total = site_total(only_ken)
    assert (total["open_sites"], total["closed_sites"], total["seats"], total["annual_cost"]) == (0, 1, 0, 0)
    assert (total["utilization"], total["cost_per_seat"], total["cost_per_seat_used"], total["commute_cost"]) == (
        None, None, None, None)
    without_regions = site_total(rows_of(closing_ken, with_commute=False))
    assert without_regions["commute_cost"] is None and without_regions["annual_cost"] == 120_000
