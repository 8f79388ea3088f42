"""The five real county schemes run end to end on the demo data, with budgets that follow their rules."""
import math

import pytest
from click.testing import CliRunner

import gridmap
from gridmap.cli.main import cli
from gridmap.presets import list_presets, preset_path
from tests.conftest import LIECHTENSTEIN

NAMES = ["dafang", "etuokeqian", "pengxi", "wusheng", "yingjing"]


def test_five_presets_are_bundled():
    assert [p["name"] for p in list_presets()] == NAMES
    for preset in list_presets():
        assert preset["county_code"] in preset["title"] or len(preset["county_code"]) == 6
        assert preset["scheme"]


def test_unknown_preset_is_a_clear_error():
    with pytest.raises(gridmap.InputError, match="no preset named 'atlantis'"):
        preset_path("atlantis")
    result = CliRunner().invoke(cli, ["run", "--preset", "atlantis", "--osm", str(LIECHTENSTEIN), "--lang", "zh",
                                      "--out", "never"])
    assert result.exit_code == 2
    assert result.output.strip() == ("gridmap: error: 预设：没有名为 'atlantis' 的预设；内置预设："
                                     "dafang, etuokeqian, pengxi, wusheng, yingjing")


def test_presets_are_listed_in_the_readers_language():
    """Every preset's scheme is told in Chinese and in English; ``gridmap presets --lang`` picks one."""
    for preset in list_presets():
        assert any("\u4e00" <= c <= "\u9fff" for c in preset["scheme_zh"])
        assert preset["scheme_zh"].count("元") >= 1 or preset["name"] == "dafang" or "报酬" in preset["scheme_zh"]
    zh = CliRunner().invoke(cli, ["presets", "--lang", "zh"])
    en = CliRunner().invoke(cli, ["presets", "--lang", "en"])
    assert zh.exit_code == en.exit_code == 0
    assert "每个行政村一个网格" in zh.output and "one grid per administrative village" not in zh.output
    assert "one grid per administrative village" in en.output and "每个行政村一个网格" not in en.output
    # the names, titles and codes are the same in both
    assert [line.split()[0] for line in zh.output.splitlines() if not line.startswith(" ")] == NAMES
    assert [line.split()[0] for line in en.output.splitlines() if not line.startswith(" ")] == NAMES


@pytest.fixture(scope="module")
def preset_plan(li_inputs):
    """The demo county partitioned under the presets' shared [plan] rules (density-classed units)."""
    configs = [gridmap.PlanConfig.from_toml(preset_path(n)) for n in NAMES]
    # all but Etuokeqian (which adds gachas to the rural names) have the same plan rules,
    # apart from Wusheng's rural grids by settlement (tested below)
    assert configs[NAMES.index("wusheng")].rural.grids == "settlement"
    same = [c.replace(rural=gridmap.PlanConfig().rural) for c in configs]
    assert sum(c != same[-1] for c in same) == 1
    return gridmap.make_plan(li_inputs, gridmap.PlanConfig.from_toml(preset_path("yingjing")))


@pytest.fixture(scope="module", params=NAMES)
def staffed(request, preset_plan):
    path = preset_path(request.param)
    plan = gridmap.staff_and_reach(preset_plan, staffing=gridmap.StaffingConfig.from_toml(path, bare=False),
                                   reach=gridmap.ReachConfig.from_toml(path, bare=False))
    return request.param, plan


def _expected_workers(name, grids):
    """Workers per type as each scheme's rules say, counted by hand from the grids."""
    grids = grids[grids["regime"] != "island"]  # served by the worker of a neighbouring grid
    urban = grids[grids["regime"] == "urban"]
    other = grids[grids["regime"] != "urban"]
    if name == "yingjing":
        return {"part_time": len(grids)}
    if name == "dafang":
        return {"workroom": len(grids)}
    if name == "etuokeqian":
        return {"full_time": len(grids)}
    if name == "pengxi":
        second = sum(max(1, math.ceil(h / 100 - 1e-9)) for h in other["households"])
        return {"full_time": len(urban), "part_time_1": len(other), "part_time_2": second}
    if name == "wusheng":
        return {"full_time": sum(max(1, math.ceil(h / 400 - 1e-9)) for h in urban["households"]),
                "part_time": sum(max(1, math.ceil(h / 300 - 1e-9)) for h in other["households"])}


