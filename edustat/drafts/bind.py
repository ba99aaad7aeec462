"""Binding the figures of a draft to figure keys (SPEC §7.4 item 2): what the words before a
figure name, with the stage, method, exam, county and year taken from the sentence, else from the
nearest heading or table caption before it. A figure that names nothing edustat computes stays
unbound, never guessed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from edustat.drafts.counts import (
    COUNT_KEYS,
    UNITS_KEY,
    clause_around,
    count_kinds,
    count_phrase,
)
from edustat.drafts.document import Block, Draft
from edustat.drafts.phrases import Phrase, Phrases, Verdict, load
from edustat.drafts.scan import Found, find_figures, fold, sentences
from edustat.schema import EXAM_ZH, STAGE_ZH

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_PARENS = re.compile(r"（[^（）]*）|\([^()]*\)")
_CLAUSE_END = "，,。；;！？!?\n"
_HEADER_UNIT = re.compile(r"[（(]\s*(%|％|人|名|所|个|册|台)\s*[）)]")


@dataclass
class Where:
    """Where a figure stands: a paragraph, or a table's row and column (all 1-based)."""

    paragraph: int | None = None
    table: int | None = None
    row: int | None = None
    column: int | None = None


@dataclass
class Context:
    """Stage, method, exam, county and year as a text names them (None: not named)."""

    stage: str | None = None
    stages: tuple[str, ...] = ()
    method: str | None = None
    exam: str | None = None
    county: str | None = None
    year: int | None = None

    def over(self, fallback: Context) -> Context:
        """This context, with what it does not name taken from `fallback`."""
        return Context(stage=self.stage or fallback.stage, stages=self.stages or fallback.stages,
                       method=self.method or fallback.method, exam=self.exam or fallback.exam,
                       county=self.county or fallback.county, year=self.year or fallback.year)


@dataclass
class Mention:
    """A figure (or a verbal verdict) of the draft, bound or not."""

    where: Where
    text: str  # the paragraph or cell it stands in
    sentence: tuple[int, int]  # its sentence, as offsets in `text`
    span: tuple[int, int]  # the figure (or verdict) itself, as offsets in `text`
    kind: str  # figure | limit | verdict
    found: Found | None = None
    key: str | None = None
    name: str | None = None
    context: Context = field(default_factory=Context)
    reason: str | None = None  # why unbound: no_phrase, no_stage, no_exam, other_schools
    total: bool = False  # written as a total: 共83名
    after_parts: bool = False  # after 其中 in its sentence
    verdict: Verdict | None = None
    sentence_no: int = 0  # running number of the sentence in the document
    params: dict[str, Any] = field(default_factory=dict)


def _blank_parens(text: str) -> str:
    """Text with parenthesised asides blanked (offsets kept): 小学（含一贯制学校小学部）."""
    while True:
        blanked = _PARENS.sub(lambda m: " " * len(m.group(0)), text)
        if blanked == text:
            return text
        text = blanked


def context_of(text: str, phrases: Phrases, counties: tuple[str, ...] = ()) -> Context:
    """What a text names: the last stage, method, exam and year in it, and a county."""
    words = phrases.context
    plain = _blank_parens(fold(text))
    for word in words["not_stage"]:
        plain = plain.replace(word, " " * len(word))
    stages = sorted((pos, stage) for word, stage in words["stage"].items()
                    for pos in _positions(plain, word))
    methods = sorted((pos, m) for word, m in words["method"].items()
                     for pos in _positions(plain, word))
    exams = sorted((pos, e) for word, e in words["exam"].items() for pos in _positions(plain, word))
    years = _YEAR.findall(plain)
    county = next((c for c in counties if c in text), None)
    if county is None:
        # 全县义务教育…, 我县2022年… are the draft's own county, named by the title.
        named = [m.group("county") for m in re.finditer(words["county_pattern"], text)]
        county = next((c for c in named if c not in words["self_county"]
                       and not any(c.endswith(w) for w in words["self_county"])), None)
    order = tuple(dict.fromkeys(s for _, s in stages))
    return Context(stage=stages[-1][1] if stages else None, stages=order,
                   method=methods[-1][1] if methods else None,
                   exam=exams[-1][1] if exams else None, county=county,
                   year=int(years[-1]) if years else None)


def _only_number(text: str) -> bool:
    """True when a cell holds one figure and nothing else but its unit."""
    found = find_figures(text)
    return len(found) == 1 and not text[:found[0].start].strip() and not text[found[0].end:
                                                                            ].strip()


