"""Finding the header of a sheet as the statistics system exports it (SPEC §2.4).

A title and a unit line may stand above the header; the header may be up to three rows with
merged cells (in CSV, as Excel saves them, the parent text stands in the first cell of a span);
a column-number row (甲 乙 丙 1 2 3) or a unit row (人 平方米 万元) may stand below it. A column's
name is its path of header cells, top to bottom, matched against the paths of the dictionary.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from edustat.schema import (
    UNIT_FACTORS,
    ColumnSpec,
    HeaderMatch,
    Kind,
    TableSpec,
    UnknownUnit,
    match_header,
    normalize_header,
    split_unit,
)

HEADER_SEARCH_ROWS = 12  # a title, a unit line or a blank row may stand above the header
MAX_HEADER_ROWS = 3
_STEMS = frozenset("甲乙丙丁戊己庚辛壬癸")
_ALL_UNITS = frozenset(u for units in UNIT_FACTORS.values() for u in units) | {"平方米", "万元"}
_TITLE_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*(?:学?年|年度)")
_AREA = r"[\u4e00-\u9fff]{1,12}?(?:自治县|自治旗|县|旗|区|市)"
_TITLE_COUNTY = re.compile(r"(?:19|20)\d{2}\s*(?:学?年|年度)\s*(" + _AREA + ")")
# The reporting unit names the whole area (某市某区教育局 -> 某市某区): greedy up to 教育.
_REPORTER = re.compile(r"填报单位\s*[:：]\s*([\u4e00-\u9fff]{1,16}(?:自治县|自治旗|县|旗|区|市))"
                       r"(?:教育|教体|人民政府|政府)")
_TOTAL_WORDS = {"计": "合计", "小计": "合计", "合计": "合计", "总计": "合计"}


def cell_text(value: object) -> str | None:
    """A workbook cell as text: whole floats lose their '.0' (codes typed as numbers)."""
    if value is None or value == "" or (isinstance(value, float) and value != value):
        return None  # NaN: pandas' blank in a text column, not the text "nan"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def fold_cell(text: str) -> tuple[str, str | None]:
    """One header cell folded for path matching: (name, unit). 其中：教学用 -> 教学用, 计 -> 合计,
    a trailing 数 dropped (在校生数 and 在校生 are the same head)."""
    folded = normalize_header(text)
    bare = re.fullmatch(r"\(([^()]*)\)", folded)
    if bare:  # a unit row's cell: all unit, no name
        return "", bare.group(1)
    base, unit = split_unit(folded)
    base = re.sub(r"^其中[:：]?", "", base)
    base = _TOTAL_WORDS.get(base, base)
    if len(base) > 2 and base.endswith("数"):
        base = base[:-1]
    return base, unit


def _path_key(cells: list[str]) -> str:
    return "/".join(name for name in (fold_cell(c)[0] for c in cells) if name)


_PATHS: dict[str, tuple[dict[str, ColumnSpec], dict[str, ColumnSpec], frozenset[str]]] = {}


def _path_index(table: TableSpec) -> tuple[dict[str, ColumnSpec], dict[str, ColumnSpec],
                                           frozenset[str]]:
    """(path -> column, fallback path -> column, head words) of a table, built once."""
    if table.name not in _PATHS:
        paths: dict[str, ColumnSpec] = {}
        fallback: dict[str, ColumnSpec] = {}
        for spec in table.columns:
            for path in spec.paths:
                paths[_path_key(path.split("/"))] = spec
            for path in spec.fallback_paths:
                fallback[_path_key(path.split("/"))] = spec
        heads = frozenset(key.split("/")[0] for key in (*paths, *fallback))
        _PATHS[table.name] = (paths, fallback, heads)
    return _PATHS[table.name]


def parse_header_rows(text: str | None) -> tuple[int, int] | None:
    """`--header-rows 3-5` (or a single row, 4) as (first, last), 1-based; ValueError if not."""
    if text is None:
        return None
    found = re.fullmatch(r"\s*(\d+)\s*(?:[-–~:]\s*(\d+)\s*)?", text)
    if not found:
        raise ValueError(f"not rows: {text!r} (write e.g. 3-5)")
    first, last = int(found.group(1)), int(found.group(2) or found.group(1))
    if first < 1 or last < first or last - first >= MAX_HEADER_ROWS:
        raise ValueError(f"header rows {text!r}: from 1 up, first <= last, at most "
                         f"{MAX_HEADER_ROWS} rows")
    return first, last


@dataclass
class PathMatch:
    """A header path matched to a column: the match, and whether it is a fallback path."""

    match: HeaderMatch
    fallback: bool = False


def match_path(table: TableSpec, cells: list[str]) -> PathMatch | None:
    """Match a column's header path (top to bottom) onto `table`; None when it is unknown.

    One cell is matched as a flat header; a path by the dictionary's paths, else by its last cell
    alone when that names a column by itself. A unit in any cell converts (SPEC §2.4); raises
    UnknownUnit for a unit the column cannot take."""
    cells = [c for c in cells if c]
    names = [c for c in cells if fold_cell(c)[0]]  # a unit row's "(万元)" names nothing
    if not names:
        return None
    units = [u for u in (fold_cell(c)[1] for c in cells) if u]
    if len(names) == 1:
        matched = match_header(table, names[0])
        if matched is None:
            return None
        if matched.unit is None and units:
            return PathMatch(_with_unit(matched.spec, units))
        return PathMatch(matched)
    paths, fallback, _ = _path_index(table)
    key = _path_key(names)
    spec = paths.get(key) or fallback.get(key)
    if spec is None:
        leaf = match_header(table, names[-1])
        if leaf is None:
            return None
        spec = leaf.spec
    return PathMatch(_with_unit(spec, units), fallback=key in fallback and key not in paths)


def _with_unit(spec: ColumnSpec, units: list[str]) -> HeaderMatch:
    factors = UNIT_FACTORS[spec.kind]
    for unit in reversed(units):  # the cell nearest the column names its unit
        if unit in factors:
            return HeaderMatch(spec=spec, unit=unit, factor=factors[unit])
    if units and factors:
        raise UnknownUnit(spec, units[-1])
    return HeaderMatch(spec=spec)


@dataclass
class HeaderBlock:
    """Where a sheet's header is and what each column is called."""

    first: int  # 0-based row of the header's first row
    last: int  # 0-based row of its last row
    data_start: int  # 0-based row of the first data row (after number and unit rows)
    paths: list[list[str]]  # per column, its header cells top to bottom
    units: dict[int, str] = field(default_factory=dict)  # column -> unit from a unit row
    above: list[str] = field(default_factory=list)  # the text of the rows above the header

    def written(self, column: int) -> str:
        """A column's header as written: its path joined by '/'."""
        return "/".join(self.paths[column])

    def title_year(self) -> int | None:
        """A 4-digit year in the title rows (2023年…统计表), else None."""
        for text in self.above:
            found = _TITLE_YEAR.search(text)
            if found:
                return int(found.group(1))
        return None

    def title_county(self) -> str | None:
        """The county the rows above the header name: 填报单位：示例县教育局, else the title
        (2023年示例县义务教育学校…), else None."""
        for pattern in (_REPORTER, _TITLE_COUNTY):
            for text in self.above:
                found = pattern.search(text)
                if found and not found.group(1).startswith(("全", "本")):  # 全市: no name
                    return found.group(1)
        return None


