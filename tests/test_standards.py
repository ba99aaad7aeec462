"""Per-school quality-balance standards (SPEC §4, §7.2): verdicts, shortfalls, sizes, the CLI.

Every expected figure below is worked by hand in the comments from the fixture
tests/fixtures/standards/schools.csv, whose schools sit at the edges of the rule:

| id  | school       | stage   | what it tests                                              |
|-----|--------------|---------|------------------------------------------------------------|
| S01 | 甲小学       | primary | meets all 7 comfortably                                    |
| S02 | 乙小学       | primary | misses one (teaching space) at 88.9%: still passes         |
| S03 | 丙小学       | primary | misses one (equipment) at 75%: below 85%, fails; classes 0 |
| S04 | 丁小学       | primary | misses two, both above 85% (one at 85.03%): fails          |
| S05 | 戊小学       | primary | exactly at every standard (9/1000×100 is 0.8999… in floats) |
| S06 | 己中学 (北县) | junior  | meets all; 2100 students > 2000; 50.0 per class exactly    |
| S07 | 庚学校       | nine-year | primary part passes, junior part fails (1:1.1 split)     |

National standards (SPEC §4), primary / junior: degree teachers per 100 4.2 / 5.3, backbone per
100 1.0 / 1.0, PE-arts per 100 0.9 / 0.9, teaching m² 4.5 / 5.8, sports m² 7.5 / 10.2,
equipment yuan 2000 / 2500, multimedia rooms per 100 2.3 / 2.4. Pass: >= 6 of 7 met and none
below 85% of its standard.
"""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from builders import school, write_csv
from conftest import FIXTURES, SAMPLE
from edustat import api
from edustat.problems import InputError
from edustat.school_verdicts import judge
from edustat.verdicts import RELATIVE_TOLERANCE

HERE = FIXTURES / "standards"
SCHOOLS = HERE / "schools.csv"
PROVINCE = HERE / "province.json"
KEYS = ["degree_teachers_per_100", "backbone_teachers_per_100", "arts_pe_teachers_per_100",
        "teaching_area_per_student", "sports_area_per_student", "equipment_value_per_student",
        "multimedia_rooms_per_100"]


@pytest.fixture(scope="module")
def report():
    return api.standards([SCHOOLS])


def unit(report, school_id: str, stage: str):
    (found,) = [r for r in report.results if r.school_id == school_id and r.stage == stage]
    return found


def checks(result) -> dict[str, dict]:
    return {c["key"]: c for c in result.indicators}


def missed(result) -> dict[str, tuple[int, bool]]:
    """key -> (shortfall, below_floor) of every standard the unit misses."""
    return {c["key"]: (c["shortfall"], c["below_floor"]) for c in result.indicators
            if not c["meets"]}


# ---------------------------------------------------------------------------------------------
# Verdicts at each edge, worked by hand


def test_meets_all_seven(report):
    s01 = unit(report, "S01", "primary")
    # 400 pupils: degree 20/400×100 = 5.0 >= 4.2; backbone 5/400×100 = 1.25 >= 1.0;
    # PE-arts 4/400×100 = 1.0 >= 0.9; teaching 2000/400 = 5.0 >= 4.5; sports 3200/400 = 8.0 >= 7.5;
    # equipment 1 000 000/400 = 2500 >= 2000; rooms 10/400×100 = 2.5 >= 2.3.
    values = {k: c["value"] for k, c in checks(s01).items()}
    expected = [5.0, 1.25, 1.0, 5.0, 8.0, 2500.0, 2.5]
    assert values == pytest.approx(dict(zip(KEYS, expected, strict=True)))
    assert (s01.met, s01.passes, missed(s01)) == (7, True, {})
    assert all(c["shortfall"] == 0 for c in s01.indicators)


def test_misses_one_above_the_floor_passes(report):
    s02 = unit(report, "S02", "primary")
    # teaching 2000 m² / 500 = 4.0 < 4.5, and 4.0/4.5 = 88.9% >= 85%: one miss, no floor breach.
    # Shortfall 4.5 × 500 − 2000 = 250 m². Equipment 1 000 000/500 = 2000 and backbone
    # 5/500×100 = 1.0 are exactly at their standards and meet.
    assert checks(s02)["teaching_area_per_student"]["value"] == pytest.approx(4.0)
    assert missed(s02) == {"teaching_area_per_student": (250, False)}
    assert (s02.met, s02.passes) == (6, True)


