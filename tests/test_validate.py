"""Validation: each fault class planted in the real Liechtenstein grids is caught and located."""

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from click.testing import CliRunner

from gridmap.cli.main import EXIT_FAULTS, cli
from gridmap.errors import InputError
from gridmap.plan import Plan
from gridmap.validate import FAULT_CLASSES, ValidationRules, validate_grids, validate_plan

BAND = (300, 500)


@pytest.fixture(scope="module")
def li(li_plan):
    """Copies of the demo plan's layers (the session fixture stays untouched)."""
    return {name: li_plan.layers[name].copy() for name in ("grids", "area", "units", "households")}


def check(li, grids, **kw):
    kw.setdefault("band", BAND)
    return validate_grids(grids, area=li["area"], units=li["units"], **kw)


def found(faults, baseline=None):
    """(fault, grid_id, level) rows of ``faults`` not in ``baseline``."""
    rows = set(zip(faults.faults["fault"], faults.faults["grid_id"], faults.faults["level"]))
    if baseline is not None:
        rows -= set(zip(baseline.faults["fault"], baseline.faults["grid_id"], baseline.faults["level"]))
    return rows


@pytest.fixture(scope="module")
def baseline(li):
    return check(li, li["grids"])


def urban(grids):
    """Urban grids inside the band (the partitioner may leave some outside)."""
    return grids[(grids["regime"] == "urban") & grids["households"].between(*BAND)]


def neighbours(grids, same_unit: bool):
    """A pair of touching grids (row labels), in the same unit or in different units."""
    tree = shapely.STRtree(grids.geometry.values)
    a, b = tree.query(grids.geometry.values, predicate="touches")
    for i, j in zip(a, b):
        if i < j and (grids["unit_id"].iat[i] == grids["unit_id"].iat[j]) == same_unit \
                and grids["regime"].iat[i] == grids["regime"].iat[j] == "urban" \
                and shapely.length(shapely.intersection(grids.geometry.iat[i], grids.geometry.iat[j])) > 50:
            return grids.index[i], grids.index[j]
    raise AssertionError("no such pair")


# --------------------------------------------------------------------------- the real plan


def test_demo_plan_has_no_geometric_fault_and_its_errors_are_grids_it_flags(li_plan):
    faults = validate_plan(li_plan)
    classes = set(faults.faults["fault"])
    assert not classes & {"invalid_geometry", "gap", "outside_area", "overlap", "non_contiguous", "crosses_unit",
                          "unit_mismatch", "duplicate_code", "malformed_code"}
    flagged = set(li_plan.grids.loc[li_plan.grids["flag"] != "", "grid_id"])
    errors = faults.faults[faults.faults["level"] == "error"]
    assert set(errors["grid_id"]) <= flagged
    # islands (exclaves) under the band or empty are warnings, not errors
    islands = set(li_plan.grids.loc[li_plan.grids["regime"] == "island", "grid_id"])
    assert islands & set(faults.faults["grid_id"]) and not islands & set(errors["grid_id"])
    assert faults.checks["worker_without_grid"].startswith("skipped")
    summary = faults.summary
    assert list(summary["fault"]) == list(FAULT_CLASSES)
    assert summary["errors"].sum() == faults.errors


def test_baseline_is_the_plan_itself(li, baseline):
    assert not found(baseline) - {(f, g, lvl) for f, g, lvl in found(baseline) if f in ("out_of_band", "empty_grid")}


# --------------------------------------------------------------------------- planted faults


def test_gap_punched_in_a_grid_is_found_where_it_is(li, baseline):
    grids = li["grids"].copy()
    i = urban(grids).geometry.area.idxmax()
    hole = grids.geometry[i].representative_point().buffer(20)
    assert grids.geometry[i].contains(hole)
    grids.loc[i, "geometry"] = grids.geometry[i].difference(hole)
    faults = check(li, grids)
    assert found(faults, baseline) == {("gap", "", "error")}
    gap = faults.faults[faults.faults["fault"] == "gap"].iloc[0]
    assert gap["area_m2"] == pytest.approx(hole.area, rel=1e-6)
    assert gap.geometry.equals_exact(hole, 1e-6) or gap.geometry.symmetric_difference(hole).area < 1e-3
    assert gap["other_id"] == grids.loc[i, "grid_id"]


