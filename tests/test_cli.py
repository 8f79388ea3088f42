"""The command line: one-line errors with exit code 2 for each class of bad input."""
import json
import subprocess
import sys

import geopandas as gpd
import numpy as np
import pytest
import shapely
import shapely.affinity
from click.testing import CliRunner

from gridmap.cli.main import cli
from tests.conftest import LIECHTENSTEIN

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result.exit_code, result.output


def test_help_names_units_and_defaults():
    result = CliRunner().invoke(cli, ["partition", "--help"], env={"GRIDMAP_LANG": "en"})
    assert result.exit_code == 0
    flat = " ".join(result.output.split())
    assert "households" in flat and "[default: 300 500]" in flat and "--seed" in flat


def test_partition_osm_writes_plan_and_summary(tmp_path):
    code, out = run("partition", "--osm", LIECHTENSTEIN, "--area-name", "Liechtenstein", "--urban", "all",
                    "--out", tmp_path, "-q")
    assert code == 0, out
    assert (tmp_path / "plan.gpkg").exists()
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["grids"] > 50 and summary["band"] == [300, 500]
    assert "网格" in out and "在范围内" in out and "grids" not in out   # zh unless the locale says otherwise
    code, out = run("partition", "--osm", LIECHTENSTEIN, "--area-name", "Liechtenstein", "--urban", "all",
                    "--out", tmp_path / "en", "-q", "--lang", "en")
    assert code == 0 and "grids" in out and "in band" in out and "网格" not in out


