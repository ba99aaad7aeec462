"""The real `edustat` commands: output tables (golden), JSON shape, CSV, files, exit codes."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLE
from edustat.norms import load_norms
from edustat.problems import InputError
from edustat.schema import SCHOOLS, match_header

EXAMPLE = Path(__file__).parent / "fixtures" / "examples" / "county-zh-gbk.csv"


def test_coefficient_table_golden(cli, golden):
    result = cli("coefficient", SAMPLE, "--format", "table")
    assert result.exit_code == 0, result.output
    golden("coefficient-basic.txt", result.stdout)
    assert "综合差异系数" in result.stdout and "达标" in result.stdout


def test_coefficient_quality_english_golden(cli, golden):
    result = cli("coefficient", SAMPLE, "--standard", "quality", "--format", "table",
                 "--lang", "en")
    assert result.exit_code == 0
    golden("coefficient-quality-en.txt", result.stdout)
    assert "Composite CV" in result.stdout


def test_coefficient_per_school_view_golden(cli, golden):
    result = cli("coefficient", SAMPLE, "--schools", "--stage", "junior", "--format", "table",
                 "--decimals", "3")
    assert result.exit_code == 0
    golden("coefficient-schools-junior.txt", result.stdout)
    assert "小学" not in result.stdout.splitlines()[0]


def test_coefficient_json_shape(cli):
    result = cli("coefficient", EXAMPLE, "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert set(data) == {"standard", "results"} and data["standard"] == "basic"
    first = data["results"][0]
    assert set(first) == {"county", "year", "stage", "schools", "students", "indicators",
                          "composite", "limit", "meets", "notes"}
    assert set(first["indicators"][0]) == {"key", "name", "mean", "sd", "cv", "limit", "meets"}
    assert [(r["county"], r["stage"]) for r in data["results"]] == [
        ("测试0000县", "primary"), ("测试0000县", "junior"),
        ("测试0001县", "primary"), ("测试0001县", "junior")]
    # No year column and no year in the file name: year is null.
    assert first["year"] is None
    assert first["limit"] == 0.65 and first["indicators"][0]["limit"] is None
    # Unrounded: more digits than any table shows.
    assert len(repr(first["composite"])) > 10


def test_coefficient_quality_json_has_limits_per_indicator(cli):
    data = json.loads(cli("coefficient", EXAMPLE, "--standard", "quality",
                          "--format", "json").stdout)
    result = data["results"][0]
    assert len(result["indicators"]) == 7 and result["limit"] is None
    assert {i["limit"] for i in result["indicators"]} == {0.5}
    assert result["meets"] is all(i["meets"] for i in result["indicators"])


def test_coefficient_csv_one_row_per_indicator(cli):
    result = cli("coefficient", SAMPLE, "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 2 * 8
    assert {"county", "year", "stage", "key", "mean", "sd", "cv", "composite"} <= set(rows[0])
    assert rows[0]["county"] == "示例旗" and rows[0]["year"] == "2022"
    json_data = json.loads(cli("coefficient", SAMPLE, "--format", "json").stdout)
    assert float(rows[0]["cv"]) == json_data["results"][0]["indicators"][0]["cv"]


@pytest.mark.parametrize("command", ["coefficient", "template", "audit"])
def test_written_names_a_path_with_brackets_as_it_is(cli, tmp_path, command):
    # [2022] and [red] would be markup to rich: the line is plain text, in every command.
    out = tmp_path / ("结果[2022][red]" + (".xlsx" if command == "audit" else ".csv"))
    args = {"coefficient": [SAMPLE, "-o", out], "template": [out],
            "audit": [*sorted((ROOT / "data" / "audit").glob("20*.csv")), "-o", out]}[command]
    result = cli(command, *args)
    assert result.exit_code in (0, 1) and out.exists()  # audit: 1 for the issues it lists
    assert f"已写入 {out}\n" in result.stderr


@pytest.mark.parametrize("suffix", [".json", ".csv", ".xlsx"])
def test_output_file_written_whole(cli, tmp_path, suffix):
    out = tmp_path / f"result{suffix}"
    result = cli("coefficient", SAMPLE, "-o", out)
    assert result.exit_code == 0
    assert out.exists() and out.stat().st_size > 0
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temporary file left
    if suffix == ".json":
        assert len(json.loads(out.read_text("utf-8"))["results"]) == 2
    elif suffix == ".csv":
        text = out.read_text("utf-8-sig")
        assert len(list(csv.DictReader(io.StringIO(text)))) == 16
    else:
        from python_calamine import CalamineWorkbook

        rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
        assert rows[0][0] == "standard" and len(rows) == 17


def test_output_may_not_overwrite_an_input(cli, tmp_path):
    copy = tmp_path / "2022.csv"
    copy.write_bytes(SAMPLE.read_bytes())
    result = cli("coefficient", copy, "-o", copy.with_suffix(".csv"))
    assert result.exit_code == 2
    assert copy.read_bytes() == SAMPLE.read_bytes()


def test_unknown_output_extension_is_a_usage_error(cli, tmp_path):
    assert cli("coefficient", SAMPLE, "-o", tmp_path / "out.txt").exit_code == 2


def test_missing_file_is_a_usage_error(cli, tmp_path):
    result = cli("coefficient", tmp_path / "nope.csv")
    assert result.exit_code == 2
    assert "找不到文件" in result.stderr


def test_unknown_option_is_a_usage_error(cli):
    assert cli("coefficient", SAMPLE, "--no-such-option").exit_code == 2


def test_strict_fails_when_a_verdict_fails(cli):
    # The sample's junior stage misses the quality limit on one indicator (see data/README.md).
    loose = cli("coefficient", SAMPLE, "--standard", "quality", "--format", "json")
    assert loose.exit_code == 0
    assert not all(r["meets"] for r in json.loads(loose.stdout)["results"])
    strict = cli("coefficient", SAMPLE, "--standard", "quality", "--format", "json", "--strict")
    assert strict.exit_code == 1
    basic = cli("coefficient", SAMPLE, "--format", "json", "--strict")
    assert basic.exit_code == 0


def test_standards_file_overrides_a_threshold(cli, tmp_path):
    rules = tmp_path / "province.json"
    rules.write_text(json.dumps({"composite_limits": {"primary": 0.2}}), "utf-8")
    data = json.loads(cli("coefficient", SAMPLE, "--standards", rules, "--format", "json").stdout)
    primary, junior = data["results"]
    assert primary["limit"] == 0.2 and primary["meets"] is False
    assert junior["limit"] == 0.55  # untouched keys keep the national value


def test_bad_standards_file_is_reported(cli, tmp_path):
    rules = tmp_path / "province.json"
    rules.write_text(json.dumps({"composite_limits": {"primary": -1}}), "utf-8")
    result = cli("coefficient", SAMPLE, "--standards", rules, "--lang", "en")
    assert result.exit_code == 1
    assert "standards file" in result.stderr and "Traceback" not in result.output
    with pytest.raises(InputError) as caught:
        load_norms(rules)
    (problem,) = caught.value.problems
    assert problem.params["field"] == "composite_limits.primary"


def test_validate_clean_sample(cli):
    result = cli("validate", SAMPLE, "--format", "table")
    assert result.exit_code == 0
    assert "未发现问题" in result.stdout


def test_validate_json_lists_problems(cli, tmp_path):
    bad = tmp_path / "bad.csv"
    lines = SAMPLE.read_text("utf-8").splitlines()
    header = lines[0].split(",")
    books = header.index("图书册数")
    cells = lines[1].split(",")
    cells[books] = "很多"
    bad.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n", "utf-8")
    result = cli("validate", bad, "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["ok"] is False and data["error"] == 1
    (problem,) = data["problems"]
    assert problem == {"file": str(bad), "row": 2, "column": "图书册数", "value": "很多",
                       "severity": "error", "code": "not_number",
                       "message": problem["message"]}
    assert "不是数字" in problem["message"]


def test_template_headers_are_read_back(cli, tmp_path):
    out = tmp_path / "template.csv"
    assert cli("template", out).exit_code == 0
    headers = out.read_text("utf-8-sig").strip().split(",")
    assert [match_header(SCHOOLS, h).spec.name for h in headers] == SCHOOLS.names()
    again = cli("template", out)
    assert again.exit_code == 2  # never overwrites without --force
    assert cli("template", out, "--force").exit_code == 0


def test_template_xlsx(cli, tmp_path):
    from python_calamine import CalamineWorkbook

    out = tmp_path / "template.xlsx"
    assert cli("template", out).exit_code == 0
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    assert rows[0][0] == "学校标识码" and len(rows) == 1


def test_internal_error_is_a_message_not_a_traceback(cli, monkeypatch):
    from edustat import api

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(api, "coefficient", broken)
    result = cli("coefficient", SAMPLE)
    assert result.exit_code == 3
    assert "boom" in result.stderr and "Traceback" not in result.stderr
    debug = cli("coefficient", SAMPLE, "--debug")
    assert debug.exit_code == 3 and "Traceback" in debug.stderr


def test_help_does_not_import_pandas():
    code = ("import sys\nfrom edustat.cli import app\n"
            "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
            "print('PANDAS' if 'pandas' in sys.modules else 'LAZY')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True)
    assert out.stdout.strip().endswith("LAZY")


def test_python_dash_m_runs_the_command():
    out = subprocess.run([sys.executable, "-m", "edustat", "coefficient", str(SAMPLE),
                          "--format", "json"], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["results"][0]["county"] == "示例旗"


def test_primary_only_file_needs_no_junior_columns(cli, tmp_path):
    # A county file of primary schools only: the junior teacher columns are not needed.
    path = tmp_path / "primary-2022.csv"
    path.write_text(
        "学校标识码,学校名称,学校类型,小学在校生数,教学及辅助用房面积,体育运动场馆面积,教学仪器设备值,"
        "计算机台数,图书册数,小学专任教师数,小学高于规定学历教师数,小学中级及以上职称教师数\n"
        "1,甲小学,小学,100,500,800,200000,10,2000,5,2,1\n"
        "2,乙小学,小学,300,1500,2400,600000,30,6000,15,6,3\n", "utf-8")
    result = cli("coefficient", path, "--format", "json")
    assert result.exit_code == 0, result.stderr
    (only,) = json.loads(result.stdout)["results"]
    assert (only["stage"], only["year"], only["schools"]) == ("primary", 2022, 2)
    # Same per-student values in both schools: every CV is 0.
    assert only["composite"] == 0
    # A junior school in the same file does need them: one problem per missing column.
    mixed = tmp_path / "mixed-2022.csv"
    lines = path.read_text("utf-8").splitlines()
    mixed.write_text("\n".join([lines[0] + ",初中在校生数", lines[1] + ",0", lines[2] + ",0",
                                 "3,丙中学,初中,0,900,1500,300000,20,3000,0,0,0,200"]) + "\n",
                     "utf-8")
    report = json.loads(cli("validate", mixed, "--standard", "basic", "--format", "json").stdout)
    missing = sorted(p["column"] for p in report["problems"] if p["code"] == "missing_column")
    assert missing == sorted(["初中专任教师数", "初中高于规定学历教师数",
                              "初中中级及以上职称教师数"])
    assert cli("coefficient", mixed, "--format", "json").exit_code == 1


def test_summary_table_one_line_per_county_and_stage(cli, golden):
    result = cli("coefficient", EXAMPLE, "--format", "table", "--summary")
    assert result.exit_code == 0
    golden("coefficient-summary.txt", result.stdout)
    lines = [line for line in result.stdout.splitlines() if "测试000" in line]
    # 4 results: (测试0000县, 测试0001县) × (小学, 初中), each on one line with its verdict.
    assert len(lines) == 4 and all("达标" in line for line in lines)


def test_many_results_switch_to_the_summary(cli, tmp_path):
    # 41 counties of one primary school pair each: 41 results > 40, so the summary table.
    lines = SAMPLE.read_text("utf-8").splitlines()
    header, rows = lines[0], lines[1:]
    county = header.split(",").index("县区")
    many = [header]
    for n in range(41):
        for row in rows[:2]:  # two primary schools
            cells = row.split(",")
            cells[0] = f"{cells[0]}{n:02d}"
            cells[county] = f"县{n:02d}"
            many.append(",".join(cells))
    path = tmp_path / "province-2022.csv"
    path.write_text("\n".join(many) + "\n", "utf-8")
    result = cli("coefficient", path, "--format", "table")
    assert result.exit_code == 0
    assert "差异系数汇总" in result.stdout and "· 41 项" in result.stdout
    detail = cli("coefficient", path, "--format", "table", "--detail", "--county", "县07")
    assert "差异系数汇总" not in detail.stdout and "县07 2022 小学" in detail.stdout


def test_county_filter(cli):
    data = json.loads(cli("coefficient", EXAMPLE, "--county", "测试0001县",
                          "--format", "json").stdout)
    assert {r["county"] for r in data["results"]} == {"测试0001县"}
    unknown = cli("coefficient", EXAMPLE, "--county", "某县")
    assert unknown.exit_code == 2 and "Traceback" not in unknown.output
    from edustat import api

    with pytest.raises(InputError) as caught:
        api.coefficient([EXAMPLE], counties=["某县"])
    (problem,) = caught.value.problems
    assert (problem.code, problem.value) == ("no_county", "某县")
    assert problem.params["counties"] == "测试0000县、测试0001县"


def test_validate_tells_each_file_kind_by_its_header(cli):
    # A school table, an exam table and a population table in one call, each checked by its
    # own rules: 16 schools + 18 exam rows + 9 population rows = 43 rows, all clean.
    result = cli("validate", SAMPLE, ROOT / "data" / "exams-2022.csv",
                 ROOT / "data" / "enrolment" / "population.csv", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    exams_rows = len((ROOT / "data" / "exams-2022.csv").read_text("utf-8").splitlines()) - 1
    assert data["ok"] is True and data["rows"] == 16 + exams_rows + 9
    bad = Path(__file__).parent / "fixtures" / "exams" / "zero_candidates.csv"
    failing = json.loads(cli("validate", bad, "--format", "json").stdout)
    assert {p["code"] for p in failing["problems"]} >= {"not_positive"}


def test_files_without_a_county_column_are_one_county_each(cli, tmp_path):
    # SPEC §2.1: without a county column the whole file is one county. Two such files of the
    # same year are two counties (named by their files), never merged into one.
    lines = SAMPLE.read_text("utf-8").splitlines()
    header = lines[0].split(",")
    county = header.index("县区")

    def without_county(line: str) -> str:
        cells = line.split(",")
        return ",".join(cells[:county] + cells[county + 1:])

    first, second = tmp_path / "东旗-2022.csv", tmp_path / "西旗-2022.csv"
    first.write_text("\n".join(without_county(x) for x in lines[:9]) + "\n", "utf-8")
    second.write_text("\n".join(without_county(x) for x in [lines[0], *lines[9:]]) + "\n",
                      "utf-8")
    data = json.loads(cli("coefficient", first, second, "--format", "json").stdout)
    assert {r["county"] for r in data["results"]} == {"东旗-2022", "西旗-2022"}
    alone = json.loads(cli("coefficient", first, "--format", "json").stdout)
    assert {r["county"] for r in alone["results"]} == {None}


def test_blas_gets_one_thread_unless_the_user_says(monkeypatch):
    # numpy's OpenBLAS would spin a thread per CPU for matrix work edustat does not give it.
    from edustat.cli.process import quiet_blas

    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    quiet_blas()
    assert os.environ["OPENBLAS_NUM_THREADS"] == "1"
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "4")
    quiet_blas()
    assert os.environ["OPENBLAS_NUM_THREADS"] == "4"


def test_only_the_named_command_is_built(monkeypatch):
    # typer builds a click command for every registered one before running any; a run of one
    # command builds that one, while help, a misspelt name and completion still see them all.
    from edustat.cli.app import app
    from edustat.cli.process import invoked_commands

    monkeypatch.delenv("_EDUSTAT_COMPLETE", raising=False)
    everything = len(app.registered_commands)
    assert everything == 11
    named = invoked_commands(["coefficient", "data/2022.csv"])
    assert [info.callback.__name__ for info in named] == ["coefficient"]
    assert len(invoked_commands(["coefficent", "x.csv"])) == everything
    assert len(invoked_commands(["--help"])) == everything
    assert len(invoked_commands([])) == everything
    monkeypatch.setenv("_EDUSTAT_COMPLETE", "bash_complete")
    assert len(invoked_commands(["coefficient"])) == everything


def test_main_builds_one_command_and_leaves_the_app_whole(monkeypatch, capsys):
    import gc
    import importlib

    import typer.main

    app_module = importlib.import_module("edustat.cli.process")
    codes: list[object] = []
    monkeypatch.setattr(app_module, "_hard_exit", codes.append)
    monkeypatch.setattr(gc, "disable", lambda: None)  # main() stops the collector for its run
    built: list[int] = []
    real_get_command = typer.main.get_command

    def spy(typer_app):  # what typer is given to build while the command runs
        built.append(len(typer_app.registered_commands))
        return real_get_command(typer_app)

    monkeypatch.setattr(typer.main, "get_command", spy)
    monkeypatch.setattr(sys, "argv", ["edustat", "coefficient", str(SAMPLE), "-f", "json"])
    app_module.main()
    assert codes == [0]
    assert built == [1]
    assert json.loads(capsys.readouterr().out)["results"]
    assert len(app_module.app.registered_commands) == 11
    monkeypatch.setattr(sys, "argv", ["edustat", "coefficent"])
    app_module.main()
    assert codes[-1] == 2
    assert built[-1] == 11
    assert "是否指：coefficient" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["coefficient", "standards", "plan"])
def test_a_stage_named_twice_is_one_stage(cli, command):
    # `--stage junior --stage junior` once doubled every junior unit (8 schools became 16) and,
    # after the plan's faster units, crashed; a stage named twice is that stage once.
    once = cli(command, SAMPLE, "--stage", "junior", "-f", "json")
    twice = cli(command, SAMPLE, "--stage", "junior", "--stage", "初中", "-f", "json")
    assert twice.exit_code == once.exit_code and twice.stdout == once.stdout, twice.output
    if command == "coefficient":
        # The sample's junior units, counted by hand from data/2022.csv: 8 schools, 5 460 pupils.
        (result,) = json.loads(twice.stdout)["results"]
        assert (result["schools"], result["students"]) == (8, 5460)
