"""Dedicated grids (专属网格): schools, hospitals, markets, industrial parks and scenic areas.

Local rules (e.g. Xi'an's DB6101/T 3185-2024) and county schemes (Wusheng: parks and
scenic areas by enterprise and attraction) give such "specific areas" grids of their
own. :func:`carve_dedicated` takes a plan and the areas (from OSM tags,
:func:`gridmap.inputs.osm_areas.specific_areas_from_osm`, or a polygon file with a
``kind`` column) and

1. keeps the areas the rules admit (:class:`DedicatedRule`: kinds, minimum area,
   households at most / at least), dissolved per kind, earlier kinds winning overlaps,
   cut by the village/community borders (a dedicated grid nests in its unit like every
   grid) and pieces under the minimum area dropped;
2. cuts the atoms along the areas' outlines (new atom ids after the plan's highest,
   ``split_from`` = the atom cut), and makes each area piece a grid: regime
   ``dedicated``, its ``kind`` and ``name``, locked, coded in the unit's own series for
   dedicated grids (serials from 901: ``<unit>-901``, or ``<12 digits>901``);
3. partitions the rest of each urban unit touched again around them with
   :func:`gridmap.partition.plan_unit` (its band); the new grids take the ids of the
   old grids they share most households with. Rural grids (villages, settlements) keep
   their atoms; a rural grid cut into pieces keeps its main piece and the others become
   grids of their own (islands when under the band).

Units no area touches keep their grids as they are.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap._toml import Rules
from gridmap.codes import DEDICATED_SERIAL, grid_code
from gridmap.errors import InputError
from gridmap.inputs.osm_areas import KIND_TAGS
from gridmap.plan import Plan


#: Smallest area (m²) of a dedicated grid by kind: a school or a clinic campus is small, an
#: industrial park that warrants a grid of its own is not; other kinds: ``default``.
DEFAULT_MIN_AREA_M2 = {"school": 5_000.0, "hospital": 5_000.0, "market": 2_000.0, "industrial": 20_000.0,
                       "commercial": 20_000.0, "scenic": 10_000.0, "default": 10_000.0}


@dataclass(frozen=True)
class DedicatedRule(Rules):
    """Which specific areas become dedicated grids (``[dedicated]`` table of a rules file).

    Parameters
    ----------
    kinds : kinds carved, in priority order (an area of two kinds takes the first):
        ``school``, ``hospital``, ``market``, ``industrial``, ``commercial``, ``scenic``
        (OSM tags in :data:`gridmap.inputs.osm_areas.KIND_TAGS`), or a file's own kinds.
    min_area_m2 : smallest area (m², per unit piece) that gets a grid of its own: one
        number for every kind, or a table by kind (``default`` for the kinds it does not
        name); defaults in :data:`DEFAULT_MIN_AREA_M2`.
    max_households : areas holding more households are left to the residential grids
        (a commercial zone full of flats is a neighbourhood, not an enterprise).
    min_households : areas holding fewer households than this are skipped (0: none).
    """

    section = "dedicated"

    kinds: tuple = tuple(KIND_TAGS)
    min_area_m2: Any = field(default_factory=lambda: dict(DEFAULT_MIN_AREA_M2))
    max_households: float = 100.0
    min_households: float = 0.0

    def __post_init__(self):
        kinds = self.kinds
        if isinstance(kinds, str) or not all(isinstance(k, str) and k for k in kinds):
            raise InputError.of("dedicated_kinds", kinds=kinds)
        object.__setattr__(self, "kinds", tuple(kinds))
        areas = self.min_area_m2 if isinstance(self.min_area_m2, dict) else {"default": self.min_area_m2}
        for kind, value in areas.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
                where = "" if not isinstance(self.min_area_m2, dict) else f".{kind}"
                raise InputError.of("dedicated_min_area", where=where, value=value)
        for name in ("max_households", "min_households"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
                raise InputError.of("dedicated_households", name=name, value=value)
        if self.min_households > self.max_households:
            raise InputError.of("dedicated_min_above_max", lo=self.min_households, hi=self.max_households)

    def min_area(self, kind: str) -> float:
        """Smallest area (m²) of a dedicated grid of ``kind``."""
        if not isinstance(self.min_area_m2, dict):
            return float(self.min_area_m2)
        return float(self.min_area_m2.get(kind, self.min_area_m2.get("default", DEFAULT_MIN_AREA_M2["default"])))

    @classmethod
    def _coerce(cls, data: dict) -> dict:
        if "kinds" in data and isinstance(data["kinds"], list):
            data["kinds"] = tuple(data["kinds"])
        return data


@dataclass
class DedicatedResult:
    """A plan with dedicated grids, and what was carved or skipped."""

    plan: Plan
    grids: list = field(default_factory=list)
    skipped: dict = field(default_factory=dict)

    def counts(self) -> dict:
        """Dedicated grids per kind."""
        grids = self.plan.grids
        if "kind" not in grids.columns or "regime" not in grids.columns:  # nothing carved (no area met a grid)
            return {}
        mine = grids[grids["regime"] == "dedicated"]
        return {str(k): int(v) for k, v in mine["kind"].value_counts().sort_index().items()}


def read_areas(path, *, kind_column: str = "kind", name_column: str | None = None) -> gpd.GeoDataFrame:
    """Specific areas from a polygon file with a kind column (``kind``, ``name``, geometry)."""
    from gridmap.inputs.files import read_layer

    layer = read_layer(path, what="dedicated areas", kind="polygon", columns=[kind_column])
    name_column = name_column or ("name" if "name" in layer.columns else None)
    names = layer[name_column].fillna("").astype(str) if name_column else pd.Series("", index=layer.index)
    kinds = layer[kind_column].fillna("").astype(str).str.strip()
    if (kinds == "").any():
        row = int(np.flatnonzero((kinds == "").to_numpy())[0]) + 1
        raise InputError.of("dedicated_area_without_kind", path=path, row=row, column=kind_column,
                             kinds=", ".join(KIND_TAGS))
    return gpd.GeoDataFrame({"kind": kinds.to_numpy(), "name": names.to_numpy()}, geometry=layer.geometry.to_numpy(),
                            crs=layer.crs)


def select_areas(areas: gpd.GeoDataFrame, units: gpd.GeoDataFrame, households: gpd.GeoDataFrame,
                 rule: DedicatedRule) -> tuple[gpd.GeoDataFrame, dict]:
    """The area pieces that become dedicated grids: ``unit_id``, ``kind``, ``name``, ``households``, geometry.

    Returns (pieces, skipped) where ``skipped`` counts the areas left out, by reason.
    """
    crs = units.crs
    areas = areas.to_crs(crs)
    areas = areas[areas["kind"].isin(rule.kinds)]
    skipped = {"kind not in the rules": 0, "under min_area_m2": 0, "households over max_households": 0,
               "households under min_households": 0}
    taken = shapely.Polygon()
    frames = []
    for kind in rule.kinds:
        mine = areas[areas["kind"] == kind]
        if mine.empty:
            continue
        geoms = shapely.make_valid(mine.geometry.to_numpy())
        # one piece per connected outline of the kind (touching school grounds are one campus)
        merged = shapely.get_parts(shapely.union_all(geoms))
        merged = merged[shapely.get_type_id(merged) == 3]
        merged = shapely.difference(merged, taken)
        names = []
        for g in merged:
            inside = mine["name"].to_numpy()[shapely.intersects(geoms, g)]
            names.append(next((n for n in inside if n), ""))
        frames.append(gpd.GeoDataFrame({"kind": kind, "name": names}, geometry=merged, crs=crs))
        taken = shapely.union_all([taken, *merged])
    if not frames:
        return gpd.GeoDataFrame({"unit_id": [], "kind": [], "name": [], "households": []}, geometry=[], crs=crs), skipped
    merged = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=crs)
    pieces = gpd.overlay(merged, units[["unit_id", "geometry"]], how="intersection", keep_geom_type=True)
    pieces = pieces.explode(index_parts=False).reset_index(drop=True)
    pieces = pieces[pieces.geom_type == "Polygon"]
    small = pieces.geometry.area.to_numpy() < pieces["kind"].map(rule.min_area).to_numpy(float)
    skipped["under min_area_m2"] = int(small.sum())
    pieces = pieces[~small].reset_index(drop=True)
    pts = shapely.point_on_surface(households.geometry.to_numpy())
    pi, gi = shapely.STRtree(pieces.geometry.to_numpy()).query(pts, predicate="intersects")
    pieces["households"] = np.bincount(gi, weights=households["households"].to_numpy(float)[pi],
                                       minlength=len(pieces))
    over = pieces["households"] > rule.max_households
    under = pieces["households"] < rule.min_households
    skipped["households over max_households"] = int(over.sum())
    skipped["households under min_households"] = int((under & ~over).sum())
    pieces = pieces[~over & ~under].reset_index(drop=True)
    return pieces[["unit_id", "kind", "name", "households", "geometry"]], skipped


def cut_atoms(atoms: gpd.GeoDataFrame, pieces: gpd.GeoDataFrame, *, sliver_m2: float = 200.0):
    """Atoms cut along the pieces' outlines; returns (atoms, piece of each atom, -1 outside any).

    An atom mostly inside a piece (all but ``sliver_m2``) joins it whole; one mostly
    outside stays whole; others are cut into the inside part and the outside parts, which
    get new ids after the highest (``split_from`` = the atom cut).
    """
    atoms = atoms.reset_index(drop=True)
    geoms = atoms.geometry.to_numpy()
    piece_geoms = pieces.geometry.to_numpy()
    ai, pi = shapely.STRtree(piece_geoms).query(geoms, predicate="intersects")
    same_unit = atoms["unit_id"].astype(str).to_numpy()[ai] == pieces["unit_id"].astype(str).to_numpy()[pi]
    ai, pi = ai[same_unit], pi[same_unit]
    inside = shapely.area(shapely.intersection(geoms[ai], piece_geoms[pi]))
    piece_of = np.full(len(atoms), -1)
    keep = np.ones(len(atoms), dtype=bool)
    new_rows = []
    next_id = int(atoms["atom_id"].max()) + 1
    order = np.argsort(-inside, kind="stable")
    done = set()
    for k in order:
        a, p = int(ai[k]), int(pi[k])
        if a in done or inside[k] <= sliver_m2:
            continue
        done.add(a)
        area = geoms[a].area
        if area - inside[k] <= sliver_m2:
            piece_of[a] = p
            continue
        part_in = shapely.intersection(geoms[a], piece_geoms[p])
        part_out = shapely.difference(geoms[a], piece_geoms[p])
        outs = [g for g in shapely.get_parts(part_out) if g.geom_type == "Polygon" and g.area > sliver_m2]
        ins = [g for g in shapely.get_parts(part_in) if g.geom_type == "Polygon"]
        if not ins or not outs:
            continue
        keep[a] = False
        row = atoms.iloc[a]
        for g, target in [(shapely.union_all(ins + [s for s in shapely.get_parts(part_out)
                                                    if s.geom_type == "Polygon" and s.area <= sliver_m2]), p)] + \
                [(g, -1) for g in outs]:
            for part in shapely.get_parts(g):
                if part.geom_type != "Polygon":
                    continue
                new_rows.append({"atom_id": next_id, "unit_id": row["unit_id"], "grid_id": row["grid_id"],
                                 "households": 0.0, "area_m2": part.area, "split_from": int(row["atom_id"]),
                                 "geometry": part, "_piece": target})
                next_id += 1
    out = atoms[keep].assign(_piece=piece_of[keep])
    if new_rows:
        out = pd.concat([out, gpd.GeoDataFrame(new_rows, geometry="geometry", crs=atoms.crs)], ignore_index=True)
    out = gpd.GeoDataFrame(out, geometry="geometry", crs=atoms.crs).reset_index(drop=True)
    piece = out.pop("_piece").to_numpy(dtype=int)
    return out, piece


def carve_dedicated(plan: Plan, areas: gpd.GeoDataFrame, rule: DedicatedRule | None = None, *,
                    restaff: bool = True) -> DedicatedResult:
    """``plan`` with the specific ``areas`` (``kind``, ``name``, polygons) as dedicated grids.

    See the module docstring for the steps. Dedicated grids are locked; the rest of each
    unit they touch is partitioned again around them. With ``restaff`` the plan is
    staffed and its reach measured again under its own rules when it had been.
    """
    from gridmap.adjust import _attach, _relabel, atom_graph
    from gridmap.config import Band
    from gridmap.graph import subgraph
    from gridmap.partition import plan_unit, unit_seed
    from gridmap.update import locked_ids, regrid, restaff_plan

    rule = rule or DedicatedRule()
    if "atoms" not in plan.layers:
        raise InputError.of("dedicated_no_atoms")
    config = plan.config.plan
    band = config.band if config is not None else Band(300.0, 500.0)
    seed = config.seed if config is not None else 0
    locks = locked_ids(plan.grids)
    pieces, skipped = select_areas(areas, plan.units, plan.households, rule)
    # a unit whose grids are locked is not re-cut: areas there are left out
    locked_units = set(plan.grids.loc[plan.grids["grid_id"].astype(str).isin(locks), "unit_id"].astype(str))
    in_locked = pieces["unit_id"].astype(str).isin(locked_units)
    skipped["in a unit with locked grids"] = int(in_locked.sum())
    pieces = pieces[~in_locked].reset_index(drop=True)
    if pieces.empty:
        return DedicatedResult(plan=plan, grids=[], skipped=skipped)

    atoms, piece_of = cut_atoms(plan.atoms, pieces, sliver_m2=config.sliver_m2 if config is not None else 200.0)
    points = plan.households
    per_atom, atom_of_point = _attach(atoms, points)
    atoms = atoms.assign(households=per_atom)
    layers = dict(plan.layers)
    layers["atoms"] = atoms
    layers["households"] = points.assign(atom_id=atoms["atom_id"].to_numpy()[atom_of_point],
                                         grid_id=atoms["grid_id"].to_numpy()[atom_of_point])
    cut_plan = Plan(layers=layers, meta=dict(plan.meta))
    adjacency, cut, xy, full = atom_graph(cut_plan)

    grid = atoms["grid_id"].astype(str).to_numpy().copy()
    unit_of_atom = atoms["unit_id"].astype(str).to_numpy()
    regime_of_unit = dict(zip(plan.units["unit_id"].astype(str), plan.units["regime"].astype(str)))
    codes, attributes, carved = {}, {}, []
    for unit in sorted(set(pieces["unit_id"].astype(str))):
        mine = pieces.index[pieces["unit_id"].astype(str) == unit]
        # dedicated grids in reading order (north to south, west to east) within the unit's series
        centre = shapely.point_on_surface(pieces.geometry.to_numpy()[mine])
        order = np.lexsort((shapely.get_x(centre), -np.round(shapely.get_y(centre), -2)))
        for serial, p in enumerate(mine[order]):
            members = np.flatnonzero(piece_of == p)
            if len(members) == 0:
                continue
            label = f"dedicated:{unit}:{serial}"
            grid[members] = label
            codes[label] = grid_code(unit, DEDICATED_SERIAL + serial)
            attributes[label] = {"regime": "dedicated", "kind": str(pieces.at[p, "kind"]),
                                 "name": str(pieces.at[p, "name"])}
            carved.append(codes[label])
        rest = np.flatnonzero((unit_of_atom == unit) & (piece_of < 0))
        if len(rest) == 0:
            continue
        regime = regime_of_unit.get(unit, "urban")
        sub = subgraph(adjacency, rest)
        if regime == "urban":
            result = plan_unit(per_atom[rest], sub, xy[rest], regime="urban", band=band, seed=unit_seed(seed, unit),
                               cut_weight=subgraph(cut, rest))
            labels, kinds = np.asarray(result.labels), list(result.grid_kinds)
        else:
            # rural grids (whole villages or settlements) keep their atoms; a grid the carving
            # cut into pieces keeps its main piece, the others become grids (islands if small)
            from scipy.sparse.csgraph import connected_components

            extra = 0
            for label in sorted(set(grid[rest])):
                members = rest[grid[rest] == label]
                pieces_n, piece = connected_components(subgraph(adjacency, members), directed=False)
                if pieces_n == 1:
                    continue
                totals = np.bincount(piece, weights=per_atom[members] + 1e-9)
                main = int(np.argmax(totals))
                for c in range(pieces_n):
                    if c == main:
                        continue
                    extra += 1
                    new_label = f"{unit}-dedicated-rest-{extra}"
                    grid[members[piece == c]] = new_label
                    attributes[new_label] = {"regime": "rural" if band.contains(totals[c]) or totals[c] > band.hi
                                             else "island"}
            continue
        before = grid[rest].copy()
        _relabel(grid, rest, labels, per_atom, 0, unit)
        for g, kind in enumerate(kinds):
            ids = set(grid[rest][labels == g])
            for label in ids:
                if kind == "island" or label not in set(before):
                    attributes.setdefault(label, {})["regime"] = kind
    result = regrid(cut_plan, grid, locked=locks | set(codes), adjacency=full, source="dedicated",
                    codes=codes, attributes=attributes)
    result.plan.meta["dedicated"] = {"rule": rule.to_dict(), "grids": len(carved), "skipped": skipped,
                                     "by_kind": DedicatedResult(plan=result.plan).counts()}
    out_plan = restaff_plan(result.plan, plan.meta) if restaff else result.plan
    return DedicatedResult(plan=out_plan, grids=carved, skipped=skipped)


def rule_from_toml(path) -> DedicatedRule | None:
    """The ``[dedicated]`` table of a rules file as a :class:`DedicatedRule`, or None when the file has none."""
    from gridmap._toml import read_toml

    data = read_toml(path, "rules")
    if "dedicated" not in data:
        return None
    if not isinstance(data["dedicated"], dict):
        raise InputError.of("dedicated_not_a_table", path=path)
    return DedicatedRule.from_dict(data["dedicated"])


def carve_from_osm(plan: Plan, config_path, osm_path) -> Plan:
    """``plan`` with the dedicated grids its rules file asks for (``[dedicated]``), from the OSM extract's tags.

    Unchanged when the rules have no ``[dedicated]`` table. Used by ``gridmap run``.
    """
    from gridmap.inputs.osm_areas import specific_areas_from_osm

    rule = rule_from_toml(config_path)
    if rule is None:
        return plan
    return carve_dedicated(plan, specific_areas_from_osm(osm_path), rule, restaff=False).plan
