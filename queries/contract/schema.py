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
    return Rule(f"must be between {low:g} and {high:g}", f"{col} < {low} OR {col} > {high}")


def at_least(col: str, low: float) -> Rule:
    return Rule(f"must be >= {low:g}", f"{col} < {low}")


def above(col: str, low: float) -> Rule:
    return Rule(f"must be > {low:g}", f"{col} <= {low}")


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
        Column("opened", "date"),
        Column("status", "string", rules=(one_of("status", "open", "closing", "closed"),)),
        Column("seats", "int", rules=(above("seats", 0),)),
        Column("sqft", "int", nullable=True, rules=(at_least("sqft", 0),)),
        Column("lease_annual", "float", rules=(at_least("lease_annual", 0),)),
        Column("opex_annual", "float", rules=(at_least("opex_annual", 0),)),
        Column("lease_end", "date", nullable=True),
        Column("lease_break_fee", "float", nullable=True, rules=(at_least("lease_break_fee", 0),)),
    ),
)

AGENTS = Table(
    name="agents",
    label="agent_id",
    unique=("agent_id",),
    references=(Reference("home_region", "regions", "region_id"),),
    columns=(
        Column("agent_id", "string"),
        Column("hire_date", "date"),
        Column(
            "term_date", "date", nullable=True,
            rules=(Rule("must be on or after hire_date", "term_date < hire_date"),),
        ),
        Column("home_region", "string", nullable=True),
        Column("hourly_wage", "float", rules=(above("hourly_wage", 0),)),
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
        Column("start_date", "date"),
        Column(
            "end_date", "date", nullable=True,
            rules=(Rule("must be on or after start_date", "end_date < start_date"),),
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
        Column("date", "date"),
        Column("agent_id", "string"),
        Column("contacts", "int", rules=(at_least("contacts", 0),)),
        Column("handle_seconds", "float", rules=(at_least("handle_seconds", 0),)),
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
        Column("scheduled_minutes", "float", rules=(at_least("scheduled_minutes", 0),)),
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
        Column("csr_median_hourly_wage", "float", rules=(above("csr_median_hourly_wage", 0),)),
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
        Column("interval_start", "timestamp"),
        Column(
            "interval_minutes", "int",
            rules=(Rule("must be 15, 30 or 60", "interval_minutes NOT IN (15, 30, 60)"),),
        ),
        Column("contacts", "float", rules=(at_least("contacts", 0),)),
        Column("aht_seconds", "float", rules=(above("aht_seconds", 0),)),
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
