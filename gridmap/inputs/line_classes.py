"""The class of each line of a county's own road or water layer, as an OSM value.

gridmap reads a road's class from OSM's ``highway`` tag and a watercourse's from
``waterway``: they decide which lines cut the county into blocks
(:data:`gridmap.osm_classes.BARRIER_HIGHWAYS`, ``BARRIER_WATERWAYS``), which edges a grid
prefers (``cut_weights``: a river 0.2, a ditch 0.8, a major road 0.5, a street 1) and how
fast each road is travelled (``[reach.speeds]``). A layer from a county's transport or water
bureau names its classes in its own words instead:

- roads: the administrative grade (国道, 省道, 县道, 乡道, 村道, 专用公路), the technical
  grade (高速公路, 一级公路 … 四级公路, 等外公路), the grade of a city street (快速路,
  主干路, 次干路, 支路), or a route code whose letter is the grade (G318, S211, X071, Y003, C001);
- watercourses: 河流, 溪流, 运河 and 干渠, 支渠 … 毛渠 and 沟渠, 排水沟.

A layer exported from OpenStreetMap as Shapefiles (Geofabrik's ``gis_osm_roads``,
``gis_osm_waterways``) has OSM's values in ``fclass``.

:func:`classify` finds the column that holds such classes (``highway``/``waterway`` or
``fclass``, else the first text column most of whose values it recognises) and gives every
line an OSM value; a line without a recognised class gets the role's default (a road drawn
is a street, ``residential``; a watercourse a ``river``, as gridmap read such files before),
and the layer's ``attrs["line_classes"]`` says which column was read and how many lines got
the default.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from gridmap.osm_classes import ROAD_HIGHWAYS, WATERWAYS


@dataclass(frozen=True)
class LineKind:
    """How one role's classes are written: OSM's tag and values, a layer's words for them,
    route codes (roads), and the class of a line without one."""

    tag: str
    known: frozenset
    words: dict
    default: str
    codes: bool = False

    def __post_init__(self):
        # longer words first, so that 高速公路 is not read as 公路, nor 排水沟 as 沟
        object.__setattr__(self, "_by_length", sorted(self.words, key=len, reverse=True))


#: Roads: Chinese grades and their OSM ``highway`` values (OSM China's usage: 国道 trunk, 省道
#: primary, 县道 secondary, 乡道 tertiary, 村道 unclassified).
ROADS = LineKind("highway", ROAD_HIGHWAYS, {
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
}, "residential", codes=True)

#: Watercourses: Chinese classes and their OSM ``waterway`` values (a canal carries water
#: between basins; the irrigation channels below a main one, 支渠 斗渠 农渠 毛渠, are ditches).
WATERS = LineKind("waterway", WATERWAYS, {
    "河流": "river", "河道": "river", "江": "river", "河": "river", "干流": "river", "支流": "river",
    "溪流": "stream", "小溪": "stream", "山溪": "stream", "溪": "stream", "季节性河流": "stream", "冲沟": "stream",
    "运河": "canal", "总干渠": "canal", "干渠": "canal", "引水渠": "canal", "渠道": "canal",
    "支渠": "ditch", "斗渠": "ditch", "农渠": "ditch", "毛渠": "ditch", "沟渠": "ditch", "水沟": "ditch",
    "渠": "ditch", "沟": "ditch",
    "排水沟": "drain", "排水渠": "drain", "排洪沟": "drain",
}, "river")

#: The kinds by input role.
KINDS = {"roads": ROADS, "waterways": WATERS}

#: A route code: its first letter is the administrative grade (JTG and the national road
#: database: G national, S provincial, X county, Y township, C village, Z special-purpose).
ROUTE_CODE = re.compile(r"^\s*([GSXYCZ])\s*\d")
ROUTE_LETTERS = {"G": "trunk", "S": "primary", "X": "secondary", "Y": "tertiary", "C": "unclassified",
                 "Z": "service"}

#: Column names that say "class": tried before the other columns.
CLASS_NAMES = re.compile(r"等级|类型|类别|分类|种类|class|type|grade|level|kind|rteg", re.IGNORECASE)

#: A column is read as the classes when at least this share of its non-blank values is recognised.
MIN_SHARE = 0.5

#: The road class a road without a recognised one gets (:data:`ROADS`' default).
DEFAULT = ROADS.default


def osm_value(value, kind: LineKind = ROADS) -> str | None:
    """The OSM value of one class as a layer writes it (an OSM value itself, a Chinese class, a
    name holding one such as 国道G318, or for roads a route code), or None."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip()
    if not text:
        return None
    low = text.lower()
    if low in kind.known:
        return low
    if kind.codes and low.startswith("track_grade"):  # Geofabrik's fclass
        return "track"
    if text in kind.words:
        return kind.words[text]
    for name in kind._by_length:
        if name in text:
            return kind.words[name]
    code = ROUTE_CODE.match(text.upper()) if kind.codes else None
    return ROUTE_LETTERS[code.group(1)] if code else None


def class_column(layer: pd.DataFrame, kind: LineKind = ROADS) -> str | None:
    """The column of ``layer`` that holds its lines' classes: the kind's OSM tag or ``fclass``
    when present, else the first text column at least :data:`MIN_SHARE` of whose non-blank
    values :func:`osm_value` recognises; None when there is none."""
    geometry = layer.geometry.name if isinstance(layer, gpd.GeoDataFrame) else None
    for name in (kind.tag, "fclass"):
        if name in layer.columns:
            return name
    # columns named as classes first (等级, 类型, class ...), then the others (a name such as
    # 清水河 or 东干渠 says its class too, but a class column says it better)
    named = [c for c in layer.columns if CLASS_NAMES.search(str(c))]
    for name in named + [c for c in layer.columns if c not in named]:
        if name == geometry or not (layer[name].dtype == object or pd.api.types.is_string_dtype(layer[name])):
            continue
        values = layer[name].dropna().astype(str).str.strip()
        values = values[values != ""]
        if len(values) == 0:
            continue
        distinct = values.drop_duplicates()
        known = distinct[distinct.map(lambda v: osm_value(v, kind)).notna().to_numpy()]
        if values.isin(known).mean() >= MIN_SHARE:
            return name
    return None


def classify(layer: gpd.GeoDataFrame, role: str = "roads") -> gpd.GeoDataFrame:
    """``layer`` with the role's OSM column (``highway`` for roads, ``waterway`` for
    waterways) read from its class column (:func:`class_column`); lines without a recognised
    class get the role's default.

    ``attrs["line_classes"]``: ``{"column": the column read or None, "defaulted": lines given
    the default}``. The OSM tag's own column keeps values gridmap does not know as written
    (its blanks filled).
    """
    kind = KINDS[role]
    column = class_column(layer, kind)
    attrs = dict(layer.attrs)
    if column is None:
        out = layer.assign(**{kind.tag: kind.default})
        defaulted = len(layer)
    else:
        read = layer[column].map(lambda v: osm_value(v, kind))
        if column == kind.tag:  # OSM's own values: any other value kept as written, blanks filled
            given = layer[column].where(layer[column].notna(), "").astype(str).str.strip()
            read = read.where(read.notna(), given.where(given != "", None))
        defaulted = int(read.isna().sum())
        out = layer.assign(**{kind.tag: read.fillna(kind.default).to_numpy()})
    out.attrs = attrs | {"line_classes": {"column": column, "defaulted": int(defaulted)}}
    return out
