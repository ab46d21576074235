"""What a scenario edit did, in a planner's words, for "Undid: close KEN" and "Redid: ...".

Undo and redo swap whole scenarios; a planner who pressed `u` on one screen must still learn
what changed on another (a site reopened, a target dropped). `describe_edit` compares the
scenario before an edit with the one after it, section by section.
"""

from __future__ import annotations

import math
from typing import Any

from queries.model.scenario import Scenario


def describe_edit(before: Scenario, after: Scenario) -> str:
    """The edit that turned `before` into `after`: "close KEN", "remote target 50% → 60%"."""
    parts = [*_closures(before, after), *_target(before, after), *_site_changes(before, after),
             *_parameters(before, after), *_aht(before, after)]
    if before.name != after.name:
        parts.append(f"rename to '{after.name}'")
    if before.description != after.description:
        parts.append("change the description")
    return "; ".join(parts) if parts else "an edit"


def _closures(before: Scenario, after: Scenario) -> list[str]:
    old = {c.site_id: c for c in before.closures}
    new = {c.site_id: c for c in after.closures}
    parts = [f"close {site}" for site in new if site not in old]
    parts += [f"reopen {site}" for site in old if site not in new]
    parts += [f"change the closure of {site}" for site in new if site in old and old[site] != new[site]]
    return parts


def _target(before: Scenario, after: Scenario) -> list[str]:
    old, new = before.remote_target, after.remote_target
    if old == new:
        return []
    if new is None:
        return ["remove the remote target"]
    if old is None:
        return [f"remote target {_percent(new.share)}"]
    parts = []
    if old.share != new.share:
        parts.append(f"remote target {_percent(old.share)} → {_percent(new.share)}")
    if old.conversions_per_month != new.conversions_per_month:
        parts.append(f"conversions a month {_value(old.conversions_per_month)} → {_value(new.conversions_per_month)}")
    if old.sites != new.sites:
        parts.append("change the remote target's sites")
    return parts


def _site_changes(before: Scenario, after: Scenario) -> list[str]:
    old = {c.site_id: c for c in before.site_changes}
    new = {c.site_id: c for c in after.site_changes}
    return [f"edit the costs of {site}" for site in sorted(old.keys() | new.keys()) if old.get(site) != new.get(site)]


def _parameters(before: Scenario, after: Scenario) -> list[str]:
    # ParameterChanges is built at run time (queries.model.scenario), so mypy cannot see its methods.
    old: dict[str, dict[str, Any]] = before.parameters.model_dump()
    new: dict[str, dict[str, Any]] = after.parameters.model_dump()
    parts = []
    for section in new:
        for key, value in new[section].items():
            if old.get(section, {}).get(key) != value:
                shown = "the configured value" if value is None else _value(value)
                parts.append(f"{section}.{key} = {shown}")
    return parts


def _aht(before: Scenario, after: Scenario) -> list[str]:
    old, new = before.aht_delta.model_dump(), after.aht_delta.model_dump()
    return [f"AHT delta {mode} {'none' if value is None else f'{value * 100:+.1f}%'}"
            for mode, value in new.items() if old.get(mode) != value]


def _percent(share: float) -> str:
    return f"{share * 100:.10g}%"


def _value(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value) or "none"
    if isinstance(value, float) and math.isfinite(value):
        return f"{value:g}"
    return "none" if value is None else str(value)
