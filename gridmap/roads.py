"""The road network: the graph of travel seconds between road nodes.

The travel rules (mode, speeds per road class, response minutes, service-area buffers)
are :class:`~gridmap.config.ReachConfig`, with every other rule of a plan in
:mod:`gridmap.config` (re-exported here); the OSM classes and one-way words are
:mod:`gridmap.osm_classes`. :func:`road_graph` turns the plan's ``roads`` layer (OSM ways
or any line layer with a ``highway`` column) into a directed ``scipy.sparse.csr_matrix``
of travel seconds; :mod:`gridmap.bases` picks each grid's base on it (its functions are
re-exported here) and :mod:`gridmap.reach` measures what each base reaches.

How the graph is built
----------------------
OSM ways meet at shared nodes, so every vertex of every line becomes a node: coordinates
rounded to 0.1 m and deduplicated, edges between consecutive vertices of a line (length
in metres ÷ speed). Lines that merely cross without a shared vertex (bridges, tunnels)
stay unconnected, as they should. Parallel edges keep the fastest. One-way ways
(``oneway`` = ``yes``/``true``/``1``, ``-1``/``reverse``, or implied on motorways, their links
and roundabouts)
are directed for the modes in ``ReachConfig.oneway_modes``. Road classes missing from a
mode's speed table are closed to it (motorways for walking and e-bikes, footways for cars).

Searches from many sources (bases, candidate bases) run on :func:`contract`'s graph:
the chains of shape points (nodes with two neighbours, most of an OSM network's nodes)
become one edge each way between the nodes kept, with the same shortest times between
them; the shape points' times follow from their chain's two ends.

Households and bases off the network walk to the nearest node of the network's largest
(weakly) connected component at ``snap_speed_kmh`` (4.5 km/h, walking); islands of a few
unconnected service roads would otherwise make their neighbours unreachable.
"""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import sparse
from scipy.sparse import csgraph

from gridmap.config import DEFAULT_SPEEDS, IMPLIED_ONEWAY, MODES, ReachConfig  # noqa: F401 (re-exported)
from gridmap.errors import InputError
from gridmap.osm_classes import IMPLIED_ONEWAY_HIGHWAYS, IMPLIED_ONEWAY_JUNCTIONS, ONEWAY_BACKWARD, ONEWAY_FORWARD




# --------------------------------------------------------------------------- the graph


@dataclass
class RoadNetwork:
    """A road graph with what reach needs besides the matrix.

    ``graph[i, j]`` is the travel time (s) from node i to node j along one edge; ``xy``
    the node coordinates (m, plan CRS); ``snappable`` the nodes of the largest weakly
    connected component, to which points off the network snap.
    """

    graph: sparse.csr_matrix
    xy: np.ndarray
    snappable: np.ndarray
    mode: str
    _tree: shapely.STRtree | None = None
    #: the last points snapped (a digest of their coordinates) and their nodes and distances:
    #: staffing and reach snap the same households on one network
    _snapped: tuple | None = field(default=None, repr=False, compare=False)

    @property
    def n(self) -> int:
        return self.xy.shape[0]

    @property
    def tree(self) -> shapely.STRtree:
        """STRtree over the snappable nodes' points (its indices are positions in ``snappable``).

        Built once per network and shared by snapping and the bases' search for nodes
        inside grids (staffing and reach reuse one network, see
        :func:`gridmap.pipeline.staff_and_reach`).
        """
        if self._tree is None:
            self._tree = shapely.STRtree(shapely.points(self.xy[self.snappable]))
        return self._tree

    def snap(self, points) -> tuple[np.ndarray, np.ndarray]:
        """Nearest snappable node of each point, and the distance to it (m)."""
        points = np.asarray(points, dtype=object)
        if len(points) == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        key = None
        if len(points) >= 1000 and (shapely.get_type_id(points) == 0).all():  # points: their coordinates say it all
            digest = hashlib.blake2b(shapely.get_coordinates(points).tobytes(), digest_size=16)
            digest.update(shapely.is_empty(points).tobytes())
            key = (len(points), digest.digest())
            if self._snapped is not None and self._snapped[0] == key:
                return self._snapped[1].copy(), self._snapped[2].copy()
        nearest = self.snappable[self.tree.nearest(points)]
        dx = shapely.get_x(points) - self.xy[nearest, 0]
        dy = shapely.get_y(points) - self.xy[nearest, 1]
        node, distance = nearest.astype(np.int64), np.hypot(dx, dy)
        if key is not None:
            self._snapped = (key, node.copy(), distance.copy())
        return node, distance


