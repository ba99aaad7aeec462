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
from edustat.enrolment import EnrolmentReport, EnrolmentResult, RateResult
from edustat.exams import RATE_BY_KEY, ExamReport, ExamResult, RateValue
from edustat.indicators import BY_KEY
from edustat.problems import Lang, Problem, worded
from edustat.schema import SCHOOL_TYPE_ZH, STAGE_ZH
from edustat.standards import SchoolStandardsResult, StandardsReport, StandardsTotal

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
    "summary_title": ("差异系数汇总 · {standard} · {count} 项", "coefficients · {standard} · {count} results"),
    "county": ("县区", "County"),
    "year": ("年份", "Year"),
    "stage": ("学段", "Stage"),
    "schools_n": ("学校", "Schools"),
    "widest": ("差异最大", "Widest"),
    "widest_cv": ("系数", "its CV"),
    "summary_hint": ("每县的指标表：--county 县名 --detail；全部数字：-o 结果.xlsx 或 --format csv",
                     "each county's indicators: --county NAME --detail; every figure: -o out.xlsx "
                     "or --format csv"),
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
    "unit_view": ("各校对差异的贡献（方差贡献为各指标占方差比例的平均），贡献大者在前",
                  "what each school adds to the spread (mean share of variance), largest first"),
    "main_gaps": ("主要差距指标：本校值（县域值，占方差）",
                  "main gaps: school value (county value, share of variance)"),
    "gap_line": ("{name} {value}（县 {county}，{share}）", "{name} {value} (county {county}, {share})"),
}
STAGE_EN = {"primary": "primary", "junior": "junior secondary", "senior": "senior secondary"}


def label(key: str, lang: Lang, **params: Any) -> str:
    """A table label in `lang`."""
    return worded(LABELS[key], lang, **params)


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
    files: dict[str, int] = {}
    for problem in problems:
        files.setdefault(problem.file, len(files))
    # Errors first; within them by file (as given) and row, as a person works down a sheet.
    ordered = sorted(problems, key=lambda p: (order[p.severity], files[p.file], p.row or 0))
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
    return table


def units_table(result: CoefficientResult, lang: Lang, decimals: int, top: int = 2) -> Table:
    """The per-school view: drivers first, each with the indicators it pulls apart most.

    Every unit's value, gap and share of every indicator is in the JSON/CSV; the table keeps to
    what fits a terminal: the `top` indicators where the school contributes most variance.
    """
    county_value = {i.key: i.mean for i in result.indicators}
    table = Table(title=label("unit_view", lang), title_justify="left")
    table.add_column(label("school", lang), overflow="fold")
    table.add_column(label("students", lang), justify="right")
    table.add_column(label("drive", lang), justify="right")
    table.add_column(label("main_gaps", lang), overflow="fold")
    for unit in result.units or []:
        leading = sorted(unit.indicators, key=lambda i: -i.variance_share)[:top]
        gaps = "\n".join(
            label("gap_line", lang, name=BY_KEY[i.key].short(lang), value=fmt(i.value, decimals),
                  county=fmt(county_value[i.key], decimals), share=f"{i.variance_share:.0%}")
            for i in leading if i.variance_share > 0)
        table.add_row(unit.school_name or unit.school_id or "", str(unit.students),
                      f"{unit.drive:.0%}", gaps)
    return table


def coefficient_summary_table(report: CoefficientReport, lang: Lang, decimals: int) -> Table:
    """One line per county, year and stage: composite, limit, verdict, the widest indicator."""
    table = Table(title=label("summary_title", lang, standard=label(report.standard, lang),
                              count=len(report.results)), title_justify="left")
    for key in ("county", "year", "stage", "schools_n", "students", "composite", "limit",
                "verdict", "widest", "widest_cv"):
        table.add_column(label(key, lang), no_wrap=key == "widest", justify="right" if key in (
            "year", "schools_n", "students", "composite", "limit", "widest_cv") else "left")
    for result in report.results:
        widest = max(result.indicators, key=lambda i: i.cv)
        failing = [i for i in result.indicators if i.meets is False]
        verdict_cell = verdict(result.meets, lang)
        if failing:
            verdict_cell.append(f" {len(failing)}/{len(result.indicators)}")
        table.add_row(result.county or label("whole_file", lang),
                      "" if result.year is None else str(result.year),
                      stage_label(result.stage, lang), str(result.schools), str(result.students),
                      fmt(result.composite, decimals), fmt(result.limit, 2), verdict_cell,
                      BY_KEY[widest.key].short(lang), fmt(widest.cv, decimals))
    return table


