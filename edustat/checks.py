"""Checking a draft report (SPEC §7.3): every computed figure under one key, claims held to the
figures, and plausibility rules on the school data.

Figures. Every figure the other commands compute has a dotted key in one flat namespace, with the
county and year it belongs to (see `catalogue()` for every key):

    coefficient.{basic|quality}.{stage}.composite           综合差异系数
    coefficient.{basic|quality}.{stage}.{indicator}         the indicator's CV (差异系数)
    coefficient.{basic|quality}.{stage}.{indicator}.mean    its county value (县域值)
    standards.{stage}.schools | passing_schools | failing_schools | passing_share
    standards.{stage}.{indicator}.shortfall                 what the failing units lack, summed
    enrolment.{rate}                                        SPEC §5 keys
    exams.{exam}.candidates, exams.{exam}.{rate}, exams.{exam}.{rate}.count

Claims. A claim matches when the computed value, rounded half up (四舍五入) at the precision the
report writes (0.2740: 4 places; 52%: whole percent), is the written number. Rounding is exact:
the float's shortest repr as a Decimal, scaled by 100 for a percentage, quantized half up.

Rules. The consistency rules and their bounds are data (`consistency_rules` of the norms); each
finding is a Problem with file, row and column, like a validation problem.
"""

from __future__ import annotations

import difflib
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from edustat.exams import EXAMS_ORDER, RATE_BY_KEY, rates_for
from edustat.indicators import BY_KEY, METHODS, indicators_for
from edustat.norms import Norms
from edustat.problems import Lang, Problem, has_errors, worded
from edustat.schema import EXAM_ZH, STAGE_ZH, STAGES
from edustat.verdicts import above, below

if TYPE_CHECKING:
    import numpy as np

    from edustat.coefficients import CoefficientReport
    from edustat.enrolment import EnrolmentReport
    from edustat.exams import ExamReport
    from edustat.standards import StandardsReport
    from edustat.validate import ValidTable, WrittenValue

FigureKind = Literal["share", "count", "number"]  # share: a fraction that reports write as %
ClaimStatus = Literal["mismatch", "error", "match"]
FAMILIES = ("coefficient.basic", "coefficient.quality", "standards", "enrolment", "exams")
METHOD_ZH = {"basic": "基本均衡", "quality": "优质均衡"}
STAGE_EN = {"primary": "primary", "junior": "junior secondary"}

TEXTS: dict[str, tuple[str, str]] = {
    # figure names
    "composite": ("{stage}综合差异系数（{method}）", "{stage} composite CV ({method})"),
    "cv": ("{stage}{indicator}差异系数（{method}）", "{stage} CV of {indicator} ({method})"),
    "mean": ("{stage}{indicator}（县域值）", "{stage} {indicator} (county value)"),
    "std_schools": ("{stage}参评学校（单位）数（优质均衡学校标准）",
                    "{stage} school units judged (quality-balance school standards)"),
    "std_passing_schools": ("{stage}达标学校（单位）数", "{stage} school units that pass"),
    "std_failing_schools": ("{stage}未达标学校（单位）数", "{stage} school units that fail"),
    "std_passing_share": ("{stage}学校达标比例", "{stage} share of school units that pass"),
    "std_shortfall": ("{stage}{indicator}达标缺口合计（{unit}）",
                      "{stage} shortfall to meet {indicator}, all units ({unit})"),
    "candidates": ("{exam}考生数", "{exam} candidates"),
    "exam_rate": ("{exam}{rate}", "{exam} {rate}"),
    "exam_count": ("{exam}{count}", "{exam} {rate}: count"),
    # why a figure is not there
    "no_school_table": ("没有给出学校表", "no school table was given"),
    "no_exam_table": ("没有给出考试表（考试表有“考试”和“考生数”两列）",
                      "no exam table was given (an exam table has exam and candidates columns)"),
    "family_failed": ("{where}：{message}", "{where}: {message}"),
    "more_problems": ("（另有 {count} 个问题）", " ({count} more problems)"),
    "no_stage": ("所给学校表中没有{stage}学校（单位）", "the school tables have no {stage} units"),
    "no_exam": ("考试表中没有{exam}的行", "the exam tables have no {exam} rows"),
    "not_in_data": ("所给数据中没有此指标", "the data has no such figure"),
    # claim results
    "match": ("相符", "matches"),
    "mismatch": ("按报告的写法（{precision}）应为 {expected}", "at the written precision "
                 "({precision}) it reads {expected}"),
    "percent_hint": ("；写成百分数 {percent} 则相符", "; written as a percentage, {percent}, it "
                     "matches"),
    "places": ("{places} 位小数", "{places} decimal places"),
    "whole": ("取整", "whole number"),
    "unknown_figure": ("不认识的指标“{figure}”{suggestion}；用 edustat figures 列出全部指标",
                       "unknown figure '{figure}'{suggestion}; edustat figures lists them all"),
    "did_you_mean": ("，是否指：{keys}", "; did you mean: {keys}"),
    "cannot_give": ("数据无法给出此指标：{reason}", "the data cannot give this figure: {reason}"),
    "ambiguous": ("数据中有多个县区或年份，请在“县区”“年份”列注明是哪一个：{choices}",
                  "the data has several counties or years: name one in the county/year "
                  "columns: {choices}"),
    "no_such_place": ("数据中没有 {place} 的此指标；数据中有：{choices}",
                      "the data has no such figure for {place}; it has: {choices}"),
    "whole_file": ("（全部学校）", "(whole file)"),
    "row_problem": ("{column}：{message}", "{column}: {message}"),
}


