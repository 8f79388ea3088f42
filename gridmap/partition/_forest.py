"""Random spanning forests over the pieces of a partition, and the cut data of every tree edge.

One call handles every piece being split at once: the graph restricted to edges inside
active pieces is a disjoint union, so one minimum spanning forest and one depth-first
order give, for every tree edge of every piece, the totals of the subtree below it
(households, compactness moments) and the exact cost of the graph cut it induces.

Positions follow the depth-first preorder, so every subtree is a contiguous run of
positions ``[p, last[p]]``: subtree totals are differences of one cumulative sum, a set
of subtrees is marked by a difference array, and "is x an ancestor of y" is a range test.
Nothing loops over atoms or tree levels in Python; the ancestor search of the lowest
common ancestors takes log2(depth) vectorised steps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph


#: Random trees drawn together are one forest over copies of the graph, up to this many
#: atoms in all (the copies save numpy's per-call cost on small pieces; large ones gain nothing).
COPY_MAX_ATOMS = 4096


@dataclass
class Forest:
    """A rooted spanning forest in depth-first preorder, under a virtual super-root.

    Position 0 is the super-root (not an atom); the roots of the pieces are its children
    (``roots``); every other position is a candidate cut (the tree edge to its parent,
    ``cand``). The subtree of position p is the run of positions p..last[p].
    """

    order: np.ndarray  # (N,) atom index at each position; order[0] == n (the super-root)
    pos: np.ndarray  # (n+1,) position of each atom, -1 when the atom is in no active piece
    ppos: np.ndarray  # (N,) position of the parent; ppos[0] == 0
    last: np.ndarray  # (N,) last position of each subtree
    roots: np.ndarray  # (P,) positions of the pieces' roots, ascending
    cand: np.ndarray  # (N - 1 - P,) positions of all other atoms, ascending


class ForestGraph:
    """The CSR structure of a forest problem (edges + super-root links), built once.

    Random forests over the same edges differ only in their weights, so the sparse
    matrix's index arrays are computed once and each forest only permutes its keys.
    The edges must only join atoms of the same piece, every piece must be connected by
    them, and ``roots`` holds one atom per piece (its tree's root).
    """

    def __init__(self, n: int, eu: np.ndarray, ev: np.ndarray, roots: np.ndarray):
        r = len(roots)
        rows = np.concatenate([eu, np.full(r, n, dtype=np.int64)])
        cols = np.concatenate([ev, roots.astype(np.int64)])
        self.n = n
        self.m = len(eu)
        # CSR order: by row, then column. The super-root's links come last (row n); the
        # edges are usually passed sorted already, and then only the roots are sorted.
        edge_key = eu.astype(np.int64) * (n + 1) + ev
        if np.all(edge_key[1:] >= edge_key[:-1]):
            self.perm = np.concatenate([np.arange(len(eu)), len(eu) + np.argsort(roots, kind="stable")])
        else:
            self.perm = np.lexsort((cols, rows))
        idx_dtype = np.int32 if n + 1 < 2**31 and len(rows) < 2**31 else np.int64
        self.indices = cols[self.perm].astype(idx_dtype)
        self.indptr = np.searchsorted(rows[self.perm], np.arange(n + 2)).astype(idx_dtype)
        self._ext = np.ones(len(rows))

    def forest(self, key: np.ndarray) -> Forest:
        """Minimum spanning forest for the edge weights ``key`` (> 0, one per edge)."""
        ext = self._ext
        ext[: self.m] = key
        g = sp.csr_array((ext[self.perm], self.indices, self.indptr), shape=(self.n + 1, self.n + 1))
        return _forest_of(g, self.n)


def _forest_of(g, n: int) -> Forest:
    # not overwrite=True: the result would share (and prune) the reused index arrays
    t = csgraph.minimum_spanning_tree(g)
    # directed=False walks the tree's edges both ways: no need to symmetrise it
    order, pred = csgraph.depth_first_order(t, n, directed=False, return_predecessors=True)
    order = order.astype(np.int64)
    total = len(order)
    pos = np.full(n + 1, -1, dtype=np.int64)
    pos[order] = np.arange(total)
    ppos = np.zeros(total, dtype=np.int64)
    ppos[1:] = pos[pred[order[1:]]]
    # The last position of a subtree is the last position of its last child's subtree:
    # follow "last child" pointers, doubling the stride each step.
    last = np.arange(total)
    np.maximum.at(last, ppos[1:], np.arange(1, total))
    while True:
        nxt = last[last]
        if np.array_equal(nxt, last):
            break
        last = nxt
    is_root = ppos == 0
    is_root[0] = False
    roots = np.flatnonzero(is_root)
    is_root[0] = True
    cand = np.flatnonzero(~is_root)
    return Forest(order=order, pos=pos, ppos=ppos, last=last, roots=roots, cand=cand)


def subtree_sums(f: Forest, vals: np.ndarray, exact: int | None = None) -> np.ndarray:
    """Sum of ``vals`` (rows in position order, shape (N,) or (N, c)) over each subtree.

    Sums are differences of a running total, so their rounding error grows with the
    total of the whole forest. ``exact``: a column (e.g. households, tested against a
    band) summed as integer and fractional parts, so that its subtree sums are exact for
    whole numbers and off by far less than 1e-6 otherwise.
    """
    v = np.asarray(vals, dtype=np.float64)
    N = v.shape[0]
    c = np.zeros((N + 1,) + v.shape[1:])
    np.cumsum(v, axis=0, out=c[1:])
    s = c[f.last + 1] - c[:-1]
    if exact is not None:
        col = v[:, exact]
        whole = np.floor(col)
        ci = np.zeros(N + 1, dtype=np.int64)
        np.cumsum(whole.astype(np.int64), out=ci[1:])
        cf = np.zeros(N + 1)
        np.cumsum(col - whole, out=cf[1:])
        s[:, exact] = (ci[f.last + 1] - ci[:-1]) + (cf[f.last + 1] - cf[:-1])
    return s


def block_subtree_sums(f: Forest, vals: np.ndarray, blocks: int, exact: int | None = None) -> np.ndarray:
    """:func:`subtree_sums` of a forest over ``blocks`` disjoint copies of one graph, each
    summed as if it were its own forest.

    Positions 1..N-1 must be ``blocks`` equal runs, one per copy (the copies' atoms
    numbered copy after copy, each copy's roots after the previous copy's): each run's
    running totals start from zero, as its own forest's would, so every sum is the same
    to the last bit. Row 0 (the super-root) is left zero.
    """
    v = np.asarray(vals, dtype=np.float64)
    N, C = v.shape
    per = (N - 1) // blocks
    p = np.arange(1, N)
    b = (p - 1) // per  # the copy of each position
    j = p - 1 - b * per  # its place in its copy
    end = f.last[1:] - b * per  # one past its subtree's last place in its copy
    # a zero row before each copy: its own forest's running total starts from the super-root's zero
    c = np.zeros((blocks, per + 1, C))
    c[:, 1:] = v[1:].reshape(blocks, per, C)
    c = np.cumsum(c, axis=1)
    s = np.zeros((N, C))
    s[1:] = c[b, end] - c[b, j]
    if exact is not None:
        col = v[1:, exact].reshape(blocks, per)
        whole = np.floor(col)
        ci = np.zeros((blocks, per + 1), dtype=np.int64)
        ci[:, 1:] = whole.astype(np.int64)
        ci = np.cumsum(ci, axis=1)
        cf = np.zeros((blocks, per + 1))
        cf[:, 1:] = col - whole
        cf = np.cumsum(cf, axis=1)
        s[1:, exact] = (ci[b, end] - ci[b, j]) + (cf[b, end] - cf[b, j])
    return s


def mark_subtrees(f: Forest, heads: np.ndarray) -> np.ndarray:
    """Boolean (N,) in position order: True at every position under one of ``heads``.

    ``heads`` must not lie in each other's subtrees (e.g. one per piece).
    """
    N = len(f.order)
    d = np.bincount(heads, minlength=N + 1) - np.bincount(f.last[heads] + 1, minlength=N + 1)
    return np.cumsum(d[:N]) > 0


def lca_positions(f: Forest, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Lowest common ancestor (as a position) of each pair of positions."""
    pp = f.ppos
    last = f.last
    pa = pp[a]
    pb = pp[b]
    # most pairs are tree edges or siblings: their answer is known without a search
    out = np.where(pa == b, b, np.where(pb == a, a, pa))
    rest = np.flatnonzero((pa != b) & (pb != a) & ((pa != pb) | (a == b)))
    if len(rest) == 0:
        return out
    x = a[rest]
    y = b[rest]
    # one is an ancestor of the other: a range test
    x_over_y = (x <= y) & (y <= last[x])
    y_over_x = (y <= x) & (x <= last[y])
    res = np.where(x_over_y, x, y)
    lift = np.flatnonzero(~(x_over_y | y_over_x))
    if len(lift):
        # jump x up by 2^j while the landing point is still not an ancestor of y; the
        # lowest common ancestor is then the parent of x
        up = [pp]
        while up[-1].any():
            up.append(up[-1][up[-1]])
        x = x[lift]
        y = y[lift]
        for j in range(len(up) - 1, -1, -1):
            c = up[j][x]
            below = (c > y) | (y > last[c])
            x = np.where(below, c, x)
        res[lift] = pp[x]
    out[rest] = res
    return out


def compactness_score(cross, W, Sx, Sy, Sr, WA, SxA, SyA, SrA, w_inertia):
    """Score of cutting a piece in two (lower is better): cut / radius of gyration + w_inertia * inertia share.

    W, Sx, Sy, Sr: the piece's weight and weighted moments (x, y about its centre, and
    x² + y²); WA, SxA, SyA, SrA: the same for side A (side B is the rest). The first term
    is the cut's cost relative to the piece's size, the second the share of the piece's
    moment of inertia left after the cut.
    """
    Ip = np.maximum(Sr - (Sx**2 + Sy**2) / np.maximum(W, 1e-12), 1e-9)
    WB, SxB, SyB, SrB = W - WA, Sx - SxA, Sy - SyA, Sr - SrA
    IA = SrA - (SxA**2 + SyA**2) / np.maximum(WA, 1e-12)
    IB = SrB - (SxB**2 + SyB**2) / np.maximum(WB, 1e-12)
    R = np.sqrt(Ip / np.maximum(W, 1e-12))
    return cross / np.maximum(R, 1e-9) + w_inertia * np.clip((IA + IB) / Ip, 0.0, 1.0)
