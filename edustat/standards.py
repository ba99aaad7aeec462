"""Per-school quality-balance standards (优质均衡, SPEC §4, §7.2): who meets them, what each lacks.

Every school unit (a mixed school is one unit per stage, its shared facilities split as in SPEC §3)
is held against the seven per-school values of its stage from the norms. A unit passes when at
least `school_pass.min_met` are met and none is below `school_pass.floor_share` of its value.
School size and average class size are reported beside the verdict, not part of it.

For each value a unit misses, the shortfall is what it takes to meet it, in the units a budget is
written in: required = standard × students / per, shortfall = required − resource. For a mixed
school's shared facilities the resource is the unit's split share, and the shortfall is what the
whole school must add: the part's gap ÷ its share, since whatever is added is split again by
enrolment (a nine-year school whose junior half lacks 200 m² must build 400 m²). When both
parts of one school fall short of the same facility, what one part's addition brings the other
is not netted off, so county totals are an upper bound for mixed schools. Shortfalls are rounded
UP to whole units — whole teachers, whole rooms, whole m², whole yuan — since a part of a teacher
cannot be hired and rounding down would leave the school just short. County totals are sums of the
units' rounded shortfalls: resources are not moved between schools.

Every verdict goes through edustat.verdicts (relative tolerance 1e-12, SPEC §3), so a school
exactly at a standard meets it even when floating point gives 9 / 1000 × 100 = 0.8999999999999999
against 0.9; the same holds for the 85% floor, school size and class size.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, BinaryIO

from pydantic import BaseModel, Field, PrivateAttr
from typing_extensions import TypedDict  # pydantic needs this one before Python 3.12

from edustat.indicators import indicators_for, name_in
from edustat.norms import Norms, SchoolPassRule
from edustat.results import Phrase, Report, Sheets
from edustat.schema import STAGE_ZH, STAGES
from edustat.school_verdicts import judge as judge  # where callers have imported it from
from edustat.school_verdicts import judge_units, size_and_class_size
from edustat.texts import Lang

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

# What a shortfall of each resource is counted in; every unit is rounded up to a whole one.
SHORTFALL_UNITS: dict[str, str] = {
    "degree_teachers": "teachers",
    "backbone_teachers": "teachers",
    "arts_pe_teachers": "teachers",
    "teaching_area": "m2",
    "sports_area": "m2",
    "equipment_value": "yuan",
    "multimedia_rooms": "rooms",
}

# What pydantic_core.to_json({"results": [...]}, indent=1) puts around the records.
_CHUNK_HEAD, _CHUNK_TAIL = b'{\n "results": [', b"\n ]\n}"


class StandardCheck(TypedDict):
    """One unit against one per-school standard.

    A typed dict, not a model: a national file has over a million of them, and a model each
    costs five times the time and twice the memory.
    """

    key: str
    # The indicator's Chinese name; the report's JSON words it in the language asked for.
    name: str
    value: float
    standard: float
    meets: bool
    below_floor: bool  # below floor_share of the standard: the unit fails whatever else it meets
    shortfall: int  # whole units (see `unit`) needed to meet the standard; 0 when it is met
    unit: str  # teachers, m2, yuan or rooms


class SchoolStandardsResult(BaseModel):
    """One school unit (a school, or one stage of a mixed school) against the standards."""

    county: str | None
    year: int | None
    school_id: str | None
    school_name: str | None
    school_type: str | None
    stage: str
    students: int
    indicators: list[StandardCheck]
    met: int
    passes: bool
    school_size: int  # the whole school's students in its compulsory stages
    size_limit: float | None
    size_ok: bool | None
    classes: int | None
    class_size: float | None
    class_size_limit: float | None
    class_size_ok: bool | None
    notes: list[Phrase] = Field(default_factory=list)


class ShortfallTotal(BaseModel):
    """One resource's shortfall summed over the units of a county, year and stage."""

    key: str
    resource: str
    unit: str
    shortfall: int
    schools_short: int


class StandardsTotal(BaseModel):
    """A county, year and stage: how many units pass, and everything its units lack."""

    county: str | None
    year: int | None
    stage: str
    schools: int
    passing: int
    failing: int
    shortfalls: list[ShortfallTotal]


