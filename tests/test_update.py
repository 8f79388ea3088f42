"""gridmap update: edits applied to the demo plan (Liechtenstein), rules checked, codes kept."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from gridmap.edits import Edits, assign_by_polygons, read_edits, write_edits
from gridmap.graph import shared_edges
from gridmap.update import atom_adjacency, regrid, update_plan, with_locks
from gridmap.validate import validate_plan


@pytest.fixture(scope="module")
def adjacency(li_plan):
    return atom_adjacency(li_plan.atoms)


def _border_move(plan):
    """An atom on the border of two urban grids of one unit whose move keeps both in band and in one piece."""
    atoms, grids = plan.atoms, plan.grids.set_index("grid_id")
    i, j, _, _ = shared_edges(atoms.geometry.to_numpy())
    g, u, h = atoms["grid_id"].to_numpy(), atoms["unit_id"].to_numpy(), atoms["households"].to_numpy()
    adjacency = atom_adjacency(atoms)
    from gridmap.update import _pieces

    for a, b in zip(np.r_[i, j], np.r_[j, i]):
        if g[a] == g[b] or u[a] != u[b] or h[a] < 5 or (grids.loc[[g[a], g[b]], "regime"] != "urban").any():
            continue
        if grids.at[g[a], "households"] - h[a] >= 300 and grids.at[g[b], "households"] + h[a] <= 500:
            rest = np.flatnonzero((g == g[a]) & (np.arange(len(g)) != a))
            if _pieces(adjacency, rest).max() == 0:
                return int(atoms["atom_id"].iloc[a]), g[a], g[b], float(h[a])
    raise AssertionError("no movable atom")


def test_move_between_grids_recounts_and_keeps_codes(li_plan, adjacency):
    atom, source, target, households = _border_move(li_plan)
    edits = Edits(pd.DataFrame({"atom_id": [atom], "grid_id": [target]}), source="test")
    result = update_plan(li_plan, edits, adjacency=adjacency)
    assert result.ok and result.moved_atoms == 1
    assert sorted(result.changed) == sorted([source, target]) and not result.added and not result.retired
    old = li_plan.grids.set_index("grid_id")
    new = result.plan.grids.set_index("grid_id")
    assert new.at[source, "households"] == pytest.approx(old.at[source, "households"] - households)
    assert new.at[target, "households"] == pytest.approx(old.at[target, "households"] + households)
    assert set(new.index) == set(old.index) and (new["code"] == new.index).all()
    same = [g for g in old.index if g not in (source, target)]
    assert new.loc[same].geometry.geom_equals_exact(old.loc[same].geometry, 0).all()
    hh = result.plan.households
    assert hh.groupby("grid_id")["households"].sum().reindex(new.index).fillna(0).to_numpy() == pytest.approx(
        new["households"].to_numpy())
    assert validate_plan(result.plan).errors == validate_plan(li_plan).errors


def test_move_across_a_unit_border_is_reported(li_plan, adjacency):
    atoms = li_plan.atoms
    i, j, _, _ = shared_edges(atoms.geometry.to_numpy())
    u, g = atoms["unit_id"].to_numpy(), atoms["grid_id"].to_numpy()
    k = next(n for n in range(len(i)) if u[i[n]] != u[j[n]])
    edits = Edits(pd.DataFrame({"atom_id": [int(atoms["atom_id"].iloc[i[k]])], "grid_id": [g[j[k]]]}))
    result = update_plan(li_plan, edits, restaff=False, adjacency=adjacency)
    crossing = [f for f in result.faults if f.rule == "crosses_unit"]
    assert crossing and crossing[0].grid_id == g[j[k]]
    assert int(atoms["atom_id"].iloc[i[k]]) in crossing[0].atoms
    assert result.plan.grids.set_index("grid_id").at[g[j[k]], "flag"] == "crosses_unit"


def test_grid_in_pieces_is_reported(li_plan, adjacency):
    atoms = li_plan.atoms
    grid = li_plan.grids[li_plan.grids["regime"] == "urban"]["grid_id"].iloc[0]
    unit = atoms.loc[atoms["grid_id"] == grid, "unit_id"].iloc[0]
    mine = atoms[atoms["grid_id"] == grid]
    # an atom of the same unit that touches no atom of the grid
    rows = adjacency[mine.index.to_numpy()].tocoo().col
    touching = set(rows) | set(mine.index)
    far = atoms[(atoms["unit_id"] == unit) & ~atoms.index.isin(list(touching))].index[0]
    edits = Edits(pd.DataFrame({"atom_id": [int(atoms.at[far, "atom_id"])], "grid_id": [grid]}))
    result = update_plan(li_plan, edits, restaff=False, adjacency=adjacency)
    assert any(f.rule == "non_contiguous" and f.grid_id == grid for f in result.faults)


def test_locked_grid_refuses_edits_and_new_grid_gets_next_serial(li_plan, adjacency):
    atom, source, target, _ = _border_move(li_plan)
    locked = with_locks(li_plan, [source])
    result = update_plan(locked, Edits(pd.DataFrame({"atom_id": [atom], "grid_id": [target]})), restaff=False,
                         adjacency=adjacency)
    assert [f.rule for f in result.faults if f.grid_id == source] == ["locked_edited"]
    # a new grid id: the next serial after the unit's highest
    unit = li_plan.grids.set_index("grid_id").at[source, "unit_id"]
    serials = [int(c[-3:]) for c in li_plan.grids.loc[li_plan.grids["unit_id"] == unit, "code"]]
    result = update_plan(li_plan, Edits(pd.DataFrame({"atom_id": [atom], "grid_id": ["brand new"]}),
                                        locked={"brand new"}), restaff=False, adjacency=adjacency)
    code = result.renamed["brand new"]
    assert code == f"{unit}-{max(serials) + 1:03d}" and result.added == [code]
    assert result.plan.grids.set_index("grid_id").at[code, "locked"]
    # a grid retired by an edit: its serial is never given again
    members = li_plan.atoms.loc[li_plan.atoms["grid_id"] == source, "atom_id"].astype(int)
    gone = regrid(li_plan, li_plan.atoms["grid_id"].where(li_plan.atoms["grid_id"] != source, target).to_numpy(),
                  adjacency=adjacency)
    assert source in gone.retired and len(members) > 0
    again = update_plan(gone.plan, Edits(pd.DataFrame({"atom_id": [int(members.iloc[0])], "grid_id": ["x"]})),
                        restaff=False, adjacency=adjacency)
    assert again.renamed["x"] != source


@pytest.mark.parametrize("suffix", [".gpkg", ".geojson"])
def test_edits_file_round_trip(li_plan, tmp_path, suffix):
    log = [{"seq": 1, "time": "2026-12-01T10:00:00Z", "action": "move", "atom_id": 3, "from_grid": "a",
            "to_grid": "b", "note": "street office walk"}]
    grid = li_plan.grids["grid_id"].iloc[0]
    path = write_edits(li_plan.atoms, tmp_path / f"edits{suffix}", locked=[grid], change_log=log)
    edits = read_edits(path)
    assert len(edits.assignment) == len(li_plan.atoms) and edits.locked == {grid}
    assert edits.change_log[0]["note"] == "street office walk" and edits.change_log[0]["atom_id"] == 3
    assert (edits.assignment["grid_id"].to_numpy() == li_plan.atoms["grid_id"].to_numpy()).all()


def test_redrawn_polygons_assign_atoms_by_area(li_plan):
    edits = assign_by_polygons(li_plan.atoms, li_plan.grids)
    assert (edits.assignment["grid_id"].to_numpy() == li_plan.atoms["grid_id"].astype(str).to_numpy()).all()


def test_bad_edits_file_names_row_and_fix(tmp_path, li_plan):
    from gridmap.errors import InputError

    frame = li_plan.atoms[["atom_id", "grid_id", "geometry"]].head(3).copy()
    frame["grid_id"] = ["", "a", "b"]
    frame.to_file(tmp_path / "bad.gpkg")
    with pytest.raises(InputError, match="row 1 .*empty grid_id"):
        read_edits(tmp_path / "bad.gpkg")
    with pytest.raises(InputError, match="atom 999999 is not an atom of the plan"):
        update_plan(li_plan, Edits(pd.DataFrame({"atom_id": [999999], "grid_id": ["a"]})), restaff=False)


def test_cli_update_writes_or_refuses(li_plan, tmp_path):
    from gridmap.cli.main import cli

    li_plan.save(tmp_path / "plan.gpkg")
    atom, source, target, _ = _border_move(li_plan)
    atoms = li_plan.atoms[["atom_id", "grid_id", "geometry"]].copy()
    atoms.loc[atoms["atom_id"] == atom, "grid_id"] = target
    atoms.to_file(tmp_path / "edits.gpkg", layer="atoms")
    run = CliRunner().invoke(cli, ["update", str(tmp_path / "plan.gpkg"), "--atoms", str(tmp_path / "edits.gpkg"),
                                   "--lock", target, "--out", str(tmp_path / "ok"), "-q", "--lang", "en"])
    assert run.exit_code == 0, run.output
    assert "2 changed" in run.output
    for name in ("plan.gpkg", "summary.json", "update.json", "map.html", "report.html", "faults.gpkg"):
        assert (tmp_path / "ok" / name).exists()
    # a grid in two villages: refused, nothing written
    other = li_plan.atoms.loc[li_plan.atoms["unit_id"] != li_plan.atoms.loc[li_plan.atoms["atom_id"] == atom,
                                                                          "unit_id"].iloc[0], "atom_id"].iloc[0]
    atoms.loc[atoms["atom_id"] == other, "grid_id"] = target
    atoms.to_file(tmp_path / "bad.gpkg", layer="atoms")
    run = CliRunner().invoke(cli, ["update", str(tmp_path / "plan.gpkg"), "--atoms", str(tmp_path / "bad.gpkg"),
                                   "--out", str(tmp_path / "bad"), "-q"])
    assert run.exit_code == 3 and "crosses_unit" in run.output and not (tmp_path / "bad").exists()


def test_editor_export_is_read(tmp_path, li_plan):
    import json

    atoms = li_plan.atoms.head(2)
    grid = str(atoms["grid_id"].iloc[0])
    document = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"atom_id": int(a), "grid_id": g, "locked": False}, "geometry": None}
        for a, g in zip(atoms["atom_id"], [grid, "u-new-1"])],
        "gridmap": {"format": "gridmap-edits", "version": 1, "locked": [grid],
                    "changes": [{"kind": "move", "time": "t", "moves": [{"atom_id": 1, "from": grid, "to": "u-new-1"}]},
                                {"kind": "lock", "time": "t", "grid_id": grid, "locked": True}]}}
    (tmp_path / "edits.geojson").write_text(json.dumps(document))
    edits = read_edits(tmp_path / "edits.geojson")
    assert edits.locked == {grid}
    assert [(r["action"], r["atom_id"], r["to_grid"]) for r in edits.change_log] == [("move", 1, "u-new-1"),
                                                                                    ("lock", None, grid)]


def test_lock_file_forms(tmp_path):
    from gridmap.update import read_lock_file

    (tmp_path / "agreed.txt").write_text("# agreed on 2027-03-01\nA-001\n\nB-002  # lane checked\n", encoding="utf-8")
    assert read_lock_file(tmp_path / "agreed.txt") == ["A-001", "B-002"]
    (tmp_path / "agreed.csv").write_text("grid_id,locked\nA-001,1\nB-002,0\n", encoding="utf-8")
    assert read_lock_file(tmp_path / "agreed.csv") == ["A-001"]


def test_edits_as_csv(li_plan, tmp_path):
    atoms = li_plan.atoms
    (tmp_path / "edits.csv").write_text("atom_id,grid_id\n" + f"{int(atoms['atom_id'].iloc[0])},"
                                        f"{atoms['grid_id'].iloc[0]}\n", encoding="utf-8")
    edits = read_edits(tmp_path / "edits.csv")
    assert edits.assignment["atom_id"].tolist() == [int(atoms["atom_id"].iloc[0])] and edits.locked is None


def test_new_grid_takes_the_regime_of_the_grid_its_households_come_from():
    """A grid cut from a mixed unit is urban when its households come from the town seat's grids and
    rural when they come from the countryside; never 'mixed', which validate would hold to the band."""
    import numpy as np
    import pandas as pd

    from gridmap.update import _regime_of_new_grid

    old_rows = pd.DataFrame({"regime": ["urban", "rural", "island"]}, index=["u-001", "u-002", "u-003"])
    units = pd.DataFrame({"regime": ["mixed"]}, index=["u"])
    town = _regime_of_new_grid(np.array(["u-001", "u-001", "u-002"]), np.array([200.0, 150.0, 20.0]),
                               old_rows, units, "u")
    country = _regime_of_new_grid(np.array(["u-001", "u-002", "u-002"]), np.array([10.0, 60.0, 80.0]),
                                  old_rows, units, "u")
    cut_off = _regime_of_new_grid(np.array(["u-003"]), np.array([5.0]), old_rows, units, "u")
    assert (town, country, cut_off) == ("urban", "rural", "urban")
