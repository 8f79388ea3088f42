"""New household data re-divided with minimal disturbance (``gridmap adjust``).

A county's households change: an estate is built, the register is updated. Drawing
the plan again would move most households to another grid and renumber the codes.
:func:`adjust_plan` instead recounts the households of every atom, and re-cuts only
the grids that left the band, each with as few of its neighbours as needed:

1. the new households are attached to the plan's atoms (an atom that now holds more
   households than a grid may is split along its buildings, as when planning, unless
   its grid is locked);
2. every unlocked urban grid out of the band (while its unit's total allows the band)
   seeds a *region*: the grid alone first, then grown by one neighbouring grid of its
   unit at a time (never a locked, island, rural or dedicated grid), until the
   per-unit partitioner (:func:`gridmap.partition.plan_unit`, on the sub-graph of the
   region's atoms) splits it into grids all in the band, or the unit has no more
   neighbours to give;
3. the region's new grids take the ids (and codes) of the old grids they share most
   households with; grids left over are retired, extra grids get the next free serials
   (:func:`gridmap.update.regrid`).

Everything else keeps its atoms, geometry and code. :class:`AdjustResult` says what
moved: the share of households whose grid changed, grids changed, added and retired.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap._geometry import edge_matched_near, line_parts
from gridmap.config import Band, PlanConfig
from gridmap.errors import InputError
from gridmap.graph import edge_classes, shared_edges, subgraph, symmetric_csr, with_paths
from gridmap.plan import Plan
from gridmap.update import UpdateResult, locked_ids, regrid, restaff_plan

#: Regimes that adjust never re-cuts: rural units keep their rule, islands and dedicated grids are what they are.
_FIXED_REGIMES = ("rural", "island", "dedicated")


@dataclass
class AdjustResult:
    """An adjusted plan and what it took.

    Attributes
    ----------
    update : the :class:`~gridmap.update.UpdateResult` (plan, changed/added/retired, faults).
    households_kept_share : share of households (new data) whose grid (id) is the same as
        before; households of atoms new to the plan count by their old atom's grid.
    regions : per region re-cut: unit, seed grids, grids taken in, grids out, in band or not.
    out_of_band_before, out_of_band_after : unlocked urban grids out of band (in units where
        the band can be met) before and after.
    seconds : wall time of the adjustment (without staffing and reach).
    """

    update: UpdateResult
    households_kept_share: float
    regions: list = field(default_factory=list)
    out_of_band_before: list = field(default_factory=list)
    out_of_band_after: list = field(default_factory=list)
    seconds: float = 0.0

    @property
    def plan(self) -> Plan:
        return self.update.plan

    def report(self) -> dict:
        """Plain figures (``adjust.json``)."""
        return {"households_kept_share": self.households_kept_share, "regions": self.regions,
                "out_of_band_before": self.out_of_band_before, "out_of_band_after": self.out_of_band_after,
                "seconds": round(self.seconds, 3)} | self.update.changes()


def attach_new_households(plan: Plan, households: gpd.GeoDataFrame, *, locked=()) -> Plan:
    """``plan`` with a new households layer: atoms recounted, oversized atoms split along their buildings.

    ``households``: points with a ``households`` count (any CRS). Points outside every
    atom go to the nearest one. Atoms split get new ids (after the plan's highest) and
    ``split_from`` = the old id; they stay in their grid. Atoms of ``locked`` grids are
    never split.
    """
    from gridmap.atoms import split_oversize

    atoms = plan.atoms.reset_index(drop=True)
    points = households.to_crs(plan.crs).reset_index(drop=True)
    lo, hi = plan.config.band or Band(300.0, 500.0)
    per_atom, atom_of_point = _attach(atoms, points)
    big = np.flatnonzero((per_atom > hi) & ~atoms["grid_id"].astype(str).isin({str(g) for g in locked}).to_numpy())
    if len(big):
        sub = atoms.iloc[big][["atom_id", "unit_id", "geometry"]].reset_index(drop=True)
        local = pd.Series(np.arange(len(big)), index=big)
        inside = np.isin(atom_of_point, big)
        sliver_m2 = (plan.config.plan or PlanConfig()).sliver_m2
        pieces = split_oversize(sub.assign(atom_id=np.arange(len(big)), area_m2=sub.geometry.area),
                                points[inside].reset_index(drop=True), local[atom_of_point[inside]].to_numpy(), hi,
                                guides=plan_lines(plan), sliver_m2=sliver_m2)
        split = pieces["split_from"].to_numpy() >= 0
        if split.any():
            origin = big[pieces.loc[split, "split_from"].to_numpy()]
            new_rows = gpd.GeoDataFrame({
                "atom_id": int(atoms["atom_id"].max()) + 1 + np.arange(int(split.sum())),
                "unit_id": atoms["unit_id"].to_numpy()[origin], "grid_id": atoms["grid_id"].to_numpy()[origin],
                "households": 0.0, "split_from": atoms["atom_id"].to_numpy()[origin]},
                geometry=pieces.geometry.to_numpy()[split], crs=atoms.crs)
            new_rows["area_m2"] = new_rows.geometry.area
            gone = np.unique(origin)
            atoms = pd.concat([atoms.drop(index=gone), new_rows[atoms.columns]], ignore_index=True)
            atoms = gpd.GeoDataFrame(atoms, geometry="geometry", crs=plan.crs)
            # the pieces, cut block by block, edge-matched with each other and the atoms around them
            atoms["geometry"] = edge_matched_near(atoms.geometry.to_numpy(),
                                                  atoms["atom_id"].isin(new_rows["atom_id"]).to_numpy())
            per_atom, atom_of_point = _attach(atoms, points)
    atoms = atoms.assign(households=per_atom)
    layers = dict(plan.layers)
    layers["atoms"] = atoms
    layers["households"] = gpd.GeoDataFrame(
        points.drop(columns=["atom_id", "grid_id"], errors="ignore").assign(
            atom_id=atoms["atom_id"].to_numpy()[atom_of_point], grid_id=atoms["grid_id"].to_numpy()[atom_of_point]),
        geometry=points.geometry.name, crs=plan.crs)
    return Plan(layers=layers, meta=dict(plan.meta))


def _attach(atoms, points):
    from gridmap.atoms import attach_households

    per_atom, atom_of_point = attach_households(atoms, points)
    missing = atom_of_point < 0
    if missing.any():  # on the area's edge, or outside it: the nearest atom
        atom_of_point[missing] = shapely.STRtree(atoms.geometry.to_numpy()).nearest(points.geometry.to_numpy()[missing])
        per_atom = np.bincount(atom_of_point, weights=points["households"].to_numpy(float), minlength=len(atoms))
    return per_atom, atom_of_point


def plan_lines(plan: Plan) -> np.ndarray:
    """The plan's roads, waterways and railways as LineStrings in its CRS (the lines a split
    block's pieces follow, as when the plan was made)."""
    return line_parts([plan.layers.get(name) for name in ("roads", "waterways", "railways")], plan.crs)


def atom_graph(plan: Plan):
    """The atoms' graph for re-cutting: (adjacency within units in m, cut weights, centroids in m).

    Cut weights follow the plan's rules (``plan.config.plan``: ``cut_weights``,
    ``barrier_highways``, ``barrier_waterways``) over its roads, waterways and railways.
    """
    atoms = plan.atoms
    config = plan.config.plan or PlanConfig()
    weights = config.cut_weights
    i, j, length, lines = shared_edges(atoms.geometry.to_numpy())
    frames = []
    for layer, column, mapping in (("roads", "highway", config.barrier_highways),
                                   ("waterways", "waterway", config.barrier_waterways)):
        frame = plan.layers.get(layer)
        if frame is not None and len(frame) and column in frame.columns:
            cls = frame[column].map(mapping)
            frames.append(gpd.GeoDataFrame({"barrier_class": cls[cls.notna()].to_numpy()},
                                           geometry=frame.geometry[cls.notna()].to_numpy(), crs=frame.crs))
    rail = plan.layers.get("railways")
    if rail is not None and len(rail):
        frames.append(gpd.GeoDataFrame({"barrier_class": ["railway"] * len(rail)}, geometry=rail.geometry.to_numpy(),
                                       crs=rail.crs))
    barriers = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=atoms.crs) if frames else None
    if barriers is not None:
        barriers = barriers.explode(index_parts=False).reset_index(drop=True)
        barriers = barriers[barriers.geom_type == "LineString"].reset_index(drop=True)
    classes = edge_classes(lines, with_paths(barriers, plan_lines(plan)), weights=weights)
    cut = np.array([weights.get(c, 1.0) for c in classes], dtype=float)
    unit = atoms["unit_id"].astype(str).to_numpy()
    same = unit[i] == unit[j]
    n = len(atoms)
    centroids = shapely.centroid(atoms.geometry.to_numpy())
    xy = np.column_stack([shapely.get_x(centroids), shapely.get_y(centroids)])
    return (symmetric_csr(n, i[same], j[same], length[same]), symmetric_csr(n, i[same], j[same], cut[same]), xy,
            symmetric_csr(n, i, j, length))


