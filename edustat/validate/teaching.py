"""Teaching points (教学点, SPEC §2.1): merged into their parent school, kept, or left out.

The statistics system counts a teaching point (办学类型 218, or 是否计校数 = 否) as part of the
school named by its 所属学校标识码: by default its counts and resources are added to that school
before any indicator is computed. `separate` keeps each as its own unit, `exclude` leaves them
out, `exclude-below N` leaves out those under N pupils (the rest are merged). A note lists them
either way; a parent id that names no school of the same year is an error on that row.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from edustat.problems import Problem
from edustat.reader import FILE, ROW
from edustat.schema import SCHOOL_TYPE_STAGES, normalize_header
from edustat.vectors import Factorized

if TYPE_CHECKING:
    import numpy as np

    from edustat.validate.core import ValidTable

Mode = Literal["merge", "separate", "exclude"]
_POINT_TYPES = frozenset({"218", "小学教学点", "教学点"})
_NOT_COUNTED = frozenset({"否", "0", "n", "no", "false", "不计", "不计校数"})
_RULE = re.compile(r"^(merge|separate|exclude)(?:-below[\s:=]*(\d+(?:\.\d+)?))?$")
_STAGE_ORDER = ("primary", "junior", "senior")
_BY_STAGES = {tuple(stages): kind for kind, stages in SCHOOL_TYPE_STAGES.items()}


@dataclass(frozen=True)
class TeachingPointRule:
    """How teaching points are counted: merge (default), separate, exclude, exclude-below N."""

    mode: Mode = "merge"
    below: float | None = None  # exclude those with fewer pupils; merge the rest

    def describe(self) -> str:
        """The rule as written on the command line."""
        return f"exclude-below {self.below:g}" if self.below is not None else self.mode


def parse_rule(text: str | TeachingPointRule | None) -> TeachingPointRule:
    """`merge`, `separate`, `exclude` or `exclude-below N`; raises ValueError otherwise."""
    if text is None:
        return TeachingPointRule()
    if isinstance(text, TeachingPointRule):
        return text
    match = _RULE.match(str(text).strip().lower())
    if not match or (match.group(2) is not None and match.group(1) != "exclude"):
        raise ValueError(f"not a teaching-point rule: {text!r} (merge, separate, exclude, "
                         "exclude-below N)")
    if match.group(2) is not None:
        return TeachingPointRule(mode="merge", below=float(match.group(2)))
    return TeachingPointRule(mode=match.group(1))  # type: ignore[arg-type]


def point_rows(valid: ValidTable, types: Factorized | None = None) -> np.ndarray:
    """Rows that are teaching points, by 办学类型 (218, 教学点) or 是否计校数 (否, 0); call
    before the school types are mapped onto canonical values. `types`: the 办学类型 column
    factorized already, if it is."""
    frame = valid.frame
    marked = Factorized(frame["counts_as_school"]).map(
        _is_in(_NOT_COUNTED), default=False, dtype=bool)
    marked |= (types or Factorized(frame["school_type"])).map(
        _is_in(_POINT_TYPES), default=False, dtype=bool)
    return marked


def _is_in(values: frozenset[str]) -> Callable[[Any], bool]:
    """Whether a cell's text, normalized as headers are, is one of `values`."""
    folded = {normalize_header(x) for x in values}
    return lambda value: normalize_header(str(value)) in folded


