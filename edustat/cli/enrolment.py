"""`edustat enrolment`: enrolment, retention and dropout rates per county and year (SPEC §5)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from edustat.cli.app import app, check_paths, emit, guard, lang_code
from edustat.cli.options import (
    DebugOpt,
    EncodingOpt,
    FormatOpt,
    LangOpt,
    OutputOpt,
    PopulationOpt,
    StandardsFileOpt,
    SystemOpt,
    decimals_option,
    help_text,
)


@app.command(help=help_text("enrolment"))
def enrolment(
    files: Annotated[list[Path], typer.Argument(help=help_text("enrolment_files"),
                                                show_default=False)],
    population: PopulationOpt = None, system: SystemOpt = "6-3",
    detail: Annotated[bool, typer.Option("--detail", help=help_text("enrolment_detail"))] = False,
    fmt: FormatOpt = None, output: OutputOpt = None,
    decimals: Annotated[int, decimals_option("enrolment_decimals")] = 2,
    encoding: EncodingOpt = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help=help_text("enrolment_sheet"))]
    = None,
    standards_file: StandardsFileOpt = None,
    strict: Annotated[bool, typer.Option("--strict", help=help_text("enrolment_strict"))] = False,
    lang: LangOpt = "zh", debug: DebugOpt = False,
) -> None:
    lang_ = lang_code(lang)
    files, output = check_paths(files, lang_, output, population, standards_file, fmt=fmt)

    def action() -> int:
        from edustat import api

        report = api.enrolment(files, population=population, system=system,  # type: ignore[arg-type]
                               standards_file=standards_file, encoding=encoding, sheet=sheet)
        return emit(report, lang=lang_, fmt=fmt, output=output, decimals=decimals,
                    strict=strict, extra={"detail": detail})

    guard(debug, lang_, action, fmt)
