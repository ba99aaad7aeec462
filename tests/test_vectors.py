"""Factorized mapping and grouping agree with their plain, row-by-row meaning."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from edustat.vectors import Factorized, group_codes, map_values

labels = st.one_of(st.none(), st.sampled_from(["甲县", "乙县", "丙县", "primary", "junior"]))


@given(st.lists(labels, max_size=40))
def test_map_values_is_a_row_by_row_lookup(values):
    table = {"甲县": 1.0, "primary": 2.0}
    expected = [table.get(v, 0.0) if v is not None else 0.0 for v in values]
    assert map_values(pd.Series(values, dtype=object), table, default=0.0,
                      dtype=float).tolist() == expected


def test_factorized_maps_one_column_several_ways():
    types = Factorized(pd.Series(["nine_year", None, "primary", "nine_year"], dtype=object))
    assert types.map({"nine_year": True}, default=False, dtype=bool).tolist() == [
        True, False, False, True]
    assert types.map(str.upper).tolist() == ["NINE_YEAR", None, "PRIMARY", "NINE_YEAR"]


@given(st.lists(st.tuples(labels, st.sampled_from([2021.0, 2022.0, np.nan]),
                          st.sampled_from(["primary", "junior"])), min_size=1, max_size=40))
def test_group_codes_number_groups_by_first_appearance(rows):
    counties, years, stages = zip(*rows, strict=True)
    codes, first = group_codes([pd.Series(counties, dtype=object), np.array(years),
                                pd.Series(stages, dtype=object)])
    # Row by row: a key seen before gets its number, a new key the next one.
    seen: dict[tuple, int] = {}
    expected = []
    for county, year, stage in rows:
        key = (county, None if year != year else year, stage)
        expected.append(seen.setdefault(key, len(seen)))
    assert codes.tolist() == expected
    assert first.tolist() == [expected.index(g) for g in range(len(seen))]


def test_group_codes_of_no_rows_are_empty():
    codes, first = group_codes([pd.Series([], dtype=object), np.array([], dtype=float)])
    assert codes.tolist() == [] and first.tolist() == []
