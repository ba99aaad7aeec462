"""Writing a workbook model to .xlsx with xlsxwriter: formats, widths that fit CJK text, print
setup, native charts, and formulas with their cached values. Written whole or not at all."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

from edustat.report.model import Cell, Chart, Sheet, Workbook
from edustat.texts import Lang

A4 = 9  # xlsxwriter's paper code
BORDER = {"border": 1, "border_color": "#A6A6A6", "valign": "vcenter"}
TOTAL = {"bold": True, "bg_color": "#F2F2F2"}
FAIL = {"bg_color": "#FFC7CE", "font_color": "#9C0006"}
FAIL_HARD = {"bg_color": "#C00000", "font_color": "#FFFFFF", "bold": True}
STYLES: dict[str, dict[str, Any]] = {
    "title": {"bold": True, "font_size": 14, "align": "center", "valign": "vcenter"},
    "subtitle": {"bold": True, "align": "left", "valign": "vcenter"},
    "header": {**BORDER, "bold": True, "align": "center", "text_wrap": True,
               "bg_color": "#DDEBF7"},
    "text": {**BORDER},
    "wrap": {**BORDER, "text_wrap": True},
    "center": {**BORDER, "align": "center"},
    "label": {**BORDER, **TOTAL, "align": "center"},
    "note": {"font_size": 9, "text_wrap": True, "valign": "top"},
    "int": {**BORDER, "num_format": "#,##0"},
    "num1": {**BORDER, "num_format": "0.0"},
    "num2": {**BORDER, "num_format": "#,##0.00"},
    "num4": {**BORDER, "num_format": "0.0000"},
    "money": {**BORDER, "num_format": "#,##0.00"},
    "share": {**BORDER, "num_format": "0.00%", "font_color": "#1F4E79", "bold": True},
    "share_plain": {**BORDER, "num_format": "0.00%", "font_color": "#808080"},
    "coef": {**BORDER, **TOTAL, "num_format": "0.0000"},
    "coef_plain": {**BORDER, "num_format": "0.0000"},
    "pct": {**BORDER, "num_format": "0.00%"},
    "verdict": {**BORDER, "align": "center", "font_color": "#006100", "bg_color": "#C6EFCE"},
}
FONT = {"zh": "宋体", "en": "Calibri"}
MIN_WIDTH, MAX_WIDTH, HEADER_WIDTH = 6.0, 40.0, 14.0


def display_width(value: Any, style: str = "text") -> float:
    """Columns a value takes in Excel's width units: CJK characters count two."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        if "pct" in style or "share" in style:
            text = f"{value * 100:.2f}%"
        elif style.startswith(("num4", "coef")):
            text = f"{value:.4f}"
        else:
            text = f"{value:,.2f}"
    else:
        text = str(value if value is not None else "")
    lines = text.split("\n") or [""]
    return max(sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
               for line in lines)


class _Formats:
    """xlsxwriter formats by style name, made once each: base, _total, ! and !! variants."""

    def __init__(self, book: Any, lang: Lang) -> None:
        self.book, self.font = book, FONT[lang]
        self.made: dict[str, Any] = {}

    def __call__(self, style: str) -> Any:
        if style not in self.made:
            base = style.rstrip("!")
            marks = len(style) - len(base)
            total = base.endswith("_total")
            props = dict(STYLES[base.removesuffix("_total")])
            if total:
                props.update(TOTAL)
            if marks:
                props.update(FAIL_HARD if marks > 1 else FAIL)
            props.setdefault("font_name", self.font)
            self.made[style] = self.book.add_format(props)
        return self.made[style]


def write_workbook(book: Workbook, path: Path, lang: Lang) -> None:
    """Write `book` to `path` whole or not at all (edustat.output.write_atomic: a temporary file
    in the same folder, then a rename, with the permissions the user's umask gives)."""
    from edustat.output import write_atomic

    write_atomic(path, lambda temp: _write(book, temp, lang))


def _write(book: Workbook, path: Path, lang: Lang) -> None:
    import xlsxwriter

    xlsx = xlsxwriter.Workbook(str(path), {"nan_inf_to_errors": True})
    formats = _Formats(xlsx, lang)
    try:
        for sheet in book.sheets:
            _write_sheet(xlsx, sheet, formats)
    finally:
        xlsx.close()


