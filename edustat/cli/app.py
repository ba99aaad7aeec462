"""The `edustat` command line: parse arguments, call one core function, render, pick the exit code.

Exit codes: 0 done; 1 the data has problems (or a verdict failed with --strict); 2 usage error
(unknown option, missing file); 3 an internal error in edustat itself.
pandas is imported only inside commands, so `edustat --help` starts fast.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, cast

import typer
from rich.console import Console

from edustat.problems import InputError, Problem
from edustat.texts import t
from edustat.problems import Lang as LangCode

if TYPE_CHECKING:  # the core's types only; importing them at run time would load pandas
    from edustat.results import Report
    from edustat.enrolment import System
    from edustat.indicators import Method

EXIT_OK, EXIT_DATA, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
# A province file gives thousands of county results: past this many, the coefficient table
# shows one line each (--detail shows every indicator table anyway).
SUMMARY_ABOVE = 40

app = typer.Typer(
    name="edustat",
    help="县域教育统计指标计算：差异系数、入学率、巩固率、升学率。"
         "Indicator calculator for county education statistics.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Format(str, Enum):
    """Output formats on standard output."""

    table = "table"
    json = "json"
    csv = "csv"


class Lang(str, Enum):
    """Language of labels and messages."""

    zh = "zh"
    en = "en"

    @property
    def code(self) -> LangCode:
        """The value as the core's type."""
        return cast("LangCode", self.value)


class Standard(str, Enum):
    """The balanced-development method."""

    basic = "basic"
    quality = "quality"

    @property
    def code(self) -> Method:
        """The value as the core's type."""
        return cast("Method", self.value)


class Stage(str, Enum):
    """A compulsory-education stage."""

    primary = "primary"
    junior = "junior"


class SchoolSystem(str, Enum):
    """The school system (学制): 6-3 (national default) or 5-4."""

    six_three = "6-3"
    five_four = "5-4"

    @property
    def code(self) -> System:
        """The value as the core's type."""
        return cast("System", self.value)


FilesArg = Annotated[list[Path], typer.Argument(help="School tables: CSV (UTF-8/GBK) or XLSX.",
                                                show_default=False)]
FormatOpt = Annotated[Format | None, typer.Option(
    "--format", "-f", help="table|json|csv (default: table on a terminal, json when piped).")]
OutputOpt = Annotated[Path | None, typer.Option(
    "--output", "-o", help="Write to a file; the format follows the extension: .csv .json .xlsx.")]
DecimalsOpt = Annotated[int, typer.Option("--decimals", min=0, max=12,
                                          help="Decimal places shown in tables.")]
EncodingOpt = Annotated[str | None, typer.Option(
    "--encoding", help="CSV encoding (default: detect UTF-8, UTF-8 BOM, GB18030/GBK).")]
SheetOpt = Annotated[str | None, typer.Option("--sheet", help="XLSX sheet (default: first).")]
LangOpt = Annotated[Lang, typer.Option("--lang", help="Labels and messages: zh or en.")]
StandardOpt = Annotated[Standard, typer.Option(
    "--standard", help="basic (2012 基本均衡) or quality (2017 优质均衡).")]
StandardsFileOpt = Annotated[Path | None, typer.Option(
    "--standards", help="JSON file of provincial thresholds and weights (overrides national).")]
StrictOpt = Annotated[bool, typer.Option("--strict", help="Exit 1 when a verdict fails.")]
DebugOpt = Annotated[bool, typer.Option("--debug", help="Show a traceback on internal errors.")]
CountyOpt = Annotated[list[str] | None, typer.Option(
    "--county", help="Only this county (repeatable), e.g. from a province file.")]
StageOpt = Annotated[list[Stage] | None, typer.Option(
    "--stage", help="primary and/or junior (default: both).")]
DataFilesArg = Annotated[list[Path], typer.Argument(
    help="School tables, exam tables and a population table, in any order: CSV (UTF-8/GBK) or "
         "XLSX. Each file's kind is told by its header row.", show_default=False)]