def test_cli_py_launcher_runs():
    result = subprocess.run([sys.executable, "cli.py", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "partition" in result.stdout


@pytest.fixture()
def area_file(tmp_path):
    path = tmp_path / "area.gpkg"
    gpd.GeoDataFrame({"name": ["A"]}, geometry=[shapely.box(0, 0, 1000, 1000)], crs=32632).to_file(path)
    return path


def _points(tmp_path, xy, crs=32632, name="hh.gpkg"):
    path = tmp_path / name
    gpd.GeoDataFrame(geometry=shapely.points(xy), crs=crs).to_file(path)
    return path


def expect_error(args, message, lang="en"):
    code, out = run("partition", *args, "--lang", lang)
    assert code == 2, out
    lines = [line for line in out.strip().splitlines() if line.startswith("gridmap: error")]
    assert len(lines) == 1 and message in lines[0], out
    assert "Traceback" not in out


def test_missing_file(tmp_path):
    expect_error(["--area", tmp_path / "nope.gpkg", "--households", tmp_path / "x.gpkg", "--out", tmp_path / "o"],
                 "no such file")


def test_refusals_in_the_readers_language(tmp_path, area_file):
    """The refusals of the vocabulary (error.*) are in the command's language: zh for a Chinese reader."""
    expect_error(["--area", tmp_path / "nope.gpkg", "--households", tmp_path / "x.gpkg", "--out", tmp_path / "o"],
                 f"区域：文件不存在：{tmp_path / 'nope.gpkg'}", lang="zh")
    shp = tmp_path / "hh.shp"
    gpd.GeoDataFrame(geometry=shapely.points([(5, 5)])).to_file(shp)
    expect_error(["--area", area_file, "--households", shp, "--out", tmp_path / "o"],
                 f"住户（{shp}）：图层没有坐标系", lang="zh")
    expect_error(["--osm", LIECHTENSTEIN, "--area-name", "Atlantis", "--out", tmp_path / "o"],
                 "没有名为 'Atlantis' 的边界", lang="zh")
    from gridmap.errors import InputError

    error = InputError.of("no_such_file", what="units", path="a.gpkg")
    assert str(error) == "units: no such file a.gpkg" and error.text("zh") == "单元：文件不存在：a.gpkg"
    assert InputError("as written").text("zh") == "as written"  # a message not of the vocabulary
    from gridmap.inputs.tables import read_totals_table

    (tmp_path / "t.csv").write_text("甲,乙\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_totals_table(tmp_path / "t.csv")
    assert caught.value.text("zh").startswith(f"户数合计：{tmp_path / 't.csv'} 需要代码列")


def test_no_area_by_that_name(tmp_path):
    expect_error(["--osm", LIECHTENSTEIN, "--area-name", "Atlantis", "--out", tmp_path], "Atlantis")


def test_empty_layer(tmp_path, area_file):
    empty = tmp_path / "empty.gpkg"
    gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs=32632)).to_file(empty)
    expect_error(["--area", area_file, "--households", empty, "--out", tmp_path / "o"], "empty layer")


def test_no_crs(tmp_path, area_file):
    path = tmp_path / "hh.geojson"
    path.write_text('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},'
                    '"geometry":{"type":"Point","coordinates":[5,5]}}]}')
    # GeoJSON always has a CRS (WGS 84); a shapefile without .prj has none
    shp = tmp_path / "hh.shp"
    gpd.GeoDataFrame(geometry=shapely.points([(5, 5)])).to_file(shp)
    expect_error(["--area", area_file, "--households", shp, "--out", tmp_path / "o"], "no CRS")


def test_points_outside_the_area(tmp_path, area_file):
    hh = _points(tmp_path, [(5, 5), (5000, 5000)])
    expect_error(["--area", area_file, "--households", hh, "--out", tmp_path / "o"], "outside the area")
    code, out = run("partition", "--area", area_file, "--households", hh, "--drop-outside", "--out", tmp_path / "o")
    assert code == 0, out


@pytest.mark.parametrize("band", [("500", "300"), ("0", "10")])
def test_invalid_band(tmp_path, area_file, band):
    hh = _points(tmp_path, [(5, 5)])
    expect_error(["--area", area_file, "--households", hh, "--band", *band, "--out", tmp_path / "o"], "band")


def test_failed_run_leaves_no_plan(tmp_path, area_file):
    hh = _points(tmp_path, [(5000, 5000)])
    run("partition", "--area", area_file, "--households", hh, "--out", tmp_path / "o")
    assert not (tmp_path / "o" / "plan.gpkg").exists()
    assert not list((tmp_path).glob("o/*.gpkg"))


def test_invalid_polygons_are_repaired_and_reported(tmp_path):
    units = tmp_path / "units.gpkg"
    bowtie = shapely.Polygon([(0, 0), (1000, 1000), (1000, 0), (0, 1000)])   # self-intersecting
    gpd.GeoDataFrame({"unit_id": ["a", "b"], "name": ["A", "B"]},
                     geometry=[bowtie, shapely.box(1000, 0, 2000, 1000)], crs=32632).to_file(units)
    hh = _points(tmp_path, [(900, 500), (1500, 500)])
    code, out = run("partition", "--units", units, "--households", hh, "--out", tmp_path / "o", "--lang", "en")
    assert code == 0, out
    assert "units: 1 invalid polygon(s) repaired" in out


def test_households_scaled_to_ward_totals(tmp_path, pvd_files):
    """Providence: one household per block (a poor estimate) scaled to each ward's census total."""
    blocks = gpd.read_file(pvd_files["blocks"])
    points = gpd.GeoDataFrame(geometry=blocks.geometry.representative_point().values, crs=blocks.crs)
    points.to_file(tmp_path / "points.gpkg")
    wards = gpd.read_file(pvd_files["wards"])
    inner = gpd.sjoin(points, wards[["id", "geometry"]], predicate="intersects")
    inner = inner[~inner.index.duplicated()]
    persons = blocks["TOTPOP"].groupby(inner["id"].reindex(blocks.index).to_numpy()).sum()
    wards["persons"] = wards["id"].map(persons).fillna(0).to_numpy()
    wards.to_file(tmp_path / "wards.gpkg")
    code, out = run("partition", "--area", pvd_files["area"], "--units", tmp_path / "wards.gpkg", "--unit-id", "id",
                    "--households", tmp_path / "points.gpkg", "--households-totals", tmp_path / "wards.gpkg",
                    "--totals-column", "persons", "--totals-divisor", 2.3, "--urban", "all",
                    "--out", tmp_path / "out", "-q")
    assert code == 0, out
    import gridmap

    plan = gridmap.Plan.load(tmp_path / "out" / "plan.gpkg")
    unit_of_atom = plan.atoms.set_index("atom_id")["unit_id"]
    got = plan.households.groupby(unit_of_atom.loc[plan.households["atom_id"]].to_numpy())["households"].sum()
    want = (wards.set_index("id")["persons"] / 2.3).rename(index=lambda v: str(int(v)))
    assert got.reindex(want.index).fillna(0).to_numpy() == pytest.approx(want.to_numpy(), abs=1e-6)
    assert plan.households["households"].sum() == pytest.approx(blocks["TOTPOP"].sum() / 2.3, rel=1e-9)


@pytest.mark.parametrize("given, needs", [
    (["--households-column", "hh"], "--households"),
    (["--households-divisor", "2.5"], "--households"),
    (["--totals-column", "hu"], "--households-totals"),
    (["--totals-divisor", "3"], "--households-totals"),
    (["--totals-factor", "4"], "--households-totals"),
    (["--unit-id", "code"], "--units"),
    (["--unit-name", "name"], "--units"),
    (["--units-level", "6"], "--osm"),
    (["--parent-level", "6"], "--osm"),
    (["--area-level", "6"], "--osm"),
])
@pytest.mark.parametrize("command", ["partition", "run"])
def test_an_option_without_the_input_it_applies_to_is_refused(tmp_path, pvd_files, command, given, needs):
    """An option that says how to read another input (or where in the extract) is refused, in the
    reader's language, when that input is not given: it would otherwise be silently unused."""
    base = ["--area", pvd_files["area"]] if needs == "--osm" else ["--osm", LIECHTENSTEIN]
    option = given[0]
    code, out = run(command, *base, *given, "--lang", "en", "--out", tmp_path / "out", "-q")
    assert code == 2 and not (tmp_path / "out").exists()
    assert out.strip() == (f"gridmap: error: {option} is given without {needs}, which it applies to; "
                           f"give {needs} or leave {option} out")
    code, out = run(command, *base, *given, "--lang", "zh", "--out", tmp_path / "out", "-q")
    assert code == 2 and out.strip() == (f"gridmap: error: 给出了 {option}，但没有给出它所作用的 {needs}；"
                                         f"请给出 {needs}，或去掉 {option}")


def test_household_totals_with_census_polygons_is_an_error(tmp_path, pvd_files):
    code, out = run("partition", "--area", pvd_files["area"], "--households", pvd_files["blocks"],
                    "--households-column", "TOTPOP", "--households-totals", pvd_files["wards"],
                    "--totals-column", "id", "--out", tmp_path, "-q", "--lang", "en")
    assert code == 2 and "totals already" in out


def test_rural_grids_by_settlement(tmp_path):
    code, out = run("partition", "--osm", LIECHTENSTEIN, "--area-name", "Liechtenstein", "--rural-grids", "settlement",
                    "--settlement-gap", 150, "--settlement-min", 50, "--out", tmp_path, "-q", "--lang", "en")
    assert code == 0, out
    rural = int(out.split(" urban, ")[1].split(" rural")[0])
    assert rural > 2  # two rural municipalities, now one grid per settlement
    code, out = run("partition", "--osm", LIECHTENSTEIN, "--area-name", "Liechtenstein", "--rural-grids", "hamlet",
                    "--out", tmp_path / "x", "-q")
    assert code == 2 and "hamlet" in out


def test_gcj02_inputs_are_shifted_to_wgs84(tmp_path):
    """The Yingjing county outline ships in GCJ-02 (AMap): --gcj02 area moves it ~350 m back."""
    from gridmap.gcj02 import geometry_to_wgs84
    from tests.conftest import DATA

    outline = DATA / "china" / "county_511822_gcj02.geojson"
    raw = gpd.read_file(outline).to_crs(4326)
    wgs = gpd.GeoDataFrame(geometry=geometry_to_wgs84(raw.geometry.values), crs=4326)
    # households: a grid of points well inside the outline
    inner = wgs.geometry.iloc[0].buffer(-0.02)
    x0, y0, x1, y1 = inner.bounds
    pts = [shapely.Point(x, y) for x in np.linspace(x0, x1, 30) for y in np.linspace(y0, y1, 30)]
    pts = [p for p in pts if inner.contains(p)]
    gpd.GeoDataFrame({"hh": np.full(len(pts), 40.0)}, geometry=pts, crs=4326).to_file(tmp_path / "hh.gpkg")
    code, out = run("partition", "--area", outline, "--gcj02", "area", "--households", tmp_path / "hh.gpkg",
                    "--households-column", "hh", "--urban", "all", "--out", tmp_path / "out", "-q")
    assert code == 0, out
    import gridmap

    plan = gridmap.Plan.load(tmp_path / "out" / "plan.gpkg")
    area = plan["area"]
    got = area.to_crs(4547).geometry.iloc[0]
    want = wgs.to_crs(4547).geometry.iloc[0]
    moved = raw.to_crs(4547).geometry.iloc[0]
    assert got.hausdorff_distance(want) < 1.0  # metres
    assert 200 < got.centroid.distance(moved.centroid) < 600  # the GCJ-02 offset here, metres
    # with --osm, only household files can be GCJ-02
    code, out = run("partition", "--osm", LIECHTENSTEIN, "--area-name", "Liechtenstein", "--gcj02", "roads",
                    "--out", tmp_path / "x", "-q")
    assert code == 2 and "WGS 84" in out


def test_bd09_inputs_are_shifted_to_wgs84(tmp_path):
    """Files in BD-09 (Baidu Maps' datum, e.g. households located with Baidu's API) are shifted to WGS 84
    with --bd09: the Yingjing outline and a grid of households, both given in BD-09, give the plan of the
    same files in WGS 84 (to a millimetre); a file cannot be in two datums."""
    from gridmap.gcj02 import gcj02_to_bd09, geometry_to_wgs84, wgs84_to_gcj02
    from gridmap.plan import Plan
    from tests.conftest import DATA

    raw = gpd.read_file(DATA / "china" / "county_511822_gcj02.geojson").to_crs(4326)  # GCJ-02
    wgs = gpd.GeoDataFrame(geometry=geometry_to_wgs84(raw.geometry.values), crs=4326)
    to_bd09 = lambda xy: np.column_stack(gcj02_to_bd09(*wgs84_to_gcj02(xy[:, 0], xy[:, 1])))  # noqa: E731
    inner = wgs.geometry.iloc[0].buffer(-0.02)
    x0, y0, x1, y1 = inner.bounds
    pts = [p for p in (shapely.Point(x, y) for x in np.linspace(x0, x1, 25) for y in np.linspace(y0, y1, 25))
           if inner.contains(p)]
    gpd.GeoDataFrame({"hh": np.full(len(pts), 40.0)}, geometry=pts, crs=4326).to_file(tmp_path / "hh.gpkg")
    gpd.GeoDataFrame({"hh": np.full(len(pts), 40.0)}, geometry=shapely.transform(np.array(pts), to_bd09),
                     crs=4326).to_file(tmp_path / "hh_bd09.gpkg")
    wgs.to_file(tmp_path / "area.gpkg")
    gpd.GeoDataFrame(geometry=shapely.transform(wgs.geometry.values, to_bd09), crs=4326).to_file(
        tmp_path / "area_bd09.gpkg")
    common = ["--households-column", "hh", "--urban", "all", "-q", "--lang", "en"]
    code, out = run("partition", "--area", tmp_path / "area.gpkg", "--households", tmp_path / "hh.gpkg", *common,
                    "--out", tmp_path / "wgs")
    assert code == 0, out
    code, out = run("partition", "--area", tmp_path / "area_bd09.gpkg", "--households", tmp_path / "hh_bd09.gpkg",
                    "--bd09", "area", "--bd09", "households", *common, "--out", tmp_path / "bd09")
    assert code == 0, out
    plain, shifted = Plan.load(tmp_path / "wgs" / "plan.gpkg"), Plan.load(tmp_path / "bd09" / "plan.gpkg")
    assert shifted.meta["inputs"]["bd09_shifted"] == ["area", "households"]
    a, b = plain["area"].to_crs(4547).geometry.iloc[0], shifted["area"].to_crs(4547).geometry.iloc[0]
    assert a.hausdorff_distance(b) < 1e-3  # metres
    assert b.centroid.distance(gpd.read_file(tmp_path / "area_bd09.gpkg").to_crs(4547).geometry.iloc[0].centroid) > 500
    assert shifted["grids"]["households"].sum() == plain["grids"]["households"].sum() == 40.0 * len(pts)
    assert len(shifted["grids"]) == len(plain["grids"])
    code, out = run("partition", "--area", tmp_path / "area_bd09.gpkg", "--bd09", "area", "--gcj02", "area",
                    "--out", tmp_path / "x", "--lang", "en")
    assert code == 2 and "area is declared both GCJ-02 (--gcj02) and BD-09 (--bd09)" in out
    assert not (tmp_path / "x").exists()
    code, out = run("partition", "--osm", LIECHTENSTEIN, "--bd09", "roads", "--out", tmp_path / "x", "--lang", "zh")
    assert code == 2 and out.strip() == ("gridmap: error: --bd09 roads：没有给出道路文件，而 OSM 数据是 WGS 84 坐标；"
                                         "请只列出是 BD-09 坐标的文件")


def test_osm_with_a_countys_own_roads_and_buildings(tmp_path):
    """Line files given with --osm join the extract's lines (noded with them); a buildings file replaces
    the extract's buildings. Before, both were silently not read."""
    from gridmap.inputs.osm import read_osm
    from gridmap.plan import Plan

    # two roads of the county's own survey across Vaduz: a GBK Shapefile, a Chinese name column, no class
    lines = [shapely.LineString([(9.515, 47.125), (9.535, 47.15)]), shapely.LineString([(9.50, 47.14), (9.54, 47.13)])]
    gpd.GeoDataFrame({"名称": ["新路一", "新路二"]}, geometry=lines, crs=4326).to_file(tmp_path / "roads.shp",
                                                                                   encoding="gbk")
    common = ["--osm", LIECHTENSTEIN, "--area-name", "Liechtenstein", "--urban", "all", "-q", "--lang", "en"]
    code, out = run("partition", *common, "--out", tmp_path / "plain")
    assert code == 0, out
    code, out = run("partition", *common, "--roads", tmp_path / "roads.shp", "--out", tmp_path / "own")
    assert code == 0, out
    plain, own = Plan.load(tmp_path / "plain" / "plan.gpkg"), Plan.load(tmp_path / "own" / "plan.gpkg")
    assert len(own.layers["roads"]) == len(plain.layers["roads"]) + 2
    classes = own.layers["roads"]["highway"].value_counts() - plain.layers["roads"]["highway"].value_counts()
    assert classes[classes != 0].to_dict() == {"residential": 2}  # a file's line without a class
    assert own.meta["inputs"]["line_files"] == {"roads": [str(tmp_path / "roads.shp")]}
    assert own.meta["inputs"]["road_network"]["crossings_noded"] > 0 and "noded" in out
    # the new roads cut the atoms they cross, and the plan holds
    assert len(own.layers["atoms"]) != len(plain.layers["atoms"])
    assert own.layers["atoms"]["households"].sum() == pytest.approx(plain.layers["atoms"]["households"].sum())
    code, out = run("validate", tmp_path / "own" / "plan.gpkg", "--lang", "en")
    assert code == 0, out

    # the extract's own buildings given as a file: the same plan; a third of them: fewer households
    buildings = read_osm(LIECHTENSTEIN).buildings
    buildings.to_file(tmp_path / "buildings.gpkg")
    code, out = run("partition", *common, "--buildings", tmp_path / "buildings.gpkg", "--out", tmp_path / "same")
    assert code == 0, out
    same = Plan.load(tmp_path / "same" / "plan.gpkg")
    assert same.layers["grids"]["households"].tolist() == plain.layers["grids"]["households"].tolist()
    buildings.iloc[::3].to_file(tmp_path / "third.gpkg")
    code, out = run("partition", *common, "--buildings", tmp_path / "third.gpkg", "--out", tmp_path / "third")
    assert code == 0, out
    third = Plan.load(tmp_path / "third" / "plan.gpkg")
    assert 0.2 < third.layers["grids"]["households"].sum() / plain.layers["grids"]["households"].sum() < 0.5
    assert third.meta["inputs"]["buildings"] == str(tmp_path / "third.gpkg")

    # GCJ-02 may be said of the files given, not of the extract
    code, out = run("partition", *common, "--roads", tmp_path / "roads.shp", "--gcj02", "buildings", "--out",
                    tmp_path / "x")
    assert code == 2 and "no buildings file" in out and not (tmp_path / "x").exists()
    code, out = run("partition", *common, "--gcj02", "all", "--out", tmp_path / "x")
    assert code == 2 and "WGS 84" in out and not (tmp_path / "x").exists()


def test_area_name_is_found_at_its_own_level(tmp_path):
    """--area-name Vaduz (a municipality, admin_level 8) was refused as "no boundary named 'Vaduz' at
    admin_level 2" unless --area-level 8 was given too; the named boundary's own level is now the default."""
    from gridmap.plan import Plan

    code, out = run("partition", "--osm", LIECHTENSTEIN, "--area-name", "Vaduz", "--urban", "all", "--out",
                    tmp_path / "vaduz", "-q", "--lang", "en")
    assert code == 0, out
    plan = Plan.load(tmp_path / "vaduz" / "plan.gpkg")
    assert plan.area_name == "Vaduz" and len(plan.layers["units"]) == 1
    code, out = run("partition", "--osm", LIECHTENSTEIN, "--area-name", "Vaduz", "--area-level", "2", "--out",
                    tmp_path / "x", "-q", "--lang", "en")  # a level given is kept to
    assert code == 2 and "no boundary named 'Vaduz' at admin_level 2" in out


def test_missing_osm_file_is_a_one_line_error(tmp_path):
    code, out = run("run", "--osm", tmp_path / "nowhere.osm.pbf", "--out", tmp_path / "o", "--lang", "en")
    assert code == 2 and "nowhere.osm.pbf: no such file" in out and "internal error" not in out
    assert not (tmp_path / "o").exists()


def test_gcj02_needs_degrees(tmp_path):
    from tests.conftest import DATA

    projected = gpd.read_file(DATA / "china" / "county_511822_gcj02.geojson").to_crs(4547)
    projected.to_file(tmp_path / "area.gpkg")
    code, out = run("partition", "--area", tmp_path / "area.gpkg", "--gcj02", "area", "--out", tmp_path / "o", "-q",
                    "--lang", "en")
    assert code == 2 and "longitudes and latitudes" in out
    code, out = run("partition", "--area", tmp_path / "area.gpkg", "--bd09", "area", "--out", tmp_path / "o", "-q",
                    "--lang", "zh")
    assert code == 2 and "BD-09 坐标是经纬度" in out and "去掉 --bd09" in out


def test_units_named_by_the_code_table(tmp_path):
    """Villages of 荥经县 named as on the ground get their NBS codes; grids get 15-digit codes."""
    import gridmap
    from tests.conftest import DATA

    names = ["城东社区", "城北社区居委会", "青仁村", "同心村", "无此村"]
    squares = [shapely.box(i * 1000.0, 0, (i + 1) * 1000.0, 1000.0) for i in range(len(names))]
    crs = "EPSG:4543"  # CGCS2000 GK zone of Yingjing (102°E)
    x0, y0 = 500000.0, 3290000.0
    squares = [shapely.affinity.translate(g, x0, y0) for g in squares]
    gpd.GeoDataFrame({"name": names}, geometry=squares, crs=crs).to_file(tmp_path / "villages.gpkg")
    pts = [shapely.Point(x0 + x, y0 + y) for x in np.arange(25, 5000, 50) for y in np.arange(25, 1000, 50)]
    gpd.GeoDataFrame({"hh": np.full(len(pts), 4.0)}, geometry=pts, crs=crs).to_file(tmp_path / "hh.gpkg")
    code, out = run("partition", "--units", tmp_path / "villages.gpkg", "--households", tmp_path / "hh.gpkg",
                    "--households-column", "hh", "--urban", "all", "--code-table", DATA / "china",
                    "--county-code", "511822", "--out", tmp_path / "out", "-q", "--lang", "en")
    assert code == 0, out
    assert "4 of 5 units named by the code table" in out and "无此村 (none)" in out
    plan = gridmap.Plan.load(tmp_path / "out" / "plan.gpkg")
    units = plan.units.set_index("name")
    assert units.loc["城东社区", "unit_id"] == "511822001001"
    assert units.loc["青仁村", "unit_id"] == "511822001200"
    assert units.loc["青仁村", "parent_id"] == "511822001" and units.loc["青仁村", "parent_name"] == "严道街道"
    coded = plan.grids[plan.grids["unit_id"].str.fullmatch(r"\d{12}")]
    assert len(coded) >= 4 and coded["grid_id"].str.fullmatch(r"\d{15}").all()
    faults = gridmap.validate_plan(plan)
    assert not faults.faults["fault"].isin(["malformed_code", "duplicate_code"]).any()
    code, out = run("partition", "--units", tmp_path / "villages.gpkg", "--households", tmp_path / "hh.gpkg",
                    "--households-column", "hh", "--county-code", "511822", "--out", tmp_path / "x", "-q")
    assert code == 2 and "--code-table" in out


def test_run_validates_against_the_band_given_on_the_command_line(tmp_path):
    """Issue #17: --band 200 400 overrides the preset's 300-500 for the plan AND its validation."""
    import pyogrio

    from gridmap.config import Band
    from gridmap.plan import Plan

    code, out = run("run", "--preset", "yingjing", "--band", 200, 400, "--osm", LIECHTENSTEIN,
                    "--area-name", "Liechtenstein", "--urban", "all", "--out", tmp_path, "-q")
    assert code == 0, out
    plan = Plan.load(tmp_path / "plan.gpkg")
    assert plan.config.band == Band(200, 400) and plan.config.reach.mode == "ebike"  # the preset's other rules
    grids = plan.grids
    band = Band(200, 400)
    outside = set(grids.loc[~band.contains(grids["households"].to_numpy(float))
                            & (grids["households"] > 0), "grid_id"])
    faults = pyogrio.read_dataframe(tmp_path / "faults.gpkg", layer="faults", read_geometry=False)
    out_of_band = faults[faults["fault"] == "out_of_band"]
    # every out-of-band fault is a grid outside 200-400 (against 300-500 there were 49 errors)
    assert set(out_of_band["grid_id"]) == outside
    urban_outside = set(grids.loc[grids["regime"] == "urban", "grid_id"]) & outside
    # an urban grid out of band is an error unless the plan proved no in-band split of its part exists
    proven = set(grids.loc[grids["flag_proven"], "grid_id"])
    assert set(out_of_band.loc[out_of_band["level"] == "error", "grid_id"]) == urban_outside - proven
    assert urban_outside & proven <= set(out_of_band.loc[out_of_band["level"] == "warning", "grid_id"])
    assert len(urban_outside) <= 1


def test_every_command_has_verbose_and_quiet_and_python_m_gridmap_works():
    import subprocess
    import sys

    from gridmap.cli.main import cli

    for name, command in cli.commands.items():
        opts = {o for p in command.params for o in getattr(p, "opts", [])}
        assert {"-v", "-q"} <= opts, name
    import os

    done = subprocess.run([sys.executable, "-m", "gridmap", "--help"], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "GRIDMAP_LANG": "en"})
    assert done.returncode == 0 and "Usage: gridmap" in done.stdout


