"""Teacher transfers between schools (交流轮岗) that keep the county's totals (SPEC §8).

Within one county, year and stage, one teacher of a kind at a time moves from the school where
one teacher weighs least to the school where one weighs most: from the donor whose value stays
highest after giving, to the receiver lowest after receiving — the move that lowers the spread
most (with totals fixed, Σ R²/P falls by (2R_d − 1)/P_d − (2R_r + 1)/P_r). Receivers below their
per-school standard come first. A donor never falls below its own standard, and never below the
stage's other teacher columns (a school cannot have more backbone teachers than teachers).
Moves stop when the indicator's CV is within its limit and no school is below its standard, or
when no move helps; what moving cannot do is then hired by the plan. Greedy: each move is the
best single move, so the count is small but not proven least.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from edustat.indicators import Method, indicators_for
from edustat.norms import Norms
from edustat.planning import waterfill
from edustat.planning.report import Move
from edustat.planning.targets import AIM, unit_groups
from edustat.units import school_units
from edustat.verdicts import at_least, below

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

MAX_MOVES_PER_GROUP = 10_000
TEACHER_KINDS = ("teachers", "degree_teachers", "titled_teachers", "backbone_teachers",
                 "arts_pe_teachers")


def plan_moves(schools: pd.DataFrame, norms: Norms, method: Method, stages: tuple[str, ...]
               ) -> tuple[dict[str, np.ndarray], list[tuple[Any, Move]]]:
    """Teacher moves per county, year and stage: the change of each teacher column per school
    (summing to 0 in every county), and the moves, with the group each belongs to."""
    import numpy as np

    from edustat.planning.compute import _key, _school_positions

    units = school_units(schools, norms, stages)
    if units.empty:
        return {}, []
    groups = unit_groups(units)
    positions = _school_positions(schools, units)
    students = units["students"].to_numpy(dtype=float)
    delta: dict[str, np.ndarray] = {}
    moves: list[tuple[Any, Move]] = []
    teacher_indicators = [i for i in indicators_for(method) if i.resource in TEACHER_KINDS]
    order = np.argsort(groups.codes, kind="stable")
    bounds = np.searchsorted(groups.codes[order], np.arange(groups.count + 1))
    for g in range(groups.count):
        rows = order[bounds[g]:bounds[g + 1]]
        if len(rows) < 2:
            continue
        stage = str(groups.stages[g])
        pos = positions[rows]
        counts = {kind: np.nan_to_num(schools[f"{stage}_{kind}"].to_numpy(dtype=float)[pos])
                  for kind in TEACHER_KINDS}
        start = {kind: c.copy() for kind, c in counts.items()}
        limit = (norms.composite_limits[stage] if method == "basic"
                 else norms.indicator_limits[stage])
        for indicator in teacher_indicators:
            standard = (norms.school_standards.get(stage, {}).get(indicator.key, 0.0)
                        / indicator.per if method == "quality" else 0.0)
            pairs = _move_kind(indicator.resource, counts, students[rows], standard, limit)
            first = rows[0]
            key = _key(units["county"].iat[first], units["year"].iat[first], stage)
            for (d, r), count in pairs.items():
                moves.append((key, Move(
                    column=f"{stage}_{indicator.resource}", count=count,
                    from_school_id=_text(schools["school_id"].iat[pos[d]]),
                    from_school_name=_text(schools["school_name"].iat[pos[d]]),
                    to_school_id=_text(schools["school_id"].iat[pos[r]]),
                    to_school_name=_text(schools["school_name"].iat[pos[r]]))))
        for kind in TEACHER_KINDS:
            change = counts[kind] - start[kind]
            if change.any():
                column = f"{stage}_{kind}"
                delta.setdefault(column, np.zeros(len(schools)))
                np.add.at(delta[column], pos, change)
    return delta, moves


def _move_kind(kind: str, counts: dict[str, np.ndarray], students: np.ndarray,
               standard: float, limit: float) -> dict[tuple[int, int], int]:
    """Move teachers of `kind` one at a time (updating `counts`); the moves as
    (donor, receiver) -> how many."""
    import numpy as np

    held = counts[kind]
    total = counts["teachers"]
    others = [counts[k] for k in TEACHER_KINDS if k not in ("teachers", kind)]
    pairs: dict[tuple[int, int], int] = {}
    for _ in range(MAX_MOVES_PER_GROUP):
        short = below(held / students, standard)  # as `standards` judges it
        if not short.any() and waterfill.cv(students, held / students) <= limit * AIM:
            break
        after_giving = held - 1
        # A moved teacher leaves its school's full-time teachers too: the other kinds must
        # still fit in what is left (moving a full-time teacher itself: they all must).
        fits = total - 1 >= (np.max(np.vstack(others), axis=0) if others else 0)
        if kind != "teachers":
            fits &= after_giving <= total - 1
        donor_ok = (held >= 1) & at_least(after_giving / students, standard) & fits
        if not donor_ok.any():
            break
        donor_term = np.where(donor_ok, (2 * held - 1) / students, -np.inf)
        receiver_ok = short if short.any() else np.ones(len(held), dtype=bool)
        receiver_term = np.where(receiver_ok, (2 * held + 1) / students, np.inf)
        d, r = int(np.argmax(donor_term)), int(np.argmin(receiver_term))
        if d == r or donor_term[d] - receiver_term[r] <= 0:
            break  # no move lowers the spread
        held[d] -= 1
        held[r] += 1
        if kind != "teachers":
            total[d] -= 1
            total[r] += 1
        pairs[(d, r)] = pairs.get((d, r), 0) + 1
    return pairs


def _text(value: Any) -> str | None:
    return None if value is None or value != value else str(value)
