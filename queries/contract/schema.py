"""The data contract of `spec/data-contract.md`, written down once.

Both the checks (`queries.contract.check`) and the engines' typed views (`queries.engines`) are
generated from the tables below, so a column, a type or a rule is changed in exactly one place.

A rule is a SQL predicate that is TRUE for a *breaking* row, over the typed view of its
table. Predicates are constants of this module, never built from user input.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pyarrow as pa

Kind = Literal["string", "int", "float", "date", "timestamp"]

@dataclass(frozen=True)
class Rule:
    """A value rule: `text` is what the user reads, `breaks` the SQL that finds the rows."""

    text: str
    breaks: str


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    nullable: bool = False
    rules: tuple[Rule, ...] = ()


@dataclass(frozen=True)
class Reference:
    column: str
    table: str
    target: str


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    # How one row is named in examples of a broken rule (SQL over the typed view).
    label: str
    unique: tuple[str, ...] = ()
    references: tuple[Reference, ...] = ()
    optional: bool = False

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def between(col: str, low: float, high: float) -> Rule:
    return Rule(f"must be between {_shown(low)} and {_shown(high)}", f"{col} < {low} OR {col} > {high}")


def _shown(bound: float) -> str:
    """A bound as a planner reads it: 1,000,000 rather than 1e+06."""
    return f"{int(bound):,}" if float(bound).is_integer() and abs(bound) >= 10_000 else f"{bound:g}"


def at_least(col: str, low: float) -> Rule:
    return Rule(f"must be >= {low:g}", f"{col} < {low}")


def above(col: str, low: float) -> Rule:
    return Rule(f"must be > {low:g}", f"{col} <= {low}")


# The contract's plausible ranges (spec/data-contract.md): beyond them a value is an export
# error, and letting it through would hang the staffing search, overflow a sum into "n/a",
# or run the monthly plan to the end of the calendar.
FIRST_DATE, LAST_DATE = "1900-01-01", "2200-12-31"
MAX_MONEY = 1e9  # USD a year for one site's lease, opex or break fee; the largest are ~1e7
MAX_WAGE = 1000.0  # USD an hour
MAX_SEATS = 100_000
# Contacts in one forecast interval of 15 to 60 minutes, one queue: a national network of
# 100,000 agents sees 150,000 in its busiest half hour; ten times that is still a search of a
# few dozen probes (queries/model/erlang.py), so the bound stops nonsense, not large networks.
MAX_CONTACTS = 1_000_000
MAX_AHT_SECONDS = 14_400  # four hours
# One agent's day: a million handle seconds allows for many chats at once; the KPI sums are
# exact DECIMAL sums (kpi_group_sums.sql), which these bounds keep from overflowing.
MAX_HANDLE_SECONDS = 1_000_000
MINUTES_PER_DAY = 1440


def in_dates(col: str) -> Rule:
    return Rule(f"must be between {FIRST_DATE} and {LAST_DATE}",
                f"{col} < DATE '{FIRST_DATE}' OR {col} >= DATE '{LAST_DATE}' + INTERVAL 1 DAY")


def wage(col: str) -> Rule:
    return Rule(f"must be > 0 and <= {MAX_WAGE:g}", f"{col} <= 0 OR {col} > {MAX_WAGE}")


def money_up_to(col: str, high: float) -> Rule:
    return Rule(f"must be between 0 and {high:,.0f}", f"{col} < 0 OR {col} > {high}")


def one_of(col: str, *values: str) -> Rule:
    listed = ", ".join(f"'{v}'" for v in values)
    return Rule(f"must be one of {', '.join(values)}", f"{col} NOT IN ({listed})")


SITES = Table(
    name="sites",
    label="site_id",
    unique=("site_id",),
    columns=(
        Column("site_id", "string"),
        Column("name", "string"),
        Column("city", "string"),
        Column("state", "string"),
        Column("lat", "float", rules=(between("lat", -90, 90),)),
        Column("lon", "float", rules=(between("lon", -180, 180),)),
        Column("opened", "date", rules=(in_dates("opened"),)),
        Column("status", "string", rules=(one_of("status", "open", "closing", "closed"),)),
        Column("seats", "int", rules=(Rule(f"must be > 0 and <= {MAX_SEATS:,}", f"seats <= 0 OR seats > {MAX_SEATS}"),)),
        Column("sqft", "int", nullable=True, rules=(at_least("sqft", 0),)),
        Column("lease_annual", "float", rules=(money_up_to("lease_annual", MAX_MONEY),)),
        Column("opex_annual", "float", rules=(money_up_to("opex_annual", MAX_MONEY),)),
        Column("lease_end", "date", nullable=True, rules=(in_dates("lease_end"),)),
        Column("lease_break_fee", "float", nullable=True, rules=(money_up_to("lease_break_fee", MAX_MONEY),)),
    ),
)

AGENTS = Table(
    name="agents",
    label="agent_id",
    unique=("agent_id",),
    references=(Reference("home_region", "regions", "region_id"),),
    columns=(
        Column("agent_id", "string"),
        Column("hire_date", "date", rules=(in_dates("hire_date"),)),
        Column(
            "term_date", "date", nullable=True,
            rules=(Rule("must be on or after hire_date", "term_date < hire_date"), in_dates("term_date")),
        ),
        Column("home_region", "string", nullable=True),
        Column("hourly_wage", "float", rules=(wage("hourly_wage"),)),
        Column("fte", "float", rules=(Rule("must be > 0 and <= 1", "fte <= 0 OR fte > 1"),)),
    ),
)

ASSIGNMENTS = Table(
    name="assignments",
    label="agent_id || ' from ' || CAST(start_date AS VARCHAR)",
    references=(
        Reference("agent_id", "agents", "agent_id"),
        Reference("site_id", "sites", "site_id"),
    ),
    columns=(
        Column("agent_id", "string"),
        Column("start_date", "date", rules=(in_dates("start_date"),)),
        Column(
            "end_date", "date", nullable=True,
            rules=(Rule("must be on or after start_date", "end_date < start_date"), in_dates("end_date")),
        ),
        Column("work_mode", "string", rules=(one_of("work_mode", "onsite", "remote", "hybrid"),)),
        Column(
            "site_id", "string", nullable=True,
            rules=(
                Rule(
                    "is required for onsite and hybrid assignments",
                    "site_id IS NULL AND work_mode IN ('onsite', 'hybrid')",
                ),
            ),
        ),
        Column(
            "onsite_days_per_week", "float", nullable=True,
            rules=(between("onsite_days_per_week", 0, 5),),
        ),
    ),
)

KPI_DAILY = Table(
    name="kpi_daily",
    label="agent_id || ' on ' || CAST(date AS VARCHAR)",
    unique=("date", "agent_id"),
    references=(Reference("agent_id", "agents", "agent_id"),),
    columns=(
        Column("date", "date", rules=(in_dates("date"),)),
        Column("agent_id", "string"),
        Column("contacts", "int", rules=(at_least("contacts", 0),)),
        Column("handle_seconds", "float", rules=(between("handle_seconds", 0, MAX_HANDLE_SECONDS),)),
        Column("fcr_eligible", "int", rules=(at_least("fcr_eligible", 0),)),
        Column(
            "fcr_resolved", "int",
            rules=(Rule("must be between 0 and fcr_eligible",
                        "fcr_resolved < 0 OR fcr_resolved > fcr_eligible"),),
        ),
        Column("csat_responses", "int", rules=(at_least("csat_responses", 0),)),
        Column(
            "csat_points", "float",
            rules=(Rule("must be between csat_responses and 5 x csat_responses",
                        "csat_points < csat_responses OR csat_points > 5 * csat_responses"),),
        ),
        Column("qa_evaluations", "int", rules=(at_least("qa_evaluations", 0),)),
        Column(
            "qa_points", "float",
            rules=(Rule("must be between 0 and 100 x qa_evaluations",
                        "qa_points < 0 OR qa_points > 100 * qa_evaluations"),),
        ),
        Column("scheduled_minutes", "float", rules=(between("scheduled_minutes", 0, MINUTES_PER_DAY),)),
        Column(
            "adherent_minutes", "float",
            rules=(Rule("must be between 0 and scheduled_minutes",
                        "adherent_minutes < 0 OR adherent_minutes > scheduled_minutes"),),
        ),
        Column("fraud_incidents", "int", rules=(at_least("fraud_incidents", 0),)),
    ),
)

REGIONS = Table(
    name="regions",
    label="region_id",
    unique=("region_id",),
    columns=(
        Column("region_id", "string"),
        Column("name", "string"),
        Column("state", "string"),
        Column("lat", "float", rules=(between("lat", -90, 90),)),
        Column("lon", "float", rules=(between("lon", -180, 180),)),
        Column("population", "int", rules=(at_least("population", 0),)),
        Column("labor_force", "int", rules=(at_least("labor_force", 0),)),
        Column("unemployment_rate", "float", rules=(between("unemployment_rate", 0, 1),)),
        Column("csr_employment", "int", rules=(at_least("csr_employment", 0),)),
        Column("csr_median_hourly_wage", "float", rules=(wage("csr_median_hourly_wage"),)),
        Column("broadband_share", "float", nullable=True, rules=(between("broadband_share", 0, 1),)),
        Column("utc_offset_hours", "float", rules=(between("utc_offset_hours", -12, 14),)),
    ),
)

FORECAST = Table(
    name="forecast",
    label="queue || ' at ' || CAST(interval_start AS VARCHAR)",
    optional=True,
    columns=(
        Column("queue", "string"),
        Column("interval_start", "timestamp", rules=(in_dates("interval_start"),)),
        Column(
            "interval_minutes", "int",
            rules=(Rule("must be 15, 30 or 60", "interval_minutes NOT IN (15, 30, 60)"),),
        ),
        Column("contacts", "float", rules=(between("contacts", 0, MAX_CONTACTS),)),
        Column("aht_seconds", "float", rules=(
            Rule(f"must be > 0 and <= {MAX_AHT_SECONDS:g}", f"aht_seconds <= 0 OR aht_seconds > {MAX_AHT_SECONDS}"),)),
    ),
)

TABLES: dict[str, Table] = {
    t.name: t for t in (SITES, AGENTS, ASSIGNMENTS, KPI_DAILY, REGIONS, FORECAST)
}


def type_name(arrow_type: pa.DataType) -> str:
    """A Parquet column's type as the messages name it (Arrow's names: string, int64, double, ...)."""
    if pa.types.is_dictionary(arrow_type):
        return type_name(arrow_type.value_type)
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type) or pa.types.is_string_view(arrow_type):
        return "string"
    if pa.types.is_binary(arrow_type) or pa.types.is_large_binary(arrow_type) or pa.types.is_binary_view(arrow_type):
        return "binary"
    if pa.types.is_date(arrow_type):
        return "date"
    if pa.types.is_timestamp(arrow_type):
        return "timestamp"
    if pa.types.is_boolean(arrow_type):
        return "boolean"
    if pa.types.is_decimal(arrow_type):
        return f"decimal({arrow_type.precision},{arrow_type.scale})"
    return str(arrow_type)  # int64, uint8, double, float, ...


def accepts(column: Column, arrow_type: pa.DataType) -> bool:
    """Whether a Parquet column of `arrow_type` (its footer's schema) fits the contract's column.

    The "Types" section of the contract: `int` is any integer width, `float` also takes any int
    (widened), `date` also takes a TIMESTAMP (its date part). A column written with no values at
    all has Arrow's type null: that fits any nullable column.
    """
    t = arrow_type.value_type if pa.types.is_dictionary(arrow_type) else arrow_type
    if pa.types.is_null(t):
        return column.nullable
    match column.kind:
        case "string":
            return bool(pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t))
        case "int":
            return bool(pa.types.is_integer(t))
        case "float":
            return bool(pa.types.is_float32(t) or pa.types.is_float64(t) or pa.types.is_integer(t))
        case "date":
            return bool(pa.types.is_date(t) or pa.types.is_timestamp(t))
        case "timestamp":
            return bool(pa.types.is_timestamp(t))
    return False
