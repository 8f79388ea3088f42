"""``gridmap map``: a plan to one self-contained HTML map (offline unless a basemap is chosen)."""
from __future__ import annotations

import time

import click

from gridmap.cli._help import HelpCommand
from gridmap.cli.options import Progress, lang_option


@click.command("map", cls=HelpCommand)
@click.argument("plan_path", metavar="PLAN", type=click.Path(dir_okay=False))
@click.option("--out", "out_file", type=click.Path(dir_okay=False), required=True,
              help="help.map.option.out")
@lang_option
@click.option("--basemap", default="none", show_default=True, metavar="none|osm|tianditu|gaode|URL",
              help="help.map.option.basemap")
@click.option("--tianditu-key", envvar="TIANDITU_KEY", show_envvar=True,
              help="help.map.option.tianditu_key")
@click.option("--simplify", "simplify_m", type=click.FloatRange(min=0), default=None, metavar="METRES",
              help="help.map.option.simplify")
def command(plan_path, out_file, lang, basemap, tianditu_key, simplify_m):
    """Draw PLAN (a plan.gpkg) as an interactive map: grids coloured against the band, borders, grid codes, staffing and reach layers when present, roads and rivers; search, legend, scale.

    Its ``--help`` (zh and en) is ``help.map`` in :mod:`gridmap.i18n`.
    """
    from gridmap.maps import save_map
    from gridmap.plan import Plan

    started = time.perf_counter()
    progress = Progress(lang=lang)
    progress("read", 0, 1)
    plan = Plan.load(plan_path)
    progress("read", 1, 1)
    progress("map", 0, 1)
    path = save_map(plan, out_file, lang=lang, basemap=basemap, tianditu_key=tianditu_key, simplify_m=simplify_m)
    progress("map", 1, 1)
    progress.close()
    size = path.stat().st_size
    from gridmap.i18n import text

    click.echo(text("cli.map_written", lang, path=path, mb=size / 1e6, grids=len(plan.grids),
                    s=time.perf_counter() - started))
