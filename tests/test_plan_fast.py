"""The plan's faster paths (issue #12's benchmark) against the straightforward computations.

- each round's stage units, taken again only in the added columns (units.units_with), against
  school_units of the data with the additions made;
- the results' before and after figures, read from the coefficients' columns, against the
  validated coefficient reports of the data before and after the plan;
- booking a round's steps (compute._book) against the loop it was before (every school's
  stage compared and rewritten per column);
- the schools' texts of the additions (compute._texts) against numpy's string conversion.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edustat.coefficients import compute_coefficients
from edustat.indicators import FACILITY_COLUMNS
from edustat.planning.compute import (
    SUBSETS,
    Ledger,
    _book,
    _new_ledger,
    _school_positions,
    _texts,
    applied,
    plan_columns,
)
from edustat.planning.targets import GRANULARITY, Target
from edustat.units import school_units, units_with
from tests.builders import frame, school
from tests.test_plan_stream import CASES, NORMS, STAGES, nine_year, run

TYPES = ["小学", "初级中学", "九年一贯制学校", "完全中学", "十二年一贯制学校"]


def same_frame(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Equal column by column, floats bit for bit (NaN where NaN), dtypes and order too."""
    assert list(got.columns) == list(expected.columns)
    for column in expected.columns:
        a, b = got[column].to_numpy(), expected[column].to_numpy()
        assert a.dtype == b.dtype, column
        if a.dtype.kind == "f":
            assert np.array_equal(a.view(np.int64), b.view(np.int64)), column
        else:
            assert a.tolist() == b.tolist(), column


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_units_with_is_school_units_of_the_added_data(data: st.DataObject) -> None:
    n = data.draw(st.integers(1, 6))
    value = st.sampled_from([None, 0, 3, 17.5, 1234.25])
    rows = [school(str(i), data.draw(st.sampled_from(TYPES)),
                   primary_students=data.draw(st.sampled_from([0, 40, 333])),
                   junior_students=data.draw(st.sampled_from([0, 25, 410])),
                   senior_students=data.draw(st.sampled_from([0, 90])),
                   **{c: data.draw(value) for c in ("sports_area", "books", "computers",
                                                     "junior_backbone_teachers",
                                                     "primary_teachers")})
            for i in range(n)]
    schools = frame(rows)
    method = data.draw(st.sampled_from(["quality", "basic"]))
    stages = data.draw(st.sampled_from([STAGES, ("primary",), ("junior",)]))
    columns = plan_columns(method, stages)
    # Moves (negative) and additions, whole and to 0.01; NaN in a column the plan adds to
    # becomes a number, as `applied` makes it.
    amount = st.sampled_from([0.0, 0.0, 1.0, -1.0, 155.19, 0.01])
    moved = applied(schools, {c: np.array([data.draw(amount) for _ in range(n)])
                              for c in data.draw(st.lists(st.sampled_from(columns),
                                                          unique=True))})
    base_units = school_units(moved, NORMS, stages)
    added = {c: np.array([abs(data.draw(amount)) for _ in range(n)]) for c in columns}
    now = applied(moved, added)
    same_frame(units_with(base_units, now, stages, columns), school_units(now, NORMS, stages))


def test_units_with_keeps_what_was_not_added() -> None:
    # A nine-year school: its facilities split 100 : 110 between the stages (weights 1, 1.1).
    schools = frame([nine_year("1"), nine_year("2", sports_area=None)])
    units = school_units(schools, NORMS, STAGES)
    now = applied(schools, {"sports_area": np.array([210.0, 21.0])})
    got = units_with(units, now, STAGES, ["sports_area"])
    # 1 500 + 210 = 1 710 m², 100/210 of it to primary: 814.28…; the missing area counts as 0.
    assert got["sports_area"].tolist() == pytest.approx([1710 * 100 / 210, 21 * 100 / 210,
                                                         1710 * 110 / 210, 21 * 110 / 210])
    assert got["books"].tolist() == units["books"].tolist()


def indicator_figures(report: Any) -> dict[Any, dict[str, Any]]:
    """Per (county, year, stage): each indicator's cv, limit and verdict, and the composite."""
    return {(r.county, r.year, r.stage): {
        "composite": r.composite, "limit": r.limit,
        "indicators": [(i.key, i.cv, i.limit, i.meets) for i in r.indicators]}
        for r in report.results}


@pytest.mark.parametrize("name", ["quality", "moves", "basic", "junior only", "empty plan"])
def test_results_read_the_coefficients_before_and_after(name: str) -> None:
    case = CASES[name]
    norms = case.get("norms", NORMS)
    method = case.get("method", "quality")
    stages = case.get("stages", STAGES)
    report = run(case, stream=False)
    schools = frame(case["rows"])
    # The data after: every move, then every addition made, as the plan lists them.
    after = schools.copy()
    for result in report.results:
        for m in result.moves:
            for school_id, sign in ((m.from_school_id, -1), (m.to_school_id, 1)):
                row = after.index[after["school_id"] == school_id][0]
                for column in {m.column, f"{m.column.split('_')[0]}_teachers"}:
                    after.loc[row, column] += sign * m.count
    for result in report.results:
        for a in result.additions:
            row = after.index[after["school_id"] == a["school_id"]][0]
            after.loc[row, a["column"]] = np.nan_to_num(after.loc[row, a["column"]]) + a["amount"]
    figures = {when: indicator_figures(compute_coefficients(
        school_units(data, norms, stages), method, norms))
        for when, data in (("before", schools), ("after", after))}
    assert report.results
    for r in report.results:
        key = (r.county, r.year, r.stage)
        first, later = figures["before"][key], figures["after"][key]
        assert [(i.key, i.cv_before, i.limit, i.meets_before) for i in r.indicators] \
            == first["indicators"]
        # After: the plan sums its rounds' amounts unrounded, the listing rounds them to
        # 0.01: the same figures to float noise (another group's CV would differ far more).
        assert [(i.key, i.limit, i.meets_after) for i in r.indicators] \
            == [(k, lim, ok) for k, _, lim, ok in later["indicators"]]
        assert [i.cv_after for i in r.indicators] \
            == pytest.approx([cv for _, cv, _, _ in later["indicators"]], rel=1e-9, abs=1e-12)
        assert r.composite_after == pytest.approx(later["composite"], rel=1e-9, abs=1e-12)
    if name in ("quality", "moves", "basic"):  # not vacuous: the plan changed some figure
        assert any(i.cv_after != i.cv_before for r in report.results for i in r.indicators)


