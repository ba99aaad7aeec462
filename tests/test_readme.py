"""The README stays true: its column dictionary comes from the schema, its commands exist."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import ROOT


def test_column_dictionary_is_generated_from_the_schema():
    result = subprocess.run([sys.executable, "tools/readme_tables.py", "--check"], cwd=ROOT)
    assert result.returncode == 0, "README column tables are stale: run python tools/readme_tables.py"


def test_readme_commands_exist():
    from edustat.cli import app

    readme = (ROOT / "README.md").read_text("utf-8")
    # Commands as typed: in `code` spans and at the start of lines of code blocks.
    commands = set(re.findall(r"(?:`|^|/)edustat ([a-z]+)\b", readme, re.M)) - {"COMMAND"}
    known = {command.name or command.callback.__name__ for command in app.registered_commands}
    assert commands <= known, commands - known
