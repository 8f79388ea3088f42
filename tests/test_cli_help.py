"""``gridmap --help`` and ``gridmap COMMAND --help`` in Chinese and in English, from the one vocabulary."""
import re

import click
import pytest
from click.testing import CliRunner

from gridmap import i18n
from gridmap.cli._help import _columns, wrap
from gridmap.cli.main import COMMANDS, cli
from tests.test_i18n import latin_words

#: The environment of a reader asking for ``lang`` (None: a locale that says nothing).
_ENV = {"zh": {"GRIDMAP_LANG": "zh"}, "en": {"GRIDMAP_LANG": "en"},
        None: {"GRIDMAP_LANG": None, "LC_ALL": None, "LC_MESSAGES": None, "LANG": None}}


def show_help(args, lang):
    result = CliRunner().invoke(cli, [*args, "--help"], env=_ENV[lang], prog_name="gridmap")
    return result.exit_code, result.output


def _commands():
    return [((), cli)] + [((name,), cli.commands[name]) for name in COMMANDS]


def _own_options(command):
    """Options whose help gridmap writes (click's --help and --version are in the vocabulary too)."""
    return [p for p in command.params if isinstance(p, click.Option) and p.name != "version"]


@pytest.mark.parametrize("args, command", _commands(), ids=lambda v: " ".join(v) if isinstance(v, tuple) else "")
def test_every_help_text_is_a_word_of_the_vocabulary(args, command):
    key = "help.gridmap" if not args else f"help.{args[0]}"
    assert i18n.has(key) and i18n.has(f"{key}.short"), key
    for option in _own_options(command):
        assert isinstance(option.help, str) and i18n.has(option.help), (args, option.opts, option.help)
        if isinstance(option.show_default, str):
            assert i18n.has(option.show_default), (args, option.opts, option.show_default)


def _chinese(text: str) -> str:
    return re.sub(r"[^\u4e00-\u9fff]", "", text)


def _prose(output: str) -> str:
    """The help without what is shown as written: option spellings and metavars in the left column,
    command names, defaults that are values (``[默认：households]``) and the usage line; the text
    dedented by the formatter's two spaces, so that example lines stay indented."""
    lines = []
    for line in output.splitlines():
        if re.match(r"\s*-", line):
            line = re.sub(r"^\s*-{1,2}\S.*?(\s{2,}|$)", "", line)
        elif line.startswith(" " * 10) or re.match(r"\s*\[[^\]]*\]\s*$", line):
            line = line.strip()
        elif re.match(r"  (%s)\s{2,}" % "|".join(COMMANDS), line):
            line = line.split(None, 1)[1]
        elif line.startswith("  "):
            line = line[2:]
        lines.append(line)
    text = "\n".join(lines)
    text = re.sub(r"默认：[\x00-\x7f]*?\]", "]", text)
    return re.sub(r"用法：.*", "", text)


@pytest.mark.parametrize("args", [a for a, _ in _commands()], ids=lambda a: " ".join(a) or "gridmap")
def test_help_in_chinese_and_english(args):
    code, zh = show_help(args, "zh")
    assert code == 0, zh
    code, en = show_help(args, "en")
    assert code == 0, en
    key = f"help.{args[0]}" if args else "help.gridmap"
    first_zh = i18n.text(key, "zh").splitlines()[0]
    first_en = i18n.text(key, "en").splitlines()[0]
    assert first_zh[:20] in zh and first_en[:20] not in zh
    assert "用法：" in zh and "选项：" in zh and "Usage:" in en and "Options:" in en
    assert not latin_words(_prose(zh)), (args, latin_words(_prose(zh)))
    command = cli.commands[args[0]] if args else cli
    for option in _own_options(command):   # every option's help in the reader's language, not the other's
        chinese = _chinese(i18n.text(option.help, "zh"))[:8]
        assert chinese in _chinese(zh) and chinese not in _chinese(en), (args, option.opts)
    # both name the same options, and every line fits the 100 columns the group allows
    en = re.sub(r"-\n\s+", "-", en)   # click's English wrapping breaks --households-divisor at its hyphen
    assert set(re.findall(r"--[a-z0-9][a-z0-9-]*", zh)) == set(re.findall(r"--[a-z0-9][a-z0-9-]*", en)), args
    assert max(_columns(line) for line in zh.splitlines() if "gridmap " not in line) <= 100


def test_an_unset_or_c_locale_means_chinese_and_an_english_locale_english():
    assert show_help(["run"], None)[1] == show_help(["run"], "zh")[1]
    code, out = CliRunner().invoke(cli, ["run", "--help"], env={"GRIDMAP_LANG": None, "LC_ALL": None,
                                                                 "LC_MESSAGES": None, "LANG": "C"}).exit_code, None
    assert code == 0
    result = CliRunner().invoke(cli, ["run", "--help"], env={"GRIDMAP_LANG": None, "LC_ALL": "en_US.UTF-8"})
    assert "Options:" in result.output and "选项" not in result.output
    result = CliRunner().invoke(cli, ["run", "--help"], env={"GRIDMAP_LANG": "zh", "LC_ALL": "en_US.UTF-8"})
    assert "选项：" in result.output   # GRIDMAP_LANG decides


@pytest.mark.parametrize("args", [["validate", "--lang", "en", "--help"], ["validate", "--help", "--lang", "en"],
                                  ["run", "--help", "--lang=en"]])
def test_lang_on_the_command_line_sets_the_help_language_in_either_order(args):
    result = CliRunner().invoke(cli, args, env=_ENV["zh"], prog_name="gridmap")
    assert result.exit_code == 0 and result.output.startswith("Usage: gridmap") and "Options:" in result.output
    # a --lang of no language is click's error as ever; none given: GRIDMAP_LANG decides
    assert CliRunner().invoke(cli, ["validate", "--help", "--lang", "fr"], env=_ENV["zh"]).output.startswith("用法")
    assert CliRunner().invoke(cli, ["validate", "--help"], env=_ENV["en"]).output.startswith("Usage")


def test_chinese_help_shows_units_defaults_and_the_words_of_the_maps():
    code, out = show_help(["partition"], "zh")
    flat = "".join(out.split())
    assert "[默认：300500]" in flat and "户数范围" in flat and "单元" in flat and "--seed" in out
    assert "--out 目录" in out and "--osm 文件" in out and "gridmap partition [选项]" in out  # click's metavars too
    assert "--out DIRECTORY" in show_help(["partition"], "en")[1]
    code, out = show_help(["staff"], "zh")
    assert "网格员" in out and "驻点" in out and "[默认：min_time]" in out
    code, out = show_help([], "zh")
    assert "GRIDMAP_LANG" in out


def test_wrap_breaks_between_chinese_characters_by_columns():
    text = "网格员的出行方式（`walk` 步行、`ebike` 电动车、`car` 驾车），默认为步行，或规则文件中的值。"
    lines = wrap(text, 30).splitlines()
    assert all(_columns(line) <= 30 or line[-1] in "，。）、" for line in lines) and len(lines) > 2
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert not any(line.startswith(("，", "。", "）")) for line in lines)
    assert wrap("\b\n  gridmap run --out x\n  more", 10) == "  gridmap run --out x\n  more"
    assert wrap("第一行\n第二行 and\nEnglish", 100) == "第一行第二行 and English"
