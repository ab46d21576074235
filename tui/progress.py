"""A progress bar for long command-line work, shown only on a terminal.

`wfplan demo` and `wfplan check` on big folders take a while; a person at a terminal sees
a bar on stderr, while a script piping the output sees nothing extra.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Callback = Callable[[int, int], None]


@contextmanager
def terminal_progress(label: str) -> Iterator[Callback]:
    """Yield a `progress(done, total)` callback that draws a bar when stderr is a terminal."""
    if not sys.stderr.isatty():
        yield lambda done, total: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn(),
        console=Console(stderr=True), transient=True,
    )
    task = bar.add_task(label, total=None)

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    with bar:
        yield update
