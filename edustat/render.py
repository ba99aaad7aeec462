"""Turning results into rich tables, JSON, CSV and XLSX; output files are written atomically."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from edustat.coefficients import CoefficientReport, CoefficientResult
from edustat.indicators import BY_KEY
from edustat.problems import Lang, Problem
from edustat.schema import STAGE_ZH

OUTPUT_FORMATS = {".csv": "csv", ".json": "json", ".xlsx": "xlsx"}
PROBLEM_DISPLAY_LIMIT = 500

LABELS: dict[str, tuple[str, str]] = {
    "indicator": ("指标", "Indicator"),
    "mean": ("县域值", "County value"),
    "sd": ("标准差", "SD"),
    "cv": ("差异系数", "CV"),
    "limit": ("标准", "Limit"),
    "verdict": ("结论", "Verdict"),
    "composite": ("综合差异系数", "Composite CV"),
    "meets": ("达标", "meets"),
    "fails": ("未达标", "fails"),
    "basic": ("基本均衡（2012）", "basic balance (2012)"),
    "quality": ("优质均衡（2017）", "quality balance (2017)"),
    "schools_students": ("学校 {schools} 所，学生 {students} 人",
                         "{schools} schools, {students} students"),
    "whole_file": ("（全部学校）", "(whole file)"),
    "school": ("学校", "School"),
    "students": ("学生数", "Students"),
    "drive": ("方差贡献", "Drives"),
    "file": ("文件", "File"),
    "row": ("行", "Row"),
    "column": ("列", "Column"),
    "value": ("值", "Value"),
    "severity": ("级别", "Severity"),
    "message": ("问题与处理", "Problem and what to do"),
    "error": ("错误", "error"),
    "warning": ("警告", "warning"),
    "note": ("提示", "note"),
    "no_results": ("没有可计算的学校（所选学段无在校生）",
                   "no school units to compute (no students in the chosen stages)"),
    "problems_summary": ("{errors} 个错误，{warnings} 个警告，{notes} 个提示",
                         "{errors} errors, {warnings} warnings, {notes} notes"),
    "more_problems": ("……另有 {more} 个问题未显示；用 -o problems.csv 获取完整清单",
                      "... {more} more problems not shown; use -o problems.csv for the full list"),
    "written": ("已写入 {path}", "written to {path}"),
    "clean": ("未发现问题：{rows} 行", "no problems found: {rows} rows"),
    "unit_view": ("各校指标值（括号内为占方差比例），按方差贡献排序",
                  "per-school values (share of variance in brackets), largest drivers first"),
}
STAGE_EN = {"primary": "primary", "junior": "junior secondary", "senior": "senior secondary"}


def label(key: str, lang: Lang, **params: Any) -> str:
    """A table label in `lang`."""
    zh, en = LABELS[key]
    return (zh if lang == "zh" else en).format(**params)


def stage_label(stage: str, lang: Lang) -> str:
    """A stage name in `lang`."""
    return STAGE_ZH.get(stage, stage) if lang == "zh" else STAGE_EN.get(stage, stage)


def fmt(value: float | None, decimals: int) -> str:
    """A number at `decimals` places; blank for None."""
    if value is None:
        return ""
    return f"{value:,.{decimals}f}" if abs(value) >= 10_000 else f"{value:.{decimals}f}"


def verdict(meets: bool | None, lang: Lang) -> Text:
    """达标 in green or 未达标 in red; blank when there is no verdict."""
    if meets is None:
        return Text("")
    return Text(label("meets", lang), style="green") if meets else Text(
        label("fails", lang), style="bold red")


# ---------------------------------------------------------------------------------------------
# Problems

def problems_table(problems: Sequence[Problem], lang: Lang) -> Table:
    """All problems as one table: file, row, column, value, severity, message."""
    table = Table(show_lines=False, expand=False)
    for key in ("file", "row", "column", "value", "severity", "message"):
        table.add_column(label(key, lang), overflow="fold",
                         justify="right" if key == "row" else "left")
    styles = {"error": "red", "warning": "yellow", "note": "cyan"}
    for problem in problems:
        table.add_row(problem.file, "" if problem.row is None else str(problem.row),
                      problem.column or "", problem.value or "",
                      Text(label(problem.severity, lang), style=styles[problem.severity]),
                      problem.message(lang))
    return table


def print_problems(console: Console, problems: Sequence[Problem], lang: Lang) -> None:
    """Print problems (errors first) with a summary line; long lists are cut with a pointer."""
    if not problems:
        return
    order = {"error": 0, "warning": 1, "note": 2}
    ordered = sorted(problems, key=lambda p: order[p.severity])
    shown = ordered[:PROBLEM_DISPLAY_LIMIT]
    console.print(problems_table(shown, lang))
    if len(ordered) > len(shown):
        console.print(label("more_problems", lang, more=len(ordered) - len(shown)))
    counts = {s: sum(p.severity == s for p in problems) for s in order}
    console.print(label("problems_summary", lang, errors=counts["error"],
                        warnings=counts["warning"], notes=counts["note"]))


# ---------------------------------------------------------------------------------------------
# Coefficients

def _result_title(result: CoefficientResult, standard: str, lang: Lang) -> str:
    place = result.county or label("whole_file", lang)
    year = f" {result.year}" if result.year is not None else ""
    counts = label("schools_students", lang, schools=result.schools, students=result.students)
    return f"{place}{year} {stage_label(result.stage, lang)} · {label(standard, lang)} · {counts}"


def coefficient_table(result: CoefficientResult, standard: str, lang: Lang,
                      decimals: int) -> Table:
    """One county, year and stage: each indicator's value, SD, CV; the composite and verdict."""
    table = Table(title=_result_title(result, standard, lang), title_justify="left")
    table.add_column(label("indicator", lang))
    for key in ("mean", "sd", "cv", "limit"):
        table.add_column(label(key, lang), justify="right")
    table.add_column(label("verdict", lang))
    for indicator in result.indicators:
        table.add_row(indicator.name, fmt(indicator.mean, decimals), fmt(indicator.sd, decimals),
                      fmt(indicator.cv, decimals), fmt(indicator.limit, 2),
                      verdict(indicator.meets, lang))
    table.add_section()
    composite_verdict = verdict(result.meets, lang)
    table.add_row(Text(label("composite", lang), style="bold"), "", "",
                  Text(fmt(result.composite, decimals), style="bold"), fmt(result.limit, 2),
                  composite_verdict)
    if result.notes:
        table.caption = "；".join(result.notes) if lang == "zh" else "; ".join(result.notes)
        table.caption_justify = "left"
    return table


