"""Issue 21: what is shown fits the terminal, at 80x24 and at 200x50: explanations flow to
the dialog's width, Headcount's figures sit by their labels, Staffing shows occupancy."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.screen import loaded, screen_lines, screen_words
from tests.tui.test_keys_and_feedback import make_app
from tui.dialogs import TextDialog, flow


def test_a_sentence_that_goes_on_in_capitals_flows_too() -> None:
    """Staffing's "... whose Erlang C service level⏎SL = 1 - ..." is one sentence; a result
    line after a formula and a line after a finished sentence stay where they are."""
    lines = ["Required agents N = the smallest N > A whose Erlang C service level",
             "SL = 1 - P(wait) meets the target,", "and A / N <= max occupancy.",
             "Remote cost = 12 x stipend + IT", "= 12 x $50 + $300 = $900 per year", "Per hybrid agent = $300"]
    assert flow(lines) == [
        "Required agents N = the smallest N > A whose Erlang C service level SL = 1 - P(wait) meets the target, "
        "and A / N <= max occupancy.",
        "Remote cost = 12 x stipend + IT", "= 12 x $50 + $300 = $900 per year", "Per hybrid agent = $300"]


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


@pytest.fixture
def busy_folder(tmp_path: Path) -> Path:
    """The small folder plus a busy forecast: one queue, 1,000 contacts every half hour for a
    week at AHT 180 s, so A = 1,000 x 180 / 1,800 = 100 Erlangs. Erlang C at 80/20 needs
    N = 107 (106 agents answer fewer than 80% in 20 s), so occupancy = 100 / 107 = 93.5%."""
    import datetime as dt

    import polars as pl

    from tests.folders import write_folder

    folder = write_folder(tmp_path / "data")
    start, half_hours = dt.datetime(2026, 3, 23), 7 * 48
    pl.DataFrame({
        "queue": ["billing"] * half_hours,
        "interval_start": [start + dt.timedelta(minutes=30 * i) for i in range(half_hours)],
        "interval_minutes": [30] * half_hours,
        "contacts": [1000.0] * half_hours,
        "aht_seconds": [180.0] * half_hours,
    }).write_parquet(folder / "forecast.parquet")
    return folder


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_occupancy_above_90_percent_is_a_warning_in_view(busy_folder: Path, size: tuple[int, int]) -> None:
    """At 80 columns the occupancy column was off screen, with occupancy at 97% and no cap."""
    from queries.model.erlang import required_agents

    assert required_agents(100.0, 180, 0.8, 20) == 107  # the N of the docstring
    app = make_app(busy_folder)
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        await pilot.press("5")
        await loaded(pilot)
        words = screen_words(app)
        assert "FTE scheduled · occupancy up to 93.5% ⚠" in words
        assert "⚠ Occupancy above 90%: billing 93.5% (t sets a cap)" in words
        # The column itself, marked, in view at 80 columns too (short headings).
        assert "Occup." in words
        assert next(line for line in words.splitlines() if line.startswith("billing")).endswith("93.5% ⚠")
        # A 90% cap: N = ceil(100 / 0.9) = 112 agents, occupancy 100 / 112 = 89.3%: no warning.
        await pilot.press("t")
        app.screen.query_one("#field-max_occupancy").value = "90%"
        await pilot.press("enter")
        await loaded(pilot)
        words = screen_words(app)
        assert "occupancy up to 89.3%" in words and "⚠" not in words


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_headcount_figures_sit_by_their_labels_and_a_site_shows_its_own_gap(small_folder: Path,
                                                                                  size: tuple[int, int]) -> None:
    """At 200x50 the mix's numbers sat 130 columns right of their labels. On 2026-03-31 the
    small folder has 4 onsite, 2 hybrid, 1 remote agents. Drilled into KEN (A1, A2 onsite,
    A3 hybrid, no remote): remote share 0.0%, and a 50% target needs ceil(0.5 x 3 - 0) = 2
    conversions there; the panel says the plan itself is all sites'."""
    app = make_app(small_folder)
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        await pilot.press("2")
        onsite = next(line for line in screen_lines(app) if line.lstrip().startswith("Onsite"))
        label_end = onsite.index("Onsite") + len("Onsite")
        assert onsite[label_end:].lstrip().startswith("4") and len(onsite[label_end:]) - len(onsite[label_end:].lstrip()) < 12
        await pilot.press("v", "down", "enter")
        await pilot.pause()
        words = " ".join(screen_words(app).split())
        assert "Remote target, all sites" in words
        assert "KEN: remote share 0.0%, 2 agents to convert for 50.0% here." in words


def test_one_conversion_a_month_reads_in_the_singular() -> None:
    import datetime as dt

    from queries.model.headcount import _plan_note

    assert _plan_note(5, 1, dt.date(2027, 1, 1), dt.date(2026, 9, 30), 120) == \
        "At 1 conversion a month the target is reached in January 2027."
    assert _plan_note(5, 2, None, dt.date(2026, 9, 30), 120) == \
        "At 2 conversions a month the target is not reached within 10 years."
