"""KPI figures as two-level aggregates in the engine (`kpi_group_sums.sql`, `load_kpi_group_sums`).

The per-group rows must give what `queries.model.kpi` computes today from the per-agent frame
(`kpi_agent_sums.sql`): the same agents and KPI values for every split, and the delta-method
variances of spec/model.md ("Comparing two groups") computed from that frame. On the engine
side nothing but per-group rows comes back.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from queries.contract.check import open_folder
from queries.model.kpi import KPIS, SPLITS, kpi_groups
from queries.model.period import Period, resolve_period
from queries.plan.loading import data_range, load_kpi_group_sums, load_kpi_inputs
from tests.folders import D, moved_mid_month_tables, write_folder

PERIOD = Period(as_of=D(2026, 3, 31), start=D(2026, 1, 1), end=D(2026, 3, 31))


def moved_mid_month(root: Path) -> Path:
    """tests/folders.py's folder, with A2 moving from onsite KEN to remote on 2026-03-16 and a
    KPI row on each side: 2026-03-10 (30 contacts, 13,200 s) and 2026-03-20 (50, 18,000 s)."""
    tables = moved_mid_month_tables(contacts=[30, 50], handle_seconds=[13_200.0, 18_000.0])
    return write_folder(root / "moved", tables)


def test_aht_by_mode_and_its_delta_method_variance_by_hand(tmp_path: Path) -> None:
    """Onsite: A1 90 contacts, 32,400 s (2026-03-30 and -31) and A2 30 contacts, 13,200 s
    (before the move). R = 45,600 / 120 = 380 s. z = (num - R x den) / mean(den), mean(den) =
    120 / 2 = 60: A1 (32,400 - 34,200) / 60 = -30, A2 (13,200 - 11,400) / 60 = +30;
    var_samp = (900 + 900) / 1 = 1,800.
    Remote: A6 30 contacts, 11,700 s and A2 50 contacts, 18,000 s (after the move).
    R = 29,700 / 80 = 371.25 s; mean(den) = 40; A6 (11,700 - 11,137.5) / 40 = +14.0625,
    A2 (18,000 - 18,562.5) / 40 = -14.0625; var_samp = 2 x 14.0625^2 = 395.5078125.
    A2 counts once in each mode: two agents on each side."""
    engine, result = open_folder(moved_mid_month(tmp_path))
    assert result.ok
    groups = load_kpi_group_sums(engine, PERIOD)
    by_mode = {row["work_mode"]: row for row in groups.filter(pl.col("split") == "none").iter_rows(named=True)}
    assert set(by_mode) == {"onsite", "remote"}
    onsite, remote = by_mode["onsite"], by_mode["remote"]
    assert (onsite["agents"], onsite["contacts"], onsite["handle_seconds"]) == (2, 120, 45_600.0)
    assert (remote["agents"], remote["contacts"], remote["handle_seconds"]) == (2, 80, 29_700.0)
    assert onsite["aht_seconds_n"] == remote["aht_seconds_n"] == 2
    assert onsite["aht_seconds_var_z"] == pytest.approx(1_800.0, rel=1e-12)
    assert remote["aht_seconds_var_z"] == pytest.approx(395.5078125, rel=1e-12)
    # Split by site: onsite KEN holds both onsite agents; remote agents have no site.
    sites = groups.filter(pl.col("split") == "site_id").select("work_mode", "site_id", "agents").rows()
    assert sorted(sites, key=str) == sorted([("onsite", "KEN", 2), ("remote", None, 2)], key=str)


def delta_variances(agent_sums: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """spec/model.md's delta method from the per-agent frame, in polars: per group and KPI, the
    agents with a non-zero denominator and var_samp of z_i = (num_i - R den_i) / mean(den)."""
    measures = sorted({c for r in KPIS.values() for c in (r.numerator, r.denominator)})
    per_agent = agent_sums.group_by(["agent_id", *keys]).agg(pl.col(m).sum() for m in measures)
    figures = []
    for name, ratio in KPIS.items():
        num, den = pl.col(ratio.numerator).cast(pl.Float64) * ratio.scale, pl.col(ratio.denominator).cast(pl.Float64)
        r = num.sum().over(keys) / den.sum().over(keys)
        kept = per_agent.with_columns(z=num - r * den).filter(den != 0)
        figures.append(kept.group_by(keys).agg(
            pl.len().cast(pl.Int64).alias(f"{name}_n"),
            (pl.col("z").var(ddof=1) / (den.sum() / pl.len()) ** 2).alias(f"{name}_var_z")))
    out = figures[0]
    for frame in figures[1:]:
        out = out.join(frame, on=keys, how="full", coalesce=True, nulls_equal=True)
    return out


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from queries.demo.generate import generate_demo

    folder = tmp_path_factory.mktemp("demo") / "data"
    generate_demo(folder, agents=300, days=120)
    return folder


@pytest.mark.parametrize("split", [None, *SPLITS])
def test_group_figures_equal_what_the_model_computes_from_the_per_agent_frame(demo: Path, split: str | None) -> None:
    engine, result = open_folder(demo)
    assert result.ok
    period = resolve_period(data_range(engine), None, None, None)  # the last 90 days: 4 months
    inputs = load_kpi_inputs(engine, period)
    keys = ["work_mode", *([split] if split else [])]
    # min_agents=1: nothing suppressed, every group's figures shown.
    expected = kpi_groups(inputs.agent_sums, inputs.attrition, keys[1:], 1).drop("attrition_annualized", "suppressed")
    groups = load_kpi_group_sums(engine, period).filter(pl.col("split") == (split or "none"))
    assert groups.height == expected.height > 1
    got = groups.select(*keys, "agents", "contacts", *(
        pl.when(pl.col(r.denominator) != 0).then(pl.col(r.numerator) * r.scale / pl.col(r.denominator)).alias(name)
        for name, r in KPIS.items()))
    joined = expected.join(got, on=keys, how="left", nulls_equal=True, suffix="_engine")
    for figure in ["agents", "contacts", *KPIS]:
        assert joined[f"{figure}_engine"].to_list() == pytest.approx(joined[figure].to_list(), rel=1e-12), figure

    variances = delta_variances(inputs.agent_sums, keys)
    joined = variances.join(groups, on=keys, how="left", nulls_equal=True, suffix="_engine")
    for name in KPIS:
        assert joined[f"{name}_n_engine"].to_list() == joined[f"{name}_n"].to_list(), name
        assert joined[f"{name}_var_z_engine"].to_list() == pytest.approx(joined[f"{name}_var_z"].to_list(), rel=1e-9), name
