"""Settle one connected piece exactly: an in-band split, or a proof that none exists.

Called when the tree heuristic (``_bisect``) gives up on a piece whose household total
fits a whole number of grids. The steps, cheapest first:

1. **Folding.** A part of the piece cut off by one atom (an articulation point) whose
   households are fewer than the band's bottom cannot be a grid, nor hold one: every
   grid touching it must also hold the atom that cuts it off, so the part is folded into
   that atom. Repeated to a fixed point, this is exact (the folded piece has an in-band
   split exactly when the original has) and often proves infeasibility at once: a
   folded atom over the band's top.
2. **Tree DP.** On a random spanning tree, a dynamic programme over subtree totals
   (households scaled to integers, sets of reachable totals as bit arrays) finds a
   split of the whole tree into in-band subtrees when one exists - all grids at once,
   not one cut at a time. A handful of trees.
3. **LNS from the near-plan.** The tree DP also gives the least-bad split of a few
   trees (every grid at least the band's bottom, the heaviest as light as it can be).
   Each grid of it over the band's top is re-split exactly together with the grids
   around it (CP-SAT on the small region, minimising the households over the top, from
   the current split): a large-neighbourhood search that finds in-band plans on pieces
   near the ceiling where one search of the whole piece does not.
4. **CP-SAT.** A rooted-assignment model (Validi, Buchanan & Lykhovyd 2022): each atom
   is assigned to the lowest-numbered atom of its grid; candidate roots are pruned by
   the household-weighted distance (no grid can hold a path heavier than the band's
   top); contiguity by parent pointers along which labels decrease. Households are
   scaled and rounded in the loosening direction, so "infeasible" is a proof about the
   real numbers; plans found are checked with the real numbers. The near-plan is its
   hint. One worker, a fixed seed and deterministic time limits: the same input gives
   the same answer.
5. **Group cover.** When CP-SAT on the whole piece finds nothing and a grid can hold
   only a few non-empty atoms (pieces near the ceiling: heavy atoms among many empty
   ones), the in-band groups of non-empty atoms are listed and CP-SAT picks a set
   partition of them (fewest connecting empty atoms first); a second model connects the
   chosen groups through disjoint sets of empty atoms, or names groups that cannot be
   connected together, which are cut off. No partition left proves infeasibility.
6. **LNS restarts.** A piece still undecided gets the LNS again from fresh near-plans
   (new random trees), least excess first: the LNS stalls in a local minimum from one
   start and not from another (li-allroads-300-4: 282 folded atoms, 165 of them empty,
   a grid may hold up to 96 of its non-empty ones; no group cover, no whole-piece
   CP-SAT plan in its budget, but a plan from the first restart). It finds plans only.
7. **Band limit.** For a piece CP-SAT or the group cover proves infeasible, the least band top (whole
   households, the bottom kept) at which it has a split: CP-SAT minimising the top from
   the near-plan, then bisection over the whole tops still in doubt; or the range
   known to hold it when the budget runs out.

Everything here is a pure function of one piece's arrays.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph

__all__ = ["Decision", "decide_piece", "fold_pendants"]

SCALE_BINS = 20_000  # largest scaled band top: households * scale <= this many units
WILSON_MAX_ATOMS = 1_000  # uniform spanning trees up to this size (a Python loop)
LIMIT_BINS = 4_000  # largest scaled top of the tree DPs that look for the least band top
LNS_MAX_ATOMS = 150  # largest region the LNS re-splits in one CP-SAT call
LIMIT_TREES = 4  # random trees on which the tree DP looks for the least band top
TREE_WORK = 40_000  # atoms x trees of the tree DP per call: big pieces get fewer trees
RESTART_TREES = 16  # fresh near-plans of the LNS restarts (the last step, for pieces still undecided)
RESTART_SHARE = 0.125  # share of the restarts' budget one start may use


@dataclass(frozen=True)
class Decision:
    """What the exact step found for one piece.

    Attributes
    ----------
    labels : ndarray of int or None
        Grid of each atom (0..k-1) of an in-band split, None when none was found.
    status : str
        ``"ok"`` (labels in band), ``"infeasible"`` (proven: no in-band split exists) or
        ``"undecided"`` (the budget ran out).
    method : str
        What settled it: ``"fold"``, ``"tree_dp"``, ``"counts"`` (the households admit no
        grouping into in-band grids at all), ``"cp_sat_lns"`` (the search from the
        near-plan), ``"cp_sat"``, ``"group_cover"`` (the groups of non-empty atoms and
        their connections through empty atoms), ``"lns_restarts"`` (the LNS from fresh
        near-plans, last); or for undecided, what was tried.
    reason : str
        Why an infeasible piece is infeasible, in a planner's words ('' otherwise).
    code, params : str, dict
        The same as data: a reason code (``must_share_over_band``: atoms that must share
        a grid hold more than the band's top; ``no_partner``: atoms too few for a grid
        whose every neighbour would push them over the top; ``one_grid``: the piece
        must be one grid, out of band; ``cp_sat_needs_top``: the model has no
        solution, and the band's top would have to be at least ``need_hi``;
        ``cp_sat_needs_top_range``: the same with the least top known to lie in
        ``need_hi_min``..``need_hi_max``; ``cp_sat_infeasible``: no solution, no limit;
        ``no_grouping``: the households admit no grouping into in-band grids at all,
        ``no_grouping_needs_top`` the same with ``need_hi``)
        and its numbers (atoms, households, lo, hi, need_hi...).
    need_hi : float
        For a piece proven infeasible by folding: a band top it would need at least
        (households; a lower bound). Proven infeasible by CP-SAT or the group cover: the least whole number
        of households the band's top would need (a top of ``need_hi - 1`` has no split,
        one of ``need_hi`` has). NaN otherwise.
    atoms : int
        Atoms of the piece; ``folded_atoms`` after folding.
    folded_atoms : int
    seconds : float
        Wall time spent (s), for reports and benchmarks only.
    """

    labels: np.ndarray | None
    status: str
    method: str
    reason: str = ""
    need_hi: float = float("nan")
    atoms: int = 0
    folded_atoms: int = 0
    seconds: float = 0.0
    code: str = ""
    params: dict = field(default_factory=dict)


def _fmt(x: float) -> str:
    r = round(float(x))
    return str(r) if abs(x - r) < 0.05 else f"{x:.1f}"


# ----------------------------------------------------------------------------- folding
def fold_pendants(h: np.ndarray, adj: sp.csr_array, lo: float, eps: float, hi: float | None = None):
    """Contract atoms that must share a grid, to a fixed point.

    A part cut off by one atom with fewer than ``lo`` households is folded into that atom
    (every grid touching it must hold the atom). With ``hi``, also: a group under ``lo``
    with exactly one neighbour it can join without passing ``hi`` joins that neighbour.
    Both rules keep the set of in-band splits the same.

    Returns (group of each atom, households per group, group adjacency as a 0/1 csr
    array, the atoms of each group).
    """
    n = len(h)
    group = np.arange(n)
    g_adj = _bool_csr(adj, n)
    gh = h.astype(np.float64).copy()
    members = [np.array([i]) for i in range(n)]
    if lo <= eps:
        return group, gh, g_adj, members
    while g_adj.shape[0] >= 2:
        m = g_adj.shape[0]
        merge_into = np.arange(m)
        if m == 2 and gh.min() < lo - eps:
            merge_into[:] = 0  # a light atom's only neighbour is the other
        elif m >= 3:
            for a in _articulation_points(g_adj):
                if merge_into[a] != a:
                    continue  # already folded into another atom in this pass
                keep = merge_into == np.arange(m)
                keep[a] = False
                idx = np.flatnonzero(keep)
                nc, comp = csgraph.connected_components(g_adj[idx][:, idx], directed=False)
                ch = np.bincount(comp, gh[idx], minlength=nc)
                # only the parts next to a (the others are cut off by another atom)
                pos = np.full(m, -1)
                pos[idx] = np.arange(len(idx))
                nbp = pos[g_adj.indices[g_adj.indptr[a] : g_adj.indptr[a + 1]]]
                touch = np.zeros(nc, dtype=bool)
                touch[comp[nbp[nbp >= 0]]] = True
                light = touch & (ch < lo - eps)
                if light.any():
                    merge_into[idx[light[comp]]] = a
        if hi is not None and np.all(merge_into == np.arange(m)):
            touched = np.zeros(m, dtype=bool)  # merged this pass: weights and neighbours not current
            for g in np.flatnonzero(gh < lo - eps):
                nb = g_adj.indices[g_adj.indptr[g] : g_adj.indptr[g + 1]]
                if touched[g] or touched[nb].any():
                    continue  # decided on the next pass, with the merged weights
                nb = nb[gh[nb] + gh[g] <= hi + eps]
                if len(nb) == 1:
                    touched[g] = touched[nb[0]] = True
                    merge_into[g] = nb[0]
                    merge_into[merge_into == g] = nb[0]
        if np.all(merge_into == np.arange(m)):
            break
        while True:  # an atom folded into one that was itself folded later in the pass
            nxt = merge_into[merge_into]
            if np.array_equal(nxt, merge_into):
                break
            merge_into = nxt
        _, new = np.unique(merge_into, return_inverse=True)
        new = new.ravel()
        k = int(new.max()) + 1
        gh = np.bincount(new, gh, minlength=k)
        buckets: list[list[np.ndarray]] = [[] for _ in range(k)]
        for old, nw in enumerate(new):
            buckets[nw].append(members[old])
        members = [np.sort(np.concatenate(b)) for b in buckets]
        group = new[group]
        c = g_adj.tocoo()
        e = new[c.row] != new[c.col]
        g_adj = sp.csr_array((np.ones(int(e.sum())), (new[c.row[e]], new[c.col[e]])), shape=(k, k))
        g_adj.sum_duplicates()
        g_adj.data[:] = 1.0
        if hi is not None and gh.max() > hi + eps:
            break
    return group, gh, g_adj, members


def _fold_proof(gh: np.ndarray, gadj: sp.csr_array, lo: float, hi: float, eps: float):
    """What the folded groups alone prove (``gh``, ``gadj`` from :func:`fold_pendants` with ``hi``):
    ``("must_share_over_band", g)`` when group g, which must be one grid, holds more than ``hi``;
    ``("one_grid", 0)`` when the whole piece folded into one group out of the band;
    ``("no_partner", g)`` when group g is under ``lo`` and every neighbour would push it over
    ``hi``; ``(None, -1)`` when they prove nothing (an in-band split may exist)."""
    heavy = int(np.argmax(gh))
    if gh[heavy] > hi + eps:
        return "must_share_over_band", heavy
    if len(gh) == 1:
        return (None, -1) if lo - eps <= gh[0] <= hi + eps else ("one_grid", 0)
    for g in np.flatnonzero(gh < lo - eps):
        nb = gadj.indices[gadj.indptr[g] : gadj.indptr[g + 1]]
        if len(nb) == 0 or np.all(gh[nb] + gh[g] > hi + eps):
            return "no_partner", int(g)
    return None, -1


def folds_rule_out(h: np.ndarray, adj, lo: float, hi: float, eps: float) -> bool:
    """Whether the folds of :func:`fold_pendants` alone prove that the connected piece ``h`` on
    ``adj`` has no in-band split (the first step of :func:`decide_piece`: a group of atoms that
    must share a grid holds more than ``hi``, or a light group can join no neighbour). Linear
    passes over the piece, no search; False proves nothing."""
    n = len(h)
    if n == 0:
        return False
    _, gh, gadj, _ = fold_pendants(np.asarray(h, dtype=np.float64), adj, lo, eps, hi)
    return _fold_proof(gh, gadj, lo, hi, eps)[0] is not None


def need_hi_bound(gh: np.ndarray, gadj: sp.csr_array, lo: float, eps: float) -> float:
    """A lower bound on the band top any in-band split needs (households).

    Every group is in one grid, and a group under ``lo`` shares it with a neighbour.
    """
    bound = float(gh.max())
    for g in np.flatnonzero(gh < lo - eps):
        nb = gadj.indices[gadj.indptr[g] : gadj.indptr[g + 1]]
        if len(nb):
            bound = max(bound, float(gh[g] + gh[nb].min()))
    return bound


def _bool_csr(adj, n: int) -> sp.csr_array:
    a = sp.csr_array(adj, copy=True)
    a = a.maximum(a.T).tocsr()
    a.setdiag(0)
    a.eliminate_zeros()
    a.data[:] = 1.0
    a.sort_indices()
    return sp.csr_array(a, shape=(n, n))


def _articulation_points(adj: sp.csr_array) -> np.ndarray:
    """Articulation points of an undirected graph (iterative Tarjan), ascending."""
    n = adj.shape[0]
    ip, ix = adj.indptr, adj.indices
    disc = np.full(n, -1)
    low = np.zeros(n, dtype=np.int64)
    is_cut = np.zeros(n, dtype=bool)
    t = 0
    for s in range(n):
        if disc[s] >= 0:
            continue
        disc[s] = low[s] = t
        t += 1
        children = 0
        stack = [(s, -1, ip[s])]
        while stack:
            v, parent, it = stack[-1]
            if it < ip[v + 1]:
                stack[-1] = (v, parent, it + 1)
                w = ix[it]
                if disc[w] < 0:
                    disc[w] = low[w] = t
                    t += 1
                    if v == s:
                        children += 1
                    stack.append((w, v, ip[w]))
                elif w != parent:
                    low[v] = min(low[v], disc[w])
            else:
                stack.pop()
                if parent >= 0:
                    low[parent] = min(low[parent], low[v])
                    if parent != s and low[v] >= disc[parent]:
                        is_cut[parent] = True
        if children > 1:
            is_cut[s] = True
    return np.flatnonzero(is_cut)


# ----------------------------------------------------------------------------- tree DP
def _sumset(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """{x + y : x in a, y in b} truncated to len(a), for boolean indicator arrays."""
    size = len(a)
    na, nb = np.flatnonzero(a), np.flatnonzero(b)
    if len(na) == 0 or len(nb) == 0:
        return np.zeros(size, dtype=bool)
    if min(len(na), len(nb)) <= 48:
        few, other = (na, b) if len(na) <= len(nb) else (nb, a)
        out = np.zeros(size, dtype=bool)
        for x in few:
            out[x:] |= other[: size - x]
        return out
    top = min(size, int(na[-1]) + int(nb[-1]) + 1)
    nfft = 1 << int(np.ceil(np.log2(max(2 * top, 2))))
    c = np.fft.irfft(np.fft.rfft(a[:top], nfft) * np.fft.rfft(b[:top], nfft), nfft)[:top]
    out = np.zeros(size, dtype=bool)
    out[:top] = c > 0.5
    return out


def _sumset_bits(a: int, b: int, full: int) -> int:
    """:func:`_sumset` on sets held as Python ints (bit x: total x), truncated by ``full``.

    The same set: shifted copies of the set with more members, one per member of the
    other, on Python ints (no numpy call per member); numpy's FFT product, as
    :func:`_sumset`, when both have more than 48 members.
    """
    if not a or not b:
        return 0
    ca, cb = a.bit_count(), b.bit_count()
    if min(ca, cb) <= 48:
        few, other = (a, b) if ca <= cb else (b, a)
        out = 0
        while few:
            low = few & -few
            out |= other << (low.bit_length() - 1)
            few ^= low
        return out & full
    size = full.bit_length()
    return _from_bool(_sumset(_to_bool(a, size), _to_bool(b, size)))


def _to_bool(x: int, size: int) -> np.ndarray:
    """A set held as a Python int as a boolean indicator array of ``size``."""
    raw = np.frombuffer(x.to_bytes((size + 7) // 8, "little"), dtype=np.uint8)
    return np.unpackbits(raw, bitorder="little", count=size).astype(bool)


def _from_bool(a: np.ndarray) -> int:
    return int.from_bytes(np.packbits(a, bitorder="little").tobytes(), "little")


def tree_dp(w: np.ndarray, parent: np.ndarray, order: np.ndarray, lo_i: int, hi_i: int):
    """Split a rooted tree into subtrees with integer weight totals in [lo_i, hi_i].

    ``order`` lists the nodes root first, each after its parent; ``parent[root] == -1``.
    Returns labels (0..k-1) or None when the tree has no such split.
    """
    n = len(w)
    size = hi_i + 1
    if np.any(w > hi_i):
        return None
    if size <= 0 or lo_i < 0 or np.any(w < 0):
        return _tree_dp_arrays(w, parent, order, lo_i, hi_i)
    # S[v]: totals of v's open grid (the one holding v) over splits of v's subtree whose
    # closed grids are in band. A child contributes its open total, or 0 if it can close.
    # The sets are Python ints (bit x: total x): the same sets as boolean arrays, cheaper.
    full = (1 << size) - 1
    S: list[int] = [0] * n
    steps: list[list] = [[] for _ in range(n)]  # per node: (child, options, prefix before)
    children: list[list[int]] = [[] for _ in range(n)]
    order_l = order.tolist()
    parent_l = parent.tolist()
    w_l = w.tolist()
    for v in order_l[1:]:
        children[parent_l[v]].append(v)
    for v in reversed(order_l):
        cur = 1 << w_l[v]
        for c in children[v]:
            opt = S[c]
            if opt >> lo_i:
                opt |= 1
            steps[v].append((c, opt, cur))
            cur = _sumset_bits(cur, opt, full)
            if not cur:
                return None
        S[v] = cur
    root = order_l[0]
    if not S[root] >> lo_i:
        return None
    # the backtrack (once per tree that splits) on boolean arrays, as before
    bool_of: dict[int, np.ndarray] = {}

    def arr(x: int) -> np.ndarray:
        got = bool_of.get(x)
        if got is None:
            got = bool_of[x] = _to_bool(x, size)
        return got

    return _backtrack(n, root, S, steps, arr, lo_i, hi_i)


def _backtrack(n: int, root: int, S: list, steps: list, as_bool, lo_i: int, hi_i: int) -> np.ndarray:
    """The labels of a split the forward pass of :func:`tree_dp` found (its sets ``S`` and
    ``steps``, whatever holds them: ``as_bool`` turns one into a boolean array): from the root,
    each child either closes its own grid or adds a part of the total left to its parent's."""
    ok = np.flatnonzero(as_bool(S[root])[lo_i:]) + lo_i
    mid = 0.5 * (lo_i + hi_i)
    labels = np.full(n, -1, dtype=np.int64)
    stack = [(root, int(ok[np.argmin(np.abs(ok - mid))]), 0)]
    labels[root] = 0
    k = 1
    while stack:
        v, t, lab = stack.pop()
        labels[v] = lab
        for c, opt, before in reversed(steps[v]):
            # a value x of this child with t - x reachable before it
            xs = np.flatnonzero(as_bool(opt)[: t + 1])
            xs = xs[as_bool(before)[t - xs]]
            if len(xs) == 0:
                raise RuntimeError("tree DP backtrack failed")
            close = np.flatnonzero(as_bool(S[c])[lo_i:]) + lo_i if xs[0] == 0 else ()
            if len(close):
                # the child closes its own grid: its total closest to the band's middle
                stack.append((c, int(close[np.argmin(np.abs(close - mid))]), k))
                k += 1
                x = 0
            else:
                x = int(xs[np.argmin(np.abs(xs - min(t, hi_i) / 2))])
                stack.append((c, x, lab))
            t -= x
    return labels


