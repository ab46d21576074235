"""A horizontal bar chart drawn with block characters, readable in any terminal.

One bar per label, scaled to the largest value, with the value printed after the bar.
Eighth-block characters give the bars sub-cell resolution at 80 columns. Bars are laid
out at render time, so they always fill the width the chart has.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.widget import Widget

from queries.format import visible

_EIGHTHS = " ▏▎▍▌▋▊▉"

Row = tuple[str, float | None, bool]  # label, value (None: n/a), dimmed


def bar(fraction: float, width: int) -> str:
    """A bar `fraction` (0..1) of `width` cells long."""
    eighths = round(max(0.0, min(1.0, fraction)) * width * 8)
    full, rest = divmod(eighths, 8)
    return "█" * full + (_EIGHTHS[rest] if rest else "")


def draw(rows: list[Row], fmt: Callable[[float | None], str], width: int) -> Text:
    rows = [(visible(label), value, dimmed) for label, value, dimmed in rows]  # labels are names from the data
    values = [v for _, v, _ in rows if v is not None]
    top = max(values, default=0.0)
    label_width = max((len(label) for label, _, _ in rows), default=0)
    value_width = max((len(fmt(v)) for _, v, _ in rows), default=0)
    bar_width = max(4, width - label_width - value_width - 2)
    text = Text(no_wrap=True, overflow="ellipsis")
    for i, (label, value, dimmed) in enumerate(rows):
        if i:
            text.append("\n")
        style = "dim" if dimmed else ""
        drawn = bar(value / top, bar_width) if value is not None and top > 0 else ""
        text.append(f"{label:<{label_width}} ", style=style)
        text.append(drawn, style="dim" if dimmed else "bold")
        text.append(" " * (bar_width - len(drawn) + 1))
        text.append(f"{fmt(value):>{value_width}}", style=style)
    return text


class BarChart(Widget):
    DEFAULT_CSS = "BarChart { height: auto; }"

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._rows: list[Row] = []
        self._fmt: Callable[[float | None], str] = str

    def plot(self, title: str, rows: list[Row], fmt: Callable[[float | None], str]) -> None:
        self.border_title = title
        self._rows, self._fmt = rows, fmt
        self.refresh(layout=True)

    def get_content_height(self, container, viewport, width: int) -> int:  # type: ignore[no-untyped-def]
        return max(1, len(self._rows))

    def render(self) -> Text:
        return draw(self._rows, self._fmt, self.content_size.width)
