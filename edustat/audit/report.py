"""The result of `edustat audit` (SPEC §10): findings as codes and parameters, worded on output."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import BaseModel, Field

from edustat.results import Report, Sheets, word
from edustat.texts import Lang, t

Severity = Literal["warning", "info"]
SEVERITY_ORDER = {"warning": 0, "info": 1}


class Related(BaseModel):
    """Another school or year a finding involves, with the values it was compared with."""

    school_id: str | None = None
    school_name: str | None = None
    year: int | None = None
    file: str | None = None
    row: int | None = None
    columns: list[str] = Field(default_factory=list)
    values: list[float | None] = Field(default_factory=list)

    def place(self) -> str:
        """file:row, or an empty string when the value is not one cell of a file."""
        return f"{self.file}:{self.row}" if self.file and self.row else ""


class Finding(BaseModel):
    """One lead of the issue list: what was seen where, why it is unusual, what to verify."""

    county: str | None = None
    school_id: str | None = None  # None: a county-wide finding
    school_name: str | None = None
    year: int | None = None
    rule: str
    code: str  # the text key of its message: audit.message.<code>, or problem.<code>
    severity: Severity
    columns: list[str] = Field(default_factory=list)
    values: list[float | None] = Field(default_factory=list)
    file: str | None = None
    row: int | None = None
    related: list[Related] = Field(default_factory=list)
    params: dict[str, Any] = Field(default_factory=dict, exclude=True)
    worded_by: Literal["audit", "problem"] = Field(default="audit", exclude=True)

    def message(self, lang: Lang) -> str:
        """What was seen, with the figures."""
        prefix = "audit.message." if self.worded_by == "audit" else "problem."
        return t(prefix + self.code, lang, **self.params)

    def why(self, lang: Lang) -> str:
        """Why it is unusual (the rule's explanation)."""
        return t(f"audit.why.{self.rule}", lang)

    def check(self, lang: Lang) -> str:
        """What to verify."""
        return t(f"audit.check.{self.rule}", lang)

    def values_text(self, lang: Lang) -> str:
        """The figures concerned; the cell as written for an input problem (a cell that is not
        a number has no value to show otherwise)."""
        if self.worded_by == "problem" and self.params.get("written"):
            return str(self.params["written"])
        return values_text(self.columns, self.values, lang)

    def sort_key(self) -> tuple[Any, ...]:
        """County-wide findings first, then by school, year, warnings before info."""
        return (self.county or "", self.school_id is not None, self.school_id or "",
                self.year or 0, SEVERITY_ORDER[self.severity], self.rule, self.columns)

    def record(self, lang: Lang) -> dict[str, Any]:
        """The finding as the JSON of SPEC §10 (worded in `lang`)."""
        return {**self.model_dump(), "message": self.message(lang), "why": self.why(lang),
                "check": self.check(lang)}


class AuditReport(Report):
    """The issue list (问题清单): findings by school, then year; a summary; the rules used."""

    json_from_dict: ClassVar[bool] = True  # findings are worded by to_dict

    files: list[str]
    years: list[int]
    findings: list[Finding]
    summary: dict[str, Any]
    rules: list[str]  # the codes of the rules that ran

    def to_dict(self, lang: Lang = "zh") -> dict[str, Any]:
        """{"files", "years", "findings": [...], "summary", "rules"} with messages in `lang`."""
        return {"files": self.files, "years": self.years,
                "findings": [f.record(lang) for f in self.findings],
                "summary": self.summary, "rules": self.rules}

    def failed(self) -> bool:
        """True when any finding is a warning (what --strict turns into exit 1)."""
        return any(f.severity == "warning" for f in self.findings)

    def sheets(self, lang: Lang = "zh") -> Sheets:
        """The issue list (one row per finding) and the rules, for CSV and XLSX."""
        return {t("audit.sheet.findings", lang): issue_rows(self, lang)}


def column_label(column: str, lang: Lang) -> str:
    """A canonical column as the user knows it: its Chinese header, or its English name."""
    from edustat.schema import EXAMS, SCHOOLS

    for table in (SCHOOLS, EXAMS):
        try:
            spec = table.column(column)
        except KeyError:
            continue
        return str(word({"zh": spec.zh, "en": spec.name}, lang))
    return column


def number_text(value: float | None) -> str:
    """A value as a cell shows it: 12 not 12.0, blank for none."""
    if value is None or value != value:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def values_text(columns: list[str], values: list[float | None], lang: Lang) -> str:
    """column = value pairs: 图书册数 31000、计算机台数 240."""
    sep = t("audit.label.value_separator", lang)
    return sep.join(f"{column_label(c, lang)} {number_text(v)}" for c, v in
                    zip(columns, values, strict=False))


def related_text(related: Related, lang: Lang, school_id: str | None = None) -> str:
    """Another school or year compared with: who (unless it is `school_id`, the finding's own
    school), which year, which figures, where in which file."""
    name = None if school_id is not None and related.school_id == school_id else (
        related.school_name or related.school_id)
    who = " ".join(x for x in (name, None if related.year is None else str(related.year)) if x)
    figures = values_text(related.columns, related.values, lang)
    place = related.place()
    parts = [p for p in (who, figures, f"({place})" if place else "") if p]
    return " ".join(parts)


def list_separator(lang: Lang) -> str:
    """Between items of a list in running text: ；in Chinese, ; in English."""
    return t("label.list_separator", lang)


def issue_rows(report: AuditReport, lang: Lang) -> list[dict[str, Any]]:
    """One flat record per finding, headers worded in `lang` (the CSV and the plain XLSX)."""
    def h(key: str) -> str:
        return t(f"audit.column.{key}", lang)

    rows = []
    for number, finding in enumerate(report.findings, start=1):
        rows.append({
            h("number"): number, h("county"): finding.county,
            h("school_id"): finding.school_id, h("school_name"): finding.school_name,
            h("year"): finding.year, h("severity"): t(f"audit.severity.{finding.severity}", lang),
            h("rule"): t(f"audit.name.{finding.rule}", lang),
            h("columns"): "、".join(column_label(c, lang) for c in finding.columns),
            h("values"): finding.values_text(lang),
            h("place"): f"{finding.file}:{finding.row}" if finding.file and finding.row else "",
            h("compared"): list_separator(lang).join(related_text(r, lang, finding.school_id)
                                                     for r in finding.related),
            h("message"): finding.message(lang), h("why"): finding.why(lang),
            h("check"): finding.check(lang)})
    return rows
