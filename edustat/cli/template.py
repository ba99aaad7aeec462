"""`edustat template`: an empty table with the Chinese headers edustat reads."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from edustat.cli.app import (
    EXIT_OK,
    app,
    check_writable,
    guard,
    lang_code,
    say_written,
    usage_error,
)
from edustat.cli.options import TABLES, DebugOpt, LangOpt, choice_option, help_text
from edustat.texts import t


@app.command(help=help_text("template"))
def template(
    output: Annotated[Path, typer.Argument(help=help_text("template_output"),
                                           show_default=False)],
    table: Annotated[str, choice_option("--table", choice=TABLES,
                                        help_key="template_table")] = "schools",
    force: Annotated[bool, typer.Option("--force", help=help_text("force"))] = False,
    lang: LangOpt = "zh", debug: DebugOpt = False,
) -> None:
    from edustat.schema import TABLES as SCHEMAS
    from edustat.schema import template_header

    lang_ = lang_code(lang)
    check_writable(output, [], lang_)  # a folder, a missing or read-only folder
    if output.suffix.lower() not in (".csv", ".xlsx"):
        usage_error(f"{output}: {t('problem.bad_output_ext', lang_, ext=output.suffix or '?')}")
    if output.exists() and not force:
        usage_error(f"{output}: {t('usage.exists', lang_)}")

    def action() -> int:
        from edustat.output import write_header_only

        write_header_only(output, [template_header(spec) for spec in SCHEMAS[table].columns])
        say_written(output, lang_)
        return EXIT_OK

    guard(debug, lang_, action)
