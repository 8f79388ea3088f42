"""The one vocabulary: complete in both languages, the same template fields in both, and
Chinese outputs that leak no English key."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from gridmap import i18n

GRIDMAP = Path(i18n.__file__).parent

#: Words that may stay Latin in Chinese text: units, names of formats and programs.
_LATIN_OK = {"km", "m", "km²", "m²", "gridmap", "validate", "faults", "gpkg", "fonts", "wqy", "microhei", "apt",
             "install", "Debian", "Ubuntu", "GeoPackage", "ID", "X", "Y", "h", "osm", "OpenStreetMap", "ODbL",
             "GeoJSON", "Alt", "Esc", "MB", "KiB", "grid_id", "code", "grid", "id", "EPSG", "make_valid", "make",
             "valid", "dask", "Voronoi", "GeoParquet", "pyarrow", "Shapefile", "Markdown", "Chromium", "Excel",
             "QGIS", "gridscore", "Liechtenstein"}


def latin_words(zh: str) -> set[str]:
    """The Latin words of a Chinese text that are prose, not code: template fields, `quoted code`,
    indented example lines, command lines, options, file names, columns, values, [tables] and
    metavars (PLAN, OUT, MIN) are what a user types or reads as written in any language."""
    zh = re.sub(r"\{[^}]*\}", "", zh)
    zh = re.sub(r"(?m)^\s{2,}\S.*$", "", zh)
    zh = re.sub(r"`[^`]*`|\"[^\"]*\"|'[^']*'", "", zh)
    zh = re.sub(r"(?m)gridmap [a-z].*$", "", zh)
    zh = re.sub(r"\[[\w.]+\]", "", zh)
    zh = re.sub(r"(?<![A-Za-z0-9_-])-{1,2}[\w*-]+", "", zh)
    zh = re.sub(r"[\w.:/<>|=*-]*[._/:<>|=\d][\w.:/<>|=*-]*", "", zh)
    zh = re.sub(r"\b[A-Z][A-Z0-9]*\b", "", zh)
    return set(re.findall(r"[A-Za-z][A-Za-z²]*", zh)) - _LATIN_OK


def test_every_key_has_both_languages():
    for key in i18n.keys():
        zh, en = i18n.text(key, "zh"), i18n.text(key, "en")
        assert zh.strip() and en.strip(), key


def test_both_languages_take_the_same_fields():
    for key in i18n.keys():
        assert i18n.placeholders(key, "zh") == i18n.placeholders(key, "en"), key


def test_chinese_words_are_chinese():
    """A zh entry holds Chinese (or only fields, numbers and symbols), never an English sentence."""
    for key in i18n.keys():
        assert not latin_words(i18n.text(key, "zh")), (key, latin_words(i18n.text(key, "zh")))


def test_unknown_key_is_an_error_and_unknown_term_is_shown_as_written():
    with pytest.raises(KeyError):
        i18n.text("no.such.key", "zh")
    assert i18n.term("worker_type", "网格长甲", "zh") == "网格长甲"
    assert i18n.term("worker_type", "part_time_1", "zh") == "一级兼职网格员"
    with pytest.raises(ValueError):
        i18n.text("layer.grids", "fr")


def test_messages_render_numbers_in_both_languages():
    zh = i18n.message("no_whole_k", "zh", households=730.0, lo=300.0, hi=500.0)
    en = i18n.message("no_whole_k", "en", households=730.0, lo=300.0, hi=500.0)
    assert "730" in zh and "300–500" in zh and "_" not in zh
    assert "730" in en
    assert i18n.message("not_a_code", "zh", x=1).startswith("not_a_code")


def test_one_word_for_one_thing():
    assert i18n.text("band.under", "zh") == "低于下限"
    assert "低于标准" not in " ".join(i18n.text(k, "zh") for k in i18n.keys())


@pytest.mark.parametrize("environ, lang", [({}, "zh"), ({"LANG": "C"}, "zh"), ({"LANG": "en_GB.UTF-8"}, "en"),
                                           ({"LANG": "zh_CN.UTF-8"}, "zh"),
                                           ({"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}, "en")])
def test_default_lang_follows_the_locale(environ, lang):
    assert i18n.default_lang(environ) == lang


def test_no_key_is_written_twice():
    """A key written twice in the vocabulary's dict would silently keep only its last words."""
    import ast
    import collections

    tree = ast.parse(open(i18n.__file__, encoding="utf-8").read())
    words = next(node.value for node in tree.body if isinstance(node, ast.AnnAssign)
                 and getattr(node.target, "id", None) == "_WORDS")
    counts = collections.Counter(key.value for key in words.keys)
    assert [key for key, n in counts.items() if n > 1] == []
    assert len(counts) == len(i18n.keys()) > 1000


def test_keys_used_in_the_code_exist():
    """Every literal key handed to i18n.text/fault_detail/message in gridmap is in the vocabulary."""
    missing = []
    for path in GRIDMAP.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "i18n"):
                continue
            if not node.args or not isinstance(node.args[0], ast.Constant) or not isinstance(node.args[0].value, str):
                continue
            key = node.args[0].value
            full = {"text": key, "fault_detail": f"detail.{key}", "message": f"reason.{key}"}.get(node.func.attr)
            if full and not i18n.has(full):
                missing.append(f"{path.name}: {full}")
    assert not missing


def test_lower_layer():
    """i18n imports nothing of gridmap (every module may use it)."""
    tree = ast.parse((GRIDMAP / "i18n.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            assert not (node.module or "").startswith("gridmap")
        if isinstance(node, ast.Import):
            assert not any(a.name.startswith("gridmap") for a in node.names)
