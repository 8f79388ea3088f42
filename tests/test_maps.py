"""Maps without a browser: offline HTML, escaping, language, layers, basemaps, size, CLI."""
from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from click.testing import CliRunner

from gridmap._map_assets import leaflet_js
from gridmap.errors import InputError
from gridmap.gcj02 import wgs84_to_gcj02
from gridmap.maps import plan_map, save_map
from gridmap.plan import Plan

PROVIDENCE = Path(__file__).resolve().parent.parent / "data" / "providence"
EVIL = "<script>alert(1)</script>"
OSM_LINKS = {"https://www.openstreetmap.org/copyright", "https://opendatacommons.org/licenses/odbl/1-0/"}


def toy_plan(*, origin=(9.52, 47.14), crs=32632, evil=False, staffing=False, osm=True) -> Plan:
    """Six 500 m grids in three units (two urban, one rural) of one township, with context lines."""
    x0, y0 = gpd.GeoSeries(shapely.points([origin]), crs=4326).to_crs(crs).iloc[0].coords[0]
    boxes = [shapely.box(x0 + i * 500, y0 + j * 500, x0 + (i + 1) * 500, y0 + (j + 1) * 500)
             for j in range(2) for i in range(3)]
    unit_of = ["A", "A", "A", "B", "B", "C"]
    names = {"A": EVIL if evil else "Alpha", "B": "北村", "C": "Gamma"}
    households = [250.0, 400.0, 600.0, 350.0, 450.0, 900.0]
    grids = gpd.GeoDataFrame({
        "grid_id": [f"{u}-{i:03d}" for i, u in enumerate(unit_of)],
        "code": [(f"{EVIL}-{i}" if evil and i == 0 else f"{u}-{i:03d}") for i, u in enumerate(unit_of)],
        "unit_id": unit_of, "unit_name": [names[u] for u in unit_of],
        "parent_id": "T1", "parent_name": "Township & <Co>" if evil else "镇一",
        "regime": ["urban"] * 5 + ["rural"], "households": households, "atoms": 3,
        "area_km2": 0.25, "polsby_popper": 0.785, "in_band": [False, True, False, True, True, False],
        "flag": ["under_band", "", "over_band", "", "", "rural_unit"],
        "flag_reason": ["", "", "over: 600 > 500" + (EVIL if evil else ""), "", "", "rural_unit: one grid"],
    }, geometry=boxes, crs=crs)
    units = grids.dissolve("unit_id", as_index=False)[["unit_id", "geometry"]]
    units["name"] = units["unit_id"].map(names)
    units["parent_id"] = "T1"
    units["parent_name"] = "镇一"
    area = gpd.GeoDataFrame({"name": ["Toy county" if not evil else EVIL]},
                            geometry=[shapely.union_all(boxes)], crs=crs)
    line = shapely.linestrings([[x0 - 100, y0 + 250], [x0 + 1600, y0 + 260]])
    roads = gpd.GeoDataFrame({"highway": ["primary", "residential", "footway"], "name": ["Main", "Side", "Path"]},
                             geometry=[line, shapely.affinity.translate(line, 0, 500),
                                       shapely.affinity.translate(line, 0, 700)], crs=crs)
    waterways = gpd.GeoDataFrame({"waterway": ["river"], "name": ["Rhine"]},
                                 geometry=[shapely.affinity.rotate(line, 90)], crs=crs)
    railways = gpd.GeoDataFrame({"railway": ["rail"]}, geometry=[shapely.affinity.translate(line, 0, 900)], crs=crs)
    layers = {"grids": grids, "units": units, "area": area, "roads": roads, "waterways": waterways,
              "railways": railways}
    if staffing:
        centres = grids.geometry.centroid
        layers["workers"] = gpd.GeoDataFrame({"worker_id": [f"W{i}" for i in range(6)],
                                              "worker_type": ["full_time"] * 5 + ["part_time"],
                                              "grid_id": grids["grid_id"]}, geometry=centres, crs=crs)
        layers["bases"] = gpd.GeoDataFrame({"grid_id": grids["grid_id"], "households_reached": households,
                                            "share_reached": 0.9}, geometry=centres.translate(50, 50), crs=crs)
        layers["service_areas"] = gpd.GeoDataFrame({"grid_id": grids["grid_id"], "minutes": 15},
                                                   geometry=centres.buffer(400), crs=crs)
        layers["unreached"] = gpd.GeoDataFrame({"households": [1, 2]},
                                               geometry=shapely.points([[x0 + 10, y0 + 10], [x0 + 20, y0 + 20]]),
                                               crs=crs)
        grids["workers"] = [1, 1, 2, 1, 1, 1]
        grids["share_reached"] = [1.0, 0.95, 0.5, 1.0, 0.8, 0.42]
    inputs = {"osm": "data/toy.osm.pbf", "area_name": "Toy"} if osm else {"area": "toy.gpkg"}
    return Plan(layers=layers, meta={"config": {"band": [300.0, 500.0]}, "inputs": inputs})