def coefficient_renderable(report: CoefficientReport, lang: Lang, decimals: int,
                           summary: bool = False) -> Group:
    """A coefficient report as tables: one per county, year and stage, or one summary line
    each (`summary`, for province files)."""
    parts: list[Any] = []
    if not report.results:
        parts.append(Text(label("no_results", lang)))
    elif summary:
        return Group(coefficient_summary_table(report, lang, decimals),
                     Text(label("summary_hint", lang)))
    for result in report.results:
        parts.append(coefficient_table(result, report.standard, lang, decimals))
        # Below the table, not as its caption: a caption wraps at the table's own width.
        parts.extend(Text(note) for note in result.notes)
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


Sheets = dict[str, list[dict[str, Any]]]


def write_output(path: Path, payload: dict[str, Any] | None,
                 sheets: Sheets | Callable[[], Sheets], *,
                 json_text: str | bytes | None = None) -> None:
    """Write JSON (`json_text`, text or UTF-8 bytes, else `payload`) or CSV/XLSX (`sheets`, the
    first for CSV) to `path`, atomically. `sheets` may be a callable, so rows are only built
    when needed."""
    kind = output_format(path)
    if kind in ("csv", "xlsx") and callable(sheets):
        sheets = sheets()
    if kind == "json":
        if json_text is None:
            json_text = json.dumps(payload, ensure_ascii=False, indent=1)
        data = json_text if isinstance(json_text, bytes) else json_text.encode("utf-8")
        write_atomic(path, lambda p: p.write_bytes(data + b"\n"))
    elif kind == "csv":
        # Files are opened by Excel more than by scripts: a BOM makes Excel read UTF-8 Chinese.
        text = csv_text(next(iter(sheets.values())))  # type: ignore[union-attr]
        write_atomic(path, lambda p: p.write_text(text, encoding="utf-8-sig"))
    elif kind == "xlsx":
        write_atomic(path, lambda p: _write_xlsx(p, sheets))  # type: ignore[arg-type]
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


# ---------------------------------------------------------------------------------------------
# Exams (SPEC §6)

EXAM_LABELS: dict[str, tuple[str, str]] = {
    "gaokao": ("高考", "gaokao"),
    "zhongkao": ("中考", "zhongkao"),
    "candidates_title": ("考生 {candidates} 人", "{candidates} candidates"),
    "rate": ("指标", "Indicator"),
    "count": ("人数", "Count"),
    "value": ("比率", "Percent"),
    "change": ("比上年（百分点）", "Change (points)"),
    "schools_title": ("各校（括号内为比上年增减，百分点）",
                      "per school (change from the year before in brackets, points)"),
    "schools_plain": ("各校", "per school"),
    "school": ("学校", "School"),
    "candidates": ("考生数", "Candidates"),
    "no_results": ("没有考试数据行", "no exam rows"),
}


def exam_label(key: str, lang: Lang, **params: Any) -> str:
    """An exam table label in `lang`."""
    return worded(EXAM_LABELS[key], lang, **params)


def _round_half_up(numerator: int, denominator: int, decimals: int) -> str:
    """numerator/denominator at `decimals` places, halves away from zero (四舍五入), exactly."""
    scaled_numerator = abs(numerator) * 10**decimals
    quotient, remainder = divmod(scaled_numerator, abs(denominator))
    if 2 * remainder >= abs(denominator):
        quotient += 1
    negative = (numerator < 0) != (denominator < 0) and quotient != 0
    digits = str(quotient).rjust(decimals + 1, "0")
    whole, fraction = digits[: len(digits) - decimals], digits[len(digits) - decimals:]
    return ("-" if negative else "") + whole + ("." + fraction if decimals else "")


def percent_text(count: int, candidates: int, decimals: int) -> str:
    """count ÷ candidates as a percentage, rounded half up from the exact fraction: 51.9%."""
    return _round_half_up(100 * count, candidates, decimals) + "%"


def change_text(rate: RateValue, candidates: int, decimals: int) -> str:
    """A rate's change from last year in percentage points, signed (+3.9); '—' when unknown."""
    if rate.change is None:
        return "—"
    if rate.previous_count is None or rate.previous_candidates is None:
        text = f"{rate.change * 100:.{decimals}f}"  # no exact figures: round the float
    else:
        # c1/n1 − c0/n0 = (c1·n0 − c0·n1) / (n1·n0), rounded once from the exact fraction.
        n0 = rate.previous_candidates
        text = _round_half_up(100 * (rate.count * n0 - rate.previous_count * candidates),
                              candidates * n0, decimals)
    if text.lstrip("-").strip("0.") == "":
        return text.lstrip("-")  # no "-0.0"
    return text if text.startswith("-") else "+" + text


def _exam_title(result: ExamResult, lang: Lang) -> str:
    place = result.county or label("whole_file", lang)
    year = f" {result.year}" if result.year is not None else ""
    return (f"{place}{year} {exam_label(result.exam, lang)} · "
            f"{exam_label('candidates_title', lang, candidates=result.candidates)}")


