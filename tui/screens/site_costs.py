"""Site costs: what each open or closing site costs, and what-if edits on the scenario.

The table shows the active scenario: a site closed in it stays listed (dimmed, "closes
DATE") so the planner sees what went; the totals row sums the sites still open. Every
number comes from `queries.model.costs` through the app's `PlanSession`; this screen only shows
them and turns keys into scenario edits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import DataTable

from queries.format import clip, count, date, money, number, share
from tui.screens.base import PlanScreen
from tui.state import EditRefused, EditScenario
from tui.widgets.bar_chart import BarChart
from tui.widgets.scenario_panel import ScenarioPanel
from tui.widgets.whole_columns import WholeColumnTable

# The first numbers of a cold start are drawn from a view (`site_costs_view`) before polars,
# pydantic and the model are imported (tui/quick_start.py): those, exporting and the dialogs'
# forms are imported where used.
if TYPE_CHECKING:
    import polars as pl

    from queries.model.scenario import Scenario
    from queries.plan.session import PlanSession
    from queries.report.table_export import ExportTable

TOTAL_KEY = "__total__"


@dataclass(frozen=True)
class SiteColumn:
    key: str
    label: str
    fmt: Callable[[Any], str]
    numeric: bool = True


COLUMNS = (
    SiteColumn("site", "Site", str, numeric=False),
    SiteColumn("status", "Status", str, numeric=False),
    SiteColumn("seats", "Seats", lambda v: number(v, 0)),
    SiteColumn("seat_demand", "Demand", lambda v: number(v, 1)),
    SiteColumn("utilization", "Util", lambda v: share(v, 0)),
    SiteColumn("lease_annual", "Lease", money),
    SiteColumn("opex_annual", "Opex", money),
    SiteColumn("annual_cost", "Annual cost", money),
    SiteColumn("cost_per_seat", "$/seat", money),
    SiteColumn("cost_per_seat_used", "$/seat used", money),
    SiteColumn("lease_end", "Lease end", date, numeric=False),
    SiteColumn("agents_onsite", "Onsite", count),
    SiteColumn("agents_hybrid", "Hybrid", count),
    # What the site's agents spend commuting a year: what closing it saves them.
    SiteColumn("commute_cost", "Commute/yr", money),
)
CHART_METRICS = (("annual_cost", "Annual cost per site"), ("cost_per_seat_used", "Cost per seat used"))


@dataclass(frozen=True)
class ViewState:
    """The screen's own choices: sort, filters, chart."""

    sort_key: str = "site"
    descending: bool = False
    state_filter: str | None = None
    status_filter: str | None = None
    chart_metric: int = 0


def site_rows(session: PlanSession, state: ViewState) -> pl.DataFrame:
    """The table's rows (queries/model/site_table.py), named, filtered and sorted for the screen."""
    import polars as pl

    from queries.model.site_table import site_rows as model_rows

    scenario, base = session.evaluate(), session.baseline_evaluation
    closures = {c.site_id: c.close_date for c in session.scenario.closures}
    rows = model_rows(scenario.site_costs, base.site_costs, closures, scenario.commute, base.commute)
    names = session.baseline.sites.select("site_id", "name")
    # A name from the data can be any length; the fixed first column must leave room.
    rows = rows.drop("name").join(names, on="site_id", how="left").with_columns(
        site=(pl.col("site_id") + " " + pl.col("name")).map_elements(clip, return_dtype=pl.Utf8)
    )
    if state.state_filter:
        rows = rows.filter(pl.col("state") == state.state_filter)
    if state.status_filter:
        rows = rows.filter(pl.col("status") == state.status_filter)
    return rows.sort(state.sort_key, descending=state.descending, nulls_last=True)


def total_row(rows: pl.DataFrame, filtered: bool) -> dict[str, Any]:
    """The totals row: the sites shown that the scenario keeps open (queries/model/site_table.py)."""
    from queries.model.site_table import site_total

    total = site_total(rows)
    # A closed site's row keeps its figures (struck out); the total says, in the status
    # column (wide enough already for "closes DATE"), that it leaves them out.
    closed = total["closed_sites"]
    return {
        **total,
        "site": f"Total ({total['open_sites']} shown)" if filtered else "Total",
        "status": f"{closed} closed left out" if closed else "", "lease_end": None, "closes": None,
    }


