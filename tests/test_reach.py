"""Tests of gridmap.roads / gridmap.reach: the road graph and reach against a plain networkx Dijkstra.

A 6 × 6 street lattice (100 m blocks, OSM-like ways sharing their junction vertices)
carries one-way streets, a footway, and a motorway shortcut; two grids split it. The
last tests run on Liechtenstein, built from the bundled OSM extract (© OpenStreetMap
contributors, ODbL 1.0) with one grid per municipality.
"""
from __future__ import annotations

import math
import tomllib
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely
from click.testing import CliRunner

from gridmap.errors import InputError
from gridmap.plan import Plan
from gridmap.reach import (DEFAULT_SPEEDS, ReachConfig, build_network, compute_bases, reach_plan, reach_table,
                           road_graph, travel_minutes)
from gridmap.roads import oneway_direction, parse_maxspeed

CRS = "EPSG:32650"
X0, Y0 = 500_000.0, 3_300_000.0
STEP = 100.0


def lattice_roads() -> gpd.GeoDataFrame:
    rows = []
    for j in range(6):  # west-east streets through every junction
        highway = "primary" if j == 0 else "residential"
        oneway = "yes" if j == 3 else ""
        rows.append((highway, oneway, "", shapely.LineString([(X0 + STEP * i, Y0 + STEP * j) for i in range(6)])))
    for i in range(6):  # south-north streets
        highway = "footway" if i == 5 else "tertiary"
        oneway = "-1" if i == 2 else "no"
        rows.append((highway, oneway, "20" if i == 1 else "", shapely.LineString([(X0 + STEP * i, Y0 + STEP * j)
                                                                                  for j in range(6)])))
    # a motorway from the south-west to the north-east corner: one-way by implication, cars only
    rows.append(("motorway", "", "", shapely.LineString([(X0, Y0), (X0 + 5 * STEP, Y0 + 5 * STEP)])))
    # a dead-end service road hanging off the lattice, and an unconnected island
    rows.append(("service", "", "", shapely.LineString([(X0 + 500, Y0 + 500), (X0 + 650, Y0 + 500)])))
    rows.append(("residential", "", "", shapely.LineString([(X0 + 2000, Y0), (X0 + 2050, Y0)])))
    return gpd.GeoDataFrame(pd.DataFrame(rows, columns=["highway", "oneway", "maxspeed", "geometry"]),
                            geometry="geometry", crs=CRS)


def lattice_plan(seed: int = 0) -> Plan:
    grids = gpd.GeoDataFrame({
        "grid_id": ["A-001", "B-001"], "code": ["A-001", "B-001"], "unit_id": ["A", "B"],
        "unit_name": ["West", "East"], "parent_id": ["T", "T"], "parent_name": ["Town", "Town"],
        "regime": ["urban", "rural"], "households": [0.0, 0.0]},
        geometry=[shapely.box(X0 - 50, Y0 - 50, X0 + 250, Y0 + 550),
                  shapely.box(X0 + 250, Y0 - 50, X0 + 700, Y0 + 550)],
        crs=CRS)
    rng = np.random.default_rng(seed)
    xy = np.column_stack([rng.uniform(X0 - 40, X0 + 690, 60), rng.uniform(Y0 - 40, Y0 + 540, 60)])
    counts = rng.integers(1, 20, 60).astype(float)
    points = shapely.points(xy)
    grid_id = np.where(xy[:, 0] < X0 + 250, "A-001", "B-001")
    households = gpd.GeoDataFrame({"households": counts, "grid_id": grid_id}, geometry=points, crs=CRS)
    grids["households"] = [counts[grid_id == g].sum() for g in grids["grid_id"]]
    return Plan(layers={"grids": grids, "households": households, "roads": lattice_roads()}, meta={})


def reference_graph(roads: gpd.GeoDataFrame, mode: str, config: ReachConfig) -> nx.DiGraph:
    """The same network, built the plain way: one networkx edge per pair of consecutive vertices."""
    graph = nx.DiGraph()
    for row in roads.itertuples():
        kmh = config.speeds[mode].get(row.highway)
        if kmh is None:
            continue
        if mode != "walk" and row.maxspeed:
            kmh = min(kmh, float(row.maxspeed))
        oneway = row.oneway or ("yes" if row.highway == "motorway" else "")
        coords = [(round(x, 1), round(y, 1)) for x, y in row.geometry.coords]
        for a, b in zip(coords[:-1], coords[1:]):
            seconds = math.dist(a, b) / (kmh / 3.6)
            pairs = [(a, b), (b, a)]
            if mode in config.oneway_modes and oneway == "yes":
                pairs = [(a, b)]
            elif mode in config.oneway_modes and oneway == "-1":
                pairs = [(b, a)]
            for u, v in pairs:
                if not graph.has_edge(u, v) or graph[u][v]["weight"] > seconds:
                    graph.add_edge(u, v, weight=seconds)
    return graph


