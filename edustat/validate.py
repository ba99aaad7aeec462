"""Column-wise validation of input tables against the data dictionary in `schema`.

Every check is a vectorized mask over a whole column; each flagged cell becomes one Problem with
the file, spreadsheet row, header as written and the value as written. Nothing stops at the first
problem, and no value that fails is ever replaced by 0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from edustat.numbers import WrittenValue, parse_written  # noqa: F401 - re-exported
from edustat.problems import InputError, Problem, has_errors
from edustat.reader import FILE, ROW, RawTable, read_table
from edustat.vectors import Factorized, map_values
from edustat.schema import (
    EXAM_CATEGORIES,
    EXAM_VALUES,
    EXAM_ZH,
    EXAMS,
    NUMERIC_KINDS,
    SCHOOL_TYPE_STAGES,
    SCHOOL_TYPE_VALUES,
    SCHOOL_TYPE_ZH,
    SCHOOLS,
    STAGE_ZH,
    UPPER_BOUNDS,
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
    blank = values.isna().to_numpy().copy()
    as_object = values.astype(object)
    parsed = pd.to_numeric(as_object.where(~as_object.map(_is_bool), None), errors="coerce")
    # A writable copy: pandas may hand out a read-only view under copy-on-write.
    numbers = np.array(parsed.to_numpy(dtype=float, na_value=np.nan), dtype=float)
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
        # float(): a numpy float's repr is "np.float64(75.5)", not what the cell says.
        return str(int(value)) if value.is_integer() else repr(float(value))
    return str(value)


class _FileChecker:
    """Collects problems for the cells of one file."""

    def __init__(self, raw: RawTable) -> None:
        self.raw = raw
        self.problems: list[Problem] = []

    def cells(self, column: str, mask: np.ndarray, code: str, severity: str = "error",
              params: dict[str, Any] | None = None,
              per_row: dict[str, np.ndarray | Callable[[int], Any]] | None = None) -> None:
        """One problem for each row where `mask` is true, in the given column."""
        import numpy as np

        positions = np.flatnonzero(mask)
        if not len(positions):
            return
        raw_column = self.raw.frame[column] if column in self.raw.frame else None
        rows = self.raw.frame[ROW].to_numpy()
        header = self.raw.written.get(column, column)
        for pos in positions:
            extra = {k: _plain(v(pos) if callable(v) else v[pos]) for k, v in (per_row or {}).items()}
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
            # Columns a computation needs are judged by the table's own validator, which knows
            # which rows need them (a primary-only file needs no junior teacher column).
            if spec.required:
                checker.problems.append(Problem(
                    file=raw.file, row=None, column=spec.zh, code="missing_column",
                    params={"zh": spec.zh, "name": spec.name, "why": ""}))
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
            ceiling = UPPER_BOUNDS.get(spec.kind)
            if ceiling is not None:
                # A 40-digit "count" is a paste error, and past 2^53 a float is no longer exact.
                huge = numbers > ceiling
                checker.cells(spec.name, huge, "too_large", params={"ceiling": f"{ceiling:.0e}"})
                numbers[huge] = np.nan
            clean[spec.name] = numbers
        else:
            text = cells.astype(object).where(cells.notna(), None)
            if spec.required:
                checker.cells(spec.name, text.isna().to_numpy(), "missing_value",
                              params={"why": ""})
            clean[spec.name] = text
    clean[ROW] = source[ROW].to_numpy()
    clean[FILE] = np.full(len(source), raw.file, dtype=object)
    # copy=False keeps one block per column: consolidating 50 columns of a national file into
    # one 2-D block costs more than all the checks together.
    frame = pd.DataFrame(clean, copy=False)
    _check_subsets(frame, table, checker)
    if "year" not in source and raw.year_from_name is not None:
        frame["year"] = float(raw.year_from_name)
    return frame, checker.problems


def _why(indicator_key: str | None) -> dict[str, str] | str:
    if not indicator_key:
        return ""
    from edustat.indicators import BY_KEY

    indicator = BY_KEY.get(indicator_key)
    zh_name = indicator.zh if indicator else indicator_key
    return {"zh": f"（计算“{zh_name}”需要）", "en": f" (needed for {indicator_key})"}


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
    import numpy as np
    import pandas as pd

    lookup = {normalize_header(k): v for k, v in values.items()}
    mapped = map_values(valid.frame[column], lambda v: lookup.get(normalize_header(v), "?"))
    unknown = mapped == "?"
    _frame_problems(valid, column, unknown, code, params=params)
    valid.frame[column] = pd.Series(np.where(unknown, None, mapped), index=valid.frame.index,
                                    dtype=object)


def _frame_problems(valid: ValidTable, column: str, mask: np.ndarray, code: str,
                    severity: str = "error", params: dict[str, Any] | None = None,
                    per_row: dict[str, np.ndarray | Callable[[int], Any]] | None = None,
                    value_column: str | None = None) -> None:
    """One problem per flagged row of the combined frame (rows may come from several files)."""
    import numpy as np

    frame = valid.frame
    positions = np.flatnonzero(mask)
    files = frame[FILE].to_numpy()
    rows = frame[ROW].to_numpy()
    shown = frame[value_column or column]
    for pos in positions:
        extra = {k: _plain(v(pos) if callable(v) else v[pos]) for k, v in (per_row or {}).items()}
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
    # No 年份 column and no year in the file name: the results carry no year; say so once.
    valid.problems.extend(Problem(file=raw.file, column=SCHOOLS.column("year").zh, code="no_year",
                                  severity="note")
                          for raw in raws if "year" not in raw.written
                          and raw.year_from_name is None)
    if not len(valid.frame):
        return valid
    _counties_by_file(valid, raws)
    _school_types(valid)
    _needed_values(valid, needed or {})
    check_duplicates(valid, ["year", "school_id"], "school_id", "duplicate_id")
    return valid


def _counties_by_file(valid: ValidTable, raws: list[RawTable]) -> None:
    """A file without a county column is one county (SPEC §2.1). When two such files hold the
    same year they are two counties, not one: each is then named by its file, with a note."""
    from collections import Counter

    without = [raw for raw in raws if "county" not in raw.written]
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


def _school_types(valid: ValidTable) -> None:
    """Resolve school_type (given or inferred) and check that it agrees with the counts."""
    import numpy as np
    import pandas as pd

    frame = valid.frame
    check_categories(valid, "school_type", SCHOOL_TYPE_VALUES, "bad_school_type",
                     params={"values": {
                         "zh": "小学、初中、九年一贯制学校、完全中学、十二年一贯制学校、高级中学，"
                               "或办学类型代码 211/218/311/312/341/342/345",
                         "en": "primary, junior, nine_year, complete_secondary, twelve_year, "
                               "senior (or the Chinese names), or the codes "
                               "211/218/311/312/341/342/345"}})
    counts = {stage: frame[col].to_numpy(dtype=float) for stage, col in STUDENT_COLUMNS.items()}
    has = {stage: np.nan_to_num(values) > 0 for stage, values in counts.items()}
    # Which stages have students, as a 3-bit code, indexes the type those stages imply.
    stage_bits = has["primary"] * 1 + has["junior"] * 2 + has["senior"] * 4
    by_bits = np.array([_INFERRED_TYPE.get(tuple(s for i, s in enumerate(STUDENT_COLUMNS)
                                                 if bits >> i & 1)) for bits in range(8)],
                       dtype=object)
    inferred = by_bits[stage_bits]
    given = frame["school_type"]
    blank_type = given.isna().to_numpy()
    cannot_infer = blank_type & pd.isna(inferred) & (stage_bits > 0)

    def stages_text(pos: int) -> str:
        return "/".join(f"{STAGE_ZH[s]}{display_value(float(counts[s][pos])) or '空'}"
                        for s in STUDENT_COLUMNS)

    _frame_problems(valid, "school_type", cannot_infer, "type_unknown",
                    per_row={"stages": stages_text})
    resolved = pd.Series(np.where(blank_type, inferred, given.to_numpy(dtype=object)),
                         index=frame.index, dtype=object)
    frame["school_type"] = resolved
    known = resolved.notna().to_numpy()
    types = Factorized(resolved)
    for stage, column in STUDENT_COLUMNS.items():
        allowed_types = {t: stage in stages for t, stages in SCHOOL_TYPE_STAGES.items()}
        allowed = types.map(allowed_types, default=False, dtype=bool)
        conflict = known & ~allowed & has[stage]
        _frame_problems(valid, column, conflict, "type_conflict",
                        params={"stage_zh": STAGE_ZH[stage], "stage_en": stage},
                        per_row={"type_zh": lambda pos: SCHOOL_TYPE_ZH[resolved.iat[pos]],
                                 "type_en": lambda pos: resolved.iat[pos],
                                 "count": counts[stage]})
        stated = ~blank_type & allowed & np.isnan(counts[stage])
        stated &= ~_already_reported(valid, column, stated)  # e.g. text: not blank
        _frame_problems(valid, column, stated, "missing_value",
                        params={"why": {"zh": "（学校类型包含该学段）",
                                        "en": " (the school type includes this stage)"}})


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
                valid.problems.append(Problem(
                    file=file, row=None, column=spec.zh, code="missing_column",
                    params={"zh": spec.zh, "name": column, "why": _why(indicator)}))
        blank = applies & np.isnan(frame[column].to_numpy(dtype=float))
        if not blank.any():
            continue
        # A column missing from a file is already one problem there; do not repeat it per row.
        lacking = [f for f, written in valid.written.items() if column not in written]
        blank &= ~np.isin(files, lacking)
        # A cell already reported (text in a number column, say) is not blank: one problem.
        blank &= ~_already_reported(valid, column, blank)
        _frame_problems(valid, column, blank, "missing_value", params={"why": _why(indicator)})


def own_problems(valid: ValidTable) -> ValidTable:
    """The same rows with a problem list of their own, for checks that add problems for one
    computation only (the rows are shared, never modified)."""
    return ValidTable(frame=valid.frame, problems=list(valid.problems), written=valid.written)


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


# ---------------------------------------------------------------------------------------------
# The exam table (SPEC §2.3)

# School names (folded as headers are) that mark a total row: summing it with the schools would
# count every candidate twice.
_TOTAL_ROW_NAMES = frozenset({"合计", "总计", "小计", "全县", "全旗", "全区", "全市", "全县合计",
                              "全旗合计", "全区合计", "县区合计", "total", "sum"})


def validate_exams(paths: list[Path], *, encoding: str | None = None, sheet: str | None = None
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


def _in_files_without(valid: ValidTable, column: str) -> np.ndarray:
    """Rows whose file has no such column (that is one problem per file, not one per row)."""
    import numpy as np

    lacking = [f for f, written in valid.written.items() if column not in written]
    return np.isin(valid.frame[FILE].to_numpy(dtype=object), lacking)


def _already_reported(valid: ValidTable, column: str, mask: np.ndarray) -> np.ndarray:
    """Of the rows in `mask`, those with a problem in `column` already (e.g. not a number)."""
    import numpy as np

    out = np.zeros(len(mask), dtype=bool)
    if not mask.any():
        return out
    places = {(p.file, p.row, p.column) for p in valid.problems if p.row is not None}
    files = valid.frame[FILE].to_numpy(dtype=object)
    rows = valid.frame[ROW].to_numpy()
    for pos in np.flatnonzero(mask):
        out[pos] = (files[pos], int(rows[pos]), valid.header(files[pos], column)) in places
    return out


def _exam_candidates(valid: ValidTable) -> None:
    """Candidates are the denominator of every rate: > 0, and never blank."""
    import numpy as np

    candidates = valid.frame["candidates"].to_numpy(dtype=float)
    _frame_problems(valid, "candidates", candidates == 0, "not_positive")
    blank = np.isnan(candidates) & ~_in_files_without(valid, "candidates")
    blank &= ~_already_reported(valid, "candidates", blank)
    _frame_problems(valid, "candidates", blank, "missing_value",
                    params={"why": {"zh": "（考生数是各比率的分母）",
                                    "en": " (candidates is the denominator of every rate)"}})


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
        why = {"zh": f"（{EXAM_ZH[exam_key]}的行必须填写，没有请填 0）",
               "en": f" ({exam_key} rows need it; write 0 if none)"}
        for column in columns:
            spec = EXAMS.column(column)
            lacking = _in_files_without(valid, column)
            for file in dict.fromkeys(files[rows_of & lacking]):
                valid.problems.append(Problem(
                    file=file, row=None, column=spec.zh, code="missing_column",
                    params={"zh": spec.zh, "name": spec.name, "why": why}))
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
                    params={"why": {"zh": "（同一考试的其他行都写明了学校；请填写学校，合计行请删除）",
                                    "en": " (other rows of this exam name their school: name this"
                                          " one, or delete it if it is a total)"}})
    frame["_school"] = identity.astype(object)
    shown = "school_id" if any("school_id" in w for w in valid.written.values()) else "school_name"
    try:
        check_duplicates(valid, ["county", "year", "exam", "_school"], shown, "duplicate_key",
                         params={"what": {"zh": "学校的同一考试", "en": "school and exam"}})
    finally:
        del frame["_school"]


def read_exams(paths: list[Path], **options: Any) -> ValidTable:
    """Validated exam rows; raises InputError carrying every problem when any is an error."""
    valid = validate_exams(paths, **options)
    if not valid.ok:
        raise InputError(valid.problems)
    return valid


# ---------------------------------------------------------------------------------------------
# Enrolment inputs: grade and age columns of the school table, the population table (SPEC §2.1,
# §2.2, §5)

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


def column_present(valid: ValidTable, column: str) -> np.ndarray:
    """Rows whose file has this column at all (a blank cell is present; a missing column is not)."""
    having = [f for f, written in valid.written.items() if column in written]
    return valid.frame[FILE].isin(having).to_numpy(dtype=bool)


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
    why = {"zh": "（人口表至少要有一列适龄人口）", "en": " (a population table needs at least one "
           "school-age population column)"}
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
                        "why": {"zh": "（文件名中也没有四位年份）",
                                "en": " (nor a 4-digit year in the file name)"}}))
    blank_year = np.isnan(valid.frame["year"].to_numpy(dtype=float)) & column_present(valid, "year")
    _frame_problems(valid, "year", blank_year, "missing_value",
                    params={"why": {"zh": "（人口按县区和年份对应）",
                                    "en": " (population is matched by county and year)"}})
    check_duplicates(valid, ["county", "year"], "year", "duplicate_key",
                     params={"what": {"zh": "县区", "en": "county"}})
    return valid


__all__ = ["EXAM_VALUES", "ColumnSpec", "ValidTable", "check_categories", "check_duplicates",
           "display_value", "load_tables", "parse_numbers", "read_exams", "read_schools",
           "validate_exams", "validate_schools", "validate_table"]


# ---------------------------------------------------------------------------------------------
# `edustat check` inputs: which table a file is, the claims file of a draft report (SPEC §7.3)

TableKind = str  # "schools", "exams" or "population"


def table_kind(path: Path, *, encoding: str | None = None, sheet: str | None = None
               ) -> TableKind:
    """Which table a file is, by its header row: an exam table has 考试/exam and 考生数/candidates;
    a population table has an age-population column and no school; anything else is a school
    table (whose reading then reports what is wrong with it)."""
    from edustat.reader import read_header
    from edustat.schema import UnknownUnit, match_header

    header = read_header(path, encoding=encoding, sheet=sheet) or []

    def columns(table: TableSpec) -> set[str]:
        found = set()
        for written in header:
            try:
                matched = match_header(table, written) if written.strip() else None
            except UnknownUnit:
                continue
            if matched is not None:
                found.add(matched.spec.name)
        return found

    if {"exam", "candidates"} <= columns(EXAMS):
        return "exams"
    school_columns = columns(SCHOOLS)
    if (not {"school_id", "school_name"} & school_columns
            and {"primary_age_population", "junior_age_population"} & school_columns):
        return "population"
    return "schools"


def check_grade_totals(valid: ValidTable, system: str) -> None:
    """The enrolment check that grade counts add up to their stage total, on its own (the same
    `grades_not_total` problems `edustat enrolment` reports, so nothing is reported twice)."""
    _check_grade_totals(valid, system, _stage_rows(valid))


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
        place = {"file": str(path), "row": int(row_number), "column": header,
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
