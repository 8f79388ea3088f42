"""The rules of a plan: household band, regimes, household estimation, barriers, staffing, travel.

Every rule class here holds parameters only (scikit-learn style: results live in the
:class:`~gridmap.plan.Plan`), is frozen, is validated once on construction with messages
that name the parameter and its unit, and round-trips through TOML so a county's rules
can be kept in a file (``gridmap run --config rules.toml``):

- :class:`Band`: households per urban grid, with the one tolerance every step uses;
- :class:`PlanConfig` (``[plan]``): band, regimes, household estimates, barriers;
- :class:`StaffingConfig` (``[staffing]``): workers per grid, worker types and pay;
- :class:`ReachConfig` (``[reach]``): travel mode, speeds, response times;
- :class:`RuleSet`: the three together, as a plan was made with them (``Plan.config``).
"""
from __future__ import annotations

import dataclasses
import math
import numbers
import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from gridmap import i18n
from gridmap._toml import Rules
from gridmap.errors import InputError
from gridmap.osm_classes import BARRIER_HIGHWAYS, BARRIER_WATERWAYS, IMPLIED_ONEWAY_HIGHWAYS, WALKABLE_HIGHWAYS
from gridmap.regimes import Regime

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
#: ``path`` is an edge along a line that cut no atom (a footway, a service road: the pieces
#: of a block split for its households follow them, gridmap.graph.PATH_CLASS); ``none`` is
#: an edge along no line at all (between the pieces of a split block, or atoms that only
#: touch after a sliver merge or a gap fill), which should rarely become a grid edge.
DEFAULT_CUT_WEIGHTS = {
    "river": 0.2,
    "railway": 0.3,
    "major_road": 0.5,
    "road": 1.0,
    "minor_water": 0.8,
    "barrier": 0.6,
    "path": 1.2,
    "none": 3.0,
}

#: OSM values that cut the area into atoms, with their barrier class (the OSM vocabulary
#: lives in gridmap.osm_classes).
DEFAULT_BARRIER_HIGHWAYS = BARRIER_HIGHWAYS
DEFAULT_BARRIER_WATERWAYS = BARRIER_WATERWAYS


class _Pair(NamedTuple):
    lo: float
    hi: float


class Band(_Pair):
    """Households per urban grid: ``lo`` to ``hi`` inclusive, within :attr:`tol`.

    The one definition of the band that every step uses: the partitioner's targets,
    ``in_band`` of the grids layer, the out-of-band faults of validation, the report's
    share in band and the map's colours all call :meth:`contains` (or :meth:`below` /
    :meth:`above`), so they never disagree on a grid. A tuple ``(lo, hi)``: it unpacks,
    compares equal to ``(300.0, 500.0)`` and is written to TOML and JSON as ``[lo, hi]``.

    ``lo`` may be 0 (no minimum: the partitioner accepts it); a plan's rules
    (:class:`PlanConfig`) need ``lo > 0``.
    """

    __slots__ = ()

    def __new__(cls, lo, hi):
        try:
            lo, hi = float(lo), float(hi)
        except (TypeError, ValueError):
            raise InputError.of("rules_band_not_numbers", where="band", got=f"{lo!r} {hi!r}") from None
        if not (math.isfinite(lo) and math.isfinite(hi) and 0 <= lo <= hi and hi > 0):
            raise InputError.of("rules_band_order", where="band", lo=lo, hi=hi)
        return super().__new__(cls, lo, hi)

    @classmethod
    def coerce(cls, value: Any) -> "Band":
        """A Band from a Band or any pair of numbers ``(MIN, MAX)``."""
        if isinstance(value, Band):
            return value
        try:
            lo, hi = value
        except (TypeError, ValueError):
            raise InputError.of("rules_band_not_numbers", where="band", got=repr(value)) from None
        return cls(lo, hi)

    @property
    def tol(self) -> float:
        """Households within which a total counts as on the band's edge: household totals
        are sums of floats (persons ÷ 2.3), so 500.0000001 is 500."""
        return max(1e-6, 1e-9 * self.hi)

    def contains(self, households):
        """True where ``households`` (a number or an array) lies in the band."""
        h = np.asarray(households, dtype=float)
        inside = (h >= self.lo - self.tol) & (h <= self.hi + self.tol)
        return bool(inside) if inside.ndim == 0 else inside

    def below(self, households):
        """True where ``households`` is under the band's minimum (beyond the tolerance)."""
        below = np.asarray(households, dtype=float) < self.lo - self.tol
        return bool(below) if below.ndim == 0 else below

    def above(self, households):
        """True where ``households`` is over the band's maximum (beyond the tolerance)."""
        above = np.asarray(households, dtype=float) > self.hi + self.tol
        return bool(above) if above.ndim == 0 else above

    def __str__(self) -> str:
        return f"{self.lo:g}-{self.hi:g}"


