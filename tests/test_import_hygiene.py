"""The core never imports Textual, and the script commands never load it."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent


def test_queries_package_never_imports_textual_or_tui() -> None:
    offenders = []
    for path in (ROOT / "queries").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in {"textual", "tui", "rich"}]
    assert offenders == []


def test_check_report_and_demo_do_not_load_textual(small_folder: Path, tmp_path: Path) -> None:
    probe = (
        "import sys; from tui.cli import main; code = main(sys.argv[1:]); "
        "assert 'textual' not in sys.modules, 'textual was imported'; sys.exit(code)"
    )
    for args in (["check", "--data", str(small_folder)], ["report", "--data", str(small_folder)],
                 ["demo", "--out", str(tmp_path / "demo"), "--agents", "20", "--days", "60"]):
        done = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, cwd=ROOT)
        assert done.returncode == 0, done.stderr


def test_the_app_imports_only_what_the_first_screen_needs() -> None:
    """Benchmark 1: the other screens, exporting and the KPI statistics load when used, not
    on the way to the first numbers (Site costs)."""
    later = ["tui.screens.headcount", "tui.screens.reach", "tui.screens.kpis", "tui.screens.staffing",
             "tui.screens.scenarios", "tui.screens.problems", "tui.export", "queries.model.kpi", "queries.report.build",
             "queries.report.table_export", "tui.screens.plan", "scipy.optimize"]
    probe = f"import sys, tui.app; print([m for m in {later!r} if m in sys.modules])"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


async def test_every_screen_still_opens_with_its_key(small_folder: Path) -> None:
    from queries.config import load_settings
    from tests.screen import loaded
    from tui.app import WfplanApp

    app = WfplanApp(settings=load_settings(), folder=small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        for key, title in (("2", "Headcount"), ("3", "Hiring reach"), ("4", "KPIs"), ("5", "Staffing"),
                           ("6", "Scenarios"), ("7", "Plan"), ("1", "Site costs")):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen.SCREEN_TITLE == title, key


def test_the_app_and_the_command_import_no_data_library_before_the_first_frame() -> None:
    """Benchmark 1: a start from the start cache (tui/quick_start.py) draws its first numbers
    before polars, numpy, pydantic, DuckDB or pyarrow are imported; the load imports them in
    its worker, after that frame."""
    heavy = ["polars", "numpy", "pydantic", "pydantic_settings", "duckdb", "pyarrow", "scipy"]
    probe = ("import sys, tui.cli, tui.app, tui.quick_start; "
             f"print([m for m in {heavy!r} if m in sys.modules])")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
