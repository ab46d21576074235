"""The closure plan (spec/model.md, "Closure plan"): which sites to close, and in which month.

Closing site s in month c is worth NPV[s, c] on its own: its savings from the next month to
the horizon's end, discounted, less its one-time costs in month c. Closures touch only their
own site's agents, so the plan's NPV is a constant plus the sum of the chosen NPV[s, c], and
the choice is a mixed-integer linear program, solved exactly by HiGHS through
`scipy.optimize.milp` (imported only when a plan is optimized: the app's start does not pay
for scipy). `closure_options` builds the per-site figures from the cost model;
`optimize_closures` solves on them and says, when no choice meets the constraints, which one
cannot be met and by how much.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from queries.config import OptimizeParams, Parameters
from queries.errors import WfplanError
from queries.format import money
from queries.model.cashflow import discount_factor, month_end, month_index
from queries.model.costs import Workforce, apply_scenario, total_annual_cost
from queries.model.scenario import Closure, Scenario

# A closure that is needed for nothing and worth no more than this is left out: HiGHS may
# pick a zero-valued closure at random among equal optima.
_WORTHLESS = 1e-6


class OptimizeError(WfplanError, ValueError):
    """Constraints that make no sense for this plan (e.g. a target month outside the horizon)."""


@dataclass(frozen=True)
class SiteOption:
    """What closing one site does, whatever the month (figures a year and once)."""

    site_id: str
    annual_savings: float  # total annual cost without the closure minus with it
    one_time_cost: float  # equipment and hiring; the break fee comes on top, before the lease end
    break_fee: float
    lease_end: dt.date | None
    remote_gain: int  # dR: agents retained remote + remote hires
    headcount_change: int  # dH: hires - leavers

    def one_time_in(self, as_of: dt.date, month: int) -> float:
        close = month_end(as_of, month)
        fee = self.break_fee if self.lease_end is not None and close < self.lease_end else 0.0
        return self.one_time_cost + fee

    def npv(self, as_of: dt.date, month: int, horizon: int, rate: float) -> float:
        """Savings from month + 1 to the horizon's end, less the one-time costs of `month`, discounted."""
        saved = self.annual_savings / 12 * sum(discount_factor(rate, m) for m in range(month + 1, horizon + 1))
        return saved - self.one_time_in(as_of, month) * discount_factor(rate, month)


@dataclass(frozen=True)
class ClosureProblem:
    """Everything the optimizer needs, detached from the workforce (the tests build it by hand)."""

    as_of: dt.date
    horizon: int
    rate: float
    options: tuple[SiteOption, ...]
    remote: int  # remote headcount without any closure
    headcount: int  # assigned headcount without any closure
    base_npv: float = 0.0  # NPV of the scenario's other changes (parameters, site changes), no closure


@dataclass(frozen=True)
class Constraints:
    target_share: float | None = None
    target_month: int | None = None  # plan month; None = the horizon's last
    max_closures_per_quarter: int | None = None
    one_time_budget_per_year: float | None = None


@dataclass(frozen=True)
class ChosenClosure:
    site_id: str
    month: int
    close_date: dt.date
    one_time_cost: float
    npv: float


@dataclass(frozen=True)
class ClosurePlan:
    feasible: bool
    reason: str | None
    npv: float | None
    one_time_cost: float
    remote_share_at_target: float | None
    closures: tuple[ChosenClosure, ...] = ()
    target_month: dt.date | None = None

    def as_report(self) -> dict[str, Any]:
        return {
            "feasible": self.feasible,
            "reason": self.reason,
            "npv": self.npv,
            "one_time_cost": self.one_time_cost,
            "remote_share_at_target": self.remote_share_at_target,
            "closures": [
                {"site_id": c.site_id, "close_date": c.close_date, "one_time_cost": c.one_time_cost, "npv": c.npv}
                for c in self.closures
            ],
        }

    def scenario(self, base: Scenario) -> Scenario:
        """`base` with its closures and remote-target move replaced by this plan's closures."""
        return base.model_copy(update={
            "closures": [Closure(site_id=c.site_id, close_date=c.close_date, retain_share=None, backfill_share=None)
                         for c in self.closures],
            "remote_target": None,
        })


# -- building the problem from the cost model ------------------------------------------------


