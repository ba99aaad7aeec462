"""Recall and false positives of `edustat audit` on generated counties (the README's figures).

    python data/audit/measure.py [SEEDS] [PROFILE]   # default 200 seeds, plain

For each seed: the clean county (every finding is a false positive), and the county with every
anomaly kind injected once (an anomaly is found when a finding of its rule names its school and
year; a copied row must also be found at the other school, naming this one). A finding on a
county with anomalies is explained when it is at an anomaly's school (or its `related` school)
within a year of the anomaly; any other finding is a false positive. Files go through the real
reader (CSV written to a temporary folder), as a user's would.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_sample import ALL, generate, write

from edustat import api

EXPECTED = {"cohort": "cohort_flow", "copied": "copied_row", "not_updated": "not_updated",
            "asset_drop": "asset_change", "asset_jump": "asset_change", "heaping": "heaping",
            "computers": "computers_per_pupil", "classes": "consistency"}


def found(anomaly: dict, findings: list) -> bool:
    """True when a finding of the anomaly's rule is at its school and year."""
    rule = EXPECTED[anomaly["kind"]]
    hits = [f for f in findings if f.rule == rule and f.school_id == anomaly["school_id"]
            and (anomaly["kind"] == "heaping" or f.year == anomaly["year"])]
    if anomaly["kind"] == "copied":
        other = anomaly["related"][0][0]
        back = [f for f in findings if f.rule == rule and f.school_id == other
                and any(r.school_id == anomaly["school_id"] for r in f.related)]
        return any(any(r.school_id == other for r in f.related) for f in hits) and bool(back)
    return bool(hits)


def explained(finding, truth: list[dict]) -> bool:
    """True when the finding is at (or names) an anomaly's school within a year of it."""
    for anomaly in truth:
        schools = {anomaly["school_id"], *(s for s, _ in anomaly["related"])}
        near = (anomaly["kind"] == "heaping" or finding.year is None
                or abs(finding.year - anomaly["year"]) <= 1)
        named = finding.school_id in schools or any(r.school_id in schools
                                                    for r in finding.related)
        if named and near:
            return True
    return False


def audit(years: dict, folder: Path) -> list:
    paths = write(years, folder)
    return api.audit(paths).findings


def main(seeds: int, profile: str = "plain") -> None:
    start = time.perf_counter()
    hits, tries = Counter(), Counter()
    clean_fp, clean_fp_by_rule, clean_counties_with_fp = 0, Counter(), 0
    dirty_fp, dirty_fp_by_rule, explained_total = 0, Counter(), 0
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(seeds):
            clean, _ = generate(seed, (), profile)
            findings = audit(clean, Path(tmp) / f"clean{seed}")
            clean_fp += len(findings)
            clean_counties_with_fp += bool(findings)
            clean_fp_by_rule.update(f"{f.rule}/{f.severity}" for f in findings)
            years, truth = generate(seed, ALL, profile)
            findings = audit(years, Path(tmp) / f"dirty{seed}")
            for anomaly in truth:
                tries[anomaly["kind"]] += 1
                hits[anomaly["kind"]] += found(anomaly, findings)
            for finding in findings:
                if explained(finding, truth):
                    explained_total += 1
                else:
                    dirty_fp += 1
                    dirty_fp_by_rule[f"{finding.rule}/{finding.severity}"] += 1
    print(f"{seeds} seeds ({profile}), 20 schools x 5 years each, "
          f"{time.perf_counter() - start:.0f} s")
    print("recall by anomaly kind:")
    for kind in ALL:
        print(f"  {kind:12s} {hits[kind]}/{tries[kind]} = {hits[kind] / tries[kind]:.1%}")
    total_hits, total_tries = sum(hits.values()), sum(tries.values())
    print(f"  all          {total_hits}/{total_tries} = {total_hits / total_tries:.1%}")
    print(f"clean counties: {clean_fp} findings in {seeds} counties "
          f"({clean_counties_with_fp} counties with any) {dict(clean_fp_by_rule)}")
    print(f"counties with anomalies: {explained_total} findings explained by an anomaly, "
          f"{dirty_fp} not {dict(dirty_fp_by_rule)}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200,
         sys.argv[2] if len(sys.argv) > 2 else "plain")