def exam_total_table(result: ExamResult, lang: Lang, decimals: int, with_change: bool) -> Table:
    """One county, year and exam: each rate's count and percentage, the headline rate last."""
    table = Table(title=_exam_title(result, lang), title_justify="left")
    table.add_column(exam_label("rate", lang))
    table.add_column(exam_label("count", lang), justify="right")
    table.add_column(exam_label("value", lang), justify="right")
    if with_change:
        table.add_column(exam_label("change", lang), justify="right")
    for rate in result.rates:
        spec = RATE_BY_KEY[rate.key]
        cells = [spec.label(lang), str(rate.count),
                 percent_text(rate.count, result.candidates, decimals)]
        if with_change:
            cells.append(change_text(rate, result.candidates, decimals))
        if spec.summary:
            table.add_section()
            table.add_row(*(Text(c, style="bold") for c in cells))
        else:
            table.add_row(*cells)
    if result.notes:
        table.caption = ("；" if lang == "zh" else "; ").join(result.notes)
        table.caption_justify = "left"
    return table


def exam_schools_table(total: ExamResult, schools: Sequence[ExamResult], lang: Lang, decimals: int,
                       with_change: bool) -> Table:
    """Each school of one county, year and exam: candidates and every rate (and its change)."""
    title = exam_label("schools_title" if with_change else "schools_plain", lang)
    table = Table(title=title, title_justify="left")
    table.add_column(exam_label("school", lang), overflow="fold")
    table.add_column(exam_label("candidates", lang), justify="right")
    for rate in total.rates:
        table.add_column(RATE_BY_KEY[rate.key].short(lang), justify="right")
    for school in schools:
        cells = []
        for rate in school.rates:
            cell = percent_text(rate.count, school.candidates, decimals)
            if with_change and rate.change is not None:
                cell += f" ({change_text(rate, school.candidates, decimals)})"
            cells.append(cell)
        table.add_row(school.school_name or school.school_id or "", str(school.candidates),
                      *cells)
    notes = [f"{s.school_name or s.school_id}：{n}" if lang == "zh" else
             f"{s.school_name or s.school_id}: {n}" for s in schools for n in s.notes]
    if notes:
        table.caption = "\n".join(notes)
        table.caption_justify = "left"
    return table


def exams_renderable(report: ExamReport, lang: Lang, decimals: int) -> Group:
    """Every county, year and exam of an exam report: the total, then its schools if asked."""
    parts: list[Any] = []
    if not report.results:
        parts.append(Text(exam_label("no_results", lang)))
    with_change = report.has_changes()
    results = list(report.results)
    for index, result in enumerate(results):
        if not result.is_total:
            continue
        parts.append(exam_total_table(result, lang, decimals, with_change))
        schools = []
        for other in results[index + 1:]:
            if other.is_total:
                break
            schools.append(other)
        if schools:
            # Brackets only where this county, year and exam has a previous year to compare.
            changed = any(rate.change is not None for s in schools for rate in s.rates)
            parts.append(exam_schools_table(result, schools, lang, decimals, changed))
        parts.append(Text(""))
    return Group(*parts)


# ---------------------------------------------------------------------------------------------
# Per-school standards

LABELS.update({
    "standards_title": ("{place}{year} {stage} · 优质均衡学校标准 · {schools} 所：达标 {passing} 所，"
                        "未达标 {failing} 所",
                        "{place}{year} {stage} · quality-balance school standards · {schools} "
                        "schools: {passing} pass, {failing} fail"),
    "result": ("结论", "Verdict"),
    "current": ("现值", "Value"),
    "unit_students": ("{students} 人", "{students} students"),
    "missed": ("未达到的标准", "Standard missed"),
    "standard": ("标准", "Standard"),
    "shortfall": ("缺口", "Shortfall"),
    "class_size": ("班额", "Class"),
    "school_size": ("规模", "Size"),
    "standards_legend": ("✗ 未达到标准，✗✗ 低于标准的 {floor}；至少 {min_met} 项达到标准、且无一项低于 "
                         "{floor} 为达标。\n缺口：达到标准还需增加的量，向上取整到整人、整间、"
                         "整平方米、整元。\n班额：平均每班学生数。规模：全校义务教育阶段在校生数。",
                         "✗ below the standard, ✗✗ below {floor} of it; a school passes with at "
                         "least {min_met} of 7 met and none below {floor}.\nShortfall: what it "
                         "takes to meet the standard, rounded up to whole teachers, rooms, m² "
                         "and yuan.\nClass: average students per class. Size: the school's "
                         "students in its compulsory stages."),
    "size_limits": ("规模上限：{limits}", "size limits: {limits}"),
    "total": ("合计", "Total"),
})
# What a shortfall buys or hires, by resource, for the closing total rows.
RESOURCE_LABELS: dict[str, tuple[str, str]] = {
    "degree_teachers": ("高学历教师", "degree teachers"),
    "backbone_teachers": ("骨干教师", "backbone teachers"),
    "arts_pe_teachers": ("体艺教师", "PE/arts teachers"),
    "teaching_area": ("教学用房", "teaching space"),
    "sports_area": ("运动场馆", "sports space"),
    "equipment_value": ("仪器设备", "equipment"),
    "multimedia_rooms": ("多媒体教室", "multimedia rooms"),
}
SHORTFALL_UNIT_LABELS: dict[str, tuple[str, str]] = {
    "teachers": ("人", "teachers"), "rooms": ("间", "rooms"), "m2": ("m²", "m²"),
    "yuan": ("元", "yuan"),
}
SINGULAR_EN = {"teachers": "teacher", "rooms": "room"}
MISSED, BELOW_FLOOR = "✗", "✗✗"


