"""Checking a data folder against the data contract, in the engine.

First a schema gate (tables present, files readable, columns present with accepted types),
then the value rules of every table that passed, uniqueness, references, overlapping
assignments and the KPI-rows-without-assignment warning. Every rule runs as SQL over the
typed views, one scan per table for all its value rules, so a 50-million-row `kpi_daily`
is checked without bringing its rows into Python.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, Literal

import pyarrow as pa
import pyarrow.parquet as pq

from queries.contract.location import DataLocation, RemoteFolder
from queries.contract.problems import MAX_EXAMPLES, Problem
from queries.contract.schema import TABLES, Column, Reference, Table, accepts, type_name
from queries.contract.sources import TableSource, locate_tables
from queries.engines.protocol import Engine, EngineError, QueryCancelled, QueryError, connect, first_line, quote

if TYPE_CHECKING:
    from queries.config import EngineSettings

Progress = Callable[[int, int, str], None]


@dataclass
class CheckResult:
    folder: DataLocation
    problems: list[Problem] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if not self.problems:
            total = sum(self.rows.values())
            return f"{self.folder}: the data contract holds ({len(self.rows)} tables, {total:,} rows)"
        return (
            f"{self.folder}: {len(self.errors)} error{'s' * (len(self.errors) != 1)}, "
            f"{len(self.warnings)} warning{'s' * (len(self.warnings) != 1)}"
            + ("" if self.ok else "; wfplan cannot open this folder until the errors are fixed")
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "folder": str(self.folder),
            "ok": self.ok,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "rows": self.rows,
            "problems": [p.as_dict() for p in self.problems],
        }


def open_folder(
    folder: DataLocation, settings: EngineSettings | None = None,
    progress: Progress | None = None, *, use_cache: bool = False,
) -> tuple[Engine, CheckResult]:
    """Check a folder and hand back the engine with its views, as the app and report do."""
    engine = connect(folder, settings)
    return engine, check_folder(folder, engine, progress, use_cache=use_cache)


def check_folder(
    folder: DataLocation, engine: Engine | None = None, progress: Progress | None = None, *,
    use_cache: bool = False, threads: int | None = None,
) -> CheckResult:
    """Check `folder`; define its views on `engine` (a new one if None) as a side effect.

    The engine that comes back with a clean result is ready for queries, which is how the
    app and `wfplan report` open a folder: check once, then query the same views.

    With `use_cache`, the value rules are not run again on exports that passed them before
    unchanged (queries/contract/check_cache.py: same files, sizes and modification times, same wfplan):
    the schema gate always runs, and the result is the one the full check gave then.
    `wfplan check` itself always checks everything.

    `threads` caps DuckDB's threads while the value rules run (then the engine's own count
    comes back): the app passes 1, as each thread of the scan of kpi_daily holds its own
    buffers and bitmap, so a first start on new exports stays within the app's memory
    (on 100,000 agents: about 60 MiB less, the scan about twice as long).
    """
    engine = engine or connect(folder)
    result = CheckResult(folder)
    sources, layout = locate_tables(folder)
    result.problems.extend(layout)

    passed: dict[str, TableSource] = {}
    for source in sources.values():
        schema = _schema_problems(folder, source)
        result.problems.extend(schema)
        if not schema:
            try:
                engine.add_table(source)
            except EngineError as err:
                result.problems.append(Problem(source.shown, f"cannot read: {first_line(err)}"))
                continue
            passed[source.name] = source

    key = _cache_key(folder, passed) if use_cache and not result.problems else None
    if key is not None and _from_cache(result, key):
        if progress:
            progress(1, 1, "done (checked before, unchanged since)")
        return result

    with _threads(engine, threads):
        _run_steps(engine, result, passed, progress)
    # Kept only when the files did not change while they were checked.
    if key is not None and result.ok and _cache_key(folder, passed) == key:
        from queries.contract import check_cache as cache

        cache.write("check", key, {"rows": result.rows, "problems": [p.as_dict() for p in result.problems]})
    return result


@contextmanager
def _threads(engine: Engine, threads: int | None) -> Iterator[None]:
    """DuckDB's threads at most `threads` for the duration (Spark: no change)."""
    if not threads or engine.name != "duckdb":
        yield
        return
    before = int(engine.sql("SELECT current_setting('threads')").row(0)[0])
    if before <= threads:
        yield
        return
    engine.sql(f"SET threads = {int(threads)}")
    try:
        yield
    finally:
        try:
            engine.sql(f"SET threads = {before}")
        except (EngineError, QueryCancelled):
            pass  # a cancelled load: the next one connects an engine of its own


