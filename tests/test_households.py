import geopandas as gpd
import numpy as np
import pytest
import shapely

from gridmap import households as hh
from gridmap.config import HouseholdRule
from gridmap.errors import InputError

CRS = "EPSG:32632"


def square(x, y, side):
    return shapely.box(x, y, x + side, y + side)


def test_buildings_estimate_by_type():
    buildings = gpd.GeoDataFrame({
        "building": ["house", "apartments", "yes", "yes", "garage", "yes"],
        "levels": [np.nan, 5.0, np.nan, np.nan, np.nan, np.nan],
        "housenumber": ["1", "2", "3", "", "4", "5"],
    }, geometry=[square(0, 0, 12), square(100, 0, 20), square(200, 0, 15), square(300, 0, 15),
                 square(400, 0, 6), square(500, 0, 60)], crs=CRS)
    out = hh.from_buildings(buildings)
    counts = dict(zip(out["source"], out["households"]))
    assert counts["building:house"] == 1                    # a family house is one household
    assert counts["building:apartments"] == round(400 * 5 / 90)   # 400 m² × 5 levels ÷ 90 m²
    # untyped with an address: 225 m² × 2 levels ÷ 250 m² -> 2; without address or
    # above the hall size (3,600 m²) none; a garage none
    assert out["households"].sum() == 1 + 22 + 2
    assert out.attrs["total"] == 25


def test_building_rule_can_be_overridden():
    buildings = gpd.GeoDataFrame({"building": ["apartments"], "levels": [2.0], "housenumber": [""]},
                                 geometry=[square(0, 0, 30)], crs=CRS)
    rule = HouseholdRule(dwelling_m2={"apartments": 60.0})
    assert hh.from_buildings(buildings, rule)["households"].sum() == 30


def test_buildings_need_metric_crs():
    buildings = gpd.GeoDataFrame({"building": ["house"]}, geometry=[square(9, 47, 0.001)], crs=4326)
    with pytest.raises(InputError, match="metric CRS"):
        hh.from_buildings(buildings)


def test_points_with_counts_and_divisor():
    points = gpd.GeoDataFrame({"persons": [23, 46]}, geometry=shapely.points([0, 1], [0, 1]), crs=CRS)
    out = hh.from_points(points, "persons", divisor=2.3)
    assert out["households"].tolist() == pytest.approx([10, 20])
    assert hh.from_points(points)["households"].sum() == 2


def test_bad_counts_are_named():
    points = gpd.GeoDataFrame({"n": ["3", "x"]}, geometry=shapely.points([0, 1], [0, 1]), crs=CRS)
    with pytest.raises(InputError, match="non-numeric"):
        hh.from_points(points, "n")
    with pytest.raises(InputError, match="no column 'm'"):
        hh.from_points(points, "m")


def test_points_outside_the_area():
    points = gpd.GeoDataFrame({"households": [1.0, 2.0]}, geometry=shapely.points([5, 50], [5, 50]), crs=CRS)
    with pytest.raises(InputError, match="1 point.*outside the area"):
        hh.inside_area(points, square(0, 0, 10))
    kept = hh.inside_area(points, square(0, 0, 10), drop=True)
    assert len(kept) == 1 and kept.attrs["dropped_outside"] == 1


# --------------------------------------------------------------------------- totals per polygon
def _points(xy, counts):
    return gpd.GeoDataFrame({"households": np.asarray(counts, float), "source": "building:yes"},
                            geometry=[shapely.Point(x, y) for x, y in xy], crs=CRS)


def test_scale_to_totals_shares_each_total_by_the_estimate():
    totals = gpd.GeoDataFrame({"hh": [10.0, 0.0, 5.0]},
                              geometry=[square(0, 0, 10), square(20, 0, 10), square(40, 0, 10)], crs=CRS)
    points = _points([(1, 1), (5, 5), (25, 5), (100, 100)], [1, 3, 4, 2])
    out = hh.scale_to_totals(points, totals, "hh")
    got = dict(zip(zip(out.geometry.x, out.geometry.y), out["households"]))
    assert got[(1.0, 1.0)] == pytest.approx(2.5) and got[(5.0, 5.0)] == pytest.approx(7.5)
    assert (25.0, 5.0) not in got  # a polygon whose total is 0 keeps no households
    assert got[(100.0, 100.0)] == 2.0  # inside no polygon: unchanged
    # a polygon with a total and no point: one point inside it, source "totals"
    extra = out[out["source"] == "totals"]
    assert len(extra) == 1 and extra["households"].iloc[0] == 5.0
    assert square(40, 0, 10).contains(extra.geometry.iloc[0])
    assert out.attrs["total"] == pytest.approx(10 + 2 + 5)
    assert out.attrs["polygons_without_points"] == 1 and out.attrs["points_outside_totals"] == 1
    assert "scaled to the totals (hh) of 3 polygons" in out.attrs["method"]


def test_scale_to_totals_bad_layers():
    points = _points([(1, 1)], [1])
    with pytest.raises(InputError, match="expected polygons"):
        hh.scale_to_totals(points, gpd.GeoDataFrame({"hh": [1.0]}, geometry=[shapely.Point(0, 0)], crs=CRS), "hh")
    with pytest.raises(InputError, match="no column 'persons'"):
        hh.scale_to_totals(points, gpd.GeoDataFrame({"hh": [1.0]}, geometry=[square(0, 0, 5)], crs=CRS), "persons")
    with pytest.raises(InputError, match="negative"):
        hh.scale_to_totals(points, gpd.GeoDataFrame({"hh": [-1.0]}, geometry=[square(0, 0, 5)], crs=CRS), "hh")
    with pytest.raises(InputError, match="empty"):
        hh.scale_to_totals(points, gpd.GeoDataFrame({"hh": []}, geometry=[], crs=CRS), "hh")


def test_liechtenstein_estimate_scaled_to_municipal_totals(li_inputs):
    """Building estimates keep their pattern but add up to each municipality's total."""
    import dataclasses

    import gridmap

    units = li_inputs.units
    # totals: 73 % of each municipality's estimate, rounded (the 2020 census has ~17k
    # households against the ~23k estimated from buildings)
    base = gridmap.make_plan(li_inputs, gridmap.PlanConfig(urban=gridmap.UrbanRule(mode="all")))
    per_unit = base.households.groupby(base.atoms.set_index("atom_id").loc[base.households["atom_id"], "unit_id"]
                                       .to_numpy())["households"].sum()
    want = np.round(0.73 * per_unit.reindex(units["unit_id"]).fillna(0).to_numpy())
    totals = gpd.GeoDataFrame({"households": want}, geometry=units.geometry.values, crs=units.crs)
    inputs = dataclasses.replace(li_inputs, totals=totals)
    plan = gridmap.make_plan(inputs, gridmap.PlanConfig(urban=gridmap.UrbanRule(mode="all")))
    got = plan.households.groupby(plan.atoms.set_index("atom_id").loc[plan.households["atom_id"], "unit_id"]
                                  .to_numpy())["households"].sum().reindex(units["unit_id"]).fillna(0).to_numpy()
    assert got == pytest.approx(want, abs=1e-6)
    assert plan.households["households"].sum() == pytest.approx(want.sum())
    assert "scaled to the totals" in plan.summary()["household_method"]
