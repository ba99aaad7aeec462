"""Filling Chinese notes to the terminal's width (edustat/render/fill.py)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from edustat.render.fill import fill_lines

NOTE = ("提示 /data/jibiao-2023.xlsx 第 3 行 计算机（台）/合计：此列未使用：按规定用“计算机（台）/"
        "其中：教学用”计算（computers）")


def test_a_chinese_sentence_after_a_file_name_fills_the_line() -> None:
    # rich wraps at spaces: the sentence jumped whole to the next line, leaving the first half
    # empty. Filled, the first line is used to its end: 提示 4 + space 1 + the path 22 + space 1
    # + 第 2 + " 3 " 3 + 行 2 + space 1 + 计算机（台） 12 + / 1 + 合计： 6 + 此列 4 = 59 cells;
    # 未 (2 more) would make 61 > 60.
    lines = list(fill_lines(NOTE, 60))
    assert lines[0] == "提示 /data/jibiao-2023.xlsx 第 3 行 计算机（台）/合计：此列"
    assert all(cell_len(line) <= 60 for line in lines)
    assert "".join(lines).replace(" ", "") == NOTE.replace(" ", "")


def test_closing_punctuation_never_starts_a_line_nor_opening_ends_one() -> None:
    # 10 cells hold five Chinese characters: "一二三四五" then "，" would start the next line;
    # the 五 moves down with it. An opening （ at a line's end moves down too.
    assert list(fill_lines("一二三四五，六七", 10)) == ["一二三四", "五，六七"]
    assert list(fill_lines("一二三四（五）", 10)) == ["一二三四", "（五）"]


def test_english_words_stay_whole_and_an_overlong_one_is_cut() -> None:
    assert list(fill_lines("no year column and no year", 12)) == ["no year",
                                                                  "column and", "no year"]
    assert list(fill_lines("a" * 25, 10)) == ["a" * 10, "a" * 10, "a" * 5]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="一二三，。（）“”abc /:0123456789", max_size=120),
       st.integers(min_value=4, max_value=80))
def test_lines_fit_and_lose_nothing_but_spaces(text: str, width: int) -> None:
    lines = list(fill_lines(text, width))
    assert all(cell_len(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_a_run_of_closing_marks_moves_down_with_the_character_before_it() -> None:
    # "一二调整" fill the 8 cells; the "）" after them must not start a line, so "整" moves
    # down with it. With 10 cells "）" fits and "，" is the one to carry: "整）" moves with it.
    assert list(fill_lines("一二调整），三", 8)) == ["一二调", "整），三"]
    assert list(fill_lines("一二三调整），四五", 12)) == ["一二三调", "整），四五"]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="一二三四五六，。）（", min_size=1, max_size=60),
       st.integers(min_value=6, max_value=30))
def test_no_line_but_the_first_starts_with_closing_punctuation(text: str, width: int) -> None:
    lines = [line for line in fill_lines(text, width) if line]
    closing = set("，。、：；！？）》」』】”’%％,.:;!?)]")
    # Unless the text itself has nothing else to carry (a run of marks longer than a line).
    if not all(ch in closing for ch in text):
        assert all(line[0] not in closing for line in lines[1:]) or any(
            all(ch in closing for ch in line) for line in lines)


def test_a_number_before_a_closing_mark_moves_whole() -> None:
    # "校际差异系数为 0.4523" is 7 characters × 2 + a space + 6 = 21 cells; the "）" after it
    # does not fit and must not start a line, so the whole number moves down with it: never
    # "0.452" on one line and "3）" on the next (as cutting by character did).
    for width in range(14, 30):
        for line in fill_lines("校际差异系数为 0.4523），未达标（标准 0.50）。", width):
            assert not line.startswith(("3", "0）", "）")), (width, line)
    assert list(fill_lines("校际差异系数为 0.4523），未达标", 21)) == [
        "校际差异系数为", "0.4523），未达标"]


def test_a_width_narrower_than_a_character_still_ends() -> None:
    assert list(fill_lines("一二三", 1)) == ["一", "二", "三"]
