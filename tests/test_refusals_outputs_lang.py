"""Refusals of the plan's steps and outputs (validate, map, edit, report, staff, reach, micro, export, the plan
file itself) in the reader's language.

On the command line a refusal is one line, exit 2, in the language of ``--lang`` (else ``GRIDMAP_LANG`` or the
locale); for library users and logs ``str(error)`` stays English, word for word as before. Every test runs on
tiny files written here: no plan is made.
"""
from __future__ import annotations

import ast
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from gridmap import i18n
from gridmap.errors import InputError, MissingLayerError
from tests.refusals import GRIDMAP, is_chinese, plain_refusals, refusal, vocabulary_calls
from tests.refusals import gm as refusals_gm


#: The modules of the plan's steps and outputs, whose refusals are all made from the vocabulary.
MODULES = ["validate.py", "maps.py", "editor.py", "report.py", "plan.py", "bases.py", "_chromium.py", "roads.py",
           "reach.py", "staffing.py", "micro.py", "atoms.py", "grids.py", "export.py", "cli/reach_cmd.py",
           *sorted(str(p.relative_to(GRIDMAP)) for p in (GRIDMAP / "partition").glob("*.py"))]
#: Refusals deliberately left as written: the argument checks of the low-level partitioner
#: (gridmap.partition._balanced.partition_unit), which make_plan calls with arrays it has built and checked
#: itself; only a program calling it with malformed arrays (a programming error) meets them.
KEPT = {("partition/_balanced.py", "adjacency must have shape"), ("partition/_balanced.py", "adjacency holds"),
        ("partition/_balanced.py", "cut_weight must have shape"), ("partition/_balanced.py", "cut_weight must be"),
        ("partition/_balanced.py", "households is empty"), ("partition/_balanced.py", "households must be"),
        ("partition/_balanced.py", "xy must be"), ("partition/_balanced.py", "k must be")}
#: Refusals of other sections of the vocabulary these modules share (the same words for the same refusal).
SHARED = {"error.no_such_file", "error.cannot_read", "error.no_column", "error.rules_unknown_parameters"}


def gm(*args, env_lang: str | None = None) -> tuple[int, str]:
    """:func:`tests.refusals.gm` without a Tianditu key or a Chromium of the environment's."""
    return refusals_gm(*args, env_lang=env_lang, TIANDITU_KEY=None, GRIDMAP_CHROMIUM=None)


def both(args, out: Path | None = None) -> tuple[str, str]:
    """The refusal of ``gridmap ARGS`` with ``--lang zh`` and ``--lang en`` (each overriding GRIDMAP_LANG), with
    ``out`` left unwritten."""
    zh = refusal(*gm(*args, "--lang", "zh", env_lang="en"))
    en = refusal(*gm(*args, "--lang", "en", env_lang="zh"))
    assert is_chinese(zh) and not is_chinese(en), (zh, en)
    if out is not None:
        assert not Path(out).exists(), out
    return zh, en


SQUARE = shapely.box(9.50, 47.10, 9.51, 47.11)


@pytest.fixture
def files(tmp_path):
    """Tiny plan files: ``grids_only`` (a plan of grids alone), ``with_households`` (grids and household points,
    no roads), ``not_a_plan`` (a GeoPackage without grids) and ``bad_rules`` (a plan whose stored band is upside
    down)."""
    from gridmap.plan import Plan

    grids = gpd.GeoDataFrame({"grid_id": ["g1"], "unit_id": ["u1"], "households": [10.0]}, geometry=[SQUARE],
                             crs=4326)
    points = gpd.GeoDataFrame({"households": [1.0]}, geometry=[shapely.Point(9.505, 47.105)], crs=4326)
    paths = {name: tmp_path / f"{name}.gpkg" for name in ("grids_only", "with_households", "not_a_plan", "bad_rules")}
    grids.to_file(paths["grids_only"], layer="grids")
    grids.to_file(paths["with_households"], layer="grids")
    points.to_file(paths["with_households"], layer="households")
    points.to_file(paths["not_a_plan"], layer="points")
    Plan(layers={"grids": grids}, meta={"config": {"band": [500, 300]}}).save(paths["bad_rules"])
    return paths