PopulationOpt = Annotated[Path | None, typer.Option(
    "--population", help="Population table (county, year, 小学/初中适龄人口数) for the enrolment "
                         "rates; it wins over the school tables' age-population columns.")]
SystemOpt = Annotated[SchoolSystem, typer.Option(
    "--system", help="School system (学制): 6-3 (primary grades 1-6) or 5-4 (grades 1-5).")]


def _stdout(width: int | None = None) -> Console:
    return Console(width=width or _width(), soft_wrap=False)


def _stderr() -> Console:
    return Console(stderr=True, width=_width())


def _width() -> int | None:
    value = os.environ.get("EDUSTAT_WIDTH")
    return int(value) if value and value.isdigit() else None


def _message(code: str, lang: LangCode, **params: Any) -> str:
    return t(f"problem.{code}", lang, **params)


def _usage_error(text: str) -> NoReturn:
    _stderr().print(f"[red]edustat:[/red] {text}", highlight=False)
    raise typer.Exit(EXIT_USAGE)


def _check_paths(files: list[Path], lang: LangCode, output: Path | None = None,
                 *optional: Path | list[Path] | None) -> None:
    """Usage errors before any work: missing inputs (the files, and the optional ones given),
    an output that is an input, an unsupported output extension."""
    from edustat.render import output_format

    for extra in optional:
        if extra is not None:
            files = files + (extra if isinstance(extra, list) else [extra])
    for path in files:
        if not path.exists():
            _usage_error(f"{path}: {_message('file_missing', lang)}")
        if path.is_dir():
            _usage_error(f"{path}: is a directory / 是文件夹，请给出文件")
    if output is not None:
        if output_format(output) is None:
            _usage_error(f"{output}: {_message('bad_output_ext', lang, ext=output.suffix or '?')}")
        if any(output.resolve() == path.resolve() for path in files):
            _usage_error(f"{output}: {_message('output_is_input', lang)}")
        if not output.resolve().parent.is_dir():
            _usage_error(f"{output}: folder does not exist / 输出文件夹不存在")


def _resolve_format(fmt: Format | None) -> Format:
    if fmt is not None:
        return fmt
    return Format.table if sys.stdout.isatty() else Format.json


def _guard(debug: bool, lang: LangCode, action: Callable[[], int]) -> NoReturn:
    """Run a command: input problems become a report and exit 1, never a traceback."""
    from edustat.render import print_problems

    try:
        code = action()
    except InputError as exc:
        print_problems(_stderr(), exc.problems, lang)
        raise typer.Exit(EXIT_USAGE if _is_usage(exc.problems) else EXIT_DATA) from None
    except typer.Exit:
        raise
    except KeyboardInterrupt:
        raise typer.Exit(130) from None
    except Exception as exc:  # a bug in edustat: say so plainly, keep the traceback for --debug
        if debug:
            traceback.print_exc()
        else:
            _stderr().print(f"[red]edustat internal error / 内部错误:[/red] {type(exc).__name__}: "
                            f"{exc}\nRun again with --debug and report it. "
                            "请加 --debug 重试并报告。", highlight=False)
        raise typer.Exit(EXIT_INTERNAL) from None
    raise typer.Exit(code)


def _is_usage(problems: list[Problem]) -> bool:
    return any(p.code in ("file_missing", "unknown_encoding", "no_sheet", "no_county")
               for p in problems)


def _emit(lang: LangCode, fmt: Format | None, output: Path | None, *,
          payload: dict[str, Any] | None = None, sheets: Any, table: Callable[[], Any],
          json_text: Callable[[], str] | None = None,
          json_bytes: Callable[[], bytes] | None = None,
          problems: list[Problem] | None = None) -> None:
    """Send a result to -o, or to standard output as table, JSON or CSV; then the input's
    warnings and notes (`problems`) to standard error.

    JSON comes from `json_text()` when given (fast for large reports), else from `payload`;
    `sheets` (name -> rows; the first is the CSV) may be a callable so rows are built on demand.
    """
    _write_result(lang, fmt, output, payload=payload, sheets=sheets, table=table,
                  json_text=json_text, json_bytes=json_bytes)
    if problems:
        from edustat.render import print_problems

        print_problems(_stderr(), problems, lang)


