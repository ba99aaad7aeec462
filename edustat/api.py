"""One function per command: read, validate, compute, and return a typed result.

These are the functions to call from Python; the command line is a thin layer over them. Each
raises `InputError` (carrying every problem found) when the input cannot be used.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from edustat.coefficients import CoefficientReport, compute_coefficients
from edustat.enrolment import EnrolmentReport
from edustat.enrolment import System as EnrolmentSystem
from edustat.exams import ExamReport, compute_exams
from edustat.indicators import Method, needed_columns
from edustat.norms import Norms, load_norms
from edustat.problems import InputError, Lang, Problem, has_errors
from edustat.schema import STAGES
from edustat.standards import StandardsReport, compute_standards
from edustat.units import school_units
from edustat.validate import (
    ValidTable,
    own_problems,
    require_columns,
    table_kind,
    validate_exams,
    validate_population,
    validate_schools,
)


class ValidationReport(BaseModel):
    """What `edustat validate` found: every problem of every file."""

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


def validate(paths: Sequence[Path], *, standard: Method | None = None,
             encoding: str | None = None, sheet: str | None = None) -> ValidationReport:
    """Validate tables of any kind — school, exam or population, told by each file's header;
    with a standard, school tables must also have the columns that method needs."""
    kinds: dict[str, list[Path]] = {}
    for path in paths:
        kinds.setdefault(table_kind(path, encoding=encoding, sheet=sheet), []).append(path)
    needed = needed_columns(standard) if standard else {}
    checks = {"schools": lambda files: validate_schools(files, needed=needed, encoding=encoding,
                                                        sheet=sheet),
              "exams": lambda files: validate_exams(files, encoding=encoding, sheet=sheet),
              "population": lambda files: validate_population(files, encoding=encoding,
                                                              sheet=sheet)}
    rows, problems = 0, []
    for kind, files in kinds.items():
        valid = checks[kind](files)
        rows += len(valid.frame)
        problems.extend(valid.problems)
    return ValidationReport(files=[str(p) for p in paths], rows=rows, problems=problems)


def coefficient(paths: Sequence[Path], *, standard: Method = "basic",
                stages: Sequence[str] = STAGES, standards_file: Path | None = None,
                encoding: str | None = None, sheet: str | None = None, lang: Lang = "zh",
                schools: bool = False, counties: Sequence[str] = ()) -> CoefficientReport:
    """Difference coefficients of the school tables in `paths` (SPEC §3); `counties` keeps
    only those counties (all when empty)."""
    norms = load_norms(standards_file)
    valid = validate_schools(list(paths), needed=needed_columns(standard, tuple(stages)),
                             encoding=encoding, sheet=sheet)
    return _coefficient(valid, norms, standard, tuple(stages), lang, schools, counties, paths)


def _coefficient(valid: ValidTable, norms: Norms, standard: Method, stages: tuple[str, ...],
                 lang: Lang, schools: bool = False, counties: Sequence[str] = (),
                 paths: Sequence[Path] = ()) -> CoefficientReport:
    """Coefficients of validated school rows (which carry the needed-column problems)."""
    if not valid.ok:
        raise InputError(valid.problems)
    units = school_units(_only_counties(valid.frame, counties, paths), norms, stages)
    report = compute_coefficients(units, standard, norms, lang=lang, with_units=schools)
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


def standards(paths: Sequence[Path], *, stages: Sequence[str] = STAGES,
              standards_file: Path | None = None, encoding: str | None = None,
              sheet: str | None = None, lang: Lang = "zh",
              per_school: bool = True, counties: Sequence[str] = ()) -> StandardsReport:
    """Each school unit against the per-school quality-balance standards (SPEC §4);
    `per_school=False` keeps only the county totals."""
    norms = load_norms(standards_file)
    # Class counts are not needed: a blank one leaves the class size empty with a note.
    valid = validate_schools(list(paths), needed=needed_columns("quality", tuple(stages)),
                             encoding=encoding, sheet=sheet)
    return _standards(valid, norms, tuple(stages), lang, per_school, counties, paths)


def _standards(valid: ValidTable, norms: Norms, stages: tuple[str, ...], lang: Lang,
               per_school: bool = True, counties: Sequence[str] = (),
               paths: Sequence[Path] = ()) -> StandardsReport:
    """Per-school standards of validated school rows."""
    if not valid.ok:
        raise InputError(valid.problems)
    schools = _only_counties(valid.frame, counties, paths)
    units = school_units(schools, norms, stages)
    report = compute_standards(units, schools, norms, lang=lang, per_school=per_school)
    report.problems = valid.problems
    return report


def exams(paths: Sequence[Path], *, schools: bool = False, encoding: str | None = None,
          sheet: str | None = None, lang: Lang = "zh") -> ExamReport:
    """Gaokao and zhongkao pass and admission rates of the exam tables in `paths` (SPEC §6)."""
    return _exams(validate_exams(list(paths), encoding=encoding, sheet=sheet), schools, lang)


def _exams(valid: ValidTable, schools: bool, lang: Lang) -> ExamReport:
    """Exam rates of validated exam rows."""
    if not valid.ok:
        raise InputError(valid.problems)
    report = compute_exams(valid.frame, lang=lang, with_schools=schools)
    report.problems = valid.problems
    return report


def enrolment(paths: Sequence[Path], *, population: Path | None = None,
              system: EnrolmentSystem = "6-3", standards_file: Path | None = None,
              encoding: str | None = None, sheet: str | None = None,
              lang: Lang = "zh") -> EnrolmentReport:
    """Enrolment, retention and dropout rates per county and year (SPEC §5).

    `paths` are yearly school tables (any order); `population` is an optional population table
    (SPEC §2.2), which wins over the school tables' age-population columns. `sheet` applies to
    the school tables only.
    """
    norms = _enrolment_norms(standards_file)
    valid = validate_schools(list(paths), needed={}, encoding=encoding, sheet=sheet)
    people = (validate_population([population], encoding=encoding)
              if population is not None else None)
    return _enrolment(valid, people, norms, system, lang)


def _enrolment_norms(standards_file: Path | None) -> Norms:
    """The norms, with their rate minimums checked against the rates of SPEC §5."""
    from edustat.enrolment import check_minimum_keys

    norms = load_norms(standards_file)
    unknown = check_minimum_keys(norms)
    if unknown:
        raise InputError([Problem(file=str(standards_file), code="bad_standards",
                                  params={"field": f"rate_minimums.{key}",
                                          "reason": "not a rate of SPEC §5 / 不是第 5 节的比率"})
                          for key in unknown])
    return norms


def _enrolment(valid: ValidTable, people: ValidTable | None, norms: Norms,
               system: EnrolmentSystem, lang: Lang) -> EnrolmentReport:
    """Enrolment rates of validated school rows and an optional validated population table."""
    from edustat.enrolment import compute_enrolment
    from edustat.validate import check_enrolment, column_present

    valid = own_problems(valid)  # the enrolment checks add problems for this report only
    missing = check_enrolment(valid, system, population_given=people is not None)
    problems = list(valid.problems) + (people.problems if people is not None else [])
    if has_errors(problems):
        raise InputError(problems)
    present = {column: column_present(valid, column) for column in missing}
    report = compute_enrolment(valid.frame, missing, present,
                               people.frame if people is not None else None, system, norms,
                               lang=lang)
    report.problems = problems
    return report


# ---------------------------------------------------------------------------------------------
# Figures of a draft report and checking them (SPEC §7.3)

_USAGE_CODES = ("bad_standards", "file_missing", "unknown_encoding", "no_sheet")


def _unique(problems: Sequence[Problem]) -> list[Problem]:
    """Problems without repeats: each family's report carries the tables' own problems too."""
    seen: set[tuple[Any, ...]] = set()
    out = []
    for problem in problems:
        key = (problem.file, problem.row, problem.column, problem.code)
        if key not in seen:
            seen.add(key)
            out.append(problem)
    return out


def _gather_figures(paths: Sequence[Path], *, population: Path | None,
                    system: EnrolmentSystem, standards_file: Path | None,
                    encoding: str | None, sheet: str | None, lang: Lang,
                    extra_problems: Sequence[Problem] = ()) -> tuple[Any, Any]:
    """Every figure the files can give, and the validated school rows (None without any)."""
    from edustat.checks import (
        FAMILIES,
        FiguresReport,
        InputFile,
        Unavailable,
        coefficient_figures,
        enrolment_figures,
        exam_figures,
        order_figures,
        standards_figures,
        text,
        unavailable_reason,
    )
    from edustat.indicators import METHODS

    norms = _enrolment_norms(standards_file)  # a bad standards file: usage error, no work
    kinds = {path: table_kind(path, encoding=encoding, sheet=sheet) for path in paths}
    school_paths = [p for p in paths if kinds[p] == "schools"]
    exam_paths = [p for p in paths if kinds[p] == "exams"]
    population_paths = [p for p in paths if kinds[p] == "population"]
    if population is not None:
        population_paths.append(population)
        kinds[population] = "population"
    problems = list(extra_problems)
    if len(population_paths) > 1:
        problems.append(Problem(file=str(population_paths[1]), code="several_population",
                                params={"files": "、".join(map(str, population_paths))}))
    # Each table is read and validated once; every family computes from the same rows.
    schools = (validate_schools(school_paths, needed={}, encoding=encoding, sheet=sheet)
               if school_paths else None)
    exam_rows = validate_exams(exam_paths, encoding=encoding, sheet=sheet) if exam_paths else None
    people = (validate_population(population_paths[:1], encoding=encoding)
              if population_paths else None)
    for valid in (schools, exam_rows, people):
        if valid is not None:
            problems += valid.problems
    if has_errors(problems):
        raise InputError(_unique(problems))

    figures: list[Any] = []
    unavailable: list[Any] = []

    def attempt(family: str, compute: Any) -> Any:
        """A family's report, or None with the reason recorded when the data cannot give it."""
        try:
            report = compute()
        except InputError as exc:
            if any(p.code in _USAGE_CODES for p in exc.problems):
                raise
            unavailable.append(Unavailable(family=family, problems=exc.problems,
                                           reason=unavailable_reason(exc.problems, lang)))
            return None
        problems.extend(report.problems)
        return report

    if schools is not None:
        for method in METHODS:
            report = attempt(f"coefficient.{method}", lambda m=method: _coefficient(
                require_columns(schools, needed_columns(m)), norms, m, STAGES, lang))
            if report is not None:
                figures += coefficient_figures(report, lang)
        # Figures are county totals: the per-school records are not built.
        report = attempt("standards", lambda: _standards(
            require_columns(schools, needed_columns("quality")), norms, STAGES, lang,
            per_school=False))
        if report is not None:
            figures += standards_figures(report, lang)
        report = attempt("enrolment", lambda: _enrolment(schools, people, norms, system, lang))
        if report is not None:
            figures += enrolment_figures(report)
    else:
        unavailable += [Unavailable(family=family, reason=text("no_school_table", lang))
                        for family in FAMILIES if family != "exams"]
    if exam_rows is not None:
        report = attempt("exams", lambda: _exams(exam_rows, False, lang))
        if report is not None:
            figures += exam_figures(report, lang)
    else:
        unavailable.append(Unavailable(family="exams", reason=text("no_exam_table", lang)))
    report = FiguresReport(files=[InputFile(file=str(p), kind=kinds[p]) for p in kinds],
                           results=order_figures(figures), unavailable=unavailable, lang=lang,
                           problems=_unique(problems))
    return report, schools


