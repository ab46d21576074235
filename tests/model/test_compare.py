"""Scenarios side by side (queries.model.compare) and `wfplan report --scenario A --scenario B`.

Numbers are computed by hand on the small folder (tests/folders.py, as of 2026-03-31; see
tests/model/test_site_costs.py): baseline total 545,480 = sites 270,000 + remote 3,000 + labor
272,480; 4 onsite, 2 hybrid, 1 remote; onsite reach 9,100 CSRs (KEN and BOI; TUL is closing and hires
no one), remote reach 42,800.

A = close KEN on its lease end (2026-12-31, no break fee): of A1, A2, A3 (KEN, onsite and
hybrid) floor(0.8 x 3) = 2 stay as remote, A3 leaves and 1 is hired remote at A3's wage and
FTE. Sites -150,000, remote +3,400 (3 more remote x 1,400, one hybrid fewer x 800), labor
unchanged: savings 146,600; one-time 3 x 1,500 + 5,000 = 9,500; payback 9,500 / (146,600 /
12) = 0.778 months; 2 onsite, 1 hybrid, 4 remote; KEN's 2.4 seats freed; onsite reach
loses Tri-Cities (2,600): multiplier 42,800 / 6,500.

B = a 50% remote share: ceil(0.5 x 7) - 1 = 3 onsite agents move, lowest utilization first:
A5 (BOI, 16.25%), then A1 and A2 (KEN, 24%). Remote +3 x 1,400 = 4,200 more a year
(savings -4,200, payback n/a), one-time 3 x 1,500 = 4,500; 1 onsite, 2 hybrid, 4 remote;
seats freed 1 (BOI) + 2 (KEN) = 3; reach unchanged, 42,800 / 9,100.

Commute (tests/model/test_commute.py has the arithmetic): the baseline's A1 and A2 drive 9,120 km
a year each to KEN, A4 5,472 km to BOI (23,712 km); in A and in B, A1 and A2 are remote and
A4 alone commutes: 5,472 km, 109 h, 5,472 x 0.43 = $2,353, 1.368 t CO2.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import polars as pl
import pytest

from queries.config import Parameters
from queries.contract.check import open_folder
from queries.model.compare import Compared, comparison_section, figures, side_by_side
from queries.model.scenario import Closure, RemoteTarget, Scenario
from queries.plan.loading import data_range, load_workforce
from queries.plan.scenario_file import data_stamp, save_scenario, with_meta
from queries.plan.session import PlanSession
from tests.folders import base_tables, write_folder
from tui.cli import main

AS_OF = dt.date(2026, 3, 31)
CLOSE_KEN = Scenario(name="Close KEN", closures=[Closure(site_id="KEN", close_date=dt.date(2026, 12, 31))])
HALF_REMOTE = Scenario(name="Half remote", remote_target=RemoteTarget(share=0.5))
OUTCOME_KEYS = ["total_annual_cost", "annual_savings", "one_time_cost", "payback_months", "headcount_by_mode",
                "remote_share", "seats_freed", "reach_multiplier", "scheduled_fte",
                "commute_km", "commute_hours", "commute_cost", "commute_co2_tonnes"]


@pytest.fixture
def session(small_folder: Path) -> PlanSession:
    engine, result = open_folder(small_folder)
    assert result.ok
    return PlanSession(load_workforce(engine, AS_OF), Parameters(), regions=engine.query("regions"))


def compared(session: PlanSession) -> dict:
    return comparison_section(session.baseline_evaluation.outcome, [
        Compared("Close KEN", "close-ken.toml", session.evaluate_scenario(CLOSE_KEN).outcome),
        Compared("Half remote", None, session.evaluate_scenario(HALF_REMOTE).outcome),
    ])


def test_comparison_by_hand(session: PlanSession) -> None:
    section = compared(session)
    assert list(section) == ["baseline", "scenarios"]
    assert list(section["baseline"]) == OUTCOME_KEYS
    a, b = section["scenarios"]
    assert list(a) == ["name", "file", "result", "delta", "notes"]
    assert (a["name"], a["file"], b["file"]) == ("Close KEN", "close-ken.toml", None)
    assert list(a["result"]) == OUTCOME_KEYS and list(a["delta"]) == OUTCOME_KEYS

    assert section["baseline"]["total_annual_cost"] == pytest.approx(545_480)
    assert section["baseline"]["reach_multiplier"] == pytest.approx(42_800 / 9_100)

    ra = a["result"]
    assert ra["total_annual_cost"] == pytest.approx(398_880)
    assert ra["annual_savings"] == pytest.approx(146_600)
    assert ra["one_time_cost"] == pytest.approx(9_500)
    assert ra["payback_months"] == pytest.approx(9_500 / (146_600 / 12))
    assert ra["headcount_by_mode"] == {"onsite": 2, "hybrid": 1, "remote": 4}
    assert ra["remote_share"] == pytest.approx(4 / 7)
    assert ra["seats_freed"] == pytest.approx(2.4)
    assert ra["reach_multiplier"] == pytest.approx(42_800 / 6_500)
    assert a["delta"]["headcount_by_mode"] == {"onsite": -2, "hybrid": -1, "remote": 3}
    assert a["delta"]["total_annual_cost"] == pytest.approx(-146_600)

    rb = b["result"]
    assert rb["total_annual_cost"] == pytest.approx(549_680)
    assert rb["annual_savings"] == pytest.approx(-4_200)
    assert rb["one_time_cost"] == pytest.approx(4_500)
    assert rb["payback_months"] is None  # savings <= 0
    assert rb["headcount_by_mode"] == {"onsite": 1, "hybrid": 2, "remote": 4}
    assert rb["seats_freed"] == pytest.approx(3.0)
    assert rb["reach_multiplier"] == pytest.approx(42_800 / 9_100)
    assert b["delta"]["payback_months"] is None and b["delta"]["reach_multiplier"] == pytest.approx(0)
    # Closing KEN saves its agents their commute: A1 and A2 work from home.
    assert section["baseline"]["commute_km"] == pytest.approx(23_712)
    assert a["delta"]["commute_km"] == pytest.approx(-18_240) and b["delta"]["commute_km"] == pytest.approx(-18_240)
    assert a["delta"]["commute_cost"] == pytest.approx(-18_240 * 0.43)


def test_side_by_side_reads_like_the_screen(session: PlanSession) -> None:
    header, rows = side_by_side(compared(session), formatted=True)
    assert header == ["figure", "baseline", "A: Close KEN", "B: Half remote"]
    assert rows == [
        ["Total annual cost", "$545,480", "$398,880", "$549,680"],
        ["Annual savings", "$0", "$146,600", "-$4,200"],
        ["One-time cost", "$0", "$9,500", "$4,500"],
        ["Payback", "n/a", "0.8 months", "n/a"],
        ["Headcount onsite", "4", "2", "1"],
        ["Headcount hybrid", "2", "1", "2"],
        ["Headcount remote", "1", "4", "4"],
        ["Remote share", "14.3%", "57.1%", "57.1%"],
        ["Seats freed", "0.0", "2.4", "3.0"],
        ["Reach multiplier", "4.70x", "6.58x", "4.70x"],
        ["Commute km/yr", "23,712", "5,472", "5,472"],
        ["Commute hours/yr", "474", "109", "109"],
        ["Commute cost/yr", "$10,196", "$2,353", "$2,353"],
        ["Commute CO2 t/yr", "5.9", "1.4", "1.4"],
    ]  # no scheduled FTE: the small folder has no forecast
    header, rows = side_by_side(compared(session), formatted=False)
    assert header[0] == "key" and rows[0][0] == "total_annual_cost" and rows[4][0] == "headcount_by_mode.onsite"
    assert rows[3] == ["payback_months", None, pytest.approx(0.7776, abs=1e-4), None]


def test_scheduled_fte_only_with_staffing() -> None:
    without = {"scheduled_fte": None}
    assert "scheduled_fte" not in [f.key for f in figures([without, without])]
    assert [f.key for f in figures([without, {"scheduled_fte": 20}])][-1] == "scheduled_fte"
    delta = next(f for f in figures([{"scheduled_fte": 20}]) if f.key == "remote_share").fmt_delta
    assert (delta(0.25), delta(-0.1), delta(0.0), delta(None)) == ("+25.0 pt", "-10.0 pt", "0.0 pt", "n/a")


# -- the command ------------------------------------------------------------------------------


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    a, b = tmp_path / "close-ken.toml", tmp_path / "half-remote.toml"
    save_scenario(CLOSE_KEN, a)
    save_scenario(HALF_REMOTE, b)
    return a, b


def report(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["report", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_one_scenario_keeps_the_report_as_it_was(small_folder: Path, files: tuple[Path, Path],
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = report(capsys, "--data", str(small_folder), "--scenario", str(files[0]))
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert list(data) == ["as_of", "period", "data", "site_costs", "headcount", "kpi", "reach", "commute", "scenario", "plan"]
    # The spec's keys first; then the scenario's own site costs and reach, which its screens
    # show (issue #22: one figure everywhere; the small folder has no forecast, so no staffing).
    assert list(data["scenario"]) == ["name", "baseline", "result", "delta", "notes", "site_costs", "reach"]
    assert list(data["scenario"]["site_costs"]) == list(data["site_costs"])
    assert list(data["scenario"]["reach"]) == list(data["reach"])
    # Before the command: `wfplan --scenario FILE report` still works, the same way.
    assert main(["--scenario", str(files[0]), "report", "--data", str(small_folder)]) == 0
    assert capsys.readouterr().out == out


def test_two_scenarios_add_the_comparison(small_folder: Path, files: tuple[Path, Path],
                                          capsys: pytest.CaptureFixture[str]) -> None:
    a, b = files
    _, single, _ = report(capsys, "--data", str(small_folder), "--scenario", str(a))
    code, out, err = report(capsys, "--data", str(small_folder), "--scenario", str(a), "--scenario", str(b))
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["scenario"] == json.loads(single)["scenario"]  # the first scenario, as before
    comparison = data["scenario_comparison"]
    assert [(s["name"], s["file"]) for s in comparison["scenarios"]] == [("Close KEN", str(a)), ("Half remote", str(b))]
    assert comparison["baseline"] == data["scenario"]["baseline"]
    assert comparison["scenarios"][0]["result"] == data["scenario"]["result"]
    assert comparison["scenarios"][1]["result"]["annual_savings"] == pytest.approx(-4_200)
    assert comparison["scenarios"][1]["result"]["payback_months"] is None


def test_markdown_is_one_side_by_side_table(small_folder: Path, files: tuple[Path, Path],
                                            capsys: pytest.CaptureFixture[str]) -> None:
    a, b = files
    code, out, _ = report(capsys, "--data", str(small_folder), "--scenario", str(a), "--scenario", str(b),
                          "--format", "md")
    assert code == 0
    table = out.split("## scenario_comparison\n\n", 1)[1].split("\n\n", 1)[0]
    assert table.splitlines() == [
        "| figure | baseline | A: Close KEN | B: Half remote |",
        "|---|---|---|---|",
        "| Total annual cost | $545,480 | $398,880 | $549,680 |",
        "| Annual savings | $0 | $146,600 | -$4,200 |",
        "| One-time cost | $0 | $9,500 | $4,500 |",
        "| Payback | n/a | 0.8 months | n/a |",
        "| Headcount onsite | 4 | 2 | 1 |",
        "| Headcount hybrid | 2 | 1 | 2 |",
        "| Headcount remote | 1 | 4 | 4 |",
        "| Remote share | 14.3% | 57.1% | 57.1% |",
        "| Seats freed | 0.0 | 2.4 | 3.0 |",
        "| Reach multiplier | 4.70x | 6.58x | 4.70x |",
        "| Commute km/yr | 23,712 | 5,472 | 5,472 |",
        "| Commute hours/yr | 474 | 109 | 109 |",
        "| Commute cost/yr | $10,196 | $2,353 | $2,353 |",
        "| Commute CO2 t/yr | 5.9 | 1.4 | 1.4 |",
    ]


def test_csv_is_one_table(small_folder: Path, files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    a, b = files
    code, out, _ = report(capsys, "--data", str(small_folder), "--scenario", str(a), "--scenario", str(b),
                          "--format", "csv")
    assert code == 0
    blocks = [block for block in out.split("\n\n") if block.startswith("# scenario_comparison")]
    assert len(blocks) == 1
    rows = list(csv.reader(io.StringIO(blocks[0])))
    assert rows[1] == ["key", "baseline", "A: Close KEN", "B: Half remote"]
    assert rows[2] == ["total_annual_cost", "545480.0", "398880.0", "549680.0"]
    # 9,500 / (146,600 / 12) = 0.7776261937244202 in binary; the CSV drops the last digits'
    # float noise (tests/report/test_export_precision.py), so the cell is the number to 14 places.
    assert rows[5] == ["payback_months", "n/a", "0.77762619372442", "n/a"]
    assert float(rows[5][2]) == pytest.approx(9_500 / (146_600 / 12), rel=1e-14)
    assert rows[6] == ["headcount_by_mode.onsite", "4", "2", "1"]


def test_a_name_with_a_pipe_stays_one_markdown_cell(small_folder: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    save_scenario(Scenario(name="KEN | BOI"), a)
    save_scenario(Scenario(name="Plain"), b)
    _, out, _ = report(capsys, "--data", str(small_folder), "--scenario", str(a), "--scenario", str(b), "--format", "md")
    assert "| figure | baseline | A: KEN \\| BOI | B: Plain |" in out


def test_a_broken_second_scenario_is_a_usage_error(small_folder: Path, files: tuple[Path, Path], tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[remote_target]\nshare = 2\n")
    code, out, err = report(capsys, "--data", str(small_folder), "--scenario", str(files[0]), "--scenario", str(bad))
    assert (code, out) == (2, "")
    assert err == f"wfplan: scenario error: {bad}: remote_target.share: must be <= 1 (got 2)\n"
    bad.write_text('[[site_changes]]\nsite_id = "XXX"\nlease_annual = 1\n')
    code, out, err = report(capsys, "--data", str(small_folder), "--scenario", str(files[0]), "--scenario", str(bad))
    assert code == 2
    assert err == (f"wfplan: scenario error: {bad}: site_changes: unknown site 'XXX' "
                   "(open or closing sites: BOI, KEN, TUL)\n")


def test_a_scenario_saved_on_other_data_is_reported_on_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Saved on the small folder; then a KPI row for 2026-04-01 arrives."""
    folder = write_folder(tmp_path / "data")
    engine, _ = open_folder(folder)
    path = tmp_path / "close-ken.toml"
    save_scenario(with_meta(CLOSE_KEN, AS_OF, data_stamp(engine, data_range(engine))), path)
    engine.close()

    code, _, err = report(capsys, "--data", str(folder), "--scenario", str(path))
    assert (code, err) == (0, "")  # the same data: nothing to say

    tables = base_tables()
    kpi = tables["kpi_daily"]
    tables["kpi_daily"] = pl.concat([kpi, kpi.head(1).with_columns(date=pl.lit(dt.date(2026, 4, 1)))])
    write_folder(folder, tables)
    code, out, err = report(capsys, "--data", str(folder), "--scenario", str(path))
    assert code == 0 and json.loads(out)["scenario"]["name"] == "Close KEN"
    assert err == (f"wfplan: warning: {path} was saved on other data: kpi_daily: 3 -> 4 rows; "
                   "data from 2026-03-30..2026-03-31 -> 2026-03-30..2026-04-01\n")


