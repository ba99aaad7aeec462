"""Where a report goes: the format an -o path asks for, CSV and XLSX writing, atomic files.

A file is written whole or not at all: into a temporary file beside it, then renamed over it;
the temporary file is removed on any failure, Ctrl-C and SIGTERM included. The file gets the
permissions the user's umask gives a new file, as any other program's output would.
"""

from __future__ import annotations

import csv
import io
import os
import re
import signal
import tempfile
from collections.abc import Callable, Iterable, Sequence
from itertools import chain, islice
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from edustat.results import Report
    from edustat.texts import Lang

OUTPUT_FORMATS = {".csv": "csv", ".json": "json", ".xlsx": "xlsx"}
Sheets = dict[str, list[dict[str, Any]]]


def output_format(path: Path) -> str | None:
    """The output format an -o path asks for by its extension, or None if unsupported."""
    return OUTPUT_FORMATS.get(path.suffix.lower())


# Streams are written through a buffer of this size: a national report is hundreds of MB.
BUFFER = 1 << 20
# CSV rows are formatted this many at a time, a column at a time: each column's cells by one
# conversion chosen for the types it holds, not a Python call per cell (a national per-school
# table has 20 million cells).
CHUNK = 1024
_NUMBER_TYPES = frozenset({type(None), bool, int, float})
_TEXT_TYPES = _NUMBER_TYPES | {str}
_FLOAT_OR_NONE = {float, type(None)}
# Characters that make csv.writer quote or escape a cell: the delimiter, the quote character, line
# ends, and NUL (the unset escape character before Python 3.11). A number's text holds none.
_SPECIAL = (",", '"', "\r", "\n", "\x00")
_NOT_DECIMAL = re.compile(r"[^-.,\[\]0-9]")


def csv_text(rows: Iterable[dict[str, Any]], columns: Sequence[str] | None = None) -> str:
    """Rows as CSV text (header from the first row unless `columns` is given)."""
    buffer = io.StringIO()
    write_csv(buffer, rows, columns)
    return buffer.getvalue()


def write_csv(out: TextIO, rows: Iterable[dict[str, Any]],
              columns: Sequence[str] | None = None) -> None:
    """Rows written to `out` as CSV as they come (header from the first row unless `columns`)."""
    rows = iter(rows)
    first = next(rows, None)
    names = list(columns or (first.keys() if first is not None else []))
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    if first is None:
        return
    rows = chain((first,), rows)
    # One column, or a name twice, is left to csv.writer: a lone empty cell is written "".
    getters = ([itemgetter(name) for name in names]
               if len(names) > 1 and len(set(names)) == len(names) else [])
    while chunk := list(islice(rows, CHUNK)):
        text = _chunk_text(chunk, getters) if getters else None
        if text is None:
            writer.writerows(_cells(row, names) for row in chunk)
        else:
            out.write(text)


def _cells(row: dict[str, Any], names: list[str]) -> list[Any]:
    """A row's cells in header order, as csv.DictWriter took them (a missing key empty)."""
    extra = row.keys() - names
    if extra:
        raise ValueError("dict contains fields not in fieldnames: "
                         + ", ".join(repr(name) for name in extra))
    return [_csv_cell(row.get(name, "")) for name in names]


def _csv_cell(value: Any) -> Any:
    """A value as csv.writer is given it: a float (numpy's float64 too) as its repr, None empty."""
    if isinstance(value, float):
        return repr(value)  # unrounded, shortest exact form
    return "" if value is None else value


def _chunk_text(chunk: list[dict[str, Any]],
                getters: Sequence[Callable[[dict[str, Any]], Any]]) -> str | None:
    """The chunk's CSV lines, formatted column by column; None when csv.writer must write it
    (a row with other keys, a value of another type, a cell it would quote)."""
    # Exactly dicts (a defaultdict's lookup would add a key) of exactly the header's names: each
    # has them all (else KeyError) and no other (the same number).
    if set(map(type, chunk)) != {dict} or set(map(len, chunk)) != {len(getters)}:
        return None
    texts = []
    for get in getters:
        try:
            column = tuple(map(get, chunk))
        except KeyError:
            return None
        text = _column_text(column)
        if text is None:
            return None
        texts.append(text)
    return "\n".join(map(",".join, zip(*texts, strict=True))) + "\n"


def _column_text(column: tuple[Any, ...]) -> Sequence[str] | None:
    """A column's cells as csv.writer writes them (None empty, a float its repr, else str), by
    one conversion chosen for the types present; None when csv.writer must write them."""
    kinds = set(map(type, column))
    if kinds == {float}:
        return _floats(column)
    if kinds == {int} or kinds == {bool}:
        return list(map(repr, column))  # an exact int's or bool's repr is its str
    if kinds == _FLOAT_OR_NONE:  # a figure that could not be computed is None
        floats = iter(_floats(tuple(value for value in column if value is not None)))
        return ["" if value is None else next(floats) for value in column]
    if kinds == {str}:
        text: Sequence[str] = column
    elif kinds <= _TEXT_TYPES:
        text = [_cell(value) for value in column]
        if kinds <= _NUMBER_TYPES:
            return text
    else:  # a subclass (numpy's float64, a str enum) is written as it always was
        return None
    joined = "".join(text)
    return None if any(char in joined for char in _SPECIAL) else text


