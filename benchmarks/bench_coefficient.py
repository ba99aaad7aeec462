"""Time `edustat coefficient` (or `edustat validate`) on a national-scale table against a plain
`pandas.read_csv` of the same file, plus the CLI's start-up cost; then `figures` and `standards`
against `coefficient` (time, and the peak memory of `standards`).

    python benchmarks/bench_coefficient.py                    # national.csv, 5 repeats
    python benchmarks/bench_coefficient.py --validate-only
    python benchmarks/bench_coefficient.py data/2022.csv --repeat 11
    python benchmarks/bench_coefficient.py --coefficient-only   # without standards and figures

Every measurement is a fresh subprocess of this interpreter (sys.executable), started from the
repository root. The wall time therefore includes interpreter start-up and imports, which is what
a user at a terminal waits for. The runs are interleaved (baseline, edustat, edustat, baseline,
...) after one untimed warm-up each. The report gives the median. The file is generated with
make_national.py if it is missing.

Exit status: 0 when every edustat command succeeded. 1 when one failed (its stderr is printed),
when the JSON it wrote is not a coefficient result, or when a run timed out. With --strict, also 1
when `import edustat.cli` loads pandas (the start-up check prints the result either way). 2 on a
usage error.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PY = sys.executable

BASELINE = [PY, "-c", "import pandas, sys; pandas.read_csv(sys.argv[1])"]
IMPORT_CHECK = [PY, "-c", "import sys; import edustat.cli; print('pandas' in sys.modules)"]


# CPU seconds (user + system) of every timed run, by label, filled in by compare()
CPU = {}


def cpu_of(label):
    """Median CPU seconds of a label's runs, or None where the platform does not tell."""
    return statistics.median(CPU[label]) if CPU.get(label) else None


class Failed(Exception):
    """An edustat command failed; the message is printed and the script exits 1."""


class Run:
    def __init__(self, cmd, seconds, returncode, stdout, stderr, max_rss_mb, timed_out,
                 cpu_seconds=None):
        self.cmd, self.seconds, self.returncode = cmd, seconds, returncode
        self.cpu_seconds = cpu_seconds  # user + system (POSIX): less disturbed on a busy machine
        self.stdout, self.stderr = stdout, stderr
        self.max_rss_mb, self.timed_out = max_rss_mb, timed_out

    @property
    def ok(self):
        return self.returncode == 0 and not self.timed_out


def run(cmd, timeout):
    """Run cmd from the repo root; wall time, exit code, output and (on POSIX) peak RSS."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=REPO, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        timed_out = threading.Event()

        def kill():
            timed_out.set()
            proc.kill()

        timer = threading.Timer(timeout, kill)
        timer.start()
        rss = cpu = None
        try:
            if hasattr(os, "wait4"):
                _, status, usage = os.wait4(proc.pid, 0)
                seconds = time.perf_counter() - t0
                proc.returncode = returncode = os.waitstatus_to_exitcode(status)
                # ru_maxrss: kilobytes on Linux, bytes on macOS
                rss = usage.ru_maxrss / (2**20 if sys.platform == "darwin" else 2**10)
                cpu = usage.ru_utime + usage.ru_stime
            else:
                returncode = proc.wait()
                seconds = time.perf_counter() - t0
        finally:
            timer.cancel()
        out.seek(0)
        err.seek(0)
        return Run(cmd, seconds, returncode, out.read().decode("utf-8", "replace"),
                   err.read().decode("utf-8", "replace"), rss, timed_out.is_set(), cpu)


def describe_failure(r, what):
    cmd = " ".join(str(c) for c in r.cmd)
    why = "timed out" if r.timed_out else f"exited with {r.returncode}"
    text = [f"FAILED: {what} {why}", f"  command: {cmd}"]
    if r.stdout.strip():
        text += ["  --- stdout (last 40 lines) ---", *r.stdout.rstrip().splitlines()[-40:]]
    text += ["  --- stderr ---", r.stderr.rstrip() or "  (empty)"]
    return "\n".join(text)


def check_coefficient_json(path):
    """The JSON written by `coefficient --format json -o` must be a SPEC §7.1 result."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise Failed(f"FAILED: edustat coefficient exited 0 but {path} is not readable JSON: "
                     f"{e}") from e
    results = doc.get("results") if isinstance(doc, dict) else None
    if not isinstance(results, list) or not results:
        raise Failed(f"FAILED: {path} has no non-empty 'results' list (SPEC §7.1)")
    counties = {r.get("county") for r in results if isinstance(r, dict)}
    return f"{len(results)} results, {len(counties)} counties"


