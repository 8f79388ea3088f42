"""The steps from input files to a plan, in order: the code behind ``gridmap partition`` and notebooks.

    inputs = inputs_from_osm("data/liechtenstein.osm.pbf", area_name="Liechtenstein")
    plan = make_plan(inputs, PlanConfig(band=(300, 500)))
    plan.save("out/plan.gpkg")

:class:`Inputs` holds the raw layers (any CRS); :func:`make_plan` projects them to one
metric CRS, estimates households, cuts atoms, partitions each unit and assembles the
plan's layers.
"""
from __future__ import annotations

import platform
import time
from pathlib import Path
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap import households as hh
from gridmap.atoms import atoms_from_polygons, attach_households, build_atoms, split_oversize
from gridmap.codes import grid_code, serial_order
from gridmap.config import PlanConfig
from gridmap.crs import metric_crs, require_crs
from gridmap.dasymetric import Evidence, SpreadRule
from gridmap._timing import Laps
from gridmap.errors import InputError
from gridmap.graph import edge_classes, shared_edges, subgraph, symmetric_csr
from gridmap.inputs import gcj02_roles
from gridmap.inputs.files import (polygonal, read_households, read_layer, read_lines, require_columns, require_kind,
                                  unit_columns)
from gridmap.outcomes import UnitStatus, unit_status
from gridmap.partition import plan_unit, unit_seed
from gridmap.plan import Plan

_EMPTY_LINES = gpd.GeoDataFrame(geometry=[], crs=4326)


@dataclass
class Inputs:
    """Raw input layers of one area (any CRS; :func:`make_plan` projects them).

    ``units`` holds the lowest-level units (``unit_id``, ``name``, optional ``parent_id``
    / ``parent_name``); households come from exactly one of ``households`` (points with
    a ``households`` column), ``blocks`` (polygons with ``households``, used as atoms) or
    ``buildings`` (estimated). ``totals`` (polygons with ``households``) or
    ``totals_table`` (rows of ``code``, ``name``, ``parent``, ``households`` joined to the
    units, see :func:`gridmap.dasymetric.match_totals`) give known totals per village,
    township or county, spread where people live (:mod:`gridmap.dasymetric`, under
    ``spread``) with ``places`` (settlement points) and ``landuse`` (residential areas)
    as evidence besides buildings and streets. Without households, buildings or points,
    totals alone are enough.
    """

    area: gpd.GeoDataFrame
    units: gpd.GeoDataFrame | None = None
    roads: gpd.GeoDataFrame = field(default_factory=lambda: _EMPTY_LINES)
    waterways: gpd.GeoDataFrame = field(default_factory=lambda: _EMPTY_LINES)
    railways: gpd.GeoDataFrame = field(default_factory=lambda: _EMPTY_LINES)
    barriers: gpd.GeoDataFrame = field(default_factory=lambda: _EMPTY_LINES)
    households: gpd.GeoDataFrame | None = None
    blocks: gpd.GeoDataFrame | None = None
    buildings: gpd.GeoDataFrame | None = None
    totals: gpd.GeoDataFrame | None = None
    totals_table: pd.DataFrame | None = None
    places: gpd.GeoDataFrame | None = None
    landuse: gpd.GeoDataFrame | None = None
    boundaries: gpd.GeoDataFrame | None = None
    node_roads: bool = False
    spread: SpreadRule = field(default_factory=SpreadRule)
    drop_outside: bool = False
    sources: dict = field(default_factory=dict)


