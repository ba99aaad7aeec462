"""Enrolment, retention and dropout rates (SPEC §5, §7.2): hand-worked cohorts, reasons, CLI."""

from __future__ import annotations

import csv
import io
import json
import random
import tempfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edustat import api
from edustat.enrolment import RATE_KEYS, EnrolmentReport
from edustat.problems import InputError

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "enrolment"
SAMPLE = ROOT / "data" / "enrolment"
SAMPLE_FILES = sorted(SAMPLE.glob("schools-*.csv"))
SAMPLE_POPULATION = SAMPLE / "population.csv"
YEARS = range(2014, 2023)
GRADE_ZH = "一二三四五六七八九"
HEADER = ["学校标识码", "学校名称", "县区", "学校类型", "小学在校生数", "初中在校生数",
          *[f"{g}年级在校生数" for g in GRADE_ZH], "在校小学适龄儿童数", "小学辍学学生数",
          "初中辍学学生数", "年份"]

# ---------------------------------------------------------------------------------------------
# Hand-built cohorts: three schools of 甲县 over nine years. Every cell is the school's base
# count for the grades it teaches, except the overrides, which are the only cells the 2022 rates
# depend on besides the bases. Stage totals are the sums of the grades (input construction).

SCHOOLS_63 = {  # id: (type, {grade: base count})
    "A": ("小学", dict.fromkeys(range(1, 7), 100)),
    "B": ("九年一贯制学校", dict.fromkeys(range(1, 10), 40)),
    "C": ("初中", dict.fromkeys(range(7, 10), 200)),
}
OVERRIDES_63 = {  # (year, school, grade): count
    (2014, "A", 1): 210,
    (2017, "A", 1): 160,
    (2020, "C", 7): 216,
    (2022, "A", 6): 150,
    (2022, "B", 6): 44,
    (2022, "B", 9): 38,
    (2022, "C", 9): 202,
}
SCHOOLS_54 = {
    "A": ("小学", dict.fromkeys(range(1, 6), 100)),
    "B": ("九年一贯制学校", dict.fromkeys(range(1, 10), 40)),
    "C": ("初中", dict.fromkeys(range(6, 10), 200)),
}
OVERRIDES_54 = {
    (2014, "A", 1): 210,
    (2018, "A", 1): 85,
    (2019, "C", 6): 210,
    (2022, "A", 5): 90,
    (2022, "B", 9): 38,
    (2022, "C", 9): 202,
}
DROPOUTS = {"A": (1, ""), "B": (1, 1), "C": ("", 2)}  # (primary, junior), every year
OVER_AGE = {"A": 10, "B": 8, "C": 0}  # primary pupils not of primary age: enrolled = total - this


def cohort_rows(schools: dict, overrides: dict, year: int, primary_grades: range,
                county: str = "甲县") -> list[list[Any]]:
    """The school rows of one year of a hand-built cohort, in HEADER order."""
    rows = []
    for sid, (kind, bases) in schools.items():
        grades = {g: overrides.get((year, sid, g), n) for g, n in bases.items()}
        primary = sum(n for g, n in grades.items() if g in primary_grades)
        junior = sum(n for g, n in grades.items() if g not in primary_grades)
        enrolled = primary - OVER_AGE[sid] if primary else 0
        rows.append([sid, f"{county}学校{sid}", county, kind, primary, junior,
                     *[grades.get(g, "") for g in range(1, 10)], enrolled, *DROPOUTS[sid],
                     year])
    return rows


def write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_cohort(folder: Path, system: str = "6-3", years: range = YEARS) -> list[Path]:
    """One school table per year, named schools-YEAR.csv."""
    schools, overrides = (SCHOOLS_63, OVERRIDES_63) if system == "6-3" else (SCHOOLS_54,
                                                                                 OVERRIDES_54)
    primary = range(1, 7) if system == "6-3" else range(1, 6)
    return [write_csv(folder / f"schools-{y}.csv", HEADER,
                      cohort_rows(schools, overrides, y, primary)) for y in years]


def write_population(folder: Path, rows: list[list[Any]], name: str = "population.csv") -> Path:
    return write_csv(folder / name, ["县区", "年份", "小学适龄人口数", "初中适龄人口数"], rows)


