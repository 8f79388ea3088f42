"""Checks of any grid layer: a gridmap plan, or grids drawn by hand or exported from another system.

:func:`validate_grids` takes plain GeoDataFrames and returns :class:`Faults`: one row
per fault, located (the gap, the overlap, the stray part, the offending point...), with
its class and level, plus a summary per class. ``error`` faults break the rules a
county publishes (a gap nobody is responsible for, a grid in two villages, an urban grid
outside the household band); ``warning`` faults deserve a look but may be intended (an
empty exclave, a rural village kept whole above the band).

Every check works on arrays of geometries (shapely 2, STRtree); Python loops only
build the text of the faults found. Areas are m², lengths m: layers in a geographic CRS
are projected to the metric CRS of their centre first, and the faults say so.
"""
from __future__ import annotations

import json
import math
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from gridmap import i18n
from gridmap._arrays import bool_column
from gridmap._atomic import atomic_path
from gridmap._toml import read_toml
from gridmap.codes import code_problem
from gridmap.config import Band, RuleSet
from gridmap.crs import metric_crs, require_crs
from gridmap.errors import InputError
from gridmap._geometry import polygon_of, polygonal, present

#: Fault classes in reporting order, with their default level; their names in either
#: language are ``fault.<class>`` in gridmap.i18n.
FAULT_CLASSES = {
    "invalid_geometry": "error",
    "gap": "error",
    "outside_area": "error",
    "overlap": "error",
    "non_contiguous": "error",
    "crosses_unit": "error",
    "unit_mismatch": "warning",
    "out_of_band": "error",
    "empty_grid": "error",
    "duplicate_code": "error",
    "malformed_code": "error",
    "worker_without_grid": "error",
    "grid_without_worker": "error",
    "base_outside_grid": "error",
}

LEVELS = ("error", "warning")

#: Regimes whose grids are not held to the band: rural units are kept whole, islands are
#: exclaves or cut-off pieces (see gridmap.partition).
_LENIENT_REGIMES = ("rural", "island")
#: Regimes not held to the band at all: dedicated grids (专属网格: a school, a hospital, an
#: industrial park) serve a place, not a number of households, and may hold none.
_EXEMPT_REGIMES = ("dedicated",)

_UNIT_LEVEL_NAMES = {1: "county", 2: "township", 3: "village"}

_COLUMNS = ["fault", "level", "grid_id", "other_id", "unit_id", "detail", "detail_parts", "area_m2"]


@dataclass(frozen=True)
class ValidationRules:
    """What :func:`validate_plan` holds a plan to.

    Parameters
    ----------
    band : :class:`~gridmap.config.Band` (or a pair MIN MAX) of households per urban grid;
        None = the plan's own band.
    tolerance_m2 : gaps, overlaps, stray parts and border crossings up to this area (m²)
        are ignored (digitising noise); bases may lie up to its square root (m) outside
        their grid.
    levels : level of a fault class instead of its default: ``"error"``, ``"warning"``
        or ``"off"`` (not reported), e.g. ``{"out_of_band": "warning"}``.
    """

    band: Band | None = None
    tolerance_m2: float = 1.0
    levels: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.band is not None:
            object.__setattr__(self, "band", Band.coerce(self.band))
        if not (isinstance(self.tolerance_m2, (int, float)) and self.tolerance_m2 >= 0):
            raise InputError.of("out_validate_tolerance", value=self.tolerance_m2)
        for name, level in self.levels.items():
            if name not in FAULT_CLASSES:
                raise InputError.of("out_validate_unknown_fault", name=name, known=sorted(FAULT_CLASSES))
            if level not in (*LEVELS, "off"):
                raise InputError.of("out_validate_bad_level", name=name, value=level)

    @classmethod
    def from_dict(cls, data: dict, *, plan_band: bool = True) -> "ValidationRules":
        """Rules from the ``[validate]`` table of a config.

        ``band``: the table's own; else, with ``plan_band``, the ``[plan]`` table's (or the
        top level's); else None (the validated plan's own band). ``gridmap run`` reads its
        rules file with ``plan_band=False``: a plan is held to the band it was made with,
        which the command line may have changed (``--band``).
        """
        section = dict(data.get("validate", {}))
        unknown = set(section) - {"band", "tolerance_m2", "levels"}
        if unknown:
            raise InputError.of("rules_unknown_parameters", where="validate", unknown=sorted(unknown),
                                known="band, levels, tolerance_m2")
        band = section.get("band", data.get("plan", data).get("band") if plan_band else None)
        return cls(band=band, tolerance_m2=section.get("tolerance_m2", 1.0), levels=dict(section.get("levels", {})))

    @classmethod
    def from_toml(cls, path, *, plan_band: bool = True) -> "ValidationRules":
        """Rules from a TOML file: a plan config (its ``band``) with an optional ``[validate]`` table."""
        return cls.from_dict(read_toml(path, "rules"), plan_band=plan_band)

    @classmethod
    def coerce(cls, rules) -> "ValidationRules":
        """Rules from None, a ValidationRules, a PlanConfig, a dict or a TOML path."""
        if rules is None:
            return cls()
        if isinstance(rules, cls):
            return rules
        if isinstance(rules, dict):
            return cls.from_dict(rules)
        if isinstance(rules, (str, Path)):
            return cls.from_toml(rules)
        if isinstance(rules, RuleSet):
            return cls(band=rules.band)
        if hasattr(rules, "band"):  # a PlanConfig
            return cls(band=rules.band)
        raise TypeError(f"rules: expected a path, dict, PlanConfig, RuleSet or ValidationRules, got "
                        f"{type(rules).__name__}")


