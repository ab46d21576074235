"""wfplan's benchmark suite: every benchmark of bench/README.md, one command.

    python bench/run.py [--quick] [--only 1,4] [--out bench/results/latest.json]

Generates the demo data it needs with `wfplan demo` (cached in bench/.cache/), runs each
benchmark against a baseline measured in the same run, prints the table (progress goes to
stderr) and writes it as JSON. A full run also writes bench/RESULTS.md with the machine.
--quick is a smoke run: small data, few repeats, under two minutes once the caches exist.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import time
import traceback
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `bench` and wfplan importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import coldstart, commands
from bench import scale as size_axis
from bench.common import (
    BENCH,
    FULL,
    PYTHON,
    QUICK,
    REPO,
    BenchError,
    Plan,
    Result,
    Samples,
    clean_env,
    run_json,
    run_measured,
    runs_within,
)
from bench.data import demo_folder, ensure_demo, kpi_rows


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# -- measuring ------------------------------------------------------------------------------------
# Each step stores what it measured in `raw` under its own key, or {"error": why}; the
# table is built from `raw` afterwards, so one failing benchmark never hides the others.


def measure_demo(plan: Plan, raw: dict[str, Any]) -> None:
    agents, days, seed = plan.large
    ours, theirs = commands.demo(demo_folder(*plan.large), agents, days, seed, plan.cli_runs,
                                 plan.step_budget, log)
    raw["demo"] = {"seconds": [r.seconds for r in ours], "peak_mib": [r.peak_mib for r in ours],
                   "copy_seconds": [r.seconds for r in theirs], "copy_peak_mib": [r.peak_mib for r in theirs]}


def measure_check(plan: Plan, raw: dict[str, Any]) -> None:
    ours, theirs = commands.check(ensure_demo(*plan.large, log=log), plan.cli_runs, plan.step_budget, log)
    raw["check"] = {"seconds": [r.seconds for r in ours], "peak_mib": [r.peak_mib for r in ours],
                    "scan_seconds": [r.seconds for r in theirs]}
    # One more check, its queries timed, to say where the time goes (not a sample).
    folder = ensure_demo(*plan.large, log=log)
    try:
        raw["check"]["steps"], _ = run_json([PYTHON, "-m", "bench.checksteps", str(folder)])
    except BenchError as err:  # a diagnostic: the samples above stand without it
        raw["check"]["steps"] = {"error": str(err)}


def measure_bigapp(plan: Plan, raw: dict[str, Any]) -> None:
    import tempfile

    sessions = []
    folder = ensure_demo(*plan.large, log=log)
    # A check cache of its own, empty at first: the first session is a first start on new
    # exports (the contract check runs in the app), the others start as a second start does.
    with tempfile.TemporaryDirectory(prefix="wfplan-bench-cache-") as cache:
        for i in runs_within(plan.step_budget, plan.big_sessions, at_least=1):
            log(f"  app session #{i + 1} on the large folder (loads it{', check included' * (i == 0)}, "
                "visits every screen, changes the period)...")
            data, _ = run_json([PYTHON, "-m", "bench.bigapp", "--data", str(folder),
                                "--changes", str(plan.period_changes)], env=clean_env(XDG_CACHE_HOME=cache))
            log(f"  loaded in {data['load_seconds']:.1f} s, peak {data['peak_mib_loaded']:.0f} MiB loaded, "
                f"{data['peak_mib_screens']:.0f} MiB after the screens, "
                f"KPI refresh {', '.join(f'{s:.2f}' for s in data['refresh']['kpis'])} s")
            sessions.append(data)
    raw["bigapp"] = sessions
    raw["minimal_memory"] = [run_measured([PYTHON, str(BENCH / "baselines" / "minimal_app.py"), "--headless"]).peak_mib
                             for _ in range(3)]


def measure_coldstart(plan: Plan, raw: dict[str, Any]) -> None:
    small = demo_folder(*plan.small)
    raw["coldstart"] = coldstart.measure(small, plan.cold_runs, with_harlequin=True, log=log)
    raw["startup"], _ = run_json([PYTHON, "-m", "bench.startup", "--data", str(small)])


def measure_edits(plan: Plan, raw: dict[str, Any]) -> None:
    raw["edits"], _ = run_json([PYTHON, "-m", "bench.interactive", "--data", str(demo_folder(*plan.small)),
                                "--runs", str(plan.edit_runs)])


def measure_optimize(plan: Plan, raw: dict[str, Any]) -> None:
    raw["optimize"], _ = run_json([PYTHON, "-m", "bench.optimize", "--runs", "2" if plan.quick else "5"])


def measure_report_engines(plan: Plan, raw: dict[str, Any]) -> None:
    runs = commands.report_engines(ensure_demo(*plan.large, log=log), plan.cli_runs, plan.step_budget, log)
    raw["report_engines"] = {
        "spark_seconds": [r.seconds for r in runs["spark"]], "duckdb_seconds": [r.seconds for r in runs["duckdb"]],
        "scan_seconds": [r.seconds for r in runs["scan"]],
        "duckdb_peak_mib": [r.peak_mib for r in runs["duckdb"]],
        "spark_start": [json.loads(r.stdout.strip().splitlines()[-1]) for r in runs["start"]],
        "spark_start_seconds": [r.seconds for r in runs["start"]],
    }


def measure_scale(plan: Plan, raw: dict[str, Any]) -> None:
    # One run of each command per size (two at the smaller ones while they fit the budget):
    # the size table is about how cost grows, which a 3x step in data shows well past noise.
    raw["scale"] = size_axis.measure(list(plan.sizes), runs=2, budget=plan.step_budget / len(plan.sizes),
                                 changes=plan.period_changes, log=log)


# Benchmark 6 runs first: when the large folder is not cached, its first run writes it.
STEPS: list[tuple[str, str, Callable[[Plan, dict[str, Any]], None]]] = [
    ("6", "wfplan demo", measure_demo),
    ("5", "wfplan check", measure_check),
    ("3,7", "the app on the large folder", measure_bigapp),
    ("1,2", "cold starts in tmux", measure_coldstart),
    ("4", "what-if edits", measure_edits),
    ("8", "closure optimizer, 500 sites x 36 months", measure_optimize),
    ("9", "wfplan report on Spark and on DuckDB", measure_report_engines),
    ("10", "how cost grows with size", measure_scale),
]


# -- the table ------------------------------------------------------------------------------


def build_results(plan: Plan, raw: dict[str, Any], large_rows: int | None) -> list[Result]:
    scale = f"{large_rows / 1e6:.1f}M KPI rows" if large_rows else "large folder"
    agents, days, _ = plan.large
    rows: list[Result] = []

    # 1, 2: cold start
    cold = raw.get("coldstart", {})
    r1 = Result("1", "Cold start to numbers, demo data, tmux 80x24", "s", max_ratio=1.5)
    r2 = Result("2", "Cold start vs harlequin (in-memory DuckDB)", "s", max_ratio=0.5)
    if "error" in cold:
        r1.note = r2.note = cold["error"]
    elif cold:
        wf = Samples("wfplan --data DEMO", cold["wfplan"])
        r1.wfplan = r2.wfplan = wf
        r1.baseline = Samples("minimal Textual app, 1,000-row DataTable", cold["minimal"])
        if isinstance(cold["harlequin"], list):
            r2.baseline = Samples("harlequin", cold["harlequin"])
        else:
            r2.note = cold["harlequin"]
        start = raw.get("startup", {})
        if start and "error" not in start:
            lookup = start.get("lookup_seconds", 0.0)
            hit = "found" if start.get("cache_hit") else "NOT found"
            why = (f"of a start: importing the app {start['import_seconds']:.2f} s (Textual, the shell and "
                   f"Site costs; the other screens and exporting load when first used), the start cache "
                   f"{lookup:.2f} s (entry {hit}: with it the first numbers are drawn now, and what follows "
                   f"runs in the load's worker after that frame), importing the settings, DuckDB, polars "
                   f"and the model {start.get('core_import_seconds', 0.0):.2f} s, opening the folder "
                   f"{start['check_seconds']:.2f} s (schema gate; the value rules' result comes from the check "
                   f"cache), workforce and planning model {start['data_seconds']:.2f} s, the rest Python "
                   f"starting, Textual starting and drawing")
            r1.details["startup"] = start
            if r1.met is False:
                r1.note = why
            if r2.met is False:
                r2.note = "as for 1" if r1.met is False else why
    rows += [r1, r2]

    # 3: period change, per screen; 7: peak memory
    sessions = raw.get("bigapp")
    names = {"sites": "Site costs", "headcount": "Headcount", "reach": "Hiring reach", "kpis": "KPIs"}
    r7 = Result("7", f"Peak memory visiting every screen, {scale}", "MiB", max_absolute=400)
    for i, (key, label) in enumerate(names.items()):
        r = Result(f"3{'abcd'[i]}", f"Period change -> {label} redrawn, {scale}", "s", max_ratio=0.25)
        if isinstance(sessions, dict):
            r.note = sessions["error"]
        elif sessions:
            r.wfplan = Samples(f"change_period -> {label} screen", [s for x in sessions for s in x["refresh"][key]])
            r.baseline = Samples("DuckDB group-by work mode, same period", [s for x in sessions for s in x["baseline"]])
            redraw = sessions[0]["redraw"][key]  # seconds per change, by query and screen
            r.details["redraw"] = redraw
            if r.met is False:
                r.note = period_note(key, redraw, r)
        rows.append(r)
    if isinstance(sessions, dict):
        r7.note = sessions["error"]
    elif sessions:
        r7.wfplan = Samples("wfplan, after screens 1-4", [x["peak_mib_screens"] for x in sessions])
        r7.baseline = Samples("minimal Textual app, 1,000-row DataTable", raw["minimal_memory"])
        loaded = max(x["peak_mib_loaded"] for x in sessions)
        steps = sessions[0]["load_memory"]
        r7.details = {"peak_mib_loaded": [x["peak_mib_loaded"] for x in sessions],
                      "load_seconds": [x["load_seconds"] for x in sessions],
                      "load_queries": sessions[0]["load_queries"], "load_memory": steps}
        idles = [x["rss_mib_idle"] for x in sessions if x.get("rss_mib_idle")]
        idle = max(idles) if idles else None
        r7.details["rss_mib_idle"] = idles
        if r7.met is False:
            jumps = ", ".join(f"{q['query']} {q['peak_mib_before']:,}->{q['peak_mib_after']:,} MiB" for q in steps[:3])
            first = (f"; the first session was a first start on new exports, its contract check in the app: "
                     f"loaded at {sessions[0]['peak_mib_loaded']:,.0f} MiB in {sessions[0]['load_seconds']:.0f} s"
                     + (f", the next (check from the cache) at {sessions[1]['peak_mib_loaded']:,.0f} MiB"
                        if len(sessions) > 1 else ""))
            r7.note = (f"loading peaks at {loaded:,.0f} MiB (Python, Textual, DuckDB, polars and the workforce; "
                       f"largest jumps: {jumps or 'see details'}), and the screens raise the peak by "
                       f"{r7.wfplan.median - loaded:,.0f} MiB, most of it DuckDB's hash tables while the KPI "
                       f"query sums the period per agent, site and month{first}"
                       + (f"; once idle after the screens, the app holds {idle:,.0f} MiB" if idle else ""))

    # 4: what-if edits
    edits = raw.get("edits", {})
    for rid, key, label in (("4a", "close_site", "close a site"), ("4b", "stipend", "change the stipend")):
        r = Result(rid, f"What-if: {label} -> screen updated, demo data", "s", max_ratio=5)
        if "error" in edits:
            r.note = edits["error"]
        elif edits:
            r.wfplan = Samples(f"enter in the {label} dialog", edits[key])
            r.baseline = Samples("a key bound to nothing", edits["noop"])
            r.details = {k: edits[k] for k in edits if k not in (key, "noop")}
            r.note = edit_note(edits, key, r)
        rows.append(r)

    # 5: check
    check = raw.get("check", {})
    r5 = Result("5", f"wfplan check, {scale}", "s", max_ratio=3)
    if "error" in check:
        r5.note = check["error"]
    elif check:
        r5.wfplan = Samples("wfplan check --data LARGE", check["seconds"])
        r5.baseline = Samples("DuckDB: min and max of every column, one scan", check["scan_seconds"])
        r5.details["peak_mib"] = check["peak_mib"]
        steps = check.get("steps", {})
        r5.details["steps"] = steps
        if r5.met is False:
            where = "; ".join(f"{q['query']} {q['seconds']:.1f} s" for q in steps.get("slowest", [])[:4])
            r5.note = ("the check makes one full pass over kpi_daily for its value rules, uniqueness (a bitmap of "
                       "day x agent keys), references to agents and rows without an assignment, where the baseline "
                       "makes one with no rules and no join; a rule that finds rows runs a query of its own for "
                       f"its counts and examples; peak {max(check['peak_mib']):,.0f} MiB"
                       + (f"; slowest queries: {where}" if where else "")
                       + ". The app and report run it once per change of the exports (the check cache)")
    rows.append(r5)

    # 6: demo
    demo = raw.get("demo", {})
    r6a = Result("6a", f"wfplan demo --agents {agents} --days {days}: peak memory", "MiB", max_absolute=1024)
    r6b = Result("6b", f"wfplan demo --agents {agents} --days {days}: time", "s")
    if "error" in demo:
        r6a.note = r6b.note = demo["error"]
    elif demo:
        r6a.wfplan = Samples("wfplan demo", demo["peak_mib"])
        r6a.baseline = Samples("DuckDB copying its kpi_daily", demo["copy_peak_mib"])
        r6b.wfplan = Samples("wfplan demo", demo["seconds"])
        r6b.baseline = Samples("DuckDB copying its kpi_daily", demo["copy_seconds"])
    rows += [r6a, r6b, r7]

    # 8: the closure optimizer
    solve = raw.get("optimize", {})
    r8 = Result("8", "Closure optimizer, 500 sites x 36 months (target, quarter, budget)", "s", max_absolute=1)
    if "error" in solve:
        r8.note = solve["error"]
    elif solve:
        r8.wfplan = Samples("optimize_closures, scipy imported", solve["seconds"]["target_quarter_budget"])
        r8.details = solve
        others = ", ".join(f"{name} {sorted(s)[len(s) // 2]:.2f} s" for name, s in solve["seconds"].items())
        r8.note = f"scipy's import {solve['import_seconds']:.2f} s once per session; by constraint set: {others}"
    # 9: the report on both engines, each against the scan baseline of 5 (reported: no target)
    engines = raw.get("report_engines", {})
    r9a = Result("9a", f"wfplan report --format json on DuckDB, {scale}", "s")
    r9b = Result("9b", f"wfplan report --format json on local Spark, {scale}", "s")
    r9c = Result("9c", "Spark start-up: a local session and its first query, one process", "s")
    if "error" in engines:
        r9a.note = r9b.note = r9c.note = engines["error"]
    elif engines:
        scan = Samples("DuckDB: min and max of every column, one scan", engines["scan_seconds"])
        r9a.wfplan = Samples("wfplan report --data LARGE --format json", engines["duckdb_seconds"])
        r9b.wfplan = Samples("wfplan report --engine spark --data LARGE --format json (JVM start included)",
                             engines["spark_seconds"])
        r9a.baseline = r9b.baseline = scan
        r9a.details["peak_mib"] = engines["duckdb_peak_mib"]
        r9c.wfplan = Samples("python -m bench.sparkstart (process start to exit)", engines["spark_start_seconds"])
        r9c.details["parts"] = engines["spark_start"]
        start = r9c.wfplan.median
        parts = {k: Samples(k, [p[k] for p in engines["spark_start"]]).median
                 for k in ("import_seconds", "session_seconds", "first_query_seconds")}
        r9b.note = (f"Spark / DuckDB {r9b.wfplan.median / r9a.wfplan.median:.1f}x; of Spark's "
                    f"{r9b.wfplan.median:.1f} s, starting it takes about {start:.1f} s (9c: pyspark's import "
                    f"{parts['import_seconds']:.1f} s, the JVM and session {parts['session_seconds']:.1f} s, the "
                    f"first query {parts['first_query_seconds']:.1f} s), so its queries take about "
                    f"{max(r9b.wfplan.median - start, 0):.1f} s. Local Spark on this machine's cores: it says what "
                    f"Spark costs here, not what a cluster gains")
    rows += [r8, r9a, r9b, r9c]

    # 10: how cost grows with size, read between the two largest sizes
    sizes = raw.get("scale")
    for letter, key in zip("abc", size_axis.WHAT, strict=True):
        label, base_label = size_axis.WHAT[key]
        r = Result(f"10{letter}", f"Growth with size: {label}", "s", other_target="time grows <= data")
        if isinstance(sizes, dict):
            r.note = sizes["error"]
        elif sizes:
            top = sizes[-1]
            r.name += f", {top['agents']:,} agents"
            r.wfplan = Samples(f"{label}, {top['agents']:,} agents", top[key]["wfplan"])
            r.baseline = Samples(f"{base_label}, {top['agents']:,} agents", top[key]["baseline"])
            step = size_axis.growth(sizes)[-1]
            r.other_met = step[key]["linear"]
            r.details = {"sizes": [{k: s[k] for k in ("agents", "days", "kpi_rows", key)} for s in sizes],
                         "growth": [{**{k: g[k] for k in ("from_agents", "to_agents", "data_growth")}, key: g[key]}
                                    for g in size_axis.growth(sizes)]}
            r.note = (f"from {step['from_agents']:,} to {step['to_agents']:,} agents the KPI rows grow "
                      f"x{step['data_growth']:.2f} and {label} x{step[key]['growth']:.2f} "
                      f"(its baseline x{step[key]['baseline_growth']:.2f})")
        rows.append(r)
    return rows


def period_note(screen: str, redraw: list[dict[str, Any]], r: Result) -> str:
    """Why a period change is slower than a quarter of the bare query, from `redraw`."""
    parts = ", ".join(f"{q['query']} {q['seconds']:.2f} s" for q in redraw)
    if screen == "kpis":
        scan = sum(q["seconds"] for q in redraw if q["query"].endswith(".sql"))
        return (f"every period change rescans kpi_daily; per change: {parts} "
                f"(the rest: Textual laying out and drawing). The two scans alone ({scan:.2f} s) take longer than "
                f"the bare group-by ({r.baseline.median:.2f} s) because they group by agent, site and month to "
                f"feed the comparisons, and nothing is pre-aggregated or cached per period, so no period change "
                f"can come near a quarter of one bare scan")
    return (f"no query runs, but the period change redraws every screen visited, not only the one shown; "
            f"per change: {parts}; the rest is Textual laying out and drawing the screen shown")


def edit_note(edits: dict[str, list[float]], key: str, r: Result) -> str:
    """Where an edit's time goes, from the parts `bench.interactive` measured."""
    median = {k: Samples(k, v).median for k, v in edits.items()}
    frames = (f"counted to the last frame drawn, leaving Pilot's polling out, the edit takes "
              f"{median[key + '_frame']:.2f} s and the no-op key {median['noop_frame'] * 1000:.1f} ms (it draws "
              f"nothing); ")
    return frames + (f"of the close-a-site edit's {median['close_site']:.2f} s, the planning model takes "
            f"{median['model_close']:.3f} s and the Site costs screen's show (table, chart, panel) "
            f"{median['show_close']:.3f} s; the rest is Textual closing the dialog and repainting the "
            f"screen under it (a cursor move takes {median['cursor']:.2f} s)")