def figures(paths: Sequence[Path], *, population: Path | None = None,
            system: EnrolmentSystem = "6-3", standards_file: Path | None = None,
            encoding: str | None = None, sheet: str | None = None,
            lang: Lang = "zh") -> Any:
    """Every figure the school, exam and population tables in `paths` give, under its key
    (SPEC §7.3); a FiguresReport. Each file's kind is told by its header row."""
    report, _ = _gather_figures(paths, population=population, system=system,
                                standards_file=standards_file, encoding=encoding, sheet=sheet,
                                lang=lang)
    return report


def check(paths: Sequence[Path], *, claims: Path | None = None,
          previous: Sequence[Path] = (), population: Path | None = None,
          system: EnrolmentSystem = "6-3", standards_file: Path | None = None,
          encoding: str | None = None, sheet: str | None = None, lang: Lang = "zh") -> Any:
    """A draft report's figures (the claims file) against the data, and the consistency rules
    on the school data (SPEC §7.3); a CheckReport. `previous` are school tables of earlier years
    used only for the year-on-year rule."""
    from edustat.checks import CheckReport, InputFile, match_claims, rule_key_problems, run_rules
    from edustat.validate import validate_claims

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
    report, schools = _gather_figures(paths, population=population, system=system,
                                      standards_file=standards_file, encoding=encoding,
                                      sheet=sheet, lang=lang, extra_problems=extra)
    results = (match_claims(claim_table, report.results, report.unavailable, lang)
               if claim_table is not None else [])
    findings = run_rules(schools, norms, system, earlier) if schools is not None else []
    files = [*report.files, *(InputFile(file=str(p), kind="previous") for p in previous)]
    return CheckReport(files=files, claims_file=None if claims is None else str(claims),
                       results=results, problems=_unique([*report.problems, *findings]),
                       unavailable=report.unavailable, rules=list(norms.consistency_rules),
                       lang=lang)


def check_rules(*, standards_file: Path | None = None, lang: Lang = "zh") -> Any:
    """The consistency rules `edustat check` applies, with their bounds (a RulesReport)."""
    from edustat.checks import list_rules

    return list_rules(load_norms(standards_file), lang)


def check_draft(draft: str | Path, tables: Sequence[str | Path] = (), *,
                population: str | Path | None = None, previous: Sequence[str | Path] = (),
                system: EnrolmentSystem = "6-3",
                standards_file: str | Path | None = None, encoding: str | None = None,
                sheet: str | None = None) -> Any:
    """A draft report (.docx, .txt, .md) checked figure by figure against the tables, and its own
    arithmetic (SPEC §7.4); a DraftCheckReport. `previous` are school tables of earlier years,
    for the year-on-year rule only."""
    from edustat.drafts.check import check_draft as check_the_draft

    return check_the_draft(draft, tables, population=population, previous=previous,
                           system=system,
                           standards_file=standards_file, encoding=encoding, sheet=sheet)
