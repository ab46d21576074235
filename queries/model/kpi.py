"""KPIs by work mode (spec/model.md, "KPIs" and "Privacy floor"), without a UI.

`load_kpi_inputs` runs the only two scans, both aggregated in DuckDB: `kpi_agent_sums`
(KPI sums per agent, mode, site, month and tenure band) and `attrition_inputs` (agent-days
employed and leavers per mode, site, tenure band and month). Everything else is a pure
function over those small frames:

- `kpi_groups`: one row per work mode, optionally split by site, tenure band or month, with
  every KPI, under the privacy floor and its complementary suppression;
- `compare`: one mode against another, with a Welch 95% confidence interval on the
  delta method's linearized per-agent values, and the tenure-adjusted difference and interval;
- `kpi_section`: the report's `kpi` keys.

Agent ids exist only inside the per-agent frame; nothing returned here lists an agent.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import polars as pl

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

AGENT_SUMS_SCHEMA = pl.Schema({
    "agent_id": pl.Utf8, "work_mode": pl.Utf8, "site_id": pl.Utf8, "month": pl.Date,
    "tenure_band": pl.Utf8, "contacts": pl.Int64, "handle_seconds": pl.Float64,
    "fcr_eligible": pl.Int64, "fcr_resolved": pl.Int64, "csat_responses": pl.Int64,
    "csat_points": pl.Float64, "qa_evaluations": pl.Int64, "qa_points": pl.Float64,
    "scheduled_minutes": pl.Float64, "adherent_minutes": pl.Float64,
    "fraud_incidents": pl.Int64, "days": pl.Int64,
})
ATTRITION_SCHEMA = pl.Schema({
    "work_mode": pl.Utf8, "site_id": pl.Utf8, "tenure_band": pl.Utf8, "month": pl.Date,
    "agent_days": pl.Int64, "leavers": pl.Int64,
})


# -- loading --------------------------------------------------------------------------------


@dataclass(frozen=True)
class KpiInputs:
    """The two aggregated frames every KPI figure of `period` is computed from."""

    period: Period
    agent_sums: pl.DataFrame
    attrition: pl.DataFrame


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
    size = list(zip(groups["agents"], groups["contacts"], range(groups.height), strict=True))
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

    `difference` is the difference of the group-level KPIs (the figures the groups show,
    each a ratio of sums). Its interval is Welch's on each agent's linearized value (the
    delta method for a ratio of sums, see `delta_method`), so an agent with more contacts
    weighs more, as it does in the ratio. `significant` = the interval excludes 0. With
    `tenure_adjusted`, also the difference within tenure bands and its interval (see
    `_tenure_adjusted`). A comparison with a suppressed group has no figures at all.
    """
    rows = {mode: agent_sums.filter(pl.col("work_mode") == mode) for mode in (group, versus)}
    # A mode without a KPI row in the period has no data; that is not the privacy floor.
    missing = [m for m, r in rows.items() if r.is_empty()]
    if missing:
        reason = f"no {' or '.join(missing)} KPI rows in the period"
        return [Comparison(kpi, group, versus, reason=reason) for kpi in kpis]
    small = [m for m, r in rows.items() if r["agent_id"].n_unique() < min_agents]
    if small:
        reason = f"{' and '.join(small)} suppressed (< {min_agents} agents)"
        return [Comparison(kpi, group, versus, reason=reason) for kpi in kpis]
    # Each side is grouped once (by agent, and by tenure band), not once per KPI.
    ours, theirs = (_Side.of(rows[mode], tenure_adjusted) for mode in (group, versus))
    return [_compare_one(ours, theirs, kpi, group, versus, min_agents) for kpi in kpis]


_MEASURES = sorted({column for r in KPIS.values() for column in (r.numerator, r.denominator)})


@dataclass(frozen=True)
class _Side:
    """One mode's rows of a comparison: its agents' sums and, when the comparison is
    tenure-adjusted, its agents' sums per tenure band."""

    per_agent: pl.DataFrame
    bands: dict[str, pl.DataFrame] | None

    @classmethod
    def of(cls, rows: pl.DataFrame, tenure_adjusted: bool) -> _Side:
        sums = [pl.col(c).sum() for c in _MEASURES]
        # Tenure is at the period's end, so an agent has one band; grouping by both keeps
        # that band next to the agent's sums.
        # maintain_order: the same agents in the same order every run, so the sums and variances
        # come out to the same last digit (the report is the same bytes for the same data).
        per_agent = rows.group_by("agent_id", "tenure_band", maintain_order=True).agg(sums)
        bands = None
        if tenure_adjusted:
            bands = {band: per_agent.filter(pl.col("tenure_band") == band) for band in TENURE_BANDS}
        return cls(per_agent, bands)


@dataclass(frozen=True)
class Estimate:
    """A group's KPI (a ratio of sums) with its delta-method variance.

    `agents` = agents with a nonzero denominator (the n of the variance); `variance` is
    None with fewer than 2 of them.
    """

    value: float
    variance: float | None
    agents: int