@dataclass
class Faults:
    """Result of a validation.

    Attributes
    ----------
    faults : GeoDataFrame, one row per fault: ``fault`` (class, see
        :data:`FAULT_CLASSES`), ``level`` (``error``/``warning``), ``grid_id`` (the grid
        at fault, '' for a gap), ``other_id`` (the other grid, unit, worker or base
        involved), ``unit_id``, ``detail`` (text), ``area_m2`` (0 for point faults);
        geometry = where the fault is, in the grids' metric CRS.
    checks : fault class -> ``"checked"`` or ``"skipped: <why>"`` (a layer was missing).
    notes : what was assumed on the way (reprojection, repaired geometries, ...).
    """

    faults: gpd.GeoDataFrame
    checks: dict
    notes: list = field(default_factory=list)
    note_parts: list = field(default_factory=list)

    @property
    def summary(self) -> pd.DataFrame:
        """Counts per fault class: ``fault``, ``label``, ``status``, ``errors``, ``warnings``, ``area_m2``."""
        rows = []
        for name in FAULT_CLASSES:
            mine = self.faults[self.faults["fault"] == name]
            rows.append({"fault": name, "label": i18n.term("fault", name, "en"), "status": self.checks.get(name, "skipped"),
                         "errors": int((mine["level"] == "error").sum()),
                         "warnings": int((mine["level"] == "warning").sum()),
                         "area_m2": float(mine["area_m2"].sum())})
        return pd.DataFrame(rows)

    @property
    def errors(self) -> int:
        return int((self.faults["level"] == "error").sum())

    @property
    def warnings(self) -> int:
        return int((self.faults["level"] == "warning").sum())

    @property
    def has_errors(self) -> bool:
        return self.errors > 0

    def __len__(self) -> int:
        return len(self.faults)

    def details(self, lang: str = "en") -> pd.Series:
        """The detail of each fault in ``lang`` (``zh`` or ``en``), aligned with :attr:`faults`."""
        if "detail_parts" not in self.faults.columns:
            return self.faults["detail"].astype(str)
        return pd.Series([render_detail(p, lang) for p in self.faults["detail_parts"]], index=self.faults.index,
                         dtype=object)

    def format_table(self, max_rows: int = 30, lang: str = "en") -> str:
        """The summary per class, then the faults themselves (errors first), as plain text in ``lang``."""
        t = lambda key, **kw: i18n.text(key, lang, **kw)  # noqa: E731
        name = (lambda f: f) if lang == "en" else (lambda f: i18n.term("fault", f, lang))
        width = 22 if lang == "en" else 32
        lines = [_pad(t("validate.fault"), width) + _pad(t("validate.errors"), 7, True)
                 + _pad(t("validate.warnings"), 9, True) + _pad(t("validate.area_m2"), 14, True)]
        for row in self.summary.itertuples():
            if row.status != "checked":
                lines.append(_pad(name(row.fault), width) + "  " + check_status(row.status, lang))
            else:
                lines.append(_pad(name(row.fault), width) + f"{row.errors:>7d}{row.warnings:>9d}{row.area_m2:>14,.0f}")
        lines.append(_pad(t("validate.total"), width) + f"{self.errors:>7d}{self.warnings:>9d}")
        if len(self.faults):
            lines.append("")
            details = self.details(lang)
            for row, detail in zip(self.faults.head(max_rows).itertuples(), details.head(max_rows)):
                where = row.grid_id or row.other_id
                level = row.level if lang == "en" else i18n.term("severity", row.level, lang)
                lines.append(_pad(level, 8) + _pad(name(row.fault), 20) + _pad(where, 20) + " " + detail)
            if len(self.faults) > max_rows:
                lines.append(t("validate.more", n=len(self.faults) - max_rows))
        notes = [i18n.text(f"note.{code}", lang, **params) for code, params in self.note_parts] \
            if len(self.note_parts) == len(self.notes) else self.notes
        for note in notes:
            lines.append(t("validate.note", note=note))
        return "\n".join(lines)

    def to_gpkg(self, path) -> Path:
        """Write the faults to a GeoPackage, atomically.

        Layers: ``faults`` (areas: gaps, overlaps, stray parts, crossings and the grids at
        fault, as MultiPolygons; faults without a place have no geometry),
        ``fault_points`` (workers and bases) and ``fault_summary`` (the counts per class).
        """
        path = Path(path)
        with atomic_path(path) as tmp:
            faults = self.faults
            points = faults.geom_type.isin(["Point", "MultiPoint"]).to_numpy()
            areas = faults[~points].copy()
            is_polygon = areas.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()
            areas.loc[~is_polygon & areas.geometry.notna().to_numpy(), areas.geometry.name] = None
            pyogrio.write_dataframe(areas, tmp, layer="faults", driver="GPKG", promote_to_multi=True,
                                    geometry_type="MultiPolygon")
            if points.any():
                pyogrio.write_dataframe(faults[points], tmp, layer="fault_points", driver="GPKG",
                                        promote_to_multi=False, geometry_type="Point")
            pyogrio.write_dataframe(self.summary, tmp, layer="fault_summary", driver="GPKG")
        return path


# --------------------------------------------------------------------------- entry points


def validate_plan(plan, rules=None) -> Faults:
    """Validate a :class:`~gridmap.plan.Plan` with its own layers.

    ``rules``: None, a :class:`ValidationRules`, a PlanConfig, a dict or a TOML path;
    the band is the rules' when they give one, else the plan's own (``plan.config.band``).
    """
    rules = ValidationRules.coerce(rules)
    band = rules.band or plan.config.band
    layers = plan.layers
    return validate_grids(layers["grids"], area=layers.get("area"), units=layers.get("units"),
                          households=layers.get("households"), workers=layers.get("workers"),
                          bases=layers.get("bases"), band=band, tolerance_m2=rules.tolerance_m2,
                          levels=rules.levels)


