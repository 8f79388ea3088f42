"""Reach: which households each grid's base reaches within the response time, on the road network.

    from gridmap.reach import ReachConfig, reach_plan
    plan = reach_plan(plan, ReachConfig(mode="ebike", minutes_urban=10, minutes_rural=30))
    plan.layers["service_areas"].plot()
    plan.meta["reach"]["county"]      # {'households': ..., 'reached': ..., 'share': ...}

A household is reached when the travel time from its grid's base to it is within the
grid's response time (10 minutes urban, 30 rural by default): walking from the base to
the nearest road node, along the network at the mode's speeds (one-way streets
respected for cars), then walking from the road node nearest the household to it
(4.5 km/h). All bases are searched with multi-source
:func:`scipy.sparse.csgraph.dijkstra` calls bounded by the response time, on the network
with its chains of shape points contracted (:func:`gridmap.roads.contract`: the same
times on a graph several times smaller) and only over the nodes a base can reach in
that time at the network's top speed (:meth:`gridmap.roads.Contraction.search`).

Service areas follow the reached streets, not convex hulls: every road segment (or the
reached part of one) within the response time is drawn as a band of ``buffer_urban_m``
(50 m) or ``buffer_rural_m`` (100 m) either side, the bands are unioned and clipped to
the grid. The union is built from its complement (the faces the reached streets cut the
grid's box into, each shrunk by the band's width; see :func:`_band`), which costs one
negative buffer per face instead of a polygon overlay per street. In a plan of many grids
whose streets near them are mostly all reached, those grids share the faces of the whole
network, noded and shrunk once (:func:`_shared_bands`).

The graph and bases live in :mod:`gridmap.roads`, the travel rules (:class:`~gridmap.config.ReachConfig`)
in :mod:`gridmap.config`; they are re-exported here.
"""
from __future__ import annotations


import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap._arrays import groups
from gridmap._geometry import polygonal
from gridmap._timing import Laps
from gridmap.errors import InputError
from gridmap.plan import Plan
from gridmap.bases import compute_bases, match_bases, plan_bases
from gridmap.roads import (DEFAULT_SPEEDS, ReachConfig, RoadNetwork, build_network, contract,  # noqa: F401
                           dijkstra, road_graph, values_at)

__all__ = ["DEFAULT_SPEEDS", "ReachConfig", "RoadNetwork", "build_network", "compute_bases", "match_bases",
           "plan_bases", "reach_plan", "reach_table", "road_graph", "travel_minutes"]


def travel_minutes(network: RoadNetwork, config: ReachConfig, base_points, targets, *,
                   limit_minutes: float | np.ndarray = np.inf) -> np.ndarray:
    """Minutes from each base point to each target point (bases × targets; inf beyond the limit).

    Both ends walk to their nearest road node at ``config.snap_speed_kmh``. ``limit_minutes``
    (scalar or one per base) bounds the search; times beyond it are inf.
    """
    walk = config.snap_speed_kmh / 3.6
    b_node, b_snap = network.snap(np.asarray(base_points, dtype=object))
    t_node, t_snap = network.snap(np.asarray(targets, dtype=object))
    limits = np.broadcast_to(np.asarray(limit_minutes, dtype=float) * 60.0, (len(b_node),))
    out = np.empty((len(b_node), len(t_node)))
    for i in range(len(b_node)):
        d = dijkstra(network.graph, [b_node[i]], limit=max(limits[i] - b_snap[i] / walk, 0.0))[0]
        out[i] = d[t_node] + b_snap[i] / walk + t_snap / walk
    out[out > limits[:, None]] = np.inf
    return out / 60.0


