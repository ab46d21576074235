"""What a cold start of wfplan spends its time on (explains benchmarks 1 and 2).

`python -m bench.startup --data DIR` does, in one fresh process, the steps the app takes
before its first screen shows numbers, without the terminal, and prints one JSON object:
`import_seconds` (`import tui.app`: Textual, the app shell and the Site costs screen, no data
library), `lookup_seconds` (the start cache, tui/quick_start.py: a start on unchanged inputs
and exports draws its first numbers from it, and all that follows runs after that frame),
`core_import_seconds` (the settings, DuckDB, polars and the planning model, which the load
imports in its worker), `check_seconds` (the data-contract check, with its slowest queries) and
`data_seconds` (the as-of workforce, trend and regions, and the first evaluation of the plan).
The rest of a cold start is Textual starting and drawing.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, required=True)
    folder = parser.parse_args().data

    t0 = time.perf_counter()
    import tui.app  # noqa: F401 - the import is what is measured

    t1 = time.perf_counter()
    from tui.cli import build_parser
    from tui.quick_start import look_up

    quick = look_up(build_parser().parse_args(["--data", str(folder)]), lambda: None)  # type: ignore[arg-type, return-value]
    t_lookup = time.perf_counter()
    from bench.common import empty_config
    from bench.profiling import record_queries, slowest
    from queries.config import load_settings
    from queries.contract.check import check_folder
    from queries.engines.duckdb_engine import Engine
    from queries.model.period import resolve_period
    from queries.plan.loading import data_range, load_plan_data
    from queries.plan.session import PlanSession

    settings = load_settings(empty_config())
    t_core = time.perf_counter()
    with record_queries() as timings:
        t2 = time.perf_counter()
        engine = Engine(folder)
        # As the app opens a folder: the full check ran in the unmeasured first start, so
        # this is the schema gate plus the cached result of the value rules.
        result = check_folder(folder, engine, use_cache=True)
        t3 = time.perf_counter()
        available = data_range(engine)
        period = resolve_period(available)
        data = load_plan_data(engine, period, available)
        PlanSession(data.workforce, settings.parameters, regions=data.regions).evaluate()
        t4 = time.perf_counter()
    print(json.dumps({
        "ok": result.ok, "import_seconds": t1 - t0, "lookup_seconds": t_lookup - t1,
        "cache_hit": quick.first is not None, "core_import_seconds": t_core - t_lookup, "check_seconds": t3 - t2,
        "data_seconds": t4 - t3, "check_queries": slowest(timings, 4),
    }))


if __name__ == "__main__":
    main()
