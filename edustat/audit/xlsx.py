"""The issue list as a workbook ready to print (`edustat audit -o 问题清单.xlsx`): a titled,
bordered, wrapped sheet with blank 整改措施 / 责任人 / 整改时限 columns for the bureau to fill,
landscape A4 one page wide, header repeated on every page; and a sheet of what the rules mean."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from edustat.audit.report import AuditReport, column_label, related_text
from edustat.texts import Lang, t

# (column key, width in characters); the last three are left blank for the bureau.
COLUMNS = [("number", 5), ("school_name", 18), ("school_id", 12), ("year", 6),
           ("severity", 6), ("rule", 11), ("columns", 14), ("values", 16), ("message", 40),
           ("compared", 30), ("place", 14), ("check", 26), ("measure", 22), ("owner", 9),
           ("deadline", 10)]
BLANK = ("measure", "owner", "deadline")


def _cells(report: AuditReport, lang: Lang) -> list[dict[str, Any]]:
    rows = []
    for number, finding in enumerate(report.findings, start=1):
        name = finding.school_name or (
            t("audit.label.county_wide", lang, county=finding.county) if finding.county
            else t("audit.label.no_county", lang))
        rows.append({
            "number": number, "school_name": name, "school_id": finding.school_id or "",
            "year": finding.year if finding.year is not None else "",
            "severity": t(f"audit.severity.{finding.severity}", lang),
            "rule": t(f"audit.name.{finding.rule}", lang),
            "columns": "、".join(column_label(c, lang) for c in finding.columns),
            "values": finding.values_text(lang),
            "message": finding.message(lang),
            "compared": "\n".join(related_text(r, lang, finding.school_id)
                                  for r in finding.related),
            "place": f"{finding.file}:{finding.row}" if finding.file and finding.row else "",
            "check": finding.check(lang), "measure": "", "owner": "", "deadline": ""})
    return rows


def _title(report: AuditReport, lang: Lang) -> str:
    counties = sorted({f.county for f in report.findings if f.county})
    years = report.years
    span = "" if not years else (str(years[0]) if len(years) == 1
                                 else f"{years[0]}–{years[-1]}")
    prefix = " ".join(x for x in ("、".join(counties[:3]), span) if x)
    return f"{prefix} {t('audit.label.title', lang)}".strip()


def write_issue_list(report: AuditReport, path: Path, lang: Lang) -> None:
    """Write the formatted issue list to `path` whole or not at all."""
    from edustat.output import write_atomic

    write_atomic(path, lambda temp: _write(report, temp, lang))


def _write(report: AuditReport, path: Path, lang: Lang) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False,
                                           "strings_to_formulas": False,
                                           "strings_to_urls": False})
    font = {"font_name": t("audit.xlsx.font", lang), "font_size": 10}
    title = book.add_format({**font, "bold": True, "font_size": 14, "align": "center",
                             "valign": "vcenter"})
    note = book.add_format({**font, "text_wrap": True, "valign": "top"})
    head = book.add_format({**font, "bold": True, "text_wrap": True, "align": "center",
                            "valign": "vcenter", "border": 1, "bg_color": "#D9D9D9"})
    cell = book.add_format({**font, "text_wrap": True, "valign": "top", "border": 1})
    warn = book.add_format({**font, "text_wrap": True, "valign": "top", "border": 1,
                            "font_color": "#C00000", "bold": True})
    blank = book.add_format({**font, "text_wrap": True, "valign": "top", "border": 1,
                             "bg_color": "#FFFFF0"})

    sheet = book.add_worksheet(t("audit.sheet.findings", lang))
    last = len(COLUMNS) - 1
    sheet.merge_range(0, 0, 0, last, _title(report, lang), title)
    summary = report.summary
    scope = t("audit.label.scope", lang, files=len(report.files),
              years=_title_years(report.years), schools=summary["schools"],
              warning=summary["warning"], info=summary["info"],
              flagged=summary["schools_with_findings"])
    sheet.merge_range(1, 0, 1, last, f"{scope}\n{t('audit.label.printed_on', lang)}", note)
    sheet.set_row(0, 24)
    sheet.set_row(1, 30)
    header_row = 2
    for index, (key, width) in enumerate(COLUMNS):
        sheet.set_column(index, index, width)
        sheet.write(header_row, index, t(f"audit.column.{key}", lang), head)
    sheet.set_row(header_row, 28)
    for offset, values in enumerate(_cells(report, lang), start=1):
        row = header_row + offset
        for index, (key, _) in enumerate(COLUMNS):
            style = blank if key in BLANK else warn if (
                key == "severity" and report.findings[offset - 1].severity == "warning") \
                else cell
            sheet.write(row, index, values[key], style)
    end = header_row + len(report.findings)
    sheet.freeze_panes(header_row + 1, 0)
    if report.findings:
        sheet.autofilter(header_row, 0, end, last)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)  # one page wide, as many long as needed
    sheet.repeat_rows(header_row)
    sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    sheet.set_footer(t("audit.xlsx.footer", lang))

    legend = book.add_worksheet(t("audit.sheet.rules", lang))
    for index, (key, width) in enumerate((("rule", 16), ("why", 60), ("check", 44))):
        legend.set_column(index, index, width)
        legend.write(0, index, t(f"audit.column.{key}", lang), head)
    for row, code in enumerate(report.rules, start=1):
        legend.write(row, 0, t(f"audit.name.{code}", lang), cell)
        legend.write(row, 1, t(f"audit.why.{code}", lang), cell)
        legend.write(row, 2, t(f"audit.check.{code}", lang), cell)
    legend.set_landscape()
    legend.set_paper(9)
    legend.fit_to_pages(1, 0)
    legend.repeat_rows(0)
    book.close()


def _title_years(years: list[int]) -> str:
    if not years:
        return "—"
    return str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
