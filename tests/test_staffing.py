"""Tests of gridmap.staffing: rules, workers per grid, the budget against a hand computation, roster, CLI.

The plans here are synthetic (five square grids, no roads), so no test needs the network
or the partitioner.
"""
from __future__ import annotations

import tomllib

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from click.testing import CliRunner

from gridmap.errors import InputError
from gridmap.plan import Plan
from gridmap.staffing import (DEFAULT_WORKER_TYPES, StaffingConfig, StaffingRule, budget_table, roster, staff_plan,
                              write_budget, write_roster)

CRS = "EPSG:32650"
X0, Y0 = 500_000.0, 3_300_000.0


def small_plan() -> Plan:
    """Five 1 km grids in two townships; households as points (with an ``elderly`` column)."""
    rows = [  # grid_id, unit_id, unit_name, parent_id, parent_name, regime, households
        ("U1-001", "U1", "Town A", "T1", "Township One", "urban", 650.0),
        ("U1-002", "U1", "Town A", "T1", "Township One", "urban", 300.0),
        ("U2-001", "U2", "Village B", "T1", "Township One", "rural", 120.0),
        ("U3-001", "U3", "Hillside", "T2", "Township Two", "rural", 90.0),
        ("U4-001", "U4", "New Town", "T2", "Township Two", "urban", 0.0),
    ]
    grids = gpd.GeoDataFrame(
        [dict(zip(("grid_id", "unit_id", "unit_name", "parent_id", "parent_name", "regime", "households"), r))
         for r in rows],
        geometry=[shapely.box(X0 + 1000 * i, Y0, X0 + 1000 * (i + 1), Y0 + 1000) for i in range(len(rows))], crs=CRS)
    grids.insert(1, "code", grids["grid_id"])
    points, counts, grid_of, elderly = [], [], [], []
    for i, r in enumerate(rows):
        if r[6] == 0:
            continue
        for k in range(3):  # three points per grid sharing its households
            points.append(shapely.Point(X0 + 1000 * i + 200 + 250 * k, Y0 + 300 + 150 * k))
            counts.append(r[6] / 3)
            grid_of.append(r[0])
            elderly.append(10 / 3 if r[0] == "U3-001" else 1.0)
    households = gpd.GeoDataFrame({"households": counts, "grid_id": grid_of, "elderly": elderly},
                                  geometry=points, crs=CRS)
    units = grids.dissolve("unit_id", as_index=False)[["unit_id", "unit_name", "geometry"]]
    return Plan(layers={"grids": grids, "units": units, "households": households}, meta={"config": {}})


def county_rules(**changes) -> StaffingConfig:
    rules = dict(
        worker_types={"full_time": {"base": 1000}, "part_time_1": {"base": 300},
                      "part_time": {"base": 250, "performance": 200, "phone": 50}},
        urban=[{"worker_type": "full_time", "method": "per_households", "households_per_worker": 300,
                "max_workers": 2},
               {"worker_type": "part_time_1", "method": "fixed", "workers": 1}],
        rural=[{"worker_type": "part_time", "method": "fixed", "workers": 1}],
        units={"Hillside": [{"worker_type": "part_time", "method": "workload", "households_per_worker": 50,
                             "weights": {"elderly": 2.0}}]},
    )
    rules.update(changes)
    return StaffingConfig.from_dict(rules)


# --------------------------------------------------------------------------- rules


def test_defaults_are_the_documented_pay():
    config = StaffingConfig()
    assert config.worker_types == DEFAULT_WORKER_TYPES
    assert config.monthly_pay("full_time") == 1000
    assert config.monthly_pay("part_time_1") == 300
    assert config.monthly_pay("part_time") == 500  # 250 + 200 performance + 50 phone
    assert config.urban[0].worker_type == "full_time" and config.rural[0].worker_type == "part_time"


