"""Interactive maps of a plan: one self-contained HTML file that works offline.

:func:`plan_map` turns a :class:`gridmap.plan.Plan` into a :class:`folium.Map`
(which also displays inline in Jupyter) and :func:`save_map` writes it to a file.

What the map shows, each as a switchable layer: the grids coloured by households
against the band (under / in / over; rural grids, which are whole villages by rule,
apart), grid codes as labels from the zoom at which they fit, village and township
borders, workers and bases, service areas and households outside the response time
when the plan has them, and roads, waterways and railways as context. Hover shows a
grid's code, unit and households; a click opens all its figures. A legend, a scale
bar, search by grid code or unit name and a fullscreen button complete it.

Offline: Leaflet and gridmap's own layer code are inlined (gridmap/assets/, see
``_map_assets``), so no request leaves the file unless a tile basemap is chosen.
Every attribute value that reaches the page is HTML-escaped in Python, and JSON in
``<script>`` has ``<`` and ``>`` escaped, so names cannot inject markup.

Display geometry is simplified (default 2 m, well under a pixel at zoom 16), rounded
to 6 decimals (0.1 m) and written as encoded polylines (a quarter of the size of JSON
numbers); a 1,000-grid map stays well under 5 MB. The roads
layer shows public roads (service ways, tracks and foot/cycle paths are omitted).
"""
from __future__ import annotations

import functools
import html
import json
import math
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from folium.map import Layer
from jinja2 import Template

from gridmap import gcj02, i18n
from gridmap._atomic import write_text
from gridmap._geometry import polygonal, present, simplified
from gridmap._colouring import PALETTE
from gridmap._decor import decor_of
from gridmap._levels import county_name, townships
from gridmap._static_map import short_code
from gridmap._map_assets import head_html
from gridmap.config import Band
from gridmap.errors import InputError

__all__ = ["plan_map", "save_map", "BASEMAPS"]

#: Named basemaps; anything else must be a tile URL template with {z}, {x} and {y}.
BASEMAPS = ("none", "osm", "tianditu", "gaode")

#: Default display simplification, metres (a pixel is 2.4 m at zoom 16 on the equator).
DEFAULT_SIMPLIFY_M = 2.0

#: Decimals of displayed coordinates (1e-6 degree is about 0.1 m).
DECIMALS = 6

_OSM_ATTRIBUTION = {
    "zh": '数据 © <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> 贡献者，'
          '<a href="https://opendatacommons.org/licenses/odbl/1-0/">ODbL 1.0</a>',
    "en": 'Data © <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors, '
          '<a href="https://opendatacommons.org/licenses/odbl/1-0/">ODbL 1.0</a>',
}

#: The map's words: its own short keys -> keys of the one vocabulary (gridmap.i18n).
_KEYS = {
    **{k: f"layer.{k}" for k in ("grids", "labels", "units", "townships", "area", "workers", "bases",
                                 "service_areas", "unreached", "roads", "waterways", "railways", "basemap",
                                 "annotation", "micro_grids")},
    **{k: f"band.{k}" for k in ("under", "in", "over", "rural", "island", "dedicated")},
    **{k: f"map.{k}" for k in ("band", "summary", "minutes", "search", "no_match", "fullscreen", "title", "paren",
                               "hh", "unit_kind", "township_kind", "search_townships", "colours", "print",
                               "printed")},
    **{k: f"field.{k}" for k in ("code", "grid_id", "unit", "township", "regime", "households", "area_km2",
                                 "compactness", "share_reached", "flag", "reason", "worker_id", "worker_type",
                                 "grid", "households_reached", "response")},
    "urban": "regime.urban", "rural_regime": "regime.rural", "workers_n": "field.workers",
    "status": "field.band_status",
}


#: Grid fill by band class (ColorBrewer-like, readable for red-green colour blindness).
_GRID_COLOURS = {"under": "#6baed6", "in": "#74c476", "over": "#e6550d", "rural": "#d8c690", "island": "#bdbdbd",
                 "dedicated": "#9e9ac8"}
_GRID_STYLE = {"color": "#4a4a4a", "weight": 1.1, "opacity": 0.9, "fillOpacity": 0.5}
#: The band shows in a grid's outline; its fill (PALETTE, by graph colouring) only tells neighbours apart.
_BAND_OUTLINE = {"in": {"color": "#4a4a4a", "weight": 1.1},
                 "over": {"color": "#d62728", "weight": 3.0},
                 "under": {"color": "#1f5fbf", "weight": 2.6, "dashArray": "6 4"},
                 "rural": {"color": "#4a4a4a", "weight": 1.1},
                 "island": {"color": "#7a7a7a", "weight": 1.0, "dashArray": "2 3"},
                 "dedicated": {"color": "#6a51a3", "weight": 2.2}}
_HOVER_STYLE = {"color": "#222222", "weight": 2.5, "fillOpacity": 0.7}

_BORDER_STYLES = {
    "unit": {"color": "#262626", "weight": 2.2, "opacity": 0.9, "fill": False},
    "township": {"color": "#000000", "weight": 3.5, "opacity": 0.85, "fill": False},
    "area": {"color": "#000000", "weight": 3.5, "opacity": 0.85, "fill": False},
}