# --------------------------------------------------------------------------- rules


@pytest.mark.parametrize("changes, message", [
    ({"mode": "bus"}, "reach.mode: expected one of ['walk', 'ebike', 'car'], got 'bus'"),
    ({"speeds": {"car": {"primary": 0}}}, "reach.speeds.car.primary: speed must be a number > 0 km/h, got 0"),
    ({"speeds": {"walk": {"footway": -4.5}}}, "reach.speeds.walk.footway: speed must be a number > 0 km/h"),
    ({"speeds": {"plane": {"primary": 800}}}, "reach.speeds.plane: unknown travel mode"),
    ({"speeds": {"car": {}}}, "reach.speeds.car: expected a non-empty table"),
    ({"minutes_urban": 0}, "reach.minutes_urban: must be a number > 0, got 0"),
    ({"minutes_rural": -30}, "reach.minutes_rural: must be a number > 0, got -30"),
    ({"snap_speed_kmh": 0}, "reach.snap_speed_kmh: must be a number > 0"),
    ({"buffer_rural_m": -1}, "reach.buffer_rural_m: must be a number >= 0 m"),
    ({"oneway_modes": ["car", "tram"]}, "reach.oneway_modes: unknown mode(s) ['tram']"),
    ({"candidates": 0}, "reach.candidates: expected an integer >= 1, got 0"),
    ({"speed": 5}, "reach: unknown parameter(s) ['speed']"),
])
def test_bad_travel_rules_name_the_parameter(changes, message):
    with pytest.raises(InputError) as info:
        ReachConfig.from_dict(changes)
    assert message in str(info.value)


def test_default_speeds_and_toml_round_trip(tmp_path):
    config = ReachConfig()
    assert config.mode == "walk" and (config.minutes_urban, config.minutes_rural) == (10, 30)
    assert set(DEFAULT_SPEEDS["walk"].values()) == {4.5} and "motorway" not in DEFAULT_SPEEDS["walk"]
    assert "motorway" not in DEFAULT_SPEEDS["ebike"] and "footway" not in DEFAULT_SPEEDS["car"]
    assert DEFAULT_SPEEDS["ebike"]["residential"] == 15 and DEFAULT_SPEEDS["ebike"]["primary"] == 25
    assert DEFAULT_SPEEDS["car"]["residential"] == 20 and DEFAULT_SPEEDS["car"]["primary"] == 60
    custom = config.replace(mode="ebike", oneway_modes=("car", "ebike"), speeds={"car": {"primary": 50.0}})
    assert custom.speeds["car"] == {"primary": 50.0} and custom.speeds["walk"] == DEFAULT_SPEEDS["walk"]
    assert ReachConfig.from_dict(tomllib.loads(custom.to_toml())) == custom
    path = tmp_path / "rules.toml"
    path.write_text('[plan]\nband = [300, 500]\n\n[reach]\nmode = "car"\nminutes_rural = 20\n', encoding="utf-8")
    assert ReachConfig.from_toml(path) == ReachConfig(mode="car", minutes_rural=20)


def test_tag_parsing():
    assert np.allclose(parse_maxspeed(["50", "30 mph", "", None, "none", "60;40", "0"]),
                       [50, 30 * 1.609344, np.nan, np.nan, np.nan, 60, np.nan], equal_nan=True)
    roads = gpd.GeoDataFrame({"highway": ["residential"] * 5 + ["motorway", "motorway"],
                              "oneway": ["yes", "-1", "no", "", "true", "", "no"]},
                             geometry=[shapely.LineString([(0, 0), (1, 0)])] * 7, crs=CRS)
    assert oneway_direction(roads).tolist() == [1, -1, 0, 0, 1, 1, 0]


# --------------------------------------------------------------------------- the graph against networkx


@pytest.mark.parametrize("mode", ["walk", "ebike", "car"])
def test_road_graph_matches_plain_dijkstra(mode):
    config = ReachConfig(mode=mode)
    roads = lattice_roads()
    graph, xy = road_graph(roads, config)
    reference = reference_graph(roads, mode, config)
    keys = [(round(x, 1), round(y, 1)) for x, y in xy]
    assert set(keys) == set(reference.nodes)
    from scipy.sparse.csgraph import dijkstra

    ours = dijkstra(graph, directed=True)
    theirs = dict(nx.all_pairs_dijkstra_path_length(reference))
    for i, a in enumerate(keys):
        for j, b in enumerate(keys):
            expected = theirs[a].get(b, np.inf)
            assert ours[i, j] == pytest.approx(expected, rel=1e-9), (mode, a, b)


