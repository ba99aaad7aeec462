"""What the enrolment rates add up (SPEC §5): dropouts per stage, cohort transfers per kind of
school, and the sums per county and year.

Dropouts are given per stage (`primary_dropouts`, `junior_dropouts`); a single `dropouts` column
belongs to a single-stage school's one stage and is an error in a school teaching several stages
(which stage would it be?). The result is one `{stage}_dropouts` column per compulsory stage.

Transfers: a school's `cohort_transfers_in` / `cohort_transfers_out` are its graduating cohort's,
cumulative since that cohort entered the school (what a school's own records can tell). They are
split by the kind of school — `primary` (teaches primary only), `junior` (junior only, a complete
secondary school's compulsory stage), `both` (nine- and twelve-year schools) — as
`cohort_transfers_{in,out}@{kind}`, with `mixed@{stage}` counting the schools of kind `both`
teaching the stage; edustat.enrolment combines them into the adjusted retention rates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from edustat.schema import SCHOOL_TYPE_STAGES, SCHOOL_TYPE_ZH, STAGE_ZH

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from edustat.validate import ValidTable

COMPULSORY = ("primary", "junior")
KINDS = ("primary", "junior", "both")

Columns = dict[str, "np.ndarray"]


def _stages(valid: ValidTable) -> tuple[Columns, np.ndarray]:
    """Per compulsory stage the rows teaching it, and how many stages (senior too) each teaches."""
    import numpy as np
    import pandas as pd

    # Per distinct school type, then spread to the rows: a national file has 200 000 rows but
    # a dozen types. A blank type (code -1) teaches nothing: the last entry of each lookup.
    codes, types = pd.factorize(valid.frame["school_type"].astype(object).to_numpy())
    taught = [SCHOOL_TYPE_STAGES.get(t, ()) if isinstance(t, str) else () for t in types]
    teaches = {stage: np.array([stage in s for s in taught] + [False], dtype=bool)[codes]
               for stage in COMPULSORY}
    return teaches, np.array([len(s) for s in taught] + [0], dtype=int)[codes]


def _blank_warnings(valid: ValidTable, column: str, mask: np.ndarray) -> None:
    """A blank where a rate needs a value: a warning, once per cell (it is not taken as 0)."""
    from edustat.reader import FILE, ROW
    from edustat.validate import _frame_problems

    # A cell already reported (not a number, say) needs no second problem.
    reported = {(p.file, p.row, p.column) for p in valid.problems if p.row is not None}
    frame_files = valid.frame[FILE].to_numpy(dtype=object)
    rows = valid.frame[ROW].to_numpy()
    mask = mask.copy()
    for pos in mask.nonzero()[0]:
        if (frame_files[pos], int(rows[pos]), valid.header(frame_files[pos], column)) in reported:
            mask[pos] = False
    _frame_problems(valid, column, mask, "blank_not_zero", severity="warning")


def dropout_columns(valid: ValidTable) -> tuple[Columns, Columns, Columns]:
    """`{stage}_dropouts` per row (values, missing, present); errors added to `valid`."""
    import numpy as np

    from edustat.validate import _frame_problems, column_present

    frame = valid.frame
    teaches, n_stages = _stages(valid)
    types = frame["school_type"].astype(object).to_numpy()
    zh = {t: SCHOOL_TYPE_ZH.get(t, t) for t in set(types)}  # each distinct type looked up once
    type_zh = np.array([zh[t] for t in types], dtype=object)
    single = frame["dropouts"].to_numpy(dtype=float)
    has_single = column_present(valid, "dropouts")
    mixed = ~np.isnan(single) & (n_stages > 1)
    _frame_problems(valid, "dropouts", mixed, "dropouts_mixed_school",
                    per_row={"type_zh": type_zh, "type_en": types})
    values, missing, present = {}, {}, {}
    for stage in COMPULSORY:
        column = f"{stage}_dropouts"
        given = frame[column].to_numpy(dtype=float)
        has_column = column_present(valid, column)
        own = teaches[stage] & (n_stages == 1)  # a school whose one stage this is
        stray = ~teaches[stage] & (np.nan_to_num(given) > 0)
        _frame_problems(valid, column, stray, "dropouts_stage_not_taught",
                        params={"stage_zh": STAGE_ZH[stage], "stage_en": stage},
                        per_row={"type_zh": type_zh, "type_en": types})
        conflict = own & ~np.isnan(given) & ~np.isnan(single) & (given != single)
        _frame_problems(valid, column, conflict, "dropouts_conflict",
                        per_row={"other": single})
        value = np.where(~np.isnan(given), given, np.where(own, single, np.nan))
        values[column] = np.where(teaches[stage], value, 0.0)
        missing[column] = teaches[stage] & np.isnan(value)
        present[column] = has_column | (has_single & own)
        # The blank is named in the column the school would fill: the stage's own, else
        # `dropouts` (a single-stage school in a file without the stage column).
        _blank_warnings(valid, column, missing[column] & has_column)
        _blank_warnings(valid, "dropouts", missing[column] & ~has_column & has_single & own)
    return values, missing, present


def transfer_columns(valid: ValidTable) -> tuple[Columns, Columns, Columns]:
    """Cohort transfers per kind of school (values, missing, present); none when no table has
    a transfer column."""
    import numpy as np

    from edustat.validate import column_present

    frame = valid.frame
    ways = {way: f"cohort_transfers_{way}" for way in ("in", "out")}
    has = {way: column_present(valid, column) for way, column in ways.items()}
    if not any(h.any() for h in has.values()):
        return {}, {}, {}
    teaches, _ = _stages(valid)
    kind_rows = {
        "primary": teaches["primary"] & ~teaches["junior"],
        "junior": teaches["junior"] & ~teaches["primary"],
        "both": teaches["primary"] & teaches["junior"],
    }
    values, missing, present = {}, {}, {}
    for way, column in ways.items():
        given = frame[column].to_numpy(dtype=float)
        for kind, rows in kind_rows.items():
            name = f"{column}@{kind}"
            values[name] = np.where(rows, np.nan_to_num(given), 0.0)
            missing[name] = rows & np.isnan(given)
            present[name] = has[way]
        _blank_warnings(valid, column,
                        np.isnan(given) & has[way] & (teaches["primary"] | teaches["junior"]))
    for stage in COMPULSORY:
        pupils = np.nan_to_num(frame[f"{stage}_students"].to_numpy(dtype=float)) > 0
        values[f"mixed@{stage}"] = (kind_rows["both"] & pupils).astype(float)
        missing[f"mixed@{stage}"] = np.zeros(len(frame), dtype=bool)
        present[f"mixed@{stage}"] = np.ones(len(frame), dtype=bool)
    return values, missing, present


# ---------------------------------------------------------------------------------------------
# County sums

CountyYear = tuple[str | None, int | None]


@dataclass
class CountyTotals:
    """Sums of one county and year: per column the total, schools lacking it, files having it."""

    sums: dict[str, float] = field(default_factory=dict)
    missing: dict[str, int] = field(default_factory=dict)
    present: dict[str, int] = field(default_factory=dict)


def _key(county: Any, year: Any) -> CountyYear:
    county = None if county is None or county != county else str(county)
    year = None if year is None or year != year else int(year)
    return county, year


def county_totals(schools: pd.DataFrame, missing: dict[str, np.ndarray],
                  present: dict[str, np.ndarray]) -> dict[CountyYear, CountyTotals]:
    """Per (county, year): each column's sum over the schools, and how complete it is."""
    import numpy as np
    import pandas as pd

    columns = list(missing)
    data: dict[str, Any] = {
        "county": schools["county"].astype(object),
        "year": schools["year"].to_numpy(dtype=float),
    }
    for column in columns:
        data[column] = np.nan_to_num(schools[column].to_numpy(dtype=float))
        data[f"{column} missing"] = missing[column].astype(int)
        data[f"{column} present"] = present[column].astype(int)
    frame = pd.DataFrame(data)
    # dropna=False keeps schools without a county (or year) together instead of dropping them.
    summed = frame.groupby(["county", "year"], dropna=False, sort=False).sum()
    sums = {c: summed[c].to_numpy(dtype=float).tolist() for c in columns}
    missing_counts = {c: summed[f"{c} missing"].to_numpy().tolist() for c in columns}
    present_counts = {c: summed[f"{c} present"].to_numpy().tolist() for c in columns}
    totals: dict[CountyYear, CountyTotals] = {}
    for i, (county, year) in enumerate(summed.index):
        totals[_key(county, year)] = CountyTotals(
            sums={c: sums[c][i] for c in columns},
            missing={c: missing_counts[c][i] for c in columns},
            present={c: present_counts[c][i] for c in columns})
    return totals


def population_lookup(population: pd.DataFrame | None, counties: set[str | None]
                      ) -> dict[CountyYear, dict[str, float]]:
    """Population figures by (county, year); blank cells are left out (they are not 0).

    A table without a county column is "the whole file" (SPEC §2.1): when one side has no
    county and the other holds one county only, they are the same county.
    """
    if population is None:
        return {}
    out: dict[CountyYear, dict[str, float]] = {}
    table_counties = {_key(c, None)[0] for c in population["county"]}
    same = (len(table_counties) == 1 and len(counties) == 1
            and None in (table_counties | counties))
    school_county = next(iter(counties)) if same else None
    for record in population.to_dict("records"):
        county, year = _key(record["county"], record["year"])
        if same:
            county = school_county
        if year is None:
            continue
        figures = {c: float(record[c]) for c in ("primary_age_population",
                                                 "junior_age_population")
                   if record.get(c) is not None and record[c] == record[c]}
        out[(county, year)] = figures
    return out
