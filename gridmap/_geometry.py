"""Private geometry plumbing shared by readers, the pipeline, validation and reach.

:func:`present` says which geometries are there (neither None nor empty).
:func:`merged` is the one union of polygons that may tile each other (grids of atoms,
townships of grids).
:func:`points_in` and :func:`polygon_of` are the one point-in-polygon lookup (households in
atoms, totals, grids).
:func:`simplified` is the one simplification of polygons for display (the web map, the editor).
:func:`polygonal` is the one "polygonal part" helper: it works on an array of
geometries (or one), passes Polygons and MultiPolygons through untouched in one
vectorised test, and only for the rare others (collections left by ``intersection`` or
``make_valid``) unions their polygon parts.
"""
from __future__ import annotations

import numpy as np
import shapely

_POLYGONAL = (3, 6)  # shapely type ids of Polygon and MultiPolygon


def polygonal(geoms, *, empty=shapely.Polygon):
    """The polygonal part of each geometry: lines and points of a collection dropped.

    ``geoms``: one geometry or an array-like of them (then an object array is returned).
    None, an empty geometry, or one without any polygon part becomes ``empty()`` (an
    empty Polygon by default; ``shapely.MultiPolygon`` for layers of multipolygons).
    """
    scalar = geoms is None or isinstance(geoms, shapely.Geometry)
    arr = np.empty(1, dtype=object) if scalar else np.asarray(list(geoms) if not isinstance(geoms, np.ndarray)
                                                              else geoms, dtype=object)
    if scalar:
        arr[0] = geoms
    out = arr.copy()
    kind = shapely.get_type_id(arr)  # -1 for None
    missing = (kind < 0) | shapely.is_empty(arr)
    for i in np.flatnonzero(~np.isin(kind, _POLYGONAL) & ~missing):
        parts = shapely.get_parts(arr[i])
        parts = parts[np.isin(shapely.get_type_id(parts), _POLYGONAL)]
        out[i] = shapely.union_all(parts) if len(parts) else None
    for i in np.flatnonzero(missing | (shapely.get_type_id(out) < 0)):
        out[i] = empty()
    return out[0] if scalar else out


def valid_union(geoms) -> shapely.Geometry:
    """The polygonal union of ``geoms``, each made valid first (polygons valid in one CRS can
    cross themselves in another: village borders drawn in CGCS2000 Gauss-Krüger, read in degrees);
    lines and points of a repair's collection are dropped (an area is polygons)."""
    geoms = np.asarray(geoms, dtype=object)
    return polygonal(shapely.make_valid(shapely.union_all(shapely.make_valid(geoms))))


def present(geoms) -> np.ndarray:
    """Boolean mask of the geometries that are neither missing (None) nor empty.

    shapely's predicates, not geopandas' ``notna()``, which warns whenever a layer holds
    an empty geometry (it changed what it counts as missing).
    """
    values = np.asarray(getattr(geoms, "values", geoms), dtype=object)
    return ~shapely.is_missing(values) & ~shapely.is_empty(values)


def merged(geoms: np.ndarray):
    """The union of the polygons ``geoms``. When they are a valid coverage (no overlaps, shared
    edges with the same vertices: a unit's atoms cut from its noded lines, most census blocks,
    a plan's grids), GEOS' coverage union, which only drops the shared edges: the same polygon
    (``equals``), its vertices possibly in another order (100,000 synthetic blocks in 9,113
    grids: 3.1 -> 1.9 CPU s, the check included; a township of grids 0.56 -> 0.2); else, or
    should it fail, the general union."""
    if _tiles(geoms):
        try:
            return shapely.coverage_union_all(geoms)
        except shapely.errors.GEOSException:
            pass
    return shapely.union_all(geoms)


#: Vertices of neighbouring polygons nearer than this (m) are one vertex (:func:`edge_matched`):
#: far below any drawn distance, far above floating-point noise of the cuts (1e-9 m).
SNAP_M = 1e-6


def edge_matched_near(geoms: np.ndarray, changed: np.ndarray) -> np.ndarray:
    """``geoms`` with the polygons marked ``changed`` (cut anew) and those touching them
    :func:`edge_matched`; the rest, cut from one arrangement already, as they are."""
    geoms = np.asarray(geoms, dtype=object).copy()
    near = np.asarray(changed, dtype=bool).copy()
    if not near.any():
        return geoms
    near[shapely.STRtree(geoms).query(geoms[near], predicate="intersects")[1]] = True
    geoms[near] = edge_matched(geoms[near])
    return geoms


