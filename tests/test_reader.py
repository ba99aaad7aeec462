"""Reading input files (SPEC §2, §7): encodings, header matching, units, broken files.

Every fixture is a real file under tests/fixtures/, written by tests/fixtures/make_fixtures.py
from five schools of data/2022.csv:

    row 2  2152000002 示例旗第二小学     小学            primary 1430
    row 3  2152000003 示例旗第三小学     小学            primary  980
    row 4  2152000009 示例旗蒙古族学校   九年一贯制学校  primary  640, junior  390
    row 5  2152000011 示例旗第一中学     完全中学        junior  1350, senior 1620
    row 6  2152000012 示例旗第二中学     初中            junior  1180
"""

from __future__ import annotations

import codecs
import importlib.util
import json
from pathlib import Path

import pytest

from bad_input import (
    BAD,
    ENCODINGS,
    FIXTURES,
    PLAIN,
    VARIANTS,
    coefficient_fails,
    coefficient_json,
    no_traceback,
    validate_json,
    where,
)
from conftest import ROOT
from edustat.encoding import detect_encoding
from edustat.problems import InputError
from edustat.reader import read_table, year_in_file_name
from edustat.schema import SCHOOLS


def _generator():
    spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_fixtures_are_what_the_generator_writes(tmp_path: Path) -> None:
    # The generator is deterministic (workbooks included), and nobody hand-edited its output.
    written = _generator().write_all(tmp_path)
    assert len(written) > 30
    for path in written:
        relative = path.relative_to(tmp_path)
        if path.read_bytes()[:2] == b"PK":  # a workbook, whatever its name
            # openpyxl writes different XML bytes with and without lxml installed: compare
            # workbooks by their sheets and cells.
            assert _cells(FIXTURES / relative) == _cells(path), relative
            continue
        assert (FIXTURES / relative).read_bytes() == path.read_bytes(), relative


def _cells(path: Path) -> list[tuple[str, list[list[object]]]]:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    return [(name, book.get_sheet_by_name(name).to_python()) for name in book.sheet_names]


def test_plain_fixture_gives_the_hand_counted_units(cli) -> None:
    # Primary units: 1430 + 980 + 640 (the nine-year school's primary part) = 3050 students.
    # Junior units: 390 (nine-year) + 1350 (完全中学) + 1180 (初中) = 2920 students.
    data = coefficient_json(cli, PLAIN)
    assert [(r["stage"], r["schools"], r["students"], r["county"], r["year"])
            for r in data["results"]] == [("primary", 3, 3050, "示例旗", 2022),
                                          ("junior", 3, 2920, "示例旗", 2022)]


# ---------------------------------------------------------------------------------------------
# Encodings

def test_encoding_fixtures_are_what_they_claim() -> None:
    gbk = (ENCODINGS / "gbk.csv").read_bytes()
    assert gbk.startswith("学校标识码".encode("gbk")) and b"\r\n" in gbk
    with pytest.raises(UnicodeDecodeError):
        gbk.decode("utf-8")
    gb18030 = (ENCODINGS / "gb18030.csv").read_bytes()
    assert "ᠮᠣᠩᠭᠣᠯ".encode("gb18030") in gb18030 and b"\r\n" in gb18030
    with pytest.raises(UnicodeDecodeError):
        gb18030.decode("gbk")  # Mongolian script is in GB18030 only
    bom = (ENCODINGS / "utf8_bom.csv").read_bytes()
    assert bom.startswith(codecs.BOM_UTF8 + "学校标识码".encode())


@pytest.mark.parametrize("name", ["utf8_bom.csv", "gbk.csv", "gb18030.csv"])
def test_every_encoding_gives_the_same_coefficients(cli, name: str) -> None:
    assert coefficient_json(cli, ENCODINGS / name) == coefficient_json(cli, PLAIN)


@pytest.mark.parametrize("name, detected", [
    ("utf8.csv", "utf-8"), ("utf8_bom.csv", "utf-8-sig"), ("gbk.csv", "gb18030"),
    ("gb18030.csv", "gb18030")])
