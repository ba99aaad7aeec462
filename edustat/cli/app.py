"""The `edustat` application: `app`, how a report is shown (`emit`), how a command runs
(`guard`), and usage errors worded by the catalogue. The checks of the paths a command line
names are in `paths`, the consoles in `console`, and the process's `main` in `process`.

Exit codes: 0 done; 1 the data has problems (or a verdict failed with --strict); 2 usage error
(unknown option, missing file, an output that cannot be written); 3 an internal error in
edustat itself. pandas is imported only inside commands, so `edustat --help` starts fast.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, cast

import typer
from typer.core import TyperGroup

from edustat.cli.console import stderr_console as _stderr
from edustat.cli.console import stdout_console as _stdout
from edustat.cli.console import usage_error
from edustat.cli.options import USAGE_LANG, help_text
from edustat.cli.paths import (  # noqa: F401  (the command modules import them from here)
    STDIN,
    check_paths,
    check_writable,
)
from edustat.problems import InputError, Problem
from edustat.results import EXIT_DATA, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, USAGE_CODES
from edustat.texts import Lang, t

if TYPE_CHECKING:  # the core's types only; importing them at run time would load pandas
    from edustat.cli.progress import ProgressBar
    from edustat.results import Report


class EdustatGroup(TyperGroup):
    """The command group, with usage errors worded by the catalogue in the user's language."""

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        """A command, with typer's own options worded in the help's language."""
        from edustat.cli.help import localize_options

        command = super().get_command(ctx, cmd_name)
        if command is not None:
            localize_options(command, ctx)
        return command

    def format_help(self, ctx: Any, formatter: Any) -> None:
        """The group's help, with typer's own options worded in the help's language."""
        from edustat.cli.help import localize_options, prepare_help

        localize_options(self, ctx)
        prepare_help(self, ctx)
        super().format_help(ctx, formatter)

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             windows_expand_args: bool = True, **extra: Any) -> Any:
        """Run the command line; a usage error is worded here, not by typer."""
        from typer._click import exceptions as click_errors

        argv = list(sys.argv[1:] if args is None else args)
        try:
            code = super().main(args=argv, prog_name=prog_name, complete_var=complete_var,
                                standalone_mode=False, windows_expand_args=windows_expand_args,
                                **extra)
        except click_errors.NoArgsIsHelpError as exc:
            exc.show()
            code = exc.exit_code
        except click_errors.UsageError as exc:
            show_usage_error(exc, _argv_lang(argv))
            code = exc.exit_code
        except typer.Abort:
            _stderr().print(t("usage.aborted", _argv_lang(argv)))
            code = 1
        if not standalone_mode:
            return code
        sys.exit(code if isinstance(code, int) else 0)


def _argv_lang(argv: Sequence[str]) -> Lang:
    """The language asked for on the command line (--lang en), else EDUSTAT_LANG's."""
    for index, arg in enumerate(argv):
        value = arg.split("=", 1)[1] if arg.startswith("--lang=") else (
            argv[index + 1] if arg == "--lang" and index + 1 < len(argv) else None)
        if value is not None:
            return "en" if value.strip().lower() in ("en", "英文") else "zh"
    return USAGE_LANG


def show_usage_error(exc: Any, lang: Lang) -> None:
    """A usage error as three lines: the usage, where help is, and what is wrong."""
    ctx = getattr(exc, "ctx", None)
    console = _stderr()
    if ctx is None:
        message = usage_message(exc, lang)
    else:
        # The usage line and the argument's name as the help screen in `lang` words them
        # ([选项] {文件}, [OPTIONS] {FILE}; not typer's [files]), whatever EDUSTAT_LANG says.
        from edustat.cli.help import usage_words

        with usage_words(ctx.command, ctx, lang):
            usage = (ctx.get_usage().removeprefix(help_text("usage_prefix"))
                     .removeprefix("Usage:").strip())
            message = usage_message(exc, lang)
        console.print(t("usage.usage", lang, usage=usage), highlight=False, markup=False)
        console.print(t("usage.try_help", lang, command=ctx.command_path), highlight=False,
                      markup=False)
    console.print(t("usage.error", lang, message=message), highlight=False, markup=False)


