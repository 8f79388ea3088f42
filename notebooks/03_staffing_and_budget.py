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
# # Staffing and budget scenarios
#
# Once a county is divided into grids, each grid needs its workers (网格员): "one grid,
# one worker" (一格一员) or several in the larger grids, full-time (专职) in town and
# part-time (兼职) in the villages, each type paid per month by pay component (base,
# performance, phone allowance, ...). This notebook staffs **one** plan under four sets
# of staffing rules and compares what each costs, per township and for the county:
#
# 1. gridmap's **default** rules;
# 2. the scheme of **荥经县 Yingjing** (a bundled preset);
# 3. the scheme of **蓬溪县 Pengxi** (a bundled preset);
# 4. a **hand-made** scenario: one worker per 250 households.
#
# It runs on the bundled OpenStreetMap extract of Liechtenstein. Its two electoral
# districts, Oberland and Unterland, play the townships (乡镇) and its 11
# municipalities the villages/communities, so the budget has a row per township.

# %%
from pathlib import Path

DATA = Path("../data") if Path("../data").exists() else Path("data")

OSM_FILE = DATA / "liechtenstein.osm.pbf"
AREA_NAME = "Liechtenstein"
UNITS_LEVEL = 8     # OSM admin_level of the units (the municipalities)
PARENT_LEVEL = 6    # OSM admin_level of their parents, the "townships" (Oberland, Unterland)
OUT = Path("out/notebook_staffing")

# %% [markdown]
# ## 1. The plan
# The presets share their plan rules: grids of 300–500 households in town, villages kept
# whole as one grid each, a unit being urban when it holds at least 100 households per
# km². `PlanConfig.from_toml` reads them from a preset's `[plan]` table. The plan is made
# once (partitioning is the slow step) and every scenario staffs the same grids.

# %%
import time

import gridmap
from gridmap.presets import preset_path

inputs = gridmap.inputs_from_osm(OSM_FILE, area_name=AREA_NAME, units_level=UNITS_LEVEL, parent_level=PARENT_LEVEL)
config = gridmap.PlanConfig.from_toml(preset_path("yingjing"))
start = time.perf_counter()
plan = gridmap.make_plan(inputs, config)
print(f"{len(plan.grids)} grids in {time.perf_counter() - start:.0f} s; band {config.band}, "
      f"settlements dense (split by the band) from {config.urban.min_density:g} households/km² of their atoms")
plan.grids.groupby(["parent_name", "regime"]).agg(grids=("grid_id", "size"), households=("households", "sum"))

# %% [markdown]
# ## 2. Four sets of staffing rules
# A `StaffingConfig` holds:
#
# - `worker_types`: each type's pay per month (yuan) by pay component;
# - `urban` and `rural`: the rules of grids in urban and rural units, each a list of
#   rules (one per role), each rule `fixed` (so many workers per grid),
#   `per_households` (one per so many households, rounded up) or `workload`
#   (households plus weighted special groups: the elderly living alone, the disabled, ...);
# - `units`: rules for named units that differ from their regime's;
# - `months_per_year`: 12, or 13 where a 13th month is paid.
#
# The presets are TOML files (`gridmap presets` lists them); `from_toml(path,
# bare=False)` reads their `[staffing]` table. The two used here, as the counties
# describe their schemes:

# %%
from gridmap.presets import list_presets

for preset in list_presets():
    if preset["name"] in ("yingjing", "pengxi"):
        print(f"{preset['title']} ({preset['county_code']}):\n{preset['scheme']}\n")

# %% [markdown]
# and the Pengxi preset's staffing rules as written in its TOML file: pay per worker
# type, then the rules of urban grids and of rural grids (two roles there: a first-level
# part-timer per grid, and a second-level one per 100 households).

# %%
text = preset_path("pengxi").read_text(encoding="utf-8")
print(text[text.index("[staffing]"):text.index("[reach]")])

