"""Scenarios side by side: the baseline and two (or more) scenarios, figure by figure.

The Scenarios screen and `wfplan report --scenario A --scenario B` both build on
`Outcome.as_report` and `model.delta` through these functions, so they show the same
numbers under the same names. The figures are spec/model.md's scenario results.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from queries.format import NA, count, money, months, number, share
from queries.model.costs import Outcome, delta


def multiplier(value: float | None) -> str:
    return NA if value is None or not math.isfinite(value) else f"{value:,.2f}x"


def signed(fmt: Callable[[Any], str]) -> Callable[[Any], str]:
    """A difference: "+" in front of a positive one, "0" unsigned, "n/a" as it is."""

    def with_sign(value: Any) -> str:
        text = fmt(value)
        return f"+{text}" if isinstance(value, (int, float)) and value > 0 else text

    return with_sign


def _points(value: float | None) -> str:
    """A difference of two shares, in percentage points."""
    return NA if value is None or not math.isfinite(value) else f"{value * 100:.1f} pt"


@dataclass(frozen=True)
class Figure:
    """One row of the comparison: the planner's label, the report key, how it reads."""

    label: str
    key: str  # as in the report's `scenario` section; "a.b" for a nested key
    fmt: Callable[[Any], str]
    fmt_delta: Callable[[Any], str]


def _figure(label: str, key: str, fmt: Callable[[Any], str], fmt_delta: Callable[[Any], str] | None = None) -> Figure:
    return Figure(label, key, fmt, signed(fmt_delta or fmt))


FIGURES = (
    _figure("Total annual cost", "total_annual_cost", money),
    _figure("Annual savings", "annual_savings", money),
    _figure("One-time cost", "one_time_cost", money),
    _figure("Payback", "payback_months", months),
    _figure("Headcount onsite", "headcount_by_mode.onsite", count),
    _figure("Headcount hybrid", "headcount_by_mode.hybrid", count),
    _figure("Headcount remote", "headcount_by_mode.remote", count),
    _figure("Remote share", "remote_share", share, _points),
    _figure("Seats freed", "seats_freed", lambda v: number(v, 1)),
    _figure("Reach multiplier", "reach_multiplier", multiplier),
    _figure("Scheduled FTE", "scheduled_fte", count),
    # The agents' side: their commute a year; a scenario's delta below 0 is what it saves them.
    _figure("Commute km/yr", "commute_km", lambda v: number(v, 0)),
    _figure("Commute hours/yr", "commute_hours", lambda v: number(v, 0)),
    _figure("Commute cost/yr", "commute_cost", money),
    _figure("Commute CO2 t/yr", "commute_co2_tonnes", lambda v: number(v, 1)),
)
COMMUTE_KEYS = ("commute_km", "commute_hours", "commute_cost", "commute_co2_tonnes")


def value(report: dict[str, Any], key: str) -> Any:
    """The figure `key` ("headcount_by_mode.onsite") of an outcome's report dict."""
    found: Any = report
    for part in key.split("."):
        found = found.get(part) if isinstance(found, dict) else None
    return found


def figures(outcomes: list[dict[str, Any]]) -> tuple[Figure, ...]:
    """The figures to show for these outcomes: scheduled FTE only when staffing is present,
    the commute only when the regions locate it."""
    staffed = any(o.get("scheduled_fte") is not None for o in outcomes)
    commuting = any(o.get(key) is not None for o in outcomes for key in COMMUTE_KEYS)
    return tuple(f for f in FIGURES if (f.key != "scheduled_fte" or staffed) and (f.key not in COMMUTE_KEYS or commuting))


@dataclass(frozen=True)
class Compared:
    """One scenario of a comparison: its name, the file it came from (None: unsaved), its outcome."""

    name: str
    file: str | None
    outcome: Outcome


def comparison_section(baseline: Outcome, compared: list[Compared]) -> dict[str, Any]:
    """The report's `scenario_comparison`: the baseline and each scenario with its delta."""
    return {
        "baseline": baseline.as_report(),
        "scenarios": [
            {
                "name": c.name,
                "file": c.file,
                "result": c.outcome.as_report(),
                "delta": delta(c.outcome, baseline),
                "notes": list(c.outcome.changes.notes),
            }
            for c in compared
        ],
    }


def column_labels(section: dict[str, Any]) -> list[str]:
    """"A: name", "B: name", ...: names can repeat, letters tell the columns apart."""
    return [f"{_letter(i)}: {s['name']}" for i, s in enumerate(section["scenarios"])]


def _letter(i: int) -> str:
    return chr(ord("A") + i) if i < 26 else str(i + 1)


def side_by_side(section: dict[str, Any], formatted: bool) -> tuple[list[str], list[list[Any]]]:
    """A `scenario_comparison` section as one table: a row per figure, a column for the
    baseline and for each scenario. Formatted for reading ($, %, months) or raw for CSV."""
    outcomes = [section["baseline"], *(s["result"] for s in section["scenarios"])]
    rows = []
    for figure in figures(outcomes):
        values = [value(o, figure.key) for o in outcomes]
        if formatted:
            rows.append([figure.label, *(figure.fmt(v) for v in values)])
        else:
            rows.append([figure.key, *values])
    first = "figure" if formatted else "key"
    return [first, "baseline", *column_labels(section)], rows
