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
    for cte in list(tree.find_all(exp.CTE)):
        cte.set("materialized", None)
    for table in list(tree.find_all(exp.Table)):
        if isinstance(table.this, exp.GenerateSeries):
            _explode_sequence(table)
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
