"""Exam pass and admission rates (SPEC §2.3, §6, §7.2): figures worked by hand, validation, CLI."""

from __future__ import annotations

import csv
import io
import json
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edustat import api
from edustat.exams import ExamReport, ExamResult, RateValue
from edustat.numbers import percent_text
from edustat.problems import InputError, Problem
from edustat.render.exams import change_text
from edustat.validate import validate_exams

ROOT = Path(__file__).resolve().parent.parent
EXAMS_2022 = ROOT / "data" / "exams-2022.csv"
EXAMS_2021 = ROOT / "data" / "exams-2021.csv"
BAD = Path(__file__).resolve().parent / "fixtures" / "exams"

HEADER = ("学校标识码,学校名称,县区,年份,考试,考生数,一本上线人数,二本上线人数,艺体类上线人数,"
          "统招录取人数,分招录取人数,特长生录取人数")


def _write(path: Path, *lines: str, header: str = HEADER) -> Path:
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def _result(report: ExamReport, exam: str, *, year: int | None = 2022,
            school_id: str | None = None, county: str | None = "示例旗") -> ExamResult:
    found = [r for r in report.results if r.exam == exam and r.year == year
             and r.school_id == school_id and r.county == county]
    assert len(found) == 1, found
    return found[0]


def _rates(result: ExamResult) -> dict[str, RateValue]:
    return {rate.key: rate for rate in result.rates}


def _problems(paths: list[Path]) -> list[Problem]:
    with pytest.raises(InputError) as caught:
        api.exams(paths)
    return caught.value.problems


def _where(problem: Problem) -> tuple[int | None, str | None, str | None, str]:
    return problem.row, problem.column, problem.value, problem.code


# ---------------------------------------------------------------------------------------------
# Figures worked by hand

def test_sample_county_gaokao_by_hand() -> None:
    gaokao = _rates(_result(api.exams([EXAMS_2022]), "gaokao"))
    # Candidates: 第一中学 47 + 高级中学 32 = 79.
    assert _result(api.exams([EXAMS_2022]), "gaokao").candidates == 79
    # 一本 11 + 5 = 16 → 16/79 = 0.202531…
    assert gaokao["tier1_rate"].count == 16
    assert gaokao["tier1_rate"].value == pytest.approx(0.2025316, abs=1e-7)
    # 二本 10 + 8 = 18 → 18/79 = 0.227848…
    assert gaokao["tier2_rate"].count == 18
    assert gaokao["tier2_rate"].value == pytest.approx(0.2278481, abs=1e-7)
    # 艺体 3 + 4 = 7 → 7/79 = 0.088607…
    assert gaokao["arts_sports_rate"].count == 7
    assert gaokao["arts_sports_rate"].value == pytest.approx(0.0886076, abs=1e-7)
    # 本科升学率 (16 + 18 + 7)/79 = 41/79 = 0.5189873417721519 → 51.9% (reported as 52%).
    assert gaokao["undergrad_rate"].count == 41
    assert gaokao["undergrad_rate"].value == pytest.approx(0.5189873417721519, rel=1e-15)


def test_sample_county_zhongkao_by_hand() -> None:
    result = _result(api.exams([EXAMS_2022]), "zhongkao")
    zhongkao = _rates(result)
    # Candidates 14 + 30 + 10 + 38 + 32 + 22 + 24 + 12 = 182.
    assert result.candidates == 182
    # 统招 1+3+0+6+3+2+2+0 = 17 → 17/182 = 0.093406…
    assert zhongkao["key_unified_rate"].count == 17
    assert zhongkao["key_unified_rate"].value == pytest.approx(0.0934066, abs=1e-7)
    # 分招 2+5+2+7+6+4+4+2 = 32 → 32/182 = 0.175824…
    assert zhongkao["key_quota_rate"].count == 32
    assert zhongkao["key_quota_rate"].value == pytest.approx(0.1758242, abs=1e-7)
    # 特长生 0+2+1+3+1+1+2+0 = 10 → 10/182 = 0.054945…
    assert zhongkao["key_specialty_rate"].count == 10
    assert zhongkao["key_specialty_rate"].value == pytest.approx(0.0549451, abs=1e-7)
    # 重点高中录取率 (17 + 32 + 10)/182 = 59/182 = 0.324175… → 32.4%.
    assert zhongkao["key_admission_rate"].count == 59
    assert zhongkao["key_admission_rate"].value == pytest.approx(0.3241758, abs=1e-7)


