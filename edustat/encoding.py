"""A CSV's encoding and text (SPEC §2): UTF-16 with a BOM, else UTF-8 (with or without BOM),
then GB18030, decoded strictly; or, for reading a large UTF-8 file, only its start.

Every byte that is not the file's encoding is named with its offset and row. A UTF-8 file is
decoded by the reader only as far as the header search looks (`utf8_head`): pandas decodes the
rest strictly, and a byte there that is not UTF-8 sends the file back to be decoded whole.
"""

from __future__ import annotations

import codecs

from edustat.problems import InputError, Problem

OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls
# The header search reads the first 64 Ki characters of a CSV (`reader._csv_rows`); a UTF-8
# character takes up to 4 bytes, so this many bytes always hold them (and a cut character).
HEAD_BYTES = 4 * (1 << 16) + 4


class NotWhollyUtf8(Exception):
    """A CSV read as UTF-8 on its start holds a byte further on that is not UTF-8."""


def detect_encoding(raw: bytes, file: str, given: str | None = None) -> str:
    """The encoding of a CSV's bytes: UTF-8 (with or without BOM), then GB18030; strict."""
    return decode_table(raw, file, given)[0]


def decode_table(raw: bytes, file: str, given: str | None = None) -> tuple[str, str]:
    """A CSV's bytes decoded strictly: (encoding, text). UTF-16 with a BOM, else UTF-8 (with
    or without BOM), then GB18030; `given` overrides. Raises InputError naming the byte."""
    if given:
        try:
            codec = codecs.lookup(given).name
        except LookupError:
            raise InputError([Problem(file=file, code="unknown_encoding",
                                      params={"encoding": given})]) from None
        if codec == "utf-8" and raw.startswith(codecs.BOM_UTF8):
            given = "utf-8-sig"  # else the BOM sticks to the first header and hides it
        text, offset = _decode(raw, given)
        if text is None:
            raise InputError([Problem(file=file, row=raw[:offset].count(b"\n") + 1,
                                      code="bad_encoding_given",
                                      params={"encoding": given, "offset": offset})])
        return given, text
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates: tuple[str, ...] = ("utf-16",)  # Excel's "Unicode text" (tab-separated)
    elif raw.startswith(codecs.BOM_UTF8):
        candidates = ("utf-8-sig", "gb18030")
    else:
        candidates = ("utf-8", "gb18030")
    failures: list[int] = []
    for name in candidates:
        text, offset = _decode(raw, name)
        if text is not None:
            return name, text
        failures.append(offset)
    # The candidate that decoded furthest is the file's encoding with one bad byte: name that
    # byte. (A GBK file fails as UTF-8 at its first Chinese character, which is no help.)
    offset = max(failures)
    line = raw[:offset].count(b"\n") + 1
    raise InputError([Problem(file=file, row=line, code="bad_encoding",
                              params={"offset": offset})])


def _decode(raw: bytes, encoding: str) -> tuple[str | None, int]:
    """(text, 0) when `encoding` decodes all of `raw`, else (None, byte offset of the failure)."""
    try:
        return raw.decode(encoding), 0
    except UnicodeDecodeError as exc:
        # utf-8-sig counts from after the BOM it strips.
        skipped = 3 if codecs.lookup(encoding).name == "utf-8-sig" and raw.startswith(
            codecs.BOM_UTF8) else 0
        return None, exc.start + skipped


def utf8_head(raw: bytes, given: str | None) -> tuple[str, str] | None:
    """(encoding, the decoded start) of a CSV whose first HEAD_BYTES are UTF-8 and whose
    encoding is not given; None otherwise (the file is then decoded whole). A file that is not
    UTF-8 all the way through is caught when pandas decodes it."""
    if given or raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    name = "utf-8-sig" if raw.startswith(codecs.BOM_UTF8) else "utf-8"
    head = raw[:HEAD_BYTES]
    try:
        return name, codecs.getincrementaldecoder(name)().decode(head, final=len(raw) == len(head))
    except UnicodeDecodeError:
        return None


def decode_head(head: bytes, given: str | None) -> str | None:
    """The start of a CSV as text, in the first encoding that reads it (a character cut at the
    end of `head` is fine); None for binary content or no encoding."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates: tuple[str, ...] = ("utf-16",)
    elif head.startswith(OLE_MAGIC) or b"\x00" in head[:8192]:
        return None
    else:
        candidates = (given,) if given else ("utf-8-sig", "gb18030")
    for name in candidates:
        try:
            return codecs.getincrementaldecoder(name)().decode(head, final=False)
        except (LookupError, UnicodeDecodeError):
            continue
    return None


def holds(raw: bytes, needle: bytes) -> bool:
    """`needle in raw`, answered at memchr speed when the needle's first byte is absent (a
    search for several bytes is ten times slower than for one, and these are rare leads)."""
    return raw.find(needle[:1]) >= 0 and needle in raw