_ROAD_CLASSES = {
    **{h: "major" for h in ("motorway", "trunk", "primary", "secondary")},
    **{f"{h}_link": "major" for h in ("motorway", "trunk", "primary", "secondary")},
    **{h: "minor" for h in ("tertiary", "tertiary_link", "unclassified", "residential", "living_street",
                            "pedestrian", "road", "busway")},
}
_LINE_STYLES = {
    "major": {"color": "#ffffff", "weight": 2.6, "opacity": 1.0},
    "minor": {"color": "#ffffff", "weight": 1.3, "opacity": 1.0},
    "river": {"color": "#3a7fc4", "weight": 2.2, "opacity": 0.9},
    "stream": {"color": "#5b9bd5", "weight": 1.0, "opacity": 0.8},
    "rail": {"color": "#555555", "weight": 1.6, "opacity": 0.9, "dashArray": "6 4"},
}
#: Roads are drawn twice: this wider, darker line first, the white one on top.
_CASING_STYLES = {
    "major": {"color": "#8c8c8c", "weight": 4.4, "opacity": 1.0},
    "minor": {"color": "#a8a8a8", "weight": 2.5, "opacity": 1.0},
}
_POINT_STYLES = {
    "worker": {"radius": 4.5, "color": "#ffffff", "weight": 1.5, "fillColor": "#7b3294", "fillOpacity": 1.0},
    "base": {"radius": 8, "color": "#1a1a1a", "weight": 2.5, "fillColor": "#ffffff", "fillOpacity": 0.9},
}
_DOT_STYLE = {"radius": 1.8, "stroke": False, "fillColor": "#c51b1b", "fillOpacity": 0.75}
#: Outline only: service areas of neighbouring grids overlap, and fills would stack into a wash.
_SERVICE_STYLE = {"color": "#7b3294", "weight": 1.5, "opacity": 0.8, "dashArray": "5 4", "fill": False}

#: Average width of a grid-code label character and padding, pixels (11 px semibold).
_LABEL_CHAR_PX = 6.8
_LABEL_PAD_PX = 8.0
_MAX_ZOOM = 19


def _counted_ids(make):
    """``make`` (a function that builds a page of folium elements) with the elements named by a
    count instead of 16 random bytes each (branca's ``Element._generate_id``), so that the same
    plan draws the same page, byte for byte, run after run (folium's names go into the page as
    JavaScript variables and element ids: ``map_...``, ``tile_layer_...``). The count is branca's
    only while ``make`` runs; maps built at the same time in other threads would share it."""

    @functools.wraps(make)
    def made(*args, **kwargs):
        count = iter(range(1, 1 << 62))
        generate = Element.__dict__["_generate_id"]
        Element._generate_id = classmethod(lambda cls: f"{next(count):032x}")
        try:
            return make(*args, **kwargs)
        finally:
            Element._generate_id = generate

    return made


@_counted_ids
def plan_map(plan, *, lang: str = "zh", basemap: str = "none", tianditu_key: str | None = None,
             simplify_m: float | None = None, decor=None) -> folium.Map:
    """An interactive map of a plan, self-contained (no request leaves it unless a basemap is chosen).

    Parameters
    ----------
    plan : gridmap.plan.Plan
        Needs the ``grids`` layer; every other layer (units, area, roads, waterways,
        railways, workers, bases, service_areas, unreached) is drawn when present.
    lang : {"zh", "en"}
        Language of every label, legend entry and popup field.
    basemap : {"none", "osm", "tianditu", "gaode"} or str
        ``none`` (default): offline, roads and rivers carry the picture. ``osm``: OSM tiles.
        ``tianditu``: 天地图 vector tiles (CGCS2000, drawn unshifted), needs a key.
        ``gaode``: 高德 tiles, which are in GCJ-02, so every overlay is shifted into GCJ-02.
        Otherwise a tile URL template such as ``http://tiles.intranet/{z}/{x}/{y}.png``
        (Web Mercator tiles in WGS 84; ``{s}`` picks from subdomains a, b, c).
    tianditu_key : str, optional
        Tianditu API key (default: the ``TIANDITU_KEY`` environment variable). It is
        written into the HTML, as every tile request carries it.
    simplify_m : float, optional
        Display simplification tolerance, metres (default 2; 0 keeps every vertex).
        Context lines use twice this.
    decor : gridmap._decor.GridDecor, optional
        The grids' fills and label circles (:func:`gridmap._decor.grid_decor` of the plan's
        grids; ``gridmap run`` makes them once for the map and the report). Computed when not given.

    Returns
    -------
    folium.Map
        Save with :func:`save_map` (atomic) or ``Map.save``.
    """
    text = _text(lang)
    disp = _Display(_check_simplify(simplify_m), gcj=basemap == "gaode")
    tiles = _basemap_layers(basemap, tianditu_key, lang)
    if "grids" not in plan.layers or plan.layers["grids"].empty:
        raise InputError.of("out_map_no_grids")

    grids = _metric(plan.layers["grids"], "grids")
    band = _band(plan)
    classes = _grid_classes(grids, band)
    grid_geo = disp.polygons(grids.geometry, coverage=True)
    west, south, east, north = grid_geo.total_bounds
    title = _title(plan, text)

    m = folium.Map(location=[(south + north) / 2, (west + east) / 2], zoom_start=12, tiles=None)
    m.options["max_zoom"] = _MAX_ZOOM
    m.options["zoom_snap"] = 0.5  # fit the area more closely than whole zoom levels allow
    # folium links its default JS/CSS from CDNs; the map inlines its own instead.
    m.default_js = []
    m.default_css = []
    root = m.get_root()
    root.title = html.escape(title)
    root.header.add_child(_Raw(head_html()), name="gridmap_assets")
    for tile in tiles:
        tile.add_to(m)

    # a decor given for the plan's grids holds for them as drawn unless they were projected here
    decor = decor_of(grids.geometry.to_numpy(), decor if grids is plan.layers["grids"] else None)
    present = _add_grid_layers(m, grids, grid_geo, classes, band, disp, text, lang, county_name(plan), decor)
    if len(grids) and townships(grids, county_name(plan)).attrs["units_are_townships"]:
        # no village level (Liechtenstein's municipalities, a county's townships as its units): their
        # borders are the townships', and their one parent, if any, is the county
        text = {**text, "units": text["townships"], "unit_kind": text["township_kind"],
                "search": text["search_townships"]}
        present += _add_plan_layers(m, plan, disp, text, lang, units_are_townships=True)
    else:
        present += _add_plan_layers(m, plan, disp, text, lang)
    folium.LayerControl(position="topright", collapsed=False).add_to(m)

    counts = {k: int((classes == k).sum()) for k in _GRID_COLOURS}
    controls = {
        "lang": "zh-CN" if lang == "zh" else "en",
        "prefix": "Leaflet",  # Leaflet's default prefix links to its web site
        "attribution": _attribution(plan, lang),
        "legend": _legend_html(title, grids, counts, band, present, text),
        "bounds": [[south, west], [north, east]],
        "plain": not tiles,
        "text": {k: text[k] for k in ("search", "no_match", "fullscreen", "print", "printed")}
        | {"unit": text["unit_kind"]},
        "title": title,
    }
    _Controls(_json(controls)).add_to(m)
    return m