def test_overlap_is_found_with_its_area(li, baseline):
    grids = li["grids"].copy()
    i, j = neighbours(grids, same_unit=True)
    piece = grids.geometry[j].intersection(grids.geometry[i].buffer(15))
    grids.loc[i, "geometry"] = shapely.union_all([grids.geometry[i], piece])
    faults = check(li, grids)
    overlaps = faults.faults[faults.faults["fault"] == "overlap"]
    assert len(overlaps) == 1
    row = overlaps.iloc[0]
    assert {row["grid_id"], row["other_id"]} == {grids.loc[i, "grid_id"], grids.loc[j, "grid_id"]}
    assert row["area_m2"] == pytest.approx(piece.area, rel=1e-3) and row["level"] == "error"
    assert {f for f, _, _ in found(faults, baseline)} <= {"overlap", "non_contiguous"}


def test_grid_in_two_parts_is_non_contiguous_with_its_stray_part(li, baseline):
    grids = li["grids"].copy()
    u = urban(grids)
    for unit, group in u.groupby("unit_id"):
        far = [(a, b) for a in group.index for b in group.index if a < b
               and grids.geometry[a].distance(grids.geometry[b]) > 100]
        if far:
            i, j = far[0]
            break
    grids.loc[i, "geometry"] = shapely.union_all([grids.geometry[i], grids.geometry[j]])
    grids = grids.drop(index=j)
    faults = check(li, grids)
    assert found(faults, baseline) == {("non_contiguous", li["grids"].loc[i, "grid_id"], "error")}
    row = faults.faults[faults.faults["fault"] == "non_contiguous"].iloc[0]
    smaller = min(li["grids"].geometry[i].area, li["grids"].geometry[j].area)
    assert row["area_m2"] == pytest.approx(smaller, rel=1e-6)


def test_rural_grid_in_two_parts_is_a_warning(li):
    grids = li["grids"].copy()
    i = urban(grids).index[0]
    far = shapely.Point(grids.total_bounds[2] + 500, grids.total_bounds[3] + 500).buffer(30)
    grids.loc[i, "geometry"] = shapely.union_all([grids.geometry[i], far])
    grids.loc[i, "regime"] = "rural"
    faults = validate_grids(grids, band=BAND)
    row = faults.faults[faults.faults["fault"] == "non_contiguous"].iloc[0]
    assert row["level"] == "warning" and row["area_m2"] == pytest.approx(far.area, rel=1e-6)


def test_grid_across_a_unit_border_is_found(li, baseline):
    grids = li["grids"].copy()
    i, j = neighbours(grids, same_unit=False)
    grids.loc[i, "geometry"] = shapely.union_all([grids.geometry[i], grids.geometry[j]])
    grids = grids.drop(index=j)
    faults = check(li, grids)
    rows = faults.faults[faults.faults["fault"] == "crosses_unit"]
    assert len(rows) == 1 and rows.iloc[0]["level"] == "error"
    row = rows.iloc[0]
    units = {li["grids"].loc[i, "unit_id"], li["grids"].loc[j, "unit_id"]}
    assert row["grid_id"] == li["grids"].loc[i, "grid_id"] and row["other_id"] in units
    assert row["area_m2"] == pytest.approx(min(li["grids"].geometry[i].area, li["grids"].geometry[j].area), rel=1e-3)
    assert "crosses into" in row["detail"]