def inputs_from_osm(path, *, area_name: str | None = None, area_level: int | None = 2, units_level: int = 8,
                    parent_level: int | None = None, close_at_extract: bool = False, extract_area: bool = False,
                    area=None, units=None, unit_id: str | None = None, unit_name: str | None = None,
                    encoding: str | None = None, gcj02=()) -> Inputs:
    """Inputs from an OSM extract (.osm.pbf, .osm, .osm.bz2), optionally with your own boundaries.

    The area is the admin boundary named ``area_name`` (at ``area_level``), the polygon
    file ``area``, the union of the ``units`` file, or the extract's box
    (``extract_area``); the units are the boundaries at ``units_level`` inside it, or the
    ``units`` file. Roads, waterways, railways, buildings, settlement points and
    residential landuse come from the extract (clipped to the area by :func:`make_plan`).

    ``close_at_extract``: boundary relations cut by the extract's edge are closed against
    its box (:mod:`gridmap.inputs.extract`); otherwise a name that matches no complete
    boundary is an error listing the relations that exist but do not close.
    """
    from gridmap.inputs.extract import boundaries_with_closed, cut_boundaries, describe_cut, extract_box
    from gridmap.inputs.osm import read_osm, select_area, select_units

    shifted = gcj02_roles(gcj02)
    osm = read_osm(path)
    boundaries, sources = osm.boundaries, {"osm": str(path)}
    if close_at_extract:
        boundaries, problems = boundaries_with_closed(boundaries, path)
        sources["closed_at_extract"] = sorted(boundaries.loc[boundaries["closed"], "name"].tolist())
        if problems:
            sources["not_closed"] = problems
    units_gdf = None
    if units is not None:
        layer = read_layer(units, what="units", kind="polygon", gcj02="units" in shifted, encoding=encoding)
        units_gdf = unit_columns(layer, unit_id, unit_name)
        sources["units"] = str(units)
    if area is not None:
        layer = read_layer(area, what="area", kind="polygon", gcj02="area" in shifted, encoding=encoding)
        name = str(layer["name"].iloc[0]) if "name" in layer.columns else Path(area).stem
        area_gdf = gpd.GeoDataFrame({"name": [name]}, geometry=[shapely.union_all(layer.to_crs(4326).geometry.values)],
                                    crs=4326)
        sources["area"] = str(area)
    elif units_gdf is not None and not area_name:
        area_gdf = gpd.GeoDataFrame({"name": [Path(units).stem]},
                                    geometry=[shapely.union_all(units_gdf.to_crs(4326).geometry.values)], crs=4326)
    elif extract_area:
        box = extract_box(path)
        if box is None:
            raise InputError(f"area: {Path(path).name} has no bounding box in its header; give --area FILE")
        area_gdf = gpd.GeoDataFrame({"name": [area_name or Path(path).name.split(".")[0]]}, geometry=[box], crs=4326)
        sources["area"] = "extract box"
    else:
        try:
            picked = select_area(boundaries, name=area_name, level=area_level)
        except InputError as exc:
            if close_at_extract:
                raise
            cut = cut_boundaries(path, boundaries["osm_id"])
            raise InputError(f"{exc}; relations cut by the extract's edge: {describe_cut(cut)} "
                             "(pass --close-at-extract to close them against its box, or give --area FILE)") from None
        area_gdf = picked[["name", "geometry"]]
        sources["area_name"] = picked["name"].iloc[0]
        if units_gdf is None:
            units_gdf = select_units(boundaries, picked.geometry.iloc[0], units_level)
            sources["units_level"] = units_level
            if parent_level is not None:
                units_gdf = _attach_parents(units_gdf, select_units(boundaries, picked.geometry.iloc[0], parent_level))
            else:
                units_gdf = units_gdf.assign(parent_id=f"osm{picked['osm_id'].iloc[0]}", parent_name=picked["name"].iloc[0])
    inputs = Inputs(area=area_gdf, units=units_gdf, roads=osm.roads, waterways=osm.waterways,
                    railways=osm.railways, buildings=osm.buildings, places=osm.places, landuse=osm.landuse,
                    sources=sources)
    inputs.boundaries = boundaries
    return inputs


def set_units_from_points(inputs: Inputs, points: gpd.GeoDataFrame | None = None, *, places=None,
                          parent_level: int | None = None, name_column: str = "name",
                          id_column: str | None = None) -> Inputs:
    """Units of ``inputs`` derived from village/community points (:mod:`gridmap.units_points`).

    ``points``: a point layer (``name_column``, default name/名称/村名; ``id_column``, default
    a unique code/unit_id/统计用区划代码 column, e.g. 12-digit village codes), or ``places``:
    the kinds of the extract's ``place`` nodes to use (e.g. ``("village", "hamlet")``).
    The parents are the extract's boundaries at ``parent_level`` (townships, closed at the
    extract when asked), else the units already there (e.g. townships from a file), else
    the area. The plan's ``inputs.unit_borders`` says the borders are derived.
    """
    from gridmap.inputs.osm import select_units
    from gridmap.units_points import METHOD, units_from_points

    if points is None:
        if inputs.places is None or inputs.places.empty:
            raise InputError("--units-from-places: the extract has no place points")
        kinds = tuple(places)
        points = inputs.places[inputs.places["place"].isin(kinds)]
        present = sorted(set(inputs.places["place"]))
        if points.empty:
            raise InputError(f"--units-from-places: no place={'|'.join(kinds)} points; kinds present: {', '.join(present)}")
    require_crs(points, "units points")
    if name_column not in points.columns:
        name_column = next((c for c in ("name", "NAME", "名称", "村名", "unit_name") if c in points.columns), name_column)
    if id_column is None:  # statistical codes of the villages, when the file has them: grids get 15-digit codes
        id_column = next((c for c in ("code", "unit_id", "统计用区划代码") if c in points.columns
                          and points[c].astype(str).is_unique), None)
    area4326 = shapely.union_all(inputs.area.to_crs(4326).geometry.values)
    crs = metric_crs(area4326.centroid.x, area4326.centroid.y, None)
    area = shapely.make_valid(shapely.union_all(inputs.area.to_crs(crs).geometry.values))
    boundaries = inputs.boundaries
    if parent_level is not None and boundaries is not None:
        parents = select_units(boundaries.to_crs(crs), area, parent_level)
    elif inputs.units is not None and len(inputs.units):
        parents = inputs.units.to_crs(crs)
    else:
        name = str(inputs.area["name"].iloc[0]) if "name" in inputs.area else "area"
        parents = gpd.GeoDataFrame({"unit_id": ["1"], "name": [name]}, geometry=[area], crs=crs)
    parents = parents.assign(geometry=shapely.intersection(parents.geometry.values, area))
    parents = parents[parents.geometry.area > 0].reset_index(drop=True)
    lines = [layer.to_crs(crs).geometry for layer in (inputs.roads, inputs.waterways, inputs.railways)
             if layer is not None and len(layer)]
    lines = pd.concat(lines, ignore_index=True) if lines else None
    units = units_from_points(points.to_crs(crs), parents, lines, name_column=name_column, id_column=id_column)
    inputs.units = units.to_crs(4326)
    inputs.sources["unit_borders"] = "derived"
    inputs.sources["unit_borders_method"] = METHOD
    inputs.sources["units_points"] = int(units.attrs.get("points_used", 0))
    return inputs


