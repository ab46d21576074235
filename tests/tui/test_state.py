"""Screens ask the app with messages and read one frozen `Loaded` (tui/state.py).

The messages bubble from the screen that posts them to the app, which carries them out; what
the app loaded is replaced whole, so a screen holding the old `Loaded` still sees one period
with its own KPI sums.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from queries.config import load_settings
from queries.model.scenario import Closure
from tests.screen import loaded, screen_lines
from tui.app import WfplanApp
from tui.state import ChoosePeriod, EditScenario, WantKpis

D = dt.date


async def test_a_screens_messages_reach_the_app_and_state_is_replaced_whole(small_folder: Path) -> None:
    app = WfplanApp(settings=load_settings(), folder=small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        screen = app.screen
        screen.post_message(WantKpis())
        await pilot.pause()  # the message is handled; then its worker finishes
        await loaded(pilot)
        before = app.state
        assert before.kpi_inputs is not None and before.kpi_inputs.period == before.period
        with pytest.raises(dataclasses.FrozenInstanceError):
            before.period = None  # type: ignore[misc]

        # The same as-of date: the period changes, the data and the session stay, the KPI sums go.
        screen.post_message(ChoosePeriod(before.period.as_of, D(2026, 3, 1), before.period.as_of))
        await loaded(pilot)
        after = app.state
        assert (after.period.start, after.period.end) == (D(2026, 3, 1), D(2026, 3, 31))
        assert after.session is before.session and after.data is before.data and after.kpi_inputs is None
        assert before.period.start != D(2026, 3, 1) and before.kpi_inputs.period == before.period  # untouched

        closing = after.session.scenario.with_closure(Closure(site_id="KEN", close_date=D(2026, 9, 30)))
        screen.post_message(EditScenario(closing))
        await pilot.pause()
        await loaded(pilot)
        assert [c.site_id for c in app.state.session.scenario.closures] == ["KEN"]
        assert screen_lines(app)[0].endswith("Untitled ●")  # the info bar: unsaved edits
        assert any("closes 2026-09-30" in line for line in screen_lines(app))