# --------------------------------------------------------------------------- the plan file (plan.py)


def test_missing_plan_file(tmp_path):
    plan, out = tmp_path / "missing.gpkg", tmp_path / "map.html"
    zh, en = both(["map", plan, "--out", out], out)
    assert zh == f"计划：文件不存在：{plan}"
    assert en == f"plan: no such file {plan}"


def test_file_that_is_no_plan(files, tmp_path):
    out = tmp_path / "report.html"
    zh, en = both(["report", files["not_a_plan"], "--out", out], out)
    assert zh == f"计划：{files['not_a_plan']} 中没有 'grids' 图层；它是 gridmap 写出的计划吗？"
    assert en == f"plan: {files['not_a_plan']} has no 'grids' layer; is it a gridmap plan?"


def test_plan_lacking_a_layer_a_step_needs(files, tmp_path):
    zh, en = both(["staff", files["grids_only"], "--out", tmp_path / "out"], tmp_path / "out")
    assert zh == ("计划：没有图层 'households'（计划中的图层：grids）；请给出由 `gridmap partition` 或 `gridmap run` "
                  "写出的计划")
    assert en == ("plan: no layer 'households' (it holds grids); give a plan written by gridmap partition or "
                  "gridmap run")


def test_plan_with_invalid_rules_names_the_rule_in_the_same_language(files, tmp_path):
    zh, en = both(["map", files["bad_rules"], "--out", tmp_path / "m.html"], tmp_path / "m.html")
    assert zh == f"计划：{files['bad_rules']} 中的规则无效：band：须满足 0 < MIN <= MAX（户数），实际为 500 300"
    assert en == f"plan: {files['bad_rules']} holds invalid rules: band: need 0 < MIN <= MAX households, got 500 300"


def test_without_lang_the_locale_decides(tmp_path):
    plan = tmp_path / "missing.gpkg"
    assert refusal(*gm("map", plan, "--out", tmp_path / "m.html")) == f"计划：文件不存在：{plan}"  # locale C
    assert refusal(*gm("map", plan, "--out", tmp_path / "m.html", env_lang="en")) == f"plan: no such file {plan}"


# --------------------------------------------------------------------------- gridmap map, edit, report


def test_map_unknown_basemap(files, tmp_path):
    out = tmp_path / "m.html"
    zh, en = both(["map", files["grids_only"], "--out", out, "--basemap", "bing"], out)
    assert zh == "底图：应为 none, osm, tianditu, gaode 之一，或含 {z}、{x}、{y} 的瓦片 URL 模板，实际为 'bing'"
    assert en == ("basemap: expected one of none, osm, tianditu, gaode or a tile URL template with {z}, {x} and "
                  "{y}, got 'bing'")


def test_map_tianditu_without_key(files, tmp_path):
    out = tmp_path / "m.html"
    zh, en = both(["map", files["grids_only"], "--out", out, "--basemap", "tianditu"], out)
    assert zh.startswith("底图 `tianditu`（天地图）需要密钥：") and "--tianditu-key KEY" in zh
    assert en == "basemap tianditu needs a key: --tianditu-key KEY or the TIANDITU_KEY environment variable"


def test_edit_needs_atoms(files, tmp_path):
    out = tmp_path / "editor.html"
    zh, en = both(["edit", files["grids_only"], "--out", out], out)
    assert zh.startswith("编辑器：计划中没有图层 'atoms'；编辑器在网格之间移动地块")
    assert en == ("edit: the plan has no 'atoms' layer; the editor moves atoms between grids (make the plan with "
                  "gridmap partition or run)")


def test_report_date_of_the_rules(files, tmp_path):
    rules = tmp_path / "rules.toml"
    rules.write_text('[report]\ndate = "2024/05/01"\n', encoding="utf-8")
    out = tmp_path / "report.html"
    zh, en = both(["report", files["grids_only"], "--out", out, "--config", rules], out)
    assert zh == "report.date：应为 YYYY-MM-DD 格式的日期，实际为 '2024/05/01'"
    assert en == "report.date: expected YYYY-MM-DD, got '2024/05/01'"