def _shortfall_text(amount: int, unit: str, lang: Lang) -> str:
    zh, en = SHORTFALL_UNIT_LABELS[unit]
    if amount == 1:
        en = SINGULAR_EN.get(unit, en)
    return f"{fmt(amount, 0)} {zh if lang == 'zh' else en}"


def _marked(text: str, ok: bool | None) -> Text:
    """A value followed by ✗ in yellow when it is over or under its limit."""
    return Text(text) if ok is not False else Text(text + MISSED, style="yellow")


def standards_table(results: Sequence[SchoolStandardsResult], total: StandardsTotal,
                    lang: Lang, decimals: int) -> Table:
    """One county, year and stage: each unit's verdict and every standard it misses, with what
    it would take to meet it; failing units first, the shortfall totals close the table."""
    place = total.county or label("whole_file", lang)
    year = f" {total.year}" if total.year is not None else ""
    table = Table(title=label("standards_title", lang, place=place, year=year,
                              stage=stage_label(total.stage, lang), schools=total.schools,
                              passing=total.passing, failing=total.failing),
                  title_justify="left")
    table.add_column(label("school", lang), overflow="fold", ratio=1)
    table.add_column(label("result", lang), no_wrap=True)
    table.add_column(label("missed", lang))
    class_limit = results[0].class_size_limit
    for key in ("current", "standard", "shortfall", "class_size", "school_size"):
        header = label(key, lang)
        if key == "class_size" and class_limit is not None:
            header += f"\n≤{class_limit:g}"
        table.add_column(header, justify="right", no_wrap=True)
    for result in results:
        name = result.school_name or result.school_id or ""
        students = Text(label("unit_students", lang, students=result.students), style="dim")
        school = [Text(name), Text(f"{label('meets' if result.passes else 'fails', lang)} "
                             f"{result.met}/{len(result.indicators)}",
                             style="green" if result.passes else "bold red")]
        school_limits = [
            Text("—") if result.class_size is None else _marked(fmt(result.class_size, 1),
                                                                result.class_size_ok),
            _marked(str(result.school_size), result.size_ok)]
        missed = [c for c in result.indicators if not c["meets"]]
        # The unit's students go under its name, on the second row when it has one.
        if len(missed) < 2:
            school[0] = Text.assemble(name, "\n", students)
        if not missed:
            table.add_row(*school, "", "", "", "", *school_limits)
        for n, check in enumerate(missed):
            value = Text(fmt(check["value"], decimals) + (BELOW_FLOOR if check["below_floor"]
                                                          else MISSED),
                         style="bold red" if check["below_floor"] else "yellow")
            first = school if n == 0 else [students if n == 1 else "", ""]
            table.add_row(*first, BY_KEY[check["key"]].short(lang),
                          value, f"{check['standard']:g}",
                          _shortfall_text(check["shortfall"], check["unit"], lang),
                          *(school_limits if n == 0 else ["", ""]))
    table.add_section()
    closing = [item for item in total.shortfalls if item.shortfall]
    for n, item in enumerate(closing):
        zh, en = RESOURCE_LABELS[item.resource]
        table.add_row(Text(label("total", lang), style="bold") if n == 0 else "",
                      "", zh if lang == "zh" else en, "", "",
                      Text(_shortfall_text(item.shortfall, item.unit, lang), style="bold"),
                      "", "")
    return table


