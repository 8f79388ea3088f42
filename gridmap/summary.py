"""The headline figures of a plan (``plan.summary()``, summary.json, the CLI's summary).

Figures only: numbers, codes and the plan's own sentences; code does not read them back
(the rules are ``plan.config``).
"""
from __future__ import annotations

__all__ = ["plan_summary", "household_kind", "household_methods"]


def plan_summary(grids, units, households, atoms, band, household_method, *, household_kind: str = "",
                 repaired: dict | None = None) -> dict:
    """The headline figures of a plan from its layers (``band``: the plan's :class:`~gridmap.config.Band`)."""
    urban = grids[grids["regime"] == "urban"]
    feasible_units = set(units.loc[units["status"] == "ok", "unit_id"])
    urban_feasible = urban[urban["unit_id"].isin(feasible_units)]
    flagged = grids[grids["flag"] != ""]
    return {
        "households": float(households["households"].sum()),
        "household_method": household_method,  # in words
        "household_kind": household_kind,  # points, polygons, buildings or totals
        "atoms": int(len(atoms)),
        "units": int(len(units)),
        "urban_units": int((units["regime"] == "urban").sum()),
        "mixed_units": int((units["regime"] == "mixed").sum()),
        "infeasible_units": units.loc[units["status"] != "ok", ["unit_id", "name", "reason"]].to_dict("records"),
        "grids": int(len(grids)),
        "urban_grids": int(len(urban)),
        "island_grids": int((grids["regime"] == "island").sum()),
        "band": list(band),  # for readers of summary.json; code reads plan.config.band
        "in_band_share_urban": float(urban["in_band"].mean()) if len(urban) else None,
        "in_band_share_urban_feasible": float(urban_feasible["in_band"].mean()) if len(urban_feasible) else None,
        "households_per_grid_median": float(grids["households"].median()),
        "polsby_popper_median": float(grids["polsby_popper"].median()),
        "flagged": flagged[["grid_id", "regime", "households", "flag", "flag_reason"]].to_dict("records"),
        "repaired_polygons": repaired or {},
        **household_methods(units),
    }


def household_kind(inputs, *, totals: bool = True) -> str:
    """Where the households come from, as a code: ``polygons`` (census blocks), ``totals``
    (known totals spread), ``points`` or ``buildings`` (``none`` without either)."""
    if inputs.blocks is not None:
        return "polygons"
    if totals and (inputs.totals is not None or inputs.totals_table is not None):
        return "totals"
    if inputs.households is not None:
        return "points"
    return "buildings" if inputs.buildings is not None and len(inputs.buildings) else "none"


def household_methods(units) -> dict:
    """Per unit, how its households were found, and the units whose evidence is thin or total disputed."""
    if "household_method" not in units.columns:
        return {}
    rows = units[["unit_id", "name", "household_method", "household_note", "thin", "disagree"]]
    numbers = ["unit_id", "name", "household_method", "household_note", "household_total", "household_estimate",
               "evidence_cells", "evidence"]
    numbers = [c for c in numbers if c in units.columns]
    return {"household_methods": {m: int(n) for m, n in rows["household_method"].value_counts().items()},
            "units_household_method": rows[["unit_id", "name", "household_method", "household_note"]].to_dict("records"),
            "thin_evidence": units.loc[rows["thin"].astype(bool), numbers].to_dict("records"),
            "no_evidence": rows.loc[rows["household_method"].eq("even"), ["unit_id", "name"]].to_dict("records"),
            "totals_disagree": units.loc[rows["disagree"].astype(bool), numbers].to_dict("records")}
