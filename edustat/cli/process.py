"""How the `edustat` process runs: `main` (the script's entry point) builds only the command
it runs, and ends the process as soon as every output is written."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from edustat.cli.app import app
from edustat.cli.paths import TEMPORARY


def quiet_blas() -> None:
    """Give numpy's BLAS one thread, unless the environment already says how many.

    OpenBLAS starts a thread per CPU that spins, waiting for matrix work edustat does not give
    it (its few products are small, and one thread computes those anyway): on a 2-CPU machine
    the spinning took 0.1 s from a national run. Set by the command line only, before numpy is
    loaded; the results are the same."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def main() -> None:
    """Entry point of the `edustat` script."""
    import gc

    quiet_blas()
    # A run is short and builds hundreds of thousands of small objects it keeps to the end;
    # cyclic garbage collection would only rescan them (a third of the time on a national file).
    gc.disable()
    registered = app.registered_commands
    app.registered_commands = invoked_commands(sys.argv[1:])
    try:
        app()
    except SystemExit as exc:
        code = exc.code
    else:
        code = 0
    finally:
        app.registered_commands = registered
    _hard_exit(code)


def invoked_commands(argv: Sequence[str]) -> list[Any]:
    """The registered commands typer needs to build for `argv`: only the one it names.

    typer turns every registered command into a click command, with all its options, before it
    runs any: 25 ms of a run for the ten it does not run. The group's help, a misspelt command
    (which is answered with the nearest names) and shell completion need them all."""
    from typer.main import get_command_name

    everything = list(app.registered_commands)
    if not argv or argv[0].startswith("-") or "_EDUSTAT_COMPLETE" in os.environ:
        return everything
    named = [info for info in everything
             if get_command_name(str(info.name or getattr(info.callback, "__name__", "")))
             == argv[0]]
    return named if len(named) == 1 else everything


def _hard_exit(code: object) -> NoReturn:
    """End the process now that every output is written and flushed.

    Tearing the interpreter down frees every object of the run one by one: a quarter of a second
    after a national file, spent on nothing the user sees. Every file edustat writes is complete
    and closed before this point (write_atomic), so only the standard streams need flushing."""
    import shutil

    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # sys.exit("message"): Python prints it and exits 1
        sys.stderr.write(f"{code}\n")
        status = 1
    for folder in TEMPORARY:  # os._exit runs no atexit function
        shutil.rmtree(folder, ignore_errors=True)
    if sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(status)  # a profiler or coverage writes its data at the normal exit
    for stream in (sys.stdout, sys.stderr):
        # A closed pipe (edustat … | head): there is no one left to say anything to.
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(status)
