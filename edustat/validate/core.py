"""Column-wise validation of input tables against the data dictionary in `schema`.

Every check is a vectorized mask over a whole column; each flagged cell becomes one Problem with
the file, spreadsheet row, header as written and the value as written. Nothing stops at the first
problem, and no value that fails is ever replaced by 0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from edustat.problems import InputError, Problem, Severity, has_errors
from edustat.reader import FILE, ROW, RawTable, read_table
from edustat.schema import (
    NUMERIC_KINDS,
    UPPER_BOUNDS,
    ColumnSpec,
    Kind,
    TableSpec,
    normalize_header,
)
from edustat.texts import t
from edustat.vectors import Factorized, frame_of

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

STUDENT_COLUMNS = {"primary": "primary_students", "junior": "junior_students",
                   "senior": "senior_students"}

_GROUPED_NUMBER = r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?"


@dataclass
class ValidTable:
    """Validated rows of one or more files: canonical columns, typed, with FILE and ROW."""

    frame: pd.DataFrame
    problems: list[Problem]
    written: dict[str, dict[str, str]] = field(default_factory=dict)  # file -> canonical -> header
    unknown: dict[str, list[str]] = field(default_factory=dict)  # file -> headers not recognised

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

    def cells(self, column: str, mask: np.ndarray, code: str, severity: Severity = "error",
              params: dict[str, Any] | None = None,
              per_row: dict[str, np.ndarray | Callable[[int], Any]] | None = None) -> None:
        """One problem for each row where `mask` is true, in the given column."""
        import numpy as np

        positions = np.flatnonzero(mask)
        if not len(positions):
            return
        raw_column = self.raw.frame.get(column)
        rows = self.raw.frame[ROW].to_numpy()
        header = self.raw.written.get(column, column)
        for pos in positions:
            extra = {k: _plain(v(pos) if callable(v) else v[pos])
                     for k, v in (per_row or {}).items()}
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
    # Every absent number column is this one blank column: a national file lacks a score of
    # them, and filling each anew cost 30 ms. It is read-only, so a write into one of them in
    # place would fail loudly instead of changing them all (a column is replaced, never written).
    absent = np.full(len(source), np.nan)
    absent.flags.writeable = False
    for spec in table.columns:
        if spec.name not in source:
            # Columns a computation needs are judged by the table's own validator, which knows
            # which rows need them (a primary-only file needs no junior teacher column).
            if spec.required:
                checker.problems.append(missing_column(raw.file, spec, "", raw.unknown))
            clean[spec.name] = (absent if spec.kind in NUMERIC_KINDS
                                else pd.Series([None] * len(source), dtype=object))
            continue
        cells = source[spec.name]
        if spec.kind in NUMERIC_KINDS:
            numbers, bad = parse_numbers(cells, spec.kind)
            checker.cells(spec.name, bad, "not_number")
            factor = raw.factors.get(spec.name, 1.0)
            if factor != 1.0:  # a unit to convert (万元 -> 元); else no 200 000-value copy
                numbers = numbers * factor
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
                if huge.any():
                    checker.cells(spec.name, huge, "too_large",
                                  params={"ceiling": f"{ceiling:.0e}"})
                    # A copy: `numbers` may be the cells' own array, which must keep the value
                    # as written for the problem above.
                    numbers = np.where(huge, np.nan, numbers)
            clean[spec.name] = numbers
        else:
            missing = cells.isna().to_numpy()
            text = cells.astype(object)
            if missing.any():
                text = text.where(~missing, None)
            if spec.required:
                # An Excel error cell is named as such (SPEC §2.4), not as a blank.
                erred = {row for row, column, _ in raw.cell_errors if column == spec.name}
                blank = missing & ~source[ROW].isin(erred).to_numpy() if erred else missing
                checker.cells(spec.name, blank, "missing_value", params={"why": ""})
            clean[spec.name] = text
    clean[ROW] = source[ROW].to_numpy()
    clean[FILE] = np.full(len(source), raw.file, dtype=object)
    # One block per column: consolidating 50 columns of a national file into one 2-D block
    # costs more than all the checks together.
    frame = frame_of(clean)
    _check_subsets(frame, table, checker)
    if "year" not in source and raw.year_from_name is not None:
        frame["year"] = float(raw.year_from_name)
    if "county" in frame and "county" not in source and raw.county_from_title is not None:
        frame["county"] = raw.county_from_title
    return frame, checker.problems


def missing_column(file: str, spec: ColumnSpec, why: dict[str, str] | str,
                   unknown: list[str]) -> Problem:
    """A needed column missing from a file; when a header of the file that was not recognised
    is one or two edits from the column's name (小学专任教帅数), the problem names it."""
    near = near_header(spec, unknown)
    params = {"zh": spec.zh, "name": spec.name, "why": why}
    if near is None:
        return Problem(file=file, row=None, column=spec.zh, code="missing_column", params=params)
    return Problem(file=file, row=None, column=spec.zh, value=near, code="missing_column_near",
                   params={**params, "near": near})


def near_header(spec: ColumnSpec, headers: list[str]) -> str | None:
    """The header, of `headers`, closest to one of the column's names: at most one edit in a
    name of up to six characters, two in a longer one (normalized, units aside)."""
    from edustat.schema import split_unit

    best: tuple[int, str] | None = None
    names = [split_unit(normalize_header(n))[0] for n in spec.all_names]
    for header in headers:
        folded = split_unit(normalize_header(header.split("/")[-1]))[0]
        for name in names:
            allowed = 1 if len(name) <= 6 else 2
            if abs(len(folded) - len(name)) > allowed:
                continue
            distance = _edits(folded, name)
            if distance <= allowed and (best is None or distance < best[0]):
                best = (distance, header)
    return best[1] if best else None


