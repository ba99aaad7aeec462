"""Every school unit against the per-school standards of its stage (SPEC §4): its value, the
standard, whether it meets it, whether it is below the floor share, and the whole units it lacks;
how many it meets and whether it passes; its school size and class size against their limits.

Every verdict goes through edustat.verdicts (relative tolerance 1e-12, SPEC §3), so a value
exactly at its standard meets it. Used by `standards` and by the plan's verification.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from edustat.indicators import FACILITY_COLUMNS, indicators_for
from edustat.norms import Norms
from edustat.reader import FILE, ROW
from edustat.schema import STAGES
from edustat.units import STUDENTS
from edustat.vectors import Factorized, row_positions
from edustat.verdicts import at_least, at_most, below, slack

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd


def school_sizes(schools: pd.DataFrame, units: pd.DataFrame) -> np.ndarray:
    """Each unit's school's students in its compulsory stages (matched by file and row)."""
    import numpy as np

    # STAGES are the compulsory stages: a complete secondary school's senior students do not count.
    size = sum(np.nan_to_num(schools[STUDENTS[stage]].to_numpy(dtype=float)) for stage in STAGES)
    positions = row_positions(schools, units, FILE, ROW)
    return np.where(positions >= 0, np.asarray(size, dtype=float)[positions], np.nan)


def by_stage(stages: np.ndarray, values: dict[str, float]) -> np.ndarray:
    """An array of the value of each unit's stage (NaN where the stage has none)."""
    import numpy as np

    out = np.full(len(stages), np.nan)
    for stage, value in values.items():
        out[stages == stage] = value
    return out


def judge(resource: np.ndarray, students: np.ndarray, standard: np.ndarray, per: float,
          floor_share: float, share: np.ndarray | float = 1.0) -> dict[str, np.ndarray]:
    """Units against one standard: value, standard, meets, below_floor and whole-unit shortfall.

    value = resource / students × per; shortfall = ⌈(standard × students / per − resource) /
    share⌉ where the standard is missed, else 0. `share` is the unit's part of a facility its
    school shares between stages (1 for teachers and single-stage schools): what a school adds
    is split again by enrolment, so its stage only gets that share of it.
    """
    import numpy as np

    required = standard * students / per
    value = resource / students * per
    meets = at_least(value, standard)
    # Rounded up to whole units; the same tolerance as the verdict keeps 255.00000000000003 − 250
    # from costing 6, and a unit that misses lacks at least one whole unit.
    lacking = (required - resource - slack(required)) / share
    shortfall = np.where(meets, 0.0, np.maximum(np.ceil(lacking), 1.0)).astype(np.int64)
    return {"value": value, "standard": standard, "meets": meets,
            "below_floor": below(value, standard * floor_share), "shortfall": shortfall}


def judge_units(units: pd.DataFrame, norms: Norms
                ) -> tuple[dict[str, dict[str, np.ndarray]], np.ndarray, np.ndarray]:
    """Every unit against each standard (`judge`), how many it meets, and whether it passes
    (SPEC §4: at least min_met met, none below the floor share)."""
    import numpy as np

    stages = units["stage"].to_numpy(dtype=object)
    students = units["students"].to_numpy(dtype=float)
    rule = norms.school_pass
    columns: dict[str, dict[str, np.ndarray]] = {}
    by_stage = Factorized(stages)  # hashed once, not compared per indicator and stage
    for indicator in indicators_for("quality"):
        standard = by_stage.map({s: v[indicator.key] for s, v in norms.school_standards.items()},
                                default=np.nan, dtype=float)
        share = (units["share"].to_numpy(dtype=float)
                 if indicator.resource in FACILITY_COLUMNS else 1.0)
        columns[indicator.key] = judge(units[indicator.resource].to_numpy(dtype=float),
                                       students, standard, indicator.per, rule.floor_share,
                                       share)
    met = sum(c["meets"].astype(int) for c in columns.values())
    below_floor = np.logical_or.reduce([c["below_floor"] for c in columns.values()])
    return columns, met, (met >= rule.min_met) & ~below_floor


def size_and_class_size(units: pd.DataFrame, schools: pd.DataFrame, norms: Norms
                        ) -> dict[str, np.ndarray]:
    """Each unit's school size and average class size against their limits (None: unknown).

    School size counts the whole school's compulsory stages; class size is the unit's students
    per class of its stage, unknown when the class count is blank or 0.
    """
    import numpy as np

    stages = units["stage"].to_numpy(dtype=object)
    students = units["students"].to_numpy(dtype=float)
    types = units["school_type"].to_numpy(dtype=object)
    sizes = school_sizes(schools, units)
    # A nine- or twelve-year school has its own limit; any other school that of its stage.
    size_limits = by_stage(stages, dict(norms.school_size_limits))
    for school_type, limit in norms.school_size_limits.items():
        size_limits[types == school_type] = limit
    classes = units["classes"].to_numpy(dtype=float)
    has_classes = classes > 0  # NaN compares False
    class_limits = by_stage(stages, dict(norms.class_size_limits))
    with np.errstate(invalid="ignore", divide="ignore"):
        class_size = np.where(has_classes, students / classes, np.nan)
    # students <= limit × classes: a product of whole counts, where a quotient might not be
    # exact (a provincial limit of 45.5 is not exact in floats either, hence the tolerance).
    class_size_ok = at_most(students, class_limits * classes)
    return {
        "school_size": sizes.astype(np.int64), "size_limit": size_limits,
        "size_ok": np.where(np.isnan(size_limits), None, at_most(sizes, size_limits)),
        "classes": np.where(np.isnan(classes), None, np.nan_to_num(classes).astype(np.int64)),
        "class_size": class_size, "class_size_limit": class_limits,
        "class_size_ok": np.where(has_classes, class_size_ok, None)}