def road_graph(roads: gpd.GeoDataFrame, config: ReachConfig | None = None) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Directed graph of travel seconds on ``roads`` for ``config.mode``.

    Parameters
    ----------
    roads : lines in a metric CRS with a ``highway`` column (and optionally ``oneway``,
        ``maxspeed``).
    config : travel rules (default :class:`ReachConfig`).

    Returns
    -------
    (graph, xy) : ``csr_matrix`` (n × n) of seconds along each edge, and node
        coordinates (n × 2, metres).
    """
    network = build_network(roads, config)
    return network.graph, network.xy


def build_network(roads: gpd.GeoDataFrame, config: ReachConfig | None = None) -> RoadNetwork:
    """:func:`road_graph` plus the snappable nodes, as a :class:`RoadNetwork`."""
    config = config or ReachConfig()
    mode = config.mode
    if roads is None or len(roads) == 0:
        raise InputError.of("out_roads_none", mode=mode)
    if roads.crs is not None and not roads.crs.is_projected:
        raise InputError.of("out_roads_not_metric")
    if "highway" not in roads.columns:
        raise InputError.of("out_roads_no_highway")
    table = config.speeds[mode]
    geoms = roads.geometry.to_numpy()
    highway = roads["highway"].fillna("").astype(str).to_numpy()
    kmh = pd.Series(highway).map(table).to_numpy(dtype=float)
    if config.use_maxspeed and mode != "walk" and "maxspeed" in roads.columns:
        kmh = np.fmin(kmh, np.where(np.isnan(kmh), np.nan, parse_maxspeed(roads["maxspeed"])))
    direction = np.zeros(len(roads), dtype=np.int8)  # 0 both ways, 1 forward only, -1 backward only
    if mode in config.oneway_modes:
        direction = oneway_direction(roads)
    open_ = ~np.isnan(kmh) & np.isin(shapely.get_type_id(geoms), (1, 5))  # LineString, MultiLineString
    if not open_.any():
        raise InputError.of("out_roads_closed", count=len(roads), mode=mode, classes=sorted(set(highway))[:10])
    parts, owner = shapely.get_parts(geoms[open_], return_index=True)
    line_kmh = kmh[open_][owner]
    line_dir = direction[open_][owner]
    coords, line = shapely.get_coordinates(parts, return_index=True)
    node, xy = _dedupe(coords)
    same = line[1:] == line[:-1]
    u, v = node[:-1][same], node[1:][same]
    metres = np.hypot(*(coords[1:][same] - coords[:-1][same]).T)
    seconds = metres / (line_kmh[line[1:][same]] / 3.6)
    dirs = line_dir[line[1:][same]]
    keep = u != v
    u, v, seconds, dirs = u[keep], v[keep], seconds[keep], dirs[keep]
    fwd, bwd = dirs >= 0, dirs <= 0
    src = np.concatenate([u[fwd], v[bwd]])
    dst = np.concatenate([v[fwd], u[bwd]])
    sec = np.concatenate([seconds[fwd], seconds[bwd]])
    order = np.lexsort((sec, dst, src))  # fastest of parallel edges first
    src, dst, sec = src[order], dst[order], sec[order]
    first = np.ones(len(src), dtype=bool)
    first[1:] = (src[1:] != src[:-1]) | (dst[1:] != dst[:-1])
    n = len(xy)
    graph = sparse.csr_matrix((sec[first], (src[first], dst[first])), shape=(n, n))
    _, labels = csgraph.connected_components(graph, directed=True, connection="weak")
    main = np.flatnonzero(labels == np.argmax(np.bincount(labels)))
    return RoadNetwork(graph=graph, xy=xy, snappable=main, mode=mode)


def _dedupe(coords: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Node id of each coordinate (rounded to 0.1 m) and the nodes' coordinates."""
    grid = np.round(coords * 10.0).astype(np.int64)
    grid -= grid.min(axis=0)
    span = grid.max(axis=0) + 1
    if span[0] * span[1] < 2**62:
        _, first, inverse = np.unique(grid[:, 0] * span[1] + grid[:, 1], return_index=True, return_inverse=True)
    else:  # a continent in decimetres: fall back to row-wise uniqueness
        _, first, inverse = np.unique(grid, axis=0, return_index=True, return_inverse=True)
    return inverse.ravel(), coords[first]


