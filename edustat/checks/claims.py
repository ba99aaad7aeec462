"""A draft report's figures (claims) held to the data, and the report of `edustat check`.

A claim matches when the computed value, rounded half up (四舍五入) at the precision the report
writes (0.2740: 4 places; 52%: whole percent), is the written number (see `edustat.numbers`).
"""

from __future__ import annotations

import difflib
import unicodedata
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import BaseModel

from edustat.checks.figure_report import Figure, InputFile, Unavailable, stage_name
from edustat.checks.figures import catalogue, family_of
from edustat.numbers import matches, parse_written, round_half_up, written_as
from edustat.problems import Problem, has_errors
from edustat.results import Phrase, PhraseList, Report, Sheets, joined
from edustat.schema import EXAM_ZH, STAGES
from edustat.texts import LANGS, Lang, both

if TYPE_CHECKING:
    from edustat.validate import ValidTable

ClaimStatus = Literal["mismatch", "error", "match"]


def _phrase(code: str, **params: Any) -> Phrase:
    return Phrase(code=code, params=params)


class ClaimResult(BaseModel):
    """One figure of the draft report, held to the data."""

    file: str
    row: int
    figure: str  # the key as written
    county: str | None  # of the figure compared (as the claim names it when none was found)
    year: int | None
    reported: str | None  # as written
    name: Phrase | None = None
    computed: float | None = None  # unrounded
    expected: str | None = None  # the computed value written as the claim writes it: 51.9%
    difference: float | None = None  # reported − computed, in the figure's own unit (0.52 − 0.519)
    status: ClaimStatus
    message: PhraseList
    note: str | None = None  # the claims file's own note (where the figure stands in the report)


def normalize_key(key: str) -> str:
    """A key as typed, folded: full-width to half-width, no spaces, lower case."""
    return "".join(unicodedata.normalize("NFKC", key).split()).lower().replace("。", ".")


def _place_text(county: str | None, year: int | None) -> dict[str, str]:
    """A figure's county and year as a choice to name: 示例旗 2022, or 示例旗 without a year."""
    years = [str(year)] if year is not None else []
    return {lang: " ".join([county or Phrase(code="figure.whole_file").word(lang), *years])
            for lang in LANGS}


def _choices(figures: list[Figure]) -> dict[str, str]:
    places = [_place_text(f.county, f.year) for f in figures]
    return {lang: "、".join(place[lang] for place in places) for lang in LANGS}


def _claimed_place(county: str | None, year: int | None) -> dict[str, str]:
    """The county and year a claim names, as a phrase: 示例旗 2025 年 / 示例旗 2025."""
    year_text = ({"zh": "", "en": ""} if year is None
                 else both("label.year_of", year=year))
    return {lang: " ".join(x for x in (county, year_text[lang]) if x) for lang in LANGS}


def _absence_reason(key: str) -> Phrase:
    parts = key.split(".")
    name = family_of(key)
    if name.startswith("coefficient") and len(parts) > 2 and parts[2] in STAGES:
        return _phrase("figure.no_stage", stage=stage_name(parts[2]))
    if name == "standards" and len(parts) > 1 and parts[1] in STAGES:
        return _phrase("figure.no_stage", stage=stage_name(parts[1]))
    if name == "exams" and len(parts) > 1 and parts[1] in EXAM_ZH:
        return _phrase("figure.no_exam", exam=_phrase(f"exam.{parts[1]}"))
    return _phrase("figure.not_in_data")


class _Claim(BaseModel):
    file: str
    row: int
    figure: str | None
    reported: str | None
    county: str | None
    year: int | None
    note: str | None


def _claims(claims: ValidTable) -> list[_Claim]:
    from edustat.reader import FILE, ROW

    out = []
    for record in claims.frame.to_dict("records"):
        year = record["year"]
        out.append(_Claim(file=record[FILE], row=int(record[ROW]),
                          figure=_clean(record["figure"]), reported=_clean(record["reported"]),
                          county=_clean(record["county"]),
                          year=None if year is None or year != year else int(year),
                          note=_clean(record["note"])))
    return out


def _clean(value: Any) -> str | None:
    if value is None or value != value:
        return None
    return str(value).strip() or None


