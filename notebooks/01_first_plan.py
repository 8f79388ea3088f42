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
# # A first grid plan
#
# This notebook partitions a county into service grids (网格) of 300–500 households,
# nested in its townships, and shows the result on a map. It runs on the bundled
# OpenStreetMap extract of Liechtenstein, whose 11 municipalities play the townships.
#
# **Your own county**: change only the cell below. Either point `OSM_FILE` at an OSM
# extract of your county (and `AREA_NAME` at its boundary's name), or set `OSM_FILE = None`
# and give your own layers (GeoPackage, GeoJSON or Shapefile) in `FILES`.

# %%
from pathlib import Path

DATA = Path("../data") if Path("../data").exists() else Path("data")

OSM_FILE = DATA / "liechtenstein.osm.pbf"   # an .osm.pbf / .osm / .osm.bz2 extract, or None
AREA_NAME = "Liechtenstein"                  # the admin boundary to plan (e.g. "荥经县")
AREA_LEVEL = 2                               # its OSM admin_level
UNITS_LEVEL = 8                              # admin_level of the lowest units (villages or townships)

FILES = dict(                                # used when OSM_FILE is None
    area="county.gpkg",                      # polygon of the county
    units="villages.gpkg",                   # polygons of the villages/communities
    roads=["roads.gpkg"], waterways=["rivers.gpkg"],
    households="households.gpkg",            # points (one per household) or polygons with a count
    households_column=None,
)
BAND = (300, 500)                            # households per urban grid
OUT = Path("out/notebook_first_plan")

# %% [markdown]
# ## 1. Inputs
# The area, its units, the lines grids may follow (roads, rivers, railways) and the
# households. From OSM, households are estimated from residential buildings.

# %%
import gridmap

if OSM_FILE:
    inputs = gridmap.inputs_from_osm(OSM_FILE, area_name=AREA_NAME, area_level=AREA_LEVEL, units_level=UNITS_LEVEL)
else:
    inputs = gridmap.inputs_from_files(**FILES)
print(f"{len(inputs.units)} units, {len(inputs.roads):,} road lines, {len(inputs.waterways):,} waterways")

# %% [markdown]
# ## 2. Rules and partition
# `PlanConfig` holds every rule of the plan. Here every unit is partitioned by
# households (`mode="all"`); the default classes units urban or rural by their names
# (社区/街道 urban, 村 rural) and by household density.

# %%
config = gridmap.PlanConfig(band=BAND, seed=0, urban=gridmap.UrbanRule(mode="all"))
plan = gridmap.make_plan(inputs, config)
summary = plan.summary()
print(f"{summary['households']:,.0f} households ({summary['household_kind']}), "
      f"{summary['grids']} grids, {summary['in_band_share_urban']:.0%} of urban grids in band")

# %% [markdown]
# ## 3. The grids
# One row per grid: its code, its unit, households, area, compactness (Polsby–Popper,
# 1 = a circle) and a flag with the reason when it is outside the band.

# %%
plan.grids.drop(columns="geometry").head(10)

# %%
plan.units.drop(columns="geometry")[["unit_id", "name", "regime", "households", "grids", "status"]]

# %% [markdown]
# Grids that could not be put in the band, and why:

# %%
flagged = plan.grids[plan.grids["flag"] != ""]
flagged[["grid_id", "unit_name", "regime", "households", "flag_reason"]]

# %% [markdown]
# ## 4. A quick look
# Households per grid against the band.

# %%
import matplotlib.pyplot as plt

from gridmap.report import use_cjk_font

use_cjk_font()  # Chinese names draw in the plots (needs a CJK font, e.g. fonts-wqy-microhei)

fig, (left, right) = plt.subplots(1, 2, figsize=(12, 5))
plan.grids.plot(column="households", cmap="viridis", legend=True, ax=left, edgecolor="white", linewidth=0.3)
left.set_title("households per grid")
left.set_axis_off()
plan.grids.loc[plan.grids["regime"] == "urban", "households"].plot.hist(bins=20, ax=right, color="#4c78a8")
for edge in BAND:
    right.axvline(edge, color="black", linestyle="--")
right.set_xlabel("households per urban grid")
plt.show()

# %% [markdown]
# ## 5. Save
# One GeoPackage holds every layer (open it in QGIS); `gridmap.Plan.load` reads it back.

# %%
path = plan.save(OUT / "plan.gpkg")
again = gridmap.Plan.load(path)
assert again.grids["grid_id"].tolist() == plan.grids["grid_id"].tolist()
path
