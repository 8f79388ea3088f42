"""gridmap: partition a county into balanced service grids (网格化服务管理), staff them, map them.

The pipeline, as functions on plain GeoDataFrames::

    import gridmap
    inputs = gridmap.inputs_from_osm("data/liechtenstein.osm.pbf", area_name="Liechtenstein")
    plan = gridmap.make_plan(inputs, gridmap.PlanConfig(band=(300, 500), seed=0))
    plan.grids.head()
    plan = gridmap.staff_and_reach(plan)          # workers, bases, budget, reach
    gridmap.validate_plan(plan).format_table()
    plan.to_map()                                  # folium map, inline in Jupyter
    plan.save("out/plan.gpkg")
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

#: Public name -> module that defines it. Modules load on first use (PEP 562), so that
#: ``import gridmap.partition`` (e.g. on a worker) does not pull in geopandas and folium.
_EXPORTS = {
    "PlanConfig": "gridmap.config", "UrbanRule": "gridmap.config", "RuralRule": "gridmap.config",
    "HouseholdRule": "gridmap.config", "Band": "gridmap.config", "RuleSet": "gridmap.config",
    "ReachConfig": "gridmap.config", "StaffingConfig": "gridmap.config",
    "GridmapError": "gridmap.errors", "InputError": "gridmap.errors",
    "Inputs": "gridmap.inputs.assemble", "inputs_from_files": "gridmap.inputs.assemble",
    "inputs_from_osm": "gridmap.inputs.assemble",
    "make_plan": "gridmap.pipeline", "set_households": "gridmap.inputs.assemble", "set_totals": "gridmap.inputs.assemble",
    "set_unit_codes": "gridmap.inputs.assemble",
    "staff_and_reach": "gridmap.pipeline",
    "Plan": "gridmap.plan",
    "budget_table": "gridmap.staffing", "staff_plan": "gridmap.staffing",
    "reach_plan": "gridmap.reach", "reach_table": "gridmap.reach",
    "validate_grids": "gridmap.validate", "validate_plan": "gridmap.validate",
    "Edits": "gridmap.edits", "read_edits": "gridmap.edits", "write_edits": "gridmap.edits",
    "update_plan": "gridmap.update", "with_locks": "gridmap.update",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'gridmap' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__():
    return sorted(set(globals()) | set(_EXPORTS))


if TYPE_CHECKING:  # for type checkers and IDEs: the same names, imported eagerly
    from gridmap.config import (Band, HouseholdRule, PlanConfig, ReachConfig, RuleSet, RuralRule, StaffingConfig,
                                UrbanRule)
    from gridmap.errors import GridmapError, InputError
    from gridmap.pipeline import (Inputs, inputs_from_files, inputs_from_osm, make_plan, set_households, set_totals,
                                  set_unit_codes,
                                  staff_and_reach)
    from gridmap.plan import Plan
    from gridmap.reach import reach_plan, reach_table
    from gridmap.staffing import budget_table, staff_plan
    from gridmap.validate import validate_grids, validate_plan
    from gridmap.edits import Edits, read_edits, write_edits
    from gridmap.update import update_plan, with_locks
