"""The data dictionary: every column edustat reads, its Chinese aliases, unit and constraints.

This module is the single source for the loader (header matching), the validator (types, ranges,
subsets), `edustat template` and the README's column table. It holds the tables' columns and the
values their categories take; what a column is and how a header is matched to one are in
`edustat.columns`, whose names are importable from here too. It imports pydantic only, so that
the command line can start without pandas.
"""

from __future__ import annotations

from edustat.columns import (
    NAME_SUFFIX_UNITS,
    NUMERIC_KINDS,
    UNIT_FACTORS,
    UPPER_BOUNDS,
    ColumnSpec,
    HeaderMatch,
    Kind,
    TableSpec,
    UnknownUnit,
    accepted_units,
    match_header,
    normalize_header,
    split_unit,
)

# Everything public, including the names of edustat.columns that importers find here.
__all__ = [
    "CLAIMS",
    "EXAMS",
    "EXAM_CATEGORIES",
    "EXAM_VALUES",
    "EXAM_ZH",
    "NAME_SUFFIX_UNITS",
    "NUMERIC_KINDS",
    "POPULATION",
    "SCHOOLS",
    "SCHOOL_TYPE_STAGES",
    "SCHOOL_TYPE_VALUES",
    "SCHOOL_TYPE_ZH",
    "STAGES",
    "STAGE_ZH",
    "SYSTEM_GRADES",
    "SYSTEM_ZH",
    "TABLES",
    "UNIT_FACTORS",
    "UPPER_BOUNDS",
    "ColumnSpec",
    "HeaderMatch",
    "Kind",
    "TableSpec",
    "UnknownUnit",
    "accepted_units",
    "dictionary_markdown",
    "grade_column",
    "match_header",
    "normalize_header",
    "split_unit",
    "template_header",
]

STAGES = ("primary", "junior")
STAGE_ZH = {"primary": "小学", "junior": "初中", "senior": "高中"}

# school_type values: canonical key -> the stages a school of that type may teach.
SCHOOL_TYPE_STAGES: dict[str, tuple[str, ...]] = {
    "primary": ("primary",),
    "junior": ("junior",),
    "nine_year": ("primary", "junior"),
    "complete_secondary": ("junior", "senior"),
    "twelve_year": ("primary", "junior", "senior"),
    "senior": ("senior",),
}
SCHOOL_TYPE_ZH = {
    "primary": "小学",
    "junior": "初中",
    "nine_year": "九年一贯制学校",
    "complete_secondary": "完全中学",
    "twelve_year": "十二年一贯制学校",
    "senior": "高级中学",
}
# Every spelling accepted for a school type, including the national 办学类型 codes.
SCHOOL_TYPE_VALUES: dict[str, str] = {
    "primary": "primary", "小学": "primary", "211": "primary", "218": "primary",
    "小学教学点": "primary", "教学点": "primary",
    "junior": "junior", "初中": "junior", "初级中学": "junior", "311": "junior",
    "nine_year": "nine_year", "九年一贯制": "nine_year", "九年一贯制学校": "nine_year",
    "312": "nine_year",
    "complete_secondary": "complete_secondary", "完全中学": "complete_secondary",
    "341": "complete_secondary",
    "twelve_year": "twelve_year", "十二年一贯制": "twelve_year", "十二年一贯制学校": "twelve_year",
    "345": "twelve_year",
    "senior": "senior", "高中": "senior", "高级中学": "senior", "342": "senior",
}

EXAM_VALUES: dict[str, str] = {"gaokao": "gaokao", "高考": "gaokao", "zhongkao": "zhongkao",
                               "中考": "zhongkao"}
EXAM_ZH = {"gaokao": "高考", "zhongkao": "中考"}
# The count columns that belong to each exam (SPEC §2.3); a row of one exam carries only its own.
EXAM_CATEGORIES: dict[str, tuple[str, ...]] = {
    "gaokao": ("tier1", "tier2", "arts_sports"),
    "zhongkao": ("key_unified", "key_quota", "key_specialty"),
}

