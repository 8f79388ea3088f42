"""The edits file: which grid each atom belongs to, which grids are locked, and what was changed.

A planner edits a plan by reassigning its atoms (the blocks cut by roads and rivers) to
grids: in QGIS, by editing the ``grid_id`` column of the plan's ``atoms`` layer; in the
browser editor (``gridmap edit``), by clicking. Either way the result is an *edits
file* that ``gridmap update PLAN --atoms EDITS`` applies. Its format (also in
docs/design.md):

- one feature (or row) per atom, in a GeoPackage, GeoJSON, or CSV file; geometry is
  optional and ignored (the plan's atoms are the geometry);
- ``atom_id`` (integer): an atom of the plan; atoms absent from the file keep their grid;
- ``grid_id`` (text): the grid the atom belongs to: an id of the plan's grids, or any
  new text for a new grid (it gets the next free code of its village/community);
- ``locked`` (optional, boolean or 0/1): the lock of the atom's grid; a grid is locked
  when any of its rows says so. When the column is present it replaces the plan's
  locks (the editor can unlock); when absent, the plan's locks stay;
- the change log (optional): in a GeoPackage, a table ``change_log``; in GeoJSON, a
  top-level member ``"change_log"`` of the FeatureCollection; a list of records with
  ``seq``, ``time`` (ISO 8601), ``action`` (``move``/``lock``/``unlock``/...),
  ``atom_id``, ``from_grid``, ``to_grid`` and ``note``, any of them optional. It is
  kept in the updated plan's ``meta["edits"]``. The browser editor's export
  (:mod:`gridmap.editor`) carries its log as ``"gridmap": {"changes": [...], "locked":
  [...]}``; both are read (each move one record, the listed grids locked).

:func:`assign_by_polygons` gives the same assignment from redrawn grid polygons
(``gridmap update --grids``): each atom goes to the polygon covering most of its area.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from gridmap._atomic import atomic_path
from gridmap.errors import InputError

#: Columns of a change-log record, in the order they are written.
CHANGE_LOG_COLUMNS = ("seq", "time", "action", "atom_id", "from_grid", "to_grid", "note")

_TRUE = {"1", "true", "yes", "y", "t", "locked"}
_FALSE = {"0", "false", "no", "n", "f", "", "none", "nan", "unlocked"}


@dataclass
class Edits:
    """An atom-to-grid assignment with optional locks and change log.

    Attributes
    ----------
    assignment : DataFrame with ``atom_id`` (int) and ``grid_id`` (str), one row per atom given.
    locked : grid ids locked by the file, or None when the file says nothing about locks.
    change_log : list of dicts (see the module docstring).
    source : where the edits came from (a path or a description), for messages and meta.
    """

    assignment: pd.DataFrame
    locked: set | None = None
    change_log: list = field(default_factory=list)
    source: str = ""


def read_edits(path) -> Edits:
    """Read an edits file (GeoPackage, GeoJSON or CSV; see the module docstring).

    Raises :class:`InputError` naming the file, the row and the fix when a column is
    missing or a value is not an atom id or a grid id.
    """
    path = Path(path)
    if not path.exists():
        raise InputError.of("edits_no_such_file", path=path)
    try:
        layers = [name for name, _ in pyogrio.list_layers(path)]
    except Exception as exc:
        raise InputError.of("edits_cannot_read", path=path, reason=str(exc).splitlines()[0]) from None
    layer = "atoms" if "atoms" in layers else next((n for n in layers if n != "change_log"), None)
    if layer is None:
        raise InputError.of("edits_no_atoms_layer", path=path)
    try:
        frame = pyogrio.read_dataframe(path, layer=layer, read_geometry=False)
    except Exception as exc:
        raise InputError.of("edits_cannot_read", path=path, reason=str(exc).splitlines()[0]) from None
    missing = [c for c in ("atom_id", "grid_id") if c not in frame.columns]
    if missing:
        raise InputError.of("edits_missing_columns", path=path, missing=missing)
    if frame.empty:
        raise InputError.of("edits_no_rows", path=path)
    atom_id = pd.to_numeric(frame["atom_id"], errors="coerce")
    bad = atom_id.isna() | (atom_id != atom_id.round())
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError.of("edits_atom_not_integer", path=path, row=i + 1, value=frame["atom_id"].iloc[i])
    grid_id = frame["grid_id"].map(_grid_text)
    if (grid_id == "").any():
        i = int(np.flatnonzero((grid_id == "").to_numpy())[0])
        raise InputError.of("edits_empty_grid", path=path, row=i + 1, atom=int(atom_id.iloc[i]))
    assignment = pd.DataFrame({"atom_id": atom_id.astype(np.int64).to_numpy(), "grid_id": grid_id.to_numpy()})
    duplicated = assignment["atom_id"].duplicated(keep=False)
    if duplicated.any():
        twice = assignment.loc[duplicated]
        conflicting = twice.groupby("atom_id")["grid_id"].nunique()
        if (conflicting > 1).any():
            atom = int(conflicting[conflicting > 1].index[0])
            raise InputError.of("edits_atom_in_several_grids", path=path, atom=atom,
                                 grids=sorted(twice.loc[twice["atom_id"] == atom, "grid_id"]))
        assignment = assignment.drop_duplicates("atom_id").reset_index(drop=True)
    locked = None
    if "locked" in frame.columns:
        flags = frame["locked"].map(lambda v: _flag(v, path))
        locked = set(grid_id[flags.to_numpy()])
    listed = _editor_locks(path)
    if listed is not None:
        locked = (locked or set()) | listed
    return Edits(assignment=assignment, locked=locked, change_log=_read_change_log(path, layers),
                 source=str(path))


def _grid_text(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _flag(value, path) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if value is None or (isinstance(value, float) and value != value):
        return False
    text = str(value).strip().lower()
    if text.endswith(".0"):
        text = text[:-2]
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise InputError.of("edits_bad_locked", path=path, value=value)


def _read_change_log(path: Path, layers: list[str]) -> list[dict]:
    if "change_log" in layers:
        log = pyogrio.read_dataframe(path, layer="change_log", read_geometry=False)
        return [{k: _plain(v) for k, v in row.items()} for row in log.to_dict("records")]
    if path.suffix.lower() in (".geojson", ".json"):
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            return []
        if not isinstance(document, dict):
            return []
        log = document.get("change_log", [])
        if not isinstance(log, list):
            raise InputError.of("edits_change_log_not_list", path=path)
        return [dict(r) for r in log if isinstance(r, dict)] + _editor_log(document.get("gridmap"))
    return []


def _editor_log(member) -> list[dict]:
    """Change-log records from the ``gridmap`` member the browser editor writes (``changes``: kind, time, moves)."""
    if not isinstance(member, dict) or not isinstance(member.get("changes"), list):
        return []
    out = []
    for change in member["changes"]:
        if not isinstance(change, dict):
            continue
        kind, when = change.get("kind"), change.get("time")
        if kind == "lock":
            kind = "lock" if change.get("locked") else "unlock"
        moves = change.get("moves") or [{}]
        for move in moves:
            out.append({"seq": len(out) + 1, "time": when, "action": kind, "atom_id": move.get("atom_id"),
                        "from_grid": move.get("from"), "to_grid": move.get("to", change.get("grid_id")),
                        "note": change.get("of")})
    return out


def _editor_locks(path: Path) -> set | None:
    """Locked grids listed in the editor's ``gridmap`` member of a GeoJSON file (None when absent)."""
    if path.suffix.lower() not in (".geojson", ".json"):
        return None
    try:
        member = json.loads(path.read_text(encoding="utf-8")).get("gridmap")
    except (UnicodeDecodeError, json.JSONDecodeError, AttributeError):
        return None
    if isinstance(member, dict) and isinstance(member.get("locked"), list):
        return {str(g) for g in member["locked"]}
    return None


