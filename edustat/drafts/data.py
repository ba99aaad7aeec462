"""What the data tables give a draft check: every figure under its key (SPEC §7.3), plus the
counts of school units and students per stage, the coefficient verdicts and the limits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from edustat.problems import InputError, Problem


@dataclass
class DataFigure:
    """One computed figure: its key, county, year, value (None: cannot be computed) and why."""

    key: str
    county: str | None
    year: int | None
    value: float | bool | None
    kind: str  # share (written as %), count, number, verdict
    note: dict[str, str] | None = None  # why it cannot be computed, in both languages


@dataclass
class DraftData:
    """The figures of the tables given, by key, and the families that could not be computed."""

    tables: list[str] = field(default_factory=list)
    by_key: dict[str, list[DataFigure]] = field(default_factory=dict)
    # family -> (reason code, params): no_school_table, no_exam_table, family_failed {detail}
    unavailable: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    counties: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    limits: dict[str, float] = field(default_factory=dict)  # limit.{method}.{stage}.{what}
    problems: list[Problem] = field(default_factory=list)

    def add(self, figure: DataFigure) -> None:
        """File a figure under its key."""
        self.by_key.setdefault(figure.key, []).append(figure)


def _both(phrases: Any) -> dict[str, str] | None:
    """Phrases (the core's worded-when-shown texts) as {"zh": …, "en": …}, or None."""
    from edustat.results import joined

    if not phrases:
        return None
    return {lang: joined(list(phrases), lang) for lang in ("zh", "en")}


def family(key: str) -> str:
    """The family of a key: coefficient.basic, standards, enrolment, exams, schools, limit."""
    parts = key.split(".")
    return ".".join(parts[:2]) if parts[0] == "coefficient" else parts[0]


def gather(paths: Sequence[Path], *, population: Path | None = None,
           previous: Sequence[Path] = (), system: Any = "6-3",
           standards_file: Path | None = None, encoding: str | None = None,
           sheet: str | None = None) -> DraftData:
    """Every figure the tables give; a family the data cannot give is recorded with its reason."""
    from edustat import api
    from edustat.checks import gather_figures, rule_key_problems, run_rules
    from edustat.indicators import METHODS, needed_columns
    from edustat.schema import STAGES
    from edustat.validate import require_columns, validate_schools

    norms = api._enrolment_norms(standards_file)  # a bad standards file: usage error, no work
    bad_rules = rule_key_problems(norms)
    if bad_rules:
        raise InputError([Problem(file=str(standards_file), code="bad_standards",
                                  params={"field": field, "reason": reason})
                          for field, reason in bad_rules])
    data = DraftData(tables=[str(p) for p in paths])
    for stage, limit in norms.composite_limits.items():
        data.limits[f"limit.basic.{stage}.composite"] = float(limit)
    for stage, limit in norms.indicator_limits.items():
        data.limits[f"limit.quality.{stage}.indicator"] = float(limit)
    if not paths and population is None:
        return data
    earlier = (validate_schools(list(previous), needed={}, encoding=encoding, sheet=sheet)
               if previous else None)
    report, schools = gather_figures(list(paths), population=population, system=system,
                                     norms=norms, encoding=encoding, sheet=sheet,
                                     extra_problems=earlier.problems if earlier else ())
    data.problems = list(report.problems)
    for figure in report.results:
        data.add(DataFigure(key=figure.key, county=figure.county, year=figure.year,
                            value=figure.value, kind=figure.kind, note=_both(figure.note)))
    kinds = {f.kind for f in report.files}
    for item in report.unavailable:
        if not item.problems:
            code = "no_exam_table" if item.family == "exams" and "exams" not in kinds else (
                "no_school_table" if "schools" not in kinds else "not_in_data")
            data.unavailable[item.family] = (code, {})
        else:
            data.unavailable[item.family] = ("family_failed", {"detail": _both([item.reason])})
    if schools is not None:
        # The plausibility rules of the claims route (§7.3) run on the school data here too; their
        # findings are the report's problems, shown after the table as in `check --claims`.
        data.problems += run_rules(schools, norms, system, earlier)
        # Units, students and verdicts per stage come from the coefficient results themselves.
        counted = False
        for method in METHODS:
            try:
                result = api._coefficient(require_columns(schools, needed_columns(method)), norms,
                                          method, STAGES)
            except InputError:
                continue
            for one in result.results:
                county, year = one.county, one.year
                data.add(DataFigure(key=f"coefficient.{method}.{one.stage}.meets",
                                    county=county, year=year, value=bool(one.meets),
                                    kind="verdict"))
                if not counted:
                    data.add(DataFigure(key=f"schools.{one.stage}.units", county=county,
                                        year=year, value=float(one.schools), kind="count"))
                    data.add(DataFigure(key=f"schools.{one.stage}.students", county=county,
                                        year=year, value=float(one.students), kind="count"))
            counted = True
        if not counted:
            data.unavailable["schools"] = data.unavailable.get(
                "coefficient.basic", ("not_in_data", {}))
    else:
        data.unavailable["schools"] = ("no_school_table", {})
    places = {(f.county, f.year) for figures in data.by_key.values() for f in figures}
    data.counties = tuple(sorted({c for c, _ in places if c is not None}))
    data.years = tuple(sorted({y for _, y in places if y is not None}))
    return data
