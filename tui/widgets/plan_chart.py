"""The plan over time as letters on a grid: monthly cost (B baseline, S scenario) and the
cumulative net savings (C), with the zero line and the break-even month (|) marked.

Letters keep the chart readable in a monochrome terminal, as in trend_chart.py. Months are
spread over the width; when there are more months than columns, neighbours share a column.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from rich.text import Text
from textual.widget import Widget

AXIS = 9  # width of the value labels on the left


def draw_series(months: list[dt.date], series: dict[str, list[float]], width: int, height: int,
                fmt: Callable[[float], str], styles: dict[str, str], marker: int | None = None,
                zero_line: bool = False) -> Text:
    """`series` maps a one-letter mark to one value a month; `marker` is a month index drawn as |."""
    values = [v for points in series.values() for v in points]
    if not months or not values:
        return Text("nothing to chart", style="dim")
    rows = max(2, height - 1)
    columns = max(1, width - AXIS)
    low, high = min(values), max(values)
    if zero_line:
        low, high = min(low, 0.0), max(high, 0.0)
    if high == low:
        low, high = low - 1.0, high + 1.0

    def x(i: int) -> int:
        return 0 if len(months) == 1 else round(i * (columns - 1) / (len(months) - 1))

    def y(value: float) -> int:
        return round((high - value) / (high - low) * (rows - 1))

    grid: dict[tuple[int, int], str] = {}
    if zero_line:
        for column in range(columns):
            grid[(y(0.0), column)] = "·"
    if marker is not None and 0 <= marker < len(months):
        for row in range(rows):
            grid.setdefault((row, x(marker)), "|")
    for mark, points in series.items():
        for i, value in enumerate(points):
            cell = (y(value), x(i))
            grid[cell] = "*" if grid.get(cell, mark) not in (mark, "·", "|") else mark
    text = Text(no_wrap=True, overflow="crop")
    for row in range(rows):
        label = fmt(high) if row == 0 else fmt(low) if row == rows - 1 else ""
        text.append(f"{label:>{AXIS - 1}} ", style="dim")
        for column in range(columns):
            mark = grid.get((row, column), " ")
            style = "bold" if mark == "*" else "dim" if mark in "·|" else styles.get(mark, "")
            text.append(mark, style=style)
        text.append("\n")
    first, last = f"{months[0]:%b %y}", f"{months[-1]:%b %y}"
    text.append(" " * AXIS)
    text.append(first + last.rjust(max(0, columns - len(first))), style="dim")
    return text


class PlanChart(Widget):
    DEFAULT_CSS = "PlanChart { height: 1fr; min-height: 5; }"

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._months: list[dt.date] = []
        self._series: dict[str, list[float]] = {}
        self._fmt: Callable[[float], str] = str
        self._marker: int | None = None
        self._zero = False

    def plot(self, title: str, months: list[dt.date], series: dict[str, list[float]], fmt: Callable[[float], str],
             marker: int | None = None, zero_line: bool = False) -> None:
        self.border_title = title
        self._months, self._series, self._fmt, self._marker, self._zero = months, series, fmt, marker, zero_line
        self.refresh()

    def render(self) -> Text:
        theme = self.app.current_theme
        styles = {"B": theme.primary or "blue", "S": theme.warning or "yellow", "C": theme.success or "green"}
        size = self.content_size
        return draw_series(self._months, self._series, size.width, size.height, self._fmt, styles,
                           self._marker, self._zero)