def usage_message(exc: Any, lang: Lang) -> str:
    """What a click usage error says, in `lang`."""
    from typer._click import exceptions as click_errors

    def hint() -> str:
        param = getattr(exc, "param", None)
        if getattr(exc, "param_hint", None) is not None:
            names = exc.param_hint
        elif param is not None:
            names = param.get_error_hint()
        else:
            return ""
        return names if isinstance(names, str) else " / ".join(names)

    if isinstance(exc, click_errors.NoSuchOption):
        text = t("usage.no_such_option", lang, name=exc.option_name)
        if exc.possibilities:
            text += t("usage.did_you_mean", lang, possibilities=", ".join(
                sorted(exc.possibilities)))
        return text
    if isinstance(exc, click_errors.MissingParameter):
        kind = getattr(exc, "param_type", None) or getattr(exc.param, "param_type_name", "")
        return t("usage.missing_argument" if kind == "argument" else "usage.missing_option",
                 lang, name=hint())
    if isinstance(exc, click_errors.BadParameter):
        return t("usage.bad_value", lang, name=hint(), message=_bad_value(exc, lang))
    message = exc.format_message()
    if "requires an argument" in message and getattr(exc, "option_name", None):
        return t("usage.option_needs_value", lang, name=exc.option_name)
    if message.startswith("Got unexpected extra argument"):
        return t("usage.extra_argument", lang, args=message.split("(", 1)[-1].rstrip(")")
                 if "(" in message else message)
    if message.startswith("No such command"):
        import re

        # "No such command 'coefficent'. Did you mean 'coefficient'?" (the hint is optional)
        name = re.match(r"No such command '(.*?)'\.", message)
        text = t("usage.no_such_command", lang,
                 name=name.group(1) if name else message.split(" ", 3)[-1].strip("'."))
        near = re.search(r"Did you mean '(.*?)'\?", message)
        if near:  # commands, not options: its own words
            text += t("usage.did_you_mean_command", lang, possibilities=near.group(1))
        return text
    return t("usage.other", lang, message=message)


def _bad_value(exc: Any, lang: Lang) -> str:
    """Why a value is not accepted, in `lang` where edustat knows the reason."""
    import re

    if getattr(exc, "choices", None) is not None:
        return t("usage.bad_choice", lang, value=exc.value, choices=exc.choices)
    message = str(exc.message)
    bound = re.search(r"(less|greater) than or equal to (-?\d+)", message)
    if bound:
        return t("usage.at_most" if bound.group(1) == "less" else "usage.at_least", lang,
                 limit=bound.group(2))
    if "valid integer" in message:
        return t("usage.not_integer", lang)
    return message


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        print(f"edustat {version('edustat')}")
        raise typer.Exit(EXIT_OK)


