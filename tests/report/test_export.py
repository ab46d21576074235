"""Exporting a screen's table: CSV, Parquet and Markdown files, the clipboard, and every way
a write can go wrong.

Numbers are the hand-computed ones of the small folder (tests/folders.py, as-of
2026-03-31): KEN 10 seats, demand 2 onsite + 1 hybrid x 2/5 = 2.4, cost 150,000; BOI 8
seats, 1 onsite + 0.5 FTE hybrid x 3/5 = 1.3, cost 90,000; TUL 4 seats, 1 onsite, cost
30,000.
"""

from __future__ import annotations

import csv
import datetime as dt
import errno
import io
import os
import stat
from pathlib import Path

import polars as pl
import pytest
from textual.widgets import Input, Select

from queries.atomic_file import default_file_mode
from queries.config import load_settings
from queries.report.table_export import (
    ExportError,
    ExportTable,
    export_path,
    exports_folder,
    markdown_text,
    write_csv,
    write_markdown,
    write_parquet,
    write_table,
)
from tests.screen import loaded
from tui.app import WfplanApp
from tui.dialogs import ConfirmDialog, ErrorDialog, TextDialog
from tui.export_dialog import ExportDialog
from tui.screens.base import PlanScreen

SIZES = [(80, 24), (160, 48)]
SITE_HEADINGS = ["Site", "Status", "Seats", "Demand", "Util", "Lease", "Opex", "Annual cost", "$/seat",
                 "$/seat used", "Lease end", "Onsite", "Hybrid", "Commute/yr"]
# Sorted by site (the screen's default), totals row last. Commute/yr: the agents' commuting cost
# (tests/model/test_compare.py): A4 drives 5,472 km to BOI, A1 and A2 9,120 km each to KEN, x 0.43 USD;
# TUL's A7 has no home region.
COMMUTE = [5_472 * 0.43, 18_240 * 0.43, 0.0, 23_712 * 0.43]
SITE_ROWS = [
    ["BOI Boise", "open", 8, 1.3, 1.3 / 8, 60_000.0, 30_000.0, 90_000.0, 11_250.0, 90_000 / 1.3, None, 1, 1],
    ["KEN Kennewick", "open", 10, 2.4, 0.24, 100_000.0, 50_000.0, 150_000.0, 15_000.0, 62_500.0,
     dt.date(2026, 12, 31), 2, 1],
    ["TUL Tulsa", "closing", 4, 1.0, 0.25, 20_000.0, 10_000.0, 30_000.0, 7_500.0, 30_000.0, dt.date(2028, 6, 30), 1, 0],
    ["Total", None, 22, 4.7, 4.7 / 22, 180_000.0, 90_000.0, 270_000.0, 270_000 / 22, 270_000 / 4.7, None, 4, 2],
]


@pytest.fixture
def exports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "exports-out"
    monkeypatch.setenv("WFPLAN_EXPORTS_FOLDER", str(folder))
    return folder


def make_app(folder: Path) -> WfplanApp:
    return WfplanApp(settings=load_settings(), folder=folder)


def notifications(app: WfplanApp) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


async def export_with_dialog(pilot, name: str | None = None, fmt: str | None = None) -> None:
    """ctrl+e, optionally another format and name, enter; wait for the writer."""
    await pilot.press("ctrl+e")
    assert isinstance(pilot.app.screen, ExportDialog)
    if fmt is not None:
        pilot.app.screen.query_one("#export-format", Select).value = fmt
        await pilot.pause()
    if name is not None:
        pilot.app.screen.query_one("#export-name", Input).value = name
    await pilot.press("enter")
    await loaded(pilot)


def read_csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text())))


def as_csv(value: object) -> str:
    return "" if value is None else str(value)


def small_table() -> ExportTable:
    frame = pl.DataFrame({"Site": ["KEN Kennewick", "Total"], "Annual cost": [150_000.0, None]})
    return ExportTable("site-costs", frame, {"Annual cost": lambda v: "n/a" if v is None else f"${v:,.0f}"})


