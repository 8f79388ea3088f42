"""Static maps of a plan's grids for printed reports (matplotlib, Agg canvas, PNG bytes).

Neighbouring grids get different fills (:mod:`gridmap._colouring`); the band shows in
the outline: a thin grey line in band, a thick red one above, a dashed blue one below;
exclaves and cut-off pieces are hatched grey. Township borders are drawn bold, and each
grid large enough on the page carries its short code (the serial after the unit's
code) and its households. A scale bar and a north arrow complete the map.
"""
from __future__ import annotations

import io
import math
import warnings

import numpy as np
import shapely

from gridmap._colouring import PALETTE, colour_grids

__all__ = ["grid_map_png", "short_code"]

_OUTLINE = {"in": ("#606060", 0.5, "-"), "over": ("#d62728", 1.6, "-"), "under": ("#1f5fbf", 1.2, "--"),
            "rural": ("#606060", 0.5, "-"), "island": ("#808080", 0.5, "-")}


def short_code(code: str) -> str:
    """The grid's serial: the last part of ``UNIT-007`` or the last 3 digits of a 15-digit code."""
    code = str(code)
    if "-" in code:
        return code.rsplit("-", 1)[1]
    if code.isdigit() and len(code) > 3:
        return code[-3:]
    return code


def _rings(geom):
    for poly in getattr(geom, "geoms", [geom]):
        if poly.geom_type != "Polygon" or poly.is_empty:
            continue
        yield np.asarray(poly.exterior.coords), [np.asarray(r.coords) for r in poly.interiors]


def _patch(geom):
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath

    vertices, codes = [], []
    for exterior, holes in _rings(geom):
        for ring in [exterior, *holes]:
            if len(ring) < 3:
                continue
            vertices.append(ring[:, :2])
            codes += [MplPath.MOVETO] + [MplPath.LINETO] * (len(ring) - 2) + [MplPath.CLOSEPOLY]
    if not vertices:
        return None
    return PathPatch(MplPath(np.concatenate(vertices), codes))


def label_circles(geoms) -> tuple[np.ndarray, np.ndarray]:
    """Centre (x, y) and radius (m) of the largest circle inside each grid's largest part (NaN if none)."""
    xy = np.full((len(geoms), 2), np.nan)
    radius = np.full(len(geoms), np.nan)
    for i, geom in enumerate(geoms):
        if geom is None or geom.is_empty:
            continue
        largest = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area)
        circle = shapely.maximum_inscribed_circle(largest, max(math.sqrt(largest.area) / 100.0, 0.5))
        centre = shapely.get_point(circle, 0)
        xy[i] = (centre.x, centre.y)
        radius[i] = circle.length
    return xy, radius


