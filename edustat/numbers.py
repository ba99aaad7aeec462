"""Numbers as people write them: exact half-up roundings (四舍五入) and figures written in a report.

Every rounding here is exact: a float is taken at its shortest repr as a Decimal, a fraction of
whole counts is rounded by integer arithmetic; nothing is rounded twice.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext


def round_half_up(value: float, places: int, scale: int = 1) -> Decimal:
    """`value` × `scale` rounded half up (四舍五入) at `places`, exactly, from the float's repr."""
    with localcontext() as context:
        context.prec = 80  # exact for any float's repr times 100 or 1000
        scaled = Decimal(repr(float(value))) * scale
        return scaled.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def fraction_half_up(numerator: int, denominator: int, decimals: int) -> str:
    """numerator/denominator at `decimals` places, halves away from zero (四舍五入), exactly."""
    scaled_numerator = abs(numerator) * 10**decimals
    quotient, remainder = divmod(scaled_numerator, abs(denominator))
    if 2 * remainder >= abs(denominator):
        quotient += 1
    negative = (numerator < 0) != (denominator < 0) and quotient != 0
    digits = str(quotient).rjust(decimals + 1, "0")
    whole, fraction = digits[: len(digits) - decimals], digits[len(digits) - decimals:]
    return ("-" if negative else "") + whole + ("." + fraction if decimals else "")


def percent_text(count: int, candidates: int, decimals: int) -> str:
    """count ÷ candidates as a percentage, rounded half up from the exact fraction: 51.9%."""
    return fraction_half_up(100 * count, candidates, decimals) + "%"


def rate_percent(numerator: int, denominator: int, decimals: int) -> str:
    """numerator/denominator as a percentage at `decimals` places, halves rounded up, exactly."""
    return fraction_half_up(100 * numerator, denominator, decimals)


@dataclass(frozen=True)
class WrittenValue:
    """A figure as a report writes it: the number in the written unit, and its precision."""

    text: str
    number: Decimal  # as written, in the written unit: 52 for "52%"
    places: int  # decimal places written: 4 for "0.2740", 0 for "52%"
    scale: int  # 1; 100 for a percentage; 1000 for per mille

    @property
    def suffix(self) -> str:
        """The unit sign as written: "%", "‰" or ""."""
        return {100: "%", 1000: "‰"}.get(self.scale, "")

    @property
    def value(self) -> Decimal:
        """The number as a plain value (52% -> 0.52)."""
        return self.number / self.scale


_WRITTEN = re.compile(r"(?P<number>[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<fraction>\d+))?)"
                      r"(?P<unit>%|‰)?")


def parse_written(text: str | None) -> WrittenValue | None:
    """A reported figure as written (0.2740, 52%, 51.9%, 1,234, ５２％, 1.5‰); None if not a number.

    Nothing is rounded or normalised away: the written precision is what a claim is held to.
    """
    if text is None:
        return None
    folded = unicodedata.normalize("NFKC", str(text)).replace("\u2212", "-")
    folded = re.sub(r"\s+", "", folded)
    match = _WRITTEN.fullmatch(folded)
    if match is None:
        return None
    fraction = match.group("fraction") or ""
    scale = {"%": 100, "‰": 1000}.get(match.group("unit") or "", 1)
    return WrittenValue(text=str(text), number=Decimal(match.group("number").replace(",", "")),
                        places=len(fraction), scale=scale)


def written_as(value: float, written: WrittenValue) -> str:
    """`value` written the way the claim writes its number: same places, same unit sign."""
    return f"{round_half_up(value, written.places, written.scale):f}{written.suffix}"


def matches(value: float, written: WrittenValue) -> bool:
    """True when `value` rounds half up to the written number at the written precision."""
    return round_half_up(value, written.places, written.scale) == written.number


def difference_number(written: WrittenValue, computed: float) -> str:
    """reported − computed in the written unit, two places beyond the written ones, signed with
    a true minus: +0.1, −0.00056, 0."""
    with localcontext() as context:
        context.prec = 80
        difference = written.number - Decimal(repr(float(computed))) * written.scale
        # Two places beyond what the report writes: enough to see how far off it is.
        shown = difference.quantize(Decimal(1).scaleb(-(written.places + 2)),
                                    rounding=ROUND_HALF_UP)
    number = f"{shown:f}"
    if "." in number:
        number = number.rstrip("0").rstrip(".")
    if number.lstrip("-") in ("0", ""):
        number = "0"
    elif not number.startswith("-"):
        number = "+" + number
    return number.replace("-", "−")
