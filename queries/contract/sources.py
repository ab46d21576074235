"""Finding the contract's tables in a data folder.

A table is either `NAME.parquet` or a folder `NAME/` of Parquet files at any depth (Hive
partition folders allowed). This module only looks at the file system; reading the files
is the engine's job.
"""

from __future__ import annotations

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
        if has_single and has_nested:
            problems.append(Problem(
                f"{table.name}.parquet",
                f"table given both as {table.name}.parquet and as folder {table.name}/; keep one",
            ))
        elif has_single:
            sources[table.name] = TableSource(table.name, single, (single,))
        elif has_nested:
            try:
                files = tuple(sorted(p for p in nested.rglob("*.parquet") if p.is_file()))
            except OSError as err:
                problems.append(Problem(f"{table.name}/", f"cannot read folder: {err.strerror}"))
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