def validate_grids(grids: gpd.GeoDataFrame, *, area=None, units=None, households=None, workers=None, bases=None,
                   band=None, tolerance_m2: float = 1.0, levels: dict | None = None) -> Faults:
    """Check a grid layer against the rules of a grid system.

    Parameters
    ----------
    grids : polygons, one per grid. Used when present: ``grid_id`` (else ``code``, else
        the row number), ``code``, ``unit_id``, ``regime`` (``urban``/``rural``/
        ``island``; unknown = held to the band like ``urban``), ``households``, ``atoms``
        and ``flag_proven`` (gridmap's own plans: an out-of-band grid of one atom, or one the
        plan proved unavoidable, is a warning).
    area : polygon(s) the grids must cover exactly; without it the union of ``units``,
        and without those only holes inside the grids count as gaps.
    units : villages/communities or townships (``unit_id``, optional ``name`` and
        ``level`` 1 county .. 3 village: each level is checked on its own).
    households : points (or polygons, taken at an inner point) with an optional
        ``households`` count each (1 when absent); they replace the grids' own
        ``households`` column.
    workers : points with ``grid_id`` (optional ``worker_id``, ``worker_type``).
    bases : points with ``grid_id``.
    band : (min, max) households per grid; no band check when None.
    tolerance_m2 : areas (m²) up to which gaps, overlaps, stray parts and crossings are
        noise; bases may lie up to ``sqrt(tolerance_m2)`` m outside their grid.
    levels : fault class -> ``"error"``/``"warning"``/``"off"``, overriding defaults.
    """
    rules = ValidationRules(band=band, tolerance_m2=tolerance_m2, levels=levels or {})
    check = _Check(grids, tolerance_m2, rules.band)
    area = check.layer(area, "area", "polygon")
    units = check.layer(units, "units", "polygon")
    households = check.layer(households, "households")
    workers = check.layer(workers, "workers", "point")
    bases = check.layer(bases, "bases", "point")

    check.gaps(area, units)
    check.overlaps()
    check.contiguity()
    check.unit_borders(units)
    check.households(households)
    check.codes()
    check.workers(workers)
    check.bases(bases)
    return check.result(levels or {})


# --------------------------------------------------------------------------- the checks


