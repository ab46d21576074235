"""One figure everywhere (issue #22): every number a screen shows for a scenario equals the
number `wfplan report --format json` gives for the same scenario, and each explanation adds up.

The scenario has all four kinds of change: a closure, a parameter change (the stipend), a
remote target and an AHT delta, on a small demo folder (it has a forecast, so staffing and its
labor are in the totals, and enough agents per mode for KPI comparisons). Each screen is
driven at 80x24 and 160x48; the report's numbers are formatted the way the screen formats
them (queries.format) and looked for on the screen, and in the `x`/`X` explanation.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from queries.config import load_settings
from queries.format import count, money, months, number, share
from tests.screen import loaded, screen_lines, screen_words
from tui.app import WfplanApp
from tui.cli import main
from tui.dialogs import TextDialog
from tui.screens.kpis import KPI_DISPLAY
from tui.screens.site_costs import COLUMNS

SIZES = [(80, 24), (160, 48)]
MODES = ("onsite", "hybrid", "remote")


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, Any]]:
    """The demo folder, the scenario file and the report for both."""
    from queries.demo.generate import generate_demo

    root = tmp_path_factory.mktemp("one")
    folder = generate_demo(root / "exports", agents=160, days=120, seed=5).folder
    with contextlib.redirect_stdout(io.StringIO()) as out:
        assert main(["report", "--data", str(folder), "--format", "json"]) == 0
    baseline = json.loads(out.getvalue())
    as_of = dt.date.fromisoformat(baseline["as_of"])
    # Close the open site with the most seat demand: the closure moves real agents.
    site = max((s for s in baseline["site_costs"]["sites"] if s["status"] == "open"), key=lambda s: s["seat_demand"])
    path = root / "trust.toml"
    path.write_text(
        'name = "Trust"\n\n[parameters.remote]\nstipend_monthly = 75\n\n'
        f'[[closures]]\nsite_id = "{site["site_id"]}"\nclose_date = {as_of + dt.timedelta(days=90)}\n\n'
        "[remote_target]\nshare = 0.6\n\n[aht_delta]\nremote = 0.1\n"
    )
    with contextlib.redirect_stdout(io.StringIO()) as out:
        assert main(["report", "--data", str(folder), "--scenario", str(path), "--format", "json"]) == 0
    return folder, path, json.loads(out.getvalue())


async def opened(pilot, key: str) -> None:
    await loaded(pilot)
    await pilot.press(key)
    await loaded(pilot)


def explanation(app: WfplanApp) -> list[str]:
    """The lines of the open `x`/`X` dialog (all of them: a small terminal scrolls them)."""
    assert isinstance(app.screen, TextDialog)
    return app.screen.lines


def dollars(text: str) -> float:
    return float(text.replace("$", "").replace(",", ""))


# -- Site costs ---------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_site_costs_panel_table_and_explanation_equal_the_report(case: Any, size: tuple[int, int]) -> None:
    folder, path, report = case
    scenario = report["scenario"]
    base, result = scenario["baseline"], scenario["result"]
    app = WfplanApp(settings=load_settings(), folder=folder, scenario_path=path)
    async with app.run_test(size=size) as pilot:
        await opened(pilot, "1")
        words = screen_words(app)
        # The panel: baseline and scenario, labelled by the column heads.
        assert f"Annual cost {money(base['total_annual_cost'])} {money(result['total_annual_cost'])}" in words
        assert f"Savings /yr {money(result['annual_savings'])}" in words
        assert f"One-time {money(result['one_time_cost'])}" in words
        assert f"Payback {months(result['payback_months'])}" in words
        assert f"Remote share {share(base['remote_share'])} {share(result['remote_share'])}" in words
        assert f"Seats freed {number(result['seats_freed'])}" in words
        # The table: each site the scenario keeps, then the totals row (closed sites left out).
        lines = screen_words(app).splitlines()
        checked = 0
        for site in scenario["site_costs"]["sites"]:
            row = next((line for line in lines if line.startswith(f"{site['site_id']} ") and f" {site['status']} " in line),
                       None)
            if row is None:  # scrolled out of view at 80x24
                continue
            # The columns after the status, as far as the terminal shows them (at least 4).
            # (A scrollbar or the cell cursor may follow the last figure: figures hold a digit.)
            figures = [t for t in row.split(f" {site['status']} ", 1)[1].split() if re.search(r"\d|n/a|—", t)]
            values = site | {"lease_end": site["lease_end"] and dt.date.fromisoformat(site["lease_end"])}
            expected = [c.fmt(values[c.key]) for c in COLUMNS[2:]]
            assert len(figures) >= 4 and figures == expected[:len(figures)], (site["site_id"], row)
            checked += 1
        assert checked >= 2
        totals = scenario["site_costs"]["totals"]
        total_row = next((line for line in lines if line.startswith("Total")), None)
        if size[1] >= 48 or total_row is not None:  # at 80x24, 12 sites push it below the fold
            assert total_row is not None and "1 closed left out" in total_row
            figures = [t for t in total_row.split(" left out ", 1)[1].split() if re.search(r"\d|n/a", t)]
            expected = [c.fmt(totals[c.key]) for c in COLUMNS[2:5]]
            assert len(figures) >= 4 and figures[:3] == expected[:3], total_row
            assert money(totals["annual_cost"]) in figures or len(figures) < 6

        if size[1] >= 48:  # the chart, sorted by cost: the closed site, last, costs nothing in the scenario
            closed = next(s for s in report["site_costs"]["sites"] if s["site_id"] not in
                          {t["site_id"] for t in scenario["site_costs"]["sites"]})
            bar = next(line for line in lines if line.startswith(f"{closed['site_id']} ") and "closes" not in line)
            assert bar.split()[1] == "$0", bar
            assert "Annual cost per site, scenario" in words

        await pilot.press("X")
        text = explanation(app)
        blocks = {"Baseline": base, "Scenario": result}
        for title, outcome in blocks.items():
            start = next(i for i, line in enumerate(text) if line.startswith(f"{title}: total annual cost"))
            end = next(i for i in range(start, len(text)) if text[i].strip().startswith("total "))
            parts = [dollars(m.group(1)) for line in text[start + 1:end]
                     if (m := re.match(r"\s+(?:site costs|remote costs|labor|staffing)\s+(-?\$[\d,]+)", line))]
            total = dollars(text[end].split()[1])
            # Its terms add up to its total (each rounded to the dollar), and the total is the report's.
            assert abs(sum(parts) - total) <= len(parts), (title, parts, total)
            assert text[end].split()[1] == money(outcome["total_annual_cost"])
        # The staffing labor: extra FTE x average wage x paid hours, the FTE being the report's.
        staffing = next(re.search(r"staffing\s+(\$[\d,]+)\s+([+-][\d,]+) FTE vs baseline x \$([\d.,]+)/h x ([\d,]+) h", line)
                        for line in text if "FTE vs baseline" in line)
        assert staffing is not None
        amount, fte, wage, hours = (float(g.replace("$", "").replace(",", "")) for g in staffing.groups())
        assert fte == scenario["delta"]["scheduled_fte"] != 0
        assert fte * wage * hours == pytest.approx(amount, abs=1 + abs(fte) * hours * 0.00005)
        assert f"= {money(base['total_annual_cost'])} - {money(result['total_annual_cost'])} = " \
               f"{money(result['annual_savings'])}" in "\n".join(text)
        assert f"= {money(result['one_time_cost'])}" in "\n".join(text)


@pytest.mark.parametrize("size", SIZES)
async def test_each_site_figure_explanation_adds_up_to_the_reports_figure(case: Any, size: tuple[int, int]) -> None:
    """x on a site's annual cost, utilization and cost per seat: the formula with the site's
    numbers, whose result is the report's figure for the scenario."""
    from textual.widgets import DataTable

    folder, path, report = case
    sites = {s["site_id"]: s for s in report["scenario"]["site_costs"]["sites"]}
    app = WfplanApp(settings=load_settings(), folder=folder, scenario_path=path)
    async with app.run_test(size=size) as pilot:
        await opened(pilot, "1")
        table = app.screen.query_one("#sites", DataTable)
        keys = [c.key for c in COLUMNS]
        for row_index, row_key in enumerate(list(table.rows)[:3]):
            site = sites[row_key.value]
            for figure, pattern in (
                ("annual_cost", r"= (\$[\d,]+) \+ (\$[\d,]+) = (\$[\d,]+)"),
                ("utilization", r"= ([\d,.]+) / ([\d,]+) = ([\d.]+)%"),
                ("cost_per_seat", r"= (\$[\d,]+) / ([\d,]+) = (\$[\d,]+)"),
            ):
                table.move_cursor(row=row_index, column=keys.index(figure), animate=False)
                await pilot.press("x")
                match = re.search(pattern, "\n".join(explanation(app)))
                assert match is not None, (site["site_id"], figure)
                a, b, result = (dollars(g) for g in match.groups())
                if figure == "annual_cost":
                    assert a + b == result and result == round(site["annual_cost"])
                elif figure == "utilization":
                    assert a / b * 100 == pytest.approx(result, abs=0.06) and result == round(site["utilization"] * 100, 1)
                else:
                    assert a / b == pytest.approx(result, abs=1) and result == round(site["cost_per_seat"])
                await pilot.press("escape")


