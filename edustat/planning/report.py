"""The result of `edustat plan` (SPEC §8): its JSON fields, its tables, its verdict."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, BinaryIO, Literal

from pydantic import BaseModel, Field, PrivateAttr
from typing_extensions import TypedDict  # pydantic needs this one before Python 3.12

from edustat.indicators import Method
from edustat.results import Report, Sheets
from edustat.texts import Lang, t

if TYPE_CHECKING:
    from edustat.planning.results import PlanTable

Reason = Literal["cv", "standard", "count"]

# The unit each whole-school column is counted in, as the returns write it (SPEC §8 JSON).
COLUMN_UNITS = {"teaching_area": "平方米", "sports_area": "平方米", "equipment_value": "元",
                "computers": "台", "books": "册", "multimedia_rooms": "间"}
TEACHER_UNIT = "名"


def column_unit(column: str) -> str:
    """The unit of an addition to `column` (teacher columns count people, 名)."""
    return COLUMN_UNITS.get(column, TEACHER_UNIT)


class PlanIndicator(BaseModel):
    """One indicator's CV before and after the plan (recomputed, not assumed)."""

    key: str
    cv_before: float
    cv_after: float
    limit: float | None
    meets_before: bool | None
    meets_after: bool | None


class Addition(TypedDict):
    """What one school adds to one whole-school column of the input, and what it costs.

    A typed dict, not a model: a province's plan has hundreds of thousands of them.
    `reason`: cv — for a coefficient; standard — for the school's own standards; count — new
    hires counted in the stage's full-time teachers (costed on their own rows).
    """

    school_id: str | None
    school_name: str | None
    column: str
    amount: float
    unit: str
    price: float
    cost: float
    reason: Reason


class Move(BaseModel):
    """Teachers moved between two schools of one county and stage (交流轮岗)."""

    column: str
    count: int
    from_school_id: str | None
    from_school_name: str | None
    to_school_id: str | None
    to_school_name: str | None


class PlanResult(BaseModel):
    """The plan of one county, year and stage, and its verdicts before and after."""

    county: str | None
    year: int | None
    stage: str
    schools: int
    meets_before: bool
    meets_after: bool
    indicators: list[PlanIndicator]
    composite_before: float
    composite_after: float
    composite_limit: float | None
    schools_failing_before: int | None  # per-school standards (quality); None for basic
    schools_failing_after: int | None
    additions: list[Addition]
    moves: list[Move] = Field(default_factory=list)
    cost: float
    notes: list[str] = Field(default_factory=list)


class PlanReport(Report):
    """Everything `edustat plan` computes; its fields are the JSON of SPEC §8."""

    standard: Method
    prices: dict[str, float]
    results: list[PlanResult]
    cost: float  # the total over every county, year and stage, yuan

    # The results as records and the additions as columns (edustat.planning.results): the JSON
    # is written from them. A streamed report (compute_plan(stream=True)) leaves `results`
    # empty; whatever reads them then gets them built (`full`).
    _table: PlanTable | None = PrivateAttr(default=None)

    def _streamed(self) -> bool:
        return self._table is not None and not self.results and bool(self._table.records)

    def full(self) -> PlanReport:
        """The report with its results as models (itself unless it is streamed)."""
        from edustat.planning.results import materialize

        if not self._streamed():
            return self
        assert self._table is not None
        return materialize(self, self._table)

    def failed(self) -> bool:
        """True when some county or stage still misses a limit after the plan."""
        if self._streamed():
            assert self._table is not None
            return any(not record["meets_after"] for record in self._table.records)
        return any(not result.meets_after for result in self.results)

    def to_dict(self, lang: Lang = "zh") -> dict[str, Any]:
        """The documented JSON as Python objects."""
        full = self.full()
        return full.model_dump(context={"lang": lang})

    def to_json_bytes(self, indent: int | None = 1, *, lang: Lang = "zh") -> bytes:
        """The documented JSON as UTF-8 bytes (a streamed report writes it from its columns)."""
        if indent == 1 and self._streamed():
            import io

            buffer = io.BytesIO()
            self.write_json(buffer, lang)
            return buffer.getvalue()[:-1]
        return super(PlanReport, self.full()).to_json_bytes(indent, lang=lang)

    def write_json(self, out: BinaryIO, lang: Lang = "zh") -> None:
        """The JSON and a final newline, byte for byte `to_json_bytes()` of the whole report,
        written a chunk of results at a time, the additions from their columns."""
        from edustat.planning.results import write_plan_json

        if self._table is None:
            super().write_json(out, lang)
            return
        write_plan_json(self, self._table, out)

    def sheets(self, lang: Lang = "zh") -> Sheets:
        """Additions (what a school adds, to hand to finance), CVs, and teacher moves."""
        if self._streamed():
            return self.full().sheets(lang)
        additions, indicators, moves = [], [], []
        for r in self.results:
            place = {"county": r.county, "year": r.year, "stage": r.stage}
            for a in r.additions:
                additions.append({
                    **place, "school_id": a["school_id"], "school_name": a["school_name"],
                    "column": a["column"], "item": t(column_key(a["column"]), lang),
                    "amount": a["amount"], "unit": a["unit"], "price": a["price"],
                    "cost": a["cost"], "cost_wan": a["cost"] / 10_000,
                    "reason": a["reason"], "why": t(f"plan.reason_{a['reason']}", lang)})
            for i in r.indicators:
                indicators.append({**place, "key": i.key, "cv_before": i.cv_before,
                                   "cv_after": i.cv_after, "limit": i.limit,
                                   "meets_before": i.meets_before, "meets_after": i.meets_after})
            for m in r.moves:
                moves.append({**place, **m.model_dump()})
        return {"additions": additions, "indicators": indicators, "moves": moves}


def _base(column: str) -> str:
    """A teacher column without its stage (primary_backbone_teachers -> backbone_teachers)."""
    for stage in ("primary_", "junior_"):
        if column.startswith(stage):
            return column[len(stage):]
    return column


def column_key(column: str) -> str:
    """The catalogue key naming a whole-school column."""
    return f"plan.column.{_base(column)}"


def dump_row(result: PlanResult) -> dict[str, Any]:
    """A result as a plain dict (for tests and scripts)."""
    return result.model_dump()
