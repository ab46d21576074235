"""Input validators that apply the same rules as the settings and scenario models.

A field in a dialog is checked by the pydantic field it fills, so "no negative money" or
"a share between 0 and 1" is written once, in `queries`, and the field says the same words
as a config or scenario file error would.
"""

from __future__ import annotations

import types
from typing import Annotated, Any, Union, cast, get_args, get_origin

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
        self._adapter: TypeAdapter[Any] = TypeAdapter(
            cast(Any, Annotated[annotation, *info.metadata] if info.metadata else annotation)
        )

    def validate(self, value: str) -> ValidationResult:
        if not value.strip() and not self.is_list:
            return self.success() if self.optional else self.failure("required")
        try:
            self.parse(value)
        except ValidationError as err:
            return self.failure(rule_text(err.errors()[0]))
        return self.success()

    def parse(self, value: str) -> Any:
        """The value as the model holds it; None for an empty optional field."""
        if self.is_list:
            return self._adapter.validate_python([part.strip() for part in value.split(",") if part.strip()])
        text = value.strip().replace(",", "").removeprefix("$")
        return None if not text else self._adapter.validate_python(text)
