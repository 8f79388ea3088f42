"""A county's own road and water layers name their classes in their own words (国道, 县道, 村道; G318;
河流, 干渠, 沟渠; Geofabrik's fclass): they are read as OSM's classes, so that major roads and rivers
are preferred as grid edges and roads travelled at their speeds; a layer without them is said to
have none."""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from click.testing import CliRunner

from gridmap.cli.main import cli
from gridmap.inputs.line_classes import DEFAULT, WATERS, class_column, classify, osm_value
from tests.conftest import DATA

LONGGANG = DATA / "china-osm" / "shenzhen_longgang_2019.osm.pbf"

#: OSM classes written as a Chinese road layer writes them (link roads as their road's grade).
AS_WRITTEN = {"motorway": "高速公路", "trunk": "国道", "primary": "省道", "secondary": "县道", "tertiary": "乡道",
              "unclassified": "村道", "residential": "支路", "service": "专用公路", "footway": "人行道",
              "track": "机耕路", "pedestrian": "步行街", "cycleway": "绿道"}


@pytest.mark.parametrize("value, expected", [
    ("国道", "trunk"), ("省道", "primary"), ("县道", "secondary"), ("乡道", "tertiary"), ("村道", "unclassified"),
    ("高速公路", "motorway"), ("一级公路", "primary"), ("四级公路", "unclassified"), ("等外公路", "unclassified"),
    ("城市主干路", "primary"), ("次干道", "secondary"), ("支路", "residential"), ("快速路", "trunk"),
    ("国道G318", "trunk"), ("G318", "trunk"), ("s211", "primary"), ("X071线", "secondary"), ("Y003", "tertiary"),
    ("C012", "unclassified"), ("primary", "primary"), ("Residential", "residential"), ("track_grade2", "track"),
    ("", None), (None, None), (float("nan"), None), ("其他", None), ("人民路", None), ("318", None),
])
def test_one_class_as_written(value, expected):
    assert osm_value(value) == expected


@pytest.mark.parametrize("value, expected", [
    ("河流", "river"), ("清水河", "river"), ("长江", "river"), ("溪流", "stream"), ("沙溪", "stream"),
    ("运河", "canal"), ("东风干渠", "canal"), ("总干渠", "canal"), ("三支渠", "ditch"), ("毛渠", "ditch"),
    ("沟渠", "ditch"), ("排水沟", "drain"), ("stream", "stream"), ("Canal", "canal"), ("水库", None), ("", None),
])
def test_one_watercourse_class_as_written(value, expected):
    assert osm_value(value, WATERS) == expected


def test_a_water_layers_classes_are_read():
    """A class column (类型) is read before a name column that also says the class; a layer with only
    names is read from them; OSM's fclass is read as it is."""
    typed = gpd.GeoDataFrame({"名称": ["清水河", "东干渠", "前进沟"], "类型": ["河流", "干渠", "支渠"]},
                             geometry=_lines(3), crs=4547)
    assert class_column(typed, WATERS) == "类型"
    assert classify(typed, "waterways")["waterway"].tolist() == ["river", "canal", "ditch"]
    named = gpd.GeoDataFrame({"名称": ["清水河", "东干渠", "前进沟", "无名"]}, geometry=_lines(4), crs=4547)
    out = classify(named, "waterways")
    assert out["waterway"].tolist() == ["river", "canal", "ditch", "river"]
    assert out.attrs["line_classes"] == {"column": "名称", "defaulted": 1}
    fclass = gpd.GeoDataFrame({"fclass": ["river", "drain", "stream"]}, geometry=_lines(3), crs=4326)
    assert classify(fclass, "waterways")["waterway"].tolist() == ["river", "drain", "stream"]
    bare = gpd.GeoDataFrame({"id": [1, 2]}, geometry=_lines(2), crs=4326)
    out = classify(bare, "waterways")
    assert out["waterway"].tolist() == ["river", "river"] and out.attrs["line_classes"]["column"] is None


def _lines(n):
    return [shapely.LineString([(i, 0), (i, 1)]) for i in range(n)]


