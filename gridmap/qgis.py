"""QGIS layer styles stored in a plan's GeoPackage: it opens in QGIS coloured and labelled.

QGIS looks for a table ``layer_styles`` in a GeoPackage and applies the row marked
``useAsDefault`` of each layer when the layer is added. :func:`write_layer_styles`
writes that table (the schema QGIS itself creates) with a QML style per layer:

- ``grids``: fill by band: in band green, above the band orange, below it blue, rural
  villages sand, exclaves and cut-off pieces grey; labels with the grid's short code
  (its last three characters) and households, e.g. ``007`` / ``366户``;
- ``units`` and ``area``: outlines (villages thin, the area bold); ``workers`` purple
  dots, ``bases`` rings; ``service_areas`` dashed outlines; ``unreached`` small red dots.

A lower-layer module: plain sqlite3 on the file, nothing of gridmap's higher layers.
"""
from __future__ import annotations

import sqlite3
from html import escape
from pathlib import Path

__all__ = ["write_layer_styles", "grid_style_qml", "STYLE_TABLE"]

STYLE_TABLE = "layer_styles"

_FILLS = {"island": ("189,189,189,170", "120,120,120,255"), "rural": ("216,198,144,150", "74,74,74,255"),
          "under": ("107,174,214,150", "31,95,191,255"), "over": ("230,85,13,150", "214,39,40,255"),
          "in": ("116,196,118,150", "74,74,74,255")}


def _fill_symbol(name: str, fill: str, outline: str, width: float = 0.35, style: str = "solid",
                 outline_style: str = "solid") -> str:
    return (f'<symbol type="fill" name="{name}" alpha="1" clip_to_extent="1" force_rhr="0">'
            '<layer class="SimpleFill" enabled="1" locked="0" pass="0"><Option type="Map">'
            f'<Option name="color" type="QString" value="{fill}"/>'
            f'<Option name="outline_color" type="QString" value="{outline}"/>'
            f'<Option name="outline_width" type="QString" value="{width}"/>'
            '<Option name="outline_width_unit" type="QString" value="MM"/>'
            f'<Option name="style" type="QString" value="{style}"/>'
            f'<Option name="outline_style" type="QString" value="{outline_style}"/>'
            '</Option></layer></symbol>')


def _marker_symbol(name: str, fill: str, outline: str, size: float) -> str:
    return (f'<symbol type="marker" name="{name}" alpha="1" clip_to_extent="1" force_rhr="0">'
            '<layer class="SimpleMarker" enabled="1" locked="0" pass="0"><Option type="Map">'
            '<Option name="name" type="QString" value="circle"/>'
            f'<Option name="color" type="QString" value="{fill}"/>'
            f'<Option name="outline_color" type="QString" value="{outline}"/>'
            f'<Option name="size" type="QString" value="{size}"/>'
            '<Option name="size_unit" type="QString" value="MM"/>'
            '<Option name="outline_width" type="QString" value="0.4"/>'
            '</Option></layer></symbol>')


def _qml(renderer: str, labeling: str = "", geometry: int = 2) -> str:
    return ("<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
            f'<qgis version="3.28.0" styleCategories="Symbology|Labeling" labelsEnabled="{1 if labeling else 0}">'
            f"{renderer}{labeling}<blendMode>0</blendMode><featureBlendMode>0</featureBlendMode>"
            f"<layerGeometryType>{geometry}</layerGeometryType></qgis>\n")