@dataclass(frozen=True)
class UrbanRule:
    """Which lowest-level units are partitioned by households (urban), kept rural, or both.

    A unit is urban when its id or name is in ``urban``, or its name matches
    ``urban_pattern``; rural when listed in ``rural`` or matching ``rural_pattern``;
    otherwise ``mode`` decides: ``"all"`` (urban), ``"none"`` (rural) or ``"density"``:
    by where its people live. Its households are grouped into natural settlements (the
    rural rule's ``gap_m``); a settlement with at least the band's minimum households
    and ``min_density`` households per km² of the atoms they live in (not of the whole
    unit with its fields and mountains) is dense. A unit whose households all live in
    dense settlements is urban, one with none rural, and one with both mixed: its dense
    part (a town seat, 场镇) split by the band, the rest by the rural rule.
    """

    mode: str = "density"
    min_density: float = 100.0  # households per km² of the atoms a settlement lives in
    urban: tuple[str, ...] = ()
    rural: tuple[str, ...] = ()
    #: Chinese unit names say it: communities (社区, 居委会) and sub-districts (街道) are
    #: urban, villages (村) and Inner Mongolian gachas (嘎查) rural.
    urban_pattern: str = "社区|居委会|街道"
    rural_pattern: str = "村$|嘎查$"

    def __post_init__(self):
        if self.mode not in ("density", "all", "none"):
            raise InputError.of("rules_urban_mode", where="urban.mode", value=self.mode)
        if self.min_density < 0:
            raise InputError.of("rules_not_negative_density", where="urban.min_density", value=self.min_density)
        for name in ("urban_pattern", "rural_pattern"):
            try:
                re.compile(getattr(self, name))
            except re.error as exc:
                raise InputError.of("rules_bad_pattern", where=f"urban.{name}", reason=str(exc)) from None

    def by_rule(self, unit_id: str, name: str) -> Regime | None:
        """The regime the lists, name patterns or mode give a unit; None when its density decides."""
        keys = {str(unit_id), str(name)}
        if keys & set(self.urban) or (self.urban_pattern and re.search(self.urban_pattern, str(name))):
            return Regime.URBAN
        if keys & set(self.rural) or (self.rural_pattern and re.search(self.rural_pattern, str(name))):
            return Regime.RURAL
        if self.mode == "all":
            return Regime.URBAN
        if self.mode == "none":
            return Regime.RURAL
        return None


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
            raise InputError.of("rules_rural_grids", where="rural.grids", value=self.grids)
        if not self.gap_m > 0:
            raise InputError.of("rules_positive_metres", where="rural.gap_m", value=self.gap_m)
        if self.min_households < 0:
            raise InputError.of("rules_not_negative", where="rural.min_households", value=self.min_households)


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
        # each table on its own: both have keys such as "apartments", and one must not hide the other
        for table, unit in (("dwelling_m2", "rules_m2_per_dwelling"), ("default_levels", "rules_storeys")):
            for key, value in getattr(self, table).items():
                if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value > 0:
                    raise InputError.of("rules_positive_in", where=f"households.{table}.{key}",
                                        unit=i18n.Phrase(f"phrase.{unit}"), value=value)
        if self.min_footprint_m2 < 0:
            raise InputError.of("rules_not_negative_m2", where="households.min_footprint_m2",
                                value=self.min_footprint_m2)