def test_the_class_column_is_found_and_read():
    # a name column first (not classes), then the grades; a blank and an unknown grade are streets
    layer = gpd.GeoDataFrame({"名称": ["人民路", "解放路", "滨河路", "新村路"], "等级": ["县道", "乡道", None, "其他"],
                              "长度": [1.0, 2.0, 3.0, 4.0]}, geometry=_lines(4), crs=4547)
    assert class_column(layer) == "等级"
    out = classify(layer)
    assert out["highway"].tolist() == ["secondary", "tertiary", DEFAULT, DEFAULT]
    assert out.attrs["line_classes"] == {"column": "等级", "defaulted": 2}
    # Geofabrik's Shapefiles: OSM's values in fclass
    fclass = gpd.GeoDataFrame({"osm_id": ["1", "2", "3"], "fclass": ["primary", "track_grade3", "unknown"]},
                              geometry=_lines(3), crs=4326)
    assert classify(fclass)["highway"].tolist() == ["primary", "track", DEFAULT]
    # route codes
    codes = gpd.GeoDataFrame({"路线编码": ["G318", "S211", "X071"]}, geometry=_lines(3), crs=4326)
    assert classify(codes)["highway"].tolist() == ["trunk", "primary", "secondary"]
    # OSM's highway column: kept, values gridmap does not know kept as written, blanks filled
    osm = gpd.GeoDataFrame({"highway": ["primary", "corridor", ""]}, geometry=_lines(3), crs=4326)
    assert classify(osm)["highway"].tolist() == ["primary", "corridor", DEFAULT]
    # less than half the values are classes: not a class column
    few = gpd.GeoDataFrame({"备注": ["县道", "新修", "待查"]}, geometry=_lines(3), crs=4326)
    assert class_column(few) is None
    assert classify(few).attrs["line_classes"] == {"column": None, "defaulted": 3}


@pytest.fixture(scope="module")
def longgang_files(tmp_path_factory):
    """Real roads of the Longgang extract written twice, as a Chinese road layer (a GBK Shapefile whose
    等级 column holds 国道, 县道, 村道 ...) and with OSM's highway column; its buildings as households."""
    from gridmap.inputs.extract import extract_box
    from gridmap.inputs.osm import read_osm

    folder = tmp_path_factory.mktemp("longgang")
    osm = read_osm(LONGGANG)
    box = extract_box(LONGGANG)
    roads = osm.roads.assign(highway=osm.roads["highway"].str.replace("_link", "", regex=False))
    roads = roads[roads["highway"].isin(AS_WRITTEN)].reset_index(drop=True)
    gpd.GeoDataFrame({"名称": roads["name"].fillna("").to_numpy(), "等级": roads["highway"].map(AS_WRITTEN).to_numpy()},
                     geometry=roads.geometry.values, crs=4326).to_file(folder / "道路.shp", encoding="gbk")
    gpd.GeoDataFrame({"highway": roads["highway"].to_numpy()}, geometry=roads.geometry.values,
                     crs=4326).to_file(folder / "roads_osm.gpkg")
    gpd.GeoDataFrame({"name": ["横岗荷坳"]}, geometry=[box], crs=4326).to_file(folder / "area.gpkg")
    points = osm.buildings.geometry.representative_point()
    points = points[points.within(box.buffer(-1e-4))]
    gpd.GeoDataFrame({"hh": np.full(len(points), 60.0)}, geometry=points.values, crs=4326).to_file(folder / "hh.gpkg")
    return folder


def _partition(folder, roads, out, lang="en"):
    result = CliRunner().invoke(cli, ["partition", "--area", str(folder / "area.gpkg"), "--roads", str(folder / roads),
                                      "--households", str(folder / "hh.gpkg"), "--households-column", "hh",
                                      "--urban", "all", "--lang", lang, "--out", str(out)])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_chinese_road_layer_plans_as_its_osm_classes(longgang_files, tmp_path):
    """The same roads with their grades in Chinese or as OSM's classes make the same plan; the summary
    and the plan say which column was read."""
    from gridmap.plan import Plan

    said = _partition(longgang_files, "道路.shp", tmp_path / "zh", lang="zh")
    _partition(longgang_files, "roads_osm.gpkg", tmp_path / "osm")
    zh, osm = Plan.load(tmp_path / "zh" / "plan.gpkg"), Plan.load(tmp_path / "osm" / "plan.gpkg")
    assert "道路等级按列 等级 读取" in said
    assert zh.meta["inputs"]["line_classes"] == [{"file": str(longgang_files / "道路.shp"), "role": "roads",
                                                   "column": "等级", "defaulted": 0}]
    assert zh["roads"]["highway"].value_counts().to_dict() == osm["roads"]["highway"].value_counts().to_dict()
    assert len(zh["grids"]) == len(osm["grids"]) > 5
    assert zh["grids"]["households"].tolist() == osm["grids"]["households"].tolist()
    assert shapely.equals(zh["grids"].geometry.values, osm["grids"].geometry.values).all()