def text(key: str, lang: Lang, **params: Any) -> str:
    """A label or message of this module in `lang`."""
    return worded(TEXTS[key], lang, **params)


def _stage(stage: str, lang: Lang) -> str:
    return STAGE_ZH[stage] if lang == "zh" else STAGE_EN.get(stage, stage).capitalize()


# ---------------------------------------------------------------------------------------------
# Figures

class Figure(BaseModel):
    """One computed figure of one county and year, under its key."""

    key: str
    county: str | None
    year: int | None
    value: float | None  # None: the data cannot give it (see note)
    kind: FigureKind
    name: str
    note: str | None = None


class Unavailable(BaseModel):
    """A family of figures that could not be computed at all, and why."""

    family: str  # key prefix: coefficient.basic, coefficient.quality, standards, enrolment, exams
    reason: str
    problems: list[Problem] = Field(default_factory=list)


class InputFile(BaseModel):
    """An input file and the kind of table its header says it is."""

    file: str
    kind: str


class FiguresReport(BaseModel):
    """Everything `edustat figures` computes; `to_dict()` gives its JSON."""

    files: list[InputFile]
    results: list[Figure]
    unavailable: list[Unavailable]
    lang: Lang = Field(default="zh", exclude=True)
    problems: list[Problem] = Field(default_factory=list, exclude=True)

    def to_dict(self) -> dict[str, Any]:
        """{"files", "results": [{key, county, year, value, kind, name, note}], "unavailable"}."""
        return {"files": [f.model_dump() for f in self.files],
                "results": [f.model_dump() for f in self.results],
                "unavailable": [_unavailable_record(u, self.lang) for u in self.unavailable]}

    def to_rows(self) -> list[dict[str, Any]]:
        """One flat record per figure, for CSV and XLSX (values unrounded)."""
        return [{"key": f.key, "county": f.county, "year": f.year, "value": f.value,
                 "kind": f.kind, "name": f.name, "note": f.note} for f in self.results]


def _unavailable_record(item: Unavailable, lang: Lang) -> dict[str, Any]:
    return {"family": item.family, "reason": item.reason,
            "problems": [p.as_record(lang) for p in item.problems]}