def test_sample_per_school_by_hand() -> None:
    report = api.exams([EXAMS_2022], schools=True)
    first = _result(report, "gaokao", school_id="2152000011")
    assert first.school_name == "示例旗第一中学"
    # 第一中学: 47 candidates, 11 + 10 + 3 = 24 → 24/47 = 0.510638…
    assert first.candidates == 47
    assert _rates(first)["undergrad_rate"].count == 24
    assert _rates(first)["undergrad_rate"].value == pytest.approx(0.5106383, abs=1e-7)
    # 高级中学: 32 candidates, 5 + 8 + 4 = 17 → 17/32 = 0.53125 exactly; 艺体 4/32 = 0.125.
    senior = _rates(_result(report, "gaokao", school_id="2152000016"))
    assert senior["undergrad_rate"].value == 0.53125
    assert senior["arts_sports_rate"].value == 0.125
    # 第一中学 中考: 38 candidates, 6 + 7 + 3 = 16 → 16/38 = 0.421052…
    junior = _rates(_result(report, "zhongkao", school_id="2152000011"))
    assert junior["key_admission_rate"].value == pytest.approx(0.4210526, abs=1e-7)
    # One total and 2 gaokao + 8 zhongkao schools.
    assert len(report.results) == 2 + 2 + 8


def test_county_total_weights_by_candidates_small_table(tmp_path: Path) -> None:
    table = _write(tmp_path / "small.csv",
                   "A1,甲一中,甲县,2023,高考,50,10,10,5,,,",
                   "A2,甲二中,甲县,2023,高考,30,3,6,0,,,",
                   "B1,乙一中,乙县,2023,中考,40,,,,4,6,2")
    report = api.exams([table], schools=True)
    # 甲一中 (10+10+5)/50 = 25/50 = 0.5; 甲二中 (3+6+0)/30 = 9/30 = 0.3.
    assert _rates(_result(report, "gaokao", year=2023, county="甲县", school_id="A1")
                  )["undergrad_rate"].value == 0.5
    assert _rates(_result(report, "gaokao", year=2023, county="甲县", school_id="A2")
                  )["undergrad_rate"].value == pytest.approx(0.3)
    # 甲县 total: (25 + 9)/(50 + 30) = 34/80 = 0.425 — not the mean of the school rates, 0.4.
    total = _result(report, "gaokao", year=2023, county="甲县")
    assert total.candidates == 80
    assert _rates(total)["undergrad_rate"].value == 0.425
    # 甲县 一本 (10 + 3)/80 = 0.1625.
    assert _rates(total)["tier1_rate"].value == 0.1625
    # 乙县 has only 中考: (4 + 6 + 2)/40 = 12/40 = 0.3; 统招 4/40 = 0.1.
    other = _rates(_result(report, "zhongkao", year=2023, county="乙县"))
    assert other["key_admission_rate"].value == pytest.approx(0.3)
    assert other["key_unified_rate"].value == pytest.approx(0.1)
    assert [r.county for r in report.results] == ["乙县", "乙县", "甲县", "甲县", "甲县"]


