"""Chart sheets (图表) and the year-on-year sheet (历年变化): native Excel charts over small data
tables whose cells are formulas pointing at the calculation tables, so the charts follow them."""

from __future__ import annotations

from edustat.indicators import BY_KEY
from edustat.report.calc import CalcRefs, value_style
from edustat.report.model import Chart, Series, Sheet, Workbook, sheet_ref
from edustat.texts import Lang, t

CHART_ROWS = 17  # rows one chart covers at its default height
CHART_COLS = 9
LIMIT_COLOR = "#C00000"
BAR_COLOR = "#4472C4"


def chart_sheet(book: Workbook, name: str, calcs: list[CalcRefs], lang: Lang, place: str
                ) -> Sheet:
    """One stage's charts: each method's CVs against the limit, then each indicator's schools
    against the county value (sorted, highest first)."""
    sheet = book.sheet(name, "charts")
    stage = t(f"report.stage.{calcs[0].stage}", lang)
    sheet.merge(0, 0, 0, 2 * CHART_COLS - 1, t("report.charts.title", lang, place=place,
                                                stage=stage), "title")
    per_indicator: dict[str, CalcRefs] = {}
    for calc in calcs:
        for key in calc.indicator_cols:
            per_indicator.setdefault(key, calc)
    n_charts = len(calcs) + len(per_indicator)
    chart_rows = ((n_charts + 1) // 2) * CHART_ROWS
    data_row = 2 + chart_rows + 1
    sheet.merge(data_row, 0, data_row, 5, t("report.charts.data", lang), "subtitle")
    data_row += 2
    slot = 0

    def anchor() -> tuple[int, int]:
        nonlocal slot
        place_at = (2 + (slot // 2) * CHART_ROWS, (slot % 2) * CHART_COLS)
        slot += 1
        return place_at

    for calc in calcs:
        data_row = _cv_chart(sheet, calc, data_row, anchor(), lang) + 2
    for key, calc in per_indicator.items():
        data_row = _school_chart(sheet, calc, key, data_row, anchor(), lang) + 2
    sheet.widths.update({0: 28, 1: 14, 2: 14})
    return sheet


def _cv_chart(sheet: Sheet, calc: CalcRefs, row: int, at: tuple[int, int], lang: Lang) -> int:
    """A data block of each indicator's CV (and the composite for basic) with its limit; its
    bar chart with the limit as a line. Returns the block's last row."""
    assert calc.result is not None
    method = t(f"report.method.{calc.method}", lang)
    sheet.put(row, 0, t("report.charts.indicator", lang), "header")
    sheet.put(row, 1, t("report.charts.cv", lang), "header")
    sheet.put(row, 2, t("report.charts.limit", lang), "header")
    first = row + 1
    items = list(calc.result.indicators)
    for i, item in enumerate(items):
        r = first + i
        sheet.put(r, 0, BY_KEY[item.key].label(lang))
        sheet.put(r, 1, item.cv, "coef",
                  "=" + sheet_ref(calc.sheet, calc.cv_row, calc.indicator_cols[item.key]))
        limit = item.limit if item.limit is not None else calc.result.limit
        sheet.put(r, 2, limit, "coef_plain")
    last = first + len(items) - 1
    limit_name = t("report.charts.indicator_limit", lang)
    if calc.result.limit is not None:  # basic: the composite is judged, not each indicator
        last += 1
        sheet.put(last, 0, t("report.calc.composite_row", lang), "label")
        sheet.put(last, 1, calc.result.composite, "coef",
                  "=" + sheet_ref(calc.sheet, *calc.composite_cell))
        sheet.put(last, 2, calc.result.limit, "coef_plain")
        limit_name = t("report.charts.composite_limit", lang)
    sheet.charts.append(Chart(
        kind="column", anchor=at, y_title=t("report.charts.cv", lang), number_format="0.00",
        title=t("report.charts.cv_title", lang, method=method),
        series=[Series(t("report.charts.cv", lang), sheet.name, (0, first, last), (1, first, last),
                       color=BAR_COLOR),
                Series(limit_name, sheet.name, (0, first, last), (2, first, last), kind="line",
                       color=LIMIT_COLOR)]))
    return last


def _school_chart(sheet: Sheet, calc: CalcRefs, key: str, row: int, at: tuple[int, int],
                  lang: Lang) -> int:
    """A data block of the schools' values of one indicator, highest first, with the county
    value; its bar chart with the county value as a line. Returns the block's last row."""
    assert calc.result is not None
    indicator = BY_KEY[key]
    col = calc.indicator_cols[key]
    style = value_style(indicator)
    sheet.put(row, 0, t("report.calc.school", lang), "header")
    sheet.put(row, 1, indicator.short(lang), "header")
    sheet.put(row, 2, t("report.charts.county_value", lang), "header")
    order = sorted(range(len(calc.names)), key=lambda i: -calc.values[key][i])
    first = row + 1
    mean = next(item.mean for item in calc.result.indicators if item.key == key)
    for n, i in enumerate(order):
        r = first + n
        sheet.put(r, 0, calc.names[i])
        sheet.put(r, 1, calc.values[key][i], style,
                  "=" + sheet_ref(calc.sheet, calc.first_row + i, col))
        sheet.put(r, 2, mean, style, "=" + sheet_ref(calc.sheet, calc.county_row, col))
    last = first + len(order) - 1
    sheet.charts.append(Chart(
        kind="column", anchor=at, title=indicator.label(lang), y_title=None,
        series=[Series(indicator.short(lang), sheet.name, (0, first, last), (1, first, last),
                       color=BAR_COLOR),
                Series(t("report.charts.county_value", lang), sheet.name, (0, first, last),
                       (2, first, last), kind="line", color=LIMIT_COLOR)]))
    return last


def trend_sheet(book: Workbook, calcs: list[CalcRefs], lang: Lang, place: str) -> Sheet:
    """历年变化: per stage and method, the composite and each indicator's CV by year (formulas
    pointing at each year's calculation table) and a line chart of them."""
    sheet = book.sheet(t("report.sheet.trend", lang), "trend")
    groups: dict[tuple[str, str], list[CalcRefs]] = {}
    for calc in calcs:
        groups.setdefault((calc.method, calc.stage), []).append(calc)
    width = 2 + max(len(c.indicator_cols) for c in calcs)
    sheet.merge(0, 0, 0, width - 1, t("report.trend.title", lang, place=place), "title")
    row = 2
    charts_at = [0]
    blocks = []
    for (method, stage), items in sorted(groups.items(), key=lambda g: (g[0][0], g[0][1] !=
                                                                         "primary")):
        items = sorted(items, key=lambda c: c.year or 0)
        first_calc = items[0]
        keys = list(first_calc.indicator_cols)
        sheet.merge(row, 0, row, width - 1, t("report.trend.block", lang,
                    stage=t(f"report.stage.{stage}", lang),
                    method=t(f"report.method.{method}", lang)), "subtitle")
        header = row + 1
        sheet.put(header, 0, t("report.trend.year", lang), "header")
        sheet.put(header, 1, t("report.calc.composite_row", lang), "header")
        for k, key in enumerate(keys):
            sheet.put(header, 2 + k, BY_KEY[key].label(lang), "header")
        first = header + 1
        for i, calc in enumerate(items):
            assert calc.result is not None
            r = first + i
            sheet.put(r, 0, str(calc.year) if calc.year is not None else "", "text")
            sheet.put(r, 1, calc.result.composite, "coef",
                      "=" + sheet_ref(calc.sheet, *calc.composite_cell))
            cvs = {item.key: item.cv for item in calc.result.indicators}
            for k, key in enumerate(keys):
                sheet.put(r, 2 + k, cvs[key], "coef",
                          "=" + sheet_ref(calc.sheet, calc.cv_row, calc.indicator_cols[key]))
        last = first + len(items) - 1
        blocks.append((method, stage, keys, first, last))
        sheet.heights[header] = 45
        row = last + 3
    charts_at[0] = row
    for n, (method, stage, keys, first, last) in enumerate(blocks):
        series = [Series(t("report.calc.composite_row", lang), sheet.name, (0, first, last),
                         (1, first, last), kind="line", color=LIMIT_COLOR)]
        series += [Series(BY_KEY[key].short(lang), sheet.name, (0, first, last),
                          (2 + k, first, last), kind="line") for k, key in enumerate(keys)]
        sheet.charts.append(Chart(
            kind="line", series=series, number_format="0.00",
            title=t("report.trend.chart", lang, stage=t(f"report.stage.{stage}", lang),
                    method=t(f"report.method.{method}", lang)),
            anchor=(row + (n // 2) * (CHART_ROWS + 3), (n % 2) * CHART_COLS), height=380,
            y_title=t("report.charts.cv", lang)))
    sheet.widths.update({0: 8, 1: 12})
    for k in range(2, width):
        sheet.widths[k] = 12
    sheet.freeze = (1, 1)
    return sheet
