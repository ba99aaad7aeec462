"""`edustat audit`: the data-quality issue list (问题清单) of several years of school tables."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from edustat.cli.app import (
    app,
    check_paths,
    emit,
    guard,
    lang_code,
    say_written,
    usage_error,
)
from edustat.cli.options import (
    DebugOpt,
    EncodingOpt,
    FormatOpt,
    LangOpt,
    OutputOpt,
    SheetOpt,
    StandardsFileOpt,
    SystemOpt,
    help_text,
)
from edustat.texts import t

RULES_SUFFIXES = (".json", ".toml")


@app.command(help=help_text("audit"))
def audit(
    files: Annotated[list[Path] | None, typer.Argument(help=help_text("audit_files"),
                                                       show_default=False)] = None,
    rules: Annotated[bool, typer.Option("--rules", help=help_text("audit_rules"))] = False,
    system: SystemOpt = "6-3",
    fmt: FormatOpt = None, output: OutputOpt = None,
    encoding: EncodingOpt = None, sheet: SheetOpt = None,
    standards_file: StandardsFileOpt = None,
    strict: Annotated[bool, typer.Option("--strict", help=help_text("audit_strict"))] = False,
    lang: LangOpt = "zh", debug: DebugOpt = False,
) -> None:
    lang_ = lang_code(lang)
    given = list(files or [])
    # `--rules` is a switch and its FILE a .json/.toml among the arguments, so that both
    # `edustat audit --rules` (list) and `edustat audit 2019.csv … --rules r.json` read naturally.
    rules_files = [p for p in given if p.suffix.lower() in RULES_SUFFIXES]
    inputs = [p for p in given if p.suffix.lower() not in RULES_SUFFIXES]
    if rules_files and not rules:
        usage_error(t("usage.audit_rules_file_needs_flag", lang_, path=rules_files[0]))
    if len(rules_files) > 1:
        usage_error(t("usage.audit_one_rules_file", lang_,
                      files=", ".join(map(str, rules_files))))
    rules_file = rules_files[0] if rules_files else None
    if not inputs and not rules:
        usage_error(t("usage.audit_needs_files", lang_))
    inputs, output = check_paths(inputs, lang_, output, rules_file, standards_file, fmt=fmt)

    def action() -> int:
        from edustat import api

        if not inputs:  # --rules without tables: the listing
            return emit(api.audit_rules(rules_file=rules_file, standards_file=standards_file),
                        lang=lang_, fmt=fmt, output=output)
        report = api.audit(inputs, rules_file=rules_file, standards_file=standards_file,
                           system=system,  # type: ignore[arg-type]
                           encoding=encoding, sheet=sheet)
        if output is not None and output.suffix.lower() == ".xlsx":
            # The issue list to print and fill in, not the plain sheets of other commands.
            from edustat.audit.xlsx import write_issue_list
            from edustat.cli.app import print_problems

            write_issue_list(report, output, lang_)
            say_written(output, lang_)
            print_problems(report.problems, lang_)
            return report.exit_code(strict)
        return emit(report, lang=lang_, fmt=fmt, output=output, strict=strict)

    guard(debug, lang_, action, fmt)
