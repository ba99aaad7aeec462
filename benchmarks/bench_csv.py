"""Time the CSV writer alone: `edustat.output.write_csv` against the writer it replaced
(csv.DictWriter over cells made by a function per cell), on the rows of
`edustat coefficient FILE --schools` (20 million cells on the national file), in the same process,
alternating. Each writing time is the CPU seconds of producing and writing the rows to a file
less those of producing them alone. Both files are compared byte for byte.

    python benchmarks/bench_csv.py [FILE] [--standard basic|quality] [--rows N] [--repeat 3]
"""

from __future__ import annotations

import argparse
import collections
import csv
import filecmp
import itertools
import statistics
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from edustat import api
from edustat.output import BUFFER, write_csv

HERE = Path(__file__).resolve().parent


def old_write_csv(out: TextIO, rows: Iterable[dict[str, Any]]) -> None:
    """The writer before: csv.DictWriter, a float as its repr and None empty, cell by cell."""
    def cell(value: Any) -> Any:
        if isinstance(value, float):
            return repr(value)
        return "" if value is None else value

    rows = iter(rows)
    first = next(rows, None)
    writer = csv.DictWriter(out, fieldnames=list(first or []), lineterminator="\n")
    writer.writeheader()
    for row in itertools.chain([first] if first is not None else [], rows):
        writer.writerow({k: cell(v) for k, v in row.items()})


def cpu(action: Callable[[], object]) -> float:
    """CPU seconds of this process spent in `action`."""
    start = time.process_time()
    action()
    return time.process_time() - start


def main(argv: list[str] | None = None) -> None:
    """Print each writer's median writing time, their ratio, and whether the files are equal."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", default=str(HERE / "national.csv"))
    parser.add_argument("--standard", default="basic", choices=["basic", "quality"])
    parser.add_argument("--rows", type=int, default=None, help="only the first N rows")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    report = api.coefficient(args.file, standard=args.standard, schools=True, stream=True)

    def rows() -> Iterator[dict[str, Any]]:
        return itertools.islice(report.csv_rows("zh"), args.rows)

    folder = Path(tempfile.mkdtemp(prefix="bench_csv."))
    paths = {"old": folder / "old.csv", "new": folder / "new.csv"}
    writers = {"old": old_write_csv, "new": write_csv}
    times: dict[str, list[float]] = {"old": [], "new": []}
    count = sum(1 for _ in rows())
    for _ in range(args.repeat):
        for name, writer in writers.items():
            produce = cpu(lambda: collections.deque(rows(), maxlen=0))

            def write(name: str = name, writer: Any = writer) -> None:
                with open(paths[name], "w", encoding="utf-8-sig", buffering=BUFFER) as out:
                    writer(out, rows())

            times[name].append(cpu(write) - produce)
    old, new = statistics.median(times["old"]), statistics.median(times["new"])
    print(f"{count} rows of {args.file} ({args.standard}, --schools), "
          f"{paths['new'].stat().st_size / 1e6:.0f} MB")
    print(f"old writer {old:.2f} s, new {new:.2f} s (CPU, medians of {args.repeat}): "
          f"{old / new:.1f}x faster")
    print("files identical:", filecmp.cmp(paths["old"], paths["new"], shallow=False))
    for path in paths.values():
        path.unlink()
    folder.rmdir()


if __name__ == "__main__":
    main()
