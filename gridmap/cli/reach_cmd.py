"""``gridmap reach``: households within the response time of their grid's base; service areas."""
from __future__ import annotations

from pathlib import Path

import click

from gridmap.cli.options import Progress, config_option, quiet_option
from gridmap.errors import InputError

#: Options shared by ``gridmap staff`` and ``gridmap reach`` (spelled the same in both).
plan_argument = click.argument("plan_path", metavar="PLAN", type=click.Path(dir_okay=False))
plan_out_option = click.option("--out", "out_dir", type=click.Path(file_okay=False),
                               help="Write OUT/plan.gpkg (and the CSV files) instead of extending PLAN in place.")
bases_option = click.option("--bases", "bases_path", type=click.Path(dir_okay=False),
                            help="Points of the grids' bases (offices, workrooms): with a grid_id (or code) column, "
                                 "or matched to the grid they lie in. Grids without one get a computed base.")
mode_option = click.option("--mode", type=click.Choice(["walk", "ebike", "car"]),
                           help="Travel mode of the workers.  [default: walk, or the config's]")
minutes_urban_option = click.option("--minutes-urban", type=click.FloatRange(min=0, min_open=True),
                                    help="Response time in urban grids, minutes.  [default: 10]")
minutes_rural_option = click.option("--minutes-rural", type=click.FloatRange(min=0, min_open=True),
                                    help="Response time in rural grids, minutes.  [default: 30]")
objective_option = click.option("--objective", type=click.Choice(["min_time", "max_reached"]), default="min_time",
                                show_default=True, help="Computed bases: least household-weighted travel time, "
                                "or most households within the response time.")


def load_reach_config(config_path, *, mode=None, minutes_urban=None, minutes_rural=None, bare=True):
    """Travel rules: defaults, then the TOML file's [reach] table, then command-line overrides.

    ``bare``: a file without [plan]/[staffing]/[reach] tables holds travel rules (for
    ``gridmap reach``) or not (``gridmap staff``, whose bare files hold staffing rules).
    """
    from gridmap.roads import ReachConfig

    config = ReachConfig.from_toml(config_path, bare=bare) if config_path else ReachConfig()
    changes = {k: v for k, v in {"mode": mode, "minutes_urban": minutes_urban, "minutes_rural": minutes_rural}.items()
               if v is not None}
    return config.replace(**changes) if changes else config


def read_plan(plan_path):
    from gridmap.plan import Plan

    return Plan.load(plan_path)


def read_bases(bases_path):
    if not bases_path:
        return None
    from gridmap.inputs.files import read_layer

    return read_layer(bases_path, what="bases")


def output_path(plan_path, out_dir) -> Path:
    """Where the extended plan goes: OUT/plan.gpkg, or PLAN itself (replaced atomically)."""
    return Path(out_dir) / "plan.gpkg" if out_dir else Path(plan_path)


@click.command("reach")
@plan_argument
@click.option("--roads", multiple=True, type=click.Path(dir_okay=False),
              help="Road lines to travel on instead of the plan's roads layer (repeatable); a 'highway' column "
                   "sets the class (else all 'residential'), 'oneway' and 'maxspeed' are used when present.")
@bases_option
@mode_option
@minutes_urban_option
@minutes_rural_option
@objective_option
@config_option
@plan_out_option
@quiet_option
def command(plan_path, roads, bases_path, mode, minutes_urban, minutes_rural, objective, config_path, out_dir, quiet):
    """Measure which households each grid's base reaches within the response time.

    Reads PLAN (a plan.gpkg), travels on its road network (walk 4.5 km/h; e-bike 15-25,
    car 20-60 km/h by road class; one-way streets for cars), and writes back the layers
    bases, service_areas (bands along the reached streets) and unreached (households
    beyond the response time), grids.share_reached and reach.csv (per unit).

    \b
    Examples:
      gridmap reach out/demo/plan.gpkg
      gridmap reach out/demo/plan.gpkg --mode ebike --minutes-rural 20 --bases offices.gpkg
    """
    from gridmap.reach import reach_plan, reach_table

    config = load_reach_config(config_path, mode=mode, minutes_urban=minutes_urban, minutes_rural=minutes_rural)
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
    path = plan.save(output_path(plan_path, out_dir))
    table = reach_table(plan, "units")
    table.to_csv(path.parent / "reach.csv", index=False, encoding="utf-8-sig")
    echo_reach(plan, path)


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
