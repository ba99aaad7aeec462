"""Writing a report's JSON a piece at a time, byte for byte what serializing it whole gives.

A national report holds hundreds of thousands of results. Serialized whole, its JSON is built in
memory (and copied) before a byte is written; here the report's frame is serialized without its
results, and the results are written into the gap as they are produced.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any, BinaryIO

# json.dumps(..., ensure_ascii=False) writes strings with this (the C version where there is one)
_string = json.encoder.encode_basestring
_INFINITY = float("inf")
_MAX_REMEMBERED = 100_000  # texts remembered while writing, so memory stays bounded


def split_frame(frame: bytes, key: str) -> tuple[bytes, bytes]:
    """A top-level object serialized with indent 1 and `key` an empty list, split around the
    list's brackets: (everything up to `"key": [`, everything after `]`)."""
    marker = f'\n "{key}": [],'.encode()
    if frame.count(marker) != 1:  # the key is last, or missing: a programming error
        raise ValueError(f"{key!r} is not an empty list followed by another key")
    head, tail = frame.split(marker)
    return head + f'\n "{key}": ['.encode(), b"\n ]," + tail


def write_list(out: BinaryIO, head: bytes, items: Iterable[bytes | memoryview],
               tail: bytes) -> None:
    """head, the items (each already indented, without separators) separated by commas, tail;
    an empty list is written `[]` as a whole serialization writes it."""
    first = True
    for item in items:
        out.write(head if first else b",")
        out.write(item)
        first = False
    if first:  # no items: `"key": [],` as it was
        out.write(head + tail.removeprefix(b"\n "))
    else:
        out.write(tail)


def _number(value: float) -> str:
    """A float as json.dumps writes it (repr; NaN and the infinities as JavaScript names)."""
    if value != value:
        return "NaN"
    if value == _INFINITY:
        return "Infinity"
    if value == -_INFINITY:
        return "-Infinity"
    return float.__repr__(value)


# How json.dumps writes each scalar type; any other type is nested.
_WRITERS: dict[type, Callable[[Any], str]] = {
    float: _number, int: int.__repr__, bool: lambda v: "true" if v else "false",
    type(None): lambda v: "null"}


def scalar(value: Any) -> str:
    """A scalar (str, int, float, bool, None) as json.dumps(ensure_ascii=False) writes it."""
    kind = type(value)
    if kind is str:
        return str(_string(value))
    writer = _WRITERS.get(kind)
    if writer is None:
        raise TypeError(f"not a JSON scalar: {value!r}")
    return writer(value)


def python_json_items(records: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """Each record as `json.dumps(..., ensure_ascii=False, indent=1)` writes it as an item of a
    list that is a value of the top-level object (two levels deep), with its leading newline."""
    # Keys and texts repeat across records (a county's name, a figure's name): written once.
    keys: dict[str, str] = {}
    texts: dict[str, str] = {}
    for record in records:
        parts: list[str] = []
        for key, value in record.items():
            kind = type(value)
            if kind is str:
                text = texts.get(value)
                if text is None:
                    text = _string(value)
                    if len(texts) < _MAX_REMEMBERED:
                        texts[value] = text
            else:
                writer = _WRITERS.get(kind)
                if writer is None:  # a nested value (or a subclass): the json module writes it
                    break
                text = writer(value)
            name = keys.get(key)
            if name is None:
                name = keys[key] = f"{_string(key)}: "
            parts.append(name + text)
        else:
            if not parts:  # {} is written as such
                yield b"\n  {}"
                continue
            yield ("\n  {\n   " + ",\n   ".join(parts) + "\n  }").encode("utf-8")
            continue
        nested = json.dumps(record, ensure_ascii=False, indent=1)
        yield ("\n" + nested).replace("\n", "\n  ").encode("utf-8")
