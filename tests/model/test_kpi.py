"""KPIs, attrition, suppression and mode comparisons, against hand arithmetic and scipy.

The hand folder, period 2026-03-01..2026-03-31 (31 days), tenure at 2026-03-31:
  A1 onsite KEN, hired 2020-01-01 (> 24 months)
  A2 onsite KEN to 2026-03-15, then remote from 2026-03-16; hired 2025-06-01 (6-24 months)
  A3 remote, hired 2026-01-10, leaves on 2026-03-31, the period's last day (< 6 months)
  A4 onsite BOI, hired 2024-01-01, leaves on 2026-03-10 (> 24 months)
  A5 remote from 2026-03-05 only, hired 2025-10-01 (< 6 months: the 6-month anniversary
     is 2026-04-01); its KPI row of 2026-03-03 has no assignment and is left out
  A6 hybrid KEN, hired 2026-03-20; its one KPI row has zero in every denominator
  A7 onsite KEN, left on 2026-02-15, before the period
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

from queries.contract.check import open_folder
from queries.model.kpi import (
    COMPARED_KPIS,
    KPIS,
    SPLITS,
    TENURE_BANDS,
    KpiInputs,
    compare,
    delta_method,
    kpi_groups,
    kpi_section,
    welch_half_width,
)
from queries.model.period import Period
from queries.plan.loading import load_kpi_inputs
from tests.kpi_rows import agent_rows, group_sums

D = dt.date
MARCH = Period(as_of=D(2026, 3, 31), start=D(2026, 3, 1), end=D(2026, 3, 31))
KPI_COLUMNS = (
    "contacts", "handle_seconds", "fcr_eligible", "fcr_resolved", "csat_responses", "csat_points",
    "qa_evaluations", "qa_points", "scheduled_minutes", "adherent_minutes", "fraud_incidents",
)


# -- a folder builder (the shape of tests/folders.py, with only what KPIs need) ----------------


def write_kpi_folder(
    folder: Path,
    agents: list[tuple[str, dt.date, dt.date | None]],
    assignments: list[tuple[str, dt.date, dt.date | None, str, str | None]],
    kpi: list[tuple[Any, ...]],
) -> Path:
    """agents: (id, hire, term); assignments: (id, start, end, mode, site);
    kpi: (date, id, *KPI_COLUMNS)."""
    folder.mkdir(parents=True, exist_ok=True)
    frames = {
        "sites": pl.DataFrame({
            "site_id": ["KEN", "BOI"], "name": ["Kennewick", "Boise"], "city": ["Kennewick", "Boise"],
            "state": ["WA", "ID"], "lat": [46.2, 43.6], "lon": [-119.1, -116.2],
            "opened": [D(2005, 6, 1), D(2015, 3, 1)], "status": ["open", "open"], "seats": [10, 8],
            "sqft": [None, None], "lease_annual": [1.0, 1.0], "opex_annual": [1.0, 1.0],
            "lease_end": [None, None], "lease_break_fee": [None, None],
        }, schema_overrides={"sqft": pl.Int64, "lease_end": pl.Date, "lease_break_fee": pl.Float64}),
        "agents": pl.DataFrame(
            [(a, hire, term, None, 20.0, 1.0) for a, hire, term in agents], orient="row",
            schema={"agent_id": pl.Utf8, "hire_date": pl.Date, "term_date": pl.Date,
                    "home_region": pl.Utf8, "hourly_wage": pl.Float64, "fte": pl.Float64},
        ),
        "assignments": pl.DataFrame(
            [(*row, None) for row in assignments], orient="row",
            schema={"agent_id": pl.Utf8, "start_date": pl.Date, "end_date": pl.Date,
                    "work_mode": pl.Utf8, "site_id": pl.Utf8, "onsite_days_per_week": pl.Float64},
        ),
        "kpi_daily": pl.DataFrame(
            kpi, orient="row",
            schema={"date": pl.Date, "agent_id": pl.Utf8}
            | {c: pl.Float64 if c.endswith(("seconds", "points", "minutes")) else pl.Int64 for c in KPI_COLUMNS},
        ),
        "regions": pl.DataFrame({
            "region_id": ["R1"], "name": ["Tri-Cities"], "state": ["WA"], "lat": [46.2], "lon": [-119.1],
            "population": [300_000], "labor_force": [150_000], "unemployment_rate": [0.05],
            "csr_employment": [2_600], "csr_median_hourly_wage": [19.5], "broadband_share": [0.9],
            "utc_offset_hours": [-8.0],
        }),
    }
    for name, frame in frames.items():
        frame.write_parquet(folder / f"{name}.parquet")
    return folder


def hand_folder(folder: Path) -> Path:
    agents = [
        ("A1", D(2020, 1, 1), None), ("A2", D(2025, 6, 1), None), ("A3", D(2026, 1, 10), D(2026, 3, 31)),
        ("A4", D(2024, 1, 1), D(2026, 3, 10)), ("A5", D(2025, 10, 1), None), ("A6", D(2026, 3, 20), None),
        ("A7", D(2023, 1, 1), D(2026, 2, 15)),
    ]
    assignments = [
        ("A1", D(2020, 1, 1), None, "onsite", "KEN"),
        ("A2", D(2025, 6, 1), D(2026, 3, 15), "onsite", "KEN"),
        ("A2", D(2026, 3, 16), None, "remote", None),
        ("A3", D(2026, 1, 10), None, "remote", None),
        ("A4", D(2024, 1, 1), None, "onsite", "BOI"),
        ("A5", D(2026, 3, 5), None, "remote", None),
        ("A6", D(2026, 3, 20), None, "hybrid", "KEN"),
        ("A7", D(2023, 1, 1), D(2026, 2, 15), "onsite", "KEN"),
    ]
    kpi = [
        # date, agent, contacts, handle, fcr eligible, resolved, csat responses, points,
        # qa evaluations, points, scheduled, adherent, fraud
        (D(2026, 2, 28), "A1", 5, 1000.0, 4, 4, 1, 5.0, 0, 0.0, 480.0, 480.0, 0),  # before March
        (D(2026, 3, 2), "A1", 10, 3000.0, 8, 6, 2, 9.0, 1, 80.0, 480.0, 456.0, 0),
        (D(2026, 4, 1), "A1", 100, 9999.0, 0, 0, 0, 0.0, 0, 0.0, 480.0, 0.0, 9),  # after March
        (D(2026, 3, 10), "A2", 20, 5000.0, 10, 7, 4, 18.0, 0, 0.0, 480.0, 432.0, 1),  # onsite
        (D(2026, 3, 20), "A2", 30, 7200.0, 20, 15, 5, 22.0, 2, 170.0, 480.0, 470.0, 0),  # remote
        (D(2026, 3, 31), "A3", 10, 2000.0, 10, 9, 1, 5.0, 1, 95.0, 480.0, 480.0, 0),
        (D(2026, 3, 5), "A4", 0, 0.0, 0, 0, 0, 0.0, 0, 0.0, 240.0, 200.0, 0),
        (D(2026, 3, 3), "A5", 999, 99999.0, 0, 0, 0, 0.0, 0, 0.0, 480.0, 0.0, 5),  # no assignment
        (D(2026, 3, 6), "A5", 40, 8000.0, 30, 20, 3, 12.0, 1, 60.0, 480.0, 420.0, 2),
        (D(2026, 3, 25), "A6", 0, 0.0, 0, 0, 0, 0.0, 0, 0.0, 0.0, 0.0, 0),
    ]
    return write_kpi_folder(folder, agents, assignments, kpi)


def load(folder: Path, period: Period) -> KpiInputs:
    engine, result = open_folder(folder)
    assert result.ok, [p.as_dict() for p in result.problems]
    return load_kpi_inputs(engine, period)


@pytest.fixture
def march(tmp_path: Path) -> KpiInputs:
    return load(hand_folder(tmp_path / "data"), MARCH)


def by_key(groups: pl.DataFrame, *keys: str) -> dict[Any, dict[str, Any]]:
    return {tuple(row[k] for k in keys) if len(keys) > 1 else row[keys[0]]: row for row in groups.to_dicts()}


# -- every KPI and attrition by hand -----------------------------------------------------------


def test_every_kpi_and_attrition_by_hand(march: KpiInputs) -> None:
    groups = by_key(kpi_groups(march.groups, march.attrition, [], min_agents=1), "work_mode")
    assert list(groups) == ["onsite", "hybrid", "remote"]

    # Onsite rows: A1 on 03-02, A2 on 03-10 (before its move), A4 on 03-05.
    onsite = groups["onsite"]
    assert (onsite["agents"], onsite["contacts"]) == (3, 10 + 20 + 0)
    assert onsite["aht_seconds"] == pytest.approx((3000 + 5000) / 30)  # 266.67
    assert onsite["fcr"] == pytest.approx((6 + 7) / (8 + 10))
    assert onsite["csat"] == pytest.approx((9 + 18) / (2 + 4))  # 4.5
    assert onsite["qa"] == pytest.approx(80 / 1)
    assert onsite["adherence"] == pytest.approx((456 + 432 + 200) / (480 + 480 + 240))
    assert onsite["fraud_per_100k_contacts"] == pytest.approx(1 / 30 * 100_000)
    # Onsite agent-days in March: A1 31 + A2 15 (03-01..03-15) + A4 10 (03-01..03-10) = 56;
    # A7 left in February. Leavers: A4. Attrition = 1 / (56 / 31) x 365 / 31 = 365 / 56.
    assert onsite["attrition_annualized"] == pytest.approx(1 / (56 / 31) * 365 / 31)

    # Remote rows: A2 on 03-20 (after its move), A3 on 03-31, A5 on 03-06.
    remote = groups["remote"]
    assert (remote["agents"], remote["contacts"]) == (3, 30 + 10 + 40)
    assert remote["aht_seconds"] == pytest.approx((7200 + 2000 + 8000) / 80)  # 215
    assert remote["fcr"] == pytest.approx((15 + 9 + 20) / (20 + 10 + 30))
    assert remote["csat"] == pytest.approx((22 + 5 + 12) / (5 + 1 + 3))
    assert remote["qa"] == pytest.approx((170 + 95 + 60) / (2 + 1 + 1))  # 81.25
    assert remote["adherence"] == pytest.approx((470 + 480 + 420) / (480 + 480 + 480))
    assert remote["fraud_per_100k_contacts"] == pytest.approx(2 / 80 * 100_000)  # 2,500
    # Remote agent-days: A2 16 (03-16..03-31) + A3 31 (its last day counts) + A5 27
    # (03-05..03-31) = 74. Leavers: A3, on the period's last day.
    assert remote["attrition_annualized"] == pytest.approx(1 / (74 / 31) * 365 / 31)

    # Hybrid: A6's one row has every denominator 0; 12 agent-days (03-20..03-31), no leaver.
    hybrid = groups["hybrid"]
    assert (hybrid["agents"], hybrid["contacts"], hybrid["attrition_annualized"]) == (1, 0, 0.0)
    assert all(hybrid[kpi] is None for kpi in KPIS)
    assert not any(row["suppressed"] for row in groups.values())


def test_splits_by_site_and_tenure_band(march: KpiInputs) -> None:
    sites = by_key(kpi_groups(march.groups, march.attrition, ["site_id"], 1), "work_mode", "site_id")
    assert list(sites) == [("onsite", "BOI"), ("onsite", "KEN"), ("hybrid", "KEN"), ("remote", None)]
    # BOI: A4 alone, no contacts (AHT n/a); 10 agent-days and one leaver: 365 x 1 / 10.
    assert sites[("onsite", "BOI")]["aht_seconds"] is None
    assert sites[("onsite", "BOI")]["attrition_annualized"] == pytest.approx(36.5)
    # KEN: A1 and A2, 31 + 15 agent-days, no leaver.
    assert (sites[("onsite", "KEN")]["agents"], sites[("onsite", "KEN")]["attrition_annualized"]) == (2, 0.0)

    bands = by_key(kpi_groups(march.groups, march.attrition, ["tenure_band"], 1), "work_mode", "tenure_band")
    # Onsite > 24 months: A1 and A4 (10 contacts), 31 + 10 agent-days, A4 leaves.
    assert (bands[("onsite", "> 24 months")]["contacts"], bands[("onsite", "6-24 months")]["contacts"]) == (10, 20)
    assert bands[("onsite", "> 24 months")]["attrition_annualized"] == pytest.approx(365 / 41)
    # Remote < 6 months: A3 and A5 (hired 2025-10-01, one day short of 6 months), 31 + 27
    # agent-days, A3 leaves.
    assert bands[("remote", "< 6 months")]["agents"] == 2
    assert bands[("remote", "< 6 months")]["attrition_annualized"] == pytest.approx(365 / 58)


def test_month_split_over_two_months(tmp_path: Path) -> None:
    period = Period(as_of=D(2026, 3, 31), start=D(2026, 2, 1), end=D(2026, 3, 31))  # 59 days
    inputs = load(hand_folder(tmp_path / "data"), period)
    months = by_key(kpi_groups(inputs.groups, inputs.attrition, ["month"], 1), "work_mode", "month")
    # February onsite: A1's row of 02-28 only; agent-days A1 28 + A2 28 + A4 28 + A7 15
    # (02-01..02-15) = 99 with A7 leaving: 365 x 1 / 99.
    february = months[("onsite", D(2026, 2, 1))]
    assert (february["agents"], february["contacts"]) == (1, 5)
    assert february["attrition_annualized"] == pytest.approx(365 / 99)
    # Whole period onsite: 99 + 56 = 155 agent-days over 59 days, leavers A7 and A4:
    # 2 / (155 / 59) x 365 / 59.
    whole = by_key(kpi_groups(inputs.groups, inputs.attrition, [], 1), "work_mode")
    assert whole["onsite"]["attrition_annualized"] == pytest.approx(2 / (155 / 59) * 365 / 59)
    # Remote in February: A3's 28 days and no leaver; A5 had no assignment yet.
    assert inputs.attrition.filter(
        (pl.col("work_mode") == "remote") & (pl.col("month") == D(2026, 2, 1))
    )["agent_days"].sum() == 28


def test_kpi_row_on_a_day_without_assignment_is_left_out(march: KpiInputs) -> None:
    # A5's row of 03-03 (999 contacts) precedes its first assignment (03-05).
    # Remote < 6 months holds A3 (10 contacts) and A5 (40, from its row of 03-06 alone).
    bands = by_key(kpi_groups(march.groups, march.attrition, ["tenure_band"], 1), "work_mode", "tenure_band")
    assert (bands[("remote", "< 6 months")]["agents"], bands[("remote", "< 6 months")]["contacts"]) == (2, 50)
    assert march.groups["work_mode"].null_count() == 0
    assert march.contacts == 30 + 80 + 0


def test_tenure_bands_at_calendar_month_anniversaries(tmp_path: Path) -> None:
    end = D(2026, 2, 28)
    hires = {
        "B1": D(2025, 9, 1),  # 6 months on 2026-03-01, after the end: < 6 months
        "B2": D(2025, 8, 31),  # + 6 months clamps to 2026-02-28 = end: 6-24 months
        "B3": D(2024, 2, 28),  # 24 months on the end itself: still 6-24 months
        "B4": D(2024, 2, 29),  # + 24 months clamps to 2026-02-28: 6-24 months
        "B5": D(2024, 2, 27),  # 24 months the day before the end: > 24 months
    }
    folder = write_kpi_folder(
        tmp_path / "data",
        [(a, hire, None) for a, hire in hires.items()],
        [(a, hire, None, "onsite", "KEN") for a, hire in hires.items()],
        [(D(2026, 2, 10), a, 1, 1.0, 0, 0, 0, 0.0, 0, 0.0, 1.0, 1.0, 0) for a in hires],
    )
    inputs = load(folder, Period(as_of=end, start=D(2026, 2, 1), end=end))
    # B1 < 6 months; B2, B3 and B4 6-24 months; B5 > 24 months.
    bands = kpi_groups(inputs.groups, inputs.attrition, ["tenure_band"], 1)
    assert dict(bands.select("tenure_band", "agents").rows()) == {"< 6 months": 1, "6-24 months": 3, "> 24 months": 1}
    # attrition_inputs bands the same way: every agent is employed all 28 days of February.
    days = dict(inputs.attrition.group_by("tenure_band").agg(pl.col("agent_days").sum()).rows())
    assert days == {"< 6 months": 28, "6-24 months": 3 * 28, "> 24 months": 28}


def test_a_period_without_kpi_rows_gives_typed_frames_and_no_groups(tmp_path: Path) -> None:
    inputs = load(hand_folder(tmp_path / "data"), Period(D(2030, 1, 31), D(2030, 1, 1), D(2030, 1, 31)))
    assert inputs.empty and inputs.groups.is_empty()
    assert inputs.groups.schema["contacts"] == pl.Int64 and inputs.groups.schema["month"] == pl.Date
    # A1, A2, A5 and A6 are still employed in 2030 (no term_date): 31 agent-days each.
    assert inputs.attrition["agent_days"].sum() == 4 * 31
    section = kpi_section(inputs, min_agents=5)
    assert section["groups"] == []
    assert all(c["difference"] is None for c in section["comparisons"])
    # It says there is no data, not the privacy floor's "suppressed (< 5 agents)".
    reasons = {c.reason for c in compare(inputs.groups, "remote", "onsite", min_agents=5)}
    assert reasons == {"no remote or onsite KPI rows in the period"}


# -- pure frames for the model ----------------------------------------------------------------


def groups_of(rows: list[dict[str, Any]], by: list[str] | None = None) -> pl.DataFrame:
    """The group rows (as kpi_group_sums.sql makes them) of per-agent rows: unspecified KPI sums
    are 0, keys default to onsite KEN, March (tests/kpi_rows.py). With `by`, that split too."""
    frame = agent_rows(rows)
    return group_sums(frame) if by is None else group_sums(frame, [(), by])


NO_ATTRITION = pl.DataFrame(schema={
    "work_mode": pl.Utf8, "site_id": pl.Utf8, "tenure_band": pl.Utf8, "month": pl.Date,
    "agent_days": pl.Int64, "leavers": pl.Int64,
})


def fcr_agents(mode: str, prefix: str, values: list[tuple[int, int]], band: str = "> 24 months") -> list[dict]:
    return [
        {"agent_id": f"{prefix}{i}", "work_mode": mode, "tenure_band": band, "fcr_resolved": r, "fcr_eligible": e,
         "contacts": e}
        for i, (r, e) in enumerate(values)
    ]


def test_zero_denominator_is_none_not_zero() -> None:
    sums = groups_of([{"agent_id": "H1", "work_mode": "hybrid", "contacts": 0, "fraud_incidents": 0}])
    row = kpi_groups(sums, NO_ATTRITION, [], min_agents=1).row(0, named=True)
    # 0 contacts: AHT and fraud per 100k are n/a, not 0; no agent-days: attrition n/a.
    assert row["aht_seconds"] is None and row["fraud_per_100k_contacts"] is None
    assert row["attrition_annualized"] is None
    assert row["contacts"] == 0 and row["suppressed"] is False


def test_delta_method_interval_by_hand() -> None:
    """Remote FCR: R1 6/10, R2 16/20 (twice the eligible contacts of R1), R3 8/10.
    R = 30/40 = 0.75, mean(den) = 40/3, z_i = (num_i - 0.75 den_i) / (40/3):
      R1 (6 - 7.5) x 3/40 = -0.1125, R2 (16 - 15) x 3/40 = 0.075, R3 (8 - 7.5) x 3/40 = 0.0375;
      mean 0, var(z) = (0.01265625 + 0.005625 + 0.00140625) / 2 = 0.00984375, V_a = / 3 = 0.00328125.
    Onsite FCR: O1 5/10, O2 14/20, O3 6/10. R = 25/40 = 0.625:
      z = -1.25 x 3/40 = -0.09375, 1.5 x 3/40 = 0.1125, -0.25 x 3/40 = -0.01875;
      var(z) = (0.0087890625 + 0.01265625 + 0.0003515625) / 2 = 0.0108984375, V_b = 0.0036328125.
    Difference 0.75 - 0.625 = 0.125; V = 0.0069140625;
    df = V^2 / (V_a^2 / 2 + V_b^2 / 2) = 4.7804260e-05 / 1.1981964e-05 = 3.98969...
    half = t(0.975, df) x sqrt(V).
    (Per-agent ratios would have given remote 0.6, 0.8, 0.8: the wrong variance.)"""
    sums = groups_of(
        fcr_agents("remote", "R", [(6, 10), (16, 20), (8, 10)]) + fcr_agents("onsite", "O", [(5, 10), (14, 20), (6, 10)])
        # An onsite agent with no FCR-eligible contact has no FCR: left out of n.
        + [{"agent_id": "O9", "work_mode": "onsite", "contacts": 5}]
    )
    [fcr] = compare(sums, "remote", "onsite", ["fcr"], tenure_adjusted=False, min_agents=2)
    v_a, v_b = 0.00328125, 0.0036328125
    df = (v_a + v_b) ** 2 / (v_a**2 / 2 + v_b**2 / 2)
    assert df == pytest.approx(3.98969, rel=1e-5)
    half = stats.t.ppf(0.975, df) * (v_a + v_b) ** 0.5
    assert fcr.difference == pytest.approx(0.125)
    assert (fcr.ci_low, fcr.ci_high) == pytest.approx((0.125 - half, 0.125 + half), rel=1e-12)
    assert fcr.significant is False  # 0.125 - 0.2311 < 0 < 0.125 + 0.2311
    remote = sums.filter((pl.col("split") == "none") & (pl.col("work_mode") == "remote")).row(0, named=True)
    a = delta_method(remote, "fcr")
    assert a is not None and (a.value, a.variance, a.agents) == pytest.approx((0.75, v_a, 3))


def test_welch_half_width_needs_two_values_and_some_spread() -> None:
    assert welch_half_width([(0.01, 1), (0.02, 3)]) is None
    assert welch_half_width([(0.0, 2), (0.0, 3)]) is None
    # One term of n = 11: df 10, t(0.975, 10) = 2.228139 x sqrt(0.04) = 0.445628.
    assert welch_half_width([(0.04, 11)]) == pytest.approx(2.228138851986274 * 0.2, rel=1e-12)


def test_scipy_is_imported_only_for_an_interval() -> None:
    import subprocess
    import sys

    code = "import sys, queries.model.kpi; print('scipy' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"


def test_tenure_adjustment_can_reverse_the_sign() -> None:
    # Remote is mostly senior, onsite mostly junior; within each band remote is worse.
    sums = groups_of(
        fcr_agents("remote", "RS", [(80, 100)] * 8, "> 24 months")
        + fcr_agents("remote", "RJ", [(60, 100)] * 5, "< 6 months")
        + fcr_agents("remote", "RM", [(100, 100)], "6-24 months")  # no onsite agent: band skipped
        + fcr_agents("onsite", "OS", [(85, 100)] * 5, "> 24 months")
        + fcr_agents("onsite", "OJ", [(65, 100)] * 8, "< 6 months")
    )
    [fcr] = compare(sums, "remote", "onsite", ["fcr"], min_agents=5)
    # Raw: remote (640 + 300 + 100) / 1400 = 0.742857, onsite (425 + 520) / 1300 = 0.726923.
    assert fcr.difference == pytest.approx(1040 / 1400 - 945 / 1300)
    # Bands: > 24 months 0.80 - 0.85 = -0.05 and < 6 months 0.60 - 0.65 = -0.05, each with
    # weight min(8, 5) = min(5, 8) = 5: -0.05.
    assert fcr.tenure_adjusted_difference == pytest.approx(-0.05)
    assert fcr.explained_by_tenure == pytest.approx(1040 / 1400 - 945 / 1300 + 0.05)
    # Every agent of a band has the same FCR: no spread, no interval.
    assert fcr.tenure_adjusted_ci_low is None and fcr.tenure_adjusted_ci_high is None
    [unadjusted] = compare(sums, "remote", "onsite", ["fcr"], tenure_adjusted=False, min_agents=5)
    assert unadjusted.tenure_adjusted_difference is None


def test_tenure_adjusted_interval_by_hand() -> None:
    """Two bands, min_agents 2.
    > 24 months: remote 6/10, 16/20, 8/10 (R 0.75, V 0.00328125, n 3), onsite 5/10, 14/20,
      6/10 (R 0.625, V 0.0036328125, n 3): difference 0.125, w = 3.
    < 6 months: remote 3/10, 5/10 (R 0.4; z = (3 - 4)/10 = -0.1, +0.1; var 0.02, V 0.01, n 2),
      onsite 7/10, 8/10, 9/10, 6/10 (R 0.75; z = -0.05, 0.05, 0.15, -0.15; var = 0.05 / 3,
      V = 0.05 / 12, n 4): difference -0.35, w = 2.
    Adjusted = (3 x 0.125 + 2 x -0.35) / 5 = (0.375 - 0.7) / 5 = -0.065.
    Terms / 25: 9 x 0.00328125, 9 x 0.0036328125, 4 x 0.01, 4 x 0.05 / 12, with n 3, 3, 2, 4;
    half = t(0.975, df) x sqrt(sum of terms), df = (sum)^2 / sum(term^2 / (n - 1))."""
    sums = groups_of(
        fcr_agents("remote", "RS", [(6, 10), (16, 20), (8, 10)]) + fcr_agents("onsite", "OS", [(5, 10), (14, 20), (6, 10)])
        + fcr_agents("remote", "RJ", [(3, 10), (5, 10)], "< 6 months")
        + fcr_agents("onsite", "OJ", [(7, 10), (8, 10), (9, 10), (6, 10)], "< 6 months")
    )
    [fcr] = compare(sums, "remote", "onsite", ["fcr"], min_agents=2)
    assert fcr.tenure_adjusted_difference == pytest.approx(-0.065)
    terms = [(9 * 0.00328125 / 25, 3), (9 * 0.0036328125 / 25, 3), (4 * 0.01 / 25, 2), (4 * 0.05 / 12 / 25, 4)]
    variance = sum(v for v, _ in terms)
    df = variance**2 / sum(v**2 / (n - 1) for v, n in terms)
    half = stats.t.ppf(0.975, df) * variance**0.5
    assert (fcr.tenure_adjusted_ci_low, fcr.tenure_adjusted_ci_high) == pytest.approx((-0.065 - half, -0.065 + half))
    assert fcr.as_report()["tenure_adjusted_ci_low"] == pytest.approx(-0.065 - half)


def test_a_band_under_the_floor_is_left_out_of_the_adjusted_figure() -> None:
    """Issue #16: with 2 new remote agents (a band under the floor of 5), the adjusted
    difference plus the onsite band's FCR would give their exact FCR. So that band is left out:
    > 24 months remote 5 x 80/100, onsite 5 x 70/100: 0.10, the only band left.
    (Kept, < 6 months would add 2 x (0.50 - 0.60) and give (5 x 0.1 - 0.2) / 7.)"""
    sums = groups_of(
        fcr_agents("remote", "RS", [(80, 100)] * 5) + fcr_agents("onsite", "OS", [(70, 100)] * 5)
        + fcr_agents("remote", "RJ", [(50, 100)] * 2, "< 6 months")
        + fcr_agents("onsite", "OJ", [(60, 100)] * 6, "< 6 months")
    )
    [fcr] = compare(sums, "remote", "onsite", ["fcr"], min_agents=5)
    assert fcr.tenure_adjusted_difference == pytest.approx(0.10)
    # No band with 5 agents on both sides: no adjusted figure and no interval.
    only_small = groups_of(
        fcr_agents("remote", "RS", [(80, 100)] * 4) + fcr_agents("onsite", "OS", [(70, 100)] * 5)
        + fcr_agents("remote", "RJ", [(50, 100)] * 2, "< 6 months")
        + fcr_agents("onsite", "OJ", [(60, 100)] * 6, "< 6 months")
    )
    [none] = compare(only_small, "remote", "onsite", ["fcr"], min_agents=5)
    assert none.difference is not None
    assert none.tenure_adjusted_difference is None and none.tenure_adjusted_ci_low is None


# -- privacy floor ----------------------------------------------------------------------------


def test_four_agent_group_is_suppressed_with_min_five() -> None:
    sums = groups_of(
        fcr_agents("onsite", "O", [(7, 10), (6, 10), (8, 10), (5, 10), (9, 10), (6, 10)])
        + fcr_agents("remote", "R", [(7, 10), (8, 10), (9, 10), (6, 10)])
    )
    groups = by_key(kpi_groups(sums, NO_ATTRITION, [], min_agents=5), "work_mode")
    remote = groups["remote"]
    assert remote["suppressed"] is True
    assert all(remote[c] is None for c in ["agents", "contacts", *KPIS, "attrition_annualized"])
    assert groups["onsite"]["suppressed"] is False and groups["onsite"]["agents"] == 6
    # Its comparisons show nothing, and say why.
    comparisons = compare(sums, "remote", "onsite", COMPARED_KPIS, min_agents=5)
    assert all(c.difference is None and c.ci_low is None and c.significant is None for c in comparisons)
    assert all("remote" in c.reason and "< 5" in c.reason for c in comparisons)


def test_a_cell_recoverable_by_subtraction_is_suppressed_too() -> None:
    # Onsite: 7 agents at KEN, 5 at BOI, 3 at TUL; the mode total (15) is shown. TUL alone
    # suppressed would be total minus KEN minus BOI, so BOI, the next smallest, goes too.
    sums = groups_of(
        [{"agent_id": f"K{i}", "site_id": "KEN", "contacts": 10} for i in range(7)]
        + [{"agent_id": f"B{i}", "site_id": "BOI", "contacts": 10} for i in range(5)]
        + [{"agent_id": f"T{i}", "site_id": "TUL", "contacts": 10} for i in range(3)]
    )
    sites = by_key(kpi_groups(sums, NO_ATTRITION, ["site_id"], min_agents=5), "site_id")
    assert {site: row["suppressed"] for site, row in sites.items()} == {"BOI": True, "KEN": False, "TUL": True}
    assert sites["BOI"]["contacts"] is None and sites["KEN"]["contacts"] == 70
    assert kpi_groups(sums, NO_ATTRITION, [], min_agents=5)["suppressed"].to_list() == [False]


ROWS = st.lists(
    st.fixed_dictionaries({
        "agent_id": st.sampled_from([f"A{i}" for i in range(25)]),
        "work_mode": st.sampled_from(["onsite", "hybrid", "remote"]),
        "site_id": st.sampled_from(["KEN", "BOI", "TUL", None]),
        "tenure_band": st.sampled_from(TENURE_BANDS),
        "month": st.sampled_from([D(2026, 2, 1), D(2026, 3, 1)]),
        "contacts": st.integers(0, 50),
    }),
    min_size=1, max_size=80,
)
BYS = [list(c) for n in range(len(SPLITS) + 1) for c in itertools.combinations(SPLITS, n)]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=ROWS, min_agents=st.integers(1, 6), by=st.sampled_from(BYS))
def test_no_shown_group_is_under_the_floor_or_recoverable(rows: list[dict], min_agents: int, by: list[str]) -> None:
    groups = kpi_groups(groups_of(rows, by), NO_ATTRITION, by, min_agents)
    shown = groups.filter(~pl.col("suppressed"))
    assert (shown["agents"] >= min_agents).all()
    # No line (cells adding up to a parent total) has one suppressed cell beside shown ones.
    keys = ["work_mode", *by]
    for split in by:
        parent = [k for k in keys if k != split]
        lines = groups.group_by(parent).agg(
            hidden=pl.col("suppressed").sum(), shown=(~pl.col("suppressed")).sum()
        )
        assert lines.filter((pl.col("hidden") == 1) & (pl.col("shown") > 0)).is_empty()


# -- the report -------------------------------------------------------------------------------


def test_kpi_section_has_exactly_the_report_keys(march: KpiInputs) -> None:
    section = kpi_section(march, min_agents=2)
    assert set(section) == {"groups", "comparisons"}
    assert [g["work_mode"] for g in section["groups"]] == ["onsite", "hybrid", "remote"]
    assert list(section["groups"][0]) == [
        "work_mode", "agents", "contacts", "aht_seconds", "fcr", "csat", "qa", "adherence",
        "fraud_per_100k_contacts", "attrition_annualized", "suppressed",
    ]
    # Hybrid has one agent: suppressed, so hybrid vs onsite shows nothing.
    assert section["groups"][1]["suppressed"] is True and section["groups"][1]["agents"] is None
    comparisons = section["comparisons"]
    assert [(c["group"], c["kpi"]) for c in comparisons] == [
        (g, k) for g in ("remote", "hybrid") for k in COMPARED_KPIS
    ]
    assert list(comparisons[0]) == [
        "kpi", "group", "versus", "difference", "ci_low", "ci_high", "significant", "tenure_adjusted_difference",
        "tenure_adjusted_ci_low", "tenure_adjusted_ci_high",
    ]
    # Remote vs onsite AHT: 215 - 266.67; CI from 3 agents' linearized values a side.
    aht = comparisons[COMPARED_KPIS.index("aht_seconds")]
    assert aht["difference"] == pytest.approx(215 - 8000 / 30)
    assert all(c["difference"] is None for c in comparisons if c["group"] == "hybrid")
    json.dumps(section, default=str)


# -- kpi_group_sums.sql against a row-by-row reference ----------------------------------------

# Assignments of one agent: consecutive spells inside Jan-Apr 2026, each (length, gap before)
# in days, so moves fall mid-month, on month starts, and with days between them.
SPELLS = st.lists(st.tuples(st.integers(1, 50), st.integers(0, 6)), min_size=1, max_size=4)
SUMS_MODES = (("onsite", "KEN"), ("onsite", "BOI"), ("remote", None), ("hybrid", "KEN"))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(
    spells=st.lists(SPELLS, min_size=1, max_size=4),
    modes=st.lists(st.sampled_from(SUMS_MODES), min_size=16, max_size=16),
    days=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 119)), min_size=1, max_size=60, unique=True),
    window=st.tuples(st.integers(0, 60), st.integers(0, 60)),
)
def test_group_sums_match_a_row_by_row_match(tmp_path_factory: pytest.TempPathFactory, spells: list,
                                             modes: list, days: list, window: tuple[int, int]) -> None:
    """Each KPI row counts once, under its own day's assignment, in the groups by site and by
    month (moves mid-month, on month starts, with days between); rows on days without an
    assignment are left out; `agents` counts distinct agents."""
    first = D(2026, 1, 1)
    agents, assignments, n = [], [], 0
    for a, agent_spells in enumerate(spells):
        agents.append((f"A{a}", first, None))
        day = first
        for i, (length, gap) in enumerate(agent_spells):
            start = day + dt.timedelta(days=gap)
            end = start + dt.timedelta(days=length - 1)
            mode, site = modes[n % len(modes)]
            # Every other agent's last assignment is open-ended (no end date).
            open_ended = i == len(agent_spells) - 1 and a % 2 == 1
            assignments.append((f"A{a}", start, None if open_ended else end, mode, site))
            day, n = end + dt.timedelta(days=1), n + 1
    picked = sorted({(a % len(spells), d) for a, d in days})  # one row per agent and day
    kpi = [(first + dt.timedelta(days=d), f"A{a}", 1 + d % 5, 60.0 * (d + 1), 2, 1, 1, 4.0, 1, 70.0,
            480.0, 450.0, d % 2) for a, d in picked]
    folder = write_kpi_folder(tmp_path_factory.mktemp("sums"), agents, assignments, kpi)
    start = first + dt.timedelta(days=window[0])
    end = start + dt.timedelta(days=window[1])
    engine, result = open_folder(folder)
    assert result.ok, result.summary()
    got = load_kpi_inputs(engine, Period(as_of=end, start=start, end=end)).groups

    expected: dict[tuple[Any, ...], list[float]] = {}
    agents: dict[tuple[Any, ...], set[str]] = {}
    for day, agent, *values in kpi:
        if not start <= day <= end:
            continue
        match = [(m, s) for a, s0, e0, m, s in assignments if a == agent and s0 <= day and (e0 is None or day <= e0)]
        if not match:
            continue
        mode, site = match[0]
        for key in (("site_id", mode, site, None), ("month", mode, None, day.replace(day=1))):
            totals = expected.setdefault(key, [0.0] * len(KPI_COLUMNS))
            for i, v in enumerate(values):
                totals[i] += v
            agents.setdefault(key, set()).add(agent)
    rows = {(r["split"], r["work_mode"], r["site_id"], r["month"]): (r["agents"], [r[c] for c in KPI_COLUMNS])
            for r in got.filter(pl.col("split").is_in(["site_id", "month"])).iter_rows(named=True)}
    assert rows.keys() == expected.keys()
    for key, totals in expected.items():
        assert rows[key][0] == len(agents[key]), key
        assert rows[key][1] == pytest.approx(totals), key
