"""wfplan's settings: one typed model, loaded from flags, environment, a TOML file and defaults.

Sources, highest first: command-line flags, environment variables (`WFPLAN_` prefix, `__`
between nesting levels, e.g. `WFPLAN_REMOTE__STIPEND_MONTHLY=75`), the TOML file (`--config`
or `WFPLAN_CONFIG`, else `config.toml` in the user config folder), then the defaults below,
which are the defaults of `spec/model.md`.

The planning parameters (`remote`, `labor`, `plan`, `privacy`, `hiring`, `scenario`,
`staffing`, `commute`, `optimize`) form their own model, `Parameters`, because a scenario file overrides the same
tables and keys. Every bad value becomes a `ConfigError` whose message names the source,
the key and the rule, so the CLI can print it and exit 2 without a traceback.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import tomllib
import typing
from collections.abc import Mapping
from contextvars import ContextVar
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, SettingsError

from queries.contract.location import RemoteFolder, parse_location
from queries.errors import ConfigError as ConfigError  # defined there: catching it needs no pydantic

ENV_PREFIX = "WFPLAN_"
CONFIG_ENV = "WFPLAN_CONFIG"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class RemoteParams(_Section):
    stipend_monthly: float = Field(50.0, ge=0, le=10_000, allow_inf_nan=False)
    """Home-office stipend paid to each remote agent, USD per month."""
    equipment_cost: float = Field(1500.0, ge=0, le=100_000, allow_inf_nan=False)
    """One-time equipment cost per agent who becomes or is hired remote, USD."""
    equipment_life_years: float = Field(3.0, ge=0.5, le=20, allow_inf_nan=False)
    """Years over which equipment is written off."""
    it_security_annual: float = Field(300.0, ge=0, le=100_000, allow_inf_nan=False)
    """IT and security cost per remote or hybrid agent, USD per year."""
    wage_delta_hourly: float = Field(0.0, ge=-100, le=100, allow_inf_nan=False)
    """Hourly wage change for agents who become or are hired remote, USD (may be negative;
    a scenario that takes a wage to 0 or below is refused)."""


class LaborParams(_Section):
    paid_hours_per_fte: float = Field(2080.0, ge=100, le=8760, allow_inf_nan=False)
    """Paid hours per full-time equivalent per year (100 to 8760, the hours of a year)."""


class PlanParams(_Section):
    remote_target_share: float = Field(0.5, ge=0, le=1, allow_inf_nan=False)
    """Target share of remote agents in the headcount."""
    hybrid_onsite_days: float = Field(2.0, ge=0, le=5, allow_inf_nan=False)
    """Onsite days per week for hybrid agents whose assignment leaves it empty."""
    horizon_months: int = Field(36, ge=1, le=120)
    """Months the plan over time covers, from the month after the as-of month."""
    discount_rate: float = Field(0.08, ge=0, le=1, allow_inf_nan=False)
    """Annual discount rate of the plan's net present value."""


class PrivacyParams(_Section):
    min_group_agents: int = Field(5, ge=1, le=1_000_000)
    """KPI groups with fewer distinct agents than this are suppressed."""


class HiringParams(_Section):
    cost_per_hire: float = Field(5000.0, ge=0, le=1_000_000, allow_inf_nan=False)
    """Recruiting and onboarding cost per hire, USD."""
    commute_radius_km: float = Field(50.0, ge=0, le=20_000, allow_inf_nan=False)
    """Regions within this distance of an open site are in onsite reach."""
    allowed_states: list[str] = Field(default_factory=list)
    """States remote agents may be hired in; empty means all."""
    min_broadband_share: float = Field(0.0, ge=0, le=1, allow_inf_nan=False)
    """Minimum share of households with broadband for remote hiring."""
    utc_offsets: list[float] = Field(default_factory=list)
    """Standard-time UTC offsets remote agents may be hired in; empty means all."""
    max_median_wage: float | None = Field(None, gt=0, le=1000, allow_inf_nan=False)
    """Skip regions whose CSR median hourly wage is above this; unset means no cap."""


class ScenarioDefaults(_Section):
    retain_share: float = Field(0.8, ge=0, le=1, allow_inf_nan=False)
    """Share of a closed site's agents kept as remote agents."""
    backfill_share: float = Field(1.0, ge=0, le=1, allow_inf_nan=False)
    """Share of a closed site's leavers replaced by remote hires."""


