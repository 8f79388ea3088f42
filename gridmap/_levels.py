"""The township of each grid, found one way for the report, the map and the budget.

A plan's units are its lowest administrative level (villages/communities, or whole
townships). Which level plays the township (二级 乡镇/街道):

- grid codes that are 15-digit statistical codes: the grid's ``parent_name`` (or,
  without one, digits 1-9 of the code, the township's code);
- else the units' parents when they name more than one township (``parent_id`` /
  ``parent_name``);
- else the units' one parent when it is not the county (a plan of one township);
- else the units themselves: no parent, or one that is the county itself, as in the
  demo plan, where Liechtenstein's 11 municipalities are the units and the country
  their parent. Then the plan has no village level.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["townships"]


def _column(grids, name) -> np.ndarray:
    if name not in grids.columns:
        return np.full(len(grids), "", dtype=object)
    return grids[name].fillna("").astype(str).to_numpy(dtype=object)


def county_name(plan) -> str:
    """The county's name: the area layer's ``name``, '' when there is none."""
    area = plan.layers.get("area")
    if area is not None and "name" in area.columns and len(area):
        return str(area["name"].iloc[0] or "")
    return ""


def townships(grids, county: str = "") -> pd.DataFrame:
    """One row per grid (same order): ``township_id``, ``township`` (name) and, in
    ``attrs["units_are_townships"]``, whether the units play the townships (no village level).

    ``county``: the county's name (:func:`county_name`); a single parent of that name
    is the county, not a township. Without it a single parent is taken for the county.
    """
    code = _column(grids, "code") if "code" in grids.columns else _column(grids, "grid_id")
    unit_id, unit_name = _column(grids, "unit_id"), _column(grids, "unit_name")
    parent_id, parent_name = _column(grids, "parent_id"), _column(grids, "parent_name")
    named = parent_name != ""
    nbs = len(code) > 0 and bool(pd.Series(code).str.fullmatch(r"\d{15}").all())
    parents = len(set(parent_name[named]))
    if nbs:
        tid = np.where(parent_id != "", parent_id, pd.Series(code).str[:9].to_numpy(dtype=object))
        name = np.where(named, parent_name, tid)
        units_are = False
    elif parents > 1 or (parents == 1 and county and set(parent_name[named]) != {county}):
        tid = np.where(parent_id != "", parent_id, parent_name)
        name = np.where(named, parent_name, unit_name)
        units_are = False
    else:
        tid = unit_id
        name = np.where(unit_name != "", unit_name, unit_id)
        units_are = True
    out = pd.DataFrame({"township_id": tid, "township": name}, index=grids.index)
    out.attrs["units_are_townships"] = units_are
    return out
