"""The hostile-input corpus (issue 12): the project's memory of how inputs and outputs go wrong.

Every case is built by code from the real bundled data (two Providence wards: their
census blocks as household points with a count, the block outlines as roads), spoiled
in one way, and given to the command line. Each case asserts one of two answers:

- refused: exit 2, exactly one line ``gridmap: error: ...`` naming the file, the
  feature (row, id) and the fix, no traceback, and nothing written (the output
  directory as it was, or absent);
- repaired: exit 0, and the repair stated in the summary on the terminal, in the plan's
  meta and summary.json, and in the report.

Add a case for every new way an input goes wrong (``CLASSES`` lists them for the
closing note's table).
"""
from __future__ import annotations

import errno
import json
import os
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from click.testing import CliRunner

from gridmap.cli.main import cli
from tests.conftest import PROVIDENCE

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

WARDS = ("2", "3")


# --------------------------------------------------------------------------- the county and the runner


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    """Two real Providence wards as files: units, area, household points (column hh), roads."""
    folder = tmp_path_factory.mktemp("county")
    blocks = gpd.read_file(PROVIDENCE / "blocks.zip")
    wards = gpd.read_file(PROVIDENCE / "districts.zip")
    wards["unit_id"] = wards["id"].astype(int).astype(str)
    units = wards[wards["unit_id"].isin(WARDS)].reset_index(drop=True)
    units = units.assign(name="Ward " + units["unit_id"])[["unit_id", "name", "geometry"]]
    blocks = blocks[blocks["WARD"].astype(int).astype(str).isin(WARDS)]
    households = gpd.GeoDataFrame({"block": blocks["GEOID10"].to_numpy(),
                                   "hh": np.round(blocks["TOTPOP"].to_numpy() / 2.3)},
                                  geometry=blocks.geometry.representative_point().to_numpy(), crs=blocks.crs)
    households = households[households["hh"] > 0].reset_index(drop=True)
    outlines = shapely.get_parts(shapely.line_merge(shapely.union_all(blocks.geometry.boundary.to_numpy())))
    roads = gpd.GeoDataFrame({"highway": ["residential"] * len(outlines)}, geometry=outlines, crs=blocks.crs)
    area = gpd.GeoDataFrame({"name": ["Providence"]}, geometry=[shapely.union_all(units.geometry.values)],
                            crs=units.crs)
    paths = {}
    for name, frame in (("units", units), ("households", households), ("roads", roads), ("area", area)):
        paths[name] = folder / f"{name}.gpkg"
        frame.to_file(paths[name])
    return {**paths, "frames": {"units": units, "households": households, "roads": roads, "area": area},
            "households_total": float(households["hh"].sum())}


def gm(*args):
    """Run the command line in this process: (exit code, everything it printed)."""
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result.exit_code, result.output


def partition_args(county, out, **files):
    """``gridmap partition`` on the county, with some of its files replaced (``files``: role -> path)."""
    paths = {role: county[role] for role in ("area", "units", "roads", "households")} | files
    args = ["partition"]
    for role in ("area", "units", "roads", "households"):
        if paths[role] is not None:
            args += [f"--{role}", paths[role]]
    return args + ["--households-column", "hh", "--urban", "all", "--out", out, "-q"]


def snapshot(folder: Path):
    """Names, sizes and times of everything under ``folder`` (None: it does not exist)."""
    folder = Path(folder)
    if not folder.exists():
        return None
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(folder.rglob("*"))}


def refused(args, *says, out):
    """Assert a refusal: exit 2, one line naming ``says``, no traceback, ``out`` untouched."""
    before = snapshot(out)
    code, text = gm(*args)
    lines = text.strip().splitlines()
    assert code == 2, text
    assert len(lines) == 1 and lines[0].startswith("gridmap: error: "), text
    for part in says:
        assert part in lines[0], f"{part!r} not in {lines[0]!r}"
    assert snapshot(out) == before, "something was written"
    return lines[0]


def write(frame: gpd.GeoDataFrame, path: Path) -> Path:
    frame.to_file(path)
    return path


