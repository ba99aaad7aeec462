"""Regenerate the README's column dictionaries from edustat.schema (the one data dictionary).

Usage: python tools/readme_tables.py          # rewrite README.md in place
       python tools/readme_tables.py --check  # exit 1 if README.md is out of date
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from edustat.schema import TABLES, dictionary_markdown

README = Path(__file__).resolve().parent.parent / "README.md"
# A block's lines are the table (none yet for a block just added): any lines not a marker.
BLOCK = re.compile(r"(<!-- columns:(?P<name>\w+) -->\n)(?:(?!<!-- ).*\n)*(<!-- /columns -->)")


def render(text: str) -> str:
    """README text with every columns block replaced by the table the schema gives."""
    def table(match: re.Match[str]) -> str:
        rows = dictionary_markdown(TABLES[match.group("name")]).rstrip("\n")
        return f"{match.group(1)}{rows}\n{match.group(3)}"

    return BLOCK.sub(table, text)


def main() -> int:
    """Rewrite or check README.md."""
    text = README.read_text("utf-8")
    fresh = render(text)
    if "--check" in sys.argv:
        return 0 if fresh == text else 1
    README.write_text(fresh, "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