# -- what is written ------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_ctrl_e_writes_the_site_table_as_csv(small_folder: Path, exports: Path, size: tuple[int, int]) -> None:
    """The default: CSV named after the screen and the as-of date, in the exports folder,
    numbers as numbers (not "$150,000"), the totals row last."""
    app = make_app(small_folder)
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        await pilot.press("ctrl+e")
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        assert dialog.query_one("#export-name", Input).value == "site-costs-2026-03-31.csv"
        await pilot.press("enter")
        await loaded(pilot)
        path = exports / "site-costs-2026-03-31.csv"
        assert isinstance(app.screen, PlanScreen)
        assert f"Exported 4 rows to {path}" in notifications(app)
    rows = read_csv(path)
    assert rows[0] == SITE_HEADINGS
    assert len(rows) == 5
    for got, want, commute in zip(rows[1:], SITE_ROWS, COMMUTE, strict=True):
        assert got[:3] == [as_csv(v) for v in want[:3]]
        assert [float(v) for v in got[3:10]] == pytest.approx(want[3:10])
        assert got[10:13] == [as_csv(v) for v in want[10:]]
        assert float(got[13]) == pytest.approx(commute)


async def test_what_is_exported_follows_the_sort_and_filter(small_folder: Path, exports: Path) -> None:
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press(*["right"] * 7, "s", "s")  # annual cost, descending
        await export_with_dialog(pilot, "sorted")
        assert [r[0] for r in read_csv(exports / "sorted.csv")[1:]] == ["KEN Kennewick", "BOI Boise", "TUL Tulsa",
                                                                       "Total"]
        app.screen.state_filter = "WA"
        app.screen.show()
        await export_with_dialog(pilot, "wa-only")
        rows = read_csv(exports / "wa-only.csv")
        assert [r[0] for r in rows[1:]] == ["KEN Kennewick", "Total (1 shown)"]
        assert rows[2][7] == "150000.0"


async def test_a_closed_site_is_listed_as_on_screen(small_folder: Path, exports: Path) -> None:
    """KEN closed: still listed with "closes DATE"; the totals row leaves it out."""
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("down", "c", "enter")
        await pilot.pause()
        await export_with_dialog(pilot, "closed")
    rows = {r[0]: r for r in read_csv(exports / "closed.csv")[1:]}
    assert rows["KEN Kennewick"][1] == "closes 2026-12-31"
    assert rows["Total"][7] == "120000.0"  # BOI 90,000 + TUL 30,000


@pytest.mark.parametrize("size", SIZES)
async def test_parquet_keeps_the_types(small_folder: Path, exports: Path, size: tuple[int, int]) -> None:
    app = make_app(small_folder)
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        await app.screen.run_action("export('parquet')")  # what the palette's "export: parquet" runs
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)
        assert app.screen.query_one("#export-name", Input).value == "site-costs-2026-03-31.parquet"
        await pilot.press("enter")
        await loaded(pilot)
    frame = pl.read_parquet(exports / "site-costs-2026-03-31.parquet")
    assert frame.columns == SITE_HEADINGS
    assert frame.schema["Seats"] == pl.Int64 and frame.schema["Lease end"] == pl.Date
    assert frame.schema["Annual cost"] == pl.Float64
    for got, want, commute in zip(frame.rows(), SITE_ROWS, COMMUTE, strict=True):
        assert got[:3] == tuple(want[:3]) and got[10:13] == tuple(want[10:]) and got[13] == pytest.approx(commute)
        assert got[3:10] == pytest.approx(want[3:10])


async def test_markdown_shows_the_cells_as_on_screen(small_folder: Path, exports: Path) -> None:
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await export_with_dialog(pilot, fmt="markdown")
    assert (exports / "site-costs-2026-03-31.md").read_text() == (
        "| Site | Status | Seats | Demand | Util | Lease | Opex | Annual cost | $/seat | $/seat used | Lease end "
        "| Onsite | Hybrid | Commute/yr |\n"
        "|:---|:---|---:|---:|---:|---:|---:|---:|---:|---:|:---|---:|---:|---:|\n"
        "| BOI Boise | open | 8 | 1.3 | 16% | $60,000 | $30,000 | $90,000 | $11,250 | $69,231 | — | 1 | 1 | $2,353 |\n"
        "| KEN Kennewick | open | 10 | 2.4 | 24% | $100,000 | $50,000 | $150,000 | $15,000 | $62,500 | 2026-12-31 "
        "| 2 | 1 | $7,843 |\n"
        "| TUL Tulsa | closing | 4 | 1.0 | 25% | $20,000 | $10,000 | $30,000 | $7,500 | $30,000 | 2028-06-30 | 1 | 0 "
        "| $0 |\n"
        "| Total |  | 22 | 4.7 | 21% | $180,000 | $90,000 | $270,000 | $12,273 | $57,447 | — | 4 | 2 | $10,196 |\n"
    )


