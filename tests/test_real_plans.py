"""gridmap's own plans on every real input in the suite pass its own validation of the geometry.

A grid that is not a cut-off piece of its unit is one polygon, the grids tile the area and
do not overlap (issue #18): on the Liechtenstein extract (households from buildings, and
from points with counts), on Providence's census blocks and wards, and on the two Chinese
OSM extracts (households from their buildings as points).
"""
import copy

import geopandas as gpd
import numpy as np
import pytest
import shapely

import gridmap
from gridmap import households as hh
from gridmap.config import HouseholdRule
from gridmap.pipeline import Inputs
from gridmap.validate import validate_plan

from .conftest import DATA

GEOMETRY_FAULTS = ("non_contiguous", "gap", "overlap")
CHINA = ("puyang_rural_henan_2022", "shenzhen_longgang_2019")


def _geometry_errors(plan) -> dict:
    summary = validate_plan(plan).summary.set_index("fault")
    return {fault: int(summary.loc[fault, "errors"]) for fault in GEOMETRY_FAULTS}


def _one_piece_or_cut_off(plan):
    """Every grid in several parts is a rural unit kept whole (a village and its exclave)."""
    grids = plan.grids
    parts = np.array([sum(p.area > 1.0 for p in shapely.get_parts(g)) for g in grids.geometry.values])
    assert (grids["regime"][parts > 1] == "rural").all()


def household_points(inputs, rule: HouseholdRule | None = None):
    """The inputs with households as points (the buildings' centroids) carrying counts, not buildings."""
    buildings = inputs.buildings.to_crs(inputs.buildings.estimate_utm_crs())
    buildings = buildings[buildings.geometry.area > 0].reset_index(drop=True)
    estimate = hh.from_buildings(buildings, rule)
    centroids = shapely.centroid(buildings.geometry.values)
    # from_buildings drops buildings without households: find each estimate's building
    building = shapely.STRtree(buildings.geometry.values).query(estimate.geometry.values, predicate="within")
    first = np.unique(building[0], return_index=True)[1]
    points = gpd.GeoDataFrame({"households": estimate["households"].to_numpy()},
                              geometry=centroids[building[1][first]], crs=buildings.crs)
    out = copy.copy(inputs)
    out.households = hh.from_points(points.to_crs(4326), "households")
    out.buildings, out.drop_outside = None, True  # a centroid may fall just outside the area
    return out


@pytest.fixture(scope="module", params=CHINA)
def china_inputs(request):
    """A Chinese OSM extract: its boundaries are cut by the export box, so the area is the box
    of its roads and the whole area one unit; households from all its buildings as points."""
    from gridmap.inputs.osm import read_osm

    osm = read_osm(DATA / "china-osm" / f"{request.param}.osm.pbf")
    area = gpd.GeoDataFrame({"name": [request.param]}, geometry=[shapely.box(*osm.roads.total_bounds)], crs=4326)
    inputs = Inputs(area=area, roads=osm.roads, waterways=osm.waterways, railways=osm.railways,
                                     buildings=osm.buildings)
    return household_points(inputs, HouseholdRule(yes_needs_address=False))


def test_demo_plan_geometry(li_plan):
    assert _geometry_errors(li_plan) == dict.fromkeys(GEOMETRY_FAULTS, 0)
    _one_piece_or_cut_off(li_plan)


def test_providence_plan_geometry(pvd_plan):
    assert _geometry_errors(pvd_plan) == dict.fromkeys(GEOMETRY_FAULTS, 0)
    # its two over-band grids are single blocks nothing can split: warnings, so the plan
    # gridmap wrote passes its own validation
    assert not validate_plan(pvd_plan).has_errors
    _one_piece_or_cut_off(pvd_plan)


@pytest.mark.parametrize("band", [(300.0, 500.0), (30.0, 60.0)])
def test_chinese_extracts_geometry(china_inputs, band):
    # the small band makes the extracts' few buildings fill many grids and split big atoms
    plan = gridmap.make_plan(china_inputs, gridmap.PlanConfig(band=band, urban=gridmap.UrbanRule(mode="all")))
    assert _geometry_errors(plan) == dict.fromkeys(GEOMETRY_FAULTS, 0)
    _one_piece_or_cut_off(plan)
    assert (plan["atoms"].geom_type == "Polygon").all()


