"""The data dictionary (SPEC §2, §2.1): header folding, aliases, units, the README table."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edustat.schema import (
    EXAMS,
    POPULATION,
    SCHOOL_TYPE_VALUES,
    SCHOOLS,
    TABLES,
    Kind,
    TableSpec,
    UnknownUnit,
    accepted_units,
    dictionary_markdown,
    match_header,
    normalize_header,
    split_unit,
    template_header,
)


@pytest.mark.parametrize("written, folded", [
    ("教学及辅助用房面积（平方米）", "教学及辅助用房面积(平方米)"),  # full-width brackets
    ("  学校名称 ", "学校名称"),  # surrounding spaces
    ("\u3000学校名称\u3000", "学校名称"),  # ideographic spaces
    ("学 校 名 称", "学校名称"),  # spaces inside too
    ("ｓｃｈｏｏｌ＿ｉｄ", "school_id"),  # full-width letters
    ("School_ID", "school_id"),
    ("县区：", "县区:"),  # full-width colon
    ("图书册数【册】", "图书册数(册)"),
    ("图书册数[册]", "图书册数(册)"),
    ("体育运动场〔馆〕面积", "体育运动场(馆)面积"),
])
def test_normalize_header(written: str, folded: str) -> None:
    assert normalize_header(written) == folded


@pytest.mark.parametrize("folded, parts", [
    ("教学仪器设备值(万元)", ("教学仪器设备值", "万元")),
    ("体育运动场(馆)面积(平方米)", ("体育运动场(馆)面积", "平方米")),  # only the trailing one
    ("体育运动场(馆)面积", ("体育运动场(馆)面积", None)),  # a bracket inside is no unit
    ("学校名称", ("学校名称", None)),
    ("(元)", ("(元)", None)),  # a unit alone names no column
])
def test_split_unit(folded: str, parts: tuple[str, str | None]) -> None:
    assert split_unit(folded) == parts


@pytest.mark.parametrize("header, column, factor", [
    ("学校标识码", "school_id", 1.0),
    ("学校代码", "school_id", 1.0),  # alias
    ("ｓｃｈｏｏｌ＿ｉｄ", "school_id", 1.0),
    ("SCHOOL_ID", "school_id", 1.0),
    (" 学校名称 ", "school_name", 1.0),
    ("县（区）", "county", 1.0),  # an alias that is written with brackets
    ("旗县", "county", 1.0),
    ("办学类型", "school_type", 1.0),
    ("教学及辅助用房面积（平方米）", "teaching_area", 1.0),
    ("教学及辅助用房面积(㎡)", "teaching_area", 1.0),
    ("体育运动场(馆)面积（平方米）", "sports_area", 1.0),
    ("教学仪器设备值（元）", "equipment_value", 1.0),
    ("教学仪器设备值（万元）", "equipment_value", 10_000.0),
    ("教学仪器设备值 ( 万元 )", "equipment_value", 10_000.0),
    ("教学仪器设备值（千元）", "equipment_value", 1_000.0),
    ("教学仪器设备资产值（万元）", "equipment_value", 10_000.0),  # alias plus unit
    ("equipment_value", "equipment_value", 1.0),
    ("equipment_value_wan", "equipment_value", 10_000.0),  # unit as a name suffix
    ("equipment_value_yuan", "equipment_value", 1.0),
    ("equipment_value(wan)", "equipment_value", 10_000.0),
    ("计算机台数（台）", "computers", 1.0),
    ("图书册数（册）", "books", 1.0),
    ("小学体育、艺术专任教师数", "primary_arts_pe_teachers", 1.0),
    ("初中高于规定学历教师数（人）", "junior_degree_teachers", 1.0),
    ("一年级", "grade1_students", 1.0),
    ("年份（年）", "year", 1.0),
    # A bracket after a text column is a remark, not a unit.
    ("学校名称（全称）", "school_name", 1.0),
    ("学校类型（代码）", "school_type", 1.0),
])
def test_match_header(header: str, column: str, factor: float) -> None:
    matched = match_header(SCHOOLS, header)
    assert matched is not None
    assert (matched.spec.name, matched.factor) == (column, factor)


def test_match_header_keeps_the_unit() -> None:
    matched = match_header(SCHOOLS, "教学仪器设备值（万元）")
    assert matched is not None and matched.unit == "万元"
    matched = match_header(SCHOOLS, "教学仪器设备值")
    assert matched is not None and matched.unit is None and matched.factor == 1.0


# 图书 (as the 基表 writes 图书（册）) is the books column since SPEC §2.4.
@pytest.mark.parametrize("header", ["备注", "联系电话", "(元)", "学校", "books_count",
                                    "教学仪器设备值（元）（万元）"])
def test_unknown_headers_match_nothing(header: str) -> None:
    assert match_header(SCHOOLS, header) is None


@pytest.mark.parametrize("header, column, unit", [
    ("教学仪器设备值（千克）", "equipment_value", "千克"),
    ("教学及辅助用房面积（亩）", "teaching_area", "亩"),
    ("图书册数（万元）", "books", "万元"),  # a count is not money
    ("books_wan", "books", "万元"),
])
def test_unknown_unit_raises(header: str, column: str, unit: str) -> None:
    with pytest.raises(UnknownUnit) as caught:
        match_header(SCHOOLS, header)
    assert (caught.value.spec.name, caught.value.unit) == (column, unit)


def test_accepted_units() -> None:
    assert accepted_units(SCHOOLS.column("equipment_value")) == ["元", "yuan", "千元", "万元",
                                                                  "wan"]
    assert "平方米" in accepted_units(SCHOOLS.column("teaching_area"))


_FULL_WIDTH = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}


def _all_names(table: TableSpec) -> list[tuple[str, str]]:
    return [(name, spec.name) for spec in table.columns for name in spec.all_names]


@pytest.mark.parametrize("table", [SCHOOLS, POPULATION, EXAMS], ids=lambda t: t.name)
def test_every_alias_maps_back_to_its_own_column(table: TableSpec) -> None:
    for name, column in _all_names(table):
        matched = match_header(table, name)
        assert matched is not None, name
        assert matched.spec.name == column, (name, matched.spec.name)
        assert matched.factor == 1.0


@pytest.mark.parametrize("table", list(TABLES.values()), ids=list(TABLES))
def test_no_alias_is_shared_by_two_columns(table: TableSpec) -> None:
    owner: dict[str, str] = {}
    for name, column in _all_names(table):
        folded = normalize_header(name)
        assert owner.setdefault(folded, column) == column, (name, owner[folded], column)
        # A name must not read as another column plus a unit either.
        base, unit = split_unit(folded)
        if unit is not None and base != folded:
            assert owner.get(base, column) == column, name


@given(st.sampled_from(_all_names(SCHOOLS)), st.booleans(),
       st.sampled_from(["", " ", "\u3000", " \t"]), st.sampled_from(["", " ", "\u3000"]))
def test_alias_matches_however_it_is_widened_or_padded(pair: tuple[str, str], wide: bool,
                                                       before: str, after: str) -> None:
    name, column = pair
    written = "".join(_FULL_WIDTH.get(c, c) for c in name) if wide else name
    matched = match_header(SCHOOLS, before + written + after)
    assert matched is not None and matched.spec.name == column


def test_template_headers_read_back_as_their_columns() -> None:
    for spec in SCHOOLS.columns:
        matched = match_header(SCHOOLS, template_header(spec))
        assert matched is not None and matched.spec.name == spec.name
        assert matched.factor == 1.0
    assert template_header(SCHOOLS.column("equipment_value")) == "教学仪器设备值（元）"


def test_dictionary_markdown_lists_every_column_once() -> None:
    text = dictionary_markdown()
    lines = text.splitlines()
    assert lines[0].startswith("| column | 中文表头 |")
    assert len(lines) == 2 + len(SCHOOLS.columns)
    for spec, line in zip(SCHOOLS.columns, lines[2:], strict=True):
        assert line.startswith(f"| `{spec.name}` | {spec.zh} |")
        for alias in spec.aliases:
            assert alias in line
    by_name = {spec.name: line for spec, line in zip(SCHOOLS.columns, lines[2:], strict=True)}
    assert "required" in by_name["school_id"]
    assert "whole, >= 0" in by_name["books"]
    assert "<= primary_teachers" in by_name["primary_degree_teachers"]
    assert "| 元 |" in by_name["equipment_value"]


def test_dictionary_markdown_of_other_tables() -> None:
    assert all(f"`{spec.name}`" in dictionary_markdown(EXAMS) for spec in EXAMS.columns)


def test_kinds_of_the_core_columns() -> None:
    # Counts must be whole; areas and money may be fractional (SPEC §2).
    assert SCHOOLS.column("books").kind is Kind.COUNT
    assert SCHOOLS.column("primary_teachers").kind is Kind.COUNT
    assert SCHOOLS.column("teaching_area").kind is Kind.AREA
    assert SCHOOLS.column("equipment_value").kind is Kind.MONEY
    assert [s.name for s in SCHOOLS.columns if s.required] == ["school_id", "school_name"]


@pytest.mark.parametrize("code, school_type", [
    ("211", "primary"), ("218", "primary"), ("311", "junior"), ("312", "nine_year"),
    ("341", "complete_secondary"), ("342", "senior"), ("345", "twelve_year"),
    ("小学", "primary"), ("九年一贯制", "nine_year"), ("九年一贯制学校", "nine_year"),
    ("完全中学", "complete_secondary"), ("十二年一贯制学校", "twelve_year"),
    ("高级中学", "senior"), ("高中", "senior"), ("初中", "junior")])
def test_national_school_type_codes(code: str, school_type: str) -> None:
    # SPEC §2.1: the 办学类型 codes of the national statistics system.
    assert SCHOOL_TYPE_VALUES[code] == school_type


def test_alias_index_is_built_once_per_table(monkeypatch) -> None:
    # The header search matches hundreds of cells; rebuilding the index each time cost 0.36 s.
    from edustat import columns, schema

    built = []
    original = columns._alias_index
    monkeypatch.setattr(columns, "_INDEXES", {})
    monkeypatch.setattr(columns, "_alias_index",
                        lambda table: built.append(table) or original(table))
    for header in ("学校名称", "图书册数", "no such column", "教学仪器设备值（万元）"):
        schema.match_header(schema.SCHOOLS, header)
    assert len(built) == 1