def test_progress_is_silent_when_piped(capsys):
    from gridmap.cli.options import Progress

    progress = Progress()
    progress.tty = False
    progress("partition", 0, 3)
    progress("partition", 3, 3)
    progress.close()
    assert capsys.readouterr().err == ""


def test_partition_lock_marks_grids_and_bad_lock_writes_nothing(tmp_path, pvd_files, pvd_plan):
    """``partition --lock/--lock-file`` marks the named grids locked; an unknown id is a one-line error, exit 2."""
    ids = sorted(pvd_plan.grids["grid_id"].astype(str))
    (tmp_path / "locks.txt").write_text(f"# walked in May\n{ids[2]}\n", encoding="utf-8")
    args = ["partition", "--area", pvd_files["area"], "--units", pvd_files["wards"], "--unit-id", "id",
            "--households", pvd_files["blocks"], "--households-column", "TOTPOP", "--households-divisor", 2.3,
            "--urban", "all"]
    code, out = run(*args, "--lock", ids[0], "--lock", ids[1], "--lock-file", tmp_path / "locks.txt",
                    "--out", tmp_path / "out", "-q")
    assert code == 0, out
    import gridmap

    grids = gridmap.Plan.load(tmp_path / "out" / "plan.gpkg").grids
    assert sorted(grids.loc[grids["locked"].astype(bool), "grid_id"].astype(str)) == ids[:3]
    code, out = run(*args, "--lock", "no-such-grid", "--out", tmp_path / "bad", "-q")
    assert code == 2 and "no-such-grid" in out and len(out.strip().splitlines()) == 1, out
    assert not (tmp_path / "bad").exists()
