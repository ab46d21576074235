"""Writing scenario files: readable TOML, the same bytes for the same scenario, never half-written.

Keys come out in the model's field order and unset values are left out, so saving an
unchanged scenario rewrites identical bytes and a git diff shows only real changes. The
file is written atomically (`queries.atomic_file`): an interrupted save leaves the old
file as it was.

`[meta]` records what the data looked like (fingerprint, rows per table, KPI date range);
opening the file on other data says what changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os  # noqa: F401 - the tests interrupt saves through this module's os.replace
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import tomlkit

from queries.atomic_file import write_atomically
from queries.contract.location import RemoteFolder
from queries.errors import WfplanError
from queries.model.scenario import Meta, Scenario

if TYPE_CHECKING:
    from queries.engines.protocol import Engine
    from queries.model.period import DataRange


class SaveError(WfplanError):
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


def save_scenario(scenario: Scenario, path: Path, data_folder: Path | RemoteFolder | None = None) -> None:
    """Write `scenario` to `path` atomically; never into the data folder (a remote one is never local)."""
    path = path.expanduser()
    if isinstance(data_folder, Path) and path.resolve().is_relative_to(data_folder.resolve()):
        raise SaveError(f"{path}: wfplan never writes into the data folder; choose another folder")
    text = scenario_toml(scenario)
    try:
        write_atomically(path, lambda f: f.write(text.encode("utf-8")))
    except OSError as err:
        raise SaveError(f"{path}: cannot save: {err.strerror or err}; the old file is unchanged") from None


@dataclass(frozen=True)
class DataStamp:
    """What a data folder looks like: its fingerprint, rows per table and KPI date range.

    Saved in a scenario's [meta] so that opening it on changed data can say what changed.
    """

    fingerprint: str
    rows: dict[str, int]
    first: dt.date | None  # the first and last day with KPI data; None without KPI rows
    last: dt.date | None


def data_stamp(engine: Engine, available: DataRange | None) -> DataStamp:
    """The stamp of the folder `engine` reads (a few small queries: run it off the UI thread)."""
    from queries.plan.loading import row_counts

    # A remote folder's files are not stat'ed: its stamp is its row counts and dates.
    files = [f for source in engine.tables.values() for f in source.local_files()]
    first, last = (available.first, available.last) if available else (None, None)
    return DataStamp(data_fingerprint(files), row_counts(engine), first, last)


def with_meta(scenario: Scenario, as_of: dt.date, stamp: DataStamp) -> Scenario:
    from queries.contract.schema import TABLES

    # In the contract's table order, not the order a query happened to return: stable bytes.
    order = {name: i for i, name in enumerate(TABLES)}
    rows = dict(sorted(stamp.rows.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))
    meta = Meta(as_of=as_of, data_fingerprint=stamp.fingerprint, data_from=stamp.first, data_to=stamp.last,
                rows=rows or None)
    return scenario.model_copy(update={"meta": meta})


def data_changes(meta: Meta, stamp: DataStamp) -> list[str] | None:
    """What differs between the data a scenario was saved on and the data of `stamp`.

    None when the fingerprints agree, or when the file records none (never saved by wfplan).
    """
    if meta.data_fingerprint is None or meta.data_fingerprint == stamp.fingerprint:
        return None
    changes: list[str] = []
    if meta.rows is not None:
        for table in dict.fromkeys([*meta.rows, *stamp.rows]):
            before, now = meta.rows.get(table), stamp.rows.get(table)
            if before != now and before is not None and now is not None:
                changes.append(f"{table}: {before:,} -> {now:,} rows")
            elif before != now:
                changes.append(f"{table}: {_rows(before)} -> {_rows(now)}")
    if meta.data_to is not None and (meta.data_from, meta.data_to) != (stamp.first, stamp.last):
        changes.append(f"data from {_span(meta.data_from, meta.data_to)} -> {_span(stamp.first, stamp.last)}")
    if meta.rows is None and meta.data_to is None:
        changes.append("the file does not record row counts or dates (saved by an earlier wfplan)")
    elif not changes:
        changes.append("the same row counts and dates, but the export files were rewritten since")
    return changes


def changed_data_warning(source: str, meta: Meta, stamp: DataStamp) -> str | None:
    """One line for the planner: "FILE was saved on other data: kpi_daily: 3 -> 4 rows; ..."."""
    changes = data_changes(meta, stamp)
    return None if changes is None else f"{source} was saved on other data: " + "; ".join(changes)


def _rows(count: int | None) -> str:
    return "no table" if count is None else f"{count:,} rows"


def _span(first: dt.date | None, last: dt.date | None) -> str:
    return "no KPI rows" if last is None else f"{first}..{last}"


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