def test_markdown_escapes_pipes_and_formats_blanks() -> None:
    table = ExportTable("t", pl.DataFrame({"Site": ["A|B", "Total"], "Annual cost": [1_500.0, None]}),
                        {"Annual cost": lambda v: "n/a" if v is None else f"${v:,.0f}"})
    assert markdown_text(table) == (
        "| Site | Annual cost |\n|:---|---:|\n| A\\|B | $1,500 |\n| Total | n/a |\n"
    )


async def test_every_screen_exports_its_table(small_folder: Path, exports: Path) -> None:
    """Headcount months and sites, hiring reach: hand-computed rows, same order as shown."""
    app = make_app(small_folder)
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot)
        await pilot.press("2")
        await export_with_dialog(pilot)
        months = read_csv(exports / "headcount-months-2026-03-31.csv")
        # On 2026-03-01: A1, A2, A5, A7 onsite; A3, A4 hybrid; A6 remote; A7 hired in March.
        # The months run back to January 2024 (the HR history), newest first: 27 of them.
        assert months[:2] == [
            ["Month", "Onsite", "Hybrid", "Remote", "Remote %", "Hires onsite", "Hires hybrid", "Hires remote",
             "Leavers onsite", "Leavers hybrid", "Leavers remote"],
            ["2026-03-01", "4", "2", "1", str(1 / 7), "1", "0", "0", "0", "0", "0"],
        ]
        # 1 January 2024: A1-A6 hired that day, A1, A2, A5, A6 onsite and A3, A4 hybrid.
        assert len(months) == 1 + 27
        assert months[-1] == ["2024-01-01", "4", "2", "0", "0.0", "4", "2", "0", "0", "0", "0"]
        await pilot.press("v")
        await export_with_dialog(pilot)
        assert read_csv(exports / "headcount-sites-2026-03-31.csv") == [
            ["Site", "Onsite", "Hybrid", "Remote", "Total", "Remote %"],
            ["BOI Boise", "1", "1", "0", "2", "0.0"],
            ["KEN Kennewick", "2", "1", "0", "3", "0.0"],
            ["TUL Tulsa", "1", "0", "0", "1", "0.0"],
            ["remote, no site", "0", "0", "1", "1", "1.0"],
        ]
        await pilot.press("3")
        await export_with_dialog(pilot)
        regions = read_csv(exports / "hiring-reach-2026-03-31.csv")
        assert regions[0] == ["Region", "St", "CSRs", "Available", "Wage", "Unemp", "Broadband", "Site km", "Reach"]
        # Largest experienced pool first; available = labor force x unemployment.
        assert [(r[0], r[2], r[8]) for r in regions[1:]] == [
            # Tulsa lies beside TUL, which is closing and hires no one: remote only.
            ("Denver", "25000", "remote only"), ("Tulsa", "8700", "remote only"), ("Boise", "6500", "both"),
            ("Tri-Cities", "2600", "both"),
        ]
        assert float(regions[1][3]) == pytest.approx(1_600_000 * 0.035)
        assert regions[2][6] == ""  # Tulsa's broadband share is unknown: an empty cell, not 0


# -- privacy ------------------------------------------------------------------------------


async def on_kpis(pilot) -> None:
    await loaded(pilot)
    await pilot.press("4")
    await loaded(pilot)


