"""Difference coefficients (差异系数) per county, year and stage (SPEC §3, §7.1).

For unit i with students P_i and resource R_i: X_i = R_i / P_i (× 100 for "per 100"). County:
P = Σ P_i, X̄ = Σ R_i / P, S = sqrt(Σ (P_i / P)(X_i − X̄)²) (population form, enrolment weights),
CV = S / X̄. The composite is the plain mean of the CVs. All groups are computed at once with
bincount over group codes, so a national file costs a few array passes, not a loop per county.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field, PrivateAttr

from edustat.coefficient_records import IndicatorColumn, ResultColumns
from edustat.indicators import Indicator, IndicatorName, Method, indicators_for, name_in
from edustat.norms import Norms
from edustat.results import Phrase, Report, Sheets
from edustat.schema import STAGES
from edustat.texts import Lang
from edustat.vectors import group_codes
from edustat.verdicts import at_most, noise_variance

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

class UnitIndicator(BaseModel):
    """One school unit's value of one indicator and its part in the county's spread."""

    key: str
    value: float
    gap: float  # value − county value
    variance_share: float  # (P_i/P)(X_i − X̄)² / S²; 0 when S = 0


class UnitDetail(BaseModel):
    """One school unit of a county and stage (the per-school view)."""

    school_id: str | None
    school_name: str | None
    students: int
    indicators: list[UnitIndicator]
    drive: float  # mean variance share over the indicators: how much it drives the CVs


class IndicatorResult(BaseModel):
    """One indicator's county value, spread and difference coefficient."""

    key: str
    name: IndicatorName  # Chinese; worded in the JSON's language when serialized
    mean: float
    sd: float
    cv: float
    limit: float | None = None
    meets: bool | None = None


class CoefficientResult(BaseModel):
    """The coefficients of one county, year and stage."""

    county: str | None
    year: int | None
    stage: str
    schools: int
    students: int
    indicators: list[IndicatorResult]
    composite: float
    limit: float | None
    meets: bool
    notes: list[Phrase] = Field(default_factory=list)
    # Present in the JSON only when the per-school view was asked for (--schools).
    units: list[UnitDetail] | None = Field(default=None, exclude_if=lambda units: units is None)


