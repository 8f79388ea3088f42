"""Households and area accounted for: what was read, what the grids hold, what was dropped and why.

:func:`households_accounting` gives the numbers a plan's summary and meta carry
(``households_read``, ``households_used``, ``households_dropped`` by reason, units left
out, gaps filled) and checks that they add up; :func:`input_notes` turns them and the
repairs recorded while reading (``summary["repairs"]``) into sentences, through the one
vocabulary, for the command line's summary and the report. Nothing is dropped or
repaired without a sentence here.
"""
from __future__ import annotations

from gridmap import i18n


def households_accounting(households, grids, units, repaired: dict | None = None) -> dict:
    """Households read, used and dropped (with why), and units dropped: the numbers must add up.

    ``repaired``: what preparing the units did (``outside_area``, ``gaps_filled`` and
    ``_m2``, ``overlaps_removed`` and ``_m2``), by default ``units.attrs``.

    Conservation is by construction (every household point lies in one atom, every atom in
    one grid); a difference is a bug in gridmap, not bad input.
    """
    read = float(households.attrs.get("households_read", households["households"].sum()))
    used = float(grids["households"].sum())
    dropped = {}
    if households.attrs.get("dropped_outside"):
        dropped[households.attrs.get("dropped_reason", "outside_area")] = {"features": int(households.attrs["dropped_outside"]),
                                   "households": float(households.attrs.get("dropped_outside_households", 0.0))}
    lost = read - used - sum(d["households"] for d in dropped.values())
    if abs(lost) > 1e-6 * max(read, 1.0):
        raise RuntimeError(f"households not conserved: {read} read, {used} in the grids, "
                           f"{read - used - lost} dropped; {lost} unaccounted for")
    if abs(float(households["households"].sum()) - used) > 1e-6 * max(used, 1.0):
        raise RuntimeError(f"households not conserved: {households['households'].sum()} placed, {used} in the grids")
    repaired = units.attrs if repaired is None else repaired
    return {"households_read": read, "households_used": used, "households_dropped": dropped,
            "units_outside_area": list(repaired.get("outside_area", [])),
            "gaps_filled": {"pieces": int(repaired.get("gaps_filled", 0)),
                            "m2": float(repaired.get("gaps_filled_m2", 0.0))},
            "overlaps_removed": {"pairs": int(repaired.get("overlaps_removed", 0)),
                                 "m2": float(repaired.get("overlaps_removed_m2", 0.0))}}


def input_notes(summary: dict, lang: str = "en") -> list[str]:
    """What became of the inputs, one sentence each: households dropped and why, repairs, units left out."""
    notes = []
    for reason, d in summary.get("households_dropped", {}).items():
        notes.append(i18n.text(f"dropped.{reason}", lang, **d))
    for repair in summary.get("repairs", []):
        what = f"{repair['input']} ({repair['file']})" if repair.get("file") else str(repair["input"])
        where = i18n.role(what, lang) + ("：" if lang == "zh" else ": ")  # the input named in ``lang``
        notes.append(where + i18n.text(f"repair.{repair['code']}", lang, count=repair["count"],
                                       households=repair.get("households") or 0, **repair.get("params", {})))
    if summary.get("units_outside_area"):
        names = summary["units_outside_area"]
        notes.append(i18n.text("repair.units_outside_area", lang, count=len(names),
                               names=", ".join(names[:10]) + (", ..." if len(names) > 10 else "")))
    gaps = summary.get("gaps_filled", {})
    if gaps.get("pieces"):
        notes.append(i18n.text("repair.gaps_filled", lang, count=gaps["pieces"], m2=gaps["m2"]))
    overlaps = summary.get("overlaps_removed", {})
    if overlaps.get("pairs"):
        notes.append(i18n.text("repair.overlaps_removed", lang, count=overlaps["pairs"], m2=overlaps["m2"]))
    fitted = summary.get("blocks_fitted", {})
    if fitted.get("blocks_across"):
        notes.append(i18n.text("repair.blocks_across", lang, count=fitted["blocks_across"]))
    if fitted.get("units_redrawn"):
        notes.append(i18n.text("repair.units_follow_blocks", lang, units=fitted["units_redrawn"],
                               m2=fitted.get("moved_m2", 0.0)))
    if fitted.get("uncovered_pieces"):
        notes.append(i18n.text("repair.units_uncovered", lang, count=fitted["uncovered_pieces"],
                               m2=fitted.get("uncovered_m2", 0.0)))
    return notes
