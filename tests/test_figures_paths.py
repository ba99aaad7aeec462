"""`edustat figures` computes from its own fast paths (issue 14 item 18): figures as tuples
written column-wise, enrolment figures from the computed rates, one units frame for both
coefficient methods and the standards, one stable sort of ranks. Each is compared here with the
straightforward computation (the commands' own reports, pydantic's records, the json module,
Python's sorted) on small hand-made tables."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_enrolment import HEADER, write_csv, write_population

from edustat import api
from edustat.checks import figure_report
from edustat.checks.figure_report import Figure, FiguresReport, InputFile, Unavailable
from edustat.checks.figures import FAMILIES, family_of, order_figures
from edustat.problems import InputError
from edustat.results import Phrase

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "2022.csv"
TRANSFERS = ["该届累计转入学生数", "该届累计转出学生数"]


# ---------------------------------------------------------------------------------------------
# Hand-made enrolment tables: two counties over three years, blanks, zeros, a school without a
# county, a county the population table lacks, transfers in one year only.

def _school(sid: str, county: str, kind: str, grades: dict[int, Any], year: int,
            enrolled: Any = "", dropouts: tuple[Any, Any] = ("", ""),
            transfers: tuple[Any, Any] = ("", ""), top: int = 6) -> list[Any]:
    """A school row in HEADER + TRANSFERS order; `top` is the last primary grade."""
    primary = sum(v for g, v in grades.items() if g <= top and isinstance(v, int))
    junior = sum(v for g, v in grades.items() if g > top and isinstance(v, int))
    return [sid, f"学校{sid}", county, kind, primary if kind != "初中" else "",
            junior if kind != "小学" else "",
            *[grades.get(g, "") for g in range(1, 10)], enrolled, *dropouts, year, *transfers]


def enrolment_tables(folder: Path, system: str = "6-3") -> list[Path]:
    """Three yearly school tables; the cases each rate meets are named in the rows."""
    top = 6 if system == "6-3" else 5
    primary, junior = range(1, top + 1), range(top + 1, 10)
    paths = []
    for year in (2020, 2021, 2022):
        grades = dict.fromkeys(primary, 50)
        rows = [
            _school("1001", "甲县", "小学", grades, year, enrolled=240, dropouts=(1, ""),
                    top=top),
            _school("1002", "甲县", "初中", dict.fromkeys(junior, 80), year,
                    dropouts=("", 2), transfers=(3, 5) if year == 2022 else ("", ""), top=top),
            # 乙县: a blank grade-1 count in 2020, no junior pupils at all (zero
            # denominators), blank dropouts
            _school("2001", "乙县", "小学", {**grades, 1: "" if year == 2020 else 40}, year,
                    enrolled=200, top=top),
            _school("2002", "乙县", "九年一贯制学校",
                    {**dict.fromkeys(primary, 10), **dict.fromkeys(junior, 0)},
                    year, enrolled=45, dropouts=(0, 0),
                    transfers=(1, 0) if year == 2022 else ("", ""), top=top),
        ]
        paths.append(write_csv(folder / f"schools-{year}.csv", [*HEADER, *TRANSFERS], rows))
    # a 2022 table without a county column: "the whole file" is a place of its own
    row = _school("3001", "", "小学", dict.fromkeys(primary, 30), 2022, enrolled=140, top=top)
    del row[2]
    paths.append(write_csv(folder / "other-2022.csv",
                           [*(h for h in HEADER if h != "县区"), *TRANSFERS], [row]))
    return paths


def figure_records(report: FiguresReport, family: str, lang: str = "zh"
                   ) -> list[dict[str, Any]]:
    return [r for r in report.to_dict(lang)["results"] if family_of(r["key"]) == family]


@pytest.mark.parametrize("with_population", [False, True])
@pytest.mark.parametrize("system", ["6-3", "5-4"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_enrolment_figures_are_the_enrolment_reports_rates(tmp_path: Path, with_population: bool,
                                                           system: str, lang: str) -> None:
    paths = enrolment_tables(tmp_path, system)
    # 甲县 2022 only (its junior population 0), and 丙县, which has no schools
    population = (write_population(tmp_path, [["甲县", 2022, 300, 0], ["丙县", 2022, 90, 80]])
                  if with_population else None)
    enrolment = api.enrolment(paths, population=population, system=system)  # type: ignore[arg-type]
    figures = api.figures(paths, population=population, system=system)  # type: ignore[arg-type]
    # The straightforward records: the enrolment command's validated results, one by one.
    expected = [{"key": f"enrolment.{rate['key']}", "county": result["county"],
                 "year": result["year"], "value": rate["value"], "kind": "share",
                 "name": rate["name"], "note": rate["note"]}
                for result in enrolment.to_dict(lang)["results"] for rate in result["rates"]]
    got = figure_records(figures, "enrolment", lang)
    assert sorted(got, key=repr) == sorted(expected, key=repr)
    # the cases the tables were made for are all there
    notes = " ".join(str(r["note"]) for r in got)
    assert {(r["county"], r["year"]) for r in got} == {
        *((county, year) for county in ("甲县", "乙县") for year in (2020, 2021, 2022)),
        (None, 2022)}
    assert any(r["value"] is not None for r in got)
    if lang == "zh":
        assert "分母为 0" in notes
        assert "空" in notes  # the blank grade-1 cell of 2020
    if system == "6-3":
        # the adjusted rates come with the transfer columns, computed where the data allows
        assert any(r["key"].endswith("_adjusted") for r in got)


# The sample; a file without the quality columns (audit); two counties without a year.
@pytest.mark.parametrize("path", [SAMPLE, ROOT / "data" / "audit" / "2019.csv",
                                  ROOT.parent / "shared" / "examples" / "county-zh-gbk.csv"])
def test_coefficient_and_standards_figures_are_their_commands_results(path: Path) -> None:
    # Figures make the stage units once for both methods and the standards; the commands
    # each make their own.
    if not path.exists():
        pytest.skip(f"{path} is not here")
    figures = api.figures([path])
    for method in ("basic", "quality"):
        try:
            report = api.coefficient([path], standard=method)  # type: ignore[arg-type]
        except InputError as exc:
            [unavailable] = [u for u in figures.unavailable
                             if u.family == f"coefficient.{method}"]
            assert unavailable.problems == exc.problems
            continue
        expected = []
        for result in report.to_dict("zh")["results"]:
            expected.append((f"coefficient.{method}.{result['stage']}.composite",
                             result["county"], result["year"], result["composite"]))
            for item in result["indicators"]:
                prefix = f"coefficient.{method}.{result['stage']}.{item['key']}"
                expected += [(prefix, result["county"], result["year"], item["cv"]),
                             (f"{prefix}.mean", result["county"], result["year"], item["mean"])]
        got = [(r["key"], r["county"], r["year"], r["value"])
               for r in figure_records(figures, f"coefficient.{method}")]
        assert got and sorted(got, key=repr) == sorted(expected, key=repr)
    try:
        totals = api.standards([path], per_school=False).totals
    except InputError as exc:
        [unavailable] = [u for u in figures.unavailable if u.family == "standards"]
        assert unavailable.problems == exc.problems
        return
    expected = []
    for total in totals:
        place = (total.county, total.year)
        prefix = f"standards.{total.stage}"
        expected += [(f"{prefix}.schools", *place, float(total.schools)),
                     (f"{prefix}.passing_schools", *place, float(total.passing)),
                     (f"{prefix}.failing_schools", *place, float(total.failing)),
                     (f"{prefix}.passing_share", *place, total.passing / total.schools)]
        expected += [(f"{prefix}.{item.key}.shortfall", *place, float(item.shortfall))
                     for item in total.shortfalls]
    got = [(r["key"], r["county"], r["year"], r["value"])
           for r in figure_records(figures, "standards")]
    assert got and sorted(got, key=repr) == sorted(expected, key=repr)


# ---------------------------------------------------------------------------------------------
# Order

KEYS = ["coefficient.basic.primary.composite", "coefficient.quality.junior.composite",
        "standards.primary.schools", "enrolment.dropout_rate", "exams.gaokao.candidates"]


def _original_order(figures: list[Figure]) -> list[Figure]:
    """The order as it was first written: one sort of every figure by place and family."""
    family_order = {name: i for i, name in enumerate(FAMILIES)}
    return sorted(figures, key=lambda f: (f.county is None, f.county or "", f.year is None,
                                          f.year or 0, family_order[family_of(f.key)]))


NAME = Phrase(code="figure.not_in_data")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(KEYS), st.sampled_from([None, "", "甲县", "乙县", "A"]),
                          st.sampled_from([None, 0, 2021, 2022])), max_size=60))
def test_order_is_one_stable_sort_by_place_and_family(made: list[tuple[Any, ...]]) -> None:
    # the value numbers each figure, so that a stable sort is told from an unstable one
    figures = [Figure(key, county, year, float(i), "number", NAME)
               for i, (key, county, year) in enumerate(made)]
    assert order_figures(figures) == _original_order(figures)


# ---------------------------------------------------------------------------------------------
# JSON written column-wise

def _report(figures: list[Figure]) -> FiguresReport:
    return FiguresReport(files=[InputFile(file="a.csv", kind="schools")], results=figures,
                         unavailable=[Unavailable(family="exams",
                                                  reason=Phrase(code="figure.no_exam_table"))])


def _json_module(report: FiguresReport, lang: str) -> bytes:
    """pydantic's validated records, dumped whole by the json module."""
    return json.dumps({"files": [f.model_dump() for f in report.files],
                       "results": [f.model_dump(context={"lang": lang}) for f in report.results],
                       "unavailable": [u.record(lang) for u in report.unavailable]},
                      ensure_ascii=False, indent=1).encode("utf-8") + b"\n"


