"""`edustat plan` through the real command line: the plan's additions, added to the sample file,
make `coefficient --standard quality --strict` and `standards --strict` pass."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tests.conftest import SAMPLE

# The sample file's header for each whole-school column a plan may add to (data/2022.csv).
HEADERS = {
    "teaching_area": "教学及辅助用房面积（平方米）",
    "sports_area": "体育运动场馆面积（平方米）",
    "equipment_value": "教学仪器设备值（元）",
    "computers": "计算机台数",
    "books": "图书册数",
    "multimedia_rooms": "网络多媒体教室数",
    **{f"{stage}_{kind}": f"{zh}{name}"
       for stage, zh in (("primary", "小学"), ("junior", "初中"))
       for kind, name in (("teachers", "专任教师数"), ("degree_teachers", "高于规定学历教师数"),
                          ("titled_teachers", "中级及以上职称教师数"),
                          ("backbone_teachers", "县级以上骨干教师数"),
                          ("arts_pe_teachers", "体育艺术专任教师数"))},
}


def apply_plan(plan: dict, source: Path, target: Path) -> int:
    """Add every addition of a plan's JSON to a copy of `source`; how many cells changed."""
    with source.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_id = {row["学校标识码"]: row for row in rows}
    changed = 0
    for result in plan["results"]:
        for addition in result["additions"]:
            row = by_id[addition["school_id"]]
            header = HEADERS[addition["column"]]
            row[header] = repr(round(float(row[header]) + addition["amount"], 2))
            changed += 1
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return changed


