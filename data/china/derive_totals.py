"""Derive the household totals of the two Chinese demos from the 2020 census (gridmap.census).

No register of the villages in the extracts is public, so the totals come from the county's
2020 census figures and its published area (county profiles):

    family households = POPU × HHLD_R ÷ HHLD_S
    濮阳县 410928 (rural Puyang): 968,721 × 0.9731 ÷ 3.1 ≈ 304,087; the extract holds no town
        seat, so only the rural share (1 − POPU_URB = 0.5684) counts: ≈ 172,843 over
        1,382 km² ≈ 125.1 households per km². Each township's total (the OSM relations
        closed against the extract's box) is that density times its area in the extract.
        -> data/china/puyang_totals.csv (乡镇, 面积_km2, 户数)
    龙岗区 440307 (urban Longgang): 4,135,273 × 0.8515 ÷ 2.31 ≈ 1,524,322 over 388.21 km²
        ≈ 3,926 households per km², times the extract's area (its relations cannot be
        closed: one row for the whole extract, by the district's code).
        -> data/china/longgang_totals.csv (code, name, households)

Run from the repository root: ``python data/china/derive_totals.py``.
"""
from pathlib import Path

import geopandas as gpd
import pandas as pd

from gridmap.census import county
from gridmap.inputs.extract import boundaries_with_closed, extract_box
from gridmap.inputs.osm import read_osm

PUYANG = Path("data/china-osm/puyang_rural_henan_2022.osm.pbf")
LONGGANG = Path("data/china-osm/shenzhen_longgang_2019.osm.pbf")
AREA_KM2 = {"410928": 1382.0, "440307": 388.21}

puyang = county("410928")
rural_per_km2 = puyang.households * (1 - puyang.urban_share) / AREA_KM2["410928"]
townships, _ = boundaries_with_closed(read_osm(PUYANG).boundaries, PUYANG)
km2 = townships.to_crs(32650).area / 1e6
table = pd.DataFrame({"乡镇": townships["name"], "面积_km2": km2.round(2),
                      "户数": (km2 * rural_per_km2).round().astype(int)})
table.to_csv("data/china/puyang_totals.csv", index=False, encoding="utf-8")
print(table.to_string(index=False), f"\n{rural_per_km2:.1f} rural households per km², total {table['户数'].sum()}")

longgang = county("440307")
per_km2 = longgang.households / AREA_KM2["440307"]
box_km2 = gpd.GeoSeries([extract_box(LONGGANG)], crs=4326).to_crs(32650).area.iloc[0] / 1e6
table = pd.DataFrame({"code": ["440307"], "name": ["龙岗区横岗荷坳一带"], "households": [round(per_km2 * box_km2)]})
table.to_csv("data/china/longgang_totals.csv", index=False, encoding="utf-8")
print(table.to_string(index=False), f"\n{per_km2:.0f} households per km² over {box_km2:.2f} km²")