@pytest.mark.parametrize("chunk", [1, 2, 3, 20_000])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_json_columns_are_the_json_modules_records(monkeypatch: pytest.MonkeyPatch, chunk: int,
                                                   lang: str) -> None:
    monkeypatch.setattr(figure_report, "_CHUNK", chunk)
    stage = Phrase(code="stage_title.primary")
    name = Phrase(code="figure.std_schools", stage=stage)
    note = [Phrase(code="note.enrolment.zero_denominator"), Phrase(code="note.enrolment.no_year")]
    figures = [
        Figure("standards.primary.schools", "甲县", 2022, 3.0, "count", name),
        Figure("standards.primary.schools", 'a "quoted"\\ county\n', 2022, 0.1 + 0.2, "count",
               name, None),
        Figure("enrolment.dropout_rate", None, None, None, "share", name, note),
        Figure("enrolment.dropout_rate", "乙县", 0, math.nan, "share", name, note),
        Figure("enrolment.dropout_rate", "乙县", 2021, math.inf, "share", name, []),
        Figure("enrolment.dropout_rate", "乙县", 2021, -math.inf, "share", name,
               [Phrase(code="note.enrolment.no_year")]),
        Figure("coefficient.basic.primary.composite", "乙县", 2021, 5, "number", name),  # an int
        Figure("coefficient.basic.primary.composite", "乙县", 2021, 1e-300, "number", stage),
        Figure("coefficient.basic.primary.composite", "乙县", 2021, -0.0, "number", stage),
        Figure("coefficient.basic.primary.composite", "乙县", 2021, 12345678901234567.0,
               "number", stage),
    ]
    report = _report(figures)
    out = io.BytesIO()
    report.write_json(out, lang)  # type: ignore[arg-type]
    assert out.getvalue() == _json_module(report, lang)
    assert report.to_json_bytes(lang=lang) + b"\n" == _json_module(report, lang)  # type: ignore[arg-type]


