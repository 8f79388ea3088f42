"""Recombination: merge pairs of neighbouring grids and re-cut each pair more compactly.

Local moves cannot fix a grid that is badly shaped as a whole; re-cutting a pair can.
Each round draws a random matching of adjacent in-band grids, merges every matched pair,
and evaluates all cuts of a few random spanning trees of each merged pair at once (the
same forest machinery as the bisection). A pair takes the best cut that keeps both
grids in band when it scores better than the pair's current boundary. Grids keep their
numbers, stay contiguous (a tree cut has connected sides) and stay in band.
"""

from __future__ import annotations

import numpy as np

from ._forest import COPY_MAX_ATOMS, ForestGraph, block_subtree_sums, compactness_score, lca_positions, mark_subtrees


def recombine(labels, k, h, xy, w, u, v, cost, lo, hi, eps, movable_grid, rng, rounds, trees, sigma, w_inertia):
    labels = np.array(labels, dtype=np.int64, copy=True)
    n = len(labels)
    idle = 0  # consecutive rounds in which no pair improved
    for _ in range(rounds):
        if idle >= 2:
            break  # two fresh matchings found nothing to re-cut: converged
        gh = np.bincount(labels, h, minlength=k)
        ok_grid = movable_grid & (gh >= lo - eps) & (gh <= hi + eps)
        lu, lv = labels[u], labels[v]
        e = (lu != lv) & ok_grid[lu] & ok_grid[lv]
        if not e.any():
            return labels
        ga = np.minimum(lu[e], lv[e])
        gb = np.maximum(lu[e], lv[e])
        pairs, inv = np.unique(ga * k + gb, return_inverse=True)
        pa, pb = pairs // k, pairs % k
        # random maximal matching of the grid adjacency
        order = rng.permutation(len(pairs))
        used = [False] * k  # Python lists: this loop runs once per pair, numpy scalars cost more
        pal, pbl = pa.tolist(), pb.tolist()
        take = []
        for i in order.tolist():
            a, b = pal[i], pbl[i]
            if not used[a] and not used[b]:
                used[a] = used[b] = True
                take.append(i)
        take = np.asarray(sorted(take), dtype=np.int64)
        grid_a, grid_b = pa[take], pb[take]  # the two grids of each matched pair
        piece_of_grid = np.full(k, -1, dtype=np.int64)
        piece_of_grid[grid_a] = np.arange(len(take))
        piece_of_grid[grid_b] = np.arange(len(take))
        npc = len(take)
        atoms = np.flatnonzero(piece_of_grid[labels] >= 0)
        lid = np.full(n, -1, dtype=np.int64)
        lid[atoms] = np.arange(len(atoms))
        pid = piece_of_grid[labels[atoms]]
        pu, pv = lid[u], lid[v]
        inner = (pu >= 0) & (pv >= 0)
        inner &= pid[np.maximum(pu, 0)] == pid[np.maximum(pv, 0)]
        eu, ev, ec = pu[inner], pv[inner], cost[inner]
        # current score of each matched pair
        wl = w[atoms]
        W = np.bincount(pid, wl, minlength=npc)
        cx = np.bincount(pid, wl * xy[atoms, 0], minlength=npc) / np.maximum(W, 1e-12)
        cy = np.bincount(pid, wl * xy[atoms, 1], minlength=npc) / np.maximum(W, 1e-12)
        xr = xy[atoms, 0] - cx[pid]
        yr = xy[atoms, 1] - cy[pid]
        wx, wy, wr = wl * xr, wl * yr, wl * (xr**2 + yr**2)  # weighted moments of each atom
        Sx = np.bincount(pid, wx, minlength=npc)
        Sy = np.bincount(pid, wy, minlength=npc)
        Sr = np.bincount(pid, wr, minlength=npc)
        isA = labels[atoms] == grid_a[pid]
        WA = np.bincount(pid[isA], wl[isA], minlength=npc)
        SxA = np.bincount(pid[isA], wx[isA], minlength=npc)
        SyA = np.bincount(pid[isA], wy[isA], minlength=npc)
        SrA = np.bincount(pid[isA], wr[isA], minlength=npc)
        cur_cross = np.bincount(inv, cost[e], minlength=len(pairs))[take]
        best = compactness_score(cur_cross, W, Sx, Sy, Sr, WA, SxA, SyA, SrA, w_inertia) - 1e-6
        side = isA.copy()
        improved_any = np.zeros(npc, dtype=bool)
        by_piece = np.argsort(pid, kind="stable")
        roots = by_piece[np.flatnonzero(np.concatenate([[True], np.diff(pid[by_piece]) != 0]))]
        hl = h[atoms]
        # The random trees, several at once (all ``trees`` unless the pairs hold many atoms):
        # one forest over as many copies of the pairs' graph (copy j is tree j: its draws,
        # tree, depth-first order and sums are those it would have alone), and per pair the
        # best cut over them, the one the trees taken one after the other would keep (the
        # lowest score; ties to the earlier tree, then to the earlier position).
        na, m = len(atoms), len(ec)
        step = max(1, COPY_MAX_ATOMS // max(na, 1))  # copies per forest: fewer when the pairs are large
        for t0 in range(0, trees, step):
            copies = min(step, trees - t0)
            shift = np.repeat(np.arange(copies, dtype=np.int64) * na, m)
            eu_c, ev_c, ec_c = np.tile(eu, copies) + shift, np.tile(ev, copies) + shift, np.tile(ec, copies)
            roots_c = (roots[None, :] + (np.arange(copies, dtype=np.int64) * na)[:, None]).ravel()
            key = 1.0 / (ec_c * np.exp(sigma * rng.standard_normal(copies * m)))
            f = ForestGraph(copies * na, eu_c, ev_c, roots_c).forest(key)
            at = f.order[1:] % na  # local atom at positions 1..N-1
            N = len(f.order)
            per = (N - 1) // copies
            vals = np.zeros((N, 7))
            vals[1:, 0] = hl[at]
            vals[1:, 1] = wl[at]
            vals[1:, 2] = wx[at]
            vals[1:, 3] = wy[at]
            vals[1:, 4] = wr[at]
            ppu, ppv = f.pos[eu_c], f.pos[ev_c]
            vals[:, 5] = np.bincount(ppu, ec_c, minlength=N) + np.bincount(ppv, ec_c, minlength=N)
            vals[:, 6] = np.bincount(lca_positions(f, ppu, ppv), ec_c, minlength=N)
            cand = f.cand
            if len(cand):
                s = block_subtree_sums(f, vals, copies, exact=0)
                cp = pid[at[cand - 1]]
                rootpos = np.zeros((copies, npc), dtype=np.int64)
                rootpos[(f.roots - 1) // per, pid[at[f.roots - 1]]] = f.roots
                tot = s[rootpos[(cand - 1) // per, cp]]
                sa = s[cand]
                hA, hB = sa[:, 0], tot[:, 0] - sa[:, 0]
                ok = (hA >= lo - eps) & (hA <= hi + eps) & (hB >= lo - eps) & (hB <= hi + eps)
                if ok.any():
                    cand, cp, sa, tot = cand[ok], cp[ok], sa[ok], tot[ok]
                    cross = np.maximum(sa[:, 5] - 2.0 * sa[:, 6], 0.0)
                    sc = compactness_score(cross, tot[:, 1], tot[:, 2], tot[:, 3], tot[:, 4], sa[:, 1], sa[:, 2], sa[:, 3], sa[:, 4], w_inertia)
                    o = np.lexsort((sc, cp))
                    first = np.concatenate([[True], cp[o][1:] != cp[o][:-1]])
                    sel = o[first]
                    better = sc[sel] < best[cp[sel]]
                    if better.any():
                        sel = sel[better]
                        pp = cp[sel]
                        best[pp] = sc[sel]
                        improved_any[pp] = True
                        mark = mark_subtrees(f, cand[sel])
                        imp = np.zeros(npc, dtype=bool)
                        imp[pp] = True
                        side[imp[pid]] = False
                        side[at[mark[1:]]] = True
        if not improved_any.any():
            idle += 1
            continue
        idle = 0
        ch = improved_any[pid]
        labels[atoms[ch]] = np.where(side[ch], grid_a[pid[ch]], grid_b[pid[ch]])
    return labels