def adjust_plan(plan: Plan, households: gpd.GeoDataFrame, *, lock=(), seed: int | None = None,
                restaff: bool = True) -> AdjustResult:
    """Re-divide ``plan`` for new household data, disturbing as little as possible.

    Parameters
    ----------
    plan : a plan written by gridmap (``atoms``, ``grids``, ``units``, ``households``).
    households : the full new household layer: points with a ``households`` count (what
        the county knows now, not only the additions), any CRS.
    lock : grid ids to lock in addition to the plan's locks (they keep their atoms,
        geometry and code whatever their count).
    seed : seed of the re-cuts (default the plan's).
    restaff : staff the plan and measure its reach again under its own rules.
    """
    from gridmap.partition import plan_unit, unit_seed

    started = time.perf_counter()
    if "atoms" not in plan.layers:
        raise InputError.of("adjust_no_atoms")
    if "households" not in households.columns:
        households = households.assign(households=1.0)
    locks = locked_ids(plan.grids) | {str(g) for g in lock}
    unknown = sorted(locks - set(plan.grids["grid_id"].astype(str)))
    if unknown:
        raise InputError.of("adjust_lock_unknown", grid=unknown[0])
    rules = plan.config.plan
    band = rules.band if rules is not None else Band(300.0, 500.0)
    lo, hi = band
    seed = int((rules.seed if rules is not None else 0) if seed is None else seed)
    old_grid_of_atom = dict(zip(plan.atoms["atom_id"].astype(int), plan.atoms["grid_id"].astype(str)))

    recounted = attach_new_households(plan, households, locked=locks)
    atoms = recounted.atoms
    adjacency, cut, xy, full = atom_graph(recounted)
    grid = atoms["grid_id"].astype(str).to_numpy().copy()
    hh = atoms["households"].to_numpy(float)
    unit_of_atom = atoms["unit_id"].astype(str).to_numpy()
    info = plan.grids.set_index(plan.grids["grid_id"].astype(str))
    regime = info["regime"].astype(str).to_dict()
    unit_total = pd.Series(hh).groupby(unit_of_atom).sum()

    def feasible_unit(unit):
        total = float(unit_total.get(unit, 0.0))
        return total >= lo and np.floor(total / lo + 1e-9) >= np.ceil(total / hi - 1e-9)

    def out_of_band(labels):
        counts = pd.Series(hh).groupby(labels).sum()
        units = pd.Series(unit_of_atom).groupby(labels).first()
        return sorted(g for g, h in counts.items() if regime.get(g, "urban") == "urban" and g not in locks
                      and not band.contains(h) and feasible_unit(units[g]))

    before = out_of_band(grid)
    regions, new_serial = [], 0
    for start in before:
        members = np.flatnonzero(grid == start)
        if len(members) == 0 or band.contains(hh[members].sum()):
            continue  # taken in by an earlier region, and in band now
        unit = unit_of_atom[members[0]]
        region = {start}
        movable = {g for g in set(grid[unit_of_atom == unit])
                   if g not in locks and regime.get(g, "urban") not in _FIXED_REGIMES}
        record = {"unit_id": unit, "seed_grid": start, "grids_in": [], "grids_out": 0, "in_band": False}
        for attempt in range(len(movable)):
            idx = np.flatnonzero(np.isin(grid, list(region)))
            sub = subgraph(adjacency, idx)
            result = plan_unit(hh[idx], sub, xy[idx], regime="urban", band=band,
                               seed=unit_seed(seed + attempt, unit), cut_weight=subgraph(cut, idx))
            counts = np.bincount(result.labels, weights=hh[idx], minlength=result.k)
            if band.contains(counts).all():
                new_serial = _relabel(grid, idx, result.labels, hh, new_serial, unit)
                record.update(grids_in=sorted(region), grids_out=int(result.k), in_band=True)
                break
            grow = _neighbour(grid, idx, full, region, movable, hh, lo, hi)
            if grow is None:
                break
            region.add(grow)
        regions.append(record)

    result = regrid(recounted, grid, locked=locks, adjacency=full, source="adjust")
    after_labels = result.plan.atoms["grid_id"].astype(str).to_numpy()
    new_hh = result.plan.households
    # atoms split now have ids above the plan's highest; their households count by the atom they came from
    ids = atoms["atom_id"].astype(int).to_numpy()
    origin = np.where(ids > int(plan.atoms["atom_id"].max()), atoms["split_from"].astype(int).to_numpy(), ids)
    old_of_atom = np.array([old_grid_of_atom.get(int(a), "") for a in origin], dtype=object)
    position = pd.Series(np.arange(len(atoms)), index=atoms["atom_id"].astype(int).to_numpy())
    rows = position.reindex(new_hh["atom_id"].astype(int).to_numpy()).to_numpy(dtype=int)
    weight = new_hh["households"].to_numpy(float)
    kept = float(weight[old_of_atom[rows] == after_labels[rows]].sum() / max(weight.sum(), 1e-9))
    after = out_of_band(after_labels)
    seconds = time.perf_counter() - started
    out = AdjustResult(update=result, households_kept_share=kept, regions=regions, out_of_band_before=before,
                       out_of_band_after=after, seconds=seconds)
    result.plan.meta["adjust"] = out.report()
    if restaff:
        result.plan = restaff_plan(result.plan, plan.meta)
    return out


