"""Faults while the app runs: a query cancelled mid-way, the data folder unreadable or
changed on disk, and the promise that nothing is ever written into the data folder.

The app runs under Pilot at 80x24 on tests/folders.py's small folder. A "slow query" is a
real DuckDB query run first thing inside the app's own loader, on the job the loader
would use, so that cancelling interrupts DuckDB mid-way exactly as it would on a large
folder. Where the app misbehaves today the test is marked xfail(strict) with the reason.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import os
import shutil
import stat
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from textual.worker import WorkerState

from queries.config import load_settings
from queries.contract.watch import UNREADABLE, changed_files, folder_state
from queries.engines.duckdb_engine import Engine, QueryCancelled
from tests.folders import base_tables, write_folder
from tests.screen import loaded, screen_text
from tui.app import WfplanApp
from tui.dialogs import ErrorDialog
from tui.screens.problems import ProblemsScreen
from tui.screens.site_costs import SiteCostsScreen

KEN_COST = "$150,000"  # KEN's annual cost on the small folder: lease 100,000 + opex 50,000
# About a minute of work for one core, so an interrupt that does not arrive cannot be
# missed; interrupted, DuckDB stops it within a fraction of a second.
SLOW_SQL = "SELECT count(*) FROM range(3000000000) AS r WHERE hash(r.range) % 7 = 0"
INTERRUPT_SECONDS = 5.0


def make_app(folder: Path, **duckdb: Any) -> WfplanApp:
    return WfplanApp(settings=load_settings(None, {"duckdb": duckdb} if duckdb else None), folder=folder)


def app_with_a_slow_query(folder: Path) -> WfplanApp:
    """One DuckDB thread: the slow query leaves a core to the UI, as a tuned server would."""
    return make_app(folder, threads=1)


async def wait_for(pilot: Any, condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    """Let the app run until `condition` holds; False after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        await pilot.pause(0.02)
    return True


def error_dialogs(app: WfplanApp) -> list[ErrorDialog]:
    return [s for s in app.screen_stack if isinstance(s, ErrorDialog)]


class SlowFirstCall:
    """Wraps a loader of the core: its first call runs SLOW_SQL first, on the job the
    loader itself would use (the worker's), and records how that query ended."""

    def __init__(self, real: Callable[..., Any]) -> None:
        self.real = real
        self.calls = 0
        self.started = threading.Event()
        self.outcome: list[object] = []

    def __call__(self, engine: Engine, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        if self.calls == 1:
            self.started.set()
            try:
                engine.sql(SLOW_SQL)  # on the job the loader runs on (the worker thread's, or the KPI job)
            except BaseException as err:
                self.outcome.append(err)
                raise
            self.outcome.append("finished")
        return self.real(engine, *args, **kwargs)

    async def running(self, pilot: Any) -> None:
        """Wait until the slow query has been handed to DuckDB."""
        assert await wait_for(pilot, self.started.is_set), "the slow query never started"
        await pilot.pause(0.25)  # from Python's call into DuckDB's executor: an interrupt before it is lost

    def assert_interrupted(self) -> None:
        """DuckDB stopped the query (it would run for a minute): QueryCancelled, not a result."""
        assert len(self.outcome) == 1 and isinstance(self.outcome[0], QueryCancelled), self.outcome


@pytest.fixture
def slow_load(monkeypatch: pytest.MonkeyPatch) -> SlowFirstCall:
    import queries.plan.loading

    slow = SlowFirstCall(queries.plan.loading.load_plan_data)
    monkeypatch.setattr("queries.plan.loading.load_plan_data", slow)
    return slow


@pytest.fixture
def slow_kpis(monkeypatch: pytest.MonkeyPatch) -> SlowFirstCall:
    import queries.plan.loading

    slow = SlowFirstCall(queries.plan.loading.load_kpi_inputs)
    monkeypatch.setattr("queries.plan.loading.load_kpi_inputs", slow)
    return slow


# -- a query cancelled mid-way ----------------------------------------------------------------


def test_engine_interrupt_stops_a_running_parquet_query(small_folder: Path) -> None:
    """A job cancelled from another thread: the query over the folder's views raises
    QueryCancelled, and the same engine answers the next query."""
    from queries.contract.check import check_folder

    engine = Engine(small_folder)
    assert check_folder(small_folder, engine).ok
    job = engine.job()
    started, outcome = threading.Event(), []

    def run() -> None:
        started.set()
        try:
            job.sql("SELECT count(*) FROM kpi_daily, range(3000000000) AS r WHERE hash(r.range) % 7 = 0")
        except BaseException as err:
            outcome.append(err)

    thread = threading.Thread(target=run)
    thread.start()
    started.wait(5)
    deadline = time.monotonic() + INTERRUPT_SECONDS
    while not outcome and time.monotonic() < deadline:  # until DuckDB has picked the query up
        job.cancel()
        thread.join(0.05)
    thread.join(INTERRUPT_SECONDS)
    assert not thread.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], QueryCancelled)
    assert job.sql("SELECT count(*) AS n FROM kpi_daily")["n"].item() == 3


