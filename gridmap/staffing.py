"""Staffing: workers per grid, their bases, the roster and the budget.

Counties staff grids under rules like "one grid, one worker" (一格一员) or "one grid,
several workers" (一格多员), full-time workers (专职网格员) in towns and part-time
(兼职网格员) in villages, paid per month by type and pay component. A
:class:`StaffingConfig` holds such rules, validated once (messages name the parameter)
and round-tripped through TOML like :class:`~gridmap.config.PlanConfig`::

    [staffing]
    months_per_year = 12

    [staffing.worker_types.full_time]       # yuan per month, by pay component
    base = 1000.0
    [staffing.worker_types.part_time]       # 250 base + 200 performance + 50 phone
    base = 250.0
    performance = 200.0
    phone = 50.0
    # "60% base, 40% performance" of 1,500 yuan: base = 900.0, performance = 600.0

    [[staffing.urban]]                      # rules of urban grids (a list: one per role)
    worker_type = "full_time"
    method = "per_households"               # fixed | per_households | workload
    households_per_worker = 300.0

    [[staffing.rural]]
    worker_type = "part_time"
    method = "fixed"
    workers = 1

    [[staffing.units."510921101"]]          # a unit (id or name) with its own rules
    worker_type = "part_time_1"
    method = "workload"
    households_per_worker = 250.0
    weights = {elderly_alone = 2.0, disabled = 1.0}

:func:`staff_plan` adds a ``workers`` layer (points at the grid's base), a ``bases``
layer, ``grids.workers`` and ``meta["staffing"]``; :func:`budget_table` gives the budget
per township and county, per month and year, by pay component; :func:`write_roster`
and :func:`write_budget` write the CSV files (UTF-8 with BOM, so Excel shows Chinese).
"""
from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap._levels import county_name, townships
from gridmap.config import DEFAULT_WORKER_TYPES, METHODS, StaffingConfig, StaffingRule  # noqa: F401 (re-exported)
from gridmap.errors import InputError
from gridmap.plan import Plan

# The staffing rules live in gridmap.config (one module for every rule of a plan).


# --------------------------------------------------------------------------- staffing a plan


def _group_sums(plan: Plan, columns: set[str], grid_ids: np.ndarray) -> tuple[dict, list[str]]:
    """Per-grid sums of special-group columns of the households layer, and the columns it lacks."""
    households = plan.layers.get("households")
    present = {c for c in columns if households is not None and c in households.columns}
    sums = {}
    for column in present:
        values = pd.to_numeric(households[column], errors="coerce").fillna(0.0)
        sums[column] = values.groupby(households["grid_id"].astype(str)).sum().reindex(grid_ids).fillna(0.0).to_numpy()
    return sums, sorted(columns - present)


