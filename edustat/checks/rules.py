"""Plausibility rules on the school data (SPEC §7.3): each finding is a Problem with file, row
and column, like a validation problem. The rules and their bounds are data (`consistency_rules` of
the norms); `edustat check --rules` lists them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from edustat.norms import Norms
from edustat.problems import Problem, Severity
from edustat.results import LangPair, Report, Sheets
from edustat.schema import STAGE_ZH, STAGES
from edustat.texts import LANGS, Lang, both, t
from edustat.verdicts import above, below

if TYPE_CHECKING:
    import numpy as np

    from edustat.validate import ValidTable

RULE_BOUNDS: dict[str, tuple[str, ...]] = {
    "students_per_teacher": ("primary_min", "primary_max", "junior_min", "junior_max"),
    "students_per_class": ("primary_min", "primary_max", "junior_min", "junior_max"),
    "class_size_limit": (),  # its limits are the norms' class_size_limits
    "year_on_year_change": ("max_change_share", "min_previous"),
    "identical_rows": ("min_filled_columns",),
    "grades_total": (),
}

# The columns whose change from the year before is judged: counts and facilities of a school,
# not the small teacher subsets or grade counts (a cohort moves up a grade every year).
CHANGE_COLUMNS = ("primary_students", "junior_students", "senior_students", "primary_classes",
                  "junior_classes", "primary_teachers", "junior_teachers", "teaching_area",
                  "sports_area", "equipment_value", "computers", "books", "multimedia_rooms")

# Per ratio rule: what it is, its numerator and denominator (`rule.<name>` texts), and the column
# suffix of its denominator.
_RATIO_NAMES = {
    "students_per_teacher": ("students_per_teacher", "students", "teachers", "teachers"),
    "students_per_class": ("students_per_class", "students", "classes", "classes"),
}


def rule_key_problems(norms: Norms) -> list[tuple[str, dict[str, str]]]:
    """(field, reason) for each rule of a standards file that edustat does not know or that
    lacks a bound it needs."""
    found = []
    for key, rule in norms.consistency_rules.items():
        if key not in RULE_BOUNDS:
            found.append((f"consistency_rules.{key}", both("rule.unknown_rule")))
            continue
        for bound in RULE_BOUNDS[key]:
            if bound not in rule.bounds:
                found.append((f"consistency_rules.{key}.bounds.{bound}",
                              both("rule.missing_bound")))
    return found


class RuleListing(BaseModel):
    """One consistency rule as `edustat check --rules` lists it."""

    key: str
    severity: str
    bounds: dict[str, float]
    description: LangPair  # the norms' own wording, in both languages


class RulesReport(Report):
    """The consistency rules in force (national, or overlaid by a standards file)."""

    json_from_dict = True

    standards: str
    rules: list[RuleListing]

    def to_rows(self, lang: Lang = "zh") -> list[dict[str, Any]]:
        """One flat record per rule; bounds as name=value pairs."""
        return [{"key": r.key, "severity": r.severity,
                 "bounds": "; ".join(f"{k}={v:g}" for k, v in r.bounds.items()),
                 "description": r.description[lang]} for r in self.rules]

    def sheets(self, lang: Lang = "zh") -> Sheets:
        """One table: every rule."""
        return {"rules": self.to_rows(lang)}


def list_rules(norms: Norms) -> RulesReport:
    """The rules in force with their effective bounds (class size: the norms' limits)."""
    rules = []
    for key, rule in norms.consistency_rules.items():
        bounds = dict(rule.bounds)
        if key == "class_size_limit":
            bounds = {f"{stage}_max": limit for stage, limit in norms.class_size_limits.items()}
        rules.append(RuleListing(key=key, severity=rule.severity, bounds=bounds,
                                 description={"zh": rule.description("zh"),
                                              "en": rule.description("en")}))
    return RulesReport(standards=norms.name, rules=rules)


def run_rules(valid: ValidTable, norms: Norms, system: str,
              earlier: ValidTable | None = None) -> list[Problem]:
    """Every consistency rule of the norms over validated school rows; the findings.

    `earlier` holds tables of previous years given only for the year-on-year rule.
    """
    from edustat.validate import ValidTable

    found = ValidTable(frame=valid.frame, problems=[], written=valid.written)
    if not len(valid.frame):
        return []
    rules = norms.consistency_rules
    flagged_class_sizes: dict[str, np.ndarray] = {}
    for key in ("students_per_teacher", "students_per_class"):
        if key in rules:
            flagged = _ratio_rule(found, key, rules[key].bounds, rules[key].severity)
            if key == "students_per_class":
                flagged_class_sizes = flagged
    if "class_size_limit" in rules:
        _class_size_rule(found, norms, rules["class_size_limit"].severity, flagged_class_sizes)
    if "year_on_year_change" in rules:
        _change_rule(found, rules["year_on_year_change"].bounds,
                     rules["year_on_year_change"].severity, earlier)
    if "identical_rows" in rules:
        _identical_rule(found, rules["identical_rows"].bounds, rules["identical_rows"].severity)
    if "grades_total" in rules:
        from edustat.validate import check_grade_totals

        before = len(found.problems)
        check_grade_totals(found, system)
        for problem in found.problems[before:]:
            problem.severity = rules["grades_total"].severity
    return found.problems


def _number(value: float) -> str:
    return f"{value:g}" if float(value).is_integer() else f"{value:.1f}"


def _ratio_rule(found: ValidTable, key: str, bounds: dict[str, float], severity: Severity
                ) -> dict[str, np.ndarray]:
    """Students per teacher or per class, per stage, outside [min, max]; the rows flagged."""
    import numpy as np

    from edustat.validate import _frame_problems

    what_key, num_key, den_key, suffix = _RATIO_NAMES[key]
    num_name, den_name = both(f"rule.{num_key}"), both(f"rule.{den_key}")
    flagged = {}
    for stage in STAGES:
        students = found.frame[f"{stage}_students"].to_numpy(dtype=float)
        column = f"{stage}_{suffix}"
        counts = found.frame[column].to_numpy(dtype=float)
        # Only schools teaching the stage, with the count given (a blank is no figure to judge).
        judged = (students > 0) & ~np.isnan(counts)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(counts > 0, students / counts, np.inf)
        low, high = bounds[f"{stage}_min"], bounds[f"{stage}_max"]
        zero = judged & (counts == 0)
        # A ratio exactly at a bound is within it (edustat.verdicts: never a raw float compare).
        out = judged & (counts > 0) & (below(ratio, low) | above(ratio, high))
        stage_what = {lang: t("rule.stage_what", lang, stage=t(f"stage_title.{stage}", lang),
                              what=t(f"rule.{what_key}", lang)) for lang in LANGS}
        params = {"what": stage_what, "num_name": num_name, "den_name": den_name,
                  "low": f"{low:g}", "high": f"{high:g}"}
        _frame_problems(found, column, out, "ratio_out_of_range", severity=severity,
                        params=params, per_row={"ratio": lambda pos: _number(ratio[pos]),  # noqa: B023
                                                "num": students, "den": counts})
        _frame_problems(found, column, zero, "ratio_no_denominator", severity=severity,
                        params=params, per_row={"num": students})
        flagged[stage] = out | zero
    return flagged


def _class_size_rule(found: ValidTable, norms: Norms, severity: Severity,
                     already: dict[str, np.ndarray]) -> None:
    """Average class size above the norms' limit (a size already flagged as implausible is not
    reported again)."""
    import numpy as np

    from edustat.validate import _frame_problems

    for stage, limit in norms.class_size_limits.items():
        if stage not in STAGES:
            continue
        students = found.frame[f"{stage}_students"].to_numpy(dtype=float)
        classes = found.frame[f"{stage}_classes"].to_numpy(dtype=float)
        # students > limit × classes: whole counts, where a quotient might not be exact; the same
        # verdict as `edustat standards` (edustat.verdicts), so the two never disagree.
        over = (classes > 0) & above(students, limit * classes)
        if stage in already:
            over &= ~already[stage]
        with np.errstate(divide="ignore", invalid="ignore"):
            size = students / classes
        _frame_problems(found, f"{stage}_classes", over, "class_size_over_limit",
                        severity=severity,
                        params={"stage_zh": STAGE_ZH[stage], "stage_en": stage,
                                "limit": f"{limit:g}"},
                        per_row={"size": lambda pos: f"{size[pos]:.1f}",  # noqa: B023
                                 "students": students, "classes": classes})


def _change_rule(found: ValidTable, bounds: dict[str, float], severity: Severity,
                 earlier: ValidTable | None) -> None:
    """A school's figure that moves by more than max_change_share from the same school_id in
    the year before (tables of the year before among the inputs, or given as `earlier`)."""
    import numpy as np
    import pandas as pd

    from edustat.reader import FILE, ROW
    from edustat.validate import _frame_problems, display_value

    frame = found.frame
    pool = frame if earlier is None or not len(earlier.frame) else pd.concat(
        [frame, earlier.frame], ignore_index=True)
    pool_written = {**(earlier.written if earlier is not None else {}), **found.written}
    years = frame["year"].to_numpy(dtype=float)
    ids = frame["school_id"].astype(object).to_numpy()
    previous_index = {(str(i), float(y)): pos for pos, (i, y) in enumerate(
        zip(pool["school_id"].astype(object), pool["year"].to_numpy(dtype=float), strict=True))
        if i is not None and i == i and y == y}
    previous = np.array([previous_index.get((str(i), y - 1), -1) if y == y else -1
                         for i, y in zip(ids, years, strict=True)], dtype=np.int64)
    has_previous = previous >= 0
    if not has_previous.any():
        return
    share_limit, min_previous = bounds["max_change_share"], bounds["min_previous"]
    pool_files = pool[FILE].to_numpy(dtype=object)
    pool_rows = pool[ROW].to_numpy()
    for column in CHANGE_COLUMNS:
        current = frame[column].to_numpy(dtype=float)
        before = np.where(has_previous, pool[column].to_numpy(dtype=float)[previous], np.nan)
        with np.errstate(divide="ignore", invalid="ignore"):
            change = (current - before) / before
        # Small counts move a lot by nature (3 teachers to 5): they are not judged.
        jump = has_previous & (before >= min_previous) & ~np.isnan(current) & (
            above(np.abs(change), share_limit))
        if not jump.any():
            continue

        def where(pos: int) -> str:
            earlier_pos = previous[pos]
            file, row = pool_files[earlier_pos], int(pool_rows[earlier_pos])
            column_written = pool_written.get(file, {}).get(column, column)  # noqa: B023
            return f"{file}:{row} {column_written}"

        def change_text(pos: int) -> dict[str, str]:
            value = change[pos]  # noqa: B023
            percent = f"{abs(value):.0%}"
            return both("rule.up" if value > 0 else "rule.down", percent=percent)

        _frame_problems(found, column, jump, "year_jump", severity=severity,
                        params={"limit": f"{share_limit:.0%}"},
                        per_row={"previous_year": lambda pos: int(years[pos]) - 1,
                                 "previous": lambda pos: display_value(float(before[pos])),  # noqa: B023
                                 "where": where, "change": change_text})


def _identical_rule(found: ValidTable, bounds: dict[str, float], severity: Severity) -> None:
    """Two schools of one year (different school_id) whose numbers are all equal."""
    import numpy as np

    from edustat.reader import FILE, ROW
    from edustat.schema import NUMERIC_KINDS, SCHOOLS
    from edustat.validate import _frame_problems

    frame = found.frame
    columns = [spec.name for spec in SCHOOLS.columns
               if spec.kind in NUMERIC_KINDS and spec.name != "year"
               and any(spec.name in written for written in found.written.values())]
    if not columns:
        return
    values = np.column_stack([frame[c].to_numpy(dtype=float) for c in columns])
    filled = (np.nan_to_num(values) != 0).sum(axis=1)
    eligible = filled >= bounds["min_filled_columns"]
    subset = frame.loc[eligible, ["year", *columns]]
    duplicated = np.zeros(len(frame), dtype=bool)
    duplicated[eligible] = subset.duplicated(keep=False).to_numpy()
    if not duplicated.any():
        return
    groups: dict[tuple[Any, ...], list[int]] = {}
    for pos in np.flatnonzero(duplicated):
        signature = (*np.nan_to_num(values[pos], nan=-1.0).tolist(), frame["year"].iat[pos])
        groups.setdefault(signature, []).append(int(pos))
    files, rows = frame[FILE].to_numpy(dtype=object), frame[ROW].to_numpy()
    others = np.empty(len(frame), dtype=object)
    for members in groups.values():
        for pos in members:
            others[pos] = "、".join(str(rows[o]) if files[o] == files[pos]
                                   else f"{files[o]}:{rows[o]}" for o in members if o != pos)
    given = (~np.isnan(values)).sum(axis=1)
    _frame_problems(found, "school_id", duplicated, "identical_rows", severity=severity,
                    per_row={"other_rows": others, "columns": given})