def _attach_parents(units, parents):
    """Parent (e.g. township) of each unit: the parent containing the unit's inner point."""
    points = gpd.GeoDataFrame(geometry=units.geometry.representative_point(), crs=units.crs)
    joined = gpd.sjoin(points, parents[["unit_id", "name", "geometry"]], how="left", predicate="within")
    joined = joined[~joined.index.duplicated()]
    return units.assign(parent_id=joined["unit_id"].fillna("").to_numpy(),
                        parent_name=joined["name"].fillna("").to_numpy())


def inputs_from_files(*, area=None, units=None, unit_id: str | None = None, unit_name: str | None = None,
                      roads=(), waterways=(), railways=(), barriers=(), households=None,
                      households_column: str | None = None, households_divisor: float = 1.0,
                      buildings=None, drop_outside: bool = False, households_totals=None,
                      totals_column: str = "households", totals_divisor: float = 1.0, gcj02=(),
                      encoding: str | None = None) -> Inputs:
    """Inputs from vector files (GeoPackage, GeoJSON, Shapefile, zipped Shapefile).

    The area is ``area`` (polygons, dissolved), or the union of ``units`` when omitted.

    ``households`` is a point layer (one household per point, or ``households_column``
    per point) or a polygon layer with ``households_column`` (census blocks: they become
    the atoms). ``households_divisor`` turns persons into households (e.g. 2.3).
    ``households_totals``: polygons with known totals (``totals_column`` ÷
    ``totals_divisor``) that the points or building estimates are scaled to.
    ``gcj02``: the inputs (by role: ``area``, ``units``, ``roads``, ``waterways``,
    ``railways``, ``barriers``, ``households``, ``buildings``, ``totals``, or ``all``)
    whose longitudes and latitudes are GCJ-02 (AMap/Gaode, Tencent), shifted to WGS 84.
    ``encoding``: of Shapefiles without ``.cpg`` and of CSV tables (default: detected,
    UTF-8 or GB18030/GBK).
    """
    shifted = gcj02_roles(gcj02)
    units_gdf, repaired, inputs_encoding = None, {}, {}
    if units is not None:
        layer = read_layer(units, what="units", kind="polygon", gcj02="units" in shifted, encoding=encoding)
        if layer.attrs.get("encoding"):
            inputs_encoding = {"units": layer.attrs["encoding"]}
        repaired["units"] = layer.attrs.get("repaired", 0)
        units_gdf = unit_columns(layer, unit_id, unit_name)
    if area is not None:
        area_gdf = read_layer(area, what="area", kind="polygon", gcj02="area" in shifted, encoding=encoding)
        repaired["area"] = area_gdf.attrs.get("repaired", 0)
        name = str(area_gdf["name"].iloc[0]) if "name" in area_gdf.columns else Path(area).stem
    elif units_gdf is not None:  # the area is the union of its units
        area_gdf, name = units_gdf, Path(units).stem
    else:
        raise InputError("area: give an area polygon file, or units whose union is the area")
    area_gdf = gpd.GeoDataFrame({"name": [name]}, geometry=[shapely.union_all(area_gdf.to_crs(4326).geometry.values)],
                                crs=4326)
    inputs = Inputs(area=area_gdf, units=units_gdf, drop_outside=drop_outside,
                    roads=read_lines(roads, what="roads", gcj02="roads" in shifted),
                    waterways=read_lines(waterways, what="waterways", gcj02="waterways" in shifted),
                    railways=read_lines(railways, what="railways", gcj02="railways" in shifted),
                    barriers=read_lines(barriers, what="barriers", gcj02="barriers" in shifted),
                    sources={"area": str(area) if area else None, "units": str(units) if units else None,
                             "repaired_polygons": {k: v for k, v in repaired.items() if v},
                             **({"encodings": inputs_encoding} if inputs_encoding else {})})
    if "highway" not in inputs.roads.columns:
        inputs.roads = inputs.roads.assign(highway="residential")
    inputs.node_roads = len(inputs.roads) > 0  # layers from files often cross without a shared vertex
    if "waterway" not in inputs.waterways.columns:
        inputs.waterways = inputs.waterways.assign(waterway="river")
    if households is not None:
        set_households(inputs, households, households_column, households_divisor, gcj02="households" in shifted)
    if buildings is not None:
        inputs.buildings = read_layer(buildings, what="buildings", kind="polygon", gcj02="buildings" in shifted)
        inputs.sources["buildings"] = str(buildings)
    if inputs.households is None and inputs.blocks is None and inputs.buildings is None and households_totals is None:
        raise InputError("households: give household points, census polygons with counts, buildings, or totals")
    if households_totals is not None:
        set_totals(inputs, households_totals, totals_column, totals_divisor, gcj02="totals" in shifted,
                   encoding=encoding)
    if shifted:
        inputs.sources["gcj02_shifted"] = sorted(shifted)
    return inputs




def set_households(inputs: Inputs, path, column: str | None = None, divisor: float = 1.0, *,
                   gcj02: bool = False) -> Inputs:
    """Use a household file for ``inputs``: points (one each, or ``column`` each) or census polygons.

    ``gcj02``: the file's coordinates are GCJ-02 (shifted to WGS 84 on reading).
    """
    layer = read_households(path, column, divisor, gcj02=gcj02)
    if layer.attrs["kind"] == "polygons":
        inputs.blocks = gpd.GeoDataFrame({"households": layer["households"].to_numpy()},
                                         geometry=layer.geometry.values, crs=layer.crs)
    else:  # counted once, by read_households; the method names the file's column
        inputs.households = hh.from_points(layer, "households")
        inputs.households.attrs["method"] = f"points ({column} per point)" if column else "points (one household each)"
    inputs.buildings = None
    inputs.sources["households"] = str(path)
    return inputs


