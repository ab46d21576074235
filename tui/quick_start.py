"""A cold start's first numbers, from the start cache, before polars, numpy and pydantic load.

Working out the Site costs screen takes importing polars, numpy, pydantic and DuckDB, the
settings, the contract check and the planning model: about a second on a busy machine. A
start on the same inputs as an earlier one shows that start's screen at once instead, and
then loads as always (in a thread worker) and redraws from its own numbers, which are the same.

"The same inputs" is the cache entry's key and fingerprint. The key is a digest of what a
start reads to work the screen out, the exports aside: the command line (`--data`,
`--config`, `--engine`, `--spark-*`, `--scenario`), the working directory (relative paths),
the environment variables the settings read (`WFPLAN_*` in any case) and those that place the
user folders (`HOME`, `XDG_*`), the bytes of the settings file and of the scenario file, and
wfplan's code: every source file of `queries/` and `tui/`, the Python version and the
installed packages (their dist-info names carry the versions). The entry holds the data
folder those inputs resolved to and the exports' fingerprint (each Parquet file's path,
size, modification and change times, device and inode: stat only), taken before the load
read them; it is used only while the exports still have that fingerprint. An entry that
cannot be read, is malformed or fails its checksum is ignored (and rewritten by the load).

Entries live in the user cache folder with the contract check's (`wfplan cache --clear`
removes them), never in the data folder, and are written atomically; a cache that cannot be
written only costs the next start its head start. Only the start-up load writes one (not a
reload or another period), and only when its key and the exports did not change while it
ran. This module imports nothing heavy: it runs before Textual starts.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import argparse

    from queries.config import Settings
    from queries.contract.watch import FileState
    from queries.model.period import Period
    from queries.plan.session import PlanSession

KIND = "first-screen"
_ROOT = Path(__file__).resolve().parent.parent  # the folder holding queries/ and tui/
_SOURCES = (".py", ".sql", ".tcss")


@dataclass(frozen=True)
class FirstScreen:
    """What the first screen shows: the info bar's period and scenario, and the Site costs
    view (`tui.screens.site_costs.site_costs_view`)."""

    as_of: str
    start: str
    end: str
    scenario: str
    view: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {"as_of": self.as_of, "start": self.start, "end": self.end, "scenario": self.scenario,
                "view": self.view}


@dataclass
class QuickStart:
    """This launch's entry: its key, and what it found (folder and screen, or None)."""

    key: str
    current_key: Callable[[], str]
    """The key worked out again from the inputs as they are now."""
    load_settings: Callable[[], Settings]
    """The settings of this launch (raises ConfigError), for a start that began without them."""
    folder: Path | None = None
    first: FirstScreen | None = None

    def remember(self, key: str, folder: Path, fingerprint: str, first: FirstScreen) -> None:
        """Keep `first` for the next start with key `key` on exports of `fingerprint` (both
        taken before the load read anything): unless they changed since, or it is kept already."""
        from queries.contract import check_cache

        if self.current_key() != key or exports_fingerprint(folder) != fingerprint:
            return  # an input changed while the load ran: which one the numbers saw is unknown
        payload = {"folder": str(folder), "exports": fingerprint, **first.as_dict()}
        entry = {"sum": _checksum(payload), "payload": payload}
        if self.folder == folder and self.first == first and key == self.key:
            return  # found at start and unchanged: no need to write it again
        check_cache.write(KIND, key, entry)


def look_up(args: argparse.Namespace, load_settings: Callable[[], Settings]) -> QuickStart:
    """This launch's key and, when the cache has an entry for it on the exports as they are
    now, the folder and the first screen."""
    from queries.contract import check_cache

    def current_key() -> str:
        return launch_key(args)

    key = current_key()
    quick = QuickStart(key, current_key, load_settings)
    entry = check_cache.read(KIND, key)
    found = _parse(entry) if entry is not None else None
    if found is not None and exports_fingerprint(found[0]) == found[1]:
        quick.folder, quick.first = found[0], found[2]
    return quick


def first_screen(session: PlanSession, period: Period) -> FirstScreen:
    """The first screen as the loaded `session` draws it (in the loading worker)."""
    from tui.screens.site_costs import site_costs_view

    view = json.loads(json.dumps(site_costs_view(session)))  # as the cache gives it back: lists
    return FirstScreen(str(period.as_of), str(period.start), str(period.end), session.scenario.name, view)


# -- the key ---------------------------------------------------------------------------------


