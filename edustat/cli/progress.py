"""The progress bar a long run shows on standard error (issue 14 item 17).

The core reports how far it got through a plain callback, `(step, done, total)`
(`edustat.results.Progress`); this is the command line's callback. It shows nothing for a run
that ends within a second, nothing when standard error is not a terminal (a script, a log), and
it is gone before anything is printed to standard output, so a table, JSON or CSV never holds it.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from edustat.texts import Lang, t

# A run shorter than this shows no bar at all.
DELAY_SECONDS = 1.0


class ProgressBar:
    """A callback for the core that draws a rich progress bar on standard error after a delay."""

    def __init__(self, lang: Lang, enabled: bool, delay: float = DELAY_SECONDS) -> None:
        self.lang = lang
        self.enabled = enabled
        self._lock = threading.Lock()
        self._bar: Any = None
        self._task: Any = None
        self._state: tuple[str, int, int] = ("read", 0, 0)
        self._finished = False
        self._timer = threading.Timer(delay, self._show) if enabled else None
        if self._timer is not None:
            self._timer.daemon = True
            self._timer.start()

    def __call__(self, step: str, done: int, total: int) -> None:
        """Where the run is: `done` of `total` of `step` (total 0: no measure of how far)."""
        with self._lock:
            self._state = (step, done, total)
            if self._bar is not None:
                self._update()

    def _show(self) -> None:
        """The run has taken over the delay: draw the bar (from the timer's thread)."""
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        with self._lock:
            if self._finished:
                return
            self._bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                                 TextColumn("{task.fields[count]}"), TimeElapsedColumn(),
                                 console=Console(stderr=True), transient=True)
            self._task = self._bar.add_task("", total=None, count="")
            self._update()
            self._bar.start()

    def _update(self) -> None:
        step, done, total = self._state
        # A step without a measure (total 0) pulses; one with a measure counts.
        self._bar.update(self._task, description=t(f"progress.{step}", self.lang),
                         completed=done, total=total or None,
                         count=f"{done}/{total}" if total else "")

    def finish(self) -> None:
        """Take the bar away (before anything goes to standard output, and at the end)."""
        with self._lock:
            self._finished = True
            if self._timer is not None:
                self._timer.cancel()
            if self._bar is not None:
                self._bar.stop()
                self._bar = None


@contextmanager
def progress_bar(lang: Lang) -> Iterator[ProgressBar]:
    """A progress callback for the run inside the block, shown only when standard error is a
    terminal and the run takes over a second; always taken away when the block ends."""
    bar = ProgressBar(lang, enabled=sys.stderr.isatty())
    try:
        yield bar
    finally:
        bar.finish()