def test_misses_one_below_the_floor_fails(report):
    s03 = unit(report, "S03", "primary")
    # equipment 450 000 / 300 = 1500 < 2000, and 1500/2000 = 75% < 85%: fails although 6 of 7
    # meet. Shortfall 2000 × 300 − 450 000 = 150 000 yuan.
    assert checks(s03)["equipment_value_per_student"]["value"] == pytest.approx(1500.0)
    assert missed(s03) == {"equipment_value_per_student": (150_000, True)}
    assert (s03.met, s03.passes) == (6, False)


def test_misses_two_fails_even_above_the_floor(report):
    s04 = unit(report, "S04", "primary")
    # degree 25/700×100 = 3.5714 < 4.2 (85.03% of it: just above the floor, 0.85 × 4.2 = 3.57);
    # rooms 15/700×100 = 2.1429 < 2.3 (93.2%). Two misses: 5 of 7 < 6, fails.
    # Shortfalls: 4.2 × 700/100 = 29.4 teachers needed − 25 = 4.4 -> 5 teachers;
    #             2.3 × 700/100 = 16.1 rooms needed − 15 = 1.1 -> 2 rooms.
    assert checks(s04)["degree_teachers_per_100"]["value"] == pytest.approx(25 / 7)
    assert missed(s04) == {"degree_teachers_per_100": (5, False),
                           "multimedia_rooms_per_100": (2, False)}
    assert (s04.met, s04.passes) == (5, False)


def test_exactly_at_every_standard_meets(report):
    s05 = unit(report, "S05", "primary")
    # 1000 pupils with 42 degree, 10 backbone, 9 PE-arts teachers, 4500 m², 7500 m²,
    # 2 000 000 yuan, 23 rooms: exactly 4.2, 1.0, 0.9, 4.5, 7.5, 2000, 2.3.
    assert 9 / 1000 * 100 < 0.9  # the float trap: 0.8999999999999999
    assert (s05.met, s05.passes, missed(s05)) == (7, True, {})


def test_exactly_at_with_the_issue_example():
    # 45 m² for 10 pupils against 4.5 m² per pupil meets, and needs nothing.
    judged = judge(np.array([45.0]), np.array([10.0]), np.array([4.5]), 1, 0.85)
    assert judged["meets"].tolist() == [True] and judged["shortfall"].tolist() == [0]


def test_floor_exactly_at_85_percent_is_not_below():
    # 170 000 yuan for 100 pupils = 1700 = 0.85 × 2000: not below the floor; 169 999 is.
    judged = judge(np.array([170_000.0, 169_999.0]), np.array([100.0, 100.0]),
                   np.array([2000.0, 2000.0]), 1, 0.85)
    assert judged["below_floor"].tolist() == [False, True]
    assert judged["meets"].tolist() == [False, False]


def test_nine_year_school_parts_get_different_verdicts(report):
    primary, junior = unit(report, "S07", "primary"), unit(report, "S07", "junior")
    # Split 1 : 1.1 — 550 pupils + 1.1 × 500 juniors = 1100 weighted; primary share 550/1100 = 0.5,
    # junior share 1.1 × 500/1100 = 0.5 (by head count it would be 550/1050 = 0.524).
    # Facilities: teaching 5400 -> 2700 each; sports 10 400 -> 5200; equipment 2 600 000 ->
    # 1 300 000; rooms 26 -> 13. Teachers are the stage's own columns.
    # Primary (550): degree 24/550×100 = 4.36 >= 4.2; backbone 6/550×100 = 1.09; PE-arts
    # 5/550×100 = 0.909 >= 0.9; teaching 2700/550 = 4.91 >= 4.5; sports 5200/550 = 9.45 >= 7.5;
    # equipment 1 300 000/550 = 2363.6 >= 2000; rooms 13/550×100 = 2.36 >= 2.3: 7 of 7, passes.
    assert checks(primary)["teaching_area_per_student"]["value"] == pytest.approx(2700 / 550)
    assert (primary.met, primary.passes, missed(primary)) == (7, True, {})
    # Junior (500): teaching 2700/500 = 5.4 < 5.8 (93.1%); degree 20/500×100 = 4.0 < 5.3 (75.5%,
    # below the floor); sports 5200/500 = 10.4 >= 10.2; equipment 2600 >= 2500; rooms 2.6 >= 2.4;
    # backbone 1.0, PE-arts 1.0: 5 of 7 and a floor breach, fails.
    # Shortfalls: the part lacks 5.8 × 500 − 2700 = 200 m², but what the school builds is split
    # again 0.5 : 0.5, so the school must add 200 / 0.5 = 400 m²; teachers are the stage's own:
    # 5.3 × 500/100 = 26.5 − 20 = 6.5 -> 7 teachers.
    assert checks(junior)["teaching_area_per_student"]["value"] == pytest.approx(5.4)
    assert checks(junior)["equipment_value_per_student"]["value"] == pytest.approx(2600.0)
    assert missed(junior) == {"teaching_area_per_student": (400, False),
                              "degree_teachers_per_100": (7, True)}
    assert (junior.met, junior.passes) == (5, False)