@dataclass(frozen=True)
class PlanConfig(Rules):
    """Every rule of a plan. Units: households, metres, m².

    Parameters
    ----------
    band : :class:`Band`, (min, max) households per urban grid (any pair of numbers is taken).
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

    band: Band = Band(300.0, 500.0)
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
        band = Band.coerce(self.band)
        if band.lo <= 0:
            raise InputError.of("rules_band_order", where="band", lo=band.lo, hi=band.hi)
        object.__setattr__(self, "band", band)
        if not isinstance(self.seed, int) or isinstance(self.seed, bool) or self.seed < 0:
            raise InputError.of("rules_seed", where="seed", value=self.seed)
        if self.sliver_m2 < 0:
            raise InputError.of("rules_not_negative_m2", where="sliver_m2", value=self.sliver_m2)
        for key, value in self.cut_weights.items():
            if not float(value) >= 0:
                raise InputError.of("rules_not_negative", where=f"cut_weights.{key}", value=value)
        missing = (set(self.barrier_highways.values()) | set(self.barrier_waterways.values())) - set(self.cut_weights)
        if missing:
            raise InputError.of("rules_cut_weights_missing", where="cut_weights", classes=sorted(missing))
        if isinstance(self.urban, dict):
            object.__setattr__(self, "urban", UrbanRule(**_tuples(self.urban)))
        if isinstance(self.rural, dict):
            object.__setattr__(self, "rural", RuralRule(**self.rural))
        if isinstance(self.households, dict):
            object.__setattr__(self, "households", HouseholdRule(**_tuples(self.households)))

    @classmethod
    def _coerce(cls, data: dict) -> dict:
        if "band" in data:
            data["band"] = Band.coerce(data["band"])
        return data


def _tuples(d: dict) -> dict:
    return {k: tuple(v) if isinstance(v, list) else v for k, v in d.items()}


# --------------------------------------------------------------------------- staffing

#: Pay per month (yuan) by worker type and pay component, from county schemes: a
#: full-time worker 1,000; a first-level part-timer 300; a part-timer 250 base + 200
#: performance + 50 phone allowance.
DEFAULT_WORKER_TYPES = {
    "full_time": {"base": 1000.0},
    "part_time_1": {"base": 300.0},
    "part_time": {"base": 250.0, "performance": 200.0, "phone": 50.0},
}

METHODS = ("fixed", "per_households", "workload")


@dataclass(frozen=True)
class StaffingRule:
    """How many workers of one type a grid gets.

    Parameters
    ----------
    worker_type : a key of ``StaffingConfig.worker_types``.
    method : ``"fixed"`` (``workers`` per grid), ``"per_households"`` (one per
        ``households_per_worker`` households, rounded up) or ``"workload"`` (one per
        ``households_per_worker`` points of workload: households + Σ weight × special-group
        count, the counts summed per grid from columns of the households layer).
    workers : workers per grid with ``method = "fixed"``.
    households_per_worker : households (or workload points) per worker.
    weights : {households-layer column: extra points per person or household of that group}.
    min_workers, max_workers : bounds per grid (``max_workers = 0``: no cap).
    """

    worker_type: str = "full_time"
    method: str = "fixed"
    workers: int = 1
    households_per_worker: float = 300.0
    weights: dict = field(default_factory=dict)
    min_workers: int = 1
    max_workers: int = 0

    def check(self, where: str, worker_types: dict):
        """Raise :class:`InputError` naming ``where`` (e.g. ``staffing.urban[0]``) if a value is bad."""
        if self.worker_type not in worker_types:
            raise InputError.of("rules_unknown_worker_type", where=f"{where}.worker_type", value=self.worker_type,
                                known=sorted(worker_types))
        if self.method not in METHODS:
            raise InputError.of("rules_one_of", where=f"{where}.method", known=list(METHODS), value=self.method)
        if not _integer(self.workers) or self.workers < 1:
            raise InputError.of("rules_workers_min", where=f"{where}.workers", value=self.workers)
        if not _number(self.households_per_worker) or not self.households_per_worker > 0:
            raise InputError.of("rules_positive", where=f"{where}.households_per_worker",
                                value=self.households_per_worker)
        if not _integer(self.min_workers) or self.min_workers < 1:
            raise InputError.of("rules_workers_min", where=f"{where}.min_workers", value=self.min_workers)
        if not _integer(self.max_workers) or (self.max_workers != 0 and self.max_workers < self.min_workers):
            raise InputError.of("rules_max_workers", where=f"{where}.max_workers", min_workers=self.min_workers,
                                value=self.max_workers)
        if not isinstance(self.weights, dict):
            raise InputError.of("rules_weights_table", where=f"{where}.weights", value=self.weights)
        for column, weight in self.weights.items():
            if not _number(weight) or weight < 0:
                raise InputError.of("rules_number_not_negative", where=f"{where}.weights.{column}", value=weight)

    def count(self, households: np.ndarray, groups: dict[str, np.ndarray]) -> np.ndarray:
        """Workers per grid (int array) for grids with ``households`` and special-group sums ``groups``."""
        households = np.asarray(households, dtype=float)
        if self.method == "fixed":
            return np.full(len(households), self.workers, dtype=np.int64)
        score = households.copy()
        if self.method == "workload":
            for column, weight in self.weights.items():
                score = score + weight * groups.get(column, np.zeros(len(households)))
        # 1e-9: 600 households at 300 per worker are 2 workers, not 3 by rounding noise
        n = np.ceil(score / self.households_per_worker - 1e-9).astype(np.int64)
        n = np.maximum(n, self.min_workers)
        return np.minimum(n, self.max_workers) if self.max_workers else n


def _integer(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _number(value) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool) \
        and math.isfinite(float(value))


def _rules(value, where: str) -> tuple[StaffingRule, ...]:
    """A regime's or unit's rules from a StaffingRule, a dict or a list of them."""
    if isinstance(value, (StaffingRule, dict)):
        value = [value]
    if not isinstance(value, (list, tuple)) or len(value) == 0:
        raise InputError.of("rules_rule_list", where=where, value=value)
    known = {f.name for f in dataclasses.fields(StaffingRule)}
    out = []
    for i, item in enumerate(value):
        if isinstance(item, dict):
            unknown = set(item) - known
            if unknown:
                raise InputError.of("rules_unknown_parameters", where=f"{where}[{i}]", unknown=sorted(unknown),
                                    known=sorted(known))
            item = StaffingRule(**item)
        if not isinstance(item, StaffingRule):
            raise InputError.of("rules_rule_table", where=f"{where}[{i}]", value=item)
        out.append(item)
    return tuple(out)


@dataclass(frozen=True)
class StaffingConfig(Rules):
    """Every staffing rule of a plan. Units: yuan per month, households.

    Parameters
    ----------
    worker_types : {type: {pay component: yuan per month}}; defaults in
        :data:`DEFAULT_WORKER_TYPES`. Components are free names (base, performance,
        phone, ...); the budget keeps them apart.
    urban : rules of grids in urban units (default one full-time worker per grid).
    rural : rules of grids in rural units, and of any regime other than ``urban``
        (default one part-time worker per grid).
    units : {unit id or name: rules} replacing the regime's rules for that unit.
    months_per_year : months paid per year (13 where a 13th month is paid).
    island_workers : whether island grids (exclaves and cut-off pieces of a unit under
        the band, regime ``island``) get workers of their own under the rural rules;
        by default they don't, and the worker of the nearest grid of the same unit
        serves them (``grids.served_by``).
    """

    section = "staffing"

    worker_types: dict = field(default_factory=lambda: {k: dict(v) for k, v in DEFAULT_WORKER_TYPES.items()})
    urban: tuple = (StaffingRule(worker_type="full_time"),)
    rural: tuple = (StaffingRule(worker_type="part_time"),)
    units: dict = field(default_factory=dict)
    months_per_year: int = 12
    island_workers: bool = False

    def __post_init__(self):
        if not isinstance(self.worker_types, dict) or not self.worker_types:
            raise InputError.of("rules_worker_types", where="staffing.worker_types")
        types = {}
        for name, pay in self.worker_types.items():
            if not isinstance(pay, dict) or not pay:
                raise InputError.of("rules_pay_table", where=f"staffing.worker_types.{name}", value=pay)
            for component, yuan in pay.items():
                if not _number(yuan) or yuan < 0:
                    raise InputError.of("rules_pay", where=f"staffing.worker_types.{name}.{component}", value=yuan)
            types[str(name)] = {str(c): float(v) for c, v in pay.items()}
        object.__setattr__(self, "worker_types", types)
        for regime in ("urban", "rural"):
            rules = _rules(getattr(self, regime), f"staffing.{regime}")
            for i, rule in enumerate(rules):
                rule.check(f"staffing.{regime}[{i}]", types)
            object.__setattr__(self, regime, rules)
        if not isinstance(self.units, dict):
            raise InputError.of("rules_units_table", where="staffing.units", value=self.units)
        units = {}
        for key, value in self.units.items():
            rules = _rules(value, f"staffing.units.{key}")
            for i, rule in enumerate(rules):
                rule.check(f"staffing.units.{key}[{i}]", types)
            units[str(key)] = rules
        object.__setattr__(self, "units", units)
        if not isinstance(self.island_workers, bool):
            raise InputError.of("toml_expected_bool", where="staffing.island_workers", value=self.island_workers)
        if not _integer(self.months_per_year) or not 1 <= self.months_per_year <= 14:
            raise InputError.of("rules_months_per_year", where="staffing.months_per_year", value=self.months_per_year)

    @property
    def components(self) -> list[str]:
        """Pay components of all worker types, in first-seen order."""
        return list(dict.fromkeys(c for pay in self.worker_types.values() for c in pay))

    def monthly_pay(self, worker_type: str) -> float:
        return float(sum(self.worker_types[worker_type].values()))

    def rules_for(self, regime: str, unit_id: str = "", unit_name: str = "") -> tuple[StaffingRule, ...]:
        """Rules of a grid: its unit's own (by id, then name), else its regime's."""
        for key in (str(unit_id), str(unit_name)):
            if key and key in self.units:
                return self.units[key]
        return self.urban if regime == "urban" else self.rural


# --------------------------------------------------------------------------- travel

MODES = ("walk", "ebike", "car")


#: Travel speeds (km/h) per travel mode and OSM ``highway`` class; classes not listed are
#: closed to the mode. Walking: 4.5 km/h on every walkable way (motorways excluded).
#: E-bikes (电动自行车, legal top speed 25 km/h under GB 17761-2018): 25 on primary and
#: trunk roads down to 15 on residential streets; pushed at 5 km/h on footways and
#: pedestrian streets; no motorways or steps. Cars: free-flow speeds of county roads,
#: 60 on primary (90 on motorways) down to 20 on residential streets; no footways, paths,
#: cycleways or steps.
DEFAULT_SPEEDS = {
    "walk": {cls: 4.5 for cls in WALKABLE_HIGHWAYS},
    "ebike": {
        "trunk": 25.0, "trunk_link": 20.0, "primary": 25.0, "primary_link": 20.0, "secondary": 22.0,
        "secondary_link": 20.0, "tertiary": 20.0, "tertiary_link": 18.0, "unclassified": 18.0,
        "residential": 15.0, "living_street": 10.0, "service": 12.0, "road": 15.0, "track": 10.0,
        "cycleway": 15.0, "path": 10.0, "pedestrian": 5.0, "footway": 5.0,
    },
    "car": {
        "motorway": 90.0, "motorway_link": 40.0, "trunk": 60.0, "trunk_link": 40.0, "primary": 60.0,
        "primary_link": 40.0, "secondary": 50.0, "secondary_link": 40.0, "tertiary": 40.0, "tertiary_link": 30.0,
        "unclassified": 30.0, "residential": 20.0, "living_street": 10.0, "service": 15.0, "road": 20.0,
        "track": 10.0,
    },
}

#: OSM ``highway`` classes on which ``oneway`` is implied when the tag is missing.
IMPLIED_ONEWAY = tuple(sorted(IMPLIED_ONEWAY_HIGHWAYS))



@dataclass(frozen=True)
class ReachConfig(Rules):
    """Travel rules of a plan's reach. Units: km/h, minutes, metres.

    Parameters
    ----------
    mode : travel mode of the grid workers, ``"walk"``, ``"ebike"`` or ``"car"``.
    speeds : {mode: {highway class: km/h}}; defaults in :data:`DEFAULT_SPEEDS`. A mode
        given here replaces that mode's whole table (classes left out are closed to it).
    minutes_urban, minutes_rural : response time (minutes) from a grid's base to its
        households, by the grid's regime (10 in town, 30 in the countryside).
    oneway_modes : modes that respect one-way streets (cars by default; add ``"ebike"``
        where e-bikes keep to the traffic rules).
    use_maxspeed : a way's ``maxspeed`` tag (km/h, or mph) caps its class speed for the
        wheeled modes (e.g. a 30 km/h zone); walking ignores it.
    snap_speed_kmh : speed (km/h) at which households and bases off the network walk to
        their nearest road node.
    buffer_urban_m, buffer_rural_m : half-width (m) of the band drawn along the reached
        streets to form a service area (the built-up strip a worker on that street serves).
    candidates : how many network nodes per grid are evaluated exactly as its base, twice:
        the best of all the grid's nodes by their travel time to its households pooled
        into at most 64 cells, then the nodes nearest the winner. With 16, the
        Liechtenstein demo's bases are within 0.1 minute per grid (0.002 on average) of
        an exhaustive search that takes 30 times longer.
    search_margin_m : margin (m) around a grid's bounding box within which routes between
        its base and its households are searched when bases are computed.
    """

    section = "reach"

    mode: str = "walk"
    speeds: dict = field(default_factory=lambda: {m: dict(t) for m, t in DEFAULT_SPEEDS.items()})
    minutes_urban: float = 10.0
    minutes_rural: float = 30.0
    oneway_modes: tuple[str, ...] = ("car",)
    use_maxspeed: bool = True
    snap_speed_kmh: float = 4.5
    buffer_urban_m: float = 50.0
    buffer_rural_m: float = 100.0
    candidates: int = 16
    search_margin_m: float = 500.0

    def __post_init__(self):
        if self.mode not in MODES:
            raise InputError.of("rules_one_of", where="reach.mode", known=list(MODES), value=self.mode)
        speeds = {m: dict(t) for m, t in DEFAULT_SPEEDS.items()}
        if not isinstance(self.speeds, dict):
            raise InputError.of("rules_speeds_table", where="reach.speeds", value=self.speeds)
        for mode, table in self.speeds.items():
            if mode not in MODES:
                raise InputError.of("rules_unknown_mode", where=f"reach.speeds.{mode}", known=list(MODES))
            if not isinstance(table, dict) or not table:
                raise InputError.of("rules_speed_table", where=f"reach.speeds.{mode}")
            for cls, kmh in table.items():
                if not _positive(kmh):
                    raise InputError.of("rules_speed", where=f"reach.speeds.{mode}.{cls}", value=kmh)
            speeds[mode] = {str(c): float(v) for c, v in table.items()}
        object.__setattr__(self, "speeds", speeds)
        for name in ("minutes_urban", "minutes_rural", "snap_speed_kmh"):
            if not _positive(getattr(self, name)):
                raise InputError.of("rules_positive", where=f"reach.{name}", value=getattr(self, name))
        for name in ("buffer_urban_m", "buffer_rural_m", "search_margin_m"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value >= 0):
                raise InputError.of("rules_not_negative_metres", where=f"reach.{name}", value=value)
        modes = (self.oneway_modes,) if isinstance(self.oneway_modes, str) else tuple(self.oneway_modes)
        bad = [m for m in modes if m not in MODES]
        if bad:
            raise InputError.of("rules_oneway_modes", where="reach.oneway_modes", modes=bad, known=list(MODES))
        object.__setattr__(self, "oneway_modes", modes)
        if not isinstance(self.candidates, int) or isinstance(self.candidates, bool) or self.candidates < 1:
            raise InputError.of("rules_candidates", where="reach.candidates", value=self.candidates)

    def minutes(self, regime: str) -> float:
        """Response time (minutes) of a regime (``urban``/``rural``)."""
        return self.minutes_urban if regime == "urban" else self.minutes_rural

    def buffer_m(self, regime: str) -> float:
        """Half-width (m) of a service area's street band in a regime."""
        return self.buffer_urban_m if regime == "urban" else self.buffer_rural_m

    @classmethod
    def _coerce(cls, data: dict) -> dict:
        if isinstance(data.get("oneway_modes"), list):
            data["oneway_modes"] = tuple(data["oneway_modes"])
        return data