def book_before(ledger: Ledger, schools_n: int, positions: np.ndarray, units: pd.DataFrame,
                targets: dict[str, Target], method: str) -> bool:
    """_book as it was: owners written for every school, stages compared per column."""
    stages = units["stage"].to_numpy(dtype=object)
    any_added = False
    for resource, target in targets.items():
        if not target.steps.any():
            continue
        if resource in FACILITY_COLUMNS:
            columns = {resource: np.ones(len(units), dtype=bool)}
        else:
            columns = {f"{s}_{resource}": stages == s for s in set(stages.tolist())}
        for column, mask in columns.items():
            steps = np.where(mask, target.steps, 0.0)
            if not steps.any():
                continue
            whole = np.zeros(schools_n)
            np.maximum.at(whole, positions, steps)
            floor_whole = np.zeros(schools_n)
            np.maximum.at(floor_whole, positions, np.where(mask, target.floor_steps, 0.0))
            needing = np.flatnonzero(steps > 0)
            order = needing[np.argsort(steps[needing], kind="stable")]
            owner = np.full(schools_n, None, dtype=object)
            owner[positions[order]] = stages[order]
            unset = np.equal(ledger.stage[column], None)
            ledger.stage[column] = np.where(unset, owner, ledger.stage[column])
            amount = np.round(whole * GRANULARITY.get(resource, 1.0), 2)
            ledger.amounts[column] += amount
            ledger.cv_driven[column] |= whole > floor_whole
            if resource in SUBSETS[method]:
                total = column.replace(resource, "teachers")
                ledger.hires[total] += amount
                ledger.amounts[total] += amount
                ledger.stage[total] = np.where(amount > 0, column.split("_")[0],
                                               ledger.stage[total])
            any_added = True
    return any_added


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_book_is_the_loop_it_replaces(data: st.DataObject) -> None:
    n = data.draw(st.integers(1, 6))
    kinds = [data.draw(st.sampled_from(["小学", "初级中学", "九年一贯制学校"])) for _ in range(n)]
    rows = [school(str(i), kind, primary_students=0 if kind == "初级中学" else 100,
                   junior_students=0 if kind == "小学" else 100)
            for i, kind in enumerate(kinds)]
    schools = frame(rows)
    method = data.draw(st.sampled_from(["quality", "basic"]))
    units = school_units(schools, NORMS, STAGES)
    positions = _school_positions(schools, units)
    resources = [*dict.fromkeys(r.removeprefix("primary_")
                                for r in plan_columns(method, ("primary",)))][1:]
    mine, theirs = (_new_ledger(n, plan_columns(method, STAGES)) for _ in range(2))
    for _round in range(data.draw(st.integers(1, 3))):
        # Whole steps, ties between a mixed school's stages included; a floor at most them.
        targets = {}
        for resource in resources:
            steps = np.array([float(data.draw(st.sampled_from([0, 0, 1, 2, 5])))
                              for _ in range(len(units))])
            floor = np.minimum(steps, [data.draw(st.sampled_from([0, 1, 9]))
                                       for _ in range(len(units))])
            targets[resource] = Target(steps=steps, floor_steps=floor)
        assert _book(mine, n, positions, units, targets, method) \
            == book_before(theirs, n, positions, units, targets, method)
    for field in ("amounts", "cv_driven", "hires", "stage"):
        got, expected = getattr(mine, field), getattr(theirs, field)
        assert list(got) == list(expected)
        for column in expected:
            assert got[column].tolist() == expected[column].tolist(), (field, column)


def texts_before(column: pd.Series) -> list[str | None]:
    """_texts as it was: every value through a numpy string array."""
    values = column.to_numpy(dtype=object)
    return np.where(column.isna().to_numpy(), None, values.astype(str)).tolist()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.text(), st.sampled_from(["一小", "a\x00", "\x00\x00", "", "x\x00y"]),
                          st.none(), st.just(float("nan")), st.integers(-5, 10**12),
                          st.floats(allow_nan=False)), max_size=8))
def test_texts_are_numpys_strings(values: list[Any]) -> None:
    column = pd.Series(values, dtype=object)
    assert _texts(column) == texts_before(column)
    # The texts of a text column are its own values (no copy through numpy).
    texts = [v for v in values if isinstance(v, str)]
    if texts and not any(t.endswith("\x00") for t in texts):
        assert all(a is b for a, b in zip(_texts(pd.Series(texts, dtype=object)), texts,
                                          strict=True))
