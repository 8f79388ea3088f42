"""Two plans of one area side by side (``gridmap compare A B``).

Grids are matched one to one by overlap: the pairs of A's and B's grids are taken in
order of the households they share (then of their shared area, for grids without
households), largest first, each grid at most once. A household keeps
its grid when the grid it lies in under A is matched with the grid it lies in under B.
Codes are compared as text: added (only in B), retired (only in A), and *moved*: in both
plans but on another area (the two grids under one code overlap by less than
``moved_iou`` of their union). Both plans' band and compactness figures are computed
from their grids' geometry and households, so plans from other tools compare as well.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap import i18n
from gridmap._geometry import polygon_of
from gridmap.config import Band
from gridmap.plan import Plan

#: Two grids under one code are "the same place" when their intersection is at least this share of their union.
MOVED_IOU = 0.99


@dataclass
class Comparison:
    """What differs between plan A and plan B.

    Attributes
    ----------
    pairs : one row per matched pair: ``a_grid``, ``b_grid``, ``a_code``, ``b_code``,
        ``overlap_m2``, ``households_shared``, ``iou`` (intersection over union of the two grids).
    households : households counted (B's household points, else A's).
    households_changed : households whose grid under B is not the match of their grid under A.
    codes_added, codes_retired, codes_moved : codes only in B; only in A; in both on another area.
    unmatched_a, unmatched_b : grids with no partner (retired or split; added or merged).
    figures : {"a": {...}, "b": {...}}: grids, urban grids, share of urban grids in band,
        households per grid (median, min, max), Polsby-Popper (median, mean).
    """

    pairs: pd.DataFrame
    households: float
    households_changed: float
    codes_added: list = field(default_factory=list)
    codes_retired: list = field(default_factory=list)
    codes_moved: list = field(default_factory=list)
    unmatched_a: list = field(default_factory=list)
    unmatched_b: list = field(default_factory=list)
    figures: dict = field(default_factory=dict)
    changed_points: gpd.GeoDataFrame | None = None

    @property
    def households_kept_share(self) -> float:
        return 1.0 - self.households_changed / self.households if self.households else 1.0

    def to_dict(self) -> dict:
        """Plain figures (``compare.json``)."""
        identical = int((self.pairs["iou"] >= MOVED_IOU).sum())
        return {"households": self.households, "households_changed": self.households_changed,
                "households_kept_share": self.households_kept_share, "grids_matched": int(len(self.pairs)),
                "grids_identical": identical, "unmatched_a": self.unmatched_a, "unmatched_b": self.unmatched_b,
                "codes_added": self.codes_added, "codes_retired": self.codes_retired,
                "codes_moved": self.codes_moved, "figures": self.figures}

    def format_table(self, lang: str = "en") -> str:
        """The figures of both plans and the changes, as plain text in ``lang`` (``zh`` or ``en``)."""
        t = lambda key, **kw: i18n.text(key, lang, **kw)  # noqa: E731
        a, b = self.figures["a"], self.figures["b"]
        rows = [(t("cli.grids"), a["grids"], b["grids"]),
                (t("cli.compare_urban_grids"), a["urban_grids"], b["urban_grids"]),
                (t("cli.compare_urban_in_band"), _pct(a["in_band_share_urban"]), _pct(b["in_band_share_urban"])),
                (t("cli.compare_households_median"), f"{a['households_median']:.0f}", f"{b['households_median']:.0f}"),
                (t("cli.compare_shape_median"), f"{a['polsby_popper_median']:.2f}", f"{b['polsby_popper_median']:.2f}")]
        lines = [f"{'':<30s}{'A':>10s}{'B':>10s}"] + [f"{_pad(n, 30)}{str(x):>10s}{str(y):>10s}" for n, x, y in rows]
        identical = int((self.pairs["iou"] >= MOVED_IOU).sum())
        lines += ["",
                  _pad(t("cli.compare_kept"), 31) + t("cli.compare_kept_line", share=self.households_kept_share,
                                                      kept=self.households - self.households_changed,
                                                      households=self.households),
                  _pad(t("cli.compare_matched"), 31) + t("cli.compare_matched_line", matched=len(self.pairs),
                                                         identical=identical),
                  _pad(t("cli.compare_codes"), 31) + f"{len(self.codes_added)} / {len(self.codes_retired)} / "
                                                     f"{len(self.codes_moved)}"]
        return "\n".join(lines)


def _pad(text, width: int) -> str:
    """``text`` padded to ``width`` terminal columns (a Chinese character takes two)."""
    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in str(text))
    return str(text) + " " * max(width - used, 0)


def _pct(value) -> str:
    return "-" if value is None else f"{value:.1%}"


def compare_plans(a: Plan, b: Plan) -> Comparison:
    """Compare plan ``a`` (before) with plan ``b`` (after); both need a ``grids`` layer."""
    ga = a.grids.reset_index(drop=True)
    gb = b.grids.reset_index(drop=True)
    if gb.crs != ga.crs:
        gb = gb.to_crs(ga.crs)
    ida, idb = ga["grid_id"].astype(str).to_numpy(), gb["grid_id"].astype(str).to_numpy()
    code_a = (ga["code"] if "code" in ga else ga["grid_id"]).astype(str).to_numpy()
    code_b = (gb["code"] if "code" in gb else gb["grid_id"]).astype(str).to_numpy()
    geo_a, geo_b = ga.geometry.to_numpy(), gb.geometry.to_numpy()

    points = b.layers.get("households") if "households" in b.layers else a.layers.get("households")
    in_a = in_b = weight = None
    if points is not None and len(points):
        points = points.to_crs(ga.crs)
        weight = points["households"].to_numpy(float) if "households" in points else np.ones(len(points))
        in_a, in_b = _grid_of(points, geo_a), _grid_of(points, geo_b)

    i, j = shapely.STRtree(geo_b).query(geo_a, predicate="intersects")
    overlap = shapely.area(shapely.intersection(geo_a[i], geo_b[j]))
    keep = overlap > 0
    i, j, overlap = i[keep], j[keep], overlap[keep]
    union = shapely.area(geo_a[i]) + shapely.area(geo_b[j]) - overlap
    shared = np.zeros(len(i))
    if weight is not None:
        both_in = (in_a >= 0) & (in_b >= 0)
        cells = pd.Series(weight[both_in]).groupby([in_a[both_in], in_b[both_in]]).sum()
        shared = cells.reindex(pd.MultiIndex.from_arrays([i, j])).fillna(0.0).to_numpy()
    # households shared first (the match that keeps most households), then area (grids without households)
    order = np.lexsort((j, i, -overlap, -shared))
    used_a, used_b, rows = set(), set(), []
    for k in order:
        if i[k] in used_a or j[k] in used_b:
            continue
        used_a.add(i[k])
        used_b.add(j[k])
        rows.append((ida[i[k]], idb[j[k]], code_a[i[k]], code_b[j[k]], float(overlap[k]), float(shared[k]),
                     float(overlap[k] / union[k]) if union[k] > 0 else 0.0))
    pairs = pd.DataFrame(rows, columns=["a_grid", "b_grid", "a_code", "b_code", "overlap_m2", "households_shared",
                                        "iou"])

    households = changed = 0.0
    changed_points = None
    if weight is not None:
        match = dict(zip(pairs["a_grid"], pairs["b_grid"]))
        partner = np.array([match.get(ida[x], None) if x >= 0 else None for x in in_a], dtype=object)
        now = np.array([idb[x] if x >= 0 else None for x in in_b], dtype=object)
        moved = partner != now
        households, changed = float(weight.sum()), float(weight[moved].sum())
        changed_points = points[moved]

    # codes: the place each code names in A and in B
    both = sorted(set(code_a) & set(code_b))
    where_a, where_b = dict(zip(code_a, geo_a)), dict(zip(code_b, geo_b))
    moved_codes = []
    for code in both:
        x, y = where_a[code], where_b[code]
        inter = shapely.area(shapely.intersection(x, y))
        union_xy = x.area + y.area - inter
        if union_xy > 0 and inter / union_xy < MOVED_IOU:
            moved_codes.append(code)
    band = b.config.band or a.config.band or Band(300.0, 500.0)
    return Comparison(pairs=pairs, households=households, households_changed=changed,
                      codes_added=sorted(set(code_b) - set(code_a)), codes_retired=sorted(set(code_a) - set(code_b)),
                      codes_moved=moved_codes, unmatched_a=sorted(set(ida) - set(pairs["a_grid"])),
                      unmatched_b=sorted(set(idb) - set(pairs["b_grid"])),
                      figures={"a": plan_figures(ga, band), "b": plan_figures(gb, band)},
                      changed_points=changed_points)


def _grid_of(points: gpd.GeoDataFrame, geoms: np.ndarray) -> np.ndarray:
    """Row of the grid each point lies in (-1: none); a point on a shared edge takes the first."""
    return polygon_of(geoms, shapely.point_on_surface(points.geometry.to_numpy()))


def plan_figures(grids: gpd.GeoDataFrame, band) -> dict:
    """Band and compactness figures of a grid layer (households from its ``households`` column)."""
    band = Band.coerce(band)
    area, perimeter = grids.geometry.area.to_numpy(), grids.geometry.length.to_numpy()
    pp = np.where(perimeter > 0, 4 * np.pi * area / np.maximum(perimeter, 1e-9) ** 2, 0.0)
    hh = pd.to_numeric(grids.get("households", pd.Series(np.nan, index=grids.index)), errors="coerce").to_numpy()
    regime = grids["regime"].astype(str).to_numpy() if "regime" in grids else np.full(len(grids), "urban")
    urban = regime == "urban"
    in_band = band.contains(hh)
    return {"grids": int(len(grids)), "urban_grids": int(urban.sum()),
            "in_band_share_urban": float(in_band[urban].mean()) if urban.any() else None,
            "households_median": float(np.nanmedian(hh)) if len(hh) else 0.0,
            "households_min": float(np.nanmin(hh)) if len(hh) else 0.0,
            "households_max": float(np.nanmax(hh)) if len(hh) else 0.0,
            "polsby_popper_median": float(np.median(pp)) if len(pp) else 0.0,
            "polsby_popper_mean": float(np.mean(pp)) if len(pp) else 0.0}


def compare_map(a: Plan, b: Plan, comparison: Comparison | None = None, *, lang: str = "zh"):
    """B's plan map with A's grids as a second, switchable layer of outlines, and the households that changed grid."""
    from gridmap import i18n
    from gridmap.maps import add_outline_layer, add_point_layer, plan_map

    comparison = comparison or compare_plans(a, b)
    m = plan_map(b, lang=lang)
    add_outline_layer(m, a.grids.to_crs(b.crs), i18n.text("compare.plan_a", lang), colour="#d62728", weight=2.0,
                      dash="6 4", key="plan_a")
    if comparison.changed_points is not None and len(comparison.changed_points):
        add_point_layer(m, comparison.changed_points.to_crs(b.crs), i18n.text("compare.changed_households", lang),
                        colour="#7a0177", key="changed_households")
    return m
