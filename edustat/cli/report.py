"""`edustat report`: the county's workbook — calculation tables with live formulas, the schools'
standards, exam and enrolment sheets, and charts (SPEC §9)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from edustat.cli.app import app, check_paths, emit, guard, lang_code, usage_error
from edustat.cli.options import (
    Choice,
    CountyOpt,
    DebugOpt,
    EncodingOpt,
    FilesArg,
    FormatOpt,
    LangOpt,
    PopulationOpt,
    SheetOpt,
    StandardsFileOpt,
    StrictOpt,
    choice_option,
    help_text,
)
from edustat.problems import InputError
from edustat.texts import t

REPORT_STANDARDS = Choice(["basic", "quality", "both"],
                          {"基本均衡": "basic", "优质均衡": "quality", "全部": "both"})


@app.command(help=help_text("report"))
def report(
    files: FilesArg,
    output: Annotated[Path, typer.Option("--output", "-o", help=help_text("report_output"))],
    standard: Annotated[str, choice_option("--standard", choice=REPORT_STANDARDS,
                                           help_key="report_standard")] = "both",
    exams: Annotated[Path | None, typer.Option("--exams", help=help_text("report_exams"))
                     ] = None,
    enrolment: Annotated[list[Path] | None, typer.Option(
        "--enrolment", help=help_text("report_enrolment"))] = None,
    plan: Annotated[bool, typer.Option("--plan", help=help_text("report_plan"))] = False,
    prices: Annotated[Path | None, typer.Option("--prices", help=help_text("report_prices"))
                      ] = None,
    population: PopulationOpt = None, county: CountyOpt = None, fmt: FormatOpt = None,
    encoding: EncodingOpt = None, sheet: SheetOpt = None,
    standards_file: StandardsFileOpt = None, strict: StrictOpt = False,
    lang: LangOpt = "zh", debug: DebugOpt = False,
) -> None:
    lang_ = lang_code(lang)
    # -o may be a folder (one workbook per county): checked here, not by its extension.
    files, _ = check_paths(files, lang_, None, exams, population, standards_file, prices,
                           enrolment, fmt=fmt)
    if any(output.resolve() == p.resolve() for p in files):
        usage_error(f"{output}: {t('problem.output_is_input', lang_)}")
    if not output.resolve().parent.is_dir():
        usage_error(f"{output}: {t('usage.output_folder_missing', lang_)}")

    def action() -> int:
        from edustat import api
        from edustat.report.build import USAGE_CODES

        try:
            result = api.report(files, output, standard=standard, exams=exams,
                                enrolment=enrolment or [], population=population,
                                counties=county or [], standards_file=standards_file,
                                encoding=encoding, sheet=sheet, plan=plan or prices is not None,
                                prices_file=prices, lang=lang_)
        except InputError as exc:
            if all(p.code in USAGE_CODES for p in exc.problems):
                usage_error(exc.problems[0].message(lang_))
            raise
        return emit(result, lang=lang_, fmt=fmt, output=None, strict=strict)

    guard(debug, lang_, action, fmt)
