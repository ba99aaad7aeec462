"""Reading CSV files larger than the start the reader decodes itself (SPEC §2).

A file whose first HEAD_BYTES (256 KiB) are UTF-8 is handed to pandas undecoded, and pandas
decodes the rest strictly. A byte further on that is not UTF-8 must still make the file GB18030
(when it is), or be named with its row, exactly as when the whole file was decoded first; a row
with too many cells there is named too, and a cell padded with spaces there is still stripped.
Each file here is built by the test: 1 600 copies of the sample's five schools (about 350 KB)
and one last row.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bad_input import PLAIN, validate_json, where
from edustat.encoding import HEAD_BYTES
from edustat.reader import read_table
from edustat.schema import SCHOOLS

_HEAD = HEAD_BYTES  # what the reader decodes itself
_COPIES = 1600


def _rows(header: str, body: list[str]) -> list[str]:
    """The header and `_COPIES` copies of the body, each school with an id of its own."""
    rows = [header]
    for copy in range(_COPIES):
        for line in body:
            school_id, rest = line.split(",", 1)
            rows.append(f"{int(school_id) + copy * 100},{rest}")
    return rows


def _sample() -> tuple[str, list[str]]:
    header, *body = PLAIN.read_text(encoding="utf-8").splitlines()
    return header, body


def _write(path: Path, start: bytes, last_row: bytes) -> Path:
    assert len(start) > _HEAD  # the last row lies beyond what the reader decodes itself
    path.write_bytes(start + last_row)
    return path


def test_gbk_text_past_the_start_makes_the_file_gb18030(tmp_path: Path) -> None:
    # Canonical (ASCII) headers and ASCII names up to the last row: the start is valid UTF-8.
    header = "school_id,school_name,county,school_type,primary_students,year"
    body = [f"{2152000002 + k},School{k},County,primary,{100 + k},2022" for k in range(5)]
    start = ("\n".join(_rows(header, body)) + "\n").encode("ascii")
    last = "2152999999,示例旗第九小学,County,primary,321,2022\n".encode("gbk")
    raw = read_table(_write(tmp_path / "late_gbk.csv", start, last), SCHOOLS)
    assert raw.encoding == "gb18030"
    assert raw.frame["school_name"].iat[-1] == "示例旗第九小学"
    assert len(raw.frame) == 5 * _COPIES + 1


def test_a_bad_byte_past_the_start_is_named_with_its_row(cli, tmp_path: Path) -> None:
    header, body = _sample()
    rows = _rows(header, body)
    start = ("\n".join(rows) + "\n").encode("utf-8")
    # 0xFF is in neither UTF-8 nor GB18030: the whole text is decoded to say where it is.
    path = _write(tmp_path / "late_ff.csv", start, b"2152999999,\xff\xff,x\n")
    problems = validate_json(cli, path, exit_code=1)
    # The header is row 1 and 8 000 school rows follow: the bad row is row 8 002.
    assert len(rows) == 1 + 5 * _COPIES
    assert where(problems) == [("late_ff.csv", 2 + 5 * _COPIES, None, None, "bad_encoding")]
    assert f"byte {len(start) + 11} of the file" in problems[0]["message"]


def test_too_many_cells_past_the_start_are_named(cli, tmp_path: Path) -> None:
    header, body = _sample()
    start = ("\n".join(_rows(header, body)) + "\n").encode("utf-8")
    cells = len(header.split(","))
    last = (",".join(["1"] * (cells + 2)) + "\n").encode()
    problems = validate_json(cli, _write(tmp_path / "wide.csv", start, last), exit_code=1)
    assert [(p["row"], p["code"]) for p in problems] == [(2 + 5 * _COPIES, "too_many_cells")]


@pytest.mark.parametrize("space", [" ", "\u3000", "\t", "\xa0"])
def test_a_padded_cell_past_the_start_is_stripped(tmp_path: Path, space: str) -> None:
    header, body = _sample()
    start = ("\n".join(_rows(header, body)) + "\n").encode("utf-8")
    assert not any(s in start.decode() for s in (" ", "\u3000", "\t", "\xa0"))
    _id, _name, county, rest = body[0].split(",", 3)
    last = f"2152999999,{space}示例旗第九小学{space},{county}{space},{rest}\n".encode()
    raw = read_table(_write(tmp_path / "padded.csv", start, last), SCHOOLS)
    assert raw.encoding == "utf-8"
    assert (raw.frame["school_name"].iat[-1], raw.frame["county"].iat[-1]) == (
        "示例旗第九小学", county)


def test_a_character_cut_at_the_end_of_the_start_is_read_whole(tmp_path: Path) -> None:
    header, body = _sample()
    # Lengthen the first school's name letter by letter until byte HEAD_BYTES falls inside a
    # three-byte Chinese character: the start must be decoded incrementally, not as an error.
    rows = _rows(header, body)
    for pad in range(200):
        first = rows[1].replace("示例旗第二小学", "示例旗第二小学" + "x" * pad)
        start = ("\n".join([rows[0], first, *rows[2:]]) + "\n").encode("utf-8")
        try:
            start[:_HEAD].decode("utf-8")
        except UnicodeDecodeError as exc:
            assert exc.reason == "unexpected end of data"
            break
    else:
        raise AssertionError("no padding cuts a character at HEAD_BYTES")
    raw = read_table(_write(tmp_path / "cut.csv", start, b""), SCHOOLS)
    assert raw.encoding == "utf-8" and len(raw.frame) == 5 * _COPIES
    assert set(raw.frame["school_name"]) == {"示例旗第二小学" + "x" * pad,
                                             *(line.split(",")[1] for line in body)}


def test_a_header_below_a_long_chinese_title_is_found(tmp_path: Path) -> None:
    # A title of 30 000 Chinese characters (90 000 bytes) above the header: the header search
    # reads the first 65 536 characters, as it did when the whole file was decoded first, so
    # the start the reader decodes must hold them (3 bytes each here, up to 4 in UTF-8).
    header, body = _sample()
    title = "示" * 30_000
    text = "\n".join([f'"{title}"', header, *body]) + "\n"
    assert len(text.encode("utf-8")) > 1 << 16 and len(text) < 1 << 16
    path = tmp_path / "titled.csv"
    path.write_text(text, "utf-8")
    raw = read_table(path, SCHOOLS)
    assert raw.written["school_id"] == "学校标识码"
    assert raw.frame["_row"].tolist() == [3, 4, 5, 6, 7]
