"""Boundary relations cut by the edge of an OSM extract, and closing them against its box.

An export of a few kilometres around a town holds the administrative relations of the
townships and the county, but only the member ways that lie inside the box: pyosmium
cannot build their areas and drops them without a word. :func:`cut_boundaries` finds them
(and how many of their ways are missing); :func:`close_at_box` closes them against the
extract's box (its header's bounds):

the present member ways and the box outline are noded and polygonized into faces; a face
belongs to the relation that every way bounding it is a member of (a way between two
townships is a member of both, so the face on each side has one common owner); faces left
ambiguous lose the candidates that already own a face across one of their ways. Faces no
relation can claim are reported, never guessed.

A relation without ``admin_level`` (common in Chinese exports) gets the level of the
one from its name (…镇/乡/街道 8, …县/区/市 6, …省 4), else the level of the relations
it shares ways with, else none (-1).
"""
from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import osmium
import pandas as pd
import shapely

from gridmap.errors import InputError

_LEVEL_BY_SUFFIX = ((re.compile(r"(镇|乡|街道|苏木)$"), 8), (re.compile(r"(县|区|旗|市)$"), 6),
                    (re.compile(r"(省|自治区)$"), 4))


def extract_box(path) -> shapely.Polygon | None:
    """The bounding box an extract was cut with (from its header), EPSG:4326; None when it has none."""
    reader = osmium.io.Reader(str(path), osmium.osm.osm_entity_bits.NOTHING)
    try:
        box = reader.header().box()
    finally:
        reader.close()
    if not box.valid():
        return None
    return shapely.box(box.bottom_left.lon, box.bottom_left.lat, box.top_right.lon, box.top_right.lat)


def cut_boundaries(path, built_ids=()) -> gpd.GeoDataFrame:
    """Administrative relations of an extract whose area could not be built (ways missing).

    ``built_ids``: ids of relations already built (they are skipped). Returns one row per
    relation: ``osm_id``, ``name``, ``admin_level`` (int, -1 when unknown), ``ways`` (member
    ways), ``present`` (of them in the extract), ``way_ids`` (present member way ids) and
    the present ways as a (Multi)LineString geometry, EPSG:4326.
    """
    built = set(int(i) for i in built_ids)
    relations = {}
    for rel in osmium.FileProcessor(str(path), osmium.osm.RELATION):
        tags = rel.tags
        if tags.get("boundary") != "administrative" or rel.id in built:
            continue
        try:
            level = int(tags.get("admin_level", ""))
        except ValueError:
            level = -1
        ways = [m.ref for m in rel.members if m.type == "w"]
        relations[rel.id] = (tags.get("name", "") or tags.get("name:zh", ""), level, ways)
    wanted = {w for _, _, ways in relations.values() for w in ways}
    lines = {}
    if wanted:
        for way in osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY).with_locations():
            if way.type_str() == "w" and way.id in wanted:
                try:
                    lines[way.id] = shapely.LineString([(n.lon, n.lat) for n in way.nodes])
                except (osmium.InvalidLocationError, ValueError):
                    continue
    rows = []
    for rid, (name, level, ways) in relations.items():
        present = [w for w in ways if w in lines]
        geom = shapely.MultiLineString([lines[w] for w in present]) if present else shapely.MultiLineString()
        rows.append({"osm_id": rid, "name": name, "admin_level": level, "ways": len(ways), "present": len(present),
                     "way_ids": present, "geometry": geom})
    frame = gpd.GeoDataFrame(pd.DataFrame(rows, columns=["osm_id", "name", "admin_level", "ways", "present",
                                                         "way_ids", "geometry"]), geometry="geometry", crs=4326)
    return _guess_levels(frame)