def _plain(value):
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return None if value != value else float(value)
    if value is None or (isinstance(value, float) and value != value):
        return None
    return value


def write_edits(atoms: gpd.GeoDataFrame, path, *, locked=(), change_log=()) -> Path:
    """Write an edits file (GeoPackage or GeoJSON by suffix) from an atoms layer, atomically.

    ``atoms`` needs ``atom_id`` and ``grid_id`` (e.g. a plan's ``atoms`` layer after
    editing its ``grid_id`` column); ``locked`` names the locked grids; ``change_log`` is a
    list of dicts (see the module docstring). Geometries are written in WGS 84 for GeoJSON.
    """
    path = Path(path)
    locked = {str(g) for g in locked}
    out = gpd.GeoDataFrame({"atom_id": atoms["atom_id"].astype(np.int64).to_numpy(),
                            "grid_id": atoms["grid_id"].astype(str).to_numpy()},
                           geometry=atoms.geometry.to_numpy(), crs=atoms.crs)
    out["locked"] = out["grid_id"].isin(locked)
    log = pd.DataFrame([{c: r.get(c) for c in CHANGE_LOG_COLUMNS} for r in change_log],
                       columns=list(CHANGE_LOG_COLUMNS))
    geojson = path.suffix.lower() in (".geojson", ".json")
    with atomic_path(path) as tmp:
        if geojson:
            document = json.loads(out.to_crs(4326).to_json(drop_id=True))
            document["change_log"] = [{k: _plain(v) for k, v in r.items() if v is not None}
                                      for r in log.to_dict("records")]
            Path(tmp).write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        else:
            pyogrio.write_dataframe(out, tmp, layer="atoms", driver="GPKG")
            if len(log):
                typed = pd.DataFrame({c: pd.to_numeric(log[c], errors="coerce").astype("Int64")
                                      if c in ("seq", "atom_id") else log[c].map(lambda v: None if v is None else str(v))
                                      for c in CHANGE_LOG_COLUMNS})
                pyogrio.write_dataframe(typed, tmp, layer="change_log", driver="GPKG")
    return path