def test_grid_moved_into_another_unit_is_a_mismatch_and_a_wrong_code(li, baseline):
    grids = li["grids"].copy()
    i, j = neighbours(grids, same_unit=False)
    grids.loc[i, "unit_id"] = grids.loc[j, "unit_id"]
    faults = check(li, grids)
    new = found(faults, baseline)
    grid = grids.loc[i, "grid_id"]
    assert ("unit_mismatch", grid, "warning") in new and ("malformed_code", grid, "error") in new


def test_units_of_two_levels_are_each_checked(li):
    units = li["units"].assign(level=3)
    county = gpd.GeoDataFrame({"unit_id": ["li"], "name": ["Liechtenstein"], "level": [2]},
                              geometry=[shapely.union_all(units.geometry.values)], crs=units.crs)
    both = pd.concat([units, county], ignore_index=True)
    grids = li["grids"].copy()
    faults = validate_grids(grids, units=both)
    assert faults.checks["crosses_unit"] == "checked"
    assert not (faults.faults["fault"] == "crosses_unit").any()


def test_duplicate_code_is_found_on_both_grids(li, baseline):
    grids = li["grids"].copy()
    a, b = grids.index[:2]
    grids.loc[b, ["grid_id", "code"]] = grids.loc[a, ["grid_id", "code"]].to_numpy()
    faults = check(li, grids)
    dup = faults.faults[faults.faults["fault"] == "duplicate_code"]
    assert len(dup) == 2 and set(dup["grid_id"]) == {grids.loc[a, "grid_id"]}
    assert (dup["level"] == "error").all()


def test_malformed_code_is_found(li, baseline):
    grids = li["grids"].copy()
    i = grids.index[3]
    grids.loc[i, "code"] = "12345"
    faults = check(li, grids)
    assert found(faults, baseline) == {("malformed_code", grids.loc[i, "grid_id"], "error")}
    assert "5 digits" in faults.faults.loc[faults.faults["fault"] == "malformed_code", "detail"].item()
    # the reason is data, so the Chinese table says it in Chinese too
    zh = faults.details("zh")[faults.faults["fault"] == "malformed_code"].item()
    assert zh.startswith("编码 12345：5 位；网格编码为 15 位"), zh


def test_nbs_codes_are_checked_against_their_unit():
    units = gpd.GeoDataFrame({"unit_id": ["511822001001"]}, geometry=[shapely.box(0, 0, 100, 100)], crs=4547)
    grids = gpd.GeoDataFrame({"grid_id": ["511822001001001", "511822001001-002", "511822001002003"],
                              "unit_id": ["511822001001"] * 3},
                             geometry=[shapely.box(0, 0, 100, 30), shapely.box(0, 30, 100, 60),
                                       shapely.box(0, 60, 100, 100)], crs=4547)
    faults = validate_grids(grids, units=units)
    bad = faults.faults[faults.faults["fault"] == "malformed_code"]
    assert set(bad["grid_id"]) == {"511822001001-002", "511822001002003"}


def test_empty_grids(li, baseline):
    grids = li["grids"].copy()
    i, j = urban(grids).index[:2]
    grids.loc[i, "households"] = 0
    grids.loc[j, "geometry"] = None
    faults = check(li, grids)
    new = found(faults, baseline)
    assert ("empty_grid", grids.loc[i, "grid_id"], "error") in new
    assert ("empty_grid", grids.loc[j, "grid_id"], "error") in new
    assert ("gap", "", "error") in new  # where the grid without geometry was


def test_a_speck_of_a_grid_is_an_error(li, baseline):
    """A grid of 5e-20 m² (Puyang's demo had two, where roads nearly met at a vertex) is no grid
    to walk: an empty grid, an error that says its area."""
    grids = li["grids"].copy()
    grid = urban(grids).index[0]
    x, y = shapely.get_coordinates(grids.loc[grid, "geometry"].exterior)[0]
    speck = shapely.Polygon([(x, y), (x - 1e-4, y), (x, y - 1e-4)])
    grids = pd.concat([grids, grids.loc[[grid]].assign(grid_id="speck", code="speck", households=0.0,
                                                        geometry=[speck])], ignore_index=True)
    grids = gpd.GeoDataFrame(grids, geometry="geometry", crs=li["grids"].crs)
    faults = check(li, grids)
    assert ("empty_grid", "speck", "error") in found(faults, baseline)
    rows = faults.faults[faults.faults["grid_id"] == "speck"]
    assert any("m² (at most the tolerance, 1 m²)" in d for d in faults.details("en")[rows.index])


