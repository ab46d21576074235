"""The KPI screen through Pilot: suppression, splits, tenure adjustment, period, scenario link."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Input

from queries.config import load_settings
from queries.demo.generate import generate_demo
from queries.model.kpi import kpi_groups
from tests.screen import loaded, screen_words
from tui.app import WfplanApp
from tui.screens.kpis import KpiScreen


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small seeded demo: enough agents per mode for comparisons, fast to scan."""
    return generate_demo(tmp_path_factory.mktemp("kpi") / "exports", agents=120, days=120, seed=3).folder


def make_app(folder: Path) -> WfplanApp:
    return WfplanApp(settings=load_settings(), folder=folder)


async def on_kpis(pilot) -> None:
    await loaded(pilot)
    await pilot.press("4")
    await loaded(pilot)
    assert isinstance(pilot.app.screen, KpiScreen)


async def test_small_groups_are_suppressed(small_folder: Path) -> None:
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await on_kpis(pilot)
        words = screen_words(app)
        assert "onsite suppressed (< 5 agents)" in words
        assert "remote suppressed (< 5 agents)" in words
        assert "FCR remote and onsite suppressed (< 5 agents)" in words


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_splits_and_tenure_adjustment(demo: Path, size: tuple[int, int]) -> None:
    app = make_app(demo)
    async with app.run_test(size=size) as pilot:
        await on_kpis(pilot)
        period = app.period
        assert f"By work mode, {period.start} to {period.end}" in screen_words(app)
        for label in ("site", "tenure band", "month", "work mode"):
            await pilot.press("b")
            assert f"By {label}, " in screen_words(app)
        await pilot.press("a")
        assert "Differences within tenure bands" in screen_words(app)
        # At 80 columns the adjusted view's last columns ("tenure explains") are reached with →.
        headings = [str(c.label) for c in app.screen.query_one("#kpi-compare", DataTable).columns.values()]
        assert "tenure explains" in headings
        await pilot.press("k")
        assert app.screen.primary == "csat"
        assert "CSAT by month" in screen_words(app)


async def test_changing_the_period_reloads_the_kpis(demo: Path) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await on_kpis(pilot)
        as_of = app.period.as_of
        await pilot.press("d")
        app.screen.query_one("#field-start", Input).value = "2020-01-01"
        app.screen.query_one("#field-end", Input).value = "2020-01-31"
        await pilot.press("enter")
        await loaded(pilot)
        assert (str(app.period.start), str(app.period.end), app.period.as_of) == ("2020-01-01", "2020-01-31", as_of)
        assert app.kpi_inputs.period == app.period
        assert "No KPI rows between 2020-01-01 and 2020-01-31" in screen_words(app)


async def test_a_backwards_period_is_refused(demo: Path) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await on_kpis(pilot)
        before = app.period
        await pilot.press("d")
        app.screen.query_one("#field-start", Input).value = "2026-09-30"
        app.screen.query_one("#field-end", Input).value = "2026-09-01"
        await pilot.press("enter")
        await pilot.pause()
        assert "the period starts (2026-09-30) after it ends (2026-09-01)" in screen_words(app)
        assert app.period == before