def _run_steps(engine: Engine, result: CheckResult, passed: dict[str, TableSource],
               progress: Progress | None) -> None:
    steps = _value_steps(passed)
    unreadable: set[str] = set()
    for done, (label, reads, step) in enumerate(steps):
        if progress:
            progress(done, len(steps), label)
        if unreadable & reads.keys():
            continue  # a table it needs cannot be read: already said
        try:
            result.problems.extend(step(engine, result))
        except QueryError as err:
            # Metadata that reads but data pages that do not fail here. The step's own
            # table is the one its first scan reads, so that is the one named.
            table = next(iter(reads))
            result.problems.append(Problem(passed[table].shown, _unread(err)))
            unreadable |= {table}
    if progress:
        progress(len(steps), len(steps), "done")


def _unread(err: QueryError) -> str:
    """Why a table's rules could not be checked: its data pages do not read, or the engine ran
    out of the memory it may use, which is no fault of the file and says what to change."""
    text = printable(str(err))
    if "out of memory" in text.lower():
        return ("not checked: the engine ran out of memory "
                f"({text.split('(', 1)[1].rstrip(')') if '(' in text else 'its memory_limit'}); "
                "raise memory_limit under [engine.duckdb] in the settings, or leave it unset")
    return f"cannot read: {text}"


def _cache_key(folder: DataLocation, passed: dict[str, TableSource]) -> str | None:
    from queries.contract import check_cache as cache

    if isinstance(folder, RemoteFolder):
        return None  # stat-based: a remote folder is checked every time
    if cache.cache_folder().resolve().is_relative_to(folder.resolve()):
        return None  # never write into the data folder, even through a cache folder in it
    try:
        return cache.exports_fingerprint(folder, [f for source in passed.values() for f in source.local_files()])
    except OSError:
        return None


def _from_cache(result: CheckResult, key: str) -> bool:
    """Fill `result` from an earlier check of the same exports; False when there is none."""
    from queries.contract import check_cache as cache

    cached = cache.read("check", key)
    try:
        rows = {str(k): int(v) for k, v in cached["rows"].items()}  # type: ignore[index]
        problems = [Problem(**{**p, "examples": tuple(p["examples"])}) for p in cached["problems"]]  # type: ignore[index]
    except (TypeError, KeyError, ValueError, AttributeError):
        return False  # none, or not one this wfplan wrote: check again
    result.rows.update(rows)
    result.problems.extend(problems)
    return True


# -- schema gate ----------------------------------------------------------------------------


def _schema_problems(folder: DataLocation, source: TableSource) -> list[Problem]:
    table = TABLES[source.name]
    problems: list[Problem] = []
    missing: dict[str, list[str]] = defaultdict(list)
    wrong: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in source.files:
        shown = _relative(_root(folder, source), path)
        try:
            # The footer's schema only: no data page is read here.
            filesystem = source.remote.fs if source.remote else None
            types = {field.name: field.type for field in pq.read_schema(str(path), filesystem=filesystem)}
        except (pa.ArrowException, OSError) as err:
            problems.append(Problem(shown, f"unreadable: not a Parquet file, or corrupt ({first_line(err)})"))
            continue
        for column in table.columns:
            found = types.get(column.name)
            if found is None:
                missing[column.name].append(shown)
            elif not accepts(column, found):
                wrong[(column.name, type_name(found))].append(shown)
    problems.extend(_partition_key_problems(folder, source))
    many = len(source.files) > 1
    for name, files in missing.items():
        problems.append(Problem(
            source.shown if many else files[0], "required column is missing", column=name,
            examples=_file_examples(files, len(source.files)) if many else (),
        ))
    for (name, found), files in wrong.items():
        expected = table.column(name).kind
        problems.append(Problem(
            source.shown if many else files[0], f"wrong type {found}, expected {expected}",
            column=name, examples=_file_examples(files, len(source.files)) if many else (),
        ))
    return problems


