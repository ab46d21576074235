"""Baseline against the active scenario: the figures a planner decides on.

Under the company's figures, the agents' side: the commute the scenario saves them a year
(baseline minus scenario: cost, km, hours, CO2), shown when the regions locate it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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
        self.draw(panel_view(name, baseline, scenario))

    def draw(self, view: dict[str, Any]) -> None:
        """Show a `panel_view` (also one read back from the start cache, tui/quick_start.py)."""
        self.border_title = "Baseline vs scenario"
        table = Table.grid(padding=(0, 1), expand=True)
        table.add_column(ratio=1, no_wrap=True)
        table.add_column(justify="right", no_wrap=True)
        table.add_column(justify="right", no_wrap=True)
        for row in view["rows"]:
            table.add_row(*(cell if isinstance(cell, str) else Text(cell[0], style=cell[1]) for cell in row))
        self._shows_commute = view["detail"] is not None
        if view["detail"] is None:
            self.update(table)
            return
        detail = Text(view["detail"], style="dim", justify="right", no_wrap=True, overflow="ellipsis")
        self.update(Group(table, detail))


Cell = str | list[str]
"""A plain cell, or [text, style] for a styled one (a list: what JSON gives back)."""


def panel_view(name: str, baseline: Evaluation, scenario: Evaluation) -> dict[str, Any]:
    """What the panel shows, as plain values (JSON-able): its rows and the commute line."""
    base, result, changes = baseline.outcome, scenario.outcome, scenario.changes
    rows: list[list[Cell]] = [
        [["", ""], ["baseline", "dim"], [name[:14], "dim"]],
        ["Annual cost", money(base.total_annual_cost), money(result.total_annual_cost)],
        ["Savings /yr", "", [money(result.annual_savings), _sign(result.annual_savings)]],
        ["One-time", "", money(result.one_time_cost)],
        ["Payback", "", months(result.payback_months)],
        ["Remote share", share(base.remote_share), share(result.remote_share)],
        ["Moved remote", "", count(changes.moved_to_remote)],
        ["Leavers/hires", "", f"{changes.leavers:,}/{changes.hires:,}"],
        ["Seats freed", "", number(result.seats_freed)],
    ]
    if base.commute is None or result.commute is None:
        return {"rows": rows, "detail": None}
    saved_cost = base.commute.cost - result.commute.cost
    rows.append(["Commute saved/yr", "", [money(saved_cost), _sign(saved_cost)]])
    km, hours = base.commute.km - result.commute.km, base.commute.hours - result.commute.hours
    co2 = base.commute.co2_tonnes - result.commute.co2_tonnes
    return {"rows": rows, "detail": f"{number(km, 0)} km · {number(hours, 0)} h · {number(co2, 1)} t CO2"}


def _sign(value: float) -> str:
    return "bold green" if value > 0 else ("bold red" if value < 0 else "")
