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
    fieldnames = list(columns or (first.keys() if first is not None else []))
    writer = csv.DictWriter(out, fieldnames=fieldnames, lineterminator="\n")
    writer.writeheader()
    if first is None:
        return
    writer.writerow({k: _csv_cell(v) for k, v in first.items()})
    for row in rows:
        writer.writerow({k: _csv_cell(v) for k, v in row.items()})


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
