"""Specific areas (schools, hospitals, markets, industrial parks, scenic areas) from an OSM extract.

One streaming pass of pyosmium over the areas (closed ways and multipolygon
relations) whose tags name a kind of :data:`KIND_TAGS`; they become candidate
dedicated grids (专属网格, see :mod:`gridmap.dedicated`).
"""
from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import osmium
import osmium.filter
import osmium.geom
import shapely

from gridmap.errors import InputError

#: Kind of a dedicated grid -> the OSM tags (key, value) that mark such an area.
KIND_TAGS = {
    "school": (("amenity", "school"), ("amenity", "university"), ("amenity", "college"),
               ("amenity", "kindergarten")),
    "hospital": (("amenity", "hospital"), ("amenity", "clinic")),
    "market": (("amenity", "marketplace"),),
    "industrial": (("landuse", "industrial"),),
    "commercial": (("landuse", "commercial"), ("landuse", "retail")),
    "scenic": (("tourism", "attraction"), ("tourism", "theme_park"), ("tourism", "zoo")),
}

_KEYS = sorted({key for tags in KIND_TAGS.values() for key, _ in tags})
_KIND_OF = {tag: kind for kind, tags in KIND_TAGS.items() for tag in tags}


def specific_areas_from_osm(path) -> gpd.GeoDataFrame:
    """Areas of the kinds of :data:`KIND_TAGS` in an OSM extract (EPSG:4326).

    Columns: ``osm_id``, ``kind`` (``school``, ``hospital``, ``market``, ``industrial``,
    ``commercial``, ``scenic``), ``tag`` (``key=value``), ``name``. An area with several
    such tags takes the first kind in :data:`KIND_TAGS` order.
    """
    path = Path(path)
    if not path.exists():
        raise InputError.of("no_such_file", what="dedicated areas", path=path)
    factory = osmium.geom.WKBFactory()
    rows, wkbs = [], []
    order = list(KIND_TAGS)
    try:
        processor = (osmium.FileProcessor(str(path)).with_locations()
                     .with_areas(osmium.filter.KeyFilter(*_KEYS))
                     .with_filter(osmium.filter.EntityFilter(osmium.osm.AREA))
                     .with_filter(osmium.filter.KeyFilter(*_KEYS)))
        for area in processor:
            tags = area.tags
            found = [(order.index(_KIND_OF[(k, tags.get(k))]), k) for k in _KEYS if (k, tags.get(k)) in _KIND_OF]
            if not found:
                continue
            _, key = min(found)
            try:
                wkb = factory.create_multipolygon(area)
            except RuntimeError:
                continue
            rows.append({"osm_id": area.orig_id(), "kind": _KIND_OF[(key, tags.get(key))],
                         "tag": f"{key}={tags.get(key)}", "name": tags.get("name", "")})
            wkbs.append(wkb)
    except RuntimeError as exc:
        raise InputError.of("in_osm_cannot_read", path=path, reason=str(exc).splitlines()[0]) from exc
    geometry = shapely.from_wkb(wkbs) if wkbs else []
    return gpd.GeoDataFrame(rows, columns=["osm_id", "kind", "tag", "name"], geometry=geometry, crs=4326)
