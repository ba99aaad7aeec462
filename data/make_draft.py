"""Write the fictional draft reports of 示例旗 for 2022 (`edustat check`, SPEC §7.4).

    python data/make_draft.py

writes, next to this script:
- draft-2022.docx, draft-2022.txt: a correct draft. Every figure follows from 2022.csv and
  exams-2022.csv (worked out in data/README.md); `edustat check data/draft-2022.docx
  data/2022.csv data/exams-2022.csv` exits 0.
- draft-2022-errors.docx, draft-2022-errors.txt: the same draft with six mistakes a bureau
  makes (listed in ERRORS below); the check exits 1 and names each.
The figures are fictional, as is 示例旗. Needs python-docx (a dependency of edustat).
"""

from __future__ import annotations

import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
TITLE = "示例旗教育局2022年教育工作总结"
CAPTION = "表1  2022年初中校际差异系数"
TABLE = [["指标", "县域值", "差异系数"],
         ["生均体育运动场馆面积（平方米）", "9.32", "0.4274"],
         ["生均图书册数（册）", "34.01", "0.3062"],
         ["综合差异系数", "—", "0.3070"]]
# (heading?, text). Hand-worked figures of 示例旗 2022:
#   units: 小学 10, 初中 8; students: 8452, 5460 (2022.csv, mixed schools split by stage)
#   composites (basic): 0.304974 → 0.3050, 0.306964 → 0.3070; limits 0.65 / 0.55 (SPEC §3)
#   小学 生均图书册数 32.079 → 32.08 册, CV 0.263509 → 0.2635; 生均体育运动场馆面积 CV 0.411331
#   高考 (exams-2022.csv): 79 candidates, 16 + 18 + 7 = 41, 41/79 = 51.90% → 51.9%
#   中考: 182 candidates, 17 + 32 + 10 = 59, 59/182 = 32.42% → 32.4%
BODY = [
    (True, "一、义务教育均衡发展"),
    (False, "2022年，全旗小学（含九年一贯制学校小学部）十所、初中（含一贯制学校初中部）8所，"
            "小学在校生8452人，初中在校生5460人。经测算，我旗小学和初中综合差异系数分别为0.3050和"
            "0.3070，均达到基本均衡标准（小学不高于0.65，初中不高于0.55）。小学生均图书册数为32.08册，"
            "生均图书册数差异系数为0.2635；小学生均体育运动场馆面积差异系数为0.4113。全旗另有普通高中两所。"),
    (False, CAPTION),
    (None, ""),  # the table
    (True, "二、教育教学质量"),
    (False, "2022年高考，全旗参考学生79人，其中一本上线16人、二本上线18人、艺体类上线7人，"
            "本科上线共41人，本科上线率51.9%。2022年中考考生182人，统招17人、分招32人、特长生10人，"
            "共59人被重点高中录取，重点高中录取率32.4%。"),
    (True, "三、下一步工作"),
    (False, "一是继续改善薄弱学校办学条件；二是加强教师队伍建设。"),
]
# The six mistakes of the draft with errors: (correct text, wrong text).
ERRORS = [
    ("小学在校生8452人", "小学在校生8425人"),  # digits swapped: mismatch, 8452
    ("0.3050和0.3070", "0.3050和0.3007"),  # mismatch (0.3070), and stated twice (table: 0.3070)
    ("体育运动场馆面积差异系数为0.4113", "体育运动场馆面积差异系数为0.4131"),  # mismatch, 0.4113
    ("本科上线共41人", "本科上线共43人"),  # 16 + 18 + 7 = 41, not 43; the data says 41 too
    ("本科上线率51.9%", "本科上线率52.9%"),  # 43/79 = 54.4%; no whole count over 79 gives 52.9%
    ("教育教学质量", "教育教学质量（入学率达100.2%）"),  # a percentage over 100, not a growth
]


def lines(errors: bool) -> list[tuple[bool | None, str]]:
    """The draft's paragraphs, with the mistakes when `errors`."""
    out = [(True, TITLE)]
    for heading, text in BODY:
        if errors:
            for right, wrong in ERRORS:
                text = text.replace(right, wrong)
        out.append((heading, text))
    return out


def write_txt(path: Path, errors: bool) -> None:
    """The draft as UTF-8 text: one paragraph a line, a blank line between, the table as tabs."""
    parts = []
    for heading, text in lines(errors):
        if heading is None:
            parts.append("\n".join("\t".join(row) for row in TABLE))
        else:
            parts.append(text)
    path.write_text("\n\n".join(parts) + "\n", encoding="utf-8")


def write_docx(path: Path, errors: bool) -> None:
    """The draft as Word: title and section headings, body paragraphs, the caption and table."""
    import docx

    document = docx.Document()
    first = True
    for heading, text in lines(errors):
        if heading is None:
            table = document.add_table(rows=len(TABLE), cols=len(TABLE[0]))
            table.style = "Table Grid"
            for r, row in enumerate(TABLE):
                for c, value in enumerate(row):
                    table.cell(r, c).text = value
        elif heading:
            document.add_heading(text, level=1 if first else 2)
            first = False
        else:
            document.add_paragraph(text)
    # Fixed dates (here and in the zip), so the file is the same on every run.
    stamp = datetime.datetime(2023, 1, 15, 9, 0, 0)
    document.core_properties.created = stamp
    document.core_properties.modified = stamp
    document.core_properties.author = "示例旗教育局"
    document.save(path)
    _fixed_zip_dates(path)


def _fixed_zip_dates(path: Path) -> None:
    """Rewrite the .docx package with one fixed date on every entry (the zip records the time of
    writing otherwise), so the script gives the same bytes on every run."""
    import io
    import zipfile

    with zipfile.ZipFile(path) as archive:
        entries = [(info, archive.read(info.filename)) for info in archive.infolist()]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in entries:
            fixed = zipfile.ZipInfo(info.filename, date_time=(2023, 1, 15, 9, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(fixed, data)
    path.write_bytes(buffer.getvalue())


def main() -> None:
    """Write the four drafts next to this script."""
    for errors, stem in ((False, "draft-2022"), (True, "draft-2022-errors")):
        write_docx(HERE / f"{stem}.docx", errors)
        write_txt(HERE / f"{stem}.txt", errors)


if __name__ == "__main__":
    main()
