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


class ForestGraph:
    """The CSR structure of a forest problem (edges + super-root links), built once.

    Random forests over the same edges differ only in their weights, so the sparse
    matrix's index arrays are computed once and each forest only permutes its keys.
    """

    def __init__(self, n: int, eu: np.ndarray, ev: np.ndarray, roots: np.ndarray):
        r = len(roots)
        rows = np.concatenate([eu, np.full(r, n, dtype=np.int64)])
        cols = np.concatenate([ev, roots.astype(np.int64)])
        self.n = n
        self.m = len(eu)
        self.perm = np.lexsort((cols, rows))
        idx_dtype = np.int32 if n + 1 < 2**31 and len(rows) < 2**31 else np.int64
        self.indices = cols[self.perm].astype(idx_dtype)
        self.indptr = np.searchsorted(rows[self.perm], np.arange(n + 2)).astype(idx_dtype)
        self._ext = np.ones(len(rows))

    def forest(self, key: np.ndarray) -> "Forest":
        ext = self._ext
        ext[: self.m] = key
        g = sp.csr_array((ext[self.perm], self.indices, self.indptr), shape=(self.n + 1, self.n + 1))
        return _forest_of(g, self.n)


def build_forest(
    n: int,
    eu: np.ndarray,
    ev: np.ndarray,
    key: np.ndarray,
    roots: np.ndarray,
) -> Forest:
    """Minimum spanning forest of the edges (eu, ev) with weights ``key`` (> 0).

    ``roots`` holds one atom per piece; each becomes its tree's root. The edges must only
    join atoms of the same piece, and every piece must be connected by them. (Several
    forests over the same edges: use ``ForestGraph``.)
    """
    return ForestGraph(n, eu, ev, roots).forest(key)


def _forest_of(g, n: int) -> Forest:
    # not overwrite=True: the result would share (and prune) the reused index arrays
    t = csgraph.minimum_spanning_tree(g)
    # directed=False walks the tree's edges both ways: no need to symmetrise it
    order, pred = csgraph.breadth_first_order(t, n, directed=False, return_predecessors=True)
    order = order.astype(np.int64)
    total = len(order)
    pos = np.full(n + 1, -1, dtype=np.int64)
    pos[order] = np.arange(total)
    ppos = np.zeros(total, dtype=np.int64)
    ppos[1:] = pos[pred[order[1:]]]
    # Breadth-first order lists children in the order their parents were expanded, so
    # parent positions never decrease: each depth level ends where parents leave the
    # previous level.
    bounds = [0, 1]
    ss = ppos.searchsorted
    while bounds[-1] < total:
        b = int(ss(bounds[-1], side="left"))
        if b <= bounds[-1]:  # defensive: cannot happen for a valid forest
            raise RuntimeError("spanning forest levels did not advance")
        bounds.append(b)
    levels = np.asarray(bounds, dtype=np.int64)
    depth = np.repeat(np.arange(len(levels) - 1), np.diff(levels))
    return Forest(order=order, pos=pos, ppos=ppos, levels=levels, depth=depth)


def subtree_sums(f: Forest, vals: np.ndarray) -> np.ndarray:
    """Sum of ``vals`` (rows in position order, shape (N,) or (N, c)) over each subtree."""
    s = np.array(vals, dtype=np.float64, copy=True)
    lv = f.levels
    pp = f.ppos
    # Parent positions never decrease, so siblings are runs of equal ppos and a new run
    # starts at every level boundary too: find all runs once, then reduce level by level.
    runs = np.flatnonzero(pp[1:] != pp[:-1]) + 1
    if len(pp) > 1 and (len(runs) == 0 or runs[0] != 1):
        runs = np.concatenate([[1], runs])
    tgt = pp[runs]
    cut = runs.searchsorted(lv)
    reduceat = np.add.reduceat
    for j in range(len(lv) - 2, 0, -1):
        a, b = lv[j], lv[j + 1]
        r0, r1 = cut[j], cut[j + 1]
        s[tgt[r0:r1]] += reduceat(s[a:b], runs[r0:r1] - a, axis=0)
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
    pp = f.ppos
    pa = pp[a]
    pb = pp[b]
    # most pairs are tree edges or siblings: their answer is known without lifting
    out = np.where(pa == b, b, np.where(pb == a, a, pa))
    rest = np.flatnonzero((pa != b) & (pb != a) & ((pa != pb) | (a == b)))
    if len(rest) == 0:
        return out
    a = a[rest]
    b = b[rest]
    maxd = int(depth[-1]) if len(depth) else 0  # positions are in depth order
    logd = max(1, int(maxd).bit_length())
    up = [pp]
    for _ in range(1, logd):
        prev = up[-1]
        up.append(prev[prev])
    da = depth[a]
    db = depth[b]
    swap = da < db
    a, b = np.where(swap, b, a), np.where(swap, a, b)
    diff = np.abs(da - db)
    for j in range(logd):
        sel = np.flatnonzero((diff >> j) & 1)
        if len(sel):
            a[sel] = up[j][a[sel]]
    for j in range(logd - 1, -1, -1):
        ua = up[j][a]
        ub = up[j][b]
        d = ua != ub
        a = np.where(d, ua, a)
        b = np.where(d, ub, b)
    out[rest] = np.where(a == b, a, pp[a])
    return out