def _tree_dp_arrays(w: np.ndarray, parent: np.ndarray, order: np.ndarray, lo_i: int, hi_i: int):
    """:func:`tree_dp` on boolean arrays (weights below zero).

    ``order`` lists the nodes root first, each after its parent; ``parent[root] == -1``.
    Returns labels (0..k-1) or None when the tree has no such split.
    """
    n = len(w)
    size = hi_i + 1
    if np.any(w > hi_i):
        return None
    # S[v]: totals of v's open grid (the one holding v) over splits of v's subtree whose
    # closed grids are in band. A child contributes its open total, or 0 if it can close.
    S: list[np.ndarray | None] = [None] * n
    steps: list[list] = [[] for _ in range(n)]  # per node: (child, options, prefix before)
    children: list[list[int]] = [[] for _ in range(n)]
    for v in order[1:]:
        children[parent[v]].append(int(v))
    for v in order[::-1]:
        cur = np.zeros(size, dtype=bool)
        cur[int(w[v])] = True
        for c in children[v]:
            opt = S[c].copy()
            if opt[lo_i:].any():
                opt[0] = True
            steps[v].append((c, opt, cur))
            cur = _sumset(cur, opt)
            if not cur.any():
                return None
        S[v] = cur
    root = int(order[0])
    ok = np.flatnonzero(S[root][lo_i:]) + lo_i
    if len(ok) == 0:
        return None
    return _backtrack(n, root, S, steps, lambda a: a, lo_i, hi_i)


