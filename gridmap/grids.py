"""The grids layer of a plan, assembled from the partitioned atoms: codes, levels, band status, flags.

:func:`assemble_grids` unions each grid's atoms and writes the columns of the grids
layer (docs/design.md lists them); :func:`grid_codes` numbers a unit's grids in reading
order; :func:`check_pieces` makes a grid in more parts than its atoms a loud bug.
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap._geometry import merged
from gridmap.codes import grid_code, serial_order
from gridmap.errors import InputError
from gridmap.graph import symmetric_csr
from gridmap.outcomes import FlagKind

__all__ = ["assemble_grids", "check_pieces", "grid_codes"]


def grid_codes(unit_id, labels, xy, unit_geometry):
    from gridmap.codes import MAX_REGULAR

    k = int(labels.max()) + 1 if len(labels) else 1
    if k > MAX_REGULAR:  # make_plan refuses what the band implies; islands may still add some
        raise InputError.of("out_grid_codes_full", unit=unit_id, k=k, max=MAX_REGULAR)
    if k == 1:
        return np.array([grid_code(unit_id, 1)], dtype=object)
    cx = np.bincount(labels, weights=xy[:, 0], minlength=k) / np.maximum(np.bincount(labels, minlength=k), 1)
    cy = np.bincount(labels, weights=xy[:, 1], minlength=k) / np.maximum(np.bincount(labels, minlength=k), 1)
    row_height = np.sqrt(unit_geometry.area / k)
    rank = serial_order(cx, cy, row_height)
    return np.array([grid_code(unit_id, r + 1) for r in rank], dtype=object)


def check_pieces(grids: gpd.GeoDataFrame, grid_of_atom: np.ndarray, adjacency, *, tolerance_m2: float = 1.0) -> None:
    """Raise if a grid's polygon has more parts than its atoms have connected pieces.

    Atoms are single polygons joined by shared edges (:mod:`gridmap.atoms`), so a grid
    the partitioner made connected is one polygon, and only a grid that is a whole cut-off
    unit (a village with an exclave) may be in parts. This holds by construction; the
    check makes a violation a loud bug rather than a plan that fails ``gridmap validate``
    (parts up to ``tolerance_m2`` m² are floating-point noise, as in the validator).
    """
    from scipy.sparse.csgraph import connected_components

    a = adjacency.tocoo()
    same = grid_of_atom[a.row] == grid_of_atom[a.col]
    n = len(grid_of_atom)
    within = symmetric_csr(n, a.row[same], a.col[same], np.ones(int(same.sum())))
    _, piece = connected_components(within, directed=False)
    pieces = pd.Series(piece).groupby(grid_of_atom).nunique()
    parts, owner = shapely.get_parts(grids.geometry.values, return_index=True)
    real = shapely.area(parts) > tolerance_m2
    n_parts = pd.Series(np.bincount(owner[real], minlength=len(grids)), index=grids["grid_id"].to_numpy())
    bad = n_parts[n_parts > pieces.reindex(n_parts.index).fillna(1)]
    if len(bad):
        raise RuntimeError(f"gridmap bug: grid(s) {', '.join(map(str, bad.index[:5]))} in more parts than their "
                           "connected atoms (atom adjacency and geometry disagree); please report it with the inputs")


def union_by_group(geoms: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """The union of ``geoms`` per key, in sorted key order (members in their order of ``geoms``).

    The same unions as a pandas groupby with a ``union_all`` per group, without its
    per-group Python overhead (2,000 grids of 20,000 atoms: 0.5 s). A group whose members
    form a valid coverage is merged by GEOS' coverage union (:func:`gridmap._geometry.merged`):
    the same polygon (``equals``), its vertices possibly in another order.
    """
    _, group = np.unique(keys, return_inverse=True)
    group = group.ravel()
    order = np.argsort(group, kind="stable")
    bounds = np.flatnonzero(np.diff(group[order])) + 1
    geoms = np.asarray(geoms, dtype=object)
    return np.array([merged(geoms[members]) for members in np.split(order, bounds)] if len(order) else [],
                    dtype=object)


def assemble_grids(atoms, units, flag_of_grid, kind_of_grid, config, county_name):
    """The grids layer: one row per grid, with the four levels county > township (parent) > unit > grid."""
    grouped = atoms.groupby("grid_id")
    grids = gpd.GeoDataFrame({"grid_id": grouped.size().index.to_numpy()},
                             geometry=union_by_group(atoms.geometry.values, atoms["grid_id"].to_numpy()), crs=atoms.crs)
    grids["unit_id"] = grouped["unit_id"].first().reindex(grids["grid_id"]).to_numpy()
    grids["households"] = grouped["households"].sum().reindex(grids["grid_id"]).to_numpy()
    grids["atoms"] = grouped.size().reindex(grids["grid_id"]).to_numpy()
    info = units.set_index("unit_id")
    grids["code"] = grids["grid_id"]
    grids["county_name"] = county_name
    grids["unit_name"] = info["name"].reindex(grids["unit_id"]).to_numpy()
    grids["parent_id"] = info["parent_id"].reindex(grids["unit_id"]).to_numpy()
    grids["parent_name"] = info["parent_name"].reindex(grids["unit_id"]).to_numpy()
    grids["regime"] = grids["grid_id"].map(kind_of_grid).to_numpy()
    area = grids.geometry.area
    perimeter = grids.geometry.length
    grids["area_km2"] = area / 1e6
    grids["polsby_popper"] = np.where(perimeter > 0, 4 * np.pi * area / perimeter**2, 0.0)
    grids["in_band"] = config.band.contains(grids["households"].to_numpy(float))
    # the flag's kind and its sentence become columns here, at the edge (never read back)
    flags = [flag_of_grid.get(g) for g in grids["grid_id"]]
    grids["flag"] = [f.kind.value if f is not None else "" for f in flags]
    grids["flag_reason"] = [f.text if f is not None else "" for f in flags]
    # an out-of-band grid the partitioner proved unavoidable (by counts or an exhaustive search),
    # which gridmap validate then reports as a warning; False for the heuristic's failures
    grids["flag_proven"] = [f is not None and f.kind in (FlagKind.OVER_BAND, FlagKind.UNDER_BAND) and bool(f.proven)
                            for f in flags]
    order = ["grid_id", "code", "county_name", "parent_id", "parent_name", "unit_id", "unit_name", "regime", "households", "atoms",
             "area_km2", "polsby_popper", "in_band", "flag", "flag_reason", "flag_proven", "geometry"]
    return grids[order].sort_values("grid_id").reset_index(drop=True)
