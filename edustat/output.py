"""Where a report goes: the format an -o path asks for, CSV and XLSX writing, atomic files.

A file is written whole or not at all: into a temporary file beside it, then renamed over it;
the temporary file is removed on any failure, Ctrl-C and SIGTERM included. The file gets the
permissions the user's umask gives a new file, as any other program's output would.
"""

from __future__ import annotations

import csv
import io
import os
import signal
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

OUTPUT_FORMATS = {".csv": "csv", ".json": "json", ".xlsx": "xlsx"}
Sheets = dict[str, list[dict[str, Any]]]


def output_format(path: Path) -> str | None:
    """The output format an -o path asks for by its extension, or None if unsupported."""
    return OUTPUT_FORMATS.get(path.suffix.lower())


def csv_text(rows: Iterable[dict[str, Any]], columns: Sequence[str] | None = None) -> str:
    """Rows as CSV text (header from the first row unless `columns` is given)."""
    rows = list(rows)
    buffer = io.StringIO()
    fieldnames = list(columns or (rows[0].keys() if rows else []))
    writer = csv.DictWriter(buffer, fieldnames=fieldnames, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _csv_cell(v) for k, v in row.items()})
    return buffer.getvalue()


def _csv_cell(value: Any) -> Any:
    if isinstance(value, float):
        return repr(value)  # unrounded, shortest exact form
    if value is None:
        return ""
    return value


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


def write_sheets(path: Path, sheets: Sheets | Callable[[], Sheets],
                 json_bytes: Callable[[], bytes]) -> None:
    """Write a report to `path` by its extension: JSON (`json_bytes()`), or CSV/XLSX of its
    `sheets` (the first for CSV; a callable, so rows are only built when needed), atomically."""
    kind = output_format(path)
    if kind == "json":
        data = json_bytes()
        write_atomic(path, lambda p: _discard(p.write_bytes(data + b"\n")))
        return
    tables = sheets() if callable(sheets) else sheets
    if kind == "csv":
        # Files are opened by Excel more than by scripts: a BOM makes Excel read UTF-8 Chinese.
        text = csv_text(next(iter(tables.values())))
        write_atomic(path, lambda p: _discard(p.write_text(text, encoding="utf-8-sig")))
    elif kind == "xlsx":
        write_atomic(path, lambda p: write_xlsx(p, tables))
    else:  # the CLI checks extensions first; this is a programming error
        raise ValueError(f"unsupported output extension: {path.suffix}")


def write_xlsx(path: Path, sheets: Sheets, headers: Sequence[str] | None = None) -> None:
    """A workbook of one sheet per table (header row from the first row, or `headers`)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(title=name[:31])
        columns = list(headers or (rows[0].keys() if rows else []))
        if columns:
            sheet.append(columns)
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
