"""Checking a draft against the data (SPEC §7.4 item 3): each bound figure at its written
precision (§7.3), the limits, the verbal verdicts; then the text's own arithmetic."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from edustat.drafts.arithmetic import check_arithmetic, written_value
from edustat.drafts.bind import Mention
from edustat.drafts.data import DataFigure, DraftData, family, gather
from edustat.drafts.document import read_draft
from edustat.drafts.report import (
    DraftCheckReport,
    Finding,
    Note,
    Where,
    summarise,
)


def check_draft(draft_path: str | Path, tables: Sequence[str | Path] = (), *,
                population: str | Path | None = None, previous: Sequence[str | Path] = (),
                system: Any = "6-3",
                standards_file: str | Path | None = None, encoding: str | None = None,
                sheet: str | None = None) -> DraftCheckReport:
    """Every figure of the draft bound, checked against the tables, and the text's arithmetic."""
    from edustat.drafts.bind import bind_draft

    draft = read_draft(draft_path)
    data = gather([Path(p) for p in tables], population=None if population is None
                  else Path(population), previous=[Path(p) for p in previous], system=system,
                  standards_file=None if standards_file is None else Path(standards_file),
                  encoding=encoding, sheet=sheet)
    mentions = bind_draft(draft, data.counties)
    notes: list[Note] = []
    findings = [_judge(m, data, notes, bool(tables)) for m in mentions]
    arithmetic = check_arithmetic(mentions)
    if not findings:
        notes.append(Note(code="no_figures"))
    if draft.unread:
        notes.append(unread_note(draft.unread))
    return DraftCheckReport(draft=str(draft_path), tables=data.tables, findings=findings,
                            arithmetic=arithmetic, summary=summarise(findings, arithmetic),
                            notes=_unique_notes(notes), problems=data.problems)


def _unique_notes(notes: list[Note]) -> list[Note]:
    seen, out = set(), []
    for note in notes:
        marker = (note.code, tuple(sorted(map(str, note.params.items()))))
        if marker not in seen:
            seen.add(marker)
            out.append(note)
    return out


def _base(mention: Mention) -> dict[str, Any]:
    """The fields of a finding every verdict shares."""
    start, end = mention.sentence
    text = mention.text[start:end]
    lead = len(text) - len(text.lstrip())
    text = text.strip()
    mark = (mention.span[0] - start - lead, mention.span[1] - start - lead)
    found = mention.found
    if found is not None:
        written = found.written
        value = float(found.number / 100) if found.percent else float(found.number)
        unit = found.unit
    else:
        written, value, unit = mention.text[mention.span[0]:mention.span[1]], None, None
    return {"where": Where(**vars(mention.where)), "text": text, "mark": mark,
            "span": mention.span,
            "kind": mention.kind, "written": written, "value": value, "unit": unit,
            "key": mention.key, "name": mention.name, "county": mention.context.county,
            "year": mention.context.year}


def _judge(mention: Mention, data: DraftData, notes: list[Note], with_tables: bool) -> Finding:
    base = _base(mention)
    if mention.kind == "verdict":
        return _judge_verdict(mention, data, base, notes, with_tables)
    if mention.key is None:
        return Finding(**base, verdict="unbound", reason=mention.reason or "no_phrase",
                       reason_params=mention.params)
    assert mention.found is not None
    if mention.kind == "limit":
        limit = data.limits.get(mention.key)
        if limit is None:
            return Finding(**base, verdict="not_checkable", reason="not_in_data")
        return _compare(base, mention, limit)
    chosen = _choose(mention, data, notes, with_tables)
    if isinstance(chosen, tuple):
        code, params = chosen
        return Finding(**base, verdict="not_checkable", reason=code, reason_params=params)
    base.update(county=chosen.county if chosen.county is not None else base["county"])
    if chosen.value is None:
        return Finding(**base, verdict="not_checkable", reason="cannot_compute",
                       reason_params={"detail": chosen.note or ""})
    assert not isinstance(chosen.value, bool)
    return _compare(base, mention, float(chosen.value))


