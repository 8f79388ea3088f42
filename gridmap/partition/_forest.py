"""Random spanning forests over the pieces of a partition, and the cut data of every tree edge.

One call handles every piece being split at once: the graph restricted to edges inside
active pieces is a disjoint union, so one minimum spanning forest, one breadth-first
order and a handful of per-level numpy reductions give, for every tree edge of every
piece, the totals of the subtree below it (households, compactness moments) and the
exact cost of the graph cut it induces. Nothing here loops over atoms in Python; loops
run over tree levels (the forest's height), each level a vectorised step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph


@dataclass
class Forest:
    """A rooted spanning forest in breadth-first order, plus a virtual super-root.

    Positions index the breadth-first order: position 0 is the super-root (not an
    atom), positions 1..P are the roots of the P pieces, and the parent of position i
    is ``ppos[i] < i``. ``levels[j]:levels[j+1]`` is the block of positions at depth j.
    """

    order: np.ndarray  # (N,) atom index at each position; order[0] == n (the super-root)
    pos: np.ndarray  # (n+1,) position of each atom, -1 when the atom is in no active piece
    ppos: np.ndarray  # (N,) position of the parent; ppos[0] == 0
    levels: np.ndarray  # (L+1,) block boundaries of the depth levels
    depth: np.ndarray  # (N,) depth of each position


def build_forest(
    n: int,
    eu: np.ndarray,
    ev: np.ndarray,
    key: np.ndarray,
    roots: np.ndarray,
) -> Forest:
    """Minimum spanning forest of the edges (eu, ev) with weights ``key`` (> 0).

    ``roots`` holds one atom per piece; each becomes its tree's root. The edges must only
    join atoms of the same piece, and every piece must be connected by them.
    """
    m = len(eu)
    r = len(roots)
    rows = np.concatenate([eu, np.full(r, n, dtype=np.int64)])
    cols = np.concatenate([ev, roots.astype(np.int64)])
    data = np.concatenate([key, np.ones(r)])
    g = sp.csr_array((data, (rows, cols)), shape=(n + 1, n + 1))
    t = csgraph.minimum_spanning_tree(g)
    t = t + t.T
    order, pred = csgraph.breadth_first_order(t, n, directed=False, return_predecessors=True)
    order = order.astype(np.int64)
    pos = np.full(n + 1, -1, dtype=np.int64)
    pos[order] = np.arange(len(order))
    ppos = np.zeros(len(order), dtype=np.int64)
    ppos[1:] = pos[pred[order[1:]]]
    # Breadth-first order lists children in the order their parents were expanded, so
    # parent positions never decrease: each depth level ends where parents leave the
    # previous level.
    bounds = [0, 1]
    total = len(order)
    while bounds[-1] < total:
        bounds.append(int(np.searchsorted(ppos, bounds[-1], side="left")))
        if bounds[-1] <= bounds[-2]:  # defensive: cannot happen for a valid forest
            raise RuntimeError("spanning forest levels did not advance")
    levels = np.asarray(bounds, dtype=np.int64)
    depth = np.repeat(np.arange(len(levels) - 1), np.diff(levels))
    del m
    return Forest(order=order, pos=pos, ppos=ppos, levels=levels, depth=depth)


def subtree_sums(f: Forest, vals: np.ndarray) -> np.ndarray:
    """Sum of ``vals`` (rows in position order, shape (N,) or (N, c)) over each subtree."""
    s = np.array(vals, dtype=np.float64, copy=True)
    lv = f.levels
    for j in range(len(lv) - 2, 0, -1):
        a, b = lv[j], lv[j + 1]
        pp = f.ppos[a:b]
        starts = np.flatnonzero(np.diff(pp)) + 1
        starts = np.concatenate([[0], starts])
        red = np.add.reduceat(s[a:b], starts, axis=0)
        s[pp[starts]] += red
    return s


def mark_subtrees(f: Forest, heads: np.ndarray) -> np.ndarray:
    """Boolean (N,) in position order: True at every position under one of ``heads``."""
    mark = np.zeros(len(f.order), dtype=bool)
    mark[heads] = True
    lv = f.levels
    for j in range(2, len(lv) - 1):
        a, b = lv[j], lv[j + 1]
        mark[a:b] |= mark[f.ppos[a:b]]
    return mark


def lca_positions(f: Forest, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Lowest common ancestor (as a position) of each pair of positions, by binary lifting."""
    depth = f.depth
    maxd = int(depth.max()) if len(depth) else 0
    logd = max(1, int(maxd).bit_length())
    up = [f.ppos]
    for _ in range(1, logd):
        prev = up[-1]
        up.append(prev[prev])
    a = a.copy()
    b = b.copy()
    swap = depth[a] < depth[b]
    a[swap], b[swap] = b[swap], a[swap]
    diff = depth[a] - depth[b]
    for j in range(logd):
        sel = ((diff >> j) & 1).astype(bool)
        if sel.any():
            a[sel] = up[j][a[sel]]
    for j in range(logd - 1, -1, -1):
        ua = up[j][a]
        ub = up[j][b]
        d = ua != ub
        a[d] = ua[d]
        b[d] = ub[d]
    same = a == b
    return np.where(same, a, f.ppos[a])
