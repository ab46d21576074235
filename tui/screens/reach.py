"""Hiring reach: how much larger the hiring pool is when hiring remote, and what it costs.

Onsite reach is the regions within the commute radius of a site still open in the
scenario; remote reach is the regions the hiring policy allows. The summary compares their
pools, the map shows where they are, the table lists every region. `p` edits the policy in
the scenario; a site closed on the Site costs screen shrinks the onsite reach here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

import polars as pl
from rich.table import Table
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widget import Widget
from textual.widgets import DataTable, Static

from queries.config import HiringParams
from queries.format import clip, count, money, number, plain, share
from queries.model.reach import hiring_sites, pools, reach_multiplier, unknown_states
from queries.report.table_export import ExportTable
from tui.dialogs import FilterDialog, FormDialog, TextDialog
from tui.screens.base import PlanScreen
from tui.state import EditScenario
from tui.validators import KnownCodes
from tui.widgets.region_map import MapPoint, RegionMap
from tui.widgets.whole_columns import WholeColumnTable

REACH = {(True, True): "both", (True, False): "onsite only", (False, True): "remote only", (False, False): "neither"}
MAP_KIND = {"both": "both", "onsite only": "onsite", "remote only": "remote", "neither": "none"}
COLUMNS = (
    ("name", "Region", False), ("state", "St", False), ("csr_employment", "CSRs", True),
    ("available_pool", "Available", True), ("csr_median_hourly_wage", "Wage", True),
    ("unemployment_rate", "Unemp", True), ("broadband_share", "Broadband", True),
    ("nearest_site_km", "Site km", True), ("reach", "Reach", False),
)
POLICY = (
    ("commute_radius_km", "Commute radius, km"),
    ("allowed_states", "States (blank: all)"),
    ("min_broadband_share", "Min broadband (%)"),
    ("utc_offsets", "UTC offsets (blank: all)"),
    ("max_median_wage", "Wage cap (blank: none)"),
)


class ReachScreen(PlanScreen):
    SCREEN_TITLE = "Hiring reach"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "policy", "Policy"),
        Binding("s", "sort", "Sort"),
        Binding("f", "filter", "Filter"),
        Binding("x", "explain", "Explain"),
    ]
    PALETTE: ClassVar = [
        ("hiring: policy", "Commute radius, states, broadband, time zones and wage cap", "policy"),
        ("view: sort", "Sort regions by the column under the cursor (again: reverse)", "sort"),
        ("view: filter", "Show regions of one state or one kind of reach", "filter"),
        ("explain: reach", "How reach, pools, median wage and the multiplier are computed", "explain"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.sort_key, self.sort_descending = "csr_employment", True
        self.state_filter: str | None = None
        self.reach_filter: str | None = None

    def compose_body(self) -> Iterable[Widget]:
        yield Static(id="reach-summary", classes="needs-data")
        yield RegionMap(id="region-map", classes="needs-data")
        yield WholeColumnTable(id="regions", cursor_type="cell", fixed_columns=1, zebra_stripes=True,
                               classes="needs-data")

    def regions(self) -> pl.DataFrame:
        """The scenario's regions with a `reach` label, filtered and sorted as chosen."""
        reach = self.wf.state.session.evaluate().reach
        label = (
            pl.when(pl.col("in_onsite_reach") & pl.col("in_remote_reach")).then(pl.lit("both"))
            .when(pl.col("in_onsite_reach")).then(pl.lit("onsite only"))
            .when(pl.col("in_remote_reach")).then(pl.lit("remote only"))
            .otherwise(pl.lit("neither"))
        )
        rows = reach.with_columns(reach=label)
        if self.state_filter:
            rows = rows.filter(pl.col("state") == self.state_filter)
        if self.reach_filter:
            rows = rows.filter(pl.col("reach") == self.reach_filter)
        return rows.sort(self.sort_key, descending=self.sort_descending, nulls_last=True)

    def show(self) -> None:
        evaluation = self.wf.state.session.evaluate()
        onsite, remote = pools(evaluation.reach)
        summary = self.query_one("#reach-summary", Static)
        summary.update(self._summary(onsite, remote, evaluation.params.hiring))
        summary.border_title = "Onsite vs remote hiring pool (scenario)"
        regions = self.wf.state.session.regions
        unknown = [] if regions is None else unknown_states(evaluation.params.hiring.allowed_states, regions)[0]
        if unknown:  # from a config or scenario file (the policy form refuses them): matches nothing
            summary.border_title += f" · ⚠ no region has state {', '.join(unknown)}"
        rows = self.regions()
        points = [MapPoint(lat, lon, MAP_KIND[kind]) for lat, lon, kind in rows.select("lat", "lon", "reach").iter_rows()]
        points += [MapPoint(lat, lon, "site") for lat, lon in evaluation.workforce.sites.select("lat", "lon").iter_rows()]
        self.query_one(RegionMap).plot(points)
        self._fill_table(rows)

    @staticmethod
    def _summary(onsite: Any, remote: Any, hiring: HiringParams) -> Table:
        table = Table.grid(padding=(0, 2), expand=False)
        table.add_column(no_wrap=True)
        table.add_column(justify="right", no_wrap=True)
        table.add_column(justify="right", no_wrap=True)
        table.add_column(no_wrap=True)
        multiplier = reach_multiplier(onsite, remote)
        headline = Text("n/a" if multiplier is None else f"{multiplier:,.1f}x", style="bold")
        table.add_row(Text(""), Text("onsite", style="dim"), Text("remote", style="dim"), Text("Reach multiplier", style="dim"))
        table.add_row("Regions", count(onsite.regions), count(remote.regions), headline)
        table.add_row("Experienced CSRs", count(onsite.experienced_pool), count(remote.experienced_pool),
                      Text(f"radius {plain(hiring.commute_radius_km)} km", style="dim"))
        table.add_row("Available pool", number(onsite.available_pool, 0), number(remote.available_pool, 0),
                      Text(policy_text(hiring), style="dim"))
        table.add_row("Median wage", wage(onsite.median_wage), wage(remote.median_wage), "")
        return table

    def _fill_table(self, rows: pl.DataFrame) -> None:
        table: DataTable[Any] = self.query_one("#regions", DataTable)
        column = table.cursor_coordinate.column
        table.clear(columns=True)
        for key, label, numeric in COLUMNS:
            arrow = (" ▼" if self.sort_descending else " ▲") if key == self.sort_key else ""
            table.add_column(Text(label + arrow, justify="right" if numeric else "left"), key=key)
        for r in rows.iter_rows(named=True):
            numbers = (
                count(r["csr_employment"]), number(r["available_pool"], 0), wage(r["csr_median_hourly_wage"]),
                share(r["unemployment_rate"]), share(r["broadband_share"], 0), number(r["nearest_site_km"], 0),
            )
            # Region names come from the data: Text, never markup.
            table.add_row(Text(clip(r["name"])), Text(clip(r["state"], 8)), *[Text(v, justify="right") for v in numbers],
                          Text(r["reach"]), key=r["region_id"])
        table.border_title = f"{rows.height:,} regions" + (" (filtered)" if self.state_filter or self.reach_filter else "")
        table.move_cursor(column=column, animate=False)

    def export_table(self) -> ExportTable | None:
        """The regions as listed (filter and sort), names in full, shares as fractions."""
        if self.wf.state.session is None:
            return None
        frame = self.regions().select(pl.col(key).alias(label) for key, label, _ in COLUMNS)
        shown = {"CSRs": count, "Available": lambda v: number(v, 0), "Wage": wage, "Unemp": share,
                 "Broadband": lambda v: share(v, 0), "Site km": lambda v: number(v, 0)}
        return ExportTable("hiring-reach", frame, shown)

    # -- actions ----------------------------------------------------------------------------

    def action_sort(self) -> None:
        table: DataTable[Any] = self.query_one("#regions", DataTable)
        key = COLUMNS[table.cursor_coordinate.column][0]
        # Numbers sort largest first, names A to Z; the same key again reverses.
        self.sort_descending = not self.sort_descending if key == self.sort_key else COLUMNS[table.cursor_coordinate.column][2]
        self.sort_key = key
        if self.wf.state.session is not None:
            self.show()

    def action_filter(self) -> None:
        if self.wf.state.session is None:
            return
        states = sorted(set(self.wf.state.data.regions["state"].to_list()))

        def apply(choice: tuple[str | None, str | None] | None) -> None:
            if choice is not None:
                self.state_filter, self.reach_filter = choice
                self.show()

        self.app.push_screen(FilterDialog(
            "Filter regions", ("State", states, self.state_filter), ("Reach", list(MAP_KIND), self.reach_filter),
        ), apply)

    def action_policy(self) -> None:
        session = self.wf.state.session
        if session is None:
            return
        current, configured = session.evaluate().params.hiring, session.base_params.hiring

        def shown(name: str) -> str:
            value = getattr(current, name)
            if isinstance(value, list):
                return ", ".join(plain(v) if isinstance(v, float) else str(v) for v in value)
            return "" if value is None else plain(value)

        def apply(values: dict[str, Any] | None) -> None:
            if values is not None:
                values["allowed_states"] = [s.upper() for s in values["allowed_states"]]  # "az" is AZ
                changes = {k: (None if v == getattr(configured, k) else v) for k, v in values.items()}
                self.post_message(EditScenario(lambda s: s.with_parameters("hiring", changes)))

        optional = {"allowed_states", "utc_offsets", "max_median_wage"}
        self.app.push_screen(FormDialog(
            "Hiring policy (scenario)",
            [(name, label, HiringParams, name, shown(name), name in optional) for name, label in POLICY],
            note="Lists are comma separated, e.g. WA, ID or -8, -7.",
            checks={} if session.regions is None else {
                "allowed_states": KnownCodes("state code", unknown_states([], session.regions)[1])},
        ), apply)

    def action_explain(self) -> None:
        if self.wf.state.session is None:
            return
        evaluation = self.wf.state.session.evaluate()
        onsite, remote = pools(evaluation.reach)
        hiring = evaluation.params.hiring
        multiplier = reach_multiplier(onsite, remote)
        self.app.push_screen(TextDialog("Hiring reach", [
            "Distance = great-circle (haversine) between centroids, earth radius 6,371.0088 km.",
            f"Onsite reach: regions within {plain(hiring.commute_radius_km)} km of at least one open site",
            f"({hiring_sites(evaluation.workforce.sites).height} in the scenario; a closing site hires no one);",
            "each region counts once.",
            f"Remote reach: regions passing the policy: {policy_text(hiring)}.",
            "Experienced pool = sum of csr_employment; available = sum of labor force x unemployment.",
            "Median wage = the CSR median wage at which the experienced pool, summed in wage order,",
            "first reaches half.",
            "",
            "Reach multiplier = remote experienced pool / onsite experienced pool",
            f"= {count(remote.experienced_pool)} / {count(onsite.experienced_pool)} = "
            + ("n/a" if multiplier is None else f"{multiplier:,.2f}"),
        ]))


def wage(value: float | None) -> str:
    return "n/a" if value is None else f"${value:,.2f}"


def policy_text(hiring: HiringParams) -> str:
    parts = [
        "all states" if not hiring.allowed_states else "states " + ", ".join(hiring.allowed_states),
        f"broadband >= {share(hiring.min_broadband_share, 0)}" if hiring.min_broadband_share else "",
        "UTC " + ", ".join(plain(o) for o in hiring.utc_offsets) if hiring.utc_offsets else "",
        f"wage <= {money(hiring.max_median_wage)}" if hiring.max_median_wage is not None else "",
    ]
    return "; ".join(p for p in parts if p)
