"""Computing the rates of SPEC §5 for each county and year from the county sums.

A numerator or denominator is a `_Part`: its value, or the notes on why it is missing (no
column, blank cells, no table of the year it needs). A rate whose parts are missing is not
computable, with the reasons; one above 100% is kept and flagged. `county_rates` gives the rates
as computed (what `edustat figures` lists); `compute_enrolment` holds them to the minimums.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

from edustat.enrolment.rates import FLAG_CODES, TRANSFER_MARK, RateSpec, System, rate_specs
from edustat.enrolment.report import EnrolmentReport, EnrolmentResult, RateResult
from edustat.enrolment_inputs import (
    CountyTotals,
    CountyYear,
    county_totals,
    population_lookup,
)
from edustat.norms import Norms
from edustat.problems import Problem
from edustat.results import Phrase
from edustat.schema import SCHOOLS, SYSTEM_GRADES, grade_column
from edustat.verdicts import above, at_least

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

_COLUMN_ZH = {spec.name: spec.zh for spec in SCHOOLS.columns}


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
