"""Reading CSV and XLSX tables: encoding detection, header matching, spreadsheet row numbers.

The reader does not judge values; it hands the validator the raw cells under canonical names,
with the header as written and the row number a spreadsheet would show (header = row 1).
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from edustat.problems import InputError, Problem
from edustat.schema import Kind, TableSpec, UnknownUnit, accepted_units, match_header

if TYPE_CHECKING:
    import pandas as pd

ROW = "_row"  # spreadsheet row number of each record
FILE = "_file"  # the file a record came from

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls
# Whitespace a cell might be padded with (str.strip removes each of them).
_SPACES = " \t\u3000\xa0"

_YEAR_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


@dataclass
class RawTable:
    """One input file's cells under canonical column names, not yet validated."""

    file: str
    frame: pd.DataFrame
    written: dict[str, str]  # canonical name -> header as written in the file
    factors: dict[str, float]  # canonical name -> unit conversion factor
    encoding: str | None = None
    year_from_name: int | None = None
    problems: list[Problem] = field(default_factory=list)


def year_in_file_name(path: Path) -> int | None:
    """A 4-digit year in the file name (2022.csv, 学校基表2022.xlsx), else None."""
    match = _YEAR_IN_NAME.search(path.stem)
    return int(match.group(1)) if match else None


def detect_encoding(raw: bytes, file: str, given: str | None = None) -> str:
    """The encoding of a CSV's bytes: UTF-8 (with or without BOM), then GB18030; strict."""
    return decode_table(raw, file, given)[0]


def decode_table(raw: bytes, file: str, given: str | None = None) -> tuple[str, str]:
    """A CSV's bytes decoded strictly: (encoding, text). UTF-16 with a BOM, else UTF-8 (with
    or without BOM), then GB18030; `given` overrides. Raises InputError naming the byte."""
    if given:
        try:
            codec = codecs.lookup(given).name
        except LookupError:
            raise InputError([Problem(file=file, code="unknown_encoding",
                                      params={"encoding": given})]) from None
        if codec == "utf-8" and raw.startswith(codecs.BOM_UTF8):
            given = "utf-8-sig"  # else the BOM sticks to the first header and hides it
        text, offset = _decode(raw, given)
        if text is None:
            raise InputError([Problem(file=file, row=raw[:offset].count(b"\n") + 1,
                                      code="bad_encoding_given",
                                      params={"encoding": given, "offset": offset})])
        return given, text
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates: tuple[str, ...] = ("utf-16",)  # Excel's "Unicode text" (tab-separated)
    elif raw.startswith(codecs.BOM_UTF8):
        candidates = ("utf-8-sig", "gb18030")
    else:
        candidates = ("utf-8", "gb18030")
    failures: list[int] = []
    for name in candidates:
        text, offset = _decode(raw, name)
        if text is not None:
            return name, text
        failures.append(offset)
    # The candidate that decoded furthest is the file's encoding with one bad byte: name that
    # byte. (A GBK file fails as UTF-8 at its first Chinese character, which is no help.)
    offset = max(failures)
    line = raw[:offset].count(b"\n") + 1
    raise InputError([Problem(file=file, row=line, code="bad_encoding",
                              params={"offset": offset})])


def _decode(raw: bytes, encoding: str) -> tuple[str | None, int]:
    """(text, 0) when `encoding` decodes all of `raw`, else (None, byte offset of the failure)."""
    try:
        return raw.decode(encoding), 0
    except UnicodeDecodeError as exc:
        # utf-8-sig counts from after the BOM it strips.
        skipped = 3 if codecs.lookup(encoding).name == "utf-8-sig" and raw.startswith(
            codecs.BOM_UTF8) else 0
        return None, exc.start + skipped


