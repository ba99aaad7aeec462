"""A plan's additions as columns: what each school adds, listed by county, year and stage.

A national plan has about 800 000 additions. Held as one dict each they cost seconds to build,
to serialize and to free; here they stay arrays, and are turned into records (`records`) or
into their JSON (`json_items`, byte for byte what pydantic writes for the records) group by
group, when asked.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from edustat.planning.prices import price_of
from edustat.planning.report import Addition, column_unit
from edustat.vectors import group_codes

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from edustat.planning.compute import GroupKey, Ledger

REASONS = ("cv", "standard", "count")
_CV, _STANDARD, _COUNT = range(3)

# An addition as the report's JSON holds it: an item of a result's "additions" (indent 1, the
# result an item of the top-level "results"), the keys in Addition's order.
_ITEM_HEAD = b'\n    {\n     "school_id": '
_ITEM_NAME = b',\n     "school_name": '


@dataclass
class AdditionTable:
    """Every non-zero addition, group after group; within a group school by school in the
    order of the input, columns in the order of the returns."""

    keys: list[GroupKey]  # each group's (county, year, stage)
    bounds: list[int]  # group g is rows bounds[g]:bounds[g + 1]
    school: np.ndarray  # index into `ids` and `names`
    column: np.ndarray  # index into `columns`
    amount: np.ndarray
    price: np.ndarray
    cost: np.ndarray
    reason: np.ndarray  # index into REASONS
    columns: list[str]
    ids: list[str | None]  # of each school that adds something, in input order
    names: list[str | None]

    def groups(self) -> dict[GroupKey, int]:
        """Each group's number by its key."""
        return {key: g for g, key in enumerate(self.keys)}

    def cost_of(self, group: int | None) -> float:
        """The group's total cost (exactly rounded: math.fsum, whatever the order)."""
        if group is None:
            return 0.0
        return math.fsum(self.cost[self.bounds[group]:self.bounds[group + 1]].tolist())

    def records(self, group: int | None) -> list[Addition]:
        """The group's additions as records (none for None)."""
        if group is None:
            return []
        rows = slice(self.bounds[group], self.bounds[group + 1])
        units = [column_unit(c) for c in self.columns]
        return [{"school_id": self.ids[s], "school_name": self.names[s],
                 "column": self.columns[c], "amount": a, "unit": units[c], "price": p,
                 "cost": cost, "reason": REASONS[r]}  # type: ignore[typeddict-item]
                for s, c, a, p, cost, r in zip(
                    self.school[rows].tolist(), self.column[rows].tolist(),
                    self.amount[rows].tolist(), self.price[rows].tolist(),
                    self.cost[rows].tolist(), self.reason[rows].tolist(), strict=True)]

    def json_items(self) -> Callable[[int | None], bytes]:
        """A function giving a group's additions as the report's JSON writes them between the
        brackets of the result's "additions" (each item with its leading newline, separated
        by commas; b"" for none), built when asked: a national plan's are 200 MB.

        Every text and number is serialized by pydantic_core, as the whole report's
        serialization writes it; the constant parts of an item are shared by column and
        reason."""
        import numpy as np
        import pandas as pd
        import pydantic_core

        n = len(self.amount)
        if n == 0:
            return lambda group: b""

        def numbers(values: np.ndarray) -> np.ndarray:
            # Each distinct value (by its bits: -0.0 is not 0.0) once, in one call: a national
            # plan's 780 000 amounts hold 130 000 values. A JSON number never holds a comma.
            bits = np.ascontiguousarray(values, dtype=np.float64).view(np.int64)
            codes, distinct = pd.factorize(bits, use_na_sentinel=False)
            texts = pydantic_core.to_json(distinct.view(np.float64).tolist(),
                                          inf_nan_mode="null")[1:-1].split(b",")
            table = np.empty(len(texts), dtype=object)
            table[:] = texts
            return table[codes]

        def texts(values: list[str | None]) -> np.ndarray:
            # One call, one value a line: a JSON text never holds a raw newline, so `,\n `
            # only ever separates two values.
            if not values:
                return np.zeros(0, dtype=object)
            lines = pydantic_core.to_json(values, indent=1)[3:-2].split(b",\n ")
            out = np.empty(len(lines), dtype=object)
            out[:] = lines
            return out

        ids = texts(self.ids)
        names = texts(self.names)
        to_amount = np.array([
            b',\n     "column": ' + pydantic_core.to_json(c) + b',\n     "amount": '
            for c in self.columns], dtype=object)
        # A column has one price (and one unit): what lies between the amount and the cost.
        _, first = np.unique(self.column, return_index=True)
        price_of_column = np.zeros(len(self.columns))
        price_of_column[self.column[first]] = self.price[first]
        if not np.array_equal(price_of_column[self.column], self.price):
            raise RuntimeError("plan JSON: a column's additions at different prices")
        to_cost = np.empty(len(self.columns), dtype=object)
        for row in first.tolist():
            c = int(self.column[row])
            to_cost[c] = (b',\n     "unit": ' + pydantic_core.to_json(column_unit(self.columns[c]))
                          + b',\n     "price": '
                          + pydantic_core.to_json(float(self.price[row]), inf_nan_mode="null")
                          + b',\n     "cost": ')
        closing = np.array([b',\n     "reason": ' + pydantic_core.to_json(r) + b'\n    }'
                            for r in REASONS], dtype=object)
        pieces = np.empty((n, 9), dtype=object)
        pieces[:, 0] = b"," + _ITEM_HEAD
        pieces[np.asarray(self.bounds[:-1]), 0] = _ITEM_HEAD  # no comma before a group's first
        pieces[:, 1] = ids[self.school]
        pieces[:, 2] = _ITEM_NAME
        pieces[:, 3] = names[self.school]
        pieces[:, 4] = to_amount[self.column]
        pieces[:, 5] = numbers(self.amount)
        pieces[:, 6] = to_cost[self.column]
        pieces[:, 7] = numbers(self.cost)
        pieces[:, 8] = closing[self.reason]
        bounds = self.bounds

        def items(group: int | None) -> bytes:
            if group is None:
                return b""
            return b"".join(pieces[bounds[group]:bounds[group + 1]].ravel().tolist())

        return items