def test_year_on_year_change_by_hand() -> None:
    report = api.exams([EXAMS_2022, EXAMS_2021], schools=True)
    gaokao = _rates(_result(report, "gaokao"))
    # 2021: 75 candidates, 14 + 16 + 6 = 36 → 36/75 = 0.48.
    # 2022 − 2021: 41/79 − 36/75 = (41·75 − 36·79)/(79·75) = (3075 − 2844)/5925 = 231/5925
    #            = 0.038987… → +3.9 percentage points.
    assert gaokao["undergrad_rate"].change == pytest.approx(0.0389873, abs=1e-7)
    # 一本: 16/79 − 14/75 = (1200 − 1106)/5925 = 94/5925 = 0.015864…
    assert gaokao["tier1_rate"].change == pytest.approx(0.0158650, abs=1e-7)
    zhongkao = _rates(_result(report, "zhongkao"))
    # 2021: 170 candidates, 15 + 27 + 6 = 48. 59/182 − 48/170 = (59·170 − 48·182)/(182·170)
    #     = (10030 − 8736)/30940 = 1294/30940 = 0.041822… → +4.2 points.
    assert zhongkao["key_admission_rate"].change == pytest.approx(0.0418229, abs=1e-7)
    # 高级中学 艺体: 4/32 − 3/30 = 0.125 − 0.1 = 0.025.
    senior = _rates(_result(report, "gaokao", school_id="2152000016"))
    assert senior["arts_sports_rate"].change == pytest.approx(0.025, abs=1e-15)
    # 第一中学 中考 统招: 6/38 − 5/40 = 0.157894… − 0.125 = 0.032894…
    first = _rates(_result(report, "zhongkao", school_id="2152000011"))
    assert first["key_unified_rate"].change == pytest.approx(0.0328947, abs=1e-7)


def test_no_previous_year_gives_null_change_not_a_crash() -> None:
    report = api.exams([EXAMS_2022, EXAMS_2021], schools=True)
    # 阿拉坦苏木中心学校 has no 2021 row: null changes, and a note saying why.
    absent = _result(report, "zhongkao", school_id="2152000010")
    assert all(rate.change is None for rate in absent.rates)
    assert [note.word("zh") for note in absent.notes] == ["2021 年无该校数据，无法与上年比较"]
    # 2021 is the first year given: nothing to compare with, and nothing to say about it.
    first_year = _result(report, "gaokao", year=2021)
    assert all(rate.change is None for rate in first_year.rates)
    assert first_year.notes == []
    # One year only: every change is null.
    single = api.exams([EXAMS_2022], schools=True)
    assert all(rate.change is None for r in single.results for rate in r.rates)


def test_change_only_against_the_year_just_before(tmp_path: Path) -> None:
    older = _write(tmp_path / "e2020.csv", "1,甲中学,示例旗,2020,高考,10,1,1,1,,,")
    report = api.exams([EXAMS_2022, older])
    total = _result(report, "gaokao")
    # 2020 is not the year before 2022: no change, and a note naming the missing 2021.
    assert all(rate.change is None for rate in total.rates)
    assert [note.word("en") for note in total.notes] == [
        "no 2021 data: no change from the year before"]


def test_files_in_either_order_give_the_same_result() -> None:
    forward = api.exams([EXAMS_2021, EXAMS_2022], schools=True)
    backward = api.exams([EXAMS_2022, EXAMS_2021], schools=True)
    assert forward.to_dict() == backward.to_dict()


def test_aliases_and_english_headers(tmp_path: Path) -> None:
    english = _write(tmp_path / "en.csv", "79,gaokao,16,18,7",
                     header="candidates,exam,tier1,tier2,arts_sports")
    aliases = _write(tmp_path / "zh.csv", "79,高考,16,18,7",
                     header="参考人数,考试类型,本科一批上线人数,本科二批上线人数,艺体上线人数")
    for path in (english, aliases):
        report = api.exams([path], schools=True)
        # No school named: a county-level row counts in the total only. 41/79 as above.
        assert len(report.results) == 1
        assert report.results[0].county is None and report.results[0].year is None
        assert _rates(report.results[0])["undergrad_rate"].value == 41 / 79


# ---------------------------------------------------------------------------------------------
# Validation: every rule has a bad-input fixture in tests/fixtures/exams/

