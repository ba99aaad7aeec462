"""The result of checking a draft report (SPEC §7.4): every finding in document order, the text's
own arithmetic, a summary; its JSON is the documented one."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import BaseModel, Field

from edustat.results import Report, Rows, Sheets
from edustat.texts import Lang, t

FindingVerdict = Literal["match", "mismatch", "not_checkable", "unbound"]
VERDICT_ORDER = {"mismatch": 0, "not_checkable": 1, "unbound": 2, "match": 3}


class Where(BaseModel):
    """Where a figure stands: a paragraph, or a table's row and column (1-based)."""

    paragraph: int | None = None
    table: int | None = None
    row: int | None = None
    column: int | None = None

    def label(self, lang: Lang) -> str:
        """段3 / 表1 第5行第3列 (P3 / T1 r5 c3)."""
        if self.table is not None:
            return t("draft.where_table", lang, table=self.table, row=self.row,
                     column=self.column)
        return t("draft.where_paragraph", lang, paragraph=self.paragraph)


class Finding(BaseModel):
    """One figure (or limit, or verbal verdict) of the draft, held to the data."""

    where: Where
    text: str  # the sentence (or table cell) it stands in
    mark: tuple[int, int]  # the figure as offsets in `text`
    span: tuple[int, int] = Field(exclude=True)  # the figure in its paragraph or cell, as read
    kind: Literal["figure", "limit", "verdict"]
    written: str  # as in the text, without its unit; a percentage keeps its %
    value: float | None  # the written number as a plain value (53.2% -> 0.532)
    unit: str | None
    key: str | None
    name: str | None
    county: str | None
    year: int | None
    computed: float | bool | None = None  # unrounded
    expected: str | None = None  # the computed value written as the draft writes it
    verdict: FindingVerdict
    reason: str | None = None  # a code (draft.reason.<code>): why unbound or not checkable
    reason_params: dict[str, Any] = Field(default_factory=dict)

    def marked(self) -> str:
        """The sentence with the figure in 【】."""
        start, end = self.mark
        return f"{self.text[:start]}【{self.text[start:end]}】{self.text[end:]}"


class Arithmetic(BaseModel):
    """One check of the text's own arithmetic: parts to a total, a rate from its counts, a
    percentage over 100, or one figure stated twice."""

    where: Where
    text: str
    rule: Literal["sum", "rate", "over_100", "twice"]
    terms: list[float] | None = None
    total_written: float | None = None
    total_computed: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    written: str | None = None
    computed: float | None = None
    verdict: Literal["holds", "fails"]
    fit: float | None = None  # sum: the total the parts give; rate: the count that gives it
    other: str | None = None  # twice: the other value written, and where (params below)
    other_where: Where | None = None
    span: tuple[int, int] | None = Field(default=None, exclude=True)  # the figure judged


class Note(BaseModel):
    """Something the reader should know about the whole check (a code and its parameters)."""

    code: str
    params: dict[str, Any] = Field(default_factory=dict)


class DraftCheckReport(Report):
    """What checking a draft found; `to_json()` gives the JSON of SPEC §7.4."""

    draft: str
    tables: list[str]
    findings: list[Finding]
    arithmetic: list[Arithmetic]
    summary: dict[str, int]
    notes: list[Note] = Field(default_factory=list)

    # JSON from to_dict, so each finding and check carries its reason or working as words.
    json_from_dict: ClassVar[bool] = True

    def to_dict(self, lang: Lang = "zh") -> dict[str, Any]:
        """The JSON of SPEC §7.4; `message` words a finding's reason and a check's working."""
        out = self.model_dump()
        for record, finding in zip(out["findings"], self.findings, strict=True):
            record["message"] = (reason_text(finding.reason, finding.reason_params, lang)
                                 if finding.reason else None)
        for record, item in zip(out["arithmetic"], self.arithmetic, strict=True):
            record["message"] = arithmetic_detail(item, lang)
        return out

    def failed(self) -> bool:
        """True on any mismatch or failed arithmetic."""
        return (any(f.verdict == "mismatch" for f in self.findings)
                or any(a.verdict == "fails" for a in self.arithmetic))

    def exit_code(self, strict: bool = False) -> int:
        """1 on any mismatch or failed arithmetic (strict or not), or errors in the data."""
        return 1 if self.failed() else super().exit_code(strict)

    def sheets(self, lang: Lang = "zh") -> Sheets:
        """Findings, then the arithmetic, as flat rows."""
        findings: Rows = [{
            "where": f.where.label(lang), "text": f.marked(), "written": f.written,
            "unit": f.unit, "key": f.key, "name": f.name, "county": f.county, "year": f.year,
            "computed": f.computed, "expected": f.expected, "verdict": f.verdict,
            "reason": reason_text(f.reason, f.reason_params, lang) if f.reason else None}
            for f in self.findings]
        arithmetic: Rows = [{
            "where": a.where.label(lang), "text": a.text, "rule": a.rule,
            "terms": None if a.terms is None else " + ".join(f"{x:g}" for x in a.terms),
            "total_written": a.total_written, "total_computed": a.total_computed,
            "numerator": a.numerator, "denominator": a.denominator, "written": a.written,
            "computed": a.computed, "verdict": a.verdict, "fit": a.fit}
            for a in self.arithmetic]
        return {"findings": findings, "arithmetic": arithmetic}


def reason_text(code: str, params: dict[str, Any], lang: Lang) -> str:
    """A reason code worded."""
    return t(f"draft.reason.{code}", lang, **params)


def _number(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    return f"{value:g}"


def arithmetic_detail(item: Arithmetic, lang: Lang) -> str:
    """The working of one arithmetic check, and what would fit when it fails."""
    if item.rule == "sum":
        terms = " + ".join(_number(x) for x in item.terms or [])
        detail = t("draft.detail.sum", lang, terms=terms, computed=_number(item.total_computed),
                   written=_number(item.total_written))
        if item.fit is not None:
            detail += t("draft.detail.sum_fit", lang, fit=_number(item.fit))
        return detail
    if item.rule == "rate":
        computed = f"{(item.computed or 0) * 100:.2f}%"
        detail = t("draft.detail.rate", lang, numerator=_number(item.numerator),
                   denominator=_number(item.denominator), computed=computed,
                   written=item.written)
        if item.verdict == "fails":
            detail += (t("draft.detail.rate_fit", lang, fit=_number(item.fit),
                         denominator=_number(item.denominator), written=item.written)
                       if item.fit is not None else
                       t("draft.detail.rate_no_fit", lang, denominator=_number(item.denominator),
                         written=item.written))
        return detail
    if item.rule == "over_100":
        return t("draft.detail.over_100", lang, written=item.written)
    other_where = item.other_where.label(lang) if item.other_where else ""
    return t("draft.detail.twice", lang, written=item.written, other=item.other,
             other_where=other_where)


def summarise(findings: list[Finding], arithmetic: list[Arithmetic]) -> dict[str, int]:
    """How many findings of each verdict, and arithmetic that holds and fails."""
    out = {"figures": len(findings), "match": 0, "mismatch": 0, "not_checkable": 0,
           "unbound": 0, "arithmetic_holds": 0, "arithmetic_fails": 0}
    for finding in findings:
        out[finding.verdict] += 1
    for item in arithmetic:
        out[f"arithmetic_{item.verdict}"] += 1
    return out
