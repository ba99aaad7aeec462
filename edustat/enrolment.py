"""Enrolment, retention and dropout rates per county and year (SPEC §5, §7.2).

Every rate is a ratio of county sums: enrolment over the school-age population of the same year,
a cohort's last grade this year over its first grade some years before (retention), dropouts over
compulsory students. A rate whose inputs are missing is reported as not computable with the
reason, never as 0; a rate above 100% is shown as computed and flagged (in-migration).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from edustat.enrolment_inputs import (
    CountyTotals,
    CountyYear,
    county_totals,
    population_lookup,
)
from edustat.norms import Norms
from edustat.problems import Lang, worded
from edustat.results import Report
from edustat.schema import SCHOOLS, SYSTEM_GRADES, grade_column
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

# Reasons a rate cannot be computed, and flags on one that can. Parameters are filled per language
# ({column} is the column's Chinese header in zh, its canonical name in en).
NOTES: dict[str, tuple[str, str]] = {
    "no_year": ("学校表没有年份（无年份列，文件名中也没有四位年份），无法跨年计算",
                "the school table has no year (no year column, no 4-digit year in the file "
                "name), so no earlier year can be matched"),
    "no_table": ("没有 {year} 年的学校表", "no school table for {year}"),
    "no_column": ("{year} 年学校表中没有“{column}”列", "the {year} school table has no column "
                  "{column}"),
    "blank_cells": ("{year} 年有 {count} 所学校缺少“{column}”（空白不按 0 计）",
                    "{count} schools have no {column} in {year} (a blank is not taken as 0)"),
    "no_population": ("没有“{column}”：学校表中没有该列，也未用 --population 给出人口表",
                      "no {column}: the school table has no such column and no population "
                      "table was given (--population)"),
    "not_in_population": ("人口表中没有{place}的“{column}”", "the population table has no "
                          "{column} for {place}"),
    "population_from_schools": ("适龄人口取自学校表各校合计（人口表中没有该年份）",
                                "school-age population summed from the school table (the "
                                "population table has no figure for that year)"),
    "zero_denominator": ("分母为 0", "the denominator is 0"),
    # 辍学率 = 学年内辍学学生数 ÷ 上学年初在校生数 (SPEC §5): the previous table is the denominator.
    "no_previous_table": ("没有 {year} 年的学校表（辍学率的分母是上学年即 {year} 年的在校生数）",
                          "no school table for {year} (a dropout rate's denominator is the "
                          "enrolment at the start of the school year, in the {year} table)"),
    # A nine- or twelve-year school's one pair of transfer columns is its grade-9 cohort's since
    # grade 1: it says nothing of its grade-6 cohort, nor of the junior years alone.
    "transfers_mixed": ("有 {count} 所九年一贯制/十二年一贯制学校：其“该届累计转入/转出”是九年级一届自一年级以来的，"
                        "不能用于本比率",
                        "nine- or twelve-year schools: {count}; their cohort transfers are their "
                        "grade-9 cohort's since grade 1, which do not serve this rate"),
    "over_100": ("超过 100%：可能有外地迁入（按实际计算，不封顶）",
                 "above 100%: likely in-migration (shown as computed, not capped)"),
    # A gross rate counts pupils of any age: above 100% is common and is not in-migration alone.
    "over_100_gross": ("超过 100%：在校生含超龄、低龄或外地学生（按实际计算，不封顶）",
                       "above 100%: students include over-age, under-age or incoming pupils "
                       "(shown as computed, not capped)"),
}
# Notes that leave the rate computable (the rest are reasons it is not).
FLAG_CODES = frozenset({"over_100", "over_100_gross", "population_from_schools"})


@dataclass(frozen=True)
class RateSpec:
    """One rate of SPEC §5: its names, and what its numerator and denominator count."""

    key: str
    zh: str
    en: str
    short_en: str  # row label of English tables, where the full names would not fit
    numerator_zh: str
    numerator_en: str
    denominator_zh: str
    denominator_en: str
    # Retention only: the numerator grade this year over the denominator grade `lag` years before.
    grades: tuple[int, int, int] | None = None
    # Retention adjusted for the cohort's transfers (denominator + in − out).
    adjusted: bool = False
    short_zh: str | None = None  # row label of Chinese tables when the name is too long

    def label(self, lang: Lang) -> str:
        """The rate's name in `lang`."""
        return self.zh if lang == "zh" else self.en

    def short(self, lang: Lang) -> str:
        """The rate's row label in tables, in `lang`."""
        return (self.short_zh or self.zh) if lang == "zh" else self.short_en

    def numerator(self, lang: Lang) -> str:
        """What the numerator counts, in `lang`."""
        return self.numerator_zh if lang == "zh" else self.numerator_en

    def denominator(self, lang: Lang) -> str:
        """What the denominator counts, in `lang`."""
        return self.denominator_zh if lang == "zh" else self.denominator_en


