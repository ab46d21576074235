"""The planner's work survives a reload (F5), a reload that no longer fits, and a bug in an action."""

from __future__ import annotations

import asyncio
from pathlib import Path

import polars as pl
import pytest

from queries.config import load_settings
from queries.model.scenario import load_scenario
from tests.folders import base_tables, write_folder
from tests.screen import loaded, screen_text
from tui.app import WfplanApp
from tui.dialogs import ConfirmDialog, ErrorDialog
from tui.screens.site_costs import SiteCostsScreen


@pytest.fixture
def scenarios(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("WFPLAN_SCENARIOS_FOLDER", str(tmp_path / "scenarios"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return tmp_path / "scenarios"


def make_app(folder: Path) -> WfplanApp:
    return WfplanApp(settings=load_settings(), folder=folder)


async def test_f5_keeps_the_scenario_its_unsaved_edits_and_undo(small_folder: Path, scenarios: Path) -> None:
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("down", "c", "enter")  # close KEN with the dialog's defaults
        await pilot.pause()
        assert [c.site_id for c in app.session.scenario.closures] == ["KEN"] and app.session.dirty
        await pilot.press("f5")
        await loaded(pilot)
        assert [c.site_id for c in app.session.scenario.closures] == ["KEN"]
        assert app.session.dirty and "●" in screen_text(app).splitlines()[0]
        await pilot.press("u")  # the undo history came along
        await pilot.pause()
        assert app.session.scenario.closures == [] and not app.session.dirty


async def test_a_reload_the_scenario_no_longer_fits_keeps_the_edits_in_a_file(
        tmp_path: Path, scenarios: Path) -> None:
    folder = write_folder(tmp_path / "data")
    app = make_app(folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("down", "c", "enter")
        await pilot.pause()
        assert [c.site_id for c in app.session.scenario.closures] == ["KEN"]
        # The exports change under the app: KEN is gone (with its assignments).
        tables = base_tables()
        tables["sites"] = tables["sites"].filter(pl.col("site_id") != "KEN")
        tables["assignments"] = tables["assignments"].filter(pl.col("site_id").fill_null("") != "KEN")
        write_folder(folder, tables)
        await pilot.press("f5")
        await loaded(pilot)
        dialog = app.screen
        assert isinstance(dialog, ErrorDialog)
        text = screen_text(app)
        assert "The scenario could not be opened" in text and "KEN" in text
        autosave = scenarios / "autosave.toml"
        assert [c.site_id for c in load_scenario(autosave).closures] == ["KEN"]
        assert app.session is not None and app.session.scenario.closures == []


async def test_quitting_during_a_reload_still_asks(small_folder: Path, scenarios: Path) -> None:
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("down", "c", "enter")
        await pilot.pause()
        app.action_reload()  # the session is set aside while the folder loads again
        assert app.session is None
        app.action_quit_app()
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)


async def test_a_bug_in_an_action_opens_an_error_screen_and_the_app_carries_on(
        small_folder: Path, scenarios: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: SiteCostsScreen) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(SiteCostsScreen, "action_sort", broken)
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("down", "c", "enter")
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ErrorDialog)
        text = " ".join(screen_text(app).split())
        assert "Something went wrong" in text and "division by zero" in text and "Traceback" not in text
        logs = list((tmp_path / "state").rglob("crash-*.log"))
        assert len(logs) == 1 and "ZeroDivisionError" in logs[0].read_text()
        assert [c.site_id for c in load_scenario(scenarios / "autosave.toml").closures] == ["KEN"]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SiteCostsScreen)
        await pilot.press("u")  # still working
        await pilot.pause()
        assert app.session.scenario.closures == []
    assert app.return_code in (None, 0)


async def test_notifications_never_read_text_as_markup(small_folder: Path, scenarios: Path) -> None:
    app = make_app(small_folder)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        app.notify("Saved /tmp/[bold]odd[/]/plan.toml")
        app.screen.notify("site [red]KEN[/red]", severity="warning")
        await pilot.pause()
        shown = [(n.message, n.markup) for n in app._notifications]
        assert ("Saved /tmp/[bold]odd[/]/plan.toml", False) in shown
        assert ("site [red]KEN[/red]", False) in shown


async def test_a_changed_export_is_noticed_once_and_f5_clears_it(tmp_path: Path, scenarios: Path) -> None:
    from tui import app as app_module

    folder = write_folder(tmp_path / "data")
    app = make_app(folder)
    assert app_module.WATCH_SECONDS <= 10  # the planner hears of it within seconds

    def told() -> list[str]:
        return [n.message for n in app._notifications if n.title == "Data changed"]

    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        app._watch_folder()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert told() == []
        base_tables()["sites"].with_columns(lease_annual=pl.col("lease_annual") * 2).write_parquet(
            folder / "sites.parquet")
        for _ in range(2):  # said once, not every few seconds
            app._watch_folder()
            await app.workers.wait_for_complete()
            await pilot.pause()
        assert told() == ["The data folder changed on disk (sites.parquet); the numbers shown are from before. "
                          "F5 reloads."]
        await pilot.press("f5")
        await loaded(pilot)
        assert "$200,000" in screen_text(app)  # KEN's lease, doubled
        app._watch_folder()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(told()) == 1


async def test_another_as_of_date_during_a_reload_keeps_the_scenario(small_folder: Path, scenarios: Path) -> None:
    import datetime as dt

    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("down", "c", "enter")
        await pilot.pause()
        app.action_reload()
        assert app.session is None  # mid-reload
        app.change_period(dt.date(2026, 3, 30), None, None)  # cancels the reload, starts another
        for _ in range(200):
            await pilot.pause(0.05)
            if app.session is not None:
                break
        assert app.period.as_of == dt.date(2026, 3, 30)
        assert [c.site_id for c in app.session.scenario.closures] == ["KEN"] and app.session.dirty


async def test_a_bug_in_a_dialog_answer_opens_an_error_screen(small_folder: Path, scenarios: Path,
                                                               tmp_path: Path) -> None:
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)

        def broken(answer: object) -> None:
            raise KeyError("no such thing")

        app.push_screen(ConfirmDialog("Sure?", "A question.", confirm="Yes", cancel="No"), broken)
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ErrorDialog) and app.is_running
        assert "no such thing" in screen_text(app)
        assert len(list((tmp_path / "state").rglob("crash-*.log"))) == 1


