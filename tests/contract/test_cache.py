"""The check cache: a second open of unchanged exports skips the value rules, and nothing
else does (a changed, added or removed file, a broken folder, a damaged cache entry)."""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl
import pytest

from queries.contract import check_cache as cache
from queries.contract.check import check_folder
from tests.folders import D, base_tables, write_folder
from tui.cli import main

WARNING = ("warning: kpi_daily.parquet: date: rows on days the agent has no assignment "
           "(counted, left out of mode comparisons) (1 row), e.g. A1 on 2023-03-30")


@pytest.fixture
def value_rules_run(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times the value rules ran (each entry one full check)."""
    import queries.contract.check as check

    calls: list[int] = []
    real = check._value_steps

    def counted(passed):
        calls.append(1)
        return real(passed)

    monkeypatch.setattr(check, "_value_steps", counted)
    return calls


def lines(folder: Path) -> list[str]:
    return [p.line() for p in check_folder(folder, use_cache=True).problems]


def warned_folder(tmp_path: Path) -> Path:
    tables = base_tables()
    tables["kpi_daily"] = tables["kpi_daily"].with_columns(
        date=pl.Series([D(2023, 3, 30), D(2026, 3, 31), D(2026, 3, 31)]))
    return write_folder(tmp_path / "d", tables)


def test_unchanged_exports_are_checked_once(small_folder: Path, value_rules_run: list[int]) -> None:
    first = check_folder(small_folder, use_cache=True)
    second = check_folder(small_folder, use_cache=True)
    assert value_rules_run == [1]
    assert second.ok and second.problems == [] and second.rows == first.rows
    assert second.rows["kpi_daily"] == 3
    assert list(cache.cache_folder().glob("check-*.json")), "nothing was cached"


def test_warnings_come_back_from_the_cache(tmp_path: Path, value_rules_run: list[int]) -> None:
    folder = warned_folder(tmp_path)
    assert lines(folder) == [WARNING]
    assert lines(folder) == [WARNING]
    assert value_rules_run == [1]


def test_a_changed_file_is_checked_again(small_folder: Path, value_rules_run: list[int]) -> None:
    assert lines(small_folder) == []
    # The same file written again with a broken row: new size and modification time.
    kpi = pl.read_parquet(small_folder / "kpi_daily.parquet").with_columns(contacts=pl.lit(-1, pl.Int64))
    kpi.write_parquet(small_folder / "kpi_daily.parquet")
    assert any("contacts" in line and line.startswith("error") for line in lines(small_folder))
    assert value_rules_run == [1, 1]


def test_only_the_modification_time_changed(small_folder: Path, value_rules_run: list[int]) -> None:
    lines(small_folder)
    path = small_folder / "sites.parquet"
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))
    lines(small_folder)
    assert value_rules_run == [1, 1]


def test_an_added_table_is_checked_again(small_folder: Path, value_rules_run: list[int]) -> None:
    lines(small_folder)
    (small_folder / "forecast.parquet").write_bytes(b"not parquet")
    assert any(line.startswith("error: forecast.parquet") for line in lines(small_folder))


def test_a_broken_folder_is_never_cached(small_folder: Path, value_rules_run: list[int]) -> None:
    kpi = pl.read_parquet(small_folder / "kpi_daily.parquet").with_columns(contacts=pl.lit(-1, pl.Int64))
    kpi.write_parquet(small_folder / "kpi_daily.parquet")
    assert lines(small_folder) == lines(small_folder) != []
    assert value_rules_run == [1, 1]
    assert not list(cache.cache_folder().glob("check-*.json"))


@pytest.mark.parametrize("damage", ["", "{", "[]", '{"rows": {"agents": "x"}, "problems": []}',
                                    '{"rows": {}, "problems": [{"file": "f", "nope": 1}]}'])
def test_a_damaged_entry_means_a_full_check(small_folder: Path, value_rules_run: list[int], damage: str) -> None:
    lines(small_folder)
    [entry] = cache.cache_folder().glob("check-*.json")
    entry.write_text(damage)
    assert lines(small_folder) == []
    assert value_rules_run == [1, 1]


def test_wfplan_check_always_checks_everything(small_folder: Path, value_rules_run: list[int],
                                               capsys: pytest.CaptureFixture[str]) -> None:
    lines(small_folder)
    assert main(["check", "--data", str(small_folder)]) == 0
    assert value_rules_run == [1, 1]


def test_no_cache_inside_the_data_folder(small_folder: Path, value_rules_run: list[int],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(small_folder / "cache"))
    lines(small_folder)
    lines(small_folder)
    assert value_rules_run == [1, 1]
    assert not (small_folder / "cache").exists()


def test_an_unwritable_cache_only_costs_time(small_folder: Path, value_rules_run: list[int],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = small_folder.parent / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert lines(small_folder) == lines(small_folder) == []
    assert value_rules_run == [1, 1]


def test_clear_empties_the_cache(small_folder: Path, value_rules_run: list[int]) -> None:
    lines(small_folder)
    assert cache.clear() == 1
    lines(small_folder)
    assert value_rules_run == [1, 1]


def test_duckdb_spills_into_the_cache_folder_not_the_working_directory(
        small_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from queries.engines.duckdb_engine import Engine

    monkeypatch.chdir(small_folder)  # DuckDB's default would be ./.tmp: the data folder
    setting = "SELECT current_setting('temp_directory') AS d"
    assert Engine(small_folder).sql(setting).item() == str(cache.cache_folder() / "spill")
    monkeypatch.setenv("XDG_CACHE_HOME", str(small_folder / "cache"))
    spill = Path(Engine(small_folder).sql(setting).item())
    assert not spill.resolve().is_relative_to(small_folder.resolve())


def test_duckdb_hands_freed_memory_back_while_the_app_is_idle(small_folder: Path) -> None:
    """Benchmark 7: without the allocator's background threads, ~200 MiB that a load freed
    stayed in the process while the planner read the screen."""
    from queries.engines.duckdb_engine import Engine

    setting = "SELECT current_setting('allocator_background_threads') AS on"
    assert Engine(small_folder).sql(setting).item() is True


async def test_the_app_checks_unchanged_exports_once(small_folder: Path, value_rules_run: list[int]) -> None:
    from queries.config import load_settings
    from tests.screen import loaded, screen_text
    from tui.app import WfplanApp

    for _ in range(2):
        app = WfplanApp(settings=load_settings(), folder=small_folder)
        async with app.run_test(size=(80, 24)) as pilot:
            await loaded(pilot)
            assert app.session is not None and "$" in screen_text(app)
    assert value_rules_run == [1]


def test_wfplan_cache_shows_and_clears(small_folder: Path, value_rules_run: list[int],
                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--data", str(small_folder)]) == 0  # the report opens through the cache
    assert main(["report", "--data", str(small_folder)]) == 0
    assert value_rules_run == [1]
    capsys.readouterr()
    assert main(["cache"]) == 0
    assert capsys.readouterr().out == (
        f"{cache.cache_folder()}: 1 cached result ('wfplan cache --clear' removes them)\n")
    assert main(["cache", "--clear"]) == 0
    assert capsys.readouterr().out == f"removed 1 cached result from {cache.cache_folder()}\n"
    assert main(["report", "--data", str(small_folder)]) == 0
    assert value_rules_run == [1, 1]


def test_duckdb_takes_1gb_unless_configured(small_folder: Path) -> None:
    from queries.config import load_settings
    from queries.engines.duckdb_engine import Engine

    settings = load_settings()
    assert settings.engine.duckdb.memory_limit == "1GB"
    engine = Engine(small_folder, memory_limit=settings.engine.duckdb.memory_limit)
    # DuckDB shows 1GB (10^9 bytes) in binary units.
    assert engine.sql("SELECT current_setting('memory_limit') AS m").item() == "953.6 MiB"


def test_a_same_size_rewrite_with_the_old_mtime_changes_the_fingerprint(tmp_path: Path) -> None:
    path = tmp_path / "agents.parquet"
    path.write_bytes(b"a" * 100)
    stat = path.stat()
    before = cache.exports_fingerprint(tmp_path, [path])
    path.write_bytes(b"b" * 100)  # other content, same size
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # cp -p, rsync -a: the old mtime back
    assert path.stat().st_size == stat.st_size and path.stat().st_mtime_ns == stat.st_mtime_ns
    assert cache.exports_fingerprint(tmp_path, [path]) != before
    replaced = tmp_path / "new.parquet"
    replaced.write_bytes(b"a" * 100)
    os.utime(replaced, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    os.replace(replaced, path)  # an export job's atomic replace: a new inode
    assert cache.exports_fingerprint(tmp_path, [path]) != before


def test_a_first_spill_on_a_fresh_machine_works(small_folder: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from queries.engines.duckdb_engine import Engine

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "fresh" / "cache"))  # nothing made yet
    engine = Engine(small_folder, memory_limit="64MB")
    # Bigger than 64MB: DuckDB spills, and fails if it cannot make its folder.
    n = engine.sql("SELECT count(*) AS n FROM (SELECT range % 4000000 AS g, count(*) FROM range(8000000) "
                   "GROUP BY g)").item()
    assert n == 4_000_000
