"""Writing a screen's table to CSV, Parquet or Markdown, and as text for the clipboard.

A screen hands over an `ExportTable`: the rows the planner sees (same filter, sort,
headings and totals row) as a polars frame whose numbers stay numbers, plus how each
column reads on screen, which only Markdown uses ("$1,200" there, 1200.0 in CSV).
Files are written atomically (`queries.atomic_file`) and never into the data folder;
every failure is an `ExportError` that names the file and says why, and leaves an
existing file as it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import polars as pl

from queries.atomic_file import default_file_mode, write_atomically
from queries.contract.location import RemoteFolder
from queries.errors import WfplanError
from queries.format import visible

# format -> file suffix
FORMATS: dict[str, str] = {"csv": ".csv", "parquet": ".parquet", "markdown": ".md"}


class ExportError(WfplanError):
    """A table could not be written; the message names the file and why."""


@dataclass(frozen=True)
class ExportTable:
    """A screen's table: `name` for the file ("site-costs"), `frame` with the screen's
    headings as column names, and how Markdown shows it: `shown` formats per heading, or
    `text`, the screen's own cell strings, when a cell's text depends on more than its
    value (a suppressed KPI group reads "suppressed (< 5 agents)", not "n/a")."""

    name: str
    frame: pl.DataFrame
    shown: Mapping[str, Callable[[Any], str]] = field(default_factory=dict)
    text: pl.DataFrame | None = None

    @property
    def rows(self) -> int:
        return self.frame.height

    def cell(self, heading: str, value: Any) -> str:
        """`value` as the screen shows it; a cell the screen leaves blank stays blank."""
        fmt = self.shown.get(heading)
        if fmt is not None:
            return fmt(value)
        if value is None:
            return ""
        if isinstance(value, float):
            return f"{value:,.2f}"
        return str(value)


# -- where ---------------------------------------------------------------------------------


def default_exports_folder() -> Path:
    from platformdirs import user_data_path

    return user_data_path("wfplan") / "exports"


def exports_folder(configured: Path | None) -> Path:
    """The `exports_folder` setting, or the user data folder's `wfplan/exports`."""
    return configured.expanduser() if configured is not None else default_exports_folder()


def default_stem(table: str, as_of: dt.date | None) -> str:
    """The file name without suffix: "site-costs" on 2026-09-30 -> site-costs-2026-09-30."""
    return table if as_of is None else f"{table}-{as_of.isoformat()}"


def default_file_name(table: str, as_of: dt.date | None, fmt: str) -> str:
    """"site-costs" on 2026-09-30 as CSV -> site-costs-2026-09-30.csv."""
    return default_stem(table, as_of) + FORMATS[fmt]


def export_path(name: str, folder: Path, fmt: str) -> Path:
    """Where the file `name` goes: a relative name in `folder`, `~` expanded, and the
    format's suffix added when the name has none."""
    name = name.strip()
    if not name:
        raise ExportError("the file needs a name")
    if "\0" in name:
        raise ExportError(f"{name!r}: a file name cannot hold a NUL character")
    path = Path(name).expanduser()
    if not path.is_absolute():
        path = folder / path
    if not path.suffix:
        path = path.with_name(path.name + FORMATS[fmt])
    return path


def check_target(path: Path, data_folder: Path | RemoteFolder | None) -> None:
    """Refuse a path inside the data folder (or the folder itself): wfplan only reads it."""
    if not isinstance(data_folder, Path):  # none, or a remote folder: no local path is in it
        return
    try:
        inside = path.resolve().is_relative_to(data_folder.resolve())
    except (OSError, RuntimeError) as err:  # a symlink loop, an unreadable folder
        raise ExportError(f"{path}: cannot export: {err}") from None
    if inside:
        raise ExportError(f"{path}: wfplan never writes into the data folder ({data_folder}); "
                          "choose another folder")


# -- as text ------------------------------------------------------------------------------


def csv_text(table: ExportTable, separator: str = ",") -> str:
    """The frame as CSV (or TSV with separator "\\t"): headings, then raw values; a blank
    cell is empty."""
    return csv_safe(file_frame(table)).write_csv(separator=separator)


# -- numbers and headings for files --------------------------------------------------------

# Headings in files are ASCII, so that every spreadsheet and script reads them alike.
_ASCII = {"−": "-", "–": "-", "—": "-", "●": "*", "→": "->", "≈": "~", "⚠": "!", "▲": "", "▼": "", "·": "-"}


def ascii_heading(heading: str) -> str:
    """"A − baseline" -> "A - baseline"; any other non-ASCII letter loses its accent or goes."""
    import unicodedata

    text = "".join(_ASCII.get(ch, ch) for ch in heading)
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").strip()