def _add_grid_layers(m, grids, grid_geo, classes, band, disp, text, lang, county, decor) -> list[str]:
    """The grids (filled by ``decor``) and their code labels (at its circles)."""
    has = np.isfinite(decor.centre).all(axis=1)
    centres = np.full(len(grids), None, dtype=object)
    centres[has] = shapely.points(decor.centre[has])
    radius = np.where(has, np.maximum(decor.radius, 1e-3), np.nan)
    centres = disp.points(gpd.GeoSeries(centres, index=grids.index, crs=grids.crs)).values
    lat, lon = shapely.get_y(centres), shapely.get_x(centres)
    codes = grids["code"] if "code" in grids else grids["grid_id"]
    _GridmapLayer("grids", _grid_payload(grids, grid_geo, classes, band, text, lang, lat, lon, county, decor.fill),
                  text["grids"]).add_to(m)
    households = pd.to_numeric(grids["households"], errors="coerce").to_numpy(float) if "households" in grids \
        else np.full(len(grids), np.nan)
    _GridmapLayer("labels", _label_payload(codes, lat, lon, radius, households, text["hh"]), text["labels"]).add_to(m)
    return ["grids", "labels"]


def _add_plan_layers(m, plan, disp, text, lang, units_are_townships: bool = False) -> list[str]:
    """Borders, staffing and reach layers, and context lines, as far as the plan has them.
    ``units_are_townships``: the units' parents, if any, are the county (drawn as the area)."""
    present = []
    units = _layer(plan, "units")
    if units is not None:
        _GridmapLayer("lines", _unit_payload(units, disp), text["units"]).add_to(m)
        present.append("units")
    townships = _township_payload(units, _layer(plan, "area"), disp)
    if townships is not None:
        payload, has_parents = townships
        key = "townships" if has_parents and not units_are_townships else "area"
        _GridmapLayer("lines", payload, text[key]).add_to(m)
        present.append(key)

    areas = _layer(plan, "service_areas")
    if areas is not None:
        minutes = sorted(pd.unique(pd.to_numeric(areas["minutes"], errors="coerce").dropna())) \
            if "minutes" in areas else []
        name = text["service_areas"]
        if 0 < len(minutes) <= 3:
            name += text["paren"].format(text["minutes"].format(m="/".join(_num(v) for v in minutes)))
        # off at first: the outlines of neighbouring grids' areas overlap into clutter
        _GridmapLayer("lines", _service_payload(areas, disp), name, show=False).add_to(m)
        present.append("service_areas")
    unreached = _layer(plan, "unreached")
    if unreached is not None:
        # off at first: thousands of dots would hide the grids; a click shows them
        _GridmapLayer("dots", _dot_payload(unreached, disp), text["unreached"], show=False).add_to(m)
        present.append("unreached")
    for key, kind in (("bases", "base"), ("workers", "worker")):  # workers drawn above the bases they stand at
        frame = _layer(plan, key)
        if frame is not None:
            _GridmapLayer("points", _point_payload(frame, kind, disp, text, lang, key), text[key]).add_to(m)
            present.append(key)

    micro = _layer(plan, "micro_grids")
    if micro is not None:
        # micro-grids (微网格) only at street zoom: dozens per grid
        add_outline_layer(m, micro, i18n.text("layer.micro_grids", lang), colour="#4d4d4d", weight=1.0, dash="3 3",
                          key="micro_grids", min_zoom=16)
        present.append("micro_grids")
    for key in ("roads", "waterways", "railways"):
        frame = _layer(plan, key)
        payload = _context_payload(frame, key, disp) if frame is not None else None
        if payload is not None:
            _GridmapLayer("lines", payload, text[key]).add_to(m)
            present.append(key)
    return present


def add_outline_layer(m, frame: gpd.GeoDataFrame, name: str, *, colour: str, weight: float = 2.0,
                      dash: str | None = None, key: str | None = None, show: bool = True,
                      min_zoom: int | None = None, simplify_m: float | None = None) -> None:
    """Polygon outlines (metric CRS) as one more switchable layer of a plan map.

    Used for another plan's grids (``gridmap compare``) and micro-grids. ``min_zoom``:
    the layer is shown only from that zoom level on (it can still be switched off).
    """
    disp = _Display(_check_simplify(simplify_m), gcj=False)
    geo = disp.polygons(_metric(frame, key or "outlines").geometry)
    style = {"color": colour, "weight": weight, "opacity": 0.9, "fill": False} | ({"dashArray": dash} if dash else {})
    payload = _json({"data": _collection(geo.values, [{"k": "o"}] * len(geo)), "styles": {"o": style},
                     "pane": "gmBorders", "canvas": len(geo) > 500, "key": key})
    layer = _GridmapLayer("lines", payload, name, show=show and min_zoom is None, min_zoom=min_zoom)
    layer.add_to(m)
    _controls_last(m)


def add_point_layer(m, frame: gpd.GeoDataFrame, name: str, *, colour: str, key: str | None = None,
                    show: bool = True) -> None:
    """Points (metric CRS) as small dots in one more switchable layer of a plan map."""
    disp = _Display(0.0, gcj=False)
    pts = disp.points(_metric(frame, key or "points").geometry.representative_point())
    xy = np.column_stack([shapely.get_x(pts.values), shapely.get_y(pts.values)])
    style = dict(_DOT_STYLE, fillColor=colour, radius=2.5)
    _GridmapLayer("dots", _json({"data": _polyline(xy), "style": style, "key": key}), name, show=show).add_to(m)
    _controls_last(m)


