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

from edustat.norms import Norms
from edustat.problems import Lang, worded
from edustat.results import Report
from edustat.schema import SCHOOLS, SYSTEM_GRADES, grade_column
from edustat.verdicts import above, at_least

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

System = Literal["6-3", "5-4"]

RATE_KEYS = ("primary_net_enrolment_rate", "primary_gross_enrolment_rate",
             "junior_gross_enrolment_rate", "nine_year_retention_rate", "primary_retention_rate",
             "junior_retention_rate", "dropout_rate")

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

    def label(self, lang: Lang) -> str:
        """The rate's name in `lang`."""
        return self.zh if lang == "zh" else self.en

    def short(self, lang: Lang) -> str:
        """The rate's row label in tables, in `lang`."""
        return self.zh if lang == "zh" else self.short_en

    def numerator(self, lang: Lang) -> str:
        """What the numerator counts, in `lang`."""
        return self.numerator_zh if lang == "zh" else self.numerator_en

    def denominator(self, lang: Lang) -> str:
        """What the denominator counts, in `lang`."""
        return self.denominator_zh if lang == "zh" else self.denominator_en


_GRADE_ZH = "一二三四五六七八九"
_COLUMN_ZH = {spec.name: spec.zh for spec in SCHOOLS.columns}


def _retention(key: str, zh: str, en: str, short_en: str, top: int, first: int) -> RateSpec:
    lag = top - first
    return RateSpec(key=key, zh=zh, en=en, short_en=short_en,
                    numerator_zh=f"{_GRADE_ZH[top - 1]}年级(当年)",
                    numerator_en=f"grade {top} (Y)",
                    denominator_zh=f"{_GRADE_ZH[first - 1]}年级({lag}年前)",
                    denominator_en=f"grade {first} (Y−{lag})",
                    grades=(top, first, lag))


def rate_specs(system: System) -> list[RateSpec]:
    """The rates of SPEC §5 under a school system, in report order."""
    primary, junior = SYSTEM_GRADES[system]["primary"], SYSTEM_GRADES[system]["junior"]
    junior_years = len(junior)
    junior_zh = f"初中{'三' if junior_years == 3 else '四'}年巩固率"
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
        _retention("nine_year_retention_rate", "九年义务教育巩固率", "nine-year retention rate",
                   "9-year retention", 9, 1),
        _retention("primary_retention_rate", "小学巩固率", "primary retention rate",
                   "primary retention", primary[-1], primary[0]),
        _retention("junior_retention_rate", junior_zh,
                   f"junior retention rate ({junior_years} years)",
                   f"junior retention ({junior_years}y)", junior[-1], junior[0]),
        RateSpec(key="dropout_rate", zh="辍学率", en="dropout rate", short_en="dropout rate",
                 numerator_zh="辍学学生", numerator_en="dropouts",
                 denominator_zh="义务教育在校生", denominator_en="primary+junior"),
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
# County sums

CountyYear = tuple[str | None, int | None]


@dataclass
class CountyTotals:
    """Sums of one county and year: per column the total, schools lacking it, files having it."""

    sums: dict[str, float] = field(default_factory=dict)
    missing: dict[str, int] = field(default_factory=dict)
    present: dict[str, int] = field(default_factory=dict)


def _key(county: Any, year: Any) -> CountyYear:
    county = None if county is None or county != county else str(county)
    year = None if year is None or year != year else int(year)
    return county, year


