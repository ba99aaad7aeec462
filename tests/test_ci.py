"""The oldest-dependency run tests the bounds pyproject.toml declares, not some other versions."""

from __future__ import annotations

import re
import tomllib

from conftest import ROOT


def _lower_bounds() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    bounds = {}
    for requirement in [*project["dependencies"], *project["optional-dependencies"]["test"]]:
        name, op, version = re.match(r"([A-Za-z0-9_.-]+)\s*(>=|==)\s*([0-9.]+)",
                                     requirement).groups()
        if op == ">=":  # == pins (ruff, mypy) are the same version in both runs
            bounds[name.lower().replace("_", "-")] = version
    return bounds


def test_oldest_constraints_pin_every_declared_lower_bound():
    text = (ROOT / ".ci" / "oldest-constraints.txt").read_text("utf-8")
    pinned = dict(re.findall(r"^([A-Za-z0-9_.-]+)==([0-9.]+)$", text, re.M))
    bounds = _lower_bounds()
    assert {"typer", "pandas", "pydantic", "pytest"} <= set(bounds)  # the parse found them
    # A bound "2.1" is pinned as 2.1.0, "2.1.4" as 2.1.4: compare as version tuples.
    def key(version: str) -> tuple[int, ...]:
        parts = [int(p) for p in version.split(".")]
        return tuple(parts + [0] * (3 - len(parts)))
    assert {n: key(v) for n, v in pinned.items()} == {n: key(v) for n, v in bounds.items()}


def test_ci_runs_lint_types_and_both_suites():
    script = (ROOT / ".ci" / "run").read_text("utf-8")
    assert "set -euo pipefail" in script
    for step in ("ruff check .", "mypy", "-c .ci/oldest-constraints.txt",
                 ".venv-oldest/bin/python -m pytest", ".venv/bin/python -m pytest"):
        assert step in script, step
    # pytest's summary of the newest run is the last thing printed.
    assert script.rstrip().splitlines()[-1].startswith(".venv/bin/python -m pytest")