def delta_method(per_agent: pl.DataFrame, ratio: Ratio) -> Estimate | None:
    """The group KPI R = scale x sum(num) / sum(den) and Var(R) by the delta method.

    Each agent i with den_i > 0 gets z_i = scale x (num_i - R' x den_i) / mean(den), R' the
    unscaled ratio, and Var(R) = var(z) / n (sample variance, n - 1), as in Deng, Knoblich
    and Lu (2018). None when the denominators sum to 0 (the KPI is n/a).
    """
    kept = per_agent.filter(pl.col(ratio.denominator) != 0)
    numerators = kept[ratio.numerator].cast(pl.Float64).to_numpy()
    denominators = kept[ratio.denominator].cast(pl.Float64).to_numpy()
    if len(denominators) == 0 or denominators.sum() == 0:
        return None
    unscaled = numerators.sum() / denominators.sum()
    n = len(denominators)
    if n < 2:
        return Estimate(float(unscaled * ratio.scale), None, n)
    z = ratio.scale * (numerators - unscaled * denominators) / denominators.mean()
    return Estimate(float(unscaled * ratio.scale), float(z.var(ddof=1) / n), n)


def _compare_one(ours: _Side, theirs: _Side, kpi: str, group: str, versus: str, min_agents: int) -> Comparison:
    ratio = KPIS[kpi]
    a, b = delta_method(ours.per_agent, ratio), delta_method(theirs.per_agent, ratio)
    difference = None if a is None or b is None else a.value - b.value
    half = None
    if a is not None and b is not None and a.variance is not None and b.variance is not None:
        half = welch_half_width([(a.variance, a.agents), (b.variance, b.agents)])
    interval = None if half is None or difference is None else (difference - half, difference + half)
    adjusted: tuple[float, float | None] | None = None
    if ours.bands is not None and theirs.bands is not None:
        adjusted = _tenure_adjusted(ours.bands, theirs.bands, ratio, min_agents)
    adjusted_half = adjusted[1] if adjusted else None
    return Comparison(
        kpi, group, versus,
        difference=difference,
        ci_low=interval[0] if interval else None,
        ci_high=interval[1] if interval else None,
        significant=(interval[0] > 0 or interval[1] < 0) if interval else None,
        tenure_adjusted_difference=adjusted[0] if adjusted else None,
        tenure_adjusted_ci_low=adjusted[0] - adjusted_half if adjusted and adjusted_half is not None else None,
        tenure_adjusted_ci_high=adjusted[0] + adjusted_half if adjusted and adjusted_half is not None else None,
        reason=None if interval else "too few agents with a value, or no spread, for a confidence interval",
    )


def _tenure_adjusted(
    ours: dict[str, pl.DataFrame], theirs: dict[str, pl.DataFrame], ratio: Ratio, min_agents: int
) -> tuple[float, float | None] | None:
    """The KPI difference within tenure bands, weighted by the smaller group's agents, and
    the half-width of its 95% interval.

    Each band's difference is of the group-level KPIs in that band; its weight w_b is the
    smaller of the two groups' agent counts there, so that a more experienced group is not
    mistaken for a better one. A band where either group has fewer than `min_agents` agents
    is left out (privacy floor: a small band's KPI would follow from the adjusted figure and
    the other group's), as is one where either KPI is n/a; with none left, None.
    Half-width = t(0.975, df) x sqrt(sum w_b^2 (V_a,b + V_b,b)) / sum w_b, df by
    Welch-Satterthwaite over the band terms; None when a term has fewer than 2 agents.
    """
    total = weight = 0.0
    terms: list[tuple[float, int]] = []
    variance_known = True
    for band in TENURE_BANDS:
        agents = min(ours[band].height, theirs[band].height)
        if agents < max(min_agents, 1):
            continue
        a, b = delta_method(ours[band], ratio), delta_method(theirs[band], ratio)
        if a is None or b is None:
            continue
        total += agents * (a.value - b.value)
        weight += agents
        for side in (a, b):
            if side.variance is None:
                variance_known = False
            else:
                terms.append((agents**2 * side.variance, side.agents))
    if not weight:
        return None
    # Dividing every term by (sum of w)^2 scales the variance and leaves the df unchanged.
    half = welch_half_width([(v / weight**2, n) for v, n in terms]) if variance_known else None
    return total / weight, half


def welch_half_width(terms: Sequence[tuple[float, int]], confidence: float = 0.95) -> float | None:
    """Half the width of Welch's interval for a sum of independent variance terms.

    Each term is (its variance, the n it was estimated from); the df are Welch-Satterthwaite's
    (sum of terms)^2 / sum(term^2 / (n - 1)). None with a term of fewer than 2 values, or no
    spread at all (there is then no standard error to scale).
    """
    if not terms or any(n < 2 for _, n in terms):
        return None
    variance = sum(v for v, _ in terms)
    if variance <= 0:
        return None
    df = variance**2 / sum(v**2 / (n - 1) for v, n in terms)
    return t_quantile((1 + confidence) / 2, df) * math.sqrt(variance)


def t_quantile(p: float, df: float) -> float:
    """The p-quantile of Student's t with `df` degrees of freedom (need not be whole)."""
    return float(scipy_stats().t.ppf(p, df))


def scipy_stats() -> Any:
    """scipy.stats, imported when first needed so that starting the app does not pay for it."""
    from scipy import stats  # type: ignore[import-untyped]

    return stats


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
