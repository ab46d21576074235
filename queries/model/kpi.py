"""KPIs by work mode (spec/model.md, "KPIs" and "Privacy floor"), without a UI.

`load_kpi_inputs` runs the only two scans, both aggregated in the engine: `kpi_group_sums`
(per group of work mode, alone or split by site, tenure band or month: the KPI sums, the
distinct agents, and per KPI the exact sums the delta method needs) and `attrition_inputs`
(agent-days employed and leavers per mode, site, tenure band and month). No row per agent
ever comes back. Everything else is a pure function over those small frames:

- `kpi_groups`: one row per work mode, optionally split by site, tenure band or month, with
  every KPI, under the privacy floor and its complementary suppression;
- `compare`: one mode against another, with a Welch 95% confidence interval by the delta
  method, and the tenure-adjusted difference and interval;
- `onsite_aht`, `observed_aht_delta`, `tenure_adjusted_aht_delta`: the AHT differences the
  KPI screen can take into a scenario;
- `kpi_section`: the report's `kpi` keys.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from fractions import Fraction
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

MEASURES = (
    "contacts", "handle_seconds", "fcr_eligible", "fcr_resolved", "csat_responses", "csat_points",
    "qa_evaluations", "qa_points", "scheduled_minutes", "adherent_minutes", "fraud_incidents",
)
# Per KPI, over the group's agents with a non-zero denominator: how many (_n), and the exact
# sums of their numerators, denominators, num^2, num x den and den^2 (kpi_group_sums.sql).
EXACT_SUMS = ("num", "den", "nn", "nd", "dd")
GROUP_KEYS = ("split", "work_mode", "site_id", "tenure_band", "month")
GROUP_SUMS_SCHEMA = pl.Schema({
    "split": pl.Utf8, "work_mode": pl.Utf8, "site_id": pl.Utf8, "tenure_band": pl.Utf8, "month": pl.Date,
    "agents": pl.Int64,
    **{m: pl.Float64 if m.endswith(("seconds", "points", "minutes")) else pl.Int64 for m in MEASURES},
    **{f"{kpi}_{figure}": pl.Int64 if figure == "n" else pl.Decimal(38, 12)
       for kpi in KPIS for figure in ("n", *EXACT_SUMS)},
})
ATTRITION_SCHEMA = pl.Schema({
    "work_mode": pl.Utf8, "site_id": pl.Utf8, "tenure_band": pl.Utf8, "month": pl.Date,
    "agent_days": pl.Int64, "leavers": pl.Int64,
})


def split_name(by: Sequence[str]) -> str:
    """The `split` value of the group rows of a split by `by` ('none': by work mode alone)."""
    return ",".join(by) or "none"


# -- loading --------------------------------------------------------------------------------


@dataclass(frozen=True)
class KpiInputs:
    """The two aggregated frames every KPI figure of `period` is computed from: per-group
    figures only (`GROUP_SUMS_SCHEMA`, `ATTRITION_SCHEMA`), never a row per agent."""

    period: Period
    groups: pl.DataFrame
    attrition: pl.DataFrame

    @property
    def empty(self) -> bool:
        """No KPI row in the period."""
        return self.groups.is_empty()

    @property
    def contacts(self) -> int:
        """All contacts of the period (of every work mode)."""
        return int(self.groups.filter(pl.col("split") == "none")["contacts"].sum())


# -- groups ---------------------------------------------------------------------------------


def ratio_expr(ratio: Ratio) -> pl.Expr:
    """The KPI of each group in a polars aggregation."""
    denominator = pl.col(ratio.denominator).sum()
    return pl.when(denominator != 0).then(pl.col(ratio.numerator).sum() * ratio.scale / denominator)


def kpi_groups(
    groups: pl.DataFrame, attrition: pl.DataFrame, by: Sequence[str], min_agents: int
) -> pl.DataFrame:
    """One row per work mode (and split values of `by`), each KPI, `agents` and `suppressed`,
    from the group rows of that split (`split_name(by)`) of `groups`.

    A suppressed group (see `suppression`) keeps its keys and shows nulls everywhere else.
    """
    unknown = set(by) - set(SPLITS)
    if unknown:
        raise ValueError(f"cannot split KPIs by {sorted(unknown)}; choose from {list(SPLITS)}")
    keys = ["work_mode", *by]
    rows = groups.filter(pl.col("split") == split_name(by))
    shown = rows.select(
        *keys, pl.col("agents").cast(pl.Int64), pl.col("contacts").cast(pl.Int64),
        *(pl.when(pl.col(r.denominator) != 0)
          .then(pl.col(r.numerator).cast(pl.Float64) * r.scale / pl.col(r.denominator).cast(pl.Float64))
          .alias(name) for name, r in KPIS.items()),
    )
    attrition_by_group = attrition.group_by(keys).agg(attrition_annualized=ratio_expr(ATTRITION))
    shown = _in_display_order(
        shown.join(attrition_by_group, on=keys, how="left", nulls_equal=True), keys
    )
    hidden = suppression(shown, by, min_agents)
    figures = ["agents", "contacts", *KPIS, "attrition_annualized"]
    return shown.with_columns(
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
    groups: pl.DataFrame,
    group: str,
    versus: str,
    kpis: Sequence[str] = COMPARED_KPIS,
    tenure_adjusted: bool = True,
    *,
    min_agents: int,
) -> list[Comparison]:
    """Each KPI of work mode `group` minus that of `versus`, with a Welch 95% CI.

    `groups` holds the group rows (`GROUP_SUMS_SCHEMA`) by work mode and, for
    `tenure_adjusted`, by tenure band. `difference` is the difference of the group-level KPIs
    (the figures the groups show, each a ratio of sums). Its interval is Welch's on the
    agents' linearized values (the delta method for a ratio of sums, see `delta_method`), so
    an agent with more contacts weighs more, as it does in the ratio. `significant` = the
    interval excludes 0. With `tenure_adjusted`, also the difference within tenure bands and
    its interval (see `_tenure_adjusted`). A comparison with a suppressed group has no
    figures at all.
    """
    rows = {mode: _group_row(groups, "none", mode) for mode in (group, versus)}
    # A mode without a KPI row in the period has no data; that is not the privacy floor.
    missing = [m for m, r in rows.items() if r is None]
    if missing:
        reason = f"no {' or '.join(missing)} KPI rows in the period"
        return [Comparison(kpi, group, versus, reason=reason) for kpi in kpis]
    small = [m for m, r in rows.items() if r is not None and r["agents"] < min_agents]
    if small:
        reason = f"{' and '.join(small)} suppressed (< {min_agents} agents)"
        return [Comparison(kpi, group, versus, reason=reason) for kpi in kpis]
    ours, theirs = (_Side.of(groups, mode, tenure_adjusted) for mode in (group, versus))
    return [_compare_one(ours, theirs, kpi, group, versus, min_agents) for kpi in kpis]


def _group_row(groups: pl.DataFrame, split: str, mode: str, **keys: Any) -> dict[str, Any] | None:
    """The one group row of `split` for work mode `mode` (and `keys`), or None."""
    condition = (pl.col("split") == split) & (pl.col("work_mode") == mode)
    for key, value in keys.items():
        condition &= pl.col(key) == value
    found = groups.filter(condition)
    return found.row(0, named=True) if found.height else None


@dataclass(frozen=True)
class _Side:
    """One mode's group row of a comparison and, when the comparison is tenure-adjusted, its
    group row in each tenure band (None where it has no agent)."""

    whole: dict[str, Any]
    bands: dict[str, dict[str, Any] | None] | None

    @classmethod
    def of(cls, groups: pl.DataFrame, mode: str, tenure_adjusted: bool) -> _Side:
        whole = _group_row(groups, "none", mode)
        assert whole is not None
        bands = None
        if tenure_adjusted:
            bands = {band: _group_row(groups, "tenure_band", mode, tenure_band=band) for band in TENURE_BANDS}
        return cls(whole, bands)


@dataclass(frozen=True)
class Estimate:
    """A group's KPI (a ratio of sums) with its delta-method variance.

    `agents` = agents with a nonzero denominator (the n of the variance); `variance` is
    None with fewer than 2 of them.
    """

    value: float
    variance: float | None
    agents: int


def exact(value: Any) -> Fraction:
    """An exact sum of kpi_group_sums.sql (a Decimal, or an int or float) as a fraction."""
    if isinstance(value, Decimal | int | float):
        return Fraction(value)
    raise TypeError(f"not a number: {value!r}")


def delta_method(group: Mapping[str, Any], kpi: str) -> Estimate | None:
    """The group KPI R = scale x sum(num) / sum(den), the figure the group shows, and Var(R)
    by the delta method, from the group's exact sums over its agents with den_i > 0
    (`EXACT_SUMS`; spec/model.md, "Comparing two groups").

    Each such agent i gets z_i = scale x (num_i - R' x den_i) / mean(den), R' the unscaled
    KPI, and Var(R) = var(z) / n (sample variance, n - 1), as in Deng, Knoblich and Lu
    (2018). R' is the group's shown KPI, whose numerator also counts agents with den_i = 0
    (handle seconds on no contact, fraud on none): then the z_i do not sum to 0, so
    var(z) = (sum z^2 - (sum z)^2 / n) / (n - 1), with sum z = (kept num - R' den) / mean(den)
    and sum (num_i - R' den_i)^2 = sum num^2 - 2 R' sum num den + R'^2 sum den^2: computed in
    exact rationals, this neither loses digits to cancellation nor depends on any summing
    order. None when the denominators sum to 0 (the KPI is n/a).
    """
    ratio = KPIS[kpi]
    n = int(group[f"{kpi}_n"] or 0)
    if n == 0:
        return None
    kept, den = exact(group[f"{kpi}_num"]), exact(group[f"{kpi}_den"])
    if den == 0:
        return None
    unscaled = exact(group[ratio.numerator]) / exact(group[ratio.denominator])
    scale = Fraction(ratio.scale)
    value = float(unscaled * scale)
    if n < 2:
        return Estimate(value, None, n)
    nn, nd, dd = (exact(group[f"{kpi}_{figure}"]) for figure in ("nn", "nd", "dd"))
    squares = nn - 2 * unscaled * nd + unscaled * unscaled * dd
    total = kept - unscaled * den
    mean_den = den / n
    var_z = scale * scale * (squares - total * total / n) / (n - 1) / (mean_den * mean_den)
    return Estimate(value, float(var_z / n), n)


def _compare_one(ours: _Side, theirs: _Side, kpi: str, group: str, versus: str, min_agents: int) -> Comparison:
    a, b = delta_method(ours.whole, kpi), delta_method(theirs.whole, kpi)
    difference = None if a is None or b is None else a.value - b.value
    half = None
    if a is not None and b is not None and a.variance is not None and b.variance is not None:
        half = welch_half_width([(a.variance, a.agents), (b.variance, b.agents)])
    interval = None if half is None or difference is None else (difference - half, difference + half)
    adjusted: tuple[float, float | None] | None = None
    if ours.bands is not None and theirs.bands is not None:
        adjusted = _tenure_adjusted(ours.bands, theirs.bands, kpi, min_agents)
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
    ours: Mapping[str, Mapping[str, Any] | None], theirs: Mapping[str, Mapping[str, Any] | None], kpi: str,
    min_agents: int,
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
        mine, other = ours[band], theirs[band]
        if mine is None or other is None:
            continue
        agents = min(int(mine["agents"]), int(other["agents"]))
        if agents < max(min_agents, 1):
            continue
        a, b = delta_method(mine, kpi), delta_method(other, kpi)
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


# -- AHT differences for a scenario (the KPI screen's `m`) ------------------------------------


def onsite_aht(groups: pl.DataFrame, min_agents: int) -> float | None:
    """The onsite AHT of the period as the KPI screen shows it; None when it shows none
    (no onsite contact, or the onsite group suppressed) or it is 0."""
    aht = _shown_aht(groups, min_agents)
    return aht.get("onsite") or None


def observed_aht_delta(groups: pl.DataFrame, min_agents: int) -> dict[str, float]:
    """aht_delta from the observed difference: AHT[mode] / AHT[onsite] - 1 for hybrid and
    remote, each where the screen shows its AHT; empty without an onsite AHT."""
    aht = _shown_aht(groups, min_agents)
    onsite = aht.get("onsite")
    if not onsite:
        return {}
    return {mode: value / onsite - 1 for mode in ("hybrid", "remote") if (value := aht.get(mode))}


def tenure_adjusted_aht_delta(groups: pl.DataFrame, min_agents: int) -> dict[str, float]:
    """aht_delta from the tenure-adjusted difference: the adjusted AHT difference against
    onsite (seconds) / onsite AHT, for each mode of `REPORT_COMPARISONS` that has one; empty
    without an onsite AHT."""
    onsite = onsite_aht(groups, min_agents)
    if not onsite:
        return {}
    delta = {}
    for group, versus in REPORT_COMPARISONS:
        [c] = compare(groups, group, versus, ["aht_seconds"], True, min_agents=min_agents)
        if c.tenure_adjusted_difference is not None:
            delta[group] = c.tenure_adjusted_difference / onsite
    return delta


def _shown_aht(groups: pl.DataFrame, min_agents: int) -> dict[str, float]:
    shown = kpi_groups(groups, _NO_ATTRITION, (), min_agents)
    return {r["work_mode"]: r["aht_seconds"] for r in shown.iter_rows(named=True)
            if not r["suppressed"] and r["aht_seconds"] is not None}


_NO_ATTRITION = pl.DataFrame(schema=ATTRITION_SCHEMA)


# -- report ---------------------------------------------------------------------------------


def kpi_section(inputs: KpiInputs, min_agents: int) -> dict[str, Any]:
    """The report's `kpi` keys: the groups by work mode and the mode comparisons."""
    groups = kpi_groups(inputs.groups, inputs.attrition, (), min_agents)
    comparisons = [
        comparison.as_report()
        for group, versus in REPORT_COMPARISONS
        for comparison in compare(inputs.groups, group, versus, COMPARED_KPIS, True, min_agents=min_agents)
    ]
    return {"groups": groups.to_dicts(), "comparisons": comparisons}