@pytest.mark.parametrize("changes, message", [
    ({"worker_types": {"full_time": {"base": -1000}}},
     "staffing.worker_types.full_time.base: pay must be a number >= 0 yuan/month, got -1000"),
    ({"worker_types": {"full_time": {"base": 1000}, "part_time": {"base": 250, "phone": -50}}},
     "staffing.worker_types.part_time.phone: pay must be a number >= 0"),
    ({"worker_types": {"full_time": {}}}, "staffing.worker_types.full_time: expected a table"),
    ({"urban": [{"worker_type": "volunteer"}]},
     "staffing.urban[0].worker_type: unknown worker type 'volunteer'; "
     "known: ['full_time', 'part_time', 'part_time_1']"),
    ({"rural": [{"worker_type": "part_time", "workers": 0}]},
     "staffing.rural[0].workers: a grid needs at least 1 worker, got 0"),
    ({"rural": [{"worker_type": "part_time", "method": "per_households", "households_per_worker": 0}]},
     "staffing.rural[0].households_per_worker: must be a number > 0, got 0"),
    ({"rural": [{"worker_type": "part_time", "min_workers": 0}]},
     "staffing.rural[0].min_workers: a grid needs at least 1 worker, got 0"),
    ({"rural": [{"worker_type": "part_time", "min_workers": 3, "max_workers": 2}]},
     "staffing.rural[0].max_workers: must be 0 (no cap) or >= min_workers (3), got 2"),
    ({"rural": [{"worker_type": "part_time", "method": "by_magic"}]},
     "staffing.rural[0].method: expected one of ['fixed', 'per_households', 'workload'], got 'by_magic'"),
    ({"rural": [{"worker_type": "part_time", "method": "workload", "weights": {"elderly": -1}}]},
     "staffing.rural[0].weights.elderly: must be a number >= 0, got -1"),
    ({"rural": [{"worker_type": "part_time", "workerz": 2}]}, "staffing.rural[0]: unknown parameter(s) ['workerz']"),
    ({"rural": []}, "staffing.rural: expected one rule or a non-empty list of rules"),
    ({"units": {"Hillside": {"worker_type": "nobody"}}}, "staffing.units.Hillside[0].worker_type: unknown worker type"),
    ({"months_per_year": 0}, "staffing.months_per_year: expected an integer 1..14, got 0"),
    ({"salary": 5}, "staffing: unknown parameter(s) ['salary']"),
])
def test_bad_rules_name_the_parameter(changes, message):
    with pytest.raises(InputError) as info:
        StaffingConfig.from_dict(changes)
    assert message in str(info.value)


def test_toml_round_trip(tmp_path):
    config = county_rules(months_per_year=13)
    text = config.to_toml()
    assert StaffingConfig.from_dict(tomllib.loads(text)) == config
    # in a combined rules file, next to the partition's [plan] table
    path = tmp_path / "rules.toml"
    body = "\n".join(("[staffing." + line[1:] if line.startswith("[") and not line.startswith("[[")
                      else "[[staffing." + line[2:] if line.startswith("[[") else line) for line in text.splitlines())
    path.write_text("[plan]\nband = [300, 500]\n\n[staffing]\n" + body + "\n", encoding="utf-8")
    assert StaffingConfig.from_toml(path) == config
    path.write_text("[plan]\nband = [300, 500]\n", encoding="utf-8")
    assert StaffingConfig.from_toml(path) == StaffingConfig()  # no [staffing] table: defaults
    path.write_text("months_per_year = [", encoding="utf-8")
    with pytest.raises(InputError, match="not valid TOML"):
        StaffingConfig.from_toml(path)
    with pytest.raises(InputError, match="no such file"):
        StaffingConfig.from_toml(tmp_path / "missing.toml")


def test_rule_counts():
    rule = StaffingRule(worker_type="x", method="per_households", households_per_worker=300)
    assert rule.count(np.array([0, 1, 300, 301, 600, 601]), {}).tolist() == [1, 1, 1, 2, 2, 3]
    capped = StaffingRule(worker_type="x", method="per_households", households_per_worker=100, max_workers=3)
    assert capped.count(np.array([1000.0]), {}).tolist() == [3]
    workload = StaffingRule(worker_type="x", method="workload", households_per_worker=100, weights={"disabled": 5})
    assert workload.count(np.array([150.0, 150.0]), {"disabled": np.array([0.0, 11.0])}).tolist() == [2, 3]
    assert StaffingRule(worker_type="x", workers=3).count(np.array([5.0, 500.0]), {}).tolist() == [3, 3]


# --------------------------------------------------------------------------- staffing a plan


