"""What every benchmark shares: paths, the environment wfplan runs in, timing a child
process with its peak memory, and the result rows the suite prints.

A result row holds the samples of wfplan and of its baseline, both measured in the same
run on the same machine, so that the ratio (wfplan / baseline) means something on any
machine even when the absolute figures do not.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
CACHE = BENCH / ".cache"
PYTHON = sys.executable  # the interpreter of the venv that runs the suite, wfplan's own


def clean_env(**extra: str) -> dict[str, str]:
    """The environment wfplan runs in: this repo importable, no settings of the person
    running the suite (their config file or WFPLAN_ variables would change the work)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WFPLAN_")}
    # An installed wfplan starts from cached bytecode; a shell with PYTHONDONTWRITEBYTECODE
    # set (some containers set it) would make every start compile wfplan's modules again,
    # about 0.1 s that no planner pays. The unmeasured first start writes the cache.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = str(REPO)
    env["WFPLAN_CONFIG"] = str(empty_config())
    env.update(extra)
    return env


def empty_config() -> Path:
    path = CACHE / "empty-config.toml"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("# wfplan bench: every setting at its default\n", encoding="utf-8")
    return path


def wfplan_cmd(*args: str) -> list[str]:
    """`wfplan ARGS` as the entry point runs it (tui.cli:main), without needing it installed."""
    return [PYTHON, "-m", "tui.cli", *args]


@dataclass
class Run:
    seconds: float
    peak_mib: float
    returncode: int
    stdout: str
    stderr: str


def run_measured(cmd: list[str], timeout: float = 1800, env: dict[str, str] | None = None) -> Run:
    """Run `cmd` to its end; wall time and the peak resident memory of that one process.

    os.wait4 reports the rusage of exactly this child, where RUSAGE_CHILDREN would be the
    maximum over every child the suite has waited for so far.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                env=env or clean_env(), cwd=REPO)
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.005)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # keep Popen from waiting again
        out.seek(0)
        err.seek(0)
        return Run(seconds, usage.ru_maxrss / 1024, proc.returncode,
                   out.read().decode(errors="replace"), err.read().decode(errors="replace"))


def run_json(cmd: list[str], timeout: float = 1800, env: dict[str, str] | None = None) -> tuple[dict[str, Any], Run]:
    """Run a bench worker script that prints one JSON object as its last stdout line."""
    import json

    run = run_measured(cmd, timeout, env)
    if run.returncode != 0:
        raise BenchError(f"{' '.join(cmd[1:4])}... exited {run.returncode}: {last_lines(run.stderr or run.stdout)}")
    return json.loads(run.stdout.strip().splitlines()[-1]), run


def last_lines(text: str, n: int = 6) -> str:
    return " | ".join(text.strip().splitlines()[-n:])


class BenchError(Exception):
    """A benchmark could not be measured; the message says why."""


# -- results --------------------------------------------------------------------------------


@dataclass
class Samples:
    label: str  # what was measured, e.g. "wfplan check" or "DuckDB: one scan of every column"
    values: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def as_dict(self) -> dict[str, Any]:
        return {"label": self.label, "median": self.median, "min": min(self.values),
                "max": max(self.values), "n": len(self.values), "samples": self.values}


@dataclass
class Result:
    """One row of the table: wfplan against its baseline, and the target it must meet."""

    id: str
    name: str
    unit: str  # "s" or "MiB"
    wfplan: Samples | None = None
    baseline: Samples | None = None
    max_ratio: float | None = None  # target on wfplan / baseline
    max_absolute: float | None = None  # target on wfplan's median, in `unit`
    note: str = ""  # what holds an unmet target back, or why nothing was measured
    details: dict[str, Any] = field(default_factory=dict)
    # A target that is not on one figure (benchmark 10: time grows no faster than the data):
    # its text, and whether it was met.
    other_target: str | None = None
    other_met: bool | None = None

    @property
    def ratio(self) -> float | None:
        if self.wfplan is None or self.baseline is None or self.baseline.median == 0:
            return None
        return self.wfplan.median / self.baseline.median

    @property
    def met(self) -> bool | None:
        """None when there is no target or nothing was measured."""
        if self.wfplan is None:
            return None
        if self.other_target is not None:
            return self.other_met
        if self.max_absolute is not None:
            return self.wfplan.median <= self.max_absolute
        if self.max_ratio is not None and self.ratio is not None:
            return self.ratio <= self.max_ratio
        return None

    @property
    def target(self) -> str:
        if self.other_target is not None:
            return self.other_target
        if self.max_absolute is not None:
            return f"<= {self.max_absolute:g} {self.unit}"
        if self.max_ratio is not None:
            return f"ratio <= {self.max_ratio:g}"
        return "reported"

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "name": self.name, "unit": self.unit,
            "wfplan": self.wfplan.as_dict() if self.wfplan else None,
            "baseline": self.baseline.as_dict() if self.baseline else None,
            "ratio": self.ratio, "target": self.target, "max_ratio": self.max_ratio,
            "max_absolute": self.max_absolute, "met": self.met, "note": self.note,
            "details": self.details,
        }


@dataclass(frozen=True)
class Plan:
    """How much to measure: the full suite, or --quick for a smoke run."""

    quick: bool
    cold_runs: int  # tmux cold starts per app
    edit_runs: int  # what-if edits and no-op keys
    big_sessions: int  # app sessions on the large folder (each loads it once), at most
    period_changes: int  # period changes per screen and session
    cli_runs: int  # wfplan check and wfplan demo runs, at most
    small: tuple[int, int, int]  # (agents, days, seed): the demo data of benchmarks 1 and 4
    large: tuple[int, int, int]  # the large folder of benchmarks 3, 5, 6 and 7
    # Seconds each of the three slow steps (6, 5, then 3 and 7) may take: past it, no more
    # runs start beyond the least that gives a median with a spread (2, or 1 app session,
    # which has several period changes). This keeps the suite near its 15 minutes when
    # wfplan itself gets slower; the table's n shows it.
    step_budget: float
    sizes: tuple[tuple[int, int, int], ...]  # benchmark 10: the folders of the size axis, smallest first


FULL = Plan(False, cold_runs=5, edit_runs=7, big_sessions=2, period_changes=2, cli_runs=3,
            small=(4000, 730, 7), large=(100_000, 730, 7), step_budget=300,
            sizes=((10_000, 730, 7), (100_000, 730, 7), (300_000, 730, 7)))
QUICK = Plan(True, cold_runs=2, edit_runs=3, big_sessions=1, period_changes=2, cli_runs=2,
             small=(4000, 730, 7), large=(5000, 180, 7), step_budget=60,
             sizes=((2000, 180, 7), (5000, 180, 7)))


def runs_within(budget: float, at_most: int, at_least: int):
    """Run indexes 0, 1, ... up to `at_most`: always `at_least`, then only while the next run,
    guessed as long as the longest so far, still ends within `budget` seconds."""
    started = time.perf_counter()
    longest = 0.0
    for i in range(at_most):
        elapsed = time.perf_counter() - started
        if i >= at_least and elapsed + longest > budget:
            return
        run_started = time.perf_counter()
        yield i
        longest = max(longest, time.perf_counter() - run_started)