def plan_json(cli, *args) -> dict:
    result = cli("plan", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_sample_plan_added_to_the_file_passes_coefficient_and_standards(cli, tmp_path):
    # Before: the sample fails both (junior backbone CV 0.4755 > 0.45; 16 units below standard).
    assert cli("coefficient", SAMPLE, "--standard", "quality", "--strict").exit_code == 1
    assert cli("standards", SAMPLE, "--strict", "--format", "json").exit_code == 1
    plan = plan_json(cli, SAMPLE)
    assert [r["meets_before"] for r in plan["results"]] == [False, False]
    assert [r["meets_after"] for r in plan["results"]] == [True, True]
    planned = tmp_path / "2022-planned.csv"
    assert apply_plan(plan, SAMPLE, planned) > 0
    coefficient = cli("coefficient", planned, "--standard", "quality", "--strict",
                      "--format", "json")
    assert coefficient.exit_code == 0, coefficient.output
    assert all(r["meets"] for r in json.loads(coefficient.stdout)["results"])
    standards = cli("standards", planned, "--strict", "--format", "json")
    assert standards.exit_code == 0, standards.output
    assert all(r["passes"] for r in json.loads(standards.stdout)["results"])


def test_sample_plan_basic_is_empty_the_county_meets_it(cli):
    # Basic composites 0.3050 (primary) and 0.2941-ish (junior) are within 0.65 / 0.55.
    plan = plan_json(cli, SAMPLE, "--standard", "basic")
    assert all(r["meets_before"] and r["meets_after"] for r in plan["results"])
    assert all(r["additions"] == [] for r in plan["results"]) and plan["cost"] == 0


def test_plan_of_an_applied_plan_is_empty(cli, tmp_path):
    planned = tmp_path / "planned.csv"
    apply_plan(plan_json(cli, SAMPLE), SAMPLE, planned)
    again = plan_json(cli, planned)
    assert again["cost"] == 0 and all(not r["additions"] for r in again["results"])


def test_table_shows_cv_before_after_and_total_in_wan(cli):
    result = cli("plan", SAMPLE, "--format", "table")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "补充前" in out and "补充后" in out and "万元" in out
    assert "示例旗第一小学" in out and "体育运动场馆面积" in out


def test_english_table(cli):
    result = cli("plan", SAMPLE, "--format", "table", "--lang", "en", "--stage", "junior")
    assert result.exit_code == 0
    assert "least cost" in result.stdout and "ten-thousand yuan" in result.stdout


def test_strict_passes_when_the_plan_reaches_the_limits(cli):
    assert cli("plan", SAMPLE, "--strict", "--format", "json").exit_code == 0


def test_csv_lists_additions_for_finance(cli):
    result = cli("plan", SAMPLE, "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(result.stdout.splitlines()))
    assert rows and {"school_id", "school_name", "column", "amount", "unit", "cost",
                     "cost_wan"} <= set(rows[0])
    plan = plan_json(cli, SAMPLE)
    assert len(rows) == sum(len(r["additions"]) for r in plan["results"])


def test_xlsx_has_additions_and_indicators(cli, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "plan.xlsx"
    assert cli("plan", SAMPLE, "-o", out).exit_code == 0
    assert load_workbook(out).sheetnames[:2] == ["additions", "indicators"]


def test_missing_file_is_usage_error(cli, tmp_path):
    assert cli("plan", tmp_path / "nope.csv").exit_code == 2


def test_missing_prices_file_is_usage_error(cli, tmp_path):
    assert cli("plan", SAMPLE, "--prices", tmp_path / "nope.json").exit_code == 2


@pytest.mark.parametrize("body, words", [
    ('{"sports_ground": 300}', "sports_ground"),
    ('{"sports_area": -5}', "sports_area"),
    ('{"teacher": "many"}', "teacher"),
    ('[1, 2]', "JSON"),
    ('{"books": 3', "JSON"),
])
def test_bad_prices_file_is_named_and_exits_1(cli, tmp_path, body, words):
    prices = tmp_path / "prices.json"
    prices.write_text(body, encoding="utf-8")
    result = cli("plan", SAMPLE, "--prices", prices, "--lang", "en")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert words in result.stderr or "prices" in result.stderr


def test_prices_file_changes_costs(cli, tmp_path):
    prices = tmp_path / "prices.json"
    prices.write_text('{"teacher": 200000}', encoding="utf-8")
    default = plan_json(cli, SAMPLE)
    dearer = plan_json(cli, SAMPLE, "--prices", prices)
    assert dearer["prices"]["teacher"] == 200000.0
    teacher_cost = sum(a["cost"] for r in default["results"] for a in r["additions"]
                       if a["unit"] == "名")
    assert teacher_cost > 0
    # Dearer teachers cost more in all, but less than the same plan at the new price: the
    # 6-of-7 choice now leaves teacher indicators between 85 % and 100 % where it can.
    assert default["cost"] < dearer["cost"] < default["cost"] + teacher_cost
    assert dearer["results"][0]["meets_after"] and dearer["results"][1]["meets_after"]


def test_unknown_county_is_usage_error(cli):
    assert cli("plan", SAMPLE, "--county", "无此县").exit_code == 2


def test_readme_plan_example_holds_the_real_figures(cli):
    import re

    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme[readme.index("### `edustat plan`"):]
    start = section.index('{"standard": "quality"')
    example = section[start:section.index("```", start)]
    plan = plan_json(cli, SAMPLE)
    first = plan["results"][0]

    def shown(field: str) -> float:
        return float(re.search(rf'"{field}": ([0-9.]+)', example).group(1))

    assert shown("cost") == plan["cost"]
    assert shown("cv_before") == round(first["indicators"][0]["cv_before"], 4)
    assert shown("cv_after") == round(first["indicators"][0]["cv_after"], 4)
    assert shown("composite_before") == round(first["composite_before"], 4)
    assert shown("composite_after") == round(first["composite_after"], 4)
    assert shown("schools_failing_before") == first["schools_failing_before"]
    addition = first["additions"][0]
    assert shown("amount") == addition["amount"]
    assert f'"price": 300.0, "cost": {addition["cost"]}' in example
    assert f'"school_name": "{addition["school_name"]}"' in example


def test_moves_and_hires_added_to_the_file_pass_and_keep_totals(cli, tmp_path):
    plan = plan_json(cli, SAMPLE, "--move-teachers")
    moves = [m for r in plan["results"] for m in r["moves"]]
    assert moves, "the sample's experimental schools have teachers to spare"
    planned = tmp_path / "moved.csv"
    apply_plan(plan, SAMPLE, planned)
    with planned.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_id = {row["学校标识码"]: row for row in rows}
    for move in moves:  # a moved teacher leaves one school's counts and joins the other's
        total = move["column"].split("_")[0] + "_teachers"
        for column in {move["column"], total}:
            header = HEADERS[column]
            for school, sign in ((move["from_school_id"], -1), (move["to_school_id"], 1)):
                row = by_id[school]
                row[header] = repr(float(row[header]) + sign * move["count"])
    with planned.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert cli("coefficient", planned, "--standard", "quality", "--strict").exit_code == 0
    assert cli("standards", planned, "--strict", "--format", "json").exit_code == 0
    # Moving instead of hiring is cheaper, and fewer teachers are hired.
    hired = plan_json(cli, SAMPLE)
    assert plan["cost"] < hired["cost"]


def test_blank_needed_cell_is_named_and_exits_1(cli, tmp_path):
    with SAMPLE.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[3][rows[0].index("体育运动场馆面积（平方米）")] = ""
    bad = tmp_path / "blank.csv"
    with bad.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    result = cli("plan", bad)
    assert result.exit_code == 1
    assert "体育运动场馆面积" in result.stderr and "Traceback" not in result.output