def rates_of(report: EnrolmentReport, year: int, county: str = "甲县", lang: str = "zh"
             ) -> dict[str, SimpleNamespace]:
    """Each rate of a county and year as its JSON record (texts worded in `lang`), by key."""
    [result] = [r for r in report.to_dict(lang)["results"]
                if r["year"] == year and r["county"] == county]
    return {rate["key"]: SimpleNamespace(**rate) for rate in result["rates"]}


# ---------------------------------------------------------------------------------------------
# Every rate worked by hand

def test_six_three_cohort_by_hand(tmp_path: Path) -> None:
    files = write_cohort(tmp_path)
    population = write_population(tmp_path, [["甲县", 2022, 880, 750]])
    rates = rates_of(api.enrolment(files, population=population), 2022)

    # 2022 primary students: A 100×5 + 150 (grade 6) = 650; B 40×5 + 44 = 244; C 0 -> 894.
    # 2022 junior students: B 40 + 40 + 38 = 118; C 200 + 200 + 202 = 602 -> 720.
    # Enrolled of primary age: A 650 − 10 = 640; B 244 − 8 = 236 -> 876.
    assert (rates["primary_net_enrolment_rate"].numerator,
            rates["primary_net_enrolment_rate"].denominator) == (876, 880)
    # 876/880 = 0.99545…; 894/880 = 1.01590… (above 100%: flagged, not capped).
    assert rates["primary_net_enrolment_rate"].value == pytest.approx(0.9954545454545455)
    assert rates["primary_gross_enrolment_rate"].value == pytest.approx(1.0159090909090909)
    assert rates["primary_gross_enrolment_rate"].over_100
    assert "超过 100%" in rates["primary_gross_enrolment_rate"].note
    assert rates["junior_gross_enrolment_rate"].value == pytest.approx(0.96)  # 720/750
    # Nine-year: grade 9 of 2022 = B 38 + C 202 = 240; grade 1 of 2014 = A 210 + B 40 = 250.
    nine = rates["nine_year_retention_rate"]
    assert (nine.numerator, nine.denominator, nine.value) == (240, 250, pytest.approx(0.96))
    # Primary: grade 6 of 2022 = A 150 + B 44 = 194; grade 1 of 2017 = A 160 + B 40 = 200.
    primary = rates["primary_retention_rate"]
    assert (primary.numerator, primary.denominator, primary.value) == (194, 200,
                                                                       pytest.approx(0.97))
    # Junior (3 years): grade 9 of 2022 = 240; grade 7 of 2020 = B 40 + C 216 = 256.
    # 240/256 = 0.9375 < 0.95: the quality-balance minimum is not met.
    junior = rates["junior_retention_rate"]
    assert (junior.numerator, junior.denominator, junior.value) == (240, 256, 0.9375)
    assert (junior.minimum, junior.meets) == (0.95, False)
    assert junior.name == "初中三年巩固率"
    # Dropouts reported in 2022 over the enrolment of 2021 (no overrides in 2021):
    # primary A 1 + B 1 = 2 over A 100×6 + B 40×6 = 840; junior B 1 + C 2 = 3 over
    # B 40×3 + C 200×3 = 720; both stages 5 over 1560.
    assert (rates["primary_dropout_rate"].numerator,
            rates["primary_dropout_rate"].denominator) == (2, 840)
    assert rates["primary_dropout_rate"].value == 2 / 840
    assert rates["junior_dropout_rate"].value == 3 / 720
    dropout = rates["dropout_rate"]
    assert (dropout.numerator, dropout.denominator) == (5, 1560)
    assert dropout.value == 5 / 1560
    assert dropout.name == "义务教育辍学率"
    # Every rate computed: no reasons, and only the gross rate carries a note.
    assert all(r.reason is None for r in rates.values())
    assert [k for k, r in rates.items() if r.note] == ["primary_gross_enrolment_rate"]


