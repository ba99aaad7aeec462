"""`edustat enrolment` from files: the school tables and the population table read and
validated, the derived columns the rates add up, and the rates held to the minimums.

`enrolment_inputs` is shared with `edustat figures`, which lists the rates as computed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from edustat.enrolment.compute import compute_enrolment
from edustat.enrolment.rates import System, check_minimum_keys
from edustat.enrolment.report import EnrolmentReport
from edustat.enrolment_inputs import dropout_columns, transfer_columns
from edustat.inputs import as_path, as_paths, refuse_other_tables
from edustat.norms import Norms, load_norms
from edustat.problems import InputError, Problem, has_errors
from edustat.texts import both
from edustat.validate import (
    ValidTable,
    check_enrolment,
    column_present,
    own_problems,
    validate_population,
    validate_schools,
)


def enrolment(paths: Sequence[Path | str] | Path | str, *, population: Path | str | None = None,
              system: System = "6-3", standards_file: Path | str | None = None,
              encoding: str | None = None, sheet: str | None = None) -> EnrolmentReport:
    """Enrolment, retention and dropout rates per county and year (SPEC §5).

    `paths` are yearly school tables (any order); `population` is an optional population table
    (SPEC §2.2), which wins over the school tables' age-population columns. `sheet` applies to
    the school tables only.
    """
    norms = enrolment_norms(as_path(standards_file))
    paths = as_paths(paths)
    valid = validate_schools(paths, needed={}, encoding=encoding, sheet=sheet,
                             teaching_points=norms.teaching_points)
    refuse_other_tables(valid, paths, "schools", encoding, sheet)
    population = as_path(population)
    people = (validate_population([population], encoding=encoding)
              if population is not None else None)
    return enrolment_of(valid, people, norms, system)


def enrolment_norms(standards_file: Path | None) -> Norms:
    """The norms, with their rate minimums checked against the rates of SPEC §5."""
    norms = load_norms(standards_file)
    unknown = check_minimum_keys(norms)
    if unknown:
        raise InputError([Problem(file=str(standards_file), code="bad_standards",
                                  params={"field": f"rate_minimums.{key}",
                                          "reason": both("enrolment_rate_check.not_a_rate")})
                          for key in unknown])
    return norms


def enrolment_of(valid: ValidTable, people: ValidTable | None, norms: Norms,
                 system: System) -> EnrolmentReport:
    """Enrolment rates of validated school rows and an optional validated population table."""
    frame, missing, present, population, problems = enrolment_inputs(valid, people, system)
    report = compute_enrolment(frame, missing, present, population, system, norms)
    report.problems = problems
    return report


def enrolment_inputs(valid: ValidTable, people: ValidTable | None, system: System
                     ) -> tuple[Any, dict[str, Any], dict[str, Any], Any, list[Problem]]:
    """What the rates are computed from: the school rows with the derived columns, which
    values are missing and which files have each column, the population rows, the problems."""
    valid = own_problems(valid)  # the enrolment checks add problems for this report only
    missing = check_enrolment(valid, system, population_given=people is not None)
    present = {column: column_present(valid, column) for column in missing}
    # Dropouts per stage and transfers per kind of school: columns derived from the rows.
    derived: dict[str, Any] = {}
    for values, more_missing, more_present in (dropout_columns(valid), transfer_columns(valid)):
        derived.update(values)
        missing.update(more_missing)
        present.update(more_present)
    problems = list(valid.problems) + (people.problems if people is not None else [])
    if has_errors(problems):
        raise InputError(problems)
    return (valid.frame.assign(**derived), missing, present,
            people.frame if people is not None else None, problems)
