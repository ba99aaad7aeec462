"""What each school unit must reach, indicator by indicator, for its county to meet a method.

A target is a number of whole steps per unit and resource: one step is one whole unit added to
the school's column (a computer, a book, a teacher, 0.01 m², 1 yuan), of which the stage unit
receives its share (SPEC §3 split; 1 for teachers, who are never split).

Quality (2017): per-school floors (SPEC §4) — all seven standards, except the indicators a unit
may leave between 85 % and 100 % (7 − min_met of them, chosen where that saves the most yuan) —
then water-filling of every indicator whose CV is over its limit (edustat.planning.waterfill).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from edustat.indicators import FACILITY_COLUMNS, Indicator, indicators_for
from edustat.norms import Norms
from edustat.planning import waterfill
from edustat.planning.prices import price_of
from edustat.vectors import group_codes

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

# The plan aims a hair inside each limit, so the recomputed CV (summed in another order) is not
# 0.5000000000000001 against 0.5; far below any amount a return is written in.
AIM = 1 - 1e-9

# Whole steps of each whole-school column: areas to 0.01 m², money to 1 yuan, counts whole.
GRANULARITY = {"teaching_area": 0.01, "sports_area": 0.01, "equipment_value": 1.0,
               "computers": 1.0, "books": 1.0, "multimedia_rooms": 1.0}


@dataclass
class Target:
    """Whole steps each unit must add to one resource, and how many of them its floor needs."""

    steps: np.ndarray
    floor_steps: np.ndarray


@dataclass
class Groups:
    """The county, year and stage groups of a unit frame, with each unit's group code."""

    codes: np.ndarray
    count: int
    stages: np.ndarray  # stage of each group
    first: np.ndarray  # each group's first unit


def unit_groups(units: pd.DataFrame) -> Groups:
    """Group codes of the units by county, year and stage (as `coefficient` groups them)."""
    codes, first = group_codes([units["county"], units["year"], units["stage"]])
    return Groups(codes=codes, count=len(first),
                  stages=units["stage"].to_numpy(dtype=object)[first], first=first)


def step_size(units: pd.DataFrame, indicator: Indicator) -> np.ndarray:
    """What one whole step added to the school gives each unit of `indicator`'s resource."""
    import numpy as np

    if indicator.resource in FACILITY_COLUMNS:
        return units["share"].to_numpy(dtype=float) * GRANULARITY[indicator.resource]
    return np.ones(len(units))


def column_price(indicator: Indicator, prices: dict[str, float]) -> float:
    """Yuan per whole-school unit of the indicator's resource."""
    return price_of(indicator.resource if indicator.resource in FACILITY_COLUMNS else "teacher",
                    prices)


def fill_to_limit(units: pd.DataFrame, groups: Groups, indicator: Indicator,
                  lower: np.ndarray, limits: np.ndarray) -> np.ndarray:
    """Whole steps that bring every group's CV of `indicator` within its limit from `lower`
    (per-student values each unit must have anyway): the common level, rounded to whole steps,
    raised further where rounding breaks the limit."""
    import numpy as np

    students = units["students"].to_numpy(dtype=float)
    resource = units[indicator.resource].to_numpy(dtype=float)
    step = step_size(units, indicator)
    level = waterfill.levels(groups.codes, groups.count, students, lower, limits, AIM)
    target = waterfill.fill(lower, level[groups.codes])
    steps = waterfill.whole_steps(resource, students, step, target)
    after = (resource + steps * step) / students
    mean, variance = waterfill.group_moments(groups.codes, groups.count, students, after)
    broken = np.flatnonzero(~waterfill.within(variance, mean, limits))
    for g in broken:  # rare: rounding carried a small school past the mean
        rows = np.flatnonzero(groups.codes == g)
        start = level[g] if not np.isnan(level[g]) else float(lower[rows].min())
        t = waterfill.whole_level(resource[rows], students[rows], step[rows], lower[rows],
                                  start, float(limits[g] * AIM))
        steps[rows] = waterfill.whole_steps(resource[rows], students[rows], step[rows],
                                            np.fmax(lower[rows], t))
        floor_steps = waterfill.whole_steps(resource[rows], students[rows], step[rows],
                                            lower[rows])
        greedy = waterfill.greedy_steps(resource[rows], students[rows], step[rows],
                                        lower[rows], float(limits[g] * AIM),
                                        budget=float(steps[rows].sum() - floor_steps.sum()))
        if greedy is not None:
            steps[rows] = greedy
    return steps


