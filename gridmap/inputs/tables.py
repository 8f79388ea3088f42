"""Plain tables of household totals (CSV or XLSX): one row per county, township, village or community.

A row names its division by a statistical code (6, 9 or 12 digits) or by name (with an
optional township column to tell namesakes apart) and gives households, or persons that
become households ÷ persons per household. Column names are recognised in English and
Chinese (``code``/``代码``, ``name``/``名称``/``村``, ``township``/``乡镇``,
``households``/``户数``, ``persons``/``人口``...), or given explicitly.

CSV text is UTF-8 (with or without a BOM) or GB18030/GBK, detected from the bytes unless
``encoding`` is given; the encoding used is kept in ``attrs["encoding"]``.
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


def _pick(frame, given, known, what, path, required=True):
    if given is not None:
        if given not in frame.columns:
            raise InputError(f"{what}: {path} has no column {given!r}; columns: {list(frame.columns)}")
        return given
    lowered = {str(c).strip().lower(): c for c in frame.columns}
    for name in known:
        if name.lower() in lowered:
            return lowered[name.lower()]
    if required:
        raise InputError(f"{what}: {path} has none of the columns {', '.join(known)}; columns: {list(frame.columns)}")
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
    if not path.exists():
        raise InputError(f"{what}: no such file {path}")
    suffix = path.suffix.lower()
    used = None
    try:
        if suffix in (".xlsx", ".xlsm"):
            frame = pd.read_excel(path, dtype=str)
            used = "xlsx"
        else:
            from gridmap.inputs.encoding import decode_text

            text, used = decode_text(path.read_bytes(), f"{what} ({path})", encoding)
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, sep=None, engine="python")
    except InputError:
        raise
    except Exception as exc:  # pandas/openpyxl raise many kinds
        raise InputError(f"{what}: cannot read {path}: {str(exc).splitlines()[0]}") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    if frame.empty:
        raise InputError(f"{what}: {path} has no rows")
    code_col = _pick(frame, code, CODE_COLUMNS, what, path, required=False)
    name_col = _pick(frame, name, NAME_COLUMNS, what, path, required=False)
    parent_col = _pick(frame, parent, PARENT_COLUMNS, what, path, required=False)
    if name_col is None and parent_col is not None:  # a table of townships: their names name the rows
        name_col, parent_col = parent_col, None
    if code_col is None and name_col is None:
        raise InputError(f"{what}: {path} needs a code column ({', '.join(CODE_COLUMNS[:3])}) or a name column "
                         f"({', '.join(NAME_COLUMNS[:3])}); columns: {list(frame.columns)}")
    hh_col = _pick(frame, households, HOUSEHOLD_COLUMNS, what, path, required=False) if persons is None else None
    if hh_col is None:
        p_col = _pick(frame, persons, PERSON_COLUMNS, what, path, required=False)
        if p_col is None:
            raise InputError(f"{what}: {path} has no households column ({', '.join(HOUSEHOLD_COLUMNS)}) and no "
                             f"persons column ({', '.join(PERSON_COLUMNS)}); columns: {list(frame.columns)}")
        if not persons_per_household:
            raise InputError(f"{what}: {path} gives persons ({p_col!r}); give persons per household "
                             "(--totals-divisor, or --census-county for the county's 2020 figure)")
        values, divisor, value_col = frame[p_col], persons_per_household, p_col
    else:
        values, divisor, value_col = frame[hh_col], 1.0, hh_col
    numbers = pd.to_numeric(values.astype(str).str.replace(",", "").str.strip(), errors="coerce")
    bad = numbers.isna() | (numbers < 0)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(f"{what}: {path} row {row + 2}: {value_col} {values.iloc[row]!r} is not a number ≥ 0")

    def text(col):
        if col is None:
            return pd.Series([""] * len(frame))
        return frame[col].fillna("").astype(str).str.strip().str.replace(r"\.0$", "", regex=True)

    out = pd.DataFrame({"code": text(code_col), "name": text(name_col), "parent": text(parent_col),
                        "households": numbers.to_numpy(dtype=float) / divisor})
    empty = (out["code"] == "") & (out["name"] == "")
    if empty.any():
        raise InputError(f"{what}: {path} row {int(np.flatnonzero(empty.to_numpy())[0]) + 2} has neither code nor name")
    out.attrs.update(encoding=used, column=value_col, divisor=divisor, path=str(path))
    return out
