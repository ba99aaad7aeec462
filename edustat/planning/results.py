"""Assembling the plan's report: one result per county, year and stage, before and after."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from edustat.indicators import Method
from edustat.planning.report import Move, PlanIndicator, PlanReport, PlanResult

if TYPE_CHECKING:
    from edustat.planning.compute import GroupKey, Verdicts


def assemble(method: Method, prices: dict[str, float], before: Verdicts, after: Verdicts,
             additions: dict[GroupKey, list[dict[str, Any]]],
             moves: list[tuple[GroupKey, Move]],
             notes: list[str]) -> PlanReport:
    """The report of a plan from the verdicts before and after it and its additions."""
    from edustat.planning.compute import _key

    by_group = additions
    moves_by_group: dict[GroupKey, list[Move]] = {}
    for key, move in moves:
        moves_by_group.setdefault(key, []).append(move)
    after_by_key = {_key(r.county, r.year, r.stage): r for r in after.coefficients.results}
    listed = {_key(r.county, r.year, r.stage) for r in before.coefficients.results}
    if not set(by_group) <= listed or not set(moves_by_group) <= listed:
        # Never drop an addition silently: a plan whose rows do not add up is a bug.
        raise RuntimeError(f"plan rows for unknown groups: {set(by_group) - listed}")
    results = []
    for result in before.coefficients.results:
        key = _key(result.county, result.year, result.stage)
        later = after_by_key[key]
        later_indicators = {i.key: i for i in later.indicators}
        items = [PlanIndicator.model_construct(
            key=i.key, cv_before=i.cv, cv_after=later_indicators[i.key].cv, limit=i.limit,
            meets_before=i.meets, meets_after=later_indicators[i.key].meets)
            for i in result.indicators]
        group_additions = by_group.get(key, [])  # already school by school, as in the input
        results.append(PlanResult.model_construct(**{
            "county": key[0], "year": key[1], "stage": key[2], "schools": result.schools,
            "meets_before": before.meets[key], "meets_after": after.meets[key],
            "indicators": items, "composite_before": result.composite,
            "composite_after": later.composite, "composite_limit": result.limit,
            "schools_failing_before": before.failing.get(key) if method == "quality" else None,
            "schools_failing_after": after.failing.get(key) if method == "quality" else None,
            "additions": group_additions, "moves": moves_by_group.get(key, []),
            "cost": math.fsum(a["cost"] for a in group_additions),
            "notes": list(notes) if not after.meets[key] else []}))
    # Built without validation: every value comes from edustat's own computation, typed as the
    # fields say, and a province's plan has hundreds of thousands of additions to re-check.
    return PlanReport.model_construct(standard=method, prices=prices, results=results,
                                      cost=math.fsum(r.cost for r in results))
