"""The CSV writer (edustat.output.write_csv) formats a chunk of rows a column at a time; its bytes
are those of the writer it replaced (csv.DictWriter with a float as its repr and None empty,
kept below as `dictwriter_text`) and of a plain formatting written out by hand (`hand_text`),
for every kind of cell a report holds, across chunk boundaries, and from the command line."""

from __future__ import annotations

import csv
import enum
import io
import math
from collections import defaultdict
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SAMPLE
from edustat import output
from edustat.output import CHUNK, _json_floats, csv_text, write_csv


def dictwriter_text(rows: list[dict[str, Any]], columns: list[str] | None = None) -> str:
    """The writer edustat had before: csv.DictWriter over cells made by a function per cell."""
    def cell(value: Any) -> Any:
        if isinstance(value, float):
            return repr(value)
        return "" if value is None else value

    out = io.StringIO()
    names = list(columns or (rows[0].keys() if rows else []))
    writer = csv.DictWriter(out, fieldnames=names, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: cell(v) for k, v in row.items()})
    return out.getvalue()


def hand_text(rows: list[dict[str, Any]]) -> str:
    """CSV as the format says, by hand: a cell with a comma, quote or newline is quoted, its
    quotes doubled; None empty, a float its repr, anything else its str; a lone empty cell "\"\"."""
    def text(value: Any) -> str:
        if value is None:
            return ""
        return repr(value) if isinstance(value, float) else str(value)

    def quoted(cell: str) -> str:
        if any(char in cell for char in ',"\n'):
            return '"' + cell.replace('"', '""') + '"'
        return cell

    def line(cells: list[str]) -> str:
        if cells == [""]:
            return '""\n'
        return ",".join(map(quoted, cells)) + "\n"

    names = list(rows[0])
    return line(names) + "".join(line([text(row[name]) for name in names]) for row in rows)


# Floats of every kind: tiny, huge, negative zero, the infinities, nan, and around the points
# where repr turns to an exponent (1e-4 and 1e16).
EDGE_FLOATS = [0.0, -0.0, 1e-4, -1e-4, math.nextafter(1e-4, 0), 1e-5, 1e16, -1e16,
               math.nextafter(1e16, 0), math.nextafter(1e16, math.inf), 9007199254740993.0,
               1e15, 123456789012345.67, 5e-324, -5e-324, 2.2250738585072014e-308,
               1.7976931348623157e308, math.inf, -math.inf, math.nan, 0.1 + 0.2, 100.0, 1.5,
               -2.75, 1e22, 1e-7]
floats = st.one_of(st.floats(), st.sampled_from(EDGE_FLOATS))
# Texts with what needs quoting, line ends, NUL and Chinese.
texts = st.text(alphabet=st.one_of(st.sampled_from(',"\n\r\x00 ;\'示例旗小学'),
                                   st.characters(codec="utf-8")), max_size=12)
plain_texts = st.text(alphabet=st.sampled_from("abc 12.-_示例旗中学"), max_size=8)
cells = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(-10**30, 10**30),
                  floats, texts)


@st.composite
def tables(draw: st.DrawFn, values: st.SearchStrategy[Any] = cells,
           max_rows: int = 40) -> list[dict[str, Any]]:
    """Rows of the same names, each column of one kind of value or mixed."""
    names = draw(st.lists(st.text(max_size=6), min_size=1, max_size=6, unique=True))
    kinds = {name: draw(st.sampled_from([values, floats, st.integers(), st.booleans(), plain_texts,
                                         st.one_of(st.none(), floats)])) for name in names}
    count = draw(st.integers(1, max_rows))
    return [{name: draw(kinds[name]) for name in names} for _ in range(count)]


@settings(max_examples=400, deadline=None)
@given(tables())
def test_the_bytes_are_the_old_writers(rows: list[dict[str, Any]]) -> None:
    assert csv_text(rows) == dictwriter_text(rows)


@settings(max_examples=300, deadline=None)
@given(tables(st.one_of(st.none(), st.booleans(), st.integers(), floats,
                        st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\r\x00"),
                                max_size=12))))
def test_the_bytes_are_the_formats(rows: list[dict[str, Any]]) -> None:
    # \r and NUL left out: whether csv.writer quotes them has changed between Python versions.
    assert csv_text(rows) == hand_text(rows)


@settings(max_examples=40, deadline=None)
@given(tables(max_rows=3), st.integers(0, 2 * CHUNK + 5))
def test_chunk_boundaries(rows: list[dict[str, Any]], more: int) -> None:
    # Many rows: the first chunks plain, the odd rows somewhere after (a chunk csv.writer writes).
    filler = dict.fromkeys(rows[0], 1.25)
    table = [filler] * more + rows + [filler] * (more % 7)
    assert csv_text(table) == dictwriter_text(table)


