"""Writing the traceback of an unexpected error to a log file the user can send us.

No traceback is ever printed to the user; they see a short message and this file's path.
"""

from __future__ import annotations

import datetime as dt
import traceback
from pathlib import Path


def log_folder() -> Path:
    from platformdirs import user_log_path

    return user_log_path("wfplan")


def write_crash_log(error: BaseException) -> Path:
    folder = log_folder()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = folder / f"crash-{stamp}.log"
    path.write_text("".join(traceback.format_exception(error)), encoding="utf-8")
    return path