def edge_matched(geoms: np.ndarray) -> np.ndarray:
    """``geoms`` (Polygons that tile an area) with every shared edge made of identical vertices.

    Pieces cut from different arrangements (the blocks of a town split one by one) each put
    their own vertices, off by floating-point noise, on an edge they share; two such pieces
    may then leave a hairline gap along the whole edge and their union fall in two parts
    where the atoms' graph says they are neighbours. GEOS's coverage cleaning
    (``shapely.coverage_clean``) snaps those vertices together and nodes the edges. A piece
    the cleaning would turn into anything but one polygon of the same area (to 1e-6 m²)
    is kept as it was.
    """
    geoms = np.asarray(geoms, dtype=object)
    if len(geoms) < 2:
        return geoms
    cleaned = shapely.coverage_clean(geoms, snapping_distance=SNAP_M)
    same = ((shapely.get_type_id(cleaned) == 3) & ~shapely.is_empty(cleaned)
            & (np.abs(shapely.area(cleaned) - shapely.area(geoms)) <= 1e-6))
    return np.where(same, cleaned, geoms)


def line_parts(layers, crs) -> np.ndarray:
    """The LineStrings of ``layers`` (GeoDataFrames or None; multi-part lines split, other
    geometries dropped), in ``crs``."""
    geoms = [layer.to_crs(crs).geometry.to_numpy() for layer in layers if layer is not None and len(layer)]
    if not geoms:
        return np.array([], dtype=object)
    lines = shapely.get_parts(np.concatenate(geoms))
    return lines[shapely.get_type_id(lines) == 1]


def points_in(polygons, points) -> tuple[np.ndarray, np.ndarray]:
    """``(point, polygon)`` index pairs, one for each point and each polygon it lies in or on,
    sorted by point and then polygon. The pairs an STRtree of the polygons gives when asked
    with the points (``intersects``), found the other way round: a tree of the points asked
    with the polygons, which GEOS prepares, so each point is tested against an indexed
    polygon rather than walked along its rings (the demo's 11,686 households in 847 atoms:
    0.15 -> 0.02 CPU s). Missing or empty geometries pair with nothing."""
    points = np.asarray(getattr(points, "values", points), dtype=object)
    polygons = np.asarray(getattr(polygons, "values", polygons), dtype=object)
    polygon_idx, point_idx = shapely.STRtree(points).query(polygons, predicate="intersects")
    order = np.lexsort((polygon_idx, point_idx))
    return point_idx[order].astype(np.int64), polygon_idx[order].astype(np.int64)


def polygon_of(polygons, points) -> np.ndarray:
    """The polygon each point lies in, by index; a point on an edge shared by several takes
    the lowest index, a point in none -1."""
    point_idx, polygon_idx = points_in(polygons, points)
    first = np.r_[True, point_idx[1:] != point_idx[:-1]] if len(point_idx) else np.zeros(0, bool)
    out = np.full(len(points), -1, dtype=np.int64)
    out[point_idx[first]] = polygon_idx[first]
    return out


def simplified(geoms: np.ndarray, tolerance: float, *, coverage: bool = True) -> np.ndarray:
    """The polygons ``geoms`` simplified within ``tolerance`` (m) for display. When they are a
    valid coverage (atoms tiling their units, grids tiling theirs) and ``coverage`` is asked
    for, GEOS' coverage simplification: each shared edge simplified once, so neighbours stay
    edge to edge; else each polygon on its own, its topology preserved."""
    geoms = np.asarray(geoms, dtype=object)
    if coverage and _tiles(geoms):
        return shapely.coverage_simplify(geoms, tolerance)
    return shapely.simplify(geoms, tolerance, preserve_topology=True)


def _tiles(geoms) -> bool:
    """Whether the polygons ``geoms`` (two or more) are a valid coverage: no overlaps, shared edges
    with the same vertices (what GEOS' coverage operations need)."""
    return len(geoms) > 1 and bool(shapely.coverage_is_valid(geoms))