def test_five_four_cohort_by_hand(tmp_path: Path) -> None:
    files = write_cohort(tmp_path, "5-4")
    population = write_population(tmp_path, [["甲县", 2022, 700, 1000]])
    rates = rates_of(api.enrolment(files, population=population, system="5-4"), 2022)

    # 5-4: primary is grades 1-5, junior grades 6-9.
    # 2022 primary students: A 100×4 + 90 = 490; B 40×5 = 200 -> 690; enrolled 480 + 192 = 672.
    # 2022 junior students: B 40×3 + 38 = 158; C 200×3 + 202 = 802 -> 960.
    assert rates["primary_net_enrolment_rate"].value == pytest.approx(0.96)  # 672/700
    assert rates["primary_gross_enrolment_rate"].value == pytest.approx(690 / 700)  # 0.9857…
    assert rates["junior_gross_enrolment_rate"].value == pytest.approx(0.96)  # 960/1000
    # Nine-year is the same under both systems: grade 9 of 2022 = 240, grade 1 of 2014 = 250.
    assert rates["nine_year_retention_rate"].value == pytest.approx(0.96)
    # Primary: grade 5 of 2022 = A 90 + B 40 = 130; grade 1 of 2018 = A 85 + B 40 = 125.
    # 130/125 = 1.04: above 100%, shown as computed and flagged as in-migration.
    primary = rates["primary_retention_rate"]
    assert (primary.numerator, primary.denominator) == (130, 125)
    assert primary.value == pytest.approx(1.04)
    assert primary.over_100 and "外地迁入" in primary.note
    # Junior (4 years): grade 9 of 2022 = 240; grade 6 of 2019 = B 40 + C 210 = 250 -> 0.96.
    junior = rates["junior_retention_rate"]
    assert (junior.numerator, junior.denominator) == (240, 250)
    assert junior.value == pytest.approx(0.96)
    assert junior.meets is True
    assert junior.name == "初中四年巩固率"
    # Dropouts of 2022 over the 2021 enrolment (no overrides in 2021): primary A 100×5 +
    # B 40×5 = 700, junior B 40×4 + C 200×4 = 960: 2/700, 3/960, 5/1660.
    assert rates["primary_dropout_rate"].value == 2 / 700
    assert rates["junior_dropout_rate"].value == 3 / 960
    assert rates["dropout_rate"].value == 5 / 1660


def test_sample_data_2022_by_hand() -> None:
    """The bundled sample: figures read off data/enrolment/*.csv and added up by hand."""
    rates = rates_of(api.enrolment(SAMPLE_FILES, population=SAMPLE_POPULATION), 2022, "示例旗")
    # schools-2022.csv, schools 东城小学, 西城小学, 查干苏木中心学校, 东城中学:
    # enrolled of age 997 + 758 + 181 + 0 = 1936; population.csv 2022: 1939 and 982.
    assert rates["primary_net_enrolment_rate"].value == pytest.approx(1936 / 1939)  # 99.85%
    # primary students 1028 + 776 + 184 = 1988 -> 102.53%, above 100% (over-age pupils).
    assert rates["primary_gross_enrolment_rate"].value == pytest.approx(1988 / 1939)
    # junior students 77 + 880 = 957 -> 97.45%.
    assert rates["junior_gross_enrolment_rate"].value == pytest.approx(957 / 982)
    # grade 9 of 2022: 25 + 284 = 309; grade 1 of 2014: 165 + 123 + 35 = 323 -> 95.67%.
    assert rates["nine_year_retention_rate"].value == pytest.approx(309 / 323)
    # grade 6 of 2022: 172 + 128 + 31 = 331; grade 1 of 2017: 173 + 130 + 33 = 336 -> 98.51%.
    assert rates["primary_retention_rate"].value == pytest.approx(331 / 336)
    # grade 7 of 2020: 26 + 287 = 313 -> 309/313 = 98.72%, meets 95%.
    assert rates["junior_retention_rate"].value == pytest.approx(309 / 313)
    assert rates["junior_retention_rate"].meets is True
    # Dropouts of 2022 over the enrolment of 2021 (schools-2021.csv):
    # primary 0 + 1 + 0 = 1 over 1024 + 760 + 188 = 1972 -> 0.05%;
    # junior 1 + 1 = 2 over 76 + 841 = 917 -> 0.22%; both 3 over 2889 -> 0.10%.
    assert rates["primary_dropout_rate"].value == 1 / 1972
    assert rates["junior_dropout_rate"].value == 2 / 917
    assert rates["dropout_rate"].value == 3 / 2889
    # Adjusted nine-year retention: grade 1 of 2014 (323) + the cohort's transfers: the junior
    # school's and the nine-year school's pairs of 2022 (0 − 2, 0 − 2) and the primary schools'
    # of 2019, when the cohort left primary (1 − 5, 1 − 3): 323 − 10 = 313 -> 309/313 = 98.72%.
    adjusted = rates["nine_year_retention_rate_adjusted"]
    assert (adjusted.numerator, adjusted.denominator) == (309, 313)
    # 查干苏木中心学校 is a nine-year school: its pair is its grade-9 cohort's since grade 1, so
    # the primary and junior adjusted rates cannot be had.
    assert rates["primary_retention_rate_adjusted"].reason == "transfers_mixed"
    assert rates["junior_retention_rate_adjusted"].reason == "transfers_mixed"


