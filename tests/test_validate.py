"""Validation of school tables (SPEC §2, §2.1, §7): cells and table rules, one fixture per rule.

Fixtures: tests/fixtures/bad/*.csv, each the five schools of tests/fixtures/encodings/utf8.csv
(see tests/test_reader.py for the table) with one thing broken, written by make_fixtures.py.
Each rule is checked through the real CLI: `validate --format json` for the exact problem
(file, spreadsheet row, header as written, value as written, code, message), and `coefficient`
for exit 1, no figures and no traceback.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bad_input import (
    BAD,
    PLAIN,
    VARIANTS,
    coefficient_fails,
    coefficient_json,
    validate_json,
    where,
)
from edustat.problems import InputError
from edustat.schema import Kind
from edustat.validate import parse_numbers

# ---------------------------------------------------------------------------------------------
# Cells

def test_numbers_written_as_people_type_them(cli) -> None:
    # "1,430", "36,112", "2,707,524.01" (quoted in the CSV), １０１ (full-width), " 980 ",
    # "\u3000３９０\u3000" (ideographic spaces) and " 69": the same values as the plain file.
    path = VARIANTS / "messy_numbers.csv"
    text = path.read_text("utf-8")
    assert '"1,430"' in text and "１０１" in text and "\u3000３９０\u3000" in text
    assert validate_json(cli, path, "--standard", "basic", exit_code=0) == []
    assert coefficient_json(cli, path) == coefficient_json(cli, PLAIN)


def test_fractional_area_is_fine(cli) -> None:
    # Areas and money are not counts: 5856.83 m² and 2707524.01 yuan are valid as written.
    assert "5856.83" in PLAIN.read_text("utf-8") and "2707524.01" in PLAIN.read_text("utf-8")
    assert validate_json(cli, PLAIN, "--standard", "basic", exit_code=0) == []


# (fixture, options, [(file, row, column as written, value as written, code)], English message)
CELL_AND_TABLE_RULES = [
    ("text_in_number.csv", (), [("text_in_number.csv", 3, "图书册数", "暂无", "not_number")],
     "not a number; write a number, not text (leave blank if missing)"),
    ("negative.csv", (), [("negative.csv", 4, "计算机台数", "-5", "negative")],
     "must not be negative"),
    ("fractional_count.csv", (),
     [("fractional_count.csv", 2, "小学专任教师数", "75.5", "not_whole")],
     "counts must be whole numbers"),
    ("subset_exceeds.csv", (),
     [("subset_exceeds.csv", 2, "小学高于规定学历教师数", "80", "subset_exceeds")],
     "exceeds 小学专任教师数 (76); it is part of that total"),
    ("type_conflict.csv", (), [("type_conflict.csv", 3, "初中在校生数", "35", "type_conflict")],
     "school type is primary but it has 35 junior students; check the type or the counts"),
    ("unknown_type.csv", (),
     [("unknown_type.csv", 3, "学校类型", "特殊教育学校", "bad_school_type")],
     "unknown school type; accepted: primary, junior, nine_year, complete_secondary, "
     "twelve_year, senior (or the Chinese names), or the codes 211/218/311/312/341/342/345"),
]


@pytest.mark.parametrize("name, options, expected, message", CELL_AND_TABLE_RULES,
                         ids=[rule[0] for rule in CELL_AND_TABLE_RULES])
def test_rule_gives_one_precise_problem(cli, name, options, expected, message) -> None:
    path = BAD / name
    problems = validate_json(cli, path, *options, exit_code=1)
    assert where(problems) == expected
    assert [p["message"] for p in problems] == [message]
    assert {p["file"] for p in problems} == {str(path)}
    assert {p["severity"] for p in problems} == {"error"}
    stderr = coefficient_fails(cli, path, len(expected))
    assert expected[0][3] in stderr  # the value as written is shown


def test_text_in_a_number_column_is_never_zero_nor_blank(cli) -> None:
    # One problem for 暂无: it is text, not a blank cell (no second "required value is blank").
    problems = validate_json(cli, BAD / "text_in_number.csv", "--standard", "basic",
                             exit_code=1)
    assert where(problems) == [("text_in_number.csv", 3, "图书册数", "暂无", "not_number")]


def test_blank_cells_a_stage_needs_are_errors_never_zero(cli) -> None:
    # Row 2 (小学) has no 图书册数: books_per_student needs it. Row 6 (初中) has no 初中专任教师数:
    # teachers_per_student needs it. Row 6's blank 小学专任教师数 is fine: no primary stage.
    path = BAD / "blank_required.csv"
    problems = validate_json(cli, path, "--standard", "basic", exit_code=1)
    assert where(problems) == [
        ("blank_required.csv", 2, "图书册数", None, "missing_value"),
        ("blank_required.csv", 6, "初中专任教师数", None, "missing_value")]
    assert sorted(p["message"] for p in problems) == [
        "required value is blank (needed for books_per_student)",
        "required value is blank (needed for teachers_per_student)"]
    stderr = coefficient_fails(cli, path, 2)
    assert "必填项为空" in stderr


def test_blank_cells_in_chinese(cli) -> None:
    result = cli("validate", BAD / "blank_required.csv", "--standard", "basic",
                 "--format", "json")
    messages = sorted(p["message"] for p in json.loads(result.stdout)["problems"])
    assert messages == ["必填项为空（计算“师生比”需要）",
                        "必填项为空（计算“生均图书册数”需要）"]


def test_quality_standard_does_not_need_the_basic_columns(cli) -> None:
    # The quality method reads neither 图书册数 nor 初中专任教师数 (SPEC §3 table).
    path = BAD / "blank_required.csv"
    assert validate_json(cli, path, "--standard", "quality", exit_code=0) == []
    assert coefficient_json(cli, path, "--standard", "quality")["standard"] == "quality"


# ---------------------------------------------------------------------------------------------
# Table rules

def test_duplicate_school_id_reports_both_rows_each_naming_the_other(cli) -> None:
    path = BAD / "duplicate_id.csv"
    problems = validate_json(cli, path, exit_code=1)
    assert where(problems) == [
        ("duplicate_id.csv", 2, "学校标识码", "2152000002", "duplicate_id"),
        ("duplicate_id.csv", 6, "学校标识码", "2152000002", "duplicate_id")]
    by_row = {p["row"]: p["message"] for p in problems}
    assert by_row == {2: "duplicate school_id within the year; see also row 6",
                      6: "duplicate school_id within the year; see also row 2"}
    coefficient_fails(cli, path, 2)


@pytest.mark.parametrize("name", [
    "type_codes.csv",  # 211, 211, 312, 341, 311 instead of the names
    "no_type_column.csv",  # no 学校类型: inferred from which student counts are > 0
])
def test_school_type_written_as_code_or_absent(cli, name: str) -> None:
    path = VARIANTS / name
    assert validate_json(cli, path, "--standard", "basic", exit_code=0) == []
    # Same units and the same split of the nine-year and complete secondary schools.
    assert coefficient_json(cli, path) == coefficient_json(cli, PLAIN)


def test_missing_column_needed_by_the_basic_standard(cli) -> None:
    path = BAD / "missing_books.csv"
    problems = validate_json(cli, path, "--standard", "basic", exit_code=1)
    assert where(problems) == [("missing_books.csv", None, "图书册数", None, "missing_column")]
    assert problems[0]["message"] == ("required column '图书册数' (books) is missing (needed for "
                                      "books_per_student); add it to the header")
    coefficient_fails(cli, path, 1)
    coefficient_fails(cli, path, 1, "--standard", "basic")


def test_missing_books_is_fine_for_the_quality_standard(cli) -> None:
    path = BAD / "missing_books.csv"
    assert validate_json(cli, path, "--standard", "quality", exit_code=0) == []
    # No standard: what both methods need (issue 10: a clean validate means every computing
    # command runs), and the basic method needs 图书册数.
    problems = validate_json(cli, path, exit_code=1)
    assert {(p["column"], p["code"]) for p in problems} == {("图书册数", "missing_column")}
    data = coefficient_json(cli, path, "--standard", "quality")
    assert [(r["stage"], r["schools"]) for r in data["results"]] == [("primary", 3),
                                                                     ("junior", 3)]


def test_every_problem_is_reported_at_once(cli) -> None:
    # Five different errors in rows 2-6 of one file, all in one run.
    path = BAD / "five_errors.csv"
    problems = validate_json(cli, path, "--standard", "basic", exit_code=1)
    assert where(problems) == [
        ("five_errors.csv", 2, "图书册数", "暂无", "not_number"),
        ("five_errors.csv", 3, "计算机台数", "-5", "negative"),
        ("five_errors.csv", 4, "小学专任教师数", "38.5", "not_whole"),
        ("five_errors.csv", 5, "初中高于规定学历教师数", "90", "subset_exceeds"),
        ("five_errors.csv", 6, "学校类型", "特殊教育学校", "bad_school_type"),
    ]
    stderr = coefficient_fails(cli, path, 5)
    for value in ("暂无", "-5", "38.5", "特殊教育学校"):
        assert value in stderr


# ---------------------------------------------------------------------------------------------
# Number parsing: properties

_WIDE = str.maketrans("0123456789,.", "０１２３４５６７８９，．")


@given(st.integers(min_value=0, max_value=10**12), st.booleans(), st.booleans(),
       st.sampled_from(["", " ", "  ", "\u3000", "\t"]))
def test_written_counts_parse_to_their_value(number: int, grouped: bool, wide: bool,
                                             pad: str) -> None:
    text = f"{number:,}" if grouped else str(number)
    if wide:
        text = text.translate(_WIDE)
    numbers, bad = parse_numbers(pd.Series([pad + text + pad], dtype=object), Kind.COUNT)
    assert not bad[0]
    assert numbers[0] == number


@given(st.text(alphabet="暂无约不详缺人个台左右", min_size=1, max_size=6))
def test_text_is_never_a_number(text: str) -> None:
    numbers, bad = parse_numbers(pd.Series([text, "12"], dtype=object), Kind.COUNT)
    assert bad.tolist() == [True, False]
    assert np.isnan(numbers[0]) and numbers[1] == 12


def test_blank_is_missing_not_bad() -> None:
    numbers, bad = parse_numbers(pd.Series([None, "", " ", "\u3000"], dtype=object), Kind.COUNT)
    assert not bad.any()
    assert np.isnan(numbers).all()


@pytest.mark.parametrize("text", ["1,23", "12,3456", "1.234,5", "1,,234"])
def test_badly_grouped_numbers_are_not_guessed(text: str) -> None:
    # A comma that is not a thousands separator could be a decimal comma or a typo: ask.
    _numbers, bad = parse_numbers(pd.Series([text], dtype=object), Kind.AREA)
    assert bad.tolist() == [True]


def test_implausibly_large_numbers_are_errors(cli, tmp_path) -> None:
    # A 40-digit book count is a paste error; it must not reach the arithmetic (or overflow a
    # cast). Counts and areas above 1e9 and money above 1e13 are refused.
    header = "学校标识码,学校名称,学校类型,小学在校生数,图书册数,教学仪器设备值（万元）"
    path = tmp_path / "huge-2022.csv"
    path.write_text(header + "\n1,甲小学,小学,100," + "9" * 40 + ",5\n"
                    "2,乙小学,小学,200,3000,2000000000\n", "utf-8")
    problems = validate_json(cli, path, exit_code=1)
    # 2 000 000 000 万元 = 2e13 yuan > 1e13. (The columns the coefficients need and this file
    # lacks are problems of the file, row None.)
    assert sorted((p["row"], p["column"], p["code"]) for p in problems
                  if p["row"] is not None) == [
        (2, "图书册数", "too_large"), (3, "教学仪器设备值（万元）", "too_large")]
    # Each is shown with its value as read, not the blank it becomes for the arithmetic.
    assert sorted(p["value"] for p in problems if p["code"] == "too_large") == [
        "2000000000", "9" * 40]


def test_a_large_number_read_as_a_number_is_shown_as_read(cli, tmp_path) -> None:
    # 2e12 in a column pandas reads as numbers (no unit to convert): the error names the cell's
    # value; making it blank for the arithmetic must not blank the cell it was read from.
    header = "学校标识码,学校名称,学校类型,小学在校生数,体育运动场馆面积（平方米）"
    path = tmp_path / "large-2022.csv"
    path.write_text(header + "\n1,甲小学,小学,100,2e12\n2,乙小学,小学,200,3000.5\n", "utf-8")
    problems = validate_json(cli, path, exit_code=1)
    assert [(p["row"], p["code"], p["value"]) for p in problems if p["row"] is not None] == [
        (2, "too_large", "2000000000000")]


_SAMPLE_LINES = (Path(__file__).resolve().parent.parent / "data" / "2022.csv").read_text(
    "utf-8").splitlines()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(_SAMPLE_LINES) - 2),
                          st.integers(0, len(_SAMPLE_LINES[0].split(",")) - 1),
                          st.text(max_size=12)), min_size=1, max_size=4))
def test_any_cell_text_gives_a_report_or_problems_never_a_crash(tmp_path_factory, edits):
    # Whatever a cell holds, the commands either compute or raise InputError with problems.
    from edustat import api

    rows = [line.split(",") for line in _SAMPLE_LINES[1:]]
    for row, column, text in edits:
        rows[row][column] = '"' + text.replace('"', '""') + '"'
    path = tmp_path_factory.mktemp("fuzz") / "fuzz-2022.csv"
    path.write_text("\n".join([_SAMPLE_LINES[0], *(",".join(r) for r in rows)]) + "\n",
                    "utf-8")
    for run in (lambda: api.coefficient([path]), lambda: api.standards([path])):
        try:
            run()
        except InputError as exc:
            assert exc.problems