def catalogue() -> dict[str, str]:
    """Every figure key there is, each with its family, whatever the data holds."""
    keys: dict[str, str] = {}
    for method in METHODS:
        family = f"coefficient.{method}"
        for stage in STAGES:
            keys[f"{family}.{stage}.composite"] = family
            for indicator in indicators_for(method):
                keys[f"{family}.{stage}.{indicator.key}"] = family
                keys[f"{family}.{stage}.{indicator.key}.mean"] = family
    for stage in STAGES:
        for part in ("schools", "passing_schools", "failing_schools", "passing_share"):
            keys[f"standards.{stage}.{part}"] = "standards"
        for indicator in indicators_for("quality"):
            keys[f"standards.{stage}.{indicator.key}.shortfall"] = "standards"
    from edustat.enrolment import RATE_KEYS

    for rate_key in RATE_KEYS:
        keys[f"enrolment.{rate_key}"] = "enrolment"
    for exam in EXAMS_ORDER:
        keys[f"exams.{exam}.candidates"] = "exams"
        for rate in rates_for(exam):
            keys[f"exams.{exam}.{rate.key}"] = "exams"
            keys[f"exams.{exam}.{rate.key}.count"] = "exams"
    return keys


def coefficient_figures(report: CoefficientReport, lang: Lang) -> list[Figure]:
    """Composite, CVs and county values of every county, year and stage."""
    method = report.standard
    method_name = METHOD_ZH[method] if lang == "zh" else method
    figures = []
    for result in report.results:
        place = {"county": result.county, "year": result.year}
        prefix = f"coefficient.{method}.{result.stage}"
        stage = _stage(result.stage, lang)
        notes = ("；" if lang == "zh" else "; ").join(result.notes) or None
        figures.append(Figure(key=f"{prefix}.composite", value=result.composite, kind="number",
                              name=text("composite", lang, stage=stage, method=method_name),
                              note=notes, **place))
        for item in result.indicators:
            indicator = BY_KEY[item.key].label(lang)
            figures.append(Figure(key=f"{prefix}.{item.key}", value=item.cv, kind="number",
                                  name=text("cv", lang, stage=stage, indicator=indicator,
                                            method=method_name), **place))
            figures.append(Figure(key=f"{prefix}.{item.key}.mean", value=item.mean,
                                  kind="number",
                                  name=text("mean", lang, stage=stage, indicator=indicator),
                                  **place))
    return figures


_SHORTFALL_UNITS = {"teachers": ("人", "teachers"), "rooms": ("间", "rooms"),
                    "m2": ("平方米", "m²"), "yuan": ("元", "yuan")}


def standards_figures(report: StandardsReport, lang: Lang) -> list[Figure]:
    """How many units pass the per-school standards, and what the failing ones lack."""
    figures = []
    for total in report.totals:
        place = {"county": total.county, "year": total.year}
        prefix = f"standards.{total.stage}"
        stage = _stage(total.stage, lang)
        counts = {"schools": total.schools, "passing_schools": total.passing,
                  "failing_schools": total.failing}
        for part, count in counts.items():
            figures.append(Figure(key=f"{prefix}.{part}", value=float(count), kind="count",
                                  name=text(f"std_{part}", lang, stage=stage), **place))
        figures.append(Figure(key=f"{prefix}.passing_share", kind="share",
                              value=total.passing / total.schools if total.schools else None,
                              name=text("std_passing_share", lang, stage=stage), **place))
        for item in total.shortfalls:
            zh, en = _SHORTFALL_UNITS[item.unit]
            figures.append(Figure(
                key=f"{prefix}.{item.key}.shortfall", value=float(item.shortfall), kind="count",
                name=text("std_shortfall", lang, stage=stage,
                          indicator=BY_KEY[item.key].label(lang),
                          unit=zh if lang == "zh" else en), **place))
    return figures


def enrolment_figures(report: EnrolmentReport) -> list[Figure]:
    """Every rate of SPEC §5 per county and year; a rate that cannot be computed keeps its
    reason as the note."""
    return [Figure(key=f"enrolment.{rate.key}", county=result.county, year=result.year,
                   value=rate.value, kind="share", name=rate.name, note=rate.note)
            for result in report.results for rate in result.rates]