class CoefficientReport(Report):
    """Everything `edustat coefficient` computes; `to_json()` gives the documented JSON."""

    standard: Method
    results: list[CoefficientResult]

    # The results as columns when the report is streamed (compute_coefficients(stream=True)):
    # `results` stays empty, and the writers below build plain records from these instead, so
    # that a national file is never validated into 50 000 models.
    _columns: ResultColumns | None = PrivateAttr(default=None)

    def _result_maps(self) -> Iterator[Mapping[str, Any]]:
        """Each result as a mapping of the model's fields (the records', or the models')."""
        if self._columns is not None:
            yield from self._columns.records()
        else:
            yield from (vars(result) for result in self.results)

    def to_rows(self, lang: Lang = "zh") -> list[dict[str, Any]]:
        """One flat record per (county, year, stage, indicator), for CSV and XLSX."""
        return list(self._rows(lang))

    def _rows(self, lang: Lang) -> Iterator[dict[str, Any]]:
        """One flat record per (county, year, stage, indicator), as they are produced."""
        for result in self._result_maps():
            notes = "; ".join(note.word(lang) for note in result["notes"])
            for indicator in map(_fields, result["indicators"]):
                yield {
                    "standard": self.standard, "county": result["county"],
                    "year": result["year"], "stage": result["stage"],
                    "schools": result["schools"], "students": result["students"],
                    "key": indicator["key"], "name": name_in(indicator["name"], lang),
                    "mean": indicator["mean"], "sd": indicator["sd"], "cv": indicator["cv"],
                    "limit": indicator["limit"], "meets": indicator["meets"],
                    "composite": result["composite"], "composite_limit": result["limit"],
                    "composite_meets": result["meets"], "notes": notes}

    def unit_rows(self) -> list[dict[str, Any]]:
        """One record per (county, year, stage, school unit, indicator) of the per-school view."""
        return list(self._unit_rows())

    def _unit_rows(self) -> Iterator[dict[str, Any]]:
        """One record per school unit and indicator, as they are produced."""
        for result in self._result_maps():
            for unit in map(_fields, result.get("units") or ()):
                for item in map(_fields, unit["indicators"]):
                    yield {"standard": self.standard, "county": result["county"],
                           "year": result["year"], "stage": result["stage"],
                           "school_id": unit["school_id"], "school_name": unit["school_name"],
                           "students": unit["students"], "key": item["key"],
                           "value": item["value"], "gap": item["gap"],
                           "variance_share": item["variance_share"], "drive": unit["drive"]}

    def _has_units(self) -> bool:
        """True when the per-school view was asked for (--schools)."""
        # A streamed report's own fields say it without building the records.
        results = (self._columns.results if self._columns is not None
                   else (vars(result) for result in self.results))
        return any(result.get("units") is not None for result in results)

    def sheets(self, lang: Lang = "zh") -> Sheets:
        """The coefficients; with the per-school view, its table first (what CSV holds)."""
        tables = {"coefficients": self.to_rows(lang)}
        if self._has_units():
            return {"schools": self.unit_rows(), **tables}
        return tables

    def csv_rows(self, lang: Lang = "zh") -> Iterator[dict[str, Any]]:
        """The first sheet's rows, produced as they are written."""
        return self._unit_rows() if self._has_units() else self._rows(lang)

    def to_dict(self, lang: Lang = "zh") -> dict[str, Any]:
        """The documented JSON as Python objects, values unrounded, texts in `lang`."""
        data = super().to_dict(lang)
        if self._columns is not None:
            data["results"] = self._columns.records(lang)
        return data

    def to_json_bytes(self, indent: int | None = 1, *, lang: Lang = "zh") -> bytes:
        """The documented JSON as UTF-8 bytes; a streamed report's records, built in `lang`, are
        serialized by pydantic's core as it serializes the models: the same bytes."""
        if self._columns is None:
            return super().to_json_bytes(indent, lang=lang)
        import pydantic_core

        # NaN and the infinities as null, as the models' serializer writes them.
        return pydantic_core.to_json(self.to_dict(lang), indent=indent, inf_nan_mode="null")

    def materialized(self) -> CoefficientReport:
        """The report with its results as models: itself, or a streamed report validated from
        its records (for what reads `results`, such as a table)."""
        if self._columns is None:
            return self
        full = CoefficientReport.model_validate(
            {"standard": self.standard, "results": self._columns.records()})
        full.problems = self.problems
        return full

    def result_records(self) -> list[dict[str, Any]]:
        """Each result as its fields, its indicators as theirs (names in Chinese, notes as
        phrases; "units" only with the per-school view, as in the JSON), for computations that
        read a report: a streamed report's records are built without validating a model."""
        if self._columns is not None:
            return self._columns.records()
        records = []
        for result in self.results:
            record = {**vars(result), "indicators": [vars(i) for i in result.indicators]}
            if record["units"] is None:
                del record["units"]
            else:
                record["units"] = [unit.model_dump() for unit in record["units"]]
            records.append(record)
        return records

    def result_columns(self) -> ResultColumns:
        """The results as columns, as a streamed report holds them (for computations that
        read a few figures of every result: no record per indicator built)."""
        if self._columns is None:
            raise ValueError("result_columns: the report is not streamed")
        return self._columns

    def failed(self) -> bool:
        """True when a county, year and stage fails its standard."""
        if self._columns is not None:
            return self._columns.failed()
        return any(not result.meets for result in self.results)


def _fields(item: Any) -> Mapping[str, Any]:
    """A record as it is, a model as its fields."""
    return item if isinstance(item, dict) else vars(item)


