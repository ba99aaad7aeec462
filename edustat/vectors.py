"""Small vectorized helpers over columns with few distinct values (types, counties, stages).

Mapping a 200 000-row column value by value costs a Python call per row; factorizing first costs
one hash pass in C and a Python call per distinct value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd


def map_values(values: pd.Series | np.ndarray, mapping: Mapping[Any, Any] | Callable[[Any], Any],
               default: Any = None, dtype: Any = object) -> np.ndarray:
    """Each value mapped through `mapping` (a dict or a function); missing values get `default`."""
    return Factorized(values).map(mapping, default, dtype)


class Factorized:
    """A column's distinct values and each row's code, to map the column several ways cheaply."""

    def __init__(self, values: pd.Series | np.ndarray) -> None:
        import numpy as np
        import pandas as pd

        self.codes, self.uniques = pd.factorize(np.asarray(values, dtype=object),
                                                use_na_sentinel=True)

    def map(self, mapping: Mapping[Any, Any] | Callable[[Any], Any], default: Any = None,
            dtype: Any = object) -> np.ndarray:
        """Each row's value mapped through `mapping`; missing values and dict misses get
        `default`."""
        import numpy as np

        lookup = mapping.get if isinstance(mapping, Mapping) else mapping
        mapped = [lookup(u) for u in self.uniques]
        if isinstance(mapping, Mapping):
            mapped = [default if m is None else m for m in mapped]
        table = np.array([*mapped, default], dtype=dtype)  # code -1 (missing): the last slot
        return table[self.codes]


def blanks(values: pd.Series | np.ndarray) -> np.ndarray:
    """Which cells are missing (None, NaN, NaT …), exactly as `pd.isna` says.

    A column of Python objects is compared with itself instead: a missing value is the only one
    unequal to itself (None aside, which is looked for too). That is three times faster than
    pd.isna's check of every cell against each kind of missing value, which a national file's
    text columns paid nine times. A value that refuses to be compared (pd.NA) gets pd.isna."""
    import numpy as np
    import pandas as pd

    array = values.to_numpy() if isinstance(values, pd.Series) else np.asarray(values)
    if array.dtype != object:
        return np.asarray(pd.isna(array), dtype=bool)
    try:
        unequal = array != array
        missing = unequal | (array == None)  # noqa: E711  (elementwise, not identity)
    except (TypeError, ValueError, ArithmeticError):  # pd.NA refuses a truth value
        return np.asarray(pd.isna(array), dtype=bool)
    return np.asarray(missing, dtype=bool)


def group_codes(keys: Sequence[pd.Series | np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """A group number per row for the combination of `keys` (missing values form their own
    group), numbered in order of first appearance, and the first row of each group."""
    import numpy as np
    import pandas as pd

    combined = np.zeros(len(keys[0]), dtype=np.int64)
    for key in keys:
        values = np.asarray(key)
        if values.dtype.kind not in "fiub":  # numbers are hashed as numbers, not as objects
            values = values.astype(object)
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        codes = np.where(codes < 0, len(uniques), codes)
        combined = combined * (len(uniques) + 1) + codes
    # factorize numbers groups in order of first appearance, so a group's first row is where
    # the running maximum of the codes rises.
    group, _ = pd.factorize(combined)
    group = group.astype(np.int64, copy=False)
    peak = np.maximum.accumulate(group)
    first = np.flatnonzero(np.diff(peak, prepend=-1) > 0)
    return group, first


def frame_of(columns: Mapping[str, Any]) -> pd.DataFrame:
    """A frame of these columns as they are: one block per column, and a column of Python
    objects stays one (pandas 3 would otherwise scan every text to make it a string column:
    a twentieth of a second per national frame)."""
    import numpy as np
    import pandas as pd

    kept = {name: (pd.Series(values, dtype=object, copy=False)
                   if isinstance(values, np.ndarray) and values.dtype == object else values)
            for name, values in columns.items()}
    return pd.DataFrame(kept, copy=False)


def row_positions(rows: pd.DataFrame, wanted: pd.DataFrame, file: str, row: str) -> np.ndarray:
    """Each `wanted` record's position in `rows`, matched by (file, spreadsheet row); -1 if none.

    One int64 key per record instead of a (file, row) MultiIndex: building the MultiIndex's
    tuples cost a second per lookup on a national file."""
    import numpy as np
    import pandas as pd

    files = pd.Index(pd.unique(rows[file].to_numpy(dtype=object)))
    width = int(max(rows[row].max(), wanted[row].max(), 0)) + 1 if len(rows) and len(wanted) else 1

    def keys(frame: pd.DataFrame) -> np.ndarray:
        codes = files.get_indexer(frame[file].to_numpy(dtype=object)).astype(np.int64)
        # a file absent from `rows` keeps code -1, so its keys are negative and match nothing
        return codes * width + frame[row].to_numpy(dtype=np.int64)

    return np.asarray(pd.Index(keys(rows)).get_indexer(keys(wanted)))
