"""The one result protocol every command's report follows.

A report is a pydantic model whose fields are the command's documented JSON. Besides the JSON it
gives its tables for CSV/XLSX (`sheets`, the first one is the CSV) and its exit code; the input's
problems ride along, excluded from the JSON. The command line never asks what kind of report it
holds: it calls these methods and the renderer registered for the report's type
(`edustat.render.registry`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Annotated, Any, BinaryIO, ClassVar

from pydantic import BaseModel, Field, PlainSerializer, SerializationInfo, model_serializer

from edustat.problems import Problem, has_errors
from edustat.texts import Lang, t

EXIT_OK, EXIT_DATA, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
# Problems that are the command line's to fix (a file, encoding, sheet or county that is not
# there): exit 2, like any other usage error.
USAGE_CODES = ("file_missing", "unknown_encoding", "no_sheet", "no_county")

Rows = list[dict[str, Any]]
Sheets = dict[str, Rows]
# How a long computation says how far it got: (step code, done, total). The command line shows it
# as a progress bar worded by `progress.<step>`; the core never imports rich.
Progress = Callable[[str, int, int], None]


def no_progress(step: str, done: int, total: int) -> None:
    """The progress callback that shows nothing (the default of every core function)."""


class Report(BaseModel):
    """A command's result: its JSON, its tables, its exit code; the input's problems ride along."""

    problems: list[Problem] = Field(default_factory=list, exclude=True)
    # Reports whose JSON has always been Python's json module's (floats as 1e-05, not 0.00001)
    # keep it, so that their output does not change.
    json_from_dict: ClassVar[bool] = False
    # Where the report itself shows its input's problems (table, json, csv, file); elsewhere
    # they go to standard error after it.
    problems_shown_in: ClassVar[tuple[str, ...]] = ()

    def to_dict(self, lang: Lang = "zh") -> dict[str, Any]:
        """The documented JSON as Python objects, values unrounded, texts in `lang`."""
        return self.model_dump(context={"lang": lang})

    def to_json(self, indent: int | None = 1, *, lang: Lang = "zh") -> str:
        """The documented JSON, values unrounded (serialized in pydantic's core)."""
        return self.to_json_bytes(indent, lang=lang).decode("utf-8")

    def to_json_bytes(self, indent: int | None = 1, *, lang: Lang = "zh") -> bytes:
        """The documented JSON as UTF-8 bytes, for files: a province's report can run to
        hundreds of megabytes, and decoding it to text only to encode it again costs seconds."""
        if self.json_from_dict:
            return json.dumps(self.to_dict(lang), ensure_ascii=False,
                              indent=indent).encode("utf-8")
        return self.__pydantic_serializer__.to_json(self, indent=indent,
                                                    context={"lang": lang})

    def write_json(self, out: BinaryIO, lang: Lang = "zh") -> None:
        """The documented JSON and a final newline written to `out` (`to_json_bytes`); a report
        of hundreds of thousands of results overrides it to write them as they are produced."""
        out.write(self.to_json_bytes(lang=lang))
        out.write(b"\n")

    def sheets(self, lang: Lang = "zh") -> Sheets:
        """The report's tables for CSV and XLSX, name -> rows; the first is what CSV holds."""
        return {"results": [self.to_dict()]}

    def csv_rows(self, lang: Lang = "zh") -> Iterable[dict[str, Any]]:
        """The rows CSV holds (the first sheet); a large report yields them as produced."""
        return next(iter(self.sheets(lang).values()))

    def failed(self) -> bool:
        """True when a verdict of the report failed (what --strict turns into exit 1)."""
        return False

    def exit_code(self, strict: bool = False) -> int:
        """0 done; 1 when the input has errors, or a verdict failed and `strict` is set."""
        if has_errors(self.problems):
            return EXIT_DATA
        return EXIT_DATA if strict and self.failed() else EXIT_OK


def lang_of(info: Any) -> Lang:
    """The language a serialization was asked in (`context={"lang": …}`), zh by default."""
    context = getattr(info, "context", None)
    return context.get("lang", "zh") if isinstance(context, dict) else "zh"


class Phrase(BaseModel):
    """A text kept as its catalogue key and parameters, worded only when shown or serialized.

    A parameter may itself be a Phrase (a stage's name inside a figure's name) or a
    {"zh": …, "en": …} pair. In JSON a phrase is its worded text, in the language passed as
    the serialization context (`report.to_json_bytes(lang=…)`)."""

    code: str
    params: dict[str, Any] = Field(default_factory=dict)

    def word(self, lang: Lang = "zh") -> str:
        """The text in `lang`."""
        return t(self.code, lang, **{k: word(v, lang) for k, v in self.params.items()})

    @model_serializer(mode="plain")
    def _serialize(self, info: SerializationInfo) -> str:
        return self.word(lang_of(info))

    def __str__(self) -> str:
        return self.word("zh")


def word(value: Any, lang: Lang) -> Any:
    """A Phrase or a {zh, en} pair worded in `lang`; any other value as it is."""
    if isinstance(value, Phrase):
        return value.word(lang)
    if isinstance(value, dict) and lang in value:
        return value[lang]
    return value


def joined(phrases: list[Phrase], lang: Lang) -> str:
    """Phrases worded and joined as one sentence list: ；in Chinese, ; in English."""
    return t("label.list_separator", lang).join(p.word(lang) for p in phrases)


def _joined_or_none(phrases: list[Phrase] | None, info: SerializationInfo) -> str | None:
    return joined(phrases, lang_of(info)) if phrases else None


# Notes kept as phrases, shown in the JSON as one sentence list ("a；b"), null when there are none.
JoinedPhrases = Annotated[list[Phrase] | None, PlainSerializer(_joined_or_none)]


def _joined(phrases: list[Phrase], info: SerializationInfo) -> str:
    return joined(phrases, lang_of(info))


# A message made of phrases, shown in the JSON as one sentence list ("" when there are none).
PhraseList = Annotated[list[Phrase], PlainSerializer(_joined)]


def _pick(pair: dict[str, str], info: SerializationInfo) -> str:
    return pair[lang_of(info)]


# A text given in both languages by data (a standards file), shown in the JSON's language.
LangPair = Annotated[dict[str, str], PlainSerializer(_pick)]
