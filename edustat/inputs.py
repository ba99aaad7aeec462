"""The files a command is given, before any family computes from them.

Paths come as text or Path and each readable file is read once; a file that is another kind of
table than the command reads is refused by name (an exam table given to `coefficient`), and
`--county` keeps only the counties named. Shared by the commands' bodies behind `edustat.api`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from edustat.problems import InputError, Problem
from edustat.texts import both
from edustat.validate import ValidTable, table_kind


def as_path(path: Path | str | None) -> Path | None:
    """A path given as text or Path (None stays None)."""
    return None if path is None else Path(path)


def as_paths(paths: Sequence[Path | str] | Path | str) -> list[Path]:
    """Paths given as text or Path; one path alone is a list of one. Each readable file is read
    here, once (issue 14.7: a FIFO or `<(cat f.csv)` can be read only once): the Source that
    stands for it is path-like, and telling its kind and reading its rows share the bytes."""
    from edustat.reader import as_sources

    if isinstance(paths, (str, Path)):
        paths = [paths]
    return as_sources([Path(p) for p in paths])  # type: ignore[return-value]


# The command that reads each kind of table, for the message when a file goes to another one.
COMMAND_FOR = {"schools": "edustat coefficient / standards / enrolment", "exams": "edustat exams",
               "population": "edustat enrolment --population"}


def refuse_other_tables(valid: ValidTable, paths: Sequence[Path], expected: str,
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
                                              "command": COMMAND_FOR[kind]})])


def only_counties(frame: Any, counties: Sequence[str], paths: Sequence[Path]) -> Any:
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