def _edits(a: str, b: str) -> int:
    """Levenshtein distance of two short strings."""
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, 1):
        current = [i]
        for j, other in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (char != other)))
        previous = current
    return previous[-1]


def _why(indicator_key: str | None) -> dict[str, str] | str:
    if not indicator_key:
        return ""
    from edustat.indicators import BY_KEY

    indicator = BY_KEY.get(indicator_key)
    zh_name = indicator.zh if indicator else indicator_key
    return {"zh": t("problem.why.needed_for", "zh", name=zh_name),
            "en": t("problem.why.needed_for", "en", name=indicator_key)}


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


def load_tables(paths: list[Any], table: TableSpec, *, encoding: str | None = None,
                sheet: str | None = None, header_rows: tuple[int, int] | None = None
                ) -> tuple[list[RawTable], list[Problem]]:
    """Read every file; problems of unreadable files are collected, not raised one by one."""
    raws: list[RawTable] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            raw = read_table(path, table, encoding=encoding, sheet=sheet,
                             header_rows=header_rows)
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
    from edustat.validate.rows import (
        cell_error_problems,
        compare_totals,
        fill_down,
        split_totals,
    )

    for raw in raws:
        # Rows that are not records first: a 合计 row must never reach the type checks, and a
        # county merged down must be filled before rows are grouped by county.
        totals, notes = split_totals(raw)
        problems.extend(notes)
        if table.name != "claims":  # a claim's blank county means "the only one"
            problems.extend(fill_down(raw))
        problems.extend(cell_error_problems(raw))
        frame, file_problems = _clean_file(raw, table, needed or {})
        frames.append(frame)
        problems.extend(file_problems)
        if len(totals):
            problems.extend(compare_totals(totals, frame, raw, table))
    if frames:
        frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    else:
        frame = pd.DataFrame(columns=[*table.names(), ROW, FILE])
    return ValidTable(frame=frame, problems=problems,
                      written={raw.file: raw.written for raw in raws},
                      unknown={raw.file: raw.unknown for raw in raws})


def check_categories(valid: ValidTable, column: str, values: dict[str, str], code: str,
                     params: dict[str, Any] | None = None, factorized: Factorized | None = None
                     ) -> tuple[np.ndarray, list[str]]:
    """Map a category column onto canonical values in place; unknown values are errors. Returns
    each row's canonical value as a position in the returned list (-1: blank or unknown), for
    checks that look at the column again without hashing its texts again. `factorized`: the
    column as it is, when the caller has factorized it already."""
    import numpy as np
    import pandas as pd

    lookup = {normalize_header(k): v for k, v in values.items()}
    canonical = list(dict.fromkeys(values.values()))
    position = {value: i for i, value in enumerate(canonical)}
    if factorized is None:
        factorized = Factorized(valid.frame[column])
    unknown_code = len(canonical)  # a value that is none of them
    per_value = [position.get(lookup.get(normalize_header(v), ""), unknown_code)
                 for v in factorized.uniques]
    codes = np.array([*per_value, -1], dtype=np.int64)[factorized.codes]  # blank: -1
    unknown = codes == unknown_code
    _frame_problems(valid, column, unknown, code, params=params)
    codes[unknown] = -1
    shown = np.array([*canonical, None], dtype=object)  # code -1: the last slot
    valid.frame[column] = pd.Series(shown[codes], index=valid.frame.index, dtype=object)
    return codes, canonical


def flag_rows(valid: ValidTable, column: str, mask: np.ndarray, code: str,
              severity: Severity = "error", params: dict[str, Any] | None = None,
              per_row: dict[str, np.ndarray | Callable[[int], Any]] | None = None,
              value_column: str | None = None) -> None:
    """One problem per flagged row of the combined frame (rows may come from several files),
    each with file, spreadsheet row, header as written and the value as written."""
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


_frame_problems = flag_rows  # the name older callers use


def check_duplicates(valid: ValidTable, key: list[str], column: str, code: str,
                     params: dict[str, Any] | None = None, skip: np.ndarray | None = None
                     ) -> None:
    """Rows sharing `key` are errors, each naming the other rows (file:row when files differ).

    Part of the key may be blank (no year, no county): blank matches blank. Rows in `skip`
    (already reported, e.g. a mangled id) are not reported again."""
    import numpy as np

    frame = valid.frame
    present = frame[key[-1]].notna().to_numpy()
    # Rows can share a key only if they share its last part: when every given id differs (a
    # Python set is several times faster than pandas' hashing of 200 000 texts), none do.
    given = frame[key[-1]].to_numpy(dtype=object)[present].tolist()
    if len(set(given)) == len(given):
        return
    duplicated = frame.duplicated(key, keep=False).to_numpy() & present
    if skip is not None:
        duplicated &= ~skip
    if not duplicated.any():
        return
    dup = frame.loc[duplicated, [*key, ROW, FILE]]
    # Each key cell as text, a blank as "" (astype(str) of a missing value is a float under
    # pandas 3 and the join fails: issue 14.3).
    group_key = dup[key].map(lambda v: "" if v is None or v != v else display_value(v)).agg(
        "\x1f".join, axis=1)
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


def own_problems(valid: ValidTable) -> ValidTable:
    """The same rows with a problem list of their own, for checks that add problems for one
    computation only (the rows are shared, never modified)."""
    return ValidTable(frame=valid.frame, problems=list(valid.problems), written=valid.written)


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


def column_present(valid: ValidTable, column: str) -> np.ndarray:
    """Rows whose file has this column at all (a blank cell is present; a missing column is not)."""
    having = [f for f, written in valid.written.items() if column in written]
    return valid.frame[FILE].isin(having).to_numpy(dtype=bool)