class StaffingParams(_Section):
    service_level: float = Field(0.8, gt=0, lt=1, allow_inf_nan=False)
    """Share of contacts to answer within answer_seconds."""
    answer_seconds: float = Field(20.0, gt=0, le=3600, allow_inf_nan=False)
    """Service-level threshold, seconds (at most an hour)."""
    shrinkage: float = Field(0.3, ge=0, lt=1, allow_inf_nan=False)
    """Share of paid time not available for contacts."""
    max_occupancy: float | None = Field(None, ge=0.5, le=1, allow_inf_nan=False)
    """Cap on traffic / agents, 0.5 to 1 (real caps are 0.75 to 0.95); unset means no cap."""
    patience_seconds: float | None = Field(None, gt=0, le=3600, allow_inf_nan=False)
    """Average customer patience, seconds (at most an hour); set to use Erlang A instead of Erlang C."""


class CommuteParams(_Section):
    """The agents' commute that remote work saves (spec/model.md, "Commute")."""

    road_factor: float = Field(1.3, ge=1, le=3, allow_inf_nan=False)
    """Road km per great-circle km: roads are never shorter than the straight line."""
    min_one_way_km: float = Field(19.0, ge=0, allow_inf_nan=False)
    """Shortest one-way commute counted, km: a home region around the site still means a commute."""
    max_km: float = Field(150.0, gt=0, allow_inf_nan=False)
    """Home region centroids farther than this from the site (great-circle km) cannot commute daily."""
    work_weeks: float = Field(48.0, ge=0, le=52, allow_inf_nan=False)
    """Weeks a year an agent works (52 less vacation and holidays)."""
    speed_kmh: float = Field(50.0, gt=0, allow_inf_nan=False)
    """Average door-to-door commute speed, km per hour."""
    cost_per_km: float = Field(0.43, ge=0, allow_inf_nan=False)
    """What a km of driving costs the agent (fuel, wear, insurance), USD."""
    co2_kg_per_km: float = Field(0.25, ge=0, allow_inf_nan=False)
    """CO2 a km of driving emits, kg."""


class OptimizeParams(_Section):
    target_share: float | None = Field(None, ge=0, le=1, allow_inf_nan=False)
    """Remote share the closure plan must reach by target_month; unset means no target."""
    target_month: dt.date | None = None
    """Date by whose month the target share is reached; unset means the horizon's last month."""
    max_closures_per_quarter: int | None = Field(None, ge=0)
    """At most this many closures in each quarter of the horizon (months 1-3, 4-6, ...); unset means no limit."""
    one_time_budget_per_year: float | None = Field(None, ge=0, allow_inf_nan=False)
    """One-time costs allowed in each year of the horizon (months 1-12, 13-24, ...), USD; unset means no limit."""
    keep_sites: list[str] = Field(default_factory=list)
    """Sites the closure plan must keep open."""


class Parameters(_Section):
    """The planning parameters of `spec/model.md`; a scenario overrides any of them."""

    remote: RemoteParams = Field(default_factory=RemoteParams)
    labor: LaborParams = Field(default_factory=LaborParams)
    plan: PlanParams = Field(default_factory=PlanParams)
    privacy: PrivacyParams = Field(default_factory=PrivacyParams)
    hiring: HiringParams = Field(default_factory=HiringParams)
    scenario: ScenarioDefaults = Field(default_factory=ScenarioDefaults)
    staffing: StaffingParams = Field(default_factory=StaffingParams)
    commute: CommuteParams = Field(default_factory=CommuteParams)
    optimize: OptimizeParams = Field(default_factory=OptimizeParams)


