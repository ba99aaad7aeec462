"""Standards as data: thresholds, per-school values and splitting weights (SPEC §3, §4).

The national defaults ship as `norms_national.json`; `--standards FILE` overlays a province's own
values on them (only the keys the file gives change). A standards file is read strictly: a key
edustat does not know, at any depth, is an error naming its path (a misspelt `primry` would
otherwise leave the national limit silently in force), and every limit is a finite number in its
range (`Infinity` is not a limit).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PositiveFloat, ValidationError, field_validator

from edustat.problems import InputError, Problem
from edustat.settingsfile import read_json_object, shown, validation_reason
from edustat.texts import both

_STRICT = ConfigDict(extra="forbid", allow_inf_nan=False)
# A coefficient limit is a share (0.65), never a percentage (65).
CvLimit = Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)]


class SchoolPassRule(BaseModel):
    """A school passes when at least `min_met` standards are met and none is below the floor."""

    model_config = _STRICT

    min_met: int = Field(ge=0, le=7)
    floor_share: float = Field(ge=0, le=1)


class ConsistencyRule(BaseModel):
    """A plausibility rule on the school data: its bounds, how serious a breach is, what it says."""

    model_config = _STRICT

    severity: Literal["error", "warning", "note"]
    bounds: dict[str, float] = Field(default_factory=dict)
    zh: str
    en: str

    def description(self, lang: str) -> str:
        """What the rule checks, in `lang`."""
        return self.zh if lang == "zh" else self.en


class Norms(BaseModel):
    """Every threshold and weight the indicators are judged by."""

    model_config = _STRICT

    name: str
    split_weights: dict[str, dict[str, PositiveFloat]]
    composite_limits: dict[str, CvLimit]
    indicator_limits: dict[str, CvLimit]
    school_standards: dict[str, dict[str, PositiveFloat]]
    school_pass: SchoolPassRule
    school_size_limits: dict[str, PositiveFloat]
    class_size_limits: dict[str, PositiveFloat]
    # Minimum enrolment/retention rates (SPEC §5 keys), as shares: 0.95, not 95.
    rate_minimums: dict[str, Annotated[float, Field(gt=0, le=1)]] = Field(default_factory=dict)
    # Plausibility rules of `edustat check` (SPEC §7.3), by rule key.
    consistency_rules: dict[str, ConsistencyRule] = Field(default_factory=dict)
    # How teaching points count (SPEC §2.1): merge, separate, exclude, exclude-below N; the
    # command line's --teaching-points wins over it.
    teaching_points: str = "merge"

    @field_validator("teaching_points")
    @classmethod
    def _known_rule(cls, value: str) -> str:
        from edustat.validate.teaching import parse_rule

        parse_rule(value)  # raises ValueError naming the accepted rules
        return value

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
    data: dict[str, Any] = json.loads(text)
    return data


def load_norms(path: Path | None = None) -> Norms:
    """The national norms, overlaid with a standards file when one is given; raises InputError."""
    data = _national()
    if path is not None:
        file = str(path)
        override = read_json_object(path, "bad_standards")
        unknown = unknown_keys(override, data)
        problems = [Problem(file=file, code="bad_standards", column=key,
                            value=shown(_at(override, key)),
                            params={"field": key, "reason": reason}) for key, reason in unknown]
        data = _merge(data, override)
    else:
        problems, unknown = [], []
    # Every problem of the file at once: unknown keys and values out of range together.
    named = {key for key, _ in unknown}
    try:
        norms = Norms.model_validate(data)
    except ValidationError as exc:
        problems += [
            Problem(file=str(path), code="bad_standards", column=field,
                    value=shown(err.get("input")) if err.get("type") != "missing" else None,
                    params={"field": field, "reason": validation_reason(dict(err))})
            for err in exc.errors()
            if (field := ".".join(str(p) for p in err["loc"])) not in named]
        raise InputError(problems) from None
    if problems:
        raise InputError(problems)
    return norms


def _at(data: dict[str, Any], dotted: str) -> Any:
    """The value at a dotted key of a settings file."""
    value: Any = data
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _open_keys() -> dict[str, tuple[str, ...]]:
    """Settings whose keys are not all in the national file: the school types and stages a
    province may weigh or limit, and the rates it may set a minimum for."""
    from edustat.enrolment import RATE_KEYS
    from edustat.schema import SCHOOL_TYPE_STAGES

    types = (*SCHOOL_TYPE_STAGES, "default")
    return {"split_weights": types, "split_weights.*": ("primary", "junior", "senior"),
            "school_size_limits": types, "rate_minimums": tuple(RATE_KEYS),
            "consistency_rules": (), "consistency_rules.*": ("severity", "bounds", "zh", "en")}


def unknown_keys(override: dict[str, Any], national: dict[str, Any], prefix: str = ""
                 ) -> list[tuple[str, dict[str, str]]]:
    """(path, did-you-mean hint) of every key of a standards file edustat does not know."""
    import difflib

    open_keys = _open_keys()
    found: list[tuple[str, dict[str, str]]] = []
    parent = prefix.split(".")[0] + ".*" if prefix else ""
    if prefix in open_keys:
        allowed: tuple[str, ...] | None = open_keys[prefix] or None  # () = any key
    elif "." in prefix and parent in open_keys and prefix.count(".") == 1:
        allowed = open_keys[parent]
    else:
        allowed = tuple(national) if isinstance(national, dict) else None
    if prefix == "":
        allowed = (*Norms.model_fields,)
    for key, value in override.items():
        path = f"{prefix}.{key}" if prefix else key
        if allowed is not None and key not in allowed:
            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            found.append((path, both("problem.setting.unknown_key_close", close=close[0])
                          if close else both("problem.setting.unknown_key")))
            continue
        inner = national.get(key) if isinstance(national, dict) else None
        if isinstance(value, dict) and path.split(".")[0] != "consistency_rules":
            found.extend(unknown_keys(value, inner if isinstance(inner, dict) else {}, path))
    return found
