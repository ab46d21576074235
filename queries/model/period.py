"""The as-of date and the period every screen and report is computed for.

Defaults (spec/model.md): as-of is the last date with KPI data; the period is the 90
calendar days ending on that date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

DEFAULT_PERIOD_DAYS = 90


class PeriodError(ValueError):
    """A period or as-of date the user gave does not make sense; the message says why."""


@dataclass(frozen=True)
class Period:
    as_of: dt.date
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def label(self) -> str:
        return f"{self.start.isoformat()} to {self.end.isoformat()}"


@dataclass(frozen=True)
class DataRange:
    first: dt.date
    last: dt.date


def resolve_period(
    available: DataRange | None,
    as_of: dt.date | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Period:
    """Fill in the defaults and validate what the user gave."""
    if as_of is None:
        if available is None:
            raise PeriodError("kpi_daily has no rows, so there is no default as-of date; give --as-of")
        as_of = available.last
    end = end or (available.last if available else as_of)
    if start is None:
        start = end - dt.timedelta(days=DEFAULT_PERIOD_DAYS - 1)
    if start > end:
        raise PeriodError(f"the period starts ({start}) after it ends ({end})")
    return Period(as_of=as_of, start=start, end=end)


class PeriodChoice(BaseModel):
    """A period typed by the planner: the fields' rules (a real date) for the dialog."""

    model_config = ConfigDict(extra="forbid")

    start: dt.date
    end: dt.date
    as_of: dt.date
