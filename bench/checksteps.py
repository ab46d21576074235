"""Where `wfplan check`'s time goes, for benchmark 5's note: one check of FOLDER in this
process, with every query timed (bench/profiling.py), printed as JSON.

    python -m bench.checksteps FOLDER
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def main(folder: Path) -> None:
    from bench.profiling import record_queries, slowest
    from queries.config import load_settings
    from queries.contract.check import open_folder

    settings = load_settings()
    with record_queries() as timings:
        start = time.perf_counter()
        open_folder(folder, settings.engine)
        total = time.perf_counter() - start
    print(json.dumps({"seconds": round(total, 2), "slowest": slowest(timings, 5)}))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
