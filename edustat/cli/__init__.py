"""The `edustat` command line: `app` with every command registered, and `main`.

Each command lives in a module of this package and registers itself on `app` (from
`edustat.cli.app`) when imported; importing them here is what makes them part of the CLI,
in the order `edustat --help` lists them.
"""

from __future__ import annotations

# isort: off
from edustat.cli import validate, coefficient, standards, enrolment  # noqa: F401
from edustat.cli import exams, figures, check, template  # noqa: F401
from edustat.cli import plan  # noqa: F401
# isort: on
from edustat.cli.app import app, main
from edustat.cli import audit as _audit  # noqa: F401  (registers `edustat audit`)

__all__ = ["app", "main"]