def standards_notes(results: Sequence[SchoolStandardsResult], lang: Lang) -> list[str]:
    """Lines under a standards table: the school-size limits that applied, then the notes."""
    limits = sorted({(r.school_type or r.stage, r.size_limit) for r in results
                     if r.size_limit is not None}, key=lambda pair: (pair[1], pair[0]))
    lines = [label("size_limits", lang, limits=("，" if lang == "zh" else ", ").join(
        f"{SCHOOL_TYPE_ZH.get(kind, kind) if lang == 'zh' else kind.replace('_', '-')} {limit:g}"
        for kind, limit in limits))]
    colon = "：" if lang == "zh" else ": "
    lines.extend(f"{result.school_name or result.school_id or ''}{colon}{note}"
                 for result in results for note in result.notes)
    return lines


def standards_renderable(report: StandardsReport, lang: Lang, decimals: int) -> Group:
    """One table per county, year and stage, then the legend once."""
    parts: list[Any] = []
    if not report.results:
        parts.append(Text(label("no_results", lang)))
    groups: dict[tuple[Any, ...], list[SchoolStandardsResult]] = {}
    for result in report.results:
        groups.setdefault((result.county, result.year, result.stage), []).append(result)
    for total in report.totals:
        results = groups[(total.county, total.year, total.stage)]
        parts.append(standards_table(results, total, lang, decimals))
        # Below the table, not as its caption: a caption wraps at the (narrow) table's width.
        parts.append(Text("\n".join(standards_notes(results, lang))))
        parts.append(Text(""))
    if report.results:
        parts.append(Text(label("standards_legend", lang,
                                floor=f"{report.pass_rule.floor_share:.0%}",
                                min_met=report.pass_rule.min_met)))
    return Group(*parts)


# ---------------------------------------------------------------------------------------------
# Enrolment, retention, dropout (SPEC §5)

ENROLMENT_LABELS: dict[str, tuple[str, str]] = {
    "title": ("{place} · 入学率、巩固率、辍学率（%，{system}）",
              "{place} · enrolment, retention and dropout rates (%, {system} system)"),
    "rate": ("指标", "Rate"),
    "no_year": ("无年份", "no year"),
    "numerator": ("　分子：{what}", "  num: {what}"),
    "denominator": ("　分母：{what}", "  den: {what}"),
    "minimum": ("　达标（≥{minimum}%）", "  meets ≥{minimum}%"),
    "no_results": ("没有学校数据行", "no school rows"),
}


def enrolment_label(key: str, lang: Lang, **params: Any) -> str:
    """An enrolment table label in `lang`."""
    return worded(ENROLMENT_LABELS[key], lang, **params)


def rate_percent(numerator: int, denominator: int, decimals: int) -> str:
    """numerator/denominator as a percentage at `decimals` places, halves rounded up, exactly."""
    return _round_half_up(100 * numerator, denominator, decimals)


def _percent_cell(rate: RateResult, decimals: int) -> Text:
    if rate.value is None:
        return Text("—")
    if rate.numerator is not None and rate.denominator:
        text = rate_percent(rate.numerator, rate.denominator, decimals)
    else:  # pragma: no cover - a computed rate always has both counts
        text = f"{rate.value * 100:.{decimals}f}"
    # Above 100% is plain from the figure itself; colour draws the eye, the caption says why.
    return Text(text, style="yellow") if rate.over_100 else Text(text)


def _count_cell(count: int | None) -> str:
    return "" if count is None else f"{count:,}"


def _minimum_text(minimum: float) -> str:
    return f"{minimum * 100:.6f}".rstrip("0").rstrip(".")


def _years_text(years: Sequence[int | None], lang: Lang) -> str:
    """Years as runs: 2014–2016、2019 (zh) or 2014–2016, 2019 (en)."""
    ordered = sorted({y for y in years if y is not None})
    runs: list[list[int]] = []
    for year in ordered:
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    parts = [str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs]
    return ("、" if lang == "zh" else ", ").join(parts)


def enrolment_note_lines(report: EnrolmentReport, results: Sequence[EnrolmentResult],
                         lang: Lang) -> list[str]:
    """The notes of one county's results, grouped: one line per rate(s), years and reason."""
    from edustat.enrolment import note_text

    spec_names = [spec.short(lang) for spec in report.specs()]
    groups: dict[tuple[str, ...], dict[str, Any]] = {}
    for index in range(len(results[0].rates) if results else 0):
        for result in results:
            rate = result.rates[index]
            for code, params in rate.notes:
                # Notes that differ only in the data year (no table for 2006, for 2007, ...)
                # become one line that lists the years.
                shape = note_text(code, lang, **{**params, "year": "\x00"})
                entry = groups.setdefault((rate.key, code, shape),
                                          {"name": spec_names[index], "code": code,
                                           "params": params, "years": [], "data_years": []})
                entry["years"].append(result.year)
                if isinstance(params.get("year"), int):
                    entry["data_years"].append(params["year"])
    merged: dict[tuple[str, str], list[str]] = {}
    for entry in groups.values():
        params = dict(entry["params"])
        if entry["data_years"]:
            params["year"] = _years_text(entry["data_years"], lang)
        text = note_text(entry["code"], lang, **params)
        names = merged.setdefault((_years_text(entry["years"], lang), text), [])
        if entry["name"] not in names:
            names.append(entry["name"])
    colon = "：" if lang == "zh" else ": "
    return [f"{('、' if lang == 'zh' else ', ').join(names)}{' ' + years if years else ''}"
            f"{colon}{text}" for (years, text), names in merged.items()]


