"""The plan's columnar paths against the straightforward computations they replace.

- the additions table (edustat.planning.additions) against a loop over the ledger, school by
  school and column by column;
- the plan's JSON written from records and columns against pydantic serializing the whole
  report, byte for byte, and a streamed report against one that holds its results;
- the verification's failing counts (standards.judge_units) against compute_standards' totals.

On small hand-made tables: mixed schools, two counties, a missing year, teacher moves, the basic
method, a stage and a county filter, an empty plan, texts JSON must escape, extreme prices.
"""

from __future__ import annotations

import io
import json
import math
import re
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edustat import api
from edustat.norms import load_norms
from edustat.planning.additions import REASONS, addition_table
from edustat.planning.compute import Ledger, _key, compute_plan, plan_columns, verdicts
from edustat.planning.prices import national_prices, price_of
from edustat.planning.report import PlanReport, column_unit
from edustat.standards import compute_standards
from edustat.units import school_units
from tests.builders import frame, school, write_csv
from tests.test_plan import basic_county, meeting

NORMS = load_norms()
PRICES = national_prices()
STAGES = ("primary", "junior")


def nine_year(school_id: str, **overrides: Any) -> dict[str, Any]:
    """A nine-year school of 100 primary and 100 junior pupils, short of several standards."""
    row = meeting(school_id, primary_students=100, sports_area=1500, teaching_area=2000,
                  equipment_value=600_000, multimedia_rooms=6, junior_students=100,
                  junior_classes=3, junior_teachers=12, junior_degree_teachers=6,
                  junior_titled_teachers=2, junior_backbone_teachers=1,
                  junior_arts_pe_teachers=1)
    row["school_type"] = "九年一贯制学校"
    row.update(overrides)
    return row


def county_rows() -> list[dict[str, Any]]:
    """Two counties and a county-less year; names JSON must escape; a mixed school; schools
    short of standards and of CVs, so that the plan adds facilities and teachers."""
    return [
        meeting("1", primary_backbone_teachers=0, books=1000, school_name='逗号,"引号"\n换行'),
        meeting("2", students=400, sports_area=2000, computers=2),
        meeting("3", primary_arts_pe_teachers=0, teaching_area=300),
        # Ten times the equipment of the others: its CV, not a standard, asks for more.
        meeting("9", equipment_value=2_000_000),
        meeting("10", primary_backbone_teachers=6),  # teachers to spare, for --move-teachers
        nine_year("4"),
        nine_year("5", county="乙县", sports_area=900, junior_degree_teachers=1),
        meeting("6", county="乙县", primary_degree_teachers=1, multimedia_rooms=0),
        meeting("7", county="乙县", year=None, books=10, school_name=None),
        meeting("8", county="乙县", year=None, equipment_value=1000),
    ]


def file_rows() -> list[dict[str, Any]]:
    """county_rows as a file may hold them: every year and name given, no line break in a
    name, no more degree teachers than teachers."""
    return [{**row, "year": row["year"] or 2023,
             "school_name": (row["school_name"] or "无名").replace("\n", ""),
             "primary_teachers": max(row["primary_teachers"], 30)}
            for row in county_rows()]


def whole_json(report: PlanReport) -> bytes:
    """What pydantic writes for the whole report (the straightforward serialization)."""
    assert report.results or not report._table or not report._table.records
    return report.__pydantic_serializer__.to_json(report, indent=1) + b"\n"


def written(report: PlanReport) -> bytes:
    out = io.BytesIO()
    report.write_json(out)
    return out.getvalue()


