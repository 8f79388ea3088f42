"""Static maps of a plan's grids for printed reports: SVG drawn from the geometry, no plotting library.

Neighbouring grids get different fills (:mod:`gridmap._colouring`); the band shows in
the outline: a thin grey line in band, a thick red one above, a dashed blue one below;
exclaves and cut-off pieces are hatched grey. Township borders are drawn bold, and each
grid large enough on the page carries its short code (the serial after the unit's
code) and its households. A scale bar and a north arrow complete the map.

The map is vector: it prints sharply at any size, and the browser (or Chromium printing
the PDF) sets its words in the page's CJK font. Each grid is one ``<path>``; geometry is
simplified to a quarter of a printed point and written as integer page coordinates
(tenths of a point) in relative moves, so a map of thousands of grids stays small.

    sheet = MapSheet(grids, classes, townships=outlines, hh_word="户", north="北")
    svg = sheet.svg()                               # the whole county
    svg = sheet.svg(focus=mask, width_pt=259, height_pt=288)   # one township, others faint
"""
from __future__ import annotations

import html
import math

import numpy as np
import shapely

from gridmap._colouring import PALETTE
from gridmap._decor import GridDecor, decor_of

__all__ = ["MapSheet", "short_code"]

#: Page units per printed point: coordinates are integers in tenths of a point.
UNITS_PER_PT = 10
#: Simplification tolerance, printed points (a quarter point is below what print or screen shows).
SIMPLIFY_PT = 0.25
#: Outline (stroke colour, width in points, dash) by band class.
_OUTLINE = {"in": ("#606060", 0.5, ""), "over": ("#d62728", 1.6, ""), "under": ("#1f5fbf", 1.2, "3 2"),
            "rural": ("#606060", 0.5, ""), "island": ("#808080", 0.5, "")}
_ISLAND_FILL = "#e0e0e0"
_HATCH_LINE = "#8c8c8c"
#: Grids outside a map's focus are drawn at this strength over the white page.
_FAINT = 0.25


def faint(colour: str, strength: float = _FAINT) -> str:
    """``#rrggbb`` drawn at ``strength`` over white, as one opaque colour.

    The same pixels as ``opacity`` on white, without a transparency group: Chromium prints
    a group with ``opacity`` as a raster image (the demo report's PDF: 2.5 MB and 4.2 s of
    printing with it, 1.3 MB and 2.8 s without).
    """
    rgb = [int(colour[k:k + 2], 16) for k in (1, 3, 5)]
    return "#" + "".join(f"{round(255 - strength * (255 - c)):02x}" for c in rgb)
_FONT_PT = 6.5


def short_code(code: str) -> str:
    """The grid's serial: the last part of ``UNIT-007`` or the last 3 digits of a 15-digit code."""
    code = str(code)
    if "-" in code:
        return code.rsplit("-", 1)[1]
    if code.isdigit() and len(code) > 3:
        return code[-3:]
    return code


def _text_width_pt(text: str, font_pt: float) -> float:
    """Width of a label in points: CJK characters a full em, others about 0.6 em."""
    return font_pt * sum(1.0 if ord(c) > 0x2E80 else 0.6 for c in text)