def set_totals(inputs: Inputs, path, column: str = "households", divisor: float = 1.0, *,
               gcj02: bool = False, encoding: str | None = None) -> Inputs:
    """Give ``inputs`` known household totals: polygons with ``column`` households each, or a table.

    :func:`make_plan` then spreads each total where people live (:mod:`gridmap.dasymetric`):
    over the building or point estimate when it can carry it, else over built-up evidence.
    A CSV/XLSX table (:func:`gridmap.inputs.tables.read_totals_table`) names villages,
    townships or the county by code or name and is joined to the units; its households
    column is found by name unless ``column`` names it, and with ``divisor`` ≠ 1 the
    column holds persons. ``encoding``: of a CSV (default: UTF-8 or GB18030, detected).

    Typical use: the registered households of each village or community. Not with census
    polygons as households (they are totals already).
    """
    from gridmap.inputs.tables import is_table, read_totals_table

    if is_table(path):
        persons = divisor != 1.0
        inputs.totals_table = read_totals_table(
            path, households=None if persons or column == "households" else column,
            persons=(None if column == "households" else column) if persons else None,
            persons_per_household=divisor if persons else None, encoding=encoding)
        inputs.totals = None
        inputs.sources["household_totals"] = str(path)
        inputs.sources["household_totals_encoding"] = inputs.totals_table.attrs.get("encoding")
        return inputs
    layer = read_layer(path, what="household totals", kind="polygon", columns=[column], gcj02=gcj02, encoding=encoding)
    counts = hh._counts(layer, column, "household totals") / divisor
    inputs.totals_table = None
    inputs.totals = gpd.GeoDataFrame({"households": counts}, geometry=layer.geometry.values, crs=layer.crs)
    inputs.sources["household_totals"] = str(path)
    return inputs


def set_unit_codes(inputs: Inputs, folder, county: str | None = None) -> Inputs:
    """Name the units of ``inputs`` by their 12-digit statistical codes, found by name in a code table.

    ``folder`` holds ``counties.csv``, ``townships.csv`` and ``villages.csv`` (see
    :func:`gridmap.codes.load_code_table`); ``county`` (6 digits) narrows the search.
    A matched unit takes the village's code as ``unit_id`` and its township as parent,
    so its grids get 15-digit codes; the others keep their ids and are listed in
    ``inputs.sources["code_table"]["unmatched"]``.
    """
    from gridmap.codes import load_code_table, match_unit_codes

    if inputs.units is None:
        raise InputError("code table: there are no units to name (give --units)")
    table = load_code_table(folder)
    if county is not None and not (table["code"] == str(county)).any():
        raise InputError(f"code table: no county {county!r} in {folder}")
    units = inputs.units
    parents = units["parent_name"] if "parent_name" in units and units["parent_name"].astype(bool).any() else None
    found = match_unit_codes(units["name"].tolist(), table, county, parents)
    found.loc[found["code"].duplicated(keep=False) & found["code"].notna(), ["code", "match"]] = [None, "duplicate"]
    ok = found["match"].eq("ok").to_numpy()
    inputs.units = units.assign(
        unit_id=np.where(ok, found["code"], units["unit_id"]),
        parent_id=np.where(ok, found["township_code"], units["parent_id"]),
        parent_name=np.where(ok, found["township_name"], units["parent_name"]))
    inputs.sources["code_table"] = {
        "folder": str(folder), "county": county, "matched": int(ok.sum()),
        "unmatched": [f"{n} ({m})" for n, m in zip(units["name"][~ok], found["match"][~ok])]}
    return inputs


# --------------------------------------------------------------------------- make_plan