def exam_figures(report: ExamReport, lang: Lang) -> list[Figure]:
    """County totals of every exam: candidates, each rate and its count."""
    figures = []
    for result in report.results:
        if not result.is_total:
            continue
        place = {"county": result.county, "year": result.year}
        exam = EXAM_ZH[result.exam] if lang == "zh" else result.exam
        prefix = f"exams.{result.exam}"
        figures.append(Figure(key=f"{prefix}.candidates", value=float(result.candidates),
                              kind="count", name=text("candidates", lang, exam=exam), **place))
        for rate in result.rates:
            name = RATE_BY_KEY[rate.key].label(lang)
            figures.append(Figure(key=f"{prefix}.{rate.key}", value=rate.value, kind="share",
                                  name=text("exam_rate", lang, exam=exam, rate=name), **place))
            figures.append(Figure(key=f"{prefix}.{rate.key}.count", value=float(rate.count),
                                  kind="count",
                                  name=text("exam_count", lang, exam=exam, rate=name,
                                            count=RATE_BY_KEY[rate.key].zh[:-1] + "人数"),
                                  **place))
    return figures


def order_figures(figures: list[Figure]) -> list[Figure]:
    """County, then year, then the families in their fixed order (stable within each)."""
    family_order = {family: i for i, family in enumerate(FAMILIES)}
    return sorted(figures, key=lambda f: (f.county is None, f.county or "", f.year is None,
                                          f.year or 0, family_order[family_of(f.key)]))


def family_of(key: str) -> str:
    """The family a key belongs to (its first one or two parts)."""
    first = key.split(".", 1)[0]
    return ".".join(key.split(".")[:2]) if first == "coefficient" else first


def unavailable_reason(problems: list[Problem], lang: Lang) -> str:
    """Why a family cannot be computed: its first error, placed, and how many more there are."""
    errors = [p for p in problems if p.severity == "error"] or problems
    if not errors:
        return text("not_in_data", lang)
    first = errors[0]
    where = first.file
    if first.row is not None:
        where += f" 第 {first.row} 行" if lang == "zh" else f" row {first.row}"
    if first.column and first.code != "missing_column":
        where += f" {first.column}"
    reason = text("family_failed", lang, where=where, message=first.message(lang))
    if len(errors) > 1:
        reason += text("more_problems", lang, count=len(errors) - 1)
    return reason


# ---------------------------------------------------------------------------------------------
# Claims

class ClaimResult(BaseModel):
    """One figure of the draft report, held to the data."""

    file: str
    row: int
    figure: str  # the key as written
    county: str | None  # of the figure compared (as the claim names it when none was found)
    year: int | None
    reported: str | None  # as written
    name: str | None = None
    computed: float | None = None  # unrounded
    expected: str | None = None  # the computed value written as the claim writes it: 51.9%
    difference: float | None = None  # reported − computed, in the figure's own unit (0.52 − 0.519)
    status: ClaimStatus
    message: str
    note: str | None = None  # the claims file's own note (where the figure stands in the report)


def round_half_up(value: float, places: int, scale: int = 1) -> Decimal:
    """`value` × `scale` rounded half up (四舍五入) at `places`, exactly, from the float's repr."""
    with localcontext() as context:
        context.prec = 80  # exact for any float's repr times 100 or 1000
        scaled = Decimal(repr(float(value))) * scale
        return scaled.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def written_as(value: float, written: WrittenValue) -> str:
    """`value` written the way the claim writes its number: same places, same unit sign."""
    return f"{round_half_up(value, written.places, written.scale):f}{written.suffix}"


def matches(value: float, written: WrittenValue) -> bool:
    """True when `value` rounds half up to the written number at the written precision."""
    return round_half_up(value, written.places, written.scale) == written.number


def normalize_key(key: str) -> str:
    """A key as typed, folded: full-width to half-width, no spaces, lower case."""
    return "".join(unicodedata.normalize("NFKC", key).split()).lower().replace("。", ".")


def _place_text(county: str | None, year: int | None, lang: Lang) -> str:
    """A figure's county and year as a choice to name: 示例旗 2022, or 示例旗 without a year."""
    return " ".join([county or text("whole_file", lang), *([str(year)] if year is not None
                                                           else [])])


