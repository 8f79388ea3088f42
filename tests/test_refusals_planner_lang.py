"""Refusals of the planner's files (edits, batch manifests, update, adjust, dedicated) in the reader's language.

On the command line a refusal is one line, exit 2, in the language of ``--lang`` (else
``GRIDMAP_LANG`` or the locale); for library users and logs ``str(error)`` stays English,
word for word as before. Every test runs on tiny files written here: no plan is made.
"""
from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from gridmap import i18n
from gridmap.errors import InputError
from tests.refusals import GRIDMAP, gm, is_chinese, plain_refusals, refusal, vocabulary_calls

MODULES = ["edits.py", "batch.py", "cli/batch_cmd.py", "update.py", "adjust.py", "cli/adjust_cmd.py",
           "cli/update_cmd.py", "dedicated.py"]
@pytest.fixture
def plan_files(tmp_path):
    """Two tiny plan files: ``grids_only.gpkg`` (a plan without atoms) and ``plan.gpkg`` (grids and atoms)."""
    square = shapely.box(9.50, 47.10, 9.51, 47.11)
    grids = gpd.GeoDataFrame({"grid_id": ["g1"], "households": [10.0]}, geometry=[square], crs=4326)
    atoms = gpd.GeoDataFrame({"atom_id": [1], "grid_id": ["g1"], "unit_id": ["u1"], "households": [10.0]},
                             geometry=[square], crs=4326)
    grids.to_file(tmp_path / "grids_only.gpkg", layer="grids")
    grids.to_file(tmp_path / "plan.gpkg", layer="grids")
    atoms.to_file(tmp_path / "plan.gpkg", layer="atoms")
    return {"grids_only": tmp_path / "grids_only.gpkg", "plan": tmp_path / "plan.gpkg"}


# --------------------------------------------------------------------------- gridmap batch: manifests


def manifest(tmp_path, text: str) -> Path:
    path = tmp_path / "m.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("text, zh, en", [
    ('[[run]]\nname = "a"\nosm = "x"\ncolour = "red"\n', "县 'a'：'colour' 不是 `gridmap run` 的选项",
     "county 'a': 'colour' is not an option of `gridmap run` (see gridmap run --help)"),
    ('[[run]]\nosm = "x"\n', "第 1 个 [[run]] 没有名称", '[[run]] number 1 has no name (name = "...", its output folder)'),
    ('[[run]]\nname = "a/b"\nosm = "x"\n', "县名 'a/b' 不能用作文件夹名",
     "batch: county name 'a/b' cannot be a folder name; use letters, digits, - or _"),
    ('[[run]]\nname = "a"\nosm = "x"\nband = [300]\n', "band 需要 2 个值", "band takes 2 values, e.g. band = [300, 500]"),
    ('[[run]]\nname = "a"\nosm = "x"\n[extra]\n', "未知的表 ['extra']",
     "unknown table(s) ['extra']; expected [defaults] and [[run]]"),
])
def test_batch_manifest_refusal_follows_lang(tmp_path, text, zh, en):
    path = manifest(tmp_path, text)
    # --lang decides over GRIDMAP_LANG
    line = refusal(*gm("batch", path, "--out", tmp_path / "out", "--lang", "zh", env_lang="en"))
    assert zh in line and is_chinese(line), line
    line_en = refusal(*gm("batch", path, "--out", tmp_path / "out", "--lang", "en", env_lang="zh"))
    assert en in line_en and not is_chinese(line_en), line_en
    assert (str(path) in line) == (str(path) in line_en)  # a file named is named as written in both
    assert not (tmp_path / "out").exists()


def test_batch_without_lang_follows_gridmap_lang(tmp_path):
    path = manifest(tmp_path, "[defaults]\nseed = 0\n")
    line = refusal(*gm("batch", path, "--out", tmp_path / "out", env_lang="zh"))
    assert line == f"清单 {path}：没有县；请为每个县加一个 [[run]] 表（含 `name`）"
    line = refusal(*gm("batch", path, "--out", tmp_path / "out", env_lang="en"))
    assert line == f"manifest {path}: no county; add one [[run]] table per county (with a name)"
    line = refusal(*gm("batch", path, "--out", tmp_path / "out"))  # nothing set, locale C: Chinese
    assert is_chinese(line)


def test_batch_click_message_keeps_its_detail(tmp_path):
    """A value ``gridmap run`` itself refuses: the county named in the reader's words, click's detail kept."""
    path = manifest(tmp_path, '[[run]]\nname = "a"\nosm = "x"\nurban = "sometimes"\n')
    line = refusal(*gm("batch", path, "--out", tmp_path / "out", "--lang", "zh"))
    assert line.startswith(f"清单 {path}：县 'a'：选项有误：") and "sometimes" in line
    assert "'--urban' 的值无效：'sometimes' 不是 'density', 'all', 'none' 之一" in line  # click's words too
    line = refusal(*gm("batch", path, "--out", tmp_path / "out", "--lang", "en"))
    assert line.startswith(f"manifest {path}: county 'a': ") and "sometimes" in line and not is_chinese(line)


