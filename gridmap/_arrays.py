"""Private array plumbing shared across modules.

:func:`groups` splits values by key in one pass (what a pandas ``groupby(keys).apply(np.asarray)``
gives, without a Python call per group): households by grid, road nodes by grid (bases, reach).
:func:`bool_column` reads a true/false column as any file stores it (editor, validate).
"""
from __future__ import annotations

import numpy as np
import pandas as pd


def groups(keys, values: np.ndarray) -> dict:
    """``{key: the values of that key, in their order}``, keys in their order of first appearance."""
    codes, uniques = pd.factorize(np.asarray(keys))
    order = np.argsort(codes, kind="stable")
    return dict(zip(uniques, np.split(np.asarray(values)[order], np.cumsum(np.bincount(codes))[:-1])))


def bool_column(frame, name: str) -> np.ndarray:
    """Column ``name`` of ``frame`` as booleans, all False when it is absent. Text cells are true
    when they read 1, true, yes or y (a CSV's or a spreadsheet's); other cells by their truth,
    missing ones False."""
    if name not in frame:
        return np.zeros(len(frame), dtype=bool)
    values = frame[name]
    if values.dtype == object:
        return values.map(lambda v: str(v).strip().lower() in ("1", "true", "yes", "y")).to_numpy(bool)
    return values.fillna(0).astype(bool).to_numpy()
