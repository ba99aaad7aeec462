"""The families of figures (SPEC §7.3) and the registry that lists them.

A family is registered with `@family(name, table)`: the table it needs (schools or exams), how to
compute its report from the validated tables (`Tables`), and the figures of that report, each
under its key with its name as a phrase. `edustat.checks.figures` gathers them in `FAMILIES`
order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from edustat.checks.figure_report import Figure, PhraseNames
from edustat.indicators import METHODS, Method
from edustat.problems import InputError
from edustat.results import Phrase
from edustat.schema import STAGES

if TYPE_CHECKING:
    from edustat.norms import Norms
    from edustat.validate import ValidTable


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
