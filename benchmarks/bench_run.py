"""Benchmark of `gridmap run` end to end: seconds per step, and the whole command's wall time.

    python benchmarks/bench_run.py [--repeats 3] [-- RUN OPTIONS ...]

Default options are `make demo`'s (the bundled Liechtenstein extract, ``--units-level 8
--urban all --band 300 500 --seed 0``). Each repeat runs in a fresh Python process so
that imports count as they do for a user:

* **steps**: a child process runs the same library calls as ``gridmap run``, in the same
  order, with a clock around each (imports of a step's modules count in that step), wall and
  CPU seconds of the main process per step, and the CPU seconds of the processes it started
  (``cpu other processes``: the pool's workers, the extract's scan, Chromium);
  the plan's own per-step timings (``meta["timings_s"]``, ``meta["reach"]["timings_s"]``)
  split the partition and reach steps further;
* **command**: ``python -m gridmap.cli.main run ... -q`` as a user runs it, its wall
  time and peak resident memory (``VmHWM`` of the child, via ``resource``).

gridmap's modules are compiled to bytecode first, as ``pip install`` leaves them (an editable
checkout under ``PYTHONDONTWRITEBYTECODE=1`` would compile them from source in every process).
Prints the median of the repeats for every step and the command (peak MB: the command's own ``ru_maxrss``),
between two readings of the machine's speed (:func:`machine_speed`: a shared machine's drifts by a third). ``--osm-cache``: ``off``
(default: every run parses the extract, as before the cache), ``warm`` (a cache folder of
its own, filled by one unmeasured read first: a re-run of the same extract). ``--synthetic N``
instead times ``make_plan`` + staffing + reach + outputs on a synthetic tessellation of N
atoms (Voronoi blocks with household counts as the atoms, a street on every block edge;
clearly synthetic), for the 100,000-atom target, with as many worker processes as `gridmap run`
would use (``--jobs`` overrides).
"""
from __future__ import annotations

import argparse
import compileall
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEMO = ["--osm", str(ROOT / "data" / "liechtenstein.osm.pbf"), "--area-name", "Liechtenstein", "--units-level", "8",
        "--urban", "all", "--band", "300", "500", "--seed", "0"]


def _cpu_laps() -> dict:
    """CPU seconds of the plan's own steps (``meta["timings_s"]`` are wall seconds): the
    first lap clock made (make_plan's; reach makes its own later) also read with
    ``time.process_time`` in this child process."""
    from gridmap import _timing

    cpu: dict[str, float] = {}
    init, lap = _timing.Laps.__init__, _timing.Laps.lap
    first = []

    def started(self):
        init(self)
        self._cpu_clock = time.process_time()
        first.append(self) if not first else None

    def timed(self, name):
        now = time.process_time()
        if first and self is first[0]:
            cpu[name] = cpu.get(name, 0.0) + now - self._cpu_clock
        self._cpu_clock = now
        return lap(self, name)

    _timing.Laps.__init__, _timing.Laps.lap = started, timed
    return cpu


def _child_steps(run_args: list[str], out: str) -> dict:
    """One timed run of the steps of ``gridmap run`` (in this process); seconds per step."""
    times: dict[str, float] = {}
    cpu: dict[str, float] = {}
    clock = [time.perf_counter(), time.process_time()]

    def lap(name):
        # wall and CPU seconds: on a shared machine the CPU time is what an idle run's wall would be
        now, used = time.perf_counter(), time.process_time()
        times[name] = times.get(name, 0.0) + now - clock[0]
        cpu[name] = cpu.get(name, 0.0) + used - clock[1]
        clock[:] = [now, used]

    from gridmap.cli import run_cmd

    plan_cpu = _cpu_laps()
    lap("import cli")
    # The command's own parsing of the options, so the step sees exactly the options `run` gets.
    ctx = run_cmd.command.make_context("run", [*run_args, "--out", out, "-q"])
    params = dict(ctx.params)
    lap("parse options")
    from gridmap import runner

    lap("import runner")
    for name in ("out_dir", "quiet", "strict"):
        params.pop(name)
    result = runner.run_county(Path(out), laps=lap, **params)
    times.update({f"  plan.{k}": v for k, v in result.plan.meta.get("timings_s", {}).items()})
    times.update({f"  reach.{k}": v for k, v in result.plan.meta.get("reach", {}).get("timings_s", {}).items()})
    times.update({f"  cpu plan.{k}": v for k, v in plan_cpu.items()})
    times["total (steps)"] = sum(v for k, v in times.items() if not k.startswith("  "))
    times.update({f"cpu {k}": v for k, v in cpu.items()})
    times["cpu total"] = sum(cpu.values())
    # CPU of the processes the run started and ended (the pool's workers, the extract's scan ahead,
    # Chromium): the work taken off the main process's critical path is there
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    times["cpu other processes"] = children.ru_utime + children.ru_stime
    times["peak MB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return times


def _env() -> dict:
    return dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))


