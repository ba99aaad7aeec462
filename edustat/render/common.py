"""What every table shares: numbers, verdicts, stage names, and the input's problems."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from edustat.problems import Problem
from edustat.render.fill import Filled
from edustat.texts import Lang, t

PROBLEM_DISPLAY_LIMIT = 500
# Below this many columns the wide tables switch to short labels or a stacked layout.
NARROW_BELOW = 100
SEVERITY_ORDER = {"error": 0, "warning": 1, "note": 2}
SEVERITY_STYLES = {"error": "red", "warning": "yellow", "note": "cyan"}


def narrow(width: int | None) -> bool:
    """True when a terminal of `width` columns needs the narrow layouts."""
    return width is not None and width < NARROW_BELOW


def stage_label(stage: str, lang: Lang) -> str:
    """A stage name in `lang`."""
    return t(f"stage.{stage}", lang)


def place_label(county: str | None, year: int | None, lang: Lang) -> str:
    """A county and year as a title begins: 示例旗 2022, or （全部学校） without a county."""
    return f"{county or t('label.whole_file', lang)}{'' if year is None else f' {year}'}"


def fmt(value: float | None, decimals: int) -> str:
    """A number at `decimals` places; blank for None."""
    if value is None:
        return ""
    return f"{value:,.{decimals}f}" if abs(value) >= 10_000 else f"{value:.{decimals}f}"


def verdict(meets: bool | None, lang: Lang) -> Text:
    """达标 in green or 未达标 in red; blank when there is no verdict."""
    if meets is None:
        return Text("")
    return Text(t("label.meets", lang), style="green") if meets else Text(
        t("label.fails", lang), style="bold red")


def colon(lang: Lang) -> str:
    """The colon between a name and what is said of it: ： or ': '."""
    return t("label.colon", lang)


def problems_table(problems: Sequence[Problem], lang: Lang) -> Table:
    """All problems as one table: file, row, column, value, severity, message."""
    table = Table(show_lines=False, expand=False)
    for key in ("file", "row", "column", "value", "severity", "message"):
        table.add_column(t(f"label.{key}", lang), overflow="fold",
                         justify="right" if key == "row" else "left")
    for problem in problems:
        table.add_row(problem.file, "" if problem.row is None else str(problem.row),
                      problem.column or "", problem.value or "",
                      Text(t(f"label.{problem.severity}", lang),
                           style=SEVERITY_STYLES[problem.severity]),
                      problem.message(lang))
    return table


def ordered_problems(problems: Sequence[Problem]) -> list[Problem]:
    """Errors first; within them by file (as given) and row, as a person works down a sheet."""
    files: dict[str, int] = {}
    for problem in problems:
        files.setdefault(problem.file, len(files))
    return sorted(problems, key=lambda p: (SEVERITY_ORDER[p.severity], files[p.file], p.row or 0))


def problems_renderable(problems: Sequence[Problem], lang: Lang, *,
                        notes_as_lines: bool = True) -> RenderableType:
    """Problems (errors first) with a summary line; long lists are cut with a pointer.

    Notes alone (no year, unknown columns) beside a result are one dim line each, not a table
    (`notes_as_lines`)."""
    if not problems:
        return Group()
    if notes_as_lines and all(p.severity == "note" for p in problems):
        return Group(*(Filled(note_line(p, lang), style="dim") for p in problems))
    ordered = ordered_problems(problems)
    shown = ordered[:PROBLEM_DISPLAY_LIMIT]
    parts: list[Any] = [problems_table(shown, lang)]
    if len(ordered) > len(shown):
        parts.append(Text(t("label.more_problems", lang, more=len(ordered) - len(shown))))
    counts = {s: sum(p.severity == s for p in problems) for s in SEVERITY_ORDER}
    parts.append(Text(t("label.problems_summary", lang, errors=counts["error"],
                        warnings=counts["warning"], notes=counts["note"])))
    return Group(*parts)


def note_line(problem: Problem, lang: Lang) -> str:
    """One problem on one line: 提示 data/2022.csv 第 3 行 列名：message."""
    where = problem.file
    if problem.row is not None:
        where += t("label.at_row", lang, row=problem.row)
    if problem.column:
        where += f" {problem.column}"
    return f"{t(f'label.{problem.severity}', lang)} {where}{colon(lang)}{problem.message(lang)}"
