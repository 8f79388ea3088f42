"""gridmap run draws the map on a worker of its own pool while it validates and writes the report."""
from __future__ import annotations

import multiprocessing
import os
import re

import pytest

from gridmap.errors import InputError

pytestmark = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")

RULES = {"urban_mode": "all", "band": (300.0, 500.0), "seed": 0, "pdf": False}


def _dies(*args):
    os._exit(1)  # the worker's process ends: the pool is broken


def _page(text: str) -> str:
    # folium names its elements with random ids: the same map has other ids in every run
    return re.sub(r"_[0-9a-f]{32}", "_ID", text)


def test_map_drawn_on_the_pool_is_the_one_drawn_here(li_inputs, tmp_path):
    from gridmap.runner import _map_html, run_county

    pooled = run_county(tmp_path / "two", inputs=li_inputs, jobs=2, lang="en", **RULES)
    here = _map_html(pooled.plan, "en", "none")  # the whole plan, in this process
    assert _page((tmp_path / "two" / "map.html").read_text(encoding="utf-8")) == _page(here)


def test_decor_made_on_the_pool_draws_the_report_made_here(li_inputs, tmp_path):
    """The grids' fills and label circles are made once, on the pool, for the report and the map:
    the same report as one built here from the plan alone."""
    from gridmap.report import build_report
    from gridmap.runner import run_county

    pooled = run_county(tmp_path / "two", inputs=li_inputs, jobs=2, lang="en", **RULES)
    here = build_report(pooled.plan, lang="en", faults=pooled.faults)
    assert (tmp_path / "two" / "report.html").read_text(encoding="utf-8") == here.html()


def test_decor_is_made_afresh_for_other_grids(li_plan):
    from concurrent.futures import ProcessPoolExecutor

    import geopandas as gpd
    import shapely

    from gridmap import runner
    from gridmap._decor import grid_decor

    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as pool:
        decor = runner._Decor(pool, li_plan)
        made = decor.of(li_plan)
    expected = grid_decor(li_plan.grids.geometry.to_numpy())
    assert (made.fill == expected.fill).all() and (made.centre == expected.centre).all()
    assert decor.of(li_plan) is made  # asked again: the same, not made again
    copied = type(li_plan)(layers={**li_plan.layers, "grids": li_plan.grids.copy()}, meta=li_plan.meta)
    assert decor.of(copied) is made  # a copy of the frame: the same shapes
    moved = li_plan.grids.copy()
    moved["geometry"] = gpd.GeoSeries(shapely.affinity.translate(g, 1.0) if i == 0 else g
                                      for i, g in enumerate(moved.geometry))
    other = type(li_plan)(layers={**li_plan.layers, "grids": moved}, meta=li_plan.meta)
    again = decor.of(other)
    assert again is not made and abs(again.centre[0, 0] - (expected.centre[0, 0] + 1.0)) < 1e-6


def test_the_map_is_drawn_by_a_worker_and_its_failure_writes_nothing(li_inputs, tmp_path, monkeypatch):
    import threading

    import gridmap.maps
    from gridmap.runner import run_county

    class Page:
        def __init__(self, text):
            self.text = text

        def get_root(self):
            return self

        def render(self):
            return self.text

    monkeypatch.setattr(gridmap.maps, "plan_map", lambda plan, **kw: Page(f"drawn by {os.getpid()}"))
    run_county(tmp_path / "ok", inputs=li_inputs, jobs=2, **RULES)
    drawn_by = (tmp_path / "ok" / "map.html").read_text()
    assert drawn_by.startswith("drawn by ") and drawn_by != f"drawn by {os.getpid()}"  # another process

    def broken(*args, **kwargs):
        raise InputError("map: broken on purpose")

    monkeypatch.setattr(gridmap.maps, "plan_map", broken)  # the pool's workers fork after this
    out = tmp_path / "out"
    with pytest.raises(InputError, match="map: broken on purpose"):
        run_county(out, inputs=li_inputs, jobs=2, **RULES)
    assert not out.exists()
    assert not [t for t in threading.enumerate() if t.name.startswith("gridmap-gpkg")]


def test_a_dead_map_worker_falls_back_to_drawing_here(li_plan, monkeypatch):
    from concurrent.futures import ProcessPoolExecutor

    from gridmap import runner

    monkeypatch.setattr(runner, "_map_html", _dies)
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as pool:
        drawing = runner._draw_map_on(pool, li_plan, "en", "none")
        monkeypatch.undo()
        page = runner._map_drawn(drawing, li_plan, "en", "none")
    assert "<html" in page.lower()


def test_validation_ahead_on_a_worker_is_the_validation_here(li_inputs, tmp_path):
    from gridmap.runner import run_county
    from gridmap.validate import validate_plan

    result = run_county(tmp_path / "out", inputs=li_inputs, jobs=2, **RULES)
    here = validate_plan(result.plan)
    assert result.faults.faults.equals(here.faults)
    assert result.faults.checks == here.checks and result.faults.notes == here.notes


