"""The `wfplan` command's entry point: a ctrl+c at any moment reads "interrupted", exit 130.

`tui.cli.main` turns a ctrl+c into that message while a command runs. Before it (Python
importing pydantic and DuckDB takes a few hundred milliseconds) and after it (DuckDB's
threads and the output being flushed at exit) a KeyboardInterrupt would reach Python's own
handler and print a traceback, so this module, which imports nothing heavy, covers both.
"""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType

EXIT_INTERRUPTED = 130


def main() -> int:
    signal.signal(signal.SIGINT, _quit)
    from tui.cli import main as run_command

    signal.signal(signal.SIGINT, signal.default_int_handler)  # the command handles its own
    code = run_command()
    signal.signal(signal.SIGINT, _quit)
    return code


def _quit(signum: int, frame: FrameType | None) -> None:
    try:
        sys.stderr.write("wfplan: interrupted\n")
        sys.stderr.flush()
    finally:
        os._exit(EXIT_INTERRUPTED)


if __name__ == "__main__":
    sys.exit(main())
