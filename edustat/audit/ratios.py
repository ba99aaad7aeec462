"""Rules within one row: implausible ratios, exam candidates against the final grade, and the
consistency rules of `edustat check` and the input's own problems folded in (SPEC §10)."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from edustat.audit.frame import Rows, above, below, number
from edustat.audit.report import Finding
from edustat.audit.rules import Rule
from edustat.schema import SCHOOLS, STAGE_ZH, STAGES

if TYPE_CHECKING:
    import numpy as np

    from edustat.norms import Norms
    from edustat.problems import Problem

PUPIL_COLUMNS = ["primary_students", "junior_students", "senior_students"]


def pupils(rows: Rows) -> np.ndarray:
    """Pupils of the whole school (every stage; NaN when no stage count is given)."""
    import numpy as np

    stacked = np.column_stack([rows.col(c) for c in PUPIL_COLUMNS])
    total = np.nansum(stacked, axis=1)
    return np.where(np.isnan(stacked).all(axis=1), np.nan, total)


def per_pupil(rows: Rows, rule: Rule, column: str) -> list[Finding]:
    """A whole-school resource per pupil above `max` (schools of `min_pupils` or more)."""
    import numpy as np

    if not rows.present(column):
        return []
    everyone, value = pupils(rows), rows.col(column)
    judged = ~np.isnan(value) & (everyone >= rule["min_pupils"])
    over = judged & above(value, rule["max"] * everyone)
    found = []
    for pos in np.flatnonzero(over):
        shown = [column, *[c for c in PUPIL_COLUMNS if rows.col(c)[pos] > 0]]
        found.append(rows.finding(pos, rule, rule.code, shown, value=number(value[pos]),
                                  pupils=number(everyone[pos]),
                                  ratio=f"{value[pos] / everyone[pos]:.1f}",
                                  limit=number(rule["max"])))
    return found


def teachers_per_class(rows: Rows, rule: Rule) -> list[Finding]:
    """Full-time teachers per class of a stage outside [min, max]."""
    import numpy as np

    found = []
    for stage in STAGES:
        teachers, classes = rows.col(f"{stage}_teachers"), rows.col(f"{stage}_classes")
        students = rows.col(f"{stage}_students")
        judged = ~np.isnan(teachers) & (classes > 0) & (students > 0)
        out = judged & (below(teachers, rule["min"] * classes)
                        | above(teachers, rule["max"] * classes))
        for pos in np.flatnonzero(out):
            found.append(rows.finding(
                pos, rule, "teachers_per_class", [f"{stage}_teachers", f"{stage}_classes"],
                stage={"zh": STAGE_ZH[stage], "en": stage}, teachers=number(teachers[pos]),
                classes=number(classes[pos]), ratio=f"{teachers[pos] / classes[pos]:.2f}",
                low=number(rule["min"]), high=number(rule["max"])))
    return found


def candidates_over_pupils(exams: Rows, schools: Rows, rule: Rule) -> list[Finding]:
    """More 中考 candidates than the school's grade 9 pupils (or 高考 candidates than its senior
    pupils), in the school table of the exam's year and of the year before, whichever is larger:
    tables differ in whether a year's grade 9 sits the exam that year or the next."""
    import numpy as np

    exam = exams.frame["exam"].astype(object).to_numpy() if "exam" in exams.frame else None
    if exam is None:
        return []
    candidates = exams.col("candidates")
    same = schools.lookup(exams.ids, exams.years)
    earlier = schools.lookup(exams.ids, exams.years - 1)
    found = []
    for kind, column in (("zhongkao", "grade9_students"), ("gaokao", "senior_students")):
        if not schools.present(column):
            continue
        pupils_now = schools.at(schools.col(column), same)
        pupils_then = schools.at(schools.col(column), earlier)
        most = np.fmax(pupils_now, pupils_then)
        over = (exam == kind) & (most >= 1) & above(candidates, rule["max_share"] * most)
        for pos in np.flatnonzero(over):
            related = [schools.related(int(p), [column]) for p in (same[pos], earlier[pos])
                       if p >= 0]
            found.append(exams.finding(pos, rule, f"candidates_{kind}", ["candidates"],
                                       related=related, candidates=number(candidates[pos]),
                                       pupils=number(most[pos]),
                                       column={"zh": SCHOOLS.column(column).zh, "en": column}))
    return found


def consistency(schools: Rows, rule: Rule, norms: Norms, system: str) -> list[Finding]:
    """The consistency rules of `edustat check` named by the rule, run as check runs them."""
    from edustat.checks import run_rules

    chosen = {k: v for k, v in norms.consistency_rules.items() if k in rule.looks_at}
    if not chosen or not schools.n:
        return []
    only = norms.model_copy(update={"consistency_rules": chosen})
    return [_from_problem(schools, rule, p) for p in run_rules(schools.valid, only, system)]


def input_problems(rows: Rows, rule: Rule, problems: list[Problem]) -> list[Finding]:
    """The input's own row problems (a subset above its total, a cell that is not a number):
    each is a finding too, for the bureau to correct with the rest."""
    return [_from_problem(rows, rule, p) for p in problems
            if p.row is not None and p.severity in ("error", "warning")]


def _from_problem(rows: Rows, rule: Rule, problem: Problem) -> Finding:
    """A finding from a Problem of the check rules or of validation, worded by its own text."""
    positions = _positions(rows)
    pos = positions.get((problem.file, problem.row)) if problem.row is not None else None
    column = _canonical(rows, problem.file, problem.column)
    value = None
    with contextlib.suppress(ValueError):
        value = float(problem.value) if problem.value is not None else None
    base = rows.finding(pos, rule, problem.code, [column], values=[value]) if pos is not None \
        else Finding(rule=rule.code, code=problem.code, severity=rule.severity,
                     columns=[column], values=[value], file=problem.file, row=problem.row)
    # The cell as written (a value that is not a number has no float to show).
    written = {"written": f"{problem.column}：{problem.value}"} if problem.value else {}
    return base.model_copy(update={"params": {**problem.params, **written},
                                   "worded_by": "problem"})


def _positions(rows: Rows) -> dict[tuple[str, int], int]:
    cached = getattr(rows, "_positions", None)
    if cached is None:
        cached = {(f, int(r)): i for i, (f, r) in enumerate(zip(rows.files, rows.rows,
                                                               strict=True))}
        rows._positions = cached  # type: ignore[attr-defined]
    return cached


def _canonical(rows: Rows, file: str, written: str | None) -> str:
    """The canonical column of a header as written in `file`."""
    for canonical, header in rows.valid.written.get(file, {}).items():
        if header == written:
            return canonical
    return written or ""