def file_frame(table: ExportTable) -> pl.DataFrame:
    """The frame as CSV and Parquet hold it: a figure the screen shows in dollars goes out
    in cents (169466069.20000002 -> 169466069.2), every other number at full precision
    without binary noise (15 significant digits), headings in ASCII."""
    frame = table.frame
    shown = table.text
    columns = []
    for heading in frame.columns:
        series = frame.get_column(heading)
        if series.dtype in (pl.Float32, pl.Float64):
            texts = (shown.get_column(heading).to_list() if shown is not None and heading in shown.columns
                     else [None if v is None else table.cell(heading, v) for v in series.to_list()])
            series = pl.Series(heading, [_clean(v, t) for v, t in zip(series.to_list(), texts, strict=True)],
                               dtype=pl.Float64)
        columns.append(series.alias(ascii_heading(heading)))
    return pl.DataFrame(columns)


def _clean(value: float | None, text: str | None) -> float | None:
    import math

    if value is None or not math.isfinite(value):
        return value
    if text is not None and "$" in text:  # money: cents
        return round(value, 2)
    return without_noise(value)


def without_noise(value: float) -> float:
    """`value` without the binary noise of a sum (1524.2000000000003 -> 1524.2): that noise is
    a unit or two in the last place, while a true fraction such as 1/7 differs from its
    15-digit rounding by more, and stays whole."""
    import math

    if not math.isfinite(value):
        return value
    short = float(f"{value:.15g}")
    return short if abs(short - value) <= 2 * math.ulp(value) else value


def tsv_text(table: ExportTable) -> str:
    """Tab-separated text: what a spreadsheet takes when pasted."""
    return csv_text(table, separator="\t")


def markdown_text(table: ExportTable) -> str:
    """A GitHub-flavoured Markdown table with the cells as the screen shows them; number
    columns are right-aligned."""
    if table.text is not None:
        headings = table.text.columns
        rows = [["" if c is None else str(c) for c in row] for row in table.text.iter_rows()]
    else:
        headings = table.frame.columns
        rows = [[table.cell(h, v) for h, v in zip(headings, row, strict=True)] for row in table.frame.iter_rows()]
    numeric = [h in table.frame.schema and table.frame.schema[h].is_numeric() for h in headings]

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(visible(c).replace("\\", "\\\\").replace("|", "\\|") for c in cells) + " |"

    lines = [line(headings), "|" + "|".join("---:" if n else ":---" for n in numeric) + "|"]
    lines += [line(cells) for cells in rows]
    return "\n".join(lines) + "\n"


# -- files ---------------------------------------------------------------------------------


def write_csv(table: ExportTable, path: Path, data_folder: Path | None = None) -> Path:
    return _write(path, data_folder, lambda f: csv_safe(file_frame(table)).write_csv(f))


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe_text(text: str) -> str:
    """One text cell of any CSV wfplan writes (exports and `report --format csv`), made safe
    the same way as `csv_safe` below: a leading apostrophe when a spreadsheet would run it."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_safe(frame: pl.DataFrame) -> pl.DataFrame:
    """Text cells a spreadsheet would run as a formula ("=HYPERLINK(...)", "+1-2") get a
    leading apostrophe, which spreadsheets show as text (OWASP's advice on CSV injection).
    Names come from the exports, which nobody here controls; numbers stay numbers."""
    text = [name for name, dtype in frame.schema.items() if dtype == pl.Utf8]
    if not text:
        return frame
    return frame.with_columns(
        pl.when(pl.any_horizontal([pl.col(c).str.starts_with(s) for s in _FORMULA_START]))
        .then(pl.lit("'") + pl.col(c)).otherwise(pl.col(c)).alias(c)
        for c in text
    )


def write_parquet(table: ExportTable, path: Path, data_folder: Path | None = None) -> Path:
    return _write(path, data_folder, lambda f: file_frame(table).write_parquet(f))


def write_markdown(table: ExportTable, path: Path, data_folder: Path | None = None) -> Path:
    text = markdown_text(table)
    return _write(path, data_folder, lambda f: f.write(text.encode("utf-8")))


WRITERS: dict[str, Callable[[ExportTable, Path, Path | None], Path]] = {
    "csv": write_csv, "parquet": write_parquet, "markdown": write_markdown,
}


def write_table(table: ExportTable, path: Path, fmt: str, data_folder: Path | None = None) -> Path:
    """Write `table` as `fmt` (csv, parquet or markdown) to `path`; returns the path."""
    if fmt not in WRITERS:
        raise ExportError(f"{path}: unknown format {fmt!r}; choose one of {', '.join(WRITERS)}")
    return WRITERS[fmt](table, path, data_folder)


def _write(path: Path, data_folder: Path | None, write: Callable[[BinaryIO], Any]) -> Path:
    check_target(path, data_folder)
    try:
        if path.is_dir():
            raise ExportError(f"{path}: cannot export: that is a folder; give a file name")
        # Exports are meant to be shared: the mode any other program would give them.
        write_atomically(path, write, mode=default_file_mode())
    except OSError as err:
        reason = err.strerror or str(err)
        raise ExportError(f"{path}: cannot export: {reason}; an existing file is unchanged") from None
    except (pl.exceptions.PolarsError, ValueError) as err:
        raise ExportError(f"{path}: cannot export: {err}") from None
    return path
