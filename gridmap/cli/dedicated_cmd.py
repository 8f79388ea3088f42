"""``gridmap dedicated``: schools, hospitals, markets, industrial parks and scenic areas as grids of their own."""
from __future__ import annotations

import click

from gridmap.cli._help import HelpCommand
from gridmap.cli.options import Progress, config_option, lang_option, plan_argument, quiet_option, read_plan
from gridmap.cli.update_cmd import echo_plan, write_outputs


@click.command("dedicated", cls=HelpCommand)
@plan_argument
@click.option("--osm", "osm_path", type=click.Path(dir_okay=False), help="help.dedicated.option.osm")
@click.option("--areas", "areas_path", type=click.Path(dir_okay=False), help="help.dedicated.option.areas")
@click.option("--kind-column", default="kind", show_default=True, help="help.dedicated.option.kind_column")
@click.option("--min-area", "min_area_m2", type=click.FloatRange(min=0), help="help.dedicated.option.min_area")
@click.option("--max-households", type=click.FloatRange(min=0), help="help.dedicated.option.max_households")
@config_option
@lang_option
@click.option("--out", "out_dir", type=click.Path(file_okay=False), required=True, help="help.dedicated.option.out")
@quiet_option
def command(plan_path, osm_path, areas_path, kind_column, min_area_m2, max_households, config_path, lang, out_dir,
            quiet):
    """Carve dedicated grids (专属网格) out of PLAN and partition the rest around them.

    Its ``--help`` (zh and en) is ``help.dedicated`` in :mod:`gridmap.i18n`.
    """
    from gridmap.dedicated import DedicatedRule, carve_dedicated, read_areas, rule_from_toml
    from gridmap.inputs.osm_areas import specific_areas_from_osm

    if bool(osm_path) == bool(areas_path):
        raise click.UsageError("give --osm EXTRACT or --areas POLYGONS (one of them)")
    rule = (rule_from_toml(config_path) if config_path else None) or DedicatedRule()
    changes = {k: v for k, v in {"min_area_m2": min_area_m2, "max_households": max_households}.items()
               if v is not None}
    if changes:
        rule = rule.replace(**changes)
    progress = Progress(quiet)
    progress("read", 0, 1)
    plan = read_plan(plan_path)
    areas = specific_areas_from_osm(osm_path) if osm_path else read_areas(areas_path, kind_column=kind_column)
    if areas_path:
        rule = rule.replace(kinds=tuple(dict.fromkeys([*rule.kinds, *areas["kind"].unique()])))
    progress("dedicated", 0, 1)
    result = carve_dedicated(plan, areas, rule)
    progress.close()
    written = write_outputs(result.plan, out_dir, lang, "dedicated", {"dedicated.json": result.plan.meta.get("dedicated", {})})
    click.echo(f"plan written to {written['plan']}")
    counts = result.counts()
    click.echo(f"  dedicated grids {sum(counts.values())}  (" + ", ".join(f"{n} {k}" for k, n in counts.items()) + ")")
    for reason, n in result.skipped.items():
        if n:
            click.echo(f"  skipped         {n} area piece(s): {reason}")
    echo_plan(result.plan, written["faults"])