# ---------------------------------------------------------------------------------------------
# Shortfalls: rounding up to what can be bought or hired


def test_shortfalls_round_up_to_whole_units():
    # 3 pupils, primary standards. Teaching 13.2 m²: 4.5 × 3 = 13.5 − 13.2 = 0.3 -> 1 m².
    # Equipment 5999.5 yuan: 2000 × 3 = 6000 − 5999.5 = 0.5 -> 1 yuan.
    # Degree teachers for 130 pupils: 4.2 × 130/100 = 5.46 − 5 = 0.46 -> 1 teacher.
    # Rooms for 130 pupils: 2.3 × 1.3 = 2.99 − 0 = 2.99 -> 3 rooms.
    judged = judge(np.array([13.2, 5999.5]), np.array([3.0, 3.0]), np.array([4.5, 2000.0]), 1,
                   0.85)
    assert judged["shortfall"].tolist() == [1, 1]
    per_100 = judge(np.array([5.0, 0.0]), np.array([130.0, 130.0]), np.array([4.2, 2.3]), 100,
                    0.85)
    assert per_100["shortfall"].tolist() == [1, 3]


def test_shortfall_ignores_floating_point_noise():
    # 10.2 × 25 = 254.99999999999997 in floats; with 250 m² the shortfall is 5 m², not 6
    # (and 255 m² meets).
    assert 10.2 * 25 < 255
    judged = judge(np.array([250.0, 255.0]), np.array([25.0, 25.0]), np.array([10.2, 10.2]), 1,
                   0.85)
    assert judged["shortfall"].tolist() == [5, 0]
    assert judged["meets"].tolist() == [False, True]


@given(students=st.integers(1, 5000), resource=st.integers(0, 2_000_000),
       standard=st.sampled_from([4.2, 5.3, 1.0, 0.9, 4.5, 5.8, 7.5, 10.2, 2000, 2500, 2.3, 2.4]),
       per=st.sampled_from([1, 100]))
def test_shortfall_is_exactly_enough(students, resource, standard, per):
    """Adding the shortfall meets the standard; one unit less would not."""
    judged = judge(np.array([float(resource)]), np.array([float(students)]),
                   np.array([standard]), per, 0.85)
    shortfall = int(judged["shortfall"][0])
    assert (shortfall == 0) == bool(judged["meets"][0])
    keep = 1 - RELATIVE_TOLERANCE
    assert (resource + shortfall) / students * per >= standard * keep
    if shortfall:
        assert (resource + shortfall - 1) / students * per < standard * keep
        assert judged["below_floor"][0] == (resource / students * per < 0.85 * standard * keep)


def test_county_totals(report):
    # 示范县 primary: S01–S05 and S07's primary part = 6 units; S03 and S04 fail.
    # Shortfalls: degree 5 (S04), teaching 250 m² (S02), equipment 150 000 yuan (S03),
    # rooms 2 (S04); the rest 0. Junior: S07's part alone, 400 m² (200 ÷ share 0.5) and 7
    # teachers.
    # 北县 junior: S06 alone, passes, needs nothing.
    totals = {(t.county, t.stage): t for t in report.totals}
    assert [(t.county, t.stage) for t in report.totals] == [
        ("北县", "junior"), ("示范县", "primary"), ("示范县", "junior")]
    primary = totals[("示范县", "primary")]
    assert (primary.schools, primary.passing, primary.failing) == (6, 4, 2)
    assert {s.key: (s.shortfall, s.schools_short, s.unit) for s in primary.shortfalls} == {
        "degree_teachers_per_100": (5, 1, "teachers"),
        "backbone_teachers_per_100": (0, 0, "teachers"),
        "arts_pe_teachers_per_100": (0, 0, "teachers"),
        "teaching_area_per_student": (250, 1, "m2"),
        "sports_area_per_student": (0, 0, "m2"),
        "equipment_value_per_student": (150_000, 1, "yuan"),
        "multimedia_rooms_per_100": (2, 1, "rooms")}
    junior = totals[("示范县", "junior")]
    assert (junior.schools, junior.passing, junior.failing) == (1, 0, 1)
    assert {s.key: s.shortfall for s in junior.shortfalls if s.shortfall} == {
        "degree_teachers_per_100": 7, "teaching_area_per_student": 400}
    north = totals[("北县", "junior")]
    assert (north.schools, north.passing) == (1, 1)
    assert all(s.shortfall == 0 for s in north.shortfalls)


