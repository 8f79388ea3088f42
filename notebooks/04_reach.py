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
# # Reach: on foot, by e-bike, by car
#
# County schemes promise a response time: a grid worker reaches any household of their
# grid within 10 minutes in town and 30 minutes in the countryside. Whether a plan keeps
# that promise depends on the roads and on how the workers travel. This notebook
# measures it on the road network for three travel modes and shows:
#
# - the share of households reached per unit (village/community), township and county;
# - the households left outside the response time, and how far out they are;
# - the service areas (the streets a worker covers in time) on a map.
#
# It runs on the bundled OpenStreetMap extract of Liechtenstein: its 11 municipalities
# are the units, its two electoral districts (Oberland, Unterland) the townships.

# %%
from pathlib import Path

DATA = Path("../data") if Path("../data").exists() else Path("data")

OSM_FILE = DATA / "liechtenstein.osm.pbf"
AREA_NAME = "Liechtenstein"
UNITS_LEVEL = 8     # OSM admin_level of the units (the municipalities)
PARENT_LEVEL = 6    # OSM admin_level of the "townships" (Oberland, Unterland)
BAND = (300, 500)
MODES = ["walk", "ebike", "car"]
OUT = Path("out/notebook_reach")

# %% [markdown]
# ## 1. The plan
# Grids of 300–500 households in the urban units; the sparsely settled mountain
# municipalities (under 100 households per km², the default rule) are rural and stay
# one grid each, with the longer rural response time. The plan is made once
# (partitioning is the slow step) and measured three times.

# %%
import time

import gridmap

inputs = gridmap.inputs_from_osm(OSM_FILE, area_name=AREA_NAME, units_level=UNITS_LEVEL, parent_level=PARENT_LEVEL)
start = time.perf_counter()
plan = gridmap.make_plan(inputs, gridmap.PlanConfig(band=BAND, seed=0))
print(f"{len(plan.grids)} grids in {time.perf_counter() - start:.0f} s; "
      f"{len(plan['roads']):,} road lines, {plan.households['households'].sum():,.0f} households")
plan.grids.groupby("regime").agg(grids=("grid_id", "size"), households=("households", "sum"),
                                 area_km2=("area_km2", "sum"))

# %% [markdown]
# ## 2. Travel rules
# A `ReachConfig` holds the travel mode, its speed on each class of road (km/h, by the
# OSM `highway` tag; a class left out is closed to the mode, e.g. cars on footpaths),
# and the response time by regime (minutes). Cars keep to one-way streets, and a posted
# `maxspeed` caps the wheeled modes. Households and bases off the network walk to the
# nearest road at 4.5 km/h. The speeds of the three modes:

# %%
import pandas as pd

defaults = gridmap.ReachConfig()
speeds = pd.DataFrame(defaults.speeds).rename_axis("highway")
print(f"response time: {defaults.minutes_urban:g} min urban, {defaults.minutes_rural:g} min rural; "
      f"one-way streets respected by {list(defaults.oneway_modes)}")
speeds.sort_values("car", ascending=False)

# %% [markdown]
# ## 3. Measure reach
# `gridmap.reach_plan` places each grid's base (its office) on the road node from which
# the grid's households are quickest to reach by that mode, searches the network from
# every base, and returns a new plan with:
#
# - `bases`: one per grid, with the households reached and the share;
# - `service_areas`: the streets reached in time, drawn as a band either side, clipped
#   to the grid;
# - `unreached`: the household points beyond the response time, with their minutes;
# - `meta["reach"]`: the figures per unit, township and county.
#
# The bases differ between modes (a driver's best base sits by a main road, a walker's
# in the middle of the houses); pass `bases=` to hold them fixed instead.

# %%
reached = {}
for mode in MODES:
    start = time.perf_counter()
    reached[mode] = gridmap.reach_plan(plan, gridmap.ReachConfig(mode=mode))
    county = reached[mode].meta["reach"]["county"]
    print(f"{mode:6s} {county['share']:6.1%} of households reached, "
          f"{county['grids_fully_reached']}/{county['grids']} grids fully, {time.perf_counter() - start:.1f} s")

# %% [markdown]
# ## 4. Shares reached
# County and regimes, per mode (`reach_table` reads the figures from the plan; its last
# row is the county):

# %%
from gridmap.reach import reach_table


def side_by_side(level):
    """reach_table of each mode, the share columns side by side."""
    tables = {mode: reach_table(p, level) for mode, p in reached.items()}
    first = tables[MODES[0]]
    key = first.columns[0]
    out = first[[c for c in first.columns if c not in ("reached", "share")]].copy()
    for mode, table in tables.items():
        out[f"reached {mode}"] = table["reached"].to_numpy()
        out[f"share {mode}"] = table["share"].to_numpy()
    return out.set_index(key)


shares = {c: "{:.1%}" for c in [f"share {m}" for m in MODES]}
counts = {c: "{:,.0f}" for c in ["households"] + [f"reached {m}" for m in MODES]}
side_by_side("regimes").style.format(shares | counts)

# %% [markdown]
# Per township:

# %%
side_by_side("townships").style.format(shares | counts, na_rep="")

# %% [markdown]
# Per unit (village/community), the least reached on foot first. Walking, a worker
# covers about 750 m of street in 10 minutes: the municipality kept whole as one rural
# grid and the town grids that stretch far from their base leave many households
# outside; on wheels nearly everybody is reached.

# %%
units = side_by_side("units")
units.iloc[:-1].sort_values(f"share {MODES[0]}").style.format(shares | counts, na_rep="").background_gradient(
    subset=list(shares), cmap="RdYlGn", vmin=0.5, vmax=1.0)

