"""The two 均衡 commands over school tables, from files: difference coefficients (SPEC §3) and
each school against the per-school standards (SPEC §4).

Both read and validate the school tables, keep the counties asked for, split the schools into
stage units and hand them to `edustat.coefficients` / `edustat.standards`, which compute.
`coefficients_of` and `standards_of` start from rows already validated (what `figures`, `check`
and the draft check reuse).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from edustat.coefficients import CoefficientReport, compute_coefficients
from edustat.indicators import Method, needed_columns
from edustat.inputs import as_path, as_paths, only_counties, refuse_other_tables
from edustat.norms import Norms, load_norms
from edustat.problems import InputError
from edustat.results import Progress, no_progress
from edustat.schema import STAGES
from edustat.units import distinct_stages, school_units
from edustat.validate import ValidTable, validate_schools

if TYPE_CHECKING:  # the standards module is imported by its command only (start-up time)
    from edustat.standards import StandardsReport


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
    paths = as_paths(paths)
    norms = load_norms(as_path(standards_file))
    progress("read", 0, 0)
    valid = validate_schools(paths, needed=needed_columns(standard, distinct_stages(stages)),
                             encoding=encoding, sheet=sheet, header_rows=header_rows,
                             teaching_points=teaching_points or norms.teaching_points)
    refuse_other_tables(valid, paths, "schools", encoding, sheet)
    progress("compute", 0, 0)
    return coefficients_of(valid, norms, standard, distinct_stages(stages), schools, counties,
                           paths, stream=stream)


def coefficients_of(valid: ValidTable, norms: Norms, standard: Method,
                    stages: tuple[str, ...], schools: bool = False, counties: Sequence[str] = (),
                    paths: Sequence[Path] = (), *, stream: bool = False) -> CoefficientReport:
    """Coefficients of validated school rows (which carry the needed-column problems)."""
    if not valid.ok:
        raise InputError(valid.problems)
    units = school_units(only_counties(valid.frame, counties, paths), norms, stages)
    report = compute_coefficients(units, standard, norms, with_units=schools, stream=stream)
    report.problems = valid.problems
    return report


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
    paths = as_paths(paths)
    norms = load_norms(as_path(standards_file))
    progress("read", 0, 0)
    # Class counts are not needed: a blank one leaves the class size empty with a note.
    valid = validate_schools(paths, needed=needed_columns("quality", distinct_stages(stages)),
                             encoding=encoding, sheet=sheet, header_rows=header_rows,
                             teaching_points=teaching_points or norms.teaching_points)
    refuse_other_tables(valid, paths, "schools", encoding, sheet)
    progress("compute", 0, 0)
    return standards_of(valid, norms, distinct_stages(stages), per_school, counties, paths, stream)


def standards_of(valid: ValidTable, norms: Norms, stages: tuple[str, ...],
                 per_school: bool = True, counties: Sequence[str] = (),
                 paths: Sequence[Path] = (), stream: bool = False) -> StandardsReport:
    """Per-school standards of validated school rows."""
    if not valid.ok:
        raise InputError(valid.problems)
    schools = only_counties(valid.frame, counties, paths)
    units = school_units(schools, norms, stages)
    from edustat.standards import compute_standards

    report = compute_standards(units, schools, norms, per_school=per_school, stream=stream)
    report.problems = valid.problems
    return report
