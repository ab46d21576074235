"""Finding the contract's tables in a data folder.

A table is either `NAME.parquet` or a folder `NAME/` of Parquet files at any depth (Hive
partition folders allowed). This module only looks at the file system; reading the files
is the engine's job. A folder a URI names (`queries.contract.location.RemoteFolder`) is
listed through pyarrow's file system for its scheme, with the same rules and messages.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePath, PurePosixPath
from typing import TYPE_CHECKING, Any

from queries.contract.location import DataLocation, RemoteFolder
from queries.contract.problems import Problem
from queries.contract.schema import TABLES

if TYPE_CHECKING:
    import pyarrow.fs as pafs


@dataclass(frozen=True)
class TableSource:
    name: str
    path: PurePath  # NAME.parquet or NAME/ (a Path on this machine, else the path in `remote`'s file system)
    files: tuple[PurePath, ...]
    remote: Remote | None = None

    @property
    def is_folder(self) -> bool:
        return self.path.name != f"{self.name}.parquet"

    @property
    def shown(self) -> str:
        """How the user sees this table named in messages."""
        return self.path.name + ("/" if self.is_folder else "")

    def uri(self, path: PurePath) -> str:
        """What an engine reads `path` (one of `files`) by: its local path, or its URI."""
        return self.remote.uri(path) if self.remote else str(path)

    def local_files(self) -> tuple[Path, ...]:
        """The files on this machine, for what looks at them with `stat`; none of a remote folder."""
        return () if self.remote else tuple(Path(f) for f in self.files)


@dataclass(frozen=True)
class Remote:
    """A remote folder's file system (pyarrow's), for reading the footers of its files."""

    folder: RemoteFolder
    fs: Any  # pyarrow.fs.FileSystem
    root: PurePosixPath

    def uri(self, path: PurePath) -> str:
        return self.folder.uri_of(path, self.root)


def locate_tables(folder: DataLocation) -> tuple[dict[str, TableSource], list[Problem]]:
    """The contract tables found in `folder`, and the problems with its layout."""
    if isinstance(folder, RemoteFolder):
        return _locate_remote(folder)
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
            problems.append(_given_twice(table.name))
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
                problems.append(_empty(table.name))
        elif not table.optional:
            problems.append(_missing(table.name))
    return sources, problems


def _a_folder(name: str) -> str:
    return f"is a folder, not a Parquet file; a table given as a folder is named {name}/ (without .parquet)"


def _given_twice(name: str) -> Problem:
    return Problem(f"{name}.parquet", f"table given both as {name}.parquet and as folder {name}/; keep one")


def _missing(name: str) -> Problem:
    return Problem(f"{name}.parquet", f"required table is missing (no {name}.parquet or {name}/)")


def _empty(name: str) -> Problem:
    return Problem(f"{name}/", "folder holds no .parquet files")


def _not_a_file(single: Path) -> str | None:
    """Why `NAME.parquet` exists but cannot be the table's file, or None."""
    if single.is_dir():
        return _a_folder(single.stem)
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


# -- a folder a URI names ---------------------------------------------------------------------


def _locate_remote(folder: RemoteFolder) -> tuple[dict[str, TableSource], list[Problem]]:
    """`_locate_tables` through pyarrow's file system for the URI's scheme."""
    import pyarrow as pa
    import pyarrow.fs as pafs

    try:
        fs, path = pafs.FileSystem.from_uri(folder.pyarrow_uri)
        root = PurePosixPath(path.rstrip("/") or "/")
    except (pa.ArrowException, OSError) as err:
        return {}, [Problem(folder.uri, f"cannot open the data folder: {_reason(err)}{_hint(folder.scheme)}")]
    try:
        return _locate_listed(folder, fs, root)
    except (pa.ArrowException, OSError) as err:
        return {}, [Problem(folder.uri, f"cannot read the data folder: {_reason(err)}")]


def _locate_listed(
    folder: RemoteFolder, fs: pafs.FileSystem, root: PurePosixPath,
) -> tuple[dict[str, TableSource], list[Problem]]:
    import pyarrow.fs as pafs

    remote = Remote(folder, fs, root)
    info = fs.get_file_info(str(root))
    if info.type == pafs.FileType.NotFound:
        return {}, [Problem(folder.uri, "data folder does not exist")]
    if info.type != pafs.FileType.Directory:
        return {}, [Problem(folder.uri, "is not a folder")]
    problems: list[Problem] = []
    sources: dict[str, TableSource] = {}
    for table in TABLES.values():
        single, nested = root / f"{table.name}.parquet", root / table.name
        single_info, nested_info = fs.get_file_info([str(single), str(nested)])
        has_single = single_info.type == pafs.FileType.File
        has_nested = nested_info.type == pafs.FileType.Directory
        if single_info.type == pafs.FileType.Directory:
            problems.append(Problem(f"{table.name}.parquet", _a_folder(table.name)))
        elif has_single and has_nested:
            problems.append(_given_twice(table.name))
        elif has_single:
            sources[table.name] = TableSource(table.name, single, (single,), remote)
        elif has_nested:
            listed = fs.get_file_info(pafs.FileSelector(str(nested), recursive=True))
            files = tuple(sorted(PurePosixPath(i.path) for i in listed
                                 if i.type == pafs.FileType.File and i.path.endswith(".parquet")))
            if files:
                sources[table.name] = TableSource(table.name, nested, files, remote)
            else:
                problems.append(_empty(table.name))
        elif not table.optional:
            problems.append(_missing(table.name))
    return sources, problems


def _reason(err: BaseException) -> str:
    """pyarrow's message, its first line, without the AWS SDK's trailing 'Details:'."""
    text = (str(err).strip().splitlines() or [type(err).__name__])[0]
    return text.removesuffix("; Details:").strip()


def _hint(scheme: str) -> str:
    """What a planner can do about a remote folder that would not open, by its scheme."""
    if scheme == "hdfs":
        return (" (wfplan lists hdfs:// through libhdfs: it needs JAVA_HOME, HADOOP_HOME and "
                "CLASSPATH=$(hadoop classpath --glob) on this machine)")
    if scheme in ("s3a", "s3n", "s3", "abfs", "abfss", "gs", "gcs"):
        return (" (wfplan lists the folder and reads the Parquet footers itself, with the store's usual "
                "credentials in the environment: AWS_*, AZURE_STORAGE_*, GOOGLE_APPLICATION_CREDENTIALS)")
    return f" (a {scheme}:// folder cannot be read; wfplan knows s3a, s3, abfss, abfs, gs, hdfs and file)"
