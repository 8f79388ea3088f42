"""Reading vector files (GeoPackage, GeoJSON, Shapefile, zipped Shapefile) into GeoDataFrames.

Every reader checks what a plan needs and says so in one line when it is missing: the
file exists, the layer is not empty, it has a CRS, its geometries are of the expected
kind. Invalid polygons are repaired with ``shapely.make_valid`` and the repair is counted
in the returned frame's ``attrs["repaired"]``, never done silently.
"""
from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from gridmap._geometry import polygonal  # noqa: F401 (the polygonal part, re-exported for readers)
from gridmap.crs import require_crs
from gridmap.errors import InputError
from gridmap.i18n import Phrase

_KINDS = {
    "polygon": ("Polygon", "MultiPolygon"),
    "line": ("LineString", "MultiLineString"),
    "point": ("Point", "MultiPoint"),
}


def read_layer(path, *, what: str, kind: str | None = None, layer: str | None = None,
               columns: list[str] | None = None, datum: str | None = None,
               encoding: str | None = None, keep_empty: bool = False) -> gpd.GeoDataFrame:
    """Read one vector layer and validate it.

    Parameters
    ----------
    path : file path (``.gpkg``, ``.geojson``, ``.shp``, ``.zip`` of a Shapefile, ...), or a
        CSV/XLSX table of points with longitude and latitude columns
        (:func:`gridmap.inputs.tables.table_points`, EPSG:4326).
    what : the layer's role in messages ("area", "roads", "households" ...).
    kind : "polygon", "line" or "point": keep the features of that geometry kind (an error
        when there are none; others are dropped), None for any.
    layer : layer name inside a multi-layer file (or ``path`` given as ``FILE:LAYER``); when
        None, the file's one spatial layer, or its one layer of ``kind``; several that fit
        are refused, naming them.
    columns : columns that must exist.
    datum : ``"gcj02"`` when the layer's longitudes and latitudes are GCJ-02 (AMap/Gaode,
        Tencent maps), ``"bd09"`` when they are BD-09 (Baidu Maps): shift them back to WGS 84
        (the result is in EPSG:4326).
    encoding : text encoding of a Shapefile's attributes or of a CSV table (e.g. ``"gbk"``);
        ignored for formats with an encoding of their own (GeoPackage and GeoJSON are
        UTF-8), see :data:`ENCODING_SUFFIXES`. By default a ``.cpg`` file decides, and
        without one UTF-8 or GB18030/GBK is detected from the ``.dbf`` (or CSV) bytes;
        ``attrs["encoding"]`` says which was used and how.
    keep_empty : keep features without geometry (validation reports them) instead of
        dropping them.

    Features without geometry, or with NaN or infinite coordinates, are refused (naming
    the first row) in the layers of :data:`NEED_GEOMETRY`; other layers drop them and
    count them in ``attrs["no_geometry"]`` / ``attrs["non_finite"]`` (see :func:`dropped`).
    """
    path, layer = _with_layer(path, layer)
    if not path.exists():
        raise InputError.of("no_such_file", what=what, path=path)
    from gridmap.inputs.tables import is_table

    how = None
    if is_table(path):
        from gridmap.inputs.tables import table_points

        how = "given" if encoding_given(encoding, path) else "detected"
        gdf = table_points(path, what=what, encoding=encoding if how == "given" else None)
        encoding = gdf.attrs.pop("encoding") if path.suffix.lower() in ENCODING_SUFFIXES else None
    else:
        gdf = _read_vector(path, what, layer, encoding, kind)
        encoding, how = gdf.attrs.pop("encoding_used", (None, None))
    missing = (gdf.geometry.isna() | gdf.geometry.is_empty).to_numpy().copy()
    if keep_empty:
        missing[:] = False
    if missing.all():
        raise InputError.of("empty_layer" if what.split(" (")[0] in NEED_GEOMETRY else "empty_layer_optional",
                            what=what, path=path)
    if missing.any():
        if what.split(" (")[0] in NEED_GEOMETRY:
            first = int(np.flatnonzero(missing)[0])
            raise InputError.of("no_geometry_row", what=what, path=path, row=first + 1,
                                describe=describe_row(gdf, first), count=int(missing.sum()))
        gdf = gdf[~missing].reset_index(drop=True)
        gdf.attrs["no_geometry"] = int(missing.sum())
    bad = non_finite(gdf.geometry.values)
    if bad.any():
        if what.split(" (")[0] in NEED_GEOMETRY:
            first = int(np.flatnonzero(bad)[0])
            raise InputError.of("non_finite_row", what=what, path=path, row=first + 1,
                                describe=describe_row(gdf, first), count=int(bad.sum()))
        attrs = dict(gdf.attrs)
        gdf = gdf[~bad].reset_index(drop=True)
        gdf.attrs = attrs | {"non_finite": int(bad.sum())}
        if gdf.empty:
            raise InputError.of("all_non_finite", what=what, path=path)
    require_crs(gdf, f"{what} ({path})")
    check_degrees(gdf, f"{what} ({path})")
    gdf.attrs["path"] = str(path)
    if encoding:
        gdf.attrs["encoding"] = {"encoding": encoding, "how": how}
    if datum:
        gdf = shift_to_wgs84(gdf, f"{what} ({path})", datum)
    require_columns(gdf, columns, what, path)
    if kind is not None:
        gdf = require_kind(gdf, kind, f"{what} ({path})")
    return gdf


