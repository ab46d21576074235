"""A scenario: a named set of what-if changes on top of the baseline (spec/model.md).

The model mirrors the scenario TOML file: `parameters` holds any planning parameter under
the same tables and keys as the config file, then site closures, a remote-share target,
site cost changes and AHT deltas. Every section is optional and unknown keys are errors.
Scenarios are immutable: an edit makes a new one, which is what undo and redo keep.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any, cast

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, field_validator

from queries.config import Parameters, describe_error, read_toml
from queries.errors import ScenarioError as ScenarioError  # defined there: catching it needs no pydantic


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _optional_copy(model: type[BaseModel]) -> type[BaseModel]:
    """`model` with every field optional (None = keep the configured value), same rules."""
    fields: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            # One class for the annotation and the default: two copies would never compare equal.
            section = _optional_copy(annotation)
            fields[name] = (section, Field(default_factory=section))
        else:
            inner = Annotated[annotation, *field.metadata] if field.metadata else annotation
            fields[name] = (cast(Any, inner) | None, None)
    return create_model(f"{model.__name__}Changes", __base__=_Strict, **fields)


# Built at import from Parameters, so its fields are known only at run time.
ParameterChanges: Any = _optional_copy(Parameters)


class Closure(_Strict):
    site_id: str
    close_date: dt.date
    retain_share: float | None = Field(None, ge=0, le=1, allow_inf_nan=False)
    backfill_share: float | None = Field(None, ge=0, le=1, allow_inf_nan=False)


class RemoteTarget(_Strict):
    share: float = Field(ge=0, le=1, allow_inf_nan=False)
    sites: list[str] | None = None
    # Not in spec/model.md's example: the Headcount screen's transition pace, kept with
    # the target so that a saved scenario reopens with the same plan.
    conversions_per_month: int | None = Field(None, ge=0, le=1_000_000)


class SiteChange(_Strict):
    site_id: str
    # The data contract's range for the same columns: up to a billion USD.
    lease_annual: float | None = Field(None, ge=0, le=1e9, allow_inf_nan=False)
    opex_annual: float | None = Field(None, ge=0, le=1e9, allow_inf_nan=False)
    lease_break_fee: float | None = Field(None, ge=0, le=1e9, allow_inf_nan=False)


class AhtDelta(_Strict):
    # A share such as 0.03; above 10 (eleven times the forecast's AHT) it is a typo, and
    # the Erlang searches would be asked for absurd numbers of agents.
    onsite: float | None = Field(None, gt=-1, le=10, allow_inf_nan=False)
    hybrid: float | None = Field(None, gt=-1, le=10, allow_inf_nan=False)
    remote: float | None = Field(None, gt=-1, le=10, allow_inf_nan=False)


class Meta(_Strict):
    """What the data looked like when wfplan saved the scenario, to say what changed since.

    Files saved before `rows`, `data_from` and `data_to` were recorded still load.
    """

    as_of: dt.date | None = None
    data_fingerprint: str | None = None
    data_from: dt.date | None = None  # the first and last day with KPI data
    data_to: dt.date | None = None
    rows: dict[str, Annotated[int, Field(ge=0)]] | None = None  # rows per table, in the contract's order


class Scenario(_Strict):
    name: str = Field("Untitled", min_length=1, max_length=100)
    description: str = ""
    parameters: ParameterChanges = Field(default_factory=ParameterChanges)
    closures: list[Closure] = Field(default_factory=list)
    remote_target: RemoteTarget | None = None
    site_changes: list[SiteChange] = Field(default_factory=list)
    aht_delta: AhtDelta = Field(default_factory=AhtDelta)
    meta: Meta = Field(default_factory=Meta)

    @field_validator("parameters", mode="before")
    @classmethod
    def _no_privacy_floor(cls, value: Any) -> Any:
        # The privacy floor protects the agents, not a what-if: a scenario file that lowered
        # it made the app list 2-agent groups. Named here, not as an unknown key, so the
        # planner learns where it is set.
        if isinstance(value, dict) and "privacy" in value:
            keys = ", ".join(f"privacy.{k}" for k in value["privacy"]) if isinstance(value["privacy"], dict) else ""
            raise ValueError(
                f"{keys or 'privacy'}: the privacy floor is not a scenario parameter; only the config file sets it"
            )
        return value

    @field_validator("closures", "site_changes")
    @classmethod
    def _one_per_site(cls, items: list[Any]) -> list[Any]:
        seen: set[str] = set()
        for item in items:
            if item.site_id in seen:
                raise ValueError(f"site {item.site_id!r} is listed twice; keep one entry per site")
            seen.add(item.site_id)
        return items

    # -- what the scenario means -------------------------------------------------------------

    def effective_parameters(self, base: Parameters) -> Parameters:
        """The configured parameters with this scenario's changes on top."""
        merged = base.model_dump()
        for section, values in self.parameters.model_dump(exclude_none=True).items():
            if section != "privacy":  # never a scenario's to change (see _no_privacy_floor)
                merged[section].update(values)
        return Parameters.model_validate(merged)

    def closure(self, site_id: str) -> Closure | None:
        return next((c for c in self.closures if c.site_id == site_id), None)

    def site_change(self, site_id: str) -> SiteChange | None:
        return next((c for c in self.site_changes if c.site_id == site_id), None)

    @property
    def is_empty(self) -> bool:
        return self.model_dump(exclude={"name", "description", "meta"}) == Scenario().model_dump(
            exclude={"name", "description", "meta"}
        )

    # -- edits: each returns a new scenario ------------------------------------------------

    def with_closure(self, closure: Closure) -> Scenario:
        others = [c for c in self.closures if c.site_id != closure.site_id]
        return self.model_copy(update={"closures": [*others, closure]})

    def without_closure(self, site_id: str) -> Scenario:
        return self.model_copy(update={"closures": [c for c in self.closures if c.site_id != site_id]})

    def with_site_change(self, change: SiteChange) -> Scenario:
        others = [c for c in self.site_changes if c.site_id != change.site_id]
        keep = [change] if change.model_dump(exclude={"site_id"}, exclude_none=True) else []
        return self.model_copy(update={"site_changes": [*others, *keep]})

    def with_parameters(self, section: str, values: dict[str, Any]) -> Scenario:
        """Set parameters of one section (None removes a change); validated like the file."""
        data = self.parameters.model_dump()
        data[section].update(values)
        try:
            parameters = ParameterChanges.model_validate(data)
        except ValidationError as err:
            raise ScenarioError("; ".join(describe_error(e, ParameterChanges, "parameters") for e in err.errors())) from None
        return self.model_copy(update={"parameters": parameters})


