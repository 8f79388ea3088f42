"""Shared fixtures: the bundled real data, and plans made from it once per test session."""
from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from hypothesis import settings

# Property tests draw the same examples on every run and keep no example database: a test
# that fails at random blocks every landing (#18). Failures found once become explicit cases.
settings.register_profile("gridmap", derandomize=True, database=None, print_blob=True)
settings.load_profile("gridmap")

# Every test reads its OSM extract afresh (the cache is tested on its own, in a folder of its own);
# CLI runs in subprocesses inherit this.
os.environ["GRIDMAP_CACHE"] = "off"

DATA = Path(__file__).resolve().parent.parent / "data"
LIECHTENSTEIN = DATA / "liechtenstein.osm.pbf"
PROVIDENCE = DATA / "providence"


@pytest.fixture(scope="session")
def li_inputs():
    import gridmap

    return gridmap.inputs_from_osm(LIECHTENSTEIN, area_name="Liechtenstein", units_level=8)


@pytest.fixture(scope="session")
def li_plan(li_inputs):
    """The demo plan: Liechtenstein, every municipality urban, 300-500 households."""
    import gridmap

    config = gridmap.PlanConfig(band=(300, 500), seed=0, urban=gridmap.UrbanRule(mode="all"))
    return gridmap.make_plan(li_inputs, config)


@pytest.fixture(scope="session")
def pvd_files(tmp_path_factory):
    """Providence census blocks, wards and the city outline as GeoPackages."""
    folder = tmp_path_factory.mktemp("providence")
    blocks = gpd.read_file(PROVIDENCE / "blocks.zip")
    blocks[["GEOID10", "TOTPOP", "WARD", "geometry"]].to_file(folder / "blocks.gpkg")
    gpd.read_file(PROVIDENCE / "districts.zip").to_file(folder / "wards.gpkg")
    area = gpd.GeoDataFrame({"name": ["Providence"]}, geometry=[shapely.union_all(blocks.geometry.values)],
                            crs=blocks.crs)
    area.to_file(folder / "area.gpkg")
    return {"blocks": folder / "blocks.gpkg", "wards": folder / "wards.gpkg", "area": folder / "area.gpkg"}


@pytest.fixture(scope="session")
def pvd_plan(pvd_files):
    """Providence blocks as atoms, wards as units, households = TOTPOP / 2.3, all urban."""
    import gridmap

    inputs = gridmap.inputs_from_files(area=pvd_files["area"], units=pvd_files["wards"], unit_id="id",
                                       households=pvd_files["blocks"], households_column="TOTPOP",
                                       households_divisor=2.3)
    return gridmap.make_plan(inputs, gridmap.PlanConfig(urban=gridmap.UrbanRule(mode="all")))


@pytest.fixture(scope="session")
def li_default_plan(li_inputs):
    """Liechtenstein under the default rules: each municipality by where its people live."""
    import gridmap

    return gridmap.make_plan(li_inputs, gridmap.PlanConfig(band=(300, 500), seed=0))
