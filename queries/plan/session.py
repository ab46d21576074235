"""The planner's working state: baseline, active scenario, and the undo/redo history.

The app holds one `PlanSession`; every what-if edit replaces the (immutable) scenario and
the session recomputes the results from the in-memory workforce. No UI code here, so the
same session is tested without a terminal.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import polars as pl

from queries.config import OptimizeParams, Parameters
from queries.model.cashflow import MonthlyPlan, monthly_plan
from queries.model.commute import Commute, commute
from queries.model.costs import (
    Changes,
    Outcome,
    Workforce,
    apply_scenario,
    check_remote_wages,
    headcount_by_mode,
    outcome,
    site_costs,
)
from queries.model.optimizer import ClosurePlan, closure_problem, constraints_from, optimize_closures
from queries.model.reach import hiring_sites, pools, reach_multiplier, region_reach
from queries.model.scenario import Scenario, ScenarioError, validate_against
from queries.model.staffing import blended_aht_delta, interval_staffing, queue_staffing


def _multiplier(reach: pl.DataFrame | None) -> float | None:
    if reach is None:
        return None
    return reach_multiplier(*pools(reach))


@dataclass(frozen=True)
class Evaluation:
    """A scenario worked out: its workforce, what it changed, and its site costs."""

    scenario: Scenario
    params: Parameters
    workforce: Workforce
    changes: Changes
    site_costs: pl.DataFrame
    outcome: Outcome
    reach: pl.DataFrame | None = None  # one row per region (queries.model.reach.region_reach)
    staffing: Staffing | None = None  # None without a forecast
    commute: Commute | None = None  # the agents' commute, in total and per site; None without regions


@dataclass(frozen=True)
class Staffing:
    """Staffing from the forecast for one blended AHT delta and one set of targets."""

    aht_delta: float
    intervals: pl.DataFrame  # queries.model.staffing.interval_staffing
    queues: pl.DataFrame  # queries.model.staffing.queue_staffing

    @property
    def scheduled_fte(self) -> int:
        return int(self.queues["scheduled_fte"].sum())


class PlanSession:
    def __init__(
        self, baseline: Workforce, base_params: Parameters,
        scenario: Scenario | None = None, scenario_path: Path | None = None,
        regions: pl.DataFrame | None = None, forecast: pl.DataFrame | None = None,
    ) -> None:
        self.baseline = baseline
        self.regions = regions
        self.forecast = forecast
        # Erlang staffing takes a noticeable moment on a big forecast and depends only on
        # the blended AHT delta and the targets, so it is computed once per combination.
        self._staffing: dict[tuple[Any, ...], Staffing] = {}
        self.base_params = base_params
        self.site_ids = set(baseline.sites["site_id"].to_list())
        self.scenario = scenario or Scenario()
        validate_against(self.scenario, self.site_ids, str(scenario_path or "scenario"), baseline.as_of)
        self._check_wages(self.scenario, str(scenario_path or "scenario"))
        self.scenario_path = scenario_path
        self.saved = self.scenario
        self._undo: list[Scenario] = []
        self._redo: list[Scenario] = []
        self._evaluation: Evaluation | None = None
        self._plan: tuple[Scenario, MonthlyPlan] | None = None

    @cached_property
    def baseline_evaluation(self) -> Evaluation:
        reach = self._reach(self.baseline, self.base_params)
        staffing = self.staffing_for(Scenario(), self.baseline, self.base_params)
        trips = self._commute(self.baseline, self.base_params)
        return Evaluation(
            Scenario(), self.base_params, self.baseline, Changes(), site_costs(self.baseline, self.base_params),
            outcome(self.baseline, self.base_params, reach_multiplier=_multiplier(reach),
                    scheduled_fte=staffing.scheduled_fte if staffing else None,
                    commute=trips.totals if trips else None),
            reach, staffing, trips,
        )

    def evaluate(self) -> Evaluation:
        """The active scenario worked out (cached until the next edit)."""
        if self._evaluation is None or self._evaluation.scenario is not self.scenario:
            self._evaluation = self.evaluate_scenario(self.scenario)
        return self._evaluation

    def evaluate_scenario(self, scenario: Scenario) -> Evaluation:
        """Any scenario on this baseline, e.g. the active one without its remote target."""
        params = scenario.effective_parameters(self.base_params)
        workforce, changes = apply_scenario(self.baseline, scenario, params)
        reach = self._reach(workforce, params)
        staffing = self.staffing_for(scenario, workforce, params)
        trips = self._commute(workforce, params)
        return Evaluation(
            scenario, params, workforce, changes, site_costs(workforce, params),
            outcome(workforce, params, changes, self.baseline_evaluation.outcome, _multiplier(reach),
                    staffing.scheduled_fte if staffing else None, commute=trips.totals if trips else None),
            reach, staffing, trips,
        )

    def plan(self, scenario: Scenario | None = None) -> MonthlyPlan:
        """The scenario (default the active one) month by month over the horizon (queries.model.cashflow)."""
        scenario = scenario or self.scenario
        cached = self._plan
        if cached is None or cached[0] is not scenario:
            cached = self._plan = (scenario, monthly_plan(
                self.baseline, scenario, self.base_params, self.baseline_evaluation.outcome.total_annual_cost,
                lambda s: self.evaluate().outcome if s == self.scenario else self.evaluate_scenario(s).outcome,
                self.baseline_evaluation.outcome.commute))
        return cached[1]

    def closure_plan(self, scenario: Scenario | None = None, constraints: OptimizeParams | None = None) -> ClosurePlan:
        """The closures of highest NPV under the scenario's `[optimize]` constraints, or `constraints`
        (queries.model.optimizer); raises OptimizeError for constraints that make no sense here
        (an unknown site to keep, a target month outside the horizon)."""
        scenario = scenario or self.scenario
        params = scenario.effective_parameters(self.base_params)
        if constraints is not None:
            params = params.model_copy(update={"optimize": constraints})
        problem = closure_problem(self.baseline, scenario, self.base_params,
                                  self.baseline_evaluation.outcome.total_annual_cost, params.optimize.keep_sites)
        return optimize_closures(problem, constraints_from(params.optimize, self.baseline.as_of,
                                                           params.plan.horizon_months))

    def staffing_for(self, scenario: Scenario, workforce: Workforce, params: Parameters) -> Staffing | None:
        """Staffing for the scenario's AHT deltas, blended by its own work-mode mix."""
        if self.forecast is None:
            return None
        deltas = scenario.aht_delta.model_dump(exclude_none=True)
        counts = {m: v["headcount"] for m, v in headcount_by_mode(workforce).items()}
        total = sum(counts.values())
        blended = blended_aht_delta(deltas, {m: n / total for m, n in counts.items()}) if deltas and total else 0.0
        key = (round(blended, 12), tuple(params.staffing.model_dump().items()), params.labor.paid_hours_per_fte)
        if key not in self._staffing:
            intervals = interval_staffing(self.forecast, params.staffing, blended)
            self._staffing[key] = Staffing(blended, intervals, queue_staffing(intervals, params))
        return self._staffing[key]

    @property
    def privacy_floor(self) -> int:
        """The KPI privacy floor: the configured one. It is not a scenario parameter (a
        scenario file that sets it is refused), so no what-if can reveal a suppressed group."""
        return self.base_params.privacy.min_group_agents

    def needs_work(self, scenario: Scenario) -> bool:
        """Whether evaluating `scenario` may take a noticeable moment (new staffing)."""
        return self.forecast is not None and bool(scenario.aht_delta.model_dump(exclude_none=True) or
                                                  scenario.parameters.staffing.model_dump(exclude_none=True))

    def _reach(self, workforce: Workforce, params: Parameters) -> pl.DataFrame | None:
        """Hiring reach from the sites still open in `workforce` (a closure shrinks it; a
        `closing` site hires no one)."""
        return None if self.regions is None else region_reach(self.regions, hiring_sites(workforce.sites), params.hiring)

    def _commute(self, workforce: Workforce, params: Parameters) -> Commute | None:
        """The agents' commute in `workforce`: home regions are located in the regions table."""
        return None if self.regions is None else commute(workforce, self.regions, params)

    # -- edits ----------------------------------------------------------------------------

    def edit(self, scenario: Scenario) -> None:
        validate_against(scenario, self.site_ids, "scenario", self.baseline.as_of)
        self._check_wages(scenario, "scenario")
        if scenario == self.scenario:
            return
        self._undo.append(self.scenario)
        self._redo.clear()
        self.scenario = scenario

    def replace(self, scenario: Scenario, path: Path | None) -> None:
        """Work on another scenario (opened or new): its own history starts empty."""
        validate_against(scenario, self.site_ids, str(path or "scenario"), self.baseline.as_of)
        self._check_wages(scenario, str(path or "scenario"))
        self.scenario = self.saved = scenario
        self.scenario_path = path
        self._undo.clear()
        self._redo.clear()

    def _check_wages(self, scenario: Scenario, source: str) -> None:
        check_remote_wages(scenario, self.baseline, scenario.effective_parameters(self.base_params), source)

    def continue_from(self, earlier: PlanSession) -> None:
        """Carry the planner's work over from a session on other data (a reload, another
        as-of date): what was saved, and the undo and redo history that still fits the data."""
        self.saved = earlier.saved

        def fits(scenario: Scenario) -> bool:
            try:
                validate_against(scenario, self.site_ids, "scenario", self.baseline.as_of)
            except ScenarioError:
                return False
            return True

        self._undo = [s for s in earlier._undo if fits(s)]
        self._redo = [s for s in earlier._redo if fits(s)]

    def undo(self) -> bool:
        if not self._undo:
            return False
        self._redo.append(self.scenario)
        self.scenario = self._undo.pop()
        return True

    def redo(self) -> bool:
        if not self._redo:
            return False
        self._undo.append(self.scenario)
        self.scenario = self._redo.pop()
        return True

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    @property
    def dirty(self) -> bool:
        """Edits not yet saved to the scenario file."""
        return self.scenario != self.saved
