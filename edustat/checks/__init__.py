"""Checking a draft report (SPEC §7.3): every computed figure under one key (`figures`), claims
held to the figures at the precision the report writes (`claims`), and plausibility rules on the
school data (`rules`)."""

from __future__ import annotations

from edustat.checks.claims import CheckReport, ClaimResult, match_claims, normalize_key
from edustat.checks.figure_report import Figure, FiguresReport, InputFile, Unavailable
from edustat.checks.figures import (
    FAMILIES,
    REGISTRY,
    catalogue,
    family_of,
    gather_figures,
    order_figures,
    unavailable_reason,
)
from edustat.checks.rules import RulesReport, list_rules, rule_key_problems, run_rules
from edustat.numbers import matches, round_half_up, written_as

__all__ = ["FAMILIES", "REGISTRY", "CheckReport", "ClaimResult", "Figure", "FiguresReport",
           "InputFile", "RulesReport", "Unavailable", "catalogue", "family_of", "gather_figures",
           "list_rules", "match_claims", "matches", "normalize_key", "order_figures",
           "round_half_up", "rule_key_problems", "run_rules", "unavailable_reason",
           "written_as"]