def make_plan(inputs: Inputs, config: PlanConfig | None = None, *, progress=None, executor=None) -> Plan:
    """Partition the area of ``inputs`` into grids under ``config``.

    ``progress(step, done, total)`` is called as the steps advance (the CLI draws it).
    ``executor``: a :class:`concurrent.futures.Executor` (a process pool, or a
    dask.distributed ``client.get_executor()``) that cuts and partitions the units in
    parallel; the plan is the same as without it (each unit has its own seed).
    """
    config = config or PlanConfig()
    report = progress or (lambda *a: None)
    laps = Laps()
    lap, timings = laps.lap, laps.seconds

    require_crs(inputs.area, "area")
    area4326 = shapely.union_all(inputs.area.to_crs(4326).geometry.values)
    if area4326.is_empty or area4326.area == 0:
        raise InputError("area: the area polygon is empty")
    centre = area4326.centroid
    crs = metric_crs(centre.x, centre.y, config.crs)
    area = shapely.make_valid(shapely.union_all(inputs.area.to_crs(crs).geometry.values))
    area_name = str(inputs.area["name"].iloc[0]) if "name" in inputs.area else "area"

    report("units", 0, 1)
    units = _prepare_units(inputs.units, area, crs, area_name)
    lap("units")

    report("households", 0, 1)
    households, household_method, unit_methods = _prepare_households(inputs, area, crs, config, units)
    if unit_methods is not None:
        units = units.merge(unit_methods, on="unit_id", how="left")
    lap("households")

    barriers = _barrier_lines(inputs, crs, config, area)
    if inputs.blocks is not None:
        atoms = atoms_from_polygons(inputs.blocks, units).assign(split_from=-1)
    else:
        atoms = build_atoms(units, barriers, sliver_m2=config.sliver_m2,
                            progress=lambda d, t: report("atoms", d, t), executor=executor)
    lap("atoms")

    per_atom, atom_of_point = _attach(atoms, households)
    if inputs.blocks is None:  # census blocks are given units of count: never split them
        atoms = split_oversize(atoms, households, atom_of_point, config.band[1])
        if atoms["split_from"].max() >= 0:
            per_atom, atom_of_point = _attach(atoms, households)
    atoms["households"] = per_atom

    i, j, length, lines = shared_edges(atoms.geometry.values)
    same_unit = atoms["unit_id"].to_numpy()[i] == atoms["unit_id"].to_numpy()[j]
    classes = edge_classes(lines, barriers, weights=config.cut_weights)
    cut = np.array([config.cut_weights.get(c, 1.0) for c in classes], dtype=float)
    n = len(atoms)
    adjacency = symmetric_csr(n, i[same_unit], j[same_unit], length[same_unit])
    cut_matrix = symmetric_csr(n, i[same_unit], j[same_unit], cut[same_unit])
    lap("graph")

    area_m2 = atoms["area_m2"].to_numpy()
    centroids = shapely.centroid(atoms.geometry.values)
    xy = np.column_stack([shapely.get_x(centroids), shapely.get_y(centroids)])
    units = _classify(units, atoms, config)
    settlement = _settlements(atoms, units, households, atom_of_point, config)
    grid_of_atom = np.full(n, "", dtype=object)
    flag_of_grid, kind_of_grid, rule_of_grid, unit_rows = {}, {}, {}, []
    members_by_unit = pd.Series(np.arange(n)).groupby(atoms["unit_id"].to_numpy()).apply(np.asarray)
    unit_members = [members_by_unit.get(unit.unit_id, np.array([], dtype=int)) for unit in units.itertuples()]
    # one task per unit: plain arrays in, plain arrays out (run here, or on an executor's workers)
    tasks = [(per_atom[members], subgraph(adjacency, members), xy[members],
              {"regime": unit.regime or None, "band": config.band, "seed": unit_seed(config.seed, unit.unit_id),
               "cut_weight": subgraph(cut_matrix, members),
               "settlement": None if settlement is None else settlement[members],
               "by_settlement": config.rural.grids == "settlement", "area_m2": area_m2[members],
               "min_density": config.urban.min_density,
               "min_households": config.rural.min_households, "split_large": config.rural.split_large})
             for unit, members in zip(units.itertuples(), unit_members)]
    results = map(_plan_unit_task, tasks) if executor is None else executor.map(_plan_unit_task, tasks)
    for done, (unit, members, result) in enumerate(zip(units.itertuples(), unit_members, results)):
        codes = _grid_codes(unit.unit_id, result.labels, xy[members], unit.geometry)
        grid_of_atom[members] = codes[result.labels]
        for g, code in enumerate(codes):
            flag_of_grid[code] = result.grid_outcomes[g] if g < len(result.grid_outcomes) else None
            kind_of_grid[code] = str(result.grid_kinds[g])
            rule_of_grid[code] = str(result.grid_rules[g])
        unit_rows.append({"unit_id": unit.unit_id, "regime": str(result.regime), "grids": result.k,
                          "island_grids": result.grid_kinds.count("island"),
                          **_unit_status(result.regime, codes, result, flag_of_grid)})
        report("partition", done + 1, len(units))
    atoms["grid_id"] = grid_of_atom
    lap("partition")

    units = units.drop(columns="regime").merge(pd.DataFrame(unit_rows), on="unit_id", how="left")
    grids = _assemble_grids(atoms, units, flag_of_grid, kind_of_grid, config, area_name)
    grids.insert(int(grids.columns.get_loc("regime")) + 1, "rule", grids["grid_id"].map(rule_of_grid).to_numpy())
    check_pieces(grids, atoms["grid_id"].to_numpy(), adjacency)
    lap("grids")

    households = households.assign(atom_id=atom_of_point, grid_id=grid_of_atom[atom_of_point])
    layers = {
        "grids": grids, "units": units, "atoms": atoms[["atom_id", "unit_id", "grid_id", "households", "area_m2", "split_from", "geometry"]],
        "households": households, "area": gpd.GeoDataFrame({"name": [area_name]}, geometry=[area], crs=crs),
        "roads": _road_network(inputs, _context(inputs.roads, crs, area, ["highway", "name", "oneway", "maxspeed",
                                                                       "bridge", "tunnel", "layer"])),
        "waterways": _context(inputs.waterways, crs, area, ["waterway", "name"]),
        "railways": _context(inputs.railways, crs, area, ["railway"]),
    }
    summary = _summary(grids, units, households, atoms, config, household_method, inputs, _household_kind(inputs))
    meta = {"gridmap_version": _version("gridmap"), "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "config": config.to_dict(), "crs": crs.to_string(), "inputs": inputs.sources, "timings_s": timings,
            "versions": {p: _version(p) for p in ("geopandas", "shapely", "pyogrio", "pyproj", "numpy", "scipy")}
            | {"python": platform.python_version()},
            "summary": summary}
    return Plan(layers=layers, meta=meta)


def _attach(atoms, households):
    per_atom, atom_of_point = attach_households(atoms, households)
    missing = atom_of_point < 0
    if missing.any():  # on the area's edge by floating-point noise: nearest atom
        atom_of_point[missing] = shapely.STRtree(atoms.geometry.values).nearest(households.geometry.values[missing])
        per_atom = np.bincount(atom_of_point, weights=households["households"].to_numpy(float), minlength=len(atoms))
    return per_atom, atom_of_point