def non_finite(geoms) -> np.ndarray:
    """True for each geometry with a NaN or infinite x or y (GEOS cannot compute with them)."""
    coords, index = shapely.get_coordinates(geoms, return_index=True)
    bad = np.zeros(len(geoms), bool)
    bad[index[~np.isfinite(coords).all(axis=1)]] = True
    return bad


#: Features dropped while reading a layer that is not in :data:`NEED_GEOMETRY`, by the
#: ``attrs`` key that counts them: each becomes a repair stated in the plan's summary.
DROPPED = ("no_geometry", "non_finite")


def dropped(gdf: gpd.GeoDataFrame) -> list[dict]:
    """The features :func:`read_layer` dropped from ``gdf``: ``{"code", "count", "file"}`` each."""
    if "dropped" in gdf.attrs:
        return list(gdf.attrs["dropped"])
    return [{"code": code, "count": int(gdf.attrs[code]), "file": gdf.attrs.get("path")}
            for code in DROPPED if gdf.attrs.get(code)]


#: Suffixes of files whose format has no text encoding of its own: ``--encoding`` applies to them
#: (Shapefiles, alone or zipped, and their .dbf; tables). GeoPackage and GeoJSON are UTF-8 by
#: their specifications, and GDAL reads other formats' own declarations.
ENCODING_SUFFIXES = (".shp", ".dbf", ".zip", ".csv", ".txt")


def encoding_given(encoding: str | None, path) -> bool:
    """True when a given ``--encoding`` applies to ``path`` (see :data:`ENCODING_SUFFIXES`)."""
    return encoding is not None and Path(path).suffix.lower() in ENCODING_SUFFIXES


def _with_layer(path, layer: str | None) -> tuple[Path, str | None]:
    """``(file, layer)`` of ``FILE:LAYER`` (a layer named inside a GeoPackage or a zip of
    Shapefiles, e.g. ``county.gpkg:村界``) when ``path`` is no file but its part before the last
    colon is; else ``(path, layer)``."""
    text = str(path)
    if layer is None and not Path(text).exists() and ":" in text:
        head, tail = text.rsplit(":", 1)
        if tail and Path(head).is_file():
            return Path(head), tail
    return Path(text), layer


def _pick_layer(source: str, path: Path, what: str, kind: str | None) -> str | None:
    """The layer to read from a file of several when none is named: the one spatial layer, or
    the one of ``kind``'s geometry; None (the first) for a file of one layer. Several that fit
    are refused, listing them: reading the first would plan with a layer nobody chose."""
    try:
        layers = pyogrio.list_layers(source)
    except Exception:  # unreadable: the read says why
        return None
    if len(layers) < 2:
        return None
    spatial = [(str(name), str(kind_) if kind_ is not None else "") for name, kind_ in layers if kind_ is not None]
    if len(spatial) == 1:
        return spatial[0][0]
    types = _KINDS.get(kind, ())
    fitting = [name for name, geom in spatial if not types or geom.replace(" Z", "").replace(" M", "") in types
               or geom == "Unknown"]
    if len(fitting) == 1:
        return fitting[0]
    names = fitting or [name for name, _ in spatial]
    shown = ", ".join(names[:8]) + (", ..." if len(names) > 8 else "")
    raise InputError.of("layers_to_choose", what=what, path=path, count=len(names), names=shown, first=names[0])