def test_markdown_lists_what_a_scenario_could_not_do(small_folder: Path, files: tuple[Path, Path], tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    everyone = tmp_path / "all-remote.toml"
    save_scenario(Scenario(name="All remote", remote_target=RemoteTarget(share=1.0)), everyone)
    _, out, _ = report(capsys, "--data", str(small_folder), "--scenario", str(files[0]), "--scenario", str(everyone),
                       "--format", "md")
    table = out.split("## scenario_comparison\n\n", 1)[1]
    assert "| Remote share | 14.3% | 57.1% | 71.4% |\n" in table
    assert ("\n\n- B: All remote: remote share target 100% not reached: no movable onsite agent left at an open "
            "or closing site (4 moved, 6 needed)\n") in table


def test_a_scenario_before_and_after_report_means_both(small_folder: Path, files: tuple[Path, Path],
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    from tui.cli import main

    a, b = files
    assert main(["--scenario", str(a), "report", "--data", str(small_folder), "--scenario", str(b)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["scenario"]["name"] == "Close KEN"
    assert [s["name"] for s in data["scenario_comparison"]["scenarios"]] == ["Close KEN", "Half remote"]


def test_a_reload_drops_history_entries_that_no_longer_fit_the_data(small_folder: Path, tmp_path: Path) -> None:
    """F5 after the exports change: an undo entry that closes a site the new data lacks is dropped
    (it raised NameError: ScenarioError was caught without being imported)."""
    engine, _ = open_folder(small_folder)
    earlier = PlanSession(load_workforce(engine, AS_OF), Parameters())
    earlier.edit(CLOSE_KEN)
    earlier.edit(HALF_REMOTE)
    tables = base_tables()
    tables["sites"] = tables["sites"].filter(pl.col("site_id") != "KEN")
    tables["assignments"] = tables["assignments"].filter(pl.col("site_id").is_null() | (pl.col("site_id") != "KEN"))
    tables["kpi_daily"] = tables["kpi_daily"].filter(~pl.col("agent_id").is_in(["A1", "A2", "A3"]))
    tables["assignments"] = tables["assignments"].filter(~pl.col("agent_id").is_in(["A1", "A2", "A3"]))
    tables["agents"] = tables["agents"].filter(~pl.col("agent_id").is_in(["A1", "A2", "A3"]))
    reloaded_engine, result = open_folder(write_folder(tmp_path / "reloaded", tables))
    assert result.ok, result
    reloaded = PlanSession(load_workforce(reloaded_engine, AS_OF), Parameters(), scenario=HALF_REMOTE)
    reloaded.continue_from(earlier)
    assert reloaded.undo()  # CLOSE_KEN no longer fits and is gone: back to the empty scenario
    assert reloaded.scenario.closures == []
    assert not reloaded.undo()