def launch_key(args: argparse.Namespace) -> str:
    """The digest of what a start reads to work out its first screen, the exports aside."""
    env = {name: value for name, value in os.environ.items()
           if name.upper().startswith("WFPLAN_") or name == "HOME" or name.startswith("XDG_")}
    flags = {name: _text(getattr(args, name, None))
             for name in ("data", "config", "engine", "spark_remote", "spark_master", "scenario")}
    inputs = {
        "code": code_version(), "cwd": os.getcwd(), "flags": flags, "env": env,
        "config": _file(settings_path(args)),
        "scenario": _file(args.scenario) if getattr(args, "scenario", None) is not None else None,
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()[:32]


def settings_path(args: argparse.Namespace) -> Path:
    """The settings file `queries.config.load_settings` reads (or would, when it exists)."""
    explicit = getattr(args, "config", None)
    if explicit is None and os.environ.get("WFPLAN_CONFIG"):
        explicit = Path(os.environ["WFPLAN_CONFIG"])
    if explicit is not None:
        return Path(explicit)
    from platformdirs import user_config_path

    return user_config_path("wfplan") / "config.toml"  # as queries.config.default_config_path


@cache
def code_version() -> str:
    """A digest of wfplan's source files, the Python running it and the installed packages."""
    digest = hashlib.sha256(sys.version.encode())
    for package in ("queries", "tui"):
        for path in sorted((_ROOT / package).rglob("*")):
            if path.suffix in _SOURCES and "__pycache__" not in path.parts:
                digest.update(f"\0{path.relative_to(_ROOT)}\0".encode())
                digest.update(path.read_bytes())
    for folder in sorted({p for p in sys.path if p.endswith("site-packages")}):
        try:
            names = sorted(n for n in os.listdir(folder) if n.endswith((".dist-info", ".egg-info")))
        except OSError:
            continue
        digest.update("\0".join([folder, *names]).encode())
    return digest.hexdigest()[:32]


def exports_fingerprint(folder: Path, state: tuple[FileState, ...] | None = None) -> str:
    """The Parquet files under `folder` as they are on disk now (stat only, no reading): the
    resolved folder and its `folder_state` (each file's path, size, modification and change
    times; links followed), or the `state` the caller has just taken."""
    from queries.contract.watch import folder_state

    digest = hashlib.sha256(f"{folder.resolve()}\n".encode())
    for entry in folder_state(folder) if state is None else state:
        digest.update(f"{entry}\n".encode())
    return digest.hexdigest()[:32]


def _file(path: Path | None) -> list[str] | None:
    """A file for the key: its path and the digest of its bytes ("absent", "unreadable")."""
    if path is None:
        return None
    try:
        content = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except FileNotFoundError:
        content = "absent"
    except OSError as err:  # a folder, no permission: the load will say so
        content = f"unreadable {type(err).__name__}"
    return [str(path), content]


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _checksum(payload: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


# -- reading an entry back -------------------------------------------------------------------


def _parse(entry: dict[str, Any]) -> tuple[Path, str, FirstScreen] | None:
    """(folder, exports fingerprint, first screen) of a well-formed entry, else None."""
    payload = entry.get("payload")
    if not isinstance(payload, dict) or entry.get("sum") != _checksum(payload):
        return None
    try:
        first = FirstScreen(payload["as_of"], payload["start"], payload["end"], payload["scenario"],
                            payload["view"])
        folder, fingerprint = payload["folder"], payload["exports"]
    except (KeyError, TypeError):
        return None
    fields = (first.as_of, first.start, first.end, first.scenario, folder, fingerprint)
    if not all(isinstance(v, str) for v in fields) or not _is_view(first.view):
        return None
    return Path(folder), fingerprint, first


def _is_view(view: Any) -> bool:
    """Whether `view` has the shape `site_costs_view` gives (so that drawing it cannot fail)."""
    from tui.screens.site_costs import COLUMNS

    def strings(value: Any, n: int) -> bool:
        return isinstance(value, list) and len(value) == n and all(isinstance(v, str) for v in value)

    def cell(value: Any) -> bool:
        return isinstance(value, str) or strings(value, 2)

    try:
        rows, (title, bars), panel = view["rows"], view["chart"], view["panel"]
        return (
            isinstance(view["sites"], int) and isinstance(title, str)
            and isinstance(view["columns"], list) and len(view["columns"]) == len(COLUMNS)
            and all(strings(c, 2) and c[1] in ("left", "right") for c in view["columns"])
            and isinstance(rows, list) and all(
                isinstance(r, list) and len(r) == 2 and isinstance(r[0], str) and isinstance(r[1], list)
                and len(r[1]) == len(COLUMNS) and all(strings(c, 3) and c[2] in ("left", "right") for c in r[1])
                for r in rows)
            and isinstance(bars, list) and all(
                isinstance(b, list) and len(b) == 3 and isinstance(b[0], str) and isinstance(b[2], bool)
                and (b[1] is None or (isinstance(b[1], (int, float)) and not isinstance(b[1], bool)))
                for b in bars)
            and isinstance(panel["rows"], list)
            and all(isinstance(r, list) and len(r) == 3 and all(cell(c) for c in r) for r in panel["rows"])
            and (panel["detail"] is None or isinstance(panel["detail"], str))
        )
    except (KeyError, TypeError, ValueError):
        return False
