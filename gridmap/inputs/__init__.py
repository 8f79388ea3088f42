"""Readers that turn input files into plain GeoDataFrames.

``gridmap.inputs.osm`` reads OpenStreetMap extracts (PBF, XML, bz2/gz XML) into
layers of boundaries, roads, waterways, water areas, railways and buildings, and
picks the plan's area and its units out of the administrative boundaries.

Modules are imported on demand (``from gridmap.inputs.osm import read_osm``) so
that reading a vector file does not load the OSM toolchain.
"""

from gridmap.errors import InputError

#: Input roles of a plan whose coordinates may be declared GCJ-02 (AMap/Gaode, Tencent).
GCJ02_ROLES = ("area", "units", "roads", "waterways", "railways", "barriers", "households", "buildings", "totals")


def gcj02_roles(roles, known=GCJ02_ROLES) -> set[str]:
    """The set of input roles in GCJ-02 (``"all"`` for every one of ``known``); unknown names are an error."""
    roles = {roles} if isinstance(roles, str) else set(roles or ())
    if "all" in roles:
        return set(known)
    unknown = roles - set(known)
    if unknown:
        raise InputError(f"gcj02: unknown input(s) {sorted(unknown)}; known: {', '.join(known)}, all")
    return roles


#: Files of ``gridmap validate`` whose coordinates may be declared GCJ-02.
VALIDATE_GCJ02_ROLES = ("grids", "area", "units", "households")