def test_category_above_candidates() -> None:
    problems = _problems([BAD / "category_above_candidates.csv"])
    # Row 2: 一本 41 > 考生 40; row 3: 分招 60 > 考生 50 (their sums exceed too, said once).
    assert [_where(p) for p in problems] == [
        (2, "一本上线人数", "41", "subset_exceeds"),
        (3, "分招录取人数", "60", "subset_exceeds")]
    assert problems[0].message("zh") == "大于考生数（40）；它是其中的一部分，不能超过"


def test_categories_summing_above_candidates() -> None:
    problems = _problems([BAD / "categories_sum_above_candidates.csv"])
    # Row 2: 20 + 15 + 10 = 45 > 40; row 3: 20 + 20 + 11 = 51 > 50.
    assert [_where(p) for p in problems] == [
        (2, "考生数", "40", "categories_exceed"), (3, "考生数", "50", "categories_exceed")]
    assert problems[0].message("zh") == (
        "一本上线人数+二本上线人数+艺体类上线人数合计 45 超过考生数 40")
    assert problems[1].message("en") == ("统招录取人数+分招录取人数+特长生录取人数 add up to 51, "
                                         "more than 考生数 50")


def test_zero_or_blank_candidates() -> None:
    problems = _problems([BAD / "zero_candidates.csv"])
    assert [_where(p) for p in problems] == [
        (2, "考生数", "0", "not_positive"), (3, "考生数", None, "missing_value")]
    assert problems[0].message("en") == "must be greater than 0"


def test_text_in_a_count_is_reported_once_not_also_as_blank(tmp_path: Path) -> None:
    table = _write(tmp_path / "text.csv", "1001,甲中学,示例旗,2022,高考,abc,1,2,x,,,")
    problems = _problems([table])
    assert [_where(p) for p in problems] == [
        (2, "考生数", "abc", "not_number"), (2, "艺体类上线人数", "x", "not_number")]


def test_unknown_exam_name() -> None:
    problems = _problems([BAD / "unknown_exam.csv"])
    assert [_where(p) for p in problems] == [(2, "考试", "会考", "bad_exam")]
    assert "高考 gaokao" in problems[0].message("zh")


def test_other_exams_counts_are_errors() -> None:
    problems = _problems([BAD / "wrong_exam_category.csv"])
    # Row 2 is 高考 with 统招 3 (分招 0 is fine); row 3 is 中考 with 一本 1.
    assert [_where(p) for p in problems] == [
        (2, "统招录取人数", "3", "wrong_exam_category"),
        (3, "一本上线人数", "1", "wrong_exam_category")]
    assert problems[0].message("zh").startswith("这是高考的行，不应填写中考的人数")


def test_blank_or_missing_own_categories_are_errors_not_zero() -> None:
    problems = _problems([BAD / "blank_categories.csv"])
    assert [_where(p) for p in problems] == [
        (2, "二本上线人数", None, "missing_value"),  # 高考 row, blank 二本
        (None, "艺体类上线人数", None, "missing_column"),  # the file has 高考 rows, no 艺体 column
        (3, "分招录取人数", None, "missing_value")]  # 中考 row, blank 分招


def test_duplicate_school_exam_year() -> None:
    problems = _problems([BAD / "duplicate_school.csv"])
    # Rows 2 and 4 are both 1001 高考 2022; row 5 is 1001 中考, a different exam.
    assert [_where(p) for p in problems] == [
        (2, "学校标识码", "1001", "duplicate_key"), (4, "学校标识码", "1001", "duplicate_key")]
    assert problems[0].message("zh") == "同一学校的同一考试在同一年份出现多次，另见第 4 行"


def test_duplicate_across_files(tmp_path: Path) -> None:
    again = _write(tmp_path / "again.csv", "2152000016,示例旗高级中学,示例旗,2022,高考,32,5,8,4,,,")
    problems = _problems([EXAMS_2022, again])
    assert [(p.file, p.row, p.code) for p in problems] == [
        (str(EXAMS_2022), 3, "duplicate_key"), (str(again), 2, "duplicate_key")]


