"""Multi-year school tables of a fictional county for `edustat audit`, with anomalies on switches.

    python data/audit/make_sample.py             # writes data/audit/2019.csv … 2023.csv
    python data/audit/make_sample.py OUT_DIR      # elsewhere

Deterministic (a seed, standard library only): the same seed and switches give the same files
byte for byte. `generate(seed, anomalies)` returns the yearly rows and the list of what was
injected where (the ground truth the tests and the README's recall figures are measured on).

How the clean county evolves, year to year (the magnitudes county returns show):
- cohorts move up a grade: town schools keep 99-105% of a cohort (pupils move in from the
  villages), village schools 91-100%; the county's grade 7 is 97-100% of last year's grade 6,
  shared among the schools with junior grades; grade 1 intake varies by ±6%;
- classes follow the pupils (30-45 a class); teachers follow the classes, a few join or leave;
- areas stay put, except an occasional renovation (+12% to +45%); equipment grows 2-12% a year
  (now and then a purchase of up to +45%, or a write-off of 3-12%); books grow by a few hundred
  a year (now and then old books are weeded, −5% to −15%); computers grow, with occasional
  batches and scrapping; money has fen, areas have decimals, nothing is rounded.

Anomaly kinds (each a switch; `ALL` turns every one on) and the rule that should catch them:
    cohort       one grade of one school inflated by a third in one year      cohort_flow
    copied       one school's resource figures typed from another's           copied_row
    not_updated  one school's row of a year is last year's row again          not_updated
    asset_drop   a digit lost in one year's teaching area, back the next year  asset_change
    asset_jump   equipment typed in yuan where the column is 万元-converted    asset_change
                 (10 000 times the value) in one year
    heaping      one school's equipment and books rounded to thousands, all   heaping
                 years
    computers    computers typed with an extra digit (more than pupils)       implausible_ratio
    classes      a stage's class count typed too small (classes of 70+)       consistency
"""

from __future__ import annotations

import csv
import math
import random
import sys
from pathlib import Path
from typing import Any

SEED = 2023
YEARS = tuple(range(2019, 2024))
COUNTY = "示例旗"
GRADE_ZH = "一二三四五六七八九"
ALL = ("cohort", "copied", "not_updated", "asset_drop", "asset_jump", "heaping", "computers",
       "classes")
# The anomalies of the committed sample (data/audit/*.csv): one of each kind but `computers`,
# so that the sample also shows a county where most schools have nothing to report.
SAMPLE_ANOMALIES = ("cohort", "copied", "not_updated", "asset_drop", "asset_jump", "heaping",
                    "classes")

HEADER = [
    "学校标识码", "学校名称", "县区", "学校类型",
    "小学在校生数", "初中在校生数", "小学班级数", "初中班级数",
    "教学及辅助用房面积（平方米）", "体育运动场馆面积（平方米）", "教学仪器设备值（元）",
    "计算机台数", "图书册数", "网络多媒体教室数",
    "小学专任教师数", "小学高于规定学历教师数", "小学中级及以上职称教师数",
    "初中专任教师数", "初中高于规定学历教师数", "初中中级及以上职称教师数",
    *[f"{g}年级在校生数" for g in GRADE_ZH],
    "年份",
]
KEYS = ["school_id", "school_name", "county", "school_type", "primary_students",
        "junior_students", "primary_classes", "junior_classes", "teaching_area", "sports_area",
        "equipment_value", "computers", "books", "multimedia_rooms", "primary_teachers",
        "primary_degree_teachers", "primary_titled_teachers", "junior_teachers",
        "junior_degree_teachers", "junior_titled_teachers",
        *[f"grade{g}" for g in range(1, 10)], "year"]

