"""Reading CSV and workbook tables: encoding detection, header matching, spreadsheet row numbers.

The reader does not judge values; it hands the validator the raw cells under canonical names,
with the header as written (a path of merged header cells joined by "/") and the row number a
spreadsheet would show. Every input is read once, into memory (a FIFO or `<(cat f.csv)` can be
read only once): `load_source` reads it, and the same bytes serve every later look.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from edustat.encoding import (
    OLE_MAGIC,
    NotWhollyUtf8,
    decode_head,
    decode_table,
    holds,
    utf8_head,
)
from edustat.headers import HEADER_SEARCH_ROWS, HeaderBlock, cell_text, find_header, match_path
from edustat.problems import InputError, Problem
from edustat.schema import Kind, TableSpec, UnknownUnit, accepted_units

if TYPE_CHECKING:
    import pandas as pd

ROW = "_row"  # spreadsheet row number of each record
FILE = "_file"  # the file a record came from

_ZIP_MAGIC = b"PK\x03\x04"
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
    sheet: str | None = None
    county_from_title: str | None = None
    unknown: list[str] = field(default_factory=list)  # headers not recognised, as written
    # Excel error cells and formulas without a saved value: (row, canonical column, "#N/A").
    cell_errors: list[tuple[int, str, str]] = field(default_factory=list)


@dataclass(eq=False)  # hashed by identity: never hash the bytes
class Source:
    """An input's bytes, read once: every later look at the file uses these."""

    path: Path
    raw: bytes

    @property
    def file(self) -> str:
        """The file as the user named it."""
        return str(self.path)

    def __str__(self) -> str:
        return str(self.path)

    def __fspath__(self) -> str:
        return str(self.path)


def load_source(path: Path | str | Source) -> Source:
    """Read an input file whole, once; raises InputError when it cannot be read."""
    if isinstance(path, Source):
        return path
    path = Path(path)
    file = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError([Problem(file=file, code="file_missing")]) from None
    except OSError as exc:
        raise InputError([Problem(file=file, code="unreadable",
                                  params={"reason": exc.strerror or str(exc)})]) from None
    return Source(path=path, raw=raw)


def as_sources(paths: Sequence[Path | str | Source]) -> list[Path | Source]:
    """Each readable input read once (a FIFO or `<(cat f.csv)` can be read only once); one that
    cannot be read stays a path, and reading it later reports why."""
    out: list[Path | Source] = []
    for path in paths:
        try:
            out.append(load_source(path))
        except InputError:
            out.append(path if isinstance(path, Source) else Path(path))
    return out


def load_sources(paths: list[Path | str | Source]) -> tuple[list[Source], list[Problem]]:
    """Every readable input, read once; the problems of those that cannot be read."""
    sources: list[Source] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            sources.append(load_source(path))
        except InputError as exc:
            problems.extend(exc.problems)
    return sources, problems


def year_in_file_name(path: Path) -> int | None:
    """A 4-digit year in the file name (2022.csv, 学校基表2022.xlsx), else None."""
    match = _YEAR_IN_NAME.search(path.stem)
    return int(match.group(1)) if match else None


def read_table(path: Path | str | Source, table: TableSpec, *, encoding: str | None = None,
               sheet: str | None = None, header_rows: tuple[int, int] | None = None) -> RawTable:
    """Read one CSV or workbook and map its headers onto `table`; raises InputError."""
    source = load_source(path)
    try:
        return _read_source(source, table, encoding, sheet, header_rows, whole_text=False)
    except NotWhollyUtf8:  # the whole text decides the encoding, or names the bad byte
        return _read_source(source, table, encoding, sheet, header_rows, whole_text=True)


