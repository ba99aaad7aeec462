"""One function per command: read, validate, compute, and return a typed result.

These are the functions to call from Python; the command line is a thin layer over them. Each
raises `InputError` (carrying every problem found) when the input cannot be used.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import Field

from edustat.coefficients import CoefficientReport, compute_coefficients
from edustat.indicators import Method, needed_columns
from edustat.norms import Norms, load_norms
from edustat.problems import InputError, Problem, has_errors
from edustat.results import (
    EXIT_DATA,
    EXIT_OK,
    EXIT_USAGE,
    USAGE_CODES,
    Progress,
    Report,
    Sheets,
    no_progress,
)
from edustat.schema import STAGES
from edustat.texts import Lang, both
from edustat.units import school_units

if TYPE_CHECKING:  # each family's module is imported by its command only (start-up time)
    from edustat.audit import AuditReport
    from edustat.audit.listing import AuditRulesReport
    from edustat.checks import CheckReport, FiguresReport, RulesReport
    from edustat.enrolment import EnrolmentReport
    from edustat.enrolment import System as EnrolmentSystem
    from edustat.exams import ExamReport
    from edustat.standards import StandardsReport

from edustat.validate import (
    ValidTable,
    own_problems,
    table_kind,
    validate_exams,
    validate_population,
    validate_schools,
)


def _path(path: Path | str | None) -> Path | None:
    """A path given as text or Path (None stays None)."""
    return None if path is None else Path(path)


def _paths(paths: Sequence[Path | str] | Path | str) -> list[Path]:
    """Paths given as text or Path; one path alone is a list of one. Each readable file is read
    here, once (issue 14.7: a FIFO or `<(cat f.csv)` can be read only once): the Source that
    stands for it is path-like, and telling its kind and reading its rows share the bytes."""
    from edustat.reader import as_sources

    if isinstance(paths, (str, Path)):
        paths = [paths]
    return as_sources([Path(p) for p in paths])  # type: ignore[return-value]


# The command that reads each kind of table, for the message when a file goes to another one.
_COMMAND_FOR = {"schools": "edustat coefficient / standards / enrolment", "exams": "edustat exams",
                "population": "edustat enrolment --population"}


def _refuse_other_tables(valid: ValidTable, paths: Sequence[Path], expected: str,
                         encoding: str | None, sheet: str | None) -> None:
    """When `paths` did not validate as `expected` tables, say so plainly if a file is another
    kind of table (an exam table given to `coefficient`), rather than list its missing columns."""
    if valid.ok:
        return
    for path in paths:
        try:
            kind = table_kind(path, encoding=encoding, sheet=sheet)
        except Exception:
            continue
        if kind != expected:
            raise InputError([Problem(file=str(path), code="wrong_table",
                                      params={"kind": both(f"table_kind.{kind}"),
                                              "command": _COMMAND_FOR[kind]})])


class ValidationReport(Report):
    """What `edustat validate` found: every problem of every file."""

    json_from_dict = True
    # The problems are the report itself: never repeated on standard error.
    problems_shown_in: ClassVar[tuple[str, ...]] = ("table", "json", "csv", "file")

    files: list[str]
    rows: int
    problems: list[Problem] = Field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no problem is an error."""
        return not has_errors(self.problems)

    def counts(self) -> dict[str, int]:
        """How many problems of each severity."""
        out = {"error": 0, "warning": 0, "note": 0}
        for problem in self.problems:
            out[problem.severity] += 1
        return out

    def to_dict(self, lang: Lang = "zh") -> dict[str, Any]:
        """The JSON of `validate`: files, rows, counts and the problem records."""
        return {"files": self.files, "rows": self.rows, "ok": self.ok, **self.counts(),
                "problems": [p.as_record(lang) for p in self.problems]}

    def to_rows(self, lang: Lang = "zh") -> list[dict[str, Any]]:
        """One flat record per problem, for CSV and XLSX."""
        return [p.as_record(lang) for p in self.problems]

    def sheets(self, lang: Lang = "zh") -> Sheets:
        """One table: every problem."""
        return {"problems": self.to_rows(lang)}

    def exit_code(self, strict: bool = False) -> int:
        """0 clean; 2 when a problem is the command line's (an unknown encoding or sheet);
        1 when the data has errors."""
        if self.ok:
            return EXIT_OK
        return EXIT_USAGE if any(p.code in USAGE_CODES for p in self.problems) else EXIT_DATA


