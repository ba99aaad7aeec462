"""Write data/2022.csv: a fictional county (示例旗) school table for 2022.

Deterministic (fixed seed, standard library only), so re-running it reproduces the committed
file byte for byte:

    python data/make_sample.py            # writes data/2022.csv next to this script
    python data/make_sample.py OUT.csv

The schools, names and figures are invented. Magnitudes follow what county returns usually
show: per student 4-8 m2 teaching area, 5-15 m2 sports area, 1500-5000 yuan equipment,
10-20 computers per 100 students, 20-45 books, about one teacher per 15-18 students and about
one multimedia classroom per class.
"""

import csv
import random
import sys
from pathlib import Path

SEED = 2022
YEAR = 2022
COUNTY = "示例旗"

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

# (name, type, primary, junior, senior students, levels). Order = school id order.
# levels = (facilities, equipment, staff), each 0..1: where the school sits within the county's
# spread — old crowded town-centre campuses low on space, new campuses high, village schools
# with room to spare but little equipment and fewer qualified teachers.
SCHOOLS = [
    ("示例旗第一小学", "小学", 1860, 0, 0, (0.00, 0.45, 0.95)),
    ("示例旗第二小学", "小学", 1430, 0, 0, (0.05, 0.15, 0.80)),
    ("示例旗第三小学", "小学", 980, 0, 0, (0.20, 0.05, 0.30)),
    ("示例旗实验小学", "小学", 2050, 0, 0, (1.00, 1.00, 1.00)),
    ("示例旗巴彦镇中心小学", "小学", 540, 0, 0, (0.75, 0.05, 0.05)),
    ("示例旗塔林镇中心小学", "小学", 380, 0, 0, (0.90, 0.60, 0.05)),
    ("示例旗哈日嘎查小学", "小学", 42, 0, 0, (0.95, 0.00, 0.00)),  # village school, 教学点-like
    ("示例旗乌兰苏木中心学校", "九年一贯制学校", 310, 180, 0, (0.95, 0.20, 0.10)),
    ("示例旗蒙古族学校", "九年一贯制学校", 640, 390, 0, (0.60, 0.85, 0.60)),
    ("示例旗阿拉坦苏木中心学校", "九年一贯制学校", 220, 140, 0, (1.00, 0.05, 0.00)),
    ("示例旗第一中学", "完全中学", 0, 1350, 1620, (0.10, 0.95, 1.00)),
    ("示例旗第二中学", "初中", 0, 1180, 0, (0.00, 0.25, 0.75)),
    ("示例旗第三中学", "初中", 0, 860, 0, (0.30, 0.05, 0.20)),
    ("示例旗实验中学", "初中", 0, 950, 0, (1.00, 1.00, 0.85)),
    ("示例旗巴彦镇中学", "初中", 0, 410, 0, (0.90, 0.00, 0.05)),
    ("示例旗高级中学", "高级中学", 0, 0, 2240, (0.70, 0.70, 0.70)),
]

# Per-student ranges; a school's level (plus a little noise) picks its place in each range.
AREA = (4.0, 8.0)           # 教学及辅助用房, m2 per student        (facilities level)
SPORTS = (5.0, 15.0)        # 体育运动场馆, m2 per student          (facilities level)
EQUIP = (1500.0, 5000.0)    # 教学仪器设备值, yuan per student      (equipment level)
COMPUTERS = (10.0, 20.0)    # per 100 students                      (equipment level)
BOOKS = (20.0, 45.0)        # per student                           (equipment level)
ROOMS_PER_CLASS = (0.75, 1.1)  # 网络多媒体教室 per class           (equipment level)
# Pupils per full-time teacher: crowded campuses (low facilities level) are also short of teachers.
PUPILS_PER_TEACHER = {"primary": (19.0, 14.5), "junior": (17.0, 13.0)}
# Shares of the stage's full-time teachers                          (staff level)
SHARES = dict(degree=(0.30, 0.95), titled=(0.20, 0.70), backbone=(0.02, 0.16), arts_pe=(0.05, 0.15))


def place(rng, lo_hi, level, noise=0.08):
    lo, hi = lo_hi
    t = level + rng.uniform(-noise, noise)
    t = -t if t < 0 else 2 - t if t > 1 else t  # reflect at the ends: no suspiciously round values
    return lo + (hi - lo) * t


def classes(students, size):
    return 0 if students == 0 else max(1, round(students / size))


def teachers(rng, stage, students, n_classes, fac, staff):
    """Full-time teachers and their sub-counts; every sub-count <= the total."""
    if students == 0:
        return [0, 0, 0, 0, 0]
    # small schools are staffed by class (about 1.8 teachers per class), not by ratio
    total = max(round(students / place(rng, PUPILS_PER_TEACHER[stage], fac)),
                round(n_classes * 1.8))
    subs = [min(total, round(total * place(rng, SHARES[k], staff)))
            for k in ("degree", "titled", "backbone", "arts_pe")]
    return [total, *subs]


def build(rng):
    rows = []
    for i, (name, kind, a, b, c, (fac, equ, staff)) in enumerate(SCHOOLS, start=1):
        # whole-school enrolment weighted as SPEC §3 splits it, so each stage unit gets
        # roughly the per-student value drawn here
        weighted = {"小学": a, "初中": b, "高级中学": c,
                    "完全中学": b + 1.2 * c}.get(kind, a + 1.1 * b)
        p_classes = classes(a, rng.uniform(36, 46)) if a >= 100 else classes(a, 14)  # 复式班
        j_classes = classes(b, rng.uniform(40, 50))
        all_classes = p_classes + j_classes + classes(c, 50)
        # Written class counts keep average class sizes within the 2017 limits (45 primary,
        # 50 junior), so that `edustat check` has nothing to warn about in the sample; rooms and
        # teachers follow the classes as drawn.
        rows.append([
            f"21520{i:05d}", name, COUNTY, kind, a, b, c,
            max(p_classes, -(-a // 45)), max(j_classes, -(-b // 50)),
            round(weighted * place(rng, AREA, fac), 2),
            round(weighted * place(rng, SPORTS, fac), 2),
            round(weighted * place(rng, EQUIP, equ), 2),
            round(weighted * place(rng, COMPUTERS, equ) / 100),
            round(weighted * place(rng, BOOKS, equ)),
            max(1, round(all_classes * place(rng, ROOMS_PER_CLASS, equ))),
            *teachers(rng, "primary", a, p_classes, fac, staff),
            *teachers(rng, "junior", b, j_classes, fac, staff),
            YEAR,
        ])
    return rows


def main(argv):
    out = Path(argv[1]) if len(argv) > 1 else Path(__file__).with_name(f"{YEAR}.csv")
    rows = build(random.Random(SEED))
    with open(out, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(HEADER)
        w.writerows(rows)
    print(f"wrote {out} ({len(rows)} schools)")


if __name__ == "__main__":
    main(sys.argv)
