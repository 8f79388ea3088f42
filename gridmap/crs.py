"""Choice of the metric CRS a plan is computed in.

Areas in China get the CGCS2000 3-degree Gauss-Krüger zone of their centre
(EPSG:4534-4554, "CGCS2000 / 3-degree Gauss-Kruger CM 75E" .. "CM 135E", axis
order easting/northing), which is what Chinese surveying and planning offices use;
elsewhere the WGS 84 UTM zone of the centre. Both are conformal with scale error
below 0.1% within a county, so areas (m²) and lengths (m) are trustworthy.
"""
from __future__ import annotations

import math

from pyproj import CRS

from gridmap.errors import InputError

#: Rough bounding box of China (lon_min, lat_min, lon_max, lat_max), degrees.
_CHINA_BBOX = (73.0, 18.0, 135.5, 53.6)


def in_china(lon: float, lat: float) -> bool:
    """True when a WGS 84 / CGCS2000 point lies inside China's bounding box."""
    x0, y0, x1, y1 = _CHINA_BBOX
    return x0 <= lon <= x1 and y0 <= lat <= y1


def gauss_kruger_3deg(lon: float) -> CRS:
    """CGCS2000 3-degree Gauss-Krüger CRS (no zone prefix in the easting) for a longitude."""
    central = 3 * round(lon / 3)
    central = min(max(central, 75), 135)
    return CRS.from_epsg(4534 + (central - 75) // 3)


def utm(lon: float, lat: float) -> CRS:
    """WGS 84 UTM zone of a point."""
    zone = int(math.floor((lon + 180) / 6)) % 60 + 1
    return CRS.from_epsg((32600 if lat >= 0 else 32700) + zone)


def metric_crs(lon: float, lat: float, override: str | int | None = None) -> CRS:
    """The CRS to compute in for an area centred at (lon, lat) degrees.

    ``override`` ("EPSG:4547", 4547, or any pyproj string) wins when given and not "auto";
    it must be a projected CRS in metres.
    """
    if override not in (None, "", "auto"):
        try:
            crs = CRS.from_user_input(override)
        except Exception as exc:  # pyproj raises CRSError, which is not ours to expose
            raise InputError.of("in_crs_unknown", crs=override, reason=str(exc)) from None
        unit = crs.axis_info[0].unit_name if crs.axis_info else ""
        if not crs.is_projected or unit not in ("metre", "meter"):
            raise InputError.of("in_crs_not_metric", name=crs.name)
        return crs
    return gauss_kruger_3deg(lon) if in_china(lon, lat) else utm(lon, lat)


def lon_lat(point, crs) -> tuple[float, float]:
    """Longitude and latitude (WGS 84) of a shapely point in ``crs``: where a message says a place is."""
    from pyproj import Transformer

    return Transformer.from_crs(crs, 4326, always_xy=True).transform(point.x, point.y)


def require_crs(gdf, what: str):
    """Raise a clear error when a layer has no CRS (gridmap never guesses one)."""
    if gdf.crs is None:
        raise InputError.of("no_crs", what=what)
    return gdf
