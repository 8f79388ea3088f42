"""Regime where people live: a unit's town seat split by the band, its countryside by the rural rule (#18)."""
import numpy as np
import pytest
import shapely
from scipy.sparse.csgraph import connected_components

import gridmap
from gridmap.graph import shared_edges, symmetric_csr
from gridmap.partition import plan_unit
from gridmap.partition._regime import dense_atoms
from gridmap.regimes import GridRule, Regime

N = 12  # a 1.2 km square unit of 100 m atoms


def _unit(town_households=60.0, hamlet_households=30.0, hamlets=20):
    """A 4x4-atom town (settlement 0) in a corner, one-atom hamlets spread over the rest, empty atoms between."""
    cells = np.array([shapely.box(x * 100, y * 100, x * 100 + 100, y * 100 + 100) for y in range(N) for x in range(N)])
    i, j, length, _ = shared_edges(cells)
    adjacency = symmetric_csr(len(cells), i, j, length)
    xy = np.column_stack([shapely.get_x(shapely.centroid(cells)), shapely.get_y(shapely.centroid(cells))])
    households = np.zeros(len(cells))
    settlement = np.full(len(cells), -1)
    town = [y * N + x for y in range(4) for x in range(4)]
    households[town], settlement[town] = town_households, 0
    rest = np.setdiff1d(np.arange(len(cells)), town)
    spots = rest[np.linspace(0, len(rest) - 1, hamlets).astype(int)]
    households[spots], settlement[spots] = hamlet_households, np.arange(1, hamlets + 1)
    return households, adjacency, xy, settlement, shapely.area(cells)


def _plan(households, adjacency, xy, settlement, area, **kw):
    return plan_unit(households, adjacency, xy, regime=None, band=(300.0, 500.0), seed=1, settlement=settlement,
                     area_m2=area, min_density=100.0, min_households=50.0, by_settlement=False, **kw)


def _contiguous(labels, adjacency):
    a = adjacency.tocoo()
    same = labels[a.row] == labels[a.col]
    inside = symmetric_csr(len(labels), a.row[same], a.col[same], np.ones(int(same.sum())))
    _, piece = connected_components(inside, directed=False)
    return all(len(np.unique(piece[labels == g])) == 1 for g in np.unique(labels))


def test_dense_settlements_are_measured_where_people_live():
    households, _, _, settlement, area = _unit()
    dense = dense_atoms(households, area, settlement, min_density=100.0, min_households=300.0)
    assert dense.sum() == 16 and households[dense].sum() == 960  # the town; hamlets are too small
    # the whole unit (1.44 km², 1,560 households) would be dense too: the town alone decides,
    # a hamlet of 30 households on one 1-ha atom is dense but too small for a grid
    assert not dense_atoms(households, area * 100, settlement, min_density=100.0, min_households=300.0).any()


def test_town_seat_by_the_band_countryside_one_grid():
    households, adjacency, xy, settlement, area = _unit()
    result = _plan(households, adjacency, xy, settlement, area)
    assert result.regime == Regime.MIXED
    gh = np.bincount(result.labels, households)
    kinds, rules = np.array(result.grid_kinds), np.array(result.grid_rules)
    urban = kinds == Regime.URBAN
    assert set(rules[urban]) == {GridRule.BAND} and ((gh[urban] >= 300) & (gh[urban] <= 500)).all()
    assert gh[urban].sum() == 960
    assert list(rules[~urban]) == [GridRule.VILLAGE] and gh[~urban].tolist() == [600]
    assert _contiguous(result.labels, adjacency)
    assert result.feasible and all(flag == "" for flag in result.grid_flags)


def test_countryside_over_twice_the_top_goes_by_settlement():
    households, adjacency, xy, settlement, area = _unit(hamlet_households=60.0)  # 1,200 outside the town
    result = _plan(households, adjacency, xy, settlement, area)
    gh = np.bincount(result.labels, households)
    rural = np.array(result.grid_kinds) == Regime.RURAL
    assert set(np.array(result.grid_rules)[rural]) == {GridRule.SETTLEMENT}
    assert rural.sum() == 20 and gh[rural].max() <= 2 * 500
    assert _contiguous(result.labels, adjacency)


