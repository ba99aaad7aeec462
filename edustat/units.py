"""Splitting schools into stage units (SPEC §3): one unit per school and compulsory stage.

Whole-school facilities are shared between stages in proportion to weighted enrolment (primary 1,
junior 1.1, senior 1.32; complete secondary junior 1, senior 1.2 — the weights come from the
norms). Teacher counts are never split: each stage has its own columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from edustat.indicators import FACILITY_COLUMNS, TEACHER_RESOURCES
from edustat.norms import Norms
from edustat.reader import FILE, ROW
from edustat.schema import SCHOOL_TYPE_STAGES, STAGES
from edustat.vectors import Factorized, frame_of

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

STUDENTS = {"primary": "primary_students", "junior": "junior_students",
            "senior": "senior_students"}
CLASSES = {"primary": "primary_classes", "junior": "junior_classes"}


def stage_shares(schools: pd.DataFrame, norms: Norms) -> dict[str, pd.Series]:
    """Each school's share of its facilities that belongs to each stage (0 where it has none)."""
    import numpy as np
    import pandas as pd

    types = Factorized(schools["school_type"])
    weighted: dict[str, np.ndarray] = {}
    for stage, column in STUDENTS.items():
        weight_by_type = {t: (norms.stage_weights(t).get(stage, 0.0) if stage in stages else 0.0)
                          for t, stages in SCHOOL_TYPE_STAGES.items()}
        weights = types.map(weight_by_type, default=0.0, dtype=float)
        weighted[stage] = weights * np.nan_to_num(schools[column].to_numpy(dtype=float))
    total = sum(weighted.values())
    with np.errstate(invalid="ignore", divide="ignore"):
        return {stage: pd.Series(np.where(total > 0, weighted[stage] / total, 0.0),
                                 index=schools.index)
                for stage in STAGES}


def distinct_stages(stages: Sequence[str]) -> tuple[str, ...]:
    """Each stage once, in the order named: `--stage junior --stage junior` is one stage (a
    second copy would count every junior school twice)."""
    return tuple(dict.fromkeys(stages))


def school_units(schools: pd.DataFrame, norms: Norms, stages: tuple[str, ...] = STAGES
                 ) -> pd.DataFrame:
    """One row per school and stage with students in it: students, classes, split resources."""
    import numpy as np

    stages = distinct_stages(stages)
    shares = stage_shares(schools, norms)
    rows = stage_rows(schools, stages)
    positions = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)

    def take(column: str, dtype: type = float) -> np.ndarray:
        return schools[column].to_numpy(dtype=dtype)[positions]

    def per_stage(column_of: dict[str, str]) -> np.ndarray:
        return _per_stage(rows, {stage: schools[column_of[stage]].to_numpy(dtype=float)
                                 for stage in stages})

    share = _per_stage(rows, {stage: shares[stage].to_numpy() for stage in stages})
    unit: dict[str, np.ndarray] = {
        "county": take("county", object), "year": take("year"),
        "school_id": take("school_id", object), "school_name": take("school_name", object),
        "school_type": take("school_type", object),
        "stage": np.repeat(np.array(stages, dtype=object), [len(r) for r in rows]),
        "students": per_stage(STUDENTS), "classes": per_stage(CLASSES), "share": share,
        FILE: take(FILE, object), ROW: take(ROW, np.int64),
    }
    for column in FACILITY_COLUMNS:
        unit[column] = take(column) * share
    for resource in TEACHER_RESOURCES:
        unit[resource] = per_stage({stage: f"{stage}_{resource}" for stage in stages})
    return frame_of(unit)


def stage_rows(schools: pd.DataFrame, stages: tuple[str, ...]) -> list[np.ndarray]:
    """Per stage, the positions of the schools that teach it (students > 0): the units of
    school_units are these, stage after stage."""
    import numpy as np

    return [np.flatnonzero(np.nan_to_num(schools[STUDENTS[stage]].to_numpy(dtype=float)) > 0)
            for stage in stages]


def _per_stage(rows: list[np.ndarray], values: dict[str, np.ndarray]) -> np.ndarray:
    """Stage units read stage-specific columns: each stage's own slice, concatenated."""
    import numpy as np

    parts = [values[stage][where] for stage, where in zip(values, rows, strict=True)]
    return np.concatenate(parts) if parts else np.zeros(0)


def units_with(units: pd.DataFrame, schools: pd.DataFrame, stages: tuple[str, ...],
               columns: list[str]) -> pd.DataFrame:
    """school_units(schools, norms, stages) when `units` is school_units of a frame that
    differs from `schools` only in the whole-school resource `columns` (facilities, or
    teacher columns such as primary_teachers; never students or types): the resources of
    those columns are taken again, by the same operations, and every other column is kept."""
    import numpy as np

    stages = distinct_stages(stages)
    rows = stage_rows(schools, stages)
    positions = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    out = units.copy(deep=False)
    share = units["share"].to_numpy(dtype=float)
    changed = set(columns)
    for column in FACILITY_COLUMNS:
        if column in changed:
            out[column] = schools[column].to_numpy(dtype=float)[positions] * share
    for resource in TEACHER_RESOURCES:
        column_of = {stage: f"{stage}_{resource}" for stage in stages}
        if changed & set(column_of.values()):
            out[resource] = _per_stage(rows, {stage: schools[column].to_numpy(dtype=float)
                                              for stage, column in column_of.items()})
    return out