def test_total_row_is_left_out_with_a_note() -> None:
    # SPEC §2.1/§2.4: a 合计 row is never a school; it is left out with a note naming the row.
    report = api.exams([BAD / "total_row.csv"])
    assert [_where(p) for p in report.problems] == [(4, "学校名称", "合计", "total_row_left_out")]
    # 甲中学 40 + 乙中学 30 = 70 candidates (with the total row it would be 140).
    assert _result(report, "gaokao").candidates == 70


@pytest.mark.parametrize("name", ["示例旗合计", "总计（全旗）", "合计：", "全旗合计", "小计"])
def test_total_rows_named_after_the_county_are_left_out(tmp_path: Path, name: str) -> None:
    # Issue 10: 示例旗合计 was added to the schools, 158 candidates instead of 79.
    rows = EXAMS_2022.read_text("utf-8").splitlines()[:3]
    path = tmp_path / "exams.csv"
    path.write_text("\n".join([*rows, f",{name},示例旗,2022,高考,79,16,18,7,,,"]) + "\n", "utf-8")
    report = api.exams([path])
    # 第一中学 47 + 高级中学 32 = 79 candidates; 一本 11 + 5 = 16.
    result = _result(report, "gaokao")
    assert (result.candidates, _rates(result)["tier1_rate"].count) == (79, 16)
    assert [(p.row, p.code) for p in report.problems] == [(4, "total_row_left_out")]


def test_blank_named_row_equal_to_the_sum_above_is_a_total(tmp_path: Path) -> None:
    # SPEC §2.1: blank id and counts equal to the sum of the rows above: a total, not a school.
    rows = EXAMS_2022.read_text("utf-8").splitlines()[:3]
    path = tmp_path / "exams.csv"
    path.write_text("\n".join([*rows, ",,示例旗,2022,高考,79,16,18,7,,,"]) + "\n", "utf-8")
    report = api.exams([path])
    assert _result(report, "gaokao").candidates == 79
    assert [(p.row, p.code) for p in report.problems] == [(4, "total_row_by_sum")]


def test_row_naming_no_school_among_named_rows_is_an_error() -> None:
    problems = _problems([BAD / "unnamed_row.csv"])
    # Row 4 has neither 学校标识码 nor 学校名称 while rows 2-3 name their schools (and its
    # counts are not their sum, which would make it a total row).
    assert [_where(p) for p in problems] == [(4, "学校名称", None, "missing_value")]
    assert "合计行请删除" in problems[0].message("zh")


def test_every_problem_of_every_file_at_once() -> None:
    valid = validate_exams(sorted(BAD.glob("*.csv")))
    files = {Path(p.file).name for p in valid.problems if p.severity == "error"}
    assert files == {path.name for path in BAD.glob("*.csv")}


# ---------------------------------------------------------------------------------------------
# Table rounding: exact, half up (四舍五入), from the counts

def test_percent_text_by_hand() -> None:
    assert percent_text(41, 79, 1) == "51.9%"  # 41/79 = 51.898…%
    assert percent_text(41, 79, 0) == "52%"  # as the county report writes it
    assert percent_text(59, 182, 1) == "32.4%"  # 32.417…%
    assert percent_text(10, 32, 1) == "31.3%"  # 31.25% exactly: half up, not half to even
    assert percent_text(1, 8, 0) == "13%"  # 12.5% exactly
    assert percent_text(0, 12, 1) == "0.0%"
    assert percent_text(12, 12, 2) == "100.00%"


