"""Grid codes: the unit's code followed by a 3-digit serial, numbered north to south, west to east.

When the unit id is a 12-digit national statistical division code (6 county + 3 township
+ 3 village digits, 统计用区划代码) the grid code is those 12 digits plus the serial
(15 digits); otherwise ``<unit_id>-<serial>``. Levels 1-4 of a code (county, township,
village/community, grid) come from :func:`code_levels`, their names from a code table
(:func:`load_code_table`, e.g. the NBS 2023 codes in ``data/china``); :func:`code_problem`
says why a code is malformed (as data), :func:`check_code` in words.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

_NBS = re.compile(r"\d{12}")


def serial_order(x: np.ndarray, y: np.ndarray, row_height: float) -> np.ndarray:
    """Rank of each point reading like a page: rows of ``row_height`` m from the north, then west to east."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if len(x) == 0:
        return np.array([], dtype=int)
    row = np.floor((y.max() - y) / max(row_height, 1e-9)).astype(int)
    order = np.lexsort((x, row))
    rank = np.empty(len(x), dtype=int)
    rank[order] = np.arange(len(x))
    return rank


#: The serial has 3 digits (the 15-digit code is the 12-digit village code and 3 digits).
MAX_SERIAL = 999


def grid_code(unit_id: str, serial: int) -> str:
    """Code of grid number ``serial`` (1-based, at most :data:`MAX_SERIAL`) in a unit."""
    if not 1 <= serial <= MAX_SERIAL:
        raise ValueError(f"grid serial must be 1..{MAX_SERIAL}, got {serial}")
    unit_id = str(unit_id)
    return f"{unit_id}{serial:03d}" if _NBS.fullmatch(unit_id) else f"{unit_id}-{serial:03d}"


def is_nbs_code(code: str) -> bool:
    """True for a 12-digit village/community code."""
    return bool(_NBS.fullmatch(str(code)))


# --------------------------------------------------------------------------- code table and code checks

#: First two digits of every province-level division in the NBS scheme (GB/T 2260):
#: 11-15 North, 21-23 Northeast, 31-37 East, 41-46 Central-South, 50-54 Southwest,
#: 61-65 Northwest, 71 Taiwan, 81-82 Hong Kong and Macao.
PROVINCE_CODES = frozenset([11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
                            50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82])

#: Levels of a grid code: (level, name, number of leading digits of a 15-digit code).
LEVELS = ((1, "county", 6), (2, "township", 9), (3, "village", 12), (4, "grid", 15))

_GRID_NBS = re.compile(r"\d{15}")
_GRID_LOCAL = re.compile(r"(?P<unit>.+)-(?P<serial>\d{3})")

#: The files of a code table and the column holding each row's parent code
#: (layout of the modood/Administrative-divisions-of-China CSVs, see data/SOURCES.md).
_TABLE_FILES = ((1, "counties.csv", "cityCode"), (2, "townships.csv", "areaCode"), (3, "villages.csv", "streetCode"))


def load_code_table(folder) -> pd.DataFrame:
    """Statistical division codes (统计用区划代码) of counties, townships and villages.

    Parameters
    ----------
    folder : directory holding ``counties.csv`` (6-digit codes), ``townships.csv``
        (9 digits) and ``villages.csv`` (12 digits), e.g. ``data/china`` (NBS 2023).

    Returns
    -------
    DataFrame with one row per division: ``level`` (1 county, 2 township, 3 village or
    community), ``code`` (the 6, 9 or 12 significant digits, as text), ``code12`` (the
    same padded with zeros to the 12-digit NBS form), ``name`` and ``parent_code`` (the
    city's 4 digits for a county, the county's 6 for a township, the township's 9 for a
    village).
    """
    import pandas as pd

    from gridmap.errors import InputError

    folder = Path(folder)
    frames = []
    for level, filename, parent in _TABLE_FILES:
        path = folder / filename
        if not path.exists():
            raise InputError.of("in_codes_no_such_file", path=path)
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
        missing = {"code", "name", parent} - set(frame.columns)
        if missing:
            raise InputError.of("in_codes_missing_columns", path=path, missing=sorted(missing))
        digits = LEVELS[level - 1][2]
        bad = ~frame["code"].str.fullmatch(rf"\d{{{digits}}}")
        if bad.any():
            raise InputError.of("in_codes_bad_digits", path=path, digits=digits,
                                codes=frame.loc[bad, "code"].head(3).tolist())
        frames.append(pd.DataFrame({"level": level, "code": frame["code"], "name": frame["name"].str.strip(),
                                    "parent_code": frame[parent]}))
    table = pd.concat(frames, ignore_index=True)
    if table["code"].duplicated().any():
        raise InputError.of("in_codes_duplicate", codes=table.loc[table["code"].duplicated(), "code"].head(3).tolist())
    table.insert(2, "code12", table["code"].str.ljust(12, "0"))
    return table