def fmt(samples: Samples | None, unit: str) -> str:
    if samples is None:
        return "-"
    if unit == "s":
        return f"{samples.median:.2f} s [{min(samples.values):.2f}-{max(samples.values):.2f}]"
    return f"{samples.median:,.0f} MiB [{min(samples.values):,.0f}-{max(samples.values):,.0f}]"


def table_rows(results: list[Result]) -> list[list[str]]:
    out = []
    for r in results:
        met = {True: "yes", False: "NO", None: "-"}[r.met]
        ratio = "-" if r.ratio is None else f"{r.ratio:.2f}"
        out.append([r.id, r.name, fmt(r.wfplan, r.unit), fmt(r.baseline, r.unit), ratio, r.target, met])
    return out


HEADER = ["#", "benchmark", "wfplan median [min-max]", "baseline median [min-max]", "ratio", "target", "met"]


def plain_table(results: list[Result]) -> str:
    rows = [HEADER, *table_rows(results)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(results: list[Result]) -> str:
    rows = [HEADER, ["---"] * len(HEADER), *table_rows(results)]
    return "\n".join("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows)


def notes(results: list[Result]) -> list[str]:
    return [f"{r.id}: {r.note}" for r in results if r.note]


def fingerprint(folder: Path) -> list[tuple[str, int, int]]:
    """Every file of a data folder with its size and mtime: wfplan must never write there."""
    return sorted((str(p.relative_to(folder)), p.stat().st_size, p.stat().st_mtime_ns)
                  for p in folder.rglob("*") if p.is_file())


# -- the machine ----------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown")
    mem_kib = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                    if line.startswith("MemTotal")), 0)
    versions = {}
    for package in ("textual", "duckdb", "polars", "pyarrow"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return {
        "cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(mem_kib / 2**20, 1),
        "os": platform.platform(), "python": platform.python_version(), **versions,
        "load_average_at_start": os.getloadavg(),
    }


def code_version() -> str:
    """The commit measured, and whether wfplan's files differed from it (bench/ aside)."""
    import subprocess

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    changed = [line for line in git("status", "--porcelain").splitlines() if not line[3:].startswith("bench/")]
    return commit + (f" with {len(changed)} uncommitted changes" if changed else "")


def machine_line(m: dict[str, Any]) -> str:
    return (f"{m['cores']} cores ({m['cpu']}), {m['memory_gib']} GiB RAM, {m['os']}; Python {m['python']}, "
            f"textual {m['textual']}, duckdb {m['duckdb']}, polars {m['polars']}, pyarrow {m['pyarrow']}; "
            f"load average at start {m['load_average_at_start'][0]:.2f}, at end {m['load_average_at_end'][0]:.2f}")


def write_results_md(results: list[Result], report: dict[str, Any]) -> Path:
    path = BENCH / "RESULTS.md"
    lines = [
        "# wfplan benchmark results",
        "",
        f"Latest full run: {report['finished']} ({report['runtime_seconds'] / 60:.1f} minutes), "
        "`python bench/run.py`. What each benchmark measures and how to read it: "
        "[README.md](README.md).",
        "",
        f"Machine: {machine_line(report['machine'])}.",
        "",
        f"Code: wfplan at {report['code']}.",
        "",
        f"Data: {report['data']['small']} (benchmarks 1, 2, 4) and {report['data']['large']} "
        f"({report['data']['large_kpi_rows']:,} KPI rows; benchmarks 3, 5, 6, 7).",
        "",
        markdown_table(results),
        "",
        "Ratios are wfplan / baseline (lower is better); `met` compares the ratio, or for 6a and 7 "
        "the absolute figure, with the target.",
        "",
    ]
    if isinstance(report["raw"].get("scale"), list) and report["raw"]["scale"]:
        lines += ["## How cost grows with size (benchmark 10)", "",
                  "Median seconds of wfplan vs its same-run baseline at each size (ratio in brackets).", "",
                  *size_axis.table(report["raw"]["scale"]), ""]
    if notes(results):
        lines += ["## Notes: what holds each unmet target back, and where the time goes", ""]
        lines += [f"- **{note.split(':', 1)[0]}**:{note.split(':', 1)[1]}" for note in notes(results)] + [""]
    path.write_text("\n".join(lines), encoding="utf-8")
    update_readme(path.read_text(encoding="utf-8"))
    return path


README_START, README_END = "<!-- bench:start -->", "<!-- bench:end -->"


def update_readme(results_md: str) -> None:
    """Put the latest table, with its machine, into the project README between the markers."""
    readme = BENCH.parent / "README.md"
    text = readme.read_text(encoding="utf-8")
    if README_START not in text or README_END not in text:
        return
    lines = results_md.splitlines()
    # The suite's table is the first block of table lines; the size table (benchmark 10)
    # comes with its heading, up to the notes.
    first = next(i for i, line in enumerate(lines) if line.startswith("|"))
    end = next((i for i in range(first, len(lines)) if not lines[i].startswith("|")), len(lines))
    head_lines = [line.replace("[README.md](README.md)", "[bench/README.md](bench/README.md)")
                  for line in lines[:first] if line.startswith(("Latest full run", "Machine:", "Data:"))]
    body = "\n\n".join(head_lines)
    table = "\n".join(lines[first:end])
    size = ""
    if "## How cost grows with size (benchmark 10)" in lines:
        start = lines.index("## How cost grows with size (benchmark 10)")
        stop = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        size = "\n\n" + "\n".join(["**How cost grows with size (benchmark 10)**", *lines[start + 1:stop]]).rstrip()
    section = f"{README_START}\n{body}\n\n{table}{size}\n{README_END}"
    head, rest = text.split(README_START, 1)
    readme.write_text(head + section + rest.split(README_END, 1)[1], encoding="utf-8")


# -- main -----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smoke run: small data, few repeats")
    parser.add_argument("--only", metavar="IDS", help="run only these benchmarks, e.g. 1,4 (3 and 7 run together)")
    parser.add_argument("--out", type=Path, default=BENCH / "results" / "latest.json", help="the JSON file to write")
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else FULL
    wanted = set(args.only.split(",")) if args.only else None
    began = time.perf_counter()
    info = machine()
    log(f"wfplan bench ({'quick' if plan.quick else 'full'}) on {info['cores']} cores, {info['cpu']}")
    os.chdir(REPO)

    folders = [ensure_demo(*plan.small, log=log), demo_folder(*plan.large)]
    seen: dict[Path, list[tuple[str, int, int]]] = {}
    raw: dict[str, Any] = {}
    for ids, title, step in STEPS:
        seen.update({f: fingerprint(f) for f in folders if f.exists() and f not in seen})
        if wanted is not None and not wanted & set(ids.split(",")):
            continue
        log(f"[{ids}] {title}")
        step_began = time.perf_counter()
        try:
            step(plan, raw)
        except Exception as err:
            log(traceback.format_exc())
            for key in {"6": ["demo"], "5": ["check"], "3,7": ["bigapp"], "1,2": ["coldstart"], "4": ["edits"],
                        "8": ["optimize"],
                        "9": ["report_engines"], "10": ["scale"]}[ids]:
                raw[key] = {"error": f"not measured: {err}"}
        log(f"  ({time.perf_counter() - step_began:.0f} s)")

    changed = [f.name for f, before in seen.items() if fingerprint(f) != before]
    if changed:
        log(f"WARNING: the data folders {changed} changed during the run; wfplan must never write there")
    large = demo_folder(*plan.large)
    large_rows = kpi_rows(large) if large.exists() else None
    results = build_results(plan, raw, large_rows)
    if wanted is not None:
        results = [r for r in results if r.id.rstrip("abcd") in wanted]
    info["load_average_at_end"] = os.getloadavg()
    report = {
        "finished": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "mode": "quick" if plan.quick else "full",
        "code": code_version(),
        "runtime_seconds": time.perf_counter() - began,
        "machine": info,
        "data": {"small": demo_folder(*plan.small).name, "large": large.name, "large_kpi_rows": large_rows,
                 "changed_during_run": changed},
        "results": [r.as_dict() for r in results],
        "raw": raw,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")

    print(plain_table(results))
    for note in notes(results):
        print(f"\n{note}")
    print(f"\nMachine: {machine_line(info)}\nCode: wfplan at {report['code']}")
    print(f"Wrote {args.out}" + ("" if plan.quick or wanted else f" and {write_results_md(results, report)}")
          + f" in {report['runtime_seconds'] / 60:.1f} minutes.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
