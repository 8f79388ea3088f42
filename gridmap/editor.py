"""The plan editor: one self-contained HTML page in which a planner moves atoms between grids.

A street office walks its grids and wants to move a block from one grid to the next,
lock the grids it agrees with, and hand the result back. :func:`editor_html` writes the
plan's atoms, grids and units into one page (Leaflet and the editor's script inlined, as
the maps are; no request leaves the page). In the page every move updates the two grids'
household counts, their band status and a contiguity check (the atom adjacency is
computed here, from the atoms' shared edges, and shipped with the page); locked grids
refuse edits; moves can be undone and redone; a change log is kept. The page exports

* ``edits.geojson``: one feature per atom with ``atom_id``, ``grid_id``, ``unit_id``,
  ``households`` and ``locked`` (its grid is locked), the atom's outline for GIS tools,
  and a top-level ``gridmap`` member holding the locked grids and the change log. This is
  the file ``gridmap update PLAN --atoms edits.geojson`` applies;
* ``grids.geojson``: the edited grids, each the MultiPolygon of its atoms' outlines.

Nesting is kept by construction: an atom can only join a grid of its own
village/community (unit).
"""
from __future__ import annotations

import html
import json
import math
import re
from importlib import resources
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap import i18n
from gridmap._arrays import bool_column
from gridmap._atomic import write_text
from gridmap._geometry import present, simplified
from gridmap.errors import InputError
from gridmap.graph import shared_edges

#: Display simplification of atom outlines, metres (shared edges stay shared: coverage simplification).
DEFAULT_SIMPLIFY_M = 1.0
#: Coordinates are shipped as integers of 1e-6 degree (about 0.1 m).
_SCALE = 1e6

_ASSETS = resources.files("gridmap") / "assets"

#: Words the page uses, from gridmap.i18n: its own (editor.*) and the plan's shared ones.
_SHARED = {"in": "band.in", "under": "band.under", "over": "band.over", "rural": "regime.rural",
           "island": "band.island"}


def editor_html(plan, *, lang: str = "zh", simplify_m: float | None = None) -> str:
    """The editor page of a plan, as one HTML string with every script and style inlined.

    Parameters
    ----------
    plan : gridmap.plan.Plan
        Needs the ``atoms`` layer (``atom_id``, ``unit_id``, ``grid_id``, ``households``)
        and the ``grids`` layer (``grid_id``, ``unit_id``; ``code``, ``unit_name``,
        ``parent_name``, ``regime`` and ``locked`` when present).
    lang : {"zh", "en"}
        Language of every word in the page.
    simplify_m : float, optional
        Display simplification of atom outlines, metres (default 1; 0 keeps every vertex).
        Shared edges stay shared. Exports carry ``atom_id``, so ``gridmap update`` never
        depends on the simplified outlines.

    Returns
    -------
    str
        The page. Save it with :func:`save_editor` (atomic).
    """
    if lang not in i18n.LANGS:
        raise InputError.of("out_lang", known=", ".join(i18n.LANGS), value=lang)
    tol = DEFAULT_SIMPLIFY_M if simplify_m is None else float(simplify_m)
    if not math.isfinite(tol) or tol < 0:
        raise InputError.of("out_simplify", value=simplify_m)
    payload = editor_payload(plan, lang=lang, simplify_m=tol)
    return _page(payload, lang)


def save_editor(plan, path: str | Path, **kwargs) -> Path:
    """Write :func:`editor_html` of a plan to ``path`` atomically; returns the path."""
    path = Path(path)
    write_text(path, editor_html(plan, **kwargs))
    return path


