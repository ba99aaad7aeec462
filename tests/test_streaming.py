"""Streamed output (issue 14 item 18): a report written as its results are produced is byte for
byte the report serialized whole, on the sample and on a generated multi-county file, and the
command line writes it that way (whole or not at all)."""

from __future__ import annotations

import importlib.util
import io
import json

import pytest

from conftest import ROOT, SAMPLE
from edustat import api
from edustat.output import csv_text, write_csv

_spec = importlib.util.spec_from_file_location("make_national",
                                              ROOT / "benchmarks" / "make_national.py")
assert _spec is not None and _spec.loader is not None
make_national = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_national)


@pytest.fixture(scope="module")
def counties_file(tmp_path_factory):
    """1 500 schools in 40 counties, mixed school types (benchmarks/make_national.py)."""
    path = tmp_path_factory.mktemp("national") / "counties.csv"
    make_national.main([str(path), "--schools", "1500", "--counties", "40", "--seed", "7"])
    return path


@pytest.mark.parametrize("which", ["sample", "counties"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_streamed_standards_json_is_the_whole_report(which, lang, counties_file):
    path = SAMPLE if which == "sample" else counties_file
    whole = api.standards(path)
    streamed = api.standards(path, stream=True)
    assert streamed.results == [] and len(whole.results) > 0
    out = io.BytesIO()
    streamed.write_json(out, lang)
    assert out.getvalue() == whole.to_json_bytes(lang=lang) + b"\n"
    # and the streamed JSON holds every unit, in the whole report's order
    doc = json.loads(out.getvalue())
    assert [r["school_id"] for r in doc["results"]] == [r.school_id for r in whole.results]
    if which == "counties":
        assert len({r["county"] for r in doc["results"]}) == 40


@pytest.mark.parametrize("which", ["sample", "counties"])
def test_streamed_standards_csv_is_the_whole_report(which, counties_file):
    path = SAMPLE if which == "sample" else counties_file
    whole = api.standards(path)
    streamed = api.standards(path, stream=True)
    buffer = io.StringIO()
    write_csv(buffer, streamed.csv_rows("zh"))
    assert buffer.getvalue() == csv_text(whole.to_rows("zh"))
    assert streamed.sheets("en") == whole.sheets("en")
    assert streamed.failed() == whole.failed()


def test_cli_json_file_and_stdout_are_the_whole_report(cli, tmp_path, counties_file):
    whole = api.standards(counties_file).to_json_bytes() + b"\n"
    target = tmp_path / "out.json"
    result = cli("standards", str(counties_file), "-o", str(target))
    assert result.exit_code == 0
    assert target.read_bytes() == whole
    assert not list(tmp_path.glob(".out.json.*"))  # no temporary file left behind
    result = cli("standards", str(counties_file), "-f", "json")
    assert result.stdout_bytes == whole


@pytest.mark.parametrize("which", ["sample", "counties"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_figures_json_written_as_produced_is_the_json_module_s(which, lang, counties_file):
    path = SAMPLE if which == "sample" else counties_file
    report = api.figures([path])
    # what the report's JSON has always been: pydantic's records, dumped by the json module
    expected = json.dumps({"files": [f.model_dump() for f in report.files],
                           "results": [f.model_dump(context={"lang": lang})
                                       for f in report.results],
                           "unavailable": [u.record(lang) for u in report.unavailable]},
                          ensure_ascii=False, indent=1).encode("utf-8") + b"\n"
    out = io.BytesIO()
    report.write_json(out, lang)
    assert out.getvalue() == expected
    assert report.to_json_bytes(lang=lang) + b"\n" == expected


def test_items_written_like_the_json_module():
    from edustat.jsonstream import python_json_items, split_frame, write_list

    records = [{"a": 1.5, "b": None, "c": True, "d": "引号\"\\\n", "e": 3, "f": float("nan")},
               {"nested": [1, {"x": 2}], "g": 1e-05}, {}, {"h": float("-inf"), "i": False}]
    for items in (records, []):
        expected = json.dumps({"k": 0, "results": items, "z": [1]}, ensure_ascii=False,
                              indent=1).encode("utf-8")
        head, tail = split_frame(json.dumps({"k": 0, "results": [], "z": [1]},
                                            ensure_ascii=False, indent=1).encode(), "results")
        out = io.BytesIO()
        write_list(out, head, python_json_items(items), tail)
        assert out.getvalue() == expected