def _prepare_units(units, area, crs, area_name):
    if units is None or len(units) == 0:
        return gpd.GeoDataFrame({"unit_id": ["1"], "name": [area_name], "parent_id": [""], "parent_name": [area_name]},
                                geometry=[area], crs=crs)
    require_crs(units, "units")
    units = units.to_crs(crs).copy()
    units["geometry"] = shapely.make_valid(shapely.intersection(shapely.make_valid(units.geometry.values), area))
    units["geometry"] = [polygonal(g) for g in units.geometry.values]
    units = units[units.geometry.area > 0].reset_index(drop=True)
    if units.empty:
        raise InputError("units: no unit overlaps the area (check both layers' CRS)")
    # Units must tile the area: later units lose what earlier ones already hold...
    covered = shapely.union_all(units.geometry.values)
    overlap = float(units.geometry.area.sum() - covered.area)
    if overlap > 1e-6 * area.area:
        raise InputError(f"units: units overlap by {overlap / 1e6:.3f} km²; they must tile the area")
    # ... and leftover pieces of the area join the unit they share most boundary with.
    gaps = shapely.get_parts(shapely.difference(area, covered))
    gaps = gaps[shapely.area(gaps) > 1.0]
    geoms = list(units.geometry.values)
    for gap in gaps:
        shared = shapely.length(shapely.intersection(shapely.boundary(np.array(geoms, dtype=object)), gap.boundary))
        target = int(np.argmax(shared)) if shared.max() > 0 else int(np.argmin(shapely.distance(np.array(geoms, dtype=object), gap)))
        geoms[target] = polygonal(shapely.union_all([geoms[target], gap]))
    units["geometry"] = geoms
    units.attrs["gaps_filled"] = len(gaps)
    for column in ("parent_id", "parent_name"):
        if column not in units.columns:
            units[column] = ""
    return units[["unit_id", "name", "parent_id", "parent_name", "geometry"]]


def _prepare_households(inputs, area, crs, config, units):
    """Household points in ``crs``, the method in words, and per unit how its households were found (or None)."""
    totals_given = inputs.totals is not None or inputs.totals_table is not None
    if inputs.blocks is not None:
        if totals_given:
            raise InputError("household totals: the census polygons given as households are totals already; "
                             "give totals with household points or buildings")
        require_crs(inputs.blocks, "households")
        blocks = inputs.blocks.to_crs(crs)
        points = hh.from_polygons(blocks, "households")
        return hh.inside_area(points, area, drop=inputs.drop_outside), points.attrs["method"], None
    points = None
    if inputs.households is not None:
        require_crs(inputs.households, "households")
        points = inputs.households.to_crs(crs)
        points.attrs["method"] = inputs.households.attrs.get("method", "points")
        points = hh.inside_area(points, area, drop=inputs.drop_outside)
    elif inputs.buildings is not None and len(inputs.buildings):
        require_crs(inputs.buildings, "buildings")
        buildings = inputs.buildings.to_crs(crs)
        points = hh.from_buildings(buildings, config.households)
        # Buildings straddling the area's edge are outside when their inner point is.
        points = hh.inside_area(points, area, drop=True)
    if not totals_given:
        if points is None or points.empty:
            raise InputError("households: no residential building lies inside the area")
        return points, points.attrs["method"], None
    return _spread_totals(inputs, points, area, crs, units)


def _spread_totals(inputs, points, area, crs, units):
    """Known totals spread with the best evidence (:mod:`gridmap.dasymetric`); the base points keep theirs elsewhere."""
    from gridmap.dasymetric import match_totals, spread_totals, unit_methods

    if inputs.totals_table is not None:
        totals = match_totals(inputs.totals_table, units, str(inputs.area["name"].iloc[0]) if "name" in inputs.area else "")
        what = f"a table of {len(totals)} rows"
        if totals.attrs.get("unmatched"):
            inputs.sources["household_totals_unmatched"] = totals.attrs["unmatched"]
    else:
        require_crs(inputs.totals, "household totals")
        totals = inputs.totals.to_crs(crs)
        totals = totals.assign(label=totals["label"] if "label" in totals else [str(i + 1) for i in range(len(totals))])
        totals = totals.assign(geometry=shapely.intersection(totals.geometry.values, area))
        totals = totals[~totals.geometry.is_empty].reset_index(drop=True)
        what = f"{len(totals)} polygons"

    def metric(layer):
        return None if layer is None or len(layer) == 0 else layer.to_crs(crs)

    evidence = Evidence(buildings=metric(inputs.buildings), landuse=metric(inputs.landuse),
                        streets=metric(inputs.roads), places=metric(inputs.places))
    spread, report = spread_totals(totals, points, evidence, inputs.spread)
    # a total's points lie inside its polygon; the base points were inside the area already
    spread = hh.inside_area(spread, area, drop=True)
    base = points.attrs.get("method", "points") if points is not None else "none"
    methods = sorted(set(report["method"]))
    method = f"totals ({what}) spread by {', '.join(methods)}; base estimate: {base}"
    if points is not None and (report["method"] == "buildings").any():
        method += "; scaled to the totals"
    spread.attrs.update(method=method, total=float(spread["households"].sum()))
    per_unit = unit_methods(units, totals, report, default=_household_kind(inputs, totals=False))
    records = report.assign(density=report["density"].round(1)).astype(object)
    inputs.sources["household_totals_report"] = records.where(records.notna(), None).to_dict("records")
    return spread, method, per_unit


