"""Prices of what a plan adds, as data (SPEC §8): national defaults, a province's own by file.

`edustat/prices_national.json` holds yuan per unit of each whole-school column (per m² of teaching
building, per m² of sports ground, per yuan of equipment, per computer, per book, per multimedia
room) and per teacher per year; README.md says where each default comes from. `--prices FILE`
overlays a JSON object of the same keys; any other key, or a value that is not a finite positive
number, is an error that names it.
"""

from __future__ import annotations

import json
import math
from functools import cache
from importlib import resources
from pathlib import Path

from edustat.indicators import FACILITY_COLUMNS, TEACHER_RESOURCES
from edustat.problems import InputError, Problem
from edustat.settingsfile import read_json_object, shown

PRICE_KEYS = (*FACILITY_COLUMNS, "teacher")


@cache
def national_prices() -> dict[str, float]:
    """The national default prices, yuan per unit."""
    text = resources.files("edustat").joinpath("prices_national.json").read_text("utf-8")
    return {key: float(value) for key, value in json.loads(text).items()}


def load_prices(path: Path | None = None) -> dict[str, float]:
    """The national prices overlaid with a prices file when one is given; raises InputError."""
    prices = dict(national_prices())
    if path is None:
        return prices
    file = str(path)
    data = read_json_object(path, "bad_prices", object_code="bad_prices_object")
    problems = []
    for key, value in data.items():
        if key not in PRICE_KEYS:
            problems.append(Problem(file=file, column=key, value=shown(value),
                                    code="unknown_price", params={"keys": ", ".join(PRICE_KEYS)}))
        elif (isinstance(value, bool) or not isinstance(value, (int, float))
              or not math.isfinite(value) or value <= 0):
            problems.append(Problem(file=file, column=key, value=shown(value),
                                    code="bad_price"))
        else:
            prices[key] = float(value)
    if problems:
        raise InputError(problems)
    return prices


def price_of(column: str, prices: dict[str, float]) -> float:
    """Yuan per unit added to a whole-school column ({stage}_… teacher columns: per teacher)."""
    if column in prices:
        return prices[column]
    if any(column.endswith(resource) for resource in TEACHER_RESOURCES):
        return prices["teacher"]
    raise KeyError(column)

