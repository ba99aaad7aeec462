"""`edustat check`: a draft report's figures against the data, and the data's plausibility."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from edustat.cli.app import app, check_paths, emit, guard, lang_code, usage_error
from edustat.cli.check_draft import is_draft, run_draft_check
from edustat.cli.options import (
    DebugOpt,
    EncodingOpt,
    FormatOpt,
    LangOpt,
    OutputOpt,
    PopulationOpt,
    SheetOpt,
    StandardsFileOpt,
    SystemOpt,
    help_text,
)
from edustat.texts import t


@app.command(help=help_text("check"))
def check(
    files: Annotated[list[Path] | None, typer.Argument(help=help_text("check_files"),
                                                       show_default=False)] = None,
    claims: Annotated[Path | None, typer.Option("--claims", help=help_text("claims"))] = None,
    previous: Annotated[list[Path] | None, typer.Option("--previous",
                                                        help=help_text("previous"))] = None,
    rules: Annotated[bool, typer.Option("--rules", help=help_text("rules"))] = False,
    population: PopulationOpt = None, system: SystemOpt = "6-3",
    fmt: FormatOpt = None, output: OutputOpt = None,
    encoding: EncodingOpt = None, sheet: SheetOpt = None,
    standards_file: StandardsFileOpt = None, lang: LangOpt = "zh", debug: DebugOpt = False,
) -> None:
    lang_ = lang_code(lang)
    if not rules and not files:
        usage_error(t("usage.check_needs_files", lang_))
    if not rules and any(is_draft(p) for p in files or []):  # a draft report: SPEC §7.4
        run_draft_check(list(files or []), claims=claims, previous=previous or [], output=output,
                        fmt=fmt, population=population, system=system,
                        standards_file=standards_file, encoding=encoding, sheet=sheet,
                        lang=lang_, debug=debug)
    files, output = check_paths(files or [], lang_, output, claims, population, standards_file,
                                previous, fmt=fmt)

    def action() -> int:
        from edustat import api

        if rules:
            return emit(api.check_rules(standards_file=standards_file), lang=lang_, fmt=fmt,
                        output=output)
        report = api.check(files or [], claims=claims, previous=previous or [],
                           population=population, system=system,  # type: ignore[arg-type]
                           standards_file=standards_file, encoding=encoding, sheet=sheet)
        return emit(report, lang=lang_, fmt=fmt, output=output)

    guard(debug, lang_, action, fmt)
