"""The inputs and output a command line names, checked before any work: usage errors (exit 2)
for a missing file, a folder, a device, an implausibly large input, or an output that cannot be
written; `-` as standard input (saved to a temporary file) and as standard output."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from edustat.cli.console import usage_error
from edustat.texts import Lang, t

# An input larger than this is not a county's or a province's table (the national school file
# is about 60 MB): it is refused before any reading. EDUSTAT_MAX_INPUT_MB raises the limit.
MAX_INPUT_MB = 1024
STDIN = Path("-")


def _max_input_bytes() -> int:
    value = os.environ.get("EDUSTAT_MAX_INPUT_MB", "")
    return (int(value) if value.isdigit() else MAX_INPUT_MB) * 1024 * 1024


TEMPORARY: list[Path] = []  # folders made for this run, removed at its end


def _stdin_file(lang: Lang) -> Path:
    """Standard input saved to a temporary file (removed at exit), so it is read like a file."""
    import atexit
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="edustat-stdin-"))
    TEMPORARY.append(folder)  # removed by _hard_exit, which skips atexit
    atexit.register(shutil.rmtree, folder, ignore_errors=True)  # an in-process run (tests)
    data = sys.stdin.buffer.read()
    # The reader tells a workbook by its content; the name only says where it came from.
    target = folder / ("stdin.xlsx" if data[:2] == b"PK" else "stdin.csv")
    target.write_bytes(data)
    return target


def _check_input(path: Path, lang: Lang) -> None:
    """A usage error for an input that is missing, a folder, a device, or implausibly large."""
    import stat

    if not path.exists():
        usage_error(f"{path}: {t('problem.file_missing', lang)}")
    if path.is_dir():
        usage_error(f"{path}: {t('usage.is_directory', lang)}")
    mode = path.stat().st_mode
    if stat.S_ISFIFO(mode):
        return  # a pipe (<(cat f.csv)) is read once, like a file
    if not stat.S_ISREG(mode):
        usage_error(f"{path}: {t('usage.not_a_file', lang)}")
    size, limit = path.stat().st_size, _max_input_bytes()
    if size > limit:
        usage_error(f"{path}: " + t("usage.too_large", lang, size=_megabytes(size),
                                    limit=_megabytes(limit)))


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:,.0f} MB"


def _check_output(output: Path, fmt: str | None, inputs: Sequence[Path], lang: Lang) -> None:
    """A usage error for an output that cannot be written, or whose extension -f contradicts."""
    from edustat.output import output_format

    if output.is_dir():
        usage_error(f"{output}: {t('usage.output_is_folder', lang)}")
    if not output.suffix:
        usage_error(f"{output}: {t('usage.no_output_ext', lang)}")
    kind = output_format(output)
    if kind is None:
        usage_error(f"{output}: {t('problem.bad_output_ext', lang, ext=output.suffix)}")
    if fmt is not None and fmt != kind:
        usage_error(f"{output}: {t('usage.format_conflict', lang, format=fmt, ext=output.suffix)}")
    check_writable(output, inputs, lang)


def check_writable(output: Path, inputs: Sequence[Path], lang: Lang) -> None:
    """A usage error for an output that is a folder or an input, or in a missing or read-only
    folder."""
    if output.is_dir():
        usage_error(f"{output}: {t('usage.output_is_folder', lang)}")
    if any(output.resolve() == path.resolve() for path in inputs):
        usage_error(f"{output}: {t('problem.output_is_input', lang)}")
    folder = output.resolve().parent
    if not folder.is_dir():
        usage_error(f"{output}: {t('usage.output_folder_missing', lang)}")
    if not os.access(folder, os.W_OK | os.X_OK):
        usage_error(f"{output}: {t('usage.output_folder_not_writable', lang)}")


def check_paths(files: Sequence[Path], lang: Lang, output: Path | None = None,
                *optional: Path | Sequence[Path] | None, fmt: str | None = None
                ) -> tuple[list[Path], Path | None]:
    """Usage errors before any work, and the inputs and output to use.

    Inputs (the files, and the optional ones given) must exist and be files or pipes of a
    plausible size; `-` among the files is standard input. The output must be writable, with
    an extension edustat writes that agrees with -f; `-o -` is standard output."""
    inputs = list(files)
    if sum(path == STDIN for path in inputs) > 1:
        usage_error(t("usage.stdin_once", lang))
    inputs = [_stdin_file(lang) if path == STDIN else path for path in inputs]
    others: list[Path] = []
    for extra in optional:
        if extra is not None:
            others += [extra] if isinstance(extra, Path) else list(extra)
    for path in [*inputs, *others]:
        _check_input(path, lang)
    if output == STDIN:
        output = None
    if output is not None:
        _check_output(output, fmt, [*inputs, *others], lang)
    return inputs, output