def validate(paths: Sequence[Path | str] | Path | str, *, standard: Method | None = None,
             encoding: str | None = None, sheet: str | None = None,
             header_rows: tuple[int, int] | None = None,
             teaching_points: str | None = None) -> ValidationReport:
    """Validate tables of any kind — school, exam or population, told by each file's header.
    School tables must have what the coefficients need: of the method named, else of both
    methods, so that a clean `validate` means `coefficient` and `standards` run."""
    paths = _paths(paths)
    kinds: dict[str, list[Path]] = {}
    for path in paths:
        kinds.setdefault(table_kind(path, encoding=encoding, sheet=sheet), []).append(path)
    needed = (needed_columns(standard) if standard
              else {**needed_columns("basic"), **needed_columns("quality")})
    checks = {"schools": lambda files: validate_schools(files, needed=needed, encoding=encoding,
                                                        sheet=sheet, header_rows=header_rows,
                                                        teaching_points=teaching_points),
              "exams": lambda files: validate_exams(files, encoding=encoding, sheet=sheet),
              "population": lambda files: validate_population(files, encoding=encoding,
                                                              sheet=sheet)}
    rows, problems = 0, []
    for kind, files in kinds.items():
        valid = checks[kind](files)
        rows += len(valid.frame)
        problems.extend(valid.problems)
    return ValidationReport(files=[str(p) for p in paths], rows=rows, problems=problems)


def coefficient(paths: Sequence[Path | str] | Path | str, *, standard: Method = "basic",
                stages: Sequence[str] = STAGES, standards_file: Path | str | None = None,
                encoding: str | None = None, sheet: str | None = None,
                schools: bool = False, counties: Sequence[str] = (),
                header_rows: tuple[int, int] | None = None,
                teaching_points: str | None = None, stream: bool = False,
                progress: Progress = no_progress) -> CoefficientReport:
    """Difference coefficients of the school tables in `paths` (SPEC §3); `counties` keeps
    only those counties (all when empty). Teaching points follow `teaching_points`, else the
    standards file, else merge (SPEC §2.1). `stream=True` keeps the results as plain records
    for writing (`report.results` stays empty; `write_json`/`csv_rows`/`sheets` produce them).
    `progress(step, done, total)` hears how far it got."""
    paths = _paths(paths)
    norms = load_norms(_path(standards_file))
    progress("read", 0, 0)
    valid = validate_schools(paths, needed=needed_columns(standard, tuple(stages)),
                             encoding=encoding, sheet=sheet, header_rows=header_rows,
                             teaching_points=teaching_points or norms.teaching_points)
    _refuse_other_tables(valid, paths, "schools", encoding, sheet)
    progress("compute", 0, 0)
    return _coefficient(valid, norms, standard, tuple(stages), schools, counties, paths,
                        stream=stream)


def _coefficient(valid: ValidTable, norms: Norms, standard: Method, stages: tuple[str, ...],
                 schools: bool = False, counties: Sequence[str] = (),
                 paths: Sequence[Path] = (), *, stream: bool = False) -> CoefficientReport:
    """Coefficients of validated school rows (which carry the needed-column problems)."""
    if not valid.ok:
        raise InputError(valid.problems)
    units = school_units(_only_counties(valid.frame, counties, paths), norms, stages)
    report = compute_coefficients(units, standard, norms, with_units=schools, stream=stream)
    report.problems = valid.problems
    return report


def _only_counties(frame: Any, counties: Sequence[str], paths: Sequence[Path]) -> Any:
    """The rows of the named counties; a name the data does not have is an input error."""
    if not counties:
        return frame
    present = set(frame["county"].dropna().astype(str))
    missing = [c for c in counties if c not in present]
    if missing:
        raise InputError([Problem(file=", ".join(str(p) for p in paths), column="county",
                                  value=name, code="no_county",
                                  params={"counties": "、".join(sorted(present)[:20])})
                          for name in missing])
    return frame[frame["county"].isin(list(counties))]


