"""Site costs and scenarios on the small folder, against numbers computed by hand.

On 2026-03-31 (as-of): A1, A2 onsite KEN; A3 hybrid KEN (NULL days, default 2);
A4 hybrid BOI 3 days at 0.5 FTE; A5 onsite BOI; A6 remote; A7 onsite TUL; A8 has left.
Remote cost per remote agent = 12 x 50 + 1500 / 3 + 300 = 1,400; per hybrid agent = 800.
Labor = (20 + 20 + 22 + 18 x 0.5 + 19 + 21 + 20) x 2080 = 131 x 2080 = 272,480.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from queries.config import Parameters
from queries.contract.check import open_folder
from queries.model.costs import remote_cost_per_agent
from queries.model.scenario import Closure, RemoteTarget, Scenario, ScenarioError, SiteChange
from queries.plan.loading import load_workforce
from queries.plan.session import PlanSession

AS_OF = dt.date(2026, 3, 31)


@pytest.fixture
def session(small_folder: Path) -> PlanSession:
    engine, result = open_folder(small_folder)
    assert result.ok
    return PlanSession(load_workforce(engine, AS_OF), Parameters())


def test_remote_cost_per_agent() -> None:
    assert remote_cost_per_agent(Parameters(), "remote") == 1400
    assert remote_cost_per_agent(Parameters(), "hybrid") == 800
    assert remote_cost_per_agent(Parameters(), "onsite") == 0


def test_site_costs_by_hand(session: PlanSession) -> None:
    rows = {r["site_id"]: r for r in session.baseline_evaluation.site_costs.to_dicts()}
    ken, boi, tul = rows["KEN"], rows["BOI"], rows["TUL"]
    # KEN: demand 1 + 1 + 1 x 2/5 = 2.4 of 10 seats; cost 100,000 + 50,000.
    assert ken["seat_demand"] == pytest.approx(2.4)
    assert ken["utilization"] == pytest.approx(0.24)
    assert ken["annual_cost"] == 150_000
    assert ken["cost_per_seat"] == 15_000
    assert ken["cost_per_seat_used"] == pytest.approx(62_500)
    assert (ken["agents_onsite"], ken["agents_hybrid"]) == (2, 1)
    # BOI: demand 1 + 0.5 x 3/5 = 1.3 of 8 seats; cost 90,000.
    assert boi["seat_demand"] == pytest.approx(1.3)
    assert boi["utilization"] == pytest.approx(0.1625)
    assert boi["cost_per_seat_used"] == pytest.approx(90_000 / 1.3)
    # TUL is closing and still costs money: 30,000 for 1 seat used of 4.
    assert (tul["status"], tul["annual_cost"], tul["cost_per_seat"]) == ("closing", 30_000, 7_500)


def test_cost_per_seat_used_is_none_without_demand(session: PlanSession) -> None:
    agents = session.baseline.agents.filter(session.baseline.agents["site_id"] != "TUL")
    from dataclasses import replace

    from queries.model.costs import site_costs

    costs = site_costs(replace(session.baseline, agents=agents), Parameters())
    assert costs.filter(costs["site_id"] == "TUL")["cost_per_seat_used"].to_list() == [None]


def test_hybrid_default_days_parameter(session: PlanSession) -> None:
    session.edit(Scenario().with_parameters("plan", {"hybrid_onsite_days": 5}))
    ken = session.evaluate().site_costs.filter(session.evaluate().site_costs["site_id"] == "KEN")
    assert ken["seat_demand"][0] == pytest.approx(3.0)  # A3's NULL days now count as 5


def test_baseline_total_annual_cost(session: PlanSession) -> None:
    # Sites 270,000 + remote (1 x 1,400 + 2 x 800) 3,000 + labor 272,480.
    base = session.baseline_evaluation.outcome
    assert base.total_annual_cost == pytest.approx(545_480)
    assert base.headcount_by_mode == {"onsite": 4, "hybrid": 2, "remote": 1}
    assert base.remote_share == pytest.approx(1 / 7)


def test_closing_kennewick_by_hand(session: PlanSession) -> None:
    """n = 3 (A1, A2, A3); retained floor(0.8 x 3) = 2 (A1, A2 by agent_id) become remote;
    A3 leaves; floor(1.0 x 1) = 1 remote hire at A3's wage 22 and FTE 1.
    Site cost -150,000; remote costs +1,400 +1,400 (A1, A2) -800 (A3) +1,400 (hire);
    labor unchanged. Savings 150,000 - 3,400 = 146,600.
    One-time: break fee 40,000 (close 2026-09-30 before lease end 2026-12-31)
    + equipment 3 x 1,500 + 1 hire x 5,000 = 49,500. Payback 49,500 / (146,600 / 12)."""
    session.edit(Scenario().with_closure(Closure(site_id="KEN", close_date=dt.date(2026, 9, 30))))
    result = session.evaluate()
    out = result.outcome
    assert out.total_annual_cost == pytest.approx(398_880)
    assert out.annual_savings == pytest.approx(146_600)
    assert out.one_time_cost == pytest.approx(49_500)
    assert out.payback_months == pytest.approx(49_500 / (146_600 / 12))
    assert out.seats_freed == pytest.approx(2.4)
    assert out.headcount_by_mode == {"onsite": 2, "hybrid": 1, "remote": 4}
    assert (result.changes.moved_to_remote, result.changes.leavers, result.changes.hires) == (2, 1, 1)
    assert "KEN" not in result.site_costs["site_id"].to_list()


def test_no_break_fee_when_closing_at_lease_end(session: PlanSession) -> None:
    session.edit(Scenario().with_closure(Closure(site_id="KEN", close_date=dt.date(2026, 12, 31), retain_share=0, backfill_share=0)))
    out = session.evaluate().outcome
    # Nobody retained or hired: no equipment, no hiring, no fee. A1, A2, A3 leave:
    # labor -(20 + 20 + 22) x 2080 = -128,960; A3's hybrid cost -800; site -150,000.
    assert out.one_time_cost == 0
    assert out.annual_savings == pytest.approx(150_000 + 800 + 128_960)
    assert out.payback_months == 0


def test_wage_delta_applies_to_remote_movers_and_hires(session: PlanSession) -> None:
    scenario = Scenario().with_closure(Closure(site_id="KEN", close_date=dt.date(2026, 9, 30)))
    scenario = scenario.with_parameters("remote", {"wage_delta_hourly": -1.0})
    session.edit(scenario)
    # As the closure above, but A1, A2 and the hire each earn 1 USD less: 3 x 2080 saved.
    assert session.evaluate().outcome.annual_savings == pytest.approx(146_600 + 3 * 2080)


def test_site_change_and_parameter_change(session: PlanSession) -> None:
    session.edit(Scenario().with_site_change(SiteChange(site_id="BOI", lease_annual=50_000)))
    assert session.evaluate().outcome.annual_savings == pytest.approx(10_000)
    session.edit(session.scenario.with_parameters("remote", {"stipend_monthly": 100}))
    # One remote agent (A6) now costs 12 x 50 more.
    assert session.evaluate().outcome.annual_savings == pytest.approx(10_000 - 600)
    assert session.evaluate().outcome.payback_months == 0


def test_remote_target_moves_lowest_utilization_sites_first(session: PlanSession) -> None:
    """Target 0.5 of 7 assigned agents: ceil(3.5 - 1) = 3 onsite agents move.
    Utilization: BOI 0.1625 < KEN 0.24 < TUL 0.25, so A5 (BOI), then A1, A2 (KEN)."""
    session.edit(Scenario(remote_target=RemoteTarget(share=0.5)))
    result = session.evaluate()
    moved = result.workforce.agents.filter(result.workforce.agents["work_mode"] == "remote")["agent_id"].to_list()
    assert moved == ["A1", "A2", "A5", "A6"]
    assert result.outcome.remote_share == pytest.approx(4 / 7)
    assert result.outcome.one_time_cost == 3 * 1500
    # Remote cost +3 x 1,400 and nothing else changes: savings are negative.
    assert result.outcome.annual_savings == pytest.approx(-4200)
    assert result.outcome.payback_months is None


def test_unreachable_remote_target_says_so(session: PlanSession) -> None:
    session.edit(Scenario(remote_target=RemoteTarget(share=1.0, sites=["TUL"])))
    changes = session.evaluate().changes
    assert changes.moved_to_remote == 1
    assert changes.notes == (
        "remote share target 100% not reached: no movable onsite agent left at an open or closing site (1 moved, 6 needed)",
    )


def test_undo_redo_and_dirty(session: PlanSession) -> None:
    assert not session.dirty and not session.can_undo
    session.edit(Scenario().with_closure(Closure(site_id="KEN", close_date=dt.date(2026, 9, 30))))
    session.edit(session.scenario.with_closure(Closure(site_id="BOI", close_date=dt.date(2026, 9, 30))))
    assert session.dirty and [c.site_id for c in session.scenario.closures] == ["KEN", "BOI"]
    assert session.undo() and [c.site_id for c in session.scenario.closures] == ["KEN"]
    assert session.undo() and session.scenario.closures == [] and not session.dirty
    assert not session.undo()
    assert session.redo() and [c.site_id for c in session.scenario.closures] == ["KEN"]


def test_unknown_site_is_refused(session: PlanSession) -> None:
    with pytest.raises(ScenarioError, match=r"^scenario: closures: unknown site 'XXX' \(open or closing sites: BOI, KEN, TUL\)$"):
        session.edit(Scenario().with_closure(Closure(site_id="XXX", close_date=AS_OF)))


def test_negative_parameter_is_refused() -> None:
    with pytest.raises(ScenarioError, match=r"^parameters: remote.stipend_monthly: must be >= 0 \(got -5\)$"):
        Scenario().with_parameters("remote", {"stipend_monthly": -5})


def test_report_site_costs_and_scenario(small_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from tui.cli import main

    scenario = tmp_path / "close.toml"
    scenario.write_text('name = "Close KEN"\n[[closures]]\nsite_id = "KEN"\nclose_date = 2026-09-30\n')
    assert main(["report", "--data", str(small_folder), "--scenario", str(scenario)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["site_costs"]["totals"] == {"seats": 22, "seat_demand": pytest.approx(4.7),
                                              "annual_cost": 270_000, "utilization": pytest.approx(4.7 / 22)}
    assert [s["site_id"] for s in report["site_costs"]["sites"]] == ["BOI", "KEN", "TUL"]
    assert report["scenario"]["name"] == "Close KEN"
    assert report["scenario"]["result"]["annual_savings"] == pytest.approx(146_600)
    assert report["scenario"]["delta"]["headcount_by_mode"] == {"onsite": -2, "hybrid": -1, "remote": 3}


def test_report_refuses_a_broken_scenario(small_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tui.cli import main

    scenario = tmp_path / "bad.toml"
    scenario.write_text('[[closures]]\nsite_id = "KEN"\nclose_date = 2026-09-30\nretain_share = 1.5\n')
    assert main(["report", "--data", str(small_folder), "--scenario", str(scenario)]) == 2
    assert capsys.readouterr().err == f"wfplan: scenario error: {scenario}: closures #1.retain_share: must be <= 1 (got 1.5)\n"


def test_a_parameter_set_back_to_unset_is_no_change() -> None:
    """Setting and then clearing a parameter gives a scenario equal to the empty one."""
    scenario = Scenario().with_parameters("remote", {"stipend_monthly": 75}).with_parameters("remote", {"stipend_monthly": None})
    assert scenario == Scenario()
    assert scenario.is_empty


def test_a_closure_retains_the_first_agents_in_agent_id_order(small_folder: Path) -> None:
    """spec/model.md, "Close a site" (issue #22, correction 4): KEN has A1, A2 (onsite) and A3
    (hybrid); retain_share 0.5 keeps floor(0.5 x 3) = 1, the first in agent_id order: A1 becomes
    remote, A2 and A3 leave. The assignments are written in reverse order, so that the row order
    of the data cannot be what picks A1."""
    from tests.folders import base_tables, write_folder

    tables = base_tables()
    tables["assignments"] = tables["assignments"].reverse()
    engine, result = open_folder(write_folder(small_folder.parent / "reversed", tables))
    assert result.ok
    session = PlanSession(load_workforce(engine, AS_OF), Parameters())
    session.edit(Scenario().with_closure(Closure(site_id="KEN", close_date=dt.date(2026, 12, 31), retain_share=0.5,
                                                 backfill_share=0)))
    agents = dict(session.evaluate().workforce.agents.select("agent_id", "work_mode").iter_rows())
    assert agents["A1"] == "remote"
    assert "A2" not in agents and "A3" not in agents


def test_a_scenario_never_changes_the_privacy_floor(session: PlanSession) -> None:
    """The KPI screen and the report read one floor, `PlanSession.privacy_floor`: the
    configured one (default 5). The privacy floor is not a scenario parameter (issue #16: a
    scenario file that sets it is refused, tests/contract/test_bad_input.py), so even a scenario built
    in code with a privacy section changes nothing."""
    assert session.privacy_floor == 5
    session.edit(Scenario().with_parameters("privacy", {"min_group_agents": 1}))
    assert session.privacy_floor == 5
    session.edit(Scenario().with_parameters("privacy", {"min_group_agents": 9}))
    assert session.privacy_floor == 5
