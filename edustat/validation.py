"""`edustat validate`: every problem of school, exam and population tables, as one report.

The checks themselves are in `edustat.validate`; this module runs the checks each file's kind
needs and holds the report (`ValidationReport`: its JSON, tables and exit code).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from pydantic import Field

from edustat.indicators import Method, needed_columns
from edustat.inputs import as_paths
from edustat.problems import Problem, has_errors
from edustat.results import EXIT_DATA, EXIT_OK, EXIT_USAGE, USAGE_CODES, Report, Sheets
from edustat.texts import Lang
from edustat.validate import (
    table_kind,
    validate_exams,
    validate_population,
    validate_schools,
)


class ValidationReport(Report):
    """What `edustat validate` found: every problem of every file."""

    json_from_dict = True
    # The problems are the report itself: never repeated on standard error.
    problems_shown_in: ClassVar[tuple[str, ...]] = ("table", "json", "csv", "file")

    files: list[str]
    rows: int
    problems: list[Problem] = Field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no problem is an error."""
        return not has_errors(self.problems)

    def counts(self) -> dict[str, int]:
        """How many problems of each severity."""
        out = {"error": 0, "warning": 0, "note": 0}
        for problem in self.problems:
            out[problem.severity] += 1
        return out

    def to_dict(self, lang: Lang = "zh") -> dict[str, Any]:
        """The JSON of `validate`: files, rows, counts and the problem records."""
        return {"files": self.files, "rows": self.rows, "ok": self.ok, **self.counts(),
                "problems": [p.as_record(lang) for p in self.problems]}

    def to_rows(self, lang: Lang = "zh") -> list[dict[str, Any]]:
        """One flat record per problem, for CSV and XLSX."""
        return [p.as_record(lang) for p in self.problems]

    def sheets(self, lang: Lang = "zh") -> Sheets:
        """One table: every problem."""
        return {"problems": self.to_rows(lang)}

    def exit_code(self, strict: bool = False) -> int:
        """0 clean; 2 when a problem is the command line's (an unknown encoding or sheet);
        1 when the data has errors."""
        if self.ok:
            return EXIT_OK
        return EXIT_USAGE if any(p.code in USAGE_CODES for p in self.problems) else EXIT_DATA


def validate(paths: Sequence[Path | str] | Path | str, *, standard: Method | None = None,
             encoding: str | None = None, sheet: str | None = None,
             header_rows: tuple[int, int] | None = None,
             teaching_points: str | None = None) -> ValidationReport:
    """Validate tables of any kind — school, exam or population, told by each file's header.
    School tables must have what the coefficients need: of the method named, else of both
    methods, so that a clean `validate` means `coefficient` and `standards` run."""
    paths = as_paths(paths)
    kinds: dict[str, list[Path]] = {}
    for path in paths:
        kinds.setdefault(table_kind(path, encoding=encoding, sheet=sheet), []).append(path)
    needed = (needed_columns(standard) if standard
              else {**needed_columns("basic"), **needed_columns("quality")})
    checks = {"schools": lambda files: validate_schools(files, needed=needed, encoding=encoding,
                                                        sheet=sheet, header_rows=header_rows,
                                                        teaching_points=teaching_points),
              "exams": lambda files: validate_exams(files, encoding=encoding, sheet=sheet),
              "population": lambda files: validate_population(files, encoding=encoding,
                                                              sheet=sheet)}
    rows, problems = 0, []
    for kind, files in kinds.items():
        valid = checks[kind](files)
        rows += len(valid.frame)
        problems.extend(valid.problems)
    return ValidationReport(files=[str(p) for p in paths], rows=rows, problems=problems)
