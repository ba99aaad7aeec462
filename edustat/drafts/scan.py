"""Finding the figures of a text: digits, full-width digits and Chinese numerals (cn2an), each with
its unit and its sentence. Years (2022年), dates, table numbers (表1) and list numbers are not
figures."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

# Full-width ASCII (０-９, ％, ．, ，) to half-width, one character for one, so every offset
# found in the folded text is an offset of the text as written.
_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
UNITS = ("个百分点", "平方米", "万平方米", "万元", "亿元", "人次", "元", "人", "名", "所", "个",
         "册", "台", "间", "项", "次", "班", "倍", "位", "家", "岁", "天", "米", "亩", "万人", "万")
_UNIT_ALT = "|".join(sorted(map(re.escape, UNITS), key=len, reverse=True))
_DIGITS = re.compile(r"(?<![\d.])(?P<number>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)"
                     r"(?P<sign>\s*[%‰])?(?P<unit>" + _UNIT_ALT + r")?")
_CN_DIGIT = "零〇一二两三四五六七八九十百千万"
# A Chinese numeral is a figure only with a measure word after it: 十二所, 两个; never 一本
# (tier 1), 九年义务教育 or 一贯制.
_CN_UNITS = ("所", "个", "人", "名", "项", "次", "间", "台", "册", "位", "家", "倍", "类", "班")
_CHINESE = re.compile(r"(?P<percent>百分之)?(?P<number>[" + _CN_DIGIT + r"]+)(?P<unit>"
                      + "|".join(_CN_UNITS) + r")?")
_DATE_AFTER = re.compile(r"\s*(?:年|月|日|号|时|届|级|期|版|号文|季度|周岁以上)")
_SKIP_BEFORE = re.compile(r"(?:表|图|附表|附件|第|No\.?|编号|文号|〔|\[)\s*$")
# A number that is part of a name (测试0001县, 27中) or a span of years (2021-2022学年).
_NAME_AFTER = re.compile(r"(?:县|旗|区|市|乡|镇|村|中学|小学|学校|中|小|号|路|[-—~～至]\d)")
_SENTENCE_END = "。！？!?;；\n"


@dataclass(frozen=True)
class Found:
    """One figure in a text: where it stands, as written, its value and unit."""

    start: int  # offset of the figure in the block's text
    end: int  # offset after the figure and its unit
    written: str  # as in the text, without its unit; a percentage keeps its sign: 53.2%
    number: Decimal  # in the written unit: 53.2 for "53.2%"
    places: int
    percent: bool
    unit: str | None  # 人, 所, 万元 … (None for a bare number or a percentage)
    chinese: bool = False


def fold(text: str) -> str:
    """Full-width digits and signs as half-width, offsets unchanged."""
    return text.translate(_FOLD)


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a text (ending at 。！？；, a line break or the end)."""
    out, start = [], 0
    for pos, char in enumerate(text):
        if char in _SENTENCE_END:
            if text[start:pos + 1].strip():
                out.append((start, pos + 1))
            start = pos + 1
    if text[start:].strip():
        out.append((start, len(text)))
    return out


def find_figures(text: str) -> list[Found]:
    """Every figure of `text`, in order."""
    folded = fold(text)
    found = list(_digit_figures(text, folded))
    taken = [(f.start, f.end) for f in found]
    for figure in _chinese_figures(text, folded):
        if not any(s < figure.end and figure.start < e for s, e in taken):
            found.append(figure)
    return sorted(found, key=lambda f: f.start)


def _digit_figures(text: str, folded: str) -> list[Found]:
    out = []
    for match in _DIGITS.finditer(folded):
        number_text = match.group("number")
        start, after = match.start(), match.end("number")
        if _DATE_AFTER.match(folded, after) and not match.group("sign"):
            continue  # 2022年, 9月, 第3届
        if _NAME_AFTER.match(folded, after) and not match.group("sign") and not (
                match.group("unit") and match.group("unit") != "万"):
            continue  # 测试0001县, 2021-2022
        if _SKIP_BEFORE.search(folded[max(0, start - 4):start]):
            continue  # 表1, 第3, 附件2
        line_start = folded.rfind("\n", 0, start) + 1
        if not folded[line_start:start].strip() and re.match(r"[、.．)）]\s*\D", folded[after:]):
            continue  # a list number: 1、… 2. …
        if folded[max(0, start - 1):start] in ("-", "－") and folded[max(0, start - 2):start - 1
                                                                  ].isdigit():
            continue  # the second year of 2021-2022
        percent = bool(match.group("sign"))
        sign = match.group("sign").strip() if percent else ""
        end = match.end("sign") if percent else after
        unit = match.group("unit")
        if unit and not percent:
            end = match.end("unit")
        fraction = number_text.split(".")[1] if "." in number_text else ""
        # Exactly as in the text: "52 %" keeps its space (the precision is the number's).
        written = text[start:match.end("sign") if percent else match.end("number")]
        out.append(Found(start=start, end=end, written=written,
                         number=Decimal(number_text.replace(",", "")), places=len(fraction),
                         percent=percent or sign == "‰", unit=None if percent else unit))
    return out


def _chinese_figures(text: str, folded: str) -> list[Found]:
    import cn2an

    out = []
    for match in _CHINESE.finditer(folded):
        percent = bool(match.group("percent"))
        if not percent and not match.group("unit"):
            continue
        if match.group("number") in ("万", "千", "百") or (
                not percent and re.match(r"[一二三四五六七八九十]、", folded[match.start():])):
            continue
        try:
            value = cn2an.cn2an(match.group("number"), "smart")
        except (ValueError, KeyError):
            continue  # not a numeral cn2an reads (一一, 千千万万): no figure
        end = match.end()
        out.append(Found(start=match.start(), end=end, written=text[match.start():match.end(
            "number")], number=Decimal(str(value)), places=0,
            percent=percent, unit=None if percent else match.group("unit"), chinese=True))
    return out
