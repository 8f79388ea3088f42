"""Exports and QGIS styles: GeoJSON in WGS 84, GeoParquet, the Excel workbook, layer_styles in plan.gpkg."""
from __future__ import annotations

import json
import sqlite3
import xml.dom.minidom

import pytest
from click.testing import CliRunner

import gridmap
from gridmap.cli.main import cli
from gridmap.plan import Plan


@pytest.fixture(scope="module")
def saved(li_plan, tmp_path_factory):
    plan = gridmap.staff_and_reach(li_plan)
    return plan, plan.save(tmp_path_factory.mktemp("export") / "plan.gpkg")


def test_plan_gpkg_holds_qgis_styles_and_loads_without_them(saved):
    plan, path = saved
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT f_table_name, f_geometry_column, useAsDefault, styleQML FROM layer_styles").fetchall()
        registered = db.execute("SELECT data_type FROM gpkg_contents WHERE table_name = 'layer_styles'").fetchone()
    assert registered == ("attributes",)
    styled = {r[0]: r for r in rows}
    assert {"grids", "units", "area", "workers", "bases"} <= set(styled)
    grids = styled["grids"]
    assert grids[1] == "geom" and grids[2] == 1
    qml = grids[3]
    xml.dom.minidom.parseString(qml.split("\n", 1)[1])  # well-formed
    assert "RuleRenderer" in qml and "&quot;households&quot; &gt; 500" in qml and "低于下限" in qml
    assert 'labelsEnabled="1"' in qml and "households" in qml and "户" in qml
    assert "layer_styles" not in Plan.load(path).layers
    # saved again: one gridmap style per layer, not two
    Plan.load(path).save(path)
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM layer_styles WHERE f_table_name = 'grids'").fetchone()[0] == 1


def test_export_geojson_xlsx_and_gpkg(saved, tmp_path):
    plan, path = saved
    result = CliRunner().invoke(cli, ["export", str(path), "--out", str(tmp_path / "gj"), "--format", "geojson",
                                      "--layer", "grids", "--layer", "workers"])
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "gj" / "grids.geojson").read_text(encoding="utf-8"))
    assert len(data["features"]) == len(plan.grids)
    lon, lat = data["features"][0]["geometry"]["coordinates"][0][0][:2]
    assert 9 < lon < 10 and 47 < lat < 47.3   # WGS 84 longitude, latitude
    result = CliRunner().invoke(cli, ["export", str(path), "--out", str(tmp_path / "x"), "--format", "xlsx",
                                      "--lang", "zh"])
    assert result.exit_code == 0, result.output
    from openpyxl import load_workbook

    book = load_workbook(tmp_path / "x" / "grids.xlsx")
    assert book.sheetnames[0] == "网格" and book["网格"].max_row == len(plan.grids) + 1
    result = CliRunner().invoke(cli, ["export", str(path), "--out", str(tmp_path / "g"), "--layer", "grids"])
    assert result.exit_code == 0 and (tmp_path / "g" / "grids.gpkg").exists()


def test_export_parquet(saved, tmp_path):
    pytest.importorskip("pyarrow")
    import geopandas as gpd

    plan, path = saved
    result = CliRunner().invoke(cli, ["export", str(path), "--out", str(tmp_path), "--format", "parquet",
                                      "--layer", "grids"])
    assert result.exit_code == 0, result.output
    back = gpd.read_parquet(tmp_path / "grids.parquet")
    assert len(back) == len(plan.grids) and back.crs == plan.grids.crs
