"""Known household totals spread where people live (dasymetric mapping).

A total (the registered households of a village, a township's census count, a county's
2020 census figure) belongs to a polygon: a unit, several units, or the whole area. Inside
it the households go where the evidence says people live, with the best evidence there is:

``buildings``
    The residential buildings (or household points) inside carry the total, each in
    proportion to its own estimate, when their estimate is at least ``1 / max_scale`` of
    the total: they cover the built-up area well enough that scaling them keeps the
    pattern without piling hundreds of households onto one house.
``built-up``
    Otherwise the total is shared among the cells (``cell_m`` × ``cell_m`` m) of a lattice
    over the polygon, each weighted by the built-up evidence at its centre: residential
    landuse, a building footprint within ``building_m``, a residential street within
    ``street_m`` (so streets in a dense grid weigh more), and village / community points
    (``place=village|hamlet|neighbourhood|quarter``...) with a weight that fades to zero at
    their radius; the strongest kind at a cell sets its weight and each other kind adds a
    quarter. One sparse building then weighs one cell, never the whole polygon.
``even``
    No evidence at all: the total is spread evenly over a lattice as coarse as holds about
    half ``max_cell_households`` a cell (:func:`even_spacing`; never finer than
    ``cell_m``), and said so.

A cell may hold at most ``max_cell_households`` (when set: half the band's width, so that
grids of whole cells can still land in the band; a cell is the finest a grid can take of
it): a heavier cell's households are shared evenly among its four quarters (those inside
the polygon), down to quarters of ``min_cell_m``. The evidence keeps its resolution;
within a cell the households were spread evenly already.

The evidence is *thin* when the built-up cells would have to hold more than
``max_density`` households per km²; that is reported per polygon, as is a total that
disagrees with the estimate of the points or buildings inside it by more than
``disagree_factor``.

All layers in one metric CRS (m). Pure functions of their inputs: no randomness.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap import _geometry
from gridmap.errors import InputError

#: Radius (m) of the settlement around a place point of each kind, where its weight fades to 0.
PLACE_RADIUS_M = {"town": 800.0, "village": 400.0, "hamlet": 200.0, "isolated_dwelling": 60.0,
                  "suburb": 600.0, "quarter": 400.0, "neighbourhood": 250.0, "city_block": 120.0,
                  "unit": 400.0}

#: ``highway`` values of streets that run through housing.
RESIDENTIAL_STREETS = frozenset({"residential", "living_street"})


@dataclass(frozen=True)
class SpreadRule:
    """How totals are spread (see the module text).

    ``cell_m``: lattice spacing, m; ``max_scale``: the buildings carry a total up to this
    many times their estimate; ``max_density``: households per km² of built-up cells above
    which the evidence is called thin; ``disagree_factor``: totals and point estimates
    further apart than this factor are reported (None: never); ``building_m`` and
    ``street_m``: distance from a cell centre to a footprint or residential street that
    counts as evidence, m; ``place_radius_m``: radius of a place point's settlement by kind;
    ``max_cell_households``: a cell holding more is shared among its quarters (None: never),
    down to cells of ``min_cell_m``.
    """

    cell_m: float = 50.0
    max_scale: float = 2.0
    max_density: float = 30_000.0
    disagree_factor: float | None = 3.0
    building_m: float = 30.0
    street_m: float = 40.0
    place_radius_m: dict = field(default_factory=lambda: dict(PLACE_RADIUS_M))
    max_cell_households: float | None = None
    min_cell_m: float = 10.0

    def __post_init__(self):
        for name in ("cell_m", "max_scale", "max_density", "building_m", "street_m", "min_cell_m"):
            value = getattr(self, name)
            if not value > 0:
                raise ValueError(f"SpreadRule.{name} must be > 0, got {value!r}")
        if self.max_scale < 1:
            raise ValueError(f"SpreadRule.max_scale must be ≥ 1 (times the estimate), got {self.max_scale!r}")
        if self.disagree_factor is not None and not self.disagree_factor > 1:
            raise ValueError(f"SpreadRule.disagree_factor must be > 1 (a ratio), got {self.disagree_factor!r}")
        if self.max_cell_households is not None and not self.max_cell_households > 0:
            raise ValueError(f"SpreadRule.max_cell_households must be > 0 or None, got {self.max_cell_households!r}")


@dataclass(frozen=True)
class Evidence:
    """Where people live, in the CRS of the totals (any layer may be None or empty).

    ``buildings``: footprints; ``landuse``: residential landuse polygons; ``streets``:
    lines with a ``highway`` column (only :data:`RESIDENTIAL_STREETS` count); ``places``:
    points with a ``place`` column (kinds of :data:`PLACE_RADIUS_M`).
    """

    buildings: gpd.GeoDataFrame | None = None
    landuse: gpd.GeoDataFrame | None = None
    streets: gpd.GeoDataFrame | None = None
    places: gpd.GeoDataFrame | None = None


def _geoms(layer, mask=None):
    if layer is None or len(layer) == 0:
        return np.empty(0, dtype=object)
    geoms = layer.geometry.values if mask is None else layer.geometry.values[np.asarray(mask)]
    return np.asarray(geoms, dtype=object)


def lattice(polygon, cell_m: float) -> np.ndarray:
    """Centres (n × 2, m) of the ``cell_m`` lattice inside ``polygon``; its inner point when none falls inside."""
    x0, y0, x1, y1 = polygon.bounds
    xs = np.arange(np.floor(x0 / cell_m) * cell_m + cell_m / 2, x1, cell_m)
    ys = np.arange(np.floor(y0 / cell_m) * cell_m + cell_m / 2, y1, cell_m)
    xx, yy = np.meshgrid(xs, ys)
    xx, yy = xx.ravel(), yy.ravel()
    shapely.prepare(polygon)
    inside = shapely.contains_xy(polygon, xx, yy)
    if not inside.any():
        p = polygon.representative_point()
        return np.array([[p.x, p.y]])
    return np.column_stack([xx[inside], yy[inside]])


def refine(polygon, xy: np.ndarray, households: np.ndarray, cell_m: float, max_households: float | None,
           min_cell_m: float) -> tuple[np.ndarray, np.ndarray, float]:
    """Cells of ``households`` at centres ``xy`` (spacing ``cell_m``), each holding more than
    ``max_households`` shared evenly among its quarters inside ``polygon`` (a quarter's centre
    inside it; none inside: the cell stays whole), again while cells of at least ``min_cell_m``
    hold more. Returns the centres, their households (the same sum) and the finest spacing used."""
    side = cell_m
    if max_households is None:
        return xy, households, side
    shapely.prepare(polygon)
    while side / 2 >= min_cell_m:
        heavy = households > max_households
        if not heavy.any():
            break
        side /= 2
        offsets = np.array([[-1, -1], [1, -1], [-1, 1], [1, 1]], dtype=float) * (side / 2)
        quarters = (xy[heavy][:, None, :] + offsets[None, :, :]).reshape(-1, 2)
        inside = shapely.contains_xy(polygon, quarters[:, 0], quarters[:, 1]).reshape(-1, 4)
        split = inside.any(axis=1)
        if not split.any():
            break
        rows = np.flatnonzero(heavy)[split]
        inside = inside[split]
        share = np.repeat(households[rows] / inside.sum(axis=1), 4).reshape(-1, 4)[inside]
        keep = np.ones(len(xy), bool)
        keep[rows] = False
        xy = np.concatenate([xy[keep], quarters.reshape(-1, 4, 2)[split][inside]])
        households = np.concatenate([households[keep], share])
    return xy, households, side


def evidence_weights(xy: np.ndarray, evidence: Evidence, rule: SpreadRule) -> pd.DataFrame:
    """Built-up evidence at each cell centre: one column per kind (0..1) and their ``weight``
    (the strongest kind plus a quarter of each other kind present, 0..1.75)."""
    cells = shapely.points(xy)
    n = len(xy)
    out = {}
    landuse = _geoms(evidence.landuse)
    out["landuse"] = np.zeros(n)
    if len(landuse):
        hit, _ = shapely.STRtree(landuse).query(cells, predicate="intersects")
        out["landuse"][hit] = 1.0
    buildings = _geoms(evidence.buildings)
    out["buildings"] = np.zeros(n)
    if len(buildings):
        hit, _ = shapely.STRtree(buildings).query(cells, predicate="dwithin", distance=rule.building_m)
        out["buildings"][hit] = 1.0
    streets = evidence.streets
    out["streets"] = np.zeros(n)
    if streets is not None and len(streets) and "highway" in streets.columns:
        lines = _geoms(streets, streets["highway"].isin(RESIDENTIAL_STREETS).to_numpy())
        if len(lines):
            hit, _ = shapely.STRtree(lines).query(cells, predicate="dwithin", distance=rule.street_m)
            out["streets"][hit] = 1.0
    places = evidence.places
    out["places"] = np.zeros(n)
    if places is not None and len(places):
        kind = places["place"].astype(str).to_numpy() if "place" in places.columns else np.full(len(places), "village")
        radius = np.array([rule.place_radius_m.get(k, 0.0) for k in kind])
        keep = radius > 0
        pts, radius = _geoms(places, keep), radius[keep]
        if len(pts):
            ci, pi = shapely.STRtree(pts).query(cells, predicate="dwithin", distance=float(radius.max()))
            fade = np.clip(1.0 - shapely.distance(cells[ci], pts[pi]) / radius[pi], 0.0, 1.0)
            np.maximum.at(out["places"], ci, fade)
    frame = pd.DataFrame(out)
    # the strongest kind sets the weight; more kinds add a quarter each (agreeing evidence, not a multiple)
    strongest = frame.max(axis=1)
    frame["weight"] = strongest + 0.25 * (frame.sum(axis=1) - strongest)
    return frame


def spread_totals(totals: gpd.GeoDataFrame, estimate: gpd.GeoDataFrame | None, evidence: Evidence,
                  rule: SpreadRule | None = None) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Household points that add up to each polygon's total, spread with the best evidence.

    Parameters
    ----------
    totals : polygons with ``households`` (the total, ≥ 0) and ``label`` (for messages);
        they must not overlap.
    estimate : household points (``households``, ``source``) from buildings or a point
        layer, or None; points inside no total polygon keep their counts.
    evidence : the built-up evidence (:class:`Evidence`).
    rule : :class:`SpreadRule` (defaults when None).

    Returns
    -------
    points : GeoDataFrame of household points (``households``, ``source``: the estimate's
        source, ``"built-up"`` or ``"even"``), whose sum inside each polygon is its total.
    report : one row per polygon: ``label``, ``total``, ``estimate`` (households of the
        points inside), ``method`` (``buildings``, ``built-up`` or ``even``), ``cells``
        (lattice cells with evidence), the evidence found (``landuse``, ``buildings``,
        ``streets``, ``places``: cells where each kind is present), ``cell_m`` (the finest
        spacing the spread used: below ``rule.cell_m`` where cells were shared among their
        quarters), ``density`` (households
        per km² of evidence cells, built-up only), ``thin`` and ``disagree`` (bools).
    """
    rule = rule or SpreadRule()
    polys = np.asarray(totals.geometry.values, dtype=object)
    target = totals["households"].to_numpy(dtype=float)
    labels = totals["label"].astype(str).to_numpy() if "label" in totals.columns else np.arange(len(totals)).astype(str)
    crs = totals.crs
    if estimate is not None and len(estimate):
        pts = np.asarray(estimate.geometry.values, dtype=object)
        counts = estimate["households"].to_numpy(dtype=float)
        sources = estimate["source"].astype(object).to_numpy() if "source" in estimate.columns else np.full(len(pts), "points", dtype=object)
        owner = _geometry.polygon_of(polys, pts)  # a point on a shared border belongs to the first polygon
    else:
        pts, counts, sources = np.empty(0, dtype=object), np.zeros(0), np.empty(0, dtype=object)
        owner = np.zeros(0, dtype=np.int64)
    inside = owner >= 0
    est = np.bincount(owner[inside], counts[inside], minlength=len(polys))

    out_geoms = [pts[~inside]]
    out_counts = [counts[~inside]]
    out_sources = [sources[~inside]]
    rows = []
    cell_km2 = rule.cell_m ** 2 / 1e6
    for i, (poly, total, label) in enumerate(zip(polys, target, labels)):
        mine = owner == i
        row = {"label": label, "total": float(total), "estimate": float(est[i]), "cells": 0, "cell_m": float("nan"),
               "landuse": 0, "buildings": 0, "streets": 0, "places": 0, "density": float("nan"),
               "thin": False, "disagree": False}
        factor = rule.disagree_factor
        row["disagree"] = bool(factor is not None and est[i] > 0 and total > 0
                               and (total > factor * est[i] or est[i] > factor * total))
        if total <= 0:
            row["method"] = "none"
        elif est[i] > 0 and total <= rule.max_scale * est[i]:
            row["method"] = "buildings"
            out_geoms.append(pts[mine])
            out_counts.append(counts[mine] * (total / est[i]))
            out_sources.append(sources[mine])
        else:
            here = _with_estimate(evidence, estimate, mine)
            w = np.zeros(0)
            if _any_evidence(here):  # else every cell would weigh 0: no fine lattice to measure
                xy = lattice(poly, rule.cell_m)
                weights = evidence_weights(xy, here, rule)
                for kind in ("landuse", "buildings", "streets", "places"):
                    row[kind] = int((weights[kind] > 0).sum())
                w = weights["weight"].to_numpy()
            spacing = rule.cell_m
            if w.sum() > 0:
                row["method"] = "built-up"
                keep = w > 0
                row["cells"] = int(keep.sum())
                row["density"] = float(total / (keep.sum() * cell_km2))
                row["thin"] = bool(row["density"] > rule.max_density)
            else:
                row["method"] = "even"
                spacing = even_spacing(poly.area, total, rule)
                xy = lattice(poly, spacing)
                keep = np.ones(len(xy), bool)
                w = np.ones(len(xy))
            share = w[keep] / w[keep].sum()
            centres, held, row["cell_m"] = refine(poly, xy[keep], total * share, spacing,
                                                  rule.max_cell_households, rule.min_cell_m)
            out_geoms.append(shapely.points(centres))
            out_counts.append(held)
            out_sources.append(np.full(len(centres), row["method"], dtype=object))
        rows.append(row)
    geoms = np.concatenate([np.asarray(g, dtype=object) for g in out_geoms]) if out_geoms else np.empty(0, object)
    values = np.concatenate(out_counts)
    source = np.concatenate(out_sources)
    points = gpd.GeoDataFrame({"households": values.astype(float), "source": source}, geometry=geoms, crs=crs)
    points = points[points["households"] > 0].reset_index(drop=True)
    report = pd.DataFrame(rows, columns=["label", "total", "estimate", "method", "cells", "cell_m", "landuse",
                                         "buildings", "streets", "places", "density", "thin", "disagree"])
    return points, report


