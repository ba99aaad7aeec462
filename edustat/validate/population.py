"""Enrolment inputs: grade and age columns of the school table, the population table (SPEC §2.1,
§2.2, §5)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from edustat.problems import Problem
from edustat.reader import FILE, ROW
from edustat.schema import (
    SCHOOL_TYPE_STAGES,
    STAGE_ZH,
)

if TYPE_CHECKING:
    import numpy as np
from edustat.texts import both
from edustat.validate.core import (
    STUDENT_COLUMNS,
    ValidTable,
    _frame_problems,
    check_duplicates,
    column_present,
    load_tables,
    validate_table,
)

# Columns the enrolment rates read, each with the stage(s) of the schools that must report it;
# the grade columns are added per school system (their stage depends on 6-3 or 5-4).
_ENROLMENT_STAGE_COLUMNS: dict[str, tuple[str, ...]] = {
    "primary_students": ("primary",),
    "junior_students": ("junior",),
    "primary_age_enrolled": ("primary",),
    "primary_age_population": ("primary",),
    "junior_age_population": ("junior",),
    # Dropouts (per stage, or one column for a single-stage school) and cohort transfers are
    # checked by edustat.enrolment_inputs.
}
_POPULATION_COLUMNS = ("primary_age_population", "junior_age_population")


def enrolment_columns(system: str) -> dict[str, tuple[str, ...]]:
    """Every column the enrolment rates read, with the stages whose schools must report it."""
    from edustat.schema import SYSTEM_GRADES, grade_column

    columns = {grade_column(g): (stage,) for stage, grades in SYSTEM_GRADES[system].items()
               for g in grades}
    return {**dict(sorted(columns.items())), **_ENROLMENT_STAGE_COLUMNS}


def _stage_rows(valid: ValidTable) -> dict[str, np.ndarray]:
    """Per compulsory stage, the rows whose (given or inferred) school type teaches it."""
    types = valid.frame["school_type"]
    return {stage: types.map({t: stage in taught for t, taught in SCHOOL_TYPE_STAGES.items()})
            .eq(True).to_numpy(dtype=bool) for stage in ("primary", "junior")}


def check_enrolment(valid: ValidTable, system: str, *, population_given: bool = False
                    ) -> dict[str, np.ndarray]:
    """Enrolment checks on validated school rows; per column, the rows lacking a needed value.

    Grade counts that do not add up to their stage total are errors: one of the two figures is
    wrong (or the school system is), and the rates would then disagree with each other. A blank
    where a school's stages need a value is a warning: it is never taken as 0, so the rates that
    use it are reported as not computable, while every other rate can still be computed.
    """
    import numpy as np

    columns = enrolment_columns(system)
    missing: dict[str, np.ndarray] = {}
    if not len(valid.frame):
        return {column: np.zeros(0, dtype=bool) for column in columns}
    teaches = _stage_rows(valid)
    _check_grade_totals(valid, system, teaches)
    reported = {(p.file, p.row, p.column) for p in valid.problems if p.row is not None}
    files = valid.frame[FILE].to_numpy(dtype=object)
    rows = valid.frame[ROW].to_numpy()
    for column, stages in columns.items():
        blank = np.isnan(valid.frame[column].to_numpy(dtype=float))
        needed_blank = blank & np.logical_or.reduce([teaches[s] for s in stages])
        missing[column] = needed_blank
        if population_given and column in _POPULATION_COLUMNS:
            continue  # the population table is the source; the school column is only a fallback
        warn = needed_blank & column_present(valid, column)
        for pos in np.flatnonzero(warn):
            # A cell already reported (not a number, say) needs no second problem.
            if (files[pos], int(rows[pos]), valid.header(files[pos], column)) in reported:
                warn[pos] = False
        _frame_problems(valid, column, warn, "blank_not_zero", severity="warning")
    return missing


def _check_grade_totals(valid: ValidTable, system: str, teaches: dict[str, np.ndarray]) -> None:
    """Each stage's grade counts must add up to its student total, where all are given."""
    import numpy as np

    from edustat.schema import SYSTEM_GRADES, SYSTEM_ZH, grade_column

    frame = valid.frame
    for stage, grades in SYSTEM_GRADES[system].items():
        # A school that does not teach the stage leaves its cells blank: that is 0 students,
        # so a count written in a grade it does not teach is caught too.
        outside = ~teaches[stage][:, None]
        counts = np.column_stack([frame[grade_column(g)].to_numpy(dtype=float) for g in grades])
        counts = np.where(np.isnan(counts) & outside, 0.0, counts)
        complete = ~np.isnan(counts).any(axis=1)
        grade_sum = counts.sum(axis=1)
        total = frame[STUDENT_COLUMNS[stage]].to_numpy(dtype=float)
        total = np.where(np.isnan(total) & outside[:, 0], 0.0, total)
        wrong = complete & ~np.isnan(total) & (grade_sum != total)
        first, last = _GRADE_NAMES[grades[0] - 1], _GRADE_NAMES[grades[-1] - 1]
        _frame_problems(valid, STUDENT_COLUMNS[stage], wrong, "grades_not_total",
                        params={"grades_zh": f"{first}至{last}年级",
                                "grades_en": f"grades {grades[0]}-{grades[-1]}",
                                "total_zh": STAGE_ZH[stage] + "在校生数",
                                "total_en": STUDENT_COLUMNS[stage],
                                "system_zh": SYSTEM_ZH[system], "system_en": system},
                        per_row={"sum": grade_sum, "total": total})


_GRADE_NAMES = "一二三四五六七八九"


def validate_population(paths: list[Path], *, encoding: str | None = None,
                        sheet: str | None = None) -> ValidTable:
    """Read and validate population tables (SPEC §2.2); (county, year) must be unique."""
    import numpy as np

    from edustat.schema import POPULATION

    raws, read_problems = load_tables(paths, POPULATION, encoding=encoding, sheet=sheet)
    valid = validate_table(raws, POPULATION)
    valid.problems[:0] = read_problems
    if not len(valid.frame):
        return valid
    why = both("problem.why.population_column")
    for raw in raws:
        if not any(column in raw.written for column in _POPULATION_COLUMNS):
            for column in _POPULATION_COLUMNS:
                spec = POPULATION.column(column)
                valid.problems.append(Problem(file=raw.file, row=None, column=spec.zh,
                                              code="missing_column",
                                              params={"zh": spec.zh, "name": spec.name,
                                                      "why": why}))
        if "year" not in raw.written and raw.year_from_name is None:
            spec = POPULATION.column("year")
            valid.problems.append(Problem(
                file=raw.file, row=None, column=spec.zh, code="missing_column",
                params={"zh": spec.zh, "name": spec.name,
                        "why": both("problem.why.no_year_in_name")}))
    blank_year = np.isnan(valid.frame["year"].to_numpy(dtype=float)) & column_present(valid, "year")
    _frame_problems(valid, "year", blank_year, "missing_value",
                    params={"why": both("problem.why.population_key")})
    check_duplicates(valid, ["county", "year"], "year", "duplicate_key",
                     params={"what": both("problem.what.county")})
    return valid


def check_grade_totals(valid: ValidTable, system: str) -> None:
    """The enrolment check that grade counts add up to their stage total, on its own (the same
    `grades_not_total` problems `edustat enrolment` reports, so nothing is reported twice)."""
    _check_grade_totals(valid, system, _stage_rows(valid))


