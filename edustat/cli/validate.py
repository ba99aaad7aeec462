"""`edustat validate`: every problem of school, exam and population tables."""

from __future__ import annotations

from typing import Annotated

from edustat.cli.app import app, check_paths, emit, guard, lang_code
from edustat.cli.options import (
    STANDARDS,
    DataFilesArg,
    DebugOpt,
    EncodingOpt,
    FormatOpt,
    HeaderRowsOpt,
    LangOpt,
    OutputOpt,
    SheetOpt,
    TeachingPointsOpt,
    choice_option,
    help_text,
)


@app.command(help=help_text("validate"))
def validate(
    files: DataFilesArg,
    standard: Annotated[str | None, choice_option("--standard", choice=STANDARDS,
                                                  help_key="validate_standard")] = None,
    fmt: FormatOpt = None, output: OutputOpt = None,
    encoding: EncodingOpt = None, sheet: SheetOpt = None,
    header_rows: HeaderRowsOpt = None, teaching_points: TeachingPointsOpt = None,
    lang: LangOpt = "zh", debug: DebugOpt = False,
) -> None:
    lang_ = lang_code(lang)
    files, output = check_paths(files, lang_, output, fmt=fmt)

    def action() -> int:
        from edustat import api
        from edustat.headers import parse_header_rows

        report = api.validate(files, standard=standard,  # type: ignore[arg-type]
                              encoding=encoding, sheet=sheet,
                              header_rows=parse_header_rows(header_rows),
                              teaching_points=teaching_points)
        return emit(report, lang=lang_, fmt=fmt, output=output)

    guard(debug, lang_, action, fmt)