def enrolment_table(report: EnrolmentReport, results: Sequence[EnrolmentResult], lang: Lang,
                    decimals: int, detail: bool) -> Table:
    """One county: rates as rows, years as columns; counts with `detail`."""
    from rich import box

    from edustat.schema import SYSTEM_ZH

    county = results[0].county
    system = SYSTEM_ZH[report.system] if lang == "zh" else report.system
    # Collapsed padding: nine years of 100.00 and the labels fit in 100 columns.
    table = Table(title=enrolment_label("title", lang, place=county or label("whole_file", lang),
                                        system=system), title_justify="left",
                  box=box.SIMPLE_HEAD, collapse_padding=True)
    # When the width runs short the labels wrap; a figure is never cut.
    table.add_column(enrolment_label("rate", lang), overflow="fold")
    for result in results:
        table.add_column(str(result.year) if result.year is not None else
                         enrolment_label("no_year", lang), justify="right", no_wrap=True)
    for index, spec in enumerate(report.specs()):
        rates = [result.rates[index] for result in results]
        if index and detail:
            table.add_section()
        table.add_row(spec.short(lang), *(_percent_cell(rate, decimals) for rate in rates))
        if detail:
            table.add_row(enrolment_label("numerator", lang, what=spec.numerator(lang)),
                          *(_count_cell(rate.numerator) for rate in rates))
            table.add_row(enrolment_label("denominator", lang, what=spec.denominator(lang)),
                          *(_count_cell(rate.denominator) for rate in rates))
        minimum = next((rate.minimum for rate in rates if rate.minimum is not None), None)
        if minimum is not None:
            table.add_row(enrolment_label("minimum", lang, minimum=_minimum_text(minimum)),
                          *(verdict(rate.meets, lang) for rate in rates))
    return table


def enrolment_renderable(report: EnrolmentReport, lang: Lang, decimals: int,
                         detail: bool = False) -> Group:
    """Every county of an enrolment report as one table (years as columns)."""
    parts: list[Any] = []
    if not report.results:
        parts.append(Text(enrolment_label("no_results", lang)))
    by_county: dict[str | None, list[EnrolmentResult]] = {}
    for result in report.results:
        by_county.setdefault(result.county, []).append(result)
    for results in by_county.values():
        parts.append(enrolment_table(report, results, lang, decimals, detail))
        # Below the table, not as its caption: a caption wraps at the (narrow) table's width.
        lines = enrolment_note_lines(report, results, lang)
        if lines:
            parts.append(Text("\n".join(lines)))
        parts.append(Text(""))
    return Group(*parts)


# ---------------------------------------------------------------------------------------------
# Figures and checks of a draft report (SPEC §7.3)

CHECK_LABELS: dict[str, tuple[str, str]] = {
    "figures_title": ("{place} · 全部可算指标（{count} 项）", "{place} · every figure ({count})"),
    "key": ("指标键", "Key"),
    "name": ("名称", "Name"),
    "value": ("数值", "Value"),
    "note": ("说明", "Note"),
    "unavailable": ("以下指标无法由所给数据算出：",
                    "These figures cannot be computed from the data:"),
    "unavailable_line": ("  {family}.*：{reason}", "  {family}.*: {reason}"),
    "no_figures": ("所给数据算不出任何指标", "the data gives no figure"),
    "claims_title": ("报告数字核对（{file}）：{claims} 项，不符 {mismatches}，无法核对 {errors}，"
                     "相符 {matches}",
                     "Figures of the report ({file}): {claims}; {mismatches} wrong, {errors} "
                     "cannot be checked, {matches} right"),
    "row": ("行", "Row"),
    "status": ("结果", "Result"),
    "figure": ("指标", "Figure"),
    "reported": ("报告值", "Reported"),
    "computed": ("计算值", "Computed"),
    "difference": ("报告−计算", "Off by"),
    "message": ("说明", "Note"),
    "mismatch": ("✗ 不符", "✗ wrong"),
    "error": ("! 无法核对", "! cannot check"),
    "match": ("✓ 相符", "✓ right"),
    "points": (" 百分点", " points"),
    "per_mille_points": (" 千分点", " per mille"),
    "rules_title": ("数据合理性检查（{rules} 条规则，见 edustat check --rules）",
                    "Plausibility of the data ({rules} rules, see edustat check --rules)"),
    "rules_clean": ("数据合理性检查：未发现问题（{rules} 条规则）",
                    "Plausibility of the data: nothing found ({rules} rules)"),
    "verdict_ok": ("结论：全部相符，数据未见错误。", "Verdict: every figure is right and the data "
                   "shows no error."),
    "verdict_data_ok": ("结论：数据未见错误。", "Verdict: the data shows no error."),
    "verdict_bad": ("结论：有 {mismatches} 项不符、{errors} 项无法核对，数据有 {data_errors} 个"
                    "错误；请更正后再上报。",
                    "Verdict: {mismatches} wrong, {errors} cannot be checked, {data_errors} data "
                    "errors; correct them before submitting."),
    "warnings_line": ("另有 {warnings} 个警告：请逐一核对，确认无误可不改。",
                      "{warnings} warnings besides: check each; leave it if it is right."),
    "rules_list_title": ("edustat check 的数据合理性规则（{standards}）",
                         "Consistency rules of edustat check ({standards})"),
    "rule": ("规则", "Rule"),
    "severity": ("级别", "Severity"),
    "bounds": ("界限", "Bounds"),
    "description": ("内容", "What it checks"),
}


