"""Read OpenStreetMap extracts into plain GeoDataFrames.

`read_osm` streams an extract once through pyosmium (``.osm.pbf``, ``.osm`` XML,
``.osm.bz2``/``.osm.gz``) and returns the layers gridmap needs as an `OsmLayers`:
administrative boundaries, roads, waterways, water areas, railways and buildings,
all in EPSG:4326 with a fixed set of columns, even when a layer is empty.
`select_area` and `select_units` pick the plan's area and its lowest-level units
out of the boundaries. `download_osm` fetches an extract through the Overpass API
(online, only when asked).

The parsed layers of an extract are kept in the user's cache folder under a digest of
the file's bytes (and of this reader's code and the libraries' versions), so reading the
same extract again (a county office re-running its plan) loads them instead of parsing:
``$GRIDMAP_CACHE_DIR``, else ``$XDG_CACHE_HOME/gridmap``, else ``~/.cache/gridmap``;
``GRIDMAP_CACHE=off`` turns it off (the test suite does), as does ``read_osm(..., cache=False)``.

Missing string tags are ``''``, missing numbers ``NaN``. Data read from OSM is
© OpenStreetMap contributors, available under the ODbL 1.0
(https://opendatacommons.org/licenses/odbl/1-0/); keep that notice on anything
derived from it.
"""

from __future__ import annotations

import errno
import logging
import os
import pickle
import tempfile
import time
from dataclasses import dataclass, fields
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap.errors import InputError
from gridmap.i18n import Phrase
from gridmap.inputs.osm_scan import (_AREA_KEYS, _KEYS, _NODE_KEYS, _ONEWAY, _WAY_KEYS, LANDUSES,  # noqa: F401
                                     LAYERS, PLACES, _cache_dir, _cache_entry, _cache_on, _oneway, _scan,
                                     _water_kind)
from gridmap.osm_classes import RAILWAYS, ROAD_HIGHWAYS, WATERWAYS  # noqa: F401 (re-exported)

__all__ = [
    "OSM_CRS",
    "OsmLayers",
    "RAILWAYS",
    "ROAD_HIGHWAYS",
    "WATERWAYS",
    "download_osm",
    "read_osm",
    "select_area",
    "select_units",
]

log = logging.getLogger(__name__)

OSM_CRS = "EPSG:4326"

# Formats pyosmium detects from the file name.
_SUFFIXES = (".pbf", ".osm", ".osm.bz2", ".osm.gz", ".o5m", ".opl")

# Column name -> dtype of every layer, geometry excluded.
_SCHEMA: dict[str, dict[str, str]] = {
    "boundaries": {"osm_id": "int64", "name": "str", "name_zh": "str", "admin_level": "int64"},
    "roads": {
        "osm_id": "int64", "highway": "str", "name": "str", "oneway": "str", "maxspeed": "str",
        "bridge": "str", "tunnel": "str", "layer": "str",
    },
    "waterways": {"osm_id": "int64", "waterway": "str", "name": "str"},
    "water_areas": {"osm_id": "int64", "kind": "str", "name": "str"},
    "railways": {"osm_id": "int64", "railway": "str"},
    "buildings": {
        "osm_id": "int64", "building": "str", "levels": "float64", "flats": "float64",
        "housenumber": "str",
    },
    "places": {"osm_id": "int64", "place": "str", "name": "str"},
    "landuse": {"osm_id": "int64", "landuse": "str", "name": "str"},
}
_POLYGON_LAYERS = frozenset({"boundaries", "water_areas", "buildings", "landuse"})


