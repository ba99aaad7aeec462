"""Enrolment, retention and dropout rates per county and year (SPEC §5, §7.2).

Every rate is a ratio of county sums: enrolment over the school-age population of the same year,
a cohort's last grade this year over its first grade some years before (retention), dropouts over
compulsory students. A rate whose inputs are missing is reported as not computable with the
reason, never as 0; a rate above 100% is shown as computed and flagged (in-migration).
Dropout rates are over the previous year's enrolment (学年内辍学学生数 ÷ 上学年初在校生数), and
where the tables give the cohort's transfers the retention rates also come adjusted for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from pydantic import BaseModel, Field

from edustat.enrolment_inputs import (
    CountyTotals,
    CountyYear,
    county_totals,
    population_lookup,
)
from edustat.norms import Norms
from edustat.problems import Problem
from edustat.results import JoinedPhrases, Phrase, Report, Sheets
from edustat.schema import SCHOOLS, SYSTEM_GRADES, grade_column
from edustat.texts import Lang, t
from edustat.verdicts import above, at_least

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

System = Literal["6-3", "5-4"]

# Every rate key, in report order; the `…_adjusted` ones only where a table gives the cohort's
# transfers (cohort_transfers_in/out).
RATE_KEYS = ("primary_net_enrolment_rate", "primary_gross_enrolment_rate",
             "junior_gross_enrolment_rate", "nine_year_retention_rate",
             "nine_year_retention_rate_adjusted", "primary_retention_rate",
             "primary_retention_rate_adjusted", "junior_retention_rate",
             "junior_retention_rate_adjusted", "primary_dropout_rate", "junior_dropout_rate",
             "dropout_rate")

# A derived column present when some school table gives the cohort's transfers.
TRANSFER_MARK = "cohort_transfers_in@primary"

# Reasons a rate cannot be computed, and flags on one that can, are `note.enrolment.<code>`
# texts; parameters that differ by language are {zh, en} pairs.
# Notes that leave the rate computable (the rest are reasons it is not).
FLAG_CODES = frozenset({"over_100", "over_100_gross", "population_from_schools"})


@dataclass(frozen=True)
class RateSpec:
    """One rate of SPEC §5: its key and, for retention, its grades; its names and what its
    numerator and denominator count are `enrolment.rate.<key>.*` and `enrolment.part.*` texts."""

    key: str
    numerator_part: str = ""
    denominator_part: str = ""
    params: dict[str, Any] = field(default_factory=dict)  # of the names (junior years)
    # Retention only: the numerator grade this year over the denominator grade `lag` years before.
    grades: tuple[int, int, int] | None = None
    # Retention adjusted for the cohort's transfers (denominator + in − out).
    adjusted: bool = False

    def name(self) -> Phrase:
        """The rate's name, kept as a phrase."""
        return Phrase(code=f"enrolment_rate.{self.key}.name", params=self.params)

    def label(self, lang: Lang) -> str:
        """The rate's name in `lang`."""
        return self.name().word(lang)

    def short(self, lang: Lang) -> str:
        """The rate's row label in tables, in `lang`."""
        return t(f"enrolment_rate.{self.key}.short", lang, **self.params)

    def numerator(self, lang: Lang) -> str:
        """What the numerator counts, in `lang`."""
        if self.grades is not None:
            return t("enrolment.part.grade_now", lang, grade=_grade(self.grades[0]))
        return t(f"enrolment.part.{self.numerator_part}", lang)

    def denominator(self, lang: Lang) -> str:
        """What the denominator counts, in `lang`."""
        if self.grades is not None:
            part = "grade_before_adjusted" if self.adjusted else "grade_before"
            return t(f"enrolment.part.{part}", lang, grade=_grade(self.grades[1]),
                     lag=self.grades[2])
        return t(f"enrolment.part.{self.denominator_part}", lang)


_GRADE_ZH = "一二三四五六七八九"
_COLUMN_ZH = {spec.name: spec.zh for spec in SCHOOLS.columns}


def _grade(grade: int) -> dict[str, Any]:
    """A grade's number as each language writes it: 六 / 6."""
    return {"zh": _GRADE_ZH[grade - 1], "en": grade}


