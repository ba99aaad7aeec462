"""Drafts as a user gives them (SPEC §7.4 item 1): the sample county's own drafts, a GBK text,
markdown, a draft with no figures, files that are no draft, and how the command line tells a
draft from the tables. Fixtures: tests/fixtures/drafts/make_drafts.py and data/make_draft.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from edustat import api
from tests.conftest import FIXTURES, ROOT, SAMPLE

DRAFTS = FIXTURES / "drafts"
EXAMS = ROOT / "data" / "exams-2022.csv"


@pytest.mark.parametrize("name", ["draft-2022.docx", "draft-2022.txt"])
def test_the_correct_sample_draft(cli, name: str) -> None:
    result = cli("check", ROOT / "data" / name, SAMPLE, EXAMS, "--format", "json")
    assert result.exit_code == 0, result.stdout
    data = json.loads(result.stdout)
    verdicts = {f["verdict"] for f in data["findings"]}
    assert verdicts == {"match", "unbound"}  # every figure matched or listed
    unbound = [f["written"] for f in data["findings"] if f["verdict"] == "unbound"]
    assert unbound == ["两"]  # 普通高中两所: no stage's units
    # Worked in data/make_draft.py: 16 + 18 + 7 = 41, 41/79, 17 + 32 + 10 = 59, 59/182.
    assert [(a["rule"], a["verdict"]) for a in data["arithmetic"]] == [
        ("sum", "holds"), ("rate", "holds"), ("sum", "holds"), ("rate", "holds")]
    assert data["summary"]["match"] == 29


@pytest.mark.parametrize("name", ["draft-2022-errors.docx", "draft-2022-errors.txt"])
def test_the_sample_draft_with_errors(cli, name: str) -> None:
    result = cli("check", SAMPLE, ROOT / "data" / name, EXAMS, "--format", "json")  # any order
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    wrong = {(f["written"], f["expected"]) for f in data["findings"]
             if f["verdict"] == "mismatch"}
    # The mistakes of data/make_draft.py ERRORS, each against its computed value.
    assert wrong == {("8425", "8452"), ("0.3007", "0.3070"), ("0.4131", "0.4113"),
                     ("43", "41"), ("52.9%", "51.9%")}
    fails = [(a["rule"], a.get("fit")) for a in data["arithmetic"] if a["verdict"] == "fails"]
    assert sorted(fails, key=str) == sorted([("twice", None), ("over_100", None),
                                             ("sum", 41.0), ("rate", None)], key=str)


def test_a_gbk_text_draft() -> None:
    report = api.check_draft(DRAFTS / "brief-gbk.txt", [SAMPLE])
    assert [(f.written, f.verdict) for f in report.findings] == [("0.3050", "match"),
                                                                 ("0.3070", "match")]


def test_markdown_table() -> None:
    report = api.check_draft(DRAFTS / "summary.md", [SAMPLE])
    # 表1 2022年小学校际差异系数 (a markdown heading) names the stage of the table below it.
    assert [(f.where.row, f.where.column, f.key, f.verdict) for f in report.findings] == [
        (2, 2, "coefficient.basic.primary.books_per_student.mean", "match"),
        (2, 3, "coefficient.basic.primary.books_per_student", "match"),
        (3, 2, "coefficient.basic.primary.sports_area_per_student.mean", "match"),
        (3, 3, "coefficient.basic.primary.sports_area_per_student", "match")]


def test_a_draft_with_no_figures(cli) -> None:
    result = cli("check", DRAFTS / "no-figures.txt", SAMPLE, "--format", "table")
    assert result.exit_code == 0
    assert "共 0 个数字" in result.stdout and "草稿中没有找到数字" in result.stdout


def test_no_tables_checks_the_arithmetic_alone(cli) -> None:
    result = cli("check", DRAFTS / "draft-report.txt", "--format", "json")
    assert result.exit_code == 1  # 28 + 41 + 12 = 81, written 83
    data = json.loads(result.stdout)
    assert {(f["verdict"], f["reason"]) for f in data["findings"]
            if f["kind"] == "figure"} == {("not_checkable", "no_tables")}
    assert data["summary"]["arithmetic_fails"] == 2


@pytest.mark.parametrize(("name", "words"), [
    ("binary.docx", "不是 Word .docx 文件"), ("text-named.docx", "不是 Word .docx 文件"),
    ("zip-not-word.docx", "不是 Word .docx 文件"), ("undecodable.txt", "无法解码")])
def test_files_that_are_no_draft(cli, name: str, words: str) -> None:
    result = cli("check", DRAFTS / name, SAMPLE)
    assert result.exit_code == 1
    assert words in result.stderr and "Traceback" not in result.stderr + result.stdout


def test_english(cli) -> None:
    from edustat.problems import InputError

    with pytest.raises(InputError) as caught:
        api.check_draft(DRAFTS / "binary.docx")
    assert caught.value.problems[0].message("en").startswith(
        "not a Word .docx file (not a ZIP package)")
    result = cli("check", DRAFTS / "draft-report.docx", DRAFTS / "county-zh-gbk.csv",
                 "--lang", "en", "--format", "table")
    assert "2 mismatch" in result.stdout and "81 / 305 would give 26.6%" in result.stdout


def test_usage_errors(cli, tmp_path: Path) -> None:
    draft = DRAFTS / "draft-report.docx"
    assert cli("check", draft, DRAFTS / "draft-report.txt").exit_code == 2  # two drafts
    assert cli("check", draft, SAMPLE, "--claims", ROOT / "data" / "claims-2022.csv"
               ).exit_code == 2
    assert cli("check", draft, SAMPLE, "-o", draft).exit_code == 2  # never over the draft
    assert cli("check", DRAFTS / "draft-report.txt", "-o", tmp_path / "x.docx").exit_code == 2
    assert cli("check", tmp_path / "missing.docx").exit_code == 2


def test_report_to_json_and_xlsx(cli, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = cli("check", DRAFTS / "draft-report.docx", DRAFTS / "county-zh-gbk.csv", "-o", out)
    assert result.exit_code == 1
    assert json.loads(out.read_text(encoding="utf-8"))["summary"]["mismatch"] == 2
    book = tmp_path / "report.xlsx"
    assert cli("check", DRAFTS / "draft-report.docx", "-o", book).exit_code == 1
    from openpyxl import load_workbook

    assert load_workbook(book).sheetnames == ["findings", "arithmetic"]


def test_the_claims_route_still_works(cli) -> None:
    result = cli("check", SAMPLE, EXAMS, "--claims", ROOT / "data" / "claims-2022.csv",
                 "--format", "json")
    assert result.exit_code == 1  # the two deliberate mistakes of data/README.md
    assert json.loads(result.stdout)["summary"]["mismatches"] == 2


def test_annotating_a_figure_split_across_runs(tmp_path: Path) -> None:
    """Word often splits a number over several runs (an edit, a spell check): the copy marks
    exactly the figure, and keeps every other character and the runs' formatting."""
    import docx
    from docx.enum.text import WD_COLOR_INDEX

    from edustat.drafts.annotate import write_annotated

    document = docx.Document()
    document.add_heading("示例旗2022年工作总结", level=1)
    paragraph = document.add_paragraph()
    paragraph.add_run("我旗小学综合差异系数为0.30")
    bold = paragraph.add_run("5")
    bold.bold = True
    paragraph.add_run("0，初中综合差异系数为0.3071。")
    draft = tmp_path / "split.docx"
    document.save(draft)
    report = api.check_draft(draft, [SAMPLE])
    assert [(f.written, f.verdict) for f in report.findings] == [("0.3050", "match"),
                                                                 ("0.3071", "mismatch")]
    out = tmp_path / "checked.docx"
    assert write_annotated(report, out) == 2
    marked = docx.Document(str(out)).paragraphs[1]
    assert marked.text == "我旗小学综合差异系数为0.3050，初中综合差异系数为0.3071。"
    runs = [(r.text, r.bold, r.font.highlight_color) for r in marked.runs if r.text]
    assert ("0.30", None, WD_COLOR_INDEX.BRIGHT_GREEN) in runs
    assert ("5", True, WD_COLOR_INDEX.BRIGHT_GREEN) in runs
    assert ("0.3071", None, WD_COLOR_INDEX.RED) in runs
    assert ("0，初中综合差异系数为", None, None) not in runs  # the 0 after 5 is marked too
    assert ("0", None, WD_COLOR_INDEX.BRIGHT_GREEN) in runs


