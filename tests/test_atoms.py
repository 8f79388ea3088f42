import numpy as np
import pytest
import shapely
import shapely.ops

from gridmap.atoms import cut_unit, merge_slivers
from gridmap.graph import edge_classes, shared_edges
import geopandas as gpd


def test_cross_cuts_a_square_into_four():
    unit = shapely.box(0, 0, 100, 100)
    lines = np.array([shapely.LineString([(-10, 50), (110, 50)]), shapely.LineString([(50, -10), (50, 110)])])
    faces = cut_unit(unit, lines, sliver_m2=1)
    assert len(faces) == 4
    assert sum(f.area for f in faces) == 10_000
    assert shapely.union_all(faces).equals(unit)


def test_dangling_lines_do_not_cut():
    unit = shapely.box(0, 0, 100, 100)
    faces = cut_unit(unit, np.array([shapely.LineString([(50, 0), (50, 40)])]), sliver_m2=1)
    assert len(faces) == 1 and faces[0].area == 10_000


def test_unit_with_hole_and_exclave():
    unit = shapely.MultiPolygon([shapely.box(0, 0, 100, 100).difference(shapely.box(40, 40, 60, 60)),
                                 shapely.box(200, 0, 210, 10)])
    faces = cut_unit(unit, np.array([shapely.LineString([(-10, 20), (110, 20)])]), sliver_m2=1)
    assert abs(sum(f.area for f in faces) - unit.area) < 1e-6
    assert len(faces) == 3        # two pieces of the holed square + the exclave


def test_lines_inside_leaving_and_outside_the_unit_cut_it_as_clipped_lines_do():
    # cut_unit clips only the lines that leave the unit; inside ones are noded as they are
    unit = shapely.Polygon([(0, 0), (100, 0), (100, 80), (60, 100), (0, 100)])
    # across it (ending on its edge); inside it; from inside out through the slanted edge; outside it
    lines = np.array([shapely.LineString([(20, 0), (20, 100)]), shapely.LineString([(20, 50), (80, 50)]),
                      shapely.LineString([(80, 50), (80, 90), (90, 120)]), shapely.LineString([(150, 0), (150, 100)])])
    faces = cut_unit(unit, lines, sliver_m2=1)
    clipped = cut_unit(unit, shapely.intersection(lines, unit), sliver_m2=1)
    assert len(faces) == len(clipped) == 3
    assert all(shapely.equals(a, b) for a, b in zip(faces, clipped))
    assert abs(sum(f.area for f in faces) - unit.area) < 1e-6
    assert shapely.union_all(faces).equals(unit)


def test_slivers_merge_into_longest_neighbour():
    # the 1 m strip shares 100 m with the left square and 50 m with the right rectangle
    faces = np.array([shapely.box(0, 0, 100, 100), shapely.box(100, 0, 101, 100), shapely.box(101, 50, 200, 100)])
    merged = merge_slivers(faces, sliver_m2=200)
    assert len(merged) == 2
    assert sorted(round(f.area) for f in merged) == [4950, 10100]


def test_shared_edges_and_their_class():
    faces = np.array([shapely.box(0, 0, 10, 10), shapely.box(10, 0, 20, 10), shapely.box(0, 10, 10, 20)])
    i, j, length, lines = shared_edges(faces)
    assert sorted(zip(i.tolist(), j.tolist())) == [(0, 1), (0, 2)]
    assert length.tolist() == [10, 10]
    river = gpd.GeoDataFrame({"barrier_class": ["river", "road"]},
                             geometry=[shapely.LineString([(10, -5), (10, 15)]), shapely.LineString([(10, -5), (10, 15)])])
    classes = edge_classes(lines, river, weights={"river": 0.2, "road": 1.0})
    by_pair = dict(zip(zip(i.tolist(), j.tolist()), classes))
    assert by_pair[(0, 1)] == "river"          # the cheaper class wins where two coincide
    assert by_pair[(0, 2)] == "none"


