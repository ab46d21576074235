"""`wfplan report`: the numbers of every screen as one JSON-ready dict.

The keys are a public interface for scripts (spec/model.md, "Report output"); each
section is built by the same functions its screen uses (a `PlanSession` and the modules of
`queries`), so screen and report can never disagree.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from queries.engines.duckdb_engine import Engine, row_counts
from queries.model.compare import Compared, comparison_section
from queries.model.costs import delta, site_totals
from queries.model.headcount import headcount_section, monthly_trend
from queries.model.kpi import kpi_section, load_kpi_inputs
from queries.model.period import Period
from queries.model.reach import reach_section
from queries.model.scenario import Scenario
from queries.plan.loading import PlanData
from queries.plan.session import Evaluation, PlanSession


def build_report(
    engine: Engine, period: Period, session: PlanSession, data: PlanData,
    compare: list[tuple[Scenario, Path | None]] | None = None,
) -> dict[str, Any]:
    """Every section; with `compare` (two or more scenarios) also `scenario_comparison`."""
    baseline = session.baseline_evaluation
    report: dict[str, Any] = {
        "as_of": period.as_of,
        "period": {"from": period.start, "to": period.end},
        "data": {"folder": str(engine.folder), "rows": row_counts(engine)},
        "site_costs": site_costs_section(baseline),
        "headcount": headcount_section(data.workforce, monthly_trend(data.monthly)),
    }
    report["kpi"] = kpi_section(load_kpi_inputs(engine, period), session.privacy_floor)
    if baseline.reach is not None:
        report["reach"] = reach_section(baseline.reach)
    if not session.scenario.is_empty or session.scenario_path is not None:
        report["scenario"] = scenario_section(session)
    if compare:
        report["scenario_comparison"] = scenario_comparison_section(session, compare)
    if baseline.staffing is not None:
        report["staffing"] = {"queues": baseline.staffing.queues.to_dicts()}
    return report


def site_costs_section(evaluation: Evaluation) -> dict[str, Any]:
    costs = evaluation.site_costs
    return {"sites": costs.to_dicts(), "totals": site_totals(costs)}


def scenario_section(session: PlanSession) -> dict[str, Any]:
    evaluation = session.evaluate()
    base, result = session.baseline_evaluation.outcome, evaluation.outcome
    section = {
        "name": session.scenario.name,
        "baseline": base.as_report(),
        "result": result.as_report(),
        "delta": delta(result, base),
        "notes": list(result.changes.notes),  # e.g. a remote target that cannot be reached
        # What the Site costs, Hiring reach and Staffing screens show for the scenario, in the
        # shape of the baseline's sections, so that a script can check them too.
        "site_costs": site_costs_section(evaluation),
    }
    if evaluation.reach is not None:  # what the Hiring reach screen shows for the scenario
        section["reach"] = reach_section(evaluation.reach)
    if evaluation.staffing is not None:
        section["staffing"] = {"queues": evaluation.staffing.queues.to_dicts()}
    return section


def scenario_comparison_section(session: PlanSession, scenarios: list[tuple[Scenario, Path | None]]) -> dict[str, Any]:
    """The baseline and each scenario side by side (queries.model.compare), on this session's data."""
    compared = []
    for scenario, path in scenarios:
        evaluation = session.evaluate() if scenario is session.scenario else session.evaluate_scenario(scenario)
        compared.append(Compared(scenario.name, None if path is None else str(path), evaluation.outcome))
    return comparison_section(session.baseline_evaluation.outcome, compared)