class MapSheet:
    """The grids of one plan, ready to be drawn as SVG maps of the whole or of a part.

    Parameters
    ----------
    grids : GeoDataFrame in a metric CRS with ``code`` (or ``grid_id``) and ``households``.
    classes : per grid ``in``/``over``/``under``/``rural``/``island`` (outline style).
    townships : township outlines (polygons, same CRS) drawn bold; optional.
    hh_word : the word after a household count in labels ("户", " hh").
    north : the letter of the north arrow.
    decor : the grids' fills and label circles (:func:`gridmap._decor.grid_decor` of these grids;
        computed when not given).
    """

    def __init__(self, grids, classes, *, townships=None, hh_word: str = "户", north: str = "N",
                 decor: GridDecor | None = None):
        self.geoms = np.asarray(grids.geometry.to_numpy(), dtype=object)
        n = len(self.geoms)
        self.classes = np.asarray(classes, dtype=object)
        decor = decor_of(self.geoms, decor)
        self.colours = np.asarray(PALETTE)[decor.fill]
        self.circles = decor.centre, decor.radius
        self.bounds = shapely.bounds(self.geoms)  # NaN for missing geometry
        self.present = np.isfinite(self.bounds).all(axis=1)
        codes = (grids["code"] if "code" in grids.columns else grids["grid_id"]).astype(str).to_numpy()
        self.codes = [short_code(c) for c in codes]
        hh = grids["households"].to_numpy(float) if "households" in grids.columns else np.full(n, np.nan)
        self.labels = [f"{h:,.0f}{hh_word}" if np.isfinite(h) else "" for h in hh]
        self.townships = np.asarray([] if townships is None else list(townships), dtype=object)
        self.township_bounds = shapely.bounds(self.townships).reshape(-1, 4)
        self.north = north

    def fitted_height(self, width_pt: float = 504.0, *, min_pt: float = 288.0, max_pt: float = 576.0) -> float:
        """The printed height (pt) of a map of every grid ``width_pt`` wide that its extent fills:
        a wide county a landscape map, a tall one up to ``max_pt`` (the page), never under ``min_pt``
        (a page-high frame left a wide area's map between two bands of blank land)."""
        if not self.present.any():
            return max_pt
        x0, y0 = np.nanmin(self.bounds[self.present, :2], axis=0)
        x1, y1 = np.nanmax(self.bounds[self.present, 2:], axis=0)
        pad = 0.06 * max(x1 - x0, y1 - y0, 1.0)  # the frame's padding, both sides (see svg)
        ratio = (y1 - y0 + pad) / max(x1 - x0 + pad, 1e-9)
        # and a band above and below for the north arrow and the scale bar, clear of the grids
        return float(min(max(width_pt * ratio + 2 * _MARGIN_PT, min_pt), max_pt))

    def svg(self, focus=None, *, width_pt: float = 504.0, height_pt: float = 576.0, name: str = "map") -> str:
        """One map as an ``<svg>`` element framed on the ``focus`` grids (all by default); others faint.

        ``width_pt``, ``height_pt``: its printed size in points (the SVG scales with the page);
        ``name``: a prefix for the ids inside it, unique per page.
        """
        focus = self.present.copy() if focus is None else np.asarray(focus, dtype=bool) & self.present
        framed = focus if focus.any() else self.present
        if framed.any():
            x0, y0 = np.nanmin(self.bounds[framed, :2], axis=0)
            x1, y1 = np.nanmax(self.bounds[framed, 2:], axis=0)
        else:
            x0, y0, x1, y1 = 0.0, 0.0, 1.0, 1.0
        pad = 0.03 * max(x1 - x0, y1 - y0, 1.0)
        x0, y0, x1, y1 = x0 - pad, y0 - pad, x1 + pad, y1 + pad
        # fit the frame to the page's aspect, so the scale bar and labels use the real extent
        aspect = height_pt / width_pt
        if (y1 - y0) / (x1 - x0) < aspect:
            grow = (aspect * (x1 - x0) - (y1 - y0)) / 2
            y0, y1 = y0 - grow, y1 + grow
        else:
            grow = ((y1 - y0) / aspect - (x1 - x0)) / 2
            x0, x1 = x0 - grow, x1 + grow
        width, height = round(width_pt * UNITS_PER_PT), round(height_pt * UNITS_PER_PT)
        scale = width / (x1 - x0)  # page units per metre
        visible = self.present & (self.bounds[:, 0] <= x1) & (self.bounds[:, 2] >= x0) & \
            (self.bounds[:, 1] <= y1) & (self.bounds[:, 3] >= y0)
        tolerance = SIMPLIFY_PT * UNITS_PER_PT / scale
        index = np.flatnonzero(visible)
        paths = _paths(self.geoms[index], x0, y1, scale, tolerance)
        out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="gridmap" viewBox="0 0 {width} {height}" '
               f'width="{width_pt:g}pt" height="{height_pt:g}pt" role="img" font-size="{_FONT_PT * UNITS_PER_PT:g}">']
        # faint grids first (colours pre-blended with the white page: no transparency group), then the
        # framed ones, those out of band on top (their thick outlines whole)
        drawn = np.array([bool(d) for d in paths], dtype=bool)
        for mine in (False, True):
            for cls in ("in", "rural", "island", "under", "over"):
                pick = np.flatnonzero(drawn & (focus[index] == mine) & (self.classes[index] == cls))
                if not len(pick):
                    continue
                edge, lw, dash = _OUTLINE.get(cls, _OUTLINE["in"])
                out.append(f'<g stroke="{edge if mine else faint(edge)}" stroke-width="{lw * UNITS_PER_PT:g}" '
                           f'stroke-linejoin="round" fill-rule="evenodd"'
                           + (f' stroke-dasharray="{_dash(dash)}"' if dash else "") + ">")
                if cls == "island":
                    fills = [_ISLAND_FILL if mine else faint(_ISLAND_FILL)] * len(pick)
                else:
                    fills = [c if mine else faint(c) for c in self.colours[index[pick]]]
                out += [f'<path fill="{f}" d="{paths[k]}"/>' for f, k in zip(fills, pick)]
                out.append("</g>")
                if cls == "island":
                    box = self.bounds[index[pick]]
                    out += _hatching(f"{name}-hatch{'' if mine else '-faint'}", [paths[k] for k in pick],
                                     ((np.nanmin(box[:, 0]) - x0) * scale, (y1 - np.nanmax(box[:, 3])) * scale,
                                      (np.nanmax(box[:, 2]) - x0) * scale, (y1 - np.nanmin(box[:, 1])) * scale),
                                     _HATCH_LINE if mine else faint(_HATCH_LINE))
        tb = self.township_bounds
        near = (tb[:, 0] <= x1) & (tb[:, 2] >= x0) & (tb[:, 1] <= y1) & (tb[:, 3] >= y0)
        if near.any():
            lines = [d for d in _paths(self.townships[near], x0, y1, scale, tolerance) if d]
            if lines:
                out.append(f'<path fill="none" stroke="#111111" stroke-width="{1.6 * UNITS_PER_PT:g}" '
                           f'stroke-linejoin="round" d="{"".join(lines)}"/>')
        out += self._labels(focus & visible, x0, y1, scale)
        out += _scale_bar(x1 - x0, width, height)
        out += _north_arrow(self.north, width)
        out.append("</svg>")
        return "".join(out)

    def _labels(self, shown, x0, y1, scale) -> list[str]:
        """Code and households at each grid's pole of inaccessibility, where the text fits inside the grid."""
        xy, radius = self.circles
        out = []
        line = _FONT_PT * UNITS_PER_PT
        for i in np.flatnonzero(shown & np.isfinite(radius)):
            code, households = self.codes[i], self.labels[i]
            width_pt = max(_text_width_pt(code, _FONT_PT), _text_width_pt(households, _FONT_PT))
            if 2 * radius[i] * scale < width_pt * UNITS_PER_PT * 0.9:
                continue
            x, y = (xy[i, 0] - x0) * scale, (y1 - xy[i, 1]) * scale
            if households:
                out.append(f'<text x="{x:.0f}" y="{y - 0.1 * line:.0f}" text-anchor="middle">'
                           f'<tspan>{html.escape(code)}</tspan><tspan x="{x:.0f}" dy="{line:.0f}">'
                           f'{html.escape(households)}</tspan></text>')
            else:
                out.append(f'<text x="{x:.0f}" y="{y + 0.35 * line:.0f}" text-anchor="middle">'
                           f'{html.escape(code)}</text>')
        if out:
            out.insert(0, '<g fill="#111111">')
            out.append("</g>")
        return out


