"""Reading a draft report: .docx (paragraphs, headings and tables in document order), .txt and
.md in UTF-8 or GBK. A draft is told from a data table by its kind (its extension and content),
so `edustat check 报告.docx 2022.csv` needs no option to say which file is which."""

from __future__ import annotations

import codecs
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from edustat.problems import InputError, Problem
from edustat.reader import load_source
from edustat.texts import both

DRAFT_SUFFIXES = (".docx", ".txt", ".md")
_ZIP_MAGIC = b"PK\x03\x04"
# A caption names the table that follows it: 表1 2022年小学校际差异系数.
CAPTION = re.compile(r"^\s*(表|附表)\s*[0-9０-９一二三四五六七八九十]+")
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*)$")
# Numbered headings of Chinese reports: 一、… （一）… 第一部分
_CN_NUMERAL = "[一二三四五六七八九十]+"
_CN_HEADING = re.compile(rf"^\s*(?:{_CN_NUMERAL}、|（{_CN_NUMERAL}）|第{_CN_NUMERAL}[部章节])")


@dataclass
class Cell:
    """One cell of a docx or markdown table."""

    row: int  # 1-based, header row = 1
    column: int  # 1-based
    text: str


@dataclass
class Block:
    """A paragraph (heading, caption or body text) or a table, in document order."""

    kind: str  # "paragraph" or "table"
    index: int  # paragraph number (1-based over every paragraph) or table number (1-based)
    text: str = ""
    heading: bool = False
    caption: bool = False
    cells: list[Cell] = field(default_factory=list)

    def rows(self) -> list[list[Cell]]:
        """The table's cells row by row."""
        out: dict[int, list[Cell]] = {}
        for cell in self.cells:
            out.setdefault(cell.row, []).append(cell)
        return [out[r] for r in sorted(out)]


@dataclass
class Draft:
    """A draft report as read: its blocks and the file it came from."""

    file: str
    kind: str  # docx, txt, md
    blocks: list[Block]
    # Parts of a .docx whose figures are not checked (page headers and footers, text boxes):
    # (part, its text), for a note that names them; only those holding a digit.
    unread: list[tuple[str, str]] = field(default_factory=list)


def is_draft(path: Path) -> bool:
    """True when `path` is a draft report by its kind: a .docx or .md, or a .txt whose first
    rows are not the header of a data table (a tab-separated school table saved as .txt is a
    table)."""
    suffix = path.suffix.lower()
    if suffix != ".txt":
        return suffix in DRAFT_SUFFIXES
    return _known_columns(path) < 3


def _known_columns(path: Path) -> int:
    """How many cells of the file's header row (as the table reader finds it) name a column of
    a school, exam or population table."""
    from edustat.reader import read_header
    from edustat.schema import TABLES, UnknownUnit, match_header

    header = read_header(path) or []
    count = 0
    for cell in header:
        for table in TABLES.values():
            try:
                if cell.strip() and match_header(table, cell) is not None:
                    count += 1
                    break
            except UnknownUnit:
                count += 1
                break
    return count


def read_draft(path: str | Path) -> Draft:
    """The draft's blocks in document order; raises InputError for a file that is no draft."""
    path = Path(path)
    file = str(path)
    raw = load_source(path).raw
    if path.suffix.lower() == ".docx":
        blocks, unread = _docx_blocks(path, raw, file)
        return Draft(file=file, kind="docx", blocks=blocks, unread=unread)
    text = _decode(raw, file)
    kind = "md" if path.suffix.lower() == ".md" else "txt"
    return Draft(file=file, kind=kind, blocks=_text_blocks(text, markdown=kind == "md"))


def _decode(raw: bytes, file: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (a superset of GBK)."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16")
    if raw.startswith(_ZIP_MAGIC) or b"\x00" in raw[:8192]:
        raise InputError([Problem(file=file, code="draft_binary")])
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError([Problem(file=file, code="draft_encoding")])


