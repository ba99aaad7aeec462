"""Tables of `edustat enrolment`: one per county, rates as rows and years as columns."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text

from edustat.enrolment import EnrolmentReport, EnrolmentResult, RateResult
from edustat.numbers import rate_percent
from edustat.render.common import colon, narrow, verdict
from edustat.render.fill import Filled
from edustat.render.registry import RenderOptions, renderer
from edustat.texts import Lang, t


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
    return t("label.enumeration_separator", lang).join(parts)


def _note(code: str, lang: Lang, **params: Any) -> str:
    return t(f"note.enrolment.{code}", lang, **params)


def enrolment_note_lines(report: EnrolmentReport, results: Sequence[EnrolmentResult],
                         lang: Lang) -> list[str]:
    """The notes of one county's results, grouped: one line per rate(s), years and reason."""
    spec_names = [spec.short(lang) for spec in report.specs()]
    groups: dict[tuple[str, ...], dict[str, Any]] = {}
    for index in range(len(results[0].rates) if results else 0):
        for result in results:
            rate = result.rates[index]
            for code, params in rate.notes:
                # Notes that differ only in the data year (no table for 2006, for 2007, ...)
                # become one line that lists the years.
                shape = _note(code, lang, **{**params, "year": "\x00"})
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
        text = _note(entry["code"], lang, **params)
        names = merged.setdefault((_years_text(entry["years"], lang), text), [])
        if entry["name"] not in names:
            names.append(entry["name"])
    return [f"{t('label.enumeration_separator', lang).join(names)}"
            f"{' ' + years if years else ''}{colon(lang)}{text}"
            for (years, text), names in merged.items()]


def enrolment_table(report: EnrolmentReport, results: Sequence[EnrolmentResult], lang: Lang,
                    decimals: int, detail: bool, abbreviated: bool = False) -> Table:
    """One county: rates as rows, years as columns; counts with `detail`; `abbreviated`: the
    rates' four-character names, unbroken, for a narrow terminal."""
    county = results[0].county
    system = t(f"system.{report.system.replace('-', '_')}", lang)
    # Collapsed padding: nine years of 100.00 and the labels fit in 100 columns.
    table = Table(title=t("enrolment.title", lang, place=county or t("label.whole_file", lang),
                          system=system), title_justify="left",
                  box=box.SIMPLE_HEAD, collapse_padding=True,
                  # Narrow: the box's own space between columns is all the spacing there is.
                  padding=(0, 0) if abbreviated else (0, 1))
    # When the width runs short the labels wrap; a figure is never cut.
    table.add_column(t("enrolment.rate", lang), overflow="fold",
                     min_width=8 if abbreviated else None)
    for result in results:
        # As wide as its widest figure: a narrow terminal wraps the labels, never a figure.
        widest = max((len(_percent_cell(rate, decimals)) for rate in result.rates), default=1)
        if detail:
            widest = max([widest, *(len(_count_cell(count)) for rate in result.rates
                                    for count in (rate.numerator, rate.denominator))])
        table.add_column(str(result.year) if result.year is not None else
                         t("enrolment.no_year", lang), justify="right", no_wrap=True,
                         min_width=widest)
    for index, spec in enumerate(report.specs()):
        rates = [result.rates[index] for result in results]
        if index and detail:
            table.add_section()
        label = _abbreviation(spec.key, lang) if abbreviated else spec.short(lang)
        table.add_row(label, *(_percent_cell(rate, decimals) for rate in rates))
        if detail:
            table.add_row(t("enrolment.numerator", lang, what=spec.numerator(lang)),
                          *(_count_cell(rate.numerator) for rate in rates))
            table.add_row(t("enrolment.denominator", lang, what=spec.denominator(lang)),
                          *(_count_cell(rate.denominator) for rate in rates))
        minimum = next((rate.minimum for rate in rates if rate.minimum is not None), None)
        if minimum is not None:
            table.add_row(t("enrolment.minimum", lang, minimum=_minimum_text(minimum)),
                          *(verdict(rate.meets, lang) for rate in rates))
    return table


def _abbreviation(key: str, lang: Lang) -> str:
    return t(f"enrolment_rate.{key}.abbr", lang)


def abbreviations_line(report: EnrolmentReport, lang: Lang) -> str:
    """What each abbreviated rate name stands for."""
    return t("enrolment.abbreviations", lang, names=t("label.comma", lang).join(
        t("enrolment.abbreviation", lang, abbr=_abbreviation(spec.key, lang),
          name=spec.label(lang)) for spec in report.specs()))


@renderer(EnrolmentReport)
def enrolment_renderable(report: EnrolmentReport, options: RenderOptions) -> Group:
    """Every county of an enrolment report as one table (years as columns); with
    options.extra["detail"], each rate's numerator and denominator."""
    lang = options.lang
    decimals = 2 if options.decimals is None else options.decimals
    detail = bool(options.extra.get("detail"))
    parts: list[Any] = []
    if not report.results:
        parts.append(Text(t("enrolment.no_results", lang)))
    by_county: dict[str | None, list[EnrolmentResult]] = {}
    for result in report.results:
        by_county.setdefault(result.county, []).append(result)
    abbreviated = narrow(options.width)
    for results in by_county.values():
        parts.append(enrolment_table(report, results, lang, decimals, detail, abbreviated))
        # Below the table, not as its caption: a caption wraps at the (narrow) table's width.
        lines = enrolment_note_lines(report, results, lang)
        if lines:
            parts.append(Filled("\n".join(lines)))
        parts.append(Text(""))
    if abbreviated and report.results:
        parts.append(Filled(abbreviations_line(report, lang), style="dim"))
    return Group(*parts)