def site_costs_view(session: PlanSession, state: ViewState = ViewState()) -> dict[str, Any]:
    """Everything the screen draws, as plain values (JSON-able, so that a cold start can draw
    it from the start cache before polars is imported): column headings, the cells' text and
    style, the chart's bars and the scenario panel."""
    import polars as pl

    from tui.widgets.scenario_panel import panel_view

    rows = site_rows(session, state)
    columns = [[column.label + ((" ▼" if state.descending else " ▲") if column.key == state.sort_key else ""),
                "right" if column.numeric else "left"] for column in COLUMNS]
    baseline = {r["site_id"]: r for r in session.baseline_evaluation.site_costs.iter_rows(named=True)}
    table = [[row["site_id"], _cells(row, baseline.get(row["site_id"]))] for row in rows.iter_rows(named=True)]
    filtered = bool(state.state_filter or state.status_filter)
    table.append([TOTAL_KEY, _cells(total_row(rows, filtered), None, style="bold")])
    metric, title = CHART_METRICS[state.chart_metric]
    # The chart shows the scenario, as the totals do: a site it closes costs nothing.
    chart_rows = rows.with_columns(
        pl.when(pl.col("closes").is_null()).then(pl.col(metric)).otherwise(0.0 if metric == "annual_cost" else None)
        .alias(metric)
    ).sort(metric, descending=True, nulls_last=True)
    bars = [[r["site_id"], r[metric], r["closes"] is not None] for r in chart_rows.iter_rows(named=True)]
    return {
        "columns": columns, "rows": table, "sites": len(rows),
        "chart": [f"{title}, scenario" if session.scenario.closures else title, bars],
        "panel": panel_view(session.scenario.name, session.baseline_evaluation, session.evaluate()),
    }


def _cells(row: dict[str, Any], baseline: dict[str, Any] | None, style: str = "") -> list[list[str]]:
    """A row's cells as [text, style, justify]."""
    cells = []
    for column in COLUMNS:
        value = row.get(column.key)
        if column.key == "status" and row.get("closes") is not None:
            text = f"closes {row['closes']}"
        else:
            text = column.fmt(value)
        cell_style = style
        if row.get("closes") is not None:
            cell_style = "dim strike" if column.numeric else "dim"
        elif (baseline is not None and column.key in ("lease_annual", "opex_annual", "annual_cost")
              and value != baseline[column.key]):
            cell_style = "bold italic"  # changed by the scenario
        cells.append([text, cell_style, "right" if column.numeric else "left"])
    return cells