def _text_blocks(text: str, markdown: bool) -> list[Block]:
    """One block per non-empty line; markdown headings, pipe tables and tab-separated tables
    understood."""
    blocks: list[Block] = []
    paragraphs = tables = 0
    table: Block | None = None
    for line in text.splitlines():
        stripped = line.strip()
        markdown_row = markdown and stripped.startswith("|") and stripped.endswith("|")
        if markdown_row or ("\t" in stripped and len(stripped.split("\t")) >= 2):
            # A table: markdown pipes, or cells separated by tabs as Word and Excel copy them.
            cells = [c.strip() for c in (stripped.strip("|").split("|") if markdown_row
                                         else stripped.split("\t"))]
            if all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
                continue  # the |---|---| line under a markdown table header
            if table is None:
                tables += 1
                table = Block(kind="table", index=tables)
                blocks.append(table)
            row = 1 + max((c.row for c in table.cells), default=0)
            table.cells += [Cell(row=row, column=i + 1, text=c) for i, c in enumerate(cells)]
            continue
        table = None
        if not stripped:
            continue
        paragraphs += 1
        heading_match = _MD_HEADING.match(line) if markdown else None
        body = heading_match.group(2) if heading_match else stripped
        # In plain text the first line is the title, and 一、/（一） lines are headings.
        heading = bool(heading_match) or (paragraphs == 1 and len(body) < 60) or bool(
            _CN_HEADING.match(body) and len(body) < 40)
        blocks.append(Block(kind="paragraph", index=paragraphs, text=body, heading=heading,
                            caption=bool(CAPTION.match(body))))
    return blocks


def _docx_blocks(path: Path, raw: bytes, file: str
                 ) -> tuple[list[Block], list[tuple[str, str]]]:
    """Paragraphs and tables of the document body, in order (python-docx), and the text of the
    parts not read as blocks (headers, footers, text boxes) that holds figures."""
    if not raw.startswith(_ZIP_MAGIC):
        raise InputError([Problem(file=file, code="draft_not_docx",
                                  params={"reason": both("problem.why.not_zip")})])
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError([Problem(file=file, code="draft_not_docx",
                                  params={"reason": str(exc)})]) from None
    except Exception as exc:  # lxml and python-docx raise their own types for broken parts
        raise InputError([Problem(file=file, code="draft_not_docx",
                                  params={"reason": f"{type(exc).__name__}: {exc}"})]) from None
    blocks: list[Block] = []
    paragraphs = tables = 0
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(element, document)
            paragraphs += 1
            text = paragraph.text
            if not text.strip():
                continue
            style = (paragraph.style.name or "") if paragraph.style is not None else ""
            heading = style.lower().startswith(("heading", "title")) or style.startswith("标题")
            caption = style.lower() == "caption" or bool(CAPTION.match(text))
            blocks.append(Block(kind="paragraph", index=paragraphs, text=text,
                                heading=heading, caption=caption))
        elif tag == "tbl":
            tables += 1
            table = Table(element, document)
            block = Block(kind="table", index=tables)
            for r, row in enumerate(table.rows, start=1):
                seen: list[object] = []  # kept alive, so lxml's element identity holds
                for c, cell in enumerate(row.cells, start=1):
                    # A merged cell repeats in python-docx: keep its first occurrence only.
                    if any(cell._tc is other for other in seen):
                        continue
                    seen.append(cell._tc)
                    block.cells.append(Cell(row=r, column=c, text=cell.text.strip()))
            blocks.append(block)
    return blocks, _unread_parts(document)


_DIGIT = re.compile(r"[0-9０-９]")
# A header or footer that is only a page number (第 3 页 共 12 页, - 3 -, 3/12, Page 3 of 12)
# holds no figure of the report.
_PAGE_NUMBER = re.compile(r"^\s*(?:第\s*\d+\s*页(?:\s*[,，/／]?\s*共\s*\d+\s*页)?"
                          r"|[-—]?\s*\d+\s*[-—]?|\d+\s*[/／]\s*\d+"
                          r"|(?i:page)\s*\d+(?:\s*(?i:of)\s*\d+)?)\s*$")


def _unread_parts(document: Any) -> list[tuple[str, str]]:
    """(part, text) of every page header, footer and text box holding a digit: their figures
    are not checked, and the report says so rather than pass them over in silence."""
    from docx.oxml.ns import qn

    found: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()

    def add(part: str, element: Any) -> None:
        text = "".join(node.text or "" for node in element.iter(qn("w:t"))).strip()
        # A text box is stored twice (DrawingML and its VML fallback): name it once.
        if (text and _DIGIT.search(text) and not _PAGE_NUMBER.match(text)
                and (part, text) not in seen):
            seen.add((part, text))
            found.append((part, text))

    for box in document.element.body.iter(qn("w:txbxContent")):
        add("textbox", box)
    for rel in document.part.rels.values():
        kind = rel.reltype.rsplit("/", 1)[-1]
        if kind in ("header", "footer") and not rel.is_external:
            add(kind, rel.target_part.element)
    return found
