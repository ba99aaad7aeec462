"""Every figure the data gives, under one key (SPEC §7.3), computed by a registry of families.

    coefficient.{basic|quality}.{stage}.composite           综合差异系数
    coefficient.{basic|quality}.{stage}.{indicator}         the indicator's CV (差异系数)
    coefficient.{basic|quality}.{stage}.{indicator}.mean    its county value (县域值)
    standards.{stage}.schools | passing_schools | failing_schools | passing_share
    standards.{stage}.{indicator}.shortfall                 what the failing units lack, summed
    enrolment.{rate}                                        SPEC §5 keys
    exams.{exam}.candidates, exams.{exam}.{rate}, exams.{exam}.{rate}.count

A family is registered with `@family(name, table)`: the table it needs (schools or exams), how
to compute its report from the validated tables, and the figures of that report. Names and notes
are phrases, worded in the JSON's language.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from edustat.checks.figure_report import (
    Figure,
    FiguresReport,
    InputFile,
    PhraseNames,
    Unavailable,
    _phrase,
)
from edustat.exams import EXAMS_ORDER, rates_for
from edustat.indicators import METHODS, Method, indicators_for
from edustat.problems import InputError, Problem, has_errors
from edustat.results import (
    Phrase,
    Progress,
    no_progress,
)
from edustat.schema import STAGES
from edustat.texts import both

if TYPE_CHECKING:
    from edustat.norms import Norms
    from edustat.validate import ValidTable

# Figures are ordered by family, in this order.
FAMILIES = ("coefficient.basic", "coefficient.quality", "standards", "enrolment", "exams")
# Problems of a family that are the user's to fix before anything runs, not "cannot compute".
USAGE_CODES = ("bad_standards", "file_missing", "unknown_encoding", "no_sheet")


# ---------------------------------------------------------------------------------------------
# The families

@dataclass
class Tables:
    """The validated inputs every family computes from (None: that table was not given)."""

    schools: ValidTable | None
    exams: ValidTable | None
    people: ValidTable | None
    norms: Norms
    system: str


@dataclass(frozen=True)
class Family:
    """A family of figures: the table it needs, its report, and the figures of that report."""

    name: str
    table: Literal["schools", "exams"]
    compute: Callable[[Tables], Any]
    figures: Callable[[Any], list[Figure]]


REGISTRY: dict[str, Family] = {}


def family(name: str, table: Literal["schools", "exams"], compute: Callable[[Tables], Any]
           ) -> Callable[[Callable[[Any], list[Figure]]], Callable[[Any], list[Figure]]]:
    """Register the decorated function as the figures of family `name`."""
    def register(figures: Callable[[Any], list[Figure]]) -> Callable[[Any], list[Figure]]:
        REGISTRY[name] = Family(name, table, compute, figures)
        return figures
    return register


def _coefficient(method: Method) -> Callable[[Tables], Any]:
    def compute(tables: Tables) -> Any:
        from edustat.api import _coefficient
        from edustat.indicators import needed_columns
        from edustat.validate import require_columns

        assert tables.schools is not None
        return _coefficient(require_columns(tables.schools, needed_columns(method)),
                            tables.norms, method, STAGES)
    return compute


def coefficient_figures(report: Any) -> list[Figure]:
    """Composite, CVs and county values of every county, year and stage."""
    method = report.standard
    names = PhraseNames()
    method_name = names(f"method.{method}")
    figures = []
    # (stage, indicator) -> the keys and names of its two figures, the same in every county
    labels: dict[tuple[str, str], tuple[str, Phrase, str, Phrase]] = {}

    def label(stage_key: str, key: str) -> tuple[str, Phrase, str, Phrase]:
        prefix = f"coefficient.{method}.{stage_key}"
        stage = names(f"stage_title.{stage_key}")
        if not key:
            return (f"{prefix}.composite",
                    names("figure.composite", stage=stage, method=method_name), "", stage)
        indicator = names(f"indicator.{key}.name")
        return (f"{prefix}.{key}",
                names("figure.cv", stage=stage, indicator=indicator, method=method_name),
                f"{prefix}.{key}.mean",
                names("figure.mean", stage=stage, indicator=indicator))

    for result in report.results:
        place = {"county": result.county, "year": result.year}
        composite = labels.get((result.stage, ""))
        if composite is None:
            composite = labels[(result.stage, "")] = label(result.stage, "")
        figures.append(Figure(key=composite[0], value=result.composite, kind="number",
                              name=composite[1], note=list(result.notes) or None, **place))
        for item in result.indicators:
            names_of = labels.get((result.stage, item.key))
            if names_of is None:
                names_of = labels[(result.stage, item.key)] = label(result.stage, item.key)
            cv_key, cv_name, mean_key, mean_name = names_of
            figures.append(Figure(key=cv_key, value=item.cv, kind="number", name=cv_name,
                                  **place))
            figures.append(Figure(key=mean_key, value=item.mean, kind="number", name=mean_name,
                                  **place))
    return figures


for _method in METHODS:
    family(f"coefficient.{_method}", "schools", _coefficient(_method))(coefficient_figures)


def _standards(tables: Tables) -> Any:
    from edustat.api import _standards
    from edustat.indicators import needed_columns
    from edustat.validate import require_columns

    assert tables.schools is not None
    # Figures are county totals: the per-school records are not built.
    return _standards(require_columns(tables.schools, needed_columns("quality")), tables.norms,
                      STAGES, per_school=False)


@family("standards", "schools", _standards)
def standards_figures(report: Any) -> list[Figure]:
    """How many units pass the per-school standards, and what the failing ones lack."""
    figures = []
    names = PhraseNames()
    for total in report.totals:
        place = {"county": total.county, "year": total.year}
        prefix = f"standards.{total.stage}"
        stage = names(f"stage_title.{total.stage}")
        counts = {"schools": total.schools, "passing_schools": total.passing,
                  "failing_schools": total.failing}
        for part, count in counts.items():
            figures.append(Figure(key=f"{prefix}.{part}", value=float(count), kind="count",
                                  name=names(f"figure.std_{part}", stage=stage), **place))
        figures.append(Figure(key=f"{prefix}.passing_share", kind="share",
                              value=total.passing / total.schools if total.schools else None,
                              name=names("figure.std_passing_share", stage=stage), **place))
        for item in total.shortfalls:
            figures.append(Figure(
                key=f"{prefix}.{item.key}.shortfall", value=float(item.shortfall), kind="count",
                name=names("figure.std_shortfall", stage=stage,
                           indicator=names(f"indicator.{item.key}.name"),
                           unit=names(f"unit_figure.{item.unit}")), **place))
    return figures


def _enrolment(tables: Tables) -> Any:
    from edustat.api import _enrolment

    assert tables.schools is not None
    return _enrolment(tables.schools, tables.people, tables.norms, tables.system)  # type: ignore[arg-type]


@family("enrolment", "schools", _enrolment)
def enrolment_figures(report: Any) -> list[Figure]:
    """Every rate of SPEC §5 per county and year; a rate that cannot be computed keeps its
    reason as the note."""
    return [Figure(key=f"enrolment.{rate.key}", county=result.county, year=result.year,
                   value=rate.value, kind="share", name=rate.name, note=rate.note)
            for result in report.results for rate in result.rates]


def _exams(tables: Tables) -> Any:
    from edustat.api import _exams

    assert tables.exams is not None
    return _exams(tables.exams, False)


@family("exams", "exams", _exams)
def exam_figures(report: Any) -> list[Figure]:
    """County totals of every exam: candidates, each rate and its count."""
    figures = []
    names = PhraseNames()
    for result in report.results:
        if not result.is_total:
            continue
        place = {"county": result.county, "year": result.year}
        exam = names(f"exam.{result.exam}")
        prefix = f"exams.{result.exam}"
        figures.append(Figure(key=f"{prefix}.candidates", value=float(result.candidates),
                              kind="count", name=names("figure.candidates", exam=exam), **place))
        for rate in result.rates:
            name = names(f"exam_rate.{rate.key}.name")
            figures.append(Figure(key=f"{prefix}.{rate.key}", value=rate.value, kind="share",
                                  name=names("figure.exam_rate", exam=exam, rate=name),
                                  **place))
            figures.append(Figure(key=f"{prefix}.{rate.key}.count", value=float(rate.count),
                                  kind="count",
                                  name=names("figure.exam_count", exam=exam,
                                             count=names(f"exam_rate.{rate.key}.count")),
                                  **place))
    return figures


# ---------------------------------------------------------------------------------------------
# Keys, order, reasons

def catalogue() -> dict[str, str]:
    """Every figure key there is, each with its family, whatever the data holds."""
    keys: dict[str, str] = {}
    for method in METHODS:
        name = f"coefficient.{method}"
        for stage in STAGES:
            keys[f"{name}.{stage}.composite"] = name
            for indicator in indicators_for(method):
                keys[f"{name}.{stage}.{indicator.key}"] = name
                keys[f"{name}.{stage}.{indicator.key}.mean"] = name
    for stage in STAGES:
        for part in ("schools", "passing_schools", "failing_schools", "passing_share"):
            keys[f"standards.{stage}.{part}"] = "standards"
        for indicator in indicators_for("quality"):
            keys[f"standards.{stage}.{indicator.key}.shortfall"] = "standards"
    from edustat.enrolment import RATE_KEYS

    for rate_key in RATE_KEYS:
        keys[f"enrolment.{rate_key}"] = "enrolment"
    for exam in EXAMS_ORDER:
        keys[f"exams.{exam}.candidates"] = "exams"
        for rate in rates_for(exam):
            keys[f"exams.{exam}.{rate.key}"] = "exams"
            keys[f"exams.{exam}.{rate.key}.count"] = "exams"
    return keys


def order_figures(figures: list[Figure]) -> list[Figure]:
    """County, then year, then the families in their fixed order (stable within each)."""
    family_order = {name: i for i, name in enumerate(FAMILIES)}
    return sorted(figures, key=lambda f: (f.county is None, f.county or "", f.year is None,
                                          f.year or 0, family_order[family_of(f.key)]))


@lru_cache(maxsize=4096)  # a few hundred keys, each met thousands of times nationally
def family_of(key: str) -> str:
    """The family a key belongs to (its first one or two parts)."""
    first = key.split(".", 1)[0]
    return ".".join(key.split(".")[:2]) if first == "coefficient" else first


def unavailable_reason(problems: list[Problem]) -> Phrase:
    """Why a family cannot be computed: its first error, placed, and how many more there are."""
    errors = [p for p in problems if p.severity == "error"] or problems
    if not errors:
        return _phrase("figure.not_in_data")
    first = errors[0]
    where = {"zh": first.file, "en": first.file}
    if first.row is not None:
        where = both("label.file_row", file=first.file, row=first.row)
    if first.column and first.code != "missing_column":
        where = {lang: f"{text} {first.column}" for lang, text in where.items()}
    message = _phrase(f"problem.{first.code}", **first.params)
    if len(errors) > 1:
        return _phrase("figure.family_failed_more", where=where, message=message,
                       count=len(errors) - 1)
    return _phrase("figure.family_failed", where=where, message=message)


def unique(problems: Sequence[Problem]) -> list[Problem]:
    """Problems without repeats: each family's report carries the tables' own problems too."""
    seen: set[tuple[Any, ...]] = set()
    out = []
    for problem in problems:
        key = (problem.file, problem.row, problem.column, problem.code)
        if key not in seen:
            seen.add(key)
            out.append(problem)
    return out


# ---------------------------------------------------------------------------------------------
# Gathering every figure of the inputs

def gather_figures(paths: Sequence[Path], *, population: Path | None, system: str,
                   norms: Norms, encoding: str | None, sheet: str | None,
                   extra_problems: Sequence[Problem] = (),
                   progress: Progress = no_progress) -> tuple[FiguresReport, Any]:
    """Every figure the files can give, and the validated school rows (None without any)."""
    from edustat.validate import (
        table_kind,
        validate_exams,
        validate_population,
        validate_schools,
    )

    progress("read", 0, 0)
    kinds = {path: table_kind(path, encoding=encoding, sheet=sheet) for path in paths}
    given = {kind: [p for p in paths if kinds[p] == kind] for kind in
             ("schools", "exams", "population")}
    if population is not None:
        given["population"].append(population)
        kinds[population] = "population"
    problems = list(extra_problems)
    if len(given["population"]) > 1:
        problems.append(Problem(file=str(given["population"][1]), code="several_population",
                                params={"files": "、".join(map(str, given["population"]))}))
    # Each table is read and validated once; every family computes from the same rows.
    tables = Tables(
        schools=(validate_schools(given["schools"], needed={}, encoding=encoding, sheet=sheet,
                                  teaching_points=norms.teaching_points)
                 if given["schools"] else None),
        exams=(validate_exams(given["exams"], encoding=encoding, sheet=sheet)
               if given["exams"] else None),
        people=(validate_population(given["population"][:1], encoding=encoding)
                if given["population"] else None),
        norms=norms, system=system)
    for valid in (tables.schools, tables.exams, tables.people):
        if valid is not None:
            problems += valid.problems
    if has_errors(problems):
        raise InputError(unique(problems))

    figures: list[Figure] = []
    unavailable: list[Unavailable] = []
    for done, name in enumerate(FAMILIES):
        progress("family", done, len(FAMILIES))
        entry = REGISTRY[name]
        if getattr(tables, entry.table) is None:
            absent = f"figure.no_{'school' if entry.table == 'schools' else 'exam'}_table"
            unavailable.append(Unavailable(family=name, reason=_phrase(absent)))
            continue
        try:
            report = entry.compute(tables)
        except InputError as exc:
            if any(p.code in USAGE_CODES for p in exc.problems):
                raise
            unavailable.append(Unavailable(family=name, problems=exc.problems,
                                           reason=unavailable_reason(exc.problems)))
            continue
        problems.extend(report.problems)
        figures += entry.figures(report)
    report = FiguresReport(files=[InputFile(file=str(p), kind=kinds[p]) for p in kinds],
                           results=order_figures(figures), unavailable=unavailable,
                           problems=unique(problems))
    return report, tables.schools