def test_budget_matches_a_hand_computation():
    plan = small_plan()
    staffed = staff_plan(plan, county_rules())
    workers = staffed.layers["workers"]
    per_grid = dict(zip(staffed.grids["grid_id"], staffed.grids["workers"]))
    # U1-001: ceil(650/300) = 3, capped at 2 full-time, + 1 part_time_1; U1-002: 1 + 1;
    # U2-001 (rural): 1 part_time; U3-001 (Hillside, workload): 90 + 2 x 10 elderly = 110
    # points / 50 = 3 part_time; U4-001 (urban, no households): min 1 full-time + 1 part_time_1.
    assert per_grid == {"U1-001": 3, "U1-002": 2, "U2-001": 1, "U3-001": 3, "U4-001": 2}
    assert workers["worker_type"].value_counts().to_dict() == {"part_time": 4, "full_time": 4, "part_time_1": 3}
    assert list(workers.loc[workers["grid_id"] == "U1-001", "worker_id"]) == ["U1-001-01", "U1-001-02", "U1-001-03"]

    table = budget_table(staffed).set_index("parent_name")
    # Township One: 3 full-time (3,000) + 2 part_time_1 (600) + 1 part_time (250 + 200 + 50)
    t1 = table.loc["Township One"]
    assert (t1["grids"], t1["workers"]) == (3, 6)
    assert (t1["base_month"], t1["performance_month"], t1["phone_month"], t1["total_month"]) == (3850, 200, 50, 4100)
    assert t1["total_year"] == 4100 * 12 and t1["base_year"] == 3850 * 12
    # Township Two: 1 full-time (1,000) + 1 part_time_1 (300) + 3 part_time (750 + 600 + 150)
    t2 = table.loc["Township Two"]
    assert (t2["base_month"], t2["performance_month"], t2["phone_month"], t2["total_month"]) == (2050, 600, 150, 2800)
    county = table.loc["county"]
    assert county["level"] == "county"
    assert (county["workers"], county["workers_full_time"], county["workers_part_time"],
            county["workers_part_time_1"]) == (11, 4, 4, 3)
    assert (county["base_month"], county["performance_month"], county["phone_month"]) == (5900, 800, 200)
    assert county["total_month"] == 6900 and county["total_year"] == 82_800
    meta = staffed.meta["staffing"]
    assert meta["monthly_yuan"] == {"base": 5900, "performance": 800, "phone": 200, "total": 6900}
    assert meta["yearly_yuan"]["total"] == 82_800
    assert StaffingConfig.from_dict(meta["config"]) == county_rules()

    thirteen = budget_table(staff_plan(plan, county_rules(months_per_year=13)))
    assert thirteen["total_year"].iloc[-1] == 6900 * 13


def test_staff_plan_is_pure_and_places_workers_at_bases():
    plan = small_plan()
    before = {k: v.copy() for k, v in plan.layers.items()}
    staffed = staff_plan(plan)
    assert set(plan.layers) == set(before) and "workers" not in plan.grids.columns
    for name, layer in before.items():
        pd.testing.assert_frame_equal(pd.DataFrame(plan.layers[name]), pd.DataFrame(layer))
    assert "staffing" not in plan.meta
    bases = staffed.layers["bases"]
    assert list(bases["grid_id"]) == list(plan.grids["grid_id"])
    assert set(bases["source"]) == {"computed"} and set(bases["method"]) == {"straight_line"}
    assert any("no roads" in note for note in staffed.meta["staffing"]["notes"])
    grid_geom = dict(zip(plan.grids["grid_id"], plan.grids.geometry))
    for grid_id, point in zip(bases["grid_id"], bases.geometry):
        assert grid_geom[grid_id].covers(point)
    base_at = dict(zip(bases["grid_id"], bases.geometry))
    workers = staffed.layers["workers"]
    assert all(base_at[g].equals(p) for g, p in zip(workers["grid_id"], workers.geometry))
    # defaults: one full-time per urban grid, one part-time per rural grid
    assert workers["worker_type"].tolist() == ["full_time", "full_time", "part_time", "part_time", "full_time"]


