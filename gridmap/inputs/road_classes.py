"""The class of each road of a county's own road layer, as an OSM ``highway`` value.

gridmap reads a road's class from OSM's ``highway`` tag: it decides which roads cut the
county into blocks (:data:`gridmap.osm_classes.BARRIER_HIGHWAYS`), which edges a grid
prefers (``cut_weights``) and how fast each road is travelled (``[reach.speeds]``). A road
layer from a county's transport bureau or survey names its class in its own words instead:
the administrative grade (国道, 省道, 县道, 乡道, 村道, 专用公路), the technical grade
(高速公路, 一级公路 … 四级公路, 等外公路), the grade of a city street (快速路, 主干路,
次干路, 支路), or a route code whose letter is the grade (G318, S211, X071, Y003, C001).
A layer exported from OpenStreetMap as Shapefiles (Geofabrik's ``gis_osm_roads``) has OSM's
values in ``fclass``.

:func:`classify` finds the column that holds such classes (the first column most of whose
values it recognises) and gives every line a ``highway`` value; a line without a
recognised class counts as a street (``residential``: a road drawn is a road), and the
layer's ``attrs["road_classes"]`` says which column was read and how many lines were
counted as streets for want of a class.
"""
from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd

from gridmap.osm_classes import ROAD_HIGHWAYS

#: The class a road without a recognised one gets.
DEFAULT = "residential"

#: Chinese road grades and their OSM ``highway`` values (OSM China's usage: 国道 trunk, 省道
#: primary, 县道 secondary, 乡道 tertiary, 村道 unclassified). Longer names are tried first, so
#: that 高速公路 is not read as 公路.
CHINESE = {
    "高速公路": "motorway", "高速": "motorway", "快速路": "trunk", "城市快速路": "trunk",
    "国道": "trunk", "省道": "primary", "县道": "secondary", "乡道": "tertiary", "村道": "unclassified",
    "专用公路": "service", "专用道路": "service",
    "一级公路": "primary", "二级公路": "secondary", "三级公路": "tertiary", "四级公路": "unclassified",
    "等外公路": "unclassified", "等外": "unclassified",
    "主干路": "primary", "主干道": "primary", "次干路": "secondary", "次干道": "secondary",
    "支路": "residential", "街巷": "residential", "巷道": "residential", "街道": "residential",
    "小区道路": "service", "内部道路": "service", "乡村道路": "unclassified", "农村公路": "unclassified",
    "机耕路": "track", "机耕道": "track", "田间道路": "track", "生产路": "track",
    "步行街": "pedestrian", "人行道": "footway", "步道": "footway", "绿道": "cycleway",
}

#: A route code: its first letter is the administrative grade (JTG and the national road
#: database: G national, S provincial, X county, Y township, C village, Z special-purpose).
ROUTE_CODE = re.compile(r"^\s*([GSXYCZ])\s*\d")
ROUTE_LETTERS = {"G": "trunk", "S": "primary", "X": "secondary", "Y": "tertiary", "C": "unclassified",
                 "Z": "service"}

#: Columns holding OSM's own values (``highway``; ``fclass`` in Geofabrik's Shapefiles).
OSM_COLUMNS = ("highway", "fclass")

#: A column is read as the classes when at least this share of its non-blank values is recognised.
MIN_SHARE = 0.5

_BY_LENGTH = sorted(CHINESE, key=len, reverse=True)


def osm_value(value) -> str | None:
    """The OSM ``highway`` value of one class as a layer writes it (an OSM value itself, a
    Chinese grade, a name holding one such as 国道G318, or a route code), or None."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip()
    if not text:
        return None
    low = text.lower()
    if low in ROAD_HIGHWAYS:
        return low
    if low.startswith("track_grade"):  # Geofabrik's fclass
        return "track"
    if text in CHINESE:
        return CHINESE[text]
    for name in _BY_LENGTH:
        if name in text:
            return CHINESE[name]
    code = ROUTE_CODE.match(text.upper())
    return ROUTE_LETTERS[code.group(1)] if code else None


def class_column(layer: pd.DataFrame) -> str | None:
    """The column of ``layer`` that holds its roads' classes: ``highway`` or ``fclass`` when
    present, else the first text column at least :data:`MIN_SHARE` of whose non-blank values
    :func:`osm_value` recognises; None when there is none."""
    geometry = layer.geometry.name if isinstance(layer, gpd.GeoDataFrame) else None
    for name in OSM_COLUMNS:
        if name in layer.columns:
            return name
    for name in layer.columns:
        if name == geometry or not (layer[name].dtype == object or pd.api.types.is_string_dtype(layer[name])):
            continue
        values = layer[name].dropna().astype(str).str.strip()
        values = values[values != ""]
        if len(values) == 0:
            continue
        known = values.drop_duplicates().map(osm_value).notna()
        share = values.isin(values.drop_duplicates()[known.to_numpy()]).mean()
        if share >= MIN_SHARE:
            return name
    return None


def classify(layer: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``layer`` with a ``highway`` column of OSM values read from its class column
    (:func:`class_column`); lines without a recognised class get :data:`DEFAULT`.

    ``attrs["road_classes"]``: ``{"column": the column read or None, "defaulted": lines given
    DEFAULT}``. A ``highway`` column of OSM values is kept as it is, its blanks filled.
    """
    column = class_column(layer)
    attrs = dict(layer.attrs)
    if column is None:
        out = layer.assign(highway=DEFAULT)
        defaulted = len(layer)
    else:
        read = layer[column].map(osm_value)
        if column == "highway":  # OSM's own values: any other value kept as written, blanks filled
            given = layer[column].where(layer[column].notna(), "").astype(str).str.strip()
            read = read.where(read.notna(), given.where(given != "", None))
        defaulted = int(read.isna().sum())
        out = layer.assign(highway=read.fillna(DEFAULT).to_numpy())
    out.attrs = attrs | {"road_classes": {"column": column, "defaulted": int(defaulted)}}
    return out
