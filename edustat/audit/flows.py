"""Rules across years and schools: cohort flow, copied rows, rows not updated, fixed-asset drops
and jumps, round-number heaping (SPEC §10). Each takes the linked rows and its rule, returns
findings; all are whole-column operations."""

from __future__ import annotations

from itertools import combinations
from typing import TYPE_CHECKING

from edustat.audit.frame import Rows, above, below, number, percent
from edustat.audit.report import Finding
from edustat.audit.rules import Rule
from edustat.schema import NUMERIC_KINDS, SCHOOLS, SYSTEM_GRADES, grade_column

if TYPE_CHECKING:
    import numpy as np


def _grade_label(grade: int) -> dict[str, str]:
    return {"zh": SCHOOLS.column(grade_column(grade)).zh, "en": f"grade {grade}"}


def cohort_flow(rows: Rows, rule: Rule, system: str) -> list[Finding]:
    """A school's grade g in year Y against its grade g+1 in Y+1, outside [min, max].

    A single mistyped count makes two flows unusual, the one into it and the one out of it, in
    opposite directions: that is reported once, at the count itself, with both neighbours. A flow
    across the stage boundary (grade 6 to 7 under 6-3) is not a school's own cohort: pupils come
    from other schools, so only the county-wide rule judges it."""
    import numpy as np

    boundary = SYSTEM_GRADES[system]["primary"][-1]
    following, preceding = rows.link(1), rows.link(-1)
    grades = {g: rows.col(grade_column(g)) for g in range(1, 10)}
    low, high = rule["min_ratio"], rule["max_ratio"]
    ups: dict[int, np.ndarray] = {}
    downs: dict[int, np.ndarray] = {}
    for g in range(1, 9):
        if g == boundary:
            continue
        current, later = grades[g], rows.at(grades[g + 1], following)
        judged = ~np.isnan(current) & ~np.isnan(later) & (current >= rule["min_pupils"])
        gap = np.abs(later - current) >= rule["min_difference"]
        ups[g] = judged & gap & above(later, high * current)
        downs[g] = judged & gap & below(later, low * current)
    found: list[Finding] = []
    used = {g: np.zeros(rows.n, dtype=bool) for g in ups}
    for g in range(2, 9):
        if g not in ups or g - 1 not in ups:
            continue
        came_up = np.where(preceding >= 0, ups[g - 1][np.maximum(preceding, 0)], False)
        came_down = np.where(preceding >= 0, downs[g - 1][np.maximum(preceding, 0)], False)
        cell = (came_up & downs[g]) | (came_down & ups[g])
        for pos in np.flatnonzero(cell):
            before, after = int(preceding[pos]), int(following[pos])
            used[g][pos] = True
            used[g - 1][before] = True
            column = grade_column(g)
            value = grades[g][pos]
            code = "cohort_cell_high" if came_up[pos] else "cohort_cell_low"
            found.append(rows.finding(
                pos, rule, code, [column],
                related=[rows.related(before, [grade_column(g - 1)]),
                         rows.related(after, [grade_column(g + 1)])],
                grade=_grade_label(g), value=number(value),
                before=number(grades[g - 1][before]), after=number(grades[g + 1][after]),
                previous_year=rows.year_of(before), next_year=rows.year_of(after)))
    for g in ups:
        for pos in np.flatnonzero((ups[g] | downs[g]) & ~used[g]):
            target = int(following[pos])
            current, later = grades[g][pos], grades[g + 1][target]
            found.append(rows.finding(
                target, rule, "cohort_up" if ups[g][pos] else "cohort_down",
                [grade_column(g + 1)], related=[rows.related(pos, [grade_column(g)])],
                grade=_grade_label(g + 1), earlier_grade=_grade_label(g), value=number(later),
                earlier=number(current), previous_year=rows.year_of(pos),
                ratio=percent(later / current), low=percent(low), high=percent(high)))
    return found


def county_cohort_flow(rows: Rows, rule: Rule, system: str) -> list[Finding]:
    """County-wide: the top primary grade in year Y against the first junior grade in Y+1."""
    import numpy as np
    import pandas as pd

    from edustat.audit.report import Related

    top = SYSTEM_GRADES[system]["primary"][-1]
    first = top + 1
    frame = pd.DataFrame({"county": np.where(rows.counties == None, "", rows.counties),  # noqa: E711
                          "year": rows.years, "top": rows.col(grade_column(top)),
                          "first": rows.col(grade_column(first))})
    grouped = frame.groupby(["county", "year"])
    sums = pd.DataFrame({"top": grouped["top"].sum(min_count=1),
                         "first": grouped["first"].sum(min_count=1)})
    counties = sums.index.get_level_values("county")
    years = sums.index.get_level_values("year").to_numpy(dtype=float)
    following = sums.index.get_indexer(pd.MultiIndex.from_arrays([counties, years + 1]))
    earlier = sums["top"].to_numpy(dtype=float)
    later = np.where(following >= 0, sums["first"].to_numpy(dtype=float)[following], np.nan)
    judged = ~np.isnan(later) & (earlier >= rule["min_pupils"])
    out = judged & (above(later, rule["max_ratio"] * earlier)
                    | below(later, rule["min_ratio"] * earlier))
    found = []
    for i in np.flatnonzero(out):
        county, year, was, now = counties[i], int(years[i]), earlier[i], later[i]
        found.append(Finding(
            county=county or None, year=year + 1, rule=rule.code,
            code="county_cohort_up" if now > was else "county_cohort_down",
            severity=rule.severity, columns=[grade_column(first)], values=[float(now)],
            related=[Related(year=year, columns=[grade_column(top)], values=[float(was)])],
            params={"top": _grade_label(top), "first": _grade_label(first),
                    "earlier": number(was), "later": number(now), "previous_year": year,
                    "ratio": percent(now / was), "low": percent(rule["min_ratio"]),
                    "high": percent(rule["max_ratio"])}))
    return found