def _retention(key: str, top: int, first: int, adjusted: bool, **params: Any
               ) -> list[RateSpec]:
    """A retention rate, and with `adjusted` the same adjusted for the cohort's transfers."""
    plain = RateSpec(key=key, grades=(top, first, top - first), params=params)
    if not adjusted:
        return [plain]
    return [plain, RateSpec(key=f"{key}_adjusted", grades=(top, first, top - first),
                            params=params, adjusted=True)]


def _dropout(key: str) -> RateSpec:
    return RateSpec(key=key, numerator_part=key.replace("_rate", "s"),
                    denominator_part=key.replace("dropout_rate", "students_before"))


def rate_specs(system: System, adjusted: bool = False) -> list[RateSpec]:
    """The rates of SPEC §5 under a school system, in report order; with `adjusted`, the
    retention rates adjusted for the cohort's transfers too."""
    primary, junior = SYSTEM_GRADES[system]["primary"], SYSTEM_GRADES[system]["junior"]
    junior_years = len(junior)
    return [
        RateSpec(key="primary_net_enrolment_rate", numerator_part="of_age_enrolled",
                 denominator_part="primary_age_population"),
        RateSpec(key="primary_gross_enrolment_rate", numerator_part="primary_students",
                 denominator_part="primary_age_population"),
        RateSpec(key="junior_gross_enrolment_rate", numerator_part="junior_students",
                 denominator_part="junior_age_population"),
        *_retention("nine_year_retention_rate", 9, 1, adjusted),
        *_retention("primary_retention_rate", primary[-1], primary[0], adjusted),
        *_retention("junior_retention_rate", junior[-1], junior[0], adjusted,
                    years={"zh": "三" if junior_years == 3 else "四", "en": junior_years}),
        _dropout("primary_dropout_rate"),
        _dropout("junior_dropout_rate"),
        _dropout("dropout_rate"),
    ]


class RateResult(BaseModel):
    """One rate of one county and year; `value` is None when it cannot be computed."""

    key: str
    name: Phrase
    value: float | None
    numerator: int | None
    denominator: int | None
    minimum: float | None = None
    meets: bool | None = None
    over_100: bool = False
    reason: str | None = None  # code of the first reason it is not computable
    # The notes worded and joined in the JSON (null when none); `notes` keeps them as codes.
    note: JoinedPhrases = None
    notes: list[tuple[str, dict[str, Any]]] = Field(default_factory=list, exclude=True)


class EnrolmentResult(BaseModel):
    """Every rate of one county and year."""

    county: str | None
    year: int | None
    rates: list[RateResult]


class EnrolmentReport(Report):
    """Everything `edustat enrolment` computes; `to_dict()` gives the documented JSON."""

    json_from_dict = True

    system: System
    results: list[EnrolmentResult]
    # Whether the rates include the `…_adjusted` retention rates (not a JSON field: the keys
    # themselves say it).
    adjusted: bool = Field(default=False, exclude=True)

    def specs(self) -> list[RateSpec]:
        """The specs of the rates each result holds, in the same order."""
        return rate_specs(self.system, adjusted=self.adjusted)

    def to_rows(self, lang: Lang = "zh") -> list[dict[str, Any]]:
        """One flat record per (county, year, rate), for CSV and XLSX."""
        return [{"system": self.system, "county": result.county, "year": result.year,
                 **rate.model_dump(context={"lang": lang})}
                for result in self.results for rate in result.rates]

    def sheets(self, lang: Lang = "zh") -> Sheets:
        """One table: every rate of every county and year."""
        return {"enrolment": self.to_rows(lang)}

    def failed(self) -> bool:
        """True when a computed rate is below its minimum."""
        return any(rate.meets is False for result in self.results for rate in result.rates)


def check_minimum_keys(norms: Norms) -> list[str]:
    """Keys of `rate_minimums` in a standards file that name no rate of SPEC §5."""
    return [key for key in norms.rate_minimums if key not in RATE_KEYS]


# ---------------------------------------------------------------------------------------------
# Rates