def _header_unit(header: str) -> str | None:
    """The unit a table header gives its cells: 在校生（人） -> 人, 本科上线率（%） -> %."""
    match = _HEADER_UNIT.search(header)
    return None if match is None else fold(match.group(1))


def _positions(text: str, word: str) -> list[int]:
    return [m.start() for m in re.finditer(re.escape(word), text)]


def _unit_kind(found: Found) -> str:
    return "%" if found.percent else (found.unit or "")


def best_phrase(window: str, found: Found, phrases: Phrases, after: bool = False,
                unit: str | None = None) -> Phrase | None:
    """Of the phrases in `window` whose units fit the figure (or `unit`, a table header's), the
    one ending nearest the figure (then the longest); in the text after a figure, the longest."""
    units = {_unit_kind(found), unit}
    best: tuple[int, int] | None = None
    chosen = None
    for phrase in phrases.phrases:
        if not units & set(phrase.units):
            continue
        if phrase.text == "":
            # A bare measure word (8所) names the units of a stage only with no other phrase.
            score = (-1, 0)
        else:
            end = window.rfind(phrase.text)
            if end < 0:
                continue
            score = (0 if after else end + len(phrase.text), len(phrase.text))
        if best is None or score > best:
            best, chosen = score, phrase
    return chosen


def bind_draft(draft: Draft, counties: tuple[str, ...] = ()) -> list[Mention]:
    """Every figure and verbal verdict of the draft, in document order, bound where its words
    name a figure."""
    phrases = load()
    title = Context()
    section = Context()
    caption: Context | None = None
    mentions: list[Mention] = []
    sentence_no = 0
    first_heading = True
    for block in draft.blocks:
        if block.kind == "table":
            base = (caption or Context()).over(section).over(title)
            sentence_no += 1
            for mention in _bind_table(block, base, phrases, counties):
                mention.sentence_no = sentence_no
                mentions.append(mention)
            caption = None
            continue
        ctx = context_of(block.text, phrases, counties)
        if block.heading and first_heading:
            title, first_heading = ctx, False
        elif block.heading:
            section = ctx
        if block.caption:
            caption = ctx
        fallback = section.over(title) if not block.caption else ctx.over(section).over(title)
        found_all = find_figures(block.text)
        for start, end in sentences(block.text):
            sentence_no += 1
            inside = [f for f in found_all if start <= f.start < end]
            sentence_mentions = _bind_sentence(block, (start, end), inside, fallback, phrases,
                                               counties)
            for mention in sentence_mentions:
                mention.sentence_no = sentence_no
            mentions += sentence_mentions
    return mentions


