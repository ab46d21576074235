"""Scenarios side by side: the baseline, scenario A and scenario B, figure by figure.

A is the active scenario by default, unsaved edits included (marked ●); B is a saved file
from the scenarios folder (the first one that is not A's, until the planner picks one). `a`
and `b` choose either from the saved files or "active". Saved scenarios are worked out in a
thread worker (staffing can take a moment) while the table shows a loading state; a broken
file opens an error dialog and leaves its column empty. Every figure comes from
`queries.model.compare` over `Outcome.as_report` and `model.delta`, as `wfplan report` prints it.
Every size shows every row and column (A − baseline, B − baseline, B − A, what the totals are
made of): a small terminal scrolls the table, whose title says what does not fit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import polars as pl
from rich.text import Text
from textual import work
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widget import Widget
from textual.widgets import DataTable, Static
from textual.worker import Worker, WorkerState, get_current_worker

from queries.format import clip, count, money
from queries.model.compare import figures, signed, value
from queries.model.costs import cost_breakdown, delta
from queries.model.explain import explain_outcome
from queries.model.scenario import Scenario, ScenarioError, load_scenario, validate_against
from queries.plan.scenario_file import changed_data_warning
from queries.plan.session import Evaluation, PlanSession
from queries.report.table_export import ExportTable
from tui.dialogs import ChooseDialog, ErrorDialog, TextDialog
from tui.screens.base import PlanScreen
from tui.widgets.whole_columns import WholeColumnTable

ACTIVE = "active"  # the choice that means the app's active scenario
WIDE = 110  # from this width on, scenario names in the column headings get 28 characters, not 14
# Screen-only rows under the figures: the parts of the total annual cost (as `x` explains
# them) and what applying the scenario did (queries.model.costs.Changes).
COST_ROWS = (
    ("  sites (lease + opex)", lambda b, o: b.sites),
    ("  remote costs", lambda b, o: b.remote),
    ("  labor", lambda b, o: b.labor),
    ("  staffing labor", lambda b, o: o.staffing_labor),
)
CHANGE_ROWS = (
    ("Moved to remote", lambda c: count(c.moved_to_remote)),
    ("Leavers", lambda c: count(c.leavers)),
    ("Remote hires", lambda c: count(c.hires)),
    ("Lease break fees", lambda c: money(c.break_fees)),
    ("Equipment", lambda c: money(c.equipment)),
    ("Hiring costs", lambda c: money(c.hiring)),
)


@dataclass(frozen=True)
class Column:
    """One compared scenario as worked out: None where nothing is chosen or the file is broken."""

    letter: str
    name: str | None = None
    path: Path | None = None  # None: the active scenario
    evaluation: Evaluation | None = None
    dirty: bool = False  # the active scenario with unsaved edits
    other_data: str | None = None  # saved on other data: what changed


class ScenariosScreen(PlanScreen):
    SCREEN_TITLE = "Scenarios"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "choose('a')", "Choose A"),
        Binding("b", "choose('b')", "Choose B"),
        Binding("x", "explain", "Explain"),
    ]
    PALETTE: ClassVar = [
        ("compare: choose A", "Scenario A: the active one or a saved file", "choose('a')"),
        ("compare: choose B", "Scenario B: the active one or a saved file", "choose('b')"),
        ("explain: comparison", "How total cost, savings, one-time cost and payback of A and B are computed", "explain"),
    ]

    @dataclass
    class Compared(Message):
        """The worker's answer for one request (`generation`); older answers are dropped."""

        generation: int
        columns: list[Column]
        errors: list[tuple[str, str]]  # (letter, message) of files that could not be used
        files: list[Path]  # the saved scenarios
        b: Path | str | None  # the B that was compared (the default, until one is chosen)
        skipped: list[Path]  # saved files passed over for the default B: they cannot be used

    def __init__(self) -> None:
        super().__init__()
        self.choices: dict[str, Path | str | None] = {"a": ACTIVE, "b": None}
        self._b_chosen = False  # until then, B is the first saved file that is not A's
        self._generation = 0
        self._columns: list[Column] = []
        self._files: list[Path] = []
        self._skipped: list[Path] = []
        # Saved scenarios worked out on this session, by file and its size, mtime and inode.
        self._cache: dict[tuple[Path, int, int, int], tuple[Scenario, Evaluation]] = {}
        self._cache_session: PlanSession | None = None

    def compose_body(self) -> Iterable[Widget]:
        legend = Static(id="cmp-legend", classes="needs-data")
        legend.border_title = "Compared"
        table: DataTable[Any] = WholeColumnTable(id="cmp-table", cursor_type="row", fixed_columns=1, zebra_stripes=True,
                                                 classes="needs-data")
        table.border_title = "Baseline, A and B"
        yield legend
        yield table
        yield Static(id="cmp-notes", classes="needs-data")

    # -- working it out -------------------------------------------------------------------

    def show(self) -> None:
        # PlanScreen calls this only while the screen is shown (or when it is shown again).
        session = self.wf.state.session
        assert session is not None
        if session is not self._cache_session:
            self._cache, self._cache_session = {}, session
        self._generation += 1
        self.query_one("#cmp-table").loading = True
        self._compare(session, self._generation, dict(self.choices), self._b_chosen, self.wf.scenarios_folder())

    @work(thread=True, exclusive=True, exit_on_error=False, group="compare")
    def _compare(self, session: PlanSession, generation: int, choices: dict[str, Any], b_chosen: bool,
                 folder: Path) -> None:
        """Work out A and B (files read here, off the UI thread) and post them back."""
        files, skipped = saved_files(folder), []
        if not b_chosen:  # the first saved scenario that can be used, A's own file last
            a = session.scenario_path if choices["a"] == ACTIVE else choices["a"]
            choices["b"] = None
            # Other files first; then A's own file (its saved version against the edits).
            # Never the autosave by default: it is a rescue copy, not a plan (b can still pick it).
            for path in sorted((p for p in files if p.name != AUTOSAVE), key=lambda p: p == a):
                try:
                    self._evaluate_file(session, path)
                except ScenarioError:
                    skipped.append(path)  # not the planner's choice: no dialog, a note
                    continue
                choices["b"] = path
                break
        columns, errors = [], []
        for letter, choice in choices.items():
            if choice is None:
                columns.append(Column(letter.upper()))
            elif choice == ACTIVE:
                columns.append(Column(letter.upper(), session.scenario.name, None, session.evaluate(), session.dirty))
            else:
                try:
                    scenario, evaluation = self._evaluate_file(session, choice)
                except ScenarioError as err:
                    errors.append((letter, str(err)))
                    columns.append(Column(letter.upper()))
                    continue
                stamp = self.wf.state.data_stamp
                other = None if stamp is None else changed_data_warning(choice.name, scenario.meta, stamp)
                columns.append(Column(letter.upper(), scenario.name, choice, evaluation, other_data=other))
        if not get_current_worker().is_cancelled:
            self.post_message(self.Compared(generation, columns, errors, files, choices["b"], skipped))

    def _evaluate_file(self, session: PlanSession, path: Path) -> tuple[Scenario, Evaluation]:
        try:
            stat = path.stat()
        except OSError as err:
            raise ScenarioError(f"{path}: cannot read: {err.strerror or err}") from None
        # The inode too: wfplan's atomic saves make a new file even within one mtime tick.
        key = (path, stat.st_size, stat.st_mtime_ns, stat.st_ino)
        if key not in self._cache:
            scenario = load_scenario(path)
            validate_against(scenario, session.site_ids, str(path), session.baseline.as_of)
            self._cache[key] = (scenario, session.evaluate_scenario(scenario))
        return self._cache[key]

    def on_scenarios_screen_compared(self, message: Compared) -> None:
        if message.generation != self._generation or self.wf.state.session is None:
            return  # an older request, or the data is reloading (the table shows it loading)
        self._columns, self._files, self._skipped = message.columns, message.files, message.skipped
        if not self._b_chosen:
            self.choices["b"] = message.b
        self.query_one("#cmp-table").loading = False
        for letter, error in message.errors:
            # Forget the broken file, or every redraw would report it again.
            self.choices[letter] = None
            self._b_chosen = self._b_chosen or letter == "b"
            self.app.push_screen(ErrorDialog(
                "The scenario could not be opened",
                f"{error}\n\nColumn {letter.upper()} stays empty; {letter} chooses another scenario."))
        self._draw()

    # A comparison that failed is a bug (broken files are reported above); PlanScreen's handler,
    # which Textual runs after this one, says so.
    WORKER_FAILURES = PlanScreen.WORKER_FAILURES | {"compare": "The comparison could not be worked out"}

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "compare" and event.state == WorkerState.ERROR:
            self.query_one("#cmp-table").loading = False

    # -- drawing ----------------------------------------------------------------------------

    def on_resize(self) -> None:
        if self._columns and self.wf.state.session is not None:
            self._draw()

    def _draw(self) -> None:
        session = self.wf.state.session
        if session is None:
            return
        self._draw_legend()
        self._draw_table(session)
        self._draw_notes()

    def _draw_legend(self) -> None:
        text = Text()
        for column in self._columns:
            if text:
                text.append("\n")
            text.append(f"{column.letter}  ", style="bold")
            if column.evaluation is None:
                text.append(f"none: {column.letter.lower()} chooses a saved scenario or the active one", style="dim")
                continue
            text.append(column.name or "", style="bold")
            if column.path is None:
                text.append(" ●  active, unsaved edits" if column.dirty else "  active scenario", style="italic")
            else:
                text.append(f"  {column.path.name}", style="dim")
                if column.other_data:
                    text.append("  saved on other data", style="bold italic")
        self.query_one("#cmp-legend", Static).update(text)

    def _draw_table(self, session: PlanSession) -> None:
        table: DataTable[Any] = self.query_one("#cmp-table", DataTable)
        keep = table.cursor_row
        base = session.baseline_evaluation.outcome
        shown = [c for c in self._columns if c.evaluation is not None]
        reports = [c.evaluation.outcome.as_report() for c in shown]
        deltas = {c.letter: delta(c.evaluation.outcome, base) for c in shown}
        wide = self.size.width >= WIDE
        # Every size gets every column and row: a small terminal scrolls the table (arrows,
        # PageDown; "›" marks columns to the right), it never leaves a figure out.
        pair = len(shown) == 2
        if pair:  # B − A: what choosing B over A changes
            deltas["BA"] = delta(shown[1].evaluation.outcome, shown[0].evaluation.outcome)
        table.clear(columns=True)
        table.add_column(Text("Figure"), key="figure")
        table.add_column(Text("Baseline", justify="right"), key="baseline")
        for column in self._columns:
            table.add_column(Text(self._header(column, 28 if wide else 14), justify="right"), key=column.letter)
        for column in shown:
            table.add_column(Text(f"{column.letter} − baseline", justify="right"), key=f"d{column.letter}")
        if pair:
            table.add_column(Text("B − A", justify="right"), key="dBA")
        report_of = dict(zip((c.letter for c in shown), reports, strict=True))
        base_report = base.as_report()
        delta_keys = [c.letter for c in shown] + (["BA"] if pair else [])
        for figure in figures([base_report, *reports]):
            cells = [Text(figure.label), _right(figure.fmt(value(base_report, figure.key)))]
            for column in self._columns:
                report = report_of.get(column.letter)
                cells.append(_right("—" if report is None else figure.fmt(value(report, figure.key))))
            cells += [_right(figure.fmt_delta(value(deltas[k], figure.key))) for k in delta_keys]
            table.add_row(*cells, key=figure.key)
        saved = _commute_saved(base_report, reports)
        if saved is not None:  # the agents' side of "Annual savings", beside the commute figures
            cells = [Text(COMMUTE_SAVED), _right(money(0.0))]
            cells += [_right("—" if report_of.get(c.letter) is None else money(saved.pop(0))) for c in self._columns]
            table.add_row(*cells, *([Text("")] * len(delta_keys)), key="commute_saved")
        if shown:
            self._add_detail_rows(table, session, pair)
        table.move_cursor(row=min(keep, table.row_count - 1), animate=False)
        self.call_after_refresh(self._say_what_scrolls, table)

    @staticmethod
    def _say_what_scrolls(table: DataTable[Any]) -> None:
        """The table's title says what does not fit and the keys that reach it."""
        hidden = []
        if table.virtual_size.height > table.scrollable_content_region.height:
            hidden.append(f"{table.row_count} rows ↑↓ PgDn")
        if table.virtual_size.width > table.scrollable_content_region.width:
            hidden.append("more columns ←→")
        table.border_title = "Baseline, A and B" + (f" · {', '.join(hidden)}" if hidden else "")

    def _add_detail_rows(self, table: DataTable[Any], session: PlanSession, pair: bool) -> None:
        """What the totals are made of, and what each scenario does (moves, hires, fees)."""
        evaluations = [session.baseline_evaluation, *(c.evaluation for c in self._columns)]
        parts = [None if e is None else (cost_breakdown(e.workforce, e.params), e.outcome) for e in evaluations]
        staffed = any(p is not None and p[1].scheduled_fte is not None for p in parts)
        shown = [i + 1 for i, c in enumerate(self._columns) if c.evaluation is not None]
        for label, part in COST_ROWS:
            if label == "  staffing labor" and not staffed:
                continue
            values = [None if p is None else part(*p) for p in parts]
            cells = [Text(label, style="dim"), *(_right("—" if v is None else money(v), "dim") for v in values)]
            cells += [_right(signed(money)(values[i] - values[0]), "dim") for i in shown]
            if pair:
                cells.append(_right(signed(money)(values[shown[1]] - values[shown[0]]), "dim"))
            table.add_row(*cells, key=label)
        for label, fmt in CHANGE_ROWS:
            cells = [Text(label, style="dim"), _right("—", "dim")]
            for column in self._columns:
                changes = column.evaluation.changes if column.evaluation else None
                cells.append(_right("—" if changes is None else fmt(changes), "dim"))
            cells += [Text("")] * (len(shown) + pair)
            table.add_row(*cells, key=label)

    @staticmethod
    def _header(column: Column, width: int = 14) -> str:
        """"A: NAME ●": the name cut to `width` (in full in the legend above)."""
        if column.evaluation is None:
            return column.letter
        mark = " ●" if column.dirty else ""
        return f"{column.letter}: {clip(column.name or '', width)}{mark}"

    def _draw_notes(self) -> None:
        text = Text()
        for column in self._columns:
            if column.evaluation is None:
                continue
            for note in column.evaluation.changes.notes:
                text.append(f"{column.letter}: {note}\n", style="italic")
            if column.other_data:
                text.append(f"{column.letter}: {column.other_data}\n", style="italic")
        if self._skipped:
            names = ", ".join(p.name for p in self._skipped)
            text.append(f"Cannot be used, so not compared: {names} (choosing it with a or b says why).\n",
                        style="italic")
        if not self._files:
            text.append("No saved scenarios yet: ctrl+s saves the active one, w saves it under a new name.\n",
                        style="dim")
        text.append("a / b choose A and B: a saved scenario or the active one. x explains the totals.", style="dim")
        self.query_one("#cmp-notes", Static).update(text)

    def export_table(self) -> ExportTable | None:
        """The figures as compared: baseline, A, B and each one's difference from the
        baseline, numbers as numbers ("n/a" empty); Markdown shows them as on screen."""
        session = self.wf.state.session
        if session is None or not self._columns:
            return None
        base = session.baseline_evaluation.outcome
        shown = [c for c in self._columns if c.evaluation is not None]
        # Every column the screen shows, an empty one (no B chosen) too, as on screen.
        outcomes = [base.as_report(), *(c.evaluation.outcome.as_report() if c.evaluation else {} for c in self._columns)]
        deltas = [delta(c.evaluation.outcome, base) for c in shown]
        headings = ["Figure", "Baseline", *(self._header(c, 100) for c in self._columns),
                    *(f"{c.letter} − baseline" for c in shown)]
        if len(shown) == 2:  # B − A, as on screen
            deltas.append(delta(shown[1].evaluation.outcome, shown[0].evaluation.outcome))
            headings.append("B − A")
        records, text = [], []
        for figure in figures(outcomes):
            values = [value(o, figure.key) for o in outcomes]
            changes = [value(d, figure.key) for d in deltas]
            records.append([figure.label, *values, *changes])
            text.append([figure.label, *(figure.fmt(v) if o else "—" for v, o in zip(values, outcomes, strict=True)),
                         *(figure.fmt_delta(v) for v in changes)])
        chosen = [o for o in outcomes[1:] if o]
        saved = _commute_saved(outcomes[0], chosen)
        if saved is not None:
            per_column = [saved.pop(0) if o else None for o in outcomes[1:]]
            records.append([COMMUTE_SAVED, 0.0, *per_column, *([None] * len(deltas))])
            text.append([COMMUTE_SAVED, money(0.0), *("—" if v is None else money(v) for v in per_column),
                         *([""] * len(deltas))])
        schema = {h: pl.Utf8 if h == "Figure" else pl.Float64 for h in headings}
        return ExportTable("scenarios", pl.DataFrame(records, schema=schema, orient="row"),
                           text=pl.DataFrame(text, schema=dict.fromkeys(headings, pl.Utf8), orient="row"))

    # -- actions ----------------------------------------------------------------------------

    def action_choose(self, letter: str) -> None:
        session = self.wf.state.session
        if session is None:
            self.notify("The data is still loading")
            return
        mark = " ●" if session.dirty else ""
        options: list[tuple[str, Any]] = [(f"active: {session.scenario.name}{mark}", ACTIVE)]
        options += [(p.name, p) for p in saved_files(self.wf.scenarios_folder())]

        def chosen(choice: Any) -> None:
            if choice is None:
                return
            self.choices[letter] = choice
            self._b_chosen = self._b_chosen or letter == "b"
            if self.wf.state.session is not None:
                self.show()

        self.app.push_screen(ChooseDialog(f"Scenario {letter.upper()}: the active one or a saved file", options,
                                          hint="enter to compare, esc to cancel"), chosen)

    def action_explain(self) -> None:
        session = self.wf.state.session
        shown = [c for c in self._columns if c.evaluation is not None]
        if session is None or not shown:
            self.notify("Nothing to explain yet: choose A or B first")
            return
        lines: list[str] = []
        for column in shown:
            where = "the active scenario" if column.path is None else column.path.name
            lines += [f"── {column.letter}: {column.name} ({where})", ""]
            lines += explain_outcome(session.baseline_evaluation, column.evaluation)
            if column.other_data:
                lines += ["", column.other_data]
            lines.append("")
        self.app.push_screen(TextDialog("Scenarios: total cost, savings and payback", lines))


AUTOSAVE = "autosave.toml"
COMMUTE_SAVED = "Commute saved/yr"


def _commute_saved(baseline: dict[str, Any], outcomes: list[dict[str, Any]]) -> list[float] | None:
    """What each scenario saves its agents in commuting cost a year (baseline minus scenario);
    None when the commute is not known (no regions)."""
    if baseline.get("commute_cost") is None or any(o.get("commute_cost") is None for o in outcomes):
        return None
    return [baseline["commute_cost"] - o["commute_cost"] for o in outcomes]


def saved_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.toml")) if folder.is_dir() else []


def _right(text: str, style: str = "") -> Text:
    return Text(text, style=style, justify="right", no_wrap=True)
