"""Basic (2012) method: spend where the composite CV falls most per yuan (SPEC §8).

Each indicator's cost of reaching a CV (water-filling to a common level t: cost(t) = Σ price ×
(max(x_i, t) − x_i) × P_i / share_i) is convex in the CV it reaches. The composite is the plain
mean of the CVs, so the cheapest way to bring it within its limit is to buy, step by step, the
CV fall that costs least per yuan, on a grid of levels between each indicator's lowest and highest
value, and to stop within the step that reaches the limit (bisection inside it). Then the levels
are rounded to whole steps; where rounding breaks the limit, buying continues.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from edustat.indicators import indicators_for
from edustat.norms import Norms
from edustat.planning import waterfill
from edustat.planning.targets import (
    AIM,
    Groups,
    Target,
    column_price,
    step_size,
    unit_groups,
)
from edustat.verdicts import at_most, noise_variance

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

GRID = 256  # levels per indicator between its lowest and highest value
MAX_EXTRA_STEPS = 4 * GRID


def _cv_rows(students: np.ndarray, values: np.ndarray) -> np.ndarray:
    """CV of each row of `values` (levels × units), enrolment-weighted; 0 where none differ."""
    import numpy as np

    weights = students / students.sum()
    mean = values @ weights
    variance = ((values - mean[:, None]) ** 2) @ weights
    ok = noise_variance(variance, mean)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(ok | (mean <= 0), 0.0, np.sqrt(variance) / mean)


class _Curve:
    """One indicator of one group: CV and cost at each level of its grid."""

    def __init__(self, students: np.ndarray, resource: np.ndarray, step: np.ndarray,
                 yuan_per_unit: np.ndarray) -> None:
        import numpy as np

        self.students, self.resource, self.step = students, resource, step
        self.current = resource / students
        self.yuan = yuan_per_unit  # yuan per unit of resource added to the unit's part
        low, high = float(self.current.min()), float(self.current.max())
        self.levels = np.linspace(low, high, GRID) if high > low else np.array([low])
        self.cvs, self.costs = self.at(self.levels)

    def at(self, levels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        import numpy as np

        values = np.fmax(self.current[None, :], levels[:, None])
        added = (values - self.current[None, :]) * self.students[None, :]
        return _cv_rows(self.students, values), added @ self.yuan


def _group_levels(curves: list[_Curve], limit: float) -> list[float]:
    """Levels per indicator that bring the mean CV within `limit` at the least cost.

    Each curve's steps are bought in order of CV fall per yuan, the dearest last: with convex
    curves that rate falls along each curve, so buying greedily is sorting every step of every
    curve by its rate (made non-increasing along a curve, so a curve's steps keep their order).
    The step that reaches the limit is bought only as far as needed (bisection inside it).
    """
    import numpy as np

    target = limit * len(curves)  # the mean CV within the limit: the CVs' sum within this
    start = float(sum(c.cvs[0] for c in curves))
    if start <= target:
        return [float(c.levels[0]) for c in curves]
    falls, rates, owners, indices = [], [], [], []
    for k, curve in enumerate(curves):
        fall = curve.cvs[:-1] - curve.cvs[1:]
        spend = curve.costs[1:] - curve.costs[:-1]
        with np.errstate(invalid="ignore", divide="ignore"):
            rate = np.where(spend > 0, fall / spend, np.inf)
        falls.append(fall)
        rates.append(np.minimum.accumulate(rate) if rate.size else rate)
        owners.append(np.full(fall.size, k))
        indices.append(np.arange(fall.size))
    fall, rate = np.concatenate(falls), np.concatenate(rates)
    owner, index = np.concatenate(owners), np.concatenate(indices)
    order = np.lexsort((index, -rate))
    reached = np.cumsum(fall[order])
    last = int(np.searchsorted(reached, start - target))  # the step that reaches the limit
    position = np.bincount(owner[order[:last]], minlength=len(curves))
    levels = [float(c.levels[p]) for c, p in zip(curves, position, strict=True)]
    if last >= order.size:
        return levels  # every curve at its top (all equal): nothing more to buy
    best = int(owner[order[last]])
    others = float(sum(c.cvs[p] for c, p in zip(curves, position, strict=True))
                   - curves[best].cvs[position[best]])
    lo = float(curves[best].levels[position[best]])
    hi = float(curves[best].levels[position[best] + 1])
    for _ in range(100):
        mid = (lo + hi) / 2
        if not lo < mid < hi:
            break
        if others + float(curves[best].at(np.array([mid]))[0][0]) <= target:
            hi = mid
        else:
            lo = mid
    levels[best] = hi
    return levels


def basic_targets(units: pd.DataFrame, norms: Norms, prices: dict[str, float],
                  groups: Groups | None = None) -> dict[str, Target]:
    """Whole steps per unit for each basic indicator's resource, in groups over their limit
    (`groups`: the units' unit_groups, when the caller has them already)."""
    import numpy as np

    groups = groups if groups is not None else unit_groups(units)
    indicators = indicators_for("basic")
    students = units["students"].to_numpy(dtype=float)
    steps = {i.resource: np.zeros(len(units)) for i in indicators}
    resources = {i.resource: units[i.resource].to_numpy(dtype=float) for i in indicators}
    sizes = {i.resource: step_size(units, i) for i in indicators}
    # Yuan per unit of resource reaching a unit: a mixed school pays for the whole of it.
    yuan = {i.resource: column_price(i, prices) / _share(units, i) * np.ones(len(units))
            for i in indicators}
    order = np.argsort(groups.codes, kind="stable")
    bounds = np.searchsorted(groups.codes[order], np.arange(groups.count + 1))
    for g in range(groups.count):
        rows = order[bounds[g]:bounds[g + 1]]
        limit = norms.composite_limits[groups.stages[g]]
        if len(rows) < 2:
            continue
        cvs = [waterfill.cv(students[rows], resources[i.resource][rows] / students[rows])
               for i in indicators]
        if at_most(float(np.mean(cvs)), limit):
            continue  # within the limit itself (the plan aims a hair inside it)
        curves = [_Curve(students[rows], resources[i.resource][rows], sizes[i.resource][rows],
                         yuan[i.resource][rows]) for i in indicators]
        levels = _group_levels(curves, limit * AIM)
        for _extra in range(MAX_EXTRA_STEPS):
            whole = [waterfill.whole_steps(c.resource, c.students, c.step,
                                           np.fmax(c.current, lv))
                     for c, lv in zip(curves, levels, strict=True)]
            rounded = [_cv_rows(c.students, ((c.resource + w * c.step) / c.students)[None, :])[0]
                       for c, w in zip(curves, whole, strict=True)]
            if np.mean(rounded) <= limit * AIM:
                break
            # Rounding broke the limit: buy on from the rounded state, a little further.
            levels = _group_levels(curves, (limit * AIM) * (1 - 1e-3 * (_extra + 1)))
        for indicator, w in zip(indicators, whole, strict=True):
            steps[indicator.resource][rows] = w
    return {resource: Target(steps=s, floor_steps=np.zeros(len(units)))
            for resource, s in steps.items()}


def _share(units: pd.DataFrame, indicator: Any) -> Any:
    from edustat.indicators import FACILITY_COLUMNS

    if indicator.resource in FACILITY_COLUMNS:
        return units["share"].to_numpy(dtype=float)
    return 1.0
