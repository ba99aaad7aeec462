"""Workbooks as the statistics system exports them (SPEC §2.1, §2.4; issue 10), and the reading
defects of issue 14 (items 3, 4, 6, 7, 10). Fixtures: tests/fixtures/make_jibiao.py."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import ROOT, SHARED_EXAMPLES
from edustat import api
from edustat.problems import InputError
from edustat.validate.schools import validate_schools

JIBIAO = Path(__file__).resolve().parent / "fixtures" / "jibiao"
CANONICAL = JIBIAO / "canonical.csv"
CANONICAL_TWO = JIBIAO / "canonical-two.csv"


def figures(report) -> list[tuple]:
    """(county, stage, schools, students, composite, every cv) of a coefficient report."""
    return [(r.county, r.stage, r.schools, r.students, r.composite,
             [i.cv for i in r.indicators]) for r in report.results]


def same_figures(left: list[tuple], right: list[tuple]) -> None:
    assert [f[:4] for f in left] == [f[:4] for f in right]
    for a, b in zip(left, right, strict=True):
        assert math.isclose(a[4], b[4], rel_tol=0, abs_tol=1e-9)
        for x, y in zip(a[5], b[5], strict=True):
            assert math.isclose(x, y, rel_tol=0, abs_tol=1e-9)


def codes(report_or_problems) -> list[str]:
    problems = getattr(report_or_problems, "problems", report_or_problems)
    return [p.code for p in problems]


@pytest.mark.parametrize("method", ["basic", "quality"])
@pytest.mark.parametrize("name", [
    "multirow.xlsx", "multirow-gbk.csv", "unit-row.csv", "notes-first.xlsx", "hidden-first.xlsx",
    "subtotal.csv", "flat.xls", "flat.ods", "trailing-comma.csv", "stray-cell.xlsx"])
def test_every_layout_gives_the_canonical_figures(name: str, method: str) -> None:
    expected = figures(api.coefficient([CANONICAL], standard=method))
    # The canonical table has no year; every layout but the title-less ones says 2023 in its
    # title, so compare without the year.
    same_figures(figures(api.coefficient([JIBIAO / name], standard=method)), expected)


@pytest.mark.parametrize("name", ["county-merged.xlsx", "county-blank-gbk.csv"])
def test_county_merged_down_is_filled_not_pooled(name: str) -> None:
    # Issue 10: 县区 merged down (XLSX) or blank below each block's first row (CSV as Excel saves
    # merges) pooled both counties under county null. Filled down, each county is itself.
    report = api.coefficient([JIBIAO / name])
    same_figures(figures(report), figures(api.coefficient([CANONICAL_TWO])))
    assert {r.county for r in report.results} == {"示例县", "示例旗"}
    filled = [p for p in report.problems if p.code == "filled_down"]
    # Schools 0001-0009 are 示例县, rows 2-10 (header row 1): 3-10 filled from row 2; 0010-0018
    # are 示例旗, rows 11-19: 12-19 filled from row 11.
    assert [(p.params["source"], p.params["rows"], p.params["value"]) for p in filled] == [
        (2, "3–10", "示例县"), (11, "12–19", "示例旗")]


def test_blank_county_with_nothing_above_is_an_error(tmp_path: Path) -> None:
    lines = CANONICAL_TWO.read_text("utf-8").splitlines()
    header = lines[0].split(",")
    at = header.index("county")
    first = lines[1].split(",")
    first[at] = ""
    path = tmp_path / "blank-top.csv"
    path.write_text("\n".join([lines[0], ",".join(first), *lines[2:]]) + "\n", "utf-8")
    with pytest.raises(InputError) as caught:
        api.coefficient([path])
    assert [(p.row, p.code) for p in caught.value.problems if p.severity == "error"] == [
        (2, "fill_nothing_above")]


def test_blank_year_below_a_year_is_filled(tmp_path: Path) -> None:
    lines = CANONICAL.read_text("utf-8").splitlines()
    path = tmp_path / "schools.csv"
    path.write_text("\n".join([lines[0] + ",年份", lines[1] + ",2023",
                               *[line + "," for line in lines[2:]]]) + "\n", "utf-8")
    report = api.coefficient([path])
    assert {r.year for r in report.results} == {2023}
    same_figures(figures(report), figures(api.coefficient([CANONICAL])))


def test_totals_and_subtotal_rows_are_left_out_by_name() -> None:
    # subtotal.csv: a 小学合计 row typed 小学 after the primary schools, and a 合计 row with id 0
    # and a blank type at the bottom: neither is a school (issue 10 counted 合计 as one).
    report = api.coefficient([JIBIAO / "subtotal.csv"])
    left = [(p.row, p.value) for p in report.problems if p.code == "total_row_left_out"]
    # 12 primary schools are rows 2-13; 小学合计 is row 14; 5 junior + 1 senior, 合计 row 21.
    assert left == [(14, "小学合计"), (21, "合计")]
    assert [(r.stage, r.schools) for r in report.results] == [("primary", 12), ("junior", 5)]
    # The 合计 row adds up: no warning.
    assert "totals_differ" not in codes(report)


def test_a_total_row_that_does_not_add_up_is_a_warning_per_column(tmp_path: Path) -> None:
    text = (JIBIAO / "subtotal.csv").read_text("utf-8").splitlines()
    header = text[0].split(",")
    last = text[-1].split(",")
    books = header.index("books")
    last[books] = str(int(float(last[books])) + 5)  # the county's total is 5 books off
    path = tmp_path / "wrong-total.csv"
    path.write_text("\n".join([*text[:-1], ",".join(last)]) + "\n", "utf-8")
    report = api.coefficient([path])
    differ = [p for p in report.problems if p.code == "totals_differ"]
    # Canonical books add up to 660 324 (the shared workbook's 合计 row says so).
    assert [(p.row, p.column, p.params["total"], p.params["sum"]) for p in differ] == [
        (21, "books", "660329", "660324")]
    assert differ[0].severity == "warning"


def test_shared_jibiao_workbook_equals_its_canonical_csv(cli) -> None:
    workbook = SHARED_EXAMPLES / "jibiao-2023.xlsx"
    if not workbook.exists():
        pytest.skip("shared examples not present")
    report = api.coefficient([workbook])
    same_figures(figures(report), figures(api.coefficient(
        [SHARED_EXAMPLES / "jibiao-2023.canonical.csv"])))
    assert {r.year for r in report.results} == {2023}  # from the title
    messages = [p.message("zh") for p in report.problems]
    assert "读取的工作表：基表" in messages
    assert "合计/小计行，不是学校，未计入：合计" in messages
    assert ("教学点并入所属学校计算（--teaching-points merge）："
            "示例县第10学校第1教学点→示例县第10学校、"
            "示例县第10学校第2教学点→示例县第10学校、"
            "示例县第12学校第1教学点→示例县第12学校") in messages
    result = cli("coefficient", workbook, "-f", "table")
    assert result.exit_code == 0 and "基表" in result.output


def test_teaching_points_merged_separate_and_excluded() -> None:
    path = JIBIAO / "multirow.xlsx"
    merged = api.coefficient([path])
    assert [(r.stage, r.schools, r.students) for r in merged.results] == [
        ("primary", 12, 13822), ("junior", 5, 5137)]
    note = next(p for p in merged.problems if p.code == "teaching_points_merged")
    assert note.params["points"].count("→") == 3
    # separate: the three points are primary units of their own, 12 + 3 = 15.
    separate = api.coefficient([path], teaching_points="separate")
    assert next((r.stage, r.schools, r.students) for r in separate.results) == (
        "primary", 15, 13822)
    # exclude: the points' 111 + 132 + 285 = 528 pupils leave with them.
    excluded = api.coefficient([path], teaching_points="exclude")
    assert next((r.stage, r.schools, r.students) for r in excluded.results) == (
        "primary", 12, 13822 - 528)
    # exclude-below 120: only the 111-pupil point is left out; the others are merged.
    below = api.coefficient([path], teaching_points="exclude-below 120")
    assert next((r.stage, r.schools, r.students) for r in below.results) == (
        "primary", 12, 13822 - 111)
    assert "teaching_points_excluded" in codes(below)


def test_teaching_point_rule_from_a_standards_file(tmp_path: Path) -> None:
    standards = tmp_path / "province.json"
    standards.write_text(json.dumps({"teaching_points": "separate"}), "utf-8")
    report = api.coefficient([JIBIAO / "multirow.xlsx"], standards_file=standards)
    assert report.results[0].schools == 15


def test_teaching_point_with_an_unknown_parent_is_an_error(tmp_path: Path) -> None:
    text = (JIBIAO / "multirow-gbk.csv").read_bytes().decode("gbk").replace(
        "示例县0012T1,示例县第12学校第1教学点,218,示例县0012",
        "示例县0012T1,示例县第12学校第1教学点,218,示例县0099")
    path = tmp_path / "orphan.csv"
    path.write_text(text, "utf-8")
    with pytest.raises(InputError) as caught:
        api.coefficient([path])
    assert [(p.code, p.params.get("parent")) for p in caught.value.problems
            if p.severity == "error"] == [("parent_unknown", "示例县0099")]


def test_school_without_pupils_is_named(tmp_path: Path) -> None:
    lines = CANONICAL.read_text("utf-8").splitlines()
    cells = lines[1].split(",")
    cells[4] = "0"  # 示例县第1学校, a 小学, with 0 primary pupils
    path = tmp_path / "empty.csv"
    path.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n", "utf-8")
    report = api.coefficient([path])
    assert [(p.row, p.params["name"]) for p in report.problems if p.code == "no_students"] == [
        (2, "示例县第1学校")]
    assert report.results[0].schools == 11


def test_school_without_pupils_or_name_is_named_by_its_id(tmp_path: Path) -> None:
    lines = CANONICAL.read_text("utf-8").splitlines()
    cells = lines[1].split(",")
    school_id, cells[1], cells[4] = cells[0], "", "0"  # no name, 0 primary pupils
    path = tmp_path / "empty.csv"
    path.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n", "utf-8")
    # A blank name is an error of its own (学校名称 is required); the note still names the row.
    valid = validate_schools([path])
    assert [(p.row, p.code) for p in valid.problems if p.severity == "error"] == [
        (2, "missing_value")]
    assert [(p.row, p.params["name"]) for p in valid.problems if p.code == "no_students"] == [
        (2, school_id)]


def test_did_you_mean_names_the_misspelt_header(cli, tmp_path: Path) -> None:
    path = tmp_path / "typo.csv"
    path.write_text(CANONICAL.read_text("utf-8").replace("primary_teachers", "primary_teacher"),
                    "utf-8")
    result = cli("validate", path, "--lang", "en", "-f", "json")
    assert result.exit_code == 1
    assert "did you mean 'primary_teacher'" in result.output
    # coefficient says the same (before, validate gave a note and coefficient "missing column").
    with pytest.raises(InputError) as caught:
        api.coefficient([path])
    assert [(p.code, p.value) for p in caught.value.problems if p.severity == "error"] == [
        ("missing_column_near", "primary_teacher")]


def test_standards_file_with_a_misspelt_inner_key_is_refused(cli, tmp_path: Path) -> None:
    standards = tmp_path / "province.json"
    standards.write_text('{"school_standards": {"junior": {"sports_area_per_studnet": 9}},'
                         ' "composite_limits": {"primry": 0.5}}', "utf-8")
    result = cli("coefficient", CANONICAL, "--standards", standards, "--lang", "en")
    assert result.exit_code != 0
    with pytest.raises(InputError) as caught:
        api.coefficient([CANONICAL], standards_file=standards)
    assert [p.params["field"] for p in caught.value.problems] == [
        "school_standards.junior.sports_area_per_studnet", "composite_limits.primry"]
    assert "did you mean sports_area_per_student" in caught.value.problems[0].message("en")


def test_unknown_keys_and_bad_values_are_reported_together(tmp_path: Path) -> None:
    standards = tmp_path / "province.json"
    standards.write_text('{"composite_limits": {"primry": 0.5}, "indicator_limits": '
                         '{"junior": Infinity}}', "utf-8")
    with pytest.raises(InputError) as caught:
        api.coefficient([CANONICAL], standards_file=standards)
    assert [p.params["field"] for p in caught.value.problems] == [
        "composite_limits.primry", "indicator_limits.junior"]


def test_an_infinite_limit_is_refused(tmp_path: Path) -> None:
    standards = tmp_path / "province.json"
    standards.write_text('{"indicator_limits": {"junior": Infinity}}', "utf-8")
    with pytest.raises(InputError) as caught:
        api.coefficient([CANONICAL], standards_file=standards)
    assert [p.params["field"] for p in caught.value.problems] == ["indicator_limits.junior"]


def test_hidden_first_sheet_is_skipped_unless_named() -> None:
    path = JIBIAO / "hidden-first.xlsx"
    report = api.coefficient([path])
    chosen = next(p for p in report.problems if p.code == "sheet_chosen")
    assert chosen.params == {"sheet": "2023年", "skipped": "2022年"}
    # Named with --sheet, the hidden sheet is read: last year's table has every count doubled.
    hidden = api.coefficient([path], sheet="2022年")
    assert hidden.results[0].students == 2 * 13822


def test_notes_sheet_before_the_data_is_skipped() -> None:
    report = api.coefficient([JIBIAO / "notes-first.xlsx"])
    assert next(p for p in report.problems if p.code == "sheet_chosen").params["sheet"] == "基表"


def test_excel_error_cells_are_named_not_blank() -> None:
    # Issue 14.10: 图书册数 of row 2 is #DIV/0!, of row 3 a formula saved without its value.
    with pytest.raises(InputError) as caught:
        api.coefficient([JIBIAO / "error-cells.xlsx"])
    errors = [(p.row, p.column, p.value, p.code) for p in caught.value.problems
              if p.severity == "error"]
    assert errors == [(2, "books", "#DIV/0!", "excel_error"), (3, "books", None,
                                                               "formula_no_value")]


def test_stray_cell_far_away_reads_only_the_used_range() -> None:
    # Issue 14.6: a value at XFD1048576 made calamine allocate 512 GB and abort the process.
    # Run in a child process so that a regression aborts it, not the test run.
    code = ("from edustat import api; import json; "
            f"r = api.coefficient([{str(JIBIAO / 'stray-cell.xlsx')!r}]); "
            "print(json.dumps([[p.code, p.column] for p in r.problems "
            "if p.code == 'stray_cell']))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-500:]
    assert json.loads(done.stdout) == [["stray_cell", "XFD1048576"]]


def test_trailing_comma_rows_are_not_shifted() -> None:
    # Issue 14.4: read with the first column as the index, every value moved one column left.
    report = api.coefficient([JIBIAO / "trailing-comma.csv"])
    same_figures(figures(report), figures(api.coefficient([CANONICAL])))


def test_duplicate_ids_without_a_year_do_not_crash(cli, tmp_path: Path) -> None:
    # Issue 14.3: no year column, none in the file name, an id twice: "internal error:
    # TypeError: sequence item 0: expected str instance, float found" under pandas 3.
    lines = CANONICAL.read_text("utf-8").splitlines()
    path = tmp_path / "schools.csv"
    path.write_text("\n".join([*lines, lines[1].replace("示例县第1学校", "另一学校")]) + "\n",
                    "utf-8")
    result = cli("validate", path, "-f", "json")
    assert result.exit_code == 1
    problems = json.loads(result.output)["problems"]
    assert [(p["row"], p["code"]) for p in problems if p["severity"] == "error"] == [
        (2, "duplicate_id"), (20, "duplicate_id")]


def test_exam_duplicates_without_a_county_column_do_not_crash(tmp_path: Path) -> None:
    path = tmp_path / "exams.csv"
    path.write_text("学校标识码,学校名称,考试,考生数,一本上线人数,二本上线人数,艺体类上线人数\n"
                    "1,甲中学,高考,40,5,5,2\n1,甲中学,高考,40,5,5,2\n", "utf-8")
    with pytest.raises(InputError) as caught:
        api.exams([path])
    assert [(p.row, p.code) for p in caught.value.problems] == [(2, "duplicate_key"),
                                                                (3, "duplicate_key")]


def test_ids_turned_into_scientific_notation_are_named(tmp_path: Path) -> None:
    lines = CANONICAL.read_text("utf-8").splitlines()
    mangled = [lines[0]] + [line.replace(line.split(",")[0], "2.152E+09", 1)
                            for line in lines[1:3]] + lines[3:]
    path = tmp_path / "schools.csv"
    path.write_text("\n".join(mangled) + "\n", "utf-8")
    with pytest.raises(InputError) as caught:
        api.coefficient([path])
    assert [(p.row, p.value, p.code) for p in caught.value.problems if p.severity == "error"] \
        == [(2, "2.152E+09", "id_mangled"), (3, "2.152E+09", "id_mangled")]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
@pytest.mark.parametrize("command", ["validate", "figures", "check", "audit", "coefficient"])
def test_a_fifo_is_read_once(tmp_path: Path, command: str) -> None:
    # Issue 14.7: each input was opened twice (its kind, then its rows): a FIFO hung.
    fifo = tmp_path / "schools.csv"
    os.mkfifo(fifo)
    data = (ROOT / "data" / "2022.csv").read_bytes()

    def feed() -> None:
        with fifo.open("wb") as handle:
            handle.write(data)

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    done = subprocess.run([sys.executable, "-m", "edustat", command, str(fifo), "-f", "json"],
                          capture_output=True, text=True, timeout=60, cwd=ROOT)
    writer.join(timeout=5)
    assert done.returncode == 0, done.stderr[-800:]


def test_a_clean_validate_means_the_computations_run() -> None:
    for name in ("multirow.xlsx", "multirow-gbk.csv", "subtotal.csv", "county-merged.xlsx"):
        assert not [p for p in api.validate([JIBIAO / name]).problems if p.severity == "error"]
        api.coefficient([JIBIAO / name], standard="basic")
        api.coefficient([JIBIAO / name], standard="quality")
        api.standards([JIBIAO / name])


def test_blank_needed_cell_fails_validate_as_it_fails_coefficient(tmp_path: Path) -> None:
    lines = CANONICAL.read_text("utf-8").splitlines()
    cells = lines[1].split(",")
    cells[lines[0].split(",").index("books")] = ""
    path = tmp_path / "blank.csv"
    path.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n", "utf-8")
    report = api.validate([path])
    assert [(p.row, p.code) for p in report.problems if p.severity == "error"] == [
        (2, "missing_value")]
    with pytest.raises(InputError):
        api.coefficient([path])


def test_teaching_points_and_header_rows_options(cli) -> None:
    path = JIBIAO / "multirow.xlsx"
    separate = cli("coefficient", path, "--teaching-points", "separate", "-f", "json")
    assert separate.exit_code == 0
    assert [r["schools"] for r in json.loads(separate.stdout)["results"]] == [15, 5]
    # --header-rows 3-5 names the rows the detection finds; the figures do not change.
    given = cli("coefficient", path, "--header-rows", "3-5", "-f", "json")
    assert json.loads(given.stdout)["results"] == json.loads(
        cli("coefficient", path, "-f", "json").stdout)["results"]
    for option, value in (("--teaching-points", "sometimes"), ("--header-rows", "5-3")):
        result = cli("coefficient", path, option, value)
        assert result.exit_code == 2 and value in result.output


@pytest.mark.parametrize("header, column", [
    ("计算机（台）", "computers"), ("图书（册）", "books"),
    ("小学专任教师（人）", "primary_teachers"),
    ("网络多媒体教室（间）", "multimedia_rooms")])
def test_headers_with_units_in_brackets_are_known(header: str, column: str) -> None:
    # Issue 10: these headers of the 基表 were "不认识".
    from edustat.headers import match_path
    from edustat.schema import SCHOOLS

    found = match_path(SCHOOLS, [header])
    assert found is not None and (found.match.spec.name, found.match.factor) == (column, 1.0)


def test_population_total_row_is_left_out(tmp_path: Path) -> None:
    # SPEC §2.4: totals rows in every table; a population 合计 row would be a county named 合计.
    from edustat.validate import validate_population

    path = tmp_path / "population-2022.csv"
    path.write_text("县区,年份,小学适龄人口数,初中适龄人口数\n甲县,2022,880,750\n乙县,2022,900,760\n"
                    "全市合计,2022,1780,1510\n", "utf-8")
    valid = validate_population([path])
    assert sorted(valid.frame["county"]) == ["乙县", "甲县"]
    assert [(p.row, p.code) for p in valid.problems] == [(4, "total_row_left_out")]


def test_an_empty_county_column_is_one_county_not_an_error_per_row(tmp_path: Path) -> None:
    # Fill-down applies to a block's blanks; a column left empty throughout is no county at all
    # (SPEC §2.1: the whole file is one county), as before.
    lines = CANONICAL.read_text("utf-8").splitlines()
    at = lines[0].split(",").index("county")
    rows = []
    for line in lines:
        cells = line.split(",")
        cells[at] = cells[at] if line is lines[0] else ""
        rows.append(",".join(cells))
    path = tmp_path / "schools.csv"
    path.write_text("\n".join(rows) + "\n", "utf-8")
    report = api.coefficient([path])
    assert [r.county for r in report.results] == [None, None]
    assert "fill_nothing_above" not in codes(report)


@pytest.mark.parametrize("above, county", [
    (["2023年示例县义务教育学校办学条件基本情况统计表（教基3211）", "填报单位：示例县教育局"],
     "示例县"),
    (["2023年全市义务教育学校统计表"], None),  # 全市 names no county
    (["2023年某市某区统计表", "填报单位：某市某区教育局"], "某市某区"),
    (["学校基本情况"], None)])
def test_county_and_year_from_the_rows_above_the_header(above: list[str], county) -> None:
    from edustat.headers import HeaderBlock

    block = HeaderBlock(first=len(above), last=len(above), data_start=len(above) + 1, paths=[],
                        above=above)
    assert block.title_county() == county
    assert block.title_year() == (2023 if "2023" in above[0] else None)
