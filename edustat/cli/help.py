"""The help screens in the help's language (EDUSTAT_LANG; Chinese by default).

typer words its own parts of the help (panel titles, the --help and completion options) in
English, and lets a help text without spaces run into an ellipsis, which cuts Chinese sentences.
This module words those parts from the catalogue and lets long texts fold at any character.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from edustat.cli.options import HELP_LANG, help_text
from edustat.texts import Lang, t

# typer's own options, worded from the catalogue (help.<key>).
BUILTIN_OPTIONS = {"install_completion": "install_completion",
                   "show_completion": "show_completion"}


def localize_typer() -> None:
    """Word typer's panel titles and tags from the catalogue and let help texts fold.

    Called only when a help screen is drawn: typer's rich_utils (with markdown and syntax
    highlighting) costs a tenth of a second to import, which a command run need not pay."""
    from rich.text import Text
    from typer import rich_utils

    rich_utils.ARGUMENTS_PANEL_TITLE = help_text("panel_arguments")
    rich_utils.OPTIONS_PANEL_TITLE = help_text("panel_options")
    rich_utils.COMMANDS_PANEL_TITLE = help_text("panel_commands")
    rich_utils.DEFAULT_STRING = help_text("default_tag")
    rich_utils.REQUIRED_LONG_STRING = help_text("required_tag")
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


# typer's type names (the text inside <...>) -> the catalogue key of what a user types there.
TYPE_LABELS = {"list[Path]": "type_files", "path": "type_file", "Path": "type_file",
               "file": "type_file", "str": "type_text", "list[str]": "type_texts",
               "int": "type_integer", "int range": "type_integer", "float": "type_number",
               "float range": "type_number"}


def _type_label(param: Any, ctx: Any, lang: Lang = HELP_LANG) -> str | None:
    """What `param` takes, in `lang` (the help's): "" for a switch, None to keep typer's."""
    if getattr(param, "is_flag", False) or getattr(param, "count", False):
        return ""  # a switch takes no value: typer would show <bool>
    if getattr(param, "metavar", None) and not getattr(param, "_edustat_label", False):
        return None  # the option names its own choices
    shown = param.display_type(ctx) if hasattr(param, "display_type") else None
    if not isinstance(shown, str):
        return None
    key = TYPE_LABELS.get(shown.strip("<>"))
    return t(f"help.{key}", lang) if key else None


def _label_types(command: Any, ctx: Any) -> None:
    """Show each parameter's type as the word for what a user types, not typer's type name."""
    help_option = command.get_help_option(ctx)
    for param in [*command.params, *([help_option] if help_option is not None else [])]:
        label = _type_label(param, ctx)
        if label is None:
            continue
        if param.param_type_name == "argument" and label:
            # The name column and the usage line show it ("edustat coefficient [选项] {文件}..."),
            # so the type column stays empty.
            param.metavar = label.rstrip("…")
            param._edustat_label = True  # our word, not the command's own metavar
            label = ""
        # An instance attribute wins over typer's method; help is drawn once per process.
        param.display_type_rich = lambda ctx=None, label=label: label


def prepare_help(command: Any, ctx: Any) -> None:
    """Word a help screen about to be drawn: typer's panels and tags, the type column, and the
    usage line's first word (用法：). Usage errors word their own usage line (cli/app.py)."""
    localize_typer()
    _label_types(command, ctx)
    if getattr(command, "_edustat_usage", False):
        return
    command._edustat_usage = True
    command.options_metavar = help_text("options_metavar")
    if getattr(command, "subcommand_metavar", None):
        command.subcommand_metavar = help_text("commands_metavar")
    original = command.get_usage

    def get_usage(usage_ctx: Any) -> str:
        usage = original(usage_ctx)
        return help_text("usage_prefix") + usage.removeprefix("Usage:").lstrip()

    command.get_usage = get_usage


@contextmanager
def usage_words(command: Any, ctx: Any, lang: Lang) -> Iterator[None]:
    """While inside: `command`'s usage line and argument names in `lang`, as its help screen in
    that language shows them ([OPTIONS] {FILE}..., [选项] {文件}...). A usage error's language
    (--lang) need not be the help's (EDUSTAT_LANG); the help's words are put back after."""
    saved: list[tuple[Any, str, Any]] = []

    def lend(target: Any, name: str, value: Any) -> None:
        saved.append((target, name, getattr(target, name)))
        setattr(target, name, value)

    if getattr(command, "options_metavar", None):
        lend(command, "options_metavar", t("help.options_metavar", lang))
    if getattr(command, "subcommand_metavar", None):
        lend(command, "subcommand_metavar", t("help.commands_metavar", lang))
    for param in command.params:
        if param.param_type_name == "argument":
            label = _type_label(param, ctx, lang)
            if label:
                lend(param, "metavar", label.rstrip("…"))
    try:
        yield
    finally:
        for target, name, value in reversed(saved):
            setattr(target, name, value)


def localize_options(command: Any, ctx: Any) -> None:
    """Word the help of typer's own options of `command` (--help, completion), and have its
    help screen worded by `prepare_help` when (and only when) it is drawn."""
    option = command.get_help_option(ctx)
    if option is not None:
        option.help = help_text("help_option")
    for param in command.params:
        if param.name in BUILTIN_OPTIONS:
            param.help = help_text(BUILTIN_OPTIONS[param.name])
    if getattr(command, "_edustat_localized", False):
        return
    command._edustat_localized = True
    original = command.format_help

    def format_help(help_ctx: Any, formatter: Any) -> None:
        prepare_help(command, help_ctx)
        original(help_ctx, formatter)

    command.format_help = format_help
