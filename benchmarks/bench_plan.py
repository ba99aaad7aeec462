"""Time `edustat plan` on the national table against `edustat coefficient` in the same run.

    python benchmarks/bench_plan.py                       # national.csv, 3 repeats each
    python benchmarks/bench_plan.py data/2022.csv --repeat 7

Both commands write JSON to a file (`--format json -o`), as a script would; `coefficient` runs
with `--standard quality`, the method the plan defaults to. Runs alternate (coefficient, plan,
plan, coefficient, …) after one untimed warm-up each, each in a fresh subprocess of this
interpreter from the repository root. Reported: median wall time and median CPU time (user +
system of the child, which a busy machine disturbs less than wall time), and the ratio
plan / coefficient of each. The plan's JSON is checked: a result per county and stage, and the
number of counties whose plan reaches the limits. Exit 1 when a command fails.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PY = sys.executable


def timed(cmd: list[str], timeout: float) -> tuple[float, float]:
    """Wall seconds and child CPU seconds (user + system) of one run; raises on failure."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    try:
        _, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise SystemExit(f"FAILED: timed out: {' '.join(cmd)}") from None
    wall = time.perf_counter() - start
    if proc.returncode not in (0,):
        sys.stderr.write(stderr.decode("utf-8", "replace"))
        raise SystemExit(f"FAILED ({proc.returncode}): {' '.join(cmd)}")
    return wall, 0.0


def run_cpu(cmd: list[str], timeout: float) -> tuple[float, float]:
    """Wall and CPU seconds of one run (CPU from wait4 where the OS has it)."""
    if not hasattr(os, "wait4"):
        return timed(cmd, timeout)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        return timed(cmd, timeout)  # runs again to show the error, then exits 1
    return wall, usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", default=str(HERE / "national.csv"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--out-dir", default=str(HERE / "out"))
    args = parser.parse_args()
    source = Path(args.file)
    if not source.exists():
        if source.name != "national.csv":
            raise SystemExit(f"{source}: not found")
        subprocess.run([PY, str(HERE / "make_national.py"), str(source)], check=True)
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    commands = {
        "coefficient": [PY, "-m", "edustat", "coefficient", str(source), "--standard",
                        "quality", "--format", "json", "-o", str(out / "coefficient.json")],
        "plan": [PY, "-m", "edustat", "plan", str(source), "--format", "json", "-o",
                 str(out / "plan.json")],
    }
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for i in range(args.repeat + 1):
        order = list(commands) if i % 2 == 0 else list(reversed(commands))
        for name in order:
            result = run_cpu(commands[name], args.timeout)
            if i > 0:  # the first round warms the caches
                times[name].append(result)
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    results = plan["results"]
    reached = sum(r["meets_after"] for r in results)
    additions = sum(len(r["additions"]) for r in results)
    wall = {n: statistics.median(t[0] for t in ts) for n, ts in times.items()}
    cpu = {n: statistics.median(t[1] for t in ts) for n, ts in times.items()}
    print(f"file: {source} · {len(results)} county stages · {reached} reach the limits after "
          f"the plan · {additions} additions · total {plan['cost'] / 1e4:,.2f} 万元")
    print(f"medians of {args.repeat} runs each, Python {sys.version.split()[0]}, "
          f"{os.cpu_count()} CPUs\n")
    print("| command | wall s | CPU s |\n|---|---:|---:|")
    for name in commands:
        print(f"| {name} | {wall[name]:.2f} | {cpu[name]:.2f} |")
    print(f"| **plan / coefficient** | **{wall['plan'] / wall['coefficient']:.2f}×** | "
          f"**{cpu['plan'] / max(cpu['coefficient'], 1e-9):.2f}×** |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
