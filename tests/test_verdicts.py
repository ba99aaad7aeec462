"""A value exactly at its limit meets it, in every verdict (SPEC §3, §4, §5, §7.3).

Floating point puts many exact cases a hair beyond their limit (CV 0.4500000000000001 for an exact
0.45); edustat.verdicts decides with a relative tolerance of 1e-12, so those meet, while a value
beyond its limit by a relative 1e-9 — a real difference, far above float noise — does not. Each
case below is worked by hand; where floats put it beyond the limit, the test says so first, so
the case is known to be the trap and not an easy one.
"""

from __future__ import annotations

import json
import math
from decimal import Decimal, localcontext
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from builders import frame, school, write_csv
from edustat import api
from edustat.coefficients import CoefficientResult, compute_coefficients
from edustat.indicators import indicators_for
from edustat.norms import Norms, load_norms
from edustat.school_verdicts import judge, size_and_class_size
from edustat.units import school_units
from edustat.verdicts import (
    RELATIVE_TOLERANCE,
    above,
    at_least,
    at_most,
    below,
    noise_variance,
)

NORMS = load_norms()


def result(rows, method="quality", norms: Norms = NORMS, with_units=False) -> CoefficientResult:
    """The one county/stage result of a list of school rows."""
    (only,) = compute_coefficients(school_units(frame(rows), norms), method, norms,
                                   with_units=with_units).results
    return only


def indicator(res: CoefficientResult, key: str):
    return next(i for i in res.indicators if i.key == key)


# ---------------------------------------------------------------------------------------------
# The helpers themselves

def test_helpers_at_the_limit_and_beyond() -> None:
    assert at_most(0.4500000000000001, 0.45) and at_least(0.8999999999999999, 0.9)
    assert not above(0.4500000000000001, 0.45) and not below(0.8999999999999999, 0.9)
    # A relative 1e-9 beyond is a real difference, not noise.
    assert not at_most(0.45 * (1 + 1e-9), 0.45) and above(0.45 * (1 + 1e-9), 0.45)
    assert not at_least(0.9 * (1 - 1e-9), 0.9) and below(0.9 * (1 - 1e-9), 0.9)
    # NaN (unknown) meets nothing and breaks nothing; arrays work element-wise.
    assert not at_most(math.nan, 1.0) and not above(math.nan, 1.0)
    assert at_most(np.array([1.0, 1.0 + 1e-13, 1.0 + 1e-9]), 1.0).tolist() == [True, True, False]
    assert RELATIVE_TOLERANCE == 1e-12


# ---------------------------------------------------------------------------------------------
# Coefficients (SPEC §3)

def test_the_issue_example_cv_exactly_045_meets() -> None:
    # Two junior schools of 1000 pupils with 11 and 29 backbone teachers: 1.1 and 2.9 per 100.
    # X̄ = 40 / 2000 × 100 = 2.0; S² = ½(1.1 − 2)² + ½(2.9 − 2)² = 0.81, S = 0.9;
    # CV = 0.9 / 2 = 0.45 — exactly the junior limit, which it meets.
    rows = [school("A", "初中", junior_students=1000, junior_backbone_teachers=11),
            school("B", "初中", junior_students=1000, junior_backbone_teachers=29)]
    backbone = indicator(result(rows), "backbone_teachers_per_100")
    assert backbone.cv > 0.45  # the float trap: 0.4500000000000001
    assert backbone.cv == pytest.approx(0.45, rel=1e-15)
    assert (backbone.limit, backbone.meets) == (0.45, True)
    # 30 instead of 29: CV = (3.0 − 1.1) / 2 / 2.05 = 0.4634 > 0.45 fails.
    rows[1]["junior_backbone_teachers"] = 30
    assert indicator(result(rows), "backbone_teachers_per_100").meets is False