def test_encoding_is_detected(name: str, detected: str) -> None:
    raw = read_table(ENCODINGS / name, SCHOOLS)
    assert raw.encoding == detected
    assert raw.written["school_id"] == "学校标识码"  # no BOM stuck to the first header
    assert raw.frame["school_name"].tolist()[2].startswith("示例旗蒙古族学校")
    assert raw.frame["_row"].tolist() == [2, 3, 4, 5, 6]


def test_gb18030_text_is_read_intact() -> None:
    raw = read_table(ENCODINGS / "gb18030.csv", SCHOOLS)
    assert raw.frame["school_name"].tolist()[2] == "示例旗蒙古族学校 ᠮᠣᠩᠭᠣᠯ"


@pytest.mark.parametrize("name, given", [
    ("gbk.csv", "gbk"), ("gbk.csv", "GB18030"), ("gb18030.csv", "gb18030"),
    ("utf8.csv", "utf-8"), ("utf8_bom.csv", "utf-8-sig"),
    # "utf-8" on a file with a BOM: the BOM must not hide the first header (学校标识码).
    ("utf8_bom.csv", "utf-8"), ("utf8_bom.csv", "UTF8")])
def test_encoding_override(cli, name: str, given: str) -> None:
    assert (coefficient_json(cli, ENCODINGS / name, "--encoding", given)
            == coefficient_json(cli, PLAIN))


def test_wrong_encoding_override_names_the_byte(cli) -> None:
    path = ENCODINGS / "gbk.csv"
    # 学 = D1 A7 and 校 = D0 A3 happen to be valid two-byte UTF-8; 标 = B1 EA starts with a
    # continuation byte, so UTF-8 fails at byte 4 (0-based).
    assert path.read_bytes()[:6] == b"\xd1\xa7\xd0\xa3\xb1\xea"
    problems = validate_json(cli, path, "--encoding", "utf-8", exit_code=1)
    # byte 4 is in the header: row 1
    assert where(problems) == [("gbk.csv", 1, None, None, "bad_encoding_given")]
    assert problems[0]["file"] == str(path)
    assert problems[0]["message"] == "cannot decode with the given encoding utf-8 at byte 4"
    coefficient_fails(cli, path, 1, "--encoding", "utf-8")


def test_file_in_no_candidate_encoding_names_the_byte(cli) -> None:
    path = BAD / "undecodable_utf8.csv"
    raw = path.read_bytes()
    offset = raw.index(b"\xff\xff")  # after 示例旗第三小学; 0xFF is in neither UTF-8 nor GB18030
    problems = validate_json(cli, path, exit_code=1)
    # The bad bytes follow the second data row's school name: after two line breaks, row 3.
    assert raw[:offset].count(b"\n") == 2
    assert where(problems) == [("undecodable_utf8.csv", 3, None, None, "bad_encoding")]
    assert problems[0]["file"] == str(path)
    assert f"byte {offset} of the file" in problems[0]["message"]
    coefficient_fails(cli, path, 1)


def test_gbk_file_with_a_stray_byte_names_that_byte_not_the_first_chinese_one(cli) -> None:
    path = BAD / "undecodable_gbk.csv"
    raw = path.read_bytes()
    raw[:-1].decode("gbk")  # all good but the last byte, a lone 0x80
    # UTF-8 fails at byte 4 (see above) but GB18030 reads on to the last byte: that is the one.
    problems = validate_json(cli, path, exit_code=1)
    # The lone byte ends the file, after the sixth line break: row 7.
    assert raw.count(b"\n") == 6 and not raw.endswith(b"\n")
    assert where(problems) == [("undecodable_gbk.csv", 7, None, None, "bad_encoding")]
    assert f"byte {len(raw) - 1} of the file" in problems[0]["message"]
    coefficient_fails(cli, path, 1)


@pytest.mark.parametrize("raw, offset", [
    (b"school_id\nabc\x80", 13),  # 10 bytes of header line + "abc"
    (codecs.BOM_UTF8 + b"ab\xff", 5),  # the 3 bytes of the BOM count too
    ("学校标识码".encode("gbk") + b"\xff", 10),  # 5 GBK characters of 2 bytes, then 0xFF
])
def test_detect_encoding_names_the_bad_byte(raw: bytes, offset: int) -> None:
    with pytest.raises(InputError) as caught:
        detect_encoding(raw, "x.csv")
    (problem,) = caught.value.problems
    assert (problem.file, problem.code, problem.params) == ("x.csv", "bad_encoding",
                                                           {"offset": offset})