def _claimed_place(county: str | None, year: int | None, lang: Lang) -> str:
    """The county and year a claim names, as a phrase: 示例旗 2025 年 / 示例旗 2025."""
    year_text = "" if year is None else (f"{year} 年" if lang == "zh" else str(year))
    return " ".join(x for x in (county, year_text) if x)


def _absence_reason(key: str, lang: Lang) -> str:
    parts = key.split(".")
    family = family_of(key)
    if family.startswith("coefficient") and len(parts) > 2 and parts[2] in STAGES:
        return text("no_stage", lang, stage=_stage(parts[2], lang))
    if family == "standards" and len(parts) > 1 and parts[1] in STAGES:
        return text("no_stage", lang, stage=_stage(parts[1], lang))
    if family == "exams" and len(parts) > 1 and parts[1] in EXAM_ZH:
        return text("no_exam", lang, exam=EXAM_ZH[parts[1]] if lang == "zh" else parts[1])
    return text("not_in_data", lang)


class _Claim(BaseModel):
    file: str
    row: int
    figure: str | None
    reported: str | None
    county: str | None
    year: int | None
    note: str | None


def _claims(claims: ValidTable) -> list[_Claim]:
    from edustat.reader import FILE, ROW

    out = []
    for record in claims.frame.to_dict("records"):
        year = record["year"]
        out.append(_Claim(file=record[FILE], row=int(record[ROW]),
                          figure=_clean(record["figure"]), reported=_clean(record["reported"]),
                          county=_clean(record["county"]),
                          year=None if year is None or year != year else int(year),
                          note=_clean(record["note"])))
    return out


def _clean(value: Any) -> str | None:
    if value is None or value != value:
        return None
    return str(value).strip() or None


def match_claims(claims: ValidTable, figures: list[Figure], unavailable: list[Unavailable],
                 lang: Lang) -> list[ClaimResult]:
    """Each claim against the figures: mismatches first, then errors, then matches."""
    from edustat.validate import parse_written

    by_key: dict[str, list[Figure]] = {}
    for figure in figures:
        by_key.setdefault(figure.key, []).append(figure)
    known = catalogue()
    by_name = {normalize_key(f.name): f.key for f in figures}
    failed = {item.family: item for item in unavailable}
    row_problems: dict[tuple[str, int], list[Problem]] = {}
    for problem in claims.problems:
        if problem.row is not None and problem.severity == "error":
            row_problems.setdefault((problem.file, problem.row), []).append(problem)

    results = []
    for claim in _claims(claims):
        base = {"file": claim.file, "row": claim.row, "figure": claim.figure or "",
                "county": claim.county, "year": claim.year, "reported": claim.reported,
                "note": claim.note}

        def error(message: str, **extra: Any) -> ClaimResult:
            return ClaimResult(**{**base, **extra}, status="error", message=message)  # noqa: B023

        problems = row_problems.get((claim.file, claim.row))
        if problems or claim.figure is None or claim.reported is None:
            results.append(error(("；" if lang == "zh" else "; ").join(
                text("row_problem", lang, column=p.column, message=p.message(lang))
                for p in problems or [])))
            continue
        key = normalize_key(claim.figure)
        if key not in known:
            suggestions = difflib.get_close_matches(key, list(known), n=3, cutoff=0.6)
            if key in by_name:
                suggestions = [by_name[key], *suggestions]
            # " / " lets a terminal break the line between keys, never inside one.
            suggestion = (text("did_you_mean", lang, keys=" / ".join(dict.fromkeys(suggestions)))
                          if suggestions else "")
            results.append(error(text("unknown_figure", lang, figure=claim.figure,
                                      suggestion=suggestion)))
            continue
        candidates = by_key.get(key, [])
        if not candidates:
            family = failed.get(known[key])
            reason = family.reason if family else _absence_reason(key, lang)
            results.append(error(text("cannot_give", lang, reason=reason)))
            continue
        chosen = [f for f in candidates
                  if (claim.county is None or f.county is None or f.county == claim.county)
                  and (claim.year is None or f.year is None or f.year == claim.year)]
        choices = "、".join(_place_text(f.county, f.year, lang) for f in candidates)
        if not chosen:
            results.append(error(text("no_such_place", lang, choices=choices,
                                      place=_claimed_place(claim.county, claim.year, lang))))
            continue
        if len(chosen) > 1:
            results.append(error(text("ambiguous", lang, choices="、".join(
                _place_text(f.county, f.year, lang) for f in chosen))))
            continue
        figure = chosen[0]
        base.update(county=figure.county, year=figure.year)
        if figure.value is None:
            results.append(error(text("cannot_give", lang,
                                      reason=figure.note or text("not_in_data", lang)),
                                 name=figure.name))
            continue
        written = parse_written(claim.reported)
        assert written is not None  # validate_claims reports any reported value that is not
        expected = written_as(figure.value, written)
        found = {"name": figure.name, "computed": figure.value, "expected": expected,
                 "difference": float(written.value) - figure.value}
        if matches(figure.value, written):
            results.append(ClaimResult(**base, **found, status="match",
                                       message=text("match", lang)))
            continue
        precision = (text("places", lang, places=written.places) if written.places
                     else text("whole", lang))
        message = text("mismatch", lang, precision=precision, expected=expected)
        if written.scale == 1 and figure.kind == "share":
            percent = round_half_up(figure.value, written.places, 100)
            if percent == written.number:
                message += text("percent_hint", lang, percent=f"{percent:f}%")
        results.append(ClaimResult(**base, **found, status="mismatch", message=message))
    order = {"mismatch": 0, "error": 1, "match": 2}
    return sorted(results, key=lambda r: order[r.status])


