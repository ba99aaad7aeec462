"""`edustat check` inputs: which table a file is, the claims file of a draft report (SPEC §7.3)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from edustat.numbers import WrittenValue, parse_written  # noqa: F401 - re-exported
from edustat.schema import (
    EXAMS,
    SCHOOLS,
    TableSpec,
)
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
    if path.read_bytes()[:4] == b"PK\x03\x04":
        _claims_as_displayed(valid, path, sheet)
    reported = valid.frame["reported"]
    # Few distinct figures in a claims file, but parse each distinct text once all the same.
    parsed = {text: parse_written(text) is not None for text in reported.dropna().unique()}
    not_number = reported.map(parsed).eq(False).to_numpy(dtype=bool)
    _frame_problems(valid, "reported", not_number, "claim_not_number")
    return valid


# A number format's fixed decimal places (0.0000, #,##0.00, 0.0%); optional digits (0.##) or an
# exponent give no fixed precision.
_FORMAT_PLACES = r"^[#,0]*0(?:\.(?P<places>0+))?(?P<percent>%)?$"


def _claims_as_displayed(valid: ValidTable, path: Path, sheet: str | None) -> None:
    """A reported value typed into a workbook as a number has lost its trailing zeros (0.4110 is
    stored as 0.411): read it at the places its number format shows (0.0000: 4, 0.0%: 51.9%),
    or refuse it when the format fixes no places. A General cell is read as it displays, with a
    warning that the report may write more places."""
    import re
    from decimal import ROUND_HALF_UP, Decimal

    from openpyxl import load_workbook

    from edustat.problems import Problem
    from edustat.reader import ROW

    try:
        book = load_workbook(path)  # not read-only: number formats and row numbers of each cell
        rows = list((book[sheet] if sheet else book.worksheets[0]).iter_rows(min_row=1))
    except Exception:  # the table was read already; number formats are a refinement
        return
    header = valid.written.get(str(path), {}).get("reported")
    column = next((cell.column for row in rows[:30] for cell in row
                   if header is not None and str(cell.value or "").strip() == header), None)
    if column is None:
        return
    reported = valid.frame["reported"].to_numpy(dtype=object).copy()
    for pos, row_number in enumerate(valid.frame[ROW].to_numpy()):
        cells = rows[int(row_number) - 1] if int(row_number) <= len(rows) else ()
        cell = next((c for c in cells if getattr(c, "column", None) == column), None)
        if cell is None or isinstance(cell.value, bool) or not isinstance(
                cell.value, int | float):
            continue
        fmt = (cell.number_format or "General").split(";")[0]
        plain = re.sub(r'"[^"]*"|\[[^\]]*\]|[_*\\].|\s', "", fmt)
        match = re.match(_FORMAT_PLACES, plain)
        place: dict[str, Any] = {"file": str(path), "row": int(row_number), "column": header,
                                 "value": str(cell.value)}
        if fmt == "General":
            if not float(cell.value).is_integer():
                valid.problems.append(Problem(**place, code="claim_number_general",
                                              severity="warning"))
            continue
        if match is None:
            valid.problems.append(Problem(**place, code="claim_shortened",
                                          params={"format": fmt}))
            continue
        places = len(match.group("places") or "")
        scale = 100 if match.group("percent") else 1
        shown = (Decimal(repr(float(cell.value))) * scale).quantize(
            Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        reported[pos] = f"{shown:f}" + ("%" if scale == 100 else "")
    valid.frame["reported"] = reported
