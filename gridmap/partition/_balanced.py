"""Split one unit's atoms into contiguous grids whose household totals lie in a band.

The unit's adjacency graph is taken apart first: each connected component (an island,
an exclave) is partitioned on its own, because a grid must be contiguous; an atom with
more households than the band's top is a grid by itself; what those atoms cut off is
handled piece by piece. Every piece whose total fits a whole number of grids is split by
recursive bisection on random spanning trees (``_bisect``), then pairs of neighbouring
grids are merged and re-cut more compactly (``_recombine``) and boundary atoms move
between grids (``_refine``).

Feasibility, per piece, is decided by counts first (an integer k with k*lo <= H <= k*hi,
no atom over hi), then by exhaustive search for small pieces (``_exact``), then, for a
piece the heuristic gives up on, by the exact step of ``_decide`` (folds of atoms that
must share a grid, a tree DP over random spanning trees, CP-SAT): an in-band split or a
proof that none exists, with the reason in a planner's words. Only a piece that this
step cannot settle within its budget is reported as the heuristic's failure ("not
proven infeasible", with its size and what was tried).
"""

from __future__ import annotations


import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph

from gridmap.config import Band
from gridmap.errors import InputError
from gridmap.outcomes import FlagKind, Outcome

from ._result import UnitPartition

from ._bisect import FIXED, FREE, GAP, Bisector, BisectParams, kmin_kmax
from ._labels import by_first_atom
from ._recombine import recombine
from ._refine import refine

__all__ = ["UnitPartition", "partition_unit"]


def _fmt(x: float) -> str:
    """Households as a short number: integers without decimals, else one decimal."""
    r = round(float(x))
    return str(r) if abs(x - r) < 0.05 else f"{x:.1f}"


def _edges(adjacency, cut_weight, n: int):
    """Undirected edges (u < v), shared length (m) and cut multiplier from the inputs."""
    a = sp.csr_array(adjacency)
    if a.shape != (n, n):
        raise InputError(f"adjacency must have shape ({n}, {n}), got {a.shape}")
    a = sp.triu(a.maximum(a.T), k=1).tocoo()
    keep = a.data > 0
    u = a.row[keep].astype(np.int64)
    v = a.col[keep].astype(np.int64)
    length = a.data[keep].astype(np.float64)
    if not np.all(np.isfinite(length)):
        raise InputError("adjacency holds non-finite shared lengths")
    o = np.lexsort((v, u))
    u, v, length = u[o], v[o], length[o]
    if cut_weight is None:
        cw = np.ones(len(u))
    else:
        c = sp.csr_array(cut_weight)
        if c.shape != (n, n):
            raise InputError(f"cut_weight must have shape ({n}, {n}), got {c.shape}")
        c = sp.triu(c.maximum(c.T), k=1).tocoo()
        ck = c.row.astype(np.int64) * n + c.col
        oc = np.argsort(ck, kind="stable")
        ck, cd = ck[oc], c.data[oc].astype(np.float64)
        key = u * n + v
        i = np.searchsorted(ck, key)
        i = np.minimum(i, max(len(ck) - 1, 0))
        found = (len(ck) > 0) & (ck[i] == key) if len(ck) else np.zeros(len(key), bool)
        # an edge missing from cut_weight gets the neutral multiplier 1
        cw = np.where(found, cd[i] if len(cd) else 1.0, 1.0)
        if np.any(cw < 0) or not np.all(np.isfinite(cw)):
            raise InputError("cut_weight must be finite and >= 0")
    return u, v, length, cw


