"""A claim typed into a workbook as a number is held to the places its number format shows
(issue 11): 0.4110 in a 0.0000 cell is 0.4110, not 0.411, and does not match 0.4113."""

from __future__ import annotations

from pathlib import Path

from edustat import api
from edustat.results import joined
from tests.conftest import SAMPLE

KEY = "coefficient.basic.primary.sports_area_per_student"  # 0.411331 for 示例旗 2022


def _claims(tmp_path: Path, cells: list[tuple[str, object, str | None]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["指标", "报告值", "年份"])
    for row, (key, value, number_format) in enumerate(cells, start=2):
        sheet.append([key, value, 2022])
        if number_format is not None:
            sheet.cell(row=row, column=2).number_format = number_format
    path = tmp_path / "claims.xlsx"
    book.save(path)
    return path


def test_number_format_places(tmp_path: Path) -> None:
    path = _claims(tmp_path, [
        (KEY, 0.411, "0.0000"),  # shows 0.4110: 4 places, and 0.4113 != 0.4110
        (KEY, 0.4113, "0.0000"),  # shows 0.4113
        (KEY, 0.41133, "0.00"),  # shows 0.41: 0.411331 -> 0.41
        (KEY, 0.411, "0.0##"),  # optional places: no fixed precision, refused
        (KEY, 0.411, "0.00E+00"),  # exponent: refused
    ])
    results = {r.row: r for r in api.check([SAMPLE], claims=path).results}
    assert (results[2].reported, results[2].status, results[2].expected) == (
        "0.4110", "mismatch", "0.4113")
    assert (results[3].reported, results[3].status) == ("0.4113", "match")
    assert (results[4].reported, results[4].status) == ("0.41", "match")
    for row in (5, 6):
        assert results[row].status == "error"
        assert "文本格式" in joined(results[row].message, "zh")  # store it as text


def test_percent_format_and_general(tmp_path: Path) -> None:
    path = _claims(tmp_path, [
        ("exams.gaokao.undergrad_rate", 0.519, "0.0%"),  # shows 51.9%; 41/79 = 51.90%
        (KEY, 0.4113, None),  # General: read as shown, with a warning
    ])
    report = api.check([SAMPLE, SAMPLE.parent / "exams-2022.csv"], claims=path)
    results = {r.row: r for r in report.results}
    assert (results[2].reported, results[2].status) == ("51.9%", "match")
    assert results[3].status == "match"
    warned = [(p.row, p.code, p.severity) for p in report.problems
              if p.code == "claim_number_general"]
    assert warned == [(3, "claim_number_general", "warning")]
