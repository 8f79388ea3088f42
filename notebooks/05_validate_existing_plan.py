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
# # Validating a plan drawn elsewhere
#
# Many counties already have grids: drawn by hand in a GIS, exported from a platform,
# inherited from an older scheme. Before they are used they should be checked against
# the rules every grid system publishes: the grids cover the whole area without gaps
# or overlaps, each grid is in one piece, nests in one village/community, holds a number
# of households within the band, and carries a unique, well-formed code.
#
# `gridmap.validate.validate_grids` runs these checks on **any** polygon layer, given as
# plain GeoDataFrames, and returns every fault located on the map. This notebook:
#
# 1. checks a layer that is **not** a gridmap plan: the 59 voting precincts of
#    Providence (Rhode Island) taken as grids, against the city's census blocks
#    (households = persons ÷ 2.3) and its 15 wards (as the villages the grids must nest in);
# 2. makes gridmap's own plan of the same city, validates it, and compares the two;
# 3. damages a copy of that plan on purpose (a gap, an overlap, a duplicate code) to
#    show what each fault looks like.

# %%
from pathlib import Path

DATA = Path("../data") if Path("../data").exists() else Path("data")

PRECINCTS = DATA / "providence" / "precincts.zip"   # the layer to check (any polygons)
PRECINCT_ID = "NAME"                                 # its id column
BLOCKS = DATA / "providence" / "blocks.zip"          # census blocks with a population count
PERSONS = "TOTPOP"                                   # the count column
PERSONS_PER_HOUSEHOLD = 2.3
WARDS = DATA / "providence" / "districts.zip"        # the units the grids must nest in
WARD_ID = "id"
BAND = (300, 500)                                    # households per grid
OUT = Path("out/notebook_validate")

# %% [markdown]
# ## 1. The layers
# Any file GeoPandas reads will do (GeoPackage, Shapefile, zipped Shapefile,
# GeoJSON). They are in geographic coordinates (NAD83); the checks project them to a
# metric CRS themselves (UTM here) and say so in their notes.
#
# - **households**: the blocks with a `households` column. A polygon counts at an
#   inner point of it; points would do as well.
# - **area**: the city, as the union of its blocks. Everything inside must belong to a grid.
# - **units**: the wards, with a `unit_id`.

# %%
import geopandas as gpd
import pandas as pd
import shapely

precincts = gpd.read_file(PRECINCTS)
blocks = gpd.read_file(BLOCKS)
wards = gpd.read_file(WARDS)

households = gpd.GeoDataFrame({"households": blocks[PERSONS] / PERSONS_PER_HOUSEHOLD},
                              geometry=blocks.geometry, crs=blocks.crs)
city = gpd.GeoDataFrame({"name": ["Providence"]}, geometry=[shapely.union_all(blocks.geometry.values)],
                        crs=blocks.crs)
units = gpd.GeoDataFrame({"unit_id": wards[WARD_ID].astype(int).astype(str),
                          "name": "Ward " + wards[WARD_ID].astype(int).astype(str)},
                         geometry=wards.geometry, crs=wards.crs)
grids = gpd.GeoDataFrame({"grid_id": precincts[PRECINCT_ID].astype(str)}, geometry=precincts.geometry,
                         crs=precincts.crs)
print(f"{len(grids)} precincts, {len(blocks):,} blocks with {households['households'].sum():,.0f} households, "
      f"{len(units)} wards")

# %%
import matplotlib.pyplot as plt

from gridmap.report import use_cjk_font

use_cjk_font()  # Chinese names draw in the plots (needs a CJK font, e.g. fonts-wqy-microhei)

metric = city.estimate_utm_crs()
fig, ax = plt.subplots(figsize=(7, 8))
city.to_crs(metric).plot(ax=ax, color="#eeeeee")
grids.to_crs(metric).plot(ax=ax, facecolor="#9ecae1", edgecolor="#3182bd", linewidth=0.6, alpha=0.8)
units.to_crs(metric).boundary.plot(ax=ax, color="black", linewidth=1.2)
ax.set_title("precincts (blue) and wards (black) on the city (grey)")
ax.set_axis_off()
plt.show()

