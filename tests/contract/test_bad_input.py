"""A bad-input corpus: small generated folders that each break ONE thing of the data contract.

Every folder starts from tests/folders.py's valid `base_tables()` and is written with polars
by `build` (no binary fixtures in git). For each case:

- `wfplan check` prints exactly the documented problem lines (file, column, rule, rows,
  up to five examples) and the summary, and exits 0 (clean or warnings only) or 1;
- `wfplan report` exits with the same code; on a broken folder it prints the same lines on
  stderr and nothing on stdout;
- a representative subset opens in the app (Pilot, 80x24): a broken folder shows the
  problems screen with the same line, a valid one opens normally and shows text from the
  data literally (never as markup).

"Traceback" never appears in any output.

The column lists in `SPEC` are copied by hand from spec/data-contract.md (not imported from
queries/contract/schema.py), so a column, kind or NULL rule that drifts from the contract fails here.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest

from tests.folders import D, base_tables, write_folder
from tui.cli import main

Tables = dict[str, pl.DataFrame]
Edit = Callable[[Tables], None]
Damage = Callable[[Path], None]
Line = str | re.Pattern[str]

SUMMARY_REFUSED = "; wfplan cannot open this folder until the errors are fixed"

# spec/data-contract.md, "Tables": (column, kind, nullable) of every table, in contract order.
SPEC: dict[str, list[tuple[str, str, bool]]] = {
    "sites": [
        ("site_id", "string", False), ("name", "string", False), ("city", "string", False),
        ("state", "string", False), ("lat", "float", False), ("lon", "float", False),
        ("opened", "date", False), ("status", "string", False), ("seats", "int", False),
        ("sqft", "int", True), ("lease_annual", "float", False), ("opex_annual", "float", False),
        ("lease_end", "date", True), ("lease_break_fee", "float", True),
    ],
    "agents": [
        ("agent_id", "string", False), ("hire_date", "date", False), ("term_date", "date", True),
        ("home_region", "string", True), ("hourly_wage", "float", False), ("fte", "float", False),
    ],
    "assignments": [
        ("agent_id", "string", False), ("start_date", "date", False), ("end_date", "date", True),
        ("work_mode", "string", False), ("site_id", "string", True), ("onsite_days_per_week", "float", True),
    ],
    "kpi_daily": [
        ("date", "date", False), ("agent_id", "string", False), ("contacts", "int", False),
        ("handle_seconds", "float", False), ("fcr_eligible", "int", False), ("fcr_resolved", "int", False),
        ("csat_responses", "int", False), ("csat_points", "float", False), ("qa_evaluations", "int", False),
        ("qa_points", "float", False), ("scheduled_minutes", "float", False),
        ("adherent_minutes", "float", False), ("fraud_incidents", "int", False),
    ],
    "regions": [
        ("region_id", "string", False), ("name", "string", False), ("state", "string", False),
        ("lat", "float", False), ("lon", "float", False), ("population", "int", False),
        ("labor_force", "int", False), ("unemployment_rate", "float", False),
        ("csr_employment", "int", False), ("csr_median_hourly_wage", "float", False),
        ("broadband_share", "float", True), ("utc_offset_hours", "float", False),
    ],
    "forecast": [
        ("queue", "string", False), ("interval_start", "timestamp", False), ("interval_minutes", "int", False),
        ("contacts", "float", False), ("aht_seconds", "float", False),
    ],
}
# How the check names row 1 (the row every cell edit below breaks) of each table.
ROW1 = {
    "sites": "BOI", "agents": "A2", "assignments": "A2 from 2024-01-01", "kpi_daily": "A1 on 2026-03-31",
    "regions": "R2", "forecast": "sales at 2026-03-31 09:30:00",
}


def forecast() -> pl.DataFrame:
    """A valid optional `forecast` table of two half-hour intervals."""
    return pl.DataFrame({
        "queue": ["sales", "sales"],
        "interval_start": [dt.datetime(2026, 3, 31, 9, 0), dt.datetime(2026, 3, 31, 9, 30)],
        "interval_minutes": [30, 30],
        "contacts": [100.0, 120.0],
        "aht_seconds": [180.0, 200.0],
    })


# -- the builder ------------------------------------------------------------------------------


def build(root: Path, *edits: Edit, damage: Damage | None = None) -> Path:
    """The one builder: `base_tables()` plus a forecast, each edit applied in order, written
    to `root/data` with `write_folder` (a dict of frames becomes a partitioned folder); then
    `damage` may break files on disk."""
    tables: Tables = {**base_tables(), "forecast": forecast()}
    for edit in edits:
        edit(tables)
    folder = write_folder(root / "data", tables)
    if damage is not None:
        damage(folder)
    return folder


# Edits: each returns a function that changes the tables in place.


def cell(table: str, column: str, value: object, row: int = 1) -> Edit:
    """Set one cell (row 1 unless told), keeping the column's type."""
    def edit(tables: Tables) -> None:
        frame = tables[table]
        values = frame[column].to_list()
        values[row] = value
        tables[table] = frame.with_columns(pl.Series(column, values, dtype=frame[column].dtype))
    return edit


def column(table: str, name: str, values: pl.Series | pl.Expr) -> Edit:
    """Replace (or add) a whole column."""
    def edit(tables: Tables) -> None:
        tables[table] = tables[table].with_columns(values.alias(name) if isinstance(values, pl.Expr)
                                                   else values.rename(name))
    return edit


def drop(table: str, name: str | None = None) -> Edit:
    """Drop a column, or with no column the whole table."""
    def edit(tables: Tables) -> None:
        if name is None:
            del tables[table]
        else:
            tables[table] = tables[table].drop(name)
    return edit


def rows(table: str, frame: Callable[[pl.DataFrame], pl.DataFrame]) -> Edit:
    """Replace a table by `frame(table)`: extra, fewer or duplicated rows."""
    def edit(tables: Tables) -> None:
        tables[table] = frame(tables[table])
    return edit


def split(table: str, files: Callable[[pl.DataFrame], dict[str, pl.DataFrame]]) -> Edit:
    """Write a table as a folder of files instead of one file."""
    def edit(tables: Tables) -> None:
        tables[table] = files(tables[table])
    return edit


# -- running ----------------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out and "Traceback" not in err
    return code, out, err


def summary(folder: Path, lines: list[Line]) -> Line:
    """The check's last line; a clean folder's names its table and row counts (not checked here)."""
    if not lines:
        return re.compile(re.escape(f"{folder}: the data contract holds (") + r"\d tables, [\d,]+ rows\)")
    errors = sum(1 for line in lines if _is_error(line))
    warnings = len(lines) - errors
    return (f"{folder}: {errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
            + (SUMMARY_REFUSED if errors else ""))


def _is_error(line: Line) -> bool:
    text = line.pattern if isinstance(line, re.Pattern) else line
    return text.startswith(("error: ", re.escape("error: ")))


def assert_lines(actual: list[str], expected: list[Line]) -> None:
    """Equal line by line; a compiled pattern must match its whole line (DuckDB's own words)."""
    assert len(actual) == len(expected), "\n".join(actual)
    for got, want in zip(actual, expected, strict=True):
        if isinstance(want, re.Pattern):
            assert want.fullmatch(got), f"{got!r} does not match {want.pattern!r}"
        else:
            assert got == want


def check_and_report(folder: Path, capsys: pytest.CaptureFixture[str], lines: list[Line], report: bool = True) -> None:
    """`wfplan check` prints `lines` and the summary; `wfplan report` agrees on the exit code
    and, when the folder is refused, prints the same lines on stderr and nothing on stdout.

    `report=False` skips the report (the per-column tests run it for one column per table)."""
    code, out, err = run(capsys, "check", "--data", str(folder))
    refused = any(_is_error(line) for line in lines)
    expected = [*lines, summary(folder, lines)]
    assert_lines(out.splitlines(), expected)
    assert err == ""
    assert code == (1 if refused else 0)
    if not report:
        return

    report_code, report_out, report_err = run(capsys, "report", "--data", str(folder))
    assert report_code == code
    if refused:
        assert report_out == ""
        assert_lines(report_err.splitlines(), expected)
    else:
        assert report_err == ""
        assert json.loads(report_out)["as_of"]


# -- the corpus -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One broken (or deliberately odd but valid) folder and the lines `wfplan check` prints."""

    id: str
    edits: tuple[Edit, ...]
    lines: list[Line]
    damage: Damage | None = None

    def folder(self, root: Path) -> Path:
        return build(root, *self.edits, damage=self.damage)


def case(id: str, *edits: Edit, lines: list[Line], damage: Damage | None = None,
         marks: tuple[pytest.MarkDecorator, ...] = ()) -> object:
    return pytest.param(Case(id, edits, lines, damage), id=id, marks=marks)


