"""Tables of `edustat coefficient`: one per county, year and stage, or one summary line each."""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from edustat.coefficients import CoefficientReport, CoefficientResult
from edustat.render import SUMMARY_ABOVE
from edustat.render.common import fmt, narrow, place_label, stage_label, verdict
from edustat.render.registry import RenderOptions, renderer
from edustat.texts import Lang, t


def _result_title(result: CoefficientResult, standard: str, lang: Lang) -> str:
    counts = t("label.schools_students", lang, schools=result.schools, students=result.students)
    return (f"{place_label(result.county, result.year, lang)} {stage_label(result.stage, lang)}"
            f" · {t(f'label.{standard}', lang)} · {counts}")


def coefficient_table(result: CoefficientResult, standard: str, lang: Lang,
                      decimals: int, short: bool = False) -> Table:
    """One county, year and stage: each indicator's value, SD, CV; the composite and verdict
    (`short`: the indicators' short names, for a narrow terminal)."""
    table = Table(title=_result_title(result, standard, lang), title_justify="left")
    table.add_column(t("label.indicator", lang))
    for key in ("mean", "sd", "cv", "limit"):
        table.add_column(t(f"label.{key}", lang), justify="right")
    table.add_column(t("label.verdict", lang))
    for indicator in result.indicators:
        name = (t(f"indicator.{indicator.key}.short", lang) if short
                else t(f"indicator.{indicator.key}.name", lang))
        table.add_row(name, fmt(indicator.mean, decimals),
                      fmt(indicator.sd, decimals), fmt(indicator.cv, decimals),
                      fmt(indicator.limit, 2), verdict(indicator.meets, lang))
    table.add_section()
    table.add_row(Text(t("label.composite", lang), style="bold"), "", "",
                  Text(fmt(result.composite, decimals), style="bold"), fmt(result.limit, 2),
                  verdict(result.meets, lang))
    return table


def units_table(result: CoefficientResult, lang: Lang, decimals: int, top: int = 2,
                short: bool = False) -> Table:
    """The per-school view: drivers first, each with the indicators it pulls apart most.

    Every unit's value, gap and share of every indicator is in the JSON/CSV; the table keeps to
    what fits a terminal: the `top` indicators where the school contributes most variance
    (`short`: without the county value, which the table above shows, for a narrow terminal).
    """
    county_value = {i.key: i.mean for i in result.indicators}
    table = Table(title=t("label.unit_view", lang), title_justify="left")
    table.add_column(t("label.school", lang), overflow="fold")
    table.add_column(t("label.students", lang), justify="right")
    table.add_column(t("label.drive", lang), justify="right")
    table.add_column(t("label.main_gaps_short" if short else "label.main_gaps", lang),
                     overflow="fold")
    line = "label.gap_line_short" if short else "label.gap_line"
    for unit in result.units or []:
        leading = sorted(unit.indicators, key=lambda i: -i.variance_share)[:top]
        gaps = "\n".join(
            t(line, lang, name=t(f"indicator.{i.key}.short", lang),
              value=fmt(i.value, decimals), county=fmt(county_value[i.key], decimals),
              share=f"{i.variance_share:.0%}")
            for i in leading if i.variance_share > 0)
        table.add_row(unit.school_name or unit.school_id or "", str(unit.students),
                      f"{unit.drive:.0%}", gaps)
    return table


def coefficient_summary_table(report: CoefficientReport, lang: Lang, decimals: int) -> Table:
    """One line per county, year and stage: composite, limit, verdict, the widest indicator."""
    table = Table(title=t("label.summary_title", lang,
                          standard=t(f"label.{report.standard}", lang),
                          count=len(report.results)), title_justify="left")
    for key in ("county", "year", "stage", "schools_n", "students", "composite", "limit",
                "verdict", "widest", "widest_cv"):
        table.add_column(t(f"label.{key}", lang), no_wrap=key == "widest",
                         justify="right" if key in ("year", "schools_n", "students",
                                                    "composite", "limit", "widest_cv")
                         else "left")
    for result in report.results:
        widest = max(result.indicators, key=lambda i: i.cv)
        failing = [i for i in result.indicators if i.meets is False]
        verdict_cell = verdict(result.meets, lang)
        if failing:
            verdict_cell.append(f" {len(failing)}/{len(result.indicators)}")
        table.add_row(result.county or t("label.whole_file", lang),
                      "" if result.year is None else str(result.year),
                      stage_label(result.stage, lang), str(result.schools), str(result.students),
                      fmt(result.composite, decimals), fmt(result.limit, 2), verdict_cell,
                      t(f"indicator.{widest.key}.short", lang), fmt(widest.cv, decimals))
    return table


def _needs_short_names(report: CoefficientReport, lang: Lang, decimals: int,
                       width: int | None) -> bool:
    """True when a table with the full indicator names would be wider than `width`."""
    from rich.console import Console

    if not narrow(width) or not report.results:
        return False
    console = Console(width=10_000)  # measures only: the widest the tables would like to be
    return any(console.measure(coefficient_table(result, report.standard, lang, decimals))
               .maximum > (width or 0) for result in report.results)


@renderer(CoefficientReport)
def coefficient_renderable(report: CoefficientReport, options: RenderOptions) -> Group:
    """A coefficient report as tables: one per county, year and stage, or one summary line
    each (options.extra["summary"]; by default above SUMMARY_ABOVE results)."""
    report = report.materialized()  # a streamed report keeps its results as records
    lang = options.lang
    decimals = 4 if options.decimals is None else options.decimals
    summary = options.extra.get("summary")
    if summary is None:
        summary = len(report.results) > SUMMARY_ABOVE
    parts: list[Any] = []
    if not report.results:
        parts.append(Text(t("label.no_results", lang)))
    elif summary:
        return Group(coefficient_summary_table(report, lang, decimals),
                     Text(t("label.summary_hint", lang)))
    short = _needs_short_names(report, lang, decimals, options.width)
    for result in report.results:
        parts.append(coefficient_table(result, report.standard, lang, decimals, short))
        # Below the table, not as its caption: a caption wraps at the table's own width.
        parts.extend(Text(note.word(lang)) for note in result.notes)
        if result.units is not None:
            parts.append(units_table(result, lang, decimals, short=short))
        parts.append(Text(""))
    return Group(*parts)