async def test_kpi_export_never_shows_a_group_under_the_privacy_floor(small_folder: Path, exports: Path) -> None:
    """The small folder: one onsite and one remote agent with KPI rows, both under 5."""
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await on_kpis(pilot)
        await export_with_dialog(pilot)
        await export_with_dialog(pilot, fmt="markdown")
        await export_with_dialog(pilot, fmt="parquet")
        await app.screen.run_action("copy_table")
        clipboard = app.clipboard
    rows = read_csv(exports / "kpis-2026-03-31.csv")
    assert rows == [
        ["Mode", "Agents", "Contacts", "FCR", "CSAT", "AHT", "QA", "Adherence", "Fraud/100k", "Attrition/yr", "Privacy"],
        ["onsite", *[""] * 9, "suppressed (< 5 agents)"],
        ["remote", *[""] * 9, "suppressed (< 5 agents)"],
    ]
    frame = pl.read_parquet(exports / "kpis-2026-03-31.parquet")
    assert frame.drop("Mode", "Privacy").null_count().row(0) == (2,) * 9
    assert (exports / "kpis-2026-03-31.md").read_text() == (
        "| Mode | Agents | Contacts | FCR | CSAT | AHT | QA | Adherence | Fraud/100k | Attrition/yr |\n"
        "|:---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
        "| onsite | suppressed (< 5 agents) |  |  |  |  |  |  |  |  |\n"
        "| remote | suppressed (< 5 agents) |  |  |  |  |  |  |  |  |\n"
    )
    assert "90" not in clipboard and "30" not in clipboard  # no contacts, nothing to subtract from


