"""wfplan's SQL (DuckDB's dialect) made runnable on Spark: sqlglot's transpiler plus a few rewrites.

The `.sql` files of `queries/engines/sql/` and the contract check's generated rules stay the
single source, written for DuckDB. Spark runs them through `to_spark`, which parses them as
DuckDB SQL, rewrites what sqlglot does not translate (or translates into SQL Spark rejects),
and prints Spark SQL. Each rewrite keeps DuckDB's meaning exactly:

- `generate_series(a, b, step) AS t(m)` in FROM: sqlglot prints `EXPLODE(SEQUENCE(...), _u(m))`,
  which Spark cannot parse; it becomes the table-valued generator `EXPLODE(SEQUENCE(a, b, step)) AS t(m)`.
- date minus date: a whole number of days in DuckDB, an interval in Spark; it becomes
  `DATEDIFF(a, b)`. Which operands are dates is inferred from the contract's date columns, casts to
  DATE and the projections that carry them (see `_is_date`).
- `AS NOT MATERIALIZED` on a CTE: Spark has no such hint (it inlines every CTE anyway); dropped.
- `isfinite(x)`: Spark has none; it becomes `NOT (isnan(x) OR abs(x) = +infinity)`, which is NULL
  for a NULL x as DuckDB's is.
- `min(x, n)` (the n smallest values, as a sorted list) with or without `FILTER (WHERE ...)`:
  `slice(array_sort(collect_list(x) FILTER (WHERE ...)), 1, n)`. It collects every value the filter
  keeps before sorting, so it is for the check's examples of broken rows, not for whole tables.
- `CAST(x AS VARCHAR)` of a contract float column (the check's examples of broken values):
  Spark writes doubles as Java does (`NaN`, `Infinity`, `1.5E7`), DuckDB as Python's repr does
  (`nan`, `inf`, `15000000.0`); it becomes a CASE that writes them as DuckDB does (see `_float_text`).
- a SELECT that joins `kpi_daily` to `assignments` (inner or left: the KPI query, the check's
  KPI-rows-without-assignment step) gets the hint `/*+ BROADCAST(<assignments' alias>) */`: the
  assignments (one row per spell, far fewer than KPI rows) go to every executor and the KPI table
  is scanned once, without a shuffle. Spark broadcasts a table on its own only while its files are
  under `spark.sql.autoBroadcastJoinThreshold` (10 MB): the assignments of about 700,000 agents
  are past it, and the join would then shuffle and sort every KPI row. A hint changes the plan,
  never the result.
- `$name` parameters become Spark's named markers `:name`, bound by `spark.sql(text, args=...)`,
  never formatted in.

Nothing here imports Spark: the translation is plain text in, text out, and tested as such.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

import sqlglot
from sqlglot import exp

from queries.contract.schema import TABLES

# Columns that hold dates in the typed views every query reads.
CONTRACT_DATE_COLUMNS = frozenset(c.name for t in TABLES.values() for c in t.columns if c.kind == "date")
# The kind of each column of each contract table's typed view.
COLUMN_KINDS = {t.name: {c.name: c.kind for c in t.columns} for t in TABLES.values()}


class TranspileError(Exception):
    """SQL that sqlglot cannot parse or print for Spark; a bug in wfplan's SQL, not in the data."""


@lru_cache(maxsize=512)
def to_spark(duckdb_sql: str) -> str:
    """The same query in Spark SQL (cached: the check and the loaders repeat their texts)."""
    try:
        statements = sqlglot.parse(duckdb_sql, read="duckdb")
    except sqlglot.errors.ParseError as err:
        raise TranspileError(f"cannot parse wfplan SQL for Spark: {err}") from None
    if len(statements) != 1 or statements[0] is None:
        raise TranspileError(f"expected one SQL statement, got {len(statements)}")
    tree = rewrite(statements[0])
    try:
        return tree.sql(dialect="spark", unsupported_level=sqlglot.ErrorLevel.RAISE)
    except sqlglot.errors.UnsupportedError as err:
        raise TranspileError(f"cannot write wfplan SQL for Spark: {err}") from None


