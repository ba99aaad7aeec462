"""Filling a line of Chinese text to the terminal's width.

rich wraps at spaces, so a Chinese sentence after a file name ("提示 f.xlsx 第 3 行 计算机（台）/…")
jumps whole to the next line and leaves the first half empty. Chinese breaks between any two
characters; English words, numbers and paths stay whole where they fit; a line never starts with
closing punctuation (，。：；）」” …).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text

# A token: a run of characters that are not spaces and not wide (an English word, a number, a
# path), one wide character, or a run of spaces.
_TOKENS = re.compile(r"[^\s\u2e80-\uffff]+|[\u2e80-\uffff]|\s+")
# Closing punctuation a Chinese line must not start with (行首禁则).
_NO_LINE_START = set("，。、：；！？）》」』】”’%％,.:;!?)]")
# Opening punctuation a line must not end with (行尾禁则).
_NO_LINE_END = set("（《「『【“‘([")


def fill_lines(text: str, width: int) -> Iterator[str]:
    """The lines of `text`, each at most `width` cells (a token wider than that is cut)."""
    width = max(width, 2)  # a wide character takes two cells
    for paragraph in text.split("\n"):
        line: list[str] = []  # the tokens of the line being filled
        for token in _TOKENS.findall(paragraph):
            if token.isspace():
                if line:
                    line.append(token)
                continue
            if _cells(line) + cell_len(token) > width and "".join(line).strip():
                carried = _carry(line, token, width)
                yield "".join(line).rstrip()
                line = carried
            while cell_len(token) > width - _cells(line):  # longer than the line: cut it
                room = width - _cells(line)
                cut = ""
                for char in token:
                    if cell_len(cut + char) > room:
                        break
                    cut += char
                if not cut:  # not even one character fits after the carried ones
                    yield "".join(line).rstrip()
                    line = []
                    continue
                yield "".join(line) + cut
                token, line = token[len(cut):], []
            line.append(token)
        yield "".join(line).rstrip()


def _cells(tokens: list[str]) -> int:
    return sum(cell_len(token) for token in tokens)


def _carry(line: list[str], token: str, width: int) -> list[str]:
    """The tokens at the end of `line` that move down with `token` (removed from `line`): whole
    tokens, so a number or a word is never split ("0.4523）" moves as one), as long as the line
    keeps a token and the carried ones fit beside `token`."""
    while line and line[-1].isspace():
        line.pop()
    carried: list[str] = []
    while len(line) > 1 and ((carried[0] if carried else token)[0] in _NO_LINE_START
                             or line[-1][-1] in _NO_LINE_END):
        carried.insert(0, line.pop())
    if carried and _cells(carried) + min(cell_len(token), width) > width:
        line.extend(carried)  # no room to carry: the rule yields
        return []
    return carried


class Filled:
    """A text shown filled to the console's width (see `fill_lines`)."""

    def __init__(self, text: str, style: str = "") -> None:
        self.text, self.style = text, style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line in fill_lines(self.text, max(options.max_width, 10)):
            yield Text(line, style=self.style, no_wrap=True, overflow="ignore")
