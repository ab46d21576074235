"""KPIs by work mode (spec/model.md, "KPIs" and "Privacy floor"), without a UI.

`load_kpi_inputs` runs the only two scans, both aggregated in DuckDB: `kpi_agent_sums`
(KPI sums per agent, mode, site, month and tenure band) and `attrition_inputs` (agent-days
employed and leavers per mode, site, tenure band and month). Everything else is a pure
function over those small frames:

- `kpi_groups`: one row per work mode, optionally split by site, tenure band or month, with
  every KPI, under the privacy floor and its complementary suppression;
- `compare`: one mode against another, with a Welch 95% confidence interval and the
  tenure-adjusted difference;
- `kpi_section`: the report's `kpi` keys.

Agent ids exist only inside the per-agent frame; nothing returned here lists an agent.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import duckdb
import numpy as np
import polars as pl

from queries.engines.duckdb_engine import Engine
from queries.model.costs import MODES
from queries.model.period import Period

SPLITS = ("site_id", "tenure_band", "month")
TENURE_BANDS = ("< 6 months", "6-24 months", "> 24 months")


@dataclass(frozen=True)
class Ratio:
    """A KPI: sum(numerator) x scale / sum(denominator); None when the denominator is 0."""

    numerator: str
    denominator: str
    scale: float = 1.0


KPIS: dict[str, Ratio] = {
    "aht_seconds": Ratio("handle_seconds", "contacts"),
    "fcr": Ratio("fcr_resolved", "fcr_eligible"),
    "csat": Ratio("csat_points", "csat_responses"),
    "qa": Ratio("qa_points", "qa_evaluations"),
    "adherence": Ratio("adherent_minutes", "scheduled_minutes"),
    "fraud_per_100k_contacts": Ratio("fraud_incidents", "contacts", 100_000.0),
}
# leavers / (agent_days / days) x 365 / days: the days of the period cancel, which is what
# lets a month split use the same inputs as the whole period.
ATTRITION = Ratio("leavers", "agent_days", 365.0)

COMPARED_KPIS = ("fcr", "csat", "aht_seconds", "qa", "adherence", "fraud_per_100k_contacts")
REPORT_COMPARISONS = (("remote", "onsite"), ("hybrid", "onsite"))

_AGENT_SUMS_SCHEMA: dict[str, type[pl.DataType]] = {
    "agent_id": pl.Utf8, "work_mode": pl.Utf8, "site_id": pl.Utf8, "month": pl.Date,
    "tenure_band": pl.Utf8, "contacts": pl.Int64, "handle_seconds": pl.Float64,
    "fcr_eligible": pl.Int64, "fcr_resolved": pl.Int64, "csat_responses": pl.Int64,
    "csat_points": pl.Float64, "qa_evaluations": pl.Int64, "qa_points": pl.Float64,
    "scheduled_minutes": pl.Float64, "adherent_minutes": pl.Float64,
    "fraud_incidents": pl.Int64, "days": pl.Int64,
}
_ATTRITION_SCHEMA: dict[str, type[pl.DataType]] = {
    "work_mode": pl.Utf8, "site_id": pl.Utf8, "tenure_band": pl.Utf8, "month": pl.Date,
    "agent_days": pl.Int64, "leavers": pl.Int64,
}


# -- loading --------------------------------------------------------------------------------


@dataclass(frozen=True)
class KpiInputs:
    """The two aggregated frames every KPI figure of `period` is computed from."""

    period: Period
    agent_sums: pl.DataFrame
    attrition: pl.DataFrame


def load_kpi_inputs(
    engine: Engine, period: Period, cursor: duckdb.DuckDBPyConnection | None = None
) -> KpiInputs:
    params = {"start": period.start, "end": period.end}
    # A result of no rows comes back with NULL-typed columns; the functions below need real types.
    agent_sums = engine.query("kpi_agent_sums", params, cursor=cursor).cast(_AGENT_SUMS_SCHEMA)
    attrition = engine.query("attrition_inputs", params, cursor=cursor).cast(_ATTRITION_SCHEMA)
    return KpiInputs(period, agent_sums, attrition)


# -- groups ---------------------------------------------------------------------------------


def ratio_expr(ratio: Ratio) -> pl.Expr:
    """The KPI of each group in a polars aggregation."""
    denominator = pl.col(ratio.denominator).sum()
    return pl.when(denominator != 0).then(pl.col(ratio.numerator).sum() * ratio.scale / denominator)


def kpi_groups(
    agent_sums: pl.DataFrame, attrition: pl.DataFrame, by: Sequence[str], min_agents: int
) -> pl.DataFrame:
    """One row per work mode (and split values of `by`), each KPI, `agents` and `suppressed`.

    A suppressed group (see `suppression`) keeps its keys and shows nulls everywhere else.
    """
    unknown = set(by) - set(SPLITS)
    if unknown:
        raise ValueError(f"cannot split KPIs by {sorted(unknown)}; choose from {list(SPLITS)}")
    keys = ["work_mode", *by]
    groups = agent_sums.group_by(keys).agg(
        agents=pl.col("agent_id").n_unique().cast(pl.Int64),
        contacts=pl.col("contacts").sum(),
        **{name: ratio_expr(ratio) for name, ratio in KPIS.items()},
    )
    attrition_by_group = attrition.group_by(keys).agg(attrition_annualized=ratio_expr(ATTRITION))
    groups = _in_display_order(
        groups.join(attrition_by_group, on=keys, how="left", nulls_equal=True), keys
    )
    hidden = suppression(groups, by, min_agents)
    figures = ["agents", "contacts", *KPIS, "attrition_annualized"]
    return groups.with_columns(
        *(pl.when(~hidden).then(pl.col(name)).alias(name) for name in figures),
        suppressed=hidden,
    ).select(*keys, *figures, "suppressed")


def _in_display_order(groups: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    order = {"work_mode": pl.Enum(MODES), "tenure_band": pl.Enum(TENURE_BANDS)}
    return groups.sort(
        [pl.col(k).cast(order[k]) if k in order else pl.col(k) for k in keys], nulls_last=True
    )


def suppression(groups: pl.DataFrame, by: Sequence[str], min_agents: int) -> pl.Series:
    """Which groups show no figures: under the privacy floor, or recoverable by subtraction.

    Primary: fewer than `min_agents` distinct agents. Complementary: a *line* is the cells of
    one split column that share every other key, so they add up to a parent total the screen
    may show (the sites of one mode add up to the mode). A line with exactly one suppressed
    cell would give it away as parent minus the shown cells, so the shown cell of that line
    with the fewest agents (then contacts, then display order) is suppressed too; that can
    leave another line with one suppressed cell, so this repeats until no line has one. Work
    mode itself is never a line: no all-modes total is shown. Parents are assumed shown,
    which can only suppress more, never less.
    """
    hidden = (groups["agents"] < min_agents).to_list()
    lines = _lines(groups, by)
    size = list(zip(groups["agents"], groups["contacts"], range(groups.height)))
    changed = True
    while changed:
        changed = False
        for line in lines:
            shown = [i for i in line if not hidden[i]]
            if len(line) - len(shown) == 1 and shown:
                hidden[min(shown, key=size.__getitem__)] = True
                changed = True
    return pl.Series("suppressed", hidden, dtype=pl.Boolean)


def _lines(groups: pl.DataFrame, by: Sequence[str]) -> list[list[int]]:
    """Row numbers of the cells of each line (see `suppression`)."""
    keys = ["work_mode", *by]
    numbered = groups.with_row_index("row")
    lines: list[list[int]] = []
    for split in by:
        parent = [k for k in keys if k != split]
        lines += numbered.group_by(parent).agg(pl.col("row"))["row"].to_list()
    return lines


# -- comparisons ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """One KPI of `group` against `versus`; None figures are "n/a" and `reason` says why."""

    kpi: str
    group: str
    versus: str
    difference: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    significant: bool | None = None
    tenure_adjusted_difference: float | None = None
    tenure_adjusted_ci_low: float | None = None
    tenure_adjusted_ci_high: float | None = None
    reason: str | None = None

    @property
    def explained_by_tenure(self) -> float | None:
        """How much of the raw difference the tenure mix accounts for."""
        if self.difference is None or self.tenure_adjusted_difference is None:
            return None
        return self.difference - self.tenure_adjusted_difference

    def as_report(self) -> dict[str, Any]:
        """The report's keys of one comparison."""
        row = asdict(self)
        del row["reason"]
        return row


