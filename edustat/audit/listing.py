"""`edustat audit --rules`: the rules in force with their thresholds."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, Field

from edustat.audit.rules import Rules, check_consistency_keys, load_rules
from edustat.results import Report, Sheets
from edustat.texts import Lang, t


class RuleEntry(BaseModel):
    """One rule as listed: code, severity, whether on, what it looks at, its thresholds."""

    code: str
    severity: str
    enabled: bool
    looks_at: list[str]
    thresholds: dict[str, float]
    # For the consistency rule: the bounds of each check rule it folds in (from the norms).
    check_bounds: dict[str, dict[str, float]] = Field(default_factory=dict)


class AuditRulesReport(Report):
    """The audit rules in force; its JSON is {"rules_file", "rules": [...]} with texts worded."""

    json_from_dict: ClassVar[bool] = True

    rules_file: str | None
    rules: list[RuleEntry]

    def to_dict(self, lang: Lang = "zh") -> dict[str, Any]:
        """The rules with their name, why and what-to-check texts in `lang`."""
        return {"rules_file": self.rules_file,
                "rules": [{**r.model_dump(), "name": t(f"audit.name.{r.code}", lang),
                           "why": t(f"audit.why.{r.code}", lang),
                           "check": t(f"audit.check.{r.code}", lang)}
                          for r in self.rules]}

    def sheets(self, lang: Lang = "zh") -> Sheets:
        """One row per rule."""
        def h(key: str) -> str:
            return t(f"audit.column.{key}", lang)

        return {t("audit.sheet.rules", lang): [
            {h("code"): r.code, h("rule"): t(f"audit.name.{r.code}", lang),
             h("severity"): t(f"audit.severity.{r.severity}", lang),
             h("enabled"): t(f"audit.label.{'on' if r.enabled else 'off'}", lang),
             h("looks_at"): ", ".join(r.looks_at), h("thresholds"): thresholds_text(r),
             h("why"): t(f"audit.why.{r.code}", lang), h("check"): t(f"audit.check.{r.code}",
                                                                    lang)}
            for r in self.rules]}


def thresholds_text(entry: RuleEntry) -> str:
    """name = value pairs, the consistency rule's check bounds included."""
    parts = [f"{k} = {v:g}" for k, v in entry.thresholds.items()]
    for key, bounds in entry.check_bounds.items():
        parts.append(key + (":" if bounds else ""))
        parts += [f"  {k} = {v:g}" for k, v in bounds.items()]
    return "\n".join(parts) or "—"


def list_rules(rules_file: str | Path | None = None,
               standards_file: str | Path | None = None) -> AuditRulesReport:
    """The rules in force: the package's, overlaid by `rules_file` (bounds of the folded check
    rules from the norms, overlaid by `standards_file`)."""
    from edustat.norms import load_norms

    rules: Rules = load_rules(Path(rules_file) if rules_file is not None else None)
    norms = load_norms(Path(standards_file) if standards_file is not None else None)
    check_consistency_keys(rules, list(norms.consistency_rules))
    entries = []
    for code, rule in rules.rules.items():
        bounds = {}
        if code == "consistency":
            for key in rule.looks_at:
                bounds[key] = dict(norms.consistency_rules[key].bounds)
                if key == "class_size_limit":
                    bounds[key] = {f"{s}_max": v for s, v in norms.class_size_limits.items()}
        entries.append(RuleEntry(code=code, severity=rule.severity, enabled=rule.enabled,
                                 looks_at=list(rule.looks_at), thresholds=rule.thresholds,
                                 check_bounds=bounds))
    return AuditRulesReport(rules_file=None if rules_file is None else str(rules_file),
                            rules=entries)