class StandardsReport(Report):
    """Everything `edustat standards` computes; `to_dict()` gives the documented JSON."""

    standards: str  # the name of the norms applied (national, or a province's file)
    pass_rule: SchoolPassRule
    results: list[SchoolStandardsResult]
    totals: list[StandardsTotal]

    # The units as columns when the report is streamed (compute_standards(stream=True)); the
    # writers below then build the records a chunk at a time instead of reading `results`.
    _table: _UnitTable | None = PrivateAttr(default=None)

    def _records(self) -> Iterator[Mapping[str, Any]]:
        """Each unit's result as a mapping of the model's fields, in result order."""
        if self._table is None:
            yield from (vars(result) for result in self.results)
        else:
            for chunk in self._table.chunks():
                yield from chunk

    def to_json_bytes(self, indent: int | None = 1, *, lang: Lang = "zh") -> bytes:
        """The JSON; in another language than Chinese the standards' names are reworded.

        A national file has a million standard checks: their names are plain Chinese strings,
        serialized at no cost, and reworded in the finished JSON (each name is a fixed
        catalogue text, written only as a check's "name")."""
        data = super().to_json_bytes(indent, lang=lang)
        for zh_name in {check["name"] for result in self.results[:1]
                        for check in result.indicators} if lang != "zh" else ():
            for separator in (b": ", b":"):
                data = data.replace(b'"name"' + separator + _quoted(zh_name),
                                    b'"name"' + separator + _quoted(name_in(zh_name, lang)))
        return data

    def to_dict(self, lang: Lang = "zh") -> dict[str, Any]:
        """The JSON as Python objects, the standards' names in `lang`."""
        data = super().to_dict(lang)
        for result in data["results"]:
            for check in result["indicators"]:
                check["name"] = name_in(check["name"], lang)
        return data

    def csv_rows(self, lang: Lang = "zh") -> Iterator[dict[str, Any]]:
        """One flat record per school unit, each standard as value/standard/meets/shortfall."""
        for result in self._records():
            row: dict[str, Any] = {key: result[key] for key in (
                "county", "year", "school_id", "school_name", "school_type", "stage",
                "students")}
            for check in result["indicators"]:
                key = check["key"]
                row[key] = check["value"]
                row[f"{key}_standard"] = check["standard"]
                row[f"{key}_meets"] = check["meets"]
                row[f"{key}_shortfall"] = check["shortfall"]
            row.update({key: result[key] for key in (
                "met", "passes", "school_size", "size_limit", "size_ok", "classes",
                "class_size", "class_size_limit", "class_size_ok")})
            row["notes"] = "; ".join(note.word(lang) for note in result["notes"])
            yield row

    def to_rows(self, lang: Lang = "zh") -> list[dict[str, Any]]:
        """One flat record per school unit, each standard as value/standard/meets/shortfall."""
        return list(self.csv_rows(lang))

    def write_json(self, out: BinaryIO, lang: Lang = "zh") -> None:
        """The JSON, byte for byte `to_json_bytes()` of the whole report, with the results
        written a chunk at a time when the report is streamed."""
        import pydantic_core

        if self._table is None or not len(self._table):
            super().write_json(out, lang)
            return
        from edustat.jsonstream import split_frame, write_list

        # The report without its results, split where they go: the same serializer writes the
        # frame, and each chunk of records, serialized at the same depth, fills the gap.
        head, tail = split_frame(self.to_json_bytes(lang=lang), "results")
        names = {ind.key: ind.label(lang) for ind in self._table.indicators}
        no_classes = {stage: [Phrase(code="note.standards.no_classes",
                                     params={"stage": {"zh": STAGE_ZH[stage], "en": stage}}
                                     ).word(lang)] for stage in STAGES}

        def chunks() -> Iterator[memoryview]:
            assert self._table is not None
            for chunk in self._table.chunks(names=names, no_classes=no_classes):
                # b'{\n "results": [' + the records as deep as in the report + b'\n ]\n}',
                # sliced without a copy.
                data = memoryview(pydantic_core.to_json({"results": chunk}, indent=1))
                yield data[len(_CHUNK_HEAD):-len(_CHUNK_TAIL)]

        write_list(out, head, chunks(), tail + b"\n")

    def totals_rows(self) -> list[dict[str, Any]]:
        """One flat record per (county, year, stage, resource) of the shortfall totals."""
        return [{"county": total.county, "year": total.year, "stage": total.stage,
                 "schools": total.schools, "passing": total.passing, "failing": total.failing,
                 "key": item.key, "resource": item.resource, "unit": item.unit,
                 "shortfall": item.shortfall, "schools_short": item.schools_short}
                for total in self.totals for item in total.shortfalls]

    def sheets(self, lang: Lang = "zh") -> Sheets:
        """Each school unit (what CSV holds), then the shortfall totals."""
        return {"schools": self.to_rows(lang), "totals": self.totals_rows()}

    def failed(self) -> bool:
        """True when a school unit fails the standards."""
        if self._table is not None:
            return self._table.failing
        return any(not result.passes for result in self.results)


