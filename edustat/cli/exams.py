"""`edustat exams`: gaokao and zhongkao rates per county, year and school (SPEC §6)."""

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
    SheetOpt,
    decimals_option,
    help_text,
)


@app.command(help=help_text("exams"))
def exams(
    files: Annotated[list[Path], typer.Argument(help=help_text("exam_files"),
                                                show_default=False)],
    schools: Annotated[bool, typer.Option("--schools", help=help_text("exam_schools"))] = False,
    fmt: FormatOpt = None, output: OutputOpt = None,
    decimals: Annotated[int, decimals_option("exam_decimals")] = 1,
    encoding: EncodingOpt = None, sheet: SheetOpt = None,
    lang: LangOpt = "zh", debug: DebugOpt = False,
) -> None:
    lang_ = lang_code(lang)
    files, output = check_paths(files, lang_, output, fmt=fmt)

    def action() -> int:
        from edustat import api

        report = api.exams(files, schools=schools, encoding=encoding, sheet=sheet)
        return emit(report, lang=lang_, fmt=fmt, output=output, decimals=decimals)

    guard(debug, lang_, action, fmt)