def code_problem(code, unit_id=None) -> tuple[str, dict] | None:
    """Why ``code`` is not a well-formed grid code, as data: ``(reason, params)``, or None when it is.

    A grid code is the 12-digit village/community code plus a 3-digit serial (15 digits,
    serial 001-999), or ``<unit_id>-NNN`` when the unit has no statistical code. With
    ``unit_id``, the code must also belong to that unit: ``unit_id + NNN`` when the unit
    id is a 12-digit code, ``unit_id-NNN`` otherwise. ``reason`` names the template
    ``detail.code_why_<reason>`` of :mod:`gridmap.i18n` (zh and en); ``params`` fill it.
    """
    if code is None or (isinstance(code, float) and code != code):
        return "missing", {}
    code = str(code).strip()
    if not code:
        return "missing", {}
    if code.isdigit():
        if not _GRID_NBS.fullmatch(code):
            return "digits", {"n": len(code)}
        if int(code[:2]) not in PROVINCE_CODES:
            return "province", {"digits": code[:2]}
        if code[6:9] == "000":
            return "township_000", {}
        if code[9:12] == "000":
            return "village_000", {}
        if code[12:] == "000":
            return "serial_000", {}
        nbs = True
    else:
        match = _GRID_LOCAL.fullmatch(code)
        if not match:
            return "form", {}
        if match["serial"] == "000":
            return "serial_000", {}
        nbs = False
    if unit_id is None or (isinstance(unit_id, float) and unit_id != unit_id) or str(unit_id) == "":
        return None
    unit_id = str(unit_id)
    if is_nbs_code(unit_id):
        if not nbs:
            return "expected_nbs", {"unit": unit_id}
        if code[:12] != unit_id:
            return "other_village", {"digits": code[:12], "unit": unit_id}
    elif nbs or code.rsplit("-", 1)[0] != unit_id:
        return "expected_local", {"unit": unit_id}
    return None


def check_code(code, unit_id=None, lang: str = "en") -> str | None:
    """Why ``code`` is not a well-formed grid code, in words (``lang``: "en" or "zh"), or None when it is.

    See :func:`code_problem` for the rules; this renders its reason with :mod:`gridmap.i18n`.
    """
    from gridmap import i18n

    problem = code_problem(code, unit_id)
    if problem is None:
        return None
    reason, params = problem
    return i18n.text(f"detail.code_why_{reason}", lang, **params)


def code_levels(code, table=None) -> dict:
    """The county, township, village/community and grid (levels 1-4) of a code.

    A 15-digit grid code gives all four (``{"county": "511822", "township":
    "511822100", "village": "511822100001", "grid": "511822100001001"}``); a 6, 9 or
    12-digit division code (or its zero-padded 12-digit form) gives the levels down to
    its own; a ``<unit_id>-NNN`` code gives only its village (the unit id) and grid;
    unknown levels are None. With a ``table`` from :func:`load_code_table`, the names
    are added as ``county_name``, ``township_name`` and ``village_name``.
    """
    code = "" if code is None else str(code).strip()
    levels = {name: None for _, name, _ in LEVELS}
    if code.isdigit():
        if len(code) == 12 and code[9:] == "000":  # 12-digit form of a county or township code
            code = code[:6] if code[6:9] == "000" else code[:9]
        for _, name, digits in LEVELS:
            if len(code) >= digits:
                levels[name] = code[:digits]
    else:
        match = _GRID_LOCAL.fullmatch(code)
        if match:
            levels["village"], levels["grid"] = match["unit"], code
            if is_nbs_code(match["unit"]):
                levels["county"], levels["township"] = match["unit"][:6], match["unit"][:9]
    if table is not None:
        names = dict(zip(table["code"], table["name"]))
        for _, name, _ in LEVELS[:3]:
            levels[f"{name}_name"] = names.get(levels[name]) if levels[name] else None
    return levels