@pytest.mark.parametrize("command", ["validate", "coefficient"])
def test_unknown_encoding_name_is_a_usage_error(cli, command: str) -> None:
    result = cli(command, PLAIN, "--encoding", "klingon", "--lang", "en")
    no_traceback(result)
    assert result.exit_code == 2
    assert "unknown encoding name klingon" in result.output


# ---------------------------------------------------------------------------------------------
# Header matching and units

@pytest.mark.parametrize("name", [
    "headers_written_differently.csv",  # (平方米) half-width, spaces, ｓｃｈｏｏｌ＿ｉｄ, 【册】
    "english_headers.csv",  # canonical English names
    "unknown_columns.csv",  # plus 备注 and 联系电话
])
def test_headers_written_differently_read_the_same(cli, name: str) -> None:
    assert coefficient_json(cli, VARIANTS / name) == coefficient_json(cli, PLAIN)


def test_headers_written_differently_are_reported_as_written(cli) -> None:
    raw = read_table(VARIANTS / "headers_written_differently.csv", SCHOOLS)
    assert raw.written["teaching_area"] == "教学及辅助用房面积(平方米)"
    assert raw.written["sports_area"] == "体育运动场馆面积 （平方米）"  # outer spaces trimmed
    assert raw.written["school_id"] == "ｓｃｈｏｏｌ＿ｉｄ"
    assert raw.written["books"] == "图书册数【册】"


def test_unknown_columns_are_one_note(cli) -> None:
    path = VARIANTS / "unknown_columns.csv"
    problems = validate_json(cli, path, exit_code=0)
    assert where(problems) == [("unknown_columns.csv", 1, None, None, "unknown_columns")]
    assert problems[0]["severity"] == "note"
    assert problems[0]["message"] == ("these columns are not known and were ignored: "
                                      "备注、联系电话")
    result = cli("coefficient", path, "--format", "json")
    assert result.exit_code == 0
    assert "以下列不认识，已忽略" in result.stderr


def test_two_headers_for_one_column_is_an_error(cli) -> None:
    path = BAD / "duplicate_column.csv"
    problems = validate_json(cli, path, exit_code=1)
    assert where(problems) == [("duplicate_column.csv", 1, "学校代码", None, "duplicate_column")]
    assert problems[0]["message"] == ("column school_id appears twice (学校标识码、学校代码); "
                                      "delete one of them")
    coefficient_fails(cli, path, 1)


def test_unknown_unit_is_an_error(cli) -> None:
    path = BAD / "unknown_unit.csv"
    problems = validate_json(cli, path, exit_code=1)
    assert where(problems) == [("unknown_unit.csv", 1, "教学仪器设备值（千克）",
                                "教学仪器设备值（千克）", "unknown_unit")]
    assert problems[0]["message"] == ("the unit '千克' in the header cannot be converted; "
                                      "accepted: 元、yuan、千元、万元、wan")
    coefficient_fails(cli, path, 1)


def _equipment(data: dict) -> dict:
    (result,) = data["results"]
    return next(i for i in result["indicators"] if i["key"] == "equipment_value_per_student")


def test_wan_yuan_header_multiplies_by_10000(cli) -> None:
    # 示例旗第二小学 1430 students, 270.75 万元; 示例旗第三小学 980 students, 151.46 万元.
    # In yuan: 2 707 500 and 1 514 600. X̄ = (2 707 500 + 1 514 600) / (1430 + 980)
    #        = 4 222 100 / 2410 = 1751.908713692946 yuan per student.
    # X1 = 2 707 500 / 1430 = 1893.3566433566; X2 = 1 514 600 / 980 = 1545.5102040816.
    # With two units S = sqrt(w1 w2) |X1 - X2|, w1 = 1430/2410, w2 = 980/2410:
    #   w1 w2 = 1 401 400 / 5 808 100 = 0.2412837245; sqrt = 0.4912064785
    #   S = 0.4912064785 × 347.8464392750 = 170.8643961; CV = 170.8643961 / 1751.9087137 = 0.0975304
    equipment = _equipment(coefficient_json(cli, VARIANTS / "equipment_wan.csv"))
    assert equipment["mean"] == pytest.approx(1751.908713692946, rel=1e-12)
    assert equipment["sd"] == pytest.approx(170.8643961, rel=1e-8)
    assert equipment["cv"] == pytest.approx(0.0975304, rel=1e-5)


