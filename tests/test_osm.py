"""Tests of gridmap.inputs.osm on the Liechtenstein extract and on tiny hand-made files.

The Liechtenstein data is © OpenStreetMap contributors, ODbL 1.0
(see SOURCES.md next to the file). No test touches the network.
"""

from __future__ import annotations

import bz2
import errno
import gzip
import math
import socket
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from gridmap.errors import InputError
from gridmap.inputs.osm import OsmLayers, download_osm, read_osm, select_area, select_units

# The repository's copy when there is one, else the shared data folder.
LIECHTENSTEIN = next(
    (p for p in (Path(__file__).resolve().parents[1] / "data" / "liechtenstein.osm.pbf",
                 Path("/work/shared/data/liechtenstein.osm.pbf")) if p.exists()),
    Path("/work/shared/data/liechtenstein.osm.pbf"),
)
MUNICIPALITIES = {
    "Vaduz", "Schaan", "Balzers", "Triesen", "Triesenberg", "Eschen", "Mauren",
    "Gamprin", "Ruggell", "Schellenberg", "Planken",
}
UTM32N = "EPSG:32632"  # metric CRS for Liechtenstein areas

COLUMNS = {
    "boundaries": ["osm_id", "name", "name_zh", "admin_level", "geometry"],
    "roads": ["osm_id", "highway", "name", "oneway", "maxspeed", "bridge", "tunnel", "layer", "geometry"],
    "waterways": ["osm_id", "waterway", "name", "geometry"],
    "water_areas": ["osm_id", "kind", "name", "geometry"],
    "railways": ["osm_id", "railway", "geometry"],
    "buildings": ["osm_id", "building", "levels", "flats", "housenumber", "geometry"],
    "places": ["osm_id", "place", "name", "geometry"],
    "landuse": ["osm_id", "landuse", "name", "geometry"],
}
LINE_LAYERS = {"roads", "waterways", "railways"}

needs_data = pytest.mark.skipif(not LIECHTENSTEIN.exists(), reason="Liechtenstein extract absent")


@pytest.fixture(scope="module")
def liechtenstein() -> OsmLayers:
    return read_osm(LIECHTENSTEIN)


@pytest.fixture(scope="module")
def country(liechtenstein: OsmLayers) -> gpd.GeoDataFrame:
    return select_area(liechtenstein.boundaries, name="Liechtenstein", level=2)


def km2(frame: gpd.GeoDataFrame) -> float:
    return float(frame.to_crs(UTM32N).area.sum()) / 1e6


def assert_schema(layers: OsmLayers) -> None:
    for name, columns in COLUMNS.items():
        frame = getattr(layers, name)
        assert isinstance(frame, gpd.GeoDataFrame), name
        assert list(frame.columns) == columns, name
        assert frame.crs == "EPSG:4326", name
        assert frame.index.equals(pd.RangeIndex(len(frame))), name
        assert frame["osm_id"].dtype == np.int64, name
    assert layers.boundaries["admin_level"].dtype == np.int64
    assert layers.buildings["levels"].dtype == np.float64
    assert layers.buildings["flats"].dtype == np.float64


# --- the real extract ----------------------------------------------------------


@needs_data
def test_liechtenstein_layers_are_plausible(liechtenstein: OsmLayers) -> None:
    assert_schema(liechtenstein)
    counts = liechtenstein.counts()
    # SOURCES.md: ~7.5k highway ways (some are platforms, areas...), 480 waterways
    # (a few are dams and weirs), 17.6k buildings.
    assert 7000 <= counts["roads"] <= 7600
    assert 450 <= counts["waterways"] <= 480
    assert 17_000 <= counts["buildings"] <= 18_000
    assert 10 <= counts["railways"] <= 100
    assert 20 <= counts["water_areas"] <= 300
    assert counts["boundaries"] >= 14  # 1 country, 2 districts, 11 municipalities


