"""The audit rules as data: `rules.json` in this package, overlaid by a `--rules FILE`.

A rules file (JSON, or TOML by its extension) gives only what it changes, in the shape of
`rules.json`: `{"cohort_flow": {"thresholds": {"max_ratio": 1.2}}, "heaping": {"enabled":
false}}`. An unknown rule, key or threshold, a threshold that is not a number, or a severity
other than warning/info is an error naming the key: a misspelt threshold must never be ignored
silently, or the audit would run with the default the user meant to change.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from edustat.problems import InputError, Problem

Severity = Literal["warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("warning", "info")
# The check rules a `consistency` rule may fold in (keys of the norms' consistency_rules).
_RULE_KEYS = {"severity", "enabled", "looks_at", "thresholds"}


@dataclass(frozen=True)
class Rule:
    """One audit rule in force: its code, severity, the columns it looks at, its thresholds."""

    code: str
    severity: Severity
    looks_at: tuple[str, ...]
    thresholds: dict[str, float] = field(default_factory=dict)
    enabled: bool = True

    def __getitem__(self, name: str) -> float:
        """A threshold by name."""
        return self.thresholds[name]


@dataclass(frozen=True)
class Rules:
    """Every audit rule, by code, in the order of `rules.json`."""

    rules: dict[str, Rule]
    source: str | None = None  # the --rules file, when one was given

    def active(self, code: str) -> Rule | None:
        """The rule if it is switched on, else None."""
        rule = self.rules.get(code)
        return rule if rule is not None and rule.enabled else None


@cache
def _defaults() -> dict[str, Any]:
    text = resources.files("edustat.audit").joinpath("rules.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    data.pop("_comment", None)
    return data


def _bad(file: str, key: str, reason: str) -> Problem:
    return Problem(file=file, code="audit_bad_rules", params={"field": key, "reason": reason})


def _read_override(path: Path) -> dict[str, Any]:
    file = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError([Problem(file=file, code="file_missing")]) from None
    try:
        if path.suffix.lower() == ".toml":
            data: Any = tomllib.loads(raw.decode("utf-8-sig"))
        else:
            data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError([_bad(file, "JSON/TOML", str(exc))]) from None
    if not isinstance(data, dict):
        raise InputError([_bad(file, "JSON/TOML", "not an object / 不是对象")])
    return data


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value


def load_rules(path: Path | None = None) -> Rules:
    """The rules in force: the package's defaults, overlaid by `path`; raises InputError naming
    every bad key of the file."""
    defaults = _defaults()
    override = _read_override(path) if path is not None else {}
    file = str(path)
    problems: list[Problem] = []
    for code, given in override.items():
        if code == "_comment":
            continue
        if code not in defaults:
            problems.append(_bad(file, code, "unknown rule / 不认识的规则（edustat audit --rules "
                                 "列出全部规则）"))
            continue
        if not isinstance(given, dict):
            problems.append(_bad(file, code, "must be an object / 应为对象"))
            continue
        for key, value in given.items():
            where = f"{code}.{key}"
            if key not in _RULE_KEYS:
                problems.append(_bad(file, where, "unknown key / 不认识的键"))
            elif key == "severity" and value not in SEVERITIES:
                problems.append(_bad(file, where, "warning or info / 应为 warning 或 info"))
            elif key == "enabled" and not isinstance(value, bool):
                problems.append(_bad(file, where, "true or false / 应为 true 或 false"))
            elif key == "looks_at" and (code != "consistency" or not isinstance(value, list)):
                problems.append(_bad(file, where,
                                     "only consistency.looks_at (a list of edustat check rules) "
                                     "can be set / 只能设置 consistency 的检查规则列表"))
            elif key == "thresholds":
                if not isinstance(value, dict):
                    problems.append(_bad(file, where, "must be an object / 应为对象"))
                    continue
                for name, number in value.items():
                    if name not in defaults[code]["thresholds"]:
                        known = ", ".join(defaults[code]["thresholds"]) or "—"
                        problems.append(_bad(file, f"{where}.{name}",
                                             f"unknown threshold / 不认识的阈值 ({known})"))
                    elif not _is_number(number):
                        problems.append(_bad(file, f"{where}.{name}", "not a number / 不是数字"))
    if problems:
        raise InputError(problems)
    rules = {}
    for code, base in defaults.items():
        given = override.get(code, {})
        thresholds = {**base["thresholds"], **given.get("thresholds", {})}
        rules[code] = Rule(code=code, severity=given.get("severity", base["severity"]),
                           looks_at=tuple(given.get("looks_at", base["looks_at"])),
                           thresholds={k: float(v) for k, v in thresholds.items()},
                           enabled=given.get("enabled", True))
    return Rules(rules=rules, source=None if path is None else str(path))


def check_consistency_keys(rules: Rules, known: list[str]) -> None:
    """A consistency rule list naming a check rule the norms do not have is an error."""
    rule = rules.rules["consistency"]
    unknown = [name for name in rule.looks_at if name not in known]
    if unknown:
        raise InputError([_bad(str(rules.source), "consistency.looks_at",
                               f"unknown check rule / 不认识的检查规则: {', '.join(unknown)} "
                               f"({', '.join(known)})")])
