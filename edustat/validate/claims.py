"""`edustat check` inputs: which table a file is, the claims file of a draft report (SPEC §7.3)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from edustat.schema import (
    EXAMS,
    SCHOOLS,
    TableSpec,
)

if TYPE_CHECKING:
    pass
from edustat.validate.core import (
    ValidTable,
    _frame_problems,
    load_tables,
    validate_table,
)

TableKind = str  # "schools", "exams" or "population"


def table_kind(path: Any, *, encoding: str | None = None, sheet: str | None = None
               ) -> TableKind:
    """Which table a file is, by its header row: an exam table has 考试/exam and 考生数/candidates;
    a population table has an age-population column and no school; anything else is a school
    table (whose reading then reports what is wrong with it)."""
    from edustat.headers import match_path
    from edustat.reader import read_header
    from edustat.schema import UnknownUnit

    header = read_header(path, encoding=encoding, sheet=sheet) or []

    def columns(table: TableSpec) -> set[str]:
        found = set()
        for written in header:
            try:
                matched = match_path(table, written.split("/")) if written.strip() else None
            except UnknownUnit:
                continue
            if matched is not None:
                found.add(matched.match.spec.name)
        return found

    if {"exam", "candidates"} <= columns(EXAMS):
        return "exams"
    school_columns = columns(SCHOOLS)
    if (not {"school_id", "school_name"} & school_columns
            and {"primary_age_population", "junior_age_population"} & school_columns):
        return "population"
    return "schools"


@dataclass(frozen=True)
class WrittenValue:
    """A figure as a report writes it: the number in the written unit, and its precision."""

    text: str
    number: Decimal  # as written, in the written unit: 52 for "52%"
    places: int  # decimal places written: 4 for "0.2740", 0 for "52%"
    scale: int  # 1; 100 for a percentage; 1000 for per mille

    @property
    def suffix(self) -> str:
        """The unit sign as written: "%", "‰" or ""."""
        return {100: "%", 1000: "‰"}.get(self.scale, "")

    @property
    def value(self) -> Decimal:
        """The number as a plain value (52% -> 0.52)."""
        return self.number / self.scale


_WRITTEN = re.compile(r"(?P<number>[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<fraction>\d+))?)"
                      r"(?P<unit>%|‰)?")


def parse_written(text: str | None) -> WrittenValue | None:
    """A reported figure as written (0.2740, 52%, 51.9%, 1,234, ５２％, 1.5‰); None if not a number.

    Nothing is rounded or normalised away: the written precision is what a claim is held to.
    """
    if text is None:
        return None
    folded = unicodedata.normalize("NFKC", str(text)).replace("\u2212", "-")
    folded = re.sub(r"\s+", "", folded)
    match = _WRITTEN.fullmatch(folded)
    if match is None:
        return None
    fraction = match.group("fraction") or ""
    scale = {"%": 100, "‰": 1000}.get(match.group("unit") or "", 1)
    return WrittenValue(text=str(text), number=Decimal(match.group("number").replace(",", "")),
                        places=len(fraction), scale=scale)


def validate_claims(path: Path, *, encoding: str | None = None, sheet: str | None = None
                    ) -> ValidTable:
    """Read and validate a claims file (figure, reported, county, year, note); every problem of
    every row is collected. `reported` stays text as written."""
    from edustat.schema import CLAIMS

    raws, read_problems = load_tables([path], CLAIMS, encoding=encoding, sheet=sheet)
    valid = validate_table(raws, CLAIMS)
    valid.problems[:0] = read_problems
    if not len(valid.frame):
        return valid
    reported = valid.frame["reported"]
    # Few distinct figures in a claims file, but parse each distinct text once all the same.
    parsed = {text: parse_written(text) is not None for text in reported.dropna().unique()}
    not_number = reported.map(parsed).eq(False).to_numpy(dtype=bool)
    _frame_problems(valid, "reported", not_number, "claim_not_number")
    return valid
