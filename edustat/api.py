"""One function per command: read, validate, compute, and return a typed result.

These are the functions to call from Python; the command line is a thin layer over them. Each
raises `InputError` (carrying every problem found) when the input cannot be used.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from edustat.coefficients import CoefficientReport, compute_coefficients
from edustat.indicators import Method, needed_columns
from edustat.norms import load_norms
from edustat.problems import InputError, Lang, Problem, has_errors
from edustat.schema import STAGES
from edustat.units import school_units
from edustat.validate import validate_schools


class ValidationReport(BaseModel):
    """What `edustat validate` found: every problem of every file."""

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


def validate(paths: Sequence[Path], *, standard: Method | None = None,
             encoding: str | None = None, sheet: str | None = None) -> ValidationReport:
    """Validate school tables; with a standard, the columns it needs are required too."""
    needed = needed_columns(standard) if standard else {}
    valid = validate_schools(list(paths), needed=needed, encoding=encoding, sheet=sheet)
    return ValidationReport(files=[str(p) for p in paths], rows=len(valid.frame),
                            problems=valid.problems)


def coefficient(paths: Sequence[Path], *, standard: Method = "basic",
                stages: Sequence[str] = STAGES, standards_file: Path | None = None,
                encoding: str | None = None, sheet: str | None = None, lang: Lang = "zh",
                schools: bool = False) -> CoefficientReport:
    """Difference coefficients of the school tables in `paths` (SPEC §3)."""
    norms = load_norms(standards_file)
    valid = validate_schools(list(paths), needed=needed_columns(standard, tuple(stages)),
                             encoding=encoding, sheet=sheet)
    if not valid.ok:
        raise InputError(valid.problems)
    units = school_units(valid.frame, norms, tuple(stages))
    report = compute_coefficients(units, standard, norms, lang=lang, with_units=schools)
    report.problems = valid.problems
    return report