def read_table(path: Path, table: TableSpec, *, encoding: str | None = None,
               sheet: str | None = None) -> RawTable:
    """Read one CSV or XLSX file and map its headers onto `table`; raises InputError."""
    file = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError([Problem(file=file, code="file_missing")]) from None
    except OSError as exc:
        raise InputError([Problem(file=file, code="unreadable",
                                  params={"reason": exc.strerror or str(exc)})]) from None
    body = raw[len(codecs.BOM_UTF8):] if raw.startswith(codecs.BOM_UTF8) else raw
    if not body or body.isspace():  # Excel saves an empty sheet as a BOM and a line break
        raise InputError([Problem(file=file, code="file_empty")])
    notes: list[Problem] = []
    if raw.startswith(_ZIP_MAGIC):
        if path.suffix.lower() not in (".xlsx", ".xlsm"):
            notes.append(Problem(file=file, code="zip_as_xlsx", severity="note"))
        rows = _read_xlsx(path, file, sheet)
        header_index = header_row_index(rows[:HEADER_SEARCH_ROWS], [table])
        headers = [_cell_text(c) or "" for c in rows[header_index]]
        cells = rows[header_index + 1:]
        used_encoding, text = None, ""
    elif raw.startswith(_OLE_MAGIC) or (b"\x00" in raw[:8192] and not raw.startswith(
            (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))):
        raise InputError([Problem(file=file, code="binary")])
    else:
        used_encoding, text = decode_table(raw, file, encoding)
        first_rows = _csv_rows(text, HEADER_SEARCH_ROWS)
        header_index = header_row_index(first_rows, [table])
        headers, cells = (first_rows[header_index] if first_rows else []), None
    if header_index:
        notes.append(Problem(file=file, row=header_index + 1, code="header_below_title",
                             severity="note", params={"row": header_index + 1}))
    mapping, text_columns, problems = _map_headers(headers, table, file)
    problems = notes + problems
    if any(p.severity == "error" for p in problems):
        raise InputError(problems)
    if cells is None:
        frame = _read_csv_cells(raw, text, used_encoding or "utf-8", file, mapping,
                                text_columns, header_index, width=len(headers))
    else:
        frame = _cells_frame(cells, mapping, text_columns, header_index)
    if frame.empty:
        raise InputError(problems + [Problem(file=file, row=None, code="no_rows")])
    written = {canonical: header for _, (canonical, header, _f) in mapping.items()}
    factors = {canonical: factor for _, (canonical, _h, factor) in mapping.items()}
    return RawTable(file=file, frame=frame, written=written, factors=factors,
                    encoding=used_encoding, year_from_name=year_in_file_name(path),
                    problems=problems)


HEADER_SEARCH_ROWS = 10  # a title, a unit line or a blank row may stand above the header


def header_row_index(rows: list[list], tables: list[TableSpec]) -> int:
    """Which of a sheet's first rows is the header: the first row, unless it names fewer than
    two known columns and a later row names at least three (a title such as
    "2022年教育事业统计基表" stands above the header in many workbooks)."""
    def known(row: list) -> int:
        count = 0
        for cell in row:
            text = _cell_text(cell)
            if text and any(_is_column(table, text) for table in tables):
                count += 1
        return count

    scores = [known(row) for row in rows]
    if not scores or scores[0] >= 2:
        return 0
    best = max(range(len(scores)), key=lambda i: (scores[i], -i))
    return best if scores[best] >= 3 else 0


def _is_column(table: TableSpec, header: str) -> bool:
    try:
        return match_header(table, header) is not None
    except UnknownUnit:  # a known column with an odd unit is still a header
        return True


def _csv_rows(text: str, limit: int) -> list[list[str]]:
    """The first `limit` records of a CSV text."""
    reader = csv.reader(io.StringIO(text[: 1 << 16]), delimiter=_delimiter(text))
    rows: list[list[str]] = []
    try:
        for row in reader:
            rows.append(row)
            if len(rows) == limit:
                break
    except csv.Error:  # a record cut at 64 KiB: the rows before it are enough
        pass
    return rows


def _delimiter(text: str) -> str:
    """Tab or comma, whichever the start of the file has more of (a title row above the header
    may hold neither)."""
    sample = text[:4096]
    return "\t" if sample.count("\t") > sample.count(",") else ","


