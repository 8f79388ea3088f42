"""``gridmap export``: a plan's layers as GeoPackage, GeoJSON or GeoParquet files, or an Excel workbook."""
from __future__ import annotations

import click

from gridmap.cli._help import HelpCommand
from gridmap.cli.options import lang_option, out_option


@click.command("export", cls=HelpCommand)
@click.argument("plan_path", metavar="PLAN", type=click.Path(dir_okay=False))
@click.option("--layer", "layers", multiple=True, help="help.export.option.layer")
@click.option("--format", "fmt", type=click.Choice(["gpkg", "geojson", "parquet", "xlsx"]), default="gpkg",
              show_default=True, help="help.export.option.format")
@out_option
@lang_option
def command(plan_path, layers, fmt, out_dir, lang):
    """Write the layers of PLAN (a plan.gpkg) to OUT, one file per layer (or one workbook).

    Its ``--help`` (zh and en) is ``help.export`` in :mod:`gridmap.i18n`.
    """
    from gridmap.errors import InputError
    from gridmap.export import export_plan
    from gridmap.plan import Plan

    plan = Plan.load(plan_path)
    missing = set(layers) - set(plan.layers)
    if missing:
        raise InputError.of("cli_export_no_layer", missing=", ".join(sorted(missing)),
                            layers=", ".join(sorted(plan.layers)))
    for name, path in export_plan(plan, out_dir, fmt, layers or None, lang=lang).items():
        click.echo(f"{name:14s} {len(plan.layers[name]):7d}  {path}")
