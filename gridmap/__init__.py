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
from gridmap.config import PlanConfig, UrbanRule, HouseholdRule
from gridmap.errors import GridmapError, InputError, InfeasibleError
from gridmap.pipeline import Inputs, inputs_from_files, inputs_from_osm, make_plan, set_households
from gridmap.plan import Plan
from gridmap.pipeline import staff_and_reach
from gridmap.roads import ReachConfig
from gridmap.staffing import StaffingConfig, budget_table, staff_plan
from gridmap.reach import reach_plan, reach_table
from gridmap.validate import validate_grids, validate_plan

__all__ = ["PlanConfig", "UrbanRule", "HouseholdRule", "GridmapError", "InputError", "InfeasibleError", "Inputs",
           "inputs_from_files", "inputs_from_osm", "make_plan", "set_households", "Plan", "staff_and_reach",
           "ReachConfig", "StaffingConfig", "budget_table", "staff_plan", "reach_plan", "reach_table", "validate_grids", "validate_plan"]