def test_composite_exactly_065_meets() -> None:
    # Two primary schools of 1000 pupils; each basic indicator's values are 20 − x and 20 + x
    # units (so X̄ = 20 units, S = x, CV = x / 20) with x = 1, 1, 11, 18, 18, 18, 18, 19.
    # Composite = (1 + 1 + 11 + 18 + 18 + 18 + 18 + 19) / 20 / 8 = 104 / 160 = 0.65, the
    # primary limit, which it meets.
    xs = {"teaching_area": 1, "sports_area": 1, "equipment_value": 11, "computers": 18,
          "books": 18, "primary_teachers": 18, "primary_degree_teachers": 18,
          "primary_titled_teachers": 19}
    scale = {"teaching_area": 100, "sports_area": 100, "equipment_value": 1000, "books": 10}
    rows = [school(sid, "小学", primary_students=1000,
                   **{col: (20 + sign * x) * scale.get(col, 1) for col, x in xs.items()})
            for sid, sign in (("A", -1), ("B", 1))]
    res = result(rows, method="basic")
    assert res.composite > 0.65  # the float trap: 0.6500000000000001
    assert res.composite == pytest.approx(0.65, rel=1e-15)
    assert (res.limit, res.meets) == (0.65, True)


def test_junior_composite_exactly_055_meets() -> None:
    # Junior: every basic indicator 9 and 31 units in two schools of 1000 pupils:
    # X̄ = 20, S = 11, CV = 11 / 20 = 0.55 each, composite 0.55 = the junior limit: meets.
    values = {"teaching_area": 100, "sports_area": 100, "equipment_value": 1000, "computers": 1,
              "books": 10, "junior_teachers": 1, "junior_degree_teachers": 1,
              "junior_titled_teachers": 1}
    rows = [school(sid, "初中", junior_students=1000, **{c: n * k for c, k in values.items()})
            for sid, n in (("A", 9), ("B", 31))]
    res = result(rows, method="basic")
    assert res.composite == pytest.approx(0.55, rel=1e-15) and res.meets is True


def test_identical_per_student_values_have_no_spread_and_no_driver() -> None:
    # 101 pupils with 232.3 m² and 203 pupils with 466.9 m²: 2.3 m² each. X̄ = 699.2 / 304 =
    # 2.3, S = 0 — floats give S = 3.6e-16, below (1e-12 × 2.3)², so it is 0 (SPEC §3): CV 0,
    # and neither school drives the coefficient (shares 0, not 2/3 and 1/3).
    rows = [school("A", "小学", primary_students=101, teaching_area=232.3),
            school("B", "小学", primary_students=203, teaching_area=466.9)]
    res = result(rows, method="basic", with_units=True)
    area = indicator(res, "teaching_area_per_student")
    assert (area.sd, area.cv) == (0.0, 0.0)
    assert area.mean == pytest.approx(2.3)
    for unit in res.units or []:
        assert all(i.variance_share == 0 for i in unit.indicators)
        assert unit.drive == 0


# Exact-at-limit cases built by scaling: for a limit L = p/q, two schools of equal enrolment with
# resources m(q − p) and m(q + p) have X̄ ∝ mq, S ∝ mp and CV = p/q = L exactly, whatever m and
# the enrolment. With unequal enrolments k·a² and k·b² (so √(P₁P₂) = kab is whole), values u and
# u + d per student give CV = d·ab / ((a² + b²)u + b²d); d = p(a² + b²)t and u = t(qab − pb²)
# make it p/q exactly (worked from CV = L for u).

QUALITY = indicators_for("quality")
BASIC_KEYS = {i.key for i in indicators_for("basic")}


def _stage_rows(stage: str, column: str, students: list[int], resources: list[float]):
    kind = "小学" if stage == "primary" else "初中"
    resource = column if column in {"teaching_area", "sports_area", "equipment_value",
                                    "multimedia_rooms", "computers", "books"} \
        else f"{stage}_{column}"
    return [school(f"S{i}", kind, **{f"{stage}_students": n, resource: r})
            for i, (n, r) in enumerate(zip(students, resources, strict=True))]


@settings(max_examples=150, deadline=None)
@given(stage=st.sampled_from(["primary", "junior"]), ind=st.sampled_from(QUALITY),
       m=st.integers(1, 5000), students=st.integers(1, 5000), nudge=st.booleans())