def _write_result(lang: LangCode, fmt: Format | None, output: Path | None, *,
                  payload: dict[str, Any] | None, sheets: Any, table: Callable[[], Any],
                  json_text: Callable[[], str] | None,
                  json_bytes: Callable[[], bytes] | None = None) -> None:
    import json

    from edustat.render import csv_text, label, write_output

    def text() -> str:
        return json_text() if json_text else json.dumps(payload, ensure_ascii=False, indent=1)

    if output is not None:
        as_json = output.suffix.lower() == ".json"
        write_output(output, payload, sheets, json_text=None if not as_json else
                     json_bytes() if json_bytes else text())
        _stderr().print(label("written", lang, path=output), highlight=False)
        return
    chosen = _resolve_format(fmt)
    if chosen is Format.json:
        sys.stdout.write(text() + "\n")
    elif chosen is Format.csv:
        rows = sheets() if callable(sheets) else sheets
        sys.stdout.write(csv_text(next(iter(rows.values()))))
    else:
        _stdout().print(table())


def emit(report: Report, *, lang: LangCode, fmt: Format | None, output: Path | None,
         decimals: int | None = None, strict: bool = False,
         extra: dict[str, Any] | None = None) -> int:
    """Show a report by the result protocol and return its exit code: to -o by the file's
    extension, else on standard output as its registered table, JSON or its first sheet as CSV;
    then the input's warnings and notes on standard error."""
    from edustat.render.registry import RenderOptions, render

    options = RenderOptions(lang=lang, decimals=decimals, width=_width(), extra=extra or {})
    _write_result(lang, fmt, output, payload=None, sheets=lambda: report.sheets(lang),
                  table=lambda: render(report, options), json_text=report.to_json,
                  json_bytes=report.to_json_bytes)
    if report.problems:
        from edustat.render import print_problems

        print_problems(_stderr(), report.problems, lang)
    return report.exit_code(strict)


@app.command()
def validate(
    files: DataFilesArg,
    standard: Annotated[Standard | None, typer.Option(
        "--standard", help="Also require the columns this method needs.")] = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    encoding: EncodingOpt = None,
    sheet: SheetOpt = None,
    lang: LangOpt = Lang.zh,
    debug: DebugOpt = False,
) -> None:
    """Check school, exam and population tables; list every problem (exit 0 clean, 1 problems).
    校验基表。"""
    _check_paths(files, lang.code, output)

    def action() -> int:
        from edustat import api
        from edustat.render import label, print_problems, problems_table

        report = api.validate(files, standard=standard.code if standard else None,
                              encoding=encoding, sheet=sheet)
        if output is None and _resolve_format(fmt) is Format.table:
            console = _stdout()
            if report.problems:
                print_problems(console, report.problems, lang.code)
            else:
                console.print(label("clean", lang.code, rows=report.rows))
        else:
            _emit(lang.code, fmt, output, payload=report.to_dict(lang.code),
                  sheets={"problems": report.to_rows(lang.code)},
                  table=lambda: problems_table(report.problems, lang.code))
        if report.ok:
            return EXIT_OK
        # An unknown encoding or sheet is a usage error, as in every other command.
        return EXIT_USAGE if _is_usage(report.problems) else EXIT_DATA

    _guard(debug, lang.code, action)