def compare(
    agent_sums: pl.DataFrame,
    group: str,
    versus: str,
    kpis: Sequence[str] = COMPARED_KPIS,
    tenure_adjusted: bool = True,
    *,
    min_agents: int,
) -> list[Comparison]:
    """Each KPI of work mode `group` minus that of `versus`, with a Welch 95% CI.

    `difference` is the difference of the group-level KPIs (the figures the groups show).
    The interval is Welch's, on per-agent values (each agent's own ratio over the period in
    that mode; agents with a zero denominator left out), so it is centred on the difference
    of the per-agent means, which weighs every agent once. `significant` = the interval
    excludes 0. With `tenure_adjusted`, also the difference within tenure bands (see
    `tenure_adjusted_difference`). A comparison with a suppressed group has no figures.
    """
    rows = {mode: agent_sums.filter(pl.col("work_mode") == mode) for mode in (group, versus)}
    small = [m for m, r in rows.items() if r["agent_id"].n_unique() < min_agents]
    if small:
        reason = f"{' and '.join(small)} suppressed (< {min_agents} agents)"
        return [Comparison(kpi, group, versus, reason=reason) for kpi in kpis]
    # Each side is grouped once (by agent, and by tenure band), not once per KPI.
    ours, theirs = (_Side.of(rows[mode], tenure_adjusted) for mode in (group, versus))
    return [_compare_one(ours, theirs, kpi, group, versus) for kpi in kpis]