def staff_plan(plan: Plan, config: StaffingConfig | None = None, *, bases: gpd.GeoDataFrame | None = None,
               reach_config=None, objective: str = "min_time", executor=None, network=None) -> Plan:
    """The plan staffed under ``config`` (a new Plan; ``plan`` is not modified).

    Parameters
    ----------
    plan : a plan with ``grids`` (and ``households``; ``roads`` to compute bases on).
    config : staffing rules (default :class:`StaffingConfig`).
    bases : user bases (offices, workrooms): points with a ``grid_id`` (or ``code``)
        column, or matched to the grid they lie in. Grids without one keep the plan's
        ``bases`` layer, or get a base computed on the road network
        (:func:`gridmap.bases.compute_bases` under ``reach_config``, walking by default);
        without roads, the household point least far from the grid's others.
    reach_config : travel rules for computed bases (:class:`gridmap.config.ReachConfig`).
    objective : ``"min_time"`` or ``"max_reached"`` for computed bases.
    executor : a :class:`concurrent.futures.Executor` on which computed bases are searched.
    network : the road network already built under ``reach_config``
        (:func:`gridmap.roads.build_network`), so that staffing and reach build it once.

    Returns
    -------
    Plan with ``workers`` (points at the base: ``worker_id``, ``worker_type``,
    ``grid_id``, ``code``, ``unit_id``, ``unit_name``, ``parent_id``, ``parent_name``,
    ``monthly_pay`` and ``pay_<component>`` in yuan per month), ``bases``,
    ``grids.workers`` and ``meta["staffing"]`` (rules, totals, notes).
    """
    from gridmap.bases import plan_bases

    config = config or StaffingConfig()
    grids = plan.grids
    grid_ids = grids["grid_id"].astype(str).to_numpy()
    notes = []

    existing = plan.layers.get("bases")
    if bases is not None and bases is existing:
        bases = None
    reuse = bases is None and existing is not None and set(grid_ids) <= set(existing["grid_id"].astype(str))
    if reuse:
        base_layer = existing
    else:
        base_layer = plan_bases(plan, reach_config, bases=bases, objective=objective, executor=executor,
                                network=network)
        base_layer = base_layer.assign(households=grids["households"].to_numpy(dtype=float),
                                       households_reached=np.nan, share_reached=np.nan, minutes=np.nan)
        if base_layer.attrs.get("outside"):
            notes.append(f"{base_layer.attrs['outside']} given base(s) lie outside every grid and were not used")
        if (base_layer["method"] == "straight_line").any():
            notes.append("the plan has no roads: computed bases are the household point least far (straight line, "
                         "household-weighted) from the grid's others")
    base_at = dict(zip(base_layer["grid_id"].astype(str), base_layer.geometry.to_numpy()))
    source_at = dict(zip(base_layer["grid_id"].astype(str), base_layer["source"].astype(str)))

    regimes = grids["regime"].astype(str).to_numpy()
    served_by = np.full(len(grids), "", dtype=object)
    if not config.island_workers:
        served_by = serving_grids(grids)
        if (served_by != "").any():
            notes.append(f"{int((served_by != '').sum())} island grid(s) are served by the worker of the nearest "
                         "grid of their unit (grids.served_by)")
    other = sorted(set(regimes[served_by == ""]) - {"urban", "rural"})
    if other:
        notes.append(f"regime(s) {other} follow the rural rules")
    rules = [() if by else config.rules_for(r, u, n)
             for r, u, n, by in zip(regimes, grids["unit_id"], grids["unit_name"], served_by)]
    matched = {str(k) for k in grids["unit_id"]} | {str(k) for k in grids["unit_name"]}
    unmatched = sorted(set(config.units) - matched)
    if unmatched:
        notes.append(f"unit rule(s) {unmatched} match no unit of the plan")

    columns = {c for rs in rules for r in rs if r.method == "workload" for c in r.weights}
    groups, missing = _group_sums(plan, columns, grid_ids)
    if missing:
        message = f"the households layer has no column(s) {missing}: their workload weights count 0"
        notes.append(message)
        warnings.warn(message, stacklevel=2)

    households = grids["households"].to_numpy(dtype=float)
    components = config.components
    records = []
    counts = np.zeros(len(grids), dtype=np.int64)
    # A regime's (or unit's) rule list is one object shared by its grids: count per list.
    lists = {id(r): r for r in rules}
    list_of = np.array([id(r) for r in rules])
    for ident, key in lists.items():
        rows = np.flatnonzero(list_of == ident)
        sub_groups = {c: v[rows] for c, v in groups.items()}
        per_rule = [rule.count(households[rows], sub_groups) for rule in key]
        for k, g in enumerate(rows):
            seq = 0
            for rule, n in zip(key, per_rule):
                pay = config.worker_types[rule.worker_type]
                for _ in range(int(n[k])):
                    seq += 1
                    records.append((g, seq, rule.worker_type, *[pay.get(c, 0.0) for c in components]))
            counts[g] = seq
    frame = pd.DataFrame.from_records(records, columns=["row", "seq", "worker_type"] + [f"pay_{c}" for c in components])
    frame = frame.sort_values(["row", "seq"], kind="stable").reset_index(drop=True)
    info = grids.iloc[frame["row"].to_numpy()]
    code = info["code"].astype(str).to_numpy() if "code" in grids.columns else info["grid_id"].astype(str).to_numpy()
    workers = gpd.GeoDataFrame({
        "worker_id": [f"{c}-{s:02d}" for c, s in zip(code, frame["seq"])],
        "worker_type": frame["worker_type"].to_numpy(),
        "grid_id": info["grid_id"].astype(str).to_numpy(),
        "code": code,
        "unit_id": info["unit_id"].astype(str).to_numpy(),
        "unit_name": info["unit_name"].astype(str).to_numpy(),
        "parent_id": info["parent_id"].fillna("").astype(str).to_numpy(),
        "parent_name": info["parent_name"].fillna("").astype(str).to_numpy(),
        "regime": info["regime"].astype(str).to_numpy(),
        "base_source": [source_at.get(g, "") for g in info["grid_id"].astype(str)],
        "monthly_pay": frame[[f"pay_{c}" for c in components]].sum(axis=1).to_numpy(dtype=float),
        **{f"pay_{c}": frame[f"pay_{c}"].to_numpy(dtype=float) for c in components},
    }, geometry=[base_at.get(g) for g in info["grid_id"].astype(str)], crs=grids.crs)

    layers = dict(plan.layers)
    layers.update(grids=grids.assign(workers=counts, served_by=served_by), workers=workers, bases=base_layer)
    if not reuse and "reach" in plan.meta:  # new bases: the old reach figures no longer hold
        for name in ("service_areas", "unreached"):
            layers.pop(name, None)
        layers["grids"] = layers["grids"].drop(columns=["share_reached"], errors="ignore")
        notes.append("bases changed: earlier reach figures were dropped; run reach again")
    meta = {k: v for k, v in plan.meta.items() if reuse or k != "reach"}
    staffed = Plan(layers=layers, meta=meta)
    table = budget_table(staffed, months_per_year=config.months_per_year)
    county = table.iloc[-1]
    meta["staffing"] = {
        "config": config.to_dict(),
        "workers": int(len(workers)),
        "workers_by_type": {k: int(v) for k, v in workers["worker_type"].value_counts().sort_index().items()},
        "grids": int(len(grids)),
        "monthly_yuan": {c: float(county[f"{c}_month"]) for c in components} | {"total": float(county["total_month"])},
        "yearly_yuan": {c: float(county[f"{c}_year"]) for c in components} | {"total": float(county["total_year"])},
        "budget_month": float(county["total_month"]),
        "budget_year": float(county["total_year"]),
        "bases": {"given": int((base_layer["source"] == "given").sum()),
                  "computed": int((base_layer["source"] == "computed").sum()),
                  "reused": bool(reuse)},
        "notes": notes,
    }
    return staffed


