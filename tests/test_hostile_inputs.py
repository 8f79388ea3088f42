"""The hostile-input corpus (issue 12): the project's memory of how inputs and outputs go wrong.

Every case is built by code from the real bundled data (two Providence wards: their
census blocks as household points with a count, the block outlines as roads), spoiled
in one way, and given to the command line. Each case asserts one of two answers:

- refused: exit 2, exactly one line ``gridmap: error: ...`` naming the file, the
  feature (row, id) and the fix, no traceback, and nothing written (the output
  directory as it was, or absent);
- repaired: exit 0, and the repair stated in the summary on the terminal, in the plan's
  meta and summary.json, and in the report.

Add a case for every new way an input goes wrong, in the section of its class (files,
output directories, gridmap's own failures, units, households, lines, band and grid
codes, rules files, plans, accounting).
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
    return args + ["--households-column", "hh", "--urban", "all", "--lang", "en", "--out", out, "-q"]


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


def test_a_file_of_several_layers(county, tmp_path):
    """A GeoPackage of several layers (a county's 县界, 村界 and 道路 in one file) given as --units was
    read from its first layer, with a library warning: now its one polygon layer is read, several
    are refused naming them, and FILE:LAYER names the one to read."""
    units = county["frames"]["units"]
    both = tmp_path / "county.gpkg"
    county["frames"]["roads"].to_file(both, layer="道路")
    units.to_file(both, layer="村界")
    code, text = gm(*partition_args(county, tmp_path / "one", units=both))  # the one polygon layer
    assert code == 0 and "warning" not in text.lower(), text
    assert summary_of(tmp_path / "one")["units"] == len(units)
    units.dissolve().to_file(both, layer="县界")
    refused(partition_args(county, tmp_path / "two", units=both),
            "units", "holds 2 layers it could be (村界, 县界)", f"{both}:村界", out=tmp_path / "two")
    code, text = gm(*partition_args(county, tmp_path / "named", units=f"{both}:村界"))
    assert code == 0, text
    assert summary_of(tmp_path / "named") == summary_of(tmp_path / "one")
    refused(partition_args(county, tmp_path / "x", units=f"{both}:乡镇"), "no layer '乡镇'", "道路, 村界, 县界",
            out=tmp_path / "x")


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
    """A command into an --out that another command is writing is refused; the first's outputs stay whole.

    Deterministic: the first command is held mid-write (this process holds its output
    folder, as a command does) instead of raced against a subprocess. The race this
    test used to run depended on the first command being slower than the second's
    start-up, and failed once in ten runs after the partition got faster.
    """
    import subprocess
    import sys

    from gridmap._outdir import OutputDir

    out = tmp_path / "out"
    args = [sys.executable, "-m", "gridmap.cli.main", *map(str, partition_args(county, out))]
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    with OutputDir(out, "partition", fresh=True) as first:
        first.file("plan.gpkg").write_bytes(b"the first command's plan")
        first.file("summary.json").write_text("{}")
        second = subprocess.run(args, env=env, capture_output=True, text=True)
    assert second.returncode == 2, second.stderr
    assert second.stderr.strip().startswith("gridmap: error: --out") and "another gridmap command" in second.stderr
    assert len(second.stderr.strip().splitlines()) == 1
    manifest = json.loads((out / "manifest.json").read_text())
    assert set(manifest["files"]) == {"plan.gpkg", "summary.json"}
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "plan.gpkg", "summary.json"]
    assert (out / "plan.gpkg").read_bytes() == b"the first command's plan"
    # once the first is done the lock is gone: the same command now runs and replaces the outputs
    again = subprocess.run(args, env=env, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert (out / "plan.gpkg").read_bytes() != b"the first command's plan"
    assert not (out / ".gridmap.lock").exists()


# --------------------------------------------------------------------------- units


def test_unit_without_geometry(county, tmp_path):
    units = county["frames"]["units"].copy()
    units.loc[0, "geometry"] = None
    path = write(units, tmp_path / "units.gpkg")
    refused(partition_args(county, tmp_path / "out", units=path), "units", "units.gpkg", "row 1", "Ward 2",
            "has no geometry", "give them their geometry or delete them", out=tmp_path / "out")


@pytest.mark.parametrize("ids", [["2", None], ["2", ""], [None, None]])
def test_unit_without_id(county, tmp_path, ids):
    """A NULL id was read as '' (grid codes '-001' that validate refused; two NULLs: 'not unique: ['']')."""
    units = county["frames"]["units"].assign(unit_id=ids)
    path = write(units, tmp_path / "units.gpkg")
    first, count = (1, 2) if ids[0] is None else (2, 1)
    refused(partition_args(county, tmp_path / "out", units=path), "units", "units.gpkg", f"row {first} ",
            "has no id in column 'unit_id'", f"({count} row(s) in all)", "give every unit an id", "--unit-id",
            out=tmp_path / "out")


def test_duplicate_unit_ids_name_the_file_and_rows(county, tmp_path):
    units = county["frames"]["units"].assign(unit_id=["7", "7"])
    path = write(units, tmp_path / "units.gpkg")
    refused(partition_args(county, tmp_path / "out", units=path), "units", "units.gpkg", "id '7'",
            "column 'unit_id'", "on rows 1, 2", "its own id", out=tmp_path / "out")


def test_units_with_chinese_column_names(county, tmp_path):
    """区划代码 and 村名 are found as the ids and names without --unit-id / --unit-name."""
    units = county["frames"]["units"].rename(columns={"unit_id": "区划代码", "name": "村名"})
    path = write(units, tmp_path / "units.gpkg")
    plan, summary, _ = accepted(county, tmp_path, units=path)
    assert sorted(plan.units["unit_id"]) == ["2", "3"] and sorted(plan.units["name"]) == ["Ward 2", "Ward 3"]


def test_the_help_lists_the_unit_columns_tried():
    from gridmap import i18n
    from gridmap.inputs.files import UNIT_ID_COLUMNS, UNIT_NAME_COLUMNS

    for lang in ("zh", "en"):
        assert all(c in i18n.text("help.option.unit_id", lang) for c in UNIT_ID_COLUMNS)
        assert all(c in i18n.text("help.validate.option.unit_id", lang) for c in UNIT_ID_COLUMNS)
        assert all(c in i18n.text("help.option.unit_name", lang) for c in UNIT_NAME_COLUMNS)


def test_unit_with_empty_geometry(county, tmp_path):
    units = county["frames"]["units"].copy()
    units.loc[1, "geometry"] = shapely.Polygon()
    path = write(units, tmp_path / "units.gpkg")
    refused(partition_args(county, tmp_path / "out", units=path), "units.gpkg", "row 2", "Ward 3", "has no geometry",
            out=tmp_path / "out")


def test_units_not_covering_the_area(county, tmp_path):
    path = write(county["frames"]["units"].iloc[[1]], tmp_path / "units.gpkg")
    refused(partition_args(county, tmp_path / "out", units=path), "units:", "uncovered", "km²", "lon", "lat",
            "give the missing unit(s)", out=tmp_path / "out")


def test_units_overlapping_by_a_thin_sliver_lose_it_to_the_earlier_unit(county, tmp_path):
    """Ward 2 drawn 3 m over Ward 3 (borders digitised across each other): Ward 3 loses the strip,
    the summary says so, and the plan passes its own validation (it failed it before: grids
    across unit borders, a gap)."""
    units = county["frames"]["units"].to_crs(32619)
    units.loc[0, "geometry"] = units.geometry.iloc[0].buffer(3.0)
    path = write(units.to_crs(4326), tmp_path / "units.gpkg")
    area = write(county["frames"]["area"].assign(geometry=[shapely.union_all(units.to_crs(4326).geometry.values)]),
                 tmp_path / "area.gpkg")
    code, text = gm(*partition_args(county, tmp_path / "out", units=path, area=area))
    assert code == 0, text
    assert "1 thin overlap(s) between units" in text and "kept by the unit earlier in the layer" in text
    assert summary_of(tmp_path / "out")["households"] == pytest.approx(county["households_total"])
    code, text = gm("validate", tmp_path / "out" / "plan.gpkg", "-q", "--lang", "en")
    assert code == 0, text


def test_units_overlapping_wide_are_refused_naming_both(county, tmp_path):
    units = county["frames"]["units"].to_crs(32619)
    units.loc[0, "geometry"] = units.geometry.iloc[0].buffer(80.0)
    path = write(units.to_crs(4326), tmp_path / "units.gpkg")
    area = write(county["frames"]["area"].assign(geometry=[shapely.union_all(units.to_crs(4326).geometry.values)]),
                 tmp_path / "area.gpkg")
    refused(partition_args(county, tmp_path / "out", units=path, area=area), "units: units 2 (Ward 2) and 3 (Ward 3)",
            "units.gpkg", "overlap by", "m² around lon", "snap their shared borders", out=tmp_path / "out")


def test_census_polygons_that_neither_nest_in_nor_cover_the_units(county, tmp_path):
    """Blocks as households (and atoms) against units from another source: 30 empty blocks missing
    and Ward 3 drawn 3 m over Ward 2. The plan used to leave gaps and grids across unit borders
    (validate: errors); now the units follow the blocks there and the summary says so."""
    blocks = gpd.read_file(PROVIDENCE / "blocks.zip")
    blocks = blocks[blocks["WARD"].astype(int).astype(str).isin(WARDS)].reset_index(drop=True)
    blocks = blocks.drop(index=blocks.index[blocks["TOTPOP"] == 0][:30]).assign(hh=lambda b: b["TOTPOP"] / 2.3)
    units = county["frames"]["units"].to_crs(32619)
    units.loc[1, "geometry"] = units.geometry.iloc[1].buffer(3.0)
    units_path = write(units.to_crs(4326), tmp_path / "units.gpkg")
    blocks_path = write(blocks[["hh", "geometry"]], tmp_path / "blocks.gpkg")
    args = ["partition", "--units", units_path, "--households", blocks_path, "--households-column", "hh",
            "--urban", "all", "--lang", "en", "--out", tmp_path / "out", "-q"]
    code, text = gm(*args)
    assert code == 0, text
    assert "unit(s) redrawn along the census polygons" in text and "no census polygon covers" in text
    assert summary_of(tmp_path / "out")["households"] == pytest.approx(blocks["hh"].sum())
    code, text = gm("validate", tmp_path / "out" / "plan.gpkg", "-q", "--lang", "en")
    assert code == 0, text


def test_a_census_polygon_whose_inner_point_a_unit_cuts_off(county, tmp_path):
    """Units drawn a little inside the blocks: a block's inner point fell 0.1 m outside the area and its
    households were refused as outside it, though the block is an atom of the unit it overlaps (the unit
    redrawn along it). Its households are now placed in its part inside the area."""
    blocks = gpd.read_file(PROVIDENCE / "blocks.zip").to_crs(32619)
    blocks = blocks[blocks["WARD"].astype(int).astype(str).isin(WARDS)].reset_index(drop=True)
    blocks = blocks.assign(hh=blocks["TOTPOP"] / 2.3)
    units = county["frames"]["units"].to_crs(32619)
    peopled = blocks[blocks["hh"] > 0]
    block = peopled.geometry.iloc[0]
    inner = block.representative_point()
    units = units.assign(geometry=units.geometry.difference(inner.buffer(2.0)))  # the unit misses the point
    assert not units.union_all().covers(inner) and units.union_all().intersects(block)
    args = ["partition", "--units", write(units.to_crs(4326), tmp_path / "units.gpkg"),
            "--households", write(blocks[["hh", "geometry"]].to_crs(4326), tmp_path / "blocks.gpkg"),
            "--households-column", "hh", "--urban", "all", "--lang", "en", "--out", tmp_path / "out", "-q"]
    code, text = gm(*args)
    assert code == 0, text
    assert summary_of(tmp_path / "out")["households"] == pytest.approx(blocks["hh"].sum())
    code, text = gm("validate", tmp_path / "out" / "plan.gpkg", "-q", "--lang", "en")
    assert code == 0, text


def test_households_outside_the_area_say_where_and_how_near():
    from gridmap.errors import InputError
    from gridmap.households import inside_area

    area = shapely.box(0, 0, 100, 100)
    points = gpd.GeoDataFrame({"households": [3.0, 2.0, 5.0]},
                              geometry=shapely.points([(50, 50), (100.5, 20), (400, 400)]), crs=32619)
    points.attrs["path"] = "hh.gpkg"
    with pytest.raises(InputError, match=r"2 point\(s\) of hh.gpkg \(7 households\) lie outside the area, the "
                                         r"nearest \(row 2\) at lon .* 0.5 m from it; .*gap or hole in the units"):
        inside_area(points, area)


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
def test_unit_with_nan_coordinates(county, tmp_path):
    """A NaN vertex ended in GEOS's 'NaN/Inf' as an internal error (exit 1): now refused where the file is read."""
    units = county["frames"]["units"].copy()
    ring = np.asarray(units.geometry.iloc[1].exterior.coords)
    ring[3] = [np.nan, ring[3][1]]
    units.loc[1, "geometry"] = shapely.Polygon(ring)
    path = write(units, tmp_path / "units.gpkg")
    refused(partition_args(county, tmp_path / "out", units=path), "units", "units.gpkg", "row 2", "unit_id='3'",
            "NaN or infinite coordinates", "(1 row(s) in all)", out=tmp_path / "out")


def test_units_labelled_degrees_in_metres(county, tmp_path):
    units = county["frames"]["units"].to_crs(32619).set_crs(4326, allow_override=True)
    path = write(units, tmp_path / "units.gpkg")
    refused(partition_args(county, tmp_path / "out", units=path), "units", "units.gpkg", "look like metres",
            "real CRS", out=tmp_path / "out")


# --------------------------------------------------------------------------- households


@pytest.mark.parametrize("value, says", [(np.inf, "is infinite"), (-5.0, "is negative"), (np.nan, "non-numeric"),
                                         (1e9, "more than 10,000,000"), (1e300, "more than 10,000,000")])
def test_bad_household_counts(county, tmp_path, value, says):
    households = county["frames"]["households"].copy()
    households.loc[6, "hh"] = value
    path = write(households, tmp_path / "hh.gpkg")
    refused(partition_args(county, tmp_path / "out", households=path), "households", "hh.gpkg", "row 7", "hh =",
            says, out=tmp_path / "out")


def test_household_rows_without_geometry(county, tmp_path):
    households = county["frames"]["households"].copy()
    households.loc[[3, 8, 9], "geometry"] = None
    path = write(households, tmp_path / "hh.gpkg")
    refused(partition_args(county, tmp_path / "out", households=path), "households", "hh.gpkg", "row 4",
            "has no geometry", "(3 row(s) in all)", out=tmp_path / "out")


def test_lines_among_household_points(county, tmp_path):
    households = county["frames"]["households"].copy()
    households.loc[5, "geometry"] = shapely.LineString([(-71.40, 41.83), (-71.41, 41.84)])
    path = write(households, tmp_path / "hh.gpkg")
    refused(partition_args(county, tmp_path / "out", households=path), "households", "row 6", "LineString",
            "not a point", out=tmp_path / "out")


def test_household_points_labelled_degrees_in_metres(county, tmp_path):
    households = county["frames"]["households"].to_crs(32619).set_crs(4326, allow_override=True)
    path = write(households, tmp_path / "hh.gpkg")
    refused(partition_args(county, tmp_path / "out", households=path), "hh.gpkg", "look like metres",
            out=tmp_path / "out")


def test_no_household_at_all(county, tmp_path):
    households = county["frames"]["households"].assign(hh=0.0)
    path = write(households, tmp_path / "hh.gpkg")
    args = partition_args(county, tmp_path / "out", households=path)
    refused(args, "households", "hh.gpkg", "no household inside the area", "--households-column",
            out=tmp_path / "out")
    refused(["run", *args[1:]], "no household inside the area", out=tmp_path / "out")


def accepted(county, tmp_path, *options, **files):
    """Partition the county with some files replaced; the plan's summary, meta and terminal output."""
    import gridmap

    out = tmp_path / "out"
    code, text = gm(*partition_args(county, out, **files), *options)
    assert code == 0, text
    plan = gridmap.Plan.load(out / "plan.gpkg")
    summary = summary_of(out)
    assert plan.meta["summary"]["households_read"] == summary["households_read"]
    # conserved and accounted for: read = in the grids + dropped (by reason)
    dropped = sum(d["households"] for d in summary["households_dropped"].values())
    assert summary["households_read"] == pytest.approx(summary["households_used"] + dropped)
    assert plan.grids["households"].sum() == pytest.approx(summary["households_used"])
    assert plan.households["households"].sum() == pytest.approx(summary["households_used"])
    return plan, summary, text


def report_text(plan, lang="en"):
    from gridmap.report import build_report

    report = build_report(plan, lang=lang, validate=False)
    return " ".join(str(b) for b in report.section("overview").blocks)


def test_polygons_among_household_points_are_counted_and_said(county, tmp_path):
    households = county["frames"]["households"].copy()
    metric = households.to_crs(32619)
    households.loc[:2, "geometry"] = metric.geometry[:3].buffer(15).to_crs(households.crs).to_numpy()
    moved = float(households["hh"][:3].sum())
    path = write(households, tmp_path / "hh.gpkg")
    plan, summary, text = accepted(county, tmp_path, households=path)
    assert summary["households_used"] == pytest.approx(county["households_total"])
    (repair,) = summary["repairs"]
    assert repair["code"] == "polygons_as_points" and repair["count"] == 3 and repair["households"] == moved
    assert f"3 polygon(s) among the household points ({moved:,.0f} households) counted at a point inside" in text
    assert "3 polygon(s) among the household points" in report_text(plan)
    assert "3 个面" in report_text(plan, "zh")


def test_multipoint_households(county, tmp_path):
    households = county["frames"]["households"].copy()
    households["geometry"] = [shapely.MultiPoint([g]) for g in households.geometry.values]
    path = write(households, tmp_path / "hh.gpkg")
    plan, summary, _ = accepted(county, tmp_path, households=path)
    assert summary["households_used"] == pytest.approx(county["households_total"])
    assert summary["households_dropped"] == {}


def test_drop_outside_says_how_many(county, tmp_path):
    households = county["frames"]["households"].copy()
    households.loc[:3, "geometry"] = shapely.points([(-70.0, 41.0)] * 4)
    dropped = float(households["hh"][:4].sum())
    path = write(households, tmp_path / "hh.gpkg")
    refused(partition_args(county, tmp_path / "x", households=path), "4 point(s)", "outside the area",
            "--drop-outside", out=tmp_path / "x")
    plan, summary, text = accepted(county, tmp_path, "--drop-outside", households=path)
    assert summary["households_read"] == pytest.approx(county["households_total"])
    assert summary["households_dropped"] == {"outside_area": {"features": 4, "households": dropped}}
    assert summary["households_used"] == pytest.approx(county["households_total"] - dropped)
    assert f"{dropped:,.0f} households (4 features) outside the area dropped (--drop-outside)" in text
    assert f"{dropped:,.0f} households (4 features) outside the area dropped" in report_text(plan)
    assert plan.meta["summary"]["households_dropped"]["outside_area"]["households"] == dropped


def test_duplicate_household_points_are_said(county, tmp_path):
    households = county["frames"]["households"]
    doubled = gpd.GeoDataFrame(pd_concat([households, households.iloc[:5]]), crs=households.crs)
    path = write(doubled, tmp_path / "hh.gpkg")
    plan, summary, text = accepted(county, tmp_path, households=path)
    extra = float(households["hh"][:5].sum())
    assert summary["households_used"] == pytest.approx(county["households_total"] + extra)
    (repair,) = summary["repairs"]
    assert repair["code"] == "duplicates_counted" and repair["count"] == 5
    assert "5 row(s) equal to another in position and every value" in text
    assert "5 row(s) equal to another" in report_text(plan)


def household_table(county, path: Path, *, x="经度", y="纬度", encoding="utf-8", crs=4326, spoil=None) -> Path:
    """The county's household points as a register table: 编号, longitude, latitude, 户数 (a row each)."""
    import pandas as pd

    points = county["frames"]["households"].to_crs(crs)
    frame = pd.DataFrame({"编号": np.arange(1, len(points) + 1), x: points.geometry.x.round(7),
                          y: points.geometry.y.round(7), "户数": points["hh"]}).astype(object)
    if spoil:
        spoil(frame)
    if path.suffix == ".xlsx":
        frame.to_excel(path, index=False)
    else:
        path.write_bytes(frame.to_csv(index=False).encode(encoding))
    return path


@pytest.mark.parametrize("name, x, y, encoding", [("hh.csv", "经度", "纬度", "gbk"), ("hh.csv", "Lon", "LAT", "utf-8-sig"),
                                                  ("hh.xlsx", "X", "Y", None)])
def test_households_as_a_table_of_points(county, tmp_path, name, x, y, encoding):
    """A household register as a spreadsheet: coordinate columns in degrees, any case, GBK or UTF-8 with BOM."""
    path = household_table(county, tmp_path / name, x=x, y=y, encoding=encoding)
    plan, summary, _ = accepted(county, tmp_path, "--households-column", "户数", households=path)
    assert summary["households_used"] == pytest.approx(county["households_total"])
    assert summary["households_dropped"] == {}


def table_args(county, tmp_path, path):
    """``gridmap partition`` on the county with the household table ``path`` (its 户数 column)."""
    return partition_args(county, tmp_path / "out", households=path) + ["--households-column", "户数"]


def test_household_table_in_metres_is_refused(county, tmp_path):
    path = household_table(county, tmp_path / "hh.csv", x="x", y="y", crs=32619)
    refused(table_args(county, tmp_path, path),
            "households", "hh.csv", "row 2", "not degrees", "longitudes and latitudes", "GeoPackage/Shapefile with its CRS",
            out=tmp_path / "out")


def test_household_table_rows_without_coordinates(county, tmp_path):
    def spoil(frame):
        frame.loc[4, "经度"] = ""
        frame.loc[[9, 11], "纬度"] = "n/a"

    path = household_table(county, tmp_path / "hh.csv", spoil=spoil)
    refused(table_args(county, tmp_path, path),
            "households", "hh.csv", "row 6", "missing or not a number", "(3 such row(s))", "longitude and latitude",
            out=tmp_path / "out")


def test_household_table_bad_count_names_the_row_of_the_file(county, tmp_path):
    def spoil(frame):
        frame.loc[3, "户数"] = "12户"

    path = household_table(county, tmp_path / "hh.csv", spoil=spoil, encoding="gbk")
    refused(table_args(county, tmp_path, path),
            "households", "hh.csv", "row 5", "'12户'", "non-numeric", out=tmp_path / "out")


def test_household_table_in_gbk_with_the_wrong_encoding(county, tmp_path):
    path = household_table(county, tmp_path / "hh.csv", encoding="gbk")
    refused(table_args(county, tmp_path, path) + ["--encoding", "utf-8"], "hh.csv", "not valid utf-8", "--encoding",
            out=tmp_path / "out")


def test_encoding_applies_only_to_files_without_their_own(county, tmp_path):
    """--encoding gbk is for Shapefiles and CSV tables: a GeoPackage (UTF-8 by its specification) of Chinese names
    is read as UTF-8 still, beside a GBK Shapefile that the option is for."""
    units = county["frames"]["units"].assign(name=["二村", "三村"])
    gpkg = write(units, tmp_path / "units.gpkg")
    households = county["frames"]["households"].assign(note="户")
    shp = tmp_path / "hh.shp"
    households.to_file(shp, encoding="gbk")
    (tmp_path / "hh.cpg").unlink(missing_ok=True)
    plan, summary, _ = accepted(county, tmp_path, "--encoding", "gbk", units=gpkg, households=shp)
    assert sorted(plan.units["name"]) == ["三村", "二村"]
    assert summary["households_used"] == pytest.approx(county["households_total"])


@pytest.fixture(scope="module")
def census_blocks():
    """The census blocks of the county's two wards (polygons with a households column hh)."""
    blocks = gpd.read_file(PROVIDENCE / "blocks.zip")
    blocks = blocks[blocks["WARD"].astype(int).astype(str).isin(WARDS)].reset_index(drop=True)
    return blocks.assign(hh=np.round(blocks["TOTPOP"] / 2.3))[["GEOID10", "hh", "geometry"]]


@pytest.mark.parametrize("spoil, says", [
    ("duplicate", "are the same polygon"),
    ("tract", "overlap"),
    ("shifted", "overlap")])
def test_census_polygons_that_overlap(county, census_blocks, tmp_path, spoil, says):
    """Census blocks are households and atoms: a block given twice counted its households twice (77,719 for
    77,409 on Providence), a tract among its blocks or overlapping blocks made plans that failed validate."""
    blocks = census_blocks
    if spoil == "duplicate":
        extra = blocks.iloc[[4, 4, 9]]
    elif spoil == "tract":
        extra = gpd.GeoDataFrame({"GEOID10": ["TRACT"], "hh": [900.0]},
                                 geometry=[shapely.union_all(blocks.geometry.values[:40])], crs=blocks.crs)
    else:
        extra = blocks.iloc[[6]].to_crs(32619).translate(20, 0).to_crs(blocks.crs)
        extra = gpd.GeoDataFrame({"GEOID10": ["X"], "hh": [3.0]}, geometry=extra.to_numpy(), crs=blocks.crs)
    path = write(gpd.GeoDataFrame(pd_concat([blocks, extra]), crs=blocks.crs), tmp_path / "blocks.gpkg")
    line = refused(partition_args(county, tmp_path / "out", households=path), "households", "blocks.gpkg", "rows ",
                   says, "m²", "overlapping pair(s) in all", "must not overlap", "or give household points",
                   out=tmp_path / "out")
    if spoil == "duplicate":  # block 5 three times (3 pairs), block 10 twice (1 pair)
        assert f"rows 5 (GEOID10='{blocks['GEOID10'][4]}'" in line and f"and {len(blocks) + 1} " in line
        assert "; 4 overlapping pair(s) in all)" in line, line


def test_census_polygons_overlapping_by_noise_are_accepted():
    """An edge drawn twice a few centimetres apart overlaps by under OVERLAP_TOLERANCE_M2 (1 m²): not refused."""
    from gridmap.errors import InputError
    from gridmap.inputs.files import OVERLAP_TOLERANCE_M2, require_no_overlaps

    assert OVERLAP_TOLERANCE_M2 == 1.0
    def squares(overlap_m):
        return gpd.GeoDataFrame({"hh": [5, 7]}, geometry=[shapely.box(0, 0, 100, 100),
                                                          shapely.box(100 - overlap_m, 0, 200, 100)], crs=32650)

    require_no_overlaps(squares(0.0), "households", "b.gpkg")
    require_no_overlaps(squares(0.009), "households", "b.gpkg")  # 0.9 m²
    with pytest.raises(InputError, match=r"b.gpkg rows 1 \(hh=5\) and 2 \(hh=7\) overlap \(2 m²; 1 overlapping"):
        require_no_overlaps(squares(0.02), "households", "b.gpkg")


def pd_concat(frames):
    import pandas as pd

    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------- lines


def test_roads_with_x_and_y_swapped(county, tmp_path):
    roads = county["frames"]["roads"].copy()
    roads["geometry"] = shapely.transform(roads.geometry.values, lambda xy: xy[:, ::-1])
    path = write(roads, tmp_path / "roads.gpkg")
    refused(partition_args(county, tmp_path / "out", roads=path), "roads", "roads.gpkg", "not one of the",
            "x and y look swapped", out=tmp_path / "out")


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
def test_road_lines_with_infinite_or_nan_coordinates_are_dropped_and_said(county, tmp_path):
    roads = county["frames"]["roads"].copy()
    line = np.asarray(roads.geometry.iloc[0].coords)
    bad = gpd.GeoDataFrame({"highway": ["residential"] * 2},
                           geometry=[shapely.LineString([line[0], (np.inf, line[0][1])]),
                                     shapely.LineString([line[0], (line[0][0], np.nan)])], crs=roads.crs)
    path = write(gpd.GeoDataFrame(pd_concat([roads, bad]), crs=roads.crs), tmp_path / "roads.gpkg")
    plan, summary, text = accepted(county, tmp_path, roads=path)
    assert summary["households_used"] == pytest.approx(county["households_total"])
    (repair,) = summary["repairs"]
    assert repair["input"] == "roads" and repair["code"] == "non_finite" and repair["count"] == 2
    assert "roads.gpkg): 2 feature(s) with NaN or infinite coordinates dropped" in text


def test_roads_elsewhere(county, tmp_path):
    roads = county["frames"]["roads"].copy()
    roads["geometry"] = shapely.transform(roads.geometry.values, lambda xy: xy + [3.0, 0.0])
    path = write(roads, tmp_path / "roads.gpkg")
    refused(partition_args(county, tmp_path / "out", roads=path), "roads", "not one of the", "check the layers' CRS",
            out=tmp_path / "out")


# --------------------------------------------------------------------------- band and grid codes


def test_band_one_one_is_refused_before_any_work(county, tmp_path, monkeypatch):
    import gridmap.pipeline

    def never(*args, **kwargs):
        raise AssertionError("atoms were cut or a unit partitioned before the band was refused")

    # no clock: the steps that would do the work fail the test if they are reached at all
    for name in ("build_atoms", "atoms_from_polygons", "_plan_unit_task"):
        monkeypatch.setattr(gridmap.pipeline, name, never)
    refused([*partition_args(county, tmp_path / "out"), "--band", 1, 1], "band: unit 2 (Ward 2)",
            "at most 900 grids per unit", "raise the band's MAX or split the unit", out=tmp_path / "out")


def test_more_than_900_grids_in_a_unit(county, tmp_path):
    # Ward 2 holds 5,414 households: at most 5 per grid, 1,083 grids; serials 901-999 are the dedicated grids'
    refused([*partition_args(county, tmp_path / "out"), "--band", 3, 5], "band: unit 2 (Ward 2)", "1,083 grids",
            "at most 900 grids per unit", "serials 001-900", out=tmp_path / "out")


# --------------------------------------------------------------------------- rules files (TOML)


@pytest.mark.parametrize("toml, says", [
    ('[plan.urban]\nmin_density = "high"\n', 'plan.urban.min_density: expected a number, got \'high\''),
    ("[plan.urban]\nurban_pattern = 5\n", "plan.urban.urban_pattern: expected a text in quotes, got 5"),
    ('[plan]\ncut_weights = {river = "low"}\n', "plan.cut_weights.river: expected a number, got 'low'"),
    ('[plan]\nband = [300, "500"]\n', "plan.band[1]: expected a number, got '500'"),
    ("[plan]\nband = [300]\n", "plan.band: expected 2 values"),
    ("[plan]\nseed = true\n", "plan.seed: expected a whole number, got True"),
    ("[plan]\nseed = 1.5\n", "plan.seed: expected a whole number, got 1.5"),
    ("[plan]\nsliver_m2 = nan\n", "plan.sliver_m2: expected a number, got nan"),
    ("[plna]\nband = [300, 500]\n[reach]\nmode = 'walk'\n", "unknown table or key 'plna'"),
    ("[plna]\nband = [300, 500]\n[reach]\nmode = 'walk'\n", "did you mean [plan]?"),
    ("[plan]\nbnad = [300, 500]\n", "plan: unknown parameter(s) ['bnad']"),
    ("[plan.households]\ndwelling_m2 = {apartments = -90.0}\n",
     "households.dwelling_m2.apartments: must be a number > 0 (m² per dwelling), got -90.0"),
    ("[plan.households]\ndwelling_m2 = {residential = -100.0, apartments = 90.0}\n",
     "households.dwelling_m2.residential: must be a number > 0"),
    ("[plan.households]\ndefault_levels = {yes = 0}\n", "households.default_levels.yes: must be a number > 0"),
    ("[plan.rural]\ngap_m = -1\n", "rural.gap_m: must be > 0 metres"),
    ("[plan]\nband = [300, 500\n", "is not valid TOML"),
])
def test_bad_rules_files(county, tmp_path, toml, says):
    path = tmp_path / "rules.toml"
    path.write_text(toml, encoding="utf-8")
    refused([*partition_args(county, tmp_path / "out"), "--config", path], "rules.toml", says, out=tmp_path / "out")


@pytest.mark.parametrize("encoding, says", [("gbk", "GBK"), ("utf-16", "UTF-16")])
def test_rules_file_in_another_encoding(county, tmp_path, encoding, says):
    path = tmp_path / "rules.toml"
    path.write_bytes('[plan]\nband = [300.0, 500.0]\n[plan.urban]\nurban_pattern = "社区|居委会"\n'.encode(encoding))
    refused([*partition_args(county, tmp_path / "out"), "--config", path], "rules.toml", says, "save it as UTF-8",
            out=tmp_path / "out")


def test_staffing_rules_with_wrong_types(county, tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text('[staffing]\nmonths_per_year = "twelve"\n', encoding="utf-8")
    refused(["run", *partition_args(county, tmp_path / "out")[1:], "--config", path], "rules.toml",
            "staffing.months_per_year: expected a whole number, got 'twelve'", out=tmp_path / "out")


# --------------------------------------------------------------------------- plans


@pytest.fixture(scope="module")
def hostile_plan(county, tmp_path_factory):
    """The county's plan with units named to break what they reach: a formula, a link, a formula of TeX."""
    folder = tmp_path_factory.mktemp("hostile_plan")
    units = county["frames"]["units"].copy()
    units["name"] = ["=HYPERLINK(\"http://x\",\"$2^{10}$ \\\\frac\")", "[click](javascript:alert(1)) @SUM(A1)"]
    path = write(units, folder / "units.gpkg")
    code, text = gm(*partition_args(county, folder / "out", units=path))
    assert code == 0, text
    return folder / "out" / "plan.gpkg"


def test_names_with_dollars_reach_the_report(hostile_plan, tmp_path):
    code, text = gm("report", hostile_plan, "--out", tmp_path / "report.html", "--lang", "en")
    assert code == 0, text
    assert "$2^{10}$" in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_markdown_report_holds_no_links_from_the_data(hostile_plan, tmp_path):
    code, text = gm("report", hostile_plan, "--out", tmp_path / "report.md", "--markdown", "--lang", "en")
    assert code == 0, text
    markdown = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "javascript:" in markdown and "](javascript:" not in markdown and "[click]" not in markdown


def test_csv_cells_never_start_a_formula(hostile_plan, tmp_path):
    import csv

    code, text = gm("staff", hostile_plan, "--out", tmp_path / "staffed", "-q")
    assert code == 0, text
    for name in ("roster.csv", "budget.csv"):
        with open(tmp_path / "staffed" / name, encoding="utf-8-sig", newline="") as f:
            cells = [cell for row in csv.reader(f) for cell in row]
        assert not [c for c in cells if c[:1] in ("=", "+", "@") or (c[:1] == "-" and not _number(c))], name
    roster = (tmp_path / "staffed" / "roster.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in roster


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@pytest.fixture(scope="module")
def grids_only(county, tmp_path_factory):
    """A plan file holding only its grids layer (as a user may export it from QGIS)."""
    folder = tmp_path_factory.mktemp("grids_only")
    code, text = gm(*partition_args(county, folder / "out"))
    assert code == 0, text
    grids = gpd.read_file(folder / "out" / "plan.gpkg", layer="grids")
    grids.to_file(folder / "grids.gpkg", layer="grids")
    return folder / "grids.gpkg"


@pytest.mark.parametrize("command, says", [("staff", "no layer 'households'"), ("reach", "no households layer")])
def test_plan_of_grids_only(grids_only, tmp_path, command, says):
    refused([command, grids_only, "--out", tmp_path / "out", "-q", "--lang", "en"], says, out=tmp_path / "out")


@pytest.mark.parametrize("command, name", [("map", "map.html"), ("report", "report.html")])
def test_plan_of_grids_only_is_still_drawn(grids_only, tmp_path, command, name):
    code, text = gm(command, grids_only, "--out", tmp_path / name)
    assert code == 0 and (tmp_path / name).exists(), text


# --------------------------------------------------------------------------- accounting on the real plans


@pytest.mark.parametrize("fixture", ["li_plan", "pvd_plan"])
def test_households_accounted_for_on_real_plans(request, fixture):
    """Buildings (Liechtenstein) and census blocks (Providence): read = in the grids + dropped."""
    summary = request.getfixturevalue(fixture).meta["summary"]
    dropped = sum(d["households"] for d in summary["households_dropped"].values())
    assert summary["households_read"] == pytest.approx(summary["households_used"] + dropped)
    assert summary["households_used"] == pytest.approx(summary["households"])
