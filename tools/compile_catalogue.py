"""Write edustat/catalogue/compiled.json, the parsed texts of the catalogue's TOML files.

Usage: python tools/compile_catalogue.py          # rewrite compiled.json
       python tools/compile_catalogue.py --check  # exit 1 if it is not the TOML's

The TOML files are the catalogue and the only place texts are edited. compiled.json saves every
command the parsing at start-up; edustat uses it only when its fingerprint is that of the TOML
files as they are, so a stale one is merely slower. tests/test_texts.py fails when it is stale.
"""

from __future__ import annotations

import sys

from edustat.texts import COMPILED, compiled_catalogue


def main() -> int:
    """Rewrite or check compiled.json."""
    wanted = compiled_catalogue()
    if "--check" in sys.argv[1:]:
        current = COMPILED.read_bytes() if COMPILED.exists() else b""
        if current != wanted:
            print(f"{COMPILED} is stale: run python tools/compile_catalogue.py", file=sys.stderr)
            return 1
        return 0
    COMPILED.write_bytes(wanted)
    print(f"wrote {COMPILED}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