def _group_codes(units: pd.DataFrame) -> tuple[np.ndarray, list[str | None], list[int | None],
                                               list[str]]:
    """Group code per unit, and each group's county, year and stage (from its first unit)."""
    import pandas as pd

    codes, first = group_codes([units["county"], units["year"], units["stage"]])
    # Read from the first units' values directly: a frame of 5 700 group rows cost 10 ms.
    county = units["county"].to_numpy(dtype=object)[first]
    counties = [None if missing else str(c)
                for c, missing in zip(county.tolist(), pd.isna(county).tolist(), strict=True)]
    years = [None if y != y else int(y) for y in units["year"].to_numpy()[first].tolist()]
    return codes, counties, years, units["stage"].to_numpy(dtype=object)[first].tolist()


def compute_coefficients(units: pd.DataFrame, method: Method, norms: Norms, *,
                         with_units: bool = False, stream: bool = False) -> CoefficientReport:
    """Coefficients of every county, year and stage found in the unit frame.

    `stream=True` keeps the results as plain records: `report.results` stays empty, and the
    report's writers (`write_json`, `csv_rows`, `sheets`, `failed`) read the records."""
    import numpy as np

    if units.empty:
        return _report(method, ResultColumns([], []), stream)
    codes, counties, years, stages = _group_codes(units)
    n_groups = len(stages)
    students = units["students"].to_numpy(dtype=float)
    total_students = np.bincount(codes, students, n_groups)
    unit_counts = np.bincount(codes, minlength=n_groups)
    indicators = indicators_for(method)
    stats = {}
    for indicator in indicators:
        resource = units[indicator.resource].to_numpy(dtype=float)
        mean = np.bincount(codes, resource, n_groups) / total_students * indicator.per
        values = resource / students * indicator.per
        deviation = values - mean[codes]
        weighted_sq = students * deviation**2
        variance = np.bincount(codes, weighted_sq, n_groups) / total_students
        # Identical per-student values leave S ≈ 3e-16 in floats: below (1e-12·X̄)² it is 0
        # (SPEC §3), so the CV is 0 and no school drives it.
        variance = np.where(noise_variance(variance, mean), 0.0, variance)
        sd = np.sqrt(variance)
        with np.errstate(invalid="ignore", divide="ignore"):
            cv = np.where(mean > 0, sd / mean, 0.0)
        # The per-unit arrays serve only the per-school view; dropped, their memory is reused
        # by the next indicator's instead of 40 MB of new pages on a national file.
        stats[indicator.key] = ((mean, sd, cv, values, deviation, weighted_sq) if with_units
                                else (mean, sd, cv))

    detail_rows = _unit_detail_index(codes, n_groups) if with_units else None
    # The per-school view reads these a unit at a time: as arrays, not a frame lookup per unit.
    school = (units["school_id"].to_numpy(dtype=object),
              units["school_name"].to_numpy(dtype=object), units["students"].to_numpy())
    # Verdicts for all groups at once; the loop below only assembles the records.
    means = np.vstack([stats[i.key][0] for i in indicators])
    cvs = np.vstack([stats[i.key][2] for i in indicators])
    composite = cvs.sum(axis=0) / len(indicators)  # the plain mean of the CVs, unrounded
    if method == "basic":
        limit = np.array([norms.composite_limits[s] for s in stages], dtype=float)
        meets = at_most(composite, limit)  # exactly at the limit meets it (SPEC §3)
        indicator_limit = indicator_meets = None
    else:
        indicator_limit = np.array([norms.indicator_limits[s] for s in stages], dtype=float)
        indicator_meets = at_most(cvs, indicator_limit)
        meets = indicator_meets.all(axis=0)
    any_zero = (means == 0).any(axis=0)
    stage_order = {stage: i for i, stage in enumerate(STAGES)}
    order = sorted(range(n_groups), key=lambda g: (
        counties[g] is None, counties[g] or "", years[g] is None, years[g] or 0,
        stage_order.get(stages[g], 9)))
    single_note = Phrase(code="note.coefficient.single_unit")
    # Each result's own fields, in result order; its indicators are built from the columns
    # below, validated into models once at the end, or not at all when streamed.
    counts, totals = unit_counts.tolist(), total_students.tolist()
    composites, verdicts, zeros = composite.tolist(), meets.tolist(), any_zero.tolist()
    limits = None if indicator_meets is not None else limit.tolist()
    results: list[dict[str, Any]] = []
    for g in order:
        notes = [single_note] if counts[g] == 1 else []
        if zeros[g]:
            notes.extend(Phrase(code="note.coefficient.all_zero",
                                params={"name": Phrase(code=f"indicator.{i.key}.name")})
                         for i in indicators if stats[i.key][0][g] == 0)
        result = {
            "county": counties[g], "year": years[g], "stage": stages[g],
            "schools": counts[g], "students": int(round(totals[g])),
            "indicators": None, "composite": composites[g],
            "limit": None if limits is None else limits[g],
            "meets": verdicts[g], "notes": notes}
        if detail_rows is not None:
            result["units"] = _unit_details(school, detail_rows[g], g, indicators, stats)
        results.append(result)
    index = np.array(order, dtype=np.intp)
    columns = [IndicatorColumn(
        indicator=i, mean=stats[i.key][0][index].tolist(), sd=stats[i.key][1][index].tolist(),
        cv=stats[i.key][2][index].tolist(),
        limit=None if indicator_limit is None else indicator_limit[index].tolist(),
        meets=None if indicator_meets is None else indicator_meets[k][index].tolist())
        for k, i in enumerate(indicators)]
    return _report(method, ResultColumns(results, columns), stream)


