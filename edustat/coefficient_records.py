"""The results of a coefficient report as plain records, built in the language they are written in.

A national file has 5 700 results of 8 indicators. Validating them into pydantic models, and
serializing the models with a Python callback per indicator name, costs more than computing
them; a report that is only written (a file, JSON or CSV) keeps them here as columns instead and
builds plain dicts, already worded, that pydantic's core serializes into the models' very bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from edustat.indicators import Indicator
from edustat.texts import Lang


@dataclass(frozen=True)
class IndicatorColumn:
    """One indicator's figures over all results, in result order."""

    indicator: Indicator
    mean: list[float]
    sd: list[float]
    cv: list[float]
    limit: list[float] | None  # per indicator under the quality method, else None
    meets: list[bool] | None


@dataclass(frozen=True)
class ResultColumns:
    """Every result's own fields (its indicators a placeholder) and the indicators' columns."""

    results: list[dict[str, Any]]  # CoefficientResult's fields in order, "indicators": None
    indicators: list[IndicatorColumn]

    def records(self, lang: Lang | None = None) -> list[dict[str, Any]]:
        """The results as the models' fields (names in Chinese, notes as phrases), or, given
        `lang`, as the JSON has them: names and notes worded in `lang`."""
        per_indicator = [_items(column, column.indicator.label(lang or "zh"))
                         for column in self.indicators]
        records = []
        for result, items in zip(self.results, zip(*per_indicator, strict=True), strict=True):
            # Replacing a key keeps its place: the record's keys stay in the model's order.
            record = {**result, "indicators": list(items)}
            if lang is not None and record["notes"]:
                record["notes"] = [note.word(lang) for note in record["notes"]]
            records.append(record)
        return records

    def failed(self) -> bool:
        """True when a result fails its standard."""
        return any(not result["meets"] for result in self.results)


def _items(column: IndicatorColumn, name: str) -> list[dict[str, Any]]:
    """The indicator's record in every result (built a column at a time: zipped, not indexed)."""
    key = column.indicator.key
    if column.limit is None or column.meets is None:
        return [{"key": key, "name": name, "mean": m, "sd": s, "cv": c, "limit": None,
                 "meets": None} for m, s, c in zip(column.mean, column.sd, column.cv, strict=True)]
    return [{"key": key, "name": name, "mean": m, "sd": s, "cv": c, "limit": lim, "meets": ok}
            for m, s, c, lim, ok in zip(column.mean, column.sd, column.cv, column.limit,
                                        column.meets, strict=True)]
