"""KPI figures checked by hand against spec/model.md ("KPIs", "Comparing two groups", "Privacy
floor"), by a reviewer who did not write queries/model/kpi.py or kpi_group_sums*.sql.

Every expected number below is worked out in the comments with fractions, from the spec's
text, and is never taken from the code under test. scipy is used for the t quantile only.
Each folder is tiny and loaded through the engine (`open_folder`, `load_kpi_inputs`), so the
SQL aggregation and the model functions are both on the path.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from fractions import Fraction as F
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from scipy import stats

from queries.contract.check import open_folder
from queries.model.kpi import KpiInputs, compare, kpi_groups, kpi_section
from queries.model.period import Period
from queries.plan.loading import load_kpi_inputs
from tests.folders import base_tables, write_folder

D = dt.date
MARCH = Period(as_of=D(2026, 3, 31), start=D(2026, 3, 1), end=D(2026, 3, 31))
FIGURES = ("aht_seconds", "fcr", "csat", "qa", "adherence", "fraud_per_100k_contacts")
KPI_SCHEMA = {
    "date": pl.Date, "agent_id": pl.Utf8, "contacts": pl.Int64, "handle_seconds": pl.Float64,
    "fcr_eligible": pl.Int64, "fcr_resolved": pl.Int64, "csat_responses": pl.Int64, "csat_points": pl.Float64,
    "qa_evaluations": pl.Int64, "qa_points": pl.Float64, "scheduled_minutes": pl.Float64,
    "adherent_minutes": pl.Float64, "fraud_incidents": pl.Int64,
}


# -- a tiny folder: base_tables()' sites and regions, our own agents, assignments, KPI rows ---


def row(
    date: dt.date, agent: str, contacts: int = 0, handle: float = 0.0, fcr: tuple[int, int] = (0, 0),
    csat: tuple[int, float] = (0, 0.0), qa: tuple[int, float] = (0, 0.0), adherence: tuple[float, float] = (0.0, 0.0),
    fraud: int = 0,
) -> tuple[Any, ...]:
    """A kpi_daily row; fcr = (eligible, resolved), csat/qa = (count, points),
    adherence = (scheduled, adherent) minutes."""
    return (date, agent, contacts, handle, *fcr, *csat, *qa, *adherence, fraud)


def kpi_frame(rows: list[tuple[Any, ...]]) -> pl.DataFrame:
    return pl.DataFrame(rows, orient="row", schema=KPI_SCHEMA)


def tables(
    agents: list[tuple[str, dt.date]], assignments: list[tuple[str, dt.date, dt.date | None, str, str | None]],
    rows: list[tuple[Any, ...]],
) -> dict[str, pl.DataFrame]:
    """agents: (id, hire_date), none leaves; assignments: (id, start, end, mode, site)."""
    base = base_tables()
    base["agents"] = pl.DataFrame(
        [(a, hire, None, None, 20.0, 1.0) for a, hire in agents], orient="row",
        schema={"agent_id": pl.Utf8, "hire_date": pl.Date, "term_date": pl.Date, "home_region": pl.Utf8,
                "hourly_wage": pl.Float64, "fte": pl.Float64},
    )
    base["assignments"] = pl.DataFrame(
        [(*a, None) for a in assignments], orient="row",
        schema={"agent_id": pl.Utf8, "start_date": pl.Date, "end_date": pl.Date, "work_mode": pl.Utf8,
                "site_id": pl.Utf8, "onsite_days_per_week": pl.Float64},
    )
    base["kpi_daily"] = kpi_frame(rows)
    return base


def load(folder: Path, period: Period = MARCH) -> KpiInputs:
    engine, result = open_folder(folder)
    assert result.ok, [p.as_dict() for p in result.problems]
    return load_kpi_inputs(engine, period)


def by_mode(inputs: KpiInputs, min_agents: int, by: tuple[str, ...] = ()) -> dict[Any, dict[str, Any]]:
    shown = kpi_groups(inputs.groups, inputs.attrition, by, min_agents)
    keys = ["work_mode", *by]
    return {tuple(r[k] for k in keys) if by else r["work_mode"]: r for r in shown.iter_rows(named=True)}


def approx(value: F | float) -> Any:
    return pytest.approx(float(value), rel=1e-12, abs=1e-12)


def t975(df: F) -> float:
    return float(stats.t.ppf(0.975, float(df)))


# -- 1. group KPIs are ratios of sums; a zero denominator is n/a -----------------------------


def test_group_kpis_are_ratios_of_sums_and_a_zero_denominator_is_none(tmp_path: Path) -> None:
    """March 2026, k = 2.

    onsite  O1 2026-03-02: 10 contacts, 3,000 s, FCR 6/8,  CSAT 9/2,  QA 80/1,  456/480 min, 1 fraud
            O1 2026-03-03: 20 contacts, 5,000 s, FCR 9/10, CSAT 13/3, QA 0/0,   470/480 min, 0 fraud
            O2 2026-03-05: 30 contacts, 6,600 s, FCR 15/20, CSAT 21/5, QA 170/2, 400/480 min, 2 fraud
      sums: contacts 60, handle 14,600, FCR 30/38, CSAT 43/10, QA 250/3, adherence 1,326/1,440, fraud 3
      AHT 14,600/60 = 730/3 = 243.33 s; FCR 30/38 = 15/19; CSAT 43/10 = 4.3; QA 250/3 = 83.33;
      adherence 1,326/1,440 = 221/240; fraud 3 x 100,000 / 60 = 5,000 per 100k
    remote  R1 2026-03-10: 40 contacts, 8,000 s, FCR 20/30, CSAT 18/4, QA 90/1, 480/480 min, 0 fraud
            R2 2026-03-11: every count 0, 300/480 adherent minutes
      AHT 8,000/40 = 200; FCR 20/30 = 2/3; CSAT 18/4 = 4.5; QA 90/1 = 90;
      adherence 780/960 = 13/16; fraud 0 x 100,000 / 40 = 0 (a real 0: there are contacts)
    hybrid  H1 2026-03-12: 0 contacts but 120 handle seconds and 1 fraud incident, nothing scheduled
            H2 2026-03-13: all zeros
      every denominator is 0: every KPI is None ("n/a"), never 0 nor an error; agents = 2.
    """
    hire = D(2024, 6, 1)
    folder = write_folder(tmp_path / "data", tables(
        [(a, hire) for a in ("O1", "O2", "R1", "R2", "H1", "H2")],
        [("O1", hire, None, "onsite", "KEN"), ("O2", hire, None, "onsite", "BOI"),
         ("R1", hire, None, "remote", None), ("R2", hire, None, "remote", None),
         ("H1", hire, None, "hybrid", "KEN"), ("H2", hire, None, "hybrid", "KEN")],
        [row(D(2026, 3, 2), "O1", 10, 3000.0, (8, 6), (2, 9.0), (1, 80.0), (480.0, 456.0), 1),
         row(D(2026, 3, 3), "O1", 20, 5000.0, (10, 9), (3, 13.0), (0, 0.0), (480.0, 470.0), 0),
         row(D(2026, 3, 5), "O2", 30, 6600.0, (20, 15), (5, 21.0), (2, 170.0), (480.0, 400.0), 2),
         row(D(2026, 3, 10), "R1", 40, 8000.0, (30, 20), (4, 18.0), (1, 90.0), (480.0, 480.0), 0),
         row(D(2026, 3, 11), "R2", adherence=(480.0, 300.0)),
         row(D(2026, 3, 12), "H1", 0, 120.0, fraud=1),
         row(D(2026, 3, 13), "H2")],
    ))
    groups = by_mode(load(folder), min_agents=2)
    onsite, remote, hybrid = groups["onsite"], groups["remote"], groups["hybrid"]
    assert (onsite["agents"], onsite["contacts"]) == (2, 60)
    assert onsite["aht_seconds"] == approx(F(730, 3))
    assert onsite["fcr"] == approx(F(15, 19))
    assert onsite["csat"] == approx(F(43, 10))
    assert onsite["qa"] == approx(F(250, 3))
    assert onsite["adherence"] == approx(F(221, 240))
    assert onsite["fraud_per_100k_contacts"] == approx(5000)
    assert (remote["agents"], remote["contacts"]) == (2, 40)
    assert remote["aht_seconds"] == approx(200)
    assert remote["fcr"] == approx(F(2, 3))
    assert remote["csat"] == approx(F(9, 2))
    assert remote["qa"] == approx(90)
    assert remote["adherence"] == approx(F(13, 16))
    assert remote["fraud_per_100k_contacts"] == 0.0 and remote["fraud_per_100k_contacts"] is not None
    assert (hybrid["agents"], hybrid["contacts"], hybrid["suppressed"]) == (2, 0, False)
    assert all(hybrid[name] is None for name in FIGURES), {name: hybrid[name] for name in FIGURES}


# -- 2. a move mid-month: each row counts in the mode of its own date -----------------------


def test_a_move_mid_month_counts_each_row_in_the_mode_of_its_date(tmp_path: Path) -> None:
    """M1 works onsite at KEN through 2026-03-15 (end_date inclusive) and remote from
    2026-03-16. Its rows: 2026-03-15 (10 contacts, 3,000 s) is onsite, 2026-03-16 (20, 4,000 s)
    is remote. O1 onsite KEN: 2026-03-16 (10, 2,000 s). R1 remote from 2026-03-05: 2026-03-15
    (10, 1,000 s), and 2026-03-04 (999 contacts, 99,999 s) has no assignment: left out.

    onsite: agents {M1, O1} = 2, contacts 10 + 10 = 20, AHT (3,000 + 2,000) / 20 = 250
    remote: agents {M1, R1} = 2, contacts 20 + 10 = 30, AHT (4,000 + 1,000) / 30 = 500/3
    M1 counts once in each mode. By site: onsite KEN = the onsite figures; remote (site NULL) the
    remote ones. By month: March = the same again.
    """
    hire = D(2024, 6, 1)
    folder = write_folder(tmp_path / "data", tables(
        [("M1", hire), ("O1", hire), ("R1", hire)],
        [("M1", hire, D(2026, 3, 15), "onsite", "KEN"), ("M1", D(2026, 3, 16), None, "remote", None),
         ("O1", hire, None, "onsite", "KEN"), ("R1", D(2026, 3, 5), None, "remote", None)],
        [row(D(2026, 3, 15), "M1", 10, 3000.0), row(D(2026, 3, 16), "M1", 20, 4000.0),
         row(D(2026, 3, 16), "O1", 10, 2000.0), row(D(2026, 3, 15), "R1", 10, 1000.0),
         row(D(2026, 3, 4), "R1", 999, 99999.0)],
    ))
    inputs = load(folder)
    modes = by_mode(inputs, min_agents=1)
    assert (modes["onsite"]["agents"], modes["onsite"]["contacts"]) == (2, 20)
    assert modes["onsite"]["aht_seconds"] == approx(250)
    assert (modes["remote"]["agents"], modes["remote"]["contacts"]) == (2, 30)
    assert modes["remote"]["aht_seconds"] == approx(F(500, 3))
    assert "hybrid" not in modes
    sites = by_mode(inputs, 1, ("site_id",))
    assert (sites[("onsite", "KEN")]["agents"], sites[("onsite", "KEN")]["contacts"]) == (2, 20)
    assert (sites[("remote", None)]["agents"], sites[("remote", None)]["contacts"]) == (2, 30)
    months = by_mode(inputs, 1, ("month",))
    assert months[("onsite", D(2026, 3, 1))]["aht_seconds"] == approx(250)
    assert months[("remote", D(2026, 3, 1))]["agents"] == 2
    # Every agent is hired 2024-06-01: 6-24 months at 2026-03-31, and M1 is in that band on both sides.
    bands = by_mode(inputs, 1, ("tenure_band",))
    assert {k: v["agents"] for k, v in bands.items()} == {("onsite", "6-24 months"): 2, ("remote", "6-24 months"): 2}


# -- 3. the delta-method comparison, Welch's interval ----------------------------------------


def comparison_tables(extra_remote: list[tuple[Any, ...]] | None = None) -> dict[str, pl.DataFrame]:
    """remote R1..R4, onsite O1..O3, all hired 2024-06-01 (one tenure band), one March row each
    (contacts, handle seconds, QA evaluations/points):
      R1 10, 3,000 s, QA 90/1   O1 10, 2,000 s, QA 80/1
      R2 20, 5,000 s            O2 20, 5,200 s, QA 170/2
      R3 30, 6,600 s            O3 40, 10,000 s
      R4  0,     0 s (den 0: in `agents`, left out of the delta method)
    No remote agent has an FCR-eligible contact."""
    hire = D(2024, 6, 1)
    ids = ["R1", "R2", "R3", "R4", "O1", "O2", "O3"]
    rows = [
        row(D(2026, 3, 2), "R1", 10, 3000.0, qa=(1, 90.0)), row(D(2026, 3, 2), "R2", 20, 5000.0),
        row(D(2026, 3, 2), "R3", 30, 6600.0), row(D(2026, 3, 2), "R4", 0, 0.0),
        row(D(2026, 3, 2), "O1", 10, 2000.0, (5, 4), qa=(1, 80.0)),
        row(D(2026, 3, 2), "O2", 20, 5200.0, (5, 3), qa=(2, 170.0)),
        row(D(2026, 3, 2), "O3", 40, 10000.0, (5, 5)),
    ]
    return tables(
        [(a, hire) for a in ids],
        [(a, hire, None, "remote" if a.startswith("R") else "onsite", None if a.startswith("R") else "KEN") for a in ids],
        rows + (extra_remote or []),
    )


def test_delta_method_and_welch_interval_three_agents_against_three(tmp_path: Path) -> None:
    """AHT, remote (a) against onsite (b), k = 3.

    a: R = (3,000 + 5,000 + 6,600) / (10 + 20 + 30) = 14,600 / 60 = 730/3; n = 3 (R4 has no
       contacts), mean(den) = 60/3 = 20.
       z = (3,000 - 730/3 x 10) / 20 = (1,700/3) / 20 = 85/3
           (5,000 - 730/3 x 20) / 20 = (400/3) / 20 = 20/3
           (6,600 - 730/3 x 30) / 20 = -700 / 20 = -35          (sum 0)
       var(z) = ((85/3)^2 + (20/3)^2 + 35^2) / 2 = (7,225 + 400 + 11,025) / 9 / 2 = 9,325/9
       Var(R_a) = 9,325/27 = 345.370...
    b: R = (2,000 + 5,200 + 10,000) / (10 + 20 + 40) = 17,200 / 70 = 1,720/7; mean(den) = 70/3.
       z = 3 (2,000 - 17,200/7) / 70 = 3 (-3,200/7) / 70 = -960/49
           3 (5,200 - 34,400/7) / 70 = 3 (2,000/7) / 70 = 600/49
           3 (10,000 - 68,800/7) / 70 = 3 (1,200/7) / 70 = 360/49   (sum 0)
       var(z) = (960^2 + 600^2 + 360^2) / 49^2 / 2 = 1,411,200 / 2,401 / 2 = 705,600/2,401
       Var(R_b) = 235,200/2,401 = 4,800/49 = 97.959...
    difference = 730/3 - 1,720/7 = (5,110 - 5,160) / 21 = -50/21 = -2.381
    se^2 = 9,325/27 + 4,800/49 = 443.33; df = se^4 / ((9,325/27)^2 / 2 + (4,800/49)^2 / 2) = 3.0501
    half-width = t(0.975, 3.0501) x sqrt(443.33) = 3.1531 x 21.055 = 66.39: [-68.77, 64.01], not
    significant.

    QA: remote has one agent with an evaluation (R1, 90), onsite 250/3: difference
    90 - 250/3 = 20/3, and no interval (fewer than 2 agents with a value on the remote side).
    FCR: remote has no eligible contact: n/a, so no difference either.
    """
    inputs = load(write_folder(tmp_path / "data", comparison_tables()))
    assert by_mode(inputs, 3)["remote"]["agents"] == 4
    got = {c.kpi: c for c in compare(inputs.groups, "remote", "onsite", min_agents=3)}

    va, vb = F(9325, 27), F(4800, 49)
    difference = F(730, 3) - F(1720, 7)
    assert difference == F(-50, 21)
    se2 = va + vb
    df = se2**2 / (va**2 / 2 + vb**2 / 2)
    half = t975(df) * math.sqrt(se2)
    aht = got["aht_seconds"]
    assert aht.difference == approx(difference)
    assert aht.ci_low == approx(float(difference) - half)
    assert aht.ci_high == approx(float(difference) + half)
    assert aht.significant is False
    assert float(df) == pytest.approx(3.0500641626513896, rel=1e-9)  # the df worked out above

    qa = got["qa"]
    assert qa.difference == approx(F(20, 3))
    assert (qa.ci_low, qa.ci_high, qa.significant) == (None, None, None)

    fcr = got["fcr"]
    assert (fcr.difference, fcr.ci_low, fcr.ci_high) == (None, None, None)


def test_the_difference_is_of_the_kpis_the_groups_show(tmp_path: Path) -> None:
    """As above, plus remote R5 with 0 contacts and 600 handle seconds (after-contact work only).

    The remote group shows AHT = (14,600 + 600) / 60 = 15,200/60 = 760/3 = 253.33 s, onsite
    1,720/7 = 245.71 s; the comparison's difference must be 760/3 - 1,720/7 = (5,320 - 5,160) / 21
    = 160/21 = 7.619 s (not -50/21 = -2.381 s, which leaves R5's 600 s out of the remote KPI).

    Its interval: R5 has no contacts, so z is over R1..R3 with R = 760/3, mean(den) = 20:
    z = (3,000 - 7,600/3) / 20 = 70/3, (5,000 - 15,200/3) / 20 = -10/3, (6,600 - 7,600) / 20 = -50;
    mean(z) = -10 (not 0: the shown KPI counts R5's seconds), deviations 100/3, 20/3, -40,
    var(z) = (10,000/9 + 400/9 + 1,600) / 2 = 12,400/9, Var(R_a) = 12,400/27; onsite as above
    4,800/49. Half-width = t(0.975, df) x sqrt(12,400/27 + 4,800/49), df by Welch-Satterthwaite.
    """
    hire = D(2024, 6, 1)
    base = comparison_tables([row(D(2026, 3, 2), "R5", 0, 600.0)])
    base["agents"] = pl.concat([base["agents"], base["agents"].head(1).with_columns(agent_id=pl.lit("R5"))])
    base["assignments"] = pl.concat([
        base["assignments"],
        base["assignments"].filter(pl.col("agent_id") == "R1").with_columns(agent_id=pl.lit("R5"), start_date=pl.lit(hire)),
    ])
    inputs = load(write_folder(tmp_path / "data", base))
    shown = by_mode(inputs, 3)
    assert shown["remote"]["aht_seconds"] == approx(F(760, 3))
    assert shown["onsite"]["aht_seconds"] == approx(F(1720, 7))
    [aht] = compare(inputs.groups, "remote", "onsite", ["aht_seconds"], False, min_agents=3)
    assert aht.difference == approx(F(160, 21))
    va, vb = 12400 / 27, 4800 / 49
    df = (va + vb) ** 2 / (va ** 2 / 2 + vb ** 2 / 2)
    half = stats.t.ppf(0.975, df) * math.sqrt(va + vb)
    assert (aht.ci_low, aht.ci_high) == (approx(160 / 21 - half), approx(160 / 21 + half))


# -- 4. tenure-adjusted difference ------------------------------------------------------------


def tenure_tables() -> dict[str, pl.DataFrame]:
    """AHT rows in March (contacts, handle seconds), one row per agent; tenure at 2026-03-31:
    hired 2026-01-05 '< 6 months', 2025-01-05 '6-24 months', 2022-01-05 '> 24 months'.
      < 6:   remote RA1 (10, 2,000), RA2 (20, 4,600)           onsite OA1 (10, 2,500), OA2 (10, 2,700), OA3 (20, 5,000)
      6-24:  remote RB1 (10, 2,200), RB2 (10, 2,600), RB3 (20, 4,000)   onsite OB1 (10, 2,400), OB2 (30, 7,500)
      > 24:  remote RC1 (10, 1,800)                            onsite OC1..OC3 (10, 2,000 / 2,100 / 2,300)
    """
    hires = {"A": D(2026, 1, 5), "B": D(2025, 1, 5), "C": D(2022, 1, 5)}
    data = {
        "RA1": (10, 2000.0), "RA2": (20, 4600.0), "OA1": (10, 2500.0), "OA2": (10, 2700.0), "OA3": (20, 5000.0),
        "RB1": (10, 2200.0), "RB2": (10, 2600.0), "RB3": (20, 4000.0), "OB1": (10, 2400.0), "OB2": (30, 7500.0),
        "RC1": (10, 1800.0), "OC1": (10, 2000.0), "OC2": (10, 2100.0), "OC3": (10, 2300.0),
    }
    return tables(
        [(a, hires[a[1]]) for a in data],
        [(a, hires[a[1]], None, "remote" if a[0] == "R" else "onsite", None if a[0] == "R" else "KEN") for a in data],
        [row(D(2026, 3, 9), a, c, h) for a, (c, h) in data.items()],
    )


def test_tenure_adjusted_difference_and_interval(tmp_path: Path) -> None:
    """AHT remote minus onsite, k = 2.

    < 6:  remote R = 6,600/30 = 220, mean(den) 15, z = -200/15, 200/15 = -40/3, 40/3,
          var(z) = 2 (40/3)^2 / 1 = 3,200/9, V = 1,600/9 (n 2)
          onsite R = 10,200/40 = 255, mean(den) 40/3, z = 3(-50)/40, 3(150)/40, 3(-100)/40
          = -15/4, 45/4, -15/2; var(z) = (225 + 2,025 + 900)/16 / 2 = 3,150/32, V = 525/16 (n 3)
          difference -35; w = min(2, 3) = 2
    6-24: remote R = 8,800/40 = 220, mean(den) 40/3, z = 0, 3(400)/40, 3(-400)/40 = 0, 30, -30;
          var(z) = 1,800/2 = 900, V = 300 (n 3)
          onsite R = 9,900/40 = 495/2, mean(den) 20, z = (2,400 - 2,475)/20, (7,500 - 7,425)/20
          = -15/4, 15/4; var(z) = 2 (225/16) = 225/8, V = 225/16 (n 2)
          difference 220 - 495/2 = -55/2; w = min(3, 2) = 2
    > 24: remote has 1 agent < k = 2: left out (with it, w would be 1).
    adjusted = (2 (-35) + 2 (-55/2)) / (2 + 2) = -125/4 = -31.25
    (The raw difference is 1,290/6 - 26,500/110 = 215 - 2,650/11 = -25.909: the mix differs.)
    Var = sum w^2 (V_a + V_b) / (sum w)^2 = 4 (1,600/9 + 525/16 + 300 + 225/16) / 16 = 37,775/288
    terms w^2 V / 16 = V/4: 400/9 (n 2), 525/64 (n 3), 75 (n 3), 225/64 (n 2)
    df = (37,775/288)^2 / ((400/9)^2/1 + (525/64)^2/2 + 75^2/2 + (225/64)^2/1) = 3.559
    half-width = t(0.975, 3.559) x sqrt(131.163) = 2.9175 x 11.453 = 33.41
    """
    inputs = load(write_folder(tmp_path / "data", tenure_tables()))
    [aht] = compare(inputs.groups, "remote", "onsite", ["aht_seconds"], True, min_agents=2)
    assert aht.difference == approx(F(215) - F(2650, 11))
    adjusted = F(2 * -35 + 2 * F(-55, 2), 4)
    assert adjusted == F(-125, 4)
    assert aht.tenure_adjusted_difference == approx(adjusted)
    terms = [(F(1600, 9) / 4, 2), (F(525, 16) / 4, 3), (F(300) / 4, 3), (F(225, 16) / 4, 2)]
    variance = sum(v for v, _ in terms)
    assert variance == F(37775, 288)
    df = variance**2 / sum(v**2 / (n - 1) for v, n in terms)
    half = t975(df) * math.sqrt(variance)
    assert half == pytest.approx(33.41327114927064, rel=1e-9)  # the figure worked out above
    assert aht.tenure_adjusted_ci_low == approx(float(adjusted) - half)
    assert aht.tenure_adjusted_ci_high == approx(float(adjusted) + half)


def test_no_band_at_the_floor_gives_no_tenure_adjusted_figure(tmp_path: Path) -> None:
    """k = 4: remote (6 agents) and onsite (8) are shown, but every band has a side below 4
    (< 6: 2 vs 3, 6-24: 3 vs 2, > 24: 1 vs 3): no tenure-adjusted figure nor interval, and the
    raw difference 215 - 2,650/11 is still shown."""
    inputs = load(write_folder(tmp_path / "data", tenure_tables()))
    [aht] = compare(inputs.groups, "remote", "onsite", ["aht_seconds"], True, min_agents=4)
    assert aht.difference == approx(F(215) - F(2650, 11))
    assert (aht.tenure_adjusted_difference, aht.tenure_adjusted_ci_low, aht.tenure_adjusted_ci_high) == (None, None, None)


def test_tenure_bands_at_the_periods_end_and_their_edges(tmp_path: Path) -> None:
    """Tenure at the period's end, 2026-03-31, in calendar months:
      hired 2025-10-01: 5 months 30 days  -> '< 6 months'
      hired 2025-09-30: exactly 6 months  -> '6-24 months' (not under 6)
      hired 2024-03-31: exactly 24 months -> '6-24 months' (not over 24)
      hired 2024-03-30: 24 months 1 day   -> '> 24 months'
    All remote, one March row each."""
    hires = {"E1": D(2025, 10, 1), "E2": D(2025, 9, 30), "E3": D(2024, 3, 31), "E4": D(2024, 3, 30)}
    inputs = load(write_folder(tmp_path / "data", tables(
        list(hires.items()), [(a, h, None, "remote", None) for a, h in hires.items()],
        [row(D(2026, 3, 31), a, 10, 1000.0) for a in hires],
    )))
    bands = {band: r["agents"] for (_, band), r in by_mode(inputs, 1, ("tenure_band",)).items()}
    assert bands == {"< 6 months": 1, "6-24 months": 2, "> 24 months": 1}


# -- 5. privacy floor -------------------------------------------------------------------------


def privacy_tables() -> dict[str, pl.DataFrame]:
    """One March row per agent, 10 contacts and 2,000 s each except BOI's 5 contacts and 1,000 s:
    onsite KEN K1..K3, onsite BOI B1..B3, onsite TUL T1 (7 onsite agents);
    remote W1..W3; hybrid H1, H2 at KEN."""
    hire = D(2024, 6, 1)
    where = {**{f"K{i}": ("onsite", "KEN") for i in (1, 2, 3)}, **{f"B{i}": ("onsite", "BOI") for i in (1, 2, 3)},
             "T1": ("onsite", "TUL"), **{f"W{i}": ("remote", None) for i in (1, 2, 3)},
             "H1": ("hybrid", "KEN"), "H2": ("hybrid", "KEN")}
    return tables(
        [(a, hire) for a in where],
        [(a, hire, None, mode, site) for a, (mode, site) in where.items()],
        [row(D(2026, 3, 9), a, 5 if a[0] == "B" else 10, 1000.0 if a[0] == "B" else 2000.0) for a in where],
    )


def test_privacy_floor_and_complementary_suppression(tmp_path: Path) -> None:
    """k = 3.
    By mode: onsite 7, remote 3 shown; hybrid 2 < 3: suppressed, no figure at all.
    By site, the onsite line KEN 3 | BOI 3 | TUL 1: TUL is under the floor; with only TUL hidden,
    TUL = onsite - KEN - BOI (e.g. contacts 55 - 30 - 15 = 10), so a second onsite site must be
    hidden too. Hybrid's line (KEN only, 2 agents) is suppressed; remote (NULL site, 3) shown.
    No comparison for the suppressed hybrid group; remote vs onsite has figures.
    """
    inputs = load(write_folder(tmp_path / "data", privacy_tables()))
    modes = by_mode(inputs, 3)
    assert not modes["onsite"]["suppressed"] and modes["onsite"]["agents"] == 7 and modes["onsite"]["contacts"] == 55
    assert not modes["remote"]["suppressed"] and modes["remote"]["aht_seconds"] == approx(200)
    assert modes["hybrid"]["suppressed"]
    assert all(modes["hybrid"][name] is None for name in (*FIGURES, "agents", "contacts"))

    sites = by_mode(inputs, 3, ("site_id",))
    onsite_line = {site: r["suppressed"] for (mode, site), r in sites.items() if mode == "onsite"}
    assert onsite_line["TUL"] is True
    assert sum(onsite_line.values()) >= 2, onsite_line  # never exactly one hidden cell in a line
    for r in sites.values():
        if r["suppressed"]:
            assert all(r[name] is None for name in (*FIGURES, "agents", "contacts"))
    assert sites[("hybrid", "KEN")]["suppressed"] and not sites[("remote", None)]["suppressed"]
    # The shown onsite sites never give away the hidden one: what is shown of the line is less than
    # the mode's total by at least two hidden cells.
    shown_contacts = sum(r["contacts"] for (mode, _), r in sites.items() if mode == "onsite" and not r["suppressed"])
    assert shown_contacts < 55

    for c in compare(inputs.groups, "hybrid", "onsite", min_agents=3):
        assert (c.difference, c.ci_low, c.ci_high, c.significant) == (None, None, None, None)
        assert (c.tenure_adjusted_difference, c.tenure_adjusted_ci_low, c.tenure_adjusted_ci_high) == (None, None, None)
    [aht] = compare(inputs.groups, "remote", "onsite", ["aht_seconds"], min_agents=3)
    # remote 3 x 2,000 / 30 = 200; onsite (3 x 2,000 + 3 x 1,000 + 2,000) / 55 = 11,000/55 = 200
    assert aht.difference == approx(0)

    report = kpi_section(inputs, 3)
    hybrid = next(g for g in report["groups"] if g["work_mode"] == "hybrid")
    assert hybrid["suppressed"] is True and all(hybrid[name] is None for name in FIGURES)
    for c in report["comparisons"]:
        if c["group"] == "hybrid":
            assert c["difference"] is None and c["tenure_adjusted_difference"] is None


# -- 6. a period with partial months at its edges; a changed export ----------------------------------


def edge_rows(c3_feb_handle: float = 6000.0) -> list[tuple[Any, ...]]:
    """Period 2026-01-15..2026-03-20: January 15-31 and March 1-20 partial, February whole.
    C1 onsite KEN throughout; C2 onsite KEN through 2026-02-14, remote from 2026-02-15 (a move
    inside February); C3 remote. Rows outside the period carry huge values."""
    return [
        row(D(2026, 1, 10), "C1", 100, 99999.0, (50, 50), (10, 50.0), (5, 500.0), (480.0, 480.0), 9),  # out
        row(D(2026, 1, 20), "C1", 10, 2000.0, (8, 6), (2, 9.5), (1, 80.5), (480.0, 450.5), 0),
        row(D(2026, 2, 10), "C1", 20, 5000.0, (10, 9), (3, 13.0), (0, 0.0), (480.0, 470.0), 1),
        row(D(2026, 3, 15), "C1", 10, 3000.0, (6, 3), (1, 4.0), (1, 90.0), (480.0, 400.25), 0),
        row(D(2026, 3, 25), "C1", 100, 99999.0, (50, 50), (10, 50.0), (5, 500.0), (480.0, 480.0), 9),  # out
        row(D(2026, 1, 31), "C2", 10, 2500.0, (10, 5), (2, 7.0), (1, 70.0), (480.0, 420.0), 0),
        row(D(2026, 2, 14), "C2", 10, 2600.0, (5, 5), (1, 5.0), (0, 0.0), (480.0, 480.0), 0),
        row(D(2026, 2, 15), "C2", 20, 4000.0, (10, 8), (4, 18.5), (2, 185.0), (480.0, 460.0), 1),
        row(D(2026, 3, 20), "C2", 10, 1900.0, (5, 4), (0, 0.0), (0, 0.0), (480.0, 479.75), 0),
        row(D(2026, 2, 1), "C3", 30, c3_feb_handle, (20, 14), (5, 21.0), (1, 95.0), (480.0, 455.0), 0),
        row(D(2026, 3, 1), "C3", 10, 2100.0, (10, 7), (2, 8.0), (1, 60.0), (240.0, 230.0), 1),
        row(D(2026, 3, 21), "C3", 50, 1.0, (1, 1), (1, 5.0), (1, 100.0), (480.0, 0.0), 5),  # out
    ]


EDGE_PERIOD = Period(as_of=D(2026, 3, 20), start=D(2026, 1, 15), end=D(2026, 3, 20))


def edge_tables(c3_feb_handle: float = 6000.0, c3_mode: str = "remote") -> dict[str, pl.DataFrame]:
    hire = D(2024, 6, 1)
    return tables(
        [("C1", hire), ("C2", hire), ("C3", hire)],
        [("C1", hire, None, "onsite", "KEN"), ("C2", hire, D(2026, 2, 14), "onsite", "KEN"),
         ("C2", D(2026, 2, 15), None, "remote", None),
         ("C3", hire, None, c3_mode, None if c3_mode == "remote" else "BOI")],
        edge_rows(c3_feb_handle),
    )


def assert_edge_period_figures(inputs: KpiInputs, remote_handle: float = 14000.0) -> None:
    """onsite: C1 (01-20, 02-10, 03-15) and C2 (01-31, 02-14): 2 agents
      contacts 10 + 20 + 10 + 10 + 10 = 60; handle 2,000 + 5,000 + 3,000 + 2,500 + 2,600 = 15,100
      AHT 15,100/60 = 755/3; FCR (6 + 9 + 3 + 5 + 5)/(8 + 10 + 6 + 10 + 5) = 28/39;
      CSAT (9.5 + 13 + 4 + 7 + 5)/(2 + 3 + 1 + 2 + 1) = 38.5/9 = 77/18;
      QA (80.5 + 90 + 70)/(1 + 1 + 1) = 240.5/3 = 481/6;
      adherence (450.5 + 470 + 400.25 + 420 + 480)/2,400 = 2,220.75/2,400; fraud 1 x 100,000/60 = 5,000/3
    remote: C2 (02-15, 03-20) and C3 (02-01, 03-01): 2 agents
      contacts 20 + 10 + 30 + 10 = 70; handle 4,000 + 1,900 + 6,000 + 2,100 = 14,000, AHT 200;
      FCR (8 + 4 + 14 + 7)/(10 + 5 + 20 + 10) = 33/45 = 11/15;
      CSAT (18.5 + 0 + 21 + 8)/(4 + 0 + 5 + 2) = 47.5/11 = 95/22; QA (185 + 95 + 60)/(2 + 1 + 1) = 85;
      adherence (460 + 479.75 + 455 + 230)/(480 x 3 + 240) = 1,624.75/1,680; fraud 2 x 100,000/70 = 20,000/7
    by month: onsite January 20 contacts (C1 01-20, C2 01-31), February 30, March 10;
      remote February 50 (C2 02-15, C3 02-01), March 20 (C3 03-01, C2 03-20).
    """
    modes = by_mode(inputs, 1)
    onsite, remote = modes["onsite"], modes["remote"]
    assert (onsite["agents"], onsite["contacts"]) == (2, 60)
    assert onsite["aht_seconds"] == approx(F(755, 3))
    assert onsite["fcr"] == approx(F(28, 39))
    assert onsite["csat"] == approx(F(77, 18))
    assert onsite["qa"] == approx(F(481, 6))
    assert onsite["adherence"] == approx(F(222075, 240000))
    assert onsite["fraud_per_100k_contacts"] == approx(F(5000, 3))
    assert (remote["agents"], remote["contacts"]) == (2, 70)
    assert remote["aht_seconds"] == approx(F(remote_handle) / 70)
    assert remote["fcr"] == approx(F(11, 15))
    assert remote["csat"] == approx(F(95, 22))
    assert remote["qa"] == approx(85)
    assert remote["adherence"] == approx(F(162475, 168000))
    assert remote["fraud_per_100k_contacts"] == approx(F(20000, 7))
    months = {k: r["contacts"] for k, r in by_mode(inputs, 1, ("month",)).items()}
    assert months == {("onsite", D(2026, 1, 1)): 20, ("onsite", D(2026, 2, 1)): 30, ("onsite", D(2026, 3, 1)): 10,
                      ("remote", D(2026, 2, 1)): 50, ("remote", D(2026, 3, 1)): 20}


def test_a_mid_month_period_with_a_move_inside_a_month_gives_the_hand_figures(tmp_path: Path) -> None:
    assert_edge_period_figures(load(write_folder(tmp_path / "data", edge_tables()), EDGE_PERIOD))


def test_a_changed_export_changes_the_figures(tmp_path: Path) -> None:
    """Rewrite kpi_daily in the same folder with C3's February row at 9,000 s instead of 6,000 s,
    even with the old modification time put back: remote AHT becomes (14,000 + 3,000)/70 =
    17,000/70 = 242.857. Then move C3 onsite (BOI) in assignments: onsite becomes 3 agents,
    remote 1 (C2)."""
    folder = write_folder(tmp_path / "data", edge_tables())
    assert_edge_period_figures(load(folder, EDGE_PERIOD))
    path = folder / "kpi_daily.parquet"
    before = path.stat()
    kpi_frame(edge_rows(9000.0)).write_parquet(path)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert_edge_period_figures(load(folder, EDGE_PERIOD), remote_handle=17000.0)
    edge_tables(9000.0, c3_mode="onsite")["assignments"].write_parquet(folder / "assignments.parquet")
    modes = by_mode(load(folder, EDGE_PERIOD), 1)
    # onsite: + C3's 30 + 10 contacts = 100; remote: C2 only, 20 + 10 = 30 contacts
    assert (modes["onsite"]["agents"], modes["onsite"]["contacts"]) == (3, 100)
    assert (modes["remote"]["agents"], modes["remote"]["contacts"]) == (1, 30)
