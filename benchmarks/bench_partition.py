"""Benchmark: gridmap's partition_unit against GerryChain and spopt on the same atoms.

Inputs
------
- ``prov``: Providence census blocks (3,014; households = TOTPOP / 2.3; EPSG:32619;
  rook adjacency by shared boundary length) as ONE unit;
- ``wards``: the same blocks, one unit per WARD (15 units; times and grids are summed);
- ``provcap``, ``wardscap``: the same, with each block's households capped at ``hi``
  (two blocks hold more than 500: no method can put them in band, and GerryChain's
  epsilon then has no solution at all);
- ``synth-N``: Voronoi cells of N random points clipped to a square (cell ~ 100 m),
  households ~ gamma(0.8) with mean ~ 40, 10 % empty, capped at 450; every 1 km line of
  the square is a "main road" (cut weight 0.5, else 1.0);
- ``even-N``: the same tessellation with 10..70 households per cell (uniform, mean 40):
  town blocks with no large compound, where a fixed-k balanced cut is easy to find.

Real inputs (built once by a whole ``make_plan`` and cached in ``$TMPDIR/gridmap-bench``;
one unit per municipality, edges only inside a unit, households as gridmap estimates them):
- ``li-atoms``: the atoms of the bundled Liechtenstein extract (847, 11 municipalities);
- ``li-allroads``: the same area cut by every highway class (service roads, footways,
  paths, tracks...): 3,202 blocks;
- ``li-buildings``: the extract's 17,638 buildings as atoms, each building's Voronoi cell
  within its block (stacked buildings share one cell; blocks without buildings stay whole),
  households from the building: 17,758 atoms;
- ``puyang``, ``longgang``: the atoms of the two Chinese OSM extracts
  (``data/china-osm``; the box of their roads is the area and one unit, households from
  every building, address or not).

Methods, each run in a fresh subprocess (so the peak resident memory is its own, and a
time limit can stop it):
- ``gridmap``: ``partition_unit(lo, hi)``;
- ``gerrychain``: ``recursive_tree_part`` with k = gridmap's k, target H / k, and the
  largest epsilon with target*(1 +- epsilon) inside [lo, hi];
- ``spopt``: ``MaxPHeuristic`` with threshold = lo (no ceiling) on centroid coordinates.

Printed per method and input: seconds (median of the repeats, wall clock), cpu s (the
child's CPU time, which a machine shared with other work inflates far less), peak RSS (MB), grids,
share of grids in [lo, hi], median Polsby-Popper of the dissolved grids, and the ratios
to gridmap. Run ``python benchmarks/bench_partition.py --help`` for the options.
"""

from __future__ import annotations

import argparse
import os
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
PROVIDENCE = REPO / "data" / "providence" / "blocks.zip"


# ----------------------------------------------------------------------------- inputs
def rook_adjacency(geoms):
    """Symmetric csr: shared boundary length (m) between polygons that share an edge."""
    from gridmap.graph import shared_edges, symmetric_csr

    i, j, length, _ = shared_edges(geoms, min_length=1e-6)  # a shared edge, not a corner
    return symmetric_csr(len(geoms), i, j, length)


def load_providence():
    import geopandas as gpd

    g = gpd.read_file(PROVIDENCE).to_crs(32619)
    geoms = g.geometry.values
    c = g.geometry.centroid
    return {
        "geoms": np.asarray(geoms),
        "households": g.TOTPOP.to_numpy(dtype=float) / 2.3,
        "xy": np.c_[c.x, c.y],
        "adjacency": rook_adjacency(geoms),
        "cut_weight": None,
        "ward": g.WARD.to_numpy(),
    }


def synthetic(n: int, seed: int = 0, households: str = "gamma"):
    """Voronoi tessellation of n random points; households "gamma" (skewed) or "even"."""
    import scipy.sparse as sp
    import shapely

    rng = np.random.default_rng(seed)
    side = 100.0 * np.sqrt(n)  # cells of about 100 m x 100 m
    pts = rng.random((n, 2)) * side
    box = shapely.box(0, 0, side, side)
    cells = shapely.voronoi_polygons(shapely.multipoints(pts), extend_to=box, ordered=True)
    geoms = shapely.intersection(np.asarray(shapely.get_parts(cells)), box)
    if households == "even":  # town blocks of 10..70 households, mean 40
        h = rng.integers(10, 71, n).astype(float)
    else:  # skewed: many small blocks, a few large ones, 10 % empty
        h = rng.gamma(0.8, 55.0, n)
        h[rng.random(n) < 0.1] = 0.0
        h = np.minimum(np.round(h), 450.0)
    adj = rook_adjacency(geoms)
    a = sp.triu(adj, 1).tocoo()
    xy = np.asarray(shapely.get_coordinates(shapely.centroid(geoms)))
    # a "main road" on every 1 km line: edges whose centroid segment crosses one
    road = np.zeros(len(a.row), bool)
    for d in (0, 1):
        road |= np.floor(xy[a.row, d] / 1000.0) != np.floor(xy[a.col, d] / 1000.0)
    w = np.where(road, 0.5, 1.0)
    cw = sp.csr_array((np.r_[w, w], (np.r_[a.row, a.col], np.r_[a.col, a.row])), shape=adj.shape)
    return {"geoms": geoms, "households": h, "xy": xy, "adjacency": adj, "cut_weight": cw, "ward": None}