def test_one_atom_over_band_is_a_warning(li, baseline):
    # a grid that is one atom (a block nothing can split) over the band's top cannot be in
    # band: a warning that says so; the same households in a grid of two atoms stay an error
    grids = li["grids"].copy()
    i, j = urban(grids).index[:2]
    grids.loc[[i, j], "households"] = 900
    grids.loc[i, "atoms"] = 1
    grids.loc[j, "atoms"] = 2
    faults = check(li, grids)
    new = found(faults, baseline)
    assert ("out_of_band", grids.loc[i, "grid_id"], "warning") in new
    assert ("out_of_band", grids.loc[j, "grid_id"], "error") in new
    detail = faults.faults.loc[faults.faults["grid_id"] == grids.loc[i, "grid_id"], "detail"].iloc[0]
    assert "single atom" in detail


def test_out_of_band_the_plan_proves_unavoidable_is_a_warning(li, baseline):
    # gridmap's plans mark a grid whose part has no contiguous in-band split (an exhaustive
    # search, or the counts) in flag_proven; a heuristic's failure (False) stays an error.
    # The column as a GeoPackage, a CSV or a spreadsheet may hold it.
    assert li["grids"]["flag_proven"].dtype == bool
    grids = li["grids"].copy()
    i, j, k = urban(grids).index[:3]
    grids.loc[[i, j, k], "households"] = 620
    grids["flag_proven"] = grids["flag_proven"].astype(object)
    grids.loc[i, "flag_proven"], grids.loc[j, "flag_proven"], grids.loc[k, "flag_proven"] = True, "true", False
    faults = check(li, grids)
    new = found(faults, baseline)
    assert ("out_of_band", grids.loc[i, "grid_id"], "warning") in new
    assert ("out_of_band", grids.loc[j, "grid_id"], "warning") in new
    assert ("out_of_band", grids.loc[k, "grid_id"], "error") in new
    detail = faults.faults.loc[faults.faults["grid_id"] == grids.loc[i, "grid_id"], "detail"].iloc[0]
    assert "the plan proved that no contiguous in-band split" in detail
    # grids drawn elsewhere have no such column: an error, as before
    faults = check(li, grids.drop(columns="flag_proven"))
    assert ("out_of_band", grids.loc[i, "grid_id"], "error") in found(faults, baseline)


def test_households_out_of_band(li, baseline):
    grids = li["grids"].copy()
    i = urban(grids).index[0]
    k = grids.index[(grids["regime"] == "island") & (grids["households"] == 0)][0]
    grids.loc[[i, k], "households"] = 900
    faults = check(li, grids)
    new = found(faults, baseline)
    assert ("out_of_band", grids.loc[i, "grid_id"], "error") in new
    assert ("out_of_band", grids.loc[k, "grid_id"], "warning") in new
    assert "900 households > 500" in faults.faults.loc[faults.faults["grid_id"] == grids.loc[i, "grid_id"],
                                                       "detail"].iloc[0]


def test_households_are_recounted_from_points(li, baseline):
    grids = li["grids"].drop(columns="households")
    faults = check(li, grids, households=li["households"])
    assert faults.checks["out_of_band"] == "checked"
    assert any("households counted from the households layer" in n for n in faults.notes)
    assert found(faults) == found(baseline)  # the same counts as the plan's own column


