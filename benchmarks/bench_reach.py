"""Benchmark of bases and reach on a plan's road network: scipy csgraph against networkx.

    python benchmarks/bench_reach.py [--plan out/demo/plan.gpkg] [--mode walk] [--repeats 5]

Prints the median CPU seconds of REPEATS runs of each step, then the same searches in
networkx on the very same graph (``nx.from_scipy_sparse_array`` of the csr matrix):

* reach: from every grid's base, all nodes within the grid's response time. Three ways:
  multi-source ``scipy.sparse.csgraph.dijkstra(indices=bases, limit=...)`` on the full
  network (gridmap before #16); what gridmap does now, the same csgraph call on the
  network with its chains of shape points contracted (:func:`gridmap.roads.contract`,
  bases and households kept) and only on the kept nodes within reach of the bases
  (``Contraction.search``), shape points' times read off their chain's ends
  (``Contraction.within``); and networkx ``single_source_dijkstra_path_length(cutoff=...)``
  per base, which is what osmnx-style isochrone code does (one ego graph per centre).
  All three must reach the same nodes.
* nearest base: the time from the closest base to every node, csgraph
  ``dijkstra(min_only=True)`` against ``nx.multi_source_dijkstra_path_length``.
* bases: :func:`gridmap.roads.compute_bases` for all grids (no networkx equivalent;
  its searches run on the contracted network too).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gridmap.plan import Plan  # noqa: E402
from gridmap.roads import ReachConfig, build_network, compute_bases, dijkstra  # noqa: E402


def median_seconds(fn, repeats: int) -> tuple[float, object]:
    """Median CPU seconds of ``repeats`` calls (on a shared machine the CPU time is what an
    idle run's wall time would be), and the last result."""
    times, result = [], None
    for _ in range(repeats):
        start = time.process_time()
        result = fn()
        times.append(time.process_time() - start)
    return statistics.median(times), result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    root = Path(__file__).resolve().parents[1]
    parser.add_argument("--plan", default=str(root / "out" / "demo" / "plan.gpkg"), help="plan.gpkg (make demo)")
    parser.add_argument("--mode", default="walk", choices=["walk", "ebike", "car"])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--nx-repeats", type=int, default=1, help="repeats of the (slow) networkx runs")
    args = parser.parse_args(argv)
    if not Path(args.plan).exists():
        sys.exit(f"bench_reach: no plan at {args.plan}; run `make demo` first or give --plan")

    plan = Plan.load(args.plan)
    config = ReachConfig(mode=args.mode)
    grids = plan.grids
    print(f"plan {args.plan}: {len(grids)} grids, {plan.households['households'].sum():,.0f} households, "
          f"{len(plan.layers['roads']):,} road lines; mode {args.mode}; median of {args.repeats}")

    t_network, network = median_seconds(lambda: build_network(plan.layers["roads"], config), args.repeats)
    print(f"  road graph            {t_network:8.3f} s   ({network.n:,} nodes, {network.graph.nnz:,} edges)")
    t_bases, bases = median_seconds(lambda: compute_bases(plan, config, network=network), args.repeats)
    print(f"  bases, all grids      {t_bases:8.3f} s   (compute_bases, min_time, {config.candidates} candidates)")
    t_bases_max, _ = median_seconds(lambda: compute_bases(plan, config, "max_reached", network=network), args.repeats)
    print(f"  bases, max_reached    {t_bases_max:8.3f} s")

    sources, _ = network.snap(bases.geometry.to_numpy())
    limits = np.array([config.minutes(r) * 60.0 for r in grids["regime"]])

    def csgraph_reach():
        dist = dijkstra(network.graph, sources, limit=float(limits.max()))
        return [np.flatnonzero(dist[k] <= limits[k]) for k in range(len(sources))]

    t_cs, reached_cs = median_seconds(csgraph_reach, args.repeats)
    print(f"  reach, csgraph        {t_cs:8.3f} s   ({len(sources)} bases, multi-source, limit; full network)")

    from gridmap.roads import contract

    hh_node, _ = network.snap(plan.households.geometry.to_numpy())

    def contracted_reach():
        chains = contract(network.graph, np.concatenate([hh_node, sources]))
        small = chains.index[sources]
        out = []
        order = np.argsort(limits, kind="stable")
        found = [None] * len(sources)
        for start in range(0, len(sources), 32):
            rows = order[start:start + 32]
            ids, dist = chains.search(small[rows], float(limits[rows].max()), network.xy, chunk=32)
            for k, g in enumerate(rows):
                found[g] = chains.within(dist[k], limits[g], ids)[0]
        out.extend(found)
        return out, len(chains.kept)

    t_ct, (reached_ct, kept) = median_seconds(contracted_reach, args.repeats)
    same_ct = all(np.array_equal(a, b) for a, b in zip(reached_cs, reached_ct))
    print(f"  reach, contracted     {t_ct:8.3f} s   (what reach does: {kept:,} kept nodes of {network.n:,}, "
          f"contraction included; same nodes as the full network: {same_ct})")

    def csgraph_nearest():
        from scipy.sparse.csgraph import dijkstra as cs_dijkstra

        return cs_dijkstra(network.graph, directed=True, indices=sources, min_only=True, limit=float(limits.max()))

    t_cs_near, _ = median_seconds(csgraph_nearest, args.repeats)
    print(f"  nearest base, csgraph {t_cs_near:8.3f} s   (min_only=True)")

    import networkx as nx

    graph = nx.from_scipy_sparse_array(network.graph, create_using=nx.DiGraph)

    def nx_reach():
        return [nx.single_source_dijkstra_path_length(graph, int(s), cutoff=float(limits[k]))
                for k, s in enumerate(sources)]

    t_nx, reached_nx = median_seconds(nx_reach, args.nx_repeats)
    same = all(set(a.tolist()) == set(b) for a, b in zip(reached_cs, reached_nx))
    print(f"  reach, networkx       {t_nx:8.3f} s   (single_source_dijkstra per base, cutoff; same nodes: {same})")

    t_nx_near, _ = median_seconds(lambda: nx.multi_source_dijkstra_path_length(
        graph, {int(s) for s in sources}, cutoff=float(limits.max())), args.nx_repeats)
    print(f"  nearest base, nx      {t_nx_near:8.3f} s   (multi_source_dijkstra_path_length)")

    print(f"ratios: reach networkx/csgraph {t_nx / t_cs:6.1f}x, csgraph full/contracted {t_cs / t_ct:6.1f}x; "
          f"nearest base networkx/csgraph {t_nx_near / t_cs_near:6.1f}x")
    print(f"all bases + reach (contracted): {t_bases + t_ct:.3f} s  (target <= 2 s)")


if __name__ == "__main__":
    main()
