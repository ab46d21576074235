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


async def test_edits_in_one_burst_each_see_the_ones_before(small_folder: Path) -> None:
    """Keys pressed in one burst are handled by the screen before the app applies the edits of
    the earlier ones: each edit is applied to the scenario in force, so none undoes another,
    and the second reopen of a site says it is not closed (as it did before edits were posted)."""
    app = WfplanApp(settings=load_settings(), folder=small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        closures = [Closure(site_id=s, close_date=D(2026, 9, 30)) for s in ("KEN", "BOI")]
        app.edit_scenario(app.session.scenario.with_closure(closures[0]).with_closure(closures[1]))
        await loaded(pilot)
        screen = app.screen
        table = screen.query_one("#sites")
        rows = [row.value for row in table.rows]

        # Reopen both sites with nothing handled in between: the second edit is worked out
        # by the screen while the app still has both closed.
        table.move_cursor(row=rows.index("KEN"))
        screen.action_reopen_site()
        table.move_cursor(row=rows.index("BOI"))
        screen.action_reopen_site()
        screen.action_reopen_site()  # BOI again, before the app reopened it the first time
        await pilot.pause()
        await loaded(pilot)
        assert app.session.scenario.closures == []
        assert [n.message for n in app._notifications] == ["BOI is not closed in this scenario"]
        app.session.undo()  # two edits in the history, one per site
        assert [c.site_id for c in app.session.scenario.closures] == ["BOI"]
        app.session.undo()
        assert sorted(c.site_id for c in app.session.scenario.closures) == ["BOI", "KEN"]
