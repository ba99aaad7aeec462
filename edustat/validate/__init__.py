"""Validation of input tables (SPEC §2): the dictionary checks of every table (`core`), and the
checks of each table kind (`schools`, `exams`, `population`, `claims`).

Every name the rest of edustat imports from `edustat.validate` is re-exported here.
"""

from edustat.numbers import WrittenValue, parse_written
from edustat.schema import EXAM_VALUES, ColumnSpec
from edustat.validate.cells import display_value, parse_numbers
from edustat.validate.claims import (
    TableKind,
    table_kind,
    validate_claims,
)
from edustat.validate.core import (
    STUDENT_COLUMNS,
    ValidTable,
    _frame_problems,
    check_categories,
    check_duplicates,
    column_present,
    flag_rows,
    load_tables,
    own_problems,
    validate_table,
)
from edustat.validate.exams import read_exams, validate_exams
from edustat.validate.population import (
    check_enrolment,
    check_grade_totals,
    enrolment_columns,
    validate_population,
)
from edustat.validate.schools import (
    read_schools,
    require_columns,
    validate_schools,
)

__all__ = ["EXAM_VALUES", "STUDENT_COLUMNS", "ColumnSpec", "TableKind", "ValidTable",
           "WrittenValue", "_frame_problems", "check_categories", "check_duplicates",
           "check_enrolment", "check_grade_totals", "column_present", "display_value",
           "enrolment_columns", "flag_rows", "load_tables", "own_problems", "parse_numbers",
           "parse_written", "read_exams", "read_schools", "require_columns", "table_kind",
           "validate_claims", "validate_exams", "validate_population", "validate_schools",
           "validate_table"]
