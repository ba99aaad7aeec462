"""`edustat report` (SPEC §9): the workbook's formulas, cached values, layout and charts.

The figures are checked three ways: the cached values against `edustat coefficient`'s JSON, the
formulas recomputed by an independent evaluator (tests/xlsx_formulas.py) against the same JSON,
and a two-school table worked by hand.
"""

from __future__ import annotations

import csv
import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from xlsx_formulas import Evaluator

from builders import school, write_csv
from conftest import ROOT, SAMPLE
from edustat import api
from edustat.report.model import worded

EXAMS = ROOT / "data" / "exams-2022.csv"
CALC = {("basic", "primary"): "小学计算表（基本均衡）",
        ("basic", "junior"): "初中计算表（基本均衡）",
        ("quality", "primary"): "小学计算表（优质均衡）",
        ("quality", "junior"): "初中计算表（优质均衡）"}


def close(a: float, b: float, tol: float = 1e-9) -> bool:
    """Equal to `tol`, relative for large values (equipment yuan), absolute near 0."""
    return abs(a - b) <= tol * max(1.0, abs(b))


@pytest.fixture(scope="module")
def sample_book(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("report") / "报告.xlsx"
    result = api.report([SAMPLE], out, exams=EXAMS)
    return out, result


def layout(ws) -> dict:
    """Where a calculation table's rows and indicator columns are, found by their labels."""
    rows = {ws.cell(row=r, column=1).value: r for r in range(1, ws.max_row + 1)}
    header = {ws.cell(row=4, column=c).value: c for c in range(1, ws.max_column + 1)}
    first, county = 5, rows["合计 / 县域值"]
    return {"first": first, "last": county - 1, "county": county, "sd": rows["标准差"],
            "cv": rows["差异系数"], "composite": rows["综合差异系数"], "header": header}


def coefficient_json(method: str, path: Path = SAMPLE) -> dict:
    return json.loads(api.coefficient([path], standard=method, schools=True).to_json())


@pytest.mark.parametrize("method", ["basic", "quality"])
def test_cached_values_are_edustats_figures(sample_book, method):
    out, _ = sample_book
    values = openpyxl.load_workbook(out, data_only=True)
    for result in coefficient_json(method)["results"]:
        ws = values[CALC[(method, result["stage"])]]
        where = layout(ws)
        assert ws.cell(row=where["county"], column=5).value == result["students"]
        for item in result["indicators"]:
            col = where["header"][item["name"]]
            for field, row in (("mean", "county"), ("sd", "sd"), ("cv", "cv")):
                cached = ws.cell(row=where[row], column=col).value
                assert close(cached, item[field]), (item["key"], field, cached, item[field])
        composite = ws.cell(row=where["composite"], column=where["header"][
            result["indicators"][0]["name"]]).value
        assert close(composite, result["composite"])


@pytest.mark.parametrize("method", ["basic", "quality"])
def test_formula_cells_hold_formulas(sample_book, method):
    out, _ = sample_book
    book = openpyxl.load_workbook(out)
    for result in coefficient_json(method)["results"]:
        ws = book[CALC[(method, result["stage"])]]
        where = layout(ws)
        for col in (where["header"][item["name"]] for item in result["indicators"]):
            mean = ws.cell(row=where["county"], column=col).value
            assert isinstance(mean, str) and re.fullmatch(r"=[A-Z]+\d+/\$E\$\d+(\*100)?", mean)
            sd = ws.cell(row=where["sd"], column=col).value
            assert sd.startswith("=SQRT(SUMPRODUCT($E$5:"), sd
            assert ws.cell(row=where["cv"], column=col).value.startswith("=IF(")
            assert ws.cell(row=where["first"], column=col).value.startswith("=")
        composite = [ws.cell(row=where["composite"], column=c).value
                     for c in range(1, ws.max_column + 1)]
        assert any(isinstance(v, str) and v.startswith("=SUM(") for v in composite)


@pytest.mark.parametrize("method", ["basic", "quality"])
def test_formulas_recompute_to_edustats_figures(sample_book, method):
    out, _ = sample_book
    evaluator = Evaluator(openpyxl.load_workbook(out))
    for result in coefficient_json(method)["results"]:
        name = CALC[(method, result["stage"])]
        where = layout(evaluator.book[name])
        first_col = None
        for item in result["indicators"]:
            col = where["header"][item["name"]]
            first_col = first_col or col
            assert close(evaluator.value(name, where["county"], col), item["mean"])
            assert close(evaluator.value(name, where["sd"], col), item["sd"])
            assert close(evaluator.value(name, where["cv"], col), item["cv"])
        assert close(evaluator.value(name, where["composite"], first_col), result["composite"])
        # Each school's per-student value recomputes to the per-school view's value.
        by_name = {u["school_name"]: u for u in result["units"]}
        for row in range(where["first"], where["last"] + 1):
            unit = by_name[evaluator.value(name, row, 2)]
            for item in unit["indicators"]:
                col = where["header"][next(i["name"] for i in result["indicators"]
                                           if i["key"] == item["key"])]
                assert close(evaluator.value(name, row, col), item["value"])


def test_two_schools_worked_by_hand(tmp_path):
    # Two junior schools of 1000 students with 11 and 29 multimedia rooms: 1.1 and 2.9 per 100.
    # X̄ = (11 + 29) / 2000 × 100 = 2.0; S = √(½·0.9² + ½·0.9²) = 0.9; CV = 0.9 / 2.0 = 0.45,
    # exactly the junior limit, which it meets (SPEC §3), though floats give 0.4500000000000001.
    data = write_csv(tmp_path / "two.csv", [
        school("J1", "junior", junior_students=1000, multimedia_rooms=11),
        school("J2", "junior", junior_students=1000, multimedia_rooms=29)])
    out = tmp_path / "two.xlsx"
    result = api.report([data], out, standard="quality")
    evaluator = Evaluator(openpyxl.load_workbook(out))
    name = "初中计算表（优质均衡）"
    where = layout(evaluator.book[name])
    col = where["header"]["每百名学生拥有网络多媒体教室数"]
    assert evaluator.value(name, where["first"], col) == pytest.approx(1.1, abs=1e-12)
    assert evaluator.value(name, where["county"], col) == pytest.approx(2.0, abs=1e-12)
    assert evaluator.value(name, where["sd"], col) == pytest.approx(0.9, abs=1e-12)
    assert evaluator.value(name, where["cv"], col) == pytest.approx(0.45, abs=1e-12)
    # The verdict is edustat's (with SPEC §3's tolerance), written as a value, not a formula.
    verdict = evaluator.book[name].cell(row=where["cv"] + 2, column=col).value
    assert verdict == "达标"
    assert result.coefficients[0].meets


def _chart_counts(path: Path) -> dict[str, int]:
    """Sheet name -> number of charts, read from the xlsx package's parts and relations."""
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        book = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
        targets = dict(re.findall(r'Id="(rId\d+)"[^>]*Target="([^"]+)"', rels)) or {
            i: t for t, i in re.findall(r'Target="([^"]+)"[^>]*Id="(rId\d+)"', rels)}
        counts = {}
        for name, rid in re.findall(r'<sheet name="([^"]+)" sheetId="\d+" r:id="(rId\d+)"',
                                    book):
            sheet_file = targets[rid].split("/")[-1]
            sheet_rels = f"xl/worksheets/_rels/{sheet_file}.rels"
            count = 0
            if sheet_rels in names:
                for drawing in re.findall(r'Target="\.\./drawings/([^"]+)"',
                                          z.read(sheet_rels).decode()):
                    drawing_rels = z.read(f"xl/drawings/_rels/{drawing}.rels").decode()
                    count += len(re.findall(r'Target="\.\./charts/chart\d+\.xml"',
                                            drawing_rels))
            counts[name] = count
        return counts


def test_charts_per_stage(sample_book):
    out, result = sample_book
    counts = _chart_counts(out)
    # Per stage: one CV-against-limit chart per method, and one chart per indicator of the two
    # methods together (8 basic + 4 more of quality = 12).
    assert counts["小学图表"] == 14 and counts["初中图表"] == 14
    assert sum(counts.values()) == result.workbooks[0].charts == 28
    with zipfile.ZipFile(out) as z:
        first = z.read("xl/charts/chart1.xml").decode()
    assert "<c:barChart>" in first and "<c:lineChart>" in first  # bars and the limit line


def test_mixed_school_split_rows(sample_book):
    out, _ = sample_book
    book = openpyxl.load_workbook(out, data_only=True)
    # 示例旗乌兰苏木中心学校 (nine-year): 310 primary, 180 junior pupils, 4028.43 m² teaching
    # space. Primary share = 310 / (310 + 1.1 × 180) = 310 / 508 = 0.6102362…; junior share
    # = 198 / 508 = 0.3897637…; its primary part has 4028.43 × 310 / 508 = 2458.2939 m².
    shares = {}
    for stage in ("primary", "junior"):
        ws = book[CALC[("basic", stage)]]
        row = next(r for r in range(5, ws.max_row) if ws.cell(row=r, column=2).value
                   == "示例旗乌兰苏木中心学校")
        assert ws.cell(row=row, column=3).value == "九年一贯制学校"
        shares[stage] = ws.cell(row=row, column=4).value
        area = ws.cell(row=row, column=6).value
        assert area == pytest.approx(4028.43 * shares[stage], rel=1e-12)
        assert ws.cell(row=row, column=5).value == (310 if stage == "primary" else 180)
    assert shares["primary"] == pytest.approx(310 / 508, rel=1e-12)
    assert shares["junior"] == pytest.approx(198 / 508, rel=1e-12)


def test_standards_sheet_marks_failing_cells(sample_book):
    out, _ = sample_book
    ws = openpyxl.load_workbook(out)["学校达标情况"]
    report = api.standards([SAMPLE])
    failing = next(r for r in report.results if not r.passes and r.met > 0)
    check = next(c for c in failing.indicators if not c["meets"])
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=2).value
               == failing.school_name)
    col = next(c for c in range(1, ws.max_column + 1) if ws.cell(row=4, column=c).value
               == worded(check["name"], "zh"))
    cell = ws.cell(row=row, column=col)
    assert cell.value == pytest.approx(check["value"], rel=1e-12)
    assert cell.fill.fgColor.rgb.endswith(("FFC7CE", "C00000"))
    assert ws.cell(row=row, column=col + 1).value == check["shortfall"] > 0
    met = next(c for c in failing.indicators if c["meets"])
    col = next(c for c in range(1, ws.max_column + 1) if ws.cell(row=4, column=c).value
               == worded(met["name"], "zh"))
    assert not ws.cell(row=row, column=col).fill.fgColor.rgb.endswith(("FFC7CE", "C00000"))


