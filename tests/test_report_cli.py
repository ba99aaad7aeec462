"""`edustat report` at the command line: what it says, its exit codes, and how it writes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import openpyxl
import pytest

from conftest import FIXTURES, ROOT, SAMPLE

ENROLMENT = ROOT / "data" / "enrolment"


def test_report_writes_and_says_what(cli, tmp_path):
    out = tmp_path / "报告.xlsx"
    result = cli("report", SAMPLE, "-o", out, "--exams", ROOT / "data" / "exams-2022.csv",
                 "--format", "table")
    assert result.exit_code == 0, result.output
    text = result.stdout
    flat = text.replace("\n", "")  # the first line wraps at the test width
    assert f"已写入 {out}" in flat and "28 个图表" in flat
    for sheet in ("封面说明", "小学计算表（基本均衡）", "初中计算表（优质均衡）", "学校达标情况",
                  "小学图表", "考试升学情况"):
        assert sheet in text
    # The headline verdicts: junior quality fails on backbone teachers (CV over 0.45).
    assert "未达标" in text and "百生骨干教师" in text and "0.3050" in text
    assert openpyxl.load_workbook(out).sheetnames[1] == "小学计算表（基本均衡）"


def test_report_json_lists_the_workbook(cli, tmp_path):
    out = tmp_path / "r.xlsx"
    result = cli("report", SAMPLE, "-o", out, "--standard", "basic", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert [s["name"] for s in data["workbooks"][0]["sheets"]] == [
        "封面说明", "小学计算表（基本均衡）", "初中计算表（基本均衡）", "小学图表", "初中图表"]
    assert {v["standard"] for v in data["coefficients"]} == {"basic"}
    assert data["standards"] == []  # the per-school standards belong to the quality method


def test_strict_exits_1_when_a_verdict_fails(cli, tmp_path):
    result = cli("report", SAMPLE, "-o", tmp_path / "r.xlsx", "--strict", "--format", "json")
    assert result.exit_code == 1  # junior quality: backbone teachers over 0.45
    assert (tmp_path / "r.xlsx").exists()
    basic = cli("report", SAMPLE, "-o", tmp_path / "b.xlsx", "--standard", "basic", "--strict",
                "--format", "json")
    assert basic.exit_code == 0


def test_enrolment_sheet(cli, tmp_path):
    out = tmp_path / "r.xlsx"
    files = sorted(ENROLMENT.glob("schools-*.csv"))
    args = [a for f in files for a in ("--enrolment", f)]
    result = cli("report", SAMPLE, "-o", out, *args, "--population",
                 ENROLMENT / "population.csv", "--format", "json")
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(out, data_only=True)["入学巩固情况"]
    rows = {(r[0], r[1]): r for r in ws.iter_rows(values_only=True)}
    # 九年义务教育巩固率 2022 = grade 9 of 2022 / grade 1 of 2014 = 309 / 323 (data/README.md).
    rate = rows[("2022", "九年义务教育巩固率")]
    assert rate[2:5] == (309, 323, pytest.approx(309 / 323, rel=1e-12))
    assert ws.cell(row=4, column=5).number_format == "0.00%"


def test_english_workbook(cli, tmp_path):
    out = tmp_path / "r.xlsx"
    assert cli("report", SAMPLE, "-o", out, "--lang", "en", "--format", "json").exit_code == 0
    names = openpyxl.load_workbook(out).sheetnames
    assert names[:3] == ["Cover", "primary calc (basic)", "junior calc (basic)"]


def test_missing_input_is_a_usage_error(cli, tmp_path):
    result = cli("report", tmp_path / "nope.csv", "-o", tmp_path / "r.xlsx")
    assert result.exit_code == 2 and not (tmp_path / "r.xlsx").exists()


def test_output_must_be_xlsx(cli, tmp_path):
    result = cli("report", SAMPLE, "-o", tmp_path / "r.csv")
    assert result.exit_code == 2 and ".xlsx" in result.output
    assert not (tmp_path / "r.csv").exists()


def test_output_cannot_be_an_input(cli, tmp_path):
    copy = tmp_path / "in.xlsx"
    copy.write_bytes(b"")
    result = cli("report", copy, "-o", copy)
    assert result.exit_code == 2


def test_bad_data_exits_1_and_writes_nothing(cli, tmp_path):
    out = tmp_path / "r.xlsx"
    result = cli("report", FIXTURES / "bad" / "text_in_number.csv", "-o", out)
    assert result.exit_code == 1
    assert "Traceback" not in result.output and not out.exists()
    assert list(tmp_path.iterdir()) == []  # no temporary file left behind


def test_written_whole_with_the_users_umask(cli, tmp_path):
    out = tmp_path / "r.xlsx"
    old = os.umask(0o027)
    try:
        assert cli("report", SAMPLE, "-o", out, "--format", "json").exit_code == 0
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["r.xlsx"]


def test_an_existing_workbook_is_replaced_not_corrupted(cli, tmp_path: Path):
    out = tmp_path / "r.xlsx"
    out.write_bytes(b"old")
    assert cli("report", SAMPLE, "-o", out, "--format", "json").exit_code == 0
    assert openpyxl.load_workbook(out).sheetnames[0] == "封面说明"


def test_unknown_standard_is_a_usage_error(cli, tmp_path):
    assert cli("report", SAMPLE, "-o", tmp_path / "r.xlsx", "--standard", "nope").exit_code == 2


def test_quality_only_charts(cli, tmp_path):
    out = tmp_path / "q.xlsx"
    result = cli("report", SAMPLE, "-o", out, "--standard", "quality", "--format", "json")
    sheets = json.loads(result.stdout)["workbooks"][0]["sheets"]
    # Per stage: the CV-against-limit chart and one per each of the 7 quality indicators.
    assert {s["name"]: s["charts"] for s in sheets if s["kind"] == "charts"} == {
        "小学图表": 8, "初中图表": 8}


def test_enrolment_notes_are_worded(cli, tmp_path):
    out = tmp_path / "r.xlsx"
    assert cli("report", SAMPLE, "-o", out, "--enrolment", ENROLMENT / "schools-2022.csv",
               "--population", ENROLMENT / "population.csv", "--format", "json").exit_code == 0
    ws = openpyxl.load_workbook(out, data_only=True)["入学巩固情况"]
    notes = [row[7] for row in ws.iter_rows(min_row=4, values_only=True) if row[7]]
    assert notes and not any("Phrase(" in note for note in notes)
    # Without the 2014 table the nine-year retention cannot be computed, and the note says why.
    assert any("2014" in note for note in notes)


def test_plan_sheet_is_edustat_plans(cli, tmp_path):
    from xlsx_formulas import Evaluator

    from edustat import api

    out = tmp_path / "p.xlsx"
    result = cli("report", SAMPLE, "-o", out, "--plan", "--format", "json")
    assert result.exit_code == 0, result.output
    plan = api.plan([SAMPLE])  # what `edustat plan` computes (quality method)
    written = json.loads(result.stdout)["workbooks"][0]
    assert written["plan_cost"] == plan.cost
    assert "达标规划" in [s["name"] for s in written["sheets"]]
    book = openpyxl.load_workbook(out)
    ws = book["达标规划"]
    totals = [r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value == "合计"]
    assert len(totals) == len(plan.results) == 2
    evaluator = Evaluator(book)
    for row, stage in zip(totals, plan.results, strict=True):
        assert ws.cell(row=row, column=6).value.startswith("=SUM(")
        assert evaluator.value("达标规划", row, 6) == pytest.approx(stage.cost, rel=1e-12)


def test_bad_prices_file_writes_nothing(cli, tmp_path):
    prices = tmp_path / "prices.json"
    prices.write_text('{"sports_area": -1}', encoding="utf-8")
    out = tmp_path / "p.xlsx"
    result = cli("report", SAMPLE, "-o", out, "--plan", "--prices", prices)
    assert result.exit_code == 1 and not out.exists()  # as `edustat plan` says of it
    assert "Traceback" not in result.output