# %% [markdown]
# ## 2. Check the precincts as grids
# One call. `band` turns on the household check; `tolerance_m2` (default 1 m²) is the
# area below which gaps, overlaps and border crossings count as digitising noise.

# %%
from gridmap.validate import validate_grids

faults = validate_grids(grids, area=city, units=units, households=households, band=BAND)
print(f"{faults.errors} errors, {faults.warnings} warnings")
for note in faults.notes:
    print("note:", note)
faults.summary

# %% [markdown]
# `faults.faults` is a GeoDataFrame with one row per fault, errors first: its class, the
# grid at fault, the other grid or unit involved, a readable detail, the area (m²), and
# the geometry of the fault itself (the gap, the overlap, the stray part, the piece
# across a border), in the metric CRS.

# %%
table = faults.faults.drop(columns="geometry")
table.groupby("fault", sort=False).head(3)

# %% [markdown]
# Where are they? Gaps, overlaps, stray parts and border crossings are drawn in colour,
# each also marked at its centre (most are slivers too thin to see at this scale):

# %%
AREA_FAULTS = {"gap": "#d62728", "outside_area": "#ff7f0e", "overlap": "#9467bd", "non_contiguous": "#8c564b",
               "crosses_unit": "#e377c2", "invalid_geometry": "#17becf"}
GRID_FAULTS = {"out_of_band": "#1f77b4", "duplicate_code": "#2ca02c", "malformed_code": "#bcbd22",
               "empty_grid": "#7f7f7f"}


def plot_faults(found, grids, ax, title, outline=("duplicate_code",)):
    """Grids in grey, area faults filled and marked, grid faults in ``outline`` as coloured borders."""
    grids.to_crs(found.faults.crs).plot(ax=ax, facecolor="#f4f4f4", edgecolor="#aaaaaa", linewidth=0.4)
    frame = found.faults[found.faults.geometry.notna()]
    for fault, colour in GRID_FAULTS.items():
        mine = frame[frame["fault"] == fault]
        if fault in outline and len(mine):
            mine.boundary.plot(ax=ax, color=colour, linewidth=2.5)
            ax.plot([], [], color=colour, linewidth=2.5, label=f"{fault} ({len(mine)})")
    for fault, colour in AREA_FAULTS.items():
        mine = frame[frame["fault"] == fault]
        if len(mine):
            mine.plot(ax=ax, color=colour, alpha=0.6)
            centres = mine.geometry.representative_point()
            ax.scatter(centres.x, centres.y, s=40, color=colour, edgecolor="black", linewidth=0.5,
                       label=f"{fault} ({len(mine)})", zorder=3)
    ax.legend(loc="lower left", fontsize=9)
    ax.set_title(title)
    ax.set_axis_off()


fig, ax = plt.subplots(figsize=(8, 9))
plot_faults(faults, grids, ax, "faults of the precincts as grids")
plt.show()

# %% [markdown]
# Reading the result:
#
# - **gap**: the largest gap is nearly half the city: the precinct file covers only part
#   of Providence (compare the first figure), so a grid system built on it would leave
#   those households to nobody. The smaller gaps lie between precincts.
# - **crosses_unit**, **overlap**, **non_contiguous**: most are slivers of a few hundred
#   m² where the precinct and ward layers were digitised differently, not real
#   crossings. Raising `tolerance_m2` separates noise from real faults (below).
# - **out_of_band**: precincts hold a few thousand persons, far more than a grid's
#   300–500 households.
# - **malformed_code**: precinct numbers are not grid codes (a unit's code followed by a
#   serial number); `levels={"malformed_code": "off"}` skips that check, or
#   `"warning"` keeps it as a remark.
#
# The same check with slivers up to 2,000 m² taken as noise and codes not checked:

# %%
lenient = validate_grids(grids, area=city, units=units, households=households, band=BAND, tolerance_m2=2000,
                         levels={"malformed_code": "off"})
