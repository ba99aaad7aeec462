"""edustat audit (SPEC §10): each rule finds its injected anomaly at the right school and year,
and nothing on clean counties. Data come from the committed generator data/audit/make_sample.py
and go through the real reader (CSV files in a temporary folder)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edustat import api
from edustat.audit import AuditReport, Finding

ROOT = Path(__file__).resolve().parent.parent


def _generator() -> Any:
    path = ROOT / "data" / "audit" / "make_sample.py"
    spec = importlib.util.spec_from_file_location("audit_make_sample", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


GEN = _generator()
Years = dict[int, list[dict[str, Any]]]


def run(folder: Path, years: Years, **options: Any) -> AuditReport:
    """Write the yearly tables and audit them as a user would."""
    return api.audit(GEN.write(years, folder), **options)


def at(report: AuditReport, rule: str, school_id: str | None = None,
       year: int | None = None) -> list[Finding]:
    """Findings of `rule` (at the school and year when given)."""
    return [f for f in report.findings if f.rule == rule
            and (school_id is None or f.school_id == school_id)
            and (year is None or f.year == year)]


def school_index(years: Years, school_id: str) -> int:
    return next(i for i, r in enumerate(years[GEN.YEARS[0]]) if r["school_id"] == school_id)


def set_grade(years: Years, index: int, year: int, grade: int, value: int) -> None:
    """Set a grade count and keep the stage total equal to the grades (else grades_total)."""
    row = years[year][index]
    stage = "primary_students" if grade <= 6 else "junior_students"
    row[stage] += value - row[f"grade{grade}"]
    row[f"grade{grade}"] = value


# ---------------------------------------------------------------------------------------------
# Clean counties: nothing to report

@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4, 5, 6, 7])
def test_clean_county_has_no_findings(tmp_path: Path, seed: int) -> None:
    years, truth = GEN.generate(seed, ())
    assert truth == []
    report = run(tmp_path, years)
    assert report.findings == [], [f.message("en") for f in report.findings]
    assert report.summary["schools"] == 20 and report.summary["years"] == 5
    assert report.exit_code(strict=True) == 0


# ---------------------------------------------------------------------------------------------
# One test per anomaly kind of the generator: found at its school and year

def _only(kind: str, seed: int = 11) -> tuple[Years, dict[str, Any]]:
    years, truth = GEN.generate(seed, (kind,))
    assert len(truth) == 1
    return years, truth[0]


def test_cohort_inflated_by_a_third_is_found_at_its_year(tmp_path: Path) -> None:
    years, truth = _only("cohort")
    report = run(tmp_path, years)
    found = at(report, "cohort_flow", truth["school_id"], truth["year"])
    assert len(found) == 1 and found[0].code == "cohort_cell_high"
    # The grade before (year - 1) and the grade after (year + 1) are the values compared with.
    assert [r.year for r in found[0].related] == [truth["year"] - 1, truth["year"] + 1]
    assert found[0].severity == "warning"
    assert not [f for f in report.findings if f.school_id != truth["school_id"]]


def test_copied_row_names_both_schools(tmp_path: Path) -> None:
    years, truth = _only("copied")
    source = truth["related"][0][0]
    report = run(tmp_path, years)
    here = at(report, "copied_row", truth["school_id"], truth["year"])
    there = at(report, "copied_row", source, truth["year"])
    assert len(here) == 1 and len(there) == 1
    assert here[0].related[0].school_id == source
    assert there[0].related[0].school_id == truth["school_id"]
    assert set(here[0].columns) == {"teaching_area", "sports_area", "equipment_value",
                                    "computers", "books", "multimedia_rooms"}
    assert here[0].values == here[0].related[0].values
    # The message names the other school by name and by its place in the files.
    assert there[0].school_name in here[0].message("zh")
    assert f"{truth['year']}.csv:{there[0].row}" in here[0].message("zh")


def test_row_not_updated_is_found_at_the_stale_year(tmp_path: Path) -> None:
    years, truth = _only("not_updated")
    report = run(tmp_path, years)
    found = at(report, "not_updated", truth["school_id"], truth["year"])
    assert len(found) == 1
    assert found[0].related[0].year == truth["year"] - 1
    # The stale row's flows into the next year are not reported again.
    assert not at(report, "cohort_flow", truth["school_id"], truth["year"] + 1)


def test_asset_drop_that_comes_back_is_a_typing_error(tmp_path: Path) -> None:
    years, truth = _only("asset_drop")
    report = run(tmp_path, years)
    found = at(report, "asset_change", truth["school_id"], truth["year"])
    assert [f.code for f in found] == ["asset_drop_back"]
    assert found[0].columns == ["teaching_area"]
    # Shown with the year before and the next year; the return is not a second finding.
    assert [r.year for r in found[0].related] == [truth["year"] - 1, truth["year"] + 1]
    assert not at(report, "asset_change", truth["school_id"], truth["year"] + 1)
    assert not at(report, "consistency", truth["school_id"])


def test_asset_jump_ten_thousandfold(tmp_path: Path) -> None:
    years, truth = _only("asset_jump")
    report = run(tmp_path, years)
    found = at(report, "asset_change", truth["school_id"], truth["year"])
    assert [f.code for f in found] == ["asset_jump_back"]
    assert found[0].columns == ["equipment_value"]


def test_heaping_school_is_found(tmp_path: Path) -> None:
    years, truth = _only("heaping")
    report = run(tmp_path, years)
    found = at(report, "heaping", truth["school_id"])
    # Equipment rounded to 10 000 and books to 1 000 in all 5 years; the others round nothing.
    by_column = {f.columns[0]: f for f in found}
    assert sorted(by_column) == ["books", "equipment_value"] and len(found) == 2
    assert "5 个年度中有 5 个是 10000 的整数倍" in by_column["equipment_value"].message("zh")
    assert "5 of 5 years a multiple of 1000;" in by_column["books"].message("en")
    assert not [f for f in report.findings if f.school_id != truth["school_id"]]


def test_computers_above_pupils(tmp_path: Path) -> None:
    years, truth = _only("computers")
    report = run(tmp_path, years)
    assert len(at(report, "computers_per_pupil", truth["school_id"], truth["year"])) == 1
    # The jump and its return are this same mistake: not reported again as year-on-year jumps.
    assert not at(report, "consistency", truth["school_id"])


def test_class_count_typed_too_small(tmp_path: Path) -> None:
    years, truth = _only("classes")
    report = run(tmp_path, years)
    found = at(report, "consistency", truth["school_id"], truth["year"])
    assert "ratio_out_of_range" in [f.code for f in found]
    assert found[0].worded_by == "problem" and "66" in found[0].message("zh")


# ---------------------------------------------------------------------------------------------
# Rules on hand-made figures

def test_cohort_ratio_exactly_at_the_limit_meets_it(tmp_path: Path) -> None:
    years, _ = GEN.generate(3, ())
    index = school_index(years, "2152030001")
    # One cohort: grade 2 in 2019 = 100 → grade 3 in 2020 = 115 (115/100 = 1.15, at the
    # limit: not flagged), then 115 in grades 4, 5, 6 (ratio 1).
    for grade, year, value in ((2, 2019, 100), (3, 2020, 115), (4, 2021, 115), (5, 2022, 115),
                               (6, 2023, 115)):
        set_grade(years, index, year, grade, value)
    assert not at(run(tmp_path / "a", years), "cohort_flow")
    # 116/100 = 1.16 > 1.15: flagged at 2020, compared with 2019 (the flow out of 2020 is 1).
    set_grade(years, index, 2020, 3, 116)
    found = at(run(tmp_path / "b", years), "cohort_flow", "2152030001")
    assert [(f.year, f.code, f.values) for f in found] == [(2020, "cohort_up", [116.0])]
    assert found[0].related[0].year == 2019 and found[0].related[0].values == [100.0]


def test_small_cohort_changes_are_not_judged(tmp_path: Path) -> None:
    years, _ = GEN.generate(3, ())
    index = school_index(years, "2152030001")
    # 19 pupils (below min_pupils 20) → 30: not judged. 40 → 44 is +10%: within bounds.
    for grade, year, value in ((2, 2019, 19), (3, 2020, 30), (4, 2021, 30), (5, 2022, 30),
                               (6, 2023, 30)):
        set_grade(years, index, year, grade, value)
    assert not at(run(tmp_path, years), "cohort_flow")


def test_county_primary_to_junior_flow(tmp_path: Path) -> None:
    years, _ = GEN.generate(4, ())
    # Every school's grade 7 in 2021 raised by a quarter: the county's grade 7 is far above its
    # grade 6 of 2020. The per-school flows from grade 7 to 8 then fall: those are found too.
    for row in years[2021]:
        if row["grade7"]:
            extra = row["grade7"] // 4
            row["grade7"] += extra
            row["junior_students"] += extra
    report = run(tmp_path, years)
    found = at(report, "county_cohort_flow")
    assert [(f.year, f.code, f.school_id) for f in found] == [(2021, "county_cohort_up", None)]
    g6 = sum(r["grade6"] for r in years[2020])
    g7 = sum(r["grade7"] for r in years[2021])
    assert found[0].values == [float(g7)] and found[0].related[0].values == [float(g6)]


def test_teachers_per_class_and_per_pupil_ratios(tmp_path: Path) -> None:
    years, _ = GEN.generate(5, ())
    row = years[2022][school_index(years, "2152030002")]
    # 7 teachers for 10 classes = 0.7 a class, below 1.
    row["primary_teachers"], row["primary_classes"] = 7, 10
    row["primary_degree_teachers"] = row["primary_titled_teachers"] = 5
    other = years[2021][school_index(years, "2152030003")]
    # teaching area 51 m² a pupil (> 50), books 301 a pupil (> 300).
    pupils = other["primary_students"]
    other["teaching_area"] = float(pupils * 51)
    other["books"] = pupils * 301
    report = run(tmp_path, years)
    assert [f.values for f in at(report, "teachers_per_class", "2152030002", 2022)] == [
        [7.0, 10.0]]
    assert at(report, "area_per_pupil", "2152030003", 2021)[0].severity == "info"
    assert at(report, "books_per_pupil", "2152030003", 2021)[0].severity == "info"


def test_exam_candidates_above_grade_nine(tmp_path: Path) -> None:
    years, _ = GEN.generate(6, ())
    paths = GEN.write(years, tmp_path)
    junior = years[2022][15]  # 示例旗第一中学
    grade9 = max(junior["grade9"], years[2021][15]["grade9"])
    exam = tmp_path / "exams-2022.csv"
    exam.write_text("学校标识码,学校名称,县区,年份,考试,考生数,统招录取人数,分招录取人数,"
                    "特长生录取人数\n"
                    f"{junior['school_id']},{junior['school_name']},示例旗,2022,中考,"
                    f"{grade9 + 1},10,5,1\n"
                    f"2152030017,示例旗第二中学,示例旗,2022,中考,{years[2022][16]['grade9']},"
                    "10,5,1\n", encoding="utf-8")
    report = api.audit([*paths, exam])
    found = at(report, "candidates_over_pupils")
    assert [(f.school_id, f.year, f.values) for f in found] == [
        (junior["school_id"], 2022, [float(grade9 + 1)])]
    assert found[0].file == str(exam) and found[0].row == 2


def test_heaping_is_judged_against_the_county(tmp_path: Path) -> None:
    years, _ = GEN.generate(7, ())
    index = school_index(years, "2152030008")
    # One school rounds equipment to whole thousands in 3 of 5 years (60%, "most years"),
    # the county's other schools round nothing: found.
    for year in (2019, 2021, 2023):
        row = years[year][index]
        row["equipment_value"] = float(round(row["equipment_value"], -3))
    report = run(tmp_path / "one", years)
    assert [f.columns for f in at(report, "heaping", "2152030008")] == [["equipment_value"]]
    # 2 of 5 years is not most years.
    years[2023][index]["equipment_value"] += 1.5
    assert not at(run(tmp_path / "two", years), "heaping")
    # A county where every school reports in 千元 (all whole thousands): nobody stands out.
    for rows in years.values():
        for row in rows:
            row["equipment_value"] = float(round(row["equipment_value"], -3))
    assert not at(run(tmp_path / "all", years), "heaping")


def test_copied_small_counts_alone_are_not_copies(tmp_path: Path) -> None:
    years, _ = GEN.generate(8, ())
    a, b = years[2022][0], years[2022][1]
    # Four equal values, but only computers (≥ 100) is distinctive: 6 rooms and 0 areas are not.
    for column in ("multimedia_rooms", "computers"):
        b[column] = a[column]
    b["computers"] = a["computers"] = 150
    b["multimedia_rooms"] = a["multimedia_rooms"] = 6
    report = run(tmp_path, years)
    assert not at(report, "copied_row")


def test_input_errors_are_findings_too(tmp_path: Path) -> None:
    years, _ = GEN.generate(9, ())
    row = years[2020][2]
    row["primary_degree_teachers"] = row["primary_teachers"] + 3  # a subset above its total
    report = run(tmp_path, years)
    found = at(report, "input", row["school_id"], 2020)
    assert len(found) == 1 and found[0].columns == ["primary_degree_teachers"]
    assert found[0].severity == "warning" and found[0].worded_by == "problem"
    assert report.exit_code() == 0  # a lead to correct, not a table that cannot be read


def test_every_anomaly_at_once_keeps_each_at_its_school(tmp_path: Path) -> None:
    years, truth = GEN.generate(12, GEN.ALL)
    report = run(tmp_path, years)
    expected = {"cohort": "cohort_flow", "copied": "copied_row", "not_updated": "not_updated",
                "asset_drop": "asset_change", "asset_jump": "asset_change",
                "heaping": "heaping", "computers": "computers_per_pupil",
                "classes": "consistency"}
    for anomaly in truth:
        year = None if anomaly["kind"] == "heaping" else anomaly["year"]
        assert at(report, expected[anomaly["kind"]], anomaly["school_id"], year), anomaly
    schools = {a["school_id"] for a in truth} | {s for a in truth for s, _ in a["related"]}
    assert {f.school_id for f in report.findings} <= schools


def test_json_shape_of_spec_section_10(tmp_path: Path) -> None:
    years, _truth = _only("copied")
    data = run(tmp_path, years).to_dict("en")
    assert set(data) >= {"files", "years", "findings", "summary"}
    assert data["years"] == list(GEN.YEARS)
    finding = data["findings"][0]
    assert set(finding) >= {"school_id", "school_name", "year", "rule", "columns", "values",
                            "related", "message", "severity", "why", "check"}
    assert set(finding["related"][0]) >= {"school_id", "year", "file", "row", "values"}
    assert data["summary"]["warning"] == len(data["findings"]) and data["summary"]["info"] == 0
    assert data["summary"]["schools"] == 20 and data["summary"]["years"] == 5


def test_findings_are_ordered_by_school_then_year(tmp_path: Path) -> None:
    years, _ = GEN.generate(13, GEN.ALL)
    report = run(tmp_path, years)
    keys = [(f.county or "", f.school_id is not None, f.school_id or "", f.year or 0)
            for f in report.findings]
    assert len(keys) > 8 and keys == sorted(keys)


def test_tables_without_years_still_get_the_single_year_rules(tmp_path: Path) -> None:
    years, _ = GEN.generate(14, ("classes",))
    year = next(y for y, rows in years.items()
                if any(r["primary_classes"] and r["primary_students"] / r["primary_classes"] > 66
                       for r in rows))
    path = GEN.write({year: years[year]}, tmp_path)[0]
    lines = path.read_text("utf-8").splitlines()
    # Drop the 年份 column and give the file a name without a year.
    undated = tmp_path / "schools.csv"
    undated.write_text("\n".join(line.rsplit(",", 1)[0] for line in lines) + "\n", "utf-8")
    report = api.audit([undated])
    assert report.years == [] and [f.rule for f in report.findings] == ["consistency"]
    assert report.findings[0].year is None


def test_a_cell_that_is_not_a_number_is_shown_as_written(tmp_path: Path) -> None:
    years, _ = GEN.generate(15, ())
    paths = GEN.write(years, tmp_path)
    text = paths[2].read_text("utf-8").splitlines()
    cells = text[4].split(",")
    cells[12] = "12万"  # 图书册数
    text[4] = ",".join(cells)
    paths[2].write_text("\n".join(text) + "\n", "utf-8")
    report = api.audit(paths)
    found = at(report, "input")
    assert len(found) == 1 and found[0].row == 5 and found[0].year == 2021
    assert found[0].values_text("zh") == "图书册数：12万"


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), order=st.randoms(use_true_random=False))
def test_findings_do_not_depend_on_row_or_file_order(tmp_path: Path, seed: int,
                                                     order: Any) -> None:
    """The same schools in another row order, files given in another order: the same leads."""
    years, _ = GEN.generate(seed, GEN.ALL)
    first = run(tmp_path / f"a{seed}", years)
    shuffled = {year: order.sample(rows, len(rows)) for year, rows in years.items()}
    paths = GEN.write(shuffled, tmp_path / f"b{seed}")
    second = api.audit(order.sample(paths, len(paths)))

    def leads(report: AuditReport) -> list[tuple[Any, ...]]:
        return sorted((f.school_id or "", f.year or 0, f.rule, f.code, tuple(f.columns),
                       tuple(f.values), f.severity) for f in report.findings)

    assert leads(first) == leads(second)


def test_a_table_misread_in_most_rows_stops_the_audit(tmp_path: Path) -> None:
    """Most rows in error (here 11 of 20 without a school name): the table is not being read
    as meant, and leads drawn from it would be noise; the problems are reported instead."""
    from edustat.problems import InputError

    years, _ = GEN.generate(16, ())
    for row in years[2021][:11]:
        row["school_name"] = ""
    paths = GEN.write(years, tmp_path / "most")
    with pytest.raises(InputError) as caught:
        api.audit(paths)
    assert {p.row for p in caught.value.problems} == set(range(2, 13))
    # Ten of twenty is not most: each is a finding of the list.
    years[2021][10]["school_name"] = "示例旗白音乡小学"
    report = api.audit(GEN.write(years, tmp_path / "half"))
    assert len(at(report, "input", year=2021)) == 10


def test_input_rule_switched_off_keeps_the_problems(tmp_path: Path) -> None:
    years, _ = GEN.generate(9, ())
    row = years[2020][2]
    row["primary_degree_teachers"] = row["primary_teachers"] + 3
    rules = tmp_path / "rules.json"
    rules.write_text('{"input": {"enabled": false}}', "utf-8")
    report = api.audit(GEN.write(years, tmp_path), rules_file=rules)
    assert not at(report, "input")
    errors = [p for p in report.problems if p.severity == "error"]
    assert [(Path(p.file).name, p.row) for p in errors] == [("2020.csv", 4)]
    assert report.exit_code() == 1
