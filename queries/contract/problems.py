"""A broken rule of the data contract, as the user reads it.

One `Problem` is one line of `wfplan check`: file, column, rule, how many rows, and up to
five examples. The same records feed `--format json`, the app's problems screen and
`wfplan report`'s refusal, so all of them say the same thing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from queries.format import visible

Severity = Literal["error", "warning"]
MAX_EXAMPLES = 5


@dataclass(frozen=True)
class Problem:
    file: str
    rule: str
    column: str | None = None
    rows: int | None = None
    examples: tuple[str, ...] = ()
    severity: Severity = "error"

    def line(self) -> str:
        where = f"{self.file}: {self.column}" if self.column else self.file
        text = f"{self.severity}: {where}: {self.rule}"
        if self.rows is not None:
            text += f" ({self.rows:,} row{'s' if self.rows != 1 else ''})"
        if self.examples:
            text += ", e.g. " + ", ".join(self.examples)
        # File names and examples come from the data: a newline in an id must not fake a
        # second problem line, nor an ESC sequence reach the terminal.
        return visible(text)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["examples"] = list(self.examples)
        return data
