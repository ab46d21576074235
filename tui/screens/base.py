"""What every planning screen shares: the info bar, the footer, redrawing on change, and
exporting its table.

A screen implements `compose_body()` and `show()`; it reads the app's state (data,
period, session) and never reaches into other screens. A screen with a table implements
`export_table()`, built from the same frame it draws, so ctrl+e and the palette's
"export: ..." commands write what the planner sees.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer
from textual.worker import Worker, WorkerState

from tui.dialogs import ErrorDialog
from tui.state import PlanState
from tui.widgets.info_bar import InfoBar

if TYPE_CHECKING:
    from queries.report.table_export import ExportTable
    from tui.export import ExportFailed, TableExported

PaletteCommand = tuple[str, str, str]  # (name "category: action", help, action name)

EXPORT_PALETTE: list[PaletteCommand] = [
    ("export: csv", "Write this screen's table to a CSV file (ctrl+e)", "export('csv')"),
    ("export: parquet", "Write this screen's table to a Parquet file (ctrl+e)", "export('parquet')"),
    ("export: markdown", "Write this screen's table to a Markdown file, as shown (ctrl+e)", "export('markdown')"),
    ("export: copy to clipboard", "Copy this screen's table as tab-separated text (OSC 52)", "copy_table"),
]


class PlanScreen(Screen[None]):
    SCREEN_TITLE: ClassVar[str] = ""
    PALETTE: ClassVar[list[PaletteCommand]] = []
    # Screens add their own BINDINGS; Textual merges these in.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+e", "export", "Export the table (CSV, Parquet, Markdown)", show=False),
    ]

    @property
    def wf(self) -> PlanState:
        """The app, through what a screen may read and ask of it (tui/state.py)."""
        return cast("PlanState", self.app)

    def compose(self) -> ComposeResult:
        yield InfoBar(self.SCREEN_TITLE)
        yield from self.compose_body()
        yield Footer(compact=True)

    def compose_body(self) -> Iterable[Widget]:
        return ()

    def on_mount(self) -> None:
        self.watch(self.app, "revision", self._revision_changed, init=True)

    _stale = False
    """The app's state changed while another screen was shown: redraw when this one is back."""

    def _revision_changed(self) -> None:
        loading = self.wf.state.session is None
        for widget in self.query(".needs-data"):
            widget.loading = loading
        if loading:
            return
        # Only the screen the planner sees is redrawn now: a period change or an edit on a
        # big folder must not wait for five screens nobody is looking at.
        if self.is_current:
            self._stale = False
            self.show()
        else:
            self._stale = True

    def on_screen_resume(self) -> None:
        if self._stale and self.wf.state.session is not None:
            self._stale = False
            self.show()

    def show(self) -> None:
        """Redraw from the app's current state."""

    def palette_commands(self) -> list[PaletteCommand]:
        return [*self.PALETTE, *EXPORT_PALETTE]

    # -- export -------------------------------------------------------------------------------

    def export_table(self) -> ExportTable | None:
        """The table this screen shows, as the planner sees it; None while there is none."""
        return None

    def no_export_reason(self) -> str:
        """What to tell the planner when `export_table` has nothing."""
        if self.wf.state.session is None:
            return "Nothing to export yet: the data is not loaded"
        return f"The {self.SCREEN_TITLE} screen has no table to export"

    # Exporting is imported on first use, not on the way to the first screen.
    def action_export(self, fmt: str = "csv") -> None:
        from tui.export import ask_and_export

        ask_and_export(self, fmt)

    def action_copy_table(self) -> None:
        from tui.export import copy_table

        copy_table(self)

    def on_table_exported(self, message: TableExported) -> None:
        self.notify(f"Exported {message.rows:,} rows to {message.path}")

    def on_export_failed(self, message: ExportFailed) -> None:
        self.app.push_screen(ErrorDialog("The table was not exported", message.reason))

    # The screen's own worker groups whose failure (a bug) it reports, with the dialog's title:
    # the app's handler would call it a failed data load.
    WORKER_FAILURES: ClassVar[dict[str, str]] = {"export": "The table was not exported"}

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        title = self.WORKER_FAILURES.get(event.worker.group or "")
        if title is None or event.state != WorkerState.ERROR:
            return
        event.stop()
        from tui.crash import write_crash_log

        error = event.worker.error
        log = write_crash_log(error) if error else None
        self.app.push_screen(ErrorDialog(title, f"{error}\n\nDetails: {log}"))
