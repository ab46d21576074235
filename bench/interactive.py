"""Benchmark 4: a what-if edit to the updated screen, against a key press that changes nothing.

Runs the app in-process with Textual's Pilot (headless, 80x24) on the demo data, as a
worker process of the suite: `python -m bench.interactive --data DIR --runs N` prints
one JSON object of samples in seconds:

- `close_site`, `stipend`: from the key that confirms the edit (enter in its dialog) until
  the app is idle again, as Textual's Pilot finds it (it polls in 20 ms steps);
- `noop`: the same for a key bound to nothing;
- `*_frame`: the same three, counted only to the end of the last frame drawn (or, for the
  no-op, to the key's last pass through the app), which leaves Pilot's polling out
  (bench.profiling.FrameClock);
- for the note: `cursor`, a key that changes only the cursor (one small frame);
  `model_close`, the planning model alone on the closure scenario; `show_close`, the Site
  costs screen's `show` (filling the table, chart and panel) during the closure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from pathlib import Path


async def measure(folder: Path, runs: int) -> dict[str, list[float]]:
    from textual.widgets import Input

    from bench.common import empty_config
    from bench.profiling import FrameClock, record_calls
    from queries.config import load_settings
    from tui.app import WfplanApp
    from tui.dialogs import FormDialog
    from tui.screens.site_costs import SiteCostsScreen

    app = WfplanApp(settings=load_settings(empty_config()), folder=folder)
    keys = ("close_site", "stipend", "noop", "cursor", "model_close", "show_close",
            "close_site_frame", "stipend_frame", "noop_frame", "cursor_frame")
    samples: dict[str, list[float]] = {k: [] for k in keys}
    with record_calls([(SiteCostsScreen, "show")]) as shows:
        async with app.run_test(size=(80, 24)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.session is not None, "the demo folder did not load"
            clock = FrameClock(app)

            async def timed(key: str) -> tuple[float, float]:
                return await clock.until_drawn(pilot, lambda: pilot.press(key))

            for i in range(runs + 1):  # the first round warms caches and is not kept
                keep = i > 0
                noop = await timed("z")
                cursor = await timed("down")
                await pilot.press("up")  # back to the first site

                # Close the site under the cursor with the dialog's defaults.
                await pilot.press("c")
                await pilot.pause()
                assert isinstance(app.screen, FormDialog)
                mark = len(shows)
                close = await timed("enter")
                assert isinstance(app.screen, SiteCostsScreen) and app.session.scenario.closures, "no closure"
                show = sum(seconds for _, seconds, _ in shows[mark:])
                model = model_seconds(app.session)
                await pilot.press("u")  # back to the baseline for the next round
                await pilot.pause()

                # Change the stipend: type a new value, then time the enter that applies it.
                await pilot.press("r")
                await pilot.pause()
                app.screen.query_one("#field-stipend_monthly", Input).value = str(60 + i)
                await pilot.pause()
                stipend = await timed("enter")
                assert app.session.scenario.parameters.remote.stipend_monthly == 60 + i, "stipend not applied"
                await pilot.press("u")
                await pilot.pause()
                if keep:
                    for key, (frame, idle) in (("noop", noop), ("cursor", cursor), ("close_site", close),
                                               ("stipend", stipend)):
                        samples[key].append(idle)
                        samples[f"{key}_frame"].append(frame)
                    samples["model_close"].append(model)
                    samples["show_close"].append(show)
    return samples


def model_seconds(session) -> float:
    """The planning model alone on the active scenario, no UI."""
    start = time.perf_counter()
    session.evaluate_scenario(session.scenario)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(measure(args.data, args.runs))))


if __name__ == "__main__":
    main()