@dataclass
class OsmLayers:
    """The layers read from one OSM extract, each a GeoDataFrame in EPSG:4326.

    Every layer has index ``0..n-1`` and the columns below even when empty.
    ``osm_id`` is the id of the way or relation the feature comes from (ways and
    relations have separate id spaces, so polygon layers may in principle repeat
    an id).

    Attributes
    ----------
    boundaries
        ``boundary=administrative`` relations assembled into (Multi)Polygons:
        ``osm_id``, ``name``, ``name_zh`` (from ``name:zh``, ``''`` if absent),
        ``admin_level`` (int).
    roads
        Highway ways in `ROAD_HIGHWAYS` as LineStrings: ``osm_id``, ``highway``,
        ``name``, ``oneway`` (``''`` unknown/two-way, ``'yes'``, ``'-1'`` against
        the drawing direction, ``'no'``), ``maxspeed`` (raw tag, e.g. ``'50'``,
        ``'30 mph'``), ``bridge``, ``tunnel`` and ``layer`` (raw tags: roads on
        different layers cross without meeting).
    waterways
        Waterway ways in `WATERWAYS` as LineStrings: ``osm_id``, ``waterway``,
        ``name``.
    water_areas
        ``natural=water``, ``waterway=riverbank`` or ``water=river`` areas:
        ``osm_id``, ``kind`` (the ``water`` tag, e.g. ``'lake'``, ``'river'``;
        else ``'riverbank'`` or ``'water'``), ``name``.
    railways
        Railway ways in `RAILWAYS` as LineStrings: ``osm_id``, ``railway``.
    buildings
        Areas with a ``building`` tag other than ``no``: ``osm_id``, ``building``
        (tag value, e.g. ``'yes'``, ``'house'``), ``levels`` (float, from
        ``building:levels``), ``flats`` (float, from ``building:flats``),
        ``housenumber`` (``addr:housenumber`` or ``''``).
    places
        Nodes with a ``place`` tag in `PLACES` (villages, hamlets, neighbourhoods,
        quarters, towns...) as Points: ``osm_id``, ``place``, ``name``.
    landuse
        Areas with a ``landuse`` tag in `LANDUSES` (residential): ``osm_id``,
        ``landuse``, ``name``.
    """

    boundaries: gpd.GeoDataFrame
    roads: gpd.GeoDataFrame
    waterways: gpd.GeoDataFrame
    water_areas: gpd.GeoDataFrame
    railways: gpd.GeoDataFrame
    buildings: gpd.GeoDataFrame
    places: gpd.GeoDataFrame
    landuse: gpd.GeoDataFrame

    def counts(self) -> dict[str, int]:
        """Number of features in each layer, by layer name."""
        return {f.name: len(getattr(self, f.name)) for f in fields(self)}


def read_osm(
    path: str | os.PathLike[str],
    *,
    bbox: tuple[float, float, float, float] | None = None,
    cache: bool | None = None,
    scan=None,
) -> OsmLayers:
    """Read the layers gridmap needs from an OSM extract.

    Parameters
    ----------
    path
        An ``.osm.pbf``, ``.osm`` (XML), ``.osm.bz2`` or ``.osm.gz`` file (pyosmium
        also reads ``.o5m`` and ``.opl``).
    bbox
        Optional ``(west, south, east, north)`` in degrees (EPSG:4326). Only
        features whose geometry intersects the box are kept; they are not clipped.
    cache
        Keep the layers read from this file in the cache folder, and load them from
        there when the file's bytes are the same (see the module's notes). None: unless
        the environment variable ``GRIDMAP_CACHE`` is ``off`` (or ``0``, ``no``, ``false``).
    scan
        A :class:`gridmap.inputs.osm_scan.ScanAhead` of this file started earlier: its
        pass over the extract is taken instead of scanning here (the same layers); it is
        closed either way.

    Returns
    -------
    OsmLayers
        Six GeoDataFrames in EPSG:4326 (see `OsmLayers` for their columns).

    Raises
    ------
    FileNotFoundError
        `path` does not exist.
    InputError
        `path` is not a file pyosmium can read, or `bbox` is malformed.

    Notes
    -----
    Ways whose nodes are missing from the extract (cut at its edge) are skipped,
    and the number skipped is logged at INFO level; relations whose members are
    incomplete silently produce no area (pyosmium does not report them). Boundaries come from relations only: closed
    ways tagged ``boundary=administrative`` are usually fragments (exclave rings)
    of a relation. ``oneway`` is ``'yes'`` when the tag is absent on motorways,
    motorway links and roundabouts, where OSM implies it; values such as
    ``reversible`` or ``alternating`` become ``''``.
    """
    path = Path(path)
    try:
        box = None if bbox is None else _bbox_polygon(bbox)
        _check_file(path)
        if scan is not None and Path(scan.path) != path:  # another file's: not this one's layers
            scan.close()
            scan = None

        start = time.perf_counter()
        # the whole extract is cached, a box is applied after (as _frame applies it)
        entry = _cache_entry(path) if box is None and (_cache_on() if cache is None else cache) else None
        layers = _cache_load(entry) if entry is not None else None
        if layers is None:
            try:
                # the scan ahead's pass when it made one, else this process's own
                collected = (scan.collected() if scan is not None else None) or _scan(path)
            except RuntimeError as exc:
                raise InputError.of("in_osm_cannot_read", path=path, reason=_one_line(exc)) from exc
    finally:
        if scan is not None:
            scan.close()
    if layers is None:
        layers = OsmLayers(**{
            name: _frame(name, rows, wkbs, box) for name, (rows, wkbs) in collected.items()
        })
        if entry is not None:
            _cache_store(entry, layers)
    log.info(
        "read %s in %.1f s: %s", path, time.perf_counter() - start,
        ", ".join(f"{n} {name}" for name, n in layers.counts().items()),
    )
    return layers