def _quoted(text: str) -> bytes:
    """A text as a JSON string, UTF-8 (as pydantic writes it)."""
    import json

    return json.dumps(text, ensure_ascii=False).encode("utf-8")


def compute_standards(units: pd.DataFrame, schools: pd.DataFrame, norms: Norms, *,
                      per_school: bool = True, stream: bool = False) -> StandardsReport:
    """Every school unit against the per-school standards, and shortfall totals per county;
    `per_school=False` gives the totals alone (a province's figures, without 200 000 records).
    `stream=True` keeps the units as columns: `report.results` stays empty, and the report's
    writers (`write_json`, `csv_rows`, `sheets`) produce them a chunk at a time."""
    if units.empty:
        return StandardsReport(standards=norms.name, pass_rule=norms.school_pass, results=[],
                               totals=[])
    stages = units["stage"].to_numpy(dtype=object)
    students = units["students"].to_numpy(dtype=float)
    columns, met, passes = judge_units(units, norms)

    order = _result_order(units, passes, met)
    totals = _totals(units, columns, passes, order)
    if not per_school:
        return StandardsReport.model_validate({
            "standards": norms.name, "pass_rule": norms.school_pass.model_dump(),
            "results": [], "totals": totals})
    unit_table = _UnitTable(units, stages, students, met, passes, columns,
                            size_and_class_size(units, schools, norms), order)
    if stream:
        report = StandardsReport.model_validate({
            "standards": norms.name, "pass_rule": norms.school_pass.model_dump(),
            "results": [], "totals": totals})
        report._table = unit_table
        return report
    # Plain dicts validated once at the end: one pydantic call for a national file instead of a
    # model per unit.
    results = [result for chunk in unit_table.chunks() for result in chunk]
    return StandardsReport.model_validate({
        "standards": norms.name, "pass_rule": norms.school_pass.model_dump(), "results": results,
        "totals": totals})


class _UnitTable:
    """Every unit's results as columns, turned into result records a chunk at a time.

    A national file has 200 000 units and 1.4 million checks: held as records they take a
    gigabyte, as columns a few megabytes; a report streamed to a file builds each chunk, writes
    it and lets it go.
    """

    def __init__(self, units: pd.DataFrame, stages: np.ndarray, students: np.ndarray,
                 met: np.ndarray, passes: np.ndarray, columns: dict[str, dict[str, np.ndarray]],
                 limits: dict[str, np.ndarray], order: np.ndarray) -> None:
        import numpy as np

        self.order = order
        self.failing = bool((~passes).any())
        self.fields: dict[str, Any] = {
            **{key: np.asarray(units[key], dtype=object)
               for key in ("county", "year", "school_id", "school_name", "school_type")},
            "stage": stages, "students": students.astype(np.int64), "met": met,
            "passes": passes, **limits}
        self.indicators = indicators_for("quality")
        self.columns = columns

    def __len__(self) -> int:
        return len(self.order)

    def chunks(self, size: int = 5000, names: dict[str, Any] | None = None,
               no_classes: dict[str, list[Any]] | None = None
               ) -> Iterator[list[dict[str, Any]]]:
        """The result records in result order, `size` at a time, keys in the model's order.

        Indicator names are the Chinese ones and the no-classes note a Phrase unless given
        (worded, for JSON)."""
        import numpy as np

        if names is None:  # the Chinese names, worded in the JSON's language when serialized
            names = {ind.key: ind.label("zh") for ind in self.indicators}
        if no_classes is None:
            no_classes = {stage: [Phrase(code="note.standards.no_classes",
                                         params={"stage": {"zh": STAGE_ZH[stage], "en": stage}})]
                          for stage in STAGES}
        for start in range(0, len(self.order), size):
            index = self.order[start:start + size]

            def take(array: Any, index: Any = index) -> list[Any]:
                """The values of `array` at `index`, as Python objects, NaN as None."""
                return [None if v != v else v
                        for v in np.asarray(array[index], dtype=object).tolist()]

            field = {key: take(values) for key, values in self.fields.items()}
            field["county"] = [_text(v) for v in field["county"]]
            field["year"] = [None if v is None else int(v) for v in field["year"]]
            field["school_id"] = [_text(v) for v in field["school_id"]]
            field["school_name"] = [_text(v) for v in field["school_name"]]
            # One list of check dicts per standard, then one row of them per unit (zip is the
            # fast path).
            checks = [
                [{"key": ind.key, "name": names[ind.key], "value": value, "standard": standard,
                  "meets": meets, "below_floor": below, "shortfall": shortfall,
                  "unit": SHORTFALL_UNITS[ind.resource]}
                 for value, standard, meets, below, shortfall in zip(
                     *(take(self.columns[ind.key][part])
                       for part in ("value", "standard", "meets", "below_floor", "shortfall")),
                     strict=True)]
                for ind in self.indicators]
            field["indicators"] = [list(unit_checks) for unit_checks in zip(*checks, strict=True)]
            field["notes"] = [[] if class_size is not None else list(no_classes[stage])
                              for class_size, stage in zip(field["class_size"], field["stage"],
                                                           strict=True)]
            keys = list(SchoolStandardsResult.model_fields)
            yield [dict(zip(keys, values, strict=True))
                   for values in zip(*(field[key] for key in keys), strict=True)]