def _compare(base: dict[str, Any], mention: Mention, computed: float) -> Finding:
    """Match when the computed value rounds half up to the written one at its precision."""
    from edustat.numbers import matches, written_as

    assert mention.found is not None
    written = written_value(mention.found)
    expected = written_as(computed, written)
    if matches(computed, written):
        return Finding(**base, computed=computed, expected=expected, verdict="match")
    return Finding(**base, computed=computed, expected=expected, verdict="mismatch")


def _choose(mention: Mention, data: DraftData, notes: list[Note], with_tables: bool
            ) -> DataFigure | tuple[str, dict[str, Any]]:
    """The computed figure a bound mention names, or (reason code, params) why there is none."""
    assert mention.key is not None
    if not with_tables:
        return ("no_tables", {})
    candidates = data.by_key.get(mention.key, [])
    if not candidates:
        reason = data.unavailable.get(family(mention.key))
        return reason if reason is not None else ("not_in_data", {})
    county = mention.context.county
    if county is not None and county in data.counties:
        candidates = [f for f in candidates if f.county in (county, None)]
    elif county is not None and data.counties:
        return ("county_not_in_data", {"county": county, "counties": "、".join(data.counties)})
    elif len({f.county for f in candidates}) > 1:
        return ("county_ambiguous", {"counties": "、".join(data.counties)})
    if not candidates:
        return ("not_in_data", {})
    year = mention.context.year
    if not data.years:
        if year is not None:
            notes.append(Note(code="year_unconfirmed", params={"year": year}))
    elif year is not None:
        candidates = [f for f in candidates if f.year in (year, None)]
        if not candidates:
            return ("year_not_in_data", {"year": year, "years": "、".join(map(str, data.years))})
    elif len({f.year for f in candidates}) > 1:
        return ("year_ambiguous", {"years": "、".join(map(str, data.years))})
    return candidates[0]


def _judge_verdict(mention: Mention, data: DraftData, base: dict[str, Any], notes: list[Note],
                   with_tables: bool) -> Finding:
    """均达到基本均衡标准: every stage the sentence names (or both) within its limit."""
    from edustat.drafts.phrases import load
    from edustat.schema import STAGE_ZH

    verdict = mention.verdict
    assert verdict is not None
    if verdict.check == "unbound":  # 各项指标全部达标 of nothing edustat can tell
        return Finding(**base, verdict="unbound", reason="verdict_subject")
    stages = mention.context.stages or ("primary", "junior")
    stages_zh = "、".join(STAGE_ZH[s] for s in stages)
    if verdict.check == "standards":
        keys = [f"standards.{stage}.failing_schools" for stage in stages]
        name = load().names["verdict_standards"].format(stages_zh=stages_zh)
    else:
        keys = [f"coefficient.{verdict.method}.{stage}.meets" for stage in stages]
        name = load().names[f"verdict_{verdict.method}"].format(stages_zh=stages_zh)
    base.update(key=keys[0] if len(keys) == 1 else ",".join(keys), name=name)
    values = []
    for key in keys:
        probe = Mention(where=mention.where, text=mention.text, sentence=mention.sentence,
                        span=mention.span, kind="figure", key=key, context=mention.context)
        chosen = _choose(probe, data, notes, with_tables)
        if isinstance(chosen, tuple):
            code, params = chosen
            return Finding(**base, verdict="not_checkable", reason=code, reason_params=params)
        if chosen.value is None:
            return Finding(**base, verdict="not_checkable", reason="cannot_compute",
                           reason_params={"detail": chosen.note or ""})
        values.append(bool(chosen.value) if verdict.check == "coefficient"
                      else float(chosen.value) == 0)
    base.update(county=base["county"] or (data.counties[0] if len(data.counties) == 1 else None))
    actual = all(values) if verdict.holds else not any(values)
    return Finding(**base, computed=all(values), verdict="match" if actual else "mismatch")


def unread_note(unread: list[tuple[str, str]]) -> Note:
    """The note naming the headers, footers and text boxes whose figures were not checked."""
    from edustat.texts import LANGS, Lang, t

    def shown(lang: Lang) -> str:
        listed = [t(f"draft.part.{part}", lang, text=text if len(text) <= 40 else text[:40] + "…")
                  for part, text in unread[:5]]
        return t("label.list_separator", lang).join(listed) + ("…" if len(unread) > 5 else "")

    return Note(code="parts_not_checked", params={"parts": {lang: shown(lang) for lang in LANGS}})