def quality_targets(units: pd.DataFrame, norms: Norms, prices: dict[str, float],
                    groups: Groups | None = None) -> dict[str, Target]:
    """Whole steps per unit for each quality indicator's resource (SPEC §8, quality);
    `groups`: the units' unit_groups, when the caller has them already (the plan's rounds
    keep the same units)."""
    import numpy as np

    groups = groups if groups is not None else unit_groups(units)
    indicators = indicators_for("quality")
    students = units["students"].to_numpy(dtype=float)
    limits = np.array([norms.indicator_limits[s] for s in groups.stages], dtype=float)
    current = {i.key: units[i.resource].to_numpy(dtype=float) / students for i in indicators}
    standard = {i.key: _per_stage(groups, {s: v[i.key] / i.per
                                           for s, v in norms.school_standards.items()})
                for i in indicators}
    # Yuan per whole step (one step gives the unit `steps[key]` of the resource).
    steps = {i.key: step_size(units, i) for i in indicators}
    whole_price = {i.key: column_price(i, prices) * GRANULARITY.get(i.resource, 1.0)
                   for i in indicators}
    rule = norms.school_pass
    free = len(indicators) - rule.min_met  # how many a unit may leave between 85 % and 100 %

    level = {i.key: np.full(len(units), -np.inf) for i in indicators}
    for first_pass in (True, False):
        # Pass 1 chooses each unit's exemptions alone; pass 2 again, given the county levels of
        # pass 1, since a unit the level raises anyway gains nothing from leaving it low.
        floors = _choose_floors(indicators, current, standard, level, whole_price, steps,
                                students, rule.floor_share, free)
        lower = {k: np.fmax(current[k], floors[k]) for k in floors}
        for indicator in indicators if first_pass else ():
            key = indicator.key
            fill_level = waterfill.levels(groups.codes, groups.count, students, lower[key],
                                          limits, AIM)
            level[key] = np.where(np.isnan(fill_level), -np.inf, fill_level)[groups.codes]
    targets = {}
    for indicator in indicators:
        key = indicator.key
        resource = units[indicator.resource].to_numpy(dtype=float)
        steps = fill_to_limit(units, groups, indicator, lower[key], limits)
        floor_steps = waterfill.whole_steps(resource, students, step_size(units, indicator),
                                            lower[key])
        targets[indicator.resource] = Target(steps=steps, floor_steps=floor_steps)
    return targets


def _choose_floors(indicators: list[Indicator], current: dict[str, np.ndarray],
                   standard: dict[str, np.ndarray], level: dict[str, np.ndarray],
                   whole_price: dict[str, float], steps: dict[str, np.ndarray],
                   students: np.ndarray, floor_share: float, free: int
                   ) -> dict[str, np.ndarray]:
    """Each unit's floor per indicator: the standard, or floor_share of it on the `free`
    indicators where leaving it short saves the most yuan, counted in whole steps as bought
    (none when it saves nothing)."""
    import numpy as np

    saving = []
    for indicator in indicators:
        key = indicator.key
        base = np.fmax(current[key], level[key])  # what the unit will have anyway
        resource = base * students
        full = waterfill.whole_steps(resource, students, steps[key], standard[key])
        part = waterfill.whole_steps(resource, students, steps[key],
                                     standard[key] * floor_share)
        saving.append((full - part) * whole_price[key])
    savings = np.vstack(saving)  # indicators × units
    exempt = np.zeros_like(savings, dtype=bool)
    if free > 0:
        # The `free` largest savings per unit, ties to the first listed indicator (for one,
        # as the national rule has, argmax: the first largest, without sorting every unit).
        order = (np.argmax(savings, axis=0)[None, :] if free == 1
                 else np.argsort(-savings, axis=0, kind="stable")[:free])
        np.put_along_axis(exempt, order, True, axis=0)
        exempt &= savings > 0
    return {ind.key: np.where(exempt[k], standard[ind.key] * floor_share, standard[ind.key])
            for k, ind in enumerate(indicators)}


def _per_stage(groups: Groups, values: dict[str, float]) -> np.ndarray:
    """Each unit's value of its stage (0 for a stage without one), by its group's stage."""
    import numpy as np

    by_group = np.array([values.get(stage, 0.0) for stage in groups.stages.tolist()],
                        dtype=float)
    return by_group[groups.codes]
