"""Column-wise validation of input tables against the data dictionary in `schema`.

Every check is a vectorized mask over a whole column; each flagged cell becomes one Problem with
the file, spreadsheet row, header as written and the value as written. Nothing stops at the first
problem, and no value that fails is ever replaced by 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from edustat.problems import InputError, Problem, has_errors
from edustat.reader import FILE, ROW, RawTable, read_table
from edustat.schema import (
    EXAM_VALUES,
    NUMERIC_KINDS,
    SCHOOL_TYPE_STAGES,
    SCHOOL_TYPE_VALUES,
    SCHOOL_TYPE_ZH,
    SCHOOLS,
    STAGE_ZH,
    ColumnSpec,
    Kind,
    TableSpec,
    normalize_header,
)

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

_GROUPED_NUMBER = r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?"


@dataclass
class ValidTable:
    """Validated rows of one or more files: canonical columns, typed, with FILE and ROW."""

    frame: pd.DataFrame
    problems: list[Problem]
    written: dict[str, dict[str, str]] = field(default_factory=dict)  # file -> canonical -> header

    @property
    def ok(self) -> bool:
        """True when no problem is an error."""
        return not has_errors(self.problems)

    def header(self, file: str, canonical: str) -> str:
        """The header as written in `file` for a canonical column (the canonical name if absent)."""
        return self.written.get(file, {}).get(canonical, canonical)


def parse_numbers(values: pd.Series, kind: Kind) -> tuple[np.ndarray, np.ndarray]:
    """Parse a column of cells to floats; returns (values with NaN for blank, not-a-number mask).

    Accepts thousands separators (1,234), full-width digits, surrounding space and, for rates
    only, a trailing % (45% -> 0.45).
    """
    import numpy as np
    import pandas as pd

    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values):
        numbers = values.to_numpy(dtype=float, na_value=np.nan)
        return numbers, ~np.isfinite(numbers) & ~np.isnan(numbers)
    blank = values.isna().to_numpy()
    as_object = values.astype(object)
    parsed = pd.to_numeric(as_object.where(~as_object.map(_is_bool), None), errors="coerce")
    numbers = parsed.to_numpy(dtype=float, na_value=np.nan)
    retry = np.isnan(numbers) & ~blank
    if kind is Kind.RATE:
        # A rate written as "45" and one written as "45%" mean different things: parse % again.
        retry |= as_object.map(lambda v: isinstance(v, str) and "%" in v).to_numpy()
    if retry.any():
        text = as_object[retry].astype(str).str.normalize("NFKC").str.strip()
        grouped = text.str.fullmatch(_GROUPED_NUMBER).fillna(False)
        text = text.where(~grouped, text.str.replace(",", "", regex=False))
        percent = np.zeros(len(text), dtype=bool)
        if kind is Kind.RATE:
            percent = text.str.endswith("%").to_numpy()
            text = text.str.rstrip("%").str.strip()
        again = pd.to_numeric(text.where(text != "", None), errors="coerce").to_numpy(
            dtype=float, na_value=np.nan)
        again = np.where(percent, again / 100.0, again)
        numbers[retry] = again
        newly_blank = (text == "").to_numpy()
        blank[np.flatnonzero(retry)[newly_blank]] = True
    bad = (~np.isfinite(numbers) & ~blank)
    numbers[bad] = np.nan
    return numbers, bad


def _is_bool(value: Any) -> bool:
    return isinstance(value, bool)


def display_value(value: Any) -> str | None:
    """A cell as a person would read it back: 12 not 12.0, blank as None."""
    if value is None:
        return None
    if isinstance(value, float):
        if value != value:  # NaN
            return None
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


class _FileChecker:
    """Collects problems for the cells of one file."""

    def __init__(self, raw: RawTable) -> None:
        self.raw = raw
        self.problems: list[Problem] = []

    def cells(self, column: str, mask: np.ndarray, code: str, severity: str = "error",
              params: dict[str, Any] | None = None,
              per_row: dict[str, np.ndarray] | None = None) -> None:
        """One problem for each row where `mask` is true, in the given column."""
        import numpy as np

        positions = np.flatnonzero(mask)
        if not len(positions):
            return
        raw_column = self.raw.frame[column] if column in self.raw.frame else None
        rows = self.raw.frame[ROW].to_numpy()
        header = self.raw.written.get(column, column)
        for pos in positions:
            extra = {k: _plain(v[pos]) for k, v in (per_row or {}).items()}
            value = display_value(raw_column.iat[pos]) if raw_column is not None else None
            self.problems.append(Problem(
                file=self.raw.file, row=int(rows[pos]), column=header, value=value, code=code,
                severity=severity, params={**(params or {}), **extra}))


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _clean_file(raw: RawTable, table: TableSpec, needed: dict[str, str]
                ) -> tuple[pd.DataFrame, list[Problem]]:
    """Typed canonical columns of one file, and the problems of its cells."""
    import numpy as np
    import pandas as pd

    checker = _FileChecker(raw)
    source = raw.frame
    clean: dict[str, Any] = {}
    for spec in table.columns:
        if spec.name not in source:
            if spec.required or spec.name in needed:
                why = _why(needed.get(spec.name))
                checker.problems.append(Problem(
                    file=raw.file, row=None, column=spec.zh, code="missing_column",
                    params={"zh": spec.zh, "name": spec.name, "why": why}))
            clean[spec.name] = (np.full(len(source), np.nan) if spec.kind in NUMERIC_KINDS
                                else pd.Series([None] * len(source), dtype=object))
            continue
        cells = source[spec.name]
        if spec.kind in NUMERIC_KINDS:
            numbers, bad = parse_numbers(cells, spec.kind)
            checker.cells(spec.name, bad, "not_number")
            numbers = numbers * raw.factors.get(spec.name, 1.0)
            negative = numbers < 0
            checker.cells(spec.name, negative, "negative")
            if spec.kind in (Kind.COUNT, Kind.YEAR):
                fractional = ~negative & (np.floor(numbers) != numbers) & ~np.isnan(numbers)
                checker.cells(spec.name, fractional, "not_whole")
            if spec.kind is Kind.YEAR:
                out = ~np.isnan(numbers) & ((numbers < 1900) | (numbers > 2100))
                checker.cells(spec.name, out & ~negative, "bad_year")
            clean[spec.name] = numbers
        else:
            text = cells.astype(object).where(cells.notna(), None)
            if spec.required:
                checker.cells(spec.name, text.isna().to_numpy(), "missing_value",
                              params={"why": ""})
            clean[spec.name] = text
    frame = pd.DataFrame(clean)
    frame[ROW] = source[ROW].to_numpy()
    frame[FILE] = raw.file
    _check_subsets(frame, table, checker)
    if "year" not in source and raw.year_from_name is not None:
        frame["year"] = float(raw.year_from_name)
    return frame, checker.problems


def _why(indicator_key: str | None) -> dict[str, str] | str:
    if not indicator_key:
        return ""
    return {"zh": f"（计算 {indicator_key} 需要）", "en": f" (needed for {indicator_key})"}


def _check_subsets(frame: pd.DataFrame, table: TableSpec, checker: _FileChecker) -> None:
    for spec in table.columns:
        if not spec.at_most or spec.name not in checker.raw.frame:
            continue
        total = frame[spec.at_most].to_numpy()
        part = frame[spec.name].to_numpy()
        exceeds = part > total  # NaN compares False: a blank total is not a violation
        total_spec = table.column(spec.at_most)
        checker.cells(spec.name, exceeds, "subset_exceeds",
                      params={"total_zh": checker.raw.written.get(spec.at_most, total_spec.zh),
                              "total_en": checker.raw.written.get(spec.at_most, spec.at_most)},
                      per_row={"total": total})


def load_tables(paths: list[Path], table: TableSpec, *, encoding: str | None = None,
                sheet: str | None = None) -> tuple[list[RawTable], list[Problem]]:
    """Read every file; problems of unreadable files are collected, not raised one by one."""
    raws: list[RawTable] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            raw = read_table(path, table, encoding=encoding, sheet=sheet)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        raws.append(raw)
        problems.extend(raw.problems)
    return raws, problems


def validate_table(raws: list[RawTable], table: TableSpec, needed: dict[str, str] | None = None
                   ) -> ValidTable:
    """Dictionary checks on every file (types, ranges, whole counts, subsets); one frame out."""
    import pandas as pd

    frames = []
    problems: list[Problem] = []
    for raw in raws:
        frame, file_problems = _clean_file(raw, table, needed or {})
        frames.append(frame)
        problems.extend(file_problems)
    if frames:
        frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    else:
        frame = pd.DataFrame(columns=[*table.names(), ROW, FILE])
    return ValidTable(frame=frame, problems=problems,
                      written={raw.file: raw.written for raw in raws})


def check_categories(valid: ValidTable, column: str, values: dict[str, str], code: str,
                     params: dict[str, Any] | None = None) -> None:
    """Map a category column onto canonical values in place; unknown values are errors."""
    cells = valid.frame[column]
    lookup = {normalize_header(k): v for k, v in values.items()}
    mapped = cells.map(lambda v: None if v is None else lookup.get(normalize_header(v), "?"))
    unknown = (mapped == "?").to_numpy()
    _frame_problems(valid, column, unknown, code, params=params)
    valid.frame[column] = mapped.where(~unknown, None).astype(object)


def _frame_problems(valid: ValidTable, column: str, mask: np.ndarray, code: str,
                    severity: str = "error", params: dict[str, Any] | None = None,
                    per_row: dict[str, np.ndarray] | None = None,
                    value_column: str | None = None) -> None:
    """One problem per flagged row of the combined frame (rows may come from several files)."""
    import numpy as np

    frame = valid.frame
    positions = np.flatnonzero(mask)
    files = frame[FILE].to_numpy()
    rows = frame[ROW].to_numpy()
    shown = frame[value_column or column]
    for pos in positions:
        extra = {k: _plain(v[pos]) for k, v in (per_row or {}).items()}
        valid.problems.append(Problem(
            file=files[pos], row=int(rows[pos]), column=valid.header(files[pos], column),
            value=display_value(shown.iat[pos]), code=code, severity=severity,
            params={**(params or {}), **extra}))


def check_duplicates(valid: ValidTable, key: list[str], column: str, code: str,
                     params: dict[str, Any] | None = None) -> None:
    """Rows sharing `key` are errors, each naming the other rows (file:row when files differ)."""
    import numpy as np

    frame = valid.frame
    present = frame[key[-1]].notna().to_numpy()
    duplicated = frame.duplicated(key, keep=False).to_numpy() & present
    if not duplicated.any():
        return
    dup = frame.loc[duplicated, [*key, ROW, FILE]]
    group_key = dup[key].astype(str).agg("\x1f".join, axis=1)
    places = list(zip(dup[FILE], dup[ROW].astype(int), strict=True))
    members: dict[str, list[tuple[str, int]]] = {}
    for name, place in zip(group_key, places, strict=True):
        members.setdefault(name, []).append(place)
    others = np.empty(len(frame), dtype=object)
    for pos, name, (file, row) in zip(np.flatnonzero(duplicated), group_key, places, strict=True):
        others[pos] = "、".join(str(r) if f == file else f"{f}:{r}"
                               for f, r in members[name] if (f, r) != (file, row))
    _frame_problems(valid, column, duplicated, code, params=params,
                    per_row={"other_rows": others})


# ---------------------------------------------------------------------------------------------
# The school table (SPEC §2.1)

STUDENT_COLUMNS = {"primary": "primary_students", "junior": "junior_students",
                   "senior": "senior_students"}
_INFERRED_TYPE = {
    ("primary",): "primary", ("junior",): "junior", ("primary", "junior"): "nine_year",
    ("junior", "senior"): "complete_secondary", ("primary", "junior", "senior"): "twelve_year",
    ("senior",): "senior",
}


def validate_schools(paths: list[Path], *, needed: dict[str, str] | None = None,
                     encoding: str | None = None, sheet: str | None = None) -> ValidTable:
    """Read and validate school tables (SPEC §2.1); every problem of every file is collected."""
    raws, read_problems = load_tables(paths, SCHOOLS, encoding=encoding, sheet=sheet)
    valid = validate_table(raws, SCHOOLS, needed)
    valid.problems[:0] = read_problems
    if not len(valid.frame):
        return valid
    _school_types(valid)
    _needed_values(valid, needed or {})
    check_duplicates(valid, ["year", "school_id"], "school_id", "duplicate_id")
    return valid


def _school_types(valid: ValidTable) -> None:
    """Resolve school_type (given or inferred) and check that it agrees with the counts."""
    import numpy as np

    frame = valid.frame
    check_categories(valid, "school_type", SCHOOL_TYPE_VALUES, "bad_school_type",
                     params={"values": "小学、初中、九年一贯制学校、完全中学、十二年一贯制学校、"
                                       "高级中学 或 211/218/311/312/341/342/345"})
    counts = {stage: frame[col].to_numpy() for stage, col in STUDENT_COLUMNS.items()}
    has = {stage: np.nan_to_num(values) > 0 for stage, values in counts.items()}
    given = frame["school_type"].to_numpy(dtype=object)
    inferred = np.array([_INFERRED_TYPE.get(tuple(s for s in STUDENT_COLUMNS if has[s][i]))
                         for i in range(len(frame))], dtype=object)
    blank_type = np.array([t is None for t in given])
    no_students = ~(has["primary"] | has["junior"] | has["senior"])
    cannot_infer = blank_type & np.array([t is None for t in inferred]) & ~no_students
    stages_text = np.array([
        "/".join(f"{STAGE_ZH[s]}{_plain(counts[s][i]) if counts[s][i] == counts[s][i] else '空'}"
                 for s in STUDENT_COLUMNS) for i in range(len(frame))], dtype=object)
    _frame_problems(valid, "school_type", cannot_infer, "type_unknown",
                    per_row={"stages": stages_text})
    resolved = np.where(blank_type, inferred, given)
    frame["school_type"] = resolved
    bad_type = np.array([t == "?" for t in given])  # already reported as unknown
    for stage, column in STUDENT_COLUMNS.items():
        allowed = np.array([t is not None and stage in SCHOOL_TYPE_STAGES.get(t, ())
                            for t in resolved])
        typed = np.array([t is not None for t in resolved]) & ~bad_type
        conflict = typed & ~allowed & has[stage]
        _frame_problems(valid, column, conflict, "type_conflict",
                        params={"stage_zh": STAGE_ZH[stage], "stage_en": stage},
                        per_row={"type_zh": np.array([SCHOOL_TYPE_ZH.get(t, t) for t in resolved],
                                                     dtype=object),
                                 "type_en": resolved, "count": counts[stage]})
        stated = ~blank_type & allowed & np.isnan(counts[stage])
        _frame_problems(valid, column, stated, "missing_value",
                        params={"why": {"zh": "（学校类型包含该学段）",
                                        "en": " (the school type includes this stage)"}})


def _needed_values(valid: ValidTable, needed: dict[str, str]) -> None:
    """Blank cells in columns a school's own stages need are errors (never taken as 0)."""
    import numpy as np

    frame = valid.frame
    students = {s: np.nan_to_num(frame[c].to_numpy()) > 0 for s, c in STUDENT_COLUMNS.items()}
    compulsory = students["primary"] | students["junior"]
    for column, indicator in needed.items():
        if column not in frame:
            continue
        stage = column.split("_", 1)[0]
        applies = students[stage] if stage in ("primary", "junior") else compulsory
        blank = applies & np.isnan(frame[column].to_numpy(dtype=float))
        # A column missing from the file is already one problem; do not repeat it per row.
        present = frame[FILE].map(lambda f, c=column: c in valid.written.get(f, {})).to_numpy(bool)
        _frame_problems(valid, column, blank & present, "missing_value",
                        params={"why": _why(indicator)})


def read_schools(paths: list[Path], **options: Any) -> ValidTable:
    """Validated school rows; raises InputError carrying every problem when any is an error."""
    valid = validate_schools(paths, **options)
    if not valid.ok:
        raise InputError(valid.problems)
    return valid


__all__ = ["EXAM_VALUES", "ColumnSpec", "ValidTable", "check_categories", "check_duplicates",
           "display_value", "load_tables", "parse_numbers", "read_schools", "validate_schools",
           "validate_table"]
