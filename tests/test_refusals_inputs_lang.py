"""Refusals of the inputs' readers and the plan's assembly in the reader's language.

On the command line a refusal is one line, exit 2, in the language of ``--lang``; for
library users and logs ``str(error)`` stays English, word for word as before. Every test
runs on tiny files written here (a 1 km square at 120°E 30°N, two villages, two household
points): no plan is made.
"""
from __future__ import annotations

import ast
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from gridmap import i18n
from gridmap.errors import GridmapError, InputError
from tests.refusals import GRIDMAP, gm, is_chinese, plain_refusals, raised_by_name, refusal, vocabulary_calls

MODULES = ["inputs/osm.py", "inputs/files.py", "inputs/assemble.py", "inputs/encoding.py", "inputs/osm_areas.py",
           "inputs/extract.py", "households.py", "codes.py", "census.py", "units_points.py", "crs.py", "pipeline.py",
           "runner.py", "_outdir.py"]


def refused_both(args, out: Path, zh: str, en: str) -> tuple[str, str]:
    """``gridmap partition ARGS --out OUT`` refused in Chinese (``zh`` in its line) and in English (the line is
    ``en``, word for word the words before the vocabulary), nothing written to ``out``; the two lines."""
    line = refusal(*gm("partition", *args, "--out", out, "-q", "--lang", "zh"))
    assert zh in line and is_chinese(line), line
    assert not out.exists()
    line_en = refusal(*gm("partition", *args, "--out", out, "-q", "--lang", "en"))
    assert line_en == en
    assert not out.exists()
    return line, line_en


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """Tiny inputs: an area, two villages as units, household points (column hh), and spoilt variants."""
    folder = tmp_path_factory.mktemp("inputs")
    west, east = shapely.box(120.0, 30.0, 120.005, 30.01), shapely.box(120.005, 30.0, 120.01, 30.01)
    points = [shapely.Point(120.002, 30.002), shapely.Point(120.007, 30.007)]
    frames = {
        "area": gpd.GeoDataFrame({"name": ["A"]}, geometry=[shapely.box(120.0, 30.0, 120.01, 30.01)], crs=4326),
        "units": gpd.GeoDataFrame({"unit_id": ["a", "b"], "name": ["甲村", "乙村"]}, geometry=[west, east], crs=4326),
        "households": gpd.GeoDataFrame({"hh": [3, 5]}, geometry=points, crs=4326),
        "negative": gpd.GeoDataFrame({"hh": [-3, 5]}, geometry=points, crs=4326),
        "zero": gpd.GeoDataFrame({"hh": [0, 0]}, geometry=points, crs=4326),
        # the second village drawn over the first one's half too: a wide overlap
        "overlapping": gpd.GeoDataFrame({"unit_id": ["a", "b"], "name": ["甲村", "乙村"]},
                                        geometry=[west, shapely.box(120.0025, 30.0, 120.01, 30.01)], crs=4326),
        "far_roads": gpd.GeoDataFrame({"highway": ["residential"]},
                                      geometry=[shapely.LineString([(121.0, 31.0), (121.01, 31.01)])], crs=4326),
    }
    paths = {}
    for name, frame in frames.items():
        paths[name] = folder / f"{name}.gpkg"
        frame.to_file(paths[name])
    paths["mixed"] = folder / "mixed.geojson"  # a village given as a point among the polygons
    gpd.GeoDataFrame({"unit_id": ["a", "b"], "name": ["甲村", "乙村"]}, geometry=[west, points[1]],
                     crs=4326).to_file(paths["mixed"], driver="GeoJSON")
    paths["csv"] = folder / "households.csv"
    paths["csv"].write_text("lon,lat,hh\n120.002,30.002,3\n", encoding="utf-8")
    paths["text"] = folder / "extract.txt"
    paths["text"].write_text("not an extract\n", encoding="utf-8")
    paths["osm"] = folder / "tiny.osm"  # an extract without a bounding box in its header
    paths["osm"].write_text('<?xml version="1.0"?>\n<osm version="0.6" generator="test">'
                            '<node id="1" lat="30.001" lon="120.001" version="1"/></osm>\n', encoding="utf-8")
    paths["codes"] = folder / "codes"
    paths["codes"].mkdir()
    return paths