@pytest.mark.slow
@pytest.mark.parametrize("urban", ["all", "density"])
def test_liechtenstein_household_points_geometry(li_inputs, urban):
    plan = gridmap.make_plan(household_points(li_inputs), gridmap.PlanConfig(urban=gridmap.UrbanRule(mode=urban)))
    assert _geometry_errors(plan) == dict.fromkeys(GEOMETRY_FAULTS, 0)
    _one_piece_or_cut_off(plan)
    assert (plan["atoms"].geom_type == "Polygon").all()


@pytest.mark.slow
def test_liechtenstein_settlements_geometry(li_inputs):
    config = gridmap.PlanConfig(rural=gridmap.RuralRule(grids="settlement", split_large=True))
    plan = gridmap.make_plan(li_inputs, config)
    assert _geometry_errors(plan) == dict.fromkeys(GEOMETRY_FAULTS, 0)
    _one_piece_or_cut_off(plan)


@pytest.mark.slow
def test_providence_blocks_without_wards_geometry(pvd_files):
    inputs = gridmap.inputs_from_files(area=pvd_files["area"], households=pvd_files["blocks"],
                                       households_column="TOTPOP", households_divisor=2.3)
    plan = gridmap.make_plan(inputs, gridmap.PlanConfig(urban=gridmap.UrbanRule(mode="all")))
    assert _geometry_errors(plan) == dict.fromkeys(GEOMETRY_FAULTS, 0)
    _one_piece_or_cut_off(plan)


@pytest.fixture(scope="module")
def china_demo_inputs():
    """The two Chinese flows of ``make demo-china`` / ``make demo-longgang``, as inputs (built once)."""
    from gridmap.pipeline import inputs_from_osm, set_totals, set_units_from_points

    puyang = inputs_from_osm(DATA / "china-osm" / "puyang_rural_henan_2022.osm.pbf", area_name="濮阳县庆祖镇一带",
                             extract_area=True, close_at_extract=True, parent_level=8)
    set_units_from_points(puyang, places=("village",), parent_level=8)
    set_totals(puyang, DATA / "china" / "puyang_totals.csv")
    longgang = inputs_from_osm(DATA / "china-osm" / "shenzhen_longgang_2019.osm.pbf", area_name="龙岗区横岗荷坳一带",
                               extract_area=True)
    set_totals(longgang, DATA / "china" / "longgang_totals.csv")
    return {"puyang": puyang, "longgang": longgang}


@pytest.mark.parametrize("name, rules", [
    ("puyang", {"urban": {"mode": "none"}, "rural": {"grids": "settlement"}}),  # make demo-china
    pytest.param("puyang", {}, marks=pytest.mark.slow),                        # default rules
    ("longgang", {"urban": {"mode": "all"}}),                                  # make demo-longgang
    pytest.param("longgang", {}, marks=pytest.mark.slow),
])
def test_chinese_demo_flows_geometry(china_demo_inputs, name, rules):
    plan = gridmap.make_plan(china_demo_inputs[name], gridmap.PlanConfig(band=(300, 500), **rules))
    assert _geometry_errors(plan) == dict.fromkeys(GEOMETRY_FAULTS, 0)
    _one_piece_or_cut_off(plan)
    assert (plan["atoms"].geom_type == "Polygon").all()


def test_an_atom_of_742_households_from_points_is_shared_among_grids():
    """#18: a block of 742 households given as points (one per household, at 53 addresses)
    is split along its points into single-polygon pieces, and no grid stays over the band."""
    rng = np.random.default_rng(742)
    addresses = rng.uniform([9.520, 47.140], [9.530, 47.146], size=(53, 2))
    per_address = np.full(53, 14)
    per_address[0] += 742 - per_address.sum()
    points = gpd.GeoDataFrame(geometry=shapely.points(np.repeat(addresses, per_address, axis=0)), crs=4326)
    assert len(points) == 742
    area = gpd.GeoDataFrame({"name": ["block"]}, geometry=[shapely.box(9.519, 47.139, 9.531, 47.147)], crs=4326)
    inputs = Inputs(area=area, households=hh.from_points(points))
    plan = gridmap.make_plan(inputs, gridmap.PlanConfig(band=(300, 500), urban=gridmap.UrbanRule(mode="all")))
    atoms = plan["atoms"]
    assert (atoms["split_from"] == 0).sum() == 53 and (atoms.geom_type == "Polygon").all()
    assert plan.grids["households"].sum() == 742 and plan.grids["households"].max() <= 500
    assert plan.grids["in_band"].all()
    assert _geometry_errors(plan) == dict.fromkeys(GEOMETRY_FAULTS, 0)
