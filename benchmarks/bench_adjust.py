"""gridmap adjust on the bundled extract: a new estate, and ~10 % of grids drifting out of band.

    PYTHONPATH=. python benchmarks/bench_adjust.py [PLAN]

PLAN defaults to out/demo/plan.gpkg (`make demo`), else the demo plan is made here.
Scenario 1 (issue 13): 10 grids locked, a new estate of 600 households (12 buildings of
50) in one grid. Scenario 2: the households of every eighth unlocked urban grid scaled by
1.5 or 0.6 (alternately), the rest unchanged. Reports the share of households that keep
their grid, grids out of band before/after, locked grids identical, and the median of 3
wall times of `adjust_plan` (without staffing and reach).
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def demo_plan(path):
    import gridmap

    if path.exists():
        return gridmap.Plan.load(path)
    inputs = gridmap.inputs_from_osm(ROOT / "data/liechtenstein.osm.pbf", area_name="Liechtenstein", units_level=8)
    return gridmap.make_plan(inputs, gridmap.PlanConfig(band=(300, 500), seed=0, urban=gridmap.UrbanRule(mode="all")))


def estate(plan, grid_id, households=600, buildings=12, seed=0):
    """``households`` in ``buildings`` points inside the largest atom of ``grid_id``."""
    rng = np.random.default_rng(seed)
    atoms = plan.atoms[plan.atoms["grid_id"] == grid_id]
    poly = atoms.geometry.loc[atoms.geometry.area.idxmax()]
    minx, miny, maxx, maxy = poly.bounds
    points = []
    while len(points) < buildings:
        p = shapely.Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if poly.contains(p):
            points.append(p)
    new = gpd.GeoDataFrame({"households": [households / buildings] * buildings, "source": ["estate"] * buildings},
                           geometry=points, crs=plan.crs)
    old = plan.households[["households", "source", plan.households.geometry.name]]
    return gpd.GeoDataFrame(pd.concat([old, new], ignore_index=True), geometry="geometry", crs=plan.crs)


def locks_and_target(plan):
    grids = plan.grids
    urban = grids[(grids["regime"] == "urban") & grids["in_band"]].sort_values("grid_id")
    locked = list(urban["grid_id"].iloc[::5][:10])
    free = urban[~urban["grid_id"].isin(locked)].sort_values("area_km2")
    return locked, free["grid_id"].iloc[len(urban) // 3]


def drift(plan, locked):
    grids = plan.grids
    urban = grids[(grids["regime"] == "urban") & grids["in_band"] & ~grids["grid_id"].isin(locked)]
    chosen = list(urban.sort_values("grid_id")["grid_id"].iloc[::8])
    factor = {g: (1.5 if k % 2 == 0 else 0.6) for k, g in enumerate(chosen)}
    hh = plan.households[["households", "source", "grid_id", plan.households.geometry.name]].copy()
    hh["households"] = hh["households"] * hh["grid_id"].map(factor).fillna(1.0)
    return hh.drop(columns="grid_id"), chosen


def run(plan, households, locked, label):
    from gridmap.adjust import adjust_plan

    times, result = [], None
    for _ in range(3):
        t = time.perf_counter()
        result = adjust_plan(plan, households, lock=locked, restaff=False)
        times.append(time.perf_counter() - t)
    old, new = plan.grids.set_index("grid_id"), result.plan.grids.set_index("grid_id")
    identical = all(new.loc[g].geometry.equals_exact(old.loc[g].geometry, 0) and new.at[g, "code"] == old.at[g, "code"]
                    for g in locked)
    u = result.update
    print(f"{label}: {len(old)} grids, {len(locked)} locked (identical: {identical}); "
          f"out of band before {len(result.out_of_band_before)}, after {len(result.out_of_band_after)}; "
          f"households keeping their grid {result.households_kept_share:.1%}; grids {len(u.changed)} changed, "
          f"{len(u.added)} added, {len(u.retired)} retired; median {statistics.median(times):.2f} s of 3")
    return result


def main():
    plan = demo_plan(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "out/demo/plan.gpkg")
    locked, target = locks_and_target(plan)
    run(plan, estate(plan, target), locked, f"estate of 600 households in {target}")
    households, chosen = drift(plan, locked)
    run(plan, households, locked, f"{len(chosen)} grids drifting (x1.5 / x0.6)")


if __name__ == "__main__":
    main()
