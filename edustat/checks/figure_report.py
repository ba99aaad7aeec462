"""The records of `edustat figures`: a figure, a family the data cannot give, the report and its
JSON written as the figures are worded (a national file has 270 000 of them)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, BinaryIO, Literal

from pydantic import BaseModel, Field

from edustat.problems import Problem
from edustat.results import JoinedPhrases, Phrase, Report, Sheets, joined
from edustat.texts import Lang

FigureKind = Literal["share", "count", "number"]  # share: a fraction that reports write as %


def _phrase(code: str, **params: Any) -> Phrase:
    return Phrase(code=code, params=params)


class PhraseNames:
    """Phrases made once per family and shared by every county's figures: a national file has
    270 000 figures but a few hundred names, each then created and worded once."""

    def __init__(self) -> None:
        self.made: dict[tuple[Any, ...], Phrase] = {}

    def __call__(self, code: str, **params: Any) -> Phrase:
        # A Phrase parameter is one made here (kept alive by `made`), so its id names it.
        key = (code, *((k, id(v) if isinstance(v, Phrase) else v) for k, v in params.items()))
        phrase = self.made.get(key)
        if phrase is None:
            phrase = self.made[key] = _phrase(code, **params)
        return phrase


def stage_name(stage: str) -> Phrase:
    """A stage as a figure's name begins with it: 小学 / Primary."""
    return _phrase(f"stage_title.{stage}")


class Figure(BaseModel):
    """One computed figure of one county and year, under its key."""

    key: str
    county: str | None
    year: int | None
    value: float | None  # None: the data cannot give it (see note)
    kind: FigureKind
    name: Phrase
    note: JoinedPhrases = None


class Unavailable(BaseModel):
    """A family of figures that could not be computed at all, and why."""

    family: str  # key prefix: coefficient.basic, coefficient.quality, standards, enrolment, exams
    reason: Phrase
    problems: list[Problem] = Field(default_factory=list)

    def record(self, lang: Lang) -> dict[str, Any]:
        """The JSON record: family, reason, the problems that stopped it."""
        return {"family": self.family, "reason": self.reason.word(lang),
                "problems": [p.as_record(lang) for p in self.problems]}


class InputFile(BaseModel):
    """An input file and the kind of table its header says it is."""

    file: str
    kind: str


class FiguresReport(Report):
    """Everything `edustat figures` computes; `to_dict()` gives its JSON."""

    json_from_dict = True

    files: list[InputFile]
    results: list[Figure]
    unavailable: list[Unavailable]

    def to_dict(self, lang: Lang = "zh") -> dict[str, Any]:
        """{"files", "results": [{key, county, year, value, kind, name, note}], "unavailable"}."""
        return {"files": [f.model_dump() for f in self.files],
                "results": list(self.records(lang)),
                "unavailable": [u.record(lang) for u in self.unavailable]}

    def records(self, lang: Lang = "zh") -> Iterator[dict[str, Any]]:
        """Each figure's record, as `model_dump(context={"lang": lang})` gives it.

        Built by hand, not by pydantic: a national file has 270 000 figures, most of them
        sharing a handful of names, each worded once here."""
        words: dict[int, str] = {}  # id of a Phrase -> its words; the report keeps it alive

        def worded(phrase: Phrase) -> str:
            text = words.get(id(phrase))
            if text is None:
                text = words[id(phrase)] = phrase.word(lang)
            return text

        for figure in self.results:
            yield {"key": figure.key, "county": figure.county, "year": figure.year,
                   "value": figure.value, "kind": figure.kind, "name": worded(figure.name),
                   "note": joined(figure.note, lang) if figure.note else None}

    def write_json(self, out: BinaryIO, lang: Lang = "zh") -> None:
        """The JSON, byte for byte `to_json_bytes()`, the figures written as they are worded."""
        from edustat.jsonstream import split_frame, write_list

        frame = json.dumps({"files": [f.model_dump() for f in self.files], "results": [],
                            "unavailable": [u.record(lang) for u in self.unavailable]},
                           ensure_ascii=False, indent=1).encode("utf-8")
        head, tail = split_frame(frame, "results")
        write_list(out, head, self._json_items(lang), tail + b"\n")

    def _json_items(self, lang: Lang) -> Iterator[bytes]:
        """Each figure's record as the json module writes it two levels deep (what
        jsonstream.python_json_items gives for `records()`), from a template: every record has
        the same seven keys, and keys, places and names repeat across 270 000 figures."""
        from edustat.jsonstream import scalar

        template = ("\n  {{\n" + ",\n".join(
            f'   "{key}": {{}}' for key in Figure.model_fields) + "\n  }}")
        texts: dict[Any, str] = {}  # a key, county, year, kind or name (by id) -> its JSON

        def cached(value: Any, key: Any) -> str:
            text = texts.get(key)
            if text is None:
                text = texts[key] = scalar(value)
            return text

        for figure in self.results:
            name = figure.name
            named = texts.get(id(name))
            if named is None:
                named = texts[id(name)] = scalar(name.word(lang))
            yield template.format(
                cached(figure.key, figure.key), cached(figure.county, ("c", figure.county)),
                cached(figure.year, ("y", figure.year)), scalar(figure.value),
                cached(figure.kind, figure.kind), named,
                scalar(joined(figure.note, lang)) if figure.note else "null").encode("utf-8")

    def csv_rows(self, lang: Lang = "zh") -> Iterator[dict[str, Any]]:
        """One flat record per figure (values unrounded), as they are worded."""
        return self.records(lang)

    def to_rows(self, lang: Lang = "zh") -> list[dict[str, Any]]:
        """One flat record per figure, for CSV and XLSX (values unrounded)."""
        return list(self.records(lang))

    def sheets(self, lang: Lang = "zh") -> Sheets:
        """One table: every figure."""
        return {"figures": self.to_rows(lang)}
