"""Shared test helpers: run the real CLI, compare with golden files, paths to fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from edustat.cli import app

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOLDEN = Path(__file__).resolve().parent / "golden"
SAMPLE = ROOT / "data" / "2022.csv"
SHARED_EXAMPLES = ROOT.parent / "shared" / "examples"
GOLDEN_WIDTH = "100"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/* from the current output (review the diff!)")


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch):
    """Run `edustat ARGS...` in-process at a fixed width; returns click's Result."""
    monkeypatch.setenv("EDUSTAT_WIDTH", GOLDEN_WIDTH)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    runner = CliRunner()

    def run(*args: str | os.PathLike[str], input: str | None = None):
        return runner.invoke(app, [str(a) for a in args], input=input, catch_exceptions=False)

    return run


@pytest.fixture
def golden(request: pytest.FixtureRequest):
    """Compare text with tests/golden/NAME; --update-golden rewrites the file."""
    update = request.config.getoption("--update-golden")

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if update or not path.exists():
            if not update:
                pytest.fail(f"golden file {path} is missing; run pytest --update-golden")
            path.write_text(text, encoding="utf-8")
        assert text == path.read_text(encoding="utf-8"), f"output differs from {path}"

    return check
