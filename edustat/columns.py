"""What a column of an input table is, and how a header as written names one.

`ColumnSpec` and `TableSpec` describe a column and a table (its kind, unit, aliases, header paths);
`match_header` maps a header as a spreadsheet writes it — full-width brackets, spaces, a unit in
brackets or a `_wan` suffix — onto a column, with the factor to the column's base unit. The
columns themselves are in `edustat.schema`. Imports pydantic only (the command line starts
without pandas).
"""

from __future__ import annotations

import re
import unicodedata
from enum import Enum

from pydantic import BaseModel, ConfigDict


class Kind(str, Enum):
    """What a column holds; decides parsing and the range checks."""

    TEXT = "text"
    YEAR = "year"
    COUNT = "count"  # whole number >= 0
    AREA = "area"  # square metres >= 0
    MONEY = "money"  # yuan >= 0
    RATE = "rate"  # a share; may be written with %
    CATEGORY = "category"  # one of a fixed set of values


NUMERIC_KINDS = frozenset({Kind.YEAR, Kind.COUNT, Kind.AREA, Kind.MONEY, Kind.RATE})

# Units a header may carry in brackets, per kind, with the factor that converts to the base unit.
UNIT_FACTORS: dict[Kind, dict[str, float]] = {
    Kind.MONEY: {"元": 1.0, "yuan": 1.0, "千元": 1_000.0, "万元": 10_000.0, "wan": 10_000.0},
    Kind.AREA: {"平方米": 1.0, "m2": 1.0, "m²": 1.0, "㎡": 1.0, "sqm": 1.0},
    Kind.COUNT: dict.fromkeys(("人", "名", "个", "台", "册", "间", "所", "班", "个班", "本"), 1.0),
    Kind.RATE: {"%": 1.0},
    Kind.YEAR: {"年": 1.0},
    Kind.TEXT: {},
    Kind.CATEGORY: {},
}

# Largest plausible value per kind: no school has a billion pupils, books or square metres, nor
# ten trillion yuan of equipment. Larger is a paste error (and past 2^53 not exact as a float).
UPPER_BOUNDS: dict[Kind, float] = {Kind.COUNT: 1e9, Kind.AREA: 1e9, Kind.MONEY: 1e13}

# Canonical English names may carry the unit as a suffix instead of brackets.
NAME_SUFFIX_UNITS: dict[str, str] = {"_wan": "万元", "_yuan": "元"}


class ColumnSpec(BaseModel):
    """One column of an input table."""

    model_config = ConfigDict(frozen=True)

    name: str
    zh: str
    aliases: tuple[str, ...] = ()
    kind: Kind
    unit: str | None = None
    required: bool = False
    at_most: str | None = None  # this column is a subset of that one (same row)
    en: str = ""
    # Header paths over merged header rows (SPEC §2.4), top to bottom, cells joined by "/":
    # "专任教师/小学/高于规定学历". `fallback_paths` are used only when no other header of the
    # file names this column (计算机/合计 stands in for 计算机/其中：教学用 only when that is
    # absent).
    paths: tuple[str, ...] = ()
    fallback_paths: tuple[str, ...] = ()

    @property
    def all_names(self) -> tuple[str, ...]:
        """Canonical name, Chinese label and aliases, in that order."""
        return (self.name, self.zh, *self.aliases)


class TableSpec(BaseModel):
    """An input table: its columns in template order."""

    model_config = ConfigDict(frozen=True)

    name: str
    columns: tuple[ColumnSpec, ...]

    def column(self, name: str) -> ColumnSpec:
        """The column with this canonical name."""
        for spec in self.columns:
            if spec.name == name:
                return spec
        raise KeyError(name)

    def names(self) -> list[str]:
        """Canonical names in template order."""
        return [spec.name for spec in self.columns]


_BRACKETS = str.maketrans({"【": "(", "】": ")", "[": "(", "]": ")", "〔": "(", "〕": ")"})
_TRAILING_UNIT = re.compile(r"^(?P<base>.*?)\((?P<unit>[^()]*)\)$")


def normalize_header(text: str) -> str:
    """Fold a header for matching: NFKC (full-width to half-width), no spaces, lower case."""
    folded = unicodedata.normalize("NFKC", str(text)).translate(_BRACKETS)
    return re.sub(r"\s+", "", folded).lower()


def split_unit(header: str) -> tuple[str, str | None]:
    """Split a normalized header into its base name and a trailing bracketed unit, if any."""
    match = _TRAILING_UNIT.match(header)
    if match and match.group("base"):
        return match.group("base"), match.group("unit")
    return header, None


class HeaderMatch(BaseModel):
    """How one header of a file maps onto the dictionary."""

    spec: ColumnSpec
    unit: str | None = None
    factor: float = 1.0


class UnknownUnit(ValueError):
    """A header names a unit the column cannot be converted from."""

    def __init__(self, spec: ColumnSpec, unit: str) -> None:
        super().__init__(unit)
        self.spec = spec
        self.unit = unit


def _alias_index(table: TableSpec) -> dict[str, ColumnSpec]:
    index: dict[str, ColumnSpec] = {}
    for spec in table.columns:
        for name in spec.all_names:
            index[normalize_header(name)] = spec
    return index


_INDEXES: dict[str, dict[str, ColumnSpec]] = {}


def match_header(table: TableSpec, header: str) -> HeaderMatch | None:
    """Map a header as written onto a column of `table`; None when it is not a known column.

    Raises UnknownUnit when the column is known but its bracketed unit cannot be converted.
    """
    index = _INDEXES.get(table.name)
    if index is None:  # built once per table (setdefault would rebuild it on every call)
        index = _INDEXES[table.name] = _alias_index(table)
    folded = normalize_header(header)
    if folded in index:
        return HeaderMatch(spec=index[folded])
    for suffix, suffix_unit in NAME_SUFFIX_UNITS.items():
        if folded.endswith(suffix) and folded[: -len(suffix)] in index:
            spec = index[folded[: -len(suffix)]]
            return HeaderMatch(spec=spec, unit=suffix_unit,
                               factor=_unit_factor(spec, suffix_unit))
    base, unit = split_unit(folded)
    if unit is None or base not in index:
        return None
    spec = index[base]
    return HeaderMatch(spec=spec, unit=unit, factor=_unit_factor(spec, unit))


def _unit_factor(spec: ColumnSpec, unit: str) -> float:
    factors = UNIT_FACTORS[spec.kind]
    if unit in factors:
        return factors[unit]
    if not factors:
        # Text has no unit: the bracket is a remark (学校名称（全称）, 办学类型（代码）), and an
        # "unknown unit" error could list no accepted unit anyway.
        return 1.0
    raise UnknownUnit(spec, unit)


def accepted_units(spec: ColumnSpec) -> list[str]:
    """Units a header of this column may carry."""
    return list(UNIT_FACTORS[spec.kind])