_GRADE_ZH = ("一", "二", "三", "四", "五", "六", "七", "八", "九")

# School systems (学制, SPEC §5): the grades of each compulsory stage. 6-3 is the national default;
# under 5-4 grade 6 is the first junior grade, so 初一/初二/初三 are deliberately not grade aliases.
SYSTEM_GRADES: dict[str, dict[str, tuple[int, ...]]] = {
    "6-3": {"primary": (1, 2, 3, 4, 5, 6), "junior": (7, 8, 9)},
    "5-4": {"primary": (1, 2, 3, 4, 5), "junior": (6, 7, 8, 9)},
}
SYSTEM_ZH = {"6-3": "六三学制", "5-4": "五四学制"}


def grade_column(grade: int) -> str:
    """The canonical column of a grade's enrolment (grade1_students … grade9_students)."""
    return f"grade{grade}_students"


_TEACHER_HEADS = ("专任教师", "专任教师数", "教师")


def _teacher_paths(zh: str, *leaves: str) -> tuple[str, ...]:
    """Paths of a teacher column under the 专任教师 / stage / leaf header of the 基表."""
    return tuple(f"{head}/{zh}/{leaf}" if leaf else f"{head}/{zh}"
                 for head in _TEACHER_HEADS for leaf in leaves)


def _teacher_columns(stage: str) -> list[ColumnSpec]:
    zh = STAGE_ZH[stage]
    total = f"{stage}_teachers"
    return [
        ColumnSpec(name=total, zh=f"{zh}专任教师数", aliases=(f"{zh}专任教师",), kind=Kind.COUNT,
                   unit="人", en=f"full-time {stage} teachers",
                   paths=_teacher_paths(zh, "合计", "")),
        ColumnSpec(name=f"{stage}_degree_teachers", zh=f"{zh}高于规定学历教师数",
                   aliases=(f"{zh}高学历教师数",), kind=Kind.COUNT, unit="人", at_most=total,
                   en="teachers above the required qualification",
                   paths=_teacher_paths(zh, "高于规定学历", "高学历")),
        ColumnSpec(name=f"{stage}_titled_teachers", zh=f"{zh}中级及以上职称教师数",
                   aliases=(f"{zh}中级及以上专业技术职务教师数",), kind=Kind.COUNT, unit="人",
                   at_most=total, en="teachers with intermediate or higher title",
                   paths=_teacher_paths(zh, "中级及以上职称", "中级及以上专业技术职务")),
        ColumnSpec(name=f"{stage}_backbone_teachers", zh=f"{zh}县级以上骨干教师数",
                   kind=Kind.COUNT, unit="人", at_most=total,
                   en="county-level or higher backbone teachers",
                   paths=_teacher_paths(zh, "县级以上骨干", "骨干教师")),
        ColumnSpec(name=f"{stage}_arts_pe_teachers", zh=f"{zh}体育艺术专任教师数",
                   aliases=(f"{zh}体育、艺术专任教师数", f"{zh}音体美专任教师数"),
                   kind=Kind.COUNT, unit="人", at_most=total, en="PE and arts teachers",
                   paths=_teacher_paths(zh, "体育艺术", "体育、艺术", "音体美")),
    ]


def _stage_paths(zh: str, *heads: str) -> tuple[str, ...]:
    """Paths of a per-stage column under a head cell (在校生数 / 小学)."""
    return tuple(f"{head}/{zh}" for head in heads)


_STUDENT_HEADS = ("在校生数", "在校学生数", "学生数")