# ---------------------------------------------------------------------------------------------
# Consistency rules

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

_RATIO_NAMES = {
    "students_per_teacher": ({"zh": "生师比", "en": "students per teacher"},
                             {"zh": "在校生", "en": "students"},
                             {"zh": "专任教师", "en": "teachers"}, "teachers"),
    "students_per_class": ({"zh": "平均班额", "en": "students per class"},
                           {"zh": "在校生", "en": "students"},
                           {"zh": "班级数", "en": "classes"}, "classes"),
}


def rule_key_problems(norms: Norms) -> list[tuple[str, str]]:
    """(field, reason) for each rule of a standards file that edustat does not know or that
    lacks a bound it needs."""
    found = []
    for key, rule in norms.consistency_rules.items():
        if key not in RULE_BOUNDS:
            found.append((f"consistency_rules.{key}", "unknown rule / 不认识的规则"))
            continue
        for bound in RULE_BOUNDS[key]:
            if bound not in rule.bounds:
                found.append((f"consistency_rules.{key}.bounds.{bound}", "missing / 缺少"))
    return found


class RuleListing(BaseModel):
    """One consistency rule as `edustat check --rules` lists it."""

    key: str
    severity: str
    bounds: dict[str, float]
    description: str


class RulesReport(BaseModel):
    """The consistency rules in force (national, or overlaid by a standards file)."""

    standards: str
    rules: list[RuleListing]

    def to_dict(self) -> dict[str, Any]:
        """{"standards": name, "rules": [{key, severity, bounds, description}]}."""
        return self.model_dump()

    def to_rows(self) -> list[dict[str, Any]]:
        """One flat record per rule; bounds as name=value pairs."""
        return [{"key": r.key, "severity": r.severity,
                 "bounds": "; ".join(f"{k}={v:g}" for k, v in r.bounds.items()),
                 "description": r.description} for r in self.rules]


def list_rules(norms: Norms, lang: Lang) -> RulesReport:
    """The rules in force with their effective bounds (class size: the norms' limits)."""
    rules = []
    for key, rule in norms.consistency_rules.items():
        bounds = dict(rule.bounds)
        if key == "class_size_limit":
            bounds = {f"{stage}_max": limit for stage, limit in norms.class_size_limits.items()}
        rules.append(RuleListing(key=key, severity=rule.severity, bounds=bounds,
                                 description=rule.description(lang)))
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