# ---------------------------------------------------------------------------------------------
# Not computable, with the reason

def test_missing_years_are_not_computable_with_the_year(tmp_path: Path) -> None:
    files = write_cohort(tmp_path, years=range(2018, 2023))
    rates = rates_of(api.enrolment(files), 2022)
    nine = rates["nine_year_retention_rate"]
    assert nine.value is None and nine.reason == "no_table"
    assert nine.note == "没有 2014 年的学校表"
    assert nine.numerator == 240 and nine.denominator is None  # what is known is still shown
    assert rates["primary_retention_rate"].note == "没有 2017 年的学校表"
    assert rates["primary_retention_rate"].meets is None
    assert rates["junior_retention_rate"].value == 0.9375  # 2020 is there: 240/256
    assert rates["dropout_rate"].value == 5 / 1560  # 2021 is there


def test_missing_population_is_not_computable(tmp_path: Path) -> None:
    rates = rates_of(api.enrolment(write_cohort(tmp_path)), 2022)
    for key in ("primary_net_enrolment_rate", "primary_gross_enrolment_rate",
                "junior_gross_enrolment_rate"):
        assert rates[key].value is None
        assert rates[key].reason == "no_population"
        assert "--population" in rates[key].note
    assert "小学适龄人口数" in rates["primary_gross_enrolment_rate"].note
    assert "初中适龄人口数" in rates["junior_gross_enrolment_rate"].note
    assert rates["primary_gross_enrolment_rate"].numerator == 894  # the enrolment is known


def test_population_table_without_the_year(tmp_path: Path) -> None:
    population = write_population(tmp_path, [["甲县", 2021, 900, 760]])
    rates = rates_of(api.enrolment(write_cohort(tmp_path), population=population), 2022,
                     lang="en")
    gross = rates["primary_gross_enrolment_rate"]
    assert gross.value is None and gross.reason == "not_in_population"
    assert gross.note == ("the population table has no primary_age_population for 甲县 2022; "
                          "the 2022 school table has no column primary_age_population")


def test_population_from_school_columns_and_the_table_wins(tmp_path: Path) -> None:
    header = [*HEADER, "小学适龄人口数", "初中适龄人口数"]
    # School-level age populations: primary A 500 + B 380 = 880; junior B 150 + C 600 = 750.
    extra = {"A": [500, ""], "B": [380, 150], "C": ["", 600]}
    files = [write_csv(tmp_path / f"s{y}.csv", header,
                       [row + extra[row[0]] for row in
                        cohort_rows(SCHOOLS_63, OVERRIDES_63, y, range(1, 7))])
             for y in YEARS]
    rates = rates_of(api.enrolment(files), 2022)
    assert rates["primary_gross_enrolment_rate"].denominator == 880
    assert rates["primary_gross_enrolment_rate"].value == pytest.approx(894 / 880)
    assert rates["junior_gross_enrolment_rate"].value == pytest.approx(720 / 750)
    # With a population table the table wins: 1000 and 800, not the schools' 880 and 750.
    population = write_population(tmp_path, [["甲县", 2022, 1000, 800]])
    rates = rates_of(api.enrolment(files, population=population), 2022)
    assert rates["primary_gross_enrolment_rate"].value == pytest.approx(894 / 1000)
    assert rates["junior_gross_enrolment_rate"].value == pytest.approx(720 / 800)
    assert rates["primary_gross_enrolment_rate"].note is None
    # A year the table lacks falls back to the schools' sum, and says so.
    fallback = rates_of(api.enrolment(files, population=population), 2021)
    assert fallback["primary_gross_enrolment_rate"].denominator == 880
    assert "学校表各校合计" in fallback["primary_gross_enrolment_rate"].note
    assert fallback["primary_gross_enrolment_rate"].reason is None


