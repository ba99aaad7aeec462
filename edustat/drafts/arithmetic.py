"""The text's own arithmetic (SPEC §7.4 item 4), with or without data: parts that add to a total
in the same sentence or the next, a rate with its counts at the written precision, a percentage
over 100 that is not a growth, one figure stated twice with two values."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from edustat.drafts.bind import Mention
from edustat.drafts.phrases import load
from edustat.drafts.report import Arithmetic, Where
from edustat.drafts.scan import Found
from edustat.numbers import WrittenValue

_PERSONS = {"人", "名", "人次"}


def _unit_class(found: Found) -> str | None:
    if found.percent or not found.unit:
        return None
    return "persons" if found.unit in _PERSONS else found.unit


def written_value(found: Found) -> WrittenValue:
    """The figure as a WrittenValue of §7.3 (its number, places and % scale)."""
    return WrittenValue(text=found.written, number=found.number, places=found.places,
                        scale=100 if found.percent else 1)


def _where(mention: Mention) -> Where:
    return Where(**vars(mention.where))


def _sentence(mention: Mention) -> str:
    start, end = mention.sentence
    return mention.text[start:end].strip()


def check_arithmetic(mentions: list[Mention]) -> list[Arithmetic]:
    """Every arithmetic finding of the draft's paragraphs, in document order."""
    figures = [m for m in mentions if m.kind == "figure" and m.found is not None
               and m.where.paragraph is not None]
    found: list[tuple[tuple[int, int], Arithmetic]] = []
    sums: dict[int, Arithmetic] = {}  # id of the total's mention -> its sum finding
    for index, mention in enumerate(figures):
        if mention.total:
            item = _sum(figures, index)
            if item is not None:
                sums[id(mention)] = item
                found.append(((mention.sentence_no, mention.span[0]), item))
    for index, mention in enumerate(figures):
        if mention.found is not None and mention.found.percent:
            item = _rate(figures, index, sums)
            if item is not None:
                found.append(((mention.sentence_no, mention.span[0]), item))
            item = _over_100(mention)
            if item is not None:
                found.append(((mention.sentence_no, mention.span[0]), item))
    found += _twice(mentions)
    return [item for _, item in sorted(found, key=lambda pair: pair[0])]


def _sum(figures: list[Mention], index: int) -> Arithmetic | None:
    """Parts before a total (共N) in its sentence, or in the sentence before when it opens one."""
    total = figures[index]
    assert total.found is not None
    unit = _unit_class(total.found)
    if unit is None:
        return None
    same = [m for m in figures[:index] if m.sentence_no == total.sentence_no
            and m.where.paragraph == total.where.paragraph]
    if not same:
        same = [m for m in figures[:index] if m.sentence_no == total.sentence_no - 1
                and m.where.paragraph == total.where.paragraph]
    # The parts follow 其中 when it is written; they stop at an earlier total.
    after = [m for m in same if m.after_parts]
    parts = after if after else same
    start = max((i for i, m in enumerate(parts) if m.total), default=-1)
    # A change (较上年增加3人) or a target is no part of this year's total.
    parts = [m for m in parts[start + 1:] if m.found is not None
             and _unit_class(m.found) == unit and m.reason not in ("change", "target")]
    # Without 其中, a leading figure larger than the total is its base (考生305名), not a part.
    if not after:
        while parts and parts[0].found is not None and parts[0].found.number > total.found.number:
            parts = parts[1:]
    if len(parts) < 2:
        return None
    terms = [m.found.number for m in parts if m.found is not None]
    computed = sum(terms, Decimal(0))
    holds = computed == total.found.number
    return Arithmetic(where=_where(total), text=_sentence(total), rule="sum", span=total.span,
                      terms=[float(x) for x in terms], total_written=float(total.found.number),
                      total_computed=float(computed), verdict="holds" if holds else "fails",
                      fit=None if holds else float(computed))


