"""The `edustat` command line: `app` with every command registered, and `main`.

Each command lives in a module of this package and registers itself on `app` (from
`edustat.cli.app`) when imported; importing them here is what makes them part of the CLI.
"""

from __future__ import annotations

from edustat.cli.app import app, main
from edustat.cli import report as _report  # noqa: F401  (registers `edustat report`)

__all__ = ["app", "main"]
