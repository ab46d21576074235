"""Loading what the planning screens need, once per data folder and as-of date.

Three small queries: the open and closing sites with the agents employed on as-of (the
`Workforce` every cost and scenario figure is computed from), the monthly headcount trend,
and the hiring regions. After this, what-if edits never go back to the exports.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import duckdb
import polars as pl

from queries.engines.duckdb_engine import Engine
from queries.model.costs import Workforce
from queries.model.headcount import load_monthly, trend_range
from queries.model.period import DataRange, Period
from queries.model.staffing import load_forecast


def load_workforce(engine: Engine, as_of: dt.date, cursor: duckdb.DuckDBPyConnection | None = None) -> Workforce:
    sites = engine.query("sites_active", cursor=cursor)
    agents = engine.query("workforce_on_date", {"as_of": as_of}, cursor=cursor)
    # A table of no rows comes back with NULL-typed columns; the model needs real types.
    agents = agents.cast({"hourly_wage": pl.Float64, "fte": pl.Float64, "onsite_days_per_week": pl.Float64,
                          "work_mode": pl.Utf8, "site_id": pl.Utf8})
    return Workforce(as_of=as_of, sites=sites, agents=agents)


@dataclass(frozen=True)
class PlanData:
    workforce: Workforce
    monthly: pl.DataFrame  # queries/engines/sql/headcount_monthly.sql over the data range
    regions: pl.DataFrame
    forecast: pl.DataFrame | None  # None when the folder has no forecast


def load_plan_data(
    engine: Engine, period: Period, available: DataRange | None, cursor: Any = None
) -> PlanData:
    """Everything the screens need. The trend covers the HR history, not the KPI data's
    (spec/model.md, "Monthly trend"): see `trend_range`; `available` no longer bounds it."""
    first_start = engine.query("assignment_first_start", cursor=cursor)["first_start"][0]
    first, last = trend_range(first_start, period.as_of)
    return PlanData(
        workforce=load_workforce(engine, period.as_of, cursor),
        monthly=load_monthly(engine, first, last, cursor),
        regions=engine.query("regions", cursor=cursor),
        forecast=load_forecast(engine, cursor=cursor) if engine.has("forecast") else None,
    )