def test_change_text_by_hand() -> None:
    # 41/79 − 36/75 = 231/5925 = 3.8987… points.
    rate = RateValue(key="undergrad_rate", count=41, value=41 / 79, change=231 / 5925,
                     previous_count=36, previous_candidates=75)
    assert change_text(rate, 79, 1) == "+3.9"
    # 3/31 − 3/30 = −0.3225… points; 0/12 − 0/12 = 0.
    fall = RateValue(key="tier1_rate", count=3, value=3 / 31, change=3 / 31 - 0.1,
                     previous_count=3, previous_candidates=30)
    assert change_text(fall, 31, 1) == "-0.3"
    still = RateValue(key="tier1_rate", count=0, value=0.0, change=0.0, previous_count=0,
                      previous_candidates=12)
    assert change_text(still, 12, 1) == "0.0"
    assert change_text(RateValue(key="tier1_rate", count=0, value=0.0), 12, 1) == "—"


@given(count=st.integers(0, 10**6), extra=st.integers(0, 10**6), decimals=st.integers(0, 4))
def test_percent_text_matches_decimal_half_up(count: int, extra: int, decimals: int) -> None:
    candidates = count + extra + 1
    with localcontext() as context:
        context.prec = 60
        exact = Decimal(100 * count) / Decimal(candidates)
        expected = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    assert percent_text(count, candidates, decimals) == f"{expected}%"


# ---------------------------------------------------------------------------------------------
# Invariants

schools_strategy = st.lists(
    st.tuples(st.integers(1, 500), st.integers(0, 100), st.integers(0, 100),
              st.integers(0, 100)).filter(lambda t: t[1] + t[2] + t[3] <= t[0]),
    min_size=1, max_size=8)


@settings(max_examples=40, deadline=None)
@given(schools=schools_strategy, data=st.data())
def test_total_is_sum_of_schools_and_lies_between_them(tmp_path_factory: pytest.TempPathFactory,
                                                       schools: list[tuple[int, ...]],
                                                       data: st.DataObject) -> None:
    lines = [f"S{i},校{i},示例旗,2022,高考,{n},{a},{b},{c},,,"
             for i, (n, a, b, c) in enumerate(schools)]
    shuffled = data.draw(st.permutations(lines))
    folder = tmp_path_factory.mktemp("prop")
    report = api.exams([_write(folder / "a.csv", *lines)], schools=True)
    again = api.exams([_write(folder / "b.csv", *shuffled)], schools=True)
    assert report.to_dict() == again.to_dict()  # row order never matters
    total = _result(report, "gaokao")
    per_school = [r for r in report.results if not r.is_total]
    assert total.candidates == sum(r.candidates for r in per_school)
    for key in ("tier1_rate", "tier2_rate", "arts_sports_rate", "undergrad_rate"):
        counts = [_rates(r)[key].count for r in per_school]
        assert _rates(total)[key].count == sum(counts)
        # A ratio of sums lies between the smallest and the largest of the school ratios.
        values = [_rates(r)[key].value for r in per_school]
        assert min(values) - 1e-12 <= _rates(total)[key].value <= max(values) + 1e-12
        assert _rates(total)[key].value == float(Fraction(sum(counts), total.candidates))
        assert _rates(total)[key].value <= 1.0


# ---------------------------------------------------------------------------------------------
# Command line

def test_cli_table_golden(cli, golden) -> None:
    result = cli("exams", EXAMS_2022, "--format", "table")
    assert result.exit_code == 0
    assert "51.9%" in result.stdout and "32.4%" in result.stdout
    golden("exams_2022.txt", result.stdout)


def test_cli_table_two_years_schools_golden(cli, golden) -> None:
    result = cli("exams", EXAMS_2021, EXAMS_2022, "--schools", "--format", "table")
    assert result.exit_code == 0
    golden("exams_2021_2022_schools.txt", result.stdout)
    # 41/79 − 36/75 = +3.9 points; 59/182 − 48/170 = +4.2 points.
    assert "+3.9" in result.stdout and "+4.2" in result.stdout