def partition_unit(
    households,
    adjacency,
    xy,
    lo: float,
    hi: float,
    *,
    seed: int = 0,
    cut_weight=None,
    k: int | None = None,
    refine_passes: int = 8,
    params: BisectParams | None = None,
) -> UnitPartition:
    """Split a unit's atoms into contiguous grids with household totals in [lo, hi].

    Parameters
    ----------
    households : array of float, shape (n,)
        Households in each atom (>= 0).
    adjacency : scipy.sparse matrix or array, shape (n, n)
        Symmetric; entry (i, j) is the boundary length (m, > 0) shared by atoms i and j.
    xy : array of float, shape (n, 2)
        Atom centroids in metres (a metric CRS).
    lo, hi : float
        Household band of a grid, inclusive (e.g. 300, 500).
    seed : int
        Seed of the random spanning trees; the result is a deterministic function of it.
    cut_weight : scipy.sparse matrix or array, shape (n, n), optional
        Same sparsity as ``adjacency``; multiplier (>= 0) on the cost of cutting each edge,
        e.g. 0.2 river, 0.5 main road, 1.0 lane, 3.0 non-barrier edge. None: all 1.
    k : int, optional
        Number of grids wanted for a connected unit; by default the k in
        [ceil(H/hi), floor(H/lo)] nearest H / ((lo + hi) / 2). It is a target: pieces that
        cannot be split with it let their number of grids float within the band.
    refine_passes : int
        Sweeps of boundary-atom moves that make grids more compact (0: none).
    params : BisectParams, optional
        Trees per round, search budgets, recombination rounds and score weights of the
        bisection (``gridmap.partition._bisect.BisectParams``); the defaults when None.

    Returns
    -------
    UnitPartition
    """
    h = np.asarray(households, dtype=np.float64).ravel()
    n = len(h)
    if n == 0:
        raise InputError("households is empty: a unit needs at least one atom")
    if not np.all(np.isfinite(h)) or np.any(h < 0):
        raise InputError("households must be finite and >= 0")
    xy = np.asarray(xy, dtype=np.float64)
    if xy.shape != (n, 2) or not np.all(np.isfinite(xy)):
        raise InputError(f"xy must be finite with shape ({n}, 2), got {xy.shape}")
    band = Band(lo, hi)  # the one validation of a band; lo may be 0 here (no minimum)
    lo, hi = band
    if k is not None and int(k) < 1:
        raise InputError(f"k must be >= 1, got {k}")
    u, v, length, cw = _edges(adjacency, cut_weight, n)
    cost = length * (cw + 1e-3)  # cut cost (m); > 0 so that every edge has a tree weight
    eps = band.tol  # households are sums of floats: the band's one tolerance (Band.tol)
    rng = np.random.default_rng(seed)
    lo_s, hi_s = _fmt(lo), _fmt(hi)
    mid = 0.5 * (lo + hi)

    # --- connected components, over-band atoms, and the pieces they leave -------------
    g = sp.csr_array((np.ones(len(u)), (u, v)), shape=(n, n))
    ncomp, comp = csgraph.connected_components(g, directed=False)
    big = h > hi + eps
    keep_e = ~(big[u] | big[v])
    g2 = sp.csr_array((np.ones(int(keep_e.sum())), (u[keep_e], v[keep_e])), shape=(n, n))
    _, sub = csgraph.connected_components(g2, directed=False)
    sub = np.where(big, -1, sub)  # big atoms belong to no piece
    comp_n = np.bincount(comp, minlength=ncomp)

    # outcomes as data (gridmap.outcomes); ``text`` is their English sentence, never parsed
    reasons: list[Outcome] = []
    group = np.full(n, -1, dtype=np.int64)  # fixed grids: big atoms, islands, merged pieces
    group_note: dict[int, Outcome] = {}
    ngroup = 0
    big_atoms = np.flatnonzero(big)
    for a in big_atoms:
        group[a] = ngroup
        numbers = {"atom": int(a), "households": float(h[a]), "hi": hi}
        group_note[ngroup] = Outcome(
            "atom_over_band", FlagKind.OVER_BAND, numbers,
            text=f"over_band: atom {a} alone holds {_fmt(h[a])} households > {hi_s}")
        reasons.append(Outcome("atom_over_band", None, numbers, text=(
            f"atom {a} alone holds {_fmt(h[a])} households > hi={hi_s}: it is a grid of its "
            "own, over the band")))
        ngroup += 1

    bis = Bisector(n, h, xy, _compact_weight(h), u, v, cost, rng, eps, params)
    root_info: dict[int, dict] = {}
    pieces = np.unique(sub[sub >= 0])
    # atoms of each piece, in atom order
    order = np.argsort(sub, kind="stable")
    sub_sorted = sub[order]
    starts = np.searchsorted(sub_sorted, pieces, side="left")
    ends = np.searchsorted(sub_sorted, pieces, side="right")
    # big atoms adjacent to each piece (for merging what they cut off)
    touch_u = big[u] & ~big[v]
    touch_v = big[v] & ~big[u]
    nb_piece = np.concatenate([sub[v[touch_u]], sub[u[touch_v]]])
    nb_big = np.concatenate([u[touch_u], v[touch_v]])
    ob = np.lexsort((h[nb_big], nb_big, nb_piece))
    nb_piece, nb_big = nb_piece[ob], nb_big[ob]
    connected_unit = ncomp == 1

    for pi, s0, s1 in zip(pieces, starts, ends):
        atoms = order[s0:s1]
        Hs = float(h[atoms].sum())
        ns = len(atoms)
        c = comp[atoms[0]]
        whole_comp = ns == comp_n[c]  # no big atom in this component
        kmin, kmax = (int(x) if np.isfinite(x) else 10**9 for x in kmin_kmax(Hs, lo, hi, eps))
        if Hs > 0 and kmin <= kmax:
            if k is not None and connected_unit and len(pieces) == 1:
                kk = int(np.clip(k, kmin, kmax))
            else:
                kk = int(np.clip(round(Hs / mid), kmin, kmax))
            root = bis.add_root(atoms, kk, lo, hi, FIXED if kk >= 2 else FREE)
            root_info[root] = {"atoms": ns, "H": Hs, "kmin": kmin, "kmax": kmax, "kind": "ok"}
            continue
        what = _describe(atoms, ns, Hs, whole_comp, connected_unit)
        if Hs < lo - eps or Hs == 0:
            # too few households for one grid
            j0 = np.searchsorted(nb_piece, pi, side="left")
            j1 = np.searchsorted(nb_piece, pi, side="right")
            if j1 > j0:
                # cut off by over-band atoms only: join the smallest of them, which adds
                # no out-of-band grid (that grid is out of band already)
                cand = nb_big[j0:j1]
                b = int(cand[np.lexsort((cand, h[cand]))[0]])
                group[atoms] = group[b]
                if Hs > 0:
                    numbers = {"atoms": ns, "households": Hs, "lo": lo, "atom": b}
                    reasons.append(Outcome("cut_off_joins", None, numbers, text=(
                        f"{what} holds {_fmt(Hs)} households < lo={lo_s} and touches only "
                        f"over-band atoms: it joins atom {b}'s grid")))
                    group_note[group[b]] = group_note[group[b]].plus(Outcome(
                        "takes_cut_off", None, {"atoms": ns, "households": Hs},
                        text=f"; it also takes the {ns} atoms ({_fmt(Hs)} households) it cuts off"))
                continue
            group[atoms] = ngroup
            numbers = {"atoms": ns, "households": Hs, "lo": lo}
            if connected_unit and whole_comp:
                group_note[ngroup] = Outcome(
                    "unit_under_band", FlagKind.UNDER_BAND, numbers,
                    text=f"under_band: unit holds only {_fmt(Hs)} households < {lo_s}")
                reasons.append(Outcome("unit_under_band", None, numbers,
                                       text=f"the unit holds only {_fmt(Hs)} households < lo={lo_s}"))
            else:
                group_note[ngroup] = Outcome(
                    "island_under_band", FlagKind.UNDER_BAND, numbers,
                    text=f"under_band: island of {ns} atoms cut off from the rest, {_fmt(Hs)} households")
                reasons.append(Outcome("island_under_band", None, numbers, text=(
                    f"{what} holds {_fmt(Hs)} households < lo={lo_s}: it is a grid of its own, "
                    "under the band")))
            ngroup += 1
            continue
        # a total that fits no whole number of grids: split off one out-of-band grid
        root = bis.add_root(atoms, 2, lo, hi, GAP)
        root_info[root] = {"atoms": ns, "H": Hs, "kind": "gap", "what": what}
        reasons.append(Outcome("no_whole_k", None, {"atoms": ns, "households": Hs, "lo": lo, "hi": hi}, text=(
            f"{what} holds {_fmt(Hs)} households: no whole number k of grids has "
            f"k*{lo_s} <= {_fmt(Hs)} <= k*{hi_s}, so one grid must leave the band")))

    bis.run()

    # --- grids ------------------------------------------------------------------------
    leaf = bis.piece
    gid = np.where(group >= 0, group, ngroup + np.maximum(leaf, 0))
    if np.any((group < 0) & (leaf < 0)):
        raise RuntimeError("an atom was left without a grid")
    labels, rank = by_first_atom(gid)
    kk = len(rank)

    # the root piece each grid came from (for its flag), and whether it may be refined
    root_of_atom = np.full(n, -1, dtype=np.int64)
    la = leaf >= 0
    root_of_atom[la] = np.asarray(bis.t.root)[leaf[la]]

    if refine_passes > 0 and kk > 1:
        movable = (group < 0) & (root_of_atom >= 0)
        movable_grid = np.ones(kk, dtype=bool)
        movable_grid[labels[~movable]] = False
        p = bis.p
        labels = recombine(
            labels, kk, h, xy, bis.w, u, v, cost, lo, hi, eps, movable_grid, rng,
            rounds=p.recombine_rounds, trees=p.recombine_trees, sigma=p.jitter_sigma,
            w_inertia=p.w_inertia,
        )
        labels = refine(labels, kk, h, xy, u, v, cost, lo, hi, eps, movable, refine_passes)
        # grids are numbered in order of their lowest-numbered atom
        labels, _ = by_first_atom(labels)

    gh = np.bincount(labels, h, minlength=kk)
    flags: list[Outcome | None] = [None] * kk
    # one representative atom per grid: its lowest fixed atom (an over-band atom, what it
    # cuts off, an island) if it has one, else its lowest atom. Refinement may move an
    # empty atom into an over-band atom's grid (no worse for it): the grid's flag is
    # still that atom's, not a failed split's.
    rep = np.full(kk, -1, dtype=np.int64)
    by_rep = np.lexsort((np.arange(n), group < 0))[::-1]
    rep[labels[by_rep]] = by_rep
    for gi in range(kk):
        a = rep[gi]
        if group[a] >= 0:
            note = group_note[int(group[a])]
            inband = lo - eps <= gh[gi] <= hi + eps
            flags[gi] = None if inband else note
            continue
        if lo - eps <= gh[gi] <= hi + eps:
            continue
        root = int(root_of_atom[a])
        info = root_info.get(root, {})
        under = gh[gi] < lo
        side = FlagKind.UNDER_BAND if under else FlagKind.OVER_BAND
        cmp_ = f"{_fmt(gh[gi])} households {'<' if under else '>'} {lo_s if under else hi_s}"
        numbers = {"households": float(gh[gi]), "lo": lo, "hi": hi, "part_households": float(info.get("H", 0.0))}
        if info.get("kind") == "gap":
            flags[gi] = Outcome("no_whole_k", side, numbers, text=(
                f"{side}: {cmp_}; the {_fmt(info['H'])} households of its part fit no whole number of grids"))
        elif bis.proven.get(root):
            flags[gi] = Outcome("no_split_proven", side, numbers, text=(
                f"{side}: {cmp_}; no contiguous in-band split of its part exists ({_why(bis, root)})"))
        else:
            flags[gi] = Outcome("no_split_heuristic", side, numbers, proven=False, text=(
                f"{side}: {cmp_}; the heuristic found no in-band split of its part"))
    bad_roots = {int(root_of_atom[rep[gi]]) for gi in range(kk) if flags[gi] and group[rep[gi]] < 0}
    for root, info in root_info.items():
        if info["kind"] != "ok" or root not in bad_roots:
            continue
        numbers = {"atoms": info["atoms"], "households": info["H"], "kmin": info["kmin"], "kmax": info["kmax"]}
        if bis.proven.get(root):
            d = bis.decisions.get(root)
            if d is not None and np.isfinite(d.need_hi):
                numbers["need_hi"] = float(d.need_hi)
            # the proof's own reason (a code and its numbers) rides along as data
            why = (Outcome(d.code, None, d.params, text=d.reason),) if d is not None and d.code else ()
            reasons.append(Outcome("no_split_proven", None, numbers, also=why, text=(
                f"a part of {info['atoms']} atoms with {_fmt(info['H'])} households: counts allow "
                f"k in {info['kmin']}..{info['kmax']}, but no contiguous split into in-band "
                f"grids exists: {_why(bis, root)}")))
        else:
            d = bis.decisions.get(root)
            tried = f"; tried {d.method}" if d is not None else ""
            reasons.append(Outcome("no_split_heuristic", None, numbers, proven=False, text=(
                f"a part of {info['atoms']} atoms with {_fmt(info['H'])} households: counts allow "
                f"k in {info['kmin']}..{info['kmax']}, but the heuristic could not find an "
                f"in-band split (not proven infeasible{tried})")))
    feasible = all(f is None for f in flags)
    if feasible:
        reasons = []
    return UnitPartition.of(labels.astype(np.int64), kk, feasible, reasons, flags, households=gh,
                            decisions=list(bis.decisions.values()))


def _why(bis, root: int) -> str:
    """Why a root piece is proven to have no in-band split, in a planner's words."""
    d = bis.decisions.get(root)
    if d is not None and d.status == "infeasible":
        return f"{d.reason} (proven: {d.method.replace('_', ' ')})"
    return "proven by exhaustive search"


def _describe(atoms, ns, Hs, whole_comp, connected_unit) -> str:
    head = ", ".join(str(int(a)) for a in atoms[:5]) + (", ..." if ns > 5 else "")
    if whole_comp and not connected_unit:
        return f"island of {ns} atoms ({head})"
    if whole_comp:
        return f"the unit ({ns} atoms)"
    return f"a part of {ns} atoms ({head}) cut off by over-band atoms"


def _compact_weight(h: np.ndarray) -> np.ndarray:
    """Weight of each atom in the compactness moments: half households, half atom count."""
    m = h.mean()
    return h / m + 1.0 if m > 0 else np.ones_like(h)
