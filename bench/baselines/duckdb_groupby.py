"""Baseline of benchmark 3: bare DuckDB answering "KPI sums by work mode for a period".

The same question the KPI screen answers, over the same Parquet files, with none of
wfplan's layers: one query joining each KPI row to the assignment in force on its day and
grouping by work mode, straight on read_parquet, on a connection of its own.
`bench.bigapp` runs it between the app's own period changes, in the same process and for
the same periods, so both see the same machine at the same moment.

Standalone: `python bench/baselines/duckdb_groupby.py DIR START END [START END ...]`
prints one JSON list of seconds, one per period (after one unmeasured warm-up query).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path

import duckdb

QUERY = """
SELECT s.work_mode, count(*) AS kpi_rows,
       sum(k.contacts), sum(k.handle_seconds), sum(k.fcr_eligible), sum(k.fcr_resolved),
       sum(k.csat_responses), sum(k.csat_points), sum(k.qa_evaluations), sum(k.qa_points),
       sum(k.scheduled_minutes), sum(k.adherent_minutes), sum(k.fraud_incidents)
FROM read_parquet({kpi}, hive_partitioning = true) AS k
JOIN read_parquet({assignments}) AS s
  ON s.agent_id = k.agent_id AND s.start_date <= k."date" AND (s.end_date IS NULL OR k."date" <= s.end_date)
WHERE k."date" BETWEEN DATE '{start}' AND DATE '{end}'
GROUP BY s.work_mode
"""


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def parquet_files(folder: Path, table: str) -> str:
    single = folder / f"{table}.parquet"
    return literal(str(single) if single.exists() else str(folder / table / "**" / "*.parquet"))


def groupby_seconds(con: duckdb.DuckDBPyConnection, folder: Path, start: str, end: str) -> float:
    """One run of the query for the period [start, end] (ISO dates)."""
    # Literal SQL, not bound parameters: the plainest form DuckDB plans best.
    sql = QUERY.format(kpi=parquet_files(folder, "kpi_daily"), assignments=parquet_files(folder, "assignments"),
                       start=dt.date.fromisoformat(start), end=dt.date.fromisoformat(end))
    t0 = time.perf_counter()
    con.sql(sql).fetchall()
    return time.perf_counter() - t0


def main() -> None:
    folder = Path(sys.argv[1])
    periods = list(zip(sys.argv[2::2], sys.argv[3::2], strict=True))
    con = duckdb.connect()
    groupby_seconds(con, folder, *periods[0])
    print(json.dumps([groupby_seconds(con, folder, start, end) for start, end in periods]))


if __name__ == "__main__":
    main()
