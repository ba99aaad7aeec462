"""Rows that are not records, and cells that are not values (SPEC §2.1, §2.4), in every table.

Before the dictionary checks: totals and subtotal rows (合计, 小计, 示例旗合计, 总计（全旗）, 其中…)
are taken out with a note naming each; county and year merged down a block (blank below the
block's first row) are filled down with a note naming the rows; Excel error cells are named.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from edustat.problems import Problem
from edustat.reader import ROW, RawTable
from edustat.schema import TableSpec, normalize_header
from edustat.vectors import blanks

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

_PUNCTUATION = re.compile(r"[\s:：()（）\[\]【】、,，.。\-—_/]+")
_TOTAL_EXACT = frozenset({"合计", "总计", "小计", "全县", "全旗", "全区", "全市", "全乡", "全镇",
                          "总数", "total", "sum", "subtotal", "grandtotal"})
_TOTAL_AFFIXES = ("合计", "总计", "小计")
_MARKER_CHARS = r"计|計|全|其中|total|sum"
_WHOLE_AREA = re.compile(r"^(全县|全旗|全区|全市|全乡|全镇|县区|本县|本旗|本区)?$")
# Columns whose cells name a row: a total says so in one of them.
_NAME_COLUMNS = ("school_name", "school_id", "county")
# Count columns whose sum a blank-id total row repeats (SPEC §2.1).
_SUM_COLUMNS = ("primary_students", "junior_students", "senior_students", "candidates")
FILLED_DOWN = ("county", "year")


def _fold(text: str) -> str:
    return _PUNCTUATION.sub("", normalize_header(text))


def is_total(text: object) -> bool:
    """True when a name or id cell marks a totals or subtotal row (合计, 小学合计, 示例旗合计,
    总计（全旗）, 合计：, 其中：…, 全县)."""
    if text is None or (isinstance(text, float) and text != text):
        return False
    folded = _fold(str(text))
    if not folded:
        return False
    return (folded in _TOTAL_EXACT or folded.startswith(("其中", *_TOTAL_AFFIXES))
            or folded.endswith(_TOTAL_AFFIXES))


def is_grand_total(text: str, counties: set[str]) -> bool:
    """A total of the whole table (合计, 全县合计, 示例旗合计, 总计（全旗）), not a subtotal."""
    folded = _fold(text)
    if "小计" in folded or folded.startswith("其中"):
        return False
    rest = folded
    for word in ("合计", "总计"):
        rest = rest.replace(word, "")
    return bool(_WHOLE_AREA.match(rest)) or rest in {_fold(c) for c in counties}


def _cell(frame: pd.DataFrame, column: str, pos: int) -> Any:
    value = frame[column].iat[pos] if column in frame else None
    return None if value is None or (isinstance(value, float) and value != value) else value


def rows_matching(cells: pd.Series, pattern: str, needs: str = "") -> np.ndarray:
    """Rows whose cell text matches `pattern` (written in lower case: the text is case-folded;
    `^`/`$` anchor at the cell's ends). The distinct values are scanned at once, joined by line
    breaks, in one regex pass at C speed: pandas' str methods cost a Python call per cell, and
    judging 200 000 names one by one took seconds."""
    import numpy as np

    # Most columns match nowhere: every cell is looked at once, joined, before the distinct
    # values are found (hashing 200 000 names costs more than scanning them).
    if not _any_match(cells.tolist(), pattern, needs):
        return np.zeros(len(cells), dtype=bool)
    distinct = cells.dropna().unique().tolist()
    texts = list(map(str, distinct))
    joined = "\n".join(texts).lower()
    # Offsets map back to values only if lower() kept every length and no value holds a line
    # break; otherwise (rare) the values are judged one by one.
    if (len(joined) != sum(map(len, texts)) + len(texts) - 1
            or joined.count("\n") != len(texts) - 1):
        hits = [v for v, t in zip(distinct, texts, strict=True)
                if re.search(pattern, t.lower().replace("\n", " "))]
    else:
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        starts = np.concatenate(([0], np.cumsum(lengths[:-1] + 1)))
        found = {int(np.searchsorted(starts, m.start(), side="right") - 1)
                 for m in re.finditer(pattern, joined, re.MULTILINE)}
        hits = [distinct[k] for k in sorted(found)]
    return cells.isin(hits).to_numpy(dtype=bool) if hits else np.zeros(len(cells), dtype=bool)


def _any_match(values: list[Any], pattern: str, needs: str) -> bool:
    """Whether any cell's case-folded text matches `pattern`, blank cells aside."""
    try:
        joined = "\n".join(values)
    except TypeError:  # a blank (NaN, None) or a number among the texts
        joined = "\n".join(str(v) for v in values if v is not None and v == v)
    joined = joined.lower()
    # `needs`: a text every match holds; its absence is found faster than the pattern's.
    return not (needs and needs not in joined) and bool(re.search(pattern, joined, re.MULTILINE))


def split_totals(raw: RawTable) -> tuple[pd.DataFrame, list[Problem]]:
    """Take the totals and subtotal rows out of `raw.frame` (in place); (those rows, notes)."""
    import numpy as np

    from edustat.schema import Kind
    from edustat.validate.cells import parse_numbers

    frame = raw.frame
    marked = np.zeros(len(frame), dtype=bool)
    # A total says so in its name; in its id only when it has no name, in its county only
    # when it has neither (so only those cells are scanned: a national file has 200 000 ids).
    unnamed = np.ones(len(frame), dtype=bool)
    for column in _NAME_COLUMNS:
        if column not in frame:
            continue
        where = np.flatnonzero(unnamed)
        if not len(where):  # every row named: no id or county cell is looked at
            break
        cells = frame[column].iloc[where] if len(where) < len(frame) else frame[column]
        maybe = rows_matching(cells, _MARKER_CHARS)
        if maybe.any():
            candidates = cells[maybe]
            totals = [v for v in candidates.unique().tolist() if is_total(v)]
            marked[where[maybe]] |= candidates.isin(totals).to_numpy(dtype=bool)
        unnamed &= blanks(frame[column])
    by_sum = np.zeros(len(frame), dtype=bool)
    if "school_id" in frame:
        blank_id = blanks(frame["school_id"])
        sums = [c for c in _SUM_COLUMNS if c in frame]
        if blank_id.any() and sums:
            values = np.column_stack([parse_numbers(frame[c], Kind.COUNT)[0] for c in sums])
            for pos in np.flatnonzero(blank_id & ~marked):
                above = values[:pos][~marked[:pos] & ~by_sum[:pos]]
                if len(above) < 2 or np.isnan(values[pos]).any() or np.isnan(above).any():
                    continue
                if values[pos].sum() > 0 and np.array_equal(above.sum(axis=0), values[pos]):
                    by_sum[pos] = True
    out = marked | by_sum
    problems = []
    for pos in np.flatnonzero(out):
        name = next((str(_cell(frame, c, pos)) for c in _NAME_COLUMNS if _cell(frame, c, pos)),
                    "")
        column = next((c for c in _NAME_COLUMNS if _cell(frame, c, pos)), "school_id")
        problems.append(Problem(file=raw.file, row=int(frame[ROW].iat[pos]),
                                column=raw.written.get(column, column), value=name or None,
                                code="total_row_by_sum" if by_sum[pos] else "total_row_left_out",
                                severity="note", params={"name": name}))
    totals = frame.loc[out].copy()
    if out.any():  # else the rows stay as they are: a copy of a national frame is 40 MB
        raw.frame = frame.loc[~out].reset_index(drop=True)
    return totals, problems


def fill_down(raw: RawTable) -> list[Problem]:
    """County and year merged down a block of rows (blank below the block's first row) are
    filled from the first row, with one note per block naming its rows; a blank with nothing
    above it is an error (SPEC §2.4): never a group with county null."""
    import numpy as np

    problems: list[Problem] = []
    frame = raw.frame
    rows = frame[ROW].to_numpy()
    for column in FILLED_DOWN:
        if column not in frame:
            continue
        cells = frame[column]
        blank = blanks(cells)
        if not blank.any() or blank.all():
            # An empty column is as good as none (the whole file one county, no year): that is
            # said elsewhere, not once per row.
            continue
        header = raw.written.get(column, column)
        filled = cells.ffill()
        sources = np.where(~blank, np.arange(len(cells)), -1)
        sources = np.maximum.accumulate(sources) if len(sources) else sources
        for pos in np.flatnonzero(blank & (sources < 0)):
            problems.append(Problem(file=raw.file, row=int(rows[pos]), column=header,
                                    code="fill_nothing_above", params={"column": header}))
        for source in sorted(set(sources[blank & (sources >= 0)].tolist())):
            members = np.flatnonzero(blank & (sources == source))
            value = cells.iat[source]
            shown = value if not isinstance(value, float) or not value.is_integer() else int(value)
            problems.append(Problem(file=raw.file, row=int(rows[members[0]]), column=header,
                                    value=str(shown), code="filled_down", severity="note",
                                    params={"column": header, "value": str(shown),
                                            "source": int(rows[source]),
                                            "rows": row_ranges(rows[members].tolist())}))
        frame[column] = filled
    return problems


def row_ranges(rows: list[int]) -> str:
    """Row numbers as ranges: 3–5、8."""
    parts: list[str] = []
    start = previous = None
    for row in rows:
        if previous is not None and row == previous + 1:
            previous = row
            continue
        if start is not None:
            parts.append(f"{start}" if start == previous else f"{start}–{previous}")
        start = previous = row
    if start is not None:
        parts.append(f"{start}" if start == previous else f"{start}–{previous}")
    return "、".join(parts)


def cell_error_problems(raw: RawTable) -> list[Problem]:
    """Excel error cells (#DIV/0!, #N/A) and formulas without a saved value, named as such."""
    problems = []
    for row, column, value in raw.cell_errors:
        header = raw.written.get(column, column)
        if value == "=":
            problems.append(Problem(file=raw.file, row=row, column=header, value=None,
                                    code="formula_no_value"))
        else:
            problems.append(Problem(file=raw.file, row=row, column=header, value=value,
                                    code="excel_error", params={"error": value}))
    return problems


def compare_totals(totals: pd.DataFrame, schools: pd.DataFrame, raw: RawTable,
                   table: TableSpec) -> list[Problem]:
    """A present 合计 row's counts against the sum of the schools: a warning per column that
    differs (the county's own totals do not add up). Only one whole-table total is compared,
    and only columns every school fills."""
    import numpy as np

    from edustat.schema import NUMERIC_KINDS, Kind
    from edustat.validate.cells import parse_numbers

    counties = set(schools["county"].dropna().astype(str)) if "county" in schools else set()
    grand = [pos for pos in range(len(totals)) if is_grand_total(
        next((str(_cell(totals, c, pos)) for c in _NAME_COLUMNS if _cell(totals, c, pos)), ""),
        counties)]
    if len(grand) != 1:
        return []
    pos = grand[0]
    problems = []
    for spec in table.columns:
        if spec.kind not in NUMERIC_KINDS or spec.kind is Kind.YEAR or spec.name not in totals:
            continue
        factor = raw.factors.get(spec.name, 1.0)
        total = parse_numbers(totals[spec.name].iloc[[pos]], spec.kind)[0][0] * factor
        values = schools[spec.name].to_numpy(dtype=float)
        if np.isnan(total) or np.isnan(values).any():
            continue
        added = float(values.sum())
        if abs(total - added) > 1e-9 * max(1.0, abs(added)):
            header = raw.written.get(spec.name, spec.name)
            problems.append(Problem(
                file=raw.file, row=int(totals[ROW].iat[pos]), column=header,
                value=_plain(total / factor), code="totals_differ", severity="warning",
                params={"column": header, "total": _plain(total / factor),
                        "sum": _plain(added / factor)}))
    return problems


def _plain(number: float) -> str:
    rounded = round(number, 9)
    return str(int(rounded)) if float(rounded).is_integer() else repr(rounded)
