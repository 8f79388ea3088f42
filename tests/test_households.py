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