# --------------------------------------------------------------------------- the command line, zh and en


def test_no_inputs(files, tmp_path):
    refused_both([], tmp_path / "out", "请给出 --osm 文件，或 --area 文件和/或 --units 文件",
                 "give --osm FILE, or --area FILE and/or --units FILE")


def test_units_from_places_needs_osm(files, tmp_path):
    refused_both(["--area", files["area"], "--units-from-places", "village"], tmp_path / "out",
                 "--units-from-places 需要 --osm（地名点取自 OSM 数据）",
                 "--units-from-places needs --osm (the place nodes come from the extract)")


def test_county_code_needs_code_table(files, tmp_path):
    refused_both(["--area", files["area"], "--households", files["households"], "--county-code", "410928"],
                 tmp_path / "out", "--county-code 需要 --code-table", "--county-code needs --code-table")


def test_no_households(files, tmp_path):
    line, _ = refused_both(["--area", files["area"]], tmp_path / "out",
                           "住户：请给出住户点、带户数的普查面、建筑物或户数合计",
                           "households: give household points, census polygons with counts, buildings, or totals")
    assert line == "住户：请给出住户点、带户数的普查面、建筑物或户数合计"


def test_code_table_without_units(files, tmp_path):
    refused_both(["--area", files["area"], "--households", files["households"], "--code-table", files["codes"]],
                 tmp_path / "out", "区划代码表：没有可命名的单元（请给出 --units）",
                 "code table: there are no units to name (give --units)")


def test_code_table_missing_file(files, tmp_path):
    path = files["codes"] / "counties.csv"
    refused_both(["--area", files["area"], "--units", files["units"], "--households", files["households"],
                  "--code-table", files["codes"]], tmp_path / "out", f"区划代码表：文件不存在：{path}",
                 f"code table: no such file {path}")


def test_census_county_not_a_code(files, tmp_path):
    refused_both(["--area", files["area"], "--households", files["households"], "--census-county", "abc"],
                 tmp_path / "out", "普查：'abc' 不是县级代码；请给出 6 位代码（如 410928）",
                 "census: 'abc' is no county code; give the 6-digit code (e.g. 410928)")


def test_negative_household_count(files, tmp_path):
    path = files["negative"]
    line, _ = refused_both(["--area", files["area"], "--households", path, "--households-column", "hh"],
                           tmp_path / "out", f"住户：{path} 第 1 行：hh = -3 为负数（共 1 行）；请给出 ≥ 0 的数目",
                           f"households: {path} row 1: hh = -3 is negative (1 such row(s)); give a count >= 0")
    assert line == f"住户：{path} 第 1 行：hh = -3 为负数（共 1 行）；请给出 ≥ 0 的数目"


def test_households_column_missing(files, tmp_path):
    path = files["households"]
    refused_both(["--area", files["area"], "--households", path, "--households-column", "nope"], tmp_path / "out",
                 f"住户：{path} 没有列 'nope'；现有列：['hh']",
                 f"households: {path} has no column 'nope'; columns: ['hh']")


def test_household_polygons_need_a_column(files, tmp_path):
    refused_both(["--area", files["area"], "--households", files["units"]], tmp_path / "out",
                 "住户：面图层需要 --households-column（每个面的户数）",
                 "households: a polygon layer needs --households-column (households per polygon)")


def test_unit_that_is_a_point(files, tmp_path):
    path = files["mixed"]
    refused_both(["--units", path, "--households", files["households"]], tmp_path / "out",
                 f"单元（{path}）：第 2 行 (unit_id='b', name='乙村') 是 Point，不是面（共 1 行）；请修正或删除这些行",
                 f"units ({path}): row 2 (unit_id='b', name='乙村') is a Point, not a polygon (1 such row(s)); fix or "
                 "delete them")


