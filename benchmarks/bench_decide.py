"""Benchmark: the exact step (``gridmap.partition._decide.decide_piece``) on a fixed sweep of pieces.

Pieces of 50-300 atoms are grown from the real atoms of ``bench_partition.py``'s cached
inputs (``li-buildings``: the bundled extract's buildings as Voronoi cells within their
blocks; ``li-allroads``: its blocks cut by every highway class) and from a synthetic
Voronoi tessellation: a connected region grown from a random atom by random frontier
picks (within one municipality), its households the real ones rescaled to a mean of 40,
80, 110 or 150 per atom (near the ceiling: a few atoms of up to 500 households among many
empty ones; capped at the band's top, since over-band atoms never reach the exact step).
Only pieces whose total fits a whole number of 300-500 grids are kept (the partitioner
sends no other). Everything is drawn from fixed seeds: the sweep is the same on every run.

Each piece goes to ``decide_piece`` (band 300-500, the partitioner's budgets of ``BisectParams``, seed 0), in this
process, one after the other. Printed per piece: source, atoms, mean households, status,
method, band limit (for a proven-infeasible piece: the band top it would need, or the
range known to hold it), CPU seconds; then a table by size (solved, proven infeasible,
undecided, median and worst CPU seconds).

    python benchmarks/bench_decide.py [--sizes 50,100,...] [--per 4] [--no-hint] [--only NAMES] [--export FILE]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

LO, HI = 300.0, 500.0
MEANS = (40.0, 80.0, 110.0, 150.0)
SOURCES = ("li-buildings", "li-allroads", "synth")


def _source(name: str) -> dict:
    import bench_partition as bp

    if name == "synth":
        return bp.synthetic(4000, seed=7)
    return bp.real_input(name)


def grow(adj, unit, n: int, rng: np.random.Generator) -> np.ndarray | None:
    """A connected region of ``n`` atoms grown from a random atom by random frontier picks (one unit)."""
    ip, ix = adj.indptr, adj.indices
    start = int(rng.integers(adj.shape[0]))
    inside = {start}
    frontier = [int(j) for j in ix[ip[start]:ip[start + 1]] if unit is None or unit[j] == unit[start]]
    while len(inside) < n:
        frontier = [j for j in frontier if j not in inside]
        if not frontier:
            return None
        j = frontier[int(rng.integers(len(frontier)))]
        inside.add(j)
        frontier.extend(int(k) for k in ix[ip[j]:ip[j + 1]] if unit is None or unit[k] == unit[j])
    return np.array(sorted(inside))


def pieces(sizes, per: int):
    """The sweep: (name, households, adjacency) per piece, from fixed seeds."""
    import scipy.sparse as sp

    out = []
    for si, src in enumerate(SOURCES):
        data = _source(src)
        adj = sp.csr_array(data["adjacency"])
        adj = sp.csr_array((np.ones(adj.nnz), adj.indices, adj.indptr), shape=adj.shape)
        h_all = np.asarray(data["households"], dtype=float)
        unit = data.get("ward")
        for n in sizes:
            made, tries = 0, 0
            rng = np.random.default_rng(1000 * si + n)
            while made < per and tries < 200:
                tries += 1
                idx = grow(adj, unit, n, rng)
                if idx is None:
                    continue
                mean = MEANS[made % len(MEANS)]
                h = h_all[idx]
                if h.sum() <= 0:
                    continue
                h = np.minimum(np.round(h * mean / h.mean(), 1), HI)
                H = h.sum()
                if not any(k * LO <= H <= k * HI for k in range(int(H // HI), int(H // LO) + 2)):
                    continue
                out.append((f"{src}-{n}-{made}", h, adj[idx][:, idx], mean))
                made += 1
    return out


def cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="50,100,150,200,250,300")
    ap.add_argument("--per", type=int, default=4, help="pieces per source and size")
    ap.add_argument("--cp-time", type=float, default=None,
                    help="CP-SAT budget (deterministic s); default the partitioner's")
    ap.add_argument("--no-hint", action="store_true", help="without the tree DP's near-plans: no LNS, no CP-SAT hint")
    ap.add_argument("--only", default="", help="comma-separated piece names to run")
    ap.add_argument("--export", default="", help="write the --only pieces (households, edges) to this JSON file "
                    "(the regression cases of tests/test_partition_decide.py)")
    args = ap.parse_args(argv)
    from gridmap.partition._decide import decide_piece

    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    only = set(filter(None, args.only.split(",")))
    from gridmap.partition._bisect import BisectParams

    bp = BisectParams()  # the partitioner's own budgets
    kw = {"trees": bp.decide_trees, "cp_time": bp.decide_seconds if args.cp_time is None else args.cp_time,
          "cp_max_atoms": bp.decide_max_atoms}
    if args.no_hint:
        kw["hint"] = False
    if args.export:
        import json

        import scipy.sparse as sp

        cases = {}
        for name, h, adj, _ in pieces(sizes, args.per):
            if name in only:
                u = sp.triu(adj, 1).tocoo()
                cases[name] = {"households": [float(x) for x in h], "edges": [[int(i), int(j)] for i, j in
                                                                             zip(u.row, u.col)]}
        Path(args.export).write_text(json.dumps(cases, separators=(",", ":")) + "\n")
        return 0
    print(f"{'piece':22} {'atoms':>5} {'mean':>5} {'status':>10} {'method':>8} {'band limit':>14} {'cpu s':>7}")
    for name, h, adj, mean in pieces(sizes, args.per):
        if only and name not in only:
            continue
        c0 = cpu()
        d = decide_piece(h, adj, np.zeros((len(h), 2)), LO, HI, 1e-6, seed=0, **kw)
        sec = cpu() - c0
        lim = d.params.get("need_hi", d.need_hi)
        limit = f"{lim:.1f}" if np.isfinite(lim) else (
            f"{d.params['need_hi_min']:.0f}..{d.params['need_hi_max']:.0f}" if "need_hi_min" in d.params else "")
        method = d.method if d.status != "undecided" else "-"
        print(f"{name:22} {len(h):5d} {mean:5.0f} {d.status:>10} {method:>8} {limit:>14} {sec:7.2f}", flush=True)
        rows.append((len(h), d.status, sec))
    print()
    print(f"{'atoms':>5} {'pieces':>6} {'ok':>4} {'infeasible':>10} {'undecided':>9} {'median s':>9} {'worst s':>8}")
    for n in sizes + [0]:
        sel = [r for r in rows if r[0] == n or (n == 0)]
        if not sel:
            continue
        t = np.array([r[2] for r in sel])
        cnt = {s: sum(r[1] == s for r in sel) for s in ("ok", "infeasible", "undecided")}
        print(f"{'all' if n == 0 else n:>5} {len(sel):6d} {cnt['ok']:4d} {cnt['infeasible']:10d} "
              f"{cnt['undecided']:9d} {np.median(t):9.2f} {t.max():8.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