def serving_grids(grids: gpd.GeoDataFrame) -> np.ndarray:
    """For each island grid, the nearest non-island grid of the same unit ('' for the others).

    Islands of a unit with no other grid are served by no one and keep ''.
    """
    out = np.full(len(grids), "", dtype=object)
    island = (grids["regime"].astype(str) == "island").to_numpy()
    for unit_id in grids.loc[island, "unit_id"].unique():
        mine = (grids["unit_id"] == unit_id).to_numpy()
        hosts = np.flatnonzero(mine & ~island)
        if len(hosts) == 0:
            continue
        host_geoms = grids.geometry.to_numpy()[hosts]
        for i in np.flatnonzero(mine & island):
            nearest = hosts[int(np.argmin(shapely.distance(host_geoms, grids.geometry.to_numpy()[i])))]
            out[i] = str(grids["grid_id"].iloc[nearest])
    return out


def budget_table(plan: Plan, *, months_per_year: int | None = None) -> pd.DataFrame:
    """Budget per township and for the county: workers, and yuan per month and year by pay component.

    One row per township (``parent_id``, ``parent_name``), then a county row
    (``level = "county"``). Columns: ``level``, ``parent_id``, ``parent_name``,
    ``grids``, ``workers``, ``workers_<type>``, ``<component>_month``, ``total_month``,
    ``<component>_year``, ``total_year``. A year is ``months_per_year`` months (from the
    plan's staffing rules, 12 by default).
    """
    if "workers" not in plan.layers:
        raise InputError.of("out_budget_no_workers")
    workers = plan.layers["workers"]
    if months_per_year is None:
        rules = plan.config.staffing
        months_per_year = rules.months_per_year if rules is not None else 12
    components = [c[len("pay_"):] for c in workers.columns if c.startswith("pay_")]
    # one township per grid, found as the report and the map find it (gridmap._levels)
    grids = plan.grids
    levels = townships(grids, county_name(plan))
    grids = grids.assign(parent_id=levels["township_id"].to_numpy(), parent_name=levels["township"].to_numpy())
    of_grid = grids.set_index(grids["grid_id"].astype(str))[["parent_id", "parent_name"]]
    of_grid = of_grid[~of_grid.index.duplicated()]
    mine = of_grid.reindex(workers["grid_id"].astype(str).to_numpy())
    frame = pd.DataFrame({"parent_id": mine["parent_id"].fillna("").astype(str).to_numpy(),
                          "parent_name": mine["parent_name"].fillna("").astype(str).to_numpy(),
                          "worker_type": workers["worker_type"].astype(str).to_numpy()})
    for c in components:
        frame[f"{c}_month"] = pd.to_numeric(workers[f"pay_{c}"], errors="coerce").fillna(0).to_numpy(dtype=float)
    types = sorted(frame["worker_type"].unique())
    for t in types:
        frame[f"workers_{t}"] = (frame["worker_type"] == t).astype(int)
    frame["workers"] = 1
    keys = ["parent_id", "parent_name"]
    value_columns = ["workers"] + [f"workers_{t}" for t in types] + [f"{c}_month" for c in components]
    township = frame.groupby(keys, sort=True)[value_columns].sum().reset_index()
    grid_count = grids.groupby(keys).size()
    township = township.merge(grid_count.rename("grids").reset_index(), on=keys, how="outer").fillna(
        {c: 0 for c in value_columns})
    township.insert(0, "level", "township")
    county = township[value_columns + ["grids"]].sum().to_frame().T
    county.insert(0, "level", "county")
    county["parent_id"] = ""
    county["parent_name"] = "county"
    table = pd.concat([township, county], ignore_index=True)
    table["total_month"] = table[[f"{c}_month" for c in components]].sum(axis=1)
    for c in components + ["total"]:
        table[f"{c}_year"] = table[f"{c}_month"] * months_per_year
    order = (["level", "parent_id", "parent_name", "grids"] + value_columns[:1 + len(types)]
             + [f"{c}_month" for c in components] + ["total_month"] + [f"{c}_year" for c in components + ["total"]])
    table = table[order]
    for column in ["grids"] + value_columns[:1 + len(types)]:
        table[column] = table[column].astype(int)
    return table


