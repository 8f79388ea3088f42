"""Boundary-atom moves that make grids more compact while keeping them contiguous and in band.

A pass scores, for every atom on a grid boundary, the move to its best neighbouring
grid: the cut cost saved (shared boundary x cut multiplier of the edges that stop being
cut, minus those that start to be cut) plus a pull toward the nearer grid centroid. The
scoring is vectorised; the moves are then applied greedily in order of gain, in Python,
each checked against the band (running totals) and against contiguity of the grid it
leaves (a graph search inside that grid, which holds tens of atoms). An atom
whose neighbour moved in the same pass waits for the next pass, so every applied gain is
exact. Out-of-band grids may take moves that shrink their violation.
"""

from __future__ import annotations

import numpy as np

PULL = 0.15  # weight of the centroid pull, in units of cut cost (m) per grid radius


def refine(labels, k, h, xy, u, v, cost, lo, hi, eps, movable, passes):
    """Return improved labels (a new array); grids keep their numbers."""
    labels = np.array(labels, dtype=np.int64, copy=True)
    n = len(labels)
    if passes <= 0 or k < 2 or len(u) == 0:
        return labels
    # neighbour lists (atom -> atoms, costs) as Python lists for the greedy loop
    a_all = np.concatenate([u, v])
    b_all = np.concatenate([v, u])
    c_all = np.concatenate([cost, cost])
    o = np.argsort(a_all, kind="stable")
    a_all, b_all, c_all = a_all[o], b_all[o], c_all[o]
    ptr = np.searchsorted(a_all, np.arange(n + 1))
    nbr = np.split(b_all, ptr[1:-1])
    nbr = [x.tolist() for x in nbr]
    gh = np.bincount(labels, h, minlength=k)
    gn = np.bincount(labels, minlength=k)

    def viol(x):
        return np.maximum(np.maximum(lo - x, x - hi), 0.0)

    for _ in range(passes):
        la = labels[a_all]
        lb = labels[b_all]
        cross = la != lb
        if not cross.any():
            break
        # cut cost from each atom to each grid it touches (own grid included)
        key = a_all * k + lb
        uk, inv = np.unique(key, return_inverse=True)
        wsum = np.bincount(inv, c_all)
        ka = uk // k
        kg = uk % k
        own = np.zeros(n)
        is_own = kg == labels[ka]
        own[ka[is_own]] = wsum[is_own]
        cand = ~is_own & movable[ka]
        ca, cg, cw = ka[cand], kg[cand], wsum[cand]
        if len(ca) == 0:
            break
        # centroid pull (unweighted: the grid's shape, not its households)
        cx = np.bincount(labels, xy[:, 0], minlength=k) / np.maximum(gn, 1)
        cy = np.bincount(labels, xy[:, 1], minlength=k) / np.maximum(gn, 1)
        r2 = np.bincount(labels, (xy[:, 0] - cx[labels]) ** 2 + (xy[:, 1] - cy[labels]) ** 2, minlength=k)
        radius = np.sqrt(np.median(r2[gn > 0] / gn[gn > 0])) + 1e-9
        src = labels[ca]
        d_src = (xy[ca, 0] - cx[src]) ** 2 + (xy[ca, 1] - cy[src]) ** 2
        d_dst = (xy[ca, 0] - cx[cg]) ** 2 + (xy[ca, 1] - cy[cg]) ** 2
        gain = (cw - own[ca]) + PULL * (d_src - d_dst) / radius
        hs = h[ca]
        v_before = viol(gh[src]) + viol(gh[cg])
        v_after = viol(gh[src] - hs) + viol(gh[cg] + hs)
        gain = gain + 1e6 * (v_before - v_after)
        ok = (gain > 1e-9) & (v_after <= v_before + eps) & (gn[src] > 1)
        if not ok.any():
            break
        ca, cg, gain = ca[ok], cg[ok], gain[ok]
        # best target per atom
        o = np.lexsort((-gain, ca))
        first = np.concatenate([[True], ca[o][1:] != ca[o][:-1]])
        ca, cg, gain = ca[o][first], cg[o][first], gain[o][first]
        o = np.argsort(-gain, kind="stable")
        moved = _apply_moves(ca[o].tolist(), cg[o].tolist(), labels, nbr, h, gh, gn, lo, hi, eps)
        if moved == 0:
            break
    return labels


def _apply_moves(cands, targets, labels, nbr, h, gh, gn, lo, hi, eps) -> int:
    touched: set[int] = set()
    moved = 0
    lab = labels  # numpy array, updated in place
    for a, b in zip(cands, targets):
        if a in touched:
            continue
        src = int(lab[a])
        ha = float(h[a])
        # band: each grid stays in band, or an out-of-band grid gets no worse
        hs_new = gh[src] - ha
        hb_new = gh[b] + ha
        vs0 = max(lo - gh[src], gh[src] - hi, 0.0)
        vb0 = max(lo - gh[b], gh[b] - hi, 0.0)
        vs1 = max(lo - hs_new, hs_new - hi, 0.0)
        vb1 = max(lo - hb_new, hb_new - hi, 0.0)
        if vs1 + vb1 > vs0 + vb0 + eps or vs1 > vs0 + eps and vs0 == 0 or vb1 > vb0 + eps and vb0 == 0:
            continue
        if gn[src] <= 1:
            continue
        nb = nbr[a]
        if any(x in touched for x in nb):
            continue
        if not any(lab[x] == b for x in nb):
            continue
        if not _stays_connected(a, src, nb, lab, nbr):
            continue
        lab[a] = b
        gh[src] = hs_new
        gh[b] = hb_new
        gn[src] -= 1
        gn[b] += 1
        touched.add(a)
        touched.update(nb)
        moved += 1
    return moved


def _stays_connected(a, g, nb, lab, nbr) -> bool:
    """Is grid g still connected once atom a leaves it?"""
    same = [x for x in nb if lab[x] == g]
    if len(same) <= 1:
        return True
    targets = set(same)
    start = same[0]
    seen = {start, a}
    stack = [start]
    found = 1
    while stack:
        x = stack.pop()
        for y in nbr[x]:
            if y not in seen and lab[y] == g:
                seen.add(y)
                if y in targets:
                    found += 1
                    if found == len(targets):
                        return True
                stack.append(y)
    return False
