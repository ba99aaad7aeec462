"""Workbooks (.xlsx, .xlsm, .xls, .ods) as grids of cells, read once from their bytes.

Before calamine loads an .xlsx sheet, its extent is checked in the sheet's XML: a stray cell at
XFD1048576 would make calamine allocate the whole rectangle (512 GB) and abort the process, which
no `except` catches. Such cells are left out (a warning names them) and only the used range is
read. Excel error cells (#DIV/0!, #N/A) and formulas saved without a value read as blank in
calamine; they are found in the XML and named (SPEC §2.4).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from posixpath import join, normpath
from typing import TYPE_CHECKING, cast

from edustat.headers import HEADER_SEARCH_ROWS, HeaderBlock, cell_text, find_header, match_path
from edustat.problems import InputError, Problem
from edustat.schema import TableSpec, UnknownUnit

if TYPE_CHECKING:
    from python_calamine import CalamineWorkbook

    from edustat.reader import Source

# calamine holds a sheet as a dense rectangle of ~32-byte cells: 40 million is 1.3 GB (a
# national table of 200 000 schools and 100 columns is 20 million).
MAX_CELLS = 40_000_000
_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_WIDE_CELL = re.compile(rb'<c r="([A-Z]{3})\d+"')
_DIMENSION = re.compile(rb'<dimension ref="[^"]*"\s*/>')
_VALUE = re.compile(rb"<v>([^<]*)</v>")


@dataclass
class Sheet:
    """One sheet's cells, with what was found about them."""

    name: str
    rows: list[list[object]]
    merges: list[tuple[tuple[int, int], tuple[int, int]]]
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) 0-based
    problems: list[Problem] = field(default_factory=list)


def column_number(letters: bytes | str) -> int:
    """1-based number of a column name (A=1, XFD=16384)."""
    number = 0
    for char in letters.decode() if isinstance(letters, bytes) else letters:
        number = number * 26 + ord(char) - 64
    return number


def _column_name(number: int) -> str:
    name = ""
    while number:
        number, rest = divmod(number - 1, 26)
        name = chr(65 + rest) + name
    return name


