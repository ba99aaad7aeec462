"""Assembling the plan's report: one result per county, year and stage, before and after."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from edustat.indicators import Method
from edustat.planning.report import Addition, Move, PlanReport

# Additions are listed school by school, facilities first, in the order of the returns.
_COLUMN_ORDER = {c: i for i, c in enumerate(
    ("teaching_area", "sports_area", "equipment_value", "computers", "books",
     "multimedia_rooms", "teachers", "degree_teachers", "titled_teachers", "backbone_teachers",
     "arts_pe_teachers"))}

if TYPE_CHECKING:
    from edustat.planning.compute import GroupKey, Verdicts


def assemble(method: Method, prices: dict[str, float], before: Verdicts, after: Verdicts,
             additions: list[tuple[GroupKey, Addition]], moves: list[tuple[GroupKey, Move]],
             notes: list[str]) -> PlanReport:
    """The report of a plan from the verdicts before and after it and its additions."""
    from edustat.planning.compute import _key

    by_group: dict[GroupKey, list[Addition]] = {}
    for key, addition in additions:
        by_group.setdefault(key, []).append(addition)
    moves_by_group: dict[GroupKey, list[Move]] = {}
    for key, move in moves:
        moves_by_group.setdefault(key, []).append(move)
    after_by_key = {_key(r.county, r.year, r.stage): r for r in after.coefficients.results}
    results = []
    for result in before.coefficients.results:
        key = _key(result.county, result.year, result.stage)
        later = after_by_key[key]
        later_indicators = {i.key: i for i in later.indicators}
        items = [{"key": i.key, "cv_before": i.cv, "cv_after": later_indicators[i.key].cv,
                  "limit": i.limit, "meets_before": i.meets,
                  "meets_after": later_indicators[i.key].meets} for i in result.indicators]
        group_additions = sorted(by_group.get(key, []),
                                 key=lambda a: (a.school_id or "", _COLUMN_ORDER.get(
                                     a.column.split("_", 1)[-1] if a.column.startswith(
                                         ("primary_", "junior_")) else a.column, 99)))
        results.append({
            "county": key[0], "year": key[1], "stage": key[2], "schools": result.schools,
            "meets_before": before.meets[key], "meets_after": after.meets[key],
            "indicators": items, "composite_before": result.composite,
            "composite_after": later.composite, "composite_limit": result.limit,
            "schools_failing_before": before.failing.get(key) if method == "quality" else None,
            "schools_failing_after": after.failing.get(key) if method == "quality" else None,
            "additions": group_additions, "moves": moves_by_group.get(key, []),
            "cost": math.fsum(a.cost for a in group_additions),
            "notes": list(notes) if not after.meets[key] else []})
    return PlanReport.model_validate({
        "standard": method, "prices": prices, "results": results,
        "cost": math.fsum(r["cost"] for r in results)})
