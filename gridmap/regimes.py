"""The regimes of units and the rules that make grids: typed values shared by partition, pipeline and outputs.

A unit is ``urban`` (all of it split into grids in the household band), ``rural`` (kept
whole, or one grid per natural settlement) or ``mixed`` (its dense part, a town seat
场镇, split by the band and the rest by the rural rule). Each grid records the rule that
made it (:class:`GridRule`). Both are ``str`` enums: they compare equal to, and are
written to files as, their plain values.
"""
from __future__ import annotations

from enum import StrEnum


class Regime(StrEnum):
    """How a unit (or, for ``URBAN``/``RURAL``/``ISLAND``, one grid) is planned."""

    URBAN = "urban"
    RURAL = "rural"
    MIXED = "mixed"
    #: a grid that is a whole cut-off piece of its unit (an exclave, an island in a river)
    #: with fewer households than the band's minimum
    ISLAND = "island"


class GridRule(StrEnum):
    """The rule that made a grid."""

    #: split into grids in the household band (a town, a town seat, a large settlement)
    BAND = "band"
    #: a rural village kept whole, or what remains of it outside its town seat
    VILLAGE = "village"
    #: a natural settlement (自然村): houses closer than the settlement gap
    SETTLEMENT = "settlement"
    #: a whole cut-off piece of the unit under the band's minimum
    ISLAND = "island"
