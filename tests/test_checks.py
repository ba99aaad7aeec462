"""`edustat figures` and `edustat check` (SPEC §7.3): figure keys, claims held to the data at the
written precision, consistency rules on the school data, CLI output and exit codes.

Every rounding case and every rule finding below is worked by hand in the comments."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT, SAMPLE
from edustat import api
from edustat.checks import (
    catalogue,
    matches,
    round_half_up,
    written_as,
)
from edustat.numbers import parse_written, percent_text
from edustat.problems import InputError, Problem
from edustat.results import joined

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "checks"
EXAMS_2022 = ROOT / "data" / "exams-2022.csv"
EXAMS_2021 = ROOT / "data" / "exams-2021.csv"
SAMPLE_CLAIMS = ROOT / "data" / "claims-2022.csv"
ENROLMENT = sorted((ROOT / "data" / "enrolment").glob("schools-*.csv"))
POPULATION = ROOT / "data" / "enrolment" / "population.csv"


def _written(text: str):
    written = parse_written(text)
    assert written is not None, text
    return written


def _by_row(report: Any, lang: str = "zh") -> dict[int, SimpleNamespace]:
    """Each claim of a CheckReport as its JSON record (texts worded in `lang`), by row."""
    return {record["row"]: SimpleNamespace(**record) for record in report.to_rows(lang)}


def _findings(problems: list[Problem]) -> set[tuple[str, int | None, str | None, str]]:
    return {(Path(p.file).name, p.row, p.column, p.code) for p in problems}


# ---------------------------------------------------------------------------------------------
# Rounding at the written precision (四舍五入), worked by hand

@pytest.mark.parametrize(("value", "written", "expected"), [
    # 0.519 × 100 = 51.9 → to a whole percent: first dropped digit 9 ≥ 5 → 52.
    (0.519, "52%", True),
    # 0.27404 → 4 places: 0.2740|4, dropped 4 < 5 → 0.2740.
    (0.27404, "0.2740", True),
    # 0.2746 → 4 places is 0.2746 itself, not 0.2740.
    (0.2746, "0.2740", False),
    # 0.51898 × 100 = 51.898 → 1 place: 51.8|98, dropped 9 → 51.9.
    (0.51898, "51.9%", True),
    # 0.9996 × 100 = 99.96 → whole: 99|.96, dropped 9 → 100.
    (0.9996, "100%", True),
    # 0.9996 is not 99.9% at one place: 99.96 → 100.0.
    (0.9996, "99.9%", False),
    # A tie goes up (half up, not to even): 0.125 → 2 places 0.13; 12.5% → 13%.
    (0.125, "0.13", True),
    (0.125, "0.12", False),
    (0.125, "13%", True),
    # 2.675 is stored as 2.67499999999999982236431605997495353221893310546875, but the report
    # was written from the decimal 2.675: its shortest repr rounds half up to 2.68.
    (2.675, "2.68", True),
    (2.675, "2.67", False),
    # Per mille: 0.0010186… × 1000 = 1.0186… → 1 place → 1.0.
    (6 / 5890, "1.0‰", True),
    # Whole counts with a thousands separator: 8452 written 8,452.
    (8452.0, "8,452", True),
    (8452.0, "8,453", False),
    # Full-width digits and sign as Chinese Excel writes them: ５２％ = 52%.
    (0.519, "５２％", True),
])
def test_rounding_cases_by_hand(value: float, written: str, expected: bool) -> None:
    assert matches(value, _written(written)) is expected


def test_written_precision_is_what_is_written() -> None:
    # 0.2740 carries 4 places, 52% none, 51.90% two; the trailing zero counts.
    assert (_written("0.2740").places, _written("0.2740").scale) == (4, 1)
    assert (_written("52%").places, _written("52%").scale) == (0, 100)
    assert _written("51.90%").places == 2
    assert _written("1.5‰").scale == 1000
    for bad in ("abc", "52 percent", "1,23", "", ".5", "1e3"):
        assert parse_written(bad) is None


def test_written_as_uses_the_claims_own_form() -> None:
    # 41/79 = 0.5189873…: at 1 place as a percentage 51.9%, at 4 places 0.5190.
    assert written_as(41 / 79, _written("52.0%")) == "51.9%"
    assert written_as(41 / 79, _written("0.0000")) == "0.5190"
    assert round_half_up(41 / 79, 0, 100) == Decimal("52")


@settings(max_examples=300, deadline=None)
@given(count=st.integers(min_value=0, max_value=5000),
       extra=st.integers(min_value=1, max_value=5000), places=st.integers(0, 4))
def test_repr_rounding_agrees_with_exact_fractions(count: int, extra: int, places: int) -> None:
    # The exams table rounds count/candidates exactly as a fraction; the check rounds the
    # float's repr. For any counts they must agree, so a figure copied from `edustat exams`
    # always matches, and one step off at the last place never does.
    candidates = count + extra
    shown = percent_text(count, candidates, places)
    assert matches(count / candidates, _written(shown))
    step = Fraction(1, 10**places)
    number = Fraction(shown.rstrip("%"))
    off = float(number + step)
    assert not matches(count / candidates, _written(f"{off:.{places}f}%"))


# ---------------------------------------------------------------------------------------------
# Figures

def test_figure_keys_of_the_sample() -> None:
    report = api.figures([SAMPLE, EXAMS_2022])
    keys = {f.key for f in report.results}
    for key in ("coefficient.basic.primary.composite",
                "coefficient.basic.junior.books_per_student",
                "coefficient.basic.junior.books_per_student.mean",
                "coefficient.quality.primary.backbone_teachers_per_100",
                "standards.primary.passing_schools", "standards.junior.passing_share",
                "enrolment.primary_net_enrolment_rate", "exams.gaokao.undergrad_rate",
                "exams.zhongkao.key_admission_rate", "exams.zhongkao.key_admission_rate.count"):
        assert key in keys, key
    assert keys <= set(catalogue())
    assert {(f.county, f.year) for f in report.results} == {("示例旗", 2022)}
    assert [f.file for f in report.files] == [str(SAMPLE), str(EXAMS_2022)]
    assert [f.kind for f in report.files] == ["schools", "exams"]
    figures = {f.key: f for f in report.results}
    # 高考: 47 + 32 = 79 candidates; 11 + 10 + 3 + 5 + 8 + 4 = 41 → 41/79.
    assert figures["exams.gaokao.candidates"].value == 79
    assert figures["exams.gaokao.undergrad_rate"].value == pytest.approx(41 / 79, rel=1e-15)
    assert figures["exams.gaokao.undergrad_rate.count"].value == 41
    # 中考: 14 + 30 + 10 + 38 + 32 + 22 + 24 + 12 = 182; 17 + 32 + 10 = 59 admitted.
    assert figures["exams.zhongkao.key_admission_rate"].value == pytest.approx(59 / 182)
    # The coefficient figures are the coefficient command's own numbers, not a second formula.
    coefficients = api.coefficient([SAMPLE])
    assert figures["coefficient.basic.primary.composite"].value == coefficients.results[
        0].composite
    # The sample school table has no enrolment columns: those rates are there, null, with why.
    rate = figures["enrolment.primary_net_enrolment_rate"]
    assert rate.value is None and "在校小学适龄儿童数" in joined(rate.note, "zh")


def test_figures_standards_counts_match_the_standards_report() -> None:
    figures = {(f.key): f for f in api.figures([SAMPLE]).results}
    totals = {t.stage: t for t in api.standards([SAMPLE]).totals}
    for stage in ("primary", "junior"):
        total = totals[stage]
        assert figures[f"standards.{stage}.schools"].value == total.schools
        assert figures[f"standards.{stage}.passing_schools"].value == total.passing
        assert figures[f"standards.{stage}.failing_schools"].value == total.failing
        assert figures[f"standards.{stage}.passing_share"].value == total.passing / total.schools


def test_figures_without_exam_or_school_tables_say_why() -> None:
    only_exams = api.figures([EXAMS_2022])
    assert {u.family for u in only_exams.unavailable} == {
        "coefficient.basic", "coefficient.quality", "standards", "enrolment"}
    only_schools = api.figures([SAMPLE])
    assert [u.family for u in only_schools.unavailable] == ["exams"]
    assert "考试" in only_schools.unavailable[0].reason.word("zh")


def test_figures_of_the_enrolment_set_by_year_with_population_told_by_header() -> None:
    # population.csv is recognised by its header (县区, 年份, 适龄人口, no school): no option.
    report = api.figures([*ENROLMENT, POPULATION])
    kinds = {Path(f.file).name: f.kind for f in report.files}
    assert kinds["population.csv"] == "population" and kinds["schools-2022.csv"] == "schools"
    rates = {(f.key, f.year): f for f in report.results if f.key.startswith("enrolment.")}
    assert {year for _, year in rates} == set(range(2014, 2023))
    assert rates[("enrolment.nine_year_retention_rate", 2022)].value is not None
    # 2016's nine-year cohort started in 2008, before the first table: null with the reason.
    assert rates[("enrolment.nine_year_retention_rate", 2016)].value is None
    assert "2008" in joined(rates[("enrolment.nine_year_retention_rate", 2016)].note, "zh")
    # No facility columns in that set: the coefficient families cannot be computed at all.
    assert "coefficient.basic" in {u.family for u in report.unavailable}


def test_two_population_tables_are_an_error(tmp_path: Path) -> None:
    second = tmp_path / "population-copy.csv"
    second.write_bytes(POPULATION.read_bytes())
    with pytest.raises(InputError) as caught:
        api.figures([*ENROLMENT, POPULATION], population=second)
    assert [p.code for p in caught.value.problems] == ["several_population"]


# ---------------------------------------------------------------------------------------------
# Claims

def test_claims_at_several_precisions() -> None:
    report = api.check([EXAMS_2022], claims=FIXTURES / "claims-precision.csv")
    claims = _by_row(report)
    # 41/79 = 0.518987341772…: 52%, 51.9%, 51.90%, 0.519, 0.5190 all right (rows 2–6).
    for row in (2, 3, 4, 5, 6):
        assert claims[row].status == "match", claims[row]
    # Row 7: 51.8% is wrong; at one place the data says 51.9%, 0.1 point more.
    assert claims[7].status == "mismatch" and claims[7].expected == "51.9%"
    assert claims[7].difference == pytest.approx(0.518 - 41 / 79)
    # Row 8: 0.5189 truncates; rounded half up it is 0.5190 (fifth digit 8).
    assert claims[8].status == "mismatch" and claims[8].expected == "0.5190"
    # Row 9: 51.9 without % is 51.9, not 0.519: wrong, with the hint that 51.9% matches.
    assert claims[9].status == "mismatch" and "51.9%" in claims[9].message
    # Rows 10–12: counts 79 (47 + 32) and 16 (11 + 5), and 59/182 = 32.417…% → 32.4%.
    assert [claims[r].status for r in (10, 11, 12)] == ["match"] * 3
    # Row 13: 32.5% is wrong; difference 0.325 − 0.32417… = +0.00082.
    assert claims[13].status == "mismatch" and claims[13].expected == "32.4%"
    assert claims[13].difference == pytest.approx(0.325 - 59 / 182)
    # Row 14: "1,82" is not a number as written: that claim is an error, the others still run.
    assert claims[14].status == "error" and "不是数字" in claims[14].message
    # Mismatches first, then errors, then matches.
    statuses = [r.status for r in report.results]
    assert statuses == sorted(statuses, key=["mismatch", "error", "match"].index)
    assert not report.ok


def test_claim_errors_unknown_key_ambiguous_place_and_missing_data() -> None:
    report = api.check([EXAMS_2022, EXAMS_2021], claims=FIXTURES / "claims-errors.csv")
    claims = _by_row(report, "en")
    # Row 2: a typo; the nearest known key is suggested.
    assert claims[2].status == "error"
    assert "did you mean: exams.gaokao.undergrad_rate" in claims[2].message
    # Row 3: no year, and the data has 2021 and 2022: an error naming both.
    assert claims[3].status == "error" and "示例旗 2021、示例旗 2022" in claims[3].message
    # Row 4: 2022 named: 41/79 → 52%.
    assert claims[4].status == "match" and claims[4].year == 2022
    # Row 5: 2021: (10+9+3 + 4+7+3)/(45+30) = 36/75 = 0.48 exactly → 48%.
    assert claims[5].status == "match" and claims[5].computed == pytest.approx(0.48)
    # Row 6: a county the data does not have.
    assert claims[6].status == "error" and "别的旗" in claims[6].message
    assert "it has: 示例旗 2021、示例旗 2022" in claims[6].message
    # Rows 7, 8: no school table was given: the data cannot give these figures.
    for row in (7, 8):
        assert claims[row].status == "error"
        assert "cannot give this figure: no school table" in claims[row].message
    # Row 9: blank figure.
    assert claims[9].status == "error" and "blank" in claims[9].message


def test_claim_needs_its_county_when_the_data_has_several(tmp_path: Path) -> None:
    claims = tmp_path / "claims.csv"
    claims.write_text("指标,报告值,县区\n"
                      "coefficient.basic.primary.composite,0.30,\n"
                      "coefficient.basic.primary.composite,0.30,测试0001县\n", encoding="utf-8")
    example = Path(__file__).parent / "fixtures" / "examples" / "county-zh-gbk.csv"
    rows = _by_row(api.check([example], claims=claims))
    # Two counties, no year column: the claim without a county names both choices.
    assert rows[2].status == "error" and "测试0000县、测试0001县" in rows[2].message
    # Naming the county picks its figure (the coefficient command's own value).
    composite = next(r.composite for r in api.coefficient([example]).results
                     if r.county == "测试0001县" and r.stage == "primary")
    assert rows[3].computed == composite and rows[3].county == "测试0001县"


def test_claim_on_a_figure_the_data_cannot_give_names_the_reason() -> None:
    # data/2022.csv has no grade or age columns: the enrolment rates are null with a reason.
    report = api.check([SAMPLE], claims=FIXTURES / "claims-errors.csv")
    claims = _by_row(report)
    assert claims[8].status == "error"
    assert "数据无法给出此指标" in claims[8].message and "辍学学生数" in claims[8].message
    # And an exam claim without an exam table says what an exam table is.
    assert "没有给出考试表" in claims[4].message


def test_claims_file_problems() -> None:
    # No 报告值 column: the claims file cannot be used at all.
    with pytest.raises(InputError) as caught:
        api.check([EXAMS_2022], claims=FIXTURES / "claims-no-reported.csv")
    codes = {p.code for p in caught.value.problems}
    # Its header 报告 is one edit from 报告值: the problem says "did you mean" (issue 10).
    assert "missing_column_near" in codes
    # GBK, as Chinese Excel saves it, is read like any other table.
    report = api.check([EXAMS_2022], claims=FIXTURES / "claims-gbk.csv")
    assert [r.status for r in report.results] == ["match", "match"]


def test_claims_in_a_workbook(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["指标", "报告值", "年份"])
    # Written as text, the precision is kept; typed as a number, Excel keeps none: 0.519 is
    # read back as "0.519" (3 places), still right.
    sheet.append(["exams.gaokao.undergrad_rate", "51.9%", 2022])
    sheet.append(["exams.gaokao.undergrad_rate", 0.519, 2022])
    sheet.append(["exams.gaokao.undergrad_rate", "50%", 2022])
    path = tmp_path / "claims.xlsx"
    book.save(path)
    claims = _by_row(api.check([EXAMS_2022], claims=path))
    assert [claims[r].status for r in (2, 3, 4)] == ["match", "match", "mismatch"]
    assert claims[3].reported == "0.519"


def test_sample_claims_file() -> None:
    report = api.check([SAMPLE, EXAMS_2022], claims=SAMPLE_CLAIMS)
    wrong = {(r.row, r.figure) for r in report.results if r.status != "match"}
    # The two deliberate mistakes of data/README.md: a transposed digit (0.4131 for 0.4113)
    # and last year's 重点高中录取率 (2021: 48/170 = 28.2%; 2022: 59/182 = 32.4%).
    assert wrong == {(5, "coefficient.basic.primary.sports_area_per_student"),
                     (13, "exams.zhongkao.key_admission_rate")}
    assert _by_row(report)[13].expected == "32.4%"
    assert len(report.results) == 12 and not report.ok


# ---------------------------------------------------------------------------------------------
# Consistency rules: each fires on its fixture and stays quiet where it should

def test_students_per_teacher_rule() -> None:
    report = api.check([FIXTURES / "students_per_teacher.csv"])
    name = "students_per_teacher.csv"
    # Bounds: primary 3–30, junior 3–25 students per teacher.
    assert _findings(report.problems) == {
        (name, 2, "小学专任教师数", "ratio_out_of_range"),  # 600 / 12 = 50 > 30
        (name, 3, "小学专任教师数", "ratio_no_denominator"),  # 100 students, 0 teachers
        (name, 6, "初中专任教师数", "ratio_out_of_range"),  # 290 / 100 = 2.9 < 3
        (name, 7, "初中专任教师数", "ratio_out_of_range"),  # 260 / 10 = 26 > 25
    }
    # Quiet: 600 / 30 = 20; 300 / 100 = 3 exactly (the bound is in range); nine-year primary
    # 250 / 10 = 25; row 8's blank teacher count is not judged.
    by_row = {p.row: p for p in report.problems}
    assert by_row[2].severity == "warning"
    assert "50" in by_row[2].message() and "600" in by_row[2].message()
    assert "2.9" in by_row[6].message("en")
    assert report.ok  # warnings alone


def test_students_per_class_rule() -> None:
    report = api.check([FIXTURES / "students_per_class.csv"])
    name = "students_per_class.csv"
    # Bounds 2–66 students per class.
    assert _findings(report.problems) == {
        (name, 2, "小学班级数", "ratio_out_of_range"),  # 700 / 7 = 100 > 66
        (name, 3, "小学班级数", "ratio_out_of_range"),  # 30 / 20 = 1.5 < 2
        (name, 4, "小学班级数", "ratio_no_denominator"),  # 200 students, 0 classes
    }
    # Quiet: 400 / 10 = 40; a teaching point's 4 / 2 = 2 exactly. And 100 per class is not
    # reported a second time as above the class-size limit.


def test_class_size_limit_rule() -> None:
    report = api.check([FIXTURES / "class_size.csv"])
    name = "class_size.csv"
    assert _findings(report.problems) == {
        (name, 2, "初中班级数", "class_size_over_limit"),  # 520 > 50 × 10 = 500: 52.0
        (name, 4, "小学班级数", "class_size_over_limit"),  # 451 > 45 × 10 = 450: 45.1
        (name, 5, "小学班级数", "ratio_out_of_range"),  # 700 / 7 = 100: implausible, once
    }
    # Quiet: 500 = 50 × 10 and 450 = 45 × 10 are at the limit, not above it.
    messages = {p.row: p.message() for p in report.problems}
    assert "52.0" in messages[2] and "45.1" in messages[4]


def test_identical_rows_rule() -> None:
    report = api.check([FIXTURES / "identical.csv"])
    name = "identical.csv"
    # 甲, 乙, 己 (rows 2, 3, 7): all six numbers 300, 8, 18, 9000, 40, 1500.5 equal.
    assert _findings(report.problems) == {(name, row, "学校标识码", "identical_rows")
                                          for row in (2, 3, 7)}
    others = {p.row: p.params["other_rows"] for p in report.problems}
    assert others == {2: "3、7", 3: "2、7", 7: "2、3"}
    assert "6" in report.problems[0].message()
    # Quiet: 丙 has 301 students; the two teaching points (5, 1, 1, 0, 0, 0) have only 3
    # non-zero figures, fewer than min_filled_columns = 5.


def test_grades_total_rule_reported_once() -> None:
    report = api.check([FIXTURES / "grades-2022.csv"])
    name = "grades-2022.csv"
    # 100 × 6 = 600 ≠ 610 (row 3); 100 + 100 + 90 = 290 ≠ 300 (row 4); row 2 adds up.
    assert _findings(report.problems) == {
        (name, 3, "小学在校生数", "grades_not_total"),
        (name, 4, "初中在校生数", "grades_not_total")}
    # The same problems make the enrolment rates impossible; they are listed once, as errors.
    assert all(p.severity == "error" for p in report.problems)
    assert "enrolment" in {u.family for u in report.unavailable}
    assert not report.ok


def test_year_on_year_rule() -> None:
    name = "jumps-2022.csv"
    expected = {(name, 2, "小学在校生数", "year_jump"),  # 500 → 760: +260/500 = +52% > 50%
                (name, 2, "图书册数", "year_jump")}  # 20000 → 2000: −90%
    # Quiet: computers 10 → 30 (+200%, but 10 < min_previous 20); 1000 → 1499 m² (+49.9%);
    # 8000 → 12000 books and 40 → 20 computers, exactly ±50%; the new school J04.
    both = api.check([FIXTURES / "jumps-2021.csv", FIXTURES / "jumps-2022.csv"])
    assert _findings(both.problems) == expected
    # The same with last year's table given only for this rule.
    previous = api.check([FIXTURES / "jumps-2022.csv"],
                         previous=[FIXTURES / "jumps-2021.csv"])
    assert _findings(previous.problems) == expected
    messages = {p.column: p for p in previous.problems}
    assert "增加 52%" in messages["小学在校生数"].message()
    assert "down 90%" in messages["图书册数"].message("en")
    assert "jumps-2021.csv:2" in messages["图书册数"].message()


def test_rules_quiet_on_the_sample_data() -> None:
    # The sample keeps its classes within the limits (实验小学 2050 / 46 = 44.6 <= 45, 第三中学
    # 860 / 18 = 47.8 <= 50): no rule has anything to say about it.
    report = api.check([SAMPLE, EXAMS_2022])
    assert _findings(report.problems) == set()
    assert report.ok


def test_rules_quiet_on_the_enrolment_set() -> None:
    report = api.check([*ENROLMENT], population=POPULATION)
    assert [p for p in report.problems if p.severity != "note"] == []


def test_rule_bounds_are_data(tmp_path: Path) -> None:
    province = tmp_path / "province.json"
    province.write_text(json.dumps({"consistency_rules": {
        "students_per_teacher": {"bounds": {"primary_max": 18}}}}), encoding="utf-8")
    report = api.check([SAMPLE], standards_file=province)
    over = {p.row for p in report.problems if p.code == "ratio_out_of_range"}
    # 1860/99 = 18.8, 1430/76 = 18.8, 980/53 = 18.5 are above 18; 实验小学 2050/141 = 14.5,
    # the others lower still.
    assert over == {2, 3, 4}
    listing = api.check_rules(standards_file=province)
    bounds = {r.key: r.bounds for r in listing.rules}
    assert bounds["students_per_teacher"]["primary_max"] == 18
    assert bounds["class_size_limit"] == {"primary_max": 45, "junior_max": 50}


def test_unknown_rule_in_a_standards_file(tmp_path: Path) -> None:
    province = tmp_path / "province.json"
    province.write_text(json.dumps({"consistency_rules": {"typo_rule": {
        "severity": "warning", "zh": "x", "en": "x"}}}), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        api.check([SAMPLE], standards_file=province)
    assert [p.params["field"] for p in caught.value.problems] == ["consistency_rules.typo_rule"]


# ---------------------------------------------------------------------------------------------
# The command line

def test_check_table_golden(cli, golden) -> None:
    result = cli("check", SAMPLE.relative_to(ROOT), EXAMS_2022.relative_to(ROOT), "--claims",
                 SAMPLE_CLAIMS.relative_to(ROOT), "--format", "table")
    assert result.exit_code == 1
    golden("check_sample.txt", result.stdout)
    lines = result.stdout.splitlines()
    # Mismatches first.
    first_rows = [line for line in lines if "✗" in line or "✓" in line]
    assert "✗" in first_rows[0] and "✗" in first_rows[1] and "✓" in first_rows[2]


def test_check_table_english_golden(cli, golden) -> None:
    result = cli("check", EXAMS_2022.relative_to(ROOT), EXAMS_2021.relative_to(ROOT),
                 "--claims", (FIXTURES / "claims-errors.csv").relative_to(ROOT),
                 "--format", "table", "--lang", "en")
    assert result.exit_code == 1
    golden("check_errors_en.txt", result.stdout)


def test_check_json(cli) -> None:
    result = cli("check", SAMPLE, EXAMS_2022, "--claims", SAMPLE_CLAIMS, "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert set(data) == {"ok", "summary", "files", "claims_file", "results", "problems",
                         "unavailable", "rules"}
    assert data["ok"] is False
    assert data["summary"]["mismatches"] == 2 and data["summary"]["matches"] == 10
    first = data["results"][0]
    assert set(first) == {"file", "row", "figure", "county", "year", "reported", "name",
                          "computed", "expected", "difference", "status", "message", "note"}
    assert first["status"] == "mismatch" and first["reported"] == "0.4131"
    # Unrounded.
    assert len(repr(first["computed"])) > 10
    # The sample data is plausible: only notes (if any), no warnings or errors.
    assert {p["severity"] for p in data["problems"]} <= {"note"}


def test_check_csv_and_xlsx(cli, tmp_path: Path) -> None:
    result = cli("check", SAMPLE, EXAMS_2022, "--claims", SAMPLE_CLAIMS, "--format", "csv")
    assert result.exit_code == 1
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 12 and rows[0]["status"] == "mismatch"
    assert rows[0]["reported"] == "0.4131"
    out = tmp_path / "check.xlsx"
    assert cli("check", SAMPLE, EXAMS_2022, "--claims", SAMPLE_CLAIMS, "-o", out).exit_code == 1
    from openpyxl import load_workbook

    assert load_workbook(out).sheetnames == ["claims", "problems", "unavailable"]


def test_check_exit_codes(cli, tmp_path: Path) -> None:
    right = tmp_path / "right.csv"
    right.write_text("指标,报告值\nexams.gaokao.undergrad_rate,52%\n", encoding="utf-8")
    # All right, warnings only (the two large classes): 0.
    assert cli("check", SAMPLE, EXAMS_2022, "--claims", right, "-f", "json").exit_code == 0
    # No claims file: the rules alone; warnings only: 0.
    assert cli("check", SAMPLE, "-f", "json").exit_code == 0
    # A data error (grades that do not add up): 1.
    assert cli("check", FIXTURES / "grades-2022.csv", "-f", "json").exit_code == 1
    # A claim that cannot be checked: 1.
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("指标,报告值\nexams.gaokao.no_such_rate,52%\n", encoding="utf-8")
    assert cli("check", EXAMS_2022, "--claims", unknown, "-f", "json").exit_code == 1
    # Usage: a missing claims file, or no data files: 2.
    assert cli("check", SAMPLE, "--claims", tmp_path / "nope.csv").exit_code == 2
    assert cli("check", "--claims", right).exit_code == 2
    # An unusable claims file: a problem table and 1, never a traceback.
    bad = cli("check", EXAMS_2022, "--claims", FIXTURES / "claims-no-reported.csv")
    assert bad.exit_code == 1 and "报告值" in bad.output


def test_check_rules_listing(cli, golden) -> None:
    table = cli("check", "--rules", "--format", "table")
    assert table.exit_code == 0
    golden("check_rules.txt", table.stdout)
    data = json.loads(cli("check", "--rules", "--format", "json", "--lang", "en").stdout)
    keys = [r["key"] for r in data["rules"]]
    assert keys == ["students_per_teacher", "students_per_class", "class_size_limit",
                    "year_on_year_change", "identical_rows", "grades_total"]
    assert data["rules"][0]["bounds"] == {"primary_min": 3, "primary_max": 30,
                                          "junior_min": 3, "junior_max": 25}


def test_figures_command(cli, golden) -> None:
    table = cli("figures", EXAMS_2022.relative_to(ROOT), EXAMS_2021.relative_to(ROOT),
                "--format", "table")
    assert table.exit_code == 0
    golden("figures_exams.txt", table.stdout)
    data = json.loads(cli("figures", SAMPLE, EXAMS_2022, "--format", "json").stdout)
    assert set(data) == {"files", "results", "unavailable"}
    assert set(data["results"][0]) == {"key", "county", "year", "value", "kind", "name", "note"}
    rows = list(csv.DictReader(io.StringIO(cli("figures", SAMPLE, EXAMS_2022,
                                               "--format", "csv").stdout)))
    assert len(rows) == len(data["results"])
    assert {"key", "county", "year", "value"} <= set(rows[0])
