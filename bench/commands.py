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


def report_engines(folder: Path, runs: int, budget: float, log=print) -> tuple[list[Run], list[Run]]:
    """Benchmark 8: (`wfplan report` on DuckDB, the same on a local Spark session) on `folder`.

    Each run is one process, as a cron job runs it; the Spark runs include starting the JVM
    (a driver of wfplan's own, local[*]), whose memory is not in the peak (another process).
    Both read the check cache the first DuckDB run leaves, so what is timed is the report."""
    ours, theirs = [], []
    for i in runs_within(budget, runs, at_least=1):
        duck = run_measured(wfplan_cmd("report", "--data", str(folder), "--format", "json"))
        spark = run_measured(wfplan_cmd("report", "--engine", "spark", "--data", str(folder), "--format", "json"))
        for name, run in (("DuckDB", duck), ("Spark", spark)):
            if run.returncode != 0:
                raise BenchError(f"wfplan report on {name} exited {run.returncode}: {last_lines(run.stdout + run.stderr)}")
        ours.append(spark)
        theirs.append(duck)
        log(f"  wfplan report #{i + 1}: Spark {spark.seconds:.1f} s, DuckDB {duck.seconds:.1f} s")
    return ours, theirs
