"""Reading, validating and planning from files: the body of `edustat.api.plan`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from edustat.indicators import Method, needed_columns
from edustat.norms import load_norms
from edustat.planning.prices import load_prices
from edustat.planning.report import PlanReport
from edustat.problems import InputError, Problem
from edustat.schema import STAGES
from edustat.validate import validate_schools


def plan_files(paths: Sequence[str | Path], *, standard: Method = "quality",
               prices_file: str | Path | None = None, stages: Sequence[str] = STAGES,
               counties: Sequence[str] = (), move_teachers: bool = False,
               standards_file: str | Path | None = None, encoding: str | None = None,
               sheet: str | None = None, stream: bool = False) -> PlanReport:
    """The plan of the school tables in `paths`; raises InputError for unusable input.
    `stream=True`: see compute_plan (for writing JSON or CSV)."""
    from edustat.planning.compute import compute_plan

    files = [Path(p) for p in paths]
    # Norms and prices first: a bad file is reported before the tables are read.
    norms = load_norms(Path(standards_file) if standards_file is not None else None)
    prices = load_prices(Path(prices_file) if prices_file is not None else None)
    stages = tuple(stages)
    valid = validate_schools(files, needed=needed_columns(standard, stages), encoding=encoding,
                             sheet=sheet, teaching_points=norms.teaching_points)
    if not valid.ok:
        raise InputError(valid.problems)
    frame = valid.frame
    if counties:
        present = set(frame["county"].dropna().astype(str))
        missing = [c for c in counties if c not in present]
        if missing:
            raise InputError([Problem(file=", ".join(map(str, files)), column="county",
                                      value=name, code="no_county",
                                      params={"counties": "、".join(sorted(present)[:20])})
                              for name in missing])
        frame = frame[frame["county"].isin(list(counties))]
    report = compute_plan(frame, norms, standard, prices, stages, move_teachers=move_teachers,
                          stream=stream)
    report.problems = valid.problems
    return report