def reach_plan(plan: Plan, config: ReachConfig | None = None, *, bases: gpd.GeoDataFrame | None = None,
               objective: str = "min_time", chunk: int = 32, network: RoadNetwork | None = None,
               executor=None) -> Plan:
    """The plan with its reach measured (a new Plan; ``plan`` is not modified).

    Parameters
    ----------
    plan : a plan with ``grids``, ``households`` and ``roads`` layers (metric CRS).
    config : travel rules (default :class:`ReachConfig`: walking, 10 / 30 minutes).
    bases : user bases (points with a ``grid_id`` column, or matched to the grid they
        lie in); grids without one keep the plan's ``bases`` layer or get a computed base.
    objective : how missing bases are computed, ``"min_time"`` or ``"max_reached"``
        (see :func:`~gridmap.roads.compute_bases`).
    chunk : bases per csgraph call (memory: chunk × nodes floats).
    network : the plan's road network already built under ``config``
        (:func:`~gridmap.roads.build_network`; e.g. by the staffing step), else built here.
    executor : a :class:`concurrent.futures.Executor` for the service areas of a plan of
        many grids (strips of grids as pure tasks; the same areas as without it).

    Returns
    -------
    Plan with layers ``bases`` (``households``, ``households_reached``,
    ``share_reached``, ``minutes``, ``mode``, ``snap_m``), ``service_areas`` (``grid_id``,
    ``minutes``, ``mode``), ``unreached`` (household points: ``grid_id``,
    ``households``, ``minutes_to_base``, inf when no route), ``grids`` with
    ``share_reached`` (NaN for a grid without households), workers moved to their
    grid's base, and ``meta["reach"]`` (figures per county, township and unit; timings).
    """
    config = config or ReachConfig()
    laps = Laps()
    lap, timings = laps.lap, laps.seconds

    grids = plan.grids
    if "households" not in plan.layers:
        raise InputError.of("out_reach_no_households")
    network = network or build_network(plan.layers.get("roads"), config)
    lap("network_s")
    base_layer = plan_bases(plan, config, bases=bases, objective=objective, network=network)
    lap("bases_s")

    households = plan.households
    hh_grid = households["grid_id"].astype(str).to_numpy()
    hh_weight = households["households"].to_numpy(dtype=float)
    hh_node, hh_snap = network.snap(households.geometry.to_numpy())
    walk = config.snap_speed_kmh / 3.6
    hh_walk = hh_snap / walk
    grid_ids = grids["grid_id"].astype(str).to_numpy()
    members = groups(hh_grid, np.arange(len(households)))  # {grid: its households}, without a call per grid
    b_node, b_snap = network.snap(base_layer.geometry.to_numpy())
    b_walk = b_snap / walk
    limit_s = np.array([config.minutes(r) * 60.0 for r in grids["regime"]])
    seconds = np.full(len(households), np.inf)
    budget_all = np.maximum(limit_s - b_walk, 0.0)
    reached_rows = [None] * len(grids)  # per grid: (budget, nodes reached, their times) for the service areas
    # Grids in order of their budget, so that a chunk of urban bases is not searched to
    # the rural response time (each base's times beyond its own budget are dropped).
    order = np.argsort(budget_all, kind="stable")
    # Searches run on the network with its chains of shape points contracted (the bases'
    # and households' nodes kept): the same times, on a graph several times smaller;
    # the times of the shape points (for the service areas) follow from their chain's ends.
    chains = contract(network.graph, np.concatenate([hh_node, b_node]))
    small_b, small_hh = chains.index[b_node], chains.index[hh_node]
    for start in range(0, len(grids), chunk):
        rows = order[start:start + chunk]
        budget = budget_all[rows]
        ids, dist = chains.search(small_b[rows], float(budget.max()), network.xy, chunk=chunk)
        for k, g in enumerate(rows):
            d = dist[k]
            m = members.get(grid_ids[g])
            if m is not None:
                t = values_at(d, ids, small_hh[m])
                t[t > budget[k]] = np.inf
                seconds[m] = t + b_walk[g] + hh_walk[m]
            reached_rows[g] = (budget[k], *chains.within(d, budget[k], ids))
    # Households beyond the response time: their actual time (for the unreached layer),
    # from their grid's base. A grid's late households lie near it, so the search is
    # bounded at 2, then 8 times the response time, and only then unbounded: times
    # within a bound are exact, the same as an unbounded search gives.
    grid_of = pd.Index(grid_ids).get_indexer(hh_grid)  # -1: a household in no grid of the plan
    late = (grid_of >= 0) & (hh_weight > 0) & ~(seconds <= np.append(limit_s, np.inf)[grid_of])
    late_of = groups(grid_of[late], np.flatnonzero(late)) if late.any() else {}
    pending = np.array(sorted(late_of), dtype=np.int64)
    for factor in (2.0, 8.0, np.inf):
        if len(pending) == 0:
            break
        pending = pending[np.argsort(limit_s[pending], kind="stable")]
        missing = []
        for start in range(0, len(pending), chunk):
            rows = pending[start:start + chunk]
            ids, dist = chains.search(small_b[rows], float(limit_s[rows].max() * factor), network.xy, chunk=chunk)
            for k, g in enumerate(rows):
                idx = late_of[g]
                d = values_at(dist[k], ids, small_hh[idx])
                found = np.isfinite(d)
                seconds[idx[found]] = d[found] + b_walk[g] + hh_walk[idx[found]]
                if not found.all() and np.isfinite(factor):
                    late_of[g] = idx[~found]
                    missing.append(g)
        pending = np.array(missing, dtype=np.int64)
    lap("reach_s")

    areas = _service_areas(network, grids, reached_rows, config, executor=executor)
    lap("service_areas_s")

    within = (grid_of >= 0) & (seconds <= np.append(limit_s, np.inf)[grid_of])
    per_grid_hh = pd.Series(hh_weight).groupby(hh_grid).sum()
    per_grid_reached = pd.Series(np.where(within, hh_weight, 0.0)).groupby(hh_grid).sum()
    total = per_grid_hh.reindex(grid_ids).fillna(0.0).to_numpy()
    reached = per_grid_reached.reindex(grid_ids).fillna(0.0).to_numpy()
    share = np.divide(reached, total, out=np.full(len(total), np.nan), where=total > 0)

    base_layer = base_layer.assign(households=total, households_reached=reached, share_reached=share,
                                   minutes=limit_s / 60.0, mode=config.mode, snap_m=np.round(b_snap, 1))
    out_mask = ~within & (hh_weight > 0) & (grid_of >= 0)
    unreached = gpd.GeoDataFrame({"grid_id": hh_grid[out_mask], "households": hh_weight[out_mask],
                                  "minutes_to_base": seconds[out_mask] / 60.0},
                                 geometry=households.geometry.to_numpy()[out_mask], crs=grids.crs)
    new_grids = grids.assign(share_reached=share)
    layers = dict(plan.layers)
    layers.update(grids=new_grids, bases=base_layer, service_areas=areas, unreached=unreached)
    if "workers" in layers and len(layers["workers"]):
        layers["workers"] = _move_workers(layers["workers"], base_layer)
    lap("layers_s")
    meta = dict(plan.meta)
    meta["reach"] = _figures(new_grids, base_layer, config, objective, timings, hh_snap, hh_weight,
                             outside=base_layer.attrs.get("outside", 0), network=network)
    return Plan(layers=layers, meta=meta)