def _staff(grids):
    points = grids.geometry.representative_point()
    ids = list(grids["grid_id"])  # a copy: editing the workers must not edit the grids
    workers = gpd.GeoDataFrame({"worker_id": [f"w{k}" for k in range(len(grids))], "worker_type": "part_time",
                                "grid_id": ids, "monthly_pay": 500.0}, geometry=points.to_numpy(), crs=grids.crs)
    bases = gpd.GeoDataFrame({"grid_id": list(ids)}, geometry=points.to_numpy(), crs=grids.crs)
    return workers, bases


def test_workers_without_grid_and_grids_without_worker(li, baseline):
    grids = li["grids"]
    workers, bases = _staff(grids)
    faults = check(li, grids, workers=workers, bases=bases)
    assert faults.checks["worker_without_grid"] == "checked" and not found(faults, baseline)
    i = urban(grids).index[0]
    workers.loc[0, "grid_id"] = "nowhere"
    workers = workers[workers["grid_id"] != grids.loc[i, "grid_id"]]
    empty = grids.index[grids["households"] == 0][0]
    workers = workers[workers["grid_id"] != grids.loc[empty, "grid_id"]]
    faults = check(li, grids, workers=workers, bases=bases)
    new = found(faults, baseline)
    assert ("grid_without_worker", grids.loc[i, "grid_id"], "error") in new
    assert ("grid_without_worker", grids.loc[empty, "grid_id"], "warning") in new
    stray = faults.faults[faults.faults["fault"] == "worker_without_grid"]
    assert len(stray) == 1 and stray.iloc[0]["other_id"] == "w0" and "nowhere" in stray.iloc[0]["detail"]
    assert stray.geometry.iloc[0].equals(workers.geometry.iloc[0])


def test_base_outside_its_grid(li, baseline):
    grids = li["grids"]
    workers, bases = _staff(grids)
    a, b = urban(grids).index[:2]
    bases.loc[a, "geometry"] = bases.geometry[b]
    faults = check(li, grids, workers=workers, bases=bases)
    rows = faults.faults[faults.faults["fault"] == "base_outside_grid"]
    assert len(rows) == 1 and rows.iloc[0]["grid_id"] == grids.loc[a, "grid_id"]
    assert rows.iloc[0]["level"] == "error" and "m outside grid" in rows.iloc[0]["detail"]


# --------------------------------------------------------------------------- synthetic layers


def clean_layers():
    """Two villages with NBS codes, two grids each, 400 households per grid, a worker and a base each."""
    crs = 4547
    units = gpd.GeoDataFrame({"unit_id": ["511822001001", "511822001002"], "name": ["城东社区", "城北社区"],
                              "level": 3}, geometry=[shapely.box(0, 0, 1000, 1000), shapely.box(1000, 0, 2000, 1000)],
                             crs=crs)
    boxes = [shapely.box(0, 500, 1000, 1000), shapely.box(0, 0, 1000, 500),
             shapely.box(1000, 500, 2000, 1000), shapely.box(1000, 0, 2000, 500)]
    codes = ["511822001001001", "511822001001002", "511822001002001", "511822001002002"]
    grids = gpd.GeoDataFrame({"grid_id": codes, "code": codes, "unit_id": [c[:12] for c in codes],
                              "regime": "urban", "households": 400.0}, geometry=boxes, crs=crs)
    rng = np.random.default_rng(0)
    xy = np.concatenate([rng.uniform(b.bounds[:2], b.bounds[2:], size=(400, 2)) for b in boxes])
    households = gpd.GeoDataFrame({"households": np.ones(len(xy))}, geometry=shapely.points(xy), crs=crs)
    area = gpd.GeoDataFrame({"name": ["荥经县"]}, geometry=[shapely.box(0, 0, 2000, 1000)], crs=crs)
    workers, bases = _staff(grids)
    return {"grids": grids, "units": units, "households": households, "area": area, "workers": workers,
            "bases": bases}