def layer_names(m) -> list[str]:
    """Names of the map's layers as the layer control lists them."""
    from folium.map import Layer

    return [child.layer_name for child in m._children.values() if isinstance(child, Layer) and child.control]


def render(plan, **kw) -> str:
    return plan_map(plan, **kw).get_root().render()


def payload(page: str, factory: str, index: int = 0) -> dict:
    """The JSON given to gridmap.<factory>(map, ...) in the page."""
    found = re.findall(rf"gridmap\.{factory}\(map_\w+, (.*)\);\n", page)
    return json.loads(found[index])


def decode(text: str, decimals: int = 6) -> list[tuple[float, float]]:
    """Reference decoder of encoded polylines: (lon, lat) pairs."""
    values, i = [], 0
    while i < len(text):
        result, shift = 0, 0
        while True:
            b = ord(text[i]) - 63
            i += 1
            result |= (b & 31) << shift
            shift += 5
            if b < 32:
                break
        values.append(~(result >> 1) if result & 1 else result >> 1)
    lat = np.cumsum(values[0::2]) / 10**decimals
    lon = np.cumsum(values[1::2]) / 10**decimals
    return list(zip(lon.tolist(), lat.tolist()))


def ring(feature, index: int = 0) -> np.ndarray:
    """Outer ring of a polygon feature of a payload, (lon, lat)."""
    geom = feature["g"]
    assert geom["t"] == "Polygon"
    return np.array(decode(geom["c"][index]))


def urls(page: str) -> set[str]:
    """http(s) URLs in the page outside the vendored Leaflet (whose own are an SVG namespace and comments)."""
    rest = page.replace(leaflet_js(), "")
    return set(re.findall(r"https?://[^\s\"'<>)\\]+", rest))


def test_offline_page_links_only_the_osm_attribution():
    page = render(toy_plan())
    assert leaflet_js() in page  # inlined, not linked
    assert "<link" not in page and not re.search(r"<script[^>]+src=", page)
    for cdn in ("jsdelivr", "cdnjs", "bootstrapcdn", "code.jquery", "unpkg"):
        assert cdn not in page
    assert urls(page) == OSM_LINKS
    assert "OpenStreetMap" in page and "ODbL" in page


def test_leaflet_itself_requests_nothing():
    # The URLs in leaflet.js are an XML namespace, its attribution link (replaced in the page) and comments.
    assert set(re.findall(r"https?://[^\s\"'<>)\\]+", leaflet_js())) <= {
        "http://www.w3.org/2000/svg", "https://leafletjs.com",
        "https://bugs.chromium.org/p/chromium/issues/detail?id=600120",
        "https://bugzilla.mozilla.org/show_bug.cgi?id=888319"}
    assert 'setPrefix(o.prefix)' in render(toy_plan())


def test_no_attribution_link_without_osm_data():
    page = render(toy_plan(osm=False))
    assert urls(page) == set()


def test_css_images_are_inlined():
    page = render(toy_plan())
    assert "url(images/" not in page
    assert "url(data:image/png;base64," in page