def standards(paths: Sequence[Path | str] | Path | str, *, stages: Sequence[str] = STAGES,
              standards_file: Path | str | None = None, encoding: str | None = None,
              sheet: str | None = None,
              per_school: bool = True, counties: Sequence[str] = (),
              header_rows: tuple[int, int] | None = None,
              teaching_points: str | None = None,
              stream: bool = False, progress: Progress = no_progress) -> StandardsReport:
    """Each school unit against the per-school quality-balance standards (SPEC §4);
    `per_school=False` keeps only the county totals. `stream=True` holds the units as columns
    for writing (`report.results` stays empty; `write_json`/`csv_rows` produce them).
    `progress(step, done, total)` hears how far it got."""
    paths = _paths(paths)
    norms = load_norms(_path(standards_file))
    progress("read", 0, 0)
    # Class counts are not needed: a blank one leaves the class size empty with a note.
    valid = validate_schools(paths, needed=needed_columns("quality", tuple(stages)),
                             encoding=encoding, sheet=sheet, header_rows=header_rows,
                             teaching_points=teaching_points or norms.teaching_points)
    _refuse_other_tables(valid, paths, "schools", encoding, sheet)
    progress("compute", 0, 0)
    return _standards(valid, norms, tuple(stages), per_school, counties, paths, stream)


def _standards(valid: ValidTable, norms: Norms, stages: tuple[str, ...],
               per_school: bool = True, counties: Sequence[str] = (),
               paths: Sequence[Path] = (), stream: bool = False) -> StandardsReport:
    """Per-school standards of validated school rows."""
    if not valid.ok:
        raise InputError(valid.problems)
    schools = _only_counties(valid.frame, counties, paths)
    units = school_units(schools, norms, stages)
    from edustat.standards import compute_standards

    report = compute_standards(units, schools, norms, per_school=per_school, stream=stream)
    report.problems = valid.problems
    return report


def exams(paths: Sequence[Path | str] | Path | str, *, schools: bool = False,
          encoding: str | None = None,
          sheet: str | None = None) -> ExamReport:
    """Gaokao and zhongkao pass and admission rates of the exam tables in `paths` (SPEC §6)."""
    paths = _paths(paths)
    valid = validate_exams(paths, encoding=encoding, sheet=sheet)
    _refuse_other_tables(valid, paths, "exams", encoding, sheet)
    return _exams(valid, schools)


def _exams(valid: ValidTable, schools: bool) -> ExamReport:
    """Exam rates of validated exam rows."""
    if not valid.ok:
        raise InputError(valid.problems)
    from edustat.exams import compute_exams

    report = compute_exams(valid.frame, with_schools=schools)
    report.problems = valid.problems
    return report


def enrolment(paths: Sequence[Path | str] | Path | str, *, population: Path | str | None = None,
              system: EnrolmentSystem = "6-3", standards_file: Path | str | None = None,
              encoding: str | None = None, sheet: str | None = None) -> EnrolmentReport:
    """Enrolment, retention and dropout rates per county and year (SPEC §5).

    `paths` are yearly school tables (any order); `population` is an optional population table
    (SPEC §2.2), which wins over the school tables' age-population columns. `sheet` applies to
    the school tables only.
    """
    norms = _enrolment_norms(_path(standards_file))
    paths = _paths(paths)
    valid = validate_schools(paths, needed={}, encoding=encoding, sheet=sheet,
                             teaching_points=norms.teaching_points)
    _refuse_other_tables(valid, paths, "schools", encoding, sheet)
    population = _path(population)
    people = (validate_population([population], encoding=encoding)
              if population is not None else None)
    return _enrolment(valid, people, norms, system)


def _enrolment_norms(standards_file: Path | None) -> Norms:
    """The norms, with their rate minimums checked against the rates of SPEC §5."""
    from edustat.enrolment import check_minimum_keys

    norms = load_norms(standards_file)
    unknown = check_minimum_keys(norms)
    if unknown:
        raise InputError([Problem(file=str(standards_file), code="bad_standards",
                                  params={"field": f"rate_minimums.{key}",
                                          "reason": both("enrolment_rate_check.not_a_rate")})
                          for key in unknown])
    return norms


