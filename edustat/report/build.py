"""`edustat report`: read and validate the tables, compute through the core (units, coefficients,
standards, exams, enrolment), lay the results out as a workbook per county, and write it."""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from edustat.coefficients import CoefficientReport, CoefficientResult, compute_coefficients
from edustat.indicators import METHODS, Method, indicators_for, needed_columns
from edustat.norms import Norms, load_norms
from edustat.problems import InputError, Problem
from edustat.report.calc import CalcRefs, calc_sheet, unit_rows
from edustat.report.charts import chart_sheet, trend_sheet
from edustat.report.model import Workbook
from edustat.report.result import (
    CoefficientVerdict,
    FailingIndicator,
    SheetWritten,
    StandardsVerdict,
    WorkbookReport,
    WorkbookWritten,
)
from edustat.report.sheets import (
    cover_sheet,
    enrolment_sheet,
    exams_sheet,
    fill_contents,
    standards_sheet,
)
from edustat.report.writer import write_workbook
from edustat.schema import SCHOOL_TYPE_STAGES, STAGES
from edustat.texts import Lang, t

if TYPE_CHECKING:
    import pandas as pd

    from edustat.enrolment import EnrolmentReport
    from edustat.exams import ExamReport

Standard = Literal["basic", "quality", "both"]
# Codes of the problems that are the user's choice of output, not the data (exit 2).
USAGE_CODES = ("report_several_counties", "report_output")


def is_folder(output: Path) -> bool:
    """An -o that names a folder: an existing one, or a path without an extension."""
    return output.is_dir() or output.suffix == ""


def build_report(paths: Sequence[Path], output: Path, *, standard: Standard = "both",
                 exams: Path | None = None, enrolment: Sequence[Path] = (),
                 population: Path | None = None, counties: Sequence[str] = (),
                 standards_file: Path | None = None, encoding: str | None = None,
                 sheet: str | None = None, plan: bool = False, prices_file: Path | None = None,
                 lang: Lang = "zh") -> WorkbookReport:
    """Write the report workbook(s) of the school tables in `paths` to `output` (a .xlsx file,
    or a folder for one workbook per county) and return what was written with the verdicts.
    With `plan`, a sheet of the least-cost plan (SPEC §8) by the quality method when asked for,
    else the basic one."""
    from edustat.standards import compute_standards
    from edustat.units import school_units
    from edustat.validate import validate_schools

    paths = [Path(p) for p in paths]
    output = Path(output)
    norms = load_norms(standards_file)
    prices = _prices(prices_file) if plan else None  # a bad prices file: before any work
    methods: tuple[Method, ...] = METHODS if standard == "both" else (standard,)
    needed: dict[str, str] = {}
    for method in methods:
        needed.update(needed_columns(method))
    valid = validate_schools(paths, needed=needed, encoding=encoding, sheet=sheet)
    if not valid.ok:
        raise InputError(valid.problems)
    targets = _targets(valid.frame, counties, paths, output)
    exam_report = _exams(exams, encoding, lang) if exams is not None else None
    enrolment_report = (_enrolment(list(enrolment) or paths, population, standards_file,
                                   encoding, sheet, lang)
                        if enrolment or population is not None else None)
    folder = is_folder(output)
    if folder:
        output.mkdir(exist_ok=True)
    report = WorkbookReport(files=[str(p) for p in paths], workbooks=[], coefficients=[],
                            standards=[], problems=list(valid.problems))
    for county in targets:
        rows = valid.frame if county is None else valid.frame[valid.frame["county"] == county]
        units = school_units(rows, norms, STAGES)
        coefficients = {m: compute_coefficients(units, m, norms, with_units=True)
                        for m in methods}
        standards = (compute_standards(units, rows, norms)
                     if "quality" in methods else None)
        book = Workbook()
        years = sorted({r.year for rep in coefficients.values() for r in rep.results},
                       key=lambda y: (y is None, y or 0))
        where = _place(county, years, lang)
        cover, contents_row = cover_sheet(
            book, place=where, files=[str(p) for p in paths] + _extra_files(exams, enrolment,
                                                                             population),
            methods=methods, norms_name=norms.name, version=_version(),
            date=datetime.date.today().isoformat(), extras=_cover_extras(units, lang),
            lang=lang)
        calcs = _calc_sheets(book, coefficients, units, years, county, lang)
        if standards is not None and standards.results:
            standards_sheet(book, t("report.sheet.standards", lang), standards.results,
                            standards.totals, lang, where)
        plan_cost = None
        if prices is not None:
            plan_cost = _plan_sheet(book, rows, norms, methods, prices, lang, where)
        _chart_sheets(book, calcs, years, county, lang)
        if len([y for y in years if y is not None]) > 1:
            trend_sheet(book, calcs, lang, _place(county, years, lang))
        if exam_report is not None:
            results = [r for r in exam_report.results if county is None or r.county == county]
            if results:
                exams_sheet(book, results, lang, where)
        if enrolment_report is not None:
            enrolment_results = [r for r in enrolment_report.results
                                 if county is None or r.county == county]
            if enrolment_results:
                enrolment_sheet(book, enrolment_results, lang, where)
        fill_contents(cover, book, contents_row, report.problems, lang)
        path = output / _file_name(county, lang) if folder else output
        write_workbook(book, path, lang)
        report.workbooks.append(WorkbookWritten(
            path=str(path), county=county, years=years,
            sheets=[SheetWritten(name=s.name, kind=s.kind, charts=len(s.charts))
                    for s in book.sheets],
            charts=sum(len(s.charts) for s in book.sheets),
            formulas=sum(1 for s in book.sheets for c in s.cells.values() if c.formula),
            plan_cost=plan_cost))
        report.coefficients += _verdicts(coefficients)
        if standards is not None:
            report.standards += [StandardsVerdict(county=x.county, year=x.year, stage=x.stage,
                                                  schools=x.schools, passing=x.passing)
                                 for x in standards.totals]
    for extra in (exam_report, enrolment_report):
        if extra is not None:
            report.problems += [p for p in extra.problems if p not in report.problems]
    return report


