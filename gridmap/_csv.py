"""CSV tables for Excel (roster, budget, reach): UTF-8 with a byte-order mark, written atomically,
and no cell that a spreadsheet would run as a formula.

A text cell from the data (a township's or worker's name) that begins with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return is a formula to Excel and LibreOffice (CSV
injection): such cells get a leading apostrophe, which the spreadsheet shows as text.
Numbers are left as they are (a negative number is no formula).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from gridmap._atomic import write_bytes

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def excel_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells (and headers) cannot start a spreadsheet formula."""
    def safe(value):
        return "'" + value if isinstance(value, str) and value.startswith(_FORMULA_START) else value

    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(safe)
    out.columns = [safe(c) for c in out.columns]
    return out


def write_csv(path: str | Path, frame: pd.DataFrame) -> Path:
    """Write ``frame`` as an Excel-safe CSV (UTF-8 with BOM), atomically."""
    return write_bytes(path, excel_safe(frame).to_csv(index=False).encode("utf-8-sig"))
