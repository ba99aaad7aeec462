"""Difference coefficients against numbers worked by hand (SPEC §3), and their invariants."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builders import frame, school
from edustat import api
from edustat.coefficients import CoefficientReport, compute_coefficients
from edustat.indicators import indicators_for
from edustat.norms import load_norms
from edustat.units import school_units

EXAMPLES = Path(__file__).parent / "fixtures" / "examples"
NORMS = load_norms()


def coefficients(rows, method="basic", with_units=False) -> CoefficientReport:
    """Coefficients of a list of school rows (canonical names)."""
    return compute_coefficients(school_units(frame(rows), NORMS), method, NORMS,
                                with_units=with_units)


def indicator(report: CoefficientReport, stage: str, key: str):
    result = next(r for r in report.results if r.stage == stage)
    return next(i for i in result.indicators if i.key == key)


# ---------------------------------------------------------------------------------------------
# Worked by hand

# Three primary schools. Facilities and teachers are the same per student everywhere except
# books and titled teachers:
#   school  students  books  (per student)  titled teachers (per student)
#   A       100       2000   20             1   0.01
#   B       200       6000   30             4   0.02
#   C       100       4000   40             3   0.03
THREE_PRIMARY = [
    school("A", "小学", primary_students=100, teaching_area=500, sports_area=800,
           equipment_value=200_000, computers=10, books=2000, multimedia_rooms=2,
           primary_teachers=5, primary_degree_teachers=2, primary_titled_teachers=1),
    school("B", "小学", primary_students=200, teaching_area=1000, sports_area=1600,
           equipment_value=400_000, computers=20, books=6000, multimedia_rooms=4,
           primary_teachers=10, primary_degree_teachers=4, primary_titled_teachers=4),
    school("C", "小学", primary_students=100, teaching_area=500, sports_area=800,
           equipment_value=200_000, computers=10, books=4000, multimedia_rooms=2,
           primary_teachers=5, primary_degree_teachers=2, primary_titled_teachers=3),
]


def test_books_per_student_weighted_by_enrolment():
    # P = 100 + 200 + 100 = 400; X̄ = (2000 + 6000 + 4000) / 400 = 30
    # S² = (100/400)(20-30)² + (200/400)(30-30)² + (100/400)(40-30)² = 25 + 0 + 25 = 50
    # S = √50 = 7.0710678; CV = √50 / 30 = √2 / 6 = 0.2357022604
    books = indicator(coefficients(THREE_PRIMARY), "primary", "books_per_student")
    assert books.mean == pytest.approx(30, rel=1e-12)
    assert books.sd == pytest.approx(math.sqrt(50), rel=1e-12)
    assert books.cv == pytest.approx(math.sqrt(2) / 6, rel=1e-12)


def test_titled_teachers_and_composite():
    # Titled teachers: X̄ = (1 + 4 + 3) / 400 = 0.02
    # S² = (1/4)(0.01-0.02)² + (1/2)(0)² + (1/4)(0.03-0.02)² = 0.00005; S = 0.0070710678
    # CV = 0.0070710678 / 0.02 = √2 / 4 = 0.3535533906
    # Every other basic indicator is equal per student in all schools: CV 0.
    # Composite = (√2/6 + √2/4) / 8 = 5√2 / 96 = 0.0736569563 <= 0.65: meets.
    report = coefficients(THREE_PRIMARY)
    (result,) = report.results
    titled = indicator(report, "primary", "titled_teachers_per_student")
    assert titled.mean == pytest.approx(0.02, rel=1e-12)
    assert titled.cv == pytest.approx(math.sqrt(2) / 4, rel=1e-12)
    for other in result.indicators:
        if other.key not in ("books_per_student", "titled_teachers_per_student"):
            assert other.cv == pytest.approx(0, abs=1e-12), other.key
    assert result.composite == pytest.approx(5 * math.sqrt(2) / 96, rel=1e-12)
    assert result.schools == 3 and result.students == 400
    assert result.limit == 0.65 and result.meets is True
    # Per 100 students: computers 10/100 -> 10 per 100 students.
    assert indicator(report, "primary", "computers_per_100").mean == pytest.approx(10)


def test_nine_year_school_split_one_to_one_point_one():
    # Nine-year school N: 300 primary (A), 200 junior (B), teaching area 10 400 m².
    # Weighted enrolment A + 1.1B = 300 + 220 = 520.
    #   primary share 300/520 -> 10 400 × 300/520 = 6 000 m² -> 20 m² per pupil
    #   junior share  220/520 -> 10 400 × 220/520 = 4 400 m² -> 22 m² per pupil
    # With primary school P1 (100 pupils, 1 000 m², 10 per pupil):
    #   X̄ = 7 000 / 400 = 17.5; S² = 0.75 × 2.5² + 0.25 × 7.5² = 4.6875 + 14.0625 = 18.75
    #   CV = √18.75 / 17.5 = 0.2474358297
    # With junior school J1 (100 pupils, 1 600 m², 16 per pupil):
    #   X̄ = 6 000 / 300 = 20; S² = (2/3) × 2² + (1/3) × 4² = 8; CV = √8 / 20 = 0.1414213562
    rows = [school("N", "九年一贯制学校", primary_students=300, junior_students=200,
                   teaching_area=10_400),
            school("P1", "小学", primary_students=100, teaching_area=1000),
            school("J1", "初中", junior_students=100, teaching_area=1600)]
    report = coefficients(rows)
    primary = indicator(report, "primary", "teaching_area_per_student")
    junior = indicator(report, "junior", "teaching_area_per_student")
    assert primary.mean == pytest.approx(17.5, rel=1e-12)
    assert primary.cv == pytest.approx(math.sqrt(18.75) / 17.5, rel=1e-12)
    assert junior.mean == pytest.approx(20, rel=1e-12)
    assert junior.cv == pytest.approx(math.sqrt(8) / 20, rel=1e-12)
    assert [r.schools for r in report.results] == [2, 2]


def test_twelve_year_school_split_one_to_one_point_one_to_one_point_three_two():
    # Twelve-year school T: 100 primary, 100 junior, 100 senior, teaching area 6 840 m².
    # Weighted enrolment 100 + 1.1×100 + 1.32×100 = 342.
    #   primary 6 840 × 100/342 = 2 000 m² (20 per pupil); junior 6 840 × 110/342 = 2 200 m²
    #   (22 per pupil); the senior 2 640 m² belong to no compulsory unit.
    # With primary school P2 (300 pupils, 3 600 m², 12 per pupil):
    #   X̄ = 5 600 / 400 = 14; S² = 0.25 × 6² + 0.75 × 2² = 9 + 3 = 12; CV = √12 / 14 = 0.2474358
    # The junior stage has T alone: one unit, CV 0 with a note.
    rows = [school("T", "十二年一贯制学校", primary_students=100, junior_students=100,
                   senior_students=100, teaching_area=6840),
            school("P2", "小学", primary_students=300, teaching_area=3600)]
    report = coefficients(rows)
    primary = indicator(report, "primary", "teaching_area_per_student")
    assert primary.mean == pytest.approx(14, rel=1e-12)
    assert primary.cv == pytest.approx(math.sqrt(12) / 14, rel=1e-12)
    junior_result = next(r for r in report.results if r.stage == "junior")
    junior = indicator(report, "junior", "teaching_area_per_student")
    assert junior.mean == pytest.approx(22, rel=1e-12)
    assert junior.cv == 0
    assert junior_result.schools == 1
    assert any("只有一所学校" in note.word("zh") for note in junior_result.notes)


def test_complete_secondary_school_uses_its_own_weights():
    # Complete secondary school K: 100 junior, 100 senior, 4 400 m²; weights junior 1, senior 1.2:
    #   junior share 100 / (100 + 120) -> 4 400 × 100/220 = 2 000 m² -> 20 per pupil.
    # With junior school J (100 pupils, 1 000 m², 10 per pupil):
    #   X̄ = 3 000 / 200 = 15; S² = 0.5 × 5² + 0.5 × 5² = 25; CV = 5 / 15 = 1/3
    rows = [school("K", "完全中学", junior_students=100, senior_students=100, teaching_area=4400),
            school("J", "初中", junior_students=100, teaching_area=1000)]
    junior = indicator(coefficients(rows), "junior", "teaching_area_per_student")
    assert junior.mean == pytest.approx(15, rel=1e-12)
    assert junior.cv == pytest.approx(1 / 3, rel=1e-12)


def test_quality_method_judges_every_indicator():
    # Arts/PE teachers per 100: A 1/100 -> 1.0, B 0/200 -> 0, C 1/100 -> 1.0.
    #   X̄ = 2 / 400 × 100 = 0.5; S² = 0.25 × 0.5² + 0.5 × 0.5² + 0.25 × 0.5² = 0.25; S = 0.5
    #   CV = 0.5 / 0.5 = 1.0 > 0.50 (primary limit): fails, so the county fails.
    # Backbone teachers 1 per school: A 1.0, B 0.5, C 1.0 per 100: X̄ = 3/400 × 100 = 0.75;
    #   S² = 0.25 × 0.25² + 0.5 × 0.25² + 0.25 × 0.25² = 0.0625; CV = 0.25 / 0.75 = 1/3: meets.
    rows = [dict(row, primary_backbone_teachers=1, primary_arts_pe_teachers=arts)
            for row, arts in zip(THREE_PRIMARY, (1, 0, 1), strict=True)]
    report = coefficients(rows, method="quality")
    (result,) = report.results
    assert [i.key for i in result.indicators] == [i.key for i in indicators_for("quality")]
    arts = indicator(report, "primary", "arts_pe_teachers_per_100")
    assert arts.mean == pytest.approx(0.5) and arts.cv == pytest.approx(1.0)
    assert (arts.limit, arts.meets) == (0.5, False)
    backbone = indicator(report, "primary", "backbone_teachers_per_100")
    assert backbone.cv == pytest.approx(1 / 3) and backbone.meets is True
    assert result.limit is None and result.meets is False
    # The quality composite is still reported: the mean of the seven CVs.
    assert result.composite == pytest.approx(sum(i.cv for i in result.indicators) / 7)


def test_verdict_compares_unrounded_values():
    # Composite 5√2/96 = 0.07365696 against a limit of 0.07365596: both show as 0.0737 at
    # 4 places, but the composite exceeds the limit, so the county must fail.
    norms = load_norms()
    report = compute_coefficients(school_units(frame(THREE_PRIMARY), norms), "basic", norms)
    composite = report.results[0].composite
    tight = norms.model_copy(update={"composite_limits": {"primary": composite - 1e-6,
                                                          "junior": 0.55}})
    failing = compute_coefficients(school_units(frame(THREE_PRIMARY), tight), "basic", tight)
    assert round(failing.results[0].composite, 4) == round(tight.composite_limits["primary"], 4)
    assert failing.results[0].meets is False


def test_nobody_has_any_gives_cv_zero_with_a_note():
    # No school has a backbone teacher (quality): X̄ = 0 and S = 0 -> CV 0, with a note naming
    # the indicator; the rooms (2, 4, 2 per 100, 200, 100 pupils: 2 per 100 each) give no note.
    report = coefficients(THREE_PRIMARY, method="quality")
    backbone = indicator(report, "primary", "backbone_teachers_per_100")
    assert (backbone.mean, backbone.sd, backbone.cv) == (0, 0, 0)
    notes = [note.word("zh") for note in report.results[0].notes]
    assert [n for n in notes if "所有学校均为 0" in n] == [
        "每百名学生拥有县级以上骨干教师数：所有学校均为 0，差异系数按 0 计",
        "每百名学生拥有体育、艺术专任教师数：所有学校均为 0，差异系数按 0 计"]
    assert indicator(report, "primary", "multimedia_rooms_per_100").mean == 2


def test_per_school_view_shares_of_variance():
    # Books: S² = 50 made of A: (1/4)(−10)² = 25, B: 0, C: (1/4)(10)² = 25 -> shares 0.5, 0, 0.5
    # Titled: A 0.5, B 0, C 0.5 as well. Gaps: A −10 books, C +10 books.
    report = coefficients(THREE_PRIMARY, with_units=True)
    units = {u.school_id: u for u in report.results[0].units}
    books = {sid: next(i for i in u.indicators if i.key == "books_per_student")
             for sid, u in units.items()}
    assert books["A"].variance_share == pytest.approx(0.5)
    assert books["B"].variance_share == pytest.approx(0.0)
    assert books["C"].gap == pytest.approx(10)
    assert books["A"].value == pytest.approx(20)
    # Drivers first: B drives nothing and comes last.
    assert report.results[0].units[-1].school_id == "B"
    for key in ("books_per_student", "titled_teachers_per_student"):
        total = sum(next(i for i in u.indicators if i.key == key).variance_share
                    for u in units.values())
        assert total == pytest.approx(1.0)


def test_groups_by_county_and_year_in_order():
    rows = [dict(row, county="乙县") for row in THREE_PRIMARY]
    rows += [dict(row, county="甲县", school_id="J" + row["school_id"]) for row in THREE_PRIMARY]
    rows += [dict(row, county="甲县", year=2021, school_id="Y" + row["school_id"])
             for row in THREE_PRIMARY]
    report = coefficients(rows)
    assert [(r.county, r.year) for r in report.results] == [("乙县", 2022), ("甲县", 2021),
                                                             ("甲县", 2022)]
    assert len({round(r.composite, 12) for r in report.results}) == 1


# ---------------------------------------------------------------------------------------------
# Agreement with an independent implementation (shared/examples)

@pytest.mark.parametrize("standard", ["basic", "quality"])
def test_agrees_with_independent_implementation(standard):
    expected = json.loads((EXAMPLES / f"expected-{standard}.json").read_text("utf-8"))
    report = api.coefficient([EXAMPLES / "county-zh-gbk.csv"], standard=standard)
    got = report.to_dict()
    assert len(got["results"]) == len(expected["results"]) == 4
    for mine, theirs in zip(got["results"], expected["results"], strict=True):
        for field in ("county", "stage", "schools", "students", "meets"):
            assert mine[field] == theirs[field], field
        assert mine["composite"] == pytest.approx(theirs["composite"], rel=1e-12)
        for a, b in zip(mine["indicators"], theirs["indicators"], strict=True):
            assert a["key"] == b["key"]
            for field in ("mean", "sd", "cv"):
                assert a[field] == pytest.approx(b[field], rel=1e-12, abs=1e-15), (a["key"], field)


# ---------------------------------------------------------------------------------------------
# Invariants (hypothesis)

counts = st.integers(min_value=1, max_value=3000)
# Real resources are 0 or at least a hundredth (of a m², a yuan, a book); far smaller floats only
# test the floating-point underflow of squaring 1e-158, not the method.
amounts = st.one_of(st.just(0.0), st.floats(min_value=0.01, max_value=1e6))


@st.composite
def primary_schools(draw, min_size=2, max_size=8):
    n = draw(st.integers(min_size, max_size))
    return [school(f"S{i}", "小学", primary_students=draw(counts), teaching_area=draw(amounts),
                   books=draw(amounts), primary_teachers=draw(st.integers(0, 200)))
            for i in range(n)]


def cvs(report: CoefficientReport) -> dict[tuple[str, str], float]:
    return {(r.stage, i.key): i.cv for r in report.results for i in r.indicators}


@settings(max_examples=60, deadline=None)
@given(primary_schools(), st.floats(min_value=1e-3, max_value=1e4))
def test_scaling_a_resource_leaves_every_cv_unchanged(rows, factor):
    scaled = [dict(row, books=row["books"] * factor) for row in rows]
    before, after = cvs(coefficients(rows)), cvs(coefficients(scaled))
    for key, value in before.items():
        assert after[key] == pytest.approx(value, rel=1e-9, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.lists(counts, min_size=1, max_size=10), st.floats(min_value=0.01, max_value=1e4))
def test_equal_per_student_values_give_cv_zero(students, per_student):
    rows = [school(f"S{i}", "小学", primary_students=n, books=n * per_student)
            for i, n in enumerate(students)]
    books = indicator(coefficients(rows), "primary", "books_per_student")
    assert books.cv == pytest.approx(0, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(primary_schools(), st.randoms(use_true_random=False))
def test_row_order_does_not_matter(rows, random):
    shuffled = rows[:]
    random.shuffle(shuffled)
    before, after = cvs(coefficients(rows)), cvs(coefficients(shuffled))
    for key, value in before.items():
        assert after[key] == pytest.approx(value, rel=1e-9, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(primary_schools(), st.integers(min_value=1, max_value=99))
def test_splitting_a_school_with_the_same_per_student_values_changes_nothing(rows, percent):
    # School 0 becomes two schools whose resources are in proportion to their pupils.
    first = rows[0]
    if first["primary_students"] < 2:
        return
    part = max(1, min(first["primary_students"] - 1, first["primary_students"] * percent // 100))
    share = part / first["primary_students"]
    halves = [dict(first, school_id=f"{first['school_id']}{suffix}", primary_students=n,
                   teaching_area=first["teaching_area"] * s, books=first["books"] * s)
              for suffix, n, s in (("a", part, share),
                                   ("b", first["primary_students"] - part, 1 - share))]
    split = halves + rows[1:]
    before, after = cvs(coefficients(rows)), cvs(coefficients(split))
    for key in (("primary", "teaching_area_per_student"), ("primary", "books_per_student")):
        assert after[key] == pytest.approx(before[key], rel=1e-9, abs=1e-12)
