"""Adjacency of polygons (atoms) as arrays: who shares an edge, how long, and along what.

Everything here is vectorised with shapely 2 (STRtree queries, array predicates) and
returns numpy arrays or scipy.sparse matrices, so it scales to 10^5 atoms.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
import shapely

#: Shortest shared boundary (m) that makes two atoms neighbours. Two single polygons that
#: share a boundary of positive length have a union in one piece, so a grid whose atoms
#: are connected through such edges is one polygon; corners and slivers of floating-point
#: noise (well under this length) never connect a grid.
MIN_SHARED_M = 0.5


def shared_edges(geoms: np.ndarray, *, min_length: float = MIN_SHARED_M, among: np.ndarray | None = None):
    """Pairs of polygons that share a boundary of at least ``min_length`` metres.

    Returns ``(i, j, length, lines)``: int arrays with i < j, shared length (m), and the
    shared boundary as (Multi)LineStrings. ``among``: a boolean mask; only pairs with at
    least one polygon in it are measured (the rest are left out), in the same order.

    Atoms tile their area and neighbours are cut from the same lines, so most shared
    boundaries are runs of identical segments: those are found by sorting all ring
    segments (near-linear, :func:`_segment_pairs`). Only a pair of polygons that both have
    a segment no other polygon repeats (the area's edge, or a neighbour with a vertex the
    other lacks) has its boundaries intersected (:func:`_geometric`). The result is the
    intersection of the two boundaries for every pair, as the geometric method alone
    gives it, when polygons do not overlap: an edge of a polygon all of whose segments
    are repeated is shared with exactly the polygon that repeats it.
    """
    geoms = np.asarray(geoms, dtype=object)
    # candidate pairs in the tree's order (the order of the result, which callers' ties follow)
    i, j = shapely.STRtree(geoms).query(geoms)
    keep = i < j
    if among is not None:
        keep &= among[i] | among[j]
    i, j = i[keep], j[keep]
    n = len(geoms)
    length = np.zeros(len(i))
    lines = np.empty(len(i), dtype=object)
    pair_a, pair_b, pair_lines, open_ = _segment_pairs(geoms)
    if len(pair_a):
        # look the candidates up among the segment pairs (keys a * n + b, a < b)
        key = pair_a * n + pair_b
        want = i.astype(np.int64) * n + j
        at = np.searchsorted(key, want)
        found = at < len(key)
        found[found] = key[at[found]] == want[found]
        lines[found] = pair_lines[at[found]]
        length[found] = shapely.length(lines[found])
    fallback = open_[i] & open_[j]
    if fallback.any():
        lines[fallback] = _geometric(geoms, i[fallback], j[fallback])
        length[fallback] = shapely.length(lines[fallback])
    keep = length >= min_length
    return i[keep], j[keep], length[keep], lines[keep]


def _geometric(geoms: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """The line parts of the intersection of the boundaries of polygons ``i`` and ``j``."""
    used, index = np.unique(np.concatenate([i, j]), return_inverse=True)
    boundaries = shapely.boundary(geoms[used])
    return _lineal(shapely.intersection(boundaries[index[:len(i)]], boundaries[index[len(i):]]))


def _segment_pairs(geoms: np.ndarray):
    """Polygons joined by identical ring segments, and the polygons that have a segment no other has.

    Returns ``(a, b, lines, open_)``: pairs a < b sorted by (a, b), each with the line merge
    of the segments both have; and a boolean per polygon, True when one of its segments
    is not repeated exactly once by another polygon (on the area's edge, or not noded with
    its neighbour: its pairs are measured geometrically).
    """
    n = len(geoms)
    open_ = np.zeros(n, dtype=bool)
    empty = np.array([], dtype=np.int64)
    parts, owner = shapely.get_parts(geoms, return_index=True)
    polygons = shapely.get_type_id(parts) == 3
    open_[owner[~polygons]] = True  # not a polygon part: leave it to the geometric method
    parts, owner = parts[polygons], owner[polygons]
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coords, ring = shapely.get_coordinates(rings, return_index=True)
    if len(coords) < 2:
        return empty, empty, np.array([], dtype=object), np.ones(n, dtype=bool)
    same = ring[1:] == ring[:-1]
    start, end = coords[:-1][same], coords[1:][same]
    seg_owner = owner[ring_part[ring[:-1][same]]]
    moving = (start != end).any(axis=1)  # repeated vertices make no segment
    start, end, seg_owner = start[moving], end[moving], seg_owner[moving]
    # each segment from its lower end (x, then y), so both polygons' copies are equal
    swap = (start[:, 0] > end[:, 0]) | ((start[:, 0] == end[:, 0]) & (start[:, 1] > end[:, 1]))
    lo = np.where(swap[:, None], end, start)
    hi = np.where(swap[:, None], start, end)
    order = np.lexsort((seg_owner, hi[:, 1], hi[:, 0], lo[:, 1], lo[:, 0]))
    lo, hi, seg_owner, start, end = lo[order], hi[order], seg_owner[order], start[order], end[order]
    new = np.r_[True, (lo[1:] != lo[:-1]).any(axis=1) | (hi[1:] != hi[:-1]).any(axis=1)]
    group = np.cumsum(new) - 1
    size = np.bincount(group)
    first = np.flatnonzero(new)
    # a segment held by one polygon, or by more than two, or twice by one: not settled here
    twice = size == 2
    twice[twice] = seg_owner[first[twice]] != seg_owner[first[twice] + 1]
    unsettled = ~twice[group]
    open_[seg_owner[unsettled]] = True
    rows = first[twice]
    a, b = seg_owner[rows], seg_owner[rows + 1]  # sorted by owner within a segment: a < b
    if len(rows) == 0:
        return empty, empty, np.array([], dtype=object), open_
    by_pair = np.lexsort((np.arange(len(rows)), b, a))
    a, b, rows = a[by_pair], b[by_pair], rows[by_pair]
    # in the direction of the lower polygon's ring, as its boundary's intersection gives them
    segments = shapely.linestrings(np.stack([start[rows], end[rows]], axis=1))
    start_pair = np.r_[True, (a[1:] != a[:-1]) | (b[1:] != b[:-1])]
    pair = np.cumsum(start_pair) - 1
    keep = np.flatnonzero(start_pair)
    # a pair sharing one segment shares that line; only longer boundaries are merged
    count = np.bincount(pair)
    merged = segments[keep]
    several = count[pair] > 1
    if several.any():
        groups = np.flatnonzero(count > 1)
        merged[groups] = shapely.line_merge(shapely.multilinestrings(
            segments[several], indices=np.searchsorted(groups, pair[several])))
    return a[keep].astype(np.int64), b[keep].astype(np.int64), merged, open_


def _lineal(geoms: np.ndarray) -> np.ndarray:
    """Keep only the line parts of each geometry (boundary intersections may hold points)."""
    parts, index = shapely.get_parts(geoms, return_index=True)
    is_line = shapely.get_type_id(parts) == 1
    out = np.empty(len(geoms), dtype=object)
    out[:] = shapely.MultiLineString()
    if is_line.any():
        # one MultiLineString per geometry from its line parts (in order), merged: in one
        # vectorised call each (get_parts gives the indices in increasing order)
        rows, group = np.unique(index[is_line], return_inverse=True)
        out[rows] = shapely.line_merge(shapely.multilinestrings(parts[is_line], indices=group))
    return out


def edge_classes(lines: np.ndarray, barriers, *, weights: dict, tolerance: float = 1.0,
                 default: str = "none") -> np.ndarray:
    """The barrier class lying along each shared edge.

    The class of the barrier line nearest (within ``tolerance`` m) to the middle of the
    edge's longest part; where several are that close, the one with the lowest cut
    weight (a river beats a lane running beside it). ``barriers`` is a GeoDataFrame of
    lines with a ``barrier_class`` column.
    """
    out = np.full(len(lines), default, dtype=object)
    if len(lines) == 0 or barriers is None or len(barriers) == 0:
        return out
    parts, index = shapely.get_parts(lines, return_index=True)
    frame = pd.DataFrame({"index": index, "length": shapely.length(parts)})
    longest = frame.groupby("index")["length"].idxmax().to_numpy()
    mids = np.empty(len(lines), dtype=object)
    mids[:] = None
    mids[index[longest]] = shapely.line_interpolate_point(parts[longest], 0.5, normalized=True)
    have = np.flatnonzero(shapely.is_geometry(mids))
    tree = shapely.STRtree(barriers.geometry.values)
    mid_idx, line_idx = tree.query(mids[have], predicate="dwithin", distance=tolerance)
    if len(mid_idx) == 0:
        return out
    classes = barriers["barrier_class"].to_numpy()[line_idx]
    cost = np.array([weights.get(c, np.inf) for c in classes])
    order = np.lexsort((cost, mid_idx))
    first = np.r_[True, mid_idx[order][1:] != mid_idx[order][:-1]]
    out[have[mid_idx[order][first]]] = classes[order][first]
    return out


#: The class of a line that cut no atom (a footway, a service road, a stream not among the
#: barrier classes): an oversize block's pieces follow such lines where they can
#: (:func:`gridmap.atoms.split_oversize`), so an edge along one is told from an edge along
#: nothing (``none``) and costs less to cut (``cut_weights["path"]``).
PATH_CLASS = "path"


def with_paths(barriers, lines: np.ndarray):
    """``barriers`` (lines with a ``barrier_class``, or None) and ``lines`` as class
    :data:`PATH_CLASS`, in one GeoDataFrame for :func:`edge_classes` (a barrier along the
    same line wins where its cut weight is lower)."""
    import geopandas as gpd

    paths = gpd.GeoDataFrame({"barrier_class": [PATH_CLASS] * len(lines)}, geometry=np.asarray(lines, dtype=object),
                             crs=None if barriers is None else barriers.crs)
    if barriers is None or len(barriers) == 0:
        return paths
    return gpd.GeoDataFrame(pd.concat([barriers[["barrier_class", "geometry"]], paths], ignore_index=True),
                            geometry="geometry", crs=barriers.crs)


def symmetric_csr(n: int, i: np.ndarray, j: np.ndarray, data: np.ndarray) -> sp.csr_matrix:
    """Symmetric n×n CSR matrix with ``data`` at (i, j) and (j, i)."""
    rows = np.concatenate([i, j])
    cols = np.concatenate([j, i])
    values = np.concatenate([data, data]).astype(float)
    return sp.csr_matrix((values, (rows, cols)), shape=(n, n))


def subgraph(matrix: sp.csr_matrix, members: np.ndarray) -> sp.csr_matrix:
    """Rows and columns ``members`` of a sparse matrix (a unit's part of the atom graph)."""
    return matrix[members][:, members].tocsr()