def _bind_sentence(block: Block, sentence: tuple[int, int], found: list[Found],
                   fallback: Context, phrases: Phrases, counties: tuple[str, ...]
                   ) -> list[Mention]:
    """The figures and verdicts of one sentence of a paragraph."""
    text = block.text
    start, end = sentence
    words = phrases.context
    # Parenthesised asides stay: a limit is often written in one (小学不高于0.65).
    plain = fold(text)
    where = Where(paragraph=block.index)
    sentence_ctx = context_of(text[start:end], phrases, counties)
    out: list[Mention] = []
    previous_end = start
    spread_from: int | None = None  # position of 分别 governing the figures after it
    spread_index = 0
    kinds = count_kinds(plain, found, sentence, phrases)
    for figure, kind in zip(found, kinds, strict=True):
        window = plain[previous_end:figure.start]
        clause_start = max(window.rfind(c) for c in _CLAUSE_END) + 1
        tail = window.rstrip(" 为是达到了约近：:有")
        mention = Mention(where=where, text=text, sentence=sentence,
                          span=(figure.start, figure.end), kind="figure", found=figure)
        mention.after_parts = any(w in plain[start:figure.start] for w in words["parts_start"])
        clause = window[clause_start:].lstrip()
        mention.total = (any(tail.endswith(w) for w in words["total_before"])
                         or clause.startswith(tuple(words["total_opening"])))
        after_text = plain[figure.end:end]
        after_clause = re.split(r"[，,。；;！？!?、]", after_text, maxsplit=1)[0]
        is_limit = (any(tail.endswith(w) for w in words["limit_before"])
                    or any(after_text.startswith(w) for w in words["limit_after"]))
        if any(w in window for w in words["spread"]):
            spread_from = previous_end + window.rfind("分别" if "分别" in window else "依次")
            spread_index = 0
        elif spread_from is not None and window.strip(" 和、及与，,") == "":
            spread_index += 1
        else:
            spread_from = None
        local = context_of(window[clause_start:], phrases, counties)
        before = context_of(text[start:figure.start], phrases, counties)
        ctx = local.over(before).over(sentence_ctx).over(fallback)
        if spread_from is not None:
            subject = plain[start:spread_from]
            subject_ctx = context_of(subject, phrases, counties)
            if len(subject_ctx.stages) > spread_index:
                ctx.stage = subject_ctx.stages[spread_index]
            phrase = _spread_phrase(subject, figure, phrases, spread_index)
        else:
            phrase = best_phrase(window, figure, phrases)
            if phrase is None or phrase.text == "":
                later = best_phrase(after_clause, figure, phrases, after=True)
                phrase = later if later is not None and later.text else phrase
        if kind is not None and (phrase is None or phrase.key == UNITS_KEY):
            # 初中学校中有3所未能各项指标全部达标: the failing units, not the units.
            phrase = count_phrase(kind, phrases)
            if spread_from is None:
                ctx = Context(**{**vars(ctx), "stage": _count_stage(local, before, fallback)})
        sentence_before = plain[start:figure.start]
        gap = _after_phrase(window, phrase)
        if any(w in sentence_before for w in words["target"]):
            mention.context, mention.reason = ctx, "target"  # a plan, not a figure of the year
        elif is_limit and not any(w in plain[start:end] for w in words["limit_context"]):
            mention.context, mention.reason = ctx, "target"
        elif is_limit:
            mention.kind = "limit"
            _bind_limit(mention, window, ctx, phrases)
        elif any(w in (gap if phrase is not None and phrase.text else window[clause_start:])
                 for w in words["change"]):
            mention.context, mention.reason = ctx, "change"  # 较上年下降0.02: a change
        else:
            if phrase is not None and phrase.text == "" and local.stage is None:
                # A bare 14所 names a stage's units only with the stage in its own clause
                # (小学8所); 共14所 after 小学8所、初中6所 is no stage's count.
                ctx = Context(**{**vars(ctx), "stage": None})
            _resolve(mention, phrase, ctx, window[clause_start:], phrases)
        out.append(mention)
        previous_end = figure.end
    taken: list[tuple[int, int]] = []
    for verdict in phrases.verdicts:
        for match in verdict.pattern.finditer(text, start, end):
            if any(a < match.end() and match.start() < b for a, b in taken):
                continue  # one verdict per phrase: 未达到 is not also 达到
            taken.append((match.start(), match.end()))
            ctx = context_of(text[start:match.start()], phrases, counties).over(fallback)
            out.append(Mention(where=where, text=text, sentence=sentence,
                               span=(match.start(), match.end()), kind="verdict",
                               verdict=verdict, context=ctx))
    return sorted(out, key=lambda m: m.span[0])


def _count_stage(local: Context, before: Context, fallback: Context) -> str | None:
    """The stage of a count of failing (passing) schools: its own clause's, else the one stage
    the sentence names before it (none when it names two: 小学8所、初中6所，其中3所未达标),
    else the heading's."""
    if local.stage is not None:
        return local.stage
    if before.stages:
        return before.stages[0] if len(before.stages) == 1 else None
    return fallback.stage


def _after_phrase(window: str, phrase: Phrase | None) -> str:
    """The words between a figure's phrase and the figure (all of the window without one)."""
    if phrase is None or not phrase.text or phrase.text not in window:
        return ""
    return window[window.rfind(phrase.text) + len(phrase.text):]


def _spread_phrase(subject: str, figure: Found, phrases: Phrases, index: int) -> Phrase | None:
    """For "A、B分别为x和y": the phrase of the index-th subject, or the one phrase of all."""
    unit = _unit_kind(figure)
    hits = []
    for phrase in phrases.phrases:
        if phrase.text and unit in phrase.units:
            for pos in _positions(subject, phrase.text):
                hits.append((pos, -len(phrase.text), phrase))
    # Keep the longest phrase at each place, and drop phrases inside a longer one.
    hits.sort(key=lambda h: (h[0], h[1]))
    kept: list[tuple[int, int, Phrase]] = []
    for pos, neg_len, phrase in hits:
        if kept and pos < kept[-1][0] - kept[-1][1]:
            continue
        kept.append((pos, neg_len, phrase))
    if not kept:
        return None
    return kept[index][2] if len(kept) > index else kept[-1][2]