def _floats(column: tuple[float, ...]) -> list[str]:
    """Floats' reprs: pydantic_core's where they are repr's, else repr's own."""
    cells = _json_floats(column)
    return cells if cells is not None else list(map(float.__repr__, column))


def _json_floats(column: tuple[float, ...]) -> list[str] | None:
    """Floats' reprs, most as pydantic_core's JSON writer gives them (the same shortest round-trip
    digits, several times faster than repr); None if a cell it wrote is not what was expected."""
    import numpy as np
    import pydantic_core

    size = np.abs(np.array(column))
    # repr writes these with an exponent (1e-05, 1e+16) or as inf and nan; JSON does not.
    odd = np.flatnonzero(~(size < 1e16) | ((size < 1e-4) & (size != 0))).tolist()
    text = pydantic_core.to_json(column).decode("ascii")
    cells = text[1:-1].split(",")
    if odd:
        for index in odd:
            cells[index] = "0"
        text = "[" + ",".join(cells) + "]"
    # Belt and braces: every other cell must be digits with one point and read back as its value.
    if _NOT_DECIMAL.search(text) or text.count(".") != len(cells) - len(odd):
        return None
    try:
        back = pydantic_core.from_json(text)
    except ValueError:
        return None
    for index in odd:
        back[index] = column[index]
        cells[index] = repr(column[index])
    return cells if back == list(column) else None


def _cell(value: bool | int | float | str | None) -> str:
    """A cell's text as csv.writer makes it: None empty, a float its repr, else its str."""
    if value is None:
        return ""
    return repr(value) if type(value) is float else str(value)


def _umask() -> int:
    """The process's umask (read by setting it and putting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


class _Terminated(BaseException):
    """SIGTERM arrived while a file was being written."""


def write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    """Write via a temporary file in the same folder, then rename: whole or not at all.

    The temporary file is removed on any failure, on Ctrl-C and on SIGTERM (then the process
    ends with the signal's exit status, 143)."""
    target = path.resolve()
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                         dir=target.parent)
    os.close(handle)
    temp = Path(temp_name)
    # mkstemp makes the file 0600; a finished output is an ordinary file of the user's.
    os.chmod(temp, 0o666 & ~_umask())

    def terminated(signum: int, frame: Any) -> None:
        raise _Terminated

    previous = _set_handler(terminated)
    try:
        write(temp)
        os.replace(temp, target)
    except _Terminated:
        temp.unlink(missing_ok=True)
        raise SystemExit(128 + signal.SIGTERM) from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    finally:
        _set_handler(previous)


def _set_handler(handler: Any) -> Any:
    """Install a SIGTERM handler (only possible in the main thread); the one it replaces."""
    try:
        return signal.signal(signal.SIGTERM, handler)
    except (ValueError, TypeError):  # not the main thread, or no handler to put back
        return None


def _discard(_: object) -> None:
    """Drop a write's byte count: `write_atomic` takes a function that returns nothing."""


def write_report(path: Path, report: Report, lang: Lang) -> None:
    """Write a report to `path` by its extension, atomically: JSON and CSV as the report
    produces them (a national report is not held whole in memory), XLSX from its sheets."""
    kind = output_format(path)
    if kind == "json":
        def json_file(temp: Path) -> None:
            with open(temp, "wb", buffering=BUFFER) as out:
                report.write_json(out, lang)

        write_atomic(path, json_file)
    elif kind == "csv":
        def csv_file(temp: Path) -> None:
            # Files are opened by Excel more than by scripts: a BOM makes Excel read UTF-8
            # Chinese.
            with open(temp, "w", encoding="utf-8-sig", buffering=BUFFER) as out:
                write_csv(out, report.csv_rows(lang))

        write_atomic(path, csv_file)
    elif kind == "xlsx":
        write_atomic(path, lambda p: write_xlsx(p, report.sheets(lang)))
    else:  # the CLI checks extensions first; this is a programming error
        raise ValueError(f"unsupported output extension: {path.suffix}")


def write_xlsx(path: Path, sheets: Sheets, headers: Sequence[str] | None = None) -> None:
    """A workbook of one sheet per table (header row from the first row, or `headers`)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for name, table in sheets.items():
        sheet = workbook.create_sheet(title=name[:31])
        rows = iter(table)
        first = next(rows, None)
        columns = list(headers or (first.keys() if first is not None else []))
        if columns:
            sheet.append(columns)
        for row in ([first] if first is not None else []):
            sheet.append([row.get(c) for c in columns])
        for row in rows:
            sheet.append([row.get(c) for c in columns])
    if not sheets:
        workbook.create_sheet("empty")
    workbook.save(path)


def write_header_only(path: Path, headers: Sequence[str]) -> None:
    """An empty table with just its header row (`edustat template`), CSV or XLSX by extension."""
    if path.suffix.lower() == ".csv":
        line = ",".join(headers) + "\r\n"
        write_atomic(path, lambda p: _discard(p.write_text(line, encoding="utf-8-sig")))
    else:
        write_atomic(path, lambda p: write_xlsx(p, {"schools": []}, headers))
