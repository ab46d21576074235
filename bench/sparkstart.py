"""What starting Spark costs wfplan (benchmark 9's start-up figure), in one fresh process.

`python -m bench.sparkstart` starts a local Spark session as `wfplan --engine spark` does
(`queries.engines.spark_engine.new_session` with the default `[engine.spark]`: local[*], a
driver JVM of wfplan's own) and runs one trivial query on it, then prints one JSON object:
`import_seconds` (pyspark and the engine module), `session_seconds` (the JVM and the
SparkContext starting, the session's settings applied) and `first_query_seconds` (the first
`SELECT 1` through the SQL rewrite, which loads Spark's planner classes). Every
`wfplan report --engine spark` process pays all three before its first real query.
"""

from __future__ import annotations

import json
import time


def main() -> None:
    t0 = time.perf_counter()
    from queries.config import EngineSettings
    from queries.engines.spark_engine import SparkEngine, new_session, stop_drivers

    t1 = time.perf_counter()
    session = new_session(EngineSettings(name="spark").spark)
    t2 = time.perf_counter()
    from pathlib import Path

    SparkEngine(Path("."), session).sql("SELECT 1 AS one")
    t3 = time.perf_counter()
    stop_drivers()
    print(json.dumps({"import_seconds": t1 - t0, "session_seconds": t2 - t1, "first_query_seconds": t3 - t2}))


if __name__ == "__main__":
    main()