# %%
import matplotlib.pyplot as plt

from gridmap.report import use_cjk_font

use_cjk_font()  # Chinese names draw in the plots (needs a CJK font, e.g. fonts-wqy-microhei)

table = units.iloc[:-1].set_index("unit_name").sort_values(f"share {MODES[0]}")
ax = table[[f"share {m}" for m in MODES]].rename(columns=lambda c: c.split()[1]).plot.barh(
    figsize=(8, 5.5), color=["#4c78a8", "#f58518", "#54a24b"], width=0.8)
ax.axvline(1.0, color="black", linewidth=0.8)
ax.set_xlabel("share of households reached within the response time")
ax.set_ylabel("")
ax.xaxis.set_major_formatter(plt.matplotlib.ticker.PercentFormatter(1.0))
ax.legend(title="mode", loc="upper left", bbox_to_anchor=(1.01, 1.0))
plt.tight_layout()
plt.show()

# %% [markdown]
# ## 5. The households left outside
# `unreached` holds every household point beyond its grid's response time, with its
# travel time from the base (`inf` when no road leads there at all, e.g. a house on a
# track closed to cars). How many per mode:

# %%
import numpy as np

outside = pd.DataFrame({mode: {
    "household points": len(p["unreached"]),
    "households": p["unreached"]["households"].sum(),
    "grids with any": p["unreached"]["grid_id"].nunique(),
    "no route at all": p["unreached"].loc[np.isinf(p["unreached"]["minutes_to_base"]), "households"].sum(),
    "median minutes to base": p["unreached"]["minutes_to_base"].replace(np.inf, np.nan).median(),
} for mode, p in reached.items()})
outside.style.format("{:,.0f}").format("{:.1f}", subset=pd.IndexSlice[["median minutes to base"], :], na_rep="")

# %% [markdown]
# The grids that leave the most households outside on foot, with their share under
# each mode:

# %%
walk = reached["walk"]
worst = walk["unreached"].groupby("grid_id")["households"].sum().nlargest(10).rename("unreached on foot")
worst = walk.grids.set_index("grid_id").loc[worst.index, ["unit_name", "regime", "households", "area_km2"]].join(worst)
for mode, p in reached.items():
    worst[f"share {mode}"] = p.grids.set_index("grid_id").loc[worst.index, "share_reached"]
worst.style.format({"households": "{:,.0f}", "unreached on foot": "{:,.0f}", "area_km2": "{:.2f}"}
                   | {f"share {m}": "{:.0%}" for m in MODES})

# %% [markdown]
# How far out are they? Minutes from the base for the households beyond the response
# time, on foot, by regime (the dashed lines are the 10 minute urban and 30 minute
# rural limits):

# %%
late = walk["unreached"].merge(walk.grids[["grid_id", "regime"]], on="grid_id")
late = late[np.isfinite(late["minutes_to_base"])]
fig, ax = plt.subplots(figsize=(8, 4))
for regime, colour in (("urban", "#4c78a8"), ("rural", "#54a24b")):
    mine = late[late["regime"] == regime]
    ax.hist(mine["minutes_to_base"], bins=np.arange(0, 95, 2.5), weights=mine["households"], color=colour,
            alpha=0.8, label=f"{regime} grids")
for limit in (10, 30):
    ax.axvline(limit, color="black", linestyle="--")
ax.set_xlabel("minutes on foot from the grid's base")
ax.set_ylabel("households")
ax.legend()
plt.show()

# %% [markdown]
# ## 6. Service areas
# Each grid's service area (shaded) is the set of streets its worker covers within the
# response time, with a 50 m band either side in town and 100 m in the countryside;
# the red dots are the households left outside (size by households).

# %%
fig, axes = plt.subplots(1, 3, figsize=(15, 7))
for ax, (mode, p) in zip(axes, reached.items()):
    p.grids.plot(ax=ax, facecolor="#f2f2f2", edgecolor="#999999", linewidth=0.4)
    p["service_areas"].plot(ax=ax, color="#7b3294", alpha=0.45, linewidth=0)
    out = p["unreached"]
    out.plot(ax=ax, color="#d62728", markersize=1 + out["households"].clip(upper=50), alpha=0.7)
    p["bases"].plot(ax=ax, color="black", markersize=4)
    share = p.meta["reach"]["county"]["share"]
    ax.set_title(f"{mode}: {share:.1%} reached, {out['households'].sum():,.0f} households outside")
    ax.set_axis_off()
plt.tight_layout()
plt.show()

# %% [markdown]
# The same on an interactive map (offline), for the e-bike, the mode most county
# schemes assume. The plan is also staffed here (`staff_plan` keeps the bases just
# measured), so workers show at their bases. Tick **service areas** in the layer
# control at the top right to draw their outlines (they are off at first: neighbouring
# areas overlap); the households outside are drawn as dots; click a grid for its share.

# %%
ebike = gridmap.staff_plan(reached["ebike"])
ebike.to_map(lang="en")

# %% [markdown]
# ## 7. Save
# Each measured plan (with its `bases`, `service_areas` and `unreached` layers) and the
# per-unit table.

# %%
from gridmap.maps import save_map

OUT.mkdir(parents=True, exist_ok=True)
units.to_csv(OUT / "reach_units.csv", encoding="utf-8-sig")
for mode, p in reached.items():
    p.save(OUT / f"plan_{mode}.gpkg")
save_map(ebike, OUT / "map_ebike.html", lang="en")
sorted(f.name for f in OUT.iterdir())