async def test_the_observed_aht_difference_goes_into_the_scenario(demo: Path) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await on_kpis(pilot)
        await pilot.press("m")
        groups = kpi_groups(app.kpi_inputs.groups, app.kpi_inputs.attrition, [], 5)
        aht = {r["work_mode"]: r["aht_seconds"] for r in groups.iter_rows(named=True)}
        delta = app.session.scenario.aht_delta
        assert delta.remote == pytest.approx(aht["remote"] / aht["onsite"] - 1)
        assert delta.hybrid == pytest.approx(aht["hybrid"] / aht["onsite"] - 1)
        assert app.session.dirty


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_the_tenure_adjusted_view_shows_its_interval_and_sure(demo: Path, size: tuple[int, int],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 21: `a` showed no interval and no "sure?". The screen shows the Comparison's
    tenure_adjusted_ci_low/high (spec/model.md; the report's keys of the same name), and
    "sure?" = the interval excludes 0. Here the interval is set by hand around the adjusted
    difference: AHT ± 1 s, FCR from +0.1 pp to +0.3 pp (sure: yes)."""
    import dataclasses

    import tui.screens.kpis as kpis

    real = kpis.compare

    def with_interval(*args, **kwargs):
        results = real(*args, **kwargs)
        return [dataclasses.replace(c, tenure_adjusted_ci_low=0.001, tenure_adjusted_ci_high=0.003) if c.kpi == "fcr"
                else dataclasses.replace(c, tenure_adjusted_ci_low=c.tenure_adjusted_difference - 1,
                                         tenure_adjusted_ci_high=c.tenure_adjusted_difference + 1)
                if c.kpi == "aht_seconds" and c.tenure_adjusted_difference is not None else c for c in results]

    monkeypatch.setattr(kpis, "compare", with_interval)
    app = make_app(demo)
    async with app.run_test(size=size) as pilot:
        await on_kpis(pilot)
        await pilot.press("a")

        table = app.screen.query_one("#kpi-compare", DataTable)
        headings = [column.label.plain for column in table.ordered_columns]
        assert headings[:5] == ["KPI", "remote − onsite, in bands", "95% CI", "sure?", "tenure explains"]
        fcr = [cell.plain for cell in table.get_row("fcr")]
        assert fcr[2:4] == ["+0.1 pp to +0.3 pp", "yes"]
        aht = [cell.plain for cell in table.get_row("aht_seconds")]
        low, high = (int(part.removesuffix(" s")) for part in aht[2].split(" to "))
        assert high - low == 2
        assert aht[3] == ("yes" if low > 0 or high < 0 else "no")
        assert "95% CI" in screen_words(app) and "sure?" in screen_words(app)


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_m_takes_the_difference_on_screen_and_says_which(demo: Path, size: tuple[int, int]) -> None:
    """`m` is in the footer; in the tenure-adjusted view it takes the adjusted AHT difference
    (seconds) over the onsite AHT, not the raw one, and the notification says which."""
    from queries.model.kpi import compare

    app = make_app(demo)
    async with app.run_test(size=size) as pilot:
        await on_kpis(pilot)
        assert "m Take AHT" in screen_words(app).splitlines()[-1] and "? Help q Quit" in screen_words(app).splitlines()[-1]
        await pilot.press("a", "m")
        await pilot.pause()
        groups = kpi_groups(app.kpi_inputs.groups, app.kpi_inputs.attrition, [], 5)
        onsite = next(r["aht_seconds"] for r in groups.iter_rows(named=True) if r["work_mode"] == "onsite")
        [remote] = compare(app.kpi_inputs.groups, "remote", "onsite", ["aht_seconds"], True, min_agents=5)
        assert remote.tenure_adjusted_difference != remote.difference
        assert app.session.scenario.aht_delta.remote == pytest.approx(remote.tenure_adjusted_difference / onsite)
        message = [n.message for n in app._notifications][-1]
        assert message.startswith("Scenario AHT delta (tenure-adjusted difference / onsite AHT): remote ")
        await pilot.press("a", "m")  # the observed view: the raw difference
        await pilot.pause()
        assert app.session.scenario.aht_delta.remote == pytest.approx(remote.difference / onsite)
        assert [n.message for n in app._notifications][-1].startswith("Scenario AHT delta (observed difference): ")


def test_the_chart_marks_an_axis_that_does_not_start_at_0() -> None:
    """FCR between 67.7% and 69.7% spans the whole height: the lowest label carries ≈ and the
    legend says where the axis starts, so a 2-point gap does not read as a large one."""
    import datetime as dt

    from queries.format import share
    from tui.widgets.trend_chart import axis_note, draw_trend

    months = [dt.date(2026, 7, 1), dt.date(2026, 8, 1)]
    series = {"onsite": [0.677, 0.68], "remote": [0.697, 0.69], "hybrid": [None, None]}
    lines = draw_trend(months, series, 40, 6, share, {}).plain.splitlines()
    assert lines[0].startswith("  69.7%  ") and lines[4].startswith("  67.7%≈ ")
    assert axis_note(series, share) == "≈ axis from 67.7%"
    assert axis_note({"remote": [0.0, 0.5]}, share) == ""  # from 0: nothing to mark
    assert "≈" not in draw_trend(months, {"remote": [0.0, 0.5]}, 40, 6, share, {}).plain


async def test_the_chart_legend_names_every_mark(demo: Path) -> None:
    app = make_app(demo)
    async with app.run_test(size=(160, 48)) as pilot:
        await on_kpis(pilot)
        assert "FCR by month: O onsite, H hybrid, R remote, * several; ≈ axis from " in screen_words(app)


def test_an_interval_end_just_below_zero_does_not_read_as_zero() -> None:
    """The demo's remote - onsite fraud interval ends at -0.04: shown as "-0.0" it looked like
    it touched 0 while "sure?" said yes. A difference that is not 0 keeps a digit that is not."""
    from tui.screens.kpis import KPI_DISPLAY

    fraud, fcr, aht = (KPI_DISPLAY[k][2] for k in ("fraud_per_100k_contacts", "fcr", "aht_seconds"))
    assert [fraud(-0.04), fraud(-1.84), fraud(0.0), fraud(0.00004)] == ["-0.04", "-1.8", "+0.0", "+0.0"]
    assert [fcr(-0.0004), fcr(0.018), aht(0.3), aht(-7.4)] == ["-0.04 pp", "+1.8 pp", "+0.3 s", "-7 s"]
