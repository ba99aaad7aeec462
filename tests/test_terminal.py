"""The command line as a person meets it (issue 14, terminal items; issue 9, Chinese first):
formats, outputs, environment problems, standard input and output, help and usage errors in
Chinese, Chinese option values. Every test runs the real command."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLE
from edustat import api
from edustat.output import write_atomic

EXAMS_2022 = ROOT / "data" / "exams-2022.csv"
NO_YEAR = ROOT / "tests" / "fixtures" / "examples" / "county-zh-gbk.csv"
FIVE_ERRORS = ROOT / "tests" / "fixtures" / "bad" / "five_errors.csv"


# ---------------------------------------------------------------------------------------------
# 11: format and output

def test_table_by_default_even_when_piped(cli) -> None:
    # The test runner's standard output is not a terminal: the table all the same, not JSON.
    result = cli("coefficient", SAMPLE)
    assert result.exit_code == 0
    assert result.stdout.startswith("示例旗 2022 小学 · 基本均衡（2012）")


def test_output_extension_and_format_must_agree(cli, tmp_path: Path) -> None:
    result = cli("coefficient", SAMPLE, "-o", tmp_path / "out.csv", "-f", "json")
    assert result.exit_code == 2 and "-f json" in result.stderr and ".csv" in result.stderr
    assert not (tmp_path / "out.csv").exists()
    agreeing = cli("coefficient", SAMPLE, "-o", tmp_path / "out.json", "-f", "json")
    assert agreeing.exit_code == 0 and json.loads((tmp_path / "out.json").read_text())


def test_output_without_extension_says_which_work(cli, tmp_path: Path) -> None:
    result = cli("coefficient", SAMPLE, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert ".csv .json .xlsx" in result.stderr and "扩展名" in result.stderr


# ---------------------------------------------------------------------------------------------
# 8: environment problems are usage errors, said plainly

def test_output_onto_a_folder_is_a_usage_error(cli, tmp_path: Path) -> None:
    result = cli("coefficient", SAMPLE, "-o", tmp_path)
    assert result.exit_code == 2 and "文件夹" in result.stderr
    assert "内部错误" not in result.output


def test_template_into_a_missing_folder_is_a_usage_error(cli, tmp_path: Path) -> None:
    result = cli("template", tmp_path / "no" / "such" / "模板.csv")
    assert result.exit_code == 2 and "输出文件夹不存在" in result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into any folder")
def test_unwritable_output_folder_is_a_usage_error(cli, tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        result = cli("coefficient", SAMPLE, "-o", folder / "out.csv")
    finally:
        folder.chmod(0o700)
    assert result.exit_code == 2 and "不可写" in result.stderr


def test_a_device_is_not_read(cli) -> None:
    result = cli("coefficient", "/dev/zero")
    assert result.exit_code == 2 and "不是普通文件" in result.stderr


def test_an_oversized_input_is_refused_before_reading(cli, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # A sparse file: 3 MB by its size, nothing on disk; the limit lowered to 2 MB for the test.
    big = tmp_path / "big.csv"
    with big.open("wb") as handle:
        handle.truncate(3 * 1024 * 1024)
    monkeypatch.setenv("EDUSTAT_MAX_INPUT_MB", "2")
    result = cli("coefficient", big)
    said = result.stderr.replace("\n", "")
    assert result.exit_code == 2 and "文件太大（3 MB，上限 2 MB）" in said


# ---------------------------------------------------------------------------------------------
# 9 and 12: files written whole, with the user's permissions; - for standard input and output

def test_sigterm_during_a_write_removes_the_temporary_file(tmp_path: Path) -> None:
    def write(temp: Path) -> None:
        temp.write_text("half", encoding="utf-8")
        os.kill(os.getpid(), signal.SIGTERM)  # as `kill` would, in the middle of the write

    with pytest.raises(SystemExit) as ended:
        write_atomic(tmp_path / "out.json", write)
    assert ended.value.code == 128 + signal.SIGTERM
    assert list(tmp_path.iterdir()) == []  # neither the output nor its temporary file
    assert signal.getsignal(signal.SIGTERM) is not None  # the previous handler is back


def test_files_are_written_with_the_users_umask(cli, tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        assert cli("coefficient", SAMPLE, "-o", tmp_path / "out.csv").exit_code == 0
    finally:
        os.umask(previous)
    # mkstemp alone gives 0600; an ordinary output under umask 022 is 0644.
    assert (tmp_path / "out.csv").stat().st_mode & 0o777 == 0o644


def test_dash_reads_standard_input(cli) -> None:
    piped = cli("coefficient", "-", "-f", "json", input=SAMPLE.read_text(encoding="utf-8"))
    direct = cli("coefficient", SAMPLE, "-f", "json")
    assert piped.exit_code == 0
    assert json.loads(piped.stdout) == json.loads(direct.stdout)


def test_dash_output_is_standard_output(cli) -> None:
    result = cli("coefficient", SAMPLE, "-o", "-", "-f", "json")
    assert result.exit_code == 0 and json.loads(result.stdout)["standard"] == "basic"


# ---------------------------------------------------------------------------------------------
# 13: version, completion, problems as JSON

def test_version(cli) -> None:
    from importlib.metadata import version

    result = cli("--version")
    assert result.exit_code == 0 and result.stdout.strip() == f"edustat {version('edustat')}"


def test_completion_can_be_installed(cli) -> None:
    assert "--install-completion" in cli("--help").stdout


def test_bad_data_with_json_gives_the_problems_as_json(cli) -> None:
    result = cli("coefficient", FIVE_ERRORS, "-f", "json")
    assert result.exit_code == 1
    answer = json.loads(result.stdout)
    assert answer["ok"] is False
    assert {p["code"] for p in answer["problems"]} >= {"negative"}
    assert all(p["file"].endswith("five_errors.csv") for p in answer["problems"])


# ---------------------------------------------------------------------------------------------
# 15: notes beside a result are one dim line each

def test_notes_alone_are_one_line_each_not_a_table(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EDUSTAT_WIDTH", "300")  # the fixture's full path fits on one line
    result = cli("coefficient", NO_YEAR, "--standard", "quality")
    assert result.exit_code == 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("提示 ") and "无年份列" in lines[0]
    assert "┏" not in result.stderr


# ---------------------------------------------------------------------------------------------
# 16: str paths, and a table given to the wrong command

def test_api_takes_str_paths() -> None:
    by_text = api.coefficient(str(SAMPLE))
    by_path = api.coefficient([SAMPLE])
    assert by_text.to_json_bytes() == by_path.to_json_bytes()
    assert api.exams([str(EXAMS_2022)]).results


def test_an_exam_table_given_to_coefficient_says_so(cli) -> None:
    result = cli("coefficient", EXAMS_2022)
    assert result.exit_code == 1
    assert "这是考试表" in result.stderr and "edustat exams" in result.stderr
    assert "学校标识码重复" not in result.stderr


# ---------------------------------------------------------------------------------------------
# Chinese first: option values, usage errors, help

def test_chinese_option_values(cli) -> None:
    chinese = cli("coefficient", SAMPLE, "--stage", "小学", "--standard", "优质均衡", "-f", "json")
    codes = cli("coefficient", SAMPLE, "--stage", "primary", "--standard", "quality", "-f",
                "json")
    assert chinese.exit_code == 0 and chinese.stdout == codes.stdout
    assert {r["stage"] for r in json.loads(chinese.stdout)["results"]} == {"primary"}
    assert cli("coefficient", SAMPLE, "--format", "表格").stdout == cli(
        "coefficient", SAMPLE, "-f", "table").stdout


def test_unknown_choice_lists_what_is_accepted(cli) -> None:
    result = cli("coefficient", SAMPLE, "--stage", "高中")
    assert result.exit_code == 2 and "primary|junior|小学|初中" in result.stderr


def test_usage_errors_in_chinese_and_in_english_with_lang_en(cli) -> None:
    chinese = cli("coefficient", SAMPLE, "--nope")
    assert chinese.exit_code == 2
    assert "没有这个选项：--nope" in chinese.stderr and "用法：" in chinese.stderr
    english = cli("coefficient", SAMPLE, "--nope", "--lang", "en")
    assert english.exit_code == 2 and "No such option: --nope" in english.stderr
    missing = cli("coefficient")
    assert missing.exit_code == 2 and "缺少参数" in missing.stderr
    # The usage line as the help screen words it, not typer's English ([OPTIONS] [files]).
    assert "coefficient [选项] {文件}..." in chinese.stderr and "OPTIONS" not in chinese.stderr
    assert "[OPTIONS]" in english.stderr


def test_unknown_command_is_named_with_the_one_meant(cli) -> None:
    result = cli("coefficent", SAMPLE)
    assert result.exit_code == 2
    assert "没有这个命令：coefficent（是否指：coefficient？）" in result.stderr
    assert "Did you mean" not in result.stderr and "'" not in result.stderr.splitlines()[-1]


def _help(*args: str, lang: str | None = None, columns: int = 120) -> str:
    """A help screen as a user's terminal shows it, in the language EDUSTAT_LANG asks for."""
    env = {**os.environ, "COLUMNS": str(columns)}
    env.pop("EDUSTAT_LANG", None)
    if lang:
        env["EDUSTAT_LANG"] = lang
    return subprocess.run([sys.executable, "-m", "edustat", *args], capture_output=True,
                          text=True, env=env, check=True).stdout


