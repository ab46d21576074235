"""Baseline of benchmark 5: one DuckDB scan of every column of every table of a folder.

For each table (`NAME.parquet` or a folder `NAME/` of Parquet files) one query takes the
minimum and maximum of every column: the cheapest pass that decodes every value once,
which is the least any check of the values has to do. Run as its own process, like
`wfplan check`, so both pay for starting Python and DuckDB.

`python bench/baselines/duckdb_scan.py DIR` prints the tables and their row counts.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def tables(folder: Path) -> dict[str, str]:
    """Table name -> read_parquet(...) source, for every export in the folder."""
    found = {}
    for path in sorted(folder.iterdir()):
        if path.suffix == ".parquet":
            found[path.stem] = f"read_parquet({literal(str(path))})"
        elif path.is_dir() and any(path.rglob("*.parquet")):
            found[path.name] = f"read_parquet({literal(str(path / '**' / '*.parquet'))}, hive_partitioning = true)"
    return found


def main() -> None:
    con = duckdb.connect()
    for name, source in tables(Path(sys.argv[1])).items():
        columns = [row[0] for row in con.sql(f"DESCRIBE SELECT * FROM {source}").fetchall()]
        aggregates = ", ".join(f"min({quote(c)}), max({quote(c)})" for c in columns)
        rows = con.sql(f"SELECT count(*), {aggregates} FROM {source}").fetchall()[0][0]
        print(f"{name}: {rows:,} rows, {len(columns)} columns")


if __name__ == "__main__":
    main()
