"""Refusals of rules files (``--config``: config.py, _toml.py) in the reader's language: one line, exit 2,
in Chinese with ``--lang zh`` and in English with ``--lang en``; ``str(error)`` stays English for library
users and logs. Every case fails while the rules are read, before any data: fast."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from gridmap import _toml, i18n
from gridmap.cli.main import cli
from gridmap.config import Band, PlanConfig, ReachConfig, StaffingConfig
from gridmap.errors import InputError
from tests.refusals import CHINESE, GRIDMAP, plain_refusals, vocabulary_calls



def refusal(args, lang):
    """The one ``gridmap: error:`` line of a command that must be refused (exit 2, no traceback)."""
    result = CliRunner().invoke(cli, [str(a) for a in args] + ["--lang", lang])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.strip().splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("gridmap: error: "), result.output
    return lines[0].removeprefix("gridmap: error: ")


def partition(tmp_path, config):
    """``gridmap partition`` with the rules file ``config``: the rules are read before the area (never read)."""
    return ["partition", "--area", tmp_path / "area.gpkg", "--config", config, "--out", tmp_path / "out"]


def rules_file(tmp_path, content, name="rules.toml") -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


@pytest.mark.parametrize("content, zh, en", [
    ("[plan]\nband = [500, 300]\n",
     "规则文件 {path}：band：须满足 0 < MIN <= MAX（户数），实际为 500 300",
     "config {path}: band: need 0 < MIN <= MAX households, got 500 300"),
    ("[plan]\nbnad = [300, 500]\n",
     "规则文件 {path}：plan：未知参数 ['bnad']；可用参数：",
     "config {path}: plan: unknown parameter(s) ['bnad']; known: "),
    ("[plan.urban]\nmode = \"sometimes\"\n",
     "规则文件 {path}：urban.mode：应为 'density'（按居住密度）、'all'（全部为城镇）或 'none'（全部为农村），"
     "实际为 'sometimes'",
     "config {path}: urban.mode: expected 'density', 'all' or 'none', got 'sometimes'"),
    ("[plan]\nseed = true\n",
     "规则文件 {path}：plan.seed：应为整数，实际为 True",
     "config {path}: plan.seed: expected a whole number, got True"),
    ("[plna]\n[plan]\nseed = 1\n",
     "规则文件：{path} 顶层有未知的表或键 'plna'；是否应为 [plan]？可用的表：plan, staffing",
     "config: {path} has an unknown table or key 'plna' at the top; did you mean [plan]? known tables: "
     "plan, staffing"),
    ("[plan]\nband = [300 500]\n",
     "规则文件：{path} 不是有效的 TOML：第 2 行第 13 列：数组未闭合",
     "config: {path} is not valid TOML: Unclosed array (at line 2, column 13)"),
    ("[plan.urban]\nmode = all\n",
     "规则文件：{path} 不是有效的 TOML：第 2 行第 8 列：值无效（文字须加英文引号",
     "config: {path} is not valid TOML: Invalid value (at line 2, column 8)"),
    ("[plan]\n[plan]\n",
     "规则文件：{path} 不是有效的 TOML：第 2 行第 6 列：表 [plan] 出现了两次",
     "config: {path} is not valid TOML: Cannot declare ('plan',) twice (at line 2, column 6)"),
    ("[plan]\nband = [300,",
     "规则文件：{path} 不是有效的 TOML：文件末尾：值无效",
     "config: {path} is not valid TOML: Invalid value (at end of document)"),
    ("[plan]\n# 城关镇的户数范围\nband = [300, 500]\n".encode("gbk"),
     "规则文件：{path} 不是 UTF-8 文本（字节位置 9），似为 GBK/GB18030 编码；请另存为 UTF-8 编码",
     "config: {path} is not UTF-8 text at byte 9 (it looks like GBK/GB18030: save it as UTF-8)"),
    ("[plan]\nband = [300, 500]\n".encode("utf-16"),
     "规则文件：{path} 是 UTF-16 文本（记事本按 'Unicode' 编码保存即是如此）；请另存为 UTF-8 编码",
     "config: {path} is UTF-16 text (as Windows Notepad saves 'Unicode'); save it as UTF-8"),
], ids=["band", "unknown-key", "urban-mode", "wrong-kind", "unknown-table", "unclosed-array", "unquoted-text",
        "table-twice", "cut-short", "gbk", "utf16"])
def test_a_bad_rules_file_is_refused_in_the_readers_language(tmp_path, content, zh, en):
    path = rules_file(tmp_path, content)
    said_zh = refusal(partition(tmp_path, path), "zh")
    said_en = refusal(partition(tmp_path, path), "en")
    assert said_zh.startswith(zh.format(path=path)), said_zh
    assert said_en.startswith(en.format(path=path)), said_en
    assert CHINESE.search(said_zh) and not CHINESE.search(said_en)
    assert not (tmp_path / "area.gpkg").exists()


def test_a_missing_rules_file(tmp_path):
    path = tmp_path / "nope.toml"
    assert refusal(partition(tmp_path, path), "zh") == f"规则文件：文件不存在：{path}"
    assert refusal(partition(tmp_path, path), "en") == f"config: no such file {path}"


def test_staffing_and_reach_rules_are_refused_in_the_readers_language(tmp_path):
    """``gridmap staff`` reads [staffing] and [reach] before the plan (which need not exist)."""
    staff = ["staff", tmp_path / "plan.gpkg", "--config"]
    path = rules_file(tmp_path, '[staffing]\n[[staffing.urban]]\nworker_type = "网格长"\n', "staffing.toml")
    said = refusal(staff + [path], "zh")
    assert said.startswith(f"规则文件 {path}：staffing.urban[0].worker_type：未知的网格员类型 '网格长'；已有类型：")
    assert said.endswith("请在 [staffing.worker_types] 中定义它（该表会替换默认类型），或改用已有类型之一")
    assert refusal(staff + [path], "en").endswith(
        "define it in [staffing.worker_types] (which replaces the default types) or name one of those")

    path = rules_file(tmp_path, "[reach.speeds.walk]\nfootway = 0\n", "reach.toml")
    assert refusal(staff + [path], "zh") == (f"规则文件 {path}：reach.speeds.walk.footway：速度须为 > 0 的数（km/h），"
                                             "实际为 0（要让该出行方式不走某类道路，删去该项即可）")
    assert refusal(staff + [path], "en") == (f"config {path}: reach.speeds.walk.footway: speed must be a number > 0 "
                                             "km/h, got 0 (leave a class out to close it)")


def test_the_locale_chooses_the_language_when_lang_is_not_given(tmp_path):
    path = rules_file(tmp_path, "[plan]\nband = [500, 300]\n")
    for env, words in [({"GRIDMAP_LANG": "zh"}, "须满足 0 < MIN <= MAX（户数）"),
                       ({"GRIDMAP_LANG": "en"}, "need 0 < MIN <= MAX households")]:
        result = CliRunner().invoke(cli, [str(a) for a in partition(tmp_path, path)], env=env)
        assert result.exit_code == 2 and words in result.output, result.output


def test_library_users_read_english_and_may_ask_for_chinese(tmp_path):
    """``str(error)`` is the English it always was (logs, tracebacks, tests matching it); ``text(lang)``
    renders the same refusal, with its field paths and values as written, in either language."""
    with pytest.raises(InputError) as caught:
        PlanConfig(band=(500, 300))
    assert str(caught.value) == "band: need 0 < MIN <= MAX households, got 500 300"
    assert caught.value.text("en") == str(caught.value)
    assert caught.value.text("zh") == "band：须满足 0 < MIN <= MAX（户数），实际为 500 300"

    with pytest.raises(InputError) as caught:
        Band("a", 3)
    assert str(caught.value) == "band: expected two numbers MIN MAX (households), got 'a' 3"
    assert caught.value.text("zh") == "band：应为两个数 MIN MAX（户数），实际为 'a' 3"

    with pytest.raises(InputError) as caught:
        StaffingConfig(urban=({"method": "by_area"},))
    assert str(caught.value) == ("staffing.urban[0].method: expected one of ['fixed', 'per_households', "
                                 "'workload'], got 'by_area'")
    assert caught.value.text("zh") == ("staffing.urban[0].method：应为 ['fixed', 'per_households', 'workload'] "
                                       "之一，实际为 'by_area'")

    with pytest.raises(InputError) as caught:
        ReachConfig(oneway_modes=("bus",))
    assert str(caught.value) == "reach.oneway_modes: unknown mode(s) ['bus']; known: ['walk', 'ebike', 'car']"
    assert caught.value.text("zh") == "reach.oneway_modes：未知的出行方式 ['bus']；可用：['walk', 'ebike', 'car']"

    # a refusal inside a file's refusal is in the same language as the whole
    path = rules_file(tmp_path, "[staffing]\nmonths_per_year = 15\n")
    with pytest.raises(InputError) as caught:
        StaffingConfig.from_toml(path)
    assert str(caught.value) == f"config {path}: staffing.months_per_year: expected an integer 1..14, got 15"
    assert caught.value.text("zh") == f"规则文件 {path}：staffing.months_per_year：应为 1 到 14 的整数，实际为 15"


def test_rules_read_by_other_steps_name_their_file_in_chinese(tmp_path):
    """[validate] and [report] read the file as ``rules``: the role has its Chinese word."""
    path = rules_file(tmp_path, "[validate\n")
    with pytest.raises(InputError) as caught:
        _toml.read_toml(path, "rules")
    assert str(caught.value).startswith(f"rules: {path} is not valid TOML: Expected ']' at the end of a table")
    assert caught.value.text("zh") == f"规则文件：{path} 不是有效的 TOML：第 1 行第 10 列：表名后缺少“]”"


def test_an_unforeseen_parser_reason_keeps_tomllib_words(tmp_path):
    """Only the commonest parser reasons have Chinese words; the rest keep tomllib's words, with the place."""
    path = rules_file(tmp_path, 'x = "\\q"\n')
    with pytest.raises(InputError) as caught:
        _toml.read_toml(path)
    english = str(caught.value).removeprefix(f"config: {path} is not valid TOML: ")
    detail = english.rsplit(" (at ", 1)[0]
    assert detail not in _toml._PARSER_WORDS
    assert caught.value.text("zh") == f"规则文件：{path} 不是有效的 TOML：第 1 行第 8 列：{detail}"


def test_every_parser_reason_and_refusal_key_is_in_the_vocabulary():
    """The keys config.py and _toml.py hand to ``InputError.of`` and ``Phrase``, and the parser's words, exist."""
    for name in _toml._PARSER_WORDS.values():
        assert i18n.has(f"phrase.{name}"), name
        assert i18n.text(f"phrase.{name}", "en") in _toml._PARSER_WORDS  # the en words are tomllib's
    used = set()
    for module in ("config.py", "_toml.py"):
        path = GRIDMAP / module
        assert [node.lineno for node in plain_refusals(path)] == [], f"{module}: refusals of plain words"
        used |= {f"error.{key}" if kind == "of" else key for kind, key in vocabulary_calls(path)}
    assert len(used) > 40
    assert not [key for key in used if not i18n.has(key)]
    for key in ("phrase.rules_m2_per_dwelling", "phrase.rules_storeys"):  # named in a loop of config.py
        assert i18n.has(key)
