"""`edustat check DRAFT [TABLE...]`: the draft branch of the check command (SPEC §7.4). A file is
a draft by its kind (.docx .md, or a .txt that is no table); the others are the data tables."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

from edustat.cli.app import (
    _stderr,
    check_paths,
    check_writable,
    emit,
    guard,
    usage_error,
)
from edustat.texts import Lang, t

__all__ = ["is_draft", "run_draft_check"]


def is_draft(path: Path) -> bool:
    """True when `path` is a draft report, not a data table (edustat.drafts.document.is_draft);
    the drafts package is imported only when `check` runs, not with every command."""
    from edustat.drafts.document import is_draft as document_is_draft

    return document_is_draft(path)


def run_draft_check(inputs: list[Path], *, claims: Path | None, previous: list[Path],
                    output: Path | None, fmt: str | None, population: Path | None, system: str,
                    standards_file: Path | None, encoding: str | None, sheet: str | None,
                    lang: Lang, debug: bool) -> NoReturn:
    """Check the one draft among `inputs` against the other files; -o .docx writes the annotated
    copy (the table still goes to the terminal), other extensions the report itself."""
    drafts = [p for p in inputs if is_draft(p)]
    if len(drafts) > 1:
        usage_error(t("draft.usage.one_draft", lang, files="、".join(map(str, drafts))))
    if claims is not None:
        usage_error(t("draft.usage.claims", lang))
    draft = drafts[0]
    annotated = output is not None and output.suffix.lower() == ".docx"
    if annotated and draft.suffix.lower() != ".docx":
        usage_error(f"{output}: {t('draft.usage.copy_needs_docx', lang)}")
    inputs, report_output = check_paths(inputs, lang, None if annotated else output, population,
                                        standards_file, previous, fmt=fmt)
    if annotated:
        assert output is not None
        check_writable(output, [*inputs, *previous], lang)
    tables = [p for p in inputs if p is not draft and p != draft]

    def action() -> int:
        from edustat import api

        report = api.check_draft(draft, tables, population=population, previous=previous,
                                 system=system,  # type: ignore[arg-type]
                                 standards_file=standards_file, encoding=encoding, sheet=sheet)
        code = emit(report, lang=lang, fmt=fmt, output=report_output)
        if annotated:
            from edustat.drafts.annotate import write_annotated

            write_annotated(report, output, lang)  # type: ignore[arg-type]
            _stderr().print(t("draft.written_copy", lang, path=output), highlight=False)
        return code

    guard(debug, lang, action, fmt)
