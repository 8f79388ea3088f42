"""Grid codes: the unit's code followed by a 3-digit serial, numbered north to south, west to east.

When the unit id is a 12-digit national statistical division code (6 county + 3 township
+ 3 village digits, 统计用区划代码) the grid code is those 12 digits plus the serial
(15 digits); otherwise ``<unit_id>-<serial>``.
"""
from __future__ import annotations

import re

import numpy as np

_NBS = re.compile(r"\d{12}")


def serial_order(x: np.ndarray, y: np.ndarray, row_height: float) -> np.ndarray:
    """Rank of each point reading like a page: rows of ``row_height`` m from the north, then west to east."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if len(x) == 0:
        return np.array([], dtype=int)
    row = np.floor((y.max() - y) / max(row_height, 1e-9)).astype(int)
    order = np.lexsort((x, row))
    rank = np.empty(len(x), dtype=int)
    rank[order] = np.arange(len(x))
    return rank


def grid_code(unit_id: str, serial: int) -> str:
    """Code of grid number ``serial`` (1-based) in a unit."""
    if not 1 <= serial <= 999:
        raise ValueError(f"grid serial must be 1..999, got {serial}")
    unit_id = str(unit_id)
    return f"{unit_id}{serial:03d}" if _NBS.fullmatch(unit_id) else f"{unit_id}-{serial:03d}"


def is_nbs_code(code: str) -> bool:
    """True for a 12-digit village/community code."""
    return bool(_NBS.fullmatch(str(code)))
