"""The plan editor in a real browser (Debian's chromium via playwright, every non-local request blocked).

A planner's session on the demo plan: select a grid, click atoms of a neighbouring grid of
the same municipality into it, check the counts against a recount from the plan's own
data, try a move that breaks contiguity, lock a grid, undo, and export the edits.
Screenshots go to out/test-artifacts/editor-*.png.
"""
from __future__ import annotations

import json
import time

import pytest
from click.testing import CliRunner

from tests.test_map_browser import ARTIFACTS, Opened, browser  # noqa: F401  (the fixture)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo_editor(li_plan, tmp_path_factory):
    from gridmap.cli.main import cli

    folder = tmp_path_factory.mktemp("demo-editor")
    plan_path = li_plan.save(folder / "plan.gpkg")
    out = folder / "editor.html"
    result = CliRunner().invoke(cli, ["edit", str(plan_path), "--out", str(out), "--lang", "zh"])
    assert result.exit_code == 0, result.output
    return li_plan, plan_path, out


#: A boundary atom of an urban grid whose neighbour is another urban grid of the same unit; with
#: `breaking`, one whose removal splits its grid (an articulation atom), else one whose removal does not
#: and that leaves both grids in the band.
FIND_MOVE = """(breaking) => {
  const D = JSON.parse(document.getElementById('gm-data').textContent), E = gridmap.editor, nb = D.atoms.nb;
  const fits = (a, g, h) => breaking || (E.grids[g].hh - D.atoms.hh[a] >= D.band[0] && E.grids[h].hh + D.atoms.hh[a] <= D.band[1]);
  for (let a = 0; a < E.atomGrid.length; a++) {
    const g = E.atomGrid[a];
    if (E.grids[g].regime !== 'urban' || E.grids[g].locked || E.grids[g].atoms < 3) continue;
    if (E.connected(g, a) === breaking) continue;
    for (const b of nb[a]) {
      const h = E.atomGrid[b];
      if (h !== g && E.grids[h].unit === E.grids[g].unit && E.grids[h].regime === 'urban' && !E.grids[h].locked
          && fits(a, g, h))
        return [a, g, h];
    }
  }
  return null;
}"""


def _click_atom(opened, atom: int, **modifiers):
    page = opened.page
    page.evaluate("""(a) => { const E = gridmap.editor; E.map.fitBounds(E.shapes[a].getBounds().pad(4), {animate: false}); }""",
                  atom)
    page.wait_for_timeout(150)
    x, y = page.evaluate("""(a) => { const E = gridmap.editor, p = E.map.latLngToContainerPoint(E.atomAt[a]);
        const r = E.map.getContainer().getBoundingClientRect(); return [p.x + r.left, p.y + r.top]; }""", atom)
    started = time.perf_counter()
    page.mouse.click(x, y, **modifiers)
    return time.perf_counter() - started


def _counts(opened, *grids):
    return opened.page.evaluate("(ks) => ks.map(k => gridmap.editor.grids[k].hh)", list(grids))


