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
Dropouts are given per stage (小学/初中辍学学生数). Each school gives its graduating cohort's
cumulative transfers since the cohort entered the school (该届累计转入/转出学生数): the cohort's
gains from one grade to the next are transfers in; of its losses, four in five are transfers out
(the rest left school), so the adjusted retention rates come a little under 100%. Moving up into
grade 7 is enrolment, not a transfer. The figures added for this (a nine-year school's primary
dropouts) come from a second generator, so every figure the sample had before is unchanged.
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
          *[f"{g}年级在校生数" for g in GRADE_ZH], "在校小学适龄儿童数", "小学辍学学生数",
          "初中辍学学生数", "该届累计转入学生数", "该届累计转出学生数", "年份"]
OUT_SHARE = 0.8  # of a cohort's losses from one grade to the next, the share that transferred


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


def cohort_transfers(grades, sid, taught, year):
    """(in, out) of the cohort in the school's top grade in `year`, since it entered the school."""
    gains = losses = 0
    for grade in range(taught[0] + 1, taught[-1] + 1):
        if grade == 7:  # moving up into junior school is enrolment, not a transfer
            continue
        then = year - (taught[-1] - grade)
        change = grades[then][sid][grade] - grades[then - 1][sid][grade - 1]
        gains, losses = gains + max(change, 0), losses + max(-change, 0)
    return gains, round(OUT_SHARE * losses)


def school_rows(rng, extra, grades, year):
    rows = []
    for sid, name, kind, taught, _ in SCHOOLS:
        counts = [grades[year][sid].get(g, 0) for g in range(1, 10)]
        primary, junior = sum(counts[:6]), sum(counts[6:])
        over_age = round(primary * rng.uniform(0.01, 0.03))  # enrolled, but not of primary age
        dropouts = rng.choice((0, 0, 1, 1, 2)) if junior else rng.choice((0, 0, 0, 1))
        # (primary, junior) dropouts: a nine-year school's junior ones are the draw above
        if primary and junior:
            stage_dropouts = (extra.choice((0, 0, 0, 1)), dropouts)
        else:
            stage_dropouts = (dropouts, "") if primary else ("", dropouts)
        rows.append([sid, name, COUNTY, kind, primary, junior, *counts, primary - over_age,
                     *stage_dropouts, *cohort_transfers(grades, sid, taught, year), year])
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
    extra = random.Random(SEED + 1)  # figures added later: the first generator's draws stay
    grades = simulate(rng)
    population = []
    for year in YEARS:
        rows = school_rows(rng, extra, grades, year)
        write(out / f"schools-{year}.csv", HEADER, rows)
        population.append(population_row(rng, rows, year))
    write(out / "population.csv", ["县区", "年份", "小学适龄人口数", "初中适龄人口数"], population)
    print(f"wrote {len(YEARS)} school tables and population.csv to {out}")


if __name__ == "__main__":
    main(sys.argv)
