"""One function per command: read, validate, compute, and return a typed result.

These are the functions to call from Python; the command line is a thin layer over them. Each
raises `InputError` (carrying every problem found) when the input cannot be used. The bodies live
beside their families (`edustat.validation`, `edustat.balance`, `edustat.exams`,
`edustat.enrolment.entry`, `edustat.checks.entry`, …); a family's module is imported only when
its command runs (start-up time).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from edustat.balance import coefficient, standards
from edustat.indicators import Method
from edustat.norms import Norms
from edustat.results import Progress, no_progress
from edustat.schema import STAGES
from edustat.texts import Lang
from edustat.validation import ValidationReport, validate

if TYPE_CHECKING:
    from edustat.audit import AuditReport
    from edustat.audit.listing import AuditRulesReport
    from edustat.checks import CheckReport, FiguresReport, RulesReport
    from edustat.coefficients import CoefficientReport
    from edustat.enrolment import EnrolmentReport
    from edustat.enrolment import System as EnrolmentSystem
    from edustat.exams import ExamReport
    from edustat.validate import ValidTable

__all__ = ["ValidationReport", "audit", "audit_rules", "check", "check_draft", "check_rules",
           "coefficient", "enrolment", "exams", "figures", "plan", "report", "standards",
           "validate"]


def _coefficient(valid: ValidTable, norms: Norms, standard: Method, stages: tuple[str, ...],
                 schools: bool = False, counties: Sequence[str] = (),
                 paths: Sequence[Path] = (), *, stream: bool = False) -> CoefficientReport:
    """Coefficients of validated school rows (kept here for edustat.drafts.data)."""
    from edustat.balance import coefficients_of

    return coefficients_of(valid, norms, standard, stages, schools, counties, paths,
                           stream=stream)


def exams(paths: Sequence[Path | str] | Path | str, *, schools: bool = False,
          encoding: str | None = None,
          sheet: str | None = None) -> ExamReport:
    """Gaokao and zhongkao pass and admission rates of the exam tables in `paths` (SPEC §6)."""
    from edustat.exams import exams as exam_rates

    return exam_rates(paths, schools=schools, encoding=encoding, sheet=sheet)


def enrolment(paths: Sequence[Path | str] | Path | str, *, population: Path | str | None = None,
              system: EnrolmentSystem = "6-3", standards_file: Path | str | None = None,
              encoding: str | None = None, sheet: str | None = None) -> EnrolmentReport:
    """Enrolment, retention and dropout rates per county and year (SPEC §5).

    `paths` are yearly school tables (any order); `population` is an optional population table
    (SPEC §2.2), which wins over the school tables' age-population columns. `sheet` applies to
    the school tables only.
    """
    from edustat.enrolment.entry import enrolment as enrolment_rates

    return enrolment_rates(paths, population=population, system=system,
                           standards_file=standards_file, encoding=encoding, sheet=sheet)


def _enrolment_norms(standards_file: Path | None) -> Norms:
    """The norms, with their rate minimums checked (kept here for edustat.drafts.data)."""
    from edustat.enrolment.entry import enrolment_norms

    return enrolment_norms(standards_file)


def figures(paths: Sequence[Path | str], *, population: Path | str | None = None,
            system: EnrolmentSystem = "6-3", standards_file: Path | str | None = None,
            encoding: str | None = None, sheet: str | None = None,
            progress: Progress = no_progress) -> FiguresReport:
    """Every figure the school, exam and population tables in `paths` give, under its key
    (SPEC §7.3). Each file's kind is told by its header row. `progress(step, done, total)`
    hears how far it got."""
    from edustat.checks.entry import figures as all_figures

    return all_figures(paths, population=population, system=system,
                       standards_file=standards_file, encoding=encoding, sheet=sheet,
                       progress=progress)


def check(paths: Sequence[Path | str], *, claims: Path | str | None = None,
          previous: Sequence[Path | str] = (), population: Path | str | None = None,
          system: EnrolmentSystem = "6-3", standards_file: Path | str | None = None,
          encoding: str | None = None, sheet: str | None = None) -> CheckReport:
    """A draft report's figures (the claims file) against the data, and the consistency rules
    on the school data (SPEC §7.3). `previous` are school tables of earlier years used only for
    the year-on-year rule."""
    from edustat.checks.entry import check as check_claims

    return check_claims(paths, claims=claims, previous=previous, population=population,
                        system=system, standards_file=standards_file, encoding=encoding,
                        sheet=sheet)


def check_rules(*, standards_file: Path | str | None = None) -> RulesReport:
    """The consistency rules `edustat check` applies, with their bounds."""
    from edustat.checks.entry import check_rules as rules

    return rules(standards_file=standards_file)


def check_draft(draft: str | Path, tables: Sequence[str | Path] = (), *,
                population: str | Path | None = None, previous: Sequence[str | Path] = (),
                system: EnrolmentSystem = "6-3", standards_file: str | Path | None = None,
                encoding: str | None = None, sheet: str | None = None) -> Any:
    """A draft report (.docx, .txt, .md) checked figure by figure against the tables, and its own
    arithmetic (SPEC §7.4); a DraftCheckReport. `previous` are school tables of earlier years,
    for the year-on-year rule only."""
    from edustat.drafts.check import check_draft as check_the_draft

    return check_the_draft(draft, tables, population=population, previous=previous,
                           system=system, standards_file=standards_file, encoding=encoding,
                           sheet=sheet)


def report(paths: Sequence[str | Path], output: str | Path, *, standard: str = "both",
           exams: str | Path | None = None, enrolment: Sequence[str | Path] = (),
           population: str | Path | None = None, counties: Sequence[str] = (),
           standards_file: str | Path | None = None, encoding: str | None = None,
           sheet: str | None = None, plan: bool = False, prices_file: str | Path | None = None,
           lang: Lang = "zh") -> Any:
    """Write the county's report workbook (SPEC §9) to `output` — a .xlsx file, or a folder for
    one workbook per county — and return a WorkbookReport of what was written and the verdicts;
    `plan` adds the least-cost plan (SPEC §8) as a sheet."""
    from edustat.report.build import build_report

    return build_report([Path(p) for p in paths], Path(output), standard=standard,  # type: ignore[arg-type]
                        exams=Path(exams) if exams is not None else None,
                        enrolment=[Path(p) for p in enrolment],
                        population=Path(population) if population is not None else None,
                        counties=counties,
                        standards_file=Path(standards_file) if standards_file else None,
                        encoding=encoding, sheet=sheet, plan=plan,
                        prices_file=Path(prices_file) if prices_file else None, lang=lang)


def audit(paths: Sequence[str | Path] | str | Path, *, rules_file: str | Path | None = None,
          standards_file: str | Path | None = None, system: EnrolmentSystem = "6-3",
          encoding: str | None = None, sheet: str | None = None) -> AuditReport:
    """The data-quality issue list (问题清单) of several years of school tables, and exam tables
    among `paths` (SPEC §10)."""
    from edustat.audit import audit as run_audit
    from edustat.inputs import as_path, as_paths

    return run_audit(as_paths(paths), rules_file=as_path(rules_file),
                     standards_file=as_path(standards_file), system=system, encoding=encoding,
                     sheet=sheet)


def audit_rules(*, rules_file: str | Path | None = None,
                standards_file: str | Path | None = None) -> AuditRulesReport:
    """The rules `edustat audit` applies, with their thresholds."""
    from edustat.audit.listing import list_rules

    return list_rules(rules_file, standards_file)


def plan(paths: Sequence[str | Path], *, standard: Method = "quality",
         prices_file: str | Path | None = None, stages: Sequence[str] = STAGES,
         counties: Sequence[str] = (), move_teachers: bool = False,
         standards_file: str | Path | None = None, encoding: str | None = None,
         sheet: str | None = None, stream: bool = False) -> Any:
    """The least-cost additions for each county and stage to meet `standard` (SPEC §8);
    a PlanReport, verified by recomputing with the additions made. `stream=True` leaves
    `report.results` empty for writing JSON or CSV (built when read: `report.full()`)."""
    from edustat.planning.entry import plan_files
    from edustat.units import distinct_stages

    return plan_files(paths, standard=standard, prices_file=prices_file,
                      stages=distinct_stages(stages),
                      counties=counties, move_teachers=move_teachers,
                      standards_file=standards_file, encoding=encoding, sheet=sheet,
                      stream=stream)