def test_results_order_failing_first(report):
    # County, year, stage (primary first); within each, failing first and fewest met first
    # (S04 5/7 before S03 6/7), then the passing ones (S02 6/7 first, then the 7/7 by id).
    order = [(r.county, r.stage, r.school_id) for r in report.results]
    assert order == [("北县", "junior", "S06"),
                     ("示范县", "primary", "S04"), ("示范县", "primary", "S03"),
                     ("示范县", "primary", "S02"), ("示范县", "primary", "S01"),
                     ("示范县", "primary", "S05"), ("示范县", "primary", "S07"),
                     ("示范县", "junior", "S07")]


# ---------------------------------------------------------------------------------------------
# School size and class size


def test_class_size_against_the_limit(report):
    # S01 400/10 = 40 <= 45; S02 500/10 = 50 > 45; S06 2100/42 = 50 <= 50 (exactly at);
    # S07 primary 550/12 = 45.83 > 45, junior 500/10 = 50 <= 50.
    sizes = {(r.school_id, r.stage): (r.class_size, r.class_size_ok) for r in report.results}
    assert sizes[("S01", "primary")] == (40.0, True)
    assert sizes[("S02", "primary")] == (50.0, False)
    assert sizes[("S06", "junior")] == (50.0, True)
    assert sizes[("S07", "primary")][0] == pytest.approx(550 / 12)
    assert sizes[("S07", "primary")][1] is False
    assert sizes[("S07", "junior")] == (50.0, True)


def test_missing_or_zero_classes_give_null_with_a_note(report):
    # S03 has 0 classes and S04 a blank: class size null, a note, no crash, verdict unchanged.
    for school_id in ("S03", "S04"):
        result = unit(report, school_id, "primary")
        assert (result.class_size, result.class_size_ok) == (None, None)
        assert [note.word("zh") for note in result.notes] == [
            "小学班级数缺失或为 0，无法计算平均班额"]
    assert unit(report, "S03", "primary").classes == 0
    assert unit(report, "S04", "primary").classes is None


def test_school_size_counts_compulsory_stages(report, tmp_path):
    # S06: a junior school of 2100 > 2000. S07: 550 + 500 = 1050 <= 2500 for both parts.
    s06 = unit(report, "S06", "junior")
    assert (s06.school_size, s06.size_limit, s06.size_ok) == (2100, 2000, False)
    assert {(r.school_size, r.size_limit, r.size_ok) for r in report.results
            if r.school_id == "S07"} == {(1050, 2500, True)}
    # Twelve-year: 1500 + 1100 = 2600 > 2500 (its 800 seniors do not count). Complete secondary:
    # 2100 juniors > 2000 (junior limit; 1000 seniors do not count). Nine-year 1200 + 1250 =
    # 2450 <= 2500.
    path = write_csv(tmp_path / "sizes.csv", [
        school("T1", "twelve_year", primary_students=1500, junior_students=1100,
               senior_students=800),
        school("C1", "complete_secondary", junior_students=2100, senior_students=1000),
        school("N1", "nine_year", primary_students=1200, junior_students=1250)])
    sizes = {(r.school_id, r.stage): (r.school_size, r.size_limit, r.size_ok)
             for r in api.standards([path]).results}
    assert sizes == {("T1", "primary"): (2600, 2500, False), ("T1", "junior"): (2600, 2500, False),
                     ("C1", "junior"): (2100, 2000, False),
                     ("N1", "primary"): (2450, 2500, True), ("N1", "junior"): (2450, 2500, True)}


# ---------------------------------------------------------------------------------------------
# Standards as data