def grid_style_qml(band, labels: dict) -> str:
    """QML of the grids layer: rule-based fill by band class, labels with short code and households.

    ``band``: (lo, hi) households; ``labels``: legend words for ``in``, ``over``, ``under``,
    ``rural``, ``island`` and the household word ``hh`` (e.g. "户").
    """
    lo, hi = (float(band[0]), float(band[1])) if band else (0.0, float("inf"))
    island = "\"regime\" = 'island'"
    rural = "\"regime\" = 'rural'"
    rules = [("island", island), ("rural", rural),
             ("over", f"NOT ({island}) AND NOT ({rural}) AND \"households\" > {hi:g}"),
             ("under", f"NOT ({island}) AND NOT ({rural}) AND \"households\" < {lo:g}"),
             ("in", "ELSE")]
    rule_xml = "".join(
        f'<rule key="{k}" symbol="{n}" label="{escape(labels.get(k, k))}"'
        + (' filter="ELSE"' if f == "ELSE" else f' filter="{escape(f)}"') + "/>"
        for n, (k, f) in enumerate(rules))
    symbols = "".join(_fill_symbol(str(n), *_FILLS[k], width=0.8 if k in ("over", "under") else 0.35,
                                   outline_style="dash" if k == "under" else "solid")
                      for n, (k, _) in enumerate(rules))
    renderer = (f'<renderer-v2 type="RuleRenderer" symbollevels="0" enableorderby="0" forceraster="0">'
                f'<rules key="root">{rule_xml}</rules><symbols>{symbols}</symbols></renderer-v2>')
    hh = labels.get("hh", "")
    expression = (f"right(coalesce(\"code\", \"grid_id\"), 3) || '\\n' || "
                  f"to_string(round(\"households\")) || '{hh}'")
    labeling = ('<labeling type="simple"><settings calloutType="simple">'
                f'<text-style fieldName="{escape(expression)}" isExpression="1" fontSize="8" fontWeight="63" '
                'textColor="20,20,20,255" multilineHeight="1" fontSizeUnit="Point">'
                '<text-buffer bufferDraw="1" bufferSize="0.8" bufferSizeUnits="MM" bufferColor="255,255,255,255" '
                'bufferOpacity="1"/></text-style>'
                '<text-format multilineAlign="1" wrapChar=""/>'
                '<placement placement="1" centroidInside="1" fitInPolygonOnly="1" priority="5"/>'
                '<rendering obstacle="1" scaleVisibility="0" minFeatureSize="0" drawLabels="1"/>'
                '</settings></labeling>')
    return _qml(renderer, labeling)


def _single(symbol: str, geometry: int) -> str:
    return _qml(f'<renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0" forceraster="0">'
                f'<symbols>{symbol}</symbols></renderer-v2>', geometry=geometry)


def _styles(band, labels: dict) -> dict:
    return {
        "grids": grid_style_qml(band, labels),
        "units": _single(_fill_symbol("0", "0,0,0,0", "38,38,38,255", 0.5, style="no"), 2),
        "area": _single(_fill_symbol("0", "0,0,0,0", "0,0,0,255", 1.0, style="no"), 2),
        "service_areas": _single(_fill_symbol("0", "0,0,0,0", "123,50,148,255", 0.4, style="no", outline_style="dash"),
                                 2),
        "workers": _single(_marker_symbol("0", "123,50,148,255", "255,255,255,255", 2.2), 0),
        "bases": _single(_marker_symbol("0", "255,255,255,230", "26,26,26,255", 3.6), 0),
        "unreached": _single(_marker_symbol("0", "197,27,27,200", "197,27,27,0", 0.9), 0),
    }


def write_layer_styles(path: str | Path, band=None, labels: dict | None = None, layers=None) -> list[str]:
    """Write QGIS default styles of the plan's layers into the GeoPackage at ``path``.

    ``layers``: the layers present (default: every layer that has a style). Replaces the
    styles gridmap wrote before; styles a user saved under another name stay. Returns
    the layers styled.
    """
    labels = labels or {}
    styles = _styles(band, labels)
    with sqlite3.connect(str(path)) as db:
        present = {row[0]: row[1] for row in db.execute("SELECT table_name, column_name FROM gpkg_geometry_columns")}
        names = [n for n in (layers or styles) if n in styles and n in present]
        db.execute(f"""CREATE TABLE IF NOT EXISTS {STYLE_TABLE} (
            id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256), f_table_schema TEXT(256),
            f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT,
            styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30),
            update_time DATETIME DEFAULT CURRENT_TIMESTAMP)""")
        db.execute(f"DELETE FROM {STYLE_TABLE} WHERE styleName = 'gridmap'")
        for name in names:
            db.execute(f"UPDATE {STYLE_TABLE} SET useAsDefault = 0 WHERE f_table_name = ?", (name,))
            db.execute(f"INSERT INTO {STYLE_TABLE} (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, "
                       "styleName, styleQML, styleSLD, useAsDefault, description, owner, ui, update_time) "
                       # no timestamp: the same plan writes the same file
                       "VALUES ('', '', ?, ?, 'gridmap', ?, '', 1, 'gridmap default style', '', '', NULL)",
                       (name, present[name], styles[name]))
        # registered as an attributes table, as QGIS registers the table it creates
        db.execute("INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description) "
                   "VALUES (?, 'attributes', ?, 'QGIS layer styles')", (STYLE_TABLE, STYLE_TABLE))
    return names
