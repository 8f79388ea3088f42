"""A plan's layers in the formats other tools read: GeoPackage, GeoJSON, GeoParquet, Excel.

- ``gpkg``: one GeoPackage per layer (QGIS drag-and-drop, the shared scorer), with the
  plan's QGIS styles;
- ``geojson``: one GeoJSON per layer in WGS 84 longitude/latitude (RFC 7946), as web
  maps and AMap/Tianditu tools take them (shift to GCJ-02 is theirs to make);
- ``parquet``: one GeoParquet per layer in the plan's metric CRS;
- ``xlsx``: one workbook: a row per grid, the roster and the budget when staffed, in
  the language asked for (formula-like text escaped, see :mod:`gridmap.tables`).

Every file is written atomically.
"""
from __future__ import annotations

from pathlib import Path

from gridmap._atomic import atomic_path
from gridmap.errors import InputError

__all__ = ["FORMATS", "export_plan"]

FORMATS = ("gpkg", "geojson", "parquet", "xlsx")


def export_plan(plan, directory, fmt: str = "gpkg", layers=None, lang: str = "zh") -> dict:
    """Write ``plan``'s layers (all, or ``layers``) to ``directory`` in ``fmt``; {name: path}."""
    if fmt not in FORMATS:
        raise InputError.of("out_export_format", fmt=fmt, known=", ".join(FORMATS))
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    names = list(layers or plan.layers)
    if fmt == "gpkg":
        return plan.export_layers(directory, names)
    if fmt == "xlsx":
        from gridmap import i18n, tables

        sheets = {i18n.text("layer.grids", lang): tables.grid_table(plan, lang)}
        if "workers" in plan.layers:
            sheets[i18n.text("layer.workers", lang)] = tables.roster_table(plan, lang)
            sheets[i18n.text("report.budget", lang)] = tables.budget_table(plan, lang)
        path = tables.write_xlsx(sheets, directory / "grids.xlsx")
        return {"grids": path}
    written = {}
    for name in names:
        frame = plan.layers[name]
        if fmt == "geojson":
            import pyogrio

            target = directory / f"{name}.geojson"
            with atomic_path(target) as tmp:
                out = frame.to_crs(4326) if frame.crs is not None else frame
                pyogrio.write_dataframe(out, tmp, driver="GeoJSON", layer=name, RFC7946="YES",
                                        COORDINATE_PRECISION=7)
        else:
            target = directory / f"{name}.parquet"
            with atomic_path(target) as tmp:
                frame.to_parquet(tmp, index=False)
        written[name] = target
    return written
