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
    """
    geoms = np.asarray(geoms, dtype=object)
    tree = shapely.STRtree(geoms)
    i, j = tree.query(geoms, predicate="intersects")
    keep = i < j
    if among is not None:
        keep &= among[i] | among[j]
    i, j = i[keep], j[keep]
    boundaries = shapely.boundary(geoms)
    lines = shapely.intersection(boundaries[i], boundaries[j])
    lines = _lineal(lines)
    length = shapely.length(lines)
    keep = length >= min_length
    return i[keep], j[keep], length[keep], lines[keep]


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


def symmetric_csr(n: int, i: np.ndarray, j: np.ndarray, data: np.ndarray) -> sp.csr_matrix:
    """Symmetric n×n CSR matrix with ``data`` at (i, j) and (j, i)."""
    rows = np.concatenate([i, j])
    cols = np.concatenate([j, i])
    values = np.concatenate([data, data]).astype(float)
    return sp.csr_matrix((values, (rows, cols)), shape=(n, n))


def subgraph(matrix: sp.csr_matrix, members: np.ndarray) -> sp.csr_matrix:
    """Rows and columns ``members`` of a sparse matrix (a unit's part of the atom graph)."""
    return matrix[members][:, members].tocsr()
