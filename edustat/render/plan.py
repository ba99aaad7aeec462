"""Tables of `edustat plan`: per county and stage, what each school adds and what it costs."""

from __future__ import annotations

import math

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from edustat.indicators import BY_KEY
from edustat.numbers import round_half_up
from edustat.planning.report import PlanReport, PlanResult, column_key
from edustat.render import SUMMARY_ABOVE
from edustat.render.registry import RenderOptions, renderer
from edustat.texts import Lang, t

UNIT_KEYS = {"平方米": "m2", "元": "yuan", "台": "pcs", "册": "vol", "间": "rooms", "名": "people"}


def _wan(yuan: float) -> str:
    """Yuan as 万元 at two places, rounded half up exactly (四舍五入, from the float's repr)."""
    return f"{round_half_up(yuan / 10_000, 2):,}"


def _verdict(meets: bool | None, lang: Lang) -> Text:
    if meets is None:
        return Text("")
    return (Text(t("plan.meets", lang), style="green") if meets
            else Text(t("plan.fails", lang), style="bold red"))


def _title(result: PlanResult, standard: str, lang: Lang) -> str:
    return t("plan.title", lang, place=result.county or t("plan.whole_file", lang),
             year=f" {result.year}" if result.year is not None else "",
             stage=t(f"plan.stage.{result.stage}", lang),
             standard=t(f"plan.standard.{standard}", lang))


def additions_table(result: PlanResult, lang: Lang) -> Table:
    """What each school adds: item, amount in the return's unit, cost in 万元, why."""
    table = Table(title_justify="left", box=None, pad_edge=False)
    table.add_column(t("plan.school", lang), overflow="fold")
    table.add_column(t("plan.item", lang), overflow="fold")
    table.add_column(t("plan.amount", lang), justify="right", no_wrap=True)
    table.add_column(t("plan.unit_col", lang), no_wrap=True)
    table.add_column(t("plan.cost", lang), justify="right", no_wrap=True)
    table.add_column(t("plan.reason", lang), overflow="fold")
    previous = None
    for a in result.additions:
        school = a["school_name"] or a["school_id"] or ""
        amount = a["amount"]
        unit_key = UNIT_KEYS.get(a["unit"], "people")
        table.add_row(school if school != previous else "", t(column_key(a["column"]), lang),
                      f"{amount:,.0f}" if float(amount).is_integer() else f"{amount:,.2f}",
                      t(f"plan.unit.{unit_key}", lang),
                      _wan(a["cost"]) if a["cost"] else "—", t(f"plan.reason_{a['reason']}", lang))
        previous = school
    return table


def indicators_table(result: PlanResult, standard: str, lang: Lang, decimals: int) -> Table:
    """Each indicator's CV before and after the plan, against its limit."""
    table = Table(title=_title(result, standard, lang), title_justify="left")
    table.add_column(t("plan.indicator", lang))
    for key in ("cv_before", "cv_after", "limit"):
        table.add_column(t(f"plan.{key}", lang), justify="right")
    table.add_column(t("plan.verdict", lang))
    for i in result.indicators:
        table.add_row(BY_KEY[i.key].label(lang), f"{i.cv_before:.{decimals}f}",
                      f"{i.cv_after:.{decimals}f}",
                      "" if i.limit is None else f"{i.limit:.2f}", _verdict(i.meets_after, lang))
    table.add_section()
    limit = result.composite_limit
    table.add_row(Text(t("plan.composite", lang), style="bold"),
                  f"{result.composite_before:.{decimals}f}",
                  f"{result.composite_after:.{decimals}f}",
                  "" if limit is None else f"{limit:.2f}",
                  _verdict(None if limit is None else result.meets_after, lang))
    if result.schools_failing_before is not None:
        table.add_row(t("plan.schools_failing", lang), str(result.schools_failing_before),
                      str(result.schools_failing_after), "0",
                      _verdict(result.schools_failing_after == 0, lang))
    return table


def result_block(result: PlanResult, standard: str, lang: Lang, decimals: int) -> Group:
    """One county and stage: CVs before and after, the additions, the moves, the total."""
    parts: list[RenderableType] = [indicators_table(result, standard, lang, decimals)]
    if result.additions:
        parts.append(additions_table(result, lang))
        if any(a["reason"] == "count" for a in result.additions):
            parts.append(Text(t("plan.count_note", lang), style="dim"))
    elif not result.moves:
        parts.append(Text(t("plan.nothing", lang)))
    if result.moves:
        parts.append(Text(t("plan.moves", lang), style="bold"))
        for m in result.moves:
            parts.append(Text("  " + t("plan.move_row", lang,
                                       from_school=m.from_school_name or m.from_school_id,
                                       to_school=m.to_school_name or m.to_school_id,
                                       item=t(column_key(m.column), lang), count=m.count)))
    for note in result.notes:
        parts.append(Text(t(f"plan.note.{note}", lang), style="yellow"))
    parts.append(Text(t("plan.total", lang, cost=_wan(result.cost),
                        verdict=t("plan.meets" if result.meets_after else "plan.fails", lang)),
                      style="bold" if result.meets_after else "bold red"))
    parts.append(Text(""))
    return Group(*parts)


def summary_table(report: PlanReport, lang: Lang) -> Table:
    """One line per county and stage, for a province's file."""
    table = Table(title=t("plan.summary_title", lang, groups=len(report.results),
                          standard=t(f"plan.standard.{report.standard}", lang)),
                  title_justify="left")
    for key in ("county", "stage_col", "before", "after", "schools_added", "cost"):
        table.add_column(t(f"plan.{key}", lang),
                         justify="right" if key in ("schools_added", "cost") else "left")
    for r in report.results:
        schools = len({a["school_id"] for a in r.additions})
        table.add_row(r.county or t("plan.whole_file", lang), t(f"plan.stage.{r.stage}", lang),
                      _verdict(r.meets_before, lang), _verdict(r.meets_after, lang),
                      str(schools), _wan(r.cost))
    return table


@renderer(PlanReport)
def plan_table(report: PlanReport, options: RenderOptions) -> RenderableType:
    """The plan as tables: each county and stage in turn, then the grand total."""
    lang = options.lang
    decimals = 4 if options.decimals is None else options.decimals
    if len(report.results) > SUMMARY_ABOVE:
        parts: list[RenderableType] = [summary_table(report, lang)]
    else:
        parts = [result_block(r, report.standard, lang, decimals) for r in report.results]
    if len(report.results) > 1:
        failing = sum(not r.meets_after for r in report.results)
        parts.append(Text(t("plan.grand_total", lang, cost=_wan(math.fsum(
            r.cost for r in report.results)), groups=len(report.results), failing=failing),
            style="bold"))
    return Group(*parts)
