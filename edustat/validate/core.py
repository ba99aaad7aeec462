"""Column-wise validation of input tables against the data dictionary in `schema` (each cell
checked in `cells`; here the tables, and the checks across rows).

Every check is a vectorized mask over a whole column; each flagged cell becomes one Problem with
the file, spreadsheet row, header as written and the value as written. Nothing stops at the first
problem, and no value that fails is ever replaced by 0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from edustat.problems import InputError, Problem, Severity, has_errors
from edustat.reader import FILE, ROW, RawTable, read_table
from edustat.schema import (
    TableSpec,
    normalize_header,
)
from edustat.validate.cells import clean_file, display_value, plain_value
from edustat.vectors import Factorized, blanks

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

STUDENT_COLUMNS = {"primary": "primary_students", "junior": "junior_students",
                   "senior": "senior_students"}

@dataclass
class ValidTable:
    """Validated rows of one or more files: canonical columns, typed, with FILE and ROW."""

    frame: pd.DataFrame
    problems: list[Problem]
    written: dict[str, dict[str, str]] = field(default_factory=dict)  # file -> canonical -> header
    unknown: dict[str, list[str]] = field(default_factory=dict)  # file -> headers not recognised

    @property
    def ok(self) -> bool:
        """True when no problem is an error."""
        return not has_errors(self.problems)

    def header(self, file: str, canonical: str) -> str:
        """The header as written in `file` for a canonical column (the canonical name if absent)."""
        return self.written.get(file, {}).get(canonical, canonical)


def load_tables(paths: list[Any], table: TableSpec, *, encoding: str | None = None,
                sheet: str | None = None, header_rows: tuple[int, int] | None = None
                ) -> tuple[list[RawTable], list[Problem]]:
    """Read every file; problems of unreadable files are collected, not raised one by one."""
    raws: list[RawTable] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            raw = read_table(path, table, encoding=encoding, sheet=sheet,
                             header_rows=header_rows)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        raws.append(raw)
        problems.extend(raw.problems)
    return raws, problems


def validate_table(raws: list[RawTable], table: TableSpec, needed: dict[str, str] | None = None
                   ) -> ValidTable:
    """Dictionary checks on every file (types, ranges, whole counts, subsets); one frame out."""
    import pandas as pd

    frames = []
    problems: list[Problem] = []
    from edustat.validate.rows import (
        cell_error_problems,
        compare_totals,
        fill_down,
        split_totals,
    )

    for raw in raws:
        # Rows that are not records first: a 合计 row must never reach the type checks, and a
        # county merged down must be filled before rows are grouped by county.
        totals, notes = split_totals(raw)
        problems.extend(notes)
        if table.name != "claims":  # a claim's blank county means "the only one"
            problems.extend(fill_down(raw))
        problems.extend(cell_error_problems(raw))
        frame, file_problems = clean_file(raw, table, needed or {})
        frames.append(frame)
        problems.extend(file_problems)
        if len(totals):
            problems.extend(compare_totals(totals, frame, raw, table))
    if frames:
        frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    else:
        frame = pd.DataFrame(columns=[*table.names(), ROW, FILE])
    return ValidTable(frame=frame, problems=problems,
                      written={raw.file: raw.written for raw in raws},
                      unknown={raw.file: raw.unknown for raw in raws})


def check_categories(valid: ValidTable, column: str, values: dict[str, str], code: str,
                     params: dict[str, Any] | None = None, factorized: Factorized | None = None
                     ) -> tuple[np.ndarray, list[str]]:
    """Map a category column onto canonical values in place; unknown values are errors. Returns
    each row's canonical value as a position in the returned list (-1: blank or unknown), for
    checks that look at the column again without hashing its texts again. `factorized`: the
    column as it is, when the caller has factorized it already."""
    import numpy as np
    import pandas as pd

    lookup = {normalize_header(k): v for k, v in values.items()}
    canonical = list(dict.fromkeys(values.values()))
    position = {value: i for i, value in enumerate(canonical)}
    if factorized is None:
        factorized = Factorized(valid.frame[column])
    unknown_code = len(canonical)  # a value that is none of them
    per_value = [position.get(lookup.get(normalize_header(v), ""), unknown_code)
                 for v in factorized.uniques]
    codes = np.array([*per_value, -1], dtype=np.int64)[factorized.codes]  # blank: -1
    unknown = codes == unknown_code
    _frame_problems(valid, column, unknown, code, params=params)
    codes[unknown] = -1
    shown = np.array([*canonical, None], dtype=object)  # code -1: the last slot
    valid.frame[column] = pd.Series(shown[codes], index=valid.frame.index, dtype=object)
    return codes, canonical


def flag_rows(valid: ValidTable, column: str, mask: np.ndarray, code: str,
              severity: Severity = "error", params: dict[str, Any] | None = None,
              per_row: dict[str, np.ndarray | Callable[[int], Any]] | None = None,
              value_column: str | None = None) -> None:
    """One problem per flagged row of the combined frame (rows may come from several files),
    each with file, spreadsheet row, header as written and the value as written."""
    import numpy as np

    frame = valid.frame
    positions = np.flatnonzero(mask)
    files = frame[FILE].to_numpy()
    rows = frame[ROW].to_numpy()
    shown = frame[value_column or column]
    for pos in positions:
        extra = {k: plain_value(v(pos) if callable(v) else v[pos])
                 for k, v in (per_row or {}).items()}
        valid.problems.append(Problem(
            file=files[pos], row=int(rows[pos]), column=valid.header(files[pos], column),
            value=display_value(shown.iat[pos]), code=code, severity=severity,
            params={**(params or {}), **extra}))


_frame_problems = flag_rows  # the name older callers use


def check_duplicates(valid: ValidTable, key: list[str], column: str, code: str,
                     params: dict[str, Any] | None = None, skip: np.ndarray | None = None
                     ) -> None:
    """Rows sharing `key` are errors, each naming the other rows (file:row when files differ).

    Part of the key may be blank (no year, no county): blank matches blank. Rows in `skip`
    (already reported, e.g. a mangled id) are not reported again."""
    import numpy as np

    frame = valid.frame
    present = ~blanks(frame[key[-1]])
    # Rows can share a key only if they share its last part: when every given id differs (a
    # Python set is several times faster than pandas' hashing of 200 000 texts), none do.
    given = frame[key[-1]].to_numpy(dtype=object)[present].tolist()
    if len(set(given)) == len(given):
        return
    duplicated = frame.duplicated(key, keep=False).to_numpy() & present
    if skip is not None:
        duplicated &= ~skip
    if not duplicated.any():
        return
    dup = frame.loc[duplicated, [*key, ROW, FILE]]
    # Each key cell as text, a blank as "" (astype(str) of a missing value is a float under
    # pandas 3 and the join fails: issue 14.3).
    group_key = dup[key].map(lambda v: "" if v is None or v != v else display_value(v)).agg(
        "\x1f".join, axis=1)
    places = list(zip(dup[FILE], dup[ROW].astype(int), strict=True))
    members: dict[str, list[tuple[str, int]]] = {}
    for name, place in zip(group_key, places, strict=True):
        members.setdefault(name, []).append(place)
    others = np.empty(len(frame), dtype=object)
    for pos, name, (file, row) in zip(np.flatnonzero(duplicated), group_key, places, strict=True):
        others[pos] = "、".join(str(r) if f == file else f"{f}:{r}"
                               for f, r in members[name] if (f, r) != (file, row))
    _frame_problems(valid, column, duplicated, code, params=params,
                    per_row={"other_rows": others})


def own_problems(valid: ValidTable) -> ValidTable:
    """The same rows with a problem list of their own, for checks that add problems for one
    computation only (the rows are shared, never modified)."""
    return ValidTable(frame=valid.frame, problems=list(valid.problems), written=valid.written)


def _in_files_without(valid: ValidTable, column: str) -> np.ndarray:
    """Rows whose file has no such column (that is one problem per file, not one per row)."""
    import numpy as np

    lacking = [f for f, written in valid.written.items() if column not in written]
    return np.isin(valid.frame[FILE].to_numpy(dtype=object), lacking)


def _already_reported(valid: ValidTable, column: str, mask: np.ndarray) -> np.ndarray:
    """Of the rows in `mask`, those with a problem in `column` already (e.g. not a number)."""
    import numpy as np

    out = np.zeros(len(mask), dtype=bool)
    if not mask.any():
        return out
    places = {(p.file, p.row, p.column) for p in valid.problems if p.row is not None}
    files = valid.frame[FILE].to_numpy(dtype=object)
    rows = valid.frame[ROW].to_numpy()
    for pos in np.flatnonzero(mask):
        out[pos] = (files[pos], int(rows[pos]), valid.header(files[pos], column)) in places
    return out


def column_present(valid: ValidTable, column: str) -> np.ndarray:
    """Rows whose file has this column at all (a blank cell is present; a missing column is not)."""
    having = [f for f, written in valid.written.items() if column in written]
    return valid.frame[FILE].isin(having).to_numpy(dtype=bool)


