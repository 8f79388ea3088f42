"""What both maps of a plan draw on each grid besides its outline: its fill and where its label goes.

The printed report's maps (:mod:`gridmap._static_map`) and the web map (:mod:`gridmap.maps`)
fill neighbouring grids with different colours (:func:`gridmap._colouring.colour_grids`) and
write each grid's code at the centre of the largest circle inside it (its pole of
inaccessibility, :func:`label_circles`). Both depend on the grids' geometry only and are the
costly part of drawing a large plan (9,113 grids: 0.75 and 0.6 CPU s). ``gridmap run``
computes them once, on its pool while the plan is staffed, and hands the same
:class:`GridDecor` to the report and to the map (``decor=``); without one, each computes its own.

    decor = grid_decor(plan.grids.geometry.to_numpy())
    build_report(plan, decor=decor); plan_map(plan, decor=decor)
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from gridmap._colouring import colour_grids

__all__ = ["GridDecor", "grid_decor", "label_circles", "decor_of"]


@dataclass(frozen=True)
class GridDecor:
    """Per grid, in the order of the grids it was made from (see :func:`grid_decor`)."""

    #: index into :data:`gridmap._colouring.PALETTE`; neighbours differ
    fill: np.ndarray
    #: (n, 2) x, y of the label circle's centre, in the grids' (metric) CRS; NaN for a grid without area
    centre: np.ndarray
    #: the circle's radius, metres; NaN likewise
    radius: np.ndarray

    def __len__(self) -> int:
        return len(self.fill)


def grid_decor(geoms) -> GridDecor:
    """The fills and label circles of grids ``geoms`` (polygons in a metric CRS; a pure function,
    picklable in and out: a task for a worker)."""
    geoms = np.asarray(geoms, dtype=object)
    centre, radius = label_circles(geoms)
    return GridDecor(colour_grids(geoms), centre, radius)


def decor_of(geoms, decor: GridDecor | None = None) -> GridDecor:
    """``decor`` when given (it must hold one entry per grid), else :func:`grid_decor` of ``geoms``."""
    if decor is None:
        return grid_decor(geoms)
    if len(decor) != len(geoms):
        raise ValueError(f"decor: made for {len(decor)} grids, the plan has {len(geoms)}")
    return decor


def label_circles(geoms) -> tuple[np.ndarray, np.ndarray]:
    """Centre (x, y) and radius (m) of the largest circle inside each grid's largest part (NaN if none).

    One vectorised call over all grids (GEOS' maximum inscribed circle, to a tolerance of
    1/200 of the part's square root of area, at least 0.5 m).
    """
    geoms = np.asarray(geoms, dtype=object)
    xy = np.full((len(geoms), 2), np.nan)
    radius = np.full(len(geoms), np.nan)
    ok = np.array([g is not None for g in geoms], dtype=bool)
    if not ok.any():
        return xy, radius
    parts, owner = shapely.get_parts(geoms[ok], return_index=True)
    owner = np.flatnonzero(ok)[owner]
    polygon = (shapely.get_type_id(parts) == 3) & ~shapely.is_empty(parts)
    parts, owner = parts[polygon], owner[polygon]
    if not len(parts):
        return xy, radius
    area = shapely.area(parts)
    order = np.lexsort((-area, owner))  # largest part of each grid first
    first = order[np.unique(owner[order], return_index=True)[1]]
    largest, who = parts[first], owner[first]
    tolerance = np.maximum(np.sqrt(np.maximum(area[first], 1.0)) / 200.0, 0.5)
    circles = shapely.maximum_inscribed_circle(largest, tolerance)
    centre = shapely.get_point(circles, 0)
    xy[who, 0], xy[who, 1] = shapely.get_x(centre), shapely.get_y(centre)
    radius[who] = shapely.length(circles)
    return xy, radius
