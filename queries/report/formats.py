"""Rendering the report dict as JSON, Markdown or CSV text.

JSON keeps numbers unrounded and turns dates into ISO strings; Markdown and CSV print one
table per section, lists of records as tables and nested objects as key/value rows. A
comparison of scenarios is one side-by-side table, with readable figures in Markdown.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from typing import Any

from queries.format import visible
from queries.model.compare import column_labels, side_by_side
from queries.report.table_export import csv_safe_text


def to_json(report: dict[str, Any]) -> str:
    return json.dumps(_plain(report), indent=2, allow_nan=False) + "\n"


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def tables(report: dict[str, Any], formatted: bool = False) -> list[tuple[str, list[str], list[list[Any]]]]:
    """The report as (title, header, rows) tables: lists of records stay tables, the rest
    is flattened to `key`/`value` rows under its top-level section.

    `scenario_comparison` is one side-by-side table (queries.model.compare), its figures
    `formatted` for reading ($, %, months) or raw for scripts.
    """
    out: list[tuple[str, list[str], list[list[Any]]]] = []
    scalars: list[list[Any]] = []

    def walk(prefix: str, value: Any, section: list[list[Any]]) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(f"{prefix}.{k}" if prefix else str(k), v, section)
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            header = list(dict.fromkeys(k for row in value for k in row))
            out.append((prefix, header, [[_cell(row.get(k)) for k in header] for row in value]))
        else:
            section.append([prefix, _cell(value)])

    for key, value in report.items():
        if key == "scenario_comparison":
            header, rows = side_by_side(value, formatted)
            out.append((key, [_printable(h) for h in header], [[_cell(c) for c in row] for row in rows]))
        elif isinstance(value, dict):
            table_rows: list[list[Any]] = []
            walk(key, value, table_rows)
            if table_rows:
                out.append((key, ["key", "value"], table_rows))
        else:
            walk(key, value, scalars)
    if scalars:
        out.insert(0, ("report", ["key", "value"], scalars))
    return out


def _cell(value: Any) -> Any:
    value = _plain(value)
    if value is None:
        return "n/a"
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    if isinstance(value, float):  # CSV: 169466069.2, not the sum's 169466069.20000002
        from queries.report.table_export import without_noise

        value = without_noise(value)
    return _printable(value) if isinstance(value, str) else value


def _printable(text: str) -> str:
    """Text from the data with line breaks and terminal control characters made visible
    (`\x1b`, `\n`): a name cannot break a table row or reach a terminal as a command."""
    return visible(text)


def to_markdown(report: dict[str, Any]) -> str:
    lines = ["# wfplan report", ""]
    for title, header, rows in tables(report, formatted=True):
        lines += [f"## {title}", "", "| " + " | ".join(_md(h) for h in header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(_md(c) for c in row) + " |" for row in rows]
        lines.append("")
        if title == "scenario_comparison":  # e.g. a remote target that cannot be reached
            labels = column_labels(report[title])
            notes = [f"- {label}: {_printable(note)}" for label, scenario in zip(labels, report[title]["scenarios"], strict=True)
                     for note in scenario.get("notes", [])]
            lines += [*notes, ""] if notes else []
    return "\n".join(lines)


def _md(value: Any) -> str:
    # Counts and money read alike in every section: 1,584 whether the figure is an int or a float.
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value).replace("|", "\\|")


def to_csv(report: dict[str, Any]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for i, (title, header, rows) in enumerate(tables(report)):
        if i:
            buffer.write("\n")
        writer.writerow([f"# {title}"])
        writer.writerow(header)
        # Names such as =HYPERLINK(...) or @SUM(A1:A9) come from the exports: never formulas.
        writer.writerows([csv_safe_text(c) if isinstance(c, str) else c for c in row] for row in rows)
    return buffer.getvalue()


FORMATS = {"json": to_json, "md": to_markdown, "csv": to_csv}