@needs_data
def test_liechtenstein_geometries_and_values(liechtenstein: OsmLayers) -> None:
    for name in COLUMNS:
        geoms = getattr(liechtenstein, name).geometry
        expected = ({"LineString"} if name in LINE_LAYERS else {"Point"} if name == "places"
                    else {"Polygon", "MultiPolygon"})
        assert set(geoms.geom_type) <= expected, name
        assert geoms.is_valid.all(), name
        assert not geoms.is_empty.any(), name
        west, south, east, north = geoms.total_bounds
        # Liechtenstein is 9.47-9.64 E, 47.05-47.27 N; the Rhine's waterway and its
        # water=river relation come complete, down to Lake Constance (47.53 N).
        assert 9.3 < west and east < 9.8 and 46.9 < south and north < 47.6, name

    roads = liechtenstein.roads
    assert set(roads["oneway"]) <= {"", "yes", "-1", "no"}
    assert {"primary", "residential", "track", "footway"} <= set(roads["highway"])
    assert not roads["highway"].isin(["platform", "proposed", "construction"]).any()
    assert set(liechtenstein.waterways["waterway"]) <= {
        "river", "stream", "canal", "drain", "ditch"}
    assert "Rhein" in set(liechtenstein.waterways["name"])
    assert not liechtenstein.railways["railway"].isin(["abandoned", "platform"]).any()

    buildings = liechtenstein.buildings
    assert (buildings["building"] != "no").all()
    assert 700 <= buildings["levels"].notna().sum() <= 900  # SOURCES.md: ~800
    assert (buildings["levels"].dropna() > 0).all()
    assert 11_000 <= (buildings["housenumber"] != "").sum() <= 13_000  # ~12k addresses


@needs_data
def test_liechtenstein_bbox_keeps_intersecting_features(liechtenstein: OsmLayers) -> None:
    bbox = (9.50, 47.12, 9.54, 47.15)  # around Vaduz
    part = read_osm(LIECHTENSTEIN, bbox=bbox)
    assert_schema(part)
    box = shapely.box(*bbox)
    for name in COLUMNS:
        frame = getattr(part, name)
        assert frame.intersects(box).all(), name
        assert len(frame) <= len(getattr(liechtenstein, name)), name
    assert 0 < len(part.buildings) < len(liechtenstein.buildings)
    assert "Vaduz" in set(part.boundaries["name"])


@needs_data
def test_select_area_liechtenstein(liechtenstein: OsmLayers, country: gpd.GeoDataFrame) -> None:
    assert len(country) == 1
    assert country.index.tolist() == [0]
    assert country.loc[0, "name"] == "Liechtenstein"
    assert km2(country) == pytest.approx(160, rel=0.02)
    # case-insensitive, and the level is optional when the name is unique
    again = select_area(liechtenstein.boundaries, name="  liechtenSTEIN ")
    assert again.loc[0, "osm_id"] == country.loc[0, "osm_id"]
    # the only boundary at its level needs no name
    assert select_area(liechtenstein.boundaries, level=2).loc[0, "name"] == "Liechtenstein"
    # name:zh matches too
    name_zh = country.loc[0, "name_zh"]
    assert name_zh
    assert select_area(liechtenstein.boundaries, name=name_zh).loc[0, "name"] == "Liechtenstein"


@needs_data
def test_select_area_errors_list_the_choices(liechtenstein: OsmLayers) -> None:
    with pytest.raises(InputError, match=r"no boundary named 'Atlantis' at admin_level 8; "
                       r"available: Balzers, Eschen, .*Vaduz$"):
        select_area(liechtenstein.boundaries, name="Atlantis", level=8)
    with pytest.raises(InputError, match=r"11 boundaries at admin_level 8, choose one by name: "
                       r"Balzers, .*, Vaduz$"):
        select_area(liechtenstein.boundaries, level=8)
    with pytest.raises(InputError, match=r"no boundary at admin_level 4; levels present: 2, 6, 8"):
        select_area(liechtenstein.boundaries, name="Liechtenstein", level=4)
    with pytest.raises(InputError, match=r"'Vaduz' at admin_level 2.*Liechtenstein"):
        select_area(liechtenstein.boundaries, name="Vaduz", level=2)