def _read_source(source: Source, table: TableSpec, encoding: str | None, sheet: str | None,
                 header_rows: tuple[int, int] | None, *, whole_text: bool) -> RawTable:
    file, raw = source.file, source.raw
    body = raw[len(codecs.BOM_UTF8):] if raw.startswith(codecs.BOM_UTF8) else raw
    if not body or body.isspace():  # Excel saves an empty sheet as a BOM and a line break
        raise InputError([Problem(file=file, code="file_empty")])
    notes: list[Problem] = []
    errors: dict[tuple[int, int], str] = {}
    sheet_name = None
    used_encoding: str | None = None
    if raw.startswith(_ZIP_MAGIC) or raw.startswith(OLE_MAGIC):
        if raw.startswith(_ZIP_MAGIC) and source.path.suffix.lower() not in _WORKBOOK_SUFFIXES:
            notes.append(Problem(file=file, code="zip_as_xlsx", severity="note"))
        from edustat.workbook import read_workbook

        chosen, block = read_workbook(source, [table], sheet, header_rows)
        sheet_name, errors = chosen.name, chosen.errors
        notes.extend(chosen.problems)
        notes.append(Problem(file=file, code="sheet_read", severity="note",
                             params={"sheet": chosen.name}))
        cells: list[list[object]] | None = chosen.rows[block.data_start:]
        text = ""
    elif b"\x00" in raw[:8192] and not raw.startswith((codecs.BOM_UTF16_LE,
                                                        codecs.BOM_UTF16_BE)):
        raise InputError([Problem(file=file, code="binary")])
    else:
        # A UTF-8 file is read on its first HEAD_BYTES: pandas decodes the rest, strictly, and
        # a byte that is not UTF-8 sends the file back here to be decoded whole (NotWhollyUtf8).
        # Any other file (GB18030, UTF-16, an encoding given) is decoded whole at once.
        head = None if whole_text else utf8_head(raw, encoding)
        used_encoding, text = head or decode_table(raw, file, encoding)
        whole_text = head is None  # from here on: whether `text` is all of the file
        first_rows = _csv_rows(text, HEADER_SEARCH_ROWS)
        block = find_header(first_rows, [table], header_rows)
        cells = None
    notes.extend(_header_notes(file, block))
    mapping, text_columns, unknown, problems = _map_headers(block, table, file)
    problems = notes + problems
    if any(p.severity == "error" for p in problems):
        raise InputError(problems)
    if cells is None:
        frame = _read_csv_cells(raw, text, used_encoding or "utf-8", file, mapping,
                                text_columns, block, whole_text)
    else:
        frame = _cells_frame(cells, mapping, text_columns, block.data_start)
    if frame.empty:
        raise InputError([*problems, Problem(file=file, row=None, code="no_rows")])
    written = {canonical: header for _, (canonical, header, _f) in mapping.items()}
    factors = {canonical: factor for _, (canonical, _h, factor) in mapping.items()}
    cell_errors = [(r + 1, mapping[c][0], value) for (r, c), value in sorted(errors.items())
                   if c in mapping and r >= block.data_start]
    year = year_in_file_name(source.path)
    title_year = block.title_year()
    if title_year is not None and "year" not in written:
        if year is not None and year != title_year:
            problems.append(Problem(file=file, code="title_year_differs", severity="warning",
                                    params={"title": title_year, "name": year}))
        year = title_year
        problems.append(Problem(file=file, code="year_from_title",
                                severity="note", params={"year": title_year}))
    county = block.title_county() if "county" not in written else None
    if county is not None:
        problems.append(Problem(file=file, code="county_from_title", severity="note",
                                params={"county": county}))
    return RawTable(file=file, frame=frame, written=written, factors=factors,
                    encoding=used_encoding, year_from_name=year, problems=problems,
                    sheet=sheet_name, unknown=unknown, cell_errors=cell_errors,
                    county_from_title=county)


_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".xlsb")


def _header_notes(file: str, block: HeaderBlock) -> list[Problem]:
    """A note saying where the header was found, when it is not simply the first row."""
    if block.last > block.first or block.data_start > block.last + 1:
        return [Problem(file=file, row=block.first + 1, code="header_block", severity="note",
                        params={"rows": f"{block.first + 1}" if block.last == block.first
                                else f"{block.first + 1}–{block.last + 1}",
                                "data": block.data_start + 1})]
    if block.first:
        return [Problem(file=file, row=block.first + 1, code="header_below_title",
                        severity="note", params={"row": block.first + 1})]
    return []


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


