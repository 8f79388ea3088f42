"""GCJ-02 transform against the published reference implementation's values."""
from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from gridmap.gcj02 import gcj02_to_wgs84, geometry_to_gcj02, geometry_to_wgs84, out_of_china, wgs84_to_gcj02

CHINA = Path(__file__).resolve().parent.parent / "data" / "china"

#: Test vectors of eviltransform (github.com/googollee/eviltransform, python/test.py):
#: WGS 84 latitude, longitude -> GCJ-02 latitude, longitude.
PUBLISHED = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),  # Shanghai
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),  # Shenzhen
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),  # Beijing
]


def reference_wgs2gcj(lat: float, lng: float) -> tuple[float, float]:
    """Scalar transcription of the reference algorithm (eviltransform / coordtransform), lat-first."""
    if not (72.004 <= lng <= 137.8347 and 0.8293 <= lat <= 55.8271):
        return lat, lng
    a, ee = 6378245.0, 0.00669342162296594323
    x, y = lng - 105.0, lat - 35.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    dlat += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    dlat += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    dlat += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    dlng = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    dlng += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    dlng += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    dlng += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    radlat = lat / 180.0 * math.pi
    magic = 1 - ee * math.sin(radlat) ** 2
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((a * (1 - ee)) / (magic * sqrtmagic) * math.pi)
    dlng = (dlng * 180.0) / (a / sqrtmagic * math.cos(radlat) * math.pi)
    return lat + dlat, lng + dlng


@pytest.mark.parametrize("wlat,wlon,glat,glon", PUBLISHED)
def test_published_vectors(wlat, wlon, glat, glon):
    lon, lat = wgs84_to_gcj02(wlon, wlat)
    assert abs(lon - glon) < 1e-9 and abs(lat - glat) < 1e-9
    back_lon, back_lat = gcj02_to_wgs84(glon, glat)
    assert abs(back_lon - wlon) < 1e-6 and abs(back_lat - wlat) < 1e-6


def test_vectorised_matches_scalar_reference():
    rng = np.random.default_rng(0)
    lon = rng.uniform(73.0, 135.0, 2000)
    lat = rng.uniform(18.0, 53.5, 2000)
    glon, glat = wgs84_to_gcj02(lon, lat)
    expected = np.array([reference_wgs2gcj(b, a) for a, b in zip(lon, lat)])
    assert np.max(np.abs(glat - expected[:, 0])) < 1e-9
    assert np.max(np.abs(glon - expected[:, 1])) < 1e-9
    # the shift inside China is real: tens to hundreds of metres
    shift = np.hypot(glon - lon, glat - lat)
    assert shift.min() > 1e-4 and shift.max() < 0.02
    wlon, wlat = gcj02_to_wgs84(glon, glat)
    assert np.max(np.abs(wlon - lon)) < 1e-6 and np.max(np.abs(wlat - lat)) < 1e-6
    assert np.max(np.abs(wlon - lon)) < 1e-9  # in fact far better


def test_outside_china_unchanged():
    lon = np.array([9.52, -104.9903, 151.2, 2.35])  # Vaduz, Denver, Sydney, Paris
    lat = np.array([47.14, 39.7392, -33.87, 48.85])
    assert out_of_china(lon, lat).all()
    glon, glat = wgs84_to_gcj02(lon, lat)
    assert np.array_equal(glon, lon) and np.array_equal(glat, lat)
    wlon, wlat = gcj02_to_wgs84(lon, lat)
    assert np.array_equal(wlon, lon) and np.array_equal(wlat, lat)


def test_shapes_are_kept():
    lon = np.full((3, 4), 116.4)
    lat = np.full((3, 4), 39.9)
    glon, glat = wgs84_to_gcj02(lon, lat)
    assert glon.shape == (3, 4) and glat.shape == (3, 4)
    scalar = wgs84_to_gcj02(116.4, 39.9)
    assert np.ndim(scalar[0]) == 0 and float(scalar[0]) == pytest.approx(glon[0, 0])


@pytest.mark.parametrize("path", sorted(CHINA.glob("county_*_gcj02.geojson")), ids=lambda p: p.stem)
def test_county_outline_round_trip(path):
    """The shipped county outlines are GCJ-02: to WGS 84 and back lands on the same vertices."""
    county = gpd.read_file(path)
    gcj = county.geometry
    wgs = geometry_to_wgs84(gcj)
    assert isinstance(wgs, gpd.GeoSeries) and wgs.index.equals(gcj.index) and wgs.crs == gcj.crs
    again = geometry_to_gcj02(wgs)
    original = shapely.get_coordinates(gcj.values)
    moved = shapely.get_coordinates(wgs.values)
    back = shapely.get_coordinates(again.values)
    assert original.shape == back.shape
    assert np.max(np.abs(back - original)) < 1e-6
    shift = np.hypot(*(moved - original).T)
    assert shift.min() > 1e-4  # every vertex moved by the datum offset (> ~10 m)
    assert shapely.is_valid(again.values).all() == shapely.is_valid(gcj.values).all()


def test_bd09_matches_the_published_example_and_inverts():
    """BD-09 (Baidu): Beijing railway station, GCJ-02 (116.42703, 39.90245) is BD-09 (116.43351, 39.90851)
    (the example of the R package `coordtransform`'s documentation, to its 5 decimals); the inverse is exact to
    1e-9 degrees, where the closed form usually given is off by up to ~1e-6."""
    from gridmap.gcj02 import bd09_to_gcj02, bd09_to_wgs84, gcj02_to_bd09

    lon, lat = gcj02_to_bd09(116.42703, 39.90245)
    assert abs(lon - 116.43351) < 1e-5 and abs(lat - 39.90851) < 1e-5  # (its 5 decimals: 39.908503 here)
    rng = np.random.default_rng(3)
    lon = rng.uniform(73.0, 135.0, 2000)
    lat = rng.uniform(18.0, 53.5, 2000)
    blon, blat = gcj02_to_bd09(lon, lat)
    shift = np.hypot(blon - lon, blat - lat)
    assert shift.min() > 0.005 and shift.max() < 0.01  # about 0.6-1 km
    glon, glat = bd09_to_gcj02(blon, blat)
    assert np.max(np.abs(glon - lon)) < 1e-9 and np.max(np.abs(glat - lat)) < 1e-9
    wlon, wlat = bd09_to_wgs84(*gcj02_to_bd09(*wgs84_to_gcj02(lon, lat)))
    assert np.max(np.abs(wlon - lon)) < 1e-9 and np.max(np.abs(wlat - lat)) < 1e-9
    with pytest.raises(ValueError, match="unknown datum"):
        geometry_to_wgs84(shapely.points([[116.4, 39.9]]), "bd-09")


def test_a_role_in_two_datums_is_refused():
    from gridmap.errors import InputError
    from gridmap.inputs import datum_roles

    assert datum_roles(("households",), ("roads", "area")) == {"households": "gcj02", "roads": "bd09", "area": "bd09"}
    with pytest.raises(InputError, match="households is declared both GCJ-02"):
        datum_roles(("households",), "all")
    with pytest.raises(InputError, match="bd09: unknown input"):
        datum_roles((), ("streets",))
