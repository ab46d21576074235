"""Baseline against the active scenario: the figures a planner decides on.

Under the company's figures, the agents' side: the commute the scenario saves them a year
(baseline minus scenario: cost, km, hours, CO2), shown when the regions locate it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from queries.format import count, money, months, number, share

if TYPE_CHECKING:
    from queries.plan.session import Evaluation


class ScenarioPanel(Static):
    # Lines the panel's figures take with their header and border: Site costs leaves it this many.
    LINES = 10
    COMMUTE_LINES = 2
    _shows_commute = False

    @property
    def lines_needed(self) -> int:
        """Lines the panel needs for what it showed last (border and header included)."""
        return self.LINES + (self.COMMUTE_LINES if self._shows_commute else 0)

    def show(self, name: str, baseline: Evaluation, scenario: Evaluation) -> None:
        self.border_title = "Baseline vs scenario"
        base, result, changes = baseline.outcome, scenario.outcome, scenario.changes
        table = Table.grid(padding=(0, 1), expand=True)
        table.add_column(ratio=1, no_wrap=True)
        table.add_column(justify="right", no_wrap=True)
        table.add_column(justify="right", no_wrap=True)
        table.add_row(Text(""), Text("baseline", style="dim"), Text(name[:14], style="dim"))
        table.add_row("Annual cost", money(base.total_annual_cost), money(result.total_annual_cost))
        table.add_row("Savings /yr", "", Text(money(result.annual_savings), style=_sign(result.annual_savings)))
        table.add_row("One-time", "", money(result.one_time_cost))
        table.add_row("Payback", "", months(result.payback_months))
        table.add_row("Remote share", share(base.remote_share), share(result.remote_share))
        table.add_row("Moved remote", "", count(changes.moved_to_remote))
        table.add_row("Leavers/hires", "", f"{changes.leavers:,}/{changes.hires:,}")
        table.add_row("Seats freed", "", number(result.seats_freed))
        self._shows_commute = base.commute is not None and result.commute is not None
        if base.commute is None or result.commute is None:
            self.update(table)
            return
        saved_cost = base.commute.cost - result.commute.cost
        table.add_row("Commute saved/yr", "", Text(money(saved_cost), style=_sign(saved_cost)))
        km, hours = base.commute.km - result.commute.km, base.commute.hours - result.commute.hours
        co2 = base.commute.co2_tonnes - result.commute.co2_tonnes
        detail = Text(f"{number(km, 0)} km · {number(hours, 0)} h · {number(co2, 1)} t CO2", style="dim",
                      justify="right", no_wrap=True, overflow="ellipsis")
        self.update(Group(table, detail))


def _sign(value: float) -> str:
    return "bold green" if value > 0 else ("bold red" if value < 0 else "")