def match_claims(claims: ValidTable, figures: list[Figure], unavailable: list[Unavailable]
                 ) -> list[ClaimResult]:
    """Each claim against the figures: mismatches first, then errors, then matches."""
    by_key: dict[str, list[Figure]] = {}
    for figure in figures:
        by_key.setdefault(figure.key, []).append(figure)
    known = catalogue()
    # A claim may name a figure by its name instead of its key, in either language.
    by_name = {normalize_key(f.name.word(lang)): f.key for f in figures for lang in LANGS}
    failed = {item.family: item for item in unavailable}
    row_problems: dict[tuple[str, int], list[Problem]] = {}
    for problem in claims.problems:
        if problem.row is not None and problem.severity == "error":
            row_problems.setdefault((problem.file, problem.row), []).append(problem)

    results = []
    for claim in _claims(claims):
        base: dict[str, Any] = {"file": claim.file, "row": claim.row, "figure": claim.figure or "",
                "county": claim.county, "year": claim.year, "reported": claim.reported,
                "note": claim.note}

        def error(*message: Phrase, **extra: Any) -> ClaimResult:
            return ClaimResult(**{**base, **extra}, status="error",  # noqa: B023
                               message=list(message))

        problems = row_problems.get((claim.file, claim.row))
        if problems or claim.figure is None or claim.reported is None:
            results.append(error(*(
                _phrase("figure.row_problem", column=p.column,
                        message=_phrase(f"problem.{p.code}", **p.params))
                for p in problems or [])))
            continue
        key = normalize_key(claim.figure)
        if key not in known:
            suggestions = difflib.get_close_matches(key, list(known), n=3, cutoff=0.6)
            if key in by_name:
                suggestions = [by_name[key], *suggestions]
            # " / " lets a terminal break the line between keys, never inside one.
            suggestion: Phrase | str = (
                _phrase("figure.did_you_mean", keys=" / ".join(dict.fromkeys(suggestions)))
                if suggestions else "")
            results.append(error(_phrase("figure.unknown_figure", figure=claim.figure,
                                         suggestion=suggestion)))
            continue
        candidates = by_key.get(key, [])
        if not candidates:
            family = failed.get(known[key])
            reason = family.reason if family else _absence_reason(key)
            results.append(error(_phrase("figure.cannot_give", reason=reason)))
            continue
        chosen = [f for f in candidates
                  if (claim.county is None or f.county is None or f.county == claim.county)
                  and (claim.year is None or f.year is None or f.year == claim.year)]
        if not chosen:
            results.append(error(_phrase("figure.no_such_place", choices=_choices(candidates),
                                         place=_claimed_place(claim.county, claim.year))))
            continue
        if len(chosen) > 1:
            results.append(error(_phrase("figure.ambiguous", choices=_choices(chosen))))
            continue
        figure = chosen[0]
        base.update(county=figure.county, year=figure.year)
        if figure.value is None:
            why: Any = _phrase("figure.not_in_data")
            if figure.note:
                why = {lang: joined(figure.note, lang) for lang in LANGS}
            results.append(error(_phrase("figure.cannot_give", reason=why),
                                 name=figure.name))
            continue
        written = parse_written(claim.reported)
        assert written is not None  # validate_claims reports any reported value that is not
        expected = written_as(figure.value, written)
        found: dict[str, Any] = {"name": figure.name, "computed": figure.value,
                                 "expected": expected,
                                 "difference": float(written.value) - figure.value}
        if matches(figure.value, written):
            results.append(ClaimResult(**base, **found, status="match",
                                       message=[_phrase("figure.match")]))
            continue
        precision = (_phrase("figure.places", places=written.places) if written.places
                     else _phrase("figure.whole"))
        message = _phrase("figure.mismatch", precision=precision, expected=expected)
        if written.scale == 1 and figure.kind == "share":
            percent = round_half_up(figure.value, written.places, 100)
            if percent == written.number:
                message = _phrase("figure.mismatch_percent", precision=precision,
                                  expected=expected, percent=f"{percent:f}%")
        results.append(ClaimResult(**base, **found, status="mismatch", message=[message]))
    order = {"mismatch": 0, "error": 1, "match": 2}
    return sorted(results, key=lambda r: order[r.status])


class CheckReport(Report):
    """Everything `edustat check` found: each claim, the rules' findings, what cannot be
    computed. `to_dict()` gives its JSON."""

    json_from_dict = True
    # The table and the JSON list the data's findings; CSV and files hold the claims only.
    problems_shown_in: ClassVar[tuple[str, ...]] = ("table", "json")

    files: list[InputFile]
    claims_file: str | None
    results: list[ClaimResult]
    problems: list[Problem]  # consistency findings, and the inputs' warnings and notes
    unavailable: list[Unavailable]
    rules: list[str]  # keys of the rules that ran

    def counts(self) -> dict[str, int]:
        """Claims by status, and problems by severity."""
        out = {"claims": len(self.results), "mismatches": 0, "errors": 0, "matches": 0,
               "data_errors": 0, "data_warnings": 0, "data_notes": 0}
        plural = {"mismatch": "mismatches", "error": "errors", "match": "matches"}
        for result in self.results:
            out[plural[result.status]] += 1
        for problem in self.problems:
            out[f"data_{problem.severity}s"] += 1
        return out

    @property
    def ok(self) -> bool:
        """True when every claim matches and the data has no error (warnings do not count)."""
        return (all(r.status == "match" for r in self.results)
                and not has_errors(self.problems))

    def failed(self) -> bool:
        """A wrong or uncheckable claim fails `check` whether or not --strict is given."""
        return not self.ok

    def exit_code(self, strict: bool = False) -> int:
        """0 when every claim matches and the data has no error, else 1."""
        return 0 if self.ok else 1

    def to_dict(self, lang: Lang = "zh") -> dict[str, Any]:
        """{"ok", "summary", "files", "claims_file", "results" (claims), "problems", "unavailable",
        "rules"}; values unrounded."""
        return {"ok": self.ok, "summary": self.counts(),
                "files": [f.model_dump() for f in self.files], "claims_file": self.claims_file,
                "results": self.to_rows(lang),
                "problems": self.problem_rows(lang),
                "unavailable": [u.record(lang) for u in self.unavailable],
                "rules": self.rules}

    def to_rows(self, lang: Lang = "zh") -> list[dict[str, Any]]:
        """One flat record per claim, for CSV and XLSX."""
        return [r.model_dump(context={"lang": lang}) for r in self.results]

    def problem_rows(self, lang: Lang = "zh") -> list[dict[str, Any]]:
        """One flat record per finding of the rules (and input note), for XLSX."""
        return [p.as_record(lang) for p in self.problems]

    def sheets(self, lang: Lang = "zh") -> Sheets:
        """The claims (what CSV holds), the data's findings, the families not computed."""
        return {"claims": self.to_rows(lang), "problems": self.problem_rows(lang),
                "unavailable": [{"family": u.family, "reason": u.reason.word(lang)}
                                for u in self.unavailable]}