def _map_headers(block: HeaderBlock, table: TableSpec, file: str
                 ) -> tuple[dict[int, tuple[str, str, float]], set[int], list[str],
                            list[Problem]]:
    """Map column positions to (canonical, header as written, factor); collect header problems."""
    mapping: dict[int, tuple[str, str, float]] = {}
    fallbacks: dict[int, tuple[str, str, float]] = {}
    text_columns: set[int] = set()
    seen: dict[str, list[str]] = {}
    unknown: list[str] = []
    problems: list[Problem] = []
    row = block.first + 1
    for index, path in enumerate(block.paths):
        written = block.written(index)
        cells = list(path) + ([f"({block.units[index]})"] if index in block.units else [])
        if not written:
            text_columns.add(index)
            continue
        try:
            found = match_path(table, cells)
        except UnknownUnit as exc:
            problems.append(Problem(file=file, row=row, column=written, value=written,
                                    code="unknown_unit",
                                    params={"unit": exc.unit,
                                            "units": "、".join(accepted_units(exc.spec))}))
            continue
        if found is None:
            unknown.append(written)
            text_columns.add(index)
            continue
        matched = found.match
        entry = (matched.spec.name, written, matched.factor)
        if matched.spec.kind in (Kind.TEXT, Kind.CATEGORY):
            text_columns.add(index)
        if found.fallback:
            fallbacks[index] = entry
            continue
        seen.setdefault(matched.spec.name, []).append(written)
        mapping[index] = entry
    for index, entry in fallbacks.items():
        if entry[0] in seen:  # 计算机/合计 is not used where 计算机/其中：教学用 is given
            problems.append(Problem(file=file, row=row, column=entry[1], code="fallback_unused",
                                    severity="note",
                                    params={"used": seen[entry[0]][0], "column": entry[0]}))
            text_columns.add(index)
            continue
        seen.setdefault(entry[0], []).append(entry[1])
        mapping[index] = entry
    for canonical, written_names in seen.items():
        if len(written_names) > 1:
            problems.append(Problem(file=file, row=row, column=written_names[1],
                                    code="duplicate_column",
                                    params={"canonical": canonical,
                                            "headers": "、".join(written_names)}))
    if unknown:
        problems.append(Problem(file=file, row=row, code="unknown_columns", severity="note",
                                params={"columns": "、".join(unknown)}))
    return mapping, text_columns, unknown, problems


def _finish_frame(frame: pd.DataFrame, mapping: dict[int, tuple[str, str, float]],
                  data_start: int = 1) -> pd.DataFrame:
    """Number rows as a spreadsheet does, drop empty rows, keep only mapped columns."""
    import numpy as np

    first = data_start + 1  # the first data row, counting from 1
    rows = np.arange(first, len(frame) + first)
    kept = frame[list(mapping)] if mapping else frame.iloc[:, :0]
    kept = kept.set_axis([mapping[i][0] for i in mapping], axis=1)
    # A column without blanks proves no row is empty; only otherwise look at every cell. A
    # column of whole numbers holds no blank at all: asked first, it answers without a look.
    if any(not frame[i].hasnans
           for i in sorted(mapping, key=lambda i: frame[i].dtype.kind not in "iub")):
        kept[ROW] = rows
        return kept
    nonempty = (frame.notna().any(axis=1).to_numpy() if frame.shape[1]
                else np.zeros(len(frame), bool))
    kept = kept.loc[nonempty].copy()
    kept[ROW] = rows[nonempty]
    return kept.reset_index(drop=True)