def test_a_failed_county_is_logged_in_english():
    """The failure log (failures.csv, province.csv) records a county's refusal as ``str()``: English."""
    from gridmap.batch import _one_line

    error = InputError.of("batch_names_repeated", names=["a"])
    assert _one_line(error) == "batch: county names must be unique; repeated: ['a']"
    assert error.text("zh") == "批处理：县名须各不相同；重复的县名：['a']"


# --------------------------------------------------------------------------- gridmap update / adjust


@pytest.mark.parametrize("command", ["update", "adjust"])
def test_plan_without_atoms_is_refused_in_both_languages(tmp_path, plan_files, command):
    plan = plan_files["grids_only"]
    extra = ["--atoms", tmp_path / "e.csv"] if command == "update" else ["--households", tmp_path / "h.gpkg"]
    line = refusal(*gm(command, plan, *extra, "--out", tmp_path / "out", "--lang", "zh", env_lang="en"))
    assert line == f"计划：{plan} 没有地块图层 `atoms`；`gridmap {command}` 需要由 gridmap 写出的计划"
    line = refusal(*gm(command, plan, *extra, "--out", tmp_path / "out", "--lang", "en", env_lang="zh"))
    assert line == f"plan: {plan} has no atoms layer; {command} needs a plan written by gridmap"
    assert not (tmp_path / "out").exists()


def test_update_missing_edits_file(tmp_path, plan_files):
    edits = tmp_path / "nope.geojson"
    line = refusal(*gm("update", plan_files["plan"], "--atoms", edits, "--out", tmp_path / "o", "--lang", "zh"))
    assert line == f"编辑文件：文件不存在：{edits}"
    line = refusal(*gm("update", plan_files["plan"], "--atoms", edits, "--out", tmp_path / "o", "--lang", "en"))
    assert line == f"edits: no such file {edits}"


def test_update_edits_row_without_grid(tmp_path, plan_files):
    edits = tmp_path / "edits.csv"
    edits.write_text("atom_id,grid_id\n1,\n", encoding="utf-8")
    line = refusal(*gm("update", plan_files["plan"], "--atoms", edits, "--out", tmp_path / "o", "--lang", "zh"))
    assert line.startswith(f"编辑文件：{edits} 第 1 行（地块 1）：grid_id 为空；"), line
    line = refusal(*gm("update", plan_files["plan"], "--atoms", edits, "--out", tmp_path / "o", "--lang", "en"))
    assert line == (f"edits: {edits} row 1 (atom 1): empty grid_id; give every atom the id of its grid "
                    "(a new text for a new grid)")


def test_update_missing_lock_file(tmp_path, plan_files):
    edits = tmp_path / "edits.csv"
    edits.write_text("atom_id,grid_id\n1,g1\n", encoding="utf-8")
    locks = tmp_path / "locks.txt"
    args = ["update", plan_files["plan"], "--atoms", edits, "--lock-file", locks, "--out", tmp_path / "o"]
    assert refusal(*gm(*args, "--lang", "zh")) == f"--lock-file：文件不存在：{locks}"
    assert refusal(*gm(*args, "--lang", "en")) == f"--lock-file: no such file {locks}"


def test_adjust_households_and_buildings(tmp_path, plan_files):
    args = ["adjust", plan_files["plan"], "--households", tmp_path / "h.gpkg", "--buildings", tmp_path / "b.gpkg",
            "--out", tmp_path / "o"]
    assert refusal(*gm(*args, "--lang", "zh")) == "调整：--households 和 --buildings 只能给出其一"
    assert refusal(*gm(*args, "--lang", "en")) == "adjust: give --households or --buildings, not both"


# --------------------------------------------------------------------------- gridmap dedicated


def test_dedicated_rules_refused_in_both_languages(tmp_path, plan_files):
    rules = tmp_path / "rules.toml"
    rules.write_text("[dedicated]\nmin_households = 50\nmax_households = 10\n", encoding="utf-8")
    args = ["dedicated", plan_files["plan"], "--areas", tmp_path / "a.gpkg", "--config", rules, "--out", tmp_path / "o"]
    assert refusal(*gm(*args, "--lang", "zh")) == "dedicated.min_households：50 大于 max_households 10"
    assert refusal(*gm(*args, "--lang", "en")) == "dedicated.min_households: 50 is above max_households 10"