def _is_known(tables: list[TableSpec], text: str) -> bool:
    for table in tables:
        try:
            if match_header(table, text) is not None:
                return True
        except UnknownUnit:  # a known column with an odd unit is still a header
            return True
        if fold_cell(text)[0] in _path_index(table)[2]:
            return True
    return False


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", ""))
    except ValueError:
        return False
    return True


def _number_or_unit_row(texts: list[str | None]) -> dict[int, str] | None:
    """The units by column of a column-number row (甲 乙 1 2 3) or unit row (人 平方米 万元);
    None when the row is neither (it is data or header)."""
    filled = [(i, t) for i, t in enumerate(texts) if t]
    if len(filled) < 2:
        return None
    units: dict[int, str] = {}
    numbers: list[int] = []
    for index, text in filled:
        bare = normalize_header(text).strip("()")
        if text in _STEMS:
            continue
        if bare in _ALL_UNITS:
            units[index] = bare
            continue
        if text.isdigit():
            numbers.append(int(text))
            continue
        return None
    # Column numbers run 1, 2, 3 …: a data row of small counts does not.
    if numbers and (len(numbers) < 2 or any(b != a + 1 for a, b in pairwise(numbers))):
        return None
    return units


def _fill_spans(rows: list[list[str | None]]) -> list[list[str | None]]:
    """Give each blank header cell of a span its parent's text, as Excel's merge would show it:
    only within the parent's span, and only where a cell below names a child."""
    filled = [list(r) for r in rows]
    width = max((len(r) for r in rows), default=0)
    for r in filled:
        r.extend([None] * (width - len(r)))
    starts = {0}
    for level, row in enumerate(filled[:-1]):
        below = [any(filled[k][j] for k in range(level + 1, len(filled))) for j in range(width)]
        own = {j for j in range(width) if rows[level][j:j + 1] and rows[level][j]}
        for j in range(1, width):
            if row[j] is None and j not in starts and below[j] and row[j - 1] is not None:
                row[j] = row[j - 1]
        starts |= own
    return filled


