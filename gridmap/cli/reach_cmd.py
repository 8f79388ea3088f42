"""``gridmap reach``: households within the response time of their grid's base; service areas."""
from __future__ import annotations


import click

from gridmap.cli._help import HelpCommand
from gridmap.cli.options import (Progress, load_reach_config, output_path, plan_argument, read_bases, read_plan,
                                 travel_options)
from gridmap.errors import InputError

@click.command("reach", cls=HelpCommand)
@plan_argument
@click.option("--roads", multiple=True, type=click.Path(dir_okay=False),
              help="help.reach.option.roads")
@travel_options
def command(plan_path, roads, bases_path, mode, minutes_urban, minutes_rural, objective, config_path, out_dir, quiet):
    """Measure which households each grid's base reaches within the response time.

    Its ``--help`` (zh and en) is ``help.reach`` in :mod:`gridmap.i18n`.
    """
    from gridmap.reach import reach_plan, reach_table

    from gridmap.tables import write_csv
    from gridmap._outdir import OutputDir, plan_id

    config = load_reach_config(config_path, mode=mode, minutes_urban=minutes_urban, minutes_rural=minutes_rural)
    target = output_path(plan_path, out_dir)
    with OutputDir(target.parent, "reach") as out:
        progress = Progress(quiet)
        progress("read", 0, 1)
        plan = read_plan(plan_path)
        bases = read_bases(bases_path)
        if roads:
            plan = with_roads(plan, roads)
        progress("reach", 0, 1)
        plan = reach_plan(plan, config, bases=bases, objective=objective)
        progress("reach", 1, 1)
        progress.close()
        out.plan_id = plan_id(plan)
        plan.save(out.file(target.name))
        table = reach_table(plan, "units")
        write_csv(table, out.file("reach.csv"))
    echo_reach(plan, target)


def with_roads(plan, paths):
    """The plan with its roads layer replaced by user line files (projected to the plan's CRS)."""
    import geopandas as gpd
    import pandas as pd

    from gridmap.inputs.files import read_lines
    from gridmap.plan import Plan

    lines = read_lines(paths, what="roads").to_crs(plan.crs)
    if len(lines) == 0:
        raise InputError("roads: the given road files hold no lines")
    columns = {"highway": "residential", "name": "", "oneway": "", "maxspeed": ""}
    frame = pd.DataFrame({c: (lines[c].fillna(default) if c in lines.columns else default)
                          for c, default in columns.items()}, index=lines.index)
    roads = gpd.GeoDataFrame(frame, geometry=lines.geometry.to_numpy(), crs=plan.crs)
    layers = dict(plan.layers)
    layers["roads"] = roads
    meta = dict(plan.meta)
    meta["inputs"] = dict(meta.get("inputs") or {}) | {"roads": [str(p) for p in paths]}
    return Plan(layers=layers, meta=meta)


def echo_reach(plan, path):
    """Print the reach figures of a plan."""
    r = plan.meta["reach"]
    cfg = r["config"]
    county = r["county"]
    click.echo(f"plan written to {path}")
    click.echo(f"  mode            {cfg['mode']}, {cfg['minutes_urban']:g} min urban / "
               f"{cfg['minutes_rural']:g} min rural")
    bases = r["bases"]
    click.echo(f"  bases           {bases['given']} given, {bases['computed']} computed"
               + (f" ({bases['given_outside_grids']} given outside every grid, unused)"
                  if bases["given_outside_grids"] else ""))
    share = county["share"]
    click.echo(f"  households      {county['reached']:,.0f} of {county['households']:,.0f} reached"
               + (f" ({share:.1%})" if share is not None else ""))
    click.echo(f"  grids           {county['grids_fully_reached']} of {county['grids']} fully reached")
    click.echo(f"  {'unit':<24s} {'households':>10s} {'reached':>10s} {'share':>7s}")
    for row in r["units"]:
        s = f"{row['share']:.1%}" if row["share"] is not None else "-"
        click.echo(f"  {str(row['unit_name'])[:24]:<24s} {row['households']:>10,.0f} {row['reached']:>10,.0f} {s:>7s}")
    t = r["timings_s"]
    click.echo(f"  time            network {t['network_s']:.2f} s, bases {t['bases_s']:.2f} s, "
               f"reach {t['reach_s']:.2f} s, service areas {t['service_areas_s']:.2f} s")
