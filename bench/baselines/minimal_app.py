"""Baseline for the cold-start benchmark: the smallest Textual app that shows numbers.

One DataTable of 1,000 rows of money figures, built on mount, nothing else: the cost of
starting Python, importing Textual and drawing a first frame. The tmux benchmark leaves it
running and watches the pane for its rows, exactly as it does for wfplan. With
`--headless` it draws without a terminal and exits once its first frame is drawn: the
memory baseline of benchmark 7 (what any Textual app showing a table needs).
"""

from __future__ import annotations

import sys

from textual.app import App, ComposeResult
from textual.widgets import DataTable

ROWS = 1_000


class MinimalApp(App[None]):
    def __init__(self, exit_after_frame: bool = False) -> None:
        super().__init__()
        self.exit_after_frame = exit_after_frame

    def compose(self) -> ComposeResult:
        yield DataTable(id="table")

    def on_mount(self) -> None:
        table: DataTable[str] = self.query_one(DataTable)
        table.add_columns("Row", "Site", "Annual cost", "Cost per seat")
        table.add_rows((str(i), f"SITE{i:04d}", f"${i * 1234.5:,.0f}", f"${i * 12.3:,.0f}") for i in range(ROWS))
        if self.exit_after_frame:
            # call_after_refresh runs once the frame with the rows has been drawn.
            self.call_after_refresh(self.exit)


if __name__ == "__main__":
    headless = "--headless" in sys.argv
    MinimalApp(exit_after_frame=headless).run(headless=headless)