#: The islands' hatching: lines rising at 45° to the right, this far apart (page units, 4 pt) and wide.
_HATCH_SPACING = 40
_HATCH_WIDTH = 3.5


def _hatching(name: str, rings: list[str], box, line: str) -> list[str]:
    """Hatching over the islands already filled (their paths ``rings``, within ``box``: x0, y0, x1, y1
    in page units): one path of diagonal lines of ``line``, clipped to the islands.

    Not an SVG ``<pattern>``: Chromium prints every use of a pattern fill as a tiling pattern of its
    own, which took 0.25-0.3 s of the demo report's 0.55 s print and 360 kB of its PDF; one clipped
    path per map prints in a few milliseconds. The lines cross the islands' outlines (0.5 pt, nearly
    the lines' grey), as the pattern did not; nothing else differs.
    """
    x0, y0, x1, y1 = (float(v) for v in box)
    step = _HATCH_SPACING * math.sqrt(2.0)  # along x, for lines x + y = c that far apart
    first, last = math.floor((x0 + y0) / step), math.ceil((x1 + y1) / step)
    d = "".join(f"M{c * step - y1:.0f} {y1:.0f}L{c * step - y0:.0f} {y0:.0f}" for c in range(first, last + 1))
    return [f'<clipPath id="{name}"><path clip-rule="evenodd" d="{"".join(rings)}"/></clipPath>',
            f'<path fill="none" stroke="{line}" stroke-width="{_HATCH_WIDTH:g}" clip-path="url(#{name})" d="{d}"/>']