def compare(label_a, cmd_a, label_b, cmd_b, repeat, warmup, timeout, after_b=None):
    """Interleaved timings of a (baseline) and b (edustat). b failing raises Failed."""
    times = {label_a: [], label_b: []}
    rss = {label_a: [], label_b: []}
    cpu = {label_a: [], label_b: []}
    note = None
    for i in range(warmup + repeat):
        order = [(label_a, cmd_a), (label_b, cmd_b)]
        if i % 2:
            order.reverse()
        for label, cmd in order:
            if label == label_b and after_b is not None:
                after_b("before")
            r = run(cmd, timeout)
            if not r.ok:
                if label == label_b:
                    raise Failed(describe_failure(r, label))
                raise Failed(describe_failure(r, f"baseline ({label})"))
            if label == label_b and after_b is not None:
                note = after_b("after")
            if i >= warmup:
                times[label].append(r.seconds)
                if r.max_rss_mb is not None:
                    rss[label].append(r.max_rss_mb)
                if r.cpu_seconds is not None:
                    cpu[label].append(r.cpu_seconds)
    CPU.update({k: CPU.get(k, []) + v for k, v in cpu.items()})
    return times, rss, note


def fmt_s(xs):
    return f"{statistics.median(xs):.3f}"


def fmt_mb(xs):
    return f"{max(xs):.0f}" if xs else "n/a"


def count_rows(path):
    with open(path, "rb") as f:
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))
        f.seek(-1, os.SEEK_END)
        if f.read(1) != b"\n":
            lines += 1
    return max(0, lines - 1)


