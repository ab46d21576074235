"""Input validators that apply the same rules as the settings and scenario models.

A field in a dialog is checked by the pydantic field it fills, so "no negative money" or
"a share between 0 and 1" is written once, in `queries`, and the field says the same words
as a config or scenario file error would.

A share (a float field capped at 1: retain share, remote target, service level, ...) is typed
as planners type it: `60%`, `60` or `0.6` all mean 60%. A number above 1 can only be a
percentage, so it is read as one; the field then says how it read the value ("read as 60%").
"""

from __future__ import annotations

import math
import types
from typing import Annotated, Any, Union, cast, get_args, get_origin

from annotated_types import Le, Lt
from pydantic import BaseModel, TypeAdapter, ValidationError
from textual.validation import ValidationResult, Validator

from queries.config import rule_text


class ModelField(Validator):
    def __init__(self, model: type[BaseModel], field: str, *, optional: bool = False) -> None:
        super().__init__()
        self.optional = optional
        info = model.model_fields[field]
        annotation = info.annotation
        if get_origin(annotation) in (Union, types.UnionType):  # float | None: check the float
            annotation = next(a for a in get_args(annotation) if a is not type(None))
        self.is_list = get_origin(annotation) is list  # typed as "WA, ID" or "-8, -7"
        # A float capped at 1 is a share: the screens show it in percent, so it is typed so too.
        self.is_share = annotation is float and any(
            isinstance(m, Le) and m.le == 1 or isinstance(m, Lt) and m.lt == 1 for m in info.metadata)
        self._adapter: TypeAdapter[Any] = TypeAdapter(
            cast(Any, Annotated[annotation, *info.metadata] if info.metadata else annotation)
        )

    def validate(self, value: str) -> ValidationResult:
        if not value.strip() and not self.is_list:
            return self.success() if self.optional else self.failure("required")
        try:
            self.parse(value)
        except ShareError as err:
            return self.failure(str(err))
        except ValidationError as err:
            return self.failure(rule_text(err.errors()[0]))
        return self.success()

    def parse(self, value: str) -> Any:
        """The value as the model holds it; None for an empty optional field."""
        if self.is_list:
            return self._adapter.validate_python([part.strip() for part in value.split(",") if part.strip()])
        text = value.strip().replace(",", "").removeprefix("$")
        if not text:
            return None
        if self.is_share:
            return self._parse_share(text)
        return self._adapter.validate_python(text)

    def _parse_share(self, text: str) -> float:
        percent = text.endswith("%")
        try:
            number = float(text.removesuffix("%").strip())
        except ValueError:
            raise ShareError(f"must be a share like 60%, 60 or 0.6 (got {text!r})") from None
        if not math.isfinite(number):
            raise ShareError(f"must be a share like 60%, 60 or 0.6 (got {text!r})")
        if percent or abs(number) > 1:  # beyond 1 it can only mean percent
            number = round(number / 100, 12)  # 57.1 / 100 without float noise
        try:
            return float(self._adapter.validate_python(number))
        except ValidationError as err:
            raise ShareError(_share_rule(err.errors()[0], number)) from None

    def reading(self, value: str) -> str:
        """How a share field reads what was typed ("read as 60%"); "" for other fields,
        an empty or a wrong value."""
        if not self.is_share or not value.strip():
            return ""
        try:
            share = self.parse(value)
        except (ShareError, ValidationError):
            return ""
        return f"read as {percent(share)}"

    def shown(self, initial: str) -> str:
        """A share's starting text in percent ("0.8" shows as "80%"), as the screens show it."""
        if not self.is_share:
            return initial
        try:
            share = float(initial)
        except ValueError:
            return initial
        return percent(share) if math.isfinite(share) else initial


class ShareError(ValueError):
    """A share typed in a way that cannot be read, or out of its range, in percent."""


def percent(share: float) -> str:
    return f"{share * 100:.10g}%"


def _share_rule(error: dict[str, Any], number: float) -> str:
    """The model's rule in percent: "must be <= 100% (got 150%)"."""
    ctx, got = error.get("ctx", {}), f" (got {percent(number)})"
    match error["type"]:
        case "greater_than_equal":
            return f"must be >= {percent(ctx['ge'])}{got}"
        case "greater_than":
            return f"must be above {percent(ctx['gt'])}{got}"
        case "less_than_equal":
            return f"must be <= {percent(ctx['le'])}{got}"
        case "less_than":
            return f"must be below {percent(ctx['lt'])}{got}"
    return rule_text(error)


class KnownCodes(Validator):
    """A comma-separated list of codes, each one the data has (any case): "az" is AZ, and a
    code no row has is refused with the codes there are, not silently matched to nothing."""

    def __init__(self, what: str, known: list[str]) -> None:
        super().__init__()
        self.what, self.known = what, known

    def validate(self, value: str) -> ValidationResult:
        codes = [part.strip().upper() for part in value.split(",") if part.strip()]
        unknown = [c for c in codes if c not in self.known]
        if not unknown:
            return self.success()
        listed = ", ".join(self.known) if self.known else "none"
        return self.failure(f"no region has the {self.what} {', '.join(unknown)}; the data has {listed}")