@pytest.mark.parametrize("name", ["equipment_value_wan.csv", "equipment_yuan.csv"])
def test_wan_header_spellings_agree_with_yuan(cli, name: str) -> None:
    # equipment_value_wan (English, unit as suffix) and the same values written in 元.
    wan = coefficient_json(cli, VARIANTS / "equipment_wan.csv")
    other = coefficient_json(cli, VARIANTS / name)
    assert _equipment(other)["mean"] == pytest.approx(_equipment(wan)["mean"], rel=1e-12)
    assert _equipment(other)["cv"] == pytest.approx(_equipment(wan)["cv"], rel=1e-12)


# ---------------------------------------------------------------------------------------------
# Rows as a spreadsheet numbers them

def test_blank_lines_count_as_rows(cli) -> None:
    # Row 2 school 1, row 3 blank line, row 4 school 2, row 5 school 3 (计算机台数 一百).
    path = BAD / "blank_line_then_error.csv"
    assert path.read_text("utf-8").splitlines()[2] == ""
    problems = validate_json(cli, path, exit_code=1)
    assert where(problems) == [("blank_line_then_error.csv", 5, "计算机台数", "一百",
                                "not_number")]
    coefficient_fails(cli, path, 1)


def test_blank_workbook_rows_count_as_rows(cli) -> None:
    path = BAD / "blank_row_then_error.xlsx"
    problems = validate_json(cli, path, exit_code=1)
    # A workbook's problems begin with the note naming the sheet read (SPEC §2.4).
    assert where(problems) == [("blank_row_then_error.xlsx", None, None, None, "sheet_read"),
                               ("blank_row_then_error.xlsx", 5, "计算机台数", "一百",
                                "not_number")]
    coefficient_fails(cli, path, 1)


def test_blank_lines_change_nothing_else(cli) -> None:
    assert coefficient_json(cli, VARIANTS / "blank_lines.csv") == coefficient_json(cli, PLAIN)
    raw = read_table(VARIANTS / "blank_lines.csv", SCHOOLS)
    assert raw.frame["_row"].tolist() == [2, 3, 5, 6, 8]  # rows 4 and 7 are blank lines


# ---------------------------------------------------------------------------------------------
# Year from the file name

def test_year_from_the_file_name(cli) -> None:
    data = coefficient_json(cli, VARIANTS / "schools_2021.csv")
    assert {r["year"] for r in data["results"]} == {2021}
    plain = coefficient_json(cli, PLAIN)
    for result in (*data["results"], *plain["results"]):
        result["year"] = None
    assert data == plain  # nothing else changes
    assert validate_json(cli, VARIANTS / "schools_2021.csv", exit_code=0) == []


def test_no_year_anywhere_is_a_note_and_year_null(cli) -> None:
    path = VARIANTS / "no_year.csv"
    data = coefficient_json(cli, path)
    assert {r["year"] for r in data["results"]} == {None}
    problems = validate_json(cli, path, exit_code=0)
    assert where(problems) == [("no_year.csv", None, "年份", None, "no_year")]
    assert problems[0]["severity"] == "note"


@pytest.mark.parametrize("name, year", [
    ("2022.csv", 2022), ("学校基表2021.xlsx", 2021), ("schools_2019_final.csv", 2019),
    ("基表2023年.csv", 2023), ("schools.csv", None), ("20221.csv", None), ("1899.csv", None)])
def test_year_in_file_name(name: str, year: int | None) -> None:
    assert year_in_file_name(Path(name)) == year


# ---------------------------------------------------------------------------------------------
# Broken and unusual files