def _read_vector(path: Path, what: str, layer: str | None, encoding: str | None,
                 kind: str | None = None) -> gpd.GeoDataFrame:
    """A vector layer read by pyogrio; ``attrs["encoding_used"]`` is (encoding, how) for Shapefiles."""
    source = f"zip://{path}" if path.suffix.lower() == ".zip" else str(path)
    if layer is None:
        layer = _pick_layer(source, path, what, kind)
    else:
        try:
            names = [str(name) for name, _ in pyogrio.list_layers(source)]
        except Exception:  # unreadable: the read says why
            names = [layer]
        if layer not in names:
            raise InputError.of("no_such_layer", what=what, path=path, layer=repr(layer), names=", ".join(names[:12]))
    how = None
    if encoding_given(encoding, path):
        from gridmap.inputs.encoding import check_name

        encoding, how = check_name(encoding, what), "given"
    elif path.suffix.lower() in (".shp", ".zip", ".dbf"):
        from gridmap.inputs.encoding import shapefile_encoding

        encoding, how = shapefile_encoding(path)
    else:
        encoding = None
    try:
        gdf = pyogrio.read_dataframe(source, layer=layer, **({"encoding": encoding} if encoding else {}))
    except Exception as exc:  # pyogrio/GDAL errors come in many classes
        raise InputError.of("cannot_read", what=what, path=path, reason=str(exc).splitlines()[0]) from None
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry.name not in gdf.columns:
        raise InputError.of("no_geometry_column", what=what, path=path)
    gdf.attrs["encoding_used"] = (encoding, how)
    return gdf


#: Roles whose rows all count (a unit, a household count, a total): a row without geometry is refused,
#: not dropped. Rows without geometry of other layers (roads, buildings) carry nothing and are dropped.
NEED_GEOMETRY = ("area", "units", "households", "household totals", "units points")


def describe_row(gdf: gpd.GeoDataFrame, i: int, limit: int = 3) -> str:
    """A few attributes of row ``i`` to find it by in a GIS (``(id='7', name='Ward 7') ``), or ``''``."""
    columns = [c for c in gdf.columns if c != gdf.geometry.name][:limit]
    if not columns:
        return ""
    values = ", ".join(f"{c}={plain(gdf[c].iloc[i])!r}" for c in columns)
    return f"({values}) "


def plain(value):
    """A numpy scalar as the Python value it holds (so that messages show ``29.0``, not ``np.float64(29.0)``)."""
    return value.item() if hasattr(value, "item") and getattr(value, "ndim", 1) == 0 else value


def check_degrees(gdf: gpd.GeoDataFrame, what: str) -> None:
    """Fail when a layer labelled in degrees holds coordinates no longitude or latitude can take (metres)."""
    if gdf.crs is None or not gdf.crs.is_geographic:
        return
    x0, y0, x1, y1 = gdf.total_bounds
    if max(abs(x0), abs(x1)) > 180.5 or max(abs(y0), abs(y1)) > 90.5:
        raise InputError.of("degrees_look_like_metres", what=what, crs=gdf.crs.name, x=f"{x1:,.0f}", y=f"{y1:,.0f}")


#: Columns tried, in order, for the ids and the names of units when none is named.
UNIT_ID_COLUMNS = ("unit_id", "code", "id", "GEOID", "WARD", "代码", "编码", "区划代码")
UNIT_NAME_COLUMNS = ("name", "NAME", "unit_name", "名称", "村名", "单元名称")


