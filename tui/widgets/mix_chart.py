"""The work-mode mix month by month: 100%-stacked columns with the target share as a line.

Each mode has its own glyph as well as its own color, so the chart reads the same in a
monochrome terminal (NO_COLOR): █ remote at the bottom, ▓ hybrid, ░ onsite, and a ─ line at
the target share.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rich.text import Text
from textual.widget import Widget

GLYPHS = {"remote": "█", "hybrid": "▓", "onsite": "░"}
AXIS = 5  # "100% " on the left


@dataclass(frozen=True)
class MonthMix:
    month: dt.date
    onsite: float
    hybrid: float
    remote: float


def draw_mix(months: list[MonthMix], target: float | None, width: int, height: int,
             styles: dict[str, str]) -> Text:
    text = Text(no_wrap=True, overflow="crop")
    rows = max(2, height - 1)  # the last line holds the month labels
    if not months:
        return Text("no months in the data range")
    column = max(1, (width - AXIS) // len(months))
    shown = months[-((width - AXIS) // column):]  # the latest months when they do not all fit
    target_row = None if target is None else min(rows - 1, int(target * rows))
    for line in range(rows - 1, -1, -1):  # top line first
        level = (line + 0.5) / rows
        label = {rows - 1: "100%", 0: "  0%"}.get(line, f"{target:>4.0%}" if line == target_row else "")
        text.append(f"{label:>4} ", style="dim")
        for mix in shown:
            total = mix.onsite + mix.hybrid + mix.remote
            remote = mix.remote / total if total else 0.0
            hybrid = mix.hybrid / total if total else 0.0
            mode = "remote" if level < remote else "hybrid" if level < remote + hybrid else "onsite"
            if line == target_row:
                text.append("─" * column, style=styles.get("target", "bold"))
            else:
                text.append(GLYPHS[mode] * column, style=styles.get(mode, ""))
        text.append("\n")
    text.append(" " * AXIS)
    text.append(_month_labels(shown, column), style="dim")
    return text


def _month_labels(months: list[MonthMix], column: int) -> str:
    """Month labels ("Jan 25") under every column that has room for one."""
    every = max(1, -(-7 // column))  # a label is 6 wide plus a space
    line = ""
    for i, mix in enumerate(months):
        if i % every == 0 and len(line) <= i * column:
            line = line.ljust(i * column) + f"{mix.month:%b %y}"
    return line


class MixChart(Widget):
    DEFAULT_CSS = "MixChart { height: 1fr; min-height: 6; }"

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._months: list[MonthMix] = []
        self._target: float | None = None

    def plot(self, title: str, months: list[MonthMix], target: float | None) -> None:
        self.border_title = title
        self._months, self._target = months, target
        self.refresh()

    def render(self) -> Text:
        theme = self.app.current_theme
        styles = {
            "remote": theme.success or "green",
            "hybrid": theme.warning or "yellow",
            "onsite": theme.primary or "blue",
            "target": f"bold {theme.error or 'red'}",
        }
        size = self.content_size
        return draw_mix(self._months, self._target, size.width, size.height, styles)
