"""Exam pass and admission rates (高考上线率、本科升学率, 中考重点高中录取率), SPEC §6, §7.2.

Every rate is a count ÷ candidates. The county total is Σ counts ÷ Σ candidates over the county's
rows, never a mean of school rates. With tables of several years, each rate also gets its change
from the year before (Y − 1 exactly), as a difference of fractions (0.039 = 3.9 percentage points).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from edustat.problems import Lang, worded
from edustat.results import Report
from edustat.schema import EXAM_CATEGORIES

if TYPE_CHECKING:
    import pandas as pd

EXAMS_ORDER = tuple(EXAM_CATEGORIES)  # gaokao before zhongkao


class ExamRate(BaseModel):
    """One rate: which exam, which counts it adds up, and its names."""

    model_config = ConfigDict(frozen=True)

    key: str
    exam: str
    parts: tuple[str, ...]  # count columns added up for the numerator
    zh: str
    en: str
    short_zh: str
    short_en: str
    summary: bool = False  # the headline rate of its exam (本科升学率, 重点高中录取率)

    def label(self, lang: str) -> str:
        """The rate's name in `lang`."""
        return self.zh if lang == "zh" else self.en

    def short(self, lang: str) -> str:
        """A short column header in `lang`."""
        return self.short_zh if lang == "zh" else self.short_en


RATES: tuple[ExamRate, ...] = (
    ExamRate(key="tier1_rate", exam="gaokao", parts=("tier1",), zh="一本上线率",
             en="tier-1 pass rate", short_zh="一本", short_en="tier 1"),
    ExamRate(key="tier2_rate", exam="gaokao", parts=("tier2",), zh="二本上线率",
             en="tier-2 pass rate", short_zh="二本", short_en="tier 2"),
    ExamRate(key="arts_sports_rate", exam="gaokao", parts=("arts_sports",), zh="艺体类上线率",
             en="arts/sports pass rate", short_zh="艺体", short_en="arts/sports"),
    ExamRate(key="undergrad_rate", exam="gaokao", parts=EXAM_CATEGORIES["gaokao"],
             zh="本科升学率", en="undergraduate rate", short_zh="本科", short_en="undergrad",
             summary=True),
    ExamRate(key="key_unified_rate", exam="zhongkao", parts=("key_unified",), zh="统招录取率",
             en="unified admission rate", short_zh="统招", short_en="unified"),
    ExamRate(key="key_quota_rate", exam="zhongkao", parts=("key_quota",), zh="分招录取率",
             en="quota admission rate", short_zh="分招", short_en="quota"),
    ExamRate(key="key_specialty_rate", exam="zhongkao", parts=("key_specialty",),
             zh="特长生录取率", en="specialty admission rate", short_zh="特长生",
             short_en="specialty"),
    ExamRate(key="key_admission_rate", exam="zhongkao", parts=EXAM_CATEGORIES["zhongkao"],
             zh="重点高中录取率", en="key high school admission rate", short_zh="重点高中",
             short_en="key HS", summary=True),
)
RATE_BY_KEY: dict[str, ExamRate] = {rate.key: rate for rate in RATES}

NOTES: dict[str, tuple[str, str]] = {
    "no_previous_county": ("无 {previous} 年数据，无法与上年比较",
                           "no {previous} data: no change from the year before"),
    "no_previous_school": ("{previous} 年无该校数据，无法与上年比较",
                           "no {previous} data for this school: no change from the year before"),
}


def rates_for(exam: str) -> list[ExamRate]:
    """The rates of one exam, headline rate last."""
    return [rate for rate in RATES if rate.exam == exam]


def note_text(code: str, lang: Lang, **params: Any) -> str:
    """A result note worded in `lang`."""
    return worded(NOTES[code], lang, **params)


class RateValue(BaseModel):
    """One rate of one county or school: the count, count ÷ candidates, change from last year."""

    key: str
    count: int
    value: float
    change: float | None = None  # value − last year's value (a fraction: 0.039 = 3.9 points)
    # Last year's exact figures, so that tables can round the change exactly; not in the JSON.
    previous_count: int | None = Field(default=None, exclude=True)
    previous_candidates: int | None = Field(default=None, exclude=True)


class ExamResult(BaseModel):
    """The rates of one exam in one county and year, for the county total or one school."""

    county: str | None
    year: int | None
    exam: str
    school_id: str | None  # None for the county total
    school_name: str | None
    candidates: int
    rates: list[RateValue]
    notes: list[str] = Field(default_factory=list)

    @property
    def is_total(self) -> bool:
        """True for the county total (not one school)."""
        return self.school_id is None and self.school_name is None


