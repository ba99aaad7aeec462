"""`edustat audit`: the data-quality issue list (问题清单) of several years of school tables."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from edustat.cli.app import (
    DebugOpt,
    EncodingOpt,
    FormatOpt,
    Lang,
    LangOpt,
    OutputOpt,
    SchoolSystem,
    SheetOpt,
    StandardsFileOpt,
    SystemOpt,
    _check_paths,
    _guard,
    _stderr,
    _usage_error,
    app,
    emit,
)

RULES_SUFFIXES = (".json", ".toml")


@app.command()
def audit(
    files: Annotated[list[Path] | None, typer.Argument(
        help="School tables of several years (and exam tables), in any order: CSV or XLSX.",
        show_default=False)] = None,
    rules: Annotated[bool, typer.Option(
        "--rules", help="--rules FILE: thresholds from a JSON/TOML file (overriding the "
        "defaults). Without tables: list the rules and their thresholds, and exit.")] = False,
    system: SystemOpt = SchoolSystem.six_three,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    encoding: EncodingOpt = None,
    sheet: SheetOpt = None,
    standards_file: StandardsFileOpt = None,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 when any warning.")] = False,
    lang: LangOpt = Lang.zh,
    debug: DebugOpt = False,
) -> None:
    """Screen several years of school tables for mistyped or made-up figures; write the issue
    list (问题清单) for the bureau's self-inspection. Findings are leads: exit 0 unless --strict."""
    from edustat import api

    code = lang.code
    given = list(files or [])
    # `--rules` is a switch and its FILE a .json/.toml among the arguments, so that both
    # `edustat audit --rules` (list) and `edustat audit 2019.csv … --rules r.json` read naturally.
    rules_files = [p for p in given if p.suffix.lower() in RULES_SUFFIXES]
    inputs = [p for p in given if p.suffix.lower() not in RULES_SUFFIXES]
    if rules_files and not rules:
        _usage_error(f"{rules_files[0]}: a rules file goes after --rules / 规则文件请写在 --rules 之后")
    if len(rules_files) > 1:
        _usage_error("give one rules file / 只能给一个规则文件: "
                     + ", ".join(map(str, rules_files)))
    rules_file = rules_files[0] if rules_files else None
    if rules and not inputs:
        _check_paths([], code, output, rules_file, standards_file)
        _guard(debug, code, lambda: emit(
            api.audit_rules(rules_file=rules_file, standards_file=standards_file, lang=code),
            lang=code, fmt=fmt, output=output))
    if not inputs:
        _usage_error("give the school tables to audit / 请给出要审核的学校表 "
                     "(edustat audit 2019.csv 2020.csv …)")
    _check_paths(inputs, code, output, rules_file, standards_file)

    def action() -> int:
        report = api.audit(inputs, rules_file=rules_file, standards_file=standards_file,
                           system=system.code, encoding=encoding, sheet=sheet, lang=code)
        if output is not None and output.suffix.lower() == ".xlsx":
            from edustat.audit.xlsx import write_issue_list
            from edustat.render import label, print_problems

            write_issue_list(report, output, code)
            _stderr().print(label("written", code, path=output), highlight=False)
            if report.problems:
                print_problems(_stderr(), report.problems, code)
            return report.exit_code(strict)
        return emit(report, lang=code, fmt=fmt, output=output, strict=strict)

    _guard(debug, code, action)