def copied_row(rows: Rows, rule: Rule) -> list[Finding]:
    """Two schools of one county and year sharing `min_shared` identical non-zero resource
    values, at least `min_distinctive` of them `distinctive_from` or more (small counts such as
    6 multimedia rooms coincide by chance); one finding at each school, naming the other."""
    import numpy as np
    import pandas as pd

    columns = [c for c in rule.looks_at if rows.present(c)]
    shared_needed = int(rule["min_shared"])
    if len(columns) < shared_needed:
        return []
    values = np.column_stack([rows.col(c) for c in columns])
    filled = ~np.isnan(values) & (values != 0)
    counties = np.where(rows.counties == None, "", rows.counties)  # noqa: E711
    # Only a row that shares a value with another school of its county and year in enough
    # columns can share them all with one school: the combinations run on those rows alone.
    shares = np.zeros(values.shape, dtype=bool)
    for i in range(len(columns)):
        keys = pd.DataFrame({"county": counties, "year": rows.years, "value": values[:, i]})
        shares[:, i] = filled[:, i] & keys.duplicated(keep=False).to_numpy()
    candidate = (shares.sum(axis=1) >= shared_needed) & ~np.isnan(rows.years)
    pairs: set[tuple[int, int]] = set()
    for combo in combinations(range(len(columns)), shared_needed):
        mask = candidate & shares[:, combo].all(axis=1)
        if mask.sum() < 2:
            continue
        keys = pd.DataFrame({"county": counties[mask], "year": rows.years[mask],
                             **{str(i): values[mask, i] for i in combo}})
        repeated = keys.duplicated(keep=False).to_numpy()
        if not repeated.any():
            continue
        positions = np.flatnonzero(mask)[repeated]
        for members in keys[repeated].groupby(list(keys.columns)).indices.values():
            group = positions[members]
            pairs.update((int(a), int(b)) for a, b in combinations(sorted(group), 2))
    found = []
    for a, b in sorted(pairs):
        if rows.ids[a] == rows.ids[b]:
            continue  # one school twice in a year: a duplicate id, reported by validation
        same = filled[a] & filled[b] & (values[a] == values[b])
        distinctive = same & (values[a] >= rule["distinctive_from"])
        if same.sum() < shared_needed or distinctive.sum() < rule["min_distinctive"]:
            continue
        shared = [c for c, s in zip(columns, same, strict=True) if s]
        for here, there in ((a, b), (b, a)):
            found.append(rows.finding(
                here, rule, "copied_row", shared, related=[rows.related(there, shared)],
                other=rows.names[there] or rows.ids[there], other_id=rows.ids[there],
                other_place=f"{rows.files[there]}:{rows.rows[there]}", count=len(shared)))
    return found


def count_columns(rows: Rows) -> list[str]:
    """Every count, area and money column some file gives (not the year)."""
    return [spec.name for spec in SCHOOLS.columns
            if spec.kind in NUMERIC_KINDS and spec.name != "year" and rows.present(spec.name)]


def not_updated(rows: Rows, rule: Rule) -> list[Finding]:
    """A school's row equal to its previous year's in every count and resource given."""
    import numpy as np

    columns = count_columns(rows)
    if not columns:
        return []
    previous = rows.link(-1)
    values = np.column_stack([rows.col(c) for c in columns])
    before = np.where((previous >= 0)[:, None], values[np.maximum(previous, 0)], np.nan)
    equal = (values == before) | (np.isnan(values) & np.isnan(before))
    filled = (~np.isnan(values) & (values != 0)).sum(axis=1)
    stale = (previous >= 0) & equal.all(axis=1) & (filled >= rule["min_filled"])
    found = []
    for pos in np.flatnonzero(stale):
        shown = [c for c in columns if not np.isnan(values[pos, columns.index(c)])
                 and not c.startswith("grade")][:8]
        found.append(rows.finding(pos, rule, "not_updated", shown,
                                  related=[rows.related(int(previous[pos]), shown)],
                                  previous_year=rows.year_of(int(previous[pos])),
                                  count=int(filled[pos])))
    return found