def test_attribute_values_are_escaped():
    page = render(toy_plan(evil=True))
    assert EVIL not in page
    assert "<Co>" not in page
    scripts = re.findall(r"<script\b", page)
    assert len(scripts) == len(re.findall(r"<script\b", render(toy_plan())))
    grids = payload(page, "grids")
    tips = " ".join(f["p"]["tip"] + f["p"]["pop"] for f in grids["data"])
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in tips
    assert "Township &amp; &lt;Co&gt;" in tips
    assert "<script" not in tips
    labels = payload(page, "labels")["data"]
    assert not any("<script" in row[3] for row in labels)  # labels carry the short code (escaped) and households
    # raw names only serve the search (textContent), and cannot close the <script>
    assert any(EVIL in f["p"]["find"] for f in grids["data"])
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>" in page


def test_units_that_play_the_townships_are_drawn_as_townships():
    """No village level (the units' one parent is the county, or none): the units' borders are the
    townships' and the search names townships, as the report and the tables say (Liechtenstein's
    municipalities)."""
    plan = toy_plan(staffing=True)
    for layer in ("grids", "units"):
        plan.layers[layer]["parent_id"] = ""
        plan.layers[layer]["parent_name"] = ""
    for lang, names, search in (("zh", ["网格", "网格编号与户数", "乡镇/街道界"], "搜索网格编码或乡镇"),
                                ("en", ["Grids", "Grid numbers and households", "Township borders"],
                                 "Search grid code or township")):
        m = plan_map(plan, lang=lang)
        assert layer_names(m)[:3] == names
        page = m.get_root().render()
        assert search in page and ("村/社区界" if lang == "zh" else "Village borders") not in page


def test_template_syntax_in_names_stays_text():
    plan = toy_plan()
    plan.layers["grids"]["unit_name"] = "{{ 7*7 }} {% if x %} {# c #}"
    page = render(plan)
    assert "{{" not in page.replace(leaflet_js(), "") and "49" not in payload(page, "grids")["data"][0]["p"]["tip"]
    assert "{{ 7*7 }} {% if x %} {# c #}" in payload(page, "grids")["data"][0]["p"]["tip"]


def test_chinese_labels():
    m = plan_map(toy_plan(staffing=True), lang="zh")
    assert layer_names(m) == ["网格", "网格编号与户数", "村/社区界", "乡镇/街道界", "服务范围（15 分钟）", "响应时间外住户",
                              "网格驻点", "网格员", "道路", "水系", "铁路"]
    page = m.get_root().render()
    for label in ("网格编码", "户数", "在范围内", "低于下限", "高于上限", "农村（按村或自然村落）", "村/社区界", "乡镇/街道界",
                  "道路", "水系", "铁路", "网格员", "网格驻点", "服务范围", "响应时间外住户", "搜索网格编码或村/社区",
                  "全屏", "形状规整度", "响应时间内覆盖", "专职", "户数范围", "农村单元整村为一个网格"):
        assert label in page, label
    assert "Households" not in page and "within the band" not in page


def test_english_labels():
    m = plan_map(toy_plan(staffing=True), lang="en")
    assert layer_names(m) == ["Grids", "Grid numbers and households", "Village borders", "Township borders",
                              "Service areas (15 min)", "Households outside the response time", "Bases", "Grid workers",
                              "Roads", "Waterways", "Railways"]
    page = m.get_root().render()
    for label in ("Grid code", "Households", "within the band", "below the band", "above the band", "Village borders",
                  "Township borders", "Roads", "Waterways", "Railways", "Grid workers", "Bases",
                  "Households outside the response time", "Search grid code or village", "Full screen", "full-time",
                  "Shape (roundness)", "rural village kept as one grid"):
        assert label in page, label
    for label in ("户数", "网格编码", "在范围内", "道路", "专职", "全屏"):
        assert label not in page, label


def test_layers_follow_the_plan():
    plain = render(toy_plan())
    for factory in ("points", "dots"):
        assert f"gridmap.{factory}(" not in plain
    assert "服务范围" not in plain
    full = render(toy_plan(staffing=True))
    workers = payload(full, "points", 1)  # bases first, workers drawn above them
    assert len(workers["data"]) == 6
    assert "W0" in workers["data"][0]["p"]["tip"]
    assert len(decode(payload(full, "dots")["data"])) == 2
    pop = payload(full, "grids")["data"][2]["p"]["pop"]
    assert "50%" in pop and "网格员" in pop