def summary_of(out: Path) -> dict:
    return json.loads((Path(out) / "summary.json").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- the base case


def test_the_county_plans_cleanly(county, tmp_path):
    code, text = gm(*partition_args(county, tmp_path / "out"))
    assert code == 0, text
    assert not [line for line in text.splitlines() if "warning" in line.lower()], text
    summary = summary_of(tmp_path / "out")
    assert summary["households"] == pytest.approx(county["households_total"])
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert set(manifest["files"]) == {"plan.gpkg", "summary.json"} and manifest["command"] == "partition"
    assert len(manifest["plan_id"]) == 16
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["manifest.json", "plan.gpkg", "summary.json"]


# --------------------------------------------------------------------------- files


def test_missing_input_file(county, tmp_path):
    refused(partition_args(county, tmp_path / "out", households=tmp_path / "nope.gpkg"),
            "households", "no such file", "nope.gpkg", out=tmp_path / "out")


def test_layer_without_crs(county, tmp_path):
    frame = county["frames"]["households"].set_crs(None, allow_override=True)
    path = write(frame, tmp_path / "hh.shp")
    refused(partition_args(county, tmp_path / "out", households=path), "hh.shp", "no CRS", out=tmp_path / "out")


# --------------------------------------------------------------------------- output directories


def test_out_is_a_file(county, tmp_path):
    (tmp_path / "out").write_text("not a directory")
    refused(partition_args(county, tmp_path / "out"), "out", "is a file", out=tmp_path / "out")


def test_out_below_a_file(county, tmp_path):
    (tmp_path / "file").write_text("x")
    refused(partition_args(county, tmp_path / "file" / "out"), str(tmp_path / "file"), "not a directory",
            out=tmp_path / "file")


def test_out_not_writable(county, tmp_path, monkeypatch):
    # root ignores permission bits: the refusal of the file system is simulated
    def denied(self, *args, **kwargs):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))

    monkeypatch.setattr(Path, "mkdir", denied)
    refused(partition_args(county, tmp_path / "out"), "out", "permission denied", "--out", out=tmp_path / "out")


def test_out_on_a_read_only_file_system(county, tmp_path, monkeypatch):
    def read_only(*args, dir=None, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(dir))

    monkeypatch.setattr(tempfile, "mkdtemp", read_only)
    (tmp_path / "out").mkdir()
    refused(partition_args(county, tmp_path / "out"), "out", "read-only", "another --out", out=tmp_path / "out")