def _partition_key_problems(folder: DataLocation, source: TableSource) -> list[Problem]:
    """Hive folders (`key=value/`) add a column named `key`; one that names a contract column
    would silently replace the file's values, so it is refused."""
    if not source.is_folder:
        return []
    columns = {c.name for c in TABLES[source.name].columns}
    clashes: dict[str, list[str]] = defaultdict(list)
    for path in source.files:
        for part in path.relative_to(source.path).parent.parts:
            key = part.split("=", 1)[0]
            if "=" in part and key in columns:
                clashes[key].append(_relative(_root(folder, source), path.parent))
    return [
        Problem(source.shown, f"partition folders are named after this contract column ({key}=...); "
                "rename the folders or drop the partitioning", column=key,
                examples=tuple(dict.fromkeys(dirs))[:MAX_EXAMPLES])
        for key, dirs in clashes.items()
    ]


def _root(folder: DataLocation, source: TableSource) -> PurePath:
    """The data folder as a path its tables' files are under (a remote one's, in its file system)."""
    return source.remote.root if source.remote else PurePath(str(folder))


def _file_examples(files: list[str], total: int) -> tuple[str, ...]:
    shown = tuple(files[:MAX_EXAMPLES])
    return shown if len(files) == total == 1 else (f"in {len(files)} of {total} files",) + shown


def _relative(folder: PurePath, path: PurePath) -> str:
    try:
        return str(path.relative_to(folder))
    except ValueError:
        return str(path)


# -- value rules ----------------------------------------------------------------------------

Step = Callable[[Engine, CheckResult], list[Problem]]


def _value_steps(passed: dict[str, TableSource]) -> list[tuple[str, dict[str, None], Step]]:
    """(label, tables read with the step's own first, step) for every rule to run.

    On DuckDB, the value rules' scan of `kpi_daily` also counts what its uniqueness,
    reference and unassigned-row rules find (`_KpiScan`), and those steps query only when
    their count is not zero: one pass over the largest table instead of four.
    """
    steps: list[tuple[str, dict[str, None], Step]] = []
    scan = _KpiScan(passed) if "kpi_daily" in passed else None
    for name, source in passed.items():
        table = TABLES[name]
        own = scan if name == "kpi_daily" else None
        steps.append((source.shown, {name: None}, _rules_step(table, source.shown, own)))
        if table.unique:
            steps.append((source.shown, {name: None}, _unless_none(own, "dupes", _unique_step(table, source.shown))))
        for ref in table.references:
            if ref.table in passed:
                steps.append((source.shown, {name: None, ref.table: None},
                              _unless_none(own, f"dangling {ref.column}",
                                           _reference_step(table, ref, source.shown, passed[ref.table].shown))))
    if "assignments" in passed:
        steps.append((passed["assignments"].shown, {"assignments": None}, _overlap_step(passed["assignments"].shown)))
        if "kpi_daily" in passed:
            steps.append((passed["kpi_daily"].shown, {"kpi_daily": None, "assignments": None},
                          _unless_none(scan, "unassigned", _unassigned_kpi_step(passed["kpi_daily"].shown))))
        if "sites" in passed and "agents" in passed:
            steps.append((passed["assignments"].shown, {"assignments": None, "sites": None, "agents": None},
                          _closed_site_step(passed["assignments"].shown)))
    return steps


def _unless_none(scan: _KpiScan | None, count: str, step: Step) -> Step:
    """`step`, skipped when the scan of kpi_daily counted no row for it."""
    if scan is None:
        return step

    def skipped(engine: Engine, result: CheckResult) -> list[Problem]:
        if scan.found.get(count) == 0:
            return []
        return step(engine, result)  # something to report, or not counted: the rule's own query

    return skipped


# Largest bitmap of (date, agent) keys the uniqueness count of kpi_daily builds, in bits
# (64 MiB per thread; the app checks on one); past it, the rule's own group-by runs, whose
# hash table of one group per row is what the bitmap spares. 100,000 agents over two years
# with attrition take 126 million bits, 300,000 take 376 million.
MAX_KEY_BITS = 1 << 29

