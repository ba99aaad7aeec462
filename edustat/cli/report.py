"""`edustat report`: the county's workbook — calculation tables with live formulas, the schools'
standards, exam and enrolment sheets, and charts (SPEC §9)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from edustat.cli.app import (
    CountyOpt,
    DebugOpt,
    EncodingOpt,
    FormatOpt,
    Lang,
    LangOpt,
    PopulationOpt,
    SheetOpt,
    StandardsFileOpt,
    StrictOpt,
    _check_paths,
    _guard,
    _usage_error,
    app,
    emit,
)
from edustat.problems import InputError
from edustat.texts import t


class ReportStandard(str, Enum):
    """The methods whose tables the workbook holds."""

    basic = "basic"
    quality = "quality"
    both = "both"


@app.command()
def report(
    files: Annotated[list[Path], typer.Argument(help="School tables (one or several years).",
                                                show_default=False)],
    output: Annotated[Path, typer.Option("--output", "-o", help="The workbook (.xlsx), or a "
                                         "folder: one workbook per county.")],
    standard: Annotated[ReportStandard, typer.Option(
        "--standard", help="basic (2012 基本均衡), quality (2017 优质均衡) or both.")
    ] = ReportStandard.both,
    exams: Annotated[Path | None, typer.Option("--exams", help="Exam table (SPEC §2.3).")] = None,
    enrolment: Annotated[list[Path] | None, typer.Option(
        "--enrolment", help="Yearly school tables for enrolment and retention (repeatable).")
    ] = None,
    population: PopulationOpt = None,
    county: CountyOpt = None,
    fmt: FormatOpt = None,
    encoding: EncodingOpt = None,
    sheet: SheetOpt = None,
    standards_file: StandardsFileOpt = None,
    strict: StrictOpt = False,
    lang: LangOpt = Lang.zh,
    debug: DebugOpt = False,
) -> None:
    """Write the county's report workbook: 计算表 with live formulas, 达标情况, charts. 生成报告工作簿。"""
    _check_paths(files, lang.code, None, exams, population, standards_file, enrolment)
    if any(output.resolve() == p.resolve() for p in files):
        _usage_error(f"{output}: {t('problem.output_is_input', lang.code)}")
    if not output.resolve().parent.is_dir():
        _usage_error(f"{output}: folder does not exist / 输出文件夹不存在")

    def action() -> int:
        from edustat import api
        from edustat.workbook.build import USAGE_CODES

        try:
            result = api.report(files, output, standard=standard.value, exams=exams,
                                enrolment=enrolment or [], population=population,
                                counties=county or [], standards_file=standards_file,
                                encoding=encoding, sheet=sheet, lang=lang.code)
        except InputError as exc:
            if all(p.code in USAGE_CODES for p in exc.problems):
                _usage_error(exc.problems[0].message(lang.code))
            raise
        return emit(result, lang=lang.code, fmt=fmt, output=None, strict=strict)

    _guard(debug, lang.code, action)
