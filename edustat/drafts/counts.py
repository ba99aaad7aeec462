"""Counts of schools (所) that fail or pass the per-school standards (SPEC §4): in
初中学校中有3所未能各项指标全部达标 the 3所 counts the junior units that fail
(standards.junior.failing_schools), never the number of junior units. The words that say so
are data (phrases.toml [context])."""

from __future__ import annotations

import re
from typing import Any

from edustat.drafts.phrases import Phrase, Phrases
from edustat.drafts.scan import Found

UNITS_KEY = "schools.{stage}.units"
COUNT_KEYS = {"failing": "standards.{stage}.failing_schools",
              "passing": "standards.{stage}.passing_schools"}
_CLAUSE_END = "，,。；;！？!?\n"


def _clause_before(text: str) -> str:
    """The part of `text` after its last clause end (the clause a figure stands in)."""
    return text[max(text.rfind(c) for c in _CLAUSE_END) + 1:]


def _clause_after(text: str) -> str:
    """The part of `text` before its first clause end."""
    ends = [pos for pos in (text.find(c) for c in _CLAUSE_END) if pos >= 0]
    return text[:min(ends)] if ends else text


def clause_around(text: str, span: tuple[int, int], sentence: tuple[int, int]) -> str:
    """The whole clause of `text` that holds the figure at `span`, within its sentence."""
    start, end = sentence
    return (_clause_before(text[start:span[0]]) + text[span[0]:span[1]]
            + _clause_after(text[span[1]:end]))


def _joined(between: str, phrases: Phrases) -> bool:
    """True when only joiners and stage names stand between two counts: 小学3所、初中2所."""
    rest = between
    for word in sorted([*phrases.context["count_joiners"], *phrases.context["stage"]], key=len,
                       reverse=True):
        rest = rest.replace(word, "")
    return rest == ""


def count_kinds(plain: str, found: list[Found], sentence: tuple[int, int], phrases: Phrases
                ) -> list[tuple[str, str] | None]:
    """For each figure of a sentence (`found`, in order; `sentence` its offsets in `plain`):
    ("failing" | "passing", the words that say so) when it is a count of schools whose own
    clause says they fail or pass the per-school standards, else None."""
    words = phrases.context
    kinds: list[tuple[str, str] | None] = []
    previous_end, end = sentence
    for index, figure in enumerate(found):
        next_start = found[index + 1].start if index + 1 < len(found) else end
        before = _clause_before(plain[previous_end:figure.start])
        after = _clause_after(plain[figure.end:next_start])
        kind = None
        if figure.unit == "所":
            # A count's own words are the nearest ones: after it up to the next count's (初中
            # 达标1所、未达标2所: 未达标 is the 2's), else before it back to the previous count.
            own = re.split("|".join(map(re.escape, words["count_separators"])), after)[0]
            kind = _nearest(own, words, first=True) or _nearest(before, words, first=False)
        kinds.append(kind)
        previous_end = figure.end
    # 小学3所、初中2所未达标: counts joined by 、 share the words of the one that has them.
    for _ in range(len(found)):
        changed = False
        for index in range(len(found) - 1):
            one, two = found[index], found[index + 1]
            if one.unit != "所" or two.unit != "所" or (kinds[index] is None) == (
                    kinds[index + 1] is None):
                continue
            if _joined(plain[one.end:two.start], phrases):
                kinds[index] = kinds[index] or kinds[index + 1]
                kinds[index + 1] = kinds[index + 1] or kinds[index]
                changed = True
        if not changed:
            break
    return kinds


def _nearest(text: str, words: dict[str, Any], *, first: bool) -> tuple[str, str] | None:
    """("failing" | "passing", the words) of the verdict in `text` nearest its start (`first`)
    or its end; 未达标 holds 达标, so at the same place failing is the one meant."""
    found = []
    for rank, name in enumerate(("failing", "passing")):
        for match in re.finditer(words[f"standards_{name}"], text):
            place = match.start() if first else -match.end()
            found.append((place, rank, name, match.group(0)))
    if not found:
        return None
    _, _, name, said = min(found)
    return name, said


def count_phrase(kind: tuple[str, str], phrases: Phrases) -> Phrase:
    """The phrase of a failing or passing count, named by the words that say so."""
    name, said = kind
    template = next(p for p in phrases.phrases if p.key == COUNT_KEYS[name])
    return Phrase(text=said, key=template.key, name=template.name, units=template.units)