async def test_a_reload_the_exports_now_fail_keeps_the_edits_in_a_file(tmp_path: Path, scenarios: Path) -> None:
    from tui.screens.problems import ProblemsScreen

    folder = write_folder(tmp_path / "data")
    app = make_app(folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("down", "c", "enter")
        await pilot.pause()
        (folder / "sites.parquet").write_text("not parquet")
        await pilot.press("f5")
        await loaded(pilot)
        assert isinstance(app.screen, ProblemsScreen)
        assert [c.site_id for c in load_scenario(scenarios / "autosave.toml").closures] == ["KEN"]
        write_folder(folder)  # fixed: r checks again, and the edits are back
        await pilot.press("r")
        await loaded(pilot)
        assert [c.site_id for c in app.session.scenario.closures] == ["KEN"] and app.session.dirty


async def test_a_bug_in_a_dialogs_handler_shows_a_screen_then_stops(small_folder: Path, scenarios: Path,
                                                                    tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Textual stops a failing widget's message loop; the app's own loop still answers keys."""
    from tui.dialogs import FormDialog

    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("down", "c", "enter")  # an unsaved edit
        await pilot.pause()
        await pilot.press("down", "c")
        await pilot.pause()
        assert isinstance(app.screen, FormDialog)

        def broken(self: FormDialog, name: str, message: str) -> None:
            raise ValueError("a bug in a dialog")

        monkeypatch.setattr(FormDialog, "_show_error", broken)
        await pilot.press("1")  # Input.Changed -> the dialog's handler fails
        await pilot.pause()
        assert isinstance(app.screen, ErrorDialog) and app.is_running
        text = " ".join(screen_text(app).split())
        assert "wfplan must stop" in text and "a bug in a dialog" in text and "Traceback" not in text
        # What enter does; pressing it through Pilot would wait for the dead dialog below.
        app.screen.dismiss(None)
        for _ in range(50):
            if not app.is_running:
                break
            await asyncio.sleep(0.05)
    assert app.return_code == 1
    assert "Your unsaved scenario edits are in" in app.crash_message
    assert [c.site_id for c in load_scenario(scenarios / "autosave.toml").closures] == ["KEN"]
    assert len(list((tmp_path / "state").rglob("crash-*.log"))) == 1


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
