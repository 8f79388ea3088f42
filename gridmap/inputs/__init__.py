"""Readers that turn input files into plain GeoDataFrames.

``gridmap.inputs.osm`` reads OpenStreetMap extracts (PBF, XML, bz2/gz XML) into
layers of boundaries, roads, waterways, water areas, railways and buildings, and
picks the plan's area and its units out of the administrative boundaries.

Modules are imported on demand (``from gridmap.inputs.osm import read_osm``) so
that reading a vector file does not load the OSM toolchain.
"""

from gridmap.errors import InputError

#: Input roles of a plan whose coordinates may be declared GCJ-02 (AMap/Gaode, Tencent) or BD-09 (Baidu).
GCJ02_ROLES = ("area", "units", "roads", "waterways", "railways", "barriers", "households", "buildings", "totals")


def gcj02_roles(roles, known=GCJ02_ROLES, option: str = "gcj02") -> set[str]:
    """The set of input roles in GCJ-02 (``"all"`` for every one of ``known``); unknown names are an error."""
    roles = {roles} if isinstance(roles, str) else set(roles or ())
    if "all" in roles:
        return set(known)
    unknown = roles - set(known)
    if unknown:
        raise InputError.of("datum_unknown_role", option=option, unknown=sorted(unknown), known=", ".join(known))
    return roles


def datum_roles(gcj02=(), bd09=(), known=GCJ02_ROLES) -> dict[str, str]:
    """``{role: datum}`` of the inputs declared GCJ-02 (``gcj02``: roles, or ``"all"``) or BD-09
    (``bd09``); a role declared both is an error (a file has one datum)."""
    a, b = gcj02_roles(gcj02, known), gcj02_roles(bd09, known, option="bd09")
    both = sorted(a & b)
    if both:
        raise InputError.of("datum_twice", role=both[0])
    return {**{role: "gcj02" for role in sorted(a)}, **{role: "bd09" for role in sorted(b)}}


#: Files of ``gridmap validate`` whose coordinates may be declared GCJ-02.
VALIDATE_GCJ02_ROLES = ("grids", "area", "units", "households")