def test_a_table_saved_as_txt_is_a_table(cli, tmp_path: Path) -> None:
    from edustat.drafts.document import is_draft

    table = tmp_path / "schools-2022.txt"
    table.write_bytes(SAMPLE.read_bytes())
    assert not is_draft(table) and is_draft(DRAFTS / "draft-report.txt")
    result = cli("check", DRAFTS / "brief-gbk.txt", table, "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["summary"]["match"] == 2


def test_without_comments_the_note_is_bracketed(tmp_path: Path, monkeypatch) -> None:
    """python-docx before 1.2 has no comments: the computed value follows the figure in 〔〕."""
    import docx
    import docx.document

    from edustat.drafts.annotate import write_annotated

    monkeypatch.delattr(docx.document.Document, "add_comment")
    draft = tmp_path / "brief.docx"
    document = docx.Document()
    document.add_paragraph("2022年，我旗小学综合差异系数为0.3050，初中综合差异系数为0.3007。")
    document.save(draft)
    report = api.check_draft(draft, [SAMPLE])
    write_annotated(report, tmp_path / "checked.docx")
    text = docx.Document(str(tmp_path / "checked.docx")).paragraphs[0].text
    assert text.startswith("2022年，我旗小学综合差异系数为0.3050〔edustat：相符")
    assert "0.3007〔edustat：不符" in text and "0.3070" in text


def test_the_sample_drafts_are_what_the_script_writes(tmp_path: Path) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_draft", ROOT / "data" / "make_draft.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    for errors, stem in ((False, "draft-2022"), (True, "draft-2022-errors")):
        script.write_docx(tmp_path / f"{stem}.docx", errors)
        script.write_txt(tmp_path / f"{stem}.txt", errors)
        for suffix in (".docx", ".txt"):
            made = (tmp_path / f"{stem}{suffix}").read_bytes()
            assert made == (ROOT / "data" / f"{stem}{suffix}").read_bytes(), stem + suffix


def test_a_table_with_stages_as_columns_and_units_in_headers(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_heading("示例旗2022年教育统计", level=1)
    document.add_paragraph("表2  2022年义务教育基本情况")
    rows = [["项目", "小学", "初中"], ["学校（所）", "10", "8"], ["在校生（人）", "8452", "5460"],
            ["综合差异系数", "0.3050", "0.3070"]]
    table = document.add_table(rows=len(rows), cols=3)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph("表3  2022年高考")
    exam = document.add_table(rows=2, cols=2)
    for c, value in enumerate(["考生（人）", "本科上线率（%）"]):
        exam.cell(0, c).text = value
    exam.cell(1, 0).text, exam.cell(1, 1).text = "79", "51.9"
    draft = tmp_path / "tables.docx"
    document.save(draft)
    report = api.check_draft(draft, [SAMPLE, EXAMS])
    found = [(f.where.table, f.where.row, f.where.column, f.key, f.verdict)
             for f in report.findings]
    assert found == [
        (1, 2, 2, "schools.primary.units", "match"), (1, 2, 3, "schools.junior.units", "match"),
        (1, 3, 2, "schools.primary.students", "match"),
        (1, 3, 3, "schools.junior.students", "match"),
        (1, 4, 2, "coefficient.basic.primary.composite", "match"),
        (1, 4, 3, "coefficient.basic.junior.composite", "match"),
        # A table of one row: its header row names the columns, the first column is data.
        (2, 2, 1, "exams.gaokao.candidates", "match"),  # 79 under 考生（人）, 高考 of the caption
        (2, 2, 2, "exams.gaokao.undergrad_rate", "match"),  # 51.9 under （%）: 41/79
    ]


def _docx_with_header_footer_and_text_box(path: Path) -> None:
    """A draft whose body holds one checked figure, and whose page header, footer and one text
    box hold figures edustat does not read (the text box as Word's VML shape)."""
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    document.add_paragraph("示例旗2022年总结")
    document.add_paragraph("我旗小学综合差异系数为0.3050。")
    section = document.sections[0]
    section.header.paragraphs[0].text = "示例旗教育局 2022年度"
    section.footer.paragraphs[0].text = "初中综合差异系数0.3070"
    section.first_page_footer.paragraphs[0].text = "第 1 页 共 3 页"  # a page number: no figure
    section.different_first_page_header_footer = True
    anchor = document.add_paragraph()
    anchor._p.append(parse_xml(
        '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:v="urn:schemas-microsoft-com:vml"><w:pict><v:shape style="width:200pt;'
        'height:40pt"><v:textbox><w:txbxContent><w:p><w:r><w:t>小学在校生8452人</w:t></w:r>'
        '</w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r>'))
    document.add_paragraph("全文完。")
    document.save(str(path))


def test_figures_in_headers_footers_and_text_boxes_are_named_as_not_checked(tmp_path: Path
                                                                             ) -> None:
    from edustat.texts import t

    draft = tmp_path / "draft.docx"
    _docx_with_header_footer_and_text_box(draft)
    report = api.check_draft(draft, [SAMPLE])
    assert [(f.written, f.verdict) for f in report.findings] == [("0.3050", "match")]
    (note,) = [n for n in report.notes if n.code == "parts_not_checked"]
    text = t("draft.note.parts_not_checked", "zh", **note.params)
    for part in ("页眉“示例旗教育局 2022年度”", "页脚“初中综合差异系数0.3070”",
                 "文本框“小学在校生8452人”"):
        assert part in text, text
    assert "第 1 页" not in text  # a footer holding only the page number is no figure
    # A draft without such parts has no such note.
    plain = tmp_path / "plain.docx"
    import docx

    document = docx.Document()
    document.add_paragraph("我旗小学综合差异系数为0.3050。")
    document.save(str(plain))
    assert not [n for n in api.check_draft(plain, [SAMPLE]).notes
                if n.code == "parts_not_checked"]
