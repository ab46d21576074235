"""KPI figures as two-level aggregates in the engine (`kpi_group_sums.sql`, `load_kpi_inputs`).

Only per-group rows come back from the engine. They must give the agents, sums and KPI values
of a row-by-row reference (tests/kpi_rows.py, in polars from the Parquet files), and with the
model's `delta_method` the variances of spec/model.md ("Comparing two groups") computed from
the reference's per-agent linearized values; exactly, where doubles would lose the digits.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from queries.contract.check import open_folder
from queries.model.kpi import KPIS, SPLITS, delta_method, kpi_groups
from queries.model.period import Period, resolve_period
from queries.plan.loading import data_range, load_kpi_inputs
from tests.folders import D, base_tables, moved_mid_month_tables, write_folder
from tests.kpi_rows import agent_rows_of_folder, group_sums

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
    groups = load_kpi_inputs(engine, PERIOD).groups
    by_mode = {row["work_mode"]: row for row in groups.filter(pl.col("split") == "none").iter_rows(named=True)}
    assert set(by_mode) == {"onsite", "remote"}
    onsite, remote = by_mode["onsite"], by_mode["remote"]
    assert (onsite["agents"], onsite["contacts"], onsite["handle_seconds"]) == (2, 120, 45_600.0)
    assert (remote["agents"], remote["contacts"], remote["handle_seconds"]) == (2, 80, 29_700.0)
    assert onsite["aht_seconds_n"] == remote["aht_seconds_n"] == 2
    # Var(R) = var_samp(z) / n.
    onsite_aht, remote_aht = delta_method(onsite, "aht_seconds"), delta_method(remote, "aht_seconds")
    assert onsite_aht is not None and remote_aht is not None
    assert (onsite_aht.value, onsite_aht.variance, onsite_aht.agents) == (380.0, 900.0, 2)
    assert (remote_aht.value, remote_aht.variance, remote_aht.agents) == (371.25, 395.5078125 / 2, 2)
    # Split by site: onsite KEN holds both onsite agents; remote agents have no site.
    sites = groups.filter(pl.col("split") == "site_id").select("work_mode", "site_id", "agents").rows()
    assert sorted(sites, key=str) == sorted([("onsite", "KEN", 2), ("remote", None, 2)], key=str)


def delta_variances(agent_sums: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """spec/model.md's delta method from per-agent rows, in polars: per group and KPI, the
    agents with a non-zero denominator and var_samp of z_i = (num_i - R den_i) / mean(den)."""
    measures = sorted({c for r in KPIS.values() for c in (r.numerator, r.denominator)})
    per_agent = agent_sums.group_by(["agent_id", *keys]).agg(pl.col(m).sum() for m in measures)
    figures = []
    for name, ratio in KPIS.items():
        num, den = pl.col(ratio.numerator).cast(pl.Float64) * ratio.scale, pl.col(ratio.denominator).cast(pl.Float64)
        kept = per_agent.filter(den != 0)
        r = num.sum().over(keys) / den.sum().over(keys)
        figures.append(kept.with_columns(z=num - r * den).group_by(keys).agg(
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
def test_group_figures_equal_a_row_by_row_reference(demo: Path, split: str | None) -> None:
    engine, result = open_folder(demo)
    assert result.ok
    period = resolve_period(data_range(engine), None, None, None)  # the last 90 days: 4 months
    inputs = load_kpi_inputs(engine, period)
    reference = agent_rows_of_folder(demo, period.start, period.end)
    keys = ["work_mode", *([split] if split else [])]
    # min_agents=1: nothing suppressed, every group's figures shown.
    expected = kpi_groups(group_sums(reference, [keys[1:]]), inputs.attrition, keys[1:], 1)
    got = kpi_groups(inputs.groups, inputs.attrition, keys[1:], 1)
    assert got.height == expected.height > 1
    joined = expected.join(got, on=keys, how="left", nulls_equal=True, suffix="_engine")
    for figure in ["agents", "contacts", *KPIS, "attrition_annualized"]:
        assert joined[f"{figure}_engine"].to_list() == pytest.approx(joined[figure].to_list(), rel=1e-12), figure

    variances = delta_variances(reference, keys)
    rows = inputs.groups.filter(pl.col("split") == (split or "none"))
    joined = variances.join(rows, on=keys, how="left", nulls_equal=True, suffix="_engine")
    for row in joined.iter_rows(named=True):
        for name in KPIS:
            assert row[f"{name}_n_engine"] == row[f"{name}_n"], name
            estimate = delta_method(row | {f"{name}_n": row[f"{name}_n_engine"]}, name)
            var_z = None if estimate is None or estimate.variance is None else estimate.variance * estimate.agents
            assert var_z == pytest.approx(row[f"{name}_var_z"], rel=1e-9), name


def test_a_variance_far_below_the_sums_of_squares_comes_out_exact(tmp_path: Path) -> None:
    """A1, A2 and A5 (onsite) each handle 1 contact a day for 30 days of March, at 999,999.5,
    1,000,000 and 999,999.75 s: num_i = 29,999,985, 30,000,000 and 29,999,992.5, den_i = 30.
    R = 89,999,977.5 / 90 = 999,999.75; z_i = (num_i - 30 R) / 30 = -0.25, +0.25, 0;
    var_samp(z) = 0.125 / 2 = 0.0625, Var(R) = 0.0625 / 3.
    The sum of num_i^2 is 2.7e15, so sum num^2 - 2R sum num den + R^2 sum den^2 over doubles
    would be off by about half a unit in 112.5 (eps x 2.7e15): the exact sums get it exactly,
    in any order of summing."""
    tables = base_tables()
    days = [D(2026, 3, 1) + dt.timedelta(days=i) for i in range(30)]
    seconds = {"A1": 999_999.5, "A2": 1_000_000.0, "A5": 999_999.75}
    template = tables["kpi_daily"].head(1)
    tables["kpi_daily"] = pl.concat([
        template.with_columns(pl.lit(day).alias("date"), pl.lit(agent).alias("agent_id"), pl.lit(1).cast(pl.Int64).alias("contacts"),
                              pl.lit(s).alias("handle_seconds"))
        for agent, s in seconds.items() for day in days
    ])
    engine, result = open_folder(write_folder(tmp_path / "data", tables))
    assert result.ok, result.summary()
    groups = load_kpi_inputs(engine, Period(as_of=D(2026, 3, 31), start=D(2026, 3, 1), end=D(2026, 3, 31))).groups
    [onsite] = groups.filter((pl.col("split") == "none") & (pl.col("work_mode") == "onsite")).to_dicts()
    estimate = delta_method(onsite, "aht_seconds")
    assert estimate is not None
    assert (estimate.value, estimate.variance, estimate.agents) == (999_999.75, 0.0625 / 3, 3)
    # The same arithmetic over doubles is visibly off: what the exact sums avoid.
    r = float(onsite["aht_seconds_num"]) / float(onsite["aht_seconds_den"])
    doubles = float(onsite["aht_seconds_nn"]) - 2 * r * float(onsite["aht_seconds_nd"]) + r * r * float(onsite["aht_seconds_dd"])
    assert doubles != 112.5