# ----------------------------------------------------------------------------- real inputs
CACHE = Path(tempfile.gettempdir()) / "gridmap-bench"
LIECHTENSTEIN = REPO / "data" / "liechtenstein.osm.pbf"
CHINA_OSM = REPO / "data" / "china-osm"


def _from_atoms(geoms, households, unit) -> dict:
    """An input from atom polygons (metric CRS), their households and their unit (edges only inside a unit)."""
    import scipy.sparse as sp
    import shapely

    geoms = np.asarray(geoms)
    unit = np.asarray(unit)
    a = rook_adjacency(geoms).tocoo()
    same = unit[a.row] == unit[a.col]
    adj = sp.csr_array((a.data[same], (a.row[same], a.col[same])), shape=(len(geoms), len(geoms)))
    return {"geoms": geoms, "households": np.asarray(households, dtype=float),
            "xy": shapely.get_coordinates(shapely.centroid(geoms)), "adjacency": adj, "cut_weight": None,
            "ward": unit}


def _plan_atoms(inputs, **config) -> "object":
    import gridmap

    plan = gridmap.make_plan(inputs, gridmap.PlanConfig(band=(300, 500), seed=0, urban=gridmap.UrbanRule(mode="all"),
                                                        **config))
    return plan["atoms"]


def _cached(name: str, build) -> dict:
    """Build an input once per machine (they take up to a minute: a whole make_plan)."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"{name}.pkl"
    if path.exists():
        with open(path, "rb") as f:
            return pickle.load(f)
    data = build()
    with open(path, "wb") as f:
        pickle.dump(data, f)
    return data


def real_input(name: str) -> dict:
    """A real input by name (see the module docstring); one unit per municipality or extract."""
    import gridmap

    def li():
        return gridmap.inputs_from_osm(LIECHTENSTEIN, area_name="Liechtenstein", units_level=8)

    if name == "li-atoms":
        def build():
            at = _plan_atoms(li())
            return _from_atoms(at.geometry.values, at["households"], at["unit_id"].to_numpy())
    elif name == "li-allroads":
        def build():
            from gridmap.config import DEFAULT_BARRIER_HIGHWAYS

            inputs = li()
            highways = dict(DEFAULT_BARRIER_HIGHWAYS)
            for value in sorted(inputs.roads["highway"].dropna().astype(str).unique()):
                highways.setdefault(value, "road")  # service roads, footways, paths, tracks...
            at = _plan_atoms(inputs, barrier_highways=highways)
            return _from_atoms(at.geometry.values, at["households"], at["unit_id"].to_numpy())
    elif name == "li-buildings":
        build = _li_buildings
    elif name in ("puyang", "longgang"):
        def build():
            import geopandas as gpd
            import shapely

            from gridmap.inputs.osm import read_osm
            from gridmap.pipeline import Inputs

            file = {"puyang": "puyang_rural_henan_2022", "longgang": "shenzhen_longgang_2019"}[name]
            osm = read_osm(CHINA_OSM / f"{file}.osm.pbf")
            # the extracts' boundaries are cut by the export box: the box of the roads is
            # the area and one unit; households from the buildings (no address needed)
            area = gpd.GeoDataFrame({"name": [file]}, geometry=[shapely.box(*osm.roads.total_bounds)], crs=4326)
            inputs = Inputs(area=area, roads=osm.roads, waterways=osm.waterways, railways=osm.railways,
                            buildings=osm.buildings)
            at = _plan_atoms(inputs, households=gridmap.HouseholdRule(yes_needs_address=False))
            return _from_atoms(at.geometry.values, at["households"], at["unit_id"].to_numpy())
    else:
        raise ValueError(f"unknown real input {name!r}")
    return _cached(name, build)


def _li_buildings() -> dict:
    """Liechtenstein's 17,638 buildings as atoms: each building's Voronoi cell within its block."""
    import shapely

    import gridmap
    from gridmap import households as hh

    inputs = gridmap.inputs_from_osm(LIECHTENSTEIN, area_name="Liechtenstein", units_level=8)
    blocks = _plan_atoms(inputs)
    b = inputs.buildings.to_crs(blocks.crs)
    b = b[b.geometry.area > 0].reset_index(drop=True)
    counts = np.zeros(len(b))
    est = hh.from_buildings(b)  # drops buildings without households: find each estimate's building
    hit = shapely.STRtree(b.geometry.values).query(est.geometry.values, predicate="within")
    first = np.unique(hit[0], return_index=True)[1]
    counts[hit[1][first]] = est["households"].to_numpy()[hit[0][first]]
    pts = shapely.point_on_surface(b.geometry.values)
    hit = shapely.STRtree(blocks.geometry.values).query(pts, predicate="within")
    block_of = np.full(len(b), -1)
    block_of[hit[0]] = hit[1]
    geoms, hs, unit = [], [], []
    units = blocks["unit_id"].to_numpy()
    for k, block in enumerate(blocks.geometry.values):
        mine = np.flatnonzero(block_of == k)
        if len(mine) <= 1:
            geoms.append(block)
            hs.append(float(counts[mine].sum()))
            unit.append(units[k])
            continue
        # buildings stacked on one spot (parts of one building) share one cell
        _, first, inv = np.unique(np.round(shapely.get_coordinates(pts[mine]), 2), axis=0, return_index=True,
                                  return_inverse=True)
        if len(first) == 1:
            geoms.append(block)
            hs.append(float(counts[mine].sum()))
            unit.append(units[k])
            continue
        cells = shapely.voronoi_polygons(shapely.multipoints(pts[mine][first]), extend_to=block, ordered=True)
        cells = shapely.intersection(np.asarray(shapely.get_parts(cells)), block)
        for cell, c in zip(cells, np.bincount(inv.ravel(), counts[mine], minlength=len(first))):
            if cell.is_empty:
                continue
            geoms.append(cell)
            hs.append(float(c))
            unit.append(units[k])
    return _from_atoms(np.asarray(geoms, dtype=object), hs, np.asarray(unit))


#: Real inputs besides Providence's blocks (built by :func:`real_input`).
REAL = ("li-atoms", "li-allroads", "li-buildings", "puyang", "longgang")


def units_of(data, name):
    """The units of an input: (atom indices) per unit."""
    n = len(data["households"])
    if name.startswith("wards") or name.startswith("li-") or name in ("puyang", "longgang"):
        w = data["ward"]
        return [np.flatnonzero(w == x) for x in sorted(np.unique(w))]
    return [np.arange(n)]


# ----------------------------------------------------------------------------- methods (run in a child)
def run_gridmap(h, adj, xy, cw, lo, hi, k, seed):
    from gridmap.partition._balanced import partition_unit

    r = partition_unit(h, adj, xy, lo, hi, seed=seed, cut_weight=cw)
    return r.labels, None


def run_gerrychain(h, adj, xy, cw, lo, hi, k, seed):
    import networkx as nx
    import scipy.sparse as sp
    from gerrychain import Graph
    from gerrychain.tree import recursive_tree_part

    n = len(h)
    a = sp.triu(sp.csr_array(adj), 1).tocoo()
    g = nx.Graph()
    g.add_nodes_from((i, {"households": float(h[i])}) for i in range(n))
    g.add_edges_from(zip(a.row.tolist(), a.col.tolist()))
    graph = Graph.from_networkx(g)
    target = float(h.sum()) / k
    eps = max(0.0, min((hi - target) / target, (target - lo) / target))
    try:
        assign = recursive_tree_part(graph, range(k), target, "households", eps, rng=seed)
    except RuntimeError as e:  # "Could not find a possible cut" on hard instances
        return None, f"{type(e).__name__}: {str(e)[:80]}"
    labels = np.array([assign[i] for i in range(n)])
    return labels, None


def run_spopt(h, adj, xy, cw, lo, hi, k, seed):
    import warnings

    import geopandas as gpd
    import scipy.sparse as sp
    from libpysal.weights import WSP
    from spopt.region import MaxPHeuristic

    warnings.filterwarnings("ignore")
    np.random.seed(seed)  # spopt draws from numpy's global generator
    gdf = gpd.GeoDataFrame({"households": h, "x": xy[:, 0], "y": xy[:, 1]})
    w = WSP(sp.csr_matrix((sp.csr_array(adj) > 0).astype(float))).to_W(silence_warnings=True)
    model = MaxPHeuristic(gdf, w, ["x", "y"], "households", lo, top_n=2)
    model.solve()
    labels = np.asarray(model.labels_)
    return labels, None


METHODS = {"gridmap": run_gridmap, "gerrychain": run_gerrychain, "spopt": run_spopt}
#: Modules each method imports, loaded before the clock starts (timings are of the call alone).
PRELOAD = {"gridmap": ("gridmap.partition._balanced",), "gerrychain": ("gerrychain", "gerrychain.tree"),
           "spopt": ("spopt.region", "libpysal")}


def _peak_rss_mb() -> float:
    """Peak resident memory of this process image (MB).

    VmHWM, not getrusage: after fork + exec, ru_maxrss keeps the parent's high-water
    mark (the parent holds every input), while VmHWM starts afresh with the new image.
    """
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def child(job_path: str) -> None:
    """Run one method on every unit of one input; write labels, time and peak RSS."""
    with open(job_path, "rb") as f:
        job = pickle.load(f)
    sys.path.insert(0, str(REPO))
    fn = METHODS[job["method"]]
    import importlib

    for module in PRELOAD.get(job["method"], ()):
        importlib.import_module(module)
    out = []
    t_total = 0.0
    cpu_total = 0.0
    for u in job["units"]:
        t0 = time.perf_counter()
        c0 = time.process_time()
        labels, err = fn(u["h"], u["adj"], u["xy"], u["cw"], job["lo"], job["hi"], u["k"], job["seed"])
        t_total += time.perf_counter() - t0
        cpu_total += time.process_time() - c0
        out.append((labels, err))
    peak_mb = _peak_rss_mb()
    with open(job_path + ".out", "wb") as f:
        pickle.dump({"results": out, "seconds": t_total, "cpu": cpu_total, "peak_mb": peak_mb}, f)


def run_method(method, units, lo, hi, seed, timeout):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "job.pkl")
        with open(path, "wb") as f:
            pickle.dump({"method": method, "units": units, "lo": lo, "hi": hi, "seed": seed}, f)
        try:
            p = subprocess.run(
                [sys.executable, __file__, "--child", path],
                timeout=timeout,
                check=False,
                capture_output=True,
                text=True,
            )
        except subprocess.TimeoutExpired:
            return {"error": f"timeout after {timeout:.0f} s"}
        if p.returncode != 0:
            return {"error": (p.stderr.strip().splitlines() or ["failed"])[-1][:100]}
        with open(path + ".out", "rb") as f:
            return pickle.load(f)


# ----------------------------------------------------------------------------- metrics
def polsby_popper(geoms, labels):
    import geopandas as gpd

    gdf = gpd.GeoDataFrame({"g": labels}, geometry=list(geoms))
    try:
        d = gdf.dissolve(by="g", method="coverage")
    except Exception:  # noqa: BLE001 - not a clean coverage: the general union
        d = gdf.dissolve(by="g")
    a = d.geometry.area.to_numpy()
    p = d.geometry.length.to_numpy()
    return 4 * np.pi * a / np.maximum(p, 1e-9) ** 2


def evaluate(data, units, results, lo, hi):
    """Grids, in-band share and median PP over all units of an input."""
    grids = 0
    inband = 0
    pps = []
    for u, (labels, err) in zip(units, results):
        if labels is None:
            return {"error": err or "no labels"}
        h = data["households"][u]
        _, lab = np.unique(labels, return_inverse=True)
        gh = np.bincount(lab, h)
        grids += len(gh)
        inband += int(((gh >= lo - 1e-6) & (gh <= hi + 1e-6)).sum())
        pps.append(polsby_popper(data["geoms"][u], lab))
    pp = np.concatenate(pps)
    return {"grids": grids, "inband": inband / grids, "pp": float(np.median(pp))}


# ----------------------------------------------------------------------------- main
def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--inputs",
        default="prov,provcap,wards,wardscap,synth,even",
        help="comma list of prov, provcap, wards, wardscap, synth, even, " + ", ".join(REAL),
    )
    ap.add_argument("--sizes", default="10000,50000,100000", help="atoms of the synthetic inputs")
    ap.add_argument("--peers", default="gerrychain,spopt", help="comma list; '' for none")
    ap.add_argument("--peer-max-atoms", type=int, default=10_000, help="skip peers above this many atoms")
    ap.add_argument("--peer-timeout", type=float, default=600.0, help="seconds per peer run")
    ap.add_argument("--repeats", type=int, default=3, help="repeats of gridmap (median time)")
    ap.add_argument("--peer-repeats", type=int, default=1)
    ap.add_argument("--lo", type=float, default=300.0, help="households, band bottom")
    ap.add_argument("--hi", type=float, default=500.0, help="households, band top")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args.child)
        return 0

    inputs = []
    wanted = [x for x in args.inputs.split(",") if x]
    if {"prov", "wards", "provcap", "wardscap"} & set(wanted):
        prov = load_providence()
        cap = dict(prov, households=np.minimum(prov["households"], args.hi))
        for name in ("prov", "provcap", "wards", "wardscap"):
            if name in wanted:
                data = cap if name.endswith("cap") else prov
                inputs.append((name, data, units_of(data, name)))
    for name in wanted:
        if name in REAL:
            t0 = time.perf_counter()
            data = real_input(name)
            print(f"# {name}: {len(data['households'])} atoms, {len(np.unique(data['ward']))} units "
                  f"({time.perf_counter() - t0:.1f} s to load or build)", flush=True)
            inputs.append((name, data, units_of(data, name)))
    for kind, model in (("synth", "gamma"), ("even", "even")):
        if kind not in wanted:
            continue
        for s in [int(x) for x in args.sizes.split(",") if x]:
            t0 = time.perf_counter()
            data = synthetic(s, args.seed, model)
            print(f"# built {kind}-{s} in {time.perf_counter() - t0:.1f} s", flush=True)
            inputs.append((f"{kind}-{s}", data, units_of(data, kind)))
    peers = [x for x in args.peers.split(",") if x]

    rows = []
    head = (f"{'input':<12} {'method':<11} {'atoms':>7} {'seconds':>9} {'cpu s':>7} {'peak MB':>8} {'grids':>6} "
            f"{'in-band':>8} {'med PP':>7} {'time x':>8} {'PP x':>6}")
    print(head)
    print("-" * len(head), flush=True)
    for name, data, unit_idx in inputs:
        n = sum(len(u) for u in unit_idx)
        units = [
            {
                "h": data["households"][u],
                "adj": data["adjacency"][u][:, u],
                "xy": data["xy"][u],
                "cw": None if data["cut_weight"] is None else data["cut_weight"][u][:, u],
                "k": 1,
            }
            for u in unit_idx
        ]
        base = None
        for method in ["gridmap"] + peers:
            if method != "gridmap" and n > args.peer_max_atoms:
                print(f"{name:<12} {method:<11} {n:>7} skipped (> --peer-max-atoms)", flush=True)
                continue
            reps = args.repeats if method == "gridmap" else args.peer_repeats
            times, cpus, peak, res = [], [], 0.0, None
            for _ in range(reps):
                r = run_method(method, units, args.lo, args.hi, args.seed, None if method == "gridmap" else args.peer_timeout)
                if "error" in r:
                    res = r
                    break
                times.append(r["seconds"])
                cpus.append(r["cpu"])
                peak = max(peak, r["peak_mb"])
                res = r
            if "error" in res:
                print(f"{name:<12} {method:<11} {n:>7} FAILED: {res['error']}", flush=True)
                rows.append((name, method, n, None))
                continue
            if method == "gridmap":
                # peers get gridmap's number of grids per unit
                for u, (labels, _) in zip(units, res["results"]):
                    u["k"] = len(np.unique(labels))
            m = evaluate(data, unit_idx, res["results"], args.lo, args.hi)
            if "error" in m:
                print(f"{name:<12} {method:<11} {n:>7} FAILED: {m['error']}", flush=True)
                continue
            sec = float(np.median(times))
            m.update(seconds=sec, peak=peak, cpu=float(np.median(cpus)))
            if method == "gridmap":
                base = m
            tx = sec / base["seconds"] if base else float("nan")
            ppx = m["pp"] / base["pp"] if base else float("nan")
            print(
                f"{name:<12} {method:<11} {n:>7} {sec:>9.2f} {m['cpu']:>7.2f} {peak:>8.0f} {m['grids']:>6} "
                f"{m['inband']:>8.3f} {m['pp']:>7.3f} {tx:>8.1f} {ppx:>6.2f}",
                flush=True,
            )
            rows.append((name, method, n, m))
    return 0


if __name__ == "__main__":
    sys.exit(main())
