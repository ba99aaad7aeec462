"""The records of `edustat figures`: a figure, a family the data cannot give, the report and its
JSON written as the figures are worded (a national file has 270 000 of them)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Annotated, Any, BinaryIO, Literal, NamedTuple

from pydantic import BaseModel, Field, SkipValidation

from edustat.jsonstream import scalar
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


class Figure(NamedTuple):
    """One computed figure of one county and year, under its key.

    A plain tuple, not a validated model: a national file has 270 000 figures, and building
    each as a pydantic model cost about a second. The families build them from values that are
    already of these types (value a Python float, year an int)."""

    key: str
    county: str | None
    year: int | None
    value: float | None  # None: the data cannot give it (see note)
    kind: FigureKind
    name: Phrase
    note: list[Phrase] | None = None  # worded and joined in the JSON, null when none

    def model_dump(self, context: dict[str, Any] | None = None) -> dict[str, Any]:
        """The figure's record as pydantic validates and dumps it (FigureRecord): what the JSON
        holds, name and note worded in `context["lang"]`."""
        return FigureRecord(**self._asdict()).model_dump(context=context)


class FigureRecord(BaseModel):
    """A figure as a validated model: the documented record of the JSON (`Figure.model_dump`;
    the report writes the same bytes from the tuples directly)."""

    key: str
    county: str | None
    year: int | None
    value: float | None
    kind: FigureKind
    name: Phrase
    note: JoinedPhrases = None


# Figures written per chunk: a national report's JSON is not built whole in memory.
_CHUNK = 20_000
# A figure's record as json.dumps(indent=1) writes it two levels deep, around its seven texts;
# cut into the pieces around the key, around county and year, and around kind, name and note.
_TEXTS = ("\n  {\n" + ",\n".join(f'   "{key}": \0' for key in Figure._fields)
          + "\n  }").split("\0")
_PIECES = ((_TEXTS[0], _TEXTS[1]), (_TEXTS[2], _TEXTS[3]), (_TEXTS[4], _TEXTS[5], _TEXTS[6],
                                                           _TEXTS[7]))


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
    # Figures are built by edustat.checks.figures from computed results: not validated again.
    results: Annotated[list[Figure], SkipValidation]
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
            value = figure.value
            if value is not None and value.__class__ is not float:  # as pydantic made it
                value = float(value)
            yield {"key": figure.key, "county": figure.county, "year": figure.year,
                   "value": value, "kind": figure.kind, "name": worded(figure.name),
                   "note": joined(figure.note, lang) if figure.note else None}

    def write_json(self, out: BinaryIO, lang: Lang = "zh") -> None:
        """The JSON, byte for byte `to_json_bytes()`, the figures written as they are worded."""
        from edustat.jsonstream import split_frame, write_list

        frame = json.dumps({"files": [f.model_dump() for f in self.files], "results": [],
                            "unavailable": [u.record(lang) for u in self.unavailable]},
                           ensure_ascii=False, indent=1).encode("utf-8")
        head, tail = split_frame(frame, "results")
        write_list(out, head, self._json_chunks(lang), tail + b"\n")

    def _json_chunks(self, lang: Lang) -> Iterator[bytes]:
        """The figures' records as the json module writes them two levels deep (what
        jsonstream.python_json_items gives for `records()`), comma-separated, a chunk at a time.

        Column by column: a record is four texts joined, its key's, its place's, its value and
        the rest (kind, name, note); keys, places and the rest repeat across 270 000 figures
        and are each written once."""
        head, place, tail = _PIECES
        words: dict[int, str] = {}  # id of a Phrase or a note list -> its JSON; kept alive
        heads: dict[str, str] = {}
        places: dict[tuple[str | None, int | None], str] = {}
        tails: dict[tuple[str, int, int], str] = {}
        written = float.__repr__  # what json.dumps writes for a finite float
        for start in range(0, len(self.results), _CHUNK):
            chunk = self.results[start:start + _CHUNK]
            keys, counties, years, values, kinds, phrases, notes = zip(*chunk, strict=True)
            for key in set(keys) - heads.keys():
                heads[key] = head[0] + scalar(key) + head[1]
            wheres = list(zip(counties, years, strict=True))
            for county, year in set(wheres) - places.keys():
                places[(county, year)] = (scalar(county) + place[0] + scalar(year)
                                          + place[1])
            rests = list(zip(kinds, map(id, phrases), map(id, notes), strict=True))
            new = set(rests) - tails.keys()
            if new:
                made: dict[int, Any] = dict(zip(map(id, phrases), phrases, strict=True))
                made.update(zip(map(id, notes), notes, strict=True))
                for kind, phrase, note in new:
                    tails[(kind, phrase, note)] = (
                        tail[0] + scalar(kind) + tail[1] + self._words(words, made[phrase], lang)
                        + tail[2] + self._words(words, made[note], lang) + tail[3])
            yield ",".join(map("".join, zip(
                [heads[k] for k in keys], [places[w] for w in wheres],
                [written(v) if v.__class__ is float and v - v == 0.0 else _value(v)
                 for v in values],
                [tails[r] for r in rests], strict=True))).encode("utf-8")

    @staticmethod
    def _words(words: dict[int, str], phrase: Phrase | list[Phrase] | None, lang: Lang
               ) -> str:
        """A name, or a note list joined, as JSON (null for no note), each worded once."""
        text = words.get(id(phrase))
        if text is None:
            if isinstance(phrase, Phrase):
                text = scalar(phrase.word(lang))
            else:
                text = scalar(joined(phrase, lang)) if phrase else "null"
            words[id(phrase)] = text
        return text

    def csv_rows(self, lang: Lang = "zh") -> Iterator[dict[str, Any]]:
        """One flat record per figure (values unrounded), as they are worded."""
        return self.records(lang)

    def to_rows(self, lang: Lang = "zh") -> list[dict[str, Any]]:
        """One flat record per figure, for CSV and XLSX (values unrounded)."""
        return list(self.records(lang))

    def sheets(self, lang: Lang = "zh") -> Sheets:
        """One table: every figure."""
        return {"figures": self.to_rows(lang)}


def _written(column: tuple[Any, ...]) -> list[str]:
    """A column of hashable scalars as JSON, each distinct value written once."""
    texts = {value: scalar(value) for value in set(column)}
    return [texts[value] for value in column]


def _value(value: float | None) -> str:
    """A figure's value as json.dumps writes it (an int as the float pydantic made of it)."""
    return "null" if value is None else scalar(float(value))
