"""The demo folders the benchmarks read, made with `wfplan demo` and cached between runs.

A folder is named after everything that decides its content: the generator's
DEMO_VERSION (bumped by wfplan whenever its output changes) and the demo arguments. A
folder appears only complete (`wfplan demo` renames it into place at the end), so an
existing folder is a finished one.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from bench.common import CACHE, REPO, BenchError, Run, last_lines, run_measured, wfplan_cmd

DATA = CACHE / "data"


def demo_version() -> str:
    # Read, not imported: the suite's own process stays free of wfplan's imports.
    text = (REPO / "queries" / "demo" / "generate.py").read_text(encoding="utf-8")
    match = re.search(r"^DEMO_VERSION\s*=\s*(\S+)", text, re.MULTILINE)
    return match.group(1) if match else "unknown"


def demo_folder(agents: int, days: int, seed: int) -> Path:
    return DATA / f"demo-v{demo_version()}-a{agents}-d{days}-s{seed}"


def generate(out: Path, agents: int, days: int, seed: int) -> Run:
    """Run `wfplan demo` into `out` (replacing it), measured."""
    run = run_measured(wfplan_cmd("demo", "--out", str(out), "--agents", str(agents),
                                  "--days", str(days), "--seed", str(seed), "--force"))
    if run.returncode != 0:
        raise BenchError(f"wfplan demo failed ({run.returncode}): {last_lines(run.stderr)}")
    return run


def ensure_demo(agents: int, days: int, seed: int, log=print) -> Path:
    """The cached folder for these arguments, generated on first use."""
    folder = demo_folder(agents, days, seed)
    if folder.is_dir():
        return folder
    # Older versions of the generator leave folders nobody reads again.
    for stale in DATA.glob(f"demo-v*-a{agents}-d{days}-s{seed}"):
        shutil.rmtree(stale, ignore_errors=True)
    log(f"  generating demo data {folder.name} with wfplan demo (once, cached)...")
    run = generate(folder, agents, days, seed)
    log(f"  done in {run.seconds:.0f} s")
    return folder


def kpi_rows(folder: Path) -> int:
    """Rows of kpi_daily, from the Parquet footers (no scan)."""
    import pyarrow.parquet as pq

    files = [folder / "kpi_daily.parquet"] if (folder / "kpi_daily.parquet").exists() \
        else sorted((folder / "kpi_daily").rglob("*.parquet"))
    return sum(pq.ParquetFile(f).metadata.num_rows for f in files)