# -- Headcount ----------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_headcount_shows_the_scenario_mix_of_the_report(case: Any, size: tuple[int, int]) -> None:
    folder, path, report = case
    scenario = report["scenario"]
    result, base = scenario["result"], scenario["baseline"]
    app = WfplanApp(settings=load_settings(), folder=folder, scenario_path=path)
    async with app.run_test(size=size) as pilot:
        await opened(pilot, "2")
        words = screen_words(app)
        total = sum(result["headcount_by_mode"].values())
        for mode in MODES:
            n = result["headcount_by_mode"][mode]
            assert re.search(rf"{mode.capitalize()} {count(n)} [\d,.]+ {re.escape(share(n / total))}", words), mode
        assert f"Total {count(total)}" in words
        base_total = sum(base["headcount_by_mode"].values())
        assert re.search(rf"Baseline {count(base_total)} [\d,.]+ {re.escape(share(base['remote_share']))}", words)
        assert f"Scenario share {share(result['remote_share'])}" in words
        # The months table is history: the report's newest month is its first row.
        newest = report["headcount"]["monthly"][-1]
        month = dt.date.fromisoformat(newest["month"])
        assert f"{month:%Y-%m} {count(newest['onsite'])} {count(newest['hybrid'])} {count(newest['remote'])}" in words
        assert len(report["headcount"]["monthly"]) > 4  # the HR history, not the 120 days of KPIs alone