def test_population_table_without_county_column(tmp_path: Path) -> None:
    # One county in the school tables: a population table without 县区 is that county's.
    population = write_csv(tmp_path / "pop.csv", ["年份", "小学适龄人口数", "初中适龄人口数"],
                           [[2022, 880, 750]])
    rates = rates_of(api.enrolment(write_cohort(tmp_path), population=population), 2022)
    assert rates["junior_gross_enrolment_rate"].value == pytest.approx(0.96)  # 720/750
    # And the other way round: school tables without 县区, a population table of one county.
    rows = cohort_rows(SCHOOLS_63, OVERRIDES_63, 2022, range(1, 7))
    school_file = write_csv(tmp_path / "no-county-2022.csv", HEADER[:2] + HEADER[3:],
                            [row[:2] + row[3:] for row in rows])
    population = write_population(tmp_path, [["甲县", 2022, 880, 750]])
    [result] = api.enrolment([school_file], population=population).results
    assert result.county is None
    assert {r.key: r for r in result.rates}["junior_gross_enrolment_rate"].value == 0.96


def test_zero_denominator_is_not_computable(tmp_path: Path) -> None:
    population = write_population(tmp_path, [["甲县", 2022, 880, 0]])
    rates = rates_of(api.enrolment(write_cohort(tmp_path), population=population), 2022)
    assert rates["junior_gross_enrolment_rate"].value is None
    assert rates["junior_gross_enrolment_rate"].reason == "zero_denominator"
    assert rates["junior_gross_enrolment_rate"].note == "分母为 0"


def test_blank_cells_warn_and_make_the_rate_not_computable() -> None:
    report = api.enrolment([FIXTURES / "blank-grade-2022.csv"])
    warnings = [(p.row, p.column, p.code, p.severity) for p in report.problems
                if p.code == "blank_not_zero"]
    assert warnings == [(3, "九年级在校生数", "blank_not_zero", "warning"),
                        (4, "初中辍学学生数", "blank_not_zero", "warning")]
    rates = rates_of(report, 2022)
    assert rates["junior_dropout_rate"].reason == "blank_cells"
    assert rates["junior_dropout_rate"].note == (
        "2022 年有 1 所学校缺少“初中辍学学生数”（空白不按 0 计）；没有 2021 年的学校表"
        "（辍学率的分母是上学年即 2021 年的在校生数）")
    # The primary dropouts are complete (1, the junior school C1 teaches no primary): only the
    # previous year's table is missing.
    assert rates["primary_dropout_rate"].numerator == 1
    assert rates["primary_dropout_rate"].reason == "no_previous_table"
    # Blank grade 9 and no earlier table: both reasons are given.
    assert rates["junior_retention_rate"].note == (
        "2022 年有 1 所学校缺少“九年级在校生数”（空白不按 0 计）；没有 2020 年的学校表")
    # Grade 1 is complete: the primary gross rate only lacks its population.
    assert rates["primary_gross_enrolment_rate"].numerator == 840


def test_a_school_table_without_year(tmp_path: Path) -> None:
    rows = cohort_rows(SCHOOLS_63, OVERRIDES_63, 2022, range(1, 7))
    path = write_csv(tmp_path / "schools.csv", HEADER[:-1], [r[:-1] for r in rows])
    [result] = api.enrolment([path]).results
    assert result.year is None
    rates = {r.key: r for r in result.rates}
    assert rates["nine_year_retention_rate"].reason == "no_year"
    # Dropouts are over the previous year's enrolment: no year, no previous table.
    assert rates["dropout_rate"].reason == "no_year"
    assert rates["dropout_rate"].numerator == 5 and rates["dropout_rate"].denominator is None


