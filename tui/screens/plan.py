"""Plan over time: the active scenario month by month, and which sites to close, and when.

At the top the NPV, the one-time total and the break-even month; a chart of the baseline and
scenario monthly cost (B, S) beside the cumulative net savings (C, | at break-even); then the
months as a table. `x` explains the month under the cursor. `o` opens the closure
optimizer's constraints, solves in a thread worker (esc cancels) and shows the recommended
closures beside the scenario's own; `a` in that dialog applies them as one undoable edit.
The plan itself is worked out in a worker too: one evaluation per set of closures in force.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

import polars as pl
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import DataTable, Label, Static
from textual.worker import Worker, WorkerState, get_current_worker

from queries.config import OptimizeParams
from queries.format import clip, money, share, visible_lines
from queries.model.cashflow import MonthlyPlan, PlanMonth, discount_factor
from queries.model.optimizer import ClosurePlan, OptimizeError, describe_constraints, plan_lines
from queries.model.scenario import Scenario
from queries.plan.session import PlanSession
from queries.report.table_export import ExportTable
from tui.dialogs import ErrorDialog, FormDialog, TextDialog
from tui.screens.base import PlanScreen
from tui.state import EditScenario
from tui.widgets.plan_chart import PlanChart
from tui.widgets.whole_columns import WholeColumnTable

COLUMNS = ("Month", "Baseline", "Scenario", "One-time", "Net", "Cumulative", "Remote", "Commute saved", "Closes")
CONSTRAINTS = (
    ("target_share", "Remote share (50%)", True),
    ("target_month", "...by (date)", True),
    ("max_closures_per_quarter", "Closures a quarter", True),
    ("one_time_budget_per_year", "One-time a year, USD", True),
    ("keep_sites", "Keep sites (IDs)", True),
)


def short_money(value: float) -> str:
    """$1.2M, -$350k: chart axis labels fit in 8 columns."""
    sign, size = ("-" if value < 0 else ""), abs(value)
    if size >= 1e6:
        return f"{sign}${size / 1e6:.1f}M"
    if size >= 1e3:
        return f"{sign}${size / 1e3:.0f}k"
    return f"{sign}${size:.0f}"


class PlanOverTimeScreen(PlanScreen):
    SCREEN_TITLE = "Plan"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "optimize", "Optimize closures"),
        Binding("x", "explain", "Explain month"),
        Binding("escape", "cancel_optimize", "Cancel", show=False),
    ]
    PALETTE: ClassVar = [
        ("plan: optimize closures", "Which sites to close, and when: the closure plan of highest NPV", "optimize"),
        ("explain: plan month", "The month under the cursor: its costs, one-time costs and discounting", "explain"),
    ]
    WORKER_FAILURES = PlanScreen.WORKER_FAILURES | {"plan": "The plan could not be worked out",
                                                    "optimize": "The closure plan could not be worked out"}

    def __init__(self) -> None:
        super().__init__()
        self._plan: MonthlyPlan | None = None
        self._generation = 0
        self._optimizing = False

    def compose_body(self) -> Iterable[Widget]:
        yield Static(id="plan-summary", classes="needs-data")
        with Horizontal(id="plan-charts", classes="needs-data"):
            yield PlanChart(id="plan-cost")
            yield PlanChart(id="plan-cumulative")
        yield WholeColumnTable(id="plan-months", cursor_type="row", fixed_columns=1, zebra_stripes=True,
                               classes="needs-data")

    # -- the plan ---------------------------------------------------------------------------

    def show(self) -> None:
        session = self.wf.state.session
        assert session is not None
        self._generation += 1
        self.query_one("#plan-months").loading = True
        self._work_out(session, session.scenario, self._generation)

    @work(thread=True, exclusive=True, exit_on_error=False, group="plan")
    def _work_out(self, session: PlanSession, scenario: Scenario, generation: int) -> None:
        plan = session.plan(scenario)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._draw, generation, plan)

    def _draw(self, generation: int, plan: MonthlyPlan) -> None:
        if generation != self._generation or self.wf.state.session is None:
            return  # an older request, or the data is reloading
        self._plan = plan
        self.query_one("#plan-months").loading = False
        self._draw_summary(plan)
        self._draw_charts(plan)
        self._fill_table(plan)

    def _draw_summary(self, plan: MonthlyPlan) -> None:
        text = Text(no_wrap=False)
        text.append("NPV ", style="dim")
        text.append(money(plan.npv), style="bold")
        text.append(f" ({plan.discount_rate:.0%})  one-time ", style="dim")
        text.append(money(plan.one_time_cost), style="bold")
        text.append(f"  net {plan.horizon_months} mo ", style="dim")
        text.append(money(plan.net_savings), style="bold")
        text.append("  break-even ", style="dim")
        even = plan.break_even_month
        text.append("none" if even is None else f"{even:%b %Y}", style="bold")
        if abs(plan.net_savings) < 0.005 and not plan.one_time_cost:
            text.append("\nThe scenario changes nothing over the horizon; o finds which sites to close, and when.",
                        style="italic")
        if self._optimizing:
            text.append("\noptimizing closures… (esc cancels)", style="italic")
        for note in plan.notes:
            text.append(f"\n{note}", style="italic")
        self.query_one("#plan-summary", Static).update(text)

    def _draw_charts(self, plan: MonthlyPlan) -> None:
        months = [m.month for m in plan.months]
        self.query_one("#plan-cost", PlanChart).plot(
            "Monthly cost: B base, S scenario", months,
            {"B": [m.baseline_cost for m in plan.months], "S": [m.scenario_cost + m.one_time_cost for m in plan.months]},
            short_money)
        self.query_one("#plan-cumulative", PlanChart).plot(
            "Cumulative net savings C, | even", months,
            {"C": [m.cumulative_net_savings for m in plan.months]}, short_money,
            marker=None if plan.break_even is None else plan.break_even - 1, zero_line=True)

    def _fill_table(self, plan: MonthlyPlan) -> None:
        table: DataTable[Any] = self.query_one("#plan-months", DataTable)
        row = table.cursor_row
        table.clear(columns=True)
        for label in COLUMNS:
            table.add_column(Text(label, justify="left" if label in ("Month", "Closes") else "right"), key=label)
        for i, m in enumerate(plan.months):
            table.add_row(
                Text(f"{m.month:%b %Y}"),
                *[Text(v, justify="right") for v in (
                    money(m.baseline_cost), money(m.scenario_cost), money(m.one_time_cost) if m.one_time_cost else "—",
                    money(m.net_savings), money(m.cumulative_net_savings), share(m.remote_share),
                    "n/a" if m.commute_saved is None else money(m.commute_saved[2]))],
                Text(clip(", ".join(m.closures), 20)),
                key=str(i),
            )
        table.border_title = "Months (x explains the month under the cursor)"
        if plan.months:
            table.move_cursor(row=min(row, len(plan.months) - 1))

    def export_table(self) -> ExportTable | None:
        plan = self._plan
        if plan is None:
            return None
        frame = pl.DataFrame({
            "Month": [m.month for m in plan.months], "Baseline": [m.baseline_cost for m in plan.months],
            "Scenario": [m.scenario_cost for m in plan.months], "One-time": [m.one_time_cost for m in plan.months],
            "Net": [m.net_savings for m in plan.months], "Cumulative": [m.cumulative_net_savings for m in plan.months],
            "Remote": [m.remote_share for m in plan.months],
            "Commute saved": [None if m.commute_saved is None else m.commute_saved[2] for m in plan.months],
            "Closes": [", ".join(m.closures) for m in plan.months],
        }, schema_overrides={"Remote": pl.Float64, "Commute saved": pl.Float64})
        shown = {name: money for name in ("Baseline", "Scenario", "One-time", "Net", "Cumulative", "Commute saved")}
        shown |= {"Remote": share}
        return ExportTable("plan-months", frame, shown)

    def no_export_reason(self) -> str:
        if self.wf.state.session is not None:
            return "Nothing to export yet: the plan is still being worked out"
        return super().no_export_reason()

    # -- explain ----------------------------------------------------------------------------

    def action_explain(self) -> None:
        plan, session = self._plan, self.wf.state.session
        if plan is None or session is None or not plan.months:
            self.notify("The plan is still being worked out")
            return
        i = max(0, min(self.query_one("#plan-months", DataTable).cursor_row, len(plan.months) - 1))
        m = plan.months[i]
        closed = [c.site_id for c in session.scenario.closures if c.close_date < m.month]
        factor = discount_factor(plan.discount_rate, i + 1)
        in_force = ("closures in force: " + clip(", ".join(closed), 40)) if closed else "no closure in force yet"
        self.app.push_screen(TextDialog(f"Plan: {m.month:%B %Y} (month {i + 1} of {plan.horizon_months})", [
            f"  Baseline    {money(m.baseline_cost):>14}  baseline total annual cost / 12",
            f"  Scenario    {money(m.scenario_cost):>14}  scenario total annual cost / 12, with the",
            "                              changes in force this month: parameter, site and",
            f"                              remote-target changes from month 1; {in_force}",
            f"  One-time    {money(m.one_time_cost):>14}  "
            + (f"fee, equipment, hiring of closing {clip(', '.join(m.closures), 24)}" if m.closures
               else "none (closures: their month; remote target: month 1)"),
            f"  Net         {money(m.net_savings):>14}  baseline - scenario - one-time",
            f"  Cumulative  {money(m.cumulative_net_savings):>14}  net savings of months 1 to {i + 1}",
            f"  Discounted  {money(m.net_savings * factor):>14}  net x (1 + {plan.discount_rate:g})^(-{i + 1}/12)"
            f" = net x {factor:.4f}",
            f"  Remote      {share(m.remote_share):>14}  remote agents / agents, this month's changes in force",
            *self._commute_lines(m),
            "",
            f"NPV {money(plan.npv)}: the discounted net savings of all {plan.horizon_months} months, summed.",
            "Break-even: the first month from which cumulative net savings stay >= 0: "
            + ("none" if plan.break_even_month is None else f"{plan.break_even_month:%B %Y}") + ".",
        ]))

    @staticmethod
    def _commute_lines(m: PlanMonth) -> list[str]:
        """The agents' side of the month: the commute they no longer make."""
        if m.commute_saved is None:
            return ["  Commute        n/a  the agents' commute needs the regions of their homes"]
        km, hours, cost, co2 = m.commute_saved
        return [f"  Commute     {money(cost):>14}  saved by the agents this month: (baseline - scenario",
                f"                              commute a year) / 12 = {km:,.0f} km, {hours:,.0f} h, {co2:.2f} t CO2"]

    # -- the closure optimizer ------------------------------------------------------------------

    def action_optimize(self) -> None:
        session = self.wf.state.session
        if session is None:
            self.notify("The data is still loading")
            return
        if self._optimizing:
            self.notify("Already optimizing (esc cancels)")
            return
        current = session.scenario.effective_parameters(session.base_params).optimize

        def shown(name: str) -> str:
            value = getattr(current, name)
            if isinstance(value, list):
                return ", ".join(value)
            return "" if value is None else str(value)

        def run(values: dict[str, Any] | None) -> None:
            if values is None:
                return
            self._optimizing = True
            if self._plan is not None:
                self._draw_summary(self._plan)
            self.query_one("#plan-charts").loading = True
            self._optimize(session, session.scenario, OptimizeParams(**values))

        self.app.push_screen(FormDialog(
            "Optimize closures: which sites to close, and when",
            [(name, label, OptimizeParams, name, shown(name), optional) for name, label, optional in CONSTRAINTS],
            submit="Optimize",
            note="Blank: no such constraint. The month is the date's month. The scenario's parameter and site "
                 "changes apply; its own closures and remote target are set aside.",
        ), run)

    @work(thread=True, exclusive=True, exit_on_error=False, group="optimize")
    def _optimize(self, session: PlanSession, scenario: Scenario, constraints: OptimizeParams) -> None:
        try:
            result: ClosurePlan | str = session.closure_plan(scenario, constraints)
        except OptimizeError as err:
            result = str(err)
        current = session.plan(scenario)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._optimized, session, scenario, constraints, result, current)

    def _optimized(self, session: PlanSession, scenario: Scenario, constraints: OptimizeParams,
                   result: ClosurePlan | str, current: MonthlyPlan) -> None:
        self._done_optimizing()
        if isinstance(result, str):
            self.app.push_screen(ErrorDialog("The closures could not be optimized", result))
            return
        if session is not self.wf.state.session or scenario is not session.scenario:
            self.notify("The scenario changed while optimizing; optimize again", severity="warning")
            return
        params = scenario.effective_parameters(session.base_params)
        from queries.model.optimizer import constraints_from

        described = describe_constraints(constraints_from(constraints, session.baseline.as_of, params.plan.horizon_months),
                                         session.baseline.as_of, params.plan.horizon_months, constraints.keep_sites)

        def apply(yes: bool | None) -> None:
            if yes:
                self.post_message(EditScenario(result.scenario(scenario)))
                self.notify(f"Applied {len(result.closures)} closure(s) to the scenario (u undoes)")

        self.app.push_screen(ClosurePlanDialog(result, scenario, current, described), apply)

    def _done_optimizing(self) -> None:
        self._optimizing = False
        self.query_one("#plan-charts").loading = False
        if self._plan is not None:
            self._draw_summary(self._plan)

    def action_cancel_optimize(self) -> None:
        if self._optimizing:
            self.workers.cancel_group(self, "optimize")
            self._done_optimizing()
            self.notify("Optimizing cancelled")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            if event.worker.group == "optimize":
                self._done_optimizing()
            elif event.worker.group == "plan":
                self.query_one("#plan-months").loading = False
        super().on_worker_state_changed(event)


