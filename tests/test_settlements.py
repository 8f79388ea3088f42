"""Rural grids by natural settlement: clusters of houses, grids around them, on the real extract."""

import numpy as np
import pytest
import scipy.sparse as sp

import gridmap
from gridmap.config import PlanConfig, RuralRule
from gridmap.errors import InputError
from gridmap.partition import plan_unit
from gridmap.partition._settlements import dominant_settlement, settlement_grids, settlements
from gridmap.validate import validate_plan


def path_adjacency(n, length=100.0):
    """Atoms 0..n-1 in a row, each sharing ``length`` metres with the next."""
    i = np.arange(n - 1)
    a = sp.coo_array((np.full(n - 1, length), (i, i + 1)), shape=(n, n))
    return (a + a.T).tocsr()


def test_settlements_chain_houses_closer_than_the_gap():
    xy = np.array([[0, 0], [100, 0], [200, 0], [1000, 0], [1100, 0], [5000, 0]], float)
    lab = settlements(xy, 150.0)
    assert lab[0] == lab[1] == lab[2] != lab[3] == lab[4] != lab[5]
    # points of different units never share a settlement
    lab = settlements(xy, 150.0, group=np.array([0, 0, 1, 1, 1, 1]))
    assert lab[1] != lab[2] and lab[3] == lab[4]


def test_dominant_settlement_per_atom():
    atom = np.array([0, 0, 0, 1, 2])
    sett = np.array([5, 7, 7, 5, 7])
    hh = np.array([10.0, 4.0, 4.0, 3.0, 0.0])
    assert dominant_settlement(atom, sett, hh, 4).tolist() == [5, 5, -1, -1]


def test_empty_atoms_join_and_small_settlements_merge():
    adj = path_adjacency(6)
    h = np.array([10, 60, 0, 0, 80, 5], float)
    dom = np.array([0, 0, -1, -1, 1, 1])
    assert settlement_grids(h, adj, dom, 50).tolist() == [0, 0, 0, 1, 1, 1]
    # the smaller settlement (70 households) is under 100: it joins its neighbour
    assert settlement_grids(h, adj, dom, 100).tolist() == [0] * 6


def test_a_settlement_in_two_pieces_makes_two_grids():
    adj = path_adjacency(5)
    h = np.array([60, 60, 60, 60, 60], float)
    dom = np.array([3, 3, 9, 3, 3])  # settlement 3 on both sides of settlement 9
    labels = settlement_grids(h, adj, dom, 50)
    assert labels.tolist() == [0, 0, 1, 2, 2]


def test_unit_without_households_is_one_grid_per_piece():
    adj = path_adjacency(4)
    labels = settlement_grids(np.zeros(4), adj, np.full(4, -1), 50)
    assert labels.tolist() == [0, 0, 0, 0]


def test_plan_unit_rural_regimes():
    adj = path_adjacency(6)
    h = np.array([10, 60, 0, 0, 80, 5], float)
    xy = np.c_[np.arange(6) * 100.0, np.zeros(6)]
    whole = plan_unit(h, adj, xy, regime="rural", band=(300, 500), seed=0)
    assert whole.k == 1
    split = plan_unit(h, adj, xy, regime="rural", band=(300, 500), seed=0,
                      settlement=np.array([0, 0, -1, -1, 1, 1]), min_households=50)
    assert split.k == 2 and split.grid_kinds == ["rural", "rural"] and split.grid_flags == ["", ""]


def test_rural_rule_checks_and_toml_round_trip(tmp_path):
    with pytest.raises(InputError, match="rural.grids"):
        RuralRule(grids="hamlet")
    with pytest.raises(InputError, match="gap_m"):
        RuralRule(gap_m=0)
    config = PlanConfig.from_dict({"rural": {"grids": "settlement", "gap_m": 120}})
    path = tmp_path / "rules.toml"
    path.write_text(config.to_toml(), encoding="utf-8")
    again = PlanConfig.from_toml(path)
    assert again.rural == RuralRule(grids="settlement", gap_m=120.0)


def test_liechtenstein_rural_villages_by_settlement(li_inputs):
    """Default regimes: the rural parts (Planken, Triesenberg's hamlets...) become contiguous settlement grids."""
    village = gridmap.make_plan(li_inputs, PlanConfig())
    plan = gridmap.make_plan(li_inputs, PlanConfig(rural=RuralRule(grids="settlement")))
    rural_v = village.grids[village.grids["regime"] == "rural"]
    rural_s = plan.grids[plan.grids["regime"] == "rural"]
    assert set(rural_v["rule"]) == {"village"} and set(rural_s["rule"]) == {"settlement"}
    hamlets = [(p.grids["unit_name"].eq("Triesenberg") & p.grids["regime"].eq("rural")).sum() for p in (village, plan)]
    assert 0 < hamlets[0] < hamlets[1]
    assert (rural_s["households"] >= 50).all()
    # every grid contiguous now (a whole village may be in parts, its settlements not)
    faults = validate_plan(plan)
    assert not faults.faults["fault"].eq("non_contiguous").any()
    # the grids of urban units are untouched by the rural rule
    urban = village.units.loc[village.units["regime"] == "urban", "unit_id"]
    assert (village.grids[village.grids["unit_id"].isin(urban)]["households"].tolist()
            == plan.grids[plan.grids["unit_id"].isin(urban)]["households"].tolist())
    # deterministic
    again = gridmap.make_plan(li_inputs, PlanConfig(rural=RuralRule(grids="settlement")))
    assert (again.atoms["grid_id"].to_numpy() == plan.atoms["grid_id"].to_numpy()).all()


def test_large_settlements_split_into_villager_groups(li_inputs):
    whole = gridmap.make_plan(li_inputs, PlanConfig(rural=RuralRule(grids="settlement")))
    split = gridmap.make_plan(li_inputs, PlanConfig(rural=RuralRule(grids="settlement", split_large=True)))
    before = whole.grids[whole.grids["regime"] == "rural"]
    after = split.grids[split.grids["regime"] == "rural"]
    assert (before["households"] > 500).sum() >= 1 and len(after) > len(before)
    assert after["households"].sum() == pytest.approx(before["households"].sum())
    big = after[after["households"] > 500]
    assert big.empty or big["flag_reason"].str.len().gt(0).all()  # over the top only when flagged
    # the settlements that fit stay as they were
    small = before[before["households"] <= 500]
    assert set(small["households"].round()) <= set(after["households"].round())


@pytest.mark.parametrize("seed", range(6))
def test_settlements_are_single_linkage_clusters(seed):
    """The triangulation's edges give the same clusters as every pair closer than the gap
    (repeated points, points on one line and groups included)."""
    import scipy.sparse as sp
    from scipy.sparse.csgraph import connected_components
    from scipy.spatial import cKDTree

    from gridmap.partition._labels import by_first_atom

    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, [3000, 2000], size=(800, 2))
    if seed % 2:
        xy = np.round(xy / 40) * 40        # repeated locations on a lattice
    if seed == 4:
        xy[:, 1] = 5.0                     # all on one line: no triangulation
    group = rng.integers(0, 4, size=len(xy)) if seed % 3 else None
    pairs = cKDTree(xy).query_pairs(150.0, output_type="ndarray")
    if group is not None:
        pairs = pairs[group[pairs[:, 0]] == group[pairs[:, 1]]]
    graph = sp.coo_array((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(len(xy), len(xy)))
    expected = by_first_atom(connected_components(graph.tocsr(), directed=False)[1])[0]
    assert (settlements(xy, 150.0, group) == expected).all()
