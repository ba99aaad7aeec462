"""Checking bound figures against the data (SPEC §7.4 item 3): limits, verbal verdicts, and the
county and year a figure belongs to. Expected values are the sample county's (data/README.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from edustat import api
from tests.conftest import FIXTURES, SAMPLE

TWO_COUNTIES = FIXTURES / "drafts" / "county-zh-gbk.csv"  # 测试0000县 and 测试0001县, no year


def check(tmp_path: Path, text: str, tables: list[Path]) -> list[tuple]:
    draft = tmp_path / "draft.txt"
    draft.write_text(text, encoding="utf-8")
    report = api.check_draft(draft, tables)
    return [(f.written, f.kind, f.verdict, f.reason) for f in report.findings]


def test_limits_held_to_the_standards(tmp_path: Path) -> None:
    # Basic limits: 小学 0.65, 初中 0.55 (SPEC §3); 0.60 is no limit of either.
    assert check(tmp_path, "示例旗2022年总结\n综合差异系数标准为小学不高于0.65、初中不高于0.60。",
                 [SAMPLE]) == [("0.65", "limit", "match", None),
                               ("0.60", "limit", "mismatch", None)]


def test_verbal_verdicts_against_the_data(tmp_path: Path) -> None:
    # 示例旗 2022: basic composites 0.3050 <= 0.65 and 0.3070 <= 0.55 meet; under the quality
    # method 初中 has an indicator over 0.45, so it does not meet (figures of `edustat
    # coefficient data/2022.csv --standard quality`).
    found = check(tmp_path, "示例旗2022年总结\n小学、初中均达到基本均衡标准。"
                            "初中均达到优质均衡标准。初中未达到优质均衡标准。", [SAMPLE])
    assert found == [("均达到基本均衡标准", "verdict", "match", None),
                     ("均达到优质均衡标准", "verdict", "mismatch", None),
                     ("未达到优质均衡标准", "verdict", "match", None)]


def test_county_from_the_text(tmp_path: Path) -> None:
    # Two counties in the data: the sentence must say which.
    found = check(tmp_path, "工作总结\n测试0001县小学综合差异系数为0.4729。"
                            "我县初中综合差异系数为0.3475。",
                  [TWO_COUNTIES])
    assert found == [("0.4729", "figure", "match", None),
                     ("0.3475", "figure", "not_checkable", "county_ambiguous")]
    found = check(tmp_path, "示例旗2022年总结\n我旗小学综合差异系数为0.3050。", [TWO_COUNTIES])
    assert found == [("0.3050", "figure", "not_checkable", "county_not_in_data")]


def test_year_from_the_text(tmp_path: Path) -> None:
    # data/2022.csv has the year 2022 only.
    found = check(tmp_path, "示例旗工作总结\n2021年，我旗小学综合差异系数为0.3050。"
                            "2022年，我旗小学综合差异系数为0.3050。", [SAMPLE])
    assert found == [("0.3050", "figure", "not_checkable", "year_not_in_data"),
                     ("0.3050", "figure", "match", None)]


def test_a_figure_the_data_cannot_give(tmp_path: Path) -> None:
    # No exam table: exam figures are bound, and not checkable; the school figures still are.
    found = check(tmp_path, "示例旗2022年总结\n高考本科上线率51.9%，小学在校生8452人。", [SAMPLE])
    assert found == [("51.9%", "figure", "not_checkable", "no_exam_table"),
                     ("8452", "figure", "match", None)]


def test_the_plausibility_rules_run_on_the_data(tmp_path: Path) -> None:
    # The fixture of the claims route: 600 students / 12 teachers = 50 > 30 in row 2 (warning).
    draft = tmp_path / "draft.txt"
    draft.write_text("某县2022年总结\n全县小学综合差异系数为0.30。", encoding="utf-8")
    report = api.check_draft(draft, [FIXTURES / "checks" / "students_per_teacher.csv"])
    found = {(p.row, p.code) for p in report.problems if p.code.startswith("ratio")}
    assert (2, "ratio_out_of_range") in found
    assert {p.severity for p in report.problems if p.code.startswith("ratio")} == {"warning"}


def test_previous_year_for_the_jump_rule(cli, tmp_path: Path) -> None:
    # The fixtures of the claims route's year-on-year rule (tests/test_checks.py): a school
    # whose figures jump from 2021 to 2022 is named, with a draft as with claims.
    draft = tmp_path / "draft.txt"
    draft.write_text("某县2022年总结\n无数字。", encoding="utf-8")
    checks = FIXTURES / "checks"
    report = api.check_draft(draft, [checks / "jumps-2022.csv"],
                             previous=[checks / "jumps-2021.csv"])
    assert any(p.code == "year_jump" for p in report.problems)
    result = cli("check", draft, checks / "jumps-2022.csv", "--previous",
                 checks / "jumps-2021.csv", "--format", "json")
    assert result.exit_code == 0  # a warning does not fail
    assert "jumps-2021.csv:2" in result.stderr.replace("\n", "").replace("│", "").replace(" ", "")


def test_verdicts_of_coefficients_and_of_every_indicator(tmp_path: Path) -> None:
    # 示例旗 2022, worked by hand from data/2022.csv: 初中 misses the quality limits. Its eight
    # junior units have 0/180, 3/390, 0/140, 12/1350, 8/1180, 3/860, 11/950, 1/410 county-level
    # backbone teachers per pupil: X̄ = 38/5460×100 = 0.696 per 100, and the pupil-weighted
    # S/X̄ = 0.4755 > 0.45. Its basic composite 0.3070 <= 0.55 meets (as above).
    # 各项指标全部达标 after 差异系数 is the quality claim for every stage it names.
    found = check(tmp_path, "示例旗2022年总结\n小学、初中校际差异系数各项指标全部达标。"
                            "初中校际差异系数未达标。初中综合差异系数达标。", [SAMPLE])
    assert found == [("校际差异系数各项指标全部达标", "verdict", "mismatch", None),
                     ("校际差异系数未达标", "verdict", "match", None),
                     ("综合差异系数达标", "verdict", "match", None)]


def test_every_school_meets_every_standard_is_the_standards_verdict(tmp_path: Path) -> None:
    # 示例旗第二小学 (data/2022.csv: 1430 pupils, 10 backbone teachers) has 10/1430×100 = 0.70
    # backbone teachers per 100 pupils, below 85% of the standard 1.0, so it fails whatever else
    # it meets (SPEC §4): "every school passes" is a mismatch, "a school fails" a match.
    found = check(tmp_path, "示例旗2022年总结\n全旗学校各项指标均达标。"
                            "小学学校中有1所未能各项指标全部达标。", [SAMPLE])
    assert [f[:4] for f in found if f[1] == "verdict"] == [
        ("学校各项指标均达标", "verdict", "mismatch", None),
        ("学校中有1所未能各项指标全部达标", "verdict", "match", None)]


def test_negative_and_partial_verdicts_are_not_read_as_passes(tmp_path: Path) -> None:
    # 示例旗 2022: 初中 misses the quality limits (backbone teachers S/X̄ = 0.4755 > 0.45, worked
    # above) and meets the basic composite (0.3070 <= 0.55).
    # A negation or a comma between the subject and 达标 is never a full pass; 其余/除……外 各项
    # is a partial statement; 达标率 is a figure, not a verdict.
    found = check(tmp_path, "示例旗2022年总结\n初中校际差异系数有两项未达标，其余各项均达标。"
                            "初中校际差异系数未全部达标。初中综合差异系数不达标。"
                            "初中校际差异系数除生均图书外各项指标均达标。"
                            "各项指标均达标率为80%。", [SAMPLE])
    verdicts = [f for f in found if f[1] == "verdict"]
    assert verdicts == [("校际差异系数有两项未达标", "verdict", "match", None),
                        ("校际差异系数未全部达标", "verdict", "match", None),
                        ("综合差异系数不达标", "verdict", "mismatch", None)]


def test_a_verdict_of_no_subject_is_reported_not_passed_over(tmp_path: Path) -> None:
    # 各项指标全部达标 alone: the coefficients or the school standards? edustat cannot tell, so it
    # lists the sentence as not bound, for a person to check, rather than skip it.
    found = check(tmp_path, "示例旗2022年总结\n经评估，各项指标全部达标。", [SAMPLE])
    assert found == [("各项指标全部达标", "verdict", "unbound", "verdict_subject")]


def _three_junior_schools(tmp_path: Path) -> Path:
    """Three junior schools of 100 pupils, worked by hand against SPEC §4 (junior standards:
    degree teachers 5.3, backbone 1.0, arts/PE 0.9 per 100 pupils; 5.8 m² teaching and 10.2 m²
    sports area, 2500 yuan equipment per pupil; 2.4 multimedia rooms per 100). J1 has 6, 1, 1;
    6, 11, 2600; 3: all 7 met, it passes. J2 has 0 backbone teachers and J3 0 multimedia rooms,
    below 85% of the standard: each fails. So 3 units, 1 passes, 2 fail."""
    from tests.builders import school, write_csv

    base = {"junior_students": 100, "junior_classes": 2, "junior_teachers": 8,
            "junior_degree_teachers": 6, "junior_titled_teachers": 4,
            "junior_backbone_teachers": 1, "junior_arts_pe_teachers": 1, "teaching_area": 600,
            "sports_area": 1100, "equipment_value": 260000, "multimedia_rooms": 3,
            "computers": 10, "books": 3000}
    return write_csv(tmp_path / "schools.csv", [
        school("J1", "初中", **base),
        school("J2", "初中", **{**base, "junior_backbone_teachers": 0}),
        school("J3", "初中", **{**base, "multimedia_rooms": 0})])


def test_counts_of_failing_and_passing_schools_against_the_data(tmp_path: Path) -> None:
    # The count of units that fail is checked against the failing units (2), never against the
    # number of units (3): 3所 in the last sentence is a mismatch because 2 fail, not a match.
    table = _three_junior_schools(tmp_path)
    draft = _draft(tmp_path, "测试县2022年总结\n全县共有初中学校3所，其中2所未达标，"
                             "1所各项指标全部达标。初中学校中有3所未能各项指标全部达标。")
    report = api.check_draft(draft, [table])
    found = [(f.written, f.key, f.verdict, f.computed) for f in report.findings
             if f.kind == "figure"]
    assert found == [("3", "schools.junior.units", "match", 3.0),
                     ("2", "standards.junior.failing_schools", "match", 2.0),
                     ("1", "standards.junior.passing_schools", "match", 1.0),
                     ("3", "standards.junior.failing_schools", "mismatch", 2.0)]


def test_the_failing_count_of_the_brief_is_no_false_mismatch(cli, tmp_path: Path) -> None:
    # 初中学校中有2所未能各项指标全部达标 with 3 junior units of which 2 fail: every figure holds.
    table = _three_junior_schools(tmp_path)
    draft = _draft(tmp_path, "测试县2022年总结\n全县共有初中学校3所。"
                             "初中学校中有2所未能各项指标全部达标。"
                             "未达标的初中学校有2所，其中2所学校未能各项指标全部达标。")
    result = cli("check", draft, table)
    assert result.exit_code == 0, result.output
    assert "不符 0，相符 6" in result.stdout and "没有发现不符" in result.stdout
    assert result.stdout.count("初中未达标学校（单位）数") == 3
    assert result.stdout.count("初中学校（单位）数") == 1
    result = cli("check", draft, table, "--format", "json")
    summary = json.loads(result.stdout)["summary"]
    assert (summary["figures"], summary["mismatch"], summary["unbound"]) == (4 + 2, 0, 0)


def _draft(tmp_path: Path, text: str) -> Path:
    draft = tmp_path / "draft.txt"
    draft.write_text(text, encoding="utf-8")
    return draft


def _figures(tmp_path: Path, sentence: str) -> set[tuple[str, str | None, str]]:
    report = api.check_draft(_draft(tmp_path, "测试县2022年总结\n" + sentence),
                             [_three_junior_schools(tmp_path)])
    return {(f.written, f.key, f.verdict) for f in report.findings if f.kind == "figure"}


def test_a_stage_total_before_a_failing_count_stays_the_units(tmp_path: Path) -> None:
    # The words after 3所 run into the next count's (未达标的2所): they are not the 3's.
    assert ("3", "schools.junior.units", "match") in _figures(
        tmp_path, "全县共有初中学校3所、其中未达标的2所。")


@pytest.mark.parametrize("sentence", ["初中达标1所、未达标2所。",
                                      "初中学校中达标的有1所、未达标的有2所。",
                                      "全县初中学校3所，其中2所未达标、1所达标。"])
def test_a_passing_count_beside_a_failing_one_is_the_passing_count(tmp_path: Path,
                                                                     sentence: str) -> None:
    # J1 passes, J2 and J3 fail (see _three_junior_schools): 1 passes, 2 fail.
    found = _figures(tmp_path, sentence)
    assert ("1", "standards.junior.passing_schools", "match") in found
    assert ("2", "standards.junior.failing_schools", "match") in found


def test_a_count_failing_one_indicator_is_not_the_failing_schools(tmp_path: Path) -> None:
    # Every junior school meets the equipment standard (2600 >= 2500 yuan per pupil): the
    # sentence is false, and no figure counts schools failing one indicator: unbound, never a
    # match against the 2 schools failing the standards as a whole.
    found = _figures(tmp_path, "初中有2所学校的生均教学仪器设备值未达标。")
    assert not any(key == "standards.junior.failing_schools" for _, key, _ in found)


def test_未达到标准_is_a_failing_count(tmp_path: Path) -> None:
    assert ("2", "standards.junior.failing_schools", "match") in _figures(
        tmp_path, "初中有2所学校未达到办学标准。")
