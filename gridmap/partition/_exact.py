"""Exhaustive search over contiguous partitions of small pieces.

A bitmask DP decides pieces of up to a dozen atoms exactly (:func:`exact_partition`,
:func:`least_bad_partition`); a depth-first search with a budget handles pieces of up to
a few dozen atoms (:func:`search_partition`).

Used when the tree heuristic finds no in-band split of a small piece: it either finds
one or proves that none exists, and for infeasible pieces it gives the least-bad plan
(fewest grids out of band, then the smallest total distance to the band).
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np

EXACT_MAX_ATOMS = 12  # 2**12 subsets; the search is a memoised DP over subsets
LEAST_BAD_MAX_ATOMS = 10  # the minimising DP visits up to 3**n (mask, subset) pairs


def _subset_data(h: np.ndarray, nbr: list[list[int]], keep=None):
    """Households of every subset (bit mask) of the atoms, and whether it is connected.

    ``keep(sums)``: a boolean array of the subsets whose connectivity is needed (the
    others are reported not connected); None for all.
    """
    n = len(h)
    size = 1 << n
    bits = (np.arange(size)[:, None] >> np.arange(n)[None, :]) & 1
    sums = bits @ h
    nbr_mask = [sum(1 << j for j in nbr[i]) for i in range(n)]
    connected = np.zeros(size, dtype=bool)
    wanted = range(1, size) if keep is None else np.flatnonzero(keep(sums)).tolist()
    for mask in wanted:
        if mask == 0:
            continue
        start = mask & -mask
        seen = start
        frontier = start
        while frontier:
            low = frontier & -frontier
            frontier ^= low
            i = low.bit_length() - 1
            new = nbr_mask[i] & mask & ~seen
            seen |= new
            frontier |= new
        connected[mask] = seen == mask
    return sums, connected


def _by_lowest_atom(masks, n: int) -> dict[int, list[int]]:
    """Subsets (bit masks, ascending) grouped by their lowest atom."""
    by_low: dict[int, list[int]] = {i: [] for i in range(n)}
    for mask in masks:
        mask = int(mask)
        by_low[(mask & -mask).bit_length() - 1].append(mask)
    return by_low


def exact_partition(
    h: np.ndarray, nbr: list[list[int]], lo: float, hi: float, eps: float
) -> np.ndarray | None:
    """Labels of a partition of the piece into contiguous grids in [lo, hi], or None.

    ``nbr`` lists each atom's neighbours (local indices). The piece must be connected.
    """
    n = len(h)
    if n > EXACT_MAX_ATOMS:
        raise ValueError(f"exact search is limited to {EXACT_MAX_ATOMS} atoms, got {n}")
    # connectivity only of the subsets in band (the others are not valid either way)
    sums, connected = _subset_data(h, nbr, keep=lambda sums: (sums >= lo - eps) & (sums <= hi + eps))
    valid = connected & (sums >= lo - eps) & (sums <= hi + eps)
    by_low = _by_lowest_atom(np.flatnonzero(valid), n)

    @cache
    def solve(mask: int):
        if mask == 0:
            return ()
        low = (mask & -mask).bit_length() - 1
        for sub in by_low[low]:
            if sub & ~mask == 0:
                rest = solve(mask ^ sub)
                if rest is not None:
                    return (sub,) + rest
        return None

    parts = solve((1 << n) - 1)
    solve.cache_clear()
    if parts is None:
        return None
    return _labels(parts, n)


def least_bad_partition(
    h: np.ndarray, nbr: list[list[int]], lo: float, hi: float, eps: float
) -> np.ndarray:
    """Contiguous partition minimising (grids out of band, total distance to the band)."""
    n = len(h)
    if n > LEAST_BAD_MAX_ATOMS:
        raise ValueError(f"least-bad search is limited to {LEAST_BAD_MAX_ATOMS} atoms, got {n}")
    sums, connected = _subset_data(h, nbr)
    dist = np.maximum(np.maximum(lo - sums, sums - hi), 0.0)
    dist[dist <= eps] = 0.0
    by_low = _by_lowest_atom(np.flatnonzero(connected), n)

    @cache
    def solve(mask: int):
        if mask == 0:
            return (0, 0.0, ())
        low = (mask & -mask).bit_length() - 1
        best = None
        for sub in by_low[low]:
            if sub & ~mask == 0:
                bad, amount, parts = solve(mask ^ sub)
                d = float(dist[sub])
                cand = (bad + (d > 0), amount + d, (sub,) + parts)
                if best is None or cand[:2] < best[:2]:
                    best = cand
        return best

    parts = solve((1 << n) - 1)[2]
    solve.cache_clear()
    return _labels(parts, n)


def _labels(parts, n: int) -> np.ndarray:
    labels = np.empty(n, dtype=np.int64)
    for g, sub in enumerate(parts):
        for i in range(n):
            if sub >> i & 1:
                labels[i] = g
    return labels


class _Budget(Exception):
    pass


def search_partition(
    h: np.ndarray,
    nbr: list[list[int]],
    lo: float,
    hi: float,
    eps: float,
    budget: int = 200_000,
) -> tuple[np.ndarray | None, bool]:
    """Depth-first search for a contiguous in-band partition of a small piece.

    The grid holding the heaviest free atom (ties: the lowest-numbered) is chosen among
    its connected, in-band neighbourhoods; what is left splits into components that are solved
    independently (and remembered), each pruned at once unless its total fits a whole
    number of grids. Returns (labels or None, complete): complete is False when the
    budget of enumerated grids ran out before an answer.
    """
    n = len(h)
    hs = [float(x) for x in h]
    nb = [list(x) for x in nbr]
    memo: dict[int, tuple | None] = {}
    count = 0  # atoms visited and grids enumerated, against the budget
    lo, hi, eps = float(lo), float(hi), float(eps)
    lo_e, hi_e = lo - eps, hi + eps
    # the anchor of a grid is the heaviest free atom (ties: the lowest-numbered): the
    # first atom of this order that is still free
    by_weight = sorted(range(n), key=lambda i: (-hs[i], i))
    sums: dict[int, float] = {}
    fit_of: dict[float, bool] = {}

    def fits(total: float) -> bool:
        # math, not numpy, on Python floats: the same integers, without numpy's per-call cost
        got = fit_of.get(total)
        if got is not None:
            return got
        if total <= eps:
            ok = False
        else:
            kmin = max(1.0, math.ceil((total - eps) / hi)) if hi != math.inf else 1.0
            kmax = math.floor((total + eps) / lo) if lo > 0 else math.inf
            ok = kmin <= kmax
        fit_of[total] = ok
        return ok

    nbm = [sum(1 << j for j in x) for x in nb]
    nbo = [0] * n  # the same neighbour sets, OR-ed (one bit per neighbour even if listed twice)
    for i, x in enumerate(nb):
        for j in x:
            nbo[i] |= 1 << j

    def total(mask: int) -> float:
        # the same sum in the same order (lowest atom first) as before, remembered
        got = sums.get(mask)
        if got is not None:
            return got
        s = 0.0
        rest = mask
        while rest:
            low = rest & -rest
            s += hs[low.bit_length() - 1]
            rest ^= low
        sums[mask] = s
        return s

    # whole households (the usual case): every order of summing gives the same float, so a
    # component's total is summed while it is flood-filled
    whole = all(x.is_integer() for x in hs) and sum(abs(x) for x in hs) < 2.0**53

    def fitting_components(mask: int):
        """The components of mask (lowest atom first) and their totals, or None as soon as
        one total fits no whole number of grids (the caller then drops the mask)."""
        out = []
        totals = []
        rest = mask
        while rest:
            # flood fill on bit masks
            seen = rest & -rest
            frontier = seen
            s = 0.0
            while frontier:
                grow = 0
                while frontier:
                    low = frontier & -frontier
                    frontier ^= low
                    i = low.bit_length() - 1
                    grow |= nbm[i]
                    s += hs[i]
                frontier = grow & rest & ~seen
                seen |= frontier
            if not whole:
                s = total(seen)
            if not fits(s):
                return None
            out.append(seen)
            totals.append(s)
            rest &= ~seen
        return out, totals

    def solve(mask: int, mask_total: float):
        nonlocal count
        if mask in memo:
            return memo[mask]
        # anchor the next grid on the heaviest free atom: it has the fewest choices
        a = next(i for i in by_weight if mask >> i & 1)
        result = None
        # connected sets holding atom a inside mask with total in band, each once
        # (extension sets in the style of ESU subgraph enumeration), depth first
        stack = [(1 << a, hs[a], [j for j in nb[a] if mask >> j & 1], 1 << a)]
        while stack:
            grid, gsum, ext, seen = stack.pop()
            count += 1
            if count > budget:
                raise _Budget
            if gsum <= hi_e and lo_e <= gsum:
                rest = mask & ~grid
                if not rest:
                    result = (grid,)
                    break
                if fits(mask_total - gsum):
                    # every atom of the rest is visited by its flood fill: counted all at once
                    count += rest.bit_count()
                    if count > budget:
                        raise _Budget
                    found = fitting_components(rest)
                    if found is not None:
                        parts = solve_all(*found)
                        if parts is not None:
                            result = (grid, *parts)
                            break
            if ext:
                ext_bits = 0
                for x in ext:
                    ext_bits |= 1 << x
                before = 0  # the extension atoms ahead of x
                for i, x in enumerate(ext):
                    bit = 1 << x
                    sx = gsum + hs[x]
                    if sx <= hi_e:
                        new_seen = seen | before | bit
                        new = nbo[x] & mask & ~(new_seen | ext_bits)
                        if new:
                            new_ext = ext[i + 1 :] + [y for y in nb[x] if new >> y & 1]
                        else:
                            new_ext = ext[i + 1 :]
                        stack.append((grid | bit, sx, new_ext, new_seen))
                    before |= bit
        memo[mask] = result
        return result

    def solve_all(comps, totals):
        """The grids of every component in turn (each solved as above), or None at the first
        component with no split."""
        parts = []
        for c, ct in zip(comps, totals):
            sub = solve(c, ct)
            if sub is None:
                return None
            parts.extend(sub)
        return parts

    full = (1 << n) - 1
    try:
        count += full.bit_count()
        if count > budget:
            raise _Budget
        found = fitting_components(full)
        if found is None:
            return None, True
        count += full.bit_count()
        if count > budget:
            raise _Budget
        parts = solve_all(*found)
    except _Budget:
        return None, False
    if parts is None:
        return None, True
    return _labels(parts, n), True


def contract_zeros(h: np.ndarray, nbr: list[list[int]]):
    """Glue each cluster of zero-household atoms to one neighbouring atom with households.

    Zero-household atoms multiply the equivalent grids a search enumerates. Glued, the
    search space shrinks and any partition of the glued atoms is a valid partition of
    the original ones (each glued group is connected) - but not every one is reachable,
    so a failed search after gluing proves nothing. Returns (group of each atom,
    households per group, neighbour lists of groups).
    """
    n = len(h)
    group = np.full(n, -1, dtype=np.int64)
    pos = np.flatnonzero(h > 0)
    if len(pos) == 0:
        return np.zeros(n, dtype=np.int64), np.array([0.0]), [[]]
    group[pos] = np.arange(len(pos))
    # breadth-first from the atoms with households: each zero atom joins the group
    # that reaches it first (ties: lower atom index first, deterministic)
    frontier = pos.tolist()
    while frontier:
        nxt = []
        for a in frontier:
            for b in nbr[a]:
                if group[b] < 0:
                    group[b] = group[a]
                    nxt.append(b)
        frontier = nxt
    # zero atoms cut off from every atom with households (cannot happen in a connected
    # piece with households) get groups of their own
    lost = np.flatnonzero(group < 0)
    group[lost] = len(pos) + np.arange(len(lost))
    ng = len(pos) + len(lost)
    hg = np.bincount(group, h, minlength=ng)
    sets = [set() for _ in range(ng)]
    for a in range(n):
        ga = group[a]
        for b in nbr[a]:
            gb = group[b]
            if gb != ga:
                sets[ga].add(int(gb))
    return group, hg, [sorted(s) for s in sets]
