"""A small independent evaluator of the formulas `edustat report` writes, for the tests.

It knows exactly the forms the calculation tables and chart sheets use — cell and range
references (with $ and 'sheet'!), numbers, + - * / ^, comparisons, parentheses, and the functions
SUM, SUMPRODUCT, SQRT and IF — and fails loudly on anything else, so a new form cannot slip by
untested. Ranges are NumPy arrays and arithmetic on them is element-wise, as SUMPRODUCT's
arguments are in Excel.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
from openpyxl.utils import column_index_from_string

TOKEN = re.compile(r"""
    (?P<ref>(?:'(?:[^']|'')+'!)?\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?)
  | (?P<func>[A-Z]+)\(
  | (?P<num>\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)
  | (?P<op><=|>=|<>|[-+*/^(),<>=])
  | (?P<space>\s+)
""", re.VERBOSE)


def tokenize(formula: str) -> list[tuple[str, str]]:
    """The tokens of a formula without its leading '='."""
    out, pos = [], 0
    while pos < len(formula):
        match = TOKEN.match(formula, pos)
        if not match:
            raise ValueError(f"cannot read formula at {formula[pos:]!r}")
        kind = match.lastgroup
        if kind != "space":
            out.append((kind, match.group(kind)))
        pos = match.end()
    return out


def _cell(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"\$?([A-Z]+)\$?(\d+)", text)
    assert match, text
    return int(match.group(2)), column_index_from_string(match.group(1))


class Evaluator:
    """Evaluates formula cells of a workbook opened with openpyxl (data_only=False)."""

    def __init__(self, workbook: Any) -> None:
        self.book = workbook
        self.cache: dict[tuple[str, int, int], Any] = {}

    def value(self, sheet: str, row: int, col: int) -> Any:
        """A cell's value: its constant, or its formula evaluated (1-based row and column)."""
        key = (sheet, row, col)
        if key not in self.cache:
            raw = self.book[sheet].cell(row=row, column=col).value
            if isinstance(raw, str) and raw.startswith("="):
                self.cache[key] = self.evaluate(raw, sheet)
            else:
                self.cache[key] = raw
        return self.cache[key]

    def evaluate(self, formula: str, sheet: str) -> Any:
        """The value of `formula` on `sheet`."""
        saved = getattr(self, "tokens", None), getattr(self, "pos", 0), getattr(self, "sheet", "")
        self.tokens = tokenize(formula.removeprefix("="))
        self.pos, self.sheet = 0, sheet
        try:
            result = self._compare()
            if self.pos != len(self.tokens):
                raise ValueError(f"unexpected {self.tokens[self.pos]} in {formula}")
        finally:  # a referenced cell's formula is evaluated in the middle of this one
            self.tokens, self.pos, self.sheet = saved  # type: ignore[assignment]
        return result

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _take(self, text: str) -> None:
        assert self._peek() == ("op", text), (self._peek(), text)
        self.pos += 1

    def _compare(self) -> Any:
        left = self._additive()
        token = self._peek()
        if token and token[1] in ("<", ">", "<=", ">=", "=", "<>"):
            self.pos += 1
            right = self._additive()
            return {"<": left < right, ">": left > right, "<=": left <= right,
                    ">=": left >= right, "=": left == right, "<>": left != right}[token[1]]
        return left

    def _additive(self) -> Any:
        value = self._term()
        while (token := self._peek()) and token[1] in ("+", "-"):
            self.pos += 1
            right = self._term()
            value = value + right if token[1] == "+" else value - right
        return value

    def _term(self) -> Any:
        value = self._power()
        while (token := self._peek()) and token[1] in ("*", "/"):
            self.pos += 1
            right = self._power()
            if token[1] == "*":
                value = value * right
            else:  # Excel's #DIV/0! as NaN: it spreads the same way, and IF may discard it
                value = value / right if np.all(right != 0) else float("nan")
        return value

    def _power(self) -> Any:
        value = self._unary()
        while (token := self._peek()) and token[1] == "^":
            self.pos += 1
            value = value ** self._unary()
        return value

    def _unary(self) -> Any:
        if self._peek() == ("op", "-"):
            self.pos += 1
            return -self._unary()
        return self._primary()

    def _primary(self) -> Any:
        kind, text = self.tokens[self.pos]
        self.pos += 1
        if kind == "num":
            return float(text)
        if kind == "ref":
            return self._reference(text)
        if kind == "func":
            args = [self._compare()]
            while self._peek() == ("op", ","):
                self.pos += 1
                args.append(self._compare())
            self._take(")")
            return self._call(text, args)
        if (kind, text) == ("op", "("):
            value = self._compare()
            self._take(")")
            return value
        raise ValueError(f"unexpected {text!r}")

    def _reference(self, text: str) -> Any:
        sheet = self.sheet
        if "!" in text:
            quoted, text = text.rsplit("!", 1)
            sheet = quoted[1:-1].replace("''", "'")
        if ":" in text:
            (r1, c1), (r2, c2) = (_cell(part) for part in text.split(":"))
            assert r1 == r2 or c1 == c2, "the report's ranges are single columns or rows"
            return np.array([float(self.value(sheet, r, c)) for r in range(r1, r2 + 1)
                             for c in range(c1, c2 + 1)])
        row, col = _cell(text)
        return self.value(sheet, row, col)

    @staticmethod
    def _call(name: str, args: list[Any]) -> Any:
        if name == "SUM":
            # Excel adds in order; so does this (no compensated summation).
            total = 0.0
            for arg in args:
                for item in np.atleast_1d(arg):
                    total += float(item)
            return total
        if name == "SUMPRODUCT":
            product = np.ones_like(np.asarray(args[0], dtype=float))
            for arg in args:
                product = product * np.asarray(arg, dtype=float)
            total = 0.0
            for item in product:
                total += float(item)
            return total
        if name == "SQRT":
            return math.sqrt(args[0])
        if name == "IF":
            return args[1] if args[0] else args[2]
        raise ValueError(f"function {name} is not one the report writes")