def test_a_town_piece_under_the_band_follows_the_rural_rule():
    # One dense settlement (600 households) cut in two by an empty strip the countryside reaches:
    # 4x4 atoms of 25 (400) west of it, 2x4 of 25 (200) east. The east piece cannot hold an
    # in-band grid: it goes with the countryside, not into an urban grid of 200 flagged under
    # the band (found on Liechtenstein's two admin_level 6 regions, a grid of 253 households).
    households, adjacency, xy, settlement, area = _unit(hamlets=0)
    households[:], settlement[:] = 0.0, -1
    west = [y * N + x for y in range(4) for x in range(4)]
    east = [y * N + x for y in range(4) for x in (5, 6)]
    households[west + east], settlement[west + east] = 25.0, 0
    hamlets = [y * N + x for y in range(6, N, 2) for x in range(0, N, 3)]
    households[hamlets], settlement[hamlets] = 30.0, np.arange(1, len(hamlets) + 1)
    dense = dense_atoms(households, area, settlement, min_density=100.0, min_households=300.0)
    assert dense[west + east].all() and not dense[hamlets].any()
    result = _plan(households, adjacency, xy, settlement, area)
    assert result.regime == Regime.MIXED
    gh = np.bincount(result.labels, households)
    kinds = np.array(result.grid_kinds)
    urban = np.flatnonzero(kinds == Regime.URBAN)
    assert gh[urban].tolist() == [400.0] and set(result.labels[west]) == {urban[0]}
    assert kinds[result.labels[east]].tolist() == [Regime.RURAL] * len(east)
    assert gh[kinds == Regime.RURAL].sum() == 200 + 30 * len(hamlets)
    assert result.feasible and all(flag == "" for flag in result.grid_flags)
    assert _contiguous(result.labels, adjacency)


def test_all_in_town_is_urban_and_none_is_rural():
    households, adjacency, xy, settlement, area = _unit(hamlets=0)
    assert _plan(households, adjacency, xy, settlement, area).regime == Regime.URBAN
    households, adjacency, xy, settlement, area = _unit(town_households=0.0)
    settlement[settlement == 0] = -1
    result = _plan(households, adjacency, xy, settlement, area)
    assert result.regime == Regime.RURAL and set(result.grid_rules) == {GridRule.VILLAGE}
    # a unit the rules call rural stays one grid, whatever its density
    result = plan_unit(households, adjacency, xy, regime="rural", band=(300.0, 500.0), seed=1)
    assert result.k == 1 and result.grid_rules == [GridRule.VILLAGE]


def test_default_urban_rule_on_liechtenstein(li_default_plan):
    """Before #18, Triesenberg (2,325 households) was one rural grid; now no grid holds twice the band's top."""
    grids, units = li_default_plan.grids, li_default_plan.units
    lo, hi = li_default_plan.meta["config"]["band"]
    assert grids["households"].max() <= 2 * hi
    assert set(units["regime"]) <= {"urban", "rural", "mixed"} and (units["regime"] == "mixed").any()
    assert set(grids["rule"]) <= {r.value for r in GridRule}
    assert (grids.loc[grids["rule"] == "band", "regime"] != "rural").all()
    triesenberg = grids[grids["unit_name"] == "Triesenberg"]
    assert set(triesenberg["rule"]) >= {"band", "village"}
    urban = grids[grids["regime"] == "urban"]
    assert urban["in_band"].all()
    assert li_default_plan.summary()["mixed_units"] == (units["regime"] == "mixed").sum()


def test_rule_column_round_trips(li_default_plan, tmp_path):
    li_default_plan.save(tmp_path / "plan.gpkg")
    again = gridmap.Plan.load(tmp_path / "plan.gpkg")
    assert again.grids["rule"].tolist() == li_default_plan.grids["rule"].tolist()


@pytest.mark.parametrize("regime", ["urban", Regime.URBAN])
def test_regimes_are_plain_strings_too(regime):
    assert Regime(regime) == "urban" and str(Regime(regime)) == "urban"
