"""Outcomes of partitioning as data: a flag kind, a reason code, its numbers, a unit status.

The partitioner says why a grid is out of band or why a unit's band cannot be met with an
:class:`Outcome`: a :class:`FlagKind` (on a grid), a reason ``code`` (the key of the
sentence ``reason.<code>`` in :mod:`gridmap.i18n`), the numbers the sentence needs
(``params``: households, band limits, atoms...) and whether the failure is proven. Words
are made only at the edge: :func:`gridmap.i18n.message` renders ``code`` and ``params`` in
either language; ``text`` is the partitioner's own English sentence, kept for the plan's
``flag_reason`` column and for logs. Code decides on ``kind``, ``code``, ``proven`` and
:class:`UnitStatus`, never on text.

A lower-layer module: it imports nothing of gridmap.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

__all__ = ["FlagKind", "UnitStatus", "Outcome", "unit_status"]


class FlagKind(StrEnum):
    """What is flagged on a grid (the grids layer's ``flag`` column holds the value)."""

    OVER_BAND = "over_band"    # more households than the band's top
    UNDER_BAND = "under_band"  # fewer households than the band's minimum
    RURAL_UNIT = "rural_unit"  # a rural village kept as one grid by rule, out of band


class UnitStatus(StrEnum):
    """Whether a unit's grids meet the band (the units layer's ``status`` column holds the value)."""

    OK = "ok"                  # every grid other than islands is in band (a rural unit: one grid by rule)
    INFEASIBLE = "infeasible"  # the band cannot be met: proven by counts or exhaustive search
    HEURISTIC = "heuristic"    # the counts allow the band, but no in-band split was found (not proven)


@dataclass(frozen=True)
class Outcome:
    """One outcome: on a grid (``kind`` set: a flag) or on a unit (``kind`` None: a reason).

    Attributes
    ----------
    code : reason code, the key ``reason.<code>`` of :mod:`gridmap.i18n`
        (``atom_over_band``, ``unit_under_band``, ``island_under_band``, ``no_whole_k``,
        ``no_split_proven``, ``no_split_heuristic``, ``rural_by_rule``, ...).
    kind : :class:`FlagKind` of a grid's flag; None for a unit's reason.
    params : the numbers of the sentence (households, lo, hi in households; atoms, kmin, kmax).
    proven : False when the outcome is only the heuristic's failure (no in-band split
        found, none proven impossible); True when counts or an exhaustive search prove it.
    text : the partitioner's English sentence (for the plan's ``flag_reason`` and logs;
        never parsed).
    also : outcomes that add to this one (an over-band atom's grid that also takes the
        atoms it cuts off).
    """

    code: str
    kind: FlagKind | None = None
    params: dict = field(default_factory=dict)
    proven: bool = True
    text: str = ""
    also: tuple["Outcome", ...] = ()

    def __post_init__(self):
        # numbers as plain floats/ints (numpy scalars are not JSON)
        object.__setattr__(self, "params", {k: _plain(v) for k, v in self.params.items()})

    def plus(self, other: "Outcome") -> "Outcome":
        """This outcome with ``other`` added to it (its text appended)."""
        return replace(self, also=self.also + (other,), text=self.text + other.text)

    def to_dict(self) -> dict:
        """JSON-able form (the plan's metadata and summary)."""
        out = {"code": self.code, "params": dict(self.params), "proven": self.proven, "text": self.text}
        if self.kind is not None:
            out["kind"] = self.kind.value
        if self.also:
            out["also"] = [o.to_dict() for o in self.also]
        return out


def outcome_parts(outcomes) -> list:
    """The outcomes as data for a layer's column: ``[[code, params], ...]``, each outcome followed by its ``also``.

    JSON-able; :func:`gridmap.i18n.outcome_text` renders it in either language.
    """
    parts = []
    for o in outcomes:
        parts.append([o.code, dict(o.params)])
        parts.extend(outcome_parts(o.also))
    return parts


def unit_status(feasible: bool, outcomes) -> UnitStatus:
    """Status of a partitioned unit: ok when feasible, else heuristic when any reason is unproven."""
    if feasible:
        return UnitStatus.OK
    return UnitStatus.HEURISTIC if any(not o.proven for o in outcomes) else UnitStatus.INFEASIBLE


def _plain(value):
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return value.item()
    return value
