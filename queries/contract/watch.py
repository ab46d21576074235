"""Noticing that the data folder changed on disk since it was loaded, cheaply.

The app reads the exports once per load; an export job that rewrites a file afterwards
leaves the screens on the old numbers. `folder_state` is what the folder looks like
(names, sizes and modification and change times of its Parquet files, from `stat` alone,
never reading a file), so comparing two states tells whether a reload (F5) would show other
numbers. `changed_files` says which files differ, for the message.
"""

from __future__ import annotations

import os
from pathlib import Path

from queries.contract.location import RemoteFolder

FileState = tuple[str, int, int, int]
"""(path relative to the data folder, size in bytes, modification time, change time in ns).

The change time (ctime) catches what size and mtime miss: a copy that keeps the old
mtime (`rsync -a`, `cp -p`) and a file made unreadable by `chmod`."""

UNREADABLE = -1
"""Size and time of an entry that cannot be listed or stat'ed: a change like any other."""


def folder_state(folder: Path | RemoteFolder) -> tuple[FileState, ...]:
    """The Parquet files under `folder` (at any depth), sorted; empty when it is gone.

    Symbolic links are followed, to folders too, as the engine's file discovery does (a
    table folder may be a link), each folder once. A file that vanishes between listing
    and `stat` is left out; a sub-folder that cannot be listed appears as one entry of
    UNREADABLE size and time, so that losing (or regaining) access is seen as a change.
    """
    if not isinstance(folder, Path):  # a remote folder (a URI) is not watched
        return ()
    return _local_state(folder)


def _local_state(folder: Path) -> tuple[FileState, ...]:
    entries: list[FileState] = []

    def unreadable(err: OSError) -> None:
        if err.filename is not None and Path(err.filename) != folder:
            entries.append((_relative(Path(err.filename), folder), UNREADABLE, UNREADABLE, UNREADABLE))

    if not folder.is_dir():
        return ()
    seen: set[tuple[int, int]] = set()
    for root, dirs, files in os.walk(folder, onerror=unreadable, followlinks=True):
        try:
            here = os.stat(root)
        except OSError:
            continue
        if (here.st_dev, here.st_ino) in seen:  # a link back up the tree, or a second link to one folder
            dirs.clear()
            continue
        seen.add((here.st_dev, here.st_ino))
        for name in files:
            if not name.endswith(".parquet"):
                continue
            path = Path(root, name)
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            except OSError:
                entries.append((_relative(path, folder), UNREADABLE, UNREADABLE, UNREADABLE))
                continue
            entries.append((_relative(path, folder), stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns))
    return tuple(sorted(entries))


def changed_files(before: tuple[FileState, ...], after: tuple[FileState, ...]) -> list[str]:
    """The relative paths that were added, removed or rewritten between two states."""
    old, new = {e[0]: e[1:] for e in before}, {e[0]: e[1:] for e in after}
    return sorted(path for path in old.keys() | new.keys() if old.get(path) != new.get(path))


def _relative(path: Path, folder: Path) -> str:
    return path.relative_to(folder).as_posix()