def test_clean_plan_has_no_fault_at_all():
    layers = clean_layers()
    plan = Plan(layers=layers, meta={"config": {"band": [300, 500]}})
    faults = validate_plan(plan)
    assert len(faults) == 0 and not faults.has_errors
    assert all(status == "checked" for status in faults.checks.values())


def test_invalid_geometry_is_located_and_repaired_for_the_rest():
    layers = clean_layers()
    grids = layers["grids"].copy()
    grids.loc[0, "geometry"] = shapely.Polygon([(0, 500), (1000, 1000), (1000, 500), (0, 1000)])  # bow-tie
    faults = validate_grids(grids, area=layers["area"])
    row = faults.faults[faults.faults["fault"] == "invalid_geometry"].iloc[0]
    assert row.geometry.geom_type == "Point" and row.geometry.distance(shapely.Point(500, 750)) < 1
    assert "Self-intersection" in row["detail"]
    assert (faults.faults["fault"] == "gap").sum() == 2  # the two triangles the bow-tie leaves uncovered


def test_gaps_without_area_are_holes_between_grids():
    layers = clean_layers()
    grids = layers["grids"].copy()
    grids.loc[0, "geometry"] = grids.geometry[0].difference(shapely.box(400, 700, 450, 750))
    grids.loc[1, "geometry"] = grids.geometry[1].difference(shapely.box(0, 0, 10, 10))  # on the edge: no hole
    faults = validate_grids(grids)
    gaps = faults.faults[faults.faults["fault"] == "gap"]
    assert len(gaps) == 1 and gaps.iloc[0]["area_m2"] == pytest.approx(2500)
    assert faults.checks["gap"].startswith("checked (holes")


def test_geographic_layer_is_projected_and_says_so():
    layers = clean_layers()
    grids = layers["grids"].copy()
    grids.loc[0, "geometry"] = grids.geometry[0].difference(shapely.box(400, 700, 450, 750))
    faults = validate_grids(grids.to_crs(4326), area=layers["area"].to_crs(4326))
    gaps = faults.faults[faults.faults["fault"] == "gap"]
    assert len(gaps) == 1 and gaps.iloc[0]["area_m2"] == pytest.approx(2500, rel=0.01)
    assert any("geographic CRS" in note for note in faults.notes)
    assert faults.faults.crs.is_projected


def test_rules_turn_classes_off_or_down(tmp_path):
    layers = clean_layers()
    grids = layers["grids"].assign(households=[900.0, 400.0, 400.0, 400.0])
    assert validate_grids(grids, band=BAND).has_errors
    rules = tmp_path / "rules.toml"
    rules.write_text('[plan]\nband = [300, 1000]\n[validate]\ntolerance_m2 = 5\nlevels = {overlap = "warning"}\n')
    parsed = ValidationRules.from_toml(rules)
    assert parsed.band == (300.0, 1000.0) and parsed.tolerance_m2 == 5 and parsed.levels == {"overlap": "warning"}
    plan = Plan(layers={"grids": grids}, meta={"config": {"band": [300, 500]}})
    assert not validate_plan(plan, rules).has_errors
    off = validate_plan(plan, {"validate": {"levels": {"out_of_band": "off"}}})
    assert not off.has_errors and off.checks["out_of_band"].startswith("skipped")
    with pytest.raises(InputError, match="unknown fault class"):
        ValidationRules(levels={"nope": "error"})
    with pytest.raises(InputError, match="band"):
        ValidationRules(band=(500, 300))


def test_bad_grids_are_input_errors():
    with pytest.raises(InputError, match="no features"):
        validate_grids(gpd.GeoDataFrame(geometry=[], crs=4547))
    with pytest.raises(InputError, match="CRS"):
        validate_grids(gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 1, 1)]))