@app.command()
def coefficient(
    files: FilesArg,
    standard: StandardOpt = Standard.basic,
    stage: StageOpt = None,
    schools: Annotated[bool, typer.Option(
        "--schools", help="Add the per-school view: values, gaps, share of variance.")] = False,
    county: CountyOpt = None,
    summary: Annotated[bool | None, typer.Option(
        "--summary/--detail", help="Table: one line per county and stage, or each county's "
        f"indicator table (default: summary above {SUMMARY_ABOVE} results).")] = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    decimals: DecimalsOpt = 4,
    encoding: EncodingOpt = None,
    sheet: SheetOpt = None,
    standards_file: StandardsFileOpt = None,
    strict: StrictOpt = False,
    lang: LangOpt = Lang.zh,
    debug: DebugOpt = False,
) -> None:
    """Difference coefficients (校际差异系数, 综合差异系数) per county, year and stage."""
    _check_paths(files, lang.code, output, standards_file)
    stages = tuple(s.value for s in stage) if stage else ("primary", "junior")

    def action() -> int:
        from edustat import api
        from edustat.render import coefficient_renderable, coefficient_unit_rows

        report = api.coefficient(files, standard=standard.code,
                                 stages=stages, standards_file=standards_file,
                                 encoding=encoding, sheet=sheet, counties=county or (),
                                 lang=lang.code, schools=schools)
        brief = summary if summary is not None else len(report.results) > SUMMARY_ABOVE
        def sheets() -> dict[str, list[dict[str, Any]]]:
            tables = {"coefficients": report.to_rows()}
            if schools:
                # CSV holds one table: with --schools it is the per-school one.
                tables = {"schools": coefficient_unit_rows(report), **tables}
            return tables

        _emit(lang.code, fmt, output, json_text=report.to_json,
              json_bytes=report.to_json_bytes, sheets=sheets,
              table=lambda: coefficient_renderable(report, lang.code,
                                                   decimals, summary=brief),
              problems=report.problems)
        failed = any(not r.meets for r in report.results)
        return EXIT_DATA if strict and failed else EXIT_OK

    _guard(debug, lang.code, action)


@app.command()
def template(
    output: Annotated[Path, typer.Argument(help="File to write: .csv or .xlsx.",
                                           show_default=False)],
    table: Annotated[str, typer.Option(
        "--table", help="schools, population or exams.")] = "schools",
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    lang: LangOpt = Lang.zh,
    debug: DebugOpt = False,
) -> None:
    """Write an empty table with the Chinese headers edustat reads. 生成空白模板。"""
    from edustat.schema import TABLES, template_header

    if table not in TABLES:
        _usage_error(f"--table {table}: use one of {', '.join(TABLES)}")
    if output.suffix.lower() not in (".csv", ".xlsx"):
        _usage_error(f"{output}: {_message('bad_output_ext', lang.code, ext=output.suffix)}")
    if output.exists() and not force:
        _usage_error(f"{output}: exists; use --force to overwrite / 文件已存在，加 --force 覆盖")

    def action() -> int:
        from edustat.render import label, write_header_only

        write_header_only(output, [template_header(spec) for spec in TABLES[table].columns])
        _stderr().print(label("written", lang.code, path=output),
                        highlight=False)
        return EXIT_OK

    _guard(debug, lang.code, action)


ExamFilesArg = Annotated[list[Path], typer.Argument(
    help="Exam tables (one row per school, exam and year): CSV (UTF-8/GBK) or XLSX.",
    show_default=False)]
ExamDecimalsOpt = Annotated[int, typer.Option(
    "--decimals", min=0, max=12,
    help="Decimal places of percentages and of changes in points in tables (1: 51.9%, 0: 52%); "
         "JSON and CSV stay unrounded.")]


@app.command()
def exams(
    files: ExamFilesArg,
    schools: Annotated[bool, typer.Option(
        "--schools", help="Add one result per school besides the county total.")] = False,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    decimals: ExamDecimalsOpt = 1,
    encoding: EncodingOpt = None,
    sheet: SheetOpt = None,
    lang: LangOpt = Lang.zh,
    debug: DebugOpt = False,
) -> None:
    """Gaokao and zhongkao rates (本科升学率, 重点高中录取率) per county, year and school."""
    _check_paths(files, lang.code, output)

    def action() -> int:
        from edustat import api
        from edustat.render import exams_renderable

        report = api.exams(files, schools=schools, encoding=encoding, sheet=sheet,
                           lang=lang.code)
        _emit(lang.code, fmt, output, payload=report.to_dict(),
              sheets={"exams": report.to_rows()},
              table=lambda: exams_renderable(report, lang.code,
                                             decimals),
              problems=report.problems)
        return EXIT_OK

    _guard(debug, lang.code, action)


