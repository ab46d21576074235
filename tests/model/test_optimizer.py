"""The closure plan (queries.model.optimizer): hand-computed cases on the small folder and
the exact MILP against brute-force enumeration on random small instances.

Small folder as of 2026-03-31 (tests/model/test_site_costs.py), retain 0.8, backfill 1, horizon 12:
- KEN: savings 146,600 a year; one-time 3 x 1,500 + 5,000 = 9,500, plus the 40,000 break fee
  when it closes before its lease end 2026-12-31; dR = 2 retained + 1 hire = 3, dH = 0.
- BOI: A4 (hybrid) is retained remote (+1,400 - 800 = +600), A5 leaves, 1 remote hire at
  A5's wage (+1,400): savings 90,000 - 2,000 = 88,000; one-time 2 x 1,500 + 5,000 = 8,000; dR = 2.
- TUL: A7 leaves, 1 remote hire: savings 30,000 - 1,400 = 28,600; one-time 6,500; dR = 1.
Baseline: 1 remote of 7 agents.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from queries.config import OptimizeParams, Parameters
from queries.contract.check import open_folder
from queries.model.cashflow import month_end
from queries.model.optimizer import (
    ClosureProblem,
    Constraints,
    OptimizeError,
    SiteOption,
    closure_problem,
    constraints_from,
    optimize_closures,
)
from queries.model.scenario import Scenario, SiteChange, load_scenario
from queries.plan.loading import load_workforce
from queries.plan.session import PlanSession
from tui.cli import main

AS_OF = dt.date(2026, 3, 31)


def d(month: int) -> float:
    return float(1.08 ** (-month / 12))


@pytest.fixture
def session(small_folder: Path) -> PlanSession:
    engine, result = open_folder(small_folder)
    assert result.ok
    return PlanSession(load_workforce(engine, AS_OF), Parameters.model_validate({"plan": {"horizon_months": 12}}))


def problem_of(session: PlanSession, scenario: Scenario | None = None) -> ClosureProblem:
    return closure_problem(session.baseline, scenario or Scenario(), session.base_params,
                           session.baseline_evaluation.outcome.total_annual_cost)


def test_per_site_figures_by_hand(session: PlanSession) -> None:
    problem = problem_of(session)
    options = {o.site_id: o for o in problem.options}
    assert sorted(options) == ["BOI", "KEN", "TUL"]
    assert [options[s].annual_savings for s in ("KEN", "BOI", "TUL")] == pytest.approx([146_600, 88_000, 28_600])
    assert options["KEN"].one_time_in(AS_OF, 8) == 49_500  # closes 2026-11-30, before the lease end
    assert options["KEN"].one_time_in(AS_OF, 9) == 9_500  # closes 2026-12-31, the lease end
    assert (options["BOI"].remote_gain, options["BOI"].headcount_change) == (2, 0)
    assert (problem.remote, problem.headcount, problem.base_npv) == (1, 7, 0)
    # BOI closed in month 1: 88,000 / 12 a month in months 2-12, 8,000 in month 1.
    assert options["BOI"].npv(AS_OF, 1, 12, 0.08) == pytest.approx(88_000 / 12 * sum(d(m) for m in range(2, 13)) - 8_000 * d(1))


def test_without_constraints_every_site_worth_closing_closes_at_once(session: PlanSession) -> None:
    """Each site's best month is month 1 (its monthly savings outweigh waiting, even KEN's fee:
    12,216.67 x 10.6 - 49,500 x d(1) in month 1 beats 12,216.67 x 2.9 - 9,500 x d(9) at lease end)."""
    plan = optimize_closures(problem_of(session), Constraints())
    assert plan.feasible and plan.reason is None
    assert [(c.site_id, c.close_date) for c in plan.closures] == [(s, dt.date(2026, 4, 30)) for s in ("BOI", "KEN", "TUL")]
    assert plan.one_time_cost == pytest.approx(49_500 + 8_000 + 6_500)
    assert plan.npv == pytest.approx(sum(c.npv for c in plan.closures))
    assert plan.remote_share_at_target == pytest.approx(1.0)  # 1 + 3 + 2 + 1 of 7


def test_a_site_never_worth_closing_stays_open(session: PlanSession) -> None:
    """With TUL's lease and opex at 0, closing it saves nothing and costs a hire (+1,400 a year): it stays."""
    scenario = Scenario(site_changes=[SiteChange(site_id="TUL", lease_annual=0, opex_annual=0)])
    problem = problem_of(session, scenario)
    assert {o.site_id: o.annual_savings for o in problem.options}["TUL"] == pytest.approx(-1_400)
    plan = optimize_closures(problem, Constraints())
    assert [c.site_id for c in plan.closures] == ["BOI", "KEN"]
    # The site change itself saves 30,000 a year from month 1: part of the plan's NPV.
    assert problem.base_npv == pytest.approx(2_500 * sum(d(m) for m in range(1, 13)))
    assert plan.npv == pytest.approx(problem.base_npv + sum(c.npv for c in plan.closures))


