"""How numbers read on screens and in explanations: USD, shares, counts, "n/a".

A ratio with a zero denominator is None and reads "n/a", never 0 (spec/model.md).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

NA = "n/a"


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def money(value: float | None) -> str:
    if value is None or _missing(value):
        return NA
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.0f}"


def share(value: float | None, decimals: int = 1) -> str:
    return NA if value is None or _missing(value) else f"{value * 100:.{decimals}f}%"


def number(value: float | None, decimals: int = 1) -> str:
    return NA if _missing(value) else f"{value:,.{decimals}f}"


def plain(value: float) -> str:
    """A parameter as typed: 3, 2.5, 0.8 (no forced decimals)."""
    return f"{value:,g}"


def count(value: float | None) -> str:
    return NA if value is None else f"{value:,}"


def months(value: float | None) -> str:
    return NA if _missing(value) else f"{value:.1f} months"


def date(value: dt.date | None) -> str:
    return "—" if value is None else value.isoformat()


def clip(text: str, width: int = 24) -> str:
    """A name from the data cut to `width` characters, with … when cut."""
    return text if len(text) <= width else text[: width - 1] + "…"
