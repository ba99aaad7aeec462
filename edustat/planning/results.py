"""Assembling the plan's report: one result per county, year and stage, before and after.

The results are plain records first (`PlanTable`), the additions columns (`AdditionTable`): a
report written as JSON is written from them directly, a result at a time
(`write_plan_json`); the pydantic models of `PlanReport.results` are built from them only
where a caller reads the results (`materialize`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO

from edustat.indicators import Method
from edustat.planning.additions import AdditionTable, check_groups
from edustat.planning.report import Move, PlanIndicator, PlanReport, PlanResult

if TYPE_CHECKING:
    from edustat.planning.compute import GroupKey, Verdicts

# A chunk of results serialized alone, `{"results": [...]}` at indent 1, puts them as deep as the
# report does; these are the bytes around them.
_CHUNK_HEAD = b'{\n "results": ['
_CHUNK_TAIL = b"\n ]\n}"
# A result's additions in that serialization, left empty to be filled from the columns.
_ADDITIONS = b'\n   "additions": []'
_CHUNK = 500


@dataclass
class PlanTable:
    """The results as records in the report's order (fields as PlanResult's, additions left
    empty) and, for each, its group in the additions table (None: it adds nothing)."""

    records: list[dict[str, Any]]
    groups: list[int | None]
    additions: AdditionTable


def assemble(method: Method, prices: dict[str, float], before: Verdicts, after: Verdicts,
             additions: AdditionTable, moves: list[tuple[GroupKey, Move]],
             notes: list[str], *, stream: bool = False) -> PlanReport:
    """The report of a plan from the verdicts before and after it and its additions;
    `stream=True` leaves `results` empty (the report writes them from its records)."""
    from edustat.planning.compute import _key

    by_group = additions.groups()
    moves_by_group: dict[GroupKey, list[Move]] = {}
    for key, move in moves:
        moves_by_group.setdefault(key, []).append(move)
    first, later = before.coefficients, after.coefficients
    after_index = {_key(r["county"], r["year"], r["stage"]): n
                   for n, r in enumerate(later.results)}
    listed = {_key(r["county"], r["year"], r["stage"]) for r in first.results}
    check_groups(additions, listed)
    if not set(moves_by_group) <= listed:
        raise RuntimeError(f"plan moves for unknown groups: {set(moves_by_group) - listed}")
    # Each indicator's figures before and after, read from the coefficients' columns.
    columns = [(c.indicator.key, c.cv, c.limit, c.meets, d.cv, d.meets)
               for c, d in zip(first.indicators, later.indicators, strict=True)]
    if any(c.indicator.key != d.indicator.key
           for c, d in zip(first.indicators, later.indicators, strict=True)):
        raise RuntimeError("plan: the indicators before and after differ")
    records: list[dict[str, Any]] = []
    groups: list[int | None] = []
    for n, result in enumerate(first.results):
        key = _key(result["county"], result["year"], result["stage"])
        m = after_index[key]
        items = [{"key": k, "cv_before": cv[n], "cv_after": cv_after[m],
                  "limit": None if limit is None else limit[n],
                  "meets_before": None if meets is None else meets[n],
                  "meets_after": None if meets_after is None else meets_after[m]}
                 for k, cv, limit, meets, cv_after, meets_after in columns]
        group = by_group.get(key)
        groups.append(group)
        # The keys in PlanResult's order: the JSON is written from these records.
        records.append({
            "county": key[0], "year": key[1], "stage": key[2], "schools": result["schools"],
            "meets_before": before.meets[key], "meets_after": after.meets[key],
            "indicators": items, "composite_before": result["composite"],
            "composite_after": later.results[m]["composite"],
            "composite_limit": result["limit"],
            "schools_failing_before": before.failing.get(key) if method == "quality" else None,
            "schools_failing_after": after.failing.get(key) if method == "quality" else None,
            "additions": [], "moves": moves_by_group.get(key, []),
            "cost": additions.cost_of(group),
            "notes": list(notes) if not after.meets[key] else []})
    table = PlanTable(records=records, groups=groups, additions=additions)
    # Built without validation: every value comes from edustat's own computation, typed as the
    # fields say, and a province's plan has hundreds of thousands of additions to re-check.
    report = PlanReport.model_construct(standard=method, prices=prices,
                                        results=[] if stream else _results(table),
                                        cost=math.fsum(r["cost"] for r in records))
    report._table = table
    return report


def _results(table: PlanTable) -> list[PlanResult]:
    """The results as models, with their additions as records."""
    return [PlanResult.model_construct(**{
        **record, "indicators": [PlanIndicator.model_construct(**i)
                                 for i in record["indicators"]],
        "additions": table.additions.records(group)})
        for record, group in zip(table.records, table.groups, strict=True)]


def materialize(report: PlanReport, table: PlanTable) -> PlanReport:
    """A streamed report with its results built as models (for tables, CSV, XLSX, to_dict)."""
    full = report.model_copy(update={"results": _results(table)})
    full._table = table
    return full


def write_plan_json(report: PlanReport, table: PlanTable, out: BinaryIO) -> None:
    """The report's JSON and a final newline, byte for byte what pydantic writes for the whole
    report, written a chunk of results at a time, the additions from their columns."""
    import pydantic_core

    from edustat.jsonstream import split_frame

    frame = report.model_copy(update={"results": []}) if report.results else report
    whole = frame.__pydantic_serializer__.to_json(frame, indent=1)
    if not table.records:  # no county at all: the frame is the report
        out.write(whole + b"\n")
        return
    head, tail = split_frame(whole, "results")
    items = table.additions.json_items()
    out.write(head)
    for start in range(0, len(table.records), _CHUNK):
        records = table.records[start:start + _CHUNK]
        data = pydantic_core.to_json({"results": records}, indent=1, inf_nan_mode="null")
        parts = data[len(_CHUNK_HEAD):-len(_CHUNK_TAIL)].split(_ADDITIONS)
        if len(parts) != len(records) + 1:  # a text holding the marker cannot: JSON escapes it
            raise RuntimeError("plan JSON: additions marker not found once per result")
        if start:
            out.write(b",")
        out.write(parts[0])
        # Each result's additions written as they are joined (never all 200 MB at once).
        for group, part in zip(table.groups[start:start + _CHUNK], parts[1:], strict=True):
            added = items(group)
            if added:
                out.write(b'\n   "additions": [')
                out.write(added)
                out.write(b"\n   ]")
            else:
                out.write(_ADDITIONS)
            out.write(part)
    out.write(tail + b"\n")