def _controls_last(m) -> None:
    """Keep the layer control after every layer: it names them in the page's script, so they must exist first."""
    for key, child in list(m._children.items()):
        if isinstance(child, folium.LayerControl):
            m._children.move_to_end(key)


def save_map(plan, path: str | Path, **kwargs) -> Path:
    """Write :func:`plan_map` of a plan to an HTML file atomically (temporary file, then rename).

    Keyword arguments are those of :func:`plan_map`. Returns the path written.
    """
    path = Path(path)
    html_text = plan_map(plan, **kwargs).get_root().render()
    write_text(path, html_text)
    return path


# -- folium elements -------------------------------------------------------------------------------------------


class _Raw(Element):
    """HTML or JavaScript put into the page verbatim.

    folium/branca re-parse what a MacroElement renders as a Jinja template, so data
    containing "{{" would break the page or be evaluated; raw elements bypass that.
    """

    def __init__(self, content: str):
        super().__init__()
        self._name = "GridmapRaw"
        self.content = content

    def render(self, **kwargs) -> str:
        return self.content


class _GridmapLayer(Layer):
    """A layer built in the page by one of gridmap-map.js's factories from a JSON payload."""

    _template = Template("")

    def __init__(self, factory: str, payload: str, name: str, show: bool = True, min_zoom: int | None = None):
        # Leaflet's layer control inserts names as HTML.
        super().__init__(name=html.escape(name), overlay=True, control=True, show=show)
        self._name = "GridmapLayer"
        self.factory = factory
        self.payload = payload
        self.min_zoom = min_zoom

    def render(self, **kwargs):
        script = f"var {self.get_name()} = gridmap.{self.factory}({self._parent.get_name()}, {self.payload});\n"
        if self.min_zoom is not None:
            # shown from min_zoom on, hidden below: a thousand outlines would bury a county-wide view
            script += (f"(function(){{var map={self._parent.get_name()}, layer={self.get_name()}; function z(){{"
                       f"if (map.getZoom() >= {int(self.min_zoom)}) {{ if (!map.hasLayer(layer)) map.addLayer(layer); }}"
                       " else if (map.hasLayer(layer)) map.removeLayer(layer);} map.on('zoomend', z); z();})();\n")
        self.get_root().script.add_child(_Raw(script), name=self.get_name())
        super().render(**kwargs)  # then folium adds the layer to the map (when shown)


class _Controls(MacroElement):
    """Scale bar, fullscreen, search, legend and attribution; fits the map to the grids."""

    _template = Template("")

    def __init__(self, payload: str):
        super().__init__()
        self._name = "GridmapControls"
        self.payload = payload

    def render(self, **kwargs):
        script = f"gridmap.controls({self._parent.get_name()}, {self.payload});\n"
        self.get_root().script.add_child(_Raw(script), name=self.get_name())
        super().render(**kwargs)


# -- checks and small helpers ----------------------------------------------------------------------------------


def _text(lang: str) -> dict:
    if lang not in i18n.LANGS:
        raise InputError.of("out_lang", known=", ".join(i18n.LANGS), value=lang)
    return {short: i18n.text(key, lang) for short, key in _KEYS.items()}


def _check_simplify(simplify_m) -> float:
    if simplify_m is None:
        return DEFAULT_SIMPLIFY_M
    try:
        value = float(simplify_m)
    except (TypeError, ValueError):
        raise InputError.of("out_simplify", value=simplify_m) from None
    if not math.isfinite(value) or value < 0:
        raise InputError.of("out_simplify", value=simplify_m)
    return value


def _json(value) -> str:
    """JSON safe inside <script>: no '</script>' or '<!--', no JS line separators, no Jinja delimiters."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    text = (text.replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
    # "{{", "{%" and "{#" can only occur inside JSON strings, where "\u007b" means the same "{".
    return re.sub(r"\{(?=[{%#])", r"\\u007b", text)


def _e(value) -> str:
    """A value as escaped HTML text ('' for missing)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return html.escape(str(value), quote=True)


def _escape_cached():
    """:func:`_e` remembering its answers: a map's popups escape the same words (field names, regimes,
    townships) once per grid. ``typed``: 1, 1.0 and True are told apart, as :func:`_e` tells them."""
    return functools.lru_cache(maxsize=None, typed=True)(_e)


def _records(frame) -> list[dict]:
    """The rows of a (Geo)DataFrame, geometry left out, as plain dicts of Python values (what
    ``to_dict("records")`` gives, built from whole columns: Arrow-backed text is not read cell by cell)."""
    names = [c for c in frame.columns if not (isinstance(frame, gpd.GeoDataFrame) and c == frame.geometry.name)]
    return [dict(zip(names, values)) for values in zip(*(frame[c].tolist() for c in names))] if names else \
        [{} for _ in range(len(frame))]