def test_exam_sheet(sample_book):
    out, _ = sample_book
    ws = openpyxl.load_workbook(out, data_only=True)["考试升学情况"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    total = next(r for r in rows if r[0] == "全县合计" and r[1] == 79)
    # 本科升学率 = (16 + 18 + 7) / 79 = 41 / 79 (SPEC §6), the last count/rate pair.
    assert total[-2] == 41 and total[-1] == pytest.approx(41 / 79, rel=1e-12)


def test_print_setup_and_frozen_panes(sample_book):
    out, _ = sample_book
    book = openpyxl.load_workbook(out)
    ws = book["小学计算表（基本均衡）"]
    assert ws.freeze_panes == "C5"
    assert ws.print_title_rows == "$1:$4"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0
    assert book.sheetnames[0] == "封面说明"
    # Widths fit CJK: the school-name column is wider than the longest name's 12 characters.
    assert ws.column_dimensions["B"].width >= 24
    assert ws.cell(row=5, column=14).number_format == "#,##0.00"
    assert ws.cell(row=16, column=14).number_format == "0.0000"


def _two_years(tmp_path: Path) -> list[Path]:
    """data/2022.csv and a 2021 copy in which every other school had fewer books (so the books
    CV differs between the years) and the year is 2021."""
    with SAMPLE.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    head = rows[0]
    books, year = head.index("图书册数"), head.index("年份")
    old = [head] + [[*r[:books], str(int(r[books]) * 3 // 4 if i % 2 else int(r[books])),
                     *r[books + 1:year], "2021"] for i, r in enumerate(rows[1:])]
    path = tmp_path / "2021.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(old)
    return [SAMPLE, path]


def test_trend_sheet_with_several_years(tmp_path):
    out = tmp_path / "trend.xlsx"
    result = api.report(_two_years(tmp_path), out)
    book = openpyxl.load_workbook(out, data_only=True)
    assert "历年变化" in book.sheetnames
    assert "2021小学计算表（基本均衡）" in book.sheetnames
    assert "2022小学计算表（基本均衡）" in book.sheetnames
    counts = _chart_counts(out)
    assert counts["历年变化"] == 4  # two stages × two methods
    figures = {(r["year"], r["stage"]): r["composite"] for r in
               json.loads(api.coefficient(_two_years(tmp_path)).to_json())["results"]}
    ws = book["历年变化"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    block = next(i for i, r in enumerate(rows) if r[0] == "小学（基本均衡）")
    assert figures[(2021, "primary")] != figures[(2022, "primary")]
    for offset, year in ((2, 2021), (3, 2022)):
        assert rows[block + offset][0] == str(year)
        assert close(rows[block + offset][1], figures[(year, "primary")])
    assert len(result.coefficients) == 8
    with zipfile.ZipFile(out) as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/")]
    assert sum("<c:lineChart>" in c and "<c:barChart>" not in c for c in charts) == 4


def _two_counties(tmp_path: Path) -> Path:
    with SAMPLE.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    head = rows[0]
    county, ident = head.index("县区"), head.index("学校标识码")
    second = [[*r[:county], "乙县", *r[county + 1:]] for r in rows[1:]]
    for r in second:
        r[ident] = "9" + r[ident][1:]
    path = tmp_path / "province.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([head, *rows[1:], *second])
    return path


def test_multi_county_one_workbook_each(tmp_path, cli):
    data = _two_counties(tmp_path)
    folder = tmp_path / "out"
    result = cli("report", data, "-o", folder, "--format", "json")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == ["乙县.xlsx", "示例旗.xlsx"]
    title = openpyxl.load_workbook(folder / "乙县.xlsx")["封面说明"]["A1"].value
    assert title.startswith("乙县2022年")
    written = json.loads(result.stdout)
    assert [w["county"] for w in written["workbooks"]] == ["乙县", "示例旗"]


def test_multi_county_into_one_file_is_a_usage_error(tmp_path, cli):
    data = _two_counties(tmp_path)
    result = cli("report", data, "-o", tmp_path / "x.xlsx")
    assert result.exit_code == 2
    assert "--county" in result.output and not (tmp_path / "x.xlsx").exists()
    one = cli("report", data, "-o", tmp_path / "x.xlsx", "--county", "乙县", "--format", "json")
    assert one.exit_code == 0
    assert openpyxl.load_workbook(tmp_path / "x.xlsx")["封面说明"]["A1"].value.startswith("乙县")
    missing = cli("report", data, "-o", tmp_path / "y.xlsx", "--county", "丙县")
    assert missing.exit_code == 2 and not (tmp_path / "y.xlsx").exists()


# Any table: the formulas recompute to edustat's figures (nine-year schools included, so the
# split shares enter the resources the formulas read).
_SCHOOL = st.tuples(st.sampled_from(["primary", "junior", "nine_year"]),
                    st.integers(1, 3000), st.integers(1, 3000),
                    st.lists(st.integers(0, 100_000), min_size=6, max_size=6),
                    st.lists(st.integers(0, 200), min_size=4, max_size=4))


@settings(max_examples=6, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_SCHOOL, min_size=1, max_size=6))
def test_formulas_recompute_for_any_table(tmp_path, schools):
    rows = []
    for n, (kind, pupils, juniors, facilities, teachers) in enumerate(schools):
        values = dict(zip(("teaching_area", "sports_area", "equipment_value", "computers",
                           "books", "multimedia_rooms"), facilities, strict=True))
        for stage, count in (("primary", pupils), ("junior", juniors)):
            if kind in (stage, "nine_year"):
                values[f"{stage}_students"] = count
                values.update({f"{stage}_{r}": v for r, v in zip(
                    ("teachers", "degree_teachers", "titled_teachers", "backbone_teachers"),
                    sorted(teachers, reverse=True), strict=True)})
                values[f"{stage}_arts_pe_teachers"] = min(teachers)
        rows.append(school(f"S{n}", kind, **values))
    data = write_csv(tmp_path / f"any{abs(hash(str(schools)))}.csv", rows)
    out = data.with_suffix(".xlsx")
    api.report([data], out)
    evaluator = Evaluator(openpyxl.load_workbook(out))
    cached = openpyxl.load_workbook(out, data_only=True)
    for method in ("basic", "quality"):
        for result in coefficient_json(method, data)["results"]:
            name = CALC[(method, result["stage"])]
            where = layout(evaluator.book[name])
            for item in result["indicators"]:
                col = where["header"][item["name"]]
                recomputed = evaluator.value(name, where["cv"], col)
                assert close(recomputed, item["cv"]), (name, item["key"])
                assert cached[name].cell(row=where["cv"], column=col).value == item["cv"]


def test_standards_sheet_totals_are_edustats(sample_book):
    out, _ = sample_book
    ws = openpyxl.load_workbook(out, data_only=True)["学校达标情况"]
    totals = [r for r in ws.iter_rows(values_only=True) if r[0] == "合计（需增加）"]
    report = api.standards([SAMPLE])
    assert len(totals) == len(report.totals) == 2
    for row, total in zip(totals, report.totals, strict=True):
        for k, item in enumerate(total.shortfalls):
            assert row[5 + 2 * k] == (item.shortfall or None)


def test_cjk_widths_and_column_letters():
    from edustat.report.model import column_letter, sheet_ref
    from edustat.report.writer import display_width

    assert display_width("示例旗第一小学") == 14  # 7 wide characters, two columns each
    assert display_width("No. 1") == 5
    assert display_width(0.30497, "coef") == 6  # shown as 0.3050
    assert [column_letter(c) for c in (0, 25, 26, 27, 701, 702)] == [
        "A", "Z", "AA", "AB", "ZZ", "AAA"]
    assert sheet_ref("O'Brien", 0, 0) == "'O''Brien'!$A$1"


def test_no_cell_is_written_inside_a_merged_range(tmp_path, monkeypatch):
    # Excel "repairs" (drops) a file whose merged ranges overlap or hide written cells.
    import edustat.report.build as build

    books = []
    write = build.write_workbook
    monkeypatch.setattr(build, "write_workbook",
                        lambda book, path, lang: (books.append(book), write(book, path, lang)))
    api.report(_two_years(tmp_path), tmp_path / "m.xlsx", exams=EXAMS)
    sheets = [s for book in books for s in book.sheets]
    assert len(sheets) > 10
    for sheet in sheets:
        for i, span in enumerate(sheet.spans):
            inside = [(r, c) for r, c in sheet.cells
                      if span.first_row <= r <= span.last_row
                      and span.first_col <= c <= span.last_col]
            assert inside == [], (sheet.name, inside)
            for other in sheet.spans[i + 1:]:
                assert (span.last_row < other.first_row or other.last_row < span.first_row
                        or span.last_col < other.first_col or other.last_col < span.first_col)