def test_cv_scaled_exactly_to_the_limit_meets(stage, ind, m, students, nudge) -> None:
    limit = Fraction(str(NORMS.indicator_limits[stage]))
    p, q = limit.numerator, limit.denominator
    resources = [float(m * (q - p)), float(m * (q + p))]
    if nudge:  # a relative 1e-9 more on the higher school: CV above the limit by ~1e-9
        resources[1] *= 1 + 1e-9
    rows = _stage_rows(stage, ind.resource, [students, students], resources)
    checked = indicator(result(rows), ind.key)
    assert checked.meets is (not nudge), (checked.cv, checked.limit)


@settings(max_examples=150, deadline=None)
@given(a=st.integers(1, 12), b=st.integers(1, 12), k=st.integers(1, 40), t=st.integers(1, 50),
       stage=st.sampled_from(["primary", "junior"]))
def test_cv_exactly_at_the_limit_with_unequal_enrolments_meets(a, b, k, t, stage) -> None:
    limit = Fraction(str(NORMS.indicator_limits[stage]))
    p, q = limit.numerator, limit.denominator
    assume(q * a > p * b)  # u > 0
    u, d = t * (q * a * b - p * b * b), p * (a * a + b * b) * t
    students = [k * a * a, k * b * b]
    # Whole m² per school (per = 1): resource = value × students.
    resources = [float(u * students[0]), float((u + d) * students[1])]
    # Check the working exactly before trusting it: CV² = S² / X̄² = L².
    total = sum(students)
    mean = Fraction(int(resources[0] + resources[1]), total)
    var = sum(Fraction(n, total) * (Fraction(int(r), n) - mean) ** 2
              for n, r in zip(students, resources, strict=True))
    assert var == limit**2 * mean**2
    rows = _stage_rows(stage, "teaching_area", students, resources)
    assert indicator(result(rows), "teaching_area_per_student").meets is True


BASIC_COLUMNS = {"teaching_area": "teaching_area", "sports_area": "sports_area",
                 "equipment_value": "equipment_value", "computers": "computers",
                 "books": "books", "teachers": "{stage}_teachers",
                 "degree_teachers": "{stage}_degree_teachers",
                 "titled_teachers": "{stage}_titled_teachers"}


@settings(max_examples=100, deadline=None)
@given(stage=st.sampled_from(["primary", "junior"]),
       scales=st.lists(st.integers(1, 2000), min_size=8, max_size=8),
       students=st.integers(1, 5000), nudge=st.booleans())
def test_composite_scaled_exactly_to_the_limit_meets(stage, scales, students, nudge) -> None:
    # Every basic indicator at CV = L (two schools of equal enrolment, resources m(q − p) and
    # m(q + p), each indicator with its own m): the composite, their mean, is L and meets.
    # Nudged: one indicator's higher school gets a relative 1e-9 more, the composite rises by
    # about 1e-10 of L — beyond float noise — and fails.
    limit = Fraction(str(NORMS.composite_limits[stage]))
    p, q = limit.numerator, limit.denominator
    kind = "小学" if stage == "primary" else "初中"
    rows = []
    for sid, sign in (("A", -1), ("B", 1)):
        values = {column.format(stage=stage): float(m * (q + sign * p))
                  for column, m in zip(BASIC_COLUMNS.values(), scales, strict=True)}
        if nudge and sign == 1:
            values["books"] *= 1 + 1e-9
        rows.append(school(sid, kind, **{f"{stage}_students": students}, **values))
    assert result(rows, method="basic").meets is (not nudge)


def _exact_cv(students: list[int], resources: list[int]) -> Fraction | None:
    """CV² worked in exact fractions (teaching area, per = 1); None when X̄ = 0."""
    total = sum(students)
    mean = Fraction(sum(resources), total)
    if mean == 0:
        return None
    var = sum(Fraction(n, total) * (Fraction(r, n) - mean) ** 2
              for n, r in zip(students, resources, strict=True))
    return var / mean**2


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 3000), st.integers(0, 200_000)), min_size=2,
                max_size=8))