def test_budget_a_year(session: PlanSession) -> None:
    """9,000 a year: KEN (>= 9,500) never fits; BOI (8,000) and TUL (6,500) do not both fit;
    BOI is worth more."""
    plan = optimize_closures(problem_of(session), Constraints(one_time_budget_per_year=9_000))
    assert [(c.site_id, c.close_date, c.one_time_cost) for c in plan.closures] == [("BOI", dt.date(2026, 4, 30), 8_000)]


def test_a_target_the_sites_cannot_reach_says_by_how_much(session: PlanSession) -> None:
    """Keeping BOI, closing KEN and TUL gives 1 + 3 + 1 = 5 remote of 7 = 71.4%, not 100%."""
    scenario = Scenario().with_parameters("optimize", {"keep_sites": ["BOI"]})
    plan = optimize_closures(problem_of(session, scenario), Constraints(target_share=1.0))
    assert not plan.feasible and plan.closures == () and plan.npv is None
    assert plan.reason == ("remote share target 100% by 2027-03 cannot be met: closing every site not kept "
                           "by then reaches 71.4% remote, 28.6 percentage points short")


def test_a_target_the_other_constraints_block_says_which(session: PlanSession) -> None:
    """Target 100% by April 2026 (month 1) with one closure a quarter: KEN alone gives 4 of 7 = 57.1%."""
    plan = optimize_closures(problem_of(session), Constraints(target_share=1.0, target_month=1, max_closures_per_quarter=1))
    assert plan.reason == ("remote share target 100% by 2026-04 cannot be met with at most 1 closure(s) a quarter: "
                           "the most they allow is 57.1% remote, 42.9 percentage points short")


def test_a_target_picks_closures_that_reach_it(session: PlanSession) -> None:
    """50% by month 3 with one closure a quarter: only KEN (4 of 7) reaches it alone; BOI and TUL
    follow in the next quarters (months 4 and 7, one per quarter, as early as allowed)."""
    plan = optimize_closures(problem_of(session), Constraints(target_share=0.5, target_month=3, max_closures_per_quarter=1))
    assert plan.feasible
    assert plan.closures[0].site_id == "KEN" and plan.closures[0].close_date <= month_end(AS_OF, 3)
    assert [(c.site_id, c.close_date) for c in plan.closures[1:]] == [("BOI", month_end(AS_OF, 4)), ("TUL", month_end(AS_OF, 7))]
    assert plan.remote_share_at_target == pytest.approx(4 / 7)


def test_settings_become_constraints_and_bad_ones_are_refused(session: PlanSession) -> None:
    c = constraints_from(OptimizeParams(target_share=0.5, target_month=dt.date(2026, 12, 31)), AS_OF, 12)
    assert (c.target_share, c.target_month) == (0.5, 9)
    with pytest.raises(OptimizeError, match=r"optimize.target_month: 2027-04-30 is outside the plan's horizon "
                       r"\(2026-04-01 to 2027-03-31\)"):
        constraints_from(OptimizeParams(target_month=dt.date(2027, 4, 30)), AS_OF, 12)
    with pytest.raises(OptimizeError, match="optimize.keep_sites: unknown site 'XYZ'"):
        problem_of(session, Scenario().with_parameters("optimize", {"keep_sites": ["XYZ"]}))


# -- brute force --------------------------------------------------------------------------------


