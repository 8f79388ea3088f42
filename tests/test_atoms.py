import numpy as np
import shapely

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
