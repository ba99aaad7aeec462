"""The per-student indicators of the balanced-development methods (SPEC §3), as data."""

from __future__ import annotations

from functools import cache
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, PlainSerializer, SerializationInfo

from edustat.texts import Lang, t

Method = Literal["basic", "quality"]
METHODS: tuple[Method, ...] = ("basic", "quality")

# Whole-school facility resources: split between stages by weighted enrolment.
FACILITY_COLUMNS = ("teaching_area", "sports_area", "equipment_value", "computers", "books",
                    "multimedia_rooms")
# Teacher resources: each stage has its own column, {stage}_{resource}; never split.
TEACHER_RESOURCES = ("teachers", "degree_teachers", "titled_teachers", "backbone_teachers",
                     "arts_pe_teachers")


class Indicator(BaseModel):
    """One indicator: a resource per student (or per 100 students) of a school unit. Its names
    are the catalogue's `indicator.<key>.name` and `indicator.<key>.short`."""

    model_config = ConfigDict(frozen=True)

    key: str
    resource: str  # a facility column, or a teacher resource taken from the unit's stage
    per: float  # 1 for per student, 100 for per 100 students

    def column(self, stage: str) -> str:
        """The input column this indicator reads for a unit of `stage`."""
        if self.resource in FACILITY_COLUMNS:
            return self.resource
        return f"{stage}_{self.resource}"

    def label(self, lang: Lang) -> str:
        """The indicator's name in `lang`."""
        return t(f"indicator.{self.key}.name", lang)

    def short(self, lang: Lang) -> str:
        """A short column header in `lang`."""
        return t(f"indicator.{self.key}.short", lang)

    @property
    def zh(self) -> str:
        """The indicator's Chinese name."""
        return self.label("zh")


# Order follows the 2012 and 2017 documents: the quality method lists teachers first.
INDICATORS: tuple[Indicator, ...] = (
    Indicator(key="degree_teachers_per_100", resource="degree_teachers", per=100),
    Indicator(key="backbone_teachers_per_100", resource="backbone_teachers", per=100),
    Indicator(key="arts_pe_teachers_per_100", resource="arts_pe_teachers", per=100),
    Indicator(key="teaching_area_per_student", resource="teaching_area", per=1),
    Indicator(key="sports_area_per_student", resource="sports_area", per=1),
    Indicator(key="equipment_value_per_student", resource="equipment_value", per=1),
    Indicator(key="computers_per_100", resource="computers", per=100),
    Indicator(key="books_per_student", resource="books", per=1),
    Indicator(key="teachers_per_student", resource="teachers", per=1),
    Indicator(key="degree_teachers_per_student", resource="degree_teachers", per=1),
    Indicator(key="titled_teachers_per_student", resource="titled_teachers", per=1),
    Indicator(key="multimedia_rooms_per_100", resource="multimedia_rooms", per=100),
)

_BASIC_ORDER = ("teaching_area_per_student", "sports_area_per_student",
                "equipment_value_per_student", "computers_per_100", "books_per_student",
                "teachers_per_student", "degree_teachers_per_student",
                "titled_teachers_per_student")
_QUALITY_ORDER = ("degree_teachers_per_100", "backbone_teachers_per_100",
                  "arts_pe_teachers_per_100", "teaching_area_per_student",
                  "sports_area_per_student", "equipment_value_per_student",
                  "multimedia_rooms_per_100")
BY_KEY: dict[str, Indicator] = {ind.key: ind for ind in INDICATORS}


def name_in(zh_name: str, lang: Lang) -> str:
    """An indicator's name, kept in results as its Chinese name, in `lang`."""
    return _names_by_zh(lang).get(zh_name, zh_name)


@cache
def _names_by_zh(lang: Lang) -> dict[str, str]:
    return {indicator.label("zh"): indicator.label(lang) for indicator in INDICATORS}


def _name_serializer(value: str, info: SerializationInfo) -> str:
    context = info.context
    return name_in(value, context.get("lang", "zh") if isinstance(context, dict) else "zh")


# An indicator's name in a result: its Chinese name (SPEC §7.1 JSON is Chinese by default), shown
# in the language the JSON is asked in. A plain string: a national file has a million of them.
IndicatorName = Annotated[str, PlainSerializer(_name_serializer)]


def indicators_for(method: Method) -> list[Indicator]:
    """The indicators of a method, in the order its documents list them."""
    order = _BASIC_ORDER if method == "basic" else _QUALITY_ORDER
    return [BY_KEY[key] for key in order]


def needed_columns(method: Method, stages: tuple[str, ...] = ("primary", "junior")
                   ) -> dict[str, str]:
    """Input columns a method needs, each with the indicator that needs it."""
    needed: dict[str, str] = {}
    for indicator in indicators_for(method):
        for stage in stages:
            needed.setdefault(indicator.column(stage), indicator.key)
    return needed
