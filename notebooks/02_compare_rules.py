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
# # Comparing two rule sets
#
# Counties write different rules into their grid schemes (网格化服务管理): one asks for
# grids of 300–500 households and partitions every community, another for 200–400
# households and keeps sparsely settled villages whole, one grid each. This notebook
# plans the same county under two such rule sets and puts the results side by side:
# a table of headline figures, histograms of households per grid, and two maps.
#
# It runs on the bundled OpenStreetMap extract of Liechtenstein, whose 11
# municipalities play the townships (see `01_first_plan.py` for the basics).
#
# | rule set | band (households per urban grid) | which units are urban (partitioned) |
# |---|---|---|
# | **A** | 300–500 | all of them (`UrbanRule(mode="all")`) |
# | **B** | 200–400 | the default rule: names (社区/街道 urban, 村 rural), then density ≥ 100 households/km² |
#
# Both the band and the classification change between A and B, as they do between two
# real counties' schemes; the table below says which figure comes from which change.
# Partitioning is the slow step (seconds here, minutes on a large county), so the
# notebook makes each plan once and reuses it.

# %%
from pathlib import Path

DATA = Path("../data") if Path("../data").exists() else Path("data")

OSM_FILE = DATA / "liechtenstein.osm.pbf"
AREA_NAME = "Liechtenstein"
OUT = Path("out/notebook_compare_rules")

# %% [markdown]
# ## 1. Inputs
# The inputs are read once; both plans start from the same area, units, roads and
# households (estimated from buildings).

# %%
import gridmap

inputs = gridmap.inputs_from_osm(OSM_FILE, area_name=AREA_NAME, units_level=8)
print(f"{len(inputs.units)} units, {len(inputs.roads):,} road lines, {len(inputs.buildings):,} buildings")

# %% [markdown]
# ## 2. The two rule sets
# A `PlanConfig` holds every rule of a plan and checks it when it is made (a band of
# `(500, 300)` or an unknown urban mode fails here, with a message naming the
# parameter). `replace` copies a configuration with some parameters changed, so the
# second rule set states only what differs from the first.

# %%
RULES = {
    "A: 300–500, all urban": gridmap.PlanConfig(band=(300, 500), seed=0, urban=gridmap.UrbanRule(mode="all")),
}
RULES["B: 200–400, density rule"] = RULES["A: 300–500, all urban"].replace(band=(200, 400),
                                                                         urban=gridmap.UrbanRule())
for name, config in RULES.items():
    print(f"{name:28s} band {config.band}, urban mode {config.urban.mode!r}, "
          f"min density {config.urban.min_density:g} households/km²")

# %%
import time

plans = {}
for name, config in RULES.items():
    start = time.perf_counter()
    plans[name] = gridmap.make_plan(inputs, config)
    print(f"{name}: {len(plans[name].grids)} grids in {time.perf_counter() - start:.0f} s")
A, B = plans.values()

# %% [markdown]
# ## 3. Which units are partitioned
# Under the density rule a unit is urban when it holds at least 100 households per km².
# Liechtenstein's municipalities have no 社区/村 in their names, so density alone decides
# here: the mountain municipalities fall below it and stay one grid each. Under rule set
# A they are partitioned like the towns, and a municipality with fewer households than
# the band's minimum cannot have a grid in the band. `status` is `ok` when every grid
# of the unit is in the band; otherwise `plan.units["reason"]` says why (below).

# %%
import pandas as pd

first = A.units.set_index("name")
units = pd.DataFrame({"households": first["households"],
                      "households/km²": (first["households"] / first["area_km2"]).round(0)})
for key, plan in zip("AB", plans.values()):
    mine = plan.units.set_index("name")
    units[f"{key}: regime"] = mine["regime"]
    units[f"{key}: grids"] = mine["grids"]
    units[f"{key}: status"] = mine["status"]
units.sort_values("households/km²")

# %%
pd.concat({name: plan.units.loc[plan.units["status"] != "ok", ["name", "regime", "status", "reason"]]
           for name, plan in plans.items()}, names=["rule set", None]).style.set_properties(
    subset=["reason"], **{"white-space": "pre-wrap", "text-align": "left"})

# %% [markdown]
# ## 4. Headline figures side by side
# - **grids**: all grids, of which **urban** ones are partitioned by households and
#   **island** ones are pieces of a unit cut off from the rest (an exclave, a valley
#   beyond a river without a bridge), each a grid of its own.
# - **in band (urban)**: share of urban grids whose households lie in the band.
# - **median households** per grid and **median Polsby–Popper** (compactness: 4π·area /
#   perimeter², 1 for a circle, ~0.785 for a square).
# - **flagged**: grids outside the band or kept whole, each with its reason in
#   `flag_reason`.

# %%
def headline(plan):
    grids, summary = plan.grids, plan.summary()
    lo, hi = summary["band"]
    return {
        "band": f"{lo:g}–{hi:g}",
        "urban units": summary["urban_units"],
        "grids": summary["grids"],
        "urban grids": summary["urban_grids"],
        "island grids": summary["island_grids"],
        "rural grids": int((grids["regime"] == "rural").sum()),
        "in band (urban)": f"{summary['in_band_share_urban']:.0%}",
        "median households": summary["households_per_grid_median"],
        "median households (urban)": grids.loc[grids["regime"] == "urban", "households"].median(),
        "largest grid (households)": grids["households"].max(),
        "median Polsby–Popper": round(summary["polsby_popper_median"], 3),
        "median area km²": round(grids["area_km2"].median(), 2),
        "flagged grids": int((grids["flag"] != "").sum()),
    }