def test_given_bases_by_grid_id_and_by_location():
    plan = small_plan()
    given = gpd.GeoDataFrame({"grid_id": ["U1-002", "U3-001"]},
                             geometry=[shapely.Point(X0 + 1500, Y0 + 500), shapely.Point(X0 + 3100, Y0 + 900)],
                             crs=CRS).to_crs(4326)  # any CRS: reprojected
    staffed = staff_plan(plan, bases=given)
    bases = staffed.layers["bases"].set_index("grid_id")
    assert bases.loc["U1-002", "source"] == "given" and bases.loc["U1-001", "source"] == "computed"
    assert bases.loc["U3-001"].geometry.distance(shapely.Point(X0 + 3100, Y0 + 900)) < 0.01
    # without a grid_id column, matched to the grid each lies in; outside points are counted
    located = gpd.GeoDataFrame(geometry=[shapely.Point(X0 + 2500, Y0 + 500), shapely.Point(X0 - 5000, Y0)], crs=CRS)
    staffed = staff_plan(plan, bases=located)
    assert staffed.layers["bases"].set_index("grid_id").loc["U2-001", "source"] == "given"
    assert staffed.meta["staffing"]["bases"]["given"] == 1
    assert any("outside every grid" in note for note in staffed.meta["staffing"]["notes"])
    with pytest.raises(InputError, match="match no grid"):
        staff_plan(plan, bases=gpd.GeoDataFrame({"grid_id": ["nowhere"]}, geometry=[shapely.Point(X0, Y0)], crs=CRS))
    two = gpd.GeoDataFrame(geometry=[shapely.Point(X0 + 100, Y0 + 100), shapely.Point(X0 + 900, Y0 + 900)], crs=CRS)
    with pytest.raises(InputError, match="more than one base"):
        staff_plan(plan, bases=two)


def test_missing_workload_column_is_reported():
    plan = small_plan()
    plan.layers["households"] = plan.households.drop(columns="elderly")
    with pytest.warns(UserWarning, match="elderly"):
        staffed = staff_plan(plan, county_rules())
    assert any("elderly" in note for note in staffed.meta["staffing"]["notes"])
    # 90 households / 50 per worker = 2 (the 20 elderly points are missing)
    assert staffed.grids.set_index("grid_id").loc["U3-001", "workers"] == 2


def test_roster_and_budget_files(tmp_path):
    staffed = staff_plan(small_plan(), county_rules())
    roster_path = write_roster(staffed, tmp_path / "roster.csv")
    table = pd.read_csv(roster_path, encoding="utf-8-sig")
    assert len(table) == 11 and table["worker_id"].is_unique
    assert {"worker_id", "worker_type", "code", "base_x", "base_lon", "base_lat", "monthly_pay"} <= set(table.columns)
    assert table["monthly_pay"].sum() == 6900
    assert np.allclose(table["monthly_pay"], table[["pay_base", "pay_performance", "pay_phone"]].sum(axis=1))
    budget = pd.read_csv(write_budget(staffed, tmp_path / "budget.csv"), encoding="utf-8-sig")
    assert budget["total_month"].iloc[-1] == 6900
    assert roster(staffed)["base_lat"].between(29, 30).all()


def test_saved_plan_round_trip(tmp_path):
    staffed = staff_plan(small_plan(), county_rules())
    loaded = Plan.load(staffed.save(tmp_path / "plan.gpkg"))
    assert budget_table(loaded).equals(budget_table(staffed))
    assert loaded.meta["staffing"]["workers"] == 11


def test_unplanned_input_errors():
    plan = small_plan()
    with pytest.raises(InputError, match="no workers layer"):
        budget_table(plan)


def test_cli_staff(tmp_path):
    from gridmap.cli.staff_cmd import command

    path = small_plan().save(tmp_path / "plan.gpkg")
    rules = tmp_path / "rules.toml"
    rules.write_text(county_rules().to_toml(), encoding="utf-8")
    result = CliRunner().invoke(command, [str(path), "--config", str(rules), "--out", str(tmp_path / "out"), "-q",
                                          "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "6,900 yuan/month, 82,800 yuan/year" in result.output
    zh = CliRunner().invoke(command, [str(path), "--config", str(rules), "--out", str(tmp_path / "zh"), "-q",
                                      "--lang", "zh"])
    assert zh.exit_code == 0 and "6,900 元/月，82,800 元/年" in zh.output and "全县" in zh.output
    assert "Township One" in result.output
    for name in ("plan.gpkg", "roster.csv", "budget.csv"):
        assert (tmp_path / "out" / name).exists()
    assert "workers" in Plan.load(tmp_path / "out" / "plan.gpkg").layers
    assert "workers" not in Plan.load(path).layers  # --out leaves PLAN alone
    bad = tmp_path / "bad.toml"
    bad.write_text("[staffing.worker_types.full_time]\nbase = -5\n", encoding="utf-8")
    result = CliRunner().invoke(command, [str(path), "--config", str(bad), "-q"])
    assert result.exit_code != 0 and "base: pay must be a number >= 0" in str(result.exception)