def version(dist):
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def compile_package():
    """Write edustat's bytecode before timing, as an installed package has it: with
    PYTHONDONTWRITEBYTECODE set (or a source tree edited since), every run would compile the
    changed modules again, 50 ms that no user's run pays and the baseline's pandas never does."""
    import compileall

    compileall.compile_dir(REPO / "edustat", quiet=1)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file", nargs="?", default=str(HERE / "national.csv"),
                    help="school table to time "
                         "(default: benchmarks/national.csv, generated if missing)")
    ap.add_argument("--repeat", type=int, default=5, help="timed runs of each command (default 5)")
    ap.add_argument("--warmup", type=int, default=1, help="untimed runs first (default 1)")
    ap.add_argument("--validate-only", action="store_true",
                    help="time `edustat validate FILE` instead of `edustat coefficient`")
    ap.add_argument("--schools", type=int, default=200_000, help="rows if the file is generated")
    ap.add_argument("--counties", type=int, default=2_850, help="counties if the file is generated")
    ap.add_argument("--timeout", type=float, default=900, help="seconds before a run is killed")
    ap.add_argument("--out-dir", default=str(HERE / "out"), help="where edustat writes its JSON")
    ap.add_argument("--strict", action="store_true",
                    help="also exit 1 when `import edustat.cli` imports pandas, when standards "
                         "peaks over --memory-limit or figures takes over 3x coefficient")
    ap.add_argument("--coefficient-only", action="store_true",
                    help="skip the standards and figures measurements")
    ap.add_argument("--memory-limit", type=float, default=1024,
                    help="peak RSS in MB that `standards` must stay under (default 1024)")
    args = ap.parse_args(argv)
    if args.repeat < 1 or args.warmup < 0:
        ap.error("--repeat must be >= 1 and --warmup >= 0")

    data = Path(args.file).resolve()
    if not data.exists():
        print(f"{data} is missing; generating it ...", file=sys.stderr)
        gen = run([PY, str(HERE / "make_national.py"), str(data),
                   "--schools", str(args.schools), "--counties", str(args.counties)], args.timeout)
        sys.stderr.write(gen.stderr)
        if not gen.ok:
            print(describe_failure(gen, "make_national.py"), file=sys.stderr)
            return 1
    compile_package()
    rows = count_rows(data)
    out_dir = Path(args.out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    out_json = out_dir / f"{data.stem}.coefficient.json"

    if args.validate_only:
        label = "edustat validate"
        cmd = [PY, "-m", "edustat", "validate", str(data)]
        after = None
    else:
        label = "edustat coefficient"
        cmd = [PY, "-m", "edustat", "coefficient", str(data), "--format", "json",
               "-o", str(out_json)]

        def after(when):
            if when == "before":
                # a stale file from an earlier run must not pass for this run's output
                out_json.unlink(missing_ok=True)
                return None
            if not out_json.exists():
                raise Failed(f"FAILED: edustat coefficient exited 0 but wrote no {out_json}")
            return check_coefficient_json(out_json)

    base_label = "pandas.read_csv"
    print(f"benchmarking {data.name} ({rows} rows): {args.repeat} runs each after "
          f"{args.warmup} warm-up ...", file=sys.stderr)
    failures = []
    try:
        times, rss, note = compare(base_label, [*BASELINE, str(data)], label, cmd,
                                   args.repeat, args.warmup, args.timeout, after)
    except Failed as e:
        print(e, file=sys.stderr)
        return 1

    try:
        st_times, _st_rss, _ = compare("python -c pass", [PY, "-c", "pass"],
                                      "edustat --help", [PY, "-m", "edustat", "--help"],
                                      args.repeat, args.warmup, args.timeout)
    except Failed as e:
        failures.append(str(e))
        st_times = None

    imp = run(IMPORT_CHECK, args.timeout)
    if imp.ok:
        loaded = imp.stdout.strip()
        lazy = {"False": "no (lazy, ok)", "True": "**yes** (not lazy)"}.get(
            loaded, f"unexpected output {loaded!r}")
        if args.strict and loaded != "False":
            failures.append(f"FAILED (--strict): `import edustat.cli` printed {loaded!r}, "
                            "expected 'False'")
    else:
        failures.append(describe_failure(imp, "import edustat.cli"))
        lazy = "import failed"

    b, e = statistics.median(times[base_label]), statistics.median(times[label])
    print()
    print(f"python {platform.python_version()} ({PY}), pandas {version('pandas')}, "
          f"edustat {version('edustat')}, {platform.system()} {platform.machine()}, "
          f"{os.cpu_count()} CPUs; median of {args.repeat} runs, wall time incl. start-up")
    print()
    print(f"| file | rows | {base_label} s | {label} s | ratio edustat/baseline "
          f"| peak RSS baseline MB | peak RSS edustat MB |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    print(f"| {data.name} | {rows} | {fmt_s(times[base_label])} | {fmt_s(times[label])} "
          f"| {e / b:.2f} | {fmt_mb(rss[base_label])} | {fmt_mb(rss[label])} |")
    print()
    # On a busy machine the medians drift with the load; the ratio of each adjacent pair of
    # runs, and CPU time, are disturbed less.
    pairs = [x / y for x, y in zip(times[label], times[base_label], strict=True)]
    print(f"ratio of adjacent runs, median: {statistics.median(pairs):.2f} "
          f"(min {min(pairs):.2f}, max {max(pairs):.2f})")
    cb, ce = cpu_of(base_label), cpu_of(label)
    if cb and ce:
        print(f"CPU seconds, median: baseline {cb:.3f}, edustat {ce:.3f}, ratio {ce / cb:.2f}")
    print()
    if st_times is not None:
        p = statistics.median(st_times["python -c pass"])
        h = statistics.median(st_times["edustat --help"])
        print("| start-up | python -c pass s | python -m edustat --help s | difference s | ratio |")
        print("|---|---:|---:|---:|---:|")
        print(f"| | {p:.3f} | {h:.3f} | {h - p:.3f} | {h / p:.1f} |")
        print()
    print(f"pandas imported by `import edustat.cli`: {lazy}")
    if note:
        print(f"coefficient output: {out_json} ({note})")
    if not args.validate_only and not args.coefficient_only:
        try:
            failures += at_scale(data, out_dir, args)
        except Failed as e:
            print(e, file=sys.stderr)
            return 1
    for f in failures:
        print(f, file=sys.stderr)
    return 1 if failures else 0


def at_scale(data, out_dir, args):
    """`standards` (time, peak RSS, size of its JSON) and `figures` against `coefficient`,
    interleaved in the same run (issue 14 items 17 and 18). Returns --strict failures."""
    failures = []
    coefficient = [PY, "-m", "edustat", "coefficient", str(data), "--format", "json",
                   "-o", str(out_dir / f"{data.stem}.coefficient.json")]
    standards_json = out_dir / f"{data.stem}.standards.json"
    standards = [PY, "-m", "edustat", "standards", str(data), "--format", "json",
                 "-o", str(standards_json)]
    figures = [PY, "-m", "edustat", "figures", str(data), "--format", "json",
               "-o", str(out_dir / f"{data.stem}.figures.json")]
    print(f"standards and figures against coefficient: {args.repeat} runs each ...",
          file=sys.stderr)
    times, rss, _ = compare("edustat coefficient", coefficient, "edustat figures", figures,
                            args.repeat, args.warmup, args.timeout)
    st_times, st_rss, _ = compare("edustat coefficient", coefficient, "edustat standards",
                                  standards, args.repeat, args.warmup, args.timeout)
    c = statistics.median(times["edustat coefficient"] + st_times["edustat coefficient"])
    f = statistics.median(times["edustat figures"])
    s = statistics.median(st_times["edustat standards"])
    size = standards_json.stat().st_size / 2**20 if standards_json.exists() else float("nan")
    cc, fc, sc = (cpu_of(f"edustat {name}") for name in ("coefficient", "figures", "standards"))

    def cpu_cells(x):
        return f"{x:.3f} | {x / cc:.2f}" if x is not None and cc else "n/a | n/a"

    print("| command | median s | ratio to coefficient | CPU s | CPU ratio | peak RSS MB |")
    print("|---|---:|---:|---:|---:|---:|")
    print(f"| edustat coefficient | {c:.3f} | 1.00 | {cpu_cells(cc)} "
          f"| {fmt_mb(rss['edustat coefficient'] + st_rss['edustat coefficient'])} |")
    print(f"| edustat figures | {f:.3f} | {f / c:.2f} | {cpu_cells(fc)} "
          f"| {fmt_mb(rss['edustat figures'])} |")
    print(f"| edustat standards | {s:.3f} | {s / c:.2f} | {cpu_cells(sc)} "
          f"| {fmt_mb(st_rss['edustat standards'])} |")
    print()
    print(f"standards JSON: {size:.0f} MB; peak RSS limit {args.memory_limit:.0f} MB; "
          f"figures limit 3x coefficient")
    peak = max(st_rss["edustat standards"]) if st_rss["edustat standards"] else None
    if args.strict and peak is not None and peak >= args.memory_limit:
        failures.append(f"FAILED (--strict): standards peaked at {peak:.0f} MB "
                        f"(limit {args.memory_limit:.0f} MB)")
    if args.strict and f > 3 * c:
        failures.append(f"FAILED (--strict): figures took {f / c:.2f}x coefficient (limit 3x)")
    return failures


if __name__ == "__main__":
    sys.exit(main())
