"""gridmap adjust on the demo plan: a new estate re-cut locally, locked grids untouched."""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from click.testing import CliRunner

from gridmap.adjust import adjust_plan


def _estate(plan, grid_id, households=600.0, buildings=12):
    rng = np.random.default_rng(0)
    atoms = plan.atoms[plan.atoms["grid_id"] == grid_id]
    poly = atoms.geometry.loc[atoms.geometry.area.idxmax()]
    minx, miny, maxx, maxy = poly.bounds
    points = []
    while len(points) < buildings:
        p = shapely.Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if poly.contains(p):
            points.append(p)
    new = gpd.GeoDataFrame({"households": [households / buildings] * buildings}, geometry=points, crs=plan.crs)
    old = plan.households[["households", plan.households.geometry.name]]
    return gpd.GeoDataFrame(pd.concat([old, new], ignore_index=True), geometry="geometry", crs=plan.crs)


@pytest.fixture(scope="module")
def scenario(li_plan):
    grids = li_plan.grids
    urban = grids[(grids["regime"] == "urban") & grids["in_band"]].sort_values("grid_id")
    locked = list(urban["grid_id"].iloc[::5][:10])
    target = urban[~urban["grid_id"].isin(locked)].sort_values("area_km2")["grid_id"].iloc[len(urban) // 3]
    return locked, target, _estate(li_plan, target)


def test_new_estate_is_cut_locally_and_locks_hold(li_plan, scenario):
    locked, target, households = scenario
    result = adjust_plan(li_plan, households, lock=locked, restaff=False)
    old, new = li_plan.grids.set_index("grid_id"), result.plan.grids.set_index("grid_id")
    for g in locked:
        assert new.loc[g].geometry.equals_exact(old.loc[g].geometry, 0) and new.at[g, "code"] == old.at[g, "code"]
        assert new.at[g, "locked"]
    assert result.out_of_band_before == [target] and result.out_of_band_after == []
    assert result.households_kept_share >= 0.9
    assert target in result.update.changed and len(result.update.added) >= 1
    assert result.plan.households["households"].sum() == pytest.approx(households["households"].sum())
    assert new["households"].sum() == pytest.approx(households["households"].sum())
    untouched = [g for g in old.index if g not in result.update.changed and g not in result.update.retired]
    assert new.loc[untouched].geometry.geom_equals_exact(old.loc[untouched].geometry, 0).all()


def test_locked_grid_out_of_band_stays_as_it_is(li_plan, scenario):
    _, target, households = scenario
    result = adjust_plan(li_plan, households, lock=[target], restaff=False)
    old, new = li_plan.grids.set_index("grid_id"), result.plan.grids.set_index("grid_id")
    assert new.loc[target].geometry.equals_exact(old.loc[target].geometry, 0)
    assert new.at[target, "households"] == pytest.approx(old.at[target, "households"] + 600)
    assert result.households_kept_share == pytest.approx(1.0)


def test_cli_adjust(li_plan, scenario, tmp_path):
    from gridmap.cli.main import cli

    locked, _, households = scenario
    li_plan.save(tmp_path / "plan.gpkg")
    households.to_file(tmp_path / "hh.gpkg")
    (tmp_path / "locks.txt").write_text("# agreed with the street office\n" + "\n".join(locked) + "\n")
    run = CliRunner().invoke(cli, ["adjust", str(tmp_path / "plan.gpkg"), "--households", str(tmp_path / "hh.gpkg"),
                                   "--households-column", "households", "--lock-file", str(tmp_path / "locks.txt"),
                                   "--out", str(tmp_path / "out"), "-q", "--lang", "en"])
    assert run.exit_code == 0, run.output
    assert "keep their grid" in run.output and (tmp_path / "out" / "adjust.json").exists()
    run = CliRunner().invoke(cli, ["adjust", str(tmp_path / "plan.gpkg"), "--households", str(tmp_path / "hh.gpkg"),
                                   "--lock", "no-such-grid", "--out", str(tmp_path / "bad"), "-q"])
    assert run.exit_code == 2 and "no-such-grid" in run.output and not (tmp_path / "bad").exists()


def test_register_totals_rescale_and_adjust(li_plan, tmp_path):
    """--households-totals: the plan's points scaled to a village's new registered total."""
    from gridmap.adjust import read_new_households

    units = li_plan.units[["unit_id", "name", "households", "geometry"]].copy()
    grown = units["households"].idxmax()
    units.loc[grown, "households"] *= 1.2
    units.to_file(tmp_path / "register.gpkg")
    points = read_new_households(li_plan, totals=tmp_path / "register.gpkg")
    assert points["households"].sum() == pytest.approx(units["households"].sum(), rel=1e-6)
    result = adjust_plan(li_plan, points, restaff=False)
    assert result.out_of_band_after == [] or len(result.out_of_band_after) < len(result.out_of_band_before)
    assert result.households_kept_share >= 0.75


def test_register_table_rescales_by_unit_name(li_plan, tmp_path):
    """A register as a CSV of units by name (what a county keeps, and what gridmap run takes) was an
    internal error in adjust; now its rows name the plan's units and the households are scaled to them."""
    from gridmap.adjust import read_new_households

    units = li_plan.units.sort_values("households")
    grown, same = units.iloc[-1], units.iloc[-2]
    (tmp_path / "register.csv").write_text(
        f"名称,户数\n{grown['name']},{grown['households'] * 1.2:.1f}\n{same['name']},{same['households']:.1f}\n",
        encoding="gbk")
    points = read_new_households(li_plan, totals=tmp_path / "register.csv", totals_column="户数")
    assert points["households"].sum() == pytest.approx(li_plan.households["households"].sum()
                                                       + 0.2 * grown["households"], abs=0.5)
    inside = li_plan.atoms.loc[li_plan.atoms["unit_id"] == grown["unit_id"]].union_all()
    assert points[points.within(inside)]["households"].sum() == pytest.approx(grown["households"] * 1.2, abs=0.5)


def test_adjust_tells_edges_along_the_plans_paths_as_the_plan_did(li_plan):
    """The demo's block over the band was split along its footways and service roads: re-cutting
    (adjust's atom graph) prices an edge along one as make_plan did (cut weight of 'path'), not as
    an edge along nothing."""
    from gridmap.adjust import atom_graph, plan_lines
    from gridmap.config import DEFAULT_CUT_WEIGHTS

    lines = plan_lines(li_plan)
    assert len(lines) >= len(li_plan.layers["roads"]) and (shapely.get_type_id(lines) == 1).all()
    _, cut, _, _ = atom_graph(li_plan)
    along_path = np.isclose(cut.data, DEFAULT_CUT_WEIGHTS["path"])
    assert along_path.sum() >= 10
    split = li_plan.atoms["split_from"].to_numpy() >= 0
    rows = np.repeat(np.arange(cut.shape[0]), np.diff(cut.indptr))
    assert split[rows[along_path]].mean() > 0.5  # mostly between the split block's pieces
