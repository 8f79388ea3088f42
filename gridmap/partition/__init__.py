"""Partition of each lowest-level unit into grids.

:func:`partition_unit` (in :mod:`gridmap.partition._balanced`) splits one urban unit's
atoms into contiguous grids whose households lie in the band; :func:`plan_unit` applies
the unit's regime (urban: balanced grids; rural: the unit is one grid, or one per natural
settlement; decided by density: its dense settlements by the band and the rest rural, see
:mod:`gridmap.partition._regime`) and is a pure function of one unit's arrays, so units
can be farmed out to workers.
"""
from __future__ import annotations

import zlib

import numpy as np
import scipy.sparse as sp

from gridmap.config import Band
from gridmap.outcomes import FlagKind, Outcome
from gridmap.partition._balanced import partition_unit
from gridmap.partition._result import UnitPartition
from gridmap.partition._regime import dense_atoms, mixed_grids, regime_of
from gridmap.regimes import GridRule, Regime

__all__ = ["UnitPartition", "UnitResult", "partition_unit", "plan_unit", "unit_seed"]


def unit_seed(seed: int, unit_id: str) -> int:
    """Seed of one unit: depends on the plan's seed and the unit's id, not on unit order."""
    return (int(seed) * 1_000_003 + zlib.crc32(str(unit_id).encode("utf-8"))) % (2**32)


#: The result of :func:`plan_unit` is the one result type of partitioning (an alias kept
#: for callers of the earlier name).
UnitResult = UnitPartition


def plan_unit(households: np.ndarray, adjacency: sp.csr_matrix, xy: np.ndarray, *, regime: str | None,
              band: Band | tuple[float, float], seed: int, cut_weight: sp.csr_matrix | None = None,
              settlement: np.ndarray | None = None, min_households: float = 0.0,
              split_large: bool = False, by_settlement: bool | None = None, area_m2: np.ndarray | None = None,
              min_density: float = 0.0) -> UnitPartition:
    """Grids of one unit under its regime (households per atom, adjacency in metres, xy in metres).

    ``regime``: ``"urban"`` (split by the band), ``"rural"``, or None to decide by where
    people live (:mod:`gridmap.partition._regime`; needs ``settlement`` and ``area_m2``, the
    atoms' areas in m²): the unit's settlements with ``min_density`` households per km² of
    their atoms and at least the band's minimum are its urban part, the rest rural.

    A rural unit named so is one grid, or with ``by_settlement`` (default: when
    ``settlement``, the settlement of each atom, -1 for none, is given) one contiguous
    grid per settlement, grids under ``min_households`` joined to a neighbour; with
    ``split_large``, settlement grids over the band's top are split into grids in the
    band. The rural part of a unit decided by density follows the same rule, except that
    what remains of a village is one grid per connected piece, divided into its
    settlements when it holds more than twice the band's top.
    """
    band = Band.coerce(band)
    lo, hi = band
    n = len(households)
    by_settlement = settlement is not None if by_settlement is None else by_settlement
    decided = regime is None
    if decided:
        if settlement is None or area_m2 is None:
            raise ValueError("plan_unit: a unit decided by density needs settlement and area_m2")
        dense = dense_atoms(households, area_m2, settlement, min_density=min_density, min_households=lo)
        regime = regime_of(households, dense, min_households)
    else:
        regime = Regime(regime)
        dense = np.full(n, regime == Regime.URBAN)
    if n == 0 or (regime == Regime.RURAL and not decided and not (by_settlement and n > 1)):
        total = float(np.sum(households))
        flag = None if band.contains(total) or regime != Regime.RURAL else Outcome(
            "rural_by_rule", FlagKind.RURAL_UNIT, {"households": total, "lo": lo, "hi": hi},
            text=f"rural_unit: the village is one grid by rule ({total:g} households, band {lo:g}-{hi:g})")
        rule = GridRule.VILLAGE if regime == Regime.RURAL else GridRule.BAND
        return UnitPartition.of(np.zeros(n, dtype=int), 1, True, [], [flag], grid_kinds=[regime], regime=regime,
                                grid_rules=[rule])
    if regime == Regime.URBAN:
        result = partition_unit(households, adjacency, xy, lo, hi, seed=seed, cut_weight=cut_weight)
        labels = np.asarray(result.labels, dtype=int)
        kinds = [Regime.URBAN] * int(result.k)
        flags, feasible, reasons = list(result.grid_outcomes), bool(result.feasible), list(result.outcomes)
        rules = [GridRule.BAND] * int(result.k)
    else:
        labels, flags, kinds, rules, reasons = mixed_grids(
            households, adjacency, xy, dense, settlement if settlement is not None else np.zeros(n, dtype=np.int64),
            band=band, seed=seed, cut_weight=cut_weight, by_settlement=by_settlement,
            min_households=min_households, split_large=split_large)
        urban = [g for g, kind in enumerate(kinds) if kind == Regime.URBAN]
        feasible = all(flags[g] is None for g in urban)
    k = int(labels.max()) + 1 if n else 1
    # a whole cut-off piece under the band's minimum (the settlement minimum in the countryside)
    island_urban = island_grids(labels, k, households, adjacency, lo)
    island_rural = island_grids(labels, k, households, adjacency, max(min_households, 1e-9))
    for g in range(k):
        if island_urban[g] if kinds[g] == Regime.URBAN else island_rural[g]:
            kinds[g], rules[g] = Regime.ISLAND, GridRule.ISLAND
    return UnitPartition.of(labels, k, feasible, reasons, flags, grid_kinds=kinds, regime=regime, grid_rules=rules)


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
