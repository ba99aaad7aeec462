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
    # The stage units of the school rows, made once for the coefficients and the standards.
    units: Any = None

    def school_units(self, valid: ValidTable) -> Any:
        """The stage units of `valid` (the school rows with one family's column problems)."""
        from edustat.units import school_units

        if not valid.ok:
            raise InputError(valid.problems)
        if self.units is None:
            self.units = school_units(valid.frame, self.norms, STAGES)
        return self.units


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
        # What edustat.balance.coefficients_of does, from the units the standards use too.
        from edustat.coefficients import compute_coefficients
        from edustat.indicators import needed_columns
        from edustat.validate import require_columns

        assert tables.schools is not None
        valid = require_columns(tables.schools, needed_columns(method))
        # Read for its figures, never shown: records, not 5 700 validated models.
        report = compute_coefficients(tables.school_units(valid), method, tables.norms,
                                      stream=True)
        report.problems = valid.problems
        return report
    return compute


def coefficient_figures(report: Any) -> list[Figure]:
    """Composite, CVs and county values of every county, year and stage."""
    method = report.standard
    names = PhraseNames()
    method_name = names(f"method.{method}")
    figures: list[Figure] = []
    add = figures.append
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

    for result in report.result_records():
        county, year, stage = result["county"], result["year"], result["stage"]
        composite = labels.get((stage, ""))
        if composite is None:
            composite = labels[(stage, "")] = label(stage, "")
        add(Figure(composite[0], county, year, result["composite"], "number", composite[1],
                   list(result["notes"]) or None))
        for item in result["indicators"]:
            key = item["key"]
            names_of = labels.get((stage, key))
            if names_of is None:
                names_of = labels[(stage, key)] = label(stage, key)
            add(Figure(names_of[0], county, year, item["cv"], "number", names_of[1]))
            add(Figure(names_of[2], county, year, item["mean"], "number", names_of[3]))
    return figures


for _method in METHODS:
    family(f"coefficient.{_method}", "schools", _coefficient(_method))(coefficient_figures)


def _standards(tables: Tables) -> Any:
    # What edustat.balance.standards_of does, from the units the coefficients use too.
    from edustat.indicators import needed_columns
    from edustat.standards import compute_standards
    from edustat.validate import require_columns

    assert tables.schools is not None
    valid = require_columns(tables.schools, needed_columns("quality"))
    # Figures are county totals: the per-school records are not built.
    report = compute_standards(tables.school_units(valid), valid.frame, tables.norms,
                               per_school=False)
    report.problems = valid.problems
    return report


@family("standards", "schools", _standards)
def standards_figures(report: Any) -> list[Figure]:
    """How many units pass the per-school standards, and what the failing ones lack."""
    figures: list[Figure] = []
    add = figures.append
    names = PhraseNames()
    # The keys and names of a stage's figures, the same in every county (made once each).
    counted: dict[str, tuple[tuple[str, Phrase], ...]] = {}
    lacking: dict[tuple[str, str, str], tuple[str, Phrase]] = {}
    for total in report.totals:
        county, year, stage_key = total.county, total.year, total.stage
        labels = counted.get(stage_key)
        if labels is None:
            stage = names(f"stage_title.{stage_key}")
            labels = counted[stage_key] = tuple(
                (f"standards.{stage_key}.{part}", names(f"figure.std_{part}", stage=stage))
                for part in ("schools", "passing_schools", "failing_schools", "passing_share"))
        for (key, name), count in zip(labels, (total.schools, total.passing, total.failing),
                                      strict=False):
            add(Figure(key, county, year, float(count), "count", name))
        add(Figure(labels[3][0], county, year,
                   total.passing / total.schools if total.schools else None, "share",
                   labels[3][1]))
        for item in total.shortfalls:
            shortfall = lacking.get((stage_key, item.key, item.unit))
            if shortfall is None:
                shortfall = lacking[(stage_key, item.key, item.unit)] = (
                    f"standards.{stage_key}.{item.key}.shortfall",
                    names("figure.std_shortfall", stage=names(f"stage_title.{stage_key}"),
                          indicator=names(f"indicator.{item.key}.name"),
                          unit=names(f"unit_figure.{item.unit}")))
            add(Figure(shortfall[0], county, year, float(item.shortfall), "count",
                       shortfall[1]))
    return figures


def _enrolment(tables: Tables) -> Any:
    # The rates as computed, without the enrolment report's validated records and verdicts.
    from edustat.enrolment import county_rates
    from edustat.enrolment.entry import enrolment_inputs

    assert tables.schools is not None
    frame, missing, present, population, problems = enrolment_inputs(
        tables.schools, tables.people, tables.system)  # type: ignore[arg-type]
    rates = county_rates(frame, missing, present, population, tables.system)  # type: ignore[arg-type]
    rates.problems = problems
    return rates


@family("enrolment", "schools", _enrolment)
def enrolment_figures(rates: Any) -> list[Figure]:
    """Every rate of SPEC §5 per county and year; a rate that cannot be computed keeps its
    reason as the note."""
    keys: dict[str, str] = {}
    figures: list[Figure] = []
    add = figures.append
    for county, year, computed in rates.places:
        for rate in computed:
            key = keys.get(rate.key)
            if key is None:
                key = keys[rate.key] = f"enrolment.{rate.key}"
            # A rate's note is its phrases as county_rates made them once per distinct note.
            add(Figure(key, county, year, rate.value, "share", rate.name, rate.note))
    return figures


def _exams(tables: Tables) -> Any:
    from edustat.exams import exams_of

    assert tables.exams is not None
    return exams_of(tables.exams, False)


@family("exams", "exams", _exams)
def exam_figures(report: Any) -> list[Figure]:
    """County totals of every exam: candidates, each rate and its count."""
    figures: list[Figure] = []
    names = PhraseNames()
    for result in report.results:
        if not result.is_total:
            continue
        county, year = result.county, result.year
        exam = names(f"exam.{result.exam}")
        prefix = f"exams.{result.exam}"
        figures.append(Figure(f"{prefix}.candidates", county, year, float(result.candidates),
                              "count", names("figure.candidates", exam=exam)))
        for rate in result.rates:
            name = names(f"exam_rate.{rate.key}.name")
            figures.append(Figure(f"{prefix}.{rate.key}", county, year, rate.value, "share",
                                  names("figure.exam_rate", exam=exam, rate=name)))
            figures.append(Figure(f"{prefix}.{rate.key}.count", county, year,
                                  float(rate.count), "count",
                                  names("figure.exam_count", exam=exam,
                                        count=names(f"exam_rate.{rate.key}.count"))))
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
    import numpy as np

    # Each distinct place and key ranked once (a national file has 270 000 figures but a few
    # thousand places and a few hundred keys), then one stable sort of the ranks.
    places = list(zip([f.county for f in figures], [f.year for f in figures], strict=True))
    ranked = sorted(set(places), key=lambda p: (p[0] is None, p[0] or "", p[1] is None,
                                                p[1] or 0))
    place_rank = {place: i for i, place in enumerate(ranked)}
    family_order = {name: i for i, name in enumerate(FAMILIES)}
    keys = [f.key for f in figures]
    key_rank = {key: family_order[family_of(key)] for key in set(keys)}
    order = np.lexsort((np.array([key_rank[k] for k in keys], dtype=np.int64),
                        np.array([place_rank[p] for p in places], dtype=np.int64)))
    return [figures[i] for i in order.tolist()]


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
