"""Benchmarks 5 and 6: the `wfplan check` and `wfplan demo` commands, as a user runs them.

Each sample is one process, timed from start to exit, with the peak resident memory of
that process (os.wait4). wfplan and its baseline take turns, so that a slow moment of the
machine hits both alike.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from bench.common import BENCH, CACHE, PYTHON, BenchError, Run, last_lines, run_measured, runs_within, wfplan_cmd
from bench.data import generate


def check(folder: Path, runs: int, budget: float, log=print) -> tuple[list[Run], list[Run]]:
    """(wfplan check runs, baseline scan runs) on `folder`."""
    scan = [PYTHON, str(BENCH / "baselines" / "duckdb_scan.py"), str(folder)]
    run_measured(scan)  # unmeasured: brings the folder into the page cache for both
    ours, theirs = [], []
    for i in runs_within(budget, runs, at_least=2):
        run = run_measured(wfplan_cmd("check", "--data", str(folder)))
        if run.returncode != 0:
            raise BenchError(f"wfplan check exited {run.returncode}: {last_lines(run.stdout + run.stderr)}")
        ours.append(run)
        theirs.append(run_measured(scan))
        log(f"  wfplan check #{i + 1}: {run.seconds:.1f} s, {run.peak_mib:.0f} MiB; "
            f"DuckDB scan: {theirs[-1].seconds:.1f} s")
    return ours, theirs


def demo(target: Path, agents: int, days: int, seed: int, runs: int, budget: float,
         log=print) -> tuple[list[Run], list[Run]]:
    """(wfplan demo runs, baseline copy runs). When the cached folder `target` is missing,
    the first run writes it, so the suite never generates the same folder twice."""
    scratch = CACHE / "scratch"
    ours, theirs = [], []
    for i in runs_within(budget, runs, at_least=2):
        out = target if not target.exists() else scratch / "demo"
        run = generate(out, agents, days, seed)
        ours.append(run)
        if out != target:
            shutil.rmtree(out, ignore_errors=True)
        copy = run_measured([PYTHON, str(BENCH / "baselines" / "duckdb_copy.py"), str(target), str(scratch / "copy")])
        shutil.rmtree(scratch / "copy", ignore_errors=True)
        if copy.returncode != 0:
            raise BenchError(f"the DuckDB copy baseline failed: {last_lines(copy.stderr)}")
        theirs.append(copy)
        log(f"  wfplan demo #{i + 1}: {run.seconds:.1f} s, {run.peak_mib:.0f} MiB; "
            f"DuckDB copy: {copy.seconds:.1f} s, {copy.peak_mib:.0f} MiB")
    shutil.rmtree(scratch, ignore_errors=True)
    return ours, theirs


def report_engines(folder: Path, runs: int, budget: float, log=print) -> dict[str, list[Run]]:
    """Benchmark 9: `wfplan report` on DuckDB and on a local Spark session, on `folder`, with
    the scan baseline of benchmark 5 (`baselines/duckdb_scan.py`) and Spark's start-up alone.

    Each run is one process, as a cron job runs it; the Spark runs include starting the JVM
    (a driver of wfplan's own, local[*]), whose memory is not in the peak (another process).
    One unmeasured DuckDB report comes first: it brings the folder into the page cache and
    leaves the check cache both engines then read, so what is timed is the report's queries.
    In each round the four take turns: scan, DuckDB report, Spark report, Spark start-up."""
    scan = [PYTHON, str(BENCH / "baselines" / "duckdb_scan.py"), str(folder)]
    warm = run_measured(wfplan_cmd("report", "--data", str(folder), "--format", "json"))
    if warm.returncode != 0:
        raise BenchError(f"wfplan report exited {warm.returncode}: {last_lines(warm.stdout + warm.stderr)}")
    runs_of: dict[str, list[Run]] = {"scan": [], "duckdb": [], "spark": [], "start": []}
    for i in runs_within(budget, runs, at_least=1):
        runs_of["scan"].append(run_measured(scan))
        runs_of["duckdb"].append(run_measured(wfplan_cmd("report", "--data", str(folder), "--format", "json")))
        runs_of["spark"].append(run_measured(wfplan_cmd("report", "--engine", "spark", "--data", str(folder),
                                                        "--format", "json")))
        runs_of["start"].append(run_measured([PYTHON, "-m", "bench.sparkstart"]))
        for name, label in (("scan", "the DuckDB scan"), ("duckdb", "wfplan report on DuckDB"),
                            ("spark", "wfplan report on Spark"), ("start", "Spark's start-up")):
            if runs_of[name][-1].returncode != 0:
                raise BenchError(f"{label} exited {runs_of[name][-1].returncode}: "
                                 f"{last_lines(runs_of[name][-1].stdout + runs_of[name][-1].stderr)}")
        log(f"  round #{i + 1}: report on Spark {runs_of['spark'][-1].seconds:.1f} s, on DuckDB "
            f"{runs_of['duckdb'][-1].seconds:.1f} s; DuckDB scan {runs_of['scan'][-1].seconds:.1f} s; "
            f"Spark start-up and a first query {runs_of['start'][-1].seconds:.1f} s")
    return runs_of
