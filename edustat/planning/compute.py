"""The plan of SPEC §8: rounds of targets until nothing more is asked for, then verification.

Each round asks every unit, on the data with the plan so far applied, for its whole steps
(edustat.planning.targets, .basic) and turns them into whole-school additions: a facility a mixed
school must add is the most any of its stage parts needs (each part gets its share of whatever is
added), so its other part may receive more than it asked for; the next round asks again with
that. When no unit asks for more, the coefficients and the per-school standards are recomputed
on the data with every addition (and move) made — with the very functions `edustat coefficient`
and `edustat standards` use — and those verdicts are the ones reported: never assumed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from edustat.coefficient_records import ResultColumns
from edustat.coefficients import compute_coefficients
from edustat.indicators import FACILITY_COLUMNS, Method, indicators_for
from edustat.norms import Norms
from edustat.planning.report import Move, PlanReport
from edustat.planning.targets import GRANULARITY, Groups, Target, quality_targets, unit_groups
from edustat.reader import FILE, ROW
from edustat.school_verdicts import judge_units
from edustat.units import school_units, units_with
from edustat.vectors import row_positions

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

MAX_ROUNDS = 8
SUBSETS = {"quality": ("degree_teachers", "backbone_teachers", "arts_pe_teachers"),
           "basic": ("degree_teachers", "titled_teachers")}

GroupKey = tuple[Any, Any, str]


@dataclass
class Verdicts:
    """Coefficients and per-school standards of one state of the data, per group."""

    coefficients: ResultColumns  # compute_coefficients' results, in result order
    meets: dict[GroupKey, bool] = field(default_factory=dict)
    failing: dict[GroupKey, int] = field(default_factory=dict)


def _key(county: Any, year: Any, stage: str) -> GroupKey:
    county = None if county is None or county != county else str(county)
    year = None if year is None or year != year else int(year)
    return (county, year, stage)


def verdicts(schools: pd.DataFrame, norms: Norms, method: Method, stages: tuple[str, ...],
             units: pd.DataFrame | None = None, groups: Groups | None = None) -> Verdicts:
    """The county verdicts of the data as `coefficient` and `standards` compute them: the
    coefficients by compute_coefficients, each unit's standards by judge_units (what
    compute_standards counts as failing per county, year and stage). `units` and `groups`:
    the school rows' school_units and their unit_groups, when the caller has them."""
    import numpy as np

    units = units if units is not None else school_units(schools, norms, stages)
    # Read, never shown: its results as columns, not 5 700 validated models (nor 40 000
    # indicator records) per verification.
    coefficients = compute_coefficients(units, method, norms, stream=True).result_columns()
    out = Verdicts(coefficients=coefficients)
    for result in coefficients.results:
        out.meets[_key(result["county"], result["year"], result["stage"])] = result["meets"]
    if method == "quality" and len(units):
        _, _, passes = judge_units(units, norms)
        groups = groups if groups is not None else unit_groups(units)
        failing = np.bincount(groups.codes, weights=~passes, minlength=groups.count)
        counties = units["county"].to_numpy(dtype=object)[groups.first].tolist()
        years = units["year"].to_numpy(dtype=object)[groups.first].tolist()
        for county, year, stage, count in zip(counties, years, groups.stages.tolist(),
                                              failing.astype(np.int64).tolist(), strict=True):
            key = _key(county, year, stage)
            out.failing[key] = count
            out.meets[key] = out.meets.get(key, True) and count == 0
    return out


def applied(schools: pd.DataFrame, added: dict[str, np.ndarray]) -> pd.DataFrame:
    """A copy of the school rows with the additions made."""
    import numpy as np

    frame = schools.copy(deep=False)  # only the columns added to are new arrays
    for column, amount in added.items():
        frame[column] = np.nan_to_num(frame[column].to_numpy(dtype=float)) + amount
    return frame