# Every agent id of agents and of assignments, once, with a number (0, 1, ...), whether
# agents lists it, and its assignments merged into disjoint spans of days: a new span
# starts where no earlier assignment reaches, nor ends the day before. Assignments with a
# NULL start or an end before their start cover no day, as in the rule's own query. The
# first span is kept as two dates, every span (only when there are several) as a list.
_IDS = """
listed AS (SELECT DISTINCT agent_id FROM {agents} WHERE agent_id IS NOT NULL),
a AS (SELECT agent_id, start_date AS s, coalesce(end_date, DATE '9999-12-31') AS e FROM {assignments}
      WHERE agent_id IS NOT NULL AND start_date IS NOT NULL AND (end_date IS NULL OR start_date <= end_date)),
b AS (SELECT *, max(e) OVER (PARTITION BY agent_id ORDER BY s, e
      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach FROM a),
c AS (SELECT *, sum(CASE WHEN reach IS NULL OR reach < s - 1 THEN 1 ELSE 0 END) OVER (
      PARTITION BY agent_id ORDER BY s, e ROWS UNBOUNDED PRECEDING) AS span FROM b),
d AS (SELECT agent_id, span, min(s) AS s, max(e) AS e FROM c GROUP BY agent_id, span),
spans AS (SELECT agent_id, arg_min(s, span) AS s, arg_min(e, span) AS e,
          CASE WHEN count(*) > 1 THEN list({{'s': s, 'e': e}}) END AS more FROM d GROUP BY agent_id),
ids AS (SELECT coalesce(l.agent_id, p.agent_id) AS id_agent,
        CAST(row_number() OVER (ORDER BY coalesce(l.agent_id, p.agent_id)) - 1 AS BIGINT) AS id_number,
        l.agent_id IS NOT NULL AS id_listed, p.s AS id_from, p.e AS id_to, p.more AS id_spans
        FROM listed AS l FULL OUTER JOIN spans AS p ON p.agent_id = l.agent_id)
"""
_IDS_TABLE = "wfplan_check_agent_ids"  # a temporary table, in DuckDB's memory
_NONE = "(SELECT CAST(NULL AS VARCHAR) AS agent_id, CAST(NULL AS DATE) AS start_date, CAST(NULL AS DATE) AS end_date)"