def rewrite(tree: exp.Expr) -> exp.Expr:
    """Apply every rewrite to a parsed DuckDB statement (a copy: the argument is left as is)."""
    tree = tree.copy()
    projections = _projections(tree)
    tables = {t.name for t in tree.find_all(exp.Table) if t.name in COLUMN_KINDS}
    for cte in list(tree.find_all(exp.CTE)):
        cte.set("materialized", None)
    for table in list(tree.find_all(exp.Table)):
        if isinstance(table.this, exp.GenerateSeries):
            _explode_sequence(table)
    for select in list(tree.find_all(exp.Select)):
        _broadcast_assignments(select)
    # Innermost first: a rewritten child must not be visited again through its old parent.
    for node in list(_post_order(tree)):
        if isinstance(node, exp.Sub) and (_is_date(node.this, projections) and _is_date(node.expression, projections)):
            node.replace(exp.Anonymous(this="DATEDIFF", expressions=[node.this.copy(), node.expression.copy()]))
        elif isinstance(node, exp.Anonymous) and node.name.lower() == "isfinite":
            node.replace(_not_finite_negated(node.expressions[0].copy()))
        elif isinstance(node, exp.Filter) and isinstance(node.this, exp.Min) and node.this.args.get("count"):
            node.replace(_smallest(node.this, node.expression))
        elif isinstance(node, exp.Min) and node.args.get("count") and not isinstance(node.parent, exp.Filter):
            node.replace(_smallest(node, None))
        elif (isinstance(node, exp.Cast) and node.to.is_type(*exp.DataType.TEXT_TYPES)
              and isinstance(node.this, exp.Column) and _is_float_column(node.this.name, tables)):
            node.replace(_float_text(node.this.copy()))
    return tree


def _post_order(tree: exp.Expr) -> Iterator[exp.Expr]:
    for child in tree.iter_expressions():
        yield from _post_order(child)
    yield tree


def _explode_sequence(table: exp.Table) -> None:
    series: exp.GenerateSeries = table.this
    args = [series.args["start"], series.args["end"]]
    if series.args.get("step") is not None:
        args.append(series.args["step"])
    if series.args.get("is_end_exclusive"):
        raise TranspileError("generate_series with an exclusive end (DuckDB's range) is not rewritten for Spark")
    sequence = exp.Anonymous(this="SEQUENCE", expressions=[a.copy() for a in args])
    table.set("this", exp.Anonymous(this="EXPLODE", expressions=[sequence]))


def _broadcast_assignments(select: exp.Select) -> None:
    """BROADCAST(the assignments' alias) on a SELECT whose own FROM and JOINs read both
    `kpi_daily` and `assignments` (not through a CTE or subquery: those keep Spark's choice)."""
    sources = [select.args["from_"].this] if select.args.get("from_") else []
    sources += [join.this for join in select.args.get("joins") or []]
    tables = {t.name: t.alias_or_name for t in sources if isinstance(t, exp.Table) and not t.db}
    if "kpi_daily" not in tables or "assignments" not in tables:
        return
    hint = exp.JoinHint(this="BROADCAST", expressions=[exp.to_table(tables["assignments"])])
    existing = select.args.get("hint")
    select.set("hint", exp.Hint(expressions=[*(existing.expressions if existing else []), hint]))


def _not_finite_negated(value: exp.Expr) -> exp.Expr:
    """isfinite(value) for Spark: NOT (isnan(value) OR abs(value) = +infinity)."""
    infinity = exp.cast(exp.Literal.string("Infinity"), "DOUBLE")
    broken = exp.or_(
        exp.Anonymous(this="ISNAN", expressions=[value]),
        exp.EQ(this=exp.Abs(this=value.copy()), expression=infinity),
    )
    return exp.paren(exp.not_(exp.paren(broken, copy=False), copy=False), copy=False)


def _smallest(minimum: exp.Min, where: exp.Expr | None) -> exp.Expr:
    """DuckDB's min(x, n): the n smallest values of x, ascending, as a list."""
    collected: exp.Expr = exp.Anonymous(this="COLLECT_LIST", expressions=[minimum.this.copy()])
    if where is not None:
        collected = exp.Filter(this=collected, expression=where.copy())
    ordered = exp.Anonymous(this="ARRAY_SORT", expressions=[collected])
    return exp.Anonymous(this="SLICE", expressions=[ordered, exp.Literal.number(1), minimum.args["count"].copy()])