# (name, type, town?, pupils per grade at the start)
SCHOOLS = [
    ("示例旗第一小学", "小学", True, 260), ("示例旗第二小学", "小学", True, 210),
    ("示例旗第三小学", "小学", True, 170), ("示例旗实验小学", "小学", True, 300),
    ("示例旗第五小学", "小学", True, 120),
    ("示例旗巴彦镇中心小学", "小学", False, 70), ("示例旗塔林镇中心小学", "小学", False, 55),
    ("示例旗哈日嘎查小学", "小学", False, 24), ("示例旗宝力格苏木小学", "小学", False, 38),
    ("示例旗新民镇小学", "小学", False, 46), ("示例旗东风镇小学", "小学", False, 60),
    ("示例旗白音乡小学", "小学", False, 30),
    ("示例旗乌兰苏木中心学校", "九年一贯制学校", False, 45),
    ("示例旗蒙古族学校", "九年一贯制学校", True, 110),
    ("示例旗阿拉坦苏木中心学校", "九年一贯制学校", False, 35),
    ("示例旗第一中学", "初中", True, 0), ("示例旗第二中学", "初中", True, 0),
    ("示例旗第三中学", "初中", True, 0), ("示例旗实验中学", "初中", True, 0),
    ("示例旗巴彦镇中学", "初中", False, 0),
]
# Share of the county's grade 7 each school with junior grades takes (in SCHOOLS order).
JUNIOR_SHARES = {12: 0.05, 13: 0.12, 14: 0.04, 15: 0.22, 16: 0.19, 17: 0.15, 18: 0.15, 19: 0.08}


def _school_id(index: int) -> str:
    return f"21520300{index + 1:02d}"


def _stages(kind: str) -> tuple[bool, bool]:
    return kind != "初中", kind != "小学"


def _resources(rng: random.Random, pupils: int, town: bool) -> dict[str, float]:
    """A school's facilities in the first year, per pupil within the usual ranges."""
    room = rng.uniform(4.5, 7.5) if town else rng.uniform(6.0, 11.0)
    return {"teaching_area": round(pupils * room, 2),
            "sports_area": round(pupils * rng.uniform(5, 12 if town else 20), 2),
            "equipment_value": round(pupils * rng.uniform(1500, 4500) + rng.random(), 2),
            "computers": max(8, round(pupils * rng.uniform(0.10, 0.20))),
            "books": round(pupils * rng.uniform(22, 40)) + rng.randrange(10),
            "multimedia_rooms": max(2, round(pupils / rng.uniform(35, 45)))}


# How much a clean county moves from year to year. "plain" is what county returns usually show;
# "rough" stretches every range to where real but rare events lie (a new building that more than
# doubles a school's rooms, a write-off of a quarter of the equipment, a village school losing
# 15% of a cohort), to see how many of those the rules report: each is worth verifying, none is
# an injected anomaly.
PROFILES = {
    "plain": {"keep_rural": (0.91, 1.0), "keep_town": (0.99, 1.05), "renovation": (1.12, 1.45),
              "purchase": (1.15, 1.45), "write_off": (0.88, 0.97), "weeding": (0.85, 0.95),
              "batch": 3},
    "rough": {"keep_rural": (0.85, 1.02), "keep_town": (0.96, 1.10), "renovation": (1.12, 2.2),
              "purchase": (1.15, 2.2), "write_off": (0.75, 0.97), "weeding": (0.70, 0.95),
              "batch": 1},
}