def _run_child(args: list[str]) -> dict:
    env = _env()
    done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"child failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _command(run_args: list[str], out: str) -> tuple[float, float]:
    """Wall seconds and peak MB of ``python -m gridmap.cli.main run`` (a fresh process)."""
    env = _env()
    start = time.perf_counter()
    # in the checkout measured: `python -m` puts the current folder first on sys.path, before PYTHONPATH
    child = subprocess.Popen([sys.executable, "-m", "gridmap.cli.main", "run", *run_args, "--out", out, "-q"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    err = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)  # this child's own peak, not the largest child's so far
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in (0, 3):
        raise SystemExit(f"gridmap run failed:\n{err.decode(errors='replace')[-3000:]}")
    return wall, usage.ru_maxrss / 1024


def _medians(rows: list[dict]) -> dict:
    keys = list(dict.fromkeys(k for r in rows for k in r))
    return {k: statistics.median([r[k] for r in rows if k in r]) for k in keys}


def machine_speed(repeats: int = 5) -> float:
    """CPU seconds of a fixed pure-Python loop (median of ``repeats``): this machine's speed when the
    figures were taken. A shared virtual machine's speed drifts (the same loop took 0.25-0.35 s within
    a minute on the 2-core machine of these figures), so figures from different times compare only
    relative to it."""
    times = []
    for _ in range(repeats):
        start, total = time.process_time(), 0
        for i in range(3_000_000):
            total += i * i % 7
        times.append(time.process_time() - start)
    return statistics.median(times)


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "--child-steps":
        print(json.dumps(_child_steps(argv[2:], argv[1])))
        return
    if argv and argv[0] == "--child-synthetic":
        print(json.dumps(_child_synthetic(int(argv[1]), argv[2], int(argv[3]))))
        return
    run_args = DEMO
    if "--" in argv:
        cut = argv.index("--")
        argv, run_args = argv[:cut], argv[cut + 1:]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-command", action="store_true", help="skip timing the real command")
    parser.add_argument("--synthetic", type=int, help="time a synthetic tessellation of this many atoms instead")
    parser.add_argument("--osm-cache", choices=("off", "warm"), default="off",
                        help="the parsed-extract cache: off (parse every run) or warm (filled once first)")
    parser.add_argument("--jobs", type=int, help="with --synthetic: worker processes (default: as `gridmap run`, "
                        "the usable cores up to 4 where processes fork)")
    args = parser.parse_args(argv)
    # gridmap's modules as a pip install leaves them: compiled to bytecode once (an editable checkout run with
    # PYTHONDONTWRITEBYTECODE=1 would compile 60 modules from source in every process, ~0.15 s).
    compileall.compile_dir(str(ROOT / "gridmap"), quiet=1)
    print(f"machine speed reference before (a fixed Python loop, CPU s, median of 5): {machine_speed():.3f}")
    try:
        _main(args, run_args)
    finally:
        print(f"machine speed reference after: {machine_speed():.3f}")


def _main(args, run_args):
    with tempfile.TemporaryDirectory(prefix="bench_run_") as tmp:
        os.environ["GRIDMAP_CACHE"] = "on" if args.osm_cache == "warm" else "off"
        os.environ["GRIDMAP_CACHE_DIR"] = str(Path(tmp) / "cache")
        if args.osm_cache == "warm" and "--osm" in run_args:
            subprocess.run([sys.executable, "-c", "import sys; from gridmap.inputs.osm import read_osm; read_osm(sys.argv[1])",
                            run_args[run_args.index("--osm") + 1]], env=_env(), check=True, cwd=ROOT)
        if args.synthetic:
            from gridmap.cli.options import default_jobs

            jobs = args.jobs or default_jobs()
            rows = [_run_child(["--child-synthetic", str(args.synthetic), str(Path(tmp) / f"s{i}"), str(jobs)])
                    for i in range(args.repeats)]
            print(f"synthetic tessellation, {args.synthetic:,} atoms (SYNTHETIC, not a real county), "
                  f"{jobs} job(s); median of {args.repeats} fresh processes")
            for key, value in _medians(rows).items():
                print(f"  {key:<28s} {value:10.2f}")
            return
        rows = [_run_child(["--child-steps", str(Path(tmp) / f"steps{i}"), *run_args]) for i in range(args.repeats)]
        print(f"gridmap run {' '.join(run_args)}  (OSM cache {args.osm_cache})")
        print(f"per step, seconds, median of {args.repeats} fresh processes:")
        for key, value in _medians(rows).items():
            print(f"  {key:<28s} {value:8.2f}")
        if not args.no_command:
            walls = [_command(run_args, str(Path(tmp) / f"cmd{i}")) for i in range(args.repeats)]
            print(f"command `python -m gridmap.cli.main run ... -q`: wall {statistics.median(w for w, _ in walls):.2f} s "
                  f"median of {args.repeats} (runs: {', '.join(f'{w:.2f}' for w, _ in walls)}), "
                  f"peak {max(m for _, m in walls):.0f} MB")


# --------------------------------------------------------------------------- synthetic


def _synthetic_inputs(n_atoms: int, seed: int = 0):
    """A SYNTHETIC county of ``n_atoms`` Voronoi blocks with household counts (the atoms), streets between them.

    Square of side sqrt(n) × 100 m (blocks ≈ 100 m), 10 × 10 units, household counts
    gamma(0.8)-skewed (mean ≈ 40 per block, 10 % empty, capped at 450), a street along
    every block edge so reach has a network.
    """
    import geopandas as gpd
    import numpy as np
    import shapely

    from gridmap.pipeline import Inputs

    rng = np.random.default_rng(seed)
    side = float(np.sqrt(n_atoms) * 100.0)
    origin = np.array([500_000.0, 3_300_000.0])  # UTM 50N, in China
    pts = rng.uniform(0, side, size=(n_atoms, 2)) + origin
    square = shapely.box(*origin, *(origin + side))
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(pts), extend_to=square))
    cells = shapely.intersection(cells, square)
    cells = cells[shapely.area(cells) > 0]
    counts = np.minimum(np.round(rng.gamma(0.8, 50.0, size=len(cells))), 450)
    counts[rng.random(len(cells)) < 0.1] = 0
    blocks = gpd.GeoDataFrame({"households": counts}, geometry=cells, crs=32650)
    edges = shapely.get_parts(shapely.boundary(cells))
    roads = gpd.GeoDataFrame(geometry=edges, crs=32650).assign(highway="residential")
    k = 10
    step = side / k
    boxes = [shapely.box(*(origin + [i * step, j * step]), *(origin + [(i + 1) * step, (j + 1) * step]))
             for i in range(k) for j in range(k)]
    units = gpd.GeoDataFrame({"unit_id": [f"{i:03d}" for i in range(len(boxes))],
                              "name": [f"unit {i}" for i in range(len(boxes))], "parent_id": "",
                              "parent_name": ""}, geometry=boxes, crs=32650)
    area = gpd.GeoDataFrame({"name": ["synthetic"]}, geometry=[square], crs=32650)
    return Inputs(area=area, units=units, roads=roads, blocks=blocks,
                  sources={"synthetic": f"{n_atoms} Voronoi blocks, seed {seed}"})