def _random_tree(adj: sp.csr_array, rng: np.random.Generator):
    """A random spanning tree rooted at a random atom: (parent, order: root first, parents first).

    Uniform (Wilson's loop-erased random walks) up to ``WILSON_MAX_ATOMS`` atoms: on the
    hard pieces of the real inputs a uniform tree admits an in-band split 3-30 times more
    often than a random-weight minimum spanning tree (e.g. a 185-atom Providence ward
    piece: 22 trees against 155). Larger pieces take the vectorised random-weight MST.
    """
    n = adj.shape[0]
    if n <= WILSON_MAX_ATOMS:
        ip, ix = adj.indptr, adj.indices
        deg = np.diff(ip)
        if np.any(deg == 0) and n > 1:
            return np.full(n, -1), np.arange(1)  # not connected
        root = int(rng.integers(n))
        # the walks on Python lists (the same draws and steps as on numpy arrays, without
        # numpy's per-element cost)
        ipl, ixl, degl = ip.tolist(), ix.tolist(), deg.tolist()
        in_tree = [False] * n
        in_tree[root] = True
        nxt = [-1] * n
        nsteps = 64 * n + 64
        steps = rng.random(nsteps).tolist()  # draws for the walks, refilled when spent
        k = 0
        for s in rng.permutation(n).tolist():
            u = s
            walked = 0
            while not in_tree[u]:
                if k == nsteps:
                    steps, k = rng.random(nsteps).tolist(), 0
                v = ixl[ipl[u] + int(steps[k] * degl[u])]
                k += 1
                nxt[u] = v
                u = v
                walked += 1
                if walked > 1000 * n:
                    return np.full(n, -1), np.arange(1)  # not connected
            u = s
            while not in_tree[u]:
                in_tree[u] = True
                u = nxt[u]
        nxt[root] = -1
        # breadth first from the root, each node's children in ascending order (on lists)
        children: list[list[int]] = [[] for _ in range(n)]
        for u, v in enumerate(nxt):
            if v >= 0:
                children[v].append(u)
        order = [root]
        i = 0
        while i < len(order):
            order.extend(children[order[i]])
            i += 1
        return np.array(nxt, dtype=np.int64), np.asarray(order)
    c = sp.triu(adj, k=1).tocoo()
    wts = rng.random(len(c.row)) + 1e-3
    g = sp.csr_array((wts, (c.row, c.col)), shape=adj.shape)
    t = csgraph.minimum_spanning_tree(g)
    root = int(rng.integers(n))
    order, pred = csgraph.breadth_first_order(t, root, directed=False, return_predecessors=True)
    parent = np.where(pred < 0, -1, pred)
    parent[root] = -1
    return parent, order