def test_real_atoms_tile_their_units(li_plan):
    atoms, units = li_plan.atoms, li_plan.units
    for unit in units.itertuples():
        own = atoms[atoms["unit_id"] == unit.unit_id]
        assert abs(own.geometry.area.sum() - unit.geometry.area) < 1e-6 * unit.geometry.area
    assert (atoms.geometry.area >= 0).all()
    assert atoms["households"].sum() == li_plan.households["households"].sum()


def test_split_pieces_of_a_concave_block_are_single_polygons():
    # a U-shaped block: the Voronoi cell of a point in one arm reaches across the notch
    # into the other arm; that stray part must join a piece of its own arm
    from gridmap.atoms import split_at_points

    block = shapely.box(0, 0, 300, 300).difference(shapely.box(100, 50, 200, 300))
    points = shapely.points([(90, 280), (50, 150), (250, 60), (150, 20), (60, 40)])
    pieces = split_at_points(block, points)
    assert (shapely.get_type_id(pieces) == 3).all()  # Polygons only
    assert abs(shapely.area(pieces).sum() - block.area) < 1e-6
    assert abs(shapely.union_all(pieces).area - block.area) < 1e-6
    holder = shapely.STRtree(pieces).query(points, predicate="intersects")
    assert sorted(holder[0].tolist()) == list(range(len(points)))  # each point in exactly one piece
    assert len(set(holder[1].tolist())) == len(points)


def test_split_oversize_keeps_households_and_single_polygons():
    from gridmap.atoms import attach_households, split_oversize

    block = shapely.box(0, 0, 300, 300).difference(shapely.box(100, 50, 200, 300))
    atoms = gpd.GeoDataFrame({"atom_id": [0, 1], "unit_id": ["u", "u"], "area_m2": [0.0, 0.0]},
                             geometry=[block, shapely.box(300, 0, 400, 300)], crs=3857)
    rng = np.random.default_rng(3)
    xy = rng.uniform(0, 300, size=(400, 2))
    pts = shapely.points(xy)
    pts = pts[shapely.contains(block, pts)]
    households = gpd.GeoDataFrame({"households": np.full(len(pts), 2.0)}, geometry=pts, crs=3857)
    _, atom_of_point = attach_households(atoms, households)
    split = split_oversize(atoms, households, atom_of_point, limit=500)
    assert (split.geom_type == "Polygon").all()
    assert (split["split_from"] == 0).sum() == len(pts) and (split["split_from"] == -1).sum() == 1
    per_atom, _ = attach_households(split, households)
    assert per_atom.sum() == households["households"].sum() and per_atom.max() == 2


def test_slivers_do_not_merge_through_a_corner():
    # the small square touches the big one only at a corner: merged, it would be a two-part atom
    faces = np.array([shapely.box(0, 0, 100, 100), shapely.box(100, 100, 105, 105)])
    merged = merge_slivers(faces, sliver_m2=200)
    assert len(merged) == 2 and (shapely.get_type_id(merged) == 3).all()


def test_blocks_in_several_parts_become_one_atom_per_part():
    from gridmap.atoms import atoms_from_polygons

    units = gpd.GeoDataFrame({"unit_id": ["u"]}, geometry=[shapely.box(0, 0, 100, 10)], crs=3857)
    blocks = gpd.GeoDataFrame(geometry=[shapely.MultiPolygon([shapely.box(0, 0, 10, 10), shapely.box(90, 0, 100, 10)]),
                                        shapely.box(10, 0, 90, 10)], crs=3857)
    atoms, same = atoms_from_polygons(blocks, units)
    assert len(atoms) == 3 and (atoms.geom_type == "Polygon").all()
    assert same is units and not any(atoms.attrs["repaired"].values())  # they nest and cover: nothing redrawn