pd.DataFrame({"tolerance 1 m²": faults.summary.set_index("fault")["errors"],
              "tolerance 2,000 m², codes off": lenient.summary.set_index("fault")["errors"]}).T

# %% [markdown]
# Households per precinct against the band: `validate_grids` counts them from the
# households layer; the same count here (each block at an inner point, in the precinct
# that contains it) for a histogram:

# %%
import numpy as np

points = households.assign(geometry=households.geometry.representative_point())
joined = gpd.sjoin(points, grids, predicate="within")
precinct_hh = joined.groupby("grid_id")["households"].sum().reindex(grids["grid_id"]).fillna(0.0)
fig, ax = plt.subplots(figsize=(8, 3.5))
ax.hist(precinct_hh, bins=30, color="#9ecae1", edgecolor="white")
for edge in BAND:
    ax.axvline(edge, color="black", linestyle="--")
ax.set_xlabel("households per precinct")
ax.set_ylabel("precincts")
ax.set_title(f"median {precinct_hh.median():,.0f} households; band {BAND[0]}–{BAND[1]}")
plt.show()

# %% [markdown]
# ## 3. gridmap's own plan of the same city
# For comparison, gridmap partitions Providence itself: the wards are the units, the
# census blocks become the atoms grids are built from (households = persons ÷ 2.3),
# every ward is urban. `inputs_from_files` reads files, so the layers are written to a
# folder under `out/` first.

# %%
import gridmap

folder = OUT / "inputs"
folder.mkdir(parents=True, exist_ok=True)
blocks[["GEOID10", PERSONS, "WARD", "geometry"]].to_file(folder / "blocks.gpkg")
wards.to_file(folder / "wards.gpkg")
city.to_file(folder / "area.gpkg")

inputs = gridmap.inputs_from_files(area=folder / "area.gpkg", units=folder / "wards.gpkg", unit_id=WARD_ID,
                                   households=folder / "blocks.gpkg", households_column=PERSONS,
                                   households_divisor=PERSONS_PER_HOUSEHOLD)
plan = gridmap.make_plan(inputs, gridmap.PlanConfig(band=BAND, urban=gridmap.UrbanRule(mode="all")))
print(f"{len(plan.grids)} grids, {plan.summary()['in_band_share_urban']:.0%} of them in the band")

# %% [markdown]
# `gridmap.validate_plan` runs the same checks on a plan with its own layers (area,
# units, households, and workers and bases once it is staffed):

# %%
own = gridmap.validate_plan(plan)
print(own.format_table())

# %% [markdown]
# The few grids still out of band hold blocks that cannot be split: a census block is
# the smallest piece a grid can be made of, and one too large for the band makes its
# grid too large too (the flag says so):

# %%
plan.grids.loc[plan.grids["flag"] != "", ["grid_id", "unit_id", "households", "atoms", "flag_reason"]]

# %% [markdown]
# Side by side:

# %%
def figures(found, grids, per_grid):
    metric_grids = grids.to_crs(found.faults.crs)
    area, perimeter = metric_grids.area, metric_grids.length
    return {
        "grids": len(grids),
        "area covered km²": shapely.union_all(metric_grids.geometry.values).area / 1e6,
        "households in grids": per_grid.sum(),
        "median households": per_grid.median(),
        "in band": f"{per_grid.between(*BAND).mean():.0%}",
        "median Polsby–Popper": (4 * np.pi * area / perimeter**2).median(),
        "errors": found.errors,
        "gap errors": int((found.faults["fault"] == "gap").sum()),
        "border crossings": int((found.faults["fault"] == "crosses_unit").sum()),
    }


comparison = pd.DataFrame({"precincts": figures(faults, grids, precinct_hh),
                           "gridmap plan": figures(own, plan.grids, plan.grids["households"])})
comparison.style.format(lambda v: f"{v:,.2f}" if isinstance(v, float) and v < 10 else
                        (f"{v:,.0f}" if isinstance(v, (int, float)) else v))