def roster(plan: Plan) -> pd.DataFrame:
    """The roster: one row per worker with grid, unit, base coordinates (plan CRS and WGS 84) and pay."""
    if "workers" not in plan.layers:
        raise InputError.of("out_roster_no_workers")
    workers = plan.layers["workers"]
    lonlat = workers.geometry.to_crs(4326) if workers.crs is not None and len(workers) else workers.geometry
    table = pd.DataFrame(workers.drop(columns=workers.geometry.name))
    table["base_x"] = workers.geometry.x.round(1).to_numpy()
    table["base_y"] = workers.geometry.y.round(1).to_numpy()
    table["base_lon"] = lonlat.x.round(6).to_numpy()
    table["base_lat"] = lonlat.y.round(6).to_numpy()
    pay = [c for c in table.columns if c.startswith("pay_") or c == "monthly_pay"]
    first = ["worker_id", "worker_type", "grid_id", "code", "unit_id", "unit_name", "parent_id", "parent_name",
             "regime", "base_source", "base_x", "base_y", "base_lon", "base_lat"]
    first = [c for c in first if c in table.columns]
    return table[first + pay + [c for c in table.columns if c not in first and c not in pay]]


def write_roster(plan: Plan, path: str | Path) -> Path:
    """Write :func:`roster` as CSV (UTF-8 with BOM for Excel; no cell starts a formula), atomically."""
    from gridmap.tables import write_csv

    return write_csv(roster(plan), path)


def write_budget(plan: Plan, path: str | Path) -> Path:
    """Write :func:`budget_table` as CSV (UTF-8 with BOM for Excel; no cell starts a formula), atomically."""
    from gridmap.tables import write_csv

    return write_csv(budget_table(plan), path)