_MEASURES = sorted({column for r in KPIS.values() for column in (r.numerator, r.denominator)})


@dataclass(frozen=True)
class _Side:
    """One mode's rows of a comparison: its totals, its agents' sums and, when the
    comparison is tenure-adjusted, its agents and sums per tenure band."""

    totals: dict[str, Any]
    per_agent: pl.DataFrame
    bands: dict[str, dict[str, Any]] | None

    @classmethod
    def of(cls, rows: pl.DataFrame, tenure_adjusted: bool) -> _Side:
        sums = [pl.col(c).sum() for c in _MEASURES]
        bands = None
        if tenure_adjusted:
            by_band = rows.group_by("tenure_band").agg(pl.col("agent_id").n_unique().alias("agents"), *sums)
            bands = {row["tenure_band"]: row for row in by_band.iter_rows(named=True)}
        return cls(rows.select(sums).row(0, named=True), rows.group_by("agent_id").agg(sums), bands)


def _ratio_of(sums: dict[str, Any], ratio: Ratio) -> float | None:
    denominator = sums[ratio.denominator]
    return float(sums[ratio.numerator] * ratio.scale / denominator) if denominator else None


def _compare_one(ours: _Side, theirs: _Side, kpi: str, group: str, versus: str) -> Comparison:
    ratio = KPIS[kpi]
    ours_kpi, theirs_kpi = _ratio_of(ours.totals, ratio), _ratio_of(theirs.totals, ratio)
    difference = None if ours_kpi is None or theirs_kpi is None else ours_kpi - theirs_kpi
    # The interval is centred on the difference the screen shows, with Welch's standard
    # error and degrees of freedom from the per-agent values: an interval around the
    # per-agent mean difference could exclude the shown difference itself.
    half = welch_half_width(_values(ours.per_agent, ratio), _values(theirs.per_agent, ratio))
    interval = None if half is None or difference is None else (difference - half, difference + half)
    adjusted = None
    if ours.bands is not None and theirs.bands is not None:
        adjusted = _tenure_adjusted(ours.bands, theirs.bands, ratio)
    return Comparison(
        kpi, group, versus,
        difference=difference,
        ci_low=interval[0] if interval else None,
        ci_high=interval[1] if interval else None,
        significant=(interval[0] > 0 or interval[1] < 0) if interval else None,
        tenure_adjusted_difference=adjusted,
        reason=None if interval else "too few agents with a value, or no spread, for a confidence interval",
    )