def validate_against(scenario: Scenario, site_ids: set[str], source: str, as_of: dt.date | None = None) -> None:
    """Refer only to sites the data has (open or closing); with `as_of`, close every site
    after it: a closure is a plan, not a record, and one dated on or before as-of would
    claim savings and a payback for a past that the data says did not happen."""
    named = [("closures", c.site_id) for c in scenario.closures]
    named += [("site_changes", c.site_id) for c in scenario.site_changes]
    if scenario.remote_target and scenario.remote_target.sites:
        named += [("remote_target.sites", s) for s in scenario.remote_target.sites]
    for key, site_id in named:
        if site_id not in site_ids:
            known = ", ".join(sorted(site_ids))
            raise ScenarioError(f"{source}: {key}: unknown site {site_id!r} (open or closing sites: {known})")
    for closure in scenario.closures:
        if as_of is not None and closure.close_date <= as_of:
            raise ScenarioError(
                f"{source}: closures: {closure.site_id} closes on {closure.close_date}, on or before the as-of date "
                f"{as_of}; a closure is a plan, not a record: choose a close_date after {as_of}"
            )


def load_scenario(path: Path) -> Scenario:
    data = read_toml(path, ScenarioError)
    try:
        return Scenario.model_validate(data)
    except ValidationError as err:
        raise ScenarioError("\n".join(describe_error(e, Scenario, str(path)) for e in err.errors())) from None
