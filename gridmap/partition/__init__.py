"""Partition of each lowest-level unit into grids.

:func:`partition_unit` (in :mod:`gridmap.partition._balanced`) splits one urban unit's
atoms into contiguous grids whose households lie in the band; :func:`plan_unit` applies
the unit's regime (urban: balanced grids; rural: the unit is one grid) and is a pure
function of one unit's arrays, so units can be farmed out to workers.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from gridmap.partition._balanced import UnitPartition, partition_unit

__all__ = ["UnitPartition", "partition_unit", "plan_unit", "unit_seed"]


def unit_seed(seed: int, unit_id: str) -> int:
    """Seed of one unit: depends on the plan's seed and the unit's id, not on unit order."""
    return (int(seed) * 1_000_003 + zlib.crc32(str(unit_id).encode("utf-8"))) % (2**32)


@dataclass
class UnitResult:
    """Grids of one unit: atom labels 0..k-1 and per-grid flags."""

    labels: np.ndarray
    k: int
    feasible: bool
    reasons: list
    grid_flags: list


def plan_unit(households: np.ndarray, adjacency: sp.csr_matrix, xy: np.ndarray, *, regime: str,
              band: tuple[float, float], seed: int, cut_weight: sp.csr_matrix | None = None) -> UnitResult:
    """Grids of one unit under its regime (households per atom, adjacency in metres, xy in metres)."""
    lo, hi = band
    n = len(households)
    if regime == "rural" or n == 0:
        total = float(np.sum(households))
        flag = "" if lo <= total <= hi else (
            f"rural_unit: the village is one grid by rule ({total:g} households, band {lo:g}-{hi:g})")
        return UnitResult(np.zeros(n, dtype=int), 1, True, [], [flag])
    result = partition_unit(households, adjacency, xy, lo, hi, seed=seed, cut_weight=cut_weight)
    return UnitResult(np.asarray(result.labels, dtype=int), int(result.k), bool(result.feasible),
                      list(result.reasons), list(result.grid_flags))