def _targets(frame: pd.DataFrame, counties: Sequence[str], paths: Sequence[Path],
             output: Path) -> list[str | None]:
    """The counties to write: those named, else every county of the data (None: no county
    column). Several into one .xlsx file is the user's mistake, said before any work."""
    present = sorted(set(frame["county"].dropna().astype(str)))
    files = ", ".join(str(p) for p in paths)
    if counties:
        missing = [c for c in counties if c not in present]
        if missing:
            raise InputError([Problem(file=files, column="county", value=name, code="no_county",
                                      params={"counties": "、".join(present[:20])})
                              for name in missing])
        targets: list[str | None] = list(dict.fromkeys(counties))
    else:
        targets = list(present) if present else [None]
    if len(targets) > 1 and not is_folder(output):
        raise InputError([Problem(file=str(output), code="report_several_counties",
                                  params={"count": len(targets),
                                          "counties": "、".join(str(c) for c in targets[:10])})])
    if not is_folder(output) and output.suffix.lower() != ".xlsx":
        raise InputError([Problem(file=str(output), code="report_output",
                                  params={"ext": output.suffix})])
    return targets


def _calc_sheets(book: Workbook, coefficients: dict[Method, CoefficientReport],
                 units: pd.DataFrame, years: list[int | None], county: str | None, lang: Lang
                 ) -> list[CalcRefs]:
    """One calculation table per year, method and stage; latest year first."""
    several = len(years) > 1
    calcs = []
    for year in sorted(years, key=lambda y: -(y or 0)):
        for method, report in coefficients.items():
            for result in report.results:
                if result.year != year:
                    continue
                name = t("report.sheet.calc", lang, year=str(year) if several and year else "",
                         stage=t(f"report.stage.{result.stage}", lang),
                         method=t(f"report.method.{method}", lang)).strip()
                records = _unit_records(units, result, method)
                calcs.append(calc_sheet(book, name, result, method,
                                        unit_rows(records, result, method), lang,
                                        _place(county, [year], lang)))
    return calcs


