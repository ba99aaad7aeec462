"""The phrase table of draft figures (phrases.toml), with the indicator names of the catalogue,
loaded once."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

PHRASES_FILE = Path(__file__).resolve().parent / "phrases.toml"


@dataclass(frozen=True)
class Phrase:
    """One way a draft names a figure: the words, the key template, the units that fit."""

    text: str
    key: str  # template: coefficient.{method}.{stage}.composite
    name: str  # template of the Chinese name shown
    units: tuple[str, ...]
    indicator: str | None = None


@dataclass(frozen=True)
class Verdict:
    """A verbal verdict (均达到基本均衡标准) and what it claims."""

    pattern: re.Pattern[str]
    check: str  # coefficient | standards | unbound (a verdict whose subject is unclear)
    method: str | None
    holds: bool


@dataclass(frozen=True)
class Phrases:
    """Everything of phrases.toml, ready to match."""

    context: dict[str, Any]
    names: dict[str, str]
    phrases: tuple[Phrase, ...]
    verdicts: tuple[Verdict, ...]


@cache
def load() -> Phrases:
    """The phrase table: figures of phrases.toml plus each indicator's CV and county value."""
    from edustat.indicators import INDICATORS, METHODS, indicators_for

    with PHRASES_FILE.open("rb") as handle:
        data = tomllib.load(handle)
    phrases: list[Phrase] = []
    for entry in data["figure"]:
        phrases += [Phrase(text=t, key=entry["key"], name=entry["name"], units=tuple(
            entry["units"])) for t in entry["names"]]
    suffix = data["indicator_suffix"]
    methods = {i.key: [m for m in METHODS if i in indicators_for(m)] for i in INDICATORS}
    for indicator in INDICATORS:
        if not methods[indicator.key]:
            continue
        # An indicator of one method only names that method; one of both takes it from context.
        method = methods[indicator.key][0] if len(methods[indicator.key]) == 1 else "{method}"
        names = dict.fromkeys([indicator.zh, *data["indicator_variants"].get(indicator.key, [])])
        for base in names:
            for ending in suffix["cv"]:
                phrases.append(Phrase(text=base + ending,
                                      key=f"coefficient.{method}.{{stage}}.{indicator.key}",
                                      name=f"{{stage_zh}}{indicator.zh}差异系数", units=("",),
                                      indicator=indicator.key))
            phrases.append(Phrase(text=base, key=f"coefficient.{method}.{{stage}}."
                                  f"{indicator.key}.mean",
                                  name=f"{{stage_zh}}{indicator.zh}（县域值）",
                                  units=tuple(suffix["mean_units"]), indicator=indicator.key))
    # The catalogue's own Chinese names of the rates, whatever the table above lists.
    from edustat.enrolment import rate_specs
    from edustat.exams import RATES

    for rate in RATES:
        zh = rate.label("zh")
        phrases.append(Phrase(text=zh, key=f"exams.{rate.exam}.{rate.key}",
                              name=f"{'高考' if rate.exam == 'gaokao' else '中考'}{zh}",
                              units=("%",)))
    for spec in rate_specs("6-3"):
        zh = spec.label("zh")
        phrases.append(Phrase(text=zh, key=f"enrolment.{spec.key}", name=zh, units=("%",)))
    verdicts = tuple(Verdict(pattern=re.compile(v["pattern"]), check=v["check"],
                             method=v.get("method"), holds=v["holds"]) for v in data["verdict"])
    return Phrases(context=data["context"], names=data["names"], phrases=tuple(phrases),
                   verdicts=verdicts)
