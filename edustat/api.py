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
from edustat.enrolment import EnrolmentReport
from edustat.enrolment import System as EnrolmentSystem
from edustat.exams import ExamReport, compute_exams
from edustat.indicators import Method, needed_columns
from edustat.norms import load_norms
from edustat.problems import InputError, Lang, Problem, has_errors
from edustat.schema import STAGES
from edustat.standards import StandardsReport, compute_standards
from edustat.units import school_units
from edustat.validate import validate_exams, validate_schools


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


def standards(paths: Sequence[Path], *, stages: Sequence[str] = STAGES,
              standards_file: Path | None = None, encoding: str | None = None,
              sheet: str | None = None, lang: Lang = "zh") -> StandardsReport:
    """Each school unit against the per-school quality-balance standards (SPEC §4)."""
    norms = load_norms(standards_file)
    # Class counts are not needed: a blank one leaves the class size empty with a note.
    valid = validate_schools(list(paths), needed=needed_columns("quality", tuple(stages)),
                             encoding=encoding, sheet=sheet)
    if not valid.ok:
        raise InputError(valid.problems)
    units = school_units(valid.frame, norms, tuple(stages))
    report = compute_standards(units, valid.frame, norms, lang=lang)
    report.problems = valid.problems
    return report


def exams(paths: Sequence[Path], *, schools: bool = False, encoding: str | None = None,
          sheet: str | None = None, lang: Lang = "zh") -> ExamReport:
    """Gaokao and zhongkao pass and admission rates of the exam tables in `paths` (SPEC §6)."""
    valid = validate_exams(list(paths), encoding=encoding, sheet=sheet)
    if not valid.ok:
        raise InputError(valid.problems)
    report = compute_exams(valid.frame, lang=lang, with_schools=schools)
    report.problems = valid.problems
    return report


def enrolment(paths: Sequence[Path], *, population: Path | None = None,
              system: EnrolmentSystem = "6-3", standards_file: Path | None = None,
              encoding: str | None = None, sheet: str | None = None,
              lang: Lang = "zh") -> EnrolmentReport:
    """Enrolment, retention and dropout rates per county and year (SPEC §5).

    `paths` are yearly school tables (any order); `population` is an optional population table
    (SPEC §2.2), which wins over the school tables' age-population columns. `sheet` applies to
    the school tables only.
    """
    from edustat.enrolment import check_minimum_keys, compute_enrolment
    from edustat.validate import (
        check_enrolment,
        column_present,
        validate_population,
        validate_schools,
    )

    norms = load_norms(standards_file)
    unknown = check_minimum_keys(norms)
    if unknown:
        raise InputError([Problem(file=str(standards_file), code="bad_standards",
                                  params={"field": f"rate_minimums.{key}",
                                          "reason": "not a rate of SPEC §5 / 不是第 5 节的比率"})
                          for key in unknown])
    valid = validate_schools(list(paths), needed={}, encoding=encoding, sheet=sheet)
    missing = check_enrolment(valid, system, population_given=population is not None)
    problems = list(valid.problems)
    people = None
    if population is not None:
        people = validate_population([population], encoding=encoding)
        problems += people.problems
    if has_errors(problems):
        raise InputError(problems)
    present = {column: column_present(valid, column) for column in missing}
    report = compute_enrolment(valid.frame, missing, present,
                               people.frame if people is not None else None, system, norms,
                               lang=lang)
    report.problems = problems
    return report