def _map_headers(headers: list[str], table: TableSpec, file: str
                 ) -> tuple[dict[int, tuple[str, str, float]], set[int], list[Problem]]:
    """Map column positions to (canonical, header as written, factor); collect header problems."""
    mapping: dict[int, tuple[str, str, float]] = {}
    text_columns: set[int] = set()
    seen: dict[str, list[str]] = {}
    unknown: list[str] = []
    problems: list[Problem] = []
    for index, header in enumerate(headers):
        written = "" if header is None else str(header).strip()
        if not written:
            text_columns.add(index)
            continue
        try:
            matched = match_header(table, written)
        except UnknownUnit as exc:
            problems.append(Problem(file=file, row=1, column=written, value=written,
                                    code="unknown_unit",
                                    params={"unit": exc.unit,
                                            "units": "、".join(accepted_units(exc.spec))}))
            continue
        if matched is None:
            unknown.append(written)
            text_columns.add(index)
            continue
        seen.setdefault(matched.spec.name, []).append(written)
        mapping[index] = (matched.spec.name, written, matched.factor)
        if matched.spec.kind in (Kind.TEXT, Kind.CATEGORY):
            text_columns.add(index)
    for canonical, written_names in seen.items():
        if len(written_names) > 1:
            problems.append(Problem(file=file, row=1, column=written_names[1],
                                    code="duplicate_column",
                                    params={"canonical": canonical,
                                            "headers": "、".join(written_names)}))
    if unknown:
        problems.append(Problem(file=file, row=1, code="unknown_columns", severity="note",
                                params={"columns": "、".join(unknown)}))
    return mapping, text_columns, problems


def _finish_frame(frame: pd.DataFrame, mapping: dict[int, tuple[str, str, float]],
                  header_index: int = 0) -> pd.DataFrame:
    """Number rows as a spreadsheet does, drop empty rows, keep only mapped columns."""
    import numpy as np

    first = header_index + 2  # the row after the header, counting from 1
    rows = np.arange(first, len(frame) + first)
    kept = frame[list(mapping)] if mapping else frame.iloc[:, :0]
    kept = kept.set_axis([mapping[i][0] for i in mapping], axis=1)
    # A column without blanks proves no row is empty; only otherwise look at every cell.
    if any(not frame[i].hasnans for i in mapping):
        kept[ROW] = rows
        return kept
    nonempty = frame.notna().any(axis=1).to_numpy() if frame.shape[1] else np.zeros(len(frame), bool)
    kept = kept.loc[nonempty].copy()
    kept[ROW] = rows[nonempty]
    return kept.reset_index(drop=True)


