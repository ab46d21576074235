"""The agents' commute (queries.model.commute): figures computed by hand on a tiny folder.

The folder is tests/folders.py's, as of 2026-03-31, with two changes: a region R5 half a
degree of latitude north of Kennewick (KEN, 46.2112, -119.1372), on KEN's meridian, so its
great-circle distance is 6371.0088 x 0.5 x pi / 180 = 55.5975 km; A2 lives there and A3
lives in R1 (Tri-Cities). Defaults: road factor 1.3, minimum 19 km one way, maximum 150 km,
48 work weeks, 50 km/h, 0.43 USD and 0.25 kg CO2 a km, 2 onsite days for a hybrid without.

- A1 onsite KEN from R1: 3.54 km x 1.3 = 4.6 km, below the minimum: 19 km one way;
  5 x 48 = 240 days: 2 x 19 x 240 = 9,120 km.
- A2 onsite KEN from R5: 55.5975 x 1.3 = 72.2768 km; 2 x 72.2768 x 240 = 34,692.9 km.
- A3 hybrid KEN, onsite days NULL, from R1: 19 km; 2 x 48 = 96 days: 2 x 19 x 96 = 3,648 km.
- A4 hybrid BOI, 3 days, from R2 (Boise, 0.59 km): 19 km; 3 x 48 = 144 days: 5,472 km.
- A5 onsite BOI from R3 (Tulsa, about 1,600 km): beyond 150 km, counted apart (too far).
- A7 onsite TUL without a home region: counted apart. A6 is remote, A8 left: neither counts.
Total: 4 agents, 9,120 + 34,692.9 + 3,648 + 5,472 = 52,932.9 km.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from pathlib import Path

import polars as pl
import pytest

from queries.config import CommuteParams, Parameters
from queries.contract.check import open_folder
from queries.model.commute import commute
from queries.model.scenario import Closure, RemoteTarget, Scenario
from queries.plan.loading import load_workforce
from queries.plan.scenario_file import save_scenario
from queries.plan.session import PlanSession
from tests.folders import base_tables, write_folder
from tui.cli import main

AS_OF = dt.date(2026, 3, 31)
A2_ONE_WAY = 6371.0088 * 0.5 * math.pi / 180 * 1.3  # 72.2768 km
A1, A2, A3, A4 = 2 * 19 * 240, 2 * A2_ONE_WAY * 240, 2 * 19 * 96, 2 * 19 * 144
KEN = A1 + A2 + A3
TOTAL = KEN + A4


def commute_tables() -> dict[str, pl.DataFrame]:
    tables = base_tables()
    r5 = tables["regions"].filter(pl.col("region_id") == "R1").with_columns(
        region_id=pl.lit("R5"), name=pl.lit("North of Kennewick"), lat=pl.lit(46.2112 + 0.5), lon=pl.lit(-119.1372))
    tables["regions"] = pl.concat([tables["regions"], r5])
    tables["agents"] = tables["agents"].with_columns(
        home_region=pl.when(pl.col("agent_id") == "A2").then(pl.lit("R5"))
        .when(pl.col("agent_id") == "A3").then(pl.lit("R1"))
        .otherwise(pl.col("home_region")))
    return tables


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_folder(tmp_path / "data", commute_tables())


@pytest.fixture
def session(folder: Path) -> PlanSession:
    engine, result = open_folder(folder)
    assert result.ok
    return PlanSession(load_workforce(engine, AS_OF), Parameters(), regions=engine.query("regions"))


def test_baseline_commute_by_hand(session: PlanSession) -> None:
    totals = session.baseline_evaluation.commute.totals
    assert (totals.agents, totals.agents_without_home, totals.agents_too_far) == (4, 1, 1)
    assert totals.km == pytest.approx(52_932.9, abs=0.1)
    assert totals.km == pytest.approx(TOTAL)
    assert totals.hours == pytest.approx(TOTAL / 50)  # 1,058.7 h
    assert totals.cost == pytest.approx(TOTAL * 0.43)  # $22,761
    assert totals.co2_tonnes == pytest.approx(TOTAL * 0.25 / 1000)  # 13.2 t


def test_per_site_and_the_agents_counted_apart(session: PlanSession) -> None:
    sites = {r["site_id"]: r for r in session.baseline_evaluation.commute.sites.iter_rows(named=True)}
    assert list(sites) == ["BOI", "KEN", "TUL"]
    assert (sites["KEN"]["agents"], sites["KEN"]["km"]) == (3, pytest.approx(KEN))
    # BOI: A4 commutes, A5's home region (Tulsa) is too far for a daily commute.
    assert (sites["BOI"]["agents"], sites["BOI"]["agents_too_far"], sites["BOI"]["km"]) == (1, 1, A4)
    # TUL: A7 has no home region; shown as such, no km.
    assert (sites["TUL"]["agents"], sites["TUL"]["agents_without_home"], sites["TUL"]["km"]) == (0, 1, 0.0)


def test_closing_a_site_saves_its_agents_commute(session: PlanSession) -> None:
    """Close KEN: A1 and A2 stay as remote, A3 leaves, one remote hire: none of them commutes.
    What is left is A4's 5,472 km; the saving is KEN's 47,460.9 km, $20,408 a year."""
    result = session.evaluate_scenario(Scenario(closures=[Closure(site_id="KEN", close_date=dt.date(2026, 12, 31))]))
    assert result.outcome.commute.km == pytest.approx(A4)
    assert result.outcome.commute.agents == 1  # A4; A5 too far and A7 without home as before
    report = result.outcome.as_report()
    base = session.baseline_evaluation.outcome.as_report()
    saved = {key: base[key] - report[key] for key in ("commute_km", "commute_hours", "commute_cost", "commute_co2_tonnes")}
    assert saved == {
        "commute_km": pytest.approx(KEN), "commute_hours": pytest.approx(KEN / 50),
        "commute_cost": pytest.approx(KEN * 0.43), "commute_co2_tonnes": pytest.approx(KEN * 0.25 / 1000),
    }


def test_agents_moved_to_remote_stop_commuting(session: PlanSession) -> None:
    """50% remote: ceil(0.5 x 7) - 1 = 3 onsite agents move, A5 (BOI) then A1, A2 (KEN); they
    keep their site but work remote. A3 and A4 still commute: 3,648 + 5,472 km."""
    result = session.evaluate_scenario(Scenario(remote_target=RemoteTarget(share=0.5)))
    assert result.outcome.commute.km == pytest.approx(A3 + A4)
    assert (result.outcome.commute.agents, result.outcome.commute.agents_too_far) == (2, 0)


def test_parameters_change_the_figures(session: PlanSession) -> None:
    """max_km 50: A2 (55.6 km) is too far. road factor 1, 6 km minimum: A1 drives
    max(3.544, 6) = 6 km, A3 and A4 too; 40 weeks. A scenario can change them as any parameter."""
    params = Parameters(commute=CommuteParams(max_km=50, road_factor=1, min_one_way_km=6, work_weeks=40))
    totals = commute(session.baseline, session.regions, params).totals
    assert (totals.agents, totals.agents_too_far) == (3, 2)
    assert totals.km == pytest.approx(2 * 6 * 200 + 2 * 6 * 80 + 2 * 6 * 120)
    scenario = Scenario.model_validate({"parameters": {"commute": {"cost_per_km": 0.5}}})
    assert session.evaluate_scenario(scenario).outcome.commute.cost == pytest.approx(TOTAL * 0.5)


def test_without_regions_there_is_no_commute(folder: Path) -> None:
    engine, _ = open_folder(folder)
    session = PlanSession(load_workforce(engine, AS_OF), Parameters())
    assert session.baseline_evaluation.commute is None
    assert session.baseline_evaluation.outcome.as_report()["commute_km"] is None


@pytest.mark.parametrize(("text", "message"), [
    ("[commute]\nroad_factor = 0.9\n", "commute.road_factor: must be >= 1 (got 0.9)"),
    ("[commute]\nspeed_kmh = 0\n", "commute.speed_kmh: must be > 0 (got 0)"),
    ("[commute]\nwork_weeks = 60\n", "commute.work_weeks: must be <= 52 (got 60)"),
    ("[commute]\ncost_per_mile = 0.7\n", "commute.cost_per_mile: unknown key (did you mean commute.cost_per_km?)"),
])
def test_config_errors_name_the_key_and_rule(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str,
                                             message: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text)
    assert main(["--config", str(path), "check", "--data", str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"wfplan: config error: {path}: {message}\n"


# -- the report -------------------------------------------------------------------------------


def test_report_commute_section_and_scenario_keys(folder: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    scenario = tmp_path / "close-ken.toml"
    save_scenario(Scenario(name="Close KEN", closures=[Closure(site_id="KEN", close_date=dt.date(2026, 12, 31))]),
                  scenario)
    assert main(["report", "--data", str(folder), "--scenario", str(scenario)]) == 0
    report = json.loads(capsys.readouterr().out)
    section = report["commute"]
    assert list(section) == ["agents", "agents_without_home", "agents_too_far", "km", "hours", "cost", "co2_tonnes",
                             "sites"]
    assert (section["agents"], section["agents_without_home"], section["agents_too_far"]) == (4, 1, 1)
    assert section["km"] == pytest.approx(TOTAL) and section["cost"] == pytest.approx(TOTAL * 0.43)
    assert [s["site_id"] for s in section["sites"]] == ["BOI", "KEN", "TUL"]
    assert section["sites"][1]["km"] == pytest.approx(KEN)
    delta = report["scenario"]["delta"]
    assert report["scenario"]["baseline"]["commute_km"] == pytest.approx(TOTAL)
    assert report["scenario"]["result"]["commute_km"] == pytest.approx(A4)
    assert delta["commute_km"] == pytest.approx(-KEN)
    assert delta["commute_hours"] == pytest.approx(-KEN / 50)
    assert delta["commute_cost"] == pytest.approx(-KEN * 0.43)
    assert delta["commute_co2_tonnes"] == pytest.approx(-KEN * 0.25 / 1000)


def test_report_commute_in_markdown_and_csv(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--data", str(folder), "--format", "md"]) == 0
    md = capsys.readouterr().out
    table = md.split("## commute\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert table[:5] == ["| key | value |", "|---|---|", "| commute.agents | 4 |",
                         "| commute.agents_without_home | 1 |", "| commute.agents_too_far | 1 |"]
    assert "| commute.km | 52,933 |" in table
    sites = md.split("## commute.sites\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert sites[0] == "| site_id | agents | agents_without_home | agents_too_far | km | hours | cost | co2_tonnes |"
    assert sites[3].startswith("| KEN | 3 | 0 | 0 | 47,461 | 949.2 | 20,408 |")

    assert main(["report", "--data", str(folder), "--format", "csv"]) == 0
    blocks = {b.split("\n", 1)[0]: b for b in capsys.readouterr().out.split("\n\n")}
    rows = list(csv.reader(io.StringIO(blocks["# commute"])))
    assert rows[1:4] == [["key", "value"], ["commute.agents", "4"], ["commute.agents_without_home", "1"]]
    assert float(dict(rows[2:])["commute.km"]) == pytest.approx(TOTAL)
    sites = list(csv.reader(io.StringIO(blocks["# commute.sites"])))
    assert sites[1][0] == "site_id" and sites[3][:4] == ["KEN", "3", "0", "0"]


# -- the screens --------------------------------------------------------------------------
# KEN's commute: 47,460.9 km, 47,460.9 / 50 = 949 h, x 0.43 = $20,408, x 0.25 kg = 11.9 t.
# All sites: 52,932.9 km x 0.43 = $22,761; with KEN closed only A4: 5,472 x 0.43 = $2,353.

SIZES = [(80, 24), (160, 48)]


@pytest.mark.parametrize("size", SIZES)
async def test_site_costs_shows_what_closing_a_site_saves_its_agents(folder: Path, size: tuple[int, int]) -> None:
    from textual.widgets import DataTable

    from queries.config import load_settings
    from tests.screen import loaded, screen_words
    from tui.app import WfplanApp
    from tui.dialogs import TextDialog
    from tui.screens.site_costs import COLUMNS

    app = WfplanApp(settings=load_settings(), folder=folder)
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        table = app.screen.query_one("#sites", DataTable)
        assert [c.plain for c in table.get_row("KEN")][-1] == "$20,408"
        assert [c.plain for c in table.get_row("__total__")][-1] == "$22,761"
        assert "Commute saved/yr $0" in screen_words(app)

        await pilot.press("down", "c", "enter")  # close KEN on its lease end
        await pilot.pause()
        words = screen_words(app)
        assert "Commute saved/yr $20,408" in words
        assert "47,461 km · 949 h · 11.9 t CO2" in words
        # KEN stays listed with what its agents commute today; the total is what is left.
        assert [c.plain for c in table.get_row("KEN")][-1] == "$20,408"
        assert [c.plain for c in table.get_row("__total__")][-1] == "$2,353"

        table.move_cursor(row=1, column=len(COLUMNS) - 1)
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, TextDialog)
        words = screen_words(app)
        assert "KEN: 3 agents commute 47,461 km a year: 949 hours," in words
        assert "$20,408 and 11.9 t CO2." in words
        assert "Counted apart: 0 without a home region, 0 whose home region lies" in words


async def test_scenarios_screen_compares_the_commute(folder: Path) -> None:
    from queries.config import load_settings
    from tests.screen import loaded, screen_words
    from tests.snapshots.test_scenarios_screen import table_rows
    from tui.app import WfplanApp

    app = WfplanApp(settings=load_settings(), folder=folder)
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot)
        await pilot.press("down", "c", "enter", "6")
        await loaded(pilot)
        rows = table_rows(app)
        assert rows["commute_km"][:2] == ["52,933", "5,472"]
        assert rows["commute_hours"][:2] == ["1,059", "109"]
        assert rows["commute_cost"][:2] == ["$22,761", "$2,353"]
        assert rows["commute_co2_tonnes"][:2] == ["13.2", "1.4"]
        assert rows["commute_cost"][3] == "-$20,408"  # A − baseline
        assert rows["commute_saved"][:2] == ["$0", "$20,408"]
        assert "Commute saved/yr $0 $20,408" in screen_words(app)
        table = app.screen.export_table()
        saved = table.frame.filter(table.frame["Figure"] == "Commute saved/yr").row(0)
        assert saved[:2] == ("Commute saved/yr", 0.0) and saved[2] == pytest.approx(KEN * 0.43)
