"""The export dialog (ctrl+e): which format, which file, or copy to the clipboard instead.

It only asks; `tui.export` checks the name, asks before replacing a file and writes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Literal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from queries.report.table_export import FORMATS

FORMAT_LABELS = {"csv": "CSV (numbers as numbers)", "parquet": "Parquet", "markdown": "Markdown (as on screen)"}


@dataclass(frozen=True)
class ExportChoice:
    action: Literal["file", "copy"]
    fmt: str
    name: str


class ExportDialog(ModalScreen[ExportChoice | None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, title: str, fmt: str, stem: str, folder: Path) -> None:
        super().__init__(classes="dialog-screen")
        self.title_text, self.fmt, self.stem, self.folder = title, fmt, stem, folder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form"):
            yield Label(Text(self.title_text), classes="dialog-title")
            yield Static(Text(f"A name without a folder is written in {self.folder}"), classes="dialog-note")
            with Horizontal(classes="form-row"):
                yield Label("Format", classes="form-label")
                yield Select([(label, fmt) for fmt, label in FORMAT_LABELS.items()], value=self.fmt,
                             allow_blank=False, id="export-format", classes="form-input", compact=True)
            with Horizontal(classes="form-row"):
                yield Label("File name", classes="form-label")
                yield Input(self.stem + FORMATS[self.fmt], id="export-name", classes="form-input", compact=True)
            error = Label("", id="export-error", classes="form-error")
            error.display = False
            yield error
            with Horizontal(classes="dialog-buttons"):
                yield Button("Export (enter)", variant="primary", id="export", compact=True)
                yield Button("Copy instead", id="copy", compact=True,
                             tooltip="Copy to the clipboard: Markdown as Markdown, else tab-separated")
                yield Button("Cancel (esc)", id="cancel", compact=True)

    def on_mount(self) -> None:
        name = self.query_one("#export-name", Input)
        name.cursor_blink = self.app.animation_level != "none"
        name.focus()
        # As in the other forms: typing replaces the proposed name, arrows keep it.
        name.select_all()

    @on(Select.Changed, "#export-format")
    def format_changed(self, event: Select.Changed) -> None:
        """The name follows the format while it ends in one of the formats' suffixes."""
        self.fmt = str(event.value)
        name = self.query_one("#export-name", Input)
        for suffix in FORMATS.values():
            if name.value.endswith(suffix):
                name.value = name.value.removesuffix(suffix) + FORMATS[self.fmt]
                break
        name.focus()  # the format chosen, enter exports

    @on(Input.Submitted, "#export-name")
    @on(Button.Pressed, "#export")
    def export(self) -> None:
        name = self.query_one("#export-name", Input)
        if not name.value.strip():
            error = self.query_one("#export-error", Label)
            error.update("the file needs a name")
            error.display = True
            name.focus()
            return
        self.dismiss(ExportChoice("file", self.fmt, name.value.strip()))

    @on(Button.Pressed, "#copy")
    def copy(self) -> None:
        self.dismiss(ExportChoice("copy", self.fmt, ""))

    @on(Button.Pressed, "#cancel")
    def cancel(self) -> None:
        self.dismiss(None)