def _barrier_lines(inputs, crs, config, area):
    frames = []
    roads = inputs.roads
    if len(roads):
        cls = roads["highway"].map(config.barrier_highways)
        frames.append(gpd.GeoDataFrame({"barrier_class": cls[cls.notna()].to_numpy()},
                                       geometry=roads.geometry[cls.notna()].values, crs=roads.crs).to_crs(crs))
    water = inputs.waterways
    if len(water):
        cls = water["waterway"].map(config.barrier_waterways)
        frames.append(gpd.GeoDataFrame({"barrier_class": cls[cls.notna()].to_numpy()},
                                       geometry=water.geometry[cls.notna()].values, crs=water.crs).to_crs(crs))
    for layer, name in ((inputs.railways, "railway"), (inputs.barriers, "barrier")):
        if len(layer):
            frames.append(gpd.GeoDataFrame({"barrier_class": [name] * len(layer)}, geometry=layer.geometry.values,
                                           crs=layer.crs).to_crs(crs))
    if not frames:
        return gpd.GeoDataFrame({"barrier_class": []}, geometry=[], crs=crs)
    lines = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=crs)
    lines = lines[shapely.intersects(lines.geometry.values, area)].reset_index(drop=True)
    lines = lines.explode(index_parts=False).reset_index(drop=True)
    return lines[lines.geom_type == "LineString"].reset_index(drop=True)


def _classify(units, atoms, config):
    per_unit = atoms.groupby("unit_id")["households"].sum()
    units = units.assign(households=per_unit.reindex(units["unit_id"]).fillna(0.0).to_numpy())
    area_km2 = units.geometry.area / 1e6
    units["area_km2"] = area_km2
    # by list, name or mode; "" where the unit's density decides (by where its people live,
    # in plan_unit: the unit's layer then says urban, rural or mixed)
    units["regime"] = [str(config.urban.by_rule(u, n) or "") for u, n in zip(units["unit_id"], units["name"])]
    lo, hi = config.band
    units["k_min"] = np.ceil(units["households"] / hi).astype(int)
    units["k_max"] = np.floor(units["households"] / lo).astype(int)
    return units


def _plan_unit_task(task):
    """Partition one unit (a picklable task of :func:`make_plan`)."""
    households, adjacency, xy, options = task
    return plan_unit(households, adjacency, xy, **options)


def _settlements(atoms, units, households, atom_of_point, config):
    """Settlement of each atom (-1: none) of the units that need one, or None when none does.

    Units whose density decides need them (dense settlements are their urban part), and
    rural units when their grids are settlements.
    """
    needs = units["regime"].eq("")
    if config.rural.grids == "settlement":
        needs |= units["regime"].eq("rural")
    if not needs.any():
        return None
    from gridmap.partition._settlements import dominant_settlement, settlements

    rural_atom = atoms["unit_id"].isin(set(units.loc[needs, "unit_id"])).to_numpy()
    on = (atom_of_point >= 0)
    on[on] = rural_atom[atom_of_point[on]]
    idx = np.flatnonzero(on)
    out = np.full(len(atoms), -1, dtype=np.int64)
    if len(idx) == 0:
        return out
    geoms = households.geometry.values[idx]
    xy = np.column_stack([shapely.get_x(geoms), shapely.get_y(geoms)])
    unit_codes = pd.factorize(atoms["unit_id"].to_numpy()[atom_of_point[idx]])[0]
    labels = settlements(xy, config.rural.gap_m, unit_codes)
    return dominant_settlement(atom_of_point[idx], labels, households["households"].to_numpy()[idx], len(atoms))


def _unit_status(regime, codes, result, flag_of_grid) -> dict:
    """``status`` of a unit and the ``reason`` behind it.

    ``ok``: every grid other than islands is in band (a rural unit is one grid by rule);
    ``infeasible``: the band cannot be met, for the reasons given; ``heuristic``: the
    counts allow the band but no in-band split was found.
    """
    if regime == "rural":
        flag = flag_of_grid[codes[0]]
        return {"status": UnitStatus.OK.value, "reason": flag.text if flag is not None else ""}
    in_band = all(flag_of_grid[c] is None for c, kind in zip(codes, result.grid_kinds) if kind != "island")
    # the partitioner's outcomes say whether a failure is proven or only the heuristic's
    status = UnitStatus.OK if in_band else unit_status(False, result.outcomes)
    return {"status": status.value, "reason": "; ".join(o.text for o in result.outcomes)}


def _grid_codes(unit_id, labels, xy, unit_geometry):
    k = int(labels.max()) + 1 if len(labels) else 1
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


def _assemble_grids(atoms, units, flag_of_grid, kind_of_grid, config, county_name):
    """The grids layer: one row per grid, with the four levels county > township (parent) > unit > grid."""
    grouped = atoms.groupby("grid_id")
    geoms = grouped.geometry.agg(lambda g: shapely.union_all(g.to_numpy()))
    grids = gpd.GeoDataFrame({"grid_id": geoms.index.to_numpy()}, geometry=geoms.to_numpy(), crs=atoms.crs)
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
    order = ["grid_id", "code", "county_name", "parent_id", "parent_name", "unit_id", "unit_name", "regime", "households", "atoms",
             "area_km2", "polsby_popper", "in_band", "flag", "flag_reason", "geometry"]
    return grids[order].sort_values("grid_id").reset_index(drop=True)