comparison = pd.DataFrame({name: headline(plan) for name, plan in plans.items()})
comparison

# %% [markdown]
# What changed what: the lower band of B is why it draws more, smaller grids (median
# households and area); the density rule is why B has rural grids, and so its single
# largest grid, a whole municipality kept as one grid. Rural grids are flagged
# `rural_unit` for a look, but they are not held to the band. Most flagged grids under
# either rule set are islands with a handful of households or none.
#
# Why were grids flagged? One row per kind of flag and rule set:

# %%
flags = pd.concat({name: plan.grids.loc[plan.grids["flag"] != "", ["flag", "households"]]
                   for name, plan in plans.items()}, names=["rule set", None])
flags.groupby(["rule set", "flag"])["households"].agg(grids="size", households="sum")

# %% [markdown]
# The flagged grids themselves, with the partitioner's reason (rule set B):

# %%
B.grids.loc[B.grids["flag"] != "", ["grid_id", "unit_name", "regime", "households", "flag_reason"]]

# %% [markdown]
# ## 5. Households per grid
# Urban grids only (rural and island grids are not held to the band); the dashed lines
# are each rule set's band.

# %%
import matplotlib.pyplot as plt

from gridmap.report import use_cjk_font

use_cjk_font()  # Chinese names draw in the plots (needs a CJK font, e.g. fonts-wqy-microhei)
import numpy as np

fig, axes = plt.subplots(1, 2, figsize=(12, 4.5), sharey=True)
bins = np.arange(0, 650, 25)
for ax, (name, plan), colour in zip(axes, plans.items(), ["#4c78a8", "#f58518"]):
    urban = plan.grids.loc[plan.grids["regime"] == "urban", "households"]
    ax.hist(urban.clip(upper=bins[-1]), bins=bins, color=colour, edgecolor="white")
    for edge in plan.summary()["band"]:
        ax.axvline(edge, color="black", linestyle="--")
    ax.set_title(f"{name}: {len(urban)} urban grids")
    ax.set_xlabel("households per urban grid")
axes[0].set_ylabel("grids")
plt.tight_layout()
plt.show()

# %% [markdown]
# And the grids themselves, coloured by households (same colour scale on both sides;
# grey outlines are the municipalities):

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 7))
vmax = 600
for ax, (name, plan) in zip(axes, plans.items()):
    plan.grids.plot(column=plan.grids["households"].clip(upper=vmax), cmap="viridis", vmin=0, vmax=vmax,
                    ax=ax, edgecolor="white", linewidth=0.3)
    plan.units.boundary.plot(ax=ax, color="#444444", linewidth=0.8)
    ax.set_title(name)
    ax.set_axis_off()
fig.colorbar(plt.cm.ScalarMappable(norm=plt.Normalize(0, vmax), cmap="viridis"), ax=axes, shrink=0.6,
             label=f"households per grid (≥ {vmax} in yellow)")
plt.show()

# %% [markdown]
# ## 6. The two maps
# Interactive maps (zoom, click a grid for its figures, search a code, switch layers on
# and off). They need no internet: everything is inlined. Grids are coloured by band:
# in band, under, over, or rural.
#
# **Rule set A** (300–500, every municipality partitioned):

# %%
A.to_map(lang="en")

# %% [markdown]
# **Rule set B** (200–400, density rule):

# %%
B.to_map(lang="en")

# %% [markdown]
# ## 7. The countryside by natural settlement
# Under rule set B the mountain municipalities are rural: one grid each, even where a
# village spreads over several hamlets (and a village in parts makes a grid in parts).
# `RuralRule(grids="settlement")` gives one grid per natural settlement instead: houses
# closer than `gap_m` metres form a settlement, settlements under `min_households` join
# a neighbour, and with `split_large=True` a settlement over the band's top is split
# into villager groups in the band.

# %%
C = gridmap.make_plan(inputs, RULES["B: 200–400, density rule"].replace(
    rural=gridmap.RuralRule(grids="settlement", gap_m=150, min_households=50, split_large=True)))
rural = {key: plan.grids[plan.grids["regime"] == "rural"] for key, plan in (("B", B), ("B + settlements", C))}
pd.DataFrame({key: {"rural grids": len(g), "households min": g["households"].min(),
                    "households max": g["households"].max()} for key, g in rural.items()}).T

# %%
C.to_map(lang="en")

# %% [markdown]
# ## 8. Save
# The comparison table as CSV, and each plan with its map, for QGIS and a browser.

# %%
from gridmap.maps import save_map

OUT.mkdir(parents=True, exist_ok=True)
comparison.to_csv(OUT / "comparison.csv", encoding="utf-8-sig")
for key, plan in zip("AB", plans.values()):
    plan.save(OUT / f"plan_{key}.gpkg")
    save_map(plan, OUT / f"map_{key}.html", lang="en")
sorted(p.name for p in OUT.iterdir())