async def test_kpi_export_above_the_floor_has_the_hand_computed_figures(
    small_folder: Path, exports: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Floor 1: A1 (onsite) 90 contacts, 32,400 s, 51/70 resolved; A6 (remote) 30, 11,700 s, 15/20."""
    monkeypatch.setenv("WFPLAN_PRIVACY__MIN_GROUP_AGENTS", "1")
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await on_kpis(pilot)
        await export_with_dialog(pilot)
    frame = pl.read_csv(exports / "kpis-2026-03-31.csv")
    onsite, remote = frame.rows(named=True)
    assert (onsite["Mode"], onsite["Agents"], onsite["Contacts"], onsite["Privacy"]) == ("onsite", 1, 90, None)
    assert onsite["AHT"] == pytest.approx(360) and onsite["FCR"] == pytest.approx(51 / 70)
    assert onsite["CSAT"] == pytest.approx(45 / 11) and onsite["QA"] == pytest.approx(85)
    assert onsite["Adherence"] == pytest.approx(910 / 960) and onsite["Fraud/100k"] == 0
    assert (remote["Agents"], remote["Contacts"], remote["AHT"], remote["FCR"]) == (1, 30, pytest.approx(390), 0.75)


# -- the clipboard ----------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_copy_to_clipboard_as_tab_separated_text(small_folder: Path, size: tuple[int, int]) -> None:
    app = make_app(small_folder)
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        assert "export: copy to clipboard" in [name for name, _, _ in app.screen.palette_commands()]
        await app.screen.run_action("copy_table")
        await pilot.pause()
        lines = app.clipboard.splitlines()
        assert lines[0] == "\t".join(SITE_HEADINGS)
        assert lines[2].split("\t")[:4] == ["KEN Kennewick", "open", "10", "2.4"]
        assert lines[4].split("\t")[7] == "270000.0"
        assert "Copied 4 rows (OSC 52: your terminal must allow clipboard access)" in notifications(app)


async def test_the_dialogs_copy_button_copies_markdown(small_folder: Path) -> None:
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("ctrl+e")
        app.screen.query_one("#export-format", Select).value = "markdown"
        await pilot.pause()
        assert app.screen.query_one("#export-name", Input).value == "site-costs-2026-03-31.md"
        await pilot.click("#copy")
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen)
        assert app.clipboard.startswith("| Site | Status | Seats |")
        assert "| KEN Kennewick | open | 10 | 2.4 | 24% | $100,000 |" in app.clipboard


# -- where files go, and what is refused ------------------------------------------------------


def test_names_land_in_the_exports_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "out"
    assert export_path("costs", folder, "csv") == folder / "costs.csv"
    assert export_path("q3/costs.md", folder, "markdown") == folder / "q3" / "costs.md"
    assert export_path(str(tmp_path / "abs.parquet"), folder, "parquet") == tmp_path / "abs.parquet"
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert export_path("~/x.csv", folder, "csv") == tmp_path / "home" / "x.csv"
    with pytest.raises(ExportError, match="the file needs a name"):
        export_path("  ", folder, "csv")
    with pytest.raises(ExportError, match="NUL"):
        export_path("a\0b", folder, "csv")


def test_the_exports_folder_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert exports_folder(load_settings().exports_folder) == Path(os.environ["XDG_DATA_HOME"]) / "wfplan" / "exports"
    monkeypatch.setenv("WFPLAN_EXPORTS_FOLDER", str(tmp_path / "mine"))
    assert exports_folder(load_settings().exports_folder) == tmp_path / "mine"


def test_the_writers_create_the_folder_and_write_each_format(tmp_path: Path) -> None:
    table = small_table()
    write_csv(table, tmp_path / "a" / "b" / "t.csv")
    assert (tmp_path / "a" / "b" / "t.csv").read_text() == "Site,Annual cost\nKEN Kennewick,150000.0\nTotal,\n"
    # Meant to be shared: the mode other programs give a new file, not the temporary's 0600.
    assert stat.S_IMODE((tmp_path / "a" / "b" / "t.csv").stat().st_mode) == default_file_mode()
    write_parquet(table, tmp_path / "t.parquet")
    assert pl.read_parquet(tmp_path / "t.parquet").equals(table.frame)
    write_markdown(table, tmp_path / "t.md")
    assert (tmp_path / "t.md").read_text().endswith("| KEN Kennewick | $150,000 |\n| Total | n/a |\n")


def test_never_into_the_data_folder(small_folder: Path) -> None:
    for fmt in ("csv", "parquet", "markdown"):
        with pytest.raises(ExportError, match=r"t\.x: wfplan never writes into the data folder .*choose another"):
            write_table(small_table(), small_folder / "sub" / "t.x", fmt, data_folder=small_folder)
    assert not (small_folder / "sub").exists()


async def test_the_app_refuses_the_data_folder(small_folder: Path, exports: Path) -> None:
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        before = sorted(p.name for p in small_folder.iterdir())
        await export_with_dialog(pilot, str(small_folder / "sites-copy.csv"))
        assert isinstance(app.screen, ErrorDialog)
        assert "wfplan never writes into the data folder" in app.screen.message
        assert sorted(p.name for p in small_folder.iterdir()) == before
        await pilot.press("escape")
        assert isinstance(app.screen, PlanScreen)  # the app keeps running


def test_an_interrupted_write_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "t.csv"
    path.write_text("old\n")

    def killed(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("queries.atomic_file.os.replace", killed)
    with pytest.raises(KeyboardInterrupt):
        write_csv(small_table(), path)
    assert path.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]  # no temporary file left


def test_a_failure_mid_write_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "t.parquet"
    path.write_bytes(b"old")

    def half_written(self: pl.DataFrame, file: object, **kwargs: object) -> None:
        file.write(b"PAR1 half")
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(pl.DataFrame, "write_parquet", half_written)
    with pytest.raises(ExportError, match=r"t\.parquet: cannot export: Input/output error; an existing file is unchanged"):
        write_parquet(small_table(), path)
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["t.parquet"]


def test_a_full_disk_is_reported_and_the_old_file_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "t.md"
    path.write_text("old")

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("queries.atomic_file.os.fsync", disk_full)
    with pytest.raises(ExportError, match=r"t\.md: cannot export: No space left on device; an existing file is unchanged$"):
        write_markdown(small_table(), path)
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["t.md"]


def test_a_folder_is_not_a_file_name(tmp_path: Path) -> None:
    (tmp_path / "t.csv").mkdir()
    with pytest.raises(ExportError, match=r"t\.csv: cannot export: that is a folder"):
        write_csv(small_table(), tmp_path / "t.csv")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_for_real(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(ExportError, match="Permission denied"):
            write_csv(small_table(), folder / "t.csv")
    finally:
        folder.chmod(0o755)


async def test_a_read_only_exports_folder_is_a_message_not_a_crash(
    small_folder: Path, exports: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exports.mkdir()
    (exports / "keep.csv").write_text("old\n")

    def read_only(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    # Root ignores folder permissions, so the file system's answer is simulated.
    monkeypatch.setattr("queries.atomic_file.tempfile.mkstemp", read_only)
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await export_with_dialog(pilot, "keep")
        assert isinstance(app.screen, ConfirmDialog)  # it exists: replace it?
        await pilot.press("y")
        await loaded(pilot)
        assert isinstance(app.screen, ErrorDialog)
        assert app.screen.message == f"{exports / 'keep.csv'}: cannot export: Permission denied; an existing file is unchanged"
        await pilot.press("escape")
        assert isinstance(app.screen, PlanScreen)
    assert (exports / "keep.csv").read_text() == "old\n"


async def test_an_existing_file_is_replaced_only_when_confirmed(small_folder: Path, exports: Path) -> None:
    exports.mkdir()
    path = exports / "site-costs-2026-03-31.csv"
    path.write_text("old\n")
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await export_with_dialog(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await loaded(pilot)
        assert path.read_text() == "old\n"
        await export_with_dialog(pilot)
        await pilot.press("y")
        await loaded(pilot)
        assert path.read_text().startswith("Site,Status,Seats")


async def test_escape_cancels_and_nothing_is_written(small_folder: Path, exports: Path) -> None:
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("ctrl+e", "escape")
        await loaded(pilot)
        assert isinstance(app.screen, PlanScreen)
    assert not exports.exists()


# -- nothing to export ------------------------------------------------------------------------


async def test_a_screen_without_a_table_says_so(small_folder: Path, exports: Path) -> None:
    """The small folder has no forecast: Staffing has no table."""
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("5", "ctrl+e")
        assert not isinstance(app.screen, ExportDialog)
        assert "Nothing to export: this data folder has no forecast" in notifications(app)


async def test_nothing_to_export_before_the_data_is_loaded(small_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from queries.engines.duckdb_engine import QueryError

    def fail(*args: object, **kwargs: object) -> None:
        raise QueryError("IO Error: Could not read file kpi_daily.parquet")

    monkeypatch.setattr("queries.plan.loading.load_plan_data", fail)
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("escape", "ctrl+e")
        assert not isinstance(app.screen, ExportDialog)
        assert "Nothing to export yet: the data is not loaded" in notifications(app)


# -- keys and palette -------------------------------------------------------------------------


async def test_every_screen_offers_the_export_commands_and_key(small_folder: Path) -> None:
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        for key in ("1", "2", "3", "4", "5"):
            await pilot.press(key)
            names = [name for name, _, _ in app.screen.palette_commands()]
            assert names[-4:] == ["export: csv", "export: parquet", "export: markdown", "export: copy to clipboard"]
            assert "ctrl+e" in app.screen.active_bindings
        await pilot.press("1", "question_mark")
        assert isinstance(app.screen, TextDialog)
        assert any("ctrl+e" in line and "export" in line for line in app.screen.lines)


async def test_a_bug_in_the_writer_is_a_dialog_not_a_failed_load(
    small_folder: Path, exports: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr("tui.export.write_table", broken)
    app = make_app(small_folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await export_with_dialog(pilot)
        assert isinstance(app.screen, ErrorDialog)
        assert app.screen.title_text == "The table was not exported"
        assert app.screen.message.startswith("a bug\n\nDetails: ")
        assert app.status != "loading failed"
        await pilot.press("escape")
        assert isinstance(app.screen, PlanScreen)


def test_text_a_spreadsheet_would_run_as_a_formula_is_written_as_text(tmp_path: Path) -> None:
    import polars as pl

    from queries.report.table_export import ExportTable, tsv_text, write_csv

    frame = pl.DataFrame({"Site": ["=HYPERLINK(\"http://x\")", "+1-2", "-", "@SUM(A1)", "Boise", None],
                          "Cost": [-5.0, 1.0, 2.0, 3.0, 4.0, 5.0]})
    table = ExportTable("t", frame)
    written = write_csv(table, tmp_path / "t.csv").read_text().splitlines()
    assert written == ["Site,Cost", "\"'=HYPERLINK(\"\"http://x\"\")\",-5.0", "'+1-2,1.0", "'-,2.0",
                       "'@SUM(A1),3.0", "Boise,4.0", ",5.0"]
    assert tsv_text(table).splitlines()[2] == "'+1-2\t1.0"
