"""Loading what the planning screens need, once per data folder and as-of date.

This is where the core calls an engine (with the contract check): each function runs named
queries on a `Queries` (an engine, or a job another thread can cancel) and hands back polars
frames for the pure planning model (`queries.model`). Small queries: the open and closing
sites with the agents employed on as-of (the `Workforce` every cost and scenario figure is
computed from), the monthly headcount trend, the hiring regions, the forecast, and the KPI
sums of a period. After this, what-if edits never go back to the exports.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from queries.engines.protocol import Queries
from queries.model.costs import Workforce
from queries.model.headcount import trend_range
from queries.model.kpi import ATTRITION_SCHEMA, GROUP_SUMS_SCHEMA, KpiInputs, scipy_stats
from queries.model.period import DataRange, Period


def data_range(source: Queries) -> DataRange | None:
    """The first and last date with KPI data; None when there is none."""
    row = source.query("kpi_date_range").row(0)
    return DataRange(row[0], row[1]) if row[1] is not None else None


def load_workforce(source: Queries, as_of: dt.date) -> Workforce:
    sites = source.query("sites_active")
    agents = source.query("workforce_on_date", {"as_of": as_of})
    # A table of no rows comes back with NULL-typed columns; the model needs real types.
    agents = agents.cast({"hourly_wage": pl.Float64, "fte": pl.Float64, "onsite_days_per_week": pl.Float64,
                          "work_mode": pl.Utf8, "site_id": pl.Utf8, "home_region": pl.Utf8})
    return Workforce(as_of=as_of, sites=sites, agents=agents)


def load_monthly(source: Queries, first: dt.date, last: dt.date) -> pl.DataFrame:
    """`headcount_monthly.sql`: headcount by month, mode and site, hires and leavers."""
    return source.query("headcount_monthly", {"first": first, "last": last})


def load_forecast(source: Queries, start: dt.date | None = None, end: dt.date | None = None) -> pl.DataFrame:
    """The forecast rows on the days `start` to `end` inclusive (None: no bound)."""
    return source.query("forecast_intervals", {"start": start, "end": end})


def load_kpi_inputs(source: Queries, period: Period) -> KpiInputs:
    """The two aggregated frames every KPI figure of `period` is computed from, both per group
    (`kpi_group_sums.sql`, `attrition_inputs.sql`): no row per agent comes back."""
    params = {"start": period.start, "end": period.end}
    # A result of no rows comes back with NULL-typed columns; the model needs real types.
    groups = source.query("kpi_group_sums", params)
    groups = groups.select(list(GROUP_SUMS_SCHEMA)).cast(GROUP_SUMS_SCHEMA)
    attrition = source.query("attrition_inputs", params).cast(ATTRITION_SCHEMA)
    # Comparisons follow, and their t quantile needs scipy.stats, whose first import takes a
    # second or two: here it happens in the loading thread, not when the KPI screen draws.
    scipy_stats()
    return KpiInputs(period, groups, attrition)


def row_counts(source: Queries) -> dict[str, int]:
    """Rows per table of the folder (from the Parquet footers; the forecast when there is one)."""
    rows = {str(table): int(n) for table, n in source.query("row_counts").iter_rows()}
    if source.has("forecast"):
        rows["forecast"] = int(source.query("forecast_rows").item())
    return rows


@dataclass(frozen=True)
class PlanData:
    workforce: Workforce
    monthly: pl.DataFrame  # queries/engines/sql/headcount_monthly.sql over the data range
    regions: pl.DataFrame
    forecast: pl.DataFrame | None  # None when the folder has no forecast


def load_plan_data(source: Queries, period: Period, available: DataRange | None) -> PlanData:
    """Everything the screens need. The trend covers the HR history, not the KPI data's
    (spec/model.md, "Monthly trend"): see `trend_range`; `available` no longer bounds it."""
    first_start = source.query("assignment_first_start")["first_start"][0]
    first, last = trend_range(first_start, period.as_of)
    return PlanData(
        workforce=load_workforce(source, period.as_of),
        monthly=load_monthly(source, first, last),
        regions=source.query("regions"),
        forecast=load_forecast(source) if source.has("forecast") else None,
    )
