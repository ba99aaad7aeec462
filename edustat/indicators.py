"""The per-student indicators of the balanced-development methods (SPEC §3), as data."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Method = Literal["basic", "quality"]
METHODS: tuple[Method, ...] = ("basic", "quality")

# Whole-school facility resources: split between stages by weighted enrolment.
FACILITY_COLUMNS = ("teaching_area", "sports_area", "equipment_value", "computers", "books",
                    "multimedia_rooms")
# Teacher resources: each stage has its own column, {stage}_{resource}; never split.
TEACHER_RESOURCES = ("teachers", "degree_teachers", "titled_teachers", "backbone_teachers",
                     "arts_pe_teachers")


class Indicator(BaseModel):
    """One indicator: a resource per student (or per 100 students) of a school unit."""

    model_config = ConfigDict(frozen=True)

    key: str
    zh: str
    en: str
    short_zh: str  # column header in wide tables
    short_en: str
    resource: str  # a facility column, or a teacher resource taken from the unit's stage
    per: float  # 1 for per student, 100 for per 100 students

    def column(self, stage: str) -> str:
        """The input column this indicator reads for a unit of `stage`."""
        if self.resource in FACILITY_COLUMNS:
            return self.resource
        return f"{stage}_{self.resource}"

    def label(self, lang: str) -> str:
        """The indicator's name in `lang`."""
        return self.zh if lang == "zh" else self.en

    def short(self, lang: str) -> str:
        """A short column header in `lang`."""
        return self.short_zh if lang == "zh" else self.short_en


# Order follows the 2012 and 2017 documents: the quality method lists teachers first.
INDICATORS: tuple[Indicator, ...] = (
    Indicator(key="degree_teachers_per_100", short_zh="百生高学历教师", short_en="degree/100",
              zh="每百名学生拥有高于规定学历教师数",
              en="teachers above required degree per 100 students", resource="degree_teachers",
              per=100),
    Indicator(key="backbone_teachers_per_100", short_zh="百生骨干教师", short_en="backbone/100",
              zh="每百名学生拥有县级以上骨干教师数",
              en="backbone teachers per 100 students", resource="backbone_teachers", per=100),
    Indicator(key="arts_pe_teachers_per_100", short_zh="百生体艺教师", short_en="arts-PE/100",
              zh="每百名学生拥有体育、艺术专任教师数",
              en="PE and arts teachers per 100 students", resource="arts_pe_teachers", per=100),
    Indicator(key="teaching_area_per_student", short_zh="生均校舍", short_en="teach m²",
              zh="生均教学及辅助用房面积",
              en="teaching space per student (m²)", resource="teaching_area", per=1),
    Indicator(key="sports_area_per_student", short_zh="生均场馆", short_en="sports m²",
              zh="生均体育运动场馆面积",
              en="sports space per student (m²)", resource="sports_area", per=1),
    Indicator(key="equipment_value_per_student", short_zh="生均设备值", short_en="equip ¥",
              zh="生均教学仪器设备值",
              en="equipment value per student (yuan)", resource="equipment_value", per=1),
    Indicator(key="computers_per_100", short_zh="百生计算机", short_en="PCs/100",
              zh="每百名学生拥有计算机台数",
              en="computers per 100 students", resource="computers", per=100),
    Indicator(key="books_per_student", short_zh="生均图书", short_en="books",
              zh="生均图书册数", en="books per student",
              resource="books", per=1),
    Indicator(key="teachers_per_student", short_zh="师生比", short_en="teachers",
              zh="师生比", en="teachers per student",
              resource="teachers", per=1),
    Indicator(key="degree_teachers_per_student", short_zh="生均高学历教师", short_en="degree",
              zh="生均高于规定学历教师数",
              en="teachers above required degree per student", resource="degree_teachers",
              per=1),
    Indicator(key="titled_teachers_per_student", short_zh="生均高职称教师", short_en="titled",
              zh="生均中级及以上专业技术职务教师数",
              en="teachers with intermediate+ title per student", resource="titled_teachers",
              per=1),
    Indicator(key="multimedia_rooms_per_100", short_zh="百生多媒体教室", short_en="rooms/100",
              zh="每百名学生拥有网络多媒体教室数",
              en="multimedia classrooms per 100 students", resource="multimedia_rooms", per=100),
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
