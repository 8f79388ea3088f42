"""The Plan: a set of named layers plus run metadata, saved as one GeoPackage.

Layers and their columns are listed in docs/design.md. Saving is atomic: the
GeoPackage is written to a temporary file beside the target and renamed over it only
when complete, so a failed run never leaves a half-written plan.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from gridmap import i18n
from gridmap._atomic import atomic_path, unsynced_sqlite
from gridmap.config import RuleSet
from gridmap.errors import InputError, MissingLayerError

#: Order in which layers are written (any other layers follow, sorted by name).
LAYER_ORDER = ("grids", "units", "atoms", "households", "area", "roads", "waterways", "railways")


@dataclass
class Plan:
    """Layers (GeoDataFrames in one metric CRS) and metadata (a JSON-able dict).

    The rules the plan was made with are in the metadata, each stored once by the step
    that used it (see :class:`~gridmap.config.RuleSet`); :attr:`config` gives them typed.
    """

    layers: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    meta: dict = field(default_factory=dict)

    def __getitem__(self, name: str) -> gpd.GeoDataFrame:
        try:
            return self.layers[name]
        except KeyError:
            held = ", ".join(sorted(self.layers)) or i18n.Phrase("phrase.out_none")
            raise MissingLayerError.of("out_plan_missing_layer", name=name, held=held) from None

    @property
    def grids(self) -> gpd.GeoDataFrame:
        return self["grids"]

    @property
    def units(self) -> gpd.GeoDataFrame:
        return self["units"]

    @property
    def atoms(self) -> gpd.GeoDataFrame:
        return self["atoms"]

    @property
    def households(self) -> gpd.GeoDataFrame:
        return self["households"]

    @property
    def crs(self):
        return self.grids.crs

    @property
    def config(self) -> RuleSet:
        """The rules the plan was made with (:class:`~gridmap.config.RuleSet`): ``config.plan``
        (its band: ``config.band``), ``config.staffing`` and ``config.reach`` once those
        steps have run. Validation, the report and the map hold the plan to these."""
        return RuleSet.from_meta(self.meta)

    @property
    def area_name(self) -> str:
        """The name of the planned area: the area layer's ``name``, else the input's area name, else ''."""
        area = self.layers.get("area")
        if area is not None and "name" in area and len(area):
            name = area["name"].iloc[0]
            if isinstance(name, str) and name:
                return name
        name = (self.meta.get("inputs") or {}).get("area_name") if isinstance(self.meta.get("inputs"), dict) else None
        return name if isinstance(name, str) else ""

    @property
    def from_osm(self) -> bool:
        """Whether the plan was made from OpenStreetMap data (so it carries the ODbL attribution)."""
        inputs = self.meta.get("inputs") or {}
        values = inputs.values() if isinstance(inputs, dict) else [inputs]
        text = " ".join("" if v is None else str(v) for v in values).lower()
        return bool(isinstance(inputs, dict) and inputs.get("osm")) or ".osm" in text or "openstreetmap" in text

    def to_map(self, **kwargs):
        """An interactive folium map of the plan (see :func:`gridmap.maps.plan_map` for options)."""
        from gridmap.maps import plan_map

        return plan_map(self, **kwargs)

    def summary(self) -> dict:
        """Headline figures of the plan (also stored in ``meta["summary"]``)."""
        return self.meta.get("summary", {})

    def save(self, path: str | Path, *, with_meta: bool = True) -> Path:
        """Write every layer (and the metadata table ``meta``) to one GeoPackage, atomically."""
        path = Path(path)
        with atomic_path(path) as tmp, unsynced_sqlite():
            names = [n for n in LAYER_ORDER if n in self.layers]
            names += sorted(set(self.layers) - set(names))
            for name in names:
                pyogrio.write_dataframe(_writable(self.layers[name]), tmp, layer=name, driver="GPKG", use_arrow=True)
            if with_meta:
                meta = pd.DataFrame({"key": list(self.meta), "value": [json.dumps(v, ensure_ascii=False, default=str)
                                                                      for v in self.meta.values()]})
                pyogrio.write_dataframe(meta, tmp, layer="meta", driver="GPKG", use_arrow=True)
                _style(tmp, self)
        return path

    @classmethod
    def load(cls, path: str | Path) -> "Plan":
        """Read a plan written by :meth:`save`."""
        path = Path(path)
        if not path.exists():
            raise InputError.of("no_such_file", what="plan", path=path)
        try:
            names = [name for name, _ in pyogrio.list_layers(path)]
        except Exception as exc:
            raise InputError.of("cannot_read", what="plan", path=path, reason=str(exc).splitlines()[0]) from None
        if "grids" not in names:
            raise InputError.of("out_plan_no_grids_layer", path=path)
        layers, meta = {}, {}
        for name in names:
            if name == "layer_styles":  # QGIS styles (gridmap.qgis), not a layer of the plan
                continue
            frame = pyogrio.read_dataframe(path, layer=name)
            if name == "meta":
                meta = {k: json.loads(v) for k, v in zip(frame["key"], frame["value"])}
            else:
                layers[name] = frame
        try:
            RuleSet.from_meta(meta)  # the stored rules reload typed, or the plan is refused here
        except InputError as exc:
            raise InputError.of("out_plan_invalid_rules", path=path, error=exc) from None
        return cls(layers=layers, meta=meta)

    def export_layers(self, directory: str | Path, names=None) -> dict[str, Path]:
        """Write each layer to its own GeoPackage (for tools that read one layer per file)."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        written = {}
        for name in names or self.layers:
            target = directory / f"{name}.gpkg"
            Plan(layers={name: self.layers[name]}).save(target, with_meta=False)
            written[name] = target
        return written


def _writable(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """GeoPackage has no list or object columns: store them as JSON text."""
    out = frame.copy()
    for column in out.columns:
        if column == out.geometry.name:
            continue
        if out[column].dtype == object and out[column].map(lambda v: isinstance(v, (list, dict))).any():
            out[column] = out[column].map(lambda v: json.dumps(v, ensure_ascii=False))
    return out



def _style(path, plan) -> None:
    """QGIS default styles for the plan's layers (gridmap.qgis): the file opens coloured and labelled."""
    from gridmap import i18n
    from gridmap.qgis import write_layer_styles

    band = (plan.meta.get("config") or {}).get("band")
    words = {k: i18n.text(f"band.{k}", "zh") for k in ("in", "over", "under", "rural", "island")}
    write_layer_styles(path, band, words | {"hh": "户"}, layers=list(plan.layers))