_COMMITTEE = re.compile(r"(居民委员会|居委会|村民委员会|村委会)$")


def _name_keys(name: str) -> set[str]:
    """The forms a village or community name may take: '城东社区居委会' -> 城东社区居委会,
    城东社区; '青仁村村委会' -> 青仁村; '复兴村民委员会' -> 复兴, 复兴村."""
    name = str(name).strip()
    keys = {name}
    m = _COMMITTEE.search(name)
    if m:
        base = name[: m.start()]
        keys.add(base)
        if m.group(1) in ("村民委员会", "村委会") and not base.endswith("村"):
            keys.add(base + "村")
        if m.group(1) in ("居民委员会", "居委会") and not base.endswith("社区"):
            keys.add(base + "社区")
    return {k for k in keys if k}


def match_unit_codes(names, table: "pd.DataFrame", county: str | None = None, parents=None) -> "pd.DataFrame":
    """The 12-digit code of each unit, found by its name in a code table.

    ``names``: village/community names of the units (with or without 村委会, 居委会...);
    ``county``: a 6-digit county code to search in (default: the whole table);
    ``parents``: township names of the units, to tell apart villages of one name in
    several townships. Returns one row per unit: ``code`` (12 digits, or None),
    ``township_code``, ``township_name`` and ``match`` (``"ok"``, ``"none"`` or
    ``"ambiguous: ..."``).
    """
    import pandas as pd

    villages = table[table["level"] == 3]
    if county is not None:
        villages = villages[villages["code"].str.startswith(str(county))]
    townships = table[table["level"] == 2].set_index("code")["name"]
    by_key: dict[str, list[int]] = {}
    for i, name in zip(villages.index, villages["name"]):
        for key in _name_keys(name):
            by_key.setdefault(key, []).append(i)
    rows = []
    parents = list(parents) if parents is not None else [None] * len(names)
    for name, parent in zip(names, parents):
        found = sorted({i for key in _name_keys(name) for i in by_key.get(key, [])})
        if len(found) > 1 and parent:
            keep = [i for i in found if townships.get(villages.at[i, "parent_code"]) in _name_keys(parent) | {parent}]
            found = keep or found
        if len(found) == 1:
            row = villages.loc[found[0]]
            rows.append({"code": row["code"], "township_code": row["parent_code"],
                         "township_name": townships.get(row["parent_code"], ""), "match": "ok"})
        else:
            what = "none" if not found else "ambiguous: " + ", ".join(villages.loc[found, "code"].head(4))
            rows.append({"code": None, "township_code": None, "township_name": None, "match": what})
    return pd.DataFrame(rows, columns=["code", "township_code", "township_name", "match"])


#: First serial of a unit's dedicated grids (专属网格): their own series, 901-999; regular grids count from 001.
DEDICATED_SERIAL = 901

#: Regular grids a unit can number (001-900). A band under which a unit needs more is
#: refused before any work (``gridmap.pipeline``), naming the unit: raise the band's top
#: or split the unit.
MAX_REGULAR = DEDICATED_SERIAL - 1


def code_serial(code) -> int | None:
    """The grid serial of a code (its last 3 digits: ``...001`` or ``<unit_id>-001``), None if it has none."""
    code = "" if code is None else str(code).strip()
    if _GRID_NBS.fullmatch(code):
        return int(code[12:])
    match = _GRID_LOCAL.fullmatch(code)
    return int(match["serial"]) if match else None
