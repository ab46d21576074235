"""`wfplan report`: the numbers of every screen as one JSON-ready dict.

The keys are a public interface for scripts (spec/model.md, "Report output"); each
section is built by the same query functions its screen uses, so screen and report can
never disagree.
"""

from __future__ import annotations

from typing import Any

from queries.engine import Engine
from queries.period import Period


def build_report(engine: Engine, period: Period) -> dict[str, Any]:
    report: dict[str, Any] = {
        "as_of": period.as_of,
        "period": {"from": period.start, "to": period.end},
        "data": {"folder": str(engine.folder), "rows": row_counts(engine)},
    }
    return report


def row_counts(engine: Engine) -> dict[str, int]:
    rows = dict(engine.query("row_counts").iter_rows())
    if engine.has("forecast"):
        rows["forecast"] = engine.sql("SELECT count(*) AS n FROM forecast").item()
    return rows