def test_faults_geopackage_has_areas_points_and_summary(tmp_path, li):
    grids = li["grids"].copy()
    workers, bases = _staff(grids)
    workers.loc[0, "grid_id"] = "nowhere"
    grids.loc[grids.index[0], "code"] = "bad"
    faults = check(li, grids, workers=workers, bases=bases)
    path = faults.to_gpkg(tmp_path / "sub" / "faults.gpkg")
    layers = dict(pyogrio.list_layers(path))
    assert layers["faults"] == "MultiPolygon" and layers["fault_points"] == "Point" and "fault_summary" in layers
    areas = gpd.read_file(path, layer="faults")
    assert set(areas.columns) >= {"fault", "level", "grid_id", "detail", "area_m2", "geometry"}
    assert "malformed_code" in set(areas["fault"])
    assert list(tmp_path.joinpath("sub").iterdir()) == [path]  # no temporary file left


# --------------------------------------------------------------------------- command line


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def li_file(li_plan, tmp_path_factory):
    return li_plan.save(tmp_path_factory.mktemp("li") / "plan.gpkg")


def test_cli_plan_with_errors_exits_3_and_writes_faults(li_plan, tmp_path):
    # the real plan with its largest urban grid dropped: a gap, an error-level fault
    layers = dict(li_plan.layers)
    urban = layers["grids"][layers["grids"]["regime"] == "urban"]
    layers["grids"] = layers["grids"].drop(index=urban["households"].idxmax())
    path = Plan(layers=layers, meta=li_plan.meta).save(tmp_path / "plan.gpkg")
    code, out = run("validate", path, "--lang", "en")
    assert code == EXIT_FAULTS, out
    assert "gap" in out and "skipped: no workers layer" in out
    assert (tmp_path / "faults.gpkg").exists()


def test_cli_clean_plan_exits_0(tmp_path):
    Plan(layers=clean_layers(), meta={"config": {"band": [300, 500]}}).save(tmp_path / "plan.gpkg")
    code, out = run("validate", tmp_path / "plan.gpkg", "--out", tmp_path / "f.gpkg", "--lang", "en")
    assert code == 0, out
    assert "total" in out and (tmp_path / "f.gpkg").exists()


def test_cli_hand_drawn_layer(tmp_path):
    layers = clean_layers()
    drawn = layers["grids"].rename(columns={"grid_id": "WGBM", "households": "HS"}).drop(columns="code")
    drawn.loc[3, "geometry"] = shapely.box(1000, 0, 2000, 450)  # a 50 m strip left out
    drawn.loc[2, "HS"] = 650
    drawn.to_file(tmp_path / "drawn.shp")
    layers["units"].to_file(tmp_path / "villages.gpkg")
    code, out = run("validate", tmp_path / "drawn.shp", "--grid-id", "WGBM", "--households-column", "HS",
                    "--units", tmp_path / "villages.gpkg", "--band", 300, 500, "--out", tmp_path / "faults.gpkg")
    assert code == EXIT_FAULTS, out
    faults = gpd.read_file(tmp_path / "faults.gpkg", layer="faults")
    assert set(faults["fault"]) == {"gap", "out_of_band"}
    assert faults.loc[faults["fault"] == "gap", "area_m2"].item() == pytest.approx(50_000)
    code, out = run("validate", tmp_path / "drawn.shp", "--grid-id", "WGBM", "--households-column", "HS",
                    "--band", 300, 700, "--units", tmp_path / "villages.gpkg", "--tolerance", 60_000,
                    "--out", tmp_path / "faults.gpkg")
    assert code == 0, out


@pytest.mark.parametrize("args, message", [
    (["missing.gpkg"], "no such file"),
    (["{drawn}", "--grid-id", "NOPE"], "no column 'NOPE'"),
    (["{drawn}", "--rules", "missing.toml"], "no such file"),
    (["{drawn}", "--band", 500, 300], "band"),
])
def test_cli_bad_input_exits_2(tmp_path, args, message):
    clean_layers()["grids"].to_file(tmp_path / "drawn.gpkg")
    args = [str(a).replace("{drawn}", str(tmp_path / "drawn.gpkg")) for a in args]
    code, out = run("validate", *args, "--lang", "en")  # the messages are English; a Chinese locale reads Chinese
    assert code == 2, out
    assert "gridmap: error" in out and message in out