#: Plans of at least this many grids try the bands shared by the whole network (_shared_bands).
_SHARED_MIN_GRIDS = 1000
#: ... and at least this share of them with every street within the band's width reached whole.
_SHARED_MIN_SHARE = 0.5
#: Such plans are drawn in chunks of about this many grids (strips across the county, each a task
#: of the executor when one is given; the chunks do not depend on it, so neither do the areas).
_CHUNK_GRIDS = 1000
#: A plan of fewer grids, given an executor, is drawn in this many strips when it has at least
#: _SPLIT_MIN_GRIDS grids (each grid's band is its own, so the strips change no polygon).
_SPLIT_STRIPS = 2
_SPLIT_MIN_GRIDS = 32


def _service_areas(network, grids, reached_rows, config, executor=None) -> gpd.GeoDataFrame:
    """Bands along the reached streets of each grid's base, unioned and clipped to the grid.

    A plan of at least ``_SHARED_MIN_GRIDS`` grids is cut into strips of about
    ``_CHUNK_GRIDS`` grids (by their centres along the county's longer side); each strip
    is one pure task (:func:`_chunk_areas`: the streets near it, its grids, their reached
    nodes) run on ``executor`` when given, else here: the same polygons either way. With an
    executor, a smaller plan of at least ``_SPLIT_MIN_GRIDS`` grids goes in ``_SPLIT_STRIPS``
    strips (its grids' bands are each their own: the same polygons).
    """
    # Only streets near the grid matter once the bands are clipped to it: keep the
    # reached nodes in the grid's box widened by more than the band's width (a car covers
    # a whole county in 30 minutes). The box is also the frame of the grid's band (see _band):
    # streets leaving it are cut at its edge, so they bound faces instead of dangling.
    radii = np.array([config.buffer_m(r) for r in grids["regime"]])
    geoms = grids.geometry.to_numpy()
    frames = shapely.bounds(geoms) + (radii[:, None] + 1.0) * np.array([-1, -1, 1, 1])
    n_grids = len(geoms)
    many = n_grids >= _SHARED_MIN_GRIDS
    if many:
        chunks = _strips(frames, -(-n_grids // _CHUNK_GRIDS))
    elif executor is not None and n_grids >= _SPLIT_MIN_GRIDS:
        # a smaller plan's grids each get their own band: strips on the workers, the same bands
        chunks = _strips(frames, _SPLIT_STRIPS)
    else:
        chunks = [np.arange(n_grids)]
    segments = _segments(network) if many else None
    tasks = (_chunk_task(network, rows, geoms, frames, radii, reached_rows, segments) for rows in chunks)
    if executor is not None and len(chunks) > 1:
        # (a list: a cluster's map, in gridmap batch, takes no iterators)
        done = list(executor.map(_chunk_areas_of, list(tasks)))
    else:
        done = [_chunk_areas(*task) for task in tasks]
    clipped = np.empty(n_grids, dtype=object)
    for rows, polys in zip(chunks, done):
        clipped[rows] = polys
    return gpd.GeoDataFrame({"grid_id": grids["grid_id"].astype(str).to_numpy(),
                             "minutes": [config.minutes(r) for r in grids["regime"]], "mode": config.mode},
                            geometry=polygonal(clipped, empty=shapely.MultiPolygon), crs=grids.crs)


def _strips(frames, k: int) -> list:
    """The grids (rows of ``frames``) in ``k`` strips of (nearly) equal count across the longer side
    of their extent, by their frames' centres; each strip's rows ascending."""
    n = len(frames)
    if k <= 1 or n == 0:
        return [np.arange(n)]
    centre = (frames[:, :2] + frames[:, 2:]) / 2.0
    extent = np.nanmax(frames[:, 2:], axis=0) - np.nanmin(frames[:, :2], axis=0)
    axis = int(extent[1] > extent[0])
    order = np.lexsort((np.arange(n), np.nan_to_num(centre[:, axis])))
    return [np.sort(rows) for rows in np.array_split(order, k)]


def _chunk_task(network, rows, geoms, frames, radii, reached_rows, segments) -> tuple:
    """The arguments of :func:`_chunk_areas` for the grids ``rows``: only the network near them
    (the graph's rows of the nodes inside the strip's box; streets meeting the box)."""
    graph, xy = network.graph, network.xy
    box = frames[rows]
    if len(rows):
        lo, hi = np.nanmin(box[:, :2], axis=0), np.nanmax(box[:, 2:], axis=0)
    else:
        lo = hi = np.zeros(2)
    inside = (xy[:, 0] >= lo[0]) & (xy[:, 1] >= lo[1]) & (xy[:, 0] <= hi[0]) & (xy[:, 1] <= hi[1])
    count = np.diff(graph.indptr)
    keep = np.repeat(inside, count)
    indptr = np.concatenate([[0], np.cumsum(np.where(inside, count, 0))]).astype(graph.indptr.dtype)
    adjacency = (indptr, graph.indices[keep], graph.data[keep])
    rows_of = [reached_rows[g] for g in rows]
    sizes = np.array([len(r[1]) for r in rows_of], dtype=np.int64)
    budgets = np.array([r[0] for r in rows_of], dtype=float)
    nodes = np.concatenate([r[1] for r in rows_of]) if len(rows_of) else np.zeros(0, np.int64)
    times = np.concatenate([r[2] for r in rows_of]) if len(rows_of) else np.zeros(0)
    near_segments = None
    if segments is not None:
        u, v, forward, backward = segments
        a, b = xy[u], xy[v]
        meets = ((np.minimum(a[:, 0], b[:, 0]) <= hi[0]) & (np.maximum(a[:, 0], b[:, 0]) >= lo[0])
                 & (np.minimum(a[:, 1], b[:, 1]) <= hi[1]) & (np.maximum(a[:, 1], b[:, 1]) >= lo[1]))
        near_segments = (u[meets], v[meets], forward[meets], backward[meets])
    return (geoms[rows], frames[rows], radii[rows], budgets, sizes, nodes, times, adjacency, xy, int(network.n),
            near_segments)


def _chunk_areas_of(task: tuple) -> np.ndarray:
    return _chunk_areas(*task)


def _chunk_areas(geoms, frames, radii, budgets, sizes, nodes, times, adjacency, xy, n, segments) -> np.ndarray:
    """The service areas of some grids (clipped to them), from their reached nodes and times
    (``sizes`` per grid, in order), the graph's rows of the nodes near them (``adjacency``:
    indptr, indices, data) and, for a plan of many grids, the streets near them
    (``segments``: see :func:`_segments`; None: every grid gets its own band)."""
    indptr, indices, data = adjacency
    pair_grid = np.repeat(np.arange(len(geoms)), sizes)
    box, px, py = frames[pair_grid], xy[nodes, 0], xy[nodes, 1]
    is_near = (px >= box[:, 0]) & (py >= box[:, 1]) & (px <= box[:, 2]) & (py <= box[:, 3])
    ends = np.cumsum(sizes)
    starts = ends - sizes
    shapely.prepare(geoms)
    # A grid whose every street near it is reached whole has the county's band there: its
    # band is built from faces of the whole network near it, each shrunk once (see _shared_bands).
    # Worth it for many grids, most of them with every street near them reached.
    shared = {}
    if segments is not None:
        # the streets as lines, once for both steps
        lines = shapely.linestrings(np.stack([xy[segments[0]], xy[segments[1]]], axis=1))
        whole = _whole_grids(segments, xy, n, geoms, radii, budgets, pair_grid, nodes, times, lines=lines)
        if whole.sum() >= _SHARED_MIN_SHARE * len(whole):
            shared = _shared_bands(segments, xy, geoms, frames, radii, whole, lines=lines)
        del lines
    polys = []
    for g in range(len(geoms)):
        if g in shared:
            polys.append(shared[g])
            continue
        near = is_near[starts[g]:ends[g]]
        polys.append(_grid_band(indptr, indices, data, xy, n, budgets[g], nodes[starts[g]:ends[g]][near],
                                times[starts[g]:ends[g]][near], radii[g], frames[g], geoms[g]))
    polys = np.array(polys, dtype=object)
    return shapely.intersection(shapely.make_valid(polys), geoms) if len(polys) else polys


def _grid_band(indptr, indices, data, xy, n, budget, nodes, times, radius, frame, geom):
    """One grid's band (unclipped) along the streets its base reaches from ``nodes`` (those in its
    frame) within ``budget`` seconds (``times``: the nodes' own)."""
    if len(nodes) == 0:
        return shapely.Polygon()
    lo, hi = indptr[nodes], indptr[nodes + 1]
    count = hi - lo
    idx = np.repeat(hi - count.cumsum(), count) + np.arange(count.sum()) if count.sum() else np.zeros(0, int)
    u = np.repeat(nodes, count)
    v = indices[idx]
    w = data[idx]
    frac = np.clip((budget - np.repeat(times, count)) / w, 0.0, 1.0)  # share of the edge within the budget
    # a two-way street reached whole is drawn once; partial pieces all count
    whole = frac >= 1.0
    key = np.minimum(u, v).astype(np.int64) * n + np.maximum(u, v)
    first = np.zeros(len(u), dtype=bool)
    first[np.flatnonzero(whole)[np.unique(key[whole], return_index=True)[1]]] = True
    keep = first | ((frac > 0) & ~whole)
    u, v, frac = u[keep], v[keep], frac[keep]
    ends = xy[u] + frac[:, None] * (xy[v] - xy[u])
    if len(u) == 0:  # the base alone: a disc around its node
        return shapely.buffer(shapely.points(xy[nodes[:1]])[0], radius, quad_segs=4)
    lines = shapely.get_parts(shapely.line_merge(shapely.multilinestrings(
        shapely.linestrings(np.stack([xy[u], ends], axis=1)))))
    # vertices closer than a tenth of the band's width change nothing visible
    lines = shapely.simplify(lines, radius / 10.0)
    return _band(lines, radius, frame, geom)


def _segments(network):
    """The network's streets as undirected segments: end nodes (u < v) and the seconds of
    each direction (inf where it cannot be travelled)."""
    coo = network.graph.tocoo()
    r, c, w = coo.row.astype(np.int64), coo.col.astype(np.int64), coo.data
    ok = r != c
    r, c, w = r[ok], c[ok], w[ok]
    key = np.minimum(r, c) * network.n + np.maximum(r, c)
    uniq, inv = np.unique(key, return_inverse=True)
    forward, backward = np.full(len(uniq), np.inf), np.full(len(uniq), np.inf)
    forward[inv[r < c]] = w[r < c]
    backward[inv[r > c]] = w[r > c]
    return uniq // network.n, uniq % network.n, forward, backward


def _whole_grids(segments, xy, n, geoms, radii, budgets, pair_grid, pair_node, pair_time, chunk: int = 1000,
                 lines=None):
    """Which grids have every street within their band's width reached whole.

    ``segments``: the streets near the grids (:func:`_segments`); ``xy``: the nodes'
    coordinates, ``n`` their number. A street counts as reached whole when the grid's base
    reaches one of its ends and the whole street from there within the budget (the per-grid
    bands' test, ``(budget - time at the end) / seconds >= 1``). For such a grid the reached
    streets near it are all the streets near it, so its band is the county's band there
    (:func:`_shared_bands`).
    """
    n_grids = len(geoms)
    out = np.zeros(n_grids, dtype=bool)
    u, v, forward, backward = segments
    if n_grids == 0 or len(u) == 0:
        return out
    lines = shapely.linestrings(np.stack([xy[u], xy[v]], axis=1)) if lines is None else lines
    tree = shapely.STRtree(lines)
    # the (grid, node) pairs reached inside the frame, sorted by grid then node
    key = pair_grid.astype(np.int64) * n + pair_node
    time_at = pair_time
    if len(key) > 1 and not (np.diff(key) > 0).all():
        order = np.argsort(key, kind="stable")
        key, time_at = key[order], time_at[order]
    if len(key) == 0:
        return out

    def reached(g, node):
        k = g * n + node
        at = np.minimum(np.searchsorted(key, k), len(key) - 1)
        return np.where(key[at] == k, time_at[at], np.nan)

    mid = (xy[u] + xy[v]) / 2.0
    boxes = shapely.bounds(geoms) + radii[:, None] * np.array([-1, -1, 1, 1])
    for start in range(0, n_grids, chunk):
        stop = min(start + chunk, n_grids)
        # The streets within a grid's radius, without measuring a distance per pair: the
        # streets whose box meets the grid's box widened by the radius are the candidates
        # (those of the tree's dwithin query), and only those not reached whole are measured
        # (one such within the radius: not whole); a grid with none is touched when a street
        # of it has its midpoint in the grid, else when one of them is within the radius.
        g, s = tree.query(shapely.box(*boxes[start:stop].T))
        g = g.astype(np.int64) + start
        b = budgets[g]
        with np.errstate(invalid="ignore", divide="ignore"):
            whole = (((b - reached(g, u[s])) / forward[s]) >= 1.0) | (((b - reached(g, v[s])) / backward[s]) >= 1.0)
        part = ~whole
        part[part] = shapely.dwithin(geoms[g[part]], lines[s[part]], radii[g[part]])
        missed = np.bincount(g[part] - start, minlength=stop - start)
        touched = missed > 0
        ask = ~touched[g - start] & whole  # the whole streets near grids not yet touched
        inner = np.zeros(len(g), dtype=bool)
        inner[ask] = shapely.intersects_xy(geoms[g[ask]], mid[s[ask], 0], mid[s[ask], 1])
        touched |= np.bincount(g[inner] - start, minlength=stop - start) > 0
        ask &= ~touched[g - start]
        near = np.zeros(len(g), dtype=bool)
        near[ask] = shapely.dwithin(geoms[g[ask]], lines[s[ask]], radii[g[ask]])
        touched |= np.bincount(g[near] - start, minlength=stop - start) > 0
        out[start:stop] = touched & (missed == 0)
    return out


def _shared_bands(segments, xy, geoms, frames, radii, whole, lines=None) -> dict:
    """``{grid: band}`` for the grids ``whole`` (every street near them reached whole).

    The band of such a grid is the points within its radius of any street, so it is built
    from the faces of the network near the grids (``segments``: every street meeting their
    box, see :func:`_chunk_task`), noded and polygonized once for all those grids (the
    streets, and the outline of a box around them and the frames): each face shrunk once by
    each radius that needs it (as in :func:`_band`), a grid's band is its frame less the
    shrunk faces that meet the grid, plus the bands of the loose streets (dead ends, cut
    edges) within its radius. The same point set in the grid as :func:`_band` of its reached
    streets (those are all its streets; a street within a grid's radius meets its frame, so
    it is among ``segments``), up to the chords of the arcs and _band's simplification of the
    streets (and closer to it where _band misses a street reached only from an end outside
    the frame); ``{}`` (the per-grid bands are used) when polygonizing leaves invalid rings
    or GEOS fails.
    """
    rows = np.flatnonzero(whole)
    if len(rows) == 0:
        return {}
    u, v = segments[0], segments[1]
    segs = shapely.linestrings(np.stack([xy[u], xy[v]], axis=1)) if lines is None else lines
    box = frames[rows]
    lo, hi = box[:, :2].min(axis=0) - 1.0, box[:, 2:].max(axis=0) + 1.0
    if len(u):
        lo = np.minimum(lo, np.minimum(xy[u].min(axis=0), xy[v].min(axis=0)) - 1.0)
        hi = np.maximum(hi, np.maximum(xy[u].max(axis=0), xy[v].max(axis=0)) + 1.0)
    outline = shapely.box(*lo, *hi).exterior
    try:
        # (intermediate geometries dropped as soon as they are used: memory)
        noded = shapely.get_parts(shapely.node(shapely.multilinestrings(np.append(segs, outline))))
        del segs
        faces, cuts, dangles, invalid = shapely.polygonize_full(noded)
        del noded
        if not shapely.is_empty(invalid):
            return {}
        faces = shapely.get_parts(faces)
        grid_geoms = geoms[rows]
        at, face = shapely.STRtree(faces).query(grid_geoms, predicate="intersects")
        # a face of less area than a disc of 0.9 radius holds no point farther than 0.9 radius
        # from its edges: shrunk (to within 2 % of the radius, the arcs' chords) it is empty
        small = shapely.area(faces)[face] < np.pi * (0.9 * radii[rows][at]) ** 2
        at, face = at[~small], face[~small]
        holes = np.full(len(at), None, dtype=object)
        for radius in np.unique(radii[rows]):
            pick = radii[rows][at] == radius
            need, back = np.unique(face[pick], return_inverse=True)
            shape = faces[need]
            # at least 10 segments a shell (see _band: GEOS's "inverted ring" heuristic)
            shape = shapely.segmentize(shape, shapely.length(shapely.get_exterior_ring(shape)) / 10.0)
            holes[pick] = shapely.buffer(shape, -radius, quad_segs=4)[back.ravel()]
        parts, index = shapely.get_parts(holes, return_index=True)
        solid = ~shapely.is_empty(parts)
        parts, index = parts[solid], at[index[solid]]
        bands = np.array([shapely.box(*f) for f in box], dtype=object)
        has = np.unique(index)
        if len(has):
            cut = shapely.multipolygons(parts, indices=np.searchsorted(has, index))
            bands[has] = shapely.difference(bands[has], cut)
        loose = np.concatenate([shapely.get_parts(cuts), shapely.get_parts(dangles)])
        if len(loose):
            loose = shapely.get_parts(shapely.line_merge(shapely.multilinestrings(loose)))
            tree = shapely.STRtree(loose)
            for radius in np.unique(radii[rows]):
                mine = np.flatnonzero(radii[rows] == radius)
                g, line = tree.query(grid_geoms[mine], predicate="dwithin", distance=radius)
                if len(g) == 0:
                    continue
                used, slot = np.unique(line, return_inverse=True)
                buffered = shapely.buffer(loose[used], radius, quad_segs=4)[slot.ravel()]
                # the loose lines of each grid in the query's order (one pass over the pairs, not one per grid)
                order = np.argsort(g, kind="stable")
                cut_at = np.flatnonzero(np.diff(g[order])) + 1
                for k, pick in zip(g[order][np.r_[0, cut_at]], np.split(order, cut_at)):
                    i = mine[k]
                    bands[i] = shapely.union_all(np.append(buffered[pick], bands[i]))
        return dict(zip(rows.tolist(), bands))
    except shapely.errors.GEOSException:
        return {}


def _band(lines: np.ndarray, radius: float, frame, grid) -> shapely.Geometry:
    """A polygon whose part in ``grid`` is the points of ``grid`` within ``radius`` (m) of
    ``lines``; ``frame`` (xmin, ymin, xmax, ymax) is the grid's box widened by more than ``radius``.

    Unioning one buffer per line costs a polygon overlay per line, most of them of
    overlapping bands. The band is built from its complement instead: the lines and the
    frame's outline, noded, cut the frame into faces; a point of a face is as far from the
    lines as from the face's edges, unless a line ends inside the face (a dead end, a street
    reached part way) or runs through it (cut edges), so the points of a face farther than
    ``radius`` from the lines are the face shrunk by ``radius`` (one negative buffer per
    face; the shrunk faces are disjoint) less the bands of those loose lines. Band = frame
    less the shrunk faces, plus the loose lines' bands. Points of the grid are farther than
    ``radius`` from the frame's outline, so the outline removes nothing there; faces and
    loose lines that cannot reach the grid are left out (the band is clipped to it). The same
    point set as the union of the lines' buffers (each drawn with the same 4 segments a
    quarter circle); when polygonizing leaves invalid rings, or GEOS fails, the union is
    taken instead.
    """
    try:
        inside = shapely.clip_by_rect(lines, *frame)
        inside = shapely.get_parts(inside[~shapely.is_empty(inside)])
        inside = inside[shapely.get_type_id(inside) == 1]  # lines (a touching point adds nothing to the band)
        if len(inside) == 0:
            return shapely.Polygon()
        frame = shapely.box(*frame)
        noded = shapely.node(shapely.multilinestrings(np.append(inside, frame.exterior)))
        faces, cuts, dangles, invalid = shapely.polygonize_full(shapely.get_parts(noded))
        if not shapely.is_empty(invalid):
            raise ValueError("invalid rings")
        faces = shapely.get_parts(faces)
        faces = faces[shapely.intersects(faces, grid)]  # the others are clipped away whole
        # GEOS drops the inward offset of a ring of fewer than 9 coordinates when it judges
        # it "inverted", and can judge so wrongly (a hexagon 60 m deep shrunk by 50 m came
        # out empty): every shell gets at least 10 segments, which skips that heuristic.
        faces = shapely.segmentize(faces, shapely.length(shapely.get_exterior_ring(faces)) / 10.0)
        holes = shapely.get_parts(shapely.buffer(faces, -radius, quad_segs=4))
        holes = holes[~shapely.is_empty(holes)]
        band = shapely.difference(frame, shapely.multipolygons(holes)) if len(holes) else frame
        loose = np.concatenate([shapely.get_parts(cuts), shapely.get_parts(dangles)])
        loose = loose[shapely.dwithin(loose, grid, radius)]  # farther lines' bands miss the grid
        if len(loose):
            loose = shapely.get_parts(shapely.line_merge(shapely.multilinestrings(loose)))
            band = shapely.union_all(np.append(shapely.buffer(loose, radius, quad_segs=4), band))
        return band
    except (shapely.errors.GEOSException, ValueError):
        lines = shapely.clip_by_rect(lines, *frame) if not isinstance(frame, shapely.Geometry) else lines
        # Buffering one huge MultiLineString is quadratic in GEOS; buffering the merged
        # lines one by one and unioning the bands takes a fraction of a second.
        return shapely.union_all(shapely.buffer(lines, radius, quad_segs=4))


def _move_workers(workers: gpd.GeoDataFrame, bases: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    where = dict(zip(bases["grid_id"].astype(str), bases.geometry.to_numpy()))
    geoms = [where.get(str(g), p) for g, p in zip(workers["grid_id"], workers.geometry.to_numpy())]
    return workers.set_geometry(gpd.GeoSeries(geoms, index=workers.index, crs=workers.crs))


def _shares(frame: pd.DataFrame, keys: list[str]) -> list[dict]:
    g = frame.groupby(keys, sort=True)[["households", "households_reached"]].sum().reset_index()
    g["share"] = np.where(g["households"] > 0, g["households_reached"] / g["households"].where(g["households"] > 0, 1),
                          np.nan)
    g = g.rename(columns={"households_reached": "reached"})
    return [{k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in r.items()}
            for r in g.to_dict("records")]


def _figures(grids, bases, config, objective, timings, hh_snap, hh_weight, outside, network) -> dict:
    frame = pd.DataFrame({"unit_id": grids["unit_id"].astype(str).to_numpy(),
                          "unit_name": grids["unit_name"].astype(str).to_numpy(),
                          "parent_id": grids["parent_id"].fillna("").astype(str).to_numpy(),
                          "parent_name": grids["parent_name"].fillna("").astype(str).to_numpy(),
                          "regime": grids["regime"].astype(str).to_numpy(),
                          "households": bases["households"].to_numpy(),
                          "households_reached": bases["households_reached"].to_numpy()})
    total, reached = float(frame["households"].sum()), float(frame["households_reached"].sum())
    weighted = hh_weight > 0
    return {
        "config": config.to_dict(),
        "objective": objective,
        "county": {"households": total, "reached": reached, "share": reached / total if total else None,
                   "share_reached": reached / total if total else None,
                   "grids": int(len(grids)), "grids_fully_reached": int((bases["share_reached"] >= 1 - 1e-9).sum())},
        "regimes": _shares(frame, ["regime"]),
        "townships": _shares(frame, ["parent_id", "parent_name"]),
        "units": _shares(frame, ["unit_id", "unit_name"]),
        "bases": {"given": int((bases["source"] == "given").sum()),
                  "computed": int((bases["source"] == "computed").sum()),
                  "given_outside_grids": int(outside),
                  "base_snap_m_max": float(bases["snap_m"].max()) if len(bases) else 0.0},
        "network": {"nodes": int(network.n), "edges": int(network.graph.nnz),
                    "snappable_nodes": int(len(network.snappable))},
        "household_snap_m": {"median": float(np.median(hh_snap[weighted])) if weighted.any() else 0.0,
                             "p95": float(np.percentile(hh_snap[weighted], 95)) if weighted.any() else 0.0,
                             "max": float(hh_snap[weighted].max()) if weighted.any() else 0.0},
        "timings_s": timings,
    }


def reach_table(plan: Plan, level: str = "units") -> pd.DataFrame:
    """Households reached per ``"units"``, ``"townships"`` or ``"regimes"``, and a county row.

    Read from ``meta["reach"]`` (written by :func:`reach_plan`).
    """
    reach = plan.meta.get("reach")
    if not reach:
        raise InputError.of("out_reach_no_figures")
    if level not in ("units", "townships", "regimes"):
        raise InputError.of("out_reach_level", value=level)
    table = pd.DataFrame(reach[level])
    county = reach["county"]
    total = pd.DataFrame([{table.columns[0]: "county", "households": county["households"],
                           "reached": county["reached"], "share": county["share"]}])
    return pd.concat([table, total], ignore_index=True)
