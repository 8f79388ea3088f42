"""Plain tables of household totals (CSV or XLSX): one row per county, township, village or community.

A row names its division by a statistical code (6, 9 or 12 digits) or by name (with an
optional township column to tell namesakes apart) and gives households, or persons that
become households ÷ persons per household. Column names are recognised in English and
Chinese (``code``/``代码``, ``name``/``名称``/``村``, ``township``/``乡镇``,
``households``/``户数``, ``persons``/``人口``...), or given explicitly.

CSV text is UTF-8 (with or without a BOM) or GB18030/GBK, detected from the bytes unless
``encoding`` is given; the encoding used is kept in ``attrs["encoding"]``. Tables of points
(household registers: a row per household or building with ``经度``/``纬度`` or ``lon``/``lat``
columns) are read by the same reader (:func:`table_points`).
"""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd

from gridmap.errors import InputError

CODE_COLUMNS = ("code", "unit_id", "统计用区划代码", "区划代码", "代码", "编码")
NAME_COLUMNS = ("name", "unit_name", "名称", "村名", "村", "社区", "村（社区）", "村(社区)", "village")
PARENT_COLUMNS = ("township", "parent_name", "乡镇", "乡镇（街道）", "乡镇(街道)", "街道")
HOUSEHOLD_COLUMNS = ("households", "户数", "总户数", "户籍户数")
PERSON_COLUMNS = ("persons", "population", "人口", "人数", "总人口", "户籍人口", "常住人口")

#: Extensions read as tables (anything else is a vector layer).
TABLE_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm")


def is_table(path) -> bool:
    """True when ``path`` names a plain table (CSV/XLSX) rather than a vector layer."""
    return Path(path).suffix.lower() in TABLE_SUFFIXES


def read_table(path, *, what: str, encoding: str | None = None) -> pd.DataFrame:
    """A CSV or XLSX table as text cells (column names stripped), the one reader of tables.

    CSV text is decoded by :func:`gridmap.inputs.encoding.decode_text` (``encoding`` when
    given, else UTF-8 with or without a BOM, or GB18030/GBK) and its delimiter sniffed;
    ``attrs["encoding"]`` is the encoding used (``"xlsx"`` for a workbook). A file that
    cannot be read or has no rows is a one-line :class:`InputError` naming ``what`` and the file.
    """
    path = Path(path)
    if not path.exists():
        raise InputError.of("no_such_file", what=what, path=path)
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            frame = pd.read_excel(path, dtype=str)
            used = "xlsx"
        else:
            from gridmap.inputs.encoding import decode_text

            text, used = decode_text(path.read_bytes(), f"{what} ({path})", encoding)
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, sep=None, engine="python")
    except InputError:
        raise
    except Exception as exc:  # pandas/openpyxl raise many kinds
        raise InputError.of("cannot_read", what=what, path=path, reason=str(exc).splitlines()[0]) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    if frame.empty:
        raise InputError.of("no_rows", what=what, path=path)
    frame.attrs["encoding"] = used
    return frame


#: Pairs of coordinate columns recognised in a table of points (any case), tried in order.
COORDINATE_COLUMNS = (("经度", "纬度"), ("lon", "lat"), ("lng", "lat"), ("longitude", "latitude"), ("x", "y"))

#: The first data row of a table is row 2 of the file (row 1 is the header): rows are named so.
FIRST_ROW = 2


def table_points(path, *, what: str, encoding: str | None = None):
    """A table of points (one row each, longitude and latitude columns) as a GeoDataFrame in EPSG:4326.

    The coordinate columns are the first pair of :data:`COORDINATE_COLUMNS` present
    (``经度``/``纬度``, ``lon``/``lat``, ``x``/``y``...; any case). Every row needs two
    numbers, a longitude within ±180 and a latitude within ±90: a table gives no CRS, so
    metres (a projected x/y) are refused rather than guessed at. ``attrs["first_row"]``
    is :data:`FIRST_ROW`, for messages that name rows of the file.
    """
    import geopandas as gpd

    path = Path(path)
    frame = read_table(path, what=what, encoding=encoding)
    lowered = {c.lower(): c for c in frame.columns}
    pair = next(((lowered[x.lower()], lowered[y.lower()]) for x, y in COORDINATE_COLUMNS
                 if x.lower() in lowered and y.lower() in lowered), None)
    if pair is None:
        known = ", ".join(f"{x}/{y}" for x, y in COORDINATE_COLUMNS)
        raise InputError.of("no_coordinate_columns", what=what, path=path, known=known, columns=list(frame.columns))
    xy = [pd.to_numeric(frame[c].astype(str).str.strip(), errors="coerce").to_numpy(dtype=float) for c in pair]
    bad = ~(np.isfinite(xy[0]) & np.isfinite(xy[1]))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError.of("coordinates_not_numbers", what=what, path=path, row=i + FIRST_ROW,
                            columns=f"{pair[0]}/{pair[1]}", values=f"{frame[pair[0]].iloc[i]!r}/{frame[pair[1]].iloc[i]!r}",
                            count=f"{int(bad.sum()):,}")
    far = (np.abs(xy[0]) > 180) | (np.abs(xy[1]) > 90)
    if far.any():
        i = int(np.flatnonzero(far)[0])
        raise InputError.of("coordinates_not_degrees", what=what, path=path, row=i + FIRST_ROW,
                            columns=f"{pair[0]}/{pair[1]}", values=f"{xy[0][i]:,.2f}/{xy[1][i]:,.2f}",
                            count=f"{int(far.sum()):,}")
    out = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(xy[0], xy[1]), crs=4326)
    out.attrs.update(encoding=frame.attrs["encoding"], coordinates=list(pair), first_row=FIRST_ROW)
    return out


