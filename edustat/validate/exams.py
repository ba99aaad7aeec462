"""The exam table (SPEC §2.3)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from edustat.problems import InputError
from edustat.reader import FILE
from edustat.schema import (
    EXAM_CATEGORIES,
    EXAM_VALUES,
    EXAM_ZH,
    EXAMS,
    normalize_header,
)

if TYPE_CHECKING:
    pass
from edustat.texts import both, t
from edustat.validate.cells import missing_column
from edustat.validate.core import (
    ValidTable,
    _already_reported,
    _frame_problems,
    _in_files_without,
    check_categories,
    check_duplicates,
    load_tables,
    validate_table,
)

# School names (folded as headers are) that mark a total row: summing it with the schools would
# count every candidate twice.
_TOTAL_ROW_NAMES = frozenset({"合计", "总计", "小计", "全县", "全旗", "全区", "全市", "全县合计",
                              "全旗合计", "全区合计", "县区合计", "total", "sum"})


def validate_exams(paths: list[Any], *, encoding: str | None = None, sheet: str | None = None
                   ) -> ValidTable:
    """Read and validate exam tables (SPEC §2.3); every problem of every file is collected."""
    raws, read_problems = load_tables(paths, EXAMS, encoding=encoding, sheet=sheet)
    valid = validate_table(raws, EXAMS)
    valid.problems[:0] = read_problems
    if not len(valid.frame):
        return valid
    check_categories(valid, "exam", EXAM_VALUES, "bad_exam")
    _exam_candidates(valid)
    _exam_counts(valid)
    _exam_total_rows(valid)
    _exam_duplicates(valid)
    return valid


def _exam_candidates(valid: ValidTable) -> None:
    """Candidates are the denominator of every rate: > 0, and never blank."""
    import numpy as np

    candidates = valid.frame["candidates"].to_numpy(dtype=float)
    _frame_problems(valid, "candidates", candidates == 0, "not_positive")
    blank = np.isnan(candidates) & ~_in_files_without(valid, "candidates")
    blank &= ~_already_reported(valid, "candidates", blank)
    _frame_problems(valid, "candidates", blank, "missing_value",
                    params={"why": both("problem.why.candidates")})


def _exam_counts(valid: ValidTable) -> None:
    """Each exam's rows carry its own counts (never blank), none of the other exam's, and
    its counts together are at most the candidates."""
    import numpy as np

    frame = valid.frame
    exam = frame["exam"].to_numpy(dtype=object)
    files = frame[FILE].to_numpy(dtype=object)
    candidates = frame["candidates"].to_numpy(dtype=float)
    for exam_key, columns in EXAM_CATEGORIES.items():
        rows_of = exam == exam_key
        if not rows_of.any():
            continue
        why = {"zh": t("problem.why.exam_rows", "zh", exam=EXAM_ZH[exam_key]),
               "en": t("problem.why.exam_rows", "en", exam=exam_key)}
        for column in columns:
            spec = EXAMS.column(column)
            lacking = _in_files_without(valid, column)
            for file in dict.fromkeys(files[rows_of & lacking]):
                valid.problems.append(missing_column(file, spec, why,
                                                     valid.unknown.get(file, [])))
            # Blank is missing, never 0: a blank in one school would understate the county.
            blank = rows_of & np.isnan(frame[column].to_numpy(dtype=float)) & ~lacking
            blank &= ~_already_reported(valid, column, blank)
            _frame_problems(valid, column, blank, "missing_value", params={"why": why})
        other = next(k for k in EXAM_CATEGORIES if k != exam_key)
        for column in EXAM_CATEGORIES[other]:
            stray = rows_of & (frame[column].to_numpy(dtype=float) > 0)
            _frame_problems(valid, column, stray, "wrong_exam_category",
                            params={"exam_zh": EXAM_ZH[exam_key], "exam_en": exam_key,
                                    "other_zh": EXAM_ZH[other], "other_en": other})
        parts = np.column_stack([frame[c].to_numpy(dtype=float) for c in columns])
        with np.errstate(invalid="ignore"):
            # A category alone above the candidates is already reported by its at_most rule.
            single = (parts > candidates[:, None]).any(axis=1)
        total = np.nansum(parts, axis=1)
        exceeds = rows_of & (total > candidates) & ~single
        if not exceeds.any():
            continue
        # Name the columns as the file writes them, in either language, as subset_exceeds does.
        headers = {f: "+".join(valid.header(f, c) for c in columns) for f in valid.written}
        written_parts = np.array([headers[f] for f in files], dtype=object)
        written_total = np.array([valid.header(f, "candidates") for f in files], dtype=object)
        _frame_problems(valid, "candidates", exceeds, "categories_exceed",
                        per_row={"parts_zh": written_parts, "parts_en": written_parts,
                                 "total_zh": written_total, "total_en": written_total,
                                 "sum": total, "total": candidates})


def _exam_total_rows(valid: ValidTable) -> None:
    """A 合计/全县 row among the schools is an error: it would be added to the county total."""
    marked = {}
    for column in ("school_name", "school_id"):
        cells = valid.frame[column]
        # Few distinct names in many rows: fold each distinct value once.
        folded = {v: normalize_header(v) in _TOTAL_ROW_NAMES for v in cells.dropna().unique()}
        marked[column] = cells.map(folded).eq(True).to_numpy(dtype=bool)
    _frame_problems(valid, "school_name", marked["school_name"], "total_row")
    _frame_problems(valid, "school_id", marked["school_id"] & ~marked["school_name"], "total_row")


def _exam_duplicates(valid: ValidTable) -> None:
    """One row per (county, year, exam, school): a school by its id, else by its name."""
    frame = valid.frame
    identity = frame["school_id"].where(frame["school_id"].notna(), frame["school_name"])
    # Rows naming no school are county-level rows: two of them in one exam are duplicates too.
    identity = identity.where(identity.notna(), "").where(frame["exam"].notna(), None)
    # A row naming no school among rows that do is a total or a school without a name: either
    # way the county total would be wrong.
    named = identity.notna() & (identity != "")
    keys = [frame["county"].astype(object), frame["year"], frame["exam"]]
    mixed = named.groupby(keys, dropna=False).transform("any").to_numpy(dtype=bool)
    anonymous = (identity == "").to_numpy(dtype=bool) & mixed
    _frame_problems(valid, "school_name", anonymous, "missing_value",
                    params={"why": both("problem.why.unnamed_exam_row")})
    frame["_school"] = identity.astype(object)
    shown = "school_id" if any("school_id" in w for w in valid.written.values()) else "school_name"
    try:
        check_duplicates(valid, ["county", "year", "exam", "_school"], shown, "duplicate_key",
                         params={"what": both("problem.what.school_and_exam")})
    finally:
        del frame["_school"]


def read_exams(paths: list[Path], **options: Any) -> ValidTable:
    """Validated exam rows; raises InputError carrying every problem when any is an error."""
    valid = validate_exams(paths, **options)
    if not valid.ok:
        raise InputError(valid.problems)
    return valid