class SiteCostsScreen(PlanScreen):
    SCREEN_TITLE = "Site costs"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "close_site", "Close"),
        Binding("o", "reopen_site", "Reopen"),
        Binding("e", "edit_costs", "Costs"),
        Binding("r", "remote_costs", "Remote"),
        Binding("s", "sort", "Sort"),
        Binding("f", "filter", "Filter", show=False),
        Binding("g", "chart", "Chart", show=False),
        Binding("x", "explain", "Explain"),
        Binding("X", "explain_totals", "Explain totals", show=False),
    ]
    PALETTE: ClassVar = [
        ("site: close", "Close the site under the cursor in the scenario", "close_site"),
        ("site: reopen", "Undo the closure of the site under the cursor", "reopen_site"),
        ("site: edit costs", "Change lease, opex or break fee of the site under the cursor", "edit_costs"),
        ("parameters: remote costs", "Change stipend, equipment and IT costs of remote agents", "remote_costs"),
        ("view: sort", "Sort by the column under the cursor (again: reverse)", "sort"),
        ("view: filter", "Show only some states or statuses", "filter"),
        ("view: switch chart", "Chart annual cost or cost per seat used", "chart"),
        ("explain: figure", "The formula behind the figure under the cursor", "explain"),
        ("explain: totals", "How total cost, savings and payback are computed", "explain_totals"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.sort_key, self.sort_descending = "site", False
        self.state_filter: str | None = None
        self.status_filter: str | None = None
        self.chart_metric = 0

    def compose_body(self) -> Iterable[Widget]:
        table: DataTable[Any] = WholeColumnTable(id="sites", cursor_type="cell", fixed_columns=1, zebra_stripes=True,
                                                 classes="needs-data")
        yield table
        yield Horizontal(
            BarChart(id="chart", classes="needs-data"),
            ScenarioPanel(id="panel", classes="needs-data"),
            id="lower",
        )

    # -- drawing ----------------------------------------------------------------------------

    def view_state(self) -> ViewState:
        return ViewState(self.sort_key, self.sort_descending, self.state_filter, self.status_filter, self.chart_metric)

    def rows(self) -> pl.DataFrame:
        """The table's rows: scenario site costs, plus the sites the scenario closes."""
        session = self.wf.state.session
        assert session is not None
        return site_rows(session, self.view_state())

    def show(self) -> None:
        session = self.wf.state.session
        assert session is not None
        self.draw(site_costs_view(session, self.view_state()))

    def draw(self, view: dict[str, Any]) -> None:
        """Show a `site_costs_view`: worked out from the session, or read back from the
        start cache while the data loads (tui/quick_start.py), drawn alike."""
        self._fill_table(view)
        title, bars = view["chart"]
        self.query_one(BarChart).plot(title, [(label, value, closed) for label, value, closed in bars], money)
        self.query_one(ScenarioPanel).draw(view["panel"])
        self._split_height(view["sites"])

    def _revision_changed(self) -> None:
        # While a cold start loads, the numbers of the cache's view (the same the load will
        # show: keyed by exports, settings, scenario and code) instead of a loading indicator.
        preview = self.wf.preview if self.wf.state.session is None else None
        if preview is None:
            super()._revision_changed()
            return
        for widget in self.query(".needs-data"):
            widget.loading = False
        if self.is_current:
            self.draw(preview.view)
        else:
            self._stale = True

    def on_resize(self) -> None:
        if self.wf.state.session is not None:
            self._split_height(len(self.rows()))
        elif self.wf.preview is not None:
            self._split_height(self.wf.preview.view["sites"])

    def _split_height(self, sites: int) -> None:
        """The table takes what its rows need (header, sites, total, scrollbar); the chart and
        panel get the rest, and at least the lines the panel needs (10, 12 with the commute)."""
        available = self.size.height - 2  # info bar and footer
        table = min(sites + 3, available - self.query_one(ScenarioPanel).lines_needed)
        self.query_one("#sites").styles.height = table
        self.query_one("#lower").styles.height = available - table

    def _fill_table(self, view: dict[str, Any]) -> None:
        table: DataTable[Any] = self.query_one("#sites", DataTable)
        keep_row = self._cursor_site()
        keep_column = table.cursor_coordinate.column
        table.clear(columns=True)
        for column, (label, justify) in zip(COLUMNS, view["columns"], strict=True):
            table.add_column(Text(label, justify=justify), key=column.key)
        for key, cells in view["rows"]:
            table.add_row(*(Text(text, style=style, justify=justify, no_wrap=True) for text, style, justify in cells),
                          key=key)
        sites = [key for key, _ in view["rows"] if key != TOTAL_KEY]
        if keep_row is not None and keep_row in sites:
            table.move_cursor(row=sites.index(keep_row), column=keep_column, animate=False)
        else:
            table.move_cursor(column=keep_column, animate=False)

    def export_table(self) -> ExportTable | None:
        """The sites as listed (filter, sort, totals row last), names in full; a site the
        scenario closes keeps its figures, its status reads "closes DATE"."""
        import polars as pl

        from queries.report.table_export import ExportTable

        if self.wf.state.session is None:
            return None
        rows = self.rows()
        names = dict(self.wf.state.session.baseline.sites.select("site_id", "name").iter_rows())
        records = [
            {**r, "site": f"{r['site_id']} {names.get(r['site_id'], '')}".strip(),
             "status": f"closes {r['closes']}" if r["closes"] is not None else r["status"]}
            for r in rows.iter_rows(named=True)
        ]
        total = total_row(rows, bool(self.state_filter or self.status_filter))
        records.append({**total, "status": total["status"] or None})  # "1 closed left out", as shown
        schema = {c.key: rows.schema.get(c.key, pl.Utf8) for c in COLUMNS} | {"site": pl.Utf8, "status": pl.Utf8}
        frame = pl.DataFrame([{c.key: r.get(c.key) for c in COLUMNS} for r in records], schema=schema, orient="row")
        frame = frame.rename({c.key: c.label for c in COLUMNS})
        return ExportTable("site-costs", frame, {c.label: c.fmt for c in COLUMNS if c.key not in ("site", "status")})

    # -- the site under the cursor -----------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer Close on an open site and Reopen on one the scenario closes (footer shows one)."""
        if action in ("close_site", "reopen_site") and self.wf.state.session is not None and self.is_mounted:
            site_id = self._cursor_site()
            closed = site_id is not None and self.wf.state.session.scenario.closure(site_id) is not None
            return closed == (action == "reopen_site")
        return True

    def on_data_table_cell_highlighted(self) -> None:
        self.refresh_bindings()

    def _cursor_site(self) -> str | None:
        table: DataTable[Any] = self.query_one("#sites", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return None if key == TOTAL_KEY else key

    def _site_or_tell(self) -> str | None:
        if self.wf.state.session is None:
            self.notify("The data is still loading")
            return None
        site_id = self._cursor_site()
        if site_id is None:
            self.notify("Move the cursor to a site first")
        return site_id

    # -- actions ----------------------------------------------------------------------------

    def action_sort(self) -> None:
        table: DataTable[Any] = self.query_one("#sites", DataTable)
        key = COLUMNS[table.cursor_coordinate.column].key
        self.sort_descending = not self.sort_descending if key == self.sort_key else False
        self.sort_key = key
        if self.wf.state.session is not None:
            self.show()

    def action_filter(self) -> None:
        from tui.dialogs import FilterDialog

        session = self.wf.state.session
        if session is None:
            return
        states = sorted(set(session.baseline.sites["state"].to_list()))

        def apply(choice: tuple[str | None, str | None] | None) -> None:
            if choice is not None:
                self.state_filter, self.status_filter = choice
                self.show()

        self.app.push_screen(FilterDialog(
            "Filter sites", ("State", states, self.state_filter), ("Status", ["open", "closing"], self.status_filter),
        ), apply)

    def action_chart(self) -> None:
        self.chart_metric = (self.chart_metric + 1) % len(CHART_METRICS)
        if self.wf.state.session is not None:
            self.show()

    def action_close_site(self) -> None:
        import polars as pl

        from queries.model.scenario import Closure
        from tui.dialogs import FormDialog

        site_id = self._site_or_tell()
        if site_id is None:
            return
        session = self.wf.state.session
        if session.scenario.closure(site_id):
            self.notify(f"{site_id} is already closed in this scenario; o reopens it")
            return
        site = session.baseline.sites.filter(pl.col("site_id") == site_id).row(0, named=True)
        as_of = session.baseline.as_of
        # A close date must lie after as-of: the lease's end when it is still ahead, else the
        # last day of the month after the as-of month.
        next_month_end = (as_of.replace(day=1) + dt.timedelta(days=62)).replace(day=1) - dt.timedelta(days=1)
        default_date = site["lease_end"] if site["lease_end"] and site["lease_end"] > as_of else next_month_end
        params = session.evaluate().params

        def close(values: dict[str, Any] | None) -> None:
            if values is not None:
                self.post_message(EditScenario(lambda s: s.with_closure(Closure(site_id=site_id, **values))))

        self.app.push_screen(FormDialog(
            f"Close {site_id} {clip(site['name'], 40)}",
            [
                ("close_date", "Close date", Closure, "close_date", default_date.isoformat(), False),
                ("retain_share", "Retain share", Closure, "retain_share", f"{params.scenario.retain_share:g}", False),
                ("backfill_share", "Backfill share", Closure, "backfill_share", f"{params.scenario.backfill_share:g}", False),
            ],
            submit="Close site",
            note="Retained agents become remote; backfill hires replace a share of the leavers, remote.",
        ), close)

    def action_reopen_site(self) -> None:
        site_id = self._site_or_tell()
        if site_id is None:
            return

        def reopen(scenario: Scenario) -> Scenario:
            if not scenario.closure(site_id):
                raise EditRefused(f"{site_id} is not closed in this scenario")
            return scenario.without_closure(site_id)

        self.post_message(EditScenario(reopen))

    def action_edit_costs(self) -> None:
        import polars as pl

        from queries.model.scenario import SiteChange
        from tui.dialogs import FormDialog

        site_id = self._site_or_tell()
        if site_id is None:
            return
        session = self.wf.state.session
        base = session.baseline.sites.filter(pl.col("site_id") == site_id).row(0, named=True)
        change = session.scenario.site_change(site_id) or SiteChange(site_id=site_id)
        figures = ("lease_annual", "opex_annual", "lease_break_fee")
        labels = {"lease_annual": "Lease, USD/yr", "opex_annual": "Opex, USD/yr", "lease_break_fee": "Break fee, USD"}

        def initial(name: str) -> str:
            value = getattr(change, name)
            value = base[name] if value is None else value
            return "" if value is None else f"{value:.2f}".removesuffix(".00")

        def edit(values: dict[str, Any] | None) -> None:
            if values is None:
                return
            # A figure equal to the data is no change: the scenario file stays minimal.
            kept = {k: v for k, v in values.items() if v is not None and v != base[k]}
            self.post_message(EditScenario(lambda s: s.with_site_change(SiteChange(site_id=site_id, **kept))))

        self.app.push_screen(FormDialog(
            f"Costs of {site_id} {clip(base['name'], 40)}",
            [(name, labels[name], SiteChange, name, initial(name), True) for name in figures],
            note="No negative money. An empty field keeps the figure in the data; 0 for no break fee.",
        ), edit)

    def action_remote_costs(self) -> None:
        from queries.config import RemoteParams
        from tui.dialogs import FormDialog

        session = self.wf.state.session
        if session is None:
            return
        current = session.evaluate().params.remote
        configured = session.base_params.remote
        labels = {
            "stipend_monthly": "Stipend, USD/month", "equipment_cost": "Equipment, USD",
            "equipment_life_years": "Equipment life, yr", "it_security_annual": "IT/security, USD/yr",
            "wage_delta_hourly": "Wage delta, USD/h",
        }

        def edit(values: dict[str, Any] | None) -> None:
            if values is None:
                return
            changes = {k: (None if v == getattr(configured, k) else v) for k, v in values.items()}
            self.post_message(EditScenario(lambda s: s.with_parameters("remote", changes)))

        self.app.push_screen(FormDialog(
            "Remote costs (scenario)",
            [(name, label, RemoteParams, name, f"{getattr(current, name):g}", False) for name, label in labels.items()],
        ), edit)

    def action_explain(self) -> None:
        import polars as pl

        from queries.model.explain import SITE_FIGURES, explain_site_figure
        from tui.dialogs import TextDialog

        session = self.wf.state.session
        if session is None:
            return
        table: DataTable[Any] = self.query_one("#sites", DataTable)
        column = COLUMNS[table.cursor_coordinate.column].key
        site_id = self._cursor_site()
        if site_id is None:
            self.action_explain_totals()
            return
        row = self.rows().filter(pl.col("site_id") == site_id).row(0, named=True)
        figure = column if column in SITE_FIGURES else "annual_cost"
        label = next(c.label for c in COLUMNS if c.key == figure)
        lines = explain_site_figure(row, figure, session.evaluate().params)
        if row["closes"] is not None:  # its row shows the baseline's figures, struck out
            lines += ["", f"The scenario closes {site_id} on {row['closes']}: these are the baseline's figures;",
                      "its annual cost is left out of the scenario's total."]
        self.app.push_screen(TextDialog(f"{site_id}: {label}", lines))

    def action_explain_totals(self) -> None:
        from queries.model.explain import explain_outcome
        from tui.dialogs import TextDialog

        session = self.wf.state.session
        if session is None:
            return
        self.app.push_screen(TextDialog("Total annual cost, savings and payback",
                                        explain_outcome(session.baseline_evaluation, session.evaluate())))