# -- Hiring reach -------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_reach_multiplier_is_the_reports_and_its_explanation_adds_up(case: Any, size: tuple[int, int]) -> None:
    folder, path, report = case
    multiplier = report["scenario"]["result"]["reach_multiplier"]
    app = WfplanApp(settings=load_settings(), folder=folder, scenario_path=path)
    async with app.run_test(size=size) as pilot:
        await opened(pilot, "3")
        lines = screen_words(app).splitlines()
        regions = next(line for line in lines if line.startswith("Regions "))
        assert regions.endswith(f" {multiplier:,.1f}x")  # the headline
        reach = report["scenario"]["reach"]
        onsite, remote = reach["onsite"], reach["remote"]
        assert regions.startswith(f"Regions {count(onsite['regions'])} {count(remote['regions'])} ")
        assert f"Experienced CSRs {count(onsite['experienced_pool'])} {count(remote['experienced_pool'])}" in lines[
            lines.index(regions) + 1]
        assert f"Available pool {number(onsite['available_pool'], 0)} {number(remote['available_pool'], 0)}" in "\n".join(lines)
        assert reach["reach_multiplier"] == multiplier
        await pilot.press("x")
        text = "\n".join(explanation(app))
        remote, onsite, shown = re.search(r"= ([\d,]+) / ([\d,]+) = ([\d.,]+)", text).groups()
        assert float(remote.replace(",", "")) / float(onsite.replace(",", "")) == pytest.approx(float(shown), abs=0.005)
        assert shown == f"{multiplier:,.2f}"


