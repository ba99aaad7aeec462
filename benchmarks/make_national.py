"""Write a synthetic national-scale school table for benchmarking edustat.

The defaults give about 200 000 schools in 2 850 counties (roughly the size of China's whole
school system) with the same Chinese headers as data/2022.csv, UTF-8, one year (2022). All
values are invented. Every row is valid under SPEC §2.1: student counts agree with the school
type, every teacher subset <= the stage's full-time teachers, no blank cells.

    python benchmarks/make_national.py                       # -> benchmarks/national.csv
    python benchmarks/make_national.py out.csv --schools 20000 --counties 300 --seed 7

The generation is vectorised with numpy. Only numpy is needed; the same arguments always give
the same file.
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

HEADER = [
    "学校标识码", "学校名称", "县区", "学校类型",
    "小学在校生数", "初中在校生数", "高中在校生数", "小学班级数", "初中班级数",
    "教学及辅助用房面积（平方米）", "体育运动场馆面积（平方米）", "教学仪器设备值（元）",
    "计算机台数", "图书册数", "网络多媒体教室数",
    "小学专任教师数", "小学高于规定学历教师数", "小学中级及以上职称教师数",
    "小学县级以上骨干教师数", "小学体育艺术专任教师数",
    "初中专任教师数", "初中高于规定学历教师数", "初中中级及以上职称教师数",
    "初中县级以上骨干教师数", "初中体育艺术专任教师数",
    "年份",
]

# school type: (share of schools, name suffix, which of primary/junior/senior it has)
TYPES = [
    ("小学", 0.640, "小学", (1, 0, 0)),
    ("初中", 0.185, "中学", (0, 1, 0)),
    ("九年一贯制学校", 0.085, "学校", (1, 1, 0)),
    ("完全中学", 0.035, "中学", (0, 1, 1)),
    ("十二年一贯制学校", 0.010, "学校", (1, 1, 1)),
    ("高级中学", 0.045, "高级中学", (0, 0, 1)),
]

# enrolment per stage when present: lognormal (median, sigma), clipped to [lo, hi].
# Primary has a long left tail: many village schools (教学点-like) with a few dozen pupils.
ENROL = {
    "primary": (330, 1.05, 5, 4500),
    "junior": (620, 0.75, 20, 4000),
    "senior": (1400, 0.65, 60, 6000),
}

# per-student resources at a typical school: (median, within-county sigma)
PER_STUDENT = {
    "area": (5.8, 0.28),        # 教学及辅助用房, m2
    "sports": (9.0, 0.40),      # 体育运动场馆, m2
    "equip": (2900.0, 0.42),    # 教学仪器设备值, yuan
    "computers": (0.15, 0.30),  # 计算机, per student
    "books": (31.0, 0.33),      # 图书, per student
}
COUNTY_SIGMA = 0.25             # spread of county-wide levels (richer and poorer counties)


def lognormal(rng, median, sigma, size):
    return median * np.exp(sigma * rng.standard_normal(size))


def enrolment(rng, stage, present):
    median, sigma, lo, hi = ENROL[stage]
    n = np.clip(np.rint(lognormal(rng, median, sigma, present.size)), lo, hi)
    return np.where(present, n, 0).astype(np.int64)


def classes(rng, students, size_lo, size_hi):
    """Classes of 30-50 pupils; small schools have small (or 复式) classes."""
    size = np.minimum(rng.uniform(size_lo, size_hi, students.size), np.maximum(students / 6.0, 8.0))
    return np.where(students > 0, np.maximum(1, np.rint(students / size)), 0).astype(np.int64)


def teachers(rng, students, n_classes, ratio_lo, ratio_hi):
    """Full-time teachers and four subsets drawn binomially, so each subset <= total."""
    total = np.maximum(np.rint(students / rng.uniform(ratio_lo, ratio_hi, students.size)),
                       np.rint(n_classes * 1.6))
    total = np.where(students > 0, np.maximum(total, 1), 0).astype(np.int64)
    n = students.size
    shares = [
        rng.beta(8, 2.5, n),    # 高于规定学历: mostly 60-95 %
        rng.beta(4, 4, n),      # 中级及以上职称: around half
        rng.beta(2, 18, n),     # 县级以上骨干: around 10 %
        rng.beta(3, 25, n),     # 体育艺术: around 10 %
    ]
    return [total] + [rng.binomial(total, p) for p in shares]


def generate(n_schools, n_counties, seed=2022, year=2022):
    if n_counties < 1 or n_schools < n_counties:
        raise ValueError("need at least one county and at least one school per county")
    rng = np.random.default_rng(seed)

    # counties of unequal size; every county gets at least one school; rows sorted by county
    weight = lognormal(rng, 1.0, 0.6, n_counties)
    county = np.concatenate([np.arange(n_counties),
                             rng.choice(n_counties, n_schools - n_counties,
                                        p=weight / weight.sum())])
    county.sort()

    kind = rng.choice(len(TYPES), n_schools, p=[t[1] for t in TYPES])
    has = np.array([t[3] for t in TYPES], dtype=bool)[kind]
    a = enrolment(rng, "primary", has[:, 0])
    b = enrolment(rng, "junior", has[:, 1])
    c = enrolment(rng, "senior", has[:, 2])
    # mixed schools are smaller per stage than stand-alone ones
    mixed = has.sum(axis=1) > 1
    a = np.where(mixed & (a > 0), np.maximum(1, a * 2 // 3), a)
    b = np.where(mixed & (b > 0), np.maximum(1, b * 2 // 3), b)

    p_classes = classes(rng, a, 34, 46)
    j_classes = classes(rng, b, 38, 50)
    s_classes = classes(rng, c, 40, 52)

    # whole-school resources = per-student level x enrolment weighted as SPEC §3 splits it
    complete = np.array([t[0] == "完全中学" for t in TYPES])[kind]
    weighted = np.where(complete, b + 1.2 * c, a + 1.1 * b + 1.32 * c)
    level = {k: lognormal(rng, 1.0, COUNTY_SIGMA, n_counties)[county] for k in PER_STUDENT}
    res = {k: weighted * level[k] * lognormal(rng, med, sig, n_schools)
           for k, (med, sig) in PER_STUDENT.items()}
    all_classes = p_classes + j_classes + s_classes
    rooms = np.maximum(1, np.rint(all_classes * rng.uniform(0.7, 1.1, n_schools))).astype(np.int64)

    p_t = teachers(rng, a, p_classes, 14.0, 19.0)
    j_t = teachers(rng, b, j_classes, 12.5, 17.0)

    # text columns
    county_names = np.array([f"合成{i + 1:04d}县" for i in range(n_counties)], dtype=object)
    first = np.searchsorted(county, np.arange(n_counties))
    seq = np.arange(n_schools) - first[county] + 1
    suffix = [t[2] for t in TYPES]
    cn = county_names[county]
    names = [f"{cn[i]}第{seq[i]}{suffix[kind[i]]}" for i in range(n_schools)]
    ids = (2_000_000_000 + np.arange(1, n_schools + 1)).astype(str)
    type_names = np.array([t[0] for t in TYPES], dtype=object)[kind]

    columns = [
        ids, names, cn, type_names,
        a, b, c, p_classes, j_classes,
        np.round(res["area"], 2), np.round(res["sports"], 2), np.round(res["equip"], 2),
        np.rint(res["computers"]).astype(np.int64), np.rint(res["books"]).astype(np.int64), rooms,
        *p_t, *j_t,
        np.full(n_schools, year),
    ]
    return columns


def to_text(col):
    """Column -> list of cell strings. Floats are already rounded to 2 decimals; numpy's str()
    gives their shortest round-trip form (e.g. 1482.28), never an exponent at these sizes."""
    if isinstance(col, np.ndarray):
        return col.astype(str).tolist()
    return list(col)


def write_csv(path, columns):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    texts = [to_text(col) for col in columns]
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        f.write(",".join(HEADER) + "\n")
        f.write("\n".join(map(",".join, zip(*texts, strict=True))))
        f.write("\n")
    tmp.replace(path)
    return path


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("output", nargs="?", default=str(Path(__file__).with_name("national.csv")),
                    help="output CSV (default: benchmarks/national.csv)")
    ap.add_argument("--schools", type=int, default=200_000,
                    help="number of schools (default 200000)")
    ap.add_argument("--counties", type=int, default=2_850, help="number of counties (default 2850)")
    ap.add_argument("--seed", type=int, default=2022, help="random seed (default 2022)")
    ap.add_argument("--year", type=int, default=2022,
                    help="value of the 年份 column (default 2022)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    try:
        columns = generate(args.schools, args.counties, args.seed, args.year)
    except ValueError as e:
        ap.error(str(e))
    path = write_csv(args.output, columns)
    dt = time.perf_counter() - t0
    size = path.stat().st_size
    print(f"wrote {path}: {args.schools} schools, {args.counties} counties, "
          f"{size / 1e6:.1f} MB in {dt:.2f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