def test_blocks_that_do_not_nest_or_cover_redraw_their_units():
    """Units from another source than the blocks: a block across the border goes whole to the unit it
    overlaps most, land no block covers becomes atoms (slivers merged), the units follow the atoms."""
    from gridmap.atoms import atoms_from_polygons

    units = gpd.GeoDataFrame({"unit_id": ["a", "b"]}, geometry=[shapely.box(0, 0, 100, 100),
                                                               shapely.box(100, 0, 200, 100)], crs=3857)
    blocks = gpd.GeoDataFrame(geometry=[
        shapely.box(0, 0, 50, 99.5),  # a 0.5 m strip of a left above it: merged into it
        shapely.box(50, 0, 103, 100),  # 3 m into b
        shapely.box(103, 0, 120, 100),  # no block from 120 to 150 (30 m wide): an atom of b of its own
        shapely.box(150, 0, 200, 100)
    ], crs=3857)
    atoms, redrawn = atoms_from_polygons(blocks, units)
    repaired = atoms.attrs["repaired"]
    assert repaired["blocks_across"] == 1 and repaired["units_redrawn"] == 2
    assert repaired["moved_m2"] == pytest.approx(300) and repaired["pieces_merged"] == 1
    assert repaired["uncovered_pieces"] == 2 and repaired["uncovered_m2"] == pytest.approx(3_025)
    assert sorted(atoms["unit_id"]) == ["a", "a", "b", "b", "b"]
    # the grids' guarantees by construction: atoms tile the redrawn units, which tile the same land
    for unit in redrawn.itertuples():
        mine = shapely.union_all(atoms.loc[atoms["unit_id"] == unit.unit_id].geometry.values)
        assert mine.symmetric_difference(unit.geometry).area < 1e-6
    assert shapely.union_all(redrawn.geometry.values).area == pytest.approx(20_000)
    assert redrawn.geometry.area.sum() == pytest.approx(20_000)  # no overlap


def test_a_grid_in_more_parts_than_its_atoms_is_a_bug():
    import pytest
    from gridmap.graph import symmetric_csr
    from gridmap.pipeline import check_pieces

    a = [shapely.box(0, 0, 10, 10), shapely.box(10, 0, 20, 10), shapely.box(30, 0, 40, 10)]
    adjacency = symmetric_csr(3, np.array([0]), np.array([1]), np.array([10.0]))
    whole = gpd.GeoDataFrame({"grid_id": ["g1", "g2"]}, geometry=[shapely.union_all(a[:2]), a[2]], crs=3857)
    check_pieces(whole, np.array(["g1", "g1", "g2"]), adjacency)
    # a village with an exclave: two parts and two unconnected atoms agree
    check_pieces(gpd.GeoDataFrame({"grid_id": ["g"]}, geometry=[shapely.union_all(a)], crs=3857),
                 np.array(["g", "g", "g"]), symmetric_csr(3, np.array([0]), np.array([1]), np.array([10.0])))
    # atoms said to be neighbours whose union is in two parts: geometry and adjacency disagree
    with pytest.raises(RuntimeError, match="adjacency and geometry disagree"):
        check_pieces(gpd.GeoDataFrame({"grid_id": ["g"]}, geometry=[shapely.union_all([a[0], a[2]])], crs=3857),
                     np.array(["g", "x", "g"]), symmetric_csr(3, np.array([0]), np.array([2]), np.array([10.0])))


def test_shared_edges_among_is_the_full_result_filtered():
    # a 6 × 5 grid of unit squares with a few slanted cuts: every pair measured either way
    cells = [shapely.box(x, y, x + 10, y + 10) for x in range(0, 60, 10) for y in range(0, 50, 10)]
    cut = shapely.LineString([(0, 3), (60, 47)])
    faces = np.array([p for c in cells for p in shapely.get_parts(shapely.ops.split(c, cut).geoms)], dtype=object)
    among = np.zeros(len(faces), dtype=bool)
    among[::7] = True
    i, j, length, lines = shared_edges(faces)
    mi, mj, mlength, mlines = shared_edges(faces, among=among)
    full = among[i] | among[j]
    assert np.array_equal(mi, i[full]) and np.array_equal(mj, j[full]) and np.array_equal(mlength, length[full])
    assert all(a.equals_exact(b, 0) for a, b in zip(mlines, lines[full]))


