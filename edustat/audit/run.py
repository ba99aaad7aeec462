"""`edustat audit`: read the tables, run every rule in force, gather the issue list."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from edustat.audit.report import AuditReport, Finding
from edustat.audit.rules import Rule, Rules, check_consistency_keys, load_rules
from edustat.problems import InputError, Problem

if TYPE_CHECKING:
    from edustat.audit.frame import Rows
    from edustat.norms import Norms
    from edustat.validate import ValidTable


def audit(paths: Sequence[str | Path], *, rules_file: str | Path | None = None,
          standards_file: str | Path | None = None, system: str = "6-3",
          encoding: str | None = None, sheet: str | None = None) -> AuditReport:
    """The issue list of several years of school tables (and exam tables among `paths`)."""
    from edustat.audit.frame import Rows
    from edustat.norms import load_norms
    from edustat.reader import as_sources
    from edustat.validate import table_kind, validate_exams, validate_schools

    files = as_sources(list(paths))  # each read once: its kind and its rows share the bytes
    rules = load_rules(Path(rules_file) if rules_file is not None else None)
    norms = load_norms(Path(standards_file) if standards_file is not None else None)
    check_consistency_keys(rules, list(norms.consistency_rules))
    kinds = {path: table_kind(path, encoding=encoding, sheet=sheet) for path in files}
    school_paths = [p for p in files if kinds[p] == "schools"]
    exam_paths = [p for p in files if kinds[p] == "exams"]
    notes = [Problem(file=str(p), code="audit_table_unused", severity="note")
             for p in files if kinds[p] == "population"]
    if not school_paths:
        raise InputError([Problem(file=", ".join(map(str, files)) or "-",
                                  code="audit_no_school_table"), *notes])
    schools = validate_schools(school_paths, needed={}, encoding=encoding, sheet=sheet)
    exams = validate_exams(exam_paths, encoding=encoding, sheet=sheet) if exam_paths else None
    problems = [*schools.problems, *(exams.problems if exams is not None else [])]
    # A table that cannot be read at all stops the audit; a bad cell is one more finding.
    unusable = [p for p in problems if p.severity == "error" and p.row is None]
    if unusable:
        raise InputError(unusable)
    if _misread(schools) or (exams is not None and _misread(exams)):
        raise InputError([p for p in problems if p.severity != "note"])
    school_rows = Rows(schools)
    exam_rows = Rows(exams) if exams is not None and len(exams.frame) else None
    findings = run_rules(school_rows, exam_rows, rules, norms, system)
    input_rule = rules.active("input")
    if input_rule is not None:
        from edustat.audit.ratios import input_problems

        findings += input_problems(school_rows, input_rule, schools.problems)
        if exam_rows is not None:
            findings += input_problems(exam_rows, input_rule, exams.problems)  # type: ignore[union-attr]
    findings.sort(key=Finding.sort_key)
    # With the input rule switched off, the rows' problems are shown as problems (errors then
    # exit 1), never dropped.
    kept = [p for p in problems if input_rule is None or p.row is None
            or p.severity == "note"] + notes
    years = sorted({int(y) for y in school_rows.years if y == y})
    return AuditReport(files=[str(p) for p in files], years=years, findings=findings,
                       summary=_summary(school_rows, years, findings),
                       rules=[code for code, rule in rules.rules.items() if rule.enabled],
                       problems=kept)


def _misread(valid: ValidTable) -> bool:
    """True when most rows of a file have an error: the table is not being read as its
    author meant (a header not recognised, say), and a list of leads drawn from it would be
    noise. It stops the audit with the problems, as every other command does."""
    from edustat.reader import FILE

    frame = valid.frame
    rows = frame[FILE].value_counts().to_dict() if len(frame) else {}
    bad: dict[str, set[int]] = {}
    for problem in valid.problems:
        if problem.severity == "error" and problem.row is not None:
            bad.setdefault(problem.file, set()).add(problem.row)
    return any(len(bad.get(file, ())) * 2 > count for file, count in rows.items())


def run_rules(schools: Rows, exams: Rows | None, rules: Rules, norms: Norms, system: str
              ) -> list[Finding]:
    """Every rule in force over the rows; findings one rule supersedes are left out."""
    from edustat.audit import flows, ratios

    found: dict[str, list[Finding]] = {}
    steps: dict[str, Callable[[Rule], list[Finding]]] = {
        "cohort_flow": lambda r: flows.cohort_flow(schools, r, system),
        "county_cohort_flow": lambda r: flows.county_cohort_flow(schools, r, system),
        "copied_row": lambda r: flows.copied_row(schools, r),
        "not_updated": lambda r: flows.not_updated(schools, r),
        "asset_change": lambda r: flows.asset_change(schools, r),
        "heaping": lambda r: flows.heaping(schools, r),
        "computers_per_pupil": lambda r: ratios.per_pupil(schools, r, "computers"),
        "teachers_per_class": lambda r: ratios.teachers_per_class(schools, r),
        "area_per_pupil": lambda r: ratios.per_pupil(schools, r, "teaching_area"),
        "books_per_pupil": lambda r: ratios.per_pupil(schools, r, "books"),
        "candidates_over_pupils": lambda r: ratios.candidates_over_pupils(exams, schools, r)
        if exams is not None else [],
        "consistency": lambda r: ratios.consistency(schools, r, norms, system),
    }
    for code, step in steps.items():
        rule = rules.active(code)
        if rule is not None:
            found[code] = step(rule)
    return _without_superseded(found, rules)


def _without_superseded(found: dict[str, list[Finding]], rules: Rules) -> list[Finding]:
    """The check rules' findings that a more specific audit rule already judges are dropped:
    year-on-year jumps of the fixed assets (judged by asset_change, with its own bounds and the
    next year's value), and identical rows already named as copied rows."""
    consistency = found.pop("consistency", [])
    assets = rules.active("asset_change")
    asset_columns = set(assets.looks_at) if assets is not None else set()
    copied = {(f.file, f.row) for f in found.get("copied_row", [])}
    # A cell an audit rule already reports (computers above the pupils, a copied figure) is not
    # reported again as a year-on-year jump.
    covered = {(f.school_id, f.year, c) for findings in found.values() for f in findings
               for c in f.columns}
    jumps = {(f.school_id, f.year, f.columns[0]): f for f in consistency
             if f.code == "year_jump" and f.columns}
    kept = [f for f in consistency
            if not (f.code == "year_jump" and f.columns and f.columns[0] in asset_columns)
            and not (f.code == "identical_rows" and (f.file, f.row) in copied)
            and not (f.code == "year_jump" and f.columns
                     and ((f.school_id, f.year, f.columns[0]) in covered
                          or _undoes(f, jumps, covered)))]
    # A row that is last year's again is reported once: the flows and changes measured from
    # it to the next year compare with figures that were never this year's.
    stale = {(f.school_id, f.year) for f in found.get("not_updated", [])}
    # Likewise a figure named as copied from another school: the change from it to the next
    # year is the school's own figure coming back.
    copied_cells = {(f.school_id, f.year, c) for f in found.get("copied_row", [])
                    for c in f.columns}
    for code in ("cohort_flow", "asset_change"):
        found[code] = [f for f in found.get(code, []) if (f.school_id, f.year) in stale
                       or not any((r.school_id, r.year) in stale
                                  or (r.year != f.year and r.school_id == f.school_id
                                      and any((r.school_id, r.year, c) in copied_cells
                                              for c in r.columns))
                                  for r in f.related)]
    return [finding for findings in found.values() for finding in findings] + kept


def _undoes(jump: Finding, jumps: dict[tuple[Any, ...], Finding],
            covered: set[tuple[Any, ...]]) -> bool:
    """A year-on-year jump that only undoes the year before's (reported, or covered by an audit
    rule): one mistyped year makes two jumps, and the second is the figure coming back."""
    if jump.year is None:
        return False
    key = (jump.school_id, jump.year - 1, jump.columns[0])
    earlier = jumps.get(key)
    if earlier is None and key not in covered:
        return False
    if earlier is None:
        return True
    # Opposite directions: this year's value is on the other side of last year's.
    now, then = jump.values[0], earlier.values[0]
    before = _as_float(earlier.params.get("previous"))
    if now is None or then is None or before is None:
        return False
    return (then - before) * (now - then) < 0


def _as_float(value: object) -> float | None:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _summary(rows: Rows, years: list[int], findings: list[Finding]) -> dict[str, object]:
    schools = {i for i in rows.ids if i is not None}
    by_rule: dict[str, int] = {}
    for finding in findings:
        by_rule[finding.rule] = by_rule.get(finding.rule, 0) + 1
    return {"schools": len(schools), "years": len(years),
            "warning": sum(f.severity == "warning" for f in findings),
            "info": sum(f.severity == "info" for f in findings),
            "schools_with_findings": len({f.school_id for f in findings if f.school_id}),
            "by_rule": by_rule}


def rules_listing(rules_file: str | Path | None = None) -> Rules:
    """The rules in force (defaults overlaid by `rules_file`), for `edustat audit --rules`."""
    return load_rules(Path(rules_file) if rules_file is not None else None)
