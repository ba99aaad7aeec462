"""`edustat standards`: each school unit against the per-school quality standards (SPEC §4)."""

from __future__ import annotations

from typing import Annotated

from edustat.cli.app import app, check_paths, emit, guard, lang_code
from edustat.cli.options import (
    CountyOpt,
    DebugOpt,
    EncodingOpt,
    FilesArg,
    FormatOpt,
    HeaderRowsOpt,
    LangOpt,
    OutputOpt,
    SheetOpt,
    StageOpt,
    StandardsFileOpt,
    StrictOpt,
    TeachingPointsOpt,
    decimals_option,
    help_text,
)


@app.command(help=help_text("standards"))
def standards(
    files: FilesArg, stage: StageOpt = None, county: CountyOpt = None,
    fmt: FormatOpt = None, output: OutputOpt = None,
    decimals: Annotated[int, decimals_option("decimals")] = 2,
    encoding: EncodingOpt = None, sheet: SheetOpt = None,
    header_rows: HeaderRowsOpt = None, teaching_points: TeachingPointsOpt = None,
    standards_file: StandardsFileOpt = None, strict: StrictOpt = False,
    lang: LangOpt = "zh", debug: DebugOpt = False,
) -> None:
    lang_ = lang_code(lang)
    files, output = check_paths(files, lang_, output, standards_file, fmt=fmt)

    def action() -> int:
        from edustat import api
        from edustat.cli.progress import progress_bar
        from edustat.headers import parse_header_rows

        with progress_bar(lang_) as progress:
            report = api.standards(files, stages=tuple(stage or ("primary", "junior")),
                                   standards_file=standards_file, encoding=encoding,
                                   sheet=sheet, counties=county or (),
                                   header_rows=parse_header_rows(header_rows),
                                   teaching_points=teaching_points, progress=progress,
                                   # A table shows every unit; a file or JSON/CSV is written as
                                   # the units are produced, never held whole (GBs nationally).
                                   stream=output is not None or fmt in ("json", "csv"))
            return emit(report, lang=lang_, fmt=fmt, output=output, decimals=decimals,
                        strict=strict, progress=progress)

    guard(debug, lang_, action, fmt)