@pytest.mark.parametrize("name, code", [
    ("empty.csv", "file_empty"),  # 0 bytes
    ("bom_only.csv", "file_empty"),  # what Excel saves for an empty sheet: BOM + CRLF
    ("header_only.csv", "no_rows"),
    ("header_only_bom.csv", "no_rows"),
    ("binary.csv", "binary"),  # random bytes with NULs
])
def test_broken_file_is_one_clear_error(cli, name: str, code: str) -> None:
    path = BAD / name
    problems = validate_json(cli, path, exit_code=1)
    assert where(problems) == [(name, None, None, None, code)]
    assert problems[0]["file"] == str(path)
    coefficient_fails(cli, path, 1)


def test_binary_fixture_has_nuls() -> None:
    assert b"\x00" in (BAD / "binary.csv").read_bytes()


def test_workbook_reads_like_the_csv(cli) -> None:
    workbook = VARIANTS / "schools.xlsx"
    assert coefficient_json(cli, workbook) == coefficient_json(cli, PLAIN)
    assert coefficient_json(cli, workbook, "--sheet", "学校基表") == coefficient_json(cli, PLAIN)
    # Nothing but the note naming the sheet read (SPEC §2.4).
    assert [p["code"] for p in validate_json(cli, workbook, exit_code=0)] == ["sheet_read"]


def test_sheet_option_picks_a_sheet(cli) -> None:
    # Sheet 小学: the two primary schools, type written as the code 211 typed as a number.
    data = coefficient_json(cli, VARIANTS / "schools.xlsx", "--sheet", "小学")
    assert [(r["stage"], r["schools"], r["students"]) for r in data["results"]] == [
        ("primary", 2, 1430 + 980)]


@pytest.mark.parametrize("command", ["validate", "coefficient"])
def test_unknown_sheet_is_a_usage_error_listing_the_sheets(cli, command: str) -> None:
    result = cli(command, VARIANTS / "schools.xlsx", "--sheet", "Sheet9", "--lang", "en")
    no_traceback(result)
    assert result.exit_code == 2
    assert "Sheet9" in result.output and "学校基表、小学" in result.output


def test_workbook_saved_with_csv_extension_is_read_as_a_workbook(cli) -> None:
    path = VARIANTS / "workbook_saved_as.csv"
    assert path.read_bytes().startswith(b"PK\x03\x04")
    assert coefficient_json(cli, path) == coefficient_json(cli, PLAIN)
    problems = validate_json(cli, path, exit_code=0)
    assert sorted(where(problems)) == [("workbook_saved_as.csv", None, None, None, "sheet_read"),
                                       ("workbook_saved_as.csv", None, None, None, "zip_as_xlsx")]
    assert {p["severity"] for p in problems} == {"note"}


@pytest.mark.parametrize("command", ["validate", "coefficient"])
def test_missing_file_is_a_usage_error(cli, command: str, tmp_path: Path) -> None:
    result = cli(command, tmp_path / "nowhere.csv")
    no_traceback(result)
    assert result.exit_code == 2
    assert "nowhere.csv" in result.stderr and "找不到文件" in result.stderr


@pytest.mark.parametrize("command", ["validate", "coefficient"])
def test_directory_is_a_usage_error(cli, command: str) -> None:
    result = cli(command, BAD)
    no_traceback(result)
    assert result.exit_code == 2
    assert "是文件夹" in result.stderr


def test_every_file_is_reported_in_one_run(cli) -> None:
    # Two unusable files and a good one: both problems at once, not the first only.
    result = cli("validate", BAD / "empty.csv", PLAIN, BAD / "binary.csv", "--format", "json")
    no_traceback(result)
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert where(data["problems"]) == [("binary.csv", None, None, None, "binary"),
                                       ("empty.csv", None, None, None, "file_empty")]
    assert data["rows"] == 5