_GRADE_ZH = "一二三四五六七八九"
_COLUMN_ZH = {spec.name: spec.zh for spec in SCHOOLS.columns}


def _retention(key: str, zh: str, en: str, short_en: str, top: int, first: int,
               adjusted: bool = False) -> RateSpec:
    lag = top - first
    short_zh = None
    if adjusted:
        key, zh, en, short_en, short_zh = (
            f"{key}_adjusted", f"{zh}（按转入转出调整）", f"{en}, adjusted for transfers",
            f"{short_en} adj.", f"{zh.replace('九年义务教育', '义务教育')}（调整）")
    plus_zh, plus_en = ("+转入−转出", " + in − out") if adjusted else ("", "")
    return RateSpec(key=key, zh=zh, en=en, short_en=short_en, short_zh=short_zh,
                    numerator_zh=f"{_GRADE_ZH[top - 1]}年级(当年)",
                    numerator_en=f"grade {top} (Y)",
                    denominator_zh=f"{_GRADE_ZH[first - 1]}年级({lag}年前){plus_zh}",
                    denominator_en=f"grade {first} (Y−{lag}){plus_en}",
                    grades=(top, first, lag), adjusted=adjusted)


def _dropout(key: str, zh: str, en: str, stage_zh: str) -> RateSpec:
    return RateSpec(key=key, zh=zh, en=en, short_en=en,
                    numerator_zh=f"{stage_zh}辍学学生(当年表)", numerator_en="dropouts (Y)",
                    denominator_zh=f"{stage_zh}在校生(上年表)",
                    denominator_en="students (Y−1)")


def rate_specs(system: System, adjusted: bool = False) -> list[RateSpec]:
    """The rates of SPEC §5 under a school system, in report order; with `adjusted`, the
    retention rates adjusted for the cohort's transfers too."""
    primary, junior = SYSTEM_GRADES[system]["primary"], SYSTEM_GRADES[system]["junior"]
    junior_years = len(junior)
    junior_zh = f"初中{'三' if junior_years == 3 else '四'}年巩固率"
    retention = [
        ("nine_year_retention_rate", "九年义务教育巩固率", "nine-year retention rate",
         "9-year retention", 9, 1),
        ("primary_retention_rate", "小学巩固率", "primary retention rate",
         "primary retention", primary[-1], primary[0]),
        ("junior_retention_rate", junior_zh, f"junior retention rate ({junior_years} years)",
         f"junior retention ({junior_years}y)", junior[-1], junior[0]),
    ]
    retention_specs = [spec for args in retention
                       for spec in ([_retention(*args), _retention(*args, adjusted=True)]
                                    if adjusted else [_retention(*args)])]
    return [
        RateSpec(key="primary_net_enrolment_rate", zh="小学适龄儿童入学率",
                 en="primary net enrolment rate", short_en="primary NER",
                 numerator_zh="在校适龄儿童", numerator_en="of-age enrolled",
                 denominator_zh="小学适龄人口", denominator_en="age population"),
        RateSpec(key="primary_gross_enrolment_rate", zh="小学毛入学率",
                 en="primary gross enrolment rate", short_en="primary GER",
                 numerator_zh="小学在校生", numerator_en="students",
                 denominator_zh="小学适龄人口", denominator_en="age population"),
        RateSpec(key="junior_gross_enrolment_rate", zh="初中毛入学率",
                 en="junior gross enrolment rate", short_en="junior GER",
                 numerator_zh="初中在校生", numerator_en="students",
                 denominator_zh="初中适龄人口", denominator_en="age population"),
        *retention_specs,
        _dropout("primary_dropout_rate", "小学辍学率", "primary dropout rate", "小学"),
        _dropout("junior_dropout_rate", "初中辍学率", "junior dropout rate", "初中"),
        _dropout("dropout_rate", "义务教育辍学率", "dropout rate", "义务教育"),
    ]


class RateResult(BaseModel):
    """One rate of one county and year; `value` is None when it cannot be computed."""

    key: str
    name: str
    value: float | None
    numerator: int | None
    denominator: int | None
    minimum: float | None = None
    meets: bool | None = None
    over_100: bool = False
    reason: str | None = None  # code of the first reason it is not computable
    note: str | None = None
    notes: list[tuple[str, dict[str, Any]]] = Field(default_factory=list, exclude=True)