class _Check:
    """The grids as arrays, and the faults found so far."""

    def __init__(self, grids: gpd.GeoDataFrame, tolerance_m2: float, band):
        if not isinstance(grids, gpd.GeoDataFrame):
            raise InputError.of("out_not_polygon_frame", what="grids")
        if grids.empty:
            raise InputError.of("out_layer_no_features", what="grids")
        require_crs(grids, "grids")
        self.notes: list[str] = []
        self.note_parts: list = []
        self.checks: dict[str, str] = {}
        self.rows: list[dict] = []
        self.tol = float(tolerance_m2)
        self.band: Band | None = band
        grids = grids.reset_index(drop=True)
        if grids.crs.is_geographic:
            valid = grids.geometry[present(grids.geometry)]
            if valid.empty:
                raise InputError.of("out_every_geometry_empty", what="grids")
            centre = shapely.union_all(valid.to_crs(4326).geometry.envelope.values).centroid
            crs = metric_crs(centre.x, centre.y)
            self._note("geographic", crs=grids.crs.name, metric=crs.name, epsg=crs.to_epsg())
            grids = grids.to_crs(crs)
        self.crs = grids.crs
        self.ids = self._ids(grids)
        self.codes_ = (grids["code"] if "code" in grids.columns else pd.Series(self.ids)).map(_text).to_numpy()
        self.unit_ids = grids["unit_id"].map(_text).to_numpy() if "unit_id" in grids.columns else None
        self.served_by = grids["served_by"].map(_text).to_numpy() if "served_by" in grids.columns \
            else np.full(len(grids), "", dtype=object)
        regime = grids["regime"].map(_text) if "regime" in grids.columns else pd.Series("", index=grids.index)
        self.lenient = regime.isin(_LENIENT_REGIMES).to_numpy()
        self.exempt = regime.isin(_EXEMPT_REGIMES).to_numpy()
        self.rural = (regime == "rural").to_numpy()
        self.regime = regime.to_numpy()
        self.hh = pd.to_numeric(grids["households"], errors="coerce").to_numpy(float) \
            if "households" in grids.columns else None
        # atoms per grid (gridmap's own plans say it): a grid of one atom cannot be split further
        self.atoms_n = pd.to_numeric(grids["atoms"], errors="coerce").to_numpy(float) \
            if "atoms" in grids.columns else np.full(len(grids), np.nan)
        # grids out of band that the plan proves no in-band split could avoid (gridmap's own plans
        # say it: an exhaustive search, or the counts); grids drawn elsewhere have no such column
        self.proven = bool_column(grids, "flag_proven")
        self.geoms = self._geometries(grids)
        self.area = shapely.area(self.geoms)
        self.present = ~shapely.is_empty(self.geoms) & (self.area > 0)
        self.shown = np.where(self.present, self.geoms, None)  # grids of some area; None for the others
        self.tree = shapely.STRtree(self.shown)
        self.coverage = None  # the union of the grids, once gaps() has made it

    # ------------------------------------------------------------------ helpers

    def _ids(self, grids) -> np.ndarray:
        for column in ("grid_id", "code"):
            if column in grids.columns:
                ids = grids[column].map(_text)
                if column != "grid_id":
                    self._note("named_by", column=column)
                return ids.to_numpy()
        self._note("named_by_row")
        return np.array([f"row {i + 1}" for i in range(len(grids))], dtype=object)

    def _geometries(self, grids) -> np.ndarray:
        """Polygonal geometry of each grid (empty when missing); invalid ones repaired and reported."""
        geoms = np.array([g if g is not None else shapely.Polygon() for g in grids.geometry.to_numpy()], dtype=object)
        self.checks["invalid_geometry"] = "checked"
        is_polygon = shapely.get_type_id(geoms) != -1
        is_polygon &= np.isin(shapely.get_type_id(geoms), [3, 6]) | shapely.is_empty(geoms)
        for i in np.flatnonzero(~is_polygon):
            self.add("invalid_geometry", i, _d("not_polygon", kind=geoms[i].geom_type), geometry=None)
            geoms[i] = shapely.Polygon()
        invalid = np.flatnonzero(~shapely.is_valid(geoms))
        if len(invalid):
            reasons = shapely.is_valid_reason(geoms[invalid])
            fixed = polygonal(shapely.make_valid(geoms[invalid]))
            for i, reason, geom in zip(invalid, reasons, fixed):
                where = _reason_point(reason)
                self.add("invalid_geometry", i, _d("invalid", text=reason),
                         geometry=where if where is not None else geom)
            geoms[invalid] = fixed
        return geoms

    def layer(self, gdf, what: str, kind: str | None = None):
        """Another layer, in the grids' CRS, without missing geometries (None stays None)."""
        if gdf is None:
            return None
        if not isinstance(gdf, gpd.GeoDataFrame):
            raise InputError.of("out_not_a_frame", what=what)
        require_crs(gdf, what)
        gdf = gdf[present(gdf.geometry)].reset_index(drop=True).to_crs(self.crs)
        if kind == "polygon":
            ok = gdf.geom_type.isin(["Polygon", "MultiPolygon"])
            if len(gdf) and not ok.any():
                raise InputError.of("out_expected_polygons", what=what, found=sorted(gdf.geom_type.unique()))
            gdf = gdf[ok].reset_index(drop=True)
            invalid = ~shapely.is_valid(gdf.geometry.to_numpy())
            if invalid.any():
                gdf = gdf.copy()
                gdf.loc[invalid, gdf.geometry.name] = polygonal(shapely.make_valid(gdf.geometry.to_numpy()[invalid]))
                self._note("repaired", what=what, n=int(invalid.sum()))
        elif kind == "point":
            gdf = gdf.assign(geometry=shapely.point_on_surface(gdf.geometry.to_numpy())) \
                if not gdf.geom_type.isin(["Point"]).all() else gdf
        return gdf

    def add(self, fault: str, i, detail: list, *, geometry="grid", other_id: str = "", area_m2: float = 0.0,
            level: str | None = None):
        """Record one fault of grid ``i`` (None for a fault of no grid, e.g. a gap).

        ``detail``: its parts as (code, parameters) (see :func:`_d`), put into words by
        gridmap.i18n in either language (``Faults.details``).
        """
        if isinstance(geometry, str) and geometry == "grid":
            geometry = self.geoms[i] if i is not None else None
        self.rows.append({
            "fault": fault, "level": level or FAULT_CLASSES[fault],
            "grid_id": self.ids[i] if i is not None else "", "other_id": other_id,
            "unit_id": self.unit_ids[i] if (i is not None and self.unit_ids is not None) else "",
            "detail": render_detail(detail, "en"), "detail_parts": _parts_json(detail), "area_m2": float(area_m2),
            "geometry": geometry,
        })

    def _note(self, _code: str, **params):
        """A note on what was assumed (``note.<code>`` in gridmap.i18n), kept as words and as data."""
        self.note_parts.append((_code, params))
        self.notes.append(i18n.text(f"note.{_code}", "en", **params))

    def _lenient_level(self, i) -> str:
        return "warning" if self.lenient[i] else "error"

    # ------------------------------------------------------------------ coverage

    def gaps(self, area, units):
        """Gaps: the area less the grids' union; grids reaching outside the area."""
        coverage = self.coverage = shapely.union_all(self.geoms[self.present])
        if area is not None and len(area):
            outline, source = shapely.union_all(area.geometry.to_numpy()), "area"
        elif units is not None and len(units):
            outline, source = shapely.union_all(units.geometry.to_numpy()), "units"
            self._note("area_from_units")
        else:
            outline, source = None, None
        if outline is None:
            gaps = _holes(coverage)
            self.checks["gap"] = "checked (holes between grids only: no area or units)"
            self.checks["outside_area"] = "skipped: no area or units"
        else:
            gaps = shapely.get_parts(shapely.difference(outline, coverage))
            self.checks["gap"] = self.checks["outside_area"] = "checked"
            # only grids the outline does not cover have a part outside it
            shapely.prepare(outline)
            uncovered = np.flatnonzero(~shapely.covers(outline, self.geoms))
            outside = np.full(len(self.geoms), None, dtype=object)
            outside[uncovered] = shapely.difference(self.geoms[uncovered], outline)
            outside_area = np.zeros(len(self.geoms))
            outside_area[uncovered] = shapely.area(outside[uncovered])
            for i in np.flatnonzero(self.present & (outside_area > self.tol)):
                self.add("outside_area", i, _d("outside_area", area=float(outside_area[i]),
                                               share=float(outside_area[i] / self.area[i]), source=source),
                         geometry=polygonal(outside[i]),
                         area_m2=outside_area[i])
        gaps = np.array([g for g in gaps if g.geom_type == "Polygon"], dtype=object)
        gaps = gaps[shapely.area(gaps) > self.tol] if len(gaps) else gaps
        if not len(gaps):
            return
        gap_index, grid_index = self.tree.query(gaps, predicate="intersects")
        neighbours = pd.Series(self.ids[grid_index]).groupby(gap_index).agg(lambda s: ", ".join(sorted(set(s))))
        for k, gap in enumerate(gaps):
            near = neighbours.get(k, "")
            self.add("gap", None, _d("gap", area=gap.area, near=near) if near else _d("gap_alone", area=gap.area),
                     geometry=gap, other_id=near, area_m2=gap.area)

    def overlaps(self):
        """Overlaps: intersections of grid pairs (found with the STRtree) larger than the tolerance."""
        self.checks["overlap"] = "checked"
        if self.coverage is not None:
            # The grids' areas exceed their union's by at least the area any two of them
            # share: when that excess is within the tolerance, no pair can overlap by more.
            excess = float(self.area[self.present].sum()) - float(shapely.area(self.coverage))
            if excess <= 0.5 * self.tol:
                return
        a, b = self.tree.query(self.geoms, predicate="intersects")
        keep = (a < b) & self.present[a] & self.present[b]
        a, b = a[keep], b[keep]
        if not len(a):
            return
        shared = shapely.intersection(self.geoms[a], self.geoms[b])
        shared_area = shapely.area(shared)
        for i, j, geom, size in zip(a, b, shared, shared_area):
            if size > self.tol:
                self.add("overlap", i, _d("overlap", other=self.ids[j], area=float(size)),
                         geometry=polygonal(geom), other_id=self.ids[j], area_m2=size)

    def contiguity(self):
        """Grids in several parts: every part but the largest is a stray part."""
        self.checks["non_contiguous"] = "checked"
        parts, owner = shapely.get_parts(self.geoms, return_index=True)
        if not len(parts):
            return
        areas = shapely.area(parts)
        frame = pd.DataFrame({"owner": owner, "area": areas})
        frame = frame[frame["area"] > 0]
        counts = frame.groupby("owner").size()
        main = frame.groupby("owner")["area"].idxmax()
        for i in counts.index[counts > 1]:
            mine = frame[frame["owner"] == i]
            stray = mine.drop(index=main[i])
            stray = stray[stray["area"] > self.tol]
            if stray.empty:
                continue
            self.add("non_contiguous", int(i), _d("non_contiguous", parts=len(mine), stray=len(stray),
                                                  area=float(stray["area"].sum()), main=float(mine["area"].max()))
                     + (_d("rural_parts") if self.rural[i] else []),
                     geometry=shapely.union_all(parts[stray.index.to_numpy()]), area_m2=stray["area"].sum(),
                     level="warning" if self.rural[i] else "error")

    def unit_borders(self, units):
        """Grids not within one unit of each level (overlay through the STRtree)."""
        if units is None or not len(units):
            self.checks["crosses_unit"] = self.checks["unit_mismatch"] = "skipped: no units layer"
            return
        self.checks["crosses_unit"] = "checked"
        uid = (units["unit_id"] if "unit_id" in units.columns else pd.Series(range(1, len(units) + 1))).map(_text)
        uname = units["name"].map(_text) if "name" in units.columns else uid
        ulevel = pd.to_numeric(units["level"], errors="coerce") if "level" in units.columns else \
            pd.Series(np.nan, index=units.index)
        finest = None
        for level in sorted(ulevel.dropna().unique()) or [None]:
            rows = np.flatnonzero((ulevel == level).to_numpy() if level is not None else np.ones(len(units), bool))
            label = _UNIT_LEVEL_NAMES.get(int(level), "unit") if level is not None else "unit"
            ugeoms = units.geometry.to_numpy()[rows]
            gi, uj = shapely.STRtree(ugeoms).query(self.geoms, predicate="intersects")
            # a grid that one unit of the level covers is its own piece of that unit (no
            # overlay); only the other pairs are intersected
            cu, cg = self.tree.query(ugeoms, predicate="covers")
            alone = np.bincount(cg, minlength=len(self.geoms)) == 1
            cover = np.full(len(self.geoms), -1)
            cover[cg[alone[cg]]] = cu[alone[cg]]
            whole = cover[gi] == uj
            pieces = np.empty(len(gi), dtype=object)
            pieces[whole] = self.geoms[gi[whole]]
            pieces[~whole] = shapely.intersection(self.geoms[gi[~whole]], ugeoms[uj[~whole]])
            area = np.empty(len(gi))
            area[whole] = self.area[gi[whole]]
            area[~whole] = shapely.area(pieces[~whole])
            frame = pd.DataFrame({"grid": gi, "unit": uj, "area": area})
            frame = frame[frame["area"] > 0]
            if frame.empty:
                continue
            home = frame.loc[frame.groupby("grid")["area"].idxmax()].set_index("grid")["unit"]
            frame["home"] = frame["unit"].to_numpy() == home.reindex(frame["grid"]).to_numpy()
            # pieces up to the tolerance are shared-border noise (1e-8 m² along unit borders)
            away = frame[~frame["home"] & (frame["area"] > self.tol)]
            away_area = away.groupby("grid")["area"].sum()
            ids, names = uid.to_numpy()[rows], uname.to_numpy()[rows]
            # each grid's pieces away from home, in the frame's order (arrays: one pass, not a filter per grid)
            a_grid, a_unit = away["grid"].to_numpy(), away["unit"].to_numpy()
            a_area, a_row = away["area"].to_numpy(), away.index.to_numpy()
            order = np.argsort(a_grid, kind="stable")
            cut = np.flatnonzero(np.diff(a_grid[order])) + 1
            groups = dict(zip(a_grid[order][np.r_[0, cut]].tolist(), np.split(order, cut))) if len(order) else {}
            home_of, total_of = home.to_dict(), away_area.to_dict()
            crossing = [i for i in away_area.index[away_area > self.tol]]
            unions = polygonal(np.array([shapely.union_all(pieces[a_row[groups[i]]]) for i in crossing], dtype=object))
            for i, union in zip(crossing, unions):
                pick = groups[i]
                h = home_of[i]
                share = 1 - total_of[i] / self.area[i]
                into = ", ".join(f"{names[u]} ({ids[u]}): {a:,.0f} m²" for u, a in zip(a_unit[pick], a_area[pick]))
                self.add("crosses_unit", int(i), _d("crosses_unit", share=float(share), level=label,
                                                    name=names[h], id=ids[h], into=into),
                         geometry=union, other_id=", ".join(ids[a_unit[pick]]), area_m2=total_of[i])
            if level is None or level == ulevel.max():
                finest = (home, ids, names, label)
        self._unit_mismatch(finest)

    def _unit_mismatch(self, finest):
        if self.unit_ids is None or finest is None:
            self.checks["unit_mismatch"] = "skipped: " + ("grids have no unit_id" if self.unit_ids is None
                                                           else "no grid lies in a unit")
            return
        home, ids, names, label = finest
        if not set(self.unit_ids) & set(ids):
            self.checks["unit_mismatch"] = "skipped: the grids' unit_id values are not the units' ids"
            return
        self.checks["unit_mismatch"] = "checked"
        found = ids[home.to_numpy()]
        for i, unit in zip(home.index, found):
            if self.unit_ids[i] and unit != self.unit_ids[i]:
                self.add("unit_mismatch", int(i), _d("unit_mismatch", unit_id=self.unit_ids[i], level=label,
                                                     name=names[home[i]], id=unit), other_id=unit)

    # ------------------------------------------------------------------ households

    def households(self, households):
        """Households per grid against the band, and grids with no area or no households."""
        hh = self.hh
        if households is not None:
            weights = pd.to_numeric(households["households"], errors="coerce").fillna(0).to_numpy(float) \
                if "households" in households.columns else np.ones(len(households))
            points = shapely.point_on_surface(households.geometry.to_numpy())
            # a point on a shared edge counts once; grids of no area hold none
            grid_of = polygon_of(self.shown, points)
            inside = grid_of >= 0
            hh = np.bincount(grid_of[inside], weights=weights[inside], minlength=len(self.geoms))
            outside = int((~inside).sum())
            self._note("households_counted", households=float(weights.sum()), features=len(points),
                       outside=int(outside))
        self.checks["empty_grid"] = "checked"
        for i in np.flatnonzero(~self.present):
            self.add("empty_grid", i, _d("no_area"), geometry=None)
        for i in np.flatnonzero(self.present & (self.area <= self.tol)):  # a speck: no grid to walk
            self.add("empty_grid", i, _d("speck", m2=float(self.area[i]), tol=self.tol))
        if hh is None:
            self.checks["out_of_band"] = "skipped: no households (layer or grid column)"
            return
        self.hh = hh
        for i in np.flatnonzero(self.present & (hh <= 0) & ~self.exempt):
            regime = _d("regime_grid", regime=self.regime[i]) if self.regime[i] else []
            self.add("empty_grid", i, _d("no_households") + regime, level=self._lenient_level(i))
        if self.band is None:
            self.checks["out_of_band"] = "skipped: no band"
            return
        self.checks["out_of_band"] = "checked"
        lo, hi = self.band
        out = self.present & (hh > 0) & ~self.band.contains(hh) & ~self.exempt
        # A unit holding fewer households than the band's minimum cannot have an in-band
        # grid: its under-band grid is the only possible plan, a warning.
        unit_total = pd.Series(hh).groupby(self.unit_ids).transform("sum").to_numpy() \
            if self.unit_ids is not None else np.full(len(hh), np.inf)
        for i in np.flatnonzero(out):
            side = _d("out_of_band_low", households=float(hh[i]), lo=lo) if hh[i] < lo else \
                _d("out_of_band_high", households=float(hh[i]), hi=hi)
            regime = _d("regime_grid", regime=self.regime[i]) if self.regime[i] else []
            level = self._lenient_level(i)
            if hh[i] < lo and unit_total[i] < lo and self.unit_ids[i]:
                regime += _d("unit_cannot", unit_id=self.unit_ids[i], total=float(unit_total[i]))
                level = "warning"
            elif hh[i] > hi and self.atoms_n[i] == 1:
                # one atom (a block with no buildings or points to split it along) holds more
                # than the band's top: no plan can put it in band, like a unit below the band
                regime += _d("one_atom")
                level = "warning"
            elif self.proven[i] and not self.lenient[i]:
                # the plan's exact step proved that no contiguous in-band split of its part exists
                regime += _d("proven_unavoidable")
                level = "warning"
            self.add("out_of_band", i, side + regime, level=level)

    # ------------------------------------------------------------------ codes

    def codes(self):
        """Duplicate grid ids or codes; codes not of the form unit code + serial."""
        self.checks["duplicate_code"] = self.checks["malformed_code"] = "checked"
        columns = [("grid_id", self.ids)]
        if not np.array_equal(self.codes_, self.ids):
            columns.append(("code", self.codes_))
        for name, values in columns:
            series = pd.Series(values)
            dup = series.duplicated(keep=False) & (series != "")
            groups = series[dup].groupby(series[dup]).groups
            for value, index in groups.items():
                for i in index:
                    others = ", ".join(str(j + 1) for j in index if j != i)
                    self.add("duplicate_code", int(i), _d("duplicate_code", column=name, value=value, n=len(index),
                                                          rows=others), other_id=value)
        units = self.unit_ids if self.unit_ids is not None else [None] * len(self.codes_)
        for i, (code, unit) in enumerate(zip(self.codes_, units)):
            problem = code_problem(code, unit)
            if problem:
                why, params = problem
                self.add("malformed_code", i, _d("malformed_code", code=code) + _d(f"code_why_{why}", **params),
                         other_id=code)

    # ------------------------------------------------------------------ staffing

    def workers(self, workers):
        """Workers whose grid is missing or unknown; grids nobody works in."""
        if workers is None:
            self.checks["worker_without_grid"] = self.checks["grid_without_worker"] = "skipped: no workers layer"
            return
        self.checks["worker_without_grid"] = self.checks["grid_without_worker"] = "checked"
        grid_of = workers["grid_id"].map(_text).to_numpy() if "grid_id" in workers.columns \
            else np.full(len(workers), "", dtype=object)
        names = workers["worker_id"].map(_text).to_numpy() if "worker_id" in workers.columns \
            else np.array([f"row {k + 1}" for k in range(len(workers))], dtype=object)
        kinds = workers["worker_type"].map(_text).to_numpy() if "worker_type" in workers.columns \
            else np.full(len(workers), "", dtype=object)
        known = set(self.ids)
        # set lookups: np.isin of object arrays compares every pair (2 s at 100,000 atoms)
        for k in np.flatnonzero([g not in known for g in grid_of]):
            detail = _d("worker_no_grid_id", worker=names[k], kind=kinds[k]) if not grid_of[k] else \
                _d("worker_unknown_grid", worker=names[k], kind=kinds[k], grid=grid_of[k])
            self.rows.append(_row("worker_without_grid", "", names[k], "", detail, 0.0, workers.geometry.to_numpy()[k]))
        staffed = set(grid_of)
        # a grid served by the worker of another grid (an exclave, see staffing) is staffed
        staffed |= {g for g, by in zip(self.ids, self.served_by) if by in staffed}
        for i in np.flatnonzero([g not in staffed for g in self.ids]):
            empty = self.hh is not None and self.hh[i] == 0
            self.add("grid_without_worker", i, _d("grid_without_worker_empty" if empty else "grid_without_worker"),
                     level="warning" if empty else "error")

    def bases(self, bases):
        """Bases (workrooms, stations) not inside the grid they serve."""
        if bases is None:
            self.checks["base_outside_grid"] = "skipped: no bases layer"
            return
        self.checks["base_outside_grid"] = "checked"
        grid_of = bases["grid_id"].map(_text).to_numpy() if "grid_id" in bases.columns \
            else np.full(len(bases), "", dtype=object)
        position = pd.Series(np.arange(len(self.ids)), index=self.ids)
        position = position[~position.index.duplicated()]
        index = position.reindex(grid_of).to_numpy()
        known = ~np.isnan(index)
        points = bases.geometry.to_numpy()
        reach = max(math.sqrt(self.tol), 0.01)  # m
        distance = np.full(len(bases), np.inf)
        distance[known] = shapely.distance(points[known], self.geoms[index[known].astype(int)])
        for k in np.flatnonzero(distance > reach):
            if not known[k]:
                detail = _d("base_no_grid_id", base=k + 1) if not grid_of[k] else \
                    _d("base_unknown_grid", base=k + 1, grid=grid_of[k])
            else:
                detail = _d("base_outside", base=k + 1, distance=float(distance[k]), grid=grid_of[k])
            self.rows.append(_row("base_outside_grid", grid_of[k] if known[k] else "", f"base {k + 1}", "",
                                  detail, 0.0, points[k]))

    # ------------------------------------------------------------------ result

    def result(self, levels: dict) -> Faults:
        frame = pd.DataFrame(self.rows, columns=_COLUMNS + ["geometry"])
        for name, level in levels.items():
            frame.loc[frame["fault"] == name, "level"] = level
        frame = frame[frame["level"] != "off"]
        order = {name: k for k, name in enumerate(FAULT_CLASSES)}
        frame = frame.assign(_level=frame["level"].map({"error": 0, "warning": 1}),
                             _class=frame["fault"].map(order))
        frame = frame.sort_values(["_level", "_class", "grid_id"], kind="stable").drop(columns=["_level", "_class"])
        faults = gpd.GeoDataFrame(frame.reset_index(drop=True), geometry="geometry", crs=self.crs)
        checks = dict(self.checks)
        for name, level in levels.items():
            if level == "off":
                checks[name] = "skipped: turned off by the rules"
        return Faults(faults=faults, checks=checks, notes=self.notes, note_parts=self.note_parts)


