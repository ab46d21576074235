"""DuckDB, the embedded default engine: SQL over a data folder into polars frames, without a UI.

It implements `queries.engines.protocol.Engine`. The engine opens DuckDB (in memory), defines
one view per contract table over its Parquet files, and runs the named queries kept as
`queries/engines/sql/NAME.sql` with bound parameters.

Views come in two layers. `raw_NAME` is the Parquet files as they are, made with DuckDB's
relation API so that no file path is ever pasted into SQL text. `NAME` selects exactly the
contract's columns from it, cast to one type per kind (all ints BIGINT, TIMESTAMP dates to
DATE ...), which is what every query is written against.

Threads: DuckDB connections are not thread-safe, so every thread gets its own cursor (its
`thread_job()`); work that wants to be cancellable takes a `job()` of its own, and another
thread calls `cancel()` on it, which interrupts the cursor.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import polars as pl

from queries.contract.location import DataLocation, RemoteFolder
from queries.contract.schema import TABLES, Table
from queries.contract.sources import TableSource
from queries.engines.protocol import (
    Capabilities,
    EngineError,
    JobsPerThread,
    Params,
    QueryCancelled,
    QueryError,
    first_line,
    quote,
)

if TYPE_CHECKING:
    from queries.config import EngineSettings

__all__ = ["DuckDBAdapter", "Engine", "QueryCancelled", "QueryError", "sql_text"]

# One type per contract kind in the typed views.
VIEW_TYPES: dict[str, str] = {
    "string": "VARCHAR",
    "int": "BIGINT",
    "float": "DOUBLE",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
}


@cache
def sql_text(name: str) -> str:
    """The text of the named query `queries/engines/sql/NAME.sql`."""
    return resources.files("queries.engines").joinpath("sql", f"{name}.sql").read_text(encoding="utf-8")


def typed_view_sql(table: Table) -> str:
    columns = ",\n  ".join(
        f"CAST({quote(c.name)} AS {VIEW_TYPES[c.kind]}) AS {quote(c.name)}" for c in table.columns
    )
    return f"CREATE OR REPLACE VIEW {quote(table.name)} AS SELECT\n  {columns}\nFROM {quote('raw_' + table.name)}"


class DuckDBAdapter:
    """`[engine] name = "duckdb"`: in-process DuckDB with `[engine.duckdb]` threads and memory limit."""

    name = "duckdb"

    def connect(self, folder: DataLocation, settings: EngineSettings) -> Engine:
        if isinstance(folder, RemoteFolder):
            raise EngineError(
                f"{folder}: the DuckDB engine reads data folders on this machine only (a local path or "
                f"file:// URI); to read {folder.scheme}:// choose the Spark engine (--engine spark, "
                "or [engine] name = \"spark\")")
        options = settings.duckdb
        try:
            return Engine(folder, threads=options.threads, memory_limit=options.memory_limit)
        except duckdb.Error as err:
            raise EngineError(f"DuckDB: {first_line(err)}") from None


class DuckDBJob:
    """One cursor: queries run on it one at a time; `cancel` interrupts it from another thread."""

    def __init__(self, engine: Engine, cursor: duckdb.DuckDBPyConnection) -> None:
        self._engine = engine
        self._cursor = cursor

    def has(self, table: str) -> bool:
        return self._engine.has(table)

    def query(self, name: str, params: Params = None) -> pl.DataFrame:
        return self.sql(sql_text(name), params)

    def sql(self, text: str, params: Params | list[Any] = None) -> pl.DataFrame:
        try:
            relation = self._cursor.sql(text, params=params)
            # A statement without rows (CREATE, DROP: the check's temporary table) has none.
            frame: pl.DataFrame = relation.pl() if relation is not None else pl.DataFrame()
            return frame
        except duckdb.InterruptException:
            raise QueryCancelled("query cancelled") from None
        except duckdb.Error as err:
            raise QueryError(first_line(err)) from None
        except RuntimeError as err:
            # Ctrl+C while DuckDB runs arrives as RuntimeError("Query interrupted").
            if "interrupted" in str(err).lower():
                raise QueryCancelled("query cancelled") from None
            raise

    def cancel(self) -> None:
        self._cursor.interrupt()

    def progress(self) -> float | None:
        try:
            value = self._cursor.query_progress()
        except duckdb.Error:
            return None
        return value / 100 if value is not None and value >= 0 else None


class Engine(JobsPerThread[DuckDBJob]):
    """DuckDB over one data folder (a `queries.engines.protocol.Engine`)."""

    name = "duckdb"
    capabilities = Capabilities(progress=True, interrupt=True)

    def __init__(self, folder: Path, *, threads: int | None = None, memory_limit: str | None = None):
        self.folder: DataLocation = folder
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
        super().__init__()
        self._con = duckdb.connect(":memory:", config=config)

    # -- views -----------------------------------------------------------------------------

    def add_table(self, source: TableSource) -> None:
        """Define `raw_NAME` and the typed view `NAME` for one table of the folder."""
        try:
            rel = self._con.read_parquet(
                [str(f) for f in source.files],
                hive_partitioning=source.is_folder,
                union_by_name=source.is_folder,
            )
            rel.create_view(f"raw_{source.name}", replace=True)
            self._con.execute(typed_view_sql(TABLES[source.name]))
        except duckdb.Error as err:
            raise EngineError(first_line(err)) from None
        self.tables[source.name] = source

    # -- jobs ------------------------------------------------------------------------------

    def job(self) -> DuckDBJob:
        """A cursor of its own, for queries that may be interrupted."""
        cur = self._con.cursor()
        # Settings are per connection: dates cut from TIMESTAMP WITH TIME ZONE must not
        # depend on the planner's time zone.
        cur.execute("SET TimeZone = 'UTC'")
        return DuckDBJob(self, cur)

    def close(self) -> None:
        self._con.close()


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
