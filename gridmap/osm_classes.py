"""The one vocabulary of OpenStreetMap classes gridmap reads: roads, waterways, railways, one-way tags.

The OSM reader (:mod:`gridmap.inputs.osm`) keeps the ways whose classes are listed here,
the plan's rules (:mod:`gridmap.config`) cut atoms along some of them and give each
travel mode a speed on some of them, and the road network (:mod:`gridmap.roads`) reads
one-way tags with the same words, so the three never disagree about a class. Road and
line files from elsewhere use the same words in their ``highway`` / ``waterway`` columns.

One-way: OSM implies ``oneway=yes`` on motorways, motorway links and roundabouts when the
tag is missing (OSM wiki, Key:oneway and Tag:highway=motorway_link); both the reader
and the network follow it, for OSM extracts and files alike.

A lower-layer module: it imports nothing of gridmap.
"""
from __future__ import annotations

__all__ = ["ROAD_HIGHWAYS", "WATERWAYS", "RAILWAYS", "WALKABLE_HIGHWAYS", "BARRIER_HIGHWAYS", "BARRIER_WATERWAYS",
           "ONEWAY_FORWARD", "ONEWAY_BACKWARD", "ONEWAY_BOTH", "IMPLIED_ONEWAY_HIGHWAYS", "IMPLIED_ONEWAY_JUNCTIONS"]

#: ``highway`` values read as roads and paths. Lifecycle values (proposed,
#: construction, abandoned) and non-linear ones (platform, rest_area, raceway...)
#: are left out, and so are highway ways tagged ``area=yes`` (squares, plazas).
ROAD_HIGHWAYS = frozenset({
    "motorway", "trunk", "primary", "secondary", "tertiary",
    "motorway_link", "trunk_link", "primary_link", "secondary_link", "tertiary_link",
    "unclassified", "residential", "living_street", "service", "road", "busway",
    "track", "pedestrian", "footway", "path", "cycleway", "steps", "bridleway",
})

#: ``waterway`` values read as waterway lines.
WATERWAYS = frozenset({"river", "stream", "canal", "drain", "ditch"})

#: ``railway`` values read as tracks: everything on the ground that a block
#: boundary may follow. Abandoned, dismantled, razed and proposed lines are gone
#: or not yet there; platforms, stations and the like are not tracks.
RAILWAYS = frozenset({
    "rail", "light_rail", "tram", "narrow_gauge", "subway", "monorail",
    "funicular", "preserved", "disused", "construction",
})

#: ``highway`` classes a person may walk (motorways and their links, and busways, excluded;
#: ``corridor``, indoor ways, only comes from files).
WALKABLE_HIGHWAYS = ("trunk", "trunk_link", "primary", "primary_link", "secondary", "secondary_link", "tertiary",
                     "tertiary_link", "unclassified", "residential", "living_street", "service", "pedestrian",
                     "track", "road", "path", "footway", "steps", "cycleway", "bridleway", "corridor")

#: OSM ``highway`` values that cut the area into atoms, with their barrier class.
BARRIER_HIGHWAYS = {
    "motorway": "major_road", "trunk": "major_road", "primary": "major_road",
    "secondary": "major_road", "motorway_link": "major_road", "trunk_link": "major_road",
    "primary_link": "major_road", "secondary_link": "major_road",
    "tertiary": "road", "tertiary_link": "road", "unclassified": "road",
    "residential": "road", "living_street": "road", "pedestrian": "road",
}

#: OSM ``waterway`` values that cut the area, with their barrier class.
BARRIER_WATERWAYS = {
    "river": "river", "canal": "river", "stream": "minor_water",
    "drain": "minor_water", "ditch": "minor_water",
}

#: ``oneway`` values: travel along the way's digitised direction only, against it only, or both.
ONEWAY_FORWARD = frozenset({"yes", "true", "1"})
ONEWAY_BACKWARD = frozenset({"-1", "reverse"})
ONEWAY_BOTH = frozenset({"no", "false", "0"})

#: Where OSM implies ``oneway=yes`` when the tag is missing.
IMPLIED_ONEWAY_HIGHWAYS = frozenset({"motorway", "motorway_link"})
IMPLIED_ONEWAY_JUNCTIONS = frozenset({"roundabout", "circular"})