def _road_network(inputs, roads):
    """The plan's roads, noded at their crossings when they come from files (OSM ways are noded already).

    Records in ``inputs.sources["road_network"]`` the vertices added and how many pieces
    the network falls into (and the share of its nodes outside the largest piece).
    """
    from gridmap.noding import node_crossings, pieces
    from gridmap.roads import ReachConfig, build_network

    if len(roads) == 0:
        return roads
    info = {}
    if inputs.node_roads:
        roads = node_crossings(roads)
        info["crossings_noded"] = int(roads.attrs["crossings_noded"])
    try:
        count, outside = pieces(build_network(roads, ReachConfig()).graph)
    except InputError:  # no road open to walking: nothing to count
        count, outside = 0, 0.0
    info.update(pieces=count, outside_largest_share=round(outside, 4))
    inputs.sources["road_network"] = info
    return roads


def _context(layer, crs, area, columns):
    if layer is None or len(layer) == 0:
        return gpd.GeoDataFrame({c: [] for c in columns}, geometry=[], crs=crs)
    out = layer.to_crs(crs)
    out = out[shapely.intersects(out.geometry.values, area)]
    keep = [c for c in columns if c in out.columns]
    return gpd.GeoDataFrame(out[keep].reset_index(drop=True), geometry=out.geometry.values, crs=crs)


def _summary(grids, units, households, atoms, config, household_method, inputs, household_kind: str = ""):
    urban = grids[grids["regime"] == "urban"]
    feasible_units = set(units.loc[units["status"] == "ok", "unit_id"])
    urban_feasible = urban[urban["unit_id"].isin(feasible_units)]
    flagged = grids[grids["flag"] != ""]
    return {
        "households": float(households["households"].sum()),
        "household_method": household_method,  # in words
        "household_kind": household_kind,  # points, polygons, buildings or totals
        "atoms": int(len(atoms)),
        "units": int(len(units)),
        "urban_units": int((units["regime"] == "urban").sum()),
        "mixed_units": int((units["regime"] == "mixed").sum()),
        "infeasible_units": units.loc[units["status"] != "ok", ["unit_id", "name", "reason"]].to_dict("records"),
        "grids": int(len(grids)),
        "urban_grids": int(len(urban)),
        "island_grids": int((grids["regime"] == "island").sum()),
        "band": list(config.band),  # for readers of summary.json; code reads plan.config.band
        "in_band_share_urban": float(urban["in_band"].mean()) if len(urban) else None,
        "in_band_share_urban_feasible": float(urban_feasible["in_band"].mean()) if len(urban_feasible) else None,
        "households_per_grid_median": float(grids["households"].median()),
        "polsby_popper_median": float(grids["polsby_popper"].median()),
        "flagged": flagged[["grid_id", "regime", "households", "flag", "flag_reason"]].to_dict("records"),
        "repaired_polygons": inputs.sources.get("repaired_polygons", {}),
        **_household_methods(units),
    }


def _household_kind(inputs, *, totals: bool = True) -> str:
    """Where the households come from, as a code: ``polygons`` (census blocks), ``totals``
    (known totals spread), ``points`` or ``buildings`` (``none`` without either)."""
    if inputs.blocks is not None:
        return "polygons"
    if totals and (inputs.totals is not None or inputs.totals_table is not None):
        return "totals"
    if inputs.households is not None:
        return "points"
    return "buildings" if inputs.buildings is not None and len(inputs.buildings) else "none"


def _household_methods(units) -> dict:
    """Per unit, how its households were found, and the units whose evidence is thin or total disputed."""
    if "household_method" not in units.columns:
        return {}
    rows = units[["unit_id", "name", "household_method", "household_note", "thin", "disagree"]]
    return {"household_methods": {m: int(n) for m, n in rows["household_method"].value_counts().items()},
            "units_household_method": rows[["unit_id", "name", "household_method", "household_note"]].to_dict("records"),
            "thin_evidence": rows.loc[rows["thin"].astype(bool), ["unit_id", "name", "household_note"]].to_dict("records"),
            "no_evidence": rows.loc[rows["household_method"].eq("even"), ["unit_id", "name"]].to_dict("records"),
            "totals_disagree": rows.loc[rows["disagree"].astype(bool), ["unit_id", "name", "household_note"]].to_dict("records")}


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "unknown"


# --------------------------------------------------------------------------- after partition


def staff_and_reach(plan: Plan, *, staffing=None, reach=None, bases: gpd.GeoDataFrame | None = None,
                    progress=None, laps=None, executor=None) -> Plan:
    """The later steps in order: staff the grids, then measure their reach from the bases.

    ``staffing`` is a :class:`gridmap.staffing.StaffingConfig`, ``reach`` a
    :class:`gridmap.config.ReachConfig` (defaults when None); ``bases`` an optional layer
    of given offices. Returns a new plan with workers, bases, service areas and the
    households outside the response time. ``laps(step)`` is called as each step ends;
    ``executor`` (a :class:`concurrent.futures.Executor`) searches computed bases in parallel.
    """
    from gridmap.reach import reach_plan
    from gridmap.staffing import staff_plan

    report = progress or (lambda *a: None)
    lap = laps or (lambda step: None)
    report("staffing", 0, 1)
    staffed = staff_plan(plan, staffing, bases=bases, reach_config=reach, executor=executor)
    lap("staffing (bases)")
    report("reach", 0, 1)
    reached = reach_plan(staffed, reach)
    lap("reach")
    return reached
