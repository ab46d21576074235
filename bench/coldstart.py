"""Benchmarks 1 and 2: cold start to the first screen showing numbers, in a real terminal.

Each command starts in a detached tmux session of 80x24 (a real terminal emulator, so the
app pays for its terminal output too); the pane is read every 20 ms until the app's
"ready" text appears. The time is from asking tmux for the session to the first capture
that shows it. A private tmux server (its own socket) keeps the suite away from any tmux
the person running it has open, and it is started once before timing so that no sample
pays for starting the server.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from bench.common import BENCH, CACHE, PYTHON, REPO, BenchError, clean_env, last_lines

SOCKET = "wfplan-bench"
POLL = 0.02
HARLEQUIN_VENV = CACHE / "harlequin-venv"


def tmux(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["tmux", "-L", SOCKET, *args], capture_output=True, text=True, check=check,
                          env=clean_env())


class Terminal:
    """The private tmux server, alive for the `with` block."""

    def __enter__(self) -> Terminal:
        if shutil.which("tmux") is None:
            raise BenchError("tmux is not installed (Debian: apt-get install tmux)")
        # A keeper session holds the server up between samples; remain-on-exit keeps a
        # crashed app's last words on its pane for the error message.
        tmux("new-session", "-d", "-s", "keeper", "-x", "80", "-y", "24")
        tmux("set-option", "-g", "remain-on-exit", "on")
        self.count = 0
        return self

    def __exit__(self, *exc: object) -> None:
        tmux("kill-server", check=False)  # only the server on our own socket

    def time_to(self, command: list[str], ready: Callable[[str], bool], timeout: float = 120) -> float:
        """Seconds from starting `command` in an 80x24 pane until `ready(pane text)`."""
        self.count += 1
        name = f"run{self.count}"
        shell = f"cd {shlex.quote(str(REPO))} && exec {shlex.join(command)}"
        start = time.perf_counter()
        tmux("new-session", "-d", "-s", name, "-x", "80", "-y", "24", shell)
        try:
            while True:
                screen = tmux("capture-pane", "-p", "-t", name, check=False).stdout
                elapsed = time.perf_counter() - start
                if ready(screen):
                    return elapsed
                if elapsed > timeout:
                    raise BenchError(f"no ready screen after {timeout:.0f} s; the pane shows: {last_lines(screen)}")
                time.sleep(POLL)
        finally:
            tmux("kill-session", "-t", name, check=False)


# -- what "ready" looks like for each app ------------------------------------------------------

MONEY = re.compile(r"\$\d")


def wfplan_ready(screen: str) -> bool:
    # The info bar shows "as of" once the folder is loaded, and the site table its money.
    return "as of" in screen and MONEY.search(screen) is not None


def minimal_ready(screen: str) -> bool:
    return "SITE0003" in screen and MONEY.search(screen) is not None


def harlequin_ready(screen: str) -> bool:
    # Its first usable screen: the catalog lists the connected in-memory database.
    return "memory db" in screen and "Query Editor" in screen


def wfplan_command(folder: Path) -> list[str]:
    return [PYTHON, "-m", "tui.cli", "--data", str(folder)]


def minimal_command() -> list[str]:
    return [PYTHON, str(BENCH / "baselines" / "minimal_app.py")]


def harlequin_command() -> list[str]:
    return [str(HARLEQUIN_VENV / "bin" / "harlequin")]  # no argument: an in-memory DuckDB


def ensure_harlequin(log=print) -> str | None:
    """Install harlequin into its own throwaway venv (its Textual and DuckDB versions must
    not touch wfplan's); None when it is there, else why it is not."""
    exe = HARLEQUIN_VENV / "bin" / "harlequin"
    if exe.exists():
        return None
    log("  installing harlequin into bench/.cache/harlequin-venv (once)...")
    try:
        subprocess.run([PYTHON, "-m", "venv", "--clear", str(HARLEQUIN_VENV)], check=True, capture_output=True)
        subprocess.run([str(HARLEQUIN_VENV / "bin" / "python"), "-m", "pip", "install", "--quiet",
                        "--disable-pip-version-check", "harlequin"], check=True, capture_output=True, timeout=600)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as err:
        output = getattr(err, "stderr", b"") or b""
        return f"harlequin did not install: {last_lines(output.decode(errors='replace'), 2) or err}"
    return None if exe.exists() else "harlequin installed no 'harlequin' command"


def measure(folder: Path, runs: int, with_harlequin: bool, log=print) -> dict[str, list[float] | str]:
    """Interleaved samples (wfplan, minimal, harlequin, wfplan, ...) so that a slow moment of
    the machine hits every app alike. Returns samples per app, or why harlequin has none."""
    results: dict[str, list[float] | str] = {"wfplan": [], "minimal": []}
    harlequin_missing = ensure_harlequin(log) if with_harlequin else "not measured"
    if harlequin_missing is None:
        results["harlequin"] = []
    else:
        results["harlequin"] = harlequin_missing
    apps: list[tuple[str, list[str], Callable[[str], bool]]] = [
        ("wfplan", wfplan_command(folder), wfplan_ready),
        ("minimal", minimal_command(), minimal_ready),
    ]
    if harlequin_missing is None:
        apps.append(("harlequin", harlequin_command(), harlequin_ready))
    with Terminal() as term:
        # One unmeasured start each: the first start of a program after the disk cache was
        # emptied reads its files from disk, which no later start does.
        for _, command, ready in apps:
            term.time_to(command, ready)
        for i in range(runs):
            for name, command, ready in apps:
                seconds = term.time_to(command, ready)
                results[name].append(seconds)
                log(f"  cold start {name} #{i + 1}: {seconds:.2f} s")
    return results
