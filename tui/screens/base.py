"""What every planning screen shares: the info bar, the footer, and redrawing on change.

A screen implements `compose_body()` and `show()`; it reads the app's state (data,
period, session) and never reaches into other screens.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer

from tui.widgets.info_bar import InfoBar

if TYPE_CHECKING:
    from tui.app import WfplanApp

PaletteCommand = tuple[str, str, str]  # (name "category: action", help, action name)


class PlanScreen(Screen[None]):
    SCREEN_TITLE: ClassVar[str] = ""
    PALETTE: ClassVar[list[PaletteCommand]] = []

    @property
    def wf(self) -> WfplanApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield InfoBar(self.SCREEN_TITLE)
        yield from self.compose_body()
        yield Footer(compact=True)

    def compose_body(self) -> Iterable[Widget]:
        return ()

    def on_mount(self) -> None:
        self.watch(self.app, "revision", self._revision_changed, init=True)

    def _revision_changed(self) -> None:
        loading = self.wf.session is None
        for widget in self.query(".needs-data"):
            widget.loading = loading
        if not loading:
            self.show()

    def show(self) -> None:
        """Redraw from the app's current state."""

    def palette_commands(self) -> list[PaletteCommand]:
        return list(self.PALETTE)
