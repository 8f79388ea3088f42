"""Atoms: the area cut by roads, rivers, railways, barriers and unit borders.

A grid is a union of atoms, so a grid edge can only run along a line that cut the atoms.
Cutting is done per lowest-level unit (:func:`cut_unit`, a pure function of one unit's
polygon and the lines crossing it) so that large areas can be cut in parallel; the
faces of the planar arrangement of the unit's outline and its lines tile the unit
exactly. Slivers (tiny faces at junctions) are merged into the neighbour they share
most boundary with. Census blocks skip the cutting (:func:`atoms_from_polygons`).

Every atom is a single Polygon (a multipart block or split piece becomes one atom per
part, and stray parts without households join a neighbour along a shared edge), so that
the atom adjacency of :func:`gridmap.graph.shared_edges` and the plan's geometry agree: a
grid whose atoms are connected through shared edges is one polygon.
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import scipy.sparse as sp
import shapely
from scipy.sparse.csgraph import connected_components

from gridmap._geometry import edge_matched_near, points_in, polygon_of, polygonal
from gridmap._tasks import run_tasks
from gridmap.errors import InputError
from gridmap.graph import MIN_SHARED_M, shared_edges

ATOM_COLUMNS = ["atom_id", "unit_id", "area_m2", "geometry"]

#: How far (m) a dead-end path inside a split block is carried on to the next line
#: (:func:`extend_dangles`): about a building's depth and a lane.
DANGLE_M = 60.0


def cut_unit(unit: shapely.Geometry, lines: np.ndarray, *, sliver_m2: float = 200.0) -> np.ndarray:
    """Faces of one unit cut by ``lines`` (metric CRS), slivers below ``sliver_m2`` merged.

    Returns an array of Polygons that tile ``unit`` (up to floating-point noise).
    """
    lines = np.asarray(lines, dtype=object)
    shapely.prepare(unit)
    if len(lines):
        # only the lines that leave the unit are clipped to it (an overlay each); the noding
        # below treats a line inside it the same either way
        leaving = ~shapely.contains_properly(unit, lines)
        lines = lines.copy()
        lines[leaving] = shapely.intersection(lines[leaving], unit)
        lines = lines[~shapely.is_empty(lines)]
    return merge_slivers(_faces(unit, lines), sliver_m2)


def _faces(unit: shapely.Geometry, lines: np.ndarray) -> np.ndarray:
    """The faces of the arrangement of ``unit``'s outline and ``lines`` (noded together) that
    lie in ``unit``: Polygons that tile it. Lines may run past the outline (what lies
    outside closes no face inside)."""
    edges = shapely.union_all(np.concatenate([[shapely.boundary(unit)], lines]))
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(edges)))
    if len(faces) == 0:
        return np.array([unit] if unit.geom_type == "Polygon" else shapely.get_parts(unit), dtype=object)
    inside = shapely.contains_properly(unit, shapely.point_on_surface(faces)) | shapely.covers(
        unit, shapely.point_on_surface(faces))
    faces = faces[inside]
    # The faces of a polygonized arrangement do not overlap and lie in the unit, so the area
    # they miss is the unit's less theirs; only when that is more than noise is the piece
    # the arrangement lost (precision) found, by an overlay, and kept as atoms.
    if unit.area - shapely.area(faces).sum() > 1e-9 * unit.area:
        rest = shapely.difference(unit, shapely.union_all(faces)) if len(faces) else unit
        if rest.area > 1e-9 * unit.area:
            extra = shapely.get_parts(rest)
            faces = np.concatenate([faces, extra[shapely.area(extra) > 0]])
    return faces


def merge_slivers(faces: np.ndarray, sliver_m2: float) -> np.ndarray:
    """Merge faces smaller than ``sliver_m2`` into the neighbour with the longest shared edge."""
    faces = np.asarray(faces, dtype=object)
    return merge_into_neighbours(faces, shapely.area(faces) < sliver_m2)


def merge_into_neighbours(faces: np.ndarray, absorb: np.ndarray, *, min_length: float = MIN_SHARED_M) -> np.ndarray:
    """Faces marked in ``absorb`` merged into the neighbour they share the longest edge with.

    Neighbours that stay are preferred over ones that are absorbed too; only an edge of at
    least ``min_length`` m joins two faces (faces touching at a corner would make a
    two-part atom). A face marked ``absorb`` with no such neighbour stays as it is, unless it
    is dust (under :data:`DUST_M2`: a face of 5e-20 m² where lines nearly meet at a vertex,
    which would otherwise become a grid of its own, cut off from the rest): dust is dropped
    (a point on it lies on its neighbours' edges too, or goes to the nearest atom).
    Returns single Polygons (see :func:`single_polygons`).
    """
    faces = np.asarray(faces, dtype=object)
    absorb = np.asarray(absorb, dtype=bool)
    if not absorb.any() or len(faces) == 1:
        return single_polygons(faces)
    dust = absorb & (shapely.area(faces) < DUST_M2)
    if dust.all():  # nothing else to keep: the faces are what there is
        dust[:] = False
    # only edges of absorbed faces decide where they go
    i, j, length, _ = shared_edges(faces, min_length=min_length, among=absorb)
    src = np.concatenate([i, j])
    dst = np.concatenate([j, i])
    score = np.concatenate([length, length]) + np.where(absorb[dst], 0.0, 1e9)
    frame = pd.DataFrame({"src": src, "dst": dst, "score": score})
    frame = frame[absorb[frame["src"].to_numpy()]]
    n = len(faces)
    if frame.empty:
        return single_polygons(faces[~dust])
    best = frame.loc[frame.groupby("src")["score"].idxmax()]
    link = sp.csr_matrix((np.ones(len(best)), (best["src"].to_numpy(), best["dst"].to_numpy())), shape=(n, n))
    count, label = connected_components(link, directed=False)
    # faces in a group of their own stay as they are; only groups of several are unioned
    # (in label order, as a groupby would give them)
    size = np.bincount(label, minlength=count)
    merged = np.empty(count, dtype=object)
    alone = size[label] == 1
    merged[label[alone]] = np.where(dust[alone], shapely.Polygon(), faces[alone])
    several = np.flatnonzero(~alone)
    order = several[np.argsort(label[several], kind="stable")]
    for group in np.split(order, np.flatnonzero(np.diff(label[order])) + 1) if len(order) else []:
        merged[label[group[0]]] = shapely.union_all(faces[group])
    return single_polygons(merged)


def single_polygons(geoms: np.ndarray) -> np.ndarray:
    """The polygon parts of ``geoms`` (Polygons, MultiPolygons, collections), empty ones dropped."""
    parts = shapely.get_parts(np.asarray(geoms, dtype=object))
    parts = parts[(shapely.get_type_id(parts) == 3) & ~shapely.is_empty(parts)]
    return parts[shapely.area(parts) > 0]


def build_atoms(units: gpd.GeoDataFrame, barriers: gpd.GeoDataFrame, *, sliver_m2: float = 200.0,
                progress=None, executor=None) -> gpd.GeoDataFrame:
    """Cut every unit by the barrier lines: the atoms of a plan.

    ``units``: lowest-level units (``unit_id``, polygons, metric CRS) that tile the area;
    ``barriers``: lines in the same CRS. Returns atoms with ``atom_id`` (0..n-1),
    ``unit_id``, ``area_m2``. ``executor`` (a :class:`concurrent.futures.Executor`) cuts
    the units in parallel; the atoms are the same.
    """
    lines = barriers.geometry.values if barriers is not None and len(barriers) else np.array([], dtype=object)
    tree = shapely.STRtree(lines) if len(lines) else None
    tasks = [(unit, lines[tree.query(unit, predicate="intersects")] if tree is not None else lines, sliver_m2)
             for unit in units.geometry.values]
    # the units with the most line vertices go out first (their cut takes longest)
    results = run_tasks(_cut_task, tasks, executor=executor,
                        sizes=[shapely.get_num_coordinates(cut).sum() + shapely.get_num_coordinates(unit)
                               for unit, cut, _ in tasks])
    frames = []
    for n, (unit_id, faces) in enumerate(zip(units["unit_id"], results)):
        frames.append(pd.DataFrame({"unit_id": unit_id, "geometry": faces}))
        if progress:
            progress(n + 1, len(units))
    atoms = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=units.crs)
    return _number(atoms)


def _cut_task(task):
    """Cut one unit (a picklable task of :func:`build_atoms`)."""
    unit, lines, sliver_m2 = task
    return cut_unit(unit, lines, sliver_m2=sliver_m2)


#: Pieces of the units no census polygon covers at most this wide (2 × area / perimeter, m) are
#: borders digitised apart whatever their area: they join a neighbouring atom (as the units'
#: thin gaps join a neighbouring unit).
THIN_M = 20.0
#: Such pieces under this area (m²) are dropped: crumbs of two layers' borders, below validation's
#: tolerance (the units and the area then follow the blocks there).
DUST_M2 = 1.0


def atoms_from_polygons(blocks: gpd.GeoDataFrame, units: gpd.GeoDataFrame, *,
                        sliver_m2: float = 200.0) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Given polygons (census blocks) as atoms, and the units redrawn where the blocks do not nest in them.

    Every block is an atom (one per part) of the unit it overlaps most, whole: its households
    stay with it. Where blocks nest in their units and cover them (census geography: the
    usual case) that is all, and the units are returned as given. Elsewhere (a block across a
    unit border, units drawn from another source than the blocks, land no block covers):

    * the parts of a unit no block covers are atoms of that unit, of no households; those
      under ``sliver_m2`` m² or at most :data:`THIN_M` wide join the neighbouring atom they
      share the longest edge with, crumbs under :data:`DUST_M2` are dropped;
    * each unit touched is redrawn as the union of its atoms, so that grids (unions of atoms)
      nest in the units and cover them by construction.

    A block inside no unit is refused. Returns ``(atoms, units)``; ``atoms.attrs["repaired"]``
    counts blocks across borders, units redrawn and the m² that changed unit, uncovered pieces
    and their m², pieces merged, crumbs dropped and their m².
    """
    blocks = blocks.to_crs(units.crs).reset_index(drop=True)
    geoms = blocks.geometry.to_numpy()
    unit_geoms = units.geometry.to_numpy()
    unit_ids = units["unit_id"].to_numpy()
    # A valid block of positive area that one unit covers is an atom of it (units do not overlap):
    # no overlay needed. Only the rest (blocks across a unit border or outside) are measured.
    unit_idx, block_idx = shapely.STRtree(geoms).query(unit_geoms, predicate="covers")
    simple = (np.bincount(block_idx, minlength=len(blocks)) == 1) & (shapely.area(geoms) > 0) & shapely.is_valid(geoms)
    one = simple[block_idx]
    unit_of = np.full(len(blocks), -1, dtype=np.int64)
    unit_of[block_idx[one]] = unit_idx[one]
    rest = np.flatnonzero(~simple)
    touched = np.zeros(len(units), bool)
    # the land of each unit under a block (blocks do not overlap): whole blocks, and the parts of the rest
    land = np.bincount(unit_of[simple], weights=shapely.area(geoms[simple]), minlength=len(units))
    if len(rest):
        fixed = shapely.make_valid(geoms[rest])
        u, b = shapely.STRtree(unit_geoms).query(fixed, predicate="intersects")[::-1]
        shared = shapely.area(shapely.intersection(fixed[b], unit_geoms[u]))
        meet = shared > 0
        u, b, shared = u[meet], b[meet], shared[meet]
        best = pd.DataFrame({"b": b, "u": u, "a": shared}).sort_values(["b", "a", "u"], ascending=[True, False, True])
        best = best.drop_duplicates("b")
        unit_of[rest[best["b"].to_numpy()]] = best["u"].to_numpy()
        land += np.bincount(u, weights=shared, minlength=len(units))
        touched[u] = True
    found = unit_of >= 0
    if not found.any():
        raise InputError.of("out_atoms_no_overlap")
    outside = int((~found).sum())
    if outside:
        raise InputError.of("out_atoms_outside", count=outside)
    # a block in several parts (islands, a block split by a river) is one atom per part: the
    # household count sits at one inner point, so it stays in exactly one of them
    parts, part_of = shapely.get_parts(geoms, return_index=True)
    polygon = shapely.get_type_id(parts) == 3
    atom_geoms, owner = parts[polygon], unit_of[part_of[polygon]]
    repaired = {"blocks_across": int(len(rest)), "units_redrawn": 0, "moved_m2": 0.0, "uncovered_pieces": 0,
                "uncovered_m2": 0.0, "pieces_merged": 0, "dust_dropped": 0, "dust_m2": 0.0}
    # land no block covers: found by areas, cut out only in the units short of it
    unit_m2 = shapely.area(unit_geoms)
    short = unit_m2 - land > 1e-9 * np.maximum(unit_m2, 1.0)
    changed = np.zeros(len(units), bool)
    if short.any():
        atom_geoms, owner, changed = _fill_units(atom_geoms, owner, unit_geoms, np.flatnonzero(short), sliver_m2,
                                                 repaired)
    touched |= changed
    if touched.any():
        redrawn = unit_geoms.copy()
        for k in np.flatnonzero(touched):
            redrawn[k] = _union_of(atom_geoms[owner == k], coverage=not changed[k])
        moved = shapely.area(shapely.symmetric_difference(unit_geoms[touched], redrawn[touched]))
        repaired |= {"units_redrawn": int(touched.sum()), "moved_m2": float(moved.sum()) / 2.0}
        units = units.copy()
        units[units.geometry.name] = redrawn
        keep = ~shapely.is_empty(redrawn)
        units = units[keep].reset_index(drop=True)
    atoms = _number(gpd.GeoDataFrame({"unit_id": unit_ids[owner]}, geometry=atom_geoms, crs=units.crs))
    atoms.attrs["repaired"] = repaired
    return atoms, units


def _union_of(polygons: np.ndarray, *, coverage: bool) -> shapely.Geometry:
    """The union of atoms: GEOS's coverage union (10 times quicker: it drops the shared edges) when
    they are whole blocks, which tile; the overlay union when it is not valid (blocks that do not
    quite tile) or pieces cut from the units are among them."""
    if coverage:
        whole = shapely.coverage_union_all(polygons)
        if shapely.is_valid(whole):
            return polygonal(whole)
    return polygonal(shapely.union_all(polygons))


def _fill_units(atom_geoms, owner, unit_geoms, touched, sliver_m2, repaired):
    """The atoms with the parts of the ``touched`` units no atom covers added (see
    :func:`atoms_from_polygons`): thin or small ones merged into the neighbouring atom they share
    the longest edge with (one that is not such a piece), crumbs dropped. Counts go to ``repaired``.
    Returns the atoms' polygons, their units, and which units' atoms changed."""
    tree = shapely.STRtree(atom_geoms)
    pieces, piece_unit = [], []
    for u in touched:
        near = tree.query(unit_geoms[u], predicate="intersects")
        rest = shapely.difference(unit_geoms[u], shapely.union_all(atom_geoms[near])) if len(near) else unit_geoms[u]
        found = single_polygons(np.array([rest], dtype=object))
        pieces.append(found)
        piece_unit.append(np.full(len(found), u, dtype=np.int64))
    pieces = np.concatenate(pieces) if pieces else np.empty(0, object)
    piece_unit = np.concatenate(piece_unit) if piece_unit else np.empty(0, np.int64)
    area = shapely.area(pieces)
    dust = area < DUST_M2
    repaired |= {"uncovered_pieces": int((~dust).sum()), "uncovered_m2": float(area[~dust].sum()),
                 "dust_dropped": int(dust.sum()), "dust_m2": float(area[dust].sum())}
    pieces, piece_unit, area = pieces[~dust], piece_unit[~dust], area[~dust]
    changed = np.zeros(len(unit_geoms), bool)
    changed[touched] = True  # (crumbs dropped change the union of their atoms too)
    if len(pieces) == 0:
        return atom_geoms, owner, changed
    absorb = (area < sliver_m2) | (2 * area / np.maximum(shapely.length(pieces), 1e-9) <= THIN_M)
    faces = np.concatenate([atom_geoms, pieces])
    face_unit = np.concatenate([owner, piece_unit])
    is_piece = np.r_[np.zeros(len(atom_geoms), bool), absorb]
    i, j, length, _ = shared_edges(faces, among=is_piece)
    # each absorbed piece to the atom (not another such piece) it shares the longest edge with
    src, dst, score = np.r_[i, j], np.r_[j, i], np.r_[length, length]
    ok = is_piece[src] & ~is_piece[dst]
    src, dst, score = src[ok], dst[ok], score[ok]
    if len(src):
        order = np.lexsort((dst, -score, src))
        src, dst = src[order], dst[order]
        first = np.r_[True, np.diff(src) != 0]
        src, dst = src[first], dst[first]
        faces = faces.copy()
        changed[face_unit[dst]] = True
        for target in np.unique(dst):
            faces[target] = polygonal(shapely.union_all(np.append(faces[src[dst == target]], faces[target])))
        keep = np.ones(len(faces), bool)
        keep[src] = False
        repaired["pieces_merged"] = int(len(src))
        faces, face_unit = faces[keep], face_unit[keep]
    parts, part_of = shapely.get_parts(faces, return_index=True)
    polygon = shapely.get_type_id(parts) == 3
    return parts[polygon], face_unit[part_of[polygon]], changed


def _number(atoms: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    atoms = atoms[~atoms.geometry.is_empty].reset_index(drop=True)
    atoms = atoms.copy()
    atoms["atom_id"] = np.arange(len(atoms))
    atoms["area_m2"] = atoms.geometry.area
    return atoms[ATOM_COLUMNS]


def attach_households(atoms: gpd.GeoDataFrame, households: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Households per atom, and the atom of each household point.

    A point on an edge between atoms goes to the atom with the lowest id. Returns
    ``(per_atom, atom_of_point)``; points in no atom get -1 (the caller decides).
    """
    atom_of_point = polygon_of(atoms.geometry.values, households.geometry.values)
    counts = households["households"].to_numpy(dtype=float)
    found = atom_of_point >= 0
    per_atom = np.bincount(atom_of_point[found], weights=counts[found], minlength=len(atoms))
    return per_atom, atom_of_point


def split_oversize(atoms: gpd.GeoDataFrame, households: gpd.GeoDataFrame, atom_of_point: np.ndarray,
                   limit: float, *, guides: np.ndarray | None = None, sliver_m2: float = 200.0) -> gpd.GeoDataFrame:
    """Split atoms holding more than ``limit`` households along their household points.

    A block with more households than a grid may hold (a high-rise compound, a town
    centre between two roads) is cut into pieces so that the partitioner can share it
    among several grids: first along the ``guides`` that cross it (the footways, service
    roads, lanes and streams that cut no atom, and barrier roads that end inside it, their
    dead ends carried on to the next line, :func:`split_along`), then each of those faces
    into the Voronoi cells of its distinct household locations (one cell per building or
    address point). The pieces' edges run between buildings, never through one, and follow
    the block's own paths where it has them, so that a grid edge inside a compound can run
    along its paths (``cut_weights["path"]``) rather than across open ground. A cell that
    the shape cuts in several parts (a concave block) keeps the part holding its point;
    the other parts join the neighbouring cell they share the longest edge with, so every
    piece is one polygon. Atoms with a single household location stay whole (the
    partitioner flags them). ``guides``: LineStrings in the atoms' CRS (none: Voronoi cells
    of the whole block). Returns the atoms renumbered, with ``split_from`` (the original
    atom id, -1 when not split).
    """
    counts = np.bincount(atom_of_point[atom_of_point >= 0],
                         weights=households["households"].to_numpy(float)[atom_of_point >= 0], minlength=len(atoms))
    big = np.flatnonzero(counts > limit)
    out = atoms.assign(split_from=-1)
    if len(big) == 0:
        return out
    pieces, keep = [], np.ones(len(atoms), dtype=bool)
    points = households.geometry.values
    guides = np.asarray([] if guides is None else guides, dtype=object)
    tree = shapely.STRtree(guides) if len(guides) else None
    for a in big:
        unique = shapely.get_parts(shapely.union_all(points[atom_of_point == a]))  # one cell per location
        if len(unique) < 2:
            continue
        block = atoms.geometry.values[a]
        near = guides[tree.query(block, predicate="intersects")] if tree is not None else guides[:0]
        cells = split_along(block, unique, near, sliver_m2=sliver_m2)
        keep[a] = False
        pieces.append(pd.DataFrame({"unit_id": atoms["unit_id"].iloc[a], "split_from": int(atoms["atom_id"].iloc[a]),
                                    "geometry": cells}))
    if not pieces:
        return out
    out = pd.concat([out[keep].drop(columns=["atom_id", "area_m2"])] + pieces, ignore_index=True)
    out = gpd.GeoDataFrame(out, geometry="geometry", crs=atoms.crs)
    # the blocks were split one by one: their pieces' shared edges, and those with the atoms
    # around them, made of identical vertices (the atoms elsewhere were cut from one arrangement)
    out["geometry"] = edge_matched_near(out.geometry.values, out["split_from"].to_numpy() >= 0)
    out = out[~out.geometry.is_empty].reset_index(drop=True)
    split_from = out["split_from"].to_numpy()
    out = _number(out)
    out["split_from"] = split_from
    return out


def split_along(block: shapely.Geometry, points: np.ndarray, lines: np.ndarray, *, sliver_m2: float = 200.0,
                extend_m: float = DANGLE_M) -> np.ndarray:
    """Single-polygon pieces of ``block`` around ``points`` (distinct locations), whose
    edges follow ``lines`` where the block has them.

    The block is cut into faces by ``lines`` (dead ends carried on up to ``extend_m``,
    :func:`extend_dangles`; slivers under ``sliver_m2`` merged, as :func:`cut_unit` does
    for a unit), and each face holding two or more locations into their Voronoi cells
    (:func:`split_at_points`). A face holding no household stays a piece of its own (a
    square, a court): the grid edge may run round it. Pieces tile the block.
    """
    if len(lines) == 0:
        return split_at_points(block, points)
    faces = cut_unit(block, extend_dangles(block, lines, extend_m), sliver_m2=sliver_m2)
    if len(faces) < 2:
        return split_at_points(block, points)
    face_of = _face_of(faces, points)
    many = np.bincount(face_of, minlength=len(faces)) >= 2
    if not many.any():
        return faces
    # The cells' edges of every face with several households, run a hair past the face so that
    # they meet its outline, and the faces' outlines, in one arrangement: pieces cut from one
    # arrangement share identical edges (cells clipped face by face would each put their own
    # vertices on a shared outline, and pieces of two faces could then meet at points only).
    cell_edges = [shapely.intersection(shapely.voronoi_polygons(shapely.multipoints(points[face_of == f]),
                                                                extend_to=faces[f], only_edges=True),
                                       shapely.buffer(faces[f], 1e-6))
                  for f in np.flatnonzero(many)]
    parts = _faces(block, np.concatenate([shapely.boundary(faces), cell_edges]))
    owner = _face_of(faces, shapely.point_on_surface(parts))
    holding = np.zeros(len(parts), dtype=bool)
    holding[points_in(parts, points)[1]] = True
    # a face with several households keeps the parts holding one (the others, cut off from
    # their point by the face's shape, join a neighbour); a face with one or none stays whole
    # (its largest part; any other is noise of the arrangement)
    largest = pd.Series(shapely.area(parts)).groupby(owner).transform("max").to_numpy() == shapely.area(parts)
    absorb = np.where(many[owner], ~holding, ~largest)
    return merge_into_neighbours(parts, absorb)


def _face_of(faces: np.ndarray, points: np.ndarray) -> np.ndarray:
    """The face each point lies in (:func:`gridmap._geometry.polygon_of`); a point on no face
    (on an edge, by floating-point noise) in the nearest."""
    face_of = polygon_of(faces, points)
    lost = face_of < 0
    if lost.any():
        face_of[lost] = shapely.STRtree(faces).nearest(points[lost])
    return face_of


def extend_dangles(block: shapely.Geometry, lines: np.ndarray, extend_m: float = DANGLE_M) -> np.ndarray:
    """``lines`` clipped to ``block``, and a straight run on from each dead end to the first
    line or edge of the block it meets within ``extend_m`` metres.

    A footway or a cul-de-sac that stops short of the next path closes no face, so a
    piece's edge could not follow it; carried on in its own direction (the way a planner
    walking the line would finish it), it does. Dead ends with nothing ahead within reach
    stay as they are. Returns LineStrings (the clipped lines, then the runs).
    """
    clipped = shapely.get_parts(shapely.intersection(lines, block))
    clipped = clipped[shapely.get_type_id(clipped) == 1]  # (points where a line only touches it go)
    if len(clipped) == 0:
        return clipped
    # the arrangement's edges, noded: an end that no other edge shares is a dead end
    edges = shapely.get_parts(shapely.union_all(np.concatenate([[shapely.boundary(block)], clipped])))
    tips = shapely.get_coordinates(np.concatenate([shapely.get_point(edges, 0), shapely.get_point(edges, -1)]))
    behind = shapely.get_coordinates(np.concatenate([shapely.get_point(edges, 1), shapely.get_point(edges, -2)]))
    _, where, count = np.unique(tips.round(6), axis=0, return_inverse=True, return_counts=True)
    dead = np.flatnonzero(count[where.ravel()] == 1)
    heading = tips[dead] - behind[dead]
    norm = np.hypot(heading[:, 0], heading[:, 1])
    dead, heading = dead[norm > 0], heading[norm > 0] / norm[norm > 0, None]
    if len(dead) == 0:
        return clipped
    start = tips[dead] + heading * 1e-6 * extend_m  # just past the tip, so that the ray misses its own line's end
    rays = shapely.linestrings(np.stack([start, tips[dead] + heading * extend_m], axis=1))
    net = shapely.multilinestrings(edges)
    hits = shapely.intersection(rays, net)
    runs = []
    for tip, hit in zip(tips[dead], hits):
        if hit.is_empty:
            continue
        ahead = shapely.get_coordinates(hit)
        nearest = ahead[np.argmin(np.hypot(*(ahead - tip).T))]
        runs.append(shapely.LineString([tip, nearest]))
    return np.concatenate([clipped, np.array(runs, dtype=object)]) if runs else clipped


def split_at_points(block: shapely.Geometry, points: np.ndarray) -> np.ndarray:
    """Single-polygon pieces of ``block``, one around each of ``points`` (distinct locations).

    The pieces are the Voronoi cells of the points clipped to the block; parts of a cell
    cut off from its point by the block's shape join the piece they share the longest
    edge with. Pieces tile the block.
    """
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(points), extend_to=block))
    parts = single_polygons(shapely.intersection(cells, block))
    holding = np.zeros(len(parts), dtype=bool)
    holding[points_in(parts, points)[1]] = True
    return merge_into_neighbours(parts, ~holding)