def unit_columns(units: gpd.GeoDataFrame, unit_id: str | None = None, unit_name: str | None = None, *,
                 unique: bool = True, keep=()) -> gpd.GeoDataFrame:
    """Units with the columns gridmap reads: ``unit_id``, ``name``, ``parent_id``, ``parent_name``.

    ``unit_id`` / ``unit_name`` name the columns; by default the first of
    :data:`UNIT_ID_COLUMNS` / :data:`UNIT_NAME_COLUMNS` present, else 1..n / the id. Ids
    are text (12.0 reads as '12'), never empty (a NULL id is refused, naming the file of
    ``attrs["path"]`` and the row); with ``unique`` they must differ. ``keep``: other
    columns carried over when present (e.g. ``level``).
    """
    columns = list(units.columns.drop(units.geometry.name))
    if unit_id is None:
        unit_id = next((c for c in UNIT_ID_COLUMNS if c in units.columns), None)
    elif unit_id not in units.columns:
        raise InputError.of("no_column", what="units", column=repr(unit_id), columns=columns)
    ids = units[unit_id].map(_id_text) if unit_id else pd.Series([str(k) for k in range(1, len(units) + 1)],
                                                                  index=units.index)
    path = units.attrs.get("path") or ""
    empty = (ids.str.strip() == "").to_numpy()
    if empty.any():  # a NULL id read as '' gave grid codes like '-001' that validate refused
        i = int(np.flatnonzero(empty)[0])
        raise InputError.of("unit_without_id", what="units", path=path, row=i + 1, describe=describe_row(units, i),
                            column=repr(unit_id), count=int(empty.sum()))
    if unique and ids.duplicated().any():
        twice = ids[ids.duplicated(keep=False)]
        first = twice.iloc[0]
        rows = [str(int(k) + 1) for k in np.flatnonzero((ids == first).to_numpy())]
        raise InputError.of("unit_id_repeated", what="units", path=path, id=repr(first), column=repr(unit_id),
                            rows=", ".join(rows[:4]) + (", ..." if len(rows) > 4 else ""), count=twice.nunique())
    if unit_name is None:
        unit_name = next((c for c in UNIT_NAME_COLUMNS if c in units.columns), None)
    elif unit_name not in units.columns:
        raise InputError.of("no_column", what="units", column=repr(unit_name), columns=columns)
    names = units[unit_name].map(_id_text) if unit_name else ids
    data = {"unit_id": ids.to_numpy(), "name": names.to_numpy(),
            "parent_id": units.get("parent_id", pd.Series("", index=units.index)).map(_id_text).to_numpy(),
            "parent_name": units.get("parent_name", pd.Series("", index=units.index)).map(_id_text).to_numpy()}
    data |= {c: units[c].to_numpy() for c in keep if c in units.columns}
    return gpd.GeoDataFrame(data, geometry=units.geometry.values, crs=units.crs)


