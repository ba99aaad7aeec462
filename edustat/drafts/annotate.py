"""`edustat check DRAFT.docx -o checked.docx`: a copy of the draft with each checked figure
highlighted (green match, red mismatch or failed arithmetic, yellow not checkable) and a Word
comment giving the computed value. The draft itself is only read; the copy is written whole or
not at all. This is output, so it words its comments in the language asked for."""

from __future__ import annotations

import copy
import os
import tempfile
from pathlib import Path
from typing import Any

from edustat.drafts.report import (
    Arithmetic,
    DraftCheckReport,
    Finding,
    arithmetic_detail,
    reason_text,
)
from edustat.texts import Lang, t

_RANK = {"match": 1, "holds": 1, "not_checkable": 2, "mismatch": 3, "fails": 3}


def write_annotated(report: DraftCheckReport, output: str | Path, lang: Lang = "zh") -> int:
    """Write the annotated copy of the report's .docx draft to `output`; how many figures were
    marked."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(report.draft)
    marks: dict[tuple[Any, ...], list[tuple[int, str]]] = {}  # place+span -> (rank, comment)

    def add(where: Any, span: tuple[int, int] | None, rank: int, comment: str) -> None:
        if span is None or rank == 0:
            return
        place = (where.paragraph, where.table, where.row, where.column, span)
        marks.setdefault(place, []).append((rank, comment))

    for finding in report.findings:
        add(finding.where, finding.span, _RANK.get(finding.verdict, 0), _comment(finding, lang))
    for item in report.arithmetic:
        add(item.where, item.span, _RANK[item.verdict], _arithmetic_comment(item, lang))

    paragraphs: dict[int, Any] = {}
    tables: dict[int, Any] = {}
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraphs[len(paragraphs) + 1] = Paragraph(element, document)
        elif tag == "tbl":
            tables[len(tables) + 1] = Table(element, document)
    marked = 0
    # Last figure of a paragraph first: a bracketed note inserted after a figure (no comment
    # support) then never shifts the offsets of the figures still to mark.
    order = sorted(marks.items(), key=lambda item: (
        *(-1 if v is None else v for v in item[0][:4]), -item[0][4][0]))
    for (paragraph_no, table_no, row, column, span), notes in order:
        if paragraph_no is not None:
            target, start, end = paragraphs.get(paragraph_no), span[0], span[1]
        else:
            target, start, end = _cell_paragraph(tables.get(table_no), row, column, span)
        if target is None:
            continue
        runs = _isolate(target, start, end)
        if not runs:
            continue
        rank = max(r for r, _ in notes)
        _highlight(runs, rank)
        comment = "\n".join(c for _, c in notes)
        if hasattr(document, "add_comment"):  # python-docx 1.2 and later
            document.add_comment(runs, text=comment, author="edustat", initials="ES")
        else:  # older python-docx has no comments: the note goes in brackets after the figure
            note = copy.deepcopy(runs[-1]._r)
            runs[-1]._r.addnext(note)
            from docx.text.run import Run

            bracket = Run(note, target)
            bracket.text = f"〔{comment.replace(chr(10), '；')}〕"
            bracket.font.highlight_color = None
        marked += 1
    _save_atomic(document, Path(output))
    return marked


def _comment(finding: Finding, lang: Lang) -> str:
    """The comment on a figure: the verdict and what the figure means, then the computed value
    (as the draft writes it, and unrounded) or why there is none."""
    verdict = t(f"draft.verdict.{finding.verdict}", lang)
    head = (t("draft.comment.head_named", lang, verdict=verdict, name=finding.name)
            if finding.name else t("draft.comment.head", lang, verdict=verdict))
    if finding.reason:
        return f"{head}\n{reason_text(finding.reason, finding.reason_params, lang)}"
    if finding.kind == "verdict":
        key = "draft.detail.verdict_true" if finding.computed else "draft.detail.verdict_false"
        return f"{head}\n{t(key, lang)}"
    computed = "" if finding.computed is None else f"{finding.computed:.10g}"
    key = "draft.comment.mismatch" if finding.verdict == "mismatch" else "draft.comment.match"
    return f"{head}\n{t(key, lang, expected=finding.expected, computed=computed)}"


def _arithmetic_comment(item: Arithmetic, lang: Lang) -> str:
    """The comment on a total or rate: the rule, its verdict and the working."""
    verdict = f"{t(f'draft.rule.{item.rule}', lang)} {t(f'draft.verdict.{item.verdict}', lang)}"
    return f"{t('draft.comment.head', lang, verdict=verdict)}\n{arithmetic_detail(item, lang)}"


def _cell_paragraph(table: Any, row: int | None, column: int | None, span: tuple[int, int]
                    ) -> tuple[Any, int, int]:
    """The paragraph of a table cell holding `span` (offsets in the cell's stripped text)."""
    if table is None or row is None or column is None:
        return None, 0, 0
    try:
        cell = table.rows[row - 1].cells[column - 1]
    except IndexError:
        return None, 0, 0
    raw = cell.text
    offset = len(raw) - len(raw.lstrip())
    start, end = span[0] + offset, span[1] + offset
    position = 0
    for paragraph in cell.paragraphs:
        length = len(paragraph.text)
        if position <= start and end <= position + length:
            return paragraph, start - position, end - position
        position += length + 1  # the "\n" between the cell's paragraphs
    return None, 0, 0


def _isolate(paragraph: Any, start: int, end: int) -> list[Any]:
    """The runs covering exactly [start, end) of the paragraph's text, splitting runs as needed;
    [] when the paragraph's runs do not spell its text (fields, hyperlinks)."""
    from docx.text.run import Run

    if "".join(r.text for r in paragraph.runs) != paragraph.text:
        return []
    for cut in (end, start):
        position = 0
        for run in paragraph.runs:
            text = run.text
            if position < cut < position + len(text):
                twin = copy.deepcopy(run._r)
                run._r.addnext(twin)
                run.text = text[:cut - position]
                Run(twin, paragraph).text = text[cut - position:]
                break
            position += len(text)
    out, position = [], 0
    for run in paragraph.runs:
        if start <= position and position + len(run.text) <= end and run.text:
            out.append(run)
        position += len(run.text)
    return out


def _highlight(runs: list[Any], rank: int) -> None:
    from docx.enum.text import WD_COLOR_INDEX

    color = {1: WD_COLOR_INDEX.BRIGHT_GREEN, 2: WD_COLOR_INDEX.YELLOW,
             3: WD_COLOR_INDEX.RED}[rank]
    for run in runs:
        run.font.highlight_color = color


def _save_atomic(document: Any, output: Path) -> None:
    """Save via a temporary file in the same folder, then rename: whole or not at all."""
    target = output.resolve()
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    try:
        document.save(name)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(name, 0o666 & ~umask)  # mkstemp makes it private; a copy is read by others
        os.replace(name, target)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