def test_help_is_chinese_and_english_with_edustat_lang() -> None:
    assert "县域教育统计指标计算" in _help("--help", columns=100)
    assert "差异系数" in _help("coefficient", "--help", columns=100)
    assert "显示帮助并退出" in _help("coefficient", "--help", columns=100)
    assert "Difference coefficients" in _help("coefficient", "--help", lang="en", columns=100)


@pytest.mark.parametrize("command", ["coefficient", "plan", "check", "report", "template"])
def test_help_words_types_tags_and_usage_in_chinese(command: str) -> None:
    # typer's own words (<list[Path]>, <bool>, [required], [default: …], Usage:) are English;
    # a Chinese help screen shows what a user types (文件, 文本, 整数) and Chinese tags instead.
    out = _help(command, "--help")
    for english in ("<bool>", "<list[", "<path>", "<str>", "<int", "[required]", "[default:",
                    "Usage:", "[OPTIONS]"):
        assert english not in out, english
    assert f"edustat {command} [选项]" in out and "用法：" in out  # prog: python -m edustat
    assert "文件" in out


def test_help_tags_in_english_with_edustat_lang_en() -> None:
    out = _help("coefficient", "--help", lang="en")
    assert "Usage:" in out and "edustat coefficient [OPTIONS] {FILE}..." in out
    assert "[default: basic]" in out and "[required]" in out and "<bool>" not in out
    # Choices show their codes; the Chinese names are in the help text and still accepted.
    assert "[basic|quality]" in out and "基本均衡" in out