def assign_by_polygons(atoms: gpd.GeoDataFrame, polygons: gpd.GeoDataFrame, *, source: str = "grids") -> Edits:
    """Atoms assigned to redrawn grid polygons: each atom to the polygon covering most of its area.

    ``polygons`` (any CRS) carry their grid's id in ``grid_id`` (else ``code``); polygons
    without an id are new grids (``new-<row>``). An optional ``locked`` column locks
    grids. Atoms that no polygon covers keep their grid (they are counted in
    ``Edits.change_log`` as a note).
    """
    polygons = polygons.to_crs(atoms.crs).reset_index(drop=True)
    column = "grid_id" if "grid_id" in polygons.columns else "code" if "code" in polygons.columns else None
    ids = [(_grid_text(v) if column else "") or f"new-{i + 1}"
           for i, v in enumerate(polygons[column] if column else range(len(polygons)))]
    geoms = shapely.make_valid(polygons.geometry.to_numpy())
    atom_geoms = atoms.geometry.to_numpy()
    ai, pi = shapely.STRtree(geoms).query(atom_geoms, predicate="intersects")
    area = shapely.area(shapely.intersection(atom_geoms[ai], geoms[pi]))
    best = pd.DataFrame({"atom": ai, "poly": pi, "area": area})
    best = best[best["area"] > 0].sort_values(["atom", "area"], ascending=[True, False]).drop_duplicates("atom")
    grid = atoms["grid_id"].astype(str).to_numpy().copy()
    grid[best["atom"].to_numpy()] = np.asarray(ids, dtype=object)[best["poly"].to_numpy()]
    uncovered = len(atoms) - len(best)
    assignment = pd.DataFrame({"atom_id": atoms["atom_id"].astype(np.int64).to_numpy(), "grid_id": grid})
    locked = None
    if "locked" in polygons.columns:
        flags = polygons["locked"].map(lambda v: _flag(v, source))
        locked = {ids[i] for i in np.flatnonzero(flags.to_numpy())}
    log = [{"action": "note", "note": f"{uncovered} atom(s) covered by no polygon keep their grid"}] if uncovered else []
    return Edits(assignment=assignment, locked=locked, change_log=log, source=source)