def _positive(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value > 0


# --------------------------------------------------------------------------- a plan's rules


@dataclass(frozen=True)
class RuleSet:
    """The rules a plan was made with, typed: :attr:`Plan.config <gridmap.plan.Plan.config>`.

    Each is stored once in the plan's metadata, as the step that used it wrote it:
    ``meta["config"]`` (:class:`PlanConfig`, by :func:`~gridmap.pipeline.make_plan`),
    ``meta["staffing"]["config"]`` (:class:`StaffingConfig`, by staffing) and
    ``meta["reach"]["config"]`` (:class:`ReachConfig`, by reach). A step that has not run
    leaves its rules None.
    """

    plan: PlanConfig | None = None
    staffing: StaffingConfig | None = None
    reach: ReachConfig | None = None

    @property
    def band(self) -> Band | None:
        """The plan's household band (None for a plan without rules, e.g. drawn by hand)."""
        return self.plan.band if self.plan is not None else None

    @classmethod
    def from_meta(cls, meta: dict) -> "RuleSet":
        """The rules stored in a plan's metadata; a malformed table is an :class:`InputError`."""
        def table(value):
            return value if isinstance(value, dict) else None

        plan = table(meta.get("config"))
        staffing = table((table(meta.get("staffing")) or {}).get("config"))
        reach = table((table(meta.get("reach")) or {}).get("config"))
        return cls(plan=PlanConfig.from_dict(plan) if plan is not None else None,
                   staffing=StaffingConfig.from_dict(staffing) if staffing is not None else None,
                   reach=ReachConfig.from_dict(reach) if reach is not None else None)