def test_grid_classes_and_legend():
    grids = payload(render(toy_plan()), "grids")
    classes = [f["p"]["k"] for f in grids["data"]]
    assert classes == ["under", "in", "over", "in", "in", "rural"]
    assert len(grids["data"]) == 6
    legend = json.loads(re.search(r"gridmap\.controls\(map_\w+, (.*)\);\n", render(toy_plan())).group(1))["legend"]
    assert "6 个网格" in legend and "300–500" in legend


def test_roads_are_public_roads_only():
    roads = payload(render(toy_plan()), "lines", 2)  # units, townships, roads, waterways, railways
    assert roads["key"] == "roads"
    assert [f["p"]["k"] for f in roads["data"]] == ["minor", "major"]
    parts = sum(len(f["g"]["c"]) for f in roads["data"])
    assert parts == 2  # the footway is left out


def test_polyline_encoding():
    from gridmap.maps import _polyline

    # the example of Google's polyline algorithm description (precision 1e-5)
    assert _polyline([(-120.2, 38.5), (-120.95, 40.7), (-126.453, 43.252)], 5) == "_p~iF~ps|U_ulLnnqC_mqNvxq`@"
    rng = np.random.default_rng(1)
    xy = np.column_stack([rng.uniform(-180, 180, 500), rng.uniform(-90, 90, 500)])
    back = np.array(decode(_polyline(xy)))
    assert np.max(np.abs(back - xy)) <= 5e-7 + 1e-12


def test_coordinates_rounded_and_in_wgs84():
    plan = toy_plan()
    coords = ring(payload(render(plan), "grids")["data"][0])
    expected = np.array(plan.layers["grids"].to_crs(4326).geometry.iloc[0].exterior.coords)
    assert coords.shape == expected.shape
    assert np.max(np.abs(coords - expected)) <= 5e-7 + 1e-12  # 6 decimals
    assert 9.5 < coords[:, 0].min() < 9.6 and 47.1 < coords[:, 1].min() < 47.2


def test_label_zoom_depends_on_grid_size():
    plan = toy_plan()
    grids = plan.layers["grids"]
    grids.loc[0, "geometry"] = grids.geometry.iloc[0].buffer(-200)  # 100 m wide
    rows = payload(render(plan), "labels")["data"]
    zooms = [row[2] for row in rows]
    assert zooms[0] > zooms[1] and 12 <= zooms[1] <= 17


def test_gaode_shifts_into_gcj02():
    origin = (104.06, 30.66)  # Chengdu
    plan = toy_plan(origin=origin, crs=4545)
    wgs = ring(payload(render(plan), "grids")["data"][0])[0]
    page = render(plan, basemap="gaode")
    assert "autonavi.com" in page
    gcj = ring(payload(page, "grids")["data"][0])[0]
    expected = wgs84_to_gcj02(*wgs)
    assert abs(gcj[0] - expected[0]) < 2e-6 and abs(gcj[1] - expected[1]) < 2e-6
    assert abs(gcj[0] - wgs[0]) > 1e-3  # hundreds of metres


def test_basemaps(monkeypatch):
    monkeypatch.delenv("TIANDITU_KEY", raising=False)
    assert "tile.openstreetmap.org" in render(toy_plan(), basemap="osm")
    with pytest.raises(InputError, match="key"):
        plan_map(toy_plan(), basemap="tianditu")
    page = render(toy_plan(), basemap="tianditu", tianditu_key="abc123")
    assert "tianditu.gov.cn" in page and "tk=abc123" in page and "cva_w" in page
    monkeypatch.setenv("TIANDITU_KEY", "fromenv9")
    assert "tk=fromenv9" in render(toy_plan(), basemap="tianditu")
    page = render(toy_plan(), basemap="http://tiles.intranet.local/{z}/{x}/{y}.png")
    assert "http://tiles.intranet.local/{z}/{x}/{y}.png" in page
    with pytest.raises(InputError, match="basemap"):
        plan_map(toy_plan(), basemap="google")


def test_bad_arguments():
    with pytest.raises(InputError, match="lang"):
        plan_map(toy_plan(), lang="fr")
    with pytest.raises(InputError, match="simplify_m"):
        plan_map(toy_plan(), simplify_m=-1)
    plan = toy_plan()
    plan.layers["grids"] = plan.layers["grids"].iloc[:0]
    with pytest.raises(InputError, match="no grids"):
        plan_map(plan)


