"""The wfplan command line: help, report formats and periods, interrupts and crashes."""

from __future__ import annotations

import csv
import io
import json
import threading
import time
from pathlib import Path

import polars as pl
import pytest

from queries.engines.protocol import QueryCancelled, connect
from tests.folders import base_tables, write_folder
from tui.cli import main


@pytest.mark.parametrize("command", [[], ["check"], ["demo"], ["report"]])
def test_every_command_has_help(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main([*command, "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: wfplan")
    assert "--config PATH" in out


def test_report_default_period_is_90_days_ending_on_the_last_kpi_day(small_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--data", str(small_folder)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["as_of"] == "2026-03-31"
    assert report["period"] == {"from": "2026-01-01", "to": "2026-03-31"}  # 90 days inclusive
    assert report["data"]["rows"] == {"sites": 3, "agents": 8, "assignments": 9, "kpi_daily": 3, "regions": 4}


def test_report_as_of_and_period_flags(small_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--data", str(small_folder), "--as-of", "2025-12-31", "--from", "2025-10-01", "--to", "2025-12-31"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["as_of"], report["period"]) == ("2025-12-31", {"from": "2025-10-01", "to": "2025-12-31"})
    # On 2025-12-31 A7 is not hired yet and A8 is still employed, onsite at KEN.
    ken = next(s for s in report["site_costs"]["sites"] if s["site_id"] == "KEN")
    assert (ken["agents_onsite"], ken["agents_hybrid"]) == (3, 1)


def test_report_refuses_a_backwards_period(small_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--data", str(small_folder), "--from", "2026-03-01", "--to", "2026-02-01"]) == 2
    assert capsys.readouterr().err == "wfplan: the period starts (2026-03-01) after it ends (2026-02-01)\n"


def test_bad_date_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["report", "--as-of", "31/12/2026"])
    assert done.value.code == 2
    assert "argument --as-of: expected a date like 2026-09-30, got '31/12/2026'" in capsys.readouterr().err


def test_report_markdown_and_csv(small_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--data", str(small_folder), "--format", "md"]) == 0
    md = capsys.readouterr().out
    assert md.startswith("# wfplan report\n")
    assert "| KEN | Kennewick | WA | open | 10 | 2.4 | 0.24 | 100,000 | 50,000 | 150,000 | 15,000 | 62,500 | 2026-12-31 | 2 | 1 |" in md
    assert main(["report", "--data", str(small_folder), "--format", "csv"]) == 0
    blocks = capsys.readouterr().out.split("\n\n")
    sites = next(b for b in blocks if b.startswith("# site_costs.sites"))
    rows = list(csv.DictReader(io.StringIO(sites.split("\n", 1)[1])))
    assert [r["site_id"] for r in rows] == ["BOI", "KEN", "TUL"]
    assert rows[1]["annual_cost"] == "150000.0"


def test_a_broken_folder_is_refused_by_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--data", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "error: sites.parquet: required table is missing (no sites.parquet or sites/)" in err
    assert err.endswith(f"{tmp_path}: 5 errors, 0 warnings; wfplan cannot open this folder until the errors are fixed\n")


def test_interrupt_is_a_clean_exit(small_folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise QueryCancelled("query cancelled")

    monkeypatch.setattr("queries.contract.check.check_folder", interrupted)
    assert main(["check", "--data", str(small_folder)]) == 130
    assert capsys.readouterr().err == "wfplan: interrupted\n"


def test_a_bug_writes_a_log_not_a_traceback(small_folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr("queries.contract.check.check_folder", broken)
    assert main(["check", "--data", str(small_folder)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("wfplan: unexpected error: division by zero\nThe details are in ")
    log = Path(err.strip().rsplit(" ", 1)[1])
    assert "ZeroDivisionError" in log.read_text() and "Traceback" not in err


def test_interrupt_cancels_a_running_query_from_another_thread(tmp_path: Path) -> None:
    job = connect(tmp_path).job()
    outcome: list[BaseException] = []

    def run() -> None:
        try:
            job.sql("SELECT count(*) FROM range(10000000000) AS a")
        except BaseException as err:
            outcome.append(err)

    worker = threading.Thread(target=run)
    worker.start()
    time.sleep(0.3)
    progress = job.progress()
    assert progress is None or 0 <= progress <= 1
    job.cancel()
    worker.join(timeout=10)
    assert not worker.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], QueryCancelled)


def test_report_headcount_and_reach_sections(small_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--data", str(small_folder)]) == 0
    report = json.loads(capsys.readouterr().out)
    headcount = report["headcount"]
    assert headcount["total"] == {"headcount": 7, "fte": 6.5}
    # The trend covers the HR history (assignments from 2024-01-01), not the KPI rows' two
    # days: January 2024 to March 2026, 27 months.
    assert len(headcount["monthly"]) == 27
    assert headcount["monthly"][0] == {"month": "2024-01-01", "onsite": 4, "hybrid": 2, "remote": 0, "hires": 6, "leavers": 0}
    assert headcount["monthly"][-1] == {"month": "2026-03-01", "onsite": 4, "hybrid": 2, "remote": 1, "hires": 1, "leavers": 0}
    # Onsite reach: R1 (near KEN), R2 (BOI) = 2,600 + 6,500 CSRs (TUL is closing: it hires
    # no one); remote reach: all four regions, 42,800 (see tests/model/test_reach.py).
    assert report["reach"]["onsite"]["experienced_pool"] == 9_100
    assert report["reach"]["remote"]["experienced_pool"] == 42_800
    assert report["reach"]["reach_multiplier"] == pytest.approx(42_800 / 9_100)
    assert sorted(report["reach"]) == ["onsite", "reach_multiplier", "regions", "remote"]


def test_report_kpi_section_suppresses_small_groups(small_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """One agent with KPI rows per mode (A1 onsite, A6 remote): both below the floor of 5."""
    assert main(["report", "--data", str(small_folder)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert "staffing" not in report  # the small folder has no forecast
    kpi = report["kpi"]
    assert [(g["work_mode"], g["suppressed"], g["agents"], g["fcr"]) for g in kpi["groups"]] == [
        ("onsite", True, None, None), ("remote", True, None, None),
    ]
    assert all(c["difference"] is None and c["ci_low"] is None for c in kpi["comparisons"])
    assert {(c["group"], c["versus"]) for c in kpi["comparisons"]} == {("remote", "onsite"), ("hybrid", "onsite")}


def test_markdown_formats_every_figure_of_a_kind_alike(small_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue #22: an int printed 9100 beside a float printed 18,900. Now both have thousands
    separators: the reach's experienced pool (an int, 2,600 + 6,500) and available pool (a
    float, 150,000 x 0.05 + 380,000 x 0.03)."""
    assert main(["report", "--data", str(small_folder), "--format", "md"]) == 0
    md = capsys.readouterr().out
    assert "| reach.onsite.experienced_pool | 9,100 |" in md
    assert "| reach.onsite.available_pool | 18,900 |" in md
    cells = [c.strip() for line in md.splitlines() if line.startswith("|") for c in line.strip("|").split("|")]
    assert [c for c in cells if c.isdigit() and len(c) >= 4] == []


def test_report_tells_scripts_when_a_target_is_out_of_reach(small_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = tmp_path / "s.toml"
    scenario.write_text("[remote_target]\nshare = 1.0\n")
    assert main(["report", "--data", str(small_folder), "--scenario", str(scenario)]) == 0
    notes = json.loads(capsys.readouterr().out)["scenario"]["notes"]
    assert notes == ["remote share target 100% not reached: no movable onsite agent left at an open or closing site (4 moved, 6 needed)"]


def test_markdown_report_keeps_line_breaks_in_names_out_of_the_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tables = base_tables()
    tables["sites"] = tables["sites"].with_columns(name=pl.Series(["Kenne\nwick", "Bo\x1b[31mise", "Tulsa"]))
    folder = write_folder(tmp_path / "data", tables)
    assert main(["report", "--data", str(folder), "--format", "md"]) == 0
    md = capsys.readouterr().out
    # Issue 16: control characters are made visible (they used to become spaces), still on one row.
    assert "| KEN | Kenne\\nwick |" in md and "| BOI | Bo\\x1b[31mise |" in md and "\x1b" not in md