app = typer.Typer(
    name="edustat",
    cls=EdustatGroup,
    help=help_text("app"),
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def root(version: Annotated[bool, typer.Option("--version", "-V", callback=_version,
                                               is_eager=True, help=help_text("version"))]
         = False) -> None:
    """The commands below; `edustat COMMAND -h` for each one's options."""


EXIT_BROKEN_PIPE = 141  # a closed pipe: what a program ended by SIGPIPE exits with


def resolve_format(fmt: str | None) -> str:
    """The format asked for; a table by default, on a terminal or not (a person redirecting
    `edustat coefficient data.csv > 结果.txt` wants what the screen shows)."""
    return fmt or "table"


def guard(debug: bool, lang: Lang, action: Callable[[], int], fmt: str | None = None
          ) -> NoReturn:
    """Run a command: input problems become a report and exit 1, never a traceback.

    With -f json the problems are also JSON on standard output ({"ok": false, "problems"}), so a
    script reading the output sees why there is no result."""
    try:
        code = action()
    except InputError as exc:
        if fmt == "json":
            _problems_json(exc.problems, lang)
        print_problems(exc.problems, lang)
        raise typer.Exit(EXIT_USAGE if _is_usage(exc.problems) else EXIT_DATA) from None
    except BrokenPipeError:
        # The reader of the output stopped (edustat … | head): nothing is wrong with the data and
        # there is no one to tell. Exit quietly with the status of a program ended by SIGPIPE
        # (128 + 13), which shells and `set -o pipefail` scripts already know; 1 would say
        # "the data has problems".
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115  (the stream must outlive this frame)
        raise typer.Exit(EXIT_BROKEN_PIPE) from None
    except OSError as exc:  # the output could not be written (disk full, permissions)
        usage_error(t("usage.os_error", lang, path=exc.filename or "", reason=exc.strerror or exc))
    except typer.Exit:
        raise
    except KeyboardInterrupt:
        raise typer.Exit(130) from None
    except Exception as exc:  # a bug in edustat: say so plainly, keep the traceback for --debug
        if debug:
            traceback.print_exc()
        else:
            _stderr().print(t("internal.error", lang, error=f"{type(exc).__name__}: {exc}"),
                            highlight=False, markup=False)
        raise typer.Exit(EXIT_INTERNAL) from None
    raise typer.Exit(code)


def _problems_json(problems: Sequence[Problem], lang: Lang) -> None:
    import json

    records = [problem.as_record(lang) for problem in problems]
    sys.stdout.write(json.dumps({"ok": False, "problems": records}, ensure_ascii=False,
                                indent=1) + "\n")


def _is_usage(problems: list[Problem]) -> bool:
    return any(p.code in USAGE_CODES for p in problems)


def print_problems(problems: Sequence[Problem], lang: Lang) -> None:
    """The input's problems on standard error."""
    if problems:
        from edustat.render.common import problems_renderable

        _stderr().print(problems_renderable(problems, lang))


def emit(report: Report, *, lang: Lang, fmt: str | None, output: Path | None,
         decimals: int | None = None, strict: bool = False,
         extra: dict[str, Any] | None = None, progress: ProgressBar | None = None) -> int:
    """Show a report by the result protocol and return its exit code: to -o by the file's
    extension, else on standard output as its registered table, JSON or its first sheet as CSV;
    then the input's warnings and notes on standard error (unless the report shows them).
    A progress bar is taken away before anything is printed."""
    from edustat.output import write_csv, write_report

    chosen = "file" if output is not None else resolve_format(fmt)
    if progress is not None and output is not None:
        progress("write", 0, 0)
        write_report(output, report, lang)
    if progress is not None:
        progress.finish()
    if output is not None:
        if progress is None:
            write_report(output, report, lang)
        say_written(output, lang)
    elif chosen == "json":
        sys.stdout.flush()
        report.write_json(sys.stdout.buffer, lang)
        sys.stdout.buffer.flush()
    elif chosen == "csv":
        write_csv(sys.stdout, report.csv_rows(lang))
    else:
        from edustat.render.registry import RenderOptions, render

        console = _stdout()
        options = RenderOptions(lang=lang, decimals=decimals, width=console.width,
                                extra=extra or {})
        console.print(render(report, options))
    if chosen not in report.problems_shown_in:
        print_problems(report.problems, lang)
    return report.exit_code(strict)


def say_written(path: Path, lang: Lang) -> None:
    """Say on standard error that `path` was written: plain text, for a path is not markup
    (rich would take "结果[2022].json" for a style and drop it)."""
    sys.stderr.write(t("label.written", lang, path=path) + "\n")


def lang_code(value: str) -> Lang:
    """The --lang value as the core's type."""
    return cast("Lang", value)

