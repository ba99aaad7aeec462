"""The school table (SPEC §2.1): types, needed values, duplicates, teaching points."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from edustat.problems import InputError, Problem
from edustat.reader import FILE, RawTable
from edustat.schema import (
    SCHOOL_TYPE_STAGES,
    SCHOOL_TYPE_VALUES,
    SCHOOL_TYPE_ZH,
    SCHOOLS,
    STAGE_ZH,
)
from edustat.texts import both
from edustat.validate.cells import display_value, missing_column, why_needed
from edustat.validate.core import (
    STUDENT_COLUMNS,
    ValidTable,
    _already_reported,
    _frame_problems,
    check_categories,
    check_duplicates,
    flag_rows,
    load_tables,
    own_problems,
    validate_table,
)
from edustat.validate.teaching import (
    TeachingPointRule,
    apply_rule,
    parse_rule,
    point_rows,
)
from edustat.vectors import Factorized

if TYPE_CHECKING:
    import numpy as np

_INFERRED_TYPE = {
    ("primary",): "primary", ("junior",): "junior", ("primary", "junior"): "nine_year",
    ("junior", "senior"): "complete_secondary", ("primary", "junior", "senior"): "twelve_year",
    ("senior",): "senior",
}


def validate_schools(paths: list[Any], *, needed: dict[str, str] | None = None,
                     encoding: str | None = None, sheet: str | None = None,
                     header_rows: tuple[int, int] | None = None,
                     teaching_points: TeachingPointRule | str | None = None) -> ValidTable:
    """Read and validate school tables (SPEC §2.1); every problem of every file is collected.

    The rows returned are the units of computation: totals rows out, teaching points merged
    (or kept, or left out, by `teaching_points`), schools without pupils out, each with a note."""
    raws, read_problems = load_tables(paths, SCHOOLS, encoding=encoding, sheet=sheet,
                                      header_rows=header_rows)
    valid = validate_table(raws, SCHOOLS, needed)
    valid.problems[:0] = read_problems
    # No 年份 column and no year in the file name: the results carry no year; say so once.
    valid.problems.extend(Problem(file=raw.file, column=SCHOOLS.column("year").zh, code="no_year",
                                  severity="note")
                          for raw in raws if "year" not in raw.written
                          and raw.year_from_name is None)
    if not len(valid.frame):
        return valid
    _counties_by_file(valid, raws)
    # The type column as written, hashed once for the teaching points and the types.
    written_types = Factorized(valid.frame["school_type"])
    # Before the 办学类型 codes are mapped (218 is a primary unit).
    points = point_rows(valid, written_types)
    types = _school_types(valid, written_types)
    _needed_values(valid, needed or {})
    mangled = _mangled_ids(valid)
    check_duplicates(valid, ["year", "school_id"], "school_id", "duplicate_id", skip=mangled)
    # Named, not removed: the stage units leave it out (no pupils, no unit), and it adds 0 to
    # the enrolment sums, where a county of such schools is "zero denominator", not "no data".
    _without_pupils(valid, types)
    apply_rule(valid, points, parse_rule(teaching_points))
    return valid


# Excel shows a long number typed into a General cell as 2.152E+09 and saves it so in CSV: the
# digits after the fourth are gone, and two schools can end up with the same id.
_SCIENTIFIC = r"[0-9](?:\.[0-9]+)?e\+?[0-9]+"  # lower case: rows_matching folds the text


def _mangled_ids(valid: ValidTable) -> np.ndarray:
    """Ids that Excel turned into scientific notation: an error naming the cause."""
    from edustat.validate.rows import rows_matching

    mangled = rows_matching(valid.frame["school_id"], rf"^[ \t]*{_SCIENTIFIC}[ \t]*$",
                            needs="e")
    flag_rows(valid, "school_id", mangled, "id_mangled")
    return mangled


def _without_pupils(valid: ValidTable, types: tuple[np.ndarray, list[str]]) -> np.ndarray:
    """Schools with 0 pupils in every stage their type teaches: left out with a note naming
    each (a blank count is not 0: that is reported as missing elsewhere). `types`: each row's
    resolved type as a position in the list of types, as `_school_types` returns it."""
    import numpy as np

    frame = valid.frame
    codes, canonical = types
    empty = np.zeros(len(frame), dtype=bool)
    counts = {s: frame[c].to_numpy(dtype=float) for s, c in STUDENT_COLUMNS.items()}
    for kind, stages in SCHOOL_TYPE_STAGES.items():
        of_kind = codes == canonical.index(kind)
        if not of_kind.any():
            continue
        zero = np.logical_and.reduce([counts[s] == 0 for s in stages])
        empty |= of_kind & zero
    names, ids = frame["school_name"].to_numpy(dtype=object), frame["school_id"].to_numpy(
        dtype=object)

    def name(pos: int) -> str:  # only for the rows named: a national file has few
        given = names[pos]
        return str(ids[pos] if given is None or given != given else given)

    flag_rows(valid, "school_name", empty, "no_students", severity="note",
              per_row={"name": name})
    return empty


def _counties_by_file(valid: ValidTable, raws: list[RawTable]) -> None:
    """A file without a county column is one county (SPEC §2.1). When two such files hold the
    same year they are two counties, not one: each is then named by its file, with a note."""
    from collections import Counter

    without = [raw for raw in raws if "county" not in raw.written
               and raw.county_from_title is None]
    years = {raw.file: tuple(sorted(set(valid.frame.loc[valid.frame[FILE] == raw.file, "year"]
                                        .dropna().tolist()))) for raw in without}
    shared = Counter(years.values())
    for raw in without:
        if shared[years[raw.file]] > 1:
            name = Path(raw.file).stem
            valid.frame.loc[valid.frame[FILE] == raw.file, "county"] = name
            valid.problems.append(Problem(file=raw.file, column=SCHOOLS.column("county").zh,
                                          code="county_from_file", severity="note",
                                          params={"county": name}))


def _school_types(valid: ValidTable, written: Factorized | None = None
                  ) -> tuple[np.ndarray, list[str]]:
    """Resolve school_type (given or inferred) and check that it agrees with the counts; each
    row's type as a position in the returned list of types (-1: none). `written`: the column
    as written, factorized already."""
    import numpy as np
    import pandas as pd

    frame = valid.frame
    # Types are kept as positions in `canonical` (-1: none): a national file's 200 000 type
    # cells are hashed once, here, and every later look is an array lookup.
    codes, canonical = check_categories(
        valid, "school_type", SCHOOL_TYPE_VALUES, "bad_school_type", factorized=written,
        params={"values": {
            "zh": "小学、初中、九年一贯制学校、完全中学、十二年一贯制学校、高级中学，"
                  "或办学类型代码 211/218/311/312/341/342/345",
            "en": "primary, junior, nine_year, complete_secondary, twelve_year, "
                  "senior (or the Chinese names), or the codes 211/218/311/312/341/342/345"}})
    counts = {stage: frame[col].to_numpy(dtype=float) for stage, col in STUDENT_COLUMNS.items()}
    has = {stage: np.nan_to_num(values) > 0 for stage, values in counts.items()}
    # Which stages have students, as a 3-bit code, indexes the type those stages imply.
    stage_bits = has["primary"] * 1 + has["junior"] * 2 + has["senior"] * 4
    inferred_by_bits = np.array(
        [canonical.index(kind) if kind is not None else -1
         for kind in (_INFERRED_TYPE.get(tuple(s for i, s in enumerate(STUDENT_COLUMNS)
                                                if bits >> i & 1)) for bits in range(8))],
        dtype=np.int64)
    inferred = inferred_by_bits[stage_bits]
    blank_type = codes < 0  # blank, or a value none of the types (already an error)
    cannot_infer = blank_type & (inferred < 0) & (stage_bits > 0)

    def stages_text(pos: int) -> str:
        return "/".join(f"{STAGE_ZH[s]}{display_value(float(counts[s][pos])) or '空'}"
                        for s in STUDENT_COLUMNS)

    _frame_problems(valid, "school_type", cannot_infer, "type_unknown",
                    per_row={"stages": stages_text})
    resolved_codes = np.where(blank_type, inferred, codes)
    resolved = np.array([*canonical, None], dtype=object)[resolved_codes]
    frame["school_type"] = pd.Series(resolved, index=frame.index, dtype=object)
    known = resolved_codes >= 0
    for stage, column in STUDENT_COLUMNS.items():
        allowed = np.array([stage in SCHOOL_TYPE_STAGES.get(kind, ()) for kind in canonical]
                           + [False])[resolved_codes]
        conflict = known & ~allowed & has[stage]
        _frame_problems(valid, column, conflict, "type_conflict",
                        params={"stage_zh": STAGE_ZH[stage], "stage_en": stage},
                        per_row={"type_zh": lambda pos: SCHOOL_TYPE_ZH[resolved[pos]],
                                 "type_en": lambda pos: resolved[pos],
                                 "count": counts[stage]})
        stated = ~blank_type & allowed & np.isnan(counts[stage])
        stated &= ~_already_reported(valid, column, stated)  # e.g. text: not blank
        _frame_problems(valid, column, stated, "missing_value",
                        params={"why": both("problem.why.type_has_stage")})
    return resolved_codes, canonical


def _needed_values(valid: ValidTable, needed: dict[str, str]) -> None:
    """Blank cells in columns a school's own stages need are errors (never taken as 0)."""
    import numpy as np

    frame = valid.frame
    students = {s: np.nan_to_num(frame[c].to_numpy()) > 0 for s, c in STUDENT_COLUMNS.items()}
    compulsory = students["primary"] | students["junior"]
    files = frame[FILE].to_numpy(dtype=object)
    for column, indicator in needed.items():
        if column not in frame:
            continue
        stage = column.split("_", 1)[0]
        applies = students[stage] if stage in ("primary", "junior") else compulsory
        # A missing column is one problem per file, and only where some school needs it.
        spec = SCHOOLS.column(column)
        for file, written in valid.written.items():
            if column not in written and (applies & (files == file)).any():
                valid.problems.append(missing_column(file, spec, why_needed(indicator),
                                                     valid.unknown.get(file, [])))
        blank = applies & np.isnan(frame[column].to_numpy(dtype=float))
        if not blank.any():
            continue
        # A column missing from a file is already one problem there; do not repeat it per row.
        lacking = [f for f, written in valid.written.items() if column not in written]
        blank &= ~np.isin(files, lacking)
        # A cell already reported (text in a number column, say) is not blank: one problem.
        blank &= ~_already_reported(valid, column, blank)
        _frame_problems(valid, column, blank, "missing_value",
                        params={"why": why_needed(indicator)})


def require_columns(valid: ValidTable, needed: dict[str, str]) -> ValidTable:
    """School rows validated once, with the problems of the columns one computation needs."""
    view = own_problems(valid)
    _needed_values(view, needed)
    return view


def read_schools(paths: list[Path], **options: Any) -> ValidTable:
    """Validated school rows; raises InputError carrying every problem when any is an error."""
    valid = validate_schools(paths, **options)
    if not valid.ok:
        raise InputError(valid.problems)
    return valid


