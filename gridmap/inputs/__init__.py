"""Readers that turn input files into plain GeoDataFrames.

``gridmap.inputs.osm`` reads OpenStreetMap extracts (PBF, XML, bz2/gz XML) into
layers of boundaries, roads, waterways, water areas, railways and buildings, and
picks the plan's area and its units out of the administrative boundaries.

Modules are imported on demand (``from gridmap.inputs.osm import read_osm``) so
that reading a vector file does not load the OSM toolchain.
"""
