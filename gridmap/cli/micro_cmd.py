"""``gridmap micro``: micro-grids (微网格) of 10-30 households inside every grid."""
from __future__ import annotations

import click

from gridmap.cli.options import Progress, lang_option, plan_argument, quiet_option, read_plan, seed_option
from gridmap.cli.update_cmd import echo_plan, write_outputs


@click.command("micro")
@plan_argument
@click.option("--band", nargs=2, type=float, default=(10.0, 30.0), show_default=True,
              help="MIN MAX households per micro-grid.")
@seed_option
@lang_option
@click.option("--out", "out_dir", type=click.Path(file_okay=False), required=True,
              help="Output directory: plan.gpkg with the micro_grids layer, map.html (micro-grids from zoom 16), "
                   "report.html, micro.json.")
@quiet_option
def command(plan_path, band, seed, lang, out_dir, quiet):
    """Split every grid of PLAN into micro-grids of MIN..MAX households (微网格).

    Micro-grids follow buildings (each building's Voronoi cell inside its grid) and
    prefer lanes, roads and rivers as edges; they nest in their grid and their codes
    extend the grid code by 3 digits. A building with more households than MAX is a
    micro-grid of its own (flagged over_band).

    \b
    Example:
      gridmap micro out/demo/plan.gpkg --band 10 30 --out out/demo_micro
    """
    from gridmap.micro import add_micro_grids

    progress = Progress(quiet)
    progress("read", 0, 1)
    plan = add_micro_grids(read_plan(plan_path), tuple(band), seed=seed, progress=progress)
    progress.close()
    m = plan.meta["micro_grids"]
    written = write_outputs(plan, out_dir, lang, "micro", {"micro.json": m})
    click.echo(f"plan written to {written['plan']}")
    share = "-" if m["in_band_share"] is None else f"{m['in_band_share']:.1%}"
    click.echo(f"  micro-grids     {m['count']:,} ({m['with_households']:,} with households; {share} of them in "
               f"{m['band'][0]:g}-{m['band'][1]:g}; median {m['households_median']:.0f} households; "
               f"{m['over_band_buildings']} buildings over the band)")
    echo_plan(plan, written["faults"])