@needs_data
def test_select_units_gives_the_eleven_municipalities(
    liechtenstein: OsmLayers, country: gpd.GeoDataFrame,
) -> None:
    units = select_units(liechtenstein.boundaries, country, 8)
    assert list(units.columns) == ["unit_id", "name", "admin_level", "geometry"]
    assert units.crs == "EPSG:4326"
    assert units.index.equals(pd.RangeIndex(11))
    assert set(units["name"]) == MUNICIPALITIES
    assert (units["admin_level"] == 8).all()
    assert units["unit_id"].str.fullmatch(r"osm\d+").all()
    assert units["unit_id"].is_unique
    assert set(units.geom_type) <= {"Polygon", "MultiPolygon"}
    assert km2(units) == pytest.approx(km2(country), rel=0.01)
    # the municipalities tile the country: overlaps are slivers at most
    metric = units.to_crs(UTM32N)
    overlap = metric.area.sum() - metric.union_all().area
    assert overlap < 1e-4 * metric.area.sum()

    # a plain shapely polygon works too; the two districts split the country
    districts = select_units(liechtenstein.boundaries, country.geometry.iloc[0], 6)
    assert set(districts["name"]) == {"Oberland", "Unterland"}


@needs_data
def test_select_units_clips_to_the_area(liechtenstein: OsmLayers) -> None:
    vaduz = select_area(liechtenstein.boundaries, name="Vaduz", level=8)
    # Vaduz's own boundary is the only level-8 unit whose inner point lies in Vaduz
    units = select_units(liechtenstein.boundaries, vaduz, 8)
    assert units["name"].tolist() == ["Vaduz"]
    assert km2(units) == pytest.approx(km2(vaduz), rel=1e-6)
    # a half of the country: units are cut at its edge
    country = select_area(liechtenstein.boundaries, level=2).geometry.iloc[0]
    west, south, east, north = country.bounds
    south_half = country.intersection(shapely.box(west, south, east, (south + north) / 2))
    units = select_units(liechtenstein.boundaries, south_half, 8)
    assert units.union_all().difference(south_half).area < 1e-12
    with pytest.raises(InputError, match=r"no boundary at admin_level 4 lies inside the area"):
        select_units(liechtenstein.boundaries, south_half, 4)


# --- tiny hand-made files ----------------------------------------------------------

