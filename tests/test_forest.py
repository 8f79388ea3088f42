"""Spanning forests: subtree sums, subtree marks and lowest common ancestors against plain loops."""

import numpy as np
import pytest

from gridmap.partition._forest import ForestGraph, lca_positions, mark_subtrees, subtree_sums


def _grid_pieces(nx, ny, cuts):
    """A grid graph of nx*ny atoms split into vertical strips at the x positions in cuts."""
    idx = np.arange(nx * ny).reshape(ny, nx)
    strip = np.searchsorted(np.asarray(cuts), np.arange(nx), side="right")
    eu, ev = [], []
    for y in range(ny):
        for x in range(nx):
            if x + 1 < nx and strip[x] == strip[x + 1]:
                eu.append(idx[y, x])
                ev.append(idx[y, x + 1])
            if y + 1 < ny:
                eu.append(idx[y, x])
                ev.append(idx[y + 1, x])
    piece = np.tile(strip, ny)
    roots = np.array([np.flatnonzero(piece == p)[0] for p in np.unique(piece)])
    return np.array(eu), np.array(ev), piece, roots


def _ancestors(f, p):
    out = [p]
    while p != 0:
        p = int(f.ppos[p])
        out.append(p)
    return out


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_forest_against_plain_loops(seed):
    rng = np.random.default_rng(seed)
    nx, ny = 13, 9
    eu, ev, piece, roots = _grid_pieces(nx, ny, [4, 9])
    n = nx * ny
    f = ForestGraph(n, eu, ev, roots).forest(rng.random(len(eu)) + 0.1)
    N = len(f.order)
    assert N == n + 1 and f.order[0] == n
    # a spanning tree of each piece: n - pieces tree edges, each inside one piece
    assert sorted(f.order[f.roots].tolist()) == sorted(roots.tolist())
    assert len(f.cand) == n - len(roots)
    atoms = f.order[f.cand]
    assert np.all(piece[atoms] == piece[f.order[f.ppos[f.cand]]])
    # subtree sums (one integer column summed exactly, one fractional) against loops
    vals = np.zeros((N, 2))
    vals[1:, 0] = rng.integers(0, 500, n)
    vals[1:, 1] = rng.random(n) * 2.3
    s = subtree_sums(f, vals, exact=0)
    kids = [[] for _ in range(N)]
    for p in range(1, N):
        kids[f.ppos[p]].append(p)

    def total(p):
        return vals[p] + sum((total(c) for c in kids[p]), np.zeros(2))

    for p in range(N):
        assert s[p, 0] == total(p)[0]
        assert s[p, 1] == pytest.approx(total(p)[1], abs=1e-9)
    # the subtree of p is the run p..last[p]
    for p in range(N):
        under = {q for q in range(N) if p in _ancestors(f, q)}
        assert under == set(range(p, f.last[p] + 1))
    # marks of a few subtrees in different pieces
    heads = np.array([f.cand[3], f.cand[-2]])
    mark = mark_subtrees(f, heads)
    want = np.zeros(N, bool)
    for h in heads:
        want[h : f.last[h] + 1] = True
    assert np.array_equal(mark, want)
    # lowest common ancestors of every graph edge and of random same-piece pairs
    a = np.r_[f.pos[eu], rng.choice(f.cand, 200)]
    b = np.r_[f.pos[ev], rng.choice(f.cand, 200)]
    got = lca_positions(f, a, b)
    for x, y, z in zip(a, b, got):
        ax = _ancestors(f, int(x))
        want_lca = next(q for q in _ancestors(f, int(y)) if q in ax)
        assert z == want_lca


def test_forest_keeps_costly_edges():
    """A minimum spanning forest on 1/cost keeps the costly edges: the cheap one is cut."""
    # a path 0-1-2-3 plus a chord 0-3; the chord and 1-2 are cheap to cut
    eu = np.array([0, 1, 2, 0])
    ev = np.array([1, 2, 3, 3])
    cost = np.array([5.0, 0.1, 5.0, 0.2])
    f = ForestGraph(4, eu, ev, np.array([0])).forest(1.0 / cost)
    tree = {tuple(sorted((int(f.order[p]), int(f.order[f.ppos[p]])))) for p in f.cand}
    assert tree == {(0, 1), (2, 3), (0, 3)}