def parse_maxspeed(values) -> np.ndarray:
    """km/h of OSM ``maxspeed`` tags ("50", "30 mph", "50;30" takes the first); NaN otherwise."""
    text = pd.Series(values).fillna("").astype(str).str.strip().str.lower()
    number = pd.to_numeric(text.str.extract(r"^(\d+(?:\.\d+)?)")[0], errors="coerce")
    mph = text.str.contains("mph", regex=False)
    kmh = np.where(mph, number * 1.609344, number).astype(float)
    kmh[~(kmh > 0)] = np.nan
    return kmh


def oneway_direction(roads: gpd.GeoDataFrame) -> np.ndarray:
    """+1 where a line may be travelled only along its digitised direction, -1 only against it, 0 both."""
    n = len(roads)
    if "oneway" in roads.columns:
        raw = roads["oneway"]
        if raw.dtype == bool:
            text = np.where(raw.to_numpy(), "yes", "no")
        else:
            text = raw.map(lambda v: "" if v is None or (isinstance(v, float) and math.isnan(v))
                           else ("yes" if v is True else "no" if v is False else str(v).strip().lower())).to_numpy()
    else:
        text = np.full(n, "", dtype=object)
    out = np.zeros(n, dtype=np.int8)
    out[np.isin(text, list(ONEWAY_FORWARD))] = 1
    out[np.isin(text, list(ONEWAY_BACKWARD))] = -1
    # implied as the OSM reader implies it (gridmap.osm_classes): motorways, their links, roundabouts
    implied = roads["highway"].isin(IMPLIED_ONEWAY_HIGHWAYS).to_numpy()
    if "junction" in roads.columns:
        implied = implied | roads["junction"].isin(IMPLIED_ONEWAY_JUNCTIONS).to_numpy()
    out[(text == "") & implied] = 1
    return out


def dijkstra(graph: sparse.csr_matrix, sources, *, limit: float = np.inf, chunk: int = 64) -> np.ndarray:
    """Travel seconds from each source node to every node (inf beyond ``limit``).

    One call of :func:`scipy.sparse.csgraph.dijkstra` per ``chunk`` sources, so memory
    stays at chunk × n floats.
    """
    sources = np.asarray(sources, dtype=np.int64)
    out = np.empty((len(sources), graph.shape[0]))
    for start in range(0, len(sources), chunk):
        out[start:start + chunk] = csgraph.dijkstra(graph, directed=True, indices=sources[start:start + chunk],
                                                    limit=limit)
    return out


def induced_subgraph(graph: sparse.csr_matrix, nodes: np.ndarray) -> sparse.csr_matrix:
    """The subgraph of ``graph`` on ``nodes`` (sorted, unique), node i of it being ``nodes[i]``.

    The same matrix as ``graph[nodes][:, nodes]`` (edge for edge, so shortest paths on it
    are the same to the last bit), built by one row selection and a binary search of the
    columns instead of scipy's column fancy indexing, which costs several times more
    and showed in the bases' per-grid searches.
    """
    nodes = np.asarray(nodes, dtype=np.int64)
    m = len(nodes)
    lo, hi = graph.indptr[nodes], graph.indptr[nodes + 1]
    count = hi - lo
    total = int(count.sum())
    if m == 0 or total == 0:
        return sparse.csr_matrix((m, m))
    # the rows' entries by plain numpy (scipy's row fancy indexing costs ~1 ms a call)
    at = np.repeat(hi - np.cumsum(count), count) + np.arange(total)
    indices, data = graph.indices[at], graph.data[at]
    col = np.searchsorted(nodes, indices)
    keep = nodes[np.minimum(col, m - 1)] == indices
    row_of = np.repeat(np.arange(m), count)
    indptr = np.zeros(m + 1, dtype=np.int64)
    np.cumsum(np.bincount(row_of[keep], minlength=m), out=indptr[1:])
    return sparse.csr_matrix((data[keep], col[keep], indptr), shape=(m, m))