def editor_payload(plan, *, lang: str = "zh", simplify_m: float = DEFAULT_SIMPLIFY_M) -> dict:
    """The data the page is built from (JSON-able): atoms, their adjacency, grids, units, band, words."""
    atoms = _layer(plan, "atoms")
    grids = _layer(plan, "grids")
    for frame, name, columns in ((atoms, "atoms", ("atom_id", "unit_id", "grid_id")),
                                 (grids, "grids", ("grid_id", "unit_id"))):
        missing = [c for c in columns if c not in frame]
        if missing:
            raise InputError.of("out_editor_missing_columns", what=name, missing=", ".join(missing))
    atoms = atoms[present(atoms.geometry)].reset_index(drop=True)
    if atoms.crs is None:
        raise InputError.of("out_editor_atoms_no_crs")
    if atoms.crs.is_geographic:
        atoms = atoms.to_crs(atoms.estimate_utm_crs())

    grid_ids = grids["grid_id"].astype(str).tolist()
    grid_index = {g: i for i, g in enumerate(grid_ids)}
    atom_grid = atoms["grid_id"].astype(str).map(grid_index)
    if atom_grid.isna().any():
        stray = atoms.loc[atom_grid.isna(), "atom_id"].iloc[0]
        raise InputError.of("out_editor_stray_atom", atom=stray, grid=atoms.loc[atom_grid.isna(), "grid_id"].iloc[0])

    unit_ids = list(dict.fromkeys(grids["unit_id"].astype(str).tolist() + atoms["unit_id"].astype(str).tolist()))
    unit_index = {u: i for i, u in enumerate(unit_ids)}
    unit_names = _unit_names(plan, grids, unit_ids)

    households = pd.to_numeric(atoms.get("households", 0.0), errors="coerce").fillna(0.0).to_numpy(float)
    geoms = atoms.geometry.values
    i, j, _, _ = shared_edges(geoms)
    neighbours = [[] for _ in range(len(atoms))]
    for a, b in zip(i.tolist(), j.tolist()):
        neighbours[a].append(b)
        neighbours[b].append(a)

    display = _display(atoms.geometry, simplify_m)
    west, south, east, north = display.total_bounds
    points = shapely.point_on_surface(atoms.geometry.values)
    points = gpd.GeoSeries(points, crs=atoms.crs).to_crs(4326)

    unit_lines = _unit_outlines(atoms, simplify_m)
    locked = bool_column(grids, "locked")
    grid_rows = []
    for k, (_, row) in enumerate(grids.iterrows()):
        grid_rows.append({
            "id": str(row["grid_id"]),
            "code": _str(row.get("code")) or str(row["grid_id"]),
            "unit": unit_index[str(row["unit_id"])],
            "regime": _str(row.get("regime")) or "urban",
            "locked": bool(locked[k]),
        })
    return {
        "lang": lang,
        "text": _words(lang),
        "title": _title(plan, lang),
        "band": _band(plan),
        "bounds": [[float(south), float(west)], [float(north), float(east)]],
        "attribution": _attribution(plan, lang),
        "units": [{"id": u, "name": unit_names.get(u, u)} for u in unit_ids],
        "unit_lines": unit_lines,
        "grids": grid_rows,
        "atoms": {
            "id": [int(a) if _is_int(a) else str(a) for a in atoms["atom_id"].tolist()],
            "unit": atoms["unit_id"].astype(str).map(unit_index).astype(int).tolist(),
            "grid": atom_grid.astype(int).tolist(),
            "hh": [round(float(h), 3) for h in households],
            "at": [[round(float(y), 6), round(float(x), 6)] for x, y in zip(points.x, points.y)],
            "geo": [_encode(g) for g in display.values],
            "nb": neighbours,
        },
    }


# -- the page ----------------------------------------------------------------------------------------------------


def _page(payload: dict, lang: str) -> str:
    from gridmap._map_assets import LEAFLET_VERSION, _leaflet_css, leaflet_js

    css = _checked(_leaflet_css() + "\n" + _read("gridmap-editor.css"), "style")
    js = _checked(_read("gridmap-editor.js"), "script")
    title = html.escape(f"{payload['title']} · {payload['text']['title']}")
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n"
        f"<!-- Leaflet {LEAFLET_VERSION}, BSD-2-Clause (c) 2010-2023 Vladimir Agafonkin, (c) 2010-2011 CloudMade;"
        " inlined so that the editor works offline -->\n"
        f"<style>\n{css}\n</style>\n<script>\n{leaflet_js()}\n</script>\n</head>\n<body>\n"
        '<div id="gm-map"></div>\n<aside id="gm-panel"></aside>\n'
        f'<script type="application/json" id="gm-data">{_json(payload)}</script>\n'
        f"<script>\n{js}\n</script>\n</body>\n</html>\n"
    )