def check_label(key: str, lang: Lang, **params: Any) -> str:
    """A label of the figures/check tables in `lang`."""
    return worded(CHECK_LABELS[key], lang, **params)


def figure_value_text(value: float | None, kind: str, decimals: int) -> str:
    """A figure as a table shows it, rounded half up: counts whole, shares as a percentage
    (two places fewer, so 4 decimals give 51.90%), other numbers at `decimals` places."""
    from edustat.checks import round_half_up

    if value is None:
        return "—"
    if kind == "count":
        return f"{round_half_up(value, 0):,f}"
    if kind == "share":
        return f"{round_half_up(value, max(decimals - 2, 0), 100):,f}%"
    return f"{round_half_up(value, decimals):,f}"


def _place(county: str | None, year: int | None, lang: Lang) -> str:
    return f"{county or label('whole_file', lang)}{'' if year is None else f' {year}'}"


def _unavailable_lines(unavailable: Sequence[Any], lang: Lang) -> list[str]:
    if not unavailable:
        return []
    return [check_label("unavailable", lang), *(
        check_label("unavailable_line", lang, family=item.family, reason=item.reason)
        for item in unavailable)]


def figures_renderable(report: Any, lang: Lang, decimals: int) -> Group:
    """Every figure, one table per county and year: key, name, value; below it, why a figure
    is missing (or flagged)."""
    from rich import box

    parts: list[Any] = []
    groups: dict[tuple[Any, Any], list[Any]] = {}
    for figure in report.results:
        groups.setdefault((figure.county, figure.year), []).append(figure)
    if not groups:
        parts.append(Text(check_label("no_figures", lang)))
    colon = "：" if lang == "zh" else ": "
    for (county, year), figures in groups.items():
        # No inner rules and a key column as wide as its longest key: a key is copied into a
        # claims file, so it must not be broken across lines while the width allows.
        table = Table(title=check_label("figures_title", lang, place=_place(county, year, lang),
                                        count=len(figures)), title_justify="left",
                      box=box.SIMPLE_HEAD, collapse_padding=True, pad_edge=False)
        table.add_column(check_label("key", lang), overflow="fold",
                         width=max(len(f.key) for f in figures))
        table.add_column(check_label("name", lang), overflow="fold")
        values = [figure_value_text(f.value, f.kind, decimals) + ("*" if f.note else "")
                  for f in figures]
        table.add_column(check_label("value", lang), justify="right", no_wrap=True,
                         width=max(len(v) for v in [*values, check_label("value", lang)]))
        for figure, value in zip(figures, values, strict=True):
            table.add_row(figure.key, figure.name, value)
        parts.append(table)
        notes = [f"* {figure.key}{colon}{figure.note}" for figure in figures if figure.note]
        if notes:
            parts.append(Text("\n".join(notes)))
        parts.append(Text(""))
    lines = _unavailable_lines(report.unavailable, lang)
    if lines:
        parts.append(Text("\n".join(lines)))
    return Group(*parts)