def test_counties_are_kept_apart(tmp_path: Path) -> None:
    files = []
    for year in YEARS:
        rows = (cohort_rows(SCHOOLS_63, OVERRIDES_63, year, range(1, 7), "甲县")
                + cohort_rows(SCHOOLS_63, {}, year, range(1, 7), "乙县"))
        for row in rows[3:]:
            row[0] = "Y" + row[0]  # school ids are unique within a year
        files.append(write_csv(tmp_path / f"{year}.csv", HEADER, rows))
    report = api.enrolment(files)
    assert [(r.county, r.year) for r in report.results][:2] == [("乙县", 2014), ("乙县", 2015)]
    assert rates_of(report, 2022, "甲县")["nine_year_retention_rate"].value == pytest.approx(0.96)
    # 乙县 keeps the bases: grade 9 = 40 + 200 = 240; grade 1 of 2014 = 100 + 40 = 140.
    assert rates_of(report, 2022, "乙县")["nine_year_retention_rate"].value == pytest.approx(
        240 / 140)


def test_standards_file_sets_minimums(tmp_path: Path) -> None:
    files = write_cohort(tmp_path)
    rates = rates_of(api.enrolment(files, standards_file=FIXTURES / "standards-province.json"),
                     2022)
    assert (rates["junior_retention_rate"].minimum, rates["junior_retention_rate"].meets) == (
        0.93, True)  # 0.9375 >= 0.93
    assert (rates["nine_year_retention_rate"].minimum,
            rates["nine_year_retention_rate"].meets) == (0.97, False)  # 0.96 < 0.97


@pytest.mark.parametrize("name", ["standards-unknown-rate.json", "standards-percent.json"])
def test_bad_standards_file(tmp_path: Path, name: str) -> None:
    with pytest.raises(InputError) as caught:
        api.enrolment(write_cohort(tmp_path, years=range(2022, 2023)),
                      standards_file=FIXTURES / name)
    assert [p.code for p in caught.value.problems] == ["bad_standards"]
    assert "rate_minimums" in caught.value.problems[0].message("en")


# ---------------------------------------------------------------------------------------------
# Validation of the inputs

def test_grades_that_do_not_add_up_are_errors() -> None:
    with pytest.raises(InputError) as caught:
        api.enrolment([FIXTURES / "grades-not-total-2022.csv"])
    problems = [(p.row, p.column, p.value, p.code) for p in caught.value.problems
                if p.severity == "error"]
    # A1: 100×5 + 90 = 590 ≠ 600; C1: 200 + 200 + 210 = 610 ≠ 600.
    assert problems == [(2, "小学在校生数", "600", "grades_not_total"),
                        (4, "初中在校生数", "600", "grades_not_total")]
    assert caught.value.problems[0].message("zh").startswith(
        "一至六年级在校生数之和为 590，与小学在校生数 600 不一致（按六三学制）")


def test_wrong_school_system_is_caught(tmp_path: Path) -> None:
    # A 6-3 table read as 5-4: grade 6 is counted as junior, and nothing adds up.
    files = write_cohort(tmp_path, years=range(2022, 2023))
    with pytest.raises(InputError) as caught:
        api.enrolment(files, system="5-4")
    assert {p.code for p in caught.value.problems if p.severity == "error"} == {
        "grades_not_total"}
    assert "--system" in caught.value.problems[0].message("zh")


def test_duplicate_school_across_files(tmp_path: Path) -> None:
    [path] = write_cohort(tmp_path, years=range(2022, 2023))
    copy = tmp_path / "copy-2022.csv"
    copy.write_bytes(path.read_bytes())
    with pytest.raises(InputError) as caught:
        api.enrolment([path, copy])
    assert {p.code for p in caught.value.problems} == {"duplicate_id"}


@pytest.mark.parametrize(("name", "expected"), [
    ("population-duplicate.csv", [(3, "年份", "duplicate_key"), (4, "年份", "duplicate_key")]),
    ("population-no-age-columns.csv", [(None, "小学适龄人口数", "missing_column"),
                                       (None, "初中适龄人口数", "missing_column")]),
    # SPEC §2.4: a blank year under a year is merged down (filled, with a note); here that makes
    # 甲县 2022 twice.
    ("population-blank-year.csv", [(2, "年份", "duplicate_key"), (3, "年份", "duplicate_key")]),
])
def test_bad_population_tables(tmp_path: Path, name: str, expected: list[tuple]) -> None:
    files = write_cohort(tmp_path, years=range(2022, 2023))
    with pytest.raises(InputError) as caught:
        api.enrolment(files, population=FIXTURES / name)
    assert [(p.row, p.column, p.code) for p in caught.value.problems
            if p.severity == "error"] == expected