def test_grids_drawn_in_gcj02_are_shifted_before_the_checks(tmp_path):
    """Grids drawn on AMap (GCJ-02) against a WGS 84 county outline: ~350 m apart unless shifted."""
    from gridmap.gcj02 import geometry_to_wgs84
    from tests.conftest import DATA

    outline = gpd.read_file(DATA / "china" / "county_511822_gcj02.geojson").to_crs(4326)
    county = outline.geometry.iloc[0]
    # four grids drawn on AMap: the outline cut by two lines through its centre
    c = county.centroid
    x0, y0, x1, y1 = county.bounds
    quads = [shapely.box(x0, y0, c.x, c.y), shapely.box(c.x, y0, x1, c.y),
             shapely.box(x0, c.y, c.x, y1), shapely.box(c.x, c.y, x1, y1)]
    grids = gpd.GeoDataFrame({"grid_id": [f"yj-{i + 1:03d}" for i in range(4)]},
                             geometry=[county.intersection(q) for q in quads], crs=4326)
    grids.to_file(tmp_path / "grids_gcj02.gpkg")
    gpd.GeoDataFrame(geometry=geometry_to_wgs84(outline.geometry.values), crs=4326).to_file(tmp_path / "area.gpkg")
    code, out = run("validate", tmp_path / "grids_gcj02.gpkg", "--area", tmp_path / "area.gpkg",
                    "--out", tmp_path / "f1.gpkg", "--lang", "en")
    assert code == EXIT_FAULTS and "outside_area" in out
    unshifted = gpd.read_file(tmp_path / "f1.gpkg", layer="faults")
    assert {"gap", "outside_area"} <= set(unshifted["fault"])
    # edges cut inside the outline bend a little under the (non-linear) shift: slivers of
    # a few m² along the county border, noise at the 10 m² tolerance
    code, out = run("validate", tmp_path / "grids_gcj02.gpkg", "--area", tmp_path / "area.gpkg", "--gcj02", "grids",
                    "--tolerance", 10, "--out", tmp_path / "f2.gpkg")
    assert code == 0, out
    shifted = gpd.read_file(tmp_path / "f2.gpkg", layer="faults")
    assert not shifted["fault"].isin(["gap", "outside_area", "overlap"]).any()
    # the same grids drawn on Baidu Maps (BD-09): --bd09 grids
    from gridmap.gcj02 import gcj02_to_bd09

    bd09 = grids.set_geometry(shapely.transform(grids.geometry.values,
                                                lambda xy: np.column_stack(gcj02_to_bd09(xy[:, 0], xy[:, 1]))))
    bd09.to_file(tmp_path / "grids_bd09.gpkg")
    code, out = run("validate", tmp_path / "grids_bd09.gpkg", "--area", tmp_path / "area.gpkg", "--bd09", "grids",
                    "--tolerance", 10, "--out", tmp_path / "f3.gpkg")
    assert code == 0, out
    code, out = run("validate", tmp_path / "grids_bd09.gpkg", "--area", tmp_path / "area.gpkg", "--gcj02", "grids",
                    "--tolerance", 10, "--out", tmp_path / "f4.gpkg", "--lang", "en")
    assert code == EXIT_FAULTS and "outside_area" in out  # the wrong datum: ~600 m off


def test_cli_table_in_chinese_names_faults_in_chinese(tmp_path):
    Plan(layers=clean_layers(), meta={"config": {"band": [300, 500]}}).save(tmp_path / "plan.gpkg")
    code, out = run("validate", tmp_path / "plan.gpkg", "--out", tmp_path / "f.gpkg", "--lang", "zh")
    assert code == 0, out
    assert "合计" in out and "区域内空隙" in out and "注：户数按住户图层统计" in out
    for key in ("gap", "outside_area", "households layer", "total", "note"):
        assert key not in out, key
