"""Splitting mixed schools into stage units (SPEC §3), worked by hand."""

from __future__ import annotations

import pytest

from builders import frame, school
from edustat.norms import load_norms
from edustat.units import school_units, stage_shares

NORMS = load_norms()


def shares_of(row):
    shares = stage_shares(frame([row]), NORMS)
    return shares["primary"].iloc[0], shares["junior"].iloc[0]


def test_nine_year_shares():
    # A = 300, B = 200: primary A/(A+1.1B) = 300/520, junior 1.1B/(A+1.1B) = 220/520
    primary, junior = shares_of(school("N", "九年一贯制学校", primary_students=300,
                                       junior_students=200))
    assert primary == pytest.approx(300 / 520) and junior == pytest.approx(220 / 520)


def test_twelve_year_shares():
    # A = 100, B = 200, C = 300: 100 + 220 + 396 = 716
    primary, junior = shares_of(school("T", "十二年一贯制学校", primary_students=100,
                                       junior_students=200, senior_students=300))
    assert primary == pytest.approx(100 / 716) and junior == pytest.approx(220 / 716)


def test_complete_secondary_shares():
    # B = 500, C = 400: junior B/(B+1.2C) = 500/980; no primary share
    primary, junior = shares_of(school("K", "完全中学", junior_students=500,
                                       senior_students=400))
    assert primary == 0 and junior == pytest.approx(500 / 980)


def test_pure_schools_keep_everything():
    assert shares_of(school("P", "小学", primary_students=10)) == (1.0, 0.0)
    assert shares_of(school("J", "初中", junior_students=10)) == (0.0, 1.0)


def test_weights_come_from_the_norms():
    # A province that weights junior pupils 1.5: 300 / (300 + 1.5 × 200) = 0.5
    norms = NORMS.model_copy(update={"split_weights": {
        "default": {"primary": 1.0, "junior": 1.5, "senior": 1.32},
        "complete_secondary": {"junior": 1.0, "senior": 1.2}}})
    shares = stage_shares(frame([school("N", "九年一贯制学校", primary_students=300,
                                        junior_students=200)]), norms)
    assert shares["primary"].iloc[0] == pytest.approx(0.5)


def test_units_split_facilities_not_teachers():
    row = school("N", "九年一贯制学校", primary_students=300, junior_students=200,
                 books=5200, primary_teachers=20, junior_teachers=15)
    units = school_units(frame([row]), NORMS).set_index("stage")
    # books 5 200 × 300/520 = 3 000 to primary, 5 200 × 220/520 = 2 200 to junior
    assert units.loc["primary", "books"] == pytest.approx(3000)
    assert units.loc["junior", "books"] == pytest.approx(2200)
    # teachers are each stage's own column, unsplit
    assert units.loc["primary", "teachers"] == 20 and units.loc["junior", "teachers"] == 15


def test_senior_schools_and_empty_stages_are_left_out():
    rows = [school("S", "高级中学", senior_students=900, books=9000),
            school("N", "九年一贯制学校", primary_students=0, junior_students=200, books=100)]
    units = school_units(frame(rows), NORMS)
    assert list(units["school_id"]) == ["N"] and list(units["stage"]) == ["junior"]
    # with no primary pupils the nine-year school's junior unit holds all its books
    assert units["books"].iloc[0] == pytest.approx(100)