def _read_csv_cells(raw: bytes, text: str, encoding: str, file: str,
                    mapping: dict[int, tuple[str, str, float]], text_columns: set[int],
                    block: HeaderBlock, whole_text: bool = True) -> pd.DataFrame:
    """The cells of a CSV whose data starts at row `block.data_start` + 1; `text` is the
    decoded file, or only its start when not `whole_text` (pandas then decodes the rest)."""
    import pandas as pd

    width = len(block.paths)
    sep = _delimiter(text)
    # Some exports end every data row with a delimiter: one more, empty, cell than the header.
    sample = _csv_rows(text, block.data_start + 5)[block.data_start:]
    if sample and all(len(r) == width + 1 and not r[-1].strip() for r in sample):
        width += 1
    names = list(range(width))
    try:
        # pandas parses the bytes: faster than the decoded text, which serves the checks.
        frame = pd.read_csv(
            io.BytesIO(raw), encoding=encoding, sep=sep,
            # header=N skips the rows above the data and replaces the last header row's names
            # with positions (faster than skiprows).
            header=block.data_start - 1 if block.data_start else None, names=names,
            # Never the first column as the index, whatever the row widths (issue 14.4).
            index_col=False,
            # Texts as Python strings: pandas 3's string dtype checks every cell again (50 ms
            # on a national file), and the validator makes them objects anyway.
            dtype=dict.fromkeys(text_columns, object),
            keep_default_na=False, na_values=[""], skip_blank_lines=False, engine="c",
        )
    except UnicodeDecodeError:
        if whole_text:  # decoded whole before: cannot happen, but never hide it as a parse error
            raise
        raise NotWhollyUtf8 from None
    except (pd.errors.ParserError, ValueError) as exc:
        if not whole_text:  # the rows with too many cells are named from the whole text
            raise NotWhollyUtf8 from None
        raise InputError(_parser_problems(file, str(exc).strip(), text)) from None
    # Blank-looking cells written as spaces are missing too, not text; a trailing space must not
    # make "示例旗 " a second county. Stripping costs a Python call per cell, so it runs only when
    # the file holds a space, a tab or an ideographic space at all (a fast scan; of the bytes
    # when only the start was decoded: a character is in UTF-8 text only if its bytes are).
    if (any(space in text for space in _SPACES) if whole_text
            else any(holds(raw, space.encode("utf-8")) for space in _SPACES)):
        for index in text_columns & set(mapping):
            stripped = frame[index].str.strip()
            frame[index] = stripped.where(stripped != "", None)
    return _finish_frame(frame, mapping, block.data_start)


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


_cell_text = cell_text  # the name older callers use


def _cells_frame(cells: list[list[object]], mapping: dict[int, tuple[str, str, float]],
                 text_columns: set[int], data_start: int = 1) -> pd.DataFrame:
    import pandas as pd

    width = max((len(r) for r in cells), default=0)
    width = max(width, max(mapping, default=-1) + 1)
    padded = [list(r) + [None] * (width - len(r)) for r in cells]
    frame = pd.DataFrame(padded, columns=range(width), dtype=object)
    frame = frame.map(lambda v: None if v == "" or (isinstance(v, str) and not v.strip()) else v)
    for index in text_columns & set(mapping):
        frame[index] = frame[index].map(cell_text)
    return _finish_frame(frame, mapping, data_start)


def read_header(path: Path | str | Source, *, encoding: str | None = None,
                sheet: str | None = None) -> list[str] | None:
    """The header of a CSV or workbook as written (paths joined by "/"), or None when it cannot
    be read. For telling which kind of table a file is; `read_table` reports why a file cannot be
    read. A Source is not read again."""
    from edustat.schema import TABLES

    tables = list(TABLES.values())
    if isinstance(path, Source):
        raw = path.raw[: 1 << 16] if not path.raw.startswith((_ZIP_MAGIC, OLE_MAGIC)) else path.raw
        source: Source | None = path
    else:
        try:
            with Path(path).open("rb") as handle:
                raw = handle.read(1 << 16)  # the header is near the start
        except OSError:
            return None
        source = None
    if raw.startswith((_ZIP_MAGIC, OLE_MAGIC)):
        try:
            whole = source or load_source(path)
            from edustat.workbook import read_workbook

            _chosen, block = read_workbook(whole, tables, sheet, None, limit=HEADER_SEARCH_ROWS)
        except Exception:  # a broken workbook: read_table says why
            return None
    else:
        text = decode_head(raw, encoding)
        if text is None:
            return None
        rows = _csv_rows(text, HEADER_SEARCH_ROWS)
        if not rows:
            return None
        block = find_header(rows, tables)
    return [block.written(i) for i in range(len(block.paths))]
