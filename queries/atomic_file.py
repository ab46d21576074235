"""Writing a file so that it is never half-written: a temporary file beside it, flushed to
disk, then renamed over it.

A rename within one folder is atomic, so a reader sees the old file or the new one, never
a mix; an interrupted or failed write (a full disk, a killed process) leaves the old file
as it was and no temporary file behind. Scenario files and table exports both use it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def write_atomically(path: Path, write: Callable[[BinaryIO], object], mode: int | None = None) -> None:
    """Create `path` (and its folder) with what `write` puts into the open binary file.

    The file is readable by its owner only (0600) unless `mode` says otherwise. Errors
    propagate unchanged (OSError for the file system); callers word them.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as f:
            if mode is not None:
                os.fchmod(f.fileno(), mode)
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def default_file_mode() -> int:
    """The mode a new file gets from most programs: 0666 less the process's umask.

    Read from /proc on Linux (setting the umask to read it would race other threads);
    elsewhere 0644, the usual result.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return 0o644