def test_any_cv_meets_a_limit_set_exactly_at_it_and_fails_one_1e9_below(schools) -> None:
    students = [n for n, _ in schools]
    resources = [r for _, r in schools]
    cv_squared = _exact_cv(students, resources)
    assume(cv_squared is not None and cv_squared > Fraction(1, 10**6))
    with localcontext() as ctx:  # √ to 40 digits: the limit is the float nearest the true CV
        ctx.prec = 40
        exact = float((Decimal(cv_squared.numerator) / Decimal(cv_squared.denominator)).sqrt())
    rows = _stage_rows("primary", "teaching_area", students, [float(r) for r in resources])
    for limit, meets in ((exact, True), (exact * (1 - 1e-9), False)):
        norms = NORMS.model_copy(update={"indicator_limits": {"primary": limit,
                                                               "junior": 0.45}})
        assert indicator(result(rows, norms=norms), "teaching_area_per_student").meets is meets


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(1, 3000), min_size=2, max_size=8),
       st.integers(1, 10_000), st.sampled_from([1, 10, 100]))
def test_identical_values_give_exactly_zero_spread(students, tenths, scale) -> None:
    # Every school has the same area per pupil (tenths / 10 / scale m²): S = 0, so SD, CV and
    # every variance share are exactly 0, whatever floats make of the sums.
    per_student = tenths / 10 / scale
    rows = _stage_rows("primary", "teaching_area", students,
                       [round(n * per_student, 6) for n in students])
    res = result(rows, method="basic", with_units=True)
    area = indicator(res, "teaching_area_per_student")
    assert (area.sd, area.cv) == (0.0, 0.0)
    assert all(i.variance_share == 0 for u in res.units or [] for i in u.indicators
               if i.key == "teaching_area_per_student")


def test_noise_variance_threshold() -> None:
    # (1e-12 × 2.3)² = 5.29e-24: 1e-31 is noise, 1e-20 (S = 1e-10, a real spread) is not.
    assert noise_variance(1e-31, 2.3) and not noise_variance(1e-20, 2.3)
    assert not noise_variance(0.0, 0.0)  # X̄ = 0 and S = 0: already 0


# ---------------------------------------------------------------------------------------------
# Per-school standards (SPEC §4)

def test_a_hair_below_a_standard_fails() -> None:
    # 1000 pupils with 1 999 999.9998 yuan: 1999.9999998 per pupil, 1e-10 below 2000 — not
    # float noise (that is ~1e-16) but 0.0002 yuan short: misses, and lacks 1 whole yuan.
    judged = judge(np.array([1_999_999.9998]), np.array([1000.0]), np.array([2000.0]), 1, 0.85)
    assert judged["meets"].tolist() == [False] and judged["shortfall"].tolist() == [1]


def test_floor_exactly_at_85_percent_in_floats() -> None:
    # 3.57 full-time-equivalent degree teachers for 100 pupils = 3.57 per 100 = 0.85 × 4.2, the
    # floor: not below it, though floats give 3.57 / 100 × 100 = 3.5699999999999994 < 3.57.
    assert 3.57 / 100 * 100 < 4.2 * 0.85
    judged = judge(np.array([3.57, 3.56]), np.array([100.0, 100.0]), np.array([4.2, 4.2]), 100,
                   0.85)
    assert judged["below_floor"].tolist() == [False, True]


