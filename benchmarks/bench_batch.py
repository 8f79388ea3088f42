"""Benchmark of `gridmap batch` on dask.distributed: wall time, speed-up and memory per worker.

    python benchmarks/bench_batch.py [--workers 1,2] [--repeats 1]
    python benchmarks/bench_batch.py --synthetic 12 --workers 2

The default manifest holds three small real areas: Liechtenstein (the bundled extract,
every municipality urban), Providence's census blocks in its 15 wards (the blocks'
edges as streets) and the Shenzhen Longgang extract (its box as the area). Each
configuration runs the manifest in a fresh process (a new LocalCluster of N worker
processes, one thread each, loopback only) into a fresh folder, and prints:

* wall seconds of :func:`gridmap.batch.run_batch` (cluster start and stop included),
  the median of the repeats, and the speed-up over the first configuration;
* peak resident MB of each worker process (``ru_maxrss``, read on the workers at the
  end), and of the client process;
* households per second end to end (every county's households / wall), and the
  workers' CPU seconds (user + system, summed over the workers) with households per
  CPU second: on a shared machine, the figure that does not depend on the others' load
  (an idle machine's wall with N workers is about the CPU seconds / N, plus the start).

``--synthetic K``: a SYNTHETIC province of K counties made by replicating the three
real areas (county i is area i mod 3 under its own name; the plans repeat). It is
labelled synthetic in the output; it measures throughput and memory per worker, not
the variety of a real province.
The load average is printed too: on a shared machine the figures are only as good as
the idle it had.
"""
from __future__ import annotations

import argparse
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
DATA = ROOT / "data"


def write_inputs(folder: Path, counties: int | None = None) -> Path:
    """The three real areas' manifest in ``folder`` (or K replicated counties when ``counties``)."""
    import geopandas as gpd
    import shapely

    edges = folder / "block_edges.gpkg"
    if not edges.exists():
        blocks = gpd.read_file(DATA / "providence" / "blocks.zip")
        gpd.GeoDataFrame(geometry=shapely.get_parts(shapely.boundary(blocks.geometry.values)),
                         crs=blocks.crs).assign(highway="residential").to_file(edges)
    areas = [
        ("liechtenstein", f'osm = "{DATA / "liechtenstein.osm.pbf"}"\narea-name = "Liechtenstein"\nunits-level = 8\n'),
        ("providence", f'units = "{DATA / "providence" / "districts.zip"}"\n'
                       f'households = "{DATA / "providence" / "blocks.zip"}"\nhouseholds-column = "TOTPOP"\n'
                       f'households-divisor = 2.3\nroads = ["{edges}"]\n'),
        ("longgang", f'osm = "{DATA / "china-osm" / "shenzhen_longgang_2019.osm.pbf"}"\nextract-area = true\n'
                     'urban = "density"\n'),
    ]
    runs = []
    n = counties or len(areas)
    for i in range(n):
        name, body = areas[i % len(areas)]
        runs.append(f'[[run]]\nname = "{name if counties is None else f"synthetic-{i + 1:03d}-{name}"}"\n{body}')
    manifest = folder / ("three.toml" if counties is None else f"synthetic-{counties}.toml")
    manifest.write_text('[defaults]\nband = [300, 500]\nseed = 0\nurban = "all"\n\n' + "\n".join(runs),
                        encoding="utf-8")
    return manifest


def _child(manifest: str, out: str, workers: int) -> dict:
    sys.path.insert(0, str(ROOT))
    from gridmap.batch import run_batch
    from gridmap.cli.batch_cmd import manifest_counties

    counties = manifest_counties(manifest)
    start = time.perf_counter()
    result = run_batch(counties, out, workers=workers)
    wall = time.perf_counter() - start
    households = sum(float(r.get("households") or 0) for r in result.rows if r["status"] == "ok")
    return {"wall": wall, "counties": len(result.rows), "failed": len(result.failed), "households": households,
            "workers_mb": sorted(result.workers.values()), "workers_cpu": sum(result.worker_cpu.values()),
            "client_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "--child":
        print(json.dumps(_child(argv[1], argv[2], int(argv[3]))))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--synthetic", type=int, help="a synthetic province of this many replicated counties")
    args = parser.parse_args(argv)
    counts = [int(w) for w in args.workers.split(",")]
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    with tempfile.TemporaryDirectory(prefix="bench_batch_") as tmp:
        manifest = write_inputs(Path(tmp), args.synthetic)
        label = (f"SYNTHETIC province: {args.synthetic} counties replicated from 3 real areas" if args.synthetic
                 else "3 real areas: Liechtenstein, Providence blocks, Shenzhen Longgang extract")
        print(f"{label}; load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        print(f"{'workers':>7} {'wall s':>8} {'speed-up':>8} {'hh/s':>8} {'worker CPU s':>12} {'hh/CPU s':>8} "
              f"{'peak MB per worker':>24} {'client MB':>9} {'counties':>8} {'failed':>6}")
        base = None
        for n in counts:
            rows = []
            for r in range(args.repeats):
                out = Path(tmp) / f"out-{n}-{r}"
                done = subprocess.run([sys.executable, __file__, "--child", str(manifest), str(out), str(n)],
                                      capture_output=True, text=True, env=env, check=False)
                if done.returncode != 0:
                    raise SystemExit(f"batch on {n} workers failed:\n{done.stderr[-3000:]}")
                rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
            wall = statistics.median(r["wall"] for r in rows)
            base = base or wall
            last = rows[-1]
            print(f"{n:>7} {wall:8.1f} {base / wall:8.2f} {last['households'] / wall:8.0f} "
                  f"{last['workers_cpu']:12.1f} {last['households'] / max(last['workers_cpu'], 1e-9):8.0f} "
                  f"{', '.join(f'{m:.0f}' for m in last['workers_mb']):>24} {last['client_mb']:9.0f} "
                  f"{last['counties']:>8} {last['failed']:>6}")
        print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