CASES = {
    "quality": dict(rows=county_rows()),
    "moves": dict(rows=county_rows(), move_teachers=True),
    "basic": dict(rows=basic_county(), method="basic", stages=("primary",),
                  norms=NORMS.model_copy(update={"composite_limits": {"primary": 0.1,
                                                                      "junior": 0.1}})),
    "junior only": dict(rows=county_rows(), stages=("junior",)),
    "empty plan": dict(rows=[meeting("1"), meeting("2"), meeting("3")]),
    "no schools": dict(rows=[meeting("1")], stages=("junior",)),
    # A teacher at 1e17 yuan and a book at a ten-millionth of one: costs JSON writes with an
    # exponent (1e+17), and costs of 0.0.
    "extreme prices": dict(rows=county_rows(),
                           prices={**PRICES, "teacher": 1e17, "books": 1e-7}),
}


def run(case: dict[str, Any], stream: bool) -> PlanReport:
    return compute_plan(frame(case["rows"]), case.get("norms", NORMS),
                        case.get("method", "quality"), case.get("prices", PRICES),
                        case.get("stages", STAGES), move_teachers=case.get("move_teachers", False),
                        stream=stream)


@pytest.mark.parametrize("name", list(CASES))
def test_written_json_is_pydantics_whole_serialization(name: str) -> None:
    held = run(CASES[name], stream=False)
    streamed = run(CASES[name], stream=True)
    expected = whole_json(held)
    assert written(held) == expected
    assert written(streamed) == expected
    assert streamed.to_json_bytes() + b"\n" == expected
    assert held.to_json_bytes() + b"\n" == expected
    # A streamed report holds no result models, and builds the same ones when read.
    assert streamed.results == [] or not held.results
    full = streamed.full()
    assert full.results == held.results
    assert streamed.failed() == held.failed()
    assert streamed.to_dict() == held.to_dict()
    assert streamed.sheets("en") == held.sheets("en")
    assert json.loads(expected)["cost"] == held.cost


def test_the_cases_exercise_what_they_name() -> None:
    # Not vacuous: the quality case adds teachers and facilities in both counties, to a mixed
    # school and under the county-less year; moves move; the prices give an exponent.
    report = run(CASES["quality"], stream=False)
    keys = {(r.county, r.year, r.stage) for r in report.results if r.additions}
    assert {("测试县", 2022, "primary"), ("乙县", 2022, "junior"),
            ("乙县", None, "primary")} <= keys
    columns = {a["column"] for r in report.results for a in r.additions}
    assert {"sports_area", "primary_backbone_teachers", "primary_teachers"} <= columns
    assert {a["reason"] for r in report.results for a in r.additions} == set(REASONS)
    assert any(r.moves for r in run(CASES["moves"], stream=False).results)
    # An exponent is written (pydantic 2.12 writes 1e17, newer versions 1e+17).
    assert re.search(rb"[0-9]e\+?1[78]\b", written(run(CASES["extreme prices"], stream=True)))
    assert run(CASES["empty plan"], stream=True).cost == 0
    assert run(CASES["basic"], stream=False).results[0].additions


def test_county_filter_through_the_api(tmp_path) -> None:
    path = write_csv(tmp_path / "schools.csv", file_rows())
    held = api.plan([path], counties=["乙县"])
    streamed = api.plan([path], counties=["乙县"], stream=True)
    assert {r.county for r in held.results} == {"乙县"}
    assert written(streamed) == written(held) == whole_json(held)


def test_cli_json_is_the_whole_serialization(cli, tmp_path) -> None:
    path = write_csv(tmp_path / "schools.csv", file_rows())
    out = tmp_path / "plan.json"
    assert cli("plan", path, "-f", "json", "-o", out).exit_code == 0
    assert out.read_bytes() == whole_json(api.plan([path]))
    result = cli("plan", path, "-f", "csv")
    held = api.plan([path]).sheets("zh")["additions"]
    assert result.exit_code == 0 and len(result.stdout.strip().splitlines()) == len(held) + 1


# ---------------------------------------------------------------------------------------------
# The additions table against a loop over the ledger

def text(value: Any) -> str | None:
    return None if value is None or value != value else str(value)