def _id_text(value) -> str:
    """Ids and names as text: None/NaN -> '', 12.0 -> '12'."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


#: Households in one feature above which a count is taken for a typing or unit error (a county
#: holds some 10^5 households; 10^7 in one point or block is no count of households or persons).
MAX_PER_FEATURE = 1e7


def household_counts(gdf: gpd.GeoDataFrame, column: str | None, what: str) -> np.ndarray:
    """Households per feature: ``column`` as numbers, or 1 each when None.

    Every value must be a number, finite, >= 0 and at most :data:`MAX_PER_FEATURE`; else a
    one-line error naming the file (``attrs["path"]``), the first bad row (counted from
    ``attrs["first_row"]``: 2 in a table, whose row 1 is the header) and the fix.
    """
    if column is None:
        return np.ones(len(gdf))
    path = gdf.attrs.get("path")
    file = Phrase("phrase.in_of_path", path=path) if path else ""
    if column not in gdf.columns:
        raise InputError.of("in_counts_no_column", what=what, file=file, column=column,
                            columns=list(gdf.columns.drop(gdf.geometry.name)))
    raw = gdf[column]
    values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)

    def first(bad, key, **params):
        i = int(np.flatnonzero(bad)[0])
        raise InputError.of(key, what=what, file=file, row=i + gdf.attrs.get("first_row", 1), column=column,
                            value=plain(raw.iloc[i]), count=int(bad.sum()), **params)

    if np.isnan(values).any():
        first(np.isnan(values), "in_count_not_a_number")
    if np.isinf(values).any():
        first(np.isinf(values), "in_count_infinite")
    if (values < 0).any():
        first(values < 0, "in_count_negative")
    if (values > MAX_PER_FEATURE).any():
        first(values > MAX_PER_FEATURE, "in_count_too_large", most=MAX_PER_FEATURE)
    return values


def read_households(path, column: str | None = None, divisor: float = 1.0, *, datum: str | None = None,
                    default_column: str | None = None,
                    encoding: str | None = None) -> gpd.GeoDataFrame:
    """A household file: points (one household each, or ``column`` each) or census polygons
    (``column`` each, required), with the count ÷ ``divisor`` (persons per household) in
    a ``households`` column; ``attrs["kind"]`` is ``"points"`` or ``"polygons"``. The points
    may be a CSV/XLSX table with longitude and latitude columns (a household register,
    :func:`gridmap.inputs.tables.table_points`; ``encoding`` of a CSV, default detected).

    ``default_column``: the column read when ``column`` is None and the layer has it
    (``gridmap validate`` reads a ``households`` column by default; planning counts one
    household per point unless told).
    """
    layer = read_layer(path, what="households", datum=datum, encoding=encoding)
    if column is None and default_column in layer.columns:
        column = default_column
    if layer.geom_type.isin(_KINDS["polygon"]).all():
        if column is None:
            raise InputError.of("in_polygons_need_column")
        require_columns(layer, [column], "households", path)
        layer = require_kind(layer, "polygon", f"households ({path})")
        require_no_overlaps(layer, "households", path)
        kind = "polygons"
    else:
        polygons = layer.geom_type.isin(_KINDS["polygon"]).to_numpy()
        if polygons.any():
            # Polygons among points (a building drawn instead of its address point): their
            # households are counted at a point inside them, as for census polygons, and said.
            moved = float((household_counts(layer, column, "households") / divisor)[polygons].sum())
            attrs = dict(layer.attrs)
            layer = layer.copy()
            layer.loc[polygons, layer.geometry.name] = shapely.point_on_surface(layer.geometry.values[polygons])
            layer.attrs = attrs | {"polygons_as_points": (int(polygons.sum()), moved)}
        layer = require_kind(layer, "point", f"households ({path})")
        kind = "points"
    counts = household_counts(layer, column, "households") / divisor
    out = layer.drop(columns=["households"], errors="ignore").assign(households=counts)
    out.attrs.update(layer.attrs, kind=kind, column=column, read=float(counts.sum()), rows=len(layer))
    return out


#: Overlaps of census polygons below this area (m²) are digitising noise, not a second count: a shared
#: edge drawn twice with vertices a few centimetres apart overlaps by a fraction of a square metre
#: (0.2 m² in the hostile corpus), while the smallest census block holds hundreds.
OVERLAP_TOLERANCE_M2 = 1.0


def require_no_overlaps(layer: gpd.GeoDataFrame, what: str, path) -> None:
    """Fail in one line when polygons of ``layer`` overlap by :data:`OVERLAP_TOLERANCE_M2` or more.

    Census polygons are both households and atoms: a block given twice counts its households
    twice, and a tract among its blocks makes atoms that overlap (the grids fail validate).
    The message names the first overlapping pair of rows, the overlap's area (m²) and the
    number of such pairs. Candidate pairs come from an STRtree of the bounding boxes, then
    vectorised tests (intersects, interiors meet: DE-9IM ``T********``) and areas of the
    intersection only for the pairs that pass: 0.2-0.4 s on Providence's 3,014 blocks,
    4.5 s on 90,420 (30 copies side by side; 5.5 s when they must be projected first).
    """
    from gridmap.crs import metric_crs

    crs = layer.crs
    if not (crs.is_projected and crs.axis_info and crs.axis_info[0].unit_name in ("metre", "meter")):
        lon0, lat0, lon1, lat1 = layer.to_crs(4326).total_bounds
        layer = layer.to_crs(metric_crs((lon0 + lon1) / 2, (lat0 + lat1) / 2))
    geoms = np.array(layer.geometry.values)
    a, b = shapely.STRtree(geoms).query(geoms)
    keep = a < b
    a, b = a[keep], b[keep]
    shapely.prepare(geoms)
    meet = shapely.intersects(geoms[a], geoms[b])
    a, b = a[meet], b[meet]
    inner = shapely.relate_pattern(geoms[a], geoms[b], "T********")
    a, b = a[inner], b[inner]
    if not len(a):
        return
    area = shapely.area(shapely.intersection(geoms[a], geoms[b]))
    big = area >= OVERLAP_TOLERANCE_M2
    if not big.any():
        return
    a, b, area = a[big], b[big], area[big]
    first = np.lexsort((b, a))[0]
    i, j = int(a[first]), int(b[first])
    same = bool(shapely.equals(geoms[i], geoms[j]))
    raise InputError.of("in_census_same_polygon" if same else "in_census_overlap", what=what, path=path, a=i + 1,
                        describe_a=describe_row(layer, i), b=j + 1, describe_b=describe_row(layer, j),
                        m2=float(area[first]), pairs=len(a))


def require_columns(gdf: gpd.GeoDataFrame, columns, what: str, path) -> None:
    """Fail in one line naming the first of ``columns`` missing from a layer read from ``path``."""
    for column in columns or ():
        if column not in gdf.columns:
            raise InputError.of("file_no_column", what=what, path=path, column=repr(column),
                                columns=list(gdf.columns.drop(gdf.geometry.name)))


def shift_to_wgs84(gdf: gpd.GeoDataFrame, what: str, datum: str = "gcj02") -> gpd.GeoDataFrame:
    """The layer shifted from ``datum`` (``"gcj02"`` or ``"bd09"``) to WGS 84 longitudes and
    latitudes (EPSG:4326); ``attrs["datum"]`` says which it was shifted from."""
    from gridmap.gcj02 import geometry_to_wgs84

    if not gdf.crs.is_geographic:
        raise InputError.of("datum_projected", what=what, datum=_DATUM_NAMES[datum], crs=gdf.crs.name,
                            option=f"--{datum}")
    gdf = gdf.to_crs(4326)
    gdf = gdf.set_geometry(geometry_to_wgs84(gdf.geometry.values, datum), crs=4326)
    gdf.attrs["datum"] = datum
    return gdf


#: The datums' names in messages.
_DATUM_NAMES = {"gcj02": "GCJ-02", "bd09": "BD-09"}


#: The geometry kinds' words in messages.
_KIND_WORDS = {"point": "phrase.in_kind_point", "line": "phrase.in_kind_line", "polygon": "phrase.in_kind_polygon"}


def require_kind(gdf: gpd.GeoDataFrame, kind: str, what: str) -> gpd.GeoDataFrame:
    """Keep the features of one geometry kind; polygons repaired.

    A layer without any is refused. Features of another kind among them are refused
    too, naming the first, for the roles in :data:`NEED_GEOMETRY` (a unit or a count
    would be lost); for other layers they are dropped and counted in
    ``attrs["dropped_kind"]``.
    """
    allowed = _KINDS[kind]
    types = gdf.geom_type
    wrong = ~types.isin(allowed)
    if wrong.all():
        raise InputError.of("in_wrong_geometries", what=what, kind=Phrase(_KIND_WORDS[kind]),
                            found=sorted(types.unique()))
    if wrong.any():
        if what.split(" (")[0] in NEED_GEOMETRY:
            first = int(np.flatnonzero(wrong.to_numpy())[0])
            raise InputError.of("in_wrong_geometry_row", what=what, row=first + 1, describe=describe_row(gdf, first),
                                type=types.iloc[first], kind=Phrase(_KIND_WORDS[kind]), count=int(wrong.sum()))
        attrs = dict(gdf.attrs)
        gdf = gdf[~wrong].reset_index(drop=True)
        gdf.attrs = attrs | {"dropped_kind": int(wrong.sum())}
    if kind == "polygon":
        gdf = repair_polygons(gdf, what)
    return gdf


def repair_polygons(gdf: gpd.GeoDataFrame, what: str) -> gpd.GeoDataFrame:
    """Make invalid polygons valid (keeping only their polygonal part) and count the repairs."""
    geoms = gdf.geometry.values
    invalid = ~shapely.is_valid(geoms)
    gdf = gdf.copy()
    gdf.attrs["repaired"] = int(invalid.sum())
    if invalid.any():
        fixed = shapely.make_valid(geoms[invalid])
        fixed = polygonal(fixed)
        gdf.loc[invalid, gdf.geometry.name] = fixed
        gdf = gdf[~gdf.geometry.is_empty].reset_index(drop=True)
        if gdf.empty:
            raise InputError.of("in_polygons_unrepairable", what=what)
    return gdf


def read_lines(paths, *, what: str, datum: str | None = None, prepare=None) -> gpd.GeoDataFrame:
    """Read and concatenate line layers (polygon outlines count as lines, e.g. walls, lakes).

    ``prepare``: a function applied to each file's layer before they are concatenated (e.g.
    :func:`gridmap.inputs.line_classes.classify`); its ``attrs`` are kept, by file, in
    ``attrs["prepared"]`` (``[{"file": path, **attrs}]``).
    ``attrs["dropped"]``: the features each file lost on reading (:func:`dropped`).
    """
    frames, lost, prepared = [], [], []
    for path in paths or ():
        gdf = read_layer(path, what=what, datum=datum)
        lost += dropped(gdf)
        poly = gdf.geom_type.isin(_KINDS["polygon"])
        if poly.any():
            gdf.loc[poly, gdf.geometry.name] = gdf.geometry[poly].boundary
        gdf = gdf[gdf.geom_type.isin(_KINDS["line"])]
        if gdf.empty:
            raise InputError.of("no_lines", what=what, path=path)
        if prepare is not None:
            before = set(gdf.attrs)
            gdf = prepare(gdf)
            prepared.append({"file": str(path), **{k: v for k, v in gdf.attrs.items() if k not in before}})
        frames.append(gdf.to_crs(4326))
    if not frames:
        return gpd.GeoDataFrame(geometry=[], crs=4326)
    out = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=4326)
    out.attrs = ({"dropped": lost} if lost else {}) | ({"prepared": prepared} if prepared else {})
    return out
