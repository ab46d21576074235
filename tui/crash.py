"""Writing the traceback of an unexpected error to a log file the user can send us.

No traceback is ever printed to the user; they see a short message and this file's path.
Writing the log must never fail in turn (a read-only home, XDG_STATE_HOME naming a file):
then it goes to the temporary folder, and failing that the message says it was not written.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import traceback
from pathlib import Path


def log_folder() -> Path:
    from platformdirs import user_log_path

    return user_log_path("wfplan")


def write_crash_log(error: BaseException) -> Path | str:
    """The log file written, or (when no folder takes it) a sentence saying why there is none."""
    try:
        text = "".join(traceback.format_exception(error))
    except Exception as err:
        text = f"{type(error).__name__}: {error!r}\n(the traceback could not be formatted: {err!r})\n"
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    reasons: list[str] = []
    for folder in _candidate_folders(reasons):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            # mkstemp: a second crash in the same second, or a file planted under the name, is never overwritten.
            handle, name = tempfile.mkstemp(prefix=f"crash-{stamp}-", suffix=".log", dir=folder)
            with os.fdopen(handle, "w", encoding="utf-8") as f:
                f.write(text)
            return Path(name)
        except (OSError, ValueError) as err:
            reasons.append(f"{folder}: {getattr(err, 'strerror', None) or err}")
    return "no log file (it could not be written: " + "; ".join(reasons) + ")"


def _candidate_folders(reasons: list[str]) -> list[Path]:
    folders: list[Path] = []
    try:
        folders.append(log_folder())
    except Exception as err:
        reasons.append(f"user log folder: {err}")
    try:
        folders.append(Path(tempfile.gettempdir()) / "wfplan-logs")
    except Exception as err:
        reasons.append(f"temporary folder: {err}")
    return folders
