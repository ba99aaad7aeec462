"""Build small school tables for tests: as validated frames, or as CSV files on disk."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from edustat.reader import FILE, ROW
from edustat.schema import NUMERIC_KINDS, SCHOOL_TYPE_VALUES, SCHOOLS

# Every resource column a test may leave out defaults to 0 (the indicator then has CV 0).
RESOURCE_DEFAULTS = dict.fromkeys(
    ("teaching_area", "sports_area", "equipment_value", "computers", "books", "multimedia_rooms",
     "primary_students", "junior_students", "senior_students",
     *[f"{stage}_{r}" for stage in ("primary", "junior")
       for r in ("teachers", "degree_teachers", "titled_teachers", "backbone_teachers",
                 "arts_pe_teachers")]),
    0)


def school(school_id: str, school_type: str, **values: Any) -> dict[str, Any]:
    """One school row with canonical names; county 测试县, year 2022 unless given."""
    row = {"school_id": school_id, "school_name": f"学校{school_id}", "county": "测试县",
           "year": 2022, "school_type": school_type, **RESOURCE_DEFAULTS}
    row.update(values)
    return row


def frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """A frame shaped like validate_schools' output (all dictionary columns, FILE, ROW)."""
    data: dict[str, Any] = {}
    for spec in SCHOOLS.columns:
        values = [row.get(spec.name) for row in rows]
        if spec.name == "school_type":  # validated frames hold the canonical type
            values = [SCHOOL_TYPE_VALUES.get(v, v) for v in values]
        if spec.kind in NUMERIC_KINDS:
            data[spec.name] = np.array([np.nan if v is None else float(v) for v in values])
        else:
            data[spec.name] = pd.Series(values, dtype=object)
    data[FILE] = "test.csv"
    data[ROW] = np.arange(2, len(rows) + 2)
    return pd.DataFrame(data)


def write_csv(path: Path, rows: list[dict[str, Any]], encoding: str = "utf-8") -> Path:
    """Write rows as a CSV with canonical English headers."""
    columns = list(dict.fromkeys(k for row in rows for k in row))
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path