def _neighbour(grid, idx, full, region, movable, hh, lo, hi):
    """The grid to add to a region: a movable neighbour; first those that make its count fit, then the longest border."""
    rows = full[idx].tocoo()
    touching = pd.Series(rows.data).groupby(grid[rows.col]).sum()
    candidates = [g for g in touching.index if g in movable and g not in region]
    if not candidates:
        return None
    total = hh[idx].sum()

    def key(g):
        h = total + hh[grid == g].sum()
        fits = np.floor(h / lo + 1e-9) >= np.ceil(h / hi - 1e-9)
        return (not fits, -touching[g], g)

    return min(candidates, key=key)


def _relabel(grid, idx, labels, hh, new_serial, unit) -> int:
    """Give a re-cut region's grids the ids of the old grids they share most households with."""
    old = grid[idx].copy()
    overlap = pd.DataFrame({"new": labels, "old": old, "hh": hh[idx] + 1e-9}).groupby(["new", "old"])["hh"].sum()
    overlap = overlap.sort_values(ascending=False, kind="stable")
    taken_new, taken_old, name = set(), set(), {}
    for (new, old_id), _ in overlap.items():
        if new in taken_new or old_id in taken_old:
            continue
        name[new] = old_id
        taken_new.add(new)
        taken_old.add(old_id)
    for new in sorted(set(labels) - taken_new):
        new_serial += 1
        name[new] = f"{unit}-adjust-new-{new_serial}"
    grid[idx] = np.array([name[label] for label in labels], dtype=object)
    return new_serial


