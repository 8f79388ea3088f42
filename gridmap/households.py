"""Households as points with a count, from one of three sources.

(a) points: one household each, or a count column;
(b) polygons with a count column (census blocks): counted at a point inside each polygon
    (the blocks may also serve as atoms directly, see :mod:`gridmap.atoms`);
(c) residential buildings: footprint m² × levels ÷ m² per dwelling, one household for
    single-family types (defaults in :mod:`gridmap.config`).

Points from (a) or (c) can then be scaled to known totals per village, community or
census area (:func:`scale_to_totals`), e.g. the registered households of each village.

Every function returns a GeoDataFrame of points with the columns ``households``
(float, ≥ 0) and ``source``, in the CRS of its input, and records the method and total
in ``attrs["method"]`` / ``attrs["total"]``.
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap.config import HouseholdRule
from gridmap.crs import lon_lat
from gridmap import _geometry
from gridmap.errors import InputError
from gridmap.inputs.files import household_counts


def _result(points, counts, source, crs, method: str) -> gpd.GeoDataFrame:
    out = gpd.GeoDataFrame({"households": np.asarray(counts, dtype=float), "source": source},
                           geometry=points, crs=crs)
    out = out[out["households"] > 0].reset_index(drop=True)
    out.attrs["method"] = method
    out.attrs["total"] = float(out["households"].sum())
    return out


# Households per feature of a layer: the one parser of count columns (gridmap.inputs.files).
_counts = household_counts


def from_points(gdf: gpd.GeoDataFrame, column: str | None = None, *, divisor: float = 1.0) -> gpd.GeoDataFrame:
    """Household points: one each, or ``column`` households each (÷ ``divisor``, e.g. persons per household)."""
    if not gdf.geom_type.isin(["Point", "MultiPoint"]).all():
        raise InputError.of("in_households_not_points")
    counts = _counts(gdf, column, "households") / divisor
    points = gdf.geometry.values
    multi = shapely.get_type_id(points) == 4
    several = int((shapely.get_num_geometries(points[multi]) > 1).sum())
    if multi.any():  # a MultiPoint's count goes to its first point's position: keep it whole
        points = points.copy()
        points[multi] = shapely.get_geometry(points[multi], 0)
    method = f"points ({column} per point)" if column else "points (one household each)"
    out = _result(points, counts, "points", gdf.crs, method)
    # Rows equal in position and every value are counted each (an apartment block's
    # households share a point) but said, in case they are copies.
    keyed = pd.DataFrame({c: gdf[c].astype(str) for c in gdf.columns if c != gdf.geometry.name})
    keyed["_wkb"] = shapely.to_wkb(points)
    duplicated = keyed.duplicated().to_numpy()
    out.attrs.update(read=float(counts.sum()), rows=len(gdf), duplicates=int(duplicated.sum()),
                     duplicate_households=float(counts[duplicated].sum()),
                     multipoints=several)
    return out


def from_polygons(gdf: gpd.GeoDataFrame, column: str, *, divisor: float = 1.0, at=None) -> gpd.GeoDataFrame:
    """Household counts of polygons (census blocks), placed at a point inside each polygon
    (``at``: those points, one per polygon, when the caller has them already)."""
    counts = _counts(gdf, column, "households") / divisor
    points = shapely.point_on_surface(gdf.geometry.values) if at is None else np.asarray(at, dtype=object)
    method = f"polygons ({column}" + (f" / {divisor:g}" if divisor != 1 else "") + ")"
    return _result(points, counts, "polygons", gdf.crs, method)


def from_buildings(buildings: gpd.GeoDataFrame, rule: HouseholdRule | None = None) -> gpd.GeoDataFrame:
    """Estimate households of residential buildings (input in a metric CRS, m).

    Expects the columns of :func:`gridmap.inputs.osm.read_osm` ``buildings``: ``building``
    (type), ``levels`` (float or NaN) and ``housenumber`` (str); a vector layer of
    buildings may carry the same columns. Types in ``rule.single_household`` count one
    household; types in ``rule.dwelling_m2`` count footprint × levels ÷ dwelling m²
    (at least one); ``building=yes`` only with a house number when
    ``rule.yes_needs_address`` and not above ``rule.yes_max_footprint_m2``; everything else (shops, garages, churches...) none.
    """
    rule = rule or HouseholdRule()
    if buildings.crs is None or buildings.crs.is_geographic:
        raise InputError.of("in_buildings_not_metric")
    if buildings.empty:
        raise InputError.of("in_buildings_empty")
    kind = buildings.get("building", pd.Series("yes", index=buildings.index)).fillna("yes").astype(str)
    levels = pd.to_numeric(buildings.get("levels", pd.Series(np.nan, index=buildings.index)), errors="coerce")
    address = buildings.get("housenumber", pd.Series("", index=buildings.index)).fillna("").astype(str) != ""
    footprint = buildings.geometry.area.to_numpy()

    default_levels = kind.map(rule.default_levels).astype(float).fillna(1.0)
    levels = levels.where(levels > 0, default_levels).clip(upper=60).to_numpy()
    dwelling = kind.map(rule.dwelling_m2).astype(float).to_numpy()
    single = kind.isin(rule.single_household).to_numpy()
    multi = ~np.isnan(dwelling) & ~single
    untyped = (kind == "yes").to_numpy()
    if rule.yes_needs_address:
        multi &= ~(untyped & ~address.to_numpy())
    multi &= ~(untyped & (footprint > rule.yes_max_footprint_m2))
    big_enough = footprint >= rule.min_footprint_m2

    counts = np.zeros(len(buildings))
    counts[single & big_enough] = 1.0
    estimate = np.maximum(1.0, np.round(footprint * levels / np.where(multi, dwelling, 1.0)))
    counts[multi & big_enough] = estimate[multi & big_enough]
    points = shapely.point_on_surface(buildings.geometry.values)
    source = ("building:" + kind).to_numpy()
    method = ("buildings (footprint × levels ÷ dwelling m²; single-family types = 1; "
              f"dwelling m² {rule.dwelling_m2})")
    return _result(points, counts, source, buildings.crs, method)


def scale_to_totals(points: gpd.GeoDataFrame, totals: gpd.GeoDataFrame, column: str = "households", *,
                    divisor: float = 1.0) -> gpd.GeoDataFrame:
    """Scale household points to known totals of polygons (villages, communities, census areas).

    Each polygon's total (``column`` ÷ ``divisor``) is shared among the points inside it
    in proportion to their counts, so an estimate from buildings keeps its spatial
    pattern but adds up to the registered households of each polygon. A polygon with a
    total but no point inside gets one point at an inner point; points inside no polygon
    keep their counts. Both layers must share one metric CRS. A point inside several
    polygons counts for the first of them.

    ``attrs``: ``method``, ``total``, ``totals_polygons``, ``polygons_without_points``,
    ``points_outside_totals``, ``scale_median`` (median ratio total ÷ estimate).
    """
    if totals.empty:
        raise InputError.of("in_totals_empty")
    if not totals.geom_type.isin(["Polygon", "MultiPolygon"]).all():
        raise InputError.of("in_totals_not_polygons")
    target = _counts(totals, column, "household totals") / divisor
    polys = totals.geometry.values
    pts = points.geometry.values
    owner = _geometry.polygon_of(polys, pts)  # a point on a shared border: the first polygon
    counts = points["households"].to_numpy(dtype=float)
    inside = owner >= 0
    estimate = np.bincount(owner[inside], counts[inside], minlength=len(polys))
    factor = np.divide(target, estimate, out=np.zeros(len(polys)), where=estimate > 0)
    scaled = counts.copy()
    scaled[inside] = counts[inside] * factor[owner[inside]]
    empty = (estimate <= 0) & (target > 0)
    new_points = shapely.point_on_surface(polys[empty])
    geoms = np.concatenate([pts, new_points])
    values = np.concatenate([scaled, target[empty]])
    source = np.concatenate([points["source"].to_numpy(dtype=object),
                             np.full(int(empty.sum()), "totals", dtype=object)])
    method = (f"{points.attrs.get('method', 'points')}; scaled to the totals ({column}"
              + (f" / {divisor:g}" if divisor != 1 else "") + f") of {len(polys)} polygons")
    out = _result(geoms, values, source, points.crs, method)
    out.attrs.update(totals_polygons=len(polys), polygons_without_points=int(empty.sum()),
                     points_outside_totals=int((~inside).sum()),
                     scale_median=float(np.median(factor[estimate > 0])) if (estimate > 0).any() else float("nan"))
    return out


def _outside_error(households: gpd.GeoDataFrame, inside: np.ndarray, area, source=None) -> InputError:
    """The refusal of the household points outside ``area``: how many, the file, the nearest one's row,
    place and distance, and the fix (a point just outside is most often a gap in the units)."""
    from gridmap.i18n import Phrase

    out = np.flatnonzero(~inside)
    total = float(households["households"].to_numpy(float)[out].sum())
    distance = shapely.distance(area, households.geometry.values[out])
    near = int(np.argmin(distance))
    row, metres = int(out[near]), float(distance[near])
    path = source or households.attrs.get("path")
    # rows are the file's only while the points are its features, in its order (census polygons'
    # points leave out the empty ones)
    place = ""
    if households.crs is not None:
        lon, lat = lon_lat(households.geometry.values[row], households.crs)
        place = Phrase("phrase.at_lon_lat", lon=f"{lon:.5f}", lat=f"{lat:.5f}")
    return InputError.of("households_outside", count=f"{len(out):,}", total=f"{total:,.6g}", metres=f"{metres:,.1f}",
                         where=Phrase("phrase.of_file", path=path) if path else "",
                         which=Phrase("phrase.row", row=row + 1) if households.attrs.get("path") else "",
                         place=place, fix=Phrase("phrase.fix_outline" if metres <= 100.0 else "phrase.fix_crs"))


def inside_area(households: gpd.GeoDataFrame, area, *, drop: bool = False, source=None) -> gpd.GeoDataFrame:
    """Check that every household point lies inside ``area`` (a shapely polygon, same CRS).

    Raises :class:`InputError` naming how many lie outside, the file (``source``, else
    ``attrs["path"]``) and the nearest one's row (the points in the file's order), unless
    ``drop`` (then they are dropped and counted in ``attrs["dropped_outside"]``).
    """
    shapely.prepare(area)
    inside = shapely.covers(area, households.geometry.values)
    outside = int((~inside).sum())
    if outside and not drop:
        raise _outside_error(households, inside, area, source)
    kept = households[inside].reset_index(drop=True)
    kept.attrs = dict(households.attrs, dropped_outside=outside,
                      dropped_outside_households=float(households["households"][~inside].sum()),
                      total=float(kept["households"].sum()))
    return kept