def even_spacing(area_m2: float, total: float, rule: SpreadRule) -> float:
    """Lattice spacing (m) of an even spread of ``total`` households over ``area_m2``: cells of
    about half ``rule.max_cell_households`` each (a grid's atoms, evenly filled, need be no
    finer), never finer than ``rule.cell_m``; ``rule.cell_m`` when no cell limit is set.

    A county's census total over its 1,777 km² at 50 m cells made 709,551 atoms of 0.06
    households (96 s to plan); at 45,000 households and cells of 50, 900 cells of 1.4 km.
    """
    if rule.max_cell_households is None or total <= 0:
        return rule.cell_m
    cells = max(total / (rule.max_cell_households / 2), 1.0)
    return max(rule.cell_m, float(np.sqrt(area_m2 / cells)))


def _any_evidence(evidence: Evidence) -> bool:
    """Whether any layer of ``evidence`` holds a feature (without one, every cell weighs 0)."""
    return any(layer is not None and len(layer)
               for layer in (evidence.buildings, evidence.landuse, evidence.streets, evidence.places))


def _with_estimate(evidence: Evidence, estimate, mine) -> Evidence:
    """The evidence, with the estimate's points standing for buildings when no footprints were given."""
    if evidence.buildings is not None and len(evidence.buildings):
        return evidence
    if estimate is None or not np.asarray(mine).any():
        return evidence
    return Evidence(buildings=estimate[np.asarray(mine)], landuse=evidence.landuse, streets=evidence.streets,
                    places=evidence.places)