def test_unknown_encoding(files, tmp_path):
    path = files["csv"]
    refused_both(["--area", files["area"], "--households", path, "--encoding", "klingon"], tmp_path / "out",
                 f"住户（{path}）：未知的编码 'klingon'",
                 f"households ({path}): unknown encoding 'klingon'; use one of utf-8, gb18030, gbk, gb2312")


def test_unsupported_osm_file(files, tmp_path):
    path = files["text"]
    refused_both(["--osm", path], tmp_path / "out", f"不支持的 OSM 数据文件 {path}：文件名应以 .pbf, .osm",
                 f"unsupported OSM file {path}: expected a name ending in .pbf, .osm, .osm.bz2, .osm.gz, .o5m, .opl")


def test_extract_without_a_box(files, tmp_path):
    refused_both(["--osm", files["osm"], "--close-at-extract"], tmp_path / "out",
                 "--close-at-extract：tiny.osm 的文件头中没有外包矩形；请改为以文件给出区域或单元",
                 "--close-at-extract: tiny.osm has no bounding box in its header; give the area or units as files "
                 "instead")
    refused_both(["--osm", files["osm"], "--extract-area"], tmp_path / "out",
                 "区域：tiny.osm 的文件头中没有外包矩形；请给出 --area 文件",
                 "area: tiny.osm has no bounding box in its header; give --area FILE")


def test_crs_not_metric(files, tmp_path):
    refused_both(["--area", files["area"], "--households", files["households"], "--crs", "EPSG:4326"],
                 tmp_path / "out", "坐标系：WGS 84 不是以米为单位的投影坐标系",
                 "crs: WGS 84 is not a projected CRS in metres")


def test_no_household_inside(files, tmp_path):
    path = files["zero"]
    refused_both(["--area", files["area"], "--households", path, "--households-column", "hh"], tmp_path / "out",
                 f"住户：{path} 在区域内没有住户（读入 0 户，其中 0 户在区域外）；请检查 --households-column",
                 f"households: {path} holds no household inside the area (0 read, 0 of them outside the area); "
                 "check --households-column and --households-divisor, the area and both layers' CRS")


def test_units_overlapping(files, tmp_path):
    path = files["overlapping"]
    line = refusal(*gm("partition", "--units", path, "--households", files["households"], "--out", tmp_path / "out",
                       "-q", "--lang", "zh"))
    assert line.startswith(f"单元：{path} 中单元 a（甲村）与 b（乙村）在经度 "), line
    assert "m²（共 1 处重叠宽于边界数字化的误差）；单元须铺满区域且互不重叠" in line
    line_en = refusal(*gm("partition", "--units", path, "--households", files["households"], "--out",
                          tmp_path / "out", "-q", "--lang", "en"))
    assert line_en.startswith(f"units: units a (甲村) and b (乙村) of {path} overlap by "), line_en
    assert line_en.endswith("(1 such overlap(s) wider than a border's digitising); units must tile the area: snap "
                            "their shared borders, or delete a unit drawn twice")
    assert not (tmp_path / "out").exists()


def test_lines_that_miss_the_area(files, tmp_path):
    path = files["far_roads"]
    refused_both(["--area", files["area"], "--households", files["households"], "--roads", path], tmp_path / "out",
                 f"道路：{path} 中的 1 条线没有一条与区域相接；请检查图层的坐标系",
                 f"roads: not one of the 1 lines of {path} touches the area; check the layers' CRS")


# --------------------------------------------------------------------------- library users: English str()


def caught(call, *args, **kwargs) -> InputError:
    with pytest.raises(InputError) as info:
        call(*args, **kwargs)
    return info.value


def boundaries(names, levels, boxes=None) -> gpd.GeoDataFrame:
    boxes = boxes or [shapely.box(i, 0, i + 1, 1) for i in range(len(names))]
    return gpd.GeoDataFrame({"osm_id": range(1, len(names) + 1), "name": names, "admin_level": levels},
                            geometry=boxes, crs=4326)