def _read_csv_cells(raw: bytes, text: str, encoding: str, file: str,
                    mapping: dict[int, tuple[str, str, float]], text_columns: set[int],
                    header_index: int, width: int) -> pd.DataFrame:
    """The cells of a CSV whose header (of `width` cells) is row `header_index` + 1."""
    import pandas as pd

    names = list(range(width))
    try:
        # pandas parses the bytes: faster than the decoded text, which serves the checks.
        frame = pd.read_csv(
            io.BytesIO(raw), encoding=encoding, sep=_delimiter(text),
            # header=N skips the rows above the header and replaces its names with positions
            # (faster than skiprows).
            header=header_index, names=names,
            dtype={i: str for i in text_columns},
            keep_default_na=False, na_values=[""], skip_blank_lines=False, engine="c",
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise InputError(_parser_problems(file, str(exc).strip(), text)) from None
    # Blank-looking cells written as spaces are missing too, not text; a trailing space must not
    # make "示例旗 " a second county. Stripping costs a Python call per cell, so it runs only when
    # the file holds a space, a tab or an ideographic space at all (a fast scan of the text).
    if any(space in text for space in _SPACES):
        for index in text_columns & set(mapping):
            stripped = frame[index].str.strip()
            frame[index] = stripped.where(stripped != "", None)
    return _finish_frame(frame, mapping, header_index)


_TOO_MANY_FIELDS = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def _parser_problems(file: str, reason: str, text: str) -> list[Problem]:
    """pandas' parser error as problems a person can act on: pandas stops at the first row with
    too many cells, so the text is read again to name every such row."""
    match = _TOO_MANY_FIELDS.search(reason)
    if not match:
        return [Problem(file=file, code="unreadable", params={"reason": reason})]
    expected = int(match.group(1))
    rows = csv.reader(io.StringIO(text), delimiter=_delimiter(text))
    return [Problem(file=file, row=number, code="too_many_cells",
                    params={"expected": expected, "seen": len(cells)})
            for number, cells in enumerate(rows, start=1) if len(cells) > expected]


def _read_xlsx(path: Path, file: str, sheet: str | None) -> list[list]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        if sheet is None:
            chosen = workbook.get_sheet_by_index(0)
        elif sheet in workbook.sheet_names:
            chosen = workbook.get_sheet_by_name(sheet)
        else:
            raise InputError([Problem(file=file, code="no_sheet",
                                      params={"sheet": sheet,
                                              "sheets": "、".join(workbook.sheet_names)})])
        rows = chosen.to_python(skip_empty_area=False)
    except InputError:
        raise
    except Exception as exc:  # calamine raises its own error types for broken workbooks
        raise InputError([Problem(file=file, code="unreadable", params={"reason": str(exc)})]
                         ) from None
    if not rows or not any(_cell_text(c) for row in rows[:HEADER_SEARCH_ROWS] for c in row):
        raise InputError([Problem(file=file, code="file_empty")])
    return rows


def _cell_text(value: object) -> str | None:
    """A workbook cell as text: whole floats lose their '.0' (codes typed as numbers)."""
    if value is None or value == "" or (isinstance(value, float) and value != value):
        return None  # NaN: pandas' blank in a text column, not the text "nan"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def _cells_frame(cells: list[list], mapping: dict[int, tuple[str, str, float]],
                 text_columns: set[int], header_index: int = 0) -> pd.DataFrame:
    import pandas as pd

    width = max((len(r) for r in cells), default=0)
    width = max(width, max(mapping, default=-1) + 1)
    padded = [list(r) + [None] * (width - len(r)) for r in cells]
    frame = pd.DataFrame(padded, columns=range(width), dtype=object)
    frame = frame.map(lambda v: None if v == "" or (isinstance(v, str) and not v.strip()) else v)
    for index in text_columns & set(mapping):
        frame[index] = frame[index].map(_cell_text)
    return _finish_frame(frame, mapping, header_index)


def _decode_head(head: bytes, given: str | None) -> str | None:
    """The start of a CSV as text, in the first encoding that reads it (a character cut at the
    end of `head` is fine); None for binary content or no encoding."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates: tuple[str, ...] = ("utf-16",)
    elif head.startswith(_OLE_MAGIC) or b"\x00" in head[:8192]:
        return None
    else:
        candidates = (given,) if given else ("utf-8-sig", "gb18030")
    for name in candidates:
        try:
            return codecs.getincrementaldecoder(name)().decode(head, final=False)
        except (LookupError, UnicodeDecodeError):
            continue
    return None


def read_header(path: Path, *, encoding: str | None = None, sheet: str | None = None
                ) -> list[str] | None:
    """The header row of a CSV or XLSX file as written, or None when it cannot be read.

    For telling which kind of table a file is; `read_table` reports why a file cannot be read.
    """
    try:
        with path.open("rb") as handle:
            raw = handle.read(1 << 16)  # the header is near the start: no need to read it all
    except OSError:
        return None
    if raw.startswith(_ZIP_MAGIC):
        from python_calamine import CalamineWorkbook

        try:
            workbook = CalamineWorkbook.from_path(str(path))
            if sheet is not None and sheet not in workbook.sheet_names:
                return None
            chosen = (workbook.get_sheet_by_name(sheet) if sheet is not None
                      else workbook.get_sheet_by_index(0))
            rows = list(itertools.islice(chosen.iter_rows(), HEADER_SEARCH_ROWS))
        except Exception:  # calamine raises its own error types for broken workbooks
            return None
    else:
        text = _decode_head(raw, encoding)
        if text is None:
            return None
        rows = _csv_rows(text, HEADER_SEARCH_ROWS)
    if not rows:
        return None
    from edustat.schema import TABLES

    return [_cell_text(c) or "" for c in rows[header_row_index(rows, list(TABLES.values()))]]
