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

from gridmap.config import Band
from gridmap.partition._balanced import UnitPartition, partition_unit
from gridmap.partition._labels import by_first_atom
from gridmap.partition._settlements import settlement_grids

__all__ = ["UnitPartition", "partition_unit", "plan_unit", "unit_seed"]


def unit_seed(seed: int, unit_id: str) -> int:
    """Seed of one unit: depends on the plan's seed and the unit's id, not on unit order."""
    return (int(seed) * 1_000_003 + zlib.crc32(str(unit_id).encode("utf-8"))) % (2**32)


@dataclass
class UnitResult:
    """Grids of one unit: atom labels 0..k-1, per-grid flags and kinds.

    ``grid_kinds[g]`` is ``"island"`` for a grid that is a whole piece of the unit cut off
    from its main part (an exclave, an island in a river) with fewer households than the
    band's minimum: it cannot be in band and is kept as its own grid (grids are
    contiguous), else the unit's regime.
    """

    labels: np.ndarray
    k: int
    feasible: bool
    reasons: list
    grid_flags: list
    grid_kinds: list


def plan_unit(households: np.ndarray, adjacency: sp.csr_matrix, xy: np.ndarray, *, regime: str,
              band: Band | tuple[float, float], seed: int, cut_weight: sp.csr_matrix | None = None,
              settlement: np.ndarray | None = None, min_households: float = 0.0,
              split_large: bool = False) -> UnitResult:
    """Grids of one unit under its regime (households per atom, adjacency in metres, xy in metres).

    A rural unit is one grid, or, with ``settlement`` (the settlement of each atom, -1 for
    none: see :mod:`gridmap.partition._settlements`), one contiguous grid per settlement,
    grids under ``min_households`` joined to a neighbour; with ``split_large``, settlement
    grids over the band's top are split into grids in the band.
    """
    band = Band.coerce(band)
    lo, hi = band
    n = len(households)
    if regime == "rural" and settlement is not None and n > 1:
        labels = settlement_grids(households, adjacency, settlement, min_households)
        flags = [""] * (int(labels.max()) + 1)
        if split_large:
            labels, flags = _split_large(labels, households, adjacency, xy, band, seed, cut_weight)
        k = int(labels.max()) + 1
        kinds = island_grids(labels, k, households, adjacency, max(min_households, 1e-9))
        return UnitResult(labels, k, True, [], flags, ["island" if island else regime for island in kinds])
    if regime == "rural" or n == 0:
        total = float(np.sum(households))
        flag = "" if band.contains(total) else (
            f"rural_unit: the village is one grid by rule ({total:g} households, band {lo:g}-{hi:g})")
        return UnitResult(np.zeros(n, dtype=int), 1, True, [], [flag], [regime])
    result = partition_unit(households, adjacency, xy, lo, hi, seed=seed, cut_weight=cut_weight)
    labels = np.asarray(result.labels, dtype=int)
    kinds = island_grids(labels, int(result.k), households, adjacency, lo)
    return UnitResult(labels, int(result.k), bool(result.feasible), list(result.reasons), list(result.grid_flags),
                      ["island" if island else regime for island in kinds])


def _split_large(labels, households, adjacency, xy, band, seed, cut_weight):
    """Settlement grids over the band's top split into in-band grids; (labels, flags)."""
    lo, hi = band
    k = int(labels.max()) + 1
    gh = np.bincount(labels, households, minlength=k)
    a = sp.csr_array(adjacency)
    cw = None if cut_weight is None else sp.csr_array(cut_weight)
    out = np.empty_like(labels)
    flags: list[str] = []
    for g in range(k):
        atoms = np.flatnonzero(labels == g)
        if gh[g] <= hi or len(atoms) < 2:
            out[atoms] = len(flags)
            flags.append("")
            continue
        part = partition_unit(households[atoms], a[atoms][:, atoms], xy[atoms], lo, hi, seed=seed + g,
                              cut_weight=None if cw is None else cw[atoms][:, atoms])
        out[atoms] = len(flags) + part.labels
        flags.extend(part.grid_flags)
    # number grids by their lowest atom, as everywhere (every label 0..len(flags)-1 is used)
    labels, rank = by_first_atom(out)
    new_flags = [""] * len(flags)
    for j, flag in enumerate(flags):
        new_flags[rank[j]] = flag
    return labels, new_flags


def island_grids(labels: np.ndarray, k: int, households: np.ndarray, adjacency: sp.csr_matrix,
                 lo: float) -> np.ndarray:
    """True for grids that are a whole cut-off piece of the unit, other than its main piece, under ``lo``."""
    from scipy.sparse.csgraph import connected_components

    n_pieces, piece = connected_components(adjacency, directed=False)
    if n_pieces == 1:
        return np.zeros(k, dtype=bool)
    piece_households = np.bincount(piece, weights=households, minlength=n_pieces)
    piece_size = np.bincount(piece, minlength=n_pieces)
    main = int(np.argmax(piece_households + 1e-9 * piece_size))
    island = np.zeros(k, dtype=bool)
    grid_size = np.bincount(labels, minlength=k)
    for g in range(k):
        pieces = np.unique(piece[labels == g])
        whole = len(pieces) == 1 and piece_size[pieces[0]] == grid_size[g]
        island[g] = whole and pieces[0] != main and piece_households[pieces[0]] < lo
    return island
