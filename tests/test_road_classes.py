"""A county's own road layer names its classes in its own words (国道, 县道, 村道; G318; Geofabrik's
fclass): they are read as OSM's classes, so that major roads are preferred as grid edges and
travelled at their speeds; a layer without them is said to have none."""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from click.testing import CliRunner

from gridmap.cli.main import cli
from gridmap.inputs.road_classes import DEFAULT, class_column, classify, osm_value
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


def _lines(n):
    return [shapely.LineString([(i, 0), (i, 1)]) for i in range(n)]


def test_the_class_column_is_found_and_read():
    # a name column first (not classes), then the grades; a blank and an unknown grade are streets
    layer = gpd.GeoDataFrame({"名称": ["人民路", "解放路", "滨河路", "新村路"], "等级": ["县道", "乡道", None, "其他"],
                              "长度": [1.0, 2.0, 3.0, 4.0]}, geometry=_lines(4), crs=4547)
    assert class_column(layer) == "等级"
    out = classify(layer)
    assert out["highway"].tolist() == ["secondary", "tertiary", DEFAULT, DEFAULT]
    assert out.attrs["road_classes"] == {"column": "等级", "defaulted": 2}
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
    assert classify(few).attrs["road_classes"] == {"column": None, "defaulted": 3}


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
    assert zh.meta["inputs"]["road_classes"] == [{"file": str(longgang_files / "道路.shp"), "column": "等级",
                                                   "defaulted": 0}]
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
