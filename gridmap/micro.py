"""Micro-grids (微网格): an optional level below the grid, a few dozen households each.

Counties tie a party member or an informant to 10-20 households, a courtyard or a
building (Etuokeqian, Wusheng). :func:`micro_grids` splits every grid into micro-grids
of ``band`` households (10-30 by default), nested in their grid, drawn along buildings:

1. each distinct household location of the grid (a building) gets its Voronoi cell,
   clipped to the grid; parts of a cell cut off from its building are atoms without
   households;
2. cells that share an edge are neighbours; an edge whose two buildings lie across a
   road or a river is cheap to cut (weight 0.3), so micro-grids follow lanes;
3. the per-unit partitioner (:func:`gridmap.partition.plan_unit`) splits the cells
   into contiguous micro-grids in the band. A building with more households than the
   band's top (an apartment block) is a micro-grid by itself, flagged ``over_band``;
   a grid with fewer households than the band's bottom is one micro-grid.

Codes extend the grid code by a 3-digit serial (north to south, west to east): a
15-digit grid code gives 18 digits, ``<unit>-NNN`` gives ``<unit>-NNN-MMM``.
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap.codes import serial_order
from gridmap.errors import InputError
from gridmap.graph import symmetric_csr
from gridmap.plan import Plan

#: Households per micro-grid by default (Etuokeqian: 10-20 per party member; up to a courtyard of 30).
DEFAULT_BAND = (10.0, 30.0)
#: Cut weight of a cell edge whose two buildings lie across a road, river or railway (1.0 otherwise).
ACROSS_LINE_WEIGHT = 0.3


def micro_code(grid_code: str, serial: int) -> str:
    """Code of micro-grid ``serial`` (1-based) of a grid: the grid code extended by 3 digits."""
    if not 1 <= serial <= 999:
        raise ValueError(f"micro-grid serial must be 1..999, got {serial}")
    grid_code = str(grid_code)
    return f"{grid_code}{serial:03d}" if grid_code.isdigit() else f"{grid_code}-{serial:03d}"


def split_grid(geometry, points: np.ndarray, counts: np.ndarray, lines: np.ndarray, band, seed: int):
    """Micro-grids of one grid: (list of polygons, households per polygon, flags, buildings per polygon).

    ``points``: household locations (shapely points, metric CRS) inside ``geometry``;
    ``counts``: households at each; ``lines``: roads, rivers and railways near the grid.
    """
    from gridmap.partition import plan_unit

    lo, hi = band
    total = float(counts.sum())
    if len(points) == 0 or total < 2 * lo:
        flag = "" if lo <= total <= hi else ("under_band" if total < lo else "over_band")
        return [geometry], [total], [flag], [len(points)]
    frame = pd.DataFrame({"x": shapely.get_x(points), "y": shapely.get_y(points), "h": counts})
    sites = frame.groupby(["x", "y"], sort=True)["h"].agg(["sum", "size"]).reset_index()
    site_points = shapely.points(sites["x"].to_numpy(), sites["y"].to_numpy())
    if len(sites) == 1:
        return [geometry], [total], ["" if lo <= total <= hi else "over_band"], [len(points)]
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(site_points), extend_to=geometry))
    # voronoi_polygons returns cells in no documented order: find each site's cell
    ci, si = shapely.STRtree(cells).query(site_points, predicate="intersects")
    owner = np.full(len(cells), -1)
    owner[si] = ci
    cells = shapely.intersection(cells, geometry)
    parts, cell_of_part = shapely.get_parts(cells, return_index=True)
    polygonal = shapely.get_type_id(parts) == 3
    parts, cell_of_part = parts[polygonal], cell_of_part[polygonal]
    # what the clipped cells miss (nested collections, precision slivers) joins as atoms without households
    rest = shapely.difference(geometry, shapely.union_all(parts)) if len(parts) else geometry
    rest = shapely.get_parts(rest)
    rest = rest[(shapely.get_type_id(rest) == 3) & (shapely.area(rest) > 1e-6)]
    if len(rest):
        parts = np.concatenate([parts, rest])
    if len(parts) == 0:
        return [geometry], [total], [""], [len(points)]
    households = np.zeros(len(parts))
    buildings = np.zeros(len(parts), dtype=int)
    pi, si2 = shapely.STRtree(parts).query(site_points, predicate="intersects")
    first = np.unique(pi, return_index=True)[1]
    households_of_site = sites["sum"].to_numpy(float)
    np.add.at(households, si2[first], households_of_site[pi[first]])
    np.add.at(buildings, si2[first], sites["size"].to_numpy()[pi[first]])
    lost = np.setdiff1d(np.arange(len(sites)), pi[first])
    if len(lost):  # a site on the grid's edge that no part touches: the nearest part takes it
        near = shapely.STRtree(parts).nearest(site_points[lost])
        np.add.at(households, near, households_of_site[lost])
        np.add.at(buildings, near, sites["size"].to_numpy()[lost])
    i, j, length = _shared_lengths(parts)
    centroid = shapely.point_on_surface(parts)
    xy = np.column_stack([shapely.get_x(centroid), shapely.get_y(centroid)])
    weight = np.ones(len(i))
    if len(i) and len(lines):
        segments = shapely.linestrings(np.stack([xy[i], xy[j]], axis=1))
        crossing, _ = shapely.STRtree(lines).query(segments, predicate="intersects")
        weight[np.unique(crossing)] = ACROSS_LINE_WEIGHT
    n = len(parts)
    result = plan_unit(households, symmetric_csr(n, i, j, length), xy, regime="urban", band=(lo, hi), seed=seed,
                       cut_weight=symmetric_csr(n, i, j, weight))
    labels = np.asarray(result.labels)
    k = int(result.k)
    geoms = [shapely.union_all(parts[labels == g]) for g in range(k)]
    hh = np.bincount(labels, weights=households, minlength=k)
    flags = [o.kind.value if o is not None else "" for o in result.grid_outcomes]
    flags += [""] * (k - len(flags))
    return geoms, list(hh), flags, list(np.bincount(labels, weights=buildings, minlength=k).astype(int))


def _shared_lengths(parts: np.ndarray, min_length: float = 0.01):
    """Pairs of cells sharing an edge and its length (m); lengths only, so no line merging
    (:func:`gridmap.graph.shared_edges` also builds the shared lines, 3x slower here)."""
    i, j = shapely.STRtree(parts).query(parts, predicate="intersects")
    keep = i < j
    i, j = i[keep], j[keep]
    boundary = shapely.boundary(parts)
    length = shapely.length(shapely.intersection(boundary[i], boundary[j]))
    keep = length >= min_length
    return i[keep], j[keep], length[keep]


def micro_grids(plan: Plan, band=DEFAULT_BAND, *, seed: int | None = None, progress=None) -> gpd.GeoDataFrame:
    """The micro-grids of every grid of ``plan`` (a GeoDataFrame in the plan's CRS).

    Columns: ``micro_id`` (= ``code``), ``grid_id``, ``grid_code``, ``unit_id``,
    ``households``, ``buildings`` (household locations), ``in_band`` and ``flag``
    (``''``, ``under_band``, ``over_band``). ``band``: (min, max) households.
    """
    lo, hi = float(band[0]), float(band[1])
    if not (0 < lo <= hi):
        raise InputError.of("out_micro_band", band=band)
    if "households" not in plan.layers:
        raise InputError.of("out_micro_no_households")
    seed = int((plan.config.plan.seed if plan.config.plan is not None else 0) if seed is None else seed)
    grids = plan.grids.reset_index(drop=True)
    households = plan.households
    by_grid = pd.Series(np.arange(len(households))).groupby(households["grid_id"].astype(str).to_numpy()).apply(np.asarray)
    line_frames = [plan.layers[n] for n in ("roads", "waterways", "railways") if n in plan.layers and len(plan.layers[n])]
    lines = np.concatenate([f.geometry.to_numpy() for f in line_frames]) if line_frames else np.array([], dtype=object)
    tree = shapely.STRtree(lines) if len(lines) else None
    report = progress or (lambda *a: None)
    rows = []
    codes = (grids["code"] if "code" in grids else grids["grid_id"]).astype(str).to_numpy()
    for g, (grid_id, geometry) in enumerate(zip(grids["grid_id"].astype(str), grids.geometry.to_numpy())):
        members = by_grid.get(grid_id, np.array([], dtype=int))
        pts = households.geometry.to_numpy()[members]
        counts = households["households"].to_numpy(float)[members]
        near = lines[tree.query(geometry, predicate="intersects")] if tree is not None else lines
        geoms, hh, flags, nb = split_grid(geometry, pts, counts, near, (lo, hi), seed + g)
        centroid = shapely.point_on_surface(np.asarray(geoms, dtype=object))
        rank = serial_order(shapely.get_x(centroid), shapely.get_y(centroid),
                            np.sqrt(max(geometry.area, 1.0) / max(len(geoms), 1)))
        for m in range(len(geoms)):
            code = micro_code(codes[g], int(rank[m]) + 1)
            rows.append({"micro_id": code, "code": code, "grid_id": grid_id, "grid_code": codes[g],
                         "unit_id": grids["unit_id"].iloc[g], "households": float(hh[m]), "buildings": int(nb[m]),
                         "in_band": bool(lo - 1e-9 <= hh[m] <= hi + 1e-9), "flag": flags[m], "geometry": geoms[m]})
        report("micro-grids", g + 1, len(grids))
    out = gpd.GeoDataFrame(rows, geometry="geometry", crs=grids.crs)
    return out.sort_values("micro_id").reset_index(drop=True)


def add_micro_grids(plan: Plan, band=DEFAULT_BAND, *, seed: int | None = None, progress=None) -> Plan:
    """``plan`` with a ``micro_grids`` layer, ``grids.micro_grids`` (count per grid) and ``meta["micro_grids"]``."""
    micro = micro_grids(plan, band, seed=seed, progress=progress)
    layers = dict(plan.layers)
    layers["micro_grids"] = micro
    per_grid = micro.groupby("grid_id").size()
    layers["grids"] = plan.grids.assign(micro_grids=per_grid.reindex(plan.grids["grid_id"].astype(str)).fillna(0)
                                        .astype(int).to_numpy())
    meta = dict(plan.meta)
    settled = micro[micro["households"] > 0]
    meta["micro_grids"] = {
        "band": [float(band[0]), float(band[1])], "count": int(len(micro)),
        "with_households": int(len(settled)),
        "in_band_share": float(settled["in_band"].mean()) if len(settled) else None,
        "households_median": float(settled["households"].median()) if len(settled) else 0.0,
        "over_band_buildings": int((settled["flag"] == "over_band").sum()),
    }
    return Plan(layers=layers, meta=meta)