# Two municipalities Alpha (west square) and Beta (east square) make up Testland.
# 1 --200-- 2 --203-- 5
# |         |         |
# 202      201       203
# |         |         |
# 4 ------- 3 ------- 6
TINY_OSM = """<?xml version='1.0' encoding='UTF-8'?>
<osm version="0.6" generator="hand">
  <node id="1" lat="47.11" lon="9.50"/>
  <node id="2" lat="47.11" lon="9.51"/>
  <node id="5" lat="47.11" lon="9.52"/>
  <node id="3" lat="47.10" lon="9.51"/>
  <node id="4" lat="47.10" lon="9.50"/>
  <node id="6" lat="47.10" lon="9.52"/>
  <node id="10" lat="47.105" lon="9.502"/>
  <node id="11" lat="47.105" lon="9.503"/>
  <node id="12" lat="47.106" lon="9.503"/>
  <node id="13" lat="47.106" lon="9.502"/>
  <node id="14" lat="47.107" lon="9.502"/>
  <node id="15" lat="47.107" lon="9.503"/>
  <node id="20" lat="47.104" lon="9.515"><tag k="highway" v="bus_stop"/></node>
  <node id="21" lat="47.104" lon="9.516"/>
  <node id="22" lat="47.105" lon="9.516"/>
  <way id="100"><nd ref="1"/><nd ref="2"/><nd ref="5"/>
    <tag k="highway" v="residential"/><tag k="oneway" v="-1"/><tag k="name" v="Main"/>
    <tag k="maxspeed" v="50"/></way>
  <way id="101"><nd ref="20"/><nd ref="21"/><nd ref="22"/><nd ref="20"/>
    <tag k="highway" v="tertiary"/><tag k="junction" v="roundabout"/></way>
  <way id="102"><nd ref="20"/><nd ref="21"/><nd ref="22"/><nd ref="20"/>
    <tag k="highway" v="pedestrian"/><tag k="area" v="yes"/></way>
  <way id="103"><nd ref="4"/><nd ref="6"/><tag k="highway" v="proposed"/></way>
  <way id="104"><nd ref="4"/><nd ref="999"/><tag k="highway" v="residential"/></way>
  <way id="105"><nd ref="3"/><nd ref="6"/><tag k="highway" v="service"/>
    <tag k="oneway" v="reversible"/></way>
  <way id="110"><nd ref="4"/><nd ref="3"/><tag k="waterway" v="stream"/>
    <tag k="name" v="Bach"/></way>
  <way id="111"><nd ref="3"/><nd ref="6"/><tag k="waterway" v="dam"/></way>
  <way id="120"><nd ref="1"/><nd ref="4"/><tag k="railway" v="rail"/></way>
  <way id="121"><nd ref="5"/><nd ref="6"/><tag k="railway" v="abandoned"/></way>
  <way id="130"><nd ref="10"/><nd ref="11"/><nd ref="12"/><nd ref="13"/><nd ref="10"/>
    <tag k="building" v="house"/><tag k="building:levels" v="2;3"/>
    <tag k="building:flats" v="4"/><tag k="addr:housenumber" v="7a"/></way>
  <way id="131"><nd ref="13"/><nd ref="12"/><nd ref="15"/><nd ref="14"/><nd ref="13"/>
    <tag k="building" v="yes"/><tag k="building:levels" v="2,5"/></way>
  <way id="132"><nd ref="13"/><nd ref="12"/><nd ref="15"/><nd ref="14"/><nd ref="13"/>
    <tag k="building" v="no"/></way>
  <way id="140"><nd ref="20"/><nd ref="21"/><nd ref="22"/><nd ref="20"/>
    <tag k="natural" v="water"/><tag k="water" v="lake"/><tag k="name" v="See"/></way>
  <way id="200"><nd ref="1"/><nd ref="2"/></way>
  <way id="201"><nd ref="2"/><nd ref="3"/></way>
  <way id="202"><nd ref="3"/><nd ref="4"/><nd ref="1"/></way>
  <way id="203"><nd ref="2"/><nd ref="5"/><nd ref="6"/><nd ref="3"/></way>
  <relation id="300">
    <member type="way" ref="200" role="outer"/><member type="way" ref="201" role="outer"/>
    <member type="way" ref="202" role="outer"/>
    <tag k="type" v="boundary"/><tag k="boundary" v="administrative"/>
    <tag k="admin_level" v="8"/><tag k="name" v="Alpha"/><tag k="name:zh" v="阿尔法"/>
  </relation>
  <relation id="301">
    <member type="way" ref="201" role="outer"/><member type="way" ref="203" role="outer"/>
    <tag k="type" v="boundary"/><tag k="boundary" v="administrative"/>
    <tag k="admin_level" v="8"/><tag k="name" v="Beta"/>
  </relation>
  <relation id="302">
    <member type="way" ref="200" role="outer"/><member type="way" ref="203" role="outer"/>
    <member type="way" ref="202" role="outer"/>
    <tag k="type" v="boundary"/><tag k="boundary" v="administrative"/>
    <tag k="admin_level" v="2"/><tag k="name" v="Testland"/>
  </relation>
  <relation id="303">
    <member type="way" ref="998" role="outer"/>
    <tag k="type" v="boundary"/><tag k="boundary" v="administrative"/>
    <tag k="admin_level" v="8"/><tag k="name" v="Cut off at the edge"/>
  </relation>
</osm>
"""