# %% [markdown]
# The hand-made scenario is written in Python. A rule can be given as a plain dict;
# the configuration checks every value when it is made, and a wrong one fails with a
# message naming it (try `households_per_worker=0`). Here: a full-time worker per 250
# households in town, a part-time one per 250 households in the villages, each grid at
# least one, full-time pay of 1,500 yuan a month split 60 % base / 40 % performance, and
# a 13th month.

# %%
per_250 = gridmap.StaffingConfig(
    worker_types={"full_time": {"base": 900.0, "performance": 600.0},
                  "part_time": {"base": 300.0, "performance": 200.0}},
    urban=[{"worker_type": "full_time", "method": "per_households", "households_per_worker": 250.0}],
    rural=[{"worker_type": "part_time", "method": "per_households", "households_per_worker": 250.0}],
    months_per_year=13,
)

SCENARIOS = {
    "default": gridmap.StaffingConfig(),
    "Yingjing": gridmap.StaffingConfig.from_toml(preset_path("yingjing"), bare=False),
    "Pengxi": gridmap.StaffingConfig.from_toml(preset_path("pengxi"), bare=False),
    "1 per 250 households": per_250,
}
import pandas as pd

pd.DataFrame({name: {"worker types (yuan/month)": "; ".join(f"{t} {c.monthly_pay(t):,.0f}" for t in c.worker_types),
                     "urban rules": "; ".join(f"{r.worker_type} {r.method}" for r in c.urban),
                     "rural rules": "; ".join(f"{r.worker_type} {r.method}" for r in c.rural),
                     "months per year": c.months_per_year}
              for name, c in SCENARIOS.items()}).T

# %% [markdown]
# ## 3. Staff the plan
# `gridmap.staff_plan` returns a new plan with a `workers` layer (one point per worker,
# at the grid's base, with their type and pay), a `bases` layer (one office per grid)
# and a `workers` column on the grids; the original plan is left untouched.
#
# Bases are computed once, on the road network (the road node from which the grid's
# households are quickest to reach on foot). Staffing an already staffed plan keeps its
# bases, so the later scenarios only count workers and pay: that is why the first
# scenario takes a few seconds and the others none.

# %%
staffed = {}
previous = plan
for name, rules in SCENARIOS.items():
    start = time.perf_counter()
    staffed[name] = previous = gridmap.staff_plan(previous, rules)
    meta = previous.meta["staffing"]
    print(f"{name:22s} {meta['workers']:4d} workers {meta['workers_by_type']}, "
          f"bases reused: {meta['bases']['reused']}, {time.perf_counter() - start:.1f} s")

# %% [markdown]
# Island grids (pieces of a unit cut off from the rest by a river or a mountain, often
# without a household) follow the rural rules, so each gets a worker too; the staffing
# notes say so. Which ones, under the default rules:

# %%
print("\n".join(staffed["default"].meta["staffing"]["notes"]))
islands = staffed["default"].grids.query("regime == 'island'")
print(f"{len(islands)} island grids hold {islands['households'].sum():,.0f} households "
      f"and get {islands['workers'].sum()} workers")
islands[["grid_id", "unit_name", "households", "area_km2", "workers"]]

# %% [markdown]
# Workers per grid under each scenario: the fixed rules give one per grid (Pengxi adds a
# second-level part-timer per 100 households in the villages); the hand-made rule gives
# large grids several.

# %%
workers_per_grid = pd.DataFrame({name: p.grids.set_index("grid_id")["workers"] for name, p in staffed.items()})
workers_per_grid.insert(0, "households", plan.grids.set_index("grid_id")["households"])
workers_per_grid.insert(0, "regime", plan.grids.set_index("grid_id")["regime"])
workers_per_grid.sort_values("households", ascending=False).head(10)

# %% [markdown]
# ## 4. Budget per township and county
# `gridmap.budget_table` gives one row per township and a county row: grids, workers
# (by type), and yuan per month and per year by pay component. A year is the
# scenario's `months_per_year` months. The Pengxi scenario:

# %%
gridmap.budget_table(staffed["Pengxi"])

# %% [markdown]
# And the hand-made one (note the 13 months):

# %%
gridmap.budget_table(staffed["1 per 250 households"])

# %% [markdown]
# The county rows of all four side by side (yuan):

# %%
budgets = {name: gridmap.budget_table(p) for name, p in staffed.items()}
county = pd.DataFrame({name: table.iloc[-1] for name, table in budgets.items()}).T
columns = ["grids", "workers"] + [c for c in county.columns if c.startswith("workers_")] + ["total_month", "total_year"]
county = county[columns].fillna(0)
county["yuan per household and year"] = county["total_year"] / plan.grids["households"].sum()
county.style.format("{:,.0f}").format("{:.1f}", subset=["yuan per household and year"])

# %% [markdown]
# Yearly budget per township and scenario (yuan):

# %%
townships = pd.DataFrame({name: table.set_index("parent_name")["total_year"] for name, table in budgets.items()})
townships.style.format("{:,.0f}")

# %% [markdown]
# ## 5. Yearly budget by pay component
# Each bar is one scenario's county budget for a year, split into its pay components.

# %%
import matplotlib.pyplot as plt

from gridmap.report import use_cjk_font

use_cjk_font()  # Chinese names draw in the plots (needs a CJK font, e.g. fonts-wqy-microhei)

components = pd.DataFrame({name: {c[:-len("_year")]: v for c, v in table.iloc[-1].items()
                                  if c.endswith("_year") and c != "total_year"}
                           for name, table in budgets.items()}).T.fillna(0.0)
palette = dict(zip(components.columns, plt.cm.tab10.colors))   # one colour per component in every chart
ax = (components / 1e3).plot.bar(stacked=True, figsize=(9, 4.5), rot=0, edgecolor="white",
                                 color=[palette[c] for c in components.columns])
for i, total in enumerate(components.sum(axis=1) / 1e3):
    ax.annotate(f"{total:,.0f}", (i, total), ha="center", va="bottom")
ax.set_ylabel("thousand yuan per year")
ax.set_title("County budget by pay component")
ax.legend(title="pay component")
plt.tight_layout()
plt.show()

# %% [markdown]
# The same per township, so a township can see its own share:

# %%
fig, axes = plt.subplots(1, len(budgets), figsize=(14, 4), sharey=True)
for ax, (name, table) in zip(axes, budgets.items()):
    rows = table[table["level"] == "township"].set_index("parent_name")
    year = rows[[c for c in rows.columns if c.endswith("_year") and c != "total_year"]]
    year = year.rename(columns=lambda c: c[:-len("_year")])
    (year / 1e3).plot.bar(stacked=True, ax=ax, rot=0, edgecolor="white", color=[palette[c] for c in year.columns])
    ax.set_title(name)
    ax.set_xlabel("")
axes[0].set_ylabel("thousand yuan per year")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## 6. On the map
# The staffed plan on an interactive map (offline): workers and bases are layers of
# their own; click a grid for its households and workers. The hand-made scenario:

# %%
staffed["1 per 250 households"].to_map(lang="en")

# %% [markdown]
# ## 7. Save
# The roster (one row per worker, with the base's coordinates) and the budget as CSV
# (UTF-8 with BOM, so Excel shows Chinese), and each staffed plan as a GeoPackage.

# %%
from gridmap.staffing import roster, write_budget, write_roster

for key, (name, p) in zip(["default", "yingjing", "pengxi", "per_250"], staffed.items()):
    write_budget(p, OUT / f"budget_{key}.csv")
    write_roster(p, OUT / f"roster_{key}.csv")
    p.save(OUT / f"plan_{key}.gpkg")
print(sorted(f.name for f in OUT.iterdir()))
roster(staffed["Pengxi"]).head()
