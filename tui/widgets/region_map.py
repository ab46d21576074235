"""Regions and sites on a map of the continental US, drawn with one character per cell.

A plain equirectangular projection of the lower 48 states: good enough to see which
regions a site's commute radius reaches and how far remote hiring spreads. Each kind of
point has its own glyph, so the map reads without color; where several points share a
cell the most important one is drawn (site, then both reaches, onsite, remote, neither).
Points outside the box (Alaska, Hawaii) are counted, not drawn.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widget import Widget

LAT_MIN, LAT_MAX = 24.5, 49.5
LON_MIN, LON_MAX = -125.0, -66.5
GLYPHS = {"site": "▲", "both": "●", "onsite": "◐", "remote": "○", "none": "·"}
PRIORITY = ["none", "remote", "onsite", "both", "site"]
LEGEND = "▲ site ● both ◐ onsite only ○ remote only · neither"


@dataclass(frozen=True)
class MapPoint:
    lat: float
    lon: float
    kind: str  # a key of GLYPHS


def on_map(point: MapPoint) -> bool:
    return LAT_MIN <= point.lat <= LAT_MAX and LON_MIN <= point.lon <= LON_MAX


def place(point: MapPoint, width: int, height: int) -> tuple[int, int] | None:
    """The (column, row) of a point, or None outside the map."""
    if not on_map(point):
        return None
    column = round((point.lon - LON_MIN) / (LON_MAX - LON_MIN) * (width - 1))
    row = round((LAT_MAX - point.lat) / (LAT_MAX - LAT_MIN) * (height - 1))
    return column, row


def draw_map(points: list[MapPoint], width: int, height: int, styles: dict[str, str]) -> Text:
    """The map as text; points outside it are left out."""
    width, height = max(width, 2), max(height, 2)
    cells: dict[tuple[int, int], str] = {}
    for point in points:
        cell = place(point, width, height)
        if cell is not None and (cell not in cells or PRIORITY.index(point.kind) > PRIORITY.index(cells[cell])):
            cells[cell] = point.kind
    text = Text(no_wrap=True, overflow="crop")
    for row in range(height):
        if row:
            text.append("\n")
        for column in range(width):
            kind = cells.get((column, row))
            text.append(GLYPHS[kind] if kind else " ", style=styles.get(kind, "") if kind else "")
    return text


class RegionMap(Widget):
    DEFAULT_CSS = "RegionMap { height: 1fr; min-height: 6; }"

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._points: list[MapPoint] = []

    def plot(self, points: list[MapPoint]) -> None:
        self._points = points
        outside = sum(not on_map(p) for p in points)
        self.border_title = f"Map: {LEGEND}" + (f" ({outside} outside the lower 48)" if outside else "")
        self.refresh()

    def render(self) -> Text:
        theme = self.app.current_theme
        styles = {
            "site": f"bold {theme.error or 'red'}",
            "both": theme.success or "green",
            "onsite": theme.primary or "blue",
            "remote": theme.warning or "yellow",
            "none": "dim",
        }
        size = self.content_size
        return draw_map(self._points, size.width, size.height, styles)