def _rate(figures: list[Mention], index: int, sums: dict[int, Arithmetic]) -> Arithmetic | None:
    """A rate bound to a key (本科升学率), its count (本科升学人数) and the candidates of the same
    exam, in its sentence or the one before."""
    from edustat.numbers import matches

    rate = figures[index]
    if rate.key is None or not rate.key.endswith("_rate") or rate.found is None:
        return None
    near = [m for m in figures if m.where.paragraph == rate.where.paragraph
            and rate.sentence_no - 1 <= m.sentence_no <= rate.sentence_no and m is not rate]
    counts = [m for m in near if m.key == f"{rate.key}.count"]
    exam = rate.key.split(".")[1] if rate.key.startswith("exams.") else None
    bases = [m for m in near if exam and m.key == f"exams.{exam}.candidates"]
    if not counts or not bases:
        return None
    count, base = _nearest(counts, rate), _nearest(bases, rate)
    assert count.found is not None and base.found is not None
    if base.found.number == 0:
        return None
    computed = float(count.found.number / base.found.number)
    written = written_value(rate.found)
    holds = matches(computed, written)
    fit = None
    if not holds:
        fit = _fitting_count(written, int(base.found.number), int(count.found.number))
    item = Arithmetic(where=_where(rate), text=_sentence(rate), rule="rate", span=rate.span,
                      numerator=float(count.found.number), denominator=float(base.found.number),
                      written=rate.found.written, computed=computed,
                      verdict="holds" if holds else "fails", fit=fit)
    return item


def _nearest(candidates: list[Mention], target: Mention) -> Mention:
    """The candidate nearest before the target (else the first after it)."""
    before = [m for m in candidates if (m.sentence_no, m.span[0]) < (target.sentence_no,
                                                                        target.span[0])]
    return before[-1] if before else candidates[0]


def _fitting_count(written: WrittenValue, denominator: int, numerator: int) -> float | None:
    """The whole count nearest `numerator` that gives the written rate over `denominator`."""
    from edustat.numbers import matches

    centre = int(float(written.value) * denominator)
    fitting = [n for n in range(max(0, centre - 3), centre + 4)
               if matches(n / denominator, written)]
    if not fitting:
        return None
    return float(min(fitting, key=lambda n: abs(n - numerator)))


def _over_100(mention: Mention) -> Arithmetic | None:
    """A percentage over 100 whose clause speaks of no growth (增长, 同比, 较上年…)."""
    found = mention.found
    if found is None or found.number <= 100:
        return None
    start = mention.sentence[0]
    before = mention.text[start:mention.span[0]]
    if any(word in before for word in load().context["growth"]):
        return None
    return Arithmetic(where=_where(mention), text=_sentence(mention), rule="over_100",
                      span=mention.span,
                      written=found.written, computed=float(found.number) / 100,
                      verdict="fails")


def _twice(mentions: list[Mention]) -> list[tuple[tuple[int, int], Arithmetic]]:
    """One figure (same key, county, year) written twice with values that differ at the
    precision of the less precise of the two."""
    out = []
    seen: dict[tuple[object, ...], Mention] = {}
    for mention in mentions:
        if mention.kind != "figure" or mention.key is None or mention.found is None:
            continue
        place = (mention.key, mention.context.county, mention.context.year)
        first = seen.setdefault(place, mention)
        if first is mention or first.found is None:
            continue
        a, b = first.found, mention.found
        places = min(a.places, b.places)
        quantum = Decimal(1).scaleb(-places)
        if a.percent == b.percent and (a.number.quantize(quantum, rounding=ROUND_HALF_UP)
                                       == b.number.quantize(quantum, rounding=ROUND_HALF_UP)):
            continue
        out.append(((mention.sentence_no, mention.span[0]), Arithmetic(
            where=_where(mention), text=_sentence(mention), rule="twice", written=b.written,
            span=mention.span,
            other=a.written, other_where=_where(first), verdict="fails")))
    return out
