"""The progress callback (issue 14 item 17): the core says how far it got through a plain
callback; the command line draws it on standard error only for a terminal, never in output."""

from __future__ import annotations

import json
import time

from conftest import SAMPLE
from edustat import api
from edustat.cli.progress import ProgressBar
from edustat.texts import has_text


def recorder():
    calls: list[tuple[str, int, int]] = []
    return calls, lambda step, done, total: calls.append((step, done, total))


def test_coefficient_and_standards_report_reading_then_computing():
    for run in (api.coefficient, api.standards):
        calls, progress = recorder()
        run(SAMPLE, progress=progress)
        assert [step for step, _, _ in calls] == ["read", "compute"]


def test_figures_report_each_family_in_turn():
    calls, progress = recorder()
    api.figures([SAMPLE], progress=progress)
    families = [(done, total) for step, done, total in calls if step == "family"]
    assert calls[0][0] == "read"
    assert families == [(i, 5) for i in range(5)]


def test_every_step_has_words():
    for step in ("read", "compute", "family", "write"):
        assert has_text(f"progress.{step}")


def test_bar_is_drawn_after_the_delay_and_taken_away():
    bar = ProgressBar("zh", enabled=True, delay=0.0)
    bar("family", 2, 5)
    deadline = time.monotonic() + 5
    while bar._bar is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert bar._bar is not None  # shown once the delay has passed
    assert bar._bar.tasks[0].completed == 2 and bar._bar.tasks[0].total == 5
    bar.finish()
    assert bar._bar is None
    bar("write", 0, 0)  # after the end a call is harmless


def test_no_bar_for_a_short_run_or_without_a_terminal():
    quick = ProgressBar("zh", enabled=True, delay=30.0)
    quick("read", 0, 0)
    quick.finish()
    assert quick._bar is None
    off = ProgressBar("zh", enabled=False, delay=0.0)
    off("read", 0, 0)
    time.sleep(0.05)
    assert off._bar is None
    off.finish()


def test_json_output_holds_no_progress(cli):
    result = cli("coefficient", SAMPLE, "-f", "json")
    assert result.exit_code == 0
    json.loads(result.stdout)  # nothing but the JSON