def _values(per_agent: pl.DataFrame, ratio: Ratio) -> np.ndarray:
    """Each agent's own KPI, from rows summed per agent, leaving out agents whose denominator is 0."""
    kept = per_agent.filter(pl.col(ratio.denominator) != 0)
    return (kept[ratio.numerator].cast(pl.Float64) * ratio.scale / kept[ratio.denominator]).to_numpy()


def _tenure_adjusted(
    ours: dict[str, dict[str, Any]], theirs: dict[str, dict[str, Any]], ratio: Ratio
) -> float | None:
    """The KPI difference within tenure bands, weighted by the smaller group's agents.

    Each band's difference is of the group-level KPIs in that band; its weight is the
    smaller of the two groups' agent counts there, so that a more experienced group is not
    mistaken for a better one. Bands where either group has no agents, or a zero
    denominator, are skipped; with none left the result is None.
    """
    total = weight = 0.0
    for band in TENURE_BANDS:
        if band not in ours or band not in theirs:
            continue
        agents = min(ours[band]["agents"], theirs[band]["agents"])
        ours_kpi, theirs_kpi = _ratio_of(ours[band], ratio), _ratio_of(theirs[band], ratio)
        if agents == 0 or ours_kpi is None or theirs_kpi is None:
            continue
        total += agents * (ours_kpi - theirs_kpi)
        weight += agents
    return total / weight if weight else None


def welch_half_width(a: np.ndarray, b: np.ndarray, confidence: float = 0.95) -> float | None:
    """Half the width of Welch's confidence interval for a difference of means of a and b.

    Degrees of freedom by Welch-Satterthwaite. None with fewer than 2 values on a side, or
    no spread at all (there is then no standard error to scale).
    """
    if len(a) < 2 or len(b) < 2:
        return None
    var_a, var_b = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    variance = var_a + var_b
    if variance == 0:
        return None
    df = variance**2 / (var_a**2 / (len(a) - 1) + var_b**2 / (len(b) - 1))
    return t_quantile((1 + confidence) / 2, float(df)) * math.sqrt(variance)


def welch_interval(a: np.ndarray, b: np.ndarray, confidence: float = 0.95) -> tuple[float, float] | None:
    """Welch's textbook confidence interval for mean(a) - mean(b)."""
    half = welch_half_width(a, b, confidence)
    centre = float(a.mean() - b.mean()) if half is not None else 0.0
    return None if half is None else (centre - half, centre + half)


# -- Student's t ----------------------------------------------------------------------------


def t_quantile(p: float, df: float) -> float:
    """The p-quantile of Student's t with `df` > 0 degrees of freedom (need not be whole).

    Newton's method on the exact upper tail P(T > t) = I_x(df/2, 1/2) / 2, x = df/(df + t^2).
    The tail is convex for t > 0, so starting at t = 0 every step lands left of the root and
    the iteration climbs to it without overshooting. Agrees with scipy.stats.t.ppf to 1e-12
    relative for df up to 1e5 (Welch's df is below the number of agents compared); beyond,
    rounding in the continued fraction grows, to 1e-11 at df = 1e6 and 1e-9 at 1e8.
    """
    if not 0 < p < 1 or not df > 0:
        raise ValueError(f"t_quantile needs 0 < p < 1 and df > 0, got p={p}, df={df}")
    if p < 0.5:
        return -t_quantile(1 - p, df)
    tail, t, last_step = 1 - p, 0.0, math.inf
    for _ in range(200):
        step = (_t_upper_tail(t, df) - tail) / _t_density(t, df)
        # Far from the root steps may grow (heavy tails at small df). Close to it they shrink
        # until rounding in the tail takes over (near 1e-11 of t at df = 1e6): there, a step
        # no smaller than the last one is that noise, not progress.
        if abs(step) <= 1e-8 * t and abs(step) >= abs(last_step):
            return t
        t, last_step = t + step, step
        # Convergence is quadratic: once a step is this small, the next would be ~1e-24.
        if abs(step) <= 1e-12 * t:
            return t
    raise ArithmeticError(f"t_quantile did not converge for p={p}, df={df}")


