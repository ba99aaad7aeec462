"""The terminal summary of `edustat report`: what was written (sheets, charts, formulas) and the
headline verdicts."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from edustat.indicators import BY_KEY
from edustat.render.registry import RenderOptions, renderer
from edustat.report.result import WorkbookReport, WorkbookWritten
from edustat.texts import Lang, t

SHEETS_LISTED_UP_TO = 3  # workbooks; beyond this (a province) one line each


def _written(book: WorkbookWritten, lang: Lang, listed: bool) -> list[RenderableType]:
    head = Text(t("report.term.written", lang, path=book.path, sheets=len(book.sheets),
                  charts=book.charts, formulas=book.formulas), style="bold")
    if book.plan_cost is not None:
        head.append(t("report.term.plan_cost", lang, cost=f"{book.plan_cost / 10_000:,.2f}"))
    if not listed:
        return [head]
    table = Table(show_edge=False, pad_edge=False, box=None, padding=(0, 2, 0, 2))
    for key in ("sheet", "contents", "charts"):
        table.add_column(t(f"report.term.{key}", lang), justify="right" if key == "charts"
                         else "left")
    for sheet in book.sheets:
        table.add_row(sheet.name, t(f"report.kind.{sheet.kind}", lang),
                      str(sheet.charts) if sheet.charts else "")
    return [head, table]


@renderer(WorkbookReport)
def report_summary(report: WorkbookReport, options: RenderOptions) -> RenderableType:
    """What was written, then each county, year, stage and method's verdict."""
    lang = options.lang
    decimals = options.decimals if options.decimals is not None else 4
    parts: list[RenderableType] = []
    listed = len(report.workbooks) <= SHEETS_LISTED_UP_TO
    for book in report.workbooks:
        parts += _written(book, lang, listed)
    # One county or one year: said once in the title, not repeated on every row.
    counties = {v.county for v in report.coefficients}
    years = {v.year for v in report.coefficients}
    shared = " ".join(str(x) for x in (*counties, *years)
                      if x is not None and (len(counties) if x in counties else len(years)) == 1)
    columns = [key for key in ("county", "year") if len(counties if key == "county" else years)
               > 1] + ["stage", "method", "composite", "limit", "verdict", "over"]
    verdicts = Table(title=t("report.term.verdicts", lang) + (f" · {shared}" if shared else ""),
                     title_justify="left")
    for key in columns:
        verdicts.add_column(t(f"report.term.{key}", lang),
                            justify="right" if key in ("composite", "limit") else "left",
                            overflow="fold")
    for v in report.coefficients:
        over = "\n".join(t("report.term.over_item", lang, name=BY_KEY[f.key].short(lang),
                          cv=f"{f.cv:.{decimals}f}", limit=f"{f.limit:g}") for f in v.failing)
        cells: dict[str, str | Text] = {
                 "county": v.county or "", "year": str(v.year) if v.year is not None else "",
                 "stage": t(f"report.stage.{v.stage}", lang),
                 "method": t(f"report.method.{v.standard}", lang),
                 "composite": f"{v.composite:.{decimals}f}",
                 "limit": f"{v.limit:g}" if v.limit is not None else "",
                 "verdict": Text(t("report.meets" if v.meets else "report.fails", lang),
                                 style="green" if v.meets else "bold red"), "over": over}
        verdicts.add_row(*(cells[key] for key in columns))
    parts.append(verdicts)
    if report.standards:
        lines = [" ".join(t("report.term.standards_line", lang, county=s.county or "",
                            year=s.year if s.year is not None else "",
                            stage=t(f"report.stage.{s.stage}", lang), passing=s.passing,
                            schools=s.schools).split()).join(("  ", ""))
                 for s in report.standards]
        parts.append(Text(t("report.term.standards", lang) + "\n" + "\n".join(lines)))
    return Group(*parts)
