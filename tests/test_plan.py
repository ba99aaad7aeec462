"""The plan's computation (SPEC §8): water-filling worked by hand, the common-level property,
floors, the 6-of-7 choice, whole counts, an empty plan, mixed schools, prices, teacher moves."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from edustat.norms import load_norms
from edustat.planning import waterfill
from edustat.planning.compute import compute_plan, verdicts
from edustat.planning.moves import plan_moves
from edustat.planning.prices import load_prices, national_prices
from edustat.problems import InputError
from tests.builders import frame, school

ONE = np.zeros(3, dtype=np.int64)  # three units, one group


# Levels are compared at 1e-9: a CV within 1e-12 of its limit meets it (edustat.verdicts), which
# lets the bisection stop up to about 1e-12 below the exact level.
def level_of(students, values, limit, floors=None):
    lower = np.asarray(values, float) if floors is None else np.fmax(values, floors)
    return waterfill.levels(np.zeros(len(values), dtype=np.int64), 1,
                            np.asarray(students, float), lower, np.array([limit]))[0]


# ---------------------------------------------------------------------------------------------
# Water-filling worked by hand

def test_three_schools_worked_by_hand():
    # P = 100, 100, 200; x = 1, 2, 4 per student; weights 1/4, 1/4, 1/2. Before: mean 2.75,
    # variance 1.6875, CV 0.4724. Limit 0.3. Raising school 1 alone to t in [1, 2] would need
    # t = 2.33 (outside), so both low schools rise: y = (t, t, 4), mean 0.5t + 2,
    # E[y²] = 0.5t² + 8; CV = 0.3 ⇔ 0.5t² + 8 = 1.09(0.5t + 2)² ⇔ 0.2275t² − 2.18t + 3.64 = 0
    # ⇔ t = (2.18 − 1.2) / 0.455 = 28/13 = 2.153846…  Check: mean 40/13, variance 144/169,
    # sd 12/13, CV 12/40 = 0.3.  Additions: 100(28/13 − 1) = 1500/13 = 115.38 and
    # 100(28/13 − 2) = 200/13 = 15.38; the third school none; total 1700/13 = 130.77.
    t = level_of([100, 200 / 2, 200], [1, 2, 4], 0.3)
    assert t == pytest.approx(28 / 13, rel=1e-9)
    added = (waterfill.fill(np.array([1.0, 2, 4]), np.full(3, t)) - [1, 2, 4]) * [100, 100, 200]
    assert added == pytest.approx([1500 / 13, 200 / 13, 0], rel=1e-9, abs=1e-9)
    assert added.sum() == pytest.approx(1700 / 13, rel=1e-9)


def test_four_schools_one_level_raises_only_the_lowest():
    # P = 100 each; x = 1, 3, 3, 3: mean 2.5, variance 0.75, CV 0.3464. Limit 0.2: y = (t, 3,
    # 3, 3), mean (t + 9)/4, variance 3(3 − t)²/16; CV = 0.2 ⇔ √3(3 − t)/4 = 0.2(t + 9)/4 ⇔
    # t = (3√3 − 1.8)/(√3 + 0.2) = 1.758… (below 3: only the first school rises).
    t = level_of([100] * 4, [1, 3, 3, 3], 0.2)
    assert t == pytest.approx((3 * math.sqrt(3) - 1.8) / (math.sqrt(3) + 0.2), rel=1e-9)


def test_a_county_within_its_limit_needs_no_level():
    assert np.isnan(level_of([100, 100, 200], [1, 2, 4], 0.5))  # CV 0.4724 <= 0.5


def test_exactly_at_the_limit_meets_it():
    # Two schools of 100 with 1.1 and 2.9 per 100: CV exactly 0.45 (float gives 0.45000…01).
    assert np.isnan(waterfill.levels(np.zeros(2, dtype=np.int64), 1, np.array([100.0, 100]),
                                     np.array([0.011, 0.029]), np.array([0.45]))[0])


# ---------------------------------------------------------------------------------------------
# Floors

def test_floor_above_the_level_lowers_the_level():
    # As the first test, limit 0.3, but school 2 must reach 3.5 (its standard): y = (t, 3.5, 4)
    # with t in [1, 3.5]: mean 2.875 + 0.25t, E[y²] = 0.25t² + 11.0625; CV = 0.3 ⇔
    # 0.181875t² − 1.566875t + 2.05296875 = 0 ⇔ t = (b − √(b² − 4ac)) / 2a = 1.61177…
    a, b, c = 0.181875, 1.566875, 2.05296875
    t = level_of([100, 100, 200], [1, 2, 4], 0.3, floors=[0, 3.5, 0])
    assert t == pytest.approx((b - math.sqrt(b * b - 4 * a * c)) / (2 * a), rel=1e-9)
    assert t < 28 / 13  # the floor did part of the levelling


def test_floor_below_the_level_changes_nothing():
    assert level_of([100, 100, 200], [1, 2, 4], 0.3, floors=[0, 2.1, 0]) == pytest.approx(
        28 / 13, rel=1e-9)


# ---------------------------------------------------------------------------------------------
# The common level is the cheapest (no other plan of the same or lower cost meets the limit)

def cv_of(students, values):
    return waterfill.cv(np.asarray(students, float), np.asarray(values, float))


groups = st.lists(st.tuples(st.integers(10, 2000), st.floats(0.1, 10)), min_size=3, max_size=8)


@settings(max_examples=150, deadline=None)
@given(groups, st.floats(0.05, 0.45), st.data())
def test_moving_any_amount_between_schools_breaks_the_limit(units, limit, data):
    students = np.array([u[0] for u in units], float)
    values = np.array([u[1] for u in units])
    assume(cv_of(students, values) > limit * 1.01)
    t = level_of(students, values, limit)
    after = waterfill.fill(values, np.full(len(values), t))
    added = (after - values) * students
    raised = np.flatnonzero(added > 1e-9 * added.sum())
    assume(len(raised) > 0)
    giver = data.draw(st.sampled_from(raised.tolist()))
    taker = data.draw(st.sampled_from([i for i in range(len(units)) if i != giver]))
    share = data.draw(st.floats(0.01, 1.0))
    moved = added.copy()
    moved[giver] -= share * added[giver]
    moved[taker] += share * added[giver]  # same total cost, different schools
    assert cv_of(students, values + moved / students) > limit


@settings(max_examples=150, deadline=None)
@given(groups, st.floats(0.05, 0.45), st.data())
def test_lowering_any_addition_breaks_the_limit(units, limit, data):
    students = np.array([u[0] for u in units], float)
    values = np.array([u[1] for u in units])
    assume(cv_of(students, values) > limit * 1.01)
    t = level_of(students, values, limit)
    added = (waterfill.fill(values, np.full(len(values), t)) - values) * students
    raised = np.flatnonzero(added > 1e-6 * added.sum())
    assume(len(raised) > 0)
    school_index = data.draw(st.sampled_from(raised.tolist()))
    lowered = added.copy()
    lowered[school_index] *= 1 - data.draw(st.floats(1e-3, 1.0))
    assert cv_of(students, values + lowered / students) > limit
    # And the plan itself meets it.
    assert cv_of(students, values + added / students) <= limit * (1 + 1e-9)


# ---------------------------------------------------------------------------------------------
# Whole counts

def test_whole_steps_round_up_and_ignore_float_noise():
    steps = waterfill.whole_steps(np.array([4.0, 9, 0]), np.array([100.0, 100, 100]),
                                  np.ones(3), np.array([0.0451, 0.09 + 1e-17, 0.0]))
    assert steps.tolist() == [1.0, 0.0, 0.0]  # 4.51 → 5; 9.000…1 is 9; nothing


def test_rounding_that_breaks_the_limit_is_repaired_cheaply():
    # P = 1200, 1200, 30 with 4, 9, 0 teachers, limit 0.3. The continuous level t = 0.00405
    # rounds to (+1, 0, +1): the school of 30 gets 3.3 per 100, far above the mean, CV 0.56.
    # Two more teachers in the first school alone (6, 9, 0) give CV 0.23: mean 15/2430,
    # variance ≈ 2.0e-6 — so the plan is 2 teachers, not the 10 of a higher common level.
    import pandas as pd

    from edustat.planning.targets import fill_to_limit, unit_groups

    units = pd.DataFrame({"county": ["县"] * 3, "year": [2022] * 3, "stage": ["primary"] * 3,
                          "students": [1200.0, 1200, 30], "backbone_teachers": [4.0, 9, 0],
                          "share": [1.0, 1, 1]})
    from edustat.indicators import BY_KEY

    steps = fill_to_limit(units, unit_groups(units), BY_KEY["backbone_teachers_per_100"],
                          np.array([4, 9, 0]) / np.array([1200, 1200, 30]), np.array([0.3]))
    assert steps.tolist() == [2.0, 0.0, 0.0]
    assert cv_of([1200, 1200, 30], np.array([6, 9, 0]) / [1200, 1200, 30]) <= 0.3


# ---------------------------------------------------------------------------------------------
# Per-school standards through compute_plan

NORMS = load_norms()
PRICES = national_prices()


def meeting(school_id: str, students: int = 100, **overrides):
    """A primary school of `students` meeting every 2017 standard (4.2, 1.0, 0.9 per 100;
    4.5, 7.5 m², 2000 yuan per student; 2.3 rooms per 100), rounded up to whole counts."""
    values = dict(primary_students=students, primary_classes=3, primary_teachers=10,
                  primary_degree_teachers=math.ceil(0.042 * students),
                  primary_titled_teachers=2,
                  primary_backbone_teachers=math.ceil(0.01 * students),
                  primary_arts_pe_teachers=math.ceil(0.009 * students),
                  teaching_area=4.5 * students, sports_area=7.5 * students,
                  equipment_value=2000 * students, computers=10, books=3000,
                  multimedia_rooms=math.ceil(0.023 * students))
    values.update(overrides)
    return school(school_id, "小学", **values)


def plan(rows, prices=PRICES, **kw):
    return compute_plan(frame(rows), NORMS, "quality", prices, ("primary", "junior"), **kw)


def test_county_already_meeting_everything_gets_an_empty_plan():
    report = plan([meeting("1"), meeting("2"), meeting("3")])
    (result,) = report.results
    assert result.meets_before and result.meets_after
    assert result.additions == [] and result.cost == 0 and report.cost == 0


def test_six_of_seven_leaves_the_dearest_one_short():
    # One school of 100: sports 675 m² (90 % of 750) and 2 multimedia rooms (2.0 per 100,
    # 87 % of 2.3). Meeting sports costs 75 m² × 300 = 22 500 yuan; meeting rooms costs one
    # whole room, 50 000 yuan. One may stay between 85 % and 100 %: the rooms. Plan: 75 m².
    report = plan([meeting("1", sports_area=675, multimedia_rooms=2)])
    (result,) = report.results
    assert [(a["column"], a["amount"], a["cost"]) for a in result.additions] == [
        ("sports_area", 75.0, 22_500.0)]
    assert result.meets_after and result.schools_failing_before == 1


def test_six_of_seven_follows_the_prices():
    # Rooms at 10 000 yuan: one room (10 000) is now cheaper than 75 m² (22 500).
    prices = {**PRICES, "multimedia_rooms": 10_000.0}
    (result,) = plan([meeting("1", sports_area=675, multimedia_rooms=2)], prices).results
    assert [(a["column"], a["amount"]) for a in result.additions] == [("multimedia_rooms", 1.0)]


def test_below_85_percent_must_reach_85_at_least():
    # Sports at 600 m² (80 %) and rooms at 2 (87 %): the rooms may stay, sports must reach 750.
    # With sports exempt instead it must still reach 85 % (637.5 m², 37.5 m² = 11 250 yuan)
    # plus one room (50 000): dearer than 150 m² (45 000). Plan: 150 m² of sports ground.
    (result,) = plan([meeting("1", sports_area=600, multimedia_rooms=2)]).results
    assert [(a["column"], a["amount"]) for a in result.additions] == [("sports_area", 150.0)]


def test_teacher_additions_are_whole_and_counted_in_the_stage_total():
    # Degree teachers 3 of 100 students: 3.0 per 100, below 85 % of 4.2 (3.57). The other six
    # are met, so this one may stay short of 4.2 but must reach 3.57: 3.57 teachers, rounded
    # up to 4 (4.0 per 100, 95 %) — one new teacher, also one more full-time teacher.
    (result,) = plan([meeting("1", primary_degree_teachers=3)]).results
    added = {a["column"]: a for a in result.additions}
    assert added["primary_degree_teachers"]["amount"] == 1.0
    assert added["primary_degree_teachers"]["cost"] == 100_000.0
    assert added["primary_teachers"]["amount"] == 1.0 and added["primary_teachers"]["cost"] == 0
    assert added["primary_teachers"]["reason"] == "count"


def test_mixed_school_adds_what_its_part_needs_divided_by_its_share():
    # A nine-year school of 100 primary and 100 junior pupils: junior share of a facility
    # 110/210. Sports 1 500 m²: junior part 785.7 m², 77 % of 10.2 × 100 = 1 020. It may stay
    # short by one standard but not below 85 %: the part needs 867 m², the school
    # 867 × 21/11 = 1 655.18… m², rounded up to 1 655.19: it adds 155.19 m². Its primary part
    # then has 1 655.19 × 10/21 = 788.2 m² >= 750.
    row = meeting("9", primary_students=100, sports_area=1500, teaching_area=2000,
                  equipment_value=600_000, multimedia_rooms=6,
                  junior_students=100, junior_classes=3, junior_teachers=12,
                  junior_degree_teachers=6, junior_titled_teachers=2,
                  junior_backbone_teachers=1, junior_arts_pe_teachers=1)
    row["school_type"] = "九年一贯制学校"
    report = plan([row])
    additions = [a for r in report.results for a in r.additions]
    assert [(a["column"], a["amount"]) for a in additions] == [("sports_area", 155.19)]
    assert all(r.meets_after for r in report.results)


def test_verdict_after_is_recomputed_not_assumed():
    rows = [meeting("1", students=1000), meeting("2", primary_backbone_teachers=0),
            meeting("3", sports_area=300)]
    report = plan(rows)
    (result,) = report.results
    applied = frame(rows)
    for a in result.additions:
        position = applied.index[applied["school_id"] == a["school_id"]][0]
        applied.loc[position, a["column"]] += a["amount"]
    again = verdicts(applied, NORMS, "quality", ("primary", "junior"))
    assert list(again.meets.values()) == [result.meets_after] == [True]


# ---------------------------------------------------------------------------------------------
# Teacher moves

def test_moves_keep_the_county_totals_and_replace_hires():
    # School 1 has 6 backbone teachers for 100 pupils (needs 1), schools 2 and 3 none (need 1
    # each). Two moves give 4, 1, 1: both meet their standard, but the CV is still
    # sqrt(2e-4)/0.02 = 0.71 > 0.5; a third gives 3, 2, 1: variance (9+4+1)/3e4 − 4e-4 =
    # 0.667e-4, CV 0.408. Three moves, no hire (a tie goes to the first school listed).
    rows = [meeting("1", primary_backbone_teachers=6), meeting("2", primary_backbone_teachers=0),
            meeting("3", primary_backbone_teachers=0)]
    delta, moves = plan_moves(frame(rows), NORMS, "quality", ("primary",))
    for column, change in delta.items():
        assert change.sum() == 0, column  # nobody appears or vanishes
    assert delta["primary_backbone_teachers"].tolist() == [-3, 2, 1]
    assert delta["primary_teachers"].tolist() == [-3, 2, 1]
    assert sum(m.count for _, m in moves) == 3
    report = plan(rows, move_teachers=True)
    (result,) = report.results
    assert result.meets_after and not any("backbone" in a["column"] for a in result.additions)
    hired = plan(rows)
    assert hired.results[0].cost > result.cost


def test_moves_never_take_a_donor_below_its_standard():
    rows = [meeting("1", primary_backbone_teachers=1), meeting("2", primary_backbone_teachers=0)]
    delta, moves = plan_moves(frame(rows), NORMS, "quality", ("primary",))
    assert moves == [] and not delta


# ---------------------------------------------------------------------------------------------
# Prices

def test_national_prices_have_every_key_and_are_positive():
    prices = national_prices()
    assert set(prices) == {"teaching_area", "sports_area", "equipment_value", "computers",
                           "books", "multimedia_rooms", "teacher"}
    assert prices["equipment_value"] == 1.0 and all(v > 0 for v in prices.values())


def test_prices_file_overrides_only_its_keys(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"sports_area": 450}), encoding="utf-8")
    prices = load_prices(path)
    assert prices["sports_area"] == 450.0
    assert prices["teacher"] == national_prices()["teacher"]


@pytest.mark.parametrize("body, code, column", [
    ({"sport_area": 300}, "unknown_price", "sport_area"),
    ({"books": 0}, "bad_price", "books"),
    ({"books": -1}, "bad_price", "books"),
    ({"books": True}, "bad_price", "books"),
    ({"books": "30"}, "bad_price", "books"),
    ({"books": None}, "bad_price", "books"),
])
def test_bad_prices_are_named(tmp_path, body, code, column):
    path = tmp_path / "p.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_prices(path)
    (problem,) = caught.value.problems
    assert (problem.code, problem.column) == (code, column)
    assert problem.message("en")


def test_infinite_and_nan_prices_are_refused(tmp_path):
    path = tmp_path / "p.json"
    path.write_text('{"books": NaN, "computers": Infinity, "teacher": 1e999}', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_prices(path)
    assert sorted(p.column for p in caught.value.problems) == ["books", "computers", "teacher"]


def test_every_problem_of_a_prices_file_at_once(tmp_path):
    path = tmp_path / "p.json"
    path.write_text('{"x": 1, "books": -2, "teacher": 90000}', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_prices(path)
    assert [p.column for p in caught.value.problems] == ["x", "books"]


# ---------------------------------------------------------------------------------------------
# Basic method: spend where the composite falls most per yuan

def basic_county():
    # Four primary schools of 100: books 5, 5, 40, 40 per pupil (mean 22.5, sd 17.5, CV 0.7778)
    # and teaching space 2, 2, 8, 8 m² (mean 5, sd 3, CV 0.6); every other basic indicator the
    # same in every school (CV 0). Composite (0.7778 + 0.6) / 8 = 0.1722.
    rows = []
    for school_id, books, area in (("1", 5, 2), ("2", 5, 2), ("3", 40, 8), ("4", 40, 8)):
        rows.append(school(school_id, "小学", primary_students=100, books=books * 100,
                           teaching_area=area * 100, sports_area=800, equipment_value=200_000,
                           computers=10, primary_teachers=6, primary_degree_teachers=4,
                           primary_titled_teachers=3))
    return rows


def basic_plan(rows, prices=PRICES, limit=0.1):
    norms = NORMS.model_copy(update={"composite_limits": {"primary": limit, "junior": limit}})
    return compute_plan(frame(rows), norms, "basic", prices, ("primary",))


def test_basic_buys_the_cheapest_fall_first():
    # With a limit of 0.1 the CVs may sum to 0.8: the books CV must fall by 0.578 or the space
    # CV by as much (from 0.6: to 0.022) or both. A 1 % change of the mean costs 0.225 books ×
    # 30 = 6.75 yuan per pupil for books, 0.05 m² × 3 000 = 150 yuan for space: books only.
    (result,) = basic_plan(basic_county()).results
    assert not result.meets_before and result.meets_after
    assert {a["column"] for a in result.additions} == {"books"}
    # The books CV must reach 0.8 − 0.6 = 0.2: (40 − b)/(40 + b) = 0.2, b = 26.667 books per
    # pupil, +2 166.7 in each low school, rounded up to 2 167 (the common level).
    assert [(a["school_id"], a["amount"]) for a in result.additions] == [("1", 2167.0),
                                                                         ("2", 2167.0)]
    assert result.composite_after <= 0.1
    # Whole books only: the composite lands just inside the limit, not far below it.
    assert result.composite_after > 0.1 - 0.001


def test_basic_follows_the_prices():
    # Books at 10 000 yuan each. Two low schools raised to b books: CV (40 − b)/(40 + b), cost
    # 2 000 000 (b − 5), so a CV fall costs 2e6 × 80/(1 + c)² = 50.6 M yuan per unit at c = 0.778.
    # Space raised to t: CV (8 − t)/(8 + t), cost 600 000 (t − 2): at most 600 000 × 16/(1 + c)²
    # = 9.2 M per unit even at c = 0.022, where the space CV alone reaches the limit
    # (0.6 − 0.578). So space only: t = 8 × 0.978/1.022 = 7.652, +565.2 m² in each low school.
    prices = {**PRICES, "books": 10_000.0}
    (result,) = basic_plan(basic_county(), prices).results
    assert result.meets_after
    assert [(a["school_id"], a["column"]) for a in result.additions] == [
        ("1", "teaching_area"), ("2", "teaching_area")]
    assert result.additions[0]["amount"] == pytest.approx(565.2, abs=0.1)


def test_basic_county_within_its_limit_gets_nothing():
    (result,) = basic_plan(basic_county(), limit=0.65).results
    assert result.meets_before and result.additions == [] and result.cost == 0
