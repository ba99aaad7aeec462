"""Tables of `edustat figures` and `edustat check` (SPEC §7.3), and of `edustat validate`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from edustat.api import ValidationReport
from edustat.checks import CheckReport, FiguresReport, RulesReport, Unavailable
from edustat.numbers import difference_number, parse_written, round_half_up
from edustat.render.common import (
    PROBLEM_DISPLAY_LIMIT,
    SEVERITY_ORDER,
    colon,
    narrow,
    place_label,
    problems_renderable,
    problems_table,
)
from edustat.render.registry import RenderOptions, renderer
from edustat.results import joined
from edustat.texts import Lang, t


@renderer(ValidationReport)
def validation_renderable(report: ValidationReport, options: RenderOptions) -> RenderableType:
    """Every problem found (errors first), or one line saying the tables are clean."""
    if report.problems:
        return problems_renderable(report.problems, options.lang, notes_as_lines=False)
    return Text(t("label.clean", options.lang, rows=report.rows))


def figure_value_text(value: float | None, kind: str, decimals: int) -> str:
    """A figure as a table shows it, rounded half up: counts whole, shares as a percentage
    (two places fewer, so 4 decimals give 51.90%), other numbers at `decimals` places."""
    if value is None:
        return "—"
    if kind == "count":
        return f"{round_half_up(value, 0):,f}"
    if kind == "share":
        return f"{round_half_up(value, max(decimals - 2, 0), 100):,f}%"
    return f"{round_half_up(value, decimals):,f}"


def _unavailable_lines(unavailable: Sequence[Unavailable], lang: Lang) -> list[str]:
    if not unavailable:
        return []
    return [t("check.unavailable", lang), *(
        t("check.unavailable_line", lang, family=item.family, reason=item.reason.word(lang))
        for item in unavailable)]


@renderer(FiguresReport)
def figures_renderable(report: FiguresReport, options: RenderOptions) -> Group:
    """Every figure, one table per county and year: key, name, value; below it, why a figure
    is missing (or flagged)."""
    lang = options.lang
    decimals = 4 if options.decimals is None else options.decimals
    parts: list[Any] = []
    groups: dict[tuple[Any, Any], list[Any]] = {}
    for figure in report.results:
        groups.setdefault((figure.county, figure.year), []).append(figure)
    if not groups:
        parts.append(Text(t("check.no_figures", lang)))
    stacked = narrow(options.width)
    for (county, year), figures in groups.items():
        # No inner rules and a key column as wide as its longest key: a key is copied into a
        # claims file, so it must not be broken across lines while the width allows.
        table = Table(title=t("check.figures_title", lang, place=place_label(county, year, lang),
                              count=len(figures)), title_justify="left",
                      box=box.SIMPLE_HEAD, collapse_padding=True, pad_edge=False)
        # Narrow: the name goes under its key, so neither is broken into a column of characters.
        table.add_column(t("check.key", lang), overflow="fold",
                         width=None if stacked else max(len(f.key) for f in figures))
        if not stacked:
            table.add_column(t("check.name", lang), overflow="fold")
        values = [figure_value_text(f.value, f.kind, decimals) + ("*" if f.note else "")
                  for f in figures]
        table.add_column(t("check.value", lang), justify="right", no_wrap=True,
                         width=max(len(v) for v in [*values, t("check.value", lang)]))
        for figure, value in zip(figures, values, strict=True):
            if stacked:
                table.add_row(Text.assemble(figure.key, "\n", (figure.name.word(lang), "dim")),
                              value)
            else:
                table.add_row(figure.key, figure.name.word(lang), value)
        parts.append(table)
        notes = [f"* {figure.key}{colon(lang)}{joined(figure.note, lang)}"
                 for figure in figures if figure.note]
        if notes:
            parts.append(Text("\n".join(notes)))
        parts.append(Text(""))
    lines = _unavailable_lines(report.unavailable, lang)
    if lines:
        parts.append(Text("\n".join(lines)))
    return Group(*parts)


def difference_text(reported: str | None, computed: float | None, lang: Lang) -> str:
    """reported − computed in the unit the report writes, signed: +0.1 个百分点, −0.00056."""
    written = parse_written(reported)
    if written is None or computed is None:
        return ""
    unit = {100: t("check.points", lang),
            1000: t("check.per_mille_points", lang)}.get(written.scale, "")
    return difference_number(written, computed) + unit


def claims_table(report: CheckReport, lang: Lang) -> Table:
    """Each claim, wrong ones first: the figure (key, name, place, the claim's own note, and why
    it cannot be checked), the value as reported, as computed at the report's precision, and
    how far the report is off."""
    counts = report.counts()
    # No inner rules: the keys are long, and 100 columns must hold them on one line.
    table = Table(title=t("check.claims_title", lang, file=report.claims_file, **counts),
                  title_justify="left", box=box.SIMPLE_HEAD, collapse_padding=True,
                  pad_edge=False)
    table.add_column(t("check.row", lang), justify="right", no_wrap=True)
    table.add_column(t("check.status", lang), no_wrap=True)
    table.add_column(t("check.figure", lang), overflow="fold", ratio=1)
    for key in ("reported", "computed", "difference"):
        table.add_column(t(f"check.{key}", lang), justify="right", no_wrap=True)
    styles = {"mismatch": "bold red", "error": "red", "match": "green"}
    # The county and year go beside each figure only when the claims are about more than one.
    several = len({(c.county, c.year) for c in report.results}) > 1
    separator = t("label.list_separator", lang).strip()
    for claim in report.results:
        place = " ".join(x for x in (claim.county, None if claim.year is None
                                     else str(claim.year)) if x) if several else ""
        figure = Text(claim.figure)
        name = claim.name.word(lang) if claim.name is not None else None
        about = " · ".join(x for x in (name, place, claim.note) if x)
        if about:
            figure.append("\n" + about, style="dim")
        message = joined(claim.message, lang)
        # A mismatch's message repeats the computed column, unless it carries a hint.
        if claim.status == "error" or (claim.status == "mismatch"
                                       and message.count(separator)):
            figure.append("\n" + message, style=styles[claim.status])
        table.add_row(str(claim.row), Text(t(f"check.{claim.status}", lang),
                                           style=styles[claim.status]),
                      figure, claim.reported or "", claim.expected or "—",
                      difference_text(claim.reported, claim.computed, lang)
                      if claim.status == "mismatch" else "")
    return table


@renderer(CheckReport)
def check_renderable(report: CheckReport, options: RenderOptions) -> Group:
    """What `edustat check` found: the claims, the data's plausibility, what cannot be computed,
    and the verdict."""
    lang = options.lang
    parts: list[Any] = []
    if report.claims_file is not None:
        parts += [claims_table(report, lang), Text("")]
    if report.problems:
        shown = sorted(report.problems, key=lambda p: SEVERITY_ORDER[p.severity])
        parts.append(Text(t("check.rules_title", lang, rules=len(report.rules)), style="bold"))
        parts.append(problems_table(shown[:PROBLEM_DISPLAY_LIMIT], lang))
        if len(shown) > PROBLEM_DISPLAY_LIMIT:
            parts.append(Text(t("label.more_problems", lang,
                                more=len(shown) - PROBLEM_DISPLAY_LIMIT)))
    else:
        parts.append(Text(t("check.rules_clean", lang, rules=len(report.rules))))
    # What the data cannot give is said beside each claim that asks for it (and in the JSON).
    parts.append(Text(""))
    counts = report.counts()
    if report.ok:
        parts.append(Text(t("check.verdict_ok" if report.claims_file else "check.verdict_data_ok",
                            lang), style="bold green"))
    else:
        parts.append(Text(t("check.verdict_bad", lang, **counts), style="bold red"))
    if counts["data_warnings"]:
        parts.append(Text(t("check.warnings_line", lang, warnings=counts["data_warnings"])))
    return Group(*parts)


@renderer(RulesReport)
def rules_renderable(report: RulesReport, options: RenderOptions) -> Table:
    """The consistency rules in force: key, severity, bounds, what each checks."""
    lang = options.lang
    table = Table(title=t("check.rules_list_title", lang, standards=report.standards),
                  title_justify="left")
    for key in ("rule", "severity", "bounds", "description"):
        table.add_column(t(f"check.{key}", lang), overflow="fold",
                         no_wrap=key in ("rule", "severity"))
    for rule in report.rules:
        bounds = "\n".join(f"{name} = {value:g}" for name, value in rule.bounds.items())
        table.add_row(rule.key, t(f"label.{rule.severity}", lang), bounds or "—",
                      rule.description[lang])
    return table