def grid_map_png(grids, classes, *, townships=None, focus=None, title: str = "", hh_word: str = "户",
                 font: str = "DejaVu Sans", width_in: float = 7.0, height_in: float = 8.0, dpi: int = 150,
                 north: str = "N", colours=None, circles=None) -> bytes:
    """A PNG map of ``grids`` (GeoDataFrame in a metric CRS with ``code``/``grid_id`` and ``households``).

    Parameters
    ----------
    classes : per grid ``in``/``over``/``under``/``rural``/``island`` (outline style).
    townships : GeoSeries of township outlines to draw bold, optional.
    focus : boolean mask of the grids to frame (a township's map); the others are drawn faint.
    hh_word : the word after a household count in labels ("户", "hh").
    width_in, height_in : figure size in inches; dpi : pixels per inch of the PNG.
    colours, circles : the grids' fills and :func:`label_circles`, when several maps of one
        plan are drawn (computed here otherwise).
    """
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    geoms = grids.geometry.to_numpy()
    colours = np.asarray(PALETTE)[colour_grids(geoms)] if colours is None else np.asarray(colours)
    circles = label_circles(geoms) if circles is None else circles
    focus = np.ones(len(grids), dtype=bool) if focus is None else np.asarray(focus, dtype=bool)
    codes = (grids["code"] if "code" in grids.columns else grids["grid_id"]).astype(str).to_numpy()
    households = grids["households"].to_numpy(float) if "households" in grids.columns else np.full(len(grids), np.nan)
    with matplotlib.rc_context({"font.family": [font, "DejaVu Sans"], "axes.unicode_minus": False}):
        fig = Figure(figsize=(width_in, height_in))
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0.01, 0.01, 0.98, 0.93 if title else 0.98))
        ax.set_aspect("equal")
        ax.set_axis_off()
        from matplotlib.collections import LineCollection, PatchCollection

        # drawn simplified to a fraction of a printed point: the shapes look the same, the PNG is made faster
        x0, y0, x1, y1 = shapely.total_bounds(geoms[focus]) if focus.any() else shapely.total_bounds(geoms)
        tolerance = max(x1 - x0, y1 - y0, 1.0) / 3000.0
        drawn = shapely.simplify(geoms, tolerance, preserve_topology=True)
        layers: dict = {}
        for geom, colour, cls, mine in zip(drawn, colours, classes, focus):
            if geom is None or geom.is_empty:
                continue
            patch = _patch(geom)
            if patch is not None:
                layers.setdefault((cls, bool(mine)), ([], []))[0].append(patch)
                layers[(cls, bool(mine))][1].append(colour if cls != "island" else "#e0e0e0")
        for (cls, mine), (patches, fills) in layers.items():
            edge, lw, ls = _OUTLINE.get(cls, _OUTLINE["in"])
            collection = PatchCollection(patches, facecolors=fills, edgecolors=edge, linewidths=lw, linestyles=ls,
                                         alpha=1.0 if mine else 0.25, zorder=2 if cls in ("over", "under") else 1,
                                         match_original=False)
            if cls == "island":
                collection.set_hatch("////")
            ax.add_collection(collection, autolim=False)
        if townships is not None:
            rings = [ring[:, :2] for geom in shapely.simplify(np.asarray(list(townships), dtype=object), tolerance)
                     for exterior, holes in _rings(geom) for ring in [exterior, *holes]]
            ax.add_collection(LineCollection(rings, colors="#111111", linewidths=1.6, zorder=3), autolim=False)
        shown = [g for g, f in zip(geoms, focus) if f and g is not None and not g.is_empty]
        x0, y0, x1, y1 = shapely.union_all(shown).bounds if shown else (0, 0, 1, 1)
        pad = 0.03 * max(x1 - x0, y1 - y0, 1.0)
        x0, x1, y0, y1 = x0 - pad, x1 + pad, y0 - pad, y1 + pad
        # fit the frame to the axes' aspect so the scale bar and labels use the real extent
        box = ax.get_position()
        aspect = (box.height * height_in) / (box.width * width_in)
        if (y1 - y0) / (x1 - x0) < aspect:
            grow = (aspect * (x1 - x0) - (y1 - y0)) / 2
            y0, y1 = y0 - grow, y1 + grow
        else:
            grow = ((y1 - y0) / aspect - (x1 - x0)) / 2
            x0, x1 = x0 - grow, x1 + grow
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        metres_per_point = (x1 - x0) / (box.width * width_in * 72.0)
        _labels(ax, circles, codes, households, focus, metres_per_point, hh_word)
        _scale_bar(ax, x0, x1, y0, y1)
        _north_arrow(ax, north)
        if title:
            fig.suptitle(title, fontsize=12, y=0.985)
        buffer = io.BytesIO()
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Glyph .* missing from")
            fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def _labels(ax, circles, codes, households, focus, metres_per_point, hh_word):
    """Code and households at each grid's pole of inaccessibility, where the text fits inside the grid."""
    font_pt = 6.5
    (xy, radius) = circles
    for (x, y), r, code, hh, mine in zip(xy, radius, codes, households, focus):
        if not mine or not np.isfinite(r):
            continue
        radius_pt = r / metres_per_point
        text = short_code(code)
        width_pt = 0.6 * font_pt * max(len(text), len(f"{hh:,.0f}{hh_word}") if np.isfinite(hh) else 0)
        if 2 * radius_pt < width_pt * 0.9:
            continue
        label = text + (f"\n{hh:,.0f}{hh_word}" if np.isfinite(hh) else "")
        ax.text(x, y, label, ha="center", va="center", fontsize=font_pt, color="#111111", zorder=4,
                linespacing=1.0)


def _scale_bar(ax, x0, x1, y0, y1):
    """A bar of a round length near a fifth of the map's width, bottom left."""
    target = (x1 - x0) / 5.0
    power = 10 ** math.floor(math.log10(target))
    length = max(v * power for v in (1, 2, 5) if v * power <= target)
    bx, by = x0 + 0.04 * (x1 - x0), y0 + 0.04 * (y1 - y0)
    ax.plot([bx, bx + length], [by, by], color="#111111", lw=3, solid_capstyle="butt", zorder=5)
    text = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    ax.text(bx + length / 2, by + 0.012 * (y1 - y0), text, ha="center", va="bottom", fontsize=7, zorder=5)


def _north_arrow(ax, word):
    ax.annotate(word, xy=(0.96, 0.97), xytext=(0.96, 0.89), xycoords="axes fraction", ha="center", va="center",
                fontsize=9, arrowprops={"arrowstyle": "-|>", "color": "#111111", "lw": 1.2},
                zorder=5)
