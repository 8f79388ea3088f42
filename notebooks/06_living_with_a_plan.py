# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Living with a plan: the yearly round
#
# A county draws its grids once and then lives with them for years. Every year an
# estate is built, the register of households is updated, a street office walks its
# grids and moves a block from one grid to the next, and the grids everybody agreed on
# should stay exactly as they are. This notebook does one such round on the bundled
# extract (Liechtenstein, households estimated from buildings, grids of 300–500):
#
# 1. the plan of last year, staffed;
# 2. **lock** the grids the street offices agreed on;
# 3. **adjust** to new household data (a new estate of 600 households): only the grids
#    that left the band are re-cut, with as few neighbours as needed;
# 4. **update** after a hand edit (a block moved between two grids, as in QGIS or the
#    browser editor `gridmap edit`): counts, codes and staffing follow; an edit that
#    breaks a rule is reported, not repaired;
# 5. **compare** last year's plan with this year's.
#
# The same steps on the command line: `gridmap partition --lock ...`,
# `gridmap adjust PLAN --households FILE --lock-file FILE --out DIR`,
# `gridmap update PLAN --atoms EDITS --out DIR`, `gridmap compare A B --out DIR`.

# %%
from pathlib import Path

DATA = Path("../data") if Path("../data").exists() else Path("data")
OSM_FILE = DATA / "liechtenstein.osm.pbf"
AREA_NAME = "Liechtenstein"
BAND = (300, 500)
ESTATE_HOUSEHOLDS = 600          # the new estate
LOCKED = 10                      # grids agreed with the street offices
OUT = Path("out/notebook_living")
OUT.mkdir(parents=True, exist_ok=True)

# %% [markdown]
# ## 1. Last year's plan
# Partitioned, staffed (one full-time worker per urban grid) and its reach measured.

# %%
import time

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

import gridmap

inputs = gridmap.inputs_from_osm(OSM_FILE, area_name=AREA_NAME, units_level=8)
config = gridmap.PlanConfig(band=BAND, seed=0, urban=gridmap.UrbanRule(mode="all"))
last_year = gridmap.staff_and_reach(gridmap.make_plan(inputs, config))
s = last_year.summary()
print(f"{s['grids']} grids, {s['households']:,.0f} households, "
      f"{last_year.meta['staffing']['workers']} workers")

# %% [markdown]
# ## 2. Lock the grids agreed on
# A lock is a column of the grids layer: a locked grid keeps its atoms, its outline and
# its code through `adjust` and `update`. Here: every fifth urban grid in band.

# %%
urban = last_year.grids[(last_year.grids["regime"] == "urban") & last_year.grids["in_band"]].sort_values("grid_id")
agreed = list(urban["grid_id"].iloc[::5][:LOCKED])
plan = gridmap.with_locks(last_year, agreed)
plan.grids.loc[plan.grids["locked"], ["grid_id", "unit_name", "households"]]

# %% [markdown]
# ## 3. New households: a new estate
# The county's household layer now holds a new estate of 600 households (12 buildings
# of 50) inside one grid. `adjust_plan` takes the **full** new household layer (what
# the county knows now). Only the grid that left the band is re-cut (with neighbours
# if it cannot be cut alone); everything else keeps its atoms and code.

# %%
from gridmap.adjust import adjust_plan

