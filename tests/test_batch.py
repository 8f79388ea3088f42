"""``gridmap batch``: manifests, a real LocalCluster of 2 workers on three real areas, failures, --resume.

The cluster tests are slow (each starts a loopback-only LocalCluster and plans real
areas); every cluster is closed by :func:`gridmap.batch.run_batch` itself, and the tests
check that no worker process outlives it.
"""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely
from click.testing import CliRunner

from gridmap.cli.main import cli

DATA = Path(__file__).resolve().parent.parent / "data"
LONGGANG = DATA / "china-osm" / "shenzhen_longgang_2019.osm.pbf"


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def children():
    """Processes this test process has started and that are still alive.

    Python's multiprocessing resource tracker is not counted: one per process that ever
    used multiprocessing, it ends with its parent.
    """
    import psutil

    return [p for p in psutil.Process().children(recursive=True) if p.is_running()
            and p.status() != psutil.STATUS_ZOMBIE and "resource_tracker" not in " ".join(p.cmdline())]


def write_manifest(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def areas(tmp_path_factory):
    """Three small real areas and a manifest of them.

    Liechtenstein (the bundled extract); Providence's census blocks in its 15 wards, with
    the blocks' edges as streets (the blocks come without a road layer); and the
    Shenzhen Longgang extract, whose admin boundaries are all cut by the export box, so
    the area is the extract's box (``extract-area``).
    """
    folder = tmp_path_factory.mktemp("batch_areas")
    blocks = gpd.read_file(DATA / "providence" / "blocks.zip")
    edges = gpd.GeoDataFrame(geometry=shapely.get_parts(shapely.boundary(blocks.geometry.values)),
                             crs=blocks.crs).assign(highway="residential")
    edges.to_file(folder / "block_edges.gpkg")
    manifest = write_manifest(folder / "three.toml", f"""
[defaults]
band = [300, 500]
seed = 0
urban = "all"

[[run]]
name = "liechtenstein"
osm = "{DATA / 'liechtenstein.osm.pbf'}"
area-name = "Liechtenstein"
units-level = 8

[[run]]
name = "providence"
units = "{DATA / 'providence' / 'districts.zip'}"
households = "{DATA / 'providence' / 'blocks.zip'}"
households-column = "TOTPOP"
households-divisor = 2.3
roads = ["block_edges.gpkg"]

[[run]]
name = "longgang"
osm = "{LONGGANG}"
extract-area = true
urban = "density"
""")
    separate = {
        "liechtenstein": ["--urban", "all", "--osm", DATA / "liechtenstein.osm.pbf", "--area-name", "Liechtenstein",
                          "--units-level", "8"],
        "providence": ["--urban", "all", "--units", DATA / "providence" / "districts.zip", "--households",
                       DATA / "providence" / "blocks.zip", "--households-column", "TOTPOP", "--households-divisor",
                       "2.3", "--roads", folder / "block_edges.gpkg"],
        "longgang": ["--urban", "density", "--osm", LONGGANG, "--extract-area"],
    }
    return {"folder": folder, "manifest": manifest, "separate": separate}


@pytest.fixture(scope="module")
def batch_out(areas):
    out = areas["folder"] / "out"
    result = invoke("batch", areas["manifest"], "--out", out, "--workers", "2")
    assert result.exit_code == 0, result.output
    assert not children(), "the local cluster left processes behind"
    return out, result.output


# --------------------------------------------------------------------------- manifests (fast)


def test_manifest_keys_are_run_options(tmp_path):
    from gridmap.cli.batch_cmd import manifest_counties

    (tmp_path / "roads.gpkg").write_bytes(b"")
    manifest = write_manifest(tmp_path / "m.toml", """
[defaults]
band = [250, 450]
urban = "all"
[[run]]
name = "a"
area = "area.gpkg"
roads = ["roads.gpkg"]
split-large = false
drop_outside = true
[[run]]
name = "b"
osm = "x.osm.pbf"
area-name = "X"
band = [300, 500]
""")
    a, b = manifest_counties(manifest)
    assert a.options["band"] == (250.0, 450.0) and b.options["band"] == (300.0, 500.0)
    assert a.options["urban_mode"] == "all" and a.options["rural_split_large"] is False
    assert a.options["drop_outside"] is True
    assert a.options["area"] == str(tmp_path / "area.gpkg")  # relative to the manifest
    assert a.options["roads"] == (str(tmp_path / "roads.gpkg"),)
    assert str(tmp_path / "roads.gpkg") in a.inputs  # an existing file named: part of the fingerprint
    assert b.options["area_name"] == "X" and b.options["lang"] == "zh"


@pytest.mark.parametrize("text, message", [
    ('[[run]]\nname = "a"\nosm = "x"\ncolour = "red"\n', "'colour' is not an option of `gridmap run`"),
    ('[[run]]\nname = "a"\nosm = "x"\n[[run]]\nname = "a"\nosm = "y"\n', "two [[run]] tables are named 'a'"),
    ('[[run]]\nosm = "x"\n', "has no name"),
    ('[defaults]\nseed = 0\n', "no county"),
    ('[[run]]\nname = "a/b"\nosm = "x"\n', "cannot be a folder name"),
    ('[[run]]\nname = "a"\nosm = "x"\nband = [300]\n', "band takes 2 values"),
    ('[[run]]\nname = "a"\nosm = "x"\nurban = "sometimes"\n', "county 'a'"),
    ('[[run]]\nname = "a"\nosm = "x"\nout = "y"\n', "'out' is not an option"),
    ('[[run]]\nname = "a"\nosm = "x"\nhouseholds-column = "hh"\n',
     "county 'a': --households-column is given without --households, which it applies to"),
    ('[[run]]\nname = "a"\narea = "x"\nunits_level = 6\n', "--units-level is given without --osm"),
])
def test_bad_manifest_is_one_line_exit_2(tmp_path, text, message):
    manifest = write_manifest(tmp_path / "m.toml", text)
    result = invoke("batch", manifest, "--out", tmp_path / "out", "--lang", "en")  # the English words
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_fingerprint_follows_options_and_files(tmp_path):
    import os

    from gridmap.batch import County

    roads = tmp_path / "roads.gpkg"
    roads.write_bytes(b"x")
    a = County("a", {"roads": (str(roads),), "seed": 0})
    assert a.fingerprint() == County("a", {"roads": (str(roads),), "seed": 0}).fingerprint()
    assert a.fingerprint() != County("a", {"roads": (str(roads),), "seed": 1}).fingerprint()
    before = a.fingerprint()
    os.utime(roads, ns=(1, 1))
    assert a.fingerprint() != before


# --------------------------------------------------------------------------- on a LocalCluster (slow)


def _layers(path: Path) -> dict:
    return {name: pyogrio.read_dataframe(path, layer=name) for name, _ in pyogrio.list_layers(path) if name != "meta"}


@pytest.mark.slow
def test_batch_gives_the_plans_of_separate_runs(areas, batch_out):
    out, output = batch_out
    assert "tcp://127.0.0.1:" in output  # loopback only
    for name, args in areas["separate"].items():
        alone = areas["folder"] / "alone" / name
        result = invoke("run", *args, "--band", "300", "500", "--seed", "0", "--out", alone, "-q")
        assert result.exit_code in (0, 3), result.output
        batch, single = _layers(out / name / "plan.gpkg"), _layers(alone / "plan.gpkg")
        assert list(batch) == list(single)
        for layer in batch:
            pd.testing.assert_frame_equal(pd.DataFrame(batch[layer].drop(columns="geometry", errors="ignore")),
                                          pd.DataFrame(single[layer].drop(columns="geometry", errors="ignore")),
                                          check_exact=True, obj=f"{name}/{layer}")
            if "geometry" in batch[layer]:
                assert (batch[layer].geometry.to_wkb() == single[layer].geometry.to_wkb()).all(), f"{name}/{layer}"
        for file in ("summary.json", "roster.csv", "budget.csv", "faults.gpkg", "map.html", "report.html"):
            assert (out / name / file).exists()
    province = pd.read_csv(out / "province.csv")
    assert list(province["name"]) == ["liechtenstein", "providence", "longgang"]
    assert (province["status"] == "ok").all()
    assert province["grids"].min() >= 1 and province["workers"].min() >= 1
    for file in ("province.html", "province_map.html", "failures.csv"):
        assert (out / file).exists()
    page = (out / "province_map.html").read_text(encoding="utf-8")
    assert not re.search(r'<(script|link)[^>]+(src|href)="(https?:)?//', page)  # offline: nothing linked
    # each county named on its outline, and a legend of the counties with their figures
    assert page.count('gm-county-label\\"') == len(province)  # the labels (in Leaflet's JSON)
    for row in province.itertuples():
        assert f"</span>{row.name}</td><td>{row.grids:,.0f}</td><td>{row.workers:,.0f}</td>" in page


@pytest.mark.slow
def test_resume_reruns_nothing(areas, batch_out):
    out, _ = batch_out
    stamps = {p: p.stat().st_mtime_ns for p in out.glob("*/plan.gpkg")}
    assert len(stamps) == 3
    result = invoke("batch", areas["manifest"], "--out", out, "--workers", "2", "--resume", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "0 done, 3 skipped" in result.output
    assert "tcp://" not in result.output  # nothing to run: no cluster started
    assert {p: p.stat().st_mtime_ns for p in out.glob("*/plan.gpkg")} == stamps
    province = pd.read_csv(out / "province.csv")
    assert (province["status"] == "skipped").all() and province["grids"].min() >= 1


@pytest.mark.slow
def test_no_split_runs_each_county_on_its_worker(areas, batch_out, tmp_path):
    """``--no-split``: a county's per-unit steps stay on its worker, one after another (a dask
    worker is a daemon and may start no process pool of its own; every county used to fail
    so with the run's default ``--jobs``); the same plan as with its units spread out."""
    out, _ = batch_out
    manifest = write_manifest(tmp_path / "one.toml", f"""
[defaults]
band = [300, 500]
seed = 0
jobs = 2

[[run]]
name = "longgang"
osm = "{LONGGANG}"
extract-area = true
urban = "density"
""")
    result = invoke("batch", manifest, "--out", tmp_path / "out", "--workers", "1", "--no-split", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "1 done, 0 skipped (up to date), 0 failed" in result.output
    alone, spread = _layers(tmp_path / "out" / "longgang" / "plan.gpkg"), _layers(out / "longgang" / "plan.gpkg")
    assert (alone["grids"].geometry.to_wkb() == spread["grids"].geometry.to_wkb()).all()
    assert not children()


@pytest.mark.slow
def test_a_failing_county_is_reported_and_the_others_finish(tmp_path):
    manifest = write_manifest(tmp_path / "m.toml", f"""
[[run]]
name = "missing"
osm = "no-such-extract.osm.pbf"
area-name = "Nowhere"
[[run]]
name = "longgang"
osm = "{LONGGANG}"
extract-area = true
""")
    out = tmp_path / "out"
    result = invoke("batch", manifest, "--out", out, "--workers", "2", "--lang", "en")
    assert result.exit_code == 4, result.output
    assert "1 done, 0 skipped (up to date), 1 failed" in result.output
    failures = pd.read_csv(out / "failures.csv")
    assert list(failures["name"]) == ["missing"]
    assert "no-such-extract.osm.pbf" in failures["error"].iloc[0]
    assert "\n" not in failures["error"].iloc[0]
    assert (out / "longgang" / "plan.gpkg").exists() and not (out / "missing" / "plan.gpkg").exists()
    record = json.loads((out / "longgang" / "batch.json").read_text(encoding="utf-8"))
    assert record["row"]["status"] == "ok"
    assert not children()
    # --resume runs only what failed (and fails again the same way)
    again = invoke("batch", manifest, "--out", out, "--workers", "1", "--resume", "-q", "--lang", "en")
    assert again.exit_code == 4 and "1 skipped" in again.output


def test_province_tables_escape_formulas_for_excel(tmp_path):
    """County names and errors come from the manifest and the inputs: no cell of province.csv or
    failures.csv starts a formula in Excel."""
    from gridmap.batch import COLUMNS, BatchResult, write_summary

    rows = [dict({c: None for c in COLUMNS}, name="=HYPERLINK(\"http://x\",\"y\")", status="failed",
                 error="+cmd|' /C calc'!A0"),
            dict({c: 0 for c in COLUMNS}, name="@county", status="ok", households=10.0, error="")]
    write_summary(BatchResult(rows=rows), tmp_path, lang="en")
    for name in ("province.csv", "failures.csv"):
        text = (tmp_path / name).read_text(encoding="utf-8-sig")
        cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
        assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")], (name, text)
    assert "HYPERLINK" in (tmp_path / "failures.csv").read_text(encoding="utf-8-sig")
