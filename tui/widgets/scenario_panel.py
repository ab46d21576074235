"""Baseline against the active scenario: the figures a planner decides on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from queries.format import count, money, months, number, share

if TYPE_CHECKING:
    from queries.plan.session import Evaluation


class ScenarioPanel(Static):
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
        self.update(table)


def _sign(value: float) -> str:
    return "bold green" if value > 0 else ("bold red" if value < 0 else "")