def test_reach_changes_nothing_validation_reads_but_its_own_figures(li_plan):
    """runner._VALIDATED lists what reach_plan rewrites of the layers validation reads; the staffed
    plan's validation (made ahead on the pool) is used only when that list holds. If reach starts
    changing anything else this fails: update the list, or the run validates every plan twice."""
    from gridmap import runner
    from gridmap.reach import reach_plan
    from gridmap.staffing import staff_plan

    staffed = staff_plan(li_plan)
    reached = reach_plan(staffed)
    assert runner._validates_the_same(staffed, reached)
    written = {name: {c for c in reached.layers[name].columns
                      if name in staffed.layers and c in staffed.layers[name].columns
                      and not reached.layers[name][c].equals(staffed.layers[name][c])}
               for name in runner._VALIDATED if name in reached.layers}
    assert all(written[name] <= runner._VALIDATED[name] for name in written)


def test_a_reach_that_changed_what_validation_reads_is_validated_again(li_plan):
    from concurrent.futures import ProcessPoolExecutor

    import shapely

    from gridmap import runner
    from gridmap.staffing import staff_plan
    from gridmap.validate import ValidationRules, validate_plan

    staffed = staff_plan(li_plan)
    workers = staffed.layers["workers"].copy()
    workers.loc[workers.index[0], "geometry"] = shapely.Point(0, 0)  # moved far out of its grid
    workers.loc[workers.index[1], "grid_id"] = "nowhere"
    changed = type(staffed)(layers={**staffed.layers, "workers": workers}, meta=staffed.meta)
    assert not runner._validates_the_same(staffed, changed)
    assert runner._validates_the_same(staffed, type(staffed)(layers=dict(staffed.layers), meta=staffed.meta))
    with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("fork")) as pool:
        ahead = runner._Ahead(pool, ValidationRules())
        ahead.staffed(staffed)
        faults = ahead.faults(changed)
    expected = validate_plan(changed)
    assert faults.faults.equals(expected.faults)
    assert "nowhere" in set(faults.faults["other_id"].astype(str)) | set(faults.faults["detail"].astype(str)) \
        or len(faults.faults) > len(validate_plan(staffed).faults)


@pytest.mark.parametrize("module, name", [("gridmap.validate", "validate_plan"), ("gridmap.tables", "write_xlsx")])
def test_a_failure_on_a_worker_fails_the_run_and_writes_nothing(li_inputs, tmp_path, monkeypatch, module, name):
    """The validation and the workbook, made on the run's pool: their error is the run's, nothing written."""
    import importlib

    from gridmap.runner import run_county

    def broken(*args, **kwargs):
        raise InputError(f"{name}: broken on purpose")

    monkeypatch.setattr(importlib.import_module(module), name, broken)  # the pool's workers fork after this
    out = tmp_path / "out"
    with pytest.raises(InputError, match=f"{name}: broken on purpose"):
        run_county(out, inputs=li_inputs, jobs=2, **RULES)
    assert not out.exists()


def test_the_workbook_written_on_the_pool_is_the_one_written_here(li_inputs, tmp_path):
    """grids.xlsx is written by a worker of the run's pool (the other files here meanwhile): the same
    bytes as written in this process (the workbook has no clock in it)."""
    from gridmap import i18n, tables
    from gridmap.runner import run_county

    pooled = run_county(tmp_path / "two", inputs=li_inputs, jobs=2, lang="en", **RULES)
    plan = pooled.plan
    sheets = {i18n.text("layer.grids", "en"): tables.grid_table(plan, "en"),
              i18n.text("layer.workers", "en"): tables.roster_table(plan, "en"),
              i18n.text("report.budget", "en"): tables.budget_table(plan, "en")}
    tables.write_xlsx(sheets, tmp_path / "here.xlsx")
    assert (tmp_path / "two" / "grids.xlsx").read_bytes() == (tmp_path / "here.xlsx").read_bytes()


def test_a_dead_workbook_worker_falls_back_to_writing_here(tmp_path):
    from concurrent.futures import ProcessPoolExecutor

    import pandas as pd

    from gridmap import runner, tables

    sheets = {"a": pd.DataFrame({"x": [1, 2], "y": ["p", "q"]})}
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as pool:
        dying = runner._submit(pool, _dies)
        runner._written_by(dying, tables.write_xlsx, sheets, tmp_path / "w.xlsx")
    assert (tmp_path / "w.xlsx").stat().st_size > 0
    assert runner._submit(None, _dies) is None


def _thresholds():
    import gc

    return gc.get_threshold()


def test_the_run_collects_garbage_less_often_on_its_workers_too_and_restores_the_callers(li_inputs, tmp_path):
    import gc
    from concurrent.futures import ProcessPoolExecutor

    from gridmap._gc import THRESHOLDS, fewer_collections
    from gridmap.runner import run_county

    before = gc.get_threshold()
    assert before != THRESHOLDS
    with fewer_collections():
        assert gc.get_threshold() == THRESHOLDS
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
            assert pool.submit(_thresholds).result() == THRESHOLDS  # a worker forked inside
    assert gc.get_threshold() == before
    with pytest.raises(InputError, match="band"):
        run_county(tmp_path / "out", inputs=li_inputs, jobs=2, **{**RULES, "band": (1.0, 1.0)})
    assert gc.get_threshold() == before  # a failed run too