def closure_problem(base: Workforce, scenario: Scenario, base_params: Parameters,
                    baseline_annual_cost: float, keep: Sequence[str] | None = None) -> ClosureProblem:
    """Per-site figures under the scenario's parameter and site changes; its own closures and
    remote-target move are set aside, and the sites to keep (default `optimize.keep_sites`)
    are not candidates."""
    params = scenario.effective_parameters(base_params)
    kept = set(params.optimize.keep_sites if keep is None else keep)
    unknown = sorted(kept - set(base.sites["site_id"].to_list()))
    if unknown:
        known = ", ".join(sorted(base.sites["site_id"].to_list()))
        raise OptimizeError(f"optimize.keep_sites: unknown site {unknown[0]!r} (open or closing sites: {known})")
    rest = scenario.model_copy(update={"closures": [], "remote_target": None})
    workforce, _ = apply_scenario(base, rest, params)
    annual = total_annual_cost(workforce, params)
    # Far in the future: no break fee in these figures, it is added per month.
    never = dt.date(9999, 12, 31)
    options = []
    for site in workforce.sites.sort("site_id").iter_rows(named=True):
        if site["site_id"] in kept:
            continue
        closure = Closure(site_id=site["site_id"], close_date=never, retain_share=None, backfill_share=None)
        closed, changes = apply_scenario(base, rest.with_closure(closure), params)
        options.append(SiteOption(
            site_id=site["site_id"],
            annual_savings=annual - total_annual_cost(closed, params),
            one_time_cost=changes.one_time_cost,
            break_fee=float(site["lease_break_fee"] or 0.0),
            lease_end=site["lease_end"],
            remote_gain=changes.moved_to_remote + changes.hires,
            headcount_change=changes.hires - changes.leavers,
        ))
    horizon, rate = params.plan.horizon_months, params.plan.discount_rate
    modes = workforce.agents["work_mode"].drop_nulls()
    monthly_gain = (baseline_annual_cost - annual) / 12
    return ClosureProblem(
        as_of=base.as_of, horizon=horizon, rate=rate, options=tuple(options),
        remote=int((modes == "remote").sum()), headcount=modes.len(),
        base_npv=monthly_gain * sum(discount_factor(rate, m) for m in range(1, horizon + 1)),
    )


def constraints_from(params: OptimizeParams, as_of: dt.date, horizon: int) -> Constraints:
    """The `[optimize]` settings as plan months; a target month outside the horizon is refused."""
    month = None
    if params.target_month is not None:
        month = month_index(as_of, params.target_month)
        if not 1 <= month <= horizon:
            raise OptimizeError(
                f"optimize.target_month: {params.target_month.isoformat()} is outside the plan's horizon "
                f"({month_end(as_of, 1).replace(day=1).isoformat()} to {month_end(as_of, horizon).isoformat()})")
    return Constraints(params.target_share, month, params.max_closures_per_quarter, params.one_time_budget_per_year)


# -- solving ----------------------------------------------------------------------------------