class Workbook:
    """A workbook read from bytes: its sheets in order, visible or not."""

    def __init__(self, raw: bytes, file: str) -> None:
        from python_calamine import CalamineWorkbook

        self.file = file
        self.raw = raw
        self.zip: zipfile.ZipFile | None = None
        self.parts: dict[str, str] = {}
        if raw.startswith(b"PK\x03\x04"):
            try:
                self.zip = zipfile.ZipFile(io.BytesIO(raw))
                self.parts = _sheet_parts(self.zip)
            except (zipfile.BadZipFile, KeyError, ValueError):
                self.zip = None
        try:
            self.book = CalamineWorkbook.from_filelike(io.BytesIO(raw))
        except Exception as exc:  # calamine raises its own error types for broken workbooks
            raise InputError([Problem(file=file, code="unreadable",
                                      params={"reason": str(exc)})]) from None
        self.names: list[str] = list(self.book.sheet_names)
        self.hidden = {m.name for m in self.book.sheets_metadata
                       if "visible" not in str(m.visible).lower().rsplit(".", 1)[-1]}

    def sheet(self, name: str, limit: int | None = None) -> Sheet:
        """The cells of sheet `name` (only the first `limit` rows when given)."""
        problems: list[Problem] = []
        errors: dict[tuple[int, int], str] = {}
        book = self.book
        part = self.parts.get(name)
        if self.zip is not None and part is not None:
            xml = self.zip.read(part)
            fixed, problems = _used_range(xml, self.file, name)
            if fixed is not xml:
                book = self._with_part(part, fixed)
                xml = fixed
            errors = _error_cells(xml)
        try:
            sheet = book.get_sheet_by_name(name)
            rows: list[list[object]]
            if limit is not None:
                rows = []
                for row in sheet.iter_rows():
                    rows.append(list(row))
                    if len(rows) >= limit:
                        break
            else:
                rows = cast("list[list[object]]", sheet.to_python(skip_empty_area=False))
            merges = list(getattr(sheet, "merged_cell_ranges", None) or [])
        except Exception as exc:  # calamine raises its own error types for broken sheets
            raise InputError([Problem(file=self.file, code="unreadable",
                                      params={"reason": str(exc)})]) from None
        # iter_rows starts at the first used row; to_python(skip_empty_area=False) at A1.
        if limit is not None and sheet.start and sheet.start[0]:
            rows = [[] for _ in range(sheet.start[0])] + rows
        return Sheet(name=name, rows=rows, merges=merges, errors=errors, problems=problems)

    def _with_part(self, part: str, xml: bytes) -> CalamineWorkbook:
        from python_calamine import CalamineWorkbook

        assert self.zip is not None
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as rebuilt:
            for info in self.zip.infolist():
                rebuilt.writestr(info, xml if info.filename == part else self.zip.read(info))
        return CalamineWorkbook.from_filelike(io.BytesIO(out.getvalue()))


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its XML part in an .xlsx (from workbook.xml and its relationships)."""
    names = archive.namelist()
    if "xl/workbook.xml" not in names:
        return {}
    workbook = archive.read("xl/workbook.xml")
    rels = archive.read("xl/_rels/workbook.xml.rels")
    targets = {m.group(1).decode(): m.group(2).decode() for m in re.finditer(
        rb'<Relationship[^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"', rels)}
    targets.update({m.group(2).decode(): m.group(1).decode() for m in re.finditer(
        rb'<Relationship[^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"', rels)})
    parts = {}
    for match in re.finditer(rb"<sheet\b[^>]*>", workbook):
        tag = match.group(0)
        name = re.search(rb'name="([^"]*)"', tag)
        rid = re.search(rb'r:id="([^"]*)"', tag)
        if not name or not rid or rid.group(1).decode() not in targets:
            continue
        target = targets[rid.group(1).decode()]
        path = target.lstrip("/") if target.startswith("/") else normpath(join("xl", target))
        from html import unescape

        parts[unescape(name.group(1).decode())] = path
    return parts


def _used_range(xml: bytes, file: str, sheet: str) -> tuple[bytes, list[Problem]]:
    """The sheet XML unchanged when its extent is small; else without the cells far from the
    table (a warning names each), or InputError when the table itself is too large."""
    last_row = xml.rfind(b'<row r="')
    row_tag = re.match(rb'<row r="(\d+)', xml[last_row:]) if last_row >= 0 else None
    max_row = int(row_tag.group(1)) if row_tag is not None else 0
    max_col = 702  # two letters at most unless a three-letter column is used
    wide = [column_number(m.group(1)) for m in _WIDE_CELL.finditer(xml)]
    if wide:
        max_col = max(wide)
    if max_row * max_col <= MAX_CELLS:
        return xml, []
    cells = [(int(m.group(2)), column_number(m.group(1)), m) for m in _CELL.finditer(xml)]
    valued = [(r, c) for r, c, m in cells if m.group(4) and (b"<v>" in m.group(4) or b"<is>" in
                                                              m.group(4))]
    rows_used = _block(sorted({r for r, _ in valued}), gap=1000)
    cols_used = _block(sorted({c for _, c in valued}), gap=50)
    problems = []
    drop = []
    for r, c, m in cells:
        if r <= rows_used and c <= cols_used:
            continue
        drop.append(m.span())
        if m.group(4) and (b"<v>" in m.group(4) or b"<is>" in m.group(4)):
            text = re.sub(rb"<[^>]+>", b"", m.group(4)).decode("utf-8", "replace")
            problems.append(Problem(file=file, row=r, column=f"{_column_name(c)}{r}", value=text,
                                    code="stray_cell", severity="warning",
                                    params={"sheet": sheet}))
    if rows_used * cols_used > MAX_CELLS:
        raise InputError([Problem(file=file, code="sheet_too_large",
                                  params={"sheet": sheet, "cells": rows_used * cols_used})])
    pieces, start = [], 0
    for begin, end in drop:
        pieces.append(xml[start:begin])
        start = end
    pieces.append(xml[start:])
    fixed = b"".join(pieces)
    ref = f'<dimension ref="A1:{_column_name(max(cols_used, 1))}{max(rows_used, 1)}"/>'.encode()
    fixed = _DIMENSION.sub(ref, fixed, count=1)
    return fixed, problems


def _block(numbers: list[int], gap: int) -> int:
    """The end of the run of `numbers` from the first that has no gap wider than `gap`."""
    end = 0
    for number in numbers:
        if end and number - end > gap:
            break
        end = number
    return end


def _error_cells(xml: bytes) -> dict[tuple[int, int], str]:
    """(row, col) 0-based -> "#DIV/0!" for error cells, "=" for a formula saved without value."""
    if b't="e"' not in xml and b"<f" not in xml:
        return {}
    errors: dict[tuple[int, int], str] = {}
    for match in _CELL.finditer(xml):
        attributes, body = match.group(3), match.group(4) or b""
        place = (int(match.group(2)) - 1, column_number(match.group(1)) - 1)
        value = _VALUE.search(body)
        if b't="e"' in attributes:
            errors[place] = value.group(1).decode() if value else "#ERROR"
        elif b"<f" in body and (value is None or not value.group(1)):
            errors[place] = "="
    return errors


def read_workbook(source: Source, tables: list[TableSpec], sheet: str | None,
                   header_rows: tuple[int, int] | None, limit: int | None = None
                   ) -> tuple[Sheet, HeaderBlock]:
    """The sheet to read and its header: the one named, else the first visible sheet whose
    header names at least three known columns (a 填表说明 or 封面 sheet may come first)."""
    book = Workbook(source.raw, source.file)
    if sheet is not None:
        if sheet not in book.names:
            raise InputError([Problem(file=source.file, code="no_sheet",
                                      params={"sheet": sheet, "sheets": "、".join(book.names)})])
        chosen = book.sheet(sheet, limit)
        return chosen, _sheet_header(chosen, tables, header_rows)
    candidates = [name for name in book.names if name not in book.hidden] or book.names
    first = None
    for name in candidates:
        current = book.sheet(name, limit)
        block = _sheet_header(current, tables, header_rows)
        if first is None:
            first = (current, block)
        known = sum(1 for path in block.paths if _known_path(tables, path))
        if known >= 3:
            if name != book.names[0]:
                current.problems.append(Problem(
                    file=source.file, code="sheet_chosen", severity="note",
                    params={"sheet": name, "skipped": "、".join(
                        n for n in book.names[:book.names.index(name)])}))
            return current, block
    if first is None or not any(cell_text(c) for row in first[0].rows[:HEADER_SEARCH_ROWS]
                                for c in row):
        raise InputError([Problem(file=source.file, code="file_empty")])
    return first


def _known_path(tables: list[TableSpec], path: list[str]) -> bool:
    for table in tables:
        try:
            if match_path(table, path) is not None:
                return True
        except UnknownUnit:
            return True
    return False


def _sheet_header(sheet: Sheet, tables: list[TableSpec], header_rows: tuple[int, int] | None
                  ) -> HeaderBlock:
    """The header of a sheet, its merged header cells filled as Excel shows them."""
    head = [list(row) for row in sheet.rows[:HEADER_SEARCH_ROWS]]
    for (r0, c0), (r1, c1) in sheet.merges:
        if r0 >= len(head):
            continue
        value = head[r0][c0] if c0 < len(head[r0]) else None
        for r in range(r0, min(r1, len(head) - 1) + 1):
            row = head[r]
            row.extend([None] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                row[c] = value
    return find_header(head, tables, header_rows)