def test_group_help_is_chinese_too() -> None:
    out = _help("--help")
    assert "用法：" in out and "edustat [选项] 命令 [参数]..." in out and "<bool>" not in out


def test_a_command_run_does_not_load_the_help_machinery() -> None:
    # typer's rich_utils (markdown, syntax highlighting) costs ~0.1 s to import: only help
    # screens need it, so a computing run must not load it.
    code = ("import sys\nfrom edustat.cli import app\n"
            f"try:\n    app(['coefficient', {str(SAMPLE)!r}, '-f', 'json'])\n"
            "except SystemExit:\n    pass\n"
            "print('LOADED' if 'typer.rich_utils' in sys.modules else 'LAZY', file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True)
    assert out.stderr.strip().endswith("LAZY"), out.stderr


# ---------------------------------------------------------------------------------------------
# 14: tables readable at 80 columns

ENROLMENT = sorted((ROOT / "data" / "enrolment").glob("schools-*.csv"))
POPULATION = ROOT / "data" / "enrolment" / "population.csv"


def _at_80(cli, monkeypatch: pytest.MonkeyPatch, *args: object) -> str:
    from rich.cells import cell_len

    monkeypatch.setenv("EDUSTAT_WIDTH", "80")
    result = cli(*args)
    assert result.exit_code == 0, result.output
    assert max(cell_len(line) for line in result.stdout.splitlines()) <= 80
    assert "…" not in result.stdout  # nothing cut to an ellipsis
    return result.stdout


def test_coefficient_at_80_columns_uses_the_short_names(cli, monkeypatch) -> None:
    out = _at_80(cli, monkeypatch, "coefficient", SAMPLE, "--standard", "quality", "--schools")
    # Every indicator row names its indicator whole, by the catalogue's short name.
    for short in ("百生高学历教师", "百生骨干教师", "百生体艺教师", "生均校舍", "生均场馆",
                  "生均设备值", "百生多媒体教室"):
        assert f"│ {short}" in out, short


def test_standards_at_80_columns_is_stacked(cli, monkeypatch) -> None:
    out = _at_80(cli, monkeypatch, "standards", SAMPLE)
    lines = out.splitlines()
    # Each school on one line with its verdict, its missed standards below, labels whole.
    school = next(line for line in lines if line.startswith("示例旗第二小学"))
    assert "1430 人" in school and "未达标 0/7" in school and "班额 42.1" in school
    assert any(line.strip().startswith("百生高学历教师") and line.rstrip().endswith("2 人")
               for line in lines)


def test_enrolment_at_80_columns_keeps_labels_and_figures_whole(cli, monkeypatch) -> None:
    out = _at_80(cli, monkeypatch, "enrolment", *ENROLMENT, "--population", POPULATION)
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines()
            if line.strip() and line.split()[0] in ("小学入学", "小学毛入", "义务辍学")}
    # One line per rate with all nine years: 2014-2022, nothing wrapped or cut.
    assert set(rows) == {"小学入学", "小学毛入", "义务辍学"}
    assert all(len(values) == 9 for values in rows.values())
    assert rows["小学毛入"][0] == "102.41"
    assert "简称：小学入学＝小学适龄儿童入学率" in out.replace("\n", "")


