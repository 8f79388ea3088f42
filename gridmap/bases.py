"""Bases of grids: where each grid's worker starts, given or computed on the road network.

:func:`match_bases` matches given offices to grids; :func:`compute_bases` picks for each
grid the road node inside it that serves its households best (least household-weighted
travel time, or most households within the response time) on the network of
:mod:`gridmap.roads`; :func:`straight_line_bases` is the fallback without roads;
:func:`plan_bases` chooses among them for a plan.
"""
from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap._arrays import groups
from gridmap.config import ReachConfig
from gridmap.errors import InputError
from gridmap.roads import Contraction, RoadNetwork, build_network, contract, dijkstra, induced_subgraph

__all__ = ["match_bases", "compute_bases", "straight_line_bases", "plan_bases"]


def match_bases(bases: gpd.GeoDataFrame, grids: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Given bases matched to grids: by their ``grid_id`` (or ``code``) column, else by the grid they lie in.

    Returns points (``grid_id``, ``source`` = ``"given"``, geometry) in the grids' CRS,
    at most one per grid. Non-point features (e.g. office buildings) stand at their
    inner point. Points outside every grid are dropped; how many is in ``attrs["outside"]``.
    """
    if bases is None or len(bases) == 0:
        raise InputError.of("out_bases_empty")
    if bases.crs is None:
        raise InputError.of("out_bases_no_crs")
    bases = bases.to_crs(grids.crs)
    points = shapely.point_on_surface(bases.geometry.to_numpy())
    known = set(grids["grid_id"].astype(str))
    column = next((c for c in ("grid_id", "code") if c in bases.columns), None)
    outside = 0
    if column is not None:
        ids = bases[column].astype(str).to_numpy()
        if column == "code" and "code" in grids.columns:
            ids = pd.Series(ids).map(dict(zip(grids["code"].astype(str), grids["grid_id"].astype(str)))).fillna(
                pd.Series(ids)).to_numpy()
        unknown = sorted(set(ids) - known)
        if unknown:
            raise InputError.of("out_bases_unknown_grids", count=len(unknown), column=column, examples=unknown[:3])
    else:
        tree = shapely.STRtree(grids.geometry.to_numpy())
        pairs = tree.query(points, predicate="intersects")
        which = np.full(len(points), -1)
        which[pairs[0][::-1]] = pairs[1][::-1]  # on a shared boundary: the first grid
        outside = int((which < 0).sum())
        ids = np.where(which >= 0, grids["grid_id"].astype(str).to_numpy()[np.maximum(which, 0)], "")
        points, ids = points[which >= 0], ids[which >= 0]
    duplicated = pd.Series(ids)[pd.Series(ids).duplicated()].unique()
    if len(duplicated):
        raise InputError.of("out_bases_several", count=len(duplicated), examples=list(duplicated[:3]))
    out = gpd.GeoDataFrame({"grid_id": ids, "source": "given"}, geometry=points, crs=grids.crs)
    out.attrs["outside"] = outside
    return out


def compute_bases(plan, config: ReachConfig | None = None, objective: str = "min_time", *,
                  network: RoadNetwork | None = None, grid_ids=None, executor=None) -> gpd.GeoDataFrame:
    """The base of each grid: the road node inside it that serves its households best.

    Parameters
    ----------
    plan : a :class:`~gridmap.plan.Plan` with ``grids``, ``households`` and ``roads``.
    config : travel rules (mode, speeds, response minutes; default :class:`ReachConfig`).
    objective : ``"min_time"``, the node minimising the household-weighted travel time
        from the base to the grid's households; or ``"max_reached"``, the node reaching
        the most households within the grid's response time (ties: least time).
    network : a prebuilt :class:`RoadNetwork` (from :func:`build_network`) to reuse.
    grid_ids : only these grids (default all).
    executor : a :class:`concurrent.futures.Executor` that searches the grids' bases in
        parallel (one task per grid; the same bases as without it).

    Returns
    -------
    GeoDataFrame of points: ``grid_id``, ``source`` (``"computed"``), ``method``
    (``"network"``; ``"nearest_node"`` when no node lies inside the grid), ``objective``,
    ``mode``, ``mean_minutes`` (household-weighted, over the households it can reach),
    geometry. The search runs on the network with its chains of shape points contracted
    (:func:`gridmap.roads.contract`; the same times, several times fewer nodes); for
    ``min_time`` a grid's candidates are its junctions, dead ends, household nodes and
    border nodes, since along a chain between two of them the weighted time is concave
    and least at an end (``max_reached`` keeps every node of the grid). A grid whose
    households stand at no more than 64 distinct road nodes is evaluated exactly: one
    reverse multi-source :func:`scipy.sparse.csgraph.dijkstra` from those nodes gives
    every candidate's times, and the best of all candidates wins (candidates of equal
    objective, to the last bit of rounding, are taken in node order). Otherwise all
    candidates are screened by one reverse multi-source
    :func:`scipy.sparse.csgraph.dijkstra` from the grid's households pooled into cells;
    the best ``config.candidates`` are evaluated exactly with one forward multi-source
    call on the grid's neighbourhood (its box widened by ``search_margin_m``), then as
    many of the grid's nodes nearest the winner. Households walk from their nearest node.
    With no more nodes in the grid than ``config.candidates``, the search is exhaustive.
    """
    config = config or ReachConfig()
    if objective not in ("min_time", "max_reached"):
        raise InputError.of("out_objective", value=objective)
    grids = plan.grids
    if grid_ids is not None:
        grids = grids[grids["grid_id"].isin(set(grid_ids))]
    grids = grids.reset_index(drop=True)
    network = network or build_network(plan.layers.get("roads"), config)
    households = plan.households
    hh_grid = households["grid_id"].astype(str).to_numpy()
    hh_weight = households["households"].to_numpy(dtype=float)
    hh_points = households.geometry.to_numpy()
    hh_node, hh_snap = network.snap(hh_points)
    hh_walk = hh_snap / (config.snap_speed_kmh / 3.6)
    hh_xy = np.column_stack([shapely.get_x(hh_points), shapely.get_y(hh_points)]) if len(hh_points) \
        else np.zeros((0, 2))
    by_grid = groups(hh_grid, np.arange(len(households)))

    tree = network.tree  # the snappable nodes (shared with snapping)
    geoms = grids.geometry.to_numpy()
    inside_pairs = tree.query(geoms, predicate="intersects")  # (grid, node) pairs
    inside = groups(inside_pairs[0], network.snappable[inside_pairs[1]])
    bounds = shapely.bounds(geoms) + np.array([-1, -1, 1, 1]) * config.search_margin_m
    near_pairs = tree.query(shapely.box(*bounds.T))  # the grid's box widened by the margin
    near = groups(near_pairs[0], network.snappable[near_pairs[1]])
    # a grid with no node inside: the node nearest its inner point
    bare = [g for g in range(len(grids)) if len(inside.get(g, ())) == 0]
    bare_set = set(bare)
    if bare:
        snapped = network.snap(shapely.point_on_surface(geoms[bare]))[0]
        inside.update({g: snapped[i:i + 1] for i, g in enumerate(bare)})
    keep = [hh_node] + [inside[g] for g in bare]
    if objective == "max_reached":
        # the households within a time of a node along a chain is not concave: every node
        # of a grid stays a candidate (shape points outside the grids are still contracted)
        keep.append(network.snappable[inside_pairs[1]])
    chains = _contraction(network, np.concatenate(keep).astype(np.int64), inside_pairs[0],
                          network.snappable[inside_pairs[1]])
    reverse = chains.graph.T.tocsr()  # the reverse searches' graph, transposed once for all grids

    rows = []
    tasks = []  # (row, search) of the grids whose base is searched on the network
    for g, grid in enumerate(grids.itertuples()):
        members = by_grid.get(str(grid.grid_id), np.zeros(0, dtype=int))
        members = members[hh_weight[members] > 0]
        cand = inside[g]
        method = "nearest_node" if g in bare_set else "network"
        if len(members) == 0:  # no one to serve: the node nearest the grid's inner point
            point = shapely.point_on_surface(grid.geometry)
            node = int(cand[np.argmin(np.hypot(*(network.xy[cand] - [point.x, point.y]).T))])
            rows.append([grid.grid_id, method, node, np.nan])
            continue
        rows.append([grid.grid_id, method, None, None])
        kept = cand[chains.index[cand] >= 0]  # never empty: a grid's border nodes are kept
        tasks.append((len(rows) - 1, _BaseSearch(chains, reverse, near.get(g, np.zeros(0, dtype=int)), kept,
                                                 hh_node[members], hh_walk[members], hh_weight[members],
                                                 hh_xy[members], config.minutes(grid.regime) * 60.0, objective,
                                                 config.candidates)))
    # one task per batch of grids (in grid order, so near each other): the subgraph of their
    # neighbourhoods and plain arrays in, (node, minutes) per grid out; each grid's own subgraph
    # is cut from the batch's by the task (run here, or on an executor's workers; the same bases
    # either way)
    size = _batch_size(len(tasks), executor)
    batches = (_batch([t for _, t in tasks[start:start + size]], chains, reverse)
               for start in range(0, len(tasks), size))
    if executor is not None and not isinstance(executor, Executor):
        batches = list(batches)  # a cluster's map (gridmap batch) takes lists, not iterators
    found = [r for batch in (map(_grid_bases, batches) if executor is None else executor.map(_grid_bases, batches))
             for r in batch]
    for (row, _), (node, mean) in zip(tasks, found):
        rows[row][2:] = [node, mean]
    ids, methods, nodes, means = zip(*map(tuple, rows)) if rows else ((), (), (), ())
    nodes = np.asarray(nodes, dtype=np.int64)
    points = shapely.points(network.xy[nodes]) if len(nodes) else np.array([], dtype=object)
    if len(points):
        # A grid with no road inside (an exclave on a mountain) keeps its base inside
        # itself: the point of the grid nearest to the road node chosen for it.
        own = grids.set_index(grids["grid_id"].astype(str)).geometry.reindex([str(i) for i in ids]).to_numpy()
        away = ~shapely.covers(own, points)
        if away.any():
            points[away] = shapely.get_point(shapely.shortest_line(own[away], points[away]), 0)
    return gpd.GeoDataFrame({"grid_id": list(ids), "source": "computed", "method": list(methods),
                             "objective": objective, "mode": config.mode, "mean_minutes": list(means)},
                            geometry=points if len(nodes) else [], crs=grids.crs)


#: At most this many distinct household nodes in a grid: its base is searched exactly,
#: from the households backwards (as many sources as the screen's 8 × 8 pools at most).
_EXACT_SOURCES = 64

#: Grids per batch of base searches (one task of an executor: the subgraph of their neighbourhoods).
_CHUNK = 256
#: With an executor, the searches go out in at least this many batches (when there are as many grids).
_MIN_BATCHES = 4


def _batch_size(tasks: int, executor) -> int:
    """Grids per batch: :data:`_CHUNK` at most, and with an executor at least :data:`_MIN_BATCHES`
    batches (a small plan's searches spread over the workers instead of one task on one of them)."""
    if executor is None:
        return _CHUNK
    return max(1, min(_CHUNK, -(-tasks // _MIN_BATCHES)))


def _contraction(network: RoadNetwork, hh_node: np.ndarray, cand_grid: np.ndarray,
                 cand_node: np.ndarray) -> Contraction:
    """The network with its shape points contracted, keeping what the bases' search needs.

    Kept: junctions and dead ends (always), the households' nodes, and each grid's border
    nodes (a node inside the grid with a neighbour that is not). The candidates of a grid
    are its kept nodes: along a chain of shape points between two of them the
    household-weighted time from a node is concave (each household is reached through
    one end or the other, whichever is nearer), so the least is at one of the ends.
    """
    n = network.n
    keep = np.zeros(n, dtype=bool)
    keep[hh_node] = True
    if len(cand_node):
        graph = network.graph
        und = (graph + graph.T).tocsr()
        count = np.diff(und.indptr)[cand_node]
        nb = und.indices[np.repeat(und.indptr[cand_node + 1] - count.cumsum(), count) + np.arange(count.sum())]
        member = np.unique(cand_grid.astype(np.int64) * n + cand_node)
        key = np.repeat(cand_grid.astype(np.int64), count) * n + nb
        at = np.minimum(np.searchsorted(member, key), len(member) - 1)
        outside = member[at] != key  # a neighbour of the grid's node that is not the grid's
        keep[np.repeat(cand_node, count)[outside]] = True
    return contract(network.graph, keep)


@dataclass
class _BaseSearch:
    """What one grid's base search needs (network ids), cut out of the network by its batch (:func:`_batch`)."""

    network: Contraction
    reverse: object  # the contracted graph transposed (csr)
    near: np.ndarray
    cand: np.ndarray
    nodes: np.ndarray
    walk: np.ndarray
    w: np.ndarray
    hh_xy: np.ndarray
    limit_s: float
    objective: str
    k: int


def _batch(searches: list, chains: Contraction, reverse) -> tuple:
    """The task of :func:`_grid_bases` for some grids' searches (:class:`_BaseSearch`): the
    contracted graph and its transpose cut to the union of their neighbourhoods (``region``,
    sorted contracted ids), and per grid its nodes as positions in ``region``."""
    index = chains.index  # network id -> contracted id (-1: a shape point, left out)
    sizes = np.array([(len(t.near), len(t.cand), len(t.nodes)) for t in searches], dtype=np.int64).reshape(-1, 3)
    every = np.concatenate([np.concatenate([t.near, t.cand, t.nodes]) for t in searches]).astype(np.int64) \
        if searches else np.zeros(0, np.int64)
    contracted = index[every]
    region = np.unique(contracted[contracted >= 0])
    at = np.where(contracted >= 0, np.searchsorted(region, contracted), -1)
    cuts = np.cumsum(sizes.ravel())[:-1]
    parts = np.split(at, cuts) if len(cuts) else [at]
    grids = []
    for k, t in enumerate(searches):
        near, cand, nodes = parts[3 * k:3 * k + 3]
        grids.append((near[near >= 0], t.cand, cand, nodes, t.walk, t.w, t.hh_xy, t.limit_s, t.objective, t.k))
    return (induced_subgraph(chains.graph, region), induced_subgraph(reverse, region), grids)


def _grid_bases(batch) -> list:
    """The base node and mean minutes of each grid of a batch (:func:`_batch`; a pure, picklable task):
    each grid's subgraph on its neighbourhood, candidates and households (and the transposed one
    for the searches from the households backwards; a grid searched exactly, with few household
    nodes, needs only that one) cut from the batch's: induced subgraphs of an induced subgraph,
    the same csr matrices as cut from the whole graph (``sub.T.tocsr()`` for the transposed);
    then :func:`_grid_base`."""
    sub_r, sub_rt, grids = batch
    out = []
    for near, cand, cand_r, nodes_r, walk, w, hh_xy, limit_s, objective, k in grids:
        local = np.unique(np.concatenate([near, cand_r, nodes_r]))
        screened = len(cand) > k
        exact = screened and len(np.unique(nodes_r)) <= _EXACT_SOURCES
        sub = None if exact else induced_subgraph(sub_r, local)
        sub_t = induced_subgraph(sub_rt, local) if screened else None
        out.append(_grid_base((sub, sub_t, cand, np.searchsorted(local, cand_r), np.searchsorted(local, nodes_r),
                               walk, w, hh_xy, limit_s, objective, k)))
    return out


def _grid_base(task) -> tuple[int, float]:
    """The base node of one grid and its household-weighted mean minutes (a pure, picklable task).

    ``task``: the grid's neighbourhood subgraph, its candidate nodes (network ids and
    subgraph ids), its households' subgraph nodes, walking seconds, weights and
    coordinates, its response time (s), the objective and ``candidates``.
    """
    sub, sub_t, cand, cand_l, nodes_l, walk, w, hh_xy, limit_s, objective, k = task
    limit = limit_s if objective == "max_reached" else np.inf
    # subgraph id -> network id, for the candidates
    network_id = np.empty((sub if sub is not None else sub_t).shape[0], dtype=np.int64)
    network_id[cand_l] = cand
    sources, which = np.unique(nodes_l, return_inverse=True)
    if len(cand) > k and len(sources) <= _EXACT_SOURCES:
        # Few household nodes: one reverse search from them gives every candidate's exact
        # times (candidates × households), so the whole grid is evaluated, not a shortlist:
        # the optimum over all candidates, in one csgraph call instead of three.
        back = dijkstra(sub_t, sources, limit=limit)[:, cand_l]
        times = back[which.ravel()].T + walk
        best = _best(times, w, objective, limit_s)
    elif len(cand) > k:
        keep, horizon = _shortlist(sub_t, cand_l, nodes_l, hh_xy, w, k, objective, limit_s)
        rest_l = np.delete(cand_l, keep)
        cand, cand_l = cand[keep], cand_l[keep]
        # The screen says how far the households are from the shortlist: searching to
        # twice that first, and again to the end only from a candidate that misses one of
        # them, gives the same times (the neighbourhood's margin is left unsearched).
        bound = min(2.0 * horizon + 60.0, limit)
        full = _search(sub, cand_l, nodes_l, bound, limit)
        times = full[:, nodes_l] + walk
        best = _best(times, w, objective, limit_s)
        # Refine: the grid's nodes nearest the screened winner are tried too, which
        # catches a winner off by a street from the coarse screen.
        if np.isfinite(full[best, rest_l]).sum() < min(k, len(rest_l)):  # too few within the bound: all of them
            full[best] = dijkstra(sub, cand_l[best:best + 1], limit=limit)[0]
        near_l = rest_l[np.argsort(full[best, rest_l], kind="stable")[:k]]
        if len(near_l):
            cand = np.concatenate([cand, network_id[near_l]])
            times = np.vstack([times, _search(sub, near_l, nodes_l, bound, limit)[:, nodes_l] + walk])
            best = _best(times, w, objective, limit_s)
    else:
        times = dijkstra(sub, cand_l, limit=limit)[:, nodes_l] + walk
        best = _best(times, w, objective, limit_s)
    finite = np.isfinite(times[best])
    mean = float((times[best][finite] * w[finite]).sum() / w[finite].sum() / 60.0) if finite.any() else np.nan
    return int(cand[best]), mean


def _search(sub, sources, nodes_l, bound: float, limit: float) -> np.ndarray:
    """``dijkstra(sub, sources, limit=limit)`` where it matters: every household node's time.

    Searched to ``bound`` first; a source missing one of the households ``nodes_l``
    within it is searched again to ``limit``. Times within the bound are exact, so the
    households' times are those of the full search; other nodes may read inf beyond
    the bound.
    """
    if bound >= limit:
        return dijkstra(sub, sources, limit=limit)
    full = dijkstra(sub, sources, limit=bound)
    redo = ~np.isfinite(full[:, nodes_l]).all(axis=1)
    if redo.any():
        full[redo] = dijkstra(sub, sources[redo], limit=limit)
    return full


def _shortlist(sub_t, cand_l, nodes_l, hh_xy, w, k, objective, limit_s) -> tuple[np.ndarray, float]:
    """Indices of the ``k`` candidates best by a coarse network screen, and how far (s) the
    households' pools are from them at most (inf when none is reached).

    The grid's households are pooled into at most 8 × 8 cells (each cell's weight at the
    node of its household nearest the cell's weighted centre); one reverse multi-source
    Dijkstra from the pools gives every candidate's approximate objective.
    """
    span = max(np.ptp(hh_xy[:, 0]), np.ptp(hh_xy[:, 1]), 1.0)
    key = _cell_key(hh_xy, span / 8.0 + 1e-9)
    _, pool = np.unique(key, return_inverse=True)
    pool = pool.ravel()
    pw = np.bincount(pool, weights=w)
    centre = np.column_stack([np.bincount(pool, weights=w * hh_xy[:, 0]),
                              np.bincount(pool, weights=w * hh_xy[:, 1])]) / np.maximum(pw, 1e-12)[:, None]
    gap = np.hypot(*(hh_xy - centre[pool]).T)
    by_pool = np.lexsort((gap, pool))  # household nearest each pool's centre (the first of equals)
    rep = by_pool[np.r_[True, pool[by_pool][1:] != pool[by_pool][:-1]]]
    # pools whose representatives share a road node are searched once
    sources, which = np.unique(nodes_l[rep], return_inverse=True)
    back = dijkstra(sub_t, sources)[:, cand_l][which.ravel()]  # pools × candidates, seconds
    finite = np.isfinite(back)
    cost = pw @ np.where(finite, back, 0.0)
    lost = pw @ ~finite
    if objective == "max_reached":
        order = np.lexsort((cost, -(pw @ (back <= limit_s))))
    else:
        order = np.lexsort((cost, lost))
    chosen = back[:, order[:k]]
    horizon = float(chosen[np.isfinite(chosen)].max()) if np.isfinite(chosen).any() else np.inf
    return order[:k], horizon


def _cell_key(xy: np.ndarray, cell: float) -> np.ndarray:
    ij = np.floor(xy / cell).astype(np.int64)
    ij -= ij.min(axis=0)
    return ij[:, 0] * (ij[:, 1].max() + 1) + ij[:, 1]


def _best(times: np.ndarray, w: np.ndarray, objective: str, limit_s: float) -> int:
    """Row of ``times`` (candidates × households, s) best for the objective."""
    finite = np.isfinite(times)
    cost = np.where(finite, times, 0.0) @ w
    lost = (~finite) @ w  # households a candidate cannot reach at all
    if objective == "max_reached":
        reached = (times <= limit_s) @ w
        return int(np.lexsort((cost, -reached))[0])
    return int(np.lexsort((cost, lost))[0])


def straight_line_bases(plan) -> gpd.GeoDataFrame:
    """Bases without a road network: each grid's household point least far, weighted, from the others.

    Used only when a plan has no roads (and said so in the result's ``method``,
    ``"straight_line"``); grids without households get their inner point.
    """
    grids = plan.grids
    households = plan.households
    hh = households[households["households"] > 0]
    by_grid = {k: v for k, v in hh.groupby(hh["grid_id"].astype(str))}
    points = []
    for grid in grids.itertuples():
        group = by_grid.get(str(grid.grid_id))
        if group is None or len(group) == 0:
            points.append(shapely.point_on_surface(grid.geometry))
            continue
        xy = np.column_stack([group.geometry.x, group.geometry.y])
        w = group["households"].to_numpy(float)
        if len(xy) > 2000:  # weighted medoid among a sample of the heaviest points
            xy_c = xy[np.argsort(-w, kind="stable")[:2000]]
        else:
            xy_c = xy
        total = np.array([np.hypot(*(xy - c).T) @ w for c in xy_c])
        points.append(shapely.Point(xy_c[np.argmin(total)]))
    return gpd.GeoDataFrame({"grid_id": grids["grid_id"].to_numpy(), "source": "computed",
                             "method": "straight_line", "objective": "min_distance", "mode": "",
                             "mean_minutes": np.nan}, geometry=points, crs=grids.crs)


def plan_bases(plan, config: ReachConfig | None = None, *, bases: gpd.GeoDataFrame | None = None,
               objective: str = "min_time", network: RoadNetwork | None = None,
               executor=None) -> gpd.GeoDataFrame:
    """Every grid's base: ``bases`` given by the user where they cover a grid, computed elsewhere.

    Without user bases, a plan's existing ``bases`` layer is kept. Grids still without a
    base get one from :func:`compute_bases` (or :func:`straight_line_bases` when the plan
    has no roads). The result has one row per grid, in the grids' order, and
    ``attrs["outside"]``: user bases that fell outside every grid.
    """
    grids = plan.grids
    outside = 0
    if bases is not None and bases is plan.layers.get("bases"):
        bases = None  # the plan's own layer: kept as it is (its computed bases stay "computed")
    if bases is not None:
        given = match_bases(bases, grids)
        outside = given.attrs.get("outside", 0)
    elif "bases" in plan.layers and len(plan.layers["bases"]):
        given = plan.layers["bases"]
        given = given[given["grid_id"].astype(str).isin(set(grids["grid_id"].astype(str)))]
        keep = [c for c in ("grid_id", "source", "method", "objective", "mode", "mean_minutes") if c in given.columns]
        given = gpd.GeoDataFrame(given[keep].copy(), geometry=given.geometry.to_numpy(), crs=given.crs)
    else:
        given = gpd.GeoDataFrame({"grid_id": [], "source": []}, geometry=[], crs=grids.crs)
    given = given.assign(grid_id=given["grid_id"].astype(str))
    missing = sorted(set(grids["grid_id"].astype(str)) - set(given["grid_id"]))
    frames = [given]
    if missing:
        roads = plan.layers.get("roads")
        if roads is None or len(roads) == 0:
            computed = straight_line_bases(plan)
            computed = computed[computed["grid_id"].astype(str).isin(missing)]
        else:
            computed = compute_bases(plan, config, objective, network=network, grid_ids=missing,
                                     executor=executor)
        frames.append(computed)
    out = gpd.GeoDataFrame(pd.concat([f for f in frames if len(f)], ignore_index=True), crs=grids.crs)
    out["grid_id"] = out["grid_id"].astype(str)
    out = out.set_index("grid_id").reindex(grids["grid_id"].astype(str)).reset_index()
    if "method" in out.columns:
        out["method"] = out["method"].fillna("given")
    out = gpd.GeoDataFrame(out, geometry="geometry", crs=grids.crs)
    out.attrs["outside"] = outside
    return out