def units_table(result: CoefficientResult, lang: Lang, decimals: int) -> Table:
    """The per-school view: each unit's values and share of the variance, drivers first."""
    table = Table(title=label("unit_view", lang), title_justify="left")
    table.add_column(label("school", lang), overflow="fold")
    table.add_column(label("students", lang), justify="right")
    table.add_column(label("drive", lang), justify="right")
    keys = [i.key for i in result.indicators]
    for key in keys:
        table.add_column(BY_KEY[key].short(lang), justify="right")
    for unit in result.units or []:
        cells = [f"{fmt(i.value, min(decimals, 2))} ({i.variance_share:.0%})"
                 for i in unit.indicators]
        table.add_row(unit.school_name or unit.school_id or "", str(unit.students),
                      f"{unit.drive:.0%}", *cells)
    return table


def coefficient_renderable(report: CoefficientReport, lang: Lang, decimals: int) -> Group:
    """Every result of a coefficient report as tables, one per county, year and stage."""
    parts: list[Any] = []
    if not report.results:
        parts.append(Text(label("no_results", lang)))
    for result in report.results:
        parts.append(coefficient_table(result, report.standard, lang, decimals))
        if result.units is not None:
            parts.append(units_table(result, lang, decimals))
        parts.append(Text(""))
    return Group(*parts)


def coefficient_unit_rows(report: CoefficientReport) -> list[dict[str, Any]]:
    """One record per (county, year, stage, school unit, indicator) for --schools output."""
    rows = []
    for result in report.results:
        for unit in result.units or []:
            for item in unit.indicators:
                rows.append({"standard": report.standard, "county": result.county,
                             "year": result.year, "stage": result.stage,
                             "school_id": unit.school_id, "school_name": unit.school_name,
                             "students": unit.students, "key": item.key, "value": item.value,
                             "gap": item.gap, "variance_share": item.variance_share,
                             "drive": unit.drive})
    return rows


# ---------------------------------------------------------------------------------------------
# Files and streams

def output_format(path: Path) -> str | None:
    """The output format an -o path asks for by its extension, or None if unsupported."""
    return OUTPUT_FORMATS.get(path.suffix.lower())


def csv_text(rows: Iterable[dict[str, Any]], columns: Sequence[str] | None = None) -> str:
    """Rows as CSV text (header from the first row unless `columns` is given)."""
    rows = list(rows)
    buffer = io.StringIO()
    fieldnames = list(columns or (rows[0].keys() if rows else []))
    writer = csv.DictWriter(buffer, fieldnames=fieldnames, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _csv_cell(v) for k, v in row.items()})
    return buffer.getvalue()


def _csv_cell(value: Any) -> Any:
    if isinstance(value, float):
        return repr(value)  # unrounded, shortest exact form
    if value is None:
        return ""
    return value


def write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    """Write via a temporary file in the same folder, then rename: whole or not at all."""
    target = path.resolve()
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                         dir=target.parent)
    os.close(handle)
    temp = Path(temp_name)
    try:
        write(temp)
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def write_output(path: Path, payload: dict[str, Any] | None,
                 sheets: dict[str, list[dict[str, Any]]]) -> None:
    """Write JSON (`payload`) or CSV/XLSX (`sheets`, the first for CSV) to `path`, atomically."""
    kind = output_format(path)
    if kind == "json":
        text = json.dumps(payload, ensure_ascii=False, indent=1) + "\n"
        write_atomic(path, lambda p: p.write_text(text, encoding="utf-8"))
    elif kind == "csv":
        # Files are opened by Excel more than by scripts: a BOM makes Excel read UTF-8 Chinese.
        text = csv_text(next(iter(sheets.values())))
        write_atomic(path, lambda p: p.write_text(text, encoding="utf-8-sig"))
    elif kind == "xlsx":
        write_atomic(path, lambda p: _write_xlsx(p, sheets))
    else:  # the CLI checks extensions first; this is a programming error
        raise ValueError(f"unsupported output extension: {path.suffix}")


def _write_xlsx(path: Path, sheets: dict[str, list[dict[str, Any]]],
                headers: Sequence[str] | None = None) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(title=name[:31])
        columns = list(headers or (rows[0].keys() if rows else []))
        if columns:
            sheet.append(columns)
        for row in rows:
            sheet.append([row.get(c) for c in columns])
    if not sheets:
        workbook.create_sheet("empty")
    workbook.save(path)


def write_header_only(path: Path, headers: Sequence[str]) -> None:
    """An empty table with just its header row (`edustat template`), CSV or XLSX by extension."""
    if path.suffix.lower() == ".csv":
        line = ",".join(headers) + "\r\n"
        write_atomic(path, lambda p: p.write_text(line, encoding="utf-8-sig"))
    else:
        write_atomic(path, lambda p: _write_xlsx(p, {"schools": []}, headers))