class DuckDBSettings(_Section):
    # DuckDB starts every thread asked for: a typo like 100000 would exhaust the machine.
    threads: int | None = Field(None, ge=1, le=256)
    """DuckDB worker threads (1 to 256); unset lets DuckDB use every core."""
    memory_limit: str | None = Field(
        "1GB", pattern=r"^\s*(0*[1-9]\d*(\.\d+)?|0*\.\d*[1-9]\d*)\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$"
    )
    """DuckDB memory limit such as "2GB", at least 64MB (default 1GB: the machine is shared
    over SSH; beyond it DuckDB spills to disk in wfplan's cache folder, never the data folder)."""

    @field_validator("memory_limit")
    @classmethod
    def _enough_memory(cls, value: str | None) -> str | None:
        # Below a few MB DuckDB cannot read a Parquet footer, and every table would read as
        # "cannot read: Out of Memory Error", blaming the data for a setting.
        if value is not None and _bytes(value) < _MIN_MEMORY_BYTES:
            raise ValueError(f"must be at least 64MB (got {value!r})")
        return value


_MIN_MEMORY_BYTES = 64 * 1000**2
_UNITS = {"B": 1, "KB": 1000, "MB": 1000**2, "GB": 1000**3, "TB": 1000**4,
          "KiB": 1024, "MiB": 1024**2, "GiB": 1024**3, "TiB": 1024**4}


def _bytes(size: str) -> float:
    """'512MB' -> 512e6, as DuckDB reads memory_limit (the pattern above has checked it)."""
    text = size.strip()
    unit = next(u for u in sorted(_UNITS, key=len, reverse=True) if text.endswith(u))
    return float(text.removesuffix(unit).strip()) * _UNITS[unit]


class SparkSettings(_Section):
    """`[engine.spark]`: where Spark runs. With neither `remote` nor `master`, a local session."""

    remote: str | None = None
    """Spark Connect endpoint such as "sc://spark-gw.example:15002" (how a laptop or jump host reaches a cluster)."""
    master: str | None = Field(None, min_length=1)
    """Spark master URL for a session of its own: "local[*]" (the default), "spark://host:7077", "yarn"."""
    conf: dict[str, str] = Field(default_factory=dict)
    """`[engine.spark.conf]`: Spark settings passed through as they are, e.g. "spark.executor.memory" = "8g"."""

    @field_validator("remote")
    @classmethod
    def _connect_address(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"sc://\S+", value):
            raise ValueError(f"must be a Spark Connect address like sc://host:15002 (got {value!r})")
        return value

    @model_validator(mode="after")
    def _one_way_in(self) -> SparkSettings:
        if self.remote and self.master:
            raise ValueError("set remote (Spark Connect) or master, not both")
        return self


class EngineSettings(_Section):
    """`[engine]`: which engine runs the queries, and each engine's own options under it."""

    name: Literal["duckdb", "spark"] = "duckdb"
    """The query engine: "duckdb" (embedded, the default) or "spark" (pip install 'wfplan[spark]')."""
    duckdb: DuckDBSettings = Field(default_factory=DuckDBSettings)
    """`[engine.duckdb]`: threads and memory limit."""
    spark: SparkSettings = Field(default_factory=SparkSettings)
    """`[engine.spark]`: remote or master, and Spark settings under `[engine.spark.conf]`."""


class KpiSettings(_Section):
    primary: Literal["fcr", "csat", "aht_seconds", "qa", "adherence", "fraud_per_100k_contacts"] = "fcr"
    """The KPI shown first and charted: judge remote work on resolution, not only speed."""


PARAMETER_SECTIONS = tuple(Parameters.model_fields)


