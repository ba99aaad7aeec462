"""达标规划: the §8 plan (`edustat plan`) as a sheet — per year and stage each indicator's CV before
and after, every school's additions with unit, price and cost, teacher moves, and the total."""

from __future__ import annotations

from typing import Any

from edustat.indicators import BY_KEY
from edustat.planning.report import column_key
from edustat.report.model import Sheet, Workbook, span_ref, worded
from edustat.texts import Lang, t

WIDTH = 7


def plan_sheet(book: Workbook, plan: Any, lang: Lang, place: str) -> Sheet:
    """Lay out a PlanReport (edustat.planning.report) of one county on a new sheet."""
    sheet = book.sheet(t("report.sheet.plan", lang), "plan")
    sheet.merge(0, 0, 0, WIDTH - 1, t("report.plan.title", lang, place=place,
                method=t(f"report.method.{plan.standard}", lang)), "title")
    row = 1
    for result in sorted(plan.results, key=lambda r: (-(r.year or 0), r.stage != "primary")):
        row += 1
        sheet.merge(row, 0, row, WIDTH - 1, t(
            "report.plan.block", lang, year=result.year if result.year is not None else "",
            stage=t(f"report.stage.{result.stage}", lang),
            verdict=t("report.meets" if result.meets_after else "report.fails", lang),
            cost=f"{result.cost / 10_000:,.2f}"), "subtitle")
        row += 1
        for col, key in enumerate(("indicator", "cv_before", "cv_after", "limit", "verdict")):
            sheet.put(row, col, t(f"report.plan.{key}", lang), "header")
        for item in result.indicators:
            row += 1
            sheet.put(row, 0, BY_KEY[item.key].label(lang))
            sheet.put(row, 1, item.cv_before, "coef_plain")
            sheet.put(row, 2, item.cv_after, "coef")
            sheet.put(row, 3, item.limit if item.limit is not None else "", "coef_plain")
            if item.meets_after is not None:
                sheet.put(row, 4, t("report.meets" if item.meets_after else "report.fails",
                                    lang), "verdict" if item.meets_after else "verdict!")
        row += 2
        for col, key in enumerate(("school", "item", "amount", "unit", "price", "cost",
                                   "reason")):
            sheet.put(row, col, t(f"report.plan.{key}", lang), "header")
        first = row + 1
        for addition in result.additions:
            row += 1
            sheet.put(row, 0, addition["school_name"] or addition["school_id"] or "")
            sheet.put(row, 1, t(column_key(addition["column"]), lang))
            sheet.put(row, 2, addition["amount"], "num2")
            sheet.put(row, 3, addition["unit"], "center")
            sheet.put(row, 4, addition["price"], "money")
            sheet.put(row, 5, addition["cost"], "money")
            sheet.put(row, 6, t(f"plan.reason_{addition['reason']}", lang))
        row += 1
        sheet.merge(row, 0, row, 4, t("report.plan.total", lang), "label")
        # The total is edustat's sum; the formula lets an auditor see it adds up.
        sheet.put(row, 5, result.cost, "money_total",
                  f"=SUM({span_ref(first, row - 1, 5)})" if result.additions else None)
        if result.moves:
            row += 2
            for col, key in enumerate(("from", "to", "item", "count")):
                sheet.put(row, col, t(f"report.plan.{key}", lang), "header")
            for move in result.moves:
                row += 1
                sheet.put(row, 0, move.from_school_name or move.from_school_id or "")
                sheet.put(row, 1, move.to_school_name or move.to_school_id or "")
                sheet.put(row, 2, t(column_key(move.column), lang))
                sheet.put(row, 3, move.count, "int")
        for note in result.notes:
            row += 1
            sheet.merge(row, 0, row, WIDTH - 1, worded(note, lang), "note")
        row += 1
    sheet.merge(row + 1, 0, row + 1, WIDTH - 1, t("report.plan.note", lang), "note")
    sheet.heights[row + 1] = 45
    sheet.widths.update({0: 26, 1: 22, 6: 12})
    return sheet
