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
    for paragraph in text.split("\n"):
        line, used = "", 0
        for token in _TOKENS.findall(paragraph):
            size = cell_len(token)
            if token.isspace():
                if line:
                    line, used = line + token, used + size
                continue
            if used + size > width and line.strip():
                carried = ""
                line = line.rstrip()
                # The characters before a closing mark move down with it, until the new line
                # starts with one that may start a line ("整），" moves as a whole).
                while len(line) > 1 and (carried or token)[0] in _NO_LINE_START:
                    carried, line = line[-1] + carried, line[:-1]
                while len(line) > 1 and line[-1] in _NO_LINE_END:
                    carried, line = line[-1] + carried, line[:-1]
                if carried and cell_len(carried) + min(size, width) > width:
                    line, carried = line + carried, ""  # no room to carry: the rule yields
                yield line.rstrip()
                line, used = carried, cell_len(carried)
            while size > width:  # a path longer than the line: cut it, nothing else can
                cut, taken = "", 0
                for char in token:
                    if taken + cell_len(char) > width - used:
                        break
                    cut, taken = cut + char, taken + cell_len(char)
                yield line + cut
                token, size, line, used = token[len(cut):], size - taken, "", 0
            line, used = line + token, used + size
        yield line.rstrip()


class Filled:
    """A text shown filled to the console's width (see `fill_lines`)."""

    def __init__(self, text: str, style: str = "") -> None:
        self.text, self.style = text, style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line in fill_lines(self.text, max(options.max_width, 10)):
            yield Text(line, style=self.style, no_wrap=True, overflow="ignore")
