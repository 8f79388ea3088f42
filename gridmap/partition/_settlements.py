"""Rural grids by natural settlement: clusters of houses, then atoms grouped around them.

In the countryside a grid is a village, a villager group or a natural settlement
(自然村). :func:`settlements` finds the settlements as single-linkage clusters of
household points (houses closer than a gap belong together); :func:`settlement_grids`
turns one rural unit's atoms into contiguous grids, one per settlement as far as the
atoms (cut by roads, rivers and ridges) allow.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph

from ._labels import by_first_atom


def settlements(xy: np.ndarray, gap_m: float, group: np.ndarray | None = None) -> np.ndarray:
    """Settlement id (0..s-1) of each point: points at most ``gap_m`` metres apart, chained.

    ``group`` (e.g. the unit of each point): points of different groups never share a
    settlement.

    Single-linkage clusters at ``gap_m`` are the connected pieces of the minimum spanning
    tree's edges up to ``gap_m``, and that tree lies in the Delaunay triangulation, so the
    edges tested are the triangulation's (about 3 per point) rather than every pair
    closer than the gap (hundreds per house in a town). Groups are laid apart on a
    lattice first, so that one triangulation serves them all.
    """
    xy = np.asarray(xy, dtype=np.float64)
    n = len(xy)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if group is not None and n:
        codes = np.unique(np.asarray(group), return_inverse=True)[1].ravel()
        step = float(np.ptp(xy, axis=0).max()) + 3.0 * gap_m + 1.0
        side = int(np.ceil(np.sqrt(codes.max() + 1)))
        xy = xy - xy.min(axis=0) + step * np.column_stack([codes % side, codes // side])
    # distinct locations (the triangulation skips repeated points): x + iy sorts like (x, y)
    keys, inverse = np.unique(np.ascontiguousarray(xy).view(np.complex128).ravel(), return_inverse=True)
    unique, inverse = np.column_stack([keys.real, keys.imag]), inverse.ravel()
    pairs = _delaunay_pairs(unique)
    if pairs is None:  # under 3 distinct points, or all on one line
        from scipy.spatial import cKDTree

        pairs = cKDTree(unique).query_pairs(gap_m, output_type="ndarray")
    else:
        length = np.hypot(*(unique[pairs[:, 0]] - unique[pairs[:, 1]]).T)
        pairs = pairs[length <= gap_m]
    m = len(unique)
    g = sp.coo_array((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(m, m)).tocsr()
    _, labels = csgraph.connected_components(g, directed=False)
    # number the settlements by their first point, as before (labels do not depend on the method)
    labels = labels[inverse]
    return by_first_atom(labels)[0].astype(np.int64)


def _delaunay_pairs(points: np.ndarray) -> np.ndarray | None:
    """Edges of the Delaunay triangulation of distinct ``points`` (pairs, some twice); None when it has none."""
    if len(points) < 3:
        return None
    # scipy.spatial costs 0.1-0.2 s to import: only plans with settlements pay it
    from scipy.spatial import Delaunay, QhullError

    try:
        tri = Delaunay(points)
    except QhullError:  # collinear or otherwise degenerate
        return None
    s = tri.simplices
    # each inner edge comes twice (one per triangle): harmless for connected pieces
    return np.concatenate([s[:, [0, 1]], s[:, [1, 2]], s[:, [0, 2]]])


def dominant_settlement(atom_of_point: np.ndarray, settlement: np.ndarray, households: np.ndarray,
                        n_atoms: int) -> np.ndarray:
    """Per atom, the settlement holding most of its households (-1 for atoms without any)."""
    out = np.full(n_atoms, -1, dtype=np.int64)
    ok = (atom_of_point >= 0) & (households > 0)
    if not ok.any():
        return out
    a, s, h = atom_of_point[ok], settlement[ok], households[ok]
    span = int(settlement.max()) + 1
    pair, inv = np.unique(a * span + s, return_inverse=True)
    weight = np.bincount(inv, h)
    pa, ps = pair // span, pair % span
    # per atom: largest weight, ties to the smallest settlement id
    o = np.lexsort((ps, -weight, pa))
    first = np.r_[True, pa[o][1:] != pa[o][:-1]]
    out[pa[o][first]] = ps[o][first]
    return out


def grow_labels(labels: np.ndarray, u: np.ndarray, v: np.ndarray, w: np.ndarray,
                grow: np.ndarray | None = None) -> np.ndarray:
    """Unlabelled atoms (-1) take the label of the neighbour they share most boundary with, round by round.

    ``u, v, w``: both directions of every adjacent pair and their shared boundary (m).
    ``grow``: which labels may spread (a boolean per label value; default all). Atoms
    no growing label reaches stay -1. Ties go to the smallest label.
    """
    lab = labels.copy()
    while (lab < 0).any():
        take = (lab[u] < 0) & (lab[v] >= 0)
        if grow is not None:
            take &= grow[np.maximum(lab[v], 0)]
        if not take.any():
            break
        cu, cl, cw = u[take], lab[v[take]], w[take]
        o = np.lexsort((cl, -cw, cu))
        first = np.r_[True, cu[o][1:] != cu[o][:-1]]
        lab[cu[o][first]] = cl[o][first]
    return lab


def settlement_grids(households: np.ndarray, adjacency, dominant: np.ndarray, min_households: float) -> np.ndarray:
    """Grid labels (0..k-1) of one rural unit's atoms, grids following its settlements.

    households : households per atom. adjacency : (n, n) symmetric, shared boundary (m).
    dominant : settlement of each atom (any ids), -1 for atoms without households.
    Every grid is contiguous; a grid under ``min_households`` joins the neighbouring grid
    it shares the longest boundary with (a cut-off piece with no neighbour stays alone).
    """
    h = np.asarray(households, dtype=np.float64)
    n = len(h)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    a = sp.csr_array(adjacency)
    a = a.maximum(a.T).tocoo()
    u, v, w = a.row.astype(np.int64), a.col.astype(np.int64), a.data.astype(np.float64)
    lab = grow_labels(np.asarray(dominant, dtype=np.int64), u, v, w)
    if (lab < 0).any():
        # pieces with no household at all: each becomes a label of its own
        rest = np.flatnonzero(lab < 0)
        sub = sp.csr_array((np.ones(len(u)), (u, v)), shape=(n, n))[rest][:, rest]
        _, comp = csgraph.connected_components(sub, directed=False)
        lab[rest] = lab.max() + 1 + comp
    # one group per connected piece of each label
    same = lab[u] == lab[v]
    g = sp.csr_array((np.ones(int(same.sum())), (u[same], v[same])), shape=(n, n))
    _, group = csgraph.connected_components(g, directed=False)
    group = group.astype(np.int64)
    # small groups join their longest-boundary neighbour, smallest first
    while True:
        k = int(group.max()) + 1
        gh = np.bincount(group, h, minlength=k)
        cross = group[u] != group[v]
        gu, gv, gw = group[u[cross]], group[v[cross]], w[cross]
        has_nb = np.zeros(k, dtype=bool)
        has_nb[gu] = True
        small = np.flatnonzero((gh < min_households) & has_nb)
        if len(small) == 0 or k == 1:
            break
        s = small[np.lexsort((small, gh[small]))[0]]
        sel = gu == s
        nb, nw = gv[sel], gw[sel]
        tot = np.bincount(nb, nw, minlength=k)
        target = int(np.argmax(tot))  # ties: the smallest group id
        group[group == s] = target
        _, group = np.unique(group, return_inverse=True)
    # number grids by their lowest atom
    return by_first_atom(group)[0]
