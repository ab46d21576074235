"""Screens whose content is not built yet: they say so plainly and what they will show."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.widget import Widget
from textual.widgets import Static

from tui.screens.base import PlanScreen


class _NotYet(PlanScreen):
    WILL_SHOW = ""

    def compose_body(self) -> Iterable[Widget]:
        yield Static(Text(f"{self.SCREEN_TITLE} is not built yet.\n\n{self.WILL_SHOW}\n\n"
                          "Press 1 for Site costs, ? for every key."), classes="not-yet")


class KpiScreen(_NotYet):
    SCREEN_TITLE = "KPIs"
    WILL_SHOW = ("It will compare remote, onsite and hybrid agents on FCR, CSAT, AHT and more, "
                 "with confidence intervals and a privacy floor.")