def test_displays_inline_in_jupyter():
    html_text = plan_map(toy_plan())._repr_html_()
    assert "<iframe" in html_text and "gridmap.controls(" in html_text
    assert "jsdelivr" not in html_text


def test_save_map_is_atomic(tmp_path):
    target = tmp_path / "sub" / "map.html"
    assert save_map(toy_plan(), target) == target
    first = target.read_text(encoding="utf-8")
    assert first.startswith("<!DOCTYPE html>") and "gridmap.controls(" in first
    save_map(toy_plan(), target, lang="en")
    assert "Grid code" in target.read_text(encoding="utf-8")
    assert sorted(p.name for p in target.parent.iterdir()) == ["map.html"]


def test_thousand_grids_under_five_megabytes():
    blocks = gpd.read_file(PROVIDENCE / "blocks.zip").to_crs(32619)
    blocks = blocks[blocks.area > 0].iloc[:1000].reset_index(drop=True)
    n = len(blocks)
    grids = gpd.GeoDataFrame({
        "grid_id": [f"440305001001-{i:03d}" for i in range(n)], "code": [f"440305001001-{i:03d}" for i in range(n)],
        "unit_id": blocks["WARD"].astype(str), "unit_name": "社区" + blocks["WARD"].astype(str),
        "parent_id": "440305001", "parent_name": "南头街道", "regime": "urban",
        "households": np.linspace(200, 600, n), "atoms": 1, "area_km2": blocks.area / 1e6,
        "polsby_popper": 0.5, "in_band": True, "flag": "", "flag_reason": ""}, geometry=blocks.geometry, crs=32619)
    units = grids.dissolve("unit_id", as_index=False)[["unit_id", "unit_name", "parent_id", "geometry"]]
    units = units.rename(columns={"unit_name": "name"})
    plan = Plan(layers={"grids": grids, "units": units}, meta={"config": {"band": [300, 500]}})
    size = len(render(plan).encode("utf-8"))
    assert size < 5_000_000, size


def test_cli_writes_the_map(tmp_path):
    from gridmap.cli.main import cli

    plan_path = toy_plan().save(tmp_path / "plan.gpkg")
    out = tmp_path / "map.html"
    result = CliRunner().invoke(cli, ["map", str(plan_path), "--out", str(out), "--lang", "en", "--simplify", "0"])
    assert result.exit_code == 0, result.output
    assert out.exists() and "map written to" in result.output
    assert "Grid code" in out.read_text(encoding="utf-8")
    result = CliRunner().invoke(cli, ["map", str(plan_path), "--out", str(out), "--basemap", "bing", "--lang", "en"])
    assert result.exit_code == 2
    assert "basemap" in result.output and "Traceback" not in result.output


def test_chinese_map_leaks_no_english_key():
    page = render(toy_plan(staffing=True))
    words = " ".join(f["p"]["tip"] + f["p"]["pop"] for f in payload(page, "grids")["data"])
    for key in ("under_band", "over_band", "rural_unit", "island", "urban", "full_time", "part_time", "Polsby"):
        assert key not in words, key


def test_many_geometries_encode_as_each_alone():
    """_encode_many (one numpy pass over all coordinates) gives what _encode gives one geometry at a time,
    and _polyline is Google's polyline format (its documented example, at 1e5)."""
    import shapely

    from gridmap.maps import _encode, _encode_many, _polyline

    holed = shapely.box(0, 0, 1, 1).difference(shapely.box(0.2, 0.2, 0.4, 0.4))
    geoms = [holed, None, shapely.Polygon(), shapely.MultiPolygon([holed, shapely.box(2, 2, 3, 3)]),
             shapely.LineString([(0, 0), (1, 1), (2, 0)]), shapely.Point(1.5, 2.5),
             shapely.MultiLineString([[(0, 0), (1, 1)], [(2, 2), (3, 1)]]),
             shapely.GeometryCollection([shapely.box(5, 5, 6, 6), shapely.LineString([(0, 0), (1, 1)])])]
    together = _encode_many(geoms)
    assert together == [_encode(g) for g in geoms]
    assert together[1] is None and together[2] is None
    assert together[3]["t"] == "MultiPolygon" and len(together[3]["c"]) == 2 and len(together[3]["c"][0]) == 2
    assert together[7]["t"] == "Polygon"  # a collection keeps its polygonal parts
    xy = np.array([[-120.2, 38.5], [-120.95, 40.7], [-126.453, 43.252]])
    assert _polyline(xy, decimals=5) == "_p~iF~ps|U_ulLnnqC_mqNvxq`@"


