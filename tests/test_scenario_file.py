"""Scenario files: TOML round trips byte for byte, atomic saves, never into the data folder."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.widgets import Input

from queries.config import load_settings
from queries.scenario import AhtDelta, Closure, RemoteTarget, Scenario, SiteChange, load_scenario
from queries.scenario_file import SaveError, file_name, save_scenario, scenario_toml
from tests.screen import loaded, screen_words
from tui.app import WfplanApp

EVERY_CHANGE = (
    Scenario(name="Close Kennewick, then 50% remote", description="free text",
             closures=[Closure(site_id="KEN", close_date=dt.date(2026, 12, 31), retain_share=0.8, backfill_share=1.0)],
             remote_target=RemoteTarget(share=0.5, sites=["BOI", "TUL"], conversions_per_month=20),
             site_changes=[SiteChange(site_id="BOI", lease_annual=700000.0)],
             aht_delta=AhtDelta(remote=0.03))
    .with_parameters("remote", {"stipend_monthly": 75.0})
    .with_parameters("hiring", {"allowed_states": ["WA", "ID"], "max_median_wage": 22.5})
)


def test_every_change_round_trips_byte_for_byte(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    save_scenario(EVERY_CHANGE, path)
    first = path.read_bytes()
    loaded_back = load_scenario(path)
    assert loaded_back == EVERY_CHANGE
    save_scenario(loaded_back, path)
    assert path.read_bytes() == first


def test_the_file_reads_like_the_spec() -> None:
    text = scenario_toml(EVERY_CHANGE)
    assert text.startswith('name = "Close Kennewick, then 50% remote"\ndescription = "free text"\n')
    assert "[parameters.remote]\nstipend_monthly = 75.0\n" in text
    assert '[[closures]]\nsite_id = "KEN"\nclose_date = 2026-12-31\nretain_share = 0.8\n' in text
    assert "labor" not in text  # sections without changes are left out
    assert scenario_toml(Scenario()) == 'name = "Untitled"\ndescription = ""\n'


def test_an_interrupted_save_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "s.toml"
    save_scenario(Scenario(name="old"), path)

    def killed(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("queries.scenario_file.os.replace", killed)
    with pytest.raises(KeyboardInterrupt):
        save_scenario(Scenario(name="new"), path)
    assert load_scenario(path).name == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["s.toml"]  # no temporary file left


def test_a_full_disk_is_reported_and_the_old_file_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno
    import os

    path = tmp_path / "s.toml"
    save_scenario(Scenario(name="old"), path)

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("queries.scenario_file.os.fsync", disk_full)
    with pytest.raises(SaveError, match=r"s.toml: cannot save: No space left on device; the old file is unchanged$"):
        save_scenario(Scenario(name="new"), path)
    assert load_scenario(path).name == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["s.toml"]


def test_never_into_the_data_folder(small_folder: Path) -> None:
    with pytest.raises(SaveError, match=r"wfplan never writes into the data folder"):
        save_scenario(Scenario(), small_folder / "s.toml", data_folder=small_folder)


def test_file_names() -> None:
    assert file_name("Close Kennewick, then 50% remote") == "close-kennewick-then-50-remote.toml"
    assert file_name("***") == "scenario.toml"


async def test_ctrl_s_saves_and_clears_the_unsaved_mark(small_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WFPLAN_SCENARIOS_FOLDER", str(tmp_path / "scenarios"))
    app = WfplanApp(settings=load_settings(), folder=small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("down", "c", "enter")
        await pilot.pause()
        assert "Untitled ●" in screen_words(app)
        await pilot.press("ctrl+s")
        app.screen.query_one("#field-name", Input).value = "Close KEN"
        await pilot.press("enter")
        await pilot.pause()
        path = tmp_path / "scenarios" / "close-ken.toml"
        saved = load_scenario(path)
        assert saved.name == "Close KEN" and [c.site_id for c in saved.closures] == ["KEN"]
        assert saved.meta.as_of == dt.date(2026, 3, 31) and len(saved.meta.data_fingerprint) == 16
        assert "Close KEN" in screen_words(app) and "●" not in screen_words(app)
        await pilot.press("q")  # nothing unsaved: quits without asking
    assert app.return_code == 0


async def test_open_a_saved_scenario_and_a_broken_one(small_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tui.dialogs import ChooseDialog, ConfirmDialog, ErrorDialog

    folder = tmp_path / "scenarios"
    monkeypatch.setenv("WFPLAN_SCENARIOS_FOLDER", str(folder))
    save_scenario(Scenario(name="Close KEN", closures=[Closure(site_id="KEN", close_date=dt.date(2026, 12, 31))]),
                  folder / "a-close-ken.toml")
    (folder / "b-broken.toml").write_text('[[closures]]\nsite_id = "XXX"\nclose_date = 2026-12-31\n')
    app = WfplanApp(settings=load_settings(), folder=small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("ctrl+o")
        assert isinstance(app.screen, ChooseDialog)
        await pilot.press("enter")  # the first file
        await pilot.pause()
        assert app.session.scenario.name == "Close KEN" and not app.session.dirty
        assert app.session.evaluate().outcome.annual_savings == pytest.approx(146_600)
        await pilot.press("down", "o")  # reopen KEN: now there are unsaved edits
        await pilot.press("ctrl+o", "down", "enter")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, ErrorDialog)
        assert "closures: unknown site 'XXX'" in app.screen.message
        await pilot.press("escape")
        assert app.session.scenario.name == "Close KEN"  # nothing was changed
        await pilot.press("ctrl+n", "y")
        await pilot.pause()
        assert app.session.scenario == Scenario() and app.session.scenario_path is None