def meets(problem: ClosureProblem, constraints: Constraints, closed: list[tuple[SiteOption, int]]) -> bool:
    """Whether closing each (site, month) in `closed` meets every constraint set."""
    h, month = problem.horizon, constraints.target_month or problem.horizon
    if constraints.max_closures_per_quarter is not None and any(
        sum(1 for _, c in closed if (c - 1) // 3 == q) > constraints.max_closures_per_quarter for q in range(h)
    ):
        return False
    if constraints.one_time_budget_per_year is not None and any(
        sum(o.one_time_in(problem.as_of, c) for o, c in closed if (c - 1) // 12 == y)
        > constraints.one_time_budget_per_year + 1e-9 for y in range(h)
    ):
        return False
    if constraints.target_share is not None:
        by = [(o, c) for o, c in closed if c <= month]
        remote = problem.remote + sum(o.remote_gain for o, _ in by)
        headcount = problem.headcount + sum(o.headcount_change for o, _ in by)
        return remote >= constraints.target_share * headcount - 1e-9
    return True


def brute_force(problem: ClosureProblem, constraints: Constraints) -> float | None:
    """The best sum of NPV[s, c] over every choice (each site: no closure or a month), or None."""
    h, options = problem.horizon, problem.options
    best: float | None = None
    for choice in itertools.product(range(h + 1), repeat=len(options)):  # 0 = stays open
        closed = [(o, c) for o, c in zip(options, choice, strict=True) if c]
        if meets(problem, constraints, closed):
            value = sum(o.npv(problem.as_of, c, h, problem.rate) for o, c in closed)
            best = value if best is None else max(best, value)
    return best


@st.composite
def instances(draw: st.DrawFn) -> tuple[ClosureProblem, Constraints]:
    horizon = draw(st.integers(1, 6))
    n_sites = draw(st.integers(1, 4))
    options = tuple(
        SiteOption(
            site_id=f"S{i}",
            annual_savings=draw(st.integers(-50_000, 200_000)),
            one_time_cost=draw(st.integers(0, 60_000)),
            break_fee=draw(st.integers(0, 60_000)),
            lease_end=draw(st.none() | st.builds(lambda m: month_end(AS_OF, m), st.integers(1, 8))),
            remote_gain=draw(st.integers(0, 6)),
            headcount_change=draw(st.integers(-6, 0)),
        )
        for i in range(n_sites)
    )
    remote = draw(st.integers(0, 10))
    problem = ClosureProblem(AS_OF, horizon, draw(st.sampled_from([0.0, 0.08, 0.3])), options,
                             remote=remote, headcount=remote + draw(st.integers(1, 30)))
    constraints = Constraints(
        target_share=draw(st.none() | st.integers(0, 20).map(lambda k: k / 20)),
        target_month=draw(st.none() | st.integers(1, horizon)),
        max_closures_per_quarter=draw(st.none() | st.integers(0, 2)),
        one_time_budget_per_year=draw(st.none() | st.integers(0, 150_000)),
    )
    return problem, constraints


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_the_solver_equals_brute_force(instance: tuple[ClosureProblem, Constraints]) -> None:
    problem, constraints = instance
    expected = brute_force(problem, constraints)
    plan = optimize_closures(problem, constraints)
    if expected is None:
        assert not plan.feasible and plan.reason
        return
    assert plan.feasible, plan.reason
    assert plan.npv == pytest.approx(expected, abs=1e-6)
    # The plan itself meets the constraints and is worth what it says.
    by_site = {o.site_id: o for o in problem.options}
    closed = [(by_site[c.site_id], (c.close_date.year - AS_OF.year) * 12 + c.close_date.month - AS_OF.month)
              for c in plan.closures]
    assert meets(problem, constraints, closed)
    assert sum(o.npv(AS_OF, m, problem.horizon, problem.rate) for o, m in closed) == pytest.approx(expected, abs=1e-6)
    # A closure worth <= 0 is only there when the target needs it.
    if constraints.target_share is None:
        assert all(c.npv > 0 for c in plan.closures)


# -- the command line -----------------------------------------------------------------------------


def test_wfplan_optimize_writes_the_closures_as_a_scenario(small_folder: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """With one closure a quarter and a 12-month horizon (from the config file), the plan is
    one site a quarter, the most valuable first: KEN in April 2026, BOI in July, TUL in October."""
    config = tmp_path / "config.toml"
    config.write_text("[plan]\nhorizon_months = 12\n")
    out = tmp_path / "plan.toml"
    code = main(["optimize", "--config", str(config), "--data", str(small_folder), "--as-of", "2026-03-31",
                 "--max-closures-per-quarter", "1", "--write", str(out)])
    text, err = capsys.readouterr()
    assert code == 0, err
    assert "Constraints: at most 1 closure(s) a quarter" in text
    assert [line.split()[:2] for line in text.splitlines() if line.split()[:1] in (["KEN"], ["BOI"], ["TUL"])] == [
        ["KEN", "2026-04-30"], ["BOI", "2026-07-31"], ["TUL", "2026-10-31"]]
    assert f"wrote {out} (3 closure(s))" in err
    saved = load_scenario(out)
    assert [(c.site_id, c.close_date) for c in saved.closures] == [
        ("KEN", dt.date(2026, 4, 30)), ("BOI", dt.date(2026, 7, 31)), ("TUL", dt.date(2026, 10, 31))]
    assert saved.name == "Closure plan" and saved.meta.as_of == AS_OF
    # Not replaced without --force.
    assert main(["optimize", "--data", str(small_folder), "--write", str(out)]) == 2
    assert "--force replaces it" in capsys.readouterr().err


def test_report_optimize_adds_closure_plan(small_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Keeping BOI and TUL, a 100% target cannot be met: KEN alone gives 4 of 7."""
    code = main(["report", "--data", str(small_folder), "--as-of", "2026-03-31", "--optimize",
                 "--target-share", "1", "--keep", "BOI", "--keep", "TUL"])
    assert code == 0
    section = json.loads(capsys.readouterr().out)["closure_plan"]
    assert list(section) == ["feasible", "reason", "npv", "one_time_cost", "remote_share_at_target", "closures"]
    assert section["feasible"] is False and section["closures"] == []
    assert section["reason"] == ("remote share target 100% by 2029-03 cannot be met: closing every site not kept by "
                                 "then reaches 57.1% remote, 42.9 percentage points short")


def test_bad_constraints_are_usage_errors(small_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_code:
        main(["optimize", "--data", str(small_folder), "--target-share", "1.5"])
    assert exit_code.value.code == 2
    assert "argument --target-share: must be between 0 and 1, got 1.5" in capsys.readouterr().err
    assert main(["optimize", "--data", str(small_folder), "--as-of", "2026-03-31", "--keep", "XYZ"]) == 2
    assert "optimize.keep_sites: unknown site 'XYZ'" in capsys.readouterr().err
    assert main(["report", "--data", str(small_folder), "--as-of", "2026-03-31", "--optimize",
                 "--target-month", "2020-01-31"]) == 2
    assert "optimize.target_month: 2020-01-31 is outside the plan's horizon (2026-04-01 to 2029-03-31)" in capsys.readouterr().err


def test_closure_plan_in_markdown_and_csv(small_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """As the other sections: the closures as a table, the rest as key/value rows."""
    assert main(["optimize", "--data", str(small_folder), "--as-of", "2026-03-31", "--format", "csv"]) == 0
    text = capsys.readouterr().out
    assert "# closure_plan.closures\nsite_id,close_date,one_time_cost,npv\nBOI,2026-04-30,8000.0," in text
    assert "closure_plan.feasible,True" in text
    assert main(["report", "--data", str(small_folder), "--as-of", "2026-03-31", "--optimize", "--format", "md"]) == 0
    text = capsys.readouterr().out
    assert "## closure_plan.closures" in text and "| KEN | 2026-04-30 | 49,500 |" in text


def test_the_plan_of_the_recommended_closures_has_the_same_npv(session: PlanSession) -> None:
    """Applied as a scenario, the closures' plan over time (queries.model.cashflow, computed
    from whole-workforce evaluations month by month) has the NPV the optimizer summed site by site,
    also with a parameter change from month 1 (the optimizer's constant part)."""
    scenario = Scenario().with_parameters("remote", {"stipend_monthly": 80})
    plan = optimize_closures(problem_of(session, scenario), Constraints(max_closures_per_quarter=1))
    assert len(plan.closures) == 3
    session.edit(plan.scenario(scenario))
    assert session.plan().npv == pytest.approx(plan.npv)
    assert session.plan().one_time_cost == pytest.approx(plan.one_time_cost)