@app.command()
def standards(
    files: FilesArg,
    stage: StageOpt = None,
    county: CountyOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    decimals: DecimalsOpt = 2,
    encoding: EncodingOpt = None,
    sheet: SheetOpt = None,
    standards_file: StandardsFileOpt = None,
    strict: StrictOpt = False,
    lang: LangOpt = Lang.zh,
    debug: DebugOpt = False,
) -> None:
    """Which schools meet the quality-balance standards (优质均衡), and what each lacks."""
    _check_paths(files, lang.code, output, standards_file)
    stages = tuple(s.value for s in stage) if stage else ("primary", "junior")

    def action() -> int:
        from edustat import api
        from edustat.render import standards_renderable

        report = api.standards(files, stages=stages, standards_file=standards_file,
                               encoding=encoding, sheet=sheet, counties=county or (),
                               lang=lang.code)
        _emit(lang.code, fmt, output, json_text=report.to_json,
              json_bytes=report.to_json_bytes,
              sheets=lambda: {"schools": report.to_rows(), "totals": report.totals_rows()},
              table=lambda: standards_renderable(report, lang.code,
                                                 decimals),
              problems=report.problems)
        failed = any(not r.passes for r in report.results)
        return EXIT_DATA if strict and failed else EXIT_OK

    _guard(debug, lang.code, action)


@app.command()
def enrolment(
    files: Annotated[list[Path], typer.Argument(
        help="Yearly school tables with grade columns, in any order: CSV (UTF-8/GBK) or XLSX.",
        show_default=False)],
    population: PopulationOpt = None,
    system: SystemOpt = SchoolSystem.six_three,
    detail: Annotated[bool, typer.Option(
        "--detail", help="Show each rate's numerator and denominator in the table.")] = False,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    decimals: Annotated[int, typer.Option(
        "--decimals", min=0, max=12, help="Decimal places of the percentages in tables.")] = 2,
    encoding: EncodingOpt = None,
    sheet: Annotated[str | None, typer.Option(
        "--sheet", help="XLSX sheet of the school tables (default: first).")] = None,
    standards_file: StandardsFileOpt = None,
    strict: Annotated[bool, typer.Option(
        "--strict", help="Exit 1 when a computed rate is below its minimum.")] = False,
    lang: LangOpt = Lang.zh,
    debug: DebugOpt = False,
) -> None:
    """Enrolment, retention and dropout rates (入学率, 巩固率, 辍学率) per county and year."""
    _check_paths(files, lang.code, output, population, standards_file)

    def action() -> int:
        from edustat import api
        from edustat.render import enrolment_renderable

        report = api.enrolment(files, population=population,
                               system=system.code,
                               standards_file=standards_file, encoding=encoding, sheet=sheet,
                               lang=lang.code)
        _emit(lang.code, fmt, output, payload=report.to_dict(),
              sheets={"enrolment": report.to_rows()},
              table=lambda: enrolment_renderable(report, lang.code,
                                                 decimals, detail),
              problems=report.problems)
        failed = any(rate.meets is False for r in report.results for rate in r.rates)
        return EXIT_DATA if strict and failed else EXIT_OK

    _guard(debug, lang.code, action)


FigureDecimalsOpt = Annotated[int, typer.Option(
    "--decimals", min=0, max=12,
    help="Decimal places of tables (shares as percentages with two fewer); JSON/CSV unrounded.")]


@app.command()
def figures(
    files: DataFilesArg,
    population: PopulationOpt = None,
    system: SystemOpt = SchoolSystem.six_three,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    decimals: FigureDecimalsOpt = 4,
    encoding: EncodingOpt = None,
    sheet: SheetOpt = None,
    standards_file: StandardsFileOpt = None,
    lang: LangOpt = Lang.zh,
    debug: DebugOpt = False,
) -> None:
    """Every figure the data gives, under the key a claims file names it by (edustat check)."""
    _check_paths(files, lang.code, output, population, standards_file)

    def action() -> int:
        from edustat import api
        from edustat.render import figures_renderable

        report = api.figures(files, population=population,
                             system=system.code,
                             standards_file=standards_file, encoding=encoding, sheet=sheet,
                             lang=lang.code)
        _emit(lang.code, fmt, output, payload=report.to_dict(),
              sheets={"figures": report.to_rows()},
              table=lambda: figures_renderable(report, lang.code,
                                               decimals),
              problems=report.problems)
        return EXIT_OK

    _guard(debug, lang.code, action)


