"""Grids where people live: a unit's dense part by the household band, the rest by the rural rule.

A township or a large village often holds a town seat (场镇) and countryside; a valley
municipality a town and its mountains. The density of the whole unit says little about
either, so the density rule looks at where households are: the unit's natural
settlements (:func:`gridmap.partition._settlements.settlements`), each measured by its
households per km² of the atoms its households live in (not the empty mountains around
them). Dense settlements with enough households for a grid are the unit's urban part,
split into grids in the band; the rest follows the rural rule (what remains of the
village as one grid per connected piece, or one grid per natural settlement).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from gridmap.regimes import GridRule, Regime

from ._balanced import partition_unit
from ._labels import by_first_atom
from ._settlements import grow_labels, settlement_grids


def dense_atoms(households: np.ndarray, area_m2: np.ndarray, settlement: np.ndarray, *, min_density: float,
                min_households: float) -> np.ndarray:
    """True for the atoms of dense settlements.

    households : per atom. area_m2 : per atom (m²). settlement : dominant settlement of
    each atom, -1 for atoms without households. A settlement is dense when it holds at
    least ``min_households`` households at ``min_density`` households per km² or more of
    the atoms it dominates.
    """
    s = np.asarray(settlement, dtype=np.int64)
    on = s >= 0
    if not on.any():
        return np.zeros(len(s), dtype=bool)
    k = int(s.max()) + 1
    hh = np.bincount(s[on], np.asarray(households, float)[on], minlength=k)
    km2 = np.bincount(s[on], np.asarray(area_m2, float)[on], minlength=k) / 1e6
    density = np.divide(hh, km2, out=np.full(k, np.inf), where=km2 > 0)
    dense = (density >= min_density) & (hh >= min_households) & (hh > 0)
    return on & dense[np.where(on, s, 0)]


def regime_of(households: np.ndarray, dense: np.ndarray, min_households: float) -> Regime:
    """A unit's regime from its dense atoms: urban when (nearly) every household lives in them.

    Households outside the dense part below ``min_households`` (a few farms at a town's
    edge) join the town's grids rather than make a rural grid of their own.
    """
    if not dense.any():
        return Regime.RURAL
    sparse = float(np.sum(households[~dense]))
    return Regime.URBAN if sparse < max(min_households, 1e-9) else Regime.MIXED


def mixed_grids(households: np.ndarray, adjacency, xy: np.ndarray, dense: np.ndarray, settlement: np.ndarray, *,
                band: tuple[float, float], seed: int, cut_weight=None, by_settlement: bool = False,
                min_households: float = 0.0, split_large: bool = False):
    """Grids of one unit whose ``dense`` atoms are split by the band and the rest by the rural rule.

    The rural part is one grid per connected piece (the rest of the village), or with
    ``by_settlement`` one grid per natural settlement (``settlement``: of each atom, -1
    for none). A rest-of-village grid of more than twice the band's top is divided into
    its settlements all the same: one worker cannot serve it, while a natural settlement
    is a place people know. Atoms without households join the neighbouring part they share
    the most boundary with; parts under ``min_households`` join a neighbour. With
    ``split_large``, settlement grids over the band's top are split by the band too.

    Returns ``(labels, flags, kinds, rules, reasons)``: grid of each atom (0..k-1,
    numbered by their lowest atom); per grid its flag (None, or an :class:`~gridmap.outcomes.Outcome`), its regime
    (:class:`Regime` URBAN or RURAL) and the :class:`GridRule` that made it; the
    partitioner's reasons for the parts split by the band.
    """
    lo, hi = band
    h = np.asarray(households, dtype=np.float64)
    s = np.asarray(settlement, dtype=np.int64)
    a = sp.csr_array(adjacency)
    cw = None if cut_weight is None else sp.csr_array(cut_weight)
    # dense atoms 0, the rural rest 1 (or 1 + its settlement), atoms without households -1
    label = np.where(dense, 0, 1 if not by_settlement else 1 + s)
    label[~dense & (s < 0)] = -1
    if dense.any() and (label > 0).any():
        # empty land (fields, forest, mountains) goes with the countryside it reaches, the
        # town keeping only what the countryside cannot reach (its parks and squares): a
        # village's land surrounds its seat, and the town's grids stay compact
        c = a.maximum(a.T).tocoo()
        label = grow_labels(label, c.row.astype(np.int64), c.col.astype(np.int64), c.data.astype(np.float64),
                            grow=np.arange(int(label.max()) + 1) > 0)
        label, dense = _small_town_pieces_rural(label, dense, h, s, a, lo, by_settlement)
    group = settlement_grids(h, a, label, min_households)
    k = int(group.max()) + 1
    gh = np.bincount(group, h, minlength=k)
    dense_group = np.bincount(group, h * dense, minlength=k) > 0.5 * gh

    out = np.empty(len(h), dtype=np.int64)
    flags: list = []  # Outcome or None per grid
    kinds: list[Regime] = []
    rules: list[GridRule] = []
    reasons: list = []  # Outcomes

    def add(atoms, sub_labels, sub_flags, kind, rule):
        out[atoms] = len(flags) + sub_labels
        flags.extend(sub_flags)
        kinds.extend([kind] * len(sub_flags))
        rules.extend([rule] * len(sub_flags))

    def banded(atoms, offset, kind):
        part = partition_unit(h[atoms], a[atoms][:, atoms], xy[atoms], lo, hi, seed=seed + offset,
                              cut_weight=None if cw is None else cw[atoms][:, atoms])
        add(atoms, np.asarray(part.labels, dtype=np.int64), list(part.grid_outcomes), kind, GridRule.BAND)
        reasons.extend(part.outcomes)

    for g in range(k):
        atoms = np.flatnonzero(group == g)
        if dense_group[g]:
            banded(atoms, g, Regime.URBAN)
            continue
        if not by_settlement and gh[g] > 2 * hi and (s[atoms] >= 0).any():
            # the rest of a village too large for one grid: its natural settlements
            sub = settlement_grids(h[atoms], a[atoms][:, atoms], s[atoms], min_households)
            for j in range(int(sub.max()) + 1):
                _rural(atoms[sub == j], h, hi, split_large, banded, add, GridRule.SETTLEMENT, g * 7919 + j)
            continue
        _rural(atoms, h, hi, split_large and by_settlement, banded, add,
               GridRule.SETTLEMENT if by_settlement else GridRule.VILLAGE, g)
    labels, rank = by_first_atom(out)
    order = np.argsort(rank)
    return labels, [flags[j] for j in order], [kinds[j] for j in order], [rules[j] for j in order], reasons


def _small_town_pieces_rural(label, dense, h, s, a, lo, by_settlement):
    """The town's connected pieces (``label`` 0) under the band's minimum ``lo``, given to the rural rule.

    A dense settlement holds ``lo`` households or more, but the countryside's land can cut it
    in pieces (a field or a stream reaching in between): a piece of fewer than ``lo``
    households cannot hold an in-band grid, so its atoms follow the rural rule with the
    countryside around them (label 1, or 1 + their settlement; an atom of no settlement -1,
    to join a neighbour) and are no longer counted dense. Returns new ``(label, dense)``.
    """
    from scipy.sparse.csgraph import connected_components

    town = np.flatnonzero(label == 0)
    if len(town) == 0:
        return label, dense
    _, piece = connected_components(a[town][:, town], directed=False)
    small = np.bincount(piece, h[town])[piece] < lo
    if not small.any():
        return label, dense
    drop = town[small]
    label, dense = label.copy(), dense.copy()
    label[drop] = np.where(s[drop] >= 0, 1 + s[drop], -1) if by_settlement else 1
    dense[drop] = False
    return label, dense


def _rural(atoms, h, hi, split, banded, add, rule, offset):
    """One rural grid of ``atoms``, or grids in the band when ``split`` and it is over the top."""
    if split and h[atoms].sum() > hi and len(atoms) > 1:
        banded(atoms, offset, Regime.RURAL)
    else:
        add(atoms, np.zeros(len(atoms), dtype=np.int64), [None], Regime.RURAL, rule)
