"""Finding figures and binding them to figure keys (SPEC §7.4 items 1-2), per phrase family, on
hand-made sentences. No data is needed: binding is what the words say."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edustat.drafts.bind import Mention, bind_draft
from edustat.drafts.document import Draft, _text_blocks
from edustat.drafts.scan import find_figures

TITLE = "示例旗教育局2022年工作总结\n"


def bind(text: str, counties: tuple[str, ...] = ()) -> list[Mention]:
    """The mentions of a text draft whose first line is its title."""
    draft = Draft(file="t.txt", kind="txt", blocks=_text_blocks(TITLE + text, markdown=False))
    return [m for m in bind_draft(draft, counties) if m.where.paragraph != 1]


def keys(text: str) -> list[tuple[str, str | None]]:
    """(figure as written, key) of each mention."""
    return [(m.text[m.span[0]:m.span[1]], m.key) for m in bind(text)]


# --- finding figures --------------------------------------------------------------------------

def test_digits_full_width_and_chinese_numerals() -> None:
    found = find_figures("全旗共有小学十二所、教学点两个，入学率为９８．６％，在校生1,234人。")
    assert [(f.written, f.number, f.places, f.percent, f.unit) for f in found] == [
        ("十二", Decimal(12), 0, False, "所"),  # cn2an
        ("两", Decimal(2), 0, False, "个"),
        ("９８．６％", Decimal("98.6"), 1, True, None),  # full width, offsets kept
        ("1,234", Decimal(1234), 0, False, "人"),
    ]


@pytest.mark.parametrize("text", ["2022年", "表1", "第3届", "测试0001县", "2021-2022学年",
                                  "一本上线", "九年义务教育", "一贯制学校", "1、加强管理"])
def test_not_figures(text: str) -> None:
    assert find_figures(text) == []


@given(st.text(alphabet="0123456789０１２３.%％年人所个一二两十百县，。表第、 ", max_size=40))
def test_any_text_gives_figures_inside_it(text: str) -> None:
    for found in find_figures(text):
        assert 0 <= found.start < found.end <= len(text)
        assert text[found.start:].startswith(found.written)
    bind(text)  # never raises


# --- binding, family by family ------------------------------------------------------------------

def test_composite_and_method() -> None:
    assert keys("我县小学综合差异系数为0.4729，初中综合差异系数为0.3475。") == [
        ("0.4729", "coefficient.basic.primary.composite"),  # alone: the 2012 basic method
        ("0.3475", "coefficient.basic.junior.composite")]
    assert keys("按优质均衡标准，初中综合差异系数为0.3348。") == [
        ("0.3348", "coefficient.quality.junior.composite")]


def test_indicator_cv_and_county_value() -> None:
    assert keys("小学生均图书册数为32.08册，生均图书册数差异系数为0.2635。") == [
        ("32.08册", "coefficient.basic.primary.books_per_student.mean"),
        ("0.2635", "coefficient.basic.primary.books_per_student")]
    # A variant name of the phrase table, and an indicator of the quality method only.
    assert keys("初中生均校舍面积差异系数0.2861，每百名学生拥有网络多媒体教室数差异系数0.31。") == [
        ("0.2861", "coefficient.basic.junior.teaching_area_per_student"),
        ("0.31", "coefficient.quality.junior.multimedia_rooms_per_100")]


def test_enrolment_rates() -> None:
    assert keys("小学适龄儿童入学率达100%，九年义务教育巩固率为98.6%，初中毛入学率102.3%。") == [
        ("100%", "enrolment.primary_net_enrolment_rate"),
        ("98.6%", "enrolment.nine_year_retention_rate"),
        ("102.3%", "enrolment.junior_gross_enrolment_rate")]


def test_exam_counts_and_rates() -> None:
    assert keys("2022年高考参考学生79人，一本过线16人，本科上线率51.9%。") == [
        ("79人", "exams.gaokao.candidates"), ("16人", "exams.gaokao.tier1_rate.count"),
        ("51.9%", "exams.gaokao.undergrad_rate")]
    assert keys("中考考生182名，分配生32名，共59名考生被重点高中录取，重点高中录取率32.4%。") == [
        ("182名", "exams.zhongkao.candidates"), ("32名", "exams.zhongkao.key_quota_rate.count"),
        ("59名", "exams.zhongkao.key_admission_rate.count"),  # named after the figure
        ("32.4%", "exams.zhongkao.key_admission_rate")]


def test_school_units_and_students() -> None:
    assert keys("全县小学（含一贯制学校小学部）十二所，初中在校生5460人。") == [
        ("十二所", "schools.primary.units"), ("5460人", "schools.junior.students")]


def test_spread_binds_in_the_order_named() -> None:
    # "分别为A和B": A to the first subject named, B to the second.
    assert keys("我县小学、初中综合差异系数分别为0.3050和0.3070。") == [
        ("0.3050", "coefficient.basic.primary.composite"),
        ("0.3070", "coefficient.basic.junior.composite")]
    assert keys("初中和小学综合差异系数分别为0.31、0.30。") == [
        ("0.31", "coefficient.basic.junior.composite"),
        ("0.30", "coefficient.basic.primary.composite")]


def test_limits_are_limits_not_claims() -> None:
    mentions = bind("综合差异系数均达到基本均衡标准（小学不高于0.65，初中不高于0.55）。")
    limits = [(m.kind, m.key) for m in mentions if m.kind == "limit"]
    assert limits == [("limit", "limit.basic.primary.composite"),
                      ("limit", "limit.basic.junior.composite")]
    mentions = bind("按优质均衡标准，小学各项指标差异系数均控制在0.50以内。")
    assert [(m.kind, m.key) for m in mentions] == [("limit", "limit.quality.primary.indicator")]


def test_verbal_verdicts() -> None:
    mentions = bind("小学、初中综合差异系数均达到基本均衡标准。初中未达到优质均衡标准。")
    verdicts = [(m.text[m.span[0]:m.span[1]], m.verdict.method, m.verdict.holds,
                 m.context.stages) for m in mentions if m.kind == "verdict"]
    assert verdicts == [("均达到基本均衡标准", "basic", True, ("primary", "junior")),
                        ("未达到优质均衡标准", "quality", False, ("junior",))]


def test_stage_and_year_from_the_heading() -> None:
    mentions = bind("二、2021年初中教育\n综合差异系数为0.3070。")
    assert [(m.key, m.context.year) for m in mentions] == [
        ("coefficient.basic.junior.composite", 2021)]


def test_unbound_is_never_guessed() -> None:
    found = {m.text[m.span[0]:m.span[1]]: (m.key, m.reason) for m in bind(
        "全县新建校舍3.5万平方米，综合差异系数为0.41，普通高中两所，考生305人。")}
    assert found == {
        "3.5万平方米": (None, "no_phrase"),  # names nothing edustat computes
        "0.41": (None, "no_stage"),  # 小学 or 初中?
        "两所": (None, "other_schools"),  # 高中 units are no stage's units
        "305人": (None, "no_exam"),  # 高考 or 中考?
    }


def test_county_named_or_the_title_county() -> None:
    mentions = bind("测试0000县小学综合差异系数为0.30；我县初中综合差异系数为0.31。",
                    counties=("测试0000县", "示例旗"))
    assert [m.context.county for m in mentions] == ["测试0000县", "示例旗"]


def test_our_county_is_no_county_name() -> None:
    # 全县义务教育… and 我县2022年… name the title's county, not a county called 全县 or 我县.
    mentions = bind("全县义务教育巩固率为98.6%。我县2022年小学综合差异系数为0.30。")
    assert [m.context.county for m in mentions] == ["示例旗", "示例旗"]


def test_changes_and_targets_are_not_the_figure() -> None:
    found = {m.text[m.span[0]:m.span[1]]: (m.kind, m.key, m.reason) for m in bind(
        "小学综合差异系数较上年下降0.02。力争初中综合差异系数降至0.40以下。")}
    assert found == {"0.02": ("figure", None, "change"), "0.40": ("figure", None, "target")}


# --- counts of schools that pass or fail the per-school standards (SPEC §4) -------------------

def figure_keys(text: str) -> list[tuple[str, str | None]]:
    """(figure as written, key) of each figure (the verbal verdicts beside them left out)."""
    return [(m.text[m.span[0]:m.span[1]], m.key) for m in bind(text) if m.kind == "figure"]


@pytest.mark.parametrize("text", [
    "初中学校中有3所未能各项指标全部达标。",
    "初中有3所学校未达标。",
    "初中未达标的学校有3所。",
    "初中3所学校未能各项指标全部达标。",
    "初中学校中未达标的有3所。",
    "全县初中学校中，有3所尚未达标。",
    "初中学校中有三所没有全部达标。",
])
def test_a_count_of_failing_schools_is_not_the_number_of_schools(text: str) -> None:
    # "3所" here counts the junior units that FAIL the per-school standards, not the junior units.
    [(written, key)] = figure_keys(text)
    assert written in ("3所", "三所")
    assert key == "standards.junior.failing_schools"


@pytest.mark.parametrize("text", ["初中学校中有5所各项指标全部达标。", "初中有5所学校达标。",
                                  "初中达标学校5所。"])
def test_a_count_of_passing_schools_is_not_the_number_of_schools(text: str) -> None:
    assert figure_keys(text) == [("5所", "standards.junior.passing_schools")]


def test_the_number_of_schools_beside_a_count_of_failing_ones() -> None:
    # The total stays the units of the stage; the count after 其中 / 中有 is of failing units.
    assert figure_keys("全旗共有初中学校8所，其中3所未达标。") == [
        ("8所", "schools.junior.units"), ("3所", "standards.junior.failing_schools")]
    assert figure_keys("全县8所初中学校中有3所未达标。") == [
        ("8所", "schools.junior.units"), ("3所", "standards.junior.failing_schools")]
    assert figure_keys("全旗共有初中学校8所，均达标。") == [("8所", "schools.junior.units")]
    assert figure_keys("小学8所、初中6所，其中初中3所未达标。") == [
        ("8所", "schools.primary.units"), ("6所", "schools.junior.units"),
        ("3所", "standards.junior.failing_schools")]


def test_a_count_of_failing_schools_of_no_stage_is_unbound() -> None:
    # 小学 or 初中? Never the units, never guessed: unbound, with the words that name the count.
    text = "全县有3所学校未能各项指标全部达标。小学8所、初中6所，其中3所未达标。"
    found = [(m.text[m.span[0]:m.span[1]], m.key, m.reason, m.params) for m in bind(text)
             if m.kind == "figure"]
    assert found == [
        ("3所", None, "no_stage", {"phrase": "未能各项指标全部达标"}),
        ("8所", "schools.primary.units", None, {}), ("6所", "schools.junior.units", None, {}),
        ("3所", None, "no_stage", {"phrase": "未达标"})]
    # A count of failing schools of another kind is no stage's count either.
    assert [(m.key, m.reason) for m in bind("九年一贯制学校中有2所未达标。")
            if m.kind == "figure"] == [
        (None, "other_schools")]


def test_counts_in_a_list_share_the_words_after_the_last() -> None:
    # 小学3所、初中2所未达标: both counts are of failing units; 分别 binds them in order.
    expected = [("3所", "standards.primary.failing_schools"),
                ("2所", "standards.junior.failing_schools")]
    assert figure_keys("小学3所、初中2所未达标。") == expected
    assert figure_keys("小学、初中分别有3所和2所学校未达标。") == expected
    assert figure_keys("初中学校中有3所未达标，其余5所均达标。") == [
        ("3所", "standards.junior.failing_schools"), ("5所", "standards.junior.passing_schools")]
    # The words before the count say it too, and the heading gives the stage.
    assert figure_keys("各项指标未全部达标的初中学校有3所。") == [
        ("3所", "standards.junior.failing_schools")]
    assert figure_keys("二、初中教育\n全县有3所学校未达标。") == [
        ("3所", "standards.junior.failing_schools")]


@pytest.mark.parametrize(("text", "measure", "plain"), [
    ("初中有3所学校体质健康未达标。", "体质", "初中有3所学校未达标。"),
    ("全县初中学校中，有2所未通过验收，3所卫生未达标。", "卫生", "全县初中学校中，3所未达标。"),
    ("小学3所学校视力达标。", "视力", "小学3所学校达标。"),
])
def test_a_count_of_schools_failing_something_else_is_unbound(text: str, measure: str,
                                                               plain: str) -> None:
    # Only the per-school standards of SPEC §4 are counted by standards.*.failing_schools: a
    # count of schools failing a health check or an inspection names no figure edustat computes.
    counts = [m for m in bind(text) if m.kind == "figure" and m.text[m.span[1] - 1] == "所"]
    assert counts[-1].key is None
    assert (counts[-1].reason, counts[-1].params) == ("other_measure", {"phrase": measure})
    # The same words without the other measure are the standards' count.
    assert [m.key for m in bind(plain) if m.kind == "figure"][-1].startswith("standards.")
