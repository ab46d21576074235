"""Loading the workforce on the as-of date: the only scan the planning model needs.

After this, every site-cost and scenario figure is computed in memory (`queries.model`),
so what-if edits never go back to the exports.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from queries.engine import Engine
from queries.model import Workforce


def load_workforce(engine: Engine, as_of: dt.date, cursor: duckdb.DuckDBPyConnection | None = None) -> Workforce:
    sites = engine.query("sites_active", cursor=cursor)
    agents = engine.query("workforce_on_date", {"as_of": as_of}, cursor=cursor)
    # A table of no rows comes back with NULL-typed columns; the model needs real types.
    agents = agents.cast({"hourly_wage": pl.Float64, "fte": pl.Float64, "onsite_days_per_week": pl.Float64,
                          "work_mode": pl.Utf8, "site_id": pl.Utf8})
    return Workforce(as_of=as_of, sites=sites, agents=agents)
