"""Apache Spark, the engine for exports that outgrow one machine: the same queries, on a cluster.

It implements `queries.engines.protocol.Engine` as DuckDB does, over the same two layers of
views (`raw_NAME` as the files are, `NAME` with the contract's columns cast to one type per
kind), and runs the same named queries: the `.sql` files stay written for DuckDB, and
`queries.engines.spark_sql` translates them (and the contract check's rules) for Spark.
Parameters are bound by Spark (`spark.sql(text, args=...)`), never formatted in.

Spark is reached in one of three ways (`[engine.spark]`, `--spark-remote`, `--spark-master`):
a local session (`local[*]`, the default: needs Java 17 here), a master URL (the driver runs
in this process), or Spark Connect (`sc://host:15002`: only a thin client runs here). One
Spark driver serves the whole process; each engine gets a session of its own on it, so two
data folders never see each other's views.

Cancelling: each job tags the Spark jobs its queries start, and `cancel` interrupts that
tag from any thread. Spark's own logging goes to `spark.log` in wfplan's cache folder, never
to the terminal the app draws on.

pyspark is imported only when this engine is named (`pip install 'wfplan[spark]'`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import threading
import time
import uuid
import warnings
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from queries.contract.location import DataLocation
from queries.contract.schema import TABLES, Table
from queries.contract.sources import TableSource
from queries.engines.protocol import Capabilities, EngineError, JobsPerThread, Params, QueryCancelled, first_line
from queries.engines.spark_sql import TranspileError, to_spark

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from queries.config import EngineSettings, SparkSettings

# One Spark type per contract kind in the typed views (DuckDB's TIMESTAMP has no time zone:
# Spark's TIMESTAMP_NTZ).
VIEW_TYPES: dict[str, str] = {
    "string": "string",
    "int": "bigint",
    "float": "double",
    "date": "date",
    "timestamp": "timestamp_ntz",
}

# Settings every session gets unless `[engine.spark.conf]` says otherwise. Dates cut from
# timestamps must not depend on the planner's time zone (DuckDB's views use UTC too);
# `count(*)` of a Parquet table comes from the footers, as in DuckDB, not from a scan.
SESSION_DEFAULTS: dict[str, str] = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.parquet.aggregatePushdown": "true",
    "spark.sql.ansi.enabled": "true",
}
# A driver of wfplan's own (local or master URL): no web UI, no console progress bar, and a
# JVM that starts fast (measured 4-7 s for a local session with these flags).
DRIVER_DEFAULTS: dict[str, str] = {
    "spark.app.name": "wfplan",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.driver.extraJavaOptions": "-XX:+UseSerialGC -XX:TieredStopAtLevel=1",
}
# A local session on a laptop-sized folder: a few shuffle partitions, not Spark's 200.
LOCAL_DEFAULTS: dict[str, str] = {
    "spark.sql.shuffle.partitions": "8",
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
}

# PySpark's own Python loggers write every failed query with its JVM stack trace to stderr,
# as JSON: on the terminal the app draws on. Made here first as plain, disabled loggers, they
# are what PySpark gets when it asks for them; the error still reaches wfplan as an exception.
for _name in ("SQLQueryContextLogger", "DataFrameQueryContextLogger"):
    logging.getLogger(_name).disabled = True

MISSING_PYSPARK = ("the Spark engine needs pyspark: pip install 'wfplan[spark]' "
                   "(or choose [engine] name = \"duckdb\")")


@cache
def sql_text(name: str) -> str:
    """The text of the named query `queries/engines/sql/NAME.sql` (DuckDB's dialect)."""
    return resources.files("queries.engines").joinpath("sql", f"{name}.sql").read_text(encoding="utf-8")


class SparkAdapter:
    """`[engine] name = "spark"`: a session on local Spark, a master URL, or Spark Connect."""

    name = "spark"

    def connect(self, folder: DataLocation, settings: EngineSettings) -> SparkEngine:
        return SparkEngine(folder, new_session(settings.spark))


# -- sessions ---------------------------------------------------------------------------------

_driver_lock = threading.Lock()
_drivers: dict[tuple[str, tuple[tuple[str, str], ...]], SparkSession] = {}


def new_session(options: SparkSettings) -> SparkSession:
    """A Spark session of its own (own views, own settings) on the driver `options` name."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise EngineError(MISSING_PYSPARK) from None
    conf = {**SESSION_DEFAULTS, **options.conf}
    try:
        if options.remote:
            return _connect_session(options.remote, conf)
        base = _driver(options.master or "local[*]", options.conf)
        session = base.newSession()
        # The driver was started with every setting; a session takes again the ones a
        # session may change (SQL settings), so that each engine has them whatever ran before.
        for key, value in conf.items():
            if session.conf.isModifiable(key):
                session.conf.set(key, value)
        return session
    except EngineError:
        raise
    except Exception as err:
        where = f"Spark Connect at {options.remote}" if options.remote else "Spark"
        hint = "" if options.remote else f" (Spark needs Java 17: is `java` on PATH? Spark's own log: {spark_log_path()})"
        raise EngineError(f"{where} did not start: {spark_message(err)}{hint}") from None


def _connect_session(remote: str, conf: dict[str, str]) -> SparkSession:
    from pyspark.sql import SparkSession

    try:
        import pyspark.sql.connect.session  # noqa: F401
    except ImportError as err:
        raise EngineError(f"Spark Connect needs its client libraries ({err.name}): pip install 'wfplan[spark]'") from None
    from pyspark.sql.connect.client.retries import DefaultPolicy

    # create(), not getOrCreate(): every engine gets a session (and views) of its own. It marks
    # the whole process as a Connect client (an environment variable) after which PySpark
    # refuses to start a driver of its own; wfplan's own calls do not need the mark, so it is
    # taken back, and a local session can still start beside (the tests run both).
    marked = os.environ.get("SPARK_CONNECT_MODE_ENABLED")
    try:
        session = SparkSession.builder.remote(remote).create()
    finally:
        if marked is None:
            os.environ.pop("SPARK_CONNECT_MODE_ENABLED", None)
    client = session.client
    usual = client.get_retry_policies()
    # The first call says whether the server is there: within seconds, not after the client's
    # usual minutes of retries (which stay for every later call, where a cluster may be busy).
    client.set_retry_policies([DefaultPolicy(max_retries=3, initial_backoff=200, max_backoff=2000)])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the client warns on stderr when it gives up
            for key, value in conf.items():
                session.conf.set(key, value)
    except Exception as err:
        with contextlib.suppress(Exception), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            session.stop()  # its threads would keep wfplan from exiting
        text = str(err)
        status = re.search(r"StatusCode\.(\w+)", text)
        if status and text.startswith("<_InactiveRpcError"):
            raise EngineError(f"Spark Connect at {remote} did not answer ({status.group(1)}): "
                              "is the server running, and the address right?") from None
        raise
    finally:
        client.set_retry_policies(usual)
    return session


def _driver(master: str, user_conf: Mapping[str, str]) -> SparkSession:
    """The process's Spark driver for `master`, started on first use with its JVM's output in
    wfplan's cache folder (`spark.log`), never on the terminal."""
    key = (master, tuple(sorted(user_conf.items())))
    with _driver_lock:
        running = _drivers.get(key)
        if running is not None:
            return running
        if _drivers:
            # One SparkContext per process: a second master or conf cannot start beside it.
            raise EngineError("Spark is already running in this wfplan with other settings; restart wfplan to change them")
        from pyspark import SparkConf, SparkContext
        from pyspark.java_gateway import launch_gateway
        from pyspark.sql import SparkSession

        log = spark_log_path()
        # The planner's own JVM options come last (they win), after wfplan's log set-up.
        java_options = " ".join(option for option in [
            DRIVER_DEFAULTS["spark.driver.extraJavaOptions"],
            f"-Dlog4j2.configurationFile={_log4j_config()}",
            f"-Dwfplan.spark.log={log}",
            user_conf.get("spark.driver.extraJavaOptions", ""),
        ] if option)
        settings = dict(DRIVER_DEFAULTS)
        if master.startswith("local"):
            settings.update(LOCAL_DEFAULTS)
        settings.update(SESSION_DEFAULTS)
        settings.update(user_conf)
        settings["spark.driver.extraJavaOptions"] = java_options
        settings["spark.master"] = master
        conf = SparkConf(loadDefaults=False).setAll(list(settings.items()))
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("ab") as out:
            # The JVM's own stdout and stderr (the launcher's notes, log lines before log4j
            # is set up) go to the log file too: the app's terminal is not theirs.
            gateway = launch_gateway(conf, popen_kwargs={"stdout": out, "stderr": out})  # type: ignore[no-untyped-call]
        context = SparkContext(conf=conf, gateway=gateway)
        context.setLogLevel("WARN")
        session = SparkSession(context)
        _drivers[key] = session
        return session


def stop_drivers() -> None:
    """Stop the Spark driver this process started (tests; wfplan itself lets it end with the process)."""
    with _driver_lock:
        for session in _drivers.values():
            session.stop()
        _drivers.clear()


def spark_log_path() -> Path:
    from queries.contract.check_cache import cache_folder

    return cache_folder() / "spark.log"


def _log4j_config() -> Path:
    return Path(str(resources.files("queries.engines").joinpath("spark-log4j2.properties")))


def spark_message(err: BaseException) -> str:
    """What a user reads of a Spark error: its first line, without the JVM's stack trace, and
    without Spark's `[ERROR_CLASS]` prefix kept only when it says something."""
    text = first_line(err)
    if text.startswith("An error occurred while calling"):
        java = getattr(err, "java_exception", None)
        if java is not None:
            text = first_line(Exception(str(java.getMessage())))
    return text.replace("\t", " ")


# -- the engine -------------------------------------------------------------------------------


class SparkJob:
    """The queries of one unit of work, tagged so that another thread can interrupt them."""

    def __init__(self, engine: SparkEngine) -> None:
        self._engine = engine
        self._tag = f"wfplan-{uuid.uuid4().hex}"
        self._cancelled = threading.Event()
        self._running = threading.Event()

    def has(self, table: str) -> bool:
        return self._engine.has(table)

    def query(self, name: str, params: Params = None) -> pl.DataFrame:
        return self.sql(sql_text(name), params)

    def sql(self, text: str, params: Params | list[Any] = None) -> pl.DataFrame:
        """Run wfplan SQL (DuckDB's dialect, translated) with bound parameters; rows as polars."""
        try:
            spark_text = to_spark(text)
        except TranspileError as err:
            raise EngineError(str(err)) from None
        session = self._engine.session
        self._cancelled.clear()
        self._tag_on()
        self._running.set()
        try:
            args = dict(params) if isinstance(params, Mapping) else (list(params) if params else None)
            table = session.sql(spark_text, args=args).toArrow()
        except Exception as err:
            if self._cancelled.is_set():
                raise QueryCancelled("query cancelled") from None
            raise EngineError(spark_message(err)) from None
        finally:
            self._running.clear()
            self._tag_off()
        if self._cancelled.is_set():
            raise QueryCancelled("query cancelled")
        frame = pl.from_arrow(table)
        assert isinstance(frame, pl.DataFrame)
        return frame

    # Spark Connect tags each request of this thread and interrupts by tag on the server. On a
    # driver of our own, the session's tags (SparkSession.addTag) are looked up in the thread
    # that interrupts, so a cancel from another thread found nothing: the SparkContext's job
    # tags are global, and are inherited by the thread that runs a query's action for toArrow.
    # Its tasks are interrupted too, not only marked: a tight loop would run on otherwise.

    def _tag_on(self) -> None:
        session = self._engine.session
        if _is_connect(session):
            session.addTag(self._tag)
        else:
            session.sparkContext.setInterruptOnCancel(True)
            session.sparkContext.addJobTag(self._tag)

    def _tag_off(self) -> None:
        session = self._engine.session
        if _is_connect(session):
            session.removeTag(self._tag)
        else:
            session.sparkContext.removeJobTag(self._tag)

    def cancel(self) -> None:
        self._cancelled.set()
        session = self._engine.session
        if _is_connect(session):
            try:
                session.interruptTag(self._tag)  # the whole operation, jobs to come included
            except Exception:
                pass  # nothing running, or the session is gone: nothing to stop
            return
        # Cancelling by tag stops the Spark jobs running now; a query still being planned (or
        # between two of its jobs) starts more, so this is repeated until the query gives up.
        threading.Thread(target=self._keep_cancelling, name=f"cancel-{self._tag}", daemon=True).start()

    def _keep_cancelling(self) -> None:
        context = self._engine.session.sparkContext
        while self._running.is_set() and self._cancelled.is_set():
            try:
                context.cancelJobsWithTag(self._tag)
            except Exception:
                return  # the driver is gone: nothing to stop
            time.sleep(0.25)

    def progress(self) -> float | None:
        return None


class SparkEngine(JobsPerThread[SparkJob]):
    """Spark over one data folder (a `queries.engines.protocol.Engine`)."""

    name = "spark"
    capabilities = Capabilities(progress=False, interrupt=True)

    def __init__(self, folder: DataLocation, session: SparkSession) -> None:
        self.folder = folder
        self.session = session
        super().__init__()

    def add_table(self, source: TableSource) -> None:
        """Define `raw_NAME` and the typed view `NAME`, or refuse what Spark cannot read."""
        table = TABLES[source.name]
        refusal = unreadable_by_spark(source, table)
        if refusal:
            raise EngineError(refusal)
        try:
            raw = self.session.read.parquet(*[source.uri(f) for f in source.files])
            raw.createOrReplaceTempView(f"raw_{source.name}")
            # Column names and types are the contract's constants, never from the data.
            typed = raw.selectExpr(*[f"CAST(`{c.name}` AS {VIEW_TYPES[c.kind]}) AS `{c.name}`" for c in table.columns])
            typed.createOrReplaceTempView(source.name)
        except Exception as err:
            raise EngineError(spark_message(err)) from None
        self.tables[source.name] = source

    def job(self) -> SparkJob:
        return SparkJob(self)

    def close(self) -> None:
        # A Connect session is the server's to free; a session on our own driver shares the
        # SparkContext with every other engine of the process, so only its views go.
        try:
            if _is_connect(self.session):
                self.session.stop()
            else:
                for name in self.tables:
                    self.session.catalog.dropTempView(name)
                    self.session.catalog.dropTempView(f"raw_{name}")
        except Exception:
            pass  # closing must not fail over a session already gone


def _is_connect(session: SparkSession) -> bool:
    return type(session).__module__.startswith("pyspark.sql.connect")


# -- what Spark cannot read ---------------------------------------------------------------------


def unreadable_by_spark(source: TableSource, table: Table) -> str | None:
    """Why Spark would fail on this table's files, named by file and rule; None when it can read them.

    Known cases (the contract allows both; DuckDB reads them): a TIMESTAMP(NANOS) column (Spark 4
    refuses it), and files of one table whose columns differ in Parquet type (DuckDB widens
    them when it unions the files by name; Spark fails mid-query). Read from the Parquet
    footers only, by Parquet's own types: INT96 timestamps, which Spark reads, are not NANOS.
    """
    wanted = {c.name for c in table.columns}
    first_seen: dict[str, tuple[str, str]] = {}
    for path in source.files:
        shown = _shown(source, path)
        try:
            if source.remote:
                with source.remote.fs.open_input_file(str(path)) as remote_file:
                    schema = pq.ParquetFile(remote_file).schema
            else:
                schema = pq.ParquetFile(path).schema
        except (pa.ArrowException, OSError):
            continue  # the check's schema gate names an unreadable file itself
        for i in range(len(schema)):
            column = schema.column(i)
            if column.path not in wanted:
                continue
            logical = column.logical_type
            if logical.type == "TIMESTAMP" and '"nanoseconds"' in logical.to_json():
                return (f"{shown}: {column.path}: TIMESTAMP(NANOS) cannot be read by Spark; write it as "
                        "TIMESTAMP(MICROS) (pyarrow: coerce_timestamps='us'), or use the DuckDB engine")
            # Timestamps in millis and micros read alike; other logical types (Int(8) and
            # Int(32) are both INT32) only when their storage agrees.
            kind = column.physical_type + (f" {logical.type}" if logical.type in ("DATE", "TIMESTAMP", "STRING") else "")
            seen = first_seen.setdefault(column.path, (shown, kind))
            if seen[1] != kind:
                return (f"{column.path}: files of one table differ in type ({seen[1]} in {seen[0]}, {kind} in {shown}): "
                        "Spark reads them only when their types agree; write them with one type, or use the DuckDB engine")
    return None


def _shown(source: TableSource, path: PurePath) -> str:
    try:
        return f"{source.path.name}/{path.relative_to(source.path)}" if source.is_folder else path.name
    except ValueError:
        return str(path)
