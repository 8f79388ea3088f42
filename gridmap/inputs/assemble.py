"""The one input assembly: files or an OSM extract into :class:`Inputs`, the raw layers of one area.

    inputs = inputs_from_osm("data/liechtenstein.osm.pbf", area_name="Liechtenstein")
    inputs = inputs_from_files(units="wards.gpkg", households="blocks.gpkg", households_column="TOTPOP")
    set_households(inputs, "points.gpkg"); set_totals(inputs, "villages.xlsx")

Every command that plans (``partition``, ``run``, ``batch``, ``adjust``) and the Python
API assemble their inputs here, and read each file with the readers of
:mod:`gridmap.inputs.files` that ``gridmap validate`` uses too, so one file means the
same thing to every command. :func:`gridmap.pipeline.make_plan` then projects the
layers, estimates households, cuts atoms and partitions.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap import households as hh
from gridmap._geometry import valid_union
from gridmap.crs import metric_crs, require_crs
from gridmap.dasymetric import SpreadRule
from gridmap.errors import InputError
from gridmap.inputs import datum_roles
from gridmap.inputs.files import dropped, read_households, read_layer, read_lines, unit_columns

__all__ = ["Inputs", "inputs_from_osm", "inputs_from_files", "set_households", "set_totals", "set_unit_codes",
           "set_units_from_points"]

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


def inputs_from_osm(path, *, area_name: str | None = None, area_level: int | None = None, units_level: int = 8,
                    parent_level: int | None = None, close_at_extract: bool = False, extract_area: bool = False,
                    area=None, units=None, unit_id: str | None = None, unit_name: str | None = None,
                    encoding: str | None = None, gcj02=(), bd09=(), scan=None) -> Inputs:
    """Inputs from an OSM extract (.osm.pbf, .osm, .osm.bz2), optionally with your own boundaries.

    The area is the admin boundary named ``area_name`` (at ``area_level``; None: the named
    boundary's own level, or level 2 without a name), the polygon
    file ``area``, the union of the ``units`` file, or the extract's box
    (``extract_area``); the units are the boundaries at ``units_level`` inside it (in the
    extract's box only when they tile it, else the box is one unit), or the ``units`` file. Roads, waterways, railways, buildings, settlement points and
    residential landuse come from the extract (clipped to the area by :func:`make_plan`).

    ``close_at_extract``: boundary relations cut by the extract's edge are closed against
    its box (:mod:`gridmap.inputs.extract`); otherwise a name that matches no complete
    boundary is an error listing the relations that exist but do not close.
    ``scan``: a :class:`gridmap.inputs.osm_scan.ScanAhead` of ``path`` started earlier
    (see :func:`gridmap.inputs.osm.read_osm`). ``gcj02``, ``bd09``: the roles (``area``,
    ``units``) whose files are GCJ-02 or BD-09 (shifted to WGS 84 on reading).
    """
    from gridmap.inputs.osm import read_osm, select_area, select_units

    datums = datum_roles(gcj02, bd09)
    osm = read_osm(path, scan=scan)
    boundaries, sources = osm.boundaries, {"osm": str(path)}
    if close_at_extract:
        from gridmap.inputs.extract import boundaries_with_closed

        boundaries, problems = boundaries_with_closed(boundaries, path)
        sources["closed_at_extract"] = sorted(boundaries.loc[boundaries["closed"], "name"].tolist())
        if problems:
            sources["not_closed"] = problems
    units_gdf = None
    if units is not None:
        layer = read_layer(units, what="units", kind="polygon", datum=datums.get("units"), encoding=encoding)
        units_gdf = unit_columns(layer, unit_id, unit_name)
        sources["units"] = str(units)
    if area is not None:
        layer = read_layer(area, what="area", kind="polygon", datum=datums.get("area"), encoding=encoding)
        name = str(layer["name"].iloc[0]) if "name" in layer.columns else Path(area).stem
        area_gdf = gpd.GeoDataFrame({"name": [name]}, geometry=[shapely.union_all(layer.to_crs(4326).geometry.values)],
                                    crs=4326)
        sources["area"] = str(area)
    elif units_gdf is not None and not area_name:
        area_gdf = gpd.GeoDataFrame({"name": [Path(units).stem]},
                                    geometry=[shapely.union_all(units_gdf.to_crs(4326).geometry.values)], crs=4326)
    elif extract_area:
        from gridmap.inputs.extract import extract_box

        box = extract_box(path)
        if box is None:
            raise InputError.of("in_area_no_box", name=Path(path).name)
        area_gdf = gpd.GeoDataFrame({"name": [area_name or Path(path).name.split(".")[0]]}, geometry=[box], crs=4326)
        sources["area"] = "extract box"
        if units_gdf is None:
            units_gdf = _units_in_box(boundaries, box, units_level, parent_level, sources, area_gdf["name"].iloc[0])
    else:
        try:
            picked = select_area(boundaries, name=area_name,
                                 level=area_level if area_level is not None or area_name else 2)
        except InputError as exc:
            if close_at_extract:
                left = sorted(sources.get("not_closed") or [], key=lambda text: not area_name or area_name not in text)
                if left:  # why the relations that could have been the area are not there
                    raise InputError.of("area_not_closed", first=exc,
                                        left="; ".join(left[:4]) + ("; ..." if len(left) > 4 else "")) from None
                raise
            from gridmap.inputs.extract import cut_boundaries, describe_cut

            cut = cut_boundaries(path, boundaries["osm_id"])
            raise InputError.of("area_cut", first=exc, cut=describe_cut(cut)) from None
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


#: The class column of a line role whose classes :mod:`gridmap.inputs.line_classes` does not read,
#: and the class a file's line without one gets.
_LINE_CLASS = {"railways": ("railway", "rail")}


def add_files(inputs: Inputs, *, roads=(), waterways=(), railways=(), barriers=(), buildings=None,
              gcj02=(), bd09=()) -> Inputs:
    """Add a county's own layers to ``inputs`` read from an OSM extract.

    Lines (``roads``, ``waterways``, ``railways``, ``barriers``: lists of files) are added to
    the extract's of the same role, their classes read from their class columns
    (:func:`gridmap.inputs.line_classes.classify`: a road without one ``highway=residential``,
    a watercourse ``waterway=river``; a railway ``railway=rail``); roads from files are then noded with the extract's at their crossings (:func:`make_plan`).
    ``buildings`` (a polygon file) replaces the extract's buildings: a county's survey of
    its buildings is the fuller of the two, and adding both would count a building twice.
    ``gcj02``, ``bd09``: the roles whose files are GCJ-02 or BD-09. The files are listed in
    ``inputs.sources["line_files"]`` and ``["buildings"]``.
    """
    datums = datum_roles(gcj02, bd09)
    files = _line_files(roads, waterways, railways, barriers)
    for role, paths in files.items():
        layer = _read_role_lines(inputs, role, paths, datums.get(role))
        if role in _LINE_CLASS:
            column, default = _LINE_CLASS[role]
            values = layer[column] if column in layer.columns else pd.Series(None, index=layer.index, dtype=object)
            layer = layer.assign(**{column: values.where(values.notna() & (values.astype(str) != ""), default)})
        mine = getattr(inputs, role)
        keep = [c for c in mine.columns if c in layer.columns and c != mine.geometry.name]
        layer = gpd.GeoDataFrame(layer[keep], geometry=layer.geometry.values, crs=4326)
        setattr(inputs, role, gpd.GeoDataFrame(pd.concat([mine.to_crs(4326), layer], ignore_index=True), crs=4326)
                if len(mine) else layer)
    if files:
        inputs.sources["line_files"] = {role: [str(p) for p in paths] for role, paths in files.items()}
    if roads:
        inputs.node_roads = True  # a file's roads cross the extract's without a shared vertex
    if buildings is not None:
        _read_buildings(inputs, buildings, datums.get("buildings"))
    return inputs


def _line_files(roads, waterways, railways, barriers) -> dict:
    """The line files given, by role (roles without a file left out)."""
    return {role: list(paths) for role, paths in (("roads", roads), ("waterways", waterways),
                                                  ("railways", railways), ("barriers", barriers)) if paths}


def _read_role_lines(inputs: Inputs, role: str, paths, datum: str | None) -> gpd.GeoDataFrame:
    """The lines of ``paths`` for ``role`` (in degrees; empty without files), the features dropped on
    reading noted as repairs of ``inputs``. Roads and waterways get their OSM class (``highway``,
    ``waterway``) from each file's class column (:func:`gridmap.inputs.line_classes.classify`),
    what was read noted too."""
    from functools import partial

    from gridmap.inputs.line_classes import KINDS, classify

    kind = KINDS.get(role)
    layer = read_lines(paths, what=role, datum=datum, prepare=partial(classify, role=role) if kind else None)
    for lost in dropped(layer):
        note_repair(inputs, role, lost["code"], lost["count"], None, lost["file"])
    for read in layer.attrs.get("prepared", []):
        classes = read["line_classes"]
        inputs.sources.setdefault("line_classes", []).append({"file": read["file"], "role": role, **classes})
        if classes["column"] is None:
            note_repair(inputs, role, f"{role}_classes_none", classes["defaulted"], None, read["file"],
                        default=kind.default)
            continue
        if classes["column"] != kind.tag:  # (OSM's own column needs no word)
            note_repair(inputs, role, f"{role}_classes_read", 0, None, read["file"], column=classes["column"])
        if classes["defaulted"]:
            note_repair(inputs, role, f"{role}_class_default", classes["defaulted"], None, read["file"],
                        column=classes["column"], default=kind.default)
    return layer


def _read_buildings(inputs: Inputs, path, datum: str | None) -> None:
    """``inputs.buildings`` read from ``path``, the features dropped noted, the file in the sources."""
    inputs.buildings = read_layer(path, what="buildings", kind="polygon", datum=datum)
    for lost in dropped(inputs.buildings):
        note_repair(inputs, "buildings", lost["code"], lost["count"], None, lost["file"])
    inputs.sources["buildings"] = str(path)


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
            raise InputError.of("in_no_place_points")
        kinds = tuple(places)
        points = inputs.places[inputs.places["place"].isin(kinds)]
        present = sorted(set(inputs.places["place"]))
        if points.empty:
            raise InputError.of("in_no_place_kinds", kinds="|".join(kinds), present=", ".join(present))
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


def _units_in_box(boundaries, box, level: int, parent_level: int | None, sources: dict, name: str):
    """The extract's boundaries at ``level`` as the units of its box (``--extract-area``), when
    they tile the box but for slivers (what they leave uncovered is at most
    :data:`gridmap.pipeline.GAP_SHARE` of it): the townships of a county export whose relations
    were closed against its edge. Else None (the box is one unit), and ``sources`` says why."""
    from gridmap.inputs.osm import select_units
    from gridmap.pipeline import GAP_SHARE

    try:
        units = select_units(boundaries, box, level)
    except InputError:  # no boundary at that level inside the box
        return None
    # shares of a box of a few tens of kilometres: degrees² do as well as m²
    uncovered = 1.0 - shapely.area(shapely.intersection(shapely.union_all(units.geometry.values), box)) / box.area
    if uncovered > GAP_SHARE:
        sources["units_level_partial"] = {"level": int(level), "units": len(units), "uncovered": round(uncovered, 3)}
        return None
    sources["units_level"] = int(level)
    if parent_level is not None and parent_level != level:
        try:
            return _attach_parents(units, select_units(boundaries, box, parent_level))
        except InputError:
            pass
    return units.assign(parent_id="", parent_name=name)  # as the box's one unit would have


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
                      totals_column: str = "households", totals_divisor: float = 1.0, gcj02=(), bd09=(),
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
    whose longitudes and latitudes are GCJ-02 (AMap/Gaode, Tencent), shifted to WGS 84;
    ``bd09``: those in BD-09 (Baidu Maps), likewise.
    ``encoding``: of Shapefiles without ``.cpg`` and of CSV tables (default: detected,
    UTF-8 or GB18030/GBK).
    """
    datums = datum_roles(gcj02, bd09)
    units_gdf, repaired, inputs_encoding = None, {}, {}
    if units is not None:
        layer = read_layer(units, what="units", kind="polygon", datum=datums.get("units"), encoding=encoding)
        if layer.attrs.get("encoding"):
            inputs_encoding = {"units": layer.attrs["encoding"]}
        repaired["units"] = layer.attrs.get("repaired", 0)
        units_gdf = unit_columns(layer, unit_id, unit_name)
    if area is not None:
        area_gdf = read_layer(area, what="area", kind="polygon", datum=datums.get("area"), encoding=encoding)
        repaired["area"] = area_gdf.attrs.get("repaired", 0)
        name = str(area_gdf["name"].iloc[0]) if "name" in area_gdf.columns else Path(area).stem
    elif units_gdf is not None:  # the area is the union of its units
        area_gdf, name = units_gdf, Path(units).stem
    else:
        raise InputError.of("in_no_area")
    # one polygon, unioned where the layer's polygons are valid (its own CRS), then in degrees
    whole = gpd.GeoSeries([valid_union(area_gdf.geometry.values)], crs=area_gdf.crs).to_crs(4326).values
    area_gdf = gpd.GeoDataFrame({"name": [name]}, geometry=[valid_union(whole)], crs=4326)
    line_files = _line_files(roads, waterways, railways, barriers)
    inputs = Inputs(area=area_gdf, units=units_gdf, drop_outside=drop_outside,
                    sources={"area": str(area) if area else None, "units": str(units) if units else None,
                             "repaired_polygons": {k: v for k, v in repaired.items() if v},
                             "line_files": {role: [str(p) for p in paths] for role, paths in line_files.items()},
                             **({"encodings": inputs_encoding} if inputs_encoding else {})})
    for role in ("roads", "waterways", "railways", "barriers"):
        setattr(inputs, role, _read_role_lines(inputs, role, line_files.get(role, ()), datums.get(role)))
    if "highway" not in inputs.roads.columns:
        inputs.roads = inputs.roads.assign(highway="residential")
    inputs.node_roads = len(inputs.roads) > 0  # layers from files often cross without a shared vertex
    if "waterway" not in inputs.waterways.columns:
        inputs.waterways = inputs.waterways.assign(waterway="river")
    if households is not None:
        set_households(inputs, households, households_column, households_divisor, datum=datums.get("households"),
                       encoding=encoding)
    if buildings is not None:
        _read_buildings(inputs, buildings, datums.get("buildings"))
    if inputs.households is None and inputs.blocks is None and inputs.buildings is None and households_totals is None:
        raise InputError.of("in_no_households")
    if households_totals is not None:
        set_totals(inputs, households_totals, totals_column, totals_divisor, datum=datums.get("totals"),
                   encoding=encoding)
    for datum in ("gcj02", "bd09"):  # the inputs shifted to WGS 84, by datum
        shifted = sorted(role for role, d in datums.items() if d == datum)
        if shifted:
            inputs.sources[f"{datum}_shifted"] = shifted
    return inputs


def set_households(inputs: Inputs, path, column: str | None = None, divisor: float = 1.0, *,
                   gcj02: bool = False, datum: str | None = None, encoding: str | None = None) -> Inputs:
    """Use a household file for ``inputs``: points (one each, or ``column`` each) or census polygons.

    The points may be a CSV/XLSX table with longitude and latitude columns (``encoding``:
    of a CSV; default UTF-8 or GB18030/GBK, detected). ``datum``: the file's coordinates
    are GCJ-02 (``"gcj02"``, also ``gcj02=True``) or BD-09 (``"bd09"``), shifted to WGS 84 on reading.
    """
    layer = read_households(path, column, divisor, datum=datum or ("gcj02" if gcj02 else None), encoding=encoding)
    if layer.attrs["kind"] == "polygons":
        inputs.blocks = gpd.GeoDataFrame({"households": layer["households"].to_numpy()},
                                         geometry=layer.geometry.values, crs=layer.crs)
    else:  # counted once, by read_households; the method names the file's column
        inputs.households = hh.from_points(layer, "households")
        inputs.households.attrs["method"] = f"points ({column} per point)" if column else "points (one household each)"
        attrs = layer.attrs
        if attrs.get("polygons_as_points"):
            note_repair(inputs, "households", "polygons_as_points", *attrs["polygons_as_points"], path)
        made = inputs.households.attrs
        if made.get("duplicates"):
            note_repair(inputs, "households", "duplicates_counted", made["duplicates"], made["duplicate_households"],
                        path)
        if made.get("multipoints"):
            note_repair(inputs, "households", "multipoints_whole", made["multipoints"], None, path)
    inputs.buildings = None
    inputs.sources["households"] = str(path)
    inputs.sources["households_read"] = {"file": str(path), "rows": int(len(layer)),
                                         "households": float(layer["households"].sum())}
    return inputs


def note_repair(inputs: Inputs, what: str, code: str, count: int, households: float | None, path=None,
                **params) -> None:
    """Record what gridmap repaired or noticed in an input (``inputs.sources["repairs"]``): the
    summary, the plan's meta and the report state each one; nothing is repaired silently.
    ``params``: further fields of the sentence ``repair.<code>`` (a column's name)."""
    inputs.sources.setdefault("repairs", []).append(
        {"input": what, "code": code, "count": int(count), "households": households,
         "file": str(path) if path is not None else None, **({"params": params} if params else {})})


def set_totals(inputs: Inputs, path, column: str = "households", divisor: float = 1.0, *,
               gcj02: bool = False, datum: str | None = None, encoding: str | None = None) -> Inputs:
    """Give ``inputs`` known household totals: polygons with ``column`` households each, or a table.

    :func:`make_plan` then spreads each total where people live (:mod:`gridmap.dasymetric`):
    over the building or point estimate when it can carry it, else over built-up evidence.
    A CSV/XLSX table (:func:`gridmap.inputs.tables.read_totals_table`) names villages,
    townships or the county by code or name and is joined to the units; its households
    column is found by name unless ``column`` names it, and with ``divisor`` ≠ 1 the
    column holds persons. ``encoding``: of a CSV (default: UTF-8 or GB18030, detected).
    ``datum``: the polygons' coordinates are GCJ-02 (``"gcj02"``, also ``gcj02=True``) or
    BD-09 (``"bd09"``), shifted to WGS 84 on reading.

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
    layer = read_layer(path, what="household totals", kind="polygon", columns=[column],
                       datum=datum or ("gcj02" if gcj02 else None), encoding=encoding)
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
        raise InputError.of("in_codes_no_units")
    table = load_code_table(folder)
    if county is not None and not (table["code"] == str(county)).any():
        raise InputError.of("in_codes_no_county", county=county, folder=folder)
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
