"""Every figure the data gives, under one key (SPEC §7.3), computed by a registry of families.

    coefficient.{basic|quality}.{stage}.composite           综合差异系数
    coefficient.{basic|quality}.{stage}.{indicator}         the indicator's CV (差异系数)
    coefficient.{basic|quality}.{stage}.{indicator}.mean    its county value (县域值)
    standards.{stage}.schools | passing_schools | failing_schools | passing_share
    standards.{stage}.{indicator}.shortfall                 what the failing units lack, summed
    enrolment.{rate}                                        SPEC §5 keys
    exams.{exam}.candidates, exams.{exam}.{rate}, exams.{exam}.{rate}.count

The families are registered in `edustat.checks.families` (the table each needs, how it computes
its report, the figures of that report); this module holds every key there is, the order of the
figures, why a family cannot be computed, and gathering every family's figures from the files.
Names and notes are phrases, worded in the JSON's language.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from edustat.checks.families import (
    REGISTRY,
    Family,
    Tables,
    coefficient_figures,
    enrolment_figures,
    exam_figures,
    family,
    standards_figures,
)
from edustat.checks.figure_report import (
    Figure,
    FiguresReport,
    InputFile,
    Unavailable,
    _phrase,
)
from edustat.exams import EXAMS_ORDER, rates_for
from edustat.indicators import METHODS, indicators_for
from edustat.problems import InputError, Problem, has_errors
from edustat.results import (
    Phrase,
    Progress,
    no_progress,
)
from edustat.schema import STAGES
from edustat.texts import both

if TYPE_CHECKING:
    from edustat.norms import Norms

# Everything public, with the families' names (edustat.checks.families) importable from here too.
__all__ = ["FAMILIES", "REGISTRY", "USAGE_CODES", "Family", "Tables", "catalogue",
           "coefficient_figures", "enrolment_figures", "exam_figures", "family", "family_of",
           "gather_figures", "order_figures", "standards_figures", "unavailable_reason",
           "unique"]

# Figures are ordered by family, in this order.
FAMILIES = ("coefficient.basic", "coefficient.quality", "standards", "enrolment", "exams")
# Problems of a family that are the user's to fix before anything runs, not "cannot compute".
USAGE_CODES = ("bad_standards", "file_missing", "unknown_encoding", "no_sheet")


# ---------------------------------------------------------------------------------------------
# Keys, order, reasons

def catalogue() -> dict[str, str]:
    """Every figure key there is, each with its family, whatever the data holds."""
    keys: dict[str, str] = {}
    for method in METHODS:
        name = f"coefficient.{method}"
        for stage in STAGES:
            keys[f"{name}.{stage}.composite"] = name
            for indicator in indicators_for(method):
                keys[f"{name}.{stage}.{indicator.key}"] = name
                keys[f"{name}.{stage}.{indicator.key}.mean"] = name
    for stage in STAGES:
        for part in ("schools", "passing_schools", "failing_schools", "passing_share"):
            keys[f"standards.{stage}.{part}"] = "standards"
        for indicator in indicators_for("quality"):
            keys[f"standards.{stage}.{indicator.key}.shortfall"] = "standards"
    from edustat.enrolment import RATE_KEYS

    for rate_key in RATE_KEYS:
        keys[f"enrolment.{rate_key}"] = "enrolment"
    for exam in EXAMS_ORDER:
        keys[f"exams.{exam}.candidates"] = "exams"
        for rate in rates_for(exam):
            keys[f"exams.{exam}.{rate.key}"] = "exams"
            keys[f"exams.{exam}.{rate.key}.count"] = "exams"
    return keys


def order_figures(figures: list[Figure]) -> list[Figure]:
    """County, then year, then the families in their fixed order (stable within each)."""
    import numpy as np

    # Each distinct place and key ranked once (a national file has 270 000 figures but a few
    # thousand places and a few hundred keys), then one stable sort of the ranks.
    places = list(zip([f.county for f in figures], [f.year for f in figures], strict=True))
    ranked = sorted(set(places), key=lambda p: (p[0] is None, p[0] or "", p[1] is None,
                                                p[1] or 0))
    place_rank = {place: i for i, place in enumerate(ranked)}
    family_order = {name: i for i, name in enumerate(FAMILIES)}
    keys = [f.key for f in figures]
    key_rank = {key: family_order[family_of(key)] for key in set(keys)}
    order = np.lexsort((np.array([key_rank[k] for k in keys], dtype=np.int64),
                        np.array([place_rank[p] for p in places], dtype=np.int64)))
    return [figures[i] for i in order.tolist()]


@lru_cache(maxsize=4096)  # a few hundred keys, each met thousands of times nationally
def family_of(key: str) -> str:
    """The family a key belongs to (its first one or two parts)."""
    first = key.split(".", 1)[0]
    return ".".join(key.split(".")[:2]) if first == "coefficient" else first


def unavailable_reason(problems: list[Problem]) -> Phrase:
    """Why a family cannot be computed: its first error, placed, and how many more there are."""
    errors = [p for p in problems if p.severity == "error"] or problems
    if not errors:
        return _phrase("figure.not_in_data")
    first = errors[0]
    where = {"zh": first.file, "en": first.file}
    if first.row is not None:
        where = both("label.file_row", file=first.file, row=first.row)
    if first.column and first.code != "missing_column":
        where = {lang: f"{text} {first.column}" for lang, text in where.items()}
    message = _phrase(f"problem.{first.code}", **first.params)
    if len(errors) > 1:
        return _phrase("figure.family_failed_more", where=where, message=message,
                       count=len(errors) - 1)
    return _phrase("figure.family_failed", where=where, message=message)


def unique(problems: Sequence[Problem]) -> list[Problem]:
    """Problems without repeats: each family's report carries the tables' own problems too."""
    seen: set[tuple[Any, ...]] = set()
    out = []
    for problem in problems:
        key = (problem.file, problem.row, problem.column, problem.code)
        if key not in seen:
            seen.add(key)
            out.append(problem)
    return out


# ---------------------------------------------------------------------------------------------
# Gathering every figure of the inputs

def gather_figures(paths: Sequence[Path], *, population: Path | None, system: str,
                   norms: Norms, encoding: str | None, sheet: str | None,
                   extra_problems: Sequence[Problem] = (),
                   progress: Progress = no_progress) -> tuple[FiguresReport, Any]:
    """Every figure the files can give, and the validated school rows (None without any)."""
    from edustat.validate import (
        table_kind,
        validate_exams,
        validate_population,
        validate_schools,
    )

    progress("read", 0, 0)
    kinds = {path: table_kind(path, encoding=encoding, sheet=sheet) for path in paths}
    given = {kind: [p for p in paths if kinds[p] == kind] for kind in
             ("schools", "exams", "population")}
    if population is not None:
        given["population"].append(population)
        kinds[population] = "population"
    problems = list(extra_problems)
    if len(given["population"]) > 1:
        problems.append(Problem(file=str(given["population"][1]), code="several_population",
                                params={"files": "、".join(map(str, given["population"]))}))
    # Each table is read and validated once; every family computes from the same rows.
    tables = Tables(
        schools=(validate_schools(given["schools"], needed={}, encoding=encoding, sheet=sheet,
                                  teaching_points=norms.teaching_points)
                 if given["schools"] else None),
        exams=(validate_exams(given["exams"], encoding=encoding, sheet=sheet)
               if given["exams"] else None),
        people=(validate_population(given["population"][:1], encoding=encoding)
                if given["population"] else None),
        norms=norms, system=system)
    for valid in (tables.schools, tables.exams, tables.people):
        if valid is not None:
            problems += valid.problems
    if has_errors(problems):
        raise InputError(unique(problems))

    figures: list[Figure] = []
    unavailable: list[Unavailable] = []
    for done, name in enumerate(FAMILIES):
        progress("family", done, len(FAMILIES))
        entry = REGISTRY[name]
        if getattr(tables, entry.table) is None:
            absent = f"figure.no_{'school' if entry.table == 'schools' else 'exam'}_table"
            unavailable.append(Unavailable(family=name, reason=_phrase(absent)))
            continue
        try:
            report = entry.compute(tables)
        except InputError as exc:
            if any(p.code in USAGE_CODES for p in exc.problems):
                raise
            unavailable.append(Unavailable(family=name, problems=exc.problems,
                                           reason=unavailable_reason(exc.problems)))
            continue
        problems.extend(report.problems)
        figures += entry.figures(report)
    report = FiguresReport(files=[InputFile(file=str(p), kind=kinds[p]) for p in kinds],
                           results=order_figures(figures), unavailable=unavailable,
                           problems=unique(problems))
    return report, tables.schools
