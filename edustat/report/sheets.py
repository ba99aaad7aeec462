"""The other sheets: 封面/说明 (cover), 学校达标情况 (SPEC §4), 考试升学 (§6), 入学巩固 (§5)."""

from __future__ import annotations

from collections.abc import Sequence

from edustat.enrolment import EnrolmentResult
from edustat.exams import ExamResult, rates_for
from edustat.problems import Problem
from edustat.report.model import Sheet, Workbook, worded
from edustat.standards import SchoolStandardsResult, StandardsTotal
from edustat.texts import Lang, t

COVER_NOTES_SHOWN = 300  # notes about the input beyond this are counted, not listed


def cover_sheet(book: Workbook, *, place: str, files: Sequence[str], methods: Sequence[str],
                norms_name: str, version: str, date: str, extras: Sequence[tuple[str, str]],
                lang: Lang) -> tuple[Sheet, int]:
    """封面/说明: what the workbook is, which data and method made it, and what each sheet holds
    (the sheet list is filled in by `fill_contents` once every sheet exists, at the row
    returned)."""
    sheet = book.sheet(t("report.sheet.cover", lang), "cover")
    sheet.merge(0, 0, 0, 3, t("report.cover.title", lang, place=place), "title")
    rows: list[tuple[str, str]] = [
        (t("report.cover.files", lang), "\n".join(files)),
        (t("report.cover.methods", lang),
         "\n".join(t(f"report.cover.method_{m}", lang) for m in methods)),
        (t("report.cover.norms", lang), norms_name),
        *extras,
        (t("report.cover.formulas", lang), t("report.cover.formulas_text", lang)),
        (t("report.cover.version", lang), f"edustat {version}"),
        (t("report.cover.date", lang), date),
    ]
    row = 2
    for key, value in rows:
        sheet.put(row, 0, key, "label")
        sheet.merge(row, 1, row, 3, value, "wrap")
        sheet.heights[row] = max(18, 16 * (value.count("\n") + 1 + len(value) // 60))
        row += 1
    sheet.widths.update({0: 16, 1: 30, 2: 30, 3: 40})
    sheet.landscape = False
    return sheet, row + 1


def fill_contents(sheet: Sheet, book: Workbook, row: int, problems: Sequence[Problem],
                  lang: Lang) -> None:
    """The cover's list of sheets (with their charts) and the notes about the input."""
    notes = [p for p in problems if p.severity != "error"]
    sheet.put(row, 0, t("report.cover.contents", lang), "subtitle")
    row += 1
    for col, key in enumerate(("sheet_name", "sheet_kind", "sheet_charts")):
        sheet.put(row, col, t(f"report.cover.{key}", lang), "header")
    for other in book.sheets:
        if other is sheet:
            continue
        row += 1
        sheet.put(row, 0, other.name)
        sheet.put(row, 1, t(f"report.kind.{other.kind}", lang), "wrap")
        sheet.put(row, 2, len(other.charts), "int")
    if notes:
        row += 2
        sheet.put(row, 0, t("report.cover.notes", lang, count=len(notes)), "subtitle")
        for col, key in enumerate(("note_file", "note_row", "note_column", "note_message")):
            sheet.put(row + 1, col, t(f"report.cover.{key}", lang), "header")
        row += 1
        for problem in notes[:COVER_NOTES_SHOWN]:
            row += 1
            sheet.put(row, 0, problem.file, "wrap")
            sheet.put(row, 1, problem.row if problem.row is not None else "", "int")
            sheet.put(row, 2, problem.column or "", "wrap")
            sheet.put(row, 3, problem.message(lang), "wrap")
        if len(notes) > COVER_NOTES_SHOWN:
            sheet.put(row + 1, 0, t("report.cover.more_notes", lang,
                                    count=len(notes) - COVER_NOTES_SHOWN), "note")


def standards_sheet(book: Workbook, name: str, results: Sequence[SchoolStandardsResult],
                    totals: Sequence[StandardsTotal], lang: Lang, place: str) -> Sheet:
    """学校达标情况: one block per year and stage; each standard's value and its shortfall in
    real units (teachers, m², yuan, rooms); failing values in red, below 85% in dark red."""
    sheet = book.sheet(name, "standards")
    keys = [check["key"] for check in results[0].indicators] if results else []
    last_col = 3 + 2 * len(keys) + 5
    sheet.merge(0, 0, 0, last_col, t("report.standards.title", lang, place=place), "title")
    blocks: dict[tuple[int | None, str], list[SchoolStandardsResult]] = {}
    for result in results:
        blocks.setdefault((result.year, result.stage), []).append(result)
    row = 1
    for (year, stage), items in sorted(blocks.items(), key=lambda b: (-(b[0][0] or 0),
                                                                      b[0][1] != "primary")):
        row += 1
        passing = sum(r.passes for r in items)
        sheet.merge(row, 0, row, last_col, t(
            "report.standards.block", lang, year=year if year is not None else "",
            stage=t(f"report.stage.{stage}", lang), schools=len(items), passing=passing),
            "subtitle")
        top, low = row + 1, row + 2
        if sheet.repeat_rows is None:
            sheet.repeat_rows = (top, low)
            sheet.freeze = (low + 1, 2)
        for col, key in ((0, "no"), (1, "school"), (2, "type"), (3, "students")):
            sheet.merge(top, col, low, col, t(f"report.calc.{key}", lang), "header")
        for k, check in enumerate(items[0].indicators):
            col = 4 + 2 * k
            sheet.merge(top, col, top, col + 1, worded(check["name"], lang), "header")
            sheet.put(low, col, t("report.standards.value", lang), "header")
            sheet.put(low, col + 1, t("report.standards.shortfall", lang,
                                      unit=t(f"report.unit.{check['unit']}", lang)), "header")
        tail = 4 + 2 * len(keys)
        for i, key in enumerate(("met", "verdict", "class_size", "school_size", "notes")):
            sheet.merge(top, tail + i, low, tail + i, t(f"report.standards.{key}", lang), "header")
        sheet.heights[top] = 48
        row = low + 1
        sheet.merge(row, 0, row, 3, t("report.standards.standard_row", lang), "label")
        for k, check in enumerate(items[0].indicators):
            sheet.put(row, 4 + 2 * k, check["standard"], "num2_total")
        for n, result in enumerate(items):
            row += 1
            _standards_row(sheet, row, n + 1, result, tail, lang)
        total = next((x for x in totals if x.year == year and x.stage == stage), None)
        if total is not None:  # edustat's sums of the units' whole-unit shortfalls
            row += 1
            sheet.merge(row, 0, row, 3, t("report.standards.total_row", lang), "label")
            short = {item.key: item for item in total.shortfalls}
            for k, check in enumerate(items[0].indicators):
                item = short.get(check["key"])
                if item is not None and item.shortfall:
                    sheet.put(row, 5 + 2 * k, item.shortfall, "int_total")
                    sheet.put(row, 4 + 2 * k, t("report.standards.schools_short", lang,
                                                count=item.schools_short), "label")
        row += 1
    sheet.merge(row + 1, 0, row + 1, last_col, t("report.standards.note", lang), "note")
    sheet.heights[row + 1] = 45
    sheet.widths.update({0: 5, 3: 9})
    return sheet


def _standards_row(sheet: Sheet, row: int, number: int, result: SchoolStandardsResult,
                   tail: int, lang: Lang) -> None:
    sheet.put(row, 0, number, "int")
    sheet.put(row, 1, result.school_name or result.school_id or "")
    sheet.put(row, 2, t(f"report.school_type.{result.school_type}", lang)
              if result.school_type else "")
    sheet.put(row, 3, result.students, "int")
    for k, check in enumerate(result.indicators):
        col = 4 + 2 * k
        mark = "" if check["meets"] else ("!!" if check["below_floor"] else "!")
        sheet.put(row, col, check["value"], "num2" + mark)
        sheet.put(row, col + 1, check["shortfall"] or "", "int" + ("!" if mark else ""))
    sheet.put(row, tail, f"{result.met}/{len(result.indicators)}", "center")
    sheet.put(row, tail + 1, t("report.passes" if result.passes else "report.fails_school", lang),
              "verdict" if result.passes else "verdict!")
    sheet.put(row, tail + 2, result.class_size if result.class_size is not None else "",
              "num1" + ("" if result.class_size_ok is not False else "!"))
    sheet.put(row, tail + 3, result.school_size,
              "int" + ("" if result.size_ok is not False else "!"))
    sheet.put(row, tail + 4, "；".join(worded(n, lang) for n in result.notes), "wrap")


def exams_sheet(book: Workbook, results: Sequence[ExamResult], lang: Lang, place: str) -> Sheet:
    """考试升学情况: per year and exam, the county total then each school; counts and rates."""
    sheet = book.sheet(t("report.sheet.exams", lang), "exams")
    width = 2 + 2 * 4
    sheet.merge(0, 0, 0, width - 1, t("report.exams.title", lang, place=place), "title")
    blocks: dict[tuple[int | None, str], list[ExamResult]] = {}
    for result in results:
        blocks.setdefault((result.year, result.exam), []).append(result)
    row = 1
    for (year, exam), items in sorted(blocks.items(), key=lambda b: (-(b[0][0] or 0), b[0][1])):
        rates = rates_for(exam)
        row += 1
        sheet.merge(row, 0, row, width - 1, t("report.exams.block", lang,
                    year=year if year is not None else "", exam=t(f"report.exam.{exam}", lang)),
                    "subtitle")
        top, low = row + 1, row + 2
        sheet.merge(top, 0, low, 0, t("report.calc.school", lang), "header")
        sheet.merge(top, 1, low, 1, t("report.exams.candidates", lang), "header")
        for k, rate in enumerate(rates):
            sheet.merge(top, 2 + 2 * k, top, 3 + 2 * k, rate.label(lang), "header")
            sheet.put(low, 2 + 2 * k, t("report.exams.count", lang), "header")
            sheet.put(low, 3 + 2 * k, t("report.exams.rate", lang), "header")
        if sheet.repeat_rows is None:
            sheet.repeat_rows, sheet.freeze = (top, low), (low + 1, 1)
        row = low
        ordered = sorted(items, key=lambda r: (not r.is_total, r.school_name or ""))
        for result in ordered:
            row += 1
            total = result.is_total
            sheet.put(row, 0, t("report.exams.total", lang) if total else
                      (result.school_name or result.school_id or ""), "label" if total else "text")
            sheet.put(row, 1, result.candidates, "int_total" if total else "int")
            values = {rate.key: rate for rate in result.rates}
            for k, rate in enumerate(rates):
                value = values.get(rate.key)
                if value is None:
                    continue
                sheet.put(row, 2 + 2 * k, value.count, "int_total" if total else "int")
                sheet.put(row, 3 + 2 * k, value.value, "pct_total" if total else "pct")
        row += 1
    sheet.widths.update({0: 24, 1: 9})
    return sheet


def enrolment_sheet(book: Workbook, results: Sequence[EnrolmentResult], lang: Lang, place: str
                    ) -> Sheet:
    """入学巩固情况: per year every rate of SPEC §5 with numerator, denominator, the rate, its
    minimum and the reason when it cannot be computed."""
    sheet = book.sheet(t("report.sheet.enrolment", lang), "enrolment")
    headers = ("year", "rate_name", "numerator", "denominator", "rate", "minimum", "verdict",
               "note")
    sheet.merge(0, 0, 0, len(headers) - 1, t("report.enrolment.title", lang, place=place),
                "title")
    for col, key in enumerate(headers):
        sheet.put(2, col, t(f"report.enrolment.{key}", lang), "header")
    sheet.repeat_rows, sheet.freeze = (2, 2), (3, 2)
    row = 2
    for result in sorted(results, key=lambda r: -(r.year or 0)):
        for rate in result.rates:
            row += 1
            sheet.put(row, 0, str(result.year) if result.year is not None else "")
            sheet.put(row, 1, worded(rate.name, lang))
            sheet.put(row, 2, rate.numerator if rate.numerator is not None else "", "int")
            sheet.put(row, 3, rate.denominator if rate.denominator is not None else "", "int")
            mark = "!" if rate.meets is False or rate.over_100 else ""
            sheet.put(row, 4, rate.value if rate.value is not None else
                      t("report.enrolment.not_computable", lang), "pct" + mark)
            sheet.put(row, 5, rate.minimum if rate.minimum is not None else "", "pct")
            if rate.meets is not None:
                sheet.put(row, 6, t("report.meets" if rate.meets else "report.fails", lang),
                          "verdict" if rate.meets else "verdict!")
            sheet.put(row, 7, worded(rate.note, lang), "wrap")
    sheet.widths.update({0: 7, 1: 22, 7: 60})
    return sheet
