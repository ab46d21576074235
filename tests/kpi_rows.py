"""Per-agent KPI rows for tests, and the group rows the engine would make of them.

The app never holds a row per agent: `kpi_group_sums.sql` aggregates per agent, then per group.
Tests that state their data agent by agent (hand-computed intervals, random suppression cases)
write it as per-agent rows and turn them into group rows here, with the reference arithmetic:
plain polars sums per agent, then per group, in the shape of `GROUP_SUMS_SCHEMA`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl

from queries.model.kpi import GROUP_KEYS, KPIS, MEASURES, SPLITS, split_name

D = dt.date
SINGLE_SPLITS: tuple[tuple[str, ...], ...] = ((), *((s,) for s in SPLITS))


def agent_rows(rows: list[dict[str, Any]]) -> pl.DataFrame:
    """Per-agent rows: unspecified KPI sums are 0, keys default to onsite KEN, March 2026."""
    defaults = {"work_mode": "onsite", "site_id": "KEN", "month": D(2026, 3, 1), "tenure_band": "> 24 months"} \
        | dict.fromkeys(MEASURES, 0)
    frame = pl.DataFrame([defaults | row for row in rows])
    return frame.select("agent_id", "work_mode", "site_id", "month", "tenure_band", *MEASURES).cast({
        "site_id": pl.Utf8, "month": pl.Date, **{m: _dtype(m) for m in MEASURES},
    })


def _dtype(measure: str) -> type[pl.DataType]:
    return pl.Float64 if measure.endswith(("seconds", "points", "minutes")) else pl.Int64


def group_sums(rows: pl.DataFrame, splits: Sequence[Sequence[str]] = SINGLE_SPLITS) -> pl.DataFrame:
    """The group rows of each split in `splits` (a split may name several keys), as
    `kpi_group_sums.sql` makes them: agents, the measure sums, and per KPI over the agents with
    a non-zero denominator their count and the sums of num, den, num^2, num x den, den^2."""
    frames = []
    for by in splits:
        keys = ["work_mode", *by]
        per_agent = rows.group_by(["agent_id", *keys]).agg(pl.col(m).sum() for m in MEASURES)
        figures: list[pl.Expr] = [pl.len().cast(pl.Int64).alias("agents"), *(pl.col(m).sum() for m in MEASURES)]
        for name, ratio in KPIS.items():
            kept = pl.col(ratio.denominator) != 0
            num, den = pl.col(ratio.numerator).cast(pl.Float64), pl.col(ratio.denominator).cast(pl.Float64)
            figures += [
                kept.sum().cast(pl.Int64).alias(f"{name}_n"),
                num.filter(kept).sum().alias(f"{name}_num"), den.sum().alias(f"{name}_den"),
                (num * num).filter(kept).sum().alias(f"{name}_nn"),
                (num * den).sum().alias(f"{name}_nd"), (den * den).sum().alias(f"{name}_dd"),
            ]
        groups = per_agent.group_by(keys).agg(figures).with_columns(split=pl.lit(split_name(by)))
        missing = [k for k in GROUP_KEYS if k not in groups.columns]
        frames.append(groups.with_columns(pl.lit(None, dtype=rows.schema[k]).alias(k) for k in missing))
    columns = [*GROUP_KEYS, "agents", *MEASURES, *(c for name in KPIS for c in (
        f"{name}_n", f"{name}_num", f"{name}_den", f"{name}_nn", f"{name}_nd", f"{name}_dd"))]
    return pl.concat([f.select(columns) for f in frames])


def agent_rows_of_folder(folder: Path, start: dt.date, end: dt.date) -> pl.DataFrame:
    """The per-agent rows of a data folder's period, row by row in polars (the reference for
    `kpi_group_sums.sql`): each KPI row under the assignment that covers its day (none: left
    out), summed per agent, mode, site and month; the tenure band at `end` in calendar months
    (hire_date + 6 and + 24 months, clamped to the month's end)."""
    single = folder / "kpi_daily.parquet"
    source = single if single.exists() else folder / "kpi_daily" / "**" / "*.parquet"  # partitioned by month
    kpi = pl.read_parquet(source, hive_partitioning=False).filter(pl.col("date").is_between(start, end))
    assignments = pl.read_parquet(folder / "assignments.parquet").select(
        "agent_id", "start_date", "end_date", "work_mode", "site_id")
    agents = pl.read_parquet(folder / "agents.parquet").select("agent_id", "hire_date")
    matched = kpi.join(assignments, on="agent_id").filter(
        (pl.col("start_date") <= pl.col("date")) & (pl.col("end_date").is_null() | (pl.col("date") <= pl.col("end_date"))))
    per_agent = matched.with_columns(month=pl.col("date").dt.truncate("1mo")).group_by(
        "agent_id", "work_mode", "site_id", "month").agg(pl.col(m).sum() for m in MEASURES)
    six, twenty_four = pl.col("hire_date").dt.offset_by("6mo"), pl.col("hire_date").dt.offset_by("24mo")
    band = (pl.when(pl.lit(end) < six).then(pl.lit("< 6 months"))
            .when(pl.lit(end) <= twenty_four).then(pl.lit("6-24 months")).otherwise(pl.lit("> 24 months")))
    return per_agent.join(agents, on="agent_id").with_columns(tenure_band=band).select(
        "agent_id", "work_mode", "site_id", "month", "tenure_band", *MEASURES)