def test_rows_with_too_many_cells_are_all_named(cli, tmp_path) -> None:
    # An unquoted thousands comma splits a number into two cells. pandas stops at the first such
    # row; every one is reported, by its spreadsheet row (header = 1).
    header = "学校标识码,学校名称,学校类型,小学在校生数,图书册数"
    rows = ["1,甲小学,小学,100,2000", "2,乙小学,小学,1,200,3000", "3,丙小学,小学,300,4000",
            "4,丁小学,小学,400,5,000"]
    path = tmp_path / "commas.csv"
    path.write_text("\n".join([header, *rows]) + "\n", "utf-8")
    problems = validate_json(cli, path, exit_code=1)
    assert [(p["row"], p["code"]) for p in problems] == [(3, "too_many_cells"),
                                                         (5, "too_many_cells")]
    assert "has 6 cells but the header has 5 columns" in problems[0]["message"]
    coefficient_fails(cli, path, 2)


def test_title_rows_above_the_header_are_skipped(cli, tmp_path) -> None:
    # Many workbooks put a title (and a blank row) above the header: the header is found on
    # row 3, the first school is row 4, and a problem in it is reported as row 4.
    lines = (ROOT / "data" / "2022.csv").read_text("utf-8").splitlines()
    title = ["2022年示例旗教育事业统计基表", ""]
    clean = tmp_path / "titled-2022.csv"
    clean.write_text("\n".join(title + lines) + "\n", "utf-8")
    plain = json.loads(cli("coefficient", ROOT / "data" / "2022.csv", "--format", "json").stdout)
    titled = cli("coefficient", clean, "--format", "json")
    assert titled.exit_code == 0 and json.loads(titled.stdout) == plain
    broken = lines[:]
    cells = broken[1].split(",")
    cells[lines[0].split(",").index("图书册数")] = "很多"
    broken[1] = ",".join(cells)
    bad = tmp_path / "titled-bad-2022.csv"
    bad.write_text("\n".join(title + broken) + "\n", "utf-8")
    problems = validate_json(cli, bad, exit_code=1)
    assert [(p["row"], p["column"], p["code"]) for p in problems] == [
        (3, None, "header_below_title"), (4, "图书册数", "not_number")]


def test_title_row_in_a_workbook(cli, tmp_path) -> None:
    from openpyxl import Workbook

    lines = (ROOT / "data" / "2022.csv").read_text("utf-8").splitlines()
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["2022年示例旗教育事业统计基表"])
    for line in lines:
        sheet.append([float(c) if c.replace(".", "", 1).isdigit() and i > 3 else c
                      for i, c in enumerate(line.split(","))])
    path = tmp_path / "基表2022.xlsx"
    workbook.save(path)
    plain = json.loads(cli("coefficient", ROOT / "data" / "2022.csv", "--format", "json").stdout)
    result = cli("coefficient", path, "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout) == plain


def test_tab_separated_file_with_a_title_row(cli, tmp_path) -> None:
    # The title line has neither commas nor tabs: the delimiter is judged on the file's start.
    lines = (ROOT / "data" / "2022.csv").read_text("utf-8").splitlines()
    path = tmp_path / "tabs-2022.tsv"
    path.write_text("\n".join(["2022年示例旗教育事业统计基表", "",
                               *(line.replace(",", "\t") for line in lines)]) + "\n", "utf-8")
    plain = json.loads(cli("coefficient", ROOT / "data" / "2022.csv", "--format", "json").stdout)
    result = cli("coefficient", path, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == plain


@pytest.mark.parametrize("encoding, given", [
    ("gb18030", None), ("utf-16", None), ("gb18030", "gb18030"), ("utf-8", "utf-8")])
@pytest.mark.parametrize("space", ["\u3000", "\xa0"])
def test_padding_is_stripped_in_every_encoding(tmp_path: Path, encoding: str,
                                               given: str | None, space: str) -> None:
    # A county padded with a full-width or no-break space is the same county. The padding's
    # bytes differ by encoding (U+3000 is A1 A1 in GB18030, E3 80 80 in UTF-8): a GBK file
    # whose padding was looked for as UTF-8 bytes kept "示例旗　" as a second county.
    text = ("学校标识码,学校名称,县区,学校类型,小学在校生数\n"
            f"1,甲小学,示例旗{space},小学,100\n2,乙小学,{space}示例旗,小学,200\n")
    path = tmp_path / "padded.csv"
    path.write_bytes(text.encode(encoding))
    raw = read_table(path, SCHOOLS, encoding=given)
    assert raw.frame["county"].tolist() == ["示例旗", "示例旗"]