def read_new_households(plan: Plan, *, households=None, column: str | None = None, divisor: float = 1.0,
                        buildings=None, totals=None, totals_column: str = "households",
                        totals_divisor: float = 1.0) -> gpd.GeoDataFrame:
    """The new household points of ``plan``'s area, read by the same code as when planning.

    ``households``: points (one each, or ``column`` each ÷ ``divisor``); ``buildings``:
    polygons the households are estimated from under the plan's household rule; neither:
    the plan's own household points. ``totals``: polygons with known totals
    (``totals_column`` ÷ ``totals_divisor``), or a CSV/XLSX table of them by unit or
    township code or name (as ``gridmap run`` reads it), that the points are scaled to. Returns points
    with ``households`` in the plan's CRS.
    """
    from gridmap import households as hh
    from gridmap.config import HouseholdRule
    from gridmap.inputs.files import read_layer
    from gridmap.pipeline import Inputs, set_households, set_totals

    if households is not None and buildings is not None:
        raise InputError.of("adjust_households_and_buildings")
    inputs = Inputs(area=plan.layers["area"].to_crs(4326) if "area" in plan.layers else plan.grids.dissolve())
    area = shapely.union_all(plan.layers["area"].geometry.to_numpy()) if "area" in plan.layers \
        else shapely.union_all(plan.grids.geometry.to_numpy())
    if households is not None:
        set_households(inputs, households, column, divisor)
        if inputs.blocks is not None:
            raise InputError.of("adjust_households_polygons", path=households)
        points = hh.inside_area(inputs.households.to_crs(plan.crs), area, drop=True)
    elif buildings is not None:
        layer = read_layer(buildings, what="buildings", kind="polygon")
        rule = plan.config.plan.households if plan.config.plan is not None else HouseholdRule()
        points = hh.inside_area(hh.from_buildings(layer.to_crs(plan.crs), rule), area, drop=True)
    else:
        points = plan.households[["households", "source", plan.households.geometry.name]].copy()
    if totals is not None:
        set_totals(inputs, totals, totals_column, totals_divisor)
        if inputs.totals_table is not None:  # a register's table: its rows name the plan's units
            from gridmap.dasymetric import match_totals

            polygons = match_totals(inputs.totals_table, plan.units.to_crs(plan.crs), plan.area_name)
        else:
            polygons = inputs.totals.to_crs(plan.crs)
        points = hh.inside_area(hh.scale_to_totals(points, polygons), area, drop=True)
    if points.empty:
        raise InputError.of("adjust_no_household_inside")
    return points
