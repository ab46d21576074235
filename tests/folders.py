"""Tiny data folders for tests, small enough to compute every number by hand.

`base_tables()` is a valid folder: 3 sites, 8 agents, their assignments on and around the
as-of date 2026-03-31, KPI rows and 4 regions. Tests copy it, break or change one thing,
and write it with `write_folder`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

D = dt.date


def base_tables() -> dict[str, pl.DataFrame]:
    sites = pl.DataFrame(
        {
            "site_id": ["KEN", "BOI", "TUL"],
            "name": ["Kennewick", "Boise", "Tulsa"],
            "city": ["Kennewick", "Boise", "Tulsa"],
            "state": ["WA", "ID", "OK"],
            "lat": [46.2112, 43.6150, 36.1540],
            "lon": [-119.1372, -116.2023, -95.9928],
            "opened": [D(2005, 6, 1), D(2015, 3, 1), D(2019, 9, 1)],
            "status": ["open", "open", "closing"],
            "seats": [10, 8, 4],
            "sqft": [2000, 1500, None],
            "lease_annual": [100_000.0, 60_000.0, 20_000.0],
            "opex_annual": [50_000.0, 30_000.0, 10_000.0],
            "lease_end": [D(2026, 12, 31), None, D(2028, 6, 30)],
            "lease_break_fee": [40_000.0, None, None],
        },
        schema_overrides={"seats": pl.Int64, "sqft": pl.Int64},
    )
    agents = pl.DataFrame(
        {
            "agent_id": [f"A{i}" for i in range(1, 9)],
            "hire_date": [D(2024, 1, 1)] * 6 + [D(2026, 3, 1), D(2025, 1, 1)],
            "term_date": [None] * 7 + [D(2026, 2, 28)],
            "home_region": ["R1", "R1", "R2", "R2", "R3", "R4", None, "R1"],
            "hourly_wage": [20.0, 20.0, 22.0, 18.0, 19.0, 21.0, 20.0, 20.0],
            "fte": [1.0, 1.0, 1.0, 0.5, 1.0, 1.0, 1.0, 1.0],
        }
    )
    # On 2026-03-31: A1, A2 onsite KEN; A3 hybrid KEN (NULL days); A4 hybrid BOI 3 days;
    # A5 onsite BOI; A6 remote (site NULL); A7 onsite TUL; A8 left on 2026-02-28.
    assignments = pl.DataFrame(
        {
            "agent_id": ["A1", "A2", "A3", "A4", "A5", "A6", "A6", "A7", "A8"],
            "start_date": [D(2024, 1, 1)] * 5 + [D(2024, 1, 1), D(2025, 7, 1), D(2026, 3, 1), D(2025, 1, 1)],
            "end_date": [None] * 5 + [D(2025, 6, 30), None, None, None],
            "work_mode": ["onsite", "onsite", "hybrid", "hybrid", "onsite", "onsite", "remote", "onsite", "onsite"],
            "site_id": ["KEN", "KEN", "KEN", "BOI", "BOI", "BOI", None, "TUL", "KEN"],
            "onsite_days_per_week": [None, None, None, 3.0, None, None, None, None, None],
        }
    )
    kpi = pl.DataFrame(
        {
            "date": [D(2026, 3, 30), D(2026, 3, 31), D(2026, 3, 31)],
            "agent_id": ["A1", "A1", "A6"],
            "contacts": [40, 50, 30],
            "handle_seconds": [14_400.0, 18_000.0, 11_700.0],
            "fcr_eligible": [30, 40, 20],
            "fcr_resolved": [21, 30, 15],
            "csat_responses": [5, 6, 4],
            "csat_points": [20.0, 25.0, 17.0],
            "qa_evaluations": [1, 0, 1],
            "qa_points": [85.0, 0.0, 90.0],
            "scheduled_minutes": [480.0, 480.0, 480.0],
            "adherent_minutes": [450.0, 460.0, 470.0],
            "fraud_incidents": [0, 0, 0],
        }
    )
    regions = pl.DataFrame(
        {
            "region_id": ["R1", "R2", "R3", "R4"],
            "name": ["Tri-Cities", "Boise", "Tulsa", "Denver"],
            "state": ["WA", "ID", "OK", "CO"],
            "lat": [46.23, 43.62, 36.15, 39.74],
            "lon": [-119.10, -116.20, -95.99, -104.99],
            "population": [300_000, 750_000, 1_000_000, 2_900_000],
            "labor_force": [150_000, 380_000, 500_000, 1_600_000],
            "unemployment_rate": [0.05, 0.03, 0.04, 0.035],
            "csr_employment": [2_600, 6_500, 8_700, 25_000],
            "csr_median_hourly_wage": [19.5, 18.5, 17.9, 21.0],
            "broadband_share": [0.88, 0.91, None, 0.94],
            "utc_offset_hours": [-8.0, -7.0, -6.0, -7.0],
        },
        schema_overrides={"population": pl.Int64, "labor_force": pl.Int64, "csr_employment": pl.Int64},
    )
    return {"sites": sites, "agents": agents, "assignments": assignments, "kpi_daily": kpi, "regions": regions}


def write_folder(folder: Path, tables: dict[str, pl.DataFrame] | None = None) -> Path:
    """Write each table as NAME.parquet; a value that is a dict of frames becomes NAME/ files."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in (base_tables() if tables is None else tables).items():
        if isinstance(frame, dict):
            for rel, part in frame.items():
                path = folder / name / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                part.write_parquet(path)
        else:
            frame.write_parquet(folder / f"{name}.parquet")
    return folder


def moved_mid_month_tables(**kpi_columns: list[object]) -> dict[str, pl.DataFrame]:
    """`base_tables()` with A2 moving from onsite KEN to remote on 2026-03-16, and a KPI row on
    each side of the move (2026-03-10 and 2026-03-20, copied from the first two rows; any of
    their columns given in `kpi_columns`): one agent-month split between two modes."""
    tables = base_tables()
    assignments = tables["assignments"]
    tables["assignments"] = pl.concat([
        assignments.with_columns(
            pl.when(pl.col("agent_id") == "A2").then(pl.lit(D(2026, 3, 15))).otherwise(pl.col("end_date")).alias("end_date")),
        pl.DataFrame({"agent_id": ["A2"], "start_date": [D(2026, 3, 16)], "end_date": [None], "work_mode": ["remote"],
                      "site_id": [None], "onsite_days_per_week": [None]}, schema=assignments.schema),
    ])
    kpi = tables["kpi_daily"]
    tables["kpi_daily"] = pl.concat([kpi, kpi.head(2).with_columns(
        pl.lit("A2").alias("agent_id"), pl.Series("date", [D(2026, 3, 10), D(2026, 3, 20)]),
        *(pl.Series(name, values, dtype=kpi.schema[name]) for name, values in kpi_columns.items()))])
    return tables
