"""Helpers of the bad-input tests: fixture paths and the problems the real CLI reports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent / "fixtures"
BAD = FIXTURES / "bad"
ENCODINGS = FIXTURES / "encodings"
VARIANTS = FIXTURES / "variants"
PLAIN = ENCODINGS / "utf8.csv"  # five schools of data/2022.csv, plain UTF-8


def no_traceback(result: Any) -> None:
    """Bad input never shows a traceback, on either stream."""
    assert "Traceback" not in result.output
    assert "Traceback" not in result.stderr


def validate_json(cli: Any, path: Path, *options: str, exit_code: int | None = None
                  ) -> list[dict[str, Any]]:
    """`edustat validate PATH --format json --lang en`: the problem records (exit code checked)."""
    result = cli("validate", path, "--format", "json", "--lang", "en", *options)
    no_traceback(result)
    report = json.loads(result.stdout)
    if exit_code is not None:
        assert result.exit_code == exit_code, result.output
    return report["problems"]


def where(problems: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """(file name, row, column, value, code) of each problem, sorted by row."""
    places = [(Path(p["file"]).name, p["row"], p["column"], p["value"], p["code"])
              for p in problems]
    return sorted(places, key=lambda place: (place[1] is not None, place[1] or 0, place[4]))


def coefficient_json(cli: Any, path: Path, *options: str) -> dict[str, Any]:
    """`edustat coefficient PATH --format json`, which must succeed."""
    result = cli("coefficient", path, "--format", "json", *options)
    no_traceback(result)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def coefficient_fails(cli: Any, path: Path, errors: int, *options: str) -> str:
    """`edustat coefficient PATH` on bad input: exit 1, no result, `errors` errors; the stderr."""
    result = cli("coefficient", path, "--format", "json", *options)
    no_traceback(result)
    assert result.exit_code == 1, result.output
    # No figures from a table with errors: the JSON on standard output is the problems alone.
    answer = json.loads(result.stdout)
    assert set(answer) == {"ok", "problems"} and answer["ok"] is False
    assert sum(p["severity"] == "error" for p in answer["problems"]) == errors
    assert f"{errors} 个错误" in result.stderr, result.stderr
    return result.stderr
