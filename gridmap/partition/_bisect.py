"""Round-synchronous recursive bisection on random spanning trees, with a household band.

Every piece that still has to be split into k >= 2 grids is handled in the same round:
a few random maximum-bond spanning forests over all of them (edges that are costly to
cut are kept in the trees, so cheap boundaries such as rivers become the candidate
cuts), subtree totals for every tree edge, and per piece the best tree edge whose two
sides can each still be cut into in-band grids. A round costs O(n + m) numpy work per
forest, so the whole bisection is O((n + m) log k).

Pieces that find no acceptable edge try again with fresh trees, then with the number of
grids left free, then an exhaustive search (of the piece, of its small ancestors, of the
piece merged with its neighbours; pieces of up to ``search_max_atoms``), then undo their
parent's split and retry it; roots that still fail get a widened band and are reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._decide import Decision, decide_piece, folds_rule_out, tree_split
from ._exact import (
    EXACT_MAX_ATOMS,
    LEAST_BAD_MAX_ATOMS,
    contract_zeros,
    exact_partition,
    least_bad_partition,
    search_partition,
)
from ._forest import (
    COPY_MAX_ATOMS,
    ForestGraph,
    block_subtree_sums,
    compactness_score,
    lca_positions,
    mark_subtrees,
    subtree_sums,
)

# Pieces' modes
FIXED, FREE, GAP = 0, 1, 2
ACTIVE, LEAF, DEAD = 0, 1, 2


@dataclass
class BisectParams:
    trees_per_round: int = 3  # at least this many random trees per piece and round
    max_trees_per_round: int = 16
    enough_trees_per_round: int = 3  # stop drawing once every piece has a cut after this many
    tree_budget: int = 300_000  # atom-visits per round when few atoms are active
    jitter_sigma: float = 0.6  # lognormal spread of the random tree weights
    failed_rounds: int = 2  # rounds without a cut before exact search / repair / backtracking
    backtracks: int = 3  # times a piece's split may be undone and redone
    widenings: int = 8  # times a root's band may be widened before giving up
    search_max_atoms: int = 80  # exhaustive search for failed pieces up to this size
    search_budget: int = 15_000  # atoms visited per search of a failed piece
    search_trees: int = 8  # random trees of the tree DP tried before each exhaustive search
    decide_trees: int = 200  # random spanning trees of the exact tree DP, per failed root (fewer when large)
    decide_seconds: float = 10.0  # CP-SAT budget per failed root (deterministic seconds)
    decide_max_atoms: int = 400  # CP-SAT only for failed roots of up to this many atoms (after folding)
    first_root_search_budget: int = 60_000  # ... of a whole small component, at its first failure
    root_search_budget: int = 1_000_000  # ... and before its band is widened
    recombine_rounds: int = 10  # rounds of merging and re-cutting pairs of grids
    recombine_trees: int = 3  # random trees per pair and round
    w_cut: float = 1.0
    w_inertia: float = 2.0
    w_balance: float = 1.0
    w_slack: float = 2.0


@dataclass
class PieceTable:
    """Per-piece arrays, grown as pieces split."""

    k: list = field(default_factory=list)
    lo: list = field(default_factory=list)
    hi: list = field(default_factory=list)
    mode: list = field(default_factory=list)
    status: list = field(default_factory=list)
    parent: list = field(default_factory=list)
    fails: list = field(default_factory=list)
    backtracks: list = field(default_factory=list)
    widened: list = field(default_factory=list)
    root: list = field(default_factory=list)

    def add(self, k, lo, hi, mode, parent, root, status=ACTIVE):
        self.k.append(int(k))
        self.lo.append(float(lo))
        self.hi.append(float(hi))
        self.mode.append(int(mode))
        self.status.append(status if k >= 2 or mode == GAP else LEAF)
        self.parent.append(int(parent))
        self.fails.append(0)
        self.backtracks.append(0)
        self.widened.append(0)
        self.root.append(int(root) if root >= 0 else len(self.k) - 1)
        return len(self.k) - 1


def kmin_kmax(s, lo, hi, eps):
    """Smallest and largest integer k with k*lo <= s <= k*hi (kmin > kmax when none)."""
    s = np.asarray(s, dtype=np.float64)
    kmin = np.maximum(np.ceil((s - eps) / hi), 1.0)
    with np.errstate(divide="ignore"):
        kmax = np.where(lo > 0, np.floor((s + eps) / np.where(lo > 0, lo, 1.0)), np.inf)
    return kmin, kmax


class Bisector:
    def __init__(self, n, h, xy, w, eu, ev, cost, rng, eps, params: BisectParams | None = None):
        self.n = n
        self.h = h
        self.xy = xy
        self.w = w
        self.eu = eu
        self.ev = ev
        self.cost = cost
        self.rng = rng
        self.eps = eps
        self.p = params or BisectParams()
        self.t = PieceTable()
        self.piece = np.full(n, -1, dtype=np.int64)
        self.proven: dict[int, bool] = {}  # root piece -> exhaustive search found no in-band split
        self.root_n: dict[int, int] = {}  # root piece -> atoms
        self.root_backtracks: dict[int, int] = {}  # root piece -> splits undone so far
        self.bad: dict[int, set] = {}  # piece -> (atoms, households) of sides that failed
        self.searched: set[int] = set()  # pieces already searched as a failed piece's ancestor
        self.full_search: set[int] = set()  # small roots searched with the full budget
        self.failed_searches: dict = {}  # (atoms, band, budget, prove) -> complete, of searches that failed
        self.decisions: dict[int, Decision] = {}  # root piece -> what the exact step found
        self.ruled_out: dict[tuple, bool] = {}  # (root, lo, hi) -> the folds prove it has no in-band split
        nbr_ptr = np.zeros(n + 1, dtype=np.int64)
        both_u = np.concatenate([eu, ev])
        both_v = np.concatenate([ev, eu])
        o = np.argsort(both_u, kind="stable")
        self._nbr_v = both_v[o]
        np.add.at(nbr_ptr, both_u + 1, 1)
        self._nbr_ptr = np.cumsum(nbr_ptr)

    # ------------------------------------------------------------------ setup
    def add_root(self, atoms: np.ndarray, k: int, lo: float, hi: float, mode: int) -> int:
        pid = self.t.add(k, lo, hi, mode, parent=-1, root=-1)
        self.piece[atoms] = pid
        self.root_n[pid] = len(atoms)
        return pid

    # ------------------------------------------------------------------ main loop
    def run(self, max_rounds: int = 10_000) -> None:
        for _ in range(max_rounds):
            status = np.asarray(self.t.status)
            active = status == ACTIVE
            if not active.any():
                return
            self._round(active)
        raise RuntimeError("bisection did not finish")

    def _round(self, active: np.ndarray) -> None:
        piece = self.piece
        t = self.t
        npc = len(t.k)
        live = piece >= 0
        atom_active = np.zeros(self.n, dtype=bool)
        atom_active[live] = active[piece[live]]
        atoms = np.flatnonzero(atom_active)  # the round works in this local index space
        na = len(atoms)
        lid = np.full(self.n, -1, dtype=np.int64)
        lid[atoms] = np.arange(na)
        pa = np.where(atom_active, piece, -1)
        emask = (pa[self.eu] >= 0) & (pa[self.eu] == pa[self.ev])
        eu = lid[self.eu[emask]]
        ev = lid[self.ev[emask]]
        ecost = self.cost[emask]
        pid = piece[atoms]
        h_l = self.h[atoms]
        w_l = self.w[atoms]

        # Centre the coordinates on each piece's weighted centroid (keeps the moments
        # well conditioned) and root each tree at the atom nearest that centroid (keeps
        # the trees shallow).
        wsum = np.bincount(pid, w_l, minlength=npc)
        cx = np.bincount(pid, w_l * self.xy[atoms, 0], minlength=npc)
        cy = np.bincount(pid, w_l * self.xy[atoms, 1], minlength=npc)
        wsafe = np.where(wsum > 0, wsum, 1.0)
        cx /= wsafe
        cy /= wsafe
        xrel = self.xy[atoms, 0] - cx[pid]
        yrel = self.xy[atoms, 1] - cy[pid]
        d2 = xrel * xrel + yrel * yrel
        o = np.lexsort((d2, pid))
        first = np.concatenate([[True], pid[o][1:] != pid[o][:-1]])
        roots = o[first]

        k_arr = np.asarray(t.k, dtype=np.float64)
        lo_arr = np.asarray(t.lo)
        hi_arr = np.asarray(t.hi)
        mode_arr = np.asarray(t.mode)

        best_score = np.full(npc, np.inf)
        best_k1 = np.zeros(npc, dtype=np.int64)
        best_k2 = np.zeros(npc, dtype=np.int64)
        best_special = np.zeros(npc, dtype=np.int64)  # 0 none, 1 side A special, 2 side B
        best_viol = np.zeros(npc)
        best_free = np.zeros(npc, dtype=bool)
        side = np.zeros(na, dtype=bool)

        # Few active atoms (the tail of the recursion): draw more trees per round, since
        # a round's fixed cost then dominates.
        ntrees = int(np.clip(self.p.tree_budget // max(na, 1), self.p.trees_per_round, self.p.max_trees_per_round))
        enough = min(ntrees, max(self.p.trees_per_round, self.p.enough_trees_per_round))
        act_ids = np.flatnonzero(active)
        fg = ForestGraph(na, eu, ev, roots)
        wx, wy, wr = w_l * xrel, w_l * yrel, w_l * (xrel**2 + yrel**2)  # weighted moments of each atom
        pid_round = pid
        loc = np.arange(na)  # round-local index of each atom the trees span

        def cuts(s, cand, cp, rootpos_of_cand):
            # the acceptable cuts among candidate positions ``cand`` (of pieces ``cp``), scored
            tot = s[rootpos_of_cand]
            sa = s[cand]
            sb = tot - sa
            H = tot[:, 0]
            hA = sa[:, 0]
            hB = sb[:, 0]
            lo = lo_arr[cp]
            hi = hi_arr[cp]
            k = k_arr[cp]
            md = mode_arr[cp]
            eps = self.eps

            kminA, kmaxA = kmin_kmax(hA, lo, hi, eps)
            kminB, kmaxB = kmin_kmax(hB, lo, hi, eps)
            # fixed number of grids: k1 on side A, k - k1 on side B
            k1lo = np.maximum(np.maximum(kminA, k - kmaxB), 1.0)
            k1hi = np.minimum(np.minimum(kmaxA, k - kminB), k - 1.0)
            with np.errstate(divide="ignore", invalid="ignore"):
                k1pref = np.round(k * hA / np.where(H > 0, H, 1.0))
            k1_fixed = np.clip(k1pref, k1lo, np.maximum(k1lo, k1hi))
            ok_fixed = (md == FIXED) & (k1lo <= k1hi)
            # free number of grids: both sides count-feasible on their own
            mid = 0.5 * (lo + hi)
            feasA = kminA <= kmaxA
            feasB = kminB <= kmaxB
            ok_free = (md != GAP) & feasA & feasB
            via_free = ok_free & ~ok_fixed
            k1_free = np.clip(np.round(hA / mid), kminA, np.maximum(kminA, kmaxA))
            k2_free = np.clip(np.round(hB / mid), kminB, np.maximum(kminB, kmaxB))
            k1 = np.where(ok_fixed, k1_fixed, k1_free)
            k2 = np.where(ok_fixed, k - k1_fixed, k2_free)

            # one out-of-band grid split off a piece whose total no k fits
            viol_A = np.where(hA < lo, lo - hA, np.where(hA > hi, hA - hi, np.inf))
            viol_B = np.where(hB < lo, lo - hB, np.where(hB > hi, hB - hi, np.inf))
            gapA = (md == GAP) & feasB & np.isfinite(viol_A)
            gapB = (md == GAP) & feasA & np.isfinite(viol_B)
            vA = np.where(gapA, viol_A, np.inf)
            vB = np.where(gapB, viol_B, np.inf)
            gviol = np.minimum(vA, vB)
            ok_gap = np.isfinite(gviol)
            special = np.where(ok_gap, np.where(vA <= vB, 1, 2), 0)
            k1 = np.where(special == 1, 1, np.where(special == 2, k1_free, k1))
            k2 = np.where(special == 2, 1, np.where(special == 1, k2_free, k2))

            ok = ok_fixed | ok_free | ok_gap
            # sides that already failed to split after an earlier cut of this piece
            for q, sigs in self.bad.items():
                if not active[q]:
                    continue
                inq = cp == q
                if not inq.any():
                    continue
                for cnt, hb in sigs:
                    ok &= ~(
                        inq
                        & (
                            ((sa[:, 7] == cnt) & (np.abs(hA - hb) <= eps))
                            | ((sb[:, 7] == cnt) & (np.abs(hB - hb) <= eps))
                        )
                    )
            if not ok.any():
                return None
            cand = cand[ok]
            cp = cp[ok]
            sa = sa[ok]
            sb = sb[ok]
            tot = tot[ok]
            k1 = k1[ok]
            k2 = k2[ok]
            special = special[ok]
            gviol = gviol[ok]
            via_free = via_free[ok]
            lo = lo[ok]
            hi = hi[ok]
            mid = mid[ok]
            # compactness: cut cost relative to the piece's radius of gyration, and the
            # share of the piece's moment of inertia left after the split
            cross = np.maximum(sa[:, 5] - 2.0 * sa[:, 6], 0.0)
            score = compactness_score(self.p.w_cut * cross, tot[:, 1], tot[:, 2], tot[:, 3], tot[:, 4],
                                      sa[:, 1], sa[:, 2], sa[:, 3], sa[:, 4], self.p.w_inertia)
            bal = np.abs(k1 / (k1 + k2) - 0.5)
            score = score + self.p.w_balance * bal
            # Lopsided cuts (peeling one grid off a big piece) are short and so look
            # cheap, but they make the recursion k deep: keep them for when no balanced
            # cut exists. Balanced: each side gets at least a third of the grids (rounded).
            kt = k1 + k2
            lopsided = (np.minimum(k1, k2) < np.floor(kt / 3.0)) & (special == 0)
            score = score + 100.0 * lopsided
            # a piece keeps its number of grids when it can
            score = score + 10.0 * via_free
            half = np.maximum(0.5 * (hi - lo), 1e-9)
            tA = np.abs(sa[:, 0] - k1 * mid) / (k1 * half)
            tB = np.abs(sb[:, 0] - k2 * mid) / (k2 * half)
            tA = np.where(special == 1, 0.0, tA)
            tB = np.where(special == 2, 0.0, tB)
            score = score + self.p.w_slack * (np.minimum(tA, 2) ** 2 + np.minimum(tB, 2) ** 2)
            # a smaller violation always wins for gap pieces
            score = np.where(special > 0, score + 1e6 * gviol / np.maximum(hi, 1.0), score)

            return cand, cp, score, k1, k2, special, gviol, via_free

        def take(f, found, atoms_at):
            # per piece the best of ``found`` when it beats the best so far; its side A marked
            cand, cp, score, k1, k2, special, gviol, via_free = found
            o = np.lexsort((score, cp))
            firstp = np.concatenate([[True], cp[o][1:] != cp[o][:-1]])
            sel = o[firstp]
            sp_ = cp[sel]
            better = score[sel] < best_score[sp_]
            if not better.any():
                return
            sel = sel[better]
            sp_ = sp_[better]
            best_score[sp_] = score[sel]
            best_k1[sp_] = k1[sel].astype(np.int64)
            best_k2[sp_] = k2[sel].astype(np.int64)
            best_special[sp_] = special[sel]
            best_viol[sp_] = np.where(special[sel] > 0, gviol[sel], 0.0)
            best_free[sp_] = via_free[sel]
            mark = mark_subtrees(f, cand[sel])
            improved = np.zeros(npc, dtype=bool)
            improved[sp_] = True
            side[improved[pid_round]] = False
            side[atoms_at(mark)] = True



        def tree_data(f, eu, ev, ecost, h_l, w_l, wx, wy, wr, at, blocks):
            # per position: households, weight, moments, edge costs touching it and below it; subtree sums
            N = len(f.order)
            vals = np.zeros((N, 8))
            vals[1:, 7] = 1.0
            vals[1:, 0] = h_l[at]
            vals[1:, 1] = w_l[at]
            vals[1:, 2] = wx[at]
            vals[1:, 3] = wy[at]
            vals[1:, 4] = wr[at]
            pu = f.pos[eu]
            pv = f.pos[ev]
            vals[:, 5] = np.bincount(pu, ecost, minlength=N) + np.bincount(pv, ecost, minlength=N)
            lca = lca_positions(f, pu, pv)
            vals[:, 6] = np.bincount(lca, ecost, minlength=N)
            if blocks == 1:
                return subtree_sums(f, vals, exact=0)
            return block_subtree_sums(f, vals, blocks, exact=0)

        def restrict(keep, eu, ev, ecost, roots, per_atom):
            # the round's graph on the atoms ``keep`` (whole pieces: edges never join two),
            # renumbered: their round-local indices, edges, roots and per-atom arrays
            loc = np.flatnonzero(keep)
            sub = np.full(len(keep), -1, dtype=np.int64)
            sub[loc] = np.arange(len(loc))
            ek = keep[eu]
            return (loc, sub[eu[ek]], sub[ev[ek]], ecost[ek], sub[roots[keep[roots]]],
                    tuple(a[loc] for a in per_atom))

        def copies(more, nl, eu, ev, ecost, roots, pid, h_l, w_l, wx, wy, wr):
            # ``more`` random trees of the graph on ``nl`` atoms as one forest over as many
            # copies (copy j is the j-th tree: its draws, minimum spanning tree, depth-first
            # order and sums are those it would have had alone): the forest, each position's
            # atom, positions per copy, and the cuts found (or None)
            m = len(eu)
            shift = np.repeat(np.arange(more, dtype=np.int64) * nl, m)
            eu_c, ev_c = np.tile(eu, more) + shift, np.tile(ev, more) + shift
            ecost_c = np.tile(ecost, more)
            roots_c = (roots[None, :] + (np.arange(more, dtype=np.int64) * nl)[:, None]).ravel()
            jit = np.exp(self.p.jitter_sigma * self.rng.standard_normal(more * m))
            f = ForestGraph(more * nl, eu_c, ev_c, roots_c).forest(1.0 / (ecost_c * jit))
            at = f.order[1:] % nl  # atom at positions 1..N-1
            per = (len(f.order) - 1) // more  # positions of each copy
            s = tree_data(f, eu_c, ev_c, ecost_c, h_l, w_l, wx, wy, wr, at, more)
            cand = f.cand
            found = None
            if len(cand):
                rootpos = np.zeros((more, npc), dtype=np.int64)
                rootpos[(f.roots - 1) // per, pid[at[f.roots - 1]]] = f.roots
                cp = pid[at[cand - 1]]
                found = cuts(s, cand, cp, rootpos[(cand - 1) // per, cp])
            return f, at, per, found

        # The first ``enough`` trees are always drawn: one forest over as many copies of the
        # round's graph gives them at once (copy j is tree j: its draws, its minimum spanning
        # tree, its depth-first order and its sums are those the j-th tree would have had
        # alone), and the best cut of each piece over them is the one the trees taken one
        # after the other would keep (the lowest score; ties to the earlier tree, then to the
        # earlier position).
        first_tree = 0
        if enough > 1 and len(eu) and enough * na <= COPY_MAX_ATOMS:
            first_tree = enough
            f, at, _per, found = copies(enough, na, eu, ev, ecost, roots, pid, h_l, w_l, wx, wy, wr)
            if found is not None:
                take(f, found, lambda mark: at[mark[1:]])

        # Further trees (while some piece has no cut) span only the pieces still without
        # one. They too are one forest over copies, drawn ahead: the trees taken one after
        # the other would stop after the first tree that leaves every piece with a cut, so
        # only the copies up to that one count, and the generator is set back and advanced
        # by exactly their draws.
        if first_tree and first_tree < ntrees:
            todo = ~np.isfinite(best_score)
            if todo[act_ids].any():
                keep = todo[pid]
                if not keep.all():
                    loc, eu, ev, ecost, roots, (pid, h_l, w_l, wx, wy, wr) = restrict(
                        keep, eu, ev, ecost, roots, (pid, h_l, w_l, wx, wy, wr))
                nl, m = len(pid), len(eu)
                drawn = first_tree
                while drawn < ntrees:
                    need = act_ids[~np.isfinite(best_score[act_ids])]
                    if drawn > first_tree and len(need) == 0:
                        break  # every piece already has an acceptable cut
                    # copies drawn ahead at once: all the trees left when the pieces are small,
                    # fewer when they are large (the loop may well stop after one of them)
                    more = int(min(ntrees - drawn, max(1, COPY_MAX_ATOMS // max(nl, 1))))
                    saved = self.rng.bit_generator.state
                    f, at, per, found = copies(more, nl, eu, ev, ecost, roots, pid, h_l, w_l, wx, wy, wr)
                    used = more  # trees the one-by-one loop would have drawn
                    if found is not None:
                        tree_of = (found[0] - 1) // per
                        has = found[2] < np.inf  # a cut that would become its piece's best
                        covered = np.zeros((more, npc), dtype=bool)
                        covered[tree_of[has], found[1][has]] = True
                        covered = np.logical_or.accumulate(covered, axis=0)
                        done = np.flatnonzero(covered[:, need].all(axis=1))
                        if len(done):
                            used = int(done[0]) + 1
                        inside = tree_of < used
                        found = tuple(x[inside] for x in found)
                        if len(found[0]):
                            take(f, found, lambda mark: loc[at[mark[1:]]])
                    self.rng.bit_generator.state = saved
                    self.rng.standard_normal(used * m)
                    drawn += used
            first_tree = ntrees

        for _t in range(first_tree, ntrees):
            if _t >= enough:
                todo = ~np.isfinite(best_score)
                if not todo[act_ids].any():
                    break  # every piece already has an acceptable cut
                # further trees only span the pieces still without a cut
                keep = todo[pid]
                if _t == enough and not keep.all():
                    loc, eu, ev, ecost, roots, (pid, h_l, w_l, wx, wy, wr) = restrict(
                        keep, eu, ev, ecost, roots, (pid, h_l, w_l, wx, wy, wr))
                    fg = ForestGraph(len(loc), eu, ev, roots)
            jit = np.exp(self.p.jitter_sigma * self.rng.standard_normal(len(eu)))
            key = 1.0 / (ecost * jit)  # small key = kept in the tree = costly to cut
            f = fg.forest(key)
            at = f.order[1:]  # local atoms at positions 1..N-1
            s = tree_data(f, eu, ev, ecost, h_l, w_l, wx, wy, wr, at, 1)
            rootpos = np.zeros(npc, dtype=np.int64)
            rootpos[pid[f.order[f.roots]]] = f.roots
            cand = f.cand
            if len(cand) == 0:
                continue
            cp = pid[f.order[cand]]
            found = cuts(s, cand, cp, rootpos[cp])
            if found is not None:
                take(f, found, lambda mark: loc[f.order[1:][mark[1:]]])

        self._apply(active, best_score, best_k1, best_k2, best_special, best_viol, best_free, side, atoms)

    # ------------------------------------------------------------------ outcome of a round
    def _apply(self, active, best_score, best_k1, best_k2, best_special, best_viol, best_free, side, atoms):
        t = self.t
        npc = len(t.k)
        act = np.flatnonzero(active)
        split = act[np.isfinite(best_score[act])]
        failed = act[~np.isfinite(best_score[act])]

        # Gap pieces: compare the best split with keeping the piece whole as one grid.
        h_piece = np.bincount(self.piece[atoms], self.h[atoms], minlength=npc)
        keep_whole = []
        for p in split:
            if t.mode[p] == GAP:
                H = h_piece[p]
                whole = (t.lo[p] - H) if H < t.lo[p] else (H - t.hi[p])
                if whole <= best_viol[p] + self.eps:
                    keep_whole.append(p)
        if keep_whole:
            kw = np.asarray(keep_whole)
            split = np.setdiff1d(split, kw)
            for p in kw:
                t.status[p] = LEAF
                t.k[p] = 1

        if len(split):
            ida = np.full(npc, -1, dtype=np.int64)
            idb = np.full(npc, -1, dtype=np.int64)
            for p in split:
                p = int(p)
                ka, kb = int(best_k1[p]), int(best_k2[p])
                mode_child = FIXED if (t.mode[p] == FIXED and not best_free[p]) else FREE
                lo, hi = t.lo[p], t.hi[p]
                # the out-of-band side of a gap split has k = 1: a leaf from the start
                ida[p] = t.add(ka, lo, hi, mode_child, p, t.root[p])
                idb[p] = t.add(kb, lo, hi, mode_child, p, t.root[p])
                t.status[p] = DEAD
            pp = self.piece[atoms]
            sel = ida[pp] >= 0
            self.piece[atoms[sel]] = np.where(side[sel], ida[pp[sel]], idb[pp[sel]])

        natoms = np.bincount(self.piece[atoms], minlength=npc)
        for p in failed:
            p = int(p)
            if t.status[p] != ACTIVE:
                continue  # undone by an earlier backtrack in this loop
            if natoms[p] <= EXACT_MAX_ATOMS and t.mode[p] != GAP:
                self._give_up(p)  # exhaustive search settles a tiny piece at once
                continue
            t.fails[p] += 1
            if t.fails[p] >= self.p.failed_rounds:
                self._give_up(p)

    def _atoms_of(self, p: int) -> np.ndarray:
        return np.flatnonzero(self.piece == p)

    def _give_up(self, p: int) -> None:
        t = self.t
        if t.mode[p] == GAP:
            # no single out-of-band grid could be split off: the piece stays one grid
            t.status[p] = LEAF
            t.k[p] = 1
            return
        root = t.root[p]
        small_root = self.root_n[root] <= self.p.search_max_atoms and t.widened[root] == 0
        if small_root and root not in self.proven:
            # a small component: try to settle it exactly as a whole (a short search: the
            # trees often succeed where it runs out of budget)
            self._reset(root)
            self._settle_small_root(root, self.p.first_root_search_budget)
            return
        atoms = self._atoms_of(p)
        total = float(self.h[atoms].sum())
        if t.lo[p] - self.eps <= total <= t.hi[p] + self.eps:
            # no split into several grids was found, but the piece fits one grid
            t.status[p] = LEAF
            t.k[p] = 1
            return
        if len(atoms) <= self.p.search_max_atoms:
            labels, _complete = self._search(atoms, t.lo[p], t.hi[p])
            if labels is not None:
                self._assign_leaves(p, atoms, labels)
                return
            if self._repair(p, atoms):
                return
        # a small ancestor is settled by search rather than re-cut with random trees;
        # one proven to have no in-band split is never re-cut either
        if self._settle_ancestor(p):
            return
        # undo the nearest ancestor split that still has budget (new pieces come with
        # fresh budgets, so each root also has a total)
        q = t.parent[p]
        while q >= 0 and t.backtracks[q] >= self.p.backtracks:
            q = t.parent[q]
        root_budget = 50 + self.root_n[root] // 10
        self.root_backtracks[root] = self.root_backtracks.get(root, 0) + 1
        if self.root_backtracks[root] > root_budget or (t.mode[root] != GAP and self._ruled_out(root)):
            # a root with no in-band split at all: no undoing helps, its own step below does (not
            # a gap root: it has none by design, and undoing re-chooses its one out-of-band grid)
            q = -1
        if q >= 0:
            c = p
            while t.parent[c] != q:
                c = t.parent[c]
            ca = self._subtree_atoms(c)
            self.bad.setdefault(q, set()).add((float(len(ca)), float(self.h[ca].sum())))
            self._reset(q)
            t.backtracks[q] += 1
            return
        # a root: settle it exactly before widening its band (an in-band split, or a proof
        # that none exists; then the widened band gives the least-bad plan)
        self._reset(root)
        if t.widened[root] == 0 and root not in self.decisions and self._decide(root):
            return
        # before widening the band of a small one, search it in full
        if small_root and not self.proven.get(root) and root not in self.full_search:
            self.full_search.add(root)
            self._settle_small_root(root, self.p.root_search_budget)
            return
        # widen its band a little and start again
        self.root_backtracks[root] = 0
        t.widened[root] += 1
        step = 0.05 * max(t.hi[root], 1.0) * 2 ** (t.widened[root] - 1)
        t.lo[root] = max(0.0, t.lo[root] - step)
        t.hi[root] = t.hi[root] + step
        t.mode[root] = FREE
        if t.widened[root] > self.p.widenings:
            t.lo[root] = 0.0
            t.hi[root] = np.inf

    def _ruled_out(self, root: int) -> bool:
        """Whether the folds prove that the root has no in-band split under its current band
        (:func:`folds_rule_out`, linear passes; remembered per band). Undoing its pieces' splits
        then only spends the backtrack budget (a 1,006-atom unit with one 133-household block
        whose only neighbour holds 438: 300 undone splits, 7 CPU s, before this)."""
        t = self.t
        key = (root, t.lo[root], t.hi[root])
        if key not in self.ruled_out:
            atoms = self._subtree_atoms(root)
            self.ruled_out[key] = folds_rule_out(self.h[atoms], self._local_adj(atoms), t.lo[root], t.hi[root],
                                                 self.eps)
        return self.ruled_out[key]

    def _decide(self, root: int) -> bool:
        """Exact step on a failed root (``_decide``); True when it found an in-band split."""
        atoms = self._atoms_of(root)
        t = self.t
        d = decide_piece(self.h[atoms], self._local_adj(atoms), self.xy[atoms], t.lo[root], t.hi[root], self.eps,
                         seed=int(self.rng.integers(2**31)), trees=self.p.decide_trees,
                         cp_time=self.p.decide_seconds, cp_max_atoms=self.p.decide_max_atoms)
        self.decisions[root] = d
        if d.labels is not None:
            self._assign_leaves(root, atoms, d.labels)
            return True
        if d.status == "infeasible":
            self.proven[root] = True
        return False

    def _local_adj(self, atoms: np.ndarray):
        """0/1 adjacency among ``atoms`` (local indices), as a csr array."""
        import scipy.sparse as sp

        local = np.full(self.n, -1, dtype=np.int64)
        local[atoms] = np.arange(len(atoms))
        idx, cnt = self._nbr_index(atoms)
        rows = np.repeat(np.arange(len(atoms)), cnt)
        cols = local[self._nbr_v[idx]]
        keep = cols >= 0
        return sp.csr_array((np.ones(int(keep.sum())), (rows[keep], cols[keep])), shape=(len(atoms), len(atoms)))

    def _settle_ancestor(self, p: int) -> bool:
        """Search the failed piece's small ancestors, nearest first; True when one is settled.

        An ancestor whose search proves that no in-band split exists gets no further
        backtracks, so that the undo goes to its own parent.
        """
        t = self.t
        q = t.parent[p]
        while q >= 0 and q not in self.searched:
            self.searched.add(q)
            qa = self._subtree_atoms(q)
            if len(qa) > self.p.search_max_atoms:
                return False
            labels, complete = self._search(qa, t.lo[q], t.hi[q], prove=True)
            if labels is not None:
                self._reset(q)
                self._assign_leaves(q, qa, labels)
                return True
            if not complete:
                return False
            t.backtracks[q] = self.p.backtracks
            q = t.parent[q]
        return False

    def _repair(self, p: int, atoms: np.ndarray) -> bool:
        """Re-split a failed piece together with neighbouring pieces, exactly.

        The trouble is usually local (a few heavy atoms hemmed in), so re-cutting the
        failed piece with the pieces around it, up to search size, mends it without
        undoing the parent's split.
        """
        t = self.t
        nb = self._nbr_v[self._nbr_index(atoms)[0]]
        cand = np.unique(self.piece[nb])
        status = np.asarray(t.status)
        mode = np.asarray(t.mode)
        cand = cand[(cand >= 0) & (cand != p)]
        cand = cand[(status[cand] != DEAD) & (mode[cand] != GAP)]
        if len(cand) == 0:
            return False
        sizes = np.bincount(self.piece[self.piece >= 0], minlength=len(t.k))[cand]
        o = np.lexsort((cand, sizes))
        cand, sizes = cand[o], sizes[o]
        tries = []
        # first with one neighbour at a time (small, fast searches), then with as many
        # neighbours as the search size allows
        for c, sz in zip(cand, sizes):
            if len(atoms) + sz <= self.p.search_max_atoms // 2:
                tries.append([p, int(c)])
        members = [p]
        total = len(atoms)
        for c, sz in zip(cand, sizes):
            if total + sz > self.p.search_max_atoms:
                break
            members.append(int(c))
            total += int(sz)
        if len(members) > 2:
            tries.append(members)
        for members in tries:
            union = np.flatnonzero(np.isin(self.piece, members))
            labels, _ = self._search(union, t.lo[p], t.hi[p])
            if labels is not None:
                # The new grids hang under the lowest common ancestor of the merged
                # pieces, whose atom set is unchanged; the pieces between it and the
                # merged ones lost atoms, so they may no longer be undone.
                chains = []
                for c in members:
                    chain = [c]
                    while t.parent[chain[-1]] >= 0:
                        chain.append(t.parent[chain[-1]])
                    chains.append(chain)
                common = set(chains[0]).intersection(*chains[1:])
                anc = next(x for x in chains[0] if x in common)
                for chain in chains:
                    for x in chain:
                        if x == anc:
                            break
                        t.backtracks[x] = self.p.backtracks
                for c in members:
                    t.status[c] = DEAD
                self._assign_leaves(anc, union, labels)
                return True
        return False

    def _settle_small_root(self, root: int, budget: int) -> None:
        t = self.t
        ratoms = self._atoms_of(root)
        lo, hi = t.lo[root], t.hi[root]
        labels, complete = self._search(ratoms, lo, hi, budget, prove=True)
        if labels is not None:
            self._assign_leaves(root, ratoms, labels)
            return
        self.proven[root] = complete
        if not complete:
            return  # search budget spent: back to the heuristic (proven[root] is False)
        if len(ratoms) <= LEAST_BAD_MAX_ATOMS:
            self._assign_leaves(root, ratoms, self._exact(ratoms, lo, hi, least_bad=True))
            return
        # least-bad for a proven-infeasible piece: the narrowest widened band that works
        step = 0.05 * max(hi, 1.0)
        for j in range(1, 64):
            labels, _ = self._search(ratoms, max(0.0, lo - j * step), hi + j * step)
            if labels is not None:
                self._assign_leaves(root, ratoms, labels)
                return
        self._assign_leaves(root, ratoms, np.zeros(len(ratoms), dtype=np.int64))

    def _assign_leaves(self, p: int, atoms: np.ndarray, labels: np.ndarray) -> None:
        t = self.t
        t.status[p] = DEAD
        for g in range(int(labels.max()) + 1):
            c = t.add(1, t.lo[p], t.hi[p], FREE, p, t.root[p])
            self.piece[atoms[labels == g]] = c

    def _descendants(self, q: int) -> np.ndarray:
        par = np.asarray(self.t.parent)
        desc = np.zeros(len(par), dtype=bool)
        desc[q] = True
        # parents have smaller ids than their children, so one ascending pass suffices
        for c in range(q + 1, len(par)):
            if par[c] >= 0 and desc[par[c]]:
                desc[c] = True
        return desc

    def _subtree_atoms(self, q: int) -> np.ndarray:
        return self._atoms_under(self._descendants(q))

    def _atoms_under(self, pieces: np.ndarray) -> np.ndarray:
        """Atoms whose piece is marked in ``pieces`` (a boolean mask over pieces)."""
        live = self.piece >= 0
        sel = np.zeros(self.n, dtype=bool)
        sel[live] = pieces[self.piece[live]]
        return np.flatnonzero(sel)

    def _reset(self, q: int) -> None:
        """Undo every split below piece q: its atoms become one active piece again."""
        t = self.t
        desc = self._descendants(q)
        self.piece[self._atoms_under(desc)] = q
        for c in np.flatnonzero(desc):
            if c != q:
                t.status[c] = DEAD
        t.status[q] = ACTIVE
        t.fails[q] = 0
        if t.mode[q] == FIXED:
            t.mode[q] = FREE

    def _search(
        self, atoms: np.ndarray, lo: float, hi: float, budget: int | None = None, prove: bool = False
    ):
        """Exact search on a small piece: (labels or None, complete).

        Without ``prove``, zero-household atoms are first glued to neighbours (fast, but
        a failure then proves nothing: complete is False). Failures are remembered: the
        same atoms under the same band are not searched twice.
        """
        key = (np.asarray(atoms).tobytes(), lo, hi, budget, prove)
        if key in self.failed_searches:
            return None, self.failed_searches[key]
        labels, complete = self._search_once(atoms, lo, hi, budget, prove)
        if labels is None:
            self.failed_searches[key] = complete
        return labels, complete

    def _search_once(self, atoms, lo, hi, budget, prove):
        if len(atoms) <= EXACT_MAX_ATOMS:
            return self._exact(atoms, lo, hi), True
        # the tree DP first: exact on each random tree, milliseconds where the depth-first
        # search below may spend its whole budget (Liechtenstein's blocks near the ceiling)
        labels = tree_split(self.h[atoms], self._local_adj(atoms), lo, hi, self.eps, self.rng, self.p.search_trees)
        if labels is not None:
            return labels, True
        nbr = self._local_nbr(atoms)
        budget = budget or self.p.search_budget
        h = self.h[atoms]
        if (h == 0).any():
            group, hg, nbr_g = contract_zeros(h, nbr)
            labels, _ = search_partition(hg, nbr_g, lo, hi, self.eps, budget)
            if labels is not None:
                return labels[group], True
            if not prove:
                return None, False
        return search_partition(h, nbr, lo, hi, self.eps, budget)

    def _local_nbr(self, atoms: np.ndarray) -> list[list[int]]:
        local = np.full(self.n, -1, dtype=np.int64)
        local[atoms] = np.arange(len(atoms))
        if len(atoms) == 0:
            return []
        idx, cnt = self._nbr_index(atoms)
        vs = local[self._nbr_v[idx]].tolist()
        nbr = []
        at = 0
        for c in cnt.tolist():
            nbr.append(sorted(x for x in vs[at : at + c] if x >= 0))
            at += c
        return nbr

    def _nbr_index(self, atoms: np.ndarray):
        """Positions in ``_nbr_v`` of the neighbours of ``atoms``, atom after atom, and their counts."""
        ptr = self._nbr_ptr
        atoms = np.asarray(atoms, dtype=np.int64)
        if len(atoms) == 0:
            # as the concatenation of one arange per atom did
            raise ValueError("need at least one array to concatenate")
        starts = ptr[atoms]
        cnt = ptr[atoms + 1] - starts
        total = int(cnt.sum())
        # arange(start, end) for each atom, concatenated: one arange shifted per run
        idx = np.arange(total, dtype=np.int64) + np.repeat(starts - (np.cumsum(cnt) - cnt), cnt)
        return idx, cnt

    def _exact(self, atoms: np.ndarray, lo: float, hi: float, least_bad: bool = False):
        nbr = self._local_nbr(atoms)
        if least_bad:
            return least_bad_partition(self.h[atoms], nbr, lo, hi, self.eps)
        return exact_partition(self.h[atoms], nbr, lo, hi, self.eps)
