"""County defaults from the 2020 census (第七次全国人口普查), by 6-digit county code.

The package ships one compact table, ``gridmap/data/census2020_counties.csv``: for each
of 2,989 county-level units the population (``POPU``, persons), the share of it living in
family households (``HHLD_R``), the average family household size (``HHLD_S``, persons),
the dwelling floor area per person (``HOUS_SMPP``, m²) and the urban share (``POPU_URB``).
It is cut from the NBS "Tabulation on the 2020 China Population Census by County" as
published in the thebamboogrove/tudigong repository (MIT licence, kept beside the table as
``LICENSE-census2020``; see data/SOURCES.md).

Derived defaults (:class:`CountyCensus`):

- households ≈ POPU × HHLD_R ÷ HHLD_S (family households; collective households such
  as dormitories and barracks are left out, as grid work counts families);
- dwelling floor area per household ≈ HOUS_SMPP × HHLD_S (m²).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from gridmap.errors import InputError
from gridmap.i18n import Phrase

#: Where the table comes from, for plans' metadata and reports.
SOURCE = ("2020 census by county (NBS Tabulation on the 2020 China Population Census by County), "
          "via thebamboogrove/tudigong (MIT)")


@dataclass(frozen=True)
class CountyCensus:
    """The 2020 census figures of one county-level unit and the defaults derived from them.

    ``population`` persons; ``family_share`` share of persons in family households (0-1);
    ``household_size`` persons per family household; ``floor_m2_per_person`` dwelling floor
    area per person, m²; ``urban_share`` share of persons in towns (0-1).
    """

    code: str
    name: str
    population: int
    family_share: float
    household_size: float
    floor_m2_per_person: float
    urban_share: float

    @property
    def households(self) -> float:
        """Family households: population × family share ÷ household size."""
        return self.population * self.family_share / self.household_size

    @property
    def floor_m2_per_household(self) -> float:
        """Dwelling floor area per household, m²: floor area per person × household size."""
        return self.floor_m2_per_person * self.household_size


@lru_cache(maxsize=1)
def _table():
    import pandas as pd

    with files("gridmap.data").joinpath("census2020_counties.csv").open(encoding="utf-8") as f:
        return pd.read_csv(f, dtype={"CODE": str}).set_index("CODE")


def county(code) -> CountyCensus:
    """The 2020 census figures of the county-level unit with the 6-digit ``code`` (e.g. ``"410928"``).

    A longer NBS code (9, 12 or 15 digits) is cut to its county's 6 digits. An unknown
    code raises :class:`InputError` naming the nearest known codes.
    """
    code = str(code).strip()
    if not code.isdigit() or len(code) < 6:
        raise InputError.of("in_census_not_a_code", code=code)
    code = code[:6]
    table = _table()
    if code not in table.index:
        near = [c for c in table.index if c[:4] == code[:4]][:5]
        raise InputError.of("in_census_no_county", code=code, near=", ".join(near) or Phrase("phrase.in_none"))
    row = table.loc[code]
    if row.isna().any():
        raise InputError.of("in_census_incomplete", code=code, name=row["NAME"])
    return CountyCensus(code=code, name=str(row["NAME"]), population=int(row["POPU"]),
                        family_share=float(row["HHLD_R"]), household_size=float(row["HHLD_S"]),
                        floor_m2_per_person=float(row["HOUS_SMPP"]), urban_share=float(row["POPU_URB"]))


def find(name: str) -> list[CountyCensus]:
    """Counties whose name is ``name`` (several counties share a name, e.g. 城关区)."""
    table = _table()
    return [county(code) for code in table.index[table["NAME"] == str(name).strip()]]