free = urban[~urban["grid_id"].isin(agreed)].sort_values("area_km2")
target = free["grid_id"].iloc[len(urban) // 3]
atoms = plan.atoms[plan.atoms["grid_id"] == target]
block = atoms.geometry.loc[atoms.geometry.area.idxmax()]
rng = np.random.default_rng(0)
sites = []
while len(sites) < 12:
    x, y = rng.uniform(block.bounds[0], block.bounds[2]), rng.uniform(block.bounds[1], block.bounds[3])
    if block.contains(shapely.Point(x, y)):
        sites.append(shapely.Point(x, y))
estate = gpd.GeoDataFrame({"households": [ESTATE_HOUSEHOLDS / 12] * 12, "source": "estate"}, geometry=sites,
                          crs=plan.crs)
households_now = gpd.GeoDataFrame(pd.concat([plan.households[["households", "source", "geometry"]], estate],
                                            ignore_index=True), crs=plan.crs)
print(f"the estate lies in grid {target} ({plan.grids.set_index('grid_id').at[target, 'households']:.0f} "
      f"households before)")

started = time.perf_counter()
adjusted = adjust_plan(plan, households_now)
print(f"adjusted in {time.perf_counter() - started:.1f} s (with staffing and reach)")
report = adjusted.report()
print(f"households keeping their grid: {adjusted.households_kept_share:.1%}")
print(f"grids out of band before {report['out_of_band_before']}, after {report['out_of_band_after']}")
print(f"changed {report['changed']}, added {report['added']}, retired {report['retired']}")

# %% [markdown]
# The locked grids are exactly as they were: outline and code.

# %%
before, after = plan.grids.set_index("grid_id"), adjusted.plan.grids.set_index("grid_id")
identical = [after.loc[g].geometry.equals_exact(before.loc[g].geometry, 0) and after.at[g, "code"] == before.at[g, "code"]
             for g in agreed]
assert all(identical)
print(f"{sum(identical)} of {len(agreed)} locked grids identical")
after.loc[report["changed"] + report["added"], ["households", "in_band", "workers"]]

# %% [markdown]
# ## 4. A hand edit: a block moves to the neighbouring grid
# A street office walks its grids and moves a block from one grid to the next. In QGIS
# one edits the `grid_id` of the block in the plan's `atoms` layer and saves it; here
# the same in code: find a block on the border of two unlocked urban grids whose move
# keeps both in the band, write the edits file, and apply it.

# %%
from gridmap.edits import read_edits, write_edits
from gridmap.graph import shared_edges
from gridmap.update import update_plan

this_year = adjusted.plan
a = this_year.atoms
grids = this_year.grids.set_index("grid_id")
i, j, _, _ = shared_edges(a.geometry.to_numpy())
g, u, h = a["grid_id"].to_numpy(), a["unit_id"].to_numpy(), a["households"].to_numpy()
movable = grids.index[(grids["regime"] == "urban") & ~grids["locked"]]
move = next((x, y) for x, y in zip(np.r_[i, j], np.r_[j, i])
            if g[x] != g[y] and u[x] == u[y] and g[x] in movable and g[y] in movable and h[x] >= 10
            and grids.at[g[x], "households"] - h[x] >= BAND[0] and grids.at[g[y], "households"] + h[x] <= BAND[1]
            and (a["grid_id"] == g[x]).sum() > 1)
block, source, target_grid = int(a["atom_id"].iloc[move[0]]), g[move[0]], g[move[1]]
edited = a[["atom_id", "grid_id", "geometry"]].copy()
edited.loc[edited["atom_id"] == block, "grid_id"] = target_grid
log = [{"seq": 1, "time": "2027-03-01T09:00:00+08:00", "action": "move", "atom_id": block, "from_grid": source,
        "to_grid": target_grid, "note": "the lane is the real border (street office walk)"}]
edits_path = write_edits(edited, OUT / "edits.gpkg", locked=this_year.grids.loc[this_year.grids["locked"], "grid_id"],
                         change_log=log)
result = update_plan(this_year, read_edits(edits_path))
print(f"block {block} ({h[move[0]]:.0f} households) moved from {source} to {target_grid}; rules broken: "
      f"{[str(f) for f in result.faults] or 'none'}")
cols = ["code", "households", "in_band", "workers"]
pd.concat({"before": grids.loc[[source, target_grid], cols],
           "after": result.plan.grids.set_index("grid_id").loc[[source, target_grid], cols]}, axis=1)

# %% [markdown]
# Counts, codes and staffing followed the edit: both grids keep their codes, their
# households are recounted and their workers follow the staffing rules. An edit that
# breaks a rule, e.g. a block given to a grid of another village, is reported with the
# grid and the rule; the command line then writes nothing (exit 3) unless
# `--allow-faults`.

# %%
other = a.loc[(a["unit_id"] != a["unit_id"].iloc[move[0]]) & ~a["grid_id"].isin(agreed), "atom_id"].iloc[0]
bad = edited.copy()
bad.loc[bad["atom_id"] == other, "grid_id"] = target_grid
broken = update_plan(this_year, read_edits(write_edits(bad, OUT / "bad_edits.gpkg")), restaff=False)
for fault in broken.faults:
    print(fault.grid_id, fault.rule, "-", fault.detail)

# %% [markdown]
# ## 5. Last year against this year
# `compare_plans` matches the grids of both plans by the households they share and says
# who changed grid, which codes were added, retired or moved, and how the band and the
# compactness fare. `compare_map` shows both plans on one map (switchable layers).

# %%
from gridmap.compare import compare_map, compare_plans
from gridmap.maps import save_map

comparison = compare_plans(last_year, result.plan)
print(comparison.format_table())
print("codes added:", comparison.codes_added, "moved:", comparison.codes_moved)
html = compare_map(last_year, result.plan, comparison, lang="en").get_root().render()
(OUT / "compare.html").write_text(html, encoding="utf-8")
result.plan.save(OUT / "plan.gpkg")
print(f"this year's plan: {OUT / 'plan.gpkg'}; both plans on one map: {OUT / 'compare.html'}")
