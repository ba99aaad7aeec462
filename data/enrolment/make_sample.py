"""Write data/enrolment/: nine yearly school tables (2014-2022) and a population table.

A fictional county (示例旗) with four schools whose pupils move up one grade a year, so that
every rate of SPEC §5 can be computed for 2022 (nine-year retention reaches back to 2014).
Deterministic (fixed seed, standard library only), so re-running it reproduces the committed
files byte for byte:

    python data/enrolment/make_sample.py          # writes next to this script
    python data/enrolment/make_sample.py OUT_DIR

The schools and figures are invented. Cohorts shrink a little each year (moves away, a few
dropouts), the town schools gain some pupils from the countryside, and the primary school-age
population is a little smaller than primary enrolment (over-age pupils), as county returns show.
"""

import csv
import random
import sys
from pathlib import Path

SEED = 2014
FIRST_INTAKE = 2006  # grade 1 of 2006 is grade 9 of 2014: the simulation starts here
YEARS = range(2014, 2023)
COUNTY = "示例旗"
GRADE_ZH = "一二三四五六七八九"

# (id, name, type, grades taught, grade-1 intake in 2006 or None when it takes no grade 1)
SCHOOLS = [
    ("2152010001", "示例旗东城小学", "小学", range(1, 7), 150),
    ("2152010002", "示例旗西城小学", "小学", range(1, 7), 110),
    ("2152010003", "示例旗查干苏木中心学校", "九年一贯制学校", range(1, 10), 40),
    ("2152010004", "示例旗东城中学", "初中", range(7, 10), None),
]
TOWN_PRIMARY = ("2152010001", "2152010002")
RURAL = "2152010003"
TOWN_JUNIOR = "2152010004"

HEADER = ["学校标识码", "学校名称", "县区", "学校类型", "小学在校生数", "初中在校生数",
          *[f"{g}年级在校生数" for g in GRADE_ZH], "在校小学适龄儿童数", "辍学学生数", "年份"]


def simulate(rng):
    """grades[year][school id][grade] for every year from FIRST_INTAKE to the last."""
    grades = {}
    intake = {sid: first for sid, _, _, _, first in SCHOOLS if first}
    for year in range(FIRST_INTAKE, YEARS[-1] + 1):
        last = grades.get(year - 1)
        now = {sid: {} for sid, *_ in SCHOOLS}
        for sid, _, _, taught, _ in SCHOOLS:
            for grade in taught:
                if grade == 1:
                    # the town grows slowly, the countryside empties
                    trend = 0.985 if sid == RURAL else 1.01
                    intake[sid] = intake[sid] * trend
                    now[sid][1] = round(intake[sid] * rng.uniform(0.95, 1.05))
                elif last is None:
                    if sid != TOWN_JUNIOR:  # its first year is filled in below
                        now[sid][grade] = round(intake[sid] * rng.uniform(0.9, 1.0))
                elif grade == 7 and sid == TOWN_JUNIOR:
                    town = sum(last[s][6] for s in TOWN_PRIMARY)
                    # every town pupil goes on, and a fifth of the village's sixth grade joins them
                    now[sid][7] = round(town * rng.uniform(0.98, 1.01) + 0.2 * last[RURAL][6])
                elif grade == 7 and sid == RURAL:
                    now[sid][7] = round(0.8 * last[sid][6] * rng.uniform(0.97, 1.0))
                else:
                    # town schools gain a few in-movers, the village school loses some
                    lo, hi = (0.97, 1.0) if sid == RURAL else (0.985, 1.01)
                    now[sid][grade] = round(last[sid][grade - 1] * rng.uniform(lo, hi))
        if last is None:  # the first year's upper grades of the junior school
            for grade in range(7, 10):
                now[TOWN_JUNIOR][grade] = round(sum(intake[s] for s in TOWN_PRIMARY) * 0.95)
        grades[year] = now
    return grades


def school_rows(rng, grades, year):
    rows = []
    for sid, name, kind, taught, _ in SCHOOLS:
        counts = [grades[year][sid].get(g, 0) for g in range(1, 10)]
        primary, junior = sum(counts[:6]), sum(counts[6:])
        over_age = round(primary * rng.uniform(0.01, 0.03))  # enrolled, but not of primary age
        dropouts = rng.choice((0, 0, 1, 1, 2)) if junior else rng.choice((0, 0, 0, 1))
        rows.append([sid, name, COUNTY, kind, primary, junior, *counts, primary - over_age,
                     dropouts, year])
    return rows


def population_row(rng, rows, year):
    enrolled = sum(r[15] for r in rows)
    junior = sum(r[5] for r in rows)
    # a few school-age children are not (yet) in school; some junior-age ones study elsewhere
    return [COUNTY, year, round(enrolled / rng.uniform(0.994, 0.999)),
            round(junior * rng.uniform(1.0, 1.04))]


def write(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def main(argv):
    out = Path(argv[1]) if len(argv) > 1 else Path(__file__).parent
    rng = random.Random(SEED)
    grades = simulate(rng)
    population = []
    for year in YEARS:
        rows = school_rows(rng, grades, year)
        write(out / f"schools-{year}.csv", HEADER, rows)
        population.append(population_row(rng, rows, year))
    write(out / "population.csv", ["县区", "年份", "小学适龄人口数", "初中适龄人口数"], population)
    print(f"wrote {len(YEARS)} school tables and population.csv to {out}")


if __name__ == "__main__":
    main(sys.argv)