@dataclass
class _Part:
    """A numerator or denominator: its value, or the notes on why it is missing."""

    value: float | None
    notes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


class _Context:
    """What computing one county and year needs: all sums and the population."""

    def __init__(self, totals: dict[CountyYear, CountyTotals],
                 population: dict[CountyYear, dict[str, float]] | None) -> None:
        self.totals = totals
        self.population = population
        # Phrases made once per run: 2 850 counties share nine rate names and, without a
        # population table, the same few notes (see `_rate`).
        self.names: dict[str, Phrase] = {}
        self.notes: dict[str, list[Phrase]] = {}

    def column_name(self, column: str) -> dict[str, str]:
        """A column as each language's note names it: its Chinese header, its canonical name."""
        # Derived columns (cohort_transfers_in@primary) are named after their input column.
        column = column.split("@")[0]
        return {"zh": _COLUMN_ZH[column], "en": column}

    def place(self, county: str | None, year: int | None) -> dict[str, str]:
        """A county and year as each language's note writes them."""
        return {"zh": f"{county or ''} {year} 年".strip(),
                "en": f"{county} {year}" if county else str(year)}

    def column_sum(self, key: CountyYear, column: str) -> _Part:
        """A column summed over the county's schools, or why it cannot be."""
        totals = self.totals[key]
        if totals.present[column] and not totals.missing[column]:
            return _Part(totals.sums[column])
        year = key[1]
        column_name = self.column_name(column)
        if not totals.present[column]:  # a table with no year is named without one, not "? 年"
            return _Part(None, [("no_column", {"column": column_name, "year": _year_words(
                year, "note.enrolment.in_year")})])
        return _Part(None, [("blank_cells", {"column": column_name, "count": totals.missing[column],
                                             "year": _year_words(year,
                                                                 "note.enrolment.in_year_blank")})])

    def age_population(self, key: CountyYear, column: str) -> _Part:
        """The school-age population: the population table first, else the schools' sum."""
        county, year = key
        if self.population is not None and year is not None:
            figures = self.population.get(key, {})
            if column in figures:
                return _Part(figures[column])
        from_schools = self.column_sum(key, column)
        if self.population is None:
            if from_schools.notes and from_schools.notes[0][0] == "no_column":
                return _Part(None, [("no_population", {"column": self.column_name(column)})])
            return from_schools
        if from_schools.value is not None:
            return _Part(from_schools.value, [("population_from_schools", {})])
        not_in_table = ("not_in_population", {"column": self.column_name(column),
                                               "place": self.place(county, year)})
        return _Part(None, [not_in_table, *from_schools.notes])

    def earlier_sum(self, key: CountyYear, column: str, lag: int,
                    no_table: str = "no_table") -> _Part:
        """A column's county total `lag` years before this one."""
        county, year = key
        if year is None:
            return _Part(None, [("no_year", {})])
        earlier = (county, year - lag)
        if earlier not in self.totals:
            return _Part(None, [(no_table, {"year": year - lag})])
        return self.column_sum(earlier, column)

    def earlier_grade(self, key: CountyYear, grade: int, lag: int) -> _Part:
        """A grade's county total `lag` years before this one."""
        return self.earlier_sum(key, grade_column(grade), lag)

    def net_transfers(self, key: CountyYear, kind: str, lag: int = 0) -> _Part:
        """Σ (transfers in − out) of the cohorts graduating from one kind of school."""
        parts = [self.earlier_sum(key, f"cohort_transfers_{way}@{kind}", lag)
                 for way in ("in", "out")]
        return _combine(parts, (1, -1))

    def mixed_schools(self, key: CountyYear, stage: str) -> int:
        """Nine- and twelve-year schools of this county and year with pupils in `stage`."""
        return int(self.totals[key].sums.get(f"mixed@{stage}", 0))


def _combine(parts: list[_Part], signs: tuple[int, ...]) -> _Part:
    """A signed sum of parts, or every reason any of them lacks."""
    if any(part.value is None for part in parts):
        notes = [note for part in parts for note in part.notes]
        # Two parts missing for one reason (no 2013 table for either stage) say it once.
        return _Part(None, [note for i, note in enumerate(notes) if note not in notes[:i]])
    return _Part(sum(sign * (part.value or 0.0) for sign, part in zip(signs, parts,
                                                                         strict=True)))


