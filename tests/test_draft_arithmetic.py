"""The text's own arithmetic (SPEC §7.4 item 4), each rule on hand-made sentences, with no data:
every expected number is worked by hand in a comment."""

from __future__ import annotations

from edustat.drafts.arithmetic import check_arithmetic
from edustat.drafts.bind import bind_draft
from edustat.drafts.document import Draft, _text_blocks


def arithmetic(text: str) -> list[tuple]:
    """(rule, verdict, working...) of each arithmetic finding of a text draft."""
    draft = Draft(file="t.txt", kind="txt",
                  blocks=_text_blocks("某县2022年工作总结\n" + text, markdown=False))
    out = []
    for item in check_arithmetic(bind_draft(draft)):
        if item.rule == "sum":
            out.append(("sum", item.verdict, item.terms, item.total_written, item.fit))
        elif item.rule == "rate":
            out.append(("rate", item.verdict, item.numerator, item.denominator, item.fit))
        elif item.rule == "over_100":
            out.append(("over_100", item.verdict, item.written))
        else:
            out.append(("twice", item.verdict, item.other, item.written))
    return out


def test_parts_add_up_to_the_total() -> None:
    # 16 + 18 + 7 = 41
    assert arithmetic("高考考生79人，其中一本16人、二本18人、艺体7人，共41人。") == [
        ("sum", "holds", [16, 18, 7], 41, None)]


def test_a_sum_that_fails_says_which_total_fits() -> None:
    # 16 + 18 + 7 = 41, written 43: the total that fits is 41.
    assert arithmetic("其中一本16人、二本18人、艺体7人，合计43人。") == [
        ("sum", "fails", [16, 18, 7], 43, 41)]


def test_the_total_in_the_next_sentence() -> None:
    # Parts in one sentence, 共计 opening the next: 8 + 6 = 14 schools.
    assert arithmetic("全县小学8所、初中6所。共计14所。") == [("sum", "holds", [8, 6], 14, None)]


def test_the_whole_before_the_parts_is_no_part() -> None:
    # Without 其中, the leading 182 (larger than the total) is the base, not a part:
    # 17 + 32 + 10 = 59.
    assert arithmetic("中考考生182人，统招17人、分招32人、特长生10人，共59人被重点高中录取。") == [
        ("sum", "holds", [17, 32, 10], 59, None)]


def test_no_sum_of_different_units() -> None:
    # 8所 and 600人 are not parts of 共14所; one part left is no sum.
    assert arithmetic("小学8所，在校生600人，共14所。") == []


def test_rate_from_its_counts() -> None:
    # 41 / 79 = 0.518987 -> 51.9%
    assert arithmetic("高考考生79人，本科上线41人，本科上线率51.9%。") == [
        ("rate", "holds", 41, 79, None)]


def test_a_rate_that_fails_says_which_count_gives_it() -> None:
    # 41 / 79 = 51.9%, written 53.2%: 42/79 = 53.16% -> 53.2%, so 42 would give it.
    assert arithmetic("高考考生79人，本科上线41人，本科上线率53.2%。") == [
        ("rate", "fails", 41, 79, 42)]


def test_a_rate_no_count_gives() -> None:
    # Over 79, n/79 steps by 1.27 points: 41/79 = 51.90%, 42/79 = 53.16%; 52.9% is neither.
    assert arithmetic("高考考生79人，本科上线43人，本科上线率52.9%。") == [
        ("rate", "fails", 43, 79, None)]


def test_rate_counts_from_the_sentence_before() -> None:
    # 59 / 182 = 0.324176 -> 32.4%
    assert arithmetic("中考考生182人，共59人被重点高中录取。重点高中录取率32.4%。") == [
        ("rate", "holds", 59, 182, None)]


def test_percentage_over_100() -> None:
    assert arithmetic("小学适龄儿童入学率为100.3%。") == [("over_100", "fails", "100.3%")]
    # A growth may pass 100%.
    assert arithmetic("教育经费比上年增长112.5%。") == []


def test_one_figure_twice() -> None:
    # Same key, two values: 0.3070 and 0.3007.
    assert arithmetic("小学综合差异系数为0.3070。小学综合差异系数为0.3007。") == [
        ("twice", "fails", "0.3070", "0.3007")]
    # The same value at two precisions is not two values: 0.3070 rounds to 0.31.
    assert arithmetic("小学综合差异系数为0.3070。小学综合差异系数约为0.31。") == []
    # 0.305 at 2 places is 0.31 half up (half even would give 0.30 and flag it).
    assert arithmetic("小学综合差异系数为0.305。小学综合差异系数约为0.31。") == []


def test_the_spec_example() -> None:
    # SPEC §7.4 / issue 11: 16 + 18 + 7 = 41 (总升学人数 opens its clause: a total);
    # 41/79 = 51.9% -> 52% at whole percent.
    assert arithmetic("高考考生共计79人，其中一本过线16人，二本过线18人，艺体类过线7人，"
                      "总升学人数为41人，本科升学率52%。") == [
        ("sum", "holds", [16, 18, 7], 41, None), ("rate", "holds", 41, 79, None)]


def test_a_change_is_no_part() -> None:
    # 16 + 18 = 34; the 3 of 较上年增加3人 is a change, not a part.
    assert arithmetic("其中一本16人（较上年增加3人）、二本18人，共34人。") == [
        ("sum", "holds", [16, 18], 34, None)]
