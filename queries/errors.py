"""The one base type of the errors wfplan means a user to read.

Every error the core raises for bad input, a broken export, a failed query or a bad scenario
derives from `WfplanError`, and its message is written for a planner: the CLI prints it and the
app shows it, with no traceback. Anything else that escapes is a bug, and takes the crash path.
"""

from __future__ import annotations


class WfplanError(Exception):
    """An error whose message is meant for the user."""


# Defined here, not beside the code that raises them, so that code which only catches them
# (the `wfplan` command, the app) need not import pydantic to do so: a cold start shows its
# first numbers before that import (tui/quick_start.py).
class ConfigError(WfplanError):
    """A configuration problem, worded for the user. Exit code 2 (raised by queries.config)."""


class ScenarioError(WfplanError):
    """A scenario file or edit that cannot be used; the message names file, key and rule
    (raised by queries.model.scenario)."""