def _result_order(units: pd.DataFrame, passes: np.ndarray, met: np.ndarray) -> np.ndarray:
    """County, year, stage (primary first); within each, failing units first, fewest met first."""
    import pandas as pd

    stage_order = {stage: i for i, stage in enumerate(STAGES)}
    keys = pd.DataFrame({
        "no_county": units["county"].isna().to_numpy(),
        "county": units["county"].astype(object).fillna("").astype(str).to_numpy(),
        "no_year": units["year"].isna().to_numpy(),
        "year": units["year"].fillna(0).to_numpy(),
        "stage": units["stage"].map(stage_order).to_numpy(),
        "passes": passes, "met": met,
        "school_id": units["school_id"].astype(str).to_numpy()})
    return keys.sort_values(list(keys.columns), kind="stable").index.to_numpy()


def _totals(units: pd.DataFrame, columns: dict[str, dict[str, np.ndarray]],
            passes: np.ndarray, order: np.ndarray) -> list[dict[str, Any]]:
    """Shortfalls summed per county, year and stage, in the order of the results."""
    import pandas as pd

    frame = pd.DataFrame({"county": units["county"], "year": units["year"],
                          "stage": units["stage"], "passes": passes})
    for key, column in columns.items():
        frame[f"{key}:shortfall"] = column["shortfall"]
        frame[f"{key}:short"] = column["shortfall"] > 0
    # Grouping the units in result order keeps the groups in that order too.
    sums = frame.iloc[order].groupby(["county", "year", "stage"], sort=False, dropna=False).agg(
        schools=("passes", "size"), passing=("passes", "sum"),
        **{f"{key}:{part}": (f"{key}:{part}", "sum") for key in columns
           for part in ("shortfall", "short")})
    resources = {ind.key: ind.resource for ind in indicators_for("quality")}
    # Whole columns as Python lists: a row at a time through pandas costs seconds nationally.
    column = {name: sums[name].tolist() for name in sums.columns}
    return [{"county": _text(county), "year": None if year != year else int(year),
             "stage": stage, "schools": int(column["schools"][i]),
             "passing": int(column["passing"][i]),
             "failing": int(column["schools"][i] - column["passing"][i]),
             "shortfalls": [{"key": key, "resource": resources[key],
                             "unit": SHORTFALL_UNITS[resources[key]],
                             "shortfall": int(column[f"{key}:shortfall"][i]),
                             "schools_short": int(column[f"{key}:short"][i])} for key in columns]}
            for i, (county, year, stage) in enumerate(sums.index.tolist())]


def _text(value: Any) -> str | None:
    return None if value is None or value != value else str(value)