class _KpiScan:
    """What the value rules' scan of `kpi_daily` counts besides the rules (DuckDB only), in
    the same pass, with one join on agent_id to a table of every agent id (`_IDS`):

    - `dangling agent_id`: rows whose agent_id agents does not list;
    - `unassigned`: rows on a day no assignment of their agent covers;
    - `dupes`: rows sharing (date, agent_id) with another. Every row gets the key
      day x ids + the number of its agent id, and a bitmap of the keys (bitstring_agg) one
      bit per key: the rows beyond its set bits repeat a key. Its memory is the bitmap, not
      a hash table of 46 million keys.

    A count the scan could not settle is left out of `found` (a key space too large for
    the bitmap; rows with no key: a NULL date or agent_id, or an agent id found nowhere);
    that rule runs its own query, as does each rule whose count is not zero, for the
    examples it reports.
    """

    def __init__(self, passed: dict[str, TableSource]) -> None:
        self.agents = "agents" in passed
        self.assignments = "assignments" in passed
        self.found: dict[str, int] = {}
        self.names: list[str] = []
        self.params: dict[str, Any] = {}

    def joins(self, engine: Engine) -> tuple[str, list[str]]:
        """(join, aggregates) added to the counting scan of kpi_daily."""
        if not (self.agents or self.assignments):
            return "", []
        ids = _IDS.format(agents="agents" if self.agents else _NONE,
                          assignments="assignments" if self.assignments else _NONE)
        # Made before the scan, not a CTE of it: the windows and group-bys that make it then
        # hold their memory before the scan takes its own, not during it (in the app, the
        # check's peak: ~90 MiB less on the 100,000-agent folder).
        engine.sql(f"CREATE OR REPLACE TEMP TABLE {_IDS_TABLE} AS WITH {ids} SELECT * FROM ids")
        aggregates: list[str] = []
        self.names, self.params = [], {}
        if self.agents:
            aggregates.append("count(*) FILTER (WHERE k.agent_id IS NOT NULL AND id_listed IS NOT TRUE)")
            self.names.append("dangling agent_id")
        if self.assignments:
            covered = ("CASE WHEN id_from <= k.date AND k.date <= id_to THEN true WHEN id_spans IS NULL THEN false"
                       " ELSE len(list_filter(id_spans, lambda p: p.s <= k.date AND k.date <= p.e)) > 0 END")
            aggregates.append(f"count(*) FILTER (WHERE k.agent_id IS NOT NULL AND k.date IS NOT NULL"
                              f" AND ({covered}) IS NOT TRUE)")
            self.names.append("unassigned")
        key = self._key_space(engine)
        if key is not None:
            self.params = dict(zip(("kpi_first", "id_count", "key_last"), key, strict=True))
            keys = "(k.date - CAST($kpi_first AS DATE)) * $id_count + id_number"
            aggregates += ["count(*)", f"count({keys})", f"bit_count(bitstring_agg({keys}, 0, $key_last))"]
            self.names += ["rows", "keys", "distinct keys"]
        return f"LEFT JOIN {_IDS_TABLE} ON id_agent = k.agent_id", aggregates

    def _key_space(self, engine: Engine) -> tuple[str, int, int] | None:
        """(first date, number of agent ids, last key) of the keys, or None when too many for a bitmap."""
        first, days, count = engine.sql(
            "SELECT CAST(min(date) AS VARCHAR), max(date) - min(date) + 1,"
            f" (SELECT count(*) FROM {_IDS_TABLE}) FROM kpi_daily").row(0)
        if first is None or not count or days * count > MAX_KEY_BITS:
            return None
        return str(first), int(count), int(days * count) - 1

    def settle(self, counts: tuple[Any, ...]) -> None:
        found = dict(zip(self.names, counts, strict=True))
        self.found = {k: int(found[k]) for k in ("dangling agent_id", "unassigned") if k in found}
        # Every row keyed, or the bitmap misses some (and has no bits at all when it keyed none).
        if "keys" in found and found["keys"] == found["rows"] and found["distinct keys"] is not None:
            self.found["dupes"] = int(found["keys"]) - int(found["distinct keys"])


def printable(text: str) -> str:
    """An error text without control characters (DuckDB can quote raw bytes of a file)."""
    return "".join(c if c.isprintable() else "?" for c in text)


def _column_rules(column: Column) -> list[tuple[str, str]]:
    """(rule text, breaking predicate) for one column, the implicit rules first."""
    rules: list[tuple[str, str]] = []
    col = quote(column.name)
    if not column.nullable:
        rules.append(("must not be empty (NULL)", f"{col} IS NULL"))
    if column.kind == "float":
        rules.append(("must be a finite number (no NaN or infinity)", f"NOT isfinite({col})"))
    # NaN sorts above every number in DuckDB: range rules leave it to the finite rule.
    guard = f"isfinite({col}) AND " if column.kind == "float" else ""
    rules.extend((rule.text, f"{guard}({rule.breaks})") for rule in column.rules)
    return rules