def describe(row) -> str:
    """One line (English) on how a polygon's total was spread, for summaries and the units layer."""
    method = row["method"]
    if method == "buildings":
        return f"buildings: {row['total']:.0f} households over buildings estimated at {row['estimate']:.0f}"
    if method == "built-up":
        kinds = [k for k in ("landuse", "buildings", "streets", "places") if row[k]]
        text = f"built-up: {row['total']:.0f} households over {row['cells']} cells ({', '.join(kinds)})"
        if row["estimate"] > 0:
            text += f"; buildings alone estimated {row['estimate']:.0f}"
        return text
    if method == "even":
        return f"even: no evidence of housing; {row['total']:.0f} households spread evenly"
    return "no households"


# --------------------------------------------------------------------------- totals tables joined to units


def _keys(name) -> set[str]:
    from gridmap.codes import _name_keys

    name = str(name).strip()
    return _name_keys(name) if name else set()


def match_totals(table: pd.DataFrame, units: gpd.GeoDataFrame, area_name: str = "") -> gpd.GeoDataFrame:
    """The polygon of each row of a totals table, from the units it names.

    ``table``: rows of ``code``, ``name``, ``parent``, ``households`` (as
    :func:`gridmap.inputs.tables.read_totals_table` returns them); ``units``: the plan's
    units (``unit_id``, ``name``, ``parent_id``, ``parent_name``, polygons).

    A 12-digit code (or any other code equal to a unit id) names a unit, a 9-digit code a
    township (its units), a 6-digit code the county (every unit). A name names the units
    of that name (村委会/居委会 forms alike; ``parent`` tells namesakes in different
    townships apart), else the township of that name, else the whole area when it is the
    area's name. Returns polygons with ``households``, ``label`` (the row's code or name)
    and ``unit_ids`` (comma-separated); rows naming no unit (a county register used on one
    township, or a typo) are left out and listed with the nearest names in
    ``attrs["unmatched"]``. A table none of whose rows names a unit, two rows naming the
    same unit, a division repeated on several rows, or a name without a township that names
    units in several townships are an :class:`InputError` naming the file (``table.attrs["path"]``)
    and the rows.
    """
    import difflib

    ids = units["unit_id"].astype(str).to_numpy()
    names = units["name"].astype(str).to_numpy()
    parent_ids = units["parent_id"].astype(str).to_numpy() if "parent_id" in units else np.full(len(units), "")
    parent_names = units["parent_name"].astype(str).to_numpy() if "parent_name" in units else np.full(len(units), "")
    unit_keys = [_keys(n) for n in names]
    parent_keys = [_keys(n) for n in parent_names]
    area_keys = _keys(area_name)
    matched, unmatched = [], []
    path = table.attrs.get("path")
    where = path or ""
    first_row = 2 if path else 1  # a file's row 1 is its header
    for i, row in enumerate(table.itertuples(index=False)):
        code, name, parent = str(row.code), str(row.name), str(row.parent)
        hit = np.zeros(len(units), bool)
        if code:
            hit = ids == code
            if not hit.any() and code.isdigit():
                if len(code) == 9:
                    hit = (parent_ids == code) | np.array([i.isdigit() and len(i) == 12 and i[:9] == code for i in ids])
                elif len(code) == 6:
                    hit = np.ones(len(units), bool)
        if not hit.any() and name:
            keys = _keys(name)
            hit = np.array([bool(keys & k) for k in unit_keys])
            if hit.sum() > 1 and parent:
                narrowed = hit & np.array([bool(_keys(parent) & k) for k in parent_keys])
                hit = narrowed if narrowed.any() else hit
            townships = sorted({t for t in parent_names[hit] if t} or {t for t in parent_ids[hit] if t})
            if not parent and len(townships) > 1:
                raise InputError.of("totals_ambiguous", what="household totals", path=where, row=i + first_row,
                                    name=repr(name), count=len(townships), townships=", ".join(townships[:6]))
            if not hit.any():
                hit = np.array([bool(keys & k) for k in parent_keys])
            if not hit.any() and keys & area_keys:
                hit = np.ones(len(units), bool)
        if hit.any():
            matched.append((code or name, float(row.households), hit, i + first_row))
        else:
            unmatched.append(code or name)
    _require_one_row_each(table, where, first_row)  # after the namesakes: a name in two townships is said so
    pool = sorted(set(names) | set(parent_names) - {""})
    nearest = [f"{u} (nearest: {', '.join(difflib.get_close_matches(u, pool, n=2, cutoff=0)) or 'none'})"
               for u in unmatched]
    if unmatched and not matched:
        from gridmap.i18n import Phrase

        more = Phrase("phrase.and_more", n=len(unmatched) - 8) if len(unmatched) > 8 else ""
        raise InputError.of("totals_none_match", what="household totals", rows=len(table),
                            nearest="; ".join(nearest[:8]), more=more)
    owner = np.full(len(units), -1)
    for j, (label, _, hit, row) in enumerate(matched):
        clash = hit & (owner >= 0)
        if clash.any():
            other, other_row = matched[int(owner[clash][0])][0], matched[int(owner[clash][0])][3]
            raise InputError.of("totals_clash", what="household totals", path=where, a=other_row, la=repr(other),
                                b=row, lb=repr(label), unit=names[clash][0])
        owner[hit] = j
    geoms = [shapely.union_all(units.geometry.values[m[2]]) for m in matched]
    out = gpd.GeoDataFrame({"households": [m[1] for m in matched], "label": [m[0] for m in matched],
                            "unit_ids": [",".join(ids[m[2]]) for m in matched]}, geometry=geoms, crs=units.crs)
    out.attrs["unmatched"] = nearest
    return out