def _resolve(mention: Mention, phrase: Phrase | None, ctx: Context, clause: str,
             phrases: Phrases) -> None:
    """Fill the key and name of a figure from its phrase and context, or say why it is not."""
    mention.context = ctx
    if phrase is None:
        mention.reason = "no_phrase"
        return
    key = phrase.key
    if phrase.key == UNITS_KEY or phrase.key in COUNT_KEYS.values():
        plain = _blank_parens(clause)
        other = [w for w in phrases.context["other_schools"] if w in plain]
        if other:
            mention.reason, mention.params = "other_schools", {"phrase": other[0]}
            return
    if phrase.key in COUNT_KEYS.values():
        # 3所学校体质健康未达标: schools failing something other than the standards of SPEC §4.
        whole = clause_around(mention.text, mention.span, mention.sentence)
        measure = [w for w in phrases.context["other_measures"] if w in whole]
        if measure:
            mention.reason, mention.params = "other_measure", {"phrase": measure[0]}
            return
    if "{stage}" in key and ctx.stage is None:
        mention.reason, mention.params = "no_stage", {"phrase": phrase.text or "所"}
        return
    if "{exam}" in key and ctx.exam is None:
        mention.reason, mention.params = "no_exam", {"phrase": phrase.text}
        return
    method = ctx.method or "basic"  # 综合差异系数 alone is the 2012 basic method
    fill = {"stage": ctx.stage or "", "method": method, "exam": ctx.exam or "",
            "stage_zh": STAGE_ZH.get(ctx.stage or "", ""), "exam_zh": EXAM_ZH.get(ctx.exam or "",
                                                                                  "")}
    mention.key = key.format(**fill)
    mention.name = phrase.name.format(**fill)
    if ".gaokao." in mention.key or ".zhongkao." in mention.key:
        mention.context.exam = mention.key.split(".")[1]


def _bind_limit(mention: Mention, window: str, ctx: Context, phrases: Phrases) -> None:
    """不高于0.65: the limit of the composite (basic) or of each CV (quality) of a stage."""
    mention.context = ctx
    if ctx.stage is None:
        mention.reason, mention.params = "no_stage", {"phrase": "不高于"}
        return
    method = ctx.method or "basic"
    what = "composite" if method == "basic" else "indicator"
    mention.key = f"limit.{method}.{ctx.stage}.{what}"
    mention.name = phrases.names[f"limit_{method}"].format(stage_zh=STAGE_ZH[ctx.stage])


def _bind_table(block: Block, base: Context, phrases: Phrases, counties: tuple[str, ...]
                ) -> list[Mention]:
    """Each figure of a table, named by its row header (first column) and column header (first
    row); stage, year and method from the headers, else from the caption before the table."""
    rows = block.rows()
    if len(rows) < 2:
        return []
    headers = {cell.column: cell.text for cell in rows[0]}
    value_words = sorted(phrases.context["value_words"], key=len, reverse=True)
    out = []
    for row in rows[1:]:
        # A first cell that is only a number is data, not a row header (a table of one row
        # whose header row names every column): every cell of the row is then a figure.
        headed = not _only_number(row[0].text)
        row_header = _blank_parens(fold(row[0].text)).replace(" ", "") if headed else ""
        for cell in row[1:] if headed else row:
            column_header = headers.get(cell.column, "")
            column_plain = _blank_parens(fold(column_header)).replace(" ", "")
            for word in value_words:
                column_plain = column_plain.replace(word, "")
            window = row_header + column_plain
            ctx = context_of(column_header, phrases, counties).over(
                context_of(row_header, phrases, counties)).over(base)
            header_unit = _header_unit(column_header) or (_header_unit(row[0].text)
                                                          if headed else None)
            for figure in find_figures(cell.text):
                unit = None
                if header_unit == "%" and not figure.percent and figure.unit is None:
                    figure = replace(figure, percent=True)  # 本科上线率（%） over 51.9
                elif header_unit and not figure.percent and figure.unit is None:
                    unit = header_unit  # 在校生（人） over 8452
                mention = Mention(where=Where(table=block.index, row=cell.row,
                                             column=cell.column),
                                  text=cell.text, sentence=(0, len(cell.text)),
                                  span=(figure.start, figure.end), kind="figure", found=figure)
                _resolve(mention, best_phrase(window, figure, phrases, unit=unit), ctx, window,
                         phrases)
                out.append(mention)
    return out
