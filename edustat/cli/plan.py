"""`edustat plan`: what each school must add, at the least cost, to meet the standard (SPEC §8)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from edustat.cli.app import app, check_paths, emit, guard, lang_code
from edustat.cli.options import (
    STANDARDS,
    CountyOpt,
    DebugOpt,
    EncodingOpt,
    FilesArg,
    FormatOpt,
    LangOpt,
    OutputOpt,
    SheetOpt,
    StageOpt,
    StandardsFileOpt,
    StrictOpt,
    choice_option,
    decimals_option,
    help_text,
)


@app.command(help=help_text("plan"))
def plan(
    files: FilesArg,
    standard: Annotated[str, choice_option("--standard", choice=STANDARDS,
                                           help_key="plan_standard")] = "quality",
    prices: Annotated[Path | None, typer.Option("--prices", help=help_text("prices"))] = None,
    stage: StageOpt = None, county: CountyOpt = None,
    move_teachers: Annotated[bool, typer.Option("--move-teachers",
                                                help=help_text("move_teachers"))] = False,
    fmt: FormatOpt = None, output: OutputOpt = None,
    decimals: Annotated[int, decimals_option("plan_decimals")] = 4,
    encoding: EncodingOpt = None, sheet: SheetOpt = None,
    standards_file: StandardsFileOpt = None, strict: StrictOpt = False,
    lang: LangOpt = "zh", debug: DebugOpt = False,
) -> None:
    lang_ = lang_code(lang)
    files, output = check_paths(files, lang_, output, standards_file, prices, fmt=fmt)

    def action() -> int:
        from edustat import api

        report = api.plan(files, standard=standard,  # type: ignore[arg-type]
                          prices_file=prices, stages=tuple(stage or ("primary", "junior")),
                          counties=county or (), move_teachers=move_teachers,
                          standards_file=standards_file, encoding=encoding, sheet=sheet,
                          # JSON is written from the plan's columns, never held whole
                          stream=output is not None or fmt in ("json", "csv"))
        return emit(report, lang=lang_, fmt=fmt, output=output, decimals=decimals,
                    strict=strict)

    guard(debug, lang_, action, fmt)
