"""GCJ-02 ("Mars coordinates"), the obfuscated datum of Gaode/AMap and other Chinese web maps,
and BD-09, Baidu Maps' datum built on it.

Gaode's tiles are drawn in GCJ-02, which lies 100-700 m off WGS 84 inside China, so
overlays in WGS 84 (or CGCS2000, which agrees with WGS 84 to centimetres) must be
shifted into GCJ-02 before they are drawn over those tiles. Outside China the datum
is WGS 84 itself and points pass through unchanged.

The forward transform is the public one every implementation uses (Krasovsky 1940
ellipsoid constants, checked in tests/test_gcj02.py against the published
eviltransform test vectors). It has no closed-form inverse; :func:`gcj02_to_wgs84`
inverts it by fixed-point iteration to better than 1e-9 degrees (about 0.1 mm).

BD-09 (Baidu) shifts GCJ-02 once more by the public formula every implementation uses (the
``x_pi = pi * 3000 / 180`` rotation and scaling, then +0.0065, +0.006 degrees); it is applied
everywhere, as Baidu does. :func:`bd09_to_gcj02` inverts it by the same fixed-point iteration
(the closed-form approximation implementations usually give is off by up to ~1e-6 degrees).

All functions take and return degrees (longitude first) and work on numpy arrays.
"""
from __future__ import annotations

import numpy as np
import shapely

__all__ = ["out_of_china", "wgs84_to_gcj02", "gcj02_to_wgs84", "gcj02_to_bd09", "bd09_to_gcj02", "bd09_to_wgs84",
           "geometry_to_gcj02", "geometry_to_wgs84", "DATUMS"]

#: The datums an input's longitudes and latitudes may be declared in (besides WGS 84/CGCS2000).
DATUMS = ("gcj02", "bd09")

#: BD-09's constant: pi * 3000 / 180.
_X_PI = np.pi * 3000.0 / 180.0

#: Semi-major axis (m) and first eccentricity squared of the Krasovsky 1940 ellipsoid,
#: the constants of the GCJ-02 algorithm.
_A = 6378245.0
_EE = 0.00669342162296594323

#: Box (lon_min, lat_min, lon_max, lat_max) in which the offset applies, as in the
#: reference implementations (eviltransform, coordtransform).
_BOX = (72.004, 0.8293, 137.8347, 55.8271)


def out_of_china(lon, lat) -> np.ndarray:
    """True where a point lies outside the box in which GCJ-02 differs from WGS 84."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    x0, y0, x1, y1 = _BOX
    return ~((lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1))


def _offset(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 minus WGS 84 (degrees) at WGS 84 points."""
    x = lon - 105.0
    y = lat - 35.0
    common = 20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)
    dlat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
            + (common
               + 20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)
               + 160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y / 30.0 * np.pi)) * 2.0 / 3.0)
    dlon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
            + (common
               + 20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)
               + 150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0)
    rad = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(rad) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = dlat * 180.0 / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * np.pi)
    dlon = dlon * 180.0 / (_A / sqrt_magic * np.cos(rad) * np.pi)
    outside = out_of_china(lon, lat)
    return np.where(outside, 0.0, dlon), np.where(outside, 0.0, dlat)


def wgs84_to_gcj02(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Shift WGS 84 longitudes and latitudes (degrees) into GCJ-02.

    Scalars or arrays of any matching shape; points outside China are returned unchanged.
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    dlon, dlat = _offset(lon, lat)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon, lat, *, tol: float = 1e-10, max_iter: int = 30) -> tuple[np.ndarray, np.ndarray]:
    """Shift GCJ-02 longitudes and latitudes (degrees) back to WGS 84.

    Solves ``wgs84_to_gcj02(w) = g`` by the iteration ``w <- w - (wgs84_to_gcj02(w) - g)``,
    which contracts quickly because the offset changes by well under 1% per degree;
    stops when every point moves less than ``tol`` degrees.
    """
    glon = np.asarray(lon, dtype=float)
    glat = np.asarray(lat, dtype=float)
    wlon, wlat = glon.copy(), glat.copy()
    for _ in range(max_iter):
        flon, flat = wgs84_to_gcj02(wlon, wlat)
        elon, elat = flon - glon, flat - glat
        wlon = wlon - elon
        wlat = wlat - elat
        if np.all(np.abs(elon) < tol) and np.all(np.abs(elat) < tol):
            break
    return wlon, wlat


def gcj02_to_bd09(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Shift GCJ-02 longitudes and latitudes (degrees) into BD-09 (Baidu)."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    z = np.sqrt(lon * lon + lat * lat) + 0.00002 * np.sin(lat * _X_PI)
    theta = np.arctan2(lat, lon) + 0.000003 * np.cos(lon * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def bd09_to_gcj02(lon, lat, *, tol: float = 1e-10, max_iter: int = 30) -> tuple[np.ndarray, np.ndarray]:
    """Shift BD-09 (Baidu) longitudes and latitudes (degrees) back to GCJ-02: the closed-form
    approximation, refined by the iteration of :func:`gcj02_to_wgs84` until every point's
    :func:`gcj02_to_bd09` is within ``tol`` degrees of the input."""
    blon = np.asarray(lon, dtype=float)
    blat = np.asarray(lat, dtype=float)
    x, y = blon - 0.0065, blat - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    glon, glat = z * np.cos(theta), z * np.sin(theta)
    for _ in range(max_iter):
        flon, flat = gcj02_to_bd09(glon, glat)
        elon, elat = flon - blon, flat - blat
        if np.all(np.abs(elon) < tol) and np.all(np.abs(elat) < tol):
            break
        glon, glat = glon - elon, glat - elat
    return glon, glat


def bd09_to_wgs84(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Shift BD-09 (Baidu) longitudes and latitudes (degrees) back to WGS 84 (through GCJ-02)."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


def _transform(geoms, func):
    def coords(xy: np.ndarray) -> np.ndarray:
        x, y = func(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    try:
        import geopandas as gpd
    except ImportError:  # pragma: no cover - geopandas is a dependency of gridmap
        gpd = None
    if gpd is not None and isinstance(geoms, gpd.GeoSeries):
        return gpd.GeoSeries(shapely.transform(geoms.values, coords), index=geoms.index, crs=geoms.crs)
    return shapely.transform(geoms, coords)


def geometry_to_gcj02(geoms):
    """Shift shapely geometries (or a GeoSeries / array of them) in EPSG:4326 into GCJ-02."""
    return _transform(geoms, wgs84_to_gcj02)


def geometry_to_wgs84(geoms, datum: str = "gcj02"):
    """Shift shapely geometries (or a GeoSeries / array of them) in GCJ-02 (or ``datum``: one of
    :data:`DATUMS`) back to EPSG:4326."""
    if datum not in DATUMS:
        raise ValueError(f"unknown datum {datum!r}; known: {', '.join(DATUMS)}")
    return _transform(geoms, gcj02_to_wgs84 if datum == "gcj02" else bd09_to_wgs84)
