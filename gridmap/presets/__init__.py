"""Presets: the rules of real county grid schemes as TOML files (``gridmap presets``).

A preset holds the tables ``[preset]`` (name, county, source description), ``[plan]``
(:class:`gridmap.config.PlanConfig`), ``[staffing]`` (:class:`gridmap.config.StaffingConfig`),
``[reach]`` (:class:`gridmap.config.ReachConfig`) and optionally ``[validate]``. Any of them
can be copied and edited: ``gridmap run --config my_county.toml``.
"""
from __future__ import annotations

import tomllib
from pathlib import Path

from gridmap.errors import InputError

FOLDER = Path(__file__).resolve().parent


def list_presets() -> list[dict]:
    """Every bundled preset's ``[preset]`` table plus its ``path``, sorted by name."""
    presets = []
    for path in sorted(FOLDER.glob("*.toml")):
        info = tomllib.loads(path.read_text(encoding="utf-8")).get("preset", {})
        presets.append({"name": path.stem, **info, "path": str(path)})
    return presets


def preset_path(name: str) -> Path:
    """Path of a bundled preset by name (``yingjing``), or of a TOML file given as a path."""
    path = FOLDER / f"{name}.toml"
    if path.exists():
        return path
    if Path(name).suffix == ".toml" and Path(name).exists():
        return Path(name)
    names = ", ".join(p.stem for p in sorted(FOLDER.glob("*.toml")))
    raise InputError.of("preset_unknown", name=name, names=names)