def _grow(rng: random.Random, resources: dict[str, float], pupils: int,
          profile: dict[str, Any]) -> dict[str, float]:
    """One year of a school's facilities: small growth, occasional real changes."""
    out = dict(resources)
    for column in ("teaching_area", "sports_area"):
        if rng.random() < 0.06:  # a renovation or a new wing
            out[column] = round(out[column] * rng.uniform(*profile["renovation"]), 2)
    roll = rng.random()
    factor = (rng.uniform(*profile["purchase"]) if roll < 0.08
              else rng.uniform(*profile["write_off"]) if roll < 0.16
              else rng.uniform(1.02, 1.12))
    out["equipment_value"] = round(out["equipment_value"] * factor + rng.random(), 2)
    out["books"] = (round(out["books"] * rng.uniform(*profile["weeding"]))
                    if rng.random() < 0.06 else out["books"] + rng.randrange(100, 900))
    roll = rng.random()
    computers = int(out["computers"])
    out["computers"] = (computers + rng.randrange(5, max(6, computers // profile["batch"]))
                        if roll < 0.15
                        else max(5, computers - rng.randrange(1, max(2, computers // 8)))
                        if roll < 0.25 else computers + rng.randrange(0, 3))
    out["multimedia_rooms"] = max(2, min(int(out["multimedia_rooms"]) + rng.choice((0, 0, 1)),
                                         max(2, round(pupils / 25))))
    return out


def _classes(rng: random.Random, pupils: int, town: bool) -> int:
    return 0 if pupils == 0 else max(1, math.ceil(pupils / (45 if town else 32)))


def _row(rng: random.Random, index: int, year: int, grades: list[int],
         resources: dict[str, float], staff: dict[str, float]) -> dict[str, Any]:
    name, kind, town, _ = SCHOOLS[index]
    primary, junior = sum(grades[:6]), sum(grades[6:])
    row: dict[str, Any] = {"school_id": _school_id(index), "school_name": name,
                           "county": COUNTY, "school_type": kind, "year": year,
                           "primary_students": primary, "junior_students": junior}
    has_primary, has_junior = _stages(kind)
    for stage, _pupils, has, per_class in (("primary", primary, has_primary, staff["p"]),
                                          ("junior", junior, has_junior, staff["j"])):
        classes = sum(_classes(rng, g, town) for g in (grades[:6] if stage == "primary"
                                                       else grades[6:])) if has else 0
        teachers = round(classes * per_class) if has else 0
        row[f"{stage}_classes"] = classes
        row[f"{stage}_teachers"] = teachers
        row[f"{stage}_degree_teachers"] = round(teachers * staff["degree"])
        row[f"{stage}_titled_teachers"] = round(teachers * staff["titled"])
    row.update(resources)
    for g in range(1, 10):
        row[f"grade{g}"] = grades[g - 1]
    return row


def _clean(rng: random.Random, profile: dict[str, Any]) -> dict[int, list[dict[str, Any]]]:
    """Five years of the county with nothing wrong in it."""
    grades = []
    for _, kind, _town, size in SCHOOLS:
        has_primary, _ = _stages(kind)
        grades.append([round(size * rng.uniform(0.9, 1.1)) if has_primary else 0
                       for _ in range(6)] + [0, 0, 0])
    county_g6 = sum(g[5] for g in grades)
    for index, share in JUNIOR_SHARES.items():
        grades[index][6:] = [round(county_g6 * share * rng.uniform(0.95, 1.05))
                             for _ in range(3)]
    staff = [{"p": rng.uniform(1.8, 2.3), "j": rng.uniform(3.0, 3.6),
              "degree": rng.uniform(0.75, 0.95), "titled": rng.uniform(0.5, 0.75)}
             for _ in SCHOOLS]
    resources = [_resources(rng, sum(g), SCHOOLS[i][2]) for i, g in enumerate(grades)]
    years: dict[int, list[dict[str, Any]]] = {}
    for step, year in enumerate(YEARS):
        if step:
            county_g6 = sum(g[5] for g in grades)
            g7_total = county_g6 * rng.uniform(0.97, 1.0)
            for index, (_, kind, town, size) in enumerate(SCHOOLS):
                old = grades[index]
                keep = (lambda: rng.uniform(*profile["keep_town"])) if town else (
                    lambda: rng.uniform(*profile["keep_rural"]))
                new = [0] * 9
                if _stages(kind)[0]:
                    new[0] = round(size * rng.uniform(0.94, 1.06))
                    for g in range(1, 6):
                        new[g] = round(old[g - 1] * keep())
                if index in JUNIOR_SHARES:
                    new[6] = round(g7_total * JUNIOR_SHARES[index] * rng.uniform(0.97, 1.03))
                    for g in (7, 8):
                        new[g] = round(old[g - 1] * rng.uniform(0.97, 1.01))
                grades[index] = new
                resources[index] = _grow(rng, resources[index], sum(new), profile)
        years[year] = [_row(rng, i, year, grades[i], resources[i], staff[i])
                       for i in range(len(SCHOOLS))]
    return years


def generate(seed: int = SEED, anomalies: tuple[str, ...] | list[str] = (),
             profile: str = "plain"
             ) -> tuple[dict[int, list[dict[str, Any]]], list[dict[str, Any]]]:
    """The yearly rows of the county (canonical keys) and the anomalies injected, each as
    {kind, school_id, year, related: [(school_id, year)…]}; `profile` plain or rough."""
    rng = random.Random(seed)
    years = _clean(rng, PROFILES[profile])
    truth: list[dict[str, Any]] = []
    # Each anomaly takes its own school, so that one cannot hide or explain another.
    free = list(range(len(SCHOOLS)))
    rng.shuffle(free)
    middle = YEARS[1:-1]

    def take(kinds: tuple[str, ...] = ("小学", "九年一贯制学校", "初中")) -> int:
        for position, index in enumerate(free):
            if SCHOOLS[index][1] in kinds:
                return free.pop(position)
        raise ValueError("not enough schools for the anomalies asked")

    def row(index: int, year: int) -> dict[str, Any]:
        return years[year][index]

    def note(kind: str, index: int, year: int, related: list[tuple[str, int]] = ()) -> None:
        truth.append({"kind": kind, "school_id": _school_id(index), "year": year,
                      "related": list(related)})

    for kind in anomalies:
        if kind not in ALL:
            raise ValueError(f"unknown anomaly kind {kind!r}; known: {', '.join(ALL)}")
        year = rng.choice(middle)
        if kind == "cohort":
            index = take(("小学", "九年一贯制学校"))
            target = row(index, year)
            grade = rng.choice((2, 3, 4, 5))
            extra = round(target[f"grade{grade}"] / 3)
            target[f"grade{grade}"] += extra
            target["primary_students"] += extra
            note(kind, index, year)
        elif kind == "copied":
            index, source = take(), take()
            for column in ("teaching_area", "sports_area", "equipment_value", "computers",
                           "books", "multimedia_rooms"):
                row(index, year)[column] = row(source, year)[column]
            note(kind, index, year, [(_school_id(source), year)])
        elif kind == "not_updated":
            index = take()
            previous = years[year - 1][index]
            years[year][index] = {**previous, "year": year}
            note(kind, index, year, [(_school_id(index), year - 1)])
        elif kind == "asset_drop":
            index = take()
            row(index, year)["teaching_area"] = round(row(index, year)["teaching_area"] / 10, 2)
            note(kind, index, year)
        elif kind == "asset_jump":
            index = take()
            row(index, year)["equipment_value"] = round(
                row(index, year)["equipment_value"] * 10_000, 2)
            note(kind, index, year)
        elif kind == "heaping":
            index = take()
            for year_rows in years.values():
                target = year_rows[index]
                target["equipment_value"] = float(round(target["equipment_value"], -4))
                target["books"] = int(round(target["books"], -3))
            note(kind, index, YEARS[-1])
        elif kind == "computers":
            index = take()
            target = row(index, year)
            target["computers"] = int(target["computers"]) * 10 + rng.randrange(10)
            note(kind, index, year)
        elif kind == "classes":
            index = take(("小学",))
            target = row(index, year)
            target["primary_classes"] = max(1, target["primary_students"] // 72)
            note(kind, index, year)
    return years, truth


def write(years: dict[int, list[dict[str, Any]]], folder: Path) -> list[Path]:
    """One CSV per year, Chinese headers as the statistics system exports them (UTF-8, LF)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for year, rows in sorted(years.items()):
        path = folder / f"{year}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(HEADER)
            for record in rows:
                writer.writerow([_cell(record[key]) for key in KEYS])
        paths.append(path)
    return paths


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def main(argv: list[str]) -> None:
    """Write the committed sample: SEED, the anomalies of SAMPLE_ANOMALIES."""
    folder = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent
    years, truth = generate(SEED, SAMPLE_ANOMALIES)
    for path in write(years, folder):
        print(path)
    for item in truth:
        print(item["kind"], item["school_id"], item["year"], item["related"])


if __name__ == "__main__":
    main(sys.argv)
