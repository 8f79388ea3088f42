"""Village and community units derived from points (village seats, OSM ``place`` nodes).

Villages and communities often exist only as points. Each township (or the whole area)
is cut into blocks by its roads, rivers and railways; a block holding one point goes to
it, a block holding several is shared among them by their Voronoi cells, and a block
holding none goes to the point nearest along the roads (from the road vertices on its
edge; the township's points only), or, without roads around it, to the point whose
Voronoi cell covers most of it. Unit borders then
run along roads and rivers wherever a block lies between two villages' points, and
straight only inside a block shared by several points. Pieces of a unit cut off from its
point join the neighbouring unit they share most border with, so every unit is one piece.

The borders are *derived*, not surveyed: plans say so in their metadata.
All layers in one metric CRS (m); deterministic (no randomness).
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap.errors import InputError

#: How the borders were drawn, for plans' metadata.
METHOD = ("derived from points: blocks between roads, rivers and railways go to the point inside them, "
          "else to the nearest point along the roads (by Voronoi cell where no road reaches); Voronoi lines only "
          "inside blocks holding several points")


def _blocks(parent, lines, min_m2: float):
    """Faces of ``parent`` cut by ``lines`` (slivers under ``min_m2`` m² join a neighbour)."""
    if len(lines) == 0:
        return np.array([parent], dtype=object)
    clipped = shapely.intersection(np.asarray(lines, dtype=object), parent)
    clipped = clipped[~shapely.is_empty(clipped)]
    noded = shapely.union_all(np.concatenate([clipped, [parent.boundary]]))
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
    faces = faces[shapely.area(faces) > 0]
    shapely.prepare(parent)
    faces = faces[shapely.contains(parent, shapely.point_on_surface(faces))]
    return faces if len(faces) else np.array([parent], dtype=object)


class _Roads:
    """An undirected graph of road vertices (edge weights in m), for nearest-point allocation."""

    def __init__(self, roads):
        from scipy import sparse

        geoms = np.asarray(roads, dtype=object)
        geoms = geoms[np.isin(shapely.get_type_id(geoms), (1, 5))]
        coords, line = shapely.get_coordinates(shapely.get_parts(geoms), return_index=True)
        keys = np.round(coords, 1)
        _, first, node = np.unique(keys, axis=0, return_index=True, return_inverse=True)
        node = node.ravel()
        self.xy = coords[first]
        same = line[1:] == line[:-1]
        u, v = node[:-1][same], node[1:][same]
        w = np.hypot(*(coords[1:][same] - coords[:-1][same]).T)
        n = len(self.xy)
        self.graph = sparse.coo_matrix((np.r_[w, w], (np.r_[u, v], np.r_[v, u])), shape=(n, n)).tocsr()
        self.tree = shapely.STRtree(shapely.points(self.xy)) if n else None

    def nearest_source(self, anchors) -> tuple[np.ndarray, np.ndarray]:
        """For every vertex, the index of the anchor nearest along the roads and the distance (m; inf: none)."""
        from scipy.sparse import csgraph

        snapped = self.tree.nearest(anchors)
        offset = shapely.distance(anchors, shapely.points(self.xy[snapped]))
        # each anchor enters the graph at its nearest vertex; an anchor off the road walks there first
        dist, _, source = csgraph.dijkstra(self.graph, directed=False, indices=snapped, min_only=True,
                                           return_predecessors=True)
        owner = np.full(len(self.xy), -1)
        hit = np.isfinite(dist)
        vertex_anchor = {int(v): k for k, v in sorted(enumerate(snapped), key=lambda t: -offset[t[0]])}
        owner[hit] = [vertex_anchor[int(s)] for s in source[hit]]
        return owner, dist + np.where(owner >= 0, offset[np.maximum(owner, 0)], 0)

    def vertices_on(self, polygon, tolerance: float = 1.0) -> np.ndarray:
        return self.tree.query(polygon.boundary, predicate="dwithin", distance=tolerance)


def _fill(geoms: list, parent) -> list:
    """Give what the blocks missed of ``parent`` (polygonizing drops dangling bits) to the unit it borders most."""
    left = shapely.get_parts(shapely.difference(parent, shapely.union_all(geoms)))
    for gap in left[shapely.area(left) > 0]:
        shared = shapely.length(shapely.intersection(shapely.boundary(np.array(geoms, dtype=object)), gap.boundary))
        j = int(np.argmax(shared)) if shared.max() > 0 else int(np.argmin(shapely.distance(np.array(geoms, dtype=object), gap)))
        geoms[j] = shapely.union_all([geoms[j], gap])
    return geoms


def _one_piece(geoms: list, anchors: np.ndarray) -> list:
    """Move each unit's pieces that do not hold its point to the neighbour sharing most border with them."""
    for _ in range(3):
        moved = False
        for i, g in enumerate(geoms):
            parts = shapely.get_parts(g)
            if len(parts) < 2:
                continue
            home = int(np.argmin(shapely.distance(parts, anchors[i])))
            for k, part in enumerate(parts):
                if k == home:
                    continue
                others = [j for j in range(len(geoms)) if j != i]
                shared = shapely.length(shapely.intersection(
                    shapely.boundary(np.array([geoms[j] for j in others], dtype=object)), part.boundary))
                if shared.max(initial=0) <= 0:
                    continue
                j = others[int(np.argmax(shared))]
                geoms[j] = shapely.union_all([geoms[j], part])
                geoms[i] = shapely.difference(geoms[i], part)
                moved = True
        if not moved:
            break
    return geoms