def test_json_of_no_figures_is_an_empty_list() -> None:
    report = _report([])
    out = io.BytesIO()
    report.write_json(out)
    assert out.getvalue() == _json_module(report, "zh")
    assert json.loads(out.getvalue())["results"] == []


# ---------------------------------------------------------------------------------------------
# Stages of each school type, per distinct type

def test_stages_per_distinct_type_are_those_of_each_row() -> None:
    import numpy as np
    import pandas as pd

    from edustat.enrolment_inputs import COMPULSORY, _stages
    from edustat.schema import SCHOOL_TYPE_STAGES
    from edustat.validate import ValidTable

    types = ["小学", None, "九年一贯制学校", float("nan"), "初中", "不存在的类型", "小学",
             "完全中学", "十二年一贯制学校", "高级中学", 3, None, ""]
    valid = ValidTable(frame=pd.DataFrame({"school_type": types}), problems=[], written={})
    teaches, n_stages = _stages(valid)
    # the straightforward reading, row by row
    taught = [SCHOOL_TYPE_STAGES.get(t, ()) if isinstance(t, str) else () for t in types]
    for stage in COMPULSORY:
        assert teaches[stage].tolist() == [stage in s for s in taught]
    assert n_stages.tolist() == [len(s) for s in taught]
    assert np.asarray(n_stages).dtype.kind == "i"
