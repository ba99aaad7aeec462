"""`edustat audit` (SPEC §10): the data-quality issue list (问题清单) of several years of school
tables. Rules are data (`rules.json`, overlaid by `--rules FILE`); findings are leads, not
verdicts. The core never imports rich or typer."""

from __future__ import annotations

from edustat.audit.report import AuditReport, Finding, Related
from edustat.audit.run import audit, rules_listing

__all__ = ["AuditReport", "Finding", "Related", "audit", "rules_listing"]