def _enrolment(valid: ValidTable, people: ValidTable | None, norms: Norms,
               system: EnrolmentSystem) -> EnrolmentReport:
    """Enrolment rates of validated school rows and an optional validated population table."""
    from edustat.enrolment import compute_enrolment

    frame, missing, present, population, problems = _enrolment_inputs(valid, people, system)
    report = compute_enrolment(frame, missing, present, population, system, norms)
    report.problems = problems
    return report


def _enrolment_inputs(valid: ValidTable, people: ValidTable | None, system: EnrolmentSystem
                      ) -> tuple[Any, dict[str, Any], dict[str, Any], Any, list[Problem]]:
    """What the rates are computed from: the school rows with the derived columns, which
    values are missing and which files have each column, the population rows, the problems."""
    from edustat.enrolment_inputs import dropout_columns, transfer_columns
    from edustat.validate import check_enrolment, column_present

    valid = own_problems(valid)  # the enrolment checks add problems for this report only
    missing = check_enrolment(valid, system, population_given=people is not None)
    present = {column: column_present(valid, column) for column in missing}
    # Dropouts per stage and transfers per kind of school: columns derived from the rows.
    derived: dict[str, Any] = {}
    for values, more_missing, more_present in (dropout_columns(valid), transfer_columns(valid)):
        derived.update(values)
        missing.update(more_missing)
        present.update(more_present)
    problems = list(valid.problems) + (people.problems if people is not None else [])
    if has_errors(problems):
        raise InputError(problems)
    return (valid.frame.assign(**derived), missing, present,
            people.frame if people is not None else None, problems)


# ---------------------------------------------------------------------------------------------
# Figures of a draft report and checking them (SPEC §7.3)

def figures(paths: Sequence[Path | str], *, population: Path | str | None = None,
            system: EnrolmentSystem = "6-3", standards_file: Path | str | None = None,
            encoding: str | None = None, sheet: str | None = None,
            progress: Progress = no_progress) -> FiguresReport:
    """Every figure the school, exam and population tables in `paths` give, under its key
    (SPEC §7.3). Each file's kind is told by its header row. `progress(step, done, total)`
    hears how far it got."""
    from edustat.checks import gather_figures

    norms = _enrolment_norms(_path(standards_file))  # a bad standards file: usage error, no work
    report, _ = gather_figures(_paths(paths), population=_path(population), system=system,
                               norms=norms, encoding=encoding, sheet=sheet, progress=progress)
    return report


def check(paths: Sequence[Path | str], *, claims: Path | str | None = None,
          previous: Sequence[Path | str] = (), population: Path | str | None = None,
          system: EnrolmentSystem = "6-3", standards_file: Path | str | None = None,
          encoding: str | None = None, sheet: str | None = None) -> CheckReport:
    """A draft report's figures (the claims file) against the data, and the consistency rules
    on the school data (SPEC §7.3). `previous` are school tables of earlier years used only for
    the year-on-year rule."""
    from edustat.checks import (
        CheckReport,
        InputFile,
        gather_figures,
        match_claims,
        rule_key_problems,
        run_rules,
    )
    from edustat.checks.figures import unique
    from edustat.validate import validate_claims

    claims, previous = _path(claims), _paths(previous)
    standards_file = _path(standards_file)
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
    norms = _enrolment_norms(standards_file)  # its rate minimums checked too
    report, schools = gather_figures(_paths(paths), population=_path(population), system=system,
                                     norms=norms, encoding=encoding, sheet=sheet,
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
    from edustat.checks import list_rules

    return list_rules(load_norms(_path(standards_file)))


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

    return run_audit(_paths(paths), rules_file=_path(rules_file),
                     standards_file=_path(standards_file), system=system, encoding=encoding,
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

    return plan_files(paths, standard=standard, prices_file=prices_file, stages=stages,
                      counties=counties, move_teachers=move_teachers,
                      standards_file=standards_file, encoding=encoding, sheet=sheet,
                      stream=stream)
