"""Where the time and memory go, to explain a figure (the "what holds it back" of an
unmet target), in the worker processes of the suite.

`record_queries()` wraps `Engine.sql`, through which every query of wfplan passes, with a
clock and the process's peak memory after the query (peak memory only rises, so the query
after which it jumped is the one that raised it). `record_calls()` does the same for
chosen methods, e.g. each screen's `show`. The cost is a few microseconds per call.
"""

from __future__ import annotations

import re
import resource
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from importlib import resources
from typing import Any


def _named_queries() -> dict[str, str]:
    folder = resources.files("queries.engines").joinpath("sql")
    return {f.read_text(encoding="utf-8"): f.name.removesuffix(".sql") for f in folder.iterdir() if f.name.endswith(".sql")}


def label(sql: str, named: dict[str, str]) -> str:
    """A short name: the file of a named query, else the query's kind and table."""
    if sql in named:
        return f"{named[sql]}.sql"
    text = " ".join(sql.split())
    table = re.search(r'FROM "?(\w+)"?', text)
    on = table.group(1) if table else "?"
    if text.startswith("CREATE OR REPLACE TEMP TABLE wfplan_check_agent_ids"):
        return "check: agent ids and their assignments' spans, for the scan of kpi_daily"
    if "JOIN wfplan_check_agent_ids" in text:
        return "check: the one scan of kpi_daily (value rules, uniqueness, references, assignments)"
    if "FROM wfplan_check_agent_ids" in text:
        return "check: kpi_daily's dates and agent ids (the size of the uniqueness bitmap)"
    if "FILTER (WHERE" in text:
        return f"check: value rules of {on}"
    if "HAVING count(*) > 1" in text:
        return f"check: uniqueness of {on}"
    if "FROM kpi_daily AS k LEFT JOIN assignments" in text:
        return "check: KPI rows without an assignment (kpi_daily x assignments)"
    if "NOT EXISTS" in text:
        return f"check: references of {on}"
    if "PARTITION BY agent_id" in text:
        return "check: overlapping assignments"
    return text[:60]


Timing = tuple[str, float, float]  # (label, seconds, peak MiB of the process after it)


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def rss_mib() -> float | None:
    """The process's resident memory now (Linux), None where /proc is missing."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


@contextmanager
def _wrapped(cls: type, method: str, name: Callable[..., str], sink: list[Timing]) -> Iterator[None]:
    original = getattr(cls, method)

    def timed(self: Any, *args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(self, *args, **kwargs)
        finally:
            sink.append((name(self, *args), time.perf_counter() - start, peak_mib()))

    setattr(cls, method, timed)
    try:
        yield
    finally:
        setattr(cls, method, original)


@contextmanager
def record_queries() -> Iterator[list[Timing]]:
    # The job's sql: every query goes through it, the named ones of the loading (run on a
    # thread's job, not through Engine.sql) included.
    from queries.engines.duckdb_engine import DuckDBJob

    named = _named_queries()
    timings: list[Timing] = []
    with _wrapped(DuckDBJob, "sql", lambda _, text, *rest: label(text, named), timings):
        yield timings


@contextmanager
def record_calls(targets: list[tuple[type, str]]) -> Iterator[list[Timing]]:
    """Time every call of `cls.method` for each target, labelled `Class.method`."""
    timings: list[Timing] = []
    with ExitStack() as stack:
        for cls, method in targets:
            stack.enter_context(_wrapped(cls, method, lambda _, *a, c=cls, m=method: f"{c.__name__}.{m}", timings))
        yield timings


def memory_steps(timings: list[Timing], min_rise: float = 25) -> list[dict[str, Any]]:
    """The calls after which the peak memory rose by at least `min_rise` MiB."""
    steps, top = [], 0.0
    for name, _, peak in timings:
        if top and peak - top >= min_rise:
            steps.append({"query": name, "peak_mib_before": round(top), "peak_mib_after": round(peak)})
        top = max(top, peak)
    return steps


def slowest(timings: list[Timing], n: int = 6) -> list[dict[str, Any]]:
    """The `n` labels with the most time, summed over their calls."""
    total: dict[str, float] = defaultdict(float)
    for name, seconds, _ in timings:
        total[name] += seconds
    ranked = sorted(total.items(), key=lambda kv: -kv[1])[:n]
    return [{"query": name, "seconds": round(seconds, 3)} for name, seconds in ranked]


class FrameClock:
    """When the app last drew the screen or finished handling a key, to time an action
    "until the screen shows it" without the polling of Textual's Pilot.

    It records the end of every frame the app composes (`App._display`, which Textual calls
    with the compositor's update, headless too) and of every pass of a key event through
    `App.on_event` (a key nothing handles comes back to the app last, bubbling up).
    `until_drawn` runs the action, lets `pilot.pause()` wait until the app is idle (it polls
    in 20 ms steps), and returns the time from the action's start to the last of those
    moments, so the polling itself is left out.
    """

    def __init__(self, app: Any) -> None:
        from textual import events

        self.moments: list[float] = []
        display, on_event = app._display, app.on_event

        def timed_display(screen: Any, renderable: Any) -> None:
            display(screen, renderable)
            if renderable is not None:
                self.moments.append(time.perf_counter())

        async def timed_on_event(event: Any) -> None:
            await on_event(event)
            if isinstance(event, events.Key):
                self.moments.append(time.perf_counter())

        # Instance attributes shadow the methods for the calls Textual makes on this app.
        app._display, app.on_event = timed_display, timed_on_event

    async def until_drawn(self, pilot: Any, action: Callable[[], Any]) -> tuple[float, float]:
        """(seconds to the last frame or key pass, seconds until Pilot finds the app idle)."""
        start = time.perf_counter()
        result = action()
        if hasattr(result, "__await__"):
            await result
        returned = time.perf_counter()
        await pilot.pause()
        idle = time.perf_counter()
        return max([t for t in self.moments if t > start], default=returned) - start, idle - start
