"""Baseline of benchmark 6: DuckDB writing the demo's KPI rows once, with nothing to generate.

`wfplan demo` computes every KPI row and writes it as Parquet. This copies the
`kpi_daily` it wrote (all but a few thousand of the folder's rows) into one new Parquet
file, month by month as the generator writes it: reading and writing the same rows,
with no generation at all. Run as its own process, like `wfplan demo`.

`python bench/baselines/duckdb_copy.py DIR OUT` writes OUT (a folder) and prints its rows.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def main() -> None:
    folder, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    months = sorted(p for p in (folder / "kpi_daily").iterdir() if p.is_dir())
    rows = 0
    for month in months:
        target = out / f"{month.name}.parquet"
        source = literal(str(month / "*.parquet"))
        con.sql(f"COPY (SELECT * FROM read_parquet({source})) TO {literal(str(target))} (FORMAT parquet)")
        rows += con.sql(f"SELECT count(*) FROM read_parquet({literal(str(target))})").fetchall()[0][0]
    print(f"copied {rows:,} rows in {len(months)} files")


if __name__ == "__main__":
    main()
