"""The options every command shares, declared once; help texts from the catalogue.

Help is worded when the command line is built, before any option is parsed, so its language is
the one EDUSTAT_LANG asks for (Chinese unless it says en). Choices accept the Chinese words a
user writes as well as the codes: --stage 小学, --standard 优质均衡, --system 五四, --format 表格.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from edustat.texts import default_lang, t

# Help and usage errors come before --lang is parsed: EDUSTAT_LANG chooses their language.
HELP_LANG = USAGE_LANG = default_lang()


def help_text(key: str, **params: Any) -> str:
    """A help text in the language of the help (EDUSTAT_LANG)."""
    return t(f"help.{key}", HELP_LANG, **params)


class Code(str):
    """A chosen code; `.code` and `.value` give it too, as the option enums did."""

    @property
    def code(self) -> str:
        """The code itself."""
        return str(self)

    @property
    def value(self) -> str:
        """The code itself."""
        return str(self)


class Choice:
    """A choice of codes that also takes their Chinese names (小学 → primary); the parser of an
    option, so a wrong value is a usage error that lists what is accepted."""

    def __init__(self, codes: list[str], aliases: dict[str, str]) -> None:
        self.codes = codes
        self.aliases = aliases
        # Help shows the codes; each option's help text gives their Chinese names, which are
        # accepted too (and listed when a value is none of them).
        self.metavar = "[" + "|".join(codes) + "]"
        self.accepted = "|".join([*codes, *aliases])

    def __call__(self, value: str) -> str:
        """The code of `value`, whether given as a code or by its name."""
        folded = value.strip()
        if folded.lower() in self.codes:
            return Code(folded.lower())
        if folded in self.aliases:
            return Code(self.aliases[folded])
        raise ChoiceError(value, self.accepted)


class ChoiceError(typer.BadParameter):
    """A value that is none of an option's choices; worded when shown (usage.bad_choice)."""

    def __init__(self, value: str, choices: str) -> None:
        super().__init__(t("usage.bad_choice", USAGE_LANG, value=value, choices=choices))
        self.value, self.choices = value, choices


FORMATS = Choice(["table", "json", "csv"], {"表格": "table"})
LANGS = Choice(["zh", "en"], {"中文": "zh", "英文": "en"})
STANDARDS = Choice(["basic", "quality"], {"基本均衡": "basic", "优质均衡": "quality"})
STAGES = Choice(["primary", "junior"], {"小学": "primary", "初中": "junior"})
SYSTEMS = Choice(["6-3", "5-4"], {"六三": "6-3", "五四": "5-4", "六三学制": "6-3",
                                  "五四学制": "5-4"})
TABLES = Choice(["schools", "population", "exams"], {"学校": "schools", "人口": "population",
                                                     "考试": "exams"})


def choice_option(*names: str, choice: Choice, help_key: str) -> Any:
    """An option whose value is one of `choice`'s codes (or their Chinese names)."""
    return typer.Option(*names, parser=choice, metavar=choice.metavar, help=help_text(help_key))


FilesArg = Annotated[list[Path], typer.Argument(help=help_text("files"), show_default=False)]
DataFilesArg = Annotated[list[Path], typer.Argument(help=help_text("data_files"),
                                                    show_default=False)]
FormatOpt = Annotated[str | None, choice_option("--format", "-f", choice=FORMATS,
                                                help_key="format")]
OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help=help_text("output"))]
EncodingOpt = Annotated[str | None, typer.Option("--encoding", help=help_text("encoding"))]
SheetOpt = Annotated[str | None, typer.Option("--sheet", help=help_text("sheet"))]
LangOpt = Annotated[str, choice_option("--lang", choice=LANGS, help_key="lang")]
StandardOpt = Annotated[str, choice_option("--standard", choice=STANDARDS, help_key="standard")]
StandardsFileOpt = Annotated[Path | None, typer.Option("--standards",
                                                       help=help_text("standards_file"))]
StrictOpt = Annotated[bool, typer.Option("--strict", help=help_text("strict"))]
DebugOpt = Annotated[bool, typer.Option("--debug", help=help_text("debug"))]
CountyOpt = Annotated[list[str] | None, typer.Option("--county", help=help_text("county"))]
StageOpt = Annotated[list[str] | None, choice_option("--stage", choice=STAGES, help_key="stage")]
PopulationOpt = Annotated[Path | None, typer.Option("--population", help=help_text("population"))]
SystemOpt = Annotated[str, choice_option("--system", choice=SYSTEMS, help_key="system")]


def _header_rows(value: str) -> str:
    """--header-rows 3-5: checked here, parsed by the command (edustat.headers)."""
    from edustat.headers import parse_header_rows

    try:
        parse_header_rows(value)
    except ValueError:
        raise typer.BadParameter(t("usage.bad_header_rows", USAGE_LANG, value=value)) from None
    return value


def _teaching_points(value: str) -> str:
    """--teaching-points merge|separate|exclude|exclude-below N."""
    from edustat.validate.teaching import parse_rule

    try:
        parse_rule(value)
    except ValueError:
        raise typer.BadParameter(t("usage.bad_teaching_points", USAGE_LANG, value=value)
                                 ) from None
    return value


HeaderRowsOpt = Annotated[str | None, typer.Option(
    "--header-rows", parser=_header_rows, metavar="3-5", help=help_text("header_rows"))]
TeachingPointsOpt = Annotated[str | None, typer.Option(
    "--teaching-points", parser=_teaching_points,
    # The help text lists the four rules; a long metavar would squeeze every help text at 80
    # columns.
    metavar=help_text("type_rule"), help=help_text("teaching_points"))]


DecimalsOpt = Annotated[int, typer.Option("--decimals", min=0, max=12, help=help_text("decimals"))]


def decimals_option(help_key: str) -> Any:
    """The --decimals option with its command's own help."""
    return typer.Option("--decimals", min=0, max=12, help=help_text(help_key))
