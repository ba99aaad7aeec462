"""Tables of `edustat standards`: each school unit against the per-school standards."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from edustat.render.common import colon, fmt, narrow, stage_label
from edustat.render.registry import RenderOptions, renderer
from edustat.standards import SchoolStandardsResult, StandardsReport, StandardsTotal
from edustat.texts import Lang, has_text, t

MISSED, BELOW_FLOOR = "✗", "✗✗"


def _shortfall_text(amount: int, unit: str, lang: Lang) -> str:
    return f"{fmt(amount, 0)} {t(f'unit_one.{unit}' if amount == 1 else f'unit.{unit}', lang)}"


def _marked(text: str, ok: bool | None) -> Text:
    """A value followed by ✗ in yellow when it is over or under its limit."""
    return Text(text) if ok is not False else Text(text + MISSED, style="yellow")


def standards_table(results: Sequence[SchoolStandardsResult], total: StandardsTotal,
                    lang: Lang, decimals: int) -> Table:
    """One county, year and stage: each unit's verdict and every standard it misses, with what
    it would take to meet it; failing units first, the shortfall totals close the table."""
    place = total.county or t("label.whole_file", lang)
    year = f" {total.year}" if total.year is not None else ""
    table = Table(title=t("label.standards_title", lang, place=place, year=year,
                          stage=stage_label(total.stage, lang), schools=total.schools,
                          passing=total.passing, failing=total.failing),
                  title_justify="left")
    table.add_column(t("label.school", lang), overflow="fold", ratio=1)
    table.add_column(t("label.result", lang), no_wrap=True)
    table.add_column(t("label.missed", lang))
    class_limit = results[0].class_size_limit
    for key in ("current", "standard", "shortfall", "class_size", "school_size"):
        header = t(f"label.{key}", lang)
        if key == "class_size" and class_limit is not None:
            header += f"\n≤{class_limit:g}"
        table.add_column(header, justify="right", no_wrap=True)
    for result in results:
        name = result.school_name or result.school_id or ""
        students = Text(t("label.unit_students", lang, students=result.students), style="dim")
        school = [Text(name), Text(f"{t('label.meets' if result.passes else 'label.fails', lang)} "
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
            table.add_row(*first, t(f"indicator.{check['key']}.short", lang),
                          value, f"{check['standard']:g}",
                          _shortfall_text(check["shortfall"], check["unit"], lang),
                          *(school_limits if n == 0 else ["", ""]))
    table.add_section()
    closing = [item for item in total.shortfalls if item.shortfall]
    for n, item in enumerate(closing):
        table.add_row(Text(t("label.total", lang), style="bold") if n == 0 else "",
                      "", t(f"resource.{item.resource}", lang), "", "",
                      Text(_shortfall_text(item.shortfall, item.unit, lang), style="bold"),
                      "", "")
    return table


def _stacked_grid() -> Table:
    """The four columns of a school's missed standards, at fixed widths so schools align."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=16, overflow="fold")
    grid.add_column(justify="right", width=11, no_wrap=True)
    grid.add_column(justify="right", width=6, no_wrap=True)
    grid.add_column(justify="right", width=12, no_wrap=True)
    return grid


def standards_stacked(results: Sequence[SchoolStandardsResult], total: StandardsTotal,
                      lang: Lang, decimals: int) -> Group:
    """The standards table for a narrow terminal: each unit as a line (name, students, verdict,
    class size, school size) with its missed standards below it, then the shortfall totals."""
    place = total.county or t("label.whole_file", lang)
    year = f" {total.year}" if total.year is not None else ""
    parts: list[Any] = [Text(t("label.standards_title", lang, place=place, year=year,
                                stage=stage_label(total.stage, lang), schools=total.schools,
                                passing=total.passing, failing=total.failing))]
    header = _stacked_grid()
    header.add_row(*(Text("  " + t(f"label.{key}", lang) if key == "missed_short" else
                          t(f"label.{key}", lang), style="bold")
                     for key in ("missed_short", "current", "standard_short", "shortfall")))
    parts.append(header)
    for result in results:
        line = Text.assemble(
            (result.school_name or result.school_id or "", "bold"), " ",
            (t("label.unit_students", lang, students=result.students), "dim"), "  ",
            (f"{t('label.meets' if result.passes else 'label.fails', lang)} "
             f"{result.met}/{len(result.indicators)}",
             "green" if result.passes else "bold red"), "  ",
            f"{t('label.class_size', lang)} ",
            Text("—") if result.class_size is None else _marked(fmt(result.class_size, 1),
                                                                result.class_size_ok),
            f"  {t('label.school_size', lang)} ", _marked(str(result.school_size), result.size_ok))
        parts.append(line)
        missed = [c for c in result.indicators if not c["meets"]]
        if missed:
            grid = _stacked_grid()
            for check in missed:
                grid.add_row("  " + t(f"indicator.{check['key']}.short", lang),
                             Text(fmt(check["value"], decimals) + (
                                 BELOW_FLOOR if check["below_floor"] else MISSED),
                                  style="bold red" if check["below_floor"] else "yellow"),
                             f"{check['standard']:g}",
                             _shortfall_text(check["shortfall"], check["unit"], lang))
            parts.append(grid)
    closing = [item for item in total.shortfalls if item.shortfall]
    if closing:
        parts.append(Text(t("label.total", lang), style="bold"))
        grid = _stacked_grid()
        for item in closing:
            grid.add_row("  " + t(f"resource.{item.resource}", lang), "", "",
                         Text(_shortfall_text(item.shortfall, item.unit, lang), style="bold"))
        parts.append(grid)
    return Group(*parts)


def _kind_name(kind: str, lang: Lang) -> str:
    """A school type (or a stage) as a size limit is listed under."""
    return t(f"school_type.{kind}", lang) if has_text(f"school_type.{kind}") else kind


def standards_notes(results: Sequence[SchoolStandardsResult], lang: Lang) -> list[str]:
    """Lines under a standards table: the school-size limits that applied, then the notes."""
    limits = sorted({(r.school_type or r.stage, r.size_limit) for r in results
                     if r.size_limit is not None}, key=lambda pair: (pair[1], pair[0]))
    lines = [t("label.size_limits", lang, limits=t("label.comma", lang).join(
        f"{_kind_name(kind, lang)} {limit:g}" for kind, limit in limits))]
    lines.extend(f"{result.school_name or result.school_id or ''}{colon(lang)}{note.word(lang)}"
                 for result in results for note in result.notes)
    return lines


@renderer(StandardsReport)
def standards_renderable(report: StandardsReport, options: RenderOptions) -> Group:
    """One table per county, year and stage, then the legend once."""
    lang = options.lang
    decimals = 2 if options.decimals is None else options.decimals
    parts: list[Any] = []
    if not report.results:
        parts.append(Text(t("label.no_results", lang)))
    groups: dict[tuple[Any, ...], list[SchoolStandardsResult]] = {}
    for result in report.results:
        groups.setdefault((result.county, result.year, result.stage), []).append(result)
    stacked = narrow(options.width)
    for total in report.totals:
        results = groups[(total.county, total.year, total.stage)]
        parts.append(standards_stacked(results, total, lang, decimals) if stacked
                     else standards_table(results, total, lang, decimals))
        # Below the table, not as its caption: a caption wraps at the (narrow) table's width.
        parts.append(Text("\n".join(standards_notes(results, lang))))
        parts.append(Text(""))
    if report.results:
        parts.append(Text(t("label.standards_legend", lang,
                            floor=f"{report.pass_rule.floor_share:.0%}",
                            min_met=report.pass_rule.min_met)))
    return Group(*parts)


