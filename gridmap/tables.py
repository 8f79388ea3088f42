"""Tables of a plan for spreadsheets: one row per grid, the roster, the budget; CSV and XLSX.

Headers and words (regimes, worker types, flags, yes/no) come from gridmap.i18n in
the language asked for; numbers stay numbers. CSV files are UTF-8 with a byte-order
mark, which Excel needs to read Chinese. Text cells that begin with ``=``, ``+``,
``-``, ``@`` (or a tab or carriage return) get a leading apostrophe, so a village
named ``=HYPERLINK(...)`` is shown as text and never run as a formula (CSV injection).
Every file is written atomically.
"""
from __future__ import annotations

import datetime
import io
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd

from gridmap import i18n
from gridmap._atomic import atomic_path, write_bytes
from gridmap._levels import county_name, townships

__all__ = ["grid_table", "roster_table", "budget_table", "write_csv", "write_xlsx", "escape_formula"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value):
    """``value`` safe for a spreadsheet cell: text starting like a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _escaped(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out.columns = [escape_formula(str(c)) for c in out.columns]
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]):
            out[column] = out[column].map(escape_formula)
    return out


def grid_table(plan, lang: str = "en") -> pd.DataFrame:
    """One row per grid: code, township, village, regime, households, area, workers, reach, band, flag.

    Columns are named in ``lang``; a plan not yet staffed or reached has no worker or
    reach columns.
    """
    i18n.check_lang(lang)
    grids = plan.grids
    levels = townships(grids, county_name(plan))
    get = lambda c, d="": grids[c] if c in grids.columns else pd.Series(d, index=grids.index)  # noqa: E731
    t = lambda key: i18n.text(key, lang)  # noqa: E731
    households = pd.to_numeric(get("households", np.nan), errors="coerce")
    columns = {
        t("field.code"): get("code", "").fillna("").astype(str) if "code" in grids.columns else get("grid_id"),
        t("field.grid_id"): get("grid_id").astype(str),
        t("field.county"): county_name(plan) or (get("county_name") if "county_name" in grids.columns else ""),
        t("field.township"): levels["township"].to_numpy(),
    }
    if not levels.attrs["units_are_townships"]:
        columns[t("field.unit")] = get("unit_name").fillna("").astype(str)
        columns[t("field.unit_id")] = get("unit_id").fillna("").astype(str)
    columns[t("field.regime")] = [i18n.term("regime", r, lang) for r in get("regime").fillna("").astype(str)]
    columns[t("field.households")] = households.round(1)
    columns[t("field.area_km2")] = pd.to_numeric(get("area_km2", np.nan), errors="coerce").round(3)
    if "workers" in grids.columns:
        columns[t("field.workers")] = pd.to_numeric(grids["workers"], errors="coerce").fillna(0).astype(int)
    if "share_reached" in grids.columns:
        columns[t("field.share_reached")] = pd.to_numeric(grids["share_reached"], errors="coerce").round(3)
    if "in_band" in grids.columns:
        columns[t("field.in_band")] = [i18n.text("value.yes" if bool(v) else "value.no", lang)
                                       for v in grids["in_band"].fillna(False)]
    flags = get("flag").fillna("").astype(str)
    columns[t("field.flag")] = [i18n.term("flag", f, lang) if f else "" for f in flags]
    band = plan.meta.get("config", {}).get("band")
    if lang == "en":
        reasons = get("flag_reason").fillna("").astype(str).tolist()
    else:
        atoms = pd.to_numeric(get("atoms", 0), errors="coerce").fillna(0).astype(int)
        reasons = [i18n.grid_reason(f, r, float(h), int(a), band, lang) if f else ""
                   for f, r, h, a in zip(flags, get("regime").fillna("").astype(str), households, atoms)]
    columns[t("field.reason")] = reasons
    return pd.DataFrame({k: (v.to_numpy() if isinstance(v, pd.Series) else v) for k, v in columns.items()})


def roster_table(plan, lang: str = "en") -> pd.DataFrame:
    """:func:`gridmap.staffing.roster` with headers and words in ``lang`` (pay in yuan/month)."""
    from gridmap.staffing import roster

    i18n.check_lang(lang)
    table = roster(plan).copy()
    # the township found as the report, the map and the budget find it (gridmap._levels)
    grids = plan.grids
    levels = townships(grids, county_name(plan))
    units_are_townships = levels.attrs["units_are_townships"]
    levels = levels.set_index(grids["grid_id"].astype(str).to_numpy())
    levels = levels[~levels.index.duplicated()]
    if "grid_id" in table.columns and "parent_id" in table.columns:
        mine = levels.reindex(table["grid_id"].astype(str).to_numpy())
        table["parent_id"] = mine["township_id"].fillna("").to_numpy()
        table["parent_name"] = mine["township"].fillna("").to_numpy()
        if units_are_townships:  # no village level: the unit columns would repeat the township
            table = table.drop(columns=[c for c in ("unit_id", "unit_name") if c in table.columns])
    if lang == "en":
        return table
    for column, group in (("worker_type", "worker_type"), ("regime", "regime"), ("base_source", "value")):
        if column in table.columns:
            table[column] = [i18n.term(group, v, lang) for v in table[column].fillna("").astype(str)]
    names = i18n.columns(table.columns, lang)
    names.update({"unit_name": i18n.text("field.unit", lang), "parent_name": i18n.text("field.township", lang),
                  "parent_id": i18n.text("field.township_id", lang)})
    for column in table.columns:
        if column.startswith("pay_"):
            names[column] = i18n.text("field.component_month", lang,
                                      component=i18n.term("pay", column[len("pay_"):], lang))
    return table.rename(columns=names)


def budget_table(plan, lang: str = "en") -> pd.DataFrame:
    """:func:`gridmap.staffing.budget_table` with headers and words in ``lang``."""
    from gridmap.staffing import budget_table as budget

    i18n.check_lang(lang)
    table = budget(plan)
    if lang == "en":
        return table
    table = table.copy()
    table["level"] = [i18n.term("value", v, lang) for v in table["level"].astype(str)]
    table.loc[table["level"] == i18n.text("value.county", lang), "parent_name"] = county_name(plan) or \
        i18n.text("value.county", lang)
    names = {"level": i18n.text("field.level", lang), "parent_id": i18n.text("field.township_id", lang),
             "parent_name": i18n.text("field.township", lang), "grids": i18n.text("field.grids", lang),
             "workers": i18n.text("field.workers", lang), "total_month": i18n.text("field.total_month", lang),
             "total_year": i18n.text("field.total_year", lang)}
    for column in table.columns:
        if column.startswith("workers_"):
            names[column] = i18n.text("field.workers_of_type", lang,
                                      type=i18n.term("worker_type", column[len("workers_"):], lang))
        elif column.endswith("_month") and column not in names:
            names[column] = i18n.text("field.component_month", lang,
                                      component=i18n.term("pay", column[:-len("_month")], lang))
        elif column.endswith("_year") and column not in names:
            names[column] = i18n.text("field.component_year", lang,
                                      component=i18n.term("pay", column[:-len("_year")], lang))
    return table.rename(columns=names)


def write_csv(frame: pd.DataFrame, path) -> Path:
    """``frame`` as CSV, UTF-8 with BOM (Excel), formula-like text escaped, written atomically."""
    buffer = io.StringIO()
    _escaped(frame).to_csv(buffer, index=False)
    return write_bytes(Path(path), buffer.getvalue().encode("utf-8-sig"))


def write_xlsx(sheets: dict, path) -> Path:
    """Sheets {name: frame} as one XLSX workbook (header row frozen and bold, columns sized to their
    text), formula-like text escaped, written atomically by XlsxWriter.

    Text is never read as a formula, a number or a link (XlsxWriter's conversions are off: the
    table's values are written as they are); NaN, infinity and empty text are empty cells;
    characters XML cannot hold are dropped. No clock goes into the file (its creation date is
    fixed, XlsxWriter's zip entries carry 1980-01-01): the same tables give the same bytes.
    """
    import xlsxwriter

    path = Path(path)
    with atomic_path(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_numbers": False,
                                              "strings_to_urls": False})
        book.set_properties({"created": _NO_CLOCK})
        bold = book.add_format({"bold": True})
        for name, frame in sheets.items():
            frame = _escaped(frame)
            sheet = book.add_worksheet(str(name)[:31])
            sheet.write_row(0, 0, [str(c) for c in frame.columns], bold)
            sheet.freeze_panes(1, 0)
            for k, column in enumerate(frame.columns):
                width = max([_width(column)] + [_width(v) for v in frame[column].head(500)])
                sheet.set_column(k, k, min(max(width + 2, 6), 60))
            # each cell by its type's own writer: what sheet.write() picks with the conversions off,
            # without its dispatch (100,000 atoms' 240,000 cells: -20 % CPU); anything else by write()
            writer_of = {bool: sheet.write_boolean, int: sheet.write_number, float: sheet.write_number,
                         str: sheet.write_string}
            for r, row in enumerate(zip(*(frame[c].tolist() for c in frame.columns)), start=1):
                for k, value in enumerate(row):
                    value = _cell(value)
                    if value is not None:
                        writer_of.get(type(value), sheet.write)(r, k, value)
        book.close()
    return path


#: The workbook's creation date: fixed, so that the same tables give the same bytes.
_NO_CLOCK = datetime.datetime(2000, 1, 1)
#: Characters XML 1.0 cannot hold (control characters other than tab, newline, carriage return).
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _cell(value):
    """A table value as a spreadsheet cell: None for nothing (NaN, infinity, empty text), else a
    bool, int, float or text (452.0 as 452: the same number to Excel, as openpyxl wrote it)."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return int(value) if value.is_integer() and abs(value) < 1e15 else value
    if isinstance(value, int):
        return value
    value = _ILLEGAL_XML.sub("", str(value))
    return value or None


def _width(value) -> int:
    text = "" if value is None else str(value)
    return sum(2 if ord(c) > 0x2E80 else 1 for c in text)
