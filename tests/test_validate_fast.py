"""The validator's shortcuts for large tables give what the plain definitions give.

A national table has 200 000 rows, so the validator looks at a column once where it can: all
of its cells joined into one text before finding its distinct values, a set of the ids before
asking pandas which rows repeat. Each shortcut is compared here, on generated columns, with the
definition it stands in for, written the slow and obvious way.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from edustat.reader import FILE, ROW
from edustat.validate.core import ValidTable, check_duplicates
from edustat.validate.rows import _MARKER_CHARS, rows_matching
from edustat.validate.schools import _SCIENTIFIC

# Cells as a reader hands them over: texts (with line breaks, capitals, markers, numbers in
# scientific notation), blanks as None or NaN, and numbers a workbook stored as numbers.
_TEXTS = st.sampled_from(["合计", "示例旗第一小学", "小学合计", "Total", "SUM of all", "全旗",
                          "其中：教学点", "2.152E+09", " 2.15e9 ", "2152000002", "a\nb",
                          "计\n", "\n2.1e+09", "", "E", "示例旗"])
_CELLS = st.lists(st.one_of(_TEXTS, st.text(max_size=6), st.none(), st.just(math.nan),
                            st.integers(-5, 5), st.floats(allow_nan=False, width=32)),
                  max_size=30)
_PATTERNS = [(_MARKER_CHARS, ""), (rf"^[ \t]*{_SCIENTIFIC}[ \t]*$", "e")]


def _plainly(cells: list[object], pattern: str) -> list[bool]:
    """Each cell on its own: its text, case-folded, line breaks as spaces, searched."""
    return [v is not None and v == v
            and re.search(pattern, str(v).lower().replace("\n", " ")) is not None
            for v in cells]


@settings(max_examples=300, deadline=None)
@given(cells=_CELLS, which=st.sampled_from(_PATTERNS), as_text=st.booleans())
def test_rows_matching_is_each_cell_searched_alone(cells: list[object],
                                                   which: tuple[str, str],
                                                   as_text: bool) -> None:
    pattern, needs = which
    if as_text:  # a CSV's text column (pandas' string dtype), blanks missing
        cells = [None if v is None or v != v else str(v) for v in cells]
        series = pd.Series(cells, dtype="str" if pd.__version__ >= "3" else object)
    else:  # a workbook's mixed column
        series = pd.Series(cells, dtype=object)
    found = rows_matching(series, pattern, needs=needs)
    assert found.tolist() == _plainly(cells, pattern)


def test_rows_matching_finds_a_marker_among_many_plain_names() -> None:
    names = [f"示例旗第{k}小学" for k in range(5000)]
    names[3210] = "示例旗合计"
    found = rows_matching(pd.Series(names, dtype=object), _MARKER_CHARS)
    assert np.flatnonzero(found).tolist() == [3210]


_IDS = st.one_of(st.sampled_from(["2152000002", "2152000003", "2.152E+09", "7"]), st.none(),
                 st.just(math.nan), st.integers(0, 3), st.floats(0, 3).map(float))
_YEARS = st.one_of(st.sampled_from([2022.0, 2023.0]), st.just(math.nan))


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(st.tuples(_YEARS, _IDS), max_size=25))
def test_duplicate_ids_are_the_rows_sharing_year_and_id(rows: list[tuple[float, object]]
                                                        ) -> None:
    frame = pd.DataFrame({"year": [y for y, _ in rows],
                          "school_id": pd.Series([i for _, i in rows], dtype=object),
                          ROW: list(range(2, len(rows) + 2)), FILE: "a.csv"})
    valid = ValidTable(frame=frame, problems=[])
    check_duplicates(valid, ["year", "school_id"], "school_id", "duplicate_id")

    def key(year: float, school_id: object) -> tuple[object, object]:
        # Blank matches blank (no year, say); a given id equals an equal id (2 and 2.0).
        return ("" if year != year else year, school_id)

    blank = [i is None or i != i for _, i in rows]
    keys = [key(y, i) for y, i in rows]
    expected = [k + 2 for k in range(len(rows))
                if not blank[k] and sum(keys[k] == other for other in keys) > 1]
    assert [p.row for p in valid.problems] == expected