def truncate(name: str) -> Damage:
    def damage(folder: Path) -> None:
        data = (folder / name).read_bytes()
        (folder / name).write_bytes(data[: len(data) // 2])
    return damage


def replace_file(name: str, content: bytes) -> Damage:
    def damage(folder: Path) -> None:
        (folder / name).write_bytes(content)
    return damage


def corrupt_pages(name: str) -> Damage:
    """Overwrite the data pages after the leading magic bytes; the footer stays readable."""
    def damage(folder: Path) -> None:
        data = bytearray((folder / name).read_bytes())
        data[8:600] = b"\xff" * len(data[8:600])
        (folder / name).write_bytes(bytes(data))
    return damage


def empty_folder(name: str, *files: str) -> Damage:
    """`name/` as a folder holding no .parquet file (only `files`, e.g. Spark's _SUCCESS)."""
    def damage(folder: Path) -> None:
        (folder / name).mkdir()
        for file in files:
            (folder / name / file).write_text("")
    return damage


def also_as_folder(name: str) -> Damage:
    def damage(folder: Path) -> None:
        frame = pl.read_parquet(folder / f"{name}.parquet")
        (folder / name / "month=2026-03").mkdir(parents=True)
        frame.write_parquet(folder / name / "month=2026-03" / "part-0.parquet")
    return damage


def unreadable(file: str) -> re.Pattern[str]:
    return re.compile(re.escape(f"error: {file}: unreadable: not a Parquet file, or corrupt (") + r"[^\n]+\)")


NAN, INF = float("nan"), float("inf")
KPI_PARTS = {  # kpi_daily as a Hive-partitioned folder of two files
    "month=2026-03/day=30/part-0.parquet": lambda k: k.head(1),
    "month=2026-03/day=31/part-0.parquet": lambda k: k.tail(2),
}


def partitioned(change_second: Callable[[pl.DataFrame], pl.DataFrame] = lambda f: f) -> Edit:
    """kpi_daily as two files; `change_second` alters the second file only."""
    return split("kpi_daily", lambda k: {
        path: (change_second(part(k)) if i else part(k)) for i, (path, part) in enumerate(KPI_PARTS.items())
    })


MIXED = "kpi_daily/month=2026-03/day=31/part-0.parquet"

FILES_AND_LAYOUT = [
    *[case(f"{t} table missing", drop(t),
           lines=[f"error: {t}.parquet: required table is missing (no {t}.parquet or {t}/)"])
      for t in ("sites", "agents", "assignments", "kpi_daily", "regions")],
    case("forecast is optional", drop("forecast"), lines=[]),
    case("truncated Parquet file", damage=truncate("sites.parquet"), lines=[unreadable("sites.parquet")]),
    case("zero-byte file", damage=replace_file("agents.parquet", b""), lines=[unreadable("agents.parquet")]),
    case("CSV named .parquet", damage=replace_file("regions.parquet", b"region_id,name\nR1,x\n"),
         lines=[unreadable("regions.parquet")]),
    case("JSON named .parquet", damage=replace_file("forecast.parquet", b'{"queue": "sales"}'),
         lines=[unreadable("forecast.parquet")]),
    # The footer reads, the pages do not: the break shows when the values are scanned. Only
    # agents.parquet is broken; assignments and kpi_daily must not be blamed for it.
    case("corrupt pages behind a readable footer", damage=corrupt_pages("agents.parquet"),
         lines=[re.compile(r"error: agents\.parquet: cannot read: [^\n]*")]),
    case("empty table (0 rows)", rows("kpi_daily", lambda k: k.clear()),
         lines=["error: kpi_daily.parquet: table has no rows (0 rows)"]),
    case("empty optional table (0 rows) is a warning", rows("forecast", lambda f: f.clear()),
         lines=["warning: forecast.parquet: table has no rows (0 rows)"]),
    case("empty folder table", drop("kpi_daily"), damage=empty_folder("kpi_daily"),
         lines=["error: kpi_daily/: folder holds no .parquet files"]),
    case("folder table with only non-Parquet files", drop("kpi_daily"), damage=empty_folder("kpi_daily", "_SUCCESS"),
         lines=["error: kpi_daily/: folder holds no .parquet files"]),
    case("table as file and as folder", damage=also_as_folder("kpi_daily"),
         lines=["error: kpi_daily.parquet: table given both as kpi_daily.parquet and as folder kpi_daily/; keep one"]),
    case("partitioned table", partitioned(), lines=[]),
    case("mixed types across files: int and string", partitioned(lambda f: f.with_columns(pl.col("contacts").cast(pl.Utf8))),
         lines=[f"error: kpi_daily/: contacts: wrong type string, expected int, e.g. in 1 of 2 files, {MIXED}"]),
    case("mixed types across files: float and string",
         partitioned(lambda f: f.with_columns(pl.col("handle_seconds").cast(pl.Utf8))),
         lines=[f"error: kpi_daily/: handle_seconds: wrong type string, expected float, e.g. in 1 of 2 files, {MIXED}"]),
    case("mixed types across files: date and string", partitioned(lambda f: f.with_columns(pl.col("date").cast(pl.Utf8))),
         lines=[f"error: kpi_daily/: date: wrong type string, expected date, e.g. in 1 of 2 files, {MIXED}"]),
    case("a column missing from one file of a folder", partitioned(lambda f: f.drop("fraud_incidents")),
         lines=[f"error: kpi_daily/: fraud_incidents: required column is missing, e.g. in 1 of 2 files, {MIXED}"]),
    # "Files of one table must agree on column types (after the widening)": these widen.
    case("mixed widths across files widen: int32 and int64", partitioned(lambda f: f.with_columns(
        pl.col("contacts").cast(pl.Int32), pl.col("fraud_incidents").cast(pl.UInt8))), lines=[]),
    case("mixed widths across files widen: int and float", partitioned(lambda f: f.with_columns(
        pl.col("handle_seconds").cast(pl.Int64), pl.col("csat_points").cast(pl.Float32))), lines=[]),
    case("mixed widths across files widen: date and timestamp",
         partitioned(lambda f: f.with_columns(pl.col("date").cast(pl.Datetime("ms")))), lines=[]),
    case("partition folder named after a contract column",
         split("kpi_daily", lambda k: {"contacts=5/part-0.parquet": k}),
         lines=["error: kpi_daily/: contacts: partition folders are named after this contract column (contacts=...); "
                "rename the folders or drop the partitioning, e.g. kpi_daily/contacts=5"]),
    case("partition columns not in the contract are ignored",
         split("kpi_daily", lambda k: {"region=west/part-0.parquet": k}), lines=[]),
    case("extra columns are ignored", column("sites", "manager", pl.lit("x")), column("agents", "notes", pl.lit(1)),
         lines=[]),
    case("a missing column", drop("agents", "fte"), lines=["error: agents.parquet: fte: required column is missing"]),
    case("a wrong type", column("sites", "seats", pl.col("seats").cast(pl.Utf8)),
         lines=["error: sites.parquet: seats: wrong type string, expected int"]),
    # "int = any integer width, signed or unsigned": an unsigned value above the signed 64-bit
    # range cannot be held; the contract has no message for it. The app refuses the table
    # with DuckDB's conversion error, naming the column, and no traceback.
    case("unsigned int beyond the signed 64-bit range",
         column("sites", "seats", pl.Series([10, 2**63 + 5, 4], dtype=pl.UInt64)),
         lines=[re.compile(r"error: sites\.parquet: cannot read: Conversion Error: [^\n]*9223372036854775813[^\n]*seats")]),
    case("column names are exact: SITE_ID is not site_id", rows("sites", lambda s: s.rename({"site_id": "SITE_ID"})),
         lines=["error: sites.parquet: site_id: required column is missing"]),
]


def _rule(table: str, col: str, value: object, rule: str, shown: str | None = None, row: int = 1,
          label: str | None = None, marks: tuple[pytest.MarkDecorator, ...] = ()) -> object:
    """A value rule broken on one row: `table.col` set to `value`, one documented line."""
    shown = str(value) if shown is None else shown
    label = ROW1[table] if label is None else label
    return case(f"{table}.{col} {rule}: {shown}", cell(table, col, value, row),
                lines=[f"error: {table}.parquet: {col}: {rule} (1 row), e.g. {label}: {shown}"], marks=marks)


VALUE_RULES = [
    # sites
    _rule("sites", "lat", 95.0, "must be between -90 and 90"),
    _rule("sites", "lon", -181.0, "must be between -180 and 180"),
    _rule("sites", "status", "shut", "must be one of open, closing, closed"),
    _rule("sites", "seats", 0, "must be > 0 and <= 100,000"),
    _rule("sites", "sqft", -1, "must be >= 0"),
    _rule("sites", "lease_annual", -1.0, "must be between 0 and 1,000,000,000"),
    _rule("sites", "opex_annual", -0.5, "must be between 0 and 1,000,000,000"),
    _rule("sites", "lease_break_fee", -1.0, "must be between 0 and 1,000,000,000"),
    # agents
    _rule("agents", "term_date", D(2023, 12, 31), "must be on or after hire_date"),
    _rule("agents", "hourly_wage", 0.0, "must be > 0 and <= 1000"),
    _rule("agents", "fte", 1.5, "must be > 0 and <= 1"),
    _rule("agents", "fte", 0.0, "must be > 0 and <= 1"),
    # assignments
    _rule("assignments", "end_date", D(2023, 12, 31), "must be on or after start_date"),
    _rule("assignments", "work_mode", "office", "must be one of onsite, remote, hybrid"),
    _rule("assignments", "onsite_days_per_week", 6.0, "must be between 0 and 5"),
    _rule("assignments", "onsite_days_per_week", -1.0, "must be between 0 and 5"),
    case("assignments.site_id is required for onsite", cell("assignments", "site_id", None),
         lines=["error: assignments.parquet: site_id: is required for onsite and hybrid assignments (1 row), "
                "e.g. A2 from 2024-01-01"]),
    case("assignments.site_id is required for hybrid", cell("assignments", "site_id", None, row=3),
         lines=["error: assignments.parquet: site_id: is required for onsite and hybrid assignments (1 row), "
                "e.g. A4 from 2024-01-01"]),
    # kpi_daily (row 1: A1 on 2026-03-31, 50 contacts, fcr 30 of 40, csat 25 of 6 responses,
    # qa 0 of 0 evaluations, 460 of 480 adherent minutes)
    _rule("kpi_daily", "contacts", -1, "must be >= 0"),
    _rule("kpi_daily", "handle_seconds", -1.0, "must be between 0 and 1,000,000"),
    _rule("kpi_daily", "fcr_resolved", 41, "must be between 0 and fcr_eligible"),
    _rule("kpi_daily", "fcr_resolved", -1, "must be between 0 and fcr_eligible"),
    _rule("kpi_daily", "csat_points", 31.0, "must be between csat_responses and 5 x csat_responses"),
    _rule("kpi_daily", "csat_points", 5.0, "must be between csat_responses and 5 x csat_responses"),
    _rule("kpi_daily", "qa_points", 1.0, "must be between 0 and 100 x qa_evaluations"),
    _rule("kpi_daily", "qa_points", 101.0, "must be between 0 and 100 x qa_evaluations", row=0,
          label="A1 on 2026-03-30"),
    _rule("kpi_daily", "adherent_minutes", 481.0, "must be between 0 and scheduled_minutes"),
    _rule("kpi_daily", "fraud_incidents", -1, "must be >= 0"),
    # A negative count breaks its own rule and, necessarily, its dependent column's.
    case("kpi_daily.fcr_eligible must be >= 0", cell("kpi_daily", "fcr_eligible", -1), lines=[
        "error: kpi_daily.parquet: fcr_eligible: must be >= 0 (1 row), e.g. A1 on 2026-03-31: -1",
        "error: kpi_daily.parquet: fcr_resolved: must be between 0 and fcr_eligible (1 row), e.g. A1 on 2026-03-31: 30",
    ]),
    case("kpi_daily.csat_responses must be >= 0", cell("kpi_daily", "csat_responses", -1), lines=[
        "error: kpi_daily.parquet: csat_responses: must be >= 0 (1 row), e.g. A1 on 2026-03-31: -1",
        "error: kpi_daily.parquet: csat_points: must be between csat_responses and 5 x csat_responses (1 row), "
        "e.g. A1 on 2026-03-31: 25.0",
    ]),
    case("kpi_daily.qa_evaluations must be >= 0", cell("kpi_daily", "qa_evaluations", -1), lines=[
        "error: kpi_daily.parquet: qa_evaluations: must be >= 0 (1 row), e.g. A1 on 2026-03-31: -1",
        "error: kpi_daily.parquet: qa_points: must be between 0 and 100 x qa_evaluations (1 row), "
        "e.g. A1 on 2026-03-31: 0.0",
    ]),
    case("kpi_daily.scheduled_minutes must be >= 0", cell("kpi_daily", "scheduled_minutes", -1.0), lines=[
        "error: kpi_daily.parquet: scheduled_minutes: must be between 0 and 1440 (1 row), e.g. A1 on 2026-03-31: -1.0",
        "error: kpi_daily.parquet: adherent_minutes: must be between 0 and scheduled_minutes (1 row), "
        "e.g. A1 on 2026-03-31: 460.0",
    ]),
    # regions. The contract gives lat/lon ("centroid") and utc_offset_hours no explicit
    # range; the app applies the real-world ones, like the sites' lat/lon.
    _rule("regions", "lat", 91.0, "must be between -90 and 90"),
    _rule("regions", "lon", 181.0, "must be between -180 and 180"),
    _rule("regions", "population", -1, "must be >= 0"),
    _rule("regions", "labor_force", -1, "must be >= 0"),
    _rule("regions", "unemployment_rate", 1.5, "must be between 0 and 1"),
    _rule("regions", "unemployment_rate", -0.1, "must be between 0 and 1"),
    _rule("regions", "csr_employment", -1, "must be >= 0"),
    _rule("regions", "csr_median_hourly_wage", 0.0, "must be > 0 and <= 1000"),
    _rule("regions", "broadband_share", 1.2, "must be between 0 and 1"),
    _rule("regions", "utc_offset_hours", 15.0, "must be between -12 and 14"),
    # forecast
    _rule("forecast", "interval_minutes", 45, "must be 15, 30 or 60"),
    _rule("forecast", "contacts", -1.0, "must be between 0 and 1,000,000"),
    _rule("forecast", "aht_seconds", 0.0, "must be > 0 and <= 14400"),
    # boundaries are inside
    case("boundary values are valid", cell("sites", "lat", -90.0), cell("sites", "lon", 180.0), cell("sites", "sqft", 0),
         cell("agents", "fte", 1.0), cell("regions", "unemployment_rate", 0.0), cell("regions", "broadband_share", 1.0),
         cell("assignments", "onsite_days_per_week", 5.0, row=3), cell("kpi_daily", "csat_points", 30.0),
         cell("kpi_daily", "adherent_minutes", 480.0), cell("agents", "term_date", D(2024, 1, 1)),
         cell("forecast", "interval_minutes", 15), lines=[]),
]

# Parquet writers leave NaN out of a column's min/max statistics; when the other values of a
# row group are all equal, a filtered query could prune the row that holds the NaN. The
# examples must come with the count (the cases below pinned that defect).

NOT_FINITE = [
    # "values must be finite (NaN and infinity are errors)": money first.
    _rule("sites", "lease_annual", NAN, "must be a finite number (no NaN or infinity)", shown="nan"),
    _rule("sites", "opex_annual", INF, "must be a finite number (no NaN or infinity)", shown="inf"),
    _rule("sites", "lease_break_fee", NAN, "must be a finite number (no NaN or infinity)", shown="nan"),
    _rule("sites", "lease_break_fee", -INF, "must be a finite number (no NaN or infinity)", shown="-inf", row=0,
          label="KEN"),
    _rule("agents", "hourly_wage", INF, "must be a finite number (no NaN or infinity)", shown="inf"),
    _rule("agents", "hourly_wage", NAN, "must be a finite number (no NaN or infinity)", shown="nan"),
    _rule("regions", "csr_median_hourly_wage", NAN, "must be a finite number (no NaN or infinity)", shown="nan"),
    case("NaN in float32 money", column("sites", "lease_annual", pl.Series([1.0, NAN, 2.0], dtype=pl.Float32)),
         lines=["error: sites.parquet: lease_annual: must be a finite number (no NaN or infinity) (1 row), e.g. BOI: nan"]),
    _rule("agents", "fte", NAN, "must be a finite number (no NaN or infinity)", shown="nan"),
    _rule("kpi_daily", "handle_seconds", INF, "must be a finite number (no NaN or infinity)", shown="inf"),
    _rule("assignments", "onsite_days_per_week", NAN, "must be a finite number (no NaN or infinity)", shown="nan",
          row=3, label="A4 from 2024-01-01"),
    _rule("forecast", "aht_seconds", NAN, "must be a finite number (no NaN or infinity)", shown="nan"),
    case("NaN among equal money values", column("sites", "lease_annual", pl.Series([50_000.0, NAN, 50_000.0])),
         lines=["error: sites.parquet: lease_annual: must be a finite number (no NaN or infinity) (1 row), e.g. BOI: nan"]),
    _rule("regions", "lat", INF, "must be a finite number (no NaN or infinity)", shown="inf"),
]

UNIQUE_AND_REFERENCES = [
    case("sites.site_id must be unique", cell("sites", "site_id", "BOI", row=2),
         cell("assignments", "site_id", "BOI", row=7),
         lines=["error: sites.parquet: site_id: must be unique (2 rows), e.g. BOI (2 times)"]),
    case("agents.agent_id must be unique", cell("agents", "agent_id", "A1"), lines=[
        "error: agents.parquet: agent_id: must be unique (2 rows), e.g. A1 (2 times)",
        "error: assignments.parquet: agent_id: not found in agents.parquet (agent_id) (1 row), e.g. A2",
    ]),
    case("regions.region_id must be unique", cell("regions", "region_id", "R1"), cell("agents", "home_region", "R1", row=2),
         cell("agents", "home_region", "R1", row=3),
         lines=["error: regions.parquet: region_id: must be unique (2 rows), e.g. R1 (2 times)"]),
    case("kpi_daily (date, agent_id) must be unique", cell("kpi_daily", "date", D(2026, 3, 31), row=0), lines=[
        "error: kpi_daily.parquet: date, agent_id: must be unique (2 rows), e.g. 2026-03-31 / A1 (2 times)",
    ]),
    case("agents.home_region must be a region", cell("agents", "home_region", "R9"),
         lines=["error: agents.parquet: home_region: not found in regions.parquet (region_id) (1 row), e.g. R9"]),
    case("assignments.agent_id must be an agent", cell("assignments", "agent_id", "A99"),
         lines=["error: assignments.parquet: agent_id: not found in agents.parquet (agent_id) (1 row), e.g. A99"]),
    case("assignments.site_id must be a site", cell("assignments", "site_id", "XXX"),
         lines=["error: assignments.parquet: site_id: not found in sites.parquet (site_id) (1 row), e.g. XXX"]),
    case("assignments.site_id of a remote row must be a site too", cell("assignments", "site_id", "XXX", row=6),
         lines=["error: assignments.parquet: site_id: not found in sites.parquet (site_id) (1 row), e.g. XXX"]),
    case("kpi_daily.agent_id must be an agent", cell("kpi_daily", "agent_id", "Z1", row=2), lines=[
        "error: kpi_daily.parquet: agent_id: not found in agents.parquet (agent_id) (1 row), e.g. Z1",
        "warning: kpi_daily.parquet: date: rows on days the agent has no assignment "
        "(counted, left out of mode comparisons) (1 row), e.g. Z1 on 2026-03-31",
    ]),
    case("an agent's assignments overlap", cell("assignments", "end_date", D(2025, 7, 1), row=5), lines=[
        "error: assignments.parquet: start_date, end_date: an agent's assignments overlap (1 row), e.g. A6 from 2025-07-01",
    ]),
    case("an open-ended assignment overlaps a later one", cell("assignments", "end_date", None, row=5), lines=[
        "error: assignments.parquet: start_date, end_date: an agent's assignments overlap (1 row), e.g. A6 from 2025-07-01",
    ]),
    case("adjacent assignments do not overlap", cell("assignments", "end_date", D(2025, 6, 30), row=5), lines=[]),
    case("kpi row without assignment is a warning", cell("kpi_daily", "date", D(2023, 3, 30), row=0), lines=[
        "warning: kpi_daily.parquet: date: rows on days the agent has no assignment "
        "(counted, left out of mode comparisons) (1 row), e.g. A1 on 2023-03-30",
    ]),
    case("kpi row after the agent's only assignment ended is a warning",
         cell("assignments", "end_date", D(2026, 3, 30), row=0), lines=[
             "warning: kpi_daily.parquet: date: rows on days the agent has no assignment "
             "(counted, left out of mode comparisons) (1 row), e.g. A1 on 2026-03-31",
         ]),
]

# Dates and text the contract allows: the folder is valid, and stays so.
LONG = "B" * 2000
ODD_BUT_VALID = [
    # The contract puts no bound on dates: 1900 and 2200 are valid values.
    case("dates in 1900", cell("sites", "opened", D(1900, 1, 1)), cell("agents", "hire_date", D(1900, 1, 1), row=0),
         cell("assignments", "start_date", D(1900, 1, 1), row=0), lines=[]),
    case("dates in 2200", cell("sites", "lease_end", D(2200, 12, 31)), cell("agents", "term_date", D(2200, 1, 1), row=0),
         cell("assignments", "end_date", D(2200, 12, 31), row=0), lines=[]),
    case("timestamps in 1900 and 2200 as dates",
         column("sites", "opened", pl.Series([dt.datetime(1900, 1, 1, 12), dt.datetime(2200, 1, 1), dt.datetime(2019, 9, 1)],
                                              dtype=pl.Datetime("ns"))), lines=[]),
    case("non-ASCII text", cell("sites", "name", "Zürich – 東京 🚀"), cell("sites", "city", "Ciudad Juárez", row=0),
         cell("regions", "name", "Montréal-Nord"), cell("agents", "agent_id", "Ä2"), cell("assignments", "agent_id", "Ä2"),
         lines=[]),
    case("markup-like names", cell("sites", "name", "[bold]Boise"), cell("sites", "name", "[/]", row=0),
         cell("sites", "name", "[red]x[/red]", row=2), cell("regions", "name", "[bold]Boise"),
         cell("sites", "city", "[link=http://x]y[/link]"), lines=[]),
    case("very long names", cell("sites", "name", LONG), cell("sites", "city", LONG), cell("regions", "name", LONG),
         lines=[]),
    case("markup-like value in a broken rule", cell("sites", "status", "[red]x[/red]"),
         lines=["error: sites.parquet: status: must be one of open, closing, closed (1 row), e.g. BOI: [red]x[/red]"]),
    case("markup-like dangling reference", cell("assignments", "site_id", "[/]"),
         lines=["error: assignments.parquet: site_id: not found in sites.parquet (site_id) (1 row), e.g. [/]"]),
    case("very long value in a broken rule", cell("sites", "status", "x" * 2000),
         lines=[f"error: sites.parquet: status: must be one of open, closing, closed (1 row), e.g. BOI: {'x' * 2000}"]),
    case("non-ASCII value in a broken rule", cell("sites", "status", "geöffnet"),
         lines=["error: sites.parquet: status: must be one of open, closing, closed (1 row), e.g. BOI: geöffnet"]),
]

def a_folder_named(name: str) -> Damage:
    """`name` (e.g. sites.parquet) replaced by an empty folder of that name."""
    def damage(folder: Path) -> None:
        (folder / name).unlink()
        (folder / name).mkdir()
    return damage


def a_symlink_to_itself(name: str) -> Damage:
    def damage(folder: Path) -> None:
        (folder / name).unlink()
        (folder / name).symlink_to(name)
    return damage


# Issue 16, "hostile data": values the contract used to allow that hung, crashed or
# overflowed, now refused by a range (spec/data-contract.md), and files that were misread.
RANGE = "must be between 1900-01-01 and 2200-12-31"
HOSTILE = [
    # Staffing looped once per agent up to the traffic: 1e12 contacts hung the report.
    _rule("forecast", "contacts", 1e12, "must be between 0 and 1,000,000", shown="1000000000000.0"),
    # An AHT of 1e307 overflowed the traffic and reached "unexpected error".
    _rule("forecast", "aht_seconds", 1e307, "must be > 0 and <= 14400", shown="1e+307"),
    # Dates near the end of the calendar: the report ran 30 s and the app crashed.
    _rule("kpi_daily", "date", D(9999, 12, 31), RANGE, shown="9999-12-31", label="A1 on 9999-12-31"),
    _rule("agents", "hire_date", D(1, 1, 1), RANGE, shown="0001-01-01"),
    _rule("assignments", "end_date", D(9999, 12, 31), RANGE, shown="9999-12-31"),
    _rule("sites", "lease_end", D(9999, 12, 31), RANGE, shown="9999-12-31"),
    case("forecast.interval_start in 9999", cell("forecast", "interval_start", dt.datetime(9999, 12, 31, 23, 30)),
         lines=[f"error: forecast.parquet: interval_start: {RANGE} (1 row), e.g. sales at 9999-12-31 23:30:00: "
                "9999-12-31 23:30:00"]),
    # Magnitudes: a 1e308 lease summed to infinity and showed as "n/a".
    _rule("sites", "lease_annual", 1e308, "must be between 0 and 1,000,000,000", shown="1e+308"),
    _rule("sites", "opex_annual", 1_000_000_001.0, "must be between 0 and 1,000,000,000", shown="1000000001.0"),
    _rule("agents", "hourly_wage", 1e6, "must be > 0 and <= 1000", shown="1000000.0"),
    # KPI sums are exact DECIMAL sums (the same report bytes every run): bounded per day.
    _rule("kpi_daily", "handle_seconds", 1e300, "must be between 0 and 1,000,000", shown="1e+300"),
    _rule("sites", "seats", 10**9, "must be > 0 and <= 100,000"),
    case("the upper bounds are inside", cell("sites", "lease_annual", 1e9), cell("agents", "hourly_wage", 1000.0),
         cell("forecast", "contacts", 1_000_000.0), cell("forecast", "aht_seconds", 14_400.0), cell("sites", "seats", 100_000),
         cell("sites", "lease_end", D(2200, 12, 31)), lines=[]),
    # Files that are not what their name says were called "missing", or ignored.
    case("sites.parquet is a folder", damage=a_folder_named("sites.parquet"), lines=[
        "error: sites.parquet: is a folder, not a Parquet file; a table given as a folder is named sites/ (without .parquet)"]),
    case("forecast.parquet is a folder", damage=a_folder_named("forecast.parquet"), lines=[
        "error: forecast.parquet: is a folder, not a Parquet file; a table given as a folder is named forecast/ "
        "(without .parquet)"]),
    case("sites.parquet is a symlink to itself", damage=a_symlink_to_itself("sites.parquet"),
         lines=["error: sites.parquet: cannot read: a symbolic link to nothing (or to itself)"]),
    # Control characters from the data reach the terminal as text: a newline in an id must
    # not fake a second error line, nor ESC colour or clear it.
    case("newline in a dangling id", cell("assignments", "site_id", "XXX\nerror: sites.parquet: fake"),
         lines=["error: assignments.parquet: site_id: not found in sites.parquet (site_id) (1 row), "
                "e.g. XXX\\nerror: sites.parquet: fake"]),
    case("ESC sequences in a broken value", cell("sites", "status", "\x1b]2;owned\x07\x1b[2J\x1b[31mopen"),
         lines=["error: sites.parquet: status: must be one of open, closing, closed (1 row), "
                "e.g. BOI: \\x1b]2;owned\\x07\\x1b[2J\\x1b[31mopen"]),
    case("ESC in an agent id in a broken rule", cell("agents", "agent_id", "A\x1b[31m2"),
         cell("assignments", "agent_id", "A\x1b[31m2"), cell("agents", "fte", 2.0),
         lines=["error: agents.parquet: fte: must be > 0 and <= 1 (1 row), e.g. A\\x1b[31m2: 2.0"]),
]

CORPUS = [*FILES_AND_LAYOUT, *VALUE_RULES, *NOT_FINITE, *UNIQUE_AND_REFERENCES, *ODD_BUT_VALID, *HOSTILE]


@pytest.mark.parametrize("c", CORPUS)
def test_check_and_report_print_the_documented_lines(c: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Each case breaks one thing (see its id): check prints the lines, report agrees."""
    check_and_report(c.folder(tmp_path), capsys, c.lines)


# -- every column of the contract, generated from SPEC -----------------------------------------

COLUMNS = [(table, name, kind, nullable) for table, cols in SPEC.items() for name, kind, nullable in cols]
# The report re-runs the same check; for speed, the per-column tests run it for one column per table.
WITH_REPORT = {(table, cols[0][0]) for table, cols in SPEC.items()} | {("assignments", "end_date"), ("sites", "sqft")}


@pytest.mark.parametrize("table", list(SPEC))
def test_every_column_is_required(table: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Renames every column of one table (an export with other column names): one
    'required column is missing' line per contract column, in contract order."""
    folder = build(tmp_path, rows(table, lambda f: f.rename({c: f"{c}_x" for c in f.columns})))
    check_and_report(folder, capsys, [f"error: {table}.parquet: {name}: required column is missing"
                                      for name, _, _ in SPEC[table]])


def _wrong_type(kind: str, values: pl.Series) -> tuple[pl.Series, str]:
    """Values of another kind for a column of `kind`, and how the check names their type."""
    if kind == "string":
        return pl.Series(values.name, range(values.len()), dtype=pl.Int64), "int64"
    return values.cast(pl.Utf8), "string"


@pytest.mark.parametrize("table", list(SPEC))
def test_every_column_checks_its_type(table: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Writes every column of one table with values of another kind (strings as integers,
    everything else as text): one 'wrong type X, expected KIND' line per column."""
    folder = build(tmp_path, rows(table, lambda f: f.with_columns(_wrong_type(k, f[n])[0] for n, k, _ in SPEC[table])))
    check_and_report(folder, capsys, [
        f"error: {table}.parquet: {name}: wrong type {_wrong_type(kind, pl.Series([]))[1]}, expected {kind}"
        for name, kind, _ in SPEC[table]
    ])


@pytest.mark.parametrize(("table", "name", "found", "kind", "values"), [
    ("sites", "seats", "double", "int", pl.Series([10.0, 8.0, 4.0])),
    ("sites", "opened", "string", "date", pl.Series(["2005-06-01", "2015-03-01", "2019-09-01"])),
    ("sites", "lat", "boolean", "float", pl.Series([True, False, True])),
    ("forecast", "interval_start", "date", "timestamp", pl.Series([D(2026, 3, 31)] * 2)),
    ("kpi_daily", "contacts", "decimal(10,2)", "int", pl.Series([40, 50, 30]).cast(pl.Decimal(10, 2))),
    ("agents", "agent_id", "binary", "string", pl.Series([f"A{i}".encode() for i in range(1, 9)])),
], ids=["int given as float", "date given as text", "float given as bool", "timestamp given as date",
        "int given as decimal", "string given as binary"])
def test_near_miss_types_are_refused(table: str, name: str, found: str, kind: str, values: pl.Series, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    """Types that look right but are not the contract's kind."""
    folder = build(tmp_path, column(table, name, values))
    check_and_report(folder, capsys, [f"error: {table}.parquet: {name}: wrong type {found}, expected {kind}"])


# A NULL key also leaves other tables' references dangling: those lines are right too.
NULL_CASCADE: dict[tuple[str, str], list[str]] = {
    ("sites", "site_id"): ["error: assignments.parquet: site_id: not found in sites.parquet (site_id) (3 rows), e.g. BOI"],
    ("agents", "agent_id"): ["error: assignments.parquet: agent_id: not found in agents.parquet (agent_id) (1 row), e.g. A2"],
}
NULL_FIRST: dict[tuple[str, str], list[str]] = {  # lines of tables checked earlier than the broken one
    ("regions", "region_id"): ["error: agents.parquet: home_region: not found in regions.parquet (region_id) (2 rows), e.g. R2"],
}
NULL_LABEL = {("sites", "site_id"): "?", ("agents", "agent_id"): "?", ("assignments", "agent_id"): "?",
              ("assignments", "start_date"): "?", ("kpi_daily", "date"): "?", ("kpi_daily", "agent_id"): "?",
              ("regions", "region_id"): "?", ("forecast", "queue"): "?", ("forecast", "interval_start"): "?"}


@pytest.mark.parametrize(
    ("table", "name"),
    [(t, n) for t, n, _, nullable in COLUMNS if not nullable],
    ids=[f"{t}.{n}" for t, n, _, nullable in COLUMNS if not nullable],
)
def test_every_required_column_refuses_null(table: str, name: str, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """Empties one cell of a column that is not `nullable`: 'must not be empty (NULL)'."""
    label = NULL_LABEL.get((table, name), ROW1[table])
    folder = build(tmp_path, cell(table, name, None))
    check_and_report(folder, capsys, [
        *NULL_FIRST.get((table, name), []),
        f"error: {table}.parquet: {name}: must not be empty (NULL) (1 row), e.g. {label}",
        *NULL_CASCADE.get((table, name), []),
    ], report=(table, name) in WITH_REPORT)


@pytest.mark.parametrize(("table", "name"), [(t, n) for t, n, _, nullable in COLUMNS if nullable],
                         ids=[f"{t}.{n}" for t, n, _, nullable in COLUMNS if nullable])
def test_nullable_columns_accept_null(table: str, name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Empties one cell of a `nullable` column, and then the whole column (written as a
    NULL-typed Parquet column): both valid."""
    report = (table, name) in WITH_REPORT
    # Row 1 of assignments is onsite, which needs its site: empty the remote row's instead.
    row = 6 if (table, name) == ("assignments", "site_id") else 1
    check_and_report(build(tmp_path / "one", cell(table, name, None, row)), capsys, [], report=report)
    keep: Callable[[pl.DataFrame], pl.DataFrame] = lambda f: f  # noqa: E731
    if (table, name) == ("assignments", "site_id"):  # only remote rows may all lack a site
        keep = lambda f: f.filter(pl.col("work_mode") == "remote")  # noqa: E731
    if (table, name) == ("assignments", "end_date"):  # A6's first assignment would never end
        keep = lambda f: f.filter(~((pl.col("agent_id") == "A6") & (pl.col("work_mode") == "onsite")))  # noqa: E731
    all_null = rows(table, lambda f: keep(f).with_columns(pl.lit(None).alias(name)))
    lines = [  # without its onsite assignments A1's KPI rows have no assignment
        "warning: kpi_daily.parquet: date: rows on days the agent has no assignment "
        "(counted, left out of mode comparisons) (2 rows), e.g. A1 on 2026-03-30, A1 on 2026-03-31",
    ] if (table, name) == ("assignments", "site_id") else []
    check_and_report(build(tmp_path / "all", all_null), capsys, lines, report=report)


# -- dates the contract allows: what the report makes of them -----------------------------------


def test_kpi_dates_in_1900_and_2200_set_the_period(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """KPI rows on 1900-01-02 and 2200-12-31 (agents and assignments cover them).

    The contract allows any date. The as-of date defaults to the last day with KPI data, so
    the report's as-of is 2200-12-31 and its period the 90 days before; the 1900 assignment
    would stretch the monthly trend back to January 1900, but it stops at 36 months: the as-of
    month, December 2200, and the 35 before it, from January 2198.
    """
    folder = build(
        tmp_path,
        cell("agents", "hire_date", D(1900, 1, 1), row=0), cell("assignments", "start_date", D(1900, 1, 1), row=0),
        cell("kpi_daily", "date", D(1900, 1, 2), row=0), cell("kpi_daily", "date", D(2200, 12, 31), row=1),
    )
    check_and_report(folder, capsys, [])
    code, out, _ = run(capsys, "report", "--data", str(folder))
    report = json.loads(out)
    assert code == 0
    assert report["as_of"] == "2200-12-31"
    assert report["period"] == {"from": "2200-10-03", "to": "2200-12-31"}
    assert report["headcount"]["monthly"][0]["month"] == "2198-01-01"
    assert len(report["headcount"]["monthly"]) == 36
    assert report["headcount"]["monthly"][-1]["month"] == "2200-12-01"


async def test_app_opens_kpi_dates_in_1900_and_2200(tmp_path: Path) -> None:
    """The same folder in the app (the contract allows any date): it opens on Site costs with
    as-of 2200-12-31 and its 90-day period, and every screen opens without an error."""
    from queries.config import load_settings
    from tests.screen import loaded, screen_words
    from tui.app import WfplanApp
    from tui.dialogs import ErrorDialog
    from tui.screens.site_costs import SiteCostsScreen

    folder = build(
        tmp_path,
        cell("agents", "hire_date", D(1900, 1, 1), row=0), cell("assignments", "start_date", D(1900, 1, 1), row=0),
        cell("kpi_daily", "date", D(1900, 1, 2), row=0), cell("kpi_daily", "date", D(2200, 12, 31), row=1),
    )
    app = WfplanApp(settings=load_settings(), folder=folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        assert isinstance(app.screen, SiteCostsScreen)
        assert "as of 2200-12-31 │ 2200-10-03 → 2200-12-31" in screen_words(app)
        for key in ("2", "3", "4", "5"):
            await pilot.press(key)
            await loaded(pilot)
            assert not isinstance(app.screen, ErrorDialog), key
            assert "Traceback" not in screen_words(app)


def test_non_ascii_and_markup_names_come_back_as_typed_in_the_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Site names with markup-like and non-ASCII text are data: the JSON report keeps them as typed."""
    folder = build(tmp_path, cell("sites", "name", "[bold]Boise"), cell("sites", "name", "Zürich – 東京 🚀", row=0),
                   cell("sites", "name", LONG, row=2))
    code, out, _ = run(capsys, "report", "--data", str(folder))
    assert code == 0
    names = {s["site_id"]: s["name"] for s in json.loads(out)["site_costs"]["sites"]}
    assert names == {"BOI": "[bold]Boise", "KEN": "Zürich – 東京 🚀", "TUL": LONG}


# -- the app ------------------------------------------------------------------------------------

APP_BROKEN = {
    "truncated Parquet file": (truncate("sites.parquet"), (), unreadable("sites.parquet")),
    "missing column": (None, (drop("agents", "fte"),), "error: agents.parquet: fte: required column is missing"),
    "range rule": (None, (cell("sites", "seats", -8),),
                   "error: sites.parquet: seats: must be > 0 and <= 100,000 (1 row), e.g. BOI: -8"),
    "NaN money": (None, (cell("sites", "lease_annual", NAN),),
                  "error: sites.parquet: lease_annual: must be a finite number (no NaN or infinity) (1 row), e.g. BOI: nan"),
    "markup in a broken value": (None, (cell("sites", "status", "[red]x[/red]"),),
                                 "error: sites.parquet: status: must be one of open, closing, closed (1 row), "
                                 "e.g. BOI: [red]x[/red]"),
    "markup in a dangling reference": (None, (cell("assignments", "site_id", "[/]"),),
                                       "error: assignments.parquet: site_id: not found in sites.parquet (site_id) "
                                       "(1 row), e.g. [/]"),
}


def _squeeze(text: str) -> str:
    """Without any whitespace: a long line wraps (or folds) across screen rows."""
    return "".join(text.split())


@pytest.mark.parametrize("name", list(APP_BROKEN))
async def test_app_shows_the_problems_screen_with_the_check_line(name: str, tmp_path: Path) -> None:
    """A broken folder (see the id) opens on the problems screen, showing the check's line."""
    from queries.config import load_settings
    from queries.contract.check import check_folder
    from tests.screen import loaded, screen_text
    from tui.app import WfplanApp
    from tui.screens.problems import ProblemsScreen

    damage, edits, line = APP_BROKEN[name]
    folder = build(tmp_path, *edits, damage=damage)
    [problem] = check_folder(folder).problems
    expected = problem.line()
    if isinstance(line, re.Pattern):
        assert line.fullmatch(expected)
    else:
        assert expected == line
    app = WfplanApp(settings=load_settings(), folder=folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        assert isinstance(app.screen, ProblemsScreen)
        screen = screen_text(app)
        assert _squeeze(expected) in _squeeze(screen)
        assert any(row.strip().startswith(expected[:60]) for row in screen.splitlines())  # unwrapped start
        assert "Traceback" not in screen


APP_VALID = {
    "markup-like names": (
        (cell("sites", "name", "[bold]Boise"), cell("sites", "name", "[/]", row=0), cell("sites", "name", "[red]x[/red]", row=2),
         cell("regions", "name", "[b]Tri[/b]", row=0)),
        ["BOI [bold]Boise", "KEN [/]", "TUL [red]x[/red]"],
    ),
    "non-ASCII names": (
        (cell("sites", "name", "Zürich"), cell("sites", "name", "東京", row=0)),
        ["BOI Zürich", "KEN 東京"],
    ),
    "very long names": (
        (cell("sites", "name", LONG), cell("sites", "city", LONG), cell("regions", "name", LONG, row=0)),
        ["BOI " + "B" * 19 + "…"],  # clipped to 24 characters with an ellipsis
    ),
}


@pytest.mark.parametrize("name", list(APP_VALID))
async def test_app_opens_a_valid_folder_and_shows_names_as_typed(name: str, tmp_path: Path) -> None:
    """Valid folders with odd text (see the id): the app opens on Site costs, shows the
    names literally, every screen and the close-site dialog open without an error."""
    from queries.config import load_settings
    from tests.screen import loaded, screen_text
    from tui.app import WfplanApp
    from tui.dialogs import ErrorDialog, FormDialog
    from tui.screens.site_costs import SiteCostsScreen

    edits, shown = APP_VALID[name]
    folder = build(tmp_path, *edits)
    app = WfplanApp(settings=load_settings(), folder=folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        assert isinstance(app.screen, SiteCostsScreen)
        screen = screen_text(app)
        for text in shown:
            assert text in screen
        assert "Traceback" not in screen
        for key in ("2", "3", "4", "5", "1"):
            await pilot.press(key)
            await loaded(pilot)
            assert not isinstance(app.screen, ErrorDialog), key
            assert "Traceback" not in screen_text(app)
        site = app.session.baseline.sites.filter(pl.col("site_id") == "BOI")["name"][0]
        await pilot.press("c")  # close the site under the cursor: BOI, the first row
        assert isinstance(app.screen, FormDialog)
        assert f"Close BOI {site[:40]}" in screen_text(app).replace("\n", " ") or len(site) > 40
        assert "Close BOI" in screen_text(app)


LONG_NAME_VIEWS = {
    # view: (keys that open it, a figure of another row that must stay on screen)
    "close dialog": (("c",), "Close date 2026-04-30"),  # BOI has no lease end: the month after as-of
    "costs dialog": (("e",), "Lease"),
    "reach regions": (("3",), "Denver CO 25,000"),
    "headcount sites": (("2", "v"), "KEN Kennewick 2 1 0 3"),
}


@pytest.mark.parametrize("long", [False, True], ids=["normal names", "2000 chars"])
@pytest.mark.parametrize("view", list(LONG_NAME_VIEWS))
async def test_a_long_name_leaves_the_figures_readable(view: str, long: bool, tmp_path: Path) -> None:
    """BOI's site name and R1's region name at 2,000 characters (valid by the contract):
    each view still shows its form, or the figures of the other rows, at 80x24."""
    from queries.config import load_settings
    from tests.screen import loaded, screen_words
    from tui.app import WfplanApp

    edits = (cell("sites", "name", LONG, row=1), cell("regions", "name", LONG, row=0)) if long else ()
    keys, shown = LONG_NAME_VIEWS[view]
    app = WfplanApp(settings=load_settings(), folder=build(tmp_path, *edits))
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        for key in keys:
            await pilot.press(key)
            await loaded(pilot)
        assert shown in screen_words(app)


async def test_app_opens_a_folder_with_only_warnings(tmp_path: Path) -> None:
    """A KPI row on a day without assignment is a warning, not an error: the app opens the folder."""
    from queries.config import load_settings
    from tests.screen import loaded
    from tui.app import WfplanApp
    from tui.screens.site_costs import SiteCostsScreen

    folder = build(tmp_path, cell("kpi_daily", "date", D(2023, 3, 30), row=0))
    app = WfplanApp(settings=load_settings(), folder=folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        assert isinstance(app.screen, SiteCostsScreen)
        assert app.session is not None


async def test_app_tells_about_kpi_rows_without_assignment(tmp_path: Path) -> None:
    """The warning's count reaches the planner in the app (screen or notification)."""
    from queries.config import load_settings
    from tests.screen import loaded, screen_text
    from tui.app import WfplanApp

    folder = build(tmp_path, cell("kpi_daily", "date", D(2023, 3, 30), row=0))
    app = WfplanApp(settings=load_settings(), folder=folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        shown = screen_text(app) + "\n".join(str(n.message) for n in app._notifications)
        assert "no assignment" in shown


# -- issue 16: settings and scenarios that hung, crashed or broke the privacy floor -------------


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


BAD_SETTINGS = [
    # Each hung the staffing search (one loop step per agent up to ~1e9 agents) or crashed.
    ("[staffing]\nmax_occupancy = 1e-9\n", "staffing.max_occupancy: must be >= 0.5 (got 1e-09)"),
    ("[staffing]\npatience_seconds = 1e12\n", "staffing.patience_seconds: must be <= 3600 (got 1000000000000.0)"),
    ("[staffing]\nanswer_seconds = 1e300\n", "staffing.answer_seconds: must be <= 3600 (got 1e+300)"),
    ("[labor]\npaid_hours_per_fte = 1e-300\n", "labor.paid_hours_per_fte: must be >= 100 (got 1e-300)"),
    ("[remote]\nwage_delta_hourly = -1000\n", "remote.wage_delta_hourly: must be >= -100 (got -1000)"),
    ("[remote]\nequipment_life_years = 1e-300\n", "remote.equipment_life_years: must be >= 0.5 (got 1e-300)"),
    ("[remote]\nstipend_monthly = 1e308\n", "remote.stipend_monthly: must be <= 10000 (got 1e+308)"),
    ("[privacy]\nmin_group_agents = 99999999999999999999999\n",
     "privacy.min_group_agents: must be <= 1e+06 (got 99999999999999999999999)"),
    ('[duckdb]\nmemory_limit = "1B"\n', "duckdb.memory_limit: must be at least 64MB (got '1B')"),
]


@pytest.mark.parametrize(("text", "message"), BAD_SETTINGS)
def test_absurd_settings_are_refused_naming_the_key(text: str, message: str, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """Each setting (see the id) used to hang the report, crash, or blame the data; now exit 2
    with one line naming the file, the key and the range."""
    folder = build(tmp_path)
    config = _config(tmp_path, text)
    code, out, err = run(capsys, "report", "--data", str(folder), "--config", str(config))
    assert (code, out) == (2, "")
    assert err == f"wfplan: config error: {config}: {message}\n"


def _scenario(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scenario.toml"
    path.write_text('name = "hostile"\n' + text, encoding="utf-8")
    return path


BAD_SCENARIOS = [
    ("[aht_delta]\nremote = 1e300\n", "aht_delta.remote: must be <= 10 (got 1e+300)"),
    ("[parameters.staffing]\npatience_seconds = 1e12\n",
     "parameters.staffing.patience_seconds: must be <= 3600 (got 1000000000000.0)"),
    ("[parameters.labor]\npaid_hours_per_fte = 1e-300\n", "parameters.labor.paid_hours_per_fte: must be >= 100 (got 1e-300)"),
    ("[[site_changes]]\nsite_id = \"BOI\"\nlease_annual = 1e308\n",
     "site_changes #1.lease_annual: must be <= 1e+09 (got 1e+308)"),
    # The privacy floor is the agents' protection, not a what-if (spec: "Privacy floor").
    ("[parameters.privacy]\nmin_group_agents = 2\n",
     "parameters: privacy.min_group_agents: the privacy floor is not a scenario parameter; only the config file sets it"),
]


@pytest.mark.parametrize(("text", "message"), BAD_SCENARIOS)
def test_absurd_scenarios_are_refused_naming_the_key(text: str, message: str, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    folder = build(tmp_path)
    scenario = _scenario(tmp_path, text)
    code, out, err = run(capsys, "report", "--data", str(folder), "--scenario", str(scenario))
    assert (code, out) == (2, "")
    assert err == f"wfplan: scenario error: {scenario}: {message}\n"


def test_a_wage_delta_that_takes_a_wage_below_zero_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Closing KEN makes A1, A2 ($20) and A3 ($22) remote; the lowest onsite or hybrid wage in
    the folder is A4's $18, so -18 or less would pay someone $0 or less an hour. It used to
    give a negative total cost and a 0.0-month payback."""
    folder = build(tmp_path)
    close_ken = '[[closures]]\nsite_id = "KEN"\nclose_date = 2026-12-31\n'
    scenario = _scenario(tmp_path, '[parameters.remote]\nwage_delta_hourly = -18\n' + close_ken)
    code, out, err = run(capsys, "report", "--data", str(folder), "--scenario", str(scenario))
    assert (code, out) == (2, "")
    assert err == (f"wfplan: scenario error: {scenario}: remote.wage_delta_hourly: -18 would pay agents who become "
                   "remote $0 or less an hour (the lowest onsite or hybrid wage is $18.00); it must be above -18\n")
    scenario.write_text('name = "ok"\n[parameters.remote]\nwage_delta_hourly = -17.5\n' + close_ken)
    code, out, _ = run(capsys, "report", "--data", str(folder), "--scenario", str(scenario))
    assert code == 0 and json.loads(out)["scenario"]["result"]["total_annual_cost"] > 0


def test_a_deeply_nested_scenario_is_not_valid_toml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """tomllib recurses per level: 5000 nested arrays raised RecursionError, an "unexpected error"."""
    folder = build(tmp_path)
    scenario = tmp_path / "nested.toml"
    scenario.write_text("a = " + "[" * 5000 + "]" * 5000 + "\n")
    code, out, err = run(capsys, "report", "--data", str(folder), "--scenario", str(scenario))
    assert (code, out) == (2, "")
    assert err == f"wfplan: scenario error: {scenario}: not valid TOML: arrays or tables are nested too deeply\n"


def test_a_config_path_that_is_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "check", "--data", str(tmp_path), "--config", str(tmp_path))
    assert (code, err) == (2, f"wfplan: config error: config file {tmp_path} is a folder, not a file\n")


def test_a_huge_forecast_within_the_contract_is_staffed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The contract's largest interval: 1,000,000 contacts of 14,400 s in 15 minutes, A = 16
    million Erlangs. Walking up one agent at a time from A never finished; the bounded search
    does it in a few dozen probes (its time is a benchmark's business, not this test's).
    Erlang A (patience 3600 s, the largest) and an occupancy cap of 0.5 too: the cap's floor
    A / 0.5 = 32 million agents is the answer there."""
    huge = pl.DataFrame({
        "queue": ["big", "big"], "interval_start": [dt.datetime(2026, 3, 31, 9, 0), dt.datetime(2026, 3, 31, 9, 15)],
        "interval_minutes": [15, 15], "contacts": [1_000_000.0, 1_000_000.0], "aht_seconds": [14_400.0, 14_400.0],
    })
    folder = build(tmp_path, rows("forecast", lambda _: huge))
    for text in ("", "[staffing]\npatience_seconds = 3600\n", "[staffing]\nmax_occupancy = 0.5\n"):
        code, out, _ = run(capsys, "report", "--data", str(folder), "--config", str(_config(tmp_path, text)))
        assert code == 0
        [queue] = json.loads(out)["staffing"]["queues"]
        assert 15_000_000 < queue["peak_required"] <= 32_000_000
        if "occupancy" in text:
            assert queue["peak_required"] == 32_000_000


# -- issue 16: text from the data never controls the terminal ----------------------------------

TITLE, CLEAR, RED = "\x1b]2;owned\x07", "\x1b[2J", "\x1b[31m"
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # what no screen may hold (\t, \n are layout)


async def test_control_characters_in_names_are_shown_visibly_on_every_screen(tmp_path: Path) -> None:
    """A site name that sets the window title, one that clears the screen, a red one, a region
    name with a newline and a queue with ESC (all valid by the contract: names are strings).
    Every screen, the close dialog and the notifications show them as `\\x1b...` text; no
    raw control character reaches what Textual draws (it used to reach the terminal)."""
    from queries.config import load_settings
    from tests.screen import loaded, screen_text
    from tui.app import WfplanApp
    from tui.dialogs import ErrorDialog, FormDialog

    folder = build(
        tmp_path,
        cell("sites", "name", f"{TITLE}Boise"), cell("sites", "name", f"{CLEAR}Ken", row=0),
        cell("sites", "name", f"{RED}Tulsa", row=2), cell("regions", "name", "Tri\nCities", row=0),
        cell("forecast", "queue", f"{RED}sales", row=0), cell("forecast", "queue", f"{RED}sales", row=1),
    )
    app = WfplanApp(settings=load_settings(), folder=folder)
    async with app.run_test(size=(120, 30)) as pilot:
        await loaded(pilot)
        screens = {}
        # Each screen, then its other views: sites by headcount, the reach chart, KPIs by site.
        for keys in ("1", "2", "3", "4", "5", "6", "2v", "3g", "4b"):
            for key in keys:
                await pilot.press(key)
                await loaded(pilot)
            assert not isinstance(app.screen, ErrorDialog), keys
            screens[keys] = app.export_screenshot()
            assert not RAW_CONTROL.search(screens[keys]), keys
        await pilot.press("1")
        await loaded(pilot)
        text = screen_text(app)
        assert "\\x1b]2;owned\\x07" in text  # the BEL too (Rich drops it from a Text: clip() shows it first)
        assert "\\x1b[2JKen" in text and "\\x1b[31mTulsa" in text
        await pilot.press("c")  # close the site under the cursor: the dialog names it
        assert isinstance(app.screen, FormDialog)
        assert not RAW_CONTROL.search(app.export_screenshot())
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("x")  # the site's explanation names it too
        await pilot.pause()
        assert "\\x1b" in screen_text(app) and not RAW_CONTROL.search(app.export_screenshot())
        await pilot.press("escape")
        await pilot.pause()
        app.notify(f"site {TITLE}Boise")  # notifications carry names from the data too
        await pilot.pause()
        assert [str(n.message) for n in app._notifications][-1] == "site \\x1b]2;owned\\x07Boise"
        assert not RAW_CONTROL.search(app.export_screenshot())


def test_report_md_and_csv_show_control_characters_visibly_and_csv_never_starts_a_formula(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    """`report --format md|csv`: control characters as escapes (Markdown used to blank them),
    and names a spreadsheet would run (=HYPERLINK, @SUM, +, -) with a leading apostrophe, as
    the screen exports already did. JSON keeps the names exactly (JSON escapes them itself)."""
    folder = build(tmp_path, cell("sites", "name", '=HYPERLINK("http://x","y")'), cell("sites", "name", "@SUM(A1:A9)", row=0),
                   cell("sites", "name", f"{RED}Tulsa\nx", row=2), cell("sites", "city", "-2+3", row=2))
    code, csv_out, _ = run(capsys, "report", "--data", str(folder), "--format", "csv")
    assert code == 0
    assert not RAW_CONTROL.search(csv_out)
    import csv as csv_module
    import io

    cells = {c for row in csv_module.reader(io.StringIO(csv_out)) for c in row}
    assert {"'=HYPERLINK(\"http://x\",\"y\")", "'@SUM(A1:A9)", "\\x1b[31mTulsa\\nx"} <= cells
    assert not any(c.startswith(("=", "@", "+")) for c in cells)
    code, md_out, _ = run(capsys, "report", "--data", str(folder), "--format", "md")
    assert code == 0 and not RAW_CONTROL.search(md_out)
    assert "\\x1b[31mTulsa\\nx" in md_out
    code, json_out, _ = run(capsys, "report", "--data", str(folder))
    names = {s["site_id"]: s["name"] for s in json.loads(json_out)["site_costs"]["sites"]}
    assert names["TUL"] == f"{RED}Tulsa\nx"


# -- issue 16: as-of dates at the end of the calendar ---------------------------------------------


def test_an_as_of_date_outside_the_contract_range_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = build(tmp_path)
    code, out, err = run(capsys, "report", "--data", str(folder), "--as-of", "9999-12-31")
    assert (code, out) == (2, "")
    assert err == "wfplan: the as-of date 9999-12-31 is outside 1900-01-01 to 2200-12-31, the dates wfplan works with\n"
    code, _, err = run(capsys, "report", "--data", str(folder), "--from", "0001-01-01", "--to", "2026-03-31")
    assert code == 2 and "period start date 0001-01-01 is outside" in err


async def test_the_period_dialog_refuses_9999_12_31(tmp_path: Path) -> None:
    """Typing as-of 9999-12-31 in the KPI screen's period dialog crashed the app ("date value
    out of range" a month later); the field now names the range, and a period set by other
    means (the command palette, a script) gets a dialog, never a crash."""
    from textual.widgets import Input, Label

    from queries.config import load_settings
    from tests.screen import loaded
    from tui.app import WfplanApp
    from tui.dialogs import ErrorDialog, FormDialog

    app = WfplanApp(settings=load_settings(), folder=build(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("4")
        await loaded(pilot)
        await pilot.press("d")
        assert isinstance(app.screen, FormDialog)
        app.screen.query_one("#field-as_of", Input).value = "9999-12-31"
        await pilot.pause()
        assert str(app.screen.query_one("#error-as_of", Label).render()) == "must be between 1900-01-01 and 2200-12-31"
        await pilot.press("enter")
        assert isinstance(app.screen, FormDialog)  # refused: the dialog stays
        await pilot.press("escape")
        app.change_period(D(9999, 12, 31), D(2026, 1, 1), D(2026, 3, 31))
        await loaded(pilot)
        assert isinstance(app.screen, ErrorDialog)
        assert "9999-12-31 is outside 1900-01-01 to 2200-12-31" in app.screen.message
        assert app.is_running


# -- issue 16: agents at a closed site ------------------------------------------------------------

CLOSED_KEN = ("warning: assignments.parquet: site_id: onsite or hybrid agents still assigned to a closed site "
              "(they count onsite, but the site's seats and costs are left out) (3 rows), e.g. KEN (3 agents)")


def test_agents_at_a_closed_site_are_a_warning_naming_the_site_and_count(tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """KEN closed while A1, A2 (onsite) and A3 (hybrid) are still assigned there, open-ended
    and employed; A8 also had KEN but left on 2026-02-28, so 3 agents, not 4. They were
    accepted without a word, counting onsite while KEN's seats and cost vanished."""
    folder = build(tmp_path, cell("sites", "status", "closed", row=0))
    check_and_report(folder, capsys, [CLOSED_KEN])


async def test_the_app_tells_about_agents_at_a_closed_site(tmp_path: Path) -> None:
    from queries.config import load_settings
    from tests.screen import loaded
    from tui.app import WfplanApp
    from tui.screens.site_costs import SiteCostsScreen

    app = WfplanApp(settings=load_settings(), folder=build(tmp_path, cell("sites", "status", "closed", row=0)))
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        assert isinstance(app.screen, SiteCostsScreen)
        assert any(CLOSED_KEN in str(n.message) for n in app._notifications)


def test_an_overflow_is_an_error_naming_the_figure_never_infinity_or_na(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 16, item 7: an overflow is an error. The ranges keep valid input from overflowing,
    so one is forced here: a site total that comes out infinite. Before, `report` printed
    `Infinity` (not JSON) with exit 0, and the screens showed "n/a" (which means "no value")."""
    import queries.report.build as build_module

    real = build_module.site_totals
    monkeypatch.setattr(build_module, "site_totals", lambda costs: {**real(costs), "utilization": float("inf")})
    folder = build(tmp_path)
    code, out, err = run(capsys, "report", "--data", str(folder))
    assert (code, out) == (2, "")
    assert err == ("wfplan: site_costs.totals.utilization: the figure is inf (too large to compute); "
                   "check the magnitudes of the inputs it comes from\n")
