"""Defects found in review, each pinned by a test that failed before its fix."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest
from textual.command import CommandPalette

from queries.config import ConfigError, load_settings
from queries.model.scenario import ScenarioError, load_scenario
from tests.folders import base_tables, write_folder
from tests.screen import loaded, screen_words
from tui.app import WfplanApp
from tui.cli import main
from tui.dialogs import ConfirmDialog, FilterDialog
from tui.screens.headcount import HeadcountScreen


def make_app(folder: Path) -> WfplanApp:
    return WfplanApp(settings=load_settings(), folder=folder)


async def test_palette_commands_run(small_folder: Path) -> None:
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"go: headcount", "enter")
        await pilot.pause()
        assert app.current_mode == "headcount" and isinstance(app.screen, HeadcountScreen)


async def test_markup_in_data_is_shown_as_text(tmp_path: Path) -> None:
    tables = base_tables()
    tables["sites"] = tables["sites"].with_columns(
        state=pl.Series(["WA", "ID[/]", "OK"]), name=pl.Series(["Kennewick", "[bold]Boise", "Tulsa"])
    )
    folder = write_folder(tmp_path / "data", tables)
    app = make_app(folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        assert "BOI [bold]Boise" in screen_words(app)
        await pilot.press("f")
        assert isinstance(app.screen, FilterDialog)
        await pilot.press("enter")  # open the state list (focused first), which holds "ID[/]"
        await pilot.pause()
        assert "ID[/]" in screen_words(app)


def test_timestamp_with_time_zone_dates_do_not_depend_on_the_machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """KPI dates written as UTC midnight: 2026-03-31 whatever TZ the planner is in."""
    import time

    tables = base_tables()
    tables["kpi_daily"] = tables["kpi_daily"].with_columns(
        pl.col("date").cast(pl.Datetime("us", "UTC"))
    )
    folder = write_folder(tmp_path / "data", tables)
    monkeypatch.setenv("TZ", "America/Chicago")
    time.tzset()
    try:
        assert main(["report", "--data", str(folder)]) == 0
        assert json.loads(capsys.readouterr().out)["as_of"] == "2026-03-31"
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_a_list_setting_in_the_environment_must_be_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WFPLAN_HIRING__ALLOWED_STATES", "WA")
    with pytest.raises(ConfigError, match=r"^environment WFPLAN_HIRING__ALLOWED_STATES: lists and tables must be written as JSON"):
        load_settings()
    monkeypatch.setenv("WFPLAN_HIRING__ALLOWED_STATES", '["WA", "ID"]')
    assert load_settings().hiring.allowed_states == ["WA", "ID"]


def test_files_that_are_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_bytes(b"\xff\xfe")
    with pytest.raises(ConfigError, match=r"not valid TOML: the file is not UTF-8 text$"):
        load_settings(path)
    with pytest.raises(ScenarioError, match=r"not valid TOML: the file is not UTF-8 text$"):
        load_scenario(path)


def test_a_bad_list_item_names_the_file_and_the_item(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[hiring]\nutc_offsets = [-8, "x"]\n')
    with pytest.raises(ConfigError, match=r"c.toml: hiring.utc_offsets #2: must be a number \(got 'x'\)$"):
        load_settings(path)


def test_a_zero_memory_limit_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[duckdb]\nmemory_limit = "0KB"\n')
    with pytest.raises(ConfigError, match=r"duckdb.memory_limit: must be a size above 0 like 2GB or 512MB"):
        load_settings(path)


def test_a_site_closed_twice_in_a_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text('[[closures]]\nsite_id = "KEN"\nclose_date = 2026-09-30\n'
                    '[[closures]]\nsite_id = "KEN"\nclose_date = 2026-10-31\nretain_share = 0\n')
    with pytest.raises(ScenarioError, match=r"closures: site 'KEN' is listed twice; keep one entry per site"):
        load_scenario(path)


async def test_ctrl_q_asks_too(small_folder: Path) -> None:
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("down", "c", "enter")
        await pilot.pause()
        await pilot.press("ctrl+q")
        assert isinstance(app.screen, ConfirmDialog)


async def test_a_long_site_name_leaves_room_for_the_numbers(tmp_path: Path) -> None:
    tables = base_tables()
    tables["sites"] = tables["sites"].with_columns(name=pl.Series(["K" * 300, "Boise", "Tulsa"]))
    app = make_app(write_folder(tmp_path / "data", tables))
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        words = screen_words(app)
        assert "KEN " + "K" * 19 + "… open 10 2.4 24%" in words


def test_report_tells_scripts_when_a_target_is_out_of_reach(small_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = tmp_path / "s.toml"
    scenario.write_text("[remote_target]\nshare = 1.0\n")
    assert main(["report", "--data", str(small_folder), "--scenario", str(scenario)]) == 0
    notes = json.loads(capsys.readouterr().out)["scenario"]["notes"]
    assert notes == ["remote share target 100% not reached: no movable onsite agent left at an open or closing site (4 moved, 6 needed)"]


def test_markdown_report_keeps_line_breaks_in_names_out_of_the_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tables = base_tables()
    tables["sites"] = tables["sites"].with_columns(name=pl.Series(["Kenne\nwick", "Bo\x1b[31mise", "Tulsa"]))
    folder = write_folder(tmp_path / "data", tables)
    assert main(["report", "--data", str(folder), "--format", "md"]) == 0
    md = capsys.readouterr().out
    # Issue 16: control characters are made visible (they used to become spaces), still on one row.
    assert "| KEN | Kenne\\nwick |" in md and "| BOI | Bo\\x1b[31mise |" in md and "\x1b" not in md


del dt


async def test_a_bug_stops_the_app_without_a_traceback_and_keeps_the_edits(
    small_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Textual hands an exception raised in any handler to App._handle_exception."""
    from queries.model.scenario import load_scenario

    monkeypatch.setenv("WFPLAN_SCENARIOS_FOLDER", str(tmp_path / "scenarios"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("down", "c", "enter")
        await pilot.pause()
        try:
            _ = 1 / 0
        except ZeroDivisionError as error:
            app._handle_exception(error)
        await pilot.pause()
    assert app.return_code == 1
    message = app.crash_message.replace("\n", " ")  # printed by `wfplan` once the terminal is back
    assert message.startswith("wfplan stopped after an unexpected error: division by zero The details are in ")
    assert "Traceback" not in message
    autosave = tmp_path / "scenarios" / "autosave.toml"
    assert f"Your unsaved scenario edits are in {autosave} (ctrl+o opens it)" in message
    assert [c.site_id for c in load_scenario(autosave).closures] == ["KEN"]
    logs = list((tmp_path / "state").rglob("crash-*.log"))
    assert len(logs) == 1 and "ZeroDivisionError" in logs[0].read_text()