def addition_table(schools: pd.DataFrame, ledger: Ledger, prices: dict[str, float]
                   ) -> AdditionTable:
    """Every non-zero addition of the ledger, by the group (county, year, stage) it is listed
    under (the school's county and year, the stage the ledger lists the addition for)."""
    import numpy as np
    import pandas as pd

    from edustat.planning.compute import _key, _texts

    columns = list(ledger.amounts)
    parts = [(index, column, np.flatnonzero(amounts > 0))
             for index, (column, amounts) in enumerate(ledger.amounts.items())]
    parts = [part for part in parts if part[2].size]
    if not parts:
        empty = np.zeros(0)
        return AdditionTable(keys=[], bounds=[0], school=empty.astype(np.int64),
                             column=empty.astype(np.int64), amount=empty, price=empty,
                             cost=empty, reason=empty.astype(np.int64), columns=columns,
                             ids=[], names=[])
    positions = np.concatenate([where for _, _, where in parts])
    column_index = np.concatenate([np.full(where.size, i) for i, _, where in parts])
    amount = np.round(np.concatenate([ledger.amounts[c][w] for _, c, w in parts]), 2)
    hired = np.concatenate([ledger.hires[c][w] for _, c, w in parts])
    price = np.concatenate([np.full(w.size, price_of(c, prices)) for _, c, w in parts])
    driven = np.concatenate([ledger.cv_driven[c][w] for _, c, w in parts])
    # The stage each addition is listed under (never missing where something is added; a
    # group assemble does not know is refused there, not dropped).
    stage_codes, stage_names = pd.factorize(
        np.concatenate([ledger.stage[c][w] for _, c, w in parts]), use_na_sentinel=False)
    costed = amount - hired  # hires on subset columns are costed there
    cost = np.round(np.maximum(costed, 0.0) * price, 2)
    reason = np.where(costed <= 0, _COUNT, np.where(driven, _CV, _STANDARD))
    # The school's county and year (missing values are a group of their own), then the stage.
    place_codes, _ = group_codes([schools["county"], schools["year"]])
    group = place_codes[positions] * len(stage_names) + stage_codes
    # By group, then school row, then column: one int64 key sorted once (a third of the time
    # of lexsort's three passes); every (school, column) is one addition, so keys are unique.
    width = len(schools) * len(columns)
    if (int(group.max()) + 1) * width < 2**62:
        order = np.argsort((group * len(schools) + positions) * len(columns) + column_index,
                           kind="stable")
    else:  # more rows than an int64 key holds
        order = np.lexsort((column_index, positions, group))
    group = group[order]
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    school = positions[order]
    counties = schools["county"].to_numpy(dtype=object)
    years = schools["year"].to_numpy(dtype=object)
    first = school[starts].tolist()
    stage_of = stage_codes[order][starts].tolist()
    keys = [_key(counties[row], years[row], str(stage_names[code]))
            for row, code in zip(first, stage_of, strict=True)]
    # Texts of the schools that add something only, each once (not per addition).
    # (np.unique without its sort: the used rows in order, each addition's index among them.)
    marked = np.zeros(len(schools), dtype=bool)
    marked[school] = True
    used = np.flatnonzero(marked)
    school = (np.cumsum(marked) - 1)[school]
    ids = _texts(schools["school_id"].iloc[used])
    names = _texts(schools["school_name"].iloc[used])
    return AdditionTable(keys=keys, bounds=[*starts.tolist(), len(order)], school=school,
                         column=column_index[order], amount=amount[order],
                         price=price[order], cost=cost[order], reason=reason[order],
                         columns=columns, ids=ids, names=names)


def check_groups(table: AdditionTable, listed: set[Any]) -> None:
    """Never drop an addition silently: additions listed under no result are a bug."""
    unknown = set(table.keys) - listed
    if unknown:
        raise RuntimeError(f"plan rows for unknown groups: {unknown}")
