"""Issue 21: share fields take what planners type. The screens show shares in percent, so
`60%`, `60` and `0.6` all mean 60% in every share field, and the field says how it read it.
Other numbers (a lease, seconds) are untouched."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Label

from queries.config import HiringParams, StaffingParams
from queries.model.scenario import Closure, RemoteTarget
from tests.screen import loaded
from tests.tui.test_keys_and_feedback import make_app
from tui.dialogs import FormDialog
from tui.validators import ModelField

SIZES = [(80, 24), (160, 48)]


@pytest.mark.parametrize("typed", ["60%", "60", "0.6", " 60 % ", "60.0"])
def test_every_way_of_typing_sixty_percent_reads_as_0_6(typed: str) -> None:
    for model, field in ((RemoteTarget, "share"), (Closure, "retain_share"), (Closure, "backfill_share"),
                         (HiringParams, "min_broadband_share"), (StaffingParams, "service_level"),
                         (StaffingParams, "shrinkage"), (StaffingParams, "max_occupancy")):
        validator = ModelField(model, field)
        assert validator.is_share, field
        assert validator.validate(typed).is_valid, field
        assert validator.parse(typed) == 0.6, field
        assert validator.reading(typed) == "read as 60%"


def test_a_share_out_of_range_says_so_in_percent() -> None:
    target = ModelField(RemoteTarget, "share")
    assert target.validate("150%").failure_descriptions == ["must be <= 100% (got 150%)"]
    assert target.validate("-5").failure_descriptions == ["must be >= 0% (got -5%)"]
    assert target.validate("sixty").failure_descriptions == ["must be a share like 60%, 60 or 0.6 (got 'sixty')"]
    assert target.parse("1") == 1.0 and target.parse("100") == 1.0 and target.parse("0.5%") == 0.005
    assert target.parse("57.1") == 0.571  # 57.1 / 100, no float noise
    # Service level must stay below 100%: 100 is read as 100% and refused with the rule.
    assert ModelField(StaffingParams, "service_level").validate("100").failure_descriptions == [
        "must be below 100% (got 100%)"]


def test_fields_that_are_not_shares_are_read_as_before() -> None:
    seconds = ModelField(StaffingParams, "answer_seconds")
    assert not seconds.is_share and seconds.parse("60") == 60 and seconds.reading("60") == ""
    assert seconds.shown("20") == "20"


@pytest.mark.parametrize("size", SIZES)
async def test_the_remote_target_takes_60_and_says_how_it_read_it(small_folder: Path, size: tuple[int, int]) -> None:
    """"60" was refused with "must be <= 1" and "60%" with "must be a number"."""
    app = make_app(small_folder)
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        await pilot.press("2", "t")
        assert isinstance(app.screen, FormDialog)
        field = app.screen.query_one("#field-share", Input)
        assert field.value == "50%"  # the configured 0.5, shown as the screens show shares
        field.value = "60"
        await pilot.pause()
        echo = app.screen.query_one("#error-share", Label)
        assert echo.display and str(echo.render()) == "read as 60%" and echo.has_class("form-echo")
        field.value = "160"
        await pilot.pause()
        assert str(echo.render()) == "must be <= 100% (got 160%)" and not echo.has_class("form-echo")
        field.value = "60%"
        await pilot.press("enter")
        await pilot.pause()
        assert app.session.scenario.remote_target.share == 0.6


@pytest.mark.parametrize("size", SIZES)
async def test_closing_a_site_takes_shares_in_percent(small_folder: Path, size: tuple[int, int]) -> None:
    app = make_app(small_folder)
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        await pilot.press("down", "c")  # KEN
        assert isinstance(app.screen, FormDialog)
        assert app.screen.query_one("#field-retain_share", Input).value == "80%"
        app.screen.query_one("#field-retain_share", Input).value = "50"
        app.screen.query_one("#field-backfill_share", Input).value = "0.25"
        await pilot.press("enter")
        await pilot.pause()
        closure = app.session.scenario.closures[0]
        assert (closure.retain_share, closure.backfill_share) == (0.5, 0.25)
