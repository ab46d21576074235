"""`wfplan report`: the numbers of every screen as one JSON-ready dict.

The keys are a public interface for scripts (spec/model.md, "Report output"); each
section is built by the same functions its screen uses (a `PlanSession` and the modules of
`queries`), so screen and report can never disagree.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from queries.engines.protocol import Engine
from queries.errors import WfplanError
from queries.model.commute import commute_section, with_site_commute
from queries.model.compare import Compared, comparison_section
from queries.model.costs import delta, site_totals
from queries.model.headcount import headcount_section, monthly_trend
from queries.model.kpi import kpi_section
from queries.model.period import Period
from queries.model.reach import reach_section
from queries.model.scenario import Scenario
from queries.plan.loading import PlanData, load_kpi_inputs, row_counts
from queries.plan.session import Evaluation, PlanSession


def build_report(
    engine: Engine, period: Period, session: PlanSession, data: PlanData,
    compare: list[tuple[Scenario, Path | None]] | None = None, optimize: bool = False,
) -> dict[str, Any]:
    """Every section; with `compare` (two or more scenarios) also `scenario_comparison`; with
    `optimize` also `closure_plan` (which may raise OptimizeError on bad constraints)."""
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
    if baseline.commute is not None:
        report["commute"] = commute_section(baseline.commute)
    if not session.scenario.is_empty or session.scenario_path is not None:
        report["scenario"] = scenario_section(session)
        report["plan"] = session.plan().as_report()
    if optimize:
        report["closure_plan"] = session.closure_plan().as_report()
    if compare:
        report["scenario_comparison"] = scenario_comparison_section(session, compare)
    if baseline.staffing is not None:
        report["staffing"] = {"queues": baseline.staffing.queues.to_dicts()}
    check_finite(report)
    return report


class FigureOverflow(WfplanError):
    """A figure of the report is not a finite number: an overflow, never a silent "n/a"."""


def check_finite(value: Any, key: str = "") -> None:
    """Raise FigureOverflow naming the first figure that is infinite or NaN.

    The contract's and the settings' ranges keep every input within what a contact center can
    have, so this does not happen on valid input; if it ever does, the report says which
    figure rather than printing "Infinity" (not JSON) or "n/a" (which means "no value").
    """
    if isinstance(value, float) and not math.isfinite(value):
        raise FigureOverflow(f"{key}: the figure is {value} (too large to compute); "
                             "check the magnitudes of the inputs it comes from")
    if isinstance(value, dict):
        for k, v in value.items():
            check_finite(v, f"{key}.{k}" if key else str(k))
    elif isinstance(value, list | tuple):
        for i, v in enumerate(value):
            check_finite(v, f"{key}[{i}]")


def site_costs_section(evaluation: Evaluation) -> dict[str, Any]:
    """Each site's costs and, as on the Site costs screen, its agents' commute (`commute_*`)."""
    costs = evaluation.site_costs
    sites = with_site_commute(costs, evaluation.commute, evaluation.commute, [])
    return {"sites": sites.to_dicts(), "totals": site_totals(costs)}


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