def test_osm_boundaries_refused_in_both_languages():
    from gridmap.inputs.osm import select_area, select_units

    error = caught(select_area, boundaries(["A", "B"], [8, 8]), level=8)
    assert str(error) == "2 boundaries at admin_level 8, choose one by name: A, B"
    assert error.text("zh") == "admin_level 8 上有 2 个边界，请按名称选择其一：A, B"
    error = caught(select_area, boundaries(["A", "A"], [6, 8]), name="a")
    assert str(error) == "2 boundaries named 'a', give the level too: A (6), A (8)"
    assert error.text("zh") == "有 2 个名为 'a' 的边界，请同时给出层级：A (6), A (8)"
    # a long list is cut short, its rest counted in the message's language
    many = boundaries([f"V{i:02d}" for i in range(45)], [8] * 45)
    error = caught(select_area, many, level=8)
    assert str(error).endswith(", V39 and 5 more") and error.text("zh").endswith(", V39 等（另有 5 个）")
    error = caught(select_area, boundaries([], []))
    assert str(error) == "no administrative boundaries to choose the area from"
    assert error.text("zh") == "没有可用来选定区域的行政边界"
    error = caught(select_units, boundaries([], []), shapely.box(0, 0, 1, 1), 8)
    assert str(error) == ("no boundary at admin_level 8 lies inside the area (0 at that level elsewhere; levels "
                          "present: none)")
    assert error.text("zh") == "区域内没有 admin_level 8 的边界（该层级在区域外有 0 个；现有层级：无）"


def test_osm_files_refused_in_both_languages(tmp_path):
    from gridmap.inputs.osm import read_osm
    from gridmap.inputs.osm_areas import specific_areas_from_osm

    error = caught(read_osm, tmp_path / "x.osm", bbox=(10, 47, 9, 48))
    assert str(error) == ("bbox must be (west, south, east, north) in degrees with west < east and south < north, "
                          "got (10, 47, 9, 48)")
    assert error.text("zh").startswith("`bbox` 须为以度为单位的") and "西 < 东" in error.text("zh")
    (tmp_path / "x.osm").mkdir()
    error = caught(read_osm, tmp_path / "x.osm")
    assert str(error) == f"cannot read OSM file {tmp_path / 'x.osm'}: not a file"
    assert error.text("zh") == f"无法读取 OSM 数据文件 {tmp_path / 'x.osm'}：这不是文件"
    error = caught(specific_areas_from_osm, tmp_path / "none.osm")
    assert str(error) == f"dedicated areas: no such file {tmp_path / 'none.osm'}"
    assert error.text("zh") == f"专属区域：文件不存在：{tmp_path / 'none.osm'}"


def test_households_refused_in_both_languages():
    from gridmap import households as hh

    squares = gpd.GeoDataFrame({"hh": [1]}, geometry=[shapely.box(0, 0, 1, 1)], crs=4326)
    error = caught(hh.from_points, squares, "hh")
    assert str(error) == "households: expected points; use from_polygons for census areas"
    assert error.text("zh") == "住户：应为点要素；普查面请用 `from_polygons`"
    error = caught(hh.from_buildings, squares)
    assert str(error) == "buildings: need a metric CRS to measure footprints (project first)"
    assert error.text("zh") == "建筑物：需要以米为单位的投影坐标系才能量算占地面积（请先投影）"
    error = caught(hh.from_buildings, squares.to_crs(32651).iloc[:0])
    assert str(error) == "buildings: the layer is empty; no households can be estimated"
    assert error.text("zh") == "建筑物：图层为空，无法估算户数"


def test_codes_census_crs_and_units_from_points_refused_in_both_languages(tmp_path):
    from gridmap.census import county
    from gridmap.codes import load_code_table
    from gridmap.crs import metric_crs
    from gridmap.units_points import units_from_points

    (tmp_path / "counties.csv").write_text("code,name,cityCode\n12,甲县,1\n", encoding="utf-8")
    error = caught(load_code_table, tmp_path)
    assert str(error) == f"code table: {tmp_path / 'counties.csv'} has codes that are not 6 digits: ['12']"
    assert error.text("zh") == f"区划代码表：{tmp_path / 'counties.csv'} 中有不是 6 位的代码：['12']"
    error = caught(county, "999999")
    assert str(error) == "census: no county 999999 in the 2020 census table; codes of that city: none"
    assert error.text("zh") == "普查：2020 年普查表中没有县 999999；该市的代码：无"
    error = caught(metric_crs, 120.0, 30.0, "EPSG:4326")
    assert str(error) == "crs: WGS 84 is not a projected CRS in metres"
    points = gpd.GeoDataFrame({"name": ["甲"]}, geometry=[shapely.Point(0.5, 0.5)], crs=4326)
    error = caught(units_from_points, points, boundaries(["T"], [8]))
    assert str(error) == "units from points: need the points and townships in one metric CRS (project first)"
    assert error.text("zh") == "由点生成单元：点和乡镇须在同一个以米为单位的投影坐标系中（请先投影）"