def _row(fault, grid_id, other_id, unit_id, detail, area_m2, geometry, level=None) -> dict:
    return {"fault": fault, "level": level or FAULT_CLASSES[fault], "grid_id": grid_id, "other_id": other_id,
            "unit_id": unit_id, "detail": render_detail(detail, "en"), "detail_parts": _parts_json(detail),
            "area_m2": area_m2, "geometry": geometry}


def _pad(text, width: int, right: bool = False) -> str:
    """``text`` padded to ``width`` terminal columns (CJK characters take two)."""
    text = str(text)
    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    fill = " " * max(width - used, 0)
    return fill + text if right else text + fill


#: Why a check was skipped, as validate words it -> its key in gridmap.i18n.
_WHY = {"no area or units": "no_area_units", "no units layer": "no_units", "grids have no unit_id": "no_unit_id",
        "no grid lies in a unit": "no_grid_in_unit",
        "the grids' unit_id values are not the units' ids": "unit_ids_differ",
        "no households (layer or grid column)": "no_households", "no band": "no_band",
        "no workers layer": "no_workers", "no bases layer": "no_bases", "turned off by the rules": "off"}


def check_status(status: str, lang: str) -> str:
    """A check's status (``checked``, ``skipped: <why>``) in ``lang``."""
    if status == "checked":
        return i18n.text("check.checked", lang)
    if status.startswith("checked ("):
        return i18n.text("why.holes_only", lang)
    why = status.split(": ", 1)[1] if ": " in status else ""
    if why in _WHY:
        return i18n.text("check.skipped_because", lang, why=i18n.text(f"why.{_WHY[why]}", lang))
    return i18n.text("check.skipped_because", lang, why=why) if why else i18n.text("check.skipped", lang)


