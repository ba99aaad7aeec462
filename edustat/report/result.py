"""What `edustat report` did: the workbooks written (sheets, charts) and the headline verdicts."""

from __future__ import annotations

from pydantic import BaseModel

from edustat.results import Report, Sheets
from edustat.texts import Lang


class SheetWritten(BaseModel):
    """One sheet of a written workbook."""

    name: str
    kind: str  # cover, calc, standards, charts, trend, exams, enrolment
    charts: int


class WorkbookWritten(BaseModel):
    """One workbook written (one per county in a folder of several)."""

    path: str
    county: str | None
    years: list[int | None]
    sheets: list[SheetWritten]
    charts: int
    formulas: int  # live formula cells, each written with its computed value
    plan_cost: float | None = None  # yuan, with --plan


class FailingIndicator(BaseModel):
    """An indicator whose CV is over its limit (quality method)."""

    key: str
    cv: float
    limit: float


class CoefficientVerdict(BaseModel):
    """One county, year, stage and method: the composite and whether it meets the standard."""

    county: str | None
    year: int | None
    stage: str
    standard: str
    composite: float
    limit: float | None
    meets: bool
    failing: list[FailingIndicator]  # indicators over their limit (quality)


class StandardsVerdict(BaseModel):
    """How many school units of a county, year and stage pass the per-school standards."""

    county: str | None
    year: int | None
    stage: str
    schools: int
    passing: int


class WorkbookReport(Report):
    """The result of `edustat report`; its JSON lists what was written and the verdicts."""

    files: list[str]
    workbooks: list[WorkbookWritten]
    coefficients: list[CoefficientVerdict]
    standards: list[StandardsVerdict]

    def sheets(self, lang: Lang = "zh") -> Sheets:
        """The verdicts as a table (what --format csv gives)."""
        return {"coefficients": [v.model_dump() for v in self.coefficients],
                "standards": [v.model_dump() for v in self.standards]}

    def failed(self) -> bool:
        """True when a county, stage and method does not meet its standard."""
        return any(not v.meets for v in self.coefficients)