def optimize_closures(problem: ClosureProblem, constraints: Constraints) -> ClosurePlan:
    """The closures (site, month) of highest total NPV that meet the constraints, exactly."""
    import numpy as np

    h, options = problem.horizon, problem.options
    n = len(options) * h
    # NPV[s, c] = savings / 12 x (d(c+1) + ... + d(H)) - one-time(c) x d(c), d(m) = (1 + rate)^(-m/12)
    factors = np.array([discount_factor(problem.rate, m) for m in range(1, h + 1)])
    after = np.concatenate([np.cumsum(factors[::-1])[::-1][1:], [0.0]])  # sum of d(m) for m > c
    ends = [month_end(problem.as_of, c) for c in range(1, h + 1)]  # as SiteOption.one_time_in, once per month
    one_time = np.array([o.one_time_cost + (o.break_fee if o.lease_end is not None and end < o.lease_end else 0.0)
                         for o in options for end in ends])
    savings = np.repeat(np.array([o.annual_savings / 12 for o in options]), h)
    value = savings * np.tile(after, len(options)) - one_time * np.tile(factors, len(options))
    target_month = constraints.target_month or h
    columns = _useful_columns(value, one_time, h, len(options), constraints, target_month)
    rows: list[tuple[list[int], list[float], float, float]] = []  # (columns, coefficients, low, high)
    by_site: dict[int, list[int]] = {}
    for i in columns:
        by_site.setdefault(i // h, []).append(i)
    for cols in by_site.values():
        rows.append((cols, [1.0] * len(cols), 0.0, 1.0))
    if constraints.max_closures_per_quarter is not None:
        for start in range(0, h, 3):
            cols = [i for i in columns if start <= i % h < start + 3]
            rows.append((cols, [1.0] * len(cols), 0.0, float(constraints.max_closures_per_quarter)))
    if constraints.one_time_budget_per_year is not None:
        for start in range(0, h, 12):
            cols = [i for i in columns if start <= i % h < start + 12]
            rows.append((cols, [float(one_time[i]) for i in cols], -np.inf, constraints.one_time_budget_per_year))
    target = constraints.target_share
    if target is not None:
        # remote_0 + sum dR x >= t (headcount_0 + sum dH x)  <=>  sum (dR - t dH) x >= t headcount_0 - remote_0
        cols = [i for i in columns if i % h < target_month]
        coef = [options[i // h].remote_gain - target * options[i // h].headcount_change for i in cols]
        rows.append((cols, coef, target * problem.headcount - problem.remote, np.inf))

    chosen = _solve(value, rows, columns, n)
    if chosen is None:
        return ClosurePlan(False, _infeasible_reason(problem, constraints, columns, rows), None, 0.0, None)
    picked = [i for i in range(n) if chosen[i] > 0.5]
    picked = _drop_worthless(problem, constraints, value, picked)
    closures = tuple(
        ChosenClosure(options[i // h].site_id, i % h + 1, month_end(problem.as_of, i % h + 1),
                      float(one_time[i]), float(value[i]))
        for i in sorted(picked, key=lambda i: (i % h, options[i // h].site_id))
    )
    return ClosurePlan(
        feasible=True, reason=None,
        npv=problem.base_npv + sum(c.npv for c in closures),
        one_time_cost=sum(c.one_time_cost for c in closures),
        remote_share_at_target=_share(problem, [i for i in picked if i % h < target_month]),
        closures=closures, target_month=month_end(problem.as_of, target_month),
    )


def _useful_columns(value: Any, one_time: Any, h: int, n_sites: int, constraints: Constraints,
                    target_month: int) -> list[int]:
    """The (site, month) columns worth offering the solver; the others are dominated.

    Two months of one site that fall in the same quarter (when closures a quarter are
    limited), the same year (when the budget is), and on the same side of the target month
    (when there is a target) meet the same constraints; the one worth less and costing no
    less once can always be swapped for the other, so the optimum never needs it. On 500
    sites x 36 months this leaves a few thousand columns of 18,000.
    """
    useful: list[int] = []
    for s in range(n_sites):
        groups: dict[tuple[int, int, bool], list[int]] = {}
        for c in range(h):
            key = (c // 3 if constraints.max_closures_per_quarter is not None else 0,
                   c // 12 if constraints.one_time_budget_per_year is not None else 0,
                   constraints.target_share is not None and c < target_month)
            groups.setdefault(key, []).append(s * h + c)
        for cols in groups.values():
            if constraints.target_share is None:
                # Needed for no constraint, a closure worth nothing is never chosen.
                cols = [i for i in cols if value[i] > _WORTHLESS]
            # Pareto front: by value, best first; keep each that costs less once than every better one.
            cheapest = float("inf")
            for i in sorted(cols, key=lambda i: (-value[i], one_time[i], i)):
                if one_time[i] < cheapest:
                    useful.append(i)
                    cheapest = one_time[i]
                    if constraints.one_time_budget_per_year is None:
                        break  # without a budget the one-time cost binds nothing: the best alone
    return sorted(useful)


def _solve(value: Any, rows: Sequence[tuple[list[int], list[float], float, float]], columns: list[int], n: int) -> Any:
    """Maximize value . x over binaries x[columns] (the other x are 0) subject to `rows`;
    None when infeasible."""
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp  # type: ignore[import-untyped]
    from scipy.sparse import coo_array  # type: ignore[import-untyped]

    x = np.zeros(n)
    if not columns:
        return x if all(row[2] <= 0 for row in rows) else None
    position = {col: k for k, col in enumerate(columns)}
    r = [i for i, row in enumerate(rows) for _ in row[0]]
    c = [position[col] for row in rows for col in row[0]]
    v = [coef for row in rows for coef in row[1]]
    matrix = coo_array((v, (r, c)), shape=(len(rows), len(columns))).tocsr()
    result = milp(
        -value[columns], integrality=np.ones(len(columns)), bounds=Bounds(0, 1),
        constraints=LinearConstraint(matrix, [row[2] for row in rows], [row[3] for row in rows]),
        # Exact: HiGHS stops at a 0.01% gap by default, which is thousands of dollars here.
        options={"mip_rel_gap": 0.0, "disp": False},
    )
    if result.status == 2:
        return None
    if result.x is None:
        raise OptimizeError(f"the solver stopped without a plan: {result.message}")
    x[columns] = np.round(result.x)
    return x


def _share(problem: ClosureProblem, picked: Sequence[int]) -> float | None:
    h = problem.horizon
    remote = problem.remote + sum(problem.options[i // h].remote_gain for i in picked)
    headcount = problem.headcount + sum(problem.options[i // h].headcount_change for i in picked)
    return remote / headcount if headcount else None


def _drop_worthless(problem: ClosureProblem, constraints: Constraints, value: Any, picked: list[int]) -> list[int]:
    """Leave out closures worth <= 0 that no constraint needs (equal NPV, fewer closures)."""
    h, target_month = problem.horizon, constraints.target_month or problem.horizon
    for i in sorted(picked, key=lambda i: value[i]):
        if value[i] > _WORTHLESS:
            break
        rest = [j for j in picked if j != i]
        share = _share(problem, [j for j in rest if j % h < target_month])
        if constraints.target_share is None or (share is not None and share >= constraints.target_share - 1e-12):
            picked = rest
    return picked


def _infeasible_reason(problem: ClosureProblem, constraints: Constraints, columns: list[int],
                       rows: Sequence[tuple[list[int], list[float], float, float]]) -> str:
    """Which constraint cannot be met and by how much. Only the remote-share target can fail:
    closing nothing always meets the others."""
    import numpy as np

    h, target = problem.horizon, constraints.target_share or 0.0
    month = constraints.target_month or h
    by = month_end(problem.as_of, month).strftime("%Y-%m")
    # Closing every candidate by the target month gives the most remote share there is.
    every = _share(problem, [s * h for s in range(len(problem.options))])
    no_other_limit = constraints.max_closures_per_quarter is None and constraints.one_time_budget_per_year is None
    if every is None or every < target - 1e-12 or no_other_limit:
        return (f"remote share target {target:.0%} by {by} cannot be met: closing every site not kept by then "
                f"reaches {_pct(every)} remote, {_points(every, target)} short")
    # The other constraints hold it back: how close they let the plan come.
    limits = []
    if constraints.max_closures_per_quarter is not None:
        limits.append(f"at most {constraints.max_closures_per_quarter} closure(s) a quarter")
    if constraints.one_time_budget_per_year is not None:
        limits.append(f"a one-time budget of {money(constraints.one_time_budget_per_year)} a year")
    n = len(problem.options) * h
    *others, target_row = rows
    slack = np.zeros(n)
    slack[target_row[0]] = target_row[1]
    best = _solve(slack, others, columns, n)
    picked = [] if best is None else [i for i in range(n) if best[i] > 0.5 and i % h < month]
    share = _share(problem, picked)
    return (f"remote share target {target:.0%} by {by} cannot be met with {' and '.join(limits)}: "
            f"the most they allow is {_pct(share)} remote, {_points(share, target)} short")


def _pct(share: float | None) -> str:
    return "n/a" if share is None else f"{share:.1%}"


def _points(share: float | None, target: float) -> str:
    return f"{(target - (share or 0.0)) * 100:.1f} percentage points"


def describe_constraints(constraints: Constraints, as_of: dt.date, horizon: int, keep: Sequence[str] = ()) -> str:
    """The constraints in a planner's words, e.g. "remote share >= 50% by 2027-12; at most 1 closure a quarter"."""
    parts = []
    if constraints.target_share is not None:
        by = month_end(as_of, constraints.target_month or horizon).strftime("%Y-%m")
        parts.append(f"remote share >= {constraints.target_share:.0%} by {by}")
    if constraints.max_closures_per_quarter is not None:
        parts.append(f"at most {constraints.max_closures_per_quarter} closure(s) a quarter")
    if constraints.one_time_budget_per_year is not None:
        parts.append(f"one-time costs <= {money(constraints.one_time_budget_per_year)} a year")
    if keep:
        parts.append("keep " + ", ".join(keep))
    return "; ".join(parts) or "none"


def plan_lines(plan: ClosurePlan) -> list[str]:
    """The closure plan as plain text lines: one per closure, then the plan's totals."""
    if not plan.feasible:
        return [f"No closure plan meets the constraints: {plan.reason}"]
    if not plan.closures:
        return ["Close nothing: no site is worth closing within the horizon under these constraints.",
                f"Plan NPV {money(plan.npv)}"]
    lines = [f"{'site':<10} {'close date':<10} {'one-time':>14} {'NPV':>14}"]
    lines += [f"{c.site_id:<10} {c.close_date.isoformat():<10} {money(c.one_time_cost):>14} {money(c.npv):>14}"
              for c in plan.closures]
    at = plan.target_month.strftime("%Y-%m") if plan.target_month else "the target month"
    share = "n/a" if plan.remote_share_at_target is None else f"{plan.remote_share_at_target:.1%}"
    lines.append(f"{len(plan.closures)} closure(s); plan NPV {money(plan.npv)}; one-time {money(plan.one_time_cost)}; "
                 f"remote share after {at}: {share}")
    return lines
