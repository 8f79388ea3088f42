"""The plan editor's page: its data, escaping and the `gridmap edit` command (no browser needed)."""
from __future__ import annotations

import json
import re

import numpy as np
import pytest
from click.testing import CliRunner

from gridmap.cli.main import cli
from gridmap.editor import editor_html, editor_payload
from gridmap.plan import Plan


def _data(page: str) -> dict:
    match = re.search(r'<script type="application/json" id="gm-data">(.*?)</script>', page, re.DOTALL)
    assert match, "the page carries its data"
    return json.loads(match.group(1))


def test_payload_holds_every_atom_and_household(li_plan):
    payload = editor_payload(li_plan)
    atoms = li_plan.atoms
    assert len(payload["atoms"]["id"]) == len(atoms)
    assert sum(payload["atoms"]["hh"]) == pytest.approx(float(atoms["households"].sum()), abs=1e-2)
    # every atom sits in its plan grid, and the grids' recounts equal the plan's households per grid
    grids = [g["id"] for g in payload["grids"]]
    assert [grids[k] for k in payload["atoms"]["grid"]] == atoms["grid_id"].astype(str).tolist()
    sums = np.zeros(len(grids))
    np.add.at(sums, payload["atoms"]["grid"], payload["atoms"]["hh"])
    plan_hh = li_plan.grids.set_index("grid_id")["households"].reindex(grids).to_numpy(float)
    assert np.allclose(sums, plan_hh, atol=0.05)
    # adjacency is symmetric and every atom of a unit with more than one atom has a neighbour
    nb = payload["atoms"]["nb"]
    assert all(a in nb[b] for a in range(len(nb)) for b in nb[a])
    assert sum(len(n) for n in nb) > len(nb)
    # outlines decode to closed rings around the atom's inner point
    ring = np.cumsum(np.array(payload["atoms"]["geo"][0][0][0]).reshape(-1, 2), axis=0) / 1e6
    assert np.allclose(ring[0], ring[-1])
    assert payload["band"] == [300.0, 500.0]


def test_names_are_data_not_html(li_plan):
    plan = Plan(layers=dict(li_plan.layers), meta=dict(li_plan.meta))
    grids = plan.grids.copy()
    grids.loc[grids.index[0], "unit_name"] = '</script><img src=x onerror="alert(1)">'
    grids.loc[grids.index[0], "code"] = "<b>&code"
    units = plan.units.copy()
    units.loc[units["unit_id"] == grids["unit_id"].iloc[0], "name"] = '</script><img src=x onerror="alert(1)">'
    plan.layers["grids"], plan.layers["units"] = grids, units
    page = editor_html(plan, lang="en")
    assert "<img" not in page and "<b>&code" not in page
    data = _data(page)
    assert data["grids"][0]["code"] == "<b>&code"
    assert '</script><img src=x onerror="alert(1)">' in [u["name"] for u in data["units"]]
    assert "innerHTML" not in page.split('id="gm-data"')[1]  # the editor's script writes text only


def test_edit_command_writes_one_offline_file(li_plan, tmp_path):
    plan_path = li_plan.save(tmp_path / "plan.gpkg")
    out = tmp_path / "editor.html"
    result = CliRunner().invoke(cli, ["edit", str(plan_path), "--out", str(out), "--lang", "zh"])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "网格编辑" in page and "Leaflet" in page
    # nothing is loaded from the network (Leaflet's own attribution link is a link, not a load)
    assert not re.search(r'src=["\']https?://|url\(["\']?https?://|@import', page)
    assert f"{len(li_plan.atoms)} 个地块" in result.output  # (the summary in the command's language)


def test_edit_needs_atoms(li_plan, tmp_path):
    plan = Plan(layers={"grids": li_plan.grids}, meta={})
    path = plan.save(tmp_path / "grids_only.gpkg")
    out = tmp_path / "editor.html"
    result = CliRunner().invoke(cli, ["edit", str(path), "--out", str(out), "--lang", "en"])
    assert result.exit_code == 2
    assert "no 'atoms' layer" in result.output and len(result.output.strip().splitlines()) == 1
    assert not out.exists()
