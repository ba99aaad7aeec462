"""`edustat audit` as a user runs it: the committed sample, exit codes, the XLSX issue list,
rules files."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from test_audit import GEN, at

from edustat import api
from edustat.problems import InputError

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = sorted((ROOT / "data" / "audit").glob("20*.csv"))


def test_sample_is_what_the_generator_writes(tmp_path: Path) -> None:
    years, _ = GEN.generate(GEN.SEED, GEN.SAMPLE_ANOMALIES)
    written = GEN.write(years, tmp_path)
    assert [p.name for p in written] == [p.name for p in SAMPLE]
    for mine, committed in zip(written, SAMPLE, strict=True):
        assert mine.read_bytes() == committed.read_bytes()


def test_sample_issue_list_on_the_terminal(cli) -> None:
    result = cli("audit", *SAMPLE, "--format", "table")
    assert result.exit_code == 0  # findings are leads, not failures
    out = result.stdout
    assert "统计数据质量自查问题清单" in out and "学校 20 所" in out
    # Each injected anomaly of the sample, by its school (make_sample.py prints them).
    for name in ("示例旗第二小学", "示例旗第三小学", "示例旗实验小学", "示例旗第五小学",
                 "示例旗乌兰苏木中心学校", "示例旗巴彦镇中心小学", "示例旗新民镇小学",
                 "示例旗实验中学"):
        assert name in out
    for rule in ("年级人数衔接", "校际数据雷同", "数据未更新", "固定资产异常变动", "数值凑整"):
        assert rule in out
    assert "问题类型说明" in out  # the legend: why and what to verify, once per rule


def test_strict_exits_1_on_a_warning(cli) -> None:
    assert cli("audit", *SAMPLE, "--strict", "--format", "json").exit_code == 1


def test_strict_exits_0_on_a_clean_county(cli, tmp_path: Path) -> None:
    years, _ = GEN.generate(21, ())
    result = cli("audit", *GEN.write(years, tmp_path), "--strict", "--format", "table")
    assert result.exit_code == 0
    assert "没有发现疑点" in result.stdout


def test_json_and_csv(cli) -> None:
    data = json.loads(cli("audit", *SAMPLE, "--format", "json").stdout)
    assert data["years"] == [2019, 2020, 2021, 2022, 2023]
    assert data["summary"]["warning"] == len(data["findings"]) > 5
    rows = list(csv.DictReader(io.StringIO(cli("audit", *SAMPLE, "--format", "csv").stdout)))
    assert len(rows) == len(data["findings"])
    assert rows[0]["序号"] == "1" and rows[0]["学校名称"] == data["findings"][0]["school_name"]
    english = json.loads(cli("audit", *SAMPLE, "--format", "json", "--lang", "en").stdout)
    # The first lead of the sample: 示例旗第二小学's equipment typed 10 000 times too large.
    assert english["findings"][0]["message"].startswith("equipment_value rose from 6206798.3")
    assert english["findings"][0]["why"].startswith("Buildings, grounds, equipment")


def test_xlsx_issue_list_ready_to_fill_and_print(cli, tmp_path: Path) -> None:
    target = tmp_path / "问题清单.xlsx"
    result = cli("audit", *SAMPLE, "-o", target)
    assert result.exit_code == 0 and target.exists()
    findings = json.loads(cli("audit", *SAMPLE, "--format", "json").stdout)["findings"]
    book = load_workbook(target)
    sheet = book["问题清单"]
    header = [c.value for c in sheet[3]]
    assert header[-3:] == ["整改措施", "责任人", "整改时限"]
    assert header[:4] == ["序号", "学校名称", "学校标识码", "年份"]
    body = list(sheet.iter_rows(min_row=4, values_only=True))
    assert len(body) == len(findings)
    assert all(row[-3:] == (None, None, None) for row in body)  # blank for the bureau
    assert [row[2] for row in body] == [f["school_id"] or None for f in findings]
    assert sheet.column_dimensions["I"].width > 30  # the finding's text column
    assert sheet.cell(4, 9).alignment.wrap_text
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.print_title_rows == "$3:$3"  # the header repeats on every printed page
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert "审核规则" in book.sheetnames


def test_rules_listing(cli) -> None:
    result = cli("audit", "--rules", "--format", "table")
    assert result.exit_code == 0
    for code in ("cohort_flow", "copied_row", "not_updated", "asset_change", "heaping"):
        assert code in result.stdout
    listing = json.loads(cli("audit", "--rules", "--format", "json").stdout)
    rules = {r["code"]: r for r in listing["rules"]}
    assert rules["cohort_flow"]["thresholds"]["max_ratio"] == 1.15
    assert rules["consistency"]["check_bounds"]["students_per_class"]["primary_max"] == 66


def test_thresholds_from_a_rules_file(cli, tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text("[cohort_flow.thresholds]\nmax_ratio = 1.5\nmin_ratio = 0.5\n"
                     "[heaping]\nenabled = false\n", encoding="utf-8")
    listing = json.loads(cli("audit", "--rules", rules, "--format", "json").stdout)
    assert {r["code"]: r for r in listing["rules"]}["cohort_flow"]["thresholds"][
        "max_ratio"] == 1.5
    years, truth = GEN.generate(11, ("cohort", "heaping"))
    paths = GEN.write(years, tmp_path / "data")
    cohort = next(a for a in truth if a["kind"] == "cohort")
    default = api.audit(paths)
    assert at(default, "cohort_flow", cohort["school_id"], cohort["year"])
    assert at(default, "heaping")
    # A third more is within [0.5, 1.5]; heaping is switched off.
    relaxed = api.audit(paths, rules_file=rules)
    assert not at(relaxed, "cohort_flow") and not at(relaxed, "heaping")
    assert "heaping" not in relaxed.rules
    # The same file on the command line, after --rules.
    result = cli("audit", *paths, "--rules", rules, "--format", "json")
    assert result.exit_code == 0
    assert not [f for f in json.loads(result.stdout)["findings"]
                if f["rule"] in ("cohort_flow", "heaping")]


def test_bad_rules_file_names_the_key(cli, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # a short file name, so the message column is wide
    bad = Path("rules.json")
    bad.write_text(json.dumps({"cohort_flow": {"thresholds": {"max_ratoi": 1.2}},
                               "copied_rows": {}, "heaping": {"severity": "error"},
                               "asset_change": {"thresholds": {"max_drop": "20%"}}}),
                   encoding="utf-8")
    with pytest.raises(InputError) as caught:
        api.audit(SAMPLE, rules_file=bad)
    fields = [p.params["field"] for p in caught.value.problems]
    assert fields == ["cohort_flow.thresholds.max_ratoi", "copied_rows", "heaping.severity",
                      "asset_change.thresholds.max_drop"]
    result = cli("audit", *SAMPLE, "--rules", bad, "--lang", "en")
    assert result.exit_code == 1
    shown = "".join(result.stderr.replace("│", "").split())
    assert "cohort_flow.thresholds.max_ratoi" in shown and "copied_rows" in shown


def test_usage_errors(cli, tmp_path: Path) -> None:
    assert cli("audit").exit_code == 2
    rules = tmp_path / "r.json"
    rules.write_text("{}", encoding="utf-8")
    # A rules file must follow --rules: alone among the tables it is a usage error.
    assert cli("audit", *SAMPLE, rules).exit_code == 2
    assert cli("audit", tmp_path / "missing.csv").exit_code == 2


def test_population_table_is_skipped_with_a_note(cli, tmp_path: Path) -> None:
    population = ROOT / "data" / "enrolment" / "population.csv"
    result = cli("audit", *SAMPLE, population, "--format", "json")
    assert result.exit_code == 0
    assert "人口表不参与" in result.stderr


def test_no_school_table_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        api.audit([ROOT / "data" / "exams-2022.csv"])
    assert caught.value.problems[0].code == "audit_no_school_table"


def test_english_table(cli) -> None:
    result = cli("audit", *SAMPLE, "--format", "table", "--lang", "en")
    assert result.exit_code == 0
    assert "issue list" in result.stdout and "cohort flow" in result.stdout


def test_run_on_the_enrolment_sample() -> None:
    """The enrolment sample (four schools, nine years, cohorts moving up) is a clean county."""
    paths = sorted((ROOT / "data" / "enrolment").glob("schools-*.csv"))
    report = api.audit(paths)
    assert report.years == list(range(2014, 2023)) and report.findings == []


def test_api_takes_one_path_as_text() -> None:
    report = api.audit(str(SAMPLE[0]))
    assert report.files == [str(SAMPLE[0])] and report.years == [2019]
