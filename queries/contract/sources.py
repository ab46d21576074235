"""Finding the contract's tables in a data folder.

A table is either `NAME.parquet` or a folder `NAME/` of Parquet files at any depth (Hive
partition folders allowed). This module only looks at the file system; reading the files
is the engine's job.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from queries.contract.problems import Problem
from queries.contract.schema import TABLES


@dataclass(frozen=True)
class TableSource:
    name: str
    path: Path  # NAME.parquet or NAME/
    files: tuple[Path, ...]

    @property
    def is_folder(self) -> bool:
        return self.path.is_dir()

    @property
    def shown(self) -> str:
        """How the user sees this table named in messages."""
        return self.path.name + ("/" if self.is_folder else "")


def locate_tables(folder: Path) -> tuple[dict[str, TableSource], list[Problem]]:
    """The contract tables found in `folder`, and the problems with its layout."""
    try:
        return _locate_tables(folder)
    except OSError as err:  # e.g. a data folder without read or search permission
        return {}, [Problem(str(folder), f"cannot read the data folder: {err.strerror or err}")]


def _locate_tables(folder: Path) -> tuple[dict[str, TableSource], list[Problem]]:
    problems: list[Problem] = []
    if not folder.exists():
        return {}, [Problem(str(folder), "data folder does not exist")]
    if not folder.is_dir():
        return {}, [Problem(str(folder), "is not a folder")]
    sources: dict[str, TableSource] = {}
    for table in TABLES.values():
        single = folder / f"{table.name}.parquet"
        nested = folder / table.name
        has_single, has_nested = single.is_file(), nested.is_dir()
        odd = _not_a_file(single)
        if odd:  # a folder or a dead symlink named NAME.parquet is a broken export, not a missing one
            problems.append(Problem(f"{table.name}.parquet", odd))
        elif has_single and has_nested:
            problems.append(Problem(
                f"{table.name}.parquet",
                f"table given both as {table.name}.parquet and as folder {table.name}/; keep one",
            ))
        elif has_single:
            sources[table.name] = TableSource(table.name, single, (single,))
        elif has_nested:
            files, unreadable = _parquet_files(nested)
            if unreadable:
                problems.extend(unreadable)
                continue
            if files:
                sources[table.name] = TableSource(table.name, nested, files)
            else:
                problems.append(Problem(f"{table.name}/", "folder holds no .parquet files"))
        elif not table.optional:
            problems.append(Problem(
                f"{table.name}.parquet", f"required table is missing (no {table.name}.parquet or {table.name}/)",
            ))
    return sources, problems


def _not_a_file(single: Path) -> str | None:
    """Why `NAME.parquet` exists but cannot be the table's file, or None."""
    if single.is_dir():
        return (f"is a folder, not a Parquet file; a table given as a folder is named {single.stem}/ "
                "(without .parquet)")
    if single.is_symlink() and not single.exists():
        return "cannot read: a symbolic link to nothing (or to itself)"
    return None


def _parquet_files(nested: Path) -> tuple[tuple[Path, ...], list[Problem]]:
    """Every .parquet file under `nested`, and a problem for each folder that cannot be listed.

    Path.rglob skips a folder it cannot list (chmod 000, a broken mount) without a word, and
    the check would then pass on a table with a month of rows missing; os.walk reports it.
    """
    problems: list[Problem] = []
    root = nested.parent

    def refuse(err: OSError) -> None:
        where = Path(err.filename).relative_to(root) if err.filename else nested.relative_to(root)
        problems.append(Problem(f"{where}/", f"cannot read folder: {err.strerror}"))

    files: list[Path] = []
    for here, _folders, names in os.walk(nested, onerror=refuse):
        files.extend(p for p in (Path(here) / n for n in names) if p.suffix == ".parquet" and p.is_file())
    return tuple(sorted(files)), problems
