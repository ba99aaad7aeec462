"""Tables of `edustat audit`: the issue list grouped by school, and the rules listing."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from edustat.audit.listing import AuditRulesReport, thresholds_text
from edustat.audit.report import AuditReport, Finding, list_separator, related_text
from edustat.render.registry import RenderOptions, renderer
from edustat.texts import Lang, t

_STYLE = {"warning": "yellow", "info": "cyan"}


def _groups(report: AuditReport) -> list[list[Finding]]:
    """Findings by school: county-wide first, then schools with a warning, then the rest;
    within a school, warnings first, then by year."""
    groups: dict[tuple[str | None, str | None], list[Finding]] = {}
    for finding in report.findings:
        groups.setdefault((finding.county, finding.school_id), []).append(finding)
    ordered = sorted(groups.values(), key=lambda items: (
        items[0].school_id is not None,
        all(f.severity != "warning" for f in items),
        items[0].county or "", items[0].school_id or ""))
    return [sorted(items, key=lambda f: (f.severity != "warning", f.year or 0, f.rule))
            for items in ordered]


def _title(items: list[Finding], lang: Lang) -> str:
    first = items[0]
    if first.school_id is None:
        who = (t("audit.label.county_wide", lang, county=first.county) if first.county
               else t("audit.label.no_county", lang))
    else:
        who = t("audit.label.school", lang, name=first.school_name or first.school_id,
                school_id=first.school_id)
    counts = t("audit.label.school_counts", lang,
               warning=sum(f.severity == "warning" for f in items),
               info=sum(f.severity == "info" for f in items))
    return f"{who} · {counts}"


def _description(finding: Finding, lang: Lang) -> Text:
    written = finding.params.get("written") if finding.worded_by == "problem" else None
    text = Text(f"{written}{list_separator(lang)}" if written else "")
    text.append(finding.message(lang))
    compared = [related_text(r, lang, finding.school_id) for r in finding.related]
    if compared:
        text.append("\n" + t("audit.label.compared", lang) + list_separator(lang).join(compared),
                    style="dim")
    if finding.file and finding.row:
        text.append("\n" + t("audit.label.at", lang) + f"{finding.file}:{finding.row}",
                    style="dim")
    return text


def _school_table(items: list[Finding], lang: Lang) -> Table:
    table = Table(title=_title(items, lang), title_justify="left", show_lines=True,
                  expand=True)
    table.add_column(t("audit.column.year", lang), no_wrap=True)
    table.add_column(t("audit.column.severity", lang), no_wrap=True)
    table.add_column(t("audit.column.rule", lang), overflow="fold", min_width=16, max_width=16)
    table.add_column(t("audit.column.message", lang), ratio=1, overflow="fold")
    for finding in items:
        table.add_row("" if finding.year is None else str(finding.year),
                      Text(t(f"audit.severity.{finding.severity}", lang),
                           style=_STYLE[finding.severity]),
                      t(f"audit.name.{finding.rule}", lang), _description(finding, lang))
    return table


def _legend(report: AuditReport, lang: Lang) -> Table:
    """What each rule that found something means and what to verify, once per rule."""
    table = Table(title=t("audit.label.legend", lang), title_justify="left", expand=True,
                  show_lines=True)
    table.add_column(t("audit.column.rule", lang), overflow="fold", min_width=16, max_width=16)
    table.add_column(t("audit.column.why", lang), ratio=3, overflow="fold")
    table.add_column(t("audit.column.check", lang), ratio=2, overflow="fold")
    for code in dict.fromkeys(f.rule for f in report.findings):
        table.add_row(t(f"audit.name.{code}", lang), t(f"audit.why.{code}", lang),
                      t(f"audit.check.{code}", lang))
    return table


def _years(years: list[int]) -> str:
    if not years:
        return "—"
    return str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"


@renderer(AuditReport)
def audit_table(report: AuditReport, options: RenderOptions) -> RenderableType:
    """The issue list: a scope line, one table per school (warnings first), the rules' legend."""
    lang = options.lang
    summary = report.summary
    head = Text(t("audit.label.title", lang), style="bold")
    scope = t("audit.label.scope", lang, files=len(report.files), years=_years(report.years),
              schools=summary["schools"], warning=summary["warning"], info=summary["info"],
              flagged=summary["schools_with_findings"])
    if not report.findings:
        return Group(head, scope, "", t("audit.label.none", lang, schools=summary["schools"],
                                        years=summary["years"], rules=len(report.rules)))
    parts: list[RenderableType] = [head, scope, t("audit.label.printed_on", lang), ""]
    for items in _groups(report):
        parts += [_school_table(items, lang), ""]
    parts.append(_legend(report, lang))
    return Group(*parts)


@renderer(AuditRulesReport)
def audit_rules_table(report: AuditRulesReport, options: RenderOptions) -> RenderableType:
    """The rules in force: code and name, severity, thresholds, why."""
    lang = options.lang
    table = Table(title=t("audit.label.rules_title", lang), title_justify="left",
                  show_lines=True)
    table.add_column(t("audit.column.rule", lang), overflow="fold", min_width=16, max_width=22)
    table.add_column(t("audit.column.severity", lang), no_wrap=True)
    table.add_column(t("audit.column.thresholds", lang), overflow="fold", min_width=18)
    table.add_column(t("audit.column.why", lang), overflow="fold", min_width=20)
    for rule in report.rules:
        severity = (t(f"audit.severity.{rule.severity}", lang) if rule.enabled
                    else t("audit.label.off", lang))
        table.add_row(f"{t(f'audit.name.{rule.code}', lang)}\n{rule.code}", severity,
                      thresholds_text(rule), t(f"audit.why.{rule.code}", lang))
    return table
