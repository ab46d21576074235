"""Issue 21: what is shown fits the terminal, at 80x24 and at 200x50: explanations flow to
the dialog's width, Headcount's figures sit by their labels, Staffing shows occupancy."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.screen import loaded, screen_lines, screen_words
from tests.test_keys_and_feedback import make_app
from tui.dialogs import TextDialog, flow


def test_a_sentence_written_over_two_lines_flows_as_one() -> None:
    lines = ["Headcount on a day = employed agents whose", "assignment that day has the mode.",
             "Utilization = seat demand / seats", "= 1.30 / 8 = 16.3%", "  site costs   $90,000", "",
             "Onsite reach: regions near a site", "(3 in the scenario)."]
    assert flow(lines) == ["Headcount on a day = employed agents whose assignment that day has the mode.",
                           "Utilization = seat demand / seats", "= 1.30 / 8 = 16.3%", "  site costs   $90,000", "",
                           "Onsite reach: regions near a site (3 in the scenario)."]


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_the_headcount_explanation_is_not_cut_mid_sentence(small_folder: Path, size: tuple[int, int]) -> None:
    """It read "... whose⏎assignment that day ..." at any width."""
    app = make_app(small_folder)
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        await pilot.press("2", "x")
        assert isinstance(app.screen, TextDialog)
        lines = screen_lines(app)
        if size[0] >= 200:
            assert any("whose assignment that day has the mode" in line for line in lines)
        else:  # wrapped by the dialog at its width, word by word
            assert "whose assignment that day has the mode" in " ".join(screen_words(app).split())