def test_merged_slivers_leave_other_faces_untouched():
    # faces that absorb nothing and are not absorbed come back exactly as they went in
    faces = np.array([shapely.box(0, 0, 100, 100), shapely.box(100, 0, 101, 100), shapely.box(101, 50, 200, 100),
                      shapely.box(300, 0, 400, 100), shapely.box(400, 0, 500, 100)])
    merged = merge_slivers(faces, sliver_m2=200)
    assert len(merged) == 4
    assert sum(any(m.equals_exact(f, 0) for m in merged) for f in faces[2:]) == 3


def test_union_by_group_is_the_groupby_union():
    import pandas as pd

    from gridmap.grids import union_by_group

    cells = np.array([shapely.box(x, y, x + 1, y + 1) for x in range(6) for y in range(4)], dtype=object)
    keys = np.array(["b", "a", "c", "a", "b", "b"] * 4, dtype=object)
    expected = pd.Series(cells).groupby(keys).agg(lambda g: shapely.union_all(g.to_numpy()))
    got = union_by_group(cells, keys)
    assert len(got) == len(expected) == 3
    assert all(a.equals(b) for a, b in zip(got, expected.to_numpy()))


def test_union_by_group_of_members_that_are_no_coverage_is_the_union():
    """Coverage union is only for members whose shared edges have the same vertices: a box next to
    two half-height boxes (the tall one's edge lacks their corner) and overlapping boxes are
    merged by the general union, the same polygons as a groupby's."""
    from gridmap.grids import union_by_group

    t_junction = [shapely.box(0, 0, 1, 2), shapely.box(1, 0, 2, 1), shapely.box(1, 1, 2, 2)]
    overlapping = [shapely.box(10, 0, 12, 1), shapely.box(11, 0, 13, 1)]
    matching = [shapely.box(20, 0, 21, 1), shapely.box(21, 0, 22, 1)]
    assert not shapely.coverage_is_valid(np.array(t_junction, dtype=object))
    cells = np.array(t_junction + overlapping + matching, dtype=object)
    keys = np.array(["a"] * 3 + ["b"] * 2 + ["c"] * 2)
    got = union_by_group(cells, keys)
    assert [g.equals(shapely.box(*box)) for g, box in zip(got, [(0, 0, 2, 2), (10, 0, 13, 1), (20, 0, 22, 1)])] \
        == [True, True, True]
    assert all(shapely.is_valid(got)) and list(shapely.get_num_geometries(got)) == [1, 1, 1]


def _geometric_edges(faces, min_length=0.5):
    """Every candidate pair's boundaries intersected (the method shared_edges falls back to)."""
    from gridmap.graph import _geometric

    i, j = shapely.STRtree(faces).query(faces)
    keep = i < j
    i, j = i[keep], j[keep]
    lines = _geometric(faces, i, j)
    length = shapely.length(lines)
    keep = length >= min_length
    return i[keep], j[keep], length[keep], lines[keep]


def test_shared_edges_by_segments_equal_the_boundaries_intersected():
    # a noded coverage (Voronoi cells clipped to a square, one with a hole filled by another
    # cell) and a non-noded one (a T-junction: a vertex of one neighbour the other lacks,
    # and blocks of a unit border cut on one side only): same pairs, order, lengths, lines
    rng = np.random.default_rng(3)
    square = shapely.box(0, 0, 1000, 1000)
    cells = shapely.intersection(shapely.get_parts(shapely.voronoi_polygons(
        shapely.multipoints(rng.uniform(0, 1000, (300, 2))), extend_to=square)), square)
    inner = shapely.buffer(shapely.Point(shapely.get_coordinates(cells[0].centroid)[0]), 1.0, quad_segs=2)
    holed = np.concatenate([[shapely.difference(cells[0], inner), inner], cells[1:]])
    t_junction = np.array([shapely.box(0, 0, 10, 20), shapely.box(10, 0, 20, 10), shapely.box(10, 10, 20, 20),
                           shapely.Polygon([(0, 20), (20, 20), (20, 30), (0, 30)]),
                           shapely.Polygon([(20, 0), (30, 0), (30, 30), (20, 30), (20, 15)])])
    for faces in (cells, holed, t_junction):
        expected, got = _geometric_edges(faces), shared_edges(faces)
        for e, g in zip(expected[:3], got[:3]):
            assert np.array_equal(e, g)
        assert shapely.equals_exact(expected[3], got[3], 0).all()
    # the T-junction's neighbours are found with their full shared length
    i, j, length, _ = shared_edges(t_junction)
    assert dict(zip(zip(i.tolist(), j.tolist()), length.tolist()))[(0, 1)] == 10.0
    assert dict(zip(zip(i.tolist(), j.tolist()), length.tolist()))[(0, 2)] == 10.0


