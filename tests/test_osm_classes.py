"""One OSM vocabulary (gridmap.osm_classes) for the reader, the rules and the road network."""
import geopandas as gpd
import shapely

from gridmap import osm_classes as oc
from gridmap.config import DEFAULT_SPEEDS, PlanConfig
from gridmap.inputs import osm
from gridmap.roads import oneway_direction


def test_rules_name_only_classes_the_reader_keeps():
    config = PlanConfig()
    assert set(config.barrier_highways) <= oc.ROAD_HIGHWAYS
    assert set(config.barrier_waterways) <= oc.WATERWAYS
    for mode, table in DEFAULT_SPEEDS.items():
        # corridors (indoor ways) only come from files
        assert set(table) - {"corridor"} <= oc.ROAD_HIGHWAYS, mode
    assert osm.ROAD_HIGHWAYS is oc.ROAD_HIGHWAYS and osm.WATERWAYS is oc.WATERWAYS and osm.RAILWAYS is oc.RAILWAYS


def test_one_way_links_are_implied_by_the_reader_and_the_network_alike():
    """The reader wrote oneway=yes on untagged motorway links while the network treated an
    untagged motorway_link from a file as two-way; both now follow OSM (implied one-way)."""
    assert {"motorway", "motorway_link"} <= oc.IMPLIED_ONEWAY_HIGHWAYS
    line = shapely.LineString([(0, 0), (100, 0)])
    roads = gpd.GeoDataFrame({"highway": ["motorway_link", "motorway_link", "primary", "primary", "primary"],
                              "oneway": [None, "no", None, "-1", "yes"],
                              "junction": [None, None, None, None, None]},
                             geometry=[line] * 5, crs=32632)
    assert oneway_direction(roads).tolist() == [1, 0, 0, -1, 1]
    roundabout = roads.iloc[[2]].assign(junction="roundabout")
    assert oneway_direction(roundabout).tolist() == [1]
    assert osm._ONEWAY == {"yes": "yes", "true": "yes", "1": "yes", "-1": "-1", "reverse": "-1",
                           "no": "no", "false": "no", "0": "no"}