def asset_change(rows: Rows, rule: Rule) -> list[Finding]:
    """A fixed asset falling by more than `max_drop` or growing by more than `max_growth` in a
    year, shown with the next year's value: a change that is undone the next year is a typing
    error, and its undoing is not reported a second time."""
    import numpy as np

    previous, following = rows.link(-1), rows.link(1)
    drop, growth = rule["max_drop"], rule["max_growth"]
    found = []
    for column in rule.looks_at:
        if not rows.present(column):
            continue
        value = rows.col(column)
        before = rows.at(value, previous)
        judged = ~np.isnan(value) & (before > 0)
        fell = judged & below(value, (1 - drop) * before)
        rose = judged & above(value, (1 + growth) * before)
        flagged = fell | rose
        # Undoing: this year's change reverses a flagged change of the year before, back to
        # within the bounds of the value before that.
        flagged_before = np.where(previous >= 0, flagged[np.maximum(previous, 0)], False)
        base = rows.at(before, previous)
        back = flagged_before & (base > 0) & ~below(value, (1 - drop) * base) & ~above(
            value, (1 + growth) * base)
        after = rows.at(value, following)
        for pos in np.flatnonzero(flagged & ~back):
            was, now, then = before[pos], value[pos], after[pos]
            related = [rows.related(int(previous[pos]), [column])]
            if following[pos] >= 0:
                related.append(rows.related(int(following[pos]), [column]))
            # Back: the next year is nearer the year before than halfway (on a log scale) to
            # this year's value: a digit or unit typed wrong and put right, not a partial
            # recovery after a real write-off.
            if then != then:
                pattern = "none"
            elif then > 0 and abs(np.log(then / was)) < abs(np.log(now / was)) / 2:
                pattern = "back"
            else:
                pattern = "stays"
            finding = rows.finding(
                pos, rule, f"asset_{'drop' if fell[pos] else 'jump'}_{pattern}", [column],
                related=related, column_label={"zh": SCHOOLS.column(column).zh,
                                               "en": column},
                before=number(was), value=number(now), after=number(then),
                previous_year=rows.year_of(int(previous[pos])),
                next_year=(rows.year_of(int(following[pos])) if following[pos] >= 0 else ""),
                change=percent(abs(now / was - 1)), times=_times(now / was))
            # Growth that lasts is most often a real new building or a large purchase: one
            # step milder than a fall or a change that is undone.
            if pattern == "stays" and rose[pos] and rule.severity == "warning":
                finding.severity = "info"
            found.append(finding)
    return found


def _times(ratio: float) -> str:
    """How many times the value before, for a message: 2.4, 10,000."""
    return f"{ratio:.1f}" if ratio < 100 else f"{ratio:,.0f}"


def heaping(rows: Rows, rule: Rule) -> list[Finding]:
    """A school whose money and book values are multiples of `unit` in most years
    (`school_share`) while the county's other schools' are not (at most `county_share`)."""
    import numpy as np
    import pandas as pd

    unit = rule["unit"]
    counties = np.where(rows.counties == None, "", rows.counties)  # noqa: E711
    schools = np.where(rows.ids == None, "", rows.ids)  # noqa: E711
    flagged: dict[tuple[str, str], list[tuple[str, int, int, float, bool]]] = {}
    for column in rule.looks_at:
        if not rows.present(column):
            continue
        value = rows.col(column)
        given = ~np.isnan(value) & (value > 0)
        rounded = given & (np.mod(value, unit) == 0)
        tens = given & (np.mod(value, unit * 10) == 0)
        frame = pd.DataFrame({"county": counties, "school": schools, "n": given,
                              "r": rounded, "t": tens})[schools != ""]
        per_school = frame.groupby(["county", "school"]).sum()
        per_county = frame.groupby("county")[["n", "r"]].sum()
        totals = per_county.reindex(per_school.index.get_level_values("county"))
        others_n = totals["n"].to_numpy() - per_school["n"].to_numpy()
        others_r = totals["r"].to_numpy() - per_school["r"].to_numpy()
        n, r = per_school["n"].to_numpy(), per_school["r"].to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            share, others = r / n, others_r / others_n
        hit = ((n >= rule["min_years"]) & (others_n > 0)
               & ~below(share, rule["school_share"]) & ~above(others, rule["county_share"]))
        for i in np.flatnonzero(hit):
            key = per_school.index[i]
            flagged.setdefault(key, []).append(
                (column, int(r[i]), int(n[i]), float(others[i]),
                 bool(per_school["t"].iloc[i] == r[i])))
    if not flagged:
        return []
    latest = pd.DataFrame({"county": counties, "school": schools, "year": rows.years,
                           "pos": np.arange(rows.n)}).sort_values("year").groupby(
        ["county", "school"])["pos"].last()
    found = []
    for key, items in sorted(flagged.items()):
        pos = int(latest[key])
        for column, rounded, given, others, tens in items:
            found.append(rows.finding(
                pos, rule, "heaping", [column],
                column_label={"zh": SCHOOLS.column(column).zh, "en": column},
                rounded=rounded, given=given, unit=number(unit * (10 if tens else 1)),
                others=percent(others)))
    return found

