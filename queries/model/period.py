"""The as-of date and the period every screen and report is computed for.

Defaults (spec/model.md): as-of is the last date with KPI data; the period is the 90
calendar days ending on that date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict

from queries.errors import WfplanError

DEFAULT_PERIOD_DAYS = 90
# The dates the data contract allows (queries.contract.schema): near the end of the calendar
# a month or a year later does not exist, and "date value out of range" crashed the app.
FIRST_DATE, LAST_DATE = dt.date(1900, 1, 1), dt.date(2200, 12, 31)


class PeriodError(WfplanError, ValueError):
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
    for name, value in (("as-of", as_of), ("period start", start), ("period end", end)):
        if value is not None:
            check_plausible(value, name)
    end = end or (available.last if available else as_of)
    if start is None:
        start = end - dt.timedelta(days=DEFAULT_PERIOD_DAYS - 1)
    if start > end:
        raise PeriodError(f"the period starts ({start}) after it ends ({end})")
    return Period(as_of=as_of, start=start, end=end)


def check_plausible(value: dt.date, name: str) -> None:
    """Raise PeriodError unless `value` lies in the contract's date range."""
    if not FIRST_DATE <= value <= LAST_DATE:
        raise PeriodError(f"the {name} date {value} is outside {FIRST_DATE} to {LAST_DATE}, the dates wfplan works with")


def _plausible(value: dt.date) -> dt.date:
    if not FIRST_DATE <= value <= LAST_DATE:
        raise ValueError(f"must be between {FIRST_DATE} and {LAST_DATE}")
    return value


PlausibleDate = Annotated[dt.date, AfterValidator(_plausible)]


class PeriodChoice(BaseModel):
    """A period typed by the planner: the fields' rules (a real date) for the dialog."""

    model_config = ConfigDict(extra="forbid")

    # A validator in the type, not a model validator: the dialog's fields check each one alone.
    start: PlausibleDate
    end: PlausibleDate
    as_of: PlausibleDate
