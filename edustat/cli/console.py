"""The command line's consoles (rich, loaded only when something is drawn) and its usage error."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, NoReturn

import typer

from edustat.results import EXIT_USAGE

if TYPE_CHECKING:
    from rich.console import Console


# rich is imported when something is drawn: a run that writes its result to a file and has
# nothing to say but "written" never loads it.
def stdout_console() -> Console:
    from rich.console import Console

    return Console(width=console_width(), soft_wrap=False)


def stderr_console() -> Console:
    from rich.console import Console

    return Console(stderr=True, width=console_width())


def console_width() -> int | None:
    value = os.environ.get("EDUSTAT_WIDTH")
    return int(value) if value and value.isdigit() else None


def usage_error(text: str) -> NoReturn:
    """Say what is wrong with the command line on standard error, and exit 2."""
    stderr_console().print(f"[red]edustat:[/red] {text}", highlight=False)
    raise typer.Exit(EXIT_USAGE)