def test_figures_at_80_columns_put_the_name_under_the_key(cli, monkeypatch) -> None:
    out = _at_80(cli, monkeypatch, "figures", SAMPLE)
    lines = [line.strip() for line in out.splitlines()]
    at = lines.index(next(line for line in lines
                          if line.startswith("coefficient.basic.primary.composite")))
    assert lines[at + 1] == "小学综合差异系数（基本均衡）"


def test_wide_terminals_keep_the_full_tables(cli) -> None:
    # At 100 columns (the golden width) the standards table is the one table, as before.
    assert "┏" in cli("standards", SAMPLE).stdout


def test_a_closed_pipe_ends_quietly() -> None:
    # `edustat … | head -c 0`: the reader is gone before edustat writes. Exit quietly with the
    # status of a program ended by SIGPIPE (before, this said "无法读写文件：Broken pipe" as if
    # a file were wrong; exit 1 would say the data has problems).
    proc = subprocess.Popen([sys.executable, "-m", "edustat", "coefficient", str(SAMPLE), "-f",
                             "json"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141  # 128 + SIGPIPE, as a shell reports such a program
    assert "Broken pipe" not in stderr and "Traceback" not in stderr and "无法" not in stderr


def test_the_process_exit_codes_survive_the_fast_exit(tmp_path: Path) -> None:
    # main() ends the process with os._exit once outputs are flushed (no interpreter teardown):
    # the exit code, the file written and the messages on both streams must all still be there.
    def run(*args: object) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "edustat", *map(str, args)], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)

    missing = run("coefficient", tmp_path / "无此文件.csv")
    assert missing.returncode == 2 and "无此文件.csv" in missing.stderr
    out = tmp_path / "结果.json"
    done = run("coefficient", SAMPLE, "-o", out)
    assert done.returncode == 0 and json.loads(out.read_text("utf-8"))["results"]
    strict = run("coefficient", SAMPLE, "--standard", "quality", "--strict")
    assert strict.returncode == 1 and "未达标" in strict.stdout
    assert run("--version").returncode == 0