def county_totals(schools: pd.DataFrame, missing: dict[str, np.ndarray],
                  present: dict[str, np.ndarray]) -> dict[CountyYear, CountyTotals]:
    """Per (county, year): each column's sum over the schools, and how complete it is."""
    import numpy as np
    import pandas as pd

    columns = list(missing)
    data: dict[str, Any] = {
        "county": schools["county"].astype(object),
        "year": schools["year"].to_numpy(dtype=float),
    }
    for column in columns:
        data[column] = np.nan_to_num(schools[column].to_numpy(dtype=float))
        data[f"{column} missing"] = missing[column].astype(int)
        data[f"{column} present"] = present[column].astype(int)
    frame = pd.DataFrame(data)
    # dropna=False keeps schools without a county (or year) together instead of dropping them.
    summed = frame.groupby(["county", "year"], dropna=False, sort=False).sum()
    sums = {c: summed[c].to_numpy(dtype=float).tolist() for c in columns}
    missing_counts = {c: summed[f"{c} missing"].to_numpy().tolist() for c in columns}
    present_counts = {c: summed[f"{c} present"].to_numpy().tolist() for c in columns}
    totals: dict[CountyYear, CountyTotals] = {}
    for i, (county, year) in enumerate(summed.index):
        totals[_key(county, year)] = CountyTotals(
            sums={c: sums[c][i] for c in columns},
            missing={c: missing_counts[c][i] for c in columns},
            present={c: present_counts[c][i] for c in columns})
    return totals


def population_lookup(population: pd.DataFrame | None, counties: set[str | None]
                      ) -> dict[CountyYear, dict[str, float]]:
    """Population figures by (county, year); blank cells are left out (they are not 0).

    A table without a county column is "the whole file" (SPEC §2.1): when one side has no
    county and the other holds one county only, they are the same county.
    """
    if population is None:
        return {}
    out: dict[CountyYear, dict[str, float]] = {}
    table_counties = {_key(c, None)[0] for c in population["county"]}
    same = (len(table_counties) == 1 and len(counties) == 1
            and None in (table_counties | counties))
    school_county = next(iter(counties)) if same else None
    for record in population.to_dict("records"):
        county, year = _key(record["county"], record["year"])
        if same:
            county = school_county
        if year is None:
            continue
        figures = {c: float(record[c]) for c in ("primary_age_population",
                                                 "junior_age_population")
                   if record.get(c) is not None and record[c] == record[c]}
        out[(county, year)] = figures
    return out


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

    def earlier_grade(self, key: CountyYear, grade: int, lag: int) -> _Part:
        """A grade's county total `lag` years before this one."""
        county, year = key
        if year is None:
            return _Part(None, [("no_year", {})])
        earlier = (county, year - lag)
        if earlier not in self.totals:
            return _Part(None, [("no_table", {"year": year - lag})])
        return self.column_sum(earlier, grade_column(grade))


def _students(ctx: _Context, key: CountyYear) -> _Part:
    primary = ctx.column_sum(key, "primary_students")
    junior = ctx.column_sum(key, "junior_students")
    if primary.value is None or junior.value is None:
        return _Part(None, primary.notes + junior.notes)
    return _Part(primary.value + junior.value)


def _parts(spec: RateSpec, ctx: _Context, key: CountyYear) -> tuple[_Part, _Part]:
    """The numerator and denominator of one rate for one county and year."""
    if spec.grades is not None:
        top, first, lag = spec.grades
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
    if spec.key == "dropout_rate":
        return ctx.column_sum(key, "dropouts"), _students(ctx, key)
    raise KeyError(spec.key)  # pragma: no cover - rate_specs lists only the keys above


def _count(value: float | None) -> int | None:
    return None if value is None else int(round(value))


def _rate(spec: RateSpec, ctx: _Context, key: CountyYear, norms: Norms) -> RateResult:
    numerator, denominator = _parts(spec, ctx, key)
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
    if schools.empty:
        return EnrolmentReport(system=system, results=[])
    totals = county_totals(schools, missing, present)
    counties = {county for county, _ in totals}
    ctx = _Context(totals, population_lookup(population, counties)
                   if population is not None else None, lang)
    specs = rate_specs(system)
    results = [EnrolmentResult(county=county, year=year,
                               rates=[_rate(spec, ctx, (county, year), norms) for spec in specs])
               for county, year in totals]
    results.sort(key=lambda r: (r.county is None, r.county or "", r.year is None, r.year or 0))
    return EnrolmentReport(system=system, results=results)