def test_cli_table_english_golden(cli, golden) -> None:
    result = cli("exams", EXAMS_2022, EXAMS_2021, "--format", "table", "--lang", "en",
                 "--decimals", "0")
    assert result.exit_code == 0
    # --decimals 0: 41/79 → 52%, 59/182 → 32% as a county report writes them.
    assert "52%" in result.stdout and "32%" in result.stdout
    golden("exams_2021_2022_en.txt", result.stdout)


def test_cli_json_shape(cli) -> None:
    result = cli("exams", EXAMS_2022, "--schools", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert list(data) == ["results"]
    assert len(data["results"]) == 12  # 2 county totals + 2 高考 schools + 8 中考 schools
    first = data["results"][0]
    assert list(first) == ["county", "year", "exam", "school_id", "school_name", "candidates",
                           "rates", "notes"]
    assert (first["county"], first["year"], first["exam"], first["school_id"]) == (
        "示例旗", 2022, "gaokao", None)
    assert [r["key"] for r in first["rates"]] == ["tier1_rate", "tier2_rate", "arts_sports_rate",
                                                  "undergrad_rate"]
    assert list(first["rates"][0]) == ["key", "count", "value", "change"]
    # Unrounded: 41/79.
    assert first["rates"][3] == {"key": "undergrad_rate", "count": 41,
                                 "value": 0.5189873417721519, "change": None}
    zhongkao = next(r for r in data["results"] if r["exam"] == "zhongkao" and not r["school_id"])
    assert [r["key"] for r in zhongkao["rates"]] == [
        "key_unified_rate", "key_quota_rate", "key_specialty_rate", "key_admission_rate"]
    assert zhongkao["rates"][3]["count"] == 59
    assert zhongkao["rates"][3]["value"] == pytest.approx(0.3241758, abs=1e-7)
    schools = [r for r in data["results"] if r["school_id"]]
    assert {r["school_id"] for r in schools} >= {"2152000011", "2152000016"}


def test_cli_json_two_years_either_order(cli) -> None:
    forward = cli("exams", EXAMS_2021, EXAMS_2022, "--schools", "--format", "json")
    backward = cli("exams", EXAMS_2022, EXAMS_2021, "--schools", "--format", "json")
    assert forward.exit_code == backward.exit_code == 0
    assert forward.stdout == backward.stdout
    data = json.loads(forward.stdout)
    latest = next(r for r in data["results"]
                  if r["year"] == 2022 and r["exam"] == "gaokao" and r["school_id"] is None)
    # 231/5925 = 0.038987…
    assert latest["rates"][3]["change"] == pytest.approx(0.0389873, abs=1e-7)


def test_cli_csv(cli) -> None:
    result = cli("exams", EXAMS_2022, "--schools", "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    # (2 totals + 10 schools) × 4 rates.
    assert len(rows) == 48
    undergrad = next(r for r in rows if r["key"] == "undergrad_rate" and not r["school_id"])
    assert undergrad["value"] == "0.5189873417721519" and undergrad["count"] == "41"
    assert undergrad["name"] == "本科升学率"


def test_cli_xlsx(cli, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "exams.xlsx"
    result = cli("exams", EXAMS_2022, "-o", target)
    assert result.exit_code == 0
    sheet = load_workbook(target).active
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert len(body) == 8  # 2 county totals × 4 rates
    record = dict(zip(header, next(r for r in body if r[header.index("key")] == "undergrad_rate"),
                      strict=True))
    assert record["count"] == 41 and record["value"] == pytest.approx(41 / 79, rel=1e-15)


def test_cli_bad_input_exit_1_with_problems(cli) -> None:
    result = cli("exams", BAD / "categories_sum_above_candidates.csv", "--lang", "en")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "2 errors, 0 warnings" in result.stderr
    assert "考生数" in result.stderr  # the column as written in the file
    assert "Traceback" not in result.stderr


def test_cli_missing_file_exit_2(cli, tmp_path: Path) -> None:
    result = cli("exams", tmp_path / "nope.csv")
    assert result.exit_code == 2
