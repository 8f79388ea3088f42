"""Road lines made into a network: a shared vertex wherever two roads cross on the same level.

OpenStreetMap ways meet at shared nodes, but road layers drawn in CAD or exported from
other GIS (most county road layers in China) often cross without a common vertex: a
travel graph built from their vertices then has no junction there and most households are
unreachable. :func:`node_crossings` inserts a vertex at every crossing of two lines on the
same level; lines on different levels (``layer``, else ``bridge`` = 1, ``tunnel`` = -1, as
OSM reads them) pass over each other without meeting. Ends drawn a few metres short of the
line they meet are joined to it (``SNAP_M``). The plan nodes a file's roads once, before
they cut the atoms (a T junction that misses leaves two blocks as one) and before the
network is built. A file's river, railway and barrier lines have their short ends joined
to any line the same way (``crossings=False``, the roads not ``movable``), so they close
their blocks too. :func:`pieces` counts the parts of a network, so a layer that still
falls apart can be reported.

Lines in a metric CRS (m). Deterministic; the lines' attributes are kept.
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

_NO = {"", "no", "false", "0", "nan", "none"}

#: How far (m) a line's end may stop short of (or run past) another line and still be taken
#: as meeting it (a T junction drawn by hand): half a millimetre on a 1:10,000 map, the scale
#: of county road layers. A cul-de-sac that really ends this close to a road is joined to
#: it, which moves no grid edge and shortens no trip by more than this.
SNAP_M = 5.0


def levels(roads: gpd.GeoDataFrame) -> np.ndarray:
    """Vertical level of each line: ``layer`` when it is a number, else 1 on a bridge, -1 in a tunnel, else 0."""
    n = len(roads)

    def column(name):
        return roads[name].fillna("").astype(str).str.strip().str.lower() if name in roads.columns else pd.Series([""] * n)

    layer = pd.to_numeric(column("layer").str.extract(r"^(-?\d+)", expand=False), errors="coerce")
    bridge = ~column("bridge").isin(_NO)
    tunnel = ~column("tunnel").isin(_NO)
    implied = np.where(bridge.to_numpy(), 1, np.where(tunnel.to_numpy(), -1, 0))
    return np.where(layer.isna().to_numpy(), implied, layer.fillna(0).to_numpy()).astype(int)


def node_crossings(roads: gpd.GeoDataFrame, *, tolerance: float = 0.05, snap_m: float = SNAP_M,
                   crossings: bool = True, movable=None) -> gpd.GeoDataFrame:
    """The road lines with a vertex added wherever two of them cross or meet on the same level.

    Returns a copy whose ``attrs["crossings_noded"]`` counts the vertices added where lines cross
    (0 for a network that was noded already, such as OSM's) and ``attrs["ends_snapped"]`` the line
    ends moved: onto a line they stopped short of or overshot by up to ``snap_m`` m (a T
    junction drawn by hand; a line they would meet inside before one they would meet near its
    end, which stopped short too), at a vertex both then share exactly; or, for ends that meet
    nothing and lie within ``2 * snap_m`` of each other (all stopped short of the junction where
    they should meet), all onto their mean when they are that close all together, else each
    pair of mutual nearest ends the first onto the other. An end on the ground meets only lines on the ground; a bridge's or
    tunnel's end meets the road it carries on from (its ramp) whatever that road's level.
    Lines are kept whole (no splitting), so their attributes and
    count do not change; MultiLineStrings are exploded first. ``tolerance``: a crossing
    closer than this (m) to an existing vertex uses that vertex.

    ``crossings=False`` adds no vertex where lines cross (only where an end is joined);
    ``movable``: a boolean per line of ``roads`` (its parts alike), the lines whose ends may be
    moved (default all): the others are only joined onto (a river layer's ends joined to the
    roads, whose own ends stay where they are).
    """
    keep_rows = roads.geometry.notna().to_numpy()
    movable = np.ones(len(roads), bool) if movable is None else np.asarray(movable, dtype=bool)
    roads = roads[keep_rows].reset_index(drop=True)
    movable = movable[keep_rows]
    parts = roads.explode(index_parts=False)
    movable = movable[parts.index.to_numpy()]  # a part as its line
    roads = parts.reset_index(drop=True)
    geoms = np.asarray(roads.geometry.values, dtype=object)
    line = shapely.get_type_id(geoms) == 1
    out = roads.copy()
    out.attrs.update(crossings_noded=0, ends_snapped=0)
    if line.sum() < 2:
        return out
    level = levels(roads)
    idx = np.flatnonzero(line)
    # a line drawn twice (a CAD layer's duplicate) is one line: its ends do not meet its twin's
    twin = np.full(len(geoms), -1, dtype=np.int64)
    twin[idx] = np.unique(shapely.to_wkb(shapely.normalize(geoms[idx])), return_inverse=True)[1].ravel()
    tree = shapely.STRtree(geoms[idx])
    cand_line, cand_xy = [], []
    # interiors crossing (OSM junctions mostly end at shared nodes and only touch: few pairs)
    left, right = tree.query(geoms[idx], predicate="crosses") if crossings else (np.zeros(0, int), np.zeros(0, int))
    keep = (left < right) & (level[idx][left] == level[idx][right])
    left, right = idx[left[keep]], idx[right[keep]]
    if len(left):
        cuts = shapely.intersection(geoms[left], geoms[right])
        parts, which = shapely.get_parts(cuts, return_index=True)
        point = shapely.get_type_id(parts) == 0  # overlapping stretches share vertices where they part
        xy = shapely.get_coordinates(parts[point])
        cand_line += [left[which[point]], right[which[point]]]
        cand_xy += [xy, xy]
    # an end lying on another line's interior (a T junction drawn without a vertex there)
    ends = np.concatenate([shapely.get_point(geoms[idx], 0), shapely.get_point(geoms[idx], -1)])
    owner = np.concatenate([idx, idx])
    pi, li = tree.query(ends, predicate="dwithin", distance=max(tolerance, snap_m))
    li = idx[li]

    def may_join(end_line, line):
        """Whether an end of ``end_line`` may be joined to ``line`` (arrays of line indices): not
        its own line or its twin; on the same level, or the end is a bridge's or a tunnel's,
        which meets the road it carries on from (its ramp) whatever that road's level (a road
        on the ground that stops under a bridge does not meet the bridge)."""
        return (twin[end_line] != twin[line]) & ((level[end_line] == level[line]) | (level[end_line] != 0))

    keep = may_join(owner[pi], li) & movable[owner[pi]]
    pi, li = pi[keep], li[keep]
    moved_ends = {}
    join_line, join_xy = [], []  # the points ends are joined at: a vertex of the line, added unless there
    snapped = 0
    if len(pi):
        gap = shapely.distance(ends[pi], geoms[li])
        # an end already touching some line is a junction: snap only ends that touch nothing
        touching = np.zeros(len(ends), bool)
        touching[pi[gap <= tolerance]] = True
        keep = (gap <= tolerance) | ~touching[pi]
        pi, li, gap = pi[keep], li[keep], gap[keep]
        # the nearest line of each end, one it would meet inside before one it would meet at its end:
        # where a road and a footway both stop short of the road they meet, each is nearest the
        # other's end, and joined to each other neither would reach the road
        along = shapely.line_locate_point(geoms[li], ends[pi])
        at_end = (along <= snap_m) | (along >= shapely.length(geoms[li]) - snap_m)
        order = np.lexsort((li, gap, at_end & (gap > tolerance), pi))
        first = np.r_[True, pi[order][1:] != pi[order][:-1]]
        pi, li, gap, along = pi[order][first], li[order][first], gap[order][first], along[order][first]
        projected = shapely.line_interpolate_point(geoms[li], along)
        target, ok, fresh = _onto_vertex(geoms, li, shapely.get_coordinates(projected), tolerance, snap_m)
        pi, li, gap, target, fresh = pi[ok], li[ok], gap[ok], target[ok], fresh[ok]
        join_line.append(li[fresh])
        join_xy.append(target[fresh])
        end_xy = shapely.get_coordinates(ends[pi])
        for p, g, q, e in zip(pi, gap, target, end_xy):
            # the end and the line share the one point exactly (a point a hair off a segment is not
            # on it, and the block would stay open), however short the move
            if not np.array_equal(q, e):
                moved_ends[(int(owner[p]), 0 if p < len(idx) else -1)] = q
                snapped += bool(g > tolerance)
    # ends that meet nothing and lie within twice the distance of each other (each stopped short of
    # a junction where all should end: a T junction's stem and the two ways of the road it meets,
    # split there as OSM splits them): all carried on to one point, the mean of their ends, when
    # they are that close all together; else each pair of mutual nearest ends, the first onto the other
    met = np.zeros(len(ends), bool)
    met[pi] = True
    free = np.flatnonzero(~met & movable[owner])
    if len(free) > 1:
        a, b = shapely.STRtree(ends[free]).query(ends[free], predicate="dwithin", distance=2 * snap_m)
        keep = (a != b) & (may_join(owner[free[a]], owner[free[b]]) | may_join(owner[free[b]], owner[free[a]]))
        a, b = free[a[keep]], free[b[keep]]
        for group, (ga, gb) in _clusters(a, b):
            xy = shapely.get_coordinates(ends[group])
            if len(group) > 2 and np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1)).max() <= 2 * snap_m:
                centre = xy.mean(axis=0)
                lines_moved = set()
                for p in group:
                    if owner[p] in lines_moved:  # a short line with both ends there: one end moves
                        continue
                    lines_moved.add(owner[p])
                    moved_ends[(int(owner[p]), 0 if p < len(idx) else -1)] = centre
                    snapped += 1
                continue
            apart = shapely.distance(ends[ga], ends[gb])
            order = np.lexsort((gb, apart, ga))
            first = np.r_[True, ga[order][1:] != ga[order][:-1]]
            nearest = dict(zip(ga[order][first].tolist(), gb[order][first].tolist()))
            for p, q in nearest.items():
                if p < q and nearest.get(q) == p:  # each the other's nearest
                    moved_ends[(int(owner[p]), 0 if p < len(idx) else -1)] = shapely.get_coordinates(ends[q])[0]
                    snapped += 1
    if not cand_line and not moved_ends:
        return out
    new = geoms.copy()
    for (i, end), q in moved_ends.items():  # the end extended (or pulled back) onto the line it meets
        coords = shapely.get_coordinates(new[i])
        coords = np.vstack([q, coords]) if end == 0 else np.vstack([coords, q])
        new[i] = shapely.LineString(coords)
    added: dict[int, list] = {}
    if cand_line:
        cand_line = np.concatenate(cand_line)
        cand_xy = np.concatenate(cand_xy)
        # drop crossings that are a vertex of their line already (to ``tolerance``, on a grid)
        coords, line_of = shapely.get_coordinates(geoms[idx], return_index=True)
        line_of = idx[line_of]
        vertex_keys = set(zip(line_of.tolist(), *np.round(coords / tolerance).astype(np.int64).T.tolist()))
        cand_keys = zip(cand_line.tolist(), *np.round(cand_xy / tolerance).astype(np.int64).T.tolist())
        fresh = np.array([k not in vertex_keys for k in cand_keys], dtype=bool)
        for i, xy in zip(cand_line[fresh], cand_xy[fresh]):
            added.setdefault(int(i), []).append(xy)
    joins = set()  # (line, x, y) of the vertices added where an end is joined (not crossings)
    for lines, xys in zip(join_line, join_xy):  # each lies off the line's vertices, or on one exactly
        for i, xy in zip(lines, xys):
            added.setdefault(int(i), []).append(xy)
            joins.add((int(i), *xy.tolist()))
    count = 0
    geoms = new
    for i, chunks in added.items():
        coords = shapely.get_coordinates(geoms[i])
        points = np.unique(np.array(chunks), axis=0)
        near = shapely.distance(shapely.points(points)[:, None], shapely.points(coords)[None, :]).min(axis=1)
        points = points[near > 0]
        if len(points) == 0:
            continue
        along_old = shapely.line_locate_point(geoms[i], shapely.points(coords))
        along_new = shapely.line_locate_point(geoms[i], shapely.points(points))
        if not _monotone(along_old):
            continue  # a line folding back on itself: left as it is
        # new vertices go between the old ones by their distance along the line
        key = np.concatenate([along_old, along_new])
        tie = np.concatenate([np.arange(len(coords)), np.full(len(points), -1)])
        new[i] = shapely.LineString(np.concatenate([coords, points])[np.lexsort((tie, key))])
        count += sum((i, *xy) not in joins for xy in points.tolist())
    out = out.set_geometry(new, crs=roads.crs)
    out.attrs.update(crossings_noded=count, ends_snapped=snapped)
    return out


def _clusters(a: np.ndarray, b: np.ndarray) -> list[tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]]:
    """The groups of ends linked by the pairs ``(a, b)`` (connected components), each with its
    own pairs: ``(ends, (a, b))``, the ends sorted, the groups in order of their first end."""
    if not len(a):
        return []
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    nodes, back = np.unique(np.concatenate([a, b]), return_inverse=True)
    back = back.ravel()
    graph = coo_matrix((np.ones(len(a)), (back[:len(a)], back[len(a):])), shape=(len(nodes), len(nodes)))
    count, label = connected_components(graph, directed=False)
    # components numbered by their first (lowest) end: nodes are sorted, so first seen is lowest
    _, first = np.unique(label, return_index=True)
    rank = np.empty(count, dtype=np.int64)
    rank[np.argsort(first)] = np.arange(count)
    label = rank[label]
    node_order = np.lexsort((nodes, label))
    node_cuts = np.flatnonzero(np.diff(label[node_order])) + 1
    pair_label = label[back[:len(a)]]
    pair_order = np.argsort(pair_label, kind="stable")
    pair_cuts = np.searchsorted(pair_label[pair_order], np.arange(1, count))
    return [(nodes[g], (a[p], b[p])) for g, p in zip(np.split(node_order, node_cuts), np.split(pair_order, pair_cuts))]


def _onto_vertex(geoms, lines, xy, tolerance: float, snap_m: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The points ``xy`` on ``geoms[lines]`` where ends are joined, each moved to its line's nearest
    vertex when that lies within ``tolerance`` (no vertex is added a hair from another), or, on a
    line folding back on itself (no vertex can be put between its others by distance along it),
    within ``snap_m``; whether each can be joined at all; and whether each is a new vertex of its line."""
    xy = np.array(xy, dtype=float)
    if not len(xy):
        return xy, np.ones(0, bool), np.zeros(0, bool)
    coords, of = shapely.get_coordinates(geoms[lines], return_index=True)
    d = np.hypot(*(coords - xy[of]).T)
    order = np.lexsort((d, of))
    first = order[np.r_[True, of[order][1:] != of[order][:-1]]]  # the nearest vertex of each point's line
    nearest, dist = coords[first], d[first]
    folded = np.zeros(len(xy), bool)
    off = dist > tolerance  # a vertex to add: only then does it matter whether the line folds
    if off.any():
        unique, back = np.unique(lines[off], return_inverse=True)
        folded[off] = _folded(geoms[unique])[back.ravel()]
    onto = (dist <= tolerance) | (folded & (dist <= snap_m))
    xy[onto] = nearest[onto]
    return xy, ~folded | onto, ~onto & (dist > 0)


