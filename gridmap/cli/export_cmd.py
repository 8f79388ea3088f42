"""``gridmap export``: a plan's layers as GeoPackage, GeoJSON or GeoParquet files, or an Excel workbook."""
from __future__ import annotations

import click

from gridmap.cli.options import lang_option, out_option


@click.command("export")
@click.argument("plan_path", metavar="PLAN", type=click.Path(dir_okay=False))
@click.option("--layer", "layers", multiple=True, help="Layer to export (repeatable); all layers when omitted.")
@click.option("--format", "fmt", type=click.Choice(["gpkg", "geojson", "parquet", "xlsx"]), default="gpkg",
              show_default=True, help="gpkg: a GeoPackage per layer (QGIS styles inside); geojson: a GeoJSON per "
              "layer in WGS 84; parquet: a GeoParquet per layer (needs pyarrow); xlsx: grids.xlsx, a row per grid "
              "plus roster and budget.")
@out_option
@lang_option
def command(plan_path, layers, fmt, out_dir, lang):
    """Write the layers of PLAN (a plan.gpkg) to OUT, one file per layer (or one workbook).

    Tools that read one layer per file (QGIS drag-and-drop, web maps, the shared
    gridscore scorer) take these directly.

    \b
    Examples:
      gridmap export out/demo/plan.gpkg --out out/demo/layers
      gridmap export out/demo/plan.gpkg --out out/demo/web --format geojson --layer grids
      gridmap export out/demo/plan.gpkg --out out/demo --format xlsx
    """
    from gridmap.export import export_plan
    from gridmap.plan import Plan

    plan = Plan.load(plan_path)
    missing = set(layers) - set(plan.layers)
    if missing:
        raise click.BadParameter(f"no layer(s) {sorted(missing)}; layers: {sorted(plan.layers)}", param_hint="--layer")
    for name, path in export_plan(plan, out_dir, fmt, layers or None, lang=lang).items():
        click.echo(f"{name:14s} {len(plan.layers[name]):7d}  {path}")
