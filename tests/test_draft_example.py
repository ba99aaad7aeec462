"""The shared worked example (SPEC §7.4): checking draft-report.docx/.txt against county-zh-gbk.csv
finds exactly what draft-report.expected.md lists. Copies of the example live in
tests/fixtures/drafts so the test does not depend on the shared folder."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from edustat import api
from tests.conftest import FIXTURES, SHARED_EXAMPLES

DRAFTS = FIXTURES / "drafts"
DATA = DRAFTS / "county-zh-gbk.csv"


def _by_written(report, paragraph=None, table=None) -> dict[str, object]:
    return {f.written: f for f in report.findings
            if (paragraph is None or f.where.paragraph == paragraph)
            and (table is None or f.where.table == table)}


@pytest.fixture(scope="module")
def docx_report():
    return api.check_draft(DRAFTS / "draft-report.docx", [DATA])


@pytest.fixture(scope="module")
def txt_report():
    return api.check_draft(DRAFTS / "draft-report.txt", [DATA])


@pytest.mark.parametrize("name", ["docx_report", "txt_report"])
def test_text_findings_of_the_expected_file(name: str, request: pytest.FixtureRequest) -> None:
    report = request.getfixturevalue(name)
    text = _by_written(report, paragraph=3)
    # Against the data (values of expected-basic.json for 测试0001县).
    expected = {
        "8": ("schools.primary.units", "match"),  # 6 小学 + 2 primary parts
        "6": ("schools.junior.units", "match"),
        "7674": ("schools.primary.students", "match"),
        "6854": ("schools.junior.students", "match"),
        "0.4729": ("coefficient.basic.primary.composite", "match"),  # 0.472947
        "0.3475": ("coefficient.basic.junior.composite", "match"),  # 0.347475
        "0.3798": ("coefficient.basic.primary.books_per_student", "match"),  # 0.379773
        "0.4638": ("coefficient.basic.junior.sports_area_per_student", "mismatch"),  # 0.468336
        "0.65": ("limit.basic.primary.composite", "match"),  # the limits themselves
        "0.55": ("limit.basic.junior.composite", "match"),
        "100%": ("enrolment.primary_net_enrolment_rate", "not_checkable"),
        "98.6%": ("enrolment.nine_year_retention_rate", "not_checkable"),
    }
    assert {w: (text[w].key, text[w].verdict) for w in expected} == expected
    assert text["0.4638"].expected == "0.4683"  # digits transposed
    verdict = text["均达到基本均衡标准"]
    assert verdict.kind == "verdict" and verdict.verdict == "match" and verdict.computed is True
    # Every figure is of 测试0001县 (the title's county); the year 2022 cannot be confirmed from
    # data without a year column, and that is a note, never a mismatch.
    assert {f.county for f in report.findings} == {"测试0001县"}
    assert [n.code for n in report.notes] == ["year_unconfirmed"]
    mismatches = {(f.where.paragraph, f.where.table, f.written) for f in report.findings
                  if f.verdict == "mismatch"}
    table_mismatch = {(None, 1, "0.2203")} if name == "docx_report" else set()
    assert mismatches == {(3, None, "0.4638")} | table_mismatch


def test_docx_table_rows(docx_report) -> None:
    table = {(f.where.row, f.where.column): f for f in docx_report.findings
             if f.where.table == 1}
    # 表1 2022年小学校际差异系数: rows of indicators, columns 县域值 and 差异系数.
    assert table[(5, 3)].key == "coefficient.basic.primary.computers_per_100"
    assert table[(5, 3)].verdict == "mismatch" and table[(5, 3)].expected == "0.2023"
    matched = {f.written for f in table.values() if f.verdict == "match"}
    assert matched == {"5.10", "6.95", "3499.85", "14.48", "32.63",
                       "0.4247", "0.4965", "0.3639", "0.3798"}
    assert table[(2, 2)].key == "coefficient.basic.primary.teaching_area_per_student.mean"


@pytest.mark.parametrize("name", ["docx_report", "txt_report"])
def test_arithmetic_of_the_expected_file(name: str, request: pytest.FixtureRequest) -> None:
    report = request.getfixturevalue(name)
    found = [(a.rule, a.verdict, a.terms, a.total_written, a.numerator, a.denominator, a.fit)
             for a in report.arithmetic]
    assert found == [
        ("sum", "holds", [21, 37, 9], 67, None, None, None),  # 21 + 37 + 9 = 67
        ("rate", "holds", None, None, 67, 126, None),  # 67/126 = 53.17% -> 53.2%
        ("sum", "fails", [28, 41, 12], 83, None, None, 81),  # 81, written 83
        ("rate", "fails", None, None, 83, 305, 81),  # 83/305 = 27.2%; 81/305 = 26.56% -> 26.6%
    ]
    assert report.summary["arithmetic_fails"] == 2 and report.failed()


def test_exam_figures_without_an_exam_table(docx_report) -> None:
    exams = [f for f in docx_report.findings if (f.key or "").startswith("exams.")]
    assert len(exams) == 12
    assert {(f.verdict, f.reason) for f in exams} == {("not_checkable", "no_exam_table")}


def test_cli_prints_the_findings_and_exits_1(cli, tmp_path: Path) -> None:
    draft = tmp_path / "草稿.docx"
    draft.write_bytes((DRAFTS / "draft-report.docx").read_bytes())
    before = hashlib.sha256(draft.read_bytes()).hexdigest()
    out = tmp_path / "checked.docx"
    result = cli("check", draft, DATA, "--format", "table", "-o", out)
    assert result.exit_code == 1
    text = result.stdout
    for words in ("不符 2", "0.4638", "0.4683", "0.2203", "0.2023", "28 + 41 + 12 = 81",
                  "83 ÷ 305", "81 ÷ 305 才是 26.6%", "没有给出考试表", "2022 年无法由数据确认"):
        assert words in text, words
    # Mismatches come first: the summary table lists them before the full listing.
    assert text.index("0.4683") < text.index("全部数字")
    assert hashlib.sha256(draft.read_bytes()).hexdigest() == before  # the draft is untouched
    _check_annotated(out)


def _check_annotated(path: Path) -> None:
    import docx
    from docx.enum.text import WD_COLOR_INDEX

    document = docx.Document(str(path))
    colours = {}
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            if run.font.highlight_color is not None:
                colours[run.text] = run.font.highlight_color
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                for run in cell.paragraphs[0].runs:
                    if run.font.highlight_color is not None:
                        colours[run.text] = run.font.highlight_color
    assert colours["0.4638"] == WD_COLOR_INDEX.RED
    assert colours["0.2203"] == WD_COLOR_INDEX.RED
    assert colours["0.4729"] == WD_COLOR_INDEX.BRIGHT_GREEN
    assert colours["100%"] == WD_COLOR_INDEX.YELLOW
    assert colours["83名"] == WD_COLOR_INDEX.RED  # the total that does not add up
    comments = [c.text for c in document.comments]
    assert any("0.4683" in c for c in comments)
    assert any("81" in c and "83" in c for c in comments)


def test_json_has_the_spec_fields(cli) -> None:
    result = cli("check", DRAFTS / "draft-report.docx", DATA, "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert set(data) >= {"draft", "tables", "findings", "arithmetic", "summary"}
    finding = next(f for f in data["findings"] if f["written"] == "0.4729")
    assert finding["where"] == {"paragraph": 3, "table": None, "row": None, "column": None}
    assert finding["key"] == "coefficient.basic.primary.composite"
    assert finding["verdict"] == "match" and finding["unit"] is None
    assert abs(finding["computed"] - 0.4729466470005594) < 1e-12  # expected-basic.json
    rate = next(a for a in data["arithmetic"] if a["rule"] == "rate")
    assert rate["written"] == "53.2%" and rate["verdict"] == "holds"
    assert data["summary"]["mismatch"] == 2 and data["summary"]["arithmetic_fails"] == 2
    failed_rate = [a for a in data["arithmetic"] if a["rule"] == "rate"][1]
    assert "81 ÷ 305 才是 26.6%" in failed_rate["message"]
    exam = next(f for f in data["findings"] if f["written"] == "126")
    assert (exam["reason"], exam["message"]) == ("no_exam_table", "没有给出考试表")


def test_the_copy_matches_the_shared_example() -> None:
    shared = SHARED_EXAMPLES
    if not shared.is_dir():
        pytest.skip("no shared folder beside the repository")
    for name in ("draft-report.docx", "draft-report.txt", "county-zh-gbk.csv"):
        assert (shared / name).read_bytes() == (DRAFTS / name).read_bytes(), name