class EnrolmentResult(BaseModel):
    """Every rate of one county and year."""

    county: str | None
    year: int | None
    rates: list[RateResult]


class EnrolmentReport(Report):
    """Everything `edustat enrolment` computes; `to_dict()` gives the documented JSON."""

    system: System
    results: list[EnrolmentResult]
    # Whether the rates include the `…_adjusted` retention rates (not a JSON field: the keys
    # themselves say it).
    adjusted: bool = Field(default=False, exclude=True)

    def specs(self) -> list[RateSpec]:
        """The specs of the rates each result holds, in the same order."""
        return rate_specs(self.system, adjusted=self.adjusted)

    def to_rows(self) -> list[dict[str, Any]]:
        """One flat record per (county, year, rate), for CSV and XLSX."""
        return [{"system": self.system, "county": result.county, "year": result.year,
                 **rate.model_dump()}
                for result in self.results for rate in result.rates]


def note_text(code: str, lang: Lang, **params: Any) -> str:
    """A note worded in `lang`."""
    return worded(NOTES[code], lang, **params)


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
    """What computing one county and year needs: all sums, population, language."""

    def __init__(self, totals: dict[CountyYear, CountyTotals],
                 population: dict[CountyYear, dict[str, float]] | None, lang: Lang) -> None:
        self.totals = totals
        self.population = population
        self.lang = lang

    def column_name(self, column: str) -> str:
        # Derived columns (cohort_transfers_in@primary) are named after their input column.
        column = column.split("@")[0]
        return _COLUMN_ZH[column] if self.lang == "zh" else column

    def place(self, county: str | None, year: int | None) -> str:
        if self.lang == "zh":
            return f"{county or ''} {year} 年".strip()
        return f"{county} {year}" if county else str(year)

    def column_sum(self, key: CountyYear, column: str) -> _Part:
        """A column summed over the county's schools, or why it cannot be."""
        totals = self.totals[key]
        if totals.present[column] and not totals.missing[column]:
            return _Part(totals.sums[column])
        params = {"column": self.column_name(column), "year": key[1] if key[1] is not None
                  else "?"}
        if not totals.present[column]:
            return _Part(None, [("no_column", params)])
        return _Part(None, [("blank_cells", {**params, "count": totals.missing[column]})])

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


def _rate(spec: RateSpec, ctx: _Context, key: CountyYear, norms: Norms, system: System
          ) -> RateResult:
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
    minimum = norms.rate_minimums.get(spec.key)
    meets = None if minimum is None or value is None else bool(at_least(value, minimum))
    reasons = [code for code, _ in notes if code not in FLAG_CODES]
    separator = "；" if ctx.lang == "zh" else "; "
    text = separator.join(note_text(code, ctx.lang, **params) for code, params in notes)
    return RateResult(key=spec.key, name=spec.label(ctx.lang), value=value,
                      numerator=_count(numerator.value), denominator=_count(denominator.value),
                      minimum=minimum, meets=meets, over_100=over_100,
                      reason=reasons[0] if value is None and reasons else None,
                      note=text or None, notes=notes)


def compute_enrolment(schools: pd.DataFrame, missing: dict[str, np.ndarray],
                      present: dict[str, np.ndarray], population: pd.DataFrame | None,
                      system: System, norms: Norms, *, lang: Lang = "zh") -> EnrolmentReport:
    """Every rate of SPEC §5 for each county and year of the school tables.

    `missing` marks, per column, the schools whose stages need a value they do not have;
    `present` marks the schools whose file has the column at all (for the reason's wording).
    """
    # The adjusted retention rates come only where a table gives the cohort's transfers: the
    # derived columns of edustat.enrolment_inputs are then among the columns.
    adjusted = TRANSFER_MARK in missing
    if schools.empty:
        return EnrolmentReport(system=system, results=[], adjusted=adjusted)
    totals = county_totals(schools, missing, present)
    counties = {county for county, _ in totals}
    ctx = _Context(totals, population_lookup(population, counties)
                   if population is not None else None, lang)
    specs = rate_specs(system, adjusted=adjusted)
    results = [EnrolmentResult(county=county, year=year,
                               rates=[_rate(spec, ctx, (county, year), norms, system)
                                      for spec in specs])
               for county, year in totals]
    results.sort(key=lambda r: (r.county is None, r.county or "", r.year is None, r.year or 0))
    return EnrolmentReport(system=system, results=results, adjusted=adjusted)
