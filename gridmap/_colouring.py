"""Colours for grids so that neighbouring grids never share one (a graph colouring of grid adjacency).

Staff tell grids apart by their fill: two grids that share a border (a line, not just
a corner) get different colours from a small palette of soft tones that dark labels
read well on. The colouring is greedy in DSATUR order (the grid with the most
differently coloured neighbours first, ties by grid order), which needs at most five
colours on maps like these and is deterministic: the same plan gets the same colours.
"""
from __future__ import annotations

import heapq

import numpy as np
import shapely

__all__ = ["PALETTE", "grid_adjacency", "colour_grids"]

#: Soft fills, distinct for common colour-vision deficiencies (after ColorBrewer Set3/Pastel1).
PALETTE = ("#8dd3c7", "#ffffb3", "#bebada", "#fdb462", "#b3de69", "#fccde5", "#80b1d3", "#d9d9d9")

#: Grids whose shared border is shorter than this (m) only touch at a corner.
_MIN_SHARED_M = 1.0


def grid_adjacency(geoms, min_shared_m: float = _MIN_SHARED_M) -> list[tuple[int, int]]:
    """Pairs (i, j), i < j, of grids sharing a border longer than ``min_shared_m`` (metric CRS)."""
    geoms = np.asarray(geoms, dtype=object)
    valid = np.array([g is not None and not g.is_empty for g in geoms], dtype=bool)
    tree = shapely.STRtree(np.where(valid, geoms, None))
    a, b = tree.query(np.where(valid, geoms, None), predicate="intersects")
    keep = a < b
    a, b = a[keep], b[keep]
    if not len(a):
        return []
    # Grids dissolved from the same atoms share their border vertex for vertex: the edges both
    # boundaries hold are part of the shared border, so their length is a lower bound of it and
    # settles most pairs without an overlay. The rest (corners, borders not noded alike) are measured.
    ok = _identical_edges_length(np.where(valid, geoms, None), a, b) > min_shared_m
    doubt = np.flatnonzero(~ok)
    if len(doubt):
        # the shared border: the boundaries' intersection (slivers of overlap count by their length too)
        shared = shapely.length(shapely.intersection(shapely.boundary(geoms[a[doubt]]),
                                                     shapely.boundary(geoms[b[doubt]])))
        ok[doubt] = shared > min_shared_m
    return list(zip(a[ok].tolist(), b[ok].tolist()))


def _identical_edges_length(geoms, a, b) -> np.ndarray:
    """For each pair (a[k], b[k]): the length (m) of the ring segments both grids hold with the same
    two end points (:func:`gridmap.graph._segment_pairs`, the atoms' shared edges by sorting; a lower
    bound of their shared border: those segments lie in both boundaries)."""
    from gridmap.graph import _segment_pairs

    pa, pb, lines, _ = _segment_pairs(np.asarray(geoms, dtype=object))
    if not len(pa):
        return np.zeros(len(a))
    return _sum_by_pair(pa, pb, shapely.length(lines), a, b, len(geoms))


def _sum_by_pair(i, j, length, a, b, n) -> np.ndarray:
    """Sum of ``length`` per pair (i, j), i < j, looked up for the pairs (a, b)."""
    key = i.astype(np.int64) * n + j
    found, at = np.unique(key, return_inverse=True)
    total = np.bincount(at, weights=length)
    wanted = a.astype(np.int64) * n + b
    pos = np.clip(np.searchsorted(found, wanted), 0, len(found) - 1)
    return np.where(found[pos] == wanted, total[pos], 0.0)


def colour_grids(geoms, palette=PALETTE) -> np.ndarray:
    """Index into ``palette`` for each grid; neighbours differ (colours repeat only past the palette's size)."""
    return _colour(np.asarray(geoms, dtype=object), palette)


def _colour(geoms, palette) -> np.ndarray:
    n = len(geoms)
    neighbours: list[set[int]] = [set() for _ in range(n)]
    for i, j in grid_adjacency(geoms):
        neighbours[i].add(j)
        neighbours[j].add(i)
    colour = np.full(n, -1, dtype=np.int64)
    seen: list[set[int]] = [set() for _ in range(n)]  # colours among each grid's neighbours
    degree = [len(s) for s in neighbours]
    # most saturated, then most neighbours, then lowest index: a heap with stale entries skipped
    # (a grid's saturation only grows), O((n + m) log n) instead of a scan of all grids per pick
    heap = [(0, -degree[i], i) for i in range(n)]
    heapq.heapify(heap)
    while heap:
        saturation, _, pick = heapq.heappop(heap)
        if colour[pick] >= 0 or -saturation != len(seen[pick]):
            continue
        c = 0
        while c in seen[pick]:
            c += 1
        colour[pick] = c
        for k in neighbours[pick]:
            if colour[k] < 0 and c not in seen[k]:
                seen[k].add(c)
                heapq.heappush(heap, (-len(seen[k]), -degree[k], k))
    return colour % len(palette)