def _guess_levels(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    frame = frame.copy()
    frame["level_guessed"] = frame["admin_level"] < 0
    for i in np.flatnonzero(frame["admin_level"].to_numpy() < 0):
        for pattern, level in _LEVEL_BY_SUFFIX:
            if pattern.search(str(frame.at[i, "name"])):
                frame.at[i, "admin_level"] = level
                break
    for _ in range(3):  # the level of the neighbours it shares ways with
        for i in np.flatnonzero(frame["admin_level"].to_numpy() < 0):
            ways = set(frame.at[i, "way_ids"])
            levels = {lv for lv, w in zip(frame["admin_level"], frame["way_ids"]) if lv >= 0 and ways & set(w)}
            if len(levels) == 1:
                frame.at[i, "admin_level"] = levels.pop()
    return frame


def close_at_box(cut: gpd.GeoDataFrame, box: shapely.Polygon, *, tolerance: float = 1e-7) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Close cut relations against ``box`` (EPSG:4326).

    Returns the closed boundaries (``osm_id``, ``name``, ``name_zh``, ``admin_level``,
    ``closed`` = True, polygons clipped to the box) and one line per relation that could
    not be closed, saying how many of its ways are present.
    """
    rows, problems = [], []
    present = cut[cut["present"] > 0]
    level_of = dict(zip(present["osm_id"].astype(int), present["admin_level"].astype(int)))
    way_lines, way_owner = {}, {}
    for rid, ids, geom in zip(present["osm_id"], present["way_ids"], present.geometry):
        for wid, line in zip(ids, shapely.get_parts(geom)):
            way_lines[wid] = line
            way_owner.setdefault(wid, set()).add(int(rid))
    owner_faces: dict[int, list] = {}
    if way_lines:
        wids = list(way_lines)
        lines = np.array([way_lines[w] for w in wids], dtype=object)
        noded = shapely.union_all(np.concatenate([shapely.intersection(lines, box), [box.exterior]]))
        faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
        faces = faces[shapely.area(faces) > 0]
        tree = shapely.STRtree(lines)
        candidates, bounding = [], []
        for face in faces:
            edge = face.exterior
            near = tree.query(edge, predicate="intersects")
            touching = {wids[j] for j in near
                        if shapely.length(shapely.intersection(lines[j], edge.buffer(tolerance))) > 10 * tolerance}
            candidates.append(set.intersection(*(way_owner[w] for w in touching)) if touching else set())
            bounding.append(touching)
        for level in sorted(set(level_of.values())):
            at_level = [{r for r in c if level_of[r] == level} for c in candidates]
            owner = [next(iter(c)) if len(c) == 1 else None for c in at_level]
            for _ in range(len(faces)):  # a way parts two relations of one level: drop the owner across it
                changed = False
                for f, cands in enumerate(at_level):
                    if owner[f] is not None or len(cands) < 2:
                        continue
                    across = {owner[g] for g in range(len(faces))
                              if g != f and owner[g] is not None and bounding[g] & bounding[f]}
                    left = cands - across
                    if len(left) == 1:
                        owner[f], changed = left.pop(), True
                if not changed:
                    break
            # a relation on both sides of one of its own ways cannot tell inside from outside
            for rid in {o for o in owner if o is not None}:
                mine = [f for f in range(len(faces)) if owner[f] == rid]
                if any(bounding[f] & bounding[g] for f in mine for g in mine if f < g):
                    continue
                owner_faces[rid] = [faces[f] for f in mine]
    for rid, name, level, ways, n in zip(cut["osm_id"], cut["name"], cut["admin_level"], cut["ways"], cut["present"]):
        faces_of = owner_faces.get(int(rid))
        if faces_of:
            rows.append({"osm_id": int(rid), "name": name, "name_zh": "", "admin_level": int(level),
                         "closed": True, "geometry": shapely.union_all(faces_of)})
        elif n == 0:
            problems.append(f"{name or rid} (relation {rid}): none of its {ways} ways is in the extract")
        else:
            problems.append(f"{name or rid} (relation {rid}, level {level}): {n} of {ways} ways in the extract, "
                            "which side is inside cannot be told")
    closed = gpd.GeoDataFrame(pd.DataFrame(rows, columns=["osm_id", "name", "name_zh", "admin_level", "closed",
                                                          "geometry"]), geometry="geometry", crs=4326)
    return closed, problems


def describe_cut(cut: gpd.GeoDataFrame, limit: int = 12) -> str:
    """'庆祖镇 (level 8, 3 of 5 ways), ...' for messages."""
    if cut.empty:
        return "none"
    items = [f"{n or i} (level {lv if lv >= 0 else '?'}, {p} of {w} ways)" for n, i, lv, p, w in
             zip(cut["name"], cut["osm_id"], cut["admin_level"], cut["present"], cut["ways"])]
    more = f" and {len(items) - limit} more" if len(items) > limit else ""
    return ", ".join(items[:limit]) + more


def boundaries_with_closed(boundaries: gpd.GeoDataFrame, path) -> tuple[gpd.GeoDataFrame, list[str]]:
    """The extract's boundaries plus its cut relations closed against its box, and what could not be closed."""
    box = extract_box(path)
    if box is None:
        raise InputError.of("in_extract_no_box", name=Path(path).name)
    cut = cut_boundaries(path, boundaries["osm_id"])
    closed, problems = close_at_box(cut, box)
    base = boundaries.assign(closed=False)
    if closed.empty:
        return base, problems
    both = pd.concat([base, closed], ignore_index=True)
    return gpd.GeoDataFrame(both, geometry="geometry", crs=boundaries.crs), problems