_ID_COLUMNS = [
    ColumnSpec(name="school_id", zh="学校标识码", aliases=("学校代码", "学校编号"),
               kind=Kind.TEXT, required=True, en="school identifier, unique within a year"),
    ColumnSpec(name="school_name", zh="学校名称", kind=Kind.TEXT, required=True,
               en="school name"),
    ColumnSpec(name="county", zh="县区", aliases=("区县", "所属县区", "旗县", "旗县区", "县(区)"),
               kind=Kind.TEXT, en="county; absent: the whole file is one county"),
    ColumnSpec(name="year", zh="年份", aliases=("学年", "统计年份"), kind=Kind.YEAR,
               en="year; absent: a 4-digit year in the file name"),
]

SCHOOLS = TableSpec(
    name="schools",
    columns=(
        *_ID_COLUMNS,
        ColumnSpec(name="school_type", zh="学校类型", aliases=("办学类型", "学校类别"),
                   kind=Kind.CATEGORY,
                   en="primary/junior/nine_year/complete_secondary/twelve_year/senior or "
                      "Chinese or 办学类型 code; absent: inferred from student counts"),
        ColumnSpec(name="parent_school_id", zh="所属学校标识码",
                   aliases=("所属中心校标识码", "所属学校代码", "所属中心校代码"), kind=Kind.TEXT,
                   en="teaching points (教学点): the school they belong to (SPEC §2.1)"),
        ColumnSpec(name="counts_as_school", zh="是否计校数", aliases=("计校数",), kind=Kind.TEXT,
                   en="否/0 marks a teaching point"),
        ColumnSpec(name="primary_students", zh="小学在校生数", aliases=("小学学生数",),
                   kind=Kind.COUNT, unit="人", en="primary students",
                   paths=_stage_paths("小学", *_STUDENT_HEADS)),
        ColumnSpec(name="junior_students", zh="初中在校生数", aliases=("初中学生数",),
                   kind=Kind.COUNT, unit="人", en="junior secondary students",
                   paths=_stage_paths("初中", *_STUDENT_HEADS)),
        ColumnSpec(name="senior_students", zh="高中在校生数", aliases=("高中学生数",),
                   kind=Kind.COUNT, unit="人", en="senior secondary students",
                   paths=_stage_paths("高中", *_STUDENT_HEADS)),
        ColumnSpec(name="primary_classes", zh="小学班级数", aliases=("小学班数",),
                   kind=Kind.COUNT, unit="个", en="primary classes",
                   paths=_stage_paths("小学", "班级数", "班数")),
        ColumnSpec(name="junior_classes", zh="初中班级数", aliases=("初中班数",),
                   kind=Kind.COUNT, unit="个", en="junior classes",
                   paths=_stage_paths("初中", "班级数", "班数")),
        ColumnSpec(name="teaching_area", zh="教学及辅助用房面积", kind=Kind.AREA, unit="平方米",
                   en="teaching and auxiliary rooms, m²"),
        ColumnSpec(name="sports_area", zh="体育运动场馆面积", aliases=("体育运动场(馆)面积",),
                   kind=Kind.AREA, unit="平方米", en="sports grounds and halls, m²"),
        ColumnSpec(name="equipment_value", zh="教学仪器设备值", aliases=("教学仪器设备资产值",),
                   kind=Kind.MONEY, unit="元", en="teaching equipment value, yuan"),
        ColumnSpec(name="computers", zh="计算机台数",
                   aliases=("教学用计算机台数", "教学用计算机", "计算机"),
                   kind=Kind.COUNT, unit="台", en="computers (for teaching where given)",
                   paths=("计算机/教学用", "计算机/教学用计算机", "计算机台数/教学用"),
                   fallback_paths=("计算机/合计", "计算机台数/合计")),
        ColumnSpec(name="books", zh="图书册数", aliases=("图书藏量", "图书"), kind=Kind.COUNT,
                   unit="册", en="library books"),
        ColumnSpec(name="multimedia_rooms", zh="网络多媒体教室数",
                   aliases=("多媒体教室数", "网络多媒体教室", "多媒体教室"),
                   kind=Kind.COUNT, unit="间", en="networked multimedia classrooms"),
        *_teacher_columns("primary"),
        *_teacher_columns("junior"),
        *[
            ColumnSpec(name=f"grade{g}_students", zh=f"{_GRADE_ZH[g - 1]}年级在校生数",
                       aliases=(f"{_GRADE_ZH[g - 1]}年级学生数", f"{_GRADE_ZH[g - 1]}年级人数",
                                f"{_GRADE_ZH[g - 1]}年级"), kind=Kind.COUNT, unit="人",
                       en=f"students in grade {g}",
                       paths=_stage_paths(f"{_GRADE_ZH[g - 1]}年级", *_STUDENT_HEADS))
            for g in range(1, 10)
        ],
        ColumnSpec(name="primary_age_population", zh="小学适龄人口数",
                   aliases=("小学学龄人口数", "小学适龄人口"), kind=Kind.COUNT, unit="人",
                   en="primary school-age population"),
        ColumnSpec(name="junior_age_population", zh="初中适龄人口数",
                   aliases=("初中学龄人口数", "初中适龄少年数", "初中适龄人口"),
                   kind=Kind.COUNT, unit="人",
                   en="junior school-age population"),
        ColumnSpec(name="primary_age_enrolled", zh="在校小学适龄儿童数",
                   aliases=("小学适龄儿童在校数", "已入学小学适龄儿童数"),
                   kind=Kind.COUNT, unit="人",
                   en="primary school-age children enrolled (any level)"),
        ColumnSpec(name="dropouts", zh="辍学学生数", aliases=("辍学人数", "辍学学生人数"),
                   kind=Kind.COUNT,
                   unit="人", en="dropouts during the school year (a single-stage school)"),
        ColumnSpec(name="primary_dropouts", zh="小学辍学学生数",
                   aliases=("小学辍学人数", "小学辍学学生人数"), kind=Kind.COUNT, unit="人",
                   en="primary dropouts during the school year"),
        ColumnSpec(name="junior_dropouts", zh="初中辍学学生数",
                   aliases=("初中辍学人数", "初中辍学学生人数"), kind=Kind.COUNT, unit="人",
                   en="junior dropouts during the school year"),
        ColumnSpec(name="cohort_transfers_in", zh="该届累计转入学生数",
                   aliases=("该届学生累计转入数", "该届累计转入人数"), kind=Kind.COUNT, unit="人",
                   en="graduating cohort's transfers in, cumulative"),
        ColumnSpec(name="cohort_transfers_out", zh="该届累计转出学生数",
                   aliases=("该届学生累计转出数", "该届累计转出人数"), kind=Kind.COUNT, unit="人",
                   en="graduating cohort's transfers out, cumulative"),
    ),
)

