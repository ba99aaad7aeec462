"""Checking a draft report itself (SPEC §7.4): read the .docx/.txt/.md, find every figure, bind it
to a figure key, check it against the data at its written precision, and check the text's own
arithmetic. Compute only: the table is edustat/render/draft.py, the command
edustat/cli/check_draft.py.
"""

from __future__ import annotations

from edustat.drafts.check import check_draft
from edustat.drafts.document import is_draft
from edustat.drafts.report import DraftCheckReport

__all__ = ["DraftCheckReport", "check_draft", "is_draft"]