def _report(method: Method, columns: ResultColumns, stream: bool) -> CoefficientReport:
    """The report of the results: validated into models, or holding their columns (streamed)."""
    if not stream:
        return CoefficientReport.model_validate({"standard": method,
                                                 "results": columns.records()})
    report = CoefficientReport(standard=method, results=[])
    report._columns = columns
    return report


def _unit_detail_index(codes: np.ndarray, n_groups: int) -> list[np.ndarray]:
    import numpy as np

    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(n_groups + 1))
    return [order[bounds[g]:bounds[g + 1]] for g in range(n_groups)]


def _unit_details(school: tuple[np.ndarray, np.ndarray, np.ndarray], rows: np.ndarray,
                  group: int, indicators: list[Indicator], stats: dict[str, tuple[Any, ...]]
                  ) -> list[dict[str, Any]]:
    """The group's school units (ids, names and students in `school`), drivers first."""
    ids, names, students = school
    total = float(students[rows].sum())
    # Per indicator, each unit's value, gap and share of S² = Σ (P_i/P)(X_i − X̄)² — 0 where the
    # county's S is (float noise, SPEC §3): no school drives a coefficient of 0. Taken a group
    # at a time from the arrays (the same float operations as unit by unit).
    columns = []
    for ind in indicators:
        values, deviation, weighted_sq = stats[ind.key][3:]
        variance = math.fsum(weighted_sq[rows]) / total if stats[ind.key][1][group] > 0 else 0.0
        shares = ((weighted_sq[rows] / total / variance).tolist() if variance > 0
                  else [0.0] * len(rows))
        columns.append((ind.key, values[rows].tolist(), deviation[rows].tolist(), shares))
    details: list[dict[str, Any]] = []
    for n, pos in enumerate(rows.tolist()):
        per_indicator = [{"key": key, "value": value[n], "gap": gap[n], "variance_share": share[n]}
                         for key, value, gap, share in columns]
        details.append({
            "school_id": _text(ids[pos]), "school_name": _text(names[pos]),
            "students": int(students[pos]), "indicators": per_indicator,
            "drive": math.fsum(i["variance_share"] for i in per_indicator) / len(per_indicator)})
    details.sort(key=lambda d: -d["drive"])
    return details


def _text(value: Any) -> str | None:
    return None if value is None or value != value else str(value)
