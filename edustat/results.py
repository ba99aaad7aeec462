"""The one result protocol every command's report follows.

A report is a pydantic model whose fields are the command's documented JSON. Besides the JSON it
gives its tables for CSV/XLSX (`sheets`, the first one is the CSV) and its exit code; the input's
problems ride along, excluded from the JSON. The command line never asks what kind of report it
holds: it calls these methods and the renderer registered for the report's type
(`edustat.render.registry`).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from edustat.problems import Problem, has_errors
from edustat.texts import Lang

EXIT_OK, EXIT_DATA, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3

Rows = list[dict[str, Any]]
Sheets = dict[str, Rows]


class Report(BaseModel):
    """A command's result: its JSON, its tables, its exit code; the input's problems ride along."""

    problems: list[Problem] = Field(default_factory=list, exclude=True)

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON as Python objects, values unrounded."""
        return self.model_dump()

    def to_json(self, indent: int | None = 1) -> str:
        """The documented JSON, values unrounded (serialized in pydantic's core)."""
        return self.model_dump_json(indent=indent)

    def to_json_bytes(self, indent: int | None = 1) -> bytes:
        """The documented JSON as UTF-8 bytes, for files: a province's report can run to
        hundreds of megabytes, and decoding it to text only to encode it again costs seconds."""
        return self.__pydantic_serializer__.to_json(self, indent=indent)

    def sheets(self, lang: Lang = "zh") -> Sheets:
        """The report's tables for CSV and XLSX, name -> rows; the first is what CSV holds."""
        return {"results": [self.to_dict()]}

    def failed(self) -> bool:
        """True when a verdict of the report failed (what --strict turns into exit 1)."""
        return False

    def exit_code(self, strict: bool = False) -> int:
        """0 done; 1 when the input has errors, or a verdict failed and `strict` is set."""
        if has_errors(self.problems):
            return EXIT_DATA
        return EXIT_DATA if strict and self.failed() else EXIT_OK