def _require_one_row_each(table: pd.DataFrame, where: str, first_row: int) -> None:
    """Fail in one line when a division (the same code, name and township) has several rows of the table."""
    key = table["code"].astype(str) + "\x00" + table["name"].astype(str) + "\x00" + table["parent"].astype(str)
    twice = key.duplicated(keep=False).to_numpy()
    if not twice.any():
        return
    first = int(np.flatnonzero(twice)[0])
    rows = np.flatnonzero((key == key.iloc[first]).to_numpy()) + first_row
    row = table.iloc[first]
    label = " ".join(str(v) for v in (row["parent"], row["name"] or row["code"]) if str(v))
    listed = ", ".join(str(r) for r in rows[:6]) + (", ..." if len(rows) > 6 else "")
    raise InputError.of("totals_repeated", what="household totals", path=where, label=repr(label), count=len(rows),
                        rows=listed, divisions=int(key[twice].nunique()))


def unit_methods(units: gpd.GeoDataFrame, totals: gpd.GeoDataFrame, report: pd.DataFrame,
                 default: str) -> pd.DataFrame:
    """How each unit's households were found: the method and note of the total covering it.

    A unit lies in the total polygon holding its inner point; units under no total get
    ``default`` (the household method of the points or buildings). Returns one row per
    unit: ``unit_id``, ``household_method``, ``household_note`` (English, for GIS users),
    ``thin``, ``disagree`` and the numbers behind the note: ``household_total`` and
    ``household_estimate`` (of the total's polygon), ``evidence_cells`` and ``evidence``
    (the kinds found, comma-separated: landuse, buildings, streets, places).
    """
    inner = shapely.point_on_surface(units.geometry.values)
    ui, ti = shapely.STRtree(np.asarray(totals.geometry.values, dtype=object)).query(inner, predicate="intersects")
    which = np.full(len(units), -1)
    which[ui[::-1]] = ti[::-1]  # the first polygon wins
    rows = []
    for uid, t in zip(units["unit_id"], which):
        if t < 0:
            rows.append({"unit_id": uid, "household_method": default, "household_note": "no total", "thin": False,
                         "disagree": False, "household_total": float("nan"), "household_estimate": float("nan"),
                         "evidence_cells": 0, "evidence": ""})
        else:
            r = report.iloc[int(t)]
            rows.append({"unit_id": uid, "household_method": r["method"], "household_note": describe(r),
                         "thin": bool(r["thin"]), "disagree": bool(r["disagree"]),
                         "household_total": float(r["total"]), "household_estimate": float(r["estimate"]),
                         "evidence_cells": int(r["cells"]),
                         "evidence": ",".join(k for k in ("landuse", "buildings", "streets", "places") if r[k])})
    return pd.DataFrame(rows)