def _str(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return str(value)


def _float(value) -> float:
    """A number from a cell (NaN when missing or not a number)."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _num(value, decimals: int = 0) -> str:
    try:
        value = float(value)
    except (TypeError, ValueError):
        return _e(value)
    if not math.isfinite(value):
        return ""
    if decimals == 0 and value == round(value):
        return f"{value:,.0f}"
    return f"{value:,.{decimals}f}"


def _layer(plan, name: str) -> gpd.GeoDataFrame | None:
    frame = plan.layers.get(name)
    if frame is None or len(frame) == 0:
        return None
    frame = frame[present(frame.geometry)]
    if frame.empty:
        return None
    return _metric(frame, name)


def _metric(frame: gpd.GeoDataFrame, name: str) -> gpd.GeoDataFrame:
    """The layer in a metric CRS (plans are stored in one; a geographic layer is projected to UTM)."""
    if frame.crs is None:
        raise InputError.of("out_map_layer_no_crs", name=name)
    if frame.crs.is_geographic:
        frame = frame.to_crs(frame.estimate_utm_crs())
    return frame


def _band(plan) -> Band | None:
    """The band the plan was made with (its own rules), None for a plan without rules."""
    return plan.config.band


def _grid_classes(grids: gpd.GeoDataFrame, band) -> np.ndarray:
    """'under', 'in', 'over' against the band; 'rural' for grids of rural units and 'island'
    for exclaves and cut-off pieces of a unit (kept whole, under the band by nature)."""
    households = pd.to_numeric(grids.get("households"), errors="coerce").to_numpy(dtype=float) \
        if "households" in grids else np.full(len(grids), np.nan)
    if band is not None:
        classes = np.where(band.below(households), "under", np.where(band.above(households), "over", "in"))
    else:
        flags = grids["flag"].fillna("").astype(str).to_numpy() if "flag" in grids else np.full(len(grids), "")
        classes = np.where(flags == "over_band", "over", np.where(flags == "under_band", "under", "in"))
    if "regime" in grids:
        regime = grids["regime"].astype(str).to_numpy()
        classes = np.where(np.isin(regime, ["rural", "island", "dedicated"]), regime, classes)
    return classes.astype(object)


def _title(plan, text) -> str:
    return plan.area_name or text["title"]


def _attribution(plan, lang: str) -> str:
    """'© OpenStreetMap contributors' (ODbL) whenever the plan was made from OSM data (data/SOURCES.md)."""
    return _OSM_ATTRIBUTION[lang] if plan.from_osm else ""


def _basemap_layers(basemap: str, key: str | None, lang: str) -> list[folium.TileLayer]:
    """Tile layers of a basemap choice (none for 'none')."""
    text = _text(lang)
    if not isinstance(basemap, str) or not basemap.strip():
        raise InputError.of("out_basemap_unknown", known=", ".join(BASEMAPS), value=basemap)
    basemap = basemap.strip()
    if basemap == "none":
        return []
    name = html.escape(text["basemap"])
    if basemap == "osm":
        return [folium.TileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", name=name, overlay=True,
                                 attr='© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
                                 max_zoom=19, max_native_zoom=19)]
    if basemap == "tianditu":
        key = key or os.environ.get("TIANDITU_KEY")
        if not key:
            raise InputError.of("out_tianditu_no_key")
        if not all(c.isalnum() for c in key):
            raise InputError.of("out_tianditu_bad_key")
        base = ("https://t{s}.tianditu.gov.cn/%s_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=%s"
                "&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=" + key)
        note = "cva" if lang == "zh" else "eva"
        attr = "© 天地图 Tianditu"
        return [folium.TileLayer(base % ("vec", "vec"), name=name, attr=attr, overlay=True, subdomains="01234567",
                                 max_zoom=_MAX_ZOOM, max_native_zoom=18),
                folium.TileLayer(base % (note, note), name=html.escape(text["annotation"]), attr=attr, overlay=True,
                                 subdomains="01234567", max_zoom=_MAX_ZOOM, max_native_zoom=18)]
    if basemap == "gaode":
        lang_param = "zh_cn" if lang == "zh" else "en"
        return [folium.TileLayer(f"https://webrd0{{s}}.is.autonavi.com/appmaptile?lang={lang_param}&size=1&scale=1"
                                 "&style=8&x={x}&y={y}&z={z}", name=name, attr="© 高德地图 AutoNavi", overlay=True,
                                 subdomains="1234", max_zoom=_MAX_ZOOM, max_native_zoom=18)]
    if all(part in basemap for part in ("{z}", "{x}", "{y}")) and not re.search(r"\{[{%#]", basemap):
        host = urlsplit(basemap).netloc or basemap
        return [folium.TileLayer(basemap, name=name, attr=html.escape(host), overlay=True, max_zoom=_MAX_ZOOM)]
    raise InputError.of("out_basemap_bad_template", known=", ".join(BASEMAPS), value=basemap)


# -- geometry for display --------------------------------------------------------------------------------------


class _Display:
    """Metric geometry -> simplified, EPSG:4326 (GCJ-02 for Gaode tiles), rounded to DECIMALS."""

    def __init__(self, simplify_m: float, gcj: bool):
        self.simplify_m = simplify_m
        self.gcj = gcj

    def _finish(self, geoms: gpd.GeoSeries) -> gpd.GeoSeries:
        out = geoms.to_crs(4326)
        if self.gcj:
            out = gcj02.geometry_to_gcj02(out)
        rounded = shapely.transform(out.values, lambda xy: np.round(xy, DECIMALS))
        return gpd.GeoSeries(rounded, index=out.index, crs=out.crs)

    def polygons(self, geoms: gpd.GeoSeries, coverage: bool = False) -> gpd.GeoSeries:
        tol = self.simplify_m
        if tol > 0:
            # grids tile their units: shared edges simplified once, neighbours stay edge to edge
            geoms = gpd.GeoSeries(simplified(geoms.values, tol, coverage=coverage), index=geoms.index,
                                  crs=geoms.crs)
        return self._finish(geoms)

    def lines(self, geoms: gpd.GeoSeries, factor: float = 2.0) -> gpd.GeoSeries:
        tol = self.simplify_m * factor
        if tol > 0:
            geoms = geoms.simplify(tol, preserve_topology=False)
        return self._finish(geoms)

    def points(self, geoms: gpd.GeoSeries) -> gpd.GeoSeries:
        return self._finish(geoms)


def _polyline(xy: np.ndarray, decimals: int = DECIMALS) -> str:
    """Coordinates (n, 2; lon, lat in degrees) in the encoded polyline format at 1e-6 degree precision.

    The format of Google's polyline algorithm and OSRM's "polyline6": lat/lon pairs as
    zigzag-encoded deltas in 5-bit groups, one printable ASCII character (63-126) each.
    It is about a quarter of the size of the same points as JSON numbers.
    """
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    return _polylines(xy, np.zeros(len(xy), dtype=np.int64), 1, decimals)[0]


def _polylines(xy: np.ndarray, line: np.ndarray, n_lines: int, decimals: int = DECIMALS) -> list[str]:
    """Many lines encoded at once (:func:`_polyline` of each): ``xy`` their points in order, ``line``
    the line of each point (non-decreasing, 0 .. n_lines - 1). One numpy pass over all points."""
    values = np.round(xy[:, ::-1] * 10.0 ** decimals).astype(np.int64)
    first = np.r_[True, line[1:] != line[:-1]] if len(line) else np.zeros(0, dtype=bool)
    deltas = np.diff(values, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    deltas[first] = values[first]  # every line starts from zero
    deltas = deltas.ravel()
    zigzag = (deltas << 1) ^ (deltas >> 63)
    # 5-bit groups: as many as each number needs (3 for steps under 1.6 m at 1e-6 degrees, up to
    # 6 for a line's first point), written level by level for the numbers that reach that level
    top = int(zigzag.max(initial=0))
    n_groups = max(1, -(-top.bit_length() // 5))
    groups = np.ones(len(zigzag), dtype=np.int64)
    for j in range(1, n_groups):
        groups += zigzag >= (1 << (5 * j))
    start = np.cumsum(groups) - groups
    chars = np.empty(int(groups.sum()), dtype=np.uint8)
    at, value, count = start, zigzag, groups
    for j in range(n_groups):
        if j:
            live = count > j
            at, value, count = at[live], value[live], count[live]
        chars[at + j] = ((value >> (5 * j)) & 31) + np.where(count > j + 1, 32, 0) + 63
    text = chars.tobytes().decode("ascii")
    # characters per line: the groups of its points' two numbers
    per_point = groups.reshape(-1, 2).sum(axis=1)
    ends = np.zeros(n_lines + 1, dtype=np.int64)
    np.add.at(ends, line + 1, per_point)
    ends = np.cumsum(ends)
    return [text[a:b] for a, b in zip(ends[:-1].tolist(), ends[1:].tolist())]


def _encode(geom):
    """A geometry as {"t": type, "c": coordinates}, lines and rings as polyline strings; None if empty."""
    return _encode_many([geom])[0]


def _encode_many(geoms) -> list:
    """:func:`_encode` of every geometry, the coordinates of all of them encoded in one pass."""
    geoms = np.asarray(list(geoms), dtype=object)
    out = [None] * len(geoms)
    if not len(geoms):
        return out
    missing = np.array([g is None for g in geoms], dtype=bool)
    kinds = np.full(len(geoms), -1)
    kinds[~missing] = shapely.get_type_id(geoms[~missing])
    empty = missing.copy()
    empty[~missing] = shapely.is_empty(geoms[~missing])
    collections = np.flatnonzero((kinds == 7) & ~empty)
    for i in collections:  # simplification leftovers: keep the polygonal parts
        polygons = polygonal(geoms[i])
        geoms[i] = None if polygons.is_empty else polygons
        kinds[i] = -1 if polygons.is_empty else shapely.get_type_id(polygons)
        empty[i] = polygons.is_empty
    drawn = np.flatnonzero(~empty & np.isin(kinds, (0, 1, 3, 5, 6)))
    for i in drawn[kinds[drawn] == 0]:
        out[i] = {"t": "Point", "c": [geoms[i].x, geoms[i].y]}
    shaped = drawn[kinds[drawn] != 0]
    if not len(shaped):
        return out
    parts, part_owner = shapely.get_parts(geoms[shaped], return_index=True)
    part_owner = shaped[part_owner]
    is_polygon = np.isin(kinds[part_owner], (3, 6))
    # the lines to encode: line parts as they are, polygon parts as their rings (exterior first)
    rings, ring_part = shapely.get_rings(parts[is_polygon], return_index=True)
    polygon_parts = np.flatnonzero(is_polygon)
    lines = np.concatenate([parts[~is_polygon], rings])
    line_part = np.concatenate([np.flatnonzero(~is_polygon), polygon_parts[ring_part]])
    xy, line = shapely.get_coordinates(lines, return_index=True)
    encoded = _polylines(xy, line, len(lines))
    by_part: dict[int, list] = {}
    for text, part in zip(encoded, line_part.tolist()):
        by_part.setdefault(part, []).append(text)
    names = {1: "LineString", 3: "Polygon", 5: "MultiLineString", 6: "MultiPolygon"}
    for part, owner in enumerate(part_owner.tolist()):
        kind = kinds[owner]
        texts = by_part.get(part, [])
        if kind == 1:
            out[owner] = {"t": "LineString", "c": texts[0] if texts else ""}
        elif kind == 3:
            out[owner] = {"t": "Polygon", "c": texts}
        else:
            if out[owner] is None:
                out[owner] = {"t": names[kind], "c": []}
            out[owner]["c"].append(texts[0] if kind == 5 else texts)
    return out


def _collection(geoms, props) -> list[dict]:
    """Features as [{"g": encoded geometry, "p": properties}] (gridmap.features() in the page decodes them)."""
    return [{"g": encoded, "p": prop} for encoded, prop in zip(_encode_many(geoms), props) if encoded is not None]


# -- payloads (JSON given to gridmap-map.js) -------------------------------------------------------------------


def _grid_payload(grids, geo, classes, band, text, lang, lat, lon, county, fill) -> str:
    cols = grids.columns
    get = lambda row, col: row[col] if col in cols else None  # noqa: E731
    props = []
    levels = townships(grids, county)
    units_are_townships = levels.attrs["units_are_townships"]
    rows_of = _records(grids)
    _e = _escape_cached()
    for row, cls, y, x, parent in zip(rows_of, classes, lat, lon, levels["township"]):
        code = _str(get(row, "code")) or _str(get(row, "grid_id"))
        unit = _str(get(row, "unit_name"))
        parent = _str(parent)
        households = get(row, "households")
        tip = (f"<b>{_e(code)}</b> {_e(unit)}<br>{_e(text['households'])} {_num(households)}"
               f" · {_e(text[cls])}")
        rows = []
        if _str(get(row, "grid_id")) and _str(get(row, "grid_id")) != code:
            rows.append((text["grid_id"], _e(get(row, "grid_id"))))
        if parent:
            rows.append((text["township"], _e(parent)))
        if not units_are_townships:
            rows.append((text["unit"], _e(unit) + (f" <small>({_e(get(row, 'unit_id'))})</small>"
                                                  if _str(get(row, "unit_id")) and _str(get(row, "unit_id")) != unit
                                                  else "")))
        regime = _str(get(row, "regime"))
        if regime:
            rows.append((text["regime"], _e({"urban": text["urban"], "rural": text["rural_regime"],
                                             "island": text["island"]}.get(regime, regime))))
        rows.append((text["households"], _num(households)))
        if cls not in ("rural", "island") and band is not None:
            rows.append((text["status"], f"{_e(text[cls])} ({_num(band.lo)}–{_num(band.hi)})"))
        if "workers" in cols and _str(get(row, "workers")):
            rows.append((text["workers_n"], _num(get(row, "workers"))))
        if "share_reached" in cols and _str(get(row, "share_reached")):
            share = _float(get(row, "share_reached"))
            rows.append((text["share_reached"], f"{share:.0%}" if math.isfinite(share) else _e(get(row, "share_reached"))))
        if "area_km2" in cols and _str(get(row, "area_km2")):
            rows.append((text["area_km2"], _num(get(row, 'area_km2'), 2)))
        if "polsby_popper" in cols and _str(get(row, "polsby_popper")):
            rows.append((text["compactness"], _num(get(row, "polsby_popper"), 2)))
        flag = _str(get(row, "flag"))
        if flag:
            rows.append((text["flag"], f'<span class="flag">{_e(i18n.term("flag", flag, lang))}</span>'))
            reason = _str(get(row, "flag_reason")) if lang == "en" else i18n.grid_reason(
                flag, regime, _float(households), int(get(row, "atoms") or 0), band, lang)
            if reason:
                rows.append((text["reason"], _e(reason)))
        table = "".join(f"<tr><th>{_e(k)}</th><td>{v}</td></tr>" for k, v in rows)
        pop = f"<h4>{_e(text['code'])} {_e(code)}</h4><table>{table}</table>"
        props.append({"k": cls, "tip": tip, "pop": pop, "at": [float(y), float(x)] if math.isfinite(y) else None,
                      "find": [code, _str(get(row, "grid_id")), unit, parent]})
    # neighbours get different fills (a graph colouring); islands keep their grey, the band is the outline
    for prop, cls, c in zip(props, classes, fill):
        if cls != "island":
            prop["c"] = int(c)
    styles = {k: {**_GRID_STYLE, **_BAND_OUTLINE.get(k, {}), "fillColor": c} for k, c in _GRID_COLOURS.items()}
    return _json({"data": _collection(geo.values, props), "styles": styles, "hover": _HOVER_STYLE,
                  "fills": list(PALETTE)})


def _label_payload(codes, lat, lon, radius, households=None, hh_word="") -> str:
    """[lat, lon, min zoom, escaped label]: the grid's short code over its households, shown from the zoom
    at which it fits inside the grid's largest inscribed circle."""
    rows = []
    households = np.full(len(codes), np.nan) if households is None else households
    for y, x, r, code, hh in zip(lat, lon, radius, codes, households):
        short = short_code(_str(code))
        count = f"{hh:,.0f}{'' if hh_word == '户' else ' '}{hh_word}" if math.isfinite(hh) else ""
        code = f"<b>{_e(short)}</b>" + (f"<br>{_e(count)}" if count else "")
        if not (math.isfinite(y) and math.isfinite(r)):  # a grid without geometry has no label
            continue
        width_px = _LABEL_CHAR_PX * max(len(short), len(count) * (1.6 if hh_word == "户" else 1.0)) + _LABEL_PAD_PX
        metres_per_px_z0 = 40075016.686 * math.cos(math.radians(y)) / 256.0
        zoom = math.ceil(math.log2(width_px * metres_per_px_z0 / (2.0 * r)))
        rows.append([float(y), float(x), int(min(max(zoom, 0), _MAX_ZOOM + 1)), code])
    return _json({"data": rows})


def _unit_payload(units, disp) -> str:
    geo = disp.polygons(units.geometry, coverage=True)
    names = units["name"] if "name" in units else units.get("unit_name", pd.Series("", index=units.index))
    props = [{"k": "unit", "name": _str(n)} for n in names]
    return _json({"data": _collection(geo.values, props), "styles": _BORDER_STYLES, "pane": "gmBorders",
                  "key": "units"})


def _township_payload(units, area, disp):
    """Township outlines (units dissolved by parent_id) and the area outline; None if neither exists.

    Returns the payload and whether there were townships (else the layer is just the area boundary).
    """
    geoms, kinds, crs = [], [], None
    if units is not None:
        crs = units.crs
        if "parent_id" in units:
            parent = units["parent_id"].fillna("").astype(str)
            keep = (parent != "").to_numpy()
            if keep.any():
                dissolved = units.geometry[keep].groupby(parent[keep]).agg(lambda s: shapely.union_all(s.values))
                geoms += list(dissolved.values)
                kinds += ["township"] * len(dissolved)
    has_parents = bool(geoms)
    if area is not None:
        if crs is not None and area.crs != crs:
            area = area.to_crs(crs)
        crs = area.crs
        geoms += list(area.geometry.values)
        kinds += ["area"] * len(area)
    if not geoms:
        return None
    geo = disp.polygons(gpd.GeoSeries(geoms, crs=crs))
    payload = _json({"data": _collection(geo.values, [{"k": k} for k in kinds]), "styles": _BORDER_STYLES,
                     "pane": "gmBorders", "key": "townships"})
    return payload, has_parents


def _context_payload(frame, key, disp) -> str | None:
    """Roads, waterways or railways as one multi-line per style class (no per-feature data needed)."""
    if key == "roads":
        cls = frame["highway"].astype(str).map(_ROAD_CLASSES) if "highway" in frame else None
    elif key == "waterways":
        cls = frame["waterway"].astype(str).map(lambda w: "river" if w in ("river", "canal") else "stream") \
            if "waterway" in frame else pd.Series("stream", index=frame.index)
    else:
        cls = pd.Series("rail", index=frame.index)
    if cls is None:
        cls = pd.Series("minor", index=frame.index)
    frame = frame[cls.notna()]
    cls = cls[cls.notna()]
    if frame.empty:
        return None
    geo = disp.lines(frame.geometry)
    geoms, kinds = [], []
    order = ["minor", "major"] if key == "roads" else sorted(set(cls))
    for kind in order:
        parts = shapely.get_parts(geo.values[(cls == kind).to_numpy()])
        parts = parts[~shapely.is_empty(parts)]
        if len(parts):
            geoms.append(shapely.multilinestrings(parts))
            kinds.append(kind)
    if not geoms:
        return None
    extra = {"casing": _CASING_STYLES} if key == "roads" else {}
    return _json({"data": _collection(geoms, [{"k": k} for k in kinds]), "styles": _LINE_STYLES,
                  "pane": "gmContext", "canvas": True, "key": key, **extra})


def _service_payload(areas, disp) -> str:
    geo = disp.polygons(areas.geometry)
    return _json({"data": _collection(geo.values, [{"k": "service"}] * len(geo)), "styles": {"service": _SERVICE_STYLE},
                  "pane": "gmAreas", "key": "service_areas"})


def _dot_payload(frame, disp) -> str:
    pts = disp.points(frame.geometry.representative_point())
    xy = np.column_stack([shapely.get_x(pts.values), shapely.get_y(pts.values)])
    return _json({"data": _polyline(xy), "style": _DOT_STYLE, "key": "unreached"})


def _point_payload(frame, kind, disp, text, lang, key) -> str:
    pts = disp.points(frame.geometry.representative_point())
    props = []
    _e = _escape_cached()
    for row in _records(frame):
        rows = []
        if kind == "worker":
            wtype = _str(row.get("worker_type"))
            rows += [(text["worker_id"], _e(row.get("worker_id"))),
                     (text["worker_type"], _e(i18n.term("worker_type", wtype, lang))),
                     (text["grid"], _e(row.get("grid_id")))]
        else:
            rows.append((text["grid"], _e(row.get("grid_id"))))
            if _str(row.get("minutes")):
                mode = _str(row.get("mode"))
                rows.append((text["response"], _e(text["minutes"].format(m=_num(row.get("minutes"))))
                             + (f" ({_e(i18n.term('mode', mode, lang))})" if mode else "")))
            if _str(row.get("households_reached")):
                reached = _num(row.get("households_reached"))
                if _str(row.get("households")):
                    reached += f" / {_num(row.get('households'))}"
                rows.append((text["households_reached"], reached))
            share = _float(row.get("share_reached"))
            if math.isfinite(share):
                rows.append((text["share_reached"], f"{share:.0%}"))
        tip = f"<b>{_e(text[key])}</b><br>" + "<br>".join(f"{_e(k)}: {v}" for k, v in rows if v)
        props.append({"k": kind, "tip": tip})
    return _json({"data": _collection(pts.values, props), "styles": _POINT_STYLES, "key": key})


def _legend_html(title, grids, counts, band, present, text) -> str:
    households = pd.to_numeric(grids.get("households"), errors="coerce").sum() if "households" in grids else 0
    parts = [f"<h3>{_e(title)}</h3>",
             '<div class="sub">' + _e(text["summary"].format(grids=len(grids), households=float(households)))
             + (f"<br>{_e(text['band'].format(lo=band.lo, hi=band.hi))}" if band else "")
             + f"<br>{_e(text['colours'])}" + "</div>"]
    for cls in ("under", "in", "over", "rural", "island", "dedicated"):
        if cls in ("rural", "island", "dedicated") and not counts[cls]:
            continue
        o = _BAND_OUTLINE.get(cls, _BAND_OUTLINE["in"])
        border = f'{min(o["weight"], 3):.0f}px {"dashed" if "dashArray" in o else "solid"} {o["color"]}'
        background = _GRID_COLOURS["island"] if cls == "island" else "#f4f1d0"
        parts.append(f'<div class="row"><span class="sw" style="background:{background};outline:none;'
                     f'border:{border}"></span>{_e(text[cls])}<span class="n">{counts[cls]}</span></div>')
    extra = []
    borders = {"units": "unit", "townships": "township", "area": "area"}
    for key, style in borders.items():
        if key in present:
            s = _BORDER_STYLES[style]
            extra.append(f'<div class="row"><span class="ln" style="border-top-width:{s["weight"]:.0f}px;'
                         f'border-color:{s["color"]}"></span>{_e(text[key])}</div>')
    if "micro_grids" in present:
        extra.append(f'<div class="row"><span class="ln" style="border-top:1px dashed #4d4d4d"></span>'
                     f'{_e(text["micro_grids"])}</div>')
    if "service_areas" in present:
        extra.append(f'<div class="row"><span class="ln" style="border-top:2px dashed {_SERVICE_STYLE["color"]}">'
                     f'</span>{_e(text["service_areas"])}</div>')
    for key, style in (("workers", _POINT_STYLES["worker"]), ("bases", _POINT_STYLES["base"])):
        if key in present:
            extra.append(f'<div class="row"><span class="pt" style="background:{style["fillColor"]};'
                         f'border:2px solid {style["color"] if key == "bases" else style["fillColor"]};'
                         f'box-sizing:border-box"></span>{_e(text[key])}</div>')
    if "unreached" in present:
        extra.append(f'<div class="row"><span class="pt" style="background:{_DOT_STYLE["fillColor"]};width:6px;'
                     f'height:6px"></span>{_e(text["unreached"])}</div>')
    context = {"roads": ("major", "#a8a8a8"), "waterways": ("river", None), "railways": ("rail", None)}
    for key, (style, colour) in context.items():
        if key in present:
            s = _LINE_STYLES[style]
            dash = "dashed" if "dashArray" in s else "solid"
            extra.append(f'<div class="row"><span class="ln" style="border-top:{max(s["weight"], 2):.0f}px {dash} '
                         f'{colour or s["color"]}"></span>{_e(text[key])}</div>')
    if extra:
        parts.append('<div class="sep"></div>')
        parts += extra
    return "".join(parts)