def _read(name: str) -> str:
    return (_ASSETS / name).read_text(encoding="utf-8")


def _checked(text: str, tag: str) -> str:
    if re.search(rf"</{tag}", text, re.IGNORECASE):
        raise RuntimeError(f"an inlined asset contains '</{tag}'")
    return text


def _json(value) -> str:
    """JSON safe inside a <script> element: no '<', '>' or line separators unescaped."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


# -- data helpers ------------------------------------------------------------------------------------------------


def _layer(plan, name: str) -> gpd.GeoDataFrame:
    frame = plan.layers.get(name)
    if frame is None or len(frame) == 0:
        raise InputError.of("out_editor_no_layer", name=name)
    return frame


def _display(geoms: gpd.GeoSeries, tol: float) -> gpd.GeoSeries:
    """Simplified outlines in EPSG:4326; atoms tile their units, so shared edges are simplified once."""
    values = geoms.values
    if tol > 0:
        thinner = simplified(values, tol)
        # a simplification that empties a tiny atom keeps the original outline
        empty = shapely.is_empty(thinner) | ~shapely.is_valid(thinner)
        values = np.where(empty, values, thinner)
    return gpd.GeoSeries(values, index=geoms.index, crs=geoms.crs).to_crs(4326)


def _unit_outlines(atoms: gpd.GeoDataFrame, tol: float) -> list:
    """The villages/communities' borders (the atoms dissolved by unit) as encoded rings, for display only."""
    dissolved = atoms[["unit_id", "geometry"]].dissolve(by="unit_id")
    return [_encode(g) for g in _display(dissolved.geometry, tol).values]


def _encode(geom) -> list:
    """Polygon parts as rings of delta-coded integer microdegrees: [[[x0, y0, dx1, dy1, ...], ...], ...]."""
    parts = shapely.get_parts(geom)
    out = []
    for part in parts:
        if part.geom_type != "Polygon" or part.is_empty:
            continue
        rings = [part.exterior, *part.interiors]
        encoded = []
        for ring in rings:
            xy = np.round(shapely.get_coordinates(ring) * _SCALE).astype(np.int64)
            deltas = np.diff(xy, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
            encoded.append(deltas.ravel().tolist())
        out.append(encoded)
    return out


def _unit_names(plan, grids, unit_ids) -> dict:
    names = {}
    units = plan.layers.get("units")
    if units is not None and "unit_id" in units and "name" in units:
        names.update({str(u): _str(n) for u, n in zip(units["unit_id"], units["name"]) if _str(n)})
    if "unit_name" in grids:
        for u, n in zip(grids["unit_id"].astype(str), grids["unit_name"]):
            if _str(n):
                names.setdefault(u, _str(n))
    return names


def _band(plan) -> list[float] | None:
    """The plan's household band (the rules it was made with), as [lo, hi] for the page."""
    band = plan.config.band
    return [band.lo, band.hi] if band is not None else None


def _words(lang: str) -> dict:
    """The page's words: every editor.* entry (templates keep their {fields}) and the shared band words."""
    words = {key.split(".", 1)[1]: i18n.text(key, lang) for key in i18n.keys("editor.")}
    words.update({name: i18n.text(key, lang) for name, key in _SHARED.items()})
    return words


def _title(plan, lang: str) -> str:
    return plan.area_name or i18n.text("editor.grid", lang)


def _attribution(plan, lang: str) -> str:
    """'© OpenStreetMap contributors' whenever the plan was made from OSM data (data/SOURCES.md)."""
    return "© OpenStreetMap contributors (ODbL)" if plan.from_osm else ""


def _str(value) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _is_int(value) -> bool:
    try:
        return float(value) == int(value)
    except (TypeError, ValueError):
        return False
