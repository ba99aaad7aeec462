"""The enrolment report (SPEC §7.2): every rate of each county and year with its minimum,
verdict and notes, as `edustat enrolment` shows and writes it."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from edustat.enrolment.rates import RateSpec, System, rate_specs
from edustat.results import JoinedPhrases, Phrase, Report, Sheets
from edustat.texts import Lang


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
