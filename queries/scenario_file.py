"""Writing scenario files: readable TOML, the same bytes for the same scenario, never half-written.

Keys come out in the model's field order and unset values are left out, so saving an
unchanged scenario rewrites identical bytes and a git diff shows only real changes. The
file is written to a temporary file beside the target, flushed to disk and renamed over
it: an interrupted save leaves the old file as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import tomlkit

from queries.scenario import Meta, Scenario


class SaveError(Exception):
    """A scenario could not be written; the message names the file and why."""


def scenario_toml(scenario: Scenario) -> str:
    """The scenario as TOML laid out like spec/model.md: [parameters.SECTION] tables,
    [[closures]] and [[site_changes]] blocks, inline lists of values."""
    data = scenario.model_dump(mode="python", exclude_none=True)
    # Empty tables say nothing: leave them out so the file holds only real changes.
    data["parameters"] = {k: v for k, v in data["parameters"].items() if v}
    document = tomlkit.document()
    for key, value in data.items():
        if value in ({}, []):
            continue
        document.add(key, _toml_item(value))
    return tomlkit.dumps(document)


def _toml_item(value: Any) -> Any:
    if isinstance(value, dict):
        nested = all(isinstance(v, dict) for v in value.values())
        table = tomlkit.table(is_super_table=nested)
        for key, item in value.items():
            table.add(key, _toml_item(item))
        return table
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        blocks = tomlkit.aot()
        for item in value:
            blocks.append(_toml_item(item))
        return blocks
    return value


def save_scenario(scenario: Scenario, path: Path, data_folder: Path | None = None) -> None:
    """Write `scenario` to `path` atomically; never into the data folder."""
    path = path.expanduser()
    if data_folder is not None and path.resolve().is_relative_to(data_folder.resolve()):
        raise SaveError(f"{path}: wfplan never writes into the data folder; choose another folder")
    text = scenario_toml(scenario)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as err:
        raise SaveError(f"{path}: cannot save: {err.strerror or err}; the old file is unchanged") from None


def with_meta(scenario: Scenario, as_of: dt.date, fingerprint: str) -> Scenario:
    return scenario.model_copy(update={"meta": Meta(as_of=as_of, data_fingerprint=fingerprint)})


def file_name(name: str) -> str:
    """A file name for a scenario called `name`: "Close Kennewick" -> close-kennewick.toml."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return f"{slug or 'scenario'}.toml"


def data_fingerprint(files: list[Path]) -> str:
    """A short fingerprint of the exports (names, sizes, modification times)."""
    digest = hashlib.sha256()
    for path in sorted(files):
        stat = path.stat()
        digest.update(f"{path.name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]