def test_province_standards_file():
    province = api.standards([SCHOOLS], standards_file=PROVINCE)
    assert province.standards == "某省（示例）"
    assert province.pass_rule.min_met == 7
    # min_met 7: S02 (6 of 7) now fails.
    assert unit(province, "S02", "primary").passes is False
    # Junior degree standard 4.0: S07's 20/500×100 = 4.0 now meets, needs no teacher; 6 of 7
    # (teaching still short 200 m²) < 7, so the part still fails.
    junior = unit(province, "S07", "junior")
    degree = checks(junior)["degree_teachers_per_100"]
    assert (degree["standard"], degree["meets"], degree["shortfall"]) == (4.0, True, 0)
    assert (junior.met, junior.passes) == (6, False)
    # Unchanged: primary degree standard stays national.
    assert checks(unit(province, "S04", "primary"))["degree_teachers_per_100"]["standard"] == 4.2


def test_stage_option_keeps_one_stage():
    junior_only = api.standards([SCHOOLS], stages=("junior",))
    assert {(r.school_id, r.stage) for r in junior_only.results} == {("S06", "junior"),
                                                                     ("S07", "junior")}
    assert {t.stage for t in junior_only.totals} == {"junior"}


# ---------------------------------------------------------------------------------------------
# The command line


def test_table_golden(cli, golden):
    result = cli("standards", SCHOOLS, "--format", "table")
    assert result.exit_code == 0, result.output
    golden("standards-fixture.txt", result.stdout)
    # Failing cells are marked: ✗ missed, ✗✗ below 85%.
    assert "4.00✗✗" in result.stdout and "150,000 元" in result.stdout


def test_table_english_golden(cli, golden):
    result = cli("standards", SCHOOLS, "--format", "table", "--lang", "en")
    assert result.exit_code == 0, result.output
    golden("standards-fixture-en.txt", result.stdout)
    assert "7 teachers" in result.stdout and "150,000 yuan" in result.stdout


def test_sample_table_golden(cli, golden):
    result = cli("standards", SAMPLE, "--format", "table")
    assert result.exit_code == 0, result.output
    golden("standards-sample.txt", result.stdout)