# ---------------------------------------------------------------------------------------------
# Invariants

@settings(max_examples=25, deadline=None)
@given(counts=st.lists(st.integers(0, 300), min_size=2 * 9 * 9, max_size=2 * 9 * 9),
       seed=st.integers(0, 10**6))
def test_rates_are_ratios_of_county_sums_in_any_file_order(counts: list[int], seed: int) -> None:
    """Two nine-year schools with random grades: each retention rate is Σ top / Σ first."""
    cells = iter(counts)
    grades = {(y, s, g): next(cells) for y in YEARS for s in "PQ" for g in range(1, 10)}
    with tempfile.TemporaryDirectory() as folder:
        files = []
        for year in YEARS:
            rows = []
            for sid in "PQ":
                counts_ = [grades[(year, sid, g)] for g in range(1, 10)]
                rows.append([sid, sid, "甲县", "九年一贯制学校", sum(counts_[:6]),
                             sum(counts_[6:]), *counts_, 0, 0, 0, year])
            files.append(write_csv(Path(folder) / f"{year}.csv", HEADER, rows))
        shuffled = list(files)
        random.Random(seed).shuffle(shuffled)
        report = api.enrolment(files)
        assert report.to_dict() == api.enrolment(shuffled).to_dict()
    rates = rates_of(report, 2022)
    for key, top, first, lag in (("nine_year_retention_rate", 9, 1, 8),
                                 ("primary_retention_rate", 6, 1, 5),
                                 ("junior_retention_rate", 9, 7, 2)):
        numerator = sum(grades[(2022, s, top)] for s in "PQ")
        denominator = sum(grades[(2022 - lag, s, first)] for s in "PQ")
        rate = rates[key]
        assert (rate.numerator, rate.denominator) == (numerator, denominator)
        if denominator:
            assert rate.value == pytest.approx(numerator / denominator)
            assert rate.over_100 == (numerator > denominator)
        else:
            assert rate.value is None and rate.reason == "zero_denominator"
    # No dropouts: 0 over the previous year's enrolment of both schools (never a 0 for lack).
    enrolled_2021 = sum(grades[(2021, s, g)] for s in "PQ" for g in range(1, 10))
    assert (rates["dropout_rate"].numerator, rates["dropout_rate"].denominator) == (
        0, enrolled_2021)


def test_table_percentages_round_half_up_from_the_exact_fraction() -> None:
    from edustat.numbers import rate_percent

    assert rate_percent(1, 8, 0) == "13"  # 12.5% -> 13 (四舍五入), not banker's 12
    assert rate_percent(1, 8, 2) == "12.50"
    assert rate_percent(309, 323, 2) == "95.67"  # 95.6656…
    assert rate_percent(1988, 1939, 1) == "102.5"  # 102.527…
    assert rate_percent(3, 2945, 2) == "0.10"  # 0.10186…


# ---------------------------------------------------------------------------------------------
# The command line

def test_cli_golden_table(cli, golden) -> None:
    result = cli("enrolment", *SAMPLE_FILES, "--population", SAMPLE_POPULATION,
                 "--format", "table")
    assert result.exit_code == 0, result.output
    assert "95.67" in result.stdout and "98.72" in result.stdout  # 309/323, 309/313
    golden("enrolment_sample.txt", result.stdout)


def test_cli_golden_detail_english(cli, golden) -> None:
    result = cli("enrolment", *SAMPLE_FILES[-3:], "--population", SAMPLE_POPULATION,
                 "--format", "table", "--detail", "--lang", "en")
    assert result.exit_code == 0, result.output
    golden("enrolment_sample_detail_en.txt", result.stdout)