def test_editor_session_in_chromium(browser, demo_editor, tmp_path):  # noqa: F811
    plan, plan_path, path = demo_editor
    opened = Opened(browser, path)
    page = opened.page
    try:
        atoms = plan.atoms
        ids = page.evaluate("gridmap.editor.atomIds")
        households = dict(zip(atoms["atom_id"].tolist(), atoms["households"].astype(float).tolist()))

        # 1. select a grid by clicking one of its atoms, then click a neighbouring atom into it
        a, g, h = page.evaluate(FIND_MOVE, False)
        _click_atom(opened, next(i for i, k in enumerate(page.evaluate("gridmap.editor.atomGrid")) if k == h))
        assert page.evaluate("gridmap.editor.target()") == h
        before = _counts(opened, g, h)
        _click_atom(opened, a)
        after = _counts(opened, g, h)
        moved = households[ids[a]]
        assert after[0] == pytest.approx(before[0] - moved, abs=1e-6)
        assert after[1] == pytest.approx(before[1] + moved, abs=1e-6)
        # what the panel shows is the recount of the plan's atoms under the new assignment
        assignment = page.evaluate("gridmap.editor.atomGrid")
        recount = sum(households[ids[i]] for i, k in enumerate(assignment) if k == h)
        assert int(page.locator("#gm-target-hh").inner_text()) == round(recount)
        page.screenshot(path=str(ARTIFACTS / "editor-move.png"))

        # 2. a move that would split its grid is refused by default, and allowed and flagged on request
        a2, g2, h2 = page.evaluate(FIND_MOVE, True)
        page.evaluate("(k) => gridmap.editor.select(k)", h2)
        before = _counts(opened, g2, h2)
        _click_atom(opened, a2)
        assert _counts(opened, g2, h2) == before
        assert "断开" in page.locator(".gm-status").inner_text()
        page.evaluate("gridmap.editor.setPolicy('allow')")
        _click_atom(opened, a2)
        assert page.evaluate("(k) => gridmap.editor.status(k)", g2) == "broken"
        broken_id = page.evaluate("(k) => gridmap.editor.grids[k].id", g2)
        assert page.locator(f'#gm-problems li[data-grid="{broken_id}"]').count() == 1
        page.screenshot(path=str(ARTIFACTS / "editor-broken.png"))

        # 3. undo restores the counts and the grid's contiguity
        page.click("#gm-undo")
        assert _counts(opened, g2, h2) == before
        assert page.evaluate("(k) => gridmap.editor.status(k)", g2) != "broken"

        # 4. a locked grid refuses edits (g2: edited, then restored by the undo)
        page.evaluate("(k) => gridmap.editor.select(k)", g2)
        page.click("#gm-lock")
        assert page.evaluate("(k) => gridmap.editor.grids[k].locked", g2)
        page.evaluate("(k) => gridmap.editor.select(k)", h2)
        before = _counts(opened, g2, h2)
        _click_atom(opened, a2)
        assert _counts(opened, g2, h2) == before
        assert "锁定" in page.locator(".gm-status").inner_text()

        # 5. export: one feature per atom with its grid, the locks and the change log
        with page.expect_download() as download:
            page.click("#gm-export-edits")
        target = tmp_path / "edits.geojson"
        download.value.save_as(target)
        edits = json.loads(target.read_text(encoding="utf-8"))
        assert len(edits["features"]) == len(atoms)
        by_atom = {f["properties"]["atom_id"]: f["properties"]["grid_id"] for f in edits["features"]}
        assert by_atom[ids[a]] == page.evaluate("(k) => gridmap.editor.grids[k].id", h)
        assert edits["gridmap"]["locked"] == [page.evaluate("(k) => gridmap.editor.grids[k].id", g2)]
        kinds = [c["kind"] for c in edits["gridmap"]["changes"]]
        assert kinds[:1] == ["move"] and "lock" in kinds and "undo" in kinds
        with page.expect_download() as download:
            page.click("#gm-export-grids")
        grids_geojson = json.loads(download.value.path().read_text(encoding="utf-8"))
        assert sum(f["properties"]["atoms"] for f in grids_geojson["features"]) == len(atoms)
        assert opened.blocked == [] and opened.errors == [] and opened.dialogs == []
        shown = dict(zip(page.evaluate("gridmap.editor.grids.map(x => x.id)"),
                         page.evaluate("gridmap.editor.grids.map(x => x.hh)")))
    finally:
        opened.close()

    # 6. gridmap update applies the export: a valid plan with the counts the editor showed
    from gridmap.cli.main import cli
    from gridmap.plan import Plan
    from gridmap.validate import validate_plan

    out = tmp_path / "edited"
    result = CliRunner().invoke(cli, ["update", str(plan_path), "--atoms", str(target), "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    edited = Plan.load(out / "plan.gpkg")
    counts = edited.grids.set_index("grid_id")["households"].astype(float)
    for grid_id, households in shown.items():
        assert counts[grid_id] == pytest.approx(households, abs=1e-3)
    old_codes = plan.grids.set_index("grid_id")["code"]
    assert (edited.grids.set_index("grid_id")["code"] == old_codes.reindex(counts.index)).all()
    faults = validate_plan(edited)
    assert faults.errors == 0, faults.format_table()