@app.command()
def check(
    files: Annotated[list[Path] | None, typer.Argument(
        help="A draft report (.docx .txt .md) and/or school, exam and population tables, in "
             "any order: CSV or XLSX.", show_default=False)] = None,
    claims: Annotated[Path | None, typer.Option(
        "--claims", help="The draft report's figures: CSV or XLSX with columns 指标 (figure), "
                         "报告值 (reported), and 县区/年份 where the data has several.")] = None,
    previous: Annotated[list[Path] | None, typer.Option(
        "--previous", help="School table of an earlier year, for the year-on-year rule only "
                           "(repeatable).")] = None,
    rules: Annotated[bool, typer.Option(
        "--rules", help="List the consistency rules and their bounds, and exit.")] = False,
    population: PopulationOpt = None,
    system: SystemOpt = SchoolSystem.six_three,
    fmt: FormatOpt = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write to a file; the format follows the extension: .csv .json "
        ".xlsx; with a .docx draft, .docx writes a copy with each figure marked.")] = None,
    encoding: EncodingOpt = None,
    sheet: SheetOpt = None,
    standards_file: StandardsFileOpt = None,
    lang: LangOpt = Lang.zh,
    debug: DebugOpt = False,
) -> None:
    """Check a draft report's figures against the data, and the data's plausibility.
    核对上报数字。Exit 1: a figure is wrong or cannot be checked, or the data has errors."""
    if rules:
        _check_paths([], lang.code, output, standards_file)

        def list_rules() -> int:
            from edustat import api
            from edustat.render import rules_renderable

            report = api.check_rules(standards_file=standards_file,
                                     lang=lang.code)
            _emit(lang.code, fmt, output, payload=report.to_dict(),
                  sheets={"rules": report.to_rows()},
                  table=lambda: rules_renderable(report, lang.code))
            return EXIT_OK

        _guard(debug, lang.code, list_rules)
    if not files:
        _usage_error("give the data files to check / 请给出要核对的数据文件 "
                     "(edustat check FILE... --claims CLAIMS)")
    inputs = list(files or [])
    from edustat.cli.check_draft import is_draft, run_draft_check

    if any(is_draft(p) for p in inputs):  # a draft report (.docx .txt .md): SPEC §7.4
        run_draft_check(inputs, claims=claims, output=output, fmt=fmt, population=population,
                        previous=previous or [],
                        system=system, standards_file=standards_file, encoding=encoding,
                        sheet=sheet, lang=lang, debug=debug)
    _check_paths(inputs, lang.code, output, claims, population, standards_file, previous)

    def action() -> int:
        from edustat import api
        from edustat.render import check_renderable

        report = api.check(inputs, claims=claims, previous=previous or [],
                           population=population, system=system.code,
                           standards_file=standards_file, encoding=encoding, sheet=sheet,
                           lang=lang.code)
        _emit(lang.code, fmt, output, payload=report.to_dict(),
              sheets=lambda: {"claims": report.to_rows(), "problems": report.problem_rows(),
                              "unavailable": [{"family": u.family, "reason": u.reason}
                                              for u in report.unavailable]},
              table=lambda: check_renderable(report, lang.code),
              # The table and the JSON list the data's findings; CSV holds the claims only, so
              # then they go to the terminal.
              problems=report.problems if output is not None or _resolve_format(fmt)
              is Format.csv else None)
        return EXIT_OK if report.ok else EXIT_DATA

    _guard(debug, lang.code, action)


def main() -> None:
    """Entry point of the `edustat` script."""
    import gc

    # A run is short and builds hundreds of thousands of small objects it keeps to the end;
    # cyclic garbage collection would only rescan them (a third of the time on a national file).
    gc.disable()
    app()