# -- KPIs ---------------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_kpi_groups_and_differences_are_the_reports(case: Any, size: tuple[int, int]) -> None:
    folder, path, report = case
    app = WfplanApp(settings=load_settings(), folder=folder, scenario_path=path)
    async with app.run_test(size=size) as pilot:
        await opened(pilot, "4")
        lines = screen_words(app).splitlines()
        checked = 0
        for group in report["kpi"]["groups"]:
            row = next(line for line in lines if line.startswith(f"{group['work_mode']} "))
            if group["suppressed"]:
                assert "suppressed" in row
                continue
            assert row.startswith(f"{group['work_mode']} {count(group['agents'])} {count(group['contacts'])} ")
            for kpi in ("fcr", "csat"):  # the first two columns, visible at 80 columns
                assert f" {KPI_DISPLAY[kpi][1](group[kpi])}" in row, (kpi, row)
            checked += 1
        assert checked >= 2
        comparisons = [c for c in report["kpi"]["comparisons"] if c["group"] == "remote" and c["difference"] is not None]
        assert comparisons
        for c in comparisons:
            label, _, fmt = KPI_DISPLAY[c["kpi"]]
            row = next((line for line in lines if line.startswith(f"{label} ") and fmt(c["difference"]) in line), None)
            if row is None:  # below the fold at 80x24
                continue
            if c["ci_low"] is not None:
                assert f"{fmt(c['ci_low'])} to {fmt(c['ci_high'])}" in row


# -- Staffing -----------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_staffing_queues_are_the_reports_scenario(case: Any, size: tuple[int, int]) -> None:
    folder, path, report = case
    scenario = report["scenario"]
    app = WfplanApp(settings=load_settings(), folder=folder, scenario_path=path)
    async with app.run_test(size=size) as pilot:
        await opened(pilot, "5")
        words = screen_words(app)
        lines = words.splitlines()
        assert f"Queues: {count(scenario['result']['scheduled_fte'])} FTE scheduled" in words
        extra = scenario["delta"]["scheduled_fte"]
        if extra:
            assert f"{extra:+,} FTE at " in " ".join(screen_lines(app))
        # Labels that say what they count: the table's peak is agents in one interval, the day
        # chart's top an average; the weeks' last column is spare FTE (negative: short).
        assert "Peak agents" in words and "agents (average)" in words and "Spare FTE" in words
        # The demo's forecast looks ahead: its weeks start on Mondays after as-of.
        weeks = [dt.date.fromisoformat(m.group(1)) for line in lines if (m := re.match(r"(\d{4}-\d{2}-\d{2}) ", line))]
        assert weeks and all(w > dt.date.fromisoformat(report["as_of"]) and w.isoweekday() == 1 for w in weeks)
        for queue in scenario["staffing"]["queues"]:
            row = next(line for line in lines if line.startswith(f"{queue['queue']} "))
            assert row.startswith(f"{queue['queue']} {queue['peak_required']:,} {number(queue['required_fte'], 1)} "
                                  f"{queue['scheduled_fte']:,} ")
            assert f" {share(queue['service_level'])}" in row


# -- Scenarios ----------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_scenarios_screen_shows_the_reports_result(case: Any, size: tuple[int, int]) -> None:
    folder, path, report = case
    base, result = report["scenario"]["baseline"], report["scenario"]["result"]
    app = WfplanApp(settings=load_settings(), folder=folder, scenario_path=path)
    async with app.run_test(size=size) as pilot:
        await opened(pilot, "6")
        words = screen_words(app)
        assert f"Total annual cost {money(base['total_annual_cost'])} {money(result['total_annual_cost'])}" in words
        assert f"Annual savings {money(base['annual_savings'])} {money(result['annual_savings'])}" in words
        # Every row of the table, baseline and scenario, as its cells hold them (also the rows
        # scrolled out of view at 80x24).
        from textual.widgets import DataTable

        table = app.screen.query_one("#cmp-table", DataTable)
        rows = {row.value: [cell.plain for cell in table.get_row(row.value)][1:3] for row in table.rows}
        expected = {
            "total_annual_cost": money, "annual_savings": money, "one_time_cost": money, "payback_months": months,
            "remote_share": share, "seats_freed": number, "reach_multiplier": lambda v: f"{v:,.2f}x",
            "scheduled_fte": count,
        }
        for key, fmt in expected.items():
            assert rows[key] == [fmt(base[key]), fmt(result[key])], key
        for mode in MODES:
            assert rows[f"headcount_by_mode.{mode}"] == [count(base["headcount_by_mode"][mode]),
                                                         count(result["headcount_by_mode"][mode])], mode