def test_cli_json_shape(cli) -> None:
    result = cli("enrolment", *SAMPLE_FILES, "--population", SAMPLE_POPULATION,
                 "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert set(data) == {"system", "results"} and data["system"] == "6-3"
    assert [(r["county"], r["year"]) for r in data["results"]] == [("示例旗", y) for y in YEARS]
    for result_ in data["results"]:
        assert set(result_) == {"county", "year", "rates"}
        assert [r["key"] for r in result_["rates"]] == list(RATE_KEYS)
        for rate in result_["rates"]:
            assert set(rate) == {"key", "name", "value", "numerator", "denominator", "minimum",
                                 "meets", "over_100", "reason", "note"}
            assert (rate["value"] is None) == (rate["reason"] is not None)
            if rate["value"] is None:
                assert rate["note"]
    first = {r["key"]: r for r in data["results"][0]["rates"]}
    assert first["nine_year_retention_rate"]["note"] == "没有 2006 年的学校表"
    last = {r["key"]: r for r in data["results"][-1]["rates"]}
    assert last["nine_year_retention_rate"]["value"] == 309 / 323  # unrounded


def test_cli_file_order_does_not_matter(cli) -> None:
    shuffled = list(SAMPLE_FILES)
    random.Random(7).shuffle(shuffled)
    outputs = {cli("enrolment", *files, "--population", SAMPLE_POPULATION, "-f", "json").stdout
               for files in (SAMPLE_FILES, SAMPLE_FILES[::-1], shuffled)}
    assert len(outputs) == 1


def test_cli_csv_and_xlsx(cli, tmp_path: Path) -> None:
    result = cli("enrolment", *SAMPLE_FILES, "--population", SAMPLE_POPULATION, "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 9 * 12
    assert list(rows[0]) == ["system", "county", "year", "key", "name", "value", "numerator",
                             "denominator", "minimum", "meets", "over_100", "reason", "note"]
    last = next(r for r in rows if r["year"] == "2022" and r["key"] == "junior_retention_rate")
    assert (last["numerator"], last["denominator"], last["meets"]) == ("309", "313", "True")

    from openpyxl import load_workbook

    out = tmp_path / "rates.xlsx"
    result = cli("enrolment", *SAMPLE_FILES, "--population", SAMPLE_POPULATION, "-o", out)
    assert result.exit_code == 0 and out.exists()
    sheet = load_workbook(out).active
    assert sheet.title == "enrolment" and sheet.max_row == 1 + 9 * 12


def test_cli_strict_and_exit_codes(cli, tmp_path: Path) -> None:
    files = write_cohort(tmp_path)
    assert cli("enrolment", *files, "-f", "json").exit_code == 0
    # 2022 junior retention 93.75% < 95%.
    assert cli("enrolment", *files, "-f", "json", "--strict").exit_code == 1
    assert cli("enrolment", tmp_path / "nope.csv").exit_code == 2
    assert cli("enrolment", *files, "--population", tmp_path / "nope.csv").exit_code == 2
    bad = cli("enrolment", FIXTURES / "grades-not-total-2022.csv", "--lang", "en")
    assert bad.exit_code == 1
    assert "grades 1-6 add up to 590" in bad.output and "2 errors" in bad.output
    assert "Traceback" not in bad.output


def test_cli_reasons_are_listed(cli, tmp_path: Path) -> None:
    files = write_cohort(tmp_path, years=range(2018, 2023))
    result = cli("enrolment", *files, "-f", "table", "--lang", "en")
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert "9-year retention 2018–2022: no school table for 2010–2014" in text
    assert "primary retention 2018–2022: no school table for 2013–2017" in text
    assert "junior retention (3y) 2018–2019: no school table for 2016–2017" in text
    assert "no population table was given (--population)" in text


def test_a_table_with_no_year_is_named_without_one(tmp_path: Path) -> None:
    # The same table with no year anywhere (no column, none in the file name): its notes say
    # "学校表中没有…" / "有 1 所学校缺少…", not "? 年学校表…" as they did.
    undated = tmp_path / "blank-grade.csv"
    undated.write_bytes((FIXTURES / "blank-grade-2022.csv").read_bytes())
    report = api.enrolment([undated])
    for lang in ("zh", "en"):
        data = json.loads(report.to_json_bytes(lang=lang))
        notes = [rate["note"] or "" for result in data["results"] for rate in result["rates"]]
        assert notes and not any("?" in note for note in notes), notes
        if lang == "zh":
            assert any(note.startswith("有 1 所学校缺少“初中辍学学生数”") for note in notes), notes
