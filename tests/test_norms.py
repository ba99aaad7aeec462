"""Standards as data: the national defaults match SPEC §3-§4, and a province file overlays them."""

from __future__ import annotations

import json

import pytest

from edustat.norms import load_norms
from edustat.problems import InputError


def test_national_defaults_are_the_spec_values():
    norms = load_norms()
    # SPEC §3: basic composite limits, quality per-indicator limits, splitting weights.
    assert norms.composite_limits == {"primary": 0.65, "junior": 0.55}
    assert norms.indicator_limits == {"primary": 0.50, "junior": 0.45}
    assert norms.stage_weights("nine_year") == {"primary": 1.0, "junior": 1.1, "senior": 1.32}
    assert norms.stage_weights("complete_secondary") == {"junior": 1.0, "senior": 1.2}
    # SPEC §4: the seven per-school values of each stage, the pass rule, size and class limits.
    assert norms.school_standards["primary"] == {
        "degree_teachers_per_100": 4.2, "backbone_teachers_per_100": 1.0,
        "arts_pe_teachers_per_100": 0.9, "teaching_area_per_student": 4.5,
        "sports_area_per_student": 7.5, "equipment_value_per_student": 2000,
        "multimedia_rooms_per_100": 2.3}
    assert norms.school_standards["junior"] == {
        "degree_teachers_per_100": 5.3, "backbone_teachers_per_100": 1.0,
        "arts_pe_teachers_per_100": 0.9, "teaching_area_per_student": 5.8,
        "sports_area_per_student": 10.2, "equipment_value_per_student": 2500,
        "multimedia_rooms_per_100": 2.4}
    assert (norms.school_pass.min_met, norms.school_pass.floor_share) == (6, 0.85)
    assert norms.class_size_limits == {"primary": 45, "junior": 50}
    assert norms.school_size_limits["nine_year"] == 2500


def test_a_province_file_changes_only_what_it_names(tmp_path):
    path = tmp_path / "province.json"
    path.write_text(json.dumps({"name": "某省", "composite_limits": {"junior": 0.5},
                                "school_standards": {"junior": {"sports_area_per_student": 9}}}),
                    "utf-8")
    norms = load_norms(path)
    assert norms.name == "某省"
    assert norms.composite_limits == {"primary": 0.65, "junior": 0.5}
    assert norms.school_standards["junior"]["sports_area_per_student"] == 9
    assert norms.school_standards["junior"]["teaching_area_per_student"] == 5.8


@pytest.mark.parametrize("content, field", [
    ({"indicator_limits": {"primary": 0}}, "indicator_limits.primary"),
    ({"school_pass": {"min_met": 9}}, "school_pass.min_met"),
    ({"no_such_setting": 1}, "no_such_setting"),
])
def test_bad_values_name_the_setting(tmp_path, content, field):
    path = tmp_path / "province.json"
    path.write_text(json.dumps(content), "utf-8")
    with pytest.raises(InputError) as caught:
        load_norms(path)
    assert [p.params["field"] for p in caught.value.problems] == [field]
    assert caught.value.problems[0].file == str(path)


def test_a_file_that_is_not_json(tmp_path):
    path = tmp_path / "province.json"
    path.write_text("composite_limits: 0.6", "utf-8")
    with pytest.raises(InputError) as caught:
        load_norms(path)
    assert caught.value.problems[0].code == "bad_standards"


def test_settings_file_problems_name_line_key_and_value_in_chinese(tmp_path):
    from edustat.texts import t

    # A syntax error: the line and column of the first mistake, worded, not a parser's English.
    broken = tmp_path / "province.json"
    broken.write_text('{\n  "composite_limits": {"primary": 0.6,}\n}', "utf-8")
    with pytest.raises(InputError) as caught:
        load_norms(broken)
    (problem,) = caught.value.problems
    assert problem.row == 2
    text = t("problem.bad_standards", "zh", **problem.params)
    assert "JSON：语法错误，第 2 行" in text  # the field (JSON), then where the mistake is
    # Values: each wrong one named by its key, its value as written, and what it should be.
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"composite_limits": {"primry": 0.5, "junior": -1},
                                 "indicator_limits": {"primary": "x"}}), "utf-8")
    with pytest.raises(InputError) as caught:
        load_norms(wrong)
    by_key = {p.column: p for p in caught.value.problems}
    assert set(by_key) == {"composite_limits.primry", "composite_limits.junior",
                           "indicator_limits.primary"}
    assert by_key["composite_limits.junior"].value == "-1"
    assert t("problem.bad_standards", "zh", **by_key["composite_limits.junior"].params
             ).endswith("应大于 0")
    assert t("problem.bad_standards", "zh", **by_key["indicator_limits.primary"].params
             ).endswith("应为数字")
    assert "是否应为 primary" in t("problem.bad_standards", "zh",
                                  **by_key["composite_limits.primry"].params)