@pytest.fixture()
def tiny_disk(tmp_path):
    """A 200 kB file system (a tmpfs: needs root and a kernel that allows it), else skip."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    if os.geteuid() != 0 or os.system(f"mount -t tmpfs -o size=200k tmpfs {mount} 2>/dev/null") != 0:
        pytest.skip("cannot mount a tmpfs here (the simulated case covers it)")
    yield mount
    os.system(f"umount {mount}")


def test_disk_full(county, tiny_disk):
    refused(partition_args(county, tiny_disk / "out"), "plan.gpkg", "disk is full", out=tiny_disk / "out")
    assert list(tiny_disk.iterdir()) == []


def test_disk_full_simulated(county, tmp_path, monkeypatch):
    import pyogrio

    import gridmap._atomic

    def full(*args, **kwargs):
        raise pyogrio.errors.DataSourceError("Failed to commit transaction")

    monkeypatch.setattr(pyogrio, "write_dataframe", full)
    monkeypatch.setattr(gridmap._atomic, "_disk_full", lambda directory: True)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "map.html").write_text("an earlier map")
    refused(partition_args(county, tmp_path / "out"), str(tmp_path / "out" / "plan.gpkg"), "disk is full",
            out=tmp_path / "out")


def test_second_command_into_a_busy_directory(county, tmp_path):
    from gridmap._outdir import OutputDir

    with OutputDir(tmp_path / "out", "run", fresh=True):
        before = snapshot(tmp_path / "out")
        line = refused(partition_args(county, tmp_path / "out"), "another gridmap command", "gridmap run",
                       "choose another --out", out=tmp_path / "out")
        assert str(os.getpid()) in line
        assert snapshot(tmp_path / "out") == before
    assert not (tmp_path / "out" / ".gridmap.lock").exists()  # the lock goes with its command


def test_stale_outputs_of_an_earlier_run_are_removed(county, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    for name in ("map.html", "report.html", "roster.csv", "budget.csv", "faults.gpkg", "plan.gpkg"):
        (out / name).write_text("from an earlier run")
    (out / "notes.txt").write_text("the user's own file")
    code, text = gm(*partition_args(county, out))
    assert code == 0, text
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "notes.txt", "plan.gpkg", "summary.json"]
    assert "removed         budget.csv, faults.gpkg, map.html, report.html, roster.csv" in text
    assert json.loads((out / "manifest.json").read_text())["removed"] == [
        "budget.csv", "faults.gpkg", "map.html", "report.html", "roster.csv"]


def test_temporary_files_of_an_interrupted_run_are_swept(county, tmp_path):
    out = tmp_path / "out"
    (out / ".gridmap-staging-k2j3h4g5").mkdir(parents=True)
    (out / ".gridmap-staging-k2j3h4g5" / "plan.gpkg").write_text("half")
    for name in (".plan-k2j3h4g5.gpkg", ".plan-k2j3h4g5.gpkg-journal", ".map-abcdefgh.html"):
        (out / name).write_text("half")
    code, text = gm(*partition_args(county, out))
    assert code == 0, text
    assert "swept           4 temporary file(s)" in text
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "plan.gpkg", "summary.json"]


# --------------------------------------------------------------------------- gridmap's own failures


def test_a_bug_is_one_line_with_exit_1(county, tmp_path, monkeypatch):
    import gridmap.pipeline

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(gridmap.pipeline, "make_plan", broken)
    code, text = gm(*partition_args(county, tmp_path / "out"))
    assert code == 1, text
    lines = text.strip().splitlines()
    assert len(lines) == 1 and "internal error (ZeroDivisionError" in lines[0] and "report it" in lines[0], text
    assert not (tmp_path / "out").exists()


def test_library_warnings_are_one_line(county, tmp_path, monkeypatch):
    import warnings

    import gridmap.pipeline

    make_plan = gridmap.pipeline.make_plan

    def noisy(*args, **kwargs):
        warnings.warn("Geometry is in a geographic CRS.\nResults from 'area' are likely incorrect.\n\n  Use "
                      "'GeoSeries.to_crs()'", UserWarning, stacklevel=2)
        return make_plan(*args, **kwargs)

    monkeypatch.setattr(gridmap.pipeline, "make_plan", noisy)
    code, text = gm(*partition_args(county, tmp_path / "out"))
    assert code == 0, text
    warned = [line for line in text.splitlines() if "geographic CRS" in line]
    assert warned == ["gridmap: warning: Geometry is in a geographic CRS. Results from 'area' are likely incorrect. "
                      "Use 'GeoSeries.to_crs()'"], text
    assert "warnings.warn" not in text and "UserWarning" not in text


def test_two_commands_at_once_never_mix(county, tmp_path):
    """Two partitions into one --out at the same time: the second is refused while the first writes."""
    import subprocess
    import sys
    import time

    out = tmp_path / "out"
    args = [sys.executable, "-m", "gridmap.cli.main", *map(str, partition_args(county, out))]
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    first = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not (out / ".gridmap.lock").exists() and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert first.poll() is None, "the first command ended before it could be raced"
    second = subprocess.run(args, env=env, capture_output=True, text=True)
    assert first.wait(timeout=120) == 0, first.stderr
    assert second.returncode == 2, second.stderr
    assert second.stderr.strip().startswith("gridmap: error: --out") and "another gridmap command" in second.stderr
    assert len(second.stderr.strip().splitlines()) == 1
    manifest = json.loads((out / "manifest.json").read_text())
    assert set(manifest["files"]) == {"plan.gpkg", "summary.json"}
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "plan.gpkg", "summary.json"]
