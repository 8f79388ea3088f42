"""A plan rebuilt after its atoms changed grid: counts, codes, locks, staffing and reach follow.

:func:`regrid` is the core shared by ``gridmap update`` (a planner's edits) and
``gridmap adjust`` (new household data): given the grid of every atom, it rebuilds the
grids layer, keeps the code of every grid that keeps its id in its village/community,
gives new grids the next free serial of their unit (serials of retired grids are never
given again), and checks each changed grid against the rules a plan is held to:

==================  ==========================================================
rule                broken when
==================  ==========================================================
``crosses_unit``    a grid's atoms lie in more than one village/community
``non_contiguous``  a grid's atoms fall into several pieces
``out_of_band``     an urban grid holds households outside the band although
                    its unit's total allows grids in the band
``locked_edited``   a grid locked in the plan (and still locked) lost or gained atoms
==================  ==========================================================

Breaking a rule is reported (:class:`EditFault`: the grid, the rule, the figures),
never repaired silently. :func:`update_plan` applies an :class:`~gridmap.edits.Edits`,
then staffs the plan and measures its reach again under the plan's own rules when the
plan had been staffed and measured.

Unchanged grids keep their row as it was (geometry, code, flags) byte for byte; locked
grids (the ``locked`` column of the grids layer) keep their atoms, geometry and code.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from types import SimpleNamespace

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse.csgraph import connected_components

from gridmap import i18n
from gridmap.codes import DEDICATED_SERIAL, code_serial, grid_code
from gridmap.config import Band, RuleSet
from gridmap.edits import Edits
from gridmap.errors import InputError
from gridmap.graph import shared_edges, subgraph, symmetric_csr
from gridmap.outcomes import FlagKind
from gridmap.plan import Plan

#: Rules an edit may break, in reporting order.
RULES = ("crosses_unit", "non_contiguous", "locked_edited", "out_of_band")

#: Layers made by staffing and reach: rebuilt after an update.
_STAFF_LAYERS = ("workers", "service_areas", "unreached")
_STAFF_COLUMNS = ("workers", "served_by", "share_reached")


@dataclass(frozen=True)
class EditFault:
    """One rule broken by an edit: ``grid_id`` (the grid's id after the update), ``rule`` (see
    :data:`RULES`), ``detail`` (the figures, in English) and ``atoms`` (atom ids concerned)."""

    grid_id: str
    rule: str
    detail: str
    atoms: tuple = ()

    def __str__(self) -> str:
        return f"grid {self.grid_id}: {self.rule}: {self.detail}"


@dataclass
class UpdateResult:
    """The rebuilt plan and what changed.

    Attributes
    ----------
    plan : the new plan (grids, atoms, households, units, summary; staffed and measured
        again by :func:`update_plan` when the old plan was).
    faults : rules broken by the change (empty when the plan keeps every rule).
    unchanged, changed, added, retired : grid ids: same atoms as before; same id and
        code, other atoms; new grids (their new codes); grids of the old plan gone.
    renamed : {id given in the edits: code it got} for new grids.
    moved_atoms : atoms whose grid changed.
    """

    plan: Plan
    faults: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    added: list = field(default_factory=list)
    retired: list = field(default_factory=list)
    renamed: dict = field(default_factory=dict)
    moved_atoms: int = 0

    @property
    def ok(self) -> bool:
        return not self.faults

    def changes(self) -> dict:
        """The change summary as plain data (stored in ``meta``)."""
        return {"unchanged": len(self.unchanged), "changed": sorted(self.changed), "added": sorted(self.added),
                "retired": sorted(self.retired), "renamed": dict(self.renamed), "moved_atoms": int(self.moved_atoms),
                "faults": [{"grid_id": f.grid_id, "rule": f.rule, "detail": f.detail} for f in self.faults]}


# --------------------------------------------------------------------------- locks


def locked_ids(grids: gpd.GeoDataFrame) -> set[str]:
    """Ids of the locked grids (the ``locked`` column; none when the layer has no such column)."""
    if "locked" not in grids.columns:
        return set()
    flags = grids["locked"].fillna(False).astype(bool).to_numpy()
    return set(grids["grid_id"].astype(str).to_numpy()[flags])


def with_locks(plan: Plan, ids, *, replace: bool = False) -> Plan:
    """The plan with grids ``ids`` locked (added to its locks, or replacing them).

    Raises :class:`InputError` naming an id that is not a grid of the plan.
    """
    grids = plan.grids
    known = set(grids["grid_id"].astype(str))
    ids = {str(i) for i in ids}
    unknown = sorted(ids - known)
    if unknown:
        more = i18n.Phrase("phrase.update_more_grids", n=len(unknown) - 1) if len(unknown) > 1 else ""
        raise InputError.of("update_lock_unknown", grid=unknown[0], more=more)
    locked = ids if replace else ids | locked_ids(grids)
    layers = dict(plan.layers)
    layers["grids"] = grids.assign(locked=grids["grid_id"].astype(str).isin(locked).to_numpy())
    return Plan(layers=layers, meta=dict(plan.meta))


def read_lock_file(path) -> list[str]:
    """Grid ids from a lock file: one id a line (``#`` starts a comment), or a CSV/vector file with ``grid_id``."""
    from pathlib import Path

    path = Path(path)
    if not path.exists():
        raise InputError.of("update_lock_file_missing", path=path)
    if path.suffix.lower() in (".gpkg", ".geojson", ".json", ".csv", ".shp", ".zip"):
        import pyogrio

        try:
            frame = pyogrio.read_dataframe(path, read_geometry=False)
        except Exception as exc:
            raise InputError.of("update_lock_file_unreadable", path=path, reason=str(exc).splitlines()[0]) from None
        column = "grid_id" if "grid_id" in frame.columns else "code" if "code" in frame.columns else None
        if column is None:
            raise InputError.of("update_lock_file_no_column", path=path)
        if "locked" in frame.columns:
            frame = frame[frame["locked"].astype(str).str.lower().isin(["1", "true", "yes", "1.0"])]
        return [str(v) for v in frame[column].dropna()]
    lines = [line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8-sig").splitlines()]
    return [line for line in lines if line]


# --------------------------------------------------------------------------- the atom graph


def atom_adjacency(atoms: gpd.GeoDataFrame):
    """Symmetric sparse matrix of the atoms' shared boundary lengths (m), across unit borders too."""
    i, j, length, _ = shared_edges(atoms.geometry.to_numpy())
    return symmetric_csr(len(atoms), i, j, length)


def _pieces(adjacency, members: np.ndarray) -> np.ndarray:
    """Piece label of each of ``members`` (connected components of their sub-graph)."""
    if len(members) <= 1:
        return np.zeros(len(members), dtype=int)
    return connected_components(subgraph(adjacency, members), directed=False)[1]


# --------------------------------------------------------------------------- regrid


def regrid(plan: Plan, grid_of_atom, *, locked=None, adjacency=None, source: str = "edit",
           band=None, codes: dict | None = None, attributes: dict | None = None) -> UpdateResult:
    """Rebuild ``plan``'s grids from the grid of each atom.

    Parameters
    ----------
    plan : a plan with ``grids``, ``atoms``, ``units`` and ``households`` layers.
    grid_of_atom : array-like, one grid id per row of ``plan.atoms`` (ids of the plan's
        grids, or new texts for new grids).
    locked : grid ids locked after the change (default: the plan's locks).
    adjacency : atom adjacency (:func:`atom_adjacency`), computed when None.
    source : what made the change (``"edit"``, ``"adjust"``), for the flags and meta.
    band : (min, max) households; default the plan's.
    codes : {new grid id: its code}, for new grids coded in a series of their own
        (dedicated grids); other new grids get the next free serial of their unit.
    attributes : {grid id: {column: value}} set on changed and new grids (``regime``,
        ``kind``, ``name``).

    Returns
    -------
    :class:`UpdateResult` whose plan has no staffing or reach yet (bases of unchanged
    grids are kept, so staffing them again keeps their bases).
    """
    atoms = plan.atoms.reset_index(drop=True)
    grids = plan.grids.reset_index(drop=True)
    band = Band.coerce(band) if band is not None else (plan.config.band or Band(300.0, 500.0))
    lo, hi = band
    new = np.asarray(grid_of_atom, dtype=object).astype(str)
    if len(new) != len(atoms):
        raise InputError.of("update_ids_for_atoms", ids=len(new), atoms=len(atoms))
    old = atoms["grid_id"].astype(str).to_numpy()
    unit_of_atom = atoms["unit_id"].astype(str).to_numpy()
    hh_atom = atoms["households"].to_numpy(dtype=float)
    old_locks = locked_ids(grids)
    new_locks = set(old_locks) if locked is None else {str(g) for g in locked}
    adjacency = atom_adjacency(atoms) if adjacency is None else adjacency

    old_rows = grids.set_index(grids["grid_id"].astype(str))
    old_members = {g: frozenset(m) for g, m in pd.Series(np.arange(len(atoms))).groupby(old).apply(np.asarray).items()}
    new_members = {g: np.sort(m) for g, m in pd.Series(np.arange(len(atoms))).groupby(new).apply(np.asarray).items()}
    units = plan.units.set_index(plan.units["unit_id"].astype(str))
    unit_hh = pd.Series(hh_atom).groupby(unit_of_atom).sum()

    used = _used_serials(grids, plan.meta)
    codes, attributes = dict(codes or {}), dict(attributes or {})
    taken = set(old_rows.index) & set(codes.values())
    if taken:
        raise InputError.of("update_codes_taken", codes=sorted(taken)[:3])
    result = SimpleNamespace(faults=[], unchanged=[], changed=[], added=[], renamed={})
    final_id = {}
    rows = []
    for label in sorted(new_members, key=lambda g: (g not in old_rows.index, g)):
        members = new_members[label]
        atom_ids = atoms["atom_id"].to_numpy()[members]
        units_here = pd.Series(hh_atom[members] + 1e-9).groupby(unit_of_atom[members]).sum()
        unit = str(units_here.idxmax())
        known = label in old_rows.index and str(old_rows.at[label, "unit_id"]) == unit
        same_atoms = known and old_members.get(label) == frozenset(members)
        households = float(hh_atom[members].sum())
        # new household data changes counts without moving atoms: such a grid is recounted
        same = same_atoms and abs(households - float(old_rows.at[label, "households"])) < 1e-6
        gid = label if known else codes[label] if label in codes else _next_code(unit, used)
        final_id[label] = gid
        if same:
            result.unchanged.append(gid)
            rows.append(old_rows.loc[label].to_dict() | {"grid_id": gid})
            continue
        (result.changed if known else result.added).append(gid)
        if not known:
            result.renamed[label] = gid
        faults = []
        if len(units_here) > 1:
            parts = ", ".join(f"{u} ({int((unit_of_atom[members] == u).sum())} atoms)" for u in units_here.index)
            faults.append(EditFault(gid, "crosses_unit", f"atoms of {len(units_here)} villages/communities: {parts}",
                                    tuple(int(a) for a in atom_ids[unit_of_atom[members] != unit])))
        pieces = _pieces(adjacency, members)
        if pieces.max() > 0:
            main = np.bincount(pieces, weights=hh_atom[members] + 1e-9).argmax()
            stray = atom_ids[pieces != main]
            faults.append(EditFault(gid, "non_contiguous", f"{pieces.max() + 1} pieces; atoms cut off from the "
                                    f"main piece: {', '.join(map(str, stray[:10]))}" + (" ..." if len(stray) > 10 else ""),
                                    tuple(int(a) for a in stray)))
        if label in old_locks and label in new_locks and not same_atoms:
            before = old_members.get(label, frozenset())
            gained = sorted(int(a) for a in atoms["atom_id"].to_numpy()[sorted(frozenset(members) - before)])
            lost = sorted(int(a) for a in atoms["atom_id"].to_numpy()[sorted(before - frozenset(members))])
            faults.append(EditFault(gid, "locked_edited", f"locked grid gained atoms {gained[:10]} and lost "
                                    f"{lost[:10]}; unlock it first", tuple(gained + lost)))
        extra = attributes.get(label, {})
        regime = extra.get("regime") or (str(old_rows.at[label, "regime"]) if known
                                         else _regime_of_new_grid(old[members], hh_atom[members], old_rows,
                                                                  units, unit))
        total = float(unit_hh.get(unit, households))
        can_be_met = np.floor(total / lo + 1e-9) >= np.ceil(total / hi - 1e-9) and total >= lo
        flag, kind = "", ""  # the flag's sentence and its kind (the grids' flag_reason and flag columns)
        if regime == "urban" and not band.contains(households):
            kind = FlagKind.OVER_BAND if households > hi else FlagKind.UNDER_BAND
            flag = f"{kind}: {households:,.0f} households after {source}, band {lo:g}-{hi:g}"
            if can_be_met:
                faults.append(EditFault(gid, "out_of_band", f"{households:,.0f} households, band {lo:g}-{hi:g}"))
        elif regime == "rural" and not band.contains(households):
            kind = FlagKind.RURAL_UNIT
            flag = f"rural_unit: the village is one grid by rule ({households:g} households, band {lo:g}-{hi:g})"
        hard = [f for f in faults if f.rule != "out_of_band"]
        if hard:
            kind = hard[0].rule
            flag = f"{hard[0].rule}: {hard[0].detail}"
        result.faults.extend(faults)
        # the same atoms keep the same outline exactly (a locked grid's geometry never changes)
        geometry = old_rows.at[label, "geometry"] if same_atoms else shapely.union_all(atoms.geometry.to_numpy()[members])
        base = old_rows.loc[label].to_dict() if known else _new_row(units, unit, plan)
        area, perimeter = geometry.area, geometry.length
        rows.append(base | extra | {
            "grid_id": gid, "code": gid, "unit_id": unit, "regime": regime, "households": households,
            "atoms": int(len(members)), "area_km2": area / 1e6,
            "polsby_popper": 4 * np.pi * area / perimeter**2 if perimeter > 0 else 0.0,
            "in_band": band.contains(households), "flag": str(kind), "flag_reason": flag,
            # out of band after the edit and the unit's households cannot meet the band: proven by counts
            "flag_proven": kind in (FlagKind.OVER_BAND, FlagKind.UNDER_BAND) and not can_be_met,
            "geometry": geometry})

    retired = sorted(set(old_rows.index) - {g for g, n in final_id.items() if g == n and g in old_rows.index})
    frame = pd.DataFrame(rows)
    columns = [c for c in grids.columns if c not in _STAFF_COLUMNS and c not in ("locked", "geometry")]
    columns += [c for c in frame.columns if c not in columns and c not in _STAFF_COLUMNS
                and c not in ("locked", "geometry")] + ["geometry"]
    for column in ("kind", "name"):
        if column in frame.columns:
            frame[column] = frame[column].fillna("").astype(str)
    if "rule" in frame.columns:  # the rule that made a new grid (gridmap.regimes.GridRule; dedicated: its own)
        rule_of = {"urban": "band", "rural": "village", "island": "island", "dedicated": "dedicated"}
        missing = frame["rule"].isna() | (frame["rule"].astype(str) == "")
        frame.loc[missing, "rule"] = frame.loc[missing, "regime"].astype(str).map(rule_of).fillna("band")
        changed_regime = frame["regime"].astype(str).isin(["island", "dedicated"])
        frame.loc[changed_regime, "rule"] = frame.loc[changed_regime, "regime"].astype(str).map(rule_of)
    new_grids = gpd.GeoDataFrame(frame[[c for c in columns if c in frame.columns]], geometry="geometry",
                                 crs=grids.crs)
    new_grids["in_band"] = new_grids["in_band"].astype(bool)
    locks = {final_id.get(g, g) for g in new_locks}
    new_grids["locked"] = new_grids["grid_id"].isin(locks).to_numpy()
    new_grids = new_grids.sort_values("grid_id").reset_index(drop=True)

    final = np.array([final_id[g] for g in new], dtype=object)
    layers = dict(plan.layers)
    layers["grids"] = new_grids
    layers["atoms"] = atoms.assign(grid_id=final)
    households = plan.households
    atom_pos = pd.Series(np.arange(len(atoms)), index=atoms["atom_id"].to_numpy())
    layers["households"] = households.assign(
        grid_id=final[atom_pos.reindex(households["atom_id"].to_numpy()).to_numpy(dtype=int)])
    layers["units"] = _unit_counts(plan.units, new_grids)
    for name in _STAFF_LAYERS:
        layers.pop(name, None)
    if "bases" in layers:  # unchanged grids keep their base; the others get one computed
        bases = layers["bases"]
        layers["bases"] = bases[bases["grid_id"].astype(str).isin(set(result.unchanged))].reset_index(drop=True)

    meta = {k: v for k, v in plan.meta.items() if k not in ("staffing", "reach")}
    codes = dict(meta.get("codes", {}))
    codes["retired"] = sorted(set(codes.get("retired", [])) | set(retired))
    meta["codes"] = codes
    update = UpdateResult(plan=Plan(layers=layers, meta=meta), faults=result.faults, unchanged=result.unchanged,
                          changed=result.changed, added=result.added, retired=retired, renamed=result.renamed,
                          moved_atoms=int((new != old).sum()))
    meta["summary"] = _summary(update.plan, band)
    meta["history"] = list(plan.meta.get("history", [])) + [
        {"step": source, "time": time.strftime("%Y-%m-%dT%H:%M:%S%z")} | update.changes()]
    return update


def _new_row(units, unit, plan) -> dict:
    info = units.loc[unit] if unit in units.index else {}
    county = plan.grids["county_name"].iloc[0] if "county_name" in plan.grids.columns else ""
    return {"county_name": county, "parent_id": info.get("parent_id", ""), "parent_name": info.get("parent_name", ""),
            "unit_name": info.get("name", "")}


def _regime_of_new_grid(old_grids, households, old_rows, units, unit) -> str:
    """A new grid takes the regime of the old grid most of its households come from (a grid cut from a
    mixed unit's town seat is urban, one from its countryside rural); without one, its unit's regime,
    where ``mixed`` counts as urban (a new grid is held to the band unless the edit says otherwise)."""
    weights = pd.Series(households + 1e-9).groupby(np.asarray(old_grids, dtype=str)).sum()
    for grid in weights.sort_values(ascending=False).index:
        if grid in old_rows.index and str(old_rows.at[grid, "regime"]) not in ("island", "dedicated", ""):
            return str(old_rows.at[grid, "regime"])
    regime = str(units.at[unit, "regime"]) if unit in units.index and "regime" in units else "urban"
    return "urban" if regime in ("mixed", "", "nan") else regime


def _used_serials(grids, meta) -> dict:
    """Serials used per unit: by the plan's grids and by every grid it ever retired."""
    used: dict[str, set] = {}
    codes = list(zip(grids["unit_id"].astype(str), grids["code"].astype(str)))
    for code in meta.get("codes", {}).get("retired", []):
        codes.append((code.rsplit("-", 1)[0] if "-" in code else code[:12], code))
    for unit, code in codes:
        serial = code_serial(code)
        if serial is not None:
            used.setdefault(unit, set()).add(serial)
    return used


def _next_code(unit: str, used: dict) -> str:
    serials = used.setdefault(unit, set())
    serial = max((s for s in serials if s < DEDICATED_SERIAL), default=0) + 1  # the regular series
    serials.add(serial)
    return grid_code(unit, serial)


def _unit_counts(units, grids) -> gpd.GeoDataFrame:
    """Units with ``grids``, ``island_grids`` and ``status`` recounted from the grids."""
    per = grids.groupby(grids["unit_id"].astype(str))
    out = units.copy()
    ids = out["unit_id"].astype(str)
    out["grids"] = per.size().reindex(ids).fillna(0).astype(int).to_numpy()
    out["island_grids"] = per["regime"].agg(lambda r: int((r == "island").sum())).reindex(ids).fillna(0).astype(int).to_numpy()
    urban = grids[grids["regime"] == "urban"]
    broken = set(urban.loc[~urban["in_band"].astype(bool), "unit_id"].astype(str))
    if "status" in out.columns:
        was_ok = out["status"].astype(str) == "ok"
        now_broken = ids.isin(broken).to_numpy()
        out.loc[was_ok.to_numpy() & now_broken, "status"] = "edited"
        out.loc[was_ok.to_numpy() & now_broken, "reason"] = "grids out of band after a change"
        if "reason_parts" in out.columns:  # the partitioner's reasons no longer hold: the status says it
            out.loc[was_ok.to_numpy() & now_broken, "reason_parts"] = ""
    return out


def _summary(plan: Plan, band: Band) -> dict:
    from gridmap.summary import plan_summary

    meta = plan.meta
    before = meta.get("summary", {})
    return plan_summary(plan.grids, plan.units, plan.households, plan.atoms, band, before.get("household_method", ""),
                        household_kind=before.get("household_kind", ""),
                        repaired=meta.get("inputs", {}).get("repaired_polygons", {}))


# --------------------------------------------------------------------------- update


def update_plan(plan: Plan, edits: Edits, *, lock=(), restaff: bool = True, adjacency=None) -> UpdateResult:
    """Apply ``edits`` (an :class:`~gridmap.edits.Edits`) to ``plan``.

    Atoms the edits do not name keep their grid. Locks after the update: the edits'
    locks when the file has a ``locked`` column, else the plan's; plus ``lock`` (grid ids).
    With ``restaff`` the new plan is staffed and its reach measured again under the
    plan's own rules (``meta["staffing"]``, ``meta["reach"]``) when the old plan had
    them; unchanged grids keep their bases.

    Raises :class:`InputError` when the edits name an atom that is not in the plan.
    """
    atoms = plan.atoms
    ids = atoms["atom_id"].astype(np.int64).to_numpy()
    position = pd.Series(np.arange(len(ids)), index=ids)
    given = edits.assignment
    unknown = ~given["atom_id"].isin(position.index)
    if unknown.any():
        raise InputError.of("update_atom_unknown", source=edits.source or i18n.Phrase("phrase.update_the_edits"),
                            atom=int(given["atom_id"][unknown].iloc[0]), count=int(unknown.sum()))
    grid = atoms["grid_id"].astype(str).to_numpy().copy()
    grid[position[given["atom_id"].to_numpy()].to_numpy()] = given["grid_id"].astype(str).to_numpy()
    locks = set(edits.locked) if edits.locked is not None else locked_ids(plan.grids)
    labels = set(grid)
    extra = {str(g) for g in lock}
    unknown_locks = sorted(extra - labels)
    if unknown_locks:
        raise InputError.of("update_lock_unknown_after", grid=unknown_locks[0])
    result = regrid(plan, grid, locked=(locks & labels) | extra, adjacency=adjacency, source="update")
    result.plan.meta["edits"] = {"source": edits.source, "change_log": list(edits.change_log)} | result.changes()
    if restaff:
        result.plan = restaff_plan(result.plan, plan.meta)
    return result


def restaff_plan(plan: Plan, old_meta: dict) -> Plan:
    """Staff ``plan`` and measure its reach again under the rules stored in ``old_meta`` (when present)."""
    from gridmap.staffing import staff_plan

    rules = RuleSet.from_meta(old_meta)
    reach = rules.reach
    if rules.staffing is not None:
        plan = staff_plan(plan, rules.staffing, reach_config=reach)
    if reach is not None:
        from gridmap.reach import reach_plan

        plan = reach_plan(plan, reach)
    return plan
