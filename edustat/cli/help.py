"""The help screens in the help's language (EDUSTAT_LANG; Chinese by default).

typer words its own parts of the help (panel titles, the --help and completion options) in
English, and lets a help text without spaces run into an ellipsis, which cuts Chinese sentences.
This module words those parts from the catalogue and lets long texts fold at any character.
"""

from __future__ import annotations

from typing import Any

from edustat.cli.options import help_text

# typer's own options, worded from the catalogue (help.<key>).
BUILTIN_OPTIONS = {"install_completion": "install_completion",
                   "show_completion": "show_completion"}


def localize_typer() -> None:
    """Word typer's panel titles from the catalogue and let help texts fold."""
    from rich.text import Text
    from typer import rich_utils

    rich_utils.ARGUMENTS_PANEL_TITLE = help_text("panel_arguments")
    rich_utils.OPTIONS_PANEL_TITLE = help_text("panel_options")
    rich_utils.COMMANDS_PANEL_TITLE = help_text("panel_commands")
    make_text = rich_utils._make_rich_text
    if getattr(make_text, "edustat", False):
        return

    def folding(**kwargs: Any) -> Any:
        text = make_text(**kwargs)
        # A Chinese sentence has no spaces to wrap at: fold it at the width, never cut it.
        if isinstance(text, Text):
            text.overflow = "fold"
        return text

    folding.edustat = True  # type: ignore[attr-defined]
    rich_utils._make_rich_text = folding


def localize_options(command: Any, ctx: Any) -> None:
    """Word the help of typer's own options of `command` (--help, completion)."""
    option = command.get_help_option(ctx)
    if option is not None:
        option.help = help_text("help_option")
    for param in command.params:
        if param.name in BUILTIN_OPTIONS:
            param.help = help_text(BUILTIN_OPTIONS[param.name])