def _is_float_column(name: str, tables: set[str]) -> bool:
    """Whether `name` is a float column in every contract table the statement reads that has it."""
    kinds = {COLUMN_KINDS[t][name] for t in tables if name in COLUMN_KINDS[t]}
    return kinds == {"float"}


def _float_text(value: exp.Expr) -> exp.Expr:
    """A DOUBLE as DuckDB writes it (Python's repr): `nan`, `inf`, `-inf`, and positional
    notation from 1e-4 up to 1e16 where Java switches to `1.5E7` below 1e-3 and from 1e7.
    In those two bands the value is written from a DECIMAL with enough places for a double's
    digits there, trailing zeros dropped, one kept after the point; beyond them, Java's
    exponent is rewritten as Python's (`1.5E-5` as `1.5e-05`)."""
    template = sqlglot.parse_one(
        "CASE WHEN ISNAN(X) THEN 'nan'"
        " WHEN X = CAST('Infinity' AS DOUBLE) THEN 'inf'"
        " WHEN X = CAST('-Infinity' AS DOUBLE) THEN '-inf'"
        " WHEN ABS(X) >= 1e7 AND ABS(X) < 1e16"
        "  THEN REGEXP_REPLACE(REGEXP_REPLACE(CAST(CAST(X AS DECIMAL(38, 9)) AS STRING), '0+$', ''), '[.]$', '.0')"
        " WHEN ABS(X) >= 1e-4 AND ABS(X) < 1e-3"
        "  THEN REGEXP_REPLACE(CAST(CAST(X AS DECIMAL(38, 20)) AS STRING), '0+$', '')"
        # Both write exponents from 1e16 and below 1e-4: Java's 1.0E16 is Python's 1e+16.
        " WHEN X <> 0 AND (ABS(X) >= 1e16 OR ABS(X) < 1e-4) THEN"
        "  REGEXP_REPLACE(REGEXP_REPLACE(REGEXP_REPLACE(REGEXP_REPLACE(REGEXP_REPLACE("
        "   CAST(X AS STRING), '[.]0E', 'E'), 'E([0-9])$', 'e+0$1'), 'E([0-9][0-9]+)$', 'e+$1'),"
        "   'E-([0-9])$', 'e-0$1'), 'E-([0-9][0-9]+)$', 'e-$1')"
        " ELSE CAST(X AS STRING) END",
        read="spark",
    )
    return template.transform(lambda n: value.copy() if isinstance(n, exp.Column) and n.name == "X" else n)


def _projections(tree: exp.Expr) -> dict[str, list[exp.Expr]]:
    """Every named projection of the statement: what a column of that name may be made of."""
    named: dict[str, list[exp.Expr]] = {}
    for alias in tree.find_all(exp.Alias):
        named.setdefault(alias.alias, []).append(alias.this)
    return named


def _is_date(node: exp.Expr, projections: dict[str, list[exp.Expr]], depth: int = 0) -> bool:
    """Whether `node` is a DATE in the typed views: a contract date column, a cast to DATE, a
    LEAST/GREATEST/COALESCE of dates, a date plus or minus whole days, or a column named after a
    projection that is one of these. Names are matched without their table: wfplan's SQL never
    gives a date and a number the same name."""
    if depth > 20:
        return False
    if isinstance(node, exp.Paren):
        return _is_date(node.this, projections, depth + 1)
    if isinstance(node, exp.Cast):
        return node.to.is_type(exp.DataType.Type.DATE)
    if isinstance(node, exp.Column):
        name = node.name
        if name in CONTRACT_DATE_COLUMNS:
            return True
        return any(_is_date(p, projections, depth + 1) for p in projections.get(name, []) if p is not node)
    if isinstance(node, exp.Greatest | exp.Least | exp.Coalesce):
        return any(_is_date(arg, projections, depth + 1) for arg in [node.this, *node.expressions])
    if isinstance(node, exp.Add):
        return _is_date(node.this, projections, depth + 1) and not _is_date(node.expression, projections, depth + 1)
    return False