def _t_upper_tail(t: float, df: float) -> float:
    # Both x and 1 - x are formed without subtraction, so neither loses digits.
    denominator = df + t * t
    return 0.5 * _incomplete_beta(df / 2, 0.5, df / denominator, t * t / denominator)


def _t_density(t: float, df: float) -> float:
    log_norm = math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)
    return math.exp(log_norm - (df + 1) / 2 * math.log1p(t * t / df))


def _incomplete_beta(a: float, b: float, x: float, y: float) -> float:
    """The regularized incomplete beta function I_x(a, b), given y = 1 - x.

    Its continued fraction (Numerical Recipes, 6.4) converges fast for x < (a + 1)/(a + b + 2);
    beyond, the symmetry I_x(a, b) = 1 - I_y(b, a) is used.
    """
    if x <= 0:
        return 0.0
    if y <= 0:
        return 1.0
    # log1p of the small one of x and y: a x log(x) must keep its digits when a is large.
    log_x = math.log1p(-y) if y < 0.5 else math.log(x)
    log_y = math.log1p(-x) if x < 0.5 else math.log(y)
    log_front = a * log_x + b * log_y - _log_beta(a, b)
    if x < (a + 1) / (a + b + 2):
        return math.exp(log_front) * _beta_fraction(a, b, x) / a
    return 1 - math.exp(log_front) * _beta_fraction(b, a, y) / b


def _log_beta(a: float, b: float) -> float:
    """log B(a, b). For a large argument, lgamma(big + small) - lgamma(big) would cancel
    most digits (Welch's df runs to the number of agents), so that difference comes from
    Stirling's series instead, whose remainder is below 1e-15 from 20 on."""
    small, big = sorted((a, b))
    if big < 20:
        return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
    ratio = (big - 0.5) * math.log1p(small / big) + small * math.log(big + small) - small
    return math.lgamma(small) - ratio - _stirling_remainder(big + small) + _stirling_remainder(big)


def _stirling_remainder(x: float) -> float:
    """lgamma(x) - ((x - 1/2) log x - x + log(2 pi) / 2), for x >= 20."""
    inverse_square = 1 / (x * x)
    return (1 / 12 - inverse_square * (1 / 360 - inverse_square * (1 / 1260 - inverse_square / 1680))) / x


def _beta_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of I_x(a, b), by the modified Lentz method."""
    tiny = 1e-300  # keeps a partial denominator of exactly 0 from dividing by zero

    def guarded(value: float) -> float:
        return value if abs(value) > tiny else tiny

    c, d = 1.0, 1 / guarded(1 - (a + b) * x / (a + 1))
    fraction = d
    for m in range(1, 100_000):
        even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
        odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
        for coefficient in (even, odd):
            d = 1 / guarded(1 + coefficient * d)
            c = guarded(1 + coefficient / c)
            fraction *= d * c
        if abs(d * c - 1) < 1e-16:
            return fraction
    raise ArithmeticError(f"incomplete beta did not converge for a={a}, b={b}, x={x}")


# -- report ---------------------------------------------------------------------------------


def kpi_section(inputs: KpiInputs, min_agents: int) -> dict[str, Any]:
    """The report's `kpi` keys: the groups by work mode and the mode comparisons."""
    groups = kpi_groups(inputs.agent_sums, inputs.attrition, (), min_agents)
    comparisons = [
        comparison.as_report()
        for group, versus in REPORT_COMPARISONS
        for comparison in compare(inputs.agent_sums, group, versus, COMPARED_KPIS, True, min_agents=min_agents)
    ]
    return {"groups": groups.to_dicts(), "comparisons": comparisons}
