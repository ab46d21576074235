"""The screen shown when the data folder breaks the contract: the same lines as `wfplan check`."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from queries.contract.check import CheckResult
from tui.state import ReloadData


class ProblemsScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "reload", "Check again"),
        Binding("q", "app.quit_app", "Quit"),
    ]

    def __init__(self, result: CheckResult) -> None:
        super().__init__()
        self.result = result

    def compose(self) -> ComposeResult:
        yield Static(Text(" The data folder cannot be opened ", style="bold reverse"), id="info-bar")
        with VerticalScroll(id="problems"):
            yield Static(Text(self.result.summary(), style="bold"), id="problems-summary")
            # Lines hold text from the data (file names, values): never markup.
            yield Static(Text("\n".join(p.line() for p in self.result.problems)), id="problems-list")
            yield Static(Text(
                "Fix the exports (or point --data at another folder) and press r to check again. "
                "'wfplan check' prints the same list."
            ), id="problems-hint")
        yield Footer(compact=True)

    def action_reload(self) -> None:
        self.post_message(ReloadData())  # the app pops this screen and keeps the scenario