def _rules_step(table: Table, shown: str, scan: _KpiScan | None = None) -> Step:
    """One scan counts the rows breaking any rule; only when there are some, a second counts
    the breaking rows of every rule and a third keeps five examples of each broken rule.

    The examples come from an aggregate (`min(example, 5)` keeps only five), not from a
    filtered query: Parquet statistics leave NaN out, so a filter on it can prune the very
    row group that holds it. They are not taken in the counting scan: DuckDB builds the
    example text of every row for such an aggregate, broken or not, which made that scan
    about 25 times slower (29 rules over 46 million KPI rows: 220 s against 9 s).
    """
    checks = [(column, text, breaks) for column in table.columns for text, breaks in _column_rules(column)]
    label = f"coalesce({table.label}, '?')"

    def examples_of(column: Column, breaks: str) -> str:
        value = f"CAST({quote(column.name)} AS VARCHAR)"
        example = f"CASE WHEN {value} IS NULL OR {value} = {label} THEN {label} ELSE {label} || ': ' || {value} END"
        return f"min({example}, {MAX_EXAMPLES}) FILTER (WHERE {breaks})"

    def step(engine: Engine, result: CheckResult) -> list[Problem]:
        # A first scan counts the rows that break any rule (one aggregate, where one per rule
        # made the scan of kpi_daily half as slow again); only when there are some does a
        # second count them rule by rule.
        any_broken = " OR ".join(f"({breaks})" for _, _, breaks in checks) or "false"
        total, broken_rows = _count(engine, table, f"count(*) FILTER (WHERE {any_broken})", scan)
        result.rows[table.name] = total
        row: tuple[Any, ...] = (total,) + (0,) * len(checks)
        if broken_rows:
            counts = ", ".join(f"count(*) FILTER (WHERE {breaks})" for _, _, breaks in checks)
            row = engine.sql(f"SELECT count(*), {counts} FROM {quote(table.name)}").row(0)
        broken = [i for i in range(len(checks)) if row[1 + i]]
        examples: dict[int, Any] = {}
        if broken:
            parts = ", ".join(examples_of(checks[i][0], checks[i][2]) for i in broken)
            examples = dict(zip(broken, engine.sql(f"SELECT {parts} FROM {quote(table.name)}").row(0), strict=True))
        problems: list[Problem] = []
        if row[0] == 0:
            severity: Literal["error", "warning"] = "warning" if table.optional else "error"
            problems.append(Problem(shown, "table has no rows", rows=0, severity=severity))
        for i in broken:
            column, text, _ = checks[i]
            problems.append(Problem(shown, text, column=column.name, rows=row[1 + i],
                                    examples=tuple(examples.get(i) or ())))
        return problems

    return step


def _count(engine: Engine, table: Table, counts: str, scan: _KpiScan | None) -> tuple[Any, ...]:
    """The counting scan's row: count(*), then `counts`; with `scan`, its counts too, in the
    same pass. Should the joined scan fail (an unreadable agents or assignments file, say),
    the table's own scan runs instead and the other rules run their own queries: what
    cannot be read is then named as without the join."""
    plain = f"SELECT count(*), {counts} FROM {quote(table.name)}"
    # Spark has no bitmap aggregate, and plans of its own for the rules' queries.
    if scan is not None and engine.name == "duckdb":
        try:
            join, aggregates = scan.joins(engine)
            if aggregates:
                # The rules name the table's columns unqualified: the joined columns have
                # names of their own (id_*).
                row = engine.sql(f"SELECT count(*), {counts}, {', '.join(aggregates)}"
                                 f" FROM {quote(table.name)} AS k {join}", scan.params or None).row(0)
                scan.settle(row[len(row) - len(aggregates):])
                return row[: len(row) - len(aggregates)]
        except QueryError:
            scan.found = {}
        finally:
            try:
                engine.sql(f"DROP TABLE IF EXISTS {_IDS_TABLE}")
            except QueryError:
                pass
    return engine.sql(plain).row(0)


def _unique_step(table: Table, shown: str) -> Step:
    key = ", ".join(quote(c) for c in table.unique)
    key_text = " || ' / ' || ".join(f"CAST({quote(c)} AS VARCHAR)" for c in table.unique)

    def step(engine: Engine, result: CheckResult) -> list[Problem]:
        dupes = engine.sql(
            f"SELECT key_text, n, sum(n) OVER () AS total FROM ("
            f"  SELECT {key_text} AS key_text, count(*) AS n FROM {quote(table.name)}"
            f"  GROUP BY {key} HAVING count(*) > 1) AS d "
            f"ORDER BY n DESC, key_text LIMIT {MAX_EXAMPLES}"
        )
        if dupes.is_empty():
            return []
        return [Problem(
            shown, "must be unique", column=", ".join(table.unique), rows=int(dupes["total"][0]),
            examples=tuple(f"{k} ({n} times)" for k, n, _ in dupes.iter_rows()),
        )]

    return step


