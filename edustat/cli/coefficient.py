"""`edustat coefficient`: difference coefficients per county, year and stage (SPEC §3)."""

from __future__ import annotations

from typing import Annotated

import typer

from edustat.cli.app import app, check_paths, emit, guard, lang_code, resolve_format
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
    StandardOpt,
    StandardsFileOpt,
    StrictOpt,
    TeachingPointsOpt,
    decimals_option,
    help_text,
)
from edustat.render import SUMMARY_ABOVE


@app.command(help=help_text("coefficient"))
def coefficient(
    files: FilesArg,
    standard: StandardOpt = "basic",
    stage: StageOpt = None,
    schools: Annotated[bool, typer.Option("--schools", help=help_text("schools"))] = False,
    county: CountyOpt = None,
    summary: Annotated[bool | None, typer.Option(
        "--summary/--detail", help=help_text("summary", above=SUMMARY_ABOVE))] = None,
    fmt: FormatOpt = None, output: OutputOpt = None,
    decimals: Annotated[int, decimals_option("decimals")] = 4,
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
            report = api.coefficient(files, standard=standard,  # type: ignore[arg-type]
                                     stages=tuple(stage or ("primary", "junior")),
                                     standards_file=standards_file, encoding=encoding,
                                     sheet=sheet, counties=county or (), schools=schools,
                                     header_rows=parse_header_rows(header_rows),
                                     teaching_points=teaching_points, progress=progress,
                                     # A table needs the models; a file or JSON/CSV is written
                                     # from the plain records, never validated into models.
                                     stream=output is not None
                                     or resolve_format(fmt) != "table")
            return emit(report, lang=lang_, fmt=fmt, output=output, decimals=decimals,
                        strict=strict, progress=progress, extra={"summary": summary})

    guard(debug, lang_, action, fmt)
