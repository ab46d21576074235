"""`--data` takes a folder or a URI: file:// is a local folder on both engines, another scheme
is a remote folder that only Spark reads (DuckDB refuses it, naming the URI and the way out).

A remote folder is listed, and its Parquet footers read, through pyarrow's file systems; the
tests list a local folder through that same path by naming it as a RemoteFolder with file://
(pyarrow's LocalFileSystem), since no object store is reachable here.
"""

from __future__ import annotations

import shutil
from pathlib import Path, PurePosixPath

import pytest

from queries.config import load_settings
from queries.contract.location import LocationError, RemoteFolder, parse_location
from queries.contract.sources import locate_tables
from tests.contract.test_bad_input import run
from tests.folders import base_tables, write_folder


@pytest.mark.parametrize(("text", "expected"), [
    ("file:///srv/exports", Path("/srv/exports")),
    ("file://localhost/srv/exports/", Path("/srv/exports")),
    ("file:///srv/my%20exports", Path("/srv/my exports")),
    ("FILE:///srv/exports", Path("/srv/exports")),
    ("/srv/exports", Path("/srv/exports")),
    ("exports", Path("exports")),
    ("s3a://bucket/exports/", RemoteFolder("s3a://bucket/exports")),
    ("abfss://wfm@acct.dfs.core.windows.net/exports", RemoteFolder("abfss://wfm@acct.dfs.core.windows.net/exports")),
    ("hdfs://namenode:8020/wfm/exports", RemoteFolder("hdfs://namenode:8020/wfm/exports")),
])
def test_a_data_location_is_a_path_or_a_remote_folder(text: str, expected: object) -> None:
    assert parse_location(text) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("file://fileserver/exports", "file://fileserver/exports: a file:// URI names a folder on this machine "
                                  "(file:///path or file://localhost/path), not on host 'fileserver'"),
    ("s3a://", "s3a://: a data URI names a folder after the scheme (like s3a://bucket/exports)"),
])
def test_a_data_uri_that_names_no_folder_is_refused(text: str, message: str) -> None:
    with pytest.raises(LocationError) as err:
        parse_location(text)
    assert str(err.value) == message


def test_pyarrow_knows_hadoops_schemes_under_its_own_names() -> None:
    assert RemoteFolder("s3a://b/x").pyarrow_uri == "s3://b/x"
    assert RemoteFolder("abfss://c@a.dfs.core.windows.net/x").pyarrow_uri == "abfs://c@a.dfs.core.windows.net/x"
    assert RemoteFolder("gs://b/x").pyarrow_uri == "gs://b/x"


def test_the_settings_file_takes_a_uri_whole(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('data_folder = "s3a://bucket/wfm/exports"\n', encoding="utf-8")
    assert load_settings(config).data_folder == RemoteFolder("s3a://bucket/wfm/exports")
    config.write_text('data_folder = "file:///srv/wfm%20exports"\n', encoding="utf-8")
    assert load_settings(config).data_folder == Path("/srv/wfm exports")


def test_check_reads_a_file_uri_as_the_folder_it_names(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = write_folder(tmp_path / "wfm exports")
    by_path = run(capsys, "check", "--data", str(folder))
    by_uri = run(capsys, "check", "--data", "file://" + str(folder).replace(" ", "%20"))
    assert by_path[0] == 0
    assert by_uri == by_path


def test_duckdb_refuses_a_remote_folder_naming_the_uri_and_the_spark_engine(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", "--data", "s3a://bucket/wfm/exports")
    assert (code, out) == (2, "")
    assert err == ('wfplan: engine error: s3a://bucket/wfm/exports: the DuckDB engine reads data folders on this '
                   'machine only (a local path or file:// URI); to read s3a:// choose the Spark engine '
                   '(--engine spark, or [engine] name = "spark")\n')


def test_a_remote_folder_is_listed_as_a_local_one_is(tmp_path: Path) -> None:
    """Through pyarrow's file system: the same tables, files and names, and URIs for Spark."""
    tables = base_tables()
    folder = write_folder(tmp_path / "data", {**tables, "kpi_daily": {"month=2026-03/part-0.parquet": tables["kpi_daily"]}})
    local, local_problems = locate_tables(folder)
    remote, remote_problems = locate_tables(RemoteFolder(f"file://{folder}"))
    assert local_problems == remote_problems == []
    assert {n: (s.shown, s.is_folder, [f.relative_to(folder).as_posix() for f in s.files]) for n, s in local.items()} == \
        {n: (s.shown, s.is_folder, [PurePosixPath(f).relative_to(folder).as_posix() for f in s.files])
         for n, s in remote.items()}
    kpi = remote["kpi_daily"]
    assert kpi.shown == "kpi_daily/"
    assert [kpi.uri(f) for f in kpi.files] == [f"file://{folder}/kpi_daily/month=2026-03/part-0.parquet"]
    assert kpi.local_files() == ()


def test_a_remote_folders_layout_problems_are_the_local_ones(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "data")
    (folder / "regions.parquet").unlink()
    (folder / "kpi_daily.parquet").unlink()
    (folder / "kpi_daily").mkdir()
    (folder / "kpi_daily" / "notes.txt").write_text("no parquet here")
    (folder / "sites").mkdir()
    shutil.copy(folder / "sites.parquet", folder / "sites" / "part-0.parquet")
    _, local = locate_tables(folder)
    _, remote = locate_tables(RemoteFolder(f"file://{folder}"))
    assert [p.line() for p in remote] == [p.line() for p in local] == [
        "error: sites.parquet: table given both as sites.parquet and as folder sites/; keep one",
        "error: kpi_daily/: folder holds no .parquet files",
        "error: regions.parquet: required table is missing (no regions.parquet or regions/)",
    ]
    _, missing = locate_tables(RemoteFolder(f"file://{tmp_path}/nothing-here"))
    assert [p.line() for p in missing] == [f"error: file://{tmp_path}/nothing-here: data folder does not exist"]


def test_a_scheme_that_cannot_be_opened_is_one_problem_naming_the_uri() -> None:
    sources, problems = locate_tables(RemoteFolder("nosuch://host/exports"))
    assert sources == {}
    assert [p.line() for p in problems] == [
        "error: nosuch://host/exports: cannot open the data folder: Unrecognized filesystem type in URI: "
        "nosuch://host/exports (a nosuch:// folder cannot be read; wfplan knows s3a, s3, abfss, abfs, gs, hdfs and file)"]