def test_modes_differ_where_they_should():
    walk_graph, walk_xy = road_graph(lattice_roads(), ReachConfig(mode="walk"))
    car_graph, car_xy = road_graph(lattice_roads(), ReachConfig(mode="car"))
    # the footway (x = 500) is no street for cars
    node = {tuple(np.round(p, 1)): k for k, p in enumerate(car_xy)}
    a, b = node[(X0 + 500, Y0 + 300)], node[(X0 + 500, Y0 + 400)]
    assert car_graph[a, b] == car_graph[b, a] == 0
    # the one-way street (y = 300) runs west to east for cars, both ways on foot
    a, b = node[(X0 + 100, Y0 + 300)], node[(X0 + 200, Y0 + 300)]
    assert car_graph[a, b] > 0 and car_graph[b, a] == 0
    node = {tuple(np.round(p, 1)): k for k, p in enumerate(walk_xy)}
    a, b = node[(X0 + 100, Y0 + 300)], node[(X0 + 200, Y0 + 300)]
    assert walk_graph[a, b] == walk_graph[b, a] == pytest.approx(100 / (4.5 / 3.6))


def test_no_roads_is_a_clear_error():
    empty = gpd.GeoDataFrame({"highway": []}, geometry=[], crs=CRS)
    with pytest.raises(InputError, match="no roads"):
        road_graph(empty, ReachConfig())
    only_motorway = lattice_roads().query("highway == 'motorway'")
    with pytest.raises(InputError, match="open to mode 'walk'"):
        road_graph(only_motorway, ReachConfig(mode="walk"))


def _reference_minutes(plan, config, base_points, targets):
    """Minutes from base points to targets: walk to the nearest node, networkx Dijkstra, walk off."""
    reference = reference_graph(plan.layers["roads"], config.mode, config)
    main = max(nx.weakly_connected_components(reference), key=len)
    nodes = np.array(sorted(main))
    walk = config.snap_speed_kmh / 3.6

    def snap(point):
        d = np.hypot(nodes[:, 0] - point.x, nodes[:, 1] - point.y)
        k = int(np.argmin(d))
        return tuple(nodes[k]), d[k] / walk

    out = np.empty((len(base_points), len(targets)))
    for i, base in enumerate(base_points):
        source, walk_in = snap(base)
        lengths = nx.single_source_dijkstra_path_length(reference, source)
        for j, target in enumerate(targets):
            node, walk_out = snap(target)
            out[i, j] = (walk_in + lengths.get(node, np.inf) + walk_out) / 60.0
    return out


@pytest.mark.parametrize("mode", ["walk", "car"])
def test_travel_minutes_match_plain_dijkstra(mode):
    plan = lattice_plan()
    config = ReachConfig(mode=mode)
    network = build_network(plan.layers["roads"], config)
    bases = [shapely.Point(X0 + 30, Y0 + 20), shapely.Point(X0 + 480, Y0 + 330)]
    targets = plan.households.geometry.to_numpy()
    ours = travel_minutes(network, config, bases, targets)
    theirs = _reference_minutes(plan, config, bases, targets)
    assert np.allclose(ours, theirs, rtol=1e-9)


@pytest.mark.parametrize("mode, objective", [("walk", "min_time"), ("car", "min_time"), ("walk", "max_reached")])
def test_computed_bases_are_optimal(mode, objective):
    """With every node a candidate, the base is the brute-force optimum of the objective."""
    plan = lattice_plan()
    config = ReachConfig(mode=mode, candidates=1000, minutes_urban=2.0, minutes_rural=3.0)
    bases = compute_bases(plan, config, objective)
    network = build_network(plan.layers["roads"], config)
    for grid, base in zip(plan.grids.itertuples(), bases.geometry):
        assert grid.geometry.covers(base)
        members = plan.households[plan.households["grid_id"] == grid.grid_id]
        w = members["households"].to_numpy()
        inside = [p for p in shapely.points(network.xy[network.snappable]) if grid.geometry.intersects(p)]
        minutes = _reference_minutes(plan, config, inside + [base], members.geometry.to_numpy())
        limit = config.minutes(grid.regime)
        if objective == "min_time":
            score = np.where(np.isfinite(minutes), minutes, 1e9) @ w
            assert score[-1] == pytest.approx(score[:-1].min(), rel=1e-9)
        else:
            reached = (minutes <= limit) @ w
            assert reached[-1] == reached[:-1].max()


