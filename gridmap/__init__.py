"""gridmap: partition a county into balanced service grids (网格化服务管理), staff them, map them.

The pipeline, as functions on plain GeoDataFrames::

    import gridmap
    inputs = gridmap.inputs_from_osm("data/liechtenstein.osm.pbf", area_name="Liechtenstein")
    plan = gridmap.make_plan(inputs, gridmap.PlanConfig(band=(300, 500), seed=0))
    plan.grids.head()
    plan.save("out/plan.gpkg")
"""
from gridmap.config import PlanConfig, UrbanRule, HouseholdRule
from gridmap.errors import GridmapError, InputError, InfeasibleError
from gridmap.pipeline import Inputs, inputs_from_files, inputs_from_osm, make_plan, set_households
from gridmap.plan import Plan

__all__ = ["PlanConfig", "UrbanRule", "HouseholdRule", "GridmapError", "InputError", "InfeasibleError", "Inputs",
           "inputs_from_files", "inputs_from_osm", "make_plan", "set_households", "Plan"]
