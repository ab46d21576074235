"""A DataTable that never shows part of a column: a cut figure must not pass for a whole one.

Textual's DataTable scrolls by cells and crops whatever column meets the edge of the view, so
at 80 columns "$111,044" can show as "$111", which reads as a complete, wrong figure. This
table does two things about that, through DataTable's public column geometry:

- It scrolls horizontally by whole columns: every scroll position (keys, wheel, scrollbar,
  the cell cursor scrolling itself into view) is moved to the next column start in the
  direction of travel, so the first scrolling column is always whole. The one exception is
  the end of the table, where the last column is whole and the first one may not be.
- Whatever column still meets an edge of the view in part is drawn blank, keeping its colors
  (zebra stripe, cursor), so nothing half-shown remains on screen. The header marks such
  edges, and any hidden columns beyond them, with "‹" and "›".

Only the drawing changes: the table's data, cursor, sorting and keys are DataTable's own, so
what a screen exports is the full figures, never the blanked cells. Row labels are not used
by wfplan's tables and are not accounted for here.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Any

from rich.segment import Segment
from rich.text import Text
from textual.strip import Strip
from textual.widgets import DataTable

from queries.format import visible

MORE_LEFT, MORE_RIGHT = "‹", "›"


class WholeColumnTable(DataTable[Any]):
    """A DataTable that scrolls by whole columns and never draws a column in part.

    Every cell and heading goes through `visible()` on the way in: site, region and queue
    names come from the data, and an ESC or newline in one must reach the terminal as text.
    """

    _geometry_cache: tuple[Any, tuple[int, list[int], int]] | None = None

    def add_row(self, *cells: Any, **kwargs: Any) -> Any:
        return super().add_row(*map(_visible_cell, cells), **kwargs)

    def add_rows(self, rows: Any) -> Any:
        return super().add_rows([list(map(_visible_cell, row)) for row in rows])

    def add_column(self, label: Any, **kwargs: Any) -> Any:
        return super().add_column(_visible_cell(label), **kwargs)

    def update_cell(self, row_key: Any, column_key: Any, value: Any, **kwargs: Any) -> None:
        super().update_cell(row_key, column_key, _visible_cell(value), **kwargs)

    def update_cell_at(self, coordinate: Any, value: Any, **kwargs: Any) -> None:
        super().update_cell_at(coordinate, _visible_cell(value), **kwargs)

    def _geometry(self) -> tuple[int, list[int], int]:
        """The fixed columns' width, the start of every scrolling column and the table's width,
        in the table's own (unscrolled) cells; worked out once per change of the table, not
        once per line drawn."""
        key = (self._update_count, len(self.columns), self.fixed_columns, self.show_cursor)
        if self._geometry_cache is None or self._geometry_cache[0] != key:
            self._geometry_cache = (key, self._measure())
        return self._geometry_cache[1]

    def _measure(self) -> tuple[int, list[int], int]:
        widths = [column.get_render_width(self) for column in self.ordered_columns]
        fixed = min(self.fixed_columns, len(widths))
        starts, x = [], 0
        for index, width in enumerate(widths):
            if index >= fixed:
                starts.append(x)
            x += width
        return sum(widths[:fixed]), starts, x

    def _stops(self) -> list[int]:
        """The scroll positions that put a whole column first after the fixed ones."""
        fixed_width, starts, _ = self._geometry()
        return [start - fixed_width for start in starts]

    def _whole_column_x(self, value: float, current: float) -> float:
        """`value` moved to a column start, onward in the direction it moves from `current`."""
        stops = self._stops()
        if not stops or value == current or value in stops:
            return value
        if value > current:
            after = stops[bisect_left(stops, value):]
            return min(after[0], self.max_scroll_x) if after else self.max_scroll_x
        return stops[max(bisect_right(stops, value) - 1, 0)]

    def validate_scroll_x(self, value: float) -> float:
        return super().validate_scroll_x(self._whole_column_x(value, self.scroll_x))

    def validate_scroll_target_x(self, value: float) -> float:
        return super().validate_scroll_target_x(self._whole_column_x(value, self.scroll_target_x))

    # -- drawing ------------------------------------------------------------------------------

    def _partial_spans(self, scroll_x: int, view_width: int) -> list[tuple[int, int]]:
        """Where, in the view's cells, a scrolling column shows only in part."""
        fixed_width, starts, table_width = self._geometry()
        ends = [*starts[1:], table_width]
        left, right = scroll_x + fixed_width, scroll_x + view_width
        spans = []
        for start, end in zip(starts, ends, strict=True):
            shown_start, shown_end = max(start, left), min(end, right)
            if shown_start < shown_end and (shown_start, shown_end) != (start, end):
                spans.append((shown_start - scroll_x, shown_end - scroll_x))
        return spans

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        # DataTable draws the full width; a vertical scrollbar then covers the last cells.
        width = min(strip.cell_length, self.scrollable_content_region.width)
        scroll_x = self.scroll_offset.x
        fixed_width, _, table_width = self._geometry()
        if table_width <= width or fixed_width >= width:
            return strip
        spans = self._partial_spans(scroll_x, width)
        if spans:
            strip = _blank(strip, spans)
        if self.show_header and y < self.header_height:
            if scroll_x > 0:
                strip = _put(strip, fixed_width, MORE_LEFT)
            if scroll_x + width < table_width:
                strip = _put(strip, width - 1, MORE_RIGHT)
        return strip


def _visible_cell(cell: Any) -> Any:
    """A cell with control characters made visible; numbers and clean text pass unchanged."""
    if isinstance(cell, str):
        return visible(cell)
    if isinstance(cell, Text) and visible(cell.plain) != cell.plain:
        return Text(visible(cell.plain), style=cell.style, justify=cell.justify)  # spans would no longer fit
    return cell


def _blank(strip: Strip, spans: list[tuple[int, int]]) -> Strip:
    """The strip with the cells of each span replaced by spaces in the same styles."""
    cuts = sorted({x for span in spans for x in span} | {strip.cell_length})
    pieces = strip.divide(cuts)
    starts = [0, *cuts]
    blanked = [
        Strip([Segment(" " * segment.cell_length, segment.style) for segment in piece])
        if (start, end) in spans else piece
        for piece, start, end in zip(pieces, starts, cuts, strict=False)
    ]
    return Strip.join(blanked)


def _put(strip: Strip, x: int, char: str) -> Strip:
    """The strip with one cell at `x` replaced by `char`, in that cell's style."""
    before, cell, after = strip.divide([x, x + 1, strip.cell_length])
    styled = [Segment(char, segment.style) for segment in cell][:1]
    return Strip.join([before, Strip(styled), after])
