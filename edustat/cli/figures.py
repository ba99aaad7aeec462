"""`edustat figures`: every figure the data gives, under its key (SPEC §7.3)."""

from __future__ import annotations

from typing import Annotated

from edustat.cli.app import app, check_paths, emit, guard, lang_code
from edustat.cli.options import (
    DataFilesArg,
    DebugOpt,
    EncodingOpt,
    FormatOpt,
    LangOpt,
    OutputOpt,
    PopulationOpt,
    SheetOpt,
    StandardsFileOpt,
    SystemOpt,
    decimals_option,
    help_text,
)


@app.command(help=help_text("figures"))
def figures(
    files: DataFilesArg, population: PopulationOpt = None, system: SystemOpt = "6-3",
    fmt: FormatOpt = None, output: OutputOpt = None,
    decimals: Annotated[int, decimals_option("figure_decimals")] = 4,
    encoding: EncodingOpt = None, sheet: SheetOpt = None,
    standards_file: StandardsFileOpt = None, lang: LangOpt = "zh", debug: DebugOpt = False,
) -> None:
    lang_ = lang_code(lang)
    files, output = check_paths(files, lang_, output, population, standards_file, fmt=fmt)

    def action() -> int:
        from edustat import api
        from edustat.cli.progress import progress_bar

        with progress_bar(lang_) as progress:
            report = api.figures(files, population=population,
                                 system=system,  # type: ignore[arg-type]
                                 standards_file=standards_file,
                                 encoding=encoding, sheet=sheet, progress=progress)
            return emit(report, lang=lang_, fmt=fmt, output=output, decimals=decimals,
                        progress=progress)

    guard(debug, lang_, action, fmt)
