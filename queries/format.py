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
    """A name from the data, control characters made visible (`visible`), cut to `width`
    characters with … when cut. Made visible here, before any rich Text holds it: Rich drops
    BEL, backspace, VT, FF and CR from a Text itself, so they would show as nothing."""
    text = visible(text)
    return text if len(text) <= width else text[: width - 1] + "…"


# C0 and C1 control characters and DEL, with no exception: a tab or newline inside a name from
# the data would break a table row or fake a second line just as well as ESC would. Also the
# Unicode line and paragraph separators and the bidirectional overrides, which reorder what a
# terminal shows ("Trojan Source").
_CONTROL = {c: None for c in [*range(0x20), 0x7F, *range(0x80, 0xA0), 0x2028, 0x2029,
                              *range(0x202A, 0x202F), *range(0x2066, 0x206A)]}


def visible(text: object) -> str:
    """Text from data or files, safe for a terminal: control characters made visible.

    ESC, BEL, newline and the other control characters (C0, DEL, C1) become Python-style
    escapes (`\\x1b`, `\\x07`, `\\n`), so a site name cannot set the window title, clear the
    screen, colour a table or fake a second line of output. A backslash stays as it is.
    Everything else, including non-ASCII letters, comes through unchanged.
    """
    text = str(text)
    if not any(ord(c) in _CONTROL for c in text):
        return text  # the common case, without building a new string
    return "".join((f"\\u{ord(c):04x}" if ord(c) > 0xFF else repr(c)[1:-1]) if ord(c) in _CONTROL else c for c in text)


def visible_lines(text: object) -> str:
    """`visible()` line by line, for a message of several lines written by wfplan itself
    (a dialog, a notification) that quotes text from the data: its own newlines stay."""
    return "\n".join(visible(line) for line in str(text).split("\n"))
