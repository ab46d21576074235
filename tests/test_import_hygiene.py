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
