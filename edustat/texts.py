"""The one text catalogue: every word edustat shows, in Chinese and English, by namespaced key.

The catalogue is data: one TOML file per family in `edustat/catalogue/` (`problem.toml`,
`label.toml`, `plan.toml`, …), each a table of keys with a `zh` and an `en` text, e.g.

    [problem]
    not_number.zh = "不是数字……"
    not_number.en = "not a number …"

gives the key `problem.not_number`. Computation keeps codes and parameters; words are chosen only
here, when a result is shown (`t(key, lang, **params)`, parameters filled with str.format).
"""

from __future__ import annotations

import json
import os
import zlib
from functools import cache
from pathlib import Path
from typing import Any, Literal

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
CATALOGUE_DIR = Path(__file__).resolve().parent / "catalogue"


class UnknownText(KeyError):
    """A key that no catalogue file defines (a programming error, never the user's)."""


def _flatten(prefix: str, table: dict[str, Any], out: dict[str, dict[str, str]], source: str
             ) -> None:
    """Collect every {zh, en} leaf of a TOML table under its dotted key."""
    if set(table) and set(table) <= set(LANGS) and all(isinstance(v, str) for v in table.values()):
        if prefix in out:
            raise ValueError(f"text key {prefix} is defined twice (again in {source})")
        out[prefix] = dict(table)
        return
    for name, value in table.items():
        key = f"{prefix}.{name}" if prefix else name
        if not isinstance(value, dict):
            raise ValueError(f"{source}: {key} must be a table with zh and en texts")
        _flatten(key, value, out, source)


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """Every text of every catalogue file: dotted key -> {"zh": …, "en": …}.

    The TOML files are the catalogue; `compiled.json` holds the same texts parsed, read instead
    when it was made from exactly these files (parsing 120 KB of TOML costs every command 20 ms
    at start-up). A stale one is never used: the TOML is parsed then."""
    sources = catalogue_sources()
    try:
        compiled = json.loads(COMPILED.read_bytes())
    except (OSError, ValueError):
        compiled = None
    if isinstance(compiled, dict) and compiled.get("fingerprint") == fingerprint(sources):
        texts: dict[str, dict[str, str]] = compiled["texts"]
        return texts
    return parse_catalogue(sources)


COMPILED = CATALOGUE_DIR / "compiled.json"


def catalogue_sources() -> list[tuple[str, bytes]]:
    """Each catalogue file's name and bytes, in name order."""
    return [(path.name, path.read_bytes()) for path in sorted(CATALOGUE_DIR.glob("*.toml"))]


# Raised whenever the way the TOML files are read into texts changes (_flatten's rules, the
# JSON's layout): a compiled.json made by the old way then no longer matches.
COMPILED_FORMAT = 1


def fingerprint(sources: list[tuple[str, bytes]]) -> str:
    """A checksum of the catalogue files' names and bytes and of the compiled format:
    `compiled.json` is theirs if equal."""
    checksum = 0
    for name, data in sources:
        checksum = zlib.crc32(data, zlib.crc32(name.encode(), checksum))
    return (f"v{COMPILED_FORMAT}-{len(sources)}-{sum(len(d) for _, d in sources)}"
            f"-{checksum:08x}")


def parse_catalogue(sources: list[tuple[str, bytes]]) -> dict[str, dict[str, str]]:
    """The texts of the catalogue files, parsed: dotted key -> {"zh": …, "en": …}."""
    import tomllib

    out: dict[str, dict[str, str]] = {}
    for name, data in sources:
        _flatten("", tomllib.loads(data.decode("utf-8")), out, name)
    return out


def compiled_catalogue() -> bytes:
    """What `compiled.json` should hold for the catalogue files as they are now."""
    sources = catalogue_sources()
    return (json.dumps({"fingerprint": fingerprint(sources), "texts": parse_catalogue(sources)},
                       ensure_ascii=False, indent=0, sort_keys=True) + "\n").encode("utf-8")


def has_text(key: str) -> bool:
    """True when the catalogue defines `key`."""
    return key in catalogue()


def t(key: str, lang: Lang = "zh", **params: Any) -> str:
    """The text of `key` in `lang`, with `params` filled in.

    A parameter given as {"zh": …, "en": …} is worded in `lang` too (names of stages, columns)."""
    try:
        texts = catalogue()[key]
    except KeyError:
        raise UnknownText(key) from None
    chosen = texts.get(lang) or texts["zh"]
    if not params:
        return chosen
    worded_params = {k: (v[lang] if isinstance(v, dict) and lang in v else v)
                     for k, v in params.items()}
    return chosen.format(**worded_params)


def default_lang() -> Lang:
    """The language asked for by EDUSTAT_LANG (zh unless it says en)."""
    return "en" if os.environ.get("EDUSTAT_LANG", "").lower().startswith("en") else "zh"


def both(key: str, **params: Any) -> dict[str, str]:
    """A text in every language, for a parameter worded later (a problem's reason)."""
    return {lang: t(key, lang, **params) for lang in LANGS}
