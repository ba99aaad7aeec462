"""The cells of one file checked against the data dictionary: numbers parsed as written
(1,234, full-width digits, 45%), each cell that is not a number, negative, fractional, out of
range or missing named with its file, spreadsheet row and header as written; and the problem
for a needed column that is missing (naming the header one edit away, if any).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from edustat.problems import Problem, Severity
from edustat.reader import FILE, ROW, RawTable
from edustat.schema import (
    NUMERIC_KINDS,
    UPPER_BOUNDS,
    ColumnSpec,
    Kind,
    TableSpec,
    normalize_header,
)
from edustat.texts import t
from edustat.vectors import blanks, frame_of

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

_GROUPED_NUMBER = r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?"


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
            extra = {k: plain_value(v(pos) if callable(v) else v[pos])
                     for k, v in (per_row or {}).items()}
            value = display_value(raw_column.iat[pos]) if raw_column is not None else None
            self.problems.append(Problem(
                file=self.raw.file, row=int(rows[pos]), column=header, value=value, code=code,
                severity=severity, params={**(params or {}), **extra}))


def plain_value(value: Any) -> Any:
    """A numpy scalar as a Python value, a whole float as an int (for a problem's params)."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def clean_file(raw: RawTable, table: TableSpec, needed: dict[str, str]
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
            missing = blanks(cells)
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


def why_needed(indicator_key: str | None) -> dict[str, str] | str:
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
