"""Problems found in the input, as data: file, spreadsheet row, column as written, value, message.

Messages are kept as a code plus parameters and worded from the text catalogue (`problem.<code>`
in `edustat/catalogue/problem.toml`) only when shown, so the same problem list serves the table,
JSON and CSV in either language.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from edustat.texts import Lang, t

Severity = Literal["error", "warning", "note"]


class Problem(BaseModel):
    """One problem in one place of one input file."""

    file: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    code: str
    severity: Severity = "error"
    params: dict[str, Any] = Field(default_factory=dict)

    def message(self, lang: Lang = "zh") -> str:
        """The message worded in `lang`."""
        params = {k: (v[lang] if isinstance(v, dict) and lang in v else v)
                  for k, v in self.params.items()}
        return t(f"problem.{self.code}", lang, **params)

    def as_record(self, lang: Lang = "zh") -> dict[str, Any]:
        """The problem as the flat record of the JSON/CSV problem list."""
        return {"file": self.file, "row": self.row, "column": self.column, "value": self.value,
                "severity": self.severity, "code": self.code, "message": self.message(lang)}


class InputError(Exception):
    """Raised when an input cannot be used at all; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def has_errors(problems: list[Problem]) -> bool:
    """True when any problem is an error (warnings and notes do not stop a run)."""
    return any(p.severity == "error" for p in problems)
