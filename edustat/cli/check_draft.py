"""`edustat check DRAFT [TABLE...]`: the draft branch of the check command (SPEC §7.4). A file is
a draft by its kind (.docx .txt .md); the others are the data tables."""

from __future__ import annotations

from pathlib import Path
from typing import Any, NoReturn

from edustat.cli.app import _check_paths, _guard, _stderr, _usage_error, emit
from edustat.drafts.document import is_draft
from edustat.texts import t

__all__ = ["is_draft", "run_draft_check"]


def run_draft_check(inputs: list[Path], *, claims: Path | None, output: Path | None, fmt: Any,
                    population: Path | None, previous: list[Path], system: Any,
                    standards_file: Path | None,
                    encoding: str | None, sheet: str | None, lang: Any, debug: bool) -> NoReturn:
    """Check the one draft among `inputs` against the other files; -o .docx writes the annotated
    copy (the table still goes to the terminal), other extensions the report itself."""
    drafts = [p for p in inputs if is_draft(p)]
    if len(drafts) > 1:
        _usage_error("give one draft report at a time / 一次只核对一份草稿: "
                     + ", ".join(map(str, drafts)))
    if claims is not None:
        _usage_error("--claims checks a claims table against the data; check the draft in a "
                     "separate run / --claims 与草稿请分两次核对")
    draft = drafts[0]
    tables = [p for p in inputs if p is not draft]
    annotated = output is not None and output.suffix.lower() == ".docx"
    _check_paths(inputs, lang.code, None if annotated else output, population, standards_file,
                 previous)
    if annotated:
        assert output is not None
        if draft.suffix.lower() != ".docx":
            _usage_error(f"{output}: an annotated copy needs a .docx draft / 只有 .docx 草稿能写标注副本")
        if output.resolve() == draft.resolve() or any(output.resolve() == p.resolve()
                                                      for p in inputs):
            _usage_error(f"{output}: {t('problem.output_is_input', lang.code)}")
        if not output.resolve().parent.is_dir():
            _usage_error(f"{output}: folder does not exist / 输出文件夹不存在")

    def action() -> int:
        from edustat import api

        report = api.check_draft(draft, tables, population=population, previous=previous,
                                 system=system.code, standards_file=standards_file,
                                 encoding=encoding, sheet=sheet)
        code = emit(report, lang=lang.code, fmt=fmt, output=None if annotated else output)
        if annotated:
            from edustat.drafts.annotate import write_annotated

            write_annotated(report, output, lang.code)  # type: ignore[arg-type]
            _stderr().print(t("draft.written_copy", lang.code, path=output), highlight=False)
        return code

    _guard(debug, lang.code, action)
