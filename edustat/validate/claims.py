"""`edustat check` inputs: which table a file is, the claims file of a draft report (SPEC §7.3)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from edustat.schema import (
    EXAMS,
    SCHOOLS,
    TableSpec,
)

from edustat.numbers import WrittenValue, parse_written  # noqa: F401 - re-exported
from edustat.validate.core import (
    ValidTable,
    _frame_problems,
    load_tables,
    validate_table,
)

TableKind = str  # "schools", "exams" or "population"


def table_kind(path: Any, *, encoding: str | None = None, sheet: str | None = None
               ) -> TableKind:
    """Which table a file is, by its header row: an exam table has 考试/exam and 考生数/candidates;
    a population table has an age-population column and no school; anything else is a school
    table (whose reading then reports what is wrong with it)."""
    from edustat.headers import match_path
    from edustat.reader import read_header
    from edustat.schema import UnknownUnit

    header = read_header(path, encoding=encoding, sheet=sheet) or []

    def columns(table: TableSpec) -> set[str]:
        found = set()
        for written in header:
            try:
                matched = match_path(table, written.split("/")) if written.strip() else None
            except UnknownUnit:
                continue
            if matched is not None:
                found.add(matched.match.spec.name)
        return found

    if {"exam", "candidates"} <= columns(EXAMS):
        return "exams"
    school_columns = columns(SCHOOLS)
    if (not {"school_id", "school_name"} & school_columns
            and {"primary_age_population", "junior_age_population"} & school_columns):
        return "population"
    return "schools"


def validate_claims(path: Path, *, encoding: str | None = None, sheet: str | None = None
                    ) -> ValidTable:
    """Read and validate a claims file (figure, reported, county, year, note); every problem of
    every row is collected. `reported` stays text as written."""
    from edustat.schema import CLAIMS

    raws, read_problems = load_tables([path], CLAIMS, encoding=encoding, sheet=sheet)
    valid = validate_table(raws, CLAIMS)
    valid.problems[:0] = read_problems
    if not len(valid.frame):
        return valid
    reported = valid.frame["reported"]
    # Few distinct figures in a claims file, but parse each distinct text once all the same.
    parsed = {text: parse_written(text) is not None for text in reported.dropna().unique()}
    not_number = reported.map(parsed).eq(False).to_numpy(dtype=bool)
    _frame_problems(valid, "reported", not_number, "claim_not_number")
    return valid