def _d(_code: str, **params) -> list:
    """One part of a fault's detail: its code (``detail.<code>`` in gridmap.i18n) and numbers."""
    return [(_code, params)]


#: Parameters that are words of the vocabulary themselves: (group, how the value is shown).
_TERM_PARAMS = {"regime": "regime", "level": "level", "source": "value"}


def render_detail(parts, lang: str) -> str:
    """A fault's detail (a list of (code, parameters), or its JSON) in ``lang``."""
    if isinstance(parts, str):
        parts = json.loads(parts) if parts else []
    out = []
    for code, params in parts:
        params = dict(params)
        for name, group in _TERM_PARAMS.items():
            if name in params:
                params[name] = i18n.term(group, params[name], lang)
        if "kind" in params and code.startswith("worker_"):
            kind = i18n.term("worker_type", params["kind"], lang) if params["kind"] else ""
            params["kind"] = (i18n.text("map.paren", lang).format(kind)) if kind else ""
        out.append(i18n.fault_detail(code, lang, **params))
    return "".join(out)


def _parts_json(parts) -> str:
    def plain(v):
        return v.item() if isinstance(v, np.generic) else v if isinstance(v, (int, float, str)) else str(v)

    return json.dumps([[code, {k: plain(v) for k, v in params.items()}] for code, params in parts],
                      ensure_ascii=False)