def _ratio_rule(found: ValidTable, key: str, bounds: dict[str, float], severity: str
                ) -> dict[str, np.ndarray]:
    """Students per teacher or per class, per stage, outside [min, max]; the rows flagged."""
    import numpy as np

    from edustat.validate import _frame_problems

    what, num_name, den_name, suffix = _RATIO_NAMES[key]
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
        stage_what = {lang: f"{_stage(stage, lang)}{'' if lang == 'zh' else ' '}{what[lang]}"
                      for lang in ("zh", "en")}
        params = {"what": stage_what, "num_name": num_name, "den_name": den_name,
                  "low": f"{low:g}", "high": f"{high:g}"}
        _frame_problems(found, column, out, "ratio_out_of_range", severity=severity,
                        params=params, per_row={"ratio": lambda pos: _number(ratio[pos]),  # noqa: B023
                                                "num": students, "den": counts})
        _frame_problems(found, column, zero, "ratio_no_denominator", severity=severity,
                        params=params, per_row={"num": students})
        flagged[stage] = out | zero
    return flagged


def _class_size_rule(found: ValidTable, norms: Norms, severity: str,
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


def _change_rule(found: ValidTable, bounds: dict[str, float], severity: str,
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
            return ({"zh": f"增加 {percent}", "en": f"up {percent}"} if value > 0
                    else {"zh": f"减少 {percent}", "en": f"down {percent}"})

        _frame_problems(found, column, jump, "year_jump", severity=severity,
                        params={"limit": f"{share_limit:.0%}"},
                        per_row={"previous_year": lambda pos: int(years[pos]) - 1,
                                 "previous": lambda pos: display_value(float(before[pos])),  # noqa: B023
                                 "where": where, "change": change_text})


def _identical_rule(found: ValidTable, bounds: dict[str, float], severity: str) -> None:
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
    groups: dict[tuple, list[int]] = {}
    for pos in np.flatnonzero(duplicated):
        signature = tuple(np.nan_to_num(values[pos], nan=-1.0).tolist()) + (
            frame["year"].iat[pos],)
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


# ---------------------------------------------------------------------------------------------
# The report of `edustat check`

class CheckReport(BaseModel):
    """Everything `edustat check` found: each claim, the rules' findings, what cannot be
    computed. `to_dict()` gives its JSON."""

    files: list[InputFile]
    claims_file: str | None
    results: list[ClaimResult]
    problems: list[Problem]  # consistency findings, and the inputs' warnings and notes
    unavailable: list[Unavailable]
    rules: list[str]  # keys of the rules that ran
    lang: Lang = Field(default="zh", exclude=True)

    def counts(self) -> dict[str, int]:
        """Claims by status, and problems by severity."""
        out = {"claims": len(self.results), "mismatches": 0, "errors": 0, "matches": 0,
               "data_errors": 0, "data_warnings": 0, "data_notes": 0}
        plural = {"mismatch": "mismatches", "error": "errors", "match": "matches"}
        for result in self.results:
            out[plural[result.status]] += 1
        for problem in self.problems:
            out[f"data_{problem.severity}s"] += 1
        return out

    @property
    def ok(self) -> bool:
        """True when every claim matches and the data has no error (warnings do not count)."""
        return (all(r.status == "match" for r in self.results)
                and not has_errors(self.problems))

    def to_dict(self) -> dict[str, Any]:
        """{"ok", "summary", "files", "claims_file", "results" (claims), "problems", "unavailable",
        "rules"}; values unrounded."""
        return {"ok": self.ok, "summary": self.counts(),
                "files": [f.model_dump() for f in self.files], "claims_file": self.claims_file,
                "results": [r.model_dump() for r in self.results],
                "problems": [p.as_record(self.lang) for p in self.problems],
                "unavailable": [_unavailable_record(u, self.lang) for u in self.unavailable],
                "rules": self.rules}

    def to_rows(self) -> list[dict[str, Any]]:
        """One flat record per claim, for CSV and XLSX."""
        return [r.model_dump() for r in self.results]

    def problem_rows(self) -> list[dict[str, Any]]:
        """One flat record per finding of the rules (and input note), for XLSX."""
        return [p.as_record(self.lang) for p in self.problems]