def straightforward(schools: pd.DataFrame, ledger: Ledger, prices: dict[str, float]
                    ) -> dict[Any, list[dict[str, Any]]]:
    """Every positive addition, one school and one column at a time, grouped by the school's
    county and year and the ledger's stage; within a group by school row, then column."""
    out: dict[Any, list[tuple[int, int, dict[str, Any]]]] = {}
    for k, (column, amounts) in enumerate(ledger.amounts.items()):
        for row in range(len(schools)):
            if not amounts[row] > 0:
                continue
            amount = float(np.round(amounts[row], 2))  # numpy's rounding, as the plan's
            costed = amount - float(ledger.hires[column][row])
            price = price_of(column, prices)
            reason = ("count" if costed <= 0 else "cv" if ledger.cv_driven[column][row]
                      else "standard")
            record = {"school_id": text(schools["school_id"][row]),
                      "school_name": text(schools["school_name"][row]), "column": column,
                      "amount": amount, "unit": column_unit(column), "price": price,
                      "cost": float(np.round(max(costed, 0.0) * price, 2)), "reason": reason}
            key = _key(schools["county"][row], schools["year"][row],
                       str(ledger.stage[column][row]))
            out.setdefault(key, []).append((row, k, record))
    return {key: [r for _, _, r in sorted(items, key=lambda x: (x[0], x[1]))]
            for key, items in out.items()}


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_addition_table_matches_the_loop(data: st.DataObject) -> None:
    n = data.draw(st.integers(1, 6))
    rows = [school(str(i), "九年一贯制学校", county=data.draw(st.sampled_from(["甲", "乙", None])),
                   year=data.draw(st.sampled_from([2022, 2023, None])),
                   school_name=data.draw(st.sampled_from(["一", 'a,"b"', None])))
            for i in range(n)]
    schools = frame(rows)
    columns = plan_columns("quality", STAGES)
    # Whole counts and areas to 0.01 m², as _book books them.
    amount = st.sampled_from([0.0, 0.0, 1.0, 2.0, 155.19, 0.01, 1234567.89])
    ledger = Ledger(
        amounts={c: np.array([data.draw(amount) for _ in range(n)]) for c in columns},
        cv_driven={c: np.array([data.draw(st.booleans()) for _ in range(n)]) for c in columns},
        stage={c: np.array([data.draw(st.sampled_from(STAGES)) for _ in range(n)],
                           dtype=object) for c in columns},
        hires={c: np.array([data.draw(st.sampled_from([0.0, 1.0])) for _ in range(n)])
               for c in columns})
    table = addition_table(schools, ledger, PRICES)
    expected = straightforward(schools, ledger, PRICES)
    groups = table.groups()
    assert set(groups) == set(expected)
    for key, group in groups.items():
        assert table.records(group) == expected[key]
        assert table.cost_of(group) == math.fsum(r["cost"] for r in expected[key])
    items = table.json_items()
    for key, group in groups.items():  # the JSON of each group is pydantic's of its records
        import pydantic_core

        whole = pydantic_core.to_json({"results": [{"additions": expected[key]}]}, indent=1)
        inner = whole.split(b'"additions": [', 1)[1].rsplit(b"\n   ]", 1)[0]
        assert items(group) == inner


# ---------------------------------------------------------------------------------------------
# The verification's failing counts against compute_standards

@pytest.mark.parametrize("name", ["quality", "junior only", "empty plan"])
def test_failing_counts_are_compute_standards_totals(name: str) -> None:
    case = CASES[name]
    schools = frame(case["rows"])
    stages = case.get("stages", STAGES)
    units = school_units(schools, NORMS, stages)
    totals = compute_standards(units, schools, NORMS, per_school=False).totals
    expected = {_key(t.county, t.year, t.stage): t.failing for t in totals}
    assert verdicts(schools, NORMS, "quality", stages).failing == expected
    if name == "quality":
        assert any(expected.values())  # some units fail: the counts are not all 0
