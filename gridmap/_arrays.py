"""Private array plumbing shared by the bases and the reach.

:func:`groups` splits values by key in one pass (what a pandas ``groupby(keys).apply(np.asarray)``
gives, without a Python call per group): households by grid, road nodes by grid.
"""
from __future__ import annotations

import numpy as np
import pandas as pd


def groups(keys, values: np.ndarray) -> dict:
    """``{key: the values of that key, in their order}``, keys in their order of first appearance."""
    codes, uniques = pd.factorize(np.asarray(keys))
    order = np.argsort(codes, kind="stable")
    return dict(zip(uniques, np.split(np.asarray(values)[order], np.cumsum(np.bincount(codes))[:-1])))
