"""The start cache (tui/quick_start.py): a second start on the same inputs draws the first
screen's numbers before loading, and they are the numbers the load then shows; a change of
the exports, the settings, the scenario or the environment misses it, and so does a damaged entry."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from textual.widgets import DataTable

from queries.contract.check_cache import cache_folder
from queries.errors import ConfigError
from tests.folders import base_tables, write_folder
from tests.screen import loaded, screen_text
from tui.app import WfplanApp
from tui.cli import build_parser, settings_from
from tui.quick_start import KIND, QuickStart, look_up


def launch(*argv: str) -> tuple[Any, QuickStart]:
    args = build_parser().parse_args(list(argv))
    return args, look_up(args, lambda: settings_from(args, quiet=True))


def cells(app: WfplanApp) -> list[list[tuple[str, str]]]:
    """The Site costs table as drawn: headings, then every row's cells (text and style)."""
    table: DataTable[Any] = app.screen.query_one("#sites", DataTable)
    rows = [[(str(c.label.plain), c.label.justify) for c in table.columns.values()]]
    return rows + [[(cell.plain, str(cell.style)) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def first_start(*argv: str) -> list[list[tuple[str, str]]]:
    """Start as `wfplan` does on a cache miss, load, and give the table drawn."""
    args, quick = launch(*argv)
    assert quick.first is None
    app = WfplanApp(settings=settings_from(args), folder=args.data, scenario_path=args.scenario, quick=quick)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        return cells(app)


def site_row(table: list[list[tuple[str, str]]], site: str) -> list[tuple[str, str]]:
    return next(row for row in table[1:] if row[0][0].startswith(f"{site} "))


def entries() -> list[Path]:
    return sorted(cache_folder().glob(f"{KIND}-*.json"))


async def test_a_second_start_draws_the_cached_numbers_then_the_same_loaded_ones(small_folder: Path) -> None:
    before = {p: p.stat().st_mtime_ns for p in small_folder.rglob("*")}
    live = await first_start("--data", str(small_folder))
    assert len(entries()) == 1
    assert site_row(live, "KEN")[:2] == [("KEN Kennewick", ""), ("open", "")]
    assert site_row(live, "KEN")[5] == ("$100,000", "")  # the lease in the data

    args, quick = launch("--data", str(small_folder))
    assert quick.first is not None and quick.folder == small_folder
    release = threading.Event()
    settings_read = []

    def held_settings() -> Any:  # the load waits here: what shows meanwhile is the cache's
        release.wait(20)
        settings_read.append(1)
        return settings_from(args, quiet=True)

    quick.load_settings = held_settings
    app = WfplanApp(settings=None, folder=quick.folder, quick=quick)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert app.session is None and settings_read == []
            assert cells(app) == live
            text = screen_text(app)
            assert f"as of {quick.first.as_of}" in text and "Untitled" in text and "$100,000" in text
            release.set()
            await loaded(pilot)
            assert app.session is not None and app.preview is None
            assert cells(app) == live
    finally:
        release.set()
    assert {p: p.stat().st_mtime_ns for p in small_folder.rglob("*")} == before  # nothing written there
    assert len(entries()) == 1  # found and unchanged: not written again


async def test_changed_exports_miss_the_cache_and_the_next_start_shows_the_new_numbers(small_folder: Path) -> None:
    await first_start("--data", str(small_folder))
    sites = base_tables()["sites"].with_columns(
        lease_annual=pl.when(pl.col("site_id") == "KEN").then(150_000.0).otherwise(pl.col("lease_annual")))
    write_folder(small_folder, {"sites": sites})
    _, quick = launch("--data", str(small_folder))
    assert quick.first is None

    live = await first_start("--data", str(small_folder))
    assert site_row(live, "KEN")[5] == ("$150,000", "")
    _, quick = launch("--data", str(small_folder))
    assert quick.first is not None
    ken = next(row for key, row in quick.first.view["rows"] if key == "KEN")
    assert ["$150,000", "", "right"] in ken and ["$100,000", "", "right"] not in ken


async def test_an_added_export_file_misses_the_cache(small_folder: Path) -> None:
    await first_start("--data", str(small_folder))
    (small_folder / "stray").mkdir()
    base_tables()["sites"].write_parquet(small_folder / "stray" / "x.parquet")
    assert launch("--data", str(small_folder))[1].first is None


async def test_a_table_folder_behind_a_symbolic_link_is_fingerprinted_too(small_folder: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere" / "sites"
    elsewhere.mkdir(parents=True)
    (small_folder / "sites.parquet").rename(elsewhere / "part.parquet")
    (small_folder / "sites").symlink_to(elsewhere, target_is_directory=True)
    live = await first_start("--data", str(small_folder))
    assert site_row(live, "KEN")[5] == ("$100,000", "")
    assert launch("--data", str(small_folder))[1].first is not None

    sites = base_tables()["sites"].with_columns(lease_annual=pl.col("lease_annual") * 2)
    sites.write_parquet(elsewhere / "part.parquet")
    assert launch("--data", str(small_folder))[1].first is None


async def test_changed_settings_environment_or_scenario_miss_the_cache(
        small_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config, scenario = tmp_path / "c.toml", tmp_path / "s.toml"
    config.write_text("[remote]\nstipend_monthly = 50\n")
    scenario.write_text('name = "Close TUL"\n')
    argv = ("--config", str(config), "--data", str(small_folder), "--scenario", str(scenario))
    await first_start(*argv)
    assert launch(*argv)[1].first is not None

    config.write_text("[remote]\nstipend_monthly = 75\n")
    assert launch(*argv)[1].first is None
    config.write_text("[remote]\nstipend_monthly = 50\n")
    assert launch(*argv)[1].first is not None  # the same bytes again: the same numbers

    scenario.write_text('name = "Close TUL"\n[[closures]]\nsite_id = "TUL"\nclose_date = 2026-06-30\n')
    assert launch(*argv)[1].first is None
    scenario.write_text('name = "Close TUL"\n')

    for name in ("WFPLAN_REMOTE__STIPEND_MONTHLY", "wfplan_remote__stipend_monthly"):  # read in any case
        monkeypatch.setenv(name, "75")
        assert launch(*argv)[1].first is None
        monkeypatch.delenv(name)
    assert launch(*argv)[1].first is not None
    assert launch(*argv[2:])[1].first is None  # no --config: the user's settings file instead


async def test_the_cached_scenario_is_the_one_of_the_file(small_folder: Path, tmp_path: Path) -> None:
    scenario = tmp_path / "s.toml"
    scenario.write_text('name = "Close TUL"\n[[closures]]\nsite_id = "TUL"\nclose_date = 2026-06-30\n')
    live = await first_start("--data", str(small_folder), "--scenario", str(scenario))
    _, quick = launch("--data", str(small_folder), "--scenario", str(scenario))
    assert quick.first is not None and quick.first.scenario == "Close TUL"
    tul = next(row for key, row in quick.first.view["rows"] if key == "TUL")
    assert tul[1] == ["closes 2026-06-30", "dim", "left"]
    assert [(text, style) for text, style, _ in tul] == site_row(live, "TUL")


async def test_a_damaged_entry_is_ignored_and_written_again(small_folder: Path) -> None:
    await first_start("--data", str(small_folder))
    [entry] = entries()
    good = json.loads(entry.read_text())

    entry.write_text('{"sum": "0", "payl')
    assert launch("--data", str(small_folder))[1].first is None
    await first_start("--data", str(small_folder))
    assert json.loads(entry.read_text()) == good and launch("--data", str(small_folder))[1].first is not None

    # A figure changed behind the checksum's back.
    entry.write_text(json.dumps(good).replace("$100,000", "$900,000"))
    assert launch("--data", str(small_folder))[1].first is None

    # Checksummed but not a view the screen can draw.
    from tui.quick_start import _checksum

    payload = dict(good["payload"], view=dict(good["payload"]["view"], rows=[["KEN", ["$1"]]]))
    entry.write_text(json.dumps({"sum": _checksum(payload), "payload": payload}))
    assert launch("--data", str(small_folder))[1].first is None


async def test_settings_that_no_longer_load_end_a_cached_start_as_the_command_would(small_folder: Path) -> None:
    await first_start("--data", str(small_folder))
    _, quick = launch("--data", str(small_folder))
    assert quick.first is not None

    def broken() -> Any:
        raise ConfigError("remote.stipend_monthly: must be >= 0 (got '-1')")

    quick.load_settings = broken
    app = WfplanApp(settings=None, folder=small_folder, quick=quick)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
    assert app.return_code == 2
    assert app.crash_message == "wfplan: config error: remote.stipend_monthly: must be >= 0 (got '-1')"


async def test_a_folder_that_breaks_the_contract_replaces_the_cached_numbers(small_folder: Path) -> None:
    await first_start("--data", str(small_folder))
    _, quick = launch("--data", str(small_folder))
    assert quick.first is not None
    release = threading.Event()
    real = quick.load_settings

    def held() -> Any:
        release.wait(20)
        return real()

    quick.load_settings = held
    app = WfplanApp(settings=None, folder=small_folder, quick=quick)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert "$100,000" in screen_text(app)
            (small_folder / "sites.parquet").write_bytes(b"not parquet")  # after the cache was found
            release.set()
            await loaded(pilot)
            assert app.preview is None and app.session is None
            from tui.screens.problems import ProblemsScreen

            assert isinstance(app.screen, ProblemsScreen)
            assert app.status == "the data folder breaks the data contract"
            app.pop_screen()
            await pilot.pause()
            assert app.screen.SCREEN_TITLE == "Site costs"
            assert "$100,000" not in screen_text(app)
    finally:
        release.set()
    assert launch("--data", str(small_folder))[1].first is None


async def test_settings_changed_after_they_were_read_keep_no_entry(small_folder: Path, tmp_path: Path) -> None:
    """The settings are read at launch; the config file changes before the load is done. The
    numbers are the old config's, so no entry is kept, under the old key or the new one."""
    config = tmp_path / "c.toml"
    config.write_text("[remote]\nstipend_monthly = 50\n")
    argv = ("--config", str(config), "--data", str(small_folder))
    args, quick = launch(*argv)
    settings = settings_from(args)
    config.write_text("[remote]\nstipend_monthly = 75\n")  # after the read, before the load
    app = WfplanApp(settings=settings, folder=args.data, quick=quick)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
    assert entries() == []
    assert launch(*argv)[1].first is None
