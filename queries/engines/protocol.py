"""What the core needs from a query engine, and how one is chosen.

Modelled on harlequin's adapters: an adapter names a backend and connects it with its own
options; the engine it returns defines the contract's views over a data folder and runs the
named queries of `queries/engines/sql/` with bound parameters, into polars frames. Work that
another thread may cancel runs as a `Job` (its own connection or cursor); every backend
failure reaches the core as one error type, `EngineError`, with a message for the user.
Flags in `Capabilities` say what a backend cannot do. A backend's module (and its driver:
duckdb, pyspark) is imported only when the engine is named.

Only the loading code (`queries.plan.loading`) and the contract check call an engine; the
planning model (`queries.model`) never imports one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, runtime_checkable

from queries.errors import WfplanError

if TYPE_CHECKING:
    import polars as pl

    from queries.config import EngineSettings
    from queries.contract.location import DataLocation
    from queries.contract.sources import TableSource

Params = Mapping[str, Any] | None


class EngineError(WfplanError):
    """A query or a read failed in the engine; the message is meant for the user."""


class QueryCancelled(WfplanError):
    """A query was interrupted on purpose (a newer request, quit, ctrl+c)."""


# The engine's error under the name the core has always used for it.
QueryError = EngineError


@dataclass(frozen=True)
class Capabilities:
    """What a backend can and cannot do; the callers ask instead of guessing."""

    progress: bool
    """Reports the share done of a running query."""
    interrupt: bool
    """A running query can be stopped from another thread (else cancel waits for it)."""


@runtime_checkable
class Queries(Protocol):
    """Runs the named queries: what the loading code needs, from an engine or a job."""

    def query(self, name: str, params: Params = None) -> pl.DataFrame:
        """Run `queries/engines/sql/NAME.sql` with bound parameters; raise EngineError or QueryCancelled."""
        ...

    def has(self, table: str) -> bool:
        """Whether the data folder has `table` (the forecast is optional)."""
        ...


class Job(Queries, Protocol):
    """A unit of work that another thread can cancel: the queries of one load or one KPI request."""

    def sql(self, text: str, params: Params | list[Any] = None) -> pl.DataFrame:
        """Run wfplan's SQL (DuckDB's dialect; Spark translates it) with bound parameters: the check's rules."""
        ...

    def cancel(self) -> None:
        """Stop the query running now, from any thread; it raises QueryCancelled."""
        ...

    def progress(self) -> float | None:
        """Share done (0..1) of the running query, None when unknown."""
        ...


class Engine(Queries, Protocol):
    """One backend over one data folder."""

    name: str
    capabilities: Capabilities
    folder: DataLocation
    tables: dict[str, TableSource]

    def add_table(self, source: TableSource) -> None:
        """Define the raw and typed views of one table of the folder (EngineError when unreadable)."""
        ...

    def sql(self, text: str, params: Params | list[Any] = None) -> pl.DataFrame:
        """wfplan's SQL (DuckDB's dialect, translated by an engine with another), on the calling thread's job."""
        ...

    def job(self) -> Job:
        """A job of its own, for work that may be cancelled."""
        ...

    def thread_job(self) -> Job:
        """The calling thread's job (made on first use): `query` and `sql` run on it."""
        ...

    def close(self) -> None:
        ...


J = TypeVar("J", bound=Job)


class JobsPerThread(Generic[J]):
    """What every engine shares: the tables it has defined, one job per calling thread, and
    `query`/`sql` on that job. A backend subclasses it and implements `job()`."""

    tables: dict[str, TableSource]

    def __init__(self) -> None:
        self.tables = {}
        self._local = threading.local()

    def job(self) -> J:
        raise NotImplementedError

    def has(self, table: str) -> bool:
        return table in self.tables

    def thread_job(self) -> J:
        """This thread's job, made on first use: `query` and `sql` run on it."""
        job: J | None = getattr(self._local, "job", None)
        if job is None:
            job = self._local.job = self.job()
        return job

    def query(self, name: str, params: Params = None) -> pl.DataFrame:
        """Run the named query with bound parameters on this thread's job and return its rows."""
        return self.thread_job().query(name, params)

    def sql(self, text: str, params: Params | list[Any] = None) -> pl.DataFrame:
        """SQL in DuckDB's dialect (the `.sql` files' own), on this thread's job."""
        return self.thread_job().sql(text, params)


class EngineAdapter(Protocol):
    """A backend by name: connects an engine to a data folder with the backend's options."""

    name: str

    def connect(self, folder: DataLocation, settings: EngineSettings) -> Engine:
        ...


def quote(identifier: str) -> str:
    """A SQL identifier in double quotes (both DuckDB's and, transpiled, Spark's)."""
    return '"' + identifier.replace('"', '""') + '"'


def first_line(err: BaseException) -> str:
    """The first line of a backend's error: what a user reads, without the driver's dump."""
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__


def _duckdb() -> EngineAdapter:
    from queries.engines.duckdb_engine import DuckDBAdapter

    return DuckDBAdapter()


def _spark() -> EngineAdapter:
    from queries.engines.spark_engine import SparkAdapter

    return SparkAdapter()


# Backends by the name `[engine] name` and `--engine` use; each is imported when chosen.
ADAPTERS: dict[str, Callable[[], EngineAdapter]] = {"duckdb": _duckdb, "spark": _spark}


def connect(folder: DataLocation, settings: EngineSettings | None = None) -> Engine:
    """The engine `settings` names, over `folder` (DuckDB with its defaults when None)."""
    if settings is None:
        from queries.config import EngineSettings

        settings = EngineSettings()
    try:
        adapter = ADAPTERS[settings.name]
    except KeyError:
        raise EngineError(f"engine {settings.name!r} is not known; known: {', '.join(ADAPTERS)}") from None
    return adapter().connect(folder, settings)
