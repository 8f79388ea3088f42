"""``gridmap validate``: check a plan or any grid layer; exit 3 when an error-level fault exists."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from gridmap.cli.options import lang_option
from gridmap.inputs import VALIDATE_GCJ02_ROLES


@click.command("validate")
@click.argument("path", metavar="PLAN_OR_LAYER", type=click.Path(dir_okay=False))
@click.option("--rules", "rules_path", type=click.Path(dir_okay=False),
              help="TOML rules: a plan config (its band) with an optional [validate] table "
                   "(band, tolerance_m2, levels = {fault = 'error'|'warning'|'off'}).")
@click.option("--layer", help="Layer of PLAN_OR_LAYER holding the grids (multi-layer files without a 'grids' layer).")
@click.option("--grid-id", help="Column of grid ids in the grid layer.  [default: grid_id, else code, else row number]")
@click.option("--area", type=click.Path(dir_okay=False), help="Polygon file of the area the grids must cover "
              "(replaces the plan's).  [default: the plan's area, else the union of the units]")
@click.option("--units", type=click.Path(dir_okay=False), help="Polygon file of villages/communities or townships "
              "the grids must nest in (a 'level' column 1-3 checks each level).")
@click.option("--unit-id", help="Column of unit ids in --units.  [default: unit_id/code/id]")
@click.option("--households", type=click.Path(dir_okay=False), help="Household points (or census polygons with "
              "--households-column) to count per grid.")
@click.option("--households-column", help="Households per feature in --households, or, without --households, the "
              "grid layer's own column of households per grid.")
@click.option("--band", nargs=2, type=float, help="MIN MAX households per urban grid.  [default: the rules', "
              "else the plan's]")
@click.option("--tolerance", "tolerance_m2", type=click.FloatRange(min=0), default=None,
              help="Gaps, overlaps, stray parts and crossings up to this area are noise (m²).  [default: 1]")
@click.option("--gcj02", multiple=True, type=click.Choice([*VALIDATE_GCJ02_ROLES, "all"]),
              help="These files hold GCJ-02 coordinates (grids drawn on AMap/Gaode or Tencent maps): shift them "
                   "to WGS 84 on reading (repeatable).")
@click.option("--out", "out_path", type=click.Path(dir_okay=False),
              help="GeoPackage of the faults (layers faults, fault_points, fault_summary), written atomically.  "
                   "[default: faults.gpkg beside PLAN_OR_LAYER]")
@click.option("--max-rows", type=click.IntRange(min=0), default=30, show_default=True,
              help="Faults listed on the terminal (all of them go to --out).")
@lang_option
def command(path, rules_path, layer, grid_id, area, units, unit_id, households, households_column, band,
            tolerance_m2, gcj02, out_path, max_rows, lang):
    """Check the grids of PLAN_OR_LAYER: a plan.gpkg, or any grid layer (drawn by hand, exported
    from another system; GeoPackage, GeoJSON, Shapefile).

    \b
    Faults (level error unless said): gaps inside the area, grids outside it, overlaps,
    grids in several parts (warning for rural grids), grids crossing a village or township
    border, households out of band (warning for rural and island grids), empty grids,
    duplicate or malformed codes (12-digit village code + 3-digit serial, or UNIT-NNN),
    workers without a grid, grids without a worker, bases outside their grid.

    Prints a table and writes the faults, located, to a GeoPackage. Exit code 0 when no
    error-level fault exists, 3 when one does, 2 on bad input.

    \b
    Examples:
      gridmap validate out/demo/plan.gpkg
      gridmap validate township_grids.shp --grid-id WGBM --units villages.gpkg \\
          --households-column HS --band 300 500 --out faults.gpkg
    """
    import dataclasses

    from gridmap.cli.main import EXIT_FAULTS
    from gridmap.validate import ValidationRules, validate_file

    rules = ValidationRules.from_toml(rules_path) if rules_path else ValidationRules()
    if tolerance_m2 is not None:
        rules = dataclasses.replace(rules, tolerance_m2=tolerance_m2)
    faults = validate_file(path, rules=rules, layer=layer, grid_id=grid_id, area=area, units=units, unit_id=unit_id,
                           households=households, households_column=households_column,
                           band=tuple(band) if band else None, gcj02=gcj02)
    click.echo(faults.format_table(max_rows, lang=lang))
    target = Path(out_path) if out_path else Path(path).with_name("faults.gpkg")
    faults.to_gpkg(target)
    from gridmap.i18n import text

    click.echo(text("cli.faults_written", lang, path=target))
    if faults.has_errors:
        sys.exit(EXIT_FAULTS)