def find_header(rows: Sequence[Sequence[object]], tables: list[TableSpec],
                header_rows: tuple[int, int] | None = None) -> HeaderBlock:
    """The header block of a sheet's first rows (merged cells already filled in).

    `header_rows` (1-based, inclusive) overrides detection (`--header-rows 3-5`)."""
    texts = [[cell_text(c) for c in row] for row in rows[:HEADER_SEARCH_ROWS]]
    if header_rows is not None:
        first, last = header_rows[0] - 1, header_rows[1] - 1
    else:
        scores = [sum(1 for t in row if t and _is_known(tables, t)) for row in texts]
        first = 0
        if scores and scores[0] < 2:
            best = max(range(len(scores)), key=lambda i: (scores[i], -i))
            first = best if scores[best] >= 3 else 0
        last = _last_header_row(texts, first, tables)
    data_start = last + 1
    units: dict[int, str] = {}
    while data_start < len(texts) and data_start <= last + 2:
        found = _number_or_unit_row(texts[data_start])
        if found is None:
            break
        units.update(found)
        data_start += 1
    block = _fill_spans(texts[first:last + 1]) if texts[first:last + 1] else [[]]
    width = max(len(r) for r in block)
    paths: list[list[str]] = []
    for j in range(width):
        path: list[str] = []
        for row in block:
            cell = row[j] if j < len(row) else None
            if cell and (not path or path[-1] != cell):  # a vertical merge repeats its text
                path.append(cell)
        paths.append(path)
    above = [" ".join(t for t in row if t) for row in texts[:first]]
    return HeaderBlock(first=first, last=last, data_start=data_start, paths=paths, units=units,
                       above=above)


def _last_header_row(texts: list[list[str | None]], first: int, tables: list[TableSpec]) -> int:
    """The last row of a header starting at `first`: the rows below it belong to the header while
    they hold only text, are not a number or unit row, and leave blank (or repeat) the cells of
    the identity columns above them (学校标识码 merged down over the header rows)."""
    if first >= len(texts):
        return first
    top = texts[first]
    anchors = []
    for j, text in enumerate(top):
        if not text:
            continue
        for table in tables:
            try:
                matched = match_header(table, text)
            except UnknownUnit:
                matched = None
            if matched is not None and matched.spec.kind in (Kind.TEXT, Kind.CATEGORY,
                                                              Kind.YEAR):
                anchors.append(j)
                break
    last = first
    while last + 1 < len(texts) and last - first < MAX_HEADER_ROWS - 1:
        row = texts[last + 1]
        cells = [t for t in row if t]
        if not cells or _number_or_unit_row(row) is not None:
            break
        if any(_is_number(t) for t in cells):
            break
        if not anchors or any(j < len(row) and row[j] and row[j] != top[j] for j in anchors):
            break
        last += 1
    return last