@pytest.fixture()
def tiny_osm(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.osm"
    path.write_text(TINY_OSM, encoding="utf-8")
    return path


def check_tiny(layers: OsmLayers) -> None:
    assert_schema(layers)
    assert layers.counts() == {
        "boundaries": 3, "roads": 3, "waterways": 1, "water_areas": 1, "railways": 1,
        "buildings": 2, "places": 0, "landuse": 0,
    }
    roads = layers.roads.set_index("osm_id")
    assert roads.loc[100, ["highway", "name", "oneway", "maxspeed"]].tolist() == [
        "residential", "Main", "-1", "50"]
    assert roads.loc[101, "oneway"] == "yes"  # implied by the roundabout
    assert roads.loc[105, "oneway"] == ""  # reversible: no fixed direction
    assert roads.loc[101, "name"] == "" and roads.loc[101, "maxspeed"] == ""
    assert shapely.get_num_points(roads.loc[100, "geometry"]) == 3
    assert layers.waterways.loc[0, ["osm_id", "waterway", "name"]].tolist() == [
        110, "stream", "Bach"]
    assert layers.railways.loc[0, ["osm_id", "railway"]].tolist() == [120, "rail"]
    assert layers.water_areas.loc[0, ["osm_id", "kind", "name"]].tolist() == [140, "lake", "See"]

    buildings = layers.buildings.set_index("osm_id")
    assert buildings.loc[130, ["building", "levels", "flats", "housenumber"]].tolist() == [
        "house", 2.0, 4.0, "7a"]
    assert buildings.loc[131, "levels"] == 2.5
    assert math.isnan(buildings.loc[131, "flats"]) and buildings.loc[131, "housenumber"] == ""
    assert set(buildings.geom_type) == {"Polygon"}

    boundaries = layers.boundaries.set_index("osm_id")
    assert sorted(boundaries.index) == [300, 301, 302]  # 303 is incomplete
    assert boundaries.loc[300, ["name", "name_zh", "admin_level"]].tolist() == [
        "Alpha", "阿尔法", 8]
    assert boundaries.loc[301, "name_zh"] == ""
    area = select_area(layers.boundaries, name="TESTLAND")
    units = select_units(layers.boundaries, area, 8)
    assert units["name"].tolist() == ["Alpha", "Beta"]
    assert units["unit_id"].tolist() == ["osm300", "osm301"]
    assert km2(units) == pytest.approx(km2(area), rel=1e-9)
    assert select_area(layers.boundaries, name="阿尔法", level=8).loc[0, "osm_id"] == 300


def test_read_osm_xml(tiny_osm: Path) -> None:
    check_tiny(read_osm(tiny_osm))
    check_tiny(read_osm(str(tiny_osm)))


@pytest.mark.parametrize(("suffix", "compress"), [(".osm.bz2", bz2.compress),
                                                  (".osm.gz", gzip.compress)])
def test_read_osm_compressed_xml(tmp_path: Path, suffix: str, compress) -> None:
    path = tmp_path / f"tiny{suffix}"
    path.write_bytes(compress(TINY_OSM.encode("utf-8")))
    check_tiny(read_osm(path))


def test_read_osm_bbox_on_xml(tiny_osm: Path) -> None:
    layers = read_osm(tiny_osm, bbox=(9.514, 47.1035, 9.517, 47.1055))  # the roundabout only
    assert sorted(layers.roads["osm_id"]) == [101]
    assert len(layers.buildings) == 0 and len(layers.water_areas) == 1
    assert set(layers.boundaries["name"]) == {"Beta", "Testland"}


def test_empty_file_gives_empty_layers_with_columns(tmp_path: Path) -> None:
    path = tmp_path / "empty.osm"
    path.write_text('<?xml version="1.0"?><osm version="0.6"></osm>', encoding="utf-8")
    layers = read_osm(path)
    assert_schema(layers)
    assert set(layers.counts().values()) == {0}
    with pytest.raises(InputError, match="no administrative boundaries"):
        select_area(layers.boundaries)


# --- errors ---------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.osm.pbf"
    with pytest.raises(FileNotFoundError, match=r"OSM file not found") as caught:
        read_osm(path)
    assert caught.value.errno == errno.ENOENT and caught.value.filename == str(path)


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("garbage.osm.pbf", bytes(range(256)) * 8, "PBF error"),
    ("garbage.osm", b"this is not XML at all", "XML parsing error"),
    ("garbage.osm.bz2", b"not bzip2 data", ""),
    ("empty.osm.pbf", b"", ""),
])
def test_unreadable_file(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        read_osm(path)
    message = str(info.value)
    assert message.startswith(f"cannot read OSM file {path}: {reason}")
    assert "\n" not in message


def test_unsupported_file_type(tmp_path: Path) -> None:
    path = tmp_path / "roads.shp"
    path.write_bytes(b"\0" * 100)
    with pytest.raises(InputError, match=r"^unsupported OSM file .*roads\.shp: expected a name "
                       r"ending in \.pbf, \.osm, "):
        read_osm(path)


def test_directory_is_not_a_file(tmp_path: Path) -> None:
    path = tmp_path / "dir.osm"
    path.mkdir()
    with pytest.raises(InputError, match=r"dir\.osm: not a file$"):
        read_osm(path)


@pytest.mark.parametrize("bbox", [(9.6, 47.0, 9.5, 47.2), (1, 2, 3), ("a", 1, 2, 3),
                                  (0, -100, 1, 1)])
def test_bad_bbox(tiny_osm: Path, bbox) -> None:
    with pytest.raises(InputError, match=r"^bbox must be \(west, south, east, north\)"):
        read_osm(tiny_osm, bbox=bbox)


def test_select_units_rejects_a_non_polygon(tiny_osm: Path) -> None:
    layers = read_osm(tiny_osm)
    with pytest.raises(InputError, match="non-empty Polygon or MultiPolygon, got LineString"):
        select_units(layers.boundaries, shapely.LineString([(0, 0), (1, 1)]), 8)



def test_filters_by_kind_keep_what_each_layer_reads(tmp_path: Path) -> None:
    """Nodes pass only with a place tag, ways only with a line key; closed ways still make areas.

    The C++ filters drop tagged nodes and ways no layer reads (trees, crossings, building
    ways: buildings come as areas), which must not lose a building, a water area, a
    place or a road whose way also carries area keys.
    """
    path = tmp_path / "kinds.osm"
    path.write_text("""<?xml version='1.0' encoding='UTF-8'?>
<osm version="0.6" generator="hand">
  <node id="1" lat="47.100" lon="9.500"><tag k="place" v="village"/><tag k="name" v="Dorf"/></node>
  <node id="2" lat="47.100" lon="9.501"><tag k="natural" v="tree"/></node>
  <node id="3" lat="47.101" lon="9.501"><tag k="highway" v="crossing"/></node>
  <node id="4" lat="47.101" lon="9.500"><tag k="place" v="locality"/></node>
  <node id="5" lat="47.102" lon="9.500"/>
  <way id="10"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/><nd ref="1"/>
    <tag k="building" v="house"/></way>
  <way id="11"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/><nd ref="1"/>
    <tag k="landuse" v="residential"/><tag k="highway" v="service"/></way>
  <way id="12"><nd ref="4"/><nd ref="5"/><tag k="natural" v="cliff"/></way>
  <way id="13"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/><nd ref="1"/>
    <tag k="natural" v="water"/></way>
</osm>
""", encoding="utf-8")
    layers = read_osm(path)
    assert layers.counts() == {"boundaries": 0, "roads": 1, "waterways": 0, "water_areas": 1, "railways": 0,
                               "buildings": 1, "places": 1, "landuse": 1}
    assert layers.places.loc[0, ["osm_id", "place", "name"]].tolist() == [1, "village", "Dorf"]
    assert layers.roads.loc[0, ["osm_id", "highway"]].tolist() == [11, "service"]
    assert layers.buildings.loc[0, "osm_id"] == 10 and layers.landuse.loc[0, "osm_id"] == 11

# --- download (offline) ------------------------------------------------------------


@pytest.fixture()
def offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No name resolution, no connections, no osmnx cache in the working tree."""
    import osmnx as ox

    def refuse(*args, **kwargs):
        raise OSError("network access disabled in tests")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(ox.settings, "use_cache", False)
    monkeypatch.setattr(ox.settings, "cache_folder", str(tmp_path / "cache"))
    monkeypatch.setattr(ox.settings, "log_file", False)


def test_download_osm_offline_raises_a_clear_error(offline, tmp_path: Path) -> None:
    target = tmp_path / "vaduz.osm"
    with pytest.raises(InputError, match=r"^cannot geocode 'Vaduz, Liechtenstein': ") as info:
        download_osm("Vaduz, Liechtenstein", target)
    assert "\n" not in str(info.value)
    assert str(info.value).endswith("(offline? pass an OSM extract file instead)")
    assert not target.exists()
    assert list(tmp_path.iterdir()) in ([], [tmp_path / "cache"])


def test_download_osm_wants_an_osm_path(offline, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"must end in \.osm$"):
        download_osm("Vaduz", tmp_path / "vaduz.osm.pbf")


class FakeResponse:
    """What download_osm uses of a streamed requests.Response."""

    def __init__(self, body: bytes) -> None:
        self.body = body

    def __enter__(self) -> FakeResponse:
        return self

    def __exit__(self, *exc) -> None:
        return None

    def raise_for_status(self) -> None:
        return None

    def iter_content(self, chunk_size: int):
        for start in range(0, len(self.body), chunk_size):
            yield self.body[start:start + chunk_size]


@pytest.fixture()
def fake_overpass(offline, monkeypatch: pytest.MonkeyPatch) -> dict:
    """Geocoding and Overpass answered locally: Testland is relation 302."""
    import osmnx as ox
    import requests

    sent: dict = {"body": TINY_OSM.encode("utf-8")}

    def geocode(place: str) -> gpd.GeoDataFrame:
        sent["place"] = place
        return gpd.GeoDataFrame({"osm_type": ["relation"], "osm_id": [302]},
                                geometry=[shapely.box(9.50, 47.10, 9.52, 47.11)], crs="EPSG:4326")

    def post(url: str, *, data: dict, **kwargs) -> FakeResponse:
        sent["url"], sent["query"] = url, data["data"]
        return FakeResponse(sent["body"])

    monkeypatch.setattr(ox, "geocode_to_gdf", geocode)
    monkeypatch.setattr(requests, "post", post)
    return sent


def test_download_osm_writes_a_readable_file(fake_overpass: dict, tmp_path: Path) -> None:
    target = download_osm("Testland", tmp_path / "sub" / "testland.osm")
    assert target == tmp_path / "sub" / "testland.osm"
    assert fake_overpass["place"] == "Testland"
    assert fake_overpass["url"].endswith("/interpreter")
    assert "[out:xml]" in fake_overpass["query"]
    assert "area(id:3600000302)" in fake_overpass["query"]
    check_tiny(read_osm(target))
    assert sorted(p.name for p in target.parent.iterdir()) == ["testland.osm"]


def test_download_osm_reports_overpass_errors(fake_overpass: dict, tmp_path: Path) -> None:
    fake_overpass["body"] = (b'<?xml version="1.0"?><osm version="0.6"><remark> runtime error: '
                             b'Query timed out in "query" </remark></osm>')
    target = tmp_path / "testland.osm"
    with pytest.raises(InputError, match=r"^cannot download OSM data for 'Testland': the Overpass "
                       r"API reported: runtime error: Query timed out"):
        download_osm("Testland", target)
    assert list(tmp_path.iterdir()) in ([], [tmp_path / "cache"])


def test_the_cache_gives_the_layers_read_and_follows_the_files_bytes(tmp_path, monkeypatch):
    import shutil

    from gridmap.inputs import osm as osm_module

    monkeypatch.setenv("GRIDMAP_CACHE_DIR", str(tmp_path / "cache"))
    extract = tmp_path / "li.osm.pbf"
    shutil.copy(LIECHTENSTEIN, extract)
    fresh = osm_module.read_osm(extract, cache=False)
    assert not (tmp_path / "cache").exists()  # off: nothing written
    first = osm_module.read_osm(extract, cache=True)
    entries = list((tmp_path / "cache").glob("osm-*.pickle"))
    assert len(entries) == 1
    calls = []
    monkeypatch.setattr(osm_module, "_scan", lambda path: calls.append(path))
    warm = osm_module.read_osm(extract, cache=True)
    assert calls == []  # loaded, not parsed
    for name in fresh.counts():
        for layers in (first, warm):
            got, want = getattr(layers, name), getattr(fresh, name)
            assert list(got.dtypes) == list(want.dtypes)
            pd.testing.assert_frame_equal(got.drop(columns="geometry"), want.drop(columns="geometry"))
            assert shapely.equals_exact(got.geometry.values, want.geometry.values, 0).all()
    # another file's bytes are another entry; an unreadable entry is read again
    monkeypatch.undo()
    monkeypatch.setenv("GRIDMAP_CACHE_DIR", str(tmp_path / "cache"))
    entries[0].write_bytes(b"not a pickle")
    again = osm_module.read_osm(extract, cache=True)
    assert len(again.roads) == len(fresh.roads)
    with open(extract, "ab") as handle:
        handle.write(b"\0")
    assert osm_module._cache_entry(extract) != entries[0]
    # the environment turns it off
    monkeypatch.setenv("GRIDMAP_CACHE", "off")
    assert not osm_module._cache_on()