def test_json_shape(cli):
    result = cli("standards", SCHOOLS, "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert set(data) == {"standards", "pass_rule", "results", "totals"}
    assert data["pass_rule"] == {"min_met": 6, "floor_share": 0.85}
    first = data["results"][0]
    assert set(first) == {"county", "year", "school_id", "school_name", "school_type", "stage",
                          "students", "indicators", "met", "passes", "school_size",
                          "size_limit", "size_ok", "classes", "class_size", "class_size_limit",
                          "class_size_ok", "notes"}
    assert [i["key"] for i in first["indicators"]] == KEYS
    assert set(first["indicators"][0]) == {"key", "name", "value", "standard", "meets",
                                           "below_floor", "shortfall", "unit"}
    assert set(data["totals"][0]) == {"county", "year", "stage", "schools", "passing",
                                      "failing", "shortfalls"}
    assert set(data["totals"][0]["shortfalls"][0]) == {"key", "resource", "unit", "shortfall",
                                                       "schools_short"}
    s04 = next(r for r in data["results"] if r["school_id"] == "S04")
    # Unrounded: 25/700×100 in full; the class size of a school without classes is null.
    assert s04["indicators"][0]["value"] == 25 / 700 * 100
    assert (s04["year"], s04["class_size"], s04["class_size_ok"]) == (2022, None, None)


def test_csv_one_row_per_unit(cli):
    result = cli("standards", SCHOOLS, "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 8  # 7 schools, the nine-year one twice
    s03 = next(r for r in rows if r["school_id"] == "S03")
    assert s03["equipment_value_per_student"] == "1500.0"
    assert s03["equipment_value_per_student_shortfall"] == "150000"
    assert (s03["met"], s03["passes"], s03["class_size"]) == ("6", "False", "")


def test_xlsx_has_schools_and_totals(cli, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "standards.xlsx"
    result = cli("standards", SCHOOLS, "-o", out)
    assert result.exit_code == 0, result.output
    workbook = load_workbook(out, read_only=True)
    assert workbook.sheetnames == ["schools", "totals"]
    totals = list(workbook["totals"].iter_rows(values_only=True))
    header = totals[0]
    # 3 (county, stage) groups × 7 resources.
    assert len(totals) == 1 + 3 * 7
    equipment = [dict(zip(header, row, strict=True)) for row in totals[1:]
                 if row[header.index("key")] == "equipment_value_per_student"
                 and row[header.index("county")] == "示范县"
                 and row[header.index("stage")] == "primary"]
    assert equipment[0]["shortfall"] == 150_000 and equipment[0]["unit"] == "yuan"


def test_exit_codes_with_and_without_strict(cli, tmp_path):
    # Some units fail: exit 0 without --strict, 1 with it.
    assert cli("standards", SCHOOLS, "--format", "json").exit_code == 0
    assert cli("standards", SCHOOLS, "--format", "json", "--strict").exit_code == 1
    # Only S01, which passes: --strict exits 0.
    with SCHOOLS.open(encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    passing = tmp_path / "passing.csv"
    passing.write_text("\n".join([lines[0], lines[1]]) + "\n", encoding="utf-8")
    assert cli("standards", passing, "--format", "json", "--strict").exit_code == 0


def test_bad_input_is_reported_not_raised(cli, tmp_path):
    # A needed value left blank and a class count that is not a number: exit 1, both reported.
    with SCHOOLS.open(encoding="utf-8") as handle:
        text = handle.read()
    bad = tmp_path / "bad.csv"
    bad.write_text(text.replace("S01,甲小学,示范县,2022,小学,400,0,0,10,",
                                "S01,甲小学,示范县,2022,小学,400,0,0,十,")
                   .replace(",1000000,10,30,20,5,4,", ",1000000,10,30,20,,4,"),
                   encoding="utf-8")
    result = cli("standards", bad, "--format", "json", "--lang", "en")
    assert result.exit_code == 1
    # No result: the JSON on standard output is the two problems, worded in English.
    answer = json.loads(result.stdout)
    assert answer["ok"] is False and len(answer["problems"]) == 2
    assert {p["code"] for p in answer["problems"]} == {"not_number", "missing_value"}
    assert any("not a number" in p["message"] for p in answer["problems"])
    assert "Traceback" not in result.output
    assert "2 errors, 0 warnings" in result.stderr
    with pytest.raises(InputError) as raised:
        api.standards([bad])
    assert [(p.row, p.column, p.value, p.code) for p in raised.value.problems] == [
        (2, "primary_classes", "十", "not_number"),
        (2, "primary_backbone_teachers", None, "missing_value")]
    assert raised.value.problems[1].message("en") == (
        "required value is blank (needed for backbone_teachers_per_100)")


def test_missing_quality_column_is_reported(cli, tmp_path):
    path = write_csv(tmp_path / "no_rooms.csv", [
        {k: v for k, v in school("X1", "primary", primary_students=100).items()
         if k != "multimedia_rooms"}])
    result = cli("standards", path, "--format", "json", "--lang", "en")
    assert result.exit_code == 1
    assert "multimedia_rooms" in result.stderr


def test_usage_errors(cli, tmp_path):
    assert cli("standards", tmp_path / "nope.csv").exit_code == 2
    assert cli("standards", SCHOOLS, "--standards", tmp_path / "nope.json").exit_code == 2
    bad_rules = tmp_path / "rules.json"
    bad_rules.write_text('{"school_pass": {"min_met": 9}}', encoding="utf-8")
    result = cli("standards", SCHOOLS, "--standards", bad_rules, "--lang", "en")
    assert result.exit_code == 1
    assert "school_pass.min_met" in result.stderr



def test_no_compulsory_units(cli, tmp_path):
    # A senior school alone: no unit to judge; empty results, a message, and --strict passes.
    path = write_csv(tmp_path / "senior.csv", [school("H1", "senior", senior_students=900)])
    data = json.loads(cli("standards", path, "--format", "json").stdout)
    assert (data["results"], data["totals"]) == ([], [])
    result = cli("standards", path, "--format", "table", "--strict")
    assert result.exit_code == 0
    assert "没有可计算的学校" in result.stdout


def test_totals_alone_agree_with_the_per_school_report():
    # `figures` and `check` ask for the county totals only; they must be the same totals.
    full = api.standards([SCHOOLS])
    totals_only = api.standards([SCHOOLS], per_school=False)
    assert totals_only.results == []
    assert totals_only.totals == full.totals


def test_county_filter(cli):
    result = cli("standards", SCHOOLS, "--county", "北县", "--format", "json")
    assert result.exit_code == 0
    assert {r["county"] for r in json.loads(result.stdout)["results"]} == {"北县"}


def test_the_narrow_english_table_header_is_whole(cli, monkeypatch) -> None:
    # Below 100 columns each school is stacked; its header's columns are 16 and 6 wide, so the
    # English header once read "Stand…" and broke "Standard missed" over two lines.
    monkeypatch.setenv("EDUSTAT_WIDTH", "80")
    out = cli("standards", SAMPLE, "--lang", "en").stdout
    header = next(line for line in out.splitlines() if "Value" in line)
    assert header.split() == ["Missed", "Value", "Std", "Shortfall"]
