"""The top line of every screen: which screen, which data, which dates, which scenario."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.widgets import Static

from queries.format import visible

if TYPE_CHECKING:
    from tui.state import PlanState


class InfoBar(Static):
    """Screen title on the left; data folder, as-of, period and scenario on the right.

    Text from files (folder and scenario names) is never read as markup.
    """

    def __init__(self, title: str) -> None:
        super().__init__(id="info-bar")
        self.title = title

    def on_mount(self) -> None:
        self.watch(self.app, "revision", self.refresh_text)
        self.watch(self.app, "status", self.refresh_text)

    def refresh_text(self) -> None:
        app = cast("PlanState", self.app)
        text = Text(f" {self.title} ", style="bold reverse")
        text.append(f" {visible(app.folder.name)}")
        state = app.state
        preview = app.preview if state.session is None else None  # a cold start's cached first screen
        if state.period is not None:
            p = state.period
            text.append(f" │ as of {p.as_of} │ {p.start} → {p.end}")
        elif preview is not None:
            text.append(f" │ as of {preview.as_of} │ {preview.start} → {preview.end}")
        if state.session is not None:
            text.append(" │ ")
            text.append(visible(state.session.scenario.name), style="bold")
            if state.session.dirty:
                text.append(" ●", style="bold")  # unsaved edits, as in editors
        elif preview is not None:
            text.append(" │ ")
            text.append(visible(preview.scenario), style="bold")
            if app.status:  # the numbers are shown; what the load is doing still is, after them
                text.append(f" │ {app.status}", style="italic")
        elif app.status:
            text.append(f" │ {app.status}", style="italic")
        self.update(text)
