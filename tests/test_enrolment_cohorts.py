"""Dropouts per stage over the previous year's enrolment, and retention adjusted for the cohort's
transfers (SPEC §5), worked by hand; and the dropout columns' errors."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from builders import write_csv
from edustat import api
from edustat.enrolment import EnrolmentReport
from edustat.problems import InputError

YEARS = range(2014, 2023)


def rates_of(report: EnrolmentReport, year: int) -> dict[str, SimpleNamespace]:
    """Each rate of 甲县 in `year` as its JSON record (texts worded in Chinese), by key."""
    [result] = [r for r in report.to_dict("zh")["results"] if r["year"] == year]
    return {rate["key"]: SimpleNamespace(**rate) for rate in result["rates"]}


def school_row(sid: str, kind: str, year: int, grades: dict[int, int], **extra: Any
               ) -> dict[str, Any]:
    """One school of 甲县 in canonical columns; stage totals are the sums of the grades."""
    row: dict[str, Any] = {"school_id": sid, "school_name": f"学校{sid}", "county": "甲县",
                           "school_type": kind, "year": year,
                           "primary_students": sum(n for g, n in grades.items() if g <= 6),
                           "junior_students": sum(n for g, n in grades.items() if g >= 7)}
    row.update({f"grade{g}_students": grades.get(g, "") for g in range(1, 10)})
    row.update(extra)
    return row


# A county of one primary school A (grades 1-6) and one junior school C (grades 7-9), 100 pupils
# in every grade every year, except: grade 6 of 2022 is 90, grade 9 of 2022 is 102.
# Transfers (the school's graduating cohort, since it entered the school):
#   A 2019: in 4, out 10 (the cohort that is in grade 9 in 2022, when it left primary)
#   A 2022: in 5, out 15;  C 2022: in 6, out 2;  every other year and school: 0, 0.
TRANSFERS = {("A", 2019): (4, 10), ("A", 2022): (5, 15), ("C", 2022): (6, 2)}


def separate_schools(folder: Path, transfers: bool = True) -> list[Path]:
    paths = []
    for year in YEARS:
        a = dict.fromkeys(range(1, 7), 100)
        c = dict.fromkeys(range(7, 10), 100)
        if year == 2022:
            a[6], c[9] = 90, 102
        rows = []
        for sid, kind, grades in (("A", "小学", a), ("C", "初中", c)):
            extra: dict[str, Any] = {"dropouts": 1}  # single-stage schools: their one stage
            if transfers:
                moved_in, moved_out = TRANSFERS.get((sid, year), (0, 0))
                extra |= {"cohort_transfers_in": moved_in, "cohort_transfers_out": moved_out}
            rows.append(school_row(sid, kind, year, grades, **extra))
        paths.append(write_csv(folder / f"schools-{year}.csv", rows))
    return paths


def test_adjusted_retention_by_hand(tmp_path: Path) -> None:
    rates = rates_of(api.enrolment(separate_schools(tmp_path)), 2022)
    # Primary: grade 6 (2022) 90 / grade 1 (2017) 100 = 90%; adjusted for A's cohort:
    # 90 / (100 + 5 − 15) = 90 / 90 = 100%.
    assert rates["primary_retention_rate"].value == 0.9
    primary = rates["primary_retention_rate_adjusted"]
    assert (primary.numerator, primary.denominator, primary.value) == (90, 90, 1.0)
    assert primary.name == "小学巩固率（按转入转出调整）"
    # Junior: 102 / grade 7 (2020) 100 = 102% (flagged); adjusted 102 / (100 + 6 − 2) = 102/104.
    assert rates["junior_retention_rate"].value == 1.02
    junior = rates["junior_retention_rate_adjusted"]
    assert (junior.numerator, junior.denominator) == (102, 104)
    assert junior.value == 102 / 104 and not junior.over_100
    # Nine-year: 102 / grade 1 (2014) 100; adjusted with the primary years (A's pair of 2019,
    # 4 − 10) and the junior years (C's pair of 2022, 6 − 2): 100 − 6 + 4 = 98 -> 102/98.
    nine = rates["nine_year_retention_rate_adjusted"]
    assert (nine.numerator, nine.denominator) == (102, 98)
    assert nine.value == 102 / 98 and nine.over_100
    # The plain rates stay.
    assert rates["nine_year_retention_rate"].value == 1.02


def test_adjusted_retention_reasons(tmp_path: Path) -> None:
    paths = separate_schools(tmp_path)
    # Without the 2019 table the nine-year cohort's primary transfers are unknown (and grade 1
    # of 2014 is there): the reason names 2019.
    report = api.enrolment([p for p in paths if "2019" not in p.name])
    nine = rates_of(report, 2022)["nine_year_retention_rate_adjusted"]
    assert nine.value is None and nine.note == "没有 2019 年的学校表"
    assert rates_of(report, 2022)["junior_retention_rate_adjusted"].value == 102 / 104
    # A blank transfer cell: warned, and the rates that need it are not computable.
    rows = [school_row("A", "小学", 2022, dict.fromkeys(range(1, 7), 100), dropouts=0,
                       cohort_transfers_in=5, cohort_transfers_out=""),
            school_row("C", "初中", 2022, dict.fromkeys(range(7, 10), 100), dropouts=0,
                       cohort_transfers_in=6, cohort_transfers_out=2)]
    blank = write_csv(tmp_path / "schools-2022.csv", rows)
    report = api.enrolment([*paths[:-1], blank])
    assert [(p.row, p.code) for p in report.problems if p.code == "blank_not_zero"] == [
        (2, "blank_not_zero")]
    rates = rates_of(report, 2022)
    assert rates["primary_retention_rate_adjusted"].reason == "blank_cells"
    assert rates["primary_retention_rate_adjusted"].note == (
        "2022 年有 1 所学校缺少“该届累计转出学生数”（空白不按 0 计）")
    assert rates["junior_retention_rate_adjusted"].value == 100 / 104


def test_no_transfer_columns_no_adjusted_rates(tmp_path: Path) -> None:
    report = api.enrolment(separate_schools(tmp_path, transfers=False))
    keys = list(rates_of(report, 2022))
    assert not [k for k in keys if k.endswith("_adjusted")]
    assert keys[-3:] == ["primary_dropout_rate", "junior_dropout_rate", "dropout_rate"]


def test_nine_year_school_transfers_serve_the_nine_year_rate_only(tmp_path: Path) -> None:
    # One nine-year school N, 50 per grade every year; grade 9 of 2022 is 49; its 2022 pair
    # (its grade-9 cohort since grade 1) in 1, out 3: nine-year adjusted 49 / (50 + 1 − 3) =
    # 49/48. Its grade-6 cohort's transfers are not given anywhere: the primary and junior
    # adjusted rates cannot be had, and say why.
    paths = []
    for year in YEARS:
        grades = dict.fromkeys(range(1, 10), 50)
        moved = (1, 3) if year == 2022 else (0, 0)
        if year == 2022:
            grades[9] = 49
        paths.append(write_csv(tmp_path / f"n-{year}.csv", [school_row(
            "N", "九年一贯制学校", year, grades, primary_dropouts=0, junior_dropouts=0,
            cohort_transfers_in=moved[0], cohort_transfers_out=moved[1])]))
    rates = rates_of(api.enrolment(paths), 2022)
    nine = rates["nine_year_retention_rate_adjusted"]
    assert (nine.numerator, nine.denominator) == (49, 48)
    for key in ("primary_retention_rate_adjusted", "junior_retention_rate_adjusted"):
        assert rates[key].reason == "transfers_mixed"
        assert "1 所九年一贯制" in (rates[key].note or "")


def test_dropouts_over_the_previous_year(tmp_path: Path) -> None:
    rates = rates_of(api.enrolment(separate_schools(tmp_path)), 2022)
    # A single `dropouts` column belongs to each school's one stage: A 1 primary, C 1 junior,
    # over the 2021 enrolment: 600 and 300 (not 2022's 590 and 302).
    assert (rates["primary_dropout_rate"].numerator,
            rates["primary_dropout_rate"].denominator) == (1, 600)
    assert rates["junior_dropout_rate"].value == 1 / 300
    assert rates["dropout_rate"].value == 2 / 900
    # The first year has no year before it: not computable, never 0.
    first = rates_of(api.enrolment(separate_schools(tmp_path)), 2014)["dropout_rate"]
    assert first.value is None and first.reason == "no_previous_table"
    assert first.note == "没有 2013 年的学校表（辍学率的分母是上学年即 2013 年的在校生数）"


def _mixed_rows(**dropouts: Any) -> list[dict[str, Any]]:
    return [school_row("N", "九年一贯制学校", 2022, dict.fromkeys(range(1, 10), 50), **dropouts),
            school_row("A", "小学", 2022, dict.fromkeys(range(1, 7), 100), dropouts=1,
                       primary_dropouts=2)]


@pytest.mark.parametrize(("dropouts", "expected"), [
    # `dropouts` in a nine-year school: which stage? An error naming it.
    # (Headers as written: this file has English ones.) And primary school A gives both its
    # `dropouts` (1) and `primary_dropouts` (2): they disagree.
    ({"dropouts": 3}, {(2, "dropouts", "dropouts_mixed_school"),
                       (3, "primary_dropouts", "dropouts_conflict")}),
    # Per stage in the nine-year school is right: only A's disagreement is left.
    ({"primary_dropouts": 0, "junior_dropouts": 1}, {(3, "primary_dropouts", "dropouts_conflict")}),
])
def test_dropout_column_errors(tmp_path: Path, dropouts: dict[str, Any],
                               expected: set[tuple[int, str, str]]) -> None:
    rows = _mixed_rows(**dropouts)
    path = write_csv(tmp_path / "schools-2022.csv", rows)
    with pytest.raises(InputError) as raised:
        api.enrolment([path])
    found = {(p.row, p.column, p.code) for p in raised.value.problems if p.severity == "error"}
    assert found == expected


def test_junior_dropouts_in_a_primary_school(tmp_path: Path, cli, monkeypatch) -> None:
    monkeypatch.setenv("EDUSTAT_WIDTH", "300")  # one line per problem: the words are not wrapped
    rows = [school_row("A", "小学", 2022, dict.fromkeys(range(1, 7), 100), primary_dropouts=1,
                       junior_dropouts=2)]
    path = write_csv(tmp_path / "schools-2022.csv", rows)
    result = cli("enrolment", path, "--format", "table")
    assert result.exit_code == 1
    assert "小学没有初中学段，不应有初中辍学学生" in result.output
    assert "Traceback" not in result.output
    english = cli("enrolment", path, "--format", "table", "--lang", "en")
    assert "a primary school has no junior stage, so no junior dropouts" in english.output


def test_adjusted_retention_under_five_four(tmp_path: Path) -> None:
    # 5-4: primary school A teaches grades 1-5, junior school C grades 6-9, 100 per grade;
    # 2022: grade 5 is 90, grade 9 is 102. Pairs: A 2018 (4, 10) — the cohort in grade 9 in
    # 2022 left primary in 2018, four years before — A 2022 (5, 15), C 2022 (6, 2).
    transfers = {("A", 2018): (4, 10), ("A", 2022): (5, 15), ("C", 2022): (6, 2)}
    paths = []
    for year in YEARS:
        a = dict.fromkeys(range(1, 6), 100)
        c = dict.fromkeys(range(6, 10), 100)
        if year == 2022:
            a[5], c[9] = 90, 102
        rows = []
        for sid, kind, grades in (("A", "小学", a), ("C", "初中", c)):
            moved = transfers.get((sid, year), (0, 0))
            row = school_row(sid, kind, year, grades, dropouts=0,
                             cohort_transfers_in=moved[0], cohort_transfers_out=moved[1])
            # 5-4 stage totals: grades 1-5 and 6-9.
            row["primary_students"] = sum(n for g, n in grades.items() if g <= 5)
            row["junior_students"] = sum(n for g, n in grades.items() if g >= 6)
            rows.append(row)
        paths.append(write_csv(tmp_path / f"schools-{year}.csv", rows))
    rates = rates_of(api.enrolment(paths, system="5-4"), 2022)
    # Primary: 90 / (grade 1 of 2018: 100 + 5 − 15) = 90/90.
    assert (rates["primary_retention_rate_adjusted"].numerator,
            rates["primary_retention_rate_adjusted"].denominator) == (90, 90)
    # Junior (4 years): 102 / (grade 6 of 2019: 100 + 6 − 2) = 102/104.
    assert rates["junior_retention_rate_adjusted"].denominator == 104
    # Nine-year: 102 / (100 + (4 − 10) + (6 − 2)) = 102/98.
    assert rates["nine_year_retention_rate_adjusted"].denominator == 98
