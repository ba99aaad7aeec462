"""The calculation table (计算表) of one county, year, stage and method, in the official layout.

School units are the rows: 序号, 学校名称, 学校类型, 分摊比例 (a mixed school's share of its
facilities that belongs to this stage), 在校生数, the stage's resources, and each indicator's
per-student value as a live formula (resource ÷ students × 100 for "per 100"). Below them:

    合计/县域值   P = SUM(Pᵢ); each resource SUM(Rᵢ); X̄ = ΣR ÷ P (× 100)
    标准差        S = SQRT(SUMPRODUCT(Pᵢ, (Xᵢ − X̄)²) ÷ P)
    差异系数      CV = IF(X̄ > 0, S ÷ X̄, 0)
    综合差异系数   SUM(CVs) ÷ n

Every formula is written with the value edustat computed (the core's unrounded figure), so any
viewer shows it and Excel's recalculation can be compared with it. The verdicts are values, not
formulas: edustat decides them with the tolerance of SPEC §3, which a spreadsheet comparison
would not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from edustat.coefficients import CoefficientResult
from edustat.indicators import FACILITY_COLUMNS, Indicator, indicators_for
from edustat.report.model import Workbook, ref, span_ref, worded
from edustat.texts import Lang, t

HEADER_ROWS = (2, 3)
FIRST_SCHOOL_ROW = 4
# Fixed columns: 序号, 学校名称, 学校类型, 分摊比例, 在校生数.
COL_NO, COL_NAME, COL_TYPE, COL_SHARE, COL_STUDENTS = range(5)
FIRST_RESOURCE_COL = 5


@dataclass
class UnitRow:
    """One school unit as the table shows it (from edustat.units.school_units)."""

    school_id: str | None
    school_name: str | None
    school_type: str | None
    share: float  # the stage's share of the school's facilities (1 for a single-stage school)
    mixed: bool
    students: float
    resources: dict[str, float]  # split facilities, the stage's own teacher counts
    values: dict[str, float]  # indicator key -> per-student value, as the core computed it


@dataclass
class CalcRefs:
    """Where a calculation table put its figures, for charts and the trend sheet to refer to."""

    sheet: str
    stage: str
    year: int | None
    method: str
    first_row: int
    last_row: int
    county_row: int
    sd_row: int
    cv_row: int
    composite_cell: tuple[int, int]
    indicator_cols: dict[str, int] = field(default_factory=dict)
    names: list[str] = field(default_factory=list)
    values: dict[str, list[float]] = field(default_factory=dict)
    result: CoefficientResult | None = None


def resource_style(resource: str) -> str:
    """Facilities are split by share (fractions shown); teacher counts are whole."""
    if resource == "equipment_value":
        return "money"
    return "num2" if resource in FACILITY_COLUMNS else "int"


def value_style(indicator: Indicator) -> str:
    """Per-student values at 2 places; teachers per single student are small decimals (0.06),
    so they keep 4."""
    return "num4" if indicator.per == 1 and indicator.resource not in FACILITY_COLUMNS else "num2"


def _resources(indicators: list[Indicator]) -> list[str]:
    out: list[str] = []
    for indicator in indicators:
        if indicator.resource not in out:
            out.append(indicator.resource)
    return out


def calc_sheet(book: Workbook, name: str, result: CoefficientResult, method: str,
               units: list[UnitRow], lang: Lang, place: str) -> CalcRefs:
    """Lay out one calculation table on a new sheet; return where its figures are."""
    sheet = book.sheet(name, "calc")
    indicators = indicators_for(method)  # type: ignore[arg-type]
    resources = _resources(indicators)
    resource_col = {r: FIRST_RESOURCE_COL + i for i, r in enumerate(resources)}
    first_ind_col = FIRST_RESOURCE_COL + len(resources)
    ind_col = {ind.key: first_ind_col + i for i, ind in enumerate(indicators)}
    last_col = first_ind_col + len(indicators) - 1
    stage = t(f"report.stage.{result.stage}", lang)
    method_name = t(f"report.method.{method}", lang)

    sheet.merge(0, 0, 0, last_col, t("report.calc.title", lang, place=place, stage=stage,
                                     method=method_name), "title")
    sheet.merge(1, 0, 1, last_col, t("report.calc.subtitle", lang, schools=result.schools,
                                     students=result.students), "subtitle")
    top, low = HEADER_ROWS
    for col, key in ((COL_NO, "no"), (COL_NAME, "school"), (COL_TYPE, "type"),
                     (COL_SHARE, "share"), (COL_STUDENTS, "students")):
        sheet.merge(top, col, low, col, t(f"report.calc.{key}", lang), "header")
    sheet.merge(top, FIRST_RESOURCE_COL, top, first_ind_col - 1,
                t("report.calc.resources", lang, stage=stage), "header")
    sheet.merge(top, first_ind_col, top, last_col, t("report.calc.indicators", lang), "header")
    for resource, col in resource_col.items():
        sheet.put(low, col, t(f"report.resource.{resource}", lang), "header")
    for indicator in indicators:
        sheet.put(low, ind_col[indicator.key], indicator.label(lang), "header")
    sheet.heights[low] = 60

    first = FIRST_SCHOOL_ROW
    last = first + len(units) - 1
    for i, unit in enumerate(units):
        row = first + i
        sheet.put(row, COL_NO, i + 1, "int")
        sheet.put(row, COL_NAME, unit.school_name or unit.school_id or "", "text")
        sheet.put(row, COL_TYPE, t(f"report.school_type.{unit.school_type}", lang)
                  if unit.school_type else "", "text")
        sheet.put(row, COL_SHARE, unit.share, "share" if unit.mixed else "share_plain")
        sheet.put(row, COL_STUDENTS, unit.students, "int")
        for resource, col in resource_col.items():
            sheet.put(row, col, unit.resources[resource], resource_style(resource))
        for indicator in indicators:
            per = "*100" if indicator.per == 100 else ""
            sheet.put(row, ind_col[indicator.key], unit.values[indicator.key],
                      value_style(indicator),
                      f"={ref(row, resource_col[indicator.resource])}/{ref(row, COL_STUDENTS)}"
                      f"{per}")

    quality = result.limit is None  # quality judges each indicator; basic the composite
    county_row, sd_row, cv_row = last + 1, last + 2, last + 3
    limit_row, verdict_row = (last + 4, last + 5) if quality else (-1, -1)
    composite_row = last + 6 if quality else last + 4
    labels = [(county_row, "county_row"), (sd_row, "sd_row"), (cv_row, "cv_row"),
              (composite_row, "composite_row")]
    if quality:
        labels += [(limit_row, "limit_row"), (verdict_row, "verdict_row")]
    for row, key in labels:
        sheet.merge(row, COL_NO, row, COL_SHARE, t(f"report.calc.{key}", lang), "label")
    p_range = span_ref(first, last, COL_STUDENTS)
    sheet.put(county_row, COL_STUDENTS, result.students, "int_total", f"=SUM({p_range})")
    for resource, col in resource_col.items():
        total = sum(unit.resources[resource] for unit in units)
        sheet.put(county_row, col, total, resource_style(resource) + "_total",
                  f"=SUM({span_ref(first, last, col)})")
    total_p = ref(county_row, COL_STUDENTS, absolute=True)
    by_key = {item.key: item for item in result.indicators}
    for indicator in indicators:
        col = ind_col[indicator.key]
        item = by_key[indicator.key]
        per = "*100" if indicator.per == 100 else ""
        mean_cell = ref(county_row, col)
        sheet.put(county_row, col, item.mean, value_style(indicator) + "_total",
                  f"={ref(county_row, resource_col[indicator.resource])}/{total_p}{per}")
        sheet.put(sd_row, col, item.sd, "num4",
                  f"=SQRT(SUMPRODUCT({p_range},({span_ref(first, last, col)}-{mean_cell})^2)"
                  f"/{total_p})")
        sheet.put(cv_row, col, item.cv, "coef",
                  f"=IF({mean_cell}>0,{ref(sd_row, col)}/{mean_cell},0)")
        if quality and item.limit is not None:
            sheet.put(limit_row, col, item.limit, "coef_plain")
            sheet.put(verdict_row, col, t("report.meets" if item.meets else "report.fails", lang),
                      "verdict" if item.meets else "verdict!")
    cvs = f"{ref(cv_row, first_ind_col)}:{ref(cv_row, last_col)}"
    sheet.put(composite_row, first_ind_col, result.composite, "coef",
              f"=SUM({cvs})/{len(indicators)}")
    if not quality:
        sheet.put(composite_row, first_ind_col + 1, t("report.calc.composite_limit", lang,
                                                      limit=result.limit), "center")
        sheet.put(composite_row, first_ind_col + 2,
                  t("report.meets" if result.meets else "report.fails", lang),
                  "verdict" if result.meets else "verdict!")
    else:
        sheet.merge(composite_row, first_ind_col + 1, composite_row, last_col,
                    t("report.calc.composite_quality", lang), "note")

    notes = [t("report.calc.note_formula", lang), t(f"report.calc.note_{method}", lang)]
    if any(unit.mixed for unit in units):
        notes.append(t("report.calc.note_mixed", lang))
    notes += [t("report.calc.note_result", lang, note=worded(note, lang))
              for note in result.notes]
    for i, note in enumerate(notes):
        sheet.merge(composite_row + 2 + i, COL_NO, composite_row + 2 + i, last_col, note, "note")
        sheet.heights[composite_row + 2 + i] = 30
    sheet.widths.update({COL_NO: 5, COL_SHARE: 9, COL_STUDENTS: 9})
    sheet.freeze = (FIRST_SCHOOL_ROW, COL_NAME + 1)
    sheet.repeat_rows = (0, low)
    return CalcRefs(sheet=name, stage=result.stage, year=result.year, method=method,
                    first_row=first, last_row=last, county_row=county_row, sd_row=sd_row,
                    cv_row=cv_row, composite_cell=(composite_row, first_ind_col),
                    indicator_cols=ind_col,
                    names=[u.school_name or u.school_id or "" for u in units],
                    values={ind.key: [u.values[ind.key] for u in units] for ind in indicators},
                    result=result)


def unit_rows(records: list[dict[str, Any]], result: CoefficientResult, method: str
              ) -> list[UnitRow]:
    """The units of one group as table rows, each with the core's per-student values."""
    details = {d.school_id: d for d in (result.units or [])}
    indicators = indicators_for(method)  # type: ignore[arg-type]
    rows = []
    for record in records:
        detail = details[record["school_id"]]
        values = {i.key: i.value for i in detail.indicators}
        rows.append(UnitRow(
            school_id=record["school_id"], school_name=record["school_name"],
            school_type=record["school_type"], share=record["share"],
            mixed=record["mixed"], students=record["students"],
            resources={ind.resource: record[ind.resource] for ind in indicators},
            values=values))
    return rows