def test_a_road_layer_without_classes_is_said_to_have_none(longgang_files, tmp_path):
    roads = gpd.read_file(longgang_files / "roads_osm.gpkg").drop(columns=["highway"])
    roads.to_file(tmp_path / "plain.gpkg")
    (tmp_path / "hh.gpkg").symlink_to(longgang_files / "hh.gpkg")
    (tmp_path / "area.gpkg").symlink_to(longgang_files / "area.gpkg")
    said = _partition(tmp_path, "plain.gpkg", tmp_path / "out")
    assert f"no column of road classes recognised (such as 等级, 道路等级, highway, fclass): all {len(roads):,} " \
           "road(s) counted as streets (residential)" in said


#: OSM waterway classes as a Chinese water layer writes them.
WATER_AS_WRITTEN = {"river": "河流", "stream": "溪流", "canal": "干渠", "ditch": "支渠", "drain": "排水沟"}
PUYANG = DATA / "china-osm" / "puyang_rural_henan_2022.osm.pbf"


def test_a_chinese_water_and_road_layer_plan_as_their_osm_classes(tmp_path):
    """Puyang's real roads and watercourses (rivers, canals, ditches) written as GBK Shapefiles whose
    等级 and 类型 columns hold 县道, 干渠, 支渠 ... plan as the same lines with OSM's highway and
    waterway columns: the same grids."""
    from gridmap.inputs.extract import extract_box
    from gridmap.inputs.osm import read_osm
    from gridmap.plan import Plan

    osm = read_osm(PUYANG)
    box = extract_box(PUYANG)
    roads = osm.roads.assign(highway=osm.roads["highway"].str.replace("_link", "", regex=False))
    roads = roads[roads["highway"].isin(AS_WRITTEN)].reset_index(drop=True)
    water = osm.waterways[osm.waterways["waterway"].isin(WATER_AS_WRITTEN)].reset_index(drop=True)
    assert {"river", "canal", "ditch"} <= set(water["waterway"])
    gpd.GeoDataFrame({"等级": roads["highway"].map(AS_WRITTEN).to_numpy()}, geometry=roads.geometry.values,
                     crs=4326).to_file(tmp_path / "道路.shp", encoding="gbk")
    gpd.GeoDataFrame({"名称": water["name"].fillna("").to_numpy(), "类型": water["waterway"].map(WATER_AS_WRITTEN)},
                     geometry=water.geometry.values, crs=4326).to_file(tmp_path / "水系.shp", encoding="gbk")
    roads[["highway", "geometry"]].to_file(tmp_path / "roads.gpkg")
    water[["waterway", "geometry"]].to_file(tmp_path / "water.gpkg")
    gpd.GeoDataFrame({"name": ["庆祖"]}, geometry=[box], crs=4326).to_file(tmp_path / "area.gpkg")
    x0, y0, x1, y1 = box.bounds  # households: a lattice over the box (the extract has few buildings)
    pts = [shapely.Point(x, y) for x in np.linspace(x0 + 0.002, x1 - 0.002, 40)
           for y in np.linspace(y0 + 0.002, y1 - 0.002, 40)]
    gpd.GeoDataFrame({"hh": np.full(len(pts), 10.0)}, geometry=pts, crs=4326).to_file(tmp_path / "hh.gpkg")
    plans = {}
    for name, r, w in (("zh", "道路.shp", "水系.shp"), ("osm", "roads.gpkg", "water.gpkg")):
        result = CliRunner().invoke(cli, ["partition", "--area", str(tmp_path / "area.gpkg"), "--roads",
                                          str(tmp_path / r), "--waterways", str(tmp_path / w), "--households",
                                          str(tmp_path / "hh.gpkg"), "--households-column", "hh", "--urban", "all",
                                          "--lang", "en", "--out", str(tmp_path / name), "-q"])
        assert result.exit_code == 0, result.output
        plans[name] = Plan.load(tmp_path / name / "plan.gpkg")
    zh, osm_plan = plans["zh"], plans["osm"]
    classes = {name: plan["waterways"]["waterway"].value_counts().to_dict() for name, plan in plans.items()}
    assert classes["zh"] == classes["osm"]
    assert {(c["role"], c["column"]) for c in zh.meta["inputs"]["line_classes"]} == {("roads", "等级"),
                                                                                    ("waterways", "类型")}
    assert len(zh["grids"]) == len(osm_plan["grids"]) > 10
    assert zh["grids"]["households"].tolist() == osm_plan["grids"]["households"].tolist()
    assert shapely.equals(zh["grids"].geometry.values, osm_plan["grids"].geometry.values).all()
