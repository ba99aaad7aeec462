"""Enrolment, retention and dropout rates per county and year (SPEC §5, §7.2).

Every rate is a ratio of county sums: enrolment over the school-age population of the same year,
a cohort's last grade this year over its first grade some years before (retention), dropouts over
compulsory students. A rate whose inputs are missing is reported as not computable with the
reason, never as 0; a rate above 100% is shown as computed and flagged (in-migration).
Dropout rates are over the previous year's enrolment (学年内辍学学生数 ÷ 上学年初在校生数), and
where the tables give the cohort's transfers the retention rates also come adjusted for them.

The package holds the rates' definitions (`rates`), the report's model (`report`) and the
computing (`compute`); their public names are importable from `edustat.enrolment`. What the rates
add up is `edustat.enrolment_inputs`.
"""

from __future__ import annotations

from edustat.enrolment.compute import CountyRates, Rate, compute_enrolment, county_rates
from edustat.enrolment.rates import (
    FLAG_CODES,
    RATE_KEYS,
    TRANSFER_MARK,
    RateSpec,
    System,
    check_minimum_keys,
    rate_specs,
)
from edustat.enrolment.report import EnrolmentReport, EnrolmentResult, RateResult

__all__ = ["FLAG_CODES", "RATE_KEYS", "TRANSFER_MARK", "CountyRates", "EnrolmentReport",
           "EnrolmentResult", "Rate", "RateResult", "RateSpec", "System", "check_minimum_keys",
           "compute_enrolment", "county_rates", "rate_specs"]
