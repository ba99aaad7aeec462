"""The README stays true: its column dictionary comes from the schema, its commands exist."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from conftest import ROOT


def test_column_dictionary_is_generated_from_the_schema():
    result = subprocess.run([sys.executable, "tools/readme_tables.py", "--check"], cwd=ROOT)
    assert result.returncode == 0, (
        "README column tables are stale: run python tools/readme_tables.py")


def test_readme_commands_exist():
    from edustat.cli import app

    readme = (ROOT / "README.md").read_text("utf-8")
    # Commands as typed: in `code` spans and at the start of lines of code blocks.
    commands = set(re.findall(r"(?:`|^|/)edustat ([a-z]+)\b", readme, re.M)) - {"COMMAND"}
    known = {command.name or command.callback.__name__ for command in app.registered_commands}
    assert commands <= known, commands - known


def _blocks(language: str) -> list[str]:
    readme = (ROOT / "README.md").read_text("utf-8")
    return re.findall(rf"```{language}\n(.*?)```", readme, re.S)


def test_pasted_table_is_what_the_quick_start_prints(cli, monkeypatch):
    # The README pastes the first command's table; it must be today's output, not an old one.
    pasted = _blocks("text")[0]
    width = max(len(line) for line in pasted.splitlines())
    monkeypatch.setenv("EDUSTAT_WIDTH", str(width))
    result = cli("coefficient", ROOT / "data" / "2022.csv", "--format", "table")
    printed = "\n".join(line.rstrip() for line in result.stdout.splitlines()).strip()
    assert printed == pasted.strip()


def test_json_example_holds_the_real_figures(cli):
    example = json.loads(next(b for b in _blocks("json") if '"standard"' in b))
    actual = json.loads(cli("coefficient", ROOT / "data" / "2022.csv", "--format", "json").stdout)
    shown, real = example["results"][0], actual["results"][0]
    for field in ("county", "year", "stage", "schools", "students", "composite", "limit",
                  "meets", "notes"):
        assert shown[field] == real[field], field
    assert shown["indicators"][0] == real["indicators"][0]


def test_every_column_dictionary_is_filled():
    # Each <!-- columns:NAME --> block holds its table: the exam table's used to stay empty.
    readme = (ROOT / "README.md").read_text("utf-8")
    blocks = re.findall(r"<!-- columns:(\w+) -->\n(.*?)<!-- /columns -->", readme, re.S)
    assert {name for name, _ in blocks} >= {"schools", "exams", "population"}
    for name, body in blocks:
        assert body.count("\n|") >= 3, name


def test_from_python_example_runs(monkeypatch, capsys):
    # The README's "From Python" block, run as written from the project folder.
    [example] = [b for b in _blocks("python") if "from edustat import api" in b]
    monkeypatch.chdir(ROOT)
    exec(compile(example, "README.md", "exec"), {})
    assert json.loads(capsys.readouterr().out)["standard"] == "quality"