# --------------------------------------------------------------------------- gridmap validate


def test_validate_grid_id_and_households_columns(files):
    zh, en = both(["validate", files["grids_only"], "--grid-id", "NOPE"])
    assert zh == "网格：没有列 'NOPE'；现有列：['grid_id', 'unit_id', 'households']"
    assert en == "grids: no column 'NOPE'; columns: ['grid_id', 'unit_id', 'households']"
    zh, en = both(["validate", files["grids_only"], "--households-column", "NOPE"])
    assert zh == "网格：没有户数列 'NOPE'"
    assert en == "grids: no households column 'NOPE'"


@pytest.mark.parametrize("table, zh, en", [
    ('levels = {gap = "maybe"}', "validate.levels.gap：应为 'error'（错误）、'warning'（警告）或 'off'（不检查），实际为 'maybe'",
     "validate.levels.gap: expected 'error', 'warning' or 'off', got 'maybe'"),
    ("foo = 1", "validate：未知参数 ['foo']；可用参数：band, levels, tolerance_m2",
     "validate: unknown parameter(s) ['foo']; known: band, levels, tolerance_m2"),
])
def test_validate_rules(files, tmp_path, table, zh, en):
    rules = tmp_path / "rules.toml"
    rules.write_text(f"[validate]\n{table}\n", encoding="utf-8")
    assert both(["validate", files["grids_only"], "--rules", rules]) == (zh, en)


# --------------------------------------------------------------------------- gridmap reach, micro


def test_reach_needs_households(files, tmp_path):
    zh, en = both(["reach", files["grids_only"], "--out", tmp_path / "out"], tmp_path / "out")
    assert zh == "服务圈：计划中没有住户图层"
    assert en == "reach: the plan has no households layer"


def test_reach_needs_roads(files, tmp_path):
    zh, en = both(["reach", files["with_households"], "--out", tmp_path / "out"], tmp_path / "out")
    assert zh == "道路：计划中没有可通行的道路（出行方式 walk）；请给出道路线图层（--roads）"
    assert en == "roads: the plan has no roads to travel on (walk); give a road line layer (--roads)"


def test_micro_band_and_households(files, tmp_path):
    zh, en = both(["micro", files["grids_only"], "--band", 30, 10, "--out", tmp_path / "out"], tmp_path / "out")
    assert zh == "微网格户数范围：须满足 0 < 最小值 <= 最大值（户数），实际为 (30.0, 10.0)"
    assert en == "micro band: expected 0 < min <= max households, got (30.0, 10.0)"
    zh, en = both(["micro", files["grids_only"], "--out", tmp_path / "out"], tmp_path / "out")
    assert zh == "微网格：计划中没有住户图层"
    assert en == "micro-grids: the plan has no households layer"


# --------------------------------------------------------------------------- library users: English str()


def _grids():
    return gpd.GeoDataFrame({"grid_id": ["g1", "g2"]}, geometry=[shapely.box(0, 0, 100, 100),
                                                                  shapely.box(100, 0, 200, 100)], crs=3857)


