"""``gridmap export``: each layer of a plan as its own GeoPackage."""
from __future__ import annotations

import click

from gridmap.cli.options import out_option


@click.command("export")
@click.argument("plan_path", metavar="PLAN", type=click.Path(dir_okay=False))
@click.option("--layer", "layers", multiple=True, help="Layer to export (repeatable); all layers when omitted.")
@out_option
def command(plan_path, layers, out_dir):
    """Write each layer of PLAN (a plan.gpkg) to OUT/<layer>.gpkg, one layer per file.

    Tools that read one layer per file (QGIS drag-and-drop, the shared gridscore
    scorer) take these directly.
    """
    from gridmap.plan import Plan

    plan = Plan.load(plan_path)
    missing = set(layers) - set(plan.layers)
    if missing:
        raise click.BadParameter(f"no layer(s) {sorted(missing)}; layers: {sorted(plan.layers)}", param_hint="--layer")
    for name, path in plan.export_layers(out_dir, layers or None).items():
        click.echo(f"{name:14s} {len(plan.layers[name]):7d} features  {path}")
