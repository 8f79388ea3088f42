"""The extract's scan in a forked process (gridmap run starts it before importing geopandas)."""
from __future__ import annotations

import multiprocessing

import pandas as pd
import pytest

from gridmap.errors import InputError
from gridmap.inputs import osm as osm_module
from gridmap.inputs.osm_scan import LAYERS, ScanAhead, can_scan_ahead

from tests.conftest import LIECHTENSTEIN

pytestmark = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")


def _same_layers(a, b):
    for name in LAYERS:
        left, right = getattr(a, name), getattr(b, name)
        pd.testing.assert_frame_equal(pd.DataFrame(left.drop(columns="geometry")),
                                      pd.DataFrame(right.drop(columns="geometry")))
        assert (left.geometry.to_wkb() == right.geometry.to_wkb()).all(), name
        assert left.crs == right.crs


def test_layers_read_through_a_scan_ahead_are_the_ones_read_here():
    assert tuple(osm_module._SCHEMA) == LAYERS
    here = osm_module.read_osm(LIECHTENSTEIN, cache=False)
    ahead = ScanAhead(LIECHTENSTEIN)
    _same_layers(osm_module.read_osm(LIECHTENSTEIN, cache=False, scan=ahead), here)
    assert not ahead._process.is_alive() and ahead._process.exitcode == 0


def test_the_scan_ahead_is_taken_not_done_again(monkeypatch):
    ahead = ScanAhead(LIECHTENSTEIN)  # forked with the real _scan

    def never(path):
        raise AssertionError("scanned again")

    monkeypatch.setattr(osm_module, "_scan", never)
    layers = osm_module.read_osm(LIECHTENSTEIN, cache=False, scan=ahead)
    assert len(layers.buildings) > 10_000


def test_a_failed_child_falls_back_to_scanning_here():
    ahead = ScanAhead(LIECHTENSTEIN)
    ahead._process.kill()  # dies before sending anything whole
    ahead._process.join()
    assert ahead.collected() is None
    again = ScanAhead(LIECHTENSTEIN)
    again._process.kill()
    layers = osm_module.read_osm(LIECHTENSTEIN, cache=False, scan=again)
    _same_layers(layers, osm_module.read_osm(LIECHTENSTEIN, cache=False))


def test_an_unreadable_extract_is_the_same_error(tmp_path):
    bad = tmp_path / "broken.osm.pbf"
    bad.write_bytes(b"\x00\x00\x00\x0dnot a pbf at all" * 50)
    with pytest.raises(InputError) as here:
        osm_module.read_osm(bad, cache=False)
    with pytest.raises(InputError) as ahead:
        osm_module.read_osm(bad, cache=False, scan=ScanAhead(bad))
    assert str(ahead.value) == str(here.value)
    assert str(here.value).startswith(f"cannot read OSM file {bad}:")


def test_a_cached_extract_is_loaded_not_scanned(tmp_path, monkeypatch):
    monkeypatch.setenv("GRIDMAP_CACHE", "on")
    monkeypatch.setenv("GRIDMAP_CACHE_DIR", str(tmp_path / "cache"))
    first = osm_module.read_osm(LIECHTENSTEIN)
    assert list((tmp_path / "cache").glob("osm-*.pickle"))
    ahead = ScanAhead(LIECHTENSTEIN)
    assert ahead._receive.poll(120)  # it answered ...
    assert ahead.collected() is None  # ... that the cache holds the extract
    _same_layers(osm_module.read_osm(LIECHTENSTEIN, scan=ScanAhead(LIECHTENSTEIN)), first)


def test_a_scan_of_another_file_is_not_used(tmp_path):
    copy = tmp_path / "copy.osm.pbf"
    copy.write_bytes(LIECHTENSTEIN.read_bytes())
    ahead = ScanAhead(copy)
    layers = osm_module.read_osm(LIECHTENSTEIN, cache=False, scan=ahead)
    assert not ahead._process.is_alive()  # ended, not taken
    assert len(layers.roads) > 0


def test_no_scan_ahead_from_a_process_with_threads():
    import threading

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not can_scan_ahead()
    finally:
        stop.set()
        thread.join()


def test_gridmap_run_on_an_unreadable_extract_fails_as_before_and_writes_nothing(tmp_path, monkeypatch):
    from gridmap import runner
    from gridmap.inputs import osm_scan

    started = []

    class Recorded(osm_scan.ScanAhead):
        def __init__(self, path):
            started.append(path)
            super().__init__(path)

    monkeypatch.setattr(osm_scan, "ScanAhead", Recorded)
    monkeypatch.setattr(osm_scan, "can_scan_ahead", lambda: True)
    bad = tmp_path / "broken.osm.pbf"
    bad.write_bytes(b"\x00\x00\x00\x0dnot a pbf at all" * 50)
    with pytest.raises(InputError, match=f"cannot read OSM file {bad}:"):
        runner.run_county(tmp_path / "out", osm=str(bad), area_name="X", jobs=2, pdf=False)
    assert started == [str(bad)]
    assert not (tmp_path / "out").exists()
    with pytest.raises(InputError, match=f"cannot read OSM file {bad}:"):  # the same without it
        runner.run_county(tmp_path / "out", osm=str(bad), area_name="X", jobs=1, pdf=False)
    assert started == [str(bad)] and not (tmp_path / "out").exists()