# %% [markdown]
# gridmap's plan on an interactive map (offline; click a grid for its households, search
# a code):

# %%
plan.to_map(lang="en")

# %% [markdown]
# ## 4. A damaged copy
# What do faults look like on a plan that was right? A copy of gridmap's grids, damaged
# three ways, as happens when grids are edited by hand:
#
# - **a gap**: a disc of 60 m radius cut out where two neighbouring grids meet;
# - **an overlap**: one grid redrawn to take in part of a neighbour (a disc of 100 m
#   radius on their border) that the neighbour keeps too;
# - **a duplicate code**: a grid given the code of another.
#
# The grids are picked by position so the damage lands on real neighbours whatever the
# partition; nothing else changes.

# %%
damaged = plan.grids.copy()
geoms = damaged.geometry.values


def neighbour_of(i):
    """Row of a grid sharing a border with grid row i (in the same unit if one does), and a point mid-border."""
    touching = [t for t in np.flatnonzero(shapely.length(shapely.intersection(geoms, geoms[i].boundary)) > 50)
                if t != i]
    same_unit = [t for t in touching if damaged["unit_id"][t] == damaged["unit_id"][i]]
    j = int((same_unit or touching)[0])
    border = shapely.line_merge(shapely.intersection(geoms[i].boundary, geoms[j].boundary))
    return j, shapely.get_parts(border)[0].interpolate(0.5, normalized=True)


a = len(damaged) // 3
b, point = neighbour_of(a)
hole = point.buffer(60)
damaged.loc[[a, b], "geometry"] = [geoms[a].difference(hole), geoms[b].difference(hole)]

c = 2 * len(damaged) // 3
d, point = neighbour_of(c)
damaged.loc[c, "geometry"] = geoms[c].union(geoms[d].intersection(point.buffer(100)))

e = len(damaged) // 2
damaged.loc[e, ["grid_id", "code"]] = damaged.loc[e + 1, "grid_id"]
print(f"gap between {plan.grids['grid_id'][a]} and {plan.grids['grid_id'][b]}; "
      f"{plan.grids['grid_id'][c]} overlaps {plan.grids['grid_id'][d]}; "
      f"{plan.grids['grid_id'][e]} renamed {damaged['grid_id'][e]}")

# %% [markdown]
# Validate the damaged copy against the plan's own area, units and households:

# %%
broken = validate_grids(damaged, area=plan["area"], units=plan.units, households=plan.households, band=BAND)
print(broken.format_table())

# %%
broken.faults.drop(columns="geometry")

# %% [markdown]
# Each fault where it is, zoomed in on the damage. A household point that falls in the
# gap belongs to no grid any more (the notes count them), and a grid that lost
# households may drop under the band.

# %%
twin = int(np.flatnonzero(damaged["grid_id"] == damaged["grid_id"][e])[-1])
fig, axes = plt.subplots(1, 3, figsize=(16, 6))
for ax, rows, title in ((axes[0], [a, b], "the gap"), (axes[1], [c, d], "the overlap"),
                        (axes[2], [e, twin], "the duplicate code")):
    plot_faults(broken, damaged, ax, title, outline=("duplicate_code", "out_of_band"))
    x0, y0, x1, y1 = shapely.union_all(geoms[rows]).bounds
    pad = 150
    ax.set_xlim(x0 - pad, x1 + pad)
    ax.set_ylim(y0 - pad, y1 + pad)
    for row in rows:
        centre = geoms[row].representative_point()
        ax.annotate(damaged["grid_id"][row], (centre.x, centre.y), ha="center", fontsize=9)
plt.tight_layout()
plt.show()

# %% [markdown]
# ## 5. Save
# The faults as a GeoPackage (layers `faults`, `fault_points`, `fault_summary`) to open
# in QGIS beside the grids, and gridmap's plan.

# %%
faults.to_gpkg(OUT / "precinct_faults.gpkg")
broken.to_gpkg(OUT / "damaged_faults.gpkg")
plan.save(OUT / "plan.gpkg")
sorted(f.name for f in OUT.iterdir())