def _folded(geoms: np.ndarray) -> np.ndarray:
    """Whether each line folds back on itself: a vertex lies no farther along it than the one before
    (by :func:`shapely.line_locate_point`, which finds a point where the line first passes it). Only a
    line that is not simple (it touches or crosses itself) can."""
    folded = np.zeros(len(geoms), bool)
    crossed = np.flatnonzero(~shapely.is_simple(geoms))
    if len(crossed):
        folded[crossed] = _folded_all(geoms[crossed])
    return folded


def _folded_all(geoms: np.ndarray) -> np.ndarray:
    coords, of = shapely.get_coordinates(geoms, return_index=True)
    along = shapely.line_locate_point(geoms[of], shapely.points(coords))
    back = np.r_[False, (np.diff(along) < -1e-9) & (of[1:] == of[:-1])]
    folded = np.zeros(len(geoms), bool)
    folded[of[back]] = True
    return folded


def _monotone(along: np.ndarray) -> bool:
    return bool(np.all(np.diff(along) >= -1e-9))


def pieces(graph) -> tuple[int, float]:
    """Weakly connected parts of a travel graph (scipy sparse), and the share of nodes outside the largest."""
    from scipy.sparse import csgraph

    if graph.shape[0] == 0:
        return 0, 0.0
    n, labels = csgraph.connected_components(graph, directed=True, connection="weak")
    largest = np.bincount(labels).max()
    return int(n), float(1 - largest / graph.shape[0])