def _pick(frame, given, known, what, path, required=True):
    if given is not None:
        if given not in frame.columns:
            raise InputError.of("file_no_column", what=what, path=path, column=repr(given), columns=list(frame.columns))
        return given
    lowered = {str(c).strip().lower(): c for c in frame.columns}
    for name in known:
        if name.lower() in lowered:
            return lowered[name.lower()]
    if required:
        raise InputError.of("none_of_columns", what=what, path=path, known=", ".join(known), columns=list(frame.columns))
    return None


def read_totals_table(path, *, code: str | None = None, name: str | None = None, parent: str | None = None,
                      households: str | None = None, persons: str | None = None,
                      persons_per_household: float | None = None, encoding: str | None = None,
                      what: str = "household totals") -> pd.DataFrame:
    """A totals table as rows of ``code``, ``name``, ``parent`` (str, '' when absent) and ``households`` (float).

    ``persons`` (or a persons column found by name when there is no households column)
    is divided by ``persons_per_household``, which is then required (e.g. the county's
    2020 census household size, :func:`gridmap.census.county`). Every row needs a code or
    a name and a non-negative number.
    """
    path = Path(path)
    frame = read_table(path, what=what, encoding=encoding)
    used = frame.attrs["encoding"]
    code_col = _pick(frame, code, CODE_COLUMNS, what, path, required=False)
    name_col = _pick(frame, name, NAME_COLUMNS, what, path, required=False)
    parent_col = _pick(frame, parent, PARENT_COLUMNS, what, path, required=False)
    if name_col is None and parent_col is not None:  # a table of townships: their names name the rows
        name_col, parent_col = parent_col, None
    if code_col is None and name_col is None:
        raise InputError.of("totals_code_or_name", what=what, path=path, codes=", ".join(CODE_COLUMNS[:3]),
                            names=", ".join(NAME_COLUMNS[:3]), columns=list(frame.columns))
    hh_col = _pick(frame, households, HOUSEHOLD_COLUMNS, what, path, required=False) if persons is None else None
    if hh_col is None:
        p_col = _pick(frame, persons, PERSON_COLUMNS, what, path, required=False)
        if p_col is None:
            raise InputError.of("totals_no_count", what=what, path=path, households=", ".join(HOUSEHOLD_COLUMNS),
                                persons=", ".join(PERSON_COLUMNS), columns=list(frame.columns))
        if not persons_per_household:
            raise InputError.of("totals_persons", what=what, path=path, column=repr(p_col))
        values, divisor, value_col = frame[p_col], persons_per_household, p_col
    else:
        values, divisor, value_col = frame[hh_col], 1.0, hh_col
    numbers = pd.to_numeric(values.astype(str).str.replace(",", "").str.strip(), errors="coerce")
    bad = numbers.isna() | (numbers < 0)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError.of("totals_not_a_number", what=what, path=path, row=row + FIRST_ROW, column=value_col,
                            value=repr(values.iloc[row]))

    def text(col):
        if col is None:
            return pd.Series([""] * len(frame))
        return frame[col].fillna("").astype(str).str.strip().str.replace(r"\.0$", "", regex=True)

    out = pd.DataFrame({"code": text(code_col), "name": text(name_col), "parent": text(parent_col),
                        "households": numbers.to_numpy(dtype=float) / divisor})
    empty = (out["code"] == "") & (out["name"] == "")
    if empty.any():
        raise InputError.of("totals_row_unnamed", what=what, path=path,
                            row=int(np.flatnonzero(empty.to_numpy())[0]) + FIRST_ROW)
    out.attrs.update(encoding=used, column=value_col, divisor=divisor, path=str(path))
    return out
