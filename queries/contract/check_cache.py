"""Results worked out from the exports, kept between runs so a second start is quick.

The cache lives in the user cache folder (`~/.cache/wfplan` on Linux), never in the data
folder. Every entry is named by a fingerprint of the exports it was made from (each
file's path, size, and modification and change times in nanoseconds) and of the wfplan code that made
it, so an export that changes, a file that comes or goes, or a new wfplan all miss the
cache and the result is worked out again: a stale result is never used. An entry that
cannot be read is ignored and worked out again; a cache that cannot be written is skipped
(it only saves time). `wfplan cache --clear` empties it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

_CODE = ("contract/schema.py", "contract/check.py", "contract/sources.py", "contract/problems.py",
         "contract/check_cache.py", "engines/duckdb_engine.py")


def cache_folder() -> Path:
    from platformdirs import user_cache_path

    return user_cache_path("wfplan")


@cache
def code_version() -> str:
    """A digest of the modules whose change must invalidate every cached result."""
    digest = hashlib.sha256()
    here = Path(__file__).parent.parent
    for name in _CODE:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:16]


def exports_fingerprint(folder: Path, files: Iterable[Path]) -> str:
    """A fingerprint of the exports as they are on disk now (stat only, no reading)."""
    from importlib.metadata import version

    # The engine's version too: a new DuckDB may read the same files otherwise.
    digest = hashlib.sha256(f"{code_version()}\0{version('duckdb')}\0{folder.resolve()}\n".encode())
    for path in sorted(files):
        stat = path.stat()
        # ctime and inode too: a copy that puts the old mtime back (rsync -a, cp -p, touch -r)
        # still changes the ctime, and a replaced file gets a new inode.
        digest.update(f"{path.resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}\0{stat.st_ctime_ns}\0"
                      f"{stat.st_dev}\0{stat.st_ino}\n".encode())
    return digest.hexdigest()[:32]


def read(kind: str, key: str) -> dict[str, Any] | None:
    path = cache_folder() / f"{kind}-{key}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def write(kind: str, key: str, data: dict[str, Any]) -> None:
    """Keep `data` under `key`; written atomically, and skipped if the cache cannot be written."""
    from queries.atomic_file import write_atomically

    try:
        write_atomically(cache_folder() / f"{kind}-{key}.json", lambda out: out.write(json.dumps(data).encode()))
    except OSError:
        return


def clear() -> int:
    """Remove every cached result; the number of files removed."""
    folder = cache_folder()
    removed = 0
    if folder.is_dir():
        for path in folder.glob("*.json"):
            path.unlink(missing_ok=True)
            removed += 1
    return removed
