"""Dedicated grids (专属网格) on the bundled extract: its schools, hospitals and industrial areas."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from gridmap.dedicated import DedicatedRule, carve_dedicated, carve_from_osm
from gridmap.errors import InputError
from gridmap.inputs.osm_areas import specific_areas_from_osm
from gridmap.presets import preset_path
from gridmap.validate import validate_plan
from tests.conftest import LIECHTENSTEIN


@pytest.fixture(scope="module")
def areas():
    return specific_areas_from_osm(LIECHTENSTEIN)


@pytest.fixture(scope="module")
def carved(li_plan, areas):
    return carve_dedicated(li_plan, areas, restaff=False)


def test_osm_areas_have_kinds(areas):
    assert {"school", "hospital", "industrial", "commercial"} <= set(areas["kind"])
    assert areas.crs.to_epsg() == 4326


def test_dedicated_grids_are_carved_locked_and_coded(li_plan, carved):
    grids = carved.plan.grids
    mine = grids[grids["regime"] == "dedicated"]
    counts = carved.counts()
    assert counts.get("school", 0) >= 5 and counts.get("industrial", 0) >= 5 and counts.get("hospital", 0) >= 1
    assert mine["locked"].all() and (mine["households"] <= 100).all()
    assert mine["code"].str[-3:].astype(int).between(901, 999).all()
    assert (mine["code"].str[:-4] == mine["unit_id"]).all()  # <unit>-9NN: their village's own series
    assert (grids.loc[grids["regime"] != "dedicated", "code"].str[-3:].astype(int) < 901).all()
    assert grids["households"].sum() == pytest.approx(li_plan.grids["households"].sum())
    faults = validate_plan(carved.plan)
    assert faults.errors == validate_plan(li_plan).errors == 0
    urban = grids[grids["regime"] == "urban"]
    assert urban["in_band"].mean() >= 0.95


def test_units_without_areas_keep_their_grids(li_plan, carved):
    touched = set(carved.plan.grids.loc[carved.plan.grids["regime"] == "dedicated", "unit_id"])
    old = li_plan.grids[~li_plan.grids["unit_id"].isin(touched)].set_index("grid_id")
    new = carved.plan.grids.set_index("grid_id").loc[old.index]
    assert new.geometry.geom_equals_exact(old.geometry, 0).all()


def test_rule_errors_name_the_parameter():
    with pytest.raises(InputError, match=r"dedicated.min_area_m2.school: must be a number >= 0 m²"):
        DedicatedRule(min_area_m2={"school": -1})
    with pytest.raises(InputError, match="dedicated.min_households"):
        DedicatedRule(min_households=200, max_households=100)


def test_wusheng_preset_carves_from_the_extract(li_plan):
    plan = carve_from_osm(li_plan, preset_path("wusheng"), LIECHTENSTEIN)
    assert (plan.grids["regime"] == "dedicated").sum() > 0
    assert plan.meta["dedicated"]["rule"]["kinds"][0] == "scenic"


def test_cli_dedicated_from_a_polygon_file(li_plan, areas, tmp_path):
    from gridmap.cli.main import cli

    li_plan.save(tmp_path / "plan.gpkg")
    parks = areas[areas["kind"] == "industrial"].rename(columns={"kind": "type"})
    parks.to_file(tmp_path / "parks.gpkg")
    run = CliRunner().invoke(cli, ["dedicated", str(tmp_path / "plan.gpkg"), "--areas", str(tmp_path / "parks.gpkg"),
                                   "--kind-column", "type", "--min-area", "50000", "--out", str(tmp_path / "out"),
                                   "-q", "--lang", "en"])
    assert run.exit_code == 0, run.output
    assert "industrial" in run.output and (tmp_path / "out" / "map.html").exists()


def test_cli_dedicated_with_no_area_meeting_a_grid(li_plan, areas, tmp_path):
    """Areas that meet no grid carve nothing: the plan is written unchanged and said so (it ended in an
    internal error after writing the plan: the grids of an uncarved plan have no dedicated kind)."""
    import shapely

    from gridmap.cli.main import cli

    li_plan.save(tmp_path / "plan.gpkg")
    near = areas.iloc[:2].to_crs(4326)
    far = near.set_geometry([shapely.affinity.translate(g, 3.0, 0.0) for g in near.geometry], crs=4326)  # 3° east
    far.to_file(tmp_path / "far.gpkg")
    run = CliRunner().invoke(cli, ["dedicated", str(tmp_path / "plan.gpkg"), "--areas", str(tmp_path / "far.gpkg"),
                                   "--out", str(tmp_path / "out"), "-q", "--lang", "en"])
    assert run.exit_code == 0, run.output
    assert "internal error" not in run.output and (tmp_path / "out" / "plan.gpkg").exists()