def _reference_step(table: Table, ref: Reference, shown: str, target_shown: str) -> Step:
    col, target, target_col = quote(ref.column), quote(ref.table), quote(ref.target)

    def step(engine: Engine, result: CheckResult) -> list[Problem]:
        dangling = engine.sql(
            f"SELECT value, sum(n) OVER () AS total FROM ("
            f"  SELECT c.{col} AS value, count(*) AS n FROM {quote(table.name)} AS c"
            f"  WHERE c.{col} IS NOT NULL AND NOT EXISTS"
            f"  (SELECT 1 FROM {target} AS t WHERE t.{target_col} = c.{col})"
            f"  GROUP BY c.{col}) AS d "
            f"ORDER BY n DESC, value LIMIT {MAX_EXAMPLES}"
        )
        if dangling.is_empty():
            return []
        return [Problem(
            shown, f"not found in {target_shown} ({ref.target})", column=ref.column,
            rows=int(dangling["total"][0]), examples=tuple(str(v) for v in dangling["value"]),
        )]

    return step


def _overlap_step(shown: str) -> Step:
    def step(engine: Engine, result: CheckResult) -> list[Problem]:
        overlaps = engine.sql(
            "SELECT agent_id, start_date, count(*) OVER () AS total FROM ("
            "  SELECT agent_id, start_date, max(coalesce(end_date, DATE '9999-12-31')) OVER ("
            "    PARTITION BY agent_id ORDER BY start_date, end_date"
            "    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS earlier_end"
            "  FROM assignments) AS a "
            f"WHERE earlier_end >= start_date ORDER BY agent_id, start_date LIMIT {MAX_EXAMPLES}"
        )
        if overlaps.is_empty():
            return []
        return [Problem(
            shown, "an agent's assignments overlap", column="start_date, end_date",
            rows=int(overlaps["total"][0]),
            examples=tuple(f"{a} from {d}" for a, d, _ in overlaps.iter_rows()),
        )]

    return step


def _unassigned_kpi_step(shown: str) -> Step:
    def step(engine: Engine, result: CheckResult) -> list[Problem]:
        # A left join kept where nothing matched, not NOT EXISTS: DuckDB runs this one as a
        # hash join on agent_id, 5 times faster on 46 million rows (9 s against 49 s). A row
        # without a match comes out once whatever overlaps the assignments have.
        unassigned = engine.sql(
            "SELECT k.agent_id, k.date, count(*) OVER () AS total FROM kpi_daily AS k"
            " LEFT JOIN assignments AS a ON a.agent_id = k.agent_id"
            "  AND a.start_date <= k.date AND (a.end_date IS NULL OR k.date <= a.end_date)"
            " WHERE k.agent_id IS NOT NULL AND k.date IS NOT NULL AND a.agent_id IS NULL "
            f"ORDER BY k.agent_id, k.date LIMIT {MAX_EXAMPLES}"
        )
        if unassigned.is_empty():
            return []
        return [Problem(
            shown, "rows on days the agent has no assignment (counted, left out of mode comparisons)",
            column="date", rows=int(unassigned["total"][0]), severity="warning",
            examples=tuple(f"{a} on {d}" for a, d, _ in unassigned.iter_rows()),
        )]

    return step


def _closed_site_step(shown: str) -> Step:
    """Agents still working onsite or hybrid at a site whose status is `closed`.

    Cost figures take only open and closing sites (spec/model.md), so these agents count
    onsite while their seats and their site's cost vanish. Not an error: an HR export can lag
    a closure by weeks. A current assignment is an open-ended one of an agent not terminated.
    """
    def step(engine: Engine, result: CheckResult) -> list[Problem]:
        closed = engine.sql(
            "SELECT a.site_id, count(*) AS agents, sum(count(*)) OVER () AS total FROM assignments AS a"
            " JOIN sites AS s ON s.site_id = a.site_id JOIN agents AS g ON g.agent_id = a.agent_id"
            " WHERE s.status = 'closed' AND a.work_mode IN ('onsite', 'hybrid')"
            "  AND a.end_date IS NULL AND g.term_date IS NULL"
            f" GROUP BY a.site_id ORDER BY agents DESC, a.site_id LIMIT {MAX_EXAMPLES}"
        )
        if closed.is_empty():
            return []
        return [Problem(
            shown, "onsite or hybrid agents still assigned to a closed site (they count onsite, "
            "but the site's seats and costs are left out)",
            column="site_id", rows=int(closed["total"][0]), severity="warning",
            examples=tuple(f"{site} ({n:,} agent{'s' * (n != 1)})" for site, n, _ in closed.iter_rows()),
        )]

    return step