@settings(max_examples=500, deadline=None)
@given(st.lists(floats, min_size=1, max_size=30))
def test_float_columns_are_repr(values: list[float]) -> None:
    assert output._floats(tuple(values)) == list(map(repr, values))


def test_float_columns_are_repr_on_random_bits() -> None:
    # 200 000 doubles of every exponent (random bit patterns), in columns of a chunk's length.
    bits = np.random.default_rng(20261202).integers(0, 2**64, size=200_000, dtype=np.uint64)
    values = bits.view(np.float64).tolist()
    for start in range(0, len(values), CHUNK):
        column = tuple(values[start:start + CHUNK])
        assert output._floats(column) == list(map(repr, column))


def test_float_columns_take_the_fast_path() -> None:
    # Ordinary figures, a zero, tiny and huge ones, inf and nan: the JSON writer's text is used
    # (not the fallback to repr for every cell), and it is repr's.
    column = (4.00314, -1.49815177833384, 0.0, -0.0, 1.398607781219881e-05, 7758.944533333333,
              1e16, math.inf, math.nan, 0.0001, 2.5, 1e300, 123456.0)
    cells = _json_floats(column)
    assert cells == [repr(value) for value in column]
    assert _json_floats((0.1,) * 3) == ["0.1"] * 3


def test_what_dictwriter_did_with_odd_rows() -> None:
    rows: list[dict[str, Any]] = [{"a": 1.5, "b": "x"}] * 3
    # a missing key is an empty cell, the row's own key order does not matter
    assert csv_text([*rows, {"a": 2.0}, {"b": "y", "a": None}]) == (
        "a,b\n1.5,x\n1.5,x\n1.5,x\n2.0,\n,y\n")
    # a key not in the header is an error, as it was
    with pytest.raises(ValueError, match="not in fieldnames"):
        csv_text([*rows, {"a": 1, "b": 2, "c": 3}])
    # a defaultdict row is read, not added to
    sparse: defaultdict[str, Any] = defaultdict(lambda: 0, {"a": 1.0})
    assert csv_text([rows[0], sparse]) == "a,b\n1.5,x\n1.0,\n"
    assert dict(sparse) == {"a": 1.0}
    # columns given, names twice, one column, no columns
    assert csv_text(rows[:1], ["b", "a"]) == "b,a\nx,1.5\n"
    assert csv_text(rows[:1], ["a", "a", "b"]) == "a,a,b\n1.5,1.5,x\n"
    assert csv_text([{"a": None}, {"a": ""}, {"a": 0.5}]) == 'a\n""\n""\n0.5\n'
    assert csv_text([]) == "\n"
    assert csv_text([{}]) == "\n\n"


class Kind(str, enum.Enum):
    """A str enum (its str() is not its text)."""

    PRIMARY = "primary"


def test_subclasses_are_written_as_before() -> None:
    # numpy's float64 is a float, a str enum a str, numpy's int64 neither: as csv.writer did.
    rows = [{"v": np.float64(0.5), "k": Kind.PRIMARY, "n": np.int64(7), "b": True}] * 2
    assert csv_text(rows) == dictwriter_text(rows)


def test_a_stream_is_written_as_it_comes() -> None:
    # Rows are written a chunk at a time, not held to the end: the first chunk is out before
    # the generator is finished.
    out = io.StringIO()
    seen: list[int] = []

    def rows():
        for index in range(CHUNK * 3):
            if index == CHUNK * 2:
                seen.append(out.tell())
            yield {"i": index, "x": index / 4}

    write_csv(out, rows())
    assert seen[0] > 0
    assert out.getvalue() == dictwriter_text(list(rows()))


@pytest.mark.parametrize("args", [
    ["coefficient", SAMPLE, "--schools"], ["coefficient", SAMPLE, "--standard", "quality"],
    ["standards", SAMPLE], ["plan", SAMPLE]])
def test_the_command_lines_file_is_the_old_writers(cli, tmp_path, args) -> None:
    from edustat import api

    target = tmp_path / "out.csv"
    result = cli(*args, "-o", target)
    assert result.exit_code == 0, result.output
    command, path, *options = args
    report = {"coefficient": lambda: api.coefficient(
        path, standard="quality" if "quality" in options else "basic",
        schools="--schools" in options), "standards": lambda: api.standards(path),
        "plan": lambda: api.plan([path])}[command]()
    expected = dictwriter_text(list(report.csv_rows("zh")))
    assert target.read_bytes() == b"\xef\xbb\xbf" + expected.encode("utf-8")
    assert cli(*args, "-f", "csv").output == expected