def _cases():
    """(callable, English words as before, Chinese words) of refusals a program meets."""
    from gridmap import staffing
    from gridmap._chromium import find_chromium
    from gridmap.atoms import atoms_from_polygons
    from gridmap.bases import compute_bases, match_bases
    from gridmap.export import export_plan
    from gridmap.grids import grid_codes
    from gridmap.maps import plan_map
    from gridmap.plan import Plan
    from gridmap.reach import reach_table
    from gridmap.report import ReportRules
    from gridmap.roads import build_network
    from gridmap.validate import ValidationRules

    plan = Plan(layers={"grids": _grids()})
    units = gpd.GeoDataFrame({"unit_id": ["u1"]}, geometry=[shapely.box(0, 0, 200, 100)], crs=3857)
    blocks = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 50, 50), shapely.box(500, 500, 550, 550)], crs=3857)
    points = gpd.GeoDataFrame({"grid_id": ["g1", "g9"]}, geometry=shapely.points([(5, 5), (6, 6)]), crs=3857)
    twice = gpd.GeoDataFrame(geometry=shapely.points([(5, 5), (6, 6)]), crs=3857)
    roads = gpd.GeoDataFrame({"name": ["a"]}, geometry=[shapely.LineString([(0, 0), (9, 9)])], crs=3857)
    return [
        (lambda: ValidationRules(tolerance_m2=-1), "validate.tolerance_m2: must be >= 0 m², got -1",
         "validate.tolerance_m2：须 >= 0 m²，实际为 -1"),
        (lambda: ValidationRules(levels={"nope": "error"}),
         "validate.levels: unknown fault class 'nope'; known: ", "validate.levels：未知的问题类别 'nope'；可用："),
        (lambda: plan_map(plan, lang="fr"), "lang: expected one of zh, en, got 'fr'", "`lang`：应为 zh, en 之一，实际为 'fr'"),
        (lambda: plan_map(plan, simplify_m=-1), "simplify_m: expected metres >= 0, got -1",
         "simplify_m：应为 >= 0 的米数，实际为 -1"),
        (lambda: ReportRules(office=1), "report.office: expected text, got 1", "report.office：应为文字，实际为 1"),
        (lambda: find_chromium("/no/such/chromium"), "report --pdf: Chromium '/no/such/chromium' is not an executable "
         "file; install chromium (Debian: apt install chromium) or set GRIDMAP_CHROMIUM to the browser's path",
         "PDF 报告（--pdf）：Chromium '/no/such/chromium' 不是可执行文件；"),
        (lambda: match_bases(twice.iloc[:0], _grids()), "bases: the bases layer is empty", "驻点：驻点图层中没有要素"),
        (lambda: match_bases(points, _grids()), "bases: 1 grid_id value(s) match no grid, e.g. ['g9']",
         "驻点：1 个 grid_id 值不对应任何网格，例如 ['g9']"),
        (lambda: match_bases(twice, _grids()), "bases: 1 grid(s) have more than one base, e.g. ['g1']; keep one per "
         "grid (or give a grid_id column)", "驻点：1 个网格有不止一个驻点，例如 ['g1']；每个网格只保留一个（或给出 grid_id 列）"),
        (lambda: compute_bases(plan, objective="fastest"), "objective: expected 'min_time' or 'max_reached', got "
         "'fastest'", "`objective`：应为 'min_time'（户均到达时间最短）或 'max_reached'（响应时间内覆盖户数最多），实际为 'fastest'"),
        (lambda: build_network(roads), "roads: no 'highway' column (road class); add one (e.g. all 'residential')",
         "道路：没有 'highway' 列（道路等级）；请加上该列（例如全部填 'residential'）"),
        (lambda: build_network(roads.assign(highway="footway").to_crs(4326)),
         "roads: expected a metric (projected) CRS; project the layer first", "道路：应为米制（投影）坐标系；请先对图层做投影"),
        (lambda: reach_table(plan), "reach: the plan has no reach figures; run `gridmap reach` first",
         "服务圈：计划中没有服务圈覆盖数据；请先运行 `gridmap reach`"),
        (lambda: staffing.budget_table(plan), "budget: the plan has no workers layer; run `gridmap staff` first",
         "经费：计划中没有网格员图层；请先运行 `gridmap staff`"),
        (lambda: staffing.roster(plan), "roster: the plan has no workers layer; run `gridmap staff` first",
         "名册：计划中没有网格员图层；请先运行 `gridmap staff`"),
        (lambda: atoms_from_polygons(blocks, units), "atoms: 1 block(s) lie outside every unit",
         "地块：1 个普查面位于所有单元之外"),
        (lambda: grid_codes("510101001", np.arange(1000), None, None), "unit 510101001: 1,000 grids, but grid codes "
         "number at most 900 grids per unit (serials 001-900 after the unit's code); raise the band's MAX or split the "
         "unit", "单元 510101001：1,000 个网格，但网格编码每个单元最多 900 个网格"),
        (lambda: export_plan(plan, "unused", "shp"),
         "export: format 'shp' unknown; known: gpkg, geojson, parquet, xlsx",
         "导出：未知的格式 'shp'；可用格式：gpkg, geojson, parquet, xlsx"),
    ]