class ExamReport(Report):
    """Everything `edustat exams` computes; `to_dict()` gives the documented JSON."""

    results: list[ExamResult]
    lang: Lang = Field(default="zh", exclude=True)

    def to_rows(self) -> list[dict[str, Any]]:
        """One flat record per (county, year, exam, school or total, rate), for CSV and XLSX."""
        rows = []
        for result in self.results:
            for rate in result.rates:
                rows.append({
                    "county": result.county, "year": result.year, "exam": result.exam,
                    "school_id": result.school_id, "school_name": result.school_name,
                    "candidates": result.candidates, "key": rate.key,
                    "name": RATE_BY_KEY[rate.key].label(self.lang), "count": rate.count,
                    "value": rate.value, "change": rate.change,
                    "notes": "; ".join(result.notes)})
        return rows

    def years(self) -> list[int]:
        """The years in the report, in order."""
        return sorted({r.year for r in self.results if r.year is not None})

    def has_changes(self) -> bool:
        """True when any rate has a change from the year before."""
        return any(rate.change is not None for r in self.results for rate in r.rates)


def _text(value: Any) -> str | None:
    return None if value is None or value != value else str(value)


def _year(value: Any) -> int | None:
    return None if value is None or value != value else int(value)


def _rates(exam: str, candidates: int, counts: dict[str, int]) -> list[RateValue]:
    rates = []
    for rate in rates_for(exam):
        count = sum(counts[part] for part in rate.parts)
        rates.append(RateValue(key=rate.key, count=count, value=count / candidates))
    return rates


def compute_exams(frame: pd.DataFrame, *, lang: Lang = "zh",
                  with_schools: bool = False) -> ExamReport:
    """Rates of every county, year and exam in a validated exam frame (and of each school)."""
    results: list[ExamResult] = []
    for exam in EXAMS_ORDER:
        rows = frame.loc[frame["exam"] == exam]
        if rows.empty:
            continue
        counted = ["candidates", *EXAM_CATEGORIES[exam]]
        keys = rows[["county", "year"]].astype(object)
        # Sums over the county's rows: the county total is Σ counts ÷ Σ candidates.
        totals = rows[counted].groupby([keys["county"], keys["year"]], dropna=False,
                                       sort=False).sum()
        for (county, year), sums in totals.iterrows():
            counts = {c: int(round(sums[c])) for c in counted}
            results.append(ExamResult(
                county=_text(county), year=_year(year), exam=exam, school_id=None,
                school_name=None, candidates=counts["candidates"],
                rates=_rates(exam, counts["candidates"], counts)))
        if with_schools:
            results.extend(_school_results(rows, exam, counted))
    _add_changes(results, lang)
    exam_order = {exam: i for i, exam in enumerate(EXAMS_ORDER)}
    results.sort(key=lambda r: (r.county is None, r.county or "", r.year is None, r.year or 0,
                                exam_order[r.exam], not r.is_total, r.school_id or "",
                                r.school_name or ""))
    return ExamReport(results=results, lang=lang)


def _school_results(rows: pd.DataFrame, exam: str, counted: list[str]) -> Iterable[ExamResult]:
    """One result per row that names its school (county-level rows only count in the total)."""
    columns = {c: rows[c].to_numpy(dtype=float) for c in counted}
    ids, names = rows["school_id"].to_numpy(dtype=object), rows["school_name"].to_numpy(dtype=object)
    counties, years = rows["county"].to_numpy(dtype=object), rows["year"].to_numpy(dtype=object)
    for pos in range(len(rows)):
        school_id, school_name = _text(ids[pos]), _text(names[pos])
        if school_id is None and school_name is None:
            continue
        counts = {c: int(round(columns[c][pos])) for c in counted}
        yield ExamResult(county=_text(counties[pos]), year=_year(years[pos]), exam=exam,
                         school_id=school_id, school_name=school_name,
                         candidates=counts["candidates"],
                         rates=_rates(exam, counts["candidates"], counts))


def _identity(result: ExamResult) -> tuple[str | None, str, str | None]:
    """What a result is about, apart from its year: county, exam, and the school (or total)."""
    school = None if result.is_total else (result.school_id or f"name:{result.school_name}")
    return result.county, result.exam, school


def _add_changes(results: list[ExamResult], lang: Lang) -> None:
    """Fill each rate's change from the same county or school in year − 1, where there is one."""
    by_year = {(_identity(r), r.year): r for r in results if r.year is not None}
    earliest: dict[tuple[str | None, str], int] = {}
    for result in results:
        if result.year is not None and result.is_total:
            place = (result.county, result.exam)
            earliest[place] = min(earliest.get(place, result.year), result.year)
    for result in results:
        if result.year is None:
            continue
        previous = by_year.get((_identity(result), result.year - 1))
        if previous is None:
            # Say so only where an earlier year was given: the first year has nothing to compare.
            if earliest.get((result.county, result.exam), result.year) < result.year:
                code = "no_previous_county" if result.is_total else "no_previous_school"
                result.notes.append(note_text(code, lang, previous=result.year - 1))
            continue
        for rate, before in zip(result.rates, previous.rates, strict=True):
            # Exact: c1/n1 − c0/n0 = (c1·n0 − c0·n1) / (n1·n0), one rounding at the end.
            n1, n0 = result.candidates, previous.candidates
            rate.change = (rate.count * n0 - before.count * n1) / (n1 * n0)
            rate.previous_count, rate.previous_candidates = before.count, n0