def _nearest_by_road(block, network, nearest, cell_of) -> int:
    """The point a block without one goes to: the one with the shortest road path to a vertex on its edge."""
    if network is not None:
        owner, dist = nearest
        near = np.sort(network.vertices_on(block))
        near = near[owner[near] >= 0]
        if len(near):
            return int(owner[near[np.argmin(dist[near])]])  # ties: the lower vertex, deterministic
    share = shapely.area(shapely.intersection(cell_of, block))
    return int(np.argmax(share))


def units_from_points(points: gpd.GeoDataFrame, parents: gpd.GeoDataFrame, lines=None, *,
                      roads=None, name_column: str = "name", id_column: str | None = None,
                      min_block_m2: float = 100.0) -> gpd.GeoDataFrame:
    """Units (villages, communities) around ``points``, tiling each of ``parents``.

    Parameters
    ----------
    points : the village or community points, with a name column (``name_column``) and
        optionally ids (``id_column``, e.g. 12-digit codes).
    parents : townships (``unit_id``, ``name``) or the whole area, polygons; every point
        belongs to the parent it lies in, points outside every parent are dropped.
    lines : road, river and railway lines (GeoSeries, array or None) along which borders run.
    roads : the lines to measure "nearest along the roads" on (default: ``lines``).
    min_block_m2 : blocks smaller than this, m², are not told apart.

    Returns
    -------
    GeoDataFrame of units: ``unit_id`` (``id_column``'s value, else ``<parent>-<n>``),
    ``name``, ``parent_id``, ``parent_name``, polygons in the CRS of ``parents``. A parent
    without any point is one unit of its own name. ``attrs["points_used"]`` counts points.
    """
    if points.crs is None or parents.crs is None or points.crs.is_geographic:
        raise InputError.of("in_points_not_metric")
    points = points.to_crs(parents.crs)
    points = points[points.geom_type == "Point"].reset_index(drop=True)
    if name_column not in points.columns:
        raise InputError.of("in_points_no_column", column=name_column,
                            columns=list(points.columns.drop(points.geometry.name)))
    line_geoms = np.empty(0, dtype=object)
    if lines is not None and len(lines):
        line_geoms = np.asarray(lines.geometry.values if hasattr(lines, "geometry") else lines, dtype=object)
    network = _Roads(line_geoms if roads is None else np.asarray(
        roads.geometry.values if hasattr(roads, "geometry") else roads, dtype=object))
    if network.tree is None:
        network = None
    xy = points.geometry.values
    rows = []
    used = 0
    for pid, pname, parent in zip(parents["unit_id"].astype(str), parents["name"].astype(str), parents.geometry.values):
        shapely.prepare(parent)
        mine = np.flatnonzero(shapely.contains(parent, xy))
        if len(mine) == 0:
            rows.append({"unit_id": f"{pid}-1", "name": pname, "parent_id": pid, "parent_name": pname,
                         "geometry": parent})
            continue
        used += len(mine)
        anchors = xy[mine]
        if len(mine) == 1:
            geoms = [parent]
        else:
            cells = shapely.get_parts(shapely.voronoi_polygons(shapely.MultiPoint(list(anchors)),
                                                               extend_to=parent.envelope.buffer(1000)))
            # voronoi_polygons does not keep the input order: match cells to points
            owner = shapely.STRtree(cells).query(anchors, predicate="within")
            cell_of = np.empty(len(anchors), dtype=object)
            cell_of[owner[0]] = cells[owner[1]]
            cell_of = np.array([shapely.intersection(c, parent) for c in cell_of], dtype=object)
            pieces: list[list] = [[] for _ in mine]
            nearest = network.nearest_source(anchors) if network is not None else None
            for block in _blocks(parent, line_geoms, min_block_m2):
                shapely.prepare(block)
                inside = np.flatnonzero(shapely.contains(block, anchors))
                if len(inside) == 1:
                    pieces[inside[0]].append(block)
                elif len(inside) > 1:
                    for k in inside:
                        pieces[k].append(shapely.intersection(block, cell_of[k]))
                else:
                    pieces[_nearest_by_road(block, network, nearest, cell_of)].append(block)
            geoms = [shapely.union_all(p) if p else shapely.Polygon() for p in pieces]
            geoms = _fill(geoms, parent)
            geoms = _one_piece(geoms, anchors)
        ids = points[id_column].astype(str).to_numpy()[mine] if id_column else [f"{pid}-{n + 1}" for n in range(len(mine))]
        for uid, name, geom in zip(ids, points[name_column].astype(str).to_numpy()[mine], geoms):
            geom = shapely.make_valid(geom)
            if geom.is_empty or geom.area <= 0:
                continue
            rows.append({"unit_id": str(uid), "name": name, "parent_id": pid, "parent_name": pname, "geometry": geom})
    units = gpd.GeoDataFrame(pd.DataFrame(rows), geometry="geometry", crs=parents.crs)
    if units["unit_id"].duplicated().any():
        raise InputError.of("in_points_ids_repeated",
                            ids=sorted(units.loc[units["unit_id"].duplicated(), "unit_id"])[:5])
    units.attrs["points_used"] = used
    return units
