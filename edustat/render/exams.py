"""Tables of `edustat exams`: each county, year and exam, then its schools if asked."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from edustat.exams import RATE_BY_KEY, ExamReport, ExamResult, RateValue
from edustat.numbers import fraction_half_up, percent_text
from edustat.render.common import colon, place_label
from edustat.render.registry import RenderOptions, renderer
from edustat.texts import Lang, t


def change_text(rate: RateValue, candidates: int, decimals: int) -> str:
    """A rate's change from last year in percentage points, signed (+3.9); '—' when unknown."""
    if rate.change is None:
        return "—"
    if rate.previous_count is None or rate.previous_candidates is None:
        text = f"{rate.change * 100:.{decimals}f}"  # no exact figures: round the float
    else:
        # c1/n1 − c0/n0 = (c1·n0 − c0·n1) / (n1·n0), rounded once from the exact fraction.
        n0 = rate.previous_candidates
        text = fraction_half_up(100 * (rate.count * n0 - rate.previous_count * candidates),
                                candidates * n0, decimals)
    if text.lstrip("-").strip("0.") == "":
        return text.lstrip("-")  # no "-0.0"
    return text if text.startswith("-") else "+" + text


def _exam_title(result: ExamResult, lang: Lang) -> str:
    return (f"{place_label(result.county, result.year, lang)} {t(f'exam.{result.exam}', lang)} · "
            f"{t('exams.candidates_title', lang, candidates=result.candidates)}")


def exam_total_table(result: ExamResult, lang: Lang, decimals: int, with_change: bool) -> Table:
    """One county, year and exam: each rate's count and percentage, the headline rate last."""
    table = Table(title=_exam_title(result, lang), title_justify="left")
    table.add_column(t("exams.rate", lang))
    table.add_column(t("exams.count", lang), justify="right")
    table.add_column(t("exams.value", lang), justify="right")
    if with_change:
        table.add_column(t("exams.change", lang), justify="right")
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
        table.caption = t("label.list_separator", lang).join(n.word(lang) for n in result.notes)
        table.caption_justify = "left"
    return table


def exam_schools_table(total: ExamResult, schools: Sequence[ExamResult], lang: Lang,
                       decimals: int, with_change: bool) -> Table:
    """Each school of one county, year and exam: candidates and every rate (and its change)."""
    table = Table(title=t("exams.schools_title" if with_change else "exams.schools_plain", lang),
                  title_justify="left")
    table.add_column(t("exams.school", lang), overflow="fold")
    table.add_column(t("exams.candidates", lang), justify="right")
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
    notes = [f"{s.school_name or s.school_id}{colon(lang)}{n.word(lang)}"
             for s in schools for n in s.notes]
    if notes:
        table.caption = "\n".join(notes)
        table.caption_justify = "left"
    return table


@renderer(ExamReport)
def exams_renderable(report: ExamReport, options: RenderOptions) -> Group:
    """Every county, year and exam of an exam report: the total, then its schools if asked."""
    lang = options.lang
    decimals = 1 if options.decimals is None else options.decimals
    parts: list[Any] = []
    if not report.results:
        parts.append(Text(t("exams.no_results", lang)))
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