def select_area(
    boundaries: gpd.GeoDataFrame,
    *,
    name: str | None = None,
    level: int | None = None,
) -> gpd.GeoDataFrame:
    """Pick the boundary that is the plan's area.

    Parameters
    ----------
    boundaries
        Administrative boundaries with ``name``, ``admin_level`` and optionally
        ``name_zh`` columns (as `read_osm` returns them).
    name
        Matched against ``name`` and ``name_zh``, ignoring case and surrounding
        blanks. ``None`` accepts any name.
    level
        OSM ``admin_level`` to restrict the search to (2 country, 4 province,
        6 county/district, 8 township/municipality, as used in most countries).

    Returns
    -------
    geopandas.GeoDataFrame
        Exactly one row, index 0, the columns of `boundaries`.

    Raises
    ------
    InputError
        No boundary or more than one matches; the message lists the names there
        are to choose from.
    """
    candidates = boundaries
    if level is not None:
        level = int(level)
        candidates = candidates[candidates["admin_level"] == level]
        if candidates.empty:
            present = ", ".join(str(v) for v in sorted(boundaries["admin_level"].unique()))
            raise InputError.of("no_boundary_at_level", level=level, present=present or "—")
    if name is not None:
        key = name.strip().casefold()
        match = _casefold(candidates["name"]) == key
        if "name_zh" in candidates:
            match |= _casefold(candidates["name_zh"]) == key
        candidates = candidates[match]

    if len(candidates) == 1:
        return candidates.reset_index(drop=True)

    if candidates.empty and name is None:
        raise InputError.of("in_osm_no_boundaries")
    if candidates.empty:
        pool = boundaries if level is None else boundaries[boundaries["admin_level"] == level]
        if level is None:
            raise InputError.of("no_boundary_named", name=name, available=_name_list(pool, level))
        raise InputError.of("no_boundary_named_at", name=name, level=level, available=_name_list(pool, level))
    if name is None:
        raise InputError.of("in_osm_boundaries_choose" if level is None else "in_osm_boundaries_choose_at",
                            count=len(candidates), level=level, names=_name_list(candidates, level))
    raise InputError.of("in_osm_boundaries_named" if level is None else "in_osm_boundaries_named_at",
                        count=len(candidates), name=name, level=level,
                        names=_name_list(candidates, None, distinct_levels=False))