def test_encoding_and_output_folder_refused_in_both_languages(tmp_path):
    from gridmap._outdir import OutputDir
    from gridmap.inputs.encoding import decode_text

    error = caught(decode_text, b"name\n" + bytes([0xFF, 0xFE, 0x80, 0x2C, 0x31, 0x0A]), "households (a.csv)")
    assert str(error) == ("households (a.csv): neither UTF-8 nor GB18030/GBK text; save it as UTF-8 or give "
                          "--encoding")
    assert error.text("zh") == "住户（a.csv）：既不是 UTF-8 也不是 GB18030/GBK 文本；请另存为 UTF-8 编码，或给出 --encoding"
    path = tmp_path / "out"
    path.write_text("keep", encoding="utf-8")
    with pytest.raises(InputError) as info:
        with OutputDir(path, "partition"):
            pass
    assert str(info.value) == f"--out {path}: is a file, not a directory; give a directory"
    assert info.value.text("zh") == f"--out {path}：这是一个文件，不是文件夹；请给出文件夹"
    assert path.read_text(encoding="utf-8") == "keep"


# --------------------------------------------------------------------------- the modules use the vocabulary

#: Exceptions of these modules deliberately left as they are (module -> names): not refusals of a user's input but
#: programming errors or an OS error the command line words itself. None of them is a GridmapError.
KEPT = {"inputs/osm.py": {"FileNotFoundError", "OSError"}, "inputs/encoding.py": {"ValueError"},
        "codes.py": {"ValueError"}, "runner.py": {"TypeError"}, "_outdir.py": {"RuntimeError", "OSError"}}


def test_input_modules_raise_only_vocabulary_refusals():
    """Every refusal of the fourteen modules is made from the vocabulary (no English-only ``InputError("...")``),
    its key exists in both languages, and every ``error.in_*`` word is used by one of them."""
    used, raised = set(), {}
    for module in MODULES:
        path = GRIDMAP / module
        assert [node.lineno for node in plain_refusals(path)] == [], f"{module}: refusals not made with .of(key)"
        for node, made in raised_by_name(path):
            if made is not None and not issubclass(made, GridmapError):  # (not a function making a refusal)
                raised.setdefault(module, set()).add(node.exc.func.id)
        for kind, key in vocabulary_calls(path):
            full = f"error.{key}" if kind == "of" else key
            assert i18n.has(full), f"{module}: {full}"
            zh, en = i18n._WORDS[full]
            assert is_chinese(zh) or (kind == "Phrase" and zh != en), full  # a phrase may be '：{path} '
            # (the older words may name Chinese columns in English too: 经度/纬度)
            assert not is_chinese(en) or not full.split(".", 1)[1].startswith("in_"), full
            used.add(full)
        # keys handed on (the geometry kinds' phrases in a table, a count's refusal to a helper) count as used too
        texts = {node.value for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                 if isinstance(node, ast.Constant) and isinstance(node.value, str)}
        used |= {t for t in texts if t.startswith("phrase.") and i18n.has(t)}
        used |= {f"error.{t}" for t in texts if t.startswith("in_") and i18n.has(f"error.{t}")}
    assert raised == KEPT  # a new plain exception here is a refusal to word, or one more kept on purpose
    ours = set(i18n.keys("error.in_")) | set(i18n.keys("phrase.in_"))
    assert ours - used == set()
    assert len(used & ours) >= 75
