"""Exam pass and admission rates (高考上线率、本科升学率, 中考重点高中录取率), SPEC §6, §7.2.

Every rate is a count ÷ candidates. The county total is Σ counts ÷ Σ candidates over the county's
rows, never a mean of school rates. With tables of several years, each rate also gets its change
from the year before (Y − 1 exactly), as a difference of fractions (0.039 = 3.9 percentage points).
`exams` reads and validates the exam tables first (the body of `edustat.api.exams`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from edustat.problems import InputError
from edustat.results import Phrase, Report, Sheets
from edustat.schema import EXAM_CATEGORIES
from edustat.texts import Lang, t

if TYPE_CHECKING:
    import pandas as pd

    from edustat.validate import ValidTable

EXAMS_ORDER = tuple(EXAM_CATEGORIES)  # gaokao before zhongkao


class ExamRate(BaseModel):
    """One rate: which exam, which counts it adds up; its names are `exam_rate.<key>.*` texts."""

    model_config = ConfigDict(frozen=True)

    key: str
    exam: str
    parts: tuple[str, ...]  # count columns added up for the numerator
    summary: bool = False  # the headline rate of its exam (本科升学率, 重点高中录取率)

    def label(self, lang: Lang) -> str:
        """The rate's name in `lang`."""
        return t(f"exam_rate.{self.key}.name", lang)

    def short(self, lang: Lang) -> str:
        """A short column header in `lang`."""
        return t(f"exam_rate.{self.key}.short", lang)


RATES: tuple[ExamRate, ...] = (
    ExamRate(key="tier1_rate", exam="gaokao", parts=("tier1",)),
    ExamRate(key="tier2_rate", exam="gaokao", parts=("tier2",)),
    ExamRate(key="arts_sports_rate", exam="gaokao", parts=("arts_sports",)),
    ExamRate(key="undergrad_rate", exam="gaokao", parts=EXAM_CATEGORIES["gaokao"], summary=True),
    ExamRate(key="key_unified_rate", exam="zhongkao", parts=("key_unified",)),
    ExamRate(key="key_quota_rate", exam="zhongkao", parts=("key_quota",)),
    ExamRate(key="key_specialty_rate", exam="zhongkao", parts=("key_specialty",)),
    ExamRate(key="key_admission_rate", exam="zhongkao", parts=EXAM_CATEGORIES["zhongkao"],
             summary=True),
)
RATE_BY_KEY: dict[str, ExamRate] = {rate.key: rate for rate in RATES}

def rates_for(exam: str) -> list[ExamRate]:
    """The rates of one exam, headline rate last."""
    return [rate for rate in RATES if rate.exam == exam]


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
    notes: list[Phrase] = Field(default_factory=list)

    @property
    def is_total(self) -> bool:
        """True for the county total (not one school)."""
        return self.school_id is None and self.school_name is None


class ExamReport(Report):
    """Everything `edustat exams` computes; `to_dict()` gives the documented JSON."""

    json_from_dict = True

    results: list[ExamResult]

    def to_rows(self, lang: Lang = "zh") -> list[dict[str, Any]]:
        """One flat record per (county, year, exam, school or total, rate), for CSV and XLSX."""
        rows = []
        for result in self.results:
            for rate in result.rates:
                rows.append({
                    "county": result.county, "year": result.year, "exam": result.exam,
                    "school_id": result.school_id, "school_name": result.school_name,
                    "candidates": result.candidates, "key": rate.key,
                    "name": RATE_BY_KEY[rate.key].label(lang), "count": rate.count,
                    "value": rate.value, "change": rate.change,
                    "notes": "; ".join(note.word(lang) for note in result.notes)})
        return rows

    def sheets(self, lang: Lang = "zh") -> Sheets:
        """One table: every rate of every county, year, exam (and school)."""
        return {"exams": self.to_rows(lang)}

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


def compute_exams(frame: pd.DataFrame, *, with_schools: bool = False) -> ExamReport:
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
    _add_changes(results)
    exam_order = {exam: i for i, exam in enumerate(EXAMS_ORDER)}
    results.sort(key=lambda r: (r.county is None, r.county or "", r.year is None, r.year or 0,
                                exam_order[r.exam], not r.is_total, r.school_id or "",
                                r.school_name or ""))
    return ExamReport(results=results)


def _school_results(rows: pd.DataFrame, exam: str, counted: list[str]) -> Iterable[ExamResult]:
    """One result per row that names its school (county-level rows only count in the total)."""
    columns = {c: rows[c].to_numpy(dtype=float) for c in counted}
    ids = rows["school_id"].to_numpy(dtype=object)
    names = rows["school_name"].to_numpy(dtype=object)
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


def _add_changes(results: list[ExamResult]) -> None:
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
                result.notes.append(Phrase(code=f"note.exams.{code}",
                                           params={"previous": result.year - 1}))
            continue
        for rate, before in zip(result.rates, previous.rates, strict=True):
            # Exact: c1/n1 − c0/n0 = (c1·n0 − c0·n1) / (n1·n0), one rounding at the end.
            n1, n0 = result.candidates, previous.candidates
            rate.change = (rate.count * n0 - before.count * n1) / (n1 * n0)
            rate.previous_count, rate.previous_candidates = before.count, n0


# ---------------------------------------------------------------------------------------------
# From files: the body of `edustat.api.exams`

def exams(paths: Sequence[Path | str] | Path | str, *, schools: bool = False,
          encoding: str | None = None, sheet: str | None = None) -> ExamReport:
    """Gaokao and zhongkao pass and admission rates of the exam tables in `paths` (SPEC §6)."""
    from edustat.inputs import as_paths, refuse_other_tables
    from edustat.validate import validate_exams

    paths = as_paths(paths)
    valid = validate_exams(paths, encoding=encoding, sheet=sheet)
    refuse_other_tables(valid, paths, "exams", encoding, sheet)
    return exams_of(valid, schools)


def exams_of(valid: ValidTable, schools: bool) -> ExamReport:
    """Exam rates of validated exam rows."""
    if not valid.ok:
        raise InputError(valid.problems)
    report = compute_exams(valid.frame, with_schools=schools)
    report.problems = valid.problems
    return report