def test_points_in_polygons_are_the_pairs_of_a_tree_of_the_polygons():
    """The tree of the points asked with the polygons gives the pairs the tree of the polygons
    gives when asked with the points: on the real atoms and households, and on edges, corners,
    holes, outside points, missing and empty geometries."""
    from gridmap._geometry import points_in, polygon_of
    rng = np.random.default_rng(3)
    squares = np.array([shapely.box(x, y, x + 1, y + 1) for x in range(4) for y in range(4)]
                       + [shapely.box(0, 0, 4, 4).difference(shapely.box(1.5, 1.5, 2.5, 2.5)), None,
                          shapely.Polygon()], dtype=object)
    xy = np.vstack([rng.uniform(-0.5, 4.5, (300, 2)), rng.integers(0, 5, (40, 2)).astype(float),
                    [[2, 2], [1, 0.5], [9, 9]]])
    points = np.concatenate([shapely.points(xy), [None, shapely.Point()]])
    point_idx, polygon_idx = points_in(squares, points)
    old_point, old_polygon = shapely.STRtree(squares).query(points, predicate="intersects")
    assert sorted(zip(point_idx.tolist(), polygon_idx.tolist())) == \
        sorted(zip(old_point.tolist(), old_polygon.tolist())) == list(zip(point_idx.tolist(), polygon_idx.tolist()))
    owner = polygon_of(squares, points)
    # (2, 2): a corner of squares 5, 6, 9 and 10, in the big polygon's hole; (1, 0.5): on the edge
    # of squares 0 and 4 (and inside the big polygon, 16); far away; None; empty
    assert owner.tolist()[-5:] == [5, 0, -1, -1, -1]
    assert sorted(polygon_idx[point_idx == len(xy) - 3].tolist()) == [5, 6, 9, 10]
    assert sorted(polygon_idx[point_idx == len(xy) - 2].tolist()) == [0, 4, 16]
    for p in range(len(points)):
        hit = polygon_idx[point_idx == p]
        assert owner[p] == (hit.min() if len(hit) else -1)


def test_households_attach_to_the_same_atoms_as_before(li_plan):
    """The real atoms and households: each point's atom is the lowest of the atoms the tree of
    the atoms finds for it."""
    from gridmap.atoms import attach_households
    atoms, households = li_plan.atoms, li_plan.households
    per_atom, atom_of_point = attach_households(atoms, households)
    point, atom = shapely.STRtree(atoms.geometry.values).query(households.geometry.values, predicate="intersects")
    expected = np.full(len(households), -1)
    for p, a in sorted(zip(point.tolist(), atom.tolist()), reverse=True):
        expected[p] = a
    assert (atom_of_point == expected).all()
    assert per_atom.sum() == households["households"].to_numpy(float)[expected >= 0].sum()


def test_a_dead_end_is_carried_on_to_the_next_line_within_reach():
    from gridmap.atoms import extend_dangles

    block = shapely.box(0, 0, 300, 100)
    near = shapely.LineString([(100, 0), (100, 70)])  # stops 30 m short of the top edge
    far = shapely.LineString([(200, 0), (200, 20)])  # 80 m short: more than the 60 m reach
    lines = extend_dangles(block, np.array([near, far]), 60.0)
    runs = lines[2:]
    assert len(runs) == 1 and runs[0].equals(shapely.LineString([(100, 70), (100, 100)]))
    faces = cut_unit(block, lines, sliver_m2=1)
    assert sorted(round(f.area) for f in faces) == [10_000, 20_000]