def select_units(
    boundaries: gpd.GeoDataFrame,
    area_polygon: shapely.Geometry | gpd.GeoSeries | gpd.GeoDataFrame,
    level: int,
) -> gpd.GeoDataFrame:
    """The boundaries at one admin level that make up an area, clipped to it.

    A boundary belongs to the area when its representative point (a point
    guaranteed inside it) lies inside the area; it is then clipped to the area so
    that units never spill over its border.

    Parameters
    ----------
    boundaries
        Administrative boundaries with ``osm_id``, ``name`` and ``admin_level``.
    area_polygon
        The area: a shapely (Multi)Polygon in the CRS of `boundaries`, or a
        GeoSeries/GeoDataFrame (reprojected to that CRS if it has another one;
        several rows are merged), such as the result of `select_area`.
    level
        OSM ``admin_level`` of the units.

    Returns
    -------
    geopandas.GeoDataFrame
        ``unit_id`` (str, ``'osm'`` + ``osm_id``), ``name``, ``admin_level``,
        geometry (Polygon/MultiPolygon), index ``0..n-1``, CRS of `boundaries`.

    Raises
    ------
    InputError
        No boundary at `level` lies inside the area.
    """
    area = _area_geometry(area_polygon, boundaries.crs)
    level = int(level)
    at_level = boundaries[boundaries["admin_level"] == level]
    geoms = at_level.geometry.to_numpy()
    shapely.prepare(area)
    inside = shapely.contains(area, shapely.point_on_surface(geoms))
    units = at_level[inside]
    if units.empty:
        present = ", ".join(str(v) for v in sorted(boundaries["admin_level"].unique()))
        raise InputError.of("in_osm_no_units_inside", level=level, count=len(at_level),
                            present=present or Phrase("phrase.in_none"))
    clipped = _polygonal(shapely.intersection(units.geometry.to_numpy(), area))
    return gpd.GeoDataFrame(
        {
            "unit_id": pd.Series(["osm" + str(i) for i in units["osm_id"]], dtype="str"),
            "name": pd.Series(units["name"].to_numpy(), dtype="str"),
            "admin_level": pd.Series(units["admin_level"].to_numpy(), dtype="int64"),
        },
        geometry=gpd.GeoSeries(clipped, crs=boundaries.crs),
    )


def download_osm(place: str, path: str | os.PathLike[str]) -> Path:
    """Download the OSM data of a place as an ``.osm`` XML file (needs internet).

    The place is geocoded with Nominatim through osmnx; when it is an OSM
    relation or closed way, everything inside it is fetched from the Overpass API
    together with complete boundary relations, otherwise everything in its
    bounding box. osmnx settings apply (``overpass_url``, ``requests_timeout``,
    ``http_user_agent``, ``requests_kwargs``, caching of the geocoder). Large
    areas are better served by a regional extract (e.g. from Geofabrik).

    Parameters
    ----------
    place
        A place name Nominatim knows, e.g. ``'Liechtenstein'`` or
        ``'武胜县, 广安市, 四川省'``.
    path
        Where to write the data; must end in ``.osm``. Written atomically.

    Returns
    -------
    pathlib.Path
        `path`, ready for `read_osm`.

    Raises
    ------
    InputError
        The place cannot be geocoded or the download fails (e.g. no network).
    """
    import osmnx as ox
    import requests

    path = Path(path)
    if not path.name.lower().endswith(".osm"):
        raise InputError.of("in_osm_download_suffix", path=path)
    try:
        found = ox.geocode_to_gdf(place)
    except (requests.RequestException, OSError, ValueError, TypeError) as exc:
        raise InputError.of("in_osm_cannot_geocode", place=place, reason=_one_line(exc)) from exc

    timeout = int(ox.settings.requests_timeout)
    query = _overpass_query(found.iloc[0], timeout)
    url = ox.settings.overpass_url.rstrip("/") + "/interpreter"
    headers = {"User-Agent": ox.settings.http_user_agent}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out, requests.post(
            url, data={"data": query}, headers=headers, timeout=timeout, stream=True,
            **ox.settings.requests_kwargs,
        ) as response:
            response.raise_for_status()
            for chunk in response.iter_content(chunk_size=1 << 20):
                out.write(chunk)
        _check_overpass_result(Path(tmp))
        os.replace(tmp, path)
    except (requests.RequestException, OSError) as exc:
        raise InputError.of("in_osm_cannot_download", place=place, reason=_one_line(exc)) from exc
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    log.info("downloaded OSM data of %r to %s", place, path)
    return path


