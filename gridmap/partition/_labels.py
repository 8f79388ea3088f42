"""Grid numbering shared by the partitioners: grids in the order of their lowest-numbered atom."""

from __future__ import annotations

import numpy as np


def by_first_atom(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Renumber any labels 0..k-1 in the order of each label's first atom.

    Returns (new labels, rank) where ``rank[j]`` is the new number of the j-th distinct
    old label in sorted order.
    """
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    return rank[inverse.ravel()], rank
