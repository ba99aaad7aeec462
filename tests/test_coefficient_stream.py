"""A streamed coefficient report (api.coefficient(stream=True): its results kept as plain records,
never validated into models) writes byte for byte what the whole report writes: JSON, CSV, XLSX
sheets, verdicts and exit codes, on the sample, the shared examples and the edge cases that carry
notes, and the command line streams whenever it writes a file, JSON or CSV (issue 14 item 17)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from builders import school, write_csv
from conftest import SAMPLE, SHARED_EXAMPLES
from edustat import api
from edustat.coefficients import CoefficientReport
from edustat.output import csv_text
from edustat.output import write_csv as write_csv_rows

BOTH_STAGES = ("primary", "junior")


def _table(report: CoefficientReport) -> str:
    """The report's table as the command line prints it, at 120 columns."""
    from rich.console import Console

    from edustat.render.registry import RenderOptions, render

    console = Console(width=120, record=True, file=io.StringIO())
    console.print(render(report, RenderOptions(lang="zh", width=120)))
    return console.export_text()


def assert_streamed_is_whole(paths: Any, **options: Any) -> CoefficientReport:
    """The streamed report's every output equals the whole report's; returns the whole one."""
    whole = api.coefficient(paths, **options)
    streamed = api.coefficient(paths, stream=True, **options)
    assert streamed.results == []  # nothing validated into models
    for lang in ("zh", "en"):
        expected = whole.to_json_bytes(lang=lang)
        out = io.BytesIO()
        streamed.write_json(out, lang)
        assert out.getvalue() == expected + b"\n", lang
        assert streamed.to_json_bytes(lang=lang) == expected
        assert streamed.to_json_bytes(None, lang=lang) == whole.to_json_bytes(None, lang=lang)
        assert streamed.to_dict(lang) == whole.to_dict(lang)
        buffer = io.StringIO()
        write_csv_rows(buffer, streamed.csv_rows(lang))
        assert buffer.getvalue() == csv_text(whole.csv_rows(lang)), lang
        assert streamed.sheets(lang) == whole.sheets(lang)
    assert streamed.failed() == whole.failed()
    # What plan and figures read: the same records, with or without models behind them.
    records = streamed.result_records()
    assert records == whole.result_records()
    assert [r["meets"] for r in records] == [r.meets for r in whole.results]
    assert [[i["cv"] for i in r["indicators"]] for r in records] == [
        [i.cv for i in r.indicators] for r in whole.results]
    assert streamed.problems == whole.problems
    # A table of a streamed report is the whole report's table (not "no schools").
    assert _table(streamed) == _table(whole)
    for strict in (False, True):
        assert streamed.exit_code(strict) == whole.exit_code(strict)
    return whole


@pytest.mark.parametrize("standard", ["basic", "quality"])
@pytest.mark.parametrize("schools", [False, True])
@pytest.mark.parametrize("stages", [BOTH_STAGES, ("junior",)])
def test_sample(standard: str, schools: bool, stages: tuple[str, ...]) -> None:
    whole = assert_streamed_is_whole(SAMPLE, standard=standard, schools=schools, stages=stages)
    assert {r.stage for r in whole.results} == set(stages)
    assert all((r.units is not None) == schools for r in whole.results)


@pytest.mark.parametrize("name", ["jibiao-2023.xlsx", "county-zh-gbk.csv"])
@pytest.mark.parametrize("standard", ["basic", "quality"])
@pytest.mark.parametrize("schools", [False, True])
def test_shared_examples(name: str, standard: str, schools: bool) -> None:
    whole = assert_streamed_is_whole(SHARED_EXAMPLES / name, standard=standard, schools=schools)
    assert whole.results


def _notes_file(tmp_path: Path) -> Path:
    # 甲县 has one primary school (a single unit: CV 0, a note); in 乙县 no school has equipment,
    # computers, multimedia rooms, titled, backbone or PE/arts teachers: those indicators are 0
    # everywhere (CV 0, a note each).
    rows = [school("A", "小学", county="甲县", primary_students=120, teaching_area=600,
                   primary_teachers=6, primary_backbone_teachers=1),
            *(school(sid, "小学", county="乙县", primary_students=students,
                     teaching_area=area, sports_area=2 * area, books=30 * students,
                     primary_teachers=students // 20, primary_degree_teachers=2)
              for sid, students, area in (("B", 100, 400), ("C", 300, 1500), ("D", 50, 300)))]
    return write_csv(tmp_path / "notes.csv", rows)


@pytest.mark.parametrize("standard", ["basic", "quality"])
@pytest.mark.parametrize("schools", [False, True])
def test_single_unit_and_all_zero_notes(tmp_path: Path, standard: str, schools: bool) -> None:
    whole = assert_streamed_is_whole(_notes_file(tmp_path), standard=standard,
                                     schools=schools, stages=("primary",))
    notes = {r.county: r.notes for r in whole.results}
    assert "note.coefficient.single_unit" in [n.code for n in notes["甲县"]]
    zero = {"basic": ["equipment_value_per_student", "computers_per_100",
                      "titled_teachers_per_student"],
            "quality": ["backbone_teachers_per_100", "arts_pe_teachers_per_100",
                        "equipment_value_per_student", "multimedia_rooms_per_100"]}[standard]
    assert [n.params["name"].code for n in notes["乙县"]] == [f"indicator.{k}.name" for k in zero]


def test_empty_result(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "primary.csv",
                     [school("A", "小学", primary_students=100, teaching_area=500)])
    whole = assert_streamed_is_whole(path, stages=("junior",))
    assert whole.results == []


def test_cli_streams_files_json_and_csv(cli: Any, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    whole = api.coefficient(SAMPLE, standard="quality")
    assert whole.failed()  # so --strict has something to turn into exit 1
    expected_json = {lang: whole.to_json_bytes(lang=lang) + b"\n" for lang in ("zh", "en")}
    expected_csv = csv_text(whole.csv_rows("en"))

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the CLI validated the results into models")

    monkeypatch.setattr(CoefficientReport, "model_validate", refuse)
    for lang in ("zh", "en"):
        result = cli("coefficient", SAMPLE, "--standard", "quality", "-f", "json",
                     "--lang", lang, "--strict")
        assert result.exit_code == 1
        assert result.stdout_bytes == expected_json[lang]
    result = cli("coefficient", SAMPLE, "--standard", "quality", "-f", "csv", "--lang", "en")
    assert result.exit_code == 0
    assert result.stdout == expected_csv
    target = tmp_path / "out.json"
    assert cli("coefficient", SAMPLE, "--standard", "quality", "-o", target).exit_code == 0
    assert target.read_bytes() == expected_json["zh"]
    target = tmp_path / "out.csv"
    assert cli("coefficient", SAMPLE, "--standard", "quality", "--lang", "en",
               "-o", target).exit_code == 0
    assert target.read_text(encoding="utf-8-sig") == expected_csv