def _dash(dash: str) -> str:
    return " ".join(f"{float(v) * UNITS_PER_PT:g}" for v in dash.split())


def _paths(geoms, x0, y1, scale, tolerance) -> list[str]:
    """One SVG path ``d`` per geometry: its polygons' rings in page units ('' when nothing is left)."""
    out = [""] * len(geoms)
    if not len(geoms):
        return out
    drawn = shapely.simplify(np.asarray(geoms, dtype=object), tolerance, preserve_topology=False)
    parts, owner = shapely.get_parts(drawn, return_index=True)
    polygon = shapely.get_type_id(parts) == 3
    parts, owner = parts[polygon], owner[polygon]
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    xy, ring = shapely.get_coordinates(rings, return_index=True)
    if not len(xy):
        return out
    q = np.empty(xy.shape, dtype=np.int64)
    q[:, 0] = np.rint((xy[:, 0] - x0) * scale)
    q[:, 1] = np.rint((y1 - xy[:, 1]) * scale)
    start = np.r_[True, ring[1:] != ring[:-1]]
    end = np.r_[ring[1:] != ring[:-1], True]
    # points that fall on the previous one at this resolution, and each ring's closing point ('z' closes)
    keep = start | ((np.diff(q, axis=0, prepend=q[:1]) != 0).any(axis=1) & ~end)
    q, ring, start = q[keep], ring[keep], start[keep]
    step = np.diff(q, axis=0, prepend=q[:1])
    step[start] = q[start]
    text = step.astype(str)
    bounds = np.flatnonzero(start).tolist() + [len(q)]
    ring_owner = owner[ring_part]
    for a, b in zip(bounds[:-1], bounds[1:]):
        if b - a < 3:  # collapsed below the page's resolution
            continue
        k = ring_owner[ring[a]]
        moves = text[a + 1:b].ravel().tolist()
        out[k] += f"M{text[a, 0]} {text[a, 1]}l{' '.join(moves)}z"
    return out


#: Points of blank page above and below a fitted map (:meth:`MapSheet.fitted_height`): the north
#: arrow's height, the scale bar's with its length.
_MARGIN_PT = 36.0


def _scale_bar(extent_m: float, width: int, height: int) -> list[str]:
    """A bar of a round length near a fifth of the map's width, bottom left."""
    target = extent_m / 5.0
    power = 10 ** math.floor(math.log10(target))
    length = max(v * power for v in (1, 2, 5) if v * power <= target)
    bar = length / extent_m * width
    bx, by = 0.04 * width, height - 0.04 * height
    text = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    # never cut at the frame's left edge (a short bar under a wide label), and a white halo so the
    # bar and its length stay legible over grid edges and fills
    cx = max(bx + bar / 2, bx + 0.3 * 70 * len(text))
    return [f'<g><path d="M{bx:.0f} {by:.0f}h{bar:.0f}" stroke="#ffffff" stroke-width="50"/>'
            f'<path d="M{bx:.0f} {by:.0f}h{bar:.0f}" stroke="#111111" stroke-width="30"/>'
            f'<text x="{cx:.0f}" y="{by - 40:.0f}" text-anchor="middle" font-size="70" '
            f'fill="#111111" stroke="#ffffff" stroke-width="14" paint-order="stroke">{text}</text></g>']


def _north_arrow(word: str, width: int) -> list[str]:
    """An arrow pointing up, its word below it, in the top right corner."""
    x, top = width - 0.04 * width, 60
    return [f'<g fill="#111111"><path d="M{x:.0f} {top}l-40 110h80z"/>'
            f'<path d="M{x:.0f} {top + 110}v70" stroke="#111111" stroke-width="12"/>'
            f'<text x="{x:.0f}" y="{top + 270}" text-anchor="middle" font-size="90" stroke="#ffffff" '
            f'stroke-width="14" paint-order="stroke">{html.escape(word)}</text></g>']