def test_a_split_block_follows_its_footway_and_keeps_every_household():
    from gridmap.atoms import split_along

    # a compound on a 50 m lattice (as households spread over built-up land come), a footway
    # crossing it on the diagonal and a lane that stops 20 m short of the far edge
    block = shapely.box(0, 0, 400, 300)
    xy = np.array([(x, y) for x in range(25, 400, 50) for y in range(25, 300, 50)], dtype=float)
    points = shapely.points(xy)
    footway = shapely.LineString([(-5, 10), (405, 290)])
    lane = shapely.LineString([(300, 0), (300, 180)])
    pieces = split_along(block, points, np.array([footway, lane]), sliver_m2=10)
    assert (shapely.get_type_id(pieces) == 3).all()
    assert abs(shapely.area(pieces).sum() - block.area) < 1e-6
    assert abs(shapely.union_all(pieces).area - block.area) < 1e-6
    holder = shapely.STRtree(pieces).query(points, predicate="intersects")
    assert sorted(holder[0].tolist()) == list(range(len(points)))  # each location in one piece
    assert len(set(holder[1].tolist())) == len(points)  # and no two in the same piece
    # no piece crosses the footway or the lane (carried on to the footway, 38 m ahead)
    meets = shapely.intersection(footway, shapely.LineString([(300, 0), (300, 300)]))
    assert 200 < meets.y < 240
    for line in (shapely.intersection(footway, block), shapely.LineString([(300, 0), (300, meets.y)])):
        inside = shapely.area(shapely.intersection(pieces, shapely.buffer(line, 0.01, single_sided=True))) > 1e-6
        other = shapely.area(shapely.intersection(pieces, shapely.buffer(line, -0.01, single_sided=True))) > 1e-6
        assert inside.any() and other.any() and not (inside & other).any(), line
    # without the lines the same points make the Voronoi cells of the whole block
    plain = split_along(block, points, np.array([], dtype=object))
    assert len(plain) == len(points)


def test_an_edge_along_a_path_is_told_from_an_edge_along_nothing():
    from gridmap.graph import with_paths

    a, b, c = shapely.box(0, 0, 10, 10), shapely.box(10, 0, 20, 10), shapely.box(0, 10, 10, 20)
    i, j, _, lines = shared_edges(np.array([a, b, c]))
    footway = shapely.LineString([(10, -5), (10, 15)])
    barriers = gpd.GeoDataFrame({"barrier_class": ["road"]}, geometry=[shapely.LineString([(-5, 10), (5, 10)])])
    classes = dict(zip(zip(i.tolist(), j.tolist()),
                       edge_classes(lines, with_paths(barriers, np.array([footway])), weights={"road": 1.0,
                                                                                                 "path": 1.2})))
    assert classes == {(0, 1): "path", (0, 2): "road"}
    # a barrier along the same line wins where it costs less to cut
    both = with_paths(gpd.GeoDataFrame({"barrier_class": ["road"]}, geometry=[footway]), np.array([footway]))
    assert edge_classes(lines, both, weights={"road": 1.0, "path": 1.2})[list(zip(i, j)).index((0, 1))] == "road"


def test_pieces_whose_shared_edge_is_off_by_noise_are_edge_matched():
    from gridmap._geometry import edge_matched

    # each side put its own vertex a nanometre off the shared edge x = 1: a hairline gap along
    # all of it, so the two pieces' union falls in two parts touching at the corners
    a = shapely.Polygon([(0, 0), (1, 0), (1 - 1e-9, 0.5), (1, 1), (0, 1)])
    b = shapely.Polygon([(1, 0), (2, 0), (2, 1), (1, 1), (1 + 1e-9, 0.3)])
    assert shapely.union(a, b).geom_type == "MultiPolygon"
    matched = edge_matched(np.array([a, b]))
    assert shapely.coverage_is_valid(matched) and shapely.union_all(matched).geom_type == "Polygon"
    assert shared_edges(matched)[2].tolist() == pytest.approx([1.0])
    assert shapely.area(matched).tolist() == pytest.approx([1.0, 1.0])