PAY = {  # yuan per month by worker type, from the schemes
    "yingjing": {"part_time": 500.0},
    "dafang": {"workroom": 1000.0},
    "etuokeqian": {"full_time": 2000.0},
    "pengxi": {"full_time": 1000.0, "part_time_1": 300.0, "part_time_2": 100.0},
    "wusheng": {"full_time": 1000.0, "part_time": 300.0},
}


def test_preset_staffing_and_budget_follow_the_scheme(staffed):
    name, plan = staffed
    expected = _expected_workers(name, plan.grids)
    by_type = plan["workers"]["worker_type"].value_counts().to_dict()
    assert by_type == {k: v for k, v in expected.items() if v}
    monthly = sum(n * PAY[name][t] for t, n in expected.items())
    assert plan.meta["staffing"]["monthly_yuan"]["total"] == pytest.approx(monthly)
    assert plan.meta["staffing"]["yearly_yuan"]["total"] == pytest.approx(12 * monthly)


def test_island_grids_are_served_by_a_grid_of_their_unit(staffed):
    _, plan = staffed
    grids = plan.grids.set_index("grid_id")
    islands = grids[grids["regime"] == "island"]
    assert len(islands) and (islands["workers"] == 0).all()
    hosts = grids.loc[islands["served_by"]]
    assert (hosts["unit_id"].to_numpy() == islands["unit_id"].to_numpy()).all()
    assert (hosts["workers"] > 0).all()


def test_preset_components_are_kept_apart(staffed):
    name, plan = staffed
    monthly = plan.meta["staffing"]["monthly_yuan"]
    if name == "yingjing":   # 250 base + 200 performance + 50 phone allowance
        n = len(plan["workers"])
        assert (monthly["base"], monthly["performance"], monthly["phone"]) == (250.0 * n, 200.0 * n, 50.0 * n)
    if name == "dafang":     # 60% township and workroom, 40% departments
        assert monthly["township_assessment"] == pytest.approx(0.6 * monthly["total"])
    if name == "etuokeqian":  # 60% base, 40% performance
        assert monthly["base"] == pytest.approx(0.6 * monthly["total"])


def test_preset_reach_uses_the_scheme_circles(staffed):
    name, plan = staffed
    reach = plan.meta["reach"]
    assert reach["config"]["minutes_urban"] == 10 and reach["config"]["minutes_rural"] == 30
    assert 0.5 < reach["county"]["share"] <= 1.0


@pytest.mark.slow
def test_run_with_a_preset_writes_every_output(tmp_path):
    result = CliRunner().invoke(cli, ["run", "--preset", "yingjing", "--osm", str(LIECHTENSTEIN),
                                      "--area-name", "Liechtenstein", "--out", str(tmp_path), "-q"])
    assert result.exit_code == 0, result.output
    for name in ("plan.gpkg", "summary.json", "roster.csv", "budget.csv", "faults.gpkg", "map.html", "report.html"):
        assert (tmp_path / name).stat().st_size > 0, name
    assert "经费" in result.output and "覆盖" in result.output  # zh unless the locale asks otherwise
    assert (tmp_path / "grids.xlsx").stat().st_size > 0 and (tmp_path / "grids.csv").read_bytes()[:3] == b"\xef\xbb\xbf"


def test_wusheng_countryside_by_settlement(li_inputs, preset_plan):
    plan = gridmap.make_plan(li_inputs, gridmap.PlanConfig.from_toml(preset_path("wusheng")))
    rural = plan.grids[plan.grids["regime"] == "rural"]
    assert set(rural["rule"]) == {"settlement"}
    assert set(preset_plan.grids.loc[preset_plan.grids["regime"] == "rural", "rule"]) == {"village"}
    # Triesenberg's countryside (the rest of the village beside its dense core): hamlets
    hamlets = [(p.grids["unit_name"].eq("Triesenberg") & p.grids["regime"].eq("rural")).sum() for p in (preset_plan, plan)]
    assert 0 < hamlets[0] < hamlets[1]
    assert (rural["households"] >= 50).all()