POPULATION = TableSpec(
    name="population",
    columns=(
        ColumnSpec(name="county", zh="县区", aliases=_ID_COLUMNS[2].aliases, kind=Kind.TEXT,
                   en="county"),
        ColumnSpec(name="year", zh="年份", aliases=("学年", "统计年份"), kind=Kind.YEAR,
                   en="year"),
        SCHOOLS.column("primary_age_population"),
        SCHOOLS.column("junior_age_population"),
    ),
)

EXAMS = TableSpec(
    name="exams",
    columns=(
        _ID_COLUMNS[0].model_copy(update={"required": False}),
        _ID_COLUMNS[1].model_copy(update={"required": False}),
        _ID_COLUMNS[2],
        _ID_COLUMNS[3],
        ColumnSpec(name="exam", zh="考试", aliases=("考试类型", "考试类别", "考试名称"),
                   kind=Kind.CATEGORY,
                   required=True, en="gaokao 高考 or zhongkao 中考"),
        ColumnSpec(name="candidates", zh="考生数", aliases=("参考人数", "考生人数", "参考考生数"),
                   kind=Kind.COUNT,
                   unit="人", required=True, en="candidates, > 0"),
        ColumnSpec(name="tier1", zh="一本上线人数",
                   aliases=("一本上线数", "本科一批上线人数", "一批本科上线人数"),
                   kind=Kind.COUNT, unit="人",
                   at_most="candidates", en="gaokao tier-1 passes"),
        ColumnSpec(name="tier2", zh="二本上线人数",
                   aliases=("二本上线数", "本科二批上线人数", "二批本科上线人数"),
                   kind=Kind.COUNT, unit="人",
                   at_most="candidates", en="gaokao tier-2 passes (excluding tier 1)"),
        ColumnSpec(name="arts_sports", zh="艺体类上线人数",
                   aliases=("艺体上线人数", "艺体类本科上线人数", "艺术体育类上线人数"),
                   kind=Kind.COUNT, unit="人",
                   at_most="candidates", en="gaokao arts and sports passes"),
        ColumnSpec(name="key_unified", zh="统招录取人数",
                   aliases=("重点高中统招录取人数", "统招生录取人数"), kind=Kind.COUNT, unit="人",
                   at_most="candidates", en="zhongkao: admitted to key high schools, unified"),
        ColumnSpec(name="key_quota", zh="分招录取人数",
                   aliases=("重点高中分招录取人数", "分招生录取人数", "指标生录取人数"),
                   kind=Kind.COUNT, unit="人",
                   at_most="candidates", en="zhongkao: admitted by allocated quota"),
        ColumnSpec(name="key_specialty", zh="特长生录取人数",
                   aliases=("重点高中特长生录取人数",), kind=Kind.COUNT, unit="人",
                   at_most="candidates", en="zhongkao: admitted as specialty students"),
    ),
)

