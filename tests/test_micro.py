"""Micro-grids (微网格) of the demo plan: nested in their grids, households conserved, mostly 10-30."""
from __future__ import annotations

import numpy as np
import pytest
import shapely

from gridmap.micro import add_micro_grids, micro_code


@pytest.fixture(scope="module")
def micro(li_plan):
    return add_micro_grids(li_plan)


def test_micro_grids_nest_and_conserve_households(li_plan, micro):
    layer = micro.layers["micro_grids"]
    grids = li_plan.grids.set_index("grid_id")
    assert layer["households"].sum() == pytest.approx(li_plan.households["households"].sum())
    for grid_id, part in layer.groupby("grid_id"):
        outline = grids.geometry[grid_id]
        union = shapely.union_all(part.geometry.to_numpy())
        assert abs(union.area - outline.area) < 1e-6 * outline.area
        assert part["code"].str.startswith(str(grids.at[grid_id, "code"])).all()
    assert layer["code"].is_unique
    assert (shapely.get_num_geometries(layer.geometry.to_numpy()) == 1).all()  # one piece each
    settled = layer[layer["households"] > 0]
    assert settled["in_band"].mean() > 0.9
    # what is out of band is a single building over the top, or a grid too small to split
    over = settled[settled["households"] > 30]
    assert (over["buildings"] == 1).all() or (over["flag"] == "over_band").all()
    assert micro.meta["micro_grids"]["count"] == len(layer)


def test_micro_codes():
    assert micro_code("511822100001001", 7) == "511822100001001007"
    assert micro_code("osm1-003", 12) == "osm1-003-012"


def test_map_and_report_show_micro_grids(micro, tmp_path):
    from gridmap.maps import plan_map
    from gridmap.report import build_report

    html = plan_map(micro, lang="en").get_root().render()
    assert "Micro-grids (at street zoom)" in html and "getZoom() >= 16" in html
    report = build_report(micro, lang="en", validate=False)
    assert "micro-grids of 10–30 households" in report.to_markdown(tmp_path / "r.md").read_text(encoding="utf-8")


@pytest.mark.browser
def test_micro_grids_show_from_street_zoom_in_chromium(micro, tmp_path):
    """The map with micro-grids opens without script errors; the layer is off at county zoom, on at 16."""
    playwright = pytest.importorskip("playwright.sync_api")
    from gridmap.maps import save_map

    path = save_map(micro, tmp_path / "map.html", lang="en")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file://", "data:")) else r.abort())
        page.goto(path.as_uri())
        page.wait_for_timeout(500)
        name = page.evaluate("Object.keys(window).find(k => k.startsWith('map_') && window[k] && window[k].setView)")
        shown = f"window['{name}'].hasLayer(window.gridmap.layers.micro_grids)"
        assert page.evaluate(shown) is False
        page.evaluate(f"window['{name}'].setZoom(16); 0")
        page.wait_for_timeout(500)
        assert page.evaluate(shown) is True
        browser.close()
    assert not errors