def _school_positions(schools: pd.DataFrame, units: pd.DataFrame) -> np.ndarray:
    """Each unit's row position in the school frame (matched by file and spreadsheet row)."""
    return row_positions(schools, units, FILE, ROW)


@dataclass
class Ledger:
    """Additions so far per whole-school column, and why, and for which stage."""

    amounts: dict[str, np.ndarray]
    cv_driven: dict[str, np.ndarray]
    stage: dict[str, np.ndarray]
    hires: dict[str, np.ndarray]  # teachers hired on subset columns, counted in the totals


def _new_ledger(n: int, columns: list[str]) -> Ledger:
    import numpy as np

    return Ledger(amounts={c: np.zeros(n) for c in columns},
                  cv_driven={c: np.zeros(n, dtype=bool) for c in columns},
                  stage={c: np.full(n, None, dtype=object) for c in columns},
                  hires={c: np.zeros(n) for c in columns})


def _book(ledger: Ledger, schools_n: int, positions: np.ndarray, units: pd.DataFrame,
          targets: dict[str, Target], method: Method) -> bool:
    """Turn one round's unit steps into whole-school additions; False when nothing is added."""
    import numpy as np

    stages = units["stage"].to_numpy(dtype=object)
    masks = {s: stages == s for s in set(stages.tolist())}  # compared once, not per resource
    any_added = False
    for resource, target in targets.items():
        if not target.steps.any():
            continue
        if resource in FACILITY_COLUMNS:
            columns = {resource: np.ones(len(units), dtype=bool)}
        else:
            columns = {f"{s}_{resource}": mask for s, mask in masks.items()}
        for column, mask in columns.items():
            steps = np.where(mask, target.steps, 0.0)
            if not steps.any():
                continue
            # A school adds the most any of its parts needs (each part gets its share of it).
            whole = np.zeros(schools_n)
            np.maximum.at(whole, positions, steps)
            floor_whole = np.zeros(schools_n)
            np.maximum.at(floor_whole, positions, np.where(mask, target.floor_steps, 0.0))
            # Listed under the stage that needs the most (the last write of a sorted order
            # wins), unless an earlier round listed it already.
            # (Only the units that need something are sorted: the same order as sorting all
            # and dropping the zeros, since the sort is stable. A teacher column is one
            # stage's: every unit needing it is of that stage, so any order lists the same.)
            needing = np.flatnonzero(steps > 0)
            order = (needing[np.argsort(steps[needing], kind="stable")]
                     if resource in FACILITY_COLUMNS else needing)
            rows = positions[order]
            listed = ledger.stage[column]
            fresh = np.equal(listed[rows], None)
            listed[rows[fresh]] = stages[order[fresh]]
            # Areas to 0.01 m², as the plan prints them: what is verified is what is written.
            amount = np.round(whole * GRANULARITY.get(resource, 1.0), 2)
            ledger.amounts[column] += amount
            ledger.cv_driven[column] |= whole > floor_whole
            if resource in SUBSETS[method]:
                # Every new teacher of a kind is a new full-time teacher of the stage.
                total = column.replace(resource, "teachers")
                ledger.hires[total] += amount
                ledger.amounts[total] += amount
                ledger.stage[total][amount > 0] = column.split("_")[0]
            any_added = True
    return any_added


def plan_columns(method: Method, stages: tuple[str, ...]) -> list[str]:
    """The whole-school columns a plan may add to."""
    facilities = [i.resource for i in indicators_for(method) if i.resource in FACILITY_COLUMNS]
    teachers = [f"{s}_{r}" for s in stages for r in ("teachers", *SUBSETS[method])]
    return [*dict.fromkeys(facilities), *teachers]


