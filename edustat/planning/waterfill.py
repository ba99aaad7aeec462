"""Water-filling: the cheapest way to bring one indicator's CV down to a limit (SPEC §8).

Adding resource to unit i at one price per unit, the cheapest values y with
sqrt(Σ w_i (y_i − ȳ)²) <= L·ȳ (w_i = P_i / P) raise the lowest values to one common level t and
leave every unit above it alone: y_i = max(l_i, t), where l_i = max(x_i, floor_i) is what the unit
must have anyway (its current value, or its per-school standard). The constraint is a
second-order cone; its optimality conditions give the common level. The CV falls strictly as t
rises (d(CV²)/dt = 2W(t)[(t − ȳ)ȳ − σ²]/ȳ³ < 0, W(t) the weight raised, because t <= ȳ), so t is
found by bisection — for every county and stage at once, with one array pass per step.

Values here are per student (R_i / P_i); the CV does not depend on the "per 100" scale.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from edustat.verdicts import at_most, noise_variance

if TYPE_CHECKING:
    import numpy as np

BISECTION_STEPS = 200  # stops earlier when the bracket stops shrinking (float resolution)


def within(variance: np.ndarray | float, mean: np.ndarray | float, limit: np.ndarray | float
           ) -> np.ndarray | bool:
    """True where the CV sqrt(variance)/mean is at most `limit`, decided as `coefficient`
    decides it (edustat.verdicts: at the limit meets it; a noise variance is 0)."""
    import numpy as np

    mean = np.asarray(mean, dtype=float)
    variance = np.asarray(variance, dtype=float)
    noise = noise_variance(variance, mean)
    with np.errstate(invalid="ignore", divide="ignore"):
        cv = np.where(mean > 0, np.sqrt(np.maximum(variance, 0.0)) / mean, 0.0)
    return noise | at_most(cv, np.asarray(limit, dtype=float))


def group_moments(codes: np.ndarray, n_groups: int, weights: np.ndarray, values: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Enrolment-weighted mean and population variance of `values` in each group."""
    import numpy as np

    total = np.bincount(codes, weights, n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(codes, weights * values, n_groups) / total
        variance = np.bincount(codes, weights * (values - mean[codes]) ** 2, n_groups) / total
    return mean, variance


def cv(weights: np.ndarray, values: np.ndarray) -> float:
    """The enrolment-weighted CV of one group (0 when nothing differs)."""
    import numpy as np

    mean = math.fsum(weights * values) / math.fsum(weights)
    variance = math.fsum(weights * (values - mean) ** 2) / math.fsum(weights)
    if mean <= 0 or noise_variance(variance, mean):
        return 0.0
    return float(np.sqrt(variance) / mean)


def levels(codes: np.ndarray, n_groups: int, weights: np.ndarray, lower: np.ndarray,
           limits: np.ndarray, aim: float = 1.0) -> np.ndarray:
    """The least common level t of each group with CV(max(lower, t)) <= its limit × `aim`.

    NaN where the group meets its limit (the limit itself, not the aim) without raising anyone:
    then nothing is added for the CV. `lower` is each unit's value after its floor; `limits`
    is one limit per group.
    """
    import numpy as np

    mean, variance = group_moments(codes, n_groups, weights, lower)
    level = np.full(n_groups, np.nan)
    todo = ~np.asarray(within(variance, mean, limits), dtype=bool)
    limits = limits * aim
    if not todo.any():
        return level
    lo = np.full(n_groups, np.inf)
    hi = np.full(n_groups, -np.inf)
    np.minimum.at(lo, codes, lower)
    np.maximum.at(hi, codes, lower)  # at t = max every unit is equal: CV 0, the limit is met
    keep = todo[codes]
    sub_codes, sub_weights, sub_lower = codes[keep], weights[keep], lower[keep]
    for _ in range(BISECTION_STEPS):
        mid = (lo + hi) / 2
        shrinking = todo & (mid > lo) & (mid < hi)
        if not shrinking.any():
            break
        mean, variance = group_moments(sub_codes, n_groups, sub_weights,
                                       np.maximum(sub_lower, mid[sub_codes]))
        ok = within(variance, mean, limits)
        hi = np.where(shrinking & ok, mid, hi)
        lo = np.where(shrinking & ~ok, mid, lo)
    level[todo] = hi[todo]  # hi always meets the limit
    return level


def fill(lower: np.ndarray, level: np.ndarray) -> np.ndarray:
    """Each unit's value after water-filling: max(lower, t), or lower where no level (NaN)."""
    import numpy as np

    return np.where(np.isnan(level), lower, np.fmax(lower, level))


def whole_steps(resource: np.ndarray, students: np.ndarray, step: np.ndarray,
                value: np.ndarray) -> np.ndarray:
    """How many whole steps each unit must add to reach `value` per student (0 when it has it).

    `step` is what one whole unit added to the school gives the unit (its share of 1 computer,
    0.01 m², 1 yuan). Float noise is not a need: 3.0000000004 steps cost 3, and a unit whose
    value is its own (x·P − R ≈ 3e-11 yuan of 200 000) needs none, however small its share.
    """
    import numpy as np

    need = value * students - resource - 1e-12 * np.abs(resource)
    with np.errstate(invalid="ignore", divide="ignore"):
        steps = np.ceil(need / step - 1e-9)
    return np.where(steps > 0, steps, 0.0)


def rounded_values(resource: np.ndarray, students: np.ndarray, step: np.ndarray,
                   value: np.ndarray) -> np.ndarray:
    """Per-student values after adding whole steps to reach at least `value`."""
    return (resource + whole_steps(resource, students, step, value) * step) / students


def _rounded_ok(resource: np.ndarray, students: np.ndarray, step: np.ndarray,
                lower: np.ndarray, level: float, limit: float) -> bool:
    import numpy as np

    values = rounded_values(resource, students, step, np.fmax(lower, level))
    mean = math.fsum(students * values) / math.fsum(students)
    variance = math.fsum(students * (values - mean) ** 2) / math.fsum(students)
    return bool(within(variance, mean, limit))


def whole_level(resource: np.ndarray, students: np.ndarray, step: np.ndarray,
                lower: np.ndarray, level: float, limit: float, chunk: int = 64,
                max_chunks: int = 40) -> float:
    """The least level t >= `level` whose whole-step plan meets the limit, for one group.

    Rounding up can carry a small school past the county mean (one teacher is 2.4 per 100 in a
    school of 42) and so raise the CV again. The whole-step plan changes only where t crosses a
    value some unit can reach in whole steps, so those values are tried in increasing order; a
    group with very fine steps (yuan, 0.01 m²) that still fails after `max_chunks` rounds takes
    the first t found by doubling the distance to the top, then bisection — one that meets.
    """
    import numpy as np

    if _rounded_ok(resource, students, step, lower, level, limit):
        return level
    t_lo = level
    for _ in range(max_chunks):
        first = np.maximum(np.ceil((t_lo * students - resource) / step), 0.0)
        ks = first[:, None] + np.arange(chunk)[None, :]
        reach = (resource[:, None] + ks * step[:, None]) / students[:, None]
        cap = reach[:, -1].min()
        candidates = np.unique(reach[(reach > t_lo) & (reach <= cap)])
        if candidates.size:
            # Every candidate at once: one row of rounded values per candidate level.
            target = np.fmax(lower[None, :], candidates[:, None])
            values = rounded_values(resource[None, :], students[None, :], step[None, :], target)
            weights = students / students.sum()
            mean = values @ weights
            variance = ((values - mean[:, None]) ** 2) @ weights
            ok = np.flatnonzero(within(variance, mean, limit))
            # Confirm the first with the exact sums (fsum) the single check uses.
            for index in ok[:8]:
                if _rounded_ok(resource, students, step, lower, float(candidates[index]), limit):
                    return float(candidates[index])
        t_lo = float(cap)
    top = float(np.max(lower))
    hi = max(t_lo, top) + 1.0 if top <= t_lo else top
    while not _rounded_ok(resource, students, step, lower, hi, limit):
        hi = t_lo + 2 * (hi - t_lo)
    lo = t_lo
    for _ in range(BISECTION_STEPS):
        mid = (lo + hi) / 2
        if not lo < mid < hi:
            break
        if _rounded_ok(resource, students, step, lower, mid, limit):
            hi = mid
        else:
            lo = mid
    return hi


def greedy_steps(resource: np.ndarray, students: np.ndarray, step: np.ndarray,
                 lower: np.ndarray, limit: float, budget: float) -> np.ndarray | None:
    """Whole steps bought one at a time where each lowers the CV most, from the floors up;
    None when it takes `budget` steps or more (then the common level is no dearer).

    Whole counts break the common-level rule for very small schools: in a county of two
    schools of 1 200 and one of 30, raising the small one to the level t means a whole teacher
    (3.3 per 100, far above the mean), while leaving it at 0 and topping up the large ones may
    cost half as much. This search finds such plans; the cheaper of the two is used.
    """
    import numpy as np

    base = whole_steps(resource, students, step, lower)
    steps = base.copy()
    weights = students / students.sum()
    for _ in range(int(min(budget, 10_000))):
        values = (resource + steps * step) / students
        mean = float(values @ weights)
        variance = float(((values - mean) ** 2) @ weights)
        if within(variance, mean, limit):
            return steps if steps.sum() - base.sum() < budget else None
        # CV² of every one-step-more plan at once: unit k's value rises by step_k / P_k.
        trial = values[None, :] + np.diag(step / students)
        trial_mean = trial @ weights
        trial_cv2 = (((trial - trial_mean[:, None]) ** 2) @ weights) / trial_mean**2
        steps[int(np.argmin(trial_cv2))] += 1
        if steps.sum() - base.sum() >= budget:
            return None
    return None
