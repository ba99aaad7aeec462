"""The table of `edustat check DRAFT`: mismatches and failed arithmetic first, then every figure
in document order, then the text's arithmetic, with a summary."""

from __future__ import annotations

import shutil

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from edustat.drafts.report import (
    Arithmetic,
    DraftCheckReport,
    Finding,
    arithmetic_detail,
    reason_text,
)
from edustat.render.fill import Filled
from edustat.render.registry import RenderOptions, renderer
from edustat.texts import Lang, t

_STYLE = {"match": "green", "mismatch": "bold red", "not_checkable": "yellow", "unbound": "dim",
          "holds": "green", "fails": "bold red"}
_AROUND = 14  # characters of the sentence shown each side of the figure


def snippet(finding: Finding, around: int = _AROUND) -> Text:
    """The figure in its sentence, cut to `around` characters before it, the figure in 【】."""
    start, end = finding.mark
    text = finding.text
    left = text[max(0, start - around):start]
    right = text[end:end + 4]
    out = Text("…" if start > around else "", style="dim")
    out.append(left, style="dim")
    out.append(f"【{text[start:end]}】")
    out.append(right + ("…" if end + 4 < len(text) else ""), style="dim")
    return out


def computed_text(finding: Finding, lang: Lang) -> str:
    """The computed value as the draft would write it, or what the data says of a verdict."""
    if finding.kind == "verdict" and finding.computed is not None:
        return t("draft.detail.verdict_true" if finding.computed else "draft.detail.verdict_false",
                 lang)
    return finding.expected or ""


def verdict_text(finding: Finding, lang: Lang, footnotes: dict[str, int]) -> Text:
    """The verdict, with the number of the footnote giving the reason of a figure not checked
    or not bound (one footnote per distinct reason, so twelve figures of a missing exam table
    share one line)."""
    out = Text(t(f"draft.verdict.{finding.verdict}", lang), style=_STYLE[finding.verdict])
    if finding.reason:
        reason = reason_text(finding.reason, finding.reason_params, lang)
        number = footnotes.setdefault(reason, len(footnotes) + 1)
        out.append(f" [{number}]")
    return out


def _findings_table(findings: list[Finding], lang: Lang, title: str,
                    footnotes: dict[str, int], around: int) -> Table:
    """One row per figure: where, what it means over the sentence it stands in, as written,
    as computed (written the same way), the verdict."""
    table = Table(title=title, title_justify="left", show_lines=False)
    table.add_column(t("draft.col_where", lang), no_wrap=True)
    table.add_column(t("draft.col_meaning", lang) + " / " + t("draft.col_text", lang),
                     overflow="fold")
    table.add_column(t("draft.col_written", lang), justify="right", no_wrap=True)
    table.add_column(t("draft.col_computed", lang), justify="right", no_wrap=True)
    table.add_column(t("draft.col_verdict", lang), no_wrap=True)
    for finding in findings:
        meaning = Text(finding.name or "—")
        if finding.kind == "limit" and not (finding.name or "").endswith("）"):
            meaning.append(t("draft.limit_name", lang))
        meaning.append("\n")
        meaning.append_text(snippet(finding, around))
        written = "—" if finding.kind == "verdict" else finding.written + (finding.unit or "")
        table.add_row(finding.where.label(lang), meaning, written,
                      computed_text(finding, lang), verdict_text(finding, lang, footnotes))
    return table


def _arithmetic_table(items: list[Arithmetic], lang: Lang, title: str) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column(t("draft.col_where", lang), no_wrap=True)
    table.add_column(t("draft.col_rule", lang), overflow="fold")
    table.add_column(t("draft.col_detail", lang), overflow="fold", ratio=3)
    table.add_column(t("draft.col_verdict", lang), no_wrap=True)
    for item in items:
        table.add_row(item.where.label(lang), t(f"draft.rule.{item.rule}", lang),
                      arithmetic_detail(item, lang),
                      Text(t(f"draft.verdict.{item.verdict}", lang), style=_STYLE[item.verdict]))
    return table


@renderer(DraftCheckReport)
def draft_table(report: DraftCheckReport, options: RenderOptions) -> RenderableType:
    """Summary and what to correct first, then every figure in document order, then the
    arithmetic, then notes."""
    lang = options.lang
    parts: list[RenderableType] = [Text(t("draft.title", lang, draft=report.draft), style="bold")]
    summary = Text(t("draft.summary", lang, **report.summary))
    bad = report.failed()
    summary.stylize("bold red" if bad else "bold green")
    parts.append(summary)
    wrong = [f for f in report.findings if f.verdict == "mismatch"]
    failing = [a for a in report.arithmetic if a.verdict == "fails"]
    footnotes: dict[str, int] = {}
    # A narrow terminal shows less of each sentence, so a row stays two or three lines.
    width = options.width or shutil.get_terminal_size((120, 24)).columns
    around = _AROUND if width >= 100 else 8
    if wrong:
        parts += [Text(""), _findings_table(wrong, lang, t("draft.problems_first", lang),
                                            footnotes, around)]
    if failing:
        parts += [Text(""), _arithmetic_table(failing, lang, t("draft.problems_first", lang)
                                              + " · " + t("draft.arithmetic_title", lang))]
    if not bad:
        parts.append(Text(t("draft.no_problems", lang), style="green"))
    if report.findings:
        parts += [Text(""), _findings_table(report.findings, lang,
                                            t("draft.all_findings", lang), footnotes, around)]
        for reason, number in footnotes.items():
            parts.append(Text(f"[{number}] {reason}"))
    if report.arithmetic:
        parts += [Text(""), _arithmetic_table(report.arithmetic, lang,
                                              t("draft.arithmetic_title", lang))]
    for note in report.notes:
        parts.append(Filled(t(f"draft.note.{note.code}", lang, **note.params), style="dim"))
    return Group(*parts)