def test_dedicated_area_without_kind(tmp_path, plan_files):
    areas = tmp_path / "areas.gpkg"
    gpd.GeoDataFrame({"kind": ["school", None]}, geometry=[shapely.box(9.50, 47.10, 9.505, 47.105),
                                                          shapely.box(9.505, 47.105, 9.51, 47.11)],
                     crs=4326).to_file(areas)
    args = ["dedicated", plan_files["plan"], "--areas", areas, "--out", tmp_path / "o"]
    line = refusal(*gm(*args, "--lang", "zh"))
    assert line.startswith(f"专属区域：{areas} 第 2 个要素的 kind 为空；请给每个区域填上种类"), line
    line = refusal(*gm(*args, "--lang", "en"))
    assert line.startswith(f"dedicated areas: {areas} feature 2 has no kind; give each area its kind (e.g. "), line


# --------------------------------------------------------------------------- library users: English str()


def test_library_errors_are_english_and_carry_their_chinese():
    from gridmap.batch import County
    from gridmap.dedicated import DedicatedRule
    from gridmap.edits import Edits, read_edits
    from gridmap.plan import Plan
    from gridmap.update import update_plan, with_locks

    with pytest.raises(InputError) as caught:
        read_edits("no/such/edits.gpkg")
    assert str(caught.value) == f"edits: no such file {Path('no/such/edits.gpkg')}"
    assert caught.value.text("zh") == f"编辑文件：文件不存在：{Path('no/such/edits.gpkg')}"

    with pytest.raises(InputError) as caught:
        County("a/b", {})
    assert str(caught.value) == "batch: county name 'a/b' cannot be a folder name; use letters, digits, - or _"
    assert is_chinese(caught.value.text("zh"))

    with pytest.raises(InputError) as caught:
        DedicatedRule(min_area_m2={"school": -1})
    assert str(caught.value) == "dedicated.min_area_m2.school: must be a number >= 0 m², got -1"
    assert caught.value.text("zh") == "dedicated.min_area_m2.school：须为 ≥ 0 的数（m²），给出的是 -1"

    square = shapely.box(0, 0, 100, 100)
    grids = gpd.GeoDataFrame({"grid_id": ["g1"]}, geometry=[square], crs=3857)
    atoms = gpd.GeoDataFrame({"atom_id": [1], "grid_id": ["g1"]}, geometry=[square], crs=3857)
    plan = Plan(layers={"grids": grids, "atoms": atoms})
    with pytest.raises(InputError) as caught:
        with_locks(plan, ["x", "y", "z"])
    assert str(caught.value) == "--lock: 'x' is not a grid of the plan (and 2 more); give grid ids (codes) of its " \
                                "grids layer"
    assert caught.value.text("zh") == "--lock：'x' 不是计划中的网格（另有 2 个）；请给出计划网格图层中网格的 ID（编码）"

    with pytest.raises(InputError) as caught:
        update_plan(plan, Edits(pd.DataFrame({"atom_id": [7, 8], "grid_id": ["g1", "g1"]})), restaff=False)
    assert str(caught.value) == ("edits: the edits: atom 7 is not an atom of the plan (2 such rows); export the "
                                 "atoms from this plan")
    assert caught.value.text("zh") == "编辑文件：编辑内容：地块 7 不是此计划的地块（共 2 行）；请从此计划导出地块"


def test_refusals_survive_pickling():
    """A county's error crossing processes (dask) keeps its words in both languages."""
    import pickle

    where = i18n.Phrase("phrase.batch_county", path="m.toml", name="a")
    error = pickle.loads(pickle.dumps(InputError.of("batch_flag_value", where=where, option="strict", value="yes")))
    assert str(error) == "manifest m.toml: county 'a': strict takes true or false, got 'yes'"
    assert error.text("zh") == "清单 m.toml：县 'a'：strict 只接受 `true` 或 `false`，给出的是 'yes'"


# --------------------------------------------------------------------------- the modules use the vocabulary


def test_planner_modules_raise_only_vocabulary_refusals():
    """Every refusal of the eight modules is made from the vocabulary (no English-only ``InputError("...")``), its
    key exists in both languages and is the module's own (``error.<module>_*``, ``phrase.<module>_*``)."""
    prefixes = {"edits.py": "edits_", "batch.py": "batch_", "cli/batch_cmd.py": "batch_", "update.py": "update_",
                "cli/update_cmd.py": "update_", "adjust.py": "adjust_", "cli/adjust_cmd.py": "adjust_",
                "dedicated.py": "dedicated_"}
    used = 0
    for module in MODULES:
        path = GRIDMAP / module
        assert [node.lineno for node in plain_refusals(path)] == [], f"{module}: refusals not made with .of(key)"
        for kind, key in vocabulary_calls(path):
            full = f"error.{key}" if kind == "of" else key
            assert i18n.has(full), f"{module}: {full}"
            assert full.split(".", 1)[1].startswith(prefixes[module]), f"{module}: {full}"
            zh, en = i18n._WORDS[full]
            assert is_chinese(zh) and not is_chinese(en), full
            used += 1
    assert used >= 45