def compute_plan(schools: pd.DataFrame, norms: Norms, method: Method,
                 prices: dict[str, float], stages: tuple[str, ...], *,
                 move_teachers: bool = False, stream: bool = False) -> PlanReport:
    """The least-cost plan for every county, year and stage of the school rows (SPEC §8);
    `stream=True` leaves `report.results` empty for writing (its JSON is written from
    columns, and whatever reads the results gets them built)."""
    from edustat.planning.additions import addition_table
    from edustat.planning.moves import plan_moves
    from edustat.planning.results import assemble

    schools = schools.reset_index(drop=True)
    # Students do not change, so neither do the units, their order nor their groups: computed
    # once (each round recomputes the units' resources from the data with the plan so far).
    units = school_units(schools, norms, stages)
    groups = unit_groups(units)
    positions = _school_positions(schools, units)
    before = verdicts(schools, norms, method, stages, units, groups)
    columns = plan_columns(method, stages)
    ledger = _new_ledger(len(schools), columns)
    moved: dict[str, np.ndarray] = {}
    moves: list[tuple[GroupKey, Move]] = []
    if move_teachers:
        moved, moves = plan_moves(schools, norms, method, stages)
    base = applied(schools, moved)
    # The units of the data with the moves made; each round takes the added columns again.
    base_units = units if not moved else school_units(base, norms, stages)
    notes: list[str] = []
    state = before if not moved else verdicts(base, norms, method, stages, base_units, groups)
    # Each round asks every unit what it still needs on the data with the plan so far, and
    # books it; when nothing more is asked for, the plan is verified by recomputing the
    # coefficients and the standards. A limit still missed then is reported, not hidden.
    pending: dict[str, Target] | None = None
    for _round in range(MAX_ROUNDS):
        if pending is None:
            if all(state.meets.values()):
                break
            _, pending = _targets(base, base_units, ledger, norms, method, prices, stages,
                                  groups)
        if not _book(ledger, len(schools), positions, units, pending, method):
            notes.append("no_progress")
            pending = None
            break
        # `now`: the units of the data with every addition so far (nothing is added between
        # here and a verification below, which recomputes from them).
        now, pending = _targets(base, base_units, ledger, norms, method, prices, stages,
                                groups)
        if not any(target.steps.any() for target in pending.values()):
            pending = None
            state = verdicts(applied(base, ledger.amounts), norms, method, stages, now, groups)
    if pending is not None:
        notes.append("rounds")
        state = verdicts(applied(base, ledger.amounts), norms, method, stages, now, groups)
    # The verdicts after the plan: `state` is recomputed from the data with every addition
    # and move made (never assumed), and nothing was added since.
    after = state
    additions = addition_table(schools, ledger, prices)
    return assemble(method, prices, before, after, additions, moves, notes, stream=stream)


def _targets(base: pd.DataFrame, base_units: pd.DataFrame, ledger: Ledger, norms: Norms,
             method: Method, prices: dict[str, float], stages: tuple[str, ...], groups: Groups
             ) -> tuple[pd.DataFrame, dict[str, Target]]:
    """The stage units of the data with the plan so far (school_units of it: `base_units`
    with the added columns taken again), and what every unit still needs, in whole steps."""
    from edustat.planning.basic import basic_targets

    units = units_with(base_units, applied(base, ledger.amounts), stages, list(ledger.amounts))
    return units, (quality_targets(units, norms, prices, groups) if method == "quality"
                   else basic_targets(units, norms, prices, groups))


def _texts(column: pd.Series) -> list[str | None]:
    """A column as text, missing values as None; a text stays the object it is (converting
    every value to a numpy string and back cost a tenth of a second on a national plan)."""
    import pandas as pd

    values = column.to_numpy(dtype=object)
    texts: list[str | None]
    if pd.api.types.infer_dtype(values, skipna=False) == "string":  # all texts, none missing
        texts = values.tolist()
    else:
        missing = column.isna().to_numpy().tolist()
        texts = [None if gone else str(value)
                 for value, gone in zip(values.tolist(), missing, strict=True)]
    # As numpy's strings, which this replaces, held them: without trailing NULs.
    if "\x00" in "".join(filter(None, texts)):
        texts = [None if text is None else text.rstrip("\x00") for text in texts]
    return texts
