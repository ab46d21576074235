"""Scenario files: TOML round trips byte for byte, atomic saves, never into the data folder."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.widgets import Input

from queries.config import load_settings
from queries.model.scenario import AhtDelta, Closure, RemoteTarget, Scenario, ScenarioError, SiteChange, load_scenario
from queries.plan.scenario_file import (
    DataStamp,
    SaveError,
    changed_data_warning,
    file_name,
    save_scenario,
    scenario_toml,
    with_meta,
)
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

    monkeypatch.setattr("queries.plan.scenario_file.os.replace", killed)
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

    monkeypatch.setattr("queries.plan.scenario_file.os.fsync", disk_full)
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


# -- what the data looked like: [meta] and the changed-data warning ---------------------------

STAMP = DataStamp("0123456789abcdef", {"sites": 3, "agents": 8, "assignments": 9, "kpi_daily": 1_800_000, "regions": 4},
                  dt.date(2024, 10, 1), dt.date(2026, 9, 30))


def test_meta_records_rows_and_dates_in_a_stable_order(tmp_path: Path) -> None:
    scenario = with_meta(EVERY_CHANGE, dt.date(2026, 9, 30), STAMP)
    text = scenario_toml(scenario)
    assert text.endswith(
        '[meta]\nas_of = 2026-09-30\ndata_fingerprint = "0123456789abcdef"\ndata_from = 2024-10-01\n'
        "data_to = 2026-09-30\n\n[meta.rows]\nsites = 3\nagents = 8\nassignments = 9\nkpi_daily = 1800000\nregions = 4\n"
    )
    path = tmp_path / "s.toml"
    save_scenario(scenario, path)
    first = path.read_bytes()
    assert first == text.encode()
    loaded_back = load_scenario(path)
    assert loaded_back == scenario
    save_scenario(loaded_back, path)
    assert path.read_bytes() == first


def test_a_file_from_before_rows_were_recorded_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "old.toml"
    old = 'name = "Old"\ndescription = ""\n\n[meta]\nas_of = 2026-03-31\ndata_fingerprint = "abc"\n'
    path.write_text(old)
    scenario = load_scenario(path)
    assert scenario.meta.rows is None and scenario.meta.data_from is None
    save_scenario(scenario, path)
    assert path.read_text() == old
    assert changed_data_warning("old.toml", scenario.meta, STAMP) == (
        "old.toml was saved on other data: the file does not record row counts or dates (saved by an earlier wfplan)")


@pytest.mark.parametrize(("rows", "first", "last", "expected"), [
    ({**STAMP.rows, "kpi_daily": 1_850_000}, dt.date(2024, 10, 1), dt.date(2026, 10, 31),
     "kpi_daily: 1,800,000 -> 1,850,000 rows; data from 2024-10-01..2026-09-30 -> 2024-10-01..2026-10-31"),
    ({**STAMP.rows, "forecast": 672}, STAMP.first, STAMP.last, "forecast: no table -> 672 rows"),
    ({k: v for k, v in STAMP.rows.items() if k != "regions"}, STAMP.first, STAMP.last, "regions: 4 rows -> no table"),
    ({**STAMP.rows, "kpi_daily": 0}, None, None,
     "kpi_daily: 1,800,000 -> 0 rows; data from 2024-10-01..2026-09-30 -> no KPI rows"),
    (STAMP.rows, STAMP.first, STAMP.last, "the same row counts and dates, but the export files were rewritten since"),
])
def test_what_changed_in_the_data(rows: dict[str, int], first: dt.date | None, last: dt.date | None, expected: str) -> None:
    meta = with_meta(Scenario(), dt.date(2026, 9, 30), STAMP).meta
    now = DataStamp("fedcba9876543210", rows, first, last)
    assert changed_data_warning("plan.toml", meta, now) == f"plan.toml was saved on other data: {expected}"


def test_no_warning_on_the_same_data_or_without_a_fingerprint() -> None:
    assert changed_data_warning("plan.toml", with_meta(Scenario(), dt.date(2026, 9, 30), STAMP).meta, STAMP) is None
    assert changed_data_warning("plan.toml", Scenario().meta, STAMP) is None  # never saved by wfplan


@pytest.mark.parametrize(("meta", "message"), [
    ("[meta.rows]\nkpi_daily = -1\n", "meta.rows.kpi_daily: must be >= 0 (got -1)"),
    ('[meta.rows]\nsites = "many"\n', "meta.rows.sites: must be a whole number (got 'many')"),
    ('[meta]\ndata_from = "last year"\n', "meta.data_from: "),
    ("[meta]\nrow = 3\n", "meta.row: unknown key (did you mean meta.rows?)"),
])
def test_a_broken_meta_names_file_key_and_rule(tmp_path: Path, meta: str, message: str) -> None:
    from queries.model.scenario import ScenarioError

    path = tmp_path / "s.toml"
    path.write_text(f'name = "x"\n{meta}')
    with pytest.raises(ScenarioError) as raised:
        load_scenario(path)
    assert str(raised.value).startswith(f"{path}: {message}")


def test_a_site_closed_twice_in_a_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text('[[closures]]\nsite_id = "KEN"\nclose_date = 2026-09-30\n'
                    '[[closures]]\nsite_id = "KEN"\nclose_date = 2026-10-31\nretain_share = 0\n')
    with pytest.raises(ScenarioError, match=r"closures: site 'KEN' is listed twice; keep one entry per site"):
        load_scenario(path)
