"""Staffing: agents required from the forecast, and what the scenario does to them.

Per queue: required and scheduled FTE, service level, ASA and occupancy (Erlang C, or
Erlang A with a patience). Per week: required and scheduled FTE against the FTE employed on
as-of, with the gap. Across the day: required agents per half hour. `t` edits the targets
in the scenario; the scenario's AHT deltas, blended by its work-mode mix, change the
traffic, and the extra or saved FTE is costed in the scenario's total.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

import polars as pl
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widget import Widget
from textual.widgets import DataTable, Static

from queries.config import StaffingParams
from queries.format import money, number, plain, share, visible
from queries.model.staffing import intraday_profile, weekly_staffing
from queries.report.table_export import ExportTable
from tui.dialogs import FormDialog, TextDialog
from tui.screens.base import PlanScreen
from tui.state import EditScenario
from tui.widgets.whole_columns import WholeColumnTable

SPARKS = " ▁▂▃▄▅▆▇█"
HIGH_OCCUPANCY = 0.9  # above this, agents get no slack between contacts: a warning on screen
TARGETS = (
    ("service_level", "Service level (%)", False),
    ("answer_seconds", "Answer within, s", False),
    ("shrinkage", "Shrinkage (%)", False),
    ("max_occupancy", "Max occupancy (blank: none)", True),
    ("patience_seconds", "Patience, s (blank: Erlang C)", True),
)


QUEUE_HEADINGS = (  # (key, heading as shown: short, so that 80 columns show them all)
    ("Queue", "Queue"), ("Peak agents", "Peak agents"), ("Required FTE", "Req. FTE"),
    ("Scheduled", "Sched."), ("vs baseline", "vs base"), ("SL", "SL"), ("ASA", "ASA"),
    ("Occupancy", "Occup."),
)


def _occupancy_cell(occupancy: float | None) -> Text:
    """Occupancy, marked ⚠ above HIGH_OCCUPANCY (a mark, not only a color: NO_COLOR too)."""
    if occupancy is not None and occupancy > HIGH_OCCUPANCY:
        return Text(f"{share(occupancy)} ⚠", justify="right", style="bold red")
    return Text(share(occupancy), justify="right")


def sparkline(values: list[float], top: float) -> str:
    return "".join(SPARKS[round(v / top * (len(SPARKS) - 1))] if top > 0 else " " for v in values)


class StaffingScreen(PlanScreen):
    SCREEN_TITLE = "Staffing"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "targets", "Targets"),
        Binding("x", "explain", "Explain"),
    ]
    PALETTE: ClassVar = [
        ("staffing: targets", "Service level, answer seconds, shrinkage, occupancy, patience", "targets"),
        ("explain: staffing", "How required and scheduled FTE are computed", "explain"),
    ]

    def compose_body(self) -> Iterable[Widget]:
        # The first column names the row, so it stays in view while the figures scroll.
        yield WholeColumnTable(id="staff-queues", cursor_type="row", fixed_columns=1, zebra_stripes=True,
                               classes="needs-data")
        yield WholeColumnTable(id="staff-weeks", cursor_type="row", fixed_columns=1, zebra_stripes=True,
                               classes="needs-data")
        yield Static(id="staff-day", classes="needs-data")

    def show(self) -> None:
        session = self.wf.state.session
        evaluation = session.evaluate()
        if evaluation.staffing is None:
            self.query_one("#staff-day", Static).update(Text(
                "This data folder has no forecast (forecast.parquet or forecast/): staffing needs one. "
                "See the data contract for its columns."))
            for table in self.query(DataTable):
                table.display = False
            return
        base = session.baseline_evaluation
        self._fill_queues(evaluation, base)
        self._fill_weeks(evaluation)
        self._draw_day(evaluation)

    def _fill_queues(self, evaluation: Any, base: Any) -> None:
        table: DataTable[Any] = self.query_one("#staff-queues", DataTable)
        table.clear(columns=True)
        # Short headings: at 80 columns every column fits, occupancy (the last) included.
        for label, heading in QUEUE_HEADINGS:
            table.add_column(Text(heading, justify="left" if label == "Queue" else "right"), key=label)
        baseline = {r["queue"]: r for r in base.staffing.queues.iter_rows(named=True)}
        for r in evaluation.staffing.queues.iter_rows(named=True):
            change = r["scheduled_fte"] - baseline[r["queue"]]["scheduled_fte"]
            table.add_row(
                Text(visible(r["queue"])), *[Text(v, justify="right") for v in (
                    f"{r['peak_required']:,}", number(r["required_fte"], 1), f"{r['scheduled_fte']:,}",
                    f"{change:+,}" if change else "—", share(r["service_level"]),
                    "n/a" if r["asa_seconds"] is None else f"{r['asa_seconds']:.1f} s",
                )], _occupancy_cell(r["occupancy"]),
                key=r["queue"],
            )
        out = evaluation.outcome
        delta = evaluation.staffing.aht_delta
        # The labor here is only that of the FTE beyond the baseline's need, so it says so.
        extra = out.scheduled_fte - base.outcome.scheduled_fte
        labor = ("+" if out.staffing_labor > 0 else "") + money(out.staffing_labor)
        # The title: the FTE, then the highest occupancy (flagged above 90%: a warning a planner
        # sees whatever the width), then what the scenario's AHT change costs.
        highest = evaluation.staffing.queues["occupancy"].max()
        occupancy = "" if highest is None else (
            f" · occupancy up to {share(highest)}" + (" ⚠" if highest > HIGH_OCCUPANCY else ""))
        scenario = f" · AHT {delta:+.1%}: {extra:+,} FTE at {labor}/yr" if out.staffing_labor else ""
        table.border_title = f"Queues: {out.scheduled_fte:,} FTE scheduled{occupancy}{scenario}"

    def export_table(self) -> ExportTable | None:
        """The queues table as shown (ASA in seconds; "vs baseline" 0 where it shows —)."""
        session = self.wf.state.session
        if session is None or session.evaluate().staffing is None:
            return None
        queues = session.evaluate().staffing.queues
        baseline = session.baseline_evaluation.staffing.queues.select("queue", base=pl.col("scheduled_fte"))
        frame = queues.join(baseline, on="queue", how="left", maintain_order="left").select(
            pl.col("queue").alias("Queue"), pl.col("peak_required").alias("Peak agents"),
            pl.col("required_fte").alias("Required FTE"), pl.col("scheduled_fte").alias("Scheduled"),
            (pl.col("scheduled_fte") - pl.col("base")).alias("vs baseline"), pl.col("service_level").alias("SL"),
            pl.col("asa_seconds").alias("ASA"), pl.col("occupancy").alias("Occupancy"),
        )
        shown = {
            "Peak agents": lambda v: f"{v:,}", "Required FTE": lambda v: number(v, 1), "Scheduled": lambda v: f"{v:,}",
            "vs baseline": lambda v: f"{v:+,}" if v else "—", "SL": share, "Occupancy": share,
            "ASA": lambda v: "n/a" if v is None else f"{v:.1f} s",
        }
        return ExportTable("staffing-queues", frame, shown)

    def no_export_reason(self) -> str:
        if self.wf.state.session is not None:
            return "Nothing to export: this data folder has no forecast, so staffing has no table"
        return super().no_export_reason()

    def _fill_weeks(self, evaluation: Any) -> None:
        """Each queue's required and scheduled FTE per week; the gap is on the total, since
        the data does not say which queue an agent takes."""
        weeks = weekly_staffing(evaluation.staffing.intervals, evaluation.params)
        queues = sorted(weeks["queue"].unique().to_list())
        available = float(evaluation.workforce.agents["fte"].sum())
        table: DataTable[Any] = self.query_one("#staff-weeks", DataTable)
        table.clear(columns=True)
        table.add_column("Week of", key="week")
        for queue in queues:
            table.add_column(Text(f"{queue} req/sched", justify="right"), key=queue)
        # "Spare" carries its sign convention in its name: negative means short.
        for label, heading in (("Scheduled", "Scheduled"), ("Gap", "Spare FTE")):
            table.add_column(Text(heading, justify="right"), key=label)
        for week, rows in weeks.sort("week").group_by("week", maintain_order=True):
            by_queue = {r["queue"]: r for r in rows.iter_rows(named=True)}
            scheduled = int(rows["scheduled_fte"].sum())
            gap = available - scheduled
            cells = [Text(f"{by_queue[q]['required_fte']:,.1f} / {by_queue[q]['scheduled_fte']:,}" if q in by_queue
                          else "—", justify="right") for q in queues]
            table.add_row(
                Text(str(week[0])), *cells, Text(f"{scheduled:,}", justify="right"),
                Text(f"{gap:+,.1f}", justify="right", style="bold red" if gap < 0 else ""),
                key=str(week[0]),
            )
        table.border_title = f"FTE by week (required / scheduled); spare = {number(available, 1)} employed − scheduled"

    def _draw_day(self, evaluation: Any) -> None:
        profile = intraday_profile(evaluation.staffing.intervals).sort("queue", "time_of_day")
        text = Text(no_wrap=True, overflow="ellipsis")
        high = [(r["queue"], r["occupancy"]) for r in evaluation.staffing.queues.iter_rows(named=True)
                if r["occupancy"] is not None and r["occupancy"] > HIGH_OCCUPANCY]
        if high:  # said where it cannot be missed, whatever the width
            queues = ", ".join(f"{queue} {share(occupancy)}" for queue, occupancy in high)
            cap = "t sets a cap" if evaluation.params.staffing.max_occupancy is None else "t changes the cap"
            text.append(f"⚠ Occupancy above {share(HIGH_OCCUPANCY, 0)}: {queues} ({cap})\n", style="bold red")
        width = max((len(visible(q)) for q in profile["queue"].unique().to_list()), default=0)
        for i, (queue, rows) in enumerate(profile.group_by("queue", maintain_order=True)):
            values = rows["required_agents"].to_list()
            top = max(values, default=0)
            if i:
                text.append("\n")
            text.append(f"{visible(queue[0]):<{width}} ")  # a queue name from the data
            text.append(sparkline(values, top), style="bold")
            text.append(f" top {top:,.1f} agents (average)", style="dim")
            first, last = rows["time_of_day"][0], rows["time_of_day"][-1]
        if profile.height:
            text.append(f"\n{'':<{width}} {first:%H:%M}", style="dim")
            text.append(f" … {last:%H:%M}", style="dim")
        day = self.query_one("#staff-day", Static)
        day.update(text)
        day.border_title = "Required agents across the day (average of each half hour)"

    def action_targets(self) -> None:
        session = self.wf.state.session
        if session is None:
            return
        current, configured = session.evaluate().params.staffing, session.base_params.staffing

        def apply(values: dict[str, Any] | None) -> None:
            if values is not None:
                changes = {k: (None if v == getattr(configured, k) else v) for k, v in values.items()}
                self.post_message(EditScenario(lambda s: s.with_parameters("staffing", changes)))

        shown = {name: "" if getattr(current, name) is None else plain(getattr(current, name)) for name, _, _ in TARGETS}
        self.app.push_screen(FormDialog(
            "Staffing targets (scenario)",
            [(name, label, StaffingParams, name, shown[name], optional) for name, label, optional in TARGETS],
        ), apply)

    def action_explain(self) -> None:
        self.app.push_screen(TextDialog("Staffing", [
            "Traffic A = contacts x AHT x (1 + AHT delta) / (interval minutes x 60) Erlangs.",
            "Required agents N = the smallest N > A whose Erlang C service level",
            "SL = 1 - P(wait) x exp(-(N - A) x T / AHT) meets the target within T seconds,",
            "and A / N <= max occupancy when set; with a patience, Erlang A (abandonment).",
            "Required FTE = required agent-hours / (paid hours per FTE per week x weeks).",
            "Scheduled FTE = required FTE / (1 - shrinkage), rounded up once per total.",
            "Peak agents = the most agents any one interval requires; the day chart averages",
            "each half hour over the forecast's days, so its top is lower.",
            "Spare FTE (weeks) = FTE employed on as-of - scheduled FTE; negative means short.",
            "",
            "Scenario: the AHT delta of each mode, weighted by the scenario's share of agents",
            "in that mode, changes the traffic. Scheduled FTE beyond the baseline's cost",
            "their labor at the average wage x paid hours, in the scenario's total cost",
            "(the header's extra labor; it is not the total labor).",
        ]))