def apply_rule(valid: ValidTable, points: np.ndarray, rule: TeachingPointRule) -> None:
    """Merge, keep or leave out the teaching points of `valid` in place, with notes."""
    import numpy as np

    from edustat.validate.core import flag_rows

    if not points.any():
        return
    frame = valid.frame
    students = np.column_stack([np.nan_to_num(frame[f"{s}_students"].to_numpy(dtype=float))
                                for s in _STAGE_ORDER]).sum(axis=1)
    labels = (frame["school_name"].fillna(frame["school_id"]).astype(str)).to_numpy()
    leave = np.zeros(len(frame), dtype=bool)
    if rule.mode == "exclude":
        leave = points.copy()
    elif rule.below is not None:
        leave = points & (students < rule.below)
    if leave.any():
        _note(valid, leave, "teaching_points_excluded", labels,
              {"rule": f"--teaching-points {rule.describe()}"})
    merging = points & ~leave & (rule.mode == "merge")
    parents = _parents(valid, merging)
    unknown = merging & (parents == -2)
    flag_rows(valid, "parent_school_id", unknown, "parent_unknown",
              per_row={"parent": frame["parent_school_id"].to_numpy(dtype=object)})
    merged = merging & (parents >= 0)
    separate = points & ~leave & ~merged & ~unknown
    if separate.any():
        _note(valid, separate, "teaching_points_separate", labels, {})
    if merged.any():
        names = {pos: labels[parents[pos]] for pos in np.flatnonzero(merged)}
        _note(valid, merged, "teaching_points_merged", labels, {},
              lambda pos: f"{labels[pos]}→{names[pos]}")
        _merge_into_parents(valid, merged, parents)
    drop = leave | merged
    if drop.any():
        valid.frame = frame.loc[~drop].reset_index(drop=True)


def _parents(valid: ValidTable, merging: np.ndarray) -> np.ndarray:
    """Per row, the position of its parent school; -1 without a parent id, -2 when unknown."""
    import numpy as np

    frame = valid.frame
    out = np.full(len(frame), -1, dtype=np.int64)
    if not merging.any():
        return out
    years = frame["year"].to_numpy(dtype=float)
    index: dict[tuple[float, str], int] = {}
    for pos, (year, school) in enumerate(zip(years, frame["school_id"], strict=True)):
        if not merging[pos] and school is not None:
            index.setdefault((-1.0 if year != year else year, str(school)), pos)
    for pos in np.flatnonzero(merging):
        parent = frame["parent_school_id"].iat[pos]
        if parent is None or parent != parent:
            continue
        year = years[pos]
        out[pos] = index.get((-1.0 if year != year else year, str(parent)), -2)
    return out


def _merge_into_parents(valid: ValidTable, merged: np.ndarray, parents: np.ndarray) -> None:
    """Add each merged point's numbers to its parent. A blank is never 0, except in the columns
    of a stage the point does not teach (it leaves them blank: it has none of that stage)."""
    import numpy as np

    frame = valid.frame
    rows = np.flatnonzero(merged)
    targets = parents[rows]
    numeric = [c for c in frame.columns if c not in (ROW, FILE, "year")
               and frame[c].dtype.kind == "f"]
    has = {s: np.nan_to_num(frame[f"{s}_students"].to_numpy(dtype=float)[rows]) > 0
           for s in _STAGE_ORDER}
    for column in numeric:
        values = frame[column].to_numpy(dtype=float)
        added = values[rows].copy()
        stage = next((s for s in _STAGE_ORDER if column.startswith(f"{s}_")), None)
        if stage is not None:
            added = np.where(np.isnan(added) & ~has[stage], 0.0, added)
        result = values.copy()
        np.add.at(result, targets, added)
        frame[column] = result
    # A parent that gains a stage from its points teaches it now (a junior school with a
    # primary point is a nine-year school for the split of its resources).
    types = frame["school_type"].to_numpy(dtype=object).copy()
    for parent in set(targets.tolist()):
        taught = set(SCHOOL_TYPE_STAGES.get(types[parent], ()))
        taught |= {s for s in _STAGE_ORDER
                   if np.nan_to_num(frame[f"{s}_students"].iat[parent]) > 0}
        kind = _BY_STAGES.get(tuple(s for s in _STAGE_ORDER if s in taught))
        if kind is not None:
            types[parent] = kind
    frame["school_type"] = types


def _note(valid: ValidTable, mask: np.ndarray, code: str, labels: np.ndarray,
          params: dict[str, str], label: Callable[[int], str] | None = None) -> None:
    """One note per file listing the teaching points in `mask`."""
    import numpy as np

    files = valid.frame[FILE].to_numpy(dtype=object)
    rows = valid.frame[ROW].to_numpy()
    for file in dict.fromkeys(files[mask]):
        chosen = np.flatnonzero(mask & (files == file))
        listed = "、".join(label(pos) if label else str(labels[pos]) for pos in chosen)
        valid.problems.append(Problem(file=file, row=int(rows[chosen[0]]), code=code,
                                      severity="note", params={**params, "points": listed}))
