"""The school rows of every year as arrays, linked to the same school's row of another year.

Every rule works on whole columns at once: a row's figures, and the position of the same school's
row a year earlier or later (-1 where there is none), so a province of 200 000 rows needs no
Python loop per school.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from edustat.audit.report import Finding, Related
from edustat.audit.rules import Rule

if TYPE_CHECKING:
    import numpy as np

    from edustat.validate import ValidTable

# Relative tolerance of every threshold: a value exactly at a limit meets it, whatever the
# float arithmetic of the product (0.85 × 40 is not exactly 34 in binary).
TOLERANCE = 1e-12


class Rows:
    """Validated rows (school or exam) with the arrays and lookups the rules share."""

    def __init__(self, valid: ValidTable) -> None:
        import numpy as np

        from edustat.reader import FILE, ROW

        self.valid = valid
        self.frame = valid.frame
        self.n = len(self.frame)
        self.files = self.frame[FILE].to_numpy(dtype=object)
        self.rows = self.frame[ROW].to_numpy()
        self.ids = self._text("school_id")
        self.names = self._text("school_name")
        self.counties = self._text("county")
        self.years = (self.frame["year"].to_numpy(dtype=float) if "year" in self.frame
                      else np.full(self.n, np.nan))

    def _text(self, column: str) -> np.ndarray:
        import numpy as np

        if column not in self.frame:
            return np.full(self.n, None, dtype=object)
        values = self.frame[column].astype(object).to_numpy()
        return np.array([None if v is None or v != v or str(v).strip() == "" else str(v)
                         for v in values], dtype=object)

    def col(self, column: str) -> np.ndarray:
        """A numeric column as floats (NaN where blank or absent)."""
        import numpy as np

        if column not in self.frame:
            return np.full(self.n, np.nan)
        return self.frame[column].to_numpy(dtype=float, na_value=np.nan)

    def present(self, column: str) -> bool:
        """True when some file has this column."""
        return any(column in written for written in self.valid.written.values())

    @cached_property
    def _index(self) -> Any:
        """(school_id, year) -> position, for rows whose key is given and unique."""
        import numpy as np
        import pandas as pd

        keys = pd.DataFrame({"id": self.ids, "year": self.years})
        usable = np.array((keys["id"].notna() & keys["year"].notna()).to_numpy(), dtype=bool)
        usable &= ~keys.duplicated(keep=False).to_numpy()
        self.linkable = usable
        positions = np.flatnonzero(usable)
        return pd.MultiIndex.from_arrays([self.ids[positions], self.years[positions]]), positions

    def lookup(self, ids: np.ndarray, years: np.ndarray) -> np.ndarray:
        """Positions of the rows of (school_id, year), -1 where there is none."""
        import numpy as np
        import pandas as pd

        index, positions = self._index
        if not len(positions):  # no row has both a school_id and a year
            return np.full(len(ids), -1, dtype=np.int64)
        found = index.get_indexer(pd.MultiIndex.from_arrays([ids, years]))
        return np.where(found >= 0, positions[np.maximum(found, 0)], -1)

    def link(self, offset: int) -> np.ndarray:
        """For each row, the position of the same school's row `offset` years on, or -1."""
        found = self.lookup(self.ids, self.years + offset)  # builds self.linkable
        found[~self.linkable] = -1
        return found

    def at(self, values: np.ndarray, positions: np.ndarray) -> np.ndarray:
        """`values` taken at `positions` (NaN where a position is -1)."""
        import numpy as np

        return np.where(positions >= 0, values[np.maximum(positions, 0)], np.nan)

    def year_of(self, pos: int) -> int | None:
        """The row's year as an int."""
        year = self.years[pos]
        return None if year != year else int(year)

    def related(self, pos: int, columns: list[str], values: list[float | None] | None = None
                ) -> Related:
        """Another row a finding compares with: its school, year, place and figures."""
        return Related(school_id=self.ids[pos], school_name=self.names[pos],
                       year=self.year_of(pos), file=self.files[pos], row=int(self.rows[pos]),
                       columns=columns,
                       values=values if values is not None else
                       [_number(self.frame[c].iat[pos]) if c in self.frame else None
                        for c in columns])

    def finding(self, pos: int, rule: Rule, code: str, columns: list[str],
                values: list[float | None] | None = None,
                related: list[Related] | None = None, **params: Any) -> Finding:
        """A finding at a row, in the rule's severity."""
        return Finding(county=self.counties[pos], school_id=self.ids[pos],
                       school_name=self.names[pos], year=self.year_of(pos), rule=rule.code,
                       code=code, severity=rule.severity, columns=columns,
                       values=values if values is not None else
                       [_number(self.frame[c].iat[pos]) for c in columns],
                       file=self.files[pos], row=int(self.rows[pos]), related=related or [],
                       params=params)


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if number != number else number


def above(value: np.ndarray, limit: np.ndarray | float) -> np.ndarray:
    """value > limit beyond the tolerance (NaN is never above)."""
    return value > limit * (1 + TOLERANCE)


def below(value: np.ndarray, limit: np.ndarray | float) -> np.ndarray:
    """value < limit beyond the tolerance (NaN is never below)."""
    return value < limit * (1 - TOLERANCE)


def percent(value: float) -> str:
    """A share as a whole percent for a message (display only, never a verdict)."""
    return f"{value * 100:.0f}%"


def number(value: float | None) -> str:
    """A figure as the cell shows it."""
    from edustat.audit.report import number_text

    return number_text(value)
