"""Messages the background loader posts to the app (workers never touch widgets)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:  # annotations only: importing this module must not import the core
    from queries.contract.check import CheckResult
    from queries.engines.protocol import Engine
    from queries.model.kpi import KpiInputs
    from queries.model.period import Period
    from queries.plan.loading import PlanData
    from queries.plan.scenario_file import DataStamp
    from queries.plan.session import PlanSession


@dataclass
class DataLoaded(Message):
    engine: Engine
    period: Period
    data: PlanData
    session: PlanSession
    scenario_error: str | None = None
    warnings: list[str] = field(default_factory=list)  # check lines of severity warning
    stamp: DataStamp | None = None  # row counts and dates, for scenario files' [meta]
    folder_state: tuple[Any, ...] | None = None  # the exports' stat when read (queries/contract/watch.py)


@dataclass
class ContractBroken(Message):
    result: CheckResult


@dataclass
class LoadProgress(Message):
    text: str


@dataclass
class KpisLoaded(Message):
    inputs: KpiInputs
