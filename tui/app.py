"""The wfplan Textual app: six planning screens over one data folder and one scenario.

The app owns the state (the engine, and what it loaded as one frozen `Loaded`: period, data,
`PlanSession`) and bumps `revision` whenever it changes; screens watch `revision` and redraw,
and ask for changes with messages (tui/state.py) that the handlers below carry out. Loading the folder (the contract check, then
the as-of workforce) runs in a thread worker on its own DuckDB cursor; a new load cancels
the one in flight and interrupts its query. Failures open a dialog, never a traceback.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from dataclasses import replace
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.worker import Worker, WorkerState, get_current_worker

from queries.cancel import Cancelled, cancel_when
from queries.engines.protocol import Engine, Job, QueryCancelled, QueryError, connect
from queries.errors import ConfigError, ScenarioError
from queries.format import visible, visible_lines
from tui.commands import ScreenCommands
from tui.dialogs import ConfirmDialog, ErrorDialog, HelpScreen
from tui.messages import ContractBroken, DataLoaded, KpisLoaded, LoadProgress
from tui.screens.site_costs import SiteCostsScreen
from tui.state import ChoosePeriod, EditRefused, EditScenario, Loaded, ReloadData, WantKpis

if TYPE_CHECKING:
    from textual.screen import Screen

    from queries.config import Settings
    from queries.model.kpi import KpiInputs
    from queries.model.period import Period
    from queries.model.scenario import Scenario
    from queries.plan.loading import PlanData
    from queries.plan.scenario_file import DataStamp
    from queries.plan.session import PlanSession
    from tui.quick_start import FirstScreen, QuickStart


WATCH_SECONDS = 5.0
"""How often the app looks (stat only) whether the exports changed under it."""


def _lazy_screen(module: str, name: str) -> Callable[[], Screen[Any]]:
    """A mode's screen, its module imported the first time the mode is shown: a cold start
    imports only the screen of the first numbers, Site costs."""

    def make() -> Screen[Any]:
        return getattr(import_module(module), name)()

    return make


class WfplanApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "wfplan"
    MODES: ClassVar = {
        "sites": SiteCostsScreen,
        "headcount": _lazy_screen("tui.screens.headcount", "HeadcountScreen"),
        "reach": _lazy_screen("tui.screens.reach", "ReachScreen"),
        "kpis": _lazy_screen("tui.screens.kpis", "KpiScreen"),
        "staffing": _lazy_screen("tui.screens.staffing", "StaffingScreen"),
        "scenarios": _lazy_screen("tui.screens.scenarios", "ScenariosScreen"),
        "plan": _lazy_screen("tui.screens.plan", "PlanOverTimeScreen"),
    }
    DEFAULT_MODE = "sites"
    COMMANDS = App.COMMANDS | {ScreenCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "switch_mode('sites')", "Sites", show=False),
        Binding("2", "switch_mode('headcount')", "Headcount", show=False),
        Binding("3", "switch_mode('reach')", "Reach", show=False),
        Binding("4", "switch_mode('kpis')", "KPIs", show=False),
        Binding("5", "switch_mode('staffing')", "Staffing", show=False),
        Binding("6", "switch_mode('scenarios')", "Scenarios", show=False),
        Binding("7", "switch_mode('plan')", "Plan", show=False),
        Binding("u", "undo", "Undo"),
        Binding("ctrl+s", "save", "Save", show=False),
        # Save as: a plain letter, since terminals over SSH cannot send ctrl+shift+s.
        Binding("w", "save_as", "Save as", show=False),
        Binding("ctrl+o", "open_scenario", "Open scenario", show=False),
        Binding("ctrl+n", "new_scenario", "New scenario", show=False),
        Binding("ctrl+r", "redo", "Redo", show=False),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("q", "quit_app", "Quit"),
        # Textual's own ctrl+q would quit without asking about unsaved edits.
        Binding("ctrl+q", "quit_app", "Quit", show=False),
        Binding("f5", "reload", "Reload data", show=False),
    ]

    revision: reactive[int] = reactive(0)
    """Bumped whenever the data or the scenario changes; screens watch it."""
    kpi_revision: reactive[int] = reactive(0)
    """Bumped when the KPI inputs for the period arrive (or start loading)."""
    status: reactive[str] = reactive("starting…")
    """What the loader is doing, shown while nothing else is."""

    def __init__(self, settings: Settings | None, folder: Path, scenario_path: Path | None = None,
                 quick: QuickStart | None = None) -> None:
        """`settings` None: a start from the start cache (tui/quick_start.py, `quick`), whose
        settings the first load reads (`quick.load_settings`)."""
        super().__init__()
        self._settings = settings
        self._settings_lock = threading.Lock()
        self.quick = quick
        self.preview: FirstScreen | None = quick.first if quick is not None else None
        """The first screen from the start cache, shown until the first load is done."""
        self.folder = folder
        self.scenario_path = scenario_path
        self.engine: Engine | None = None
        self.state = Loaded()
        """What is loaded (period, data, session, KPI sums), replaced whole; screens read it."""
        # The jobs the load and KPI workers run on, so that a newer request interrupts them.
        self._loading_job: Job | None = None
        self._kpi_job: Job | None = None
        self.crash_message: str | None = None
        # What the next load should use: a period the planner chose, the scenario to keep.
        self._requested_period: tuple[Any, Any, Any] = (None, None, None)
        self._kept_session: PlanSession | None = None
        # The exports as they were when the numbers shown were read (queries/contract/watch.py).
        self._folder_state: tuple[Any, ...] | None = None
        self._told_changed = False

    def on_mount(self) -> None:
        # Over SSH, animation is lag and noise: off unless TEXTUAL_ANIMATIONS asks for it.
        import os

        if "TEXTUAL_ANIMATIONS" not in os.environ:
            self.animation_level = "none"
        self.set_interval(WATCH_SECONDS, self._watch_folder)
        if self._settings is not None:  # else once the first load has read them
            self._tell_deprecations()
        if self.preview is not None:
            # The cached numbers first: the load's imports would compete for the GIL with the
            # first frame.
            self.call_after_refresh(self.load_data)
        else:
            self.load_data()

    @property
    def settings(self) -> Settings:
        """The settings; on a start from the start cache, read the first time they are asked
        for (by the first load, in its worker)."""
        if self._settings is None:
            with self._settings_lock:
                if self._settings is None:
                    assert self.quick is not None
                    self._settings = self.quick.load_settings()
        return self._settings

    @settings.setter
    def settings(self, value: Settings) -> None:
        self._settings = value

    def _tell_deprecations(self) -> None:
        for note in self.settings.deprecations:
            self.notify(note, severity="warning", timeout=10)

    def _first_load_over(self) -> None:
        """The start-up load ended (numbers, a broken contract, an error or cancelled): the
        cached first screen has served."""
        if self.preview is None:
            return
        self.preview = None
        if self._settings is not None:
            self._tell_deprecations()
        if self.session is None:  # no numbers of its own: the screens say loading, or why not
            self.revision += 1

    def _refuse_config(self, error: ConfigError) -> None:
        """Settings that do not load, found by a start from the start cache: as the command says it."""
        self.crash_message = f"wfplan: config error: {error}"
        self.exit(return_code=2)

    # What is loaded, read-only: `state` is replaced whole (tests and bench read these too).
    @property
    def period(self) -> Period | None:
        return self.state.period

    @property
    def data(self) -> PlanData | None:
        return self.state.data

    @property
    def session(self) -> PlanSession | None:
        return self.state.session

    @property
    def kpi_inputs(self) -> KpiInputs | None:
        return self.state.kpi_inputs

    @property
    def data_stamp(self) -> DataStamp | None:
        return self.state.data_stamp

    # -- what the screens ask for (tui/state.py) -------------------------------------------

    def on_edit_scenario(self, message: EditScenario) -> None:
        if self.session is None:
            return
        edit = message.edit
        if not callable(edit):
            self.edit_scenario(edit)
            return
        try:
            scenario = edit(self.session.scenario)  # the scenario in force now, with every earlier edit
        except EditRefused as err:
            self.notify(str(err))
            return
        except ScenarioError as err:
            self.push_screen(ErrorDialog("That edit cannot be applied", str(err)))
            return
        self.edit_scenario(scenario)

    def on_choose_period(self, message: ChoosePeriod) -> None:
        self.change_period(message.as_of, message.start, message.end)

    def on_want_kpis(self, message: WantKpis) -> None:
        self.request_kpis()

    def on_reload_data(self, message: ReloadData) -> None:
        self.action_reload()

    # -- loading --------------------------------------------------------------------------

    def action_reload(self) -> None:
        """Check and load the folder again; the scenario, its edits and its history stay."""
        self._kept_session = self.session or self._kept_session  # mid-reload, the kept one
        self.load_data()

    def load_data(self) -> None:
        # A problems screen from the last load is about to be out of date either way.
        while self._problems_shown():
            self.pop_screen()
        self.cancel_loading()
        self.state = replace(self.state, session=None, kpi_inputs=None)
        self.status = "checking the data folder…"
        self.revision += 1
        self._load()

    def cancel_loading(self) -> None:
        self._cancel("load", self._loading_job)
        self._cancel("kpi", self._kpi_job)

    def _cancel(self, group: str, job: Job | None) -> None:
        """Stop the workers of `group` and interrupt the query they are running."""
        for worker in self.workers:
            if worker.group == group and worker.is_running:
                worker.cancel()
        if job is not None:
            job.cancel()

    def change_period(self, as_of: Any, start: Any, end: Any) -> None:
        """Use another period; another as-of date reloads the data, keeping the scenario."""
        from queries.model.period import PeriodError, resolve_period

        try:
            period = resolve_period(None, as_of, start, end)
        except PeriodError as err:
            self.push_screen(ErrorDialog("That period cannot be used", str(err)))
            return
        self._requested_period = (period.as_of, period.start, period.end)  # F5 keeps it too
        if self.period is not None and period.as_of == self.period.as_of:
            self._cancel("kpi", self._kpi_job)  # the old period's KPIs are not wanted now
            self.state = replace(self.state, period=period, kpi_inputs=None)
            self.revision += 1
            return
        self._kept_session = self.session or self._kept_session  # mid-reload, the kept one
        self.load_data()

    def request_kpis(self) -> None:
        """Load the KPI inputs of the current period unless they are loaded or loading."""
        if self.engine is None or self.period is None:
            return
        if self.kpi_inputs is not None and self.kpi_inputs.period == self.period:
            return
        if any(w.group == "kpi" and w.is_running and not w.is_cancelled for w in self.workers):
            return
        self._load_kpis(self.engine, self.period)

    @work(thread=True, exclusive=True, exit_on_error=False, group="kpi")
    def _load_kpis(self, engine: Engine, period: Period) -> None:
        from queries.plan.loading import load_kpi_inputs

        job = self._kpi_job = engine.job()
        inputs = load_kpi_inputs(job, period)
        if not get_current_worker().is_cancelled:
            self.post_message(KpisLoaded(inputs))

    def on_kpis_loaded(self, message: KpisLoaded) -> None:
        if self.period is not None and message.inputs.period == self.period:
            self.state = replace(self.state, kpi_inputs=message.inputs)
            self.kpi_revision += 1
        else:  # another period's, finished before it could be cancelled: load this one's
            self.call_later(self.request_kpis)

    @work(thread=True, exclusive=True, exit_on_error=False, group="load")
    def _load(self) -> None:
        from queries.contract.check import check_folder
        from queries.contract.watch import folder_state
        from queries.model.period import resolve_period
        from queries.model.scenario import load_scenario
        from queries.plan.loading import data_range, load_plan_data
        from queries.plan.scenario_file import data_stamp
        from queries.plan.session import PlanSession

        worker = get_current_worker()
        state = folder_state(self.folder)  # before reading: a change during the load shows too
        # The start-up load keeps its first screen for the next start (tui/quick_start.py)
        # under the key taken at launch, before the settings were read, and the exports'
        # fingerprint taken here, before they are read: `remember` drops it if either changed.
        # A remote folder (s3a://, hdfs://...) has no local files to fingerprint: no start cache.
        quick = self.quick if (self._kept_session is None and self._requested_period == (None, None, None)
                               and isinstance(self.folder, Path)) else None
        if quick is not None:
            from tui.quick_start import exports_fingerprint

            quick_key, fingerprint = quick.key, exports_fingerprint(self.folder, state)
        try:
            settings = self.settings
        except ConfigError as err:
            self.call_from_thread(self._refuse_config, err)
            return
        if settings.engine.name == "spark":  # the first time, a JVM or a Connect session: seconds
            self.post_message(LoadProgress("starting Spark…"))
        engine = connect(self.folder, settings.engine)
        # The check and the loading queries below run on this thread's job; cancel interrupts it.
        self._loading_job = engine.thread_job()

        def progress(done: int, total: int, label: str) -> None:
            self.post_message(LoadProgress(f"checking {label} ({done}/{total})…"))

        # One DuckDB thread for a check of new exports: the app's memory, not its speed, is the bound.
        result = check_folder(self.folder, engine, progress, use_cache=True, threads=1)
        if worker.is_cancelled:
            return
        if not result.ok:
            self.post_message(ContractBroken(result))
            return
        if worker.is_cancelled:  # an interrupt between two queries would be lost otherwise
            return
        self.post_message(LoadProgress("loading the workforce…"))
        available = data_range(engine)
        period = resolve_period(available, *self._requested_period)
        data = load_plan_data(engine, period, available)
        stamp = data_stamp(engine, available)  # row counts and dates, once per load
        params, scenario_error = settings.parameters, None
        tables: dict[str, Any] = {"regions": data.regions, "forecast": data.forecast}
        session = PlanSession(data.workforce, params, **tables)
        kept = self._kept_session
        if kept is not None:  # a reload or another as-of date: the planner's work stays
            try:
                session = PlanSession(data.workforce, params, kept.scenario, kept.scenario_path, **tables)
                session.continue_from(kept)
            except ScenarioError as err:  # e.g. a site it closes is gone from the new exports
                autosave = self._autosave(kept)
                scenario_error = f"{err}\n\nThe scenario does not fit the data as it is now" + (
                    f"; its edits are saved in {autosave}" if autosave else "")
        elif self.scenario_path is not None:
            try:
                session = PlanSession(data.workforce, params, load_scenario(self.scenario_path),
                                      self.scenario_path, **tables)
            except ScenarioError as err:
                scenario_error = str(err)
        if worker.is_cancelled:
            return
        # Work the numbers out here, off the UI thread: staffing takes a moment, and stops
        # within a fraction of a second when the load is cancelled (q, F5, another as-of).
        with cancel_when(lambda: worker.is_cancelled):
            session.evaluate()
        first = None
        if quick is not None and scenario_error is None and not worker.is_cancelled:
            from tui.quick_start import first_screen

            first = first_screen(session, period)  # before the session is shared: edits follow
        if not worker.is_cancelled:
            self.post_message(DataLoaded(engine, period, data, session, scenario_error,
                                         [p.line() for p in result.warnings], stamp, state))
        if quick is not None and first is not None:
            quick.remember(quick_key, self.folder, fingerprint, first)

    def on_load_progress(self, message: LoadProgress) -> None:
        self.status = message.text

    def on_data_loaded(self, message: DataLoaded) -> None:
        self.engine = message.engine
        reopened = self._kept_session is None and message.session.scenario_path is not None
        self.state = replace(self.state, period=message.period, data=message.data, session=message.session,
                             data_stamp=message.stamp)
        self._kept_session = None
        self._folder_state, self._told_changed = message.folder_state, False
        self._loading_job = None
        self.status = ""
        self.revision += 1
        if message.scenario_error:
            self.push_screen(ErrorDialog("The scenario could not be opened", message.scenario_error
                                         + "\n\nwfplan opened without it; the file is unchanged."))
        elif reopened and message.session.scenario_path is not None:  # --scenario FILE, read by this load
            self._warn_if_other_data(message.session.scenario, message.session.scenario_path)
        for warning in message.warnings:  # the contract's "counted and shown"
            self.notify(warning, severity="warning", timeout=15)
        autosave = self.scenarios_folder() / "autosave.toml"
        if autosave.is_file():
            self.notify(f"Unsaved edits from an earlier run are in {autosave}; ctrl+o opens them",
                        severity="warning", timeout=10)

    def _problems_shown(self) -> bool:
        """Whether the screen on top is the problems screen (`on_contract_broken`)."""
        # Its module is imported only when a folder breaks the contract: until then no
        # problems screen can be shown, and a cold start does not import it to find out.
        problems = sys.modules.get("tui.screens.problems")
        return problems is not None and isinstance(self.screen, problems.ProblemsScreen)

    def on_contract_broken(self, message: ContractBroken) -> None:
        from tui.screens.problems import ProblemsScreen

        self.status = "the data folder breaks the data contract"
        if not self._problems_shown():
            self.push_screen(ProblemsScreen(message.result))
        kept = self._kept_session  # a reload the exports now fail: keep the edits in a file too
        autosave = self._autosave(kept) if kept is not None else None
        if autosave is not None:
            self.notify(f"Your unsaved scenario edits are saved in {autosave}; they come back once the "
                        "folder loads again", severity="warning", timeout=15)

    # -- noticing a changed folder ----------------------------------------------------------

    def _watch_folder(self) -> None:
        """Every few seconds: has an export changed since the numbers were loaded?"""
        if self._folder_state is None or self._told_changed or self.session is None:
            return
        if any(w.group in ("load", "watch") and w.is_running for w in self.workers):
            return
        self._compare_folder(self._folder_state)

    @work(thread=True, exclusive=True, exit_on_error=False, group="watch")
    def _compare_folder(self, loaded: tuple[Any, ...]) -> None:
        from queries.contract.watch import changed_files, folder_state

        changed = changed_files(loaded, folder_state(self.folder))  # stat only: a network mount may be slow
        if changed:
            self.call_from_thread(self._folder_changed, loaded, changed)

    def _folder_changed(self, loaded: tuple[Any, ...], changed: list[str]) -> None:
        if loaded is not self._folder_state or self._told_changed:
            return  # reloaded meanwhile
        self._told_changed = True
        files = ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
        self.notify(f"The data folder changed on disk ({files}); the numbers shown are from before. F5 reloads.",
                    title="Data changed", severity="warning", timeout=30)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "load" and event.state in (WorkerState.SUCCESS, WorkerState.ERROR,
                                                            WorkerState.CANCELLED):
            self._first_load_over()
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        if isinstance(error, (QueryCancelled, Cancelled)):
            return
        self.status = "loading failed"
        retry = "\n\nF5 loads the data again."
        if isinstance(error, QueryError):
            self.push_screen(ErrorDialog("A query failed", f"{error}{retry}"))
        else:
            from tui.crash import write_crash_log

            log = write_crash_log(error) if error else None
            self.push_screen(ErrorDialog("Something went wrong", f"{error}\n\nDetails: {log}{retry}"))

    # -- scenario edits -----------------------------------------------------------------

    def edit_scenario(self, scenario: Scenario) -> None:
        """Make `scenario` the active one (undoable) and redraw."""
        if self.session is None:
            return
        try:
            self.session.edit(scenario)
        except ScenarioError as err:
            self.push_screen(ErrorDialog("That edit cannot be applied", str(err)))
            return
        self._scenario_changed()

    def _scenario_changed(self) -> None:
        """Redraw now, or once the new numbers are worked out when that takes a moment."""
        if self.session.needs_work(self.session.scenario):
            self.status = "working out staffing…"
            self._evaluate(self.session)
        else:
            self._evaluated()

    @work(thread=True, exclusive=True, exit_on_error=False, group="evaluate")
    def _evaluate(self, session: PlanSession) -> None:
        worker = get_current_worker()
        with cancel_when(lambda: worker.is_cancelled):
            session.evaluate()
        self.call_from_thread(self._evaluated)

    def _evaluated(self) -> None:
        self.status = ""
        self.revision += 1
        for note in self.session.evaluate().changes.notes:
            self.notify(note, severity="warning")

    def action_undo(self) -> None:
        from queries.plan.edit_summary import describe_edit

        before = self.session.scenario if self.session else None
        if self.session and before is not None and self.session.undo():
            # Said on every screen: an undo may reopen a site closed on another one.
            self.notify(f"Undid: {describe_edit(self.session.scenario, before)}")
            self._scenario_changed()
        else:
            self.notify("Nothing to undo")

    def action_redo(self) -> None:
        from queries.plan.edit_summary import describe_edit

        before = self.session.scenario if self.session else None
        if self.session and before is not None and self.session.redo():
            self.notify(f"Redid: {describe_edit(before, self.session.scenario)}")
            self._scenario_changed()
        else:
            self.notify("Nothing to redo")

    # -- saving -------------------------------------------------------------------------

    def scenarios_folder(self) -> Path:
        if self.settings.scenarios_folder is not None:
            return self.settings.scenarios_folder.expanduser()
        from platformdirs import user_data_path

        return user_data_path("wfplan") / "scenarios"

    def action_save(self) -> None:
        """Save the scenario to its file; the first time, ask for its name."""
        session = self.session
        if session is None:
            return
        if session.scenario_path is not None:
            self._save(session.scenario, session.scenario_path)
            return
        self._save_named("Save scenario", "Save")

    def action_save_as(self) -> None:
        """Save the scenario under a new name, in a new file of the scenarios folder."""
        if self.session is not None:
            self._save_named("Save scenario as", "Save as")

    def _save_named(self, title: str, submit: str) -> None:
        """Ask for a name and save to NAME.toml in the scenarios folder; ask before
        replacing a file that holds another scenario."""
        from queries.model.scenario import Scenario
        from queries.plan.scenario_file import file_name
        from tui.dialogs import FormDialog

        session = self.session
        folder = self.scenarios_folder()

        def named(values: dict[str, object] | None) -> None:
            if values is None:
                return
            name = str(values["name"])
            scenario, path = session.scenario.model_copy(update={"name": name}), folder / file_name(name)
            own = session.scenario_path is not None and path.resolve() == session.scenario_path.resolve()
            if own or not path.exists():
                self._save(scenario, path)
                return
            self.push_screen(ConfirmDialog(
                f"Replace {path.name}?",
                f"{path} already exists{self._holding(path)}. Replace it with the scenario '{name}'? "
                "Keep it to save nothing (then choose another name).",
                confirm="Replace", cancel="Keep it"), lambda replace: self._save(scenario, path) if replace else None)

        self.push_screen(FormDialog(
            title, [("name", "Name", Scenario, "name", session.scenario.name, False)],
            submit=submit, note=f"Saved as NAME.toml in {folder}",
        ), named)

    @staticmethod
    def _holding(path: Path) -> str:
        """", holding the scenario 'NAME'" when the file can be read."""
        from queries.model.scenario import load_scenario

        try:
            return f", holding the scenario '{load_scenario(path).name}'"
        except ScenarioError:
            return ""

    def _save(self, scenario: Scenario, path: Path) -> None:
        from queries.plan.scenario_file import DataStamp, SaveError, data_fingerprint, save_scenario, with_meta

        session, engine, period = self.session, self.engine, self.period
        stamp = self.data_stamp
        if stamp is None:  # not expected once loaded; the fingerprint alone still tells changes apart
            stamp = DataStamp(data_fingerprint([f for s in engine.tables.values() for f in s.local_files()]), {}, None, None)
        scenario = with_meta(scenario, period.as_of, stamp)
        try:
            save_scenario(scenario, path, self.folder)
        except SaveError as err:
            self.push_screen(ErrorDialog("The scenario was not saved", str(err)))
            return
        # Naming and stamping the scenario is part of saving it, not an edit to undo.
        session.scenario = session.saved = scenario
        session.scenario_path = path
        self.revision += 1
        self.notify(f"Saved {path}")

    def _unless_unsaved(self, then: Any) -> None:
        """Run `then`, asking first when the active scenario has unsaved edits."""
        if self.session is None:
            return
        if not self.session.dirty:
            then()
            return
        self.push_screen(ConfirmDialog(
            "Drop unsaved edits?", f"The scenario '{self.session.scenario.name}' has edits that are not saved.",
            confirm="Drop them", cancel="Keep"), lambda drop: then() if drop else None)

    def action_new_scenario(self) -> None:
        from queries.model.scenario import Scenario

        def new() -> None:
            self.session.replace(Scenario(), None)
            self._scenario_changed()

        self._unless_unsaved(new)

    def action_open_scenario(self) -> None:
        from tui.dialogs import ChooseDialog

        folder = self.scenarios_folder()
        files = sorted(folder.glob("*.toml")) if folder.is_dir() else []
        if not files:
            self.notify(f"No scenario files in {folder} yet; ctrl+s saves one", severity="warning")
            return

        def chosen(path: Path | None) -> None:
            if path is not None:
                self._unless_unsaved(lambda: self.open_scenario(path))

        self.push_screen(ChooseDialog(f"Open a scenario from {folder}", [(p.stem, p) for p in files]), chosen)

    def open_scenario(self, path: Path) -> None:
        from queries.model.scenario import load_scenario

        try:
            scenario = load_scenario(path)
            self.session.replace(scenario, path)
        except ScenarioError as err:
            self.push_screen(ErrorDialog("The scenario could not be opened", f"{err}\n\nNothing was changed."))
            return
        self._scenario_changed()
        self._warn_if_other_data(scenario, path)

    def _warn_if_other_data(self, scenario: Scenario, path: Path) -> None:
        """Say so when a scenario was saved on other data (and what changed) or another as-of."""
        from queries.plan.scenario_file import changed_data_warning

        made_on = scenario.meta.as_of
        if made_on is not None and self.period is not None and made_on != self.period.as_of:
            self.notify(f"{path.name} was made on data as of {made_on}; this data is as of {self.period.as_of}",
                        severity="warning")
        warning = None if self.data_stamp is None else changed_data_warning(path.name, scenario.meta, self.data_stamp)
        if warning:
            self.notify(warning, title="Other data", severity="warning", timeout=20)

    # -- app ----------------------------------------------------------------------------

    def notify(self, message: str, *, title: str = "", severity: Any = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Every notification, the screens' too, is plain text: they carry file names, scenario
        names and lines of `wfplan check` with text from the data, never to be read as markup."""
        kwargs = {} if timeout is None else {"timeout": timeout}
        # ... nor their control characters as terminal commands (a site name with ESC [2J).
        super().notify(visible_lines(message), title=visible(title), severity=severity, markup=False, **kwargs)

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.screen))

    @property
    def work(self) -> PlanSession | None:
        """The planner's session, also while a reload is under way."""
        return self.session or self._kept_session

    def action_quit_app(self) -> None:
        work = self.work
        if work is not None and work.dirty:
            def answer(quit_: bool | None) -> None:
                if quit_:
                    self.exit()

            self.push_screen(ConfirmDialog(
                "Quit with unsaved edits?",
                f"The scenario '{work.scenario.name}' has edits that are not saved. "
                "Quitting loses them.", confirm="Quit", cancel="Stay"), answer)
        else:
            self.exit()

    def on_unmount(self) -> None:
        self.cancel_loading()
        self._cancel("evaluate", None)  # a staffing search must not outlive the app

    # -- bugs -------------------------------------------------------------------------------

    def push_screen(self, screen: Any, callback: Any = None, wait_for_dismiss: bool = False) -> Any:
        """Every dialog's answer runs through here too: a bug in one is shown like a bug in an
        action (below), not a reason to stop the app."""
        if callback is not None:
            answer = callback

            def callback(result: Any) -> Any:
                try:
                    return answer(result)
                except Exception as error:
                    self._show_bug(error)
                    return None

        return super().push_screen(screen, callback, wait_for_dismiss)  # type: ignore[call-overload]

    async def run_action(self, action: Any, default_namespace: Any = None, namespaces: Any = None) -> bool:
        """Every key, palette entry and button action: a bug in one opens an error screen
        (the edits autosaved, the traceback in a log file) and the app carries on."""
        try:
            return await super().run_action(action, default_namespace, namespaces)
        except Exception as error:
            self._show_bug(error)
            return True

    def _show_bug(self, error: Exception) -> None:
        from tui.crash import write_crash_log

        log = write_crash_log(error)
        autosave = self._autosave()
        kept = f"\n\nYour unsaved scenario edits are also saved in {autosave}." if autosave else ""
        self.push_screen(ErrorDialog(
            "Something went wrong",
            f"{error or type(error).__name__}\n\nThat action did not finish. The details are in {log}; "
            f"please send that file with a bug report.{kept}"))

    def _handle_exception(self, error: Exception) -> None:
        """A bug in a message handler: stop without a traceback, keeping the planner's work.

        Textual stops the failing widget's message loop, so carrying on could leave a frozen
        screen; instead the unsaved scenario is autosaved, the traceback goes to a log file,
        a screen says so (unless the app's own loop failed), and the app exits with a short
        message naming both. Bugs in actions and dialog answers never get here (above).
        """
        from tui.crash import write_crash_log

        if self.crash_message is not None:  # a second failure, e.g. while the first is shown
            self.exit(return_code=1)
            return
        log = write_crash_log(error)
        lines = [f"wfplan stopped after an unexpected error: {error}", f"The details are in {log}"]
        autosave = self._autosave()
        if autosave is not None:
            lines.append(f"Your unsaved scenario edits are in {autosave} (ctrl+o opens it)")
        # Printed by the command after the terminal is restored, unwrapped, so the paths
        # can be copied whole.
        self.crash_message = "\n".join(lines)
        # When a widget or screen failed, the app's own loop still runs: say it on a screen
        # first, then stop when the planner has read it. When the app's loop itself failed
        # nothing would answer a key, so it stops at once (the message is printed either way).
        from textual._context import active_message_pump

        failing = active_message_pump.get(None)
        if failing is not None and failing is not self and self.is_running and not self._closing:
            body = "\n".join(lines[1:])
            # Pushed from the app's own loop, so the answer comes back to it and not to the
            # failed widget, which would never run it.
            self.call_later(lambda: self.push_screen(ErrorDialog(
                "wfplan must stop", f"An unexpected error: {error}\n\n{body}\n\nEnter or escape closes wfplan."),
                lambda _: self.exit(return_code=1)))
            return
        self.exit(return_code=1)

    def _autosave(self, session: PlanSession | None = None) -> Path | None:
        """Save unsaved scenario edits beside the others; None when there is nothing to save."""
        from queries.plan.scenario_file import SaveError, save_scenario

        session = session or self.work
        if session is None or not session.dirty:
            return None
        path = self.scenarios_folder() / "autosave.toml"
        try:
            save_scenario(session.scenario, path, self.folder)
        except SaveError:
            return None
        return path
