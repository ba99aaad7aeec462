"""Verdicts against limits: a value exactly at its limit meets it (SPEC §3).

Floating point computes two schools with 1.1 and 2.9 backbone teachers per 100 pupils as CV
0.4500000000000001, and 9 / 1000 × 100 as 0.8999999999999999: a raw comparison fails a county or
a school that is exactly at its limit. Every verdict in edustat — coefficient limits, the
composite, per-school standards and their floor, school and class size, rate minimums, the
consistency rules of `check`, the plan — decides through these functions, which allow a relative
tolerance of 1e-12: far below the precision any return is written to (whole counts, areas to
0.01 m² of thousands), far above the noise of a few floating-point operations (about 1e-16 each).

They take Python floats or numpy arrays alike (no numpy import: `abs` and the comparison
operators work on both). NaN meets nothing and exceeds nothing: callers decide what unknown means.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    import numpy as np

RELATIVE_TOLERANCE = 1e-12

# A float or a numpy array of floats; each verdict returns the same kind (a bool or a bool array),
# hence `Any` as the return type.
Number: TypeAlias = "float | np.ndarray"


def slack(limit: Number) -> Any:
    """How far a value may lie beyond `limit` and still count as at it: 1e-12 of the limit."""
    return abs(limit * RELATIVE_TOLERANCE)


def at_most(value: Number, limit: Number) -> Any:
    """value ≤ limit, a value at the limit within float noise included (a CV, a class size)."""
    return value <= limit + slack(limit)


def at_least(value: Number, limit: Number) -> Any:
    """value ≥ limit, a value at the limit within float noise included (a standard, a minimum)."""
    return value >= limit - slack(limit)


def above(value: Number, limit: Number) -> Any:
    """value > limit beyond float noise: the negation of `at_most` for numbers (False for NaN)."""
    return value > limit + slack(limit)


def below(value: Number, limit: Number) -> Any:
    """value < limit beyond float noise: the negation of `at_least` for numbers (False for NaN)."""
    return value < limit - slack(limit)


def noise_variance(variance: Number, mean: Number) -> Any:
    """True where a variance is float noise, below (1e-12 · X̄)², and so is 0 (SPEC §3).

    Schools with identical per-student values give S = 3.4e-16 rather than 0 in floats; left as
    it is, one school would "drive" 100% of a coefficient of 0.
    """
    return variance < (mean * RELATIVE_TOLERANCE) ** 2
