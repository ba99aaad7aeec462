"""A workbook as plain data: sheets of cells (values, or live formulas with their cached values),
merged ranges, print setup and native charts. Layout modules fill it; `writer` writes it.

Rows and columns are 0-based here, as in xlsxwriter; `ref()` gives the A1 form formulas use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

# Styles the writer knows (see writer.STYLES); a "!" suffix marks a failing cell (red), "!!" one
# that fails hard (below the 85% floor of a per-school standard).
Style = str


@dataclass
class Cell:
    """A value, or a formula (starting with "=") shown with `value` until Excel recalculates."""

    value: Any = None
    style: Style = "text"
    formula: str | None = None


@dataclass
class Span:
    """A merged range holding one cell."""

    first_row: int
    first_col: int
    last_row: int
    last_col: int
    cell: Cell


@dataclass
class Series:
    """One chart series: categories and values as ranges of a sheet (rows inclusive)."""

    name: str
    sheet: str
    categories: tuple[int, int, int]  # column, first row, last row
    values: tuple[int, int, int]
    kind: Literal["column", "line"] = "column"
    color: str | None = None


@dataclass
class Chart:
    """A native Excel chart anchored at a cell."""

    kind: Literal["column", "line"]
    title: str
    series: list[Series]
    anchor: tuple[int, int]
    y_title: str | None = None
    number_format: str | None = None
    width: int = 720
    height: int = 320


@dataclass
class Sheet:
    """One worksheet and its print setup."""

    name: str
    kind: str  # cover, calc, standards, charts, trend, exams, enrolment
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    spans: list[Span] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    freeze: tuple[int, int] | None = None
    repeat_rows: tuple[int, int] | None = None  # printed on every page
    widths: dict[int, float] = field(default_factory=dict)  # fixed widths; others fit content
    heights: dict[int, float] = field(default_factory=dict)
    landscape: bool = True

    def put(self, row: int, col: int, value: Any, style: Style = "text",
            formula: str | None = None) -> None:
        """Set one cell."""
        self.cells[(row, col)] = Cell(value, style, formula)

    def merge(self, first_row: int, first_col: int, last_row: int, last_col: int, value: Any,
              style: Style = "text") -> None:
        """A merged range (a single cell when it spans one cell)."""
        if (first_row, first_col) == (last_row, last_col):
            self.put(first_row, first_col, value, style)
        else:
            self.spans.append(Span(first_row, first_col, last_row, last_col, Cell(value, style)))

    @property
    def last_col(self) -> int:
        """The rightmost column used."""
        cols = [c for _r, c in self.cells] + [s.last_col for s in self.spans]
        return max(cols, default=0)


@dataclass
class Workbook:
    """The sheets of one workbook, in order."""

    sheets: list[Sheet] = field(default_factory=list)

    def sheet(self, name: str, kind: str) -> Sheet:
        """Add a sheet and return it."""
        sheet = Sheet(name=name, kind=kind)
        self.sheets.append(sheet)
        return sheet


def column_letter(col: int) -> str:
    """A 0-based column number as Excel letters (0 -> A, 26 -> AA)."""
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def ref(row: int, col: int, *, absolute: bool = False) -> str:
    """The A1 reference of a 0-based cell."""
    mark = "$" if absolute else ""
    return f"{mark}{column_letter(col)}{mark}{row + 1}"


def span_ref(first_row: int, last_row: int, col: int) -> str:
    """The A1 reference of a column range, e.g. E5:E20."""
    return f"{ref(first_row, col, absolute=True)}:{ref(last_row, col, absolute=True)}"


def sheet_ref(sheet: str, row: int, col: int) -> str:
    """A reference to a cell of another sheet, quoted as Excel wants."""
    return f"'{sheet.replace(chr(39), chr(39) * 2)}'!{ref(row, col, absolute=True)}"


def worded(value: Any, lang: str) -> str:
    """A text of a result in `lang`: results carry plain text or phrases worded on demand."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):  # several notes of one figure, as the JSON joins them
        return "；".join(worded(item, lang) for item in value)
    word = getattr(value, "word", None)
    return word(lang) if callable(word) else str(value)
