"""Benchmarks 3 and 7: the app on the large folder, in one session.

`python -m bench.bigapp --data DIR --changes N [--screens 4]` runs wfplan in-process with Textual's Pilot
(headless, 120x40) and prints one JSON object:

- `peak_mib_screens` (benchmark 7): the process's peak resident memory after loading the
  folder and visiting every screen (1-4, the KPI screen with its KPIs loaded), and
  `peak_mib_loaded`, the same right after the load (before any screen but the first);
- `refresh` (benchmark 3): for each screen, seconds from `WfplanApp.change_period` (what
  the period dialog calls) to the end of the last frame drawn for it (the KPI screen: after
  its KPI worker's scan arrived), bench.profiling.FrameClock.
  The period changes, the as-of date does not (a new as-of date reloads the whole folder);
  each change picks a period not seen before, so no sample reuses the previous scan;
- `baseline`: seconds of bare DuckDB's group-by for the same periods
  (bench/baselines/duckdb_groupby.py), each run right after the app's sample, in this
  process but on a DuckDB database of its own, so both see the machine at the same moment;
- `load_seconds`: from start to the folder loaded (contract check, then the workforce);
- to say what holds a figure back (bench/profiling.py): `load_queries`, the slowest DuckDB
  queries of the load, and `load_memory`, those after which the peak memory jumped;
  `redraw`, per screen, the seconds per period change of the queries and of each
  screen's `show` (every screen visited redraws, not only the one shown).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

from bench.profiling import Timing

SCREENS = {"1": "sites", "2": "headcount", "3": "reach", "4": "kpis"}


async def measure(folder: Path, changes: int, screens: str = "1234") -> dict[str, object]:
    from bench.common import empty_config
    from bench.profiling import record_calls, record_queries
    from queries.config import load_settings
    from tui.app import WfplanApp
    from tui.screens.headcount import HeadcountScreen
    from tui.screens.kpis import KpiScreen
    from tui.screens.reach import ReachScreen
    from tui.screens.site_costs import SiteCostsScreen

    app = WfplanApp(settings=load_settings(empty_config()), folder=folder)
    classes = [SiteCostsScreen, HeadcountScreen, ReachScreen, KpiScreen]
    start = time.perf_counter()
    with record_queries() as queries, record_calls([(cls, "show") for cls in classes]) as shows:
        return await _session(app, folder, changes, start, queries, shows,
                              {k: v for k, v in SCREENS.items() if k in screens})


async def _session(app: Any, folder: Path, changes: int, start: float,
                   queries: list[Timing], shows: list[Timing], visit: dict[str, str]) -> dict[str, object]:
    import duckdb

    from bench.baselines.duckdb_groupby import groupby_seconds
    from bench.profiling import FrameClock, memory_steps, peak_mib, rss_mib, slowest

    refresh: dict[str, list[float]] = {name: [] for name in visit.values()}
    baseline: list[float] = []
    redraw: dict[str, list[Timing]] = {name: [] for name in visit.values()}
    async with app.run_test(size=(120, 40)) as pilot:

        async def kpis_shown() -> None:
            # The KPI worker posts its result; the screen draws it on the next message.
            while not (app.kpi_inputs is not None and app.kpi_inputs.period == app.period):
                await asyncio.sleep(0.005)
            await pilot.pause()

        await app.workers.wait_for_complete()
        await pilot.pause()
        if app.session is None:
            raise SystemExit(f"the folder did not load: {app.status}")
        load_seconds = time.perf_counter() - start
        load_queries, load_memory = slowest(queries), memory_steps(queries)
        peak_loaded = peak_mib()

        for key, name in visit.items():
            await pilot.press(key)
            await pilot.pause()
            if name == "kpis":
                await kpis_shown()
        peak_screens = peak_mib()
        # What the app keeps while the planner reads the screens: DuckDB's allocator hands
        # memory a query freed back within a second or so.
        await asyncio.sleep(2)
        idle = rss_mib()

        clock = FrameClock(app)
        bare = duckdb.connect()  # after the memory figure: the baseline's memory is not the app's
        groupby_seconds(bare, folder, str(app.period.start), str(app.period.end))  # warm, as the app is
        as_of, end = app.period.as_of, app.period.end
        n = 0
        for key, name in visit.items():
            await pilot.press(key)
            await pilot.pause()
            if name == "kpis":
                await kpis_shown()
            for _ in range(changes):
                n += 1
                # 90-day periods, each starting a week earlier than the one before.
                first = end - dt.timedelta(days=89 + 7 * n)
                last = first + dt.timedelta(days=89)
                marks = len(queries), len(shows)

                async def change(first: dt.date = first, last: dt.date = last, name: str = name) -> None:
                    app.change_period(as_of, first, last)
                    if name == "kpis":
                        await kpis_shown()

                frame, _idle = await clock.until_drawn(pilot, change)  # vs bare DuckDB: no harness time
                refresh[name].append(frame)
                # The screen shows the new period: in the info bar, and on the KPI table.
                assert str(first) in str(app.screen.query_one("#info-bar").render()), "stale info bar"
                if name == "kpis":
                    assert str(first) in str(app.screen.query_one("#kpi-groups").border_title), "stale KPIs"
                redraw[name] += queries[marks[0]:] + shows[marks[1]:]
                baseline.append(groupby_seconds(bare, folder, str(first), str(last)))
    return {
        "load_seconds": load_seconds,
        "peak_mib_loaded": peak_loaded,
        "peak_mib_screens": peak_screens,
        "rss_mib_idle": idle,
        "peak_mib_end": peak_mib(),
        "refresh": refresh,
        "baseline": baseline,
        "load_queries": load_queries,
        "load_memory": load_memory,
        "redraw": {name: [{**q, "seconds": round(q["seconds"] / changes, 3)} for q in slowest(calls)]
                   for name, calls in redraw.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--changes", type=int, default=3)
    parser.add_argument("--screens", default="1234", help="the screens to visit and change the period on, e.g. 4")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(measure(args.data, args.changes, args.screens))))


if __name__ == "__main__":
    main()
