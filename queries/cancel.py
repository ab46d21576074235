"""Stopping long computations that the caller no longer wants, without Textual.

The model's long loops (Erlang searches, one row of a forecast after another) call
`check_cancelled()` now and then. It raises `Cancelled` when the code that started the work
(a worker of the app whose planner pressed q, or loaded another as-of date) said so through
`cancel_when`. Outside such a block it never raises, so the CLI and the tests run as before;
there ctrl+c interrupts the loop directly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_stop_requested: ContextVar[Callable[[], bool] | None] = ContextVar("_stop_requested", default=None)


class Cancelled(Exception):
    """The work was cancelled by the code that started it; nothing is wrong."""


@contextmanager
def cancel_when(stop_requested: Callable[[], bool]) -> Iterator[None]:
    """Within the block, `check_cancelled()` raises `Cancelled` once `stop_requested()` is true."""
    token = _stop_requested.set(stop_requested)
    try:
        yield
    finally:
        _stop_requested.reset(token)


def check_cancelled() -> None:
    """Raise `Cancelled` if the work running in this thread is no longer wanted."""
    stop = _stop_requested.get()
    if stop is not None and stop():
        raise Cancelled("cancelled")