async def test_cancel_loading_interrupts_the_query_without_an_error(small_folder: Path,
                                                                    slow_load: SlowFirstCall) -> None:
    app = app_with_a_slow_query(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await slow_load.running(pilot)
        [worker] = [w for w in app.workers if w.group == "load"]
        app.cancel_loading()
        assert await wait_for(pilot, lambda: bool(slow_load.outcome), INTERRUPT_SECONDS)
        await loaded(pilot)
        slow_load.assert_interrupted()
        assert worker.state == WorkerState.CANCELLED
        assert not error_dialogs(app) and app.is_running
        await pilot.press("f5")
        await loaded(pilot)
        assert isinstance(app.screen, SiteCostsScreen) and KEN_COST in screen_text(app)


async def test_reload_during_a_slow_load_interrupts_it_and_shows_numbers(small_folder: Path,
                                                                         slow_load: SlowFirstCall) -> None:
    app = app_with_a_slow_query(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await slow_load.running(pilot)
        await pilot.press("f5")
        assert await wait_for(pilot, lambda: bool(slow_load.outcome), INTERRUPT_SECONDS)
        await loaded(pilot)
        slow_load.assert_interrupted()
        assert not error_dialogs(app)
        assert KEN_COST in screen_text(app) and slow_load.calls == 2


async def test_a_new_as_of_date_during_a_slow_load_interrupts_it(small_folder: Path, slow_load: SlowFirstCall) -> None:
    app = app_with_a_slow_query(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await slow_load.running(pilot)
        app.change_period(dt.date(2026, 3, 30), None, None)
        assert await wait_for(pilot, lambda: bool(slow_load.outcome), INTERRUPT_SECONDS)
        await loaded(pilot)
        slow_load.assert_interrupted()
        assert not error_dialogs(app)
        assert app.period is not None and app.period.as_of == dt.date(2026, 3, 30)
        assert "as of 2026-03-30" in screen_text(app) and KEN_COST in screen_text(app)


async def test_leaving_the_app_during_a_slow_kpi_query_interrupts_it(small_folder: Path,
                                                                     slow_kpis: SlowFirstCall) -> None:
    app = app_with_a_slow_query(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("4")
        await slow_kpis.running(pilot)
        await pilot.press("q")
        await pilot.pause()
    assert await _wait_thread(lambda: bool(slow_kpis.outcome))
    slow_kpis.assert_interrupted()
    assert app.return_code == 0


async def _wait_thread(condition: Callable[[], bool], timeout: float = INTERRUPT_SECONDS) -> bool:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    return condition()


async def test_a_period_change_while_kpis_load_interrupts_them_and_loads_the_new_period(
    small_folder: Path, slow_kpis: SlowFirstCall
) -> None:
    app = app_with_a_slow_query(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("4")
        await slow_kpis.running(pilot)
        app.change_period(dt.date(2026, 3, 31), dt.date(2026, 3, 30), dt.date(2026, 3, 31))
        new_period_shown = await wait_for(
            pilot, lambda: app.kpi_inputs is not None and app.kpi_inputs.period == app.period, INTERRUPT_SECONDS)
        assert not error_dialogs(app)
        assert new_period_shown, "the KPI screen still waits for the new period's numbers"
        slow_kpis.assert_interrupted()


# -- the data folder becomes unreadable while the app runs -------------------------------------


def running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def delete(path: Path) -> None:
    path.unlink()


def corrupt(path: Path) -> None:
    path.write_bytes(b"this is not a Parquet file\n" * 20)


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def make_unreadable(path: Path) -> None:
    path.chmod(0)
    try:
        path.read_bytes()
    except PermissionError:
        return
    path.chmod(0o644)
    pytest.skip("chmod 000 does not stop this user's reads (root): the delete, corrupt and "
                "truncate variants cover a file that cannot be read")


DAMAGE = {"deleted": delete, "corrupt": corrupt, "truncated": truncate, "chmod 000": make_unreadable}


class Damaged:
    """One file of the folder damaged on disk, and put back as it was."""

    def __init__(self, path: Path) -> None:
        self.path, self.saved = path, path.read_bytes()

    def restore(self) -> None:
        if self.path.exists():
            self.path.chmod(0o644)
            self.path.unlink()
        self.path.write_bytes(self.saved)


def assert_clear_message(app: WfplanApp, file_name: str) -> ErrorDialog:
    """One dialog, naming the file and the reload key; no traceback anywhere."""
    [dialog] = error_dialogs(app)
    assert file_name in dialog.message and "F5" in dialog.message
    assert "Traceback" not in dialog.message and "Traceback" not in screen_text(app)
    assert app.is_running
    return dialog


@pytest.mark.parametrize("damage", list(DAMAGE))
async def test_kpi_file_damaged_after_load_then_the_kpi_screen(small_folder: Path, damage: str) -> None:
    """The KPI screen queries kpi_daily when opened: a dialog names the file; after the
    file is back, F5 loads again and the numbers are there."""
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        damaged = Damaged(small_folder / "kpi_daily.parquet")
        try:
            DAMAGE[damage](damaged.path)
            await pilot.press("4")
            assert await wait_for(pilot, lambda: bool(error_dialogs(app)))
            assert_clear_message(app, "kpi_daily.parquet")
            await pilot.press("2")  # the dialog is modal: keys reach it, not the screens
            assert app.current_mode == "kpis"
        finally:
            damaged.restore()
        await pilot.press("escape", "f5")
        await loaded(pilot)
        assert await wait_for(pilot, lambda: app.kpi_inputs is not None and app.kpi_inputs.period == app.period)
        assert not error_dialogs(app)
        await pilot.press("1")
        assert KEN_COST in screen_text(app)


async def test_kpi_file_deleted_then_a_period_change(small_folder: Path) -> None:
    """Choosing another period (d on the KPI screen) queries kpi_daily again."""
    from tui.dialogs import FormDialog

    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("4")
        await loaded(pilot)
        assert app.kpi_inputs is not None
        damaged = Damaged(small_folder / "kpi_daily.parquet")
        try:
            delete(damaged.path)
            await pilot.press("d")
            assert isinstance(app.screen, FormDialog)
            app.screen.query_one("#field-start").value = "2026-03-30"
            await pilot.press("enter")
            assert await wait_for(pilot, lambda: bool(error_dialogs(app)))
            assert_clear_message(app, "kpi_daily.parquet")
        finally:
            damaged.restore()
        await pilot.press("escape", "f5")
        await loaded(pilot)
        assert await wait_for(pilot, lambda: app.kpi_inputs is not None and app.kpi_inputs.period == app.period)
        assert not error_dialogs(app)


async def test_f5_keeps_the_unsaved_scenario_edits(small_folder: Path) -> None:
    """Every error dialog says "F5 loads the data again": doing so must not cost the edits."""
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("down", "c", "enter")
        await pilot.pause()
        assert app.session.dirty
        await pilot.press("f5")
        await loaded(pilot)
        assert app.session is not None and not error_dialogs(app)
        assert [c.site_id for c in app.session.scenario.closures] == ["KEN"] and app.session.dirty


async def test_f5_keeps_the_chosen_period(small_folder: Path) -> None:
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        app.change_period(dt.date(2026, 3, 31), dt.date(2026, 3, 30), dt.date(2026, 3, 31))
        await pilot.press("f5")
        await loaded(pilot)
        assert app.period is not None and app.period.start == dt.date(2026, 3, 30)


@pytest.mark.parametrize("damage", list(DAMAGE))
async def test_sites_file_damaged_after_load_then_f5(small_folder: Path, damage: str) -> None:
    """F5 checks the folder again: the problems screen names the file; once the file is
    back, r (check again) shows the numbers."""
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        damaged = Damaged(small_folder / "sites.parquet")
        try:
            DAMAGE[damage](damaged.path)
            await pilot.press("f5")
            await loaded(pilot)
            assert isinstance(app.screen, ProblemsScreen)
            shown = screen_text(app)
            assert "error: sites.parquet:" in shown and "Traceback" not in shown
            assert app.session is None  # no stale numbers behind the message
        finally:
            damaged.restore()
        await pilot.press("r")
        await loaded(pilot)
        assert isinstance(app.screen, SiteCostsScreen) and KEN_COST in screen_text(app)


async def test_the_whole_folder_gone_then_back(small_folder: Path, tmp_path: Path) -> None:
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        away = small_folder.rename(tmp_path / "moved away")
        try:
            await pilot.press("f5")
            await loaded(pilot)
            assert isinstance(app.screen, ProblemsScreen)
            assert f"error: {small_folder}: data folder does not exist" in " ".join(screen_text(app).split())
        finally:
            away.rename(small_folder)
        await pilot.press("r")
        await loaded(pilot)
        assert isinstance(app.screen, SiteCostsScreen) and KEN_COST in screen_text(app)


async def test_folder_made_unreadable_then_f5(small_folder: Path) -> None:
    if running_as_root():
        pytest.skip("chmod 000 on a folder does not stop root; test_the_whole_folder_gone_then_back covers it")
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        small_folder.chmod(0)
        try:
            await pilot.press("f5")
            await loaded(pilot)
            assert isinstance(app.screen, (ProblemsScreen, ErrorDialog))
            assert str(small_folder) in screen_text(app) and "Traceback" not in screen_text(app)
        finally:
            small_folder.chmod(0o755)
        await pilot.press("escape" if isinstance(app.screen, ErrorDialog) else "r")
        if not isinstance(app.screen, ProblemsScreen):
            await pilot.press("f5")
        await loaded(pilot)
        assert KEN_COST in screen_text(app)


async def test_f5_on_the_problems_screen_after_the_file_is_back(small_folder: Path) -> None:
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        damaged = Damaged(small_folder / "sites.parquet")
        delete(damaged.path)
        await pilot.press("f5")
        await loaded(pilot)
        assert isinstance(app.screen, ProblemsScreen)
        damaged.restore()
        await pilot.press("f5")  # the README's reload key, "everywhere"
        await loaded(pilot)
        assert [type(s) for s in app.screen_stack] == [SiteCostsScreen]
        assert KEN_COST in screen_text(app)


async def test_saving_after_a_file_vanished_keeps_the_app_alive(small_folder: Path) -> None:
    """Saving stamps the scenario with the data's fingerprint; a vanished export must not
    turn that into a crash."""
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("down", "c", "enter")
        await pilot.pause()
        (small_folder / "kpi_daily.parquet").unlink()
        await pilot.press("ctrl+s")
        await pilot.press(*"gone", "enter")
        await loaded(pilot)
        assert app.is_running and app.crash_message is None
        saved = app.scenarios_folder() / "gone.toml"
        assert saved.is_file() or error_dialogs(app)


# -- a file changes while the app runs ---------------------------------------------------------


def rewrite_sites(folder: Path, ken_lease: float) -> None:
    """Rewrite sites.parquet with other rows: KEN's lease changes, the file is replaced."""
    sites = base_tables()["sites"].with_columns(
        lease_annual=pl.when(pl.col("site_id") == "KEN").then(ken_lease).otherwise(pl.col("lease_annual")))
    sites.write_parquet(folder / "sites.parquet")


async def test_a_rewritten_file_shows_its_new_numbers_after_f5(small_folder: Path) -> None:
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        assert KEN_COST in screen_text(app)
        before = folder_state(small_folder)
        rewrite_sites(small_folder, 200_000.0)
        assert changed_files(before, folder_state(small_folder)) == ["sites.parquet"]
        await pilot.press("f5")
        await loaded(pilot)
        shown = screen_text(app)
        assert "$250,000" in shown and KEN_COST not in shown


async def test_a_rewritten_kpi_file_shows_its_new_rows_after_f5(small_folder: Path) -> None:
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("4")
        await loaded(pilot)
        assert app.kpi_inputs.contacts == 120
        kpi = base_tables()["kpi_daily"]
        kpi.with_columns(contacts=pl.col("contacts") * 2).write_parquet(small_folder / "kpi_daily.parquet")
        await pilot.press("f5")
        await loaded(pilot)
        assert await wait_for(pilot, lambda: app.kpi_inputs is not None and app.kpi_inputs.period == app.period)
        assert app.kpi_inputs.contacts == 240


def test_folder_state_is_stable_and_lists_every_parquet_file(tmp_path: Path) -> None:
    tables = base_tables()
    kpi = tables.pop("kpi_daily")
    tables["kpi_daily"] = {"month=2026-03/part-0.parquet": kpi}
    folder = write_folder(tmp_path / "data", tables)
    (folder / "README.txt").write_text("not an export")
    state = folder_state(folder)
    assert [entry[0] for entry in state] == [
        "agents.parquet", "assignments.parquet", "kpi_daily/month=2026-03/part-0.parquet",
        "regions.parquet", "sites.parquet",
    ]
    assert all(size > 0 and mtime > 0 and ctime > 0 for _, size, mtime, ctime in state)
    assert folder_state(folder) == state
    (folder / "README.txt").write_text("other text")  # not an export: no change
    assert folder_state(folder) == state


@pytest.mark.parametrize("change", ["rewrite", "same bytes, new mtime", "copied keeping mtime", "added",
                                    "deleted", "partition added", "chmod"])
def test_folder_state_sees_each_kind_of_change(tmp_path: Path, change: str) -> None:
    folder = write_folder(tmp_path / "data")
    sites = folder / "sites.parquet"
    before = folder_state(folder)
    if change == "rewrite":
        rewrite_sites(folder, 1.0)
    elif change == "same bytes, new mtime":
        stamp = sites.stat()
        os.utime(sites, ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 1_000_000_000))
    elif change == "copied keeping mtime":  # rsync -a, cp -p: same size and mtime, new file
        copy = tmp_path / "copy.parquet"
        shutil.copy2(sites, copy)
        time.sleep(0.01)  # a ctime the file system can tell apart
        os.replace(copy, sites)
    elif change == "added":
        base_tables()["kpi_daily"].write_parquet(folder / "forecast.parquet")
    elif change == "deleted":
        sites.unlink()
    elif change == "partition added":
        (folder / "kpi_daily").mkdir()
        base_tables()["kpi_daily"].write_parquet(folder / "kpi_daily" / "part-1.parquet")
    elif change == "chmod":
        time.sleep(0.01)
        sites.chmod(0o400)
    after = folder_state(folder)
    assert after != before
    expected = {"added": ["forecast.parquet"], "partition added": ["kpi_daily/part-1.parquet"]}
    assert changed_files(before, after) == expected.get(change, ["sites.parquet"])


def test_folder_state_of_a_missing_or_unlistable_folder(tmp_path: Path) -> None:
    assert folder_state(tmp_path / "nowhere") == ()
    folder = write_folder(tmp_path / "data")
    (folder / "README.parquet.txt").write_text("x")
    assert folder_state(folder / "sites.parquet") == ()  # a file, not a folder
    if running_as_root():
        return  # root lists any folder: the rest needs a user chmod stops
    nested = folder / "kpi_daily"
    nested.mkdir()
    nested.chmod(0)
    try:
        assert ("kpi_daily", UNREADABLE, UNREADABLE, UNREADABLE) in folder_state(folder)
    finally:
        nested.chmod(0o755)


def test_folder_state_only_stats(small_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap enough to run every few seconds: no file is opened."""
    import builtins
    import io

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"opened {args[0]!r}")

    monkeypatch.setattr(builtins, "open", refuse)
    monkeypatch.setattr(io, "open", refuse)
    assert len(folder_state(small_folder)) == 5


# -- the data folder is never written --------------------------------------------------------


def listing(folder: Path) -> dict[str, tuple[Any, ...]]:
    """Every entry under `folder` (itself included): kind, mode, size, mtime, and a hash of
    each file's bytes. A file created and removed again still changes its folder's mtime."""
    entries: dict[str, tuple[Any, ...]] = {}
    for path in [folder, *sorted(folder.rglob("*"))]:
        info = path.lstat()
        rel = path.relative_to(folder).as_posix()
        if stat.S_ISREG(info.st_mode):
            entries[rel] = ("file", info.st_mode, info.st_size, info.st_mtime_ns,
                            hashlib.sha256(path.read_bytes()).hexdigest())
        else:
            entries[rel] = ("dir" if stat.S_ISDIR(info.st_mode) else "other", info.st_mode, info.st_size,
                            info.st_mtime_ns)
    return entries


def make_read_only(folder: Path) -> None:
    for path in [folder, *folder.rglob("*")]:
        path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def make_writable(folder: Path) -> None:
    for path in [folder, *folder.rglob("*")]:
        path.chmod(path.stat().st_mode | stat.S_IWUSR)


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Any:
    """A folder with every table (forecast too, and a partitioned kpi_daily), made
    read-only (chmod -R a-w); writable again afterwards, so it can be cleaned up."""
    from queries.demo.generate import generate_demo

    folder = generate_demo(tmp_path / "exports", agents=60, days=60, seed=5).folder
    make_read_only(folder)
    yield folder
    make_writable(folder)


def open_for_writing_under(folder: Path) -> list[str]:
    """Files under `folder` this process holds open for writing (Linux /proc)."""
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
            flags = int(next(line for line in Path(f"/proc/self/fdinfo/{fd}").read_text().splitlines()
                             if line.startswith("flags:")).split()[1], 8)
        except (OSError, StopIteration):
            continue
        if target.startswith(str(folder)) and flags & os.O_ACCMODE != os.O_RDONLY:
            found.append(target)
    return found


async def test_nothing_is_ever_written_into_the_data_folder(
    read_only_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Load, every screen, a what-if edit, save, an export, F5, then `wfplan check` and
    `wfplan report` in each format, all run from inside the data folder (so that anything
    written "here" would land in it): the folder's listing, sizes, times and bytes are the
    same afterwards, and no file (.wal, .tmp, a DuckDB database, a cache) appeared."""
    from tui.cli import main

    folder = read_only_folder
    before = listing(folder)
    monkeypatch.chdir(folder)
    app = make_app(folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        assert app.session is not None and not error_dialogs(app)
        # DuckDB in memory: no database file, nothing attached from the folder.
        databases = app.engine.sql("SELECT database_name, path FROM duckdb_databases() WHERE NOT internal")
        assert databases.rows() == [("memory", None)]
        for key in [str(n) for n in range(1, len(app.MODES) + 1)]:
            await pilot.press(key)
            await loaded(pilot)
        assert app.kpi_inputs is not None
        if Path("/proc/self/fdinfo").is_dir():
            assert open_for_writing_under(folder) == []
        await pilot.press("1", "down", "c", "enter")  # close a site: a what-if edit
        await pilot.pause()
        assert app.session.dirty
        await pilot.press("ctrl+s", *"ro check", "enter")
        await loaded(pilot)
        saved = app.scenarios_folder() / "ro-check.toml"
        assert saved.is_file() and not saved.resolve().is_relative_to(folder.resolve())
        await export_the_site_table(pilot, app, folder)
        await pilot.press("f5")
        await loaded(pilot)
        assert app.session is not None and not error_dialogs(app)
    assert main(["check", "--data", str(folder)]) == 0
    for fmt in ("json", "md", "csv"):
        assert main(["report", "--data", str(folder), "--format", fmt]) == 0
    assert main(["report", "--data", ".", "--scenario", str(saved)]) == 0
    capsys.readouterr()
    assert listing(folder) == before


async def export_the_site_table(pilot: Any, app: WfplanApp, folder: Path) -> None:
    """ctrl+e on Site costs, the dialog's defaults: a CSV in the exports folder."""
    try:
        from tui.export_dialog import ExportDialog
    except ImportError:  # no export in this version of the app
        return
    await pilot.press("ctrl+e")
    assert isinstance(app.screen, ExportDialog)
    await pilot.press("enter")
    await loaded(pilot)
    exported = [n for n in app._notifications if str(n.message).startswith("Exported")]
    assert exported and str(folder) not in str(exported[0].message)


def test_duckdb_spills_outside_the_data_folder(small_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """DuckDB writes temporary files past memory_limit; by default into '.tmp' under the
    working directory, which is the data folder when run as `wfplan --data .`."""
    monkeypatch.chdir(small_folder)
    engine = Engine(small_folder)
    spill = engine.sql("SELECT current_setting('temp_directory') AS t")["t"].item()
    assert not (Path.cwd() / spill).resolve().is_relative_to(small_folder.resolve())


# -- issue 16: the crash path never fails, ctrl+c always reads "interrupted", no partial data ---


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    from tui.cli import main

    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def _a_bug(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("boom")


def test_the_crash_log_goes_to_the_temporary_folder_when_the_log_folder_cannot_be_made(
    small_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    """XDG_STATE_HOME naming a file: the log folder cannot be made under it. It used to end
    in a Python traceback (FileExistsError raised while reporting the bug)."""
    import tempfile

    blocker = tmp_path / "state-is-a-file"
    blocker.write_text("")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr("queries.contract.check.check_folder", _a_bug)
    code, out, err = _cli(capsys, "check", "--data", str(small_folder))
    [log] = (tmp_path / "tmp" / "wfplan-logs").glob("crash-*.log")
    assert (code, out) == (1, "")
    assert err == f"wfplan: unexpected error: boom\nThe details are in {log}\n"
    assert "RuntimeError: boom" in log.read_text()


def test_no_folder_takes_the_crash_log_and_the_user_still_sees_one_message(
    small_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    import tempfile

    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker))
    monkeypatch.setattr(tempfile, "tempdir", str(blocker))  # the temporary folder is a file too
    monkeypatch.setattr("queries.contract.check.check_folder", _a_bug)
    code, out, err = _cli(capsys, "check", "--data", str(small_folder))
    assert (code, out) == (1, "")
    first, second = err.splitlines()
    assert first == "wfplan: unexpected error: boom"
    assert second.startswith("The details are in no log file (it could not be written: ")
    assert str(blocker) in second


def test_an_interrupt_inside_duckdb_during_check_is_interrupted(
    small_folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    """ctrl+c early in `check` arrives as DuckDB's InterruptException (or a RuntimeError
    'Query interrupted'): it used to be "unexpected error" with a crash log."""
    import duckdb

    for error in (duckdb.InterruptException("INTERRUPT Error: Interrupted!"), RuntimeError("Query interrupted")):
        def interrupted(*args: Any, error: Exception = error, **kwargs: Any) -> Any:
            raise error

        monkeypatch.setattr("queries.contract.check.check_folder", interrupted)
        assert _cli(capsys, "check", "--data", str(small_folder)) == (130, "", "wfplan: interrupted\n")


def test_a_second_ctrl_c_while_the_first_is_reported_is_still_interrupted(
    small_folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    """ctrl+c at the end of `report`, then again while "interrupted" is printed: it used to
    print two KeyboardInterrupt tracebacks (the second raised out of the handler)."""
    import io
    import sys

    def ctrl_c(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    class InterruptedOnce(io.StringIO):
        hit = False

        def write(self, text: str) -> int:
            if not self.hit:
                self.hit = True
                raise KeyboardInterrupt
            return super().write(text)

    monkeypatch.setattr("queries.report.build.build_report", ctrl_c)
    monkeypatch.setattr(sys, "stderr", InterruptedOnce())
    from tui.cli import main

    assert main(["report", "--data", str(small_folder)]) == 130


def test_ctrl_c_while_python_imports_wfplan_is_interrupted(small_folder: Path) -> None:
    """The command's entry point (tui.entry) catches ctrl+c before `tui.cli` (pydantic,
    DuckDB) is imported: with `tui.cli:main` as the entry point, a ctrl+c in those first few
    hundred milliseconds printed a KeyboardInterrupt traceback from importlib. Here the import
    of tui.cli is made to take 2 s, and ctrl+c arrives in the middle of it."""
    import signal
    import subprocess
    import sys

    child = (
        "import signal, sys, time\n"
        "signal.signal(signal.SIGINT, signal.default_int_handler)  # as at a terminal\n"
        "class Slow:\n"
        "    def find_spec(self, name, path, target=None):\n"
        "        if name == 'tui.cli':\n"
        "            time.sleep(2)\n"
        "sys.meta_path.insert(0, Slow())\n"
        "import tui.entry\n"
        f"sys.argv[1:] = ['check', '--data', {str(small_folder)!r}]\n"
        "print('importing', flush=True)\n"
        "sys.exit(tui.entry.main())\n"
    )
    process = subprocess.Popen([sys.executable, "-c", child], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdout.readline() == "importing\n"
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert (process.returncode, out, err) == (130, "", "wfplan: interrupted\n")


def test_an_unlistable_partition_folder_is_an_error_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    """kpi_daily/month=2026-03 cannot be listed (chmod 000 for a non-root user; here os.scandir
    refuses it, as the kernel would): Path.rglob skipped it, and check said the contract
    holds with those rows missing. Now the folder is named and the data refused."""
    tables: dict[str, Any] = base_tables()
    kpi = tables["kpi_daily"]
    tables["kpi_daily"] = {"month=2026-02/part-0.parquet": kpi.head(1), "month=2026-03/part-0.parquet": kpi.tail(2)}
    folder = write_folder(tmp_path / "data", tables)
    locked = folder / "kpi_daily" / "month=2026-03"
    real_scandir = os.scandir

    def scandir(path: Any = ".") -> Any:
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(locked))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    code, out, _ = _cli(capsys, "check", "--data", str(folder))
    assert code == 1
    assert out.splitlines() == [
        "error: kpi_daily/month=2026-03/: cannot read folder: Permission denied",
        f"{folder}: 1 error, 0 warnings; wfplan cannot open this folder until the errors are fixed",
    ]


def test_three_reports_on_the_same_data_are_the_same_bytes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 16, item 13: parallel float sums made three `report` runs differ in the last
    digits (KPI intervals, FTE). A demo folder of 600 agents over 150 days, kpi_daily as
    six monthly files, read by 4 DuckDB threads: the three outputs are byte for byte equal."""
    from queries.demo.generate import generate_demo
    from tui.cli import main

    folder = generate_demo(tmp_path / "demo", agents=600, days=150).folder
    config = tmp_path / "config.toml"
    config.write_text("[duckdb]\nthreads = 4\n")
    reports = []
    for _ in range(3):
        assert main(["report", "--data", str(folder), "--config", str(config)]) == 0
        reports.append(capsys.readouterr().out)
    assert '"ci_low": ' in reports[0]  # intervals are there, the figures that differed
    assert reports[0] == reports[1] == reports[2]


async def test_quitting_while_staffing_is_worked_out_stops_it_within_a_second(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 16, item 5: after q the app kept burning CPU in the staffing search until killed.
    Each of 400 forecast intervals is made to take 50 ms (20 s in all); q during the load
    stops the worker at the next interval: within a second no interval is started any more."""
    import queries.model.staffing as staffing

    forecast = pl.DataFrame({
        "queue": ["sales"] * 400,
        "interval_start": [dt.datetime(2026, 3, 2, 0, 0) + dt.timedelta(minutes=30 * i) for i in range(400)],
        "interval_minutes": [30] * 400, "contacts": [100.0] * 400, "aht_seconds": [180.0] * 400,
    })
    folder = write_folder(tmp_path / "data", {**base_tables(), "forecast": forecast})
    calls: list[float] = []
    real = staffing.interval_performance

    def slow(*args: Any) -> Any:
        calls.append(time.monotonic())
        time.sleep(0.05)
        return real(*args)

    monkeypatch.setattr(staffing, "interval_performance", slow)
    app = make_app(folder)
    async with app.run_test(size=(80, 24)) as pilot:
        assert await wait_for(pilot, lambda: len(calls) > 5)
        await pilot.press("q")
        quit_at = time.monotonic()
    await asyncio.sleep(1.0)
    assert len(calls) < 400
    assert calls[-1] < quit_at + 1.0  # nothing started a second after q
    started = len(calls)
    await asyncio.sleep(0.5)
    assert len(calls) == started


def test_a_data_folder_that_cannot_be_read_is_a_clear_error(
    small_folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    """chmod 000 on the data folder (for a non-root user; here os.stat refuses what is inside
    it, as the kernel would): checking whether sites.parquet is a file raised PermissionError,
    which reached "unexpected error" with a crash log."""
    real_stat = os.stat

    def stat(path: Any, *args: Any, **kwargs: Any) -> Any:
        if Path(path).parent == small_folder:
            raise PermissionError(13, "Permission denied", str(path))
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", stat)
    code, out, _ = _cli(capsys, "check", "--data", str(small_folder))
    assert code == 1
    assert out.splitlines() == [
        f"error: {small_folder}: cannot read the data folder: Permission denied",
        f"{small_folder}: 1 error, 0 warnings; wfplan cannot open this folder until the errors are fixed",
    ]


def test_folder_state_sees_a_change_in_a_table_folder_behind_a_symbolic_link(tmp_path: Path) -> None:
    """A table folder may be a link (the engine reads through it): a rewrite behind it is a
    change; a link back up the tree is listed once."""
    folder = write_folder(tmp_path / "data")
    elsewhere = tmp_path / "elsewhere" / "sites"
    elsewhere.mkdir(parents=True)
    (folder / "sites.parquet").rename(elsewhere / "part.parquet")
    (folder / "sites").symlink_to(elsewhere, target_is_directory=True)
    (elsewhere / "loop").symlink_to(folder, target_is_directory=True)
    before = folder_state(folder)
    assert [e[0] for e in before if e[0].startswith("sites")] == ["sites/part.parquet"]
    (elsewhere / "part.parquet").write_bytes((elsewhere / "part.parquet").read_bytes() + b"\0")
    assert changed_files(before, folder_state(folder)) == ["sites/part.parquet"]