def test_standard_input_leaves_no_temporary_copy(tmp_path: Path) -> None:
    # `edustat coefficient - < f.csv` copies standard input to a temporary folder; the fast exit
    # (os._exit, which runs no atexit function) must still remove it.
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    with SAMPLE.open("rb") as stdin:
        done = subprocess.run([sys.executable, "-m", "edustat", "coefficient", "-", "-f", "json"],
                              cwd=ROOT, stdin=stdin, capture_output=True, env=env, timeout=120)
    assert done.returncode == 0 and json.loads(done.stdout)["results"]
    assert not list(tmp_path.glob("edustat-stdin-*"))


def _run(*args: str, lang: str | None = None, columns: int = 120) -> subprocess.CompletedProcess:
    """`python -m edustat ARGS` as a user runs it, with EDUSTAT_LANG set (or unset)."""
    env = {**os.environ, "COLUMNS": str(columns), "NO_COLOR": "1"}
    env.pop("EDUSTAT_LANG", None)
    if lang:
        env["EDUSTAT_LANG"] = lang
    return subprocess.run([sys.executable, "-m", "edustat", *args], capture_output=True,
                          text=True, env=env, check=False)


def test_usage_errors_name_the_argument_as_the_english_help_does(cli) -> None:
    # `EDUSTAT_LANG=en edustat coefficient -h` shows "edustat coefficient [OPTIONS] {FILE}...":
    # a usage error with --lang en shows the same words, whatever EDUSTAT_LANG says.
    missing = cli("coefficient", "--lang", "en")
    assert missing.exit_code == 2
    assert "Usage: edustat coefficient [OPTIONS] {FILE}..." in missing.stderr
    assert "edustat: Missing argument: 'FILE'" in missing.stderr
    assert "files" not in missing.stderr and "文件" not in missing.stderr
    bogus = cli("coefficient", "--bogus", "--lang", "en")
    assert bogus.exit_code == 2 and "[OPTIONS] {FILE}..." in bogus.stderr
    # The English words were lent for that message only: Chinese errors keep theirs.
    chinese = cli("coefficient")
    assert chinese.exit_code == 2 and "coefficient [选项] {文件}..." in chinese.stderr
    assert "缺少参数：'文件'" in chinese.stderr and "FILE" not in chinese.stderr


@pytest.mark.parametrize("help_lang", [None, "en"])
def test_usage_errors_are_worded_in_the_error_language_whatever_edustat_lang(
        help_lang: str | None) -> None:
    for args in (("coefficient", "--lang", "en"), ("coefficient", "--bogus", "--lang", "en")):
        result = _run(*args, lang=help_lang)
        assert result.returncode == 2
        first = result.stderr.splitlines()[0]  # the program is "python -m edustat" here
        assert first.startswith("Usage: ") and first.endswith(" coefficient [OPTIONS] {FILE}...")
    missing = _run("coefficient", "--lang", "en", lang=help_lang)
    assert missing.stderr.splitlines()[-1] == "edustat: Missing argument: 'FILE'"
    chinese = _run("coefficient", "--lang", "zh", lang=help_lang)
    assert chinese.returncode == 2
    first = chinese.stderr.splitlines()[0]
    assert first.startswith("用法：") and first.endswith(" coefficient [选项] {文件}...")
    assert chinese.stderr.splitlines()[-1] == "edustat：缺少参数：'文件'"


def test_unknown_command_in_english_is_called_a_command(cli) -> None:
    result = cli("coefficent", SAMPLE, "--lang", "en")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == "Usage: edustat [OPTIONS] COMMAND [ARGS]..."
    assert result.stderr.splitlines()[-1] == (
        "edustat: No such command: coefficent (did you mean: coefficient?)")
    assert "Possible options" not in result.stderr
    # An unknown option is still offered the options it may have meant.
    near = cli("coefficient", SAMPLE, "--standrd", "basic", "--lang", "en")
    assert near.exit_code == 2 and "No such option: --standrd" in near.stderr
    assert "--standard" in near.stderr.splitlines()[-1]
