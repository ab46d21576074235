"""Headcount: where the workforce works today, how fast it moves, and the path to a target.

Top: headcount and FTE by mode on as-of, and the remote-share target with the gap in
agents and the transition plan. Middle: the monthly mix with the target line. Bottom: the
months (hires and leavers by mode) or the sites; enter on a site drills into its own trend
and mix, escape returns. Editing the target or the pace changes the active scenario, so the
Site costs screen shows what the move costs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

import polars as pl
from rich.table import Table
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import DataTable, Static

from queries.format import clip, count, number, share
from queries.model.costs import MODES, headcount_by_mode, remote_share
from queries.model.headcount import (
    agents_to_target,
    by_site,
    monthly_trend,
    observed_conversions,
    observed_rates,
    site_workforce,
    transition_plan,
)
from queries.model.scenario import RemoteTarget
from queries.report.table_export import ExportTable
from tui.dialogs import FormDialog, TextDialog
from tui.screens.base import PlanScreen
from tui.state import EditScenario
from tui.widgets.mix_chart import MixChart, MonthMix
from tui.widgets.whole_columns import WholeColumnTable

ALL_SITES = None


class HeadcountScreen(PlanScreen):
    SCREEN_TITLE = "Headcount"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "edit_target", "Target"),
        Binding("p", "edit_pace", "Pace"),
        Binding("v", "switch_view", "View"),  # short: ? and q fit in the footer at 80 columns
        Binding("escape", "all_sites", "All sites"),
        Binding("x", "explain", "Explain"),
    ]
    PALETTE: ClassVar = [
        ("plan: remote target", "Set the remote-share target of the scenario", "edit_target"),
        ("plan: pace", "Set the conversions per month of the transition plan", "edit_pace"),
        ("view: months or sites", "Switch the table between months and sites", "switch_view"),
        ("view: drill into site", "Show the trend and mix of the site under the cursor", "drill"),
        ("view: all sites", "Back to the whole workforce", "all_sites"),
        ("explain: headcount", "How headcount, remote share, gap and plan are computed", "explain"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view = "months"
        self.site: str | None = ALL_SITES

    def compose_body(self) -> Iterable[Widget]:
        yield Horizontal(
            Static(id="mix", classes="needs-data"),
            Vertical(Static(id="plan"), Static(id="plan-note"), id="plan-box", classes="needs-data"),
            id="headcount-top",
        )
        yield MixChart(id="mix-chart", classes="needs-data")
        yield WholeColumnTable(id="headcount-table", cursor_type="row", fixed_columns=1, zebra_stripes=True,
                               classes="needs-data")

    # -- state ----------------------------------------------------------------------------

    def target(self) -> tuple[float, int | None]:
        """The scenario's remote target and pace, else the configured target."""
        session = self.wf.state.session
        target = session.scenario.remote_target
        if target is not None:
            return target.share, target.conversions_per_month
        return session.evaluate().params.plan.remote_target_share, None

    def plan(self) -> tuple[Any, float | None]:
        """The transition plan, and the remote share it starts from: the scenario's
        workforce before its own remote-target move (closures already applied)."""
        session = self.wf.state.session
        start = session.evaluate_scenario(session.scenario.model_copy(update={"remote_target": None}))
        counts = {m: float(v["headcount"]) for m, v in headcount_by_mode(start.workforce).items()}
        target, pace = self.target()
        trend = monthly_trend(self.wf.state.data.monthly)
        if pace is None:  # default: the pace the data shows
            pace = round(observed_conversions(trend))
        plan = transition_plan(counts, start.workforce.as_of, target, pace, observed_rates(trend))
        return plan, remote_share(start.workforce)

    # -- drawing ----------------------------------------------------------------------------

    def show(self) -> None:
        data = self.wf.state.data
        # The figures on as-of are the active scenario's, as on every other screen; the
        # baseline's total and share follow, labelled. The monthly trend is history.
        scenario = self.wf.state.session.evaluate().workforce
        workforce = scenario if self.site is None else site_workforce(scenario, self.site)
        base = data.workforce if self.site is None else site_workforce(data.workforce, self.site)
        self.query_one("#mix", Static).update(self._mix_table(workforce, base))
        plan, start_share = self.plan()
        self.query_one("#plan", Static).update(
            self._plan_table(plan, start_share, self.wf.state.session.evaluate().outcome.remote_share))
        trend = monthly_trend(data.monthly, self.site)
        where = "all sites" if self.site is None else self.site
        self.query_one(MixChart).plot(
            f"Monthly mix, {where}: █ remote ▓ hybrid ░ onsite ─ target",
            [MonthMix(r["month"], r["onsite"], r["hybrid"], r["remote"]) for r in trend.iter_rows(named=True)],
            plan.target,
        )
        self._fill_table(trend)
        self.query_one("#mix", Static).border_title = f"Scenario on {data.workforce.as_of}, {where}"
        self.query_one("#plan", Static).border_title = "Remote target"
        self.query_one("#plan", Static).tooltip = plan.note
        self.query_one("#plan-note", Static).update(Text(plan.note))
        if self.site is not None:  # drilled in: the plan is all sites', the site's own gap is said apart
            self.query_one("#plan", Static).border_title = "Remote target, all sites"
            self.query_one("#plan-note", Static).update(Text(self._site_gap(workforce, plan.target) + " " + plan.note))

    def _site_gap(self, workforce: Any, target: float) -> str:
        """The drilled-in site against the target: its remote share and its own gap."""
        counts = {m: float(v["headcount"]) for m, v in headcount_by_mode(workforce).items()}
        gap = agents_to_target(counts, target)
        return (f"{self.site}: remote share {share(remote_share(workforce))}, "
                f"{gap:,} agent{'' if gap == 1 else 's'} to convert for {share(target)} here.")

    @staticmethod
    def _mix_table(workforce: Any, baseline: Any) -> Table:
        modes = headcount_by_mode(workforce)
        total = sum(m["headcount"] for m in modes.values())
        # Not expanded: the figures stay beside their labels on a wide terminal.
        table = Table.grid(padding=(0, 1))
        table.add_column(no_wrap=True)
        for _ in range(3):
            table.add_column(justify="right", no_wrap=True)
        table.add_row(Text(""), Text("agents", style="dim"), Text("FTE", style="dim"), Text("share", style="dim"))
        for mode in MODES:
            n = modes[mode]["headcount"]
            table.add_row(mode.capitalize(), count(n), number(modes[mode]["fte"]), share(n / total if total else None))
        fte = sum(m["fte"] for m in modes.values())
        table.add_row(Text("Total", style="bold"), Text(count(total), style="bold"), Text(number(fte), style="bold"), "")
        base = headcount_by_mode(baseline)
        table.add_row(Text("Baseline", style="dim"), Text(count(sum(m["headcount"] for m in base.values())), style="dim"),
                      Text(number(sum(m["fte"] for m in base.values())), style="dim"),
                      Text(share(remote_share(baseline)), style="dim"))
        return table

    @staticmethod
    def _plan_table(plan: Any, start_share: float | None, scenario_share: float | None) -> Table:
        table = Table.grid(padding=(0, 1), expand=True)
        table.add_column(ratio=1)
        table.add_column(justify="right", no_wrap=True)
        table.add_row("Target share", share(plan.target))
        table.add_row("Scenario share", share(scenario_share))
        table.add_row("Plan starts at", share(start_share))
        table.add_row("Gap", f"{plan.gap_agents:,} agents")
        table.add_row("Pace", f"{plan.pace:,} a month")
        table.add_row("Reached", plan.reached.strftime("%b %Y") if plan.reached else "not in 10 years")
        return table

    def _fill_table(self, trend: pl.DataFrame) -> None:
        table: DataTable[Any] = self.query_one("#headcount-table", DataTable)
        table.clear(columns=True)
        if self.view == "months":
            self._fill_months(table, trend)
        else:
            self._fill_sites(table)
        table.border_title = (
            "Months: headcount on the 1st; hires and leavers as onsite/hybrid/remote"
            if self.view == "months" else "Sites on as-of, scenario (enter: drill in)"
        )

    @staticmethod
    def _fill_months(table: DataTable[Any], trend: pl.DataFrame) -> None:
        for label, key in (("Month", "month"), ("Onsite", "onsite"), ("Hybrid", "hybrid"), ("Remote", "remote"),
                           ("Remote %", "share"), ("Hires", "hires"), ("Leavers", "leavers")):
            table.add_column(Text(label, justify="left" if key == "month" else "right"), key=key)
        for r in trend.sort("month", descending=True).iter_rows(named=True):
            table.add_row(
                Text(f"{r['month']:%Y-%m}"),
                *[Text(count(r[m]), justify="right") for m in MODES],
                Text(share(r["remote_share"]), justify="right"),
                Text("/".join(str(r[f"hires_{m}"]) for m in MODES), justify="right"),
                Text("/".join(str(r[f"leavers_{m}"]) for m in MODES), justify="right"),
                key=str(r["month"]),
            )

    def _fill_sites(self, table: DataTable[Any]) -> None:
        for label, key in (("Site", "site"), ("Onsite", "onsite"), ("Hybrid", "hybrid"), ("Remote", "remote"),
                           ("Total", "total"), ("Remote %", "share")):
            table.add_column(Text(label, justify="left" if key == "site" else "right"), key=key)
        names = dict(self.wf.state.data.workforce.sites.select("site_id", "name").iter_rows())
        for r in by_site(self.wf.state.session.evaluate().workforce).iter_rows(named=True):
            total = r["onsite"] + r["hybrid"] + r["remote"]
            site = "remote, no site" if r["site_id"] is None else clip(f"{r['site_id']} {names.get(r['site_id'], '')}")
            table.add_row(
                Text(site), *[Text(count(r[m]), justify="right") for m in MODES],
                Text(count(total), justify="right"), Text(share(r["remote"] / total if total else None), justify="right"),
                key=r["site_id"] or "",
            )

    def export_table(self) -> ExportTable | None:
        """The lower table as shown: months (newest first) or sites. Hires and leavers, shown
        as onsite/hybrid/remote, become one number column per mode."""
        if self.wf.state.session is None:
            return None
        where = "" if self.site is None else f"-{self.site.lower()}"
        if self.view == "months":
            trend = monthly_trend(self.wf.state.data.monthly, self.site).sort("month", descending=True)
            frame = trend.select(
                pl.col("month").alias("Month"),
                *[pl.col(m).alias(m.capitalize()) for m in MODES],
                pl.col("remote_share").alias("Remote %"),
                *[pl.col(f"{kind}_{m}").alias(f"{kind.capitalize()} {m}") for kind in ("hires", "leavers") for m in MODES],
            )
            shown = {"Month": lambda v: f"{v:%Y-%m}", "Remote %": share, **{m.capitalize(): count for m in MODES}}
            return ExportTable(f"headcount{where}-months", frame, shown)
        names = dict(self.wf.state.data.workforce.sites.select("site_id", "name").iter_rows())
        sites = by_site(self.wf.state.session.evaluate().workforce)
        total = pl.col("onsite") + pl.col("hybrid") + pl.col("remote")
        frame = sites.select(
            pl.col("site_id").map_elements(lambda s: f"{s} {names.get(s, '')}".strip(), return_dtype=pl.Utf8)
            .fill_null("remote, no site").alias("Site"),
            *[pl.col(m).alias(m.capitalize()) for m in MODES],
            total.alias("Total"),
            pl.when(total > 0).then(pl.col("remote") / total).alias("Remote %"),
        )
        return ExportTable("headcount-sites", frame, {"Remote %": share, **{m.capitalize(): count for m in MODES},
                                                      "Total": count})

    # -- actions ----------------------------------------------------------------------------

    def _set_target(self, share_: float | None = None, pace: int | None = None, keep_pace: bool = True) -> None:
        session = self.wf.state.session
        current = session.scenario.remote_target
        target, old_pace = self.target()
        new = RemoteTarget(
            share=target if share_ is None else share_,
            sites=current.sites if current else None,
            conversions_per_month=old_pace if keep_pace and pace is None else pace,
        )
        self.post_message(EditScenario(lambda s: s.model_copy(update={"remote_target": new})))

    def action_edit_target(self) -> None:
        if self.wf.state.session is None:
            return
        target, _ = self.target()

        def apply(values: dict[str, Any] | None) -> None:
            if values is not None:
                self._set_target(share_=values["share"])

        self.app.push_screen(FormDialog(
            "Remote-share target (scenario)",
            [("share", "Target share (%)", RemoteTarget, "share", f"{target:g}", False)],
            note="Onsite agents become remote, lowest-utilization sites first, until the share is met; "
                 "Site costs shows what that costs.",
        ), apply)

    def action_edit_pace(self) -> None:
        if self.wf.state.session is None:
            return
        plan, _ = self.plan()

        def apply(values: dict[str, Any] | None) -> None:
            if values is not None:
                self._set_target(pace=values["pace"], keep_pace=False)

        self.app.push_screen(FormDialog(
            "Transition pace (scenario)",
            [("pace", "Conversions a month", RemoteTarget, "conversions_per_month", str(plan.pace), False)],
        ), apply)

    def action_switch_view(self) -> None:
        self.view = "sites" if self.view == "months" else "months"
        if self.wf.state.session is not None:
            self.show()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Escape back to all sites is offered only while drilled into one."""
        return self.site is not None if action == "all_sites" else True

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a site row (the table handles the key itself)."""
        self.action_drill()

    def action_drill(self) -> None:
        table: DataTable[Any] = self.query_one("#headcount-table", DataTable)
        if self.wf.state.session is None or self.view != "sites" or not table.row_count:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if not key:
            self.notify("Remote agents without a site have no site trend")
            return
        self.site, self.view = key, "months"
        self.refresh_bindings()
        self.show()

    def action_all_sites(self) -> None:
        if self.site is not None:
            self.site = ALL_SITES
            self.refresh_bindings()
            self.show()

    def action_explain(self) -> None:
        if self.wf.state.session is None:
            return
        plan, _ = self.plan()
        self.app.push_screen(TextDialog("Headcount, remote share and the plan", [
            "Headcount on a day = employed agents (hired on or before it, not yet left) whose",
            "assignment that day has the mode; FTE sums their fte. Hybrid agents are not remote.",
            "Remote share = remote headcount / headcount.",
            "On as-of the figures are the active scenario's (closures, remote target); Baseline =",
            "the data's. Plan starts at = the scenario before its remote-target move.",
            "Monthly: headcount on the 1st of each month; hires and leavers in the month by the",
            "mode of the assignment on the hire or term date. It covers the HR history: from the",
            "earliest assignment's month, at most 36 months, through the as-of month.",
            "",
            f"Gap = ceil(target x headcount - remote) = {plan.gap_agents:,} agents.",
            "Plan, month by month: each mode loses its observed monthly attrition (last 12",
            "months), leavers are replaced in the observed hiring mix, then `pace` onsite",
            "agents become remote; reached = the first month whose share meets the target.",
            "Default pace = the conversions the data shows: change in remote headcount over the",
            "last 12 months, less remote hires, plus remote leavers, per month.",
            plan.note,
        ]))