def _child_synthetic(n_atoms: int, out: str, jobs: int) -> dict:
    times: dict[str, float] = {}
    cpu: dict[str, float] = {}
    clock = [time.perf_counter(), time.process_time()]

    def lap(name):
        # wall and CPU seconds: on a shared machine the CPU time is what an idle run's wall would be
        now, used = time.perf_counter(), time.process_time()
        times[name] = times.get(name, 0.0) + now - clock[0]
        cpu[name] = cpu.get(name, 0.0) + used - clock[1]
        clock[:] = [now, used]

    from gridmap import runner

    plan_cpu = _cpu_laps()
    inputs = _synthetic_inputs(n_atoms)
    lap("make inputs (not gridmap)")
    result = runner.run_county(Path(out), inputs=inputs, urban_mode="all", band=(300.0, 500.0), seed=0, laps=lap,
                                jobs=jobs)
    times.update({f"  plan.{k}": v for k, v in result.plan.meta.get("timings_s", {}).items()})
    times.update({f"  cpu plan.{k}": v for k, v in plan_cpu.items()})
    times["atoms"] = result.plan.meta["summary"]["atoms"]
    times["households"] = result.plan.meta["summary"]["households"]
    times["end to end s (gridmap)"] = sum(v for k, v in times.items() if not k.startswith("  ")
                                          and k not in ("make inputs (not gridmap)", "atoms", "households"))
    times.update({f"cpu {k}": v for k, v in cpu.items()})
    times["cpu end to end (gridmap)"] = sum(v for k, v in cpu.items() if k != "make inputs (not gridmap)")
    times["peak MB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    times["jobs"] = jobs
    # the largest worker process (0 with one job): with fork, its pages are shared with the parent until written
    times["peak MB of a worker"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return times


if __name__ == "__main__":
    main()
