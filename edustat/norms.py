"""Standards as data: thresholds, per-school values and splitting weights (SPEC §3, §4).

The national defaults ship as `norms_national.json`; `--standards FILE` overlays a province's own
values on them (only the keys the file gives change).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PositiveFloat, ValidationError

from edustat.problems import InputError, Problem


class SchoolPassRule(BaseModel):
    """A school passes when at least `min_met` standards are met and none is below the floor."""

    model_config = ConfigDict(extra="forbid")

    min_met: int = Field(ge=0, le=7)
    floor_share: float = Field(ge=0, le=1)


class ConsistencyRule(BaseModel):
    """A plausibility rule on the school data: its bounds, how serious a breach is, what it says."""

    model_config = ConfigDict(extra="forbid")

    severity: Literal["error", "warning", "note"]
    bounds: dict[str, float] = Field(default_factory=dict)
    zh: str
    en: str

    def description(self, lang: str) -> str:
        """What the rule checks, in `lang`."""
        return self.zh if lang == "zh" else self.en


class Norms(BaseModel):
    """Every threshold and weight the indicators are judged by."""

    model_config = ConfigDict(extra="forbid")

    name: str
    split_weights: dict[str, dict[str, PositiveFloat]]
    composite_limits: dict[str, PositiveFloat]
    indicator_limits: dict[str, PositiveFloat]
    school_standards: dict[str, dict[str, PositiveFloat]]
    school_pass: SchoolPassRule
    school_size_limits: dict[str, PositiveFloat]
    class_size_limits: dict[str, PositiveFloat]
    # Minimum enrolment/retention rates (SPEC §5 keys), as shares: 0.95, not 95.
    rate_minimums: dict[str, Annotated[float, Field(gt=0, le=1)]] = Field(default_factory=dict)
    # Plausibility rules of `edustat check` (SPEC §7.3), by rule key.
    consistency_rules: dict[str, ConsistencyRule] = Field(default_factory=dict)

    def stage_weights(self, school_type: str) -> dict[str, float]:
        """Enrolment weights of each stage for splitting a school of this type."""
        return self.split_weights.get(school_type, self.split_weights["default"])


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


@cache
def _national() -> dict[str, Any]:
    text = resources.files("edustat").joinpath("norms_national.json").read_text("utf-8")
    return json.loads(text)


def load_norms(path: Path | None = None) -> Norms:
    """The national norms, overlaid with a standards file when one is given; raises InputError."""
    data = _national()
    if path is not None:
        file = str(path)
        try:
            override = json.loads(path.read_text("utf-8-sig"))
        except FileNotFoundError:
            raise InputError([Problem(file=file, code="file_missing")]) from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError([Problem(file=file, code="bad_standards",
                                      params={"field": "JSON", "reason": str(exc)})]) from None
        if not isinstance(override, dict):
            raise InputError([Problem(file=file, code="bad_standards",
                                      params={"field": "JSON", "reason": "not an object"})])
        data = _merge(data, override)
    try:
        return Norms.model_validate(data)
    except ValidationError as exc:
        raise InputError([
            Problem(file=str(path), code="bad_standards",
                    params={"field": ".".join(str(p) for p in err["loc"]), "reason": err["msg"]})
            for err in exc.errors()]) from None