def tree_split(h: np.ndarray, adj: sp.csr_array, lo: float, hi: float, eps: float, rng: np.random.Generator,
               trees: int) -> np.ndarray | None:
    """Labels of an in-band split found by the tree DP on up to ``trees`` random trees, or None."""
    scale = min(10.0, SCALE_BINS / max(hi, 1.0))
    wi = np.rint(h * scale).astype(np.int64)
    lo_i = int(np.ceil(lo * scale - 1e-9))
    hi_i = int(np.floor(hi * scale + 1e-9))
    for _ in range(max(2, min(trees, TREE_WORK // max(len(h), 1)))):
        parent, order = _random_tree(adj, rng)
        if len(order) < len(h):
            return None  # not connected
        lab = tree_dp(wi, parent, order, lo_i, hi_i)
        if lab is not None and _in_band(lab, h, lo, hi, eps):
            return lab
    return None


# ----------------------------------------------------------------------------- CP-SAT
def _node_distances(adj: sp.csr_array, h: np.ndarray) -> np.ndarray:
    """Household-weighted distance: the least total households on a path, both ends included."""
    c = adj.tocoo()
    wts = 0.5 * (h[c.row] + h[c.col]) + 1e-9  # > 0: scipy drops explicit zeros
    g = sp.csr_array((wts, (c.row, c.col)), shape=adj.shape)
    d = csgraph.dijkstra(g, directed=False)
    return d + 0.5 * (h[:, None] + h[None, :])


def _scaled(h: np.ndarray, hi: float):
    """Households scaled to integers: (scale, weights rounded down, weights rounded up).

    Rounded down for the band's top and up for its bottom, every real plan satisfies the
    rounded model, so its infeasibility is a proof about the real numbers. Values within
    1e-6 scaled units of a whole number count as that number (float noise of decimal
    households such as 150.05 * 10).
    """
    scale = min(10.0, SCALE_BINS / max(hi, 1.0))
    hs = h * scale
    near = np.abs(hs - np.rint(hs)) < _NEAR
    w_up = np.where(near, np.rint(hs), np.floor(hs)).clip(0).astype(np.int64)
    w_dn = np.where(near, np.rint(hs), np.ceil(hs)).astype(np.int64)
    return scale, w_up, w_dn


_NEAR = 1e-6  # scaled units within which a weight counts as a whole number (the band widens as much per atom)


def _model(h: np.ndarray, adj: sp.csr_array, lo: float, hi: float, eps: float, hint: np.ndarray | None,
           top_from: float | None = None, excess: bool = False):
    """The rooted-assignment model. With ``top_from``, the band's top is a variable in
    [top_from, hi] to be minimised (the band limit); else it is ``hi``.

    Returns (model, x: {(atom, root): bool var}, top variable or None, scale).
    """
    from ortools.sat.python import cp_model

    n = len(h)
    scale, w_up, w_dn = _scaled(h, hi)
    top = int(np.floor((hi + eps) * scale + n * _NEAR))
    bottom = int(np.ceil((lo - eps) * scale - n * _NEAR))
    dist = _node_distances(adj, h)
    cand = (dist <= hi + eps + 1e-6) & (np.arange(n)[None, :] <= np.arange(n)[:, None])  # cand[i, r]
    H = float(h.sum())
    kmin = max(1, int(np.ceil((H - eps) / hi)))
    kmax = int(np.floor((H + eps) / lo)) if lo > 0 else n

    m = cp_model.CpModel()
    top_var = None
    low = top
    if top_from is not None:
        low = min(top, max(0, int(np.floor((top_from - eps) * scale))))
        top_var = m.NewIntVar(low, top, "top")
        if excess:  # the band's own top, above which households count as excess
            low = min(top, int(np.floor((top_from + eps) * scale + n * _NEAR)))
    excesses = []
    x: dict[tuple[int, int], object] = {}
    for i in range(n):
        for r in np.flatnonzero(cand[i]):
            x[i, int(r)] = m.NewBoolVar("")
    by_root: list[list[int]] = [[] for _ in range(n)]
    by_atom: list[list[int]] = [[] for _ in range(n)]
    for i, r in x:
        by_root[r].append(i)
        by_atom[i].append(r)
    for i in range(n):
        m.AddExactlyOne(x[i, r] for r in by_atom[i])
    for r in range(n):
        root = x[r, r]
        for i in by_root[r]:
            if i != r:
                m.AddImplication(x[i, r], root)
        load = sum(int(w_up[i]) * x[i, r] for i in by_root[r])
        m.Add(load <= top).OnlyEnforceIf(root)
        if top_var is not None and excess:
            e = m.NewIntVar(0, max(0, top - low), "")
            m.Add(load <= low + e)
            excesses.append((r, e))
        elif top_var is not None:
            m.Add(load <= top_var).OnlyEnforceIf(root)
        m.Add(sum(int(w_dn[i]) * x[i, r] for i in by_root[r]) >= bottom).OnlyEnforceIf(root)
    if excesses:  # households over the band's top, summed over the grids
        m.Minimize(sum(e for _, e in excesses))
    elif top_var is not None:
        m.Minimize(top_var)
    m.Add(sum(x[r, r] for r in range(n)) >= kmin)
    m.Add(sum(x[r, r] for r in range(n)) <= kmax)
    # contiguity: each non-root atom points to a neighbour of its grid with a smaller label
    label = [m.NewIntVar(0, n - 1, "") for _ in range(n)]
    for i in range(n):
        nb = adj.indices[adj.indptr[i] : adj.indptr[i + 1]]
        arcs = []
        ri = set(by_atom[i])
        for j in nb:
            j = int(j)
            if not ri.intersection(by_atom[j]):
                continue
            y = m.NewBoolVar("")
            # same grid, written per root: propagates far better than one equality of
            # root numbers (the 47-atom proof of #18 in 0.6 s instead of 4-20 s)
            for r in by_atom[i]:
                if (j, r) in x:
                    m.Add(x[i, r] == x[j, r]).OnlyEnforceIf(y)
                else:
                    m.AddImplication(y, x[i, r].Not())
            m.Add(label[j] + 1 <= label[i]).OnlyEnforceIf(y)
            arcs.append(y)
        # redundant: an atom of a grid that is not its root has a neighbour in it
        for r in by_atom[i]:
            if r != i:
                m.AddBoolOr([x[int(j), r] for j in nb if (int(j), r) in x] + [x[i, r].Not()])
        m.AddExactlyOne(arcs + [x[i, i]])
        m.Add(label[i] == 0).OnlyEnforceIf(x[i, i])
    if hint is not None:
        first = {}
        for i in range(n):
            first.setdefault(int(hint[i]), i)
        for (i, r), var in x.items():
            m.AddHint(var, first[int(hint[i])] == r)
        if top_var is not None:
            gh = np.bincount(np.asarray(hint), w_up)
            m.AddHint(top_var, int(min(max(gh.max(), low), top)))
            for r, e in excesses:
                g = int(hint[r])
                m.AddHint(e, int(max(0, gh[g] - low)) if first[g] == r else 0)
    return m, x, top_var, scale


def _solver(seed: int, seconds: float, linearization: int):
    from ortools.sat.python import cp_model

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = int(seed) % (2**31)
    solver.parameters.linearization_level = linearization
    solver.parameters.max_deterministic_time = float(seconds)
    return solver


def _labels_of(solver, x, n: int) -> np.ndarray:
    labels = np.empty(n, dtype=np.int64)
    for (i, r), var in x.items():
        if solver.BooleanValue(var):
            labels[i] = r
    return np.unique(labels, return_inverse=True)[1].ravel()


def cp_sat(h: np.ndarray, adj: sp.csr_array, lo: float, hi: float, eps: float, seed: int,
           time_limit: float, hint: np.ndarray | None = None):
    """Rooted-assignment model: ("ok", labels) | ("infeasible", None) | ("undecided", None).

    ``hint``: labels of a near-plan (any grids), the solver's first guess.
    """
    from ortools.sat.python import cp_model

    m, x, _, _ = _model(h, adj, lo, hi, eps, hint)
    # Two passes of half the budget each: without the LP relaxation (finds plans on
    # pieces near the ceiling: a 130-atom piece in 6.7 CPU s, undecided in 22 s with it),
    # then with CP-SAT's default one (its bound helps proofs). One worker, a fixed seed and
    # a deterministic limit: the same input gives the same answer on any machine load.
    for linearization in (0, 1):
        solver = _solver(seed, 0.5 * float(time_limit), linearization)
        st = solver.Solve(m)
        if st in (cp_model.OPTIMAL, cp_model.FEASIBLE, cp_model.INFEASIBLE):
            break
    if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return "ok", _labels_of(solver, x, len(h))
    if st == cp_model.INFEASIBLE:
        return "infeasible", None
    return "undecided", None


def band_limit(h: np.ndarray, adj: sp.csr_array, lo: float, hi: float, eps: float, seed: int, time_limit: float,
               known: float, plan: np.ndarray):
    """The least band top, in whole households, at which a piece proven to have no split at ``hi`` has one.

    ``known`` is a lower bound of it (households: ``hi`` itself, or the folds' bound) and
    ``plan`` a split (labels) whose grids all hold at least ``lo``: its heaviest grid is an
    upper bound. CP-SAT first minimises the top over the same model (the bottom fixed at
    ``lo``) from ``plan`` as its hint, within half of ``time_limit`` deterministic
    seconds; then whole tops still in doubt are tried by bisection (an eighth each).

    Returns (least, most, labels): the least whole top lies in [least, most] (equal when
    settled): a top of ``least - 1`` has no split (proven), one of ``most`` has the split
    ``labels`` (checked in real numbers).
    """
    from ortools.sat.python import cp_model

    labels = np.asarray(plan)
    most = float(np.bincount(labels, h).max())
    # tops up to hi have no split (proven by the caller), nor any under the known bound
    least = max(int(np.floor(hi + eps)) + 1, int(np.ceil(known - eps)))
    if most > least + eps:
        m, x, _, scale = _model(h, adj, lo, most, eps, labels, top_from=max(hi, known))
        solver = _solver(seed, 0.5 * time_limit, 1)
        st = solver.Solve(m)
        if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            lab = _labels_of(solver, x, len(h))
            gh = np.bincount(lab, h)
            if gh.min() >= lo - eps and gh.max() < most:
                most, labels = float(gh.max()), lab
            # every real split's heaviest grid, scaled with weights rounded down, is at least the bound
            least = max(least, int(np.ceil(solver.BestObjectiveBound() / scale - eps)))
    top = int(np.ceil(most - eps))
    for _ in range(4):  # whole tops in doubt, by bisection
        if least >= top:
            break
        mid = (least + top) // 2
        status, lab = cp_sat(h, adj, lo, float(mid), eps, seed, 0.125 * time_limit, hint=labels)
        if status == "infeasible":
            least = mid + 1
        elif status == "ok" and _in_band(lab, h, lo, mid, eps):
            labels, top = lab, int(np.ceil(np.bincount(lab, h).max() - eps))
        else:
            break
    return min(least, top), top, labels


COUNT_MAX_VALUES = 12  # distinct household values up to which the counting proof runs
COUNT_MAX_PATTERNS = 20_000  # grid contents (multisets of values) the counting proof enumerates at most


def grouping_impossible(gh: np.ndarray, lo: float, hi: float, eps: float, seed: int) -> bool:
    """True when the households cannot be grouped into grids of ``lo``-``hi`` at all, shapes ignored.

    A relaxation of the exact step: every in-band split groups the atoms' households into
    grids of ``lo``-``hi``, so if the multiset of household values has no such grouping,
    the piece has no split. It runs only when the piece has few distinct values (at most
    ``COUNT_MAX_VALUES``; pieces near the ceiling, whose atoms are one, two or three
    buildings of equal households, have three or four): each grid's content is a
    multiset of values (enumerated, at most ``COUNT_MAX_PATTERNS``) and CP-SAT, one
    worker, decides whether whole numbers of them use every value exactly as often as
    the piece has it. E.g. 113 atoms of 183 households among ones of 366 and 500 and
    empty ones, band 300-500: a grid holds two or none of them, and 113 is odd.
    Sums are tested with a tolerance of ``eps`` plus 1e-9 of ``hi`` per atom (looser
    than the band tests, so a proof holds for the real numbers).
    """
    from ortools.sat.python import cp_model

    vals, cnt = np.unique(gh[gh > 0], return_counts=True)
    if len(vals) == 0 or len(vals) > COUNT_MAX_VALUES:
        return False
    tol = eps + 1e-9 * max(hi, 1.0)
    pats: list[tuple[int, ...]] = []

    def grow(i: int, c: list[int], s: float, used: int) -> None:
        if len(pats) > COUNT_MAX_PATTERNS:
            return
        if i == len(vals):
            if used and s >= lo - tol * used:
                pats.append(tuple(c))
            return
        # at most as many as fit (one more: the tolerance); all of them when they all fit, which also keeps a
        # tiny value (households near 0) from overflowing the division
        room = hi - s
        most = int(cnt[i]) if room >= vals[i] * cnt[i] else min(int(cnt[i]), int(room // vals[i]) + 1)
        for k in range(most, -1, -1):
            if s + k * vals[i] <= hi + tol * (used + k):
                c.append(k)
                grow(i + 1, c, s + k * vals[i], used + k)
                c.pop()

    grow(0, [], 0.0, 0)
    if len(pats) > COUNT_MAX_PATTERNS:
        return False
    m = cp_model.CpModel()
    y = [m.NewIntVar(0, int(min(cnt[v] // c for v, c in enumerate(p) if c)), "") for p in pats]
    for v in range(len(vals)):
        m.Add(sum(p[v] * yp for p, yp in zip(pats, y) if p[v]) == int(cnt[v]))
    solver = _solver(seed, 1.0, 1)
    return solver.Solve(m) == cp_model.INFEASIBLE


def _excess(labels: np.ndarray, h: np.ndarray, hi: float) -> float:
    return float(np.maximum(np.bincount(labels, h) - hi, 0.0).sum())


def repair(h: np.ndarray, adj: sp.csr_array, lo: float, hi: float, eps: float, labels: np.ndarray, seed: int,
           budget: float, step: float = 0.5, spent_too: bool = False):
    """Large-neighbourhood search from a near-plan whose grids all hold at least ``lo``.

    Each grid over the band's top is re-split exactly with the grids around it (CP-SAT
    minimising the households over the top, from the current split as its hint, ``step``
    deterministic seconds); a re-split with less excess replaces the old one. Stops when
    no grid is over the top, or when ``budget`` deterministic seconds are spent, or a
    whole pass changed nothing. Returns the best labels (every grid still >= ``lo``), and
    with ``spent_too`` the deterministic seconds spent.
    """
    from ortools.sat.python import cp_model

    labels = np.asarray(labels).copy()
    spent = 0.0
    c = adj.tocoo()
    for cap in (LNS_MAX_ATOMS // 4, LNS_MAX_ATOMS // 2, LNS_MAX_ATOMS):
        improved = True
        while improved and spent < budget:
            improved = False
            gt = np.bincount(labels, h)
            over = np.flatnonzero(gt > hi + eps)
            if len(over) == 0:
                return (labels, spent) if spent_too else labels
            k = len(gt)
            gadj = sp.csr_array((np.ones(len(c.row)), (labels[c.row], labels[c.col])), shape=(k, k))
            size = np.bincount(labels, minlength=k)
            for g in over[np.argsort(-gt[over], kind="stable")]:
                if spent >= budget:
                    break
                # the grid and the grids nearest it (breadth first) up to `cap` atoms
                region, queue, total = [int(g)], [int(g)], int(size[g])
                seen = {int(g)}
                while queue:
                    r = queue.pop(0)
                    for q in gadj.indices[gadj.indptr[r]:gadj.indptr[r + 1]]:
                        q = int(q)
                        if q not in seen and total + size[q] <= cap:
                            seen.add(q)
                            region.append(q)
                            queue.append(q)
                            total += int(size[q])
                if len(region) == 1:
                    continue
                atoms = np.flatnonzero(np.isin(labels, region))
                sub_h = h[atoms]
                sub_adj = adj[atoms][:, atoms]
                sub_lab = np.unique(labels[atoms], return_inverse=True)[1].ravel()
                before = _excess(sub_lab, sub_h, hi)
                ceiling = float(np.bincount(sub_lab, sub_h).max())
                m, x, _, _ = _model(sub_h, sub_adj, lo, ceiling, eps, sub_lab, top_from=hi, excess=True)
                solver = _solver(seed, step, 0)
                st = solver.Solve(m)
                spent += solver.deterministic_time
                if st not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                    continue
                new = _labels_of(solver, x, len(atoms))
                if np.bincount(new, sub_h).min() < lo - eps or _excess(new, sub_h, hi) >= before - 1e-9:
                    continue
                labels[atoms] = new + k  # fresh numbers, then renumbered
                labels = np.unique(labels, return_inverse=True)[1].ravel()
                k = int(labels.max()) + 1
                gadj = sp.csr_array((np.ones(len(c.row)), (labels[c.row], labels[c.col])), shape=(k, k))
                improved = True
                break  # grid numbers changed: start the pass again
    return (labels, spent) if spent_too else labels


def tree_least_top(h: np.ndarray, adj: sp.csr_array, lo: float, hi: float, eps: float, rng: np.random.Generator,
                   trees: int, ceiling: float):
    """A split whose grids all hold at least ``lo`` and whose heaviest grid is as light as the
    tree DP finds on ``trees`` random trees, searching tops in (hi, ceiling]: (top, labels) or None.
    """
    scale = min(10.0, LIMIT_BINS / max(ceiling, 1.0))  # an upper bound and a hint: coarser is enough
    wi = np.rint(h * scale).astype(np.int64)
    lo_i = int(np.ceil(lo * scale - 1e-9))
    best = None
    for _ in range(max(1, trees)):
        parent, order = _random_tree(adj, rng)
        if len(order) < len(h):
            return None
        a = int(np.floor(hi * scale))  # known to fail on this tree (or not worth asking)
        b = int(np.ceil(ceiling * scale)) if best is None else int(np.ceil(best[0] * scale)) - 1
        lab = tree_dp(wi, parent, order, lo_i, b) if b > a else None
        if lab is None:
            continue
        while b - a > 1:
            mid = (a + b) // 2
            cand = tree_dp(wi, parent, order, lo_i, mid)
            if cand is None:
                a = mid
            else:
                b, lab = mid, cand
        gh = np.bincount(lab, h)
        if gh.min() >= lo - eps and (best is None or gh.max() < best[0]):
            best = (float(gh.max()), lab)
    return best


def _least_bad_starts(h: np.ndarray, adj: sp.csr_array, lo: float, hi: float, eps: float,
                      rng: np.random.Generator, trees: int) -> list:
    """``tree_least_top`` on ``trees`` random trees, one at a time: each tree's (top, labels), its
    tops searched up to twice the band's top first, then up to the whole piece; trees with none left out."""
    H = float(h.sum())
    starts = []
    for _ in range(trees):
        for ceiling in (2.0 * hi, H):
            one = tree_least_top(h, adj, lo, hi, eps, rng, 1, max(ceiling, hi + 1.0))
            if one is not None:
                starts.append(one)
                break
    return starts

def lns_restarts(h: np.ndarray, adj: sp.csr_array, lo: float, hi: float, eps: float, rng: np.random.Generator,
                 seed: int, budget: float) -> np.ndarray | None:
    """Labels of an in-band split found by the LNS from fresh near-plans, or None.

    The last search for a piece nothing else settled: ``RESTART_TREES`` new random trees
    give least-bad splits (``tree_least_top``), and ``repair`` runs from each, least
    excess first, up to ``RESTART_SHARE`` of ``budget`` deterministic seconds each,
    until one ends in band (checked here: in band and contiguous) or ``budget`` is
    spent. The LNS stalls in a local minimum from one start and not from another
    (li-allroads-300-4, folded: from the 4 near-plans of ``decide_piece`` it stalls at
    114-304 households over the top; with generators seeded 0-7 the restarts find a plan
    for 7 of 8, in 1.4-41 CPU s). It proves nothing when it finds none.
    """
    starts = _least_bad_starts(h, adj, lo, hi, eps, rng, RESTART_TREES)
    spent = 0.0
    for _, labels in sorted(starts, key=lambda s: (_excess(s[1], h, hi), s[0])):
        if spent >= budget:
            break
        step = min(RESTART_SHARE * budget, budget - spent)
        fixed, used = repair(h, adj, lo, hi, eps, labels, seed, step, spent_too=True)
        spent += max(used, 0.05)
        if _in_band(fixed, h, lo, hi, eps) and _contiguous(fixed, adj):
            return fixed
    return None


# ----------------------------------------------------------------------------- group cover
GROUP_MAX_MEMBERS = 4  # non-empty atoms per grid up to which the group cover runs
GROUP_MAX = 60_000  # candidate groups the group cover enumerates at most


def candidate_groups(gh: np.ndarray, gadj: sp.csr_array, lo: float, hi: float, eps: float,
                     cap: int = GROUP_MAX) -> list[tuple[int, ...]] | None:
    """Every set of non-empty atoms that could be the non-empty atoms of one in-band grid.

    A grid's non-empty atoms hold ``lo``-``hi`` households and are connected through
    empty atoms (households 0): each two of a chain are neighbours or touch the same
    cluster of empty atoms. Sets grown from their least atom (a set is listed once),
    sums tested with the tolerance of ``grouping_impossible`` (a superset of the real
    grids' sets, so a proof over them holds). Returns the sets (sorted tuples), or None
    when a grid could hold more than ``GROUP_MAX_MEMBERS`` non-empty atoms or there are
    more than ``cap`` sets.
    """
    pos = gh[gh > 0]
    if len(pos) == 0 or hi / float(pos.min()) >= GROUP_MAX_MEMBERS + 1:
        return None
    tol = eps + 1e-9 * max(hi, 1.0)
    ne = np.flatnonzero(gh > 0)
    emp = np.flatnonzero(gh <= 0)
    cl = np.full(len(gh), -1)
    if len(emp):
        cl[emp] = csgraph.connected_components(gadj[emp][:, emp], directed=False)[1]
    ip, ix = gadj.indptr, gadj.indices
    nbr: dict[int, set[int]] = {int(i): set() for i in ne}
    touch: dict[int, set[int]] = {}
    for i in ne:
        for j in ix[ip[i]:ip[i + 1]]:
            if gh[j] > 0:
                nbr[int(i)].add(int(j))
            else:
                touch.setdefault(int(cl[j]), set()).add(int(i))
    for t in touch.values():
        for i in t:
            nbr[i] |= t - {i}
    groups: list[tuple[int, ...]] = []
    for v in ne.tolist():
        seen = {frozenset([v])}
        stack = [(frozenset([v]), float(gh[v]))]
        while stack:
            s, tot = stack.pop()
            if lo - tol * len(s) <= tot <= hi + tol * len(s):
                groups.append(tuple(sorted(s)))
                if len(groups) > cap:
                    return None
            for u in sorted(set().union(*(nbr[w] for w in s)) - s):
                s2 = s | {u}
                if u > v and tot + gh[u] <= hi + tol * len(s2) and s2 not in seen:
                    seen.add(s2)
                    stack.append((s2, tot + float(gh[u])))
    return sorted(groups)


def _connection_costs(gh: np.ndarray, gadj: sp.csr_array, groups: list[tuple[int, ...]]) -> np.ndarray:
    """Fewest empty atoms that connect each group's atoms (only empty atoms in between).

    Exact for up to three atoms (a tree joining three points is a star around one
    vertex); for more, the cheapest star (an upper bound). A guide for the search only.
    """
    n = len(gh)
    ne = np.flatnonzero(gh > 0)
    # directed graph: a path leaves its source, then passes empty atoms only; a source copy
    # (node n + k) per non-empty atom, which no path enters
    c = gadj.tocoo()
    through = gh[c.row] <= 0
    w = np.where(gh <= 0, 1.0, 1e-9)
    src = np.full(n, -1)
    src[ne] = n + np.arange(len(ne))
    out = np.isin(c.row, ne)
    rows = np.r_[c.row[through], src[c.row[out]]]
    cols = np.r_[c.col[through], c.col[out]]
    g = sp.csr_array((w[cols], (rows, cols)), shape=(n + len(ne), n + len(ne)))
    d = csgraph.dijkstra(g, directed=True, indices=n + np.arange(len(ne)))[:, :n]
    d[np.arange(len(ne)), ne] = 0.0
    d = np.where(np.isfinite(d), np.rint(d), 1e6)
    row = np.full(n, -1)
    row[ne] = np.arange(len(ne))
    emp = gh <= 0
    cost = np.zeros(len(groups))
    for k, grp in enumerate(groups):
        if len(grp) == 1:
            continue
        dd = d[row[list(grp)]]
        # centre an empty atom (counted once) or one of the group's own atoms
        star = dd.sum(axis=0) - (len(grp) - 1) * emp
        cost[k] = min(star[emp].min() if emp.any() else 1e6, star[list(grp)].min())
    return np.minimum(cost, 1e6).astype(np.int64)


def _realise(gh: np.ndarray, gadj: sp.csr_array, groups: list[tuple[int, ...]], seed: int, time_limit: float):
    """Connect disjoint groups of non-empty atoms through empty atoms, no empty atom shared.

    Every other non-empty atom is another grid's, so no connection passes it. CP-SAT
    (one worker): each empty atom joins one group or none; every atom of a group but its
    least points to a neighbour of the same group with a smaller label (connected), and an
    empty atom that joins a group has a neighbour pointing to it (leaves of the connecting
    trees are the group's own atoms: no loss). The groups are assumptions: when they
    cannot all be connected, a subset of them that cannot either.

    Returns ("ok", group of each atom, -1 for free ones), ("infeasible", indices of
    groups that cannot be connected together) or ("undecided", None); and the
    deterministic seconds spent.
    """
    from ortools.sat.python import cp_model

    members = sorted({i for grp in groups for i in grp})
    keep = np.union1d(np.asarray(members, dtype=np.int64), np.flatnonzero(gh <= 0))
    pos = {int(v): k for k, v in enumerate(keep)}
    sub = gadj[keep][:, keep]
    n = len(keep)
    ip, ix = sub.indptr, sub.indices
    empty = gh[keep] <= 0
    comp = csgraph.connected_components(sub, directed=False)[1]
    m = cp_model.CpModel()
    y = [m.NewBoolVar("") for _ in groups]
    cand: list[list[int]] = [[] for _ in range(n)]
    x: dict[tuple[int, int], object] = {}
    lead = {}
    for k, grp in enumerate(groups):
        lead[pos[grp[0]]] = k
        for i in grp:
            cand[pos[i]] = [k]
            x[pos[i], k] = y[k]
    comps = [{int(comp[pos[i]]) for i in grp} for grp in groups]
    free = {}
    for e in np.flatnonzero(empty).tolist():
        cand[e] = [k for k in range(len(groups)) if len(groups[k]) > 1 and int(comp[e]) in comps[k]]
        for k in cand[e]:
            x[e, k] = m.NewBoolVar("")
        free[e] = m.NewBoolVar("")
        m.AddExactlyOne([x[e, k] for k in cand[e]] + [free[e]])
    label = [m.NewIntVar(0, n, "") for _ in range(n)]
    into: list[list] = [[] for _ in range(n)]
    for v in range(n):
        arcs = []
        if v not in lead:
            for u in ix[ip[v]:ip[v + 1]].tolist():
                common = set(cand[v]).intersection(cand[u])
                if not common:
                    continue
                a = m.NewBoolVar("")
                for k in cand[v]:
                    if k in common:
                        m.Add(x[v, k] == x[u, k]).OnlyEnforceIf(a)
                    else:
                        m.AddImplication(a, x[v, k].Not())
                m.Add(label[u] + 1 <= label[v]).OnlyEnforceIf(a)
                arcs.append(a)
                into[u].append(a)
        if v in lead:
            m.Add(label[v] == 0)
        elif empty[v]:
            m.AddExactlyOne(arcs + [free[v]])
        else:
            m.AddExactlyOne(arcs + [y[cand[v][0]].Not()])
    for e, f in free.items():
        m.AddBoolOr(into[e] + [f])
    m.AddAssumptions(y)
    solver = _solver(seed, time_limit, 1)
    st = solver.Solve(m)
    spent = solver.deterministic_time
    if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        lab = np.full(len(gh), -1, dtype=np.int64)
        for (v, k), var in x.items():
            if solver.BooleanValue(var):
                lab[keep[v]] = k
        return "ok", lab, spent
    if st == cp_model.INFEASIBLE:
        index = {y[k].Index(): k for k in range(len(groups))}
        core = sorted(index[c] for c in solver.SufficientAssumptionsForInfeasibility())
        return "infeasible", (core or list(range(len(groups)))), spent
    return "undecided", None, spent


def group_cover(gh: np.ndarray, gadj: sp.csr_array, lo: float, hi: float, eps: float, seed: int,
                budget: float):
    """Decide a piece whose grids hold few non-empty atoms, by the groups of non-empty atoms.

    Empty atoms weigh nothing, so a piece has an in-band split exactly when its non-empty
    atoms can be partitioned into in-band groups (``candidate_groups``) that can be
    connected through empty atoms, no empty atom serving two groups (the empty atoms left
    over join any grid next to them). A search over partitions with cuts: CP-SAT picks
    groups covering every non-empty atom once, fewest connecting empty atoms first
    (``_connection_costs``); ``_realise`` connects the groups that need empty atoms; when
    it cannot, the subset of groups that cannot be connected together is excluded and
    the search repeats. No partition left proves the piece infeasible (every cut is a
    proven fact about the piece). ``budget``: deterministic seconds in all.

    Returns ("ok", labels) | ("infeasible", None) | ("undecided", None) | ("skipped", None)
    when the groups are too many or too large to list.
    """
    from ortools.sat.python import cp_model

    groups = candidate_groups(gh, gadj, lo, hi, eps)
    if groups is None:
        return "skipped", None
    ne = np.flatnonzero(gh > 0)
    by_atom: dict[int, list[int]] = {int(i): [] for i in ne}
    for k, grp in enumerate(groups):
        for i in grp:
            by_atom[i].append(k)
    if any(not ks for ks in by_atom.values()):
        return "infeasible", None
    cost = _connection_costs(gh, gadj, groups)
    m = cp_model.CpModel()
    y = [m.NewBoolVar("") for _ in groups]
    for ks in by_atom.values():
        m.AddExactlyOne(y[k] for k in ks)
    m.Minimize(sum(int(cost[k]) * y[k] for k in np.flatnonzero(cost)))
    spent = 0.0
    while spent < budget:
        # CP-SAT's fullest LP relaxation: the set partition's bound (300-7: 2.6 deterministic s, 5.3 without)
        solver = _solver(seed, max(0.1, min(0.5 * budget, budget - spent)), 2)
        st = solver.Solve(m)
        spent += solver.deterministic_time
        if st == cp_model.INFEASIBLE:
            return "infeasible", None
        if st not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            break
        chosen = [k for k in range(len(groups)) if solver.BooleanValue(y[k])]
        need = [k for k in chosen if cost[k] > 0]
        status, got, sec = _realise(gh, gadj, [groups[k] for k in need], seed,
                                    max(0.1, min(0.5 * budget, budget - spent)))
        spent += sec
        if status == "undecided":
            break
        if status == "infeasible":
            m.AddBoolOr([y[need[c]].Not() for c in got])
            m.ClearHints()
            for k in range(len(groups)):
                m.AddHint(y[k], solver.BooleanValue(y[k]))
            continue
        labels = np.full(len(gh), -1, dtype=np.int64)
        for k in chosen:
            labels[list(groups[k])] = k
        used = got >= 0
        labels[used] = np.asarray(need)[got[used]]
        return "ok", _attach_free(labels, gadj)
    return "undecided", None


def _attach_free(labels: np.ndarray, adj: sp.csr_array) -> np.ndarray:
    """Atoms without a grid (-1) join a neighbouring grid, breadth first; grids renumbered 0..k-1."""
    labels = labels.copy()
    ip, ix = adj.indptr, adj.indices
    queue = np.flatnonzero(labels >= 0).tolist()
    head = 0
    while head < len(queue):
        v = queue[head]
        head += 1
        for u in ix[ip[v]:ip[v + 1]].tolist():
            if labels[u] < 0:
                labels[u] = labels[v]
                queue.append(u)
    return np.unique(labels, return_inverse=True)[1].ravel()


# ----------------------------------------------------------------------------- driver
def _in_band(labels: np.ndarray, h: np.ndarray, lo: float, hi: float, eps: float) -> bool:
    gh = np.bincount(labels, h)
    return bool(np.all((gh >= lo - eps) & (gh <= hi + eps)))


def _contiguous(labels: np.ndarray, adj: sp.csr_array) -> bool:
    c = adj.tocoo()
    same = labels[c.row] == labels[c.col]
    g = sp.csr_array((np.ones(int(same.sum())), (c.row[same], c.col[same])), shape=adj.shape)
    return csgraph.connected_components(g, directed=False)[0] == int(labels.max()) + 1


def decide_piece(h: np.ndarray, adj, xy: np.ndarray, lo: float, hi: float, eps: float, *, seed: int = 0,
                 trees: int = 8, cp_time: float = 10.0, cp_max_atoms: int = 400, hint: bool = True) -> Decision:
    """Settle a connected piece: an in-band split (labels), a proof that none exists, or undecided.

    Parameters
    ----------
    h : array of float, shape (n,)
        Households per atom.
    adj : sparse, shape (n, n)
        Adjacency of the piece (any positive entries); the piece must be connected.
    xy : array of float, shape (n, 2)
        Atom centroids in metres (unused by the exact steps; kept for the signature of
        the per-piece functions).
    lo, hi : float
        Household band, inclusive; ``eps`` the tolerance of the band tests.
    seed : int
        Seed of the random trees and of CP-SAT.
    trees : int
        Random spanning trees tried by the tree DP.
    cp_time : float
        CP-SAT budget in deterministic seconds (about wall seconds on one core).
    cp_max_atoms : int
        Folded pieces larger than this skip CP-SAT on the whole piece (the LNS, whose
        regions are small, still runs).
    hint : bool
        Give CP-SAT the tree DP's least-bad split as its first guess (for benchmarks).

    A piece CP-SAT proves infeasible gets its band limit: the least top (whole
    households, the bottom kept) at which it has a split, searched by CP-SAT minimising
    the top, then bisecting whole tops, for up to ``cp_time`` more; when that budget
    does not settle it, the range known to hold it (``params`` ``need_hi_min``,
    ``need_hi_max``).
    """
    t0 = time.perf_counter()
    h = np.asarray(h, dtype=np.float64)
    n = len(h)
    a = _bool_csr(adj, n)
    # what the band top must be at least, whatever the band's top: from the folds that
    # depend only on the bottom
    g0, gh0, gadj0, _ = fold_pendants(h, a, lo, eps)
    need = need_hi_bound(gh0, gadj0, lo, eps)
    group, gh, gadj, members = fold_pendants(h, a, lo, eps, hi)
    m = len(gh)

    def done(labels, status, method, reason="", need_hi=float("nan"), code="", **params):
        if code:
            params = {"lo": float(lo), "hi": float(hi), **params}
            if np.isfinite(need_hi):
                params["need_hi"] = float(need_hi)
        return Decision(labels, status, method, reason, need_hi, n, m, time.perf_counter() - t0, code, params)

    need_s = f"; the band's top would have to be at least {_fmt(need)}" if need > hi + eps else ""
    proof, g = _fold_proof(gh, gadj, lo, hi, eps)
    if proof == "must_share_over_band":
        heavy = g
        mem = members[heavy]
        if len(mem) == 1:
            reason = f"atom {int(mem[0])} alone holds {_fmt(gh[heavy])} households"
        else:
            head = ", ".join(str(int(x)) for x in mem[:6]) + (", ..." if len(mem) > 6 else "")
            reason = (f"{len(mem)} neighbouring atoms ({head}) hold {_fmt(gh[heavy])} households and cannot "
                      f"be separated: the lighter ones are too few for a grid of their own, and the only "
                      f"neighbours they can join are among them")
        return done(None, "infeasible", "fold", reason + need_s, need if need > hi + eps else float("nan"),
                    "must_share_over_band", atoms=len(mem), households=float(gh[heavy]))
    H = float(gh.sum())
    if m == 1:
        if proof is None:
            return done(np.zeros(n, dtype=np.int64), "ok", "fold")
        return done(None, "infeasible", "fold", f"the piece must be one grid of {_fmt(H)} households",
                    code="one_grid", atoms=n, households=H)
    if proof == "no_partner":
        mem = members[g]
        return done(None, "infeasible", "fold",
                    f"{len(mem)} atom(s) from atom {int(mem[0])} hold {_fmt(gh[g])} households, too few for a "
                    f"grid, and every neighbour would push them over {_fmt(hi)}" + need_s,
                    need if need > hi + eps else float("nan"), "no_partner", atoms=len(mem),
                    households=float(gh[g]))

    rng = np.random.default_rng(seed)
    lab = tree_split(gh, gadj, lo, hi, eps, rng, trees)
    if lab is not None:
        return done(lab[group], "ok", "tree_dp")
    tried = f"fold ({n} -> {m} atoms), {max(2, min(trees, TREE_WORK // max(m, 1)))} tree DPs"
    # least-bad splits the tree DP finds on a few trees (every grid at least lo, the
    # heaviest as light as it can): starts of the LNS, CP-SAT's first guess, and the upper
    # bound of the band limit
    starts = _least_bad_starts(gh, gadj, lo, hi, eps, rng, LIMIT_TREES)
    near = min(starts, key=lambda s: s[0]) if starts else None
    if near is not None and grouping_impossible(gh, lo, hi, eps, seed):
        # no grouping of the households at all: no split, whatever the shapes (the LNS and
        # CP-SAT would only run out of budget); the band limit as for a CP-SAT proof
        words = (f"the households of its {n} atoms cannot be grouped into grids of {_fmt(lo)}-{_fmt(hi)} "
                 "whatever their shapes (proven by counting)")
        params = dict(atoms=n, households=float(h.sum()))
        # the least whole top at which the households have a grouping: a lower bound of the limit
        known, most = int(np.floor(hi + eps)) + 1, int(np.ceil(near[0] - eps))
        while known < most:
            mid = (known + most) // 2
            if grouping_impossible(gh, lo, float(mid), eps, seed):
                known = mid + 1
            else:
                most = mid
        least, top, _ = band_limit(gh, gadj, lo, hi, eps, seed, cp_time, max(hi, need, known), near[1])
        if least == top:
            return done(None, "infeasible", "counts", words + f"; the band's top would have to be at least {top}",
                        float(top), "no_grouping_needs_top", **params)
        return done(None, "infeasible", "counts", words, code="no_grouping", need_hi_min=float(least),
                    need_hi_max=float(top), **params)
    hint_labels = None if near is None else near[1]
    if hint and starts:
        # LNS from each near-plan, least excess first: grids over the top re-split with
        # their neighbours (a good start settles a piece in a second; a bad one stalls)
        best = None
        for _, labels in sorted(starts, key=lambda s: (_excess(s[1], gh, hi), s[0])):
            fixed = repair(gh, gadj, lo, hi, eps, labels, seed, 0.5 * cp_time / len(starts))
            if _in_band(fixed, gh, lo, hi, eps):
                return done(fixed[group], "ok", "cp_sat_lns")
            if best is None or _excess(fixed, gh, hi) < _excess(best, gh, hi):
                best = fixed
        hint_labels = best
    if hint and starts:
        tried += f", LNS from {len(starts)} near-plans"
    if m > cp_max_atoms:
        tried += f"; CP-SAT on the whole piece skipped over {cp_max_atoms} atoms"
        status, lab = "undecided", None
    else:
        status, lab = cp_sat(gh, gadj, lo, hi, eps, seed, cp_time, hint=hint_labels if hint else None)
        tried += f", CP-SAT {cp_time:g} s"
    if status == "ok" and _in_band(lab, gh, lo, hi, eps):
        return done(lab[group], "ok", "cp_sat")
    if status == "infeasible":
        words = (f"no split of its {n} atoms into contiguous grids of {_fmt(lo)}-{_fmt(hi)} households "
                 "exists (proven by CP-SAT)")
        params = dict(atoms=n, households=float(h.sum()))
        if near is None:  # cannot happen for a connected piece (it is one grid of at least lo)
            return done(None, "infeasible", "cp_sat", words, code="cp_sat_infeasible", **params)
        least, top, _ = band_limit(gh, gadj, lo, hi, eps, seed, cp_time, max(hi, need), near[1])
        if least == top:  # a top of `top` holds the split found, one less none (proven)
            return done(None, "infeasible", "cp_sat", words + f"; the band's top would have to be at least {top}",
                        float(top), "cp_sat_needs_top", **params)
        return done(None, "infeasible", "cp_sat", words + f"; the band's top would have to be at least "
                    f"{least} ({top} is enough; in between is not settled)", float("nan"),
                    "cp_sat_needs_top_range", need_hi_min=float(least), need_hi_max=float(top), **params)
    if status == "undecided":
        # the groups of non-empty atoms and their connections through empty atoms: a
        # smaller search where grids hold few non-empty atoms among many empty ones
        # (twice CP-SAT's budget: li-buildings-300-7 needs 11.3 deterministic s)
        status, lab = group_cover(gh, gadj, lo, hi, eps, seed, 2.0 * cp_time)
        if status == "ok" and _in_band(lab, gh, lo, hi, eps) and _contiguous(lab, gadj):
            return done(lab[group], "ok", "group_cover")
        if status == "infeasible":
            words = (f"no split of its {n} atoms into contiguous grids of {_fmt(lo)}-{_fmt(hi)} households "
                     "exists (proven over the groups of its non-empty atoms and their connections)")
            params = dict(atoms=n, households=float(h.sum()))
            if near is None:
                return done(None, "infeasible", "group_cover", words, code="cp_sat_infeasible", **params)
            # the band limit as for a CP-SAT proof (its searches are CP-SAT's, on the whole piece)
            least, top, _ = band_limit(gh, gadj, lo, hi, eps, seed, cp_time, max(hi, need), near[1])
            if least == top:
                return done(None, "infeasible", "group_cover", words + f"; the band's top would have to be at "
                            f"least {top}", float(top), "cp_sat_needs_top", **params)
            return done(None, "infeasible", "group_cover", words + f"; the band's top would have to be at least "
                        f"{least} ({top} is enough; in between is not settled)", float("nan"),
                        "cp_sat_needs_top_range", need_hi_min=float(least), need_hi_max=float(top), **params)
        if status != "skipped":
            tried += f", group cover {2.0 * cp_time:g} s"
    if hint and status in ("undecided", "skipped"):
        lab = lns_restarts(gh, gadj, lo, hi, eps, rng, seed, 2.0 * cp_time)
        if lab is not None:
            return done(lab[group], "ok", "lns_restarts")
        tried += f", LNS restarts {2.0 * cp_time:g} s"
    return done(None, "undecided", tried)
