"""``gridmap validate``: check a plan or any grid layer; exit 3 when an error-level fault exists."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from gridmap.cli._help import HelpCommand
from gridmap.cli.options import lang_option
from gridmap.inputs import VALIDATE_GCJ02_ROLES


@click.command("validate", cls=HelpCommand)
@click.argument("path", metavar="PLAN_OR_LAYER", type=click.Path(dir_okay=False))
@click.option("--rules", "rules_path", type=click.Path(dir_okay=False),
              help="help.validate.option.rules")
@click.option("--layer", help="help.validate.option.layer")
@click.option("--grid-id", help="help.validate.option.grid_id")
@click.option("--area", type=click.Path(dir_okay=False), help="help.validate.option.area")
@click.option("--units", type=click.Path(dir_okay=False), help="help.validate.option.units")
@click.option("--unit-id", help="help.validate.option.unit_id")
@click.option("--households", type=click.Path(dir_okay=False), help="help.validate.option.households")
@click.option("--households-column", help="help.validate.option.households_column")
@click.option("--band", nargs=2, type=float, help="help.validate.option.band")
@click.option("--tolerance", "tolerance_m2", type=click.FloatRange(min=0), default=None,
              help="help.validate.option.tolerance")
@click.option("--gcj02", multiple=True, type=click.Choice([*VALIDATE_GCJ02_ROLES, "all"]),
              help="help.validate.option.gcj02")
@click.option("--bd09", multiple=True, type=click.Choice([*VALIDATE_GCJ02_ROLES, "all"]),
              help="help.validate.option.bd09")
@click.option("--out", "out_path", type=click.Path(dir_okay=False),
              help="help.validate.option.out")
@click.option("--max-rows", type=click.IntRange(min=0), default=30, show_default=True,
              help="help.validate.option.max_rows")
@lang_option
def command(path, rules_path, layer, grid_id, area, units, unit_id, households, households_column, band,
            tolerance_m2, gcj02, bd09, out_path, max_rows, lang):
    """Check the grids of PLAN_OR_LAYER: a plan.gpkg, or any grid layer (drawn by hand, exported from another system; GeoPackage, GeoJSON, Shapefile).

    Its ``--help`` (zh and en) is ``help.validate`` in :mod:`gridmap.i18n`.
    """
    import dataclasses

    from gridmap.cli.main import EXIT_FAULTS
    from gridmap.validate import ValidationRules, validate_file

    rules = ValidationRules.from_toml(rules_path) if rules_path else ValidationRules()
    if tolerance_m2 is not None:
        rules = dataclasses.replace(rules, tolerance_m2=tolerance_m2)
    faults = validate_file(path, rules=rules, layer=layer, grid_id=grid_id, area=area, units=units, unit_id=unit_id,
                           households=households, households_column=households_column,
                           band=tuple(band) if band else None, gcj02=gcj02, bd09=bd09)
    click.echo(faults.format_table(max_rows, lang=lang))
    target = Path(out_path) if out_path else Path(path).with_name("faults.gpkg")
    faults.to_gpkg(target)
    from gridmap.i18n import text

    click.echo(text("cli.faults_written", lang, path=target))
    if faults.has_errors:
        sys.exit(EXIT_FAULTS)