def test_school_and_class_size_exactly_at_the_limit(tmp_path: Path) -> None:
    # Primary school of 2000 pupils (limit 2000) and nine-year school of 1500 + 1000 = 2500
    # (limit 2500): at the limit, not over. 45 classes × 45 = 2025 >= 2000 pupils; nine-year:
    # 1500 / 30 = 50 > 45 (over), 1000 / 20 = 50 = 50 (at the junior limit).
    rows = [school("P", "小学", primary_students=2000, primary_classes=45),
            school("N", "九年一贯制学校", primary_students=1500, junior_students=1000,
                   primary_classes=30, junior_classes=20),
            school("Q", "小学", primary_students=2001, primary_classes=44)]
    schools = frame(rows)
    units = school_units(schools, NORMS)
    limits = size_and_class_size(units, schools, NORMS)
    by_unit = {(sid, stage): {k: v[i] for k, v in limits.items()}
               for i, (sid, stage) in enumerate(zip(units["school_id"], units["stage"],
                                                    strict=True))}
    assert by_unit[("P", "primary")]["size_ok"] is True
    assert by_unit[("P", "primary")]["class_size_ok"] is True
    assert by_unit[("N", "primary")]["size_ok"] is True
    assert by_unit[("N", "primary")]["class_size_ok"] is False
    assert by_unit[("N", "junior")]["class_size_ok"] is True
    # 2001 > 2000; 2001 / 44 = 45.48 > 45.
    assert by_unit[("Q", "primary")]["size_ok"] is False
    assert by_unit[("Q", "primary")]["class_size_ok"] is False
    # A provincial limit of 45.5: 455 pupils in 10 classes is exactly at it.
    province = NORMS.model_copy(update={"class_size_limits": {"primary": 45.5, "junior": 50}})
    rows = [school("R", "小学", primary_students=455, primary_classes=10)]
    exact = size_and_class_size(school_units(frame(rows), province), frame(rows), province)
    assert exact["class_size_ok"].tolist() == [True]


# ---------------------------------------------------------------------------------------------
# Enrolment minimums (SPEC §5) and the consistency rules of `check` (SPEC §7.3)

def _enrolment_tables(tmp_path: Path, grade9: int) -> list[Path]:
    """One junior school: 1000 in grade 7 in 2020, `grade9` in grade 9 in 2022."""
    paths = []
    for year, g7, g9 in ((2020, 1000, 1000), (2021, 1000, 1000), (2022, 1000, grade9)):
        paths.append(write_csv(tmp_path / f"schools-{year}.csv", [{
            "school_id": "J", "school_name": "某中学", "county": "甲县", "school_type": "初中",
            "junior_students": g7 + 1000 + g9, "grade7_students": g7, "grade8_students": 1000,
            "grade9_students": g9, "year": year}]))
    return paths


@pytest.mark.parametrize(("grade9", "meets"), [(950, True), (949, False)])
def test_retention_minimum_exactly_at_it_meets(tmp_path: Path, grade9: int, meets: bool) -> None:
    # Junior retention = grade 9 (2022) / grade 7 (2020) = 950 / 1000 = 0.95 = the national
    # minimum: meets; 949 / 1000 = 0.949 does not.
    report = api.enrolment(_enrolment_tables(tmp_path, grade9))
    rate = next(r for r in report.results[-1].rates if r.key == "junior_retention_rate")
    assert (rate.value, rate.minimum, rate.meets) == (grade9 / 1000, 0.95, meets)


def test_consistency_rule_bounds_are_inclusive(tmp_path: Path) -> None:
    # A province's bounds with decimals: students per teacher within [2.5, 13.7], students per
    # class within [2, 45.5] (class_size_limits 45.5). 137 pupils / 10 teachers = 13.7 and 455 /
    # 10 classes = 45.5 are at the upper bounds; 25 / 10 = 2.5 at the lower: no finding. 138 / 10
    # = 13.8 is over, once.
    standards = tmp_path / "province.json"
    standards.write_text(json.dumps({
        "class_size_limits": {"primary": 45.5},
        "consistency_rules": {"students_per_teacher": {
            "severity": "warning", "zh": "生师比", "en": "students per teacher",
            "bounds": {"primary_min": 2.5, "primary_max": 13.7, "junior_min": 3,
                       "junior_max": 25}}}}), "utf-8")
    rows = [school("A", "小学", primary_students=137, primary_teachers=10, primary_classes=4),
            school("B", "小学", primary_students=455, primary_teachers=40, primary_classes=10),
            school("C", "小学", primary_students=25, primary_teachers=10, primary_classes=2),
            school("D", "小学", primary_students=138, primary_teachers=10, primary_classes=4)]
    path = write_csv(tmp_path / "schools.csv", rows)
    report = api.check([path], standards_file=standards)
    found = {(p.row, p.code) for p in report.problems if p.severity != "note"}
    assert found == {(5, "ratio_out_of_range")}
