"""The rules of a plan: household band, urban/rural regimes, household estimation, barriers.

A :class:`PlanConfig` holds parameters only (scikit-learn style: results live in the
:class:`~gridmap.plan.Plan`). It is validated once, on construction, with messages that
name the parameter, and it round-trips through TOML so a county's rules can be kept in
a file (``gridmap partition --config rules.toml``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from gridmap._toml import Rules
from gridmap.errors import InputError

#: Gross floor area per dwelling (m²) by OSM ``building`` value, used to estimate
#: households from footprints: households = footprint m² × levels ÷ m² per dwelling.
DEFAULT_DWELLING_M2 = {
    "apartments": 90.0,
    "residential": 100.0,
    "dormitory": 60.0,
    # Untyped buildings with an address are mostly family houses: a generous size keeps
    # a 180 m² two-storey house at one household (Liechtenstein: 23k households estimated
    # against about 17k in its 2020 census; better than 41k at 120 m²).
    "yes": 250.0,
}

#: Building types that hold exactly one household each (whatever their size).
DEFAULT_SINGLE_HOUSEHOLD = ("house", "detached", "semidetached_house", "bungalow",
                            "farm", "terrace", "cabin", "hut", "static_caravan")

#: Storeys assumed when ``building:levels`` is missing, by building type.
DEFAULT_LEVELS = {"apartments": 4.0, "residential": 3.0, "dormitory": 3.0, "yes": 2.0}

#: How costly it is to put a grid edge along a line of each class (lower = preferred).
#: ``none`` is an edge between atoms with no barrier on it (they only touch after a
#: sliver merge or a gap fill), which should almost never become a grid edge.
DEFAULT_CUT_WEIGHTS = {
    "river": 0.2,
    "railway": 0.3,
    "major_road": 0.5,
    "road": 1.0,
    "minor_water": 0.8,
    "barrier": 0.6,
    "none": 3.0,
}

#: OSM ``highway`` values that cut the area into atoms, with their barrier class.
DEFAULT_BARRIER_HIGHWAYS = {
    "motorway": "major_road", "trunk": "major_road", "primary": "major_road",
    "secondary": "major_road", "motorway_link": "major_road", "trunk_link": "major_road",
    "primary_link": "major_road", "secondary_link": "major_road",
    "tertiary": "road", "tertiary_link": "road", "unclassified": "road",
    "residential": "road", "living_street": "road", "pedestrian": "road",
}

#: OSM ``waterway`` values that cut the area, with their barrier class.
DEFAULT_BARRIER_WATERWAYS = {
    "river": "river", "canal": "river", "stream": "minor_water",
    "drain": "minor_water", "ditch": "minor_water",
}


def _as_band(value: Any) -> tuple[float, float]:
    try:
        lo, hi = (float(v) for v in value)
    except (TypeError, ValueError):
        raise InputError(f"band: expected two numbers MIN MAX (households), got {value!r}") from None
    if not (0 < lo <= hi):
        raise InputError(f"band: need 0 < MIN <= MAX households, got {lo:g} {hi:g}")
    return lo, hi


@dataclass(frozen=True)
class UrbanRule:
    """Which lowest-level units are partitioned by households (urban) or kept whole (rural).

    A unit is urban when its id or name is in ``urban``, or its name matches
    ``urban_pattern``; rural when listed in ``rural`` or matching ``rural_pattern``;
    otherwise ``mode`` decides: ``"density"`` (urban when households per km² ≥
    ``min_density``), ``"all"`` or ``"none"``.
    """

    mode: str = "density"
    min_density: float = 100.0  # households per km²
    urban: tuple[str, ...] = ()
    rural: tuple[str, ...] = ()
    #: Chinese unit names say it: communities (社区, 居委会) and sub-districts (街道) are
    #: urban, villages (村) and Inner Mongolian gachas (嘎查) rural.
    urban_pattern: str = "社区|居委会|街道"
    rural_pattern: str = "村$|嘎查$"

    def __post_init__(self):
        if self.mode not in ("density", "all", "none"):
            raise InputError(f"urban.mode: expected 'density', 'all' or 'none', got {self.mode!r}")
        if self.min_density < 0:
            raise InputError(f"urban.min_density: must be >= 0 households/km², got {self.min_density}")
        for name in ("urban_pattern", "rural_pattern"):
            try:
                re.compile(getattr(self, name))
            except re.error as exc:
                raise InputError(f"urban.{name}: not a valid regular expression: {exc}") from None

    def classify(self, unit_id: str, name: str, households: float, area_km2: float) -> str:
        """Return ``"urban"`` or ``"rural"`` for one unit."""
        keys = {str(unit_id), str(name)}
        if keys & set(self.urban) or (self.urban_pattern and re.search(self.urban_pattern, str(name))):
            return "urban"
        if keys & set(self.rural) or (self.rural_pattern and re.search(self.rural_pattern, str(name))):
            return "rural"
        if self.mode == "all":
            return "urban"
        if self.mode == "none":
            return "rural"
        density = households / area_km2 if area_km2 > 0 else 0.0
        return "urban" if density >= self.min_density else "rural"


@dataclass(frozen=True)
class RuralRule:
    """What a grid is in a rural unit.

    ``grids = "village"``: the unit (a village, a gacha) is one grid. ``"settlement"``:
    one grid per natural settlement (自然村/村民小组): household points closer than
    ``gap_m`` metres belong to one settlement (single linkage), each atom goes to the
    settlement holding most of its households, atoms without households to a
    neighbouring grid, a settlement cut in pieces by the unit's shape becomes one grid
    per piece, and grids under ``min_households`` join the neighbour they share the most
    boundary with. ``split_large``: a settlement grid with more households than the
    band's top is split into grids in the band (villager groups), like a town unit.
    """

    grids: str = "village"
    gap_m: float = 150.0  # metres between houses of one settlement
    min_households: float = 50.0  # smaller settlements join a neighbour
    split_large: bool = False

    def __post_init__(self):
        if self.grids not in ("village", "settlement"):
            raise InputError(f"rural.grids: expected 'village' or 'settlement', got {self.grids!r}")
        if not self.gap_m > 0:
            raise InputError(f"rural.gap_m: must be > 0 metres, got {self.gap_m}")
        if self.min_households < 0:
            raise InputError(f"rural.min_households: must be >= 0, got {self.min_households}")


@dataclass(frozen=True)
class HouseholdRule:
    """How households are estimated from buildings (see the module constants for defaults)."""

    dwelling_m2: dict = field(default_factory=lambda: dict(DEFAULT_DWELLING_M2))
    default_levels: dict = field(default_factory=lambda: dict(DEFAULT_LEVELS))
    single_household: tuple[str, ...] = DEFAULT_SINGLE_HOUSEHOLD
    #: ``building=yes`` counts as residential only with a house number (OSM tags most
    #: homes in Europe and China as plain ``yes``; sheds and barns rarely carry addresses).
    yes_needs_address: bool = True
    min_footprint_m2: float = 30.0  # smaller buildings (garages, sheds) hold no household
    #: Untyped (``yes``) buildings larger than this (m² footprint) are taken as halls,
    #: factories or schools and hold no household.
    yes_max_footprint_m2: float = 1500.0

    def __post_init__(self):
        for key, value in {**self.dwelling_m2, **self.default_levels}.items():
            if not float(value) > 0:
                raise InputError(f"households: dwelling size and levels must be > 0, got {key} = {value}")
        if self.min_footprint_m2 < 0:
            raise InputError(f"households.min_footprint_m2: must be >= 0 m², got {self.min_footprint_m2}")


@dataclass(frozen=True)
class PlanConfig(Rules):
    """Every rule of a plan. Units: households, metres, m².

    Parameters
    ----------
    band : (min, max) households per urban grid.
    seed : seed of the partitioner's random choices; same inputs + seed = same plan.
    urban : :class:`UrbanRule` deciding each unit's regime.
    rural : :class:`RuralRule`: a rural unit is one grid, or one grid per settlement.
    households : :class:`HouseholdRule` for estimates from buildings.
    sliver_m2 : atoms smaller than this (m²) are merged into their longest-shared neighbour.
    cut_weights : cost of a grid edge along each barrier class (lower = preferred).
    barrier_highways, barrier_waterways : OSM values that cut atoms, mapped to a class.
    crs : metric CRS to compute in ("auto" = UTM or CGCS2000 Gauss-Krüger in China).
    """

    section = "plan"

    band: tuple[float, float] = (300.0, 500.0)
    seed: int = 0
    urban: UrbanRule = field(default_factory=UrbanRule)
    rural: RuralRule = field(default_factory=RuralRule)
    households: HouseholdRule = field(default_factory=HouseholdRule)
    sliver_m2: float = 200.0
    cut_weights: dict = field(default_factory=lambda: dict(DEFAULT_CUT_WEIGHTS))
    barrier_highways: dict = field(default_factory=lambda: dict(DEFAULT_BARRIER_HIGHWAYS))
    barrier_waterways: dict = field(default_factory=lambda: dict(DEFAULT_BARRIER_WATERWAYS))
    crs: str = "auto"

    def __post_init__(self):
        object.__setattr__(self, "band", _as_band(self.band))
        if not isinstance(self.seed, int) or self.seed < 0:
            raise InputError(f"seed: expected a non-negative integer, got {self.seed!r}")
        if self.sliver_m2 < 0:
            raise InputError(f"sliver_m2: must be >= 0 m², got {self.sliver_m2}")
        for key, value in self.cut_weights.items():
            if not float(value) >= 0:
                raise InputError(f"cut_weights.{key}: must be >= 0, got {value}")
        missing = (set(self.barrier_highways.values()) | set(self.barrier_waterways.values())) - set(self.cut_weights)
        if missing:
            raise InputError(f"cut_weights: no weight for barrier class(es) {sorted(missing)}")
        if isinstance(self.urban, dict):
            object.__setattr__(self, "urban", UrbanRule(**_tuples(self.urban)))
        if isinstance(self.rural, dict):
            object.__setattr__(self, "rural", RuralRule(**self.rural))
        if isinstance(self.households, dict):
            object.__setattr__(self, "households", HouseholdRule(**_tuples(self.households)))

    @classmethod
    def _coerce(cls, data: dict) -> dict:
        if "band" in data:
            data["band"] = tuple(data["band"])
        return data


def _tuples(d: dict) -> dict:
    return {k: tuple(v) if isinstance(v, list) else v for k, v in d.items()}