def _write_cell(ws: Any, row: int, col: int, cell: Cell, fmt: Any) -> None:
    if cell.formula is not None:
        ws.write_formula(row, col, cell.formula, fmt,
                         cell.value if cell.value is not None else "")
    elif isinstance(cell.value, bool):
        ws.write_string(row, col, str(cell.value), fmt)
    elif isinstance(cell.value, int | float):
        ws.write_number(row, col, cell.value, fmt)
    elif cell.value is None or cell.value == "":
        ws.write_blank(row, col, None, fmt)
    else:
        ws.write_string(row, col, str(cell.value), fmt)


def _write_sheet(xlsx: Any, sheet: Sheet, formats: _Formats) -> None:
    ws = xlsx.add_worksheet(sheet.name)
    for (row, col), cell in sheet.cells.items():
        _write_cell(ws, row, col, cell, formats(cell.style))
    for span in sheet.spans:
        cell = span.cell
        value = cell.value if cell.value is not None else ""
        ws.merge_range(span.first_row, span.first_col, span.last_row, span.last_col,
                       value if isinstance(value, str) else "", formats(cell.style))
        if not isinstance(value, str):
            _write_cell(ws, span.first_row, span.first_col, cell, formats(cell.style))
    for col, width in _widths(sheet).items():
        ws.set_column(col, col, width)
    for row, height in sheet.heights.items():
        ws.set_row(row, height)
    for chart in sheet.charts:
        ws.insert_chart(*chart.anchor, _chart(xlsx, chart),
                        {"object_position": 1})
    if sheet.freeze:
        ws.freeze_panes(*sheet.freeze)
    ws.set_paper(A4)
    if sheet.landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    if sheet.repeat_rows:
        ws.repeat_rows(*sheet.repeat_rows)
    ws.fit_to_pages(1, 0)  # one page wide, as many pages tall as needed
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_footer("&C&P / &N")
    ws.center_horizontally()


def _widths(sheet: Sheet) -> dict[int, float]:
    """Each used column's width: fixed where the layout says, else its widest cell (headers wrap,
    so they count up to HEADER_WIDTH), within MIN_WIDTH and MAX_WIDTH."""
    widths: dict[int, float] = {}
    for (_row, col), cell in sheet.cells.items():
        if cell.style in ("title", "subtitle", "note"):
            continue
        width = display_width(cell.value, cell.style) + 2
        if cell.style == "header":
            width = min(width, HEADER_WIDTH)
        widths[col] = max(widths.get(col, MIN_WIDTH), min(width, MAX_WIDTH))
    widths.update(sheet.widths)
    return widths


def _chart(xlsx: Any, chart: Chart) -> Any:
    main_kind = chart.kind
    main = xlsx.add_chart({"type": main_kind})
    extra = None
    for series in chart.series:
        target = main
        if series.kind != main_kind:
            extra = extra or xlsx.add_chart({"type": series.kind})
            target = extra
        col, first, last = series.categories
        vcol, vfirst, vlast = series.values
        options: dict[str, Any] = {
            "name": series.name,
            "categories": [series.sheet, first, col, last, col],
            "values": [series.sheet, vfirst, vcol, vlast, vcol]}
        if series.kind == "line":
            options["line"] = {"width": 2, **({"color": series.color} if series.color else {})}
            options["marker"] = {"type": "circle", "size": 4}
        elif series.color:
            options["fill"] = {"color": series.color}
        target.add_series(options)
    if extra is not None:
        main.combine(extra)
    main.set_title({"name": chart.title, "name_font": {"size": 12}})
    main.set_legend({"position": "bottom"})
    y_axis: dict[str, Any] = {"major_gridlines": {"visible": True,
                                                  "line": {"color": "#D9D9D9"}}}
    if chart.y_title:
        y_axis["name"] = chart.y_title
    if chart.number_format:
        y_axis["num_format"] = chart.number_format
    main.set_y_axis(y_axis)
    main.set_x_axis({"num_font": {"rotation": -45}} if main_kind == "column" else {})
    main.set_size({"width": chart.width, "height": chart.height})
    return main