def _chart_sheets(book: Workbook, calcs: list[CalcRefs], years: list[int | None],
                  county: str | None, lang: Lang) -> None:
    """Charts of the latest year, one sheet per stage."""
    latest = max(years, key=lambda y: y or 0) if years else None
    for stage in STAGES:
        mine = [c for c in calcs if c.stage == stage and c.year == latest]
        if mine:
            name = t("report.sheet.charts", lang, stage=t(f"report.stage.{stage}", lang),
                     year=str(latest) if len(years) > 1 else "").strip()
            chart_sheet(book, name, mine, lang, _place(county, [latest], lang))


def _unit_records(units: pd.DataFrame, result: CoefficientResult, method: Method
                  ) -> list[dict[str, Any]]:
    """The rows of `units` that make up one result, in the input's order, as plain records."""
    year = units["year"]
    mask = (units["stage"] == result.stage) & (
        year.isna() if result.year is None else year == result.year)
    resources = {ind.resource for ind in indicators_for(method)}
    records = []
    for row in units[mask].itertuples(index=False):
        record = row._asdict()
        records.append({
            "school_id": None if record["school_id"] != record["school_id"]
            else str(record["school_id"]),
            "school_name": record["school_name"], "school_type": record["school_type"],
            "share": float(record["share"]), "students": float(record["students"]),
            "mixed": len(SCHOOL_TYPE_STAGES.get(record["school_type"], ())) > 1,
            **{r: float(record[r]) for r in resources}})
    return records


def _prices(prices_file: Path | None) -> dict[str, float]:
    from edustat.planning.prices import load_prices

    return load_prices(prices_file)


def _plan_sheet(book: Workbook, rows: pd.DataFrame, norms: Norms, methods: tuple[Method, ...],
                prices: dict[str, float], lang: Lang, where: str) -> float:
    """The county's plan (edustat.planning, as `edustat plan` computes it) on a sheet; its cost."""
    from edustat.planning.compute import compute_plan
    from edustat.report.plan import plan_sheet

    method: Method = "quality" if "quality" in methods else "basic"
    plan = compute_plan(rows, norms, method, prices, STAGES)
    plan_sheet(book, plan, lang, where)
    return plan.cost


def _verdicts(coefficients: dict[Method, CoefficientReport]) -> list[CoefficientVerdict]:
    return [CoefficientVerdict(
        county=r.county, year=r.year, stage=r.stage, standard=method, composite=r.composite,
        limit=r.limit, meets=r.meets,
        failing=[FailingIndicator(key=i.key, cv=i.cv, limit=i.limit) for i in r.indicators
                 if i.meets is False and i.limit is not None])
        for method, report in coefficients.items() for r in report.results]


def _exams(path: Path, encoding: str | None, lang: Lang) -> ExamReport:
    from edustat import api

    return api.exams([path], schools=True, encoding=encoding)


def _enrolment(paths: list[Path], population: Path | None, standards_file: Path | None,
               encoding: str | None, sheet: str | None, lang: Lang) -> EnrolmentReport:
    from edustat import api

    return api.enrolment(paths, population=population, standards_file=standards_file,
                         encoding=encoding, sheet=sheet)


def _place(county: str | None, years: Sequence[int | None], lang: Lang) -> str:
    known = [y for y in years if y is not None]
    if not known:
        year = ""
    elif len(known) == 1:
        year = t("report.year_one", lang, year=known[0])
    else:
        year = t("report.year_range", lang, first=min(known), last=max(known))
    return t("report.place", lang, county=county or "", year=year).strip()


def _file_name(county: str | None, lang: Lang) -> str:
    name = re.sub(r'[\\/:*?"<>|]', "_", county or t("report.no_county", lang))
    return f"{name}.xlsx"


def _extra_files(exams: Path | None, enrolment: Sequence[Path], population: Path | None
                 ) -> list[str]:
    return [str(p) for p in (exams, *enrolment, population) if p is not None]


def _cover_extras(units: pd.DataFrame, lang: Lang) -> list[tuple[str, str]]:
    """The cover's line on mixed schools, when there are any."""
    mixed = units[units["school_type"].map(lambda s: len(SCHOOL_TYPE_STAGES.get(s, ())) > 1)]
    if mixed.empty:
        return []
    names = "、".join(dict.fromkeys(str(n) for n in mixed["school_name"]))
    return [(t("report.cover.mixed", lang), t("report.cover.mixed_text", lang, names=names))]


def _version() -> str:
    from edustat import __version__

    return __version__
