"""Problems found in the input, as data: file, spreadsheet row, column as written, value, message.

Messages are kept as a code plus parameters and worded in Chinese or English only when shown, so
the same problem list serves the table, JSON and CSV in either language.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

Severity = Literal["error", "warning", "note"]
Lang = Literal["zh", "en"]

# code -> (Chinese, English). Parameters are filled with str.format.
MESSAGES: dict[str, tuple[str, str]] = {
    "file_missing": ("找不到文件", "file not found"),
    "file_empty": ("文件是空的，没有表头也没有数据", "the file is empty: no header, no data"),
    "no_rows": ("只有表头，没有数据行", "the file has a header but no data rows"),
    "binary": ("这不是文本表格（含二进制内容）；Excel 文件请保存为 .xlsx 或另存为 CSV",
               "not a text table (binary content); save Excel files as .xlsx or CSV"),
    "bad_encoding": ("无法解码：文件第 {offset} 字节（从 0 起算，在所示行内）既不是 UTF-8 也不是 "
                     "GB18030/GBK；请用 --encoding 指定编码，或在 Excel 中另存为 CSV UTF-8",
                     "cannot decode: byte {offset} of the file (counting from 0, on the row "
                     "shown) is neither UTF-8 nor GB18030/GBK; name the encoding with "
                     "--encoding, or save as CSV UTF-8"),
    "bad_encoding_given": ("按指定编码 {encoding} 无法解码文件第 {offset} 字节（从 0 起算）",
                           "cannot decode with the given encoding {encoding} at byte {offset}"),
    "unknown_encoding": ("不认识的编码名 {encoding}", "unknown encoding name {encoding}"),
    "unreadable": ("无法读取表格：{reason}", "cannot read the table: {reason}"),
    "too_many_cells": ("这一行有 {seen} 个单元格，表头只有 {expected} 列：多半是数字里的千位逗号没加"
                       "引号（写 1234 或 \"1,234\"），或多了一个逗号",
                       "this row has {seen} cells but the header has {expected} columns: most "
                       "likely a thousands comma without quotes (write 1234 or \"1,234\") or a "
                       "stray comma"),
    "no_sheet": ("工作簿中没有名为 {sheet} 的工作表；现有：{sheets}",
                 "the workbook has no sheet {sheet}; it has: {sheets}"),
    "header_below_title": ("表头在第 {row} 行，上面的标题行已跳过",
                           "the header is row {row}; the title rows above it were skipped"),
    "zip_as_xlsx": ("文件内容是 Excel 工作簿（.xlsx），已按工作簿读取",
                    "the file holds an Excel workbook (.xlsx); read as a workbook"),
    "unknown_columns": ("以下列不认识，已忽略：{columns}",
                        "these columns are not known and were ignored: {columns}"),
    "duplicate_column": ("列 {canonical} 出现了两次（{headers}）；请删除其中一列",
                         "column {canonical} appears twice ({headers}); delete one of them"),
    "unknown_unit": ("表头单位“{unit}”无法换算；可用的单位：{units}",
                     "the unit '{unit}' in the header cannot be converted; accepted: {units}"),
    "missing_column": ("缺少必需的列“{zh}”（{name}）{why}；请在表头中加入该列",
                       "required column '{zh}' ({name}) is missing{why}; add it to the header"),
    "missing_value": ("必填项为空{why}", "required value is blank{why}"),
    "not_number": ("不是数字；请填写数字，不能填文字（空白表示缺失）",
                   "not a number; write a number, not text (leave blank if missing)"),
    "negative": ("不能为负数", "must not be negative"),
    "too_large": ("数值大得不可能（超过 {ceiling}）；请核对是否粘贴错误",
                  "implausibly large (above {ceiling}); check for a paste error"),
    "not_whole": ("人数、台数等计数必须是整数", "counts must be whole numbers"),
    "not_positive": ("必须大于 0", "must be greater than 0"),
    "bad_year": ("年份应为四位数字，如 2022", "year must be four digits, e.g. 2022"),
    "bad_school_type": ("不认识的学校类型；可用：{values}",
                        "unknown school type; accepted: {values}"),
    "bad_exam": ("不认识的考试；可用：高考 gaokao、中考 zhongkao",
                 "unknown exam; accepted: 高考 gaokao, 中考 zhongkao"),
    "type_conflict": ("学校类型为{type_zh}，但{stage_zh}在校生数为 {count}；请核对学校类型或学生数",
                      "school type is {type_en} but it has {count} {stage_en} students; "
                      "check the type or the counts"),
    "type_unknown": ("未填学校类型，且无法从学生数推断（{stages}）；请填写学校类型",
                     "no school type, and the student counts ({stages}) do not tell it; "
                     "fill in school_type"),
    "subset_exceeds": ("大于{total_zh}（{total}）；它是其中的一部分，不能超过",
                       "exceeds {total_en} ({total}); it is part of that total"),
    "categories_exceed": ("{parts_zh}合计 {sum} 超过{total_zh} {total}",
                          "{parts_en} add up to {sum}, more than {total_en} {total}"),
    "duplicate_id": ("学校标识码重复（同一年份），另见第 {other_rows} 行",
                     "duplicate school_id within the year; see also row {other_rows}"),
    "duplicate_key": ("同一{what}在同一年份出现多次，另见第 {other_rows} 行",
                      "the same {what} appears more than once in a year; see also row {other_rows}"),
    "county_from_file": ("无县区列，且另有同年份的文件也无县区列：本文件按一个县计，记为“{county}”",
                         "no county column, and another file of the same year has none either: "
                         "this file is taken as one county, named '{county}'"),
    "no_year": ("无年份列，文件名中也没有四位年份；结果年份为空",
                "no year column and no 4-digit year in the file name; year left empty"),
    "bad_standards": ("标准文件有误：{field}：{reason}", "standards file: {field}: {reason}"),
    "no_county": ("数据中没有这个县区；数据中有：{counties}",
                  "the data has no such county; it has: {counties}"),
    "output_is_input": ("输出文件不能是输入文件", "the output file must not be an input file"),
    "bad_output_ext": ("不支持的输出格式 {ext}；可用 .csv .json .xlsx",
                       "unsupported output format {ext}; use .csv .json .xlsx"),
    "wrong_exam_category": ("这是{exam_zh}的行，不应填写{other_zh}的人数；请移到{other_zh}的行，"
                            "或留空、填 0",
                            "this is a {exam_en} row; {other_en} counts do not belong here: move "
                            "them to a {other_en} row, or leave the cell blank or 0"),
    "total_row": ("这一行像是合计行；县区合计由程序计算，请删除该行，以免重复计算",
                  "this row looks like a total; edustat computes the county total itself: "
                  "delete the row, or it is counted twice"),
    "grades_not_total": ("{grades_zh}在校生数之和为 {sum}，与{total_zh} {total} 不一致"
                         "（按{system_zh}）；请核对各年级人数，或用 --system 指定学制",
                         "{grades_en} add up to {sum}, not {total_en} {total} (under the "
                         "{system_en} system); check the grade counts, or set --system"),
    "blank_not_zero": ("为空；空白不按 0 计，用到此列的比率将列为无法计算",
                       "blank; a blank is not taken as 0, so the rates that use this column are "
                       "reported as not computable"),
    # Consistency rules of `edustat check` (SPEC §7.3); the bounds come from the norms.
    "ratio_out_of_range": ("{what}为 {ratio}（{num_name} {num} ÷ {den_name} {den}），"
                           "不在合理范围 {low}–{high} 内；请核对这两个数",
                           "{what} is {ratio} ({num_name} {num} ÷ {den_name} {den}), outside "
                           "the plausible range {low}–{high}; check both figures"),
    "ratio_no_denominator": ("{num_name}为 {num}，{den_name}却为 0，无法计算{what}；请核对",
                             "{num_name} is {num} but {den_name} is 0, so there is no {what}; "
                             "check both figures"),
    "class_size_over_limit": ("平均班额 {size}（{students} 人 ÷ {classes} 个班）超过{stage_zh}"
                              "班额上限 {limit}",
                              "average class size {size} ({students} students ÷ {classes} "
                              "classes) is above the {stage_en} limit of {limit}"),
    "year_jump": ("比上年（{previous_year} 年为 {previous}，见 {where}）{change}，变化超过 {limit}；"
                  "请核对是否填错",
                  "{change} on the year before ({previous_year}: {previous}, see {where}), more "
                  "than {limit}; check for a typing error"),
    "identical_rows": ("与第 {other_rows} 行的全部 {columns} 个数字完全相同，但学校标识码不同；"
                       "可能是复制粘贴错误",
                       "all {columns} figures equal those of row {other_rows}, under a different "
                       "school_id; possibly copied and pasted"),
    "claim_not_number": ("报告值不是数字；请照报告原样写成 0.2740、52%、51.9%、1,234 这样的数",
                         "the reported value is not a number; write it as the report does, "
                         "e.g. 0.2740, 52%, 51.9%, 1,234"),
    "several_population": ("给出了多个人口表（{files}）；请只给一个",
                           "several population tables were given ({files}); give one"),
}


def worded(texts: tuple[str, str], lang: Lang, **params: Any) -> str:
    """The text of a (Chinese, English) pair in `lang`, with `params` filled in."""
    return (texts[0] if lang == "zh" else texts[1]).format(**params)


class Problem(BaseModel):
    """One problem in one place of one input file."""

    file: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    code: str
    severity: Severity = "error"
    params: dict[str, Any] = Field(default_factory=dict)

    def message(self, lang: Lang = "zh") -> str:
        """The message worded in `lang`."""
        params = {k: (v[lang] if isinstance(v, dict) and lang in v else v)
                  for k, v in self.params.items()}
        return worded(MESSAGES[self.code], lang, **params)

    def as_record(self, lang: Lang = "zh") -> dict[str, Any]:
        """The problem as the flat record of the JSON/CSV problem list."""
        return {"file": self.file, "row": self.row, "column": self.column, "value": self.value,
                "severity": self.severity, "code": self.code, "message": self.message(lang)}


class InputError(Exception):
    """Raised when an input cannot be used at all; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


class Report(BaseModel):
    """A command's result: the documented JSON with one call; the input's problems ride along
    (excluded from the JSON, shown on the terminal)."""

    problems: list[Problem] = Field(default_factory=list, exclude=True)

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON as Python objects, values unrounded."""
        return self.model_dump()

    def to_json(self, indent: int | None = 1) -> str:
        """The documented JSON, values unrounded (serialized in pydantic's core)."""
        return self.model_dump_json(indent=indent)

    def to_json_bytes(self, indent: int | None = 1) -> bytes:
        """The documented JSON as UTF-8 bytes, for files: a province's report can run to
        hundreds of megabytes, and decoding it to text only to encode it again costs seconds."""
        return self.__pydantic_serializer__.to_json(self, indent=indent)


def has_errors(problems: list[Problem]) -> bool:
    """True when any problem is an error (warnings and notes do not stop a run)."""
    return any(p.severity == "error" for p in problems)
