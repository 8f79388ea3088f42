"""The pass over an OSM extract that needs only pyosmium (no numpy, pandas or geopandas).

:func:`gridmap.inputs.osm.read_osm` builds its layers from what :func:`_scan` collects;
this module imports nothing heavier than pyosmium so that ``gridmap run`` can scan the
extract in a process forked before geopandas is imported (:class:`ScanAhead`), on the
other core while the run imports its modules. The cache key of a parsed extract
(:func:`_cache_entry`) is here too, so that the scan ahead can tell a cached extract.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

import osmium
import osmium.filter
import osmium.geom

from gridmap.osm_classes import (IMPLIED_ONEWAY_HIGHWAYS, IMPLIED_ONEWAY_JUNCTIONS, ONEWAY_BACKWARD, ONEWAY_BOTH,
                                 ONEWAY_FORWARD, RAILWAYS, ROAD_HIGHWAYS, WATERWAYS)

log = logging.getLogger("gridmap.inputs.osm")

#: The layers :func:`_scan` collects, in the order of :class:`gridmap.inputs.osm.OsmLayers`.
LAYERS = ("boundaries", "roads", "waterways", "water_areas", "railways", "buildings", "places", "landuse")

# Keys of every tag that can put an object into a layer, by kind of object; the C++
# filters drop the rest before Python sees it (in the bundled extract 36,000 of 66,000
# objects were nodes and ways that only areas or other kinds would use).
_NODE_KEYS = ("place",)
_WAY_KEYS = ("highway", "waterway", "railway")
_KEYS = ("highway", "waterway", "railway", "building", "boundary", "natural", "water", "place", "landuse")
# Relations worth assembling into areas (multipolygon and boundary relations).
_AREA_KEYS = ("boundary", "building", "natural", "water", "waterway", "landuse")

#: ``place`` values of nodes read as settlement points (villages, communities, towns).
PLACES = frozenset({"city", "town", "village", "hamlet", "isolated_dwelling", "suburb", "quarter",
                    "neighbourhood", "city_block"})
#: ``landuse`` values read as housing evidence.
LANDUSES = frozenset({"residential"})

# oneway tag values as the roads layer writes them (yes, -1, no)
_ONEWAY = {**{v: "yes" for v in ONEWAY_FORWARD}, **{v: "-1" for v in ONEWAY_BACKWARD}, **{v: "no" for v in ONEWAY_BOTH}}


# --- the cache key -----------------------------------------------------------


def _cache_on() -> bool:
    return os.environ.get("GRIDMAP_CACHE", "").strip().lower() not in ("off", "0", "no", "false")


def _cache_dir() -> Path:
    folder = os.environ.get("GRIDMAP_CACHE_DIR")
    if folder:
        return Path(folder)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "gridmap"


def _cache_entry(path: Path) -> Path | None:
    """The cache file of this extract: a digest of its bytes, of this reader's code and of the
    versions of the libraries that build and pickle the layers (None: the file cannot be read)."""
    from importlib.metadata import version

    digest = hashlib.sha256()
    here = Path(__file__)
    for source in (here.with_name("osm.py"), here, here.parents[1] / "osm_classes.py"):
        digest.update(source.read_bytes())
    for package in ("osmium", "shapely", "pandas", "geopandas", "pyproj", "numpy"):
        try:
            digest.update(f"{package}={version(package)};".encode())
        except Exception:  # noqa: BLE001 - no version known: still a key
            digest.update(package.encode())
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return _cache_dir() / f"osm-{digest.hexdigest()[:32]}.pickle"


# --- the scan ----------------------------------------------------------------


def _scan(path: Path) -> dict[str, tuple[list[tuple], list[str]]]:
    """One streaming pass: rows of tag values and hex WKB per layer."""
    out: dict[str, tuple[list[tuple], list[str]]] = {name: ([], []) for name in LAYERS}
    boundaries, roads, waterways = out["boundaries"], out["roads"], out["waterways"]
    water_areas, railways, buildings = out["water_areas"], out["railways"], out["buildings"]
    places, landuse = out["places"], out["landuse"]
    skipped = {"ways without complete node locations": 0, "areas that failed to build": 0,
               "boundaries without a numeric admin_level": 0}
    factory = osmium.geom.WKBFactory()

    processor = (
        osmium.FileProcessor(str(path))
        .with_locations()
        .with_areas(osmium.filter.KeyFilter(*_AREA_KEYS))
        # Nodes are needed for locations but yield nothing; relations only
        # matter as assembled areas.
        .with_filter(osmium.filter.EntityFilter(osmium.osm.NODE | osmium.osm.WAY | osmium.osm.AREA))
        .with_filter(osmium.filter.KeyFilter(*_KEYS))
        .with_filter(osmium.filter.KeyFilter(*_NODE_KEYS).enable_for(osmium.osm.NODE))
        .with_filter(osmium.filter.KeyFilter(*_WAY_KEYS).enable_for(osmium.osm.WAY))
    )
    for obj in processor:
        tags = obj.tags
        kind_of = obj.type_str()
        if kind_of == "n":
            place = tags.get("place")
            if place in PLACES and obj.location.valid():
                places[0].append((obj.id, place, tags.get("name", "")))
                places[1].append(factory.create_point(obj))
            continue
        if kind_of == "w":
            highway = tags.get("highway")
            waterway = tags.get("waterway")
            railway = tags.get("railway")
            is_area = tags.get("area") == "yes"
            road = highway in ROAD_HIGHWAYS and not is_area
            water = waterway in WATERWAYS
            rail = railway in RAILWAYS and not is_area
            if not (road or water or rail):
                continue
            try:
                wkb = factory.create_linestring(obj)
            except (osmium.InvalidLocationError, RuntimeError):
                skipped["ways without complete node locations"] += 1
                continue
            if road:
                roads[0].append((
                    obj.id, highway, tags.get("name", ""), _oneway(tags, highway),
                    tags.get("maxspeed", ""), tags.get("bridge", ""), tags.get("tunnel", ""),
                    tags.get("layer", ""),
                ))
                roads[1].append(wkb)
            if water:
                waterways[0].append((obj.id, waterway, tags.get("name", "")))
                waterways[1].append(wkb)
            if rail:
                railways[0].append((obj.id, railway))
                railways[1].append(wkb)
            continue

        # An area, from a closed way or a multipolygon/boundary relation.
        building = tags.get("building")
        is_building = building is not None and building != "no"
        kind = _water_kind(tags)
        is_boundary = not obj.from_way() and tags.get("boundary") == "administrative"
        is_landuse = tags.get("landuse") in LANDUSES
        if not (is_building or kind or is_boundary or is_landuse):
            continue
        try:
            wkb = factory.create_multipolygon(obj)
        except RuntimeError:
            skipped["areas that failed to build"] += 1
            continue
        osm_id = obj.orig_id()
        if is_building:
            buildings[0].append((
                osm_id, building, tags.get("building:levels", ""),
                tags.get("building:flats", ""), tags.get("addr:housenumber", ""),
            ))
            buildings[1].append(wkb)
        if is_landuse:
            landuse[0].append((osm_id, tags.get("landuse"), tags.get("name", "")))
            landuse[1].append(wkb)
        if kind:
            water_areas[0].append((osm_id, kind, tags.get("name", "")))
            water_areas[1].append(wkb)
        if is_boundary:
            try:
                admin_level = int(tags.get("admin_level", ""))
            except ValueError:
                skipped["boundaries without a numeric admin_level"] += 1
            else:
                boundaries[0].append((
                    osm_id, tags.get("name", ""), tags.get("name:zh", ""), admin_level,
                ))
                boundaries[1].append(wkb)

    for what, n in skipped.items():
        if n:
            log.info("%s: skipped %d %s", path, n, what)
    return out


def _oneway(tags: osmium.osm.TagList, highway: str) -> str:
    raw = tags.get("oneway")
    if raw is not None:
        return _ONEWAY.get(raw.strip().lower(), "")
    if highway in IMPLIED_ONEWAY_HIGHWAYS or tags.get("junction") in IMPLIED_ONEWAY_JUNCTIONS:
        return "yes"
    return ""


def _water_kind(tags: osmium.osm.TagList) -> str:
    """'' when the tags do not make a water area, else its kind."""
    water = tags.get("water")
    waterway = tags.get("waterway")
    if tags.get("natural") != "water" and waterway != "riverbank" and water != "river":
        return ""
    if water:
        return water
    return "riverbank" if waterway == "riverbank" else "water"


# --- the scan ahead ----------------------------------------------------------


class ScanAhead:
    """:func:`_scan` of one extract in a process forked now, for :func:`gridmap.inputs.osm.read_osm`
    to take later (``read_osm(path, scan=ahead)``).

    ``gridmap run`` starts it before it imports geopandas and the rest, so that pyosmium's
    pass over the extract runs on the other core meanwhile. The child imports nothing but
    pyosmium; it sends back the rows and binary WKB of each layer (or, when the parsed
    extract is in the cache, only that: the reader loads the cache). Whatever goes wrong in
    the child (it died, it failed otherwise than pyosmium refusing the file) makes
    :meth:`collected` None, and the reader scans in its own process as without it: the same
    layers, the same errors. Fork only (see :func:`can_scan_ahead`); a context manager that
    ends the child if it is not taken.
    """

    def __init__(self, path):
        import multiprocessing

        self.path = Path(path)
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(target=_scan_child, args=(self.path, send), name="gridmap-osm-scan",
                                        daemon=True)
        self._process.start()
        send.close()

    def collected(self):
        """What :func:`_scan` collects (WKB as bytes), or None when the child did not scan (the
        extract is cached, or the child failed: the caller reads as without it). pyosmium's
        refusal of the file is raised as the RuntimeError the caller's own scan would raise."""
        try:
            kind, value = self._receive.recv()
        except (EOFError, OSError, ValueError):  # the child died or sent nothing whole
            kind, value = "failed", None
        finally:
            self.close()
        if kind == "unreadable":
            raise RuntimeError(value)
        return value if kind == "scanned" else None

    def close(self) -> None:
        """End the child (if it is still running) and free the pipe; idempotent."""
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._receive.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def can_scan_ahead() -> bool:
    """Whether a scan may be forked here: processes start by fork, and this process runs no other
    thread (a fork copies a lock another thread holds, locked for good in the child)."""
    import multiprocessing
    import threading

    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def _scan_child(path: Path, send) -> None:
    """The forked process of :class:`ScanAhead`: one message, then exit."""
    try:
        entry = _cache_entry(path) if _cache_on() else None
        if entry is not None and entry.exists():
            message = ("cached", None)
        else:
            # binary WKB: half the bytes through the pipe, and the reader's conversion from hex done here
            message = ("scanned", {name: (rows, [bytes.fromhex(w) for w in wkbs])
                                   for name, (rows, wkbs) in _scan(path).items()})
    except RuntimeError as exc:  # pyosmium refuses the file: the reader says so as from its own scan
        message = ("unreadable", str(exc))
    except BaseException:  # noqa: BLE001 - anything else: the reader scans itself (and meets it there)
        message = ("failed", None)
    try:
        send.send(message)
    except OSError:  # the reader is gone (the run ended first): nothing to tell
        pass
    finally:
        send.close()
