"""Benchmark 10: how cost grows with the size of the exports.

At each size of the plan (full: 10,000, 100,000 and 300,000 agents over two years of days),
three things a planner waits for, each against a baseline measured right after it in the
same run, on the same folder:

- `wfplan check`, against one DuckDB scan of every column (the baseline of benchmark 5);
- `wfplan report --format json`, against the same scan (the report reads the check cache
  the check just left, as every report after the first on unchanged exports does);
- a period change on the KPI screen (bench.bigapp with the KPI screen only), against bare
  DuckDB's group-by of the same period (the baseline of benchmark 3).

Cost grows no faster than the data when, from one size to the next, wfplan's time grows by
no more than the KPI rows do (`growth` <= `data_growth`). The first size has fixed costs
(Python, DuckDB and Textual starting) that hide how work grows, so the verdict is read
between the two largest sizes; every step is in the JSON.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import BENCH, PYTHON, BenchError, last_lines, run_json, run_measured, runs_within, wfplan_cmd
from bench.data import ensure_demo, kpi_rows

WHAT = {
    "check": ("wfplan check", "DuckDB: one scan of every column"),
    "report": ("wfplan report --format json", "DuckDB: one scan of every column"),
    "kpis": ("period change -> KPIs redrawn", "DuckDB group-by work mode, same period"),
}


def _pairs(ours: list[str], budget: float, runs: int, folder: Path) -> tuple[list[float], list[float]]:
    scan = [PYTHON, str(BENCH / "baselines" / "duckdb_scan.py"), str(folder)]
    mine, base = [], []
    for _ in runs_within(budget, runs, at_least=1):
        run = run_measured(ours)
        if run.returncode != 0:
            raise BenchError(f"{' '.join(ours[2:4])} exited {run.returncode}: {last_lines(run.stdout + run.stderr)}")
        mine.append(run.seconds)
        base.append(run_measured(scan).seconds)
    return mine, base


def measure(sizes: list[tuple[int, int, int]], runs: int, budget: float, changes: int,
            log: Callable[[str], None] = print) -> list[dict[str, Any]]:
    """One entry per size: agents, days, KPI rows, and for each of WHAT the samples of
    wfplan and of its baseline (seconds)."""
    out = []
    for i, (agents, days, seed) in enumerate(sizes):
        folder = ensure_demo(agents, days, seed, log=log)
        entry: dict[str, Any] = {"agents": agents, "days": days, "kpi_rows": kpi_rows(folder)}
        run_measured([PYTHON, str(BENCH / "baselines" / "duckdb_scan.py"), str(folder)])  # page cache, for both
        if i == 0:  # unmeasured: compiled bytecode and warm imports, as every later size has them
            run_measured(wfplan_cmd("report", "--data", str(folder), "--format", "json"))
        entry["check"] = dict(zip(("wfplan", "baseline"), _pairs(
            wfplan_cmd("check", "--data", str(folder)), budget, runs, folder), strict=True))
        entry["report"] = dict(zip(("wfplan", "baseline"), _pairs(
            wfplan_cmd("report", "--data", str(folder), "--format", "json"), budget, runs, folder), strict=True))
        app, _ = run_json([PYTHON, "-m", "bench.bigapp", "--data", str(folder), "--changes", str(changes),
                           "--screens", "4"])
        entry["kpis"] = {"wfplan": app["refresh"]["kpis"], "baseline": app["baseline"],
                         "redraw": app["redraw"]["kpis"]}
        log(f"  {agents:,} agents ({entry['kpi_rows']:,} KPI rows): "
            + ", ".join(f"{key} {statistics.median(entry[key]['wfplan']):.2f} s "
                        f"(baseline {statistics.median(entry[key]['baseline']):.2f} s)" for key in WHAT))
        out.append(entry)
    return out


def growth(sizes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """From each size to the next: how much the data grew, and each measure's median time and
    its baseline's; `linear` says whether wfplan's time grew no faster than the data."""
    steps = []
    for small, large in zip(sizes, sizes[1:], strict=False):
        data = large["kpi_rows"] / small["kpi_rows"]
        step: dict[str, Any] = {"from_agents": small["agents"], "to_agents": large["agents"], "data_growth": data}
        for key in WHAT:
            ours = statistics.median(large[key]["wfplan"]) / statistics.median(small[key]["wfplan"])
            theirs = statistics.median(large[key]["baseline"]) / statistics.median(small[key]["baseline"])
            step[key] = {"growth": ours, "baseline_growth": theirs, "linear": ours <= data}
        steps.append(step)
    return steps


def table(sizes: list[dict[str, Any]]) -> list[str]:
    """The size table of RESULTS.md and the README, in Markdown."""
    head = ["agents", "KPI rows"] + [f"{WHAT[k][0]} (ratio)" for k in WHAT]
    lines = ["| " + " | ".join(head) + " |", "| " + " | ".join("---" for _ in head) + " |"]
    for s in sizes:
        cells = [f"{s['agents']:,}", f"{s['kpi_rows']:,}"]
        for key in WHAT:
            ours, base = statistics.median(s[key]["wfplan"]), statistics.median(s[key]["baseline"])
            cells.append(f"{ours:.2f} s vs {base:.2f} s ({ours / base:.2f})")
        lines.append("| " + " | ".join(cells) + " |")
    for step in growth(sizes):
        parts = ", ".join(f"{WHAT[k][0]} x{step[k]['growth']:.2f} (baseline x{step[k]['baseline_growth']:.2f})"
                          for k in WHAT)
        lines.append(f"\nFrom {step['from_agents']:,} to {step['to_agents']:,} agents the KPI rows grow "
                     f"x{step['data_growth']:.2f}; {parts}.")
    return lines
