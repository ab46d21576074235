"""Issue 21: exports hold clean numbers and ASCII headings. Money goes out in cents (the sum
169466069.20000002 as 169466069.2), shares and rates at full precision (1/7 stays
0.14285714285714285), and "A − baseline" is "A - baseline" in CSV and Parquet. Markdown
stays as the screen shows it."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from queries.format import money, share
from queries.report.table_export import ExportTable, ascii_heading, csv_text, markdown_text, write_parquet
from tests.screen import loaded
from tests.tui.test_keys_and_feedback import make_app


def noisy_table() -> ExportTable:
    import math

    total = math.nextafter(169466069.2, math.inf)  # a sum's binary noise, one unit in the last place
    assert repr(total) == "169466069.20000002"
    frame = pl.DataFrame({"Figure": ["Total"], "Annual cost": [total], "Remote %": [1 / 7], "A − baseline": [total]})
    return ExportTable("t", frame, {"Annual cost": money, "Remote %": share, "A − baseline": money})


def test_money_in_cents_shares_whole_headings_ascii(tmp_path: Path) -> None:
    table = noisy_table()
    assert csv_text(table).splitlines() == ["Figure,Annual cost,Remote %,A - baseline",
                                            "Total,169466069.2,0.14285714285714285,169466069.2"]
    parquet = pl.read_parquet(write_parquet(table, tmp_path / "t.parquet"))
    assert parquet.columns == ["Figure", "Annual cost", "Remote %", "A - baseline"]
    assert parquet.row(0) == ("Total", 169466069.2, 1 / 7, 169466069.2)
    assert "| Figure | Annual cost | Remote % | A − baseline |" in markdown_text(table)  # as on screen


def test_ascii_headings() -> None:
    assert ascii_heading("A: Close Kennewick ●") == "A: Close Kennewick *"
    assert ascii_heading("B − A") == "B - A"
    assert ascii_heading("Site ▲") == "Site"
    assert ascii_heading("Coeur d’Alène") == "Coeur dAlene"


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_the_scenarios_export_holds_the_columns_shown(small_folder: Path, size: tuple[int, int],
                                                           tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """At any width the screen shows baseline, A, B and the differences; the CSV holds those
    columns, in ASCII. Baseline $545,480; A (KEN closed) $398,880, -$146,600."""
    monkeypatch.setenv("WFPLAN_SCENARIOS_FOLDER", str(tmp_path / "scenarios"))
    app = make_app(small_folder)
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        await pilot.press("down", "c", "enter")
        await loaded(pilot)
        await pilot.press("6")
        await loaded(pilot)
        from textual.widgets import DataTable

        shown = [c.label.plain for c in app.screen.query_one("#cmp-table", DataTable).ordered_columns]
        lines = csv_text(app.screen.export_table()).splitlines()
        # No saved scenario: B is empty on screen, and in the file.
        assert lines[0].split(",") == [ascii_heading(h) for h in shown] == ["Figure", "Baseline", "A: Untitled *", "B",
                                                                          "A - baseline"]
        assert lines[1] == "Total annual cost,545480.0,398880.0,,-146600.0"


def test_the_report_csv_has_no_binary_noise_and_keeps_fractions() -> None:
    """`wfplan report --format csv`: the same rule (the JSON stays unrounded, as the spec says)."""
    import math

    from queries.report.formats import to_csv

    report = {"site_costs": {"totals": {"annual_cost": math.nextafter(169466069.2, math.inf), "utilization": 1 / 7}}}
    lines = to_csv(report).splitlines()
    assert "site_costs.totals.annual_cost,169466069.2" in lines
    assert "site_costs.totals.utilization,0.14285714285714285" in lines
