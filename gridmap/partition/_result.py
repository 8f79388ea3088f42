"""The one result type of partitioning a unit: :class:`UnitPartition`."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from gridmap.outcomes import Outcome, UnitStatus, unit_status
from gridmap.regimes import Regime


@dataclass
class UnitPartition:
    """The grids of one unit, from :func:`~gridmap.partition.partition_unit` or
    :func:`~gridmap.partition.plan_unit`.

    Attributes
    ----------
    labels : ndarray of int, shape (n,)
        Grid index, 0..k-1, of each atom. Grids are numbered in order of their
        lowest-numbered atom.
    k : int
        Number of grids.
    feasible : bool
        True when every grid's household total lies in the band (islands and rural
        units aside, see ``grid_kinds``).
    outcomes : list of :class:`~gridmap.outcomes.Outcome`
        Why the band is not met for the whole unit (empty when feasible); each says
        whether it is proven (household counts, exhaustive search) or only that the
        heuristic found no in-band split (``proven``).
    grid_outcomes : list of Outcome or None, one per grid
        None when the grid is in band, else its flag (``kind`` over_band, under_band or
        rural_unit, a reason code and its numbers).
    households : ndarray of float, shape (k,)
        Household total of each grid.
    grid_kinds : list of str, one per grid
        ``"island"`` for a grid that is a whole piece of the unit cut off from its main
        part (an exclave, an island in a river) with fewer households than the band's
        minimum (it cannot be in band and is kept as its own grid), else the unit's
        regime; set by :func:`~gridmap.partition.plan_unit` (empty from
        :func:`~gridmap.partition.partition_unit`).
    regime : the unit's :class:`~gridmap.regimes.Regime` (URBAN, RURAL or MIXED: decided by
        :func:`~gridmap.partition.plan_unit` when the unit's density decides).
    grid_rules : list of :class:`~gridmap.regimes.GridRule`, one per grid: the rule that made it.
    decisions : list of gridmap.partition._decide.Decision
        What the exact step found for each part the heuristic gave up on (status,
        method, reason, seconds), in the order the parts were settled.
    reasons, grid_flags : the English sentences of ``outcomes`` and ``grid_outcomes``
        ('' for a grid in band), for people and logs; code decides on the outcomes.
    """

    labels: np.ndarray
    k: int
    feasible: bool
    reasons: list[str] = field(default_factory=list)
    grid_flags: list[str] = field(default_factory=list)
    households: np.ndarray | None = None
    grid_kinds: list[str] = field(default_factory=list)
    grid_outcomes: list[Outcome | None] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    regime: Regime = Regime.URBAN
    grid_rules: list = field(default_factory=list)
    decisions: list = field(default_factory=list)

    @classmethod
    def of(cls, labels, k: int, feasible: bool, outcomes, grid_outcomes, *, households=None,
           grid_kinds=(), regime: Regime = Regime.URBAN, grid_rules=(), decisions=()) -> "UnitPartition":
        """A result from its outcomes (the sentences are theirs)."""
        outcomes, grid_outcomes = list(outcomes), list(grid_outcomes)
        return cls(labels=labels, k=int(k), feasible=bool(feasible), reasons=[o.text for o in outcomes],
                   grid_flags=[o.text if o is not None else "" for o in grid_outcomes], households=households,
                   grid_kinds=list(grid_kinds), grid_outcomes=grid_outcomes, outcomes=outcomes, regime=regime,
                   grid_rules=list(grid_rules), decisions=list(decisions))

    @property
    def status(self) -> UnitStatus:
        """ok when feasible; heuristic when a reason is only the heuristic's failure; else infeasible."""
        return unit_status(self.feasible, self.outcomes)