# --- reading -----------------------------------------------------------------


#: Cached extracts kept (the least recently used beyond these are removed).
CACHE_ENTRIES = 8


def _cache_load(entry: Path) -> OsmLayers | None:
    """The layers cached in ``entry``, or None when absent or unreadable (then read again)."""
    try:
        with open(entry, "rb") as handle:
            layers = pickle.load(handle)
    except Exception:  # noqa: BLE001 - a missing, partial or stale entry is read again
        return None
    if not isinstance(layers, OsmLayers):
        return None
    try:
        os.utime(entry)  # recently used
    except OSError:
        pass
    return layers


def _cache_store(entry: Path, layers: OsmLayers) -> None:
    """Write ``layers`` to ``entry`` atomically, keeping the newest CACHE_ENTRIES; errors are ignored
    (a read-only or full cache folder only costs the next read its parse)."""
    from gridmap._atomic import atomic_path

    try:
        with atomic_path(entry) as tmp, open(tmp, "wb") as handle:
            pickle.dump(layers, handle, protocol=pickle.HIGHEST_PROTOCOL)
        kept = sorted(entry.parent.glob("osm-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in kept[CACHE_ENTRIES:]:
            old.unlink(missing_ok=True)
    except OSError as exc:
        log.info("OSM cache: not written (%s)", exc)


def _check_file(path: Path) -> None:
    if not path.exists():
        # errno and file name: the command line says "PATH: no such file or directory: check the path"
        raise FileNotFoundError(errno.ENOENT, "OSM file not found", str(path))
    if not path.is_file():
        raise InputError.of("in_osm_not_a_file", path=path)
    if not path.name.lower().endswith(_SUFFIXES):
        raise InputError.of("in_osm_unsupported", path=path, suffixes=", ".join(_SUFFIXES))


def _frame(
    name: str, rows: list[tuple], wkbs: list[str], box: shapely.Polygon | None,
) -> gpd.GeoDataFrame:
    """A layer's GeoDataFrame from its rows and hex WKB, with the full schema."""
    schema = _SCHEMA[name]
    # pyosmium writes hex WKB; GEOS parses binary WKB several times faster than hex
    binary = np.empty(len(wkbs), dtype=object)
    # (a scan ahead sends binary WKB already)
    binary[:] = wkbs if wkbs and isinstance(wkbs[0], bytes) else [bytes.fromhex(w) for w in wkbs]
    geoms = shapely.from_wkb(binary)
    if name in _POLYGON_LAYERS:
        geoms = _polygonal(geoms)
    keep = np.ones(len(geoms), dtype=bool) if box is None else shapely.intersects(geoms, box)
    columns = list(zip(*rows)) if rows else [()] * len(schema)
    data = {}
    for (column, dtype), values in zip(schema.items(), columns):
        values = np.asarray(values, dtype=object)[keep]
        if dtype == "float64":
            data[column] = _leading_number(values)
        else:
            data[column] = pd.Series(values, dtype=dtype)
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(geoms[keep], crs=OSM_CRS))


def _leading_number(values: np.ndarray) -> pd.Series:
    """Numbers such as building:levels ('3', '2.5', '3;4', '2,5') as floats; NaN otherwise.

    The first number of a list or range is taken.
    """
    text = pd.Series(values, dtype="str")
    first = text.str.extract(r"^\s*(\d+(?:[.,]\d+)?)", expand=False)
    return pd.to_numeric(first.str.replace(",", ".", regex=False), errors="coerce").astype(
        "float64"
    )


def _polygonal(geoms: np.ndarray) -> np.ndarray:
    """Polygons and MultiPolygons only: single-part multis become Polygons,
    invalid rings are repaired, and non-polygonal parts (lines, points left by
    clipping or repair) are dropped. An empty result becomes an empty Polygon."""
    geoms = np.array(geoms, dtype=object)  # a copy: repaired in place below
    bad = ~shapely.is_valid(geoms) | ~np.isin(
        shapely.get_type_id(geoms), (3, 6)  # Polygon, MultiPolygon
    )
    for i in np.flatnonzero(bad):
        geom = shapely.make_valid(geoms[i]) if not shapely.is_valid(geoms[i]) else geoms[i]
        parts = shapely.get_parts(geom)
        parts = parts[np.isin(shapely.get_type_id(parts), (3, 6))]
        geoms[i] = shapely.union_all(parts) if len(parts) else shapely.Polygon()
    single = (shapely.get_type_id(geoms) == 6) & (shapely.get_num_geometries(geoms) == 1)
    geoms[single] = shapely.get_geometry(geoms[single], 0)
    return geoms


def _bbox_polygon(bbox: tuple[float, float, float, float]) -> shapely.Polygon:
    try:
        west, south, east, north = (float(v) for v in bbox)
    except (TypeError, ValueError) as exc:
        raise InputError.of("in_osm_bbox", bbox=bbox) from exc
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise InputError.of("in_osm_bbox_order", bbox=bbox)
    return shapely.box(west, south, east, north)


# --- selecting ---------------------------------------------------------------


def _casefold(values: pd.Series) -> pd.Series:
    return values.fillna("").astype("str").str.strip().str.casefold()


def _name_list(
    frame: gpd.GeoDataFrame, level: int | None, limit: int = 40, *, distinct_levels: bool = True,
) -> str | Phrase:
    """'A, B, C', or 'A (8), B (6)' when no level was given (and, with
    `distinct_levels`, the rows differ in level); shortened after `limit` names ('... and 3 more',
    a phrase in the message's language)."""
    if frame.empty:
        return "—"
    if level is None and (frame["admin_level"].nunique() > 1 or not distinct_levels):
        labels = [
            f"{n or '<unnamed>'} ({lv})" for n, lv in zip(frame["name"], frame["admin_level"])
        ]
    else:
        labels = [n or "<unnamed>" for n in frame["name"]]
    labels = sorted(set(labels))
    more = len(labels) - limit
    text = ", ".join(labels[:limit])
    return Phrase("phrase.in_names_and_more", names=text, n=more) if more > 0 else text


def _area_geometry(
    area: shapely.Geometry | gpd.GeoSeries | gpd.GeoDataFrame, crs: object,
) -> shapely.Geometry:
    if isinstance(area, (gpd.GeoSeries, gpd.GeoDataFrame)):
        if area.crs is not None and crs is not None and area.crs != crs:
            area = area.to_crs(crs)
        area = area.union_all()
    if not isinstance(area, (shapely.Polygon, shapely.MultiPolygon)) or area.is_empty:
        raise InputError.of("in_osm_area_not_polygon", kind=getattr(area, "geom_type", type(area).__name__))
    return area


# --- downloading -------------------------------------------------------------


def _overpass_query(found: pd.Series, timeout: int) -> str:
    """Overpass QL for everything in a geocoded place, members complete."""
    osm_type = found.get("osm_type")
    osm_id = found.get("osm_id")
    head = f"[out:xml][timeout:{timeout}];"
    if osm_type in ("relation", "way") and osm_id is not None:
        area_id = int(osm_id) + (3_600_000_000 if osm_type == "relation" else 2_400_000_000)
        body = f"area(id:{area_id})->.a;(nwr(area.a);rel(pivot.a););"
    else:
        west, south, east, north = shapely.bounds(found.geometry)
        body = f"(nwr({south},{west},{north},{east}););"
    return head + body + "(._;>;);out body;"


def _check_overpass_result(path: Path) -> None:
    with open(path, "rb") as f:
        head = f.read(512)
        f.seek(max(0, path.stat().st_size - 4096))
        tail = f.read()
    if b"<osm" not in head:
        raise OSError(f"the Overpass API did not answer with OSM XML: {head[:120]!r}")
    if b"<remark>" in tail and b"error" in tail:
        remark = tail.split(b"<remark>", 1)[1].split(b"</remark>", 1)[0]
        raise OSError(f"the Overpass API reported: {remark.decode(errors='replace').strip()}")


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