def test_library_errors_are_english_and_carry_their_chinese():
    from gridmap.codes import MAX_REGULAR

    assert MAX_REGULAR == 900  # the numbers of the grid codes' refusal below
    for call, en, zh in _cases():
        with pytest.raises(InputError) as caught:
            call()
        assert str(caught.value).startswith(en), (str(caught.value), en)
        assert caught.value.text("en") == str(caught.value)
        assert caught.value.text("zh").startswith(zh), (caught.value.text("zh"), zh)
    assert not Path("unused").exists()


def test_missing_layer_is_a_key_error_in_both_languages():
    from gridmap.plan import Plan

    plan = Plan(layers={})
    with pytest.raises(KeyError) as caught:
        plan["grids"]
    assert isinstance(caught.value, MissingLayerError)
    assert str(caught.value) == ("plan: no layer 'grids' (it holds none); give a plan written by gridmap partition "
                                 "or gridmap run")
    assert caught.value.text("zh") == ("计划：没有图层 'grids'（计划中的图层：无）；请给出由 `gridmap partition` 或 "
                                       "`gridmap run` 写出的计划")


def test_chromium_without_a_pdf_says_its_exit_and_last_words():
    """The pieces of the refusal Chromium's end makes (its exit code, its last line) in the message's language."""
    error = InputError.of("out_chromium_no_pdf", browser="chromium",
                          exit=i18n.Phrase("phrase.out_chromium_exit", code=3),
                          said=i18n.Phrase("phrase.out_chromium_said", said="boom"))
    assert str(error) == "report --pdf: Chromium (chromium) wrote no PDF (exit 3): boom"
    assert error.text("zh") == "PDF 报告（--pdf）：Chromium（chromium）没有生成 PDF（退出码 3）：boom"
    error = InputError.of("out_chromium_no_pdf", browser="c", exit="", said="")
    assert str(error) == "report --pdf: Chromium (c) wrote no PDF"


def test_refusals_survive_pickling():
    """A refusal crossing processes keeps its words in both languages, its inner refusal too."""
    import pickle

    inner = InputError.of("rules_band_order", where="band", lo=500.0, hi=300.0)
    error = pickle.loads(pickle.dumps(InputError.of("out_plan_invalid_rules", path="p.gpkg", error=inner)))
    assert str(error) == "plan: p.gpkg holds invalid rules: band: need 0 < MIN <= MAX households, got 500 300"
    assert error.text("zh") == "计划：p.gpkg 中的规则无效：band：须满足 0 < MIN <= MAX（户数），实际为 500 300"


# --------------------------------------------------------------------------- the modules use the vocabulary


def _first_words(call: ast.Call) -> str:
    """The literal start of a refusal's message (a string or an f-string's first piece)."""
    if not call.args:
        return ""
    arg = call.args[0]
    if isinstance(arg, ast.JoinedStr):
        arg = arg.values[0] if arg.values else arg
    return arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else ""


def test_output_modules_raise_only_vocabulary_refusals():
    """Every refusal of the plan's steps and outputs is made from the vocabulary (no English-only
    ``InputError("...")``) but for the partitioner's argument checks kept on purpose (:data:`KEPT`); each key exists
    in both languages and is this section's own (``error.out_*``, ``phrase.out_*``) or a shared one."""
    kept, used = set(), 0
    for module in MODULES:
        path = GRIDMAP / module
        for node in plain_refusals(path):
            words = _first_words(node.exc)
            allowed = [k for k in KEPT if k[0] == module and words.startswith(k[1])]
            assert allowed, f"{module}:{node.lineno}: a refusal not made with .of(key)"
            kept.update(allowed)
        for kind, key in vocabulary_calls(path):
            full = f"error.{key}" if kind == "of" else key
            assert i18n.has(full), f"{module}: {full}"
            assert full in SHARED or full.split(".", 1)[1].startswith("out_"), f"{module}: {full}"
            zh, en = i18n._WORDS[full]
            assert (is_chinese(zh) or kind == "Phrase") and not is_chinese(en), full  # a phrase may be only '：'
            used += 1
    assert kept == KEPT  # the list names no refusal that has gone
    assert used >= 65
