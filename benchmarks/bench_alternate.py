"""`gridmap run` of two or more checkouts, alternated run by run: wall and CPU medians, and the median of paired ratios.

    git worktree add /tmp/before REV
    python benchmarks/bench_alternate.py [--runs 8] /tmp/before . [-- RUN OPTIONS ...]

On a shared machine whose speed drifts by a third and more within minutes (this project's
2-core machine), a figure taken at one time says little against one taken at another. Runs
alternated checkout by checkout, round by round, meet the same drift: each round's runs are a
pair (or a tuple) taken under nearly the same conditions, and the median of the ratios of the
pairs is the comparison to quote, beside each checkout's medians.

Each run is ``python -m gridmap.cli.main run ... -q --out TMP`` with the checkout as its current
folder (``python -m`` puts the current folder first on ``sys.path``: the checkout's own code runs,
whatever ``PYTHONPATH`` says), its modules compiled to bytecode first, the OSM cache off. Default
options are `make demo`'s. ``wall``: seconds of the command; ``cpu``: the user + system CPU seconds
of the command and every process it waited for (the pool's workers, the extract's scan,
Chromium). The machine's speed (:func:`bench_run.machine_speed`) is read before and after.
"""
from __future__ import annotations

import argparse
import compileall
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_run import DEMO, machine_speed  # noqa: E402


def run_once(checkout: Path, run_args: list[str], out: Path, python: str) -> tuple[float, float]:
    """Wall and CPU seconds of one ``gridmap run`` in ``checkout``."""
    shutil.rmtree(out, ignore_errors=True)
    env = dict(os.environ, GRIDMAP_CACHE="off")
    env.pop("PYTHONPATH", None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([python, "-m", "gridmap.cli.main", "run", *run_args, "-q", "--out", str(out)],
                          cwd=checkout, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{checkout}: gridmap run failed:\n{done.stderr.decode(errors='replace')[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main(argv=None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    run_args = DEMO
    if "--" in argv:
        cut = argv.index("--")
        argv, run_args = argv[:cut], argv[cut + 1:]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkouts", nargs="+", type=Path, help="gridmap checkouts; the first is the reference")
    parser.add_argument("--runs", type=int, default=8, help="rounds (each runs every checkout once)")
    parser.add_argument("--python", default=sys.executable, help="the Python with gridmap's dependencies")
    args = parser.parse_args(argv)
    checkouts = [c.resolve() for c in args.checkouts]
    for checkout in checkouts:
        if not (checkout / "gridmap" / "cli" / "main.py").is_file():
            raise SystemExit(f"{checkout}: not a gridmap checkout (no gridmap/cli/main.py)")
        compileall.compile_dir(checkout / "gridmap", quiet=1)
    # the demo's paths are this checkout's: every checkout reads the same input files
    print(f"machine speed reference before (a fixed Python loop, CPU s, median of 5): {machine_speed():.3f}")
    results: dict[Path, list[tuple[float, float]]] = {c: [] for c in checkouts}
    with tempfile.TemporaryDirectory(prefix="gridmap-alternate-") as tmp:
        for k in range(args.runs):
            # the order turns each round, so that no checkout always runs first
            order = checkouts[k % len(checkouts):] + checkouts[:k % len(checkouts)]
            for i, checkout in enumerate(order):
                wall, cpu = run_once(checkout, run_args, Path(tmp) / f"out{i}", args.python)
                results[checkout].append((wall, cpu))
                print(f"  round {k + 1}: {checkout}  wall {wall:.2f} s  cpu {cpu:.2f} s", flush=True)
    print(f"machine speed reference after: {machine_speed():.3f}")
    reference = checkouts[0]
    print(f"gridmap run {' '.join(run_args)}  (OSM cache off; {args.runs} rounds)")
    for checkout, rows in results.items():
        wall = statistics.median(w for w, _ in rows)
        cpu = statistics.median(c for _, c in rows)
        line = f"{str(checkout):40s} wall {wall:6.2f} s  cpu {cpu:6.2f} s (medians)"
        if checkout != reference:
            ratios = [w / r for (w, _), (r, _) in zip(rows, results[reference])]
            cpu_ratios = [c / r for (_, c), (_, r) in zip(rows, results[reference])]
            quicker = sum(r < 1 for r in ratios)
            line += (f"; against the first: wall ratio {statistics.median(ratios):.3f}, cpu ratio "
                     f"{statistics.median(cpu_ratios):.3f} (medians of the rounds' pairs; quicker in "
                     f"{quicker} of {len(ratios)})")
        print(line)


if __name__ == "__main__":
    main()
