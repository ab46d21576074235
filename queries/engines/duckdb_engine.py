"""Running SQL over a data folder and collecting polars frames, without a UI.

The engine opens DuckDB (in memory), defines one view per contract table over its Parquet
files, and runs the named queries kept as `queries/engines/sql/NAME.sql` with bound parameters.

Views come in two layers. `raw_NAME` is the Parquet files as they are, made with DuckDB's
relation API so that no file path is ever pasted into SQL text. `NAME` selects exactly the
contract's columns from it, cast to one type per kind (all ints BIGINT, TIMESTAMP dates to
DATE ...), which is what every query is written against.

Threads: DuckDB connections are not thread-safe, so every thread gets its own cursor
(`cursor()`); a worker that wants to be cancellable takes a fresh one (`new_cursor()`) and
the UI calls `interrupt()` on it.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from queries.contract.schema import TABLES, VIEW_TYPES, Table
from queries.contract.sources import TableSource


class QueryError(Exception):
    """A query failed; the message is meant for the user."""


class QueryCancelled(Exception):
    """A query was interrupted on purpose."""


@cache
def sql_text(name: str) -> str:
    """The text of the named query `queries/engines/sql/NAME.sql`."""
    return resources.files("queries.engines").joinpath("sql", f"{name}.sql").read_text(encoding="utf-8")


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def typed_view_sql(table: Table) -> str:
    columns = ",\n  ".join(
        f"CAST({quote(c.name)} AS {VIEW_TYPES[c.kind]}) AS {quote(c.name)}" for c in table.columns
    )
    return f"CREATE OR REPLACE VIEW {quote(table.name)} AS SELECT\n  {columns}\nFROM {quote('raw_' + table.name)}"


class Engine:
    """DuckDB over one data folder."""

    def __init__(self, folder: Path, *, threads: int | None = None, memory_limit: str | None = None):
        self.folder = folder
        # Where DuckDB spills what does not fit in memory_limit. Its default is ".tmp" in the
        # working directory, which may be the data folder: wfplan never writes there.
        config: dict[str, Any] = {"temp_directory": str(spill_folder(folder))}
        # Without background threads, memory a query freed stays with DuckDB's allocator
        # (jemalloc) while the app sits idle: after loading 100,000 agents that was ~200 MiB
        # of a ~400 MiB process. The threads hand it back to the system within a second.
        config["allocator_background_threads"] = True
        if threads:
            config["threads"] = threads
        if memory_limit:
            config["memory_limit"] = memory_limit
        self._con = duckdb.connect(":memory:", config=config)
        self._local = threading.local()
        self.tables: dict[str, TableSource] = {}

    # -- views -----------------------------------------------------------------------------

    def read_file(self, path: Path) -> duckdb.DuckDBPyRelation:
        """One Parquet file as DuckDB sees it (reads only its metadata)."""
        return self._con.read_parquet(str(path))

    def add_table(self, source: TableSource) -> None:
        """Define `raw_NAME` and the typed view `NAME` for one table of the folder."""
        rel = self._con.read_parquet(
            [str(f) for f in source.files],
            hive_partitioning=source.is_folder,
            union_by_name=source.is_folder,
        )
        rel.create_view(f"raw_{source.name}", replace=True)
        self._con.execute(typed_view_sql(TABLES[source.name]))
        self.tables[source.name] = source

    def has(self, table: str) -> bool:
        return table in self.tables

    # -- cursors ---------------------------------------------------------------------------

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """This thread's cursor, created on first use."""
        cur = getattr(self._local, "cursor", None)
        if cur is None:
            cur = self._local.cursor = self.new_cursor()
        return cur

    def new_cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor of its own, for a query that may be interrupted."""
        cur = self._con.cursor()
        # Settings are per connection: dates cut from TIMESTAMP WITH TIME ZONE must not
        # depend on the planner's time zone.
        cur.execute("SET TimeZone = 'UTC'")
        return cur

    @staticmethod
    def interrupt(cursor: duckdb.DuckDBPyConnection) -> None:
        cursor.interrupt()

    @staticmethod
    def progress(cursor: duckdb.DuckDBPyConnection) -> float | None:
        """Share done (0..1) of the query running on `cursor`, None when unknown."""
        try:
            value = cursor.query_progress()
        except duckdb.Error:
            return None
        return value / 100 if value is not None and value >= 0 else None

    # -- running ---------------------------------------------------------------------------

    def query(
        self,
        name: str,
        params: Mapping[str, Any] | None = None,
        *,
        cursor: duckdb.DuckDBPyConnection | None = None,
    ) -> pl.DataFrame:
        """Run the named query with bound parameters and return its rows."""
        return self.sql(sql_text(name), params, cursor=cursor)

    def sql(
        self,
        text: str,
        params: Mapping[str, Any] | list[Any] | None = None,
        *,
        cursor: duckdb.DuckDBPyConnection | None = None,
    ) -> pl.DataFrame:
        cur = cursor or self.cursor()
        try:
            return cur.sql(text, params=params).pl()
        except duckdb.InterruptException:
            raise QueryCancelled("query cancelled") from None
        except duckdb.Error as err:
            raise QueryError(first_line(err)) from None
        except RuntimeError as err:
            # Ctrl+C while DuckDB runs arrives as RuntimeError("Query interrupted").
            if "interrupted" in str(err).lower():
                raise QueryCancelled("query cancelled") from None
            raise

    def close(self) -> None:
        self._con.close()


def row_counts(engine: Engine) -> dict[str, int]:
    """Rows per table of the folder (from the Parquet footers; the forecast is counted)."""
    rows = dict(engine.query("row_counts").iter_rows())
    if engine.has("forecast"):
        rows["forecast"] = engine.sql("SELECT count(*) AS n FROM forecast").item()
    return rows


def spill_folder(data_folder: Path) -> Path:
    """DuckDB's temporary files: in wfplan's cache folder, unless that is in the data folder
    or cannot be made, then in a private temporary folder. DuckDB makes only the last folder
    of the path itself, so the rest is made here: a first spill on a fresh machine must not
    fail (and a failed spill during the check would read as a broken export)."""
    import tempfile

    from queries.contract.check_cache import cache_folder

    folder = cache_folder() / "spill"
    if not folder.resolve().is_relative_to(data_folder.resolve()):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            return folder
        except OSError:
            pass
    return Path(tempfile.mkdtemp(prefix="wfplan-spill-"))


def first_line(err: BaseException) -> str:
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__
