"""KPIs: do remote, hybrid and onsite agents perform alike, and how sure is each difference?

Groups, never individuals: one row per work mode (optionally split by site, tenure band or
month) under the privacy floor; the differences against onsite with 95% confidence
intervals, raw or within tenure bands; and the primary KPI month by month. FCR comes first
by default: remote work is judged on resolution, not only on handle time.
The KPI inputs are one aggregated scan per period, loaded in a cancellable worker.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar

import polars as pl
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widget import Widget
from textual.widgets import DataTable

from queries.format import count, share
from queries.model.costs import MODES
from queries.model.kpi import (
    COMPARED_KPIS,
    REPORT_COMPARISONS,
    compare,
    kpi_groups,
    observed_aht_delta,
    onsite_aht,
    tenure_adjusted_aht_delta,
)
from queries.model.period import PeriodChoice
from queries.model.scenario import AhtDelta
from queries.report.table_export import ExportTable
from tui.dialogs import FormDialog, TextDialog
from tui.screens.base import PlanScreen
from tui.state import ChoosePeriod, EditScenario, WantKpis
from tui.widgets.trend_chart import TrendChart, axis_note
from tui.widgets.whole_columns import WholeColumnTable


def _aht(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes}:{rest:02d}"


def signed(value: float, places: int, unit: str = "") -> str:
    """A difference with its sign, to `places` decimals, or more when those would show a value
    that is not 0 as "-0.0" (an interval's end just below 0 must not read as 0: whether it
    excludes 0 is what "sure?" says), up to three more."""
    for shown in range(places, places + 4):
        text = f"{value:+.{shown}f}"
        if any(digit in text for digit in "123456789"):
            return text + unit
    return f"{value:+.{places}f}" + unit  # 0, or too close to it for any of those places


# label, value format, difference format
KPI_DISPLAY: dict[str, tuple[str, Callable[[float], str], Callable[[float], str]]] = {
    "fcr": ("FCR", lambda v: share(v), lambda d: signed(d * 100, 1, " pp")),
    "csat": ("CSAT", lambda v: f"{v:.2f}", lambda d: signed(d, 2)),
    "aht_seconds": ("AHT", _aht, lambda d: signed(d, 0, " s")),
    "qa": ("QA", lambda v: f"{v:.1f}", lambda d: signed(d, 1)),
    "adherence": ("Adherence", lambda v: share(v), lambda d: signed(d * 100, 1, " pp")),
    "fraud_per_100k_contacts": ("Fraud/100k", lambda v: f"{v:.1f}", lambda d: signed(d, 1)),
}
SPLIT_LABELS = {None: "work mode", "site_id": "site", "tenure_band": "tenure band", "month": "month"}


class KpiScreen(PlanScreen):
    SCREEN_TITLE = "KPIs"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("b", "split", "Split"),
        Binding("a", "adjusted", "Adjusted"),
        Binding("k", "primary", "KPI"),
        # Out of the footer so that ? and q fit at 80 columns; `?` lists it.
        Binding("d", "period", "Period", show=False),
        Binding("m", "take_aht", "Take AHT"),
        Binding("x", "explain", "Explain"),
    ]
    PALETTE: ClassVar = [
        ("view: split", "Split the groups by site, tenure band or month", "split"),
        ("view: tenure-adjusted", "Compare within tenure bands, or raw", "adjusted"),
        ("view: primary KPI", "Choose the KPI shown first and charted", "primary"),
        ("period: change", "Change the period and the as-of date", "period"),
        ("scenario: use AHT difference", "Take the AHT difference shown (observed or tenure-adjusted) into the "
         "scenario's aht_delta", "take_aht"),
        ("explain: KPIs", "How each KPI, interval and the privacy floor work", "explain"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.split: str | None = None
        self.tenure_adjusted = False
        self.primary = ""

    def compose_body(self) -> Iterable[Widget]:
        # The first column names the row (in the groups, with the split), so it stays in view.
        yield WholeColumnTable(id="kpi-groups", cursor_type="row", fixed_columns=1, zebra_stripes=True,
                               classes="needs-kpis")
        yield WholeColumnTable(id="kpi-compare", cursor_type="row", fixed_columns=1, zebra_stripes=True,
                               classes="needs-kpis")
        yield TrendChart(id="kpi-trend", classes="needs-kpis")

    def on_mount(self) -> None:
        self.primary = self.wf.settings.kpi.primary
        super().on_mount()
        self.watch(self.app, "kpi_revision", self._revision_changed)

    def _revision_changed(self) -> None:
        ready = self.wf.state.session is not None and self.wf.state.kpi_inputs is not None \
            and self.wf.state.kpi_inputs.period == self.wf.state.period
        for widget in self.query(".needs-kpis"):
            widget.loading = not ready
        if self.wf.state.session is not None and not ready and self.is_current:
            self.post_message(WantKpis())
        if ready:
            self.show()

    def on_screen_resume(self) -> None:
        self._revision_changed()

    def kpi_order(self) -> list[str]:
        return [self.primary, *(k for k in KPI_DISPLAY if k != self.primary)]

    # -- drawing ----------------------------------------------------------------------------

    def _floor(self) -> int:
        return self.wf.state.session.privacy_floor

    def _groups(self, floor: int) -> pl.DataFrame:
        inputs = self.wf.state.kpi_inputs
        return kpi_groups(inputs.groups, inputs.attrition, [self.split] if self.split else [], floor)

    def show(self) -> None:
        inputs = self.wf.state.kpi_inputs
        floor = self._floor()
        groups = self._groups(floor)
        self._fill_groups(groups, floor)
        self._fill_comparisons(inputs.groups, floor)
        self._plot_trend(inputs, floor)

    def _fill_groups(self, groups: pl.DataFrame, floor: int) -> None:
        table: DataTable[Any] = self.query_one("#kpi-groups", DataTable)
        table.clear(columns=True)
        table.fixed_columns = 2 if self.split else 1  # the mode and the split name the row
        for key, label, numeric in self._group_columns():
            table.add_column(Text(label, justify="right") if numeric else label, key=key)
        for i, row in enumerate(groups.iter_rows(named=True)):
            table.add_row(*self._group_cells(row, floor), key=str(i))
        period = self.wf.state.period
        empty = self.wf.state.kpi_inputs.empty
        table.border_title = (f"No KPI rows between {period.start} and {period.end}" if empty
                              else f"By {SPLIT_LABELS[self.split]}, {period.start} to {period.end}")

    def _group_columns(self) -> list[tuple[str, str, bool]]:
        """The groups table's columns: key, heading, numeric."""
        split = [("split", SPLIT_LABELS[self.split].capitalize(), False)] if self.split else []
        return [
            ("mode", "Mode", False), *split, ("agents", "Agents", True), ("contacts", "Contacts", True),
            *[(kpi, KPI_DISPLAY[kpi][0], True) for kpi in self.kpi_order()], ("attrition", "Attrition/yr", True),
        ]

    def _group_cells(self, row: dict[str, Any], floor: int) -> list[Text]:
        """One group as the screen shows it: a suppressed group shows no figure at all."""
        cells: list[Text] = [Text(row["work_mode"])]
        if self.split:
            value = row[self.split]
            cells.append(Text(f"{value:%Y-%m}" if self.split == "month" else str(value or "no site")))
        if _hidden(row, floor):
            cells.append(Text(f"suppressed (< {floor} agents)", style="dim"))
            cells += [Text("") for _ in range(len(self.kpi_order()) + 2)]
        else:
            cells += [Text(count(row["agents"]), justify="right"), Text(count(row["contacts"]), justify="right")]
            for kpi in self.kpi_order():
                value = row[kpi]
                cells.append(Text("n/a" if value is None else KPI_DISPLAY[kpi][1](value), justify="right",
                                  style="bold" if kpi == self.primary else ""))
            cells.append(Text(share(row["attrition_annualized"]), justify="right"))
        return cells

    def export_table(self) -> ExportTable | None:
        """The groups table as shown. A suppressed group keeps its keys and exports no
        figure: its numbers are empty and "Privacy" says why (Markdown: as on screen)."""
        if not self._ready() or self.wf.state.kpi_inputs.period != self.wf.state.period:
            return None
        floor = self._floor()
        groups = self._groups(floor)
        headings = [label for _, label, _ in self._group_columns()]
        text = pl.DataFrame([[c.plain for c in self._group_cells(r, floor)] for r in groups.iter_rows(named=True)],
                            schema=dict.fromkeys(headings, pl.Utf8), orient="row")
        split_type = pl.Date if self.split == "month" else pl.Utf8
        figures = ["agents", "contacts", *self.kpi_order(), "attrition_annualized"]
        records = []
        for r in groups.iter_rows(named=True):
            hidden = _hidden(r, floor)
            split = [r[self.split] if self.split == "month" else str(r[self.split] or "no site")] if self.split else []
            records.append([r["work_mode"], *split, *(None if hidden else r[f] for f in figures),
                            f"suppressed (< {floor} agents)" if hidden else None])
        ratios = [KPI_DISPLAY[kpi][0] for kpi in self.kpi_order()] + ["Attrition/yr"]
        schema = {"Mode": pl.Utf8, **({headings[1]: split_type} if self.split else {}),
                  "Agents": pl.Int64, "Contacts": pl.Int64, **dict.fromkeys(ratios, pl.Float64), "Privacy": pl.Utf8}
        frame = pl.DataFrame(records, schema=schema, orient="row")
        return ExportTable("kpis" + (f"-by-{SPLIT_LABELS[self.split].replace(' ', '-')}" if self.split else ""),
                           frame, text=text)

    def no_export_reason(self) -> str:
        if self.wf.state.session is not None:
            return "Nothing to export yet: the KPIs are still loading"
        return super().no_export_reason()

    def _fill_comparisons(self, groups: pl.DataFrame, floor: int) -> None:
        table: DataTable[Any] = self.query_one("#kpi-compare", DataTable)
        table.clear(columns=True)
        table.add_column("KPI", key="kpi")
        for group, versus in REPORT_COMPARISONS:
            name = f"{group} − {versus}"
            if self.tenure_adjusted:  # the same interval and "sure?" as the raw view (spec/model.md)
                table.add_column(Text(f"{name}, in bands", justify="right"), key=f"{group}-adj")
                table.add_column(Text("95% CI", justify="right"), key=f"{group}-adj-ci")
                table.add_column(Text("sure?", justify="right"), key=f"{group}-adj-sig")
                table.add_column(Text("tenure explains", justify="right"), key=f"{group}-tenure")
            else:
                table.add_column(Text(name, justify="right"), key=f"{group}-diff")
                table.add_column(Text("95% CI", justify="right"), key=f"{group}-ci")
                table.add_column(Text("sure?", justify="right"), key=f"{group}-sig")
        results = {
            (g, v): {c.kpi: c for c in compare(groups, g, v, COMPARED_KPIS, self.tenure_adjusted, min_agents=floor)}
            for g, v in REPORT_COMPARISONS
        }
        for kpi in self.kpi_order():
            label, _, fmt_diff = KPI_DISPLAY[kpi]
            cells: list[Text] = [Text(label, style="bold" if kpi == self.primary else "")]
            for pair in REPORT_COMPARISONS:
                c = results[pair][kpi]
                if self.tenure_adjusted:
                    low, high = c.tenure_adjusted_ci_low, c.tenure_adjusted_ci_high
                    ci = "n/a" if low is None or high is None else f"{fmt_diff(low)} to {fmt_diff(high)}"
                    sure = "n/a" if low is None or high is None else ("yes" if low > 0 or high < 0 else "no")
                    cells += [_fmt(c.tenure_adjusted_difference, fmt_diff), Text(ci, justify="right"),
                              Text(sure, justify="right"), _fmt(c.explained_by_tenure, fmt_diff)]
                elif c.difference is None:
                    cells += [Text(c.reason or "n/a", style="dim"), Text(""), Text("")]
                else:
                    ci = "n/a" if c.ci_low is None else f"{fmt_diff(c.ci_low)} to {fmt_diff(c.ci_high)}"
                    sure = "n/a" if c.significant is None else ("yes" if c.significant else "no")
                    cells += [_fmt(c.difference, fmt_diff), Text(ci, justify="right"), Text(sure, justify="right")]
            table.add_row(*cells, key=kpi)
        table.border_title = ("Differences within tenure bands (a: raw)" if self.tenure_adjusted
                              else "Differences against onsite, sure = the 95% CI excludes 0 (a: tenure-adjusted)")

    def _plot_trend(self, inputs: Any, floor: int) -> None:
        monthly = kpi_groups(inputs.groups, inputs.attrition, ["month"], floor)
        months = sorted(set(monthly["month"].to_list()))
        series = {
            mode: [next((r[self.primary] for r in monthly.filter((pl.col("work_mode") == mode) & (pl.col("month") == m))
                         .iter_rows(named=True)), None) for m in months]
            for mode in MODES
        }
        label, fmt, _ = KPI_DISPLAY[self.primary]
        note = axis_note(series, fmt)  # the axis zooms in on the values: say where it starts
        self.query_one(TrendChart).plot(f"{label} by month: O onsite, H hybrid, R remote, * several"
                                        + (f"; {note}" if note else ""), months, series, fmt)

    # -- actions ----------------------------------------------------------------------------

    def _ready(self) -> bool:
        return self.wf.state.kpi_inputs is not None and self.wf.state.session is not None

    def action_split(self) -> None:
        order = [None, "site_id", "tenure_band", "month"]
        self.split = order[(order.index(self.split) + 1) % len(order)]
        if self._ready():
            self.show()

    def action_adjusted(self) -> None:
        self.tenure_adjusted = not self.tenure_adjusted
        if self._ready():
            self.show()

    def action_primary(self) -> None:
        keys = list(KPI_DISPLAY)
        self.primary = keys[(keys.index(self.primary) + 1) % len(keys)]
        if self._ready():
            self.show()

    def action_period(self) -> None:
        period = self.wf.state.period
        if period is None:
            return

        def apply(values: dict[str, Any] | None) -> None:
            if values is not None:
                self.post_message(ChoosePeriod(values["as_of"], values["start"], values["end"]))

        self.app.push_screen(FormDialog("Period and as-of date", [
            ("start", "Period from", PeriodChoice, "start", period.start.isoformat(), False),
            ("end", "Period to", PeriodChoice, "end", period.end.isoformat(), False),
            ("as_of", "As-of date", PeriodChoice, "as_of", period.as_of.isoformat(), False),
        ], note="KPIs use the period; headcount and costs the as-of date (changing it reloads)."), apply)

    def action_take_aht(self) -> None:
        """The AHT difference on screen becomes the scenario's aht_delta: the tenure-adjusted one
        while the screen shows it, else the observed one; the notification says which."""
        if not self._ready():
            return
        if self.tenure_adjusted:
            self._take_adjusted_aht()
            return
        floor = self.wf.state.session.privacy_floor
        groups = self.wf.state.kpi_inputs.groups
        if onsite_aht(groups, floor) is None:
            self.notify("No onsite AHT to compare with in this period", severity="warning")
            return
        delta = observed_aht_delta(groups, floor)
        self.post_message(EditScenario(lambda s: s.model_copy(update={"aht_delta": AhtDelta(**delta)})))
        self.notify("Scenario AHT delta (observed difference): " + ", ".join(f"{m} {d:+.1%}" for m, d in delta.items()))

    def _take_adjusted_aht(self) -> None:
        """aht_delta = the tenure-adjusted AHT difference / onsite AHT, per mode that has one."""
        floor = self._floor()
        groups = self.wf.state.kpi_inputs.groups
        if onsite_aht(groups, floor) is None:
            self.notify("No onsite AHT to compare with in this period", severity="warning")
            return
        delta = tenure_adjusted_aht_delta(groups, floor)
        if not delta:
            self.notify("No tenure-adjusted AHT difference to take; a shows the observed one", severity="warning")
            return
        self.post_message(EditScenario(lambda s: s.model_copy(update={"aht_delta": AhtDelta(**delta)})))
        self.notify("Scenario AHT delta (tenure-adjusted difference / onsite AHT): "
                    + ", ".join(f"{m} {d:+.1%}" for m, d in delta.items()))

    def action_explain(self) -> None:
        floor = self.wf.state.session.privacy_floor if self.wf.state.session else 5
        self.app.push_screen(TextDialog("KPIs, intervals and the privacy floor", [
            "A KPI row belongs to the work mode of the agent's assignment on that day; rows on days",
            "without an assignment are left out. agents = distinct agents with a row in the group.",
            "AHT = handle seconds / contacts; FCR = resolved / eligible; CSAT = points / responses;",
            "QA = points / evaluations; adherence = adherent / scheduled minutes;",
            "fraud = incidents per 100,000 contacts; attrition = leavers / average daily headcount",
            "x 365 / days in the period. A zero denominator shows n/a.",
            "",
            "Difference = group KPI minus onsite KPI. 95% CI: Welch's t on each agent's linearized",
            "value z = (num - KPI x den) / mean(den) (the delta method for a ratio of sums), so an",
            "agent with more contacts weighs more; sure = the interval excludes 0.",
            "Tenure-adjusted: the difference within tenure bands (< 6, 6-24, > 24 months at the",
            "period's end), averaged with weights = the smaller group's agents in each band;",
            f"a band where either group has fewer than {floor} agents is left out.",
            "'tenure explains' = raw difference minus adjusted difference.",
            "",
            f"Privacy floor: a group with fewer than {floor} agents shows no values, and one more",
            "cell is hidden when a hidden one could be worked out from the others.",
        ]))


def _hidden(group: dict[str, Any], floor: int) -> bool:
    """Shows no figures: suppressed by `kpi_groups`, and (belt and braces) any group whose
    agent count is unknown or under the floor."""
    return bool(group["suppressed"]) or group["agents"] is None or group["agents"] < floor


def _fmt(value: float | None, fmt: Callable[[float], str]) -> Text:
    return Text("n/a" if value is None else fmt(value), justify="right")
