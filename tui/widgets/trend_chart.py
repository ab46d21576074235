"""A KPI month by month for each work mode, as letters on a grid (O onsite, H hybrid, R remote).

Letters instead of colored lines keep the chart readable in a monochrome terminal; where
two modes land on the same cell a * is drawn. Months without a value (suppressed or no
data) are left empty. The axis spans the values shown, so small gaps are visible; when it
does not start at 0, a ≈ beside its lowest label says so (`axis_note` for the legend).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from rich.text import Text
from textual.widget import Widget

MARKS = {"onsite": "O", "hybrid": "H", "remote": "R"}
AXIS = 9  # width of the value labels on the left


def draw_trend(months: list[dt.date], series: dict[str, list[float | None]], width: int, height: int,
               fmt: Callable[[float], str], styles: dict[str, str]) -> Text:
    values = [v for points in series.values() for v in points if v is not None]
    if not months or not values:
        return Text("no values to chart in this period (suppressed or no data)", style="dim")
    rows = max(2, height - 1)
    low, high = min(values), max(values)
    if high == low:
        low, high = low - 1e-9, high + 1e-9
    step = max(1, (width - AXIS) // len(months))
    grid: dict[tuple[int, int], str] = {}
    for mode, points in series.items():
        for i, value in enumerate(points):
            if value is None:
                continue
            cell = (round((high - value) / (high - low) * (rows - 1)), i * step + step // 2)
            grid[cell] = "*" if cell in grid and grid[cell] != mode else mode
    text = Text(no_wrap=True, overflow="crop")
    for row in range(rows):
        label = fmt(high) if row == 0 else fmt(low) if row == rows - 1 else ""
        broken = row == rows - 1 and low > 0  # the axis is cut: it does not start at 0
        text.append(f"{label:>{AXIS - 2}}" + ("≈" if broken else " ") + " ", style="dim")
        for column in range(step * len(months)):
            drawn = grid.get((row, column))
            if drawn is None:
                text.append(" ")
            elif drawn == "*":
                text.append("*", style="bold")
            else:
                text.append(MARKS[drawn], style=styles.get(drawn, ""))
        text.append("\n")
    labels = ""
    for i, month in enumerate(months):
        if len(labels) <= i * step and (i * step) + 6 <= step * len(months) + 1:
            labels = labels.ljust(i * step) + f"{month:%b %y}"
    text.append(" " * AXIS)
    text.append(labels, style="dim")
    return text


def axis_note(series: dict[str, list[float | None]], fmt: Callable[[float], str]) -> str:
    """For the legend: "≈ axis from 67.7%" when the axis does not start at 0."""
    values = [v for points in series.values() for v in points if v is not None]
    low = min(values, default=0.0)
    return f"≈ axis from {fmt(low)}" if low > 0 else ""


class TrendChart(Widget):
    DEFAULT_CSS = "TrendChart { height: 1fr; min-height: 5; }"

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._months: list[dt.date] = []
        self._series: dict[str, list[float | None]] = {}
        self._fmt: Callable[[float], str] = str

    def plot(self, title: str, months: list[dt.date], series: dict[str, list[float | None]],
             fmt: Callable[[float], str]) -> None:
        self.border_title = title
        self._months, self._series, self._fmt = months, series, fmt
        self.refresh()

    def render(self) -> Text:
        theme = self.app.current_theme
        styles = {"onsite": theme.primary or "blue", "hybrid": theme.warning or "yellow",
                  "remote": theme.success or "green"}
        size = self.content_size
        return draw_trend(self._months, self._series, size.width, size.height, self._fmt, styles)