def _adjusted_denominator(spec: RateSpec, ctx: _Context, key: CountyYear,
                          system: System) -> _Part:
    """grade first (Y − lag) + the cohort's transfers in − out (SPEC §5).

    A school's pair of transfer columns is its graduating cohort's since that cohort entered the
    school: a primary school's top primary grade since grade 1, a junior school's grade 9 since
    its first junior grade, a nine- or twelve-year school's grade 9 since grade 1. So the nine-year
    cohort's transfers are its junior and mixed schools' pairs this year plus the primary schools'
    pairs of the year it left primary; the stage rates cannot use a mixed school's pair.
    """
    _, first, lag = spec.grades or (0, 0, 0)
    base = ctx.earlier_grade(key, first, lag)
    if spec.key.startswith("nine_year"):
        primary_top = SYSTEM_GRADES[system]["primary"][-1]
        transfers = _combine([ctx.net_transfers(key, "junior"), ctx.net_transfers(key, "both"),
                              ctx.net_transfers(key, "primary", 9 - primary_top)], (1, 1, 1))
    else:
        stage = "primary" if spec.key.startswith("primary") else "junior"
        mixed = ctx.mixed_schools(key, stage)
        if mixed:
            return _Part(None, [("transfers_mixed", {"count": mixed})])
        transfers = ctx.net_transfers(key, stage)
    return _combine([base, transfers], (1, 1))


def _dropout_parts(stages: tuple[str, ...], ctx: _Context, key: CountyYear
                   ) -> tuple[_Part, _Part]:
    """Dropouts reported this year over the stages' enrolment of the year before (SPEC §5)."""
    ones = (1,) * len(stages)
    dropouts = _combine([ctx.column_sum(key, f"{stage}_dropouts") for stage in stages], ones)
    enrolled = _combine([ctx.earlier_sum(key, f"{stage}_students", 1, "no_previous_table")
                         for stage in stages], ones)
    return dropouts, enrolled


def _parts(spec: RateSpec, ctx: _Context, key: CountyYear, system: System
           ) -> tuple[_Part, _Part]:
    """The numerator and denominator of one rate for one county and year."""
    if spec.grades is not None:
        top, first, lag = spec.grades
        if spec.adjusted:
            return (ctx.column_sum(key, grade_column(top)),
                    _adjusted_denominator(spec, ctx, key, system))
        return ctx.column_sum(key, grade_column(top)), ctx.earlier_grade(key, first, lag)
    if spec.key == "primary_net_enrolment_rate":
        return (ctx.column_sum(key, "primary_age_enrolled"),
                ctx.age_population(key, "primary_age_population"))
    if spec.key == "primary_gross_enrolment_rate":
        return (ctx.column_sum(key, "primary_students"),
                ctx.age_population(key, "primary_age_population"))
    if spec.key == "junior_gross_enrolment_rate":
        return (ctx.column_sum(key, "junior_students"),
                ctx.age_population(key, "junior_age_population"))
    if spec.key == "primary_dropout_rate":
        return _dropout_parts(("primary",), ctx, key)
    if spec.key == "junior_dropout_rate":
        return _dropout_parts(("junior",), ctx, key)
    if spec.key == "dropout_rate":
        return _dropout_parts(("primary", "junior"), ctx, key)
    raise KeyError(spec.key)  # pragma: no cover - rate_specs lists only the keys above


def _count(value: float | None) -> int | None:
    return None if value is None else int(round(value))


class Rate(NamedTuple):
    """One rate of one county and year as computed: what a RateResult and a figure show."""

    key: str
    name: Phrase
    value: float | None
    numerator: float | None
    denominator: float | None
    over_100: bool
    notes: list[tuple[str, dict[str, Any]]]  # codes and parameters
    note: list[Phrase] | None  # the same as phrases (None when there are none)


