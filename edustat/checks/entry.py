"""`edustat figures` and `edustat check` from files (SPEC §7.3): every figure the tables give,
a draft report's figures (the claims file) held to them, and the rules `check` applies.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from edustat.checks.claims import CheckReport, match_claims
from edustat.checks.figure_report import FiguresReport, InputFile
from edustat.checks.figures import gather_figures, unique
from edustat.checks.rules import RulesReport, list_rules, rule_key_problems, run_rules
from edustat.enrolment.entry import enrolment_norms
from edustat.enrolment.rates import System
from edustat.inputs import as_path, as_paths
from edustat.norms import load_norms
from edustat.problems import InputError, Problem
from edustat.results import Progress, no_progress
from edustat.validate import validate_claims, validate_schools


def figures(paths: Sequence[Path | str], *, population: Path | str | None = None,
            system: System = "6-3", standards_file: Path | str | None = None,
            encoding: str | None = None, sheet: str | None = None,
            progress: Progress = no_progress) -> FiguresReport:
    """Every figure the school, exam and population tables in `paths` give, under its key
    (SPEC §7.3). Each file's kind is told by its header row. `progress(step, done, total)`
    hears how far it got."""
    norms = enrolment_norms(as_path(standards_file))  # a bad standards file: usage error, no work
    report, _ = gather_figures(as_paths(paths), population=as_path(population), system=system,
                               norms=norms, encoding=encoding, sheet=sheet, progress=progress)
    return report


def check(paths: Sequence[Path | str], *, claims: Path | str | None = None,
          previous: Sequence[Path | str] = (), population: Path | str | None = None,
          system: System = "6-3", standards_file: Path | str | None = None,
          encoding: str | None = None, sheet: str | None = None) -> CheckReport:
    """A draft report's figures (the claims file) against the data, and the consistency rules
    on the school data (SPEC §7.3). `previous` are school tables of earlier years used only for
    the year-on-year rule."""
    claims, previous = as_path(claims), as_paths(previous)
    standards_file = as_path(standards_file)
    norms = load_norms(standards_file)
    bad_rules = rule_key_problems(norms)
    if bad_rules:
        raise InputError([Problem(file=str(standards_file), code="bad_standards",
                                  params={"field": field, "reason": reason})
                          for field, reason in bad_rules])
    claim_table = validate_claims(claims, encoding=encoding) if claims is not None else None
    # A claims file that cannot be read stops the run; a bad row is one claim in error (and
    # shown as such, not again as a problem); notes such as unknown columns are kept.
    extra = [p for p in claim_table.problems
             if p.row is None or p.severity != "error"] if claim_table else []
    earlier = (validate_schools(list(previous), needed={}, encoding=encoding, sheet=sheet)
               if previous else None)
    if earlier is not None:
        extra += earlier.problems
    norms = enrolment_norms(standards_file)  # its rate minimums checked too
    report, schools = gather_figures(as_paths(paths), population=as_path(population),
                                     system=system, norms=norms, encoding=encoding, sheet=sheet,
                                     extra_problems=extra)
    results = (match_claims(claim_table, report.results, report.unavailable)
               if claim_table is not None else [])
    findings = run_rules(schools, norms, system, earlier) if schools is not None else []
    files = [*report.files, *(InputFile(file=str(p), kind="previous") for p in previous)]
    return CheckReport(files=files, claims_file=None if claims is None else str(claims),
                       results=results, problems=unique([*report.problems, *findings]),
                       unavailable=report.unavailable, rules=list(norms.consistency_rules))


def check_rules(*, standards_file: Path | str | None = None) -> RulesReport:
    """The consistency rules `edustat check` applies, with their bounds."""
    return list_rules(load_norms(as_path(standards_file)))