def test_grid_decor_is_what_each_map_would_compute(li_plan):
    """One GridDecor (fills and label circles, made once by gridmap run) draws the same web map as
    the map computing its own, and holds a circle inside every grid with area."""
    import re

    import shapely

    from gridmap._colouring import colour_grids
    from gridmap._decor import decor_of, grid_decor
    from gridmap.maps import plan_map

    geoms = li_plan.grids.geometry.to_numpy()
    decor = grid_decor(geoms)
    assert len(decor) == len(geoms) and list(decor.fill) == list(colour_grids(geoms))
    has = np.isfinite(decor.radius)
    assert has.all() and (decor.radius > 0).all()
    inside = shapely.covers(geoms, shapely.buffer(shapely.points(decor.centre), decor.radius * 0.99))
    assert inside.all()
    assert decor_of(geoms, decor) is decor
    with pytest.raises(ValueError, match="made for"):
        decor_of(geoms[:-1], decor)
    ids = lambda page: re.sub(r"_[0-9a-f]{32}", "_ID", page)  # noqa: E731 (folium's random ids)
    given = plan_map(li_plan, lang="en", decor=decor).get_root().render()
    assert ids(given) == ids(plan_map(li_plan, lang="en").get_root().render())


def test_grid_adjacency_equals_the_overlay_of_every_touching_pair(li_plan):
    """grid_adjacency settles most pairs by the edges both grids hold (a lower bound of the shared
    border) and measures the rest by overlay: the same pairs as measuring every touching pair, on the
    demo's grids and atoms and on borders noded differently, corners and slivers."""
    import shapely

    from gridmap import _colouring

    def by_overlay(geoms, min_shared_m=1.0):
        geoms = np.asarray(geoms, dtype=object)
        valid = np.array([g is not None and not g.is_empty for g in geoms], dtype=bool)
        a, b = shapely.STRtree(np.where(valid, geoms, None)).query(np.where(valid, geoms, None), predicate="intersects")
        a, b = a[a < b], b[a < b]
        shared = shapely.length(shapely.intersection(shapely.boundary(geoms[a]), shapely.boundary(geoms[b])))
        return list(zip(a[shared > min_shared_m].tolist(), b[shared > min_shared_m].tolist()))

    odd = [shapely.box(0, 0, 10, 10),
           shapely.Polygon([(10, 0), (10, 5), (10, 10), (20, 10), (20, 0)]),  # the same border, one more vertex
           shapely.box(20, 10, 30, 20),  # a corner only
           shapely.box(0, 10, 10, 10.5), shapely.box(10, 10, 10.8, 12),  # 0.5 m and 0.8 m of border
           None, shapely.Polygon(), shapely.box(30, 0, 40, 10).union(shapely.box(40, 0, 50, 10))]
    for geoms in (li_plan.grids.geometry.to_numpy(), li_plan.layers["atoms"].geometry.to_numpy(), odd):
        assert _colouring.grid_adjacency(geoms) == by_overlay(geoms)
    assert (0, 1) in _colouring.grid_adjacency(odd) and (1, 2) not in _colouring.grid_adjacency(odd)


def test_the_same_plan_draws_the_same_page():
    """folium's elements are named by a count while the map is built (JavaScript variables and
    element ids: ``map_...``), not by random bytes: the page is the same, byte for byte, and
    branca's own naming is back afterwards."""
    import re

    from branca.element import Element

    plan = toy_plan(staffing=True)
    first = plan_map(plan).get_root().render()
    assert plan_map(plan).get_root().render() == first
    assert "map_00000000000000000000000000000001" in first
    assert not re.search(r"_[0-9a-f]{32}\b", re.sub(r"_0{20}[0-9a-f]{12}\b", "", first))  # every name counted
    assert Element()._id != Element()._id  # random again outside plan_map
