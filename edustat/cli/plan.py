"""`edustat plan`: what each school must add, at the least cost, to meet the standard (SPEC §8)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from edustat.cli.app import (CountyOpt, DebugOpt, DecimalsOpt, EncodingOpt, FilesArg, FormatOpt,
                             LangOpt, OutputOpt, SheetOpt, Stage, StageOpt, Standard,
                             StandardsFileOpt, StrictOpt, _check_paths, _guard, app, emit, Lang)

PricesOpt = Annotated[Path | None, typer.Option(
    "--prices", help="JSON file of prices (yuan per m², per computer, per teacher per year …); "
                     "overrides the national defaults.")]
MoveOpt = Annotated[bool, typer.Option(
    "--move-teachers", help="Move teachers between schools (交流轮岗) before hiring any.")]


@app.command()
def plan(files: FilesArg, standard: Annotated[Standard, typer.Option(
             "--standard", help="quality (2017 优质均衡, default) or basic (2012 基本均衡).")
         ] = Standard.quality,
         prices: PricesOpt = None, stage: StageOpt = None, county: CountyOpt = None,
         move_teachers: MoveOpt = False, fmt: FormatOpt = None, output: OutputOpt = None,
         decimals: DecimalsOpt = 4, encoding: EncodingOpt = None, sheet: SheetOpt = None,
         standards_file: StandardsFileOpt = None, strict: StrictOpt = False,
         lang: LangOpt = Lang.zh, debug: DebugOpt = False) -> None:
    """What each school must add, at the least cost, for the county to meet the standard."""
    _check_paths(files, lang.code, output, standards_file, prices)
    stages = tuple(s.value for s in stage) if stage else tuple(s.value for s in Stage)

    def action() -> int:
        from edustat import api

        report = api.plan(files, standard=standard.code, prices_file=prices, stages=stages,
                          counties=county or (), move_teachers=move_teachers,
                          standards_file=standards_file, encoding=encoding, sheet=sheet)
        return emit(report, lang=lang.code, fmt=fmt, output=output, decimals=decimals,
                    strict=strict)

    _guard(debug, lang.code, action)