# The figures of a draft report, for `edustat check` (SPEC §7.3). `reported` is text kept exactly
# as written: its written precision (0.2740 vs 0.274, 52% vs 51.9%) is what a claim is held to.
CLAIMS = TableSpec(
    name="claims",
    columns=(
        ColumnSpec(name="figure", zh="指标", aliases=("指标键", "指标代码", "key"),
                   kind=Kind.TEXT, required=True,
                   en="figure key, e.g. coefficient.basic.primary.composite"),
        ColumnSpec(name="reported", zh="报告值", aliases=("报告数值", "填报值", "value"),
                   kind=Kind.TEXT, required=True,
                   en="the value as written in the report: 0.2740, 52%, 1,234"),
        _ID_COLUMNS[2].model_copy(update={"en": "county; needed when the data has several"}),
        _ID_COLUMNS[3].model_copy(update={"en": "year; needed when the data has several"}),
        ColumnSpec(name="note", zh="备注", aliases=("说明", "出处", "位置", "页码", "page"),
                   kind=Kind.TEXT,
                   en="where the figure stands in the report; shown beside the result"),
    ),
)

TABLES: dict[str, TableSpec] = {t.name: t for t in (SCHOOLS, POPULATION, EXAMS, CLAIMS)}

def template_header(spec: ColumnSpec) -> str:
    """The Chinese header `edustat template` writes, with its unit in full-width brackets."""
    if spec.kind in (Kind.AREA, Kind.MONEY) and spec.unit:
        return f"{spec.zh}（{spec.unit}）"
    return spec.zh


def dictionary_markdown(table: TableSpec = SCHOOLS) -> str:
    """The column dictionary as a Markdown table, for the README."""
    lines = ["| column | 中文表头 | other aliases | type | unit | rule | meaning |",
             "|---|---|---|---|---|---|---|"]
    for spec in table.columns:
        rules = []
        if spec.required:
            rules.append("required")
        if spec.kind is Kind.COUNT:
            rules.append("whole, >= 0")
        elif spec.kind in (Kind.AREA, Kind.MONEY):
            rules.append(">= 0")
        if spec.at_most:
            rules.append(f"<= {spec.at_most}")
        aliases = ", ".join(spec.aliases) or ""
        lines.append(f"| `{spec.name}` | {spec.zh} | {aliases} | {spec.kind.value} | "
                     f"{spec.unit or ''} | {'; '.join(rules)} | {spec.en} |")
    return "\n".join(lines)
