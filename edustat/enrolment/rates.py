"""The rates of SPEC §5: their keys in report order and what each one divides.

A `RateSpec` names a rate and its numerator and denominator (their words are `enrolment_rate.*`
and `enrolment.part.*` texts); a retention rate carries its grades and lag, and with the cohort's
transfers given, an adjusted twin. `rate_specs` lists them for a school system (6-3 or 5-4).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from edustat.norms import Norms
from edustat.results import Phrase
from edustat.schema import SYSTEM_GRADES
from edustat.texts import Lang, t

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


def check_minimum_keys(norms: Norms) -> list[str]:
    """Keys of `rate_minimums` in a standards file that name no rate of SPEC §5."""
    return [key for key in norms.rate_minimums if key not in RATE_KEYS]
