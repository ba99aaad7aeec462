"""The `edustat` command line: `app` with every command registered, and `main`.

Each command lives in a module of this package and registers itself on `app` (from
`edustat.cli.app`) when imported; importing them here is what makes them part of the CLI,
in the order `edustat --help` lists them.
"""

from __future__ import annotations

# isort: off
from edustat.cli import validate, coefficient, standards, enrolment  # noqa: F401
from edustat.cli import exams, figures, plan, check, audit, report, template  # noqa: F401
# isort: on
from edustat.cli.app import app
from edustat.cli.process import main

__all__ = ["app", "main"]