def _rate(spec: RateSpec, ctx: _Context, key: CountyYear, system: System) -> Rate:
    numerator, denominator = _parts(spec, ctx, key, system)
    notes = numerator.notes + denominator.notes
    value = None
    if numerator.value is not None and denominator.value is not None:
        if denominator.value == 0:
            notes.append(("zero_denominator", {}))
        else:
            value = numerator.value / denominator.value
    over_100 = value is not None and bool(above(value, 1.0))
    if over_100:
        notes.append(("over_100_gross" if "gross" in spec.key else "over_100", {}))
    name = ctx.names.get(spec.key)
    if name is None:
        name = ctx.names[spec.key] = spec.name()
    phrases = None
    if notes:
        # The repr of codes and parameters names the words: equal reprs, equal phrases.
        written = repr(notes)
        phrases = ctx.notes.get(written)
        if phrases is None:
            phrases = ctx.notes[written] = [
                Phrase(code=f"note.enrolment.{code}", params=params) for code, params in notes]
    return Rate(spec.key, name, value, numerator.value, denominator.value, over_100, notes,
                phrases)


def _result(rate: Rate, norms: Norms) -> RateResult:
    """A computed rate with its minimum and verdict, as the enrolment report shows it."""
    minimum = norms.rate_minimums.get(rate.key)
    value = rate.value
    meets = None if minimum is None or value is None else bool(at_least(value, minimum))
    reasons = [code for code, _ in rate.notes if code not in FLAG_CODES]
    return RateResult(key=rate.key, name=rate.name, value=value,
                      numerator=_count(rate.numerator), denominator=_count(rate.denominator),
                      minimum=minimum, meets=meets, over_100=rate.over_100,
                      reason=reasons[0] if value is None and reasons else None,
                      note=rate.note, notes=rate.notes)


@dataclass
class CountyRates:
    """Every rate of each county and year, in county and year order (what `edustat figures`
    lists; `compute_enrolment` makes the enrolment report of the same rates)."""

    adjusted: bool  # the `…_adjusted` retention rates are among them
    places: list[tuple[str | None, int | None, list[Rate]]]
    problems: list[Problem] = field(default_factory=list)


def county_rates(schools: pd.DataFrame, missing: dict[str, np.ndarray],
                 present: dict[str, np.ndarray], population: pd.DataFrame | None,
                 system: System) -> CountyRates:
    """Every rate of SPEC §5 for each county and year of the school tables, as computed.

    `missing` marks, per column, the schools whose stages need a value they do not have;
    `present` marks the schools whose file has the column at all (for the reason's wording).
    """
    # The adjusted retention rates come only where a table gives the cohort's transfers: the
    # derived columns of edustat.enrolment_inputs are then among the columns.
    adjusted = TRANSFER_MARK in missing
    if schools.empty:
        return CountyRates(adjusted, [])
    totals = county_totals(schools, missing, present)
    counties = {county for county, _ in totals}
    ctx = _Context(totals, population_lookup(population, counties)
                   if population is not None else None)
    specs = rate_specs(system, adjusted=adjusted)
    places = sorted(totals, key=lambda p: (p[0] is None, p[0] or "", p[1] is None, p[1] or 0))
    return CountyRates(adjusted, [(county, year, [_rate(spec, ctx, (county, year), system)
                                                  for spec in specs])
                                  for county, year in places])


def compute_enrolment(schools: pd.DataFrame, missing: dict[str, np.ndarray],
                      present: dict[str, np.ndarray], population: pd.DataFrame | None,
                      system: System, norms: Norms) -> EnrolmentReport:
    """Every rate of SPEC §5 for each county and year of the school tables, against the
    minimums of `norms` (`missing` and `present` as `county_rates` takes them)."""
    rates = county_rates(schools, missing, present, population, system)
    results = [EnrolmentResult(county=county, year=year,
                               rates=[_result(rate, norms) for rate in computed])
               for county, year, computed in rates.places]
    return EnrolmentReport(system=system, results=results, adjusted=rates.adjusted)


@cache  # one phrase per year and wording: a national file asks for it per county and column
def _year_words(year: int | None, code: str) -> Phrase | str:
    """A note's year ("2022 年"), or nothing for a table that has none."""
    return Phrase(code=code, params={"year": year}) if year is not None else ""
