"""The plan over time (queries.model.cashflow) on the small folder, against months computed by hand.

Small folder (tests/folders.py, tests/model/test_site_costs.py), as of 2026-03-31: baseline total
annual cost 545,480, so the baseline month is 545,480 / 12 = 45,456.67. Month 1 is April 2026;
the horizon here is 12 months (April 2026 to March 2027) to keep the sums short.

Closing KEN (retain 0.8, backfill 1): scenario total 398,880 a year, savings 146,600 a year =
12,216.67 a month once in force; one-time 3 x 1,500 equipment + 5,000 hiring = 9,500, plus
the 40,000 break fee when the close date is before KEN's lease end (2026-12-31).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from queries.config import Parameters
from queries.contract.check import open_folder
from queries.model.cashflow import break_even, month_end, month_index, month_start, npv
from queries.model.scenario import Closure, RemoteTarget, Scenario
from queries.plan.loading import load_workforce
from queries.plan.scenario_file import save_scenario
from queries.plan.session import PlanSession
from tui.cli import main

AS_OF = dt.date(2026, 3, 31)
BASE_MONTH = 545_480 / 12
SAVED_MONTH = 146_600 / 12


def d(month: int) -> float:
    """Discount factor at 8%: 1.08^(-m/12)."""
    return float(1.08 ** (-month / 12))


@pytest.fixture
def session(small_folder: Path) -> PlanSession:
    engine, result = open_folder(small_folder)
    assert result.ok
    return PlanSession(load_workforce(engine, AS_OF), Parameters.model_validate({"plan": {"horizon_months": 12}}))


def test_months_are_counted_from_the_month_after_as_of() -> None:
    assert month_index(AS_OF, dt.date(2026, 4, 1)) == 1
    assert month_index(AS_OF, dt.date(2026, 9, 30)) == 6
    assert month_index(AS_OF, dt.date(2027, 3, 31)) == 12
    assert (month_start(AS_OF, 1), month_end(AS_OF, 11)) == (dt.date(2026, 4, 1), dt.date(2027, 2, 28))
    assert month_end(AS_OF, 23) == dt.date(2028, 2, 29)


def test_closure_mid_horizon_with_a_break_fee(session: PlanSession) -> None:
    """Close KEN 2026-09-30 = month 6 (September), before its lease end: fee 40,000.
    Months 1-6 cost the baseline 45,456.67; month 6 pays 40,000 + 9,500 = 49,500 once;
    months 7-12 cost 398,880 / 12 = 33,240, net 12,216.67 each.
    Cumulative: 0 x 5, -49,500, -37,283.33, -25,066.67, -12,850, -633.33, +11,583.33, +23,800:
    break-even month 11 (February 2027). NPV = -49,500 x d(6) + 12,216.67 x (d(7) + ... + d(12))."""
    session.edit(Scenario(closures=[Closure(site_id="KEN", close_date=dt.date(2026, 9, 30))]))
    plan = session.plan()
    months = plan.months
    assert len(months) == 12 and months[0].month == dt.date(2026, 4, 1)
    assert all(m.baseline_cost == pytest.approx(BASE_MONTH) for m in months)
    assert [m.scenario_cost for m in months] == pytest.approx([BASE_MONTH] * 6 + [398_880 / 12] * 6)
    assert [m.one_time_cost for m in months] == pytest.approx([0] * 5 + [49_500] + [0] * 6)
    assert [m.cumulative_net_savings for m in months] == pytest.approx(
        [0, 0, 0, 0, 0, -49_500, -37_283.333, -25_066.667, -12_850, -633.333, 11_583.333, 23_800], abs=0.01)
    assert months[5].closures == ("KEN",)
    assert plan.break_even == 11 and plan.break_even_month == dt.date(2027, 2, 1)
    assert plan.one_time_cost == pytest.approx(49_500)
    assert plan.net_savings == pytest.approx(23_800)
    assert plan.npv == pytest.approx(-49_500 * d(6) + SAVED_MONTH * sum(d(m) for m in range(7, 13)))
    # Remote share: 1 of 7 until KEN closes, then 4 of 7 (A1, A2 retained, one hire).
    assert months[5].remote_share == pytest.approx(1 / 7) and months[6].remote_share == pytest.approx(4 / 7)


def test_closure_at_lease_end_pays_no_break_fee(session: PlanSession) -> None:
    """Close KEN 2026-12-31 = month 9, its lease end: one-time 9,500 in month 9 only;
    savings 12,216.67 in months 10-12. Cumulative ends at -9,500 + 3 x 12,216.67 = 27,150;
    it is -9,500 in month 9, +2,716.67 in month 10: break-even month 10 (January 2027)."""
    session.edit(Scenario(closures=[Closure(site_id="KEN", close_date=dt.date(2026, 12, 31))]))
    plan = session.plan()
    assert [m.one_time_cost for m in plan.months] == pytest.approx([0] * 8 + [9_500] + [0] * 3)
    assert plan.months[-1].cumulative_net_savings == pytest.approx(27_150)
    assert plan.break_even_month == dt.date(2027, 1, 1)
    assert plan.npv == pytest.approx(-9_500 * d(9) + SAVED_MONTH * (d(10) + d(11) + d(12)))


def test_closure_after_the_horizon_changes_nothing_and_says_so(session: PlanSession) -> None:
    """Close KEN 2027-06-30 = month 15, after a 12-month horizon: every month is the baseline."""
    session.edit(Scenario(closures=[Closure(site_id="KEN", close_date=dt.date(2027, 6, 30))]))
    plan = session.plan()
    assert all(m.scenario_cost == pytest.approx(BASE_MONTH) and m.one_time_cost == 0 for m in plan.months)
    assert plan.npv == pytest.approx(0, abs=1e-6) and plan.one_time_cost == 0
    assert plan.break_even == 1  # nothing spent and nothing saved counts as >= 0
    assert plan.notes == ("KEN closes on 2027-06-30, after the plan's horizon (through 2027-03-31): it changes nothing in it",)


def test_parameter_change_from_month_one(session: PlanSession) -> None:
    """Stipend 100 instead of 50 for the one remote agent A6: 600 more a year, 50 a month,
    from month 1: net -50 every month, never even. NPV = -50 x (d(1) + ... + d(12))."""
    session.edit(Scenario().with_parameters("remote", {"stipend_monthly": 100}))
    plan = session.plan()
    assert [m.net_savings for m in plan.months] == pytest.approx([-50] * 12)
    assert plan.months[-1].cumulative_net_savings == pytest.approx(-600)
    assert plan.break_even is None and plan.break_even_month is None
    assert plan.npv == pytest.approx(-50 * sum(d(m) for m in range(1, 13)))


def test_remote_target_buys_equipment_in_month_one(session: PlanSession) -> None:
    """50% remote: A5, A1, A2 move in month 1 (tests/model/test_compare.py): equipment 3 x 1,500 =
    4,500 in month 1; 3 x 1,400 = 4,200 more a year, 350 a month. Month 1 net -4,850;
    cumulative -4,850 - 11 x 350 = -8,700. A discount rate from the scenario (0.12) applies."""
    scenario = Scenario(remote_target=RemoteTarget(share=0.5)).with_parameters("plan", {"discount_rate": 0.12})
    session.edit(scenario)
    plan = session.plan()
    assert [m.one_time_cost for m in plan.months] == pytest.approx([4_500] + [0] * 11)
    assert plan.months[0].net_savings == pytest.approx(-4_850)
    assert plan.months[-1].cumulative_net_savings == pytest.approx(-8_700)
    assert plan.discount_rate == 0.12
    assert plan.npv == pytest.approx(-4_500 * 1.12 ** (-1 / 12) - 350 * sum(1.12 ** (-m / 12) for m in range(1, 13)))


def test_npv_and_break_even_helpers() -> None:
    """NPV at 8% of 100 in month 12 is 100 / 1.08; break-even needs the sums to stay >= 0."""
    assert npv([0] * 11 + [100], 0.08) == pytest.approx(100 / 1.08)
    assert break_even([-5, 1, -1, 2, 3]) == 4
    assert break_even([1, 2, -1]) is None
    assert break_even([]) is None


def test_report_has_the_plan(small_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`report --scenario` adds `plan` with the spec's keys; the default horizon is 36 months."""
    path = tmp_path / "close-ken.toml"
    save_scenario(Scenario(name="Close KEN", closures=[Closure(site_id="KEN", close_date=dt.date(2026, 9, 30))]), path)
    assert main(["report", "--data", str(small_folder), "--as-of", "2026-03-31", "--scenario", str(path)]) == 0
    plan = json.loads(capsys.readouterr().out)["plan"]
    assert list(plan) == ["horizon_months", "discount_rate", "npv", "one_time_cost", "net_savings",
                          "break_even_month", "months", "notes"]
    assert plan["horizon_months"] == 36 and len(plan["months"]) == 36
    assert list(plan["months"][0]) == ["month", "baseline_cost", "scenario_cost", "one_time_cost", "net_savings",
                                       "cumulative_net_savings", "remote_share", "commute_km_saved",
                                       "commute_hours_saved", "commute_cost_saved", "commute_co2_tonnes_saved"]
    # The agents' side, month by month (tests/model/test_commute.py and test_compare.py have the
    # arithmetic): the baseline commutes 23,712 km a year; with KEN closed, A1 and A2 are remote
    # and A4 alone commutes, 5,472 km. KEN is open through September (month 6): nothing saved;
    # from October on, 18,240 km / 12 = 1,520 km a month, 1,520 / 50 km/h = 30.4 h,
    # 1,520 x $0.43 = $653.60 and 1,520 x 0.25 kg = 0.38 t of CO2.
    september, october = plan["months"][5], plan["months"][6]
    assert september["month"] == "2026-09-01"
    assert [september[k] for k in ("commute_km_saved", "commute_cost_saved")] == [pytest.approx(0), pytest.approx(0)]
    assert [october[k] for k in ("commute_km_saved", "commute_hours_saved", "commute_cost_saved",
                                 "commute_co2_tonnes_saved")] == [pytest.approx(v) for v in (1_520, 30.4, 653.6, 0.38)]
    assert plan["months"][0]["month"] == "2026-04-01" and plan["break_even_month"] == "2027-02-01"
    assert plan["one_time_cost"] == pytest.approx(49_500)
    # 30 months at 12,216.67 after the 49,500.
    assert plan["net_savings"] == pytest.approx(30 * SAVED_MONTH - 49_500)

    assert main(["report", "--data", str(small_folder), "--as-of", "2026-03-31", "--scenario", str(path),
                 "--format", "md"]) == 0
    text = capsys.readouterr().out
    assert "## plan.months" in text and "| 2026-09-01 |" in text