class Settings(BaseSettings, Parameters):
    """Everything wfplan can be configured with: the planning parameters and the app's own."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter="__",
        extra="forbid",
        validate_assignment=True,
    )

    data_folder: Path | RemoteFolder | None = None
    """Folder of Parquet exports, or its URI (file://, or s3a://, abfss://, gs://, hdfs:// for the
    Spark engine); unset uses the demo folder in the user cache."""
    scenarios_folder: Path | None = None
    """Where scenario files are saved; unset uses the user data folder."""
    exports_folder: Path | None = None
    """Where tables exported from the screens (ctrl+e) go; unset uses the user data folder."""
    engine: EngineSettings = Field(default_factory=EngineSettings)
    duckdb: DuckDBSettings | None = None
    """Deprecated: the same keys now live in `[engine.duckdb]`; still read (see `deprecations`)."""
    kpi: KpiSettings = Field(default_factory=KpiSettings)

    @field_validator("data_folder", mode="before")
    @classmethod
    def _data_location(cls, value: object) -> object:
        # A URI is kept whole: Path("s3a://b/x") would make it s3a:/b/x.
        if isinstance(value, str):
            return parse_location(value)
        if isinstance(value, Path):
            return value.expanduser()
        return value

    @model_validator(mode="after")
    def _old_duckdb_section(self) -> Settings:
        # `[duckdb]` from before `[engine]`: its keys still apply, where `[engine.duckdb]`
        # does not set them itself.
        if self.duckdb is not None:
            given = self.engine.duckdb.model_fields_set
            old = {k: v for k, v in self.duckdb.model_dump(exclude_unset=True).items() if k not in given}
            if old:
                merged = self.engine.duckdb.model_copy(update=old)
                object.__setattr__(self.engine, "duckdb", merged)
        return self

    @property
    def deprecations(self) -> list[str]:
        """Notes on settings that still work but have moved, for the CLI and the app to show."""
        if self.duckdb is None:
            return []
        return ["the [duckdb] settings section is deprecated: name it [engine.duckdb] "
                "(environment: WFPLAN_ENGINE__DUCKDB__...); it is still read"]

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, _TomlSource(settings_cls))

    @property
    def parameters(self) -> Parameters:
        return Parameters(**{name: getattr(self, name) for name in PARAMETER_SECTIONS})


# The TOML file is parsed by `load_settings` (so syntax errors name the file) and handed to
# the settings source through this variable: pydantic-settings builds sources per class.
_toml_data: ContextVar[Mapping[str, Any]] = ContextVar("_toml_data", default=MappingProxyType({}))


class _TomlSource(PydanticBaseSettingsSource):
    """Feeds the already-parsed TOML file to pydantic-settings."""

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return _toml_data.get().get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return dict(_toml_data.get())


def default_config_path() -> Path:
    from platformdirs import user_config_path

    return user_config_path("wfplan") / "config.toml"


def load_settings(config_path: Path | None = None, overrides: dict[str, Any] | None = None) -> Settings:
    """Build the settings from every source, or raise `ConfigError` saying what is wrong.

    `overrides` are the command-line flags as nested dicts, e.g. {"data_folder": Path(...)}.
    `config_path` None means `WFPLAN_CONFIG`, else the user config file if it exists.
    """
    env = dict(os.environ)
    overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
    explicit = config_path or (Path(env[CONFIG_ENV]) if env.get(CONFIG_ENV) else None)
    path = explicit or default_config_path()
    file_data: dict[str, Any] = {}
    if explicit is not None and path.is_dir():
        raise ConfigError(f"config file {path} is a folder, not a file")
    if explicit is not None and not path.is_file():
        raise ConfigError(f"config file {path} does not exist")
    if path.is_file():
        file_data = read_toml(path)
    _check_env_names(env)

    token = _toml_data.set(file_data)
    try:
        return Settings(**overrides)
    except SettingsError as err:
        # pydantic-settings reads list and table values from the environment as JSON.
        names = [name for name in env if name.startswith(ENV_PREFIX) and name != CONFIG_ENV]
        field = str(err).split('"')[1] if '"' in str(err) else ""
        culprit = next((n for n in names if n.removeprefix(ENV_PREFIX).lower().startswith(field)), field)
        raise ConfigError(
            f"environment {culprit}: lists and tables must be written as JSON, "
            f'e.g. WFPLAN_HIRING__ALLOWED_STATES=\'["WA", "ID"]\''
        ) from None
    except ValidationError as err:
        raise ConfigError(
            "\n".join(
                describe_error(e, Settings, _source_of(e["loc"], overrides, env, file_data, path))
                for e in err.errors()
            )
        ) from None
    finally:
        _toml_data.reset(token)


def read_toml(path: Path, error: type[Exception] = ConfigError) -> dict[str, Any]:
    """A TOML file as a dict, or `error` with a message naming the file and what is wrong."""
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as err:
        raise error(f"{path}: not valid TOML: {err}") from None
    except UnicodeDecodeError:
        raise error(f"{path}: not valid TOML: the file is not UTF-8 text") from None
    except RecursionError:  # tomllib parses nested arrays and tables recursively
        raise error(f"{path}: not valid TOML: arrays or tables are nested too deeply") from None
    except OSError as err:
        raise error(f"{path}: cannot read: {err.strerror}") from None


def _check_env_names(env: dict[str, str]) -> None:
    """A misspelled top-level variable (WFPLAN_DATA_FOLDR) would otherwise be ignored silently."""
    known = {ENV_PREFIX + name.upper() for name in Settings.model_fields} | {CONFIG_ENV}
    for name in env:
        if not name.startswith(ENV_PREFIX) or name in known:
            continue
        top = name.split("__", 1)[0]
        if top in known:
            continue  # nested keys are checked by the model
        hint = _nearest(name, known)
        raise ConfigError(
            f"environment {name}: unknown setting" + (f" (did you mean {hint}?)" if hint else "")
        )


def _source_of(
    loc: tuple[Any, ...], overrides: dict[str, Any], env: dict[str, str], file_data: dict[str, Any], path: Path
) -> str:
    if _lookup(overrides, loc):
        return "command line"
    # The variable that set this key: the full name, or the nearest enclosing one.
    for depth in range(len(loc), 0, -1):
        env_name = ENV_PREFIX + "__".join(str(p).upper() for p in loc[:depth])
        if env_name in env:
            return f"environment {env_name}"
    if _lookup(file_data, loc):
        return str(path)
    return "settings"


def _lookup(data: Any, loc: tuple[Any, ...]) -> bool:
    for part in loc:
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return False
    return True


def describe_error(error: Mapping[str, Any], model: type[BaseModel], source: str) -> str:
    """One pydantic error as '<source>: <key>: <rule>', with the nearest key for typos."""
    loc = tuple(str(p) for p in error["loc"] if not isinstance(p, int))
    # List positions count from 1, as a planner counts [[closures]] blocks or list items.
    key = "".join(f" #{p + 1}" if isinstance(p, int) else f".{p}" for p in error["loc"]).lstrip(".")
    if error["type"] == "extra_forbidden":
        valid = _valid_keys(model, loc[:-1])
        hint = _nearest(loc[-1], valid)
        prefix = ".".join(loc[:-1])
        suggestion = f" (did you mean {prefix + '.' if prefix else ''}{hint}?)" if hint else ""
        return f"{source}: {key}: unknown key{suggestion}"
    return f"{source}: {key}: {rule_text(error)}"


def rule_text(error: Mapping[str, Any]) -> str:
    ctx = error.get("ctx", {})
    got = f" (got {error['input']!r})" if "input" in error and not isinstance(error["input"], dict) else ""
    match error["type"]:
        case "greater_than_equal":
            return f"must be >= {ctx['ge']:g}{got}"
        case "greater_than":
            return f"must be > {ctx['gt']:g}{got}"
        case "less_than_equal":
            return f"must be <= {ctx['le']:g}{got}"
        case "less_than":
            return f"must be < {ctx['lt']:g}{got}"
        case "finite_number":
            return f"must be a finite number{got}"
        case "float_parsing" | "float_type":
            return f"must be a number{got}"
        case "int_parsing" | "int_type" | "int_from_float":
            return f"must be a whole number{got}"
        case "string_pattern_mismatch":
            return f"must be a size above 0 like 2GB or 512MB{got}"
        case "value_error":
            return str(ctx.get("error", error["msg"]))
        case "date_parsing" | "date_from_datetime_parsing" | "date_type" | "date_from_datetime_inexact":
            return f"must be a date like 2026-12-31{got}"
        case "literal_error":
            return f"must be one of {ctx.get('expected', '')}{got}"
        case "list_type":
            return f"must be a list{got}"
        case "model_type" | "dict_type":
            return f"must be a table of keys{got}"
        case _:
            msg = str(error["msg"])
            return msg[0].lower() + msg[1:] + got


def _valid_keys(model: type[BaseModel], path: tuple[str, ...]) -> list[str]:
    for part in path:
        field = model.model_fields.get(part)
        annotation = getattr(field, "annotation", None)
        # An optional section (`X | None`) lists the keys of X.
        candidates = [annotation, *typing.get_args(annotation)]
        found = next((c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None)
        if found is None:
            return []
        model = found
    return list(model.model_fields)


def _nearest(word: str, candidates: Any) -> str | None:
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None