def _text(value) -> str:
    """Ids as text: None/NaN -> '', 12.0 -> '12'."""
    if value is None or (not isinstance(value, str) and pd.api.types.is_scalar(value) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _holes(coverage) -> np.ndarray:
    """Interior rings of a (multi)polygon, as polygons."""
    parts = shapely.get_parts(coverage)
    parts = parts[shapely.get_type_id(parts) == 3] if len(parts) else parts
    counts = shapely.get_num_interior_rings(parts)
    if not len(parts) or counts.sum() == 0:
        return np.array([], dtype=object)
    owner = np.repeat(np.arange(len(parts)), counts)
    index = np.concatenate([np.arange(c) for c in counts])
    return shapely.polygons(shapely.get_interior_ring(parts[owner], index))


def _reason_point(reason: str):
    """The location GEOS gives in an is_valid_reason text ('Self-intersection[x y]')."""
    match = re.search(r"\[(-?[\d.eE+-]+) (-?[\d.eE+-]+)\]", reason or "")
    return shapely.Point(float(match[1]), float(match[2])) if match else None


# --------------------------------------------------------------------------- files


def validate_file(path, *, rules=None, layer: str | None = None, grid_id: str | None = None, area=None, units=None,
                  unit_id: str | None = None, households=None, households_column: str | None = None,
                  band=None, gcj02=(), bd09=()) -> Faults:
    """Validate a plan (plan.gpkg) or any grid layer file, the code behind ``gridmap validate``.

    A GeoPackage with a ``grids`` layer is read as a plan (its other layers are used)
    unless ``layer`` is given; any other file is one grid layer (``layer`` names it in a
    multi-layer file).
    ``area``, ``units`` and ``households`` files replace the plan's layers;
    ``households_column`` names the count column of the households file, or of the grid
    layer itself when no households file is given. ``band`` overrides the rules' band,
    which overrides the plan's. ``gcj02``: the files (``grids``, ``area``, ``units``,
    ``households``, or ``all``) whose coordinates are GCJ-02 (grids drawn on AMap/Gaode):
    shifted to WGS 84 on reading; ``bd09``: those in BD-09 (drawn on Baidu Maps), likewise.
    """
    from gridmap.inputs import VALIDATE_GCJ02_ROLES, datum_roles
    from gridmap.inputs.files import read_households, read_layer, shift_to_wgs84, unit_columns
    from gridmap.plan import Plan

    datums = datum_roles(gcj02, bd09, known=VALIDATE_GCJ02_ROLES)

    rules = ValidationRules.coerce(rules)
    path = Path(path)
    if not path.exists():
        raise InputError.of("no_such_file", what="grids", path=path)
    plan_layers = {}
    try:
        names = [name for name, _ in pyogrio.list_layers(path)] if path.suffix.lower() != ".zip" else []
    except Exception as exc:
        raise InputError.of("cannot_read", what="grids", path=path, reason=str(exc).splitlines()[0]) from None
    plan_band = None
    if layer is None and "grids" in names:
        plan = Plan.load(path)
        plan_layers, plan_band = dict(plan.layers), plan.config.band
    else:  # grids without a geometry stay: they are faults to report (empty_grid)
        plan_layers["grids"] = read_layer(path, what="grids", layer=layer, datum=datums.get("grids"),
                                              keep_empty=True)
    grids = plan_layers["grids"]
    if not isinstance(grids, gpd.GeoDataFrame) or grids.empty:
        raise InputError.of("out_file_no_features", what="grids", path=path)
    require_crs(grids, f"grids ({path})")
    if "grids" in datums and not grids.attrs.get("datum"):  # a plan's grids, declared shifted
        grids = shift_to_wgs84(grids, f"grids ({path})", datums["grids"])
    if grid_id is not None:
        if grid_id not in grids.columns:
            raise InputError.of("no_column", what="grids", column=repr(grid_id),
                                columns=list(grids.columns.drop(grids.geometry.name)))
        grids = grids.drop(columns=["grid_id"], errors="ignore").rename(columns={grid_id: "grid_id"})
    if households_column is not None and households is None:
        if households_column not in grids.columns:
            raise InputError.of("out_no_households_column", what="grids", column=repr(households_column))
        grids = grids.drop(columns=["households"], errors="ignore").rename(columns={households_column: "households"})
        plan_layers.pop("households", None)
    plan_layers["grids"] = grids
    if area is not None:
        plan_layers["area"] = read_layer(area, what="area", kind="polygon", datum=datums.get("area"))
    if units is not None:
        # the units and households readers of planning (gridmap.inputs.files), so that a
        # file means the same to validate as to partition
        layer_units = read_layer(units, what="units", kind="polygon", datum=datums.get("units"))
        plan_layers["units"] = unit_columns(layer_units, unit_id, unique=False, keep=("level",))
    if households is not None:
        plan_layers["households"] = read_households(households, households_column, datum=datums.get("households"),
                                                    default_column="households")
    band = band if band is not None else rules.band or plan_band
    return validate_grids(plan_layers["grids"], area=plan_layers.get("area"), units=plan_layers.get("units"),
                          households=plan_layers.get("households"), workers=plan_layers.get("workers"),
                          bases=plan_layers.get("bases"), band=band, tolerance_m2=rules.tolerance_m2,
                          levels=rules.levels)