def test_screened_bases_are_near_optimal():
    """With few candidates the screen and the refinement still land at (or next to) the optimum."""
    plan = lattice_plan(seed=3)
    exhaustive = compute_bases(plan, ReachConfig(candidates=1000))
    screened = compute_bases(plan, ReachConfig(candidates=3))
    assert (screened["mean_minutes"] <= exhaustive["mean_minutes"] * 1.02 + 1e-9).all()


def test_reach_plan_against_plain_dijkstra():
    plan = lattice_plan()
    config = ReachConfig(mode="walk", minutes_urban=2.0, minutes_rural=3.0, buffer_urban_m=20, buffer_rural_m=30)
    out = reach_plan(plan, config)
    assert "share_reached" not in plan.grids.columns and "bases" not in plan.layers  # pure
    bases = out.layers["bases"].set_index("grid_id")
    households = plan.households
    shares = {}
    for grid in plan.grids.itertuples():
        members = households[households["grid_id"] == grid.grid_id]
        minutes = _reference_minutes(plan, config, [bases.loc[grid.grid_id].geometry], members.geometry.to_numpy())[0]
        limit = config.minutes(grid.regime)
        w = members["households"].to_numpy()
        reached = w[minutes <= limit].sum()
        shares[grid.grid_id] = reached / w.sum()
        assert bases.loc[grid.grid_id, "households_reached"] == pytest.approx(reached)
        assert bases.loc[grid.grid_id, "minutes"] == limit
        late = out.layers["unreached"].query("grid_id == @grid.grid_id")
        assert late["households"].sum() == pytest.approx(w.sum() - reached)
        expected = np.sort(minutes[minutes > limit])
        assert np.allclose(np.sort(late["minutes_to_base"].to_numpy()), expected)
    assert 0 < min(shares.values()) and max(shares.values()) < 1  # the test exercises both sides
    assert dict(zip(out.grids["grid_id"], out.grids["share_reached"])) == pytest.approx(shares)
    county = out.meta["reach"]["county"]
    assert county["share"] == pytest.approx(county["reached"] / households["households"].sum())
    assert reach_table(out, "units")["share"].iloc[:-1].tolist() == pytest.approx([shares["A-001"], shares["B-001"]])
    # service areas: within the grid, along the streets (not the whole grid)
    areas = out.layers["service_areas"].set_index("grid_id")
    for grid in plan.grids.itertuples():
        area = areas.loc[grid.grid_id].geometry
        assert not area.is_empty and grid.geometry.buffer(1e-6).contains(area)
        assert area.area < 0.9 * grid.geometry.area
        assert area.distance(bases.loc[grid.grid_id].geometry) < 1e-6


def test_reach_with_given_bases_and_unreachable_households():
    plan = lattice_plan()
    # a household on the unconnected island street: it snaps to the main network instead
    far = gpd.GeoDataFrame({"households": [5.0], "grid_id": ["B-001"]}, geometry=[shapely.Point(X0 + 2000, Y0)],
                           crs=CRS)
    plan.layers["households"] = pd.concat([plan.households, far], ignore_index=True)
    given = gpd.GeoDataFrame({"grid_id": ["A-001"]}, geometry=[shapely.Point(X0 + 100, Y0 + 500)], crs=CRS)
    out = reach_plan(plan, ReachConfig(minutes_urban=3, minutes_rural=5), bases=given)
    bases = out.layers["bases"].set_index("grid_id")
    assert bases.loc["A-001", "source"] == "given" and bases.loc["B-001", "source"] == "computed"
    assert bases.loc["A-001"].geometry.equals(shapely.Point(X0 + 100, Y0 + 500))
    late = out.layers["unreached"]
    assert late.geometry.distance(shapely.Point(X0 + 2000, Y0)).min() == 0  # far away: unreached
    assert np.isfinite(late["minutes_to_base"]).all()
    assert out.meta["reach"]["household_snap_m"]["max"] > 1000


def test_reach_without_roads_is_a_clear_error():
    plan = lattice_plan()
    plan.layers["roads"] = plan.layers["roads"].iloc[:0]
    with pytest.raises(InputError, match="no roads"):
        reach_plan(plan)


