"""The one base type of the errors wfplan means a user to read.

Every error the core raises for bad input, a broken export, a failed query or a bad scenario
derives from `WfplanError`, and its message is written for a planner: the CLI prints it and the
app shows it, with no traceback. Anything else that escapes is a bug, and takes the crash path.
"""

from __future__ import annotations


class WfplanError(Exception):
    """An error whose message is meant for the user."""