def difference_text(reported: str | None, computed: float | None, lang: Lang) -> str:
    """reported − computed in the unit the report writes, signed: +0.1 个百分点, −0.00056."""
    from decimal import ROUND_HALF_UP, Decimal, localcontext

    from edustat.validate import parse_written

    written = parse_written(reported)
    if written is None or computed is None:
        return ""
    with localcontext() as context:
        context.prec = 80
        difference = written.number - Decimal(repr(float(computed))) * written.scale
        # Two places beyond what the report writes: enough to see how far off it is.
        shown = difference.quantize(Decimal(1).scaleb(-(written.places + 2)),
                                    rounding=ROUND_HALF_UP)
    number = f"{shown:f}"
    if "." in number:
        number = number.rstrip("0").rstrip(".")
    if number.lstrip("-") in ("0", ""):
        number = "0"
    elif not number.startswith("-"):
        number = "+" + number
    unit = {100: check_label("points", lang),
            1000: check_label("per_mille_points", lang)}.get(written.scale, "")
    return number.replace("-", "−") + unit


def claims_table(report: Any, lang: Lang) -> Table:
    """Each claim, wrong ones first: the figure (key, name, place, the claim's own note, and why
    it cannot be checked), the value as reported, as computed at the report's precision, and
    how far the report is off."""
    counts = report.counts()
    from rich import box

    # No inner rules: the keys are long, and 100 columns must hold them on one line.
    table = Table(title=check_label("claims_title", lang, file=report.claims_file, **counts),
                  title_justify="left", box=box.SIMPLE_HEAD, collapse_padding=True,
                  pad_edge=False)
    table.add_column(check_label("row", lang), justify="right", no_wrap=True)
    table.add_column(check_label("status", lang), no_wrap=True)
    table.add_column(check_label("figure", lang), overflow="fold", ratio=1)
    for key in ("reported", "computed", "difference"):
        table.add_column(check_label(key, lang), justify="right", no_wrap=True)
    styles = {"mismatch": "bold red", "error": "red", "match": "green"}
    # The county and year go beside each figure only when the claims are about more than one.
    several = len({(c.county, c.year) for c in report.results}) > 1
    for claim in report.results:
        place = " ".join(x for x in (claim.county, None if claim.year is None
                                     else str(claim.year)) if x) if several else ""
        figure = Text(claim.figure)
        about = " · ".join(x for x in (claim.name, place, claim.note) if x)
        if about:
            figure.append("\n" + about, style="dim")
        # A mismatch's message repeats the computed column, unless it carries a hint.
        if claim.status == "error" or (claim.status == "mismatch"
                                       and claim.message.count("；" if lang == "zh" else ";")):
            figure.append("\n" + claim.message, style=styles[claim.status])
        table.add_row(str(claim.row), Text(check_label(claim.status, lang),
                                           style=styles[claim.status]),
                      figure, claim.reported or "", claim.expected or "—",
                      difference_text(claim.reported, claim.computed, lang)
                      if claim.status == "mismatch" else "")
    return table


def check_renderable(report: Any, lang: Lang) -> Group:
    """What `edustat check` found: the claims, the data's plausibility, what cannot be computed,
    and the verdict."""
    parts: list[Any] = []
    if report.claims_file is not None:
        parts += [claims_table(report, lang), Text("")]
    if report.problems:
        order = {"error": 0, "warning": 1, "note": 2}
        shown = sorted(report.problems, key=lambda p: order[p.severity])
        parts.append(Text(check_label("rules_title", lang, rules=len(report.rules)),
                          style="bold"))
        parts.append(problems_table(shown[:PROBLEM_DISPLAY_LIMIT], lang))
        if len(shown) > PROBLEM_DISPLAY_LIMIT:
            parts.append(Text(label("more_problems", lang,
                                    more=len(shown) - PROBLEM_DISPLAY_LIMIT)))
    else:
        parts.append(Text(check_label("rules_clean", lang, rules=len(report.rules))))
    # What the data cannot give is said beside each claim that asks for it (and in the JSON).
    parts.append(Text(""))
    counts = report.counts()
    if report.ok:
        parts.append(Text(check_label("verdict_ok" if report.claims_file else "verdict_data_ok",
                                      lang), style="bold green"))
    else:
        parts.append(Text(check_label("verdict_bad", lang, **counts), style="bold red"))
    if counts["data_warnings"]:
        parts.append(Text(check_label("warnings_line", lang, warnings=counts["data_warnings"])))
    return Group(*parts)


def rules_renderable(report: Any, lang: Lang) -> Table:
    """The consistency rules in force: key, severity, bounds, what each checks."""
    table = Table(title=check_label("rules_list_title", lang, standards=report.standards),
                  title_justify="left")
    for key in ("rule", "severity", "bounds", "description"):
        table.add_column(check_label(key, lang), overflow="fold",
                         no_wrap=key in ("rule", "severity"))
    for rule in report.rules:
        bounds = "\n".join(f"{name} = {value:g}" for name, value in rule.bounds.items())
        table.add_row(rule.key, label(rule.severity, lang), bounds or "—", rule.description)
    return table