def test_reach_moves_workers_to_the_bases():
    from gridmap.staffing import staff_plan

    staffed = staff_plan(lattice_plan())
    again = reach_plan(staffed, bases=staffed.layers["bases"])  # the plan's own bases: kept, still "computed"
    assert set(again.layers["bases"]["source"]) == {"computed"}
    assert again.layers["bases"].geometry.equals(staffed.layers["bases"].geometry)
    given = gpd.GeoDataFrame({"grid_id": ["B-001"]}, geometry=[shapely.Point(X0 + 400, Y0 + 100)], crs=CRS)
    out = reach_plan(staffed, bases=given)
    workers = out.layers["workers"].set_index("grid_id")
    assert workers.loc["B-001"].geometry.equals(shapely.Point(X0 + 400, Y0 + 100))


def test_cli_reach(tmp_path):
    from gridmap.cli.reach_cmd import command

    path = lattice_plan().save(tmp_path / "plan.gpkg")
    result = CliRunner().invoke(command, [str(path), "--mode", "car", "--minutes-urban", "1", "--minutes-rural", "1",
                                          "-q", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "mode            car, 1 min urban / 1 min rural" in result.output
    result = CliRunner().invoke(command, [str(path), "--mode", "car", "--minutes-urban", "1", "--minutes-rural", "1",
                                          "-q", "--lang", "zh"])
    assert result.exit_code == 0 and "出行方式        驾车，城镇 1 分钟 / 农村 1 分钟" in result.output
    assert "West" in result.output and "East" in result.output
    saved = Plan.load(path)  # extended in place
    assert {"bases", "service_areas", "unreached"} <= set(saved.layers)
    assert saved.meta["reach"]["config"]["mode"] == "car"
    assert (tmp_path / "reach.csv").exists()
    # user roads replace the plan's
    roads = tmp_path / "roads.gpkg"
    lattice_roads().drop(columns=["highway"]).to_file(roads)
    result = CliRunner().invoke(command, [str(path), "--roads", str(roads), "--out", str(tmp_path / "o"), "-q"])
    assert result.exit_code == 0, result.output
    assert set(Plan.load(tmp_path / "o" / "plan.gpkg").layers["roads"]["highway"]) == {"residential"}


# --------------------------------------------------------------------------- Liechtenstein


LIECHTENSTEIN = next((p for p in (Path(__file__).resolve().parents[1] / "data" / "liechtenstein.osm.pbf",
                                  Path("/work/shared/data/liechtenstein.osm.pbf")) if p.exists()), None)


@pytest.fixture(scope="module")
def liechtenstein() -> Plan:
    """One grid per municipality (Vaduz urban, the rest rural), households from buildings, roads from OSM."""
    if LIECHTENSTEIN is None:
        pytest.skip("no Liechtenstein extract")
    from gridmap import households as hh
    from gridmap.inputs.osm import read_osm, select_area, select_units

    osm = read_osm(LIECHTENSTEIN)
    area = select_area(osm.boundaries, name="Liechtenstein", level=2)
    crs = "EPSG:32632"
    units = select_units(osm.boundaries, area.geometry.iloc[0], 8).to_crs(crs).reset_index(drop=True)
    grids = gpd.GeoDataFrame({
        "grid_id": [f"{u}-001" for u in units["unit_id"]], "code": [f"{u}-001" for u in units["unit_id"]],
        "unit_id": units["unit_id"].to_numpy(), "unit_name": units["name"].to_numpy(),
        "parent_id": "LI", "parent_name": "Liechtenstein",
        "regime": np.where(units["name"] == "Vaduz", "urban", "rural")}, geometry=units.geometry.to_numpy(), crs=crs)
    points = hh.from_buildings(osm.buildings.to_crs(crs))
    joined = gpd.sjoin(points, grids[["grid_id", "geometry"]], how="inner", predicate="within")
    joined = joined[~joined.index.duplicated()]
    households = gpd.GeoDataFrame({"households": joined["households"].to_numpy(),
                                   "grid_id": joined["grid_id"].to_numpy()},
                                  geometry=joined.geometry.to_numpy(), crs=crs)
    per_grid = households.groupby("grid_id")["households"].sum()
    grids["households"] = per_grid.reindex(grids["grid_id"]).fillna(0).to_numpy()
    roads = osm.roads.to_crs(crs)
    roads = gpd.GeoDataFrame(roads[["highway", "name", "oneway", "maxspeed"]].reset_index(drop=True),
                             geometry=roads.geometry.to_numpy(), crs=crs)
    return Plan(layers={"grids": grids, "households": households, "roads": roads}, meta={})


@pytest.mark.parametrize("mode", ["walk", "ebike"])
def test_liechtenstein_reach(liechtenstein, mode):
    out = reach_plan(liechtenstein, ReachConfig(mode=mode))
    grids, bases, areas = out.grids, out.layers["bases"], out.layers["service_areas"]
    assert len(grids) == 11 and list(bases["grid_id"]) == list(grids["grid_id"])
    assert grids["share_reached"].between(0, 1).all()
    assert bases["share_reached"].between(0, 1).all()
    for grid, base, area in zip(grids.geometry, bases.geometry, areas.geometry):
        assert grid.buffer(0.01).covers(base)  # inside the grid or on its boundary
        assert grid.buffer(0.01).covers(area)
        assert not area.is_empty
    county = out.meta["reach"]["county"]
    assert 0.5 < county["share"] <= 1
    assert out.layers["unreached"]["households"].sum() == pytest.approx(county["households"] - county["reached"])
    if mode == "ebike":  # 15-25 km/h for 10/30 minutes covers nearly every household
        assert county["share"] > 0.95
    assert out.meta["reach"]["timings_s"]["bases_s"] >= 0  # timed, not budgeted: speed lives in benchmarks/


# --------------------------------------------------------------------------- contracted searches


def _full_and_contracted(graph, keep, sources):
    from scipy.sparse import csgraph

    from gridmap.roads import contract

    chains = contract(graph, keep)
    full = csgraph.dijkstra(graph, directed=True, indices=sources)
    small = csgraph.dijkstra(chains.graph, directed=True, indices=chains.index[sources])
    return chains, full, small


def test_contraction_of_rings_loops_and_one_way_chains():
    """A hand-made graph with every kind of chain: the times between kept nodes and to every node hold."""
    from scipy import sparse

    edges = [(0, 1, 1.0), (1, 0, 1.0), (1, 2, 2.0), (2, 1, 2.0), (2, 3, 1.5), (3, 2, 1.5),   # chain 0-1-2-3
             (3, 4, 1.0), (4, 5, 1.0), (5, 3, 1.0),                                         # one-way loop at 3
             (3, 6, 2.0), (6, 3, 2.0), (6, 7, 1.0), (7, 8, 1.0), (8, 9, 1.0), (9, 6, 1.0),   # lasso
             (0, 10, 3.0), (10, 11, 3.0), (11, 12, 3.0), (12, 9, 3.0),                     # one-way chain 0 -> 9
             (13, 14, 1.0), (14, 15, 1.0), (15, 13, 1.0), (14, 13, 1.0)]                    # a ring alone
    u, v, w = map(np.array, zip(*edges))
    graph = sparse.csr_matrix((w, (u.astype(int), v.astype(int))), shape=(16, 16))
    chains, full, small = _full_and_contracted(graph, np.array([0]), np.array([0, 3, 6, 9]))
    assert len(chains.kept) < 16
    assert np.allclose(small, full[:, chains.kept], rtol=1e-12)
    assert np.array_equal(np.isinf(chains.times_to_all(small)), np.isinf(full))
    assert np.allclose(chains.times_to_all(small)[np.isfinite(full)], full[np.isfinite(full)], rtol=1e-12)
    ring = chains.kept[np.isin(chains.kept, [13, 14, 15])]
    assert len(ring) == 1  # a ring of shape points keeps one node


@pytest.mark.parametrize("mode", ["walk", "car"])
def test_contracted_times_equal_the_full_network(liechtenstein, mode):
    """On the bundled extract's roads: the contracted graph gives the full network's times."""
    network = build_network(liechtenstein.layers["roads"], ReachConfig(mode=mode))
    rng = np.random.default_rng(0)
    keep = rng.choice(network.n, 500, replace=False)
    chains, full, small = _full_and_contracted(network.graph, keep, keep[:12])
    assert len(chains.kept) < network.n / 3  # most nodes are shape points
    finite = np.isfinite(full)
    assert np.array_equal(finite[:, chains.kept], np.isfinite(small))
    assert np.allclose(small[finite[:, chains.kept]], full[:, chains.kept][finite[:, chains.kept]], rtol=1e-9)
    every = chains.times_to_all(small)
    assert np.array_equal(np.isfinite(every), finite)
    assert np.allclose(every[finite], full[finite], rtol=1e-9)
    from gridmap.roads import values_at

    # a bounded search on the kept nodes near the sources gives the whole graph's times
    close = keep[np.argsort(np.hypot(*(network.xy[keep] - network.xy[keep[0]]).T))[:4]]
    _, _, alone = _full_and_contracted(network.graph, keep, close)
    limit = 300.0
    ids, near = chains.search(chains.index[close], limit, network.xy)
    assert ids is not None and len(ids) < len(chains.kept)
    everywhere = np.where(alone <= limit, alone, np.inf)
    for row in range(4):
        assert np.array_equal(values_at(near[row], ids, np.arange(len(chains.kept))), everywhere[row])
    for row in range(3):  # what reach draws the service areas from: the nodes within a budget
        budget = float(np.percentile(full[row][finite[row]], 30))
        nodes, times = chains.within(small[row], budget)
        expected = np.flatnonzero(full[row] <= budget)
        # a node a rounding error from the budget may fall either side
        near_edge = np.abs(full[row] - budget) < 1e-6
        assert set(nodes[~near_edge[nodes]]) == set(expected[~near_edge[expected]])
        assert np.allclose(times, full[row][nodes], rtol=1e-9)


def test_multi_source_search_equals_one_search_per_source(liechtenstein):
    """roads.dijkstra in chunks of sources, and scipy's nearest-source search, on the real network."""
    from scipy.sparse import csgraph

    from gridmap.roads import dijkstra

    network = build_network(liechtenstein.layers["roads"], ReachConfig())
    sources = network.snappable[::997][:40]
    together = dijkstra(network.graph, sources, limit=900.0, chunk=16)
    for k in (0, 17, 39):
        alone = csgraph.dijkstra(network.graph, directed=True, indices=[sources[k]], limit=900.0)[0]
        assert np.array_equal(together[k], alone)
    nearest = csgraph.dijkstra(network.graph, directed=True, indices=sources, limit=900.0, min_only=True)
    assert np.array_equal(nearest, together.min(axis=0))


def test_min_time_bases_on_the_contracted_network_are_no_worse(liechtenstein):
    """Candidates reduced to junctions, household and border nodes: every base is at least as
    good as the best of the grid's nodes evaluated exhaustively on a sample."""
    config = ReachConfig()
    network = build_network(liechtenstein.layers["roads"], config)
    bases = compute_bases(liechtenstein, config, network=network)
    grid = liechtenstein.grids.iloc[[0]]
    members = liechtenstein.households[liechtenstein.households["grid_id"] == grid["grid_id"].iloc[0]]
    inside = network.snappable[shapely.intersects(grid.geometry.iloc[0],
                                                  shapely.points(network.xy[network.snappable]))]
    sample = np.random.default_rng(1).choice(inside, min(150, len(inside)), replace=False)
    targets = members.geometry.to_numpy()
    w = members["households"].to_numpy(dtype=float)
    minutes = travel_minutes(network, config, np.concatenate([shapely.points(network.xy[sample]),
                                                              bases.geometry.to_numpy()[:1]]), targets)
    cost = np.where(np.isfinite(minutes), minutes, 1e9) @ w
    assert cost[-1] <= cost[:-1].min() * (1 + 1e-9)


def test_bases_searched_on_an_executor_are_the_same():
    """The per-grid searches are pure, picklable tasks: a process pool gives the same bases."""
    from concurrent.futures import ProcessPoolExecutor

    plan = lattice_plan(seed=3)
    config = ReachConfig(candidates=3)
    alone = compute_bases(plan, config)
    with ProcessPoolExecutor(max_workers=2) as executor:
        pooled = compute_bases(plan, config, executor=executor)
    assert shapely.equals_exact(alone.geometry.to_numpy(), pooled.geometry.to_numpy(), 0).all()
    assert np.array_equal(alone["mean_minutes"].to_numpy(), pooled["mean_minutes"].to_numpy(), equal_nan=True)


def test_a_small_plans_bases_go_to_every_worker():
    """With an executor the searches go out in at least _MIN_BATCHES batches (a demo's 77 grids
    were one batch of 256 on one worker while the other idled); without one, batches of _CHUNK."""
    from gridmap.bases import _CHUNK, _MIN_BATCHES, _batch_size

    pool = object()
    assert _batch_size(77, pool) == 20 and -(-77 // 20) == _MIN_BATCHES
    assert _batch_size(3, pool) == 1
    assert _batch_size(10_000, pool) == _CHUNK
    assert _batch_size(77, None) == _CHUNK


def test_shared_bands_match_the_per_grid_bands(li_plan, monkeypatch):
    """Grids whose every street near them is reached whole take their band from the faces
    of the whole network (used by plans of many grids): the same reach figures, and areas
    at least as close to the exact band (every street within the band's width buffered)
    as the per-grid bands, which simplify the streets and draw them only from the nodes
    in the grid's frame."""
    import gridmap.reach as reach

    config = ReachConfig(mode="walk", minutes_urban=15.0)
    before = reach_plan(li_plan, config)
    monkeypatch.setattr(reach, "_SHARED_MIN_GRIDS", 0)
    monkeypatch.setattr(reach, "_SHARED_MIN_SHARE", 0.0)
    after = reach_plan(li_plan, config)
    for name in ("bases", "unreached"):
        pd.testing.assert_frame_equal(before.layers[name], after.layers[name], check_exact=True)
    assert {k: v for k, v in before.meta["reach"].items() if k != "timings_s"} == \
        {k: v for k, v in after.meta["reach"].items() if k != "timings_s"}
    a = before.layers["service_areas"].geometry.to_numpy()
    b = after.layers["service_areas"].geometry.to_numpy()
    changed = np.flatnonzero(~shapely.equals_exact(a, b, 0))
    assert len(changed)  # the shared bands were used
    assert shapely.is_valid(b).all()
    network = build_network(li_plan.layers["roads"], config)
    coo = network.graph.tocoo()
    one = coo.row < coo.col
    streets = shapely.linestrings(np.stack([network.xy[coo.row[one]], network.xy[coo.col[one]]], axis=1))
    tree = shapely.STRtree(streets)
    for i in changed:
        grid = li_plan.grids.geometry.iloc[i]
        radius = config.buffer_m(li_plan.grids["regime"].iloc[i])
        near = streets[tree.query(grid, predicate="dwithin", distance=radius)]
        exact = shapely.intersection(shapely.union_all(shapely.buffer(near, radius, quad_segs=16)), grid)
        old, new = shapely.hausdorff_distance(a[i], exact), shapely.hausdorff_distance(b[i], exact)
        assert new <= max(old, radius / 10.0) + 1e-6
    assert shapely.area(shapely.symmetric_difference(a, b)).sum() <= 0.01 * shapely.area(a).sum()


def _alone_and_pooled(plan, config):
    """reach_plan here and on a pool of 2 processes; their service areas the same, in the same order."""
    from concurrent.futures import ProcessPoolExecutor

    alone = reach_plan(plan, config)
    with ProcessPoolExecutor(max_workers=2) as executor:
        pooled = reach_plan(plan, config, executor=executor)
    a, b = alone.layers["service_areas"], pooled.layers["service_areas"]
    pd.testing.assert_frame_equal(a.drop(columns="geometry"), b.drop(columns="geometry"))
    assert shapely.equals_exact(a.geometry.to_numpy(), b.geometry.to_numpy(), 0).all()
    return alone, pooled


def test_service_areas_on_an_executor_are_the_same(li_plan, monkeypatch):
    """A plan of many grids draws its service areas in strips of grids, each a pure task: on a
    process pool the same polygons, in the same order, as here; and the shared bands of strips
    the same point sets as the shared bands of the whole network."""
    import gridmap.reach as reach

    config = ReachConfig(mode="walk", minutes_urban=15.0)
    monkeypatch.setattr(reach, "_SHARED_MIN_GRIDS", 0)
    monkeypatch.setattr(reach, "_SHARED_MIN_SHARE", 0.0)
    whole = reach_plan(li_plan, config).layers["service_areas"]
    monkeypatch.setattr(reach, "_CHUNK_GRIDS", 7)  # several strips
    alone, pooled = _alone_and_pooled(li_plan, config)
    a = alone.layers["service_areas"]
    for name in ("bases", "unreached"):
        pd.testing.assert_frame_equal(alone.layers[name], pooled.layers[name], check_exact=True)
    # strips see only the streets near them: the same bands as one strip of the whole network
    one, many = whole.geometry.to_numpy(), a.geometry.to_numpy()
    assert shapely.area(shapely.symmetric_difference(one, many)).sum() <= 1e-6 * shapely.area(one).sum()


def test_a_smaller_plans_service_areas_on_an_executor_are_the_same(li_plan, monkeypatch):
    """A plan below the shared bands' size, given an executor, is drawn in _SPLIT_STRIPS strips on
    the workers: each grid's band is its own, so exactly the same polygons, in the same order."""
    import gridmap.reach as reach

    config = ReachConfig(mode="walk", minutes_urban=15.0)
    assert len(li_plan.grids) < reach._SHARED_MIN_GRIDS
    monkeypatch.setattr(reach, "_SPLIT_MIN_GRIDS", 2)
    _alone_and_pooled(li_plan, config)
    assert len(reach._strips(shapely.bounds(li_plan.grids.geometry.to_numpy()), reach._SPLIT_STRIPS)) == 2
