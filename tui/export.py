"""Exporting the table of the current screen: to a file (ctrl+e) or to the clipboard.

The screen supplies its table (`PlanScreen.export_table`); this module asks for the format
and the file, refuses the data folder, asks before replacing a file, and writes it in a
thread worker on the core's atomic writers (`queries.report.table_export`). The worker reports
back with a message; a failure is a dialog naming the file and why, never a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message

from queries.report.table_export import (
    ExportError,
    ExportTable,
    check_target,
    default_stem,
    export_path,
    exports_folder,
    markdown_text,
    tsv_text,
    write_table,
)
from tui.dialogs import ConfirmDialog, ErrorDialog
from tui.export_dialog import ExportChoice, ExportDialog

if TYPE_CHECKING:
    from tui.screens.base import PlanScreen

# OSC 52 payloads beyond this are cut or refused by some terminals (and by tmux's default).
CLIPBOARD_LIMIT = 100_000
CLIPBOARD_NOTE = "OSC 52: your terminal must allow clipboard access"


class TableExported(Message):
    def __init__(self, path: Path, rows: int) -> None:
        super().__init__()
        self.path, self.rows = path, rows


class ExportFailed(Message):
    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


def current_table(screen: PlanScreen) -> ExportTable | None:
    """The screen's table, or None after telling the planner why there is none."""
    if any(w.group in ("load", "evaluate") and w.is_running for w in screen.app.workers):
        # Asking the session now would work the numbers out again on the UI thread.
        screen.notify("Nothing to export yet: the numbers are still being worked out", severity="warning")
        return None
    table = screen.export_table()
    if table is None:
        screen.notify(screen.no_export_reason(), severity="warning")
    return table


def ask_and_export(screen: PlanScreen, fmt: str) -> None:
    table = current_table(screen)
    if table is None:
        return
    app = screen.wf
    folder = exports_folder(app.settings.exports_folder)
    as_of = app.state.period.as_of if app.state.period is not None else None
    stem = default_stem(table.name, as_of)

    def chosen(choice: ExportChoice | None) -> None:
        if choice is None:
            return
        # The table as it is now: a reload may have finished while the dialog was open.
        table = current_table(screen)
        if table is None:
            return
        if choice.action == "copy":
            copy_table(screen, "markdown" if choice.fmt == "markdown" else "tsv")
            return
        try:
            path = export_path(choice.name, folder, choice.fmt)
            check_target(path, app.folder)
        except ExportError as err:
            screen.app.push_screen(ErrorDialog("The table was not exported", str(err)))
            return
        if path.exists():
            screen.app.push_screen(
                ConfirmDialog("Replace the file?", f"{path} exists. Replace it with this table?",
                              confirm="Replace", cancel="Keep it"),
                lambda replace: write_in_worker(screen, table, path, choice.fmt) if replace else None,
            )
        else:
            write_in_worker(screen, table, path, choice.fmt)

    title = f"Export {screen.SCREEN_TITLE}: {table.rows:,} rows"
    screen.app.push_screen(ExportDialog(title, fmt, stem, folder), chosen)


def write_in_worker(screen: PlanScreen, table: ExportTable, path: Path, fmt: str) -> None:
    """Write off the UI thread: a large table must not freeze the screen."""
    data_folder = screen.wf.folder

    def write() -> None:
        try:
            write_table(table, path, fmt, data_folder)
        except ExportError as err:
            screen.post_message(ExportFailed(str(err)))
        else:
            screen.post_message(TableExported(path, table.rows))

    screen.run_worker(write, name=f"export {path.name}", group="export", thread=True, exit_on_error=False)


def copy_table(screen: PlanScreen, fmt: str = "tsv") -> None:
    """Copy the table as tab-separated text (a spreadsheet takes it) or Markdown, by OSC 52."""
    table = current_table(screen)
    if table is None:
        return
    text = markdown_text(table) if fmt == "markdown" else tsv_text(table)
    screen.app.copy_to_clipboard(text)
    if len(text) > CLIPBOARD_LIMIT:
        screen.notify(f"Copied {table.rows:,} rows, {len(text):,} characters: some terminals cut that much; "
                      f"ctrl+e writes a file ({CLIPBOARD_NOTE})", severity="warning", timeout=10)
    else:
        screen.notify(f"Copied {table.rows:,} rows ({CLIPBOARD_NOTE})")
