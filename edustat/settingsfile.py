"""Reading the JSON files a user gives as settings (--standards, --prices): a syntax error or a
wrong value is named with its line, key and value, in the catalogue's words."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from edustat.problems import InputError, Problem
from edustat.texts import both

# pydantic's error types -> the catalogue key of what the value should be (problem.setting.*).
_REASONS = {"float_parsing": "number", "float_type": "number", "int_parsing": "number",
            "int_type": "number", "finite_number": "finite", "greater_than": "greater_than",
            "greater_than_equal": "at_least", "less_than": "less_than",
            "less_than_equal": "at_most", "missing": "missing", "dict_type": "object",
            "model_type": "object", "extra_forbidden": "unknown_key", "bool_type": "bool",
            "bool_parsing": "bool", "list_type": "list", "string_type": "text"}


def read_json_object(path: Path, code: str, object_code: str | None = None) -> dict[str, Any]:
    """The JSON object in `path` (UTF-8, a BOM allowed); raises InputError with problem `code`
    naming the line and column of a syntax error, or saying the file holds no object (problem
    `object_code` when the caller words that itself)."""
    file = str(path)
    try:
        text = path.read_text("utf-8-sig")
    except FileNotFoundError:
        raise InputError([Problem(file=file, code="file_missing")]) from None
    except UnicodeDecodeError as exc:
        raise InputError([Problem(file=file, code=code, params={
            "field": "JSON", "reason": both("problem.setting.not_utf8", offset=exc.start)})]
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError([Problem(file=file, row=exc.lineno, code=code, params={
            "field": "JSON", "reason": both("problem.setting.syntax", line=exc.lineno,
                                            column=exc.colno)})]) from None
    if not isinstance(data, dict):
        if object_code:
            raise InputError([Problem(file=file, code=object_code)])
        raise InputError([Problem(file=file, code=code, params={
            "field": "JSON", "reason": both("problem.setting.not_object")})])
    return data


def validation_reason(error: dict[str, Any]) -> dict[str, str]:
    """What a pydantic error says the value should be, in every language."""
    key = _REASONS.get(str(error.get("type")))
    if key is None:
        return {"zh": str(error.get("msg")), "en": str(error.get("msg"))}
    context = {k: v for k, v in (error.get("ctx") or {}).items() if isinstance(v, (int, float))}
    value = next(iter(context.values()), None)
    # 0.0 -> "0", 0.45 -> "0.45": the limit as a person writes it, never rounded to fewer digits
    bound = "" if value is None else f"{value:.15g}"
    return both(f"problem.setting.{key}", bound=bound)


def shown(value: object) -> str | None:
    """A setting's value as written, for the problem's value column."""
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False)[:60]