@dataclass(frozen=True)
class Contraction:
    """The road graph with its chains of shape points contracted, for fast repeated searches.

    Most nodes of a graph built from OSM lines are shape points: a vertex with exactly two
    neighbours (88 % of the bundled extract's 73,000 nodes). A chain of them between two
    kept nodes (junctions, dead ends, and whatever the caller keeps: household nodes,
    bases) becomes one edge each way it can be travelled, its time the sum along the chain.
    Shortest times between kept nodes are the same on ``graph`` as on the full network (up
    to the rounding of the sums' order), on a graph several times smaller.

    ``graph``: k × k csr matrix of seconds between kept nodes; ``kept``: their network ids
    (sorted); ``index``: network id -> contracted id, -1 for a contracted node;
    ``ends`` (n × 2): the two kept nodes a contracted node's chain runs between (-1 for a
    kept node); ``from_end`` / ``to_end`` (n × 2): seconds along the chain from that end to
    the node / from the node to that end (inf where the chain is one way the other way,
    and for kept nodes); ``end_ptr`` / ``end_inner``: the contracted nodes on the chains
    at each kept node (``end_inner[end_ptr[i]:end_ptr[i + 1]]`` for contracted id i).
    """

    graph: sparse.csr_matrix
    kept: np.ndarray
    index: np.ndarray
    ends: np.ndarray
    from_end: np.ndarray
    to_end: np.ndarray
    end_ptr: np.ndarray
    end_inner: np.ndarray
    _speed: float | None = field(default=None, repr=False, compare=False)
    _kept_tree: shapely.STRtree | None = field(default=None, repr=False, compare=False)

    def within(self, dist: np.ndarray, budget: float, ids: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Network nodes reached within ``budget`` seconds, sorted, and their times.

        ``dist``: seconds from one kept source to every kept node (k), or to the kept
        nodes ``ids`` (sorted contracted ids; a search on part of the graph, see
        :meth:`search`; nodes outside them count as unreached). Only the chains
        leaving a reached kept node are looked at, so the work follows what is reached,
        not the size of the network.
        """
        local_hit = np.flatnonzero(dist <= budget)
        hit = local_hit if ids is None else ids[local_hit]
        lo, hi = self.end_ptr[hit], self.end_ptr[hit + 1]
        count = hi - lo
        inner = np.unique(self.end_inner[np.repeat(hi - count.cumsum(), count) + np.arange(count.sum())]) \
            if count.sum() else np.zeros(0, dtype=np.int64)
        e = self.index[self.ends[inner]]
        t = np.minimum(values_at(dist, ids, e[:, 0]) + self.from_end[inner, 0],
                       values_at(dist, ids, e[:, 1]) + self.from_end[inner, 1])
        ok = t <= budget
        nodes = np.concatenate([self.kept[hit], inner[ok]])
        times = np.concatenate([dist[local_hit], t[ok]])
        order = np.argsort(nodes, kind="stable")
        return nodes[order], times[order]

    def search(self, sources: np.ndarray, limit: float, xy: np.ndarray, *,
               chunk: int = 64) -> tuple[np.ndarray | None, np.ndarray]:
        """Seconds from ``sources`` (contracted ids) to the kept nodes, inf beyond ``limit``.

        Returns ``(ids, dist)``: ``dist`` (sources × len(ids)) over the sorted contracted
        ids ``ids``, or over all kept nodes when ``ids`` is None. A node reached within the
        limit lies within ``limit`` × the graph's top speed (straight line) of its source,
        and so does every node on the way, so a bounded search runs on the kept nodes
        in the sources' box widened by that radius: the same times, and work that
        follows the area searched rather than the network's size (a county of 100,000
        blocks searched from each of thousands of bases). ``xy``: the network's node
        coordinates (m).
        """
        sources = np.asarray(sources, dtype=np.int64)
        k = len(self.kept)
        if np.isfinite(limit) and len(sources):
            if self._speed is None:  # metres per second, the fastest edge (straight line between its ends)
                coo = self.graph.tocoo()
                metres = np.hypot(*(xy[self.kept[coo.row]] - xy[self.kept[coo.col]]).T)
                object.__setattr__(self, "_speed", float(np.max(metres / coo.data)) if coo.nnz else 0.0)
                object.__setattr__(self, "_kept_tree", shapely.STRtree(shapely.points(xy[self.kept])))
            radius = limit * self._speed * (1 + 1e-9) + 1.0
            lo = xy[self.kept[sources]].min(axis=0) - radius
            hi = xy[self.kept[sources]].max(axis=0) + radius
            ids = np.sort(self._kept_tree.query(shapely.box(*lo, *hi)))
            if len(ids) < 0.5 * k:  # else the whole graph costs no more
                sub = induced_subgraph(self.graph, ids)
                return ids, dijkstra(sub, np.searchsorted(ids, sources), limit=limit, chunk=chunk)
        return None, dijkstra(self.graph, sources, limit=limit, chunk=chunk)

    def times_to_all(self, dist: np.ndarray) -> np.ndarray:
        """Seconds to every network node (rows × n) from seconds to the kept nodes (rows × k).

        A contracted node is reached through one of its chain's two ends; ``dist`` must
        come from sources that are kept nodes (a chain's inside is entered only at its ends).
        """
        n = len(self.index)
        out = np.full((dist.shape[0], n), np.inf)
        out[:, self.kept] = dist
        inner = np.flatnonzero(self.index < 0)
        if len(inner):
            e = self.index[self.ends[inner]]  # contracted ids of the two ends
            out[:, inner] = np.minimum(dist[:, e[:, 0]] + self.from_end[inner, 0],
                                       dist[:, e[:, 1]] + self.from_end[inner, 1])
        return out


def values_at(dist: np.ndarray, ids: np.ndarray | None, targets: np.ndarray) -> np.ndarray:
    """``dist`` at the contracted ids ``targets``: ``dist[targets]``, or, when ``dist`` is
    over the sorted ids ``ids`` only, inf for targets outside them."""
    targets = np.asarray(targets, dtype=np.int64)
    if ids is None:
        return dist[targets]
    if len(ids) == 0:
        return np.full(len(targets), np.inf)
    pos = np.minimum(np.searchsorted(ids, targets), len(ids) - 1)
    return np.where(ids[pos] == targets, dist[pos], np.inf)


def contract(graph: sparse.csr_matrix, keep: np.ndarray | None = None) -> Contraction:
    """:class:`Contraction` of ``graph`` keeping junctions, dead ends and the nodes of ``keep``.

    ``keep``: boolean mask (n) or node ids that must stay nodes. A closed ring of shape
    points without any junction keeps its lowest node. Vectorised: the chains are the
    connected components of the shape points, and the times along them come from two
    single-source searches (from every chain's first end, from its second end) and two on
    the reversed graph.
    """
    n = graph.shape[0]
    must = np.zeros(n, dtype=bool)
    if keep is not None:
        keep = np.asarray(keep)
        if keep.dtype == bool:
            must |= keep
        else:
            must[keep.astype(np.int64)] = True
    coo = graph.tocoo()
    r0, c0, w0 = coo.row.astype(np.int64), coo.col.astype(np.int64), coo.data
    und = sparse.csr_matrix((np.ones(2 * len(r0)), (np.concatenate([r0, c0]), np.concatenate([c0, r0]))),
                            shape=(n, n))
    und.sum_duplicates()
    und_coo = und.tocoo()
    ur, uc = und_coo.row.astype(np.int64), und_coo.col.astype(np.int64)
    kept = must | (np.diff(und.indptr) != 2)
    for _ in range(2):  # the second pass only when rings of shape points were found
        inner = ~kept
        both = inner[ur] & inner[uc]
        _, label = csgraph.connected_components(sparse.csr_matrix(
            (np.ones(both.sum()), (ur[both], uc[both])), shape=(n, n)), directed=False)
        border = inner[ur] & kept[uc]  # (shape point, kept neighbour) pairs: two per chain
        pairs = np.bincount(label[ur[border]], minlength=n)
        ring = inner & (pairs[label] == 0)
        if not ring.any():
            break
        first = np.full(n, n, dtype=np.int64)
        np.minimum.at(first, label[ring], np.flatnonzero(ring))
        kept[first[first < n]] = True
    inner = ~kept
    border = inner[ur] & kept[uc]
    bx, bk = ur[border], uc[border]
    order = np.lexsort((bx, bk, label[bx]))
    bx, bk = bx[order], bk[order]
    chain = label[bx]
    if len(chain) % 2 or (len(chain) and not (chain[0::2] == chain[1::2]).all()):
        raise AssertionError("contract: a chain of shape points without exactly two ends")
    entry = np.stack([bx[0::2], bx[1::2]], axis=1)  # per chain: its node next to end 0, end 1
    end = np.stack([bk[0::2], bk[1::2]], axis=1)
    ends = np.full((n, 2), -1, dtype=np.int64)
    # every shape point of a chain gets the chain's ends: through the chain labels
    label_chain = np.full(n, -1, dtype=np.int64)
    label_chain[label[entry[:, 0]]] = np.arange(len(entry))
    own = label_chain[label]
    ends[inner] = end[own[inner]]
    weight = sparse.csr_matrix((w0, (r0, c0)), shape=(n, n))
    inside = inner[r0] & inner[c0]
    ir, ic, iw = r0[inside], c0[inside], w0[inside]
    from_end = np.full((n, 2), np.inf)
    to_end = np.full((n, 2), np.inf)
    for side in (0, 1):
        a, x = end[:, side], entry[:, side]
        into = np.asarray(weight[a, x]).ravel() if len(a) else np.zeros(0)  # end -> chain (0: no edge)
        out_of = np.asarray(weight[x, a]).ravel() if len(a) else np.zeros(0)
        for reverse, w_super, target in ((False, into, from_end), (True, out_of, to_end)):
            ok = w_super > 0
            src = np.concatenate([ic if reverse else ir, np.full(ok.sum(), n)])
            dst = np.concatenate([ir if reverse else ic, x[ok]])
            h = sparse.csr_matrix((np.concatenate([iw, w_super[ok]]), (src, dst)), shape=(n + 1, n + 1))
            target[:, side] = csgraph.dijkstra(h, directed=True, indices=n)[:n]
    # edges of the contracted graph: kept -> kept directly, and along each chain end to end
    direct = kept[r0] & kept[c0]
    src, dst, sec = [r0[direct]], [c0[direct]], [w0[direct]]
    for side in (0, 1):
        other = 1 - side
        x_out, a_from, a_to = entry[:, other], end[:, side], end[:, other]
        through = from_end[x_out, side] + (np.asarray(weight[x_out, a_to]).ravel() if len(x_out) else 0.0)
        exit_ok = (np.asarray(weight[x_out, a_to]).ravel() > 0) if len(x_out) else np.zeros(0, dtype=bool)
        ok = np.isfinite(through) & exit_ok & (a_from != a_to)
        src.append(a_from[ok])
        dst.append(a_to[ok])
        sec.append(through[ok])
    src, dst, sec = np.concatenate(src), np.concatenate(dst), np.concatenate(sec)
    order = np.lexsort((sec, dst, src))  # the fastest of parallel edges
    src, dst, sec = src[order], dst[order], sec[order]
    first = np.ones(len(src), dtype=bool)
    first[1:] = (src[1:] != src[:-1]) | (dst[1:] != dst[:-1])
    kept_ids = np.flatnonzero(kept)
    index = np.full(n, -1, dtype=np.int64)
    index[kept_ids] = np.arange(len(kept_ids))
    k = len(kept_ids)
    small = sparse.csr_matrix((sec[first], (index[src[first]], index[dst[first]])), shape=(k, k))
    # the shape points of the chains at each kept node (csr-like, by contracted id)
    inner_ids = np.flatnonzero(inner)
    at = np.concatenate([index[ends[inner_ids, 0]], index[ends[inner_ids, 1]]])
    who = np.concatenate([inner_ids, inner_ids])
    by = np.argsort(at, kind="stable")
    end_ptr = np.zeros(k + 1, dtype=np.int64)
    np.cumsum(np.bincount(at, minlength=k), out=end_ptr[1:])
    return Contraction(graph=small, kept=kept_ids, index=index, ends=ends, from_end=from_end, to_end=to_end,
                       end_ptr=end_ptr, end_inner=who[by])


#: Base selection lives in gridmap.bases; these names are re-exported (loaded on first use).
_BASES = ("match_bases", "compute_bases", "straight_line_bases", "plan_bases")


def __getattr__(name: str):
    if name in _BASES:
        import gridmap.bases

        return getattr(gridmap.bases, name)
    raise AttributeError(f"module 'gridmap.roads' has no attribute {name!r}")