class ClosurePlanDialog(ModalScreen[bool]):
    """The recommended closures beside the scenario's own; `a` applies them, esc closes."""

    BINDINGS = [Binding("a", "dismiss_if(True)", "Apply"), Binding("escape", "dismiss_if(False)", "Close")]

    def __init__(self, plan: ClosurePlan, scenario: Scenario, current: MonthlyPlan, constraints: str) -> None:
        super().__init__(classes="dialog-screen")
        self.plan, self.scenario, self.current, self.constraints = plan, scenario, current, constraints

    def compose(self) -> ComposeResult:
        # The recommended closures on the left, the scenario's own on the right, then the totals.
        lines = plan_lines(self.plan)
        table, totals = (lines[:-1], lines[-1:]) if self.plan.feasible and self.plan.closures else ([], lines)
        own = [f"{c.site_id:<8} {c.close_date.isoformat()}" for c in sorted(self.scenario.closures, key=lambda c: c.close_date)]
        now = ("The scenario now: " + (f"{len(own)} closure(s)" if own else "no closure")
               + (f", remote target {self.scenario.remote_target.share:.0%}" if self.scenario.remote_target else "")
               + f"; plan NPV {money(self.current.npv)}")
        with Vertical(classes="dialog wide"):
            yield Label(Text("Closure plan"), classes="dialog-title")
            with VerticalScroll(classes="dialog-scroll"):
                yield Static(Text(visible_lines(f"Constraints: {self.constraints}\n")), classes="dialog-body")
                with Horizontal(classes="closure-columns"):
                    yield Static(Text(visible_lines("\n".join(["Recommended", *table])), no_wrap=True, overflow="ellipsis"),
                                 classes="closure-recommended")
                    current = ["The scenario now", f"{'site':<8} close date", *own]
                    yield Static(Text(visible_lines("\n".join(current)), no_wrap=True, overflow="ellipsis"),
                                 classes="closure-current")
                yield Static(Text(visible_lines("\n".join(["", *totals, now]))), classes="dialog-body")
            hint = ("a applies (replaces closures and remote target; u undoes), esc closes"
                    if self.plan.feasible else "esc to close")
            yield Label(hint, classes="dialog-hint")

    def action_dismiss_if(self, apply: bool) -> None:
        self.dismiss(apply and self.plan.feasible)
